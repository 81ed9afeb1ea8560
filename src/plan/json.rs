//! The plan's JSON form: the layout written, the content hash, and reading
//! back with nothing rounded (see the module documentation of [`super`]).

use super::{hex, PlanError, SCHEMA_VERSION};
use crate::model::{Model, StepId};
use crate::number::{parse_decimal, NumberError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::str::FromStr;

/// The plan as written: [`Content`] with the hash after the fingerprint.
#[derive(Serialize)]
pub(super) struct Written<'a> {
    pub schema_version: u32,
    pub fingerprint: &'a str,
    pub content_hash: &'a str,
    pub order: &'a [StepId],
    pub eligibility_steps: u32,
    pub model: &'a Model,
}

/// What the content hash covers: every field but the hash, in written order.
#[derive(Serialize)]
struct Content<'a> {
    schema_version: u32,
    fingerprint: &'a str,
    order: &'a [StepId],
    eligibility_steps: u32,
    model: &'a Model,
}

/// A plan as read, before its hash and consistency are checked.
#[derive(Deserialize)]
pub(super) struct Read {
    pub fingerprint: String,
    pub content_hash: String,
    pub order: Vec<StepId>,
    pub eligibility_steps: u32,
    pub model: Model,
}

/// The SHA-256 of the compact JSON of the content, as 64 lowercase hex digits.
pub(super) fn content_hash(
    fingerprint: &str,
    order: &[StepId],
    eligibility_steps: u32,
    model: &Model,
) -> String {
    let content = Content {
        schema_version: SCHEMA_VERSION,
        fingerprint,
        order,
        eligibility_steps,
        model,
    };
    let mut hasher = Sha256::new();
    // Writing plain data with string keys into a hasher cannot fail; if it
    // ever did, the hash would not match and the plan would be refused.
    let _ = serde_json::to_writer(&mut hasher, &content);
    hex(&hasher.finalize())
}

fn json_error(e: &serde_json::Error) -> PlanError {
    PlanError::Json {
        line: e.line(),
        column: e.column(),
        message: clean_message(&e.to_string()),
    }
}

/// Parses the text: JSON first, then the version (so a plan from another
/// version gets a clear message instead of whatever field its layout happens
/// to break), then the layout, then every decimal read again exactly.
pub(super) fn read(text: &str) -> Result<Read, PlanError> {
    let raw: Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let version = raw.get("schema_version").ok_or_else(|| PlanError::Json {
        line: 1,
        column: 1,
        message: "missing field `schema_version`".to_string(),
    })?;
    match version.as_u64().and_then(|v| u32::try_from(v).ok()) {
        Some(SCHEMA_VERSION) => {}
        Some(found) => {
            return Err(PlanError::SchemaVersion {
                found,
                expected: SCHEMA_VERSION,
            })
        }
        None => {
            return Err(PlanError::Json {
                line: 1,
                column: 1,
                message: format!("`schema_version` is {version}, not a whole number"),
            })
        }
    }
    let read: Read = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let content = Content {
        schema_version: SCHEMA_VERSION,
        fingerprint: &read.fingerprint,
        order: &read.order,
        eligibility_steps: read.eligibility_steps,
        model: &read.model,
    };
    let back = serde_json::to_value(&content)
        .map_err(|e| PlanError::Invalid(format!("the plan cannot be written back: {e}")))?;
    exact(&raw, &back)?;
    Ok(read)
}

/// Compares the JSON as written with the plan as read, written back: a text
/// read as a decimal comes back the same unless reading changed it, and then
/// it is read again with the one decimal reader, [`parse_decimal`], which
/// refuses what would be rounded. A field that reading ignored means the plan
/// was changed (ras writes only what it reads). Walks without recursion: a
/// hand-made plan may nest arbitrarily deep.
fn exact(raw: &Value, back: &Value) -> Result<(), PlanError> {
    let mut stack: Vec<(&Value, &Value, String)> = vec![(raw, back, String::new())];
    while let Some((raw, back, at)) = stack.pop() {
        match (raw, back) {
            (Value::String(written), Value::String(read)) if written != read => {
                refuse_inexact(written, &at)?;
            }
            (Value::Object(written), Value::Object(read)) => {
                for (key, value) in written {
                    match read.get(key) {
                        Some(read) => {
                            let path = if at.is_empty() {
                                key.clone()
                            } else {
                                format!("{at}.{key}")
                            };
                            stack.push((value, read, path));
                        }
                        // A field ras does not read would be dropped without
                        // a word; ras never writes one, so it was added.
                        None if !value.is_null() && key != "content_hash" => {
                            return Err(PlanError::Modified)
                        }
                        None => {}
                    }
                }
            }
            (Value::Array(written), Value::Array(read)) => {
                for (i, (value, read)) in written.iter().zip(read).enumerate() {
                    stack.push((value, read, format!("{at}[{i}]")));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A text that was read as a decimal but not as written: refused unless the
/// one decimal reader gives the same value (e.g. `+5` for `5`).
fn refuse_inexact(written: &str, at: &str) -> Result<(), PlanError> {
    let read_as_decimal = Decimal::from_str(written).or_else(|_| Decimal::from_scientific(written));
    let Ok(read) = read_as_decimal else {
        // Not a decimal: some other text the layout normalises.
        return Ok(());
    };
    match parse_decimal(written) {
        Ok(exact) if exact == read => Ok(()),
        Err(NumberError::TooPrecise { digits }) => Err(PlanError::NumberTooPrecise {
            text: written.to_string(),
            digits,
            at: at.to_string(),
        }),
        _ => Err(PlanError::Invalid(format!(
            "`{written}` at `{at}` is not written as a plain decimal"
        ))),
    }
}

fn clean_message(message: &str) -> String {
    // serde appends " at line L column C", which the error already carries.
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}
