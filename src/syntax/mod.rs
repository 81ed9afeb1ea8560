//! Stage 1, syntax: rule-file bytes -> text ([`encoding::decode`]) -> [`ast::File`]
//! plus every syntax diagnostic ([`parse_recovering`]; [`parse`] when only a
//! whole file will do).
//!
//! Only this module touches pest. The grammar is `grammar/ras.pest`; where
//! strings and comments are is decided once, by [`scan`].

pub mod ast;
pub mod encoding;
mod errors;
pub(crate) use errors::is_expectation;
mod lower;
pub(crate) mod parser;
mod quick;
mod recover;
pub mod scan;
pub mod span;
#[cfg(test)]
mod tests;

pub use lower::{parse, parse_recovering, Parsed};
pub use recover::Skipped;
pub use span::{line_col, Span};

/// Keywords of the language, for messages and the formatter.
pub const RESERVED_WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "of",
    "is",
    "in",
    "when",
    "otherwise",
    "total",
    "weighted",
    "choose",
    "else",
    "true",
    "false",
    "default",
    "let",
    "output",
    "deduction",
    "flag",
    "check",
    "question",
    "parameter",
    "bands",
    "domain",
    "attribute",
    "cohorts",
    "policy",
    "route",
    "eligibility",
    "test",
    "allow",
    "given",
    "expect",
    "require",
];

/// Whether `word` is one of [`RESERVED_WORDS`] (read for every name in a
/// file, so written as one `match`; a test keeps the two the same).
pub fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "not"
            | "of"
            | "is"
            | "in"
            | "when"
            | "otherwise"
            | "total"
            | "weighted"
            | "choose"
            | "else"
            | "true"
            | "false"
            | "default"
            | "let"
            | "output"
            | "deduction"
            | "flag"
            | "check"
            | "question"
            | "parameter"
            | "bands"
            | "domain"
            | "attribute"
            | "cohorts"
            | "policy"
            | "route"
            | "eligibility"
            | "test"
            | "allow"
            | "given"
            | "expect"
            | "require"
    )
}
