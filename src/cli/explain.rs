//! `ras explain`: one person's indicative budget, explained in plain English
//! for the person (text, Markdown or HTML).

use super::term::{self, Context};
use super::{eval, files, CliError, ExitStatus};
use crate::eval::{EvalOptions, Status};
use crate::explain;
use std::path::PathBuf;

/// Arguments of `ras explain`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Explain one person's indicative budget in plain English",
    long_about = "Explain one person's indicative budget in plain English, for the person: the \
                  figure first (or why there is none), the answers and what each scored, each \
                  step in the policy's own words with its figures, the rates and what chose \
                  them, bands and how near the figure is to the next, deductions that did and \
                  did not apply, flags, the approval route, the policy and how to ask for a \
                  review. Built only from the evaluation, as `ras eval` works it out.\n\n\
                  The case is given as for `ras eval`.",
    after_help = "Examples:\n  \
                  ras explain rules/leicestershire/2009-11-pilot.ras --case examples/leicestershire-L-A.json\n  \
                  ras explain rules/oldham/2019-01.ras --case examples/oldham-O-A.json --format html -o letter.html\n  \
                  ras explain --plan shire-2025.plan.json --case examples/shire-case.json --format markdown"
)]
#[command(group = clap::ArgGroup::new("rules").required(true).args(["file", "plan"]))]
#[command(group = clap::ArgGroup::new("input").required(true).multiple(true).args(["case", "answers"]))]
pub struct Args {
    /// The policy and the case.
    #[command(flatten)]
    pub case: eval::CaseArgs,

    /// `text` for a terminal, `markdown` for case notes, `html` for a letter.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the explanation to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// How `ras explain` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// One self-contained HTML page.
    Html,
}

/// Runs `ras explain`. A case error is explained too (in words), and the run
/// then fails, so a script notices there is no figure.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let format = match args.format {
        Format::Text => explain::Format::Text,
        Format::Markdown => explain::Format::Markdown,
        Format::Html => explain::Format::Html,
    };
    let case = eval::build_case(&args.case)?;
    let plan = eval::load(&args.case, ctx)?;
    let options = EvalOptions {
        as_of: args.case.as_of,
    };
    let result = crate::eval::evaluate(&plan, &case, &options);
    let mut text = explain::render(&explain::explain(&result), format);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match args.output {
        Some(path) => files::write_text(&path, &text)?,
        None => term::print(&text)?,
    }
    Ok(if result.status == Status::Error {
        ExitStatus::Failed
    } else {
        ExitStatus::Success
    })
}
