//! Reading a caseload: CSV, JSON Lines or Excel, row by row, without losing a row.
//!
//! CSV and Excel are tables: a header naming the columns, then one case per
//! row. JSON Lines holds one case object per line, as `ras eval --case` reads.

use crate::case::Case;
use crate::date::Date;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// The layout of a caseload file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON case object per line.
    JsonLines,
    /// An Excel workbook (.xlsx); one sheet is read.
    Xlsx,
}

impl InputFormat {
    /// The format a file name implies, if any.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => InputFormat::Csv,
            "jsonl" | "ndjson" | "json" => InputFormat::JsonLines,
            "xlsx" | "xlsm" => InputFormat::Xlsx,
            _ => return None,
        })
    }

    /// Reads a format name as given to `--input-format`.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        Some(match name {
            "csv" => InputFormat::Csv,
            "jsonl" | "json-lines" | "ndjson" => InputFormat::JsonLines,
            "xlsx" | "excel" => InputFormat::Xlsx,
            _ => return None,
        })
    }
}

/// A problem with the whole caseload file: nothing is evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FileProblem {
    /// What is wrong, naming the file.
    pub message: String,
    /// What would fix it.
    pub hint: Option<String>,
}

impl FileProblem {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        FileProblem {
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A problem with one row: the row becomes an error record and the run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The column concerned, when one is.
    pub column: Option<String>,
    /// A stable code, e.g. `ras::field-count`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The case id, when the row could be read that far (so that an error
    /// row still says which case it is).
    pub case_id: Option<String>,
}

/// The fields of a table row, one per header column, borrowed from the reader.
#[derive(Debug, Clone, Copy)]
pub enum Fields<'r> {
    /// A CSV record, checked to be UTF-8 as a whole.
    Csv(&'r str, &'r csv::ByteRecord),
    /// Fields already held as text (Excel rows, rows handed to other threads).
    Owned(&'r [String]),
}

impl<'r> Fields<'r> {
    /// How many fields.
    pub fn len(&self) -> usize {
        match self {
            Fields::Csv(_, record) => record.len(),
            Fields::Owned(fields) => fields.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Field `i`, without surrounding spaces ("" when there is none).
    pub fn get(&self, i: usize) -> &'r str {
        match self {
            // ASCII spaces only: the Unicode-aware trim costs more than the
            // rest of reading a field.
            // `text` is the record's bytes, checked to be UTF-8 as a whole.
            Fields::Csv(text, record) => record
                .range(i)
                .and_then(|r| text.get(r))
                .unwrap_or("")
                .trim_ascii(),
            Fields::Owned(fields) => fields.get(i).map(|f| f.trim_ascii()).unwrap_or(""),
        }
    }

    /// Field `i` as bytes, without surrounding spaces: cheaper than [`Fields::get`]
    /// where only ASCII matters (single-digit option codes).
    pub fn bytes(&self, i: usize) -> &'r [u8] {
        match self {
            Fields::Csv(_, record) => record.get(i).unwrap_or(b"").trim_ascii(),
            Fields::Owned(fields) => fields
                .get(i)
                .map(|f| f.as_bytes())
                .unwrap_or(b"")
                .trim_ascii(),
        }
    }

    /// Every field, as owned text.
    pub fn to_vec(&self) -> Vec<String> {
        (0..self.len()).map(|i| self.get(i).to_string()).collect()
    }
}

/// One row as read: its fields aligned with the header, or a whole case (JSON
/// Lines), or what was wrong with it.
#[derive(Debug)]
pub enum RowContent<'r> {
    /// Fields of a table row, one per header column.
    Fields(Fields<'r>),
    /// A case read from a JSON line.
    Case(Box<Case>),
    /// The row could not be read.
    Problem(RowProblem),
}

/// A source of case rows.
pub struct CaseReader {
    header: Vec<String>,
    inner: Inner,
    fields: Vec<String>,
    /// 1-based number of the last row read (data rows; the header is row 0 of a table).
    row: u64,
    /// Reading failed (an I/O error): the error was returned as a row and
    /// nothing more is read, rather than the same error for ever.
    ended: bool,
    /// Bytes of the file (CSV, JSON Lines) or rows of the sheet (Excel), when
    /// known: how far there is to go, for a progress bar.
    total: Option<u64>,
    /// Bytes of JSON Lines read so far.
    consumed: u64,
}

enum Inner {
    Csv(Box<csv::Reader<Box<dyn Read>>>, csv::ByteRecord),
    Rows(std::vec::IntoIter<Result<Vec<String>, RowProblem>>),
    Lines(Box<dyn BufRead>, String),
}

impl CaseReader {
    /// Opens a caseload; `path` `-` reads standard input.
    pub fn open(
        path: &Path,
        format: InputFormat,
        sheet: Option<&str>,
    ) -> Result<CaseReader, FileProblem> {
        let name = path.display().to_string();
        let reader: Box<dyn Read> = if name == "-" {
            if format == InputFormat::Xlsx {
                return Err(FileProblem::new(
                    "an Excel workbook cannot be read from standard input",
                )
                .hint("give the .xlsx file's path"));
            }
            Box::new(io::stdin().lock())
        } else if format == InputFormat::Xlsx {
            return xlsx(path, sheet);
        } else {
            Box::new(
                File::open(path)
                    .map_err(|e| FileProblem::new(format!("cannot open `{name}`: {e}")))?,
            )
        };
        let size = if name == "-" {
            None
        } else {
            std::fs::metadata(path).ok().map(|m| m.len())
        };
        let opened = match format {
            InputFormat::Csv => CaseReader::csv(reader, &name),
            _ => Ok(CaseReader {
                header: Vec::new(),
                inner: Inner::Lines(
                    Box::new(BufReader::with_capacity(1 << 16, reader)),
                    String::new(),
                ),
                fields: Vec::new(),
                row: 0,
                ended: false,
                total: None,
                consumed: 0,
            }),
        };
        opened.map(|mut r| {
            r.total = size;
            r
        })
    }

    /// How far reading has got and how far it goes, in the same measure
    /// (bytes of a file, rows of a sheet); the total is `None` for standard input.
    pub fn progress(&self) -> (u64, Option<u64>) {
        let done = match &self.inner {
            Inner::Csv(reader, _) => reader.position().byte(),
            Inner::Rows(_) => self.row,
            Inner::Lines(..) => self.consumed,
        };
        (done, self.total)
    }

    /// Reads CSV from any reader (used by tests and standard input).
    pub fn csv(reader: Box<dyn Read>, name: &str) -> Result<CaseReader, FileProblem> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let header = csv
            .byte_headers()
            .map_err(|e| FileProblem::new(format!("`{name}` is not CSV: {e}")))?
            .clone();
        let mut columns = Vec::with_capacity(header.len());
        for (i, field) in header.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| {
                FileProblem::new(format!(
                    "`{name}` is not UTF-8 text (header, column {})",
                    i + 1
                ))
                .hint("save the file as CSV UTF-8")
            })?;
            columns.push(text.trim().trim_start_matches('\u{feff}').to_string());
        }
        if columns.iter().all(|c| c.is_empty()) {
            return Err(FileProblem::new(format!("`{name}` has no header row"))
                .hint("the first line names the columns: case_id, cohort, then one per question"));
        }
        Ok(CaseReader {
            fields: Vec::with_capacity(columns.len()),
            header: columns,
            inner: Inner::Csv(Box::new(csv), csv::ByteRecord::new()),
            row: 0,
            total: None,
            consumed: 0,
            ended: false,
        })
    }

    /// The column names (empty for JSON Lines).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The number of the row last returned (1 = first case).
    pub fn row_number(&self) -> u64 {
        self.row
    }

    /// The next row with its number (1 = first case), or `None` at the end.
    pub fn next_row(&mut self) -> Option<(u64, RowContent<'_>)> {
        // INVARIANT: next_content counts each row it returns exactly once.
        let row = self.row + 1;
        let content = self.next_content()?;
        Some((row, content))
    }

    fn next_content(&mut self) -> Option<RowContent<'_>> {
        if self.ended {
            return None;
        }
        match &mut self.inner {
            Inner::Csv(reader, record) => {
                match reader.read_byte_record(record) {
                    Ok(false) => return None,
                    Ok(true) => {}
                    Err(e) => {
                        // With byte records and flexible rows, only reading
                        // itself can fail, and it would fail again.
                        self.row += 1;
                        self.ended = true;
                        return Some(RowContent::Problem(RowProblem {
                            column: None,
                            code: "ras::bad-row",
                            message: format!("cannot read the row: {e}"),
                            case_id: None,
                        }));
                    }
                }
                self.row += 1;
                let case_id = || {
                    let i = self.header.iter().position(|h| h == "case_id")?;
                    let id = std::str::from_utf8(record.get(i)?).ok()?.trim();
                    (!id.is_empty()).then(|| id.to_string())
                };
                if record.len() != self.header.len() {
                    return Some(RowContent::Problem(RowProblem {
                        column: None,
                        code: "ras::field-count",
                        message: format!(
                            "the row has {} fields but the header has {}",
                            record.len(),
                            self.header.len()
                        ),
                        case_id: case_id(),
                    }));
                }
                match std::str::from_utf8(record.as_slice()) {
                    Ok(text) => Some(RowContent::Fields(Fields::Csv(text, record))),
                    Err(_) => {
                        let bad = record.iter().position(|f| std::str::from_utf8(f).is_err());
                        Some(RowContent::Problem(RowProblem {
                            column: bad.and_then(|i| self.header.get(i).cloned()),
                            code: "ras::not-utf8",
                            message: "the field is not UTF-8 text".to_string(),
                            case_id: case_id(),
                        }))
                    }
                }
            }
            Inner::Rows(rows) => {
                let next = rows.next()?;
                self.row += 1;
                match next {
                    Ok(fields) => {
                        self.fields = fields;
                        Some(RowContent::Fields(Fields::Owned(&self.fields)))
                    }
                    Err(p) => Some(RowContent::Problem(p)),
                }
            }
            Inner::Lines(reader, line) => loop {
                line.clear();
                match reader.read_line(line) {
                    Ok(0) => return None,
                    Ok(n) => self.consumed += n as u64,
                    Err(e) => {
                        self.row += 1;
                        // A line that is not UTF-8 has been read past; any
                        // other error would come again.
                        let message = if e.kind() == io::ErrorKind::InvalidData {
                            "the line is not UTF-8 text".to_string()
                        } else {
                            self.ended = true;
                            format!("cannot read the line: {e}")
                        };
                        return Some(RowContent::Problem(RowProblem {
                            column: None,
                            code: "ras::bad-row",
                            message,
                            case_id: None,
                        }));
                    }
                }
                if line.trim().is_empty() {
                    // Blank lines (often a trailing newline) are not cases.
                    continue;
                }
                self.row += 1;
                return Some(match Case::from_json(line) {
                    Ok(case) => RowContent::Case(Box::new(case)),
                    Err(e) => RowContent::Problem(RowProblem {
                        column: None,
                        code: "ras::bad-json",
                        message: format!("not a case (column {}): {}", e.column, e.message),
                        case_id: None,
                    }),
                });
            },
        }
    }
}

/// Reads one sheet of a workbook into rows of text.
fn xlsx(path: &Path, sheet: Option<&str>) -> Result<CaseReader, FileProblem> {
    use calamine::Reader;
    let name = path.display();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path)
        .map_err(|e| FileProblem::new(format!("cannot read `{name}` as an Excel workbook: {e}")))?;
    let sheets = book.sheet_names();
    let sheet_name = match sheet {
        Some(s) if sheets.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(
                FileProblem::new(format!("`{name}` has no sheet called `{s}`"))
                    .hint(format!("its sheets are: {}", crate::text::list(sheets))),
            )
        }
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| FileProblem::new(format!("`{name}` has no sheets")))?,
    };
    let range = book.worksheet_range(&sheet_name).map_err(|e| {
        FileProblem::new(format!("cannot read sheet `{sheet_name}` of `{name}`: {e}"))
    })?;
    let mut rows = range.rows();
    let header: Vec<String> = match rows.next() {
        Some(cells) => cells
            .iter()
            .map(|c| cell_text(c).unwrap_or_default().trim().to_string())
            .collect(),
        None => {
            return Err(FileProblem::new(format!(
                "sheet `{sheet_name}` of `{name}` is empty"
            )))
        }
    };
    let width = header.len();
    let body: Vec<Result<Vec<String>, RowProblem>> = rows
        .map(|cells| {
            let mut fields = Vec::with_capacity(width);
            for (i, cell) in cells.iter().take(width).enumerate() {
                match cell_text(cell) {
                    Ok(text) => fields.push(text.trim().to_string()),
                    Err(message) => {
                        return Err(RowProblem {
                            column: header.get(i).cloned(),
                            code: "ras::bad-cell",
                            message,
                            case_id: None,
                        })
                    }
                }
            }
            fields.resize(width, String::new());
            Ok(fields)
        })
        .collect();
    Ok(CaseReader {
        header,
        total: Some(body.len() as u64),
        inner: Inner::Rows(body.into_iter()),
        fields: Vec::new(),
        row: 0,
        ended: false,
        consumed: 0,
    })
}

/// A cell as the text a CSV would hold: numbers in their shortest exact form,
/// dates as YYYY-MM-DD.
fn cell_text(cell: &calamine::Data) -> Result<String, String> {
    use calamine::Data;
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Excel holds numbers as binary floating point; the shortest text that
        // reads back to the same number is what the cell shows.
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(dt) => {
            // Serial day 25569 is 1970-01-01 in Excel's 1900 date system.
            let serial = dt.as_f64().floor() as i64;
            match Date::from_days_since_epoch(serial - 25_569) {
                Some(d) => d.to_string(),
                None => return Err(format!("the date serial {serial} is not a calendar date")),
            }
        }
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds the spreadsheet error {e:?}")),
    })
}

#[cfg(test)]
mod tests;
