//! `ras eval`: works out one person's indicative budget and shows how.

use super::rules::{self, Show};
use super::term::{self, Context};
use super::{files, values, CliError, ExitStatus};
use crate::case::Case;
use crate::check::CheckOptions;
use crate::date::Date;
use crate::eval::{self, CaseError, EvalOptions, Status};
use crate::plan::Plan;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// Arguments of `ras eval`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Work out one person's indicative budget",
    long_about = "Work out one person's indicative budget from the answers to the assessment \
                  questions, and show every step: points, deductions and why, the budget, \
                  flags raised and the approval route.\n\n\
                  Give the case as a JSON file (--case), or answer the questions on the command \
                  line (--answer question=code). --cohort, --assessed, --plan-cost, --attribute \
                  and --case-id fill in the rest of the case, and replace what a --case file says.",
    after_help = "Examples:\n  \
                  ras eval rules/leicestershire/2009-11-pilot.ras --case examples/leicestershire-L-A.json\n  \
                  ras eval rules/shire-2025.ras --case examples/shire-case.json --answer q01=5 --plan-cost 420\n  \
                  ras eval --plan shire-2025.plan.json --case examples/shire-case.json --format json"
)]
#[command(group = clap::ArgGroup::new("rules").required(true).args(["file", "plan"]))]
#[command(group = clap::ArgGroup::new("input").required(true).multiple(true).args(["case", "answers"]))]
pub struct Args {
    /// The policy and the case.
    #[command(flatten)]
    pub case: CaseArgs,

    /// How to show the result: `human` for people, `json` for other programs.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The policy and the case, as `ras eval` and `ras explain` both take them.
#[derive(Debug, clap::Args)]
pub struct CaseArgs {
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

    /// The weekly cost of the costed support plan, e.g. 420.00; decides the
    /// approval route.
    #[arg(long, value_name = "AMOUNT", value_parser = values::money)]
    pub plan_cost: Option<Decimal>,

    /// Another fact about the case declared in the rules, as NAME=VALUE (e.g.
    /// area=north); repeat for each.
    #[arg(long = "attribute", value_name = "NAME=VALUE", value_parser = values::pair)]
    pub attributes: Vec<(String, String)>,

    /// A reference for the case, shown with the result.
    #[arg(long, value_name = "ID")]
    pub case_id: Option<String>,

    /// Use the rates in force on this date (YYYY-MM-DD) instead of the
    /// assessment date; the result says so.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub as_of: Option<Date>,
}

/// How `ras eval` shows its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The budget and every step, in words.
    Human,
    /// The full result with its trace, as JSON.
    Json,
}

/// Runs `ras eval`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    // Read the case first: it is cheap, and a mistyped case file name should
    // not wait for the rules to be checked.
    let case = build_case(&args.case)?;
    let plan = load(&args.case, ctx)?;
    evaluate(&plan, &case, &args)
}

/// The plan from `--plan` or from the rule file.
pub(super) fn load(args: &CaseArgs, ctx: &Context) -> Result<Plan, CliError> {
    match (&args.plan, &args.file) {
        (Some(plan), _) => rules::read_plan(plan),
        (None, Some(file)) => {
            // Warnings do not stop an evaluation; `ras check` shows them.
            let options = CheckOptions::new(Date::today());
            rules::load_plan(ctx, file, &options, Show::Errors)
        }
        // clap's `rules` group requires one of the two.
        (None, None) => Err(CliError::Usage("give a rule file or --plan".to_string())),
    }
}

/// The case from `--case`, with the other options written over it.
pub(super) fn build_case(args: &CaseArgs) -> Result<Case, CliError> {
    let mut case = match &args.case {
        Some(path) => read_case(path)?,
        None => Case::default(),
    };
    if let Some(id) = &args.case_id {
        case.case_id = Some(id.clone());
    }
    if let Some(cohort) = &args.cohort {
        case.cohort = Some(cohort.clone());
    }
    if let Some(date) = args.assessed {
        case.assessed = Some(date);
    }
    if let Some(cost) = args.plan_cost {
        case.plan_cost = Some(cost);
    }
    case.attributes.extend(args.attributes.iter().cloned());
    // An answer given twice on the command line is a typo, not a choice.
    for (i, (question, value)) in args.answers.iter().enumerate() {
        if let Some((_, first)) = args.answers[..i].iter().find(|(q, _)| q == question) {
            return Err(CliError::Usage(format!(
                "`--answer {question}` is given twice (`{first}` and `{value}`)\n  help: give each question one answer"
            )));
        }
    }
    case.answers.extend(args.answers.iter().cloned());
    Ok(case)
}

/// Reads a case file; a file that is not a case is an error in the case.
fn read_case(path: &Path) -> Result<Case, CliError> {
    let text = files::read_text(path)?;
    Case::from_json(&text).map_err(|e| {
        CliError::BadCase(format!(
            "`{}` is not a valid case: {e}",
            files::display_name(path)
        ))
    })
}

/// Evaluates the case and prints the result. A case error is shown on
/// standard error and fails the run; with `--format json` the result (status
/// `error`) is printed too, so a program reading it always gets a result.
fn evaluate(plan: &Plan, case: &Case, args: &Args) -> Result<ExitStatus, CliError> {
    let options = EvalOptions {
        as_of: args.case.as_of,
    };
    let result = eval::evaluate(plan, case, &options);
    match args.format {
        Format::Json => term::print(&format!("{}\n", result.to_json()))?,
        Format::Human if result.status != Status::Error => {
            term::print(&eval::render_human(&result))?;
        }
        Format::Human => {}
    }
    if result.status == Status::Error {
        return Err(CliError::BadCase(case_message(case, result.error.as_ref())));
    }
    Ok(ExitStatus::Success)
}

/// A case error in words, naming the case when it has an id.
fn case_message(case: &Case, error: Option<&CaseError>) -> String {
    // INVARIANT: the evaluator sets `error` with status `error`; should it
    // not, the run must still fail, with the best message there is.
    // The code as in `ras run`'s errors file, so the two can be looked up alike.
    let message = error.map_or("the case could not be evaluated".to_string(), |e| {
        format!("{} ({})", e.message, e.code)
    });
    match &case.case_id {
        Some(id) => format!("case `{id}`: {message}"),
        None => message.to_string(),
    }
}
