//! Case errors: what is wrong with one case, as a value with a stable code, a
//! sentence a policy officer understands, and the question or column concerned.
//!
//! Inside the evaluator a problem is a small [`Fault`] (no allocation on the hot
//! path); it becomes a [`CaseError`] with names and wording only when reported,
//! together with the [`Place`] (step, flag, check…) where it happened.

use super::result::{format_quantity, format_value};
use crate::date::Date;
use crate::model::{Model, QuestionKind, StepKind};
use crate::text::list;
use crate::units::Unit;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// An error for one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseError {
    /// Stable code, e.g. `ras::missing-answer` (see [`codes`]).
    pub code: &'static str,
    /// What is wrong and what would fix it, in plain words.
    pub message: String,
    /// The question, attribute or case column concerned (`cohort`, `assessed`,
    /// `plan_cost`), when there is one.
    pub question: Option<String>,
}

impl CaseError {
    /// A new error.
    pub fn new(code: &'static str, message: impl Into<String>, question: Option<&str>) -> Self {
        CaseError {
            code,
            message: message.into(),
            question: question.map(str::to_string),
        }
    }
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CaseError {}

/// The stable codes of case errors, as [`CaseError::code`] holds them; each
/// is declared, with what it means, in the registry ([`crate::diag::codes::CASE`]).
pub mod codes {
    use crate::diag::codes as registry;

    /// See [`registry::MISSING_ANSWER`].
    pub const MISSING_ANSWER: &str = registry::MISSING_ANSWER.name;
    /// See [`registry::UNKNOWN_CODE`].
    pub const UNKNOWN_CODE: &str = registry::UNKNOWN_CODE.name;
    /// See [`registry::NOT_A_NUMBER`].
    pub const NOT_A_NUMBER: &str = registry::NOT_A_NUMBER.name;
    /// See [`registry::NUMBER_TOO_PRECISE`].
    pub const NUMBER_TOO_PRECISE: &str = registry::NUMBER_TOO_PRECISE.name;
    /// See [`registry::NEGATIVE_AMOUNT`].
    pub const NEGATIVE_AMOUNT: &str = registry::NEGATIVE_AMOUNT.name;
    /// See [`registry::OUT_OF_RANGE`].
    pub const OUT_OF_RANGE: &str = registry::OUT_OF_RANGE.name;
    /// See [`registry::UNKNOWN_COHORT`].
    pub const UNKNOWN_COHORT: &str = registry::UNKNOWN_COHORT.name;
    /// See [`registry::MISSING_COHORT`].
    pub const MISSING_COHORT: &str = registry::MISSING_COHORT.name;
    /// See [`registry::UNKNOWN_QUESTION`].
    pub const UNKNOWN_QUESTION: &str = registry::UNKNOWN_QUESTION.name;
    /// See [`registry::UNKNOWN_ATTRIBUTE`].
    pub const UNKNOWN_ATTRIBUTE: &str = registry::UNKNOWN_ATTRIBUTE.name;
    /// See [`registry::UNKNOWN_ATTRIBUTE_VALUE`].
    pub const UNKNOWN_ATTRIBUTE_VALUE: &str = registry::UNKNOWN_ATTRIBUTE_VALUE.name;
    /// See [`registry::MISSING_ATTRIBUTE`].
    pub const MISSING_ATTRIBUTE: &str = registry::MISSING_ATTRIBUTE.name;
    /// See [`registry::NO_VALUE_IN_FORCE`].
    pub const NO_VALUE_IN_FORCE: &str = registry::NO_VALUE_IN_FORCE.name;
    /// See [`registry::MISSING_DATE`].
    pub const MISSING_DATE: &str = registry::MISSING_DATE.name;
    /// See [`registry::MISSING_PLAN_COST`].
    pub const MISSING_PLAN_COST: &str = registry::MISSING_PLAN_COST.name;
    /// See [`registry::OVERFLOW`].
    pub const OVERFLOW: &str = registry::OVERFLOW.name;
    /// See [`registry::DIVISION_BY_ZERO`].
    pub const DIVISION_BY_ZERO: &str = registry::DIVISION_BY_ZERO.name;
    /// See [`registry::OUTSIDE_BANDS`].
    pub const OUTSIDE_BANDS: &str = registry::OUTSIDE_BANDS.name;
    /// See [`registry::NEGATIVE_OUTPUT`].
    pub const NEGATIVE_OUTPUT: &str = registry::NEGATIVE_OUTPUT.name;
    /// See [`registry::ANSWER_CHECK`].
    pub const ANSWER_CHECK: &str = registry::ANSWER_CHECK.name;
    /// See [`registry::BAD_INPUT`].
    pub const BAD_INPUT: &str = registry::BAD_INPUT.name;
    /// See [`registry::BAD_PLAN`].
    pub const BAD_PLAN: &str = registry::BAD_PLAN.name;
}

/// A problem met while evaluating, before names are attached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Fault {
    MissingAnswer(u32),
    MissingAttribute(u32),
    MissingPlanCost,
    MissingDate(u32),
    NoValueInForce(u32),
    Overflow,
    DivisionByZero,
    BelowBands { band: u32, value: Decimal },
    OutsideBands { band: u32, value: Decimal },
    NoRateBeyond { band: u32, value: Decimal },
    Stopped(u32),
    NegativeOutput(BelowZero),
    BadInput(&'static str),
    BadPlan(&'static str),
}

/// A money output below zero: output `output` is `value`; `culprit` is the
/// first money step it reads, in evaluation order, to go below zero (it may
/// be the output itself).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BelowZero {
    pub output: u32,
    pub culprit: u32,
    pub value: Decimal,
}

/// Where a fault happened, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Cohort,
    Step(u32),
    Check(u32),
    Requirement(u32),
    Flag(u32),
    Route(u32),
}

/// A fault and where it happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Failure {
    pub fault: Fault,
    pub place: Place,
}

impl Place {
    fn describe(self, m: &Model) -> String {
        let step = |s: u32| m.steps.get(s as usize).map_or("?", |s| s.id.as_str());
        match self {
            Place::Cohort => "checking the cohort".to_string(),
            Place::Step(s) => format!("working out `{}`", step(s)),
            Place::Check(c) => format!(
                "checking the answers (`{}`)",
                m.checks.get(c as usize).map_or("?", |c| c.id.as_str())
            ),
            Place::Requirement(r) => {
                format!(
                    "checking eligibility (line {})",
                    m.spans.requirement_line(r)
                )
            }
            Place::Flag(f) => format!(
                "deciding flag `{}`",
                m.flags.get(f as usize).map_or("?", |f| f.id.as_str())
            ),
            Place::Route(_) => "choosing the approval route".to_string(),
        }
    }
}

/// The codes of a question, for "the options are …".
pub(crate) fn valid_codes(m: &Model, question: u32) -> String {
    match m.questions.get(question as usize).map(|q| &q.kind) {
        Some(QuestionKind::Choice { options, .. }) => list(options.iter().map(|o| o.code.as_str())),
        Some(QuestionKind::YesNo { .. }) => "yes, no".to_string(),
        Some(QuestionKind::Number { min, max, unit, .. }) => {
            format!("a number from {min} to {max} ({unit})")
        }
        None => String::new(),
    }
}

impl Failure {
    /// The error as reported, with names and wording from the model.
    pub(crate) fn to_case_error(self, m: &Model, date: Option<Date>) -> CaseError {
        use codes::*;
        let at = self.place.describe(m);
        let question = |q: u32| m.questions.get(q as usize).map(|q| q.id.clone());
        let param = |p: u32| m.parameters.get(p as usize);
        let band = |b: u32| m.bands.get(b as usize).map_or("?", |b| b.id.as_str());
        // The value looked up, printed as its unit prints (`176.60`, `38`).
        let looked_up = |b: u32, value: Decimal| {
            m.bands
                .get(b as usize)
                .map_or(value.to_string(), |b| format_value(value, b.on))
        };
        let (code, message, column) = match self.fault {
            Fault::MissingAnswer(q) => {
                let id = question(q).unwrap_or_default();
                let text = m.questions.get(q as usize).map_or("", |q| q.text.as_str());
                let msg = format!(
                    "question `{id}` (\"{text}\") has no answer, and it is needed for {at}; answer one of: {}",
                    valid_codes(m, q)
                );
                (MISSING_ANSWER, msg, Some(id))
            }
            Fault::MissingAttribute(a) => {
                let attr = m.attributes.get(a as usize);
                let id = attr.map_or(String::new(), |a| a.id.clone());
                let values = attr.map_or(String::new(), |a| list(a.values.iter().map(|v| v.code.as_str())));
                let msg = format!("the case does not give `{id}`, which is needed for {at}; give one of: {values}");
                (MISSING_ATTRIBUTE, msg, Some(id))
            }
            Fault::MissingPlanCost => (
                MISSING_PLAN_COST,
                format!("the case has no costed plan (plan_cost), which is needed for {at}"),
                Some("plan_cost".to_string()),
            ),
            Fault::MissingDate(p) => {
                let id = param(p).map_or("?", |p| p.id.as_str());
                let msg = format!(
                    "the case has no assessment date, and `{id}` depends on the date (needed for {at}); give `assessed` or --as-of"
                );
                (MISSING_DATE, msg, Some("assessed".to_string()))
            }
            Fault::NoValueInForce(p) => {
                let id = param(p).map_or("?", |p| p.id.as_str());
                let first = param(p).and_then(|p| p.schedule.first()).and_then(|e| e.from);
                let first = first.map_or("?".to_string(), |d| d.to_string());
                let when = date.map_or("?".to_string(), |d| d.to_string());
                let msg = format!(
                    "no value of `{id}` in force before {first}: the case was assessed on {when} (needed for {at})"
                );
                (NO_VALUE_IN_FORCE, msg, Some("assessed".to_string()))
            }
            Fault::Overflow => (
                OVERFLOW,
                format!("a figure became too large to calculate exactly while {at}"),
                None,
            ),
            Fault::DivisionByZero => (DIVISION_BY_ZERO, format!("division by zero while {at}"), None),
            Fault::BelowBands { band: b, value } => (
                OUTSIDE_BANDS,
                format!("{} is below the first point of bands `{}` (needed for {at})", looked_up(b, value), band(b)),
                None,
            ),
            Fault::OutsideBands { band: b, value } => (
                OUTSIDE_BANDS,
                format!("{} falls in no row of bands `{}` (needed for {at})", looked_up(b, value), band(b)),
                None,
            ),
            Fault::NoRateBeyond { band: b, value } => (
                OUTSIDE_BANDS,
                format!("{} is above the last point of bands `{}`, which give no rate above it (needed for {at})", looked_up(b, value), band(b)),
                None,
            ),
            Fault::Stopped(c) => {
                let check = m.checks.get(c as usize);
                let msg = check.map_or(String::new(), |c| c.message.clone());
                // The message names the answers concerned; a check is not a column.
                (ANSWER_CHECK, msg, None)
            }
            Fault::NegativeOutput(BelowZero {
                output,
                culprit,
                value,
            }) => {
                let step = |s: u32| m.steps.get(s as usize);
                let id = step(output).map_or("?", |s| s.id.as_str());
                let label = match step(output).map(|s| &s.kind) {
                    Some(StepKind::Output { label }) => label.as_str(),
                    _ => "",
                };
                let culprit_id = culprit;
                let culprit = step(culprit_id);
                let formula = culprit.map_or("?", |s| s.formula.as_str());
                let at_step = culprit.map_or("?", |s| s.id.as_str());
                let line = m.spans.step_line(culprit_id);
                let how = if culprit.is_some_and(|c| c.id == id) {
                    "took it below zero"
                } else {
                    "went below zero first"
                };
                let msg = format!(
                    "the output `{id}` (\"{label}\") is {}: `{formula}` {how} at step `{at_step}` (line {line}); a money output cannot be below zero, so cap what is taken off (e.g. with `min`) or check the figures",
                    format_quantity(value, Unit::Money)
                );
                (NEGATIVE_OUTPUT, msg, None)
            }
            Fault::BadInput(what) => (BAD_INPUT, format!("the case input does not fit the plan: {what} ({at})"), None),
            Fault::BadPlan(what) => (BAD_PLAN, format!("the plan is inconsistent: {what} ({at})"), None),
        };
        CaseError {
            code,
            message,
            question: column,
        }
    }
}
