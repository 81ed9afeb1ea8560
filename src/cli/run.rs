//! `ras run`: evaluates a whole caseload (CSV, JSON Lines or Excel) into CSV or
//! JSON Lines, in input order, every row accounted for.

use super::files::{self, Staged};
use super::rules::{self, Show};
use super::term::{self, Context};
use super::{values, CliError, ExitStatus};
use crate::batch::input::{CaseReader, FileProblem, InputFormat};
use crate::batch::output::xlsx::{is_workbook, Workbook};
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
                  naming its line (or spreadsheet row), the column and the problem. The counts \
                  are printed at the end.",
    after_help = "Examples:\n  ras run rules/shire-2025.ras --cases examples/shire-caseload.csv\n  \
                  ras run rules/shire-2025.ras --cases cases.xlsx --sheet March -o results.csv --errors errors.csv\n  \
                  ras run --plan shire.plan.json --cases cases.jsonl -o results.jsonl --threads 2\n\n\
                  Exit codes: 0 every row evaluated (or --allow-errors); 1 some rows are errors, or the \
                  caseload or rules cannot be used; 2 usage or I/O problem; 130 interrupted (output \
                  files are written whole when the run completes, so an interrupted run leaves \
                  them as they were)."
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

    /// Where to write results: .csv, .jsonl or .xlsx (a workbook with a
    /// Results and an Errors sheet); `-` or absent: standard output, as CSV.
    /// A file is written whole when the run completes, never part way.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// The columns to write, e.g. `case_id,cohort,setting,indicative,route`:
    /// steps, outputs, flags, route, eligible, status, message, and the case's
    /// own case_id, cohort, assessed, plan_cost and attributes (default:
    /// case_id, the outputs, the flags, route, eligible, status, message).
    #[arg(long, value_name = "A,B,...")]
    pub columns: Option<String>,

    /// Read dated values at this date instead of each case's assessment date.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub as_of: Option<Date>,

    /// Also write each row that could not be evaluated to this CSV file (line,
    /// case_id, column, code, message; `row` instead of `line` for a workbook);
    /// `-` is standard output, when the results go to a file.
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
    refuse_overwriting(&args)?;
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
    let places = reader.places().clone();
    let to_stdout = args.output.as_deref().map_or(true, |p| p == Path::new("-"));
    let output = args.output.as_deref().filter(|_| !to_stdout);
    let out_format = output
        .filter(|p| !is_workbook(p))
        .map(OutputFormat::from_path)
        .unwrap_or(OutputFormat::Csv);
    let (results_file, sink, workbook): (Option<Destination>, Box<dyn Write>, _) = match output {
        None => (
            None,
            Box::new(io::BufWriter::with_capacity(1 << 16, io::stdout().lock())),
            None,
        ),
        // The workbook keeps its own buffer of XML: no buffer between.
        Some(path) if is_workbook(path) => {
            let (dest, file) = Destination::open(path)?;
            let book = Workbook::new(&plan.model, &columns, places.column_name(), file)
                .map_err(|e| write_error(path, e))?;
            (Some(dest), Box::new(book.results()), Some(book))
        }
        Some(path) => {
            let (dest, file) = Destination::open(path)?;
            (
                Some(dest),
                Box::new(io::BufWriter::with_capacity(1 << 16, file)),
                None,
            )
        }
    };
    let mut writer =
        ResultWriter::new(sink, out_format, &plan.model, columns).map_err(CliError::Output)?;
    let mut error_file = match &args.errors {
        Some(path) => {
            // `--errors -` is standard output (the results then go to a file:
            // refused before reading otherwise).
            let (dest, file): (Option<Destination>, Box<dyn Write>) = if path == Path::new("-") {
                (None, Box::new(io::stdout().lock()))
            } else {
                let (dest, file) = Destination::open(path)?;
                (Some(dest), Box::new(file))
            };
            let mut w = csv::Writer::from_writer(file);
            w.write_record([places.column_name(), "case_id", "column", "code", "message"])
                .map_err(|e| write_error(path, e))?;
            Some((path.clone(), dest, w))
        }
        None => None,
    };
    let mut record_error = |e: &ErrorRecord| -> io::Result<()> {
        if let Some((_, _, w)) = &mut error_file {
            w.write_record([
                e.line.to_string().as_str(),
                &e.case_id,
                &e.column,
                e.code,
                &e.message,
            ])
            .map_err(io::Error::other)?;
        }
        if let Some(book) = &workbook {
            book.error(e)?;
        }
        Ok(())
    };
    let bar = progress_bar(args.quiet || to_stdout);
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
    // On any failure the temporary files are dropped (removed) and the
    // destinations are left as they were.
    let (summary, warnings) = match outcome {
        Ok(done) => done,
        Err(RunError::File(p)) => return Err(file_problem(p)),
        Err(RunError::Io(e)) => return Err(output_error(output, e)),
    };
    writer.finish().map_err(|e| output_error(output, e))?;
    if let (Some(book), Some(path)) = (&workbook, output) {
        book.finish().map_err(|e| write_error(path, e))?;
    }
    let errors_dest = match error_file {
        Some((path, dest, w)) => {
            w.into_inner()
                .map_err(|e| write_error(&path, e.to_string()))?;
            dest
        }
        None => None,
    };
    // The results file is renamed last: it is the run's commit point.
    let staged = [errors_dest, results_file]
        .into_iter()
        .flatten()
        .filter_map(Destination::staged)
        .collect();
    Staged::commit_all(staged)?;
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

/// Where a results or errors file goes.
enum Destination {
    /// A file (or none yet): written under a temporary name beside it and
    /// renamed over it when the run completes.
    Staged(Staged),
    /// A device or a pipe (`/dev/null`, a fifo): written as it goes, never replaced.
    Direct,
}

impl Destination {
    fn open(path: &Path) -> Result<(Destination, std::fs::File), CliError> {
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| write_error(path, e))?;
            return Ok((Destination::Direct, file));
        }
        if path.is_dir() {
            return Err(write_error(
                path,
                io::Error::other("it is a folder, not a file"),
            ));
        }
        let (staged, file) = Staged::create(path)?;
        Ok((Destination::Staged(staged), file))
    }

    /// The file to rename when the run completes, if any.
    fn staged(self) -> Option<Staged> {
        match self {
            Destination::Staged(s) => Some(s),
            Destination::Direct => None,
        }
    }
}

/// A failure to write results, naming the file when there is one.
fn output_error(output: Option<&Path>, e: io::Error) -> CliError {
    match output {
        Some(path) => CliError::Write {
            path: path.to_path_buf(),
            source: e,
        },
        None => CliError::Output(e),
    }
}

/// Refuses, before anything is read, results or errors written over the
/// caseload or over each other: the files themselves are compared, so
/// `./cases.csv`, a link to it and a hard link are all caught.
fn refuse_overwriting(args: &Args) -> Result<(), CliError> {
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    let cases = Some(args.cases.as_path()).filter(|p| *p != Path::new("-"));
    let errors = args.errors.as_deref();
    let errors_file = errors.filter(|p| *p != Path::new("-"));
    let clash = |a: Option<&Path>, b: Option<&Path>| match (a, b) {
        (Some(a), Some(b)) => files::same_file(a, b),
        _ => false,
    };
    let show = |p: &Path| p.display().to_string();
    if errors == Some(Path::new("-")) && output.is_none() {
        return Err(CliError::Usage(
            "`--errors -` and the results would both go to standard output, mixed into one\n  help: give `-o` a file for the results, or `--errors` a file".to_string(),
        ));
    }
    if clash(output, cases) {
        return Err(CliError::Usage(format!(
            "the results file `{}` is the caseload `{}`: writing it would destroy the cases\n  help: give `-o` another file",
            show(output.unwrap_or(Path::new(""))),
            show(&args.cases)
        )));
    }
    if clash(errors_file, cases) {
        return Err(CliError::Usage(format!(
            "the errors file `{}` is the caseload `{}`: writing it would destroy the cases\n  help: give `--errors` another file",
            show(errors.unwrap_or(Path::new(""))),
            show(&args.cases)
        )));
    }
    if clash(errors_file, output) {
        return Err(CliError::Usage(format!(
            "the errors file `{}` is the results file `{}`: the two would be mixed into one\n  help: give `--errors` and `-o` different files",
            show(errors.unwrap_or(Path::new(""))),
            show(output.unwrap_or(Path::new("")))
        )));
    }
    Ok(())
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
