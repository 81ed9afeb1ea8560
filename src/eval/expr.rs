//! Expression evaluation over the resolved [`Program`].
//!
//! Numbers and conditions are evaluated by separate functions (the plan's
//! expressions are type-checked when it is validated). Every arithmetic step is
//! checked, every index read with `.get()`; a problem is a [`Fault`]. The
//! [`Tracer`] is a type parameter so the fast path (no trace) compiles to code
//! with no recording at all.

use super::err::Fault;
use super::fastdec;
use super::input::{AnswerValue, CaseInput};
use super::trace::Tracer;
use crate::model::{ArithOp, BandTable, Model, ParameterKey, Subject};
use crate::plan::program::{Node, Program, Span, TermKind};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// What an expression can see: the plan and one case's state.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub prog: &'a Program,
    pub input: &'a CaseInput,
    pub steps: &'a [Decimal],
}

/// Which part of a band table gave the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BandHit {
    /// A row of step bands.
    Row(u32),
    /// Exactly at a point, or on the line from point `i` to point `i + 1`.
    Between(u32),
    /// Beyond the last point (index), at the rate above it.
    Beyond(u32),
}

type R<T> = Result<T, Fault>;

#[inline]
fn add(a: Decimal, b: Decimal) -> R<Decimal> {
    a.checked_add(b).ok_or(Fault::Overflow)
}

#[inline]
fn sub(a: Decimal, b: Decimal) -> R<Decimal> {
    a.checked_sub(b).ok_or(Fault::Overflow)
}

#[inline]
fn mul(a: Decimal, b: Decimal) -> R<Decimal> {
    a.checked_mul(b).ok_or(Fault::Overflow)
}

#[inline]
fn div(a: Decimal, b: Decimal) -> R<Decimal> {
    if b.is_zero() {
        return Err(Fault::DivisionByZero);
    }
    // A quotient that does not terminate is cut at 28 digits; drop the zeros
    // an exact quotient may carry so figures print as people write them.
    a.checked_div(b)
        .map(|q| q.normalize())
        .ok_or(Fault::Overflow)
}

/// `p% of x` = x * p / 100, exact: dividing by 100 only moves the point.
#[inline]
pub(crate) fn percent_of(percent: Decimal, value: Decimal) -> R<Decimal> {
    let mut product = mul(percent, value)?;
    if product.set_scale(product.scale() + 2).is_ok() {
        return Ok(product);
    }
    div(product, Decimal::ONE_HUNDRED)
}

impl Ctx<'_> {
    #[inline]
    fn kids(&self, span: Span) -> &[u32] {
        let start = span.start as usize;
        self.prog
            .kids
            .get(start..start + span.len as usize)
            .unwrap_or(&[])
    }

    /// The value of an operand: constants and steps (most operands) are read
    /// here without a recursive call.
    #[inline(always)]
    fn operand<T: Tracer>(&self, id: u32, t: &mut T) -> R<Decimal> {
        match self.prog.nodes.get(id as usize) {
            Some(Node::Const(v)) => Ok(*v),
            Some(Node::Step(s)) => self
                .steps
                .get(*s as usize)
                .copied()
                .ok_or(Fault::BadPlan("step out of range")),
            Some(Node::Parameter(p)) => self.parameter(*p, t),
            Some(Node::PlanCost) => self.input.plan_cost.ok_or(Fault::MissingPlanCost),
            _ => self.num(id, t),
        }
    }

    /// The value of a number expression.
    pub(crate) fn num<T: Tracer>(&self, id: u32, t: &mut T) -> R<Decimal> {
        let node = self
            .prog
            .nodes
            .get(id as usize)
            .ok_or(Fault::BadPlan("expression out of range"))?;
        match node {
            Node::Const(v) => Ok(*v),
            Node::Choice { question, slot } => self.choice_value(*question, *slot, t),
            Node::NumberAnswer { question } => self.number_answer(*question, t),
            Node::Parameter(p) => self.parameter(*p, t),
            Node::Step(s) => self
                .steps
                .get(*s as usize)
                .copied()
                .ok_or(Fault::BadPlan("step out of range")),
            Node::PlanCost => self.input.plan_cost.ok_or(Fault::MissingPlanCost),
            Node::Neg(v) => Ok(-self.num(*v, t)?),
            Node::Abs(v) => Ok(self.num(*v, t)?.abs()),
            Node::Arith(op, l, r) => {
                let (a, b) = (self.operand(*l, t)?, self.operand(*r, t)?);
                match op {
                    ArithOp::Add => add(a, b),
                    ArithOp::Sub => sub(a, b),
                    ArithOp::Mul => mul(a, b),
                    ArithOp::Div => div(a, b),
                }
            }
            Node::PercentOf { percent, value } => {
                let (p, x) = (self.operand(*percent, t)?, self.operand(*value, t)?);
                let result = percent_of(p, x)?;
                if T::ON {
                    t.percent_of(id, p, x, result);
                }
                Ok(result)
            }
            Node::Min(span) => self.fold(*span, t, |a, b| {
                if fastdec::cmp(b, a) == Ordering::Less {
                    b
                } else {
                    a
                }
            }),
            Node::Max(span) => self.fold(*span, t, |a, b| {
                if fastdec::cmp(b, a) == Ordering::Greater {
                    b
                } else {
                    a
                }
            }),
            Node::Count(span) => {
                let mut n = 0i64;
                for (k, c) in self.kids(*span).iter().enumerate() {
                    let held = self.cond(*c, t)?;
                    if T::ON {
                        t.count_term(id, k as u32, held);
                    }
                    n += i64::from(held);
                }
                Ok(Decimal::from(n))
            }
            Node::Round {
                value,
                places,
                strategy,
            } => Ok(fastdec::round(self.operand(*value, t)?, *places, *strategy)),
            Node::Band { band, value } => {
                let x = self.operand(*value, t)?;
                self.band(*band, x, t)
            }
            Node::Total(i) => {
                let sum = self.total(*i, t)?;
                if T::ON {
                    t.total(id, self.input, sum);
                }
                Ok(sum)
            }
            Node::Choose { pairs, otherwise } => {
                let taken = self.choose(*pairs, t)?;
                let value = self.operand(taken.unwrap_or(*otherwise), t)?;
                if T::ON {
                    t.choose(id, taken, Some(value));
                }
                Ok(value)
            }
            _ => Err(Fault::BadPlan("a condition is used as a number")),
        }
    }

    /// The value of a condition.
    pub(crate) fn cond<T: Tracer>(&self, id: u32, t: &mut T) -> R<bool> {
        let node = self
            .prog
            .nodes
            .get(id as usize)
            .ok_or(Fault::BadPlan("expression out of range"))?;
        match node {
            Node::Bool(b) => Ok(*b),
            Node::Flag { condition } => self.cond(*condition, t),
            Node::Not(v) => Ok(!self.cond(*v, t)?),
            Node::And(l, r) => Ok(self.cond(*l, t)? && self.cond(*r, t)?),
            Node::Or(l, r) => Ok(self.cond(*l, t)? || self.cond(*r, t)?),
            Node::Compare(op, l, r) => {
                let (a, b) = (self.operand(*l, t)?, self.operand(*r, t)?);
                let order = fastdec::cmp(a, b);
                Ok(op.holds(order))
            }
            Node::CompareBool { equal, left, right } => {
                Ok((self.cond(*left, t)? == self.cond(*right, t)?) == *equal)
            }
            Node::CodeIn {
                subject,
                set,
                negated,
            } => {
                let code = self.code(*subject, t)?;
                let set = self
                    .prog
                    .code_sets
                    .get(*set as usize)
                    .ok_or(Fault::BadPlan("code set out of range"))?;
                Ok(set.contains(code) != *negated)
            }
            Node::Choose { pairs, otherwise } => {
                let taken = self.choose(*pairs, t)?;
                let held = self.cond(taken.unwrap_or(*otherwise), t)?;
                if T::ON {
                    t.choose(id, taken, None);
                }
                Ok(held)
            }
            _ => Err(Fault::BadPlan("a number is used as a condition")),
        }
    }

    #[inline(never)]
    fn fold<T: Tracer>(
        &self,
        span: Span,
        t: &mut T,
        f: fn(Decimal, Decimal) -> Decimal,
    ) -> R<Decimal> {
        let mut acc: Option<Decimal> = None;
        for v in self.kids(span) {
            let x = self.num(*v, t)?;
            acc = Some(acc.map_or(x, |a| f(a, x)));
        }
        acc.ok_or(Fault::BadPlan("min or max of nothing"))
    }

    /// The value expression of the first pair whose condition holds.
    fn choose<T: Tracer>(&self, pairs: Span, t: &mut T) -> R<Option<u32>> {
        for pair in self.kids(pairs).chunks_exact(2) {
            if let [c, v] = pair {
                if self.cond(*c, t)? {
                    return Ok(Some(*v));
                }
            }
        }
        Ok(None)
    }

    /// The code index of a subject: option, yes (1) / no (0), cohort, attribute value.
    pub(crate) fn code<T: Tracer>(&self, subject: Subject, t: &mut T) -> R<u32> {
        match subject {
            Subject::Cohort => Ok(self.input.cohort),
            Subject::Attribute(a) => match self.input.attributes.get(a as usize) {
                Some(Some(v)) => Ok(*v),
                Some(None) => Err(Fault::MissingAttribute(a)),
                None => Err(Fault::BadInput("attribute out of range")),
            },
            Subject::Question(q) => match self.answer(q, t)? {
                AnswerValue::Choice(i) => Ok(i),
                AnswerValue::YesNo(b) => Ok(u32::from(b)),
                _ => Err(Fault::BadInput("a code test on a number answer")),
            },
        }
    }

    /// The chosen option of a choice question (without copying the answer).
    #[inline(always)]
    pub(crate) fn choice_index<T: Tracer>(&self, q: u32, t: &mut T) -> R<u32> {
        let answer = self
            .input
            .answers
            .get(q as usize)
            .ok_or(Fault::BadInput("question out of range"))?;
        if T::ON {
            t.answer(q, answer);
        }
        match answer.value {
            AnswerValue::Choice(o) => Ok(o),
            AnswerValue::Missing => Err(Fault::MissingAnswer(q)),
            _ => Err(Fault::BadInput("a choice question has a non-choice answer")),
        }
    }

    /// The answer to a question, recorded in the trace; missing is a fault.
    #[inline]
    fn answer<T: Tracer>(&self, q: u32, t: &mut T) -> R<AnswerValue> {
        let answer = self
            .input
            .answers
            .get(q as usize)
            .ok_or(Fault::BadInput("question out of range"))?;
        if T::ON {
            t.answer(q, answer);
        }
        match answer.value {
            AnswerValue::Missing => Err(Fault::MissingAnswer(q)),
            v => Ok(v),
        }
    }

    #[inline(never)]
    fn choice_value<T: Tracer>(&self, q: u32, slot: u32, t: &mut T) -> R<Decimal> {
        let AnswerValue::Choice(option) = self.answer(q, t)? else {
            return Err(Fault::BadInput("a choice question has a non-choice answer"));
        };
        let table = self
            .prog
            .questions
            .get(q as usize)
            .ok_or(Fault::BadPlan("question out of range"))?;
        if option >= table.options || slot >= table.stride {
            return Err(Fault::BadInput("option out of range"));
        }
        let at = table.base as usize + (option * table.stride + slot) as usize;
        self.prog
            .option_values
            .get(at)
            .copied()
            .ok_or(Fault::BadPlan("option value out of range"))
    }

    fn number_answer<T: Tracer>(&self, q: u32, t: &mut T) -> R<Decimal> {
        match self.answer(q, t)? {
            AnswerValue::Number(n) => Ok(n),
            _ => Err(Fault::BadInput("a number question has a non-number answer")),
        }
    }

    #[inline(never)]
    fn parameter<T: Tracer>(&self, p: u32, t: &mut T) -> R<Decimal> {
        let (entry, key, at) = parameter_slot(self.prog, self.input, p)?;
        let value = self
            .prog
            .param_values
            .get(at)
            .copied()
            .ok_or(Fault::BadInput(
                "no parameter value for this cohort or attribute value",
            ))?;
        if T::ON {
            t.parameter(p, entry, key, value);
        }
        Ok(value)
    }

    #[inline(never)]
    fn total<T: Tracer>(&self, i: u32, t: &mut T) -> R<Decimal> {
        let table = self
            .prog
            .totals
            .get(i as usize)
            .ok_or(Fault::BadPlan("total out of range"))?;
        // The fast sum is used whenever it applies, traced or not, so that both
        // paths give the same value with the same scale.
        if let Some(fast) = &table.fast {
            // INVARIANT (program.rs): each value is below 2^52 in magnitude, so
            // an i64 sum of fewer than 2^11 terms cannot overflow; checked anyway.
            let mut sum: i64 = 0;
            for (q, start, len) in &fast.terms {
                let o = self.choice_index(*q, t)?;
                if o >= *len {
                    return Err(Fault::BadInput("option out of range"));
                }
                let v = fast
                    .values
                    .get((start + o) as usize)
                    .ok_or(Fault::BadPlan("total out of range"))?;
                sum = sum.checked_add(*v).ok_or(Fault::Overflow)?;
            }
            return Decimal::try_new(sum, fast.scale).map_err(|_| Fault::Overflow);
        }
        let mut sum = Decimal::ZERO;
        for term in &table.terms {
            let v = match &term.kind {
                TermKind::Choice(values) => match self.answer(term.question, t)? {
                    AnswerValue::Choice(o) => values
                        .get(o as usize)
                        .copied()
                        .ok_or(Fault::BadInput("option out of range"))?,
                    _ => return Err(Fault::BadInput("a choice question has a non-choice answer")),
                },
                TermKind::Weighted(weight) => {
                    let value = match self.answer(term.question, t)? {
                        AnswerValue::Number(n) => n,
                        AnswerValue::Choice(_) => self.choice_value(term.question, term.slot, t)?,
                        _ => return Err(Fault::BadInput("an answer of the wrong kind")),
                    };
                    mul(value, *weight)?
                }
            };
            sum = add(sum, v)?;
        }
        Ok(sum)
    }

    #[inline(never)]
    fn band<T: Tracer>(&self, b: u32, x: Decimal, t: &mut T) -> R<Decimal> {
        let band = self
            .model
            .bands
            .get(b as usize)
            .ok_or(Fault::BadPlan("bands out of range"))?;
        let (value, hit) = match &band.table {
            BandTable::Steps { rows } => {
                let fast = self
                    .prog
                    .step_bounds
                    .get(b as usize)
                    .and_then(|s| s.as_ref()?.row(x));
                let row = fast
                    .unwrap_or_else(|| {
                        rows.iter().position(|r| {
                            r.from
                                .map_or(true, |f| fastdec::cmp(f, x) != Ordering::Greater)
                                && r.to
                                    .map_or(true, |to| fastdec::cmp(x, to) == Ordering::Less)
                        })
                    })
                    .ok_or(Fault::OutsideBands { band: b, value: x })?;
                let value = rows
                    .get(row)
                    .map(|r| r.value)
                    .ok_or(Fault::BadPlan("band row"))?;
                (value, BandHit::Row(row as u32))
            }
            BandTable::Interpolate { points, beyond, .. } => interpolate(b, points, *beyond, x)?,
        };
        if T::ON {
            t.band(b, x, hit, value);
        }
        Ok(value)
    }
}

/// Which value of parameter `p` a case reads: the schedule entry in force,
/// the cohort or attribute value's key, and its index in
/// [`Program::param_values`] (not checked against its length).
#[inline]
pub(crate) fn parameter_slot(prog: &Program, input: &CaseInput, p: u32) -> R<(u32, u32, usize)> {
    let table = prog
        .params
        .get(p as usize)
        .ok_or(Fault::BadPlan("parameter out of range"))?;
    let entry = if table.dated {
        let date = input.date.ok_or(Fault::MissingDate(p))?;
        // INVARIANT (validated): entries are in increasing date order and only
        // the first may be undated, so the last one not after the date rules.
        let in_force = table
            .entries
            .iter()
            .rposition(|(from, _)| from.map_or(true, |f| f <= date));
        in_force.ok_or(Fault::NoValueInForce(p))?
    } else {
        0
    };
    let key = match table.key {
        ParameterKey::None => 0,
        ParameterKey::Cohort => input.cohort,
        ParameterKey::Attribute(a) => match input.attributes.get(a as usize) {
            Some(Some(v)) => *v,
            Some(None) => return Err(Fault::MissingAttribute(a)),
            None => return Err(Fault::BadInput("attribute out of range")),
        },
    };
    let base = table
        .entries
        .get(entry)
        .map(|e| e.1)
        .ok_or(Fault::BadPlan("parameter has no values"))?;
    Ok((entry as u32, key, base as usize + key as usize))
}

/// The straight-line value at `x`, and which points gave it.
fn interpolate(
    b: u32,
    points: &[crate::model::BandPoint],
    beyond: Option<Decimal>,
    x: Decimal,
) -> R<(Decimal, BandHit)> {
    let first = points
        .first()
        .ok_or(Fault::BadPlan("bands without points"))?;
    if x < first.at {
        return Err(Fault::BelowBands { band: b, value: x });
    }
    // The last point at or below x.
    let i = points.iter().rposition(|p| p.at <= x).unwrap_or(0);
    let lo = points.get(i).ok_or(Fault::BadPlan("band point"))?;
    if lo.at == x {
        return Ok((lo.value, BandHit::Between(i as u32)));
    }
    match points.get(i + 1) {
        Some(hi) => {
            // Multiply before dividing so that the line is exact whenever the
            // result has a finite decimal expansion.
            let rise = mul(sub(x, lo.at)?, sub(hi.value, lo.value)?)?;
            let y = add(lo.value, div(rise, sub(hi.at, lo.at)?)?)?;
            Ok((y, BandHit::Between(i as u32)))
        }
        None => {
            let rate = beyond.ok_or(Fault::NoRateBeyond { band: b, value: x })?;
            let y = add(lo.value, mul(sub(x, lo.at)?, rate)?)?;
            Ok((y, BandHit::Beyond(i as u32)))
        }
    }
}
