//! Reading a declaration at a time finds exactly what reading the whole file
//! at once finds: the same files read, the same first mistake, in the same
//! words.

use super::errors::syntax_error;
use super::parser::{RasParser, Rule};
use super::{parse, parse_recovering};
use crate::diag::codes;
use pest::Parser;

/// The rule files and fixtures as they are, and with lines deleted in turn
/// (every fourth line of the construct-by-construct fixture, every `step`th
/// line of a council's file, to keep the test quick), as `(name, text)`.
fn variants(step: usize) -> Vec<(String, String)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files: Vec<std::path::PathBuf> = [
        "rules/shire-2025.ras",
        "rules/lancashire/2014-v1.ras",
        "rules/lancashire/2016-v7.ras",
        "tests/fixtures/check/ok/every-construct.ras",
    ]
    .iter()
    .map(|p| std::path::Path::new(root).join(p))
    .collect();
    for dir in [
        "rules/leicestershire",
        "rules/oldham",
        "tests/fixtures/check/err",
    ] {
        for entry in std::fs::read_dir(std::path::Path::new(root).join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    let mut out = Vec::new();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ras"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.display().to_string();
        let lines: Vec<&str> = text.lines().collect();
        let (first, step) = match () {
            _ if name.contains("/err/") => (lines.len(), 1),
            _ if name.contains("/ok/") => (0, 4),
            _ => (0, step),
        };
        for cut in (first..lines.len()).step_by(step) {
            let mut kept = lines.clone();
            kept.remove(cut);
            out.push((format!("{name} without line {}", cut + 1), kept.join("\n")));
        }
        out.push((name, text));
    }
    out
}

#[test]
fn the_first_mistake_is_the_one_the_whole_file_parse_finds() {
    pest::set_error_detail(true);
    let mut failures = Vec::new();
    for (name, text) in variants(60) {
        if super::lower::too_deeply_nested(&text).is_some() {
            continue; // refused before it is read
        }
        let whole = RasParser::parse(Rule::file, &text);
        let parsed = parse_recovering(&text);
        let first = parsed
            .diagnostics
            .iter()
            .find(|d| d.code == codes::SYNTAX.name);
        match (whole, first) {
            (Ok(_), None) => {}
            (Ok(_), Some(d)) => failures.push(format!("{name}: read whole, but `{}`", d.message)),
            (Err(e), None) => failures.push(format!("{name}: `{e}` not found")),
            (Err(e), Some(d)) => {
                let (expected, _) = syntax_error(&text, e, |_| text.len());
                if expected.message != d.message || expected.labels[0] != d.labels[0] {
                    failures.push(format!(
                        "{name}: `{}` at {:?}, but `{}` at {:?}",
                        expected.message, expected.labels[0].span, d.message, d.labels[0].span
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn spans_are_the_file_s_offsets() {
    let text = "# a\nlet a = 1 +\n\nlet b = 2\nflag f \"F\" when b > 1";
    let parsed = parse_recovering(text);
    assert_eq!(parsed.diagnostics.len(), 1);
    let items = &parsed.file.items;
    assert_eq!(items.len(), 2);
    assert_eq!(&text[items[0].span.start..items[0].span.end], "let b = 2");
    assert_eq!(parsed.skipped[0].keyword, Some("let"));
    assert_eq!(
        &text[parsed.skipped[0].span.start..parsed.skipped[0].span.end],
        "let a = 1 +"
    );
    assert!(parse(text).is_err());
}

#[test]
fn amounts_keep_their_spelling_and_are_exact() {
    use super::ast::{Decl, LiteralValue, ParameterBody};
    let file = parse("parameter cap £ = £1,100.00").unwrap();
    let Decl::Parameter(p) = &file.items[0].decl else {
        panic!("a parameter")
    };
    let ParameterBody::Constant(lit) = &p.body else {
        panic!("a constant")
    };
    let LiteralValue::Quantity(v, _) = &lit.value else {
        panic!("an amount")
    };
    assert_eq!(v.to_string(), "1100.00");
    let err = parse("parameter p £/pt = £4.884999999999999999999999999999/pt").unwrap_err();
    assert_eq!(err[0].code, codes::NUMBER_TOO_PRECISE.name);
}

#[test]
fn the_reserved_words_are_the_ones_the_grammar_refuses_as_names() {
    let is_name = |word: &str| {
        RasParser::parse(Rule::ident, word)
            .is_ok_and(|mut p| p.next().is_some_and(|p| p.as_str() == word))
    };
    for word in super::RESERVED_WORDS {
        assert!(!is_name(word), "`{word}` read as a name");
        // A word that only begins or ends like a reserved word is a name.
        for name in [format!("{word}_x"), format!("{word}s"), format!("x{word}")] {
            assert!(is_name(&name), "`{name}` not read as a name");
        }
        let cut = &word[..word.len() - 1];
        assert!(
            is_name(cut) || super::RESERVED_WORDS.contains(&cut),
            "`{cut}`"
        );
    }
    for name in [
        "a",
        "o",
        "t",
        "w",
        "s",
        "m",
        "z",
        "_",
        "in2",
        "price_per_point",
        "outputs",
    ] {
        assert!(is_name(name), "`{name}` not read as a name");
    }
}
