//! Reading a caseload: CSV, JSON Lines or Excel, row by row, without losing a row.
//!
//! CSV and Excel are tables: a header naming the columns, then one case per
//! row. JSON Lines holds one case object per line, as `ras eval --case` reads.
//!
//! Every row keeps its place in the file ("line 7", "row 5 of sheet Cases"),
//! so a person can find it. Nothing is read without a bound: a row longer
//! than [`MAX_ROW_BYTES`] is an error row, and a file that never ends a row
//! within [`MAX_RUN_ON_BYTES`] is a problem with the whole file.

mod sheet;
pub(crate) mod text;

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

/// The longest row (CSV record or JSON line) read as a case: 1 MiB. A longer
/// row becomes an error row and reading goes on after it.
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// How far a row may run on before the file is given up as not a caseload
/// (endless input such as `/dev/zero`, or a quote that is never closed): 64 MiB.
pub const MAX_RUN_ON_BYTES: u64 = 64 << 20;

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

/// Where rows are in their file, as a person would look for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Places {
    /// Lines of a text file (CSV, JSON Lines), counting the header, blank
    /// lines and the lines inside multi-line fields.
    Lines,
    /// Rows of a spreadsheet as it numbers them, on the named sheet.
    Sheet(String),
}

impl Places {
    /// `line 7` or `row 5 of sheet Cases`.
    pub fn describe(&self, at: u64) -> String {
        match self {
            Places::Lines => format!("line {at}"),
            Places::Sheet(sheet) => format!("row {at} of sheet {sheet}"),
        }
    }

    /// The name of the `--errors` file's first column: `line` or `row`.
    pub fn column_name(&self) -> &'static str {
        match self {
            Places::Lines => "line",
            Places::Sheet(_) => "row",
        }
    }
}

/// A row's number among the cases and its place in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowAt {
    /// 1-based number among the rows read (the first case is 1).
    pub number: u64,
    /// The line of the file where the row starts, or its spreadsheet row
    /// (see [`Places`]).
    pub line: u64,
}

/// The fields of a table row, one per header column, borrowed from the reader.
#[derive(Debug, Clone, Copy)]
pub enum Fields<'r> {
    /// A record (of a CSV file, a sheet, or rows handed to other threads):
    /// its bytes, checked to be UTF-8 as a whole, and where each field ends
    /// in them.
    Csv(&'r str, &'r [usize]),
    /// A CSV line as it is in the file, its fields one comma apart: its
    /// bytes, checked to be UTF-8, and where each field ends in them.
    Line(&'r str, &'r [usize]),
}

impl<'r> Fields<'r> {
    /// How many fields.
    pub fn len(&self) -> usize {
        match self {
            Fields::Csv(_, ends) | Fields::Line(_, ends) => ends.len(),
        }
    }

    /// Fields of `text` ending at `ends`: a line as it is in the file
    /// ([`Fields::Line`]) or fields end to end ([`Fields::Csv`]).
    pub fn of(text: &'r str, ends: &'r [usize], as_line: bool) -> Fields<'r> {
        match as_line {
            true => Fields::Line(text, ends),
            false => Fields::Csv(text, ends),
        }
    }

    /// The text, the field ends, and the bytes between one field's end and
    /// the next one's start.
    #[inline]
    pub fn parts(&self) -> (&'r str, &'r [usize], usize) {
        match *self {
            Fields::Csv(text, ends) => (text, ends, 0),
            Fields::Line(text, ends) => (text, ends, 1),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    fn range(ends: &[usize], gap: usize, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => *ends.get(i - 1)? + gap,
        };
        Some(start..end)
    }

    /// Field `i`, without surrounding spaces ("" when there is none).
    #[inline]
    pub fn get(&self, i: usize) -> &'r str {
        let (text, ends, gap) = self.parts();
        // ASCII spaces only: the Unicode-aware trim costs more than the rest
        // of reading a field.
        Self::range(ends, gap, i)
            .and_then(|r| text.get(r))
            .unwrap_or("")
            .trim_ascii()
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
    /// A JSON line, to be read as a case where it is evaluated (so that
    /// with several threads the workers read it, not the thread reading the file).
    Json(&'r str),
    /// The row could not be read.
    Problem(RowProblem),
}

/// A source of case rows.
pub struct CaseReader {
    name: String,
    header: Vec<String>,
    inner: Inner,
    /// 1-based number of the last row read (data rows; the header is row 0 of a table).
    row: u64,
    /// Reading stopped: at the end, after an I/O error (returned as a row
    /// rather than the same error for ever), or on a problem with the whole
    /// file (kept in `fatal`).
    ended: bool,
    /// Why reading stopped part way, when the whole file is at fault (a quote
    /// never closed, endless input). The run then fails; see [`CaseReader::take_fatal`].
    fatal: Option<FileProblem>,
    places: Places,
}

enum Inner {
    Csv(Box<text::CsvSource>),
    Lines(Box<text::LineSource>),
    Sheet(Box<sheet::SheetSource>),
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
            let (source, header, sheet_name) = sheet::SheetSource::open(path, sheet)?;
            return Ok(CaseReader {
                name,
                header,
                inner: Inner::Sheet(Box::new(source)),
                row: 0,
                ended: false,
                fatal: None,
                places: Places::Sheet(sheet_name),
            });
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
        match format {
            InputFormat::Csv => CaseReader::csv_sized(reader, &name, size),
            _ => Ok(CaseReader {
                name,
                header: Vec::new(),
                inner: Inner::Lines(Box::new(text::LineSource::new(
                    Box::new(BufReader::with_capacity(1 << 16, reader)),
                    size,
                ))),
                row: 0,
                ended: false,
                fatal: None,
                places: Places::Lines,
            }),
        }
    }

    /// How far reading has got and how far it goes, in the same measure
    /// (bytes of a file, rows of a sheet); the total is `None` for standard input.
    pub fn progress(&self) -> (u64, Option<u64>) {
        match &self.inner {
            Inner::Csv(source) => source.progress(),
            Inner::Lines(source) => source.progress(),
            Inner::Sheet(source) => source.progress(),
        }
    }

    /// Reads CSV from any reader (used by tests and standard input).
    pub fn csv(reader: Box<dyn Read>, name: &str) -> Result<CaseReader, FileProblem> {
        CaseReader::csv_sized(reader, name, None)
    }

    fn csv_sized(
        reader: Box<dyn Read>,
        name: &str,
        size: Option<u64>,
    ) -> Result<CaseReader, FileProblem> {
        let mut source = text::CsvSource::new(reader, size);
        match source.read_record() {
            text::Read::Record { .. } => {}
            text::Read::End => {
                return Err(
                    FileProblem::new(format!("`{name}` has no header row")).hint(
                        "the first line names the columns: case_id, cohort, then one per question",
                    ),
                )
            }
            text::Read::TooLong { line } => {
                return Err(FileProblem::new(format!(
                    "`{name}` line {line}: the header is longer than 1 MiB"
                ))
                .hint("the first line names the columns: case_id, cohort, then one per question"))
            }
            text::Read::Fatal(problem) => return Err(problem.in_file(name)),
            text::Read::Io { error, .. } => {
                return Err(FileProblem::new(format!("`{name}` is not CSV: {error}")))
            }
        }
        let mut columns = Vec::with_capacity(source.ends().len());
        for i in 0..source.ends().len() {
            let field = source.field(i);
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
            name: name.to_string(),
            header: columns,
            inner: Inner::Csv(Box::new(source)),
            row: 0,
            ended: false,
            fatal: None,
            places: Places::Lines,
        })
    }

    /// The file's name as the user gave it (`-` for standard input).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column names (empty for JSON Lines).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// How this file's rows are named in messages.
    pub fn places(&self) -> &Places {
        &self.places
    }

    /// The number of the row last returned (1 = first case).
    pub fn row_number(&self) -> u64 {
        self.row
    }

    /// The problem with the whole file that stopped reading part way, if
    /// one did: the rows returned so far must not be taken as the caseload.
    pub fn take_fatal(&mut self) -> Option<FileProblem> {
        self.fatal.take()
    }

    /// The next row with its number and place, or `None` at the end (or when
    /// reading stopped: see [`CaseReader::take_fatal`]).
    pub fn next_row(&mut self) -> Option<(RowAt, RowContent<'_>)> {
        if self.ended {
            return None;
        }
        let number = self.row + 1;
        if let Inner::Csv(_) = &self.inner {
            let Inner::Csv(source) = &mut self.inner else {
                return None;
            };
            let read = source.read_record();
            return match csv_row(read, source, &self.header) {
                CsvRow::End => {
                    self.ended = true;
                    None
                }
                CsvRow::Fatal(problem) => {
                    self.ended = true;
                    self.fatal = Some(problem.in_file(&self.name));
                    None
                }
                CsvRow::Row {
                    line,
                    content,
                    last,
                } => {
                    self.ended = last;
                    // INVARIANT: each row returned is counted exactly once.
                    self.row = number;
                    Some((RowAt { number, line }, content))
                }
            };
        }
        let (line, current) = self.next_content()?;
        // INVARIANT: each row returned is counted exactly once.
        self.row = number;
        let at = RowAt { number, line };
        let content = match current {
            Current::Json => {
                let Inner::Lines(source) = &self.inner else {
                    return None;
                };
                RowContent::Json(source.text())
            }
            Current::Problem(problem) => RowContent::Problem(problem),
            Current::Sheet => {
                let Inner::Sheet(source) = &self.inner else {
                    return None;
                };
                let (text, ends) = source.fields();
                RowContent::Fields(Fields::Csv(text, ends))
            }
        };
        Some((at, content))
    }

    /// A CSV caseload's source, to be cut into blocks of whole records read
    /// on other threads ([`BlockRows`]); any other reader is given back.
    pub(crate) fn into_blocks(self) -> Result<(Box<text::CsvBlocks>, CsvRows), Box<CaseReader>> {
        match self.inner {
            Inner::Csv(source) if !self.ended => Ok((
                Box::new(text::CsvBlocks::new(*source)),
                CsvRows {
                    header: self.header,
                    name: self.name,
                },
            )),
            inner => Err(Box::new(CaseReader { inner, ..self })),
        }
    }

    fn stop(&mut self, problem: FileProblem) -> Option<(u64, Current)> {
        self.ended = true;
        self.fatal = Some(problem.in_file(&self.name));
        None
    }

    fn next_content(&mut self) -> Option<(u64, Current)> {
        match &mut self.inner {
            // Read in `next_row`.
            Inner::Csv(_) => None,
            Inner::Sheet(source) => match source.next_row()? {
                sheet::SheetRow::Row { at } => Some((at, Current::Sheet)),
                sheet::SheetRow::Problem { at, problem } => Some((at, Current::Problem(problem))),
                sheet::SheetRow::Fatal(problem) => {
                    self.ended = true;
                    self.fatal = Some(problem);
                    None
                }
            },
            Inner::Lines(source) => {
                let line = match source.read_line() {
                    text::Read::End => {
                        self.ended = true;
                        return None;
                    }
                    text::Read::Fatal(problem) => return self.stop(problem),
                    text::Read::TooLong { line } => {
                        return Some((line, Current::Problem(too_long())))
                    }
                    text::Read::Io { line, error: e } => {
                        // A line that is not UTF-8 has been read past; any
                        // other error would come again.
                        let message = if e.kind() == io::ErrorKind::InvalidData {
                            "the line is not UTF-8 text".to_string()
                        } else {
                            self.ended = true;
                            format!("cannot read the line: {e}")
                        };
                        return Some((
                            line,
                            Current::Problem(RowProblem {
                                column: None,
                                code: crate::diag::codes::BAD_ROW.name,
                                message,
                                case_id: None,
                            }),
                        ));
                    }
                    text::Read::Record { line } => line,
                };
                Some((line, Current::Json))
            }
        }
    }
}

/// What the row just read is, kept until it is lent out as [`RowContent`].
enum Current {
    /// The sheet source's last row.
    Sheet,
    /// The line source's last line.
    Json,
    Problem(RowProblem),
}

/// The case id of the CSV source's last record, when it has one.
fn csv_case_id<R: std::io::BufRead>(
    header: &[String],
    source: &text::CsvSource<R>,
) -> Option<String> {
    let i = header.iter().position(|h| h == "case_id")?;
    let id = std::str::from_utf8(source.field(i)).ok()?.trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// A CSV source's last read, as a row.
enum CsvRow<'s> {
    /// A row, starting on `line`; `last` when reading cannot go on after it.
    Row {
        line: u64,
        content: RowContent<'s>,
        last: bool,
    },
    End,
    Fatal(FileProblem),
}

/// The row a CSV source's last read gave: its fields checked against the
/// header and as UTF-8, the one reading of a record on every thread.
fn csv_row<'s, R: std::io::BufRead>(
    read: text::Read,
    source: &'s text::CsvSource<R>,
    header: &[String],
) -> CsvRow<'s> {
    let problem = |line, last, problem| CsvRow::Row {
        line,
        content: RowContent::Problem(problem),
        last,
    };
    let line = match read {
        text::Read::End => return CsvRow::End,
        text::Read::Fatal(problem) => return CsvRow::Fatal(problem),
        text::Read::Io { line, error } => {
            // Reading itself failed, and would fail again.
            return problem(
                line,
                true,
                RowProblem {
                    column: None,
                    code: crate::diag::codes::BAD_ROW.name,
                    message: format!("cannot read the row: {error}"),
                    case_id: None,
                },
            );
        }
        text::Read::TooLong { line } => return problem(line, false, too_long()),
        text::Read::Record { line } => line,
    };
    if source.ends().len() != header.len() {
        return problem(
            line,
            false,
            RowProblem {
                column: None,
                code: crate::diag::codes::FIELD_COUNT.name,
                message: format!(
                    "the row has {} fields but the header has {}",
                    source.ends().len(),
                    header.len()
                ),
                case_id: csv_case_id(header, source),
            },
        );
    }
    match std::str::from_utf8(source.bytes()) {
        Ok(text) => CsvRow::Row {
            line,
            content: RowContent::Fields(source.fields(text)),
            last: false,
        },
        Err(_) => {
            let bad = (0..source.ends().len())
                .position(|i| std::str::from_utf8(source.field(i)).is_err());
            problem(
                line,
                false,
                RowProblem {
                    column: bad.and_then(|i| header.get(i).cloned()),
                    code: crate::diag::codes::NOT_UTF8.name,
                    message: "the field is not UTF-8 text".to_string(),
                    case_id: csv_case_id(header, source),
                },
            )
        }
    }
}

/// What a thread reading blocks of a CSV caseload needs of its file.
#[derive(Debug, Clone)]
pub(crate) struct CsvRows {
    header: Vec<String>,
    name: String,
}

impl CsvRows {
    /// The row [`text::CsvBlocks`] read itself (a long record, or the last
    /// one of a file whose quote is never closed): `None` at the end, and
    /// the problem with the whole file when there is one.
    pub(crate) fn read_here<'s>(
        &self,
        read: text::Read,
        blocks: &'s text::CsvBlocks,
    ) -> Result<Option<(u64, RowContent<'s>)>, FileProblem> {
        match csv_row(read, blocks.source(), &self.header) {
            CsvRow::End => Ok(None),
            CsvRow::Fatal(problem) => Err(problem.in_file(&self.name)),
            CsvRow::Row { line, content, .. } => Ok(Some((line, content))),
        }
    }

    /// A reader of blocks, one for each thread.
    pub(crate) fn block_rows(&self) -> BlockRows {
        BlockRows {
            source: text::CsvSource::for_blocks(),
            header: self.header.clone(),
            next: 0,
        }
    }
}

/// The rows of blocks of whole CSV records, read as [`CaseReader`] reads
/// them, numbered from where each block starts.
pub(crate) struct BlockRows {
    source: text::CsvSource<text::Block>,
    header: Vec<String>,
    next: u64,
}

impl BlockRows {
    /// Reads `bytes` next: whole records, the first of them row `first`, its
    /// first byte on `line`.
    pub(crate) fn start(&mut self, bytes: Vec<u8>, first: u64, line: u64) {
        self.source.start_block(bytes, line);
        self.next = first;
    }

    /// The block's buffer, once its rows are read.
    pub(crate) fn take_block(&mut self) -> Vec<u8> {
        self.source.take_block()
    }

    /// The block's next row, or `None` after its last.
    pub(crate) fn next_row(&mut self) -> Option<(RowAt, RowContent<'_>)> {
        let read = self.source.read_record();
        match csv_row(read, &self.source, &self.header) {
            CsvRow::End | CsvRow::Fatal(_) => None,
            CsvRow::Row { line, content, .. } => {
                let at = RowAt {
                    number: self.next,
                    line,
                };
                self.next += 1;
                Some((at, content))
            }
        }
    }
}

impl FileProblem {
    /// The problem as said of the file `name` (when it does not name it yet).
    fn in_file(self, name: &str) -> FileProblem {
        if self.message.contains(&format!("`{name}`")) {
            return self;
        }
        FileProblem {
            message: format!("`{name}` {}", self.message),
            hint: self.hint,
        }
    }
}

fn too_long() -> RowProblem {
    RowProblem {
        column: None,
        code: crate::diag::codes::ROW_TOO_LONG.name,
        message: format!(
            "the row is longer than {} MiB, the most a row may be",
            MAX_ROW_BYTES >> 20
        ),
        case_id: None,
    }
}

#[cfg(test)]
mod tests;
