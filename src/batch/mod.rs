//! Batch evaluation of a caseload (`ras run`): streaming, in input order,
//! every row accounted for.

pub mod input;
pub mod output;
