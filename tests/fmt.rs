//! `ras fmt`'s printer: messy fixtures to the canonical layout, and the
//! promises it makes (idempotent, spacing-blind, comments kept, meaning kept).

use ras::fmt::{format, soundness_check, FormatError};
use std::fs;

fn formatted(source: &str) -> String {
    match format(source) {
        Ok(text) => text,
        Err(e) => panic!("not formatted: {e:?}"),
    }
}

fn comment_texts(source: &str) -> Vec<String> {
    ras::syntax::scan::comments(source)
        .map(|c| source[c.start..c.end].trim_end().to_string())
        .collect()
}

#[test]
fn fixtures_format_to_the_canonical_layout() {
    insta::glob!("fixtures/fmt/*.ras", |path| {
        let source = fs::read_to_string(path).unwrap();
        let once = formatted(&source);
        assert_eq!(formatted(&once), once, "formatting twice changed {path:?}");
        assert_eq!(
            comment_texts(&once),
            comment_texts(&source),
            "comments of {path:?}"
        );
        insta::assert_snapshot!(once);
    });
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    match format("let a = \nlet = 2\n") {
        Err(FormatError::Syntax(diags)) => assert!(!diags.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_soundness_check_refuses_a_changed_meaning() {
    let before = "let a = 1\nlet b = (a + 2) * 3\n";
    assert!(soundness_check(before, "let a = 1\nlet b = (a + 2) * 3\n").is_ok());
    let err = soundness_check(before, "let a = 1\nlet b = a + 2 * 3\n").unwrap_err();
    assert_eq!(err.code, "ras::internal");
    assert!(
        err.message.contains("`let b = (a + 2) * 3`"),
        "{}",
        err.message
    );
    let err = soundness_check("let a = 1 # x\n", "let a = 1 # y\n").unwrap_err();
    assert!(err.message.contains("comments"), "{}", err.message);
}

#[test]
fn brackets_and_spellings_the_tree_drops_are_kept_or_made_canonical() {
    let src = "let a = ((1 + 2)) × 3\nlet b = a ≤ 2 or a ≠ 4\n";
    assert_eq!(
        formatted(src),
        "let a = ((1 + 2)) * 3\nlet b = a <= 2 or a != 4\n"
    );
}

// ---------------------------------------------------------------- the command

fn ras(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_ras"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const MESSY: &str = "let   a = 1\nlet b =a*2 # two\n";
const TIDY: &str = "let a = 1\nlet b = a * 2  # two\n";

#[test]
fn fmt_rewrites_files_in_place_and_check_lists_what_would_change() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.ras");
    let tidy = dir.path().join("tidy.ras");
    fs::write(&messy, MESSY).unwrap();
    fs::write(&tidy, TIDY).unwrap();
    let folder = dir.path().to_str().unwrap();

    let (code, out, _) = ras(&["fmt", "--check", folder], None);
    assert_eq!(code, 1);
    assert!(
        out.contains("messy.ras") && !out.contains("tidy.ras"),
        "{out}"
    );
    assert_eq!(fs::read_to_string(&messy).unwrap(), MESSY, "--check wrote");

    let (code, out, _) = ras(&["fmt", "--diff", messy.to_str().unwrap()], None);
    assert_eq!(code, 0);
    assert!(
        out.contains("-let   a = 1\n") && out.contains("+let a = 1\n"),
        "{out}"
    );
    assert!(out.contains("(formatted)"), "{out}");
    assert_eq!(fs::read_to_string(&messy).unwrap(), MESSY, "--diff wrote");

    let (code, _, err) = ras(&["fmt", folder], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(fs::read_to_string(&messy).unwrap(), TIDY);
    let (code, out, _) = ras(&["fmt", "--check", folder], None);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn fmt_dash_reads_standard_input() {
    assert_eq!(
        ras(&["fmt", "-"], Some(MESSY)),
        (0, TIDY.to_string(), String::new())
    );
    assert_eq!(ras(&["fmt", "--check", "-"], Some(MESSY)).0, 1);
    assert_eq!(ras(&["fmt", "--check", "-"], Some(TIDY)).0, 0);
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ras");
    fs::write(&bad, "let a =   \n").unwrap();
    let (code, _, err) = ras(&["fmt", bad.to_str().unwrap()], None);
    assert_eq!(code, 1);
    assert!(err.contains("ras::"), "{err}");
    assert_eq!(fs::read_to_string(&bad).unwrap(), "let a =   \n");
}
