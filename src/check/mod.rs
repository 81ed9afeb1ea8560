//! Stage 2, check: syntax tree -> checked [`Model`] plus diagnostics.

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::model::Model;
use crate::syntax::ast;

/// What the checks need besides the file.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The date a review date is compared with.
    pub today: Date,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions { today: Date::today() }
    }
}

/// The outcome of checking a file.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The model, when the file has no errors (it may have warnings).
    pub model: Option<Model>,
    /// Errors and unacknowledged warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks a parsed rule file.
pub fn check(file: &ast::File, source: &str, options: &CheckOptions) -> Checked {
    let _ = (file, source, options);
    Checked { model: None, diagnostics: vec![Diagnostic::error("ras::internal", "the checker is not built yet")] }
}
