//! Unit tests of `output`.

use super::*;
use std::str::FromStr;

fn value(text: &str, unit: Unit) -> String {
    let mut out = Vec::new();
    push_value(&mut out, Decimal::from_str(text).unwrap(), unit);
    String::from_utf8(out).unwrap()
}

#[test]
fn values_print_as_policy_figures() {
    assert_eq!(value("141.33", Unit::Money), "141.33");
    // As `ras eval` prints it (`eval::format_value`).
    assert_eq!(value("7349.160", Unit::Money), "7349.16");
    assert_eq!(value("176.6560", Unit::Money), "176.656");
    assert_eq!(value("69", Unit::Money), "69.00");
    assert_eq!(value("69.5", Unit::Money), "69.50");
    assert_eq!(value("176.656", Unit::Money), "176.656");
    assert_eq!(value("36.20", Unit::Points), "36.2");
    assert_eq!(value("38.0000", Unit::Points), "38");
    assert_eq!(value("0.00", Unit::Points), "0");
    assert_eq!(value("-2.50", Unit::Money), "-2.50");
    assert_eq!(value("0.05", Unit::Points), "0.05");
    assert_eq!(value("-0.5", Unit::Number), "-0.5");
    assert_eq!(value("0", Unit::Money), "0.00");
    assert_eq!(value("1000", Unit::Points), "1000");
    assert_eq!(
        value("79228162514264337593543950335", Unit::Number),
        "79228162514264337593543950335"
    );
}

#[test]
fn csv_fields_are_quoted_only_when_needed() {
    let mut out = Vec::new();
    push_csv_field(&mut out, "row 3, column q01: unknown code \"7\"");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\"row 3, column q01: unknown code \"\"7\"\"\""
    );
}
