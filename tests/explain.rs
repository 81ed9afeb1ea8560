//! `ras explain`: snapshots of every worked example in `rules/` (the `test`
//! blocks and `examples/*.json`) in text, Markdown and HTML, and a check over
//! sampled cases that the explanation says only what the evaluation did, and
//! all of it that matters: outputs, rates, bands and deductions.

// Needs the `cli` feature (on by default): the sampler and the built binary.
#![cfg(feature = "cli")]

use ras::case::Case;
use ras::eval::{format_quantity, quantity_words, EvalOptions, EvalResult, Evaluator, TraceEntry};
use ras::explain::{explain, render, Format};
use ras::plan::Plan;
use ras::sample::{write_sample, SampleFormat};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::str::FromStr;

mod support;

fn plan_of(path: &str) -> Plan {
    let source = std::fs::read_to_string(path).unwrap();
    let checked = ras::check::check_source(
        &source,
        &ras::check::CheckOptions::new(ras::date::Date::today()),
    );
    let model = checked
        .model
        .unwrap_or_else(|| panic!("{path} has errors: {:?}", checked.diagnostics));
    ras::plan::compile(model, &source).unwrap()
}

fn slug(path: &str) -> String {
    path.trim_start_matches("rules/")
        .trim_end_matches(".ras")
        .replace('/', "-")
}

/// The three formats of one explanation, the fingerprint (which changes with
/// any edit of the rule file) replaced so that the snapshot shows words.
fn all_formats(plan: &Plan, result: &EvalResult) -> String {
    let doc = explain(result);
    let mut out = String::new();
    for (name, format) in [
        ("text", Format::Text),
        ("markdown", Format::Markdown),
        ("html", Format::Html),
    ] {
        out.push_str(&format!("----- {name}\n"));
        out.push_str(&render(&doc, format).replace(plan.fingerprint(), "<fingerprint>"));
        out.push('\n');
    }
    out
}

#[test]
fn every_test_block_explained() {
    let mut seen = BTreeSet::new();
    for file in &support::rule_files() {
        let plan = plan_of(file);
        let ev = Evaluator::new(&plan);
        for (i, t) in plan.model().tests.iter().enumerate() {
            let result = ev.evaluate(&t.case, &EvalOptions::default());
            seen.insert(result.status.as_str());
            let name = format!("{}__{:02}", slug(file), i + 1);
            let body = format!("test \"{}\"\n{}", t.name, all_formats(&plan, &result));
            insta::assert_snapshot!(name, body);
        }
    }
    // The worked examples cover a figure, no eligibility, a cohort not
    // validated and a case error.
    for status in ["ok", "not_eligible", "not_validated", "error"] {
        assert!(
            seen.contains(status),
            "no test block ends {status}: {seen:?}"
        );
    }
}

#[test]
fn every_example_case_explained() {
    let examples = [
        (
            "rules/leicestershire/2009-11-pilot.ras",
            "leicestershire-L-A",
        ),
        (
            "rules/leicestershire/2009-11-pilot.ras",
            "leicestershire-L-B",
        ),
        ("rules/oldham/2019-01.ras", "oldham-O-A"),
        ("rules/oldham/2019-01.ras", "oldham-O-B"),
        ("rules/lancashire/2014-v1.ras", "lancashire-LA-A"),
        ("rules/lancashire/2016-v7.ras", "lancashire-LA-A"),
        ("rules/lancashire/2016-v7.ras", "lancashire-LA-B"),
        ("rules/shire-2025.ras", "shire-case"),
    ];
    for (file, case) in examples {
        let plan = plan_of(file);
        let text = std::fs::read_to_string(format!("examples/{case}.json")).unwrap();
        let result = Evaluator::new(&plan)
            .evaluate(&Case::from_json(&text).unwrap(), &EvalOptions::default());
        let name = format!("example__{}__{case}", slug(file));
        insta::assert_snapshot!(name, all_formats(&plan, &result));
    }
}

/// Every figure the text shows with a unit (`£1,210.50`, `£4.88 a point`,
/// `38 pts`, `2.5 h`, `3 sessions`, `1 nights`, `20%`), as a decimal.
fn figures_in(text: &str) -> Vec<(Decimal, String)> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let money = chars[i] == '£';
        let start = if money { i + 1 } else { i };
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '.');
        if !(money || (boundary && chars[i].is_ascii_digit())) {
            i += 1;
            continue;
        }
        let mut j = start;
        if chars.get(j) == Some(&'-') {
            j += 1;
        }
        while j < chars.len()
            && (chars[j].is_ascii_digit()
                || (chars[j] == ',' && chars.get(j + 1).is_some_and(char::is_ascii_digit))
                || (chars[j] == '.' && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
        {
            j += 1;
        }
        let digits: String = chars[start..j].iter().filter(|c| **c != ',').collect();
        let rest: String = chars[j..chars.len().min(j + 10)].iter().collect();
        let unit = if money {
            Some("£")
        } else if rest.starts_with('%') {
            Some("%")
        } else {
            ["pts", "h", "sessions", "nights"].into_iter().find(|u| {
                rest.strip_prefix(' ')
                    .and_then(|r| r.strip_prefix(u))
                    .is_some_and(|r| !r.starts_with(char::is_alphanumeric))
            })
        };
        if let (Some(unit), Ok(value)) = (unit, Decimal::from_str(&digits)) {
            out.push((value, unit.to_string()));
        }
        i = j.max(i + 1);
    }
    out
}

/// Every decimal the result holds (its JSON strings that are numbers).
fn figures_of(result: &EvalResult) -> BTreeSet<Decimal> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<Decimal>) {
        match v {
            // Figures inside the trace's own words (a condition's `35 h`, a
            // constant of the rule file) are part of the result too.
            serde_json::Value::String(s) => match Decimal::from_str(s) {
                Ok(d) => {
                    out.insert(d.normalize());
                }
                Err(_) => out.extend(figures_in(s).into_iter().map(|(d, _)| d.normalize())),
            },
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(&serde_json::to_value(result).unwrap(), &mut out);
    out
}

/// Checks one explanation against its result, in both directions; gives the
/// first thing wrong.
fn faithful(result: &EvalResult, text: &str) -> Result<(), String> {
    let known = figures_of(result);
    for (value, unit) in figures_in(text) {
        if !known.contains(&value.normalize()) {
            return Err(format!("{unit}{value} is not in the result"));
        }
    }
    let has = |what: &str, needle: &str| {
        if text.contains(needle) {
            Ok(())
        } else {
            Err(format!("{what} `{needle}` is not in the explanation"))
        }
    };
    for (name, q) in result.outputs.iter() {
        has(name, &format_quantity(q.value, q.unit))?;
    }
    for p in &result.parameters_used {
        has(&p.name, &quantity_words(p.value.value, p.unit))?;
    }
    for e in &result.trace {
        match e {
            TraceEntry::Band {
                band,
                input,
                result: r,
                near,
                ..
            } => {
                has(band, &quantity_words(input.value.value, input.unit))?;
                has(band, &quantity_words(r.value.value, r.unit))?;
                for edge in near {
                    // A value exactly at an edge is said in words ("any less").
                    if !edge.distance.value.is_zero() {
                        has(
                            band,
                            &format_quantity(edge.distance.value, edge.distance.unit),
                        )?;
                    }
                    has(band, &format_quantity(edge.value.value, edge.value.unit))?;
                }
            }
            TraceEntry::Step {
                step: "deduction",
                reason: Some(reason),
                value,
                applied,
                ..
            } => {
                has("deduction", reason)?;
                if *applied == Some(true) {
                    has(reason, &quantity_words(value.value, value.unit))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn sampled_explanations_say_what_the_evaluation_did_and_all_of_it() {
    // A thread per rule file: the cases are independent.
    let files = support::rule_files();
    std::thread::scope(|scope| {
        for file in &files {
            scope.spawn(move || sampled_file(file));
        }
    });
}

fn sampled_file(file: &str) {
    let plan = plan_of(file);
    let ev = Evaluator::new(&plan);
    let mut jsonl = Vec::new();
    write_sample(plan.model(), 1000, 7, SampleFormat::JsonLines, &mut jsonl).unwrap();
    let text = String::from_utf8(jsonl).unwrap();
    let mut statuses = BTreeSet::new();
    for line in text.lines() {
        let case = Case::from_json(line).unwrap();
        let result = ev.evaluate(&case, &EvalOptions::default());
        statuses.insert(result.status.as_str());
        let words = render(&explain(&result), Format::Text);
        if let Err(problem) = faithful(&result, &words) {
            panic!("{file}, case {line}: {problem}\n\n{words}");
        }
    }
    assert!(
        statuses.contains("ok"),
        "{file}: no sampled case has a figure"
    );
}

#[test]
fn an_invented_figure_is_caught() {
    let plan = plan_of("rules/shire-2025.ras");
    let text = std::fs::read_to_string("examples/shire-case.json").unwrap();
    let result =
        Evaluator::new(&plan).evaluate(&Case::from_json(&text).unwrap(), &EvalOptions::default());
    let words = render(&explain(&result), Format::Text);
    assert_eq!(faithful(&result, &words), Ok(()));
    let changed = words.replace("£270.00", "£271.00");
    assert!(faithful(&result, &changed).is_err());
    let dropped = words.replace("£4.88 a point", "the price");
    assert!(faithful(&result, &dropped).is_err());
}

#[test]
fn the_command_writes_html_to_a_file() {
    let dir = std::env::temp_dir().join(format!("ras-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("letter.html");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ras"))
        .args([
            "explain",
            "rules/oldham/2019-01.ras",
            "--case",
            "examples/oldham-O-A.json",
        ])
        .args(["--format", "html", "-o"])
        .arg(&out)
        .env("NO_COLOR", "1")
        .status()
        .unwrap();
    assert!(status.success());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en-GB\">"));
    assert!(html.contains("<th scope=\"col\">"));
    assert!(html.contains("asc.complaints@oldham.gov.uk"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_case_error_is_explained_and_fails_the_run() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ras"))
        .args(["explain", "rules/shire-2025.ras", "--answer", "q01=9"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("There is no budget figure yet"), "{text}");
}

#[test]
fn as_of_is_kept_apart_from_the_assessment_date() {
    let plan = plan_of("rules/leicestershire/2009-11-pilot.ras");
    let text = std::fs::read_to_string("examples/leicestershire-L-A.json").unwrap();
    let case = Case::from_json(&text).unwrap();
    let as_of = ras::date::Date::new(2009, 6, 1);
    let result = Evaluator::new(&plan).evaluate(&case, &EvalOptions { as_of });
    assert_eq!(result.assessed, case.assessed);
    assert_eq!(result.as_of, as_of);
    let json: serde_json::Value = serde_json::from_str(&result.to_json()).unwrap();
    assert_eq!(json["assessed"], "2010-02-01");
    assert_eq!(json["as_of"], "2009-06-01");
    let words = render(&explain(&result), Format::Text);
    assert!(words.contains("Assessed on 1 February 2010"), "{words}");
    assert!(words.contains("those in force on 1 June 2009"), "{words}");
    // The price of 2009/10, not the pilot's £4.88.
    assert!(words.contains("£6.00 a point"), "{words}");
}
