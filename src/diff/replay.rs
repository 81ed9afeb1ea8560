//! The caseload replayed under both versions in one streaming pass, read as
//! `ras run` reads it (CSV, JSON Lines or a workbook, through
//! [`crate::batch`]'s reader and row decoder), one row in memory at a time.

use super::impact::{Figure, Impact, Outcome};
use super::{Change, Steps, Version};
use crate::batch::input::{CaseReader, RowContent};
use crate::batch::output::{OutputFormat, ResultWriter, Status};
use crate::batch::{layout_of, ErrorRecord, RowEvaluator, RunError, RunOptions};
use crate::eval::{CaseInput, Evaluator, Scratch};
use crate::model::{Model, StepId};
use std::io::Write;

/// What to replay.
#[derive(Debug, Clone, Default)]
pub struct ReplayOptions {
    /// The outputs (or steps) compared; the indicative output when empty.
    pub outputs: Vec<String>,
    /// Split each person's change by the value changes.
    pub split: bool,
    /// Read dated values at this date instead of each case's.
    pub as_of: Option<crate::date::Date>,
}

/// Which version a row that is an error failed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Under the old version only.
    Old,
    /// Under the new version only.
    New,
    /// The same error under both (a row that cannot be read, say).
    Both,
}

impl Side {
    /// The word in an errors file.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
            Side::Both => "both",
        }
    }
}

/// What a replay found: the impact on each output compared, warnings about
/// the caseload's columns, and how many rows are errors under each version.
#[derive(Debug)]
pub struct Replayed {
    /// One per output compared.
    pub impacts: Vec<Impact>,
    /// Columns neither version reads, in words.
    pub warnings: Vec<String>,
    /// Rows read.
    pub rows: u64,
    /// Rows that are errors under the old version, and under the new.
    pub errors: (u64, u64),
}

/// An output of both versions: its name and its step in each.
struct Compared {
    name: String,
    old: StepId,
    new: StepId,
}

/// The outputs asked for, each a step of both versions; the problem in words
/// when one is not.
fn compared(old: &Model, new: &Model, names: &[String]) -> Result<Vec<Compared>, String> {
    let names: Vec<String> = if names.is_empty() {
        vec![old
            .steps
            .get(old.indicative as usize)
            .map(|s| s.id.clone())
            .unwrap_or_default()]
    } else {
        names.to_vec()
    };
    names
        .into_iter()
        .map(|name| match (old.step_named(&name), new.step_named(&name)) {
            (Some(o), Some(n)) => Ok(Compared { name, old: o, new: n }),
            (o, _) => {
                let (which, model) = if o.is_none() { ("old", old) } else { ("new", new) };
                let hint = crate::check::did_you_mean(&name, model.steps.iter().map(|s| s.id.as_str()))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                Err(format!("`--output {name}`: the {which} version has no output or step `{name}`{hint}"))
            }
        })
        .collect()
}

/// Checks the outputs asked for before any row is read.
pub fn check_outputs(old: &Version, new: &Version, names: &[String]) -> Result<(), String> {
    compared(old.model(), new.model(), names).map(|_| ())
}

/// A copy of a row for the second version (a table row or a JSON line is borrowed).
fn again<'r>(content: &RowContent<'r>) -> RowContent<'r> {
    match content {
        RowContent::Fields(f) => RowContent::Fields(*f),
        RowContent::Json(line) => RowContent::Json(line),
        RowContent::Problem(p) => RowContent::Problem(p.clone()),
    }
}

fn figure(status: Status, scratch: &Scratch, step: StepId) -> Figure {
    match (status, scratch.step(step)) {
        (Status::Ok, Some(v)) => Figure::Value(v),
        (Status::Ok, None) => Figure::None(Status::Error),
        (s, _) => Figure::None(s),
    }
}

/// Where a replay writes as it goes.
pub struct Sinks<'s> {
    /// Each case's figures as CSV, when given.
    pub per_case: Option<&'s mut dyn Write>,
    /// Each row that is an error, with the version it failed under (once, as
    /// [`Side::Both`], when both give the same error).
    pub on_error: &'s mut dyn FnMut(Side, &ErrorRecord) -> std::io::Result<()>,
    /// Called every few thousand rows with the rows read and the reader's progress.
    pub progress: &'s mut dyn FnMut(u64, (u64, Option<u64>)),
}

/// Replays every row of `reader` under both versions.
pub fn replay(
    old: &Version,
    new: &Version,
    changes: &[Change],
    mut reader: CaseReader,
    options: &ReplayOptions,
    sinks: Sinks<'_>,
) -> Result<Replayed, RunError> {
    let Sinks {
        per_case,
        on_error,
        progress,
    } = sinks;
    let (a, b) = (old.model(), new.model());
    let outputs = compared(a, b, &options.outputs)
        .map_err(|m| RunError::File(crate::batch::input::FileProblem::new(m)))?;
    let run = RunOptions {
        as_of: options.as_of,
    };
    let (ev_old, ev_new) = (Evaluator::new(&old.plan), Evaluator::new(&new.plan));
    let (layout_old, warn_old) = split(layout_of(&ev_old, &reader, &run)?);
    let (layout_new, warn_new) = split(layout_of(&ev_new, &reader, &run)?);
    // A column is ignored only when neither version reads it.
    let warnings: Vec<String> = warn_old
        .into_iter()
        .filter(|w| warn_new.contains(w))
        .collect();
    let places = reader.places().clone();
    let mut rows_old = RowEvaluator::new(&ev_old, layout_old, run.clone(), places.clone());
    let mut rows_new = RowEvaluator::new(&ev_new, layout_new, run, places);
    let mut sink_old = ResultWriter::body_only(std::io::sink(), OutputFormat::Csv, a, vec![]);
    let mut sink_new = ResultWriter::body_only(std::io::sink(), OutputFormat::Csv, b, vec![]);
    let (mut errors_old, mut errors_new) = (Vec::new(), Vec::new());
    let mut error_rows = (0u64, 0u64);

    let steps = if options.split {
        Steps::new(old, changes, "")
    } else {
        Steps {
            plans: vec![],
            folded: vec![],
        }
    };
    let between: Vec<Evaluator<'_>> = steps.plans.iter().map(|(_, p)| Evaluator::new(p)).collect();
    let mut between_scratch: Vec<Scratch> = between.iter().map(Scratch::new).collect();
    let mut between_ok: Vec<bool> = vec![false; between.len()];
    let part_changes: Vec<usize> = steps.plans.iter().map(|(n, _)| *n).collect();

    let attributes: Vec<String> = a
        .attributes
        .iter()
        .map(|x| x.id.clone())
        .chain(
            b.attributes
                .iter()
                .filter(|x| a.attribute_named(&x.id).is_none())
                .map(|x| x.id.clone()),
        )
        .collect();
    let flags: Vec<String> = a
        .flags
        .iter()
        .map(|f| f.id.clone())
        .chain(
            b.flags
                .iter()
                .filter(|f| a.flag_named(&f.id).is_none())
                .map(|f| f.id.clone()),
        )
        .collect();
    let flag_old: Vec<Option<u32>> = flags.iter().map(|f| a.flag_named(f)).collect();
    let flag_new: Vec<Option<u32>> = flags.iter().map(|f| b.flag_named(f)).collect();
    let attr_old: Vec<Option<u32>> = attributes.iter().map(|x| a.attribute_named(x)).collect();
    let attr_new: Vec<Option<u32>> = attributes.iter().map(|x| b.attribute_named(x)).collect();
    let has_route = a.route.is_some() || b.route.is_some();
    let mut impacts: Vec<Impact> = outputs
        .iter()
        .map(|o| {
            let unit = a
                .steps
                .get(o.old as usize)
                .map_or(crate::units::Unit::Number, |s| s.unit);
            let weekly = o.old == a.indicative && o.new == b.indicative;
            Impact::new(
                &o.name,
                unit,
                weekly,
                attributes.clone(),
                flags.clone(),
                has_route,
                &part_changes,
            )
        })
        .collect();

    let mut csv = per_case.map(csv::Writer::from_writer);
    if let Some(w) = &mut csv {
        let mut head = vec![
            "case_id".to_string(),
            "cohort".into(),
            "old_status".into(),
            "new_status".into(),
            "status".into(),
        ];
        for o in &outputs {
            head.extend([
                format!("old_{}", o.name),
                format!("new_{}", o.name),
                format!("change_{}", o.name),
            ]);
            for n in &part_changes {
                let text = changes.get(*n).map_or("", |c| c.text.as_str());
                head.push(format!("{}: {text}", o.name));
            }
            if !part_changes.is_empty() {
                head.push(format!("{}: every other change", o.name));
            }
        }
        w.write_record(&head)
            .map_err(|e| RunError::Io(std::io::Error::other(e)))?;
    }

    let mut outcome = Outcome::default();
    let mut rows = 0u64;
    while let Some((at, content)) = reader.next_row() {
        let second = again(&content);
        let s_old = rows_old
            .process(at, content, &mut sink_old, &mut errors_old)
            .map_err(RunError::Io)?;
        let s_new = rows_new
            .process(at, second, &mut sink_new, &mut errors_new)
            .map_err(RunError::Io)?;
        error_rows.0 += u64::from(!errors_old.is_empty());
        error_rows.1 += u64::from(!errors_new.is_empty());
        report_errors(&mut errors_old, &mut errors_new, on_error).map_err(RunError::Io)?;
        rows += 1;
        outcome.case_id.clear();
        outcome.case_id.push_str(rows_old.case_id());
        let (in_old, in_new) = (rows_old.input(), rows_new.input());
        outcome.cohort.clear();
        let cohort = in_old
            .and_then(|i| a.cohorts.get(i.cohort as usize))
            .or_else(|| in_new.and_then(|i| b.cohorts.get(i.cohort as usize)));
        outcome
            .cohort
            .push_str(cohort.map_or("", |c| c.id.as_str()));
        outcome.attributes.resize(attributes.len(), String::new());
        for (n, value) in outcome.attributes.iter_mut().enumerate() {
            value.clear();
            let code = attribute_code(a, in_old, attr_old[n])
                .or_else(|| attribute_code(b, in_new, attr_new[n]));
            value.push_str(code.unwrap_or(""));
        }
        let figures = (s_old == Status::Ok, s_new == Status::Ok);
        outcome.old_flags.clear();
        outcome.new_flags.clear();
        for n in 0..flags.len() {
            let raised = |f: Option<u32>, s: &Scratch, ok: bool| {
                ok && f.and_then(|f| s.flag(f)).unwrap_or(false)
            };
            outcome
                .old_flags
                .push(raised(flag_old[n], rows_old.scratch(), figures.0));
            outcome
                .new_flags
                .push(raised(flag_new[n], rows_new.scratch(), figures.1));
        }
        outcome.old_route = route(a, rows_old.scratch(), figures.0);
        outcome.new_route = route(b, rows_new.scratch(), figures.1);
        // The plans between run on the old decoding: they share its questions.
        let split_this = figures.0 && figures.1 && !between.is_empty();
        if split_this {
            if let Some(input) = in_old {
                run_between(&between, &mut between_scratch, &mut between_ok, input);
            }
        }
        let mut record: Vec<String> = Vec::new();
        if csv.is_some() {
            record.extend([
                outcome.case_id.clone(),
                outcome.cohort.clone(),
                s_old.as_str().to_string(),
                s_new.as_str().to_string(),
                match figures {
                    (true, true) => "both",
                    (false, true) => "gained_figure",
                    (true, false) => "lost_figure",
                    (false, false) => "neither",
                }
                .to_string(),
            ]);
        }
        for (o, impact) in outputs.iter().zip(impacts.iter_mut()) {
            outcome.old = Some(figure(s_old, rows_old.scratch(), o.old));
            outcome.new = Some(figure(s_new, rows_new.scratch(), o.new));
            outcome.parts.clear();
            if let (true, Some(Figure::Value(v0)), Some(Figure::Value(vn))) =
                (split_this, outcome.old, outcome.new)
            {
                let mut last = v0;
                // The plans between are the old model with values changed:
                // the output is the same step there.
                for (scratch, ok) in between_scratch.iter().zip(&between_ok) {
                    // A plan between that gives no figure passes its part on
                    // to the next: the parts still sum to the change.
                    let v = match (*ok, scratch.step(o.old)) {
                        (true, Some(v)) => v,
                        _ => last,
                    };
                    outcome.parts.push(v - last);
                    last = v;
                }
                outcome.parts.push(vn - last);
            }
            impact.add(&outcome);
            if csv.is_some() {
                let unit = impact.unit;
                let text = |f: Option<Figure>| match f {
                    Some(Figure::Value(v)) => crate::eval::format_value(v, unit),
                    _ => String::new(),
                };
                record.push(text(outcome.old));
                record.push(text(outcome.new));
                record.push(match (outcome.old, outcome.new) {
                    (Some(Figure::Value(x)), Some(Figure::Value(y))) => {
                        crate::eval::format_value(y - x, unit)
                    }
                    _ => String::new(),
                });
                for n in 0..impact.parts.len() {
                    record.push(
                        outcome
                            .parts
                            .get(n)
                            .map_or(String::new(), |p| crate::eval::format_value(*p, unit)),
                    );
                }
            }
        }
        if let Some(w) = &mut csv {
            w.write_record(&record)
                .map_err(|e| RunError::Io(std::io::Error::other(e)))?;
        }
        if at.number % 16_384 == 0 {
            progress(at.number, reader.progress());
        }
    }
    if let Some(problem) = reader.take_fatal() {
        return Err(RunError::File(problem));
    }
    if let Some(mut w) = csv {
        w.flush().map_err(RunError::Io)?;
    }
    progress(rows, reader.progress());
    Ok(Replayed {
        impacts,
        warnings,
        rows,
        errors: error_rows,
    })
}

/// Hands a row's errors under each version to `on_error` and empties both
/// lists; an error the two versions share is handed over once.
fn report_errors(
    old: &mut Vec<ErrorRecord>,
    new: &mut Vec<ErrorRecord>,
    on_error: &mut dyn FnMut(Side, &ErrorRecord) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let same = |a: &ErrorRecord, b: &ErrorRecord| {
        a.code == b.code && a.column == b.column && a.message == b.message
    };
    for e in old.iter() {
        let side = if new.iter().any(|n| same(e, n)) {
            Side::Both
        } else {
            Side::Old
        };
        on_error(side, e)?;
    }
    for e in new.iter().filter(|n| !old.iter().any(|o| same(o, n))) {
        on_error(Side::New, e)?;
    }
    old.clear();
    new.clear();
    Ok(())
}

fn split<T>(layout: Option<(T, Vec<String>)>) -> (Option<T>, Vec<String>) {
    match layout {
        Some((l, w)) => (Some(l), w),
        None => (None, Vec::new()),
    }
}

fn attribute_code<'m>(
    m: &'m Model,
    input: Option<&CaseInput>,
    attribute: Option<u32>,
) -> Option<&'m str> {
    let a = attribute?;
    let value = (*input?.attributes.get(a as usize)?)?;
    m.attributes
        .get(a as usize)?
        .values
        .get(value as usize)
        .map(|v| v.code.as_str())
}

fn route(m: &Model, scratch: &Scratch, figures: bool) -> Option<String> {
    if !figures {
        return None;
    }
    let rule = scratch.route()?;
    m.route
        .as_ref()?
        .rules
        .get(rule as usize)
        .map(|r| r.id.clone())
}

fn run_between(
    between: &[Evaluator<'_>],
    scratch: &mut [Scratch],
    ok: &mut [bool],
    input: &CaseInput,
) {
    for ((ev, s), ok) in between.iter().zip(scratch.iter_mut()).zip(ok.iter_mut()) {
        *ok = matches!(ev.run(input, s), Ok(crate::eval::Verdict::Figures));
    }
}
