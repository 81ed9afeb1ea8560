//! `ras run --threads N`: rows travel to N - 1 worker threads in numbered
//! chunks, the thread reading them evaluates a chunk itself whenever the
//! workers have one waiting, and the results are written back in input order.

use super::input::text::{CsvBlocks, Piece};
use super::input::{BlockRows, CaseReader, CsvRows, Fields, RowAt, RowContent, RowProblem};
use super::output::ResultWriter;
use super::{ErrorRecord, Layout, RowEvaluator, RunError, RunOptions, Summary};
use crate::eval::Evaluator;
use crate::plan::Plan;
use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::sync::{mpsc, Mutex};

/// Rows per chunk: large enough that the hand-over costs little.
const CHUNK: usize = 4096;

/// Rows read but not yet written, whatever the number of threads: chunks get
/// smaller as threads are added, so memory stays flat.
const ROWS_IN_FLIGHT: usize = 32_768;

/// Rows read and owned, so they can cross to a worker: the text of every row
/// end to end in one buffer and the field ends of table rows in another, so
/// that a chunk is a few allocations, reused from chunk to chunk.
#[derive(Default)]
struct Chunk {
    text: String,
    ends: Vec<usize>,
    rows: Vec<(RowAt, OwnedRow)>,
    /// The worker writes the chunk's results here.
    out: Vec<u8>,
    /// Or whole CSV records for the worker to read, the first of them row
    /// `from.0`, starting on line `from.1`.
    block: Vec<u8>,
    from: Option<(u64, u64)>,
    /// The rows the chunk holds, as counted when it was filled.
    expected: u64,
}

/// One row of a chunk.
enum OwnedRow {
    /// A table row: its text, and where each field ends in it.
    Fields {
        text: Range<usize>,
        ends: Range<usize>,
        /// The text is the line as in the file ([`Fields::Line`]).
        line: bool,
    },
    /// A JSON line.
    Json(Range<usize>),
    Problem(RowProblem),
}

impl Chunk {
    fn push(&mut self, at: RowAt, content: RowContent<'_>) {
        let start = self.text.len();
        let row = match content {
            RowContent::Fields(fields) => {
                let (text, ends, gap) = fields.parts();
                let first = self.ends.len();
                self.text.push_str(text);
                self.ends.extend_from_slice(ends);
                OwnedRow::Fields {
                    text: start..self.text.len(),
                    ends: first..self.ends.len(),
                    line: gap == 1,
                }
            }
            RowContent::Json(line) => {
                self.text.push_str(line);
                OwnedRow::Json(start..self.text.len())
            }
            RowContent::Problem(p) => OwnedRow::Problem(p),
        };
        self.rows.push((at, row));
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.rows.clear();
        self.out.clear();
        self.block.clear();
        self.from = None;
        self.expected = 0;
    }
}

struct Done {
    index: u64,
    /// The chunk, its `out` holding the results written.
    chunk: Chunk,
    summary: Summary,
    errors: Vec<ErrorRecord>,
}

/// Where a run's chunks come from: blocks of whole CSV records, split into
/// records by the workers, or rows read here (JSON Lines, Excel).
enum Feed {
    Blocks {
        blocks: Box<CsvBlocks>,
        rows: CsvRows,
        /// Rows handed out so far.
        row: u64,
    },
    Rows(Box<CaseReader>),
}

impl Feed {
    fn progress(&self) -> (u64, Option<u64>) {
        match self {
            Feed::Blocks { blocks, .. } => blocks.progress(),
            Feed::Rows(reader) => reader.progress(),
        }
    }

    /// Fills an empty chunk; `Ok(false)` at the end of the file, with
    /// nothing in the chunk.
    fn fill(&mut self, chunk: &mut Chunk, chunk_rows: usize) -> Result<bool, RunError> {
        match self {
            Feed::Rows(reader) => {
                while let Some((row, content)) = reader.next_row() {
                    chunk.push(row, content);
                    if chunk.rows.len() >= chunk_rows {
                        break;
                    }
                }
                chunk.expected = chunk.rows.len() as u64;
                if chunk.rows.is_empty() {
                    // A problem with the whole file found part way: what was
                    // read is not the caseload, and nothing of it is written.
                    if let Some(problem) = reader.take_fatal() {
                        return Err(RunError::File(problem));
                    }
                    return Ok(false);
                }
                Ok(true)
            }
            Feed::Blocks { blocks, rows, row } => loop {
                match blocks.next(std::mem::take(&mut chunk.block)) {
                    Piece::End => return Ok(false),
                    // Blank lines alone: counted, and nothing to read.
                    Piece::Block { bytes, rows: 0, .. } => chunk.block = bytes,
                    Piece::Block {
                        bytes,
                        line,
                        rows: n,
                    } => {
                        chunk.block = bytes;
                        chunk.from = Some((*row + 1, line));
                        chunk.expected = n;
                        *row += n;
                        return Ok(true);
                    }
                    Piece::Read(read) => {
                        return match rows.read_here(read, blocks) {
                            Ok(None) => Ok(false),
                            Err(problem) => Err(RunError::File(problem)),
                            Ok(Some((line, content))) => {
                                *row += 1;
                                chunk.push(RowAt { number: *row, line }, content);
                                chunk.expected = 1;
                                Ok(true)
                            }
                        }
                    }
                }
            },
        }
    }
}

/// Runs a caseload on `threads` worker threads; output order is input order.
pub fn run_parallel<W: Write>(
    plan: &Plan,
    reader: CaseReader,
    out: &mut ResultWriter<W>,
    errors: &mut dyn FnMut(&ErrorRecord) -> std::io::Result<()>,
    options: &RunOptions,
    threads: usize,
    progress: &mut dyn FnMut(u64, (u64, Option<u64>)),
) -> Result<(Summary, Vec<String>), RunError> {
    let ev = Evaluator::new(plan);
    let (layout, warnings): (Option<Layout>, _) = match super::layout_of(&ev, &reader, options)? {
        Some((l, w)) => (Some(l), w),
        None => (None, Vec::new()),
    };
    let places = reader.places().clone();
    let mut feed = match reader.into_blocks() {
        Ok((blocks, rows)) => Feed::Blocks {
            blocks,
            rows,
            row: 0,
        },
        Err(reader) => Feed::Rows(reader),
    };
    let csv_rows = match &feed {
        Feed::Blocks { rows, .. } => Some(rows.clone()),
        Feed::Rows(_) => None,
    };
    let threads = threads.max(1);
    // This thread reads, writes, and evaluates a chunk itself whenever the
    // workers have one queued already: one thread fewer is started, so that
    // on N cores N threads run and none waits for a core.
    let workers = threads - 1;
    // Chunks sent and not yet written: the queue, one at each worker, and
    // those done ahead of the next to write.
    let in_flight = 2 * threads + 2;
    let chunk_rows = (ROWS_IN_FLIGHT / in_flight).clamp(64, CHUNK);
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Chunk)>(workers.max(1));
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Result<Done, std::io::Error>>();
    let mut summary = Summary::default();
    let result = std::thread::scope(|scope| -> Result<(), RunError> {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            let ev = &ev;
            let layout = layout.clone();
            let options = options.clone();
            let places = places.clone();
            let model = &plan.model;
            let columns = out.columns().to_vec();
            let format = out.format();
            let mut blocks = csv_rows.as_ref().map(CsvRows::block_rows);
            scope.spawn(move || {
                let mut rows = RowEvaluator::new(ev, layout, options, places);
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((index, chunk)) = job else { return };
                    let done = work(
                        &mut rows,
                        blocks.as_mut(),
                        model,
                        &columns,
                        format,
                        index,
                        chunk,
                    );
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut own_rows = RowEvaluator::new(&ev, layout.clone(), options.clone(), places.clone());
        let mut own_blocks = csv_rows.as_ref().map(CsvRows::block_rows);
        let columns = out.columns().to_vec();
        let format = out.format();
        let mut next_index = 0u64;
        let mut sent = 0u64;
        let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
        let mut spares: Vec<Chunk> = Vec::new();
        // Writes the chunks that are next in order; their buffers are kept for reuse.
        let mut write_ready = |waiting: &mut BTreeMap<u64, Done>,
                               spares: &mut Vec<Chunk>,
                               next: &mut u64,
                               summary: &mut Summary,
                               read: (u64, Option<u64>)|
         -> Result<(), RunError> {
            while let Some(mut done) = waiting.remove(next) {
                // INVARIANT: a block holds the rows counted when it was cut;
                // were it otherwise, the rows after it would be misnumbered.
                if done.summary.rows != done.chunk.expected {
                    return Err(RunError::Io(std::io::Error::other(format!(
                        "{} rows were read where {} were counted; this is a bug in ras",
                        done.summary.rows, done.chunk.expected
                    ))));
                }
                out.write_bytes(&done.chunk.out).map_err(RunError::Io)?;
                for e in &done.errors {
                    errors(e).map_err(RunError::Io)?;
                }
                summary.add(&done.summary);
                *next += 1;
                progress(summary.rows, read);
                done.chunk.clear();
                spares.push(done.chunk);
            }
            Ok(())
        };
        let receive = |done: Result<Done, std::io::Error>,
                       waiting: &mut BTreeMap<u64, Done>|
         -> Result<(), RunError> {
            let done = done.map_err(RunError::Io)?;
            waiting.insert(done.index, done);
            Ok(())
        };
        loop {
            let mut chunk = spares.pop().unwrap_or_default();
            if !feed.fill(&mut chunk, chunk_rows)? {
                break;
            }
            match job_tx.try_send((sent, chunk)) {
                Ok(()) => {}
                Err(mpsc::TrySendError::Full((index, chunk))) => {
                    let done = work(
                        &mut own_rows,
                        own_blocks.as_mut(),
                        &plan.model,
                        &columns,
                        format,
                        index,
                        chunk,
                    );
                    receive(done, &mut waiting)?;
                }
                Err(mpsc::TrySendError::Disconnected(_)) => {
                    return Err(RunError::Io(std::io::Error::other(
                        "a worker thread stopped",
                    )))
                }
            }
            sent += 1;
            for done in done_rx.try_iter() {
                receive(done, &mut waiting)?;
            }
            // Never more than `in_flight` chunks read ahead of the writing.
            while sent - next_index >= in_flight as u64 && !waiting.contains_key(&next_index) {
                let Ok(done) = done_rx.recv() else { break };
                receive(done, &mut waiting)?;
            }
            write_ready(
                &mut waiting,
                &mut spares,
                &mut next_index,
                &mut summary,
                feed.progress(),
            )?;
        }
        drop(job_tx);
        let read = feed.progress();
        while next_index < sent {
            let Ok(done) = done_rx.recv() else { break };
            receive(done, &mut waiting)?;
            write_ready(
                &mut waiting,
                &mut spares,
                &mut next_index,
                &mut summary,
                read,
            )?;
        }
        if next_index < sent {
            return Err(RunError::Io(std::io::Error::other(
                "a worker thread stopped before finishing",
            )));
        }
        Ok(())
    });
    result?;
    Ok((summary, warnings))
}

fn work(
    rows: &mut RowEvaluator<'_, '_>,
    blocks: Option<&mut BlockRows>,
    model: &crate::model::Model,
    columns: &[super::output::Column],
    format: super::output::OutputFormat,
    index: u64,
    mut chunk: Chunk,
) -> Result<Done, std::io::Error> {
    let mut writer = ResultWriter::body_only(
        std::mem::take(&mut chunk.out),
        format,
        model,
        columns.to_vec(),
    );
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    match (chunk.from, blocks) {
        (Some((first, line)), Some(blocks)) => {
            blocks.start(std::mem::take(&mut chunk.block), first, line);
            while let Some((row, content)) = blocks.next_row() {
                let status = rows.process(row, content, &mut writer, &mut errors)?;
                summary.count(status);
            }
            chunk.block = blocks.take_block();
        }
        _ => {
            for (row, owned) in chunk.rows.drain(..) {
                let content = match owned {
                    OwnedRow::Fields { text, ends, line } => {
                        let text = chunk.text.get(text).unwrap_or("");
                        let ends = chunk.ends.get(ends).unwrap_or(&[]);
                        RowContent::Fields(Fields::of(text, ends, line))
                    }
                    OwnedRow::Json(line) => RowContent::Json(chunk.text.get(line).unwrap_or("")),
                    OwnedRow::Problem(p) => RowContent::Problem(p),
                };
                let status = rows.process(row, content, &mut writer, &mut errors)?;
                summary.count(status);
            }
        }
    }
    chunk.out = writer.finish()?;
    Ok(Done {
        index,
        chunk,
        summary,
        errors,
    })
}
