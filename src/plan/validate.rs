//! Plan validation: re-establishes, for a plan read from JSON, every invariant
//! the checker guarantees for the models it builds. Each function returns the
//! first problem found as a [`PlanError::Invalid`] with a sentence naming the
//! item concerned. Nothing here recurses over plan data (a hand-edited plan
//! may be arbitrarily deep), and every index is read with `.get()`.

use super::{Plan, PlanError, MAX_EXPR_DEPTH, SCHEMA_VERSION};
use crate::model::{
    children, BandTable, CompareOp, Expr, ExprId, Model, ParameterKey, QuestionKind, ReasonPart,
    StepId, StepKind, Subject,
};
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

pub(super) fn validate(plan: &Plan) -> Result<(), PlanError> {
    if plan.schema_version != SCHEMA_VERSION {
        return Err(PlanError::SchemaVersion {
            found: plan.schema_version,
            expected: SCHEMA_VERSION,
        });
    }
    let fp = &plan.fingerprint;
    if fp.len() != 64
        || !fp
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(bad("the fingerprint is not 64 lowercase hex digits"));
    }
    let m = &plan.model;
    declarations(m)?;
    let types = expr_types(m)?;
    roots(m, &types)?;
    order(plan)?;
    tests(m)
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
    for b in &m.bands {
        band(b)?;
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

fn band(b: &crate::model::Band) -> Result<(), PlanError> {
    match &b.table {
        BandTable::Steps { rows } => {
            if rows.is_empty() {
                return Err(bad(format!("bands `{}` have no rows", b.id)));
            }
        }
        BandTable::Interpolate { points, .. } => {
            if points.is_empty() {
                return Err(bad(format!("bands `{}` have no points", b.id)));
            }
            if points
                .windows(2)
                .any(|w| w.first().map(|p| p.at) >= w.get(1).map(|p| p.at))
            {
                return Err(bad(format!(
                    "the points of bands `{}` are not in increasing order",
                    b.id
                )));
            }
        }
    }
    Ok(())
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
    for r in &m.eligibility {
        root(
            types,
            r.condition,
            Ty::Bool,
            &format!("the requirement at line {}", r.line),
        )?;
        for part in &r.reason {
            if let ReasonPart::Step(s) = part {
                if m.steps.get(*s as usize).is_none() {
                    return Err(bad(format!(
                        "the requirement at line {} names step {s}, which does not exist",
                        r.line
                    )));
                }
            }
        }
    }
    if let Some(route) = &m.route {
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

fn order(plan: &Plan) -> Result<(), PlanError> {
    let m = &plan.model;
    let n = m.steps.len();
    if plan.order.len() != n {
        return Err(bad(format!(
            "the order lists {} steps but the plan has {n}",
            plan.order.len()
        )));
    }
    let mut position = vec![usize::MAX; n];
    for (i, s) in plan.order.iter().enumerate() {
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
    for (i, s) in plan.order.iter().enumerate() {
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
    let prefix = plan.eligibility_steps as usize;
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
