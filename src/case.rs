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
    /// The case's identifier: text, not empty.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "case_id"
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
    /// Reads a case from JSON text; the error names the line and column. A
    /// byte order mark before it (as some Windows programs write) is skipped.
    pub fn from_json(text: &str) -> Result<Case, CaseFormatError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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

/// A case id is text someone can look up: `true` or `7.50` would be read
/// back as something else, and an empty id names no case.
fn case_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Err(D::Error::custom(
            "the case_id is empty; give each case its own id, or leave case_id out",
        )),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(D::Error::custom(format!(
            "the case_id must be text in quotes, e.g. \"C00042\", not {other}"
        ))),
    }
}

/// A map of answers (or attributes) as text; a key given twice is an error,
/// not the last value silently kept.
fn text_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = BTreeMap<String, String>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map of question ids to answers")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            use serde::de::Error;
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let value = scalar_text(map.next_value::<serde_json::Value>()?)?;
                if out.contains_key(&key) {
                    return Err(A::Error::custom(format!(
                        "`{key}` is given twice; give each once"
                    )));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visitor)
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
