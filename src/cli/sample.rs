//! `ras sample`: random, valid cases from a rule file's own questions.

use super::rules::{self, Show};
use super::term::Context;
use super::{CliError, ExitStatus};
use crate::check::CheckOptions;
use crate::date::Date;
use crate::sample::{write_sample, SampleFormat};
use std::io::{self, Write};
use std::path::PathBuf;

/// Arguments of `ras sample`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Make random, valid cases from a rule file's questions",
    long_about = "Write N random cases that a rule file accepts: each cohort, attribute value \
                  and option code equally likely, numbers spread evenly over their range, and \
                  (when the file has an approval route) a costed plan of £20 to £1,500 for four \
                  cases in five. The same seed always gives the same file, on every machine. \
                  Use it to try a policy on a synthetic caseload, or for benchmarks.",
    after_help = "Examples:\n  ras sample rules/shire-2025.ras -n 1000 --seed 7 -o cases.csv\n  \
                  ras sample rules/oldham/2019-01.ras -n 20 -o cases.jsonl"
)]
pub struct Args {
    /// The rule file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// How many cases.
    #[arg(short = 'n', long = "count", value_name = "N")]
    pub count: u64,

    /// The random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Where to write: .csv or .jsonl (standard output as CSV when absent).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Check review dates against this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = super::values::date)]
    pub today: Option<Date>,
}

/// Runs `ras sample`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let options = CheckOptions {
        today: args.today.unwrap_or_else(Date::today),
    };
    let plan = rules::load_plan(ctx, &args.file, &options, Show::Errors)?;
    let format = match args
        .output
        .as_deref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
    {
        Some("jsonl" | "ndjson" | "json") => SampleFormat::JsonLines,
        _ => SampleFormat::Csv,
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| CliError::Write {
                path: path.clone(),
                source: e,
            })?;
            let mut out = io::BufWriter::new(file);
            write_sample(&plan.model, args.count, args.seed, format, &mut out)
                .and_then(|()| out.flush())
                .map_err(|e| CliError::Write {
                    path: path.clone(),
                    source: e,
                })?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write_sample(&plan.model, args.count, args.seed, format, &mut out)
                .and_then(|()| out.flush())
                .map_err(CliError::Output)?;
        }
    }
    Ok(ExitStatus::Success)
}
