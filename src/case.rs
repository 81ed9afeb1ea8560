//! A case as people and files write it: cohort, dates, plan cost, attributes and
//! answers as text. Turning it into indices against a plan is evaluation's job.

use crate::date::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// One person's case, as read from JSON, CSV or a test block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The case's identifier.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "text_opt"
    )]
    pub case_id: Option<String>,
    /// Cohort id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
    /// Assessment date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed: Option<Date>,
    /// Weekly cost of the costed support plan.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "decimal_text_opt"
    )]
    pub plan_cost: Option<Decimal>,
    /// Case attributes by id (e.g. `setting`: `own_home`).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "text_map"
    )]
    pub attributes: BTreeMap<String, String>,
    /// Answers by question id: an option code, `yes`/`no`, or a number, as text.
    #[serde(default, deserialize_with = "text_map")]
    pub answers: BTreeMap<String, String>,
}

impl Case {
    /// Reads a case from JSON text; the error names the line and column.
    pub fn from_json(text: &str) -> Result<Case, CaseFormatError> {
        serde_json::from_str(text).map_err(|e| CaseFormatError {
            line: e.line(),
            column: e.column(),
            message: clean_serde_message(&e.to_string()),
        })
    }
}

/// A case file that is not a case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct CaseFormatError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

fn clean_serde_message(message: &str) -> String {
    // serde appends " at line L column C", which the error already carries.
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Any JSON scalar as text: codes may be written as numbers or strings, and
/// numbers keep their exact decimal digits.
fn scalar_text<E: serde::de::Error>(value: serde_json::Value) -> Result<String, E> {
    match value {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(if b { "yes" } else { "no" }.to_string()),
        serde_json::Value::Null => Err(E::custom(
            "an answer is null; leave the question out instead",
        )),
        other => Err(E::custom(format!(
            "expected a code or a number, found {other}"
        ))),
    }
}

fn text_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => scalar_text(v).map(Some),
    }
}

fn text_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = BTreeMap::<String, serde_json::Value>::deserialize(d)?;
    raw.into_iter()
        .map(|(k, v)| scalar_text(v).map(|t| (k, t)))
        .collect()
}

mod decimal_text_opt {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        use serde::de::Error;
        match Option::<serde_json::Value>::deserialize(d)? {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(v) => {
                let text = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Number(n) => n.to_string(),
                    other => {
                        return Err(D::Error::custom(format!(
                            "plan_cost must be an amount, found {other}"
                        )))
                    }
                };
                crate::number::parse_money(&text)
                    .map(Some)
                    .map_err(|e| D::Error::custom(format!("plan_cost: {}", e.money_message(&text))))
            }
        }
    }
}

#[cfg(test)]
mod tests;
