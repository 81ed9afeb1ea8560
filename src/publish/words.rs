//! Calculations and conditions of the checked model in words: `gross less
//! contingency`, `the larger of … and 0 h`, `the answer to q01 is 3 or 4`.
//!
//! A number written in a rule file keeps its value in the model but not its
//! unit, so the unit a figure is printed with comes from where it stands:
//! beside a step, a parameter or an answer it takes their unit; before `of` it
//! is a percentage; as a multiplier it is a plain number.

use super::document::Text;
use crate::eval::format_quantity;
use crate::model::{
    ArithOp, CompareOp, Expr, ExprId, Model, QuestionKind, Rounding, Subject, TotalTerm,
};
use crate::units::Unit;
use crate::vocabulary::{RoundMode, RoundTo, ValueKind};
use rust_decimal::Decimal;

/// Writes the model's expressions in words.
pub struct Words<'m> {
    model: &'m Model,
}

/// How tightly an expression binds, so nested ones are bracketed as the
/// formula would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Binding {
    Or,
    And,
    Compare,
    Sum,
    Product,
    Atom,
}

impl<'m> Words<'m> {
    /// Words for this model.
    pub fn new(model: &'m Model) -> Words<'m> {
        Words { model }
    }

    /// A calculation whose value has `unit`.
    pub fn value(&self, id: ExprId, unit: Unit) -> Text {
        self.expr(id, Some(unit), Binding::Or)
    }

    /// A condition.
    pub fn condition(&self, id: ExprId) -> Text {
        self.expr(id, None, Binding::Or)
    }

    /// A parameter as the document names it: its label, first letter lowered
    /// unless the label starts with an abbreviation (`NHS …`).
    pub fn parameter_name(&self, parameter: u32) -> Text {
        match self.model.parameters.get(parameter as usize) {
            // A label with a comma does not read as a noun in a sentence
            // (`the home care, per hour`): it is quoted after what it is.
            Some(p) => match &p.label {
                Some(label) if label.contains(',') => {
                    Text::words(format!("the {} “{label}”", unit_noun(p.unit)))
                }
                Some(label) => Text::words(format!("the {}", lower_first(label))),
                None => Text::code(p.id.clone()),
            },
            None => Text::words("a parameter"),
        }
    }

    fn node(&self, id: ExprId) -> Option<&'m Expr> {
        self.model.exprs.get(id as usize)
    }

    /// The unit of an expression when it does not depend on where it stands.
    fn unit_of(&self, id: ExprId) -> Option<Unit> {
        let m = self.model;
        match self.node(id)? {
            Expr::Answer { question, slot } => match &m.questions.get(*question as usize)?.kind {
                QuestionKind::Choice { units, .. } => units.get(*slot as usize).copied(),
                QuestionKind::Number { unit, .. } => Some(*unit),
                QuestionKind::YesNo { .. } => None,
            },
            Expr::Parameter { parameter } => m.parameters.get(*parameter as usize).map(|p| p.unit),
            Expr::Step { step } => m.steps.get(*step as usize).map(|s| s.unit),
            Expr::PlanCost => Some(Unit::Money),
            Expr::Band { band, .. } => m.bands.get(*band as usize).map(|b| b.unit),
            Expr::Total { kind, .. } => Some(kind.unit()),
            Expr::Count { .. } => Some(Unit::Number),
            Expr::Neg { value } | Expr::Abs { value } | Expr::Round { value, .. } => {
                self.unit_of(*value)
            }
            Expr::PercentOf { value, .. } => self.unit_of(*value),
            Expr::Arith { arith, left, right } => {
                let (a, b) = (self.unit_of(*left), self.unit_of(*right));
                match arith {
                    ArithOp::Add | ArithOp::Sub => a.or(b),
                    ArithOp::Mul => a?.times(b.unwrap_or(Unit::Number)),
                    ArithOp::Div => a?.divided_by(b.unwrap_or(Unit::Number)),
                }
            }
            Expr::Min { values } | Expr::Max { values } => {
                values.iter().find_map(|v| self.unit_of(*v))
            }
            Expr::Choose { choices, otherwise } => choices
                .iter()
                .map(|(_, v)| *v)
                .chain([*otherwise])
                .find_map(|v| self.unit_of(v)),
            _ => None,
        }
    }

    fn expr(&self, id: ExprId, unit: Option<Unit>, outer: Binding) -> Text {
        let (text, binding) = self.bare(id, unit);
        if binding < outer {
            let mut t = Text::words("(");
            t.append(text).push(")");
            t
        } else {
            text
        }
    }

    /// The words of an expression and how tightly they bind.
    fn bare(&self, id: ExprId, unit: Option<Unit>) -> (Text, Binding) {
        let m = self.model;
        let Some(expr) = self.node(id) else {
            return (Text::words("?"), Binding::Atom);
        };
        match expr {
            Expr::Number { value } => (figure(*value, unit), Binding::Atom),
            Expr::Bool { value } => (
                Text::words(if *value { "true" } else { "false" }),
                Binding::Atom,
            ),
            Expr::Answer { question, slot } => (self.answer(*question, *slot), Binding::Atom),
            Expr::Parameter { parameter } => (self.parameter_name(*parameter), Binding::Atom),
            Expr::Step { step } => match m.steps.get(*step as usize) {
                Some(s) => (Text::code(s.id.clone()), Binding::Atom),
                None => (Text::words("a step"), Binding::Atom),
            },
            Expr::Flag { flag } => {
                let mut t = Text::words("the flag ");
                if let Some(f) = m.flags.get(*flag as usize) {
                    t.push_code(f.id.clone());
                }
                t.push(" is raised");
                (t, Binding::Compare)
            }
            Expr::PlanCost => (
                Text::words("the weekly cost of the costed support plan"),
                Binding::Atom,
            ),
            Expr::Neg { value } => {
                let mut t = Text::words("minus ");
                t.append(self.expr(*value, unit, Binding::Atom));
                (t, Binding::Atom)
            }
            Expr::Not { value } => {
                let mut t = Text::words("it is not so that ");
                t.append(self.expr(*value, None, Binding::Atom));
                (t, Binding::Compare)
            }
            Expr::Arith { arith, left, right } => self.arith(*arith, *left, *right, unit),
            Expr::PercentOf { percent, value } => {
                let mut t = self.expr(*percent, Some(Unit::Percent), Binding::Atom);
                t.push(" of ");
                t.append(self.expr(*value, unit, Binding::Product));
                (t, Binding::Product)
            }
            Expr::Compare {
                compare,
                left,
                right,
            } => {
                let u = self.unit_of(*left).or_else(|| self.unit_of(*right));
                let mut t = self.expr(*left, u, Binding::Sum);
                t.push(match compare {
                    CompareOp::Lt => " is less than ",
                    CompareOp::Le => " is at most ",
                    CompareOp::Gt => " is more than ",
                    CompareOp::Ge => " is at least ",
                    CompareOp::Eq => " is ",
                    CompareOp::Ne => " is not ",
                });
                t.append(self.expr(*right, u, Binding::Sum));
                (t, Binding::Compare)
            }
            Expr::And { left, right } => {
                let mut t = self.expr(*left, None, Binding::And);
                t.push(" and ");
                t.append(self.expr(*right, None, Binding::And));
                (t, Binding::And)
            }
            Expr::Or { left, right } => {
                // `a and b or c` is bracketed in words, which have no
                // precedence a reader can rely on.
                let side = |e: ExprId| {
                    if matches!(self.node(e), Some(Expr::And { .. })) {
                        Binding::Compare
                    } else {
                        Binding::Or
                    }
                };
                let mut t = self.expr(*left, None, side(*left));
                t.push(" or ");
                t.append(self.expr(*right, None, side(*right)));
                (t, Binding::Or)
            }
            Expr::Min { values } => (self.extreme(values, unit, false), Binding::Atom),
            Expr::Max { values } => (self.extreme(values, unit, true), Binding::Atom),
            Expr::Abs { value } => (self.size(*value, unit), Binding::Atom),
            Expr::Count { conditions } => {
                let mut t = Text::words("how many of these hold: ");
                for (i, c) in conditions.iter().enumerate() {
                    if i > 0 {
                        t.push("; ");
                    }
                    t.append(self.expr(*c, None, Binding::And));
                }
                (t, Binding::Atom)
            }
            Expr::Round { value, rounding } => {
                let mut t = self.expr(*value, unit, Binding::Sum);
                t.push(", ").push(rounding_words(*rounding));
                (t, Binding::Sum)
            }
            Expr::Band { band, value } => {
                let Some(b) = m.bands.get(*band as usize) else {
                    return (Text::words("a band"), Binding::Atom);
                };
                let mut t = match &b.label {
                    Some(label) => Text::words(format!("the {}", lower_first(label))),
                    None => Text::code(b.id.clone()),
                };
                t.push(" for ");
                t.append(self.expr(*value, Some(b.on), Binding::Product));
                t.push(" (table ").push_code(b.id.clone()).push(")");
                (t, Binding::Atom)
            }
            Expr::Total { kind, terms } => (self.total(*kind, terms), Binding::Atom),
            Expr::CodeIn {
                subject,
                codes,
                negated,
            } => (self.code_in(*subject, codes, *negated), Binding::Compare),
            Expr::Choose { choices, otherwise } => {
                let mut t = Text::default();
                for (condition, value) in choices {
                    t.append(self.expr(*value, unit, Binding::Sum));
                    t.push(" when ");
                    t.append(self.expr(*condition, None, Binding::And));
                    t.push("; ");
                }
                t.push("otherwise ");
                t.append(self.expr(*otherwise, unit, Binding::Sum));
                (t, Binding::Or)
            }
        }
    }

    fn arith(
        &self,
        arith: ArithOp,
        left: ExprId,
        right: ExprId,
        unit: Option<Unit>,
    ) -> (Text, Binding) {
        let (lu, ru) = (self.unit_of(left), self.unit_of(right));
        let (left_unit, right_unit, word, binding) = match arith {
            ArithOp::Add => (
                lu.or(ru).or(unit),
                ru.or(lu).or(unit),
                " plus ",
                Binding::Sum,
            ),
            ArithOp::Sub => (
                lu.or(ru).or(unit),
                ru.or(lu).or(unit),
                " less ",
                Binding::Sum,
            ),
            // A figure beside a quantity in a product scales it: a plain number.
            ArithOp::Mul => (
                lu.or(ru.map(|_| Unit::Number)),
                ru.or(lu.map(|_| Unit::Number)),
                " times ",
                Binding::Product,
            ),
            ArithOp::Div => (
                lu.or(unit),
                ru.or(Some(Unit::Number)),
                " divided by ",
                Binding::Product,
            ),
        };
        let mut t = self.expr(left, left_unit, binding);
        t.push(word);
        // The right of `less` and `divided by` is bracketed at the same
        // binding, as `a - (b - c)` is written.
        let right_binding = match arith {
            ArithOp::Sub => Binding::Product,
            ArithOp::Div => Binding::Atom,
            _ => binding,
        };
        t.append(self.expr(right, right_unit, right_binding));
        (t, binding)
    }

    /// `the smaller of a and b`; `max(x, 0 h)` as `x, but never less than 0 h`.
    fn extreme(&self, values: &[ExprId], unit: Option<Unit>, larger: bool) -> Text {
        let unit = unit.or_else(|| values.iter().find_map(|v| self.unit_of(*v)));
        if let [value, floor] = values {
            if matches!(self.node(*floor), Some(Expr::Number { .. })) {
                let mut t = self.expr(*value, unit, Binding::Sum);
                t.push(if larger {
                    ", but never less than "
                } else {
                    ", but never more than "
                });
                t.append(self.expr(*floor, unit, Binding::Atom));
                return t;
            }
        }
        let mut t = Text::words(match (larger, values.len()) {
            (true, 2) => "the larger of ",
            (false, 2) => "the smaller of ",
            (true, _) => "the largest of ",
            (false, _) => "the smallest of ",
        });
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                t.push(if i + 1 == values.len() { " and " } else { ", " });
            }
            t.append(self.expr(*v, unit, Binding::Sum));
        }
        t
    }

    /// `abs(a - b)` as `the difference between a and b`.
    fn size(&self, value: ExprId, unit: Option<Unit>) -> Text {
        if let Some(Expr::Arith {
            arith: ArithOp::Sub,
            left,
            right,
        }) = self.node(value)
        {
            let u = self
                .unit_of(*left)
                .or_else(|| self.unit_of(*right))
                .or(unit);
            let mut t = Text::words("the difference between ");
            t.append(self.expr(*left, u, Binding::Sum));
            t.push(" and ");
            t.append(self.expr(*right, u, Binding::Sum));
            return t;
        }
        let mut t = Text::words("the size of ");
        t.append(self.expr(value, unit, Binding::Atom));
        t.push(" (ignoring its sign)");
        t
    }

    fn answer(&self, question: u32, slot: u32) -> Text {
        let Some(q) = self.model.questions.get(question as usize) else {
            return Text::words("an answer");
        };
        match &q.kind {
            QuestionKind::Choice { units, .. } => {
                let what = units.get(slot as usize).map_or("value", |u| unit_noun(*u));
                let mut t = Text::words(format!("the {what} for the answer to "));
                t.push_code(q.id.clone());
                t
            }
            _ => {
                let mut t = Text::words("the answer to ");
                t.push_code(q.id.clone());
                t
            }
        }
    }

    /// `the points of every answer, each times its domain's weight`, or of
    /// the answers in some domains, or of some questions.
    fn total(&self, kind: ValueKind, terms: &[TotalTerm]) -> Text {
        let m = self.model;
        let unit = kind.unit();
        let noun = unit_noun(unit);
        let carrying: Vec<u32> = (0..m.questions.len() as u32)
            .filter(|q| carries(m, *q, unit))
            .collect();
        let mut questions: Vec<u32> = terms.iter().map(|t| t.question).collect();
        questions.sort_unstable();
        questions.dedup();
        let weighted = terms.iter().any(|t| t.weight != Decimal::ONE);
        let mut t = Text::words(format!("the total of the {noun} of "));
        if questions == carrying {
            t.push("every answer");
        } else if let Some(domains) = whole_domains(m, &questions, unit) {
            t.push("the answers in ");
            let names: Vec<String> = domains
                .iter()
                .filter_map(|d| m.domains.get(*d as usize))
                .map(|d| d.label.clone())
                .collect();
            t.push(join_and(&names));
        } else {
            t.push("the answers to ");
            for (i, q) in questions.iter().enumerate() {
                if i > 0 {
                    t.push(if i + 1 == questions.len() {
                        " and "
                    } else {
                        ", "
                    });
                }
                if let Some(question) = m.questions.get(*q as usize) {
                    t.push_code(question.id.clone());
                }
            }
        }
        if weighted {
            t.push(", each multiplied by the weight of its domain");
        }
        t
    }

    fn code_in(&self, subject: Subject, codes: &[u32], negated: bool) -> Text {
        let m = self.model;
        let (mut t, names): (Text, Vec<Text>) = match subject {
            Subject::Question(q) => {
                let Some(question) = m.questions.get(q as usize) else {
                    return Text::words("an answer");
                };
                let mut t = Text::words("the answer to ");
                t.push_code(question.id.clone());
                let names = match &question.kind {
                    QuestionKind::Choice { options, .. } => codes
                        .iter()
                        .filter_map(|c| options.get(*c as usize))
                        .map(|o| Text::code(o.code.clone()))
                        .collect(),
                    _ => codes
                        .iter()
                        .map(|c| Text::words(if *c == 1 { "yes" } else { "no" }))
                        .collect(),
                };
                (t, names)
            }
            Subject::Cohort => (
                Text::words("the cohort"),
                codes
                    .iter()
                    .filter_map(|c| m.cohorts.get(*c as usize))
                    .map(|c| Text::words(c.label.clone()))
                    .collect(),
            ),
            Subject::Attribute(a) => match m.attributes.get(a as usize) {
                Some(attribute) => (
                    Text::words(format!("“{}”", attribute.label)),
                    codes
                        .iter()
                        .filter_map(|c| attribute.values.get(*c as usize))
                        .map(|v| Text::words(v.label.clone()))
                        .collect(),
                ),
                None => (Text::words("an attribute"), vec![]),
            },
        };
        t.push(if negated { " is not " } else { " is " });
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                t.push(if i + 1 == names.len() { " or " } else { ", " });
            }
            t.append(name.clone());
        }
        t
    }
}

/// Whether question `q` has a value of `unit` to add up.
fn carries(m: &Model, q: u32, unit: Unit) -> bool {
    match m.questions.get(q as usize).map(|q| &q.kind) {
        Some(QuestionKind::Choice { units, .. }) => units.contains(&unit),
        _ => false,
    }
}

/// The domains whose value-carrying questions are exactly `questions`, when
/// every one of them has a domain.
fn whole_domains(m: &Model, questions: &[u32], unit: Unit) -> Option<Vec<u32>> {
    let mut domains: Vec<u32> = questions
        .iter()
        .map(|q| m.questions.get(*q as usize).and_then(|q| q.domain))
        .collect::<Option<Vec<u32>>>()?;
    domains.sort_unstable();
    domains.dedup();
    let covered: Vec<u32> = (0..m.questions.len() as u32)
        .filter(|q| carries(m, *q, unit))
        .filter(|q| {
            m.questions
                .get(*q as usize)
                .and_then(|q| q.domain)
                .is_some_and(|d| domains.contains(&d))
        })
        .collect();
    (covered == questions).then_some(domains)
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_and(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", crate::text::list(rest)),
    }
}

/// A figure with the unit it stands for (see the module documentation).
pub fn figure(value: Decimal, unit: Option<Unit>) -> Text {
    Text::words(format_quantity(value, unit.unwrap_or(Unit::Number)))
}

/// What a value of the unit is called in a sentence.
pub fn unit_noun(unit: Unit) -> &'static str {
    match unit {
        Unit::Points => "points",
        Unit::Hours => "hours",
        Unit::Sessions => "sessions",
        Unit::Nights => "nights",
        Unit::Money => "amount",
        Unit::Percent => "percentage",
        Unit::Number => "number",
        Unit::MoneyPerPoint | Unit::MoneyPerHour | Unit::MoneyPerSession | Unit::MoneyPerNight => {
            "rate"
        }
    }
}

/// `rounded to the nearest penny`, as the policy's rounding rule says.
pub fn rounding_words(rounding: Rounding) -> String {
    let to = match rounding.to {
        RoundTo::Penny => "penny",
        RoundTo::Pound => "pound",
    };
    match rounding.mode {
        RoundMode::HalfUp => format!("rounded to the nearest {to} (a half {to} goes up)"),
        RoundMode::HalfEven => {
            format!("rounded to the nearest {to} (a half {to} goes to the even {to})")
        }
        RoundMode::Up => format!("rounded up to the {to}"),
        RoundMode::Down => format!("rounded down to the {to}"),
    }
}

/// `Price per point` -> `price per point`; `NHS rate` stays as it is.
pub fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            let mut out: String = first.to_lowercase().collect();
            out.push_str(&label[first.len_utf8()..]);
            out
        }
        _ => label.to_string(),
    }
}
