//! Diagnostics shared by every stage: a code, a plain-words message, spans and a hint.
//!
//! Stages return diagnostics as values; they are rendered (with miette) only at
//! the edge, by [`render`] or [`to_json`].

use crate::syntax::{line_col, Span};
use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The file cannot be used until it is fixed.
    Error,
    /// The file works but something looks wrong; `allow` acknowledges it.
    Warning,
}

/// A place in the rule file, with an optional note.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there ("this is money (£)").
    pub text: Option<String>,
}

/// One finding about a rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Stable code, e.g. `ras::unit-mismatch`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub message: String,
    /// Where; the first label is the main place.
    pub labels: Vec<Label>,
    /// What would fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: vec![],
            hint: None,
        }
    }

    /// A new warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Warning,
            message: message.into(),
            labels: vec![],
            hint: None,
        }
    }

    /// Adds a place with a note.
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: Some(text.into()),
        });
        self
    }

    /// Adds a place without a note.
    pub fn at(mut self, span: Span) -> Self {
        self.labels.push(Label { span, text: None });
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The main place, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A diagnostic bound to its source, ready for miette.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: miette::NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        if self.diag.labels.is_empty() {
            None
        } else {
            Some(&self.source)
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let len = self.source.inner().len();
        Some(Box::new(self.diag.labels.iter().enumerate().map(
            move |(i, l)| {
                let start = l.span.start.min(len);
                let end = l.span.end.clamp(start, len);
                let span = miette::SourceSpan::from((start, end - start));
                if i == 0 {
                    miette::LabeledSpan::new_primary_with_span(l.text.clone(), span)
                } else {
                    miette::LabeledSpan::new_with_span(l.text.clone(), span)
                }
            },
        )))
    }
}

/// How to render diagnostics for people.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Use colours and Unicode box drawing.
    pub color: bool,
    /// Wrap width.
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
        }
    }
}

/// Renders diagnostics as miette reports, in order, separated by blank lines.
pub fn render(diags: &[Diagnostic], file: &str, source: &str, options: RenderOptions) -> String {
    let theme = if options.color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(options.width);
    let mut out = String::new();
    for diag in diags {
        let report = Report {
            diag,
            source: miette::NamedSource::new(file, source.to_string()),
        };
        let mut text = String::new();
        if handler.render_report(&mut text, &report).is_err() {
            text = format!("{}: {}\n", diag.code, diag.message);
        }
        out.push_str(&text);
        out.push('\n');
    }
    out
}

/// One diagnostic as `ras check --format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic {
    /// The rule file.
    pub file: String,
    /// 1-based line of the main place.
    pub line: usize,
    /// 1-based column of the main place.
    pub column: usize,
    /// 1-based line and column where the main place ends.
    pub end: JsonPosition,
    /// `error` or `warning`.
    pub severity: Severity,
    /// Stable code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What would fix it.
    pub hint: Option<String>,
}

/// A line and column.
#[derive(Debug, Clone, Serialize)]
pub struct JsonPosition {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Converts diagnostics to their JSON form.
pub fn to_json(diags: &[Diagnostic], file: &str, source: &str) -> Vec<JsonDiagnostic> {
    diags
        .iter()
        .map(|d| {
            let span = d.primary_span().unwrap_or_default();
            let (line, column) = line_col(source, span.start);
            let (end_line, end_column) = line_col(source, span.end);
            JsonDiagnostic {
                file: file.to_string(),
                line,
                column,
                end: JsonPosition {
                    line: end_line,
                    column: end_column,
                },
                severity: d.severity,
                code: d.code,
                message: d.message.clone(),
                hint: d.hint.clone(),
            }
        })
        .collect()
}

/// How many single-character edits turn `a` into `b` (Levenshtein), for
/// "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Sorts diagnostics by place, errors before warnings at the same place.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| (d.primary_span().map(|s| s.start).unwrap_or(0), d.severity));
}
