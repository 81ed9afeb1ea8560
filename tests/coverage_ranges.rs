//! `ras test --coverage` and `ras check --ranges` over the shipped rule files,
//! snapshotted: what the tests of each council file reach, and the lowest and
//! highest value of every step.

// Needs the `cli` feature (on by default): it runs the `ras` binary.
#![cfg(feature = "cli")]

use std::process::Command;

fn ras(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ras"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("ras runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
    )
}

#[test]
fn coverage_of_the_rule_files() {
    let (code, stdout) = ras(&["test", "--coverage", "rules/"]);
    assert_eq!(code, Some(0), "{stdout}");
    let tables: String = stdout
        .split("\n\n")
        .filter(|part| part.starts_with("coverage of "))
        .map(|part| format!("{part}\n\n"))
        .collect();
    insta::assert_snapshot!(tables);
    // The shipped rule files reach at least 90% each.
    for line in stdout.lines().filter(|l| l.starts_with("coverage of ")) {
        let share: f64 = line
            .rsplit('(')
            .next()
            .and_then(|s| s.strip_suffix("%)"))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no share in {line}"));
        assert!(share >= 90.0, "{line}");
    }
}

#[test]
fn coverage_as_json() {
    let dir = std::env::temp_dir().join(format!("ras-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let path = dir.join("coverage.json");
    let (code, _) = ras(&[
        "test",
        "rules/oldham/2019-01.ras",
        "--coverage-json",
        path.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(code, Some(0));
    let text = std::fs::read_to_string(&path).expect("the JSON was written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let file = &json[0];
    assert_eq!(file["file"], "rules/oldham/2019-01.ras");
    assert_eq!(file["reached"], file["total"]);
    let kinds: Vec<&str> = file["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "options",
            "band rows",
            "choose branches",
            "route rules",
            "eligibility",
            "flags"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ranges_of_the_rule_files() {
    let (code, stdout) = ras(&["check", "--ranges", "--today", "2026-01-01", "rules/"]);
    assert_eq!(code, Some(0), "{stdout}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn ranges_as_json() {
    let (code, stdout) = ras(&[
        "check",
        "--ranges",
        "--format",
        "json",
        "--today",
        "2026-01-01",
        "rules/oldham/2019-01.ras",
    ]);
    assert_eq!(code, Some(0), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let steps = json[0]["steps"].as_array().expect("steps");
    let indicative = steps
        .iter()
        .find(|s| s["name"] == "indicative")
        .expect("indicative");
    assert_eq!(indicative["lowest"], "0.00");
    assert_eq!(indicative["highest"], "1576.75");
    assert_eq!(indicative["highest_case"]["value"], "1576.75");
    assert_eq!(indicative["unit"], "£");
}
