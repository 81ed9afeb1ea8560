//! Snapshot tests of `ras check` diagnostics over `tests/fixtures/check/`.
//!
//! `err/NAME.ras` is a complete, minimal policy with one defect. NAME starts
//! with the code the defect must produce (`unit-mismatch-add.ras` must report
//! `ras::unit-mismatch`); a `# also: ras::CODE` line in the fixture lists a
//! code the defect is allowed (and required) to produce as well. Anything else
//! fails the test, so a fixture cannot silently stop testing its code or start
//! testing something else. Each snapshot shows the source, then the rendered
//! report (no colour, width 100).
//!
//! `ok/NAME.ras` must check with no diagnostics at all and produce a model.
//!
//! Review dates are compared with a fixed "today", 2026-01-01.

use ras::check::{check_source, CheckOptions, Checked};
use ras::date::Date;
use ras::diag::codes::{self, Code};
use ras::diag::{render, Diagnostic, RenderOptions, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Codes in the registry that no fixture here can produce yet: they are
/// emitted by work not on this branch, or cannot be written as a fixture.
/// `ras::internal` means a fault in ras; `ras::not-utf8` is a file that is not
/// text (its test reads bytes, not a fixture).
const WITHOUT_FIXTURE: &[&str] = &["ras::internal", "ras::not-utf8"];

fn options() -> CheckOptions {
    CheckOptions {
        today: Date::parse("2026-01-01").expect("a valid date"),
    }
}

fn fixture_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(kind)
}

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir(kind))
        .expect("the fixture folder exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ras"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("a readable fixture")
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("a UTF-8 file name")
        .to_string()
}

fn rendered(checked: &Checked, name: &str, source: &str) -> String {
    render(
        &checked.diagnostics,
        name,
        source,
        RenderOptions {
            color: false,
            width: 100,
        },
    )
}

/// Every code about a rule file, without the `ras::` prefix.
fn all_codes() -> Vec<&'static str> {
    codes::RULE_FILE.iter().map(Code::short).collect()
}

/// The code an err fixture is named after: the longest known code that is the
/// whole file name or its prefix followed by `-`.
fn code_for(stem: &str) -> &'static str {
    all_codes()
        .into_iter()
        .filter(|c| stem == *c || stem.starts_with(&format!("{c}-")))
        .max_by_key(|c| c.len())
        .unwrap_or_else(|| panic!("fixture `{stem}.ras` is not named after a known code"))
}

/// Codes listed in `# also: ras::CODE` lines.
fn also_codes(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("# also:"))
        .map(|c| c.trim().to_string())
        .collect()
}

fn codes(diags: &[Diagnostic]) -> BTreeSet<String> {
    diags.iter().map(|d| d.code.to_string()).collect()
}

#[test]
fn err_fixtures_snapshot() {
    insta::glob!("fixtures/check/err/*.ras", |path| {
        let source = read(path);
        let name = format!("err/{}.ras", stem(path));
        let checked = check_source(&source, &options());
        let report = rendered(&checked, &name, &source);
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{source}\n----- DIAGNOSTICS\n{report}"
        ));
    });
}

#[test]
fn err_fixtures_report_the_code_they_are_named_after() {
    let files = fixtures("err");
    assert!(files.len() >= 30, "expected at least 30 err fixtures");
    let mut failures = Vec::new();
    for path in &files {
        let source = read(path);
        let name = stem(path);
        let expected = format!("ras::{}", code_for(&name));
        let also = also_codes(&source);
        let checked = check_source(&source, &options());
        let got = codes(&checked.diagnostics);
        if !got.contains(&expected) {
            failures.push(format!("{name}.ras: no `{expected}`, got {got:?}"));
        }
        for code in &got {
            if *code != expected && !also.contains(code) {
                failures.push(format!(
                    "{name}.ras: unexpected `{code}` (add `# also: {code}` if it belongs)"
                ));
            }
        }
        for code in &also {
            if !got.contains(code) {
                failures.push(format!("{name}.ras: `# also: {code}` is not reported"));
            }
        }
        let has_error = checked.diagnostics.iter().any(Diagnostic::is_error);
        if has_error == checked.model.is_some() {
            failures.push(format!(
                "{name}.ras: a model must be produced exactly when there is no error"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn warning_fixtures_are_warnings_and_still_produce_a_model() {
    for path in fixtures("err") {
        let name = stem(&path);
        let code = code_for(&name);
        if codes::warning_named(code).is_none() {
            continue;
        }
        let source = read(&path);
        let checked = check_source(&source, &options());
        let ours: Vec<&Diagnostic> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code == format!("ras::{code}"))
            .collect();
        assert!(
            ours.iter().all(|d| d.severity == Severity::Warning),
            "{name}.ras: `{code}` must be a warning"
        );
        if !checked.has_errors() {
            assert!(
                checked.model.is_some(),
                "{name}.ras: warnings only, but no model"
            );
        }
    }
}

#[test]
fn fixtures_cover_every_code_in_the_registry() {
    let mut covered = BTreeSet::new();
    for path in fixtures("err") {
        let checked = check_source(&read(&path), &options());
        covered.extend(codes(&checked.diagnostics));
    }
    let missing: Vec<&str> = codes::RULE_FILE
        .iter()
        .map(|c| c.name)
        .filter(|c| !covered.contains(*c) && !WITHOUT_FIXTURE.contains(c))
        .collect();
    assert!(missing.is_empty(), "no fixture reports {missing:?}");
    let unregistered: Vec<&String> = covered
        .iter()
        .filter(|c| codes::named(c).is_none())
        .collect();
    assert!(
        unregistered.is_empty(),
        "codes reported but not in the registry: {unregistered:?}"
    );
    assert!(covered.len() >= 30, "only {} distinct codes", covered.len());
}

#[test]
fn each_diagnostic_has_the_severity_its_code_is_registered_with() {
    for path in fixtures("err").into_iter().chain(fixtures("ok")) {
        let checked = check_source(&read(&path), &options());
        for d in &checked.diagnostics {
            let code = codes::named(d.code).map(|c| c.severity);
            assert_eq!(code, Some(d.severity), "{}: {}", stem(&path), d.code);
        }
    }
}

/// The text of a message outside `backticks` and "quotes".
fn prose(message: &str) -> String {
    let mut out = String::new();
    let mut closing: Option<char> = None;
    for c in message.chars() {
        match closing {
            Some(end) if c == end => closing = None,
            Some(_) => {}
            None if c == '`' || c == '"' => closing = Some(c),
            None => out.push(c),
        }
    }
    out
}

#[test]
fn messages_follow_the_house_style() {
    let mut failures = Vec::new();
    for path in fixtures("err") {
        let source = read(&path);
        let name = stem(&path);
        for d in check_source(&source, &options()).diagnostics {
            let m = &d.message;
            if m.starts_with(|c: char| c.is_uppercase()) || m.ends_with('.') {
                failures.push(format!("{name}.ras: `{m}`: lowercase, no final period"));
            }
            // Grammar rule names (`choice_kind`, `EOI`) and other identifiers
            // only ever appear quoted, as the user's own text.
            let words = prose(m);
            if words.contains('_') || words.contains("EOI") {
                failures.push(format!("{name}.ras: `{m}`: an unquoted identifier"));
            }
            if d.labels.is_empty() {
                failures.push(format!("{name}.ras: `{m}` points at nothing"));
            }
            if d.is_error() && d.hint.is_none() && d.labels.iter().all(|l| l.text.is_none()) {
                failures.push(format!("{name}.ras: `{m}` has neither a hint nor a note"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn labels_point_at_written_text() {
    // A label never starts or ends on layout: pest's skipped whitespace and
    // comments must not leak into spans.
    let mut failures = Vec::new();
    for path in fixtures("err") {
        let source = read(&path);
        let name = stem(&path);
        for d in check_source(&source, &options()).diagnostics {
            for l in &d.labels {
                let Some(text) = source.get(l.span.start..l.span.end) else {
                    failures.push(format!(
                        "{name}.ras: `{}`: span outside the file",
                        d.message
                    ));
                    continue;
                };
                if text.starts_with(char::is_whitespace)
                    || text.ends_with(char::is_whitespace)
                    || text
                        .lines()
                        .last()
                        .is_some_and(|line| line.trim_start().starts_with('#'))
                {
                    failures.push(format!("{name}.ras: `{}` labels {text:?}", d.message));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ok_fixtures_check_cleanly() {
    let files = fixtures("ok");
    assert!(!files.is_empty(), "no ok fixtures");
    for path in files {
        let source = read(&path);
        let name = stem(&path);
        let checked = check_source(&source, &options());
        assert!(
            checked.diagnostics.is_empty(),
            "ok/{name}.ras has diagnostics:\n{}",
            rendered(&checked, &name, &source)
        );
        assert!(checked.model.is_some(), "ok/{name}.ras produced no model");
    }
}

/// `ras run`, `eval`, `test` and `sample` check without the interval
/// analysis, whose findings are all warnings: every fixture and shipped rule
/// file must give them the same errors and the same model as `ras check`.
#[test]
fn checking_for_errors_only_finds_the_same_errors_and_model() {
    use ras::check::check_source_for_errors;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = fixtures("err");
    files.extend(fixtures("ok"));
    for dir in [
        "rules",
        "rules/lancashire",
        "rules/leicestershire",
        "rules/oldham",
    ] {
        let mut more: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("a shipped folder")
            .map(|e| e.expect("a readable entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "ras"))
            .collect();
        more.sort();
        files.extend(more);
    }
    let mut with_range_warnings = 0;
    for path in &files {
        let source = read(path);
        let all = check_source(&source, &options());
        let errors_only = check_source_for_errors(&source, &options());
        let errors = |c: &Checked| -> Vec<Diagnostic> {
            c.diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect()
        };
        assert_eq!(errors(&all), errors(&errors_only), "{}", path.display());
        assert_eq!(all.model, errors_only.model, "{}", path.display());
        if all.diagnostics.len() != errors_only.diagnostics.len() {
            with_range_warnings += 1;
        }
    }
    // The comparison means something only if some file has such warnings.
    assert!(
        with_range_warnings > 0,
        "no file has a warning of the interval analysis"
    );
}
