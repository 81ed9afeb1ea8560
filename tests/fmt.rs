#![cfg(feature = "cli")]
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
fn shipped_files_are_canonical() {
    for dir in ["rules", "tests/fixtures/check/ok"] {
        for path in ras_files(std::path::Path::new(dir)) {
            let source = fs::read_to_string(&path).unwrap();
            assert!(
                formatted(&source) == source,
                "run `ras fmt {}`",
                path.display()
            );
        }
    }
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

// ---------------------------------------------------------------- property: spacing never matters

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use ras::syntax::scan::{pieces, PieceKind};

fn ras_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(ras_files(&path));
        } else if path.extension().is_some_and(|e| e == "ras") {
            out.push(path);
        }
    }
    out
}

/// Every rule file shipped, and every fixture of this test.
fn corpus() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in ["rules", "tests/fixtures/check/ok", "tests/fixtures/fmt"] {
        for path in ras_files(std::path::Path::new(dir)) {
            let text = fs::read_to_string(&path).unwrap();
            files.push((path.display().to_string(), text));
        }
    }
    files
}

/// Punctuation a space may be added or removed next to without joining or
/// splitting a word (never `/`, `-` or `.`, which live inside amounts and dates).
fn loose(c: char) -> bool {
    matches!(c, '{' | '}' | '(' | ')' | '[' | ']' | ',')
}

/// `source` with its spaces and indentation changed at random, outside
/// strings and comments: runs of spaces become other runs of spaces and tabs,
/// lines get other indentation and trailing spaces, and spaces next to
/// brackets and commas come and go. Line breaks stay where they are.
fn respaced(source: &str, seed: u64) -> String {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let blank = |rng: &mut rand_chacha::ChaCha8Rng| -> String {
        (0..rng.gen_range(1..5))
            .map(|_| if rng.gen_bool(0.2) { '\t' } else { ' ' })
            .collect()
    };
    let mut out = String::new();
    for piece in pieces(source) {
        let text = &source[piece.span.start..piece.span.end];
        if piece.kind != PieceKind::Code {
            out.push_str(text);
            continue;
        }
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == ' ' || c == '\t' {
                let start = i;
                while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                    i += 1;
                }
                let before = start.checked_sub(1).map(|k| chars[k]);
                let after = chars.get(i).copied();
                let at_edge = before.map_or(true, |b| b == '\n' || loose(b))
                    || after.map_or(true, |a| a == '\n' || (loose(a) && a != ','))
                    || (before == Some(',') && !after.is_some_and(|a| a.is_ascii_digit()));
                // `{` straight after a word would still parse, but an edge of
                // the piece may be the inside of a word split by a string.
                if at_edge && rng.gen_bool(0.3) && start > 0 && i < chars.len() {
                    continue;
                }
                out.push_str(&blank(&mut rng));
                continue;
            }
            out.push(c);
            let next = chars.get(i + 1).copied();
            let digits_around = c == ','
                && next.is_some_and(|n| n.is_ascii_digit())
                && i > 0
                && chars[i - 1].is_ascii_digit();
            let may_space =
                c == '\n' || ((loose(c) && !digits_around) && next.is_some_and(|n| n != '\n'));
            if may_space && rng.gen_bool(0.3) {
                out.push_str(&blank(&mut rng));
            }
            i += 1;
        }
    }
    out
}

/// A plan without what layout changes: its model's JSON (no lines, no
/// formulas as written) and its evaluation order.
type PlanShape = Option<(serde_json::Value, Vec<u32>)>;

fn plan_json(source: &str) -> PlanShape {
    let options = ras::check::CheckOptions::new(ras::date::Date::new(2026, 1, 1)?);
    let model = ras::check::check_source(source, &options).model?;
    let plan = ras::plan::compile(model, source).ok()?;
    Some((ras::fmt::model_json(plan.model()), plan.order().to_vec()))
}

/// Each file of the corpus, its canonical layout and that layout's plan,
/// worked out once (formatting the layout again must change nothing).
fn canonical_corpus() -> &'static [(String, String, PlanShape)] {
    static CORPUS: std::sync::OnceLock<Vec<(String, String, PlanShape)>> =
        std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        corpus()
            .into_iter()
            .map(|(name, source)| {
                let canonical = formatted(&source);
                assert!(
                    formatted(&canonical) == canonical,
                    "{name} is not idempotent"
                );
                assert_eq!(plan_json(&source), plan_json(&canonical), "plan of {name}");
                let plan = plan_json(&canonical);
                (name, canonical, plan)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// A respaced copy of every file formats to the same bytes as the file,
    /// keeps every comment and compiles to the same plan.
    #[test]
    fn spacing_never_changes_the_canonical_layout(seed in any::<u64>()) {
        for (name, canonical, plan) in canonical_corpus() {
            let messy = respaced(canonical, seed);
            prop_assert!(ras::syntax::parse(&messy).is_ok(), "respacing broke {}:\n{}", name, messy);
            let from_messy = formatted(&messy);
            prop_assert!(&from_messy == canonical, "{} respaced formats differently:\n{}", name, messy);
            let mut before = comment_texts(&messy);
            let mut after = comment_texts(canonical);
            before.sort();
            after.sort();
            prop_assert_eq!(before, after, "comments of {}", name);
            prop_assert!(&plan_json(&messy) == plan, "plan of {} changed", name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A rule file with a piece cut out or repeated: when what is left still
    /// parses, it formats (soundly, or `ras fmt` would report it) and
    /// formatting it again changes nothing. Nothing panics.
    #[test]
    fn cut_and_repeated_pieces_format_soundly(
        file in 0usize..64, at in any::<prop::sample::Index>(), len in 0usize..400, repeat in any::<bool>()
    ) {
        let files = canonical_corpus();
        let (name, source, _) = &files[file % files.len()];
        let start = at.index(source.len());
        let mut end = (start + len).min(source.len());
        while !source.is_char_boundary(end) {
            end += 1;
        }
        let start = (0..=start).rev().find(|i| source.is_char_boundary(*i)).unwrap_or(0);
        let piece = &source[start..end];
        let mutated = if repeat {
            format!("{}{piece}{}", &source[..end], &source[end..])
        } else {
            format!("{}{}", &source[..start], &source[end..])
        };
        match format(&mutated) {
            Ok(once) => prop_assert!(formatted(&once) == once, "{} mutated is not idempotent:\n{}", name, mutated),
            Err(FormatError::Syntax(_)) => {}
            Err(FormatError::Unsound(d)) => prop_assert!(false, "{} mutated: {:?}\n{}", name, d.message, mutated),
        }
    }
}

#[test]
fn odd_files_format() {
    assert_eq!(formatted(""), "");
    assert_eq!(formatted("\n\n# only a comment\n\n"), "# only a comment\n");
    assert_eq!(
        formatted("test \"x\" { # why\n}"),
        "test \"x\" {  # why\n}\n"
    );
    assert_eq!(formatted("\u{FEFF}let a = 1\r\n"), "let a = 1\n");
}
