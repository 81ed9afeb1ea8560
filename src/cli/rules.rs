//! Reading a rule file through the library's stages, shared by every command:
//! parse and check ([`check_file`]), show the diagnostics ([`show`]), compile
//! ([`load_plan`]); and reading and writing compiled plans.

use super::files::{display_name, read_bytes, read_text};
use super::term::{note, Context};
use super::CliError;
use crate::check::{CheckOptions, Checked};
use crate::diag::{self, Diagnostic, RenderOptions, Severity};
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// A rule file that has been read, parsed and checked.
#[derive(Debug)]
pub struct CheckedFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text.
    pub source: String,
    /// The checker's outcome (a syntax error gives no model and its diagnostics).
    pub checked: Checked,
}

impl CheckedFile {
    /// How many diagnostics have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.checked
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// The file name as shown in messages.
    pub fn name(&self) -> String {
        display_name(&self.path)
    }
}

/// Reads, parses and checks one rule file.
pub fn check_file(path: &Path, options: &CheckOptions) -> Result<CheckedFile, CliError> {
    check_file_showing(path, options, Show::All)
}

/// [`check_file`] for a command that shows `which` diagnostics: one that
/// shows errors only is spared the checks that can only warn.
fn check_file_showing(
    path: &Path,
    options: &CheckOptions,
    which: Show,
) -> Result<CheckedFile, CliError> {
    let bytes = read_bytes(path)?;
    let check = match which {
        Show::All => crate::check::check_source,
        Show::Errors => crate::check::check_source_for_errors,
    };
    let (source, checked) = match crate::syntax::encoding::decode(&bytes) {
        Ok(text) => (text.to_string(), check(text, options)),
        Err(not_utf8) => (
            not_utf8.shown,
            Checked {
                model: None,
                diagnostics: vec![not_utf8.diagnostic],
                index: Default::default(),
            },
        ),
    };
    Ok(CheckedFile {
        path: path.to_path_buf(),
        source,
        checked,
    })
}

/// Which diagnostics a command shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Errors and warnings (`check`, `compile`).
    All,
    /// Errors only: `eval` and `test` are about cases, and a warning does not
    /// stop them; `ras check` is where warnings are read.
    Errors,
}

/// Renders a file's diagnostics to standard error.
pub fn show(ctx: &Context, file: &CheckedFile, which: Show) {
    let all = &file.checked.diagnostics;
    if which == Show::All || all.iter().all(Diagnostic::is_error) {
        return render(ctx, &file.name(), &file.source, all);
    }
    let errors: Vec<Diagnostic> = all.iter().filter(|d| d.is_error()).cloned().collect();
    render(ctx, &file.name(), &file.source, &errors);
}

/// Renders diagnostics about the file `name` to standard error.
pub fn render(ctx: &Context, name: &str, source: &str, diags: &[Diagnostic]) {
    if diags.is_empty() {
        return;
    }
    let options = RenderOptions {
        color: ctx.color_stderr(),
        ..RenderOptions::default()
    };
    diag::render_in_pieces(diags, name, source, options, &mut |piece| note(piece));
}

/// Reads, checks and compiles a rule file, showing its diagnostics. A file
/// with errors is [`CliError::RulesHaveErrors`].
pub fn load_plan(
    ctx: &Context,
    path: &Path,
    options: &CheckOptions,
    which: Show,
) -> Result<Plan, CliError> {
    let file = check_file_showing(path, options, which)?;
    show(ctx, &file, which);
    let errors = file.count(Severity::Error);
    let name = file.name();
    match file.checked.model {
        Some(model) if errors == 0 => crate::plan::compile(model, &file.source).map_err(|e| {
            CliError::Internal(format!(
                "`{name}` checks but cannot be compiled: {e} ({})",
                e.code()
            ))
        }),
        // INVARIANT: the checker gives no model only with an error; if it ever
        // breaks that, still refuse the file rather than evaluate nothing.
        _ => Err(CliError::RulesHaveErrors {
            path: path.to_path_buf(),
            count: errors.max(1),
        }),
    }
}

/// Reads a compiled plan written by `ras compile`, checking that it is whole
/// and consistent (a plan may have been edited or cut short).
pub fn read_plan(path: &Path) -> Result<Plan, CliError> {
    let text = read_text(path)?;
    Plan::from_json(&text).map_err(|e| CliError::BadPlan {
        path: path.to_path_buf(),
        message: e.to_string(),
        code: e.code(),
    })
}

/// A compiled plan as JSON text, ending with a line break.
pub fn plan_json(plan: &Plan) -> String {
    let mut text = plan.to_json();
    text.push('\n');
    text
}
