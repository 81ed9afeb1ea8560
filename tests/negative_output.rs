//! A money output below zero is a case error, `ras::negative-output`, that
//! names the output and the step that took it below zero: through the library,
//! `ras eval` (exit 1), `ras run` (an error row with the code) and a rule
//! file's `test` block (`expect error "…"`).
//!
//! The fixture `tests/fixtures/eval/negative-output.ras` takes an uncapped
//! £14.00 telecare deduction off a gross of 3 pts x £4.56 = £13.68.

use ras::case::Case;
use ras::check::{check_source, CheckOptions};
use ras::eval::{error_codes, evaluate, EvalOptions, EvalResult, Evaluator, Scratch, Status};
use ras::plan::{compile, Plan};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/negative-output.ras")
}

fn source() -> String {
    std::fs::read_to_string(fixture()).unwrap()
}

/// The fixture with one piece of text replaced; fails if the text is not there.
fn edited(from: &str, to: &str) -> String {
    let s = source();
    assert!(s.contains(from), "the fixture has no `{from}`");
    s.replacen(from, to, 1)
}

fn plan(source: &str) -> Plan {
    let checked = check_source(source, &CheckOptions::new(ras::date::Date::today()));
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        // The policy is meant to go below zero: `ras check` warns of it.
        .filter(|d| {
            !matches!(
                d.code,
                "ras::review-date-past" | "ras::may-be-negative" | "ras::deduction-may-exceed"
            )
        })
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    compile(checked.model.unwrap(), source).unwrap()
}

fn case(safety: &str, telecare: &str) -> Case {
    serde_json::from_str(&format!(
        r#"{{"cohort": "older_people", "answers": {{"safety": "{safety}", "telecare_suitable": "{telecare}"}}}}"#
    ))
    .unwrap()
}

fn eval(source: &str, c: &Case) -> EvalResult {
    evaluate(&plan(source), c, &EvalOptions::default())
}

const MESSAGE: &str = "the output `indicative` (\"Indicative weekly personal budget\") is -£0.32: \
`gross - telecare` took it below zero at step `indicative` (line 22); a money output cannot be \
below zero, so cap what is taken off (e.g. with `min`) or check the figures";

#[test]
fn a_deduction_larger_than_the_gross_is_an_error_naming_the_output() {
    let r = eval(&source(), &case("3", "yes"));
    assert_eq!(r.status, Status::Error);
    let e = r.error.unwrap();
    assert_eq!(e.code, error_codes::NEGATIVE_OUTPUT);
    assert_eq!(e.code, "ras::negative-output");
    assert_eq!(e.message, MESSAGE);
    assert_eq!(e.question, None);
    // No output is reported for a case in error.
    assert!(r.outputs.0.is_empty());
}

#[test]
fn the_fast_path_gives_the_same_error() {
    let p = plan(&source());
    let ev = Evaluator::new(&p);
    let input = ev.decode(&case("3", "yes"), None).unwrap();
    let mut scratch = Scratch::new(&ev);
    let e = ev.run(&input, &mut scratch).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        ("ras::negative-output", MESSAGE)
    );
    // The same evaluator goes on to the next case as usual.
    let input = ev.decode(&case("3", "no"), None).unwrap();
    assert!(ev.run(&input, &mut scratch).is_ok());
}

#[test]
fn the_first_step_to_go_below_zero_is_named() {
    // The subtraction moves to a `let` that the output reads: that step is
    // the one a policy officer must look at, not the output.
    let s = edited(
        "output indicative \"Indicative weekly personal budget\" = gross - telecare",
        "let after_telecare = gross - telecare\noutput indicative \"Indicative weekly personal budget\" = after_telecare + £0.10",
    );
    let e = eval(&s, &case("3", "yes")).error.unwrap();
    assert_eq!(e.code, "ras::negative-output");
    assert!(
        e.message.starts_with(
            "the output `indicative` (\"Indicative weekly personal budget\") is -£0.22: \
             `gross - telecare` went below zero first at step `after_telecare` (line 22);"
        ),
        "{}",
        e.message
    );
}

#[test]
fn zero_is_not_below_zero_and_non_money_outputs_may_be() {
    // 1 pt x £14.00 = £14.00, less £14.00 telecare: exactly £0.00.
    let s = edited("£4.56/pt", "£14.00/pt");
    let r = eval(&s, &case("2", "yes"));
    assert_eq!(r.status, Status::Ok, "{:?}", r.error);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["outputs"]["indicative"], "0.00");
    // An output in points below zero is not money: no error.
    let s = edited(
        "output annual",
        "output spare \"Points to spare\" = points - 5 pts\noutput annual",
    );
    let r = eval(&s, &case("3", "no"));
    assert_eq!(r.status, Status::Ok, "{:?}", r.error);
    assert_eq!(json_of(&r)["outputs"]["spare"], "-2");
}

fn json_of(r: &EvalResult) -> serde_json::Value {
    serde_json::to_value(r).unwrap()
}

fn ras(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ras"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn ras_eval_prints_the_message_and_exits_1() {
    let dir = tempdir();
    let file = fixture();
    let (code, _, stderr) = ras(
        dir.path(),
        &[
            "eval",
            file.to_str().unwrap(),
            "--cohort",
            "older_people",
            "--answer",
            "safety=3",
            "--answer",
            "telecare_suitable=yes",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!("error: {MESSAGE} (ras::negative-output)")
    );
    // The JSON result carries the code.
    let (code, stdout, _) = ras(
        dir.path(),
        &[
            "eval",
            file.to_str().unwrap(),
            "--cohort",
            "older_people",
            "--answer",
            "safety=3",
            "--answer",
            "telecare_suitable=yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(1), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["status"], "error");
    assert_eq!(json["error"]["code"], "ras::negative-output");
    assert_eq!(json["error"]["message"], MESSAGE);
}

#[test]
fn ras_run_writes_an_error_row_with_the_code() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("cases.csv"),
        "case_id,cohort,safety,telecare_suitable\nN1,older_people,3,yes\nN2,older_people,2,no\n",
    )
    .unwrap();
    let file = fixture();
    let (code, stdout, stderr) = ras(
        dir.path(),
        &[
            "run",
            file.to_str().unwrap(),
            "--cases",
            "cases.csv",
            "--columns",
            "case_id,indicative,status",
            "--errors",
            "errors.csv",
            "--quiet",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, "case_id,indicative,status\nN1,,error\nN2,4.56,ok\n");
    let errors = std::fs::read_to_string(dir.path().join("errors.csv")).unwrap();
    let row = errors.lines().nth(1).unwrap_or_default();
    assert!(row.starts_with("2,N1,"), "{errors}");
    assert!(row.contains(",ras::negative-output,"), "{errors}");
    assert!(row.contains("is -£0.32"), "{errors}");
}

#[test]
fn a_test_block_can_expect_the_error() {
    let dir = tempdir();
    let file = fixture();
    let (code, stdout, stderr) = ras(dir.path(), &["test", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
    // With the deduction capped there is no error, and the same test fails.
    let capped = edited("= telecare_saving\n", "= min(telecare_saving, gross)\n");
    std::fs::write(dir.path().join("capped.ras"), capped).unwrap();
    let (code, stdout, _) = ras(dir.path(), &["test", "capped.ras"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
}
