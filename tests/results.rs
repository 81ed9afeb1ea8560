//! Snapshots of what users and other systems read: one compiled plan, and the
//! JSON results (with their traces) of the worked examples in `examples/`.
//! Review a changed snapshot as you would a change of policy output.

// Needs the `cli` feature (on by default): it reads the clock, the command line or batch files.
#![cfg(feature = "cli")]

use ras::case::Case;
use ras::eval::{EvalOptions, Evaluator};
use ras::plan::Plan;

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

/// The result as JSON, with the fingerprint (which changes with any edit of
/// the rule file, comments included) replaced so the snapshot shows figures.
fn result_json(rules: &str, case_file: &str) -> String {
    let plan = plan_of(rules);
    let case = Case::from_json(&std::fs::read_to_string(case_file).unwrap()).unwrap();
    let result = Evaluator::new(&plan).evaluate(&case, &EvalOptions::default());
    result
        .to_json()
        .replace(plan.fingerprint(), "<fingerprint of the rule file>")
}

#[test]
fn compiled_plan_of_a_small_policy() {
    let plan = plan_of("tests/fixtures/check/ok/minimal.ras");
    insta::assert_snapshot!(plan.to_json());
}

#[test]
fn worked_example_results() {
    let examples = [
        (
            "rules/leicestershire/2009-11-pilot.ras",
            "examples/leicestershire-L-A.json",
        ),
        (
            "rules/leicestershire/2009-11-pilot.ras",
            "examples/leicestershire-L-B.json",
        ),
        ("rules/oldham/2019-01.ras", "examples/oldham-O-A.json"),
        ("rules/oldham/2019-01.ras", "examples/oldham-O-B.json"),
        (
            "rules/lancashire/2014-v1.ras",
            "examples/lancashire-LA-A.json",
        ),
        (
            "rules/lancashire/2016-v7.ras",
            "examples/lancashire-LA-A.json",
        ),
        (
            "rules/lancashire/2016-v7.ras",
            "examples/lancashire-LA-B.json",
        ),
        ("rules/shire-2025.ras", "examples/shire-case.json"),
    ];
    for (rules, case) in examples {
        let name = format!(
            "{}__{}",
            rules
                .trim_start_matches("rules/")
                .trim_end_matches(".ras")
                .replace('/', "-"),
            case.trim_start_matches("examples/")
                .trim_end_matches(".json")
        );
        insta::assert_snapshot!(name, result_json(rules, case));
    }
}

#[test]
fn worked_examples_give_the_figures_councils_md_states() {
    // The snapshots hold everything; these are the headline figures, so a
    // careless snapshot update cannot change them unnoticed.
    let cases = [
        (
            "rules/leicestershire/2009-11-pilot.ras",
            "examples/leicestershire-L-A.json",
            "\"indicative\": \"141.33\"",
        ),
        (
            "rules/leicestershire/2009-11-pilot.ras",
            "examples/leicestershire-L-B.json",
            "\"indicative\": \"543.37\"",
        ),
        (
            "rules/oldham/2019-01.ras",
            "examples/oldham-O-A.json",
            "\"indicative\": \"249.25\"",
        ),
        (
            "rules/oldham/2019-01.ras",
            "examples/oldham-O-B.json",
            "\"status\": \"not_eligible\"",
        ),
        (
            "rules/lancashire/2014-v1.ras",
            "examples/lancashire-LA-A.json",
            "\"indicative\": \"71.63\"",
        ),
        (
            "rules/lancashire/2016-v7.ras",
            "examples/lancashire-LA-A.json",
            "\"indicative\": \"49.75\"",
        ),
        (
            "rules/lancashire/2016-v7.ras",
            "examples/lancashire-LA-B.json",
            "\"indicative\": \"112.13\"",
        ),
    ];
    for (rules, case, expected) in cases {
        let json = result_json(rules, case);
        assert!(
            json.contains(expected),
            "{rules} {case}: no {expected} in\n{json}"
        );
    }
}
