//! `ras::check::check_source` never panics (nor overflows its stack), whatever
//! it is given, and rendering what it reports never panics either.
//!
//! Three kinds of input: random text, random sequences of the language's own
//! tokens (which get further into the grammar than random text), and real rule
//! files with random mutations: tokens and lines deleted, duplicated or
//! swapped, characters inserted, numbers made huge or odd, units changed.
//! Each property runs 256 cases so the suite stays quick in debug builds.

use proptest::prelude::*;
use ras::check::{check_source, CheckOptions, Checked};
use ras::date::Date;
use ras::diag::{render, to_json, RenderOptions};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn options() -> CheckOptions {
    CheckOptions {
        today: Date::parse("2026-01-01").expect("a valid date"),
    }
}

/// Checks and renders `source`; panics (failing the property) on a broken
/// invariant.
fn check_and_render(source: &str) -> Checked {
    let checked = check_source(source, &options());
    assert_eq!(
        checked.model.is_some(),
        !checked.has_errors(),
        "a model must be produced exactly when there is no error"
    );
    for d in &checked.diagnostics {
        assert!(
            d.code.starts_with("ras::"),
            "code `{}` without `ras::`",
            d.code
        );
        assert_ne!(d.code, "ras::internal", "internal error: {}", d.message);
        assert!(!d.message.is_empty(), "empty message for {}", d.code);
        for l in &d.labels {
            assert!(
                l.span.start <= l.span.end && l.span.end <= source.len(),
                "{}: label {:?} outside the file",
                d.code,
                l.span
            );
            assert!(
                source.is_char_boundary(l.span.start) && source.is_char_boundary(l.span.end),
                "{}: label {:?} splits a character",
                d.code,
                l.span
            );
        }
    }
    let options = RenderOptions {
        color: false,
        width: 100,
    };
    render(&checked.diagnostics, "fuzz.ras", source, options);
    to_json(&checked.diagnostics, "fuzz.ras", source);
    checked
}

/// Real rule files: the check fixtures and the councils' rules.
fn seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "tests/fixtures/check/ok",
            "tests/fixtures/check/err",
            "rules",
        ] {
            collect_ras(&root.join(dir), &mut files);
        }
        files.sort();
        let seeds: Vec<String> = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect();
        assert!(!seeds.is_empty(), "no rule files to mutate");
        seeds
    })
}

fn collect_ras(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_ras(&path, out);
        } else if path.extension().is_some_and(|x| x == "ras") {
            out.push(path);
        }
    }
}

/// Words and the layout between them, so a mutation keeps the rest intact.
fn tokens(source: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in source.chars() {
        match out.last_mut() {
            Some(t) if t.starts_with(char::is_whitespace) == c.is_whitespace() => t.push(c),
            _ => out.push(c.to_string()),
        }
    }
    out
}

const ODD_NUMBERS: &[&str] = &[
    "99999999999999999999999999999",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "0.00000000000000000000000000000001",
    "0",
    "-0",
    "-1",
    "1,000,000,000,000,000",
];

const ODD_DATES: &[&str] = &[
    "2010-02-30",
    "9999-12-31",
    "0000-00-00",
    "2024-02-29",
    "1900-01-01",
];

const UNITS: &[&str] = &[
    "pts", "pt", "h", "hours", "sessions", "nights", "night", "%",
];

const RATES: &[&str] = &["", "/pt", "/h", "/session", "/night"];

const WORDS: &[&str] = &[
    "policy",
    "council",
    "version",
    "effective",
    "review",
    "cohorts",
    "attribute",
    "domain",
    "question",
    "parameter",
    "bands",
    "let",
    "deduction",
    "output",
    "flag",
    "check",
    "eligibility",
    "route",
    "test",
    "given",
    "expect",
    "allow",
    "indicative",
    "plan_cost",
    "cohort",
    "total",
    "points",
    "weighted",
    "choose",
    "otherwise",
    "when",
    "and",
    "or",
    "not",
    "of",
    "is",
    "in",
    "round",
    "min",
    "max",
    "abs",
    "count",
    "yes/no",
    "number",
    "from",
    "to",
    "by",
    "interpolate",
    "below",
    "above",
    "default",
    "carer",
    "willingness",
    "for",
    "informal",
    "support",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    ",",
    "=",
    "+",
    "-",
    "*",
    "/",
    ">=",
    "<",
    "\"",
    "\"text\"",
    "£",
    "£5",
    "10%",
    "3 pts",
    "2010-01-01",
    "#",
    "\n",
];

/// One change to a rule file.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteToken(usize),
    DuplicateToken(usize),
    SwapTokens(usize, usize),
    ReplaceToken(usize, usize),
    /// A word replaced by another word of the same file (names mixed up).
    ReuseToken(usize, usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    InsertChar(usize, char),
    OddNumber(usize, usize),
    FlipUnit(usize, usize),
}

/// Mostly changes that keep the file readable, so that the checker (not just
/// the parser) sees most cases.
fn mutation() -> impl Strategy<Value = Mutation> {
    let idx = any::<usize>;
    prop_oneof![
        3 => (idx(), idx()).prop_map(|(a, b)| Mutation::OddNumber(a, b)),
        3 => (idx(), idx()).prop_map(|(a, b)| Mutation::FlipUnit(a, b)),
        3 => (idx(), idx()).prop_map(|(a, b)| Mutation::ReuseToken(a, b)),
        2 => idx().prop_map(Mutation::DeleteLine),
        2 => idx().prop_map(Mutation::DuplicateLine),
        1 => (idx(), idx()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => idx().prop_map(Mutation::DeleteToken),
        1 => idx().prop_map(Mutation::DuplicateToken),
        1 => (idx(), idx()).prop_map(|(a, b)| Mutation::SwapTokens(a, b)),
        1 => (idx(), idx()).prop_map(|(a, b)| Mutation::ReplaceToken(a, b)),
        1 => (idx(), any::<char>()).prop_map(|(a, c)| Mutation::InsertChar(a, c)),
    ]
}

fn apply(source: &str, m: &Mutation) -> String {
    let mut toks = tokens(source);
    let mut lines: Vec<&str> = source.split_inclusive('\n').collect();
    if toks.is_empty() || lines.is_empty() {
        return source.to_string();
    }
    match m {
        Mutation::DeleteToken(i) => {
            toks.remove(i % toks.len());
        }
        Mutation::DuplicateToken(i) => {
            let k = i % toks.len();
            toks.insert(k, toks[k].clone());
        }
        Mutation::SwapTokens(a, b) => {
            let n = toks.len();
            toks.swap(a % n, b % n);
        }
        Mutation::ReplaceToken(i, w) => {
            let k = i % toks.len();
            toks[k] = WORDS[w % WORDS.len()].to_string();
        }
        Mutation::ReuseToken(i, j) => {
            let is_name = |t: &str| {
                t.starts_with(|c: char| c.is_ascii_lowercase())
                    && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !WORDS.contains(&t)
            };
            let names: Vec<usize> = (0..toks.len()).filter(|&k| is_name(&toks[k])).collect();
            if names.is_empty() {
                return source.to_string();
            }
            let (a, b) = (names[i % names.len()], names[j % names.len()]);
            toks[a] = toks[b].clone();
        }
        Mutation::DeleteLine(i) => {
            lines.remove(i % lines.len());
            return lines.concat();
        }
        Mutation::DuplicateLine(i) => {
            let k = i % lines.len();
            lines.insert(k, lines[k]);
            return lines.concat();
        }
        Mutation::SwapLines(a, b) => {
            let n = lines.len();
            lines.swap(a % n, b % n);
            return lines.concat();
        }
        Mutation::InsertChar(i, c) => {
            let boundaries: Vec<usize> = source
                .char_indices()
                .map(|(k, _)| k)
                .chain([source.len()])
                .collect();
            let at = boundaries[i % boundaries.len()];
            return format!("{}{c}{}", &source[..at], &source[at..]);
        }
        Mutation::OddNumber(i, v) => {
            let numeric: Vec<usize> = (0..toks.len())
                .filter(|&k| toks[k].contains(|c: char| c.is_ascii_digit()))
                .collect();
            if numeric.is_empty() {
                return source.to_string();
            }
            let k = numeric[i % numeric.len()];
            let t = &toks[k];
            let start = t.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
            let end = t[start..]
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-'))
                .map_or(t.len(), |e| start + e);
            let digits = &t[start..end];
            let is_date = digits.len() == 10 && digits.as_bytes().get(4) == Some(&b'-');
            let odd = if is_date {
                ODD_DATES[v % ODD_DATES.len()]
            } else {
                ODD_NUMBERS[v % ODD_NUMBERS.len()]
            };
            toks[k] = format!("{}{odd}{}", &t[..start], &t[end..]);
        }
        Mutation::FlipUnit(i, u) => {
            // `10 pts` -> `10 h`; `£4.88/pt` -> `£4.88/h`.
            let units: Vec<usize> = (0..toks.len())
                .filter(|&k| {
                    let t = toks[k].trim_end_matches([',', ':', ')']);
                    UNITS.contains(&t) || (t.starts_with('£') && t.len() > 2)
                })
                .collect();
            if units.is_empty() {
                return source.to_string();
            }
            let k = units[i % units.len()];
            let t = toks[k].clone();
            let tail = &t[t.trim_end_matches([',', ':', ')']).len()..];
            toks[k] = if let Some(amount) = t.strip_prefix('£') {
                let amount = amount.trim_end_matches([',', ':', ')']);
                let amount = amount.split('/').next().unwrap_or(amount);
                format!("£{amount}{}{tail}", RATES[u % RATES.len()])
            } else {
                format!("{}{tail}", UNITS[u % UNITS.len()])
            };
        }
    }
    toks.concat()
}

/// 256 cases, unless `PROPTEST_CASES` asks for another number (for a long
/// local run: `PROPTEST_CASES=20000 cargo test --release --test never_panics`).
fn config() -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(256)
    }
}

/// A random sequence of the language's own words and symbols.
fn token_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(WORDS).prop_map(str::to_string),
            1 => "[a-z_]{1,12}",
            1 => "-?[0-9]{1,30}(\\.[0-9]{1,30})?",
        ],
        0..120,
    )
    .prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        check_and_render(&text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_and_render(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        check_and_render(&text);
    }

    #[test]
    fn mutated_rule_files_never_panic(
        seed in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..5),
    ) {
        let seeds = seeds();
        let mut source = seeds[seed % seeds.len()].clone();
        // Checked after each change: the first changes still read as a
        // policy more often, and so reach the checker, not just the parser.
        for m in &mutations {
            source = apply(&source, m);
            check_and_render(&source);
        }
    }
}

/// Inputs that once exhausted the stack, and the size limits around them.
#[test]
fn deep_and_long_calculations_are_refused_not_crashed() {
    let policy = |expr: &str| {
        format!(
            "policy \"p\" {{ council \"c\" version \"v\" }}\ncohorts {{ a \"A\" }}\n\
             question q \"Q\" {{ 1 \"x\" 1 pts }}\n\
             output indicative \"I\" = round(({expr}) * £1/pt)\n"
        )
    };
    let too_complex = [
        format!("{}total points{}", "(".repeat(5_000), ")".repeat(5_000)),
        format!("{}total points", "- ".repeat(5_000)),
        vec!["total points"; 5_000].join(" + "),
        format!("{}total points{}", "round(".repeat(40), ")".repeat(40)),
    ];
    for expr in &too_complex {
        let checked = check_and_render(&policy(expr));
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["ras::too-complex"]);
    }
    // Wide but shallow: many arguments or choices are not deep.
    let wide = [
        format!("min({})", vec!["total points"; 5_000].join(", ")),
        format!(
            "choose {{ {} 0 pts otherwise }}",
            "total points when true ".repeat(2_000)
        ),
    ];
    for expr in &wide {
        let checked = check_and_render(&policy(expr));
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    }
    // Within the limits, long and nested calculations are fine.
    let long = vec!["total points"; 150].join(" + ");
    let nested = format!("{}total points{}", "(".repeat(20), ")".repeat(20));
    for expr in [long, nested] {
        let checked = check_and_render(&policy(&expr));
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    }
}

#[test]
fn mutations_change_the_file() {
    // Guards the mutator itself: a mutation that never changes anything would
    // make the property above vacuous.
    let source = &seeds()[0];
    let m = Mutation::DeleteLine(1);
    assert_ne!(apply(source, &m), *source);
    let m = Mutation::OddNumber(0, 0);
    assert!(apply(source, &m).contains("99999999999999999999999999999"));
}
