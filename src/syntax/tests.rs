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
        assert!(super::is_reserved(word), "`{word}` not in `is_reserved`");
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
        assert!(!super::is_reserved(name), "`{name}` reserved");
    }
    // Every keyword of the grammar: reserved exactly when pest refuses it as a name.
    let grammar = include_str!("../../grammar/ras.pest");
    for line in grammar.lines().filter(|l| l.starts_with("k_")) {
        let word = line.split('"').nth(1).unwrap();
        if word.contains('/') {
            continue; // `yes/no` is not a word
        }
        assert_eq!(super::is_reserved(word), !is_name(word), "`{word}`");
    }
}

/// Every calculation declaration in the shipped files is read by the quick
/// reader, to the syntax tree pest gives.
#[test]
fn the_quick_reader_reads_every_shipped_calculation() {
    use super::ast::Decl;
    let mut read = 0;
    for (name, text) in variants(usize::MAX) {
        if name.contains("without line") || name.contains("/err/") {
            continue;
        }
        let file = parse(&text).unwrap();
        for item in &file.items {
            let calculation = matches!(
                item.decl,
                Decl::Let(_)
                    | Decl::Output(_)
                    | Decl::Deduction(_)
                    | Decl::Flag(_)
                    | Decl::Check(_)
            );
            if !calculation || !item.allows.is_empty() {
                continue;
            }
            let rest = &text[item.span.start..];
            let seen = &rest[..super::recover::read_limit(rest, 0)];
            let quick = super::quick::item(seen, item.span.start);
            let what = &text[item.span.start..item.span.end];
            assert_eq!(quick.map(|q| q.0).as_ref(), Some(item), "{name}: `{what}`");
            read += 1;
        }
    }
    assert!(read > 50, "only {read} calculations read");
}

/// Files read with and without the quick reader: the same declarations,
/// diagnostics and skipped text, for every shipped file and fixture and for
/// each with a line deleted.
#[test]
fn the_quick_reader_agrees_with_pest_on_every_file() {
    for (name, text) in variants(30) {
        let quick = super::lower::read_recovering(&text, true);
        let pest = super::lower::read_recovering(&text, false);
        assert!(quick == pest, "{name}: the quick reader differs");
    }
}

#[test]
fn the_quick_reader_leaves_long_calculations_to_pest() {
    // At the limit of pieces at one level, and one past it.
    for n in [200, 201] {
        let terms = vec!["a"; n].join(" + ");
        let text = format!("let x = {terms}");
        let quick = super::lower::read_recovering(&text, true);
        assert!(quick == super::lower::read_recovering(&text, false));
        assert_eq!(quick.diagnostics.len(), usize::from(n == 201));
    }
}

mod generated {
    use super::super::lower::read_recovering;
    use proptest::prelude::*;

    /// Words and marks a calculation is written with, right and wrong.
    const TOKENS: &[&str] = &[
        "a",
        "b_2",
        "cohort",
        "plan_cost",
        "total",
        "points",
        "hours",
        "money",
        "weighted",
        "in",
        "[",
        "]",
        ",",
        "(",
        ")",
        "{",
        "}",
        "choose",
        "when",
        "otherwise",
        "round",
        "penny",
        "pound",
        "half_even",
        "up",
        "is",
        "not",
        "and",
        "or",
        "of",
        "+",
        "-",
        "*",
        "×",
        "/",
        "<=",
        "≤",
        ">=",
        "≥",
        "<",
        ">",
        "=",
        "!=",
        "≠",
        "!",
        "5",
        "10",
        "3.5",
        "0.",
        "007",
        "2024-01-01",
        "2024-02-30",
        "2024-01-011",
        "£4.88/pt",
        "£1,100.00",
        "£1,2345",
        "£5/x",
        "£5/ h",
        "£-3",
        "£",
        "%",
        "pts",
        "h",
        "night",
        "true",
        "false",
        "\"label\"",
        "\"a \\\" b\"",
        "\"bad \\x\"",
        "\"open",
        "# note\n",
        "\n",
        "\r\n",
        "\u{FEFF}",
        "let",
        "output",
        "flag",
        "check",
        "stop",
        "warn",
        "deduction",
        "for",
        "informal",
        "support",
        "min",
        "count",
        "5pts",
        "1e3",
        "café",
        "allow",
        "test",
        "_",
        "x1",
        "99999999999999999999999999999",
        "1.0000000000000000000000000001",
    ];

    const HEADS: &[&str] = &[
        "let x = ",
        "let x \"Label\" = ",
        "output o \"Out\" = ",
        "deduction d \"Reason\" = ",
        "deduction d \"Reason\" for informal support = ",
        "flag f \"Flag\" when ",
        "check c \"Check\" stop when ",
        "let ",
        "output o = ",
        "",
    ];

    /// A calculation that reads: names, values, operators, calls, tests.
    fn calculation() -> impl Strategy<Value = String> {
        let leaf = prop::sample::select(vec![
            "a",
            "b_2",
            "10",
            "3.5 h",
            "38 pts",
            "10%",
            "10 %",
            "£4.88/pt",
            "£1,100.00",
            "£-3",
            "2024-04-01",
            "true",
            "total points",
            "total weighted points in [a, b]",
            "total hours in a",
            "plan_cost",
            "cohort in [older_people, working_age]",
            "carer is not none",
            "health is 3",
            "a not in [x]",
            "round",
            "x # note\n",
        ])
        .prop_map(str::to_string);
        leaf.prop_recursive(4, 24, 3, |inner| {
            let op = prop::sample::select(vec![
                "+", "-", "*", "×", "/", "of", "and", "or", "<", "<=", "≤", ">", ">=", "=", "!=",
                "≠",
            ]);
            prop_oneof![
                (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("{a} {o} {b}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}-{b}")),
                inner.clone().prop_map(|a| format!("-{a}")),
                inner.clone().prop_map(|a| format!("not {a}")),
                inner.clone().prop_map(|a| format!("({a})")),
                inner.clone().prop_map(|a| format!("round({a}, pound)")),
                inner
                    .clone()
                    .prop_map(|a| format!("round( {a} , penny half_even )")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("min({a}, {b})")),
                inner.clone().prop_map(|a| format!("count()+{a}")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(a, b, c)| format!("choose {{ {a} when {b} {c} otherwise }}")),
            ]
        })
    }

    fn declaration(body: String) -> impl Strategy<Value = String> {
        (prop::sample::select(HEADS), prop::option::of(calculation())).prop_map(
            move |(head, when)| match when {
                Some(w) => format!("{head}{body} when {w}\nlet z = 1"),
                None => format!("{head}{body}"),
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn token_soup_reads_as_pest_reads_it(
            tokens in prop::collection::vec(prop::sample::select(TOKENS), 1..14),
            gaps in prop::collection::vec(prop::sample::select(vec!["", " ", "\n", "  "]), 14),
            head in prop::sample::select(HEADS),
        ) {
            let mut text = head.to_string();
            for (t, g) in tokens.iter().zip(&gaps) {
                text.push_str(t);
                text.push_str(g);
            }
            prop_assert!(read_recovering(&text, true) == read_recovering(&text, false), "{}", text);
        }

        #[test]
        fn calculations_read_as_pest_reads_them(text in calculation().prop_flat_map(declaration)) {
            prop_assert!(read_recovering(&text, true) == read_recovering(&text, false), "{}", text);
        }
    }
}
