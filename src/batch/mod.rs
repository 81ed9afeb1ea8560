//! Batch evaluation of a caseload (`ras run`): streaming, in input order,
//! every row accounted for.
//!
//! Rows are read one at a time ([`input::CaseReader`]), decoded field by field
//! straight into a reused [`CaseInput`], evaluated on the fast path into a
//! reused [`Scratch`], and written ([`output::ResultWriter`]). Memory does not
//! grow with the number of cases. With several threads, rows travel in
//! numbered chunks and are written back in input order.

pub mod input;
mod json;
pub mod output;
mod parallel;

use crate::case::Case;
use crate::eval::{Answer, AnswerValue, CaseError, CaseInput, Evaluator, Scratch, Verdict};
use crate::model::needs::Needs;
use crate::model::{AttributeId, Model, QuestionId};
use crate::plan::Plan;
use crate::text::list;
use input::{CaseReader, Fields, FileProblem, Places, RowAt, RowContent, RowProblem};
use output::{ResultWriter, RowView, Status};
use std::io::Write;

pub use parallel::run_parallel;

/// What `ras run` was asked to do besides reading and writing.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Read dated parameters at this date instead of each case's own.
    pub as_of: Option<crate::date::Date>,
}

/// Counts at the end of a run. Always `rows = ok + not_eligible + not_validated + errors`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows read.
    pub rows: u64,
    /// Rows with figures.
    pub ok: u64,
    /// Rows not eligible.
    pub not_eligible: u64,
    /// Rows in a cohort the policy is not validated for.
    pub not_validated: u64,
    /// Rows that could not be evaluated.
    pub errors: u64,
}

impl Summary {
    fn count(&mut self, status: Status) {
        self.rows += 1;
        match status {
            Status::Ok => self.ok += 1,
            Status::NotEligible => self.not_eligible += 1,
            Status::NotValidated => self.not_validated += 1,
            Status::Error => self.errors += 1,
        }
    }

    fn add(&mut self, other: &Summary) {
        self.rows += other.rows;
        self.ok += other.ok;
        self.not_eligible += other.not_eligible;
        self.not_validated += other.not_validated;
        self.errors += other.errors;
    }

    /// `N cases: A ok, B not eligible, C not validated, D errors`
    pub fn line(&self) -> String {
        format!(
            "{} cases: {} ok, {} not eligible, {} not validated, {} errors",
            self.rows, self.ok, self.not_eligible, self.not_validated, self.errors
        )
    }
}

/// A row that could not be evaluated, for the `--errors` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRecord {
    /// 1-based row number (the first case is row 1).
    pub row: u64,
    /// Where the row is: the line of the file it starts on, or the
    /// spreadsheet's row number ([`input::Places`]).
    pub line: u64,
    /// The case id (or the row number).
    pub case_id: String,
    /// The column concerned, if any.
    pub column: String,
    /// Stable code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

/// What a column of a table caseload holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    CaseId,
    Cohort,
    Assessed,
    PlanCost,
    Attribute(AttributeId),
    Question(QuestionId),
    Ignored,
}

/// How the columns of a table map to the case, worked out once from its header.
#[derive(Debug, Clone)]
pub struct Layout {
    names: Vec<String>,
    /// Per column, how its text is read, worked out once so that reading a
    /// row does no look-up by column.
    columns: Vec<Column>,
    /// The questions and attributes no column gives: each row starts them
    /// at their default (a column always writes its own).
    questions_without_column: Vec<QuestionId>,
    attributes_without_column: Vec<AttributeId>,
}

/// How one column of a table is read.
#[derive(Debug, Clone, Copy)]
enum Column {
    /// A choice question whose codes include single digits: the option index
    /// of each digit (`NO_OPTION` where none). Most caseloads code answers
    /// `1`..`5`, so this skips the general look-up for them.
    Digits(QuestionId, [u32; 10]),
    Other(Field),
}

const NO_OPTION: u32 = u32::MAX;

/// The option index of each single-digit code of a choice question.
fn digit_codes(model: &Model, field: Field) -> Option<[u32; 10]> {
    let Field::Question(q) = field else {
        return None;
    };
    let crate::model::QuestionKind::Choice { options, .. } = &model.questions.get(q as usize)?.kind
    else {
        return None;
    };
    let mut table = [NO_OPTION; 10];
    for (i, option) in options.iter().enumerate() {
        if let [d @ b'0'..=b'9'] = option.code.as_bytes() {
            let slot = &mut table[usize::from(d - b'0')];
            if *slot == NO_OPTION {
                *slot = i as u32;
            }
        }
    }
    table.iter().any(|i| *i != NO_OPTION).then_some(table)
}

impl Layout {
    /// Maps a header to the plan; returns warnings for columns the rules do
    /// not know. A question the rules need with no column is a problem with
    /// the whole file.
    pub fn new(
        ev: &Evaluator<'_>,
        header: &[String],
        options: &RunOptions,
    ) -> Result<(Layout, Vec<String>), FileProblem> {
        let model = &ev.plan().model;
        let mut warnings = Vec::new();
        let mut fields = Vec::with_capacity(header.len());
        for name in header {
            let field = match name.as_str() {
                "case_id" => Field::CaseId,
                "cohort" => Field::Cohort,
                "assessed" => Field::Assessed,
                "plan_cost" => Field::PlanCost,
                other => match (ev.question_index(other), ev.attribute_index(other)) {
                    (Some(q), _) => Field::Question(q),
                    (None, Some(a)) => Field::Attribute(a),
                    (None, None) => {
                        warnings.push(format!("column `{other}` is not a question or attribute of this policy; it is ignored"));
                        Field::Ignored
                    }
                },
            };
            if field != Field::Ignored && fields.contains(&field) {
                return Err(
                    FileProblem::new(format!("the column `{name}` appears twice"))
                        .hint("each question, attribute and case field has one column"),
                );
            }
            fields.push(field);
        }
        if !fields.contains(&Field::Cohort) {
            return Err(
                FileProblem::new("the caseload has no `cohort` column").hint(format!(
                    "add a `cohort` column holding one of: {}",
                    list(model.cohorts.iter().map(|c| c.id.as_str()))
                )),
            );
        }
        let needs = Needs::of(model);
        let missing: Vec<&str> = model
            .questions
            .iter()
            .enumerate()
            .filter(|(q, _)| {
                let q = *q as QuestionId;
                needs.answer_required(model, q) && !fields.contains(&Field::Question(q))
            })
            .map(|(_, q)| q.id.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(FileProblem::new(format!(
                "the caseload has no column for {} {}, which the rules need",
                if missing.len() == 1 {
                    "question"
                } else {
                    "questions"
                },
                list(missing)
            ))
            .hint("add a column named after each question id, holding the option code chosen"));
        }
        if needs.date && options.as_of.is_none() && !fields.contains(&Field::Assessed) {
            return Err(FileProblem::new("the rules have values that change by date, but the caseload has no `assessed` column")
                .hint("add an `assessed` column (YYYY-MM-DD), or give `--as-of DATE`"));
        }
        let used: Vec<&Field> = fields
            .iter()
            .filter(|f| matches!(f, Field::Attribute(_)))
            .collect();
        for (a, attribute) in model.attributes.iter().enumerate() {
            if !used.contains(&&Field::Attribute(a as AttributeId))
                && needs.attribute(a as AttributeId)
            {
                return Err(FileProblem::new(format!(
                    "the caseload has no `{}` column, which the rules need",
                    attribute.id
                ))
                .hint(format!(
                    "its values are: {}",
                    list(attribute.values.iter().map(|v| v.code.as_str()))
                )));
            }
        }
        let columns = fields
            .iter()
            .map(|f| match (f, digit_codes(model, *f)) {
                (Field::Question(q), Some(table)) => Column::Digits(*q, table),
                _ => Column::Other(*f),
            })
            .collect();
        let questions_without_column = (0..model.questions.len() as QuestionId)
            .filter(|q| !fields.contains(&Field::Question(*q)))
            .collect();
        let attributes_without_column = (0..model.attributes.len() as AttributeId)
            .filter(|a| !fields.contains(&Field::Attribute(*a)))
            .collect();
        Ok((
            Layout {
                names: header.to_vec(),
                columns,
                questions_without_column,
                attributes_without_column,
            },
            warnings,
        ))
    }
}

/// Decodes and evaluates rows one at a time, reusing every buffer.
pub struct RowEvaluator<'e, 'p> {
    ev: &'e Evaluator<'p>,
    layout: Option<Layout>,
    options: RunOptions,
    places: Places,
    json: json::JsonCases,
    input: CaseInput,
    scratch: Scratch,
    flags: Vec<bool>,
    case_id: String,
    message: String,
    decoded: bool,
}

impl<'e, 'p> RowEvaluator<'e, 'p> {
    /// An evaluator of rows laid out as `layout` (`None` for JSON Lines),
    /// naming rows in messages as `places` does.
    pub fn new(
        ev: &'e Evaluator<'p>,
        layout: Option<Layout>,
        options: RunOptions,
        places: Places,
    ) -> Self {
        RowEvaluator {
            ev,
            layout,
            options,
            places,
            json: json::JsonCases::new(ev),
            input: CaseInput::new(ev),
            scratch: Scratch::new(ev),
            flags: vec![false; ev.plan().model.flags.len()],
            case_id: String::new(),
            message: String::new(),
            decoded: false,
        }
    }

    /// The last row's case as decoded, when it could be (`None` for a row
    /// whose fields could not all be read).
    pub fn input(&self) -> Option<&CaseInput> {
        self.decoded.then_some(&self.input)
    }

    /// The last row's figures (read them only when its status is `Ok`).
    pub fn scratch(&self) -> &Scratch {
        &self.scratch
    }

    /// The last row's case id (or row number).
    pub fn case_id(&self) -> &str {
        &self.case_id
    }

    /// Evaluates one row and writes its result; returns its status.
    pub fn process<W: Write>(
        &mut self,
        at: RowAt,
        content: RowContent<'_>,
        out: &mut ResultWriter<W>,
        errors: &mut Vec<ErrorRecord>,
    ) -> std::io::Result<Status> {
        self.case_id.clear();
        self.message.clear();
        let outcome = match content {
            RowContent::Fields(fields) => self.decode_fields(fields),
            RowContent::Json(line) => self.decode_json(line),
            RowContent::Problem(p) => {
                if let Some(id) = &p.case_id {
                    self.case_id.push_str(id);
                }
                Err(p)
            }
        };
        self.decoded = outcome.is_ok();
        if self.case_id.is_empty() {
            // A file without case ids numbers its rows (1 = the first case).
            use std::fmt::Write as _;
            let _ = write!(self.case_id, "{}", at.number);
        }
        let verdict = outcome.and_then(|()| {
            self.ev
                .run(&self.input, &mut self.scratch)
                .map_err(|e| from_case_error(e, None))
        });
        let model = &self.ev.plan().model;
        let (status, eligible) = match &verdict {
            Ok(Verdict::Figures) => (Status::Ok, Some(true)),
            Ok(Verdict::NotEligible) => {
                self.scratch.settle();
                let steps = self.scratch.all_steps();
                for (i, r) in self
                    .scratch
                    .failed_requirements()
                    .iter()
                    .filter_map(|r| model.eligibility.get(*r as usize))
                    .enumerate()
                {
                    if i > 0 {
                        self.message.push_str("; ");
                    }
                    self.message
                        .push_str(&crate::eval::requirement_reason(model, r, steps));
                }
                (Status::NotEligible, Some(false))
            }
            Ok(Verdict::NotValidated) => {
                let reason = model
                    .cohorts
                    .get(self.input.cohort as usize)
                    .and_then(|c| c.not_validated.as_deref());
                self.message
                    .push_str(reason.unwrap_or("the policy is not validated for this cohort"));
                (Status::NotValidated, None)
            }
            Err(p) => {
                use std::fmt::Write as _;
                let place = self.places.describe(at.line);
                match &p.column {
                    Some(c) => {
                        let _ = write!(self.message, "{place}, column {c}: {}", p.message);
                    }
                    None => {
                        let _ = write!(self.message, "{place}: {}", p.message);
                    }
                }
                errors.push(ErrorRecord {
                    row: at.number,
                    line: at.line,
                    case_id: self.case_id.clone(),
                    column: p.column.clone().unwrap_or_default(),
                    code: p.code,
                    message: p.message.clone(),
                });
                (Status::Error, None)
            }
        };
        let figures = status == Status::Ok;
        if figures {
            for (i, f) in self.flags.iter_mut().enumerate() {
                *f = self.scratch.flag(i as u32).unwrap_or(false);
            }
        }
        let route = if figures {
            self.scratch
                .route()
                .and_then(|r| model.route.as_ref()?.rules.get(r as usize))
                .map(|r| r.id.as_str())
        } else {
            None
        };
        out.write(&RowView {
            case_id: &self.case_id,
            status,
            message: &self.message,
            eligible,
            steps: figures.then(|| self.scratch.all_steps()),
            flags: figures.then_some(self.flags.as_slice()),
            route,
            case: self.input(),
            scratch: figures.then_some(&self.scratch),
        })?;
        Ok(status)
    }

    /// Decodes a JSON line into the reused input: flat lines straight from
    /// the text, any other through a [`Case`], which gives every error.
    fn decode_json(&mut self, line: &str) -> Result<(), RowProblem> {
        let as_of = self.options.as_of;
        let fast = self
            .json
            .decode(self.ev, line, as_of, &mut self.input, &mut self.case_id);
        if fast.is_some() {
            return Ok(());
        }
        self.case_id.clear();
        let case = Case::from_json(line).map_err(|e| RowProblem {
            column: None,
            code: crate::diag::codes::BAD_JSON.name,
            message: format!("not a case (column {}): {}", e.column, e.message),
            case_id: None,
        })?;
        // An empty or missing case_id is refused when the case is read.
        self.case_id.push_str(case.case_id.as_deref().unwrap_or(""));
        self.ev
            .decode_into(&case, as_of, &mut self.input)
            .map_err(|e| from_case_error(e, None))
    }

    /// Decodes a table row into the reused input.
    fn decode_fields(&mut self, fields: Fields<'_>) -> Result<(), RowProblem> {
        let Some(layout) = &self.layout else {
            return Err(RowProblem {
                column: None,
                code: crate::diag::codes::BAD_ROW.name,
                message: "the row has no header to read it by".into(),
                case_id: None,
            });
        };
        let ev = self.ev;
        let as_of = self.options.as_of;
        let input = &mut self.input;
        input.cohort = 0;
        input.date = as_of;
        input.plan_cost = None;
        for q in &layout.questions_without_column {
            if let (Some(slot), Some(default)) =
                (input.answers.get_mut(*q as usize), ev.default_answer(*q))
            {
                *slot = default;
            }
        }
        for a in &layout.attributes_without_column {
            if let Some(slot) = input.attributes.get_mut(*a as usize) {
                *slot = None;
            }
        }
        let (record, ends, gap) = fields.parts();
        let bytes = record.as_bytes();
        let mut first_problem: Option<RowProblem> = None;
        let mut start = 0;
        // Every column is read, so that a row with fewer fields than the
        // header leaves none of the last row's answers behind; a field past
        // the row's end is empty, and fields past the header are ignored.
        for (i, column) in layout.columns.iter().enumerate() {
            let field = match ends.get(i) {
                Some(&end) => start..end,
                None => 0..0,
            };
            start = field.end + gap;
            // Most fields are a one-digit code: its byte is read straight
            // from the record, and its option from the column's table.
            if let Column::Digits(q, table) = column {
                if field.len() == 1 {
                    let option = bytes
                        .get(field.start)
                        .and_then(|d| table.get(usize::from(d.wrapping_sub(b'0'))))
                        .copied()
                        .unwrap_or(NO_OPTION);
                    if option != NO_OPTION {
                        if let Some(slot) = input.answers.get_mut(*q as usize) {
                            *slot = Answer {
                                value: AnswerValue::Choice(option),
                                defaulted: false,
                            };
                        }
                        continue;
                    }
                }
            }
            let field_kind = match column {
                Column::Digits(q, _) => Field::Question(*q),
                Column::Other(f) => *f,
            };
            let result = match record.get(field) {
                Some(text) => decode_text(
                    ev,
                    as_of,
                    input,
                    &mut self.case_id,
                    field_kind,
                    text.trim_ascii(),
                ),
                // The record is UTF-8 as a whole, but this field alone is not.
                None => Err(CaseError::new(
                    crate::diag::codes::NOT_UTF8.name,
                    "the field is not UTF-8 text".to_string(),
                    None,
                )),
            };
            if let Err(e) = result {
                if first_problem.is_none() {
                    first_problem = Some(from_case_error(e, layout.names.get(i).cloned()));
                }
            }
        }
        match first_problem {
            Some(p) => Err(p),
            None => Ok(()),
        }
    }
}

/// Reads one field's text (without its surrounding spaces) into the case:
/// every field but a one-digit code, which [`RowEvaluator::decode_fields`]
/// reads itself.
fn decode_text(
    ev: &Evaluator<'_>,
    as_of: Option<crate::date::Date>,
    input: &mut CaseInput,
    case_id: &mut String,
    field: Field,
    text: &str,
) -> Result<(), CaseError> {
    match field {
        Field::CaseId if text.is_empty() => Err(CaseError::new(
            crate::diag::codes::NO_CASE_ID.name,
            "the case_id is empty; every row needs its own id when the file has a `case_id` column"
                .to_string(),
            Some("case_id"),
        )),
        Field::CaseId => {
            case_id.push_str(text);
            Ok(())
        }
        Field::Cohort => ev.decode_cohort(text).map(|c| input.cohort = c),
        Field::Assessed if text.is_empty() || as_of.is_some() => Ok(()),
        Field::Assessed => match crate::date::Date::parse(text) {
            Some(d) => {
                input.date = Some(d);
                Ok(())
            }
            None => Err(CaseError::new(
                crate::diag::codes::BAD_DATE.name,
                format!("`{text}` is not a date; write YYYY-MM-DD"),
                Some("assessed"),
            )),
        },
        Field::PlanCost if text.is_empty() => Ok(()),
        Field::PlanCost => match pounds_and_pence(text.as_bytes())
            .map_or_else(|| crate::number::parse_money(text), Ok)
        {
            Ok(v) => {
                input.plan_cost = Some(v);
                Ok(())
            }
            Err(e) => Err(CaseError::new(
                e.code(),
                e.money_message(text),
                Some("plan_cost"),
            )),
        },
        Field::Attribute(a) if text.is_empty() => {
            if let Some(slot) = input.attributes.get_mut(a as usize) {
                *slot = None;
            }
            Ok(())
        }
        Field::Attribute(a) => ev.decode_attribute(a, text).map(|v| {
            if let Some(slot) = input.attributes.get_mut(a as usize) {
                *slot = Some(v);
            }
        }),
        Field::Question(q) => match ev.choice_code(q, text) {
            // A code of a choice question, read without the general
            // decoder, which gives the default or the error otherwise.
            Some(option) => {
                if let Some(slot) = input.answers.get_mut(q as usize) {
                    *slot = Answer {
                        value: AnswerValue::Choice(option),
                        defaulted: false,
                    };
                }
                Ok(())
            }
            None => ev.decode_answer(q, text).map(|answer| {
                if let Some(slot) = input.answers.get_mut(q as usize) {
                    *slot = answer;
                }
            }),
        },
        Field::Ignored => Ok(()),
    }
}

/// The usual plan cost, pounds and two figures of pence (`564.02`), read
/// in one pass; `None` for any other text, which [`crate::number::parse_money`]
/// reads. Gives what it gives for the same text (tested): every digit in
/// the mantissa, two decimal places.
#[inline]
fn pounds_and_pence(text: &[u8]) -> Option<rust_decimal::Decimal> {
    let (pounds, [b'.', tens @ b'0'..=b'9', units @ b'0'..=b'9']) = text.split_last_chunk::<3>()?
    else {
        return None;
    };
    // Sixteen figures of pounds at most, so the pence fit an i64.
    if pounds.is_empty() || pounds.len() > 16 {
        return None;
    }
    let mut pence: i64 = 0;
    for &d in pounds {
        if !d.is_ascii_digit() {
            return None;
        }
        pence = pence * 10 + i64::from(d - b'0');
    }
    pence = pence * 100 + i64::from(tens - b'0') * 10 + i64::from(units - b'0');
    rust_decimal::Decimal::try_new(pence, 2).ok()
}

fn from_case_error(e: CaseError, column: Option<String>) -> RowProblem {
    RowProblem {
        column: column.or(e.question),
        code: e.code,
        message: e.message,
        case_id: None,
    }
}

/// Checks a caseload's columns against the plan without reading a row, so that
/// a problem with the whole file is reported before anything is written.
pub fn check_columns(
    plan: &Plan,
    reader: &CaseReader,
    options: &RunOptions,
) -> Result<Vec<String>, RunError> {
    let ev = Evaluator::new(plan);
    Ok(layout_of(&ev, reader, options)?
        .map(|(_, warnings)| warnings)
        .unwrap_or_default())
}

/// The layout of a table caseload's columns (`None` for JSON Lines); a
/// problem with them names the file.
pub(crate) fn layout_of(
    ev: &Evaluator<'_>,
    reader: &CaseReader,
    options: &RunOptions,
) -> Result<Option<(Layout, Vec<String>)>, RunError> {
    if reader.header().is_empty() {
        return Ok(None);
    }
    match Layout::new(ev, reader.header(), options) {
        Ok(done) => Ok(Some(done)),
        Err(p) => {
            let file = match reader.name() {
                "-" => "standard input".to_string(),
                name => format!("`{name}`"),
            };
            Err(RunError::File(FileProblem {
                message: format!("{file}: {}", p.message),
                hint: p.hint,
            }))
        }
    }
}

/// Runs a whole caseload on one thread, writing results as they come.
/// `progress` is called every few thousand rows with the rows done and the
/// reader's [`CaseReader::progress`].
pub fn run<W: Write>(
    plan: &Plan,
    mut reader: CaseReader,
    out: &mut ResultWriter<W>,
    errors: &mut dyn FnMut(&ErrorRecord) -> std::io::Result<()>,
    options: &RunOptions,
    progress: &mut dyn FnMut(u64, (u64, Option<u64>)),
) -> Result<(Summary, Vec<String>), RunError> {
    let ev = Evaluator::new(plan);
    let (layout, warnings) = match layout_of(&ev, &reader, options)? {
        Some((l, w)) => (Some(l), w),
        None => (None, Vec::new()),
    };
    let mut rows = RowEvaluator::new(&ev, layout, options.clone(), reader.places().clone());
    let mut summary = Summary::default();
    let mut pending = Vec::new();
    while let Some((at, content)) = reader.next_row() {
        let status = rows
            .process(at, content, out, &mut pending)
            .map_err(RunError::Io)?;
        summary.count(status);
        // Most rows have no error: nothing to drain.
        if !pending.is_empty() {
            for e in pending.drain(..) {
                errors(&e).map_err(RunError::Io)?;
            }
        }
        if at.number % 16_384 == 0 {
            progress(at.number, reader.progress());
        }
    }
    if let Some(problem) = reader.take_fatal() {
        return Err(RunError::File(problem));
    }
    progress(summary.rows, reader.progress());
    Ok((summary, warnings))
}

/// A row of a table caseload decoded as `ras run` decodes it, with the text
/// of columns the rules do not read (a cost, a service area), for the
/// finance commands.
#[derive(Debug, Clone)]
pub struct DecodedRow {
    /// Where the row is.
    pub at: RowAt,
    /// The row's place in words (`line 7`, `row 5 of sheet Cases`).
    pub place: String,
    /// The case id (or the row number).
    pub case_id: String,
    /// The case, or why it cannot be read.
    pub input: Result<CaseInput, ErrorRecord>,
    /// The text of each of the extra columns asked for, in that order.
    pub extra: Vec<String>,
}

/// Reads a table caseload (CSV or Excel) row by row, decoding each case and
/// picking out the `extra` columns, which must be in the header. Returns the
/// warnings about columns neither the rules nor `extra` name.
pub fn decode_rows(
    plan: &Plan,
    mut reader: CaseReader,
    options: &RunOptions,
    extra: &[&str],
    each: &mut dyn FnMut(DecodedRow),
) -> Result<Vec<String>, RunError> {
    let ev = Evaluator::new(plan);
    let Some((layout, warnings)) = layout_of(&ev, &reader, options)? else {
        return Err(RunError::File(
            FileProblem::new(format!(
                "`{}` holds JSON Lines, which have no room for the columns {}",
                reader.name(),
                list(extra.iter().map(|c| format!("`{c}`")))
            ))
            .hint("give the cases as a CSV file or an Excel workbook, one column per question and a column for each figure"),
        ));
    };
    let header = reader.header().to_vec();
    let mut columns = Vec::with_capacity(extra.len());
    for name in extra {
        match header.iter().position(|h| h == name) {
            Some(i) => columns.push(i),
            None => {
                return Err(RunError::File(
                    FileProblem::new(format!("`{}` has no column `{name}`", reader.name())).hint(
                        format!(
                            "its columns are: {}",
                            list(header.iter().map(|h| h.as_str()))
                        ),
                    ),
                ))
            }
        }
    }
    let warnings = warnings
        .into_iter()
        .filter(|w| {
            !extra
                .iter()
                .any(|c| w.starts_with(&format!("column `{c}` ")))
        })
        .collect();
    let places = reader.places().clone();
    let mut rows = RowEvaluator::new(&ev, Some(layout), options.clone(), places.clone());
    while let Some((at, content)) = reader.next_row() {
        rows.case_id.clear();
        let (input, extra_text) = match content {
            RowContent::Fields(fields) => {
                let text = columns.iter().map(|i| fields.get(*i).to_string()).collect();
                (rows.decode_fields(fields), text)
            }
            RowContent::Json(_) => (
                Err(RowProblem {
                    column: None,
                    code: crate::diag::codes::BAD_ROW.name,
                    message: "the row has no header to read it by".into(),
                    case_id: None,
                }),
                vec![String::new(); columns.len()],
            ),
            RowContent::Problem(p) => {
                if let Some(id) = &p.case_id {
                    rows.case_id.push_str(id);
                }
                (Err(p), vec![String::new(); columns.len()])
            }
        };
        if rows.case_id.is_empty() {
            rows.case_id = at.number.to_string();
        }
        let case_id = rows.case_id.clone();
        let input = match input {
            Ok(()) => Ok(rows.input.clone()),
            Err(p) => Err(ErrorRecord {
                row: at.number,
                line: at.line,
                case_id: case_id.clone(),
                column: p.column.unwrap_or_default(),
                code: p.code,
                message: p.message,
            }),
        };
        each(DecodedRow {
            at,
            place: places.describe(at.line),
            case_id,
            input,
            extra: extra_text,
        });
    }
    if let Some(problem) = reader.take_fatal() {
        return Err(RunError::File(problem));
    }
    Ok(warnings)
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A problem with the whole caseload or the plan.
    #[error("{0}")]
    File(FileProblem),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(std::io::Error),
}

#[cfg(test)]
mod tests;
