//! Tests of coverage: each kind of item is reached exactly when a test's
//! evaluation reaches it.

use super::*;
use crate::check::{check_source, CheckOptions};

fn d(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}

const FILE: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { older_people "Older people" }
question personal_care "Washing and dressing" {
  1 "None"  0 pts
  2 "Some"  5 pts
  3 "Most" 10 pts
}
question carer "Is a carer willing to go on?" carer willingness {
  no  "No"
  yes "Yes"
}
parameter price_per_point "Price per point" = £5.00/pt
bands contingency_rate "Contingency" on £ {
  below £30:     10%
  £30 and above:  5%
}
let rate = choose {
  10% when carer is yes
  0% otherwise
}
deduction informal "Informal support" for informal support = rate of total points when carer is yes
let gross = round((total points - informal) * price_per_point)
deduction contingency "Contingency" = round(contingency_rate(gross) of gross)
output indicative "Indicative weekly personal budget" = gross - contingency
eligibility {
  require total points > 0 pts else "no needs"
}
flag high "High needs" when personal_care is 3
route approval "Who approves" {
  panel "Panel" when plan_cost >= £100
  manager "Manager" otherwise
}
test "some care, no carer" {
  given cohort older_people, personal_care 2, carer no, plan_cost £20.00
  expect gross £25.00, contingency £2.50, indicative £22.50, no flags, route manager
}
"#;

fn coverage_of(source: &str) -> Coverage {
    let options = CheckOptions::new(crate::date::Date::parse("2026-01-01").expect("a date"));
    let checked = check_source(source, &options);
    let model = checked
        .model
        .unwrap_or_else(|| panic!("{:?}", checked.diagnostics));
    let plan = crate::plan::compile(model, source).expect("a plan");
    let outcomes = crate::testing::run_tests(&plan);
    assert!(outcomes.iter().all(|o| o.passed()), "{outcomes:?}");
    measure("test.ras", &plan, &outcomes)
}

fn unreached(c: &Coverage, kind: &str) -> Vec<String> {
    c.sections
        .iter()
        .find(|s| s.kind == kind)
        .expect("a section")
        .items
        .iter()
        .filter(|i| !i.reached)
        .map(|i| i.name.clone())
        .collect()
}

#[test]
fn one_test_reaches_what_its_evaluation_reaches() {
    let c = coverage_of(FILE);
    assert_eq!(
        unreached(&c, "options"),
        ["personal_care 1", "personal_care 3", "carer yes"]
    );
    assert_eq!(
        unreached(&c, "band rows"),
        ["contingency_rate £30.00 and above"]
    );
    assert_eq!(unreached(&c, "choose branches").len(), 1, "{c:?}");
    assert_eq!(unreached(&c, "route rules"), ["route panel"]);
    assert_eq!(
        unreached(&c, "eligibility"),
        ["requirement at line 30 failed"]
    );
    assert_eq!(unreached(&c, "flags"), ["high raised"]);
    assert_eq!((c.reached, c.total), (7, 15));
    assert_eq!(c.percent(), d("46.6"));
}

#[test]
fn more_tests_reach_the_rest() {
    let more = format!(
        "{FILE}{}",
        r#"
test "most care, a willing carer, a costly plan" {
  given cohort older_people, personal_care 3, carer yes, plan_cost £200.00
  expect informal 1 pts, gross £45.00, indicative £42.75, flag high, route panel
}
test "no needs" {
  given cohort older_people, personal_care 1, carer no
  expect not eligible "no needs"
}
"#
    );
    let c = coverage_of(&more);
    for s in &c.sections {
        assert!(s.items.iter().all(|i| i.reached), "{s:?}");
    }
    assert_eq!(c.percent(), Decimal::ONE_HUNDRED);
    let table = render_table(&c);
    assert!(
        table.starts_with("coverage of test.ras: 15 of 15 reached (100%)"),
        "{table}"
    );
}
