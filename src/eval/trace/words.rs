//! A calculation or condition of the model in plain English, with the figures
//! this case gave: "36.2 pts at £4.88 a point", "your answer to “Does a carer
//! help you?” is “Yes, willing and able”". Only the traced path builds these;
//! `ras explain` prints them as they are.

use super::super::result::format_quantity;
use crate::model::{ArithOp, CompareOp, Expr, ExprId, Model, QuestionKind, StepKind, Subject};
use crate::units::Unit;
use crate::vocabulary::{RoundMode, RoundTo, ValueKind};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Nesting deeper than this is written as "a calculation": the plan caps depth
/// well below it, so this only guards against a plan that slipped through.
const DEEPEST: u32 = 64;

/// What the case gave so far, as the recorder saw it.
#[derive(Debug, Default)]
pub(super) struct Known {
    pub steps: Vec<Option<Decimal>>,
    pub parameters: Vec<Option<Decimal>>,
    pub answers: Vec<Option<super::Answer>>,
    /// The costed plan, once the route has read it.
    pub plan_cost: Option<Decimal>,
    /// Values of `choose`, `of` and totals, by expression.
    pub exprs: HashMap<ExprId, Decimal>,
    /// The branch each `choose` took (`None`: `otherwise`), by expression.
    pub branches: HashMap<ExprId, Option<usize>>,
    /// The last value looked up in each band table, and its result.
    pub bands: HashMap<u32, (Decimal, Decimal)>,
}

/// `£4.88 a point`, `£27.68 an hour`, `38 pts`, `20%`: a figure as a sentence
/// reads it.
pub fn quantity_words(value: Decimal, unit: Unit) -> String {
    let per = match unit {
        Unit::MoneyPerPoint => " a point",
        Unit::MoneyPerHour => " an hour",
        Unit::MoneyPerSession => " a session",
        Unit::MoneyPerNight => " a night",
        _ => return format_quantity(value, unit),
    };
    format!(
        "£{}{per}",
        format_quantity(value, Unit::Money).trim_start_matches('£')
    )
}

/// `older_people` -> `older people`: a name of the rule file read as words.
pub fn name_words(id: &str) -> String {
    id.replace('_', " ")
}

pub(super) struct Words<'a> {
    pub m: &'a Model,
    pub known: &'a Known,
}

impl Words<'_> {
    /// The unit an expression gives, `None` for a bare number.
    pub fn unit_of(&self, e: ExprId) -> Option<Unit> {
        self.m.unit_of(e)
    }

    /// A calculation in words; `unit` is what a bare number in it stands for.
    pub fn num(&self, e: ExprId, unit: Option<Unit>, depth: u32) -> String {
        if depth > DEEPEST {
            return "a calculation".to_string();
        }
        let m = self.m;
        let k = self.known;
        let Some(expr) = m.exprs.get(e as usize) else {
            return "a calculation".to_string();
        };
        let d = depth + 1;
        match expr {
            Expr::Number { value } => quantity_words(*value, unit.unwrap_or(Unit::Number)),
            Expr::Answer { question, slot } => match m.questions.get(*question as usize) {
                Some(q) => {
                    let answer = k.answers.get(*question as usize).copied().flatten();
                    let value = match (&q.kind, answer.map(|a| a.value)) {
                        (
                            QuestionKind::Choice { options, units, .. },
                            Some(super::AnswerValue::Choice(o)),
                        ) => options
                            .get(o as usize)
                            .and_then(|o| o.values.get(*slot as usize))
                            .zip(units.get(*slot as usize))
                            .map(|(v, u)| quantity_words(*v, *u)),
                        (
                            QuestionKind::Number { unit, .. },
                            Some(super::AnswerValue::Number(n)),
                        ) => Some(quantity_words(n, *unit)),
                        _ => None,
                    };
                    match value {
                        Some(v) => format!("{v} (your answer to “{}”)", q.text),
                        None => format!("your answer to “{}”", q.text),
                    }
                }
                None => "your answer".to_string(),
            },
            Expr::Parameter { parameter } => {
                let p = m.parameters.get(*parameter as usize);
                match (p, k.parameters.get(*parameter as usize).copied().flatten()) {
                    (Some(p), Some(v)) => quantity_words(v, p.unit),
                    (Some(p), None) => name_words(&p.id),
                    _ => "a figure of the policy".to_string(),
                }
            }
            Expr::Step { step } => self.step_ref(*step),
            Expr::PlanCost => match k.plan_cost {
                Some(c) => format!(
                    "the cost of your support plan, {}",
                    quantity_words(c, Unit::Money)
                ),
                None => "the cost of your support plan".to_string(),
            },
            Expr::Neg { value } => format!("minus {}", self.num(*value, unit, d)),
            Expr::Abs { value } => match m.exprs.get(*value as usize) {
                Some(Expr::Arith {
                    arith: ArithOp::Sub,
                    left,
                    right,
                }) => format!(
                    "the difference between {} and {}",
                    self.num(*left, unit, d),
                    self.num(*right, unit, d)
                ),
                _ => format!("the size of {}", self.num(*value, unit, d)),
            },
            Expr::Arith { arith, left, right } => {
                let (lu, ru) = (self.unit_of(*left), self.unit_of(*right));
                let (lh, rh) = match arith {
                    ArithOp::Add | ArithOp::Sub => (lu.or(ru).or(unit), lu.or(ru).or(unit)),
                    ArithOp::Mul | ArithOp::Div => (lu, ru),
                };
                let l = self.operand(*left, lh, *arith, d);
                let r = self.operand(*right, rh, *arith, d);
                let rate = |u: Option<Unit>| u.is_some_and(|u| u.rate_of().is_some());
                match arith {
                    ArithOp::Add => format!("{l} plus {r}"),
                    ArithOp::Sub => format!("{l} less {r}"),
                    ArithOp::Mul if rate(ru) => format!("{l} at {r}"),
                    ArithOp::Mul if rate(lu) => format!("{r} at {l}"),
                    ArithOp::Mul => format!("{l} times {r}"),
                    ArithOp::Div => format!("{l} divided by {r}"),
                }
            }
            Expr::PercentOf { percent, value } => {
                let mut of = self.num(*value, unit, d);
                if matches!(
                    m.exprs.get(*value as usize),
                    Some(Expr::Arith {
                        arith: ArithOp::Add | ArithOp::Sub,
                        ..
                    })
                ) {
                    of = format!("({of})");
                }
                let p = self.num(*percent, Some(Unit::Percent), d);
                format!("{p} of {of}")
            }
            // Sums among several figures are bracketed, as after `less`.
            Expr::Min { values } => format!(
                "the smaller of {}",
                crate::text::list_and(values.iter().map(|v| self.operand(
                    *v,
                    unit,
                    ArithOp::Sub,
                    d
                )))
            ),
            Expr::Max { values } => format!(
                "the larger of {}",
                crate::text::list_and(values.iter().map(|v| self.operand(
                    *v,
                    unit,
                    ArithOp::Sub,
                    d
                )))
            ),
            Expr::Count { conditions } => {
                format!(
                    "the number of these {} conditions that hold",
                    conditions.len()
                )
            }
            Expr::Round { value, rounding } => {
                let to = match rounding.to {
                    RoundTo::Penny => "penny",
                    RoundTo::Pound => "pound",
                };
                let how = match rounding.mode {
                    RoundMode::HalfUp => format!("to the nearest {to}"),
                    RoundMode::HalfEven => format!("to the nearest {to} (halves to the even {to})"),
                    RoundMode::Up => format!("up to the {to}"),
                    RoundMode::Down => format!("down to the {to}"),
                };
                format!("{}, rounded {how}", self.num(*value, unit, d))
            }
            Expr::Band { band, value } => {
                let b = m.bands.get(*band as usize);
                let name = b.map_or_else(String::new, |b| {
                    b.label
                        .as_deref()
                        .map_or_else(|| name_words(&b.id), lower_first)
                });
                match (b, k.bands.get(band)) {
                    (Some(b), Some((x, y))) => format!(
                        "{} (the {name} for {})",
                        quantity_words(*y, b.unit),
                        quantity_words(*x, b.on)
                    ),
                    _ => format!("the {name} for {}", self.num(*value, None, d)),
                }
            }
            Expr::Total { kind, terms } => {
                let weighted = terms.iter().any(|t| t.weight != Decimal::ONE);
                let mut domains: Vec<&str> = Vec::new();
                for t in terms {
                    let domain = m.questions.get(t.question as usize).and_then(|q| q.domain);
                    if let Some(d) = domain.and_then(|d| m.domains.get(d as usize)) {
                        if !domains.contains(&d.label.as_str()) {
                            domains.push(&d.label);
                        }
                    }
                }
                let within = if !domains.is_empty() && domains.len() < m.domains.len() {
                    format!(" in {}", crate::text::list_and(domains))
                } else {
                    String::new()
                };
                let what = format!(
                    "your total {}{}{within}",
                    if weighted { "weighted " } else { "" },
                    kind_words(*kind)
                );
                // A step that is only a total gives its value itself.
                match k.exprs.get(&e) {
                    Some(v) if depth > 0 => format!("{what}, {}", quantity_words(*v, kind.unit())),
                    _ => what,
                }
            }
            // A step that is only a choice: the line taken is its own entry.
            Expr::Choose { choices, otherwise } if depth == 0 => match k.branches.get(&e) {
                Some(Some(i)) => choices
                    .get(*i)
                    .map_or_else(|| "a choice".to_string(), |(_, v)| self.num(*v, unit, d)),
                Some(None) => self.num(*otherwise, unit, d),
                None => "a choice".to_string(),
            },
            Expr::Choose { choices, otherwise } => match k.branches.get(&e) {
                Some(Some(i)) => match choices.get(*i) {
                    Some((c, v)) => {
                        format!("{}, because {}", self.num(*v, unit, d), self.cond(*c, d))
                    }
                    None => "a choice".to_string(),
                },
                Some(None) => format!(
                    "{}, because no other line of the choice applied",
                    self.num(*otherwise, unit, d)
                ),
                None => "a choice".to_string(),
            },
            Expr::Bool { .. }
            | Expr::Flag { .. }
            | Expr::Compare { .. }
            | Expr::And { .. }
            | Expr::Or { .. }
            | Expr::Not { .. }
            | Expr::CodeIn { .. } => self.cond(e, d),
        }
    }

    /// An operand of `op`, in brackets when it is a sum inside a product.
    fn operand(&self, e: ExprId, unit: Option<Unit>, op: ArithOp, depth: u32) -> String {
        let text = self.num(e, unit, depth);
        let sum = matches!(
            self.m.exprs.get(e as usize),
            Some(Expr::Arith {
                arith: ArithOp::Add | ArithOp::Sub,
                ..
            })
        );
        if sum && matches!(op, ArithOp::Mul | ArithOp::Div | ArithOp::Sub) {
            format!("({text})")
        } else {
            text
        }
    }

    /// A step named in another's calculation: its figure, and the words the
    /// policy gives it.
    fn step_ref(&self, s: u32) -> String {
        let Some(step) = self.m.steps.get(s as usize) else {
            return "a step".to_string();
        };
        let value = self.known.steps.get(s as usize).copied().flatten();
        let words = match &step.kind {
            StepKind::Let { label: Some(label) } => label.clone(),
            StepKind::Let { label: None } => name_words(&step.id),
            StepKind::Deduction { reason, .. } => reason.clone(),
            StepKind::Output { label } => label.clone(),
        };
        match value {
            Some(v) => format!("{} ({words})", quantity_words(v, step.unit)),
            None => words,
        }
    }

    /// A condition in words.
    pub fn cond(&self, e: ExprId, depth: u32) -> String {
        if depth > DEEPEST {
            return "a condition".to_string();
        }
        let m = self.m;
        let d = depth + 1;
        let Some(expr) = m.exprs.get(e as usize) else {
            return "a condition".to_string();
        };
        match expr {
            Expr::Bool { value: true } => "always".to_string(),
            Expr::Bool { value: false } => "never".to_string(),
            Expr::Flag { flag } => match m.flags.get(*flag as usize) {
                Some(f) => format!("“{}” is raised", f.text),
                None => "a flag is raised".to_string(),
            },
            Expr::Not { value } => format!("it is not so that {}", self.cond(*value, d)),
            Expr::And { left, right } => {
                format!("{} and {}", self.cond(*left, d), self.cond(*right, d))
            }
            Expr::Or { left, right } => {
                format!("{} or {}", self.cond(*left, d), self.cond(*right, d))
            }
            Expr::Compare {
                compare,
                left,
                right,
            } => {
                let unit = self.unit_of(*left).or(self.unit_of(*right));
                let how = match compare {
                    CompareOp::Lt => "is less than",
                    CompareOp::Le => "is at most",
                    CompareOp::Gt => "is more than",
                    CompareOp::Ge => "is at least",
                    CompareOp::Eq => "is",
                    CompareOp::Ne => "is not",
                };
                let side = |x: ExprId| match m.exprs.get(x as usize) {
                    Some(Expr::Bool { .. } | Expr::Flag { .. } | Expr::CodeIn { .. }) => {
                        format!("whether {}", self.cond(x, d))
                    }
                    _ => self.num(x, unit, d),
                };
                format!("{} {how} {}", side(*left), side(*right))
            }
            Expr::CodeIn {
                subject,
                codes,
                negated,
            } => self.code_in(*subject, codes, *negated),
            _ => self.num(e, None, d),
        }
    }

    fn code_in(&self, subject: Subject, codes: &[u32], negated: bool) -> String {
        let m = self.m;
        let is = if negated { "is not" } else { "is" };
        let quoted = |labels: Vec<String>| {
            crate::text::list_or(labels.into_iter().map(|l| format!("“{l}”")))
        };
        match subject {
            Subject::Cohort => {
                let labels = codes
                    .iter()
                    .filter_map(|c| m.cohorts.get(*c as usize))
                    .map(|c| c.label.clone())
                    .collect();
                format!("your client group {is} {}", quoted(labels))
            }
            Subject::Attribute(a) => match m.attributes.get(a as usize) {
                Some(attr) => {
                    let labels = codes
                        .iter()
                        .filter_map(|c| attr.values.get(*c as usize))
                        .map(|v| v.label.clone())
                        .collect();
                    format!("“{}” {is} {}", attr.label, quoted(labels))
                }
                None => "a fact about your case".to_string(),
            },
            Subject::Question(q) => match m.questions.get(q as usize) {
                Some(question) => match &question.kind {
                    QuestionKind::Choice { options, .. } => {
                        // A test that held reads best as the answer given.
                        let given = self.known.answers.get(q as usize).copied().flatten();
                        if let Some(super::AnswerValue::Choice(o)) = given.map(|a| a.value) {
                            if !negated && codes.contains(&o) {
                                if let Some(opt) = options.get(o as usize) {
                                    return format!(
                                        "your answer to “{}” is “{}”",
                                        question.text, opt.text
                                    );
                                }
                            }
                        }
                        let labels = codes
                            .iter()
                            .filter_map(|c| options.get(*c as usize))
                            .map(|o| o.text.clone())
                            .collect();
                        format!("your answer to “{}” {is} {}", question.text, quoted(labels))
                    }
                    QuestionKind::YesNo { .. } => {
                        let yes = codes.contains(&1) != negated;
                        let no = codes.contains(&0) != negated;
                        let answer = match (yes, no) {
                            (true, false) => "yes",
                            (false, true) => "no",
                            (true, true) => "yes or no",
                            (false, false) => "neither yes nor no",
                        };
                        format!("you answered {answer} to “{}”", question.text)
                    }
                    QuestionKind::Number { .. } => {
                        format!("your answer to “{}”", question.text)
                    }
                },
                None => "an answer".to_string(),
            },
        }
    }
}

fn kind_words(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Points => "points",
        ValueKind::Hours => "hours",
        ValueKind::Sessions => "sessions",
        ValueKind::Nights => "nights",
        ValueKind::Money => "money",
    }
}

/// `Share of the package` -> `share of the package`, to go inside a sentence;
/// a label that starts with a name (`NHS …`) keeps its capitals.
pub fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}
