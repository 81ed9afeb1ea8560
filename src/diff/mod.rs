//! `ras diff`'s core: two compiled versions of a policy -> what changed as
//! policy ([`changes`]), and, over a caseload, who gains or loses ([`Impact`]).
//!
//! Things are matched by name, never by position or line: a question, option,
//! parameter entry, band row, step, flag, check, route rule or test is the
//! same thing in both versions when its name (code, date, key, bounds) is.
//! Formulas are compared by what they mean (names, operators, numbers) and
//! printed in `ras fmt`'s canonical spelling, so moved or reformatted text is
//! never listed.
//!
//! Value changes (a parameter's value, an option's value, a band's rows) carry
//! a [`ValueChange`] that the replay applies one at a time to the old model
//! ([`Steps`]), so each person's change splits into parts that sum to it.
//!
//! Reads no files: the command line reads them and the caseload (`replay`,
//! behind the `cli` feature, uses `ras run`'s readers).

mod changes;
mod expr;
mod impact;
mod patch;
mod render;
#[cfg(feature = "cli")]
pub mod replay;

pub use changes::changes;
pub use impact::{Bin, Counts, Figure, Impact, Largest, Outcome, BINS};
pub use patch::Steps;
pub use render::{to_html, to_json, to_markdown, to_text, Report};

use crate::model::spans::Spans;
use crate::model::{BandTable, Model};
use crate::plan::Plan;
use rust_decimal::Decimal;
use serde::Serialize;

/// One version of a policy as `ras diff` compares it.
#[derive(Debug, Clone)]
pub struct Version {
    /// The compiled plan of the file as given (what `ras run` evaluates).
    pub plan: Plan,
    /// The file in the canonical layout (`ras fmt`), where `spans` point:
    /// formulas are shown from here.
    canonical: String,
    spans: Spans,
}

impl Version {
    /// A version from its compiled plan and the text it was compiled from.
    /// Formulas are printed from the canonical layout of `source`; should that
    /// layout not be had (it always is for a file that checks), from `source`.
    pub fn new(plan: Plan, source: &str) -> Version {
        let canonical = crate::fmt::layout_only(source).ok().and_then(|text| {
            // Checked as on the same day as ever: only the model matters here.
            let day = crate::date::Date::new(2000, 1, 1)?;
            let checked = crate::check::check_source(&text, &crate::check::CheckOptions::new(day));
            let model = checked.model?;
            // INVARIANT (fmt's soundness): the same model, so the same
            // expression ids; anything else falls back to the file as given.
            (crate::fmt::model_json(&model) == crate::fmt::model_json(&plan.model))
                .then_some((text, model.spans))
        });
        let (canonical, spans) =
            canonical.unwrap_or_else(|| (source.to_string(), plan.model.spans.clone()));
        Version {
            plan,
            canonical,
            spans,
        }
    }

    /// The checked model.
    pub fn model(&self) -> &Model {
        &self.plan.model
    }
}

/// What kind of thing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The policy header (version, dates, summary of change…).
    Header,
    /// A cohort.
    Cohort,
    /// A case attribute.
    Attribute,
    /// A domain.
    Domain,
    /// A question or one of its options.
    Question,
    /// A parameter.
    Parameter,
    /// A band table or curve.
    Band,
    /// A `let` step.
    Step,
    /// A deduction.
    Deduction,
    /// An output.
    Output,
    /// A flag.
    Flag,
    /// An answer check.
    Check,
    /// The eligibility requirements.
    Eligibility,
    /// The approval route.
    Route,
    /// A test written in the file.
    Test,
}

impl Kind {
    /// The word, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Header => "header",
            Kind::Cohort => "cohort",
            Kind::Attribute => "attribute",
            Kind::Domain => "domain",
            Kind::Question => "question",
            Kind::Parameter => "parameter",
            Kind::Band => "band",
            Kind::Step => "step",
            Kind::Deduction => "deduction",
            Kind::Output => "output",
            Kind::Flag => "flag",
            Kind::Check => "check",
            Kind::Eligibility => "eligibility",
            Kind::Route => "route",
            Kind::Test => "test",
        }
    }
}

/// One change between two versions, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// What kind of thing changed.
    pub kind: Kind,
    /// Its name (`safety`, `price_per_point`, `version`…).
    pub name: String,
    /// The change in a sentence: `` parameter `price_per_point`, older_people, from 2010-01-01: £4.88 → £5.02 ``.
    pub text: String,
    /// How to make the change to the old model, when it is a change of a
    /// value alone (the replay splits each person's change by these).
    #[serde(skip)]
    pub value: Option<ValueChange>,
}

/// A change of a value alone, to apply to the old model. Indices are the old
/// model's.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueChange {
    /// One value of a parameter: `schedule[entry].values[key]`.
    Parameter {
        /// The parameter.
        parameter: u32,
        /// The dated entry.
        entry: usize,
        /// The key (cohort or attribute value) in key order; 0 when by nothing.
        key: usize,
        /// The new value.
        value: Decimal,
    },
    /// One value of an option of a choice question.
    Option {
        /// The question.
        question: u32,
        /// The option.
        option: usize,
        /// Which of the question's units.
        slot: usize,
        /// The new value.
        value: Decimal,
    },
    /// The value of one row of step bands, or of one point of a curve.
    BandValue {
        /// The band table.
        band: u32,
        /// The row or point.
        row: usize,
        /// The new value.
        value: Decimal,
    },
    /// The rate beyond a curve's last point.
    BandBeyond {
        /// The band table.
        band: u32,
        /// The new rate.
        value: Decimal,
    },
    /// A band table's rows as a whole, when their bounds moved (its lookup
    /// unit, result unit and kind unchanged).
    BandRows {
        /// The band table.
        band: u32,
        /// The new rows.
        table: BandTable,
    },
}
