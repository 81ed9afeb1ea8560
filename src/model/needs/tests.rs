//! Unit tests of `needs`.

use super::*;
use crate::check::{check_source, CheckOptions};
use crate::date::Date;

const HEADER: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { all "Everyone" }
attribute area "Where the person lives" { north "North"  south "South" }
attribute setting "Where the person is supported" { home "Home"  care_home "Care home" }
question care "Help with care" { none "None" 0 pts  some "Some" 5 pts }
question tasks "Help with tasks" { none "None" 0 pts  some "Some" 2 pts  default none }
question night "Support at night" yes/no
question hours "Hours of informal support" number h from 0 to 168
"#;

fn needs_of(rest: &str) -> (Model, Needs) {
    let source = format!("{HEADER}{rest}");
    let today = Date::parse("2025-01-01").unwrap();
    let checked = check_source(&source, &CheckOptions { today });
    let model = checked
        .model
        .unwrap_or_else(|| panic!("{:?}", checked.diagnostics));
    let needs = Needs::of(&model);
    (model, needs)
}

#[test]
fn questions_and_attributes_read_by_any_calculation_or_condition() {
    let (model, needs) = needs_of(
        r#"parameter price "Price per point" £/pt by area { north £4.88/pt  south £5.00/pt }
output indicative "Indicative weekly personal budget" = round(points(care) * price)
flag night_help "Night support" when night is yes
"#,
    );
    let q = |id: &str| model.question_named(id).unwrap();
    assert!(needs.question(q("care")));
    assert!(needs.answer_required(&model, q("care")));
    assert!(needs.question(q("night")), "read by a flag");
    assert!(!needs.question(q("tasks")), "never read");
    assert!(!needs.question(q("hours")), "never read");
    let a = |id: &str| model.attribute_named(id).unwrap();
    assert!(
        needs.attribute(a("area")),
        "a parameter read takes its value by it"
    );
    assert!(!needs.attribute(a("setting")));
    assert!(!needs.date);
    assert!(!needs.plan_cost);
}

#[test]
fn a_default_answer_is_read_but_not_required() {
    let (model, needs) = needs_of(
        r#"parameter price "Price per point" £/pt = £5.00/pt
output indicative "Indicative weekly personal budget" = round(total points * price)
deduction informal "Informal support" = hours * £1/h when setting is home
"#,
    );
    let tasks = model.question_named("tasks").unwrap();
    assert!(needs.question(tasks));
    assert!(!needs.answer_required(&model, tasks));
    assert!(needs.question(model.question_named("hours").unwrap()));
    assert!(
        needs.attribute(model.attribute_named("setting").unwrap()),
        "tested by a condition"
    );
    assert!(!needs.attribute(model.attribute_named("area").unwrap()));
}

#[test]
fn a_date_only_when_a_dated_value_is_read_and_a_plan_cost_with_a_route() {
    let (_, needs) = needs_of(
        r#"parameter price "Price per point" £/pt {
  from 2024-04-01 £4.88/pt
  from 2025-04-01 £5.00/pt
}
output indicative "Indicative weekly personal budget" = round(total points * price)
route approval "Who approves" {
  panel "Panel" when plan_cost >= £1,000
  manager "Manager" otherwise
}
"#,
    );
    assert!(needs.date);
    assert!(needs.plan_cost);
    let (_, needs) = needs_of(
        r#"parameter price "Price per point" £/pt = £5.00/pt
output indicative "Indicative weekly personal budget" = round(total points * price)
route approval "Who approves" {
  panel "Panel" when indicative >= £1,000
  manager "Manager" otherwise
}
"#,
    );
    assert!(!needs.date);
    assert!(
        needs.plan_cost,
        "a route is chosen only for a case with a plan cost"
    );
}

#[test]
fn the_checker_reads_the_same_needs_from_the_expressions_it_made() {
    let (model, needs) = needs_of(
        r#"parameter price "Price per point" £/pt by area { north £4.88/pt  south £5.00/pt }
output indicative "Indicative weekly personal budget" = round((points(care) + points(tasks)) * price)
flag night_help "Night support" when night is yes
"#,
    );
    let from_parts = Needs::of_expressions(
        &model.exprs,
        &model.parameters,
        model.questions.len(),
        model.attributes.len(),
        model.route.is_some(),
    );
    assert_eq!(from_parts, needs);
    let q = |id: &str| model.question_named(id).unwrap();
    assert!(from_parts.answer_required_of(&model.questions, q("care")));
    assert!(from_parts.question(q("tasks")), "read by the output");
    assert!(
        !from_parts.answer_required_of(&model.questions, q("tasks")),
        "read, but it has a default answer"
    );
    assert_eq!(
        from_parts.answer_required_of(&model.questions, q("tasks")),
        needs.answer_required(&model, q("tasks"))
    );
}
