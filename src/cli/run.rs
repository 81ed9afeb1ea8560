//! `ras run`: evaluates a whole caseload (CSV, JSON Lines or Excel) into CSV or
//! JSON Lines, in input order, every row accounted for.

use super::rules::{self, Show};
use super::term::{self, Context};
use super::{values, CliError, ExitStatus};
use crate::batch::input::{CaseReader, FileProblem, InputFormat};
use crate::batch::output::{default_columns, named_columns, OutputFormat, ResultWriter};
use crate::batch::{ErrorRecord, RunError, RunOptions, Summary};
use crate::check::CheckOptions;
use crate::date::Date;
use crate::plan::Plan;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Arguments of `ras run`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Work out indicative budgets for a whole caseload",
    long_about = "Evaluate every case of a caseload file under a rule file (or a compiled plan) \
                  and write one result row per case, in the same order. Cases come as CSV (a \
                  header row, then one case per row: case_id, cohort, assessed, plan_cost, one \
                  column per attribute and per question), JSON Lines (one case object per line, \
                  as `ras eval --case` reads) or an Excel workbook (.xlsx). A bad row never \
                  stops the run: it becomes a result row with status `error` and a message \
                  naming the row, the column and the problem. The counts are printed at the end.",
    after_help = "Examples:\n  ras run rules/shire-2025.ras --cases examples/shire-caseload.csv\n  \
                  ras run rules/shire-2025.ras --cases cases.xlsx --sheet March -o results.csv --errors errors.csv\n  \
                  ras run --plan shire.plan.json --cases cases.jsonl -o results.jsonl --threads 2\n\n\
                  Exit codes: 0 every row evaluated (or --allow-errors); 1 some rows are errors, or the \
                  caseload or rules cannot be used; 2 usage or I/O problem."
)]
pub struct Args {
    /// The rule file (or give --plan).
    #[arg(
        value_name = "FILE",
        required_unless_present = "plan",
        conflicts_with = "plan"
    )]
    pub file: Option<PathBuf>,

    /// A compiled plan (from `ras compile`) instead of a rule file.
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,

    /// The caseload: .csv, .jsonl or .xlsx; `-` reads standard input.
    #[arg(long, value_name = "CASES")]
    pub cases: PathBuf,

    /// The caseload's format when its name does not say (csv, jsonl, xlsx).
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "jsonl", "xlsx"])]
    pub input_format: Option<String>,

    /// The sheet of an Excel workbook to read (the first when absent).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Where to write results: .csv or .jsonl (standard output when absent, as CSV).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// The columns to write, e.g. `case_id,indicative,route` (default: case_id,
    /// the outputs, the flags, route, eligible, status, message).
    #[arg(long, value_name = "A,B,...")]
    pub columns: Option<String>,

    /// Read dated values at this date instead of each case's assessment date.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub as_of: Option<Date>,

    /// Also write each row that could not be evaluated to this CSV file (row,
    /// case_id, column, code, message).
    #[arg(long, value_name = "ERRORS.csv")]
    pub errors: Option<PathBuf>,

    /// Exit 0 even when some rows are errors.
    #[arg(long)]
    pub allow_errors: bool,

    /// Evaluate on this many threads (output order is always input order).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: u16,

    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,

    /// Check review dates against this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub today: Option<Date>,
}

/// Runs `ras run`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let plan = load(&args, ctx)?;
    let format = match &args.input_format {
        Some(name) => InputFormat::from_name(name),
        None if args.cases.as_os_str() == "-" => Some(InputFormat::Csv),
        None => InputFormat::from_path(&args.cases),
    }
    .ok_or_else(|| {
        CliError::Usage(format!(
            "cannot tell the format of `{}` from its name; give --input-format csv, jsonl or xlsx",
            args.cases.display()
        ))
    })?;
    // A caseload that cannot be opened (missing, a folder, not allowed) is an
    // I/O problem, exit 2; one that opens but cannot be used is exit 1.
    if args.cases.as_os_str() != "-" {
        if args.cases.is_dir() {
            return Err(CliError::read(
                &args.cases,
                io::Error::other("it is a folder, not a file"),
            ));
        }
        if let Err(e) = std::fs::File::open(&args.cases) {
            return Err(CliError::read(&args.cases, e));
        }
    }
    let reader =
        CaseReader::open(&args.cases, format, args.sheet.as_deref()).map_err(file_problem)?;
    let options = RunOptions { as_of: args.as_of };
    // A problem with the whole caseload (a question the rules need has no
    // column…) is reported before any output is written.
    match crate::batch::check_columns(&plan, &reader, &options) {
        Ok(_) => {}
        Err(RunError::File(p)) => return Err(file_problem(p)),
        Err(RunError::Io(e)) => return Err(CliError::Output(e)),
    }
    let columns = match &args.columns {
        Some(names) => {
            named_columns(&plan.model, names).map_err(|p| CliError::Usage(with_hint(&p)))?
        }
        None => default_columns(&plan.model),
    };
    let out_format = args
        .output
        .as_deref()
        .map(OutputFormat::from_path)
        .unwrap_or(OutputFormat::Csv);
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(create(path)?),
        None => Box::new(io::stdout().lock()),
    };
    let mut writer = ResultWriter::new(
        io::BufWriter::with_capacity(1 << 16, sink),
        out_format,
        &plan.model,
        columns,
    )
    .map_err(CliError::Output)?;
    let mut error_file = match &args.errors {
        Some(path) => {
            let mut w = csv::Writer::from_writer(create(path)?);
            w.write_record(["row", "case_id", "column", "code", "message"])
                .map_err(|e| write_error(path, e))?;
            Some((path.clone(), w))
        }
        None => None,
    };
    let mut record_error = |e: &ErrorRecord| -> io::Result<()> {
        if let Some((_, w)) = &mut error_file {
            w.write_record([
                e.row.to_string().as_str(),
                &e.case_id,
                &e.column,
                e.code,
                &e.message,
            ])
            .map_err(io::Error::other)?;
        }
        Ok(())
    };
    let bar = progress_bar(args.quiet || args.output.is_none());
    let started = std::time::Instant::now();
    let mut progress = |rows: u64, (done, total): (u64, Option<u64>)| {
        if let Some(bar) = &bar {
            if let Some(total) = total {
                bar.set_length(total);
            }
            bar.set_position(done);
            let seconds = started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{rows} cases, {:.0} cases/s",
                rows as f64 / seconds
            ));
        }
    };
    let outcome = if args.threads > 1 {
        crate::batch::run_parallel(
            &plan,
            reader,
            &mut writer,
            &mut record_error,
            &options,
            args.threads as usize,
            &mut progress,
        )
    } else {
        crate::batch::run(
            &plan,
            reader,
            &mut writer,
            &mut record_error,
            &options,
            &mut progress,
        )
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let (summary, warnings) = match outcome {
        Ok(done) => done,
        Err(RunError::File(p)) => return Err(file_problem(p)),
        Err(RunError::Io(e)) => return Err(CliError::Output(e)),
    };
    writer.finish().map_err(CliError::Output)?;
    if let Some((path, mut w)) = error_file {
        w.flush().map_err(|e| write_error(&path, e))?;
    }
    for w in &warnings {
        term::note(&format!("warning: {w}\n"));
    }
    finish(ctx, &summary, args.allow_errors)
}

fn load(args: &Args, ctx: &Context) -> Result<Plan, CliError> {
    match (&args.plan, &args.file) {
        (Some(plan), _) => rules::read_plan(plan),
        (None, Some(file)) => {
            let options = CheckOptions {
                today: args.today.unwrap_or_else(Date::today),
            };
            rules::load_plan(ctx, file, &options, Show::Errors)
        }
        (None, None) => Err(CliError::Usage(
            "give a rule file or --plan PLAN.json".into(),
        )),
    }
}

fn finish(ctx: &Context, summary: &Summary, allow_errors: bool) -> Result<ExitStatus, CliError> {
    term::note(&format!("{}\n", summary.line()));
    if summary.errors > 0 && !allow_errors {
        let _ = ctx;
        return Ok(ExitStatus::Failed);
    }
    Ok(ExitStatus::Success)
}

fn progress_bar(hidden: bool) -> Option<indicatif::ProgressBar> {
    if hidden || !io::stderr().is_terminal() {
        return None;
    }
    // The bar's length is the file's size (or a sheet's rows), set by the
    // first report; the message counts cases. Standard input has no length:
    // the bar then shows only the count and the time taken.
    let bar = indicatif::ProgressBar::no_length();
    let style = indicatif::ProgressStyle::with_template(
        "{wide_bar} {percent:>3}%  {msg}  {elapsed} taken, about {eta} left",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

fn create(path: &Path) -> Result<std::fs::File, CliError> {
    std::fs::File::create(path).map_err(|e| CliError::Write {
        path: path.to_path_buf(),
        source: e,
    })
}

fn write_error(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> CliError {
    CliError::Write {
        path: path.to_path_buf(),
        source: io::Error::other(e),
    }
}

fn with_hint(p: &FileProblem) -> String {
    match &p.hint {
        Some(h) => format!("{}\n  help: {h}", p.message),
        None => p.message.clone(),
    }
}

fn file_problem(p: FileProblem) -> CliError {
    CliError::BadCase(with_hint(&p))
}
