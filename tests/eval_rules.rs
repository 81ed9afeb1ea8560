//! End to end: every rule file in `rules/` parses, checks, compiles, survives
//! a JSON round trip, and passes its own `test` blocks.

// Needs the `cli` feature (on by default): it reads the clock, the command line or batch files.
#![cfg(feature = "cli")]

use ras::check::{check_source, CheckOptions};
use ras::eval::{EvalOptions, Evaluator};
use ras::plan::{compile, Plan};
use ras::testing::{render_summary, run_tests};
use std::path::{Path, PathBuf};

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ras") {
            out.push(path);
        }
    }
}

/// The plan of a rule file; a shipped file with errors fails the test.
fn plan_of(path: &Path) -> Plan {
    let source = std::fs::read_to_string(path).unwrap();
    let checked = check_source(&source, &CheckOptions::new(ras::date::Date::today()));
    match checked.model {
        Some(model) => compile(model, &source).unwrap(),
        None => panic!("{}: {:?}", path.display(), checked.diagnostics),
    }
}

#[test]
fn rule_files_pass_their_tests() {
    let mut files = Vec::new();
    rule_files(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .as_path(),
        &mut files,
    );
    assert!(
        files.len() >= 5,
        "the five council files are shipped in rules/: {files:?}"
    );
    let mut failures = Vec::new();
    for path in files {
        let plan = plan_of(&path);
        let back = Plan::from_json(&plan.to_json());
        assert_eq!(
            back.as_ref(),
            Ok(&plan),
            "{}: plan JSON does not round-trip",
            path.display()
        );
        let Ok(back) = back else { continue };
        // Every test case evaluates to the same result, trace included, from
        // the JSON plan as from the source.
        let (from_source, from_json) = (Evaluator::new(&plan), Evaluator::new(&back));
        for test in &plan.model().tests {
            let options = EvalOptions::default();
            assert_eq!(
                from_source.evaluate(&test.case, &options).to_json(),
                from_json.evaluate(&test.case, &options).to_json(),
                "{}: test \"{}\" evaluates differently from the JSON plan",
                path.display(),
                test.name
            );
        }
        assert_eq!(
            render_summary(&run_tests(&back)),
            render_summary(&run_tests(&plan))
        );
        let outcomes = run_tests(&plan);
        eprint!(
            "{}: {}",
            path.display(),
            render_summary(&outcomes).lines().last().unwrap_or_default()
        );
        eprintln!();
        if outcomes.iter().any(|o| !o.passed()) {
            failures.push(format!(
                "{}:\n{}",
                path.display(),
                render_summary(&outcomes)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
