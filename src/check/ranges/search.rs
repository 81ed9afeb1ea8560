//! A search for one case that shows a claim: a step as low (or high) as it
//! goes, or a deduction larger than what it is taken from.
//!
//! Each case tried is an environment of single values, worked out exactly
//! ([`Evaluation`] on single values is the evaluator's arithmetic), so a
//! witness found is a real case. The search changes one answer at a time
//! while that helps (first towards a case that gets figures at all, then
//! towards the goal); finding nothing proves nothing.

use super::{obstacles, periods, Answers, Context, Env, Evaluation};
use crate::date::Date;
use crate::model::{ExprId, Model, QuestionKind, StepId};
use rust_decimal::Decimal;

/// What the search looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// The lowest value of a step.
    Lowest(StepId),
    /// The highest value of a step.
    Highest(StepId),
    /// The lowest value of `from` minus `taken`.
    Margin {
        /// What the amount is taken from.
        from: ExprId,
        /// The amount taken.
        taken: ExprId,
    },
}

/// A case found by the search, and the value it gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Witness {
    /// The cohort.
    pub cohort: u32,
    /// The start of the assessment-date period (`None`: before every date).
    pub from: Option<Date>,
    /// Each attribute's value.
    pub attributes: Vec<u32>,
    /// Each question's answer.
    pub answers: Vec<Pick>,
    /// The goal's value for this case (for [`Goal::Highest`], the step's value).
    pub value: Decimal,
}

/// One answer of a witness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// An option, by index.
    Option(u32),
    /// Yes or no.
    YesNo(bool),
    /// A number.
    Number(Decimal),
}

impl Witness {
    /// The case in words: `cohort older_people, assessed from 2024-04-01,
    /// setting own_home, q01 3, hours 0 h`.
    pub fn describe(&self, m: &Model) -> String {
        let mut parts = Vec::new();
        if let Some(c) = m.cohorts.get(self.cohort as usize) {
            parts.push(format!("cohort {}", c.id));
        }
        match (self.from, periods(m).get(1).copied().flatten()) {
            (Some(d), _) => parts.push(format!("assessed on or after {d}")),
            (None, Some(first)) => parts.push(format!("assessed before {first}")),
            (None, None) => {}
        }
        for (a, v) in m.attributes.iter().zip(&self.attributes) {
            if let Some(value) = a.values.get(*v as usize) {
                parts.push(format!("{} {}", a.id, value.code));
            }
        }
        for (q, pick) in m.questions.iter().zip(&self.answers) {
            let text = match (&q.kind, pick) {
                (QuestionKind::Choice { options, .. }, Pick::Option(o)) => {
                    options.get(*o as usize).map(|o| o.code.clone())
                }
                (_, Pick::YesNo(b)) => Some(if *b { "yes" } else { "no" }.to_string()),
                (QuestionKind::Number { unit, .. }, Pick::Number(n)) => {
                    Some(crate::eval::format_quantity(*n, *unit))
                }
                _ => None,
            };
            if let Some(text) = text {
                parts.push(format!("{} {text}", q.id));
            }
        }
        parts.join(", ")
    }
}

impl Witness {
    /// The witness as a case file holds it (`assessed` on the first day of
    /// its date period, when it has one).
    pub fn case(&self, m: &Model) -> crate::case::Case {
        let mut case = crate::case::Case {
            cohort: m.cohorts.get(self.cohort as usize).map(|c| c.id.clone()),
            assessed: self.from,
            ..crate::case::Case::default()
        };
        for (a, v) in m.attributes.iter().zip(&self.attributes) {
            if let Some(value) = a.values.get(*v as usize) {
                case.attributes.insert(a.id.clone(), value.code.clone());
            }
        }
        for (q, pick) in m.questions.iter().zip(&self.answers) {
            let text = match (&q.kind, pick) {
                (QuestionKind::Choice { options, .. }, Pick::Option(o)) => {
                    options.get(*o as usize).map(|o| o.code.clone())
                }
                (_, Pick::YesNo(b)) => Some(if *b { "yes" } else { "no" }.to_string()),
                (_, Pick::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            if let Some(text) = text {
                case.answers.insert(q.id.clone(), text);
            }
        }
        case
    }
}

/// The answers worth trying for each question: every option, yes and no, and
/// for a number its least, greatest, zero and default.
fn candidates(m: &Model) -> Vec<Vec<Pick>> {
    m.questions
        .iter()
        .map(|q| match &q.kind {
            QuestionKind::Choice { options, .. } => {
                (0..options.len() as u32).map(Pick::Option).collect()
            }
            QuestionKind::YesNo { .. } => vec![Pick::YesNo(false), Pick::YesNo(true)],
            QuestionKind::Number {
                min, max, default, ..
            } => {
                let mut v = vec![*min, *max];
                if *min < Decimal::ZERO && *max > Decimal::ZERO {
                    v.push(Decimal::ZERO);
                }
                v.extend(*default);
                v.dedup();
                v.into_iter().map(Pick::Number).collect()
            }
        })
        .collect()
}

/// Every cohort, period and attribute value a single case can have (at most
/// a few hundred; beyond that each attribute keeps its first value).
fn settings(m: &Model) -> Vec<Context> {
    let mut out = Vec::new();
    let attribute_cases: usize = m.attributes.iter().map(|a| a.values.len().max(1)).product();
    for cx in super::contexts(m) {
        let mut choices: Vec<Vec<Option<u32>>> = vec![cx.attributes.clone()];
        for (a, attr) in m.attributes.iter().enumerate() {
            if cx.attributes.get(a).copied().flatten().is_some() {
                continue;
            }
            let n = if attribute_cases <= 64 {
                attr.values.len() as u32
            } else {
                1
            };
            choices = choices
                .into_iter()
                .flat_map(|c| {
                    (0..n).map(move |v| {
                        let mut c = c.clone();
                        if let Some(slot) = c.get_mut(a) {
                            *slot = Some(v);
                        }
                        c
                    })
                })
                .collect();
        }
        for attributes in choices {
            out.push(Context {
                attributes,
                ..cx.clone()
            });
        }
    }
    out
}

/// The environment of one case.
fn point_env(m: &Model, cx: &Context, picks: &[Pick]) -> Env {
    let mut env = Env::open(m, cx);
    env.plan_cost = None;
    for (slot, pick) in env.answers.iter_mut().zip(picks) {
        *slot = match (&*slot, pick) {
            (Answers::Choice(o), Pick::Option(i)) => {
                Answers::Choice((0..o.len()).map(|k| k == *i as usize).collect())
            }
            (Answers::YesNo(_), Pick::YesNo(b)) => Answers::YesNo([!*b, *b]),
            (Answers::Number(_), Pick::Number(n)) => Answers::Number(super::Range::point(*n)),
            (other, _) => other.clone(),
        };
    }
    env
}

/// How far a case is from the goal: what stops it getting figures first,
/// then the value to make as small as possible.
fn score(m: &Model, cx: &Context, picks: &[Pick], goal: Goal) -> Score {
    let env = point_env(m, cx, picks);
    let mut ev = Evaluation::run(m, &env);
    let blocked = obstacles(m, &mut ev);
    let single = |n: super::Num| n.and_then(|r| r.single());
    let value = match goal {
        Goal::Lowest(s) => ev.steps.get(s as usize).copied().and_then(single),
        Goal::Highest(s) => ev
            .steps
            .get(s as usize)
            .copied()
            .and_then(single)
            .map(|v| -v),
        Goal::Margin { from, taken } => {
            let (a, b) = (single(ev.num(from)), single(ev.num(taken)));
            a.zip(b).and_then(|(a, b)| a.checked_sub(b))
        }
    };
    match value {
        Some(v) => (blocked, Some(v)),
        None => (blocked + 1, None),
    }
}

fn better(a: Score, b: Score) -> bool {
    match (a, b) {
        ((x, _), (y, _)) if x != y => x < y,
        ((_, Some(v)), (_, Some(w))) => v < w,
        ((_, Some(_)), (_, None)) => true,
        _ => false,
    }
}

/// What stands in the way of figures, then the value to bring down.
type Score = (u32, Option<Decimal>);

/// Where a search starts: every question at its first, or its last, answer.
type Start = fn(&Vec<Pick>) -> Option<Pick>;

/// Rounds of one-answer changes; each round tries every answer of every question.
const ROUNDS: usize = 6;

/// A case that gets figures and brings the goal as low as the search can, or
/// none when no case tried gets figures.
pub fn search(m: &Model, goal: Goal) -> Option<Witness> {
    search_with(m, goal, ROUNDS)
}

/// A quicker search, for a warning that only needs some case below zero.
pub fn search_quickly(m: &Model, goal: Goal) -> Option<Witness> {
    search_with(m, goal, 2)
}

fn search_with(m: &Model, goal: Goal, rounds: usize) -> Option<Witness> {
    let options = candidates(m);
    let settings = settings(m);
    let mut best: Option<(usize, Vec<Pick>, Score)> = None;
    let starts: [Start; 2] = [|c| c.first().copied(), |c| c.last().copied()];
    for (k, cx) in settings.iter().enumerate() {
        for start in starts {
            let mut picks = options.iter().map(start).collect::<Option<Vec<Pick>>>()?;
            let mut here = score(m, cx, &picks, goal);
            for _ in 0..rounds {
                let mut moved = false;
                for q in 0..picks.len() {
                    for c in options.get(q).into_iter().flatten() {
                        if picks.get(q) == Some(c) {
                            continue;
                        }
                        let mut tried = picks.clone();
                        tried[q] = *c;
                        let s = score(m, cx, &tried, goal);
                        if better(s, here) {
                            picks = tried;
                            here = s;
                            moved = true;
                        }
                    }
                }
                if !moved {
                    break;
                }
            }
            if best.as_ref().map_or(true, |b| better(here, b.2)) {
                best = Some((k, picks, here));
            }
        }
    }
    let (k, picks, (blocked, value)) = best?;
    let value = value?;
    if blocked != 0 {
        return None;
    }
    let cx = settings.get(k)?;
    Some(Witness {
        cohort: cx.cohort,
        from: cx.from,
        attributes: cx.attributes.iter().map(|a| a.unwrap_or(0)).collect(),
        answers: picks,
        value: match goal {
            Goal::Highest(_) => -value,
            _ => value,
        },
    })
}
