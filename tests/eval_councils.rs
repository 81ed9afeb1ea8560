//! The worked examples of the council rule files on hand-built models (no checker needed):
//! Leicestershire 2009 (L-A..L-D) and Lancashire v1 straight-line bands (LA-A).

mod eval_support;

use eval_support::*;
use ras::eval::{error_codes, evaluate, EvalOptions, EvalResult, Status, TraceEntry};
use ras::syntax::ast::{RoundMode, RoundTo};
use ras::units::Unit;

fn answers(codes: [&str; 11], informal: &str, sustainable: &str) -> Vec<(String, String)> {
    let ids = [
        "personal_care",
        "eating",
        "daily_tasks",
        "relationships",
        "community",
        "decisions",
        "safety",
        "complex_needs",
        "nights",
        "caring_for_others",
        "health",
    ];
    let mut v: Vec<(String, String)> = ids
        .iter()
        .zip(codes)
        .map(|(q, c)| (q.to_string(), c.to_string()))
        .collect();
    v.push(("informal_support".into(), informal.into()));
    v.push(("carer_sustainable".into(), sustainable.into()));
    v
}

fn eval_l(cohort: &str, assessed: &str, answers: Vec<(String, String)>) -> EvalResult {
    let plan = leicestershire().plan();
    let mut c = case(cohort, &[]);
    c.assessed = Some(date(assessed));
    c.answers = answers.into_iter().collect();
    evaluate(&plan, &c, &EvalOptions::default())
}

fn show(r: &EvalResult, name: &str) -> String {
    serde_json::to_value(r).unwrap()["steps"][name]
        .as_str()
        .unwrap_or("-")
        .to_string()
}

#[test]
fn leicestershire_l_a() {
    let r = eval_l(
        "older_people",
        "2010-02-01",
        answers(
            ["3", "2", "3", "1", "2", "2", "3", "1", "2", "1", "1"],
            "some",
            "yes",
        ),
    );
    assert_eq!(r.status, Status::Ok, "{:?}", r.error);
    assert_eq!(show(&r, "points"), "38");
    assert_eq!(show(&r, "deduction"), "1.8");
    assert_eq!(show(&r, "net_points"), "36.2");
    assert_eq!(show(&r, "gross"), "176.66");
    assert_eq!(show(&r, "contingency"), "35.33");
    assert_eq!(show(&r, "indicative"), "141.33");
    assert_eq!(show(&r, "annual"), "7349.16");
    assert_eq!(r.flags.get("chc_screening"), Some(&false));
    assert_eq!(r.parameters_used.len(), 1);
    assert_eq!(r.parameters_used[0].from, Some(date("2010-01-01")));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["outputs"]["indicative"], "141.33");
    assert_eq!(json["parameters_used"][0]["value"], "4.88");
}

#[test]
fn leicestershire_l_b() {
    let r = eval_l(
        "learning_disability",
        "2009-06-15",
        answers(
            ["4", "3", "4", "3", "4", "4", "4", "3", "3", "1", "3"],
            "a_lot",
            "at_risk",
        ),
    );
    assert_eq!(r.status, Status::Ok, "{:?}", r.error);
    assert_eq!(show(&r, "points"), "105");
    assert_eq!(show(&r, "deduction"), "4.375");
    assert_eq!(show(&r, "net_points"), "100.625");
    assert_eq!(show(&r, "gross"), "603.75");
    assert_eq!(show(&r, "contingency"), "60.38");
    assert_eq!(show(&r, "indicative"), "543.37");
    assert_eq!(show(&r, "annual"), "28255.24");
    assert_eq!(r.flags.get("chc_screening"), Some(&true));
}

#[test]
fn leicestershire_l_c() {
    let r = eval_l(
        "older_people",
        "2010-03-01",
        answers(
            ["1", "1", "2", "1", "1", "1", "1", "1", "1", "1", "1"],
            "none",
            "no",
        ),
    );
    assert_eq!(show(&r, "points"), "2");
    assert_eq!(show(&r, "gross"), "9.76");
    assert_eq!(show(&r, "contingency"), "2.54");
    assert_eq!(show(&r, "indicative"), "7.22");
}

#[test]
fn leicestershire_l_d_no_price_in_force() {
    let r = eval_l(
        "older_people",
        "2008-01-15",
        answers(
            ["3", "2", "3", "1", "2", "2", "3", "1", "2", "1", "1"],
            "some",
            "yes",
        ),
    );
    assert_eq!(r.status, Status::Error);
    let e = r.error.unwrap();
    assert_eq!(e.code, error_codes::NO_VALUE_IN_FORCE);
    assert!(
        e.message
            .contains("no value of `price_per_point` in force before 2008-04-01"),
        "{}",
        e.message
    );
    assert!(e.message.contains("gross"), "{}", e.message);
    assert!(r.outputs.is_empty());
}

#[test]
fn as_of_overrides_assessment_date() {
    let plan = leicestershire().plan();
    let mut c = case("older_people", &[]);
    c.assessed = Some(date("2008-01-15"));
    c.answers = answers(
        ["3", "2", "3", "1", "2", "2", "3", "1", "2", "1", "1"],
        "some",
        "yes",
    )
    .into_iter()
    .collect();
    let r = evaluate(
        &plan,
        &c,
        &EvalOptions {
            as_of: Some(date("2009-06-15")),
        },
    );
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.parameters_used[0].value.value, d("6.00"));
    // Gross = round(36.2 * 6.00) = 217.20, contingency 15% = 32.58.
    assert_eq!(show(&r, "gross"), "217.20");
    c.assessed = None;
    let r = evaluate(&plan, &c, &EvalOptions::default());
    assert_eq!(r.error.unwrap().code, error_codes::MISSING_DATE);
}

#[test]
fn trace_records_answers_parameters_bands_and_steps_with_lines() {
    let r = eval_l(
        "older_people",
        "2010-02-01",
        answers(
            ["3", "2", "3", "1", "2", "2", "3", "1", "2", "1", "1"],
            "some",
            "yes",
        ),
    );
    assert!(
        matches!(&r.trace[0], TraceEntry::Cohort { cohort, validated: true, .. } if cohort == "older_people")
    );
    let answers: Vec<&TraceEntry> = r
        .trace
        .iter()
        .filter(|e| matches!(e, TraceEntry::Answer { .. }))
        .collect();
    assert_eq!(answers.len(), 13, "each answer recorded once");
    let band = r
        .trace
        .iter()
        .find(|e| matches!(e, TraceEntry::Band { .. }))
        .unwrap();
    let TraceEntry::Band {
        row: Some(row),
        result,
        ..
    } = band
    else {
        panic!()
    };
    assert_eq!(result.value.value, d("20"));
    assert_eq!(row.from.unwrap().value, d("100"));
    assert!(r.trace.iter().all(|e| e.line() > 0));
    let json = serde_json::to_string(&r.trace).unwrap();
    assert!(
        json.contains(r#""kind":"step","name":"gross","step":"let""#),
        "{json}"
    );
    assert!(json.contains(r#""value":"176.66","unit":"£""#), "{json}");
    let text = ras::eval::render_human(&r);
    assert!(text.contains("gross"), "{text}");
    assert!(text.contains("= £176.66  (line"), "{text}");
    assert!(text.contains("indicative = £141.33"), "{text}");
    assert!(text.contains("Flags:    none raised"), "{text}");
}

/// Lancashire v1: points on a straight line between breakpoints.
#[test]
fn lancashire_la_a_interpolates() {
    let mut b = B::new();
    let q = b.number_q("points_in", Unit::Points, "0", "500", None);
    let curve = b.band_line(
        "curve",
        Unit::Points,
        Unit::Money,
        &[
            ("0", "0"),
            ("10", "40"),
            ("20", "95"),
            ("40", "230"),
            ("60", "390"),
            ("80", "575"),
        ],
        Some("9.50"),
    );
    let a = b.answer(q, 0);
    let look = b.band_ref(curve, a);
    let r = b.round(look, RoundTo::Penny, RoundMode::HalfUp);
    b.output("indicative", r, Unit::Money, "round(curve(points))");
    let raw = b.band_ref(curve, a);
    b.let_("raw", raw, Unit::Money, "curve(points)");
    let plan = b.plan();
    let run = |x: &str| {
        evaluate(
            &plan,
            &case("older_people", &[("points_in", x)]),
            &EvalOptions::default(),
        )
    };
    let r = run("15.75");
    assert_eq!(show(&r, "raw"), "71.625");
    assert_eq!(show(&r, "indicative"), "71.63");
    let TraceEntry::Band { points, .. } = r
        .trace
        .iter()
        .find(|e| matches!(e, TraceEntry::Band { .. }))
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(points.len(), 2);
    // LA-B: 22 points -> 95 + 2 * 135/20 = 108.50
    assert_eq!(show(&run("22"), "raw"), "108.50");
    // Exactly at a point, at the first point, and beyond the last.
    assert_eq!(show(&run("20"), "raw"), "95.00");
    assert_eq!(show(&run("0"), "raw"), "0.00");
    assert_eq!(show(&run("90"), "raw"), "670.00");
    assert_eq!(show(&run("80"), "raw"), "575.00");
}
