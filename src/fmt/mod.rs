//! `ras fmt`'s core: rule-file text -> the same rules in the canonical layout.
//!
//! The layout is printed from the parse tree's tokens (every name, number and
//! sentence as written) and the scanner's comments, so nothing the syntax tree
//! drops (brackets, spellings) is lost, and the author's spacing never shows
//! through. Line breaks are the author's only where a reader chooses them:
//! inside a calculation, before `when`/`else`/`otherwise`/`=`, and between test
//! answers; everything else has one place (docs/language.md, "Canonical
//! layout").
//!
//! [`format`] is sound: before it returns, it reads its output again and
//! refuses it unless the syntax tree (ignoring spans), the comments and the
//! checked model (ignoring lines) are the same as the input's.

mod layout;
mod tokens;

use crate::check::{self, CheckOptions};
use crate::diag::{codes, Diagnostic};
use crate::syntax::parser::{RasParser, Rule};
use crate::syntax::{self, Span};
use pest::Parser;

/// Why a file was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The file does not parse: its syntax errors (the file is left as it is).
    Syntax(Vec<Diagnostic>),
    /// The printer would have changed what the file means (a bug in ras): the
    /// `ras::internal` diagnostic names the declaration.
    Unsound(Diagnostic),
}

/// The rule file `source` in the canonical layout, checked to mean the same.
pub fn format(source: &str) -> Result<String, FormatError> {
    let formatted = layout_only(source)?;
    soundness_check(source, &formatted).map_err(FormatError::Unsound)?;
    Ok(formatted)
}

/// The canonical layout of `source`, without the soundness check.
pub fn layout_only(source: &str) -> Result<String, FormatError> {
    // The syntax errors, and the refusal of nesting too deep to walk, come
    // from the one parser every command uses.
    syntax::parse(source).map_err(FormatError::Syntax)?;
    let mut pairs = RasParser::parse(Rule::file, source)
        .map_err(|_| FormatError::Unsound(internal(Span::default(), "the file")))?;
    let file = pairs
        .next()
        .ok_or_else(|| FormatError::Unsound(internal(Span::default(), "the file")))?;
    let tokens = tokens::Walker::new(source).file(file);
    Ok(layout::layout(&tokens))
}

fn internal(span: Span, construct: &str) -> Diagnostic {
    Diagnostic::new(
        codes::INTERNAL,
        format!("ras fmt would have changed the meaning of {construct}; the file was not changed"),
    )
    .label(span, "here")
    .hint("this is a bug in ras, not in your file: please report it with the file")
}

/// The first line of a declaration, to name it in a message.
fn construct(source: &str, span: Span) -> String {
    let text = source.get(span.start..span.end).unwrap_or("");
    let first = text.lines().next().unwrap_or("").trim();
    let short: String = first.chars().take(60).collect();
    format!("`{short}`")
}

/// Checks that `formatted` means what `original` means: equal syntax trees
/// (spans never take part in their equality), the same comment texts in the
/// same order, and equal checked models once lines and the formulas' spacing
/// are left out (or, when both have check errors, the same error codes in any order).
pub fn soundness_check(original: &str, formatted: &str) -> Result<(), Diagnostic> {
    let before = syntax::parse(original).map_err(|_| internal(Span::default(), "the file"))?;
    let after = syntax::parse(formatted).map_err(|_| internal(Span::default(), "the file"))?;
    for (n, item) in before.items.iter().enumerate() {
        if after.items.get(n) != Some(item) {
            return Err(internal(item.span, &construct(original, item.span)));
        }
    }
    if after.items.len() != before.items.len() {
        return Err(internal(Span::default(), "the file's declarations"));
    }
    let texts = |f: &syntax::ast::File| -> Vec<String> {
        f.comments
            .iter()
            .map(|c| c.text.trim_end().to_string())
            .collect()
    };
    if texts(&before) != texts(&after) {
        return Err(internal(Span::default(), "the file's comments"));
    }
    // Both versions are checked as on the same day: which day does not
    // matter, only that the review-date warning cannot differ between them.
    let Some(day) = crate::date::Date::new(2000, 1, 1) else {
        return Err(internal(Span::default(), "the file's calculation"));
    };
    let options = CheckOptions::new(day);
    let a = check::check_meaning(&before, original, &options);
    let b = check::check_meaning(&after, formatted, &options);
    let same = match (&a.model, &b.model) {
        (Some(x), Some(y)) => model_json(x) == model_json(y),
        (None, None) => codes(&a.diagnostics) == codes(&b.diagnostics),
        _ => false,
    };
    if !same {
        return Err(internal(Span::default(), "the file's calculation"));
    }
    Ok(())
}

/// The codes of the diagnostics, sorted: their order follows their place,
/// which layout moves.
fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes
}

/// The model as JSON without what layout changes: lines, and the formulas
/// kept as written for traces.
pub fn model_json(model: &crate::model::Model) -> serde_json::Value {
    let mut value = serde_json::to_value(model).unwrap_or_default();
    strip_layout(&mut value);
    value
}

fn strip_layout(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|k, _| {
                !matches!(
                    k.as_str(),
                    "line" | "beyond_line" | "formula" | "span" | "spans"
                )
            });
            map.values_mut().for_each(strip_layout);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_layout),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
