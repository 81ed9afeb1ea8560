use super::*;

const PLAN_COST_RULES: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { all "Everyone" }
question care "Help needed" { none "None" 0 pts  some "Some" 5 pts }
parameter price_per_point "Price per point" £/pt = £5.00/pt
output indicative "Indicative weekly personal budget" = round(total points * price_per_point)
route approval "Who approves" {
  panel "Panel" when plan_cost >= £1,000
  manager "Manager" otherwise
}
"#;

#[test]
fn plan_costs_are_read_as_money() {
    let plan = crate::plan::compile(
        crate::check::check_source(
            PLAN_COST_RULES,
            &crate::check::CheckOptions::new(crate::date::Date::new(2026, 1, 1).unwrap()),
        )
        .model
        .unwrap(),
        PLAN_COST_RULES,
    )
    .unwrap();
    let ev = Evaluator::new(&plan);
    let header = ["cohort", "care", "plan_cost"].map(String::from);
    let (layout, _) = Layout::new(&ev, &header, &RunOptions::default()).unwrap();
    let mut rows = RowEvaluator::new(
        &ev,
        Some(layout),
        RunOptions::default(),
        input::Places::Lines,
    );
    let mut cost = |text: &str| {
        let row = ["all", "some", text].map(String::from);
        rows.decode_fields(input::Fields::Owned(&row))
            .map(|()| rows.input.plan_cost.map(|d| d.to_string()))
            .map_err(|p| p.code)
    };
    assert_eq!(cost("420.00"), Ok(Some("420.00".into())));
    assert_eq!(cost("£1,210.50"), Ok(Some("1210.50".into())));
    for bad in ["4e2", "abc", "12,50", "0,99", "1_000", "££5", "1e3"] {
        assert_eq!(cost(bad), Err("ras::not-a-number"), "{bad}");
    }
    assert_eq!(cost("-5.00"), Err("ras::negative-amount"));
    assert_eq!(
        cost("420.0000000000000000000000000001"),
        Err("ras::number-too-precise")
    );
}

#[test]
fn summary_line() {
    let s = Summary {
        rows: 4,
        ok: 1,
        not_eligible: 1,
        not_validated: 1,
        errors: 1,
    };
    assert_eq!(
        s.line(),
        "4 cases: 1 ok, 1 not eligible, 1 not validated, 1 errors"
    );
}
