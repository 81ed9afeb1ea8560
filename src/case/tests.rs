//! Unit tests of `case`.

use super::*;

#[test]
fn reads_codes_as_numbers_or_strings() {
    let case = Case::from_json(
        r#"{"case_id": "7", "cohort": "older_people", "assessed": "2010-02-01", "plan_cost": "420.00",
            "attributes": {"setting": "own_home"}, "answers": {"q1": 3, "q2": "some", "hours": 1.75}}"#,
    )
    .unwrap();
    assert_eq!(case.case_id.as_deref(), Some("7"));
    assert_eq!(case.answers["q1"], "3");
    assert_eq!(case.answers["hours"], "1.75");
    assert_eq!(case.plan_cost, Some(Decimal::new(42000, 2)));
}

#[test]
fn bad_json_names_line_and_column() {
    let err = Case::from_json("{\n \"cohort\": \"x\",\n \"answers\": [1]\n}").unwrap_err();
    assert_eq!(err.line, 3);
    assert!(err.message.contains("map"), "{}", err.message);
    let err = Case::from_json(r#"{"assessed": "2010-02-30"}"#).unwrap_err();
    assert!(err.message.contains("not a date"), "{}", err.message);
}

#[test]
fn a_case_id_is_text_and_not_empty() {
    for (json, message) in [
        (
            r#"{"case_id": true}"#,
            "the case_id must be text in quotes, e.g. \"C00042\", not true",
        ),
        (
            r#"{"case_id": 7}"#,
            "the case_id must be text in quotes, e.g. \"C00042\", not 7",
        ),
        (
            r#"{"case_id": " "}"#,
            "the case_id is empty; give each case its own id, or leave case_id out",
        ),
    ] {
        assert_eq!(
            Case::from_json(json).unwrap_err().message,
            message,
            "{json}"
        );
    }
    assert_eq!(Case::from_json("{}").unwrap().case_id, None);
}

#[test]
fn a_key_given_twice_is_an_error_naming_it() {
    let err = Case::from_json(r#"{"answers": {"q1": "1", "q2": "2", "q1": "3"}}"#).unwrap_err();
    assert_eq!(err.message, "`q1` is given twice; give each once");
    let err = Case::from_json(r#"{"attributes": {"area": "n", "area": "s"}}"#).unwrap_err();
    assert_eq!(err.message, "`area` is given twice; give each once");
    let err = Case::from_json(r#"{"cohort": "a", "cohort": "b"}"#).unwrap_err();
    assert_eq!(err.message, "duplicate field `cohort`");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let case = Case::from_json("\u{feff}{\"cohort\": \"older_people\"}").unwrap();
    assert_eq!(case.cohort.as_deref(), Some("older_people"));
}
