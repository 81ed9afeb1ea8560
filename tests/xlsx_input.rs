#![cfg(feature = "cli")]
//! ras's reader of .xlsx caseloads against calamine's, cell for cell.
//!
//! Workbooks are written two ways: by rust_xlsxwriter (shared or inline
//! strings, numbers, dates with their formats, booleans, formulas with saved
//! values, rich text, gaps), and by a writer of SpreadsheetML in this file
//! that uses what other programs write (namespace prefixes, rows and cells
//! without `r`, empty and self-closing cells, entities in every form,
//! `xml:space`, Excel's `_x0041_` escapes, every cell type, formulas with no
//! saved value, spreadsheet errors, rich text with phonetic runs). Each is
//! read by `CaseReader` and by calamine's cell reader, whose cells are turned
//! into text as ras did before it had a reader of its own; the two must agree
//! on the header, on every row's place, and on every field or problem.

use calamine::{DataRef, Reader, Xlsx};
use proptest::prelude::*;
use ras::batch::input::{CaseReader, InputFormat, RowContent};
use std::io::Write as _;
use std::path::Path;

/// One cell as a test writes it.
#[derive(Debug, Clone)]
enum Cell {
    Gap,
    Text(String),
    Number(f64),
    /// A date (year, month, day) and the format that shows it.
    Date((i32, u8, u8), &'static str),
    /// A number shown with a format that is not a date's.
    Formatted(f64, &'static str),
    Bool(bool),
    /// A formula and its saved value, if it has one.
    Formula(Option<String>),
    Rich(Vec<String>),
    /// A spreadsheet error (our writer only).
    Error(&'static str),
    /// `t="str"` and `t="d"` (our writer only).
    FormulaText(String),
    IsoDate(String),
}

const DATE_FORMATS: &[&str] = &[
    "yyyy-mm-dd",
    "dd/mm/yyyy",
    "d mmm yyyy",
    "[h]:mm:ss",
    "mm:ss",
];
const NUMBER_FORMATS: &[&str] = &["0.00", "#,##0", "£#,##0.00", "0%", "General"];
const ERRORS: &[&str] = &[
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
];

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,6}",
        "[A-Z0-9]{1,4}",
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("&".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("é".to_string()),
        Just("£12.50".to_string()),
        Just("ß→😀".to_string()),
        Just("_x0041_".to_string()),
        Just("a\nb".to_string()),
    ];
    prop::collection::vec(piece, 1..5).prop_map(|p| p.concat())
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0i64..100_000).prop_map(|n| n as f64),
        (-1000i64..1000).prop_map(|n| n as f64 / 8.0),
        (0i64..10_000).prop_map(|n| n as f64 / 100.0),
        Just(0.1),
        Just(1e20),
        Just(1.5e-7),
        Just(123_456_789_012_345_680.0),
        Just(-0.0),
    ]
}

fn cell(ours: bool) -> impl Strategy<Value = Cell> {
    let date = (1990i32..2030, 1u8..13, 1u8..29);
    let common = prop_oneof![
        3 => Just(Cell::Gap),
        4 => text().prop_map(Cell::Text),
        3 => number().prop_map(Cell::Number),
        2 => (date, prop::sample::select(DATE_FORMATS)).prop_map(|(d, f)| Cell::Date(d, f)),
        1 => (number(), prop::sample::select(NUMBER_FORMATS)).prop_map(|(n, f)| Cell::Formatted(n, f)),
        1 => any::<bool>().prop_map(Cell::Bool),
        1 => prop_oneof![
            number().prop_map(|n| format!("{n}")),
            text(),
        ].prop_map(|r| Cell::Formula(Some(r))),
        1 => prop::collection::vec(text(), 1..4).prop_map(Cell::Rich),
    ];
    let ours_only = prop_oneof![
        Just(Cell::Formula(None)),
        prop::sample::select(ERRORS).prop_map(Cell::Error),
        text().prop_map(Cell::FormulaText),
        Just(Cell::IsoDate("2025-05-01T00:00:00".into())),
    ];
    if ours {
        prop_oneof![8 => common, 1 => ours_only].boxed()
    } else {
        common.boxed()
    }
}

/// A sheet: headings `h0`… and rows of cells under them.
fn sheet(ours: bool) -> impl Strategy<Value = Vec<Vec<Cell>>> {
    (1usize..6).prop_flat_map(move |columns| {
        prop::collection::vec(prop::collection::vec(cell(ours), columns), 0..12)
    })
}

/// Excel's serial day of a date (days from 1899-12-30, as Excel counts
/// after February 1900), by Howard Hinnant's days_from_civil.
fn excel_date((y, m, d): (i32, u8, u8)) -> f64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468 + 25_569) as f64
}

fn write_with_xlsxwriter(rows: &[Vec<Cell>], columns: usize, shared: bool, path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let mut book = Workbook::new();
    let sheet = if shared {
        book.add_worksheet()
    } else {
        book.add_worksheet_with_constant_memory()
    };
    sheet.set_name("Cases").unwrap();
    for c in 0..columns {
        sheet.write_string(0, c as u16, format!("h{c}")).unwrap();
    }
    let bold = Format::new().set_bold();
    let italic = Format::new().set_italic();
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Gap | Cell::Formula(None) | Cell::Error(_) => {}
                Cell::Text(t) | Cell::FormulaText(t) | Cell::IsoDate(t) => {
                    sheet.write_string(r, c, t).unwrap();
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n).unwrap();
                }
                Cell::Date((y, m, d), f) => {
                    let day = ExcelDateTime::from_ymd(*y as u16, *m, *d).unwrap();
                    let format = Format::new().set_num_format(*f);
                    sheet.write_date_with_format(r, c, &day, &format).unwrap();
                }
                Cell::Formatted(n, f) => {
                    let format = Format::new().set_num_format(*f);
                    sheet.write_number_with_format(r, c, *n, &format).unwrap();
                }
                Cell::Bool(b) => {
                    sheet.write_boolean(r, c, *b).unwrap();
                }
                Cell::Formula(Some(result)) => {
                    let formula = Formula::new("=1+1").set_result(result);
                    sheet.write_formula(r, c, formula).unwrap();
                }
                Cell::Rich(parts) => {
                    let runs: Vec<(&Format, &str)> = parts
                        .iter()
                        .enumerate()
                        .map(|(i, p)| (if i % 2 == 0 { &bold } else { &italic }, p.as_str()))
                        .collect();
                    sheet.write_rich_string(r, c, &runs).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// How our own writer spells a workbook.
#[derive(Debug, Clone)]
struct Spelling {
    prefix: bool,
    row_numbers: bool,
    cell_names: bool,
    shared: bool,
    /// 0: named entities; 1: decimal `&#NN;`; 2: hex `&#xNN;`.
    entities: u8,
    self_closing_gaps: bool,
    typed_numbers: bool,
    date1904: bool,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        Just(false),
    )
        .prop_map(
            |(
                prefix,
                row_numbers,
                cell_names,
                shared,
                entities,
                self_closing_gaps,
                typed_numbers,
                date1904,
            )| Spelling {
                prefix,
                row_numbers,
                cell_names,
                shared,
                entities,
                self_closing_gaps,
                typed_numbers,
                date1904,
            },
        )
}

fn escape(text: &str, how: u8) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let special = matches!(c, '&' | '<' | '>' | '"' | '\'') || !c.is_ascii();
        match (special, how) {
            (false, _) => out.push(c),
            (true, 1) => out.push_str(&format!("&#{};", c as u32)),
            (true, 2) => out.push_str(&format!("&#x{:X};", c as u32)),
            (true, _) => match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c => out.push(c),
            },
        }
    }
    out
}

fn column_letters(c: usize) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

fn write_ours(rows: &[Vec<Cell>], columns: usize, how: &Spelling, path: &Path) {
    let p = if how.prefix { "x:" } else { "" };
    let ns = if how.prefix { "xmlns:x" } else { "xmlns" };
    let t = |s: &str| {
        let space = if s.trim() != s {
            r#" xml:space="preserve""#
        } else {
            ""
        };
        format!("<{p}t{space}>{}</{p}t>", escape(s, how.entities))
    };
    let rich = |parts: &[String]| {
        let mut s = String::new();
        for (i, part) in parts.iter().enumerate() {
            s.push_str(&format!("<{p}r>"));
            if i % 2 == 0 {
                s.push_str(&format!(r#"<{p}rPr><{p}b/><{p}sz val="11"/></{p}rPr>"#));
            }
            s.push_str(&t(part));
            s.push_str(&format!("</{p}r>"));
        }
        s.push_str(&format!(
            r#"<{p}rPh sb="0" eb="1">{}</{p}rPh>"#,
            t("ふりがな")
        ));
        s
    };
    // Styles: 0 general, then one per date format, then one per number format.
    let mut formats = String::new();
    let mut xfs = vec![r#"<xf numFmtId="0"/>"#.to_string()];
    for (i, f) in DATE_FORMATS.iter().chain(NUMBER_FORMATS).enumerate() {
        let id = 164 + i;
        formats.push_str(&format!(
            r#"<numFmt numFmtId="{id}" formatCode="{}"/>"#,
            escape(f, 0)
        ));
        xfs.push(format!(r#"<xf numFmtId="{id}" applyNumberFormat="1"/>"#));
    }
    let style_of = |f: &str| {
        1 + DATE_FORMATS
            .iter()
            .chain(NUMBER_FORMATS)
            .position(|g| *g == f)
            .unwrap()
    };
    let mut strings: Vec<String> = Vec::new();
    let string = |body: String, strings: &mut Vec<String>| -> (String, String) {
        if how.shared {
            strings.push(body);
            (
                r#" t="s""#.into(),
                format!("<{p}v>{}</{p}v>", strings.len() - 1),
            )
        } else {
            (r#" t="inlineStr""#.into(), format!("<{p}is>{body}</{p}is>"))
        }
    };
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}worksheet {ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><{p}dimension ref="A1:{}{}"/><!-- written by a test --><{p}sheetData>"#,
        column_letters(columns - 1),
        rows.len() + 1
    );
    let all = std::iter::once(
        (0..columns)
            .map(|c| Cell::Text(format!("h{c}")))
            .collect::<Vec<_>>(),
    )
    .chain(rows.iter().cloned());
    for (r, row) in all.enumerate() {
        if how.row_numbers {
            xml.push_str(&format!(r#"<{p}row r="{}" spans="1:{columns}">"#, r + 1));
        } else {
            xml.push_str(&format!("<{p}row>"));
        }
        for (c, cell) in row.iter().enumerate() {
            let name = if how.cell_names {
                format!(r#" r="{}{}""#, column_letters(c), r + 1)
            } else {
                String::new()
            };
            let number = |n: f64| {
                let typed = if how.typed_numbers { r#" t="n""# } else { "" };
                (typed.to_string(), format!("<{p}v>{n}</{p}v>"))
            };
            let (attrs, body) = match cell {
                Cell::Gap if how.cell_names && !how.self_closing_gaps => continue,
                Cell::Gap => {
                    xml.push_str(&format!("<{p}c{name}/>"));
                    continue;
                }
                Cell::Text(s) => string(t(s), &mut strings),
                Cell::Rich(parts) => string(rich(parts), &mut strings),
                Cell::Number(n) => number(*n),
                Cell::Date(d, f) => {
                    let (typed, v) = number(excel_date(*d));
                    (format!(r#"{typed} s="{}""#, style_of(f)), v)
                }
                Cell::Formatted(n, f) => {
                    let (typed, v) = number(*n);
                    (format!(r#"{typed} s="{}""#, style_of(f)), v)
                }
                Cell::Bool(b) => (r#" t="b""#.into(), format!("<{p}v>{}</{p}v>", u8::from(*b))),
                Cell::Formula(Some(result)) => {
                    let typed = if result.parse::<f64>().is_ok() {
                        ""
                    } else {
                        r#" t="str""#
                    };
                    (
                        typed.into(),
                        format!(
                            "<{p}f>SUM(A1:A2)&amp;\"x\"</{p}f><{p}v>{}</{p}v>",
                            escape(result, how.entities)
                        ),
                    )
                }
                Cell::Formula(None) => (String::new(), format!("<{p}f>1+1</{p}f>")),
                Cell::Error(e) => (
                    r#" t="e""#.into(),
                    format!("<{p}f>1/0</{p}f><{p}v>{e}</{p}v>"),
                ),
                Cell::FormulaText(s) => (
                    r#" t="str""#.into(),
                    format!("<{p}f>A1</{p}f><{p}v>{}</{p}v>", escape(s, how.entities)),
                ),
                Cell::IsoDate(s) => (r#" t="d""#.into(), format!("<{p}v>{s}</{p}v>")),
            };
            xml.push_str(&format!("<{p}c{name}{attrs}>{body}</{p}c>"));
        }
        xml.push_str(&format!("</{p}row>\n"));
    }
    xml.push_str(&format!("</{p}sheetData></{p}worksheet>"));

    let mut shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><{p}sst {ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">"#,
        strings.len()
    );
    for s in &strings {
        shared.push_str(&format!("<{p}si>{s}</{p}si>"));
    }
    shared.push_str(&format!("</{p}sst>"));
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="{}">{formats}</numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="{}">{}</cellXfs></styleSheet>"#,
        DATE_FORMATS.len() + NUMBER_FORMATS.len(),
        xfs.len(),
        xfs.concat()
    );
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="{}"/><sheets><sheet name="Cases" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        u8::from(how.date1904)
    );
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let mut parts = vec![
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels.to_string()),
        ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml", xml),
    ];
    if how.shared {
        parts.push(("xl/sharedStrings.xml", shared));
    }
    write_zip(path, &parts);
}

fn write_zip(path: &Path, parts: &[(&str, String)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// A sheet row as a reader gives it: its row and its fields, or its problem.
#[derive(Debug, PartialEq)]
enum Row {
    Fields(u64, Vec<String>),
    Problem(u64, String),
}

/// The first sheet by `CaseReader`: its header and rows, or its whole-file problem.
fn read_ours(path: &Path) -> Result<(Vec<String>, Vec<Row>), String> {
    let mut reader =
        CaseReader::open(path, InputFormat::Xlsx, None).map_err(|p| p.message.clone())?;
    let header = reader.header().to_vec();
    let mut rows = Vec::new();
    while let Some((at, content)) = reader.next_row() {
        rows.push(match content {
            RowContent::Fields(fields) => Row::Fields(at.line, fields.to_vec()),
            RowContent::Problem(p) => Row::Problem(at.line, p.message),
            RowContent::Json(_) => unreachable!("a sheet gives no JSON"),
        });
    }
    if let Some(fatal) = reader.take_fatal() {
        return Err(fatal.message);
    }
    Ok((header, rows))
}

/// A cell's column and its text, or its problem.
type CellText = (u32, Result<String, String>);

/// The first sheet by calamine's cell reader, each cell turned into text as
/// ras did before; a cell with no value is blank unless `written` says a
/// formula was written there.
fn read_calamine(path: &Path, written: &[Vec<Cell>]) -> (Vec<String>, Vec<Row>) {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let first = book.sheet_names()[0].clone();
    let mut cells = book.worksheet_cells_reader(&first).unwrap();
    let mut by_row: Vec<(u32, Vec<CellText>)> = Vec::new();
    while let Some(cell) = cells.next_cell().unwrap() {
        let (r, c) = cell.get_position();
        let formula = r > 0
            && matches!(
                written
                    .get(r as usize - 1)
                    .and_then(|row| row.get(c as usize)),
                Some(Cell::Formula(None))
            );
        let text = calamine_text(cell.get_value(), r, c, formula);
        match by_row.last_mut() {
            Some((at, row)) if *at == r => row.push((c, text)),
            _ => by_row.push((r, vec![(c, text)])),
        }
    }
    let mut by_row = by_row.into_iter();
    let header = by_row
        .next()
        .map(|(_, cells)| cells.into_iter().map(|(_, t)| t.unwrap()).collect())
        .unwrap_or_default();
    let columns = written.first().map_or(0, Vec::len);
    let rows = by_row
        .map(|(r, cells)| {
            if let Some(message) = cells.iter().find_map(|(_, t)| t.clone().err()) {
                return Row::Problem(r as u64 + 1, message);
            }
            let mut fields = vec![String::new(); columns];
            for (c, t) in cells {
                fields[c as usize] = t.unwrap();
            }
            Row::Fields(r as u64 + 1, fields)
        })
        .collect();
    (header, rows)
}

fn cell_name(row: u32, column: u32) -> String {
    format!("{}{}", column_letters(column as usize), row + 1)
}

/// A cell as ras read calamine's cells: trimmed text, numbers as Rust prints
/// an `f64`, dates as YYYY-MM-DD, booleans yes/no; or the cell's problem.
fn calamine_text(
    cell: &DataRef<'_>,
    row: u32,
    column: u32,
    formula: bool,
) -> Result<String, String> {
    let text = match cell {
        DataRef::Empty if formula => {
            return Err(format!(
                "cell {} holds a formula with no saved value: open and save the workbook in a spreadsheet program",
                cell_name(row, column)
            ))
        }
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => format!("{i}"),
        DataRef::Float(f) => format!("{f}"),
        DataRef::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        DataRef::DateTime(dt) => {
            let serial = dt.as_f64().floor() as i64;
            match ras::date::Date::from_days_since_epoch(serial - 25_569) {
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
    };
    Ok(text.trim().to_string())
}

fn agree(path: &Path, rows: &[Vec<Cell>]) -> Result<(), TestCaseError> {
    let ours = read_ours(path).map_err(|e| TestCaseError::fail(format!("ours failed: {e}")))?;
    let theirs = read_calamine(path, rows);
    prop_assert_eq!(&ours.0, &theirs.0, "header");
    prop_assert_eq!(
        ours.1.len(),
        theirs.1.len(),
        "rows: {:?} against {:?}",
        ours.1,
        theirs.1
    );
    for (a, b) in ours.1.iter().zip(&theirs.1) {
        prop_assert_eq!(a, b);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn workbooks_of_rust_xlsxwriter_read_as_calamine_reads_them(
        rows in sheet(false),
        shared in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.xlsx");
        let columns = rows.first().map_or(3, Vec::len);
        let rows: Vec<Vec<Cell>> = if rows.is_empty() { vec![vec![Cell::Gap; columns]] } else { rows };
        write_with_xlsxwriter(&rows, columns, shared, &path);
        agree(&path, &rows)?;
    }

    #[test]
    fn workbooks_spelled_as_other_programs_do_read_as_calamine_reads_them(
        rows in sheet(true),
        how in spelling(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.xlsx");
        let columns = rows.first().map_or(3, Vec::len);
        let rows: Vec<Vec<Cell>> = if rows.is_empty() { vec![vec![Cell::Gap; columns]] } else { rows };
        write_ours(&rows, columns, &how, &path);
        agree(&path, &rows)?;
    }
}

/// A sheet of many rows comes from the reading thread in batches whose
/// buffers are used again: rows of every length, problem rows among them
/// and rows of nothing but gaps, across several batches, read as calamine
/// reads them.
#[test]
fn rows_of_many_batches_read_as_calamine_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.xlsx");
    let rows: Vec<Vec<Cell>> = (0..1500usize)
        .map(|i| {
            let third = match i % 7 {
                0 => Cell::Formula(None),
                1 => Cell::Gap,
                _ => Cell::Number(i as f64 / 4.0),
            };
            vec![
                Cell::Text(format!("C{i:05}{}", "x".repeat(i % 40))),
                Cell::Bool(i % 2 == 0),
                third,
            ]
        })
        .collect();
    write_with_xlsxwriter(&rows, 3, false, &path);
    agree(&path, &rows).unwrap();
    let (_, ours) = read_ours(&path).unwrap();
    assert_eq!(ours.len(), 1500, "every row, problems included");
}

/// A broken zip or broken sheet XML is a problem with the whole file that
/// says where, never a panic.
#[test]
fn broken_workbooks_are_whole_file_problems_with_a_place() {
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![vec![Cell::Number(1.0), Cell::Text("a".into())]; 50];
    let path = dir.path().join("cases.xlsx");
    write_with_xlsxwriter(&rows, 2, true, &path);
    let whole = std::fs::read(&path).unwrap();
    for cut in [10, whole.len() / 2, whole.len() - 10] {
        std::fs::write(&path, &whole[..cut]).unwrap();
        let problem = read_ours(&path).unwrap_err();
        assert!(
            problem.starts_with("cannot read `") && problem.contains("as an Excel workbook: "),
            "{problem}"
        );
    }

    let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h0</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"#;
    let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let workbook = r#"<workbook xmlns:r="r"><sheets><sheet name="Cases" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    write_zip(
        &path,
        &[
            ("xl/workbook.xml", workbook.to_string()),
            ("xl/_rels/workbook.xml.rels", rels.to_string()),
            ("xl/worksheets/sheet1.xml", sheet.to_string()),
        ],
    );
    // The row being read when the XML broke is not given: the run fails whole.
    let mut reader = CaseReader::open(&path, InputFormat::Xlsx, None).unwrap();
    while reader.next_row().is_some() {}
    let path_name = path.display().to_string();
    assert_eq!(
        reader.take_fatal().unwrap().message,
        format!(
            "cannot read sheet `Cases` of `{path_name}`: it ends inside a tag, at byte {} of xl/worksheets/sheet1.xml, after row 1",
            sheet.len() - 8
        )
    );
}
