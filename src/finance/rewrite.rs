//! `ras calibrate --write`: the rule file with the calibrated value(s) in
//! place, the header's version and summary of change updated, in the
//! canonical layout.
//!
//! Input: the original source and its model, a [`Calibration`], the new
//! version and summary. Output: the new source, or why not. Only the value
//! text and the two header fields change before the file is laid out by
//! [`crate::fmt::format`] (which checks that its layout means the same), so
//! every comment stays where it was.

use super::calibrate::Calibration;
use crate::eval::format_quantity;
use crate::model::Model;
use crate::syntax::ast::{Decl, HeaderValue};
use crate::syntax::Span;

/// Why the new file could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RewriteError(pub String);

impl RewriteError {
    /// The stable code of this error.
    pub const CODE: &'static str = crate::diag::codes::CANNOT_WRITE_CALIBRATED.name;
}

/// A sentence as a rule-file string (quotes and backslashes escaped).
fn quoted(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    format!("\"{}\"", clean.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The start of the line after the one `at` is on (or the end of the text).
fn next_line(source: &str, at: usize) -> usize {
    source
        .get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(source.len(), |i| at + i + 1)
}

/// The start of the line `at` is on.
fn line_start(source: &str, at: usize) -> usize {
    source
        .get(..at)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// The rule file with `calibration`'s values, `version` and `change`.
pub fn rewrite(
    source: &str,
    original: &Model,
    calibration: &Calibration,
    version: &str,
    change: &str,
) -> Result<String, RewriteError> {
    let file = crate::syntax::parse(source)
        .map_err(|_| RewriteError("the rule file does not parse".into()))?;
    let p = original
        .parameters
        .iter()
        .position(|p| p.id == calibration.parameter)
        .ok_or_else(|| RewriteError(format!("no parameter `{}`", calibration.parameter)))?;
    let parameter = &original.parameters[p];
    let spans = original
        .spans
        .parameters
        .get(p)
        .ok_or_else(|| RewriteError(format!("no place for `{}`", parameter.id)))?;
    let literal = |k: usize| -> Option<String> {
        calibration
            .values
            .get(k)
            .and_then(|v| v.calibrated)
            .map(|v| format_quantity(v, parameter.unit))
    };
    // (start, end, new text), applied from the end of the file backwards.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let new_entry = calibration.model.parameters[p].schedule.len() > parameter.schedule.len();
    if new_entry {
        let entry = &calibration.model.parameters[p].schedule[calibration.entry];
        let date = entry
            .from
            .ok_or_else(|| RewriteError("the new value has no date".into()))?;
        let values: Vec<String> = entry
            .values
            .iter()
            .map(|v| format_quantity(*v, parameter.unit))
            .collect();
        let text = match calibration.by.as_str() {
            "all" => format!("  from {date} {}\n", values.join(" ")),
            _ => {
                let mut t = format!("  from {date} {{\n");
                for (v, key) in values.iter().zip(&calibration.values) {
                    t.push_str(&format!("    {} {v}\n", key.key));
                }
                t.push_str("  }\n");
                t
            }
        };
        // After the entry before it (and any comment on its last line), or
        // before the first.
        let at = match calibration.entry {
            0 => spans
                .schedule
                .first()
                .map(|s| line_start(source, s.entry.start)),
            i => spans
                .schedule
                .get(i - 1)
                .map(|s| next_line(source, s.entry.end)),
        }
        .ok_or_else(|| RewriteError(format!("no place for the values of `{}`", parameter.id)))?;
        edits.push((at, at, text));
    } else {
        let entry = spans.schedule.get(calibration.entry).ok_or_else(|| {
            RewriteError(format!("no place for the values of `{}`", parameter.id))
        })?;
        for (k, span) in entry.values.iter().enumerate() {
            if let Some(text) = literal(k) {
                // A keyed value's place covers its key too (`older_people £4.88/pt`).
                let written = source.get(span.start..span.end).unwrap_or("");
                let key = calibration
                    .values
                    .get(k)
                    .map(|v| v.key.as_str())
                    .unwrap_or("");
                let keyed = calibration.by != "all"
                    && written
                        .strip_prefix(key)
                        .is_some_and(|rest| rest.starts_with([' ', '\t']));
                let text = if keyed { format!("{key} {text}") } else { text };
                edits.push((span.start, span.end, text));
            }
        }
    }
    let policy = file
        .items
        .iter()
        .find_map(|i| match &i.decl {
            Decl::Policy(p) => Some(p),
            _ => None,
        })
        .ok_or_else(|| RewriteError("the rule file has no `policy` header".into()))?;
    let field = |want: fn(&HeaderValue) -> bool| -> Option<Span> {
        policy
            .fields
            .iter()
            .find(|f| want(&f.value))
            .map(|f| f.span)
    };
    let version_span = field(|v| matches!(v, HeaderValue::Version(_)))
        .ok_or_else(|| RewriteError("the header has no `version`".into()))?;
    edits.push((
        version_span.start,
        version_span.end,
        format!("version {}", quoted(version)),
    ));
    match field(|v| matches!(v, HeaderValue::Change(_))) {
        Some(s) => edits.push((s.start, s.end, format!("change {}", quoted(change)))),
        None => {
            let at = next_line(source, version_span.end);
            edits.push((at, at, format!("  change {}\n", quoted(change))));
        }
    }
    edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut text = source.to_string();
    for (start, end, new) in edits {
        if start > end
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            return Err(RewriteError(
                "a place in the rule file is out of range".into(),
            ));
        }
        text.replace_range(start..end, &new);
    }
    crate::fmt::format(&text).map_err(|e| match e {
        crate::fmt::FormatError::Syntax(d) => RewriteError(format!(
            "the new file would not parse: {}",
            d.first().map(|d| d.message.clone()).unwrap_or_default()
        )),
        crate::fmt::FormatError::Unsound(d) => RewriteError(d.message),
    })
}
