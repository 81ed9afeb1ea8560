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
