//! The words the policy language and its checked model share: the budget
//! period, rounding, what an answer check does, which option values a `total`
//! adds up.
//!
//! They live apart from the syntax tree so that the model, the plan and the
//! evaluator do not depend on the parser; their serde names are the plan's
//! JSON, so changing one changes the plan format.

use crate::units::Unit;

/// The budget period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Per week.
    Weekly,
    /// Per four weeks.
    FourWeekly,
    /// Per calendar month.
    Monthly,
    /// Per year.
    Annual,
}

impl Period {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Period::Weekly => "weekly",
            Period::FourWeekly => "four_weekly",
            Period::Monthly => "monthly",
            Period::Annual => "annual",
        }
    }
}

/// What a rounding rounds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundTo {
    /// Two decimal places.
    Penny,
    /// Whole pounds.
    Pound,
}

/// How a rounding treats the part it drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundMode {
    /// Halves away from zero (the usual "round").
    HalfUp,
    /// Halves to the even neighbour (banker's rounding).
    HalfEven,
    /// Always away from zero.
    Up,
    /// Always towards zero.
    Down,
}

/// What an answer check does when its condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckAction {
    /// No figure; the message is the reason.
    Stop,
    /// A figure, with the message attached.
    Warn,
}

/// Which values of the options a `total` adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// `points` (pts)
    Points,
    /// `hours` (h)
    Hours,
    /// `sessions`
    Sessions,
    /// `nights`
    Nights,
    /// `money` (£)
    Money,
}

impl ValueKind {
    /// The unit of these values.
    pub fn unit(self) -> Unit {
        match self {
            ValueKind::Points => Unit::Points,
            ValueKind::Hours => Unit::Hours,
            ValueKind::Sessions => Unit::Sessions,
            ValueKind::Nights => Unit::Nights,
            ValueKind::Money => Unit::Money,
        }
    }

    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            ValueKind::Points => "points",
            ValueKind::Hours => "hours",
            ValueKind::Sessions => "sessions",
            ValueKind::Nights => "nights",
            ValueKind::Money => "money",
        }
    }

    /// Reads a keyword.
    pub fn from_keyword(word: &str) -> Option<ValueKind> {
        Some(match word {
            "points" => ValueKind::Points,
            "hours" => ValueKind::Hours,
            "sessions" => ValueKind::Sessions,
            "nights" => ValueKind::Nights,
            "money" => ValueKind::Money,
            _ => return None,
        })
    }
}
