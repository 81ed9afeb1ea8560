//! The finance side, after evaluation: budgets against money actually spent.
//!
//! - [`calibrate`]: a rule file + a sample of current packages (answers and
//!   current weekly cost) -> the value of one parameter that aligns the
//!   sample's indicative budgets to a target, with the statistics a finance
//!   officer checks it by ([`calibrate::Calibration`]).
//! - [`accuracy`]: indicative budgets (EB) beside the agreed costs (AC) of the
//!   same cases -> accuracy by service area, cohort and financial year, and the
//!   tables Freedom of Information requests ask for ([`accuracy::Accuracy`]).
//! - [`table`]: the tables both print, as text, Markdown or CSV; the command
//!   line adds workbooks.
//!
//! Money stays exact (`Decimal`) throughout. Nothing here reads a file: cases
//! arrive decoded (the command line reads them as `ras run` does).

pub mod accuracy;
pub mod calibrate;
pub mod rewrite;
pub mod table;

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds to whole pence, halves away from zero (as money is written).
pub fn pence(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Rounds to `dp` decimal places, halves up (away from zero), and keeps
/// that many places (`112.0`, not `112`), so every figure prints alike.
pub fn half_up(value: Decimal, dp: u32) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(dp);
    rounded
}

/// `part` as a percentage of `whole`, unrounded; `None` when `whole` is zero
/// (a percentage of nothing means nothing) or the division overflows.
pub fn percent_of(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)
}

/// Whether `value` is within `tolerance` per cent of `reference`:
/// `|value - reference| <= tolerance% x reference`.
pub fn within(value: Decimal, reference: Decimal, tolerance: Decimal) -> bool {
    let allowed = reference * tolerance / Decimal::ONE_HUNDRED;
    (value - reference).abs() <= allowed.abs()
}

/// A mean of absolute percentage differences, kept as its sum and count so
/// that groups can be combined before dividing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MeanPercent {
    sum: Decimal,
    count: u64,
}

impl MeanPercent {
    /// Adds `|value - reference| / reference` as a percentage; a zero
    /// reference is left out (it has no percentage).
    pub fn add(&mut self, value: Decimal, reference: Decimal) {
        if let Some(p) = percent_of((value - reference).abs(), reference) {
            self.sum += p.abs();
            self.count += 1;
        }
    }

    /// The mean, to one decimal place (half up); `None` with nothing added.
    pub fn mean(&self) -> Option<Decimal> {
        if self.count == 0 {
            return None;
        }
        Some(half_up(self.sum / Decimal::from(self.count), 1))
    }
}

#[cfg(test)]
mod tests;
