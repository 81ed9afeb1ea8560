//! The lane's steps and conditions compiled to flat lists of register
//! instructions, so that a case runs one tight loop per step instead of a
//! walk over nodes.
//!
//! Every node of the lane has a register (its node id), and every step one
//! after them (the node count plus the step's index). Constants sit in their
//! registers from the start ([`Lane::registers`]) and steps are read where
//! their code left them, so neither costs an instruction. Operands are
//! resolved here: an option value's place in the table, a parameter's base,
//! the factor that brings a value to another scale. Conditions short-circuit
//! with forward jumps, so a case evaluates what the tree would, and no more.
//!
//! Anything that cannot be compiled is an [`Ins::Leave`] where it would be
//! evaluated: that case is worked out on the `Decimal` path, as before.

use super::{Fixed, Lane, LaneNode, BOOL, OUT, POW10};
use crate::model::{CompareOp, Model, ParameterKey, StepKind, Subject};
use crate::plan::program::{CodeSet, Program, Span};
use crate::units::Unit;
use rust_decimal::RoundingStrategy;

/// A register: an index into a case's register file.
pub(crate) type Reg = u32;

/// One instruction. `dst` is the register written; the others are read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Ins {
    /// The case leaves the lane.
    Leave,
    /// The chosen option's value: [`Lane::option_values`] at `at + option x
    /// stride`, for an option below `options`.
    Choice {
        dst: Reg,
        question: u32,
        at: u32,
        stride: u32,
        options: u32,
    },
    /// An undated parameter read by the case's cohort (`by_cohort`) or not:
    /// [`Lane::param_values`] at `at` (plus the cohort).
    ParamAt {
        dst: Reg,
        at: u32,
        by_cohort: bool,
    },
    /// Any other parameter, through its schedule.
    Param {
        dst: Reg,
        param: u32,
    },
    PlanCost {
        dst: Reg,
    },
    NumberAnswer {
        dst: Reg,
        question: u32,
    },
    /// [`Program::totals`] `total`, whose fast form is there.
    Total {
        dst: Reg,
        total: u32,
    },
    /// [`Lane::bands`] `band` looked up with `value`.
    Band {
        dst: Reg,
        value: Reg,
        band: u32,
    },
    Neg {
        dst: Reg,
        a: Reg,
    },
    Abs {
        dst: Reg,
        a: Reg,
    },
    /// `a * up_a ± b * up_b`, as [`LaneNode::Add`].
    Add {
        dst: Reg,
        a: Reg,
        b: Reg,
        up_a: i64,
        up_b: i64,
        subtract: bool,
    },
    Mul {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    PercentOf {
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Round {
        dst: Reg,
        a: Reg,
        divisor: i64,
        places: u8,
        strategy: RoundingStrategy,
    },
    /// `a` brought to a larger scale (`up` is 1 for a condition).
    Scale {
        dst: Reg,
        a: Reg,
        up: i64,
    },
    /// `a` at a larger scale, kept in `dst` when below it (above, for `max`):
    /// the first of equal values stays.
    Least {
        dst: Reg,
        a: Reg,
        up: i64,
    },
    Most {
        dst: Reg,
        a: Reg,
        up: i64,
    },
    /// `dst` is zero (a step whose condition does not hold, a count).
    Zero {
        dst: Reg,
    },
    /// Adds one to `dst` when condition `a` holds.
    CountIf {
        dst: Reg,
        a: Reg,
    },
    Compare {
        dst: Reg,
        op: CompareOp,
        a: Reg,
        b: Reg,
        up_a: i64,
        up_b: i64,
    },
    CompareBool {
        dst: Reg,
        equal: bool,
        a: Reg,
        b: Reg,
    },
    CodeIn {
        dst: Reg,
        subject: Subject,
        set: u32,
        negated: bool,
    },
    /// A `choose` decided by one subject's code: [`Lane::code_values`] at
    /// `at` plus the code, or plus `len` for any code from `len` on (which
    /// no set the `choose` tests holds).
    ByCode {
        dst: Reg,
        subject: Subject,
        at: u32,
        len: u32,
    },
    Not {
        dst: Reg,
        a: Reg,
    },
    Move {
        dst: Reg,
        a: Reg,
    },
    /// Goes on at instruction `to` of [`Lane::ins`] when condition `cond`
    /// does not hold, or when it does.
    JumpUnless {
        cond: Reg,
        to: u32,
    },
    JumpIf {
        cond: Reg,
        to: u32,
    },
    Jump {
        to: u32,
    },
}

/// A compiled step or condition: [`Lane::ins`] `start..end`, leaving its
/// value in register `result`. The steps' codes follow one another in the
/// plan's order, so the code of a run of lane steps is one range too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Code {
    pub start: u32,
    pub end: u32,
    pub result: Reg,
}

/// What a case checks of a lane step's value once its code has run: that it
/// makes a `Decimal` at scale `rep`, and, for a money output, that it is not
/// below zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StepEnd {
    pub result: Reg,
    pub rep: u8,
    pub money_output: bool,
}

/// Past this many instructions (expressions that share parts, compiled once
/// per use), the rest is not compiled and leaves the lane.
const MAX_INSTRUCTIONS: usize = 1 << 20;

/// A `choose` by code is a table only up to this many codes (sets of codes
/// are as long as a question's options or an attribute's values).
const MAX_CODES: u32 = 1 << 12;

/// How many flags a condition is looked through for a code test.
const MAX_FLAGS: u32 = 64;

/// Compiles the lane's steps (in `order`) and its conditions into `lane`.
pub(super) fn compile(lane: &mut Lane, m: &Model, p: &Program, order: &[u32], conditions: &[u32]) {
    let nodes = lane.nodes.len() as u32;
    let mut registers = vec![Fixed::ZERO; lane.nodes.len() + lane.steps.len()];
    for (slot, node) in registers.iter_mut().zip(&lane.nodes) {
        match node {
            LaneNode::Const(f) => *slot = *f,
            LaneNode::Bool(b) => *slot = Fixed::new(i64::from(*b), 0),
            _ => {}
        }
    }
    let mut e = Emit {
        lane,
        p,
        nodes,
        ins: Vec::new(),
        code_values: Vec::new(),
    };
    let mut step_code = vec![Code::default(); e.lane.steps.len()];
    for &s in order {
        let (Some(step), Some(rep)) = (m.steps.get(s as usize), e.lane.steps.get(s as usize))
        else {
            continue;
        };
        if *rep == OUT {
            continue;
        }
        let start = e.ins.len();
        let dst = nodes + s;
        let mut skip = None;
        if let StepKind::Deduction { when: Some(w), .. } = &step.kind {
            let c = e.operand(*w);
            e.push(Ins::Zero { dst });
            skip = Some(e.ins.len());
            e.push(Ins::JumpUnless { cond: c, to: 0 });
        }
        e.value_into(step.expr, dst);
        let end = e.ins.len();
        if let Some(Ins::JumpUnless { to, .. }) = skip.and_then(|at| e.ins.get_mut(at)) {
            *to = end as u32;
        }
        if let Some(slot) = step_code.get_mut(s as usize) {
            *slot = e.finish(start, dst);
        }
    }
    let mut cond_code = vec![None; e.lane.nodes.len()];
    for &c in conditions {
        if e.lane.rep.get(c as usize) != Some(&BOOL) {
            continue;
        }
        let start = e.ins.len();
        let result = e.operand(c);
        if let Some(slot) = cond_code.get_mut(c as usize) {
            *slot = Some(e.finish(start, result));
        }
    }
    let (ins, code_values) = (e.ins, e.code_values);
    let step_end = m
        .steps
        .iter()
        .enumerate()
        .map(|(s, step)| StepEnd {
            result: nodes + s as u32,
            rep: lane.steps.get(s).copied().unwrap_or(OUT),
            money_output: matches!(step.kind, StepKind::Output { .. }) && step.unit == Unit::Money,
        })
        .collect();
    lane.ins = ins;
    lane.code_values = code_values;
    lane.step_end = step_end;
    lane.registers = registers;
    lane.step_code = step_code;
    lane.every_step = lane.steps.iter().all(|r| *r != OUT);
    lane.cond_code = cond_code;
    lane.whole = lane.every_step
        && conditions
            .iter()
            .all(|c| lane.cond_code.get(*c as usize).is_some_and(Option::is_some));
}

struct Emit<'a> {
    lane: &'a Lane,
    p: &'a Program,
    nodes: u32,
    ins: Vec<Ins>,
    code_values: Vec<Fixed>,
}

impl Emit<'_> {
    fn push(&mut self, i: Ins) {
        self.ins.push(i);
    }

    fn finish(&mut self, start: usize, result: Reg) -> Code {
        Code {
            start: start as u32,
            end: self.ins.len() as u32,
            result,
        }
    }

    fn rep(&self, id: u32) -> u8 {
        self.lane.rep.get(id as usize).copied().unwrap_or(OUT)
    }

    /// The register holding node `id`'s value once the code emitted so far
    /// has run; emits what works it out.
    fn operand(&mut self, id: u32) -> Reg {
        match self.lane.nodes.get(id as usize) {
            Some(LaneNode::Const(_) | LaneNode::Bool(_)) => id,
            Some(LaneNode::Step(s)) => self.nodes + s,
            Some(LaneNode::Flag(c)) => {
                let c = *c;
                self.operand(c)
            }
            _ => {
                if self.node(id, id).is_none() {
                    self.push(Ins::Leave);
                }
                id
            }
        }
    }

    /// Emits what leaves node `id`'s value in register `dst` (a step's).
    fn value_into(&mut self, id: u32, dst: Reg) {
        match self.lane.nodes.get(id as usize) {
            Some(
                LaneNode::Const(_) | LaneNode::Bool(_) | LaneNode::Step(_) | LaneNode::Flag(_),
            ) => {
                let a = self.operand(id);
                self.push(Ins::Move { dst, a });
            }
            _ => {
                if self.node(id, dst).is_none() {
                    self.push(Ins::Leave);
                }
            }
        }
    }

    /// What brings node `from`'s value to the scale of node `to` (1 for a
    /// condition).
    fn up(&self, to: u32, from: u32) -> Option<i64> {
        let (to, from) = (self.rep(to), self.rep(from));
        if to == BOOL && from == BOOL {
            return Some(1);
        }
        if to == OUT || from == OUT || to == BOOL || from == BOOL {
            return None;
        }
        POW10.get(usize::from(to.checked_sub(from)?)).copied()
    }

    fn kids(&self, span: Span) -> Vec<u32> {
        let start = span.start as usize;
        self.p
            .kids
            .get(start..start + span.len as usize)
            .unwrap_or(&[])
            .to_vec()
    }

    /// Node `kid`'s value brought to the scale of node `id`, into `dst`, or
    /// kept there when it is the least or most so far (`how` says which).
    fn scaled_into(
        &mut self,
        (id, dst): (u32, Reg),
        kid: u32,
        how: fn(Reg, Reg, i64) -> Ins,
    ) -> Option<()> {
        let a = self.operand(kid);
        let up = self.up(id, kid)?;
        self.push(how(dst, a, up));
        Some(())
    }

    /// The code test a condition is, looked through flags.
    fn code_test(&self, mut id: u32) -> Option<(Subject, u32, bool)> {
        for _ in 0..MAX_FLAGS {
            match self.lane.nodes.get(id as usize)? {
                LaneNode::Flag(c) => id = *c,
                LaneNode::CodeIn {
                    subject,
                    set,
                    negated,
                } => return Some((*subject, *set, *negated)),
                _ => return None,
            }
        }
        None
    }

    /// Constant node `kid` brought to the scale of node `id`, as
    /// [`Ins::Scale`] leaves it.
    fn constant_at(&self, id: u32, kid: u32) -> Option<Fixed> {
        let LaneNode::Const(f) = self.lane.nodes.get(kid as usize)? else {
            return None;
        };
        let up = self.up(id, kid)?;
        Some(Fixed::new(f.m.checked_mul(up)?, f.flags()))
    }

    /// A `choose` whose every condition tests one subject's code and whose
    /// every value is a constant (`15% when carer is some_willing, …, 0%
    /// otherwise`) as one lookup of its value by code, the table worked out
    /// here: the value of the first condition that holds for the code, as
    /// the conditions would be tried one by one.
    fn by_code(&mut self, id: u32, dst: Reg, pairs: Span, otherwise: u32) -> Option<Ins> {
        let kids = self.kids(pairs);
        if kids.is_empty() || kids.len() % 2 != 0 {
            return None;
        }
        let mut subject = None;
        let mut tests: Vec<(&CodeSet, bool, Fixed)> = Vec::with_capacity(kids.len() / 2);
        for pair in kids.chunks_exact(2) {
            let [c, v] = pair else { return None };
            let (s, set, negated) = self.code_test(*c)?;
            if *subject.get_or_insert(s) != s {
                return None;
            }
            let set = self.p.code_sets.get(set as usize)?;
            tests.push((set, negated, self.constant_at(id, *v)?));
        }
        let otherwise = self.constant_at(id, otherwise)?;
        let mut len = 0;
        for (set, ..) in &tests {
            let past_last = match set {
                CodeSet::Mask(m) => 64 - m.leading_zeros(),
                CodeSet::Table(t) => u32::try_from(t.len()).ok()?,
            };
            len = len.max(past_last);
        }
        if len > MAX_CODES {
            return None;
        }
        let at = u32::try_from(self.code_values.len()).ok()?;
        for code in 0..=len {
            let first = tests
                .iter()
                .find(|(set, negated, _)| set.contains(code) != *negated);
            self.code_values.push(first.map_or(otherwise, |t| t.2));
        }
        Some(Ins::ByCode {
            dst,
            subject: subject?,
            at,
            len,
        })
    }

    /// Emits the code that leaves node `id`'s value in register `dst` (its
    /// own, or a step's); `None` when it cannot be compiled.
    fn node(&mut self, id: u32, dst: Reg) -> Option<()> {
        if self.ins.len() > MAX_INSTRUCTIONS {
            return None;
        }
        let node = self.lane.nodes.get(id as usize)?.clone();
        let i = match node {
            LaneNode::Out => return None,
            LaneNode::Const(_) | LaneNode::Bool(_) => Ins::Move { dst, a: id },
            LaneNode::Step(s) => Ins::Move {
                dst,
                a: self.nodes + s,
            },
            LaneNode::Flag(c) => {
                let a = self.operand(c);
                Ins::Move { dst, a }
            }
            LaneNode::Choice { question, slot } => {
                let table = self.p.questions.get(question as usize)?;
                if slot >= table.stride {
                    return None;
                }
                Ins::Choice {
                    dst,
                    question,
                    at: table.base.checked_add(slot)?,
                    stride: table.stride,
                    options: table.options,
                }
            }
            LaneNode::NumberAnswer(question) => Ins::NumberAnswer { dst, question },
            LaneNode::Parameter(param) => {
                let table = self.p.params.get(param as usize)?;
                match (table.dated, table.key, table.entries.first()) {
                    (false, ParameterKey::None, Some(&(_, at))) => Ins::ParamAt {
                        dst,
                        at,
                        by_cohort: false,
                    },
                    (false, ParameterKey::Cohort, Some(&(_, at))) => Ins::ParamAt {
                        dst,
                        at,
                        by_cohort: true,
                    },
                    _ => Ins::Param { dst, param },
                }
            }
            LaneNode::PlanCost => Ins::PlanCost { dst },
            LaneNode::Neg(v) => {
                let a = self.operand(v);
                Ins::Neg { dst, a }
            }
            LaneNode::Abs(v) => {
                let a = self.operand(v);
                Ins::Abs { dst, a }
            }
            LaneNode::Add {
                left,
                right,
                up_left,
                up_right,
                subtract,
            } => {
                let a = self.operand(left);
                let b = self.operand(right);
                Ins::Add {
                    dst,
                    a,
                    b,
                    up_a: up_left,
                    up_b: up_right,
                    subtract,
                }
            }
            LaneNode::Mul(l, r) => {
                let a = self.operand(l);
                let b = self.operand(r);
                Ins::Mul { dst, a, b }
            }
            LaneNode::PercentOf(pc, x) => {
                let a = self.operand(pc);
                let b = self.operand(x);
                Ins::PercentOf { dst, a, b }
            }
            LaneNode::Round {
                value,
                divisor,
                places,
                strategy,
            } => {
                let a = self.operand(value);
                Ins::Round {
                    dst,
                    a,
                    divisor,
                    places,
                    strategy,
                }
            }
            LaneNode::Band { band, value } => {
                let value = self.operand(value);
                Ins::Band { dst, value, band }
            }
            LaneNode::Total(total) => Ins::Total { dst, total },
            LaneNode::Count(span) => {
                self.push(Ins::Zero { dst });
                for kid in self.kids(span) {
                    let a = self.operand(kid);
                    self.push(Ins::CountIf { dst, a });
                }
                return Some(());
            }
            LaneNode::Min(span) | LaneNode::Max(span) => {
                let most = matches!(node, LaneNode::Max(_));
                let kids = self.kids(span);
                let (first, rest) = kids.split_first()?;
                self.scaled_into((id, dst), *first, |dst, a, up| Ins::Scale { dst, a, up })?;
                for kid in rest {
                    if most {
                        self.scaled_into((id, dst), *kid, |dst, a, up| Ins::Most { dst, a, up })?;
                    } else {
                        self.scaled_into((id, dst), *kid, |dst, a, up| Ins::Least { dst, a, up })?;
                    }
                }
                return Some(());
            }
            LaneNode::Choose { pairs, otherwise } => {
                if let Some(i) = self.by_code(id, dst, pairs, otherwise) {
                    self.push(i);
                    return Some(());
                }
                let mut to_end = Vec::new();
                for pair in self.kids(pairs).chunks_exact(2) {
                    let [c, v] = pair else { continue };
                    let cond = self.operand(*c);
                    let skip = self.ins.len();
                    self.push(Ins::JumpUnless { cond, to: 0 });
                    self.scaled_into((id, dst), *v, |dst, a, up| Ins::Scale { dst, a, up })
                        .unwrap_or_else(|| self.push(Ins::Leave));
                    to_end.push(self.ins.len());
                    self.push(Ins::Jump { to: 0 });
                    let next = self.ins.len() as u32;
                    if let Some(Ins::JumpUnless { to, .. }) = self.ins.get_mut(skip) {
                        *to = next;
                    }
                }
                self.scaled_into((id, dst), otherwise, |dst, a, up| Ins::Scale { dst, a, up })
                    .unwrap_or_else(|| self.push(Ins::Leave));
                let end = self.ins.len() as u32;
                for at in to_end {
                    if let Some(Ins::Jump { to }) = self.ins.get_mut(at) {
                        *to = end;
                    }
                }
                return Some(());
            }
            LaneNode::Not(v) => {
                let a = self.operand(v);
                Ins::Not { dst, a }
            }
            LaneNode::And(l, r) | LaneNode::Or(l, r) => {
                let and = matches!(node, LaneNode::And(..));
                // Each side is worked out straight into `dst` (a side's
                // own register is worked out again wherever it is read).
                self.value_into(l, dst);
                let skip = self.ins.len();
                self.push(if and {
                    Ins::JumpUnless { cond: dst, to: 0 }
                } else {
                    Ins::JumpIf { cond: dst, to: 0 }
                });
                self.value_into(r, dst);
                let end = self.ins.len() as u32;
                if let Some(Ins::JumpUnless { to, .. } | Ins::JumpIf { to, .. }) =
                    self.ins.get_mut(skip)
                {
                    *to = end;
                }
                return Some(());
            }
            LaneNode::Compare {
                op,
                left,
                right,
                up_left,
                up_right,
            } => {
                let a = self.operand(left);
                let b = self.operand(right);
                Ins::Compare {
                    dst,
                    op,
                    a,
                    b,
                    up_a: up_left,
                    up_b: up_right,
                }
            }
            LaneNode::CompareBool { equal, left, right } => {
                let a = self.operand(left);
                let b = self.operand(right);
                Ins::CompareBool { dst, equal, a, b }
            }
            LaneNode::CodeIn {
                subject,
                set,
                negated,
            } => Ins::CodeIn {
                dst,
                subject,
                set,
                negated,
            },
        };
        self.push(i);
        Some(())
    }
}
