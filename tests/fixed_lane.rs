#![cfg(feature = "cli")]
//! The fixed-point lane gives the `Decimal` path's figures bit for bit: every
//! step (value, scale and sign), flag, route, warning and failed requirement,
//! and the same error, for sampled cases of every rule file in `rules/`, and
//! at the edges (an `i64` overflow, negative values and rounding midpoints,
//! mixed scales, a step on the `Decimal` path reading a lane step).

use proptest::prelude::*;
use ras::case::Case;
use ras::check::{check_source, CheckOptions};
use ras::eval::{CaseInput, Evaluator, Scratch};
use ras::plan::{compile, Plan};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ras") {
            out.push(path);
        }
    }
}

fn plan_of(source: &str) -> Plan {
    let checked = check_source(source, &CheckOptions::new(ras::date::Date::today()));
    match checked.model {
        Some(model) => compile(model, source).unwrap(),
        None => panic!("{:?}", checked.diagnostics),
    }
}

/// Every shipped rule file's plan, with its name.
fn plans() -> &'static [(String, Plan)] {
    static PLANS: OnceLock<Vec<(String, Plan)>> = OnceLock::new();
    PLANS.get_or_init(|| {
        let mut files = Vec::new();
        rule_files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
            &mut files,
        );
        assert!(files.len() >= 5, "{files:?}");
        files
            .iter()
            .map(|f| {
                let source = std::fs::read_to_string(f).unwrap();
                (f.display().to_string(), plan_of(&source))
            })
            .collect()
    })
}

/// `n` sampled cases of a plan, decoded.
fn sampled(ev: &Evaluator, n: u64, seed: u64) -> Vec<CaseInput> {
    let mut out = Vec::new();
    ras::sample::write_sample(
        ev.plan().model(),
        n,
        seed,
        ras::sample::SampleFormat::JsonLines,
        &mut out,
    )
    .unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|line| ev.decode(&Case::from_json(line).unwrap(), None).unwrap())
        .collect()
}

/// Everything a run leaves, each step as rust_decimal's own 16 bytes.
#[derive(Debug, PartialEq)]
struct Figures {
    verdict: String,
    steps: Vec<Option<[u8; 16]>>,
    flags: Vec<Option<bool>>,
    route: Option<u32>,
    failed: Vec<u32>,
    warnings: Vec<u32>,
}

fn figures(ev: &Evaluator, verdict: String, s: &Scratch) -> Figures {
    let m = ev.plan().model();
    Figures {
        verdict,
        steps: (0..m.steps.len() as u32)
            .map(|i| s.step(i).map(|d| d.serialize()))
            .collect(),
        flags: (0..m.flags.len() as u32).map(|i| s.flag(i)).collect(),
        route: s.route(),
        failed: s.failed_requirements().to_vec(),
        warnings: s.warnings().to_vec(),
    }
}

/// Runs a case on both paths, asserts they agree, and tells whether it was
/// worked out in the lane.
fn agree(ev: &Evaluator, input: &CaseInput) -> bool {
    let (mut lane, mut decimal) = (Scratch::new(ev), Scratch::new(ev));
    let a = ev.run(input, &mut lane);
    let b = ev.run_decimal(input, &mut decimal);
    assert!(!decimal.in_fixed_lane());
    let (a, b) = (
        figures(ev, format!("{a:?}"), &lane),
        figures(ev, format!("{b:?}"), &decimal),
    );
    assert_eq!(a, b, "{input:?}");
    lane.in_fixed_lane()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Sampled cases of every rule file, some with answers changed at random
    /// (other options, no plan cost, plan costs of any size).
    #[test]
    fn lane_agrees_with_decimal_on_every_rule_file(
        seed in any::<u64>(),
        option in 0u32..8,
        plan_cost in prop_oneof![Just(None), (0i64..i64::MAX, 0u32..6).prop_map(Some)],
    ) {
        for (_, plan) in plans() {
            let ev = Evaluator::new(plan);
            for mut input in sampled(&ev, 8, seed) {
                agree(&ev, &input);
                for a in input.answers.iter_mut() {
                    if let ras::eval::AnswerValue::Choice(o) = &mut a.value {
                        *o = (*o + option) % (option + 1).max(2);
                    }
                }
                input.plan_cost = plan_cost.map(|(m, s)| rust_decimal::Decimal::new(m, s));
                agree(&ev, &input);
            }
        }
    }
}

#[test]
fn every_shire_step_and_case_is_in_the_lane() {
    let (_, plan) = plans()
        .iter()
        .find(|(name, _)| name.ends_with("shire-2025.ras"))
        .unwrap();
    let ev = Evaluator::new(plan);
    assert_eq!(
        ev.fixed_lane_steps().len(),
        plan.model().steps.len(),
        "every Shire step is exact on i64s"
    );
    for input in sampled(&ev, 500, 2025) {
        assert!(agree(&ev, &input), "{input:?} left the lane");
    }
}

#[test]
fn the_lane_is_used_in_every_rule_file() {
    for (name, plan) in plans() {
        let ev = Evaluator::new(plan);
        assert!(
            !ev.fixed_lane_steps().is_empty(),
            "{name}: no step in the lane"
        );
        let inputs = sampled(&ev, 50, 7);
        let in_lane = inputs.iter().filter(|i| agree(&ev, i)).count();
        assert!(in_lane > 0, "{name}: no case was worked out in the lane");
    }
}

const HEADER: &str = r#"
policy "Edges" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { older_people "Older people"  working_age "Working-age adults" }
"#;

fn edge_plan(body: &str) -> Plan {
    plan_of(&format!("{HEADER}{body}"))
}

/// The first case of `plan` with the answers given (codes by question id).
fn case(ev: &Evaluator, json: &str) -> CaseInput {
    ev.decode(&Case::from_json(json).unwrap(), None).unwrap()
}

fn step(ev: &Evaluator, input: &CaseInput, id: &str) -> (String, bool) {
    let mut s = Scratch::new(ev);
    ev.run(input, &mut s).unwrap();
    let i = ev
        .plan()
        .model()
        .steps
        .iter()
        .position(|s| s.id == id)
        .unwrap() as u32;
    (s.step(i).unwrap().to_string(), s.in_fixed_lane())
}

#[test]
fn an_overflow_in_the_lane_falls_back_to_decimal() {
    let plan = edge_plan(
        r#"
question need "Need" {
  1 "Low"   1 pts
  2 "High"  3000000 pts
}
parameter price_per_point "Price per point" £/pt = £4000000.00/pt
let points = total points
output indicative "Indicative weekly personal budget" = round(points * price_per_point * 1000000)
"#,
    );
    let ev = Evaluator::new(&plan);
    assert_eq!(ev.fixed_lane_steps().len(), 2);
    let low = case(
        &ev,
        r#"{"cohort": "older_people", "answers": {"need": "1"}}"#,
    );
    let high = case(
        &ev,
        r#"{"cohort": "older_people", "answers": {"need": "2"}}"#,
    );
    assert!(agree(&ev, &low));
    assert_eq!(
        step(&ev, &low, "indicative"),
        ("4000000000000.00".into(), true)
    );
    // 3,000,000 x 400,000,000 pence x 1,000,000 does not fit in an i64.
    assert!(!agree(&ev, &high));
    assert_eq!(step(&ev, &high, "indicative").0, "12000000000000000000.00");
}

#[test]
fn negative_values_and_rounding_midpoints() {
    let plan = edge_plan(
        r#"
question need "Need" {
  1 "None"  0 pts
  2 "Some"  1 pts
  3 "More"  2 pts
}
parameter price_per_point "Price per point" £/pt = £0.125/pt
let points = total points
let below = (points - 2 pts) * price_per_point * 20
let half = round(below / 20)
let exact_half = round((points - 2 pts) * price_per_point)
let halfway_even = round((points - 2 pts) * price_per_point, penny half_even)
let back = - exact_half
output indicative "Indicative weekly personal budget" = exact_half - back + £1
"#,
    );
    let ev = Evaluator::new(&plan);
    for code in ["1", "2", "3"] {
        let input = case(
            &ev,
            &format!(r#"{{"cohort": "older_people", "answers": {{"need": "{code}"}}}}"#),
        );
        assert!(agree(&ev, &input), "need {code}");
    }
    let some = case(
        &ev,
        r#"{"cohort": "older_people", "answers": {"need": "2"}}"#,
    );
    // -1 x £0.125 = -£0.125: half up goes away from zero, half even to -£0.12.
    assert_eq!(step(&ev, &some, "exact_half").0, "-0.13");
    assert_eq!(step(&ev, &some, "halfway_even").0, "-0.12");
    assert_eq!(step(&ev, &some, "back").0, "0.13");
    let more = case(
        &ev,
        r#"{"cohort": "older_people", "answers": {"need": "3"}}"#,
    );
    // A zero that is `-0` in rust_decimal stays `-0` in the lane.
    let mut s = Scratch::new(&ev);
    ev.run(&more, &mut s).unwrap();
    assert!(s.in_fixed_lane());
}

#[test]
fn mixed_scales_keep_rust_decimals_scale() {
    let plan = edge_plan(
        r#"
question need "Need" {
  1 "None"  0 pts
  2 "Some"  1.5 pts
  3 "More"  2.25 pts
}
question carer "Carer" {
  none "None"
  some "Some"
}
parameter price_per_point "Price per point" by cohort {
  older_people £4.88/pt
  working_age  £5.2/pt
}
let points = total points
let rate = choose {
  12.5% when carer is some
  0% otherwise
}
deduction informal "Informal support" = rate of points when carer is some
let net = points - informal
let most = max(net, 1 pts, points - 0.125 pts)
output indicative "Indicative weekly personal budget" = round(most * price_per_point)
"#,
    );
    let ev = Evaluator::new(&plan);
    assert_eq!(ev.fixed_lane_steps().len(), plan.model().steps.len());
    for cohort in ["older_people", "working_age"] {
        for need in ["1", "2", "3"] {
            for carer in ["none", "some"] {
                let input = case(
                    &ev,
                    &format!(
                        r#"{{"cohort": "{cohort}", "answers": {{"need": "{need}", "carer": "{carer}"}}}}"#
                    ),
                );
                assert!(agree(&ev, &input), "{cohort} {need} {carer}");
            }
        }
    }
}

#[test]
fn a_decimal_step_reads_a_lane_step() {
    let plan = edge_plan(
        r#"
question need "Need" {
  1 "None"  0 pts
  2 "Some"  7 pts
}
parameter price_per_point "Price per point" £/pt = £4.88/pt
let points = total points
let gross = round(points * price_per_point)
let daily = gross / 7
output indicative "Indicative weekly personal budget" = round(daily * 7) + gross
flag high "High" when daily > £4
"#,
    );
    let ev = Evaluator::new(&plan);
    let m = plan.model();
    let lane: Vec<&str> = ev
        .fixed_lane_steps()
        .iter()
        .map(|s| m.steps[*s as usize].id.as_str())
        .collect();
    assert_eq!(lane, ["points", "gross"], "a division is not in the lane");
    let input = case(
        &ev,
        r#"{"cohort": "older_people", "answers": {"need": "2"}}"#,
    );
    assert!(agree(&ev, &input));
    assert_eq!(step(&ev, &input, "indicative").0, "68.32");
}

/// A `choose` that tests one subject's code against constants is one
/// lookup by code in the lane: it gives what trying its conditions in turn
/// gives, for every code (overlapping sets, `not in`, a yes/no question, an
/// attribute, the cohort), and a missing attribute still leaves the lane.
#[test]
fn a_choose_by_code_agrees_with_its_conditions_tried_in_turn() {
    let plan = edge_plan(
        r#"
attribute setting "Where the person lives" {
  own_home         "Own home"
  supported_living "Supported living"
  shared_lives     "Shared Lives"
}
question need "Need" {
  1 "None"     0 pts
  2 "Low"      1 pts
  3 "Some"     2.5 pts
  4 "High"     7 pts
  5 "Highest"  12 pts
}
question willing "Is the carer willing?" yes/no
let points = total points
let rate = choose {
  15% when need is 2
  30% when need in [2, 3, 4]
  5%  when need not in [1, 2, 3, 4]
  0%  otherwise
}
let bonus = choose {
  2.5 pts when willing is yes
  1 pts otherwise
}
let area = choose {
  3 pts when setting in [supported_living, shared_lives]
  0.25 pts otherwise
}
let group = choose {
  1 pts when cohort is working_age
  0 pts otherwise
}
output indicative "Indicative weekly personal budget" = round((rate of points + bonus + area + group) * £4.88/pt)
"#,
    );
    let ev = Evaluator::new(&plan);
    assert_eq!(ev.fixed_lane_steps().len(), plan.model().steps.len());
    let mut looked_up = 0;
    for cohort in ["older_people", "working_age"] {
        for setting in ["own_home", "supported_living", "shared_lives"] {
            for need in 1..=5 {
                for willing in ["yes", "no"] {
                    let input = case(
                        &ev,
                        &format!(
                            r#"{{"cohort": "{cohort}", "attributes": {{"setting": "{setting}"}},
                                "answers": {{"need": {need}, "willing": "{willing}"}}}}"#
                        ),
                    );
                    assert!(agree(&ev, &input), "{cohort} {setting} {need} {willing}");
                    looked_up += 1;
                }
            }
        }
    }
    assert_eq!(looked_up, 60);
    let mut input = case(
        &ev,
        r#"{"cohort": "older_people", "attributes": {"setting": "own_home"},
            "answers": {"need": 3, "willing": "yes"}}"#,
    );
    assert_eq!(step(&ev, &input, "rate"), ("30".into(), true));
    assert_eq!(step(&ev, &input, "area"), ("0.25".into(), true));
    input.attributes = vec![None];
    assert!(!agree(&ev, &input), "a missing attribute leaves the lane");
}
