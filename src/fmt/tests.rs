use super::*;

fn fmt(source: &str) -> String {
    match format(source) {
        Ok(text) => text,
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn options_align_on_their_columns() {
    let src = "domain d \"D\"\nquestion q \"Q\" in d { 1 \"No help\" 0 pts\n 2 \"Help every time\" 10 points }\n";
    assert_eq!(
        fmt(src),
        "domain d \"D\"\nquestion q \"Q\" in d {\n  1 \"No help\"          0 pts\n  2 \"Help every time\" 10 pts\n}\n"
    );
}

#[test]
fn formatting_twice_changes_nothing() {
    let src = "let a = 1 # one\n\n\n# two\nlet b = a   *  (2 + 3)\n";
    let once = fmt(src);
    assert_eq!(once, "let a = 1  # one\n\n# two\nlet b = a * (2 + 3)\n");
    assert_eq!(fmt(&once), once);
}

#[test]
fn a_syntax_error_is_not_formatted() {
    assert!(matches!(format("let = 1"), Err(FormatError::Syntax(_))));
}
