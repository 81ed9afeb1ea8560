//! One sheet of an Excel workbook, read cell by cell (calamine's cell reader)
//! on a thread of its own, so memory does not grow with the sheet.
//!
//! The thread owns the workbook (the cell reader borrows it) and sends rows in
//! small batches through a bounded channel: it stops when the reader is
//! dropped.

use super::{FileProblem, RowProblem};
use crate::date::Date;
use calamine::{DataRef, Reader, Xlsx};
use std::io::BufReader;
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

/// A row as the reading thread sends it.
enum ReadRow {
    /// One field per heading, as one text and where each field ends in it.
    Row {
        at: u64,
        text: String,
        ends: Vec<usize>,
    },
    Problem {
        at: u64,
        problem: RowProblem,
    },
}

enum Message {
    Start {
        header: Vec<String>,
        sheet: String,
        rows: u64,
    },
    Rows(Vec<ReadRow>),
    /// The sheet has been read to its end.
    End,
}

/// Rows of a sheet, from the reading thread.
pub(super) struct SheetSource {
    rows: Receiver<Result<Message, FileProblem>>,
    batch: std::vec::IntoIter<ReadRow>,
    /// The last row returned: its text and where each field ends.
    text: String,
    ends: Vec<usize>,
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
        let path = path.to_path_buf();
        let sheet = sheet.map(str::to_string);
        std::thread::Builder::new()
            .name("ras-xlsx".into())
            .spawn(move || read_sheet(&path, sheet.as_deref(), &tx))
            .map_err(|e| FileProblem::new(format!("cannot start reading the workbook: {e}")))?;
        match rx.recv() {
            Ok(Ok(Message::Start {
                header,
                sheet,
                rows,
            })) => Ok((
                SheetSource {
                    rows: rx,
                    batch: Vec::new().into_iter(),
                    text: String::new(),
                    ends: Vec::new(),
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
        (&self.text, &self.ends)
    }

    /// The next row, or `None` at the end of the sheet.
    pub(super) fn next_row(&mut self) -> Option<SheetRow> {
        loop {
            if let Some(row) = self.batch.next() {
                return Some(match row {
                    ReadRow::Row { at, text, ends } => {
                        self.at = at;
                        self.text = text;
                        self.ends = ends;
                        SheetRow::Row { at }
                    }
                    ReadRow::Problem { at, problem } => {
                        self.at = at;
                        SheetRow::Problem { at, problem }
                    }
                });
            }
            if self.done {
                return None;
            }
            match self.rows.recv() {
                Ok(Ok(Message::Rows(rows))) => self.batch = rows.into_iter(),
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

fn read_sheet(path: &Path, sheet: Option<&str>, tx: &Tx) {
    if let Err(problem) = read_sheet_rows(path, sheet, tx) {
        let _ = tx.send(Err(problem));
    }
}

fn read_sheet_rows(path: &Path, sheet: Option<&str>, tx: &Tx) -> Result<(), FileProblem> {
    let name = path.display();
    let mut book: Xlsx<BufReader<std::fs::File>> = calamine::open_workbook(path)
        .map_err(|e| FileProblem::new(format!("cannot read `{name}` as an Excel workbook: {e}")))?;
    let sheets = book.sheet_names();
    let sheet_name = match sheet {
        Some(s) if sheets.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(
                FileProblem::new(format!("`{name}` has no sheet called `{s}`"))
                    .hint(format!("its sheets are: {}", sheets.join(", "))),
            )
        }
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| FileProblem::new(format!("`{name}` has no sheets")))?,
    };
    let cannot = |e: calamine::XlsxError| {
        FileProblem::new(format!("cannot read sheet `{sheet_name}` of `{name}`: {e}"))
    };
    let mut cells = book.worksheet_cells_reader(&sheet_name).map_err(cannot)?;
    let total = u64::from(cells.dimensions().end.0) + 1;
    // Cells come row by row, left to right; a row is complete when a cell of
    // a later row (or the end) comes.
    let mut row = RowCells::default();
    let mut row_at: Option<u32> = None;
    let mut header: Option<Heading> = None;
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let cell = cells.next_cell().map_err(cannot)?;
        let next_at = cell.as_ref().map(|c| c.get_position().0);
        if row_at.is_some() && next_at != row_at {
            let at = row_at.unwrap_or(0);
            match &header {
                None => {
                    let heading = Heading::new(&row, at, &sheet_name, &name.to_string())?;
                    let start = Message::Start {
                        header: heading.names.clone(),
                        sheet: sheet_name.clone(),
                        rows: total,
                    };
                    if tx.send(Ok(start)).is_err() {
                        return Ok(());
                    }
                    header = Some(heading);
                }
                Some(heading) => {
                    batch.push(heading.row(&row, at));
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if tx.send(Ok(Message::Rows(full))).is_err() {
                            return Ok(());
                        }
                    }
                }
            }
            row.clear();
        }
        let Some(cell) = cell else { break };
        let (r, c) = cell.get_position();
        row_at = Some(r);
        row.push(c, cell.get_value(), r);
    }
    if header.is_none() {
        return Err(FileProblem::new(format!(
            "sheet `{sheet_name}` of `{name}` is empty"
        )));
    }
    if tx.send(Ok(Message::Rows(batch))).is_ok() {
        let _ = tx.send(Ok(Message::End));
    }
    Ok(())
}

/// The cells of one sheet row as read, reused from row to row: their texts
/// one after another in one buffer (so a cell costs no allocation of ours).
#[derive(Default)]
struct RowCells {
    text: String,
    /// Each cell's column and its text in `text` (trimmed), or why it cannot be read.
    cells: Vec<(u32, Result<std::ops::Range<usize>, String>)>,
}

impl RowCells {
    fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
    }

    fn push(&mut self, column: u32, value: &DataRef<'_>, row: u32) {
        let start = self.text.len();
        let read = push_cell_text(&mut self.text, value, row, column).map(|()| {
            let written = self.text.get(start..).unwrap_or("");
            let lead = written.len() - written.trim_start().len();
            start + lead..start + written.trim_end().len()
        });
        self.cells.push((column, read));
    }

    /// The text of a cell read.
    fn text(&self, range: &std::ops::Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or("")
    }
}

/// The header row: which columns hold headings.
struct Heading {
    /// The first column with a heading (0-based).
    first: u32,
    names: Vec<String>,
    /// Which heading is `case_id`, if one is.
    case_id: Option<usize>,
}

impl Heading {
    fn new(cells: &RowCells, at: u32, sheet: &str, file: &str) -> Result<Heading, FileProblem> {
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
        })
    }

    /// A data row as fields under the headings.
    fn row(&self, cells: &RowCells, at: u32) -> ReadRow {
        let sheet_row = at as u64 + 1;
        // Each heading's cell, the last one given when a column comes twice.
        let mut slots: Vec<Option<&std::ops::Range<usize>>> = vec![None; self.names.len()];
        let mut problem: Option<RowProblem> = None;
        for (c, text) in &cells.cells {
            let slot = c
                .checked_sub(self.first)
                .and_then(|i| slots.get_mut(i as usize));
            match (text, slot) {
                (Ok(t), Some(slot)) => *slot = Some(t),
                (Ok(t), None) if t.is_empty() => {}
                (Ok(t), None) => {
                    problem.get_or_insert(RowProblem {
                        column: None,
                        code: "ras::bad-cell",
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
                        code: "ras::bad-cell",
                        message: message.clone(),
                        case_id: None,
                    });
                }
            }
        }
        let field = |i: usize| {
            slots
                .get(i)
                .copied()
                .flatten()
                .map_or("", |t| cells.text(t))
        };
        match problem {
            Some(mut problem) => {
                problem.case_id = self
                    .case_id
                    .map(field)
                    .filter(|id| !id.is_empty())
                    .map(str::to_string);
                ReadRow::Problem {
                    at: sheet_row,
                    problem,
                }
            }
            None => {
                let mut text = String::with_capacity(cells.text.len());
                let mut ends = Vec::with_capacity(self.names.len());
                for i in 0..self.names.len() {
                    text.push_str(field(i));
                    ends.push(text.len());
                }
                ReadRow::Row {
                    at: sheet_row,
                    text,
                    ends,
                }
            }
        }
    }
}

/// Adds a cell to `out` as the text a CSV would hold: numbers in their
/// shortest exact form, dates as YYYY-MM-DD; or says why it cannot be read.
fn push_cell_text(
    out: &mut String,
    cell: &DataRef<'_>,
    row: u32,
    column: u32,
) -> Result<(), String> {
    use std::fmt::Write as _;
    match cell {
        // The cell reader gives only cells with content; one with no value
        // is a formula whose result was never saved (as when a program
        // writes a workbook without calculating it).
        DataRef::Empty => {
            return Err(format!(
                "cell {} holds a formula with no saved value: open and save the workbook in a spreadsheet program",
                cell_name(row, column)
            ))
        }
        DataRef::String(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        // Excel holds numbers as binary floating point; the shortest text that
        // reads back to the same number is what the cell shows.
        DataRef::Float(f) => {
            let _ = write!(out, "{f}");
        }
        DataRef::Bool(b) => out.push_str(if *b { "yes" } else { "no" }),
        DataRef::DateTime(dt) => {
            // Serial day 25569 is 1970-01-01 in Excel's 1900 date system.
            let serial = dt.as_f64().floor() as i64;
            match Date::from_days_since_epoch(serial - 25_569) {
                Some(d) => {
                    let _ = write!(out, "{d}");
                }
                None => {
                    return Err(format!(
                        "cell {}: the date serial {serial} is not a calendar date",
                        cell_name(row, column)
                    ))
                }
            }
        }
        DataRef::DateTimeIso(s) => out.push_str(s.get(..10).unwrap_or(s)),
        DataRef::DurationIso(s) => out.push_str(s),
        DataRef::Error(e) => {
            return Err(format!(
                "cell {} holds the spreadsheet error {e}",
                cell_name(row, column)
            ))
        }
    }
    Ok(())
}
