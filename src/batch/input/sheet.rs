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
    /// A row with one field per heading; `at` is the sheet's own row number.
    Row { at: u64, fields: Vec<String> },
    /// A row with a cell that cannot be read.
    Problem { at: u64, problem: RowProblem },
    /// The rest of the sheet cannot be read.
    Fatal(FileProblem),
}

enum Message {
    Start {
        header: Vec<String>,
        sheet: String,
        rows: u64,
    },
    Rows(Vec<SheetRow>),
    /// The sheet has been read to its end.
    End,
}

/// Rows of a sheet, from the reading thread.
pub(super) struct SheetSource {
    rows: Receiver<Result<Message, FileProblem>>,
    batch: std::vec::IntoIter<SheetRow>,
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

    /// The next row, or `None` at the end of the sheet.
    pub(super) fn next_row(&mut self) -> Option<SheetRow> {
        loop {
            if let Some(row) = self.batch.next() {
                if let SheetRow::Row { at, .. } | SheetRow::Problem { at, .. } = &row {
                    self.at = *at;
                }
                return Some(row);
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
    let mut row: Vec<(u32, Result<String, String>)> = Vec::new();
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
        row.push((c, cell_text(cell.get_value(), r, c)));
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

/// The header row: which columns hold headings.
struct Heading {
    /// The first column with a heading (0-based).
    first: u32,
    names: Vec<String>,
}

impl Heading {
    fn new(
        cells: &[(u32, Result<String, String>)],
        at: u32,
        sheet: &str,
        file: &str,
    ) -> Result<Heading, FileProblem> {
        let mut named = Vec::new();
        for (c, text) in cells {
            match text {
                Ok(t) if t.trim().is_empty() => {}
                Ok(t) => named.push((*c, t.trim().to_string())),
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
        Ok(Heading { first, names })
    }

    /// A data row as fields under the headings.
    fn row(&self, cells: &[(u32, Result<String, String>)], at: u32) -> SheetRow {
        let sheet_row = at as u64 + 1;
        let mut fields = vec![String::new(); self.names.len()];
        let mut problem: Option<RowProblem> = None;
        for (c, text) in cells {
            let slot = c
                .checked_sub(self.first)
                .and_then(|i| fields.get_mut(i as usize));
            match (text, slot) {
                (Ok(t), Some(slot)) => *slot = t.trim().to_string(),
                (Ok(t), None) if t.trim().is_empty() => {}
                (Ok(t), None) => {
                    problem.get_or_insert(RowProblem {
                        column: None,
                        code: "ras::bad-cell",
                        message: format!(
                            "cell {} holds `{}` but its column has no heading",
                            cell_name(at, *c),
                            t.trim()
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
        match problem {
            Some(mut problem) => {
                problem.case_id = self
                    .names
                    .iter()
                    .position(|n| n == "case_id")
                    .and_then(|i| fields.get(i))
                    .filter(|id| !id.is_empty())
                    .cloned();
                SheetRow::Problem {
                    at: sheet_row,
                    problem,
                }
            }
            None => SheetRow::Row {
                at: sheet_row,
                fields,
            },
        }
    }
}

/// A cell as the text a CSV would hold: numbers in their shortest exact form,
/// dates as YYYY-MM-DD.
fn cell_text(cell: &DataRef<'_>, row: u32, column: u32) -> Result<String, String> {
    Ok(match cell {
        // The cell reader gives only cells with content; one with no value
        // is a formula whose result was never saved (as when a program
        // writes a workbook without calculating it).
        DataRef::Empty => {
            return Err(format!(
                "cell {} holds a formula with no saved value: open and save the workbook in a spreadsheet program",
                cell_name(row, column)
            ))
        }
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        // Excel holds numbers as binary floating point; the shortest text that
        // reads back to the same number is what the cell shows.
        DataRef::Float(f) => format!("{f}"),
        DataRef::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        DataRef::DateTime(dt) => {
            // Serial day 25569 is 1970-01-01 in Excel's 1900 date system.
            let serial = dt.as_f64().floor() as i64;
            match Date::from_days_since_epoch(serial - 25_569) {
                Some(d) => d.to_string(),
                None => {
                    return Err(format!(
                        "cell {}: the date serial {serial} is not a calendar date",
                        cell_name(row, column)
                    ))
                }
            }
        }
        DataRef::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => {
            return Err(format!(
                "cell {} holds the spreadsheet error {e}",
                cell_name(row, column)
            ))
        }
    })
}
