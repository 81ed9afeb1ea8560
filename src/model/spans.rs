//! Where things are written: byte spans kept beside the model, and the table
//! of line starts that turns them into lines and columns without the source.
//!
//! Read only when reporting (traces, diagnostics, explanations); evaluation
//! never looks here.

use super::Line;
use crate::syntax::Span;
use serde::{Deserialize, Serialize};

/// Where each part of a [`super::Model`] is written, indexed as the model is
/// (`steps[i]` is where step `i` is declared, `exprs[e]` the text of node `e`),
/// with the line starts to turn a span into a line without the source: a
/// compiled plan is evaluated and traced where its rule file is not at hand.
///
/// Like [`Span`], the table never takes part in equality: two models that
/// differ only in layout compare equal.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Spans {
    /// Line starts of the rule file.
    pub lines: LineStarts,
    /// Each cohort's name.
    #[serde(with = "pairs")]
    pub cohorts: Vec<Span>,
    /// Each attribute's name.
    #[serde(with = "pairs")]
    pub attributes: Vec<Span>,
    /// Each domain's name.
    #[serde(with = "pairs")]
    pub domains: Vec<Span>,
    /// Each question's name.
    #[serde(with = "pairs")]
    pub questions: Vec<Span>,
    /// Each parameter and its values.
    pub parameters: Vec<ParameterSpans>,
    /// Each band table and its rows.
    pub bands: Vec<BandSpans>,
    /// Each step's name.
    #[serde(with = "pairs")]
    pub steps: Vec<Span>,
    /// Each flag's name.
    #[serde(with = "pairs")]
    pub flags: Vec<Span>,
    /// Each answer check's name.
    #[serde(with = "pairs")]
    pub checks: Vec<Span>,
    /// Each eligibility requirement.
    #[serde(with = "pairs")]
    pub eligibility: Vec<Span>,
    /// The approval route and its rules.
    pub route: Option<RouteSpans>,
    /// Each expression node.
    #[serde(with = "pairs")]
    pub exprs: Vec<Span>,
    /// Each test and its expectations.
    pub tests: Vec<TestSpans>,
}

impl PartialEq for Spans {
    fn eq(&self, _other: &Spans) -> bool {
        true
    }
}

/// Where a parameter is written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ParameterSpans {
    /// Its name.
    #[serde(with = "pair")]
    pub name: Span,
    /// Each entry of its schedule, in the model's order.
    pub schedule: Vec<ValuesSpans>,
}

/// Where the values of a parameter from one date on are written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ValuesSpans {
    /// The entry as a whole (`from 2024-04-01 { … }`, or the undated values).
    #[serde(with = "pair")]
    pub entry: Span,
    /// Each value, in key order (one for a parameter by nothing).
    #[serde(with = "pairs")]
    pub values: Vec<Span>,
}

/// Where a band table is written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BandSpans {
    /// Its name.
    #[serde(with = "pair")]
    pub name: Span,
    /// Each row (step bands) or point (straight-line bands), in the model's order.
    #[serde(with = "pairs")]
    pub rows: Vec<Span>,
    /// The rate beyond the last point.
    #[serde(with = "optional_pair")]
    pub beyond: Option<Span>,
}

/// Where the approval route is written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RouteSpans {
    /// Its name.
    #[serde(with = "pair")]
    pub name: Span,
    /// Each rule.
    #[serde(with = "pairs")]
    pub rules: Vec<Span>,
}

/// Where a test is written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TestSpans {
    /// Its name.
    #[serde(with = "pair")]
    pub name: Span,
    /// Each expectation, in the model's order.
    #[serde(with = "pairs")]
    pub expects: Vec<Span>,
}

/// A span as `[start, end]`, to keep plans short.
mod pair {
    use crate::syntax::Span;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(span: &Span, s: S) -> Result<S::Ok, S::Error> {
        [span.start, span.end].serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Span, D::Error> {
        let [start, end] = <[usize; 2]>::deserialize(d)?;
        Ok(Span::new(start, end))
    }
}

/// Spans as `[[start, end], …]`.
mod pairs {
    use crate::syntax::Span;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(spans: &[Span], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(spans.iter().map(|x| [x.start, x.end]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Span>, D::Error> {
        let pairs = Vec::<[usize; 2]>::deserialize(d)?;
        Ok(pairs.into_iter().map(|[a, b]| Span::new(a, b)).collect())
    }
}

/// An optional span as `[start, end]` or null.
mod optional_pair {
    use crate::syntax::Span;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(span: &Option<Span>, s: S) -> Result<S::Ok, S::Error> {
        span.map(|x| [x.start, x.end]).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Span>, D::Error> {
        let pair = Option::<[usize; 2]>::deserialize(d)?;
        Ok(pair.map(|[a, b]| Span::new(a, b)))
    }
}

/// The line of `spans[i]`; 0 (no line) when the table has no such entry.
fn line_in(lines: &LineStarts, spans: &[Span], i: u32) -> Line {
    spans.get(i as usize).map_or(0, |s| lines.line(s.start))
}

impl Spans {
    /// 1-based line where a span starts.
    pub fn line(&self, span: Span) -> Line {
        self.lines.line(span.start)
    }

    /// Where cohort `c` is declared.
    pub fn cohort_line(&self, c: u32) -> Line {
        line_in(&self.lines, &self.cohorts, c)
    }

    /// Where attribute `a` is declared.
    pub fn attribute_line(&self, a: u32) -> Line {
        line_in(&self.lines, &self.attributes, a)
    }

    /// Where domain `d` is declared.
    pub fn domain_line(&self, d: u32) -> Line {
        line_in(&self.lines, &self.domains, d)
    }

    /// Where question `q` is declared.
    pub fn question_line(&self, q: u32) -> Line {
        line_in(&self.lines, &self.questions, q)
    }

    /// Where parameter `p` is declared.
    pub fn parameter_line(&self, p: u32) -> Line {
        self.parameters
            .get(p as usize)
            .map_or(0, |x| self.line(x.name))
    }

    /// Where the value of parameter `p` in schedule entry `entry` for key
    /// `key` (cohort or attribute value; 0 for a parameter by nothing) is
    /// written; the entry's line when the value has no place of its own.
    pub fn parameter_value_line(&self, p: u32, entry: u32, key: u32) -> Line {
        let Some(param) = self.parameters.get(p as usize) else {
            return 0;
        };
        match param.schedule.get(entry as usize) {
            Some(e) => e
                .values
                .get(key as usize)
                .map_or_else(|| self.line(e.entry), |v| self.line(*v)),
            None => self.line(param.name),
        }
    }

    /// Where band table `b` is declared.
    pub fn band_line(&self, b: u32) -> Line {
        self.bands.get(b as usize).map_or(0, |x| self.line(x.name))
    }

    /// Where row (or point) `row` of band table `b` is written.
    pub fn band_row_line(&self, b: u32, row: u32) -> Line {
        self.bands
            .get(b as usize)
            .map_or(0, |x| line_in(&self.lines, &x.rows, row))
    }

    /// Where the rate beyond the last point of band table `b` is written.
    pub fn band_beyond_line(&self, b: u32) -> Option<Line> {
        self.bands
            .get(b as usize)
            .and_then(|x| x.beyond)
            .map(|s| self.line(s))
    }

    /// Where step `s` is declared.
    pub fn step_line(&self, s: u32) -> Line {
        line_in(&self.lines, &self.steps, s)
    }

    /// Where flag `f` is declared.
    pub fn flag_line(&self, f: u32) -> Line {
        line_in(&self.lines, &self.flags, f)
    }

    /// Where answer check `c` is declared.
    pub fn check_line(&self, c: u32) -> Line {
        line_in(&self.lines, &self.checks, c)
    }

    /// Where eligibility requirement `r` is written.
    pub fn requirement_line(&self, r: u32) -> Line {
        line_in(&self.lines, &self.eligibility, r)
    }

    /// Where the approval route is declared.
    pub fn route_line(&self) -> Line {
        self.route.as_ref().map_or(0, |r| self.line(r.name))
    }

    /// Where rule `rule` of the approval route is written.
    pub fn route_rule_line(&self, rule: u32) -> Line {
        self.route
            .as_ref()
            .map_or(0, |r| line_in(&self.lines, &r.rules, rule))
    }

    /// Where test `t` is declared.
    pub fn test_line(&self, t: u32) -> Line {
        self.tests.get(t as usize).map_or(0, |x| self.line(x.name))
    }

    /// Where expectation `e` of test `t` is written.
    pub fn expectation_line(&self, t: u32, e: u32) -> Line {
        self.tests
            .get(t as usize)
            .map_or(0, |x| line_in(&self.lines, &x.expects, e))
    }

    /// The text of expression node `e`, as a byte span of the rule file.
    pub fn expr(&self, e: u32) -> Option<Span> {
        self.exprs.get(e as usize).copied()
    }

    /// Whether the table has an entry for every part of `model` (a plan read
    /// back from JSON may have been edited); names what is missing.
    pub fn covers(&self, model: &super::Model) -> Result<(), String> {
        let counts = [
            ("cohorts", self.cohorts.len(), model.cohorts.len()),
            ("attributes", self.attributes.len(), model.attributes.len()),
            ("domains", self.domains.len(), model.domains.len()),
            ("questions", self.questions.len(), model.questions.len()),
            ("parameters", self.parameters.len(), model.parameters.len()),
            ("bands", self.bands.len(), model.bands.len()),
            ("steps", self.steps.len(), model.steps.len()),
            ("flags", self.flags.len(), model.flags.len()),
            ("checks", self.checks.len(), model.checks.len()),
            (
                "eligibility",
                self.eligibility.len(),
                model.eligibility.len(),
            ),
            ("exprs", self.exprs.len(), model.exprs.len()),
            ("tests", self.tests.len(), model.tests.len()),
        ];
        for (what, have, want) in counts {
            if have != want {
                return Err(format!(
                    "the place table lists {have} {what} but the model has {want}"
                ));
            }
        }
        Ok(())
    }
}

/// The byte offset at which each line of a rule file starts, computed once, so
/// that a line and column is a binary search rather than a scan of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineStarts {
    /// `starts[i]` is the offset of line `i + 1`; `starts[0]` is 0.
    starts: Vec<usize>,
    /// Length of the source in bytes.
    len: usize,
}

impl LineStarts {
    /// The line starts of `source`.
    pub fn new(source: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1))
            .collect();
        LineStarts {
            starts,
            len: source.len(),
        }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len);
        let idx = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(idx.max(1)).unwrap_or(u32::MAX)
    }

    /// Byte offset at which a 1-based line starts.
    pub fn line_start(&self, line: u32) -> usize {
        let idx = (line.max(1) - 1) as usize;
        self.starts.get(idx).copied().unwrap_or(self.len)
    }

    /// 1-based line and column of a byte offset in `source` (the column counts
    /// characters), as [`crate::syntax::line_col`] gives, without scanning
    /// from the start.
    pub fn line_col(&self, source: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(source.len());
        let line = self.line(offset);
        let start = self.line_start(line).min(offset);
        let col = source
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line as usize, col)
    }
}

#[cfg(test)]
mod tests;
