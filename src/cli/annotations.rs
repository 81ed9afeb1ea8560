//! `ras check --format github|sarif`: diagnostics in the forms CI services read.
//!
//! Input: each checked file's diagnostics with its name and text. Output: GitHub
//! Actions workflow commands (one line per diagnostic), or one SARIF 2.1.0 log
//! for every file of the run.
//!
//! Lines and columns are 1-based and count characters (Unicode code points), as
//! `--format json` and the human report do; the SARIF log says so with
//! `columnKind: unicodeCodePoints`, since SARIF otherwise assumes UTF-16 units.

use crate::diag::{Diagnostic, Severity};
use crate::syntax::line_col;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Where a diagnostic's main place starts and ends, 1-based, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Region {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// The main place of a diagnostic, or none for one about the file as a whole.
fn region(diag: &Diagnostic, source: &str) -> Option<Region> {
    let span = diag.primary_span()?;
    let (line, column) = line_col(source, span.start);
    // A span that ends before it starts would make an invalid region; such a
    // span is a bug elsewhere, but the report should still be readable.
    let (end_line, end_column) = line_col(source, span.end.max(span.start));
    Some(Region {
        line,
        column,
        end_line,
        end_column,
    })
}

/// The message with its hint after it on a line of its own.
fn message_with_hint(diag: &Diagnostic) -> String {
    match &diag.hint {
        Some(hint) => format!("{}\nhint: {hint}", diag.message),
        None => diag.message.clone(),
    }
}

/// `error` or `warning`, the word both GitHub and SARIF use.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Escapes the message of a workflow command: GitHub reads `%`, CR and LF
/// there as its own.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command, where `:` ends the
/// properties and `,` separates them.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one line per diagnostic, e.g.
/// `::error file=a.ras,line=3,col=5,endLine=3,endColumn=9,title=ras%3A%3Aunit-mismatch::cannot add …`.
pub fn github(diags: &[Diagnostic], file: &str, source: &str) -> String {
    let mut out = String::new();
    for diag in diags {
        out.push_str("::");
        out.push_str(level(diag.severity));
        out.push_str(" file=");
        out.push_str(&escape_property(file));
        if let Some(r) = region(diag, source) {
            out.push_str(&format!(
                ",line={},col={},endLine={},endColumn={}",
                r.line, r.column, r.end_line, r.end_column
            ));
        }
        out.push_str(",title=");
        out.push_str(&escape_property(diag.code));
        out.push_str("::");
        out.push_str(&escape_data(&message_with_hint(diag)));
        out.push('\n');
    }
    out
}

/// The SARIF 2.1.0 log of one `ras check` run, built file by file.
#[derive(Debug, Default)]
pub struct SarifLog {
    /// Each code that occurs, with the most serious level it occurs at;
    /// sorted by code so the rule list does not depend on file order.
    rules: BTreeMap<&'static str, Severity>,
    /// Each diagnostic, in the order of the files and then of their places.
    results: Vec<SarifResult>,
}

/// One diagnostic as the log will show it.
#[derive(Debug)]
struct SarifResult {
    code: &'static str,
    severity: Severity,
    text: String,
    uri: String,
    region: Option<Region>,
}

impl SarifLog {
    /// An empty log.
    pub fn new() -> Self {
        SarifLog::default()
    }

    /// Adds one file's diagnostics.
    pub fn add(&mut self, diags: &[Diagnostic], file: &str, source: &str) {
        let uri = uri(file);
        for diag in diags {
            self.rules
                .entry(diag.code)
                .and_modify(|s| *s = (*s).min(diag.severity))
                .or_insert(diag.severity);
            self.results.push(SarifResult {
                code: diag.code,
                severity: diag.severity,
                text: message_with_hint(diag),
                uri: uri.clone(),
                region: region(diag, source),
            });
        }
    }

    /// The log as pretty JSON, ending with a line break.
    pub fn to_json(&self) -> String {
        let index: BTreeMap<&str, usize> = self
            .rules
            .keys()
            .enumerate()
            .map(|(i, code)| (*code, i))
            .collect();
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|(code, severity)| {
                json!({
                    "id": code,
                    "shortDescription": { "text": describe(code) },
                    "defaultConfiguration": { "level": level(*severity) },
                })
            })
            .collect();
        let results: Vec<Value> = self
            .results
            .iter()
            .map(|r| {
                let mut location = Map::new();
                location.insert("artifactLocation".into(), json!({ "uri": r.uri }));
                if let Some(region) = r.region {
                    location.insert(
                        "region".into(),
                        json!({
                            "startLine": region.line,
                            "startColumn": region.column,
                            "endLine": region.end_line,
                            "endColumn": region.end_column,
                        }),
                    );
                }
                let mut result = Map::new();
                result.insert("ruleId".into(), json!(r.code));
                if let Some(i) = index.get(r.code) {
                    result.insert("ruleIndex".into(), json!(i));
                }
                result.insert("level".into(), json!(level(r.severity)));
                result.insert("message".into(), json!({ "text": r.text }));
                result.insert(
                    "locations".into(),
                    json!([{ "physicalLocation": location }]),
                );
                Value::Object(result)
            })
            .collect();
        let log = json!({
            "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "ras",
                        "version": env!("CARGO_PKG_VERSION"),
                        "rules": rules,
                    }
                },
                // Columns count characters; SARIF would otherwise read them as UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        // Serialising a `Value` cannot fail; an empty object is still JSON
        // should serde ever disagree.
        let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string());
        text.push('\n');
        text
    }
}

/// A rule's short description from its code: `ras::unit-mismatch` reads "unit mismatch".
fn describe(code: &str) -> String {
    code.trim_start_matches("ras::").replace('-', " ")
}

/// A file name as a relative URI reference: forward slashes, and every byte
/// that may not stand in a URI path written as `%XX`. `:` is escaped too, so
/// that `a:b.ras` is not read as a URI with the scheme `a`.
fn uri(file: &str) -> String {
    let file = if std::path::MAIN_SEPARATOR == '/' {
        file.to_string()
    } else {
        file.replace(std::path::MAIN_SEPARATOR, "/")
    };
    let mut out = String::with_capacity(file.len());
    for byte in file.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Span;

    #[test]
    fn github_escapes_message_and_properties() {
        let diag = Diagnostic::error("ras::x", "100% of\r\nit")
            .at(Span { start: 0, end: 1 })
            .hint("a, b: c");
        let line = github(&[diag], "a,b:c.ras", "x\n");
        assert_eq!(
            line,
            "::error file=a%2Cb%3Ac.ras,line=1,col=1,endLine=1,endColumn=2,title=ras%3A%3Ax::100%25 of%0D%0Ait%0Ahint: a, b: c\n"
        );
    }

    #[test]
    fn a_diagnostic_without_a_place_names_only_the_file() {
        let diag = Diagnostic::warning("ras::y", "whole file");
        assert_eq!(
            github(&[diag], "f.ras", ""),
            "::warning file=f.ras,title=ras%3A%3Ay::whole file\n"
        );
    }

    #[test]
    fn columns_count_characters() {
        let source = "£é x";
        let diag = Diagnostic::error("ras::x", "m").at(Span {
            start: source.find('x').unwrap_or(0),
            end: source.len(),
        });
        assert_eq!(
            region(&diag, source),
            Some(Region {
                line: 1,
                column: 4,
                end_line: 1,
                end_column: 5
            })
        );
    }

    #[test]
    fn sarif_rules_are_sorted_and_take_the_most_serious_level() {
        let mut log = SarifLog::new();
        let place = Span { start: 0, end: 1 };
        log.add(
            &[
                Diagnostic::warning("ras::b", "first").at(place),
                Diagnostic::error("ras::a", "second"),
            ],
            "one.ras",
            "x\n",
        );
        log.add(
            &[Diagnostic::error("ras::b", "third").at(place)],
            "two.ras",
            "x\n",
        );
        let json: Value = serde_json::from_str(&log.to_json()).unwrap_or(Value::Null);
        let run = &json["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "ras::a");
        assert_eq!(
            run["tool"]["driver"]["rules"][1]["defaultConfiguration"]["level"],
            "error"
        );
        let results = &run["results"];
        assert_eq!(results[0]["ruleIndex"], 1);
        assert_eq!(results[0]["level"], "warning");
        // A diagnostic about the whole file has no region, not a made-up 1:1.
        assert_eq!(results[1]["ruleIndex"], 0);
        assert!(results[1]["locations"][0]["physicalLocation"]
            .get("region")
            .is_none());
        assert_eq!(
            results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "two.ras"
        );
    }

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(uri("rules/shire-2025.ras"), "rules/shire-2025.ras");
        assert_eq!(uri("my rules/a:b%.ras"), "my%20rules/a%3Ab%25.ras");
        assert_eq!(uri("é.ras"), "%C3%A9.ras");
    }
}
