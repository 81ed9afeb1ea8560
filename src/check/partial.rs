//! Checking a file that could be read only in part: which of the checker's
//! findings still hold when some declarations were left out for a syntax
//! error. A finding that a left-out declaration could change is not shown,
//! so nothing reported is wrong once the syntax is fixed: a name written in
//! a broken declaration is not called unknown (it may be declared there), a
//! part is not called missing when a broken declaration may be it, and
//! warnings wait until the whole file reads.

use crate::diag::{codes, Code, Diagnostic, Severity};
use crate::syntax::Skipped;
use std::collections::HashSet;

/// Findings about a name that a left-out declaration may declare.
const ABOUT_A_NAME: &[Code] = &[
    codes::UNKNOWN_NAME,
    codes::UNKNOWN_FUNCTION,
    codes::UNKNOWN_CODE,
    codes::TEST_UNKNOWN_QUESTION,
    codes::TEST_UNKNOWN_CODE,
    codes::TEST_UNKNOWN_COHORT,
];

/// Findings about the whole file, with the declarations that could settle
/// them.
const ABOUT_THE_FILE: &[(Code, &[&str])] = &[
    (codes::MISSING_HEADER, &["policy", "cohorts"]),
    (codes::NO_INDICATIVE, &["output"]),
    (codes::MISSING_COHORT_VALUE, &["cohorts", "attribute"]),
    (codes::MISSING_ATTRIBUTE_VALUE, &["attribute"]),
    (codes::UNKNOWN_BASE_TEST, &["test"]),
];

/// What the left-out declarations may have said.
pub(crate) struct LeftOut<'a> {
    skipped: &'a [Skipped],
    names: HashSet<&'a str>,
}

impl<'a> LeftOut<'a> {
    /// The declarations left out of a file.
    pub(crate) fn new(skipped: &'a [Skipped]) -> Self {
        let names = skipped
            .iter()
            .flat_map(|s| s.names.iter().map(String::as_str))
            .collect();
        LeftOut { skipped, names }
    }

    /// True when one of them may be a declaration that starts with one of
    /// `keywords` (one that starts with no keyword may have been any).
    fn may_be(&self, keywords: &[&str]) -> bool {
        self.skipped
            .iter()
            .any(|s| s.keyword.map_or(true, |k| keywords.contains(&k)))
    }

    /// True when `diagnostic` holds whatever the left-out declarations say.
    pub(crate) fn holds(&self, diagnostic: &Diagnostic, source: &str) -> bool {
        if self.skipped.is_empty() {
            return true;
        }
        if diagnostic.severity == Severity::Warning {
            return false;
        }
        if ABOUT_A_NAME.iter().any(|c| c.name == diagnostic.code) {
            let name = diagnostic
                .primary_span()
                .and_then(|s| source.get(s.start..s.end))
                .unwrap_or("");
            let a_name =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if a_name {
                return !self.names.contains(name);
            }
            // `total points` with nothing to add up: the questions and
            // domains left out may carry them.
            return !self.may_be(&["question", "domain"]);
        }
        if let Some((_, settled_by)) = ABOUT_THE_FILE
            .iter()
            .find(|(c, _)| c.name == diagnostic.code)
        {
            return !self.may_be(settled_by);
        }
        true
    }
}
