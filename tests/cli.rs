//! The `ras` binary as a user runs it: exit codes and the key parts of its
//! output. Rule files are small and written inline, so these tests do not
//! depend on the council files in `rules/`.

// Needs the `cli` feature (on by default): it reads the clock, the command line or batch files.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A small, valid policy: three options worth 0, 5 and 10 points at £5 a point.
const OK: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { older_people "Older people"  working_age "Working-age adults" }
domain care "Personal care"
question personal_care "How much help do you need with washing and dressing?" in care {
  none "None"                   0 pts
  some "Some help"              5 pts
  most "Help with most of it"  10 pts
}
parameter price_per_point "Price per point" £/pt = £5.00/pt
let points = total points
output indicative "Indicative weekly personal budget" = round(points * price_per_point)
flag high "Consider a review by the panel" when indicative > £40
test "some help" {
  given cohort older_people, assessed 2024-05-01, personal_care some
  expect indicative £25.00  no flag high
}
test "most help" {
  given cohort older_people, assessed 2024-05-01, personal_care most
  expect indicative £50.00  flag high
}
"#;

/// A case for [`OK`] as a case file holds it.
const CASE: &str = r#"{
  "case_id": "A-1",
  "cohort": "older_people",
  "assessed": "2024-05-01",
  "answers": { "personal_care": "some" }
}"#;

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

    /// The last non-empty line of standard output.
    fn last_stdout_line(&self) -> &str {
        self.stdout
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
    }
}

/// A temporary folder with rule and case files in it.
struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temporary folder"))
    }

    /// Writes a file (creating folders) and returns its path.
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    /// Runs `ras` in this folder, so file names in messages are relative.
    fn ras(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_ras"))
            .args(args)
            .current_dir(self.path())
            .env_remove("NO_COLOR")
            .output()
            .expect("run ras");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// [`OK`] with one piece of text replaced; fails if the text is not there.
fn ok_with(from: &str, to: &str) -> String {
    assert!(OK.contains(from), "OK has no `{from}`");
    OK.replacen(from, to, 1)
}

/// Parses JSON output, failing the test with the text if it is not JSON.
fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The first value under `key` anywhere in a JSON document.
fn find<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map
            .get(key)
            .or_else(|| map.values().find_map(|v| find(v, key))),
        serde_json::Value::Array(items) => items.iter().find_map(|v| find(v, key)),
        _ => None,
    }
}

// ------------------------------------------------------------------ check

#[test]
fn check_passes_a_good_file() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    let run = dir.ras(&["check", "ok.ras"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("checked 1 file: 0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_shows_errors_with_their_place_and_fails() {
    let dir = Dir::new();
    dir.file(
        "bad.ras",
        &ok_with(
            "round(points * price_per_point)",
            "points + price_per_point",
        ),
    );
    let run = dir.ras(&["check", "bad.ras"]);
    run.expect_code(1);
    assert!(run.stderr.contains("ras::unit-mismatch"), "{}", run.stderr);
    assert!(run.stderr.contains("bad.ras:15:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("checked 1 file: 1 error, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_reports_syntax_errors() {
    let dir = Dir::new();
    dir.file("broken.ras", &ok_with("cohorts {", "cohorts ("));
    let run = dir.ras(&["check", "broken.ras"]);
    run.expect_code(1);
    assert!(run.stderr.contains("broken.ras:6:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("checked 1 file: 1 error"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_rule_file_saved_in_windows_1252_is_a_rules_error_with_its_place() {
    let dir = Dir::new();
    let text = ok_with(
        "  effective 2024-04-01",
        "  approved \"Cabinet, fees from \u{1}5\"  effective 2024-04-01",
    );
    let (line, column) = (3, 32);
    assert_eq!(
        text.lines().nth(line - 1).and_then(|l| l.find('\u{1}')),
        Some(column - 1)
    );
    // In Windows-1252 `£` is the one byte 0xA3.
    let bytes: Vec<u8> = text
        .bytes()
        .map(|b| if b == 1 { 0xA3 } else { b })
        .collect();
    std::fs::write(dir.path().join("ansi.ras"), &bytes).expect("write");
    let run = dir.ras(&["check", "ansi.ras"]);
    run.expect_code(1);
    assert!(run.stderr.contains("ras::not-utf8"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("0xA3 on line {line}, column {column}")),
        "{}",
        run.stderr
    );
    let run = dir.ras(&["check", "--format", "json", "ansi.ras"]);
    run.expect_code(1);
    let diags = json(&run.stdout);
    assert_eq!(diags[0]["code"], "ras::not-utf8", "{}", run.stdout);
    assert_eq!(diags[0]["line"], line, "{}", run.stdout);
    assert_eq!(diags[0]["column"], column, "{}", run.stdout);
    let hint = diags[0]["hint"].as_str().unwrap_or("");
    assert!(hint.contains("`£` in Windows-1252"), "{hint}");
    assert!(hint.contains("save it as UTF-8"), "{hint}");
    dir.ras(&["test", "ansi.ras"]).expect_code(1);
    let dump = dir.ras(&["check", "--dump", "ast", "ansi.ras"]);
    dump.expect_code(1);
    assert!(dump.stderr.contains("ras::not-utf8"), "{}", dump.stderr);
    assert_eq!(dump.stdout, "");
}

#[test]
fn check_reports_every_syntax_error_at_once() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check/err/syntax-three-broken-declarations.ras");
    let dir = Dir::new();
    let run = dir.ras(&[
        "check",
        "--format",
        "json",
        fixture.to_str().expect("a UTF-8 path"),
    ]);
    run.expect_code(1);
    let diags = json(&run.stdout);
    let diags = diags.as_array().expect("a JSON array");
    let syntax: Vec<u64> = diags
        .iter()
        .filter(|d| d["code"] == "ras::syntax")
        .filter_map(|d| d["line"].as_u64())
        .collect();
    assert_eq!(syntax, vec![28, 30, 34], "{}", run.stdout);
    // The declarations that were read are still checked, and a name declared
    // in a broken declaration is not reported as unknown.
    assert!(
        diags.iter().any(|d| d["code"] == "ras::unit-mismatch"),
        "{}",
        run.stdout
    );
    assert!(
        !diags.iter().any(|d| d["code"] == "ras::unknown-name"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_searches_folders_for_rule_files() {
    let dir = Dir::new();
    dir.file("rules/a/ok.ras", OK);
    dir.file("rules/b/also-ok.ras", OK);
    dir.file("rules/b/notes.txt", "not a rule file");
    let run = dir.ras(&["check", "rules"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("checked 2 files: 0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_json_is_an_array_of_diagnostics() {
    let dir = Dir::new();
    dir.file(
        "bad.ras",
        &ok_with(
            "round(points * price_per_point)",
            "points + price_per_point",
        ),
    );
    let run = dir.ras(&["check", "--format", "json", "bad.ras"]);
    run.expect_code(1);
    let diags = json(&run.stdout);
    let diags = diags.as_array().expect("a JSON array");
    assert_eq!(diags.len(), 1, "{}", run.stdout);
    let d = &diags[0];
    for key in [
        "file", "line", "column", "end", "severity", "code", "message", "hint",
    ] {
        assert!(d.get(key).is_some(), "no `{key}` in {d}");
    }
    assert_eq!(d["file"], "bad.ras");
    assert_eq!(d["line"], 15);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "ras::unit-mismatch");
    assert!(
        d["end"]["line"].is_u64() && d["end"]["column"].is_u64(),
        "{d}"
    );
    // The summary stays on standard error, so standard output is pure JSON.
    assert!(
        run.stderr.contains("checked 1 file: 1 error"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_json_of_a_good_file_is_an_empty_array() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    let run = dir.ras(&["check", "--format", "json", "ok.ras"]);
    run.expect_code(0);
    assert_eq!(json(&run.stdout), serde_json::json!([]));
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let dir = Dir::new();
    // A parameter nothing reads is a warning.
    dir.file(
        "warn.ras",
        &ok_with(
            "let points",
            "parameter spare \"Unused\" £ = £1\nlet points",
        ),
    );
    let run = dir.ras(&["check", "warn.ras"]);
    run.expect_code(0);
    assert!(run.stderr.contains("0 errors, 1 warning"), "{}", run.stderr);
    assert!(run.stderr.contains("spare"), "{}", run.stderr);
    dir.ras(&["check", "--deny-warnings", "warn.ras"])
        .expect_code(1);
}

#[test]
fn today_makes_review_date_checks_reproducible() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    let before = dir.ras(&[
        "check",
        "--deny-warnings",
        "--today",
        "2029-01-01",
        "ok.ras",
    ]);
    before.expect_code(0);
    let after = dir.ras(&[
        "check",
        "--deny-warnings",
        "--today",
        "2031-01-01",
        "ok.ras",
    ]);
    after.expect_code(1);
    assert!(
        after.stderr.contains("review-date-past"),
        "{}",
        after.stderr
    );
    let bad = dir.ras(&["check", "--today", "1 April 2025", "ok.ras"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("YYYY-MM-DD"), "{}", bad.stderr);
}

#[test]
fn color_is_used_only_when_asked_or_on_a_terminal() {
    let dir = Dir::new();
    dir.file(
        "bad.ras",
        &ok_with(
            "round(points * price_per_point)",
            "points + price_per_point",
        ),
    );
    // Not a terminal: no colour by default.
    let plain = dir.ras(&["check", "bad.ras"]);
    assert!(!plain.stderr.contains('\x1b'), "{}", plain.stderr);
    let coloured = dir.ras(&["--color", "always", "check", "bad.ras"]);
    assert!(coloured.stderr.contains('\x1b'), "{}", coloured.stderr);
    let never = dir.ras(&["check", "--color", "never", "bad.ras"]);
    assert!(!never.stderr.contains('\x1b'), "{}", never.stderr);
}

// ------------------------------------------------------------------ usage and I/O

#[test]
fn a_missing_file_is_exit_code_2() {
    let dir = Dir::new();
    for args in [
        &["check", "missing.ras"][..],
        &["test", "missing.ras"],
        &["compile", "missing.ras"],
        &["eval", "missing.ras", "--answer", "personal_care=some"],
    ] {
        let run = dir.ras(args);
        run.expect_code(2);
        assert!(
            run.stderr.contains("cannot read `missing.ras`"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_folder_without_rule_files_is_exit_code_2() {
    let dir = Dir::new();
    dir.file("empty/readme.txt", "nothing here");
    let run = dir.ras(&["check", "empty"]);
    run.expect_code(2);
    assert!(run.stderr.contains("no rule files"), "{}", run.stderr);
}

#[test]
fn usage_errors_are_exit_code_2() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    dir.ras(&["check", "--bogus", "ok.ras"]).expect_code(2);
    dir.ras(&["check"]).expect_code(2);
    dir.ras(&["frobnicate"]).expect_code(2);
    dir.ras(&[]).expect_code(2);
    dir.ras(&["check", "--format", "xml", "ok.ras"])
        .expect_code(2);
    // Neither a case file nor any answers.
    dir.ras(&["eval", "ok.ras"]).expect_code(2);
    // Both a rule file and a plan.
    dir.ras(&["eval", "ok.ras", "--plan", "p.json", "--answer", "a=b"])
        .expect_code(2);
    let run = dir.ras(&["eval", "ok.ras", "--answer", "personal_care"]);
    run.expect_code(2);
    assert!(run.stderr.contains("NAME=VALUE"), "{}", run.stderr);
    dir.ras(&["eval", "ok.ras", "--answer", "a=b", "--plan-cost", "lots"])
        .expect_code(2);
    // A case error says what is wrong and gives its code, as `ras run`'s errors file does.
    let run = dir.ras(&[
        "eval",
        "ok.ras",
        "--cohort",
        "older_people",
        "--answer",
        "personal_care=lots",
    ]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("`lots` is not an option"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("(ras::unknown-code)"), "{}", run.stderr);
    // A plan cost is read as a case file's: no decimal comma, no exponent, not below zero.
    for (cost, says) in [
        ("12,50", "`12,50` is not an amount of money"),
        ("1e3", "`1e3` is not an amount of money"),
        ("££5", "`££5` is not an amount of money"),
        ("-5", "below zero"),
    ] {
        let flag = format!("--plan-cost={cost}");
        let run = dir.ras(&["eval", "ok.ras", "--answer", "personal_care=some", &flag]);
        run.expect_code(2);
        assert!(run.stderr.contains(says), "{cost}: {}", run.stderr);
    }
}

#[test]
fn help_and_version_succeed_and_explain_themselves() {
    let dir = Dir::new();
    let run = dir.ras(&["--help"]);
    run.expect_code(0);
    for command in ["check", "eval", "test", "compile"] {
        assert!(run.stdout.contains(command), "{}", run.stdout);
    }
    assert!(run.stdout.contains("Exit codes"), "{}", run.stdout);
    // Each command's `--help` gives its long description, not only the
    // one line of the command list.
    let commands = [
        "check",
        "eval",
        "explain",
        "test",
        "compile",
        "run",
        "sample",
        "fmt",
        "publish",
        "calibrate",
        "report",
        "diff",
    ];
    for command in commands {
        assert!(
            run.stdout.contains(&format!("\n  {command} ")),
            "{command}: {}",
            run.stdout
        );
        let one_line = dir.ras(&[command, "-h"]);
        one_line.expect_code(0);
        let long = dir.ras(&[command, "--help"]);
        long.expect_code(0);
        let first = |text: &str| text.lines().next().unwrap_or_default().to_string();
        assert_ne!(
            first(&long.stdout),
            first(&one_line.stdout),
            "{command} --help"
        );
        assert!(
            first(&long.stdout).len() > first(&one_line.stdout).len(),
            "{command}"
        );
    }
    dir.ras(&["--version"]).expect_code(0);
}

#[test]
fn odd_inputs_never_crash() {
    let dir = Dir::new();
    dir.file("empty.ras", "");
    dir.file("binary.ras", "\u{0}\u{1}\u{2}policy");
    dir.file("case.json", CASE);
    std::fs::write(dir.path().join("latin1.ras"), b"policy \"caf\xe9\" {}").expect("write");
    std::fs::create_dir_all(dir.path().join("folder.ras")).expect("mkdir");
    let runs = [
        dir.ras(&["check", "empty.ras", "binary.ras"]),
        dir.ras(&["check", "latin1.ras"]),
        dir.ras(&["eval", "folder.ras", "--case", "case.json"]),
        dir.ras(&["eval", "empty.ras", "--case", "case.json"]),
        dir.ras(&["eval", "--plan", "case.json", "--case", "case.json"]),
        dir.ras(&["compile", "binary.ras"]),
        dir.ras(&["test", "empty.ras"]),
    ];
    for run in runs {
        assert!(
            matches!(run.code, Some(1 | 2)),
            "{:?}: {}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
    }
}

// ------------------------------------------------------------------ eval

#[test]
fn eval_a_case_file() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    dir.file("case.json", CASE);
    let run = dir.ras(&["eval", "ok.ras", "--case", "case.json"]);
    run.expect_code(0);
    assert!(run.stdout.contains("25.00"), "{}", run.stdout);
}

#[test]
fn eval_answers_from_the_command_line() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    let run = dir.ras(&[
        "eval",
        "ok.ras",
        "--answer",
        "personal_care=most",
        "--cohort",
        "older_people",
        "--assessed",
        "2024-05-01",
        "--format",
        "json",
    ]);
    run.expect_code(0);
    let result = json(&run.stdout);
    let indicative = find(&result, "indicative").expect("an indicative value");
    assert!(indicative.to_string().contains("50.00"), "{result}");
}

/// Names as long as a rule file allows are shown in full and aligned, and a
/// rate of money shows its pence as money does (`£5.20/pt`, not `£5.2/pt`).
#[test]
fn eval_shows_very_long_names_and_rates_in_pence() {
    let dir = Dir::new();
    let rate = "r".repeat(65_536);
    let annual = "a".repeat(70_000);
    let rules = OK.replace("£5.00/pt", "£5.2/pt").replace(
        "output indicative \"Indicative weekly personal budget\" = round(points * price_per_point)",
        &format!(
            "let {rate} = price_per_point\n\
                 output indicative \"Indicative weekly personal budget\" = round(points * {rate})\n\
                 output {annual} \"Indicative yearly budget\" = indicative * 52"
        ),
    );
    assert!(rules.contains(&annual), "the rule file was not rewritten");
    dir.file("long.ras", &rules);
    let run = dir.ras(&[
        "eval",
        "long.ras",
        "--answer",
        "personal_care=some",
        "--cohort",
        "older_people",
    ]);
    run.expect_code(0);
    let (steps, outputs) = run
        .stdout
        .split_once("Outputs:\n")
        .expect("an Outputs section");
    let line_of = |text: &str, start: &str| {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line `{}…`", &start[..20]))
            .to_string()
    };
    let rate_line = line_of(steps, &format!("  {rate} "));
    assert!(
        rate_line.contains("= £5.20/pt  (line"),
        "{}",
        &rate_line[65_536..]
    );
    let points = line_of(steps, "  points ");
    assert_eq!(points.find(" = "), Some(2 + 70_000), "steps are aligned");
    assert_eq!(rate_line.find(" = "), Some(2 + 70_000), "steps are aligned");
    let yearly = line_of(outputs, &format!("  {annual} = "));
    assert!(
        yearly.ends_with("= £1,352.00  Indicative yearly budget"),
        "{}",
        &yearly[70_000..]
    );
    let weekly = line_of(outputs, "  indicative ");
    assert_eq!(weekly.find(" = "), Some(2 + 70_000), "outputs are aligned");
}

#[test]
fn command_line_options_override_the_case_file() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    dir.file("case.json", CASE);
    let from_file = dir.ras(&["eval", "ok.ras", "--case", "case.json", "--format", "json"]);
    from_file.expect_code(0);
    let overridden = dir.ras(&[
        "eval",
        "ok.ras",
        "--case",
        "case.json",
        "--answer",
        "personal_care=most",
        "--format",
        "json",
    ]);
    overridden.expect_code(0);
    let value = |run: &Run| find(&json(&run.stdout), "indicative").map(|v| v.to_string());
    assert!(
        value(&from_file).is_some_and(|v| v.contains("25.00")),
        "{}",
        from_file.stdout
    );
    assert!(
        value(&overridden).is_some_and(|v| v.contains("50.00")),
        "{}",
        overridden.stdout
    );
}

#[test]
fn eval_reads_a_case_from_standard_input() {
    use std::io::Write;
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ras"))
        .args(["eval", "ok.ras", "--case", "-"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run ras");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(CASE.as_bytes())
        .expect("write case");
    let out = child.wait_with_output().expect("ras finished");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("25.00"), "{stdout}");
}

#[test]
fn as_of_picks_the_rates_in_force_on_another_date() {
    let dir = Dir::new();
    dir.file(
        "dated.ras",
        &ok_with(
            "parameter price_per_point \"Price per point\" £/pt = £5.00/pt",
            "parameter price_per_point \"Price per point\" £/pt {\n  from 2024-04-01 £5.00/pt\n  from 2025-04-01 £6.00/pt\n}",
        ),
    );
    dir.file("case.json", CASE);
    let indicative = |extra: &[&str]| {
        let run = dir.ras(
            &[
                &[
                    "eval",
                    "dated.ras",
                    "--case",
                    "case.json",
                    "--format",
                    "json",
                ],
                extra,
            ]
            .concat(),
        );
        run.expect_code(0);
        find(&json(&run.stdout), "indicative")
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert!(indicative(&[]).contains("25.00"));
    assert!(indicative(&["--as-of", "2025-05-01"]).contains("30.00"));
    assert!(indicative(&["--assessed", "2025-05-01"]).contains("30.00"));
}

#[test]
fn eval_an_unknown_code_lists_the_valid_ones() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    let args = [
        "eval",
        "ok.ras",
        "--answer",
        "personal_care=lots",
        "--cohort",
        "older_people",
        "--assessed",
        "2024-05-01",
    ];
    let run = dir.ras(&args);
    run.expect_code(1);
    assert!(run.stderr.contains("personal_care"), "{}", run.stderr);
    assert!(run.stderr.contains("lots"), "{}", run.stderr);
    for code in ["none", "some", "most"] {
        assert!(run.stderr.contains(code), "no `{code}` in: {}", run.stderr);
    }
    // With --format json the result (status: error) still goes to standard output.
    let run = dir.ras(&[&args[..], &["--format", "json"]].concat());
    run.expect_code(1);
    let result = json(&run.stdout);
    assert_eq!(
        find(&result, "status").and_then(|s| s.as_str()),
        Some("error"),
        "{result}"
    );
}

#[test]
fn eval_a_malformed_case_file_is_an_error_in_the_case() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    dir.file(
        "case.json",
        "{\n  \"cohort\": \"older_people\",\n  \"answers\": [1]\n}",
    );
    let run = dir.ras(&["eval", "ok.ras", "--case", "case.json"]);
    run.expect_code(1);
    assert!(run.stderr.contains("case.json"), "{}", run.stderr);
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
}

#[test]
fn eval_with_rule_errors_shows_them_and_fails() {
    let dir = Dir::new();
    dir.file(
        "bad.ras",
        &ok_with(
            "round(points * price_per_point)",
            "points + price_per_point",
        ),
    );
    dir.file("case.json", CASE);
    let run = dir.ras(&["eval", "bad.ras", "--case", "case.json"]);
    run.expect_code(1);
    assert!(run.stderr.contains("ras::unit-mismatch"), "{}", run.stderr);
}

#[test]
fn eval_a_plan_that_is_not_a_plan_is_exit_code_2() {
    let dir = Dir::new();
    dir.file("plan.json", "{\"schema_version\": 1}");
    dir.file("notes.json", "this is not JSON");
    for plan in ["plan.json", "notes.json"] {
        let run = dir.ras(&["eval", "--plan", plan, "--answer", "personal_care=some"]);
        run.expect_code(2);
        assert!(run.stderr.contains("not a compiled plan"), "{}", run.stderr);
    }
}

// ------------------------------------------------------------------ compile

#[test]
fn compile_writes_a_plan_that_evaluates_like_the_source() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    dir.file("case.json", CASE);
    dir.ras(&["compile", "ok.ras", "-o", "plan.json"])
        .expect_code(0);
    let plan = json(&std::fs::read_to_string(dir.path().join("plan.json")).expect("plan written"));
    assert!(plan.get("fingerprint").is_some(), "{plan}");
    // Without -o the plan goes to standard output, the same bytes.
    let printed = dir.ras(&["compile", "ok.ras"]);
    printed.expect_code(0);
    assert_eq!(json(&printed.stdout), plan);

    let from_source = dir.ras(&["eval", "ok.ras", "--case", "case.json", "--format", "json"]);
    let from_plan = dir.ras(&[
        "eval",
        "--plan",
        "plan.json",
        "--case",
        "case.json",
        "--format",
        "json",
    ]);
    from_source.expect_code(0);
    from_plan.expect_code(0);
    assert_eq!(from_source.stdout, from_plan.stdout);
}

#[test]
fn compile_refuses_a_file_with_errors() {
    let dir = Dir::new();
    dir.file(
        "bad.ras",
        &ok_with(
            "round(points * price_per_point)",
            "points + price_per_point",
        ),
    );
    let run = dir.ras(&["compile", "bad.ras", "-o", "plan.json"]);
    run.expect_code(1);
    assert!(!dir.path().join("plan.json").exists());
}

// ------------------------------------------------------------------ test

#[test]
fn test_counts_passes() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    let run = dir.ras(&["test", "ok.ras"]);
    run.expect_code(0);
    assert_eq!(
        run.last_stdout_line(),
        "2 passed, 0 failed",
        "{}",
        run.stdout
    );
}

#[test]
fn test_failures_show_expected_and_actual() {
    let dir = Dir::new();
    dir.file(
        "wrong.ras",
        &ok_with("expect indicative £50.00", "expect indicative £55.00"),
    );
    let run = dir.ras(&["test", "wrong.ras"]);
    run.expect_code(1);
    assert_eq!(
        run.last_stdout_line(),
        "1 passed, 1 failed",
        "{}",
        run.stdout
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("most help"), "{all}");
    assert!(all.contains("55.00") && all.contains("50.00"), "{all}");
}

#[test]
fn test_counts_a_file_with_errors_as_failed() {
    let dir = Dir::new();
    dir.file("rules/ok.ras", OK);
    dir.file(
        "rules/bad.ras",
        &ok_with(
            "round(points * price_per_point)",
            "points + price_per_point",
        ),
    );
    let run = dir.ras(&["test", "rules"]);
    run.expect_code(1);
    assert!(run.stderr.contains("ras::unit-mismatch"), "{}", run.stderr);
    assert!(
        run.last_stdout_line().ends_with("passed, 1 failed"),
        "{}",
        run.stdout
    );
    assert!(
        run.last_stdout_line().starts_with("2 passed"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_writes_junit_xml() {
    let dir = Dir::new();
    dir.file(
        "wrong.ras",
        &ok_with("expect indicative £50.00", "expect indicative £55.00"),
    );
    let run = dir.ras(&["test", "wrong.ras", "--junit", "results.xml"]);
    run.expect_code(1);
    let xml = std::fs::read_to_string(dir.path().join("results.xml")).expect("junit written");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<testsuite"), "{xml}");
    assert!(
        xml.contains("some help") && xml.contains("most help"),
        "{xml}"
    );
    assert!(xml.contains("<failure"), "{xml}");
}

/// A `.ras` link that leads to no file, dangling or in a loop of links, is
/// reported with the others rather than skipped.
#[cfg(unix)]
#[test]
fn check_reports_dangling_and_looping_links() {
    use std::os::unix::fs::symlink;
    let dir = Dir::new();
    dir.file("rules/ok.ras", OK);
    let rules = dir.path().join("rules");
    symlink("gone.ras", rules.join("dangling.ras")).expect("link");
    symlink("loop-b.ras", rules.join("loop-a.ras")).expect("link");
    symlink("loop-a.ras", rules.join("loop-b.ras")).expect("link");
    let run = dir.ras(&["check", "rules"]);
    run.expect_code(2);
    let lines: Vec<&str> = run.stderr.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "error: cannot read `rules/dangling.ras`: it is a link to `gone.ras`, which is not there",
            "error: cannot read `rules/loop-a.ras`: it is a link in a loop of links, so it leads to no file",
            "error: cannot read `rules/loop-b.ras`: it is a link in a loop of links, so it leads to no file",
            "checked 1 file: 0 errors, 0 warnings; 3 files could not be read",
        ]
    );
}

/// One reading of a case: an answer given twice is an error, in a case file
/// or on the command line; a byte order mark before a case file is skipped.
#[test]
fn eval_refuses_an_answer_given_twice_and_reads_a_byte_order_mark() {
    let dir = Dir::new();
    dir.file("ok.ras", OK);
    dir.file("bom.json", &format!("\u{feff}{CASE}"));
    let run = dir.ras(&["eval", "ok.ras", "--case", "bom.json"]);
    run.expect_code(0);
    assert!(run.stdout.contains("£25.00"), "{}", run.stdout);

    dir.file(
        "twice.json",
        r#"{"cohort": "older_people", "answers": {"personal_care": "some", "personal_care": "most"}}"#,
    );
    let run = dir.ras(&["eval", "ok.ras", "--case", "twice.json"]);
    run.expect_code(1);
    assert_eq!(
        run.stderr.trim_end(),
        "error: `twice.json` is not a valid case: line 1, column 88: `personal_care` is given twice; give each once"
    );

    let run = dir.ras(&[
        "eval",
        "ok.ras",
        "--cohort",
        "older_people",
        "--answer",
        "personal_care=some",
        "--answer",
        "personal_care=most",
    ]);
    run.expect_code(2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: `--answer personal_care` is given twice (`some` and `most`)\n  help: give each question one answer"
    );
}
