//! Plan validation: re-establishes, for a plan read from JSON (and for a
//! model compiled by hand), every invariant the checker guarantees for the
//! models it builds. Each function returns the first problem found as a
//! [`PlanError::Invalid`] with a sentence naming the item concerned. Nothing
//! here recurses over plan data (a hand-edited plan may be arbitrarily deep),
//! and every index is read with `.get()`.
//!
//! The checks of bands and of the route are written over one model item and
//! return every problem as a value ([`band_problems`], [`route_problems`]),
//! independent of the checker, so that the checker can report the same rules
//! with spans.

use super::{PlanError, MAX_EXPR_DEPTH};
use crate::model::{
    children, Band, BandTable, CompareOp, Expr, ExprId, Model, ParameterKey, QuestionKind,
    ReasonPart, Route, StepId, StepKind, Subject,
};
use crate::units::Unit;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// The type of an expression's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A decimal quantity.
    Num,
    /// True or false.
    Bool,
}

fn bad(message: impl Into<String>) -> PlanError {
    PlanError::Invalid(message.into())
}

/// Validates a plan's parts and gives the type of every expression (which the
/// program builder reads).
pub(super) fn validate(
    fingerprint: &str,
    order: &[StepId],
    eligibility_steps: u32,
    m: &Model,
) -> Result<Vec<Ty>, PlanError> {
    let fp = fingerprint;
    if fp.len() != 64
        || !fp
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(bad("the fingerprint is not 64 lowercase hex digits"));
    }
    if fp.bytes().all(|b| b == b'0') {
        return Err(bad(
            "the fingerprint is 64 zeros, which is not the fingerprint of a rule file",
        ));
    }
    declarations(m)?;
    let types = expr_types(m)?;
    roots(m, &types)?;
    super::units::check_units(m)?;
    steps_order(m, order, eligibility_steps)?;
    tests(m)?;
    Ok(types)
}

fn unique<'a>(what: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), PlanError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(bad(format!("{what} `{id}` is declared twice")));
        }
    }
    Ok(())
}

fn declarations(m: &Model) -> Result<(), PlanError> {
    unique("cohort", m.cohorts.iter().map(|c| c.id.as_str()))?;
    unique("attribute", m.attributes.iter().map(|a| a.id.as_str()))?;
    for a in &m.attributes {
        unique(
            &format!("value of attribute `{}`", a.id),
            a.values.iter().map(|v| v.code.as_str()),
        )?;
    }
    unique("question", m.questions.iter().map(|q| q.id.as_str()))?;
    unique("step", m.steps.iter().map(|s| s.id.as_str()))?;
    unique("flag", m.flags.iter().map(|f| f.id.as_str()))?;
    for q in &m.questions {
        question(m, q)?;
    }
    for p in &m.parameters {
        parameter(m, p)?;
    }
    for (i, b) in m.bands.iter().enumerate() {
        band(b, |row| m.spans.band_row_line(i as u32, row as u32))?;
    }
    if m.steps.get(m.indicative as usize).is_none() {
        return Err(bad(format!(
            "the indicative output is step {}, which does not exist",
            m.indicative
        )));
    }
    Ok(())
}

fn question(m: &Model, q: &crate::model::Question) -> Result<(), PlanError> {
    if let Some(d) = q.domain {
        if m.domains.get(d as usize).is_none() {
            return Err(bad(format!(
                "question `{}` is in domain {d}, which does not exist",
                q.id
            )));
        }
    }
    match &q.kind {
        QuestionKind::Choice {
            options,
            units,
            default,
        } => {
            unique(
                &format!("option of question `{}`", q.id),
                options.iter().map(|o| o.code.as_str()),
            )?;
            if let Some(o) = options.iter().find(|o| o.values.len() != units.len()) {
                return Err(bad(format!(
                    "option `{}` of question `{}` has {} values but the question has {} units",
                    o.code,
                    q.id,
                    o.values.len(),
                    units.len()
                )));
            }
            if default.is_some_and(|d| d as usize >= options.len()) {
                return Err(bad(format!(
                    "the default of question `{}` is not one of its options",
                    q.id
                )));
            }
        }
        QuestionKind::YesNo { .. } => {}
        QuestionKind::Number {
            min, max, default, ..
        } => {
            if min > max {
                return Err(bad(format!(
                    "question `{}` has its smallest answer above its largest",
                    q.id
                )));
            }
            if default.is_some_and(|d| d < *min || d > *max) {
                return Err(bad(format!(
                    "the default of question `{}` is outside its range",
                    q.id
                )));
            }
        }
    }
    Ok(())
}

/// How many values each schedule entry of a parameter holds.
pub(crate) fn key_count(m: &Model, key: ParameterKey) -> Option<usize> {
    match key {
        ParameterKey::None => Some(1),
        ParameterKey::Cohort => Some(m.cohorts.len()),
        ParameterKey::Attribute(a) => m.attributes.get(a as usize).map(|a| a.values.len()),
    }
}

fn parameter(m: &Model, p: &crate::model::Parameter) -> Result<(), PlanError> {
    let count = key_count(m, p.key).ok_or_else(|| {
        bad(format!(
            "parameter `{}` depends on an attribute that does not exist",
            p.id
        ))
    })?;
    if p.schedule.is_empty() {
        return Err(bad(format!("parameter `{}` has no values", p.id)));
    }
    let mut previous = None;
    for (i, entry) in p.schedule.iter().enumerate() {
        if entry.values.len() != count {
            return Err(bad(format!(
                "parameter `{}` has {} values from {} but needs {count}",
                p.id,
                entry.values.len(),
                entry
                    .from
                    .map_or("the start".to_string(), |d| d.to_string())
            )));
        }
        match (entry.from, previous) {
            (None, _) if i > 0 => {
                return Err(bad(format!(
                    "only the first value of parameter `{}` may have no date",
                    p.id
                )))
            }
            (Some(d), Some(prev)) if d <= prev => {
                return Err(bad(format!(
                    "the dates of parameter `{}` are not in increasing order",
                    p.id
                )))
            }
            _ => {}
        }
        previous = entry.from;
    }
    Ok(())
}

fn band(b: &Band, row_line: impl Fn(usize) -> crate::model::Line) -> Result<(), PlanError> {
    match band_problems(b).first() {
        Some(problem) => Err(bad(problem.message(b, row_line))),
        None => Ok(()),
    }
}

/// Something wrong with a band table; `row` indexes its rows or points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BandProblem {
    /// Step bands with no rows.
    NoRows,
    /// Straight-line bands with fewer than two points.
    TooFewPoints,
    /// A percentage result below 0% or above 100%.
    RateOutOfRange {
        /// The row or point.
        row: usize,
        /// The rate, in percent.
        rate: Decimal,
    },
    /// A row whose lower bound is not below its upper bound.
    NotUpwards {
        /// The row.
        row: usize,
    },
    /// A row that starts above where the row before ends.
    Gap {
        /// The row.
        row: usize,
        /// Where it starts.
        from: Decimal,
        /// Where the row before ends.
        previous_to: Decimal,
    },
    /// A row that starts below where the row before ends.
    Overlap {
        /// The row.
        row: usize,
        /// Where it starts.
        from: Decimal,
        /// Where the row before ends.
        previous_to: Decimal,
    },
    /// A row after an open-ended one (`… and above`).
    AfterOpenEnded {
        /// The row.
        row: usize,
    },
    /// A row other than the first with no lower bound (`below …`).
    BelowNotFirst {
        /// The row.
        row: usize,
    },
    /// A point not above the one before.
    PointsNotRising {
        /// The point.
        row: usize,
    },
}

impl BandProblem {
    /// A sentence naming the bands and the row (by number and line).
    /// `row_line` gives the line a row is written on (0 when unknown).
    pub(crate) fn message(
        &self,
        b: &Band,
        row_line: impl Fn(usize) -> crate::model::Line,
    ) -> String {
        let at = |row: usize| match row_line(row) {
            0 => format!("row {}", row + 1),
            line => format!("row {} (line {line})", row + 1),
        };
        let id = &b.id;
        match self {
            BandProblem::NoRows => format!("the bands `{id}` have no rows"),
            BandProblem::TooFewPoints => {
                format!("the straight-line bands `{id}` have fewer than two points")
            }
            BandProblem::RateOutOfRange { row, rate } => format!(
                "{} of the bands `{id}` gives a rate of {rate}%, outside 0% to 100%",
                at(*row)
            ),
            BandProblem::NotUpwards { row } => format!(
                "{} of the bands `{id}` does not run upwards from its lower bound to its upper",
                at(*row)
            ),
            BandProblem::Gap {
                row,
                from,
                previous_to,
            } => format!(
                "{} of the bands `{id}` starts at {from}, above {previous_to} where the row before ends, leaving a gap",
                at(*row)
            ),
            BandProblem::Overlap {
                row,
                from,
                previous_to,
            } => format!(
                "{} of the bands `{id}` starts at {from}, below {previous_to} where the row before ends, so they overlap",
                at(*row)
            ),
            BandProblem::AfterOpenEnded { row } => format!(
                "{} of the bands `{id}` comes after a row with no upper bound, so they overlap",
                at(*row)
            ),
            BandProblem::BelowNotFirst { row } => format!(
                "{} of the bands `{id}` has no lower bound but is not the first row",
                at(*row)
            ),
            BandProblem::PointsNotRising { row } => format!(
                "{} of the bands `{id}` is not above the point before",
                at(*row)
            ),
        }
    }
}

/// Every problem of one band table: rates within 0% to 100% when its results
/// are percentages; step rows with ordered bounds, no gaps and no overlaps;
/// at least two points, in increasing order.
pub(crate) fn band_problems(b: &Band) -> Vec<BandProblem> {
    let mut out = Vec::new();
    let rate = |row: usize, value: Decimal, out: &mut Vec<BandProblem>| {
        if b.unit == Unit::Percent && (value.is_sign_negative() || value > Decimal::ONE_HUNDRED) {
            out.push(BandProblem::RateOutOfRange { row, rate: value });
        }
    };
    match &b.table {
        BandTable::Steps { rows } => {
            if rows.is_empty() {
                out.push(BandProblem::NoRows);
            }
            for (row, r) in rows.iter().enumerate() {
                rate(row, r.value, &mut out);
                if let (Some(from), Some(to)) = (r.from, r.to) {
                    if from >= to {
                        out.push(BandProblem::NotUpwards { row });
                    }
                }
            }
            for (row, pair) in rows.windows(2).enumerate() {
                let (Some(previous), Some(r)) = (pair.first(), pair.get(1)) else {
                    continue;
                };
                let row = row + 1;
                match (previous.to, r.from) {
                    (None, _) => out.push(BandProblem::AfterOpenEnded { row }),
                    (Some(_), None) => out.push(BandProblem::BelowNotFirst { row }),
                    (Some(previous_to), Some(from)) if from > previous_to => {
                        out.push(BandProblem::Gap {
                            row,
                            from,
                            previous_to,
                        })
                    }
                    (Some(previous_to), Some(from)) if from < previous_to => {
                        out.push(BandProblem::Overlap {
                            row,
                            from,
                            previous_to,
                        })
                    }
                    _ => {}
                }
            }
        }
        BandTable::Interpolate { points, .. } => {
            if points.len() < 2 {
                out.push(BandProblem::TooFewPoints);
            }
            for (row, p) in points.iter().enumerate() {
                rate(row, p.value, &mut out);
            }
            for (row, pair) in points.windows(2).enumerate() {
                if pair.first().map(|p| p.at) >= pair.get(1).map(|p| p.at) {
                    out.push(BandProblem::PointsNotRising { row: row + 1 });
                }
            }
        }
    }
    out
}

/// Something wrong with the approval route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RouteProblem {
    /// The last rule has a condition (or there are no rules), so a costed
    /// plan may match no rule and get no route.
    NoOtherwise,
}

impl RouteProblem {
    /// A sentence naming the route.
    pub(crate) fn message(&self, route: &Route) -> String {
        match self {
            RouteProblem::NoOtherwise => format!(
                "the route `{}` does not end with an `otherwise` rule, so a costed plan may get no route",
                route.id
            ),
        }
    }
}

/// Every problem of the route: it must end with `otherwise`.
pub(crate) fn route_problems(route: &Route) -> Vec<RouteProblem> {
    match route.rules.last() {
        Some(last) if last.when.is_none() => vec![],
        _ => vec![RouteProblem::NoOtherwise],
    }
}

/// The expressions an expression's value depends on: its children and, for a
/// flag, the flag's condition (evaluated in place).
fn deps(m: &Model, expr: &Expr) -> Vec<ExprId> {
    let mut out = children(expr);
    if let Expr::Flag { flag } = expr {
        if let Some(f) = m.flags.get(*flag as usize) {
            out.push(f.when);
        }
    }
    out
}

/// The type of every expression, after checking ids, acyclicity and depth.
pub(crate) fn expr_types(m: &Model) -> Result<Vec<Ty>, PlanError> {
    let n = m.exprs.len();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; n];
    let mut depth = vec![0usize; n];
    let mut types: Vec<Option<Ty>> = vec![None; n];
    for start in 0..n {
        if state.get(start) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(ExprId, bool)> = vec![(start as ExprId, false)];
        while let Some((id, expanded)) = stack.pop() {
            let i = id as usize;
            let expr = m
                .exprs
                .get(i)
                .ok_or_else(|| bad(format!("expression {id} does not exist")))?;
            if expanded {
                let ds = deps(m, expr);
                let d = 1 + ds
                    .iter()
                    .filter_map(|c| depth.get(*c as usize))
                    .max()
                    .unwrap_or(&0);
                if d > MAX_EXPR_DEPTH {
                    return Err(bad(format!(
                        "expression {id} is nested more than {MAX_EXPR_DEPTH} deep"
                    )));
                }
                let child_types: Vec<Ty> = ds
                    .iter()
                    .filter_map(|c| types.get(*c as usize).copied().flatten())
                    .collect();
                let ty = expr_type(m, id, expr, &child_types)?;
                if let (Some(slot), Some(dslot), Some(st)) =
                    (types.get_mut(i), depth.get_mut(i), state.get_mut(i))
                {
                    *slot = Some(ty);
                    *dslot = d;
                    *st = 2;
                }
                continue;
            }
            match state.get(i).copied() {
                Some(2) => continue,
                Some(1) => return Err(bad(format!("expression {id} depends on itself"))),
                _ => {}
            }
            if let Some(st) = state.get_mut(i) {
                *st = 1;
            }
            stack.push((id, true));
            for c in deps(m, expr) {
                match state.get(c as usize) {
                    None => {
                        return Err(bad(format!(
                            "expression {id} refers to expression {c}, but the plan has {n} expressions"
                        )))
                    }
                    Some(1) => return Err(bad(format!("expression {c} depends on itself"))),
                    Some(2) => {}
                    _ => stack.push((c, false)),
                }
            }
        }
    }
    Ok(types.into_iter().map(|t| t.unwrap_or(Ty::Num)).collect())
}

fn need(id: ExprId, what: &str, ok: bool) -> Result<(), PlanError> {
    if ok {
        Ok(())
    } else {
        Err(bad(format!("expression {id}: {what}")))
    }
}

/// The type of one expression given its dependencies' types (in `deps` order).
fn expr_type(m: &Model, id: ExprId, expr: &Expr, kids: &[Ty]) -> Result<Ty, PlanError> {
    use Ty::{Bool, Num};
    let all = |t: Ty| kids.iter().all(|k| *k == t);
    Ok(match expr {
        Expr::Number { .. } | Expr::PlanCost => Num,
        Expr::Bool { .. } => Bool,
        Expr::Answer { question, slot } => {
            let q = m.questions.get(*question as usize);
            let ok = match q.map(|q| &q.kind) {
                Some(QuestionKind::Choice { units, .. }) => (*slot as usize) < units.len(),
                Some(QuestionKind::Number { .. }) => *slot == 0,
                _ => false,
            };
            need(id, "reads a value a question does not have", ok)?;
            Num
        }
        Expr::Parameter { parameter } => {
            need(
                id,
                "reads a parameter that does not exist",
                m.parameters.get(*parameter as usize).is_some(),
            )?;
            Num
        }
        Expr::Step { step } => {
            need(
                id,
                "reads a step that does not exist",
                m.steps.get(*step as usize).is_some(),
            )?;
            Num
        }
        Expr::Flag { flag } => {
            need(
                id,
                "reads a flag that does not exist",
                m.flags.get(*flag as usize).is_some(),
            )?;
            need(
                id,
                "reads a flag whose condition is not true/false",
                all(Bool),
            )?;
            Bool
        }
        Expr::Neg { .. }
        | Expr::Abs { .. }
        | Expr::Round { .. }
        | Expr::Arith { .. }
        | Expr::PercentOf { .. } => {
            need(id, "does arithmetic on true/false", all(Num))?;
            Num
        }
        Expr::Not { .. } | Expr::And { .. } | Expr::Or { .. } => {
            need(id, "uses a number as a condition", all(Bool))?;
            Bool
        }
        Expr::Compare { compare, .. } => {
            let same = kids.first() == kids.get(1);
            let ordered = !matches!(compare, CompareOp::Eq | CompareOp::Ne);
            need(id, "compares values of different types", same)?;
            need(id, "orders true/false values", !(ordered && all(Bool)))?;
            Bool
        }
        Expr::Min { values } | Expr::Max { values } => {
            need(
                id,
                "takes the least or greatest of nothing",
                !values.is_empty(),
            )?;
            need(
                id,
                "takes the least or greatest of true/false values",
                all(Num),
            )?;
            Num
        }
        Expr::Count { .. } => {
            need(id, "counts values that are not conditions", all(Bool))?;
            Num
        }
        Expr::Band { band, .. } => {
            need(
                id,
                "looks up bands that do not exist",
                m.bands.get(*band as usize).is_some(),
            )?;
            need(id, "looks up bands with true/false", all(Num))?;
            Num
        }
        Expr::Total { terms, .. } => {
            for t in terms {
                let ok = match m.questions.get(t.question as usize).map(|q| &q.kind) {
                    Some(QuestionKind::Choice { units, .. }) => (t.slot as usize) < units.len(),
                    Some(QuestionKind::Number { .. }) => t.slot == 0,
                    _ => false,
                };
                need(id, "adds up a value a question does not have", ok)?;
            }
            Num
        }
        Expr::CodeIn { subject, codes, .. } => {
            let count = subject_codes(m, *subject);
            need(
                id,
                "tests a question, cohort or attribute that has no codes",
                count.is_some(),
            )?;
            let count = count.unwrap_or(0);
            need(
                id,
                "tests a code that does not exist",
                codes.iter().all(|c| (*c as usize) < count),
            )?;
            Bool
        }
        Expr::Choose { choices, .. } => {
            let conds_ok = kids
                .iter()
                .step_by(2)
                .take(choices.len())
                .all(|k| *k == Bool);
            need(
                id,
                "chooses with a condition that is not true/false",
                conds_ok,
            )?;
            let value_ty = kids.last().copied().unwrap_or(Num);
            let values_ok = kids.iter().skip(1).step_by(2).all(|k| *k == value_ty);
            need(id, "chooses between values of different types", values_ok)?;
            value_ty
        }
    })
}

/// How many codes a subject of a code test has, or `None` when it has none.
pub(crate) fn subject_codes(m: &Model, subject: Subject) -> Option<usize> {
    match subject {
        Subject::Cohort => Some(m.cohorts.len()),
        Subject::Attribute(a) => m.attributes.get(a as usize).map(|a| a.values.len()),
        Subject::Question(q) => match m.questions.get(q as usize).map(|q| &q.kind) {
            Some(QuestionKind::Choice { options, .. }) => Some(options.len()),
            Some(QuestionKind::YesNo { .. }) => Some(2),
            _ => None,
        },
    }
}

fn root(types: &[Ty], id: ExprId, want: Ty, what: &str) -> Result<(), PlanError> {
    match types.get(id as usize) {
        None => Err(bad(format!(
            "{what} refers to expression {id}, which does not exist"
        ))),
        Some(t) if *t != want => {
            let kind = if want == Ty::Num {
                "a value"
            } else {
                "a condition"
            };
            Err(bad(format!("{what} should be {kind}")))
        }
        Some(_) => Ok(()),
    }
}

fn roots(m: &Model, types: &[Ty]) -> Result<(), PlanError> {
    for s in &m.steps {
        root(types, s.expr, Ty::Num, &format!("step `{}`", s.id))?;
        if let StepKind::Deduction { when: Some(w), .. } = &s.kind {
            root(
                types,
                *w,
                Ty::Bool,
                &format!("the condition of deduction `{}`", s.id),
            )?;
        }
    }
    for f in &m.flags {
        root(types, f.when, Ty::Bool, &format!("flag `{}`", f.id))?;
    }
    for c in &m.checks {
        root(types, c.when, Ty::Bool, &format!("check `{}`", c.id))?;
    }
    for (i, r) in m.eligibility.iter().enumerate() {
        let line = m.spans.requirement_line(i as u32);
        root(
            types,
            r.condition,
            Ty::Bool,
            &format!("the requirement at line {line}"),
        )?;
        for part in &r.reason {
            if let ReasonPart::Step(s) = part {
                if m.steps.get(*s as usize).is_none() {
                    return Err(bad(format!(
                        "the requirement at line {line} names step {s}, which does not exist"
                    )));
                }
            }
        }
    }
    if let Some(route) = &m.route {
        if let Some(problem) = route_problems(route).first() {
            return Err(bad(problem.message(route)));
        }
        for rule in &route.rules {
            if let Some(w) = rule.when {
                root(types, w, Ty::Bool, &format!("route rule `{}`", rule.id))?;
            }
        }
    }
    Ok(())
}

/// Which steps answer checks and eligibility requirements need, directly or
/// through other steps (indexed by step id).
pub(crate) fn eligibility_closure(m: &Model) -> Vec<bool> {
    let mut needed = vec![false; m.steps.len()];
    let mut stack: Vec<StepId> = Vec::new();
    for c in &m.checks {
        stack.extend(m.steps_read(c.when));
    }
    for r in &m.eligibility {
        stack.extend(m.steps_read(r.condition));
        stack.extend(r.reason.iter().filter_map(|p| match p {
            ReasonPart::Step(s) => Some(*s),
            ReasonPart::Text(_) => None,
        }));
    }
    while let Some(s) = stack.pop() {
        match needed.get_mut(s as usize) {
            Some(flag) if !*flag => *flag = true,
            _ => continue,
        }
        for r in m.step_roots(s) {
            stack.extend(m.steps_read(r));
        }
    }
    needed
}

fn steps_order(m: &Model, order: &[StepId], eligibility_steps: u32) -> Result<(), PlanError> {
    let n = m.steps.len();
    if order.len() != n {
        return Err(bad(format!(
            "the order lists {} steps but the plan has {n}",
            order.len()
        )));
    }
    let mut position = vec![usize::MAX; n];
    for (i, s) in order.iter().enumerate() {
        match position.get_mut(*s as usize) {
            None => {
                return Err(bad(format!(
                    "the order lists step {s}, which does not exist"
                )))
            }
            Some(p) if *p != usize::MAX => {
                return Err(bad(format!("the order lists step {s} twice")))
            }
            Some(p) => *p = i,
        }
    }
    for (i, s) in order.iter().enumerate() {
        for r in m.step_roots(*s) {
            for dep in m.steps_read(r) {
                if position.get(dep as usize).map_or(true, |p| *p >= i) {
                    let name = |id: StepId| m.steps.get(id as usize).map_or("?", |s| s.id.as_str());
                    return Err(bad(format!(
                        "step `{}` is worked out before step `{}`, which it reads (or they form a cycle)",
                        name(*s),
                        name(dep)
                    )));
                }
            }
        }
    }
    let prefix = eligibility_steps as usize;
    if prefix > n {
        return Err(bad(format!(
            "eligibility_steps is {prefix} but the plan has {n} steps"
        )));
    }
    for (s, needed) in eligibility_closure(m).iter().enumerate() {
        if *needed && position.get(s).map_or(true, |p| *p >= prefix) {
            let name = m.steps.get(s).map_or("?", |s| s.id.as_str());
            return Err(bad(format!(
                "step `{name}` is needed by eligibility or an answer check but is not among the first {prefix} steps"
            )));
        }
    }
    Ok(())
}

fn tests(m: &Model) -> Result<(), PlanError> {
    use crate::model::Expectation;
    for t in &m.tests {
        for e in &t.expects {
            let ok = match e {
                Expectation::Value { step, .. } => m.steps.get(*step as usize).is_some(),
                Expectation::Flag { flag, .. } => m.flags.get(*flag as usize).is_some(),
                _ => true,
            };
            if !ok {
                return Err(bad(format!(
                    "test `{}` expects something of a step or flag that does not exist",
                    t.name
                )));
            }
        }
    }
    Ok(())
}
