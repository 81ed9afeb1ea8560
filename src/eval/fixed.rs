//! The fixed-point lane at run time ([`crate::plan::fixed`] places the steps
//! and conditions in it): the phases of one case as [`super::run`] has them,
//! with lane steps and conditions worked out on `i64`s and the others on
//! `Decimal`. Nothing here reports a problem: an overflow, a fault of any kind
//! or a value the lane cannot hold makes the case leave the lane, and the
//! caller works it out again on the `Decimal` path, which gives the figures or
//! the error with its place. So the lane only ever returns the `Decimal`
//! path's figures.

use super::expr::parameter_slot;
use super::input::{AnswerValue, CaseInput};
use super::run::{Scratch, Verdict};
use super::trace::NoTrace;
use super::Evaluator;
use crate::model::{StepKind, Subject};
use crate::plan::fixed::{
    Fixed, Ins, NEGATIVE_ZERO, NUMBER_SCALE, OUT, PLAN_COST_SCALE, SCALE_BITS,
};
use crate::units::Unit;
use crate::vocabulary::CheckAction;
use rust_decimal::{Decimal, RoundingStrategy};

/// The case leaves the lane, to be worked out on the `Decimal` path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Leave;

impl From<super::err::Fault> for Leave {
    fn from(_: super::err::Fault) -> Leave {
        Leave
    }
}

type L<T> = Result<T, Leave>;

/// The register `r` of a case's register file.
#[inline(always)]
fn get(regs: &[Fixed], r: u32) -> L<Fixed> {
    regs.get(r as usize).copied().ok_or(Leave)
}

#[inline(always)]
fn set(regs: &mut [Fixed], r: u32, v: Fixed) -> L<()> {
    *regs.get_mut(r as usize).ok_or(Leave)? = v;
    Ok(())
}

#[inline(always)]
fn truth(b: bool) -> Fixed {
    Fixed::new(i64::from(b), 0)
}

#[inline(always)]
fn scaled(x: Fixed, up: i64) -> L<Fixed> {
    Ok(Fixed::new(x.m.checked_mul(up).ok_or(Leave)?, x.flags()))
}

/// What a case's code reads besides its registers: the decoded case, the
/// `Decimal` steps worked out so far, and its plan cost at the lane's scale
/// (made once per case, for every code that reads it).
#[derive(Clone, Copy)]
pub(crate) struct CaseView<'a> {
    input: &'a CaseInput,
    plan_cost: Option<Fixed>,
}

impl<'a> CaseView<'a> {
    fn of(input: &'a CaseInput) -> CaseView<'a> {
        CaseView {
            input,
            plan_cost: input
                .plan_cost
                .and_then(|cost| Fixed::from_decimal(cost, PLAN_COST_SCALE)),
        }
    }

    /// The code a code test reads, as [`super::expr::Ctx::code`] gives it;
    /// where that is a fault, the case leaves the lane.
    #[inline(always)]
    fn code(&self, subject: Subject) -> L<u32> {
        match subject {
            Subject::Cohort => Ok(self.input.cohort),
            Subject::Question(q) => match self.input.answers.get(q as usize).map(|a| a.value) {
                Some(AnswerValue::Choice(i)) => Ok(i),
                Some(AnswerValue::YesNo(b)) => Ok(u32::from(b)),
                _ => Err(Leave),
            },
            Subject::Attribute(a) => match self.input.attributes.get(a as usize) {
                Some(Some(v)) => Ok(*v),
                _ => Err(Leave),
            },
        }
    }
}

impl Evaluator<'_> {
    /// Runs [`Lane::ins`](crate::plan::fixed::Lane::ins) `start..end` (a
    /// compiled condition, step or run of steps) over the case's registers.
    fn exec(&self, (start, end): (u32, u32), case: &CaseView, regs: &mut [Fixed]) -> L<()> {
        let lane = &self.program.lane;
        let input = case.input;
        let ins = lane.ins.get(..end as usize).ok_or(Leave)?;
        let mut pc = start as usize;
        while let Some(i) = ins.get(pc) {
            pc += 1;
            match i {
                &Ins::Add {
                    dst,
                    a,
                    b,
                    up_a,
                    up_b,
                    subtract,
                } => {
                    let v = add(get(regs, a)?, get(regs, b)?, up_a, up_b, subtract)?;
                    set(regs, dst, v)?;
                }
                &Ins::Mul { dst, a, b } => set(regs, dst, mul(get(regs, a)?, get(regs, b)?)?)?,
                &Ins::PercentOf { dst, a, b } => {
                    set(regs, dst, percent_of(get(regs, a)?, get(regs, b)?)?)?
                }
                &Ins::Round {
                    dst,
                    a,
                    divisor,
                    places,
                    strategy,
                } => set(regs, dst, round(get(regs, a)?, divisor, places, strategy)?)?,
                &Ins::Move { dst, a } => set(regs, dst, get(regs, a)?)?,
                &Ins::Scale { dst, a, up } => set(regs, dst, scaled(get(regs, a)?, up)?)?,
                &Ins::Zero { dst } => set(regs, dst, Fixed::ZERO)?,
                &Ins::JumpUnless { cond, to } => {
                    if get(regs, cond)?.m == 0 {
                        pc = to as usize;
                    }
                }
                &Ins::JumpIf { cond, to } => {
                    if get(regs, cond)?.m != 0 {
                        pc = to as usize;
                    }
                }
                &Ins::Jump { to } => pc = to as usize,
                &Ins::Compare {
                    dst,
                    op,
                    a,
                    b,
                    up_a,
                    up_b,
                } => {
                    let x = get(regs, a)?.m.checked_mul(up_a).ok_or(Leave)?;
                    let y = get(regs, b)?.m.checked_mul(up_b).ok_or(Leave)?;
                    set(regs, dst, truth(op.holds(x.cmp(&y))))?;
                }
                &Ins::CodeIn {
                    dst,
                    subject,
                    set: codes,
                    negated,
                } => {
                    let code = case.code(subject)?;
                    let codes = self.program.code_sets.get(codes as usize).ok_or(Leave)?;
                    set(regs, dst, truth(codes.contains(code) != negated))?;
                }
                &Ins::ByCode {
                    dst,
                    subject,
                    at,
                    len,
                } => {
                    let at = at as usize + case.code(subject)?.min(len) as usize;
                    set(regs, dst, lane.code_values.get(at).copied().ok_or(Leave)?)?;
                }
                &Ins::Choice {
                    dst,
                    question,
                    at,
                    stride,
                    options,
                } => {
                    let o = self.choice(input, question)?;
                    if o >= options {
                        return Err(Leave);
                    }
                    let at = at as usize + o as usize * stride as usize;
                    set(regs, dst, lane.option_values.get(at).copied().ok_or(Leave)?)?;
                }
                &Ins::ParamAt { dst, at, by_cohort } => {
                    let at = at as usize + if by_cohort { input.cohort as usize } else { 0 };
                    set(regs, dst, lane.param_values.get(at).copied().ok_or(Leave)?)?;
                }
                &Ins::Total { dst, total } => set(regs, dst, self.total(input, total)?)?,
                &Ins::PlanCost { dst } => set(regs, dst, case.plan_cost.ok_or(Leave)?)?,
                &Ins::Band { dst, value, band } => {
                    let x = get(regs, value)?;
                    let table = lane.bands.get(band as usize).ok_or(Leave)?;
                    let k = x.m.checked_mul(table.up_value).ok_or(Leave)?;
                    let row = table.rows.iter().find(|(from, to, _)| {
                        from.map_or(true, |f| f <= k) && to.map_or(true, |t| k < t)
                    });
                    set(regs, dst, row.map(|r| r.2).ok_or(Leave)?)?;
                }
                &Ins::Neg { dst, a } => set(regs, dst, neg(get(regs, a)?)?)?,
                &Ins::Abs { dst, a } => set(regs, dst, abs(get(regs, a)?)?)?,
                &Ins::Not { dst, a } => set(regs, dst, truth(get(regs, a)?.m == 0))?,
                &Ins::Least { dst, a, up } => {
                    let x = scaled(get(regs, a)?, up)?;
                    if x.m < get(regs, dst)?.m {
                        set(regs, dst, x)?;
                    }
                }
                &Ins::Most { dst, a, up } => {
                    let x = scaled(get(regs, a)?, up)?;
                    if x.m > get(regs, dst)?.m {
                        set(regs, dst, x)?;
                    }
                }
                ins @ (Ins::Param { .. }
                | Ins::NumberAnswer { .. }
                | Ins::CountIf { .. }
                | Ins::CompareBool { .. }) => self.exec_rare(ins, input, regs)?,
                Ins::Leave => return Err(Leave),
            }
        }
        Ok(())
    }

    /// The instructions a case meets less often, out of the loop so that it
    /// stays small.
    #[inline(never)]
    fn exec_rare(&self, ins: &Ins, input: &CaseInput, regs: &mut [Fixed]) -> L<()> {
        let lane = &self.program.lane;
        match *ins {
            Ins::Param { dst, param } => {
                let (_, _, at) = parameter_slot(self.program, input, param)?;
                set(regs, dst, lane.param_values.get(at).copied().ok_or(Leave)?)
            }
            Ins::NumberAnswer { dst, question } => {
                match input.answers.get(question as usize).map(|a| a.value) {
                    Some(AnswerValue::Number(n)) => set(
                        regs,
                        dst,
                        Fixed::from_decimal(n, NUMBER_SCALE).ok_or(Leave)?,
                    ),
                    _ => Err(Leave),
                }
            }
            Ins::CountIf { dst, a } => {
                let n = get(regs, dst)?.m + i64::from(get(regs, a)?.m != 0);
                set(regs, dst, Fixed::new(n, 0))
            }
            Ins::CompareBool { dst, equal, a, b } => {
                let same = (get(regs, a)?.m != 0) == (get(regs, b)?.m != 0);
                set(regs, dst, truth(same == equal))
            }
            _ => Err(Leave),
        }
    }

    /// The index of the option a choice question was answered with.
    #[inline(always)]
    fn choice(&self, input: &CaseInput, question: u32) -> L<u32> {
        match input.answers.get(question as usize).map(|a| &a.value) {
            Some(AnswerValue::Choice(o)) => Ok(*o),
            _ => Err(Leave),
        }
    }

    /// A total whose fast form is in the program: whole numbers added.
    #[inline]
    fn total(&self, input: &CaseInput, total: u32) -> L<Fixed> {
        let total = self
            .program
            .lane
            .totals
            .get(total as usize)
            .and_then(Option::as_ref)
            .ok_or(Leave)?;
        let mut sum: i64 = 0;
        for (q, values) in &total.terms {
            let o = self.choice(input, *q)?;
            let v = values.get(o as usize).ok_or(Leave)?;
            sum = sum.checked_add(*v).ok_or(Leave)?;
        }
        Ok(Fixed::new(sum, total.scale))
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
        let case = CaseView::of(input);
        self.lane_steps(first, &case, s)?;
        for (i, check) in m.checks.iter().enumerate() {
            if self.lane_cond(check.when, &case, s)? {
                match check.action {
                    CheckAction::Stop => return Err(Leave),
                    CheckAction::Warn => s.warnings.push(i as u32),
                }
            }
        }
        for (i, req) in m.eligibility.iter().enumerate() {
            if !self.lane_cond(req.condition, &case, s)? {
                s.failed.push(i as u32);
            }
        }
        if !s.failed.is_empty() {
            s.in_lane = true;
            return Ok(Verdict::NotEligible);
        }
        self.lane_steps(rest, &case, s)?;
        for (i, flag) in m.flags.iter().enumerate() {
            let raised = self.lane_cond(flag.when, &case, s)?;
            if let Some(slot) = s.flags.get_mut(i) {
                *slot = raised;
            }
        }
        s.flags_done = true;
        if let (Some(route), Some(_)) = (&m.route, input.plan_cost) {
            for (i, rule) in route.rules.iter().enumerate() {
                let holds = match rule.when {
                    None => true,
                    Some(w) => self.lane_cond(w, &case, s)?,
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

    fn lane_cond(&self, c: u32, case: &CaseView, s: &mut Scratch) -> L<bool> {
        let lane = &self.program.lane;
        match lane.cond_code.get(c as usize).copied().flatten() {
            Some(code) => {
                self.exec((code.start, code.end), case, &mut s.regs)?;
                Ok(get(&s.regs, code.result)?.m != 0)
            }
            None => self
                .ctx(case.input, &s.steps)
                .cond(c, &mut NoTrace)
                .map_err(Leave::from),
        }
    }

    fn lane_steps(&self, order: &[u32], case: &CaseView, s: &mut Scratch) -> L<()> {
        let lane = &self.program.lane;
        let input = case.input;
        if let (true, Some(first), Some(last)) = (lane.every_step, order.first(), order.last()) {
            // The steps' codes follow one another: one run for them all.
            let code = |s: &u32| lane.step_code.get(*s as usize).ok_or(Leave);
            let range = (code(first)?.start, code(last)?.end);
            self.exec(range, case, &mut s.regs)?;
            if lane.whole {
                // Nothing reads the `Decimal`s while the case runs: they are
                // made only if asked for (`Scratch::settle`), so a value is
                // only checked to make one, and a money output not to be
                // below zero (that case is named as an error on the
                // `Decimal` path).
                for &id in order {
                    let end = lane.step_end.get(id as usize).ok_or(Leave)?;
                    let value = get(&s.regs, end.result)?;
                    if !value.fits(end.rep) || (end.money_output && value.m < 0) {
                        return Err(Leave);
                    }
                }
                s.done += order.len() as u32;
                s.unsettled = true;
                return Ok(());
            }
            for &id in order {
                let code = code(&id)?;
                let rep = lane.steps.get(id as usize).copied().unwrap_or(OUT);
                let value = get(&s.regs, code.result)?.to_decimal(rep).ok_or(Leave)?;
                self.lane_step_done(id, value, s)?;
            }
            return Ok(());
        }
        for &id in order {
            let step = self.plan.model.steps.get(id as usize).ok_or(Leave)?;
            let rep = lane.steps.get(id as usize).copied().unwrap_or(OUT);
            let value = if rep == OUT {
                let ctx = self.ctx(input, &s.steps);
                let applies = match &step.kind {
                    StepKind::Deduction { when: Some(w), .. } => ctx.cond(*w, &mut NoTrace)?,
                    _ => true,
                };
                if applies {
                    ctx.num(step.expr, &mut NoTrace)?
                } else {
                    Decimal::ZERO
                }
            } else {
                let code = lane.step_code.get(id as usize).copied().ok_or(Leave)?;
                self.exec((code.start, code.end), case, &mut s.regs)?;
                get(&s.regs, code.result)?.to_decimal(rep).ok_or(Leave)?
            };
            self.lane_step_done(id, value, s)?;
        }
        Ok(())
    }

    /// Keeps a step's value; a money output below zero leaves the lane, to
    /// be named as an error on the `Decimal` path.
    #[inline]
    fn lane_step_done(&self, id: u32, value: Decimal, s: &mut Scratch) -> L<()> {
        if let Some(slot) = s.steps.get_mut(id as usize) {
            *slot = value;
        }
        s.done += 1;
        if value.is_sign_negative() && !value.is_zero() {
            let step = self.plan.model.steps.get(id as usize).ok_or(Leave)?;
            if matches!(step.kind, StepKind::Output { .. }) && step.unit == Unit::Money {
                return Err(Leave);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
