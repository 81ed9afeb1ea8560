//! Stage 3, plan: checked [`Model`] -> compiled [`Plan`] (serialisable, fingerprinted).
//!
//! The plan is the unit others embed: [`Plan::to_json`] writes it and
//! [`Plan::from_json`] reads it back. A plan read from JSON may have been edited
//! by hand, so `from_json` re-establishes every invariant the evaluator relies on
//! (see [`Plan::validate`]) and a bad plan is an error value, never a panic.

mod validate;

use crate::model::{Model, StepId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub(crate) use validate::{eligibility_closure, expr_types, Ty};

/// Version of the plan's JSON layout; bumped when it changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

/// The deepest nesting of expressions a plan may have (flags read inside an
/// expression count as nesting). Evaluation recurses over expressions, so this
/// bounds its stack use; no policy written by people comes near it.
pub const MAX_EXPR_DEPTH: usize = 400;

/// A compiled rule file, ready to evaluate cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// SHA-256 of the rule file's source, hex.
    pub fingerprint: String,
    /// Steps in evaluation order: those that answer checks and eligibility
    /// need come first.
    pub order: Vec<StepId>,
    /// How many steps at the start of `order` eligibility and answer checks need.
    pub eligibility_steps: u32,
    /// The checked model.
    pub model: Model,
}

/// A plan that cannot be used: not JSON, another schema version, or
/// inconsistent (an id out of range, a cycle, a malformed expression).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The text is not a plan in JSON. Example: `{"schema_version": 1` (cut short).
    #[error("the plan is not valid JSON (line {line}, column {column}): {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde found wrong.
        message: String,
    },
    /// Written by another version of `ras`. Example: `"schema_version": 99`.
    #[error("the plan has schema version {found}, but this ras reads version {expected}; compile the rule file again")]
    SchemaVersion {
        /// The version in the file.
        found: u32,
        /// [`SCHEMA_VERSION`].
        expected: u32,
    },
    /// The plan contradicts itself. Example: a step whose `expr` is `9999`.
    #[error(
        "the plan is inconsistent: {0}; compile the rule file again rather than editing the plan"
    )]
    Invalid(String),
}

impl PlanError {
    /// The stable code of every plan error.
    pub const CODE: &'static str = "ras::bad-plan";
}

/// Compiles a checked model; `source` is the rule file's text (for the fingerprint).
///
/// The checker guarantees the model has no dependency cycle; if one slipped
/// through, the steps keep file order and [`Plan::validate`] reports the cycle.
pub fn compile(model: Model, source: &str) -> Plan {
    let fingerprint = fingerprint(source);
    let all = model
        .dependency_order()
        .unwrap_or_else(|_| (0..model.steps.len() as StepId).collect());
    let needed = eligibility_closure(&model);
    // A topological order restricted to a set closed under dependencies is still
    // topological, and so is the rest after it: partitioning keeps both valid.
    let is_needed = |s: &StepId| needed.get(*s as usize).copied().unwrap_or(false);
    let mut order: Vec<StepId> = all.iter().copied().filter(is_needed).collect();
    let eligibility_steps = order.len() as u32;
    order.extend(all.iter().copied().filter(|s| !is_needed(s)));
    Plan {
        schema_version: SCHEMA_VERSION,
        fingerprint,
        order,
        eligibility_steps,
        model,
    }
}

/// SHA-256 of the text, as 64 lowercase hex digits.
pub fn fingerprint(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Only the version, read first so that a plan from another version gets a
/// clear message instead of whatever field its layout happens to break.
#[derive(Deserialize)]
struct VersionOnly {
    schema_version: u32,
}

impl Plan {
    /// The plan as pretty-printed JSON (decimals as strings, exact).
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail; an empty string
        // would be rejected by `from_json` rather than silently accepted.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a plan written by [`Plan::to_json`] and validates it.
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        let json_error = |e: serde_json::Error| PlanError::Json {
            line: e.line(),
            column: e.column(),
            message: clean_message(&e.to_string()),
        };
        let version: VersionOnly = serde_json::from_str(text).map_err(json_error)?;
        if version.schema_version != SCHEMA_VERSION {
            return Err(PlanError::SchemaVersion {
                found: version.schema_version,
                expected: SCHEMA_VERSION,
            });
        }
        let plan: Plan = serde_json::from_str(text).map_err(json_error)?;
        plan.validate()?;
        Ok(plan)
    }

    /// Checks every invariant evaluation relies on: schema version, every id in
    /// range, `order` a permutation consistent with dependencies whose first
    /// `eligibility_steps` cover what checks and eligibility read, no cycle
    /// among steps or expressions, expressions well typed and not too deep.
    pub fn validate(&self) -> Result<(), PlanError> {
        validate::validate(self)
    }
}

fn clean_message(message: &str) -> String {
    // serde appends " at line L column C", which the error already carries.
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}
