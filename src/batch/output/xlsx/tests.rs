//! Unit tests of `output::xlsx`: workbooks written here and read back with calamine.

use super::*;
use calamine::{Data, Reader};

const RULES: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { all "Everyone" }
question care "Help needed" { none "None" 0 pts  some "Some" 5 pts }
parameter price_per_point "Price per point" £/pt = £5.00/pt
let points = total points
output indicative "Indicative weekly personal budget" = round(points * price_per_point)
"#;

fn model() -> Model {
    let options = crate::check::CheckOptions::new(crate::date::Date::new(2026, 1, 1).unwrap());
    crate::check::check_source(RULES, &options).model.unwrap()
}

fn step(model: &Model, name: &str) -> Column {
    let id = model.steps.iter().position(|s| s.id == name).unwrap();
    Column::Step(id as u32)
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn error(line: u64, case_id: &str, message: &str) -> ErrorRecord {
    ErrorRecord {
        row: line - 1,
        line,
        case_id: case_id.into(),
        column: String::new(),
        code: "ras::bad-cell",
        message: message.into(),
    }
}

#[test]
fn a_workbook_reads_back_cell_for_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.xlsx");
    let model = model();
    let columns = [
        Column::CaseId,
        step(&model, "points"),
        step(&model, "indicative"),
        Column::Eligible,
        Column::PlanCost,
        Column::Message,
    ];
    let book = Workbook::new(&model, &columns, "row", File::create(&path).unwrap()).unwrap();
    let csv = "case_id,points,indicative,eligible,plan_cost,message\n\
               A1,5,25.00,true,1210.50,\n\
               \" B2 \",0.50,-0.00,false,,\"row 3, column care: \"\"x\"\" & <y>\"\n\
               C3,,,,12.,\"two\nlines\"\n";
    // Lines may come in pieces: cut the text everywhere, once.
    let mut sink = book.results();
    for piece in csv.as_bytes().chunks(7) {
        sink.write_all(piece).unwrap();
    }
    book.error(&error(3, "B2", "a tab\there, a bell \u{7} there"))
        .unwrap();
    book.error(&error(4, "", "no id")).unwrap();
    book.finish().unwrap();
    // Finishing twice writes nothing more.
    book.finish().unwrap();

    let mut names = calamine::open_workbook::<calamine::Xlsx<_>, _>(&path)
        .unwrap()
        .sheet_names();
    names.sort();
    assert_eq!(names, ["Errors", "Results"]);
    let s = |t: &str| Data::String(t.to_string());
    let results = sheet(&path, "Results");
    assert_eq!(
        results,
        [
            vec![
                s("case_id"),
                s("points"),
                s("indicative"),
                s("eligible"),
                s("plan_cost"),
                s("message")
            ],
            vec![
                s("A1"),
                Data::Float(5.0),
                Data::Float(25.0),
                Data::Bool(true),
                Data::Float(1210.5),
                Data::Empty
            ],
            vec![
                s(" B2 "),
                Data::Float(0.5),
                Data::Float(0.0),
                Data::Bool(false),
                Data::Empty,
                s("row 3, column care: \"x\" & <y>")
            ],
            // `12.` is not a number the results would hold: it stays text.
            vec![
                s("C3"),
                Data::Empty,
                Data::Empty,
                Data::Empty,
                s("12."),
                s("two\nlines")
            ],
        ]
    );
    let errors = sheet(&path, "Errors");
    assert_eq!(
        errors,
        [
            vec![s("row"), s("case_id"), s("column"), s("code"), s("message")],
            vec![
                Data::Float(3.0),
                s("B2"),
                Data::Empty,
                s("ras::bad-cell"),
                s("a tab\there, a bell \u{7} there")
            ],
            vec![
                Data::Float(4.0),
                Data::Empty,
                Data::Empty,
                s("ras::bad-cell"),
                s("no id")
            ],
        ]
    );
}

#[test]
fn money_cells_have_the_pound_format_and_headings_are_bold() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.xlsx");
    let model = model();
    let columns = [Column::CaseId, step(&model, "indicative")];
    let book = Workbook::new(&model, &columns, "line", File::create(&path).unwrap()).unwrap();
    book.results()
        .write_all(b"case_id,indicative\nA1,25.00\n")
        .unwrap();
    book.finish().unwrap();
    let mut zip = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
    let mut xml = String::new();
    io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains(r#"<c r="A1" s="1" t="inlineStr"><is><t>case_id</t></is></c>"#),
        "{xml}"
    );
    assert!(xml.contains(r#"<c r="B2" s="2"><v>25</v></c>"#), "{xml}");
    assert!(STYLES.contains(r#"<numFmt numFmtId="164" formatCode="£#,##0.00"/>"#));
}

#[test]
fn a_sheet_holds_at_most_an_excel_sheets_rows() {
    let mut sheet = SheetXml::new();
    sheet.next = MAX_ROWS - 1;
    assert!(sheet.start_row().is_ok());
    sheet.end_row();
    let e = sheet.start_row().unwrap_err();
    assert_eq!(
        e.to_string(),
        "an Excel sheet holds at most 1,048,576 rows; write the results as CSV instead"
    );
}

#[test]
fn figures_become_spreadsheet_numbers() {
    let n = |t: &str| number_text(t.as_bytes()).map(|v| String::from_utf8(v.to_vec()).unwrap());
    assert_eq!(n("25.00").as_deref(), Some("25"));
    assert_eq!(n("85.30").as_deref(), Some("85.3"));
    assert_eq!(n("1000").as_deref(), Some("1000"));
    assert_eq!(n("-2.50").as_deref(), Some("-2.5"));
    assert_eq!(n("-0.00").as_deref(), Some("0"));
    assert_eq!(n("0.05").as_deref(), Some("0.05"));
    for text in ["", "-", ".5", "12.", "1e3", "1,000", "£5", "n/a", "1.2.3"] {
        assert_eq!(n(text), None, "{text}");
    }
    assert_eq!(column_letters(0), b"A");
    assert_eq!(column_letters(25), b"Z");
    assert_eq!(column_letters(26), b"AA");
    assert_eq!(column_letters(702), b"AAA");
}
