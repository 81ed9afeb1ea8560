//! `ras calibrate`, from the outside:
//!
//! - the calibrated value is the one an independent brute-force loop over
//!   prices finds (the rule file's text edited, checked, compiled and every
//!   case evaluated on the full path), on sampled caseloads, with and without
//!   `--budget`, for a plain parameter (Oldham's hourly rate) and one by
//!   cohort (Shire's price per point, with contingency bands);
//! - `--write` gives a file that checks clean, in the canonical layout, whose
//!   model differs from the original's only in that parameter and the header;
//! - every format is snapshotted on the Wigan example caseload;
//! - bad input: a missing column, a cost that is not money (counted, not
//!   lost), an unknown parameter, a dated parameter without `--from`.

#![cfg(feature = "cli")]

use ras::case::Case;
use ras::check::{check_source, CheckOptions};
use ras::eval::{EvalOptions, Evaluator, Status};
use ras::model::Model;
use ras::plan::compile;
use ras::sample::{write_sample, SampleFormat};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn today() -> ras::date::Date {
    ras::date::Date::parse("2026-01-01").unwrap()
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn model_of(source: &str) -> Model {
    let checked = check_source(source, &CheckOptions::new(today()));
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    checked.model.unwrap()
}

/// Each case's indicative budget under `source`; `None` when it has none.
fn indicatives(source: &str, cases: &[Case]) -> Vec<Option<Decimal>> {
    let plan = compile(model_of(source), source).unwrap();
    let ev = Evaluator::new(&plan);
    cases
        .iter()
        .map(|c| {
            let r = ev.evaluate(c, &EvalOptions::default());
            (r.status == Status::Ok).then(|| r.outputs.get("indicative").unwrap().value)
        })
        .collect()
}

fn sampled(rules: &str, n: u64, seed: u64) -> Vec<Case> {
    let source = std::fs::read_to_string(root().join(rules)).unwrap();
    let mut out = Vec::new();
    write_sample(
        &model_of(&source),
        n,
        seed,
        SampleFormat::JsonLines,
        &mut out,
    )
    .unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| Case::from_json(l).unwrap())
        .collect()
}

/// A current cost for each case: its indicative budget now, times a factor
/// from 0.8 to 1.35 that depends on its place (£100 for a case with none).
fn costs(now: &[Option<Decimal>]) -> Vec<Decimal> {
    now.iter()
        .enumerate()
        .map(|(i, b)| match b {
            Some(b) => {
                let factor = d("0.80") + Decimal::from((i * 7) % 12) * d("0.05");
                (b * factor).round_dp(2)
            }
            None => d("100.00"),
        })
        .collect()
}

/// The cases as a CSV caseload with a `cost` column.
fn write_csv(path: &Path, cases: &[Case], costs: &[Decimal]) {
    let answers: BTreeSet<&String> = cases.iter().flat_map(|c| c.answers.keys()).collect();
    let attributes: BTreeSet<&String> = cases.iter().flat_map(|c| c.attributes.keys()).collect();
    let mut w = csv::Writer::from_path(path).unwrap();
    let mut header = vec!["case_id", "cohort", "assessed", "plan_cost"];
    header.extend(attributes.iter().map(|s| s.as_str()));
    header.extend(answers.iter().map(|s| s.as_str()));
    header.push("cost");
    w.write_record(&header).unwrap();
    for (c, cost) in cases.iter().zip(costs) {
        let mut row = vec![
            c.case_id.clone().unwrap_or_default(),
            c.cohort.clone().unwrap_or_default(),
            c.assessed.map(|d| d.to_string()).unwrap_or_default(),
            c.plan_cost.map(|d| d.to_string()).unwrap_or_default(),
        ];
        row.extend(
            attributes
                .iter()
                .map(|a| c.attributes.get(*a).cloned().unwrap_or_default()),
        );
        row.extend(
            answers
                .iter()
                .map(|a| c.answers.get(*a).cloned().unwrap_or_default()),
        );
        row.push(cost.to_string());
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
}

mod support;
use support::{ras, Run};

/// The highest price in whole pence at which the total of `cases`' budgets,
/// with `written` in the source replaced by the price, is at most `target`:
/// whole pounds upwards first, then the pence of the last pound that fits.
/// Also checks that the total never falls as the price rises.
fn brute_force(
    source: &str,
    written: &str,
    unit: &str,
    cases: &[Case],
    target: Decimal,
) -> Decimal {
    let total = |price: Decimal| -> Decimal {
        let edited = source.replacen(written, &format!("£{price:.2}{unit}"), 1);
        assert_ne!(edited, source, "`{written}` is not in the rule file");
        indicatives(&edited, cases).into_iter().flatten().sum()
    };
    let mut last = Decimal::MIN;
    let mut pounds = 0u32;
    loop {
        let t = total(Decimal::from(pounds + 1));
        assert!(t >= last, "the total fell as the price rose");
        last = t;
        if t > target {
            break;
        }
        pounds += 1;
        assert!(pounds < 500, "no price up to £500 reaches the target");
    }
    let mut best = Decimal::from(pounds);
    assert!(total(best) <= target, "even £{best} is above the target");
    for pence in 1..100 {
        let price = Decimal::from(pounds) + Decimal::new(pence, 2);
        if total(price) <= target {
            best = price;
        } else {
            break;
        }
    }
    best
}

fn json(run: &Run) -> Value {
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn a_plain_rate_matches_a_brute_force_search_with_and_without_a_budget() {
    let rules = "rules/oldham/2019-01.ras";
    let source = std::fs::read_to_string(root().join(rules)).unwrap();
    // Sampled informal hours run up to 168 a week, which leaves most cases
    // no paid hours at all; a few hours each keeps the rate deciding budgets.
    let mut cases = sampled(rules, 60, 5);
    for (i, c) in cases.iter_mut().enumerate() {
        c.answers
            .insert("informal_hours".into(), (i % 5).to_string());
    }
    let now = indicatives(&source, &cases);
    let cost = costs(&now);
    let dir = tempfile::tempdir().unwrap();
    write_csv(&dir.path().join("sample.csv"), &cases, &cost);
    let used: Vec<Case> = cases
        .iter()
        .zip(&now)
        .filter(|(_, b)| b.is_some())
        .map(|(c, _)| c.clone())
        .collect();
    assert!(
        used.len() > 10 && used.len() < cases.len(),
        "some cases, not all, are eligible"
    );
    let current: Decimal = cost
        .iter()
        .zip(&now)
        .filter(|(_, b)| b.is_some())
        .map(|(c, _)| *c)
        .sum();
    let rule_file = root().join(rules);
    let rule_file = rule_file.to_str().unwrap();
    for budget in [None, Some((current * d("0.9")).round_dp(2))] {
        let mut args = vec![
            "calibrate",
            rule_file,
            "--cases",
            "sample.csv",
            "--cost-column",
            "cost",
            "--parameter",
            "home_care_rate",
            "--format",
            "json",
            "--today",
            "2026-01-01",
        ];
        let text = budget.map(|b| b.to_string());
        if let Some(b) = &text {
            args.extend(["--budget", b.as_str()]);
        }
        let out = json(&ras(dir.path(), &args));
        let target = budget.unwrap_or(current);
        let expected = brute_force(&source, "£15.75/h", "/h", &used, target);
        assert_eq!(
            out["calibrated"]["all"],
            expected.to_string(),
            "budget {budget:?}"
        );
        assert_eq!(out["target"], format!("{target:.2}"));
        let edited = source.replacen("£15.75/h", &format!("£{expected:.2}/h"), 1);
        let total: Decimal = indicatives(&edited, &used).into_iter().flatten().sum();
        assert_eq!(out["total"], format!("{total:.2}"));
        assert!(total <= target);
        assert_eq!(
            out["left_out"].as_array().unwrap().len(),
            cases.len() - used.len()
        );
        assert_eq!(out["sensitivity"].as_array().unwrap().len(), 9);
        assert_eq!(out["values"][0]["monotone"], true);
    }
}

#[test]
fn a_price_by_cohort_is_calibrated_per_cohort_against_its_share() {
    let rules = "rules/shire-2025.ras";
    let source = std::fs::read_to_string(root().join(rules)).unwrap();
    let cases = sampled(rules, 40, 9);
    let now = indicatives(&source, &cases);
    let cost = costs(&now);
    let dir = tempfile::tempdir().unwrap();
    write_csv(&dir.path().join("sample.csv"), &cases, &cost);
    let rule_file = root().join(rules);
    let rule_file = rule_file.to_str().unwrap();
    let total_cost: Decimal = cost
        .iter()
        .zip(&now)
        .filter(|(_, b)| b.is_some())
        .map(|(c, _)| *c)
        .sum();
    let budget = d("11000.00");
    let out = json(&ras(
        dir.path(),
        &[
            "calibrate",
            rule_file,
            "--cases",
            "sample.csv",
            "--cost-column",
            "cost",
            "--parameter",
            "price_per_point",
            "--budget",
            "11000",
            "--format",
            "json",
            "--today",
            "2026-01-01",
        ],
    ));
    for (cohort, written) in [("older_people", "£4.88/pt"), ("working_age", "£5.20/pt")] {
        let mine: Vec<usize> = (0..cases.len())
            .filter(|i| cases[*i].cohort.as_deref() == Some(cohort) && now[*i].is_some())
            .collect();
        let group: Vec<Case> = mine.iter().map(|i| cases[*i].clone()).collect();
        let group_cost: Decimal = mine.iter().map(|i| cost[*i]).sum();
        let share = budget * group_cost / total_cost;
        let expected = brute_force(&source, written, "/pt", &group, share);
        assert_eq!(out["calibrated"][cohort], expected.to_string(), "{cohort}");
    }
    // The total is the whole sample's at both new prices.
    let older = out["calibrated"]["older_people"].as_str().unwrap();
    let working = out["calibrated"]["working_age"].as_str().unwrap();
    let edited = source
        .replacen("£4.88/pt", &format!("£{older}/pt"), 1)
        .replacen("£5.20/pt", &format!("£{working}/pt"), 1);
    let used: Vec<Case> = cases
        .iter()
        .zip(&now)
        .filter(|(_, b)| b.is_some())
        .map(|(c, _)| c.clone())
        .collect();
    let total: Decimal = indicatives(&edited, &used).into_iter().flatten().sum();
    assert_eq!(out["total"], format!("{total:.2}"));
    assert_eq!(out["target"], "11000.00");
}

/// The model of `path` with the header's version and change, and the
/// parameter's schedule, taken from `like`: what should be all that differs.
fn with_parameter_and_header_of(mut model: Model, like: &Model, parameter: &str) -> Model {
    model.header.version = like.header.version.clone();
    model.header.change = like.header.change.clone();
    let p = model
        .parameters
        .iter()
        .position(|p| p.id == parameter)
        .unwrap();
    let q = like
        .parameters
        .iter()
        .position(|p| p.id == parameter)
        .unwrap();
    model.parameters[p].schedule = like.parameters[q].schedule.clone();
    model
}

#[test]
fn write_changes_the_parameter_and_the_header_alone() {
    let dir = tempfile::tempdir().unwrap();
    // A parameter by cohort, undated (Shire), and one by cohort and date (Wigan, --from).
    let rules = "rules/shire-2025.ras";
    let source = std::fs::read_to_string(root().join(rules)).unwrap();
    let cases = sampled(rules, 30, 3);
    let cost = costs(&indicatives(&source, &cases));
    write_csv(&dir.path().join("shire.csv"), &cases, &cost);
    let runs = [
        (
            rules.to_string(),
            "shire.csv".to_string(),
            "price_per_point",
            None,
        ),
        (
            "rules/wigan/2025-home-care.ras".to_string(),
            root()
                .join("examples/wigan-caseload.csv")
                .display()
                .to_string(),
            "home_care_rate",
            Some("2026-04-01"),
        ),
    ];
    for (rules, cases, parameter, from) in runs {
        let rule_file = root().join(&rules);
        let mut args = vec![
            "calibrate",
            rule_file.to_str().unwrap(),
            "--cases",
            cases.as_str(),
            "--cost-column",
            if from.is_some() {
                "current_cost"
            } else {
                "cost"
            },
            "--parameter",
            parameter,
            "--write",
            "new.ras",
            "--new-version",
            "2026-27 draft",
            "--today",
            "2026-01-01",
            "--format",
            "json",
        ];
        if let Some(from) = from {
            args.extend(["--from", from]);
        }
        let out = json(&ras(dir.path(), &args));
        let written = std::fs::read_to_string(dir.path().join("new.ras")).unwrap();
        let check = ras(
            dir.path(),
            &[
                "check",
                "--deny-warnings",
                "--today",
                "2026-01-01",
                "new.ras",
            ],
        );
        assert_eq!(check.code, Some(0), "{}", check.stderr);
        let fmt = ras(dir.path(), &["fmt", "--check", "new.ras"]);
        assert_eq!(fmt.code, Some(0), "{}{}", fmt.stdout, fmt.stderr);
        let original = model_of(&std::fs::read_to_string(&rule_file).unwrap());
        let new = model_of(&written);
        assert_ne!(new, original);
        assert_eq!(new.header.version, "2026-27 draft");
        assert!(new.header.change.as_deref().unwrap().contains(parameter));
        assert_eq!(
            with_parameter_and_header_of(original.clone(), &new, parameter),
            new
        );
        // The new values are the calibrated ones, and the file's tests still pass.
        let p = new.parameters.iter().find(|p| p.id == parameter).unwrap();
        let entry = match from {
            Some(from) => {
                let e = p.schedule.last().unwrap();
                assert_eq!(e.from.unwrap().to_string(), from);
                let old = original
                    .parameters
                    .iter()
                    .find(|p| p.id == parameter)
                    .unwrap();
                assert_eq!(p.schedule.len(), old.schedule.len() + 1);
                assert_eq!(p.schedule[..old.schedule.len()], old.schedule[..]);
                e
            }
            None => &p.schedule[0],
        };
        let calibrated: Vec<String> = ["older_people", "working_age"]
            .iter()
            .map(|c| out["calibrated"][c].as_str().unwrap().to_string())
            .collect();
        let values: Vec<String> = entry.values.iter().map(|v| v.to_string()).collect();
        assert_eq!(values, calibrated);
        // `ras diff` of the original against the written file: that parameter
        // and the header, nothing else.
        let diff = ras(
            dir.path(),
            &[
                "diff",
                rule_file.to_str().unwrap(),
                "new.ras",
                "--format",
                "json",
            ],
        );
        assert_eq!(diff.code, Some(0), "{}", diff.stderr);
        let changes = json(&diff)["changes"].as_array().unwrap().clone();
        assert!(
            changes.iter().any(|c| c["kind"] == "parameter"),
            "{changes:?}"
        );
        for c in &changes {
            let kind = c["kind"].as_str().unwrap();
            assert!(
                kind == "header" || (kind == "parameter" && c["name"] == parameter),
                "{c}"
            );
        }
        let tests = ras(dir.path(), &["test", "new.ras"]);
        if from.is_some() {
            assert_eq!(tests.code, Some(0), "{}", tests.stdout);
        }
    }
}

fn wigan(args: &[&str]) -> Run {
    let mut all = vec![
        "calibrate",
        "rules/wigan/2025-home-care.ras",
        "--cases",
        "examples/wigan-caseload.csv",
        "--cost-column",
        "current_cost",
        "--parameter",
        "home_care_rate",
        "--from",
        "2026-04-01",
        "--today",
        "2026-01-01",
    ];
    all.extend(args);
    ras(&root(), &all)
}

#[test]
fn every_format_on_the_wigan_caseload() {
    for format in ["text", "markdown", "csv", "json"] {
        let out = wigan(&["--format", format]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        insta::assert_snapshot!(format!("wigan_{format}"), out.stdout);
    }
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("calibration.xlsx");
    let out = wigan(&["--format", "xlsx", "-o", book.to_str().unwrap()]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    insta::assert_snapshot!("wigan_xlsx", workbook_text(&book));
    // A workbook needs a file.
    let out = wigan(&["--format", "xlsx"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("give `-o FILE.xlsx`"), "{}", out.stderr);
}

/// Every sheet of a workbook as text: each cell with its kind (n: number,
/// s: text) and, for numbers, the format the cell carries.
pub fn workbook_text(path: &Path) -> String {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str(&format!("== {name}\n"));
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => format!("s:{s}"),
                    Data::Float(f) => format!("n:{f}"),
                    Data::Int(i) => format!("n:{i}"),
                    other => format!("?:{other}"),
                })
                .collect();
            out.push_str(&cells.join(" | "));
            out.push('\n');
        }
    }
    out
}

#[test]
fn bad_input_is_reported_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let rules = root().join("rules/wigan/2025-home-care.ras");
    let rules = rules.to_str().unwrap();
    let caseload = std::fs::read_to_string(root().join("examples/wigan-caseload.csv")).unwrap();
    // A cost that is not money, and one left empty: counted as errors, the rest used.
    let mut lines: Vec<String> = caseload.lines().map(String::from).collect();
    lines[3] = lines[3].replacen(
        &lines[3].rsplit(',').next().unwrap().to_string(),
        "twelve pounds",
        1,
    );
    let last = lines[5].rfind(',').unwrap();
    lines[5].truncate(last + 1);
    std::fs::write(dir.path().join("bad.csv"), lines.join("\n") + "\n").unwrap();
    let base = [
        "calibrate",
        rules,
        "--cases",
        "bad.csv",
        "--cost-column",
        "current_cost",
        "--parameter",
        "home_care_rate",
        "--from",
        "2026-04-01",
        "--today",
        "2026-01-01",
    ];
    let mut args = base.to_vec();
    args.extend(["--format", "json"]);
    let out = json(&ras(dir.path(), &args));
    assert_eq!(out["rows"], 40);
    let errors = out["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["place"], "line 4");
    assert_eq!(errors[0]["code"], "ras::bad-amount");
    assert_eq!(errors[1]["code"], "ras::missing-amount");
    let cases: u64 = out["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["cases"].as_u64().unwrap())
        .sum();
    assert_eq!(cases, 38);
    let text = ras(dir.path(), &base);
    assert_eq!(text.code, Some(0));
    assert!(
        text.stdout.contains("Rows that could not be used"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("38 calibrated on, 0 left out, 2 could not be used"),
        "{}",
        text.stdout
    );

    let problems: [(&[&str], i32, &str); 5] = [
        (&["--cost-column", "cost"], 1, "has no column `cost`"),
        (&["--parameter", "home_care_rat"], 1, "the rule file has no parameter `home_care_rat`; its parameters are `home_care_rate` (ras::unknown-parameter)"),
        (&["--from", "x"], 2, "`x` is not a date"),
        (&["--budget", "£12,50"], 2, "£12,50"),
        (&["--tolerance", "150%"], 2, "not a tolerance"),
    ];
    for (change, code, message) in problems {
        let mut args: Vec<&str> = base.to_vec();
        for pair in change.chunks(2) {
            match args.iter().position(|a| *a == pair[0]) {
                Some(i) => args[i + 1] = pair[1],
                None => args.extend(pair),
            }
        }
        let out = ras(
            &root(),
            &args
                .iter()
                .map(|a| {
                    if *a == "bad.csv" {
                        "examples/wigan-caseload.csv"
                    } else {
                        a
                    }
                })
                .collect::<Vec<_>>(),
        );
        assert_eq!(out.code, Some(code), "{change:?}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{change:?}: {}", out.stderr);
    }
    // A parameter by date needs the date of its new value.
    let out = ras(
        &root(),
        &[
            "calibrate",
            "rules/wigan/2025-home-care.ras",
            "--cases",
            "examples/wigan-caseload.csv",
            "--cost-column",
            "current_cost",
            "--parameter",
            "home_care_rate",
            "--today",
            "2026-01-01",
        ],
    );
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("`home_care_rate` has 2 dated values; give `--from DATE`"),
        "{}",
        out.stderr
    );
}
