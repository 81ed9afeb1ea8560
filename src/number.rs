//! The one reading of numbers and amounts written by people: rule files, case
//! files (CSV, JSON Lines, Excel), the command line and compiled plans all read
//! decimals through here, so the same text means the same value everywhere.
//!
//! Nothing is rounded: a number with more significant digits than a decimal
//! holds exactly (28) is an error, not a nearby value.

use crate::diag::codes;
use rust_decimal::Decimal;

/// The most significant digits a number may have: what `rust_decimal` holds
/// exactly whatever the digits are.
pub const MAX_DIGITS: usize = 28;

/// Why a text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Nothing was written.
    Empty,
    /// Not a plain decimal. Example: `1e3`, `1_000`, `12,50`, `five`.
    NotANumber,
    /// More significant digits than can be held exactly.
    /// Example: `4.884999999999999999999999999999`.
    TooPrecise {
        /// How many significant digits were written.
        digits: usize,
    },
    /// Money written below zero where it cannot be. Example: `-5.00` as a plan cost.
    Negative,
}

impl NumberError {
    /// The stable code of a number with too many digits.
    pub const TOO_PRECISE: &'static str = codes::NUMBER_TOO_PRECISE.name;
    /// The stable code of a text that is not a number or an amount of money.
    pub const NOT_A_NUMBER: &'static str = codes::NOT_A_NUMBER.name;
    /// The stable code of an amount of money written below zero.
    pub const NEGATIVE: &'static str = codes::NEGATIVE_AMOUNT.name;

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            NumberError::Empty | NumberError::NotANumber => Self::NOT_A_NUMBER,
            NumberError::TooPrecise { .. } => Self::TOO_PRECISE,
            NumberError::Negative => Self::NEGATIVE,
        }
    }

    /// A sentence for a policy officer about `text` written as an amount of
    /// money (a plan cost), saying how to write one.
    pub fn money_message(&self, text: &str) -> String {
        match self {
            NumberError::Empty => "no amount of money is written, e.g. 420.00".to_string(),
            NumberError::NotANumber => format!("`{text}` is not an amount of money, e.g. 420.00"),
            NumberError::TooPrecise { .. } => self.message(text),
            NumberError::Negative => {
                format!("`{text}` is below zero; an amount of money here cannot be negative")
            }
        }
    }

    /// A sentence for a policy officer, naming the text.
    pub fn message(&self, text: &str) -> String {
        match self {
            NumberError::Empty => "no number is written".to_string(),
            NumberError::NotANumber => format!("`{text}` is not a number"),
            NumberError::TooPrecise { digits } => format!(
                "`{text}` has {digits} significant digits, more than the {MAX_DIGITS} \
                 that can be held exactly"
            ),
            NumberError::Negative => format!("`{text}` is below zero"),
        }
    }
}

/// Reads a plain decimal: an optional `-` or `+`, digits, and optionally a
/// point followed by digits. No exponent, no `_`, no thousands separators.
pub fn parse_decimal(text: &str) -> Result<Decimal, NumberError> {
    let t = text.trim_ascii();
    if t.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some(v) = plain_digits(t.as_bytes()) {
        return Ok(v);
    }
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !plain(whole) || !plain(frac) || digits.ends_with('.') {
        return Err(NumberError::NotANumber);
    }
    exact(negative, whole, frac)
}

/// Reads an amount of money: an optional `£`, digits with commas only between
/// groups of three (`1,210.50`), and an optional point and digits. Never
/// negative: money written by people (a plan cost, an answer in pounds) is
/// not below zero.
pub fn parse_money(text: &str) -> Result<Decimal, NumberError> {
    let t = text.trim_ascii();
    if t.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some(v) = plain_digits(t.as_bytes()) {
        return Ok(v);
    }
    let t = t.strip_prefix('£').unwrap_or(t).trim_start();
    if let Some(positive) = t.strip_prefix('-') {
        return match parse_money(positive) {
            Ok(v) if v.is_zero() => Ok(Decimal::ZERO),
            Ok(_) => Err(NumberError::Negative),
            Err(e) => Err(e),
        };
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if t.ends_with('.') || !(frac.is_empty() || plain(frac)) {
        return Err(NumberError::NotANumber);
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or("");
        if !(plain(first) && first.len() <= 3 && groups.all(|g| plain(g) && g.len() == 3)) {
            return Err(NumberError::NotANumber);
        }
    } else if !plain(whole) {
        return Err(NumberError::NotANumber);
    }
    exact(false, whole, frac)
}

/// The common case of both grammars, read in one pass: digits, and
/// optionally a point followed by digits, 18 digits at most (so nothing can be
/// too precise and the mantissa fits 64 bits). `None` for anything else,
/// which the full readers then judge. Gives what [`exact`] gives for the
/// same text: every digit in the mantissa, the scale the fraction's length.
fn plain_digits(text: &[u8]) -> Option<Decimal> {
    if !text.first()?.is_ascii_digit() || text.len() > 19 {
        return None;
    }
    let (mut mantissa, mut scale, mut point) = (0u64, 0u32, false);
    for &b in text {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                scale += u32::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    let digits = text.len() - usize::from(point);
    if digits > 18 || (point && scale == 0) {
        return None;
    }
    Decimal::try_from_i128_with_scale(i128::from(mantissa), scale).ok()
}

/// Builds the decimal from checked digits (`whole` may hold the commas of
/// checked thousands groups), refusing any that would be rounded. Runs for
/// every number in a caseload, so it builds the mantissa without allocating.
fn exact(negative: bool, whole: &str, frac: &str) -> Result<Decimal, NumberError> {
    let digits = |s: &str| s.bytes().filter(u8::is_ascii_digit).count();
    let leading_zeros = whole
        .bytes()
        .take_while(|b| matches!(b, b'0' | b','))
        .count();
    let whole_significant = digits(&whole[leading_zeros..]);
    // Leading zeros of the fraction count only when nothing precedes them,
    // e.g. `0.0001` has one significant digit, `10.0001` six.
    let significant = if whole_significant == 0 {
        frac.trim_start_matches('0').len()
    } else {
        whole_significant + frac.len()
    };
    let too_precise = NumberError::TooPrecise {
        digits: significant.max(frac.len()),
    };
    if significant > MAX_DIGITS || frac.len() > MAX_DIGITS {
        return Err(too_precise);
    }
    // INVARIANT: at most 28 significant digits, so the mantissa is below
    // 10^28 and fits a decimal's 96 bits; the checked arithmetic only keeps
    // that promise without a panic.
    let mut mantissa: i128 = 0;
    for b in whole.bytes().chain(frac.bytes()).filter(u8::is_ascii_digit) {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b - b'0')))
            .ok_or(too_precise)?;
    }
    if negative {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, frac.len() as u32).map_err(|_| too_precise)
}

#[cfg(test)]
mod tests;
