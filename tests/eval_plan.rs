//! The compiled plan: fingerprint, order, exact JSON round trip, and
//! validation that turns every corrupted plan into an error (never a panic),
//! whether or not its content hash was recomputed to match.

mod eval_support;

use eval_support::*;
use proptest::prelude::*;
use ras::eval::{EvalOptions, Evaluator};
use ras::model::{Expr, ReasonPart, Subject};
use ras::plan::{compile, fingerprint, Plan, PlanError, SCHEMA_VERSION};
use ras::units::Unit;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Recomputes `content_hash` as the plan module documents it: SHA-256 of the
/// compact JSON of every other field, in the order written.
fn reseal(v: &mut Value) {
    let mut content = v.clone();
    content
        .as_object_mut()
        .unwrap()
        .shift_remove("content_hash");
    let digest = Sha256::digest(serde_json::to_string(&content).unwrap().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    v["content_hash"] = json!(hex);
}

#[test]
fn fingerprint_is_sha256_of_the_source() {
    assert_eq!(
        fingerprint("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let plan = compile(leicestershire().m, "abc").unwrap();
    assert_eq!(plan.fingerprint(), fingerprint("abc"));
    let v: Value = serde_json::from_str(&plan.to_json()).unwrap();
    assert_eq!(v["schema_version"], json!(SCHEMA_VERSION));
    assert_eq!(v["content_hash"], json!(plan.content_hash()));
}

#[test]
fn the_content_hash_is_the_documented_one() {
    let plan = leicestershire().plan();
    let mut v: Value = serde_json::from_str(&plan.to_json()).unwrap();
    let written = v["content_hash"].clone();
    reseal(&mut v);
    assert_eq!(v["content_hash"], written);
    // Layout is not content: compact or indented, the plan loads.
    assert!(Plan::from_json(&v.to_string()).is_ok());
}

#[test]
fn order_puts_what_eligibility_needs_first() {
    let mut b = B::new();
    let q = b.scored("q", None, &["0", "1"]);
    let a = b.answer(q, 0);
    let later = b.let_("later", a, Unit::Points, "q");
    let l = b.step_ref(later);
    let money = b.let_("money", l, Unit::Points, "later");
    let a2 = b.answer(q, 0);
    let base = b.let_("base", a2, Unit::Points, "q");
    let br = b.step_ref(base);
    let outcomes = b.let_("outcomes", br, Unit::Points, "base");
    let (o, one) = (b.step_ref(outcomes), b.num("1"));
    let cond = b.cmp(ras::model::CompareOp::Ge, o, one);
    b.require(cond, vec![ReasonPart::Text("needs".into())]);
    let m = b.step_ref(money);
    b.output("indicative", m, Unit::Points, "money");
    let plan = b.plan();
    assert_eq!(plan.eligibility_steps(), 2);
    assert_eq!(&plan.order()[..2], &[base, outcomes]);
    assert_eq!(plan.order().len(), 5);
}

#[test]
fn plan_json_round_trips_exactly() {
    let mut b = leicestershire();
    let mut c = case("older_people", &[("personal_care", "3")]);
    c.assessed = Some(date("2010-02-01"));
    c.plan_cost = Some(d("420.00"));
    b.test(
        "L-A",
        c,
        vec![(
            99,
            ras::model::Expectation::Value {
                step: 0,
                value: d("38"),
            },
        )],
    );
    let plan = b.plan();
    let text = plan.to_json();
    let back = Plan::from_json(&text).unwrap();
    assert_eq!(back, plan);
    assert_eq!(back.to_json(), text);
    // Decimals stay exact strings, scale included.
    assert!(text.contains("\"6.00\""), "{text}");
}

fn json_of(b: &B) -> Value {
    serde_json::from_str(&b.plan().to_json()).unwrap()
}

/// The edited plan is refused as changed; with its hash recomputed, it is
/// still refused, for the reason `want`.
fn reject(v: &Value, want: &str) {
    let err = Plan::from_json(&v.to_string()).unwrap_err();
    assert_eq!(err, PlanError::Modified, "{want}");
    let mut v = v.clone();
    reseal(&mut v);
    let err = Plan::from_json(&v.to_string()).unwrap_err();
    assert!(err.to_string().contains(want), "wanted `{want}` in: {err}");
}

#[test]
fn validation_rejects_corrupted_plans() {
    let base = json_of(&leicestershire());
    let mut v = base.clone();
    v["schema_version"] = json!(99);
    assert!(matches!(
        Plan::from_json(&v.to_string()),
        Err(PlanError::SchemaVersion { found: 99, .. })
    ));
    assert!(matches!(
        Plan::from_json("{\"schema_version\": 2"),
        Err(PlanError::Json { .. })
    ));
    assert!(matches!(Plan::from_json("[]"), Err(PlanError::Json { .. })));
    let mut v = base.clone();
    v["fingerprint"] = json!("xyz");
    reject(&v, "fingerprint is not 64 lowercase hex digits");
    let mut v = base.clone();
    v["fingerprint"] = json!("0".repeat(64));
    reject(&v, "64 zeros");
    let mut v = base.clone();
    v["fingerprint"] = json!(fingerprint("abc").to_uppercase());
    reject(&v, "fingerprint is not 64 lowercase hex digits");
    let mut v = base.clone();
    v["eligibility_steps"] = json!(99);
    reject(&v, "eligibility_steps is 99");
    let mut v = base.clone();
    v["model"]["steps"][0]["expr"] = json!(9999);
    reject(&v, "9999");
    let mut v = base.clone();
    v["order"][0] = v["order"][1].clone();
    reject(&v, "twice");
    let mut v = base.clone();
    v["order"].as_array_mut().unwrap().reverse();
    reject(&v, "before step");
    let mut v = base.clone();
    v["order"].as_array_mut().unwrap().pop();
    reject(&v, "lists");
    let mut v = base.clone();
    v["model"]["parameters"][0]["schedule"][1]["values"] = json!(["1", "2"]);
    reject(&v, "needs 1");
    let mut v = base.clone();
    v["model"]["parameters"][0]["schedule"][2]["from"] = json!("2001-01-01");
    reject(&v, "increasing");
    let mut v = base.clone();
    v["model"]["indicative"] = json!(4000000000u32);
    reject(&v, "indicative");
    let mut v = base.clone();
    v["model"]["bands"][0]["table"]["rows"] = json!([]);
    reject(&v, "no rows");
}

#[test]
fn validation_rejects_cycles_and_ill_typed_expressions() {
    // A step that reads itself.
    let mut b = B::new();
    let s = b.step_ref(0);
    b.output("indicative", s, Unit::Money, "indicative");
    let err = b.compiled().unwrap_err();
    assert!(err.to_string().contains("cycle"), "{err}");
    // An expression that contains itself.
    let mut b = B::new();
    b.e(Expr::Neg { value: 0 });
    b.output("indicative", 0, Unit::Money, "-…");
    assert!(b.compiled().unwrap_err().to_string().contains("itself"));
    // A flag whose condition reads the flag.
    let mut b = B::new();
    let f = b.e(Expr::Flag { flag: 0 });
    b.flag("loop", f);
    let n = b.num("1");
    b.output("indicative", n, Unit::Money, "1");
    assert!(b.compiled().unwrap_err().to_string().contains("itself"));
    // Arithmetic on a condition; a code that does not exist.
    let mut b = B::new();
    let (t, one) = (b.boolean(true), b.num("1"));
    let x = b.arith(ras::model::ArithOp::Add, t, one);
    b.output("indicative", x, Unit::Money, "true + 1");
    assert!(b.compiled().unwrap_err().to_string().contains("true/false"));
    let mut b = B::new();
    let q = b.yes_no("q", None);
    let c = b.code_in(Subject::Question(q), &[2]);
    b.flag("f", c);
    let n = b.num("1");
    b.output("indicative", n, Unit::Money, "1");
    assert!(b.compiled().unwrap_err().to_string().contains("code"));
    // Eligibility reads a step that is not in the first `eligibility_steps`.
    let b = eligibility_like();
    let mut v = json_of(&b);
    v["eligibility_steps"] = json!(0);
    reject(&v, "needed by eligibility");
}

#[test]
fn validation_rejects_steps_in_the_wrong_unit() {
    let mut b = B::new();
    let q = b.number_q("h", Unit::Hours, "0", "10", None);
    let a = b.answer(q, 0);
    b.output("indicative", a, Unit::Money, "h");
    let err = b.compiled().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the plan is inconsistent: step `indicative` is in money (£) but its calculation gives \
         hours (h); compile the rule file again rather than editing the plan"
    );
    let mut b = B::new();
    let h = b.number_q("h", Unit::Hours, "0", "10", None);
    let (a, c) = (b.answer(h, 0), b.e(Expr::PlanCost));
    let sum = b.arith(ras::model::ArithOp::Add, a, c);
    b.output("indicative", sum, Unit::Money, "h + plan_cost");
    let err = b.compiled().unwrap_err();
    assert!(
        err.to_string()
            .contains("the calculation of step `indicative` adds hours (h) and money (£)"),
        "{err}"
    );
}

fn eligibility_like() -> B {
    let mut b = B::new();
    let n = b.num("3");
    let s = b.let_("outcomes", n, Unit::Number, "3");
    let (r, two) = (b.step_ref(s), b.num("2"));
    let c = b.cmp(ras::model::CompareOp::Ge, r, two);
    b.require(c, vec![ReasonPart::Step(s)]);
    let r2 = b.step_ref(s);
    b.output("indicative", r2, Unit::Number, "outcomes");
    b
}

/// Every leaf of a JSON tree, by path.
fn leaves(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                path.push(json!(k));
                leaves(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            out.push(path.clone()); // the array itself: truncate it
            for (i, child) in items.iter().enumerate() {
                path.push(json!(i));
                leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    let mut cur = v;
    for p in path {
        cur = match p {
            Value::String(k) => cur.get_mut(k.as_str())?,
            Value::Number(n) => cur.get_mut(n.to_string().parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u32..40).prop_map(|n| json!(n)),
        Just(json!(u32::MAX)),
        Just(json!(-1)),
        Just(json!("0")),
        Just(json!("-5")),
        Just(json!("79228162514264337593543950335")),
        Just(json!("0.0000000000000000000000000001")),
        Just(json!("2009-04-01")),
        Just(json!(null)),
        Just(json!(true)),
        Just(json!([])),
        Just(json!("cohort")),
    ]
}

fn sample_cases() -> Vec<ras::case::Case> {
    let mut out = Vec::new();
    for (cohort, codes) in [
        ("older_people", "3"),
        ("learning_disability", "1"),
        ("working_age", "4"),
    ] {
        let mut c = case(cohort, &[]);
        for q in [
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
        ] {
            c.answers.insert(q.into(), codes.into());
        }
        c.answers.insert("informal_support".into(), "some".into());
        c.answers.insert("carer_sustainable".into(), "yes".into());
        c.assessed = Some(date("2010-02-01"));
        c.plan_cost = Some(d("300"));
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Mutating any part of a plan's JSON gives an error or a plan that
    /// evaluates cases (to figures or errors); nothing panics.
    #[test]
    fn mutated_plans_never_panic(
        picks in proptest::collection::vec((any::<prop::sample::Index>(), replacement(), any::<bool>()), 1..4)
    ) {
        let mut b = leicestershire();
        b.test("t", sample_cases()[0].clone(), vec![(1, ras::model::Expectation::NoFlags)]);
        let mut v: Value = serde_json::from_str(&b.plan().to_json()).unwrap();
        for (index, new, truncate) in picks {
            let mut paths = Vec::new();
            leaves(&v, &mut Vec::new(), &mut paths);
            let path = index.get(&paths).clone();
            if let Some(slot) = at_mut(&mut v, &path) {
                match (slot.as_array_mut(), truncate) {
                    (Some(items), true) => { items.pop(); }
                    _ => *slot = new,
                }
            }
        }
        reseal(&mut v);
        if let Ok(plan) = Plan::from_json(&v.to_string()) {
            let ev = Evaluator::new(&plan);
            for c in sample_cases() {
                let _ = ev.evaluate(&c, &EvalOptions::default());
                if let Ok(input) = ev.decode(&c, None) {
                    let mut scratch = ras::eval::Scratch::new(&ev);
                    let _ = ev.run(&input, &mut scratch);
                }
            }
            let _ = ras::testing::run_tests(&plan);
        }
    }
}
