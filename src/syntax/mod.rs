//! Stage 1, syntax: rule-file text -> [`ast::File`] (or syntax diagnostics).
//!
//! Only this module touches pest. The grammar is `grammar/ras.pest`.

pub mod ast;
pub mod encoding;
mod errors;
mod lower;
pub(crate) mod parser;
pub mod scan;
pub mod span;

pub use lower::parse;
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
