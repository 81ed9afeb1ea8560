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
