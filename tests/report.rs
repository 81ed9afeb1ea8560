//! `ras report`, from the outside:
//!
//! - totals, AC as a % of EB, counts within the tolerance and the mean
//!   absolute % difference per service area × cohort × financial year are
//!   those an independent computation in this test gives (the caseload read
//!   with the csv crate, each case evaluated on the full path);
//! - the financial year comes from the year column or else from `assessed`;
//! - every format is snapshotted on the Wigan example caseload, `--foi` too;
//! - bad input: a missing column, an agreed cost that is not money and a bad
//!   year are rows counted as errors, never lost.

#![cfg(feature = "cli")]

use ras::case::Case;
use ras::check::{check_source, CheckOptions};
use ras::eval::{EvalOptions, Evaluator, Status};
use ras::plan::compile;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

mod support;
use support::{ras, Run};

const RULES: &str = "rules/wigan/2025-home-care.ras";
const CASES: &str = "examples/wigan-caseload.csv";

fn report(args: &[&str]) -> Run {
    let mut all = vec![
        "report",
        RULES,
        "--cases",
        CASES,
        "--agreed-column",
        "agreed_cost",
        "--service-column",
        "service_area",
        "--today",
        "2026-01-01",
    ];
    all.extend(args);
    ras(&root(), &all)
}

#[derive(Default, Debug)]
struct Expected {
    cases: u64,
    eb: Decimal,
    ac: Decimal,
    within: u64,
    pct_sum: Decimal,
}

fn one_dp(v: Decimal) -> String {
    let mut r = v.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(1);
    r.to_string()
}

/// The groups worked out here, from the caseload and the library alone.
fn expected_groups(tolerance: Decimal) -> BTreeMap<(String, String, String), Expected> {
    let source = std::fs::read_to_string(root().join(RULES)).unwrap();
    let today = ras::date::Date::parse("2026-01-01").unwrap();
    let model = check_source(&source, &CheckOptions::new(today))
        .model
        .unwrap();
    let plan = compile(model, &source).unwrap();
    let ev = Evaluator::new(&plan);
    let mut reader = csv::Reader::from_path(root().join(CASES)).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut groups: BTreeMap<(String, String, String), Expected> = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let field = |name: &str| {
            record
                .get(header.iter().position(|h| h == name).unwrap())
                .unwrap()
                .to_string()
        };
        let mut case = Case {
            case_id: Some(field("case_id")),
            cohort: Some(field("cohort")),
            assessed: ras::date::Date::parse(&field("assessed")),
            ..Case::default()
        };
        for q in ["personal_care", "meals", "medication", "mobility"] {
            case.answers.insert(q.into(), field(q));
        }
        let result = ev.evaluate(&case, &EvalOptions::default());
        assert_eq!(result.status, Status::Ok);
        let eb = result.outputs.get("indicative").unwrap().value;
        let ac: Decimal = field("agreed_cost").parse().unwrap();
        // April to March, by hand.
        let (y, m): (u16, u16) = {
            let a = field("assessed");
            (a[..4].parse().unwrap(), a[5..7].parse().unwrap())
        };
        let start = if m >= 4 { y } else { y - 1 };
        let year = format!("{start}/{:02}", (start + 1) % 100);
        let g = groups
            .entry((year, field("service_area"), field("cohort")))
            .or_default();
        g.cases += 1;
        g.eb += eb;
        g.ac += ac;
        if (ac - eb).abs() <= eb * tolerance / Decimal::ONE_HUNDRED {
            g.within += 1;
        }
        g.pct_sum += (ac - eb).abs() / eb * Decimal::ONE_HUNDRED;
    }
    groups
}

#[test]
fn groups_match_an_independent_computation() {
    for tolerance in ["10", "5"] {
        let out = report(&["--format", "json", "--tolerance", &format!("{tolerance}%")]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let json: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["tolerance"], format!("{tolerance}%"));
        let expected = expected_groups(tolerance.parse().unwrap());
        let groups = json["groups"].as_array().unwrap();
        assert_eq!(groups.len(), expected.len());
        let mut all = Expected::default();
        for g in groups {
            let key = (
                g["year"].as_str().unwrap().to_string(),
                g["service_area"].as_str().unwrap().to_string(),
                g["cohort"].as_str().unwrap().to_string(),
            );
            let e = &expected[&key];
            assert_eq!(g["cases"], e.cases, "{key:?}");
            assert_eq!(g["eb_total"], format!("{:.2}", e.eb), "{key:?}");
            assert_eq!(g["ac_total"], format!("{:.2}", e.ac), "{key:?}");
            assert_eq!(
                g["ac_pct_of_eb"],
                one_dp(e.ac / e.eb * Decimal::ONE_HUNDRED),
                "{key:?}"
            );
            assert_eq!(g["within_tolerance"], e.within, "{key:?}");
            assert_eq!(
                g["mean_abs_pct_diff"],
                one_dp(e.pct_sum / Decimal::from(e.cases)),
                "{key:?}"
            );
            all.cases += e.cases;
            all.eb += e.eb;
            all.ac += e.ac;
            all.within += e.within;
        }
        let o = &json["overall"];
        assert_eq!(o["cases"], 40);
        assert_eq!(o["cases"], all.cases);
        assert_eq!(o["eb_total"], format!("{:.2}", all.eb));
        assert_eq!(o["ac_total"], format!("{:.2}", all.ac));
        assert_eq!(o["within_tolerance"], all.within);
        assert_eq!(
            o["share_within"],
            one_dp(Decimal::from(all.within) * Decimal::ONE_HUNDRED / Decimal::from(all.cases))
        );
        // Years from `assessed`: both financial years of the caseload.
        let years: Vec<&str> = json["years"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y["year"].as_str().unwrap())
            .collect();
        assert_eq!(years, ["2024/25", "2025/26"]);
        // The furthest out first.
        let far = json["furthest"].as_array().unwrap();
        assert_eq!(far.len(), 10);
        let pct = |f: &Value| {
            f["difference_pct"]
                .as_str()
                .unwrap()
                .parse::<Decimal>()
                .unwrap()
                .abs()
        };
        assert!(far.windows(2).all(|w| pct(&w[0]) >= pct(&w[1])));
    }
}

#[test]
fn a_year_column_is_used_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(CASES)).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let year = match i {
            0 => "year",
            i if i % 2 == 0 => "2023/24",
            _ => "23-24",
        };
        out.push_str(&format!("{line},{year}\n"));
    }
    std::fs::write(dir.path().join("years.csv"), out).unwrap();
    let rules = root().join(RULES);
    let run = ras(
        dir.path(),
        &[
            "report",
            rules.to_str().unwrap(),
            "--cases",
            "years.csv",
            "--agreed-column",
            "agreed_cost",
            "--year-column",
            "year",
            "--format",
            "json",
            "--today",
            "2026-01-01",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let years: Vec<&str> = json["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_str().unwrap())
        .collect();
    assert_eq!(years, ["2023/24"]);
    // No service column: one area for every case.
    assert_eq!(json["groups"][0]["service_area"], "All services");
}

#[test]
fn every_format_on_the_wigan_caseload() {
    for format in ["text", "markdown", "csv", "json", "html"] {
        let out = report(&["--format", format]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        insta::assert_snapshot!(format!("wigan_{format}"), out.stdout);
    }
    for format in ["text", "markdown", "json"] {
        let out = report(&["--foi", "--format", format]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        insta::assert_snapshot!(format!("wigan_foi_{format}"), out.stdout);
    }
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("report.xlsx");
    let out = report(&["--format", "xlsx", "-o", book.to_str().unwrap()]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    insta::assert_snapshot!("wigan_xlsx", workbook_text(&book));
}

/// Every sheet of a workbook as text: each cell with its kind (n: number, s: text).
fn workbook_text(path: &Path) -> String {
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
fn bad_rows_are_counted_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(CASES)).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // Line 3: an agreed cost that is not money; line 5: an option code the
    // rules do not have; line 7: no service area.
    lines[2] = lines[2].replace("Home care,285.42", "Home care,about £285");
    lines[4] = lines[4].replacen(
        "older_people,2025-01-20,2,1,1,2",
        "older_people,2025-01-20,9,1,1,2",
        1,
    );
    lines[6] = lines[6].replace(",Home care,", ",,");
    std::fs::write(dir.path().join("bad.csv"), lines.join("\n") + "\n").unwrap();
    let rules = root().join(RULES);
    let run = ras(
        dir.path(),
        &[
            "report",
            rules.to_str().unwrap(),
            "--cases",
            "bad.csv",
            "--agreed-column",
            "agreed_cost",
            "--service-column",
            "service_area",
            "--format",
            "json",
            "--today",
            "2026-01-01",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["rows"], 40);
    assert_eq!(json["overall"]["cases"], 37);
    let errors = json["errors"].as_array().unwrap();
    let got: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e["place"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(got.len(), 3, "{errors:?}");
    assert_eq!(got[0], ("line 3", "ras::bad-amount"));
    assert_eq!(got[1].0, "line 5");
    assert_eq!(got[2], ("line 7", "ras::missing-service-area"));
    // A column that is not there is a problem with the whole file.
    let run = ras(
        dir.path(),
        &[
            "report",
            rules.to_str().unwrap(),
            "--cases",
            "bad.csv",
            "--agreed-column",
            "final_cost",
            "--today",
            "2026-01-01",
        ],
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("has no column `final_cost`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: its columns are"),
        "{}",
        run.stderr
    );
    // An unknown cohort for --foi is refused, naming the cohorts.
    let run = report(&["--foi", "--older-cohorts", "elderly"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("`elderly`, which is not a cohort"),
        "{}",
        run.stderr
    );
}
