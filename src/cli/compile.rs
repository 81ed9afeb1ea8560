//! `ras compile`: turns a rule file into a compiled plan (JSON) that other
//! systems can embed and that `ras eval --plan` reads.

use super::rules::{self, Show};
use super::term::{self, Context};
use super::{files, values, CliError, ExitStatus};
use crate::check::CheckOptions;
use crate::date::Date;
use std::path::PathBuf;

/// Arguments of `ras compile`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Compile a rule file into a plan (JSON) for other systems",
    long_about = "Check a rule file and, if it has no errors, write its compiled plan: a JSON \
                  file holding everything needed to work out budgets, with a fingerprint of the \
                  rule file it came from. Case-management systems embed the plan; \
                  `ras eval --plan` evaluates cases with it.",
    after_help = "Example:\n  ras compile rules/shire-2025.ras -o shire-2025.plan.json"
)]
pub struct Args {
    /// The rule file to compile.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Where to write the plan; without it the plan is printed.
    #[arg(short, long, value_name = "PLAN.json")]
    pub output: Option<PathBuf>,

    /// Check review dates against this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub today: Option<Date>,
}

/// Runs `ras compile`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let options = CheckOptions {
        today: args.today.unwrap_or_else(Date::today),
    };
    let plan = rules::load_plan(ctx, &args.file, &options, Show::All)?;
    let json = rules::plan_json(&plan);
    match &args.output {
        Some(path) => files::write_text(path, &json)?,
        None => term::print(&json)?,
    }
    Ok(ExitStatus::Success)
}
