//! Unit tests of `input`.

use super::*;

fn reader(text: &'static str) -> CaseReader {
    CaseReader::csv(Box::new(text.as_bytes()), "test.csv").unwrap()
}

#[test]
fn csv_rows_keep_their_numbers_and_problems() {
    let mut r = reader("case_id,cohort,q1\nA,older_people,3\nB,older_people\nC, working_age ,1\n");
    assert_eq!(r.header(), ["case_id", "cohort", "q1"]);
    match r.next_row() {
        Some((1, RowContent::Fields(f))) => assert_eq!(f.to_vec(), ["A", "older_people", "3"]),
        other => panic!("{other:?}"),
    }
    match r.next_row() {
        Some((2, RowContent::Problem(p))) => {
            assert_eq!(p.code, "ras::field-count");
            assert!(p.message.contains("2 fields"), "{}", p.message);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.row_number(), 2);
    match r.next_row() {
        Some((3, RowContent::Fields(f))) => assert_eq!(f.get(1), "working_age"),
        other => panic!("{other:?}"),
    }
    assert!(r.next_row().is_none());
}

#[test]
fn header_must_be_utf8() {
    let bad: &'static [u8] = b"case_id,\xff\xfe\nA,B\n";
    let err = CaseReader::csv(Box::new(bad), "bad.csv").err().unwrap();
    assert!(err.message.contains("not UTF-8"), "{}", err.message);
}

#[test]
fn formats_from_extensions() {
    assert_eq!(
        InputFormat::from_path(Path::new("a.CSV")),
        Some(InputFormat::Csv)
    );
    assert_eq!(
        InputFormat::from_path(Path::new("a.jsonl")),
        Some(InputFormat::JsonLines)
    );
    assert_eq!(
        InputFormat::from_path(Path::new("a.xlsx")),
        Some(InputFormat::Xlsx)
    );
    assert_eq!(InputFormat::from_path(Path::new("a.txt")), None);
}
