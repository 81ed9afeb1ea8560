//! `ras fmt`: writes rule files in the one canonical layout.

use super::error::plural;
use super::files::{display_name, read_bytes, rule_files, write_text};
use super::rules;
use super::term::{self, Context};
use super::{CliError, ExitStatus};
use crate::fmt::{format, FormatError};
use std::path::{Path, PathBuf};

/// Arguments of `ras fmt`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Write rule files in the canonical layout",
    long_about = "Write rule files in the canonical layout: two-space indentation, one space \
                  between words, the columns of option tables, band rows and parameter values \
                  lined up, and each unit and amount spelt one way. Comments, blank lines \
                  between groups and the order of declarations are kept.\n\n\
                  Before a file is rewritten, the new text is read again and must mean exactly \
                  what the old one meant; a file with syntax errors is left as it is.",
    after_help = "Examples:\n  ras fmt rules/\n  ras fmt --check rules/\n  ras fmt --diff rules/shire-2025.ras\n  ras fmt - < messy.ras > tidy.ras\n\n\
                  Exit codes: 0 done (or, with --check, nothing to change); 1 a file has syntax \
                  errors, or with --check a file would change; 2 a file could not be read or \
                  written, or ras could not format a file without changing its meaning."
)]
pub struct Args {
    /// Rule files to format, folders to search for `*.ras` files, or `-` to
    /// read standard input and write the result to standard output.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Change nothing: list the files that are not in the canonical layout.
    #[arg(long, conflicts_with = "diff")]
    pub check: bool,

    /// Change nothing: print what would change, as a unified diff.
    #[arg(long)]
    pub diff: bool,
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Unchanged,
    Changed,
    /// Syntax errors: shown, the file left as it is.
    Errors,
    /// Unreadable, unwritable, or the printer would have changed its meaning.
    Broken,
}

/// Runs `ras fmt`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    if args.paths.iter().any(|p| p == Path::new("-")) {
        if args.paths.len() > 1 {
            return Err(CliError::Usage(
                "`-` (standard input) cannot be formatted together with files".to_string(),
            ));
        }
        return run_stdin(&args, ctx);
    }
    let paths = rule_files(&args.paths)?;
    let mut changed = 0;
    let mut status = ExitStatus::Success;
    for path in &paths {
        let outcome = match format_file(path, &args, ctx) {
            Ok(outcome) => outcome,
            Err(err) => {
                term::error(ctx, &err.to_string());
                Outcome::Broken
            }
        };
        match outcome {
            Outcome::Unchanged => {}
            Outcome::Changed => {
                changed += 1;
                if args.check {
                    term::print(&format!("{}\n", display_name(path)))?;
                    status = status.worst(ExitStatus::Failed);
                }
            }
            Outcome::Errors => status = status.worst(ExitStatus::Failed),
            Outcome::Broken => status = status.worst(ExitStatus::Usage),
        }
    }
    let verb = if args.check || args.diff {
        "would change"
    } else {
        "changed"
    };
    term::note(&format!(
        "{verb} {changed} of {} file{}\n",
        paths.len(),
        plural(paths.len())
    ));
    Ok(status)
}

/// `ras fmt -`: standard input to standard output (or, with `--check` or
/// `--diff`, only the verdict).
fn run_stdin(args: &Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let path = Path::new("-");
    let Some((source, formatted)) = formatted(path, ctx)? else {
        return Ok(ExitStatus::Failed);
    };
    let Some(formatted) = formatted else {
        return Ok(ExitStatus::Usage);
    };
    if args.diff {
        term::print(&diff("<stdin>", &source, &formatted))?;
    } else if !args.check {
        term::print(&formatted)?;
    }
    Ok(if args.check && formatted != source {
        ExitStatus::Failed
    } else {
        ExitStatus::Success
    })
}

/// Reads and formats one file. `None`: syntax errors, shown. `Some((source,
/// None))`: the printer would have changed the meaning, shown.
#[allow(clippy::type_complexity)]
fn formatted(path: &Path, ctx: &Context) -> Result<Option<(String, Option<String>)>, CliError> {
    let bytes = read_bytes(path)?;
    let name = display_name(path);
    let source = match crate::syntax::encoding::decode(&bytes) {
        Ok(text) => text.to_string(),
        Err(not_utf8) => {
            rules::render(ctx, &name, &not_utf8.shown, &[not_utf8.diagnostic]);
            return Ok(None);
        }
    };
    match format(&source) {
        Ok(text) => Ok(Some((source, Some(text)))),
        Err(FormatError::Syntax(diags)) => {
            rules::render(ctx, &name, &source, &diags);
            Ok(None)
        }
        Err(FormatError::Unsound(diag)) => {
            rules::render(ctx, &name, &source, &[diag]);
            Ok(Some((source, None)))
        }
    }
}

fn format_file(path: &Path, args: &Args, ctx: &Context) -> Result<Outcome, CliError> {
    let Some((source, formatted)) = formatted(path, ctx)? else {
        return Ok(Outcome::Errors);
    };
    let Some(formatted) = formatted else {
        return Ok(Outcome::Broken);
    };
    if formatted == source {
        return Ok(Outcome::Unchanged);
    }
    if args.diff {
        term::print(&diff(&display_name(path), &source, &formatted))?;
    } else if !args.check {
        write_text(path, &formatted)?;
    }
    Ok(Outcome::Changed)
}

/// A unified diff from the file as it is to the file formatted.
fn diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
