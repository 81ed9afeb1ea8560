//! `ras explain`: one person's indicative budget, explained in plain English
//! for the person (text, Markdown or HTML).

use super::term::{self, Context};
use super::{eval, files, values, CliError, ExitStatus};
use crate::date::Date;
use crate::eval::{EvalOptions, Status};
use crate::explain;
use rust_decimal::Decimal;
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
    /// The rule file to use.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Use a compiled plan (from `ras compile`) instead of a rule file.
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,

    /// The case as a JSON file (`-` reads it from standard input).
    #[arg(long, value_name = "CASE.json")]
    pub case: Option<PathBuf>,

    /// An answer to a question, as QUESTION=CODE (or =yes/no, or =a number);
    /// repeat for each question.
    #[arg(long = "answer", value_name = "QUESTION=CODE", value_parser = values::pair)]
    pub answers: Vec<(String, String)>,

    /// The person's cohort (client group), e.g. older_people.
    #[arg(long, value_name = "COHORT")]
    pub cohort: Option<String>,

    /// The assessment date (YYYY-MM-DD); it picks the rates in force then.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub assessed: Option<Date>,

    /// The weekly cost of the costed support plan, e.g. 420.00.
    #[arg(long, value_name = "AMOUNT", value_parser = values::money)]
    pub plan_cost: Option<Decimal>,

    /// Another fact about the case declared in the rules, as NAME=VALUE.
    #[arg(long = "attribute", value_name = "NAME=VALUE", value_parser = values::pair)]
    pub attributes: Vec<(String, String)>,

    /// A reference for the case, shown in the explanation.
    #[arg(long, value_name = "ID")]
    pub case_id: Option<String>,

    /// Use the rates in force on this date (YYYY-MM-DD) instead of the
    /// assessment date; the explanation says so.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub as_of: Option<Date>,

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
    let output = args.output.clone();
    let as_of = args.as_of;
    let eval_args = eval::Args {
        file: args.file,
        plan: args.plan,
        case: args.case,
        answers: args.answers,
        cohort: args.cohort,
        assessed: args.assessed,
        plan_cost: args.plan_cost,
        attributes: args.attributes,
        case_id: args.case_id,
        as_of,
        format: eval::Format::Human,
    };
    let case = eval::build_case(&eval_args)?;
    let plan = eval::load(&eval_args, ctx)?;
    let result = crate::eval::evaluate(&plan, &case, &EvalOptions { as_of });
    let mut text = explain::render(&explain::explain(&result), format);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match output {
        Some(path) => files::write_text(&path, &text)?,
        None => term::print(&text)?,
    }
    Ok(if result.status == Status::Error {
        ExitStatus::Failed
    } else {
        ExitStatus::Success
    })
}
