//! Writing results: the columns asked for, as CSV, JSON Lines or an Excel
//! workbook ([`xlsx`]), in input order.

pub mod xlsx;

use super::input::FileProblem;
use crate::check::did_you_mean;
use crate::eval::LaneFigures;
use crate::model::{Model, StepId};
use crate::units::Unit;
use rust_decimal::Decimal;
use std::io::{self, Write};
use std::path::Path;

pub use crate::eval::Status;

/// One column of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The case's id (or its row number).
    CaseId,
    /// A step's or output's value.
    Step(StepId),
    /// Whether a flag is raised.
    Flag(u32),
    /// The approval route.
    Route,
    /// Eligible or not.
    Eligible,
    /// `ok`, `not_eligible`, `not_validated` or `error`.
    Status,
    /// Reasons or the error message.
    Message,
    /// The case's cohort, as read.
    Cohort,
    /// The case's assessment date, as read.
    Assessed,
    /// The case's costed plan, as read.
    PlanCost,
    /// The case's value of an attribute, as read.
    Attribute(u32),
}

/// The default columns: case id, outputs in file order, flags, route,
/// eligible, status, message.
pub fn default_columns(model: &Model) -> Vec<Column> {
    let mut columns = vec![Column::CaseId];
    for (i, step) in model.steps.iter().enumerate() {
        if matches!(step.kind, crate::model::StepKind::Output { .. }) {
            columns.push(Column::Step(i as StepId));
        }
    }
    columns.extend((0..model.flags.len()).map(|f| Column::Flag(f as u32)));
    columns.extend([
        Column::Route,
        Column::Eligible,
        Column::Status,
        Column::Message,
    ]);
    columns
}

/// The columns named in `--columns a,b,c`.
pub fn named_columns(model: &Model, names: &str) -> Result<Vec<Column>, FileProblem> {
    let mut columns = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let column = match name {
            "case_id" => Column::CaseId,
            "route" => Column::Route,
            "eligible" => Column::Eligible,
            "status" => Column::Status,
            "message" => Column::Message,
            "cohort" => Column::Cohort,
            "assessed" => Column::Assessed,
            "plan_cost" => Column::PlanCost,
            other => match (
                model.step_named(other),
                model.flag_named(other),
                model.attribute_named(other),
            ) {
                (Some(s), _, _) => Column::Step(s),
                (None, Some(f), _) => Column::Flag(f),
                (None, None, Some(a)) => Column::Attribute(a),
                (None, None, None) => {
                    let known: Vec<&str> = CASE_FIELDS
                        .into_iter()
                        .chain(["route", "eligible", "status", "message"])
                        .chain(model.attributes.iter().map(|a| a.id.as_str()))
                        .chain(model.steps.iter().map(|s| s.id.as_str()))
                        .chain(model.flags.iter().map(|f| f.id.as_str()))
                        .collect();
                    let hint = match did_you_mean(other, known.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("the columns available are {}", crate::text::list(known)),
                    };
                    return Err(FileProblem::new(format!(
                        "`--columns` names `{other}`, which is not a case field, attribute, step, output or flag"
                    ))
                    .hint(hint));
                }
            },
        };
        columns.push(column);
    }
    if columns.is_empty() {
        return Err(FileProblem::new("`--columns` names no columns")
            .hint("e.g. `--columns case_id,indicative,route`"));
    }
    Ok(columns)
}

/// The case's own fields `--columns` may name besides its attributes.
const CASE_FIELDS: [&str; 4] = ["case_id", "cohort", "assessed", "plan_cost"];

/// The header text of a column.
pub fn column_name(model: &Model, column: Column) -> &str {
    match column {
        Column::CaseId => "case_id",
        Column::Step(s) => model
            .steps
            .get(s as usize)
            .map(|s| s.id.as_str())
            .unwrap_or("?"),
        Column::Flag(f) => model
            .flags
            .get(f as usize)
            .map(|f| f.id.as_str())
            .unwrap_or("?"),
        Column::Route => "route",
        Column::Eligible => "eligible",
        Column::Status => "status",
        Column::Message => "message",
        Column::Cohort => "cohort",
        Column::Assessed => "assessed",
        Column::PlanCost => "plan_cost",
        Column::Attribute(a) => model
            .attributes
            .get(a as usize)
            .map(|a| a.id.as_str())
            .unwrap_or("?"),
    }
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl OutputFormat {
    /// The format a file name implies (CSV unless it ends in .jsonl/.ndjson/.json).
    pub fn from_path(path: &Path) -> OutputFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson" | "json") => OutputFormat::JsonLines,
            _ => OutputFormat::Csv,
        }
    }
}

/// One evaluated row, borrowed from the evaluator's buffers.
#[derive(Debug, Clone, Copy)]
pub struct RowView<'a> {
    /// The case id, or the row number as text.
    pub case_id: &'a str,
    /// How it came out.
    pub status: Status,
    /// Reasons or error message ("" when none).
    pub message: &'a str,
    /// Eligible, when the question was reached.
    pub eligible: Option<bool>,
    /// Step values, when `status` is `Ok`.
    pub steps: Option<&'a [Decimal]>,
    /// Flags raised, when `status` is `Ok`.
    pub flags: Option<&'a [bool]>,
    /// The route taken.
    pub route: Option<&'a str>,
    /// The case as decoded, when it could be (for the case's own columns).
    pub case: Option<&'a crate::eval::CaseInput>,
    /// The evaluator's figures, when `steps` are its: a value the
    /// fixed-point lane worked out is written from there, the same text
    /// with no `Decimal` made.
    pub scratch: Option<&'a crate::eval::Scratch>,
}

/// Writes step `s` of `row`, when it has one; `lane` is the row's
/// [`crate::eval::Scratch::lane_figures`].
#[inline(always)]
fn push_step(
    out: &mut Vec<u8>,
    row: &RowView<'_>,
    lane: Option<&LaneFigures<'_>>,
    s: StepId,
    units: &[Unit],
) -> bool {
    let Some(v) = row.steps.and_then(|v| v.get(s as usize)) else {
        return false;
    };
    let unit = units.get(s as usize).copied().unwrap_or(Unit::Number);
    match lane.and_then(|lane| lane.step(s)) {
        Some((m, scale)) => crate::eval::push_fixed(out, m, scale, unit),
        None => push_value(out, *v, unit),
    }
    true
}

/// Writes result rows.
pub struct ResultWriter<W: Write> {
    out: W,
    format: OutputFormat,
    columns: Vec<Column>,
    names: Vec<String>,
    units: Vec<Unit>,
    case: CaseNames,
    line: Vec<u8>,
}

/// The words of the codes a decoded case holds: cohort ids and each
/// attribute's value codes, by index.
struct CaseNames {
    cohorts: Vec<String>,
    attributes: Vec<Vec<String>>,
}

impl CaseNames {
    fn of(model: &Model) -> CaseNames {
        CaseNames {
            cohorts: model.cohorts.iter().map(|c| c.id.clone()).collect(),
            attributes: model
                .attributes
                .iter()
                .map(|a| a.values.iter().map(|v| v.code.clone()).collect())
                .collect(),
        }
    }

    /// The text of a case column, or `None` when the case has no value there.
    fn text(&self, column: Column, row: &RowView<'_>, out: &mut String) -> bool {
        let Some(case) = row.case else {
            return false;
        };
        out.clear();
        use std::fmt::Write as _;
        match column {
            Column::Cohort => match self.cohorts.get(case.cohort as usize) {
                Some(c) => out.push_str(c),
                None => return false,
            },
            Column::Assessed => match case.date {
                Some(d) => {
                    let _ = write!(out, "{d}");
                }
                None => return false,
            },
            Column::PlanCost => match case.plan_cost {
                Some(v) => out.push_str(&crate::eval::format_value(v, Unit::Money)),
                None => return false,
            },
            Column::Attribute(a) => {
                let value = case.attributes.get(a as usize).copied().flatten();
                match value.and_then(|v| self.attributes.get(a as usize)?.get(v as usize)) {
                    Some(code) => out.push_str(code),
                    None => return false,
                }
            }
            _ => return false,
        }
        true
    }
}

impl<W: Write> ResultWriter<W> {
    /// A writer for these columns; writes the CSV header at once.
    pub fn new(
        out: W,
        format: OutputFormat,
        model: &Model,
        columns: Vec<Column>,
    ) -> io::Result<Self> {
        let names: Vec<String> = columns
            .iter()
            .map(|c| column_name(model, *c).to_string())
            .collect();
        let units = model.steps.iter().map(|s| s.unit).collect();
        let mut writer = ResultWriter {
            out,
            format,
            columns,
            names,
            units,
            case: CaseNames::of(model),
            line: Vec::with_capacity(256),
        };
        if format == OutputFormat::Csv {
            let header: Vec<&str> = writer.names.iter().map(String::as_str).collect();
            writer.line.clear();
            for (i, name) in header.iter().enumerate() {
                if i > 0 {
                    writer.line.push(b',');
                }
                push_csv_field(&mut writer.line, name);
            }
            writer.line.push(b'\n');
            writer.out.write_all(&writer.line)?;
        }
        Ok(writer)
    }

    /// A writer that writes no header (for a chunk of rows written elsewhere).
    pub fn body_only(out: W, format: OutputFormat, model: &Model, columns: Vec<Column>) -> Self {
        let names = columns
            .iter()
            .map(|c| column_name(model, *c).to_string())
            .collect();
        let units = model.steps.iter().map(|s| s.unit).collect();
        ResultWriter {
            out,
            format,
            columns,
            names,
            units,
            case: CaseNames::of(model),
            line: Vec::with_capacity(256),
        }
    }

    /// The columns written.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The format written.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Writes rows already formatted by a [`ResultWriter::body_only`] writer.
    pub fn write_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    /// Writes one row.
    pub fn write(&mut self, row: &RowView<'_>) -> io::Result<()> {
        self.line.clear();
        match self.format {
            OutputFormat::Csv => {
                let lane = row.scratch.and_then(crate::eval::Scratch::lane_figures);
                for (i, column) in self.columns.iter().enumerate() {
                    if i > 0 {
                        self.line.push(b',');
                    }
                    // Figures, most of a row, are written here, without a
                    // call for each.
                    if let Column::Step(s) = *column {
                        push_step(&mut self.line, row, lane.as_ref(), s, &self.units);
                    } else {
                        push_csv_cell(&mut self.line, *column, row, &self.units, &self.case);
                    }
                }
                // An empty line is no row to a CSV reader: one empty value
                // is written as an empty quoted field.
                if self.line.is_empty() {
                    self.line.extend_from_slice(b"\"\"");
                }
            }
            OutputFormat::JsonLines => {
                self.line.push(b'{');
                for (i, column) in self.columns.iter().enumerate() {
                    if i > 0 {
                        self.line.push(b',');
                    }
                    push_json_string(&mut self.line, &self.names[i]);
                    self.line.push(b':');
                    push_json_cell(&mut self.line, *column, row, &self.units, &self.case);
                }
                self.line.push(b'}');
            }
        }
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Values are written as `ras eval --format json` prints them, by the one printer.
pub use crate::eval::push_value;

fn push_csv_cell(
    out: &mut Vec<u8>,
    column: Column,
    row: &RowView<'_>,
    units: &[Unit],
    case: &CaseNames,
) {
    match column {
        Column::CaseId => push_csv_field(out, row.case_id),
        Column::Step(s) => {
            let lane = row.scratch.and_then(crate::eval::Scratch::lane_figures);
            push_step(out, row, lane.as_ref(), s, units);
        }
        Column::Flag(f) => {
            if let Some(b) = row.flags.and_then(|v| v.get(f as usize)) {
                out.extend_from_slice(if *b { b"true" } else { b"false" });
            }
        }
        Column::Route => push_csv_field(out, row.route.unwrap_or("")),
        Column::Eligible => match row.eligible {
            Some(true) => out.extend_from_slice(b"true"),
            Some(false) => out.extend_from_slice(b"false"),
            None => {}
        },
        Column::Status => out.extend_from_slice(row.status.as_str().as_bytes()),
        Column::Message => push_csv_field(out, row.message),
        Column::Cohort | Column::Assessed | Column::PlanCost | Column::Attribute(_) => {
            let mut text = String::new();
            if case.text(column, row, &mut text) {
                push_csv_field(out, &text);
            }
        }
    }
}

fn push_json_cell(
    out: &mut Vec<u8>,
    column: Column,
    row: &RowView<'_>,
    units: &[Unit],
    case: &CaseNames,
) {
    match column {
        Column::CaseId => push_json_string(out, row.case_id),
        Column::Step(s) => {
            out.push(b'"');
            let lane = row.scratch.and_then(crate::eval::Scratch::lane_figures);
            if push_step(out, row, lane.as_ref(), s, units) {
                out.push(b'"');
            } else {
                out.pop();
                out.extend_from_slice(b"null");
            }
        }
        Column::Flag(f) => match row.flags.and_then(|v| v.get(f as usize)) {
            Some(true) => out.extend_from_slice(b"true"),
            Some(false) => out.extend_from_slice(b"false"),
            None => out.extend_from_slice(b"null"),
        },
        Column::Route => match row.route {
            Some(r) => push_json_string(out, r),
            None => out.extend_from_slice(b"null"),
        },
        Column::Eligible => out.extend_from_slice(match row.eligible {
            Some(true) => b"true",
            Some(false) => b"false",
            None => b"null",
        }),
        Column::Status => push_json_string(out, row.status.as_str()),
        Column::Message => push_json_string(out, row.message),
        Column::Cohort | Column::Assessed | Column::PlanCost | Column::Attribute(_) => {
            let mut text = String::new();
            if case.text(column, row, &mut text) {
                push_json_string(out, &text);
            } else {
                out.extend_from_slice(b"null");
            }
        }
    }
}

fn push_csv_field(out: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for b in text.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

fn push_json_string(out: &mut Vec<u8>, text: &str) {
    // serde_json escapes exactly as JSON requires; strings here are short.
    let _ = serde_json::to_writer(&mut *out, text);
}

#[cfg(test)]
mod tests;
