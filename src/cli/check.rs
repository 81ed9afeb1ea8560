//! `ras check`: finds the mistakes in rule files before anyone relies on them.

use super::annotations::{self, SarifLog};
use super::error::plural;
use super::files::{display_name, rule_files};
use super::ranges;
use super::rules::{self, check_file, Show};
use super::term::{self, Context};
use super::{values, CliError, ExitStatus};
use crate::check::CheckOptions;
use crate::date::Date;
use crate::diag::{self, Severity};
use serde::ser::{SerializeSeq, Serializer as _};
use std::io::{self, Write as _};
use std::path::PathBuf;

/// Arguments of `ras check`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Check rule files for mistakes",
    long_about = "Check rule files for mistakes: wrong or missing names, adding money to points, \
                  bands with gaps, tests that cannot run, and things that are allowed but look \
                  wrong (warnings), such as a cap on a budget or a review date that has passed.\n\n\
                  Each problem is shown with the line it is on and a hint on how to fix it.",
    after_help = "Examples:\n  ras check rules/\n  ras check --deny-warnings --format json rules/shire-2025.ras\n  ras check --format sarif rules/ > ras.sarif"
)]
pub struct Args {
    /// Rule files to check, or folders to search for `*.ras` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// How to show the problems: `human` for people, `json` (one JSON array on
    /// standard output) for other programs, `github` (workflow annotations) or
    /// `sarif` (one SARIF 2.1.0 log on standard output) for CI.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat warnings as errors: the check fails if there are any.
    #[arg(long)]
    pub deny_warnings: bool,

    /// Check review dates against this date (YYYY-MM-DD) instead of today,
    /// so the result does not change with the calendar.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub today: Option<Date>,

    /// Print the lowest and highest value every step and output can take over
    /// all answers (and a case that reaches each), instead of the problems;
    /// with `--format json`, as JSON. Problems are still shown on standard error.
    #[arg(long)]
    pub ranges: bool,

    /// Print the syntax tree or the compiled plan of one file instead (for
    /// developers of ras).
    #[arg(long, value_enum, value_name = "WHAT", hide = true)]
    pub dump: Option<Dump>,
}

/// How `ras check` reports problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Messages with the source lines underlined.
    Human,
    /// A JSON array of objects with file, line, column, end, severity, code, message, hint.
    Json,
    /// GitHub Actions workflow commands (`::error file=…::message`), one line per problem.
    Github,
    /// One SARIF 2.1.0 log for every file, for code scanning services.
    Sarif,
}

/// What `--dump` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dump {
    /// The syntax tree, as the parser built it.
    Ast,
    /// The compiled plan, as `ras compile` writes it.
    Plan,
}

/// Error and warning counts over every file checked.
#[derive(Debug, Default)]
struct Tally {
    files: usize,
    errors: usize,
    warnings: usize,
    unreadable: usize,
}

impl Tally {
    /// The summary line, e.g. `checked 5 files: 0 errors, 0 warnings`.
    fn summary(&self) -> String {
        let mut line = format!(
            "checked {} file{}: {} error{}, {} warning{}",
            self.files,
            plural(self.files),
            self.errors,
            plural(self.errors),
            self.warnings,
            plural(self.warnings)
        );
        if self.unreadable > 0 {
            line.push_str(&format!(
                "; {} file{} could not be read",
                self.unreadable,
                plural(self.unreadable)
            ));
        }
        line
    }

    fn status(&self, deny_warnings: bool) -> ExitStatus {
        if self.unreadable > 0 {
            ExitStatus::Usage
        } else if self.errors > 0 || (deny_warnings && self.warnings > 0) {
            ExitStatus::Failed
        } else {
            ExitStatus::Success
        }
    }
}

/// Runs `ras check`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let options = CheckOptions {
        today: args.today.unwrap_or_else(Date::today),
    };
    if let Some(dump) = args.dump {
        return run_dump(dump, &args.paths, &options, ctx);
    }
    if args.ranges {
        return run_ranges(&args, &options, ctx);
    }
    let paths = rule_files(&args.paths)?;
    let mut tally = Tally::default();
    // `--format json` is one array over every file, written as it comes.
    let mut json = serde_json::Serializer::pretty(io::BufWriter::new(io::stdout().lock()));
    let mut array = match args.format {
        Format::Json => Some(json.serialize_seq(None).map_err(json_output)?),
        _ => None,
    };
    let mut sarif = SarifLog::new();
    for (n, path) in paths.iter().enumerate() {
        // One unreadable file should not hide the problems in the others.
        let file = match check_file(path, &options) {
            Ok(file) => file,
            Err(err) => {
                term::error(ctx, &err.to_string());
                tally.unreadable += 1;
                continue;
            }
        };
        tally.files += 1;
        tally.errors += file.count(Severity::Error);
        tally.warnings += file.count(Severity::Warning);
        match args.format {
            Format::Human => rules::show(ctx, &file, Show::All),
            Format::Json => {
                let name = display_name(path);
                let each = diag::json_each(&file.checked.diagnostics, &name, &file.source);
                for d in each {
                    if let Some(array) = &mut array {
                        array.serialize_element(&d).map_err(json_output)?;
                    }
                }
            }
            Format::Github => term::print(&annotations::github(
                &file.checked.diagnostics,
                &display_name(path),
                &file.source,
            ))?,
            Format::Sarif => {
                sarif.add(&file.checked.diagnostics, &display_name(path), &file.source)
            }
        }
        if n + 1 == paths.len() {
            ends_with_the_process(file);
        }
    }
    if let Some(array) = array {
        array.end().map_err(json_output)?;
        let mut out = json.into_inner();
        out.write_all(b"\n")
            .and_then(|()| out.flush())
            .map_err(CliError::Output)?;
    }
    if args.format == Format::Sarif {
        term::print(&sarif.to_json())?;
    }
    term::note(&format!("{}\n", tally.summary()));
    Ok(tally.status(args.deny_warnings))
}

/// Leaves a value for the process's exit to reclaim. Only for what is read
/// last: freeing the tree, model and diagnostics of a file with 100,000
/// declarations piece by piece takes a tenth of a second and helps no one.
fn ends_with_the_process<T>(value: T) {
    std::mem::forget(value);
}

/// `--ranges`: each file's steps with their lowest and highest values.
fn run_ranges(args: &Args, options: &CheckOptions, ctx: &Context) -> Result<ExitStatus, CliError> {
    if matches!(args.format, Format::Github | Format::Sarif) {
        return Err(CliError::Usage(
            "`--ranges` prints as `--format human` or `--format json`".to_string(),
        ));
    }
    let paths = rule_files(&args.paths)?;
    let mut tally = Tally::default();
    let mut json = Vec::new();
    for path in &paths {
        let file = match check_file(path, options) {
            Ok(file) => file,
            Err(err) => {
                term::error(ctx, &err.to_string());
                tally.unreadable += 1;
                continue;
            }
        };
        tally.files += 1;
        tally.errors += file.count(Severity::Error);
        tally.warnings += file.count(Severity::Warning);
        rules::show(ctx, &file, Show::All);
        let Some(model) = &file.checked.model else {
            continue;
        };
        let ranges = crate::check::ranges::step_ranges(model);
        let name = display_name(path);
        match args.format {
            Format::Json => json.push(ranges::json(&name, model, &ranges)),
            _ => term::print(&ranges::table(&name, model, &ranges))?,
        }
    }
    if args.format == Format::Json {
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".to_string());
        text.push('\n');
        term::print(&text)?;
    }
    term::note(&format!("{}\n", tally.summary()));
    Ok(tally.status(args.deny_warnings))
}

/// Writing the JSON array failed: plain structs always serialise, so it is
/// standard output that failed.
fn json_output(e: serde_json::Error) -> CliError {
    CliError::Output(e.into())
}

/// `--dump ast|plan`: prints one file's syntax tree or compiled plan.
fn run_dump(
    dump: Dump,
    paths: &[PathBuf],
    options: &CheckOptions,
    ctx: &Context,
) -> Result<ExitStatus, CliError> {
    let [path] = paths else {
        return Err(CliError::Usage(
            "`--dump` takes exactly one rule file".to_string(),
        ));
    };
    match dump {
        Dump::Ast => {
            // Decoded as `ras check` decodes it, so a file that is not UTF-8 is
            // the same rules error with its place, not a read failure.
            let bytes = super::files::read_bytes(path)?;
            let source = match crate::syntax::encoding::decode(&bytes) {
                Ok(text) => text.to_string(),
                Err(not_utf8) => {
                    let name = display_name(path);
                    rules::render(ctx, &name, &not_utf8.shown, &[not_utf8.diagnostic]);
                    return Ok(ExitStatus::Failed);
                }
            };
            match crate::syntax::parse(&source) {
                Ok(ast) => term::print(&format!("{ast:#?}\n"))?,
                Err(diags) => {
                    rules::render(ctx, &display_name(path), &source, &diags);
                    return Ok(ExitStatus::Failed);
                }
            }
        }
        Dump::Plan => {
            let plan = rules::load_plan(ctx, path, options, Show::Errors)?;
            term::print(&rules::plan_json(&plan))?;
        }
    }
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_in_words() {
        let tally = Tally {
            files: 1,
            errors: 2,
            warnings: 1,
            unreadable: 0,
        };
        assert_eq!(tally.summary(), "checked 1 file: 2 errors, 1 warning");
        assert_eq!(tally.status(false), ExitStatus::Failed);
        let tally = Tally {
            files: 5,
            ..Tally::default()
        };
        assert_eq!(tally.summary(), "checked 5 files: 0 errors, 0 warnings");
        assert_eq!(tally.status(true), ExitStatus::Success);
    }

    #[test]
    fn warnings_fail_only_when_denied() {
        let tally = Tally {
            files: 1,
            warnings: 1,
            ..Tally::default()
        };
        assert_eq!(tally.status(false), ExitStatus::Success);
        assert_eq!(tally.status(true), ExitStatus::Failed);
    }
}
