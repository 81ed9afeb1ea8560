//! Checking a file that could be read only in part: which of the checker's
//! findings still hold when some declarations were left out for a syntax
//! error. A finding that a left-out declaration could change is not shown,
//! so nothing reported is wrong once the syntax is fixed: a name written in
//! a broken declaration is not called unknown (it may be declared there), a
//! part is not called missing when a broken declaration may be it, and
//! warnings wait until the whole file reads.

use crate::diag::{Diagnostic, Severity};
use crate::syntax::Skipped;

/// Findings about a name that a left-out declaration may declare.
const ABOUT_A_NAME: &[&str] = &[
    "ras::unknown-name",
    "ras::unknown-function",
    "ras::unknown-code",
    "ras::test-unknown-question",
    "ras::test-unknown-code",
    "ras::test-unknown-cohort",
];

/// Findings about the whole file, with the declarations that could settle
/// them.
const ABOUT_THE_FILE: &[(&str, &[&str])] = &[
    ("ras::missing-header", &["policy", "cohorts"]),
    ("ras::no-indicative", &["output"]),
    ("ras::missing-cohort-value", &["cohorts", "attribute"]),
];

/// True when `diagnostic` holds whatever the `skipped` declarations say.
pub(crate) fn holds_despite(diagnostic: &Diagnostic, skipped: &[Skipped], source: &str) -> bool {
    if skipped.is_empty() {
        return true;
    }
    if diagnostic.severity == Severity::Warning {
        return false;
    }
    if ABOUT_A_NAME.contains(&diagnostic.code) {
        let name = diagnostic
            .primary_span()
            .and_then(|s| source.get(s.start..s.end))
            .unwrap_or("");
        let a_name =
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if a_name {
            return !skipped.iter().any(|s| s.names.iter().any(|n| n == name));
        }
        // `total points` with nothing to add up: the questions and domains
        // left out may carry them.
        return !skipped.iter().any(|s| {
            s.keyword
                .map_or(true, |k| matches!(k, "question" | "domain"))
        });
    }
    if let Some((_, settled_by)) = ABOUT_THE_FILE.iter().find(|(c, _)| *c == diagnostic.code) {
        // A declaration that starts with no keyword may have been any of them.
        return !skipped
            .iter()
            .any(|s| s.keyword.map_or(true, |k| settled_by.contains(&k)));
    }
    true
}
