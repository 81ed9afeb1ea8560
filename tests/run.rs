//! `ras run`: batch evaluation of a caseload.
//!
//! - every rule file in `rules/`: `ras run` over `ras sample` cases gives, case
//!   by case, what `Evaluator::evaluate` (the engine of `ras eval`) gives;
//! - each kind of bad row becomes an `error` row with its exact message, and
//!   the counts always add up;
//! - problems with the whole file stop the run before any row;
//! - 10,000 rows with scattered bad ones: none lost, none reordered;
//! - the Shire output matches a hand-checked file byte for byte;
//! - JSON Lines in and out, standard input, `--plan`, Excel.

// Needs the `cli` feature (on by default): it reads the clock, the command line or batch files.
#![cfg(feature = "cli")]

use ras::batch::input::{CaseReader, InputFormat};
use ras::batch::output::{Column, OutputFormat, ResultWriter};
use ras::batch::{ErrorRecord, RunOptions, Summary};
use ras::case::Case;
use ras::check::{check_source, CheckOptions};
use ras::eval::{format_value, EvalOptions, EvalResult, Evaluator};
use ras::plan::{compile, Plan};
use ras::sample::{write_sample, SampleFormat};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

// ------------------------------------------------------------------ helpers

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shire() -> PathBuf {
    root().join("rules/shire-2025.ras")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/run").join(name)
}

/// Every `.ras` file under `rules/`, sorted.
fn rule_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "ras") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("rules"), &mut files);
    assert_eq!(files.len(), 6, "the six rule files of rules/: {files:?}");
    files
}

/// The plan of a shipped rule file.
fn plan_of(path: &Path) -> Plan {
    let source = std::fs::read_to_string(path).unwrap();
    let checked = check_source(&source, &CheckOptions::new(ras::date::Date::today()));
    match checked.model {
        Some(model) => compile(model, &source).unwrap(),
        None => panic!("{}: {:?}", path.display(), checked.diagnostics),
    }
}

/// `n` sampled cases of a plan, as `ras sample` writes them.
fn sample(plan: &Plan, n: u64, seed: u64, format: SampleFormat) -> Vec<u8> {
    let mut out = Vec::new();
    write_sample(plan.model(), n, seed, format, &mut out).unwrap();
    out
}

/// Every column there is: case id, every step, every flag, route, eligible,
/// status, message.
fn every_column(plan: &Plan) -> Vec<Column> {
    let m = plan.model();
    let mut columns = vec![Column::CaseId];
    columns.extend((0..m.steps.len()).map(|s| Column::Step(s as u32)));
    columns.extend((0..m.flags.len()).map(|f| Column::Flag(f as u32)));
    columns.extend([
        Column::Route,
        Column::Eligible,
        Column::Status,
        Column::Message,
    ]);
    columns
}

fn every_column_name(plan: &Plan) -> Vec<String> {
    let m = plan.model();
    let mut names = vec!["case_id".to_string()];
    names.extend(m.steps.iter().map(|s| s.id.clone()));
    names.extend(m.flags.iter().map(|f| f.id.clone()));
    names.extend(["route", "eligible", "status", "message"].map(String::from));
    names
}

/// What a library run produced.
struct LibRun {
    out: Vec<u8>,
    summary: Summary,
    warnings: Vec<String>,
    errors: Vec<ErrorRecord>,
}

/// Runs a caseload through `ras::batch` (one thread, or `run_parallel`).
fn run_lib(
    plan: &Plan,
    reader: CaseReader,
    format: OutputFormat,
    columns: Vec<Column>,
    threads: usize,
) -> LibRun {
    let mut writer = ResultWriter::new(Vec::new(), format, plan.model(), columns).unwrap();
    let mut errors = Vec::new();
    let mut record = |e: &ErrorRecord| {
        errors.push(e.clone());
        Ok(())
    };
    let options = RunOptions::default();
    let (summary, warnings) = if threads > 1 {
        ras::batch::run_parallel(
            plan,
            reader,
            &mut writer,
            &mut record,
            &options,
            threads,
            &mut |_, _| {},
        )
    } else {
        ras::batch::run(
            plan,
            reader,
            &mut writer,
            &mut record,
            &options,
            &mut |_, _| {},
        )
    }
    .unwrap_or_else(|e| panic!("the run stopped: {e}"));
    LibRun {
        out: writer.finish().unwrap(),
        summary,
        warnings,
        errors,
    }
}

fn csv_reader(bytes: Vec<u8>) -> CaseReader {
    CaseReader::csv(Box::new(std::io::Cursor::new(bytes)), "cases.csv")
        .unwrap_or_else(|p| panic!("{}", p.message))
}

/// A JSON Lines reader over `bytes` (written to a file: JSON Lines is read from a path).
fn jsonl_reader(dir: &Path, bytes: &[u8]) -> CaseReader {
    let path = dir.join("cases.jsonl");
    std::fs::write(&path, bytes).unwrap();
    CaseReader::open(&path, InputFormat::JsonLines, None)
        .unwrap_or_else(|p| panic!("{}", p.message))
}

/// The cells of a CSV output: header, then rows.
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The rows of a JSON Lines output, as objects.
fn jsonl_rows(bytes: &[u8]) -> Vec<serde_json::Map<String, serde_json::Value>> {
    std::str::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|line| match serde_json::from_str(line) {
            Ok(serde_json::Value::Object(map)) => map,
            other => panic!("not a JSON object: {line}: {other:?}"),
        })
        .collect()
}

/// A JSON cell as the text a CSV cell would hold ("" for null).
fn json_cell_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(b) => b.to_string(),
        other => panic!("unexpected JSON cell {other}"),
    }
}

/// The row `ras run` should write for a case, from the full evaluation: one
/// cell per column of [`every_column_name`] ("" for none).
fn expected_row(plan: &Plan, case: &Case, r: &EvalResult) -> Vec<String> {
    let m = plan.model();
    let ok = r.status == ras::eval::Status::Ok;
    let mut row = vec![case.case_id.clone().unwrap()];
    for step in &m.steps {
        // Figures are written only for a case with figures.
        row.push(match r.steps.get(&step.id) {
            Some(q) if ok => {
                assert_eq!(q.unit, step.unit);
                format_value(q.value, q.unit)
            }
            _ => String::new(),
        });
    }
    for flag in &m.flags {
        row.push(match r.flags.get(&flag.id) {
            Some(b) if ok => b.to_string(),
            _ => String::new(),
        });
    }
    row.push(r.route.clone().unwrap_or_default());
    row.push(r.eligible.map(|b| b.to_string()).unwrap_or_default());
    row.push(r.status.as_str().to_string());
    row.push(match r.status {
        ras::eval::Status::Ok => String::new(),
        ras::eval::Status::NotEligible => r.reasons.join("; "),
        ras::eval::Status::NotValidated => r.not_validated.clone().unwrap_or_default(),
        ras::eval::Status::Error => panic!(
            "{}: sampled case {:?} is an error: {:?}",
            m.header.title, case.case_id, r.error
        ),
    });
    row
}

/// The output of one run of the binary.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Standard error without blank lines.
    fn stderr_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }
}

/// Runs `ras` in `dir` with `stdin` fed to it.
fn ras_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ras"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ras");
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("wait for ras");
    feeder.join().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ras(dir: &Path, args: &[&str]) -> Run {
    ras_in(dir, args, b"")
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

// ------------------------------------------------------------------ 1. differential

const DIFF_CASES: u64 = 2_000;

/// The rule files the differential tests below cover, one test each (so they
/// run side by side).
const RULE_FILES: [&str; 6] = [
    "rules/lancashire/2014-v1.ras",
    "rules/lancashire/2016-v7.ras",
    "rules/leicestershire/2009-11-pilot.ras",
    "rules/oldham/2019-01.ras",
    "rules/shire-2025.ras",
    "rules/wigan/2025-home-care.ras",
];

#[test]
fn every_rule_file_is_checked_against_eval() {
    let files: Vec<PathBuf> = RULE_FILES.iter().map(|f| root().join(f)).collect();
    assert_eq!(
        rule_files(),
        files,
        "add a differential test for each new rule file"
    );
}

#[test]
fn run_agrees_with_eval_lancashire_2014() {
    run_agrees_with_eval(RULE_FILES[0]);
}

#[test]
fn run_agrees_with_eval_lancashire_2016() {
    run_agrees_with_eval(RULE_FILES[1]);
}

#[test]
fn run_agrees_with_eval_leicestershire_2009() {
    run_agrees_with_eval(RULE_FILES[2]);
}

#[test]
fn run_agrees_with_eval_oldham_2019() {
    run_agrees_with_eval(RULE_FILES[3]);
}

#[test]
fn run_agrees_with_eval_wigan_2025() {
    run_agrees_with_eval(RULE_FILES[5]);
}

#[test]
fn run_agrees_with_eval_shire_2025() {
    run_agrees_with_eval(RULE_FILES[4]);
}

/// A rule file: `ras run` of sampled cases (CSV in -> CSV out, JSON Lines in ->
/// JSON Lines out) writes, row for row, what a full evaluation of the same case
/// gives: every step, every flag, route, eligibility, status and message.
fn run_agrees_with_eval(file: &str) {
    let dir = tempdir();
    let path = root().join(file);
    let name = file.to_string();
    let plan = plan_of(&path);
    let ev = Evaluator::new(&plan);
    let seed = 20_250_401;
    let jsonl = sample(&plan, DIFF_CASES, seed, SampleFormat::JsonLines);
    let csv = sample(&plan, DIFF_CASES, seed, SampleFormat::Csv);
    let cases: Vec<Case> = std::str::from_utf8(&jsonl)
        .unwrap()
        .lines()
        .map(|l| Case::from_json(l).unwrap())
        .collect();
    assert_eq!(cases.len() as u64, DIFF_CASES);
    let expected: Vec<Vec<String>> = cases
        .iter()
        .map(|c| expected_row(&plan, c, &ev.evaluate(c, &EvalOptions::default())))
        .collect();
    let names = every_column_name(&plan);

    // CSV in, CSV out.
    let run = run_lib(
        &plan,
        csv_reader(csv),
        OutputFormat::Csv,
        every_column(&plan),
        1,
    );
    let (header, rows) = csv_rows(&run.out);
    assert_eq!(header, names, "{name}");
    assert_eq!(rows.len(), expected.len(), "{name}");
    for (i, (got, want)) in rows.iter().zip(&expected).enumerate() {
        assert_eq!(
            got,
            want,
            "{name}: CSV row {} ({:?})\ncolumns {names:?}",
            i + 1,
            cases[i]
        );
    }
    assert!(run.warnings.is_empty(), "{name}: {:?}", run.warnings);
    assert!(run.errors.is_empty(), "{name}: {:?}", run.errors);
    assert_eq!(run.summary.rows, DIFF_CASES);
    assert_eq!(run.summary.errors, 0);

    // JSON Lines in, JSON Lines out.
    let jrun = run_lib(
        &plan,
        jsonl_reader(dir.path(), &jsonl),
        OutputFormat::JsonLines,
        every_column(&plan),
        1,
    );
    let objects = jsonl_rows(&jrun.out);
    assert_eq!(objects.len(), expected.len(), "{name}");
    for (i, (object, want)) in objects.iter().zip(&expected).enumerate() {
        let keys: Vec<&String> = object.keys().collect();
        assert_eq!(
            keys,
            names.iter().collect::<Vec<_>>(),
            "{name}: keys in column order"
        );
        let got: Vec<String> = object.values().map(json_cell_text).collect();
        assert_eq!(&got, want, "{name}: JSON row {}", i + 1);
        // Figures are text (exact decimals), flags and eligibility booleans.
        for (key, value) in object {
            let is_step = plan.model().step_named(key).is_some();
            let is_flag = plan.model().flag_named(key).is_some() || key == "eligible";
            assert!(
                value.is_null()
                    || (is_step && value.is_string())
                    || (is_flag && value.is_boolean())
                    || (!is_step && !is_flag && value.is_string()),
                "{name}: row {}: {key} = {value}",
                i + 1
            );
        }
    }
    assert_eq!(
        jrun.summary, run.summary,
        "{name}: same counts from CSV and JSON Lines"
    );

    // The counts are those of the evaluations.
    let count = |s: &str| expected.iter().filter(|r| r[r.len() - 2] == s).count() as u64;
    assert_eq!(
        run.summary,
        Summary {
            rows: DIFF_CASES,
            ok: count("ok"),
            not_eligible: count("not_eligible"),
            not_validated: count("not_validated"),
            errors: 0,
        },
        "{name}"
    );

    // Two threads write the same bytes as one.
    let parallel = run_lib(
        &plan,
        csv_reader(sample(&plan, DIFF_CASES, seed, SampleFormat::Csv)),
        OutputFormat::Csv,
        every_column(&plan),
        2,
    );
    assert!(
        parallel.out == run.out,
        "{name}: --threads 2 differs from one thread"
    );
    assert_eq!(parallel.summary, run.summary);
}

/// Money that is not rounded keeps every significant decimal, in `ras run` as
/// in `ras eval` (`96.875`), and at least two (`193.75`, `1550.00`).
#[test]
fn unrounded_figures_are_written_as_eval_writes_them() {
    let source = r#"policy "Unrounded" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { older_people "Older people" }
question hours "Hours of help a week" number h from 0 to 100
parameter rate "Rate per hour" = £15.50/h
output indicative "Weekly cost" = hours * rate
output half "Half of it" = indicative * 50%
"#;
    let checked = check_source(source, &CheckOptions::new(ras::date::Date::today()));
    let plan = compile(checked.model.expect("the test policy checks"), source).unwrap();
    let ev = Evaluator::new(&plan);
    let input = "case_id,cohort,hours\nA,older_people,12.5\nB,older_people,1.25\nC,older_people,0\nD,older_people,100\n";
    let run = run_lib(
        &plan,
        csv_reader(input.as_bytes().to_vec()),
        OutputFormat::Csv,
        every_column(&plan),
        1,
    );
    assert_eq!(
        String::from_utf8(run.out).unwrap(),
        "case_id,indicative,half,route,eligible,status,message\n\
         A,193.75,96.875,,true,ok,\n\
         B,19.375,9.6875,,true,ok,\n\
         C,0.00,0.00,,true,ok,\n\
         D,1550.00,775.00,,true,ok,\n"
    );
    for (id, hours) in [("A", "12.5"), ("B", "1.25"), ("D", "100")] {
        let case = Case::from_json(&format!(
            r#"{{"case_id":"{id}","cohort":"older_people","answers":{{"hours":"{hours}"}}}}"#
        ))
        .unwrap();
        let r = ev.evaluate(&case, &EvalOptions::default());
        let (_, rows) = csv_rows(
            &run_lib(
                &plan,
                csv_reader(
                    format!("case_id,cohort,hours\n{id},older_people,{hours}\n").into_bytes(),
                ),
                OutputFormat::Csv,
                every_column(&plan),
                1,
            )
            .out,
        );
        assert_eq!(rows[0], expected_row(&plan, &case, &r), "case {id}");
    }
}

// ------------------------------------------------------------------ 2. bad rows

/// The header of the Shire fixture with an `assessed` column before `plan_cost`.
const SHIRE_HEADER: &str = "case_id,cohort,q01,q02,q03,q04,q05,q06,q07,q08,q09,q10,q11,q12,q13,q14,q15,q16,q17,q18,q19,q20,q21,q22,q23,q24,carer,assessed,plan_cost";

/// A Shire row: `answers` are q01..q24 in order.
fn shire_row(
    id: &str,
    cohort: &str,
    answers: &str,
    carer: &str,
    assessed: &str,
    plan_cost: &str,
) -> String {
    assert_eq!(answers.split(',').count(), 24);
    format!("{id},{cohort},{answers},{carer},{assessed},{plan_cost}")
}

/// All 24 answers at option 1.
const ONES: &str = "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1";
/// S04 of shire-small.csv: indicative 85.03.
const S04: &str = "1,1,1,1,2,2,1,1,1,1,1,1,1,1,1,1,2,2,1,2,2,1,1,2";

/// One row of every kind of bad row, between two good ones.
fn shire_bad_rows() -> Vec<u8> {
    let mut text = String::new();
    let mut line = |l: String| {
        text.push_str(&l);
        text.push('\n');
    };
    line(SHIRE_HEADER.to_string());
    // 1: good.
    line(shire_row(
        "S01",
        "older_people",
        ONES,
        "none",
        "2025-05-01",
        "",
    ));
    // 2: a field short (plan_cost left off).
    line(format!("S02,working_age,{ONES},most_unwilling,2025-05-01"));
    // 3: an option code question q01 does not have.
    line(shire_row(
        "S03",
        "older_people",
        &ONES.replacen('1', "7", 1),
        "none",
        "2025-05-01",
        "",
    ));
    // 4: q05 (needed for the points) left empty.
    line(shire_row(
        "S04",
        "older_people",
        "1,1,1,1,,2,1,1,1,1,1,1,1,1,1,1,2,2,1,2,2,1,1,2",
        "some_willing",
        "2025-05-01",
        "95.00",
    ));
    // 5: a plan cost that is not an amount.
    line(shire_row(
        "S05",
        "working_age",
        ONES,
        "none",
        "2025-05-01",
        "twelve",
    ));
    // 6: a date that does not exist.
    line(shire_row(
        "S06",
        "working_age",
        ONES,
        "none",
        "2025-02-30",
        "",
    ));
    // 7: a cohort the policy does not have.
    line(shire_row("S07", "children", ONES, "none", "2025-05-01", ""));
    // 8: an unknown code of the carer question (not a digit).
    line(shire_row(
        "S08",
        "older_people",
        ONES,
        "sometimes",
        "2025-05-01",
        "",
    ));
    // 9: not UTF-8 (written below).
    line(shire_row(
        "S09",
        "older_peo@ple",
        ONES,
        "none",
        "2025-05-01",
        "",
    ));
    // 10: good.
    line(shire_row(
        "S10",
        "older_people",
        S04,
        "some_willing",
        "2025-05-01",
        "95.00",
    ));
    let mut bytes = text.into_bytes();
    let at = bytes.windows(4).position(|w| w == b"eo@p").unwrap() + 2;
    bytes[at] = 0xff;
    bytes
}

const SHIRE_BAD_OUTPUT: &str = r#"case_id,indicative,status,message
S01,0.00,ok,
S02,,error,line 3: the row has 28 fields but the header has 29
S03,,error,"line 4, column q01: `7` is not an option of question `q01` (""Washing and bathing""); the options are: 1, 2, 3, 4, 5"
S04,,error,"line 5, column q05: question `q05` (""Using the toilet and managing continence"") has no answer, and it is needed for working out `points`; answer one of: 1, 2, 3, 4"
S05,,error,"line 6, column plan_cost: `twelve` is not an amount of money, e.g. 420.00"
S06,,error,"line 7, column assessed: `2025-02-30` is not a date; write YYYY-MM-DD"
S07,,error,"line 8, column cohort: `children` is not a cohort of this policy; the cohorts are: older_people, working_age"
S08,,error,"line 9, column carer: `sometimes` is not an option of question `carer` (""How much of your daily-living support do family or friends give, and are they willing to go on?""); the options are: none, some_willing, some_unwilling, most_willing, most_unwilling"
S09,,error,"line 10, column cohort: the field is not UTF-8 text"
S10,85.03,ok,
"#;

const SHIRE_BAD_ERRORS: &str = r#"line,case_id,column,code,message
3,S02,,ras::field-count,the row has 28 fields but the header has 29
4,S03,q01,ras::unknown-code,"`7` is not an option of question `q01` (""Washing and bathing""); the options are: 1, 2, 3, 4, 5"
5,S04,q05,ras::missing-answer,"question `q05` (""Using the toilet and managing continence"") has no answer, and it is needed for working out `points`; answer one of: 1, 2, 3, 4"
6,S05,plan_cost,ras::not-a-number,"`twelve` is not an amount of money, e.g. 420.00"
7,S06,assessed,ras::bad-date,`2025-02-30` is not a date; write YYYY-MM-DD
8,S07,cohort,ras::unknown-cohort,"`children` is not a cohort of this policy; the cohorts are: older_people, working_age"
9,S08,carer,ras::unknown-code,"`sometimes` is not an option of question `carer` (""How much of your daily-living support do family or friends give, and are they willing to go on?""); the options are: none, some_willing, some_unwilling, most_willing, most_unwilling"
10,S09,cohort,ras::not-utf8,the field is not UTF-8 text
"#;

const SHIRE_BAD_SUMMARY: &str = "10 cases: 2 ok, 0 not eligible, 0 not validated, 8 errors";

#[test]
fn each_bad_row_becomes_an_error_row_with_its_message() {
    let dir = tempdir();
    std::fs::write(dir.path().join("bad.csv"), shire_bad_rows()).unwrap();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    let args = [
        "run",
        shire,
        "--cases",
        "bad.csv",
        "--columns",
        "case_id,indicative,status,message",
        "--errors",
        "errors.csv",
    ];
    let run = ras(dir.path(), &args);
    run.expect_code(1);
    assert_eq!(run.stdout, SHIRE_BAD_OUTPUT);
    assert_eq!(run.stderr_lines(), [SHIRE_BAD_SUMMARY]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("errors.csv")).unwrap(),
        SHIRE_BAD_ERRORS
    );

    // --allow-errors: the same rows and counts, exit 0.
    let mut allow = args.to_vec();
    allow.push("--allow-errors");
    let run = ras(dir.path(), &allow);
    run.expect_code(0);
    assert_eq!(run.stdout, SHIRE_BAD_OUTPUT);
    assert_eq!(run.stderr_lines(), [SHIRE_BAD_SUMMARY]);

    // The library gives the same counts and error records.
    let plan = plan_of(Path::new(shire));
    let lib = run_lib(
        &plan,
        csv_reader(shire_bad_rows()),
        OutputFormat::Csv,
        ras::batch::output::named_columns(plan.model(), "case_id,indicative,status,message")
            .unwrap(),
        1,
    );
    assert_eq!(String::from_utf8(lib.out).unwrap(), SHIRE_BAD_OUTPUT);
    assert_eq!(lib.summary.line(), SHIRE_BAD_SUMMARY);
    assert_eq!(
        lib.summary,
        Summary {
            rows: 10,
            ok: 2,
            not_eligible: 0,
            not_validated: 0,
            errors: 8
        }
    );
    let codes: Vec<(u64, &str, &str)> = lib
        .errors
        .iter()
        .map(|e| (e.row, e.case_id.as_str(), e.code))
        .collect();
    assert_eq!(
        codes,
        [
            (2, "S02", "ras::field-count"),
            (3, "S03", "ras::unknown-code"),
            (4, "S04", "ras::missing-answer"),
            (5, "S05", "ras::not-a-number"),
            (6, "S06", "ras::bad-date"),
            (7, "S07", "ras::unknown-cohort"),
            (8, "S08", "ras::unknown-code"),
            (9, "S09", "ras::not-utf8"),
        ]
    );
}

/// Number answers: not a number, and out of range; not eligible rows are
/// counted as such (Oldham's eligibility test), not as errors.
#[test]
fn bad_numbers_are_errors_and_ineligible_cases_are_counted_apart() {
    let dir = tempdir();
    let oldham = root().join("rules/oldham/2019-01.ras");
    let header = "case_id,cohort,nutrition,hygiene,toileting,clothing,home_safety,habitable_home,relationships,community,work_training,caring_child,wellbeing_impact,informal_hours,night_support,plan_cost";
    let input = format!(
        "{header}\n\
         O1,older_people,3,4,2,3,1,2,1,3,1,1,yes,6,1,420.00\n\
         O2,older_people,3,4,2,3,1,2,1,3,1,1,yes,lots,1,420.00\n\
         O3,older_people,3,4,2,3,1,2,1,3,1,1,yes,200,1,420.00\n\
         O4,older_people,1,1,1,1,1,1,1,1,1,1,no,0,1,\n\
         O5,older_people,3,4,2,3,1,2,1,3,1,1,yes,6.5,1,\n"
    );
    std::fs::write(dir.path().join("oldham.csv"), input).unwrap();
    let run = ras(
        dir.path(),
        &[
            "run",
            oldham.to_str().unwrap(),
            "--cases",
            "oldham.csv",
            "--columns",
            "case_id,net_hours,indicative,route,eligible,status,message",
            "--errors",
            "errors.csv",
        ],
    );
    run.expect_code(1);
    // O1 is Oldham's worked example O-A: 11 net hours, £249.25, plan £420.00.
    assert_eq!(
        run.stdout,
        "case_id,net_hours,indicative,route,eligible,status,message\n\
         O1,11,249.25,assessor_and_manager,true,ok,\n\
         O2,,,,,error,\"line 3, column informal_hours: the answer to question `informal_hours` must be a number from 0 to 168 (h), not `lots`\"\n\
         O3,,,,,error,\"line 4, column informal_hours: the answer 200 to question `informal_hours` is outside its range, 0 to 168 (h)\"\n\
         O4,,,,false,not_eligible,outcomes not achieved: 0; two or more are needed (policy 1.3); no significant impact on wellbeing was found (policy 1.3)\n\
         O5,10.5,241.38,,true,ok,\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("errors.csv")).unwrap(),
        "line,case_id,column,code,message\n\
         3,O2,informal_hours,ras::not-a-number,\"the answer to question `informal_hours` must be a number from 0 to 168 (h), not `lots`\"\n\
         4,O3,informal_hours,ras::out-of-range,\"the answer 200 to question `informal_hours` is outside its range, 0 to 168 (h)\"\n"
    );
    assert_eq!(
        run.stderr_lines(),
        ["5 cases: 2 ok, 1 not eligible, 0 not validated, 2 errors"]
    );
}

/// Amounts and numbers are read one way in CSV and JSON Lines alike: money
/// written with a decimal comma, `_`, two `£`, an exponent or below zero is
/// refused, and a number with more digits than are held exactly is an error,
/// not a nearby value that passes the range.
#[test]
fn amounts_and_numbers_that_would_be_misread_are_refused() {
    let dir = tempdir();
    let oldham = root().join("rules/oldham/2019-01.ras");
    let header = "case_id,cohort,nutrition,hygiene,toileting,clothing,home_safety,habitable_home,relationships,community,work_training,caring_child,wellbeing_impact,informal_hours,night_support,plan_cost";
    let row = |id: &str, hours: &str, cost: &str| {
        format!("{id},older_people,3,4,2,3,1,2,1,3,1,1,yes,{hours},1,\"{cost}\"\n")
    };
    let mut csv = format!("{header}\n");
    csv += &row("P1", "168.0000000000000000000000000001", "420.00");
    for (id, cost) in [
        ("P2", "12,50"),
        ("P3", "0,99"),
        ("P4", "1_000"),
        ("P5", "££5"),
        ("P6", "1e3"),
        ("P7", "-5.00"),
    ] {
        csv += &row(id, "6", cost);
    }
    csv += &row("P8", "6", "£1,210.50");
    std::fs::write(dir.path().join("p.csv"), csv).unwrap();
    let run = ras(
        dir.path(),
        &[
            "run",
            oldham.to_str().unwrap(),
            "--cases",
            "p.csv",
            "--columns",
            "case_id,status",
            "--errors",
            "e.csv",
        ],
    );
    run.expect_code(1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("e.csv")).unwrap(),
        "line,case_id,column,code,message\n\
         2,P1,informal_hours,ras::number-too-precise,\"the answer to question `informal_hours`: `168.0000000000000000000000000001` has 31 significant digits, more than the 28 that can be held exactly; write at most 28 digits\"\n\
         3,P2,plan_cost,ras::not-a-number,\"`12,50` is not an amount of money, e.g. 420.00\"\n\
         4,P3,plan_cost,ras::not-a-number,\"`0,99` is not an amount of money, e.g. 420.00\"\n\
         5,P4,plan_cost,ras::not-a-number,\"`1_000` is not an amount of money, e.g. 420.00\"\n\
         6,P5,plan_cost,ras::not-a-number,\"`££5` is not an amount of money, e.g. 420.00\"\n\
         7,P6,plan_cost,ras::not-a-number,\"`1e3` is not an amount of money, e.g. 420.00\"\n\
         8,P7,plan_cost,ras::negative-amount,`-5.00` is below zero; an amount of money here cannot be negative\n"
    );
    assert!(run.stdout.ends_with("P8,ok\n"), "{}", run.stdout);

    let answers = r#""nutrition":3,"hygiene":4,"toileting":2,"clothing":3,"home_safety":1,"habitable_home":2,"relationships":1,"community":3,"work_training":1,"caring_child":1,"wellbeing_impact":"yes","night_support":1"#;
    let jsonl = [
        format!(r#"{{"case_id":"J1","cohort":"older_people","answers":{{{answers},"informal_hours":168.0000000000000000000000000001}}}}"#),
        format!(r#"{{"case_id":"J2","cohort":"older_people","plan_cost":"12,50","answers":{{{answers},"informal_hours":6}}}}"#),
        format!(r#"{{"case_id":"J3","cohort":"older_people","plan_cost":1e3,"answers":{{{answers},"informal_hours":6}}}}"#),
        format!(r#"{{"case_id":"J4","cohort":"older_people","plan_cost":-5,"answers":{{{answers},"informal_hours":6}}}}"#),
        format!(r#"{{"case_id":"J5","cohort":"older_people","plan_cost":"£420","answers":{{{answers},"informal_hours":6}}}}"#),
    ]
    .join("\n");
    std::fs::write(dir.path().join("p.jsonl"), jsonl).unwrap();
    let run = ras(
        dir.path(),
        &[
            "run",
            oldham.to_str().unwrap(),
            "--cases",
            "p.jsonl",
            "--columns",
            "case_id,status,message",
        ],
    );
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stdout);
    assert!(
        lines[1].contains(
            "`informal_hours`: `168.0000000000000000000000000001` has 31 significant digits"
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("plan_cost: `12,50` is not an amount of money"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains("plan_cost: `1e") && lines[3].contains("is not an amount of money"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].contains("plan_cost: `-5` is below zero"),
        "{}",
        lines[4]
    );
    assert_eq!(lines[5], "J5,ok,");
}

/// A cohort the policy is not validated for is its own status (Lancashire v7,
/// mental health), and no errors means exit 0.
#[test]
fn not_validated_rows_are_counted_and_exit_zero() {
    let dir = tempdir();
    let lancashire = root().join("rules/lancashire/2016-v7.ras");
    std::fs::write(
        dir.path().join("l.csv"),
        "case_id,cohort,setting,personal_care,nutrition,mobility,safety,behaviour,social,daily_living,carer_breakdown_risk,telecare_suitable\n\
         L1,mental_health,own_home,1,3,2,4,3,2,0,1,no\n\
         L2,older_people,own_home,1,3,2,4,3,2,0,1,no\n",
    )
    .unwrap();
    let run = ras(
        dir.path(),
        &[
            "run",
            lancashire.to_str().unwrap(),
            "--cases",
            "l.csv",
            "--columns",
            "case_id,status,message",
        ],
    );
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        "case_id,status,message\nL1,not_validated,further testing is required\nL2,ok,\n"
    );
    assert_eq!(
        run.stderr_lines(),
        ["2 cases: 1 ok, 0 not eligible, 1 not validated, 0 errors"]
    );
}

/// JSON Lines: a line that is not a case, an unknown question, a line that is
/// not UTF-8; blank lines are not cases.
#[test]
fn bad_json_lines_become_error_rows() {
    let dir = tempdir();
    let mut input = Vec::new();
    input.extend_from_slice(br#"{"case_id":"J1","cohort":"older_people","answers":{"q01":1,"q02":1,"q03":1,"q04":1,"q05":1,"q06":1,"q07":1,"q08":1,"q09":1,"q10":1,"q11":1,"q12":1,"q13":1,"q14":1,"q15":1,"q16":1,"q17":1,"q18":1,"q19":1,"q20":1,"q21":1,"q22":1,"q23":1,"q24":1,"carer":"none"}}"#);
    input.extend_from_slice(b"\nnot json\n\n");
    input.extend_from_slice(br#"{"case_id":"J3","cohort":"older_people","answers":{"q99":"1"}}"#);
    input.extend_from_slice(b"\n{\"case_id\":\"J\xff4\"}\n");
    input.extend_from_slice(br#"{"case_id":"J5","cohort":"working_age","answers":{"q01":"1"}}"#);
    input.push(b'\n');
    std::fs::write(dir.path().join("cases.jsonl"), input).unwrap();
    let shire = shire();
    let run = ras(
        dir.path(),
        &[
            "run",
            shire.to_str().unwrap(),
            "--cases",
            "cases.jsonl",
            "--columns",
            "case_id,indicative,status,message",
            "--errors",
            "e.csv",
        ],
    );
    run.expect_code(1);
    assert_eq!(
        run.stdout,
        "case_id,indicative,status,message\n\
         J1,0.00,ok,\n\
         2,,error,line 2: not a case (column 2): expected ident\n\
         J3,,error,\"line 4, column q99: the case answers `q99`, which is not a question of this policy\"\n\
         4,,error,line 5: the line is not UTF-8 text\n\
         J5,,error,\"line 6, column q02: question `q02` (\"\"Dressing and grooming\"\") has no answer, and it is needed for working out `points`; answer one of: 1, 2, 3, 4\"\n"
    );
    assert_eq!(
        run.stderr_lines(),
        ["5 cases: 1 ok, 0 not eligible, 0 not validated, 4 errors"]
    );
    let errors = std::fs::read_to_string(dir.path().join("e.csv")).unwrap();
    assert_eq!(errors.lines().count(), 1 + 4, "{errors}");
}

// ------------------------------------------------------------------ 3. whole-file problems

#[test]
fn whole_file_problems_stop_before_any_row() {
    let dir = tempdir();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    // A question the rules need has no column (q24 and carer left out).
    let cut: String = std::fs::read_to_string(fixture("shire-small.csv"))
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{},{}\n", f[..25].join(","), f[27])
        })
        .collect();
    std::fs::write(dir.path().join("cut.csv"), cut).unwrap();
    let run = ras(
        dir.path(),
        &["run", shire, "--cases", "cut.csv", "-o", "out.csv"],
    );
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr_lines(),
        [
            "error: `cut.csv`: the caseload has no column for questions q24, carer, which the rules need",
            "  help: add a column named after each question id, holding the option code chosen",
        ]
    );
    assert!(
        !dir.path().join("out.csv").exists(),
        "nothing is written for a caseload that cannot be used"
    );

    // No cohort column.
    std::fs::write(dir.path().join("nocohort.csv"), format!("case_id,{ONES}\n")).unwrap();
    let run = ras(dir.path(), &["run", shire, "--cases", "nocohort.csv"]);
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr_lines(),
        [
            "error: `nocohort.csv`: the caseload has no `cohort` column",
            "  help: add a `cohort` column holding one of: older_people, working_age",
        ]
    );

    // A header that is not UTF-8.
    std::fs::write(
        dir.path().join("latin1.csv"),
        b"case_id,coh\xf6rt\nA,older_people\n",
    )
    .unwrap();
    let run = ras(dir.path(), &["run", shire, "--cases", "latin1.csv"]);
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr_lines(),
        [
            "error: `latin1.csv` is not UTF-8 text (header, column 2)",
            "  help: save the file as CSV UTF-8",
        ]
    );

    // An .xlsx that is not a workbook.
    std::fs::write(
        dir.path().join("cases.xlsx"),
        "case_id,cohort\nA,older_people\n",
    )
    .unwrap();
    let run = ras(dir.path(), &["run", shire, "--cases", "cases.xlsx"]);
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("error: cannot read `cases.xlsx` as an Excel workbook: "),
        "{lines:?}"
    );

    // A caseload that is not there, or is a folder: I/O problems, exit 2.
    let run = ras(dir.path(), &["run", shire, "--cases", "missing.csv"]);
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr_lines(),
        ["error: cannot read `missing.csv`: there is no such file or folder"]
    );
    std::fs::create_dir(dir.path().join("folder.jsonl")).unwrap();
    let run = ras(dir.path(), &["run", shire, "--cases", "folder.jsonl"]);
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr_lines(),
        ["error: cannot read `folder.jsonl`: it is a folder, not a file"]
    );
}

/// A folder read as JSON Lines through the library: one error row, then the
/// end (not the same error for ever).
#[test]
fn a_read_error_ends_the_caseload() {
    let dir = tempdir();
    let folder = dir.path().join("cases.jsonl");
    std::fs::create_dir(&folder).unwrap();
    let plan = plan_of(&shire());
    let reader = CaseReader::open(&folder, InputFormat::JsonLines, None).unwrap();
    let run = run_lib(&plan, reader, OutputFormat::Csv, every_column(&plan), 1);
    assert_eq!(run.summary.rows, 1);
    assert_eq!(run.summary.errors, 1);
    assert_eq!(run.errors[0].code, "ras::bad-row");
}

// ------------------------------------------------------------------ 4. extra column

#[test]
fn an_unknown_column_is_one_warning() {
    let dir = tempdir();
    let text: String = std::fs::read_to_string(fixture("shire-small.csv"))
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},notes\n")
            } else {
                format!("{l},seen by {i}\n")
            }
        })
        .collect();
    std::fs::write(dir.path().join("notes.csv"), text).unwrap();
    let shire = shire();
    let run = ras(
        dir.path(),
        &["run", shire.to_str().unwrap(), "--cases", "notes.csv", "--columns", "case_id,points,net_points,gross,contingency,indicative,annual,reasonable_offer_review,route"],
    );
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        std::fs::read_to_string(fixture("shire-small.expected.csv")).unwrap(),
        "the extra column changes nothing"
    );
    assert_eq!(
        run.stderr_lines(),
        [
            "warning: column `notes` is not a question or attribute of this policy; it is ignored",
            "27 cases: 27 ok, 0 not eligible, 0 not validated, 0 errors",
        ]
    );
}

// ------------------------------------------------------------------ 5. 10,000 rows

/// Replaces field `column` (0-based) of a CSV line.
fn replace_field(line: &[u8], column: usize, value: &[u8]) -> Vec<u8> {
    let mut fields: Vec<&[u8]> = line.split(|b| *b == b',').collect();
    fields[column] = value;
    fields.join(&b","[..])
}

/// 10,000 sampled Shire cases with bad rows at chosen places (first, last,
/// either side of the 4,096-row chunks the threads take): no row lost, none
/// reordered, the bad ones named by their row, the counts adding up.
#[test]
fn ten_thousand_rows_with_scattered_bad_ones() {
    const N: usize = 10_000;
    let dir = tempdir();
    let plan = plan_of(&shire());
    let clean = sample(&plan, N as u64, 7, SampleFormat::Csv);
    let mut lines: Vec<Vec<u8>> = clean.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    assert_eq!(lines.pop(), Some(Vec::new()), "a newline ends the file");
    assert_eq!(lines.len(), N + 1);
    let header: Vec<String> = std::str::from_utf8(&lines[0])
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // (row, what is wrong, the code of the error)
    let bad: Vec<(usize, &str)> = vec![
        (1, "ras::unknown-code"),
        (2, "ras::field-count"),
        (4_096, "ras::missing-answer"),
        (4_097, "ras::not-a-number"),
        (5_000, "ras::unknown-cohort"),
        (8_191, "ras::not-utf8"),
        (8_192, "ras::field-count"),
        (9_999, "ras::unknown-code"),
        (10_000, "ras::unknown-code"),
    ];
    for (row, code) in &bad {
        let line = &lines[*row];
        lines[*row] = match (*row, *code) {
            (1, _) => replace_field(line, col("q01"), b"9"),
            (2, _) => line[..line.iter().rposition(|b| *b == b',').unwrap()].to_vec(),
            (_, "ras::missing-answer") => replace_field(line, col("q12"), b""),
            (_, "ras::not-a-number") => replace_field(line, col("plan_cost"), b"1.2.3"),
            (_, "ras::unknown-cohort") => replace_field(line, col("cohort"), b"everyone"),
            (_, "ras::not-utf8") => replace_field(line, col("cohort"), b"older\xffpeople"),
            (8_192, _) => [line.as_slice(), b",extra"].concat(),
            (9_999, _) => replace_field(line, col("carer"), b"maybe"),
            _ => replace_field(line, col("q24"), b"0"),
        };
    }
    let mut input = lines.join(&b'\n');
    input.push(b'\n');
    std::fs::write(dir.path().join("cases.csv"), &input).unwrap();
    std::fs::write(dir.path().join("clean.csv"), &clean).unwrap();
    let shire = shire();
    let shire = shire.to_str().unwrap();

    let one = ras(
        dir.path(),
        &[
            "run",
            shire,
            "--cases",
            "cases.csv",
            "-o",
            "one.csv",
            "--errors",
            "one-errors.csv",
        ],
    );
    one.expect_code(1);
    let summary = format!(
        "10000 cases: {} ok, 0 not eligible, 0 not validated, {} errors",
        N - bad.len(),
        bad.len()
    );
    assert_eq!(one.stderr_lines(), [summary.as_str()]);
    let two = ras(
        dir.path(),
        &[
            "run",
            shire,
            "--cases",
            "cases.csv",
            "-o",
            "two.csv",
            "--errors",
            "two-errors.csv",
            "--threads",
            "2",
        ],
    );
    two.expect_code(1);
    assert_eq!(two.stderr_lines(), [summary.as_str()]);
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert!(
        read("one.csv") == read("two.csv"),
        "--threads 2 writes the same bytes"
    );
    assert_eq!(read("one-errors.csv"), read("two-errors.csv"));

    let (columns, rows) = csv_rows(&read("one.csv"));
    assert_eq!(rows.len(), N, "one result per row");
    let status = columns.iter().position(|c| c == "status").unwrap();
    let message = columns.iter().position(|c| c == "message").unwrap();
    for (i, row) in rows.iter().enumerate() {
        let n = i + 1;
        assert_eq!(
            row[0],
            format!("C{n:05}"),
            "row {n}: case ids in input order"
        );
        match bad.iter().find(|(r, _)| *r == n) {
            Some(_) => {
                assert_eq!(row[status], "error", "row {n}");
                assert!(
                    row[message].starts_with(&format!("line {},", n + 1))
                        || row[message].starts_with(&format!("line {}:", n + 1)),
                    "row {n}: {}",
                    row[message]
                );
            }
            None => assert_eq!(row[status], "ok", "row {n}: {}", row[message]),
        }
    }

    // The good rows are exactly what a run of the clean file gives.
    let clean_run = ras(
        dir.path(),
        &["run", shire, "--cases", "clean.csv", "-o", "clean-out.csv"],
    );
    clean_run.expect_code(0);
    let (_, clean_rows) = csv_rows(&read("clean-out.csv"));
    for (i, (got, want)) in rows.iter().zip(&clean_rows).enumerate() {
        if !bad.iter().any(|(r, _)| *r == i + 1) {
            assert_eq!(got, want, "row {}", i + 1);
        }
    }

    // One line in the errors file per bad row, in order, with its code.
    let errors_bytes = read("one-errors.csv");
    let mut errors = csv::Reader::from_reader(errors_bytes.as_slice());
    let got: Vec<(usize, String, String)> = errors
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].parse().unwrap(), r[1].to_string(), r[3].to_string())
        })
        .collect();
    // The first column is the line: the header is line 1.
    let want: Vec<(usize, String, String)> = bad
        .iter()
        .map(|(row, code)| (*row + 1, format!("C{row:05}"), code.to_string()))
        .collect();
    assert_eq!(got, want);

    // JSON Lines out, on two threads: the same rows in the same order.
    let jsonl = ras(
        dir.path(),
        &[
            "run",
            shire,
            "--cases",
            "cases.csv",
            "-o",
            "two.jsonl",
            "--threads",
            "2",
            "--allow-errors",
        ],
    );
    jsonl.expect_code(0);
    let objects = jsonl_rows(&read("two.jsonl"));
    assert_eq!(objects.len(), N);
    for (object, row) in objects.iter().zip(&rows) {
        let cells: Vec<String> = object.values().map(json_cell_text).collect();
        assert_eq!(&cells, row);
    }
}

// ------------------------------------------------------------------ 6. Shire, checked by hand

const SHIRE_COLUMNS: &str =
    "case_id,points,net_points,gross,contingency,indicative,annual,reasonable_offer_review,route";

/// The Shire output is SCENARIO.md's format, byte for byte, on the 27 cases of
/// `tests/fixtures/run/shire-small.csv`, whose results were worked out by hand
/// (`shire-small.md`).
#[test]
fn shire_output_matches_the_hand_checked_file_byte_for_byte() {
    let dir = tempdir();
    let shire = shire();
    let cases = fixture("shire-small.csv");
    let expected = std::fs::read_to_string(fixture("shire-small.expected.csv")).unwrap();
    let run = ras(
        dir.path(),
        &[
            "run",
            shire.to_str().unwrap(),
            "--cases",
            cases.to_str().unwrap(),
            "--columns",
            SHIRE_COLUMNS,
        ],
    );
    run.expect_code(0);
    assert_eq!(run.stdout, expected);
    assert_eq!(
        run.stderr_lines(),
        ["27 cases: 27 ok, 0 not eligible, 0 not validated, 0 errors"]
    );
    // The same bytes into a file, and on two threads.
    let run = ras(
        dir.path(),
        &[
            "run",
            shire.to_str().unwrap(),
            "--cases",
            cases.to_str().unwrap(),
            "--columns",
            SHIRE_COLUMNS,
            "-o",
            "out.csv",
            "--threads",
            "2",
        ],
    );
    run.expect_code(0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.csv")).unwrap(),
        expected
    );

    let (header, rows) = csv_rows(expected.as_bytes());
    assert_eq!(header.join(","), SHIRE_COLUMNS);
    let row = |id: &str| -> Vec<&str> {
        rows.iter()
            .find(|r| r[0] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .iter()
            .map(String::as_str)
            .collect()
    };
    // shire-small.md, worked example 1 (S04): older_people, some_willing, plan 95.00.
    // points 4 + 2 + 8.4 + 3 + 2 + 2 = 21.4; deduction 15% of (0 + 0 + 4 + 2) = 0.9;
    // net 20.5; gross round(20.5 x 4.88) = 100.04; 15% band: round(15.006) = 15.01;
    // indicative 85.03; annual x 52 = 4421.56; 85.03 > 650? no; |95.00 - 85.03| = 9.97
    // > 8.503: team_manager.
    assert_eq!(
        row("S04"),
        [
            "S04",
            "21.4",
            "20.5",
            "100.04",
            "15.01",
            "85.03",
            "4421.56",
            "false",
            "team_manager"
        ]
    );
    // Worked example 2 (S20): older_people, most_willing, plan 1000.00.
    // points 21 + 5 + 0 + 8 + 3 + 2 + 2 + 5 + 7 = 53; deduction 30% of 34 = 10.2; net 42.8;
    // gross round(208.864) = 208.86; 15% band: round(31.329) = 31.33; indicative 177.53;
    // annual 9231.56; plan_cost 1000.00 >= 1000.00: panel.
    assert_eq!(
        row("S20"),
        ["S20", "53", "42.8", "208.86", "31.33", "177.53", "9231.56", "false", "panel"]
    );
    // Worked example 3 (S15): older_people, some_willing, plan 700.00.
    // points 145.1; deduction 15% of 32.5 = 4.875; net 140.225 (not rounded);
    // gross round(684.298) = 684.30; 5% band: round(34.215) = 34.22 (a tie, away from
    // zero); indicative 650.08 > 650.00: flag raised, never a cap; annual 33804.16;
    // |700.00 - 650.08| = 49.92 <= 65.008: care_manager.
    assert_eq!(
        row("S15"),
        [
            "S15",
            "145.1",
            "140.225",
            "684.30",
            "34.22",
            "650.08",
            "33804.16",
            "true",
            "care_manager"
        ]
    );
    // S01: every answer at option 1, no plan: zero figures and an empty route.
    assert_eq!(
        row("S01"),
        ["S01", "0", "0", "0.00", "0.00", "0.00", "0.00", "false", ""]
    );
    // S26 and S27: contingency ties rounded half away from zero (banker's would differ).
    assert_eq!(row("S26")[4], "30.23");
    assert_eq!(row("S27")[4], "18.53");

    // The worked examples' arithmetic, redone here in decimals from SCENARIO.md's rules.
    use rust_decimal::Decimal;
    use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let penny = |v: Decimal| v.round_dp_with_strategy(2, MidpointAwayFromZero);
    for (id, points, daily, rate, price, band, plan, threshold) in [
        (
            "S04", "21.4", "6", "0.15", "4.88", "0.15", "95.00", "650.00",
        ),
        (
            "S20", "53", "34", "0.30", "4.88", "0.15", "1000.00", "650.00",
        ),
        (
            "S15", "145.1", "32.5", "0.15", "4.88", "0.05", "700.00", "650.00",
        ),
    ] {
        let net = d(points) - d(rate) * d(daily);
        let gross = penny(net * d(price));
        let contingency = penny(gross * d(band));
        let indicative = gross - contingency;
        let annual = indicative * d("52");
        let plan = d(plan);
        let route = if indicative >= d("1000") || plan >= d("1000") {
            "panel"
        } else if (plan - indicative).abs() <= d("0.10") * indicative {
            "care_manager"
        } else {
            "team_manager"
        };
        let r = row(id);
        assert_eq!(net.normalize().to_string(), r[2], "{id} net_points");
        assert_eq!(gross.to_string(), r[3], "{id} gross");
        assert_eq!(contingency.to_string(), r[4], "{id} contingency");
        assert_eq!(indicative.to_string(), r[5], "{id} indicative");
        assert_eq!(annual.to_string(), r[6], "{id} annual");
        assert_eq!((indicative > d(threshold)).to_string(), r[7], "{id} flag");
        assert_eq!(route, r[8], "{id} route");
    }
}

// ------------------------------------------------------------------ 7. formats and sources

/// JSON Lines in and out, standard input (CSV and JSON Lines), and a compiled
/// plan all give the same rows as CSV from a file.
#[test]
fn json_lines_standard_input_and_compiled_plans_agree() {
    let dir = tempdir();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    let p = dir.path();
    ras(
        p,
        &[
            "sample",
            shire,
            "-n",
            "300",
            "--seed",
            "11",
            "-o",
            "cases.csv",
        ],
    )
    .expect_code(0);
    ras(
        p,
        &[
            "sample",
            shire,
            "-n",
            "300",
            "--seed",
            "11",
            "-o",
            "cases.jsonl",
        ],
    )
    .expect_code(0);
    let csv_run = ras(p, &["run", shire, "--cases", "cases.csv"]);
    csv_run.expect_code(0);
    let summary = csv_run.stderr_lines();
    assert_eq!(summary.len(), 1);
    assert!(summary[0].starts_with("300 cases: "), "{summary:?}");
    let (header, rows) = csv_rows(csv_run.stdout.as_bytes());
    assert_eq!(
        header,
        [
            "case_id",
            "indicative",
            "annual",
            "reasonable_offer_review",
            "route",
            "eligible",
            "status",
            "message"
        ],
        "default columns: case id, outputs, flags, route, eligible, status, message"
    );

    // JSON Lines in, JSON Lines out.
    ras(
        p,
        &["run", shire, "--cases", "cases.jsonl", "-o", "out.jsonl"],
    )
    .expect_code(0);
    let objects = jsonl_rows(&std::fs::read(p.join("out.jsonl")).unwrap());
    assert_eq!(objects.len(), rows.len());
    for (object, row) in objects.iter().zip(&rows) {
        assert_eq!(
            object.keys().collect::<Vec<_>>(),
            header.iter().collect::<Vec<_>>()
        );
        let cells: Vec<String> = object.values().map(json_cell_text).collect();
        assert_eq!(&cells, row);
    }
    // JSON Lines in, CSV out: the same bytes as CSV in.
    let run = ras(p, &["run", shire, "--cases", "cases.jsonl"]);
    assert_eq!(run.stdout, csv_run.stdout);

    // `-` reads standard input: CSV by default, JSON Lines when told.
    let stdin_csv = ras_in(
        p,
        &["run", shire, "--cases", "-"],
        &std::fs::read(p.join("cases.csv")).unwrap(),
    );
    stdin_csv.expect_code(0);
    assert_eq!(stdin_csv.stdout, csv_run.stdout);
    let stdin_jsonl = ras_in(
        p,
        &["run", shire, "--cases", "-", "--input-format", "jsonl"],
        &std::fs::read(p.join("cases.jsonl")).unwrap(),
    );
    stdin_jsonl.expect_code(0);
    assert_eq!(stdin_jsonl.stdout, csv_run.stdout);

    // A compiled plan gives the same output as the rule file.
    ras(p, &["compile", shire, "-o", "shire.plan.json"]).expect_code(0);
    let planned = ras(
        p,
        &["run", "--plan", "shire.plan.json", "--cases", "cases.csv"],
    );
    planned.expect_code(0);
    assert_eq!(planned.stdout, csv_run.stdout);
    assert_eq!(planned.stderr, csv_run.stderr);
}

/// Excel: the first sheet by default, another with `--sheet`; codes as numbers
/// or text, a date cell; an unknown sheet is a problem with the whole file.
#[test]
fn excel_workbooks_are_read_sheet_by_sheet() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempdir();
    let small = std::fs::read_to_string(fixture("shire-small.csv")).unwrap();
    let lines: Vec<Vec<&str>> = small.lines().map(|l| l.split(',').collect()).collect();
    let header = &lines[0];
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // Sheet "Cases": S01..S14, codes and plan costs as numbers.
    // Sheet "March": S15..S27, codes as text, an assessment date as a date cell.
    for (name, range, as_text) in [("Cases", 1..15, false), ("March", 15..28, true)] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet
            .write_string(0, header.len() as u16, "assessed")
            .unwrap();
        for (r, line) in lines[range].iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in line.iter().enumerate() {
                let c = c as u16;
                match cell.parse::<f64>() {
                    Ok(n) if !as_text || header[c as usize] == "plan_cost" => {
                        sheet.write_number(r, c, n).unwrap();
                    }
                    _ if cell.is_empty() => {}
                    _ => {
                        sheet.write_string(r, c, *cell).unwrap();
                    }
                }
            }
            let day = ExcelDateTime::from_ymd(2025, 5, 1).unwrap();
            sheet
                .write_date_with_format(r, header.len() as u16, &day, &date)
                .unwrap();
        }
    }
    book.save(dir.path().join("cases.xlsx")).unwrap();

    let expected = std::fs::read_to_string(fixture("shire-small.expected.csv")).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    let first = ras(
        dir.path(),
        &[
            "run",
            shire,
            "--cases",
            "cases.xlsx",
            "--columns",
            SHIRE_COLUMNS,
        ],
    );
    first.expect_code(0);
    assert_eq!(first.stdout, format!("{}\n", expected[..15].join("\n")));
    assert_eq!(
        first.stderr_lines(),
        ["14 cases: 14 ok, 0 not eligible, 0 not validated, 0 errors"]
    );
    let march = ras(
        dir.path(),
        &[
            "run",
            shire,
            "--cases",
            "cases.xlsx",
            "--sheet",
            "March",
            "--columns",
            SHIRE_COLUMNS,
        ],
    );
    march.expect_code(0);
    assert_eq!(
        march.stdout,
        format!("{}\n{}\n", expected[0], expected[15..].join("\n"))
    );
    assert_eq!(
        march.stderr_lines(),
        ["13 cases: 13 ok, 0 not eligible, 0 not validated, 0 errors"]
    );
    let missing = ras(
        dir.path(),
        &["run", shire, "--cases", "cases.xlsx", "--sheet", "April"],
    );
    missing.expect_code(1);
    assert_eq!(missing.stdout, "");
    assert_eq!(
        missing.stderr_lines(),
        [
            "error: `cases.xlsx` has no sheet called `April`",
            "  help: its sheets are: Cases, March",
        ]
    );
}

/// `--as-of` reads dated values at that date (Leicestershire's price per point
/// changes on 2008-04-01, 2009-04-01 and 2010-01-01), as `ras eval --as-of` does.
#[test]
fn as_of_agrees_with_eval() {
    let plan = plan_of(&root().join("rules/leicestershire/2009-11-pilot.ras"));
    let ev = Evaluator::new(&plan);
    let jsonl = sample(&plan, 300, 3, SampleFormat::JsonLines);
    let csv = sample(&plan, 300, 3, SampleFormat::Csv);
    for as_of in ["2008-06-01", "2009-06-01", "2011-01-01"] {
        let date = ras::date::Date::parse(as_of).unwrap();
        let options = RunOptions { as_of: Some(date) };
        let mut writer = ResultWriter::new(
            Vec::new(),
            OutputFormat::Csv,
            plan.model(),
            every_column(&plan),
        )
        .unwrap();
        let (summary, _) = ras::batch::run(
            &plan,
            csv_reader(csv.clone()),
            &mut writer,
            &mut |_| Ok(()),
            &options,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(summary.rows, 300);
        let (_, rows) = csv_rows(&writer.finish().unwrap());
        for (line, row) in std::str::from_utf8(&jsonl).unwrap().lines().zip(&rows) {
            let case = Case::from_json(line).unwrap();
            let r = ev.evaluate(&case, &EvalOptions { as_of: Some(date) });
            assert_eq!(row, &expected_row(&plan, &case, &r), "as of {as_of}");
        }
    }
}

/// A CSV saved by Excel ("CSV UTF-8"): a byte order mark and CRLF line ends.
#[test]
fn a_byte_order_mark_and_crlf_lines_are_read() {
    let dir = tempdir();
    let small = std::fs::read_to_string(fixture("shire-small.csv")).unwrap();
    let excel = format!(
        "\u{feff}{}\r\n",
        small.lines().collect::<Vec<_>>().join("\r\n")
    );
    std::fs::write(dir.path().join("excel.csv"), excel).unwrap();
    let shire = shire();
    let run = ras(
        dir.path(),
        &[
            "run",
            shire.to_str().unwrap(),
            "--cases",
            "excel.csv",
            "--columns",
            SHIRE_COLUMNS,
        ],
    );
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        std::fs::read_to_string(fixture("shire-small.expected.csv")).unwrap()
    );
}

/// A column named twice is a problem with the whole file.
#[test]
fn a_column_named_twice_stops_the_run() {
    let dir = tempdir();
    let small = std::fs::read_to_string(fixture("shire-small.csv")).unwrap();
    let twice: String = small
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{l},{}\n", f[3])
        })
        .collect();
    assert!(twice.starts_with("case_id,cohort,q01,q02,"));
    std::fs::write(dir.path().join("twice.csv"), twice).unwrap();
    let shire = shire();
    let run = ras(
        dir.path(),
        &["run", shire.to_str().unwrap(), "--cases", "twice.csv"],
    );
    run.expect_code(1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr_lines(),
        [
            "error: `twice.csv`: the column `q02` appears twice",
            "  help: each question, attribute and case field has one column",
        ]
    );
}

// ------------------------------------------------------------------ 8. nothing lost

/// The temporary files `ras run` left in `dir` (there should be none).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect()
}

/// Results or errors written over the caseload, or over each other, are
/// refused before anything is read, however the same file is named.
#[test]
fn the_caseload_and_the_outputs_are_never_the_same_file() {
    let dir = tempdir();
    let p = dir.path();
    let small = std::fs::read(fixture("shire-small.csv")).unwrap();
    std::fs::write(p.join("cases.csv"), &small).unwrap();
    std::fs::create_dir(p.join("sub")).unwrap();
    std::fs::hard_link(p.join("cases.csv"), p.join("hard.csv")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("cases.csv", p.join("link.csv")).unwrap();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    let destroy = |out: &str| {
        format!("error: the results file `{out}` is the caseload `cases.csv`: writing it would destroy the cases")
    };
    let mut cases = vec![
        (vec!["-o", "cases.csv"], destroy("cases.csv")),
        (vec!["-o", "./cases.csv"], destroy("./cases.csv")),
        (vec!["-o", "sub/../cases.csv"], destroy("sub/../cases.csv")),
        (vec!["-o", "hard.csv"], destroy("hard.csv")),
        (
            vec!["-o", "out.csv", "--errors", "cases.csv"],
            "error: the errors file `cases.csv` is the caseload `cases.csv`: writing it would destroy the cases".to_string(),
        ),
        (
            vec!["-o", "new.csv", "--errors", "./new.csv"],
            "error: the errors file `./new.csv` is the results file `new.csv`: the two would be mixed into one".to_string(),
        ),
    ];
    if cfg!(unix) {
        cases.push((vec!["-o", "link.csv"], destroy("link.csv")));
    }
    for (extra, message) in cases {
        let mut args = vec!["run", shire, "--cases", "cases.csv"];
        args.extend(&extra);
        let run = ras(p, &args);
        run.expect_code(2);
        assert_eq!(run.stdout, "");
        assert_eq!(run.stderr_lines()[0], message, "{extra:?}");
        assert_eq!(
            std::fs::read(p.join("cases.csv")).unwrap(),
            small,
            "{extra:?}"
        );
        assert!(!p.join("out.csv").exists() && !p.join("new.csv").exists());
        assert_eq!(leftovers(p), Vec::<String>::new());
    }
}

/// A run stopped by SIGTERM or SIGINT part way leaves the old results and
/// errors files as they were and no temporary file; a completed run then
/// replaces them.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_old_files_and_no_temporary_one() {
    let dir = tempdir();
    let p = dir.path();
    let plan = plan_of(&shire());
    let cases = sample(&plan, 2_000, 5, SampleFormat::Csv);
    let shire = shire();
    for signal in ["TERM", "INT"] {
        std::fs::write(p.join("out.csv"), "the old results\n").unwrap();
        std::fs::write(p.join("errors.csv"), "the old errors\n").unwrap();
        // The caseload comes on standard input, which is kept open: the run
        // is part way through (rows read and written) when it is stopped.
        let mut child = Command::new(env!("CARGO_BIN_EXE_ras"))
            .args(["run", shire.to_str().unwrap(), "--cases", "-"])
            .args(["-o", "out.csv", "--errors", "errors.csv"])
            .current_dir(p)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(&cases).unwrap();
        input.flush().unwrap();
        let started = std::time::Instant::now();
        while leftovers(p).len() < 2 {
            assert!(started.elapsed().as_secs() < 30, "no temporary files");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        let killed = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        drop(input);
        assert_eq!(out.status.code(), Some(130), "SIG{signal}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.lines().collect::<Vec<_>>(),
            [
                "interrupted: `out.csv` was not written (it is as it was before the run)",
                "interrupted: `errors.csv` was not written (it is as it was before the run)",
            ],
            "SIG{signal}"
        );
        assert_eq!(
            std::fs::read_to_string(p.join("out.csv")).unwrap(),
            "the old results\n"
        );
        assert_eq!(
            std::fs::read_to_string(p.join("errors.csv")).unwrap(),
            "the old errors\n"
        );
        assert_eq!(leftovers(p), Vec::<String>::new(), "SIG{signal}");
    }
    // Run to the end, the same command replaces both files.
    let run = ras_in(
        p,
        &[
            "run",
            shire.to_str().unwrap(),
            "--cases",
            "-",
            "-o",
            "out.csv",
            "--errors",
            "errors.csv",
        ],
        &cases,
    );
    run.expect_code(0);
    let (_, rows) = csv_rows(&std::fs::read(p.join("out.csv")).unwrap());
    assert_eq!(rows.len(), 2_000);
    assert_eq!(
        std::fs::read_to_string(p.join("errors.csv")).unwrap(),
        "line,case_id,column,code,message\n"
    );
    assert_eq!(leftovers(p), Vec::<String>::new());
}

/// A run interrupted as it completes leaves both its files new or both old:
/// never new results beside old errors. Each round closes the caseload (so
/// the run goes on to rename its files) and stops the run a little later
/// each time; whenever the signal lands, the two files agree.
#[cfg(unix)]
#[test]
fn an_interruption_never_leaves_new_results_beside_old_errors() {
    let dir = tempdir();
    let p = dir.path();
    let plan = plan_of(&shire());
    let cases = sample(&plan, 200, 5, SampleFormat::Csv);
    let shire = shire();
    let (mut both_old, mut both_new) = (0, 0);
    for round in 0..16u64 {
        std::fs::write(p.join("out.csv"), "the old results\n").unwrap();
        std::fs::write(p.join("errors.csv"), "the old errors\n").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ras"))
            .args(["run", shire.to_str().unwrap(), "--cases", "-"])
            .args(["-o", "out.csv", "--errors", "errors.csv"])
            .current_dir(p)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(&cases).unwrap();
        let started = std::time::Instant::now();
        while leftovers(p).len() < 2 {
            assert!(started.elapsed().as_secs() < 30, "no temporary files");
            std::thread::yield_now();
        }
        drop(input);
        // Only when the signal lands varies with this; what is checked
        // holds wherever it lands.
        std::thread::sleep(std::time::Duration::from_micros(round * round * 40));
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let results = std::fs::read_to_string(p.join("out.csv")).unwrap();
        let errors = std::fs::read_to_string(p.join("errors.csv")).unwrap();
        let new_results = results != "the old results\n";
        let new_errors = errors != "the old errors\n";
        assert_eq!(
            new_results,
            new_errors,
            "round {round}: exit {:?}, {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        if new_results {
            both_new += 1;
            assert_eq!(errors, "line,case_id,column,code,message\n");
            assert_eq!(csv_rows(results.as_bytes()).1.len(), 200);
        } else {
            both_old += 1;
            assert_eq!(out.status.code(), Some(130), "round {round}");
        }
        assert_eq!(leftovers(p), Vec::<String>::new(), "round {round}");
    }
    eprintln!("{both_old} rounds left both files old, {both_new} both new");
}

/// A quote that is never closed stops the run naming its line; no row after
/// it is folded into another, and no results file is written (an old one is
/// kept).
#[test]
fn an_unclosed_quote_is_a_whole_file_error_naming_its_line() {
    let dir = tempdir();
    let p = dir.path();
    let small = std::fs::read_to_string(fixture("shire-small.csv")).unwrap();
    let mut lines: Vec<String> = small.lines().map(String::from).collect();
    lines.truncate(11);
    // Row 4 of 10 (line 5) opens a quote it never closes.
    lines[4] = lines[4].replacen(",older_people,", ",\"older_people,", 1);
    std::fs::write(p.join("quote.csv"), lines.join("\n") + "\n").unwrap();
    std::fs::write(p.join("out.csv"), "the old results\n").unwrap();
    let shire = shire();
    for threads in ["1", "2"] {
        let run = ras(
            p,
            &[
                "run",
                shire.to_str().unwrap(),
                "--cases",
                "quote.csv",
                "-o",
                "out.csv",
                "--threads",
                threads,
            ],
        );
        run.expect_code(1);
        assert_eq!(
            run.stderr_lines(),
            [
                "error: `quote.csv` line 5: a quote (`\"`) opens a field here and is never closed, so the lines after it cannot be read as rows",
                "  help: close the quoted field with `\"`; a quote inside a quoted field is written twice (`\"\"`)",
            ]
        );
        assert_eq!(
            std::fs::read_to_string(p.join("out.csv")).unwrap(),
            "the old results\n"
        );
        assert_eq!(leftovers(p), Vec::<String>::new());
    }
}

/// Every output row is a line: an empty value alone on its row is written
/// `""`, so a CSV reader (ras's own included) sees every row.
#[test]
fn a_one_column_output_writes_no_blank_lines() {
    let dir = tempdir();
    let shire = shire();
    let cases = fixture("shire-small.csv");
    let run = ras(
        dir.path(),
        &[
            "run",
            shire.to_str().unwrap(),
            "--cases",
            cases.to_str().unwrap(),
            "--columns",
            "route",
        ],
    );
    run.expect_code(0);
    let expected = std::fs::read_to_string(fixture("shire-small.expected.csv")).unwrap();
    let routes: Vec<String> = expected
        .lines()
        .map(|l| match l.rsplit(',').next().unwrap() {
            "" => "\"\"".to_string(),
            route => route.to_string(),
        })
        .collect();
    assert_eq!(run.stdout, routes.join("\n") + "\n");
    assert!(run.stdout.lines().all(|l| !l.is_empty()));
    let (_, rows) = csv_rows(run.stdout.as_bytes());
    assert_eq!(rows.len(), 27, "every row read back");
    assert_eq!(rows[0], [""], "S01 has no route");
}

/// `-o -` is standard output; no file named `-` is made.
#[test]
fn dash_output_is_standard_output() {
    let dir = tempdir();
    let shire = shire();
    let cases = fixture("shire-small.csv");
    let run = ras(
        dir.path(),
        &[
            "run",
            shire.to_str().unwrap(),
            "--cases",
            cases.to_str().unwrap(),
            "--columns",
            SHIRE_COLUMNS,
            "-o",
            "-",
        ],
    );
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        std::fs::read_to_string(fixture("shire-small.expected.csv")).unwrap()
    );
    assert!(!dir.path().join("-").exists());
}

/// A formula cell whose value was never saved is an error row naming the
/// cell and the sheet's own row; a formula with its value is read.
#[test]
fn a_formula_with_no_saved_value_is_an_error_row() {
    let dir = tempdir();
    let shire = shire();
    let cases = fixture("formula-no-value.xlsx");
    let run = ras(
        dir.path(),
        &[
            "run",
            shire.to_str().unwrap(),
            "--cases",
            cases.to_str().unwrap(),
            "--columns",
            "case_id,indicative,route,status,message",
            "--errors",
            "errors.csv",
        ],
    );
    run.expect_code(1);
    assert_eq!(
        run.stdout,
        "case_id,indicative,route,status,message\n\
         S01,0.00,,ok,\n\
         S02,,,error,\"row 3 of sheet Cases, column plan_cost: cell AB3 holds a formula with no saved value: open and save the workbook in a spreadsheet program\"\n\
         S03,85.03,team_manager,ok,\n"
    );
    assert_eq!(
        run.stderr_lines(),
        ["3 cases: 2 ok, 0 not eligible, 0 not validated, 1 errors"]
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("errors.csv")).unwrap(),
        "row,case_id,column,code,message\n\
         3,S02,plan_cost,ras::bad-cell,cell AB3 holds a formula with no saved value: open and save the workbook in a spreadsheet program\n"
    );
}

/// A row over 1 MiB is an error row and the run goes on; endless input
/// ends in a whole-file error, not an allocation failure.
#[test]
fn rows_are_read_within_a_bound() {
    let dir = tempdir();
    let p = dir.path();
    let small = std::fs::read_to_string(fixture("shire-small.csv")).unwrap();
    let mut lines: Vec<String> = small.lines().map(String::from).collect();
    lines.truncate(4);
    lines[2] = format!("{},{}", lines[2], "x".repeat(1 << 20));
    std::fs::write(p.join("long.csv"), lines.join("\n") + "\n").unwrap();
    let mut jsonl = sample(&plan_of(&shire()), 2, 1, SampleFormat::JsonLines);
    let long_line = format!("{{\"case_id\": \"{}\"}}\n", "x".repeat(1 << 20));
    jsonl.splice(0..0, long_line.into_bytes());
    std::fs::write(p.join("long.jsonl"), &jsonl).unwrap();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    let run = ras(
        p,
        &[
            "run",
            shire,
            "--cases",
            "long.csv",
            "--columns",
            "case_id,status,message",
        ],
    );
    run.expect_code(1);
    assert_eq!(
        run.stdout,
        "case_id,status,message\n\
         S01,ok,\n\
         2,error,\"line 3: the row is longer than 1 MiB, the most a row may be\"\n\
         S03,ok,\n"
    );
    let run = ras(
        p,
        &[
            "run",
            shire,
            "--cases",
            "long.jsonl",
            "--columns",
            "case_id,status,message",
        ],
    );
    run.expect_code(1);
    assert_eq!(
        run.stdout,
        "case_id,status,message\n\
         1,error,\"line 1: the row is longer than 1 MiB, the most a row may be\"\n\
         C1,ok,\n\
         C2,ok,\n"
    );
    if Path::new("/dev/zero").exists() {
        for format in ["csv", "jsonl"] {
            let run = ras(
                p,
                &[
                    "run",
                    shire,
                    "--cases",
                    "/dev/zero",
                    "--input-format",
                    format,
                    "-o",
                    "out.csv",
                ],
            );
            run.expect_code(1);
            assert_eq!(
                run.stderr_lines(),
                [
                    "error: `/dev/zero` line 1 goes on for more than 64 MiB without ending; this is not a caseload",
                    "  help: a caseload has one case per line, each at most 1 MiB",
                ],
                "{format}"
            );
            assert!(!p.join("out.csv").exists());
        }
    }
}

/// One reading of every value: an empty case id in a file with a case_id
/// column, a case id that is not text, an answer given twice in a JSON line;
/// a byte order mark before the first JSON line is read past.
#[test]
fn case_ids_and_repeated_answers_are_errors() {
    let dir = tempdir();
    let p = dir.path();
    let small = std::fs::read_to_string(fixture("shire-small.csv")).unwrap();
    let mut lines: Vec<String> = small.lines().map(String::from).collect();
    lines.truncate(4);
    lines[2] = lines[2].replacen("S02", "", 1);
    std::fs::write(p.join("ids.csv"), lines.join("\n") + "\n").unwrap();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    let run = ras(
        p,
        &[
            "run",
            shire,
            "--cases",
            "ids.csv",
            "--columns",
            "case_id,status,message",
        ],
    );
    run.expect_code(1);
    assert_eq!(
        run.stdout,
        "case_id,status,message\n\
         S01,ok,\n\
         2,error,\"line 3, column case_id: the case_id is empty; every row needs its own id when the file has a `case_id` column\"\n\
         S03,ok,\n"
    );

    let jsonl = String::from_utf8(sample(
        &plan_of(Path::new(shire)),
        4,
        2,
        SampleFormat::JsonLines,
    ))
    .unwrap();
    let mut rows: Vec<String> = jsonl.lines().map(String::from).collect();
    rows[0] = format!("\u{feff}{}", rows[0]);
    rows[1] = rows[1].replacen("\"case_id\":\"C2\"", "\"case_id\":true", 1);
    rows[2] = rows[2].replacen("\"case_id\":\"C3\"", "\"case_id\":\"\"", 1);
    rows[3] = rows[3].replacen("\"q01\":", "\"q01\":\"9\",\"q01\":", 1);
    assert!(
        rows[1].contains("true") && rows[2].contains("\"\"") && rows[3].contains("\"9\""),
        "{rows:?}"
    );
    std::fs::write(p.join("ids.jsonl"), rows.join("\n") + "\n").unwrap();
    let run = ras(
        p,
        &[
            "run",
            shire,
            "--cases",
            "ids.jsonl",
            "--columns",
            "case_id,status,message",
        ],
    );
    run.expect_code(1);
    let (_, out) = csv_rows(run.stdout.as_bytes());
    let messages: Vec<(&str, &str)> = out.iter().map(|r| (r[0].as_str(), r[2].as_str())).collect();
    assert_eq!(messages[0], ("C1", ""));
    assert_eq!(messages[1].0, "2");
    assert!(
        messages[1].1.starts_with("line 2: not a case (column ")
            && messages[1]
                .1
                .ends_with("): the case_id must be text in quotes, e.g. \"C00042\", not true"),
        "{messages:?}"
    );
    assert!(
        messages[2]
            .1
            .ends_with("): the case_id is empty; give each case its own id, or leave case_id out"),
        "{messages:?}"
    );
    assert!(
        messages[3]
            .1
            .ends_with("): `q01` is given twice; give each once"),
        "{messages:?}"
    );
    assert_eq!(
        run.stderr_lines(),
        ["4 cases: 1 ok, 0 not eligible, 0 not validated, 3 errors"]
    );
}

// ------------------------------------------------------------------ 9. Excel out

/// The cells of a workbook's sheet as text (numbers in their shortest form).
fn sheet_cells(path: &Path, sheet: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(<[calamine::Data]>::to_vec).collect()
}

/// `-o OUT.xlsx` is a real workbook: a Results sheet with money as numbers
/// and flags as true/false, an Errors sheet; the same on two threads.
#[test]
fn results_can_be_written_as_a_workbook() {
    use calamine::{Data, Reader};
    let dir = tempdir();
    let p = dir.path();
    std::fs::write(p.join("bad.csv"), shire_bad_rows()).unwrap();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    for (threads, name) in [("1", "one.xlsx"), ("2", "two.xlsx")] {
        let run = ras(
            p,
            &[
                "run",
                shire,
                "--cases",
                "bad.csv",
                "-o",
                name,
                "--threads",
                threads,
                "--columns",
                "case_id,indicative,reasonable_offer_review,status,message",
            ],
        );
        run.expect_code(1);
        assert_eq!(run.stderr_lines(), [SHIRE_BAD_SUMMARY]);
    }
    let book: calamine::Xlsx<_> = calamine::open_workbook(p.join("one.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["Results", "Errors"]);
    for name in ["one.xlsx", "two.xlsx"] {
        let results = sheet_cells(&p.join(name), "Results");
        assert_eq!(results.len(), 11, "a header and ten rows");
        let s = |t: &str| Data::String(t.to_string());
        assert_eq!(
            results[0],
            [
                s("case_id"),
                s("indicative"),
                s("reasonable_offer_review"),
                s("status"),
                s("message")
            ]
        );
        assert_eq!(
            results[1],
            [
                s("S01"),
                Data::Float(0.0),
                Data::Bool(false),
                s("ok"),
                Data::Empty
            ]
        );
        assert_eq!(results[2][0], s("S02"));
        assert_eq!(results[2][1], Data::Empty, "no figure for an error row");
        assert_eq!(results[2][3], s("error"));
        assert_eq!(
            results[2][4],
            s("line 3: the row has 28 fields but the header has 29")
        );
        assert_eq!(
            results[10],
            [
                s("S10"),
                Data::Float(85.03),
                Data::Bool(false),
                s("ok"),
                Data::Empty
            ]
        );
        let errors = sheet_cells(&p.join(name), "Errors");
        assert_eq!(errors.len(), 9, "a header and eight error rows");
        assert_eq!(
            errors[0],
            [
                s("line"),
                s("case_id"),
                s("column"),
                s("code"),
                s("message")
            ]
        );
        assert_eq!(
            errors[1],
            [
                Data::Float(3.0),
                s("S02"),
                Data::Empty,
                s("ras::field-count"),
                s("the row has 28 fields but the header has 29")
            ]
        );
        assert_eq!(errors[8][1], s("S09"));
    }
}

/// A 100,000-row workbook is read cell by cell: peak memory stays far below
/// what loading the sheet whole takes. Slow in a debug build; run with
/// `cargo test --test run -- --ignored` (needs `/usr/bin/time`).
#[test]
#[ignore]
fn a_large_workbook_is_read_in_flat_memory() {
    use rust_xlsxwriter::Workbook;
    let dir = tempdir();
    let p = dir.path();
    let plan = plan_of(&shire());
    let csv = sample(&plan, 100_000, 9, SampleFormat::Csv);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory();
    for (r, line) in std::str::from_utf8(&csv).unwrap().lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r as u32, c as u16, n).unwrap(),
                _ => sheet.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    book.save(p.join("big.xlsx")).unwrap();
    let kib = peak_kib_of_run(p, "big.xlsx", "out.csv");
    eprintln!(
        "peak memory reading 100,000 rows of .xlsx: {} MiB",
        kib / 1024
    );
    assert!(kib < 100 * 1024, "{kib} KiB");
}

/// Runs `ras run` on the Shire with `cases` in `dir` under GNU time, checks
/// that its 100,000 rows were all evaluated, and gives its peak memory in KiB.
fn peak_kib_of_run(dir: &Path, cases: &str, out: &str) -> u64 {
    let run = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_ras"))
        .args([
            "run",
            shire().to_str().unwrap(),
            "--cases",
            cases,
            "-o",
            out,
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("100000 cases: 100000 ok"), "{stderr}");
    stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .unwrap()
        .parse()
        .unwrap()
}

/// 100,000 results are written to a workbook in flat memory: its sheets go
/// into the zip as the rows come, never held whole. Slow in a debug build;
/// run with `cargo test --test run -- --ignored` (needs `/usr/bin/time`).
#[test]
#[ignore]
fn a_large_workbook_is_written_in_flat_memory() {
    let dir = tempdir();
    let p = dir.path();
    let plan = plan_of(&shire());
    std::fs::write(
        p.join("big.csv"),
        sample(&plan, 100_000, 9, SampleFormat::Csv),
    )
    .unwrap();
    let kib = peak_kib_of_run(p, "big.csv", "out.xlsx");
    eprintln!(
        "peak memory writing 100,000 rows of .xlsx: {} MiB",
        kib / 1024
    );
    // The sheet's XML alone is about 37 MiB: holding it whole would cross this.
    assert!(kib < 32 * 1024, "{kib} KiB");
    let results = sheet_cells(&p.join("out.xlsx"), "Results");
    assert_eq!(results.len(), 100_001, "a header and every case");
    assert_eq!(sheet_cells(&p.join("out.xlsx"), "Errors").len(), 1);
}

/// `--errors -` writes the errors to standard output when the results go to a
/// file, and is refused (before reading) when both would go there.
#[test]
fn errors_to_standard_output_only_when_the_results_go_to_a_file() {
    let dir = tempdir();
    let p = dir.path();
    let small = std::fs::read_to_string(fixture("shire-small.csv")).unwrap();
    let bad = small.replacen(",none,\n", ",nobody,\n", 1);
    assert_ne!(bad, small);
    std::fs::write(p.join("cases.csv"), &bad).unwrap();
    let shire = shire();
    let shire = shire.to_str().unwrap();
    let run = ras(
        p,
        &[
            "run",
            shire,
            "--cases",
            "cases.csv",
            "-o",
            "out.csv",
            "--errors",
            "-",
        ],
    );
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "line,case_id,column,code,message");
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[1].starts_with("2,S01,carer,"), "{}", lines[1]);
    assert!(!p.join("-").exists());
    assert!(p.join("out.csv").exists());
    for output in [&["-o", "-"][..], &[][..]] {
        let mut args = vec!["run", shire, "--cases", "cases.csv", "--errors", "-"];
        args.extend(output);
        let run = ras(p, &args);
        run.expect_code(2);
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr_lines()[0].starts_with(
                "error: `--errors -` and the results would both go to standard output"
            ),
            "{}",
            run.stderr
        );
        assert!(!p.join("-").exists());
    }
}
