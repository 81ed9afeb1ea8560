//! The pest parser generated from `grammar/ras.pest`.

#![allow(missing_docs)]

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/ras.pest"]
pub struct RasParser;
