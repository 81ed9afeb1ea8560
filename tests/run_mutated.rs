#![cfg(feature = "cli")]
//! `ras run` over damaged caseloads never loses a row: sampled Shire cases as
//! CSV, JSON Lines and Excel, then mutated — quotes, commas, line ends and
//! bytes that are not UTF-8 put in, pieces cut out, lines doubled; cells
//! replaced by odd text. On one thread and on two, each run either counts
//! every row (rows in = results = ok + not eligible + not validated + errors,
//! one line in the errors file per error) or stops with a problem with the
//! whole file and writes nothing; and both thread counts give the same bytes.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn shire() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/shire-2025.ras")
}

/// 30 sampled Shire cases as CSV and as JSON Lines.
fn corpus() -> &'static (Vec<u8>, Vec<u8>) {
    static CORPUS: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let source = std::fs::read_to_string(shire()).unwrap();
        let model = ras::check::check_source(
            &source,
            &ras::check::CheckOptions::new(ras::date::Date::today()),
        )
        .model
        .unwrap();
        let plan = ras::plan::compile(model, &source).unwrap();
        let sample = |format| {
            let mut out = Vec::new();
            ras::sample::write_sample(plan.model(), 30, 4, format, &mut out).unwrap();
            out
        };
        (
            sample(ras::sample::SampleFormat::Csv),
            sample(ras::sample::SampleFormat::JsonLines),
        )
    })
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, Vec<u8>),
    Cut(usize, usize),
    DoubleLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let piece = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(vec![0xff]),
        Just(b"\"\"".to_vec()),
        Just(b",\"a\nb\",".to_vec()),
        Just(b"{".to_vec()),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"9".to_vec()),
        Just(b" ".to_vec()),
    ];
    prop_oneof![
        (any::<usize>(), piece).prop_map(|(at, p)| Mutation::Insert(at, p)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Cut(at, n)),
        any::<usize>().prop_map(Mutation::DoubleLine),
    ]
}

fn mutate(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for m in mutations {
        let len = out.len().max(1);
        match m {
            Mutation::Insert(at, piece) => {
                let at = at % len;
                out.splice(at..at, piece.iter().copied());
            }
            Mutation::Cut(at, n) => {
                let at = at % len;
                let end = (at + n).min(out.len());
                out.drain(at.min(end)..end);
            }
            Mutation::DoubleLine(at) => {
                let lines: Vec<&[u8]> = out.split(|b| *b == b'\n').collect();
                let i = at % lines.len();
                let mut doubled = Vec::new();
                for (j, line) in lines.iter().enumerate() {
                    if j > 0 {
                        doubled.push(b'\n');
                    }
                    doubled.extend_from_slice(line);
                    if j == i {
                        doubled.push(b'\n');
                        doubled.extend_from_slice(line);
                    }
                }
                out = doubled;
            }
        }
    }
    out
}

/// What one run gave.
#[derive(Debug, PartialEq)]
struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    results: Option<Vec<u8>>,
    errors: Option<Vec<u8>>,
}

fn run(dir: &Path, cases: &str, format: &str, threads: &str) -> Outcome {
    let (out, errors) = (
        format!("out-{threads}.csv"),
        format!("errors-{threads}.csv"),
    );
    let done = Command::new(env!("CARGO_BIN_EXE_ras"))
        .args(["run", shire().to_str().unwrap(), "--cases", cases])
        .args(["--input-format", format, "--threads", threads])
        .args(["-o", &out, "--errors", &errors])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let read = |name: &str| std::fs::read(dir.join(name)).ok();
    let outcome = Outcome {
        code: done.status.code(),
        stdout: done.stdout,
        stderr: String::from_utf8_lossy(&done.stderr).into_owned(),
        results: read(&out),
        errors: read(&errors),
    };
    let _ = std::fs::remove_file(dir.join(out));
    let _ = std::fs::remove_file(dir.join(errors));
    outcome
}

/// Runs the caseload at `cases` on one and two threads and checks that no row
/// is lost; `rows_in` is how many rows the file holds.
fn check_runs(
    dir: &Path,
    cases: &str,
    format: &str,
    rows_in: Option<u64>,
) -> Result<(), TestCaseError> {
    let one = run(dir, cases, format, "1");
    let two = run(dir, cases, format, "2");
    prop_assert_eq!(&one, &two, "one thread and two differ");
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    prop_assert!(leftovers.is_empty(), "{:?}", leftovers);
    let summary = one.stderr.lines().last().unwrap_or("");
    let counts: Vec<u64> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match one.code {
        Some(0 | 1) if summary.ends_with(" errors") => {
            prop_assert_eq!(counts.len(), 5, "{}", summary);
            let (rows, ok, ne, nv, errs) = (counts[0], counts[1], counts[2], counts[3], counts[4]);
            prop_assert_eq!(rows, ok + ne + nv + errs, "{}", summary);
            if let Some(rows_in) = rows_in {
                prop_assert_eq!(rows, rows_in, "rows in: {}", summary);
            }
            let results = one.results.clone().unwrap_or_default();
            let result_rows = csv::Reader::from_reader(results.as_slice())
                .records()
                .count() as u64;
            prop_assert_eq!(result_rows, rows, "results: {}", summary);
            let error_file = one.errors.clone().unwrap_or_default();
            let error_rows = csv::Reader::from_reader(error_file.as_slice())
                .records()
                .count() as u64;
            prop_assert_eq!(error_rows, errs, "errors file: {}", summary);
        }
        // A problem with the whole file (a broken header, a quote never
        // closed): nothing is written.
        Some(1) => {
            prop_assert!(one.stderr.starts_with("error: "), "{}", one.stderr);
            prop_assert!(
                one.results.is_none() && one.errors.is_none(),
                "{}",
                one.stderr
            );
        }
        other => prop_assert!(false, "exit {:?}: {}", other, one.stderr),
    }
    Ok(())
}

/// CSV records as the csv crate counts them (blank lines are not records).
fn csv_records(bytes: &[u8]) -> u64 {
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes)
        .byte_records()
        .count() as u64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_csv_loses_no_row(mutations in proptest::collection::vec(mutation(), 1..5)) {
        let bytes = mutate(&corpus().0, &mutations);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cases.csv"), &bytes).unwrap();
        check_runs(dir.path(), "cases.csv", "csv", Some(csv_records(&bytes)))?;
    }

    #[test]
    fn mutated_json_lines_lose_no_row(mutations in proptest::collection::vec(mutation(), 1..5)) {
        let bytes = mutate(&corpus().1, &mutations);
        let rows_in = bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.trim_ascii().is_empty())
            .count() as u64;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cases.jsonl"), &bytes).unwrap();
        check_runs(dir.path(), "cases.jsonl", "jsonl", Some(rows_in))?;
    }
}

fn odd_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("9".to_string()),
        Just("\"".to_string()),
        Just("a\nb".to_string()),
        Just("£1,000.50".to_string()),
        Just("-1".to_string()),
        Just("older_people".to_string()),
        "[a-z0-9 ,]{1,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_workbooks_lose_no_row(
        changes in proptest::collection::vec((any::<usize>(), any::<usize>(), odd_cell()), 1..6),
    ) {
        let text = String::from_utf8(corpus().0.clone()).unwrap();
        let mut rows: Vec<Vec<String>> = text
            .lines()
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        for (r, c, cell) in &changes {
            let r = r % rows.len();
            let c = c % rows[r].len();
            rows[r][c] = cell.clone();
        }
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell.parse::<f64>() {
                    Ok(n) if r > 0 => sheet.write_number(r, c, n).map(|_| ()),
                    _ if cell.is_empty() => Ok(()),
                    _ => sheet.write_string(r, c, cell).map(|_| ()),
                }
                .unwrap();
            }
        }
        let dir = tempfile::tempdir().unwrap();
        book.save(dir.path().join("cases.xlsx")).unwrap();
        // Every data row keeps at least one cell (30 columns, few changes).
        check_runs(dir.path(), "cases.xlsx", "xlsx", Some(rows.len() as u64 - 1))?;
    }
}
