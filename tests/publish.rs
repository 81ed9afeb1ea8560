//! `ras publish`: the published policy holds every question, every option's
//! wording and every figure of each shipped rule file; snapshots of the
//! documents; a file with errors is not published.

use ras::model::{BandTable, Expectation, Expr, Model, QuestionKind};
use ras::plan::Plan;
use ras::publish;
use ras::units::Unit;
use std::fs;
use std::path::{Path, PathBuf};

fn plan_of(source: &str) -> Plan {
    // Only the review-date warning reads the date; a fixed one keeps the tests
    // the same on every day.
    let today = ras::date::Date::parse("2026-01-01").unwrap();
    let checked = ras::check::check_source(source, &ras::check::CheckOptions::new(today));
    let model = checked
        .model
        .unwrap_or_else(|| panic!("rule file has errors: {:?}", checked.diagnostics));
    ras::plan::compile(model, source).unwrap()
}

fn rule_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(rule_files(&path));
        } else if path.extension().is_some_and(|e| e == "ras") {
            out.push(path);
        }
    }
    out
}

/// The text a reader of the HTML page sees: tags dropped (a space for each,
/// as cells stand apart), entities read.
fn page_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Whether `figure` stands in `text` as a figure of its own: not the `10`
/// of `100` or of `£10.50`, nor the `1` of `q01`.
fn has_figure(text: &str, figure: &str) -> bool {
    text.match_indices(figure).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = &text[at + figure.len()..];
        let glued_before = before.is_some_and(|c| c.is_alphanumeric() || ".,£-".contains(c));
        let mut rest = after.chars();
        let glued_after = match rest.next() {
            Some(c) if c.is_alphanumeric() => true,
            Some('.' | ',') => rest.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        };
        !glued_before && !glued_after
    })
}

/// Every figure written in the rule file, as the value printer writes it
/// (several spellings for a number whose unit the model does not keep).
fn figures(m: &Model) -> Vec<(String, Vec<String>)> {
    let q = |v, u| vec![ras::eval::format_quantity(v, u)];
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for d in &m.domains {
        out.push((format!("weight of {}", d.id), q(d.weight, Unit::Number)));
    }
    for question in &m.questions {
        match &question.kind {
            QuestionKind::Choice { options, units, .. } => {
                for o in options {
                    for (v, u) in o.values.iter().zip(units) {
                        out.push((format!("{} option {}", question.id, o.code), q(*v, *u)));
                    }
                }
            }
            QuestionKind::Number { unit, min, max, .. } => {
                out.push((format!("{} least", question.id), q(*min, *unit)));
                out.push((format!("{} most", question.id), q(*max, *unit)));
            }
            QuestionKind::YesNo { .. } => {}
        }
    }
    for p in &m.parameters {
        for entry in &p.schedule {
            for v in &entry.values {
                out.push((format!("parameter {}", p.id), q(*v, p.unit)));
            }
        }
    }
    for b in &m.bands {
        match &b.table {
            BandTable::Steps { rows } => {
                for r in rows {
                    for edge in [r.from, r.to].into_iter().flatten() {
                        out.push((format!("band {} edge", b.id), q(edge, b.on)));
                    }
                    out.push((format!("band {} value", b.id), q(r.value, b.unit)));
                }
            }
            BandTable::Interpolate { points, beyond } => {
                for p in points {
                    out.push((format!("band {} point", b.id), q(p.at, b.on)));
                    out.push((format!("band {} point value", b.id), q(p.value, b.unit)));
                }
                if let Some(rate) = beyond {
                    let unit = b.unit.divided_by(b.on).unwrap();
                    out.push((format!("band {} beyond", b.id), q(*rate, unit)));
                }
            }
        }
    }
    for e in &m.exprs {
        if let Expr::Number { value } = e {
            let spellings = [
                Unit::Number,
                Unit::Percent,
                Unit::Money,
                Unit::Points,
                Unit::Hours,
                Unit::Sessions,
                Unit::Nights,
            ]
            .into_iter()
            .map(|u| ras::eval::format_quantity(*value, u))
            .collect();
            out.push((format!("figure {value} in a calculation"), spellings));
        }
    }
    for t in &m.tests {
        for e in &t.expects {
            if let Expectation::Value { step, value } = e {
                let s = &m.steps[*step as usize];
                out.push((format!("test `{}`: {}", t.name, s.id), q(*value, s.unit)));
            }
        }
    }
    out
}

/// Every wording a reader must find: questions, options, cohorts, attribute
/// values, domains, parameter and band labels, sentences of deductions,
/// flags, checks and routes, test names.
fn wordings(m: &Model) -> Vec<String> {
    let h = &m.header;
    let mut out = vec![h.title.clone(), h.council.clone(), h.version.clone()];
    out.extend(h.approved.clone());
    out.extend(h.change.clone());
    for c in &m.cohorts {
        out.push(c.label.clone());
        out.extend(c.not_validated.clone());
    }
    for a in &m.attributes {
        out.push(a.label.clone());
        out.extend(a.values.iter().map(|v| v.label.clone()));
    }
    out.extend(m.domains.iter().map(|d| d.label.clone()));
    for question in &m.questions {
        out.push(question.id.clone());
        out.push(question.text.clone());
        if let QuestionKind::Choice { options, .. } = &question.kind {
            out.extend(options.iter().map(|o| o.text.clone()));
        }
    }
    out.extend(m.parameters.iter().filter_map(|p| p.label.clone()));
    out.extend(m.bands.iter().filter_map(|b| b.label.clone()));
    for s in &m.steps {
        out.push(s.id.clone());
        match &s.kind {
            ras::model::StepKind::Deduction { reason, .. } => out.push(reason.clone()),
            ras::model::StepKind::Output { label } => out.push(label.clone()),
            ras::model::StepKind::Let { label } => out.extend(label.clone()),
        }
    }
    out.extend(m.flags.iter().map(|f| f.text.clone()));
    out.extend(m.checks.iter().map(|c| c.message.clone()));
    if let Some(route) = &m.route {
        out.extend(route.rules.iter().map(|r| r.text.clone()));
    }
    out.extend(m.tests.iter().map(|t| t.name.clone()));
    out
}

#[test]
fn every_wording_and_figure_of_each_rule_file_is_published() {
    let files = rule_files(Path::new("rules"));
    assert!(files.len() >= 5, "the shipped rule files: {files:?}");
    // The ok fixtures hold what no council file does: rates by area and by
    // date together, defaults, a stop check, a route through a flag.
    let fixtures = rule_files(Path::new("tests/fixtures/check/ok"));
    for path in files.into_iter().chain(fixtures) {
        let source = fs::read_to_string(&path).unwrap();
        let plan = plan_of(&source);
        let m = plan.model();
        let html = page_text(&publish::to_html(&plan));
        let markdown = publish::to_markdown(&plan);
        for wording in wordings(m) {
            assert!(
                html.contains(&wording),
                "{}: the HTML lacks `{wording}`",
                path.display()
            );
            // Markdown escapes only what would be markup, which these
            // wordings do not hold.
            assert!(
                markdown.contains(&wording),
                "{}: the Markdown lacks `{wording}`",
                path.display()
            );
        }
        for (what, spellings) in figures(m) {
            assert!(
                spellings.iter().any(|f| has_figure(&html, f)),
                "{}: the HTML lacks {what} ({})",
                path.display(),
                spellings.join(" or ")
            );
            assert!(
                spellings.iter().any(|f| has_figure(&markdown, f)),
                "{}: the Markdown lacks {what} ({})",
                path.display(),
                spellings.join(" or ")
            );
        }
    }
}

#[test]
fn a_figure_is_found_only_standing_alone() {
    assert!(has_figure("at £4.88/pt from", "£4.88/pt"));
    assert!(has_figure("| 10 pts |", "10 pts"));
    assert!(has_figure("is at least 35 h.", "35 h"));
    assert!(!has_figure("£100.00 up to", "10"));
    assert!(!has_figure("question q01", "1"));
    assert!(!has_figure("£1,000.00", "1"));
    assert!(!has_figure("110 pts", "10 pts"));
    assert!(!has_figure("nothing here", "£4.88/pt"));
}

/// A document with the fingerprint (which changes with any edit of the rule
/// file, comments included) replaced, so snapshots show content.
fn stable(plan: &Plan, text: String) -> String {
    text.replace(plan.fingerprint(), "<fingerprint of the rule file>")
}

#[test]
fn markdown_of_every_rule_file() {
    insta::glob!("../rules", "**/*.ras", |path| {
        let plan = plan_of(&fs::read_to_string(path).unwrap());
        let markdown = publish::to_markdown(&plan);
        insta::assert_snapshot!(stable(&plan, markdown));
    });
}

#[test]
fn markdown_of_every_construct() {
    let source = fs::read_to_string("tests/fixtures/check/ok/every-construct.ras").unwrap();
    let plan = plan_of(&source);
    let markdown = publish::to_markdown(&plan);
    // Words keep the formula's grouping: `a and b or c` is bracketed.
    assert!(markdown.contains(
        "2. (The cohort is Older people, Working-age adults or People with mental health needs \
         and “Where the person lives” is North of the county) or “Where the person lives” is \
         South of the county."
    ));
    assert!(
        markdown.contains("`hours` less the answer to `informal_hours`, but never less than 0 h")
    );
    assert!(markdown.contains("the difference between the weekly cost of the costed support plan and `indicative` is more than 10% of `indicative`"));
    assert!(markdown.contains("| Where the person lives | From 1 April 2025 | From 1 April 2026 |"));
    assert!(markdown.contains("| `1` | None (the answer when none is given) | 0 pts | 0 h |"));
    insta::assert_snapshot!(stable(&plan, markdown));
}

#[test]
fn html_of_the_reference_scenario() {
    let plan = plan_of(&fs::read_to_string("rules/shire-2025.ras").unwrap());
    let html = publish::to_html(&plan);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("tr, dt, dd, li { break-inside: avoid"));
    assert!(html.contains("<th scope=\"col\""));
    assert!(html.contains("<th scope=\"row\""));
    // Self-contained: nothing fetched.
    for outside in ["<link", "<script", "src=", "http://", "https://"] {
        assert!(!html.contains(outside), "the page holds `{outside}`");
    }
    insta::assert_snapshot!(stable(&plan, html));
}

#[test]
fn the_appeal_section_holds_the_councils_words() {
    let source = fs::read_to_string("rules/oldham/2019-01.ras").unwrap();
    let words = "Ask your social worker for a review within 28 days & say why";
    let with_words = with_appeal(&source, words);
    let plan = plan_of(&with_words);
    let markdown = publish::to_markdown(&plan);
    assert!(markdown.contains("## Asking for a review or an appeal"));
    assert!(markdown.contains("“Ask your social worker for a review within 28 days &amp; say why”"));
    let html = publish::to_html(&plan);
    assert!(html.contains("<a href=\"#appeal\">"));
    let without: String = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("appeal "))
        .map(|l| {
            format!(
                "{l}
"
            )
        })
        .collect();
    assert!(!publish::to_html(&plan_of(&without)).contains("id=\"appeal\""));
}

/// The rule file with its `appeal` line's words replaced.
fn with_appeal(source: &str, words: &str) -> String {
    source
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("appeal ") {
                format!(
                    "  appeal \"{words}\"
"
                )
            } else {
                format!(
                    "{l}
"
                )
            }
        })
        .collect()
}

#[cfg(feature = "cli")]
mod command_line {
    use std::path::Path;
    use std::process::Command;

    struct Run {
        code: Option<i32>,
        stdout: String,
        stderr: String,
    }

    fn ras(dir: &Path, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_ras"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn rules(name: &str) -> String {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .join(name)
            .display()
            .to_string()
    }

    #[test]
    fn a_file_with_errors_shows_them_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let source = std::fs::read_to_string(rules("shire-2025.ras"))
            .unwrap()
            .replace("= gross - contingency", "= gross - contingncy");
        std::fs::write(dir.path().join("bad.ras"), source).unwrap();
        for out in ["bad.html", "bad.md"] {
            let run = ras(dir.path(), &["publish", "bad.ras", "-o", out]);
            assert_eq!(run.code, Some(1), "{}", run.stderr);
            assert!(run.stderr.contains("ras::unknown-name"), "{}", run.stderr);
            assert!(run.stderr.contains("contingncy"), "{}", run.stderr);
            assert!(
                run.stderr.contains("`bad.ras` has 1 error"),
                "{}",
                run.stderr
            );
            assert!(run.stdout.is_empty());
            assert!(!dir.path().join(out).exists(), "{out} was written");
        }
        let run = ras(dir.path(), &["publish", "bad.ras"]);
        assert_eq!(run.code, Some(1));
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }

    #[test]
    fn the_format_follows_the_output_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = rules("lancashire/2016-v7.ras");
        let run = ras(dir.path(), &["publish", &file, "-o", "v7.html"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let html = std::fs::read_to_string(dir.path().join("v7.html")).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        let run = ras(dir.path(), &["publish", &file, "-o", "v7.md"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let md = std::fs::read_to_string(dir.path().join("v7.md")).unwrap();
        assert!(md.starts_with("# Adult Social Care Resource Allocation System (FACE version 7)"));
        // Printed: Markdown unless asked; `-o -` prints too.
        let printed = ras(dir.path(), &["publish", &file]);
        assert_eq!(printed.stdout, md);
        let printed = ras(
            dir.path(),
            &["publish", &file, "-o", "-", "--format", "html"],
        );
        assert_eq!(printed.stdout, html);
        // --format wins over the name.
        let run = ras(
            dir.path(),
            &["publish", &file, "-o", "page.txt", "--format", "html"],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        // A name that says no format is refused before anything is read.
        let run = ras(dir.path(), &["publish", &file, "-o", "v7.txt"]);
        assert_eq!(run.code, Some(2));
        assert!(
            run.stderr.contains("cannot tell the format of `v7.txt`"),
            "{}",
            run.stderr
        );
        assert!(!dir.path().join("v7.txt").exists());
    }

    #[test]
    fn a_compiled_plan_publishes_the_same_document() {
        let dir = tempfile::tempdir().unwrap();
        let file = rules("oldham/2019-01.ras");
        let run = ras(dir.path(), &["compile", &file, "-o", "plan.json"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let from_plan = ras(dir.path(), &["publish", "--plan", "plan.json"]);
        assert_eq!(from_plan.code, Some(0), "{}", from_plan.stderr);
        let from_file = ras(dir.path(), &["publish", &file]);
        assert_eq!(from_plan.stdout, from_file.stdout);
    }
}
