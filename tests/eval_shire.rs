//! The reference scenario (SCENARIO.md) through `rules/shire-2025.ras`:
//! the evaluator against an independent computation written from the
//! scenario text, fast path against full path; and a throughput probe
//! (`cargo test --release --test eval_shire -- --ignored --nocapture`),
//! never a timed assertion.

// Needs the `cli` feature (on by default): it reads the clock, the command line or batch files.
#![cfg(feature = "cli")]

use ras::check::{check_source, CheckOptions};
use ras::eval::{CaseInput, EvalOptions, Evaluator, Scratch, Status, Verdict};
use ras::plan::{compile, Plan};
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

const POINTS: [&[i64]; 24] = [
    &[0, 4, 10, 18, 26],
    &[0, 3, 8, 14],
    &[0, 3, 7, 12],
    &[0, 2, 5],
    &[0, 4, 9, 16],
    &[0, 2, 5, 8],
    &[0, 3, 8, 15, 22],
    &[0, 5, 12],
    &[0, 2, 4, 7],
    &[0, 2, 5, 9],
    &[0, 3, 6, 10],
    &[0, 2, 4],
    &[0, 2, 5, 8],
    &[0, 4, 9],
    &[0, 6, 14, 24],
    &[0, 5, 11],
    &[0, 4, 10, 18, 30],
    &[0, 3, 8],
    &[0, 2, 6, 12],
    &[0, 3, 7],
    &[0, 2, 6, 11],
    &[0, 3, 8],
    &[0, 2, 5, 9],
    &[0, 2, 4, 7],
];
/// Domain weight of each question and whether it is daily living.
const WEIGHT: [(&str, bool); 24] = [
    ("1.5", true),
    ("1.5", true),
    ("1", true),
    ("1", true),
    ("1", true),
    ("1", true),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1.25", false),
    ("1.25", false),
    ("1.2", false),
    ("1.2", false),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1", false),
    ("1", false),
];
const CARERS: [&str; 5] = [
    "none",
    "some_willing",
    "some_unwilling",
    "most_willing",
    "most_unwilling",
];

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

struct Gen(u64);

impl Gen {
    fn next(&mut self, n: u64) -> u64 {
        // xorshift64*: deterministic, good enough to spread cases.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n
    }
}

/// One generated case as CSV-like fields.
struct Row {
    cohort: &'static str,
    codes: [String; 24],
    carer: &'static str,
    plan_cost: Option<String>,
}

fn generate(n: usize) -> Vec<Row> {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|_| Row {
            cohort: if g.next(10) < 6 {
                "older_people"
            } else {
                "working_age"
            },
            codes: std::array::from_fn(|q| (g.next(POINTS[q].len() as u64) + 1).to_string()),
            carer: CARERS[g.next(5) as usize],
            plan_cost: (g.next(5) != 0)
                .then(|| format!("{}.{:02}", 20 + g.next(1480), g.next(100))),
        })
        .collect()
}

/// SCENARIO.md steps 1-7, written from the text.
fn expected(r: &Row) -> (Decimal, Decimal, Decimal, bool, Option<&'static str>) {
    let mut points = Decimal::ZERO;
    let mut daily = Decimal::ZERO;
    for (q, code) in r.codes.iter().enumerate() {
        let p = Decimal::from(POINTS[q][code.parse::<usize>().unwrap() - 1]) * d(WEIGHT[q].0);
        points += p;
        if WEIGHT[q].1 {
            daily += p;
        }
    }
    let rate = match r.carer {
        "some_willing" => d("0.15"),
        "most_willing" => d("0.30"),
        _ => Decimal::ZERO,
    };
    let net = points - rate * daily;
    let price = if r.cohort == "older_people" {
        d("4.88")
    } else {
        d("5.20")
    };
    let round = |x: Decimal| x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let gross = round(net * price);
    let c_rate = if gross < d("100") {
        d("0.26")
    } else if gross < d("300") {
        d("0.15")
    } else if gross < d("600") {
        d("0.10")
    } else {
        d("0.05")
    };
    let indicative = gross - round(gross * c_rate);
    let threshold = if r.cohort == "older_people" {
        d("650")
    } else {
        d("1100")
    };
    let route = r.plan_cost.as_ref().map(|p| {
        let p = d(p);
        if indicative >= d("1000") || p >= d("1000") {
            "panel"
        } else if (p - indicative).abs() <= d("0.10") * indicative {
            "care_manager"
        } else {
            "team_manager"
        }
    });
    (net, gross, indicative, indicative > threshold, route)
}

fn shire_plan() -> Plan {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/shire-2025.ras");
    let source = std::fs::read_to_string(path).expect("rules/shire-2025.ras is shipped");
    let checked = check_source(&source, &CheckOptions::new(ras::date::Date::today()));
    let model = checked
        .model
        .unwrap_or_else(|| panic!("rules/shire-2025.ras has errors: {:?}", checked.diagnostics));
    compile(model, &source).unwrap()
}

/// Decodes a row field by field into a reused input, as a CSV reader would.
fn decode(ev: &Evaluator, qs: &[u32], carer: u32, r: &Row, input: &mut CaseInput) {
    input.reset(ev);
    input.cohort = ev.decode_cohort(r.cohort).unwrap();
    for (q, code) in qs.iter().zip(&r.codes) {
        input.answers[*q as usize] = ev.decode_answer(*q, code).unwrap();
    }
    input.answers[carer as usize] = ev.decode_answer(carer, r.carer).unwrap();
    input.plan_cost = r.plan_cost.as_deref().map(d);
}

fn question_ids(ev: &Evaluator) -> (Vec<u32>, u32) {
    let qs = (1..=24)
        .map(|i| ev.question_index(&format!("q{i:02}")).unwrap())
        .collect();
    (qs, ev.question_index("carer").unwrap())
}

#[test]
fn shire_agrees_with_the_scenario_text() {
    let plan = shire_plan();
    let ev = Evaluator::new(&plan);
    let m = plan.model();
    let step = |name: &str| m.step_named(name).unwrap();
    let (net_s, gross_s, ind_s) = (step("net_points"), step("gross"), step("indicative"));
    let flag = m.flag_named("reasonable_offer_review").unwrap();
    let route_ids: Vec<&str> = m
        .route
        .as_ref()
        .unwrap()
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    let (qs, carer) = question_ids(&ev);
    let mut input = CaseInput::new(&ev);
    let mut scratch = Scratch::new(&ev);
    for (i, row) in generate(3000).iter().enumerate() {
        decode(&ev, &qs, carer, row, &mut input);
        assert_eq!(ev.run(&input, &mut scratch), Ok(Verdict::Figures));
        let (net, gross, indicative, review, route) = expected(row);
        assert_eq!(scratch.step(net_s), Some(net), "case {i}");
        assert_eq!(scratch.step(gross_s), Some(gross), "case {i}");
        assert_eq!(scratch.step(ind_s), Some(indicative), "case {i}");
        assert_eq!(scratch.flag(flag), Some(review), "case {i}");
        assert_eq!(
            scratch.route().map(|r| route_ids[r as usize]),
            route,
            "case {i}"
        );
        if i % 100 == 0 {
            // The full path gives the same figures.
            let mut case = ras::case::Case {
                cohort: Some(row.cohort.into()),
                plan_cost: row.plan_cost.as_deref().map(d),
                ..Default::default()
            };
            for (q, code) in row.codes.iter().enumerate() {
                case.answers.insert(format!("q{:02}", q + 1), code.clone());
            }
            case.answers.insert("carer".into(), row.carer.into());
            let full = ev.evaluate(&case, &EvalOptions::default());
            assert_eq!(full.status, Status::Ok);
            assert_eq!(full.step("indicative"), Some(indicative));
            assert_eq!(full.route.as_deref(), route);
        }
    }
}
