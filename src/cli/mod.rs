//! The `ras` command line: a thin shell over the library.
//!
//! Each subcommand is one file with an `Args` struct (clap derive) and a `run`
//! function that calls the library's stages and returns an [`ExitStatus`] or a
//! [`CliError`]. Only this module prints; the library returns values.

mod annotations;
pub mod calibrate;
pub mod check;
pub mod compile;
pub mod diff;
mod error;
pub mod eval;
mod exit;
pub mod explain;
mod files;
mod finance;
pub mod fmt;
pub mod publish;
mod ranges;
pub mod report;
mod rules;
pub mod run;
pub mod sample;
mod term;
pub mod test;
mod values;

pub use error::CliError;
pub use exit::ExitStatus;
pub use term::{ColorChoice, Context};

use clap::{Parser, Subcommand};

/// `ras`: the whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "ras",
    version,
    about = "Check, test and run a council's Resource Allocation System (RAS)",
    long_about = "ras reads a council's Resource Allocation System written as a rule file: the \
                  assessment questions, the points each answer is worth, deductions, the price \
                  per point, contingency bands and approval rules. It checks the file for \
                  mistakes, runs the tests written in it, and works out indicative personal \
                  budgets, showing every step of the calculation.",
    after_help = "Exit codes: 0 all well; 1 the rules or case have errors, or a test failed; \
                  2 the command line was wrong or a file could not be read or written.\n\n\
                  Run `ras COMMAND --help` for the details of a command.",
    arg_required_else_help = true
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// When to use colour in messages.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// The commands.
// Each command's help (its one line and its long description) is in its own
// `Args`: a doc comment here would replace the long one in `ras COMMAND --help`.
#[allow(missing_docs)]
#[derive(Debug, Subcommand)]
pub enum Command {
    Check(check::Args),
    Eval(eval::Args),
    Explain(explain::Args),
    Test(test::Args),
    Compile(compile::Args),
    Run(run::Args),
    Sample(sample::Args),
    Fmt(fmt::Args),
    Publish(publish::Args),
    Calibrate(calibrate::Args),
    Report(report::Args),
    Diff(diff::Args),
}

/// Runs `ras` with the process's arguments and returns how it ended.
pub fn main() -> ExitStatus {
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(err) => clap_exit(&err),
    }
}

/// Runs a parsed command line; errors are reported here, at the edge.
pub fn run(cli: Cli) -> ExitStatus {
    let ctx = Context {
        color: cli.global.color,
    };
    // A panic is a bug in ras, never the user's fault. The default hook has
    // already printed where it happened; say what it means, and end with a
    // documented exit code instead of Rust's 101.
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(cli.command, &ctx)));
    match outcome {
        Ok(Ok(status)) => status,
        Ok(Err(err)) => report(&ctx, &err),
        Err(_) => {
            term::error(
                &ctx,
                "ras stopped because of an internal error (a bug in ras, not in your files); \
                 please report it with the command and files that caused it",
            );
            ExitStatus::Usage
        }
    }
}

/// Calls the command's `run`.
fn dispatch(command: Command, ctx: &Context) -> Result<ExitStatus, CliError> {
    match command {
        Command::Check(args) => check::run(args, ctx),
        Command::Eval(args) => eval::run(args, ctx),
        Command::Explain(args) => explain::run(args, ctx),
        Command::Test(args) => test::run(args, ctx),
        Command::Compile(args) => compile::run(args, ctx),
        Command::Run(args) => run::run(args, ctx),
        Command::Sample(args) => sample::run(args, ctx),
        Command::Fmt(args) => fmt::run(args, ctx),
        Command::Publish(args) => publish::run(args, ctx),
        Command::Calibrate(args) => calibrate::run(args, ctx),
        Command::Report(args) => report::run(args, ctx),
        Command::Diff(args) => diff::run(args, ctx),
    }
}

/// Prints an error that stopped a command and gives its exit status.
fn report(ctx: &Context, err: &CliError) -> ExitStatus {
    if !err.is_broken_pipe() {
        term::error(ctx, &err.to_string());
    }
    err.exit_status()
}

/// Prints clap's message. `--help` and `--version` are successes; every other
/// clap error is a usage error (exit code 2).
fn clap_exit(err: &clap::Error) -> ExitStatus {
    // Printing can only fail if the terminal is gone; nothing more to do then.
    let _ = err.print();
    if err.use_stderr() {
        ExitStatus::Usage
    } else {
        ExitStatus::Success
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
