//! `ras check --format github` and `--format sarif`, the forms CI services read:
//! the SARIF log is checked against the SARIF 2.1.0 JSON schema, and both forms
//! are snapshotted for two small rule files in `tests/fixtures/ci/`.
//!
//! `tests/fixtures/sarif-schema-2.1.0.README.md` says where the schema comes from.

// Needs the `cli` feature (on by default): it runs the `ras` binary.
#![cfg(feature = "cli")]

use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// The fixtures: between them three warnings and two errors, in two files.
const FIXTURES: &str = "tests/fixtures/ci/";

/// A date after the fixtures' review dates, so `ras::review-date-past` shows.
const LATE: &str = "2031-01-01";

/// A small policy with nothing wrong in it (review date 2030-04-01).
const CLEAN: &str = r#"policy "Clean RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { older_people "Older people" }
domain care "Personal care"
question personal_care "How much help do you need with washing and dressing?" in care {
  none "None"        0 pts
  some "Some help"   5 pts
}
parameter price_per_point "Price per point" £/pt = £5.00/pt
output indicative "Indicative weekly personal budget" = round(total points * price_per_point)
"#;

/// The output of one run of `ras`.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Fails the test with everything `ras` printed unless it exited with `code`.
    fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Standard output as JSON, failing the test with the text if it is not JSON.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `ras` in `dir`, so file names in the output are relative to it.
fn ras_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ras"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run ras");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `ras` from the crate root (fixture paths are relative to it).
fn ras(args: &[&str]) -> Run {
    ras_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// A folder holding [`CLEAN`] as `clean.ras`.
fn clean_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("clean.ras"), CLEAN).expect("write rule file");
    dir
}

/// Everything the SARIF 2.1.0 schema finds wrong with `log`, one line each.
fn schema_problems(log: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(include_str!("fixtures/sarif-schema-2.1.0.json"))
        .expect("the schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// What the schema, and the one rule of the OASIS errata schema it lacks, find
/// wrong with `log`.
fn sarif_problems(log: &Value) -> Vec<String> {
    let mut problems = schema_problems(log);
    // The OASIS errata schema also requires a region to say where it starts;
    // the copy kept here predates that rule.
    for (i, result) in log["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        if !region.is_null() && region.get("startLine").is_none() {
            problems.push(format!("/runs/0/results/{i}: a region without `startLine`"));
        }
    }
    problems
}

/// Fails the test with the complaints unless `log` is valid SARIF 2.1.0.
fn assert_valid_sarif(log: &Value) {
    let problems = sarif_problems(log);
    assert!(
        problems.is_empty(),
        "not valid SARIF 2.1.0:\n{}\n--- log\n{log:#}",
        problems.join("\n")
    );
}

/// The `index`th result's main region.
fn region(log: &Value, index: usize) -> &Value {
    &log["runs"][0]["results"][index]["locations"][0]["physicalLocation"]["region"]
}

// ------------------------------------------------------------------ sarif

#[test]
fn sarif_for_errors_and_warnings_in_two_files_is_valid() {
    let run = ras(&["check", "--today", LATE, "--format", "sarif", FIXTURES]);
    run.expect_code(1);
    let log = run.json();
    assert_valid_sarif(&log);
    let run0 = &log["runs"][0];
    let levels: Vec<&str> = run0["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["level"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        levels,
        ["warning", "warning", "error", "warning", "error"],
        "{log:#}"
    );
    // One rule per code that occurs, sorted, each result pointing at its own.
    let ids: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        ids,
        [
            "ras::review-date-past",
            "ras::unit-mismatch",
            "ras::unknown-name",
            "ras::unused-parameter"
        ]
    );
    for result in run0["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(ids[index], result["ruleId"], "{result:#}");
    }
    assert_eq!(
        run0["results"][4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/ci/second.ras"
    );
    // The summary stays on standard error, as for the other formats.
    assert!(
        run.stderr.contains("checked 2 files: 2 errors, 3 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn sarif_for_a_clean_run_is_valid_with_no_results() {
    let dir = clean_dir();
    let run = ras_in(
        dir.path(),
        &["check", "--today", "2026-01-01", "--format", "sarif", "."],
    );
    run.expect_code(0);
    let log = run.json();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], json!([]));
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
}

#[test]
fn sarif_columns_count_characters_and_say_so() {
    let log = ras(&["check", "--today", LATE, "--format", "sarif", FIXTURES]).json();
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    // `pionts` comes after a `£` (two bytes, one character) on its line.
    let line = include_str!("fixtures/ci/second.ras")
        .lines()
        .nth(18)
        .expect("line 19");
    let chars_before = line[..line.find("pionts").expect("pionts")].chars().count();
    assert_eq!(region(&log, 4)["startLine"], 19);
    assert_eq!(region(&log, 4)["startColumn"], chars_before + 1);
    assert_eq!(
        region(&log, 4)["endColumn"],
        chars_before + 1 + "pionts".len()
    );
}

#[test]
fn the_schema_check_can_fail() {
    let good = ras(&["check", "--today", LATE, "--format", "sarif", FIXTURES]).json();
    assert_valid_sarif(&good);
    let mut breakages: Vec<(&str, Value)> = Vec::new();
    let mut bad = good.clone();
    bad["version"] = json!("2.0.0");
    breakages.push(("wrong version", bad));
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["level"] = json!("fatal");
    breakages.push(("unknown level", bad));
    // A number check, so `arbitrary_precision` numbers are read as numbers.
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    breakages.push(("line 0", bad));
    let mut bad = good.clone();
    bad["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .expect("driver")
        .remove("name");
    breakages.push(("tool without a name", bad));
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["message"] = json!({ "txt": "misspelt" });
    breakages.push(("message without text", bad));
    // A format check: a file name with a space must be written `%20` in a URI.
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        json!("my rules/a.ras");
    breakages.push(("space in a URI", bad));
    let mut bad = good;
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
        .as_object_mut()
        .expect("region")
        .remove("startLine");
    breakages.push(("region without a start", bad));
    for (what, log) in breakages {
        assert!(
            !sarif_problems(&log).is_empty(),
            "{what}: the schema accepted it"
        );
    }
}

#[test]
fn sarif_snapshot() {
    let run = ras(&["check", "--today", LATE, "--format", "sarif", FIXTURES]);
    assert_eq!(
        run.json()["runs"][0]["tool"]["driver"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    // The snapshot should not change with each release of ras.
    let ours = format!("\"version\": \"{}\",", env!("CARGO_PKG_VERSION"));
    let stdout = run
        .stdout
        .replacen(&ours, "\"version\": \"[version of ras]\",", 1);
    insta::assert_snapshot!("sarif", stdout);
}

// ------------------------------------------------------------------ github

#[test]
fn github_prints_one_workflow_command_per_problem() {
    let run = ras(&["check", "--today", LATE, "--format", "github", FIXTURES]);
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    assert!(
        lines[0].starts_with(
            "::warning file=tests/fixtures/ci/first.ras,line=5,col=32,endLine=5,endColumn=42,\
             title=ras%3A%3Areview-date-past::the review date 2030-04-01 has passed"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[2].starts_with("::error "), "{}", lines[2]);
    // The hint follows the message on a line of its own, escaped.
    assert!(
        lines[4].ends_with("is not declared in this file%0Ahint: did you mean `points`?"),
        "{}",
        lines[4]
    );
    assert!(!run.stdout.contains("checked 2 files"), "summary on stdout");
    assert!(
        run.stderr.contains("checked 2 files: 2 errors, 3 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn github_escapes_file_names_in_properties() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(dir.path().join("a,b")).expect("create folder");
    std::fs::write(dir.path().join("a,b/late.ras"), CLEAN).expect("write rule file");
    let run = ras_in(
        dir.path(),
        &["check", "--today", LATE, "--format", "github", "a,b"],
    );
    run.expect_code(0);
    assert!(
        run.stdout
            .starts_with("::warning file=a%2Cb/late.ras,line=3,"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_keeps_the_exit_codes() {
    let dir = clean_dir();
    // Nothing wrong: no output at all.
    let run = ras_in(
        dir.path(),
        &["check", "--today", "2026-01-01", "--format", "github", "."],
    );
    run.expect_code(0);
    assert_eq!(run.stdout, "");
    // A warning passes unless warnings are denied.
    let late = ["check", "--today", LATE, "--format", "github", "."];
    ras_in(dir.path(), &late).expect_code(0);
    let denied = [&late[..], &["--deny-warnings"]].concat();
    ras_in(dir.path(), &denied).expect_code(1);
}

#[test]
fn github_snapshot() {
    let run = ras(&["check", "--today", LATE, "--format", "github", FIXTURES]);
    insta::assert_snapshot!("github", run.stdout);
}
