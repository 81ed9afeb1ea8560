//! Results as an Excel workbook: a `Results` sheet and an `Errors` sheet,
//! money as numbers with a £ format, written as the rows come so memory does
//! not grow with them.
//!
//! A workbook is a zip of XML files. The results sheet's XML goes straight
//! into the zip as it is written; the errors sheet's XML goes to an unnamed
//! temporary file (errors come between results, and a zip holds one file at a
//! time) and is copied in at the end. The other parts of the workbook never
//! change and are written first.
//!
//! The results sheet is fed the CSV lines a [`super::ResultWriter`] writes
//! (so one and several threads give the same rows); the cells take their kind
//! from the column.

use super::Column;
use crate::batch::ErrorRecord;
use crate::model::Model;
use crate::units::Unit;
use csv_core::ReadRecordResult;
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};
use std::path::Path;
use std::rc::Rc;
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

/// What a results column holds, as a spreadsheet cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Money,
    Number,
    Boolean,
    Text,
}

/// The most rows an Excel sheet holds.
const MAX_ROWS: u32 = 1 << 20;

/// XML is handed to the zip in pieces of about this size.
const PIECE: usize = 1 << 16;

/// The parts of the workbook that do not depend on the rows.
const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
    r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
    r#"<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
    "</Types>"
);

const ROOT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
    "</Relationships>"
);

const APP: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
    "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>",
    r#"<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>2</vt:i4></vt:variant></vt:vector></HeadingPairs>"#,
    r#"<TitlesOfParts><vt:vector size="2" baseType="lpstr"><vt:lpstr>Results</vt:lpstr><vt:lpstr>Errors</vt:lpstr></vt:vector></TitlesOfParts>"#,
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion>",
    "</Properties>"
);

const CORE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    "<dc:creator>ras</dc:creator>",
    "</cp:coreProperties>"
);

const WORKBOOK: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    r#"<fileVersion appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/>"#,
    "<workbookPr/>",
    r#"<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>"#,
    r#"<sheets><sheet name="Results" sheetId="1" r:id="rId1"/><sheet name="Errors" sheetId="2" r:id="rId2"/></sheets>"#,
    r#"<calcPr calcId="124519" fullCalcOnLoad="1"/>"#,
    "</workbook>"
);

const WORKBOOK_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    "</Relationships>"
);

/// Three cell styles: 0 plain, 1 bold (headings), 2 money.
const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="£#,##0.00"/></numFmts>"#,
    r#"<fonts count="2">"#,
    // Colours and fonts by name, not by a theme: the workbook has none.
    r#"<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#,
    r#"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#,
    "</fonts>",
    r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
    r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="3">"#,
    r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
    r#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
    r#"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#,
    "</cellXfs>",
    r#"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#,
    r#"<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>"#,
    "</styleSheet>"
);

/// A sheet's XML before its rows (the first sheet is the one shown).
fn sheet_start(selected: bool) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
            r#"<sheetViews><sheetView {}workbookViewId="0"/></sheetViews>"#,
            r#"<sheetFormatPr defaultRowHeight="15"/><sheetData>"#
        ),
        if selected { r#"tabSelected="1" "# } else { "" }
    )
}

/// A sheet's XML after its rows.
const SHEET_END: &str = concat!(
    "</sheetData>",
    r#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>"#,
    "</worksheet>"
);

/// The cell styles of `STYLES`.
const HEADING: Option<&str> = Some("1");
const MONEY: Option<&str> = Some("2");

fn too_many_rows() -> io::Error {
    io::Error::other(
        "an Excel sheet holds at most 1,048,576 rows; write the results as CSV instead",
    )
}

/// A write into the zip, with the zip's own words for a part too big put in
/// the user's.
fn sheet_error(e: io::Error) -> io::Error {
    // Parts are written without the zip's extension for files over 4 GiB,
    // which not every spreadsheet program reads.
    if e.to_string() == "Large file option has not been set" {
        return io::Error::other(
            "a sheet of the workbook would be over 4 GiB; write the results as CSV instead",
        );
    }
    e
}

fn zip_error(e: zip::result::ZipError) -> io::Error {
    match e {
        zip::result::ZipError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// One sheet's rows as XML.
struct SheetXml {
    xml: Vec<u8>,
    /// The next row (0-based).
    next: u32,
    /// Column letters, `A`, `B`…, made as columns are first used.
    letters: Vec<Vec<u8>>,
}

impl SheetXml {
    fn new() -> SheetXml {
        SheetXml {
            xml: Vec::with_capacity(PIECE + 4096),
            next: 0,
            letters: Vec::new(),
        }
    }

    fn start_row(&mut self) -> io::Result<()> {
        if self.next >= MAX_ROWS {
            return Err(too_many_rows());
        }
        self.xml.extend_from_slice(b"<row r=\"");
        push_number(&mut self.xml, u64::from(self.next) + 1);
        self.xml.extend_from_slice(b"\">");
        Ok(())
    }

    fn end_row(&mut self) {
        self.xml.extend_from_slice(b"</row>");
        self.next += 1;
    }

    /// `<c r="B7"` for column `c` of the current row.
    fn open_cell(&mut self, c: usize, style: Option<&str>) {
        while self.letters.len() <= c {
            let name = column_letters(self.letters.len());
            self.letters.push(name);
        }
        self.xml.extend_from_slice(b"<c r=\"");
        if let Some(letters) = self.letters.get(c) {
            self.xml.extend_from_slice(letters);
        }
        push_number(&mut self.xml, u64::from(self.next) + 1);
        self.xml.push(b'"');
        if let Some(style) = style {
            self.xml.extend_from_slice(b" s=\"");
            self.xml.extend_from_slice(style.as_bytes());
            self.xml.push(b'"');
        }
    }

    fn text(&mut self, c: usize, text: &str, style: Option<&str>) {
        self.open_cell(c, style);
        self.xml.extend_from_slice(b" t=\"inlineStr\"><is><t");
        // Excel trims a text's outer spaces unless told to keep them.
        let spaced = |b: Option<&u8>| b.is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n'));
        if spaced(text.as_bytes().first()) || spaced(text.as_bytes().last()) {
            self.xml.extend_from_slice(b" xml:space=\"preserve\"");
        }
        self.xml.push(b'>');
        push_escaped(&mut self.xml, text);
        self.xml.extend_from_slice(b"</t></is></c>");
    }

    /// `value` is a number as [`number_text`] gives it.
    fn number(&mut self, c: usize, value: &[u8], style: Option<&str>) {
        self.open_cell(c, style);
        self.xml.extend_from_slice(b"><v>");
        self.xml.extend_from_slice(value);
        self.xml.extend_from_slice(b"</v></c>");
    }

    fn boolean(&mut self, c: usize, value: bool) {
        self.open_cell(c, None);
        self.xml.extend_from_slice(if value {
            b" t=\"b\"><v>1</v></c>"
        } else {
            b" t=\"b\"><v>0</v></c>"
        });
    }
}

struct Sheets {
    /// The workbook, with the results sheet open in it (none once finished).
    zip: Option<ZipWriter<BufWriter<File>>>,
    results: SheetXml,
    errors: SheetXml,
    /// Where the errors sheet's rows wait until the results are done.
    errors_file: BufWriter<File>,
    kinds: Vec<Kind>,
    /// The CSV lines given to the results sheet, read back into fields.
    lines: csv_core::Reader,
    record: Vec<u8>,
    ends: Vec<usize>,
    /// How much of `record` and `ends` the record being read fills.
    record_len: usize,
    ends_len: usize,
}

/// A workbook being written; cloned handles write its two sheets.
#[derive(Clone)]
pub struct Workbook(Rc<RefCell<Sheets>>);

impl Workbook {
    /// A workbook written to `file`, for results in `columns`, with an errors
    /// sheet whose first column is named `place` (`line` or `row`). Nothing
    /// is complete until [`Workbook::finish`].
    pub fn new(model: &Model, columns: &[Column], place: &str, file: File) -> io::Result<Workbook> {
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
        let mut zip = ZipWriter::new(BufWriter::with_capacity(PIECE, file));
        for (name, text) in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("docProps/app.xml", APP),
            ("docProps/core.xml", CORE),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ] {
            zip.start_file(name, part_options()).map_err(zip_error)?;
            zip.write_all(text.as_bytes())?;
        }
        zip.start_file("xl/worksheets/sheet1.xml", part_options())
            .map_err(zip_error)?;
        zip.write_all(sheet_start(true).as_bytes())?;
        let mut sheets = Sheets {
            zip: Some(zip),
            results: SheetXml::new(),
            errors: SheetXml::new(),
            errors_file: BufWriter::with_capacity(PIECE, tempfile::tempfile()?),
            kinds,
            lines: csv_core::ReaderBuilder::new().build(),
            record: vec![0; 1024],
            ends: vec![0; 64],
            record_len: 0,
            ends_len: 0,
        };
        sheets.errors.start_row()?;
        for (c, name) in [place, "case_id", "column", "code", "message"]
            .into_iter()
            .enumerate()
        {
            sheets.errors.text(c, name, HEADING);
        }
        sheets.errors.end_row();
        Ok(Workbook(Rc::new(RefCell::new(sheets))))
    }

    /// Adds an error row to the errors sheet.
    pub fn error(&self, e: &ErrorRecord) -> io::Result<()> {
        let mut s = self.0.borrow_mut();
        let Sheets {
            errors,
            errors_file,
            ..
        } = &mut *s;
        errors.start_row()?;
        let mut line = Vec::with_capacity(20);
        push_number(&mut line, e.line);
        errors.number(0, &line, None);
        for (c, text) in [e.case_id.as_str(), &e.column, e.code, &e.message]
            .into_iter()
            .enumerate()
        {
            if !text.is_empty() {
                errors.text(c + 1, text, None);
            }
        }
        errors.end_row();
        if errors.xml.len() >= PIECE {
            errors_file.write_all(&errors.xml)?;
            errors.xml.clear();
        }
        Ok(())
    }

    /// A sink for the results sheet, to give a [`super::ResultWriter`].
    pub fn results(&self) -> ResultsSheet {
        ResultsSheet { book: self.clone() }
    }

    /// Ends both sheets and the workbook, and flushes it to its file.
    pub fn finish(&self) -> io::Result<()> {
        let mut s = self.0.borrow_mut();
        // A last line without its line end is still a row.
        if s.record_len > 0 || s.ends_len > 0 {
            s.read_lines(&[])?;
        }
        let Sheets {
            zip,
            results,
            errors,
            errors_file,
            ..
        } = &mut *s;
        let Some(mut zip) = zip.take() else {
            return Ok(());
        };
        results.xml.extend_from_slice(SHEET_END.as_bytes());
        zip.write_all(&results.xml).map_err(sheet_error)?;
        results.xml.clear();
        zip.start_file("xl/worksheets/sheet2.xml", part_options())
            .map_err(zip_error)?;
        zip.write_all(sheet_start(false).as_bytes())?;
        errors_file.write_all(&errors.xml)?;
        errors.xml.clear();
        errors_file.flush()?;
        let file = errors_file.get_mut();
        file.rewind()?;
        io::copy(file, &mut zip).map_err(sheet_error)?;
        zip.write_all(SHEET_END.as_bytes()).map_err(sheet_error)?;
        zip.finish().map_err(zip_error)?.flush()
    }
}

/// Every part is deflated at the fastest level: the sheets are large, and
/// the run's time counts for more than the file's size (a million results
/// take 86 MB, against 54 MB at the usual level).
fn part_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .unix_permissions(0o600)
        .last_modified_time(zip::DateTime::default())
}

impl Sheets {
    /// Reads CSV lines from `input` into rows of the results sheet; a line
    /// may arrive in pieces.
    fn read_lines(&mut self, mut input: &[u8]) -> io::Result<()> {
        let at_end = input.is_empty();
        loop {
            let (result, read, written, ended) = self.lines.read_record(
                input,
                self.record.get_mut(self.record_len..).unwrap_or_default(),
                self.ends.get_mut(self.ends_len..).unwrap_or_default(),
            );
            input = input.get(read..).unwrap_or_default();
            self.record_len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty | ReadRecordResult::End => return Ok(()),
                ReadRecordResult::OutputFull => {
                    let len = self.record.len() * 2;
                    self.record.resize(len, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                ReadRecordResult::Record => {
                    self.results_row()?;
                    self.record_len = 0;
                    self.ends_len = 0;
                    if input.is_empty() && !at_end {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// The record just read as a row of the results sheet (the first is the
    /// headings).
    fn results_row(&mut self) -> io::Result<()> {
        let Sheets {
            zip: Some(zip),
            results,
            kinds,
            record,
            ends,
            ends_len,
            ..
        } = self
        else {
            return Err(io::Error::other("the workbook is already complete"));
        };
        let heading = results.next == 0;
        results.start_row()?;
        let mut start = 0;
        for (c, end) in ends.iter().take(*ends_len).enumerate() {
            let bytes = record.get(start..*end).unwrap_or_default();
            start = *end;
            if bytes.is_empty() {
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            let kind = kinds.get(c).copied().unwrap_or(Kind::Text);
            if heading {
                results.text(c, &text, HEADING);
                continue;
            }
            match kind {
                Kind::Money | Kind::Number => match number_text(bytes) {
                    Some(value) => {
                        let style = if kind == Kind::Money { MONEY } else { None };
                        results.number(c, value, style);
                    }
                    None => results.text(c, &text, None),
                },
                Kind::Boolean if bytes == b"true" => results.boolean(c, true),
                Kind::Boolean if bytes == b"false" => results.boolean(c, false),
                _ => results.text(c, &text, None),
            }
        }
        results.end_row();
        if results.xml.len() >= PIECE {
            zip.write_all(&results.xml).map_err(sheet_error)?;
            results.xml.clear();
        }
        Ok(())
    }
}

/// The results sheet as a [`io::Write`] of CSV lines (the header first).
pub struct ResultsSheet {
    book: Workbook,
}

impl io::Write for ResultsSheet {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !bytes.is_empty() {
            self.book.0.borrow_mut().read_lines(bytes)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A figure as written in a results line (`-12.50`), as the text of a
/// spreadsheet number: without the zeros that end its fraction (`-12.5`), as
/// a spreadsheet writes it. Anything else is not a number and stays text.
fn number_text(text: &[u8]) -> Option<&[u8]> {
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    let (whole, fraction) = match digits.iter().position(|b| *b == b'.') {
        // `12.` has a point and no fraction.
        Some(point) => (digits.get(..point)?, Some(digits.get(point + 1..)?)),
        None => (digits, None),
    };
    let all_digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    if !all_digits(whole) || !fraction.map_or(true, all_digits) {
        return None;
    }
    let mut value = text;
    if fraction.is_some() {
        while let Some(rest) = value.strip_suffix(b"0") {
            value = rest;
        }
        value = value.strip_suffix(b".").unwrap_or(value);
    }
    // No sign before a zero.
    if value == b"-0" {
        value = b"0";
    }
    Some(value)
}

/// Column letters: `A` for 0, `Z` for 25, `AA` for 26.
fn column_letters(column: usize) -> Vec<u8> {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    letters
}

fn push_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(i..).unwrap_or_default());
}

/// Text as XML character data, as Excel writes it: `&`, `<`, `>` as
/// entities, and the control characters XML cannot hold as `_xHHHH_`.
fn push_escaped(out: &mut Vec<u8>, text: &str) {
    for &b in text.as_bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'\t' | b'\n' => out.push(b),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.extend_from_slice(b"_x00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
                out.push(b'_');
            }
            _ => out.push(b),
        }
    }
}

/// Whether results to `path` are a workbook.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

#[cfg(test)]
mod tests;
