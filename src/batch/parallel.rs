//! `ras run --threads N`: rows travel to worker threads in numbered chunks and
//! their results are written back in input order.

use super::input::{CaseReader, RowAt, RowContent, RowProblem};
use super::output::ResultWriter;
use super::{ErrorRecord, Layout, RowEvaluator, RunError, RunOptions, Summary};
use crate::case::Case;
use crate::eval::Evaluator;
use crate::plan::Plan;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{mpsc, Mutex};

/// Rows per chunk: large enough that the hand-over costs little, small enough
/// that memory stays flat.
const CHUNK: usize = 4096;

/// A row read and owned, so it can cross to a worker.
enum OwnedRow {
    Fields(Vec<String>),
    Case(Box<Case>),
    Problem(RowProblem),
}

struct Done {
    index: u64,
    bytes: Vec<u8>,
    summary: Summary,
    errors: Vec<ErrorRecord>,
}

/// Runs a caseload on `threads` worker threads; output order is input order.
pub fn run_parallel<W: Write>(
    plan: &Plan,
    mut reader: CaseReader,
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
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Vec<(RowAt, OwnedRow)>)>(threads * 2);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Result<Done, std::io::Error>>();
    let mut summary = Summary::default();
    let result = std::thread::scope(|scope| -> Result<(), RunError> {
        for _ in 0..threads.max(1) {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            let ev = &ev;
            let layout = layout.clone();
            let options = options.clone();
            let places = places.clone();
            let model = &plan.model;
            let columns = out.columns().to_vec();
            let format = out.format();
            scope.spawn(move || {
                let mut rows = RowEvaluator::new(ev, layout, options, places);
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((index, chunk)) = job else { return };
                    let done = work(&mut rows, model, &columns, format, index, chunk);
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut next_index = 0u64;
        let mut sent = 0u64;
        let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
        let mut write_ready = |waiting: &mut BTreeMap<u64, Done>,
                               next: &mut u64,
                               summary: &mut Summary,
                               read: (u64, Option<u64>)|
         -> Result<(), RunError> {
            while let Some(done) = waiting.remove(next) {
                out.write_bytes(&done.bytes).map_err(RunError::Io)?;
                for e in &done.errors {
                    errors(e).map_err(RunError::Io)?;
                }
                summary.add(&done.summary);
                *next += 1;
                progress(summary.rows, read);
            }
            Ok(())
        };
        let mut chunk = Vec::with_capacity(CHUNK);
        let send = |chunk: Vec<(RowAt, OwnedRow)>, sent: &mut u64| -> Result<(), RunError> {
            job_tx
                .send((*sent, chunk))
                .map_err(|_| RunError::Io(std::io::Error::other("a worker thread stopped")))?;
            *sent += 1;
            Ok(())
        };
        while let Some((row, content)) = reader.next_row() {
            let owned = match content {
                RowContent::Fields(f) => OwnedRow::Fields(f.to_vec()),
                RowContent::Case(c) => OwnedRow::Case(c),
                RowContent::Problem(p) => OwnedRow::Problem(p),
            };
            chunk.push((row, owned));
            if chunk.len() == CHUNK {
                send(
                    std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)),
                    &mut sent,
                )?;
                for done in done_rx.try_iter() {
                    let done = done.map_err(RunError::Io)?;
                    waiting.insert(done.index, done);
                }
                write_ready(
                    &mut waiting,
                    &mut next_index,
                    &mut summary,
                    reader.progress(),
                )?;
            }
        }
        if !chunk.is_empty() {
            send(chunk, &mut sent)?;
        }
        drop(job_tx);
        // A problem with the whole file found part way: what was read is not
        // the caseload, and nothing of it is written.
        if let Some(problem) = reader.take_fatal() {
            return Err(RunError::File(problem));
        }
        let read = reader.progress();
        while next_index < sent {
            let Ok(done) = done_rx.recv() else { break };
            let done = done.map_err(RunError::Io)?;
            waiting.insert(done.index, done);
            write_ready(&mut waiting, &mut next_index, &mut summary, read)?;
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
    model: &crate::model::Model,
    columns: &[super::output::Column],
    format: super::output::OutputFormat,
    index: u64,
    chunk: Vec<(RowAt, OwnedRow)>,
) -> Result<Done, std::io::Error> {
    let mut writer = ResultWriter::body_only(
        Vec::with_capacity(chunk.len() * 64),
        format,
        model,
        columns.to_vec(),
    );
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    for (row, owned) in chunk {
        let content = match owned {
            OwnedRow::Fields(ref f) => RowContent::Fields(super::input::Fields::Owned(f)),
            OwnedRow::Case(c) => RowContent::Case(c),
            OwnedRow::Problem(p) => RowContent::Problem(p),
        };
        let status = rows.process(row, content, &mut writer, &mut errors)?;
        summary.count(status);
    }
    Ok(Done {
        index,
        bytes: writer.finish()?,
        summary,
        errors,
    })
}
