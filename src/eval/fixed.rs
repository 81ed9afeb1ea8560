//! The fixed-point lane at run time ([`crate::plan::fixed`] places the steps
//! and conditions in it): the phases of one case as [`super::run`] has them,
//! with lane steps and conditions worked out on `i64`s and the others on
//! `Decimal`. Nothing here reports a problem: an overflow, a fault of any kind
//! or a value the lane cannot hold makes the case leave the lane, and the
//! caller works it out again on the `Decimal` path, which gives the figures or
//! the error with its place. So the lane only ever returns the `Decimal`
//! path's figures.

use super::expr::{parameter_slot, Ctx};
use super::input::{AnswerValue, CaseInput};
use super::run::{Scratch, Verdict};
use super::trace::NoTrace;
use super::Evaluator;
use crate::model::StepKind;
use crate::plan::fixed::{
    Fixed, Lane, LaneNode, BOOL, NEGATIVE_ZERO, NUMBER_SCALE, OUT, PLAN_COST_SCALE, POW10,
    SCALE_BITS,
};
use crate::plan::program::Span;
use crate::units::Unit;
use crate::vocabulary::CheckAction;
use rust_decimal::RoundingStrategy;

/// The case leaves the lane, to be worked out on the `Decimal` path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Leave;

impl From<super::err::Fault> for Leave {
    fn from(_: super::err::Fault) -> Leave {
        Leave
    }
}

type L<T> = Result<T, Leave>;

/// What a lane expression can see.
struct Lx<'a> {
    lane: &'a Lane,
    ctx: Ctx<'a>,
    /// The lane values of the steps worked out so far.
    fixed: &'a [Fixed],
}

#[inline(always)]
fn scaled(x: Fixed, up: i64) -> L<Fixed> {
    Ok(Fixed::new(x.m.checked_mul(up).ok_or(Leave)?, x.flags()))
}

impl Lx<'_> {
    #[inline]
    fn kids(&self, span: Span) -> &[u32] {
        let start = span.start as usize;
        self.ctx
            .prog
            .kids
            .get(start..start + span.len as usize)
            .unwrap_or(&[])
    }

    /// Brings the value of `kid` to the scale of `id`.
    #[inline]
    fn num_at(&self, kid: u32, id: u32) -> L<Fixed> {
        let x = self.num(kid)?;
        let to = self.lane.rep.get(id as usize).copied().unwrap_or(OUT);
        let from = self.lane.rep.get(kid as usize).copied().unwrap_or(OUT);
        let up = POW10
            .get(usize::from(to.checked_sub(from).ok_or(Leave)?))
            .ok_or(Leave)?;
        scaled(x, *up)
    }

    /// The value of an operand: constants and steps (most operands) are read
    /// here without a call.
    #[inline(always)]
    fn operand(&self, id: u32) -> L<Fixed> {
        match self.lane.nodes.get(id as usize) {
            Some(LaneNode::Const(f)) => Ok(*f),
            Some(LaneNode::Step(s)) => self.fixed.get(*s as usize).copied().ok_or(Leave),
            _ => self.num(id),
        }
    }

    /// The value of a number node in the lane, at its scale: arithmetic
    /// here, look-ups in [`Lx::look_up`], so that this stays small.
    fn num(&self, id: u32) -> L<Fixed> {
        match self.lane.nodes.get(id as usize).ok_or(Leave)? {
            LaneNode::Const(f) => Ok(*f),
            LaneNode::Step(s) => self.fixed.get(*s as usize).copied().ok_or(Leave),
            LaneNode::Neg(v) => neg(self.operand(*v)?),
            LaneNode::Abs(v) => abs(self.operand(*v)?),
            LaneNode::Add {
                left,
                right,
                up_left,
                up_right,
                subtract,
            } => {
                let (a, b) = (self.operand(*left)?, self.operand(*right)?);
                add(a, b, *up_left, *up_right, *subtract)
            }
            LaneNode::Mul(l, r) => mul(self.operand(*l)?, self.operand(*r)?),
            LaneNode::PercentOf(p, x) => percent_of(self.operand(*p)?, self.operand(*x)?),
            LaneNode::Round {
                value,
                divisor,
                places,
                strategy,
            } => {
                let x = self.operand(*value)?;
                round(x, *divisor, *places, *strategy)
            }
            _ => self.look_up(id),
        }
    }

    /// The value of a number node that reads the case or a table.
    #[inline(never)]
    fn look_up(&self, id: u32) -> L<Fixed> {
        let input = self.ctx.input;
        match self.lane.nodes.get(id as usize).ok_or(Leave)? {
            LaneNode::Choice { question, slot } => {
                let o = self.ctx.choice_index(*question, &mut NoTrace)?;
                let table = self
                    .ctx
                    .prog
                    .questions
                    .get(*question as usize)
                    .ok_or(Leave)?;
                if o >= table.options || *slot >= table.stride {
                    return Err(Leave);
                }
                let at = table.base as usize + (o * table.stride + slot) as usize;
                self.lane.option_values.get(at).copied().ok_or(Leave)
            }
            LaneNode::NumberAnswer(q) => match input.answers.get(*q as usize).map(|a| a.value) {
                Some(AnswerValue::Number(n)) => Fixed::from_decimal(n, NUMBER_SCALE).ok_or(Leave),
                _ => Err(Leave),
            },
            LaneNode::Parameter(p) => {
                let (_, _, at) = parameter_slot(self.ctx.prog, input, *p)?;
                self.lane.param_values.get(at).copied().ok_or(Leave)
            }
            LaneNode::PlanCost => {
                Fixed::from_decimal(input.plan_cost.ok_or(Leave)?, PLAN_COST_SCALE).ok_or(Leave)
            }
            LaneNode::Band { band, value } => {
                let x = self.num(*value)?;
                let table = self.lane.bands.get(*band as usize).ok_or(Leave)?;
                let k = x.m.checked_mul(table.up_value).ok_or(Leave)?;
                let row = table.rows.iter().find(|(from, to, _)| {
                    from.map_or(true, |f| f <= k) && to.map_or(true, |t| k < t)
                });
                row.map(|r| r.2).ok_or(Leave)
            }
            LaneNode::Total(i) => {
                let fast = self
                    .ctx
                    .prog
                    .totals
                    .get(*i as usize)
                    .and_then(|t| t.fast.as_ref())
                    .ok_or(Leave)?;
                let mut sum: i64 = 0;
                for (q, start, len) in &fast.terms {
                    let o = self.ctx.choice_index(*q, &mut NoTrace)?;
                    if o >= *len {
                        return Err(Leave);
                    }
                    let v = fast.values.get((start + o) as usize).ok_or(Leave)?;
                    sum = sum.checked_add(*v).ok_or(Leave)?;
                }
                Ok(Fixed::new(sum, fast.scale as u8))
            }
            LaneNode::Count(span) => {
                let mut n = 0i64;
                for c in self.kids(*span) {
                    n += i64::from(self.cond(*c)?);
                }
                Ok(Fixed::new(n, 0))
            }
            LaneNode::Min(span) | LaneNode::Max(span) => {
                let min = matches!(self.lane.nodes.get(id as usize), Some(LaneNode::Min(_)));
                let mut acc: Option<Fixed> = None;
                for v in self.kids(*span) {
                    let x = self.num_at(*v, id)?;
                    // The first of equal values is kept, as on the Decimal path.
                    acc = Some(match acc {
                        Some(a) if (min && x.m < a.m) || (!min && x.m > a.m) => x,
                        Some(a) => a,
                        None => x,
                    });
                }
                acc.ok_or(Leave)
            }
            LaneNode::Choose { pairs, otherwise } => {
                let taken = self.choose(*pairs)?.unwrap_or(*otherwise);
                self.num_at(taken, id)
            }
            _ => Err(Leave),
        }
    }

    /// The value of a condition in the lane.
    fn cond(&self, id: u32) -> L<bool> {
        match self.lane.nodes.get(id as usize).ok_or(Leave)? {
            LaneNode::Bool(b) => Ok(*b),
            LaneNode::Flag(c) => self.cond(*c),
            LaneNode::Not(v) => Ok(!self.cond(*v)?),
            LaneNode::And(l, r) => Ok(self.cond(*l)? && self.cond(*r)?),
            LaneNode::Or(l, r) => Ok(self.cond(*l)? || self.cond(*r)?),
            LaneNode::Compare {
                op,
                left,
                right,
                up_left,
                up_right,
            } => {
                let a = self.operand(*left)?.m.checked_mul(*up_left).ok_or(Leave)?;
                let b = self
                    .operand(*right)?
                    .m
                    .checked_mul(*up_right)
                    .ok_or(Leave)?;
                let order = a.cmp(&b);
                Ok(op.holds(order))
            }
            LaneNode::CompareBool { equal, left, right } => {
                Ok((self.cond(*left)? == self.cond(*right)?) == *equal)
            }
            LaneNode::CodeIn {
                subject,
                set,
                negated,
            } => {
                let code = self.ctx.code(*subject, &mut NoTrace)?;
                let set = self.ctx.prog.code_sets.get(*set as usize).ok_or(Leave)?;
                Ok(set.contains(code) != *negated)
            }
            LaneNode::Choose { pairs, otherwise } => {
                let taken = self.choose(*pairs)?.unwrap_or(*otherwise);
                self.cond(taken)
            }
            _ => Err(Leave),
        }
    }

    /// The value node of the first pair whose condition holds.
    fn choose(&self, pairs: Span) -> L<Option<u32>> {
        for pair in self.kids(pairs).chunks_exact(2) {
            if let [c, v] = pair {
                if self.cond(*c)? {
                    return Ok(Some(*v));
                }
            }
        }
        Ok(None)
    }
}

/// `-x`; rust_decimal flips the sign of a zero too.
#[inline]
fn neg(x: Fixed) -> L<Fixed> {
    let m = x.m.checked_neg().ok_or(Leave)?;
    let flags = if m == 0 {
        x.flags() ^ NEGATIVE_ZERO
    } else {
        x.flags()
    };
    Ok(Fixed::new(m, flags))
}

#[inline]
fn abs(x: Fixed) -> L<Fixed> {
    Ok(Fixed::new(
        x.m.checked_abs().ok_or(Leave)?,
        x.flags() & SCALE_BITS,
    ))
}

/// `a * b` at the sum of their scales; rust_decimal makes a zero product
/// plain zero, scale 0.
#[inline]
fn mul(a: Fixed, b: Fixed) -> L<Fixed> {
    if a.m == 0 || b.m == 0 {
        return Ok(Fixed::ZERO);
    }
    Ok(Fixed::new(
        a.m.checked_mul(b.m).ok_or(Leave)?,
        a.scale() + b.scale(),
    ))
}

/// `p% of x`: the product with its point moved two places, a zero too.
#[inline]
fn percent_of(p: Fixed, x: Fixed) -> L<Fixed> {
    let product = mul(p, x)?;
    Ok(Fixed::new(product.m, product.scale() + 2))
}

/// `a ± b` as rust_decimal adds: `0 ± x` is `±x` and `x ± 0` is `x`, each
/// with its own scale (and sign, when zero); otherwise the larger scale, and
/// a zero is never `-0`.
#[inline]
fn add(a: Fixed, b: Fixed, up_a: i64, up_b: i64, subtract: bool) -> L<Fixed> {
    if a.m == 0 {
        let b = scaled(b, up_b)?;
        if subtract && b.m != 0 {
            return Ok(Fixed::new(b.m.checked_neg().ok_or(Leave)?, b.flags()));
        }
        return Ok(b);
    }
    if b.m == 0 {
        return scaled(a, up_a);
    }
    let x = a.m.checked_mul(up_a).ok_or(Leave)?;
    let y = b.m.checked_mul(up_b).ok_or(Leave)?;
    let m = if subtract {
        x.checked_sub(y)
    } else {
        x.checked_add(y)
    }
    .ok_or(Leave)?;
    Ok(Fixed::new(m, a.scale().max(b.scale())))
}

/// Rounds `x` to `places`, `divisor` being 10^(its scale - places), as
/// [`super::fastdec::round`] does: a value with no more places than that is
/// left as it is (its scale too).
#[inline]
fn round(x: Fixed, divisor: i64, places: u8, strategy: RoundingStrategy) -> L<Fixed> {
    if divisor == 1 {
        return Ok(x);
    }
    if x.scale() <= places {
        // INVARIANT: the value has at most `places` places, so this is exact.
        return Ok(Fixed::new(x.m / divisor, x.flags()));
    }
    let p = divisor.unsigned_abs();
    let magnitude = x.m.unsigned_abs();
    let (q, r) = (magnitude / p, magnitude % p);
    let up = super::fastdec::rounds_up(q, r, p, strategy).ok_or(Leave)?;
    let q = i64::try_from(q + u64::from(up)).map_err(|_| Leave)?;
    // A value that rounds to zero is plain zero (never `-0`).
    Ok(Fixed::new(if x.m < 0 { -q } else { q }, places))
}

impl Evaluator<'_> {
    /// Works out a decoded case in the lane into `s`, or leaves it.
    pub(crate) fn run_lane(&self, input: &CaseInput, s: &mut Scratch) -> L<Verdict> {
        let m = &self.plan.model;
        s.reset();
        let cohort = m.cohorts.get(input.cohort as usize).ok_or(Leave)?;
        if cohort.not_validated.is_some() {
            s.in_lane = true;
            return Ok(Verdict::NotValidated);
        }
        let split = (self.plan.eligibility_steps as usize).min(self.plan.order.len());
        let (first, rest) = self.plan.order.split_at(split);
        self.lane_steps(first, input, s)?;
        for (i, check) in m.checks.iter().enumerate() {
            if self.lane_cond(check.when, input, s)? {
                match check.action {
                    CheckAction::Stop => return Err(Leave),
                    CheckAction::Warn => s.warnings.push(i as u32),
                }
            }
        }
        for (i, req) in m.eligibility.iter().enumerate() {
            if !self.lane_cond(req.condition, input, s)? {
                s.failed.push(i as u32);
            }
        }
        if !s.failed.is_empty() {
            s.in_lane = true;
            return Ok(Verdict::NotEligible);
        }
        self.lane_steps(rest, input, s)?;
        for (i, flag) in m.flags.iter().enumerate() {
            let raised = self.lane_cond(flag.when, input, s)?;
            if let Some(slot) = s.flags.get_mut(i) {
                *slot = raised;
            }
        }
        s.flags_done = true;
        if let (Some(route), Some(_)) = (&m.route, input.plan_cost) {
            for (i, rule) in route.rules.iter().enumerate() {
                let holds = match rule.when {
                    None => true,
                    Some(w) => self.lane_cond(w, input, s)?,
                };
                if holds {
                    s.route = Some(i as u32);
                    break;
                }
            }
        }
        s.in_lane = true;
        Ok(Verdict::Figures)
    }

    fn lane_cond(&self, c: u32, input: &CaseInput, s: &Scratch) -> L<bool> {
        let lane = &self.program.lane;
        let ctx = self.ctx(input, &s.steps);
        if lane.rep.get(c as usize) == Some(&BOOL) {
            Lx {
                lane,
                ctx,
                fixed: &s.fixed,
            }
            .cond(c)
        } else {
            ctx.cond(c, &mut NoTrace).map_err(Leave::from)
        }
    }

    fn lane_steps(&self, order: &[u32], input: &CaseInput, s: &mut Scratch) -> L<()> {
        let m = &self.plan.model;
        let lane = &self.program.lane;
        for &id in order {
            let step = m.steps.get(id as usize).ok_or(Leave)?;
            let rep = lane.steps.get(id as usize).copied().unwrap_or(OUT);
            let ctx = self.ctx(input, &s.steps);
            let value = if rep == OUT {
                let applies = match &step.kind {
                    StepKind::Deduction { when: Some(w), .. } => ctx.cond(*w, &mut NoTrace)?,
                    _ => true,
                };
                if applies {
                    ctx.num(step.expr, &mut NoTrace)?
                } else {
                    rust_decimal::Decimal::ZERO
                }
            } else {
                let lx = Lx {
                    lane,
                    ctx,
                    fixed: &s.fixed,
                };
                let applies = match &step.kind {
                    StepKind::Deduction { when: Some(w), .. } => lx.cond(*w)?,
                    _ => true,
                };
                let v = if applies {
                    lx.num(step.expr)?
                } else {
                    Fixed::ZERO
                };
                if let Some(slot) = s.fixed.get_mut(id as usize) {
                    *slot = v;
                }
                v.to_decimal(rep).ok_or(Leave)?
            };
            if let Some(slot) = s.steps.get_mut(id as usize) {
                *slot = value;
            }
            s.done += 1;
            // A money output below zero is an error, named on the Decimal path.
            if value.is_sign_negative()
                && !value.is_zero()
                && matches!(step.kind, StepKind::Output { .. })
                && step.unit == Unit::Money
            {
                return Err(Leave);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
