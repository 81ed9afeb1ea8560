//! Evaluating a case never panics, whatever the case holds: sampled valid
//! cases of every council file, then mutated — answers replaced by odd codes,
//! huge or negative numbers, dates and text; keys dropped or invented; the JSON
//! text itself damaged. Each must give figures or a case error, never a panic.

// Needs the `cli` feature (on by default): it reads the clock, the command line or batch files.
#![cfg(feature = "cli")]

use proptest::prelude::*;
use ras::case::Case;
use ras::eval::{EvalOptions, Evaluator, Scratch, Status};
use ras::plan::Plan;
use std::sync::OnceLock;

mod support;

/// The rule files, read once for every generated case.
fn rule_files() -> &'static [String] {
    static FILES: OnceLock<Vec<String>> = OnceLock::new();
    FILES.get_or_init(support::rule_files)
}

/// Each council's plan with 50 sampled cases as JSON lines.
fn corpus() -> &'static [(Plan, Vec<String>)] {
    static CORPUS: OnceLock<Vec<(Plan, Vec<String>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        rule_files()
            .iter()
            .map(|path| {
                let source = std::fs::read_to_string(path).unwrap();
                let model = ras::check::check_source(
                    &source,
                    &ras::check::CheckOptions::new(ras::date::Date::today()),
                )
                .model
                .unwrap();
                let plan = ras::plan::compile(model, &source).unwrap();
                let mut out = Vec::new();
                ras::sample::write_sample(
                    plan.model(),
                    50,
                    11,
                    ras::sample::SampleFormat::JsonLines,
                    &mut out,
                )
                .unwrap();
                let lines = String::from_utf8(out)
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect();
                (plan, lines)
            })
            .collect()
    })
}

fn odd_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    prop_oneof![
        Just(json!("")),
        Just(json!("99")),
        Just(json!("-1")),
        Just(json!(-3.5)),
        Just(json!("1e400")),
        Just(json!("79228162514264337593543950336")),
        Just(json!(1e300)),
        Just(json!("0.0000000000000000000000000001")),
        Just(json!("yes")),
        Just(json!(true)),
        Just(json!(null)),
        Just(json!([1, 2])),
        Just(json!({"a": 1})),
        Just(json!("2010-02-30")),
        Just(json!("£1,000.00")),
        any::<String>().prop_map(serde_json::Value::String),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

#[derive(Debug, Clone)]
enum Change {
    /// Replace the value at a place (picked by number, modulo the places) with an odd one.
    Replace(usize, serde_json::Value),
    /// Remove a key.
    Remove(usize),
    /// Add an unknown answer.
    Invent(String, serde_json::Value),
    /// Insert a character into the JSON text.
    Damage(usize, char),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (any::<usize>(), odd_value()).prop_map(|(i, v)| Change::Replace(i, v)),
        any::<usize>().prop_map(Change::Remove),
        ("[a-z_]{1,12}", odd_value()).prop_map(|(k, v)| Change::Invent(k, v)),
        (any::<usize>(), any::<char>()).prop_map(|(i, c)| Change::Damage(i, c)),
    ]
}

/// Every (object, key) place in a case: top-level keys and the keys of
/// `answers` and `attributes`.
fn places(v: &serde_json::Value) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    if let Some(top) = v.as_object() {
        for (k, inner) in top {
            out.push((None, k.clone()));
            if let Some(map) = inner.as_object() {
                out.extend(map.keys().map(|ik| (Some(k.clone()), ik.clone())));
            }
        }
    }
    out
}

fn apply(text: &str, changes: &[Change]) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut damage = Vec::new();
    for c in changes {
        let places = places(&v);
        match c {
            Change::Replace(i, new) if !places.is_empty() => {
                let (outer, key) = places[i % places.len()].clone();
                let slot = match outer {
                    Some(o) => v.get_mut(&o).and_then(|m| m.get_mut(&key)),
                    None => v.get_mut(&key),
                };
                if let Some(slot) = slot {
                    *slot = new.clone();
                }
            }
            Change::Remove(i) if !places.is_empty() => {
                let (outer, key) = places[i % places.len()].clone();
                let map = match outer {
                    Some(o) => v.get_mut(&o).and_then(|m| m.as_object_mut()),
                    None => v.as_object_mut(),
                };
                if let Some(map) = map {
                    map.remove(&key);
                }
            }
            Change::Invent(key, value) => {
                if let Some(answers) = v.get_mut("answers").and_then(|a| a.as_object_mut()) {
                    answers.insert(key.clone(), value.clone());
                }
            }
            Change::Damage(i, ch) => damage.push((*i, *ch)),
            _ => {}
        }
    }
    let mut text = v.to_string();
    for (i, ch) in damage {
        let positions: Vec<usize> = text.char_indices().map(|(p, _)| p).collect();
        if !positions.is_empty() {
            text.insert(positions[i % positions.len()], ch);
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_cases_never_panic(
        file in 0..rule_files().len(),
        line in any::<prop::sample::Index>(),
        changes in proptest::collection::vec(change(), 1..5),
    ) {
        let (plan, lines) = &corpus()[file];
        let text = apply(line.get(lines.as_slice()).as_str(), &changes);
        let ev = Evaluator::new(plan);
        match Case::from_json(&text) {
            Err(e) => prop_assert!(!e.message.is_empty()),
            Ok(case) => {
                let result = ev.evaluate(&case, &EvalOptions::default());
                if result.status == Status::Error {
                    let error = result.error.as_ref();
                    prop_assert!(error.is_some_and(|e| e.code.starts_with("ras::") && !e.message.is_empty()));
                }
                // The fast path agrees with the full path on success or failure.
                let fast = ev.decode(&case, None).and_then(|input| {
                    let mut scratch = Scratch::new(&ev);
                    ev.run(&input, &mut scratch).map(|_| scratch.step(plan.model().indicative))
                });
                prop_assert_eq!(fast.is_err(), result.status == Status::Error);
            }
        }
    }
}

#[test]
fn sampled_cases_of_every_council_evaluate_without_case_errors() {
    for (plan, lines) in corpus() {
        let ev = Evaluator::new(plan);
        for line in lines {
            let case = Case::from_json(line).unwrap();
            let result = ev.evaluate(&case, &EvalOptions::default());
            assert_ne!(
                result.status,
                Status::Error,
                "{}: {line}: {:?}",
                plan.model().header.council,
                result.error
            );
        }
    }
}

#[test]
fn a_replaced_answer_reaches_the_evaluator_as_a_case_error() {
    let (plan, lines) = &corpus()[4];
    let line = &lines[0];
    let places = places(&serde_json::from_str(line).unwrap());
    let q01 = places
        .iter()
        .position(|(o, k)| o.as_deref() == Some("answers") && k == "q01")
        .unwrap();
    let text = apply(line, &[Change::Replace(q01, serde_json::json!("99"))]);
    assert_ne!(&text, line);
    let case = Case::from_json(&text).unwrap();
    let result = Evaluator::new(plan).evaluate(&case, &EvalOptions::default());
    assert_eq!(result.error.map(|e| e.code), Some("ras::unknown-code"));
}
