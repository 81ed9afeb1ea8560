//! Units of measure that every value in a rule file carries.
//!
//! The checker refuses to add or compare different units; multiplication
//! follows the policy's own arithmetic: points times pounds-per-point is pounds.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The unit of a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A plain number (a weight, a count, weeks in a year).
    Number,
    /// A percentage; `10%` is stored as 10.
    Percent,
    /// Pounds sterling.
    Money,
    /// Points of the RAS questionnaire.
    Points,
    /// Hours of support.
    Hours,
    /// Day-opportunity sessions.
    Sessions,
    /// Nights of support.
    Nights,
    /// Pounds per point.
    MoneyPerPoint,
    /// Pounds per hour.
    MoneyPerHour,
    /// Pounds per session.
    MoneyPerSession,
    /// Pounds per night.
    MoneyPerNight,
}

impl Unit {
    /// Reads a unit word as written after a number: `pts`, `h`, `%`, `sessions`.
    pub fn from_word(word: &str) -> Option<Unit> {
        Some(match word {
            "%" => Unit::Percent,
            "£" => Unit::Money,
            "pts" | "pt" | "points" | "point" => Unit::Points,
            "h" | "hours" | "hour" => Unit::Hours,
            "sessions" | "session" => Unit::Sessions,
            "nights" | "night" => Unit::Nights,
            _ => return None,
        })
    }

    /// The rate `£ per <self>`, when `self` is a countable quantity.
    pub fn money_per(self) -> Option<Unit> {
        Some(match self {
            Unit::Points => Unit::MoneyPerPoint,
            Unit::Hours => Unit::MoneyPerHour,
            Unit::Sessions => Unit::MoneyPerSession,
            Unit::Nights => Unit::MoneyPerNight,
            _ => return None,
        })
    }

    /// For a rate `£ per q`, the quantity `q`.
    pub fn rate_of(self) -> Option<Unit> {
        Some(match self {
            Unit::MoneyPerPoint => Unit::Points,
            Unit::MoneyPerHour => Unit::Hours,
            Unit::MoneyPerSession => Unit::Sessions,
            Unit::MoneyPerNight => Unit::Nights,
            _ => return None,
        })
    }

    /// The unit of `self * other`, or `None` when the product means nothing in policy.
    pub fn times(self, other: Unit) -> Option<Unit> {
        use Unit::*;
        match (self, other) {
            (Number, u) | (u, Number) => Some(u),
            (Percent, u) | (u, Percent) => Some(u),
            (q, r) | (r, q) if r.rate_of() == Some(q) => Some(Money),
            _ => None,
        }
    }

    /// The unit of `self / other`, or `None` when the quotient means nothing in policy.
    pub fn divided_by(self, other: Unit) -> Option<Unit> {
        use Unit::*;
        match (self, other) {
            (u, Number) => Some(u),
            (a, b) if a == b => Some(Number),
            (Money, q) => q.money_per().or_else(|| q.rate_of()),
            _ => None,
        }
    }

    /// How the unit is written in messages: `£`, `pts`, `£/h`.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Number => "number",
            Unit::Percent => "%",
            Unit::Money => "£",
            Unit::Points => "pts",
            Unit::Hours => "h",
            Unit::Sessions => "sessions",
            Unit::Nights => "nights",
            Unit::MoneyPerPoint => "£/pt",
            Unit::MoneyPerHour => "£/h",
            Unit::MoneyPerSession => "£/session",
            Unit::MoneyPerNight => "£/night",
        }
    }

    /// A phrase for messages: "money (£)", "points (pts)".
    pub fn describe(self) -> &'static str {
        match self {
            Unit::Number => "a plain number",
            Unit::Percent => "a percentage (%)",
            Unit::Money => "money (£)",
            Unit::Points => "points (pts)",
            Unit::Hours => "hours (h)",
            Unit::Sessions => "sessions",
            Unit::Nights => "nights",
            Unit::MoneyPerPoint => "a price per point (£/pt)",
            Unit::MoneyPerHour => "an hourly rate (£/h)",
            Unit::MoneyPerSession => "a rate per session (£/session)",
            Unit::MoneyPerNight => "a rate per night (£/night)",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

#[cfg(test)]
mod tests {
    use super::Unit::*;

    #[test]
    fn policy_arithmetic() {
        assert_eq!(Points.times(MoneyPerPoint), Some(Money));
        assert_eq!(MoneyPerHour.times(Hours), Some(Money));
        assert_eq!(Percent.times(Money), Some(Money));
        assert_eq!(Money.times(Number), Some(Money));
        assert_eq!(Money.times(Money), None);
        assert_eq!(Hours.times(MoneyPerPoint), None);
        assert_eq!(Money.divided_by(Points), Some(MoneyPerPoint));
        assert_eq!(Money.divided_by(Money), Some(Number));
        assert_eq!(Money.divided_by(MoneyPerHour), Some(Hours));
        assert_eq!(Hours.divided_by(Points), None);
    }
}
