//! Coverage of a rule file by its tests (`ras test --coverage`): which options
//! of each question, which band rows, which `choose` branches, which route
//! rules, which eligibility requirements (held and failed) and which flags
//! (raised and not raised) some test reaches.
//!
//! Input: a [`Plan`] and the outcomes of its tests ([`crate::testing`]), read
//! from their traces. The `choose` branch a test takes is not in the trace: it
//! is worked out again from the test's traced answers, parameters and steps
//! with the interval analysis on single values ([`crate::check::ranges`]).
//! Output: [`Coverage`], rendered as a table or JSON.

use crate::check::ranges::{Answers, Context, Env, Evaluation, Range, Record};
use crate::eval::{EvalResult, TraceEntry};
use crate::model::{BandTable, Expr, Line, Model, QuestionKind, StepKind};
use crate::plan::Plan;
use crate::testing::TestOutcome;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;

/// One thing a test can reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// What it is, in the file's words: `personal_care 3`, `contingency_rate
    /// below £100`, `reasonable_offer raised`.
    pub name: String,
    /// Where it is written.
    pub line: Line,
    /// Whether some test reaches it.
    pub reached: bool,
}

/// The items of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// `options`, `band rows`, `choose branches`, `route rules`,
    /// `eligibility` or `flags`.
    pub kind: &'static str,
    /// Its items in file order.
    pub items: Vec<Item>,
}

/// What the tests of one rule file reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The file, as shown.
    pub file: String,
    /// How many items the tests reach.
    pub reached: usize,
    /// How many items there are.
    pub total: usize,
    /// Per kind of item.
    pub sections: Vec<Section>,
}

impl Coverage {
    /// The share reached, in percent to one decimal place (100 when there is
    /// nothing to reach).
    pub fn percent(&self) -> Decimal {
        if self.total == 0 {
            return Decimal::ONE_HUNDRED;
        }
        (Decimal::from(self.reached) * Decimal::ONE_HUNDRED / Decimal::from(self.total))
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::ToZero)
    }
}

/// What the tests reached, from their traces.
#[derive(Default)]
struct Seen {
    options: Vec<Vec<bool>>,
    band_rows: Vec<Vec<bool>>,
    branches: Vec<Vec<bool>>,
    route_rules: Vec<bool>,
    /// Per requirement: held, failed.
    requirements: Vec<[bool; 2]>,
    /// Per flag: raised, not raised.
    flags: Vec<[bool; 2]>,
}

/// The coverage of `plan`'s rule file by these test outcomes.
pub fn measure(file: &str, plan: &Plan, outcomes: &[TestOutcome]) -> Coverage {
    let m = &plan.model;
    let mut seen = Seen {
        options: m
            .questions
            .iter()
            .map(|q| vec![false; option_count(&q.kind)])
            .collect(),
        band_rows: m
            .bands
            .iter()
            .map(|b| vec![false; row_count(&b.table)])
            .collect(),
        branches: m
            .exprs
            .iter()
            .map(|e| match e {
                Expr::Choose { choices, .. } => vec![false; choices.len() + 1],
                _ => vec![],
            })
            .collect(),
        route_rules: vec![false; m.route.as_ref().map_or(0, |r| r.rules.len())],
        requirements: vec![[false; 2]; m.eligibility.len()],
        flags: vec![[false; 2]; m.flags.len()],
    };
    for (t, o) in outcomes.iter().enumerate() {
        if let (Some(r), Some(test)) = (&o.result, m.tests.get(t)) {
            note_given(m, &test.case, &mut seen);
            note_trace(m, r, &mut seen);
            note_branches(m, &test.case, r, &mut seen);
        }
    }
    let sections = sections(m, &seen);
    let total = sections.iter().map(|s| s.items.len()).sum();
    let reached = sections
        .iter()
        .map(|s| s.items.iter().filter(|i| i.reached).count())
        .sum();
    Coverage {
        file: file.to_string(),
        reached,
        total,
        sections,
    }
}

fn option_count(kind: &QuestionKind) -> usize {
    match kind {
        QuestionKind::Choice { options, .. } => options.len(),
        QuestionKind::YesNo { .. } => 2,
        QuestionKind::Number { .. } => 0,
    }
}

fn row_count(table: &BandTable) -> usize {
    match table {
        BandTable::Steps { rows } => rows.len(),
        BandTable::Interpolate { points, beyond } => points.len() + usize::from(beyond.is_some()),
    }
}

fn mark(v: &mut [bool], i: usize) {
    if let Some(slot) = v.get_mut(i) {
        *slot = true;
    }
}

/// The options a test gives (a question no calculation reads is never in
/// the trace).
fn note_given(m: &Model, case: &crate::case::Case, seen: &mut Seen) {
    for (q, question) in m.questions.iter().enumerate() {
        let Some(code) = case.answers.get(&question.id) else {
            continue;
        };
        let index = match &question.kind {
            QuestionKind::Choice { options, .. } => options.iter().position(|o| o.code == *code),
            QuestionKind::YesNo { .. } => match code.as_str() {
                "no" => Some(0),
                "yes" => Some(1),
                _ => None,
            },
            QuestionKind::Number { .. } => None,
        };
        if let (Some(i), Some(v)) = (index, seen.options.get_mut(q)) {
            mark(v, i);
        }
    }
}

/// Options, band rows, requirements, flags and route rules, from the trace.
fn note_trace(m: &Model, r: &EvalResult, seen: &mut Seen) {
    for e in &r.trace {
        match e {
            TraceEntry::Answer { question, code, .. } => {
                let (Some(q), Some(code)) = (m.question_named(question), code) else {
                    continue;
                };
                let index = match &m.questions[q as usize].kind {
                    QuestionKind::Choice { options, .. } => {
                        options.iter().position(|o| o.code == *code)
                    }
                    QuestionKind::YesNo { .. } => Some(usize::from(code == "yes")),
                    QuestionKind::Number { .. } => None,
                };
                if let (Some(i), Some(v)) = (index, seen.options.get_mut(q as usize)) {
                    mark(v, i);
                }
            }
            TraceEntry::Band {
                band,
                row,
                points,
                beyond,
                ..
            } => {
                let Some(b) = m.bands.iter().position(|x| x.id == *band) else {
                    continue;
                };
                let mut lines: Vec<Line> = row.iter().map(|r| r.line).collect();
                lines.extend(points.iter().map(|p| p.line));
                let rows = seen
                    .band_rows
                    .get_mut(b)
                    .map(std::mem::take)
                    .unwrap_or_default();
                let mut rows = rows;
                for k in 0..rows.len() {
                    let is_beyond = k == rows.len() - 1
                        && matches!(
                            m.bands[b].table,
                            BandTable::Interpolate {
                                beyond: Some(_),
                                ..
                            }
                        );
                    if is_beyond {
                        if beyond.is_some() {
                            mark(&mut rows, k);
                        }
                    } else if lines.contains(&m.spans.band_row_line(b as u32, k as u32)) {
                        mark(&mut rows, k);
                    }
                }
                if let Some(slot) = seen.band_rows.get_mut(b) {
                    *slot = rows;
                }
            }
            TraceEntry::Requirement { line, held, .. } => {
                let found =
                    (0..m.eligibility.len() as u32).find(|r| m.spans.requirement_line(*r) == *line);
                if let Some(slot) = found.and_then(|r| seen.requirements.get_mut(r as usize)) {
                    slot[usize::from(!*held)] = true;
                }
            }
            TraceEntry::Flag { name, raised, .. } => {
                if let Some(slot) = m
                    .flag_named(name)
                    .and_then(|f| seen.flags.get_mut(f as usize))
                {
                    slot[usize::from(!*raised)] = true;
                }
            }
            TraceEntry::Route {
                route: Some(id), ..
            } => {
                if let Some(k) = m
                    .route
                    .as_ref()
                    .and_then(|r| r.rules.iter().position(|x| x.id == *id))
                {
                    mark(&mut seen.route_rules, k);
                }
            }
            _ => {}
        }
    }
}

/// The `choose` branches a test took: its traced answers, parameters and
/// steps as single values, and every calculation the evaluation worked out
/// evaluated again on them.
fn note_branches(m: &Model, case: &crate::case::Case, r: &EvalResult, seen: &mut Seen) {
    let Some(cohort) = case.cohort.as_deref().and_then(|c| m.cohort_named(c)) else {
        return;
    };
    let attributes = m
        .attributes
        .iter()
        .map(|a| {
            let given = case.attributes.get(&a.id)?;
            a.values
                .iter()
                .position(|v| v.code == *given)
                .map(|i| i as u32)
        })
        .collect();
    let cx = Context {
        cohort,
        from: case.assessed,
        attributes,
    };
    let mut env = Env::open(m, &cx);
    env.plan_cost = case.plan_cost.map(Range::point);
    for e in &r.trace {
        match e {
            TraceEntry::Answer {
                question,
                code: Some(code),
                ..
            } => {
                let Some(q) = m.question_named(question) else {
                    continue;
                };
                let answer = match &m.questions[q as usize].kind {
                    QuestionKind::Choice { options, .. } => {
                        Answers::Choice(options.iter().map(|o| o.code == *code).collect())
                    }
                    QuestionKind::YesNo { .. } => Answers::YesNo([code == "no", code == "yes"]),
                    QuestionKind::Number { .. } => match code.parse::<Decimal>() {
                        Ok(n) => Answers::Number(Range::point(n)),
                        Err(_) => continue,
                    },
                };
                if let Some(slot) = env.answers.get_mut(q as usize) {
                    *slot = answer;
                }
            }
            TraceEntry::Parameter { name, value, .. } => {
                if let Some(p) = m.parameters.iter().position(|p| p.id == *name) {
                    if let Some(slot) = env.parameters.get_mut(p) {
                        *slot = Some(Range::point(value.value));
                    }
                }
            }
            TraceEntry::Step { name, value, .. } => {
                if let Some(s) = m.step_named(name) {
                    if let Some(slot) = env.known_steps.get_mut(s as usize) {
                        *slot = Some(value.value);
                    }
                }
            }
            _ => {}
        }
    }
    let mut ev = Evaluation::with(m, &env, Record::Off);
    ev.record = Record::Taken;
    for e in &r.trace {
        match e {
            TraceEntry::Step { name, applied, .. } => {
                let Some(s) = m.step_named(name) else {
                    continue;
                };
                let step = &m.steps[s as usize];
                if let StepKind::Deduction { when: Some(w), .. } = &step.kind {
                    ev.cond(*w);
                }
                if *applied != Some(false) {
                    ev.num(step.expr);
                }
            }
            TraceEntry::Flag { name, .. } => {
                if let Some(f) = m.flag_named(name) {
                    ev.cond(m.flags[f as usize].when);
                }
            }
            TraceEntry::Check { name, .. } => {
                if let Some(c) = m.checks.iter().find(|c| c.id == *name) {
                    ev.cond(c.when);
                }
            }
            TraceEntry::Requirement { line, .. } => {
                if let Some(req) = (0..m.eligibility.len() as u32)
                    .find(|x| m.spans.requirement_line(*x) == *line)
                    .and_then(|x| m.eligibility.get(x as usize))
                {
                    ev.cond(req.condition);
                }
            }
            TraceEntry::Route { route, .. } => {
                let Some(rt) = &m.route else { continue };
                for rule in &rt.rules {
                    if let Some(w) = rule.when {
                        ev.cond(w);
                    }
                    if Some(&rule.id) == route.as_ref() {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    for (into, from) in seen.branches.iter_mut().zip(&ev.reach.branches) {
        for (a, b) in into.iter_mut().zip(from) {
            *a |= *b;
        }
    }
}

fn sections(m: &Model, seen: &Seen) -> Vec<Section> {
    let mut options = Vec::new();
    for (q, question) in m.questions.iter().enumerate() {
        let codes: Vec<String> = match &question.kind {
            QuestionKind::Choice { options, .. } => {
                options.iter().map(|o| o.code.clone()).collect()
            }
            QuestionKind::YesNo { .. } => vec!["no".to_string(), "yes".to_string()],
            QuestionKind::Number { .. } => vec![],
        };
        for (k, code) in codes.into_iter().enumerate() {
            options.push(Item {
                name: format!("{} {code}", question.id),
                line: m.spans.question_line(q as u32),
                reached: seen.options[q].get(k).copied().unwrap_or(false),
            });
        }
    }
    let mut band_rows = Vec::new();
    for (b, band) in m.bands.iter().enumerate() {
        let money = |v: Decimal| crate::eval::format_quantity(v, band.on);
        let names: Vec<String> = match &band.table {
            BandTable::Steps { rows } => rows
                .iter()
                .map(|r| match (r.from, r.to) {
                    (None, Some(t)) => format!("below {}", money(t)),
                    (Some(f), Some(t)) => format!("{} to {}", money(f), money(t)),
                    (Some(f), None) => format!("{} and above", money(f)),
                    (None, None) => "every value".to_string(),
                })
                .collect(),
            BandTable::Interpolate { points, beyond } => points
                .iter()
                .map(|p| money(p.at))
                .chain(beyond.map(|_| "above".to_string()))
                .collect(),
        };
        let beyond_line = m.spans.band_beyond_line(b as u32);
        let n = names.len();
        for (k, name) in names.into_iter().enumerate() {
            let line = match beyond_line {
                Some(l) if k == n - 1 => l,
                _ => m.spans.band_row_line(b as u32, k as u32),
            };
            band_rows.push(Item {
                name: format!("{} {name}", band.id),
                line,
                reached: seen.band_rows[b].get(k).copied().unwrap_or(false),
            });
        }
    }
    let mut branches = Vec::new();
    for (e, taken) in seen.branches.iter().enumerate() {
        let Some(Expr::Choose { choices, otherwise }) = m.exprs.get(e) else {
            continue;
        };
        let line_of = |x: u32| m.spans.expr(x).map_or(0, |s| m.spans.line(s));
        for (k, reached) in taken.iter().enumerate() {
            let (name, line) = match choices.get(k) {
                Some((c, _)) => (format!("when (line {})", line_of(*c)), line_of(*c)),
                None => ("otherwise".to_string(), line_of(*otherwise)),
            };
            branches.push(Item {
                name: format!("choose at line {}: {name}", line_of(e as u32)),
                line,
                reached: *reached,
            });
        }
    }
    let route_rules = m
        .route
        .iter()
        .flat_map(|r| r.rules.iter().enumerate())
        .map(|(k, rule)| Item {
            name: format!("route {}", rule.id),
            line: m.spans.route_rule_line(k as u32),
            reached: seen.route_rules[k],
        })
        .collect();
    let mut eligibility = Vec::new();
    for (r, [held, failed]) in seen.requirements.iter().enumerate() {
        let line = m.spans.requirement_line(r as u32);
        eligibility.push(Item {
            name: format!("requirement at line {line} held"),
            line,
            reached: *held,
        });
        eligibility.push(Item {
            name: format!("requirement at line {line} failed"),
            line,
            reached: *failed,
        });
    }
    let mut flags = Vec::new();
    for (f, [raised, not]) in seen.flags.iter().enumerate() {
        let flag = &m.flags[f];
        let line = m.spans.flag_line(f as u32);
        flags.push(Item {
            name: format!("{} raised", flag.id),
            line,
            reached: *raised,
        });
        flags.push(Item {
            name: format!("{} not raised", flag.id),
            line,
            reached: *not,
        });
    }
    vec![
        Section {
            kind: "options",
            items: options,
        },
        Section {
            kind: "band rows",
            items: band_rows,
        },
        Section {
            kind: "choose branches",
            items: branches,
        },
        Section {
            kind: "route rules",
            items: route_rules,
        },
        Section {
            kind: "eligibility",
            items: eligibility,
        },
        Section {
            kind: "flags",
            items: flags,
        },
    ]
}

/// The coverage as a table: a line per kind with its share, then each item
/// no test reaches.
pub fn render_table(c: &Coverage) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "coverage of {}: {} of {} reached ({}%)",
        c.file,
        c.reached,
        c.total,
        c.percent()
    );
    for s in &c.sections {
        let reached = s.items.iter().filter(|i| i.reached).count();
        let line = format!(
            "  {:<16} {:>4} of {:<4}{}",
            s.kind,
            reached,
            s.items.len(),
            if reached == s.items.len() {
                ""
            } else {
                "  not reached:"
            }
        );
        let _ = writeln!(out, "{}", line.trim_end());
        for i in s.items.iter().filter(|i| !i.reached) {
            let _ = writeln!(out, "      line {:<4} {}", i.line, i.name);
        }
    }
    out
}

#[cfg(test)]
mod tests;
