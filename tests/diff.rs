//! `ras diff`: the changes between two versions, and the replay of a caseload.
//!
//! - Lancashire v1 -> v7 lists every change the Cabinet Member report makes and
//!   nothing else (a snapshot), and reformatting a file is no change;
//! - a sampled caseload replayed under both versions agrees, count by count
//!   and total by total, with two `ras run`s;
//! - each person's parts sum exactly to their change (a property);
//! - Markdown and HTML reports (snapshots) and the JSON shape;
//! - bad input: rule files with errors, rows that are errors (counted, never lost).

// Needs the `cli` feature (on by default): it runs the binary and reads caseloads.
#![cfg(feature = "cli")]

use proptest::prelude::*;
use ras::check::{check_source, CheckOptions};
use ras::date::Date;
use ras::diff::replay::{replay, ReplayOptions};
use ras::diff::{changes, Version};
use ras::plan::compile;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod support;

const V1: &str = "rules/lancashire/2014-v1.ras";
const V7: &str = "rules/lancashire/2016-v7.ras";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ras(args: &[&str]) -> support::Run {
    support::ras(&root(), args)
}

fn today() -> Date {
    Date::new(2026, 1, 1).unwrap()
}

fn version_of(source: &str) -> Version {
    let checked = check_source(source, &CheckOptions::new(today()));
    let model = checked.model.expect("the rule file checks");
    Version::new(compile(model, source).unwrap(), source)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// The fingerprints shown (the first 12 digits) replaced, so that a change of
/// a comment does not change the snapshots.
fn without_fingerprints(text: &str, files: &[&str]) -> String {
    let mut text = text.to_string();
    for f in files {
        let fp = ras::plan::fingerprint(&read(f));
        text = text.replace(&fp, "[fingerprint]");
        text = text.replace(&fp[..12], "[fingerprint]");
    }
    text
}

fn sample(file: &str, n: u64, seed: u64, dir: &Path) -> PathBuf {
    let model = check_source(&read(file), &CheckOptions::new(today()))
        .model
        .unwrap();
    let path = dir.join(format!("cases-{seed}.csv"));
    let mut out = std::fs::File::create(&path).unwrap();
    ras::sample::write_sample(&model, n, seed, ras::sample::SampleFormat::Csv, &mut out).unwrap();
    path
}

fn dec(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|_| panic!("not a decimal: {text:?}"))
}

fn json_dec(v: &serde_json::Value) -> Decimal {
    dec(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
}

// ------------------------------------------------------------------ 1. changes

#[test]
fn lancashire_v1_to_v7_lists_what_the_report_changed() {
    let run = ras(&["diff", V1, V7]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = &run.stdout;
    // What COUNCILS.md says v7 changes, each named.
    for expected in [
        "bands `money_for_points`, at 10 pts: £40.00 → £35.00",
        "bands `money_for_points`, at 20 pts: £95.00 → £85.00",
        "bands `money_for_points`, at 40 pts: £230.00 → £210.00",
        "bands `money_for_points`, at 60 pts: £390.00 → £355.00",
        "bands `money_for_points`, at 80 pts: £575.00 → £520.00",
        "bands `money_for_points`, above 80 pts: £9.50/pt → £8.50/pt",
        "deduction `telecare` \"Some safety or medication-check visits can be replaced by telecare\" added: min(telecare_saving, gross) when telecare_suitable is yes and safety in [2, 3, 4]",
        "parameter `telecare_saving`",
        "output `indicative`: gross → gross - telecare",
        "cohort `mental_health` is now not validated: \"further testing is required\"",
        "flag `supported_living_not_validated`",
        "raised when cohort is learning_disability and setting is supported_living",
        "version: \"FACE v1\" → \"FACE v7\"",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // Nothing the two versions share is listed (tests may name them in
    // what they expect).
    let policy: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("- test "))
        .collect::<Vec<_>>()
        .join("\n");
    for unchanged in [
        "`points`",
        "`base`",
        "`gross`:",
        "`cost_weight`",
        "`reasonable_offer`",
        "question `",
    ] {
        assert!(
            !policy.contains(unchanged),
            "{unchanged} is listed:\n{text}"
        );
    }
    insta::assert_snapshot!("lancashire_v1_v7", without_fingerprints(text, &[V1, V7]));
}

#[test]
fn a_file_against_itself_or_its_reformatting_has_no_changes() {
    for file in [
        V1,
        V7,
        "rules/shire-2025.ras",
        "rules/oldham/2019-01.ras",
        "rules/leicestershire/2009-11-pilot.ras",
    ] {
        let source = read(file);
        // Another layout of the same rules: every line indented and spaced out.
        let respaced: String = source
            .lines()
            .map(|l| {
                if l.trim_start().starts_with('#') {
                    l.to_string()
                } else {
                    format!("  {}", l.replace(" = ", "   =   "))
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (a, b) = (version_of(&source), version_of(&respaced));
        assert_eq!(changes(&a, &b), vec![], "{file}");
        assert_eq!(changes(&a, &a), vec![], "{file}");
    }
}

#[test]
fn every_change_has_a_kind_a_name_and_words() {
    let (a, b) = (version_of(&read(V1)), version_of(&read(V7)));
    let list = changes(&a, &b);
    let back = changes(&b, &a);
    assert_eq!(list.len(), back.len(), "as many changes each way");
    for c in list.iter().chain(&back) {
        assert!(!c.name.is_empty() && !c.text.is_empty(), "{c:?}");
    }
    let values = list.iter().filter(|c| c.value.is_some()).count();
    assert_eq!(values, 6, "the five curve points and the rate above");
}

// ------------------------------------------------------------------ 2. replay against two runs

#[derive(Default, Debug, PartialEq)]
struct Tally {
    cases: u64,
    both: u64,
    gained: u64,
    lost: u64,
    neither: u64,
    old_total: Decimal,
    new_total: Decimal,
    lost_total: Decimal,
    gainers: u64,
    losers: u64,
    unchanged: u64,
    bins: [u64; 5],
}

impl Tally {
    fn add(&mut self, old: Option<Decimal>, new: Option<Decimal>) {
        self.cases += 1;
        match (old, new) {
            (Some(a), Some(b)) => {
                self.both += 1;
                self.old_total += a;
                self.new_total += b;
                let change = b - a;
                if change > Decimal::ZERO {
                    self.gainers += 1;
                } else if change < Decimal::ZERO {
                    self.losers += 1;
                } else {
                    self.unchanged += 1;
                }
                // Worked out here another way: as a fraction.
                let bin = if change.is_zero() {
                    2
                } else if a.is_zero() {
                    4
                } else {
                    let share = change / a;
                    let five = dec("0.05");
                    match (change > Decimal::ZERO, share.abs() <= five) {
                        (false, false) => 0,
                        (false, true) => 1,
                        (true, true) => 3,
                        (true, false) => 4,
                    }
                };
                self.bins[bin] += 1;
            }
            (Some(a), None) => {
                self.lost += 1;
                self.lost_total += a;
            }
            (None, Some(_)) => self.gained += 1,
            (None, None) => self.neither += 1,
        }
    }

    fn of_json(v: &serde_json::Value) -> Tally {
        let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
        let bins = &v["bins"];
        Tally {
            cases: n("cases"),
            both: n("both"),
            gained: n("gained_figure"),
            lost: n("lost_figure"),
            neither: n("neither"),
            old_total: json_dec(&v["old_total"]),
            new_total: json_dec(&v["new_total"]),
            lost_total: json_dec(&v["lost_total"]),
            gainers: n("gainers"),
            losers: n("losers"),
            unchanged: n("unchanged"),
            bins: [
                "lose_more_than_5",
                "lose_up_to_5",
                "no_change",
                "gain_up_to_5",
                "gain_more_than_5",
            ]
            .map(|k| bins[k].as_u64().unwrap()),
        }
    }
}

/// `ras run FILE --cases CASES` with the case's own columns: one row per case.
fn run_rows(file: &str, cases: &Path) -> Vec<BTreeMap<String, String>> {
    let run = ras(&[
        "run",
        file,
        "--cases",
        cases.to_str().unwrap(),
        "--quiet",
        "--columns",
        "case_id,cohort,setting,indicative,status",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            head.iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn a_replay_agrees_with_two_runs_count_by_count_and_total_by_total() {
    let dir = tempfile::tempdir().unwrap();
    let cases = sample(V1, 3_000, 20_160_106, dir.path());
    let (old, new) = (run_rows(V1, &cases), run_rows(V7, &cases));
    assert_eq!(old.len(), 3_000);
    assert_eq!(new.len(), 3_000);
    let mut total = Tally::default();
    let mut by: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for (o, n) in old.iter().zip(&new) {
        assert_eq!(o["case_id"], n["case_id"], "the two runs keep the order");
        let figure =
            |r: &BTreeMap<String, String>| (r["status"] == "ok").then(|| dec(&r["indicative"]));
        let (a, b) = (figure(o), figure(n));
        total.add(a, b);
        by.entry(("cohort".into(), o["cohort"].clone()))
            .or_default()
            .add(a, b);
        by.entry(("setting".into(), o["setting"].clone()))
            .or_default()
            .add(a, b);
    }
    let run = ras(&[
        "diff",
        V1,
        V7,
        "--cases",
        cases.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let impact = &json["impact"];
    assert_eq!(impact["output"], "indicative");
    assert_eq!(Tally::of_json(impact), total);
    assert_eq!(
        json_dec(&impact["change_total"]),
        total.new_total - total.old_total
    );
    for ((what, value), tally) in &by {
        let group = &impact["by"][what][value];
        assert_eq!(&Tally::of_json(group), tally, "{what} {value}");
    }
    // Mental health is not validated in v7: every such case loses its figure.
    let mh = &impact["by"]["cohort"]["mental_health"];
    assert_eq!(mh["lost_figure"], mh["cases"]);
    assert_eq!(mh["lost_why"]["not_validated"], mh["cases"]);
    assert!(total.losers > 2_000 && total.gainers == 0, "{total:?}");
    // The supported-living flag is newly raised for people with a learning
    // disability in supported living, and only for them.
    let raised = impact["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flag"] == "supported_living_not_validated")
        .unwrap()["raised"]
        .as_u64()
        .unwrap();
    let expected = old
        .iter()
        .zip(&new)
        .filter(|(o, n)| {
            o["cohort"] == "learning_disability"
                && o["setting"] == "supported_living"
                && n["status"] == "ok"
        })
        .count() as u64;
    assert_eq!(raised, expected);
}

// ------------------------------------------------------------------ 3. parts

/// Shire with the price per point up 3%, one band edge moved and one option's
/// points changed, and a structural change (a deduction's condition).
fn changed_shire() -> String {
    let text = read("rules/shire-2025.ras")
        .replace("older_people £4.88/pt", "older_people £5.03/pt")
        .replace("working_age  £5.20/pt", "working_age  £5.36/pt")
        .replace("£100 to £300:   15%", "£100 to £320:   15%")
        .replace("£300 to £600:   10%", "£320 to £600:   10%")
        .replacen("26 pts", "28 pts", 1);
    assert_ne!(text, read("rules/shire-2025.ras"));
    text
}

fn parts_sum_to_the_change(old: &Version, new: &Version, cases: &Path) -> (u64, usize) {
    let list = changes(old, new);
    let reader =
        ras::batch::input::CaseReader::open(cases, ras::batch::input::InputFormat::Csv, None)
            .unwrap();
    let options = ReplayOptions {
        split: true,
        ..ReplayOptions::default()
    };
    let mut out: Vec<u8> = Vec::new();
    let impacts = replay(
        old,
        new,
        &list,
        reader,
        &options,
        ras::diff::replay::Sinks {
            per_case: Some(&mut out),
            on_error: &mut |_, _| Ok(()),
            progress: &mut |_, _| {},
        },
    )
    .unwrap()
    .impacts;
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let first_part = head
        .iter()
        .position(|h| h.starts_with("indicative: "))
        .unwrap();
    let mut checked = 0;
    let mut sums = vec![Decimal::ZERO; head.len() - first_part];
    for record in reader.records() {
        let r = record.unwrap();
        if &r[4] != "both" {
            assert!(r.iter().skip(first_part).all(str::is_empty), "{r:?}");
            continue;
        }
        let change = dec(&r[7]);
        assert_eq!(change, dec(&r[6]) - dec(&r[5]));
        let parts: Vec<Decimal> = r.iter().skip(first_part).map(dec).collect();
        assert_eq!(parts.iter().copied().sum::<Decimal>(), change, "{r:?}");
        for (s, p) in sums.iter_mut().zip(&parts) {
            *s += p;
        }
        checked += 1;
    }
    // The report's parts are the sums of the people's.
    let reported: Vec<Decimal> = impacts[0].parts.iter().map(|(_, t)| *t).collect();
    assert_eq!(reported, sums);
    (checked, head.len() - first_part)
}

#[test]
fn lancashire_parts_sum_to_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let cases = sample(V1, 2_000, 7, dir.path());
    let (a, b) = (version_of(&read(V1)), version_of(&read(V7)));
    let (checked, parts) = parts_sum_to_the_change(&a, &b, &cases);
    assert!(checked > 1_000);
    assert_eq!(parts, 7, "six value changes and the rest");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn shire_parts_sum_exactly_to_each_persons_change(seed in any::<u64>(), n in 1u64..300) {
        let dir = tempfile::tempdir().unwrap();
        let cases = sample("rules/shire-2025.ras", n, seed, dir.path());
        let (a, b) = (version_of(&read("rules/shire-2025.ras")), version_of(&changed_shire()));
        let (_, parts) = parts_sum_to_the_change(&a, &b, &cases);
        // Two prices, the moved edge, the option, and the rest.
        prop_assert_eq!(parts, 5);
    }
}

// ------------------------------------------------------------------ 4. formats

fn small_report(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let cases = sample(V1, 200, 11, dir.path());
    let per_case = dir.path().join("people.csv");
    let run = ras(&[
        "diff",
        V1,
        V7,
        "--cases",
        cases.to_str().unwrap(),
        "--per-case",
        per_case.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(per_case.exists());
    without_fingerprints(&run.stdout, &[V1, V7])
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!("lancashire_markdown", small_report("markdown"));
}

#[test]
fn html_report_is_one_file_with_its_charts() {
    let html = small_report("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("<svg").count(),
        2,
        "the five bins and the histogram"
    );
    for external in ["<script", "<link", "src=", "url(", "http://", "https://"] {
        let outside_svg_namespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!outside_svg_namespace.contains(external), "{external}");
    }
    insta::assert_snapshot!("lancashire_html", html);
}

#[test]
fn json_has_the_documented_shape() {
    let json: serde_json::Value = serde_json::from_str(&small_report("json")).unwrap();
    for side in ["old", "new"] {
        assert!(json[side]["version"].is_string() && json[side]["fingerprint"].is_string());
    }
    let first = &json["changes"][0];
    for key in ["kind", "name", "text"] {
        assert!(first[key].is_string(), "{key}");
    }
    let impact = &json["impact"];
    for key in [
        "cases",
        "both",
        "gained_figure",
        "lost_figure",
        "gainers",
        "losers",
        "unchanged",
    ] {
        assert!(impact[key].is_u64(), "{key}");
    }
    for key in ["old_total", "new_total", "change_total"] {
        json_dec(&impact[key]);
    }
    assert_eq!(impact["bins"].as_object().unwrap().len(), 5);
    assert!(impact["by"]["cohort"].is_object() && impact["by"]["setting"].is_object());
    assert!(impact["largest_gains"].is_array() && impact["largest_losses"].is_array());
}

// ------------------------------------------------------------------ 5. bad input

#[test]
fn a_rule_file_with_errors_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ras");
    std::fs::write(
        &bad,
        read(V7).replace("= gross - telecare", "= gross - telecar"),
    )
    .unwrap();
    let run = ras(&["diff", V1, bad.to_str().unwrap()]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("telecar"), "{}", run.stderr);
    assert!(run.stderr.contains("has 1 error"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn rows_that_are_errors_are_counted_never_lost() {
    let dir = tempfile::tempdir().unwrap();
    let cases = sample(V1, 50, 3, dir.path());
    let mut text = std::fs::read_to_string(&cases).unwrap();
    // A code neither version knows, a cohort nobody has, a short row.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[3] = lines[3]
        .replacen(",no", ",perhaps", 1)
        .replacen(",yes", ",perhaps", 1);
    lines[10] = lines[10]
        .replacen("older_people", "children", 1)
        .replacen("learning_disability", "children", 1)
        .replacen("physical_disability", "children", 1)
        .replacen("mental_health", "children", 1);
    lines.push("X1,older_people".into());
    text = lines.join("\n") + "\n";
    std::fs::write(&cases, text).unwrap();
    let per_case = dir.path().join("people.csv");
    let run = ras(&[
        "diff",
        V1,
        V7,
        "--cases",
        cases.to_str().unwrap(),
        "--format",
        "json",
        "--per-case",
        per_case.to_str().unwrap(),
    ]);
    // Rows that are errors fail the run, as in `ras run`, and are counted.
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("51 cases: 3 errors under the old version, 3 under the new"),
        "{}",
        run.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let i = &json["impact"];
    let n = |k: &str| i[k].as_u64().unwrap();
    assert_eq!(n("cases"), 51, "every row read is counted");
    assert_eq!(
        n("cases"),
        n("both") + n("gained_figure") + n("lost_figure") + n("neither")
    );
    let errors: u64 = i["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["old"] == "error" && s["new"] == "error")
        .map(|s| s["cases"].as_u64().unwrap())
        .sum();
    assert_eq!(errors, 3);
    assert_eq!(
        std::fs::read_to_string(&per_case).unwrap().lines().count(),
        52
    );

    // Each of them is in the errors file, once, with where it is and why.
    let errors = dir.path().join("errors.csv");
    let run = ras(&[
        "diff",
        V1,
        V7,
        "--cases",
        cases.to_str().unwrap(),
        "--errors",
        errors.to_str().unwrap(),
        "--allow-errors",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = std::fs::read_to_string(&errors).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "line,case_id,version,column,code,message");
    assert_eq!(rows.len(), 4, "{text}");
    assert!(
        rows[1].starts_with("4,C03,both,telecare_suitable,ras::unknown-code,"),
        "{text}"
    );
    assert!(
        rows[2].starts_with("11,C10,both,cohort,ras::unknown-cohort,"),
        "{text}"
    );
    assert!(
        rows[3].starts_with("52,X1,both,,ras::field-count,"),
        "{text}"
    );
    assert!(rows[1..].iter().all(|r| r.contains(",both,")), "{text}");
}

#[test]
fn an_output_neither_version_has_is_refused_before_reading() {
    let run = ras(&[
        "diff",
        V1,
        V7,
        "--cases",
        "no-such.csv",
        "--output",
        "indicativ",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("did you mean `indicative`?"),
        "{}",
        run.stderr
    );
}
