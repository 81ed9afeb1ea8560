//! `ras`: a compiler and interpreter for council Resource Allocation System policy files.
//!
//! The pipeline runs one way: [`syntax::parse`] (text -> syntax tree),
//! [`check::check`] (syntax tree -> checked model + diagnostics),
//! [`plan::compile`] (model -> compiled plan), [`eval`] (plan + case -> result
//! with trace). The `ras` binary (`cli`) is a thin shell over these.
//!
//! The language core (every module but `cli`, `batch` and `sample`) reads no
//! files, starts no threads and reads no clock: today's date is an input.
//! Those three sit behind the default feature `cli`; build with
//! `--no-default-features` for the core alone.

#![warn(missing_docs)]
// No input may panic the program: outside tests, failures are values.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

// pest is used without its `std` feature (its stack guard costs a tenth of the
// parse, and nesting is bounded before parsing); its generated parser then
// names `alloc`.
extern crate alloc;

#[cfg(feature = "cli")]
pub mod batch;
pub mod case;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod coverage;
pub mod date;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod finance;
pub mod fmt;
pub mod model;
pub mod number;
pub mod plan;
pub mod publish;
#[cfg(feature = "cli")]
pub mod sample;
pub mod syntax;
pub mod testing;
pub mod text;
pub mod units;
pub mod vocabulary;
