//! Interval analysis of a checked [`Model`]: the lowest and highest value each
//! step can take over every answer a case may give, and which conditions,
//! `choose` branches, band rows and route rules some case can reach.
//!
//! Input: a model without errors. Output: [`Analysis`] (exact decimal bounds
//! per step, what is reachable) and, for a claim that needs a case, a
//! [`Witness`] found by search and worked out exactly.
//!
//! Soundness: every bound holds for every case. Cohorts, assessment-date
//! periods and the attributes that choose a parameter's value are taken one
//! at a time ([`contexts`]); within one, each question ranges over all its
//! answers independently, so bounds may be wider than any case reaches, never
//! narrower. "Can never happen" is therefore certain; "can happen" is claimed
//! only with a witness case evaluated on single values ([`Env::point`]), which
//! is exact arithmetic in the evaluator's own order.

mod search;

use crate::date::Date;
use crate::model::{
    ArithOp, BandTable, CompareOp, Expr, ExprId, Model, ParameterKey, QuestionKind, StepId,
    StepKind, Subject,
};
use crate::vocabulary::CheckAction;
use rust_decimal::Decimal;
use std::cmp::Ordering;

pub use search::{search, search_quickly, Goal, Witness};

/// A range of values, both ends included; `None` at an end is no bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The lowest value, or none.
    pub lo: Option<Decimal>,
    /// The highest value, or none.
    pub hi: Option<Decimal>,
}

impl Range {
    /// The range of one value.
    pub fn point(v: Decimal) -> Range {
        Range {
            lo: Some(v),
            hi: Some(v),
        }
    }

    /// Every value.
    pub fn all() -> Range {
        Range { lo: None, hi: None }
    }

    /// The one value, when the range holds only one.
    pub fn single(&self) -> Option<Decimal> {
        match (self.lo, self.hi) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        }
    }

    /// The smallest range holding both.
    pub fn hull(self, other: Range) -> Range {
        Range {
            lo: self.lo.zip(other.lo).map(|(a, b)| a.min(b)),
            hi: self.hi.zip(other.hi).map(|(a, b)| a.max(b)),
        }
    }

    fn below(&self, x: Decimal) -> bool {
        self.lo.map_or(true, |lo| lo < x)
    }
}

/// The values of a number expression; `None` when no case gets a value.
pub type Num = Option<Range>;

/// The values in both; `None` when there are none.
fn intersect(a: Range, b: Range) -> Num {
    let lo = match (a.lo, b.lo) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    let hi = match (a.hi, b.hi) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    match (lo, hi) {
        (Some(l), Some(h)) if l > h => None,
        _ => Some(Range { lo, hi }),
    }
}

fn hull(a: Num, b: Num) -> Num {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.hull(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Which values a condition can take; neither when no case gets there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Truth {
    /// Some case makes it hold.
    pub can_hold: bool,
    /// Some case makes it fail.
    pub can_fail: bool,
}

impl Truth {
    const TRUE: Truth = Truth {
        can_hold: true,
        can_fail: false,
    };
    const FALSE: Truth = Truth {
        can_hold: false,
        can_fail: true,
    };

    fn of(b: bool) -> Truth {
        if b {
            Truth::TRUE
        } else {
            Truth::FALSE
        }
    }

    fn or(self, other: Truth) -> Truth {
        Truth {
            can_hold: self.can_hold || other.can_hold,
            can_fail: self.can_fail || other.can_fail,
        }
    }

    fn reached(&self) -> bool {
        self.can_hold || self.can_fail
    }

    /// The value when it is the same for every case that gets here.
    pub fn known(&self) -> Option<bool> {
        match (self.can_hold, self.can_fail) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    }
}

/// An end of a range: below every number, a number, or above every number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    Below,
    At(Decimal),
    Above,
}

impl End {
    fn lo(b: Option<Decimal>) -> End {
        b.map_or(End::Below, End::At)
    }

    fn hi(b: Option<Decimal>) -> End {
        b.map_or(End::Above, End::At)
    }

    fn sign(&self) -> Ordering {
        match self {
            End::Below => Ordering::Less,
            End::At(d) => d.cmp(&Decimal::ZERO),
            End::Above => Ordering::Greater,
        }
    }

    fn infinite(sign: Ordering) -> End {
        if sign == Ordering::Less {
            End::Below
        } else {
            End::Above
        }
    }

    fn times(self, other: End) -> End {
        match (self, other) {
            (End::At(a), End::At(b)) => a
                .checked_mul(b)
                .map_or_else(|| End::infinite(sign_product(a, b)), End::At),
            (a, b) => {
                let s = sign_of_product(a.sign(), b.sign());
                if s == Ordering::Equal {
                    End::At(Decimal::ZERO)
                } else {
                    End::infinite(s)
                }
            }
        }
    }
}

fn sign_product(a: Decimal, b: Decimal) -> Ordering {
    sign_of_product(a.cmp(&Decimal::ZERO), b.cmp(&Decimal::ZERO))
}

fn sign_of_product(a: Ordering, b: Ordering) -> Ordering {
    match (a, b) {
        (Ordering::Equal, _) | (_, Ordering::Equal) => Ordering::Equal,
        (x, y) if x == y => Ordering::Greater,
        _ => Ordering::Less,
    }
}

fn range_of(lo: End, hi: End) -> Range {
    let at = |e: End| match e {
        End::At(d) => Some(d),
        _ => None,
    };
    Range {
        lo: at(lo),
        hi: at(hi),
    }
}

fn add(a: Range, b: Range) -> Range {
    let sum = |x: Option<Decimal>, y: Option<Decimal>| x.zip(y).and_then(|(x, y)| x.checked_add(y));
    Range {
        lo: sum(a.lo, b.lo),
        hi: sum(a.hi, b.hi),
    }
}

fn neg(a: Range) -> Range {
    Range {
        lo: a.hi.map(|d| -d),
        hi: a.lo.map(|d| -d),
    }
}

fn mul(a: Range, b: Range) -> Range {
    let corners = [
        End::lo(a.lo).times(End::lo(b.lo)),
        End::lo(a.lo).times(End::hi(b.hi)),
        End::hi(a.hi).times(End::lo(b.lo)),
        End::hi(a.hi).times(End::hi(b.hi)),
    ];
    let lo = corners.iter().copied().min().unwrap_or(End::Below);
    let hi = corners.iter().copied().max().unwrap_or(End::Above);
    range_of(lo, hi)
}

/// `a / b` as the evaluator divides (cut at 28 digits, trailing zeros dropped).
fn divide(a: Decimal, b: Decimal) -> Option<Decimal> {
    if b.is_zero() {
        return None;
    }
    a.checked_div(b).map(|q| q.normalize())
}

fn div(a: Range, b: Range) -> Num {
    if b.single() == Some(Decimal::ZERO) {
        return None;
    }
    let (Some(alo), Some(ahi), Some(blo), Some(bhi)) = (a.lo, a.hi, b.lo, b.hi) else {
        return Some(Range::all());
    };
    if blo <= Decimal::ZERO && bhi >= Decimal::ZERO {
        return Some(Range::all());
    }
    let corners = [
        divide(alo, blo),
        divide(alo, bhi),
        divide(ahi, blo),
        divide(ahi, bhi),
    ];
    if corners.iter().any(Option::is_none) {
        return Some(Range::all());
    }
    let values: Vec<Decimal> = corners.into_iter().flatten().collect();
    Some(Range {
        lo: values.iter().copied().min(),
        hi: values.iter().copied().max(),
    })
}

/// `p% of x`, as the evaluator works it out (exact: dividing by 100 only
/// moves the point).
pub(crate) fn percent_of(percent: Decimal, value: Decimal) -> Option<Decimal> {
    let mut product = percent.checked_mul(value)?;
    if product.set_scale(product.scale() + 2).is_ok() {
        return Some(product);
    }
    divide(product, Decimal::ONE_HUNDRED)
}

fn percent(p: Range, x: Range) -> Range {
    let product = mul(p, x);
    let hundredth = |d: Option<Decimal>| d.and_then(|d| divide(d, Decimal::ONE_HUNDRED));
    match (p.single(), x.single()) {
        (Some(p), Some(x)) => percent_of(p, x).map_or_else(Range::all, Range::point),
        _ => Range {
            lo: hundredth(product.lo),
            hi: hundredth(product.hi),
        },
    }
}

fn round(a: Range, rounding: crate::model::Rounding) -> Range {
    let (places, strategy) = crate::plan::program::rounding(rounding.to, rounding.mode);
    let r = |d: Option<Decimal>| d.map(|d| d.round_dp_with_strategy(places, strategy));
    Range {
        lo: r(a.lo),
        hi: r(a.hi),
    }
}

/// What a case may answer to one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Answers {
    /// The options it may choose (by index).
    Choice(Vec<bool>),
    /// No, yes.
    YesNo([bool; 2]),
    /// The numbers it may give.
    Number(Range),
}

/// What the cases of one context may be: every input to the calculation.
#[derive(Debug, Clone, PartialEq)]
pub struct Env {
    /// The cohort (validated).
    pub cohort: u32,
    /// Per attribute, the values a case may have.
    pub attributes: Vec<Vec<bool>>,
    /// Per question, the answers a case may give.
    pub answers: Vec<Answers>,
    /// Per parameter, its values in this context; `None` when none is in force.
    pub parameters: Vec<Num>,
    /// The costed plan; `None` when no route is worked out.
    pub plan_cost: Num,
    /// Steps whose value is already known (from a trace), by step.
    pub known_steps: Vec<Option<Decimal>>,
    /// Steps taken only over part of their values, by step.
    pub step_pieces: Vec<Option<Range>>,
}

/// The assessment-date periods in which every parameter keeps one value:
/// before the first date any parameter names, then from each such date on.
pub fn periods(m: &Model) -> Vec<Option<Date>> {
    let mut dates: Vec<Date> = m
        .parameters
        .iter()
        .flat_map(|p| p.schedule.iter().filter_map(|e| e.from))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    std::iter::once(None)
        .chain(dates.into_iter().map(Some))
        .collect()
}

/// One cohort, one date period and a choice of the attribute values that key
/// parameters: within it every parameter has one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The cohort.
    pub cohort: u32,
    /// The start of the date period (`None`: before every date).
    pub from: Option<Date>,
    /// Per attribute, its value when parameters depend on it.
    pub attributes: Vec<Option<u32>>,
}

/// At most this many contexts are taken one at a time; beyond it the
/// attributes are left open (wider bounds, still sound).
const MAX_CONTEXTS: usize = 512;

/// Every context a validated case can be in.
pub fn contexts(m: &Model) -> Vec<Context> {
    let keyed: Vec<usize> = (0..m.attributes.len())
        .filter(|a| {
            m.parameters
                .iter()
                .any(|p| p.key == ParameterKey::Attribute(*a as u32))
        })
        .collect();
    let periods = periods(m);
    let cohorts: Vec<u32> = (0..m.cohorts.len() as u32)
        .filter(|c| m.cohorts[*c as usize].not_validated.is_none())
        .collect();
    let mut choices: Vec<Vec<Option<u32>>> = vec![vec![None; m.attributes.len()]];
    let per_attribute: usize = keyed
        .iter()
        .map(|a| m.attributes[*a].values.len().max(1))
        .product();
    if cohorts.len() * periods.len() * per_attribute <= MAX_CONTEXTS {
        for a in keyed {
            let n = m.attributes[a].values.len() as u32;
            choices = choices
                .into_iter()
                .flat_map(|c| {
                    (0..n).map(move |v| {
                        let mut c = c.clone();
                        c[a] = Some(v);
                        c
                    })
                })
                .collect();
        }
    }
    let mut out = Vec::new();
    for &cohort in &cohorts {
        for from in &periods {
            for attributes in &choices {
                out.push(Context {
                    cohort,
                    from: *from,
                    attributes: attributes.clone(),
                });
            }
        }
    }
    out
}

impl Env {
    /// Every case of a context: every answer to every question.
    pub fn open(m: &Model, cx: &Context) -> Env {
        let attributes: Vec<Vec<bool>> = m
            .attributes
            .iter()
            .enumerate()
            .map(|(a, attr)| match cx.attributes.get(a).copied().flatten() {
                Some(v) => (0..attr.values.len()).map(|i| i == v as usize).collect(),
                None => vec![true; attr.values.len()],
            })
            .collect();
        let answers = m
            .questions
            .iter()
            .map(|q| match &q.kind {
                QuestionKind::Choice { options, .. } => Answers::Choice(vec![true; options.len()]),
                QuestionKind::YesNo { .. } => Answers::YesNo([true, true]),
                QuestionKind::Number { min, max, .. } => Answers::Number(Range {
                    lo: Some(*min),
                    hi: Some(*max),
                }),
            })
            .collect();
        let parameters = (0..m.parameters.len())
            .map(|p| parameter_in(m, p, cx.cohort, cx.from, &attributes))
            .collect();
        Env {
            cohort: cx.cohort,
            attributes,
            answers,
            parameters,
            plan_cost: Some(Range {
                lo: Some(Decimal::ZERO),
                hi: None,
            }),
            known_steps: vec![None; m.steps.len()],
            step_pieces: vec![None; m.steps.len()],
        }
    }
}

/// The values of parameter `p` for cases of this cohort, in force from `from`,
/// with these attribute values.
fn parameter_in(
    m: &Model,
    p: usize,
    cohort: u32,
    from: Option<Date>,
    attributes: &[Vec<bool>],
) -> Num {
    let param = m.parameters.get(p)?;
    let entry = param.schedule.iter().rposition(|e| match (e.from, from) {
        (None, _) => true,
        (Some(f), Some(d)) => f <= d,
        (Some(_), None) => false,
    })?;
    let values = &param.schedule.get(entry)?.values;
    match param.key {
        ParameterKey::None => values.first().copied().map(Range::point),
        ParameterKey::Cohort => values.get(cohort as usize).copied().map(Range::point),
        ParameterKey::Attribute(a) => {
            let possible = attributes.get(a as usize)?;
            values
                .iter()
                .zip(possible)
                .filter(|(_, ok)| **ok)
                .map(|(v, _)| Some(Range::point(*v)))
                .fold(None, hull)
        }
    }
}

/// What some evaluation reached, gathered over every context.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reach {
    /// Per `choose` expression (by expression id), which branches some case
    /// takes, `otherwise` last; empty for other expressions.
    pub branches: Vec<Vec<bool>>,
    /// Per band table, which rows some looked-up value falls in (step bands).
    pub band_rows: Vec<Vec<bool>>,
    /// Per expression, the values it takes (number expressions).
    pub values: Vec<Num>,
    /// Per route rule, whether some case takes it.
    pub route_rules: Vec<bool>,
    /// Per `choose` expression, what each branch's condition can be for the
    /// cases that get to it.
    pub branch_truths: Vec<Vec<Truth>>,
    /// Per route rule, what its condition can be for the cases that get to it.
    pub route_truths: Vec<Truth>,
}

impl Reach {
    fn new(m: &Model) -> Reach {
        Reach {
            branches: m
                .exprs
                .iter()
                .map(|e| match e {
                    Expr::Choose { choices, .. } => vec![false; choices.len() + 1],
                    _ => vec![],
                })
                .collect(),
            band_rows: m
                .bands
                .iter()
                .map(|b| match &b.table {
                    BandTable::Steps { rows } => vec![false; rows.len()],
                    BandTable::Interpolate { .. } => vec![],
                })
                .collect(),
            values: vec![None; m.exprs.len()],
            route_rules: vec![false; m.route.as_ref().map_or(0, |r| r.rules.len())],
            branch_truths: m
                .exprs
                .iter()
                .map(|e| match e {
                    Expr::Choose { choices, .. } => vec![Truth::default(); choices.len()],
                    _ => vec![],
                })
                .collect(),
            route_truths: vec![Truth::default(); m.route.as_ref().map_or(0, |r| r.rules.len())],
        }
    }
}

/// What an [`Evaluation`] notes in its [`Reach`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// Everything some case may reach.
    All,
    /// Only the `choose` branch taken, when exactly one is (one case).
    Taken,
    /// Nothing.
    Off,
}

/// Works out a model's expressions over an [`Env`].
pub struct Evaluation<'m> {
    m: &'m Model,
    env: &'m Env,
    /// Each step's values, once worked out.
    pub steps: Vec<Num>,
    /// What was reached.
    pub reach: Reach,
    /// What to note in `reach`.
    pub record: Record,
}

impl<'m> Evaluation<'m> {
    /// Works out every step (in dependency order) over the cases of `env`,
    /// noting everything reached.
    pub fn run(m: &'m Model, env: &'m Env) -> Evaluation<'m> {
        Self::with(m, env, Record::All)
    }

    /// Works out every step, noting what `record` says.
    pub fn with(m: &'m Model, env: &'m Env, record: Record) -> Evaluation<'m> {
        let mut ev = Evaluation {
            m,
            env,
            steps: vec![None; m.steps.len()],
            reach: Reach::new(m),
            record,
        };
        let order = m.dependency_order().unwrap_or_default();
        for s in order {
            let value = ev.step(s);
            if let Some(slot) = ev.steps.get_mut(s as usize) {
                *slot = value;
            }
        }
        ev
    }

    fn step(&mut self, s: StepId) -> Num {
        if let Some(Some(v)) = self.env.known_steps.get(s as usize) {
            return Some(Range::point(*v));
        }
        let step = self.m.steps.get(s as usize)?;
        let applies = match &step.kind {
            StepKind::Deduction { when: Some(w), .. } => self.cond(*w),
            _ => Truth::TRUE,
        };
        let mut value = None;
        if applies.can_fail {
            value = Some(Range::point(Decimal::ZERO));
        }
        if applies.can_hold {
            value = hull(value, self.num(step.expr));
        }
        match self.env.step_pieces.get(s as usize).copied().flatten() {
            Some(piece) => value.and_then(|v| intersect(v, piece)),
            None => value,
        }
    }

    /// The truth of a condition over the cases of the environment.
    pub fn cond(&mut self, id: ExprId) -> Truth {
        let Some(e) = self.m.exprs.get(id as usize) else {
            return Truth::default();
        };
        match e {
            Expr::Bool { value } => Truth::of(*value),
            Expr::Flag { flag } => match self.m.flags.get(*flag as usize) {
                Some(f) => self.cond(f.when),
                None => Truth::default(),
            },
            Expr::Not { value } => {
                let t = self.cond(*value);
                Truth {
                    can_hold: t.can_fail,
                    can_fail: t.can_hold,
                }
            }
            Expr::And { left, right } => {
                let l = self.cond(*left);
                let mut out = Truth {
                    can_hold: false,
                    can_fail: l.can_fail,
                };
                if l.can_hold {
                    out = out.or(self.cond(*right));
                }
                out
            }
            Expr::Or { left, right } => {
                let l = self.cond(*left);
                let mut out = Truth {
                    can_hold: l.can_hold,
                    can_fail: false,
                };
                if l.can_fail {
                    out = out.or(self.cond(*right));
                }
                out
            }
            Expr::Compare {
                compare,
                left,
                right,
            } if is_condition(self.m, *left) => {
                let (l, r) = (self.cond(*left), self.cond(*right));
                if !l.reached() || !r.reached() {
                    return Truth::default();
                }
                let same = (l.can_hold && r.can_hold) || (l.can_fail && r.can_fail);
                let differ = (l.can_hold && r.can_fail) || (l.can_fail && r.can_hold);
                if *compare == CompareOp::Eq {
                    Truth {
                        can_hold: same,
                        can_fail: differ,
                    }
                } else {
                    Truth {
                        can_hold: differ,
                        can_fail: same,
                    }
                }
            }
            Expr::Compare {
                compare,
                left,
                right,
            } => {
                let (Some(a), Some(b)) = (self.num(*left), self.num(*right)) else {
                    return Truth::default();
                };
                compare_ranges(*compare, a, b)
            }
            Expr::CodeIn {
                subject,
                codes,
                negated,
            } => {
                let possible: Vec<bool> = match subject {
                    Subject::Cohort => (0..self.m.cohorts.len())
                        .map(|c| c == self.env.cohort as usize)
                        .collect(),
                    Subject::Attribute(a) => self
                        .env
                        .attributes
                        .get(*a as usize)
                        .cloned()
                        .unwrap_or_default(),
                    Subject::Question(q) => match self.env.answers.get(*q as usize) {
                        Some(Answers::Choice(o)) => o.clone(),
                        Some(Answers::YesNo(yn)) => yn.to_vec(),
                        _ => vec![],
                    },
                };
                let mut out = Truth::default();
                for (code, _) in possible.iter().enumerate().filter(|(_, ok)| **ok) {
                    let inside = codes.contains(&(code as u32));
                    out = out.or(Truth::of(inside != *negated));
                }
                out
            }
            Expr::Choose { choices, otherwise } => {
                let mut out = Truth::default();
                let choices = choices.clone();
                let taken = self.branches(id, &choices, *otherwise);
                for (k, v) in taken {
                    let _ = k;
                    out = out.or(self.cond(v));
                }
                out
            }
            _ => Truth::default(),
        }
    }

    /// The branches of a `choose` some case takes (index, value expression),
    /// recorded in [`Reach::branches`].
    fn branches(
        &mut self,
        id: ExprId,
        choices: &[(ExprId, ExprId)],
        otherwise: ExprId,
    ) -> Vec<(usize, ExprId)> {
        let mut taken = Vec::new();
        // Whether some case got past every branch before this one.
        let mut passed = true;
        for (k, (c, v)) in choices.iter().enumerate() {
            if !passed {
                break;
            }
            let t = self.cond(*c);
            if self.record == Record::All {
                if let Some(slot) = self
                    .reach
                    .branch_truths
                    .get_mut(id as usize)
                    .and_then(|b| b.get_mut(k))
                {
                    *slot = slot.or(t);
                }
            }
            if t.can_hold {
                taken.push((k, *v));
            }
            passed = t.can_fail;
        }
        if passed {
            taken.push((choices.len(), otherwise));
        }
        let noted = match self.record {
            Record::All => true,
            Record::Taken => taken.len() == 1,
            Record::Off => false,
        };
        if let Some(reached) = self.reach.branches.get_mut(id as usize).filter(|_| noted) {
            for (k, _) in &taken {
                if let Some(slot) = reached.get_mut(*k) {
                    *slot = true;
                }
            }
        }
        taken
    }

    /// The values of a number expression over the cases of the environment.
    pub fn num(&mut self, id: ExprId) -> Num {
        let value = self.num_inner(id);
        if self.record != Record::All {
            return value;
        }
        if let Some(slot) = self.reach.values.get_mut(id as usize) {
            *slot = hull(*slot, value);
        }
        value
    }

    fn num_inner(&mut self, id: ExprId) -> Num {
        let e = self.m.exprs.get(id as usize)?;
        match e {
            Expr::Number { value } => Some(Range::point(*value)),
            Expr::Answer { question, slot } => {
                let q = self.m.questions.get(*question as usize)?;
                match (&q.kind, self.env.answers.get(*question as usize)?) {
                    (QuestionKind::Choice { options, .. }, Answers::Choice(possible)) => options
                        .iter()
                        .zip(possible)
                        .filter(|(_, ok)| **ok)
                        .map(|(o, _)| o.values.get(*slot as usize).copied().map(Range::point))
                        .fold(None, hull),
                    (QuestionKind::Number { .. }, Answers::Number(r)) => Some(*r),
                    _ => None,
                }
            }
            Expr::Parameter { parameter } => {
                self.env.parameters.get(*parameter as usize).copied()?
            }
            Expr::Step { step } => self.steps.get(*step as usize).copied()?,
            Expr::PlanCost => self.env.plan_cost,
            Expr::Neg { value } => self.num(*value).map(neg),
            Expr::Abs { value } => {
                let a = self.num(*value)?;
                Some(if a.lo.is_some_and(|lo| lo >= Decimal::ZERO) {
                    a
                } else if a.hi.is_some_and(|hi| hi <= Decimal::ZERO) {
                    neg(a)
                } else {
                    let n = neg(a);
                    Range {
                        lo: Some(Decimal::ZERO),
                        hi: n.hi.zip(a.hi).map(|(x, y)| x.max(y)),
                    }
                })
            }
            Expr::Arith { arith, left, right } => {
                let (a, b) = (self.num(*left), self.num(*right));
                let (a, b) = (a?, b?);
                match arith {
                    ArithOp::Add => Some(add(a, b)),
                    ArithOp::Sub => Some(add(a, neg(b))),
                    ArithOp::Mul => Some(match (a.single(), b.single()) {
                        (Some(x), Some(y)) => {
                            x.checked_mul(y).map_or_else(Range::all, Range::point)
                        }
                        _ => mul(a, b),
                    }),
                    ArithOp::Div => match (a.single(), b.single()) {
                        (Some(x), Some(y)) if !y.is_zero() => {
                            Some(divide(x, y).map_or_else(Range::all, Range::point))
                        }
                        _ => div(a, b),
                    },
                }
            }
            Expr::PercentOf { percent: p, value } => {
                let (p, x) = (self.num(*p), self.num(*value));
                Some(percent(p?, x?))
            }
            Expr::Min { values } | Expr::Max { values } => {
                let is_min = matches!(e, Expr::Min { .. });
                let values = values.clone();
                let mut ranges = Vec::with_capacity(values.len());
                for v in values {
                    ranges.push(self.num(v));
                }
                let ranges: Vec<Range> = ranges.into_iter().collect::<Option<_>>()?;
                let first = *ranges.first()?;
                Some(ranges.iter().skip(1).fold(first, |acc, r| {
                    let pick = |x: Option<Decimal>, y: Option<Decimal>, low_end: bool| {
                        match (x, y) {
                            (Some(x), Some(y)) => Some(if is_min { x.min(y) } else { x.max(y) }),
                            // No bound below wins min's low end, no bound above
                            // max's high end; otherwise the bound is kept.
                            (Some(x), None) | (None, Some(x)) => {
                                if is_min != low_end {
                                    Some(x)
                                } else {
                                    None
                                }
                            }
                            (None, None) => None,
                        }
                    };
                    Range {
                        lo: pick(acc.lo, r.lo, true),
                        hi: pick(acc.hi, r.hi, false),
                    }
                }))
            }
            Expr::Count { conditions } => {
                let (mut sure, mut may) = (0i64, 0i64);
                for c in conditions.clone() {
                    let t = self.cond(c);
                    if !t.reached() {
                        return None;
                    }
                    sure += i64::from(!t.can_fail);
                    may += i64::from(t.can_hold);
                }
                Some(Range {
                    lo: Some(Decimal::from(sure)),
                    hi: Some(Decimal::from(may)),
                })
            }
            Expr::Round { value, rounding } => {
                let rounding = *rounding;
                self.num(*value).map(|a| round(a, rounding))
            }
            Expr::Band { band, value } => {
                let band = *band;
                let x = self.num(*value)?;
                self.band(band, x)
            }
            Expr::Total { terms, .. } => {
                let mut sum = Range::point(Decimal::ZERO);
                for t in terms {
                    let q = self.m.questions.get(t.question as usize)?;
                    let term = match (&q.kind, self.env.answers.get(t.question as usize)?) {
                        (QuestionKind::Choice { options, .. }, Answers::Choice(possible)) => {
                            options
                                .iter()
                                .zip(possible)
                                .filter(|(_, ok)| **ok)
                                .map(|(o, _)| {
                                    let v = o.values.get(t.slot as usize)?;
                                    Some(
                                        v.checked_mul(t.weight)
                                            .map_or_else(Range::all, Range::point),
                                    )
                                })
                                .fold(None, hull)?
                        }
                        (QuestionKind::Number { .. }, Answers::Number(r)) => {
                            mul(*r, Range::point(t.weight))
                        }
                        _ => return None,
                    };
                    sum = add(sum, term);
                }
                Some(sum)
            }
            Expr::Choose { choices, otherwise } => {
                let choices = choices.clone();
                let taken = self.branches(id, &choices, *otherwise);
                let mut out = None;
                for (_, v) in taken {
                    out = hull(out, self.num(v));
                }
                out
            }
            Expr::Bool { .. }
            | Expr::Flag { .. }
            | Expr::Not { .. }
            | Expr::Compare { .. }
            | Expr::And { .. }
            | Expr::Or { .. }
            | Expr::CodeIn { .. } => None,
        }
    }

    fn band(&mut self, b: u32, x: Range) -> Num {
        let band = self.m.bands.get(b as usize)?;
        match &band.table {
            BandTable::Steps { rows } => {
                let mut out = None;
                for (i, r) in rows.iter().enumerate() {
                    let meets = r.from.map_or(true, |f| x.hi.map_or(true, |hi| f <= hi))
                        && r.to.map_or(true, |to| x.below(to));
                    if meets {
                        out = hull(out, Some(Range::point(r.value)));
                        if let Some(slot) = self
                            .reach
                            .band_rows
                            .get_mut(b as usize)
                            .and_then(|rows| rows.get_mut(i))
                            .filter(|_| self.record == Record::All)
                        {
                            *slot = true;
                        }
                    }
                }
                out
            }
            BandTable::Interpolate { points, beyond } => interpolate(points, *beyond, x),
        }
    }
}

/// The straight-line value at `x`, as the evaluator works it out.
fn line_at(
    points: &[crate::model::BandPoint],
    beyond: Option<Decimal>,
    x: Decimal,
) -> Option<Decimal> {
    let first = points.first()?;
    if x < first.at {
        return None;
    }
    let i = points.iter().rposition(|p| p.at <= x).unwrap_or(0);
    let lo = points.get(i)?;
    if lo.at == x {
        return Some(lo.value);
    }
    match points.get(i + 1) {
        Some(hi) => {
            let rise = (x.checked_sub(lo.at)?).checked_mul(hi.value.checked_sub(lo.value)?)?;
            lo.value
                .checked_add(divide(rise, hi.at.checked_sub(lo.at)?)?)
        }
        None => lo
            .value
            .checked_add(x.checked_sub(lo.at)?.checked_mul(beyond?)?),
    }
}

/// The values of straight-line bands over `x`: each segment is a straight
/// line, so its values lie between those at its ends.
fn interpolate(points: &[crate::model::BandPoint], beyond: Option<Decimal>, x: Range) -> Num {
    let first = points.first()?;
    let last = points.last()?;
    // Values below the first point, or past the last without a rate, are an
    // error for the case: they give no value.
    let lo = x.lo.map_or(first.at, |lo| lo.max(first.at));
    let hi = match (x.hi, beyond) {
        (Some(hi), Some(_)) => Some(hi),
        (Some(hi), None) => Some(hi.min(last.at)),
        (None, Some(_)) => None,
        (None, None) => Some(last.at),
    };
    if hi.is_some_and(|hi| hi < lo) {
        return None;
    }
    let mut out = line_at(points, beyond, lo).map(Range::point);
    for p in points {
        if p.at > lo && hi.map_or(true, |hi| p.at < hi) {
            out = hull(out, Some(Range::point(p.value)));
        }
    }
    match hi {
        Some(hi) => match line_at(points, beyond, hi) {
            Some(v) => hull(out, Some(Range::point(v))),
            None => Some(Range::all()),
        },
        None => {
            let rate = beyond.unwrap_or(Decimal::ZERO);
            let open = match rate.cmp(&Decimal::ZERO) {
                Ordering::Greater => Range {
                    lo: Some(last.value),
                    hi: None,
                },
                Ordering::Less => Range {
                    lo: None,
                    hi: Some(last.value),
                },
                Ordering::Equal => Range::point(last.value),
            };
            hull(out, Some(open))
        }
    }
}

fn compare_ranges(op: CompareOp, a: Range, b: Range) -> Truth {
    // Whether some a < b, some a > b, some a = b.
    let less = match (a.lo, b.hi) {
        (Some(x), Some(y)) => x < y,
        _ => true,
    };
    let more = match (a.hi, b.lo) {
        (Some(x), Some(y)) => x > y,
        _ => true,
    };
    let equal = match (a.lo, a.hi, b.lo, b.hi) {
        _ if a.lo.zip(b.hi).is_some_and(|(x, y)| x > y) => false,
        _ if b.lo.zip(a.hi).is_some_and(|(x, y)| x > y) => false,
        _ => true,
    };
    // Whether every pair is equal (both the same single value).
    let always_equal = a.single().is_some() && a.single() == b.single();
    let unequal = !always_equal;
    match op {
        CompareOp::Lt => Truth {
            can_hold: less,
            can_fail: more || equal,
        },
        CompareOp::Le => Truth {
            can_hold: less || equal,
            can_fail: more,
        },
        CompareOp::Gt => Truth {
            can_hold: more,
            can_fail: less || equal,
        },
        CompareOp::Ge => Truth {
            can_hold: more || equal,
            can_fail: less,
        },
        CompareOp::Eq => Truth {
            can_hold: equal,
            can_fail: unequal,
        },
        CompareOp::Ne => Truth {
            can_hold: unequal,
            can_fail: equal,
        },
    }
}

/// Whether an expression is a condition (so `=` between two compares truths).
pub(crate) fn is_condition(m: &Model, id: ExprId) -> bool {
    match m.exprs.get(id as usize) {
        Some(
            Expr::Bool { .. }
            | Expr::Not { .. }
            | Expr::And { .. }
            | Expr::Or { .. }
            | Expr::Compare { .. }
            | Expr::CodeIn { .. }
            | Expr::Flag { .. },
        ) => true,
        Some(Expr::Choose { otherwise, .. }) => is_condition(m, *otherwise),
        _ => false,
    }
}

/// What every validated case can reach, over every context.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Per step, the values it takes.
    pub steps: Vec<Num>,
    /// Per flag, whether some case raises it and whether some case does not.
    pub flags: Vec<Truth>,
    /// What was reached.
    pub reach: Reach,
}

/// Works out every step, flag and route rule over every context.
pub fn analyse(m: &Model) -> Analysis {
    let mut out = Analysis {
        steps: vec![None; m.steps.len()],
        flags: vec![Truth::default(); m.flags.len()],
        reach: Reach::new(m),
    };
    for cx in contexts(m) {
        let env = Env::open(m, &cx);
        let mut ev = Evaluation::run(m, &env);
        for (f, flag) in m.flags.iter().enumerate() {
            let t = ev.cond(flag.when);
            if let Some(slot) = out.flags.get_mut(f) {
                *slot = slot.or(t);
            }
        }
        if let Some(route) = &m.route {
            let mut passed = true;
            for (k, rule) in route.rules.iter().enumerate() {
                if !passed {
                    break;
                }
                let t = match rule.when {
                    Some(w) => ev.cond(w),
                    None => Truth::TRUE,
                };
                if let Some(slot) = ev.reach.route_truths.get_mut(k) {
                    *slot = slot.or(t);
                }
                if t.can_hold {
                    if let Some(slot) = ev.reach.route_rules.get_mut(k) {
                        *slot = true;
                    }
                }
                passed = t.can_fail;
            }
        }
        for c in &m.checks {
            ev.cond(c.when);
        }
        for r in &m.eligibility {
            ev.cond(r.condition);
        }
        for (slot, v) in out.steps.iter_mut().zip(&ev.steps) {
            *slot = hull(*slot, *v);
        }
        merge(&mut out.reach, &ev.reach);
    }
    out
}

fn merge(into: &mut Reach, from: &Reach) {
    let or = |a: &mut Vec<bool>, b: &Vec<bool>| {
        for (x, y) in a.iter_mut().zip(b) {
            *x |= *y;
        }
    };
    for (a, b) in into.branches.iter_mut().zip(&from.branches) {
        or(a, b);
    }
    for (a, b) in into.band_rows.iter_mut().zip(&from.band_rows) {
        or(a, b);
    }
    or(&mut into.route_rules, &from.route_rules);
    for (a, b) in into.branch_truths.iter_mut().zip(&from.branch_truths) {
        for (x, y) in a.iter_mut().zip(b) {
            *x = x.or(*y);
        }
    }
    for (x, y) in into.route_truths.iter_mut().zip(&from.route_truths) {
        *x = x.or(*y);
    }
    for (a, b) in into.values.iter_mut().zip(&from.values) {
        *a = hull(*a, *b);
    }
}

/// Whether a single case (an environment of single values) gets figures:
/// its cohort is validated, no `stop` check holds, it is eligible, and every
/// step is worked out. The count of what stands in the way, 0 when it does.
pub(crate) fn obstacles(m: &Model, ev: &mut Evaluation) -> u32 {
    let mut n = 0;
    for c in &m.checks {
        if c.action == CheckAction::Stop && ev.cond(c.when).known() != Some(false) {
            n += 1;
        }
    }
    for r in &m.eligibility {
        if ev.cond(r.condition).known() != Some(true) {
            n += 1;
        }
    }
    n + ev
        .steps
        .iter()
        .filter(|s| s.and_then(|r| r.single()).is_none())
        .count() as u32
}

#[cfg(test)]
mod tests;

/// The lowest and highest value of one step over every answer, with the
/// cases the search found that come nearest.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRange {
    /// The step.
    pub step: StepId,
    /// No case of a validated cohort goes below or above these (`None` at an
    /// end: no bound, or no case gets a value at all when both are `None`
    /// and `reached` is false).
    pub bounds: Range,
    /// Whether some case gets a value for the step.
    pub reached: bool,
    /// A case as low as the search could go.
    pub lowest: Option<Witness>,
    /// A case as high as the search could go.
    pub highest: Option<Witness>,
}

/// How many pieces a step read by another is cut into by [`refine`].
const PIECES: u32 = 48;

/// The steps a step reads, directly or through other steps.
fn reads(m: &Model, s: StepId) -> Vec<StepId> {
    let mut seen = vec![false; m.steps.len()];
    let mut stack = vec![s];
    let mut out = Vec::new();
    while let Some(x) = stack.pop() {
        for root in m.step_roots(x) {
            for r in m.steps_read(root) {
                if let Some(slot) = seen.get_mut(r as usize) {
                    if !*slot {
                        *slot = true;
                        out.push(r);
                        stack.push(r);
                    }
                }
            }
        }
    }
    out
}

/// Bounds of step `s` made tighter: a step it reads is taken a piece of its
/// values at a time, so that a figure read twice (`gross - contingency_rate(gross)
/// of gross`) is not read at both of its ends at once. Sound: every case's
/// value of the step read lies in some piece, so the hull over the pieces
/// holds every case, and so does the intersection of sound bounds.
fn refine(m: &Model, s: StepId, bounds: Range, all: &[Num]) -> Range {
    let mut best = bounds;
    let cxs = contexts(m);
    for x in reads(m, s) {
        let Some(Range {
            lo: Some(lo),
            hi: Some(hi),
        }) = all.get(x as usize).copied().flatten()
        else {
            continue;
        };
        if lo == hi {
            continue;
        }
        let cut = |k: u32| -> Option<Decimal> {
            let span = hi.checked_sub(lo)?;
            lo.checked_add(
                span.checked_mul(Decimal::from(k))?
                    .checked_div(Decimal::from(PIECES))?,
            )
        };
        let mut found: Num = None;
        let mut whole = true;
        for cx in &cxs {
            let mut env = Env::open(m, cx);
            for k in 0..PIECES {
                let (Some(a), Some(b)) = (
                    cut(k),
                    if k + 1 == PIECES {
                        Some(hi)
                    } else {
                        cut(k + 1)
                    },
                ) else {
                    whole = false;
                    break;
                };
                if let Some(slot) = env.step_pieces.get_mut(x as usize) {
                    *slot = Some(Range {
                        lo: Some(a),
                        hi: Some(b),
                    });
                }
                let ev = Evaluation::with(m, &env, Record::Off);
                found = hull(found, ev.steps.get(s as usize).copied().flatten());
            }
        }
        if let (true, Some(f)) = (whole, found) {
            best = intersect(best, f).unwrap_or(best);
        }
    }
    best
}

/// The range of every step in file order (`ras check --ranges`).
pub fn step_ranges(m: &Model) -> Vec<StepRange> {
    let analysis = analyse(m);
    (0..m.steps.len() as StepId)
        .map(|s| {
            let bounds = analysis
                .steps
                .get(s as usize)
                .copied()
                .flatten()
                .map(|b| refine(m, s, b, &analysis.steps));
            let (lowest, highest) = match bounds {
                Some(_) => (search(m, Goal::Lowest(s)), search(m, Goal::Highest(s))),
                None => (None, None),
            };
            StepRange {
                step: s,
                bounds: bounds.unwrap_or(Range { lo: None, hi: None }),
                reached: bounds.is_some(),
                lowest,
                highest,
            }
        })
        .collect()
}
