//! Stage 3, plan: checked [`Model`] -> validated [`Plan`] (the model, its
//! evaluation order and the evaluator's program, fingerprinted and sealed).
//!
//! A [`Plan`] is made only by [`compile`] or [`Plan::from_json`], and both
//! validate it once: every id in range, the order consistent with the
//! dependencies, no cycle, expressions well typed and not too deep, and what
//! the checker guarantees of bands and the route (see `validate.rs`). Both then
//! build the program the evaluator runs (`program.rs`). So the evaluator trusts
//! a plan and never checks it again.
//!
//! # The JSON form
//!
//! [`Plan::to_json`] writes the readable checked model (not the dense program,
//! which is rebuilt on load) with these fields, in this order:
//! `schema_version`, `fingerprint`, `content_hash`, `order`,
//! `eligibility_steps`, `model`. Decimals are strings, exactly as held.
//!
//! - `fingerprint` is the SHA-256 of the rule file's text (64 lowercase hex
//!   digits): which rule file the plan came from.
//! - `content_hash` is the SHA-256 (64 lowercase hex digits) of the plan's
//!   content: the JSON object of every field except `content_hash`, in the
//!   order above, written compactly (no spaces or line breaks, as
//!   `serde_json::to_string` writes it) and encoded as UTF-8. On load the hash
//!   is computed again over the plan as read, so indenting the file or
//!   reordering its keys is not a change, but changing any value, or adding a
//!   field ras does not read, is: the plan is refused with `ras::plan-modified`.
//!
//! The hash guards against hand edits and corruption, not against someone who
//! recomputes it: it is not a signature. That is why a plan is also validated
//! on load, whatever its hash says.

mod codes;
pub(crate) mod fixed;
mod json;
pub(crate) mod program;
mod units;
mod validate;

use crate::model::{Model, StepId};
use crate::number::NumberError;
use program::Program;
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

// The checker is to report the same band rules with spans.
#[allow(unused_imports)]
pub(crate) use validate::{band_problems, BandProblem};
use validate::{eligibility_closure, Ty};
pub(crate) use validate::{route_problems, RouteProblem};

/// Version of the plan's JSON layout; bumped when it changes incompatibly.
/// Version 2 added `content_hash`.
pub const SCHEMA_VERSION: u32 = 2;

/// The deepest nesting of expressions a plan may have (flags read inside an
/// expression count as nesting). Evaluation recurses over expressions, so this
/// bounds its stack use; no policy written by people comes near it.
pub const MAX_EXPR_DEPTH: usize = 400;

/// A compiled rule file, validated and ready to evaluate cases.
///
/// INVARIANT: made only by [`compile`] or [`Plan::from_json`], so every plan
/// has passed validation and its program was built from its model. Fields are
/// read-only outside the crate (see the accessors).
#[derive(Debug, Clone)]
pub struct Plan {
    /// SHA-256 of the rule file's source, hex.
    pub(crate) fingerprint: String,
    /// SHA-256 of the plan's content, hex (see the module documentation).
    pub(crate) content_hash: String,
    /// Steps in evaluation order: those that answer checks and eligibility
    /// need come first.
    pub(crate) order: Vec<StepId>,
    /// How many steps at the start of `order` eligibility and answer checks need.
    pub(crate) eligibility_steps: u32,
    /// The checked model.
    pub(crate) model: Model,
    /// The model's expressions resolved for the evaluator.
    pub(crate) program: Program,
}

/// Two plans are equal when their content is: the program is built from it.
impl PartialEq for Plan {
    fn eq(&self, other: &Plan) -> bool {
        self.fingerprint == other.fingerprint
            && self.content_hash == other.content_hash
            && self.order == other.order
            && self.eligibility_steps == other.eligibility_steps
            && self.model == other.model
    }
}

/// A plan that cannot be used: not JSON, another schema version, changed after
/// it was compiled, or inconsistent (an id out of range, a cycle, a band rate
/// out of range, a malformed expression).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The text is not a plan in JSON. Example: `{"schema_version": 2` (cut short).
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
    /// The content does not match `content_hash`. Example: a points value
    /// changed from `"10"` to `"20"` by hand.
    #[error("the plan was changed after it was compiled; compile it again from the rule file")]
    Modified,
    /// A decimal with more significant digits than can be held exactly, which
    /// reading would round. Example: `"value": "4.884999999999999999999999999999"`.
    #[error("{}, at `{at}` in the plan; compile the rule file again", NumberError::TooPrecise { digits: *digits }.message(text))]
    NumberTooPrecise {
        /// The decimal as written.
        text: String,
        /// How many significant digits it has.
        digits: usize,
        /// Where it is in the JSON, e.g. `model.bands[0].table.rows[1].value`.
        at: String,
    },
    /// The plan contradicts itself. Example: a step whose `expr` is `9999`.
    #[error(
        "the plan is inconsistent: {0}; compile the rule file again rather than editing the plan"
    )]
    Invalid(String),
}

impl PlanError {
    /// The code of an unusable plan (not JSON, another version, inconsistent).
    pub const CODE: &'static str = crate::diag::codes::BAD_PLAN.name;
    /// The code of a plan changed after it was compiled.
    pub const MODIFIED: &'static str = crate::diag::codes::PLAN_MODIFIED.name;

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::Modified => PlanError::MODIFIED,
            PlanError::NumberTooPrecise { .. } => NumberError::TOO_PRECISE,
            PlanError::Json { .. } | PlanError::SchemaVersion { .. } | PlanError::Invalid(_) => {
                PlanError::CODE
            }
        }
    }
}

/// Compiles a checked model; `source` is the rule file's text (for the
/// fingerprint). The model is validated as a plan read from JSON would be, so
/// a model the checker should not have let through is an error, not a plan.
pub fn compile(model: Model, source: &str) -> Result<Plan, PlanError> {
    let fingerprint = fingerprint(source);
    // A cycle keeps file order here, and validation reports it.
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
    let content_hash = json::content_hash(&fingerprint, &order, eligibility_steps, &model);
    Plan::sealed(fingerprint, content_hash, order, eligibility_steps, model)
}

/// SHA-256 of the text, as 64 lowercase hex digits.
pub fn fingerprint(source: &str) -> String {
    hex(&Sha256::digest(source.as_bytes()))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Plan {
    /// Validates the parts and builds the program: the one way to a plan.
    fn sealed(
        fingerprint: String,
        content_hash: String,
        order: Vec<StepId>,
        eligibility_steps: u32,
        model: Model,
    ) -> Result<Plan, PlanError> {
        let types = validate::validate(&fingerprint, &order, eligibility_steps, &model)?;
        let program = Program::build(&model, &types, &order)?;
        Ok(Plan {
            fingerprint,
            content_hash,
            order,
            eligibility_steps,
            model,
            program,
        })
    }

    /// The checked model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// SHA-256 of the rule file's source, as 64 lowercase hex digits.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// SHA-256 of the plan's content (see the module documentation).
    pub fn content_hash(&self) -> &str {
        &self.content_hash
    }

    /// Steps in evaluation order.
    pub fn order(&self) -> &[StepId] {
        &self.order
    }

    /// How many steps at the start of [`Plan::order`] eligibility and answer
    /// checks need.
    pub fn eligibility_steps(&self) -> u32 {
        self.eligibility_steps
    }

    /// Gives back the model, e.g. to change it and compile it again.
    pub fn into_model(self) -> Model {
        self.model
    }

    /// The plan as pretty-printed JSON (decimals as strings, exact).
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail; an empty string
        // would be rejected by `from_json` rather than silently accepted.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a plan written by [`Plan::to_json`]: checks its version, that no
    /// decimal would be rounded, its fingerprint and content hash, then
    /// validates it and builds its program.
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        // A byte-order mark, as some editors save JSON, is accepted wherever
        // JSON is read; it is not part of the content the hash covers.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let read = json::read(text)?;
        let expected = json::content_hash(
            &read.fingerprint,
            &read.order,
            read.eligibility_steps,
            &read.model,
        );
        if read.content_hash != expected {
            return Err(PlanError::Modified);
        }
        Plan::sealed(
            read.fingerprint,
            read.content_hash,
            read.order,
            read.eligibility_steps,
            read.model,
        )
    }
}

impl Serialize for Plan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json::Written {
            schema_version: SCHEMA_VERSION,
            fingerprint: &self.fingerprint,
            content_hash: &self.content_hash,
            order: &self.order,
            eligibility_steps: self.eligibility_steps,
            model: &self.model,
        }
        .serialize(s)
    }
}
