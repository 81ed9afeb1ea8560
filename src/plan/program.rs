//! The evaluator's program: the plan's expressions resolved into dense nodes
//! and tables, built once when a plan is made (compiled or read from JSON,
//! never serialised) so that evaluating a case does no string look-up and no
//! allocation per step.
//!
//! `nodes[i]` is expression `i` of the model. Node kinds are specialised by
//! type (numbers and conditions are evaluated by separate functions) and carry
//! what they need directly: a rounding's decimal places and strategy, a code
//! test's set as a bit mask, a total's pre-multiplied option values.

use super::codes::CodeTable;
use super::fixed::Lane;
use super::{PlanError, Ty};
use crate::eval::StepBounds;
use crate::model::{
    ArithOp, BandTable, CompareOp, Expr, Model, ParameterKey, QuestionKind, Subject, TotalTerm,
};
use crate::vocabulary::{RoundMode, RoundTo};
use rust_decimal::{Decimal, RoundingStrategy};

/// A range of the shared child list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u32,
    pub len: u32,
}

/// One resolved expression node. Ids are node ids (= model expression ids).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Const(Decimal),
    Bool(bool),
    /// Value `slot` of the chosen option of a choice question.
    Choice {
        question: u32,
        slot: u32,
    },
    /// A number answer.
    NumberAnswer {
        question: u32,
    },
    Parameter(u32),
    Step(u32),
    /// A flag read in an expression: its condition, evaluated in place.
    Flag {
        condition: u32,
    },
    PlanCost,
    Neg(u32),
    Abs(u32),
    Not(u32),
    Arith(ArithOp, u32, u32),
    PercentOf {
        percent: u32,
        value: u32,
    },
    Compare(CompareOp, u32, u32),
    CompareBool {
        equal: bool,
        left: u32,
        right: u32,
    },
    And(u32, u32),
    Or(u32, u32),
    Min(Span),
    Max(Span),
    Count(Span),
    Round {
        value: u32,
        places: u32,
        strategy: RoundingStrategy,
    },
    Band {
        band: u32,
        value: u32,
    },
    Total(u32),
    /// A code test: `set` indexes [`Program::code_sets`].
    CodeIn {
        subject: Subject,
        set: u32,
        negated: bool,
    },
    /// `pairs` holds condition, value, condition, value…
    Choose {
        pairs: Span,
        otherwise: u32,
    },
}

/// Which codes a code test accepts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CodeSet {
    Mask(u64),
    Table(Vec<bool>),
}

impl CodeSet {
    #[inline]
    pub(crate) fn contains(&self, code: u32) -> bool {
        match self {
            CodeSet::Mask(m) => code < 64 && (m >> code) & 1 == 1,
            CodeSet::Table(t) => t.get(code as usize).copied().unwrap_or(false),
        }
    }
}

/// A question's place in the option value table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuestionTable {
    /// Where its first option's values start in [`Program::option_values`].
    pub base: u32,
    /// Values per option (its number of units).
    pub stride: u32,
    /// How many options it has.
    pub options: u32,
}

/// A parameter's schedule with its values in [`Program::param_values`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParamTable {
    pub key: ParameterKey,
    /// True when some value has a date, so reading it needs the case's date.
    pub dated: bool,
    /// (from, base) per schedule entry, in date order.
    pub entries: Vec<(Option<crate::date::Date>, u32)>,
}

/// A total, with each option's value already multiplied by its weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TotalTable {
    pub terms: Vec<TermTable>,
    /// The same as whole numbers at one scale, when they fit: adding `i64`s is
    /// exact and far faster than general decimal addition.
    pub fast: Option<FastTotal>,
}

/// One term of a total.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TermTable {
    pub question: u32,
    pub slot: u32,
    pub kind: TermKind,
}

/// What one term adds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TermKind {
    /// weight x value of each option, multiplied in advance.
    Choice(Vec<Decimal>),
    /// weight x the answer's value, multiplied per case: number answers, and
    /// option values whose product overflows (an error only for cases that
    /// choose them).
    Weighted(Decimal),
}

/// A total as scaled integers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FastTotal {
    pub scale: u32,
    /// Per term: (question, start in `values`, option count).
    pub terms: Vec<(u32, u32, u32)>,
    pub values: Vec<i64>,
}

/// Everything evaluation needs, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub nodes: Vec<Node>,
    pub kids: Vec<u32>,
    pub code_sets: Vec<CodeSet>,
    pub questions: Vec<QuestionTable>,
    pub option_values: Vec<Decimal>,
    pub params: Vec<ParamTable>,
    pub param_values: Vec<Decimal>,
    pub totals: Vec<TotalTable>,
    /// Per band table, its step bounds as integers (when it has steps that fit).
    pub step_bounds: Vec<Option<StepBounds>>,
    pub cohort_codes: CodeTable,
    pub attribute_codes: Vec<CodeTable>,
    pub question_codes: Vec<CodeTable>,
    /// The fixed-point lane: which steps and conditions run on `i64`s.
    pub lane: Lane,
}

fn bad(message: &str) -> PlanError {
    PlanError::Invalid(message.to_string())
}

/// Decimal places and strategy of a rounding rule.
pub(crate) fn rounding(to: RoundTo, mode: RoundMode) -> (u32, RoundingStrategy) {
    let places = match to {
        RoundTo::Penny => 2,
        RoundTo::Pound => 0,
    };
    let strategy = match mode {
        RoundMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundMode::Up => RoundingStrategy::AwayFromZero,
        RoundMode::Down => RoundingStrategy::ToZero,
    };
    (places, strategy)
}

impl Program {
    /// Resolves a model that has passed validation; `types` is the type of
    /// each expression, as validation found it, and `order` the steps in
    /// evaluation order.
    pub(crate) fn build(m: &Model, types: &[Ty], order: &[u32]) -> Result<Program, PlanError> {
        let mut p = Program {
            nodes: Vec::with_capacity(m.exprs.len()),
            kids: Vec::new(),
            code_sets: Vec::new(),
            questions: Vec::new(),
            option_values: Vec::new(),
            params: Vec::new(),
            param_values: Vec::new(),
            totals: Vec::new(),
            step_bounds: m
                .bands
                .iter()
                .map(|b| match &b.table {
                    BandTable::Steps { rows } => StepBounds::new(rows),
                    BandTable::Interpolate { .. } => None,
                })
                .collect(),
            cohort_codes: CodeTable::new(m.cohorts.iter().map(|c| c.id.as_str())),
            attribute_codes: m
                .attributes
                .iter()
                .map(|a| CodeTable::new(a.values.iter().map(|v| v.code.as_str())))
                .collect(),
            question_codes: Vec::new(),
            lane: Lane::default(),
        };
        p.question_tables(m);
        p.param_tables(m);
        for expr in &m.exprs {
            let node = p.node(m, types, expr)?;
            p.nodes.push(node);
        }
        p.lane = Lane::build(m, &p, order);
        Ok(p)
    }

    fn question_tables(&mut self, m: &Model) {
        for q in &m.questions {
            let (codes, table) = match &q.kind {
                QuestionKind::Choice { options, units, .. } => {
                    let base = self.option_values.len() as u32;
                    for o in options {
                        self.option_values.extend(o.values.iter().copied());
                    }
                    let table = QuestionTable {
                        base,
                        stride: units.len() as u32,
                        options: options.len() as u32,
                    };
                    (
                        CodeTable::new(options.iter().map(|o| o.code.as_str())),
                        table,
                    )
                }
                QuestionKind::YesNo { .. } => {
                    (CodeTable::new(["no", "yes"].into_iter()), empty_question())
                }
                QuestionKind::Number { .. } => (CodeTable::default(), empty_question()),
            };
            self.question_codes.push(codes);
            self.questions.push(table);
        }
    }

    fn param_tables(&mut self, m: &Model) {
        for param in &m.parameters {
            let mut entries = Vec::with_capacity(param.schedule.len());
            for entry in &param.schedule {
                entries.push((entry.from, self.param_values.len() as u32));
                self.param_values.extend(entry.values.iter().copied());
            }
            self.params.push(ParamTable {
                key: param.key,
                dated: param.schedule.iter().any(|e| e.from.is_some()),
                entries,
            });
        }
    }

    fn span(&mut self, ids: impl Iterator<Item = u32>) -> Span {
        let start = self.kids.len() as u32;
        self.kids.extend(ids);
        Span {
            start,
            len: self.kids.len() as u32 - start,
        }
    }

    fn node(&mut self, m: &Model, types: &[Ty], expr: &Expr) -> Result<Node, PlanError> {
        Ok(match expr {
            Expr::Number { value } => Node::Const(*value),
            Expr::Bool { value } => Node::Bool(*value),
            Expr::Answer { question, slot } => {
                match m.questions.get(*question as usize).map(|q| &q.kind) {
                    Some(QuestionKind::Number { .. }) => Node::NumberAnswer {
                        question: *question,
                    },
                    _ => Node::Choice {
                        question: *question,
                        slot: *slot,
                    },
                }
            }
            Expr::Parameter { parameter } => Node::Parameter(*parameter),
            Expr::Step { step } => Node::Step(*step),
            Expr::Flag { flag } => Node::Flag {
                condition: m
                    .flags
                    .get(*flag as usize)
                    .map(|f| f.when)
                    .ok_or_else(|| bad("flag out of range"))?,
            },
            Expr::PlanCost => Node::PlanCost,
            Expr::Neg { value } => Node::Neg(*value),
            Expr::Not { value } => Node::Not(*value),
            Expr::Abs { value } => Node::Abs(*value),
            Expr::Arith { arith, left, right } => Node::Arith(*arith, *left, *right),
            Expr::PercentOf { percent, value } => Node::PercentOf {
                percent: *percent,
                value: *value,
            },
            Expr::Compare {
                compare,
                left,
                right,
            } => match types.get(*left as usize) {
                Some(Ty::Bool) => Node::CompareBool {
                    equal: *compare == CompareOp::Eq,
                    left: *left,
                    right: *right,
                },
                _ => Node::Compare(*compare, *left, *right),
            },
            Expr::And { left, right } => Node::And(*left, *right),
            Expr::Or { left, right } => Node::Or(*left, *right),
            Expr::Min { values } => Node::Min(self.span(values.iter().copied())),
            Expr::Max { values } => Node::Max(self.span(values.iter().copied())),
            Expr::Count { conditions } => Node::Count(self.span(conditions.iter().copied())),
            Expr::Round { value, rounding: r } => {
                let (places, strategy) = rounding(r.to, r.mode);
                Node::Round {
                    value: *value,
                    places,
                    strategy,
                }
            }
            Expr::Band { band, value } => Node::Band {
                band: *band,
                value: *value,
            },
            Expr::Total { terms, .. } => {
                self.totals.push(total_table(m, terms));
                Node::Total(self.totals.len() as u32 - 1)
            }
            Expr::CodeIn {
                subject,
                codes,
                negated,
            } => {
                let set = if codes.iter().all(|c| *c < 64) {
                    CodeSet::Mask(codes.iter().fold(0u64, |m, c| m | (1u64 << c)))
                } else {
                    let max = codes.iter().copied().max().unwrap_or(0) as usize;
                    let mut table = vec![false; max + 1];
                    for c in codes {
                        if let Some(slot) = table.get_mut(*c as usize) {
                            *slot = true;
                        }
                    }
                    CodeSet::Table(table)
                };
                self.code_sets.push(set);
                Node::CodeIn {
                    subject: *subject,
                    set: self.code_sets.len() as u32 - 1,
                    negated: *negated,
                }
            }
            Expr::Choose { choices, otherwise } => Node::Choose {
                pairs: self.span(choices.iter().flat_map(|(c, v)| [*c, *v])),
                otherwise: *otherwise,
            },
        })
    }
}

fn empty_question() -> QuestionTable {
    QuestionTable {
        base: 0,
        stride: 0,
        options: 0,
    }
}

/// The weighted values of a total's terms.
fn total_table(m: &Model, terms: &[TotalTerm]) -> TotalTable {
    let mut out = Vec::with_capacity(terms.len());
    for t in terms {
        let products = match m.questions.get(t.question as usize).map(|q| &q.kind) {
            Some(QuestionKind::Choice { options, .. }) => options
                .iter()
                .map(|o| o.values.get(t.slot as usize)?.checked_mul(t.weight))
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        out.push(TermTable {
            question: t.question,
            slot: t.slot,
            kind: products.map_or(TermKind::Weighted(t.weight), TermKind::Choice),
        });
    }
    let fast = fast_total(&out);
    TotalTable { terms: out, fast }
}

/// The terms as `i64` multiples of 10^-scale, when every term is a choice and
/// every value fits.
fn fast_total(terms: &[TermTable]) -> Option<FastTotal> {
    let mut all = Vec::new();
    for t in terms {
        match &t.kind {
            TermKind::Choice(values) => all.extend(values.iter().copied()),
            TermKind::Weighted(_) => return None,
        }
    }
    let scale = all.iter().map(|d| d.scale()).max().unwrap_or(0);
    if terms.len() >= 1 << 11 {
        return None;
    }
    let mut fast = FastTotal {
        scale,
        terms: Vec::with_capacity(terms.len()),
        values: Vec::with_capacity(all.len()),
    };
    for t in terms {
        let TermKind::Choice(values) = &t.kind else {
            return None;
        };
        fast.terms
            .push((t.question, fast.values.len() as u32, values.len() as u32));
        for v in values {
            let up = 10i128.checked_pow(scale - v.scale())?;
            let mantissa = v.mantissa().checked_mul(up)?;
            // Keep well inside i64 so that summing even thousands of terms in
            // i128 cannot come near Decimal's 96-bit limit unnoticed.
            let small = i64::try_from(mantissa)
                .ok()
                .filter(|x| x.unsigned_abs() < (1u64 << 52))?;
            fast.values.push(small);
        }
    }
    Some(fast)
}

#[cfg(test)]
mod tests {
    use super::Node;

    /// Nodes are read for every expression of every case: keep them small.
    #[test]
    fn node_size_is_pinned() {
        assert_eq!(std::mem::size_of::<Node>(), 20);
    }
}
