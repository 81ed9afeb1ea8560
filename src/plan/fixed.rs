//! The fixed-point lane of the evaluator's program, built beside the
//! [`Program`] when a plan is made (never serialised).
//!
//! Policy figures are small and exact: points in thousandths, money in pence,
//! rates in whole percent. Where the compiler can prove that a number
//! expression is exact at a scale fixed in advance (a constant, option value
//! or parameter: its own; `+`, `-`, `min`, `max`, `choose`: the larger, the
//! other side scaled up; `*`: the sum; `of`: the sum and two; `round`: at most
//! its places; a band: its rows), it gets that scale and its values are `i64`
//! multiples of 10^-scale. Division, interpolated bands, totals of number
//! answers and anything past rust_decimal's 28 places stay out of the lane.
//!
//! A step is in the lane when its calculation (and its condition) is; a
//! condition is when everything it compares is. The evaluator runs lane
//! steps with checked `i64` arithmetic and the others with `Decimal` as
//! before; any overflow or fault sends the whole case back to the `Decimal`
//! path, so the figures are always the `Decimal` path's.
//!
//! To be the `Decimal` path's bit for bit, a lane value also carries the scale
//! rust_decimal would give it (which follows its inputs: `0 + x` keeps the
//! scale of `x`, a product that is zero has scale 0) and its sign when zero.

mod code;

pub(crate) use code::{Code, Ins, StepEnd};

use super::program::{Node, Program, Span};
use crate::model::{ArithOp, BandTable, CompareOp, Model, QuestionKind, StepKind, Subject};
use rust_decimal::{Decimal, RoundingStrategy};
use std::num::NonZeroU8;

/// Scales at or past this are not in the lane (rust_decimal's largest is 28).
const MAX_SCALE: u8 = 28;
/// The scale a plan cost is held at; a case whose plan cost has more
/// decimals is worked out on the `Decimal` path.
pub(crate) const PLAN_COST_SCALE: u8 = 2;
/// The scale a number answer is held at, as for plan costs.
pub(crate) const NUMBER_SCALE: u8 = 4;
/// `rep` of a condition in the lane.
pub(crate) const BOOL: u8 = 0xfe;
/// `rep` of a node (or step) that is not in the lane.
pub(crate) const OUT: u8 = 0xff;
/// Expressions nested deeper than this (through flags) stay out of the lane.
const MAX_DEPTH: u32 = 1000;

/// Bits of [`Fixed::flags`] that hold rust_decimal's scale of the value.
pub(crate) const SCALE_BITS: u8 = 0x1f;
/// The bit of [`Fixed::flags`] set for a zero that rust_decimal holds as `-0`.
pub(crate) const NEGATIVE_ZERO: u8 = 0x80;

/// 10^n for n in 0..=18 (fits in i64).
pub(crate) const POW10: [i64; 19] = {
    let mut t = [1i64; 19];
    let mut i = 1;
    while i < 19 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// A value in the lane: `m` is the value times 10^rep, `rep` being the scale
/// of the node that gave it; `flags` is what the `Decimal` path would hold
/// beside the digits: its scale (at most `rep`) and the sign of a zero.
///
/// The flags are stored with [`MARK`] set, so that a `Result<Fixed, _>` has
/// room for its error and fits in two registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fixed {
    pub m: i64,
    marked: NonZeroU8,
}

/// Always set in [`Fixed::marked`].
const MARK: u8 = 0x40;

impl Fixed {
    /// Zero as `Decimal::ZERO` is (scale 0, positive).
    pub(crate) const ZERO: Fixed = Fixed {
        m: 0,
        marked: NonZeroU8::MIN.saturating_add(MARK - 1),
    };

    /// A value with these flags (scale and sign of a zero).
    #[inline(always)]
    pub(crate) fn new(m: i64, flags: u8) -> Fixed {
        Fixed {
            m,
            marked: NonZeroU8::MIN.saturating_add((flags | MARK) - 1),
        }
    }

    /// Its scale and the sign of a zero: [`SCALE_BITS`] and [`NEGATIVE_ZERO`].
    #[inline(always)]
    pub(crate) fn flags(self) -> u8 {
        self.marked.get() & !MARK
    }

    /// `d` at scale `rep`, when it has at most `rep` places and fits.
    #[inline]
    pub(crate) fn from_decimal(d: Decimal, rep: u8) -> Option<Fixed> {
        let scale = d.scale();
        let up = *POW10.get(usize::from(rep).checked_sub(scale as usize)?)?;
        let m = i64::try_from(d.mantissa()).ok()?.checked_mul(up)?;
        let zero_sign = if d.is_zero() && d.is_sign_negative() {
            NEGATIVE_ZERO
        } else {
            0
        };
        Some(Fixed::new(m, scale as u8 | zero_sign))
    }

    /// The scale the `Decimal` path gives this value.
    #[inline(always)]
    pub(crate) fn scale(self) -> u8 {
        self.flags() & SCALE_BITS
    }

    /// Whether [`Fixed::to_decimal`] gives a `Decimal` for this value at
    /// scale `rep`: what it checks, without making one.
    #[inline(always)]
    pub(crate) fn fits(self, rep: u8) -> bool {
        rep.checked_sub(self.scale())
            .is_some_and(|d| usize::from(d) < POW10.len())
    }

    /// The `Decimal` the `Decimal` path gives, from a value at scale `rep`.
    #[inline]
    pub(crate) fn to_decimal(self, rep: u8) -> Option<Decimal> {
        let scale = self.scale();
        let m = match POW10.get(usize::from(rep.checked_sub(scale)?))? {
            // INVARIANT: a lane value has no more places than its scale, so
            // this division is exact.
            1 => self.m,
            p => self.m / p,
        };
        let mut d = Decimal::try_new(m, u32::from(scale)).ok()?;
        if self.flags() & NEGATIVE_ZERO != 0 {
            d.set_sign_negative(true);
        }
        Some(d)
    }
}

/// One node of the lane. Ids are node ids, as in [`Program::nodes`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LaneNode {
    /// Not in the lane.
    Out,
    Const(Fixed),
    /// Value `slot` of the chosen option: [`Lane::option_values`] at the
    /// index [`Program::option_values`] uses.
    Choice {
        question: u32,
        slot: u32,
    },
    NumberAnswer(u32),
    /// [`Lane::param_values`] at the index [`Program::param_values`] uses.
    Parameter(u32),
    Step(u32),
    PlanCost,
    Neg(u32),
    Abs(u32),
    /// `left * up_left ± right * up_right`.
    Add {
        left: u32,
        right: u32,
        up_left: i64,
        up_right: i64,
        subtract: bool,
    },
    Mul(u32, u32),
    PercentOf(u32, u32),
    /// Divides by `divisor` = 10^(the value's scale - places), rounding.
    Round {
        value: u32,
        divisor: i64,
        places: u8,
        strategy: RoundingStrategy,
    },
    /// [`Lane::bands`] `band` looked up with `value`.
    Band {
        band: u32,
        value: u32,
    },
    /// [`Program::totals`] `total`, whose fast form is there.
    Total(u32),
    Count(Span),
    Min(Span),
    Max(Span),
    Choose {
        pairs: Span,
        otherwise: u32,
    },
    Bool(bool),
    Not(u32),
    And(u32, u32),
    Or(u32, u32),
    Compare {
        op: CompareOp,
        left: u32,
        right: u32,
        up_left: i64,
        up_right: i64,
    },
    CompareBool {
        equal: bool,
        left: u32,
        right: u32,
    },
    CodeIn {
        subject: Subject,
        set: u32,
        negated: bool,
    },
    Flag(u32),
}

/// A total of choice answers ([`Program::totals`]' fast form) as the lane
/// reads it: per term, its question and its values by option, so that one
/// check of the option finds the value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LaneTotal {
    pub terms: Vec<(u32, Box<[i64]>)>,
    pub scale: u8,
}

impl LaneTotal {
    fn of(fast: &super::program::FastTotal) -> Option<LaneTotal> {
        let terms = fast
            .terms
            .iter()
            .map(|&(q, start, len)| {
                let start = start as usize;
                let values = fast.values.get(start..start.checked_add(len as usize)?)?;
                Some((q, values.into()))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(LaneTotal {
            terms,
            scale: u8::try_from(fast.scale).ok()?,
        })
    }
}

/// A step band with its bounds at one scale with the value looked up.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LaneBand {
    /// Brings the looked-up value to the bounds' scale.
    pub up_value: i64,
    /// (from, to, result) per row; `None` is open.
    pub rows: Vec<(Option<i64>, Option<i64>, Fixed)>,
}

/// The lane: a node and a scale per expression, and the tables it reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Lane {
    pub nodes: Vec<LaneNode>,
    /// Per node: its scale, [`BOOL`] for a condition in the lane, or [`OUT`].
    pub rep: Vec<u8>,
    /// [`Program::option_values`], each at its question's value column's
    /// scale (zero where that column is out of the lane).
    pub option_values: Vec<Fixed>,
    /// [`Program::param_values`], each at its parameter's scale.
    pub param_values: Vec<Fixed>,
    pub bands: Vec<LaneBand>,
    /// Per total of [`Program::totals`], its fast form as the lane reads it.
    pub totals: Vec<Option<LaneTotal>>,
    /// Per step: the scale of its value, or [`OUT`] for a step worked out
    /// on the `Decimal` path.
    pub steps: Vec<u8>,
    /// Whether any step or condition is in the lane (else it is not run).
    pub used: bool,
    /// The lane steps and conditions compiled to register instructions
    /// ([`code`]): what a case runs.
    pub ins: Vec<Ins>,
    /// A case's register file before it runs: each node's register (at its
    /// id), then each step's; constants already in theirs.
    pub registers: Vec<Fixed>,
    /// Per step, its code (for the steps in the lane).
    pub step_code: Vec<Code>,
    /// Per step, what is checked of its value once the code has run.
    pub step_end: Vec<StepEnd>,
    /// The values of `choose`s that test one subject's code against
    /// constants ([`Ins::ByCode`]), a run per `choose`, by code.
    pub code_values: Vec<Fixed>,
    /// Whether every step is in the lane, so that a run of steps is one code.
    pub every_step: bool,
    /// Whether every step and every condition is, so that no `Decimal` is
    /// read while a case runs: the steps' values can stay in the registers.
    pub whole: bool,
    /// Per node, the code of a condition the lane decides (answer checks,
    /// eligibility, flags, route rules).
    pub cond_code: Vec<Option<Code>>,
}

/// The largest scale among `values`, when each fits in the lane at it.
fn common_scale(values: impl Iterator<Item = Decimal> + Clone) -> Option<u8> {
    let rep = values.clone().map(|d| d.scale()).max().unwrap_or(0);
    let rep = u8::try_from(rep).ok().filter(|r| *r < MAX_SCALE)?;
    values
        .into_iter()
        .all(|d| Fixed::from_decimal(d, rep).is_some())
        .then_some(rep)
}

/// Whether a scale is one the lane holds.
fn number(rep: u8) -> bool {
    rep < MAX_SCALE
}

struct Builder<'a> {
    m: &'a Model,
    p: &'a Program,
    lane: Lane,
    /// Per question and value slot, its column's scale or [`OUT`].
    columns: Vec<Vec<u8>>,
    param_rep: Vec<u8>,
    /// Per node: whether it has been worked out.
    done: Vec<bool>,
}

impl Lane {
    /// The lane of a program built from `m`, its steps taken in `order`.
    pub(crate) fn build(m: &Model, p: &Program, order: &[u32]) -> Lane {
        let n = p.nodes.len();
        let mut b = Builder {
            m,
            p,
            lane: Lane {
                nodes: vec![LaneNode::Out; n],
                rep: vec![OUT; n],
                steps: vec![OUT; m.steps.len()],
                ..Lane::default()
            },
            columns: Vec::new(),
            param_rep: Vec::new(),
            done: vec![false; n],
        };
        b.option_table();
        b.param_table();
        // Dependencies first, so that a step read is already placed.
        for &s in order {
            let Some(step) = m.steps.get(s as usize) else {
                continue;
            };
            let rep = b.num(step.expr, 0);
            let when_ok = match &step.kind {
                StepKind::Deduction { when: Some(w), .. } => b.cond(*w, 0),
                _ => true,
            };
            if number(rep) && when_ok {
                if let Some(slot) = b.lane.steps.get_mut(s as usize) {
                    *slot = rep;
                }
            }
        }
        let conditions = m
            .checks
            .iter()
            .map(|c| c.when)
            .chain(m.eligibility.iter().map(|r| r.condition))
            .chain(m.flags.iter().map(|f| f.when))
            .chain(
                m.route
                    .iter()
                    .flat_map(|r| r.rules.iter().filter_map(|r| r.when)),
            )
            .collect::<Vec<_>>();
        let mut any_condition = false;
        for c in &conditions {
            any_condition |= b.cond(*c, 0);
        }
        let mut lane = b.lane;
        lane.totals = p
            .totals
            .iter()
            .map(|t| t.fast.as_ref().and_then(LaneTotal::of))
            .collect();
        lane.used = any_condition || lane.steps.iter().any(|r| *r != OUT);
        code::compile(&mut lane, m, p, order, &conditions);
        lane
    }
}

impl Builder<'_> {
    fn option_table(&mut self) {
        self.lane.option_values = vec![Fixed::ZERO; self.p.option_values.len()];
        for (q, table) in self.p.questions.iter().enumerate() {
            let mut columns = Vec::with_capacity(table.stride as usize);
            for slot in 0..table.stride {
                let at = |o: u32| (table.base + o * table.stride + slot) as usize;
                let values = (0..table.options)
                    .filter_map(|o| self.p.option_values.get(at(o)).copied())
                    .collect::<Vec<_>>();
                let rep = common_scale(values.iter().copied()).unwrap_or(OUT);
                if number(rep) {
                    for o in 0..table.options {
                        let fixed = self
                            .p
                            .option_values
                            .get(at(o))
                            .and_then(|d| Fixed::from_decimal(*d, rep));
                        if let (Some(f), Some(slot)) =
                            (fixed, self.lane.option_values.get_mut(at(o)))
                        {
                            *slot = f;
                        }
                    }
                }
                columns.push(rep);
            }
            let choice = matches!(
                self.m.questions.get(q).map(|q| &q.kind),
                Some(QuestionKind::Choice { .. })
            );
            if !choice {
                columns.iter_mut().for_each(|c| *c = OUT);
            }
            self.columns.push(columns);
        }
    }

    fn param_table(&mut self) {
        self.lane.param_values = vec![Fixed::ZERO; self.p.param_values.len()];
        for (i, param) in self.p.params.iter().enumerate() {
            let Some(start) = param.entries.first().map(|e| e.1 as usize) else {
                self.param_rep.push(OUT);
                continue;
            };
            let end = self
                .p
                .params
                .get(i + 1)
                .and_then(|next| next.entries.first())
                .map_or(self.p.param_values.len(), |e| e.1 as usize);
            let values = self.p.param_values.get(start..end).unwrap_or(&[]);
            let rep = common_scale(values.iter().copied()).unwrap_or(OUT);
            if number(rep) {
                for (k, d) in values.iter().enumerate() {
                    if let (Some(f), Some(slot)) = (
                        Fixed::from_decimal(*d, rep),
                        self.lane.param_values.get_mut(start + k),
                    ) {
                        *slot = f;
                    }
                }
            }
            self.param_rep.push(rep);
        }
    }

    fn kids(&self, span: Span) -> Vec<u32> {
        let start = span.start as usize;
        self.p
            .kids
            .get(start..start + span.len as usize)
            .unwrap_or(&[])
            .to_vec()
    }

    fn set(&mut self, id: u32, node: LaneNode, rep: u8) -> u8 {
        let (node, rep) = if rep == OUT || !(number(rep) || rep == BOOL) {
            (LaneNode::Out, OUT)
        } else {
            (node, rep)
        };
        if let (Some(n), Some(r)) = (
            self.lane.nodes.get_mut(id as usize),
            self.lane.rep.get_mut(id as usize),
        ) {
            *n = node;
            *r = rep;
        }
        rep
    }

    /// The scale of number node `id`, placing it (and its children) in the
    /// lane; [`OUT`] when it is not.
    fn num(&mut self, id: u32, depth: u32) -> u8 {
        self.place(id, depth);
        self.lane.rep.get(id as usize).copied().unwrap_or(OUT)
    }

    /// Whether condition node `id` is in the lane.
    fn cond(&mut self, id: u32, depth: u32) -> bool {
        self.place(id, depth);
        self.lane.rep.get(id as usize) == Some(&BOOL)
    }

    fn place(&mut self, id: u32, depth: u32) {
        match self.done.get_mut(id as usize) {
            Some(done) if !*done => *done = true,
            _ => return,
        }
        if depth > MAX_DEPTH {
            return;
        }
        let Some(node) = self.p.nodes.get(id as usize).cloned() else {
            return;
        };
        let d = depth + 1;
        let (lane, rep) = match node {
            Node::Const(v) => match Fixed::from_decimal(v, v.scale() as u8) {
                Some(f) => (LaneNode::Const(f), v.scale() as u8),
                None => (LaneNode::Out, OUT),
            },
            Node::Bool(b) => (LaneNode::Bool(b), BOOL),
            Node::Choice { question, slot } => {
                let rep = self
                    .columns
                    .get(question as usize)
                    .and_then(|c| c.get(slot as usize))
                    .copied()
                    .unwrap_or(OUT);
                (LaneNode::Choice { question, slot }, rep)
            }
            Node::NumberAnswer { question } => (LaneNode::NumberAnswer(question), NUMBER_SCALE),
            Node::Parameter(p) => (
                LaneNode::Parameter(p),
                self.param_rep.get(p as usize).copied().unwrap_or(OUT),
            ),
            Node::Step(s) => (
                LaneNode::Step(s),
                self.lane.steps.get(s as usize).copied().unwrap_or(OUT),
            ),
            Node::Flag { condition } => {
                let ok = self.cond(condition, d);
                (LaneNode::Flag(condition), if ok { BOOL } else { OUT })
            }
            Node::PlanCost => (LaneNode::PlanCost, PLAN_COST_SCALE),
            Node::Neg(v) => (LaneNode::Neg(v), self.num(v, d)),
            Node::Abs(v) => (LaneNode::Abs(v), self.num(v, d)),
            Node::Not(v) => (LaneNode::Not(v), self.bool_rep(&[v], d)),
            Node::Arith(op, l, r) => {
                let (a, b) = (self.num(l, d), self.num(r, d));
                if !(number(a) && number(b)) {
                    (LaneNode::Out, OUT)
                } else {
                    match op {
                        ArithOp::Add | ArithOp::Sub => {
                            let rep = a.max(b);
                            match (up(rep, a), up(rep, b)) {
                                (Some(up_left), Some(up_right)) => (
                                    LaneNode::Add {
                                        left: l,
                                        right: r,
                                        up_left,
                                        up_right,
                                        subtract: op == ArithOp::Sub,
                                    },
                                    rep,
                                ),
                                _ => (LaneNode::Out, OUT),
                            }
                        }
                        ArithOp::Mul => (LaneNode::Mul(l, r), a + b),
                        ArithOp::Div => (LaneNode::Out, OUT),
                    }
                }
            }
            Node::PercentOf { percent, value } => {
                let (a, b) = (self.num(percent, d), self.num(value, d));
                if number(a) && number(b) {
                    (LaneNode::PercentOf(percent, value), a + b + 2)
                } else {
                    (LaneNode::Out, OUT)
                }
            }
            Node::Compare(op, l, r) => {
                let (a, b) = (self.num(l, d), self.num(r, d));
                let rep = a.max(b);
                match (number(a) && number(b), up(rep, a), up(rep, b)) {
                    (true, Some(up_left), Some(up_right)) => (
                        LaneNode::Compare {
                            op,
                            left: l,
                            right: r,
                            up_left,
                            up_right,
                        },
                        BOOL,
                    ),
                    _ => (LaneNode::Out, OUT),
                }
            }
            Node::CompareBool { equal, left, right } => (
                LaneNode::CompareBool { equal, left, right },
                self.bool_rep(&[left, right], d),
            ),
            Node::And(l, r) => (LaneNode::And(l, r), self.bool_rep(&[l, r], d)),
            Node::Or(l, r) => (LaneNode::Or(l, r), self.bool_rep(&[l, r], d)),
            Node::Min(span) => (LaneNode::Min(span), self.largest(&self.kids(span), d)),
            Node::Max(span) => (LaneNode::Max(span), self.largest(&self.kids(span), d)),
            Node::Count(span) => {
                let kids = self.kids(span);
                let rep = if self.bool_rep(&kids, d) == BOOL {
                    0
                } else {
                    OUT
                };
                (LaneNode::Count(span), rep)
            }
            Node::Round {
                value,
                places,
                strategy,
            } => {
                let rep = self.num(value, d);
                let known = matches!(
                    strategy,
                    RoundingStrategy::MidpointAwayFromZero
                        | RoundingStrategy::MidpointNearestEven
                        | RoundingStrategy::AwayFromZero
                        | RoundingStrategy::ToZero
                );
                let places = u8::try_from(places).unwrap_or(OUT);
                if !known || !number(rep) {
                    (LaneNode::Out, OUT)
                } else if rep <= places {
                    // Nothing to round: the value as it is.
                    (
                        LaneNode::Round {
                            value,
                            divisor: 1,
                            places: rep,
                            strategy,
                        },
                        rep,
                    )
                } else {
                    match POW10.get(usize::from(rep - places)) {
                        Some(divisor) => (
                            LaneNode::Round {
                                value,
                                divisor: *divisor,
                                places,
                                strategy,
                            },
                            places,
                        ),
                        None => (LaneNode::Out, OUT),
                    }
                }
            }
            Node::Band { band, value } => {
                let rep = self.num(value, d);
                match self.band(band, rep) {
                    Some((table, result)) => {
                        self.lane.bands.push(table);
                        let at = self.lane.bands.len() as u32 - 1;
                        (LaneNode::Band { band: at, value }, result)
                    }
                    None => (LaneNode::Out, OUT),
                }
            }
            Node::Total(i) => match self.p.totals.get(i as usize).and_then(|t| t.fast.as_ref()) {
                Some(fast) => (LaneNode::Total(i), u8::try_from(fast.scale).unwrap_or(OUT)),
                None => (LaneNode::Out, OUT),
            },
            Node::CodeIn {
                subject,
                set,
                negated,
            } => (
                LaneNode::CodeIn {
                    subject,
                    set,
                    negated,
                },
                BOOL,
            ),
            Node::Choose { pairs, otherwise } => {
                let kids = self.kids(pairs);
                let conditions = kids.iter().step_by(2).copied().collect::<Vec<_>>();
                let mut values = kids.iter().skip(1).step_by(2).copied().collect::<Vec<_>>();
                values.push(otherwise);
                let rep = if self.bool_rep(&conditions, d) == BOOL {
                    // A choose of conditions, or of numbers.
                    if self.bool_rep(&values, d) == BOOL {
                        BOOL
                    } else {
                        self.largest(&values, d)
                    }
                } else {
                    OUT
                };
                (LaneNode::Choose { pairs, otherwise }, rep)
            }
        };
        self.set(id, lane, rep);
    }

    /// [`BOOL`] when every one of `ids` is a condition in the lane.
    fn bool_rep(&mut self, ids: &[u32], depth: u32) -> u8 {
        let mut all = true;
        for id in ids {
            all &= self.cond(*id, depth);
        }
        if all {
            BOOL
        } else {
            OUT
        }
    }

    /// The largest scale of `ids`, each a number in the lane that can be
    /// brought to it.
    fn largest(&mut self, ids: &[u32], depth: u32) -> u8 {
        let mut reps = Vec::with_capacity(ids.len());
        for id in ids {
            reps.push(self.num(*id, depth));
        }
        let rep = reps.iter().copied().max().unwrap_or(OUT);
        let fits = reps.iter().all(|r| number(*r) && up(rep, *r).is_some());
        if fits && !reps.is_empty() {
            rep
        } else {
            OUT
        }
    }

    /// Band `b` looked up with a value at scale `rep`, and the scale of its
    /// result: step bands only.
    fn band(&self, b: u32, rep: u8) -> Option<(LaneBand, u8)> {
        if !number(rep) {
            return None;
        }
        let BandTable::Steps { rows } = &self.m.bands.get(b as usize)?.table else {
            return None;
        };
        let bounds = rows.iter().flat_map(|r| [r.from, r.to]).flatten();
        let at = bounds.map(|d| d.scale() as u8).max().unwrap_or(0).max(rep);
        if !number(at) {
            return None;
        }
        let result = common_scale(rows.iter().map(|r| r.value))?;
        let bound = |d: Option<Decimal>| -> Option<Option<i64>> {
            match d {
                None => Some(None),
                Some(d) => Some(Some(Fixed::from_decimal(d, at)?.m)),
            }
        };
        let mut table = LaneBand {
            up_value: up(at, rep)?,
            rows: Vec::with_capacity(rows.len()),
        };
        for r in rows {
            table.rows.push((
                bound(r.from)?,
                bound(r.to)?,
                Fixed::from_decimal(r.value, result)?,
            ));
        }
        Some((table, result))
    }
}

/// 10^(to - from): what brings a value at scale `from` to scale `to`.
fn up(to: u8, from: u8) -> Option<i64> {
    POW10.get(usize::from(to.checked_sub(from)?)).copied()
}
