//! Evaluation semantics and case errors on small hand-built models.

mod eval_support;

use eval_support::*;
use ras::case::Case;
use ras::eval::{
    error_codes as codes, evaluate, format_value, CaseInput, EvalOptions, EvalResult, Evaluator,
    Scratch, Status, TraceEntry, Verdict,
};
use ras::model::{ArithOp, CompareOp, Expr, ParameterKey, ReasonPart, Subject};
use ras::syntax::ast::{CheckAction, RoundMode, RoundTo, ValueKind};
use ras::units::Unit;

fn run(b: &B, c: &Case) -> EvalResult {
    evaluate(&b.plan(), c, &EvalOptions::default())
}

fn err(r: &EvalResult) -> (&'static str, String, Option<String>) {
    assert_eq!(
        r.status,
        Status::Error,
        "expected an error, got {:?}",
        r.status
    );
    let e = r.error.clone().unwrap();
    (e.code, e.message, e.question)
}

fn value(r: &EvalResult, step: &str) -> String {
    assert_eq!(r.status, Status::Ok, "{:?}", r.error);
    format_value(r.step(step).unwrap(), r.steps.get(step).unwrap().unit)
}

/// q1 (points 0/5/10), telecare yes/no, hours 0..168, area attribute, and an
/// output `indicative` = q1 points * £2/pt.
fn basic() -> B {
    let mut b = B::new();
    b.cohort("mental_health", Some("further testing is required"));
    b.attribute("area", &["north", "south"]);
    let q1 = b.scored("q1", None, &["0", "5", "10"]);
    b.yes_no("telecare", None);
    b.number_q("hours", Unit::Hours, "0", "168", None);
    let a = b.answer(q1, 0);
    let two = b.num("2");
    let x = b.arith(ArithOp::Mul, a, two);
    b.output("indicative", x, Unit::Money, "q1 * £2/pt");
    b
}

#[test]
fn cohort_errors_list_the_cohorts() {
    let b = basic();
    let (code, msg, q) = err(&run(&b, &case("young_people", &[("q1", "2")])));
    assert_eq!(code, codes::UNKNOWN_COHORT);
    assert!(
        msg.contains("`young_people`") && msg.contains("older_people, working_age, mental_health"),
        "{msg}"
    );
    assert_eq!(q.as_deref(), Some("cohort"));
    let mut c = case("x", &[("q1", "2")]);
    c.cohort = None;
    assert_eq!(err(&run(&b, &c)).0, codes::MISSING_COHORT);
}

#[test]
fn answer_errors_name_the_question_and_list_codes_or_range() {
    let b = basic();
    let (code, msg, q) = err(&run(&b, &case("older_people", &[("q1", "7")])));
    assert_eq!((code, q.as_deref()), (codes::UNKNOWN_CODE, Some("q1")));
    assert!(msg.contains("`7`") && msg.contains("1, 2, 3"), "{msg}");
    let (code, msg, _) = err(&run(
        &b,
        &case("older_people", &[("q1", "1"), ("telecare", "maybe")]),
    ));
    assert_eq!(code, codes::UNKNOWN_CODE);
    assert!(msg.contains("`yes` or `no`"), "{msg}");
    let (code, msg, _) = err(&run(
        &b,
        &case("older_people", &[("q1", "1"), ("hours", "lots")]),
    ));
    assert_eq!(code, codes::NOT_A_NUMBER);
    assert!(msg.contains("0 to 168"), "{msg}");
    let (code, msg, q) = err(&run(
        &b,
        &case("older_people", &[("q1", "1"), ("hours", "168.5")]),
    ));
    assert_eq!((code, q.as_deref()), (codes::OUT_OF_RANGE, Some("hours")));
    assert!(msg.contains("0 to 168"), "{msg}");
    assert_eq!(
        run(&b, &case("older_people", &[("q1", "1"), ("hours", "168")])).status,
        Status::Ok
    );
    let (code, _, q) = err(&run(
        &b,
        &case("older_people", &[("q1", "1"), ("q99", "1")]),
    ));
    assert_eq!((code, q.as_deref()), (codes::UNKNOWN_QUESTION, Some("q99")));
}

#[test]
fn attribute_errors() {
    let b = basic();
    let mut c = case("older_people", &[("q1", "1")]);
    c.attributes.insert("region".into(), "north".into());
    assert_eq!(err(&run(&b, &c)).0, codes::UNKNOWN_ATTRIBUTE);
    let mut c = case("older_people", &[("q1", "1")]);
    c.attributes.insert("area".into(), "east".into());
    let (code, msg, q) = err(&run(&b, &c));
    assert_eq!(
        (code, q.as_deref()),
        (codes::UNKNOWN_ATTRIBUTE_VALUE, Some("area"))
    );
    assert!(msg.contains("north, south"), "{msg}");
}

#[test]
fn missing_answers_are_errors_only_when_read() {
    let b = basic();
    // telecare and hours are never read: no error.
    assert_eq!(
        value(
            &run(&b, &case("older_people", &[("q1", "3")])),
            "indicative"
        ),
        "20.00"
    );
    let (code, msg, q) = err(&run(&b, &case("older_people", &[])));
    assert_eq!((code, q.as_deref()), (codes::MISSING_ANSWER, Some("q1")));
    assert!(
        msg.contains("indicative") && msg.contains("1, 2, 3"),
        "{msg}"
    );
    // An empty answer is no answer.
    assert_eq!(
        err(&run(&b, &case("older_people", &[("q1", " ")]))).0,
        codes::MISSING_ANSWER
    );
}

#[test]
fn defaults_are_used_and_shown_as_defaults() {
    let mut b = B::new();
    let q = b.choice(
        "carer",
        &[Unit::Points],
        &[("none", &["0"]), ("some", &["4"])],
        Some(1),
    );
    let yn = b.yes_no("alone", Some(true));
    let a = b.answer(q, 0);
    let is_yes = b.code_in(Subject::Question(yn), &[1]);
    let ten = b.num("10");
    let zero = b.num("0");
    let bonus = b.e(Expr::Choose {
        choices: vec![(is_yes, ten)],
        otherwise: zero,
    });
    let x = b.arith(ArithOp::Add, a, bonus);
    b.output("indicative", x, Unit::Points, "carer + …");
    let r = run(&b, &case("older_people", &[]));
    assert_eq!(value(&r, "indicative"), "14");
    let defaulted: Vec<bool> = r
        .trace
        .iter()
        .filter_map(|e| match e {
            TraceEntry::Answer { defaulted, .. } => Some(*defaulted),
            _ => None,
        })
        .collect();
    assert_eq!(defaulted, vec![true, true]);
    let r = run(
        &b,
        &case("older_people", &[("carer", "none"), ("alone", "no")]),
    );
    assert_eq!(value(&r, "indicative"), "0");
}

#[test]
fn parameters_by_cohort_and_attribute() {
    let mut b = B::new();
    b.attribute("area", &["north", "south"]);
    let rate = b.param(
        "rate",
        Unit::MoneyPerHour,
        ParameterKey::Attribute(0),
        &[(None, &["20", "21.50"])],
    );
    let uplift = b.param(
        "uplift",
        Unit::Money,
        ParameterKey::Cohort,
        &[(None, &["1", "2"])],
    );
    let h = b.number_q("hours", Unit::Hours, "0", "168", None);
    let (a, r, u) = (b.answer(h, 0), b.param_ref(rate), b.param_ref(uplift));
    let m = b.arith(ArithOp::Mul, a, r);
    let x = b.arith(ArithOp::Add, m, u);
    b.output("indicative", x, Unit::Money, "hours * rate + uplift");
    let mut c = case("working_age", &[("hours", "2")]);
    c.attributes.insert("area".into(), "south".into());
    let res = run(&b, &c);
    assert_eq!(value(&res, "indicative"), "45.00");
    assert_eq!(res.parameters_used.len(), 2);
    assert_eq!(res.parameters_used[0].from, None);
    c.attributes.clear();
    let (code, msg, q) = err(&run(&b, &c));
    assert_eq!(
        (code, q.as_deref()),
        (codes::MISSING_ATTRIBUTE, Some("area"))
    );
    assert!(msg.contains("north, south"), "{msg}");
}

#[test]
fn overflow_and_division_by_zero_name_the_step() {
    let mut b = B::new();
    let big = b.num("79228162514264337593543950335");
    let two = b.num("2");
    let x = b.arith(ArithOp::Mul, big, two);
    b.let_("huge", x, Unit::Money, "big * 2");
    let one = b.num("1");
    let zero = b.num("0");
    let y = b.arith(ArithOp::Div, one, zero);
    b.output("indicative", y, Unit::Money, "1 / 0");
    let (code, msg, _) = err(&run(&b, &case("older_people", &[])));
    assert_eq!(code, codes::OVERFLOW);
    assert!(msg.contains("`huge`"), "{msg}");
    b.m.steps.remove(0);
    b.m.indicative = 0;
    let (code, msg, _) = err(&run(&b, &case("older_people", &[])));
    assert_eq!(code, codes::DIVISION_BY_ZERO);
    assert!(msg.contains("`indicative`"), "{msg}");
}

#[test]
fn a_money_output_below_zero_names_the_step_that_took_it_there() {
    let mut b = B::new();
    let one = b.num("1");
    let two = b.num("2");
    let x = b.arith(ArithOp::Sub, one, two);
    b.let_("net", x, Unit::Money, "1 - 2");
    let net = b.step_ref(0);
    let half = b.num("0.5");
    let y = b.arith(ArithOp::Add, net, half);
    b.output("indicative", y, Unit::Money, "net + 0.5");
    let (code, msg, q) = err(&run(&b, &case("older_people", &[])));
    assert_eq!((code, q), (codes::NEGATIVE_OUTPUT, None));
    assert!(msg.contains("`indicative`"), "{msg}");
    assert!(msg.contains("is -£0.50"), "{msg}");
    assert!(
        msg.contains("`1 - 2` went below zero first at step `net`"),
        "{msg}"
    );
}

fn one_step(build: impl FnOnce(&mut B) -> u32, unit: Unit) -> B {
    let mut b = B::new();
    let e = build(&mut b);
    b.output("indicative", e, unit, "formula");
    b
}

#[test]
fn step_bands_include_the_lower_bound_and_exclude_the_upper() {
    let b = one_step(
        |b| {
            let band = b.band_steps(
                "rate",
                Unit::Money,
                Unit::Percent,
                &[(Some("0"), Some("100"), "26"), (Some("100"), None, "15")],
            );
            let q = b.number_q("gross", Unit::Money, "-1000", "100000", None);
            let a = b.answer(q, 0);
            b.band_ref(band, a)
        },
        Unit::Percent,
    );
    let at = |x: &str| run(&b, &case("older_people", &[("gross", x)]));
    assert_eq!(value(&at("0"), "indicative"), "26");
    assert_eq!(value(&at("99.99"), "indicative"), "26");
    assert_eq!(value(&at("100"), "indicative"), "15");
    assert_eq!(value(&at("100.00"), "indicative"), "15");
    assert_eq!(value(&at("99999"), "indicative"), "15");
    let (code, msg, _) = err(&at("-0.01"));
    assert_eq!(code, codes::OUTSIDE_BANDS);
    assert!(msg.contains("rate") && msg.contains("-0.01"), "{msg}");
    // The value looked up prints as money prints.
    let (_, msg, _) = err(&at("-5"));
    assert!(msg.starts_with("-5.00 falls in no row"), "{msg}");
}

#[test]
fn straight_lines_refuse_below_first_point_and_beyond_without_rate() {
    let b = one_step(
        |b| {
            let band = b.band_line(
                "curve",
                Unit::Points,
                Unit::Money,
                &[("10", "40"), ("20", "95")],
                None,
            );
            let q = b.number_q("p", Unit::Points, "0", "100", None);
            let a = b.answer(q, 0);
            b.band_ref(band, a)
        },
        Unit::Money,
    );
    let at = |x: &str| run(&b, &case("older_people", &[("p", x)]));
    assert_eq!(value(&at("15"), "indicative"), "67.50");
    assert_eq!(value(&at("20"), "indicative"), "95.00");
    assert_eq!(err(&at("9.99")).0, codes::OUTSIDE_BANDS);
    let (code, msg, _) = err(&at("20.01"));
    assert_eq!(code, codes::OUTSIDE_BANDS);
    assert!(msg.contains("no rate above"), "{msg}");
}

#[test]
fn rounding_modes() {
    let cases = [
        (RoundTo::Penny, RoundMode::HalfUp, "2.345", "2.35"),
        (RoundTo::Penny, RoundMode::HalfUp, "-2.345", "-2.35"),
        (RoundTo::Penny, RoundMode::HalfEven, "2.345", "2.34"),
        (RoundTo::Penny, RoundMode::HalfEven, "2.355", "2.36"),
        (RoundTo::Penny, RoundMode::Up, "2.341", "2.35"),
        (RoundTo::Penny, RoundMode::Up, "-2.341", "-2.35"),
        (RoundTo::Penny, RoundMode::Down, "2.349", "2.34"),
        (RoundTo::Penny, RoundMode::Down, "-2.349", "-2.34"),
        (RoundTo::Pound, RoundMode::HalfUp, "2.5", "3.00"),
        (RoundTo::Pound, RoundMode::HalfEven, "2.5", "2.00"),
        (RoundTo::Pound, RoundMode::HalfEven, "3.5", "4.00"),
        (RoundTo::Pound, RoundMode::Up, "2.01", "3.00"),
        (RoundTo::Pound, RoundMode::Down, "2.99", "2.00"),
        (RoundTo::Penny, RoundMode::HalfUp, "176.656", "176.66"),
    ];
    for (to, mode, input, want) in cases {
        // Rounded in a `let`: a money output below zero is an error of its own.
        let mut b = B::new();
        let n = b.num(input);
        let rounded = b.round(n, to, mode);
        b.let_("rounded", rounded, Unit::Money, "round(...)");
        let zero = b.num("0");
        b.output("indicative", zero, Unit::Money, "£0");
        assert_eq!(
            value(&run(&b, &case("older_people", &[])), "rounded"),
            want,
            "{to:?} {mode:?} {input}"
        );
    }
}

#[test]
fn percent_of_is_exact() {
    let b = one_step(
        |b| {
            let (p, x) = (b.num("12.5"), b.num("35"));
            b.e(Expr::PercentOf {
                percent: p,
                value: x,
            })
        },
        Unit::Points,
    );
    assert_eq!(
        value(&run(&b, &case("older_people", &[])), "indicative"),
        "4.375"
    );
}

#[test]
fn not_validated_cohort_gives_no_figures() {
    let b = basic();
    let r = run(&b, &case("mental_health", &[("q1", "2")]));
    assert_eq!(r.status, Status::NotValidated);
    assert_eq!(
        r.not_validated.as_deref(),
        Some("further testing is required")
    );
    assert_eq!(r.eligible, None);
    assert!(r.outputs.is_empty() && r.steps.is_empty() && r.flags.is_empty());
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["status"], "not_validated");
    assert_eq!(json["eligible"], serde_json::Value::Null);
}

/// outcomes = count(q1 >= 2, q2 >= 2); require outcomes >= 2 else "{outcomes} outcome…";
/// require impact is yes else "no significant impact"; indicative = outcomes * £10.
fn eligibility_model() -> B {
    let mut b = B::new();
    let q1 = b.scored("q1", None, &["0", "1", "1"]);
    let q2 = b.scored("q2", None, &["0", "1", "1"]);
    let impact = b.yes_no("impact", None);
    let c1 = b.code_in(Subject::Question(q1), &[1, 2]);
    let c2 = b.code_in(Subject::Question(q2), &[1, 2]);
    let count = b.e(Expr::Count {
        conditions: vec![c1, c2],
    });
    let outcomes = b.let_("outcomes", count, Unit::Number, "count(…)");
    let (o, two) = (b.step_ref(outcomes), b.num("2"));
    let enough = b.cmp(CompareOp::Ge, o, two);
    b.require(
        enough,
        vec![
            ReasonPart::Step(outcomes),
            ReasonPart::Text(" outcome(s), two or more needed".into()),
        ],
    );
    let yes = b.code_in(Subject::Question(impact), &[1]);
    b.require(
        yes,
        vec![ReasonPart::Text(
            "no significant impact on wellbeing".into(),
        )],
    );
    let (o2, ten) = (b.step_ref(outcomes), b.num("10"));
    let money = b.arith(ArithOp::Mul, o2, ten);
    b.output("indicative", money, Unit::Money, "outcomes * £10");
    b
}

#[test]
fn eligibility_gives_every_failing_reason_and_no_figures() {
    let b = eligibility_model();
    let plan = b.plan();
    assert_eq!(plan.eligibility_steps(), 1);
    assert_eq!(plan.order()[0], 0);
    let r = run(
        &b,
        &case(
            "older_people",
            &[("q1", "2"), ("q2", "1"), ("impact", "no")],
        ),
    );
    assert_eq!(r.status, Status::NotEligible);
    assert_eq!(r.eligible, Some(false));
    assert_eq!(
        r.reasons,
        vec![
            "1 outcome(s), two or more needed",
            "no significant impact on wellbeing"
        ]
    );
    assert!(r.outputs.is_empty());
    assert_eq!(r.step("outcomes").map(|v| v.to_string()), Some("1".into()));
    assert_eq!(r.step("indicative"), None);
    let held: Vec<bool> = r
        .trace
        .iter()
        .filter_map(|e| match e {
            TraceEntry::Requirement { held, .. } => Some(*held),
            _ => None,
        })
        .collect();
    assert_eq!(held, vec![false, false]);
    let r = run(
        &b,
        &case(
            "older_people",
            &[("q1", "2"), ("q2", "3"), ("impact", "yes")],
        ),
    );
    assert_eq!(r.eligible, Some(true));
    assert_eq!(value(&r, "indicative"), "20.00");
}

#[test]
fn answer_checks_stop_or_warn() {
    let mut b = basic();
    let yes = b.code_in(Subject::Question(1), &[1]);
    b.check("telecare_needs_q1", CheckAction::Warn, yes);
    let q1_top = b.code_in(Subject::Question(0), &[2]);
    b.check("q1_top", CheckAction::Stop, q1_top);
    let r = run(
        &b,
        &case("older_people", &[("q1", "2"), ("telecare", "yes")]),
    );
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.warnings, vec!["Message of telecare_needs_q1"]);
    let (code, msg, q) = err(&run(
        &b,
        &case("older_people", &[("q1", "3"), ("telecare", "no")]),
    ));
    assert_eq!(
        (code, msg.as_str(), q.as_deref()),
        (codes::ANSWER_CHECK, "Message of q1_top", None)
    );
}

#[test]
fn deduction_that_does_not_apply_is_zero_and_unevaluated() {
    let mut b = B::new();
    let yn = b.yes_no("telecare", None);
    let unanswered = b.number_q("never", Unit::Money, "0", "100", None);
    let when = b.code_in(Subject::Question(yn), &[1]);
    let amount = b.answer(unanswered, 0);
    let ded = b.deduction("telecare", amount, Some(when), Unit::Money, "never");
    let (base, d_ref) = (b.num("100"), b.step_ref(ded));
    let x = b.arith(ArithOp::Sub, base, d_ref);
    b.output("indicative", x, Unit::Money, "£100 - telecare");
    let r = run(&b, &case("older_people", &[("telecare", "no")]));
    assert_eq!(value(&r, "telecare"), "0.00");
    assert_eq!(value(&r, "indicative"), "100.00");
    assert!(r.trace.iter().any(
        |e| matches!(e, TraceEntry::Step { name, applied: Some(false), .. } if name == "telecare")
    ));
    let r = run(
        &b,
        &case("older_people", &[("telecare", "yes"), ("never", "14")]),
    );
    assert_eq!(value(&r, "indicative"), "86.00");
}

#[test]
fn route_needs_a_plan_cost_and_takes_the_first_rule_that_holds() {
    let mut b = basic();
    let (pc, thousand) = (b.e(Expr::PlanCost), b.num("1000"));
    let panel = b.cmp(CompareOp::Ge, pc, thousand);
    let (ind, pc2) = (b.step_ref(0), b.e(Expr::PlanCost));
    let diff = b.arith(ArithOp::Sub, pc2, ind);
    let abs = b.e(Expr::Abs { value: diff });
    let (ten, ind2) = (b.num("10"), b.step_ref(0));
    let tol = b.e(Expr::PercentOf {
        percent: ten,
        value: ind2,
    });
    let within = b.cmp(CompareOp::Le, abs, tol);
    b.route(&[
        ("panel", Some(panel)),
        ("care_manager", Some(within)),
        ("team_manager", None),
    ]);
    let with_cost = |cost: Option<&str>| {
        let mut c = case("older_people", &[("q1", "3")]);
        c.plan_cost = cost.map(d);
        run(&b, &c)
    };
    assert_eq!(with_cost(None).route, None);
    assert_eq!(with_cost(Some("1200")).route.as_deref(), Some("panel"));
    assert_eq!(
        with_cost(Some("22.00")).route.as_deref(),
        Some("care_manager")
    );
    assert_eq!(
        with_cost(Some("22.01")).route.as_deref(),
        Some("team_manager")
    );
    let text = ras::eval::render_human(&with_cost(Some("1200")));
    assert!(text.contains("Route:    panel: Route panel"), "{text}");
}

#[test]
fn plan_cost_read_by_a_step_must_be_given() {
    let b = one_step(|b| b.e(Expr::PlanCost), Unit::Money);
    let (code, _, q) = err(&run(&b, &case("older_people", &[])));
    assert_eq!(
        (code, q.as_deref()),
        (codes::MISSING_PLAN_COST, Some("plan_cost"))
    );
}

#[test]
fn flags_read_in_expressions_and_decided_after_steps() {
    let mut b = basic();
    let top = b.code_in(Subject::Question(0), &[2]);
    let f = b.flag("top", top);
    let fr = b.e(Expr::Flag { flag: f });
    let (one, zero) = (b.num("1"), b.num("0"));
    let x = b.e(Expr::Choose {
        choices: vec![(fr, one)],
        otherwise: zero,
    });
    b.let_("top_count", x, Unit::Number, "choose { 1 when top … }");
    let r = run(&b, &case("older_people", &[("q1", "3")]));
    assert_eq!(value(&r, "top_count"), "1");
    assert_eq!(r.flags.get("top"), Some(&true));
    let r = run(&b, &case("older_people", &[("q1", "1")]));
    assert_eq!(r.flags.get("top"), Some(&false));
}

#[test]
fn fast_path_matches_full_path_and_reuses_storage() {
    let b = basic();
    let plan = b.plan();
    let ev = Evaluator::new(&plan);
    let mut input = CaseInput::new(&ev);
    let mut scratch = Scratch::new(&ev);
    for code in ["1", "2", "3"] {
        let c = case("older_people", &[("q1", code)]);
        ev.decode_into(&c, None, &mut input).unwrap();
        assert_eq!(ev.run(&input, &mut scratch).unwrap(), Verdict::Figures);
        let full = ev.evaluate(&c, &EvalOptions::default());
        assert_eq!(scratch.step(0), full.step("indicative"));
    }
    // A failing case leaves no stale figures behind.
    ev.decode_into(&case("older_people", &[]), None, &mut input)
        .unwrap();
    assert_eq!(
        ev.run(&input, &mut scratch).unwrap_err().code,
        codes::MISSING_ANSWER
    );
    assert_eq!(scratch.step(0), None);
    // Field-by-field decoding, as a CSV reader does it.
    input.reset(&ev);
    input.cohort = ev.decode_cohort("working_age").unwrap();
    let q = ev.question_index("q1").unwrap();
    input.answers[q as usize] = ev.decode_answer(q, "3").unwrap();
    ev.run(&input, &mut scratch).unwrap();
    assert_eq!(scratch.step(0).map(|v| v.to_string()), Some("20".into()));
    // A hand-built input that does not fit the plan is an error, not a panic.
    input.answers[q as usize].value = ras::eval::AnswerValue::Choice(99);
    assert_eq!(
        ev.run(&input, &mut scratch).unwrap_err().code,
        codes::BAD_INPUT
    );
    input.cohort = 99;
    assert_eq!(
        ev.run(&input, &mut scratch).unwrap_err().code,
        codes::BAD_INPUT
    );
}

#[test]
fn weighted_totals_of_points_and_numbers() {
    let mut b = B::new();
    let q1 = b.scored("q1", None, &["0", "3", "7"]);
    let q2 = b.scored("q2", None, &["0", "2.5"]);
    let h = b.number_q("h", Unit::Points, "0", "10", None);
    let t = b.total(ValueKind::Points, &[(q1, "1.5"), (q2, "1.25")]);
    b.let_("fast", t, Unit::Points, "total weighted points");
    let t = b.total(ValueKind::Points, &[(q1, "1.5"), (h, "2")]);
    b.output("indicative", t, Unit::Points, "total with a number");
    let r = run(
        &b,
        &case("older_people", &[("q1", "3"), ("q2", "2"), ("h", "0.5")]),
    );
    assert_eq!(value(&r, "fast"), "13.625");
    assert_eq!(value(&r, "indicative"), "11.5");
}

#[test]
fn deep_expressions_evaluate_without_exhausting_the_stack() {
    let mut b = B::new();
    let mut e = b.num("1");
    for _ in 0..(ras::plan::MAX_EXPR_DEPTH - 1) {
        let one = b.num("1");
        e = b.arith(ArithOp::Add, e, one);
    }
    b.output("indicative", e, Unit::Number, "1 + 1 + …");
    let r = run(&b, &case("older_people", &[]));
    assert_eq!(
        value(&r, "indicative"),
        ras::plan::MAX_EXPR_DEPTH.to_string()
    );
    let one = b.num("1");
    let deeper = b.arith(ArithOp::Add, e, one);
    b.m.steps[0].expr = deeper;
    let err = b.compiled().unwrap_err();
    assert!(err.to_string().contains("nested more than"), "{err}");
}

#[test]
fn values_format_exactly() {
    let cases = [
        ("141.33", Unit::Money, "141.33"),
        ("7349.16", Unit::Money, "7349.16"),
        ("176.6560", Unit::Money, "176.656"),
        ("7349.160", Unit::Money, "7349.16"),
        ("14", Unit::Money, "14.00"),
        ("14.5", Unit::Money, "14.50"),
        ("-0.00", Unit::Money, "0.00"),
        ("36.20", Unit::Points, "36.2"),
        ("38.0", Unit::Points, "38"),
        ("20", Unit::Percent, "20"),
        ("-0", Unit::Number, "0"),
        ("1000", Unit::Hours, "1000"),
    ];
    for (input, unit, want) in cases {
        assert_eq!(format_value(d(input), unit), want, "{input} {unit:?}");
    }
    assert_eq!(
        ras::eval::format_quantity(d("7349.16"), Unit::Money),
        "£7,349.16"
    );
    assert_eq!(
        ras::eval::format_quantity(d("-1234567.5"), Unit::Money),
        "-£1,234,567.50"
    );
    assert_eq!(
        ras::eval::format_quantity(d("4.88"), Unit::MoneyPerPoint),
        "£4.88/pt"
    );
    assert_eq!(ras::eval::format_quantity(d("38"), Unit::Points), "38 pts");
    assert_eq!(ras::eval::format_quantity(d("10"), Unit::Percent), "10%");
}
