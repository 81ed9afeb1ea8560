//! The units of a plan's expressions, checked again on load: what the checker
//! guarantees of units, so that a plan edited with its hash recomputed cannot
//! add money to points or multiply money by money.
//!
//! A number written in the rule file keeps its value in the model but not its
//! unit (the checker used it and moved on), so a literal counts as any unit
//! here; everything else has a known unit: answers, parameters, steps, bands,
//! totals, the plan cost. Runs after [`super::validate::expr_types`], so every
//! id is in range and there is no cycle.

use super::PlanError;
use crate::model::{children, ArithOp, Expr, ExprId, Model, QuestionKind};
use crate::units::Unit;

/// The unit of each expression, `None` where a literal leaves it open, or the
/// first expression whose units do not fit.
pub(super) fn check_units(m: &Model) -> Result<(), PlanError> {
    let units = expr_units(m)
        .map_err(|(id, what)| PlanError::Invalid(format!("{} {what}", owner(m, id))))?;
    let unit = |id: ExprId| units.get(id as usize).copied().flatten();
    for s in &m.steps {
        if let Some(u) = unit(s.expr) {
            if u != s.unit {
                return Err(PlanError::Invalid(format!(
                    "step `{}` is in {} but its calculation gives {}",
                    s.id,
                    s.unit.describe(),
                    u.describe()
                )));
            }
        }
    }
    Ok(())
}

/// What an expression belongs to, in words: the first step, flag, check,
/// requirement or route rule whose calculation contains it. Only read when
/// reporting, so a plain search is enough.
fn owner(m: &Model, id: ExprId) -> String {
    let contains = |root: ExprId| {
        let mut found = false;
        m.walk(root, &mut |e, _| found |= e == id);
        found
    };
    for (i, s) in m.steps.iter().enumerate() {
        if m.step_roots(i as u32).into_iter().any(contains) {
            return format!("the calculation of step `{}`", s.id);
        }
    }
    for f in &m.flags {
        if contains(f.when) {
            return format!("the condition of flag `{}`", f.id);
        }
    }
    for c in &m.checks {
        if contains(c.when) {
            return format!("the condition of answer check `{}`", c.id);
        }
    }
    for (i, r) in m.eligibility.iter().enumerate() {
        if contains(r.condition) {
            let line = m.spans.requirement_line(i as u32);
            return format!("the requirement at line {line}");
        }
    }
    for rule in m.route.iter().flat_map(|r| &r.rules) {
        if rule.when.is_some_and(contains) {
            return format!("the condition of route rule `{}`", rule.id);
        }
    }
    format!("expression {id}")
}

/// An expression whose units do not fit, and what it does wrong.
type Misfit = (ExprId, String);

fn expr_units(m: &Model) -> Result<Vec<Option<Unit>>, Misfit> {
    let n = m.exprs.len();
    let mut units: Vec<Option<Unit>> = vec![None; n];
    let mut done = vec![false; n];
    for start in 0..n {
        if done.get(start) != Some(&false) {
            continue;
        }
        // Post-order without recursion; validation has ruled out cycles, and
        // `done` bounds the work should one slip through.
        let mut stack: Vec<(ExprId, bool)> = vec![(start as ExprId, false)];
        while let Some((id, expanded)) = stack.pop() {
            let i = id as usize;
            let Some(expr) = m.exprs.get(i) else { continue };
            if done.get(i) != Some(&false) {
                continue;
            }
            if !expanded {
                stack.push((id, true));
                for c in children(expr) {
                    if done.get(c as usize) == Some(&false) {
                        stack.push((c, false));
                    }
                }
                continue;
            }
            let u = unit_of(m, id, expr, &units)?;
            if let (Some(slot), Some(d)) = (units.get_mut(i), done.get_mut(i)) {
                *slot = u;
                *d = true;
            }
        }
    }
    Ok(units)
}

fn mismatch(id: ExprId, what: &str, a: Unit, b: Unit) -> Misfit {
    (id, format!("{what} {} and {}", a.describe(), b.describe()))
}

/// Two units that must be the same, either open.
fn same(id: ExprId, what: &str, a: Option<Unit>, b: Option<Unit>) -> Result<Option<Unit>, Misfit> {
    match (a, b) {
        (Some(x), Some(y)) if x != y => Err(mismatch(id, what, x, y)),
        (Some(x), _) | (_, Some(x)) => Ok(Some(x)),
        (None, None) => Ok(None),
    }
}

fn unit_of(
    m: &Model,
    id: ExprId,
    expr: &Expr,
    units: &[Option<Unit>],
) -> Result<Option<Unit>, Misfit> {
    let of = |e: ExprId| units.get(e as usize).copied().flatten();
    Ok(match expr {
        Expr::Number { .. } => None,
        Expr::Bool { .. }
        | Expr::Flag { .. }
        | Expr::Not { .. }
        | Expr::And { .. }
        | Expr::Or { .. }
        | Expr::CodeIn { .. } => None,
        Expr::PlanCost => Some(Unit::Money),
        Expr::Answer { question, slot } => {
            match m.questions.get(*question as usize).map(|q| &q.kind) {
                Some(QuestionKind::Choice { units, .. }) => units.get(*slot as usize).copied(),
                Some(QuestionKind::Number { unit, .. }) => Some(*unit),
                _ => None,
            }
        }
        Expr::Parameter { parameter } => m.parameters.get(*parameter as usize).map(|p| p.unit),
        Expr::Step { step } => m.steps.get(*step as usize).map(|s| s.unit),
        Expr::Neg { value } | Expr::Abs { value } | Expr::Round { value, .. } => of(*value),
        Expr::Arith { arith, left, right } => {
            let (a, b) = (of(*left), of(*right));
            match arith {
                ArithOp::Add => same(id, "adds", a, b)?,
                ArithOp::Sub => same(id, "subtracts", a, b)?,
                ArithOp::Mul | ArithOp::Div => match (a, b) {
                    (Some(x), Some(y)) => {
                        let product = if *arith == ArithOp::Mul {
                            x.times(y)
                        } else {
                            x.divided_by(y)
                        };
                        let verb = if *arith == ArithOp::Mul {
                            "multiplies"
                        } else {
                            "divides"
                        };
                        Some(product.ok_or_else(|| mismatch(id, verb, x, y))?)
                    }
                    _ => None,
                },
            }
        }
        Expr::PercentOf { percent, value } => {
            if let Some(p) = of(*percent) {
                if p != Unit::Percent && p != Unit::Number {
                    return Err((
                        id,
                        format!(
                            "takes a share of a value by {}, not a percentage",
                            p.describe()
                        ),
                    ));
                }
            }
            of(*value)
        }
        Expr::Compare { left, right, .. } => {
            same(id, "compares", of(*left), of(*right))?;
            None
        }
        Expr::Min { values } | Expr::Max { values } => {
            let mut u = None;
            for v in values {
                u = same(id, "takes the least or greatest of", u, of(*v))?;
            }
            u
        }
        Expr::Count { .. } => Some(Unit::Number),
        Expr::Band { band, value } => match m.bands.get(*band as usize) {
            Some(b) => {
                if let Some(u) = of(*value) {
                    if u != b.on {
                        return Err((
                            id,
                            format!(
                                "looks up the bands `{}`, which are on {}, with {}",
                                b.id,
                                b.on.describe(),
                                u.describe()
                            ),
                        ));
                    }
                }
                Some(b.unit)
            }
            None => None,
        },
        Expr::Total { kind, .. } => Some(kind.unit()),
        Expr::Choose { choices, otherwise } => {
            let mut u = of(*otherwise);
            for (_, v) in choices {
                u = same(id, "chooses between", u, of(*v))?;
            }
            u
        }
    })
}
