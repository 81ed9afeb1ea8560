//! Diagnostics shared by every stage: a code, a plain-words message, spans and a hint.
//!
//! Stages return diagnostics as values; they are rendered (with miette) only at
//! the edge, by [`render`] or [`to_json`].

pub mod codes;

pub use codes::Code;

use crate::model::spans::LineStarts;
use crate::syntax::Span;
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
    /// A new diagnostic with a code from the registry ([`codes`]), which
    /// decides whether it is an error or a warning.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.name,
            severity: code.severity,
            message: message.into(),
            labels: vec![],
            hint: None,
        }
    }

    /// A new error with a code given as text (prefer [`Diagnostic::new`]).
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: vec![],
            hint: None,
        }
    }

    /// A new warning with a code given as text (prefer [`Diagnostic::new`]).
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
        // Most diagnostics have one label or two: room for four each (what
        // `push` would make) is most of the memory of a file with 100,000.
        self.labels.reserve_exact(1);
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
struct Report<'a, S> {
    diag: &'a Diagnostic,
    source: &'a S,
    /// Length of the source text.
    len: usize,
}

/// A rule file as miette reads it, with its line starts found once.
///
/// miette's own reading of a `str` scans from the start of the file for every
/// label, so a file with many problems took quadratic time; this reads only
/// the lines around a label (and gives the same result: the lines are counted
/// as miette counts them, a lone carriage return included).
struct Source<'a> {
    name: String,
    text: &'a str,
    /// Offset of each line's start, line breaks counted as miette counts them.
    starts: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(name: &str, text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, b) in bytes.iter().enumerate() {
            let ends_line = match b {
                b'\n' => true,
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                starts.push(i + 1);
            }
        }
        Source {
            name: name.to_string(),
            text,
            starts,
        }
    }

    /// 0-based line holding a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

impl miette::SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        // A window of whole lines with a line to spare on each side of the
        // context miette asks for; what miette reads in it is what it would
        // read in the whole file, shifted by the lines before the window.
        let first = self
            .line_of(span.offset())
            .saturating_sub(before.saturating_add(1));
        let last = self
            .line_of(span.offset().saturating_add(span.len()))
            .saturating_add(after)
            .saturating_add(2);
        let start = self.starts.get(first).copied().unwrap_or(0);
        let end = self
            .starts
            .get(last)
            .copied()
            .unwrap_or(self.text.len())
            .max(start);
        let window = self
            .text
            .as_bytes()
            .get(start..end)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let local = miette::SourceSpan::from((span.offset().saturating_sub(start), span.len()));
        let inner = window.read_span(&local, before, after)?;
        let at = miette::SourceSpan::from((inner.span().offset() + start, inner.span().len()));
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            at,
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

impl<S> fmt::Debug for Report<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl<S> fmt::Display for Report<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl<S> std::error::Error for Report<'_, S> {}

impl<S: miette::SourceCode> miette::Diagnostic for Report<'_, S> {
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
            Some(self.source)
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let len = self.len;
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

/// How many diagnostics of one file are drawn with their source lines; the
/// rest get one line each. A person reads the first screens of a long list and
/// fixes the cause (often one typo repeated); drawing 100,000 snippets takes
/// longer than checking the file, and `--format json` gives every one in full.
pub const DRAWN_IN_FULL: usize = 100;

/// Renders diagnostics as miette reports, in order, separated by blank lines;
/// after the first [`DRAWN_IN_FULL`], one line each (`file:line:column`), so
/// that every problem is still listed.
pub fn render(diags: &[Diagnostic], file: &str, source: &str, options: RenderOptions) -> String {
    let mut out = String::new();
    render_in_pieces(diags, file, source, options, &mut |piece| {
        out.push_str(piece)
    });
    out
}

/// Text [`render_in_pieces`] hands on at a time: a report of 100,000
/// problems is written as it is made, never held whole.
const PIECE: usize = 64 * 1024;

/// [`render`]'s text, handed to `write` a piece at a time (each piece whole
/// lines), so that a long report goes out as it is made.
pub fn render_in_pieces(
    diags: &[Diagnostic],
    file: &str,
    source: &str,
    options: RenderOptions,
    write: &mut dyn FnMut(&str),
) {
    let theme = if options.color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(options.width);
    let len = source.len();
    let source = Source::new(file, source);
    let mut out = String::new();
    let (drawn, listed) = diags.split_at(diags.len().min(DRAWN_IN_FULL));
    for diag in drawn {
        let report = Report {
            diag,
            source: &source,
            len,
        };
        render_one(&handler, &report, &mut out);
        hand_on(&mut out, write);
    }
    if !listed.is_empty() {
        list_briefly(listed, file, source.text, &mut out, write);
    }
    if !out.is_empty() {
        write(&out);
    }
}

/// Passes `out` to `write` and empties it, once it holds a piece's worth.
fn hand_on(out: &mut String, write: &mut dyn FnMut(&str)) {
    if out.len() >= PIECE {
        write(out);
        out.clear();
    }
}

/// One line per diagnostic: `file:line:column: error[code]: message (hint)`.
fn list_briefly(
    diags: &[Diagnostic],
    file: &str,
    source: &str,
    out: &mut String,
    write: &mut dyn FnMut(&str),
) {
    use std::fmt::Write as _;
    let lines = LineStarts::new(source);
    let _ = writeln!(
        out,
        "{} more {} in {file}, one per line (`--format json` gives each in full):",
        diags.len(),
        if diags.len() == 1 {
            "problem"
        } else {
            "problems"
        },
    );
    for d in diags {
        let (line, column) = lines.line_col(source, d.primary_span().unwrap_or_default().start);
        let severity = if d.is_error() { "error" } else { "warning" };
        let _ = write!(out, "{file}:{line}:{column}: {severity}[{}]: ", d.code);
        push_one_line(out, &d.message);
        if let Some(hint) = &d.hint {
            out.push_str(" (help: ");
            push_one_line(out, hint);
            out.push(')');
        }
        out.push('\n');
        hand_on(out, write);
    }
}

/// `text` with each run of layout written as one space.
fn push_one_line(out: &mut String, text: &str) {
    // Most messages are one line already: single spaces, nothing at the ends.
    let plain = text.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !text.contains("  ")
        && !text.starts_with(' ')
        && !text.ends_with(' ');
    if plain {
        return out.push_str(text);
    }
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

fn render_one<S: miette::SourceCode>(
    handler: &miette::GraphicalReportHandler,
    report: &Report<'_, S>,
    out: &mut String,
) {
    let mut text = String::new();
    if handler.render_report(&mut text, report).is_err() {
        text = format!("{}: {}\n", report.diag.code, report.diag.message);
    }
    out.push_str(&text);
    out.push('\n');
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
    json_each(diags, file, source).collect()
}

/// [`to_json`] one diagnostic at a time, for a long list written as it is made.
pub fn json_each<'a>(
    diags: &'a [Diagnostic],
    file: &'a str,
    source: &'a str,
) -> impl Iterator<Item = JsonDiagnostic> + 'a {
    let lines = LineStarts::new(source);
    diags.iter().map(move |d| {
        let span = d.primary_span().unwrap_or_default();
        let (line, column) = lines.line_col(source, span.start);
        let (end_line, end_column) = lines.line_col(source, span.end);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders as miette does over the whole file.
    fn render_whole(diags: &[Diagnostic], file: &str, source: &str) -> String {
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_width(100);
        let whole = miette::NamedSource::new(file, source.to_string());
        let mut out = String::new();
        for diag in diags {
            let report = Report {
                diag,
                source: &whole,
                len: source.len(),
            };
            render_one(&handler, &report, &mut out);
        }
        out
    }

    #[test]
    fn reading_around_a_label_renders_as_the_whole_file_does() {
        let source =
            "first line\r\nsecond\rthird\n\nfifth £ line\nsixth\nseventh\neighth\nninth\nlast";
        let at = |text: &str| {
            let start = source.find(text).unwrap_or(0);
            Span::new(start, start + text.len())
        };
        let diags = vec![
            Diagnostic::error("ras::a", "at the start").label(at("first"), "here"),
            Diagnostic::error("ras::b", "after a lone return").label(at("third"), "here"),
            Diagnostic::error("ras::c", "two places")
                .label(at("sixth"), "one")
                .label(at("second"), "two"),
            Diagnostic::error("ras::d", "across lines").label(at("fifth £ line\nsixth"), "both"),
            Diagnostic::error("ras::e", "far apart")
                .label(at("last"), "end")
                .label(at("first line"), "start"),
            Diagnostic::error("ras::f", "at the end").at(Span::new(source.len(), source.len())),
            Diagnostic::error("ras::g", "an empty line").at(at("\n\n")),
            Diagnostic::error("ras::h", "no place"),
        ];
        let options = RenderOptions::default();
        for diag in &diags {
            let one = std::slice::from_ref(diag);
            assert_eq!(
                render(one, "f.ras", source, options),
                render_whole(one, "f.ras", source),
                "{}",
                diag.message
            );
        }
    }

    #[test]
    fn after_the_first_hundred_each_problem_gets_one_line() {
        let source: String = (0..105).map(|i| format!("let s{i} = m{i}\n")).collect();
        let diags: Vec<Diagnostic> = (0..105)
            .map(|i| {
                let start = source.find(&format!("m{i}\n")).unwrap_or(0);
                Diagnostic::error("ras::unknown-name", format!("`m{i}` is\nnot declared"))
                    .label(Span::new(start, start + 2), "here")
                    .hint("declare it")
            })
            .collect();
        let out = render(&diags, "f.ras", &source, RenderOptions::default());
        assert_eq!(out.matches("╭─[").count(), DRAWN_IN_FULL);
        assert!(out.contains("5 more problems in f.ras, one per line"));
        assert!(out.contains(
            "f.ras:101:12: error[ras::unknown-name]: `m100` is not declared (help: declare it)\n"
        ));
        assert!(out.ends_with(
            "f.ras:105:12: error[ras::unknown-name]: `m104` is not declared (help: declare it)\n"
        ));
    }
}
