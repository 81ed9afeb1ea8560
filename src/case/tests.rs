//! Unit tests of `case`.

use super::*;

#[test]
fn reads_codes_as_numbers_or_strings() {
    let case = Case::from_json(
        r#"{"case_id": 7, "cohort": "older_people", "assessed": "2010-02-01", "plan_cost": "420.00",
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
