//! Results as an Excel workbook: a `Results` sheet and an `Errors` sheet,
//! written row by row (rust_xlsxwriter's constant-memory mode), money as
//! numbers with a £ format.
//!
//! The results sheet is fed the CSV lines a [`super::ResultWriter`] writes
//! (so one and several threads give the same rows), each whole line in one
//! `write` call; the cells take their kind from the column.

use super::Column;
use crate::batch::ErrorRecord;
use crate::model::Model;
use crate::units::Unit;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook as Book, XlsxError};
use std::cell::RefCell;
use std::io;
use std::path::Path;
use std::rc::Rc;

/// What a results column holds, as a spreadsheet cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Money,
    Number,
    Boolean,
    Text,
}

const RESULTS: usize = 0;
const ERRORS: usize = 1;

struct Sheets {
    book: Book,
    kinds: Vec<Kind>,
    money: Format,
    heading: Format,
    /// The next row to write on each sheet.
    next: [u32; 2],
}

/// A workbook being written; cloned handles write its two sheets.
#[derive(Clone)]
pub struct Workbook(Rc<RefCell<Sheets>>);

fn io_error(e: XlsxError) -> io::Error {
    match e {
        XlsxError::RowColumnLimitError => io::Error::other(
            "an Excel sheet holds at most 1,048,576 rows; write the results as CSV instead",
        ),
        other => io::Error::other(other.to_string()),
    }
}

impl Workbook {
    /// A workbook for results in `columns`, with an errors sheet whose first
    /// column is named `place` (`line` or `row`).
    pub fn new(model: &Model, columns: &[Column], place: &str) -> io::Result<Workbook> {
        let mut book = Book::new();
        book.add_worksheet_with_constant_memory()
            .set_name("Results")
            .map_err(io_error)?;
        book.add_worksheet_with_constant_memory()
            .set_name("Errors")
            .map_err(io_error)?;
        let kinds = columns
            .iter()
            .map(|c| match c {
                Column::Step(s) => match model.steps.get(*s as usize).map(|s| s.unit) {
                    Some(Unit::Money) => Kind::Money,
                    _ => Kind::Number,
                },
                Column::Flag(_) | Column::Eligible => Kind::Boolean,
                Column::PlanCost => Kind::Money,
                _ => Kind::Text,
            })
            .collect();
        let sheets = Sheets {
            book,
            kinds,
            money: Format::new().set_num_format("£#,##0.00"),
            heading: Format::new().set_bold(),
            next: [0, 0],
        };
        let workbook = Workbook(Rc::new(RefCell::new(sheets)));
        let headings = [place, "case_id", "column", "code", "message"];
        workbook.heading_row(ERRORS, &headings)?;
        Ok(workbook)
    }

    fn heading_row(&self, sheet: usize, names: &[&str]) -> io::Result<()> {
        let mut s = self.0.borrow_mut();
        let Sheets {
            book,
            heading,
            next,
            ..
        } = &mut *s;
        let row = next[sheet];
        let ws = book.worksheet_from_index(sheet).map_err(io_error)?;
        for (c, name) in names.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, *name, heading)
                .map_err(io_error)?;
        }
        next[sheet] += 1;
        Ok(())
    }

    /// Adds an error row to the errors sheet.
    pub fn error(&self, e: &ErrorRecord) -> io::Result<()> {
        let mut s = self.0.borrow_mut();
        let Sheets { book, next, .. } = &mut *s;
        let row = next[ERRORS];
        let ws = book.worksheet_from_index(ERRORS).map_err(io_error)?;
        ws.write_number(row, 0, e.line as f64).map_err(io_error)?;
        for (c, text) in [e.case_id.as_str(), &e.column, e.code, &e.message]
            .into_iter()
            .enumerate()
        {
            if !text.is_empty() {
                ws.write_string(row, c as u16 + 1, text).map_err(io_error)?;
            }
        }
        next[ERRORS] += 1;
        Ok(())
    }

    /// A sink for the results sheet, to give a [`ResultWriter`].
    pub fn results(&self) -> ResultsSheet {
        let mut fields = csv::ReaderBuilder::new();
        fields
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 12);
        ResultsSheet {
            book: self.clone(),
            fields,
        }
    }

    /// Writes the workbook to `path`.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        self.0.borrow_mut().book.save(path).map_err(io_error)
    }
}

/// The results sheet as a [`io::Write`] of whole CSV lines (the header first).
pub struct ResultsSheet {
    book: Workbook,
    fields: csv::ReaderBuilder,
}

impl io::Write for ResultsSheet {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut lines = self.fields.from_reader(bytes);
        let mut record = csv::StringRecord::new();
        let mut s = self.book.0.borrow_mut();
        let Sheets {
            book,
            kinds,
            money,
            heading,
            next,
        } = &mut *s;
        let ws = book.worksheet_from_index(RESULTS).map_err(io_error)?;
        while lines.read_record(&mut record).map_err(io::Error::other)? {
            let row = next[RESULTS];
            for (c, text) in record.iter().enumerate() {
                let col = c as u16;
                let kind = if row == 0 {
                    None
                } else {
                    Some(kinds.get(c).copied().unwrap_or(Kind::Text))
                };
                let written = match (kind, text) {
                    (_, "") => Ok(()),
                    (None, _) => ws
                        .write_string_with_format(row, col, text, heading)
                        .map(|_| ()),
                    (Some(Kind::Money), _) => match number(text) {
                        Some(n) => ws.write_number_with_format(row, col, n, money).map(|_| ()),
                        None => ws.write_string(row, col, text).map(|_| ()),
                    },
                    (Some(Kind::Number), _) => match number(text) {
                        Some(n) => ws.write_number(row, col, n).map(|_| ()),
                        None => ws.write_string(row, col, text).map(|_| ()),
                    },
                    (Some(Kind::Boolean), "true") => ws.write_boolean(row, col, true).map(|_| ()),
                    (Some(Kind::Boolean), "false") => ws.write_boolean(row, col, false).map(|_| ()),
                    (Some(_), _) => ws.write_string(row, col, text).map(|_| ()),
                };
                written.map_err(io_error)?;
            }
            next[RESULTS] += 1;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A figure as a spreadsheet number (Excel holds every number as a binary
/// float; the text was written exactly, and money to the penny fits).
fn number(text: &str) -> Option<f64> {
    text.parse::<Decimal>().ok()?.to_f64()
}

/// Whether results to `path` are a workbook.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}
