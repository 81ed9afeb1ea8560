use super::*;
use crate::case::Case;
use crate::check::{check_source, CheckOptions};
use crate::eval::{evaluate, EvalOptions};

/// The Shire case in a cohort, evaluated: where its price per point came from.
fn price_per_point(cohort: &str) -> (Option<String>, Line) {
    let source = include_str!("../../../rules/shire-2025.ras");
    let today = Date::new(2026, 1, 1).unwrap();
    let model = check_source(source, &CheckOptions::new(today))
        .model
        .unwrap();
    let plan = crate::plan::compile(model, source).unwrap();
    let text = include_str!("../../../examples/shire-case.json")
        .replace("\"older_people\"", &format!("\"{cohort}\""));
    let case = Case::from_json(&text).unwrap();
    let result = evaluate(&plan, &case, &EvalOptions::default());
    let used = result
        .parameters_used
        .iter()
        .find(|p| p.name == "price_per_point")
        .unwrap();
    (used.key.clone(), used.line)
}

#[test]
fn a_cohort_value_is_traced_to_its_own_line() {
    let source = include_str!("../../../rules/shire-2025.ras");
    let line_of = |text: &str| {
        source
            .lines()
            .position(|l| l.trim_start().starts_with(text))
            .unwrap() as Line
            + 1
    };
    assert_eq!(
        price_per_point("older_people"),
        (
            Some("older_people".into()),
            line_of("older_people £4.88/pt")
        )
    );
    assert_eq!(
        price_per_point("working_age"),
        (Some("working_age".into()), line_of("working_age  £5.20/pt"))
    );
}
