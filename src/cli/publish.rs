//! `ras publish`: the policy document a council publishes, generated from a
//! rule file or a compiled plan.

use super::rules::{self, Show};
use super::term::{self, Context};
use super::{files, CliError, ExitStatus};
use crate::check::CheckOptions;
use crate::date::Date;
use crate::plan::Plan;
use crate::publish;
use std::path::{Path, PathBuf};

/// Arguments of `ras publish`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Write the policy document a council publishes",
    long_about = "Write the published policy, generated from the rule file itself: the header, \
                  who it applies to, the questionnaire with every option and what it is worth, \
                  the rates and bands, each step of the calculation in words, eligibility, \
                  flags, approval routes, and the worked examples from the file's tests with \
                  their figures. Nothing in it is typed by hand, so it cannot disagree with the \
                  rules.\n\n\
                  HTML is one self-contained page that prints on A4; Markdown suits wikis and \
                  review. The format comes from the extension of -o (`.html`, `.md`) unless \
                  --format is given; without -o (or with `-o -`) the document is printed. A rule \
                  file with errors is not published: its errors are shown and nothing is written.",
    after_help = "Examples:\n  ras publish rules/shire-2025.ras -o shire-2025.html\n  ras publish rules/oldham/2019-01.ras --format markdown\n  ras publish --plan shire-2025.plan.json -o shire-2025.md"
)]
#[command(group = clap::ArgGroup::new("rules").required(true).args(["file", "plan"]))]
pub struct Args {
    /// The rule file to publish.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Publish a compiled plan (from `ras compile`) instead of a rule file.
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,

    /// Where to write the document (`-` prints it).
    #[arg(short, long, value_name = "OUT.html|OUT.md")]
    pub output: Option<PathBuf>,

    /// The document's format; by default from the extension of -o, else Markdown.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// The formats of the published document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One self-contained web page.
    Html,
    /// Markdown.
    Markdown,
}

/// Runs `ras publish`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    // Refuse an unknown extension before the rules are checked.
    let format = format_of(args.format, output)?;
    let plan = load(&args, ctx)?;
    let text = match format {
        Format::Html => publish::to_html(&plan),
        Format::Markdown => publish::to_markdown(&plan),
    };
    match output {
        Some(path) => files::write_text(path, &text)?,
        None => term::print(&text)?,
    }
    Ok(ExitStatus::Success)
}

/// `--format`, or the extension of the output file, or Markdown.
fn format_of(format: Option<Format>, output: Option<&Path>) -> Result<Format, CliError> {
    if let Some(f) = format {
        return Ok(f);
    }
    let Some(path) = output else {
        return Ok(Format::Markdown);
    };
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html" | "htm") => Ok(Format::Html),
        Some("md" | "markdown") => Ok(Format::Markdown),
        _ => Err(CliError::Usage(format!(
            "cannot tell the format of `{}` from its name\n  help: name it `….html` or `….md`, or give `--format html` or `--format markdown`",
            files::display_name(path)
        ))),
    }
}

/// The plan from `--plan` or from the rule file.
fn load(args: &Args, ctx: &Context) -> Result<Plan, CliError> {
    match (&args.plan, &args.file) {
        (Some(plan), _) => rules::read_plan(plan),
        (None, Some(file)) => {
            let options = CheckOptions::new(Date::today());
            rules::load_plan(ctx, file, &options, Show::All)
        }
        // clap's `rules` group requires one of the two.
        (None, None) => Err(CliError::Usage("give a rule file or --plan".to_string())),
    }
}
