//! Tests of the interval analysis: its bounds hold for every case the rule
//! files' tests and the search give, and a witness is a real case.

use super::*;
use crate::check::{check_source, CheckOptions};
use crate::eval::{EvalOptions, Evaluator, Status};
use crate::plan::Plan;

fn d(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}

fn r(lo: Option<&str>, hi: Option<&str>) -> Range {
    Range {
        lo: lo.map(d),
        hi: hi.map(d),
    }
}

fn options() -> CheckOptions {
    CheckOptions::new(Date::parse("2026-01-01").expect("a date"))
}

fn plans() -> Vec<(String, Plan)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = vec![dir.join("shire-2025.ras")];
    for sub in ["lancashire", "leicestershire", "oldham"] {
        let mut in_dir: Vec<_> = std::fs::read_dir(dir.join(sub))
            .expect("a rules folder")
            .map(|e| e.expect("an entry").path())
            .collect();
        in_dir.sort();
        files.extend(in_dir);
    }
    files
        .into_iter()
        .map(|path| {
            let source = std::fs::read_to_string(&path).expect("a rule file");
            let model = check_source(&source, &options())
                .model
                .expect("the shipped rule files check");
            let plan = crate::plan::compile(model, &source).expect("a plan");
            (path.display().to_string(), plan)
        })
        .collect()
}

fn within(v: Decimal, b: Range) -> bool {
    b.lo.map_or(true, |lo| lo <= v) && b.hi.map_or(true, |hi| v <= hi)
}

#[test]
fn every_test_of_the_rule_files_lies_within_the_bounds() {
    for (name, plan) in plans() {
        let m = &plan.model;
        let analysis = analyse(m);
        let ev = Evaluator::new(&plan);
        let mut checked = 0;
        for t in &m.tests {
            let result = ev.evaluate(&t.case, &EvalOptions::default());
            if result.status != Status::Ok {
                continue;
            }
            for (s, step) in m.steps.iter().enumerate() {
                let v = result.step(&step.id).expect("a worked-out step");
                let b = analysis.steps[s].expect("a step some case reaches");
                assert!(within(v, b), "{name}: `{}` = {v} outside {b:?}", step.id);
                checked += 1;
            }
            for (f, flag) in m.flags.iter().enumerate() {
                let raised = result.flags.get(&flag.id).copied().expect("decided");
                let t = analysis.flags[f];
                assert!(
                    if raised { t.can_hold } else { t.can_fail },
                    "{name}: flag `{}` {raised} but the analysis says {t:?}",
                    flag.id
                );
            }
        }
        assert!(checked > 0, "{name}: no test was evaluated");
    }
}

#[test]
fn a_witness_is_a_real_case_with_the_value_the_evaluator_gives() {
    for (name, plan) in plans() {
        let m = &plan.model;
        let analysis = analyse(m);
        let ev = Evaluator::new(&plan);
        for (s, step) in m.steps.iter().enumerate() {
            for goal in [Goal::Lowest(s as u32), Goal::Highest(s as u32)] {
                let w = search(m, goal).unwrap_or_else(|| panic!("{name}: no case for {goal:?}"));
                let result = ev.evaluate(&w.case(m), &EvalOptions::default());
                assert_eq!(
                    result.status,
                    Status::Ok,
                    "{name}: {} gives {:?}",
                    w.describe(m),
                    result.error
                );
                assert_eq!(result.step(&step.id), Some(w.value), "{name}: {goal:?}");
                let b = analysis.steps[s].expect("reached");
                assert!(
                    within(w.value, b),
                    "{name}: {goal:?} {} outside {b:?}",
                    w.value
                );
            }
        }
    }
}

#[test]
fn the_largest_budget_of_a_simple_file_is_exact() {
    let (_, plan) = plans()
        .into_iter()
        .find(|(n, _)| n.ends_with("2019-01.ras"))
        .expect("Oldham");
    let m = &plan.model;
    let ranges = step_ranges(m);
    let indicative = &ranges[m.indicative as usize];
    let highest = indicative.highest.as_ref().expect("a case");
    // Every answer at its highest, no informal hours: 41 h, 7 sessions, 7 nights.
    assert_eq!(highest.value, d("1576.75"));
    assert_eq!(indicative.bounds.hi, Some(d("1576.75")));
}

#[test]
fn products_with_open_ends() {
    assert_eq!(
        mul(r(Some("-1"), Some("2")), r(Some("3"), None)),
        Range::all()
    );
    assert_eq!(
        mul(r(Some("0"), Some("0")), Range::all()),
        Range::point(Decimal::ZERO)
    );
    assert_eq!(
        mul(r(Some("2"), Some("3")), r(Some("-4"), Some("5"))),
        r(Some("-12"), Some("15"))
    );
    assert_eq!(
        div(r(Some("1"), Some("2")), Range::point(Decimal::ZERO)),
        None
    );
    assert_eq!(
        div(r(Some("1"), Some("2")), r(Some("-1"), Some("1"))),
        Some(Range::all())
    );
}

#[test]
fn straight_lines_take_their_values_between_the_ends_and_the_points_inside() {
    let points = [
        crate::model::BandPoint {
            at: d("0"),
            value: d("0"),
        },
        crate::model::BandPoint {
            at: d("10"),
            value: d("40"),
        },
        crate::model::BandPoint {
            at: d("20"),
            value: d("30"),
        },
    ];
    // Up then down: the highest value is at the point inside.
    assert_eq!(
        interpolate(&points, None, r(Some("5"), Some("15"))),
        Some(r(Some("20"), Some("40")))
    );
    // Below the first point or beyond the last without a rate: no value.
    assert_eq!(interpolate(&points, None, r(Some("25"), Some("30"))), None);
    assert_eq!(
        interpolate(&points, Some(d("2")), r(Some("20"), None)),
        Some(r(Some("30"), None))
    );
}

#[test]
fn comparisons_say_what_can_happen() {
    let a = r(Some("0"), Some("10"));
    let b = r(Some("10"), Some("20"));
    assert_eq!(
        compare_ranges(CompareOp::Gt, a, b),
        Truth {
            can_hold: false,
            can_fail: true
        }
    );
    assert_eq!(
        compare_ranges(CompareOp::Ge, a, b),
        Truth {
            can_hold: true,
            can_fail: true
        }
    );
    assert_eq!(
        compare_ranges(CompareOp::Eq, Range::point(d("3")), Range::point(d("3"))),
        Truth {
            can_hold: true,
            can_fail: false
        }
    );
}

const CAPPED: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { older_people "Older people" }
question personal_care "Washing and dressing" {
  1 "None"  0 pts
  2 "Some"  5 pts
}
question telecare_suitable "Could telecare replace some visits?" yes/no
parameter price_per_point "Price per point" = £4.88/pt
parameter telecare_saving "Telecare saving" = £14.00
let gross = round(total points * price_per_point)
deduction telecare "Visits telecare replaces" = min(telecare_saving, gross) when telecare_suitable is yes
output indicative "Indicative weekly personal budget" = gross - telecare
"#;

#[test]
fn a_bound_below_zero_is_not_a_warning_without_a_case() {
    let checked = check_source(CAPPED, &options());
    let m = checked.model.expect("a model");
    // The interval loses that the deduction is capped at the gross ...
    let bounds = analyse(&m).steps[m.indicative as usize].expect("reached");
    assert!(bounds.lo.is_some_and(|lo| lo < Decimal::ZERO), "{bounds:?}");
    // ... so only a case could show a negative budget, and none does.
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let uncapped = CAPPED.replace("min(telecare_saving, gross)", "telecare_saving");
    let checked = check_source(&uncapped, &options());
    let found: Vec<&str> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(found, ["ras::deduction-may-exceed", "ras::may-be-negative"]);
}
