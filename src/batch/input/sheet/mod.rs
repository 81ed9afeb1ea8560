//! One sheet of an Excel workbook, read as it is inflated, so memory does
//! not grow with the sheet: `book` reads the workbook's list of sheets, its
//! shared strings and its date styles; `xml` is the scanner of its XML;
//! `cells` turns the sheet's XML into rows of cell texts.
//!
//! Two threads of their own: one inflates the sheet's part of the zip, the
//! other reads its cells and sends rows in small batches through a bounded
//! channel. Both stop when the reader is dropped.

mod book;
mod cells;
mod xml;

use super::{too_long, FileProblem, RowProblem};
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Rows per message from the reading thread.
const BATCH: usize = 256;

/// A row of the sheet as read.
pub(super) enum SheetRow {
    /// A row with one field per heading ([`SheetSource::fields`]); `at` is
    /// the sheet's own row number.
    Row { at: u64 },
    /// A row with a cell that cannot be read.
    Problem { at: u64, problem: RowProblem },
    /// The rest of the sheet cannot be read.
    Fatal(FileProblem),
}

/// Rows as the reading thread sends them: the text of every row end to end
/// in one buffer and the field ends in another, so that a batch is a few
/// allocations, made on the reading thread and sent back to it to be filled
/// again (rows allocated on one thread and freed on the other made the two
/// contend for the allocator's lock).
#[derive(Default)]
struct Batch {
    text: String,
    ends: Vec<usize>,
    rows: Vec<ReadRow>,
}

/// A row of a batch.
enum ReadRow {
    /// One field per heading: its text in the batch's, and where each field
    /// ends in that text.
    Row {
        at: u64,
        text: std::ops::Range<usize>,
        ends: std::ops::Range<usize>,
    },
    Problem {
        at: u64,
        problem: RowProblem,
    },
}

impl Batch {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.rows.clear();
    }
}

enum Message {
    Start {
        header: Vec<String>,
        sheet: String,
        rows: u64,
    },
    Rows(Batch),
    /// The sheet has been read to its end.
    End,
}

/// Rows of a sheet, from the reading thread.
pub(super) struct SheetSource {
    rows: Receiver<Result<Message, FileProblem>>,
    /// Batches read, going back to the reading thread.
    used: SyncSender<Batch>,
    batch: Batch,
    /// The next row of the batch to return.
    next: usize,
    /// The last row returned: its text and where each field ends, in the batch.
    text: std::ops::Range<usize>,
    ends: std::ops::Range<usize>,
    /// The sheet's row of the last row returned, and the sheet's last row.
    at: u64,
    total: u64,
    done: bool,
}

impl SheetSource {
    /// Opens `sheet` (or the first) of the workbook at `path`; returns the
    /// source, the header and the sheet's name.
    pub(super) fn open(
        path: &Path,
        sheet: Option<&str>,
    ) -> Result<(SheetSource, Vec<String>, String), FileProblem> {
        let (tx, rx) = sync_channel(4);
        let (used, returned) = sync_channel(6);
        let path = path.to_path_buf();
        let sheet = sheet.map(str::to_string);
        std::thread::Builder::new()
            .name("ras-xlsx".into())
            .spawn(move || read_sheet(&path, sheet.as_deref(), &tx, &returned))
            .map_err(|e| FileProblem::new(format!("cannot start reading the workbook: {e}")))?;
        match rx.recv() {
            Ok(Ok(Message::Start {
                header,
                sheet,
                rows,
            })) => Ok((
                SheetSource {
                    rows: rx,
                    used,
                    batch: Batch::default(),
                    next: 0,
                    text: 0..0,
                    ends: 0..0,
                    at: 0,
                    total: rows,
                    done: false,
                },
                header,
                sheet,
            )),
            Ok(Err(problem)) => Err(problem),
            Ok(Ok(Message::Rows(_) | Message::End)) | Err(_) => Err(FileProblem::new(
                "reading the workbook stopped before its first row",
            )),
        }
    }

    /// Sheet rows read and the sheet's rows.
    pub(super) fn progress(&self) -> (u64, Option<u64>) {
        (self.at, Some(self.total))
    }

    /// The last row returned as [`SheetRow::Row`]: its text and where each
    /// field ends in it.
    pub(super) fn fields(&self) -> (&str, &[usize]) {
        (
            self.batch.text.get(self.text.clone()).unwrap_or(""),
            self.batch.ends.get(self.ends.clone()).unwrap_or(&[]),
        )
    }

    /// The next row, or `None` at the end of the sheet.
    pub(super) fn next_row(&mut self) -> Option<SheetRow> {
        loop {
            if let Some(row) = self.batch.rows.get(self.next) {
                self.next += 1;
                return Some(match row {
                    ReadRow::Row { at, text, ends } => {
                        self.at = *at;
                        self.text = text.clone();
                        self.ends = ends.clone();
                        SheetRow::Row { at: *at }
                    }
                    // Rows with a problem are few: copied, so the batch stays whole.
                    ReadRow::Problem { at, problem } => {
                        self.at = *at;
                        SheetRow::Problem {
                            at: *at,
                            problem: problem.clone(),
                        }
                    }
                });
            }
            if self.done {
                return None;
            }
            match self.rows.recv() {
                Ok(Ok(Message::Rows(rows))) => {
                    let mut used = std::mem::replace(&mut self.batch, rows);
                    used.clear();
                    let _ = self.used.try_send(used);
                    self.next = 0;
                }
                Ok(Ok(Message::Start { .. })) => {}
                Ok(Ok(Message::End)) => {
                    self.done = true;
                    return None;
                }
                Ok(Err(problem)) => {
                    self.done = true;
                    return Some(SheetRow::Fatal(problem));
                }
                // The thread stopped without saying the sheet was done.
                Err(_) => {
                    self.done = true;
                    return Some(SheetRow::Fatal(FileProblem::new(
                        "reading the workbook stopped part way",
                    )));
                }
            }
        }
    }
}

/// `C5` for row 4, column 2 (both 0-based).
pub(super) fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column as u64 + 1;
    while n > 0 {
        let d = ((n - 1) % 26) as u8;
        letters.push(b'A' + d);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row as u64 + 1)
}

type Tx = SyncSender<Result<Message, FileProblem>>;

fn read_sheet(path: &Path, sheet: Option<&str>, tx: &Tx, returned: &Receiver<Batch>) {
    if let Err(problem) = read_sheet_rows(path, sheet, tx, returned) {
        let _ = tx.send(Err(problem));
    }
}

fn read_sheet_rows(
    path: &Path,
    sheet: Option<&str>,
    tx: &Tx,
    returned: &Receiver<Batch>,
) -> Result<(), FileProblem> {
    let name = path.display().to_string();
    let mut archive = book::open_archive(path, &name)?;
    let book = book::read_book(&mut archive, &name)?;
    let (sheet_name, part) = match sheet {
        Some(s) => match book.sheets.iter().find(|(n, _)| n == s) {
            Some(found) => found.clone(),
            None => {
                let names: Vec<&str> = book.sheets.iter().map(|(n, _)| n.as_str()).collect();
                return Err(
                    FileProblem::new(format!("`{name}` has no sheet called `{s}`"))
                        .hint(format!("its sheets are: {}", names.join(", "))),
                );
            }
        },
        None => book
            .sheets
            .first()
            .cloned()
            .ok_or_else(|| FileProblem::new(format!("`{name}` has no sheets")))?,
    };
    let cannot = |what: String| {
        FileProblem::new(format!(
            "cannot read sheet `{sheet_name}` of `{name}`: {what}"
        ))
    };
    let zip_name = book::part_name(&archive, &part)
        .ok_or_else(|| cannot(format!("the workbook has no part {part}")))?;
    let inflated = Inflated::start(archive, zip_name).map_err(cannot)?;
    let broken = |e: xml::XmlError, row: Option<u32>| {
        let after = row.map_or(String::new(), |r| format!(", after row {}", r as u64 + 1));
        cannot(format!("{}, at byte {} of {part}{after}", e.what, e.at))
    };
    let Some(mut sheet_cells) = cells::SheetCells::start(xml::Scanner::new(inflated), &book)
        .map_err(|e| broken(e, None))?
    else {
        return Err(FileProblem::new(format!(
            "sheet `{sheet_name}` of `{name}` is empty"
        )));
    };
    let total = u64::from(sheet_cells.last_row) + 1;
    let mut header: Option<Heading> = None;
    let mut problem: Option<FileProblem> = None;
    let mut stopped = false;
    let mut last: Option<u32> = None;
    let mut batch = Batch::default();
    let mut row_cells = RowCells::default();
    let read = sheet_cells.rows(&mut row_cells, |row, at| {
        last = Some(at);
        match &mut header {
            None => {
                let heading = match Heading::new(row, at, &sheet_name, &name) {
                    Ok(heading) => heading,
                    Err(p) => {
                        problem = Some(p);
                        return cells::Flow::Stop;
                    }
                };
                let start = Message::Start {
                    header: heading.names.clone(),
                    sheet: sheet_name.clone(),
                    rows: total,
                };
                if tx.send(Ok(start)).is_err() {
                    stopped = true;
                    return cells::Flow::Stop;
                }
                header = Some(heading);
            }
            Some(heading) => {
                heading.row(row, at, &mut batch);
                if batch.rows.len() == BATCH {
                    let empty = returned.try_recv().unwrap_or_default();
                    let full = std::mem::replace(&mut batch, empty);
                    if tx.send(Ok(Message::Rows(full))).is_err() {
                        stopped = true;
                        return cells::Flow::Stop;
                    }
                }
            }
        }
        cells::Flow::Go
    });
    if let Some(problem) = problem {
        return Err(problem);
    }
    if stopped {
        return Ok(());
    }
    // The rows read before the XML broke are kept: they go before the problem.
    let read = read.map_err(|e| broken(e, last));
    if header.is_none() {
        read?;
        return Err(FileProblem::new(format!(
            "sheet `{sheet_name}` of `{name}` is empty"
        )));
    }
    if tx.send(Ok(Message::Rows(batch))).is_err() {
        return Ok(());
    }
    read?;
    let _ = tx.send(Ok(Message::End));
    Ok(())
}

/// Pieces of inflated XML in flight between the two threads.
const PIECES: usize = 4;
/// The size of one piece.
const PIECE: usize = 256 << 10;

/// The sheet's part as it is inflated on a thread of its own: pieces come
/// through a bounded channel and go back to be filled again.
struct Inflated {
    pieces: Receiver<std::io::Result<Vec<u8>>>,
    empties: SyncSender<Vec<u8>>,
    piece: Vec<u8>,
    at: usize,
    done: bool,
}

impl Inflated {
    fn start(mut archive: book::Archive, part: String) -> Result<Inflated, String> {
        let (tx, pieces) = sync_channel(PIECES);
        let (empties, returned) = sync_channel::<Vec<u8>>(PIECES + 2);
        std::thread::Builder::new()
            .name("ras-xlsx-inflate".into())
            .spawn(move || {
                let mut file = match archive.by_name(&part) {
                    Ok(file) => file,
                    Err(e) => {
                        let _ = tx.send(Err(std::io::Error::other(e)));
                        return;
                    }
                };
                loop {
                    let mut piece = returned.try_recv().unwrap_or_default();
                    piece.resize(PIECE, 0);
                    let mut filled = 0;
                    let end = loop {
                        match file.read(piece.get_mut(filled..).unwrap_or(&mut [])) {
                            Ok(0) => break true,
                            Ok(n) => {
                                filled += n;
                                if filled == PIECE {
                                    break false;
                                }
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(e) => {
                                let _ = tx.send(Err(e));
                                return;
                            }
                        }
                    };
                    piece.truncate(filled);
                    // An empty piece is the end of the part.
                    if !piece.is_empty() && tx.send(Ok(piece)).is_err() {
                        return;
                    }
                    if end {
                        let _ = tx.send(Ok(Vec::new()));
                        return;
                    }
                }
            })
            .map_err(|e| format!("cannot start inflating it: {e}"))?;
        Ok(Inflated {
            pieces,
            empties,
            piece: Vec::new(),
            at: 0,
            done: false,
        })
    }
}

impl Read for Inflated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.piece.len() {
            if self.done {
                return Ok(0);
            }
            match self.pieces.recv() {
                Ok(Ok(piece)) if piece.is_empty() => self.done = true,
                Ok(Ok(piece)) => {
                    let used = std::mem::replace(&mut self.piece, piece);
                    let _ = self.empties.try_send(used);
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    return Err(std::io::Error::other(
                        "inflating the sheet stopped part way",
                    ))
                }
            }
        }
        let rest = self.piece.get(self.at..).unwrap_or(&[]);
        let n = rest.len().min(out.len());
        out.get_mut(..n)
            .unwrap_or(&mut [])
            .copy_from_slice(rest.get(..n).unwrap_or(&[]));
        self.at += n;
        Ok(n)
    }
}

/// The cells of one sheet row as read, reused from row to row: their texts
/// one after another in one buffer (so a cell costs no allocation).
#[derive(Default)]
pub(super) struct RowCells {
    text: Vec<u8>,
    /// Each cell's column and its text in `text` (trimmed, UTF-8), or why it cannot be read.
    cells: Vec<(u32, Result<std::ops::Range<usize>, String>)>,
    /// The row passed [`super::MAX_ROW_BYTES`]: its cells were read past.
    too_long: bool,
}

impl RowCells {
    fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.too_long = false;
    }

    /// The text of a cell read.
    fn text(&self, range: &std::ops::Range<usize>) -> &str {
        // INVARIANT: a cell's range is pushed only once its text is UTF-8.
        std::str::from_utf8(self.bytes(range)).unwrap_or("")
    }

    fn bytes(&self, range: &std::ops::Range<usize>) -> &[u8] {
        self.text.get(range.clone()).unwrap_or(&[])
    }
}

/// The header row: which columns hold headings.
struct Heading {
    /// The first column with a heading (0-based).
    first: u32,
    names: Vec<String>,
    /// Which heading is `case_id`, if one is.
    case_id: Option<usize>,
    /// Each heading's cell in the row being read, and that row's text.
    slots: Vec<Option<std::ops::Range<usize>>>,
    text: Vec<u8>,
}

impl Heading {
    fn new(cells: &RowCells, at: u32, sheet: &str, file: &str) -> Result<Heading, FileProblem> {
        if cells.too_long {
            return Err(FileProblem::new(format!(
                "`{file}`: row {} of sheet {sheet}, the header, is longer than {} MiB",
                at as u64 + 1,
                super::MAX_ROW_BYTES >> 20
            )));
        }
        let mut named = Vec::new();
        for (c, text) in &cells.cells {
            match text {
                Ok(t) if t.is_empty() => {}
                Ok(t) => named.push((*c, cells.text(t).to_string())),
                Err(message) => {
                    return Err(FileProblem::new(format!(
                        "`{file}`, sheet {sheet}: the heading in {message}"
                    )))
                }
            }
        }
        let (Some(first), Some(last)) = (named.first(), named.last()) else {
            return Err(FileProblem::new(format!(
                "`{file}`: row {} of sheet {sheet} has no column headings",
                at as u64 + 1
            ))
            .hint("the first row names the columns: case_id, cohort, then one per question"));
        };
        let (first, last) = (first.0, last.0);
        let mut names = vec![String::new(); (last - first + 1) as usize];
        for (c, name) in named {
            if let Some(slot) = names.get_mut((c - first) as usize) {
                *slot = name;
            }
        }
        let case_id = names.iter().position(|n| n == "case_id");
        Ok(Heading {
            first,
            names,
            case_id,
            slots: Vec::new(),
            text: Vec::new(),
        })
    }

    /// Adds row `at` (0-based) to the batch: its fields under the headings,
    /// or what is wrong with it.
    fn row(&mut self, cells: &RowCells, at: u32, batch: &mut Batch) {
        let row = self.read_row(cells, at, batch);
        batch.rows.push(row);
    }

    fn read_row(&mut self, cells: &RowCells, at: u32, batch: &mut Batch) -> ReadRow {
        let sheet_row = at as u64 + 1;
        if cells.too_long {
            return ReadRow::Problem {
                at: sheet_row,
                problem: too_long(),
            };
        }
        // Each heading's cell, the last one given when a column comes twice.
        let slots = &mut self.slots;
        slots.clear();
        slots.resize(self.names.len(), None);
        let mut problem: Option<RowProblem> = None;
        for (c, text) in &cells.cells {
            let slot = c
                .checked_sub(self.first)
                .and_then(|i| slots.get_mut(i as usize));
            match (text, slot) {
                (Ok(t), Some(slot)) => *slot = Some(t.clone()),
                (Ok(t), None) if t.is_empty() => {}
                (Ok(t), None) => {
                    problem.get_or_insert(RowProblem {
                        column: None,
                        code: crate::diag::codes::BAD_CELL.name,
                        message: format!(
                            "cell {} holds `{}` but its column has no heading",
                            cell_name(at, *c),
                            cells.text(t)
                        ),
                        case_id: None,
                    });
                }
                (Err(message), slot) => {
                    let column = slot
                        .is_some()
                        .then(|| self.names.get((c - self.first) as usize).cloned())
                        .flatten();
                    problem.get_or_insert(RowProblem {
                        column,
                        code: crate::diag::codes::BAD_CELL.name,
                        message: message.clone(),
                        case_id: None,
                    });
                }
            }
        }
        let field = |i: usize| {
            slots
                .get(i)
                .cloned()
                .flatten()
                .map_or(&[][..], |t| cells.bytes(&t))
        };
        match problem {
            Some(mut problem) => {
                problem.case_id = self
                    .case_id
                    .map(field)
                    .filter(|id| !id.is_empty())
                    .map(|id| String::from_utf8_lossy(id).into_owned());
                ReadRow::Problem {
                    at: sheet_row,
                    problem,
                }
            }
            None => {
                let text = &mut self.text;
                text.clear();
                let first_end = batch.ends.len();
                for i in 0..self.names.len() {
                    text.extend_from_slice(field(i));
                    batch.ends.push(text.len());
                }
                // INVARIANT: every field is a cell's text, checked to be UTF-8.
                match std::str::from_utf8(text) {
                    Ok(row_text) => {
                        let start = batch.text.len();
                        batch.text.push_str(row_text);
                        ReadRow::Row {
                            at: sheet_row,
                            text: start..batch.text.len(),
                            ends: first_end..batch.ends.len(),
                        }
                    }
                    Err(_) => {
                        batch.ends.truncate(first_end);
                        ReadRow::Problem {
                            at: sheet_row,
                            problem: RowProblem {
                                column: None,
                                code: crate::diag::codes::BAD_CELL.name,
                                message: "the row is not UTF-8 text".into(),
                                case_id: None,
                            },
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
