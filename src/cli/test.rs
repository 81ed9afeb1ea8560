//! `ras test`: runs the tests written in rule files.

use super::error::plural;
use super::files::{display_name, rule_files};
use super::rules::{self, Show};
use super::term::{self, Context};
use super::{files, CliError, ExitStatus};
use crate::check::CheckOptions;
use crate::coverage;
use crate::diag::{self, Diagnostic, JsonDiagnostic};
use crate::model::Line;
use crate::plan::Plan;
use crate::testing::{self, TestFailure, TestOutcome, TestRunner};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `ras test`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Run the tests written in rule files",
    long_about = "Run every `test` block in the rule files: each gives a case's answers and the \
                  budget, flags and route the policy should produce. A failed test shows what \
                  was expected, what came out, and how the calculation reached it (the \
                  step's formula and the values it read). A rule file with errors counts as a failed test.\n\n\
                  The last line is always `N passed, N failed`.\n\n\
                  `--filter TEXT` runs only the tests whose names contain TEXT (capitals as \
                  written) and says how many it left out; when no test's name contains it, \
                  that is an error (exit 1).\n\n\
                  `--format json` writes one JSON document instead: per file, its errors and \
                  per test its name, line, outcome, time in seconds and, on failure, what was \
                  expected and what came out. `--junit FILE` writes the same results as JUnit \
                  XML, with each test's time and each error of a file that cannot be tested.\n\n\
                  `--plan` runs the tests a compiled plan carries (those of the rule file it \
                  was compiled from), with the same output.",
    after_help = "Examples:\n  ras test rules/\n  ras test rules/ --filter \"O-A\"\n  ras test rules/shire-2025.ras --junit test-results.xml\n  ras test rules/ --format json > results.json\n  ras test --plan shire-2025.plan.json"
)]
pub struct Args {
    /// Rule files to test, or folders to search for `*.ras` files.
    #[arg(required_unless_present = "plans", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// A compiled plan (from `ras compile`) whose tests to run; may be repeated.
    #[arg(long = "plan", value_name = "PLAN.json")]
    pub plans: Vec<PathBuf>,

    /// Also write the results as JUnit XML to this file, for CI systems.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Run only the tests whose names contain this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// How to write the results: for people, or one JSON document.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Also show, per file, which options, band rows, `choose` branches, route
    /// rules, eligibility requirements and flags the tests reach.
    #[arg(long)]
    pub coverage: bool,

    /// Also write that coverage as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub coverage_json: Option<PathBuf>,
}

/// How `ras test` writes its results on standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A line per test, failures in detail, and `N passed, N failed` last.
    Human,
    /// One JSON document for the whole run.
    Json,
}

/// Passed and failed counts over every file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    passed: usize,
    failed: usize,
}

impl Counts {
    fn add(&mut self, outcomes: &[TestOutcome]) {
        let passed = outcomes.iter().filter(|o| o.passed()).count();
        self.passed += passed;
        self.failed += outcomes.len() - passed;
    }

    /// The final line, exactly `N passed, N failed`.
    fn summary(self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

/// What testing one file gave.
#[derive(Debug, Default)]
struct FileRun {
    /// The tests run (or the one failure standing for a file that could not
    /// be tested).
    outcomes: Vec<TestOutcome>,
    /// The file's errors, when it has any.
    errors: Vec<JsonDiagnostic>,
    /// Tests the file has.
    tests: usize,
    /// Tests left out by `--filter`.
    filtered_out: usize,
}

/// Runs `ras test`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let mut paths = if args.paths.is_empty() {
        Vec::new()
    } else {
        rule_files(&args.paths)?
    };
    let rule_file_count = paths.len();
    paths.extend(args.plans.iter().cloned());
    let options = CheckOptions::new(crate::date::Date::today());
    let filter = args.filter.as_deref();
    let human = args.format == Format::Human;
    let mut counts = Counts::default();
    let mut filtered_out = 0;
    let mut selected = 0;
    let mut suites = Vec::new();
    let mut files_json = Vec::new();
    let mut coverages = Vec::new();
    let mut status = ExitStatus::Success;
    for (i, path) in paths.iter().enumerate() {
        // A file that cannot be read fails the run with exit code 2, but the
        // other files are still tested and the count line still comes last.
        let outcome = if i < rule_file_count {
            test_file(ctx, path, &options, filter)
        } else {
            rules::read_plan(path).map(|plan| run_plan(&plan, filter))
        };
        let file = match outcome {
            Ok(file) => file,
            Err(err) => {
                term::error(ctx, &err.to_string());
                status = status.worst(err.exit_status());
                FileRun {
                    outcomes: vec![file_failure(vec![(1, err.to_string())])],
                    ..FileRun::default()
                }
            }
        };
        counts.add(&file.outcomes);
        filtered_out += file.filtered_out;
        selected += file.tests - file.filtered_out;
        let name = display_name(path);
        // A file whose every test was filtered out has nothing to show.
        let shown = !(file.tests > 0 && file.filtered_out == file.tests);
        if human && shown {
            term::print(&file_report(&name, &file.outcomes))?;
        }
        if args.junit.is_some() {
            suites.push(testing::junit_xml(&name, &file.outcomes));
        }
        files_json.push(file_json(&name, &file));
        if args.coverage || args.coverage_json.is_some() {
            coverages.extend(file_coverage(path, i < rule_file_count, &options, &name));
        }
    }
    report_coverage(&args, &coverages)?;
    if let Some(junit) = &args.junit {
        files::write_text(junit, &merge_junit(&suites, counts))?;
    }
    if let Some(text) = filter {
        if selected == 0 {
            term::error(
                ctx,
                &format!("no test's name contains `{text}`: no test was run"),
            );
            status = status.worst(ExitStatus::Failed);
        }
    }
    if human {
        if let (Some(text), true) = (filter, filtered_out > 0) {
            term::print(&format!(
                "{filtered_out} test{} filtered out: {} not contain `{text}`\n",
                plural(filtered_out),
                if filtered_out == 1 {
                    "its name does"
                } else {
                    "their names do"
                }
            ))?;
        }
        term::print(&format!("{}\n", counts.summary()))?;
    } else {
        let document = serde_json::json!({
            "filter": filter,
            "files": files_json,
            "passed": counts.passed,
            "failed": counts.failed,
            "filtered_out": filtered_out,
        });
        let text = serde_json::to_string_pretty(&document).map_err(|e| {
            CliError::Internal(format!("the test results cannot be written as JSON: {e}"))
        })?;
        term::print(&format!("{text}\n"))?;
    }
    if counts.failed > 0 {
        status = status.worst(ExitStatus::Failed);
    }
    Ok(status)
}

/// Whether a test is run under `--filter`.
fn selected(name: &str, filter: Option<&str>) -> bool {
    filter.map_or(true, |text| name.contains(text))
}

/// Runs a plan's tests that the filter selects, timing each.
fn run_plan(plan: &Plan, filter: Option<&str>) -> FileRun {
    let runner = TestRunner::new(plan);
    let mut file = FileRun {
        tests: runner.len(),
        ..FileRun::default()
    };
    for index in 0..runner.len() {
        if !runner.name(index).is_some_and(|n| selected(n, filter)) {
            file.filtered_out += 1;
            continue;
        }
        let started = Instant::now();
        if let Some(mut outcome) = runner.run(index) {
            outcome.time = Some(started.elapsed());
            file.outcomes.push(outcome);
        }
    }
    file
}

/// The outcomes of one file's tests. A file with errors cannot be tested: it
/// becomes one failed test, with each error as one of its failures, so it
/// shows in the counts, in JUnit and in JSON.
fn test_file(
    ctx: &Context,
    path: &Path,
    options: &CheckOptions,
    filter: Option<&str>,
) -> Result<FileRun, CliError> {
    let file = rules::check_file(path, options)?;
    rules::show(ctx, &file, Show::Errors);
    let name = file.name();
    let errors: Vec<Diagnostic> = file
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    match file.checked.model {
        Some(model) if errors.is_empty() => {
            let plan = crate::plan::compile(model, &file.source).map_err(|e| {
                CliError::Internal(format!(
                    "`{name}` checks but cannot be compiled: {e} ({})",
                    e.code()
                ))
            })?;
            Ok(run_plan(&plan, filter))
        }
        // INVARIANT: the checker gives no model only with an error; if it ever
        // breaks that, still refuse the file rather than evaluate nothing.
        _ => {
            let errors = diag::to_json(&errors, &name, &file.source);
            let failures = if errors.is_empty() {
                vec![(1, "the rule file cannot be used".to_string())]
            } else {
                errors
                    .iter()
                    .map(|e| (e.line, format!("{} [{}]", e.message, e.code)))
                    .collect()
            };
            Ok(FileRun {
                outcomes: vec![file_failure(failures)],
                errors,
                ..FileRun::default()
            })
        }
    }
}

/// The coverage of a file's tests, when it can be tested (its errors, if
/// any, were shown when it was tested).
fn file_coverage(
    path: &Path,
    is_rule_file: bool,
    options: &CheckOptions,
    name: &str,
) -> Option<coverage::Coverage> {
    let plan = if is_rule_file {
        let file = rules::check_file(path, options).ok()?;
        let model = file.checked.model?;
        crate::plan::compile(model, &file.source).ok()?
    } else {
        rules::read_plan(path).ok()?
    };
    let outcomes = testing::run_tests(&plan);
    Some(coverage::measure(name, &plan, &outcomes))
}

/// Prints the coverage tables (`--coverage`) and writes the JSON
/// (`--coverage-json`).
fn report_coverage(args: &Args, coverages: &[coverage::Coverage]) -> Result<(), CliError> {
    // With `--format json` standard output is the one JSON document.
    if args.coverage && args.format == Format::Human {
        for c in coverages {
            term::print(&format!("{}\n", coverage::render_table(c)))?;
        }
    }
    if let Some(path) = &args.coverage_json {
        let mut text = serde_json::to_string_pretty(coverages)
            .map_err(|e| CliError::Internal(format!("coverage as JSON: {e}")))?;
        text.push('\n');
        files::write_text(path, &text)?;
    }
    Ok(())
}

/// The one failed "test" standing for a file that could not be tested: a
/// failure for each problem, at its line.
fn file_failure(problems: Vec<(usize, String)>) -> TestOutcome {
    TestOutcome {
        name: "the rule file can be read and has no errors".to_string(),
        line: 1,
        failures: problems
            .into_iter()
            .map(|(line, actual)| TestFailure {
                line: Line::try_from(line).unwrap_or(Line::MAX),
                expected: "a rule file without errors".to_string(),
                actual,
                detail: vec![],
            })
            .collect(),
        result: None,
        time: None,
    }
}

/// One file in the JSON report.
fn file_json(name: &str, file: &FileRun) -> serde_json::Value {
    let tests: Vec<serde_json::Value> = file.outcomes.iter().map(testing::outcome_json).collect();
    serde_json::json!({
        "file": name,
        "errors": file.errors,
        "tests": tests,
        "filtered_out": file.filtered_out,
    })
}

/// One file's section: its name, then a line per test and the failures in
/// detail (from [`testing::render_summary`], without its count line: the
/// count comes once, for every file, at the end).
fn file_report(name: &str, outcomes: &[TestOutcome]) -> String {
    if outcomes.is_empty() {
        return format!("{name}: no tests\n\n");
    }
    let mut counts = Counts::default();
    counts.add(outcomes);
    let summary = testing::render_summary(outcomes);
    let body = summary
        .strip_suffix(&format!("{}\n", counts.summary()))
        .unwrap_or(&summary);
    format!("{name}\n{body}\n")
}

/// Joins the JUnit documents of several files into one, with a `<testsuite>`
/// per file, as CI systems expect a single report.
fn merge_junit(documents: &[String], counts: Counts) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites tests=\"{}\" failures=\"{}\">\n",
        counts.passed + counts.failed,
        counts.failed
    ));
    for doc in documents {
        // Each document is line-oriented: the XML declaration, `<testsuites>`,
        // one suite, `</testsuites>`. Text inside is escaped, so no content
        // line can start with `<testsuites` or `<?xml`.
        for line in doc.lines() {
            let tag = line.trim_start();
            if !(tag.starts_with("<?xml")
                || tag.starts_with("<testsuites")
                || tag.starts_with("</testsuites"))
            {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(name: &str, passed: bool) -> TestOutcome {
        TestOutcome {
            name: name.to_string(),
            line: 3,
            failures: if passed {
                vec![]
            } else {
                vec![TestFailure {
                    line: 4,
                    expected: "indicative £55.00".to_string(),
                    actual: "indicative £50.00".to_string(),
                    detail: vec![],
                }]
            },
            result: None,
            time: None,
        }
    }

    #[test]
    fn file_report_leaves_the_count_for_the_end() {
        let report = file_report("a.ras", &[outcome("one", true), outcome("two", false)]);
        assert!(report.starts_with("a.ras\n"), "{report}");
        assert!(report.contains("one") && report.contains("two"), "{report}");
        assert!(!report.contains("passed"), "{report}");
    }

    #[test]
    fn junit_of_several_files_is_one_document() {
        let a = testing::junit_xml("a.ras", &[outcome("one", true)]);
        let b = testing::junit_xml("b.ras", &[outcome("two", false)]);
        let xml = merge_junit(
            &[a, b],
            Counts {
                passed: 1,
                failed: 1,
            },
        );
        assert_eq!(xml.matches("<?xml").count(), 1, "{xml}");
        assert_eq!(xml.matches("<testsuites").count(), 1, "{xml}");
        assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
        assert!(
            xml.contains("<testsuites tests=\"2\" failures=\"1\">"),
            "{xml}"
        );
        assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
    }
}
