use super::*;
use crate::check::{check_source, CheckOptions};

#[test]
fn a_use_leads_to_its_declaration_and_steps_have_units() {
    let source = include_str!("../../../rules/shire-2025.ras");
    let today = crate::date::Date::new(2026, 1, 1).unwrap();
    let checked = check_source(source, &CheckOptions::new(today));
    let index = &checked.index;
    let uses: Vec<&Reference> = index
        .references
        .iter()
        .filter(|r| r.name == "price_per_point")
        .collect();
    assert!(!uses.is_empty());
    for r in uses {
        assert_eq!(&source[r.span.start..r.span.end], "price_per_point");
        let d = index.declaration_of(r).unwrap();
        assert_eq!(d.name, "price_per_point");
        assert_eq!(d.target.kind(), "parameter");
        assert_eq!(index.reference_at(r.span.start), Some(r));
    }
    let indicative = index.steps.iter().find(|s| s.name == "indicative").unwrap();
    assert_eq!(indicative.unit, Some(Unit::Money));
    assert!(index.references.iter().all(|r| r.to.is_some()));
}

#[test]
fn an_unknown_name_is_a_reference_to_nothing() {
    let source = include_str!("../../../tests/fixtures/check/err/unknown-name.ras");
    let today = crate::date::Date::new(2026, 1, 1).unwrap();
    let checked = check_source(source, &CheckOptions::new(today));
    let r = checked
        .index
        .references
        .iter()
        .find(|r| r.name == "price_per_pont")
        .unwrap();
    assert_eq!(r.to, None);
}

#[test]
fn a_test_started_from_another_refers_to_its_declaration() {
    let source = include_str!("../../../tests/fixtures/check/ok/tests-as.ras");
    let today = crate::date::Date::new(2026, 1, 1).unwrap();
    let checked = check_source(source, &CheckOptions::new(today));
    let index = &checked.index;
    let base = "some help with personal care";
    let uses: Vec<&Reference> = index.references.iter().filter(|r| r.name == base).collect();
    assert_eq!(uses.len(), 1, "one test starts from \"{base}\"");
    let written = &source[uses[0].span.start..uses[0].span.end];
    assert_eq!(
        written,
        format!("\"{base}\""),
        "the reference is the `as` string"
    );
    let d = index.declaration_of(uses[0]).unwrap();
    assert_eq!(d.target.kind(), "test");
    assert_eq!(&source[d.span.start..d.span.end], format!("\"{base}\""));
    assert!(
        source[..d.span.start].ends_with("test "),
        "the declaration is the test's own name, not another `as`"
    );
    let chained = index
        .references
        .iter()
        .filter(|r| matches!(r.to, Some(Target::Test(_))))
        .count();
    assert_eq!(
        chained,
        source.matches("\" as \"").count(),
        "each `as` is a reference"
    );
}

#[test]
fn a_test_started_from_a_missing_test_refers_to_nothing() {
    let source = include_str!("../../../tests/fixtures/check/err/unknown-base-test.ras");
    let today = crate::date::Date::new(2026, 1, 1).unwrap();
    let checked = check_source(source, &CheckOptions::new(today));
    assert!(checked.has_errors());
    let r = checked
        .index
        .references
        .iter()
        .find(|r| r.name == "some help with personal cares")
        .unwrap();
    assert!(source[..r.span.start].trim_end().ends_with("as"));
    assert_eq!(r.to, None);
}
