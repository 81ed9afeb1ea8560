//! The evaluation driver: the phases of one case, in the order the language
//! fixes (cohort, steps answer checks and eligibility need, answer checks,
//! eligibility, remaining steps, flags, route), writing into a reusable
//! [`Scratch`].

use super::err::{BelowZero, Failure, Fault, Place};
use super::expr::Ctx;
use super::input::CaseInput;
use super::trace::Tracer;
use super::Evaluator;
use crate::model::{RouteRule, StepKind};
use crate::plan::fixed::Fixed;
use crate::units::Unit;
use crate::vocabulary::CheckAction;
use rust_decimal::Decimal;

/// How far a case got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every step, flag and the route were worked out.
    Figures,
    /// Some eligibility requirement failed (see [`Scratch::failed_requirements`]).
    NotEligible,
    /// The policy is not validated for the case's cohort.
    NotValidated,
}

/// Per-case working storage, reused across cases so that evaluation does not
/// allocate. After a run it holds the figures.
#[derive(Debug, Clone)]
pub struct Scratch {
    pub(super) steps: Vec<Decimal>,
    /// The fixed-point lane's registers: every lane node's value and every
    /// lane step's, for a case worked out there (constants stay in theirs).
    pub(super) regs: Vec<Fixed>,
    /// Where the steps' registers start, and each step's scale there
    /// ([`crate::plan::fixed::OUT`] for a step on the `Decimal` path).
    lane_base: usize,
    lane_steps: Vec<u8>,
    /// Position in the plan's order of each step, to tell which are done.
    position: Vec<u32>,
    /// How many steps of the order have been worked out.
    pub(super) done: u32,
    pub(super) flags: Vec<bool>,
    pub(super) flags_done: bool,
    pub(super) route: Option<u32>,
    pub(super) failed: Vec<u32>,
    pub(super) warnings: Vec<u32>,
    /// Whether the last case was worked out in the fixed-point lane.
    pub(super) in_lane: bool,
    /// Whether the lane left its steps' values in its registers only, not
    /// yet in `steps` ([`Scratch::settle`] puts them there).
    pub(super) unsettled: bool,
}

impl Scratch {
    /// Storage sized for the evaluator's plan.
    pub fn new(ev: &Evaluator) -> Scratch {
        let m = &ev.plan.model;
        let mut position = vec![u32::MAX; m.steps.len()];
        for (i, s) in ev.plan.order.iter().enumerate() {
            if let Some(p) = position.get_mut(*s as usize) {
                *p = i as u32;
            }
        }
        Scratch {
            steps: vec![Decimal::ZERO; m.steps.len()],
            regs: ev.program.lane.registers.clone(),
            lane_base: ev.program.lane.nodes.len(),
            lane_steps: ev.program.lane.steps.clone(),
            position,
            done: 0,
            flags: vec![false; m.flags.len()],
            flags_done: false,
            route: None,
            failed: Vec::with_capacity(m.eligibility.len()),
            warnings: Vec::with_capacity(m.checks.len()),
            in_lane: false,
            unsettled: false,
        }
    }

    pub(super) fn reset(&mut self) {
        self.in_lane = false;
        self.unsettled = false;
        self.done = 0;
        self.flags_done = false;
        self.route = None;
        self.failed.clear();
        self.warnings.clear();
    }

    /// A step's value, when it was worked out for the last case.
    #[inline]
    pub fn step(&self, step: u32) -> Option<Decimal> {
        let pos = *self.position.get(step as usize)?;
        if pos >= self.done {
            return None;
        }
        if self.unsettled {
            return self.lane_decimal(step);
        }
        self.steps.get(step as usize).copied()
    }

    /// A lane step's value as the `Decimal` path gives it.
    fn lane_decimal(&self, step: u32) -> Option<Decimal> {
        let scale = *self.lane_steps.get(step as usize)?;
        self.regs
            .get(self.lane_base + step as usize)?
            .to_decimal(scale)
    }

    /// Puts the values the lane left in its registers into `steps`, where
    /// [`Scratch::all_steps`] reads them.
    #[cfg(feature = "cli")]
    pub(crate) fn settle(&mut self) {
        if !self.unsettled {
            return;
        }
        self.unsettled = false;
        for step in 0..self.steps.len() as u32 {
            let done = self
                .position
                .get(step as usize)
                .is_some_and(|p| *p < self.done);
            // INVARIANT: the lane checked that each of its values makes a
            // `Decimal` (`Fixed::fits`) before it left them unsettled.
            if let (true, Some(d)) = (done, self.lane_decimal(step)) {
                if let Some(slot) = self.steps.get_mut(step as usize) {
                    *slot = d;
                }
            }
        }
    }

    /// The lane's figures of the last case, when it was worked out there
    /// ([`LaneFigures::step`]): found once for a row of figures rather than
    /// once for each.
    #[cfg(feature = "cli")]
    #[inline]
    pub(crate) fn lane_figures(&self) -> Option<LaneFigures<'_>> {
        if !self.in_lane {
            return None;
        }
        Some(LaneFigures {
            regs: self.regs.get(self.lane_base..)?,
            scales: &self.lane_steps,
            position: &self.position,
            done: self.done,
        })
    }

    /// Whether a flag was raised, when flags were decided for the last case.
    #[inline]
    pub fn flag(&self, flag: u32) -> Option<bool> {
        if self.flags_done {
            self.flags.get(flag as usize).copied()
        } else {
            None
        }
    }

    /// The index of the route rule taken, if any.
    #[inline]
    pub fn route(&self) -> Option<u32> {
        self.route
    }

    /// Indices of the eligibility requirements that failed.
    pub fn failed_requirements(&self) -> &[u32] {
        &self.failed
    }

    /// Indices of the `warn` answer checks that found the answers inconsistent.
    pub fn warnings(&self) -> &[u32] {
        &self.warnings
    }

    /// Every step's value, by step: after [`Scratch::settle`] when the
    /// last case ran in the lane (until then the lane steps' values are
    /// only in its registers, where [`Scratch::lane_figures`] reads them).
    pub(crate) fn all_steps(&self) -> &[Decimal] {
        &self.steps
    }

    /// Whether the last case was worked out in the fixed-point lane (its
    /// figures are the `Decimal` path's either way).
    pub fn in_fixed_lane(&self) -> bool {
        self.in_lane
    }
}

/// The steps' values a case worked out in the fixed-point lane left in its
/// registers ([`Scratch::lane_figures`]).
#[cfg(feature = "cli")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct LaneFigures<'a> {
    regs: &'a [Fixed],
    scales: &'a [u8],
    position: &'a [u32],
    done: u32,
}

#[cfg(feature = "cli")]
impl LaneFigures<'_> {
    /// A step's value as the lane left it, `(m, scale)` for m x 10^-scale,
    /// when it is a lane step worked out for the case: the same number as
    /// [`Scratch::step`], without making a `Decimal` of it.
    #[inline(always)]
    pub(crate) fn step(&self, step: u32) -> Option<(i64, u8)> {
        let s = step as usize;
        let scale = *self.scales.get(s)?;
        if scale >= crate::plan::fixed::BOOL || *self.position.get(s)? >= self.done {
            return None;
        }
        Some((self.regs.get(s)?.m, scale))
    }
}

fn at(place: Place) -> impl Fn(Fault) -> Failure {
    move |fault| Failure { fault, place }
}

impl Evaluator<'_> {
    pub(super) fn ctx<'a>(&'a self, input: &'a CaseInput, steps: &'a [Decimal]) -> Ctx<'a> {
        Ctx {
            model: &self.plan.model,
            prog: self.program,
            input,
            steps,
        }
    }

    /// Evaluates a decoded case; the figures are left in `scratch`.
    pub(crate) fn run_with<T: Tracer>(
        &self,
        input: &CaseInput,
        s: &mut Scratch,
        t: &mut T,
    ) -> Result<Verdict, Failure> {
        let m = &self.plan.model;
        s.reset();
        let cohort = m.cohorts.get(input.cohort as usize).ok_or(Failure {
            fault: Fault::BadInput("cohort out of range"),
            place: Place::Cohort,
        })?;
        t.cohort(input.cohort);
        if T::ON {
            for (a, value) in input.attributes.iter().enumerate() {
                t.attribute(a as u32, *value);
            }
        }
        if cohort.not_validated.is_some() {
            return Ok(Verdict::NotValidated);
        }
        let split = (self.plan.eligibility_steps as usize).min(self.plan.order.len());
        let (first, rest) = self.plan.order.split_at(split);
        self.steps(first, input, s, t)?;
        self.answer_checks(input, s, t)?;
        self.eligibility(input, s, t)?;
        if !s.failed.is_empty() {
            return Ok(Verdict::NotEligible);
        }
        self.steps(rest, input, s, t)?;
        self.flags(input, s, t)?;
        self.route(input, s, t)?;
        Ok(Verdict::Figures)
    }

    fn steps<T: Tracer>(
        &self,
        order: &[u32],
        input: &CaseInput,
        s: &mut Scratch,
        t: &mut T,
    ) -> Result<(), Failure> {
        let m = &self.plan.model;
        for &id in order {
            let step = m.steps.get(id as usize).ok_or(Failure {
                fault: Fault::BadPlan("step out of range"),
                place: Place::Step(id),
            })?;
            let ctx = self.ctx(input, &s.steps);
            let applies = match &step.kind {
                StepKind::Deduction { when: Some(w), .. } => {
                    Some(ctx.cond(*w, t).map_err(at(Place::Step(id)))?)
                }
                StepKind::Deduction { when: None, .. } => Some(true),
                _ => None,
            };
            let value = match applies {
                Some(false) => Decimal::ZERO,
                _ => ctx.num(step.expr, t).map_err(at(Place::Step(id)))?,
            };
            if let Some(slot) = s.steps.get_mut(id as usize) {
                *slot = value;
            }
            s.done += 1;
            t.step(id, value, applies);
            // The sign bit first: one test per step on the fast path, and the
            // step's kind and unit only for a value below zero.
            if value.is_sign_negative()
                && !value.is_zero()
                && matches!(step.kind, StepKind::Output { .. })
                && step.unit == Unit::Money
            {
                return Err(Failure {
                    fault: Fault::NegativeOutput(BelowZero {
                        output: id,
                        culprit: self.first_below_zero(id, s),
                        value,
                    }),
                    place: Place::Step(id),
                });
            }
        }
        Ok(())
    }

    /// The first money step, in evaluation order, that `output` reads
    /// (directly or through other steps) and that is below zero; the output
    /// itself when none of those is. Only on the way to an error.
    fn first_below_zero(&self, output: u32, s: &Scratch) -> u32 {
        let m = &self.plan.model;
        let mut read = vec![false; m.steps.len()];
        let mut stack = vec![output];
        while let Some(step) = stack.pop() {
            if read.get(step as usize).copied().unwrap_or(true) {
                continue;
            }
            read[step as usize] = true;
            for root in m.step_roots(step) {
                stack.extend(m.steps_read(root));
            }
        }
        let below_zero = |step: u32| {
            let money = m
                .steps
                .get(step as usize)
                .is_some_and(|s| s.unit == Unit::Money);
            money && s.step(step).is_some_and(|v| v < Decimal::ZERO)
        };
        self.plan
            .order
            .iter()
            .copied()
            .find(|&step| read.get(step as usize) == Some(&true) && below_zero(step))
            .unwrap_or(output)
    }

    fn answer_checks<T: Tracer>(
        &self,
        input: &CaseInput,
        s: &mut Scratch,
        t: &mut T,
    ) -> Result<(), Failure> {
        for (i, check) in self.plan.model.checks.iter().enumerate() {
            let i = i as u32;
            let hit = self
                .ctx(input, &s.steps)
                .cond(check.when, t)
                .map_err(at(Place::Check(i)))?;
            t.check(i, hit);
            if hit {
                match check.action {
                    CheckAction::Stop => {
                        return Err(Failure {
                            fault: Fault::Stopped(i),
                            place: Place::Check(i),
                        })
                    }
                    CheckAction::Warn => s.warnings.push(i),
                }
            }
        }
        Ok(())
    }

    fn eligibility<T: Tracer>(
        &self,
        input: &CaseInput,
        s: &mut Scratch,
        t: &mut T,
    ) -> Result<(), Failure> {
        for (i, req) in self.plan.model.eligibility.iter().enumerate() {
            let i = i as u32;
            let held = self
                .ctx(input, &s.steps)
                .cond(req.condition, t)
                .map_err(at(Place::Requirement(i)))?;
            t.requirement(i, held, &s.steps);
            if !held {
                s.failed.push(i);
            }
        }
        Ok(())
    }

    fn flags<T: Tracer>(
        &self,
        input: &CaseInput,
        s: &mut Scratch,
        t: &mut T,
    ) -> Result<(), Failure> {
        for (i, flag) in self.plan.model.flags.iter().enumerate() {
            let raised = self
                .ctx(input, &s.steps)
                .cond(flag.when, t)
                .map_err(at(Place::Flag(i as u32)))?;
            if let Some(slot) = s.flags.get_mut(i) {
                *slot = raised;
            }
            t.flag(i as u32, raised);
        }
        s.flags_done = true;
        Ok(())
    }

    fn route<T: Tracer>(
        &self,
        input: &CaseInput,
        s: &mut Scratch,
        t: &mut T,
    ) -> Result<(), Failure> {
        let Some(route) = &self.plan.model.route else {
            return Ok(());
        };
        if input.plan_cost.is_none() {
            t.route(None, None);
            return Ok(());
        }
        let ctx = self.ctx(input, &s.steps);
        for (i, rule) in route.rules.iter().enumerate() {
            if self.rule_holds(&ctx, rule, i as u32, t)? {
                s.route = Some(i as u32);
                t.route(s.route, input.plan_cost);
                return Ok(());
            }
        }
        t.route(None, input.plan_cost);
        Ok(())
    }

    fn rule_holds<T: Tracer>(
        &self,
        ctx: &Ctx,
        rule: &RouteRule,
        i: u32,
        t: &mut T,
    ) -> Result<bool, Failure> {
        match rule.when {
            None => Ok(true),
            Some(w) => ctx.cond(w, t).map_err(at(Place::Route(i))),
        }
    }
}
