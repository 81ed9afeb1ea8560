//! `ras diff`: two versions of a policy side by side: what changed as policy,
//! and, over a caseload, who gains or loses and by how much.

use super::files::{self, display_name, Staged};
use super::rules::{self, Show};
use super::term::{self, Context};
use super::{values, CliError, ExitStatus};
use crate::batch::input::{CaseReader, InputFormat};
use crate::batch::{ErrorRecord, RunError};
use crate::check::CheckOptions;
use crate::date::Date;
use crate::diag::Severity;
use crate::diff::replay::{self, ReplayOptions};
use crate::diff::{Report, Version};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text for a terminal.
    Text,
    /// Markdown, for a pull request or a committee paper.
    Markdown,
    /// One self-contained HTML page with charts.
    Html,
    /// JSON, for other programs (amounts weekly, exact decimal strings).
    Json,
}

/// Arguments of `ras diff`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Compare two versions of a policy: what changed, and who gains or loses",
    long_about = "List what changed from the OLD rule file to the NEW one as policy, by name: \
                  the header, cohorts, questions and their options, parameters by cohort and \
                  date, bands, the calculation, flags, eligibility, answer checks, the route \
                  and tests. Moved or reformatted text is not a change. With --cases, work out \
                  every case under both versions in one pass and report how many gain or lose, \
                  totals a week and a year, the five bins, the same by cohort and by each case \
                  attribute, the largest gains and losses, flags and routes that change, and \
                  (with --per-case) each person's change split across the changes that caused it.",
    after_help = "Examples:\n  ras diff rules/lancashire/2014-v1.ras rules/lancashire/2016-v7.ras\n  \
                  ras diff old.ras new.ras --cases caseload.csv --report impact.html\n  \
                  ras diff old.ras new.ras --cases caseload.csv --per-case people.csv --format json\n\n\
                  Exit codes: 0 the report was written (and, with --cases, no row is an error, or \
                  --allow-errors); 1 a rule file has errors, the caseload cannot be used, or some \
                  rows are errors under either version (counted in the report, each one in the \
                  --errors file); 2 usage or I/O problem."
)]
pub struct Args {
    /// The old version's rule file.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The new version's rule file.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// A caseload to replay under both versions: .csv, .jsonl or .xlsx (read as `ras run` reads it).
    #[arg(long, value_name = "CASES")]
    pub cases: Option<PathBuf>,

    /// The caseload's format when its name does not say (csv, jsonl, xlsx).
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "jsonl", "xlsx"], requires = "cases")]
    pub input_format: Option<String>,

    /// The sheet of an Excel workbook to read (the first when absent).
    #[arg(long, value_name = "NAME", requires = "cases")]
    pub sheet: Option<String>,

    /// The outputs to compare (default: the indicative budget); may be repeated.
    #[arg(long, value_name = "NAME", num_args = 1.., requires = "cases")]
    pub output: Vec<String>,

    /// Write each case's old and new figures, change, status and the parts of
    /// its change to this CSV file.
    #[arg(long, value_name = "OUT.csv", requires = "cases")]
    pub per_case: Option<PathBuf>,

    /// Write each row that is an error under either version to this CSV file:
    /// its line (or spreadsheet row), case id, the version (old, new or both),
    /// column, code and message.
    #[arg(long, value_name = "ERRORS.csv", requires = "cases")]
    pub errors: Option<PathBuf>,

    /// Exit 0 even when some rows are errors under either version.
    #[arg(long, requires = "cases")]
    pub allow_errors: bool,

    /// The report's form (default: from the --report file's name, else text).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Write the report to this file (.txt, .md, .html or .json) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Read dated values at this date instead of each case's assessment date.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub as_of: Option<Date>,

    /// Check review dates against this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub today: Option<Date>,
}

/// Runs `ras diff`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    refuse_overwriting(&args)?;
    let options = CheckOptions {
        today: args.today.unwrap_or_else(Date::today),
    };
    let old = load(ctx, &args.old, &options)?;
    let new = load(ctx, &args.new, &options)?;
    let changes = crate::diff::changes(&old, &new);
    let mut impacts = Vec::new();
    let mut error_rows = (0, 0);
    if let Some(cases) = &args.cases {
        replay::check_outputs(&old, &new, &args.output).map_err(CliError::Usage)?;
        let reader = open_cases(&args, cases)?;
        let replay_options = ReplayOptions {
            outputs: args.output.clone(),
            split: args.per_case.is_some(),
            as_of: args.as_of,
        };
        let mut per_case = match &args.per_case {
            Some(path) => Some((path.clone(), Staged::create(path)?)),
            None => None,
        };
        let mut per_case_out = per_case
            .as_mut()
            .map(|(_, (_, file))| io::BufWriter::with_capacity(1 << 16, file));
        let mut errors = match &args.errors {
            Some(path) => {
                let (staged, file) = Staged::create(path)?;
                let mut w = csv::Writer::from_writer(io::BufWriter::with_capacity(1 << 16, file));
                let place = reader.places().column_name();
                w.write_record([place, "case_id", "version", "column", "code", "message"])
                    .map_err(|e| write_error(path, e))?;
                Some((path.clone(), staged, w))
            }
            None => None,
        };
        let mut record_error = |side: replay::Side, e: &ErrorRecord| -> io::Result<()> {
            if let Some((_, _, w)) = &mut errors {
                w.write_record([
                    e.line.to_string().as_str(),
                    &e.case_id,
                    side.as_str(),
                    &e.column,
                    e.code,
                    &e.message,
                ])
                .map_err(io::Error::other)?;
            }
            Ok(())
        };
        let outcome = replay::replay(
            &old,
            &new,
            &changes,
            reader,
            &replay_options,
            replay::Sinks {
                per_case: per_case_out.as_mut().map(|w| w as &mut dyn Write),
                on_error: &mut record_error,
                progress: &mut |_, _| {},
            },
        );
        let replayed = match outcome {
            Ok(done) => done,
            Err(RunError::File(p)) => return Err(CliError::BadCase(with_hint(&p))),
            Err(RunError::Io(e)) => {
                return Err(match args.per_case.as_ref().or(args.errors.as_ref()) {
                    Some(path) => CliError::Write {
                        path: path.clone(),
                        source: e,
                    },
                    None => CliError::Output(e),
                })
            }
        };
        if let (Some(w), Some(path)) = (per_case_out, &args.per_case) {
            w.into_inner().map_err(|e| CliError::Write {
                path: path.clone(),
                source: e.into_error(),
            })?;
        }
        let errors_staged = match errors {
            Some((path, staged, w)) => {
                w.into_inner()
                    .map_err(|e| write_error(&path, e.to_string()))?;
                Some(staged)
            }
            None => None,
        };
        if let Some((_, (staged, _))) = per_case {
            staged.commit()?;
        }
        if let Some(staged) = errors_staged {
            staged.commit()?;
        }
        for w in &replayed.warnings {
            term::note(&format!("warning: {w}\n"));
        }
        error_rows = replayed.errors;
        impacts = replayed.impacts;
        term::note(&format!(
            "{} cases: {} errors under the old version, {} under the new\n",
            replayed.rows, error_rows.0, error_rows.1
        ));
    }
    let (old_name, new_name) = (display_name(&args.old), display_name(&args.new));
    let report = Report {
        old: (&old, &old_name),
        new: (&new, &new_name),
        changes: &changes,
        impacts: &impacts,
    };
    let format = args.format.unwrap_or_else(|| {
        match args
            .report
            .as_deref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("md" | "markdown") => Format::Markdown,
            Some("html" | "htm") => Format::Html,
            Some("json") => Format::Json,
            _ => Format::Text,
        }
    });
    let text = match format {
        Format::Text => crate::diff::to_text(&report),
        Format::Markdown => crate::diff::to_markdown(&report),
        Format::Html => crate::diff::to_html(&report),
        Format::Json => crate::diff::to_json(&report),
    };
    match &args.report {
        Some(path) if path != Path::new("-") => files::write_text(path, &text)?,
        _ => term::print(&text)?,
    }
    if (error_rows.0 > 0 || error_rows.1 > 0) && !args.allow_errors {
        return Ok(ExitStatus::Failed);
    }
    Ok(ExitStatus::Success)
}

fn write_error(path: &Path, e: impl std::fmt::Display) -> CliError {
    CliError::Write {
        path: path.to_path_buf(),
        source: io::Error::other(e.to_string()),
    }
}

/// Reads, checks and compiles a rule file, keeping its text for the formulas.
fn load(ctx: &Context, path: &Path, options: &CheckOptions) -> Result<Version, CliError> {
    let file = rules::check_file(path, options)?;
    rules::show(ctx, &file, Show::Errors);
    let errors = file.count(Severity::Error);
    let name = file.name();
    match file.checked.model {
        Some(model) if errors == 0 => {
            let plan = crate::plan::compile(model, &file.source).map_err(|e| {
                CliError::Internal(format!(
                    "`{name}` checks but cannot be compiled: {e} ({})",
                    e.code()
                ))
            })?;
            Ok(Version::new(plan, &file.source))
        }
        _ => Err(CliError::RulesHaveErrors {
            path: path.to_path_buf(),
            count: errors.max(1),
        }),
    }
}

fn open_cases(args: &Args, cases: &Path) -> Result<CaseReader, CliError> {
    let format = match &args.input_format {
        Some(name) => InputFormat::from_name(name),
        None if cases.as_os_str() == "-" => Some(InputFormat::Csv),
        None => InputFormat::from_path(cases),
    }
    .ok_or_else(|| {
        CliError::Usage(format!(
            "cannot tell the format of `{}` from its name; give --input-format csv, jsonl or xlsx",
            cases.display()
        ))
    })?;
    if cases.as_os_str() != "-" {
        if cases.is_dir() {
            return Err(CliError::read(
                cases,
                io::Error::other("it is a folder, not a file"),
            ));
        }
        if let Err(e) = std::fs::File::open(cases) {
            return Err(CliError::read(cases, e));
        }
    }
    CaseReader::open(cases, format, args.sheet.as_deref())
        .map_err(|p| CliError::BadCase(with_hint(&p)))
}

fn with_hint(p: &crate::batch::input::FileProblem) -> String {
    match &p.hint {
        Some(h) => format!("{}\n  help: {h}", p.message),
        None => p.message.clone(),
    }
}

/// Refuses, before anything is read, a report or per-case file written over
/// an input or over each other.
fn refuse_overwriting(args: &Args) -> Result<(), CliError> {
    let outputs = [
        (
            "--report",
            args.report.as_deref().filter(|p| *p != Path::new("-")),
        ),
        ("--per-case", args.per_case.as_deref()),
        ("--errors", args.errors.as_deref()),
    ];
    let inputs = [
        Some(args.old.as_path()),
        Some(args.new.as_path()),
        args.cases.as_deref().filter(|p| *p != Path::new("-")),
    ];
    for (flag, out) in outputs {
        let Some(out) = out else { continue };
        if let Some(input) = inputs.iter().flatten().find(|i| files::same_file(out, i)) {
            return Err(CliError::Usage(format!(
                "`{flag} {}` would write over `{}`, which ras diff reads\n  help: give `{flag}` another file",
                out.display(),
                input.display()
            )));
        }
    }
    if let (Some(a), Some(b)) = (outputs[0].1, outputs[1].1) {
        if files::same_file(a, b) {
            return Err(CliError::Usage(format!(
                "the report and the per-case file are both `{}`\n  help: give `--report` and `--per-case` different files",
                a.display()
            )));
        }
    }
    Ok(())
}
