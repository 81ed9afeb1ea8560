//! `ras`: a compiler and interpreter for council Resource Allocation System policy files.
//!
//! The pipeline runs one way: [`syntax::parse`] (text -> syntax tree),
//! `check` (syntax tree -> checked model + diagnostics), `plan` (model -> compiled
//! plan), `eval` (plan + case -> result with trace).

#![warn(missing_docs)]

pub mod date;
pub mod diag;
pub mod syntax;
pub mod units;
