//! The trace: an ordered record of what a case's evaluation read and decided,
//! each entry with the rule-file line it comes from. `ras explain` renders it as
//! plain English and an appeal cites it.
//!
//! Evaluation reports events to a [`Tracer`]; [`NoTrace`] ignores them (the
//! fast path) and [`Recorder`] turns them into [`TraceEntry`] values.

mod words;

use super::expr::BandHit;
use super::input::{Answer, AnswerValue, CaseInput};
use super::result::{format_value, ParameterUsed, Quantity};
use crate::date::Date;
use crate::model::{
    BandTable, Expr, Line, Model, ParameterKey, QuestionKind, ReasonPart, Requirement, StepKind,
};
use crate::units::Unit;
use crate::vocabulary::CheckAction;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
pub use words::{lower_first, name_words, quantity_words};
use words::{Known, Words};

/// Receives evaluation events. Every method defaults to doing nothing.
pub(crate) trait Tracer {
    /// False for [`NoTrace`], so callers can skip building event data.
    const ON: bool;
    fn answer(&mut self, _q: u32, _a: &Answer) {}
    /// Parameter `p` read from schedule entry `entry`, for cohort or
    /// attribute value `key` (0 for a parameter by nothing).
    fn parameter(&mut self, _p: u32, _entry: u32, _key: u32, _value: Decimal) {}
    fn band(&mut self, _b: u32, _x: Decimal, _hit: BandHit, _value: Decimal) {}
    fn cohort(&mut self, _c: u32) {}
    fn step(&mut self, _s: u32, _value: Decimal, _applied: Option<bool>) {}
    fn check(&mut self, _c: u32, _triggered: bool) {}
    fn requirement(&mut self, _r: u32, _held: bool, _steps: &[Decimal]) {}
    fn flag(&mut self, _f: u32, _raised: bool) {}
    fn route(&mut self, _rule: Option<u32>, _plan_cost: Option<Decimal>) {}
    /// The case's value of attribute `a` (`None` when not given).
    fn attribute(&mut self, _a: u32, _value: Option<u32>) {}
    /// `choose` expression `e` took the branch whose value is expression
    /// `taken` (`None`: `otherwise`), giving `value` when it is a number.
    fn choose(&mut self, _e: u32, _taken: Option<u32>, _value: Option<Decimal>) {}
    /// `percent of value` (expression `e`) gave `result`.
    fn percent_of(&mut self, _e: u32, _percent: Decimal, _of: Decimal, _result: Decimal) {}
    /// Condition `k` of `count` expression `e` held or not.
    fn count_term(&mut self, _e: u32, _k: u32, _held: bool) {}
    /// Total expression `e` gave `sum` for the answers in `input`.
    fn total(&mut self, _e: u32, _input: &CaseInput, _sum: Decimal) {}
}

/// Records nothing.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    const ON: bool = false;
}

fn symbol<S: Serializer>(unit: &Unit, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(unit.symbol())
}

/// A value with its unit, as `{"value": "10", "unit": "pts"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TraceValue {
    /// The value.
    pub value: Quantity,
    /// Its unit, as written (`£`, `pts`, `£/pt`).
    #[serde(serialize_with = "symbol")]
    pub unit: Unit,
}

impl TraceValue {
    fn new(value: Decimal, unit: Unit) -> Self {
        TraceValue {
            value: Quantity { value, unit },
            unit,
        }
    }
}

/// A row of step bands that gave a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandRowUsed {
    /// Lower bound (included), or none.
    pub from: Option<Quantity>,
    /// Upper bound (excluded), or none.
    pub to: Option<Quantity>,
    /// The row's value.
    pub value: Quantity,
    /// Where the row is written.
    pub line: Line,
}

/// A point of straight-line bands that gave a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandPointUsed {
    /// Where on the looked-up scale.
    pub at: Quantity,
    /// The value there.
    pub value: Quantity,
    /// Where the point is written.
    pub line: Line,
}

/// An edge of the band row used, and the row beyond it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandEdge {
    /// True for the upper edge (the value would have to rise), false for the
    /// lower (it would have to fall below the edge).
    pub above: bool,
    /// The edge.
    pub edge: Quantity,
    /// How far the value is from the edge: reaching the upper edge moves into
    /// the next row; the lower edge is still inside the row.
    pub distance: Quantity,
    /// What the row beyond the edge gives.
    pub value: Quantity,
}

/// One question's part of a total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TotalTermUsed {
    /// Question id.
    pub question: String,
    /// The question's wording.
    pub text: String,
    /// The question's domain id, when it has one.
    pub domain: Option<String>,
    /// The domain's label.
    pub domain_label: Option<String>,
    /// The domain weight the value was multiplied by (1 when unweighted).
    pub weight: Quantity,
    /// The value the answer carries.
    pub value: TraceValue,
    /// Value times weight: what the question adds to the total.
    pub adds: TraceValue,
}

/// One entry of the trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceEntry {
    /// The case's cohort, and whether the policy is validated for it.
    Cohort {
        /// Cohort id.
        cohort: String,
        /// Its label.
        label: String,
        /// False when the policy gives no figure for it.
        validated: bool,
        /// Why not, when not validated.
        reason: Option<String>,
        /// Where the cohort is declared.
        line: Line,
    },
    /// An answer read by the calculation (first read only).
    Answer {
        /// Question id.
        question: String,
        /// The question's wording.
        text: String,
        /// The code answered (`3`, `yes`), or the number as text.
        code: Option<String>,
        /// The chosen option's wording.
        option: Option<String>,
        /// The values the option carries (or the number answered), with units.
        values: Vec<TraceValue>,
        /// True when the question's default was used because the case gave no answer.
        defaulted: bool,
        /// Where the question is declared.
        line: Line,
        /// The question's domain id, when it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        domain: Option<String>,
        /// The domain's label.
        #[serde(skip_serializing_if = "Option::is_none")]
        domain_label: Option<String>,
        /// The domain's weight in weighted totals.
        #[serde(skip_serializing_if = "Option::is_none")]
        domain_weight: Option<Quantity>,
    },
    /// A parameter read (first read only).
    Parameter {
        /// Parameter id.
        name: String,
        /// The value for this case.
        value: Quantity,
        /// Its unit.
        #[serde(serialize_with = "symbol")]
        unit: Unit,
        /// The date the value is in force from, when dated.
        from: Option<Date>,
        /// The cohort or attribute value that chose the value, when the
        /// parameter varies by one.
        key: Option<String>,
        /// Where the value is written.
        line: Line,
        /// The parameter's label, when it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// What chose the value: `client group`, or the attribute's label.
        #[serde(skip_serializing_if = "Option::is_none")]
        key_of: Option<String>,
        /// The label of the cohort or attribute value that chose it.
        #[serde(skip_serializing_if = "Option::is_none")]
        key_label: Option<String>,
    },
    /// A band lookup.
    Band {
        /// Bands id.
        band: String,
        /// The value looked up.
        input: TraceValue,
        /// The row used (step bands).
        row: Option<BandRowUsed>,
        /// The points used (straight-line bands): one when exactly at a point or
        /// beyond the last, else the two either side.
        points: Vec<BandPointUsed>,
        /// The rate per unit above the last point, when used.
        beyond: Option<TraceValue>,
        /// The result.
        result: TraceValue,
        /// Where the row or first point used is written.
        line: Line,
        /// The bands' label, when they have one.
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// How far the value is from the edges of its row (step bands), and
        /// what the rows beyond them give.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        near: Vec<BandEdge>,
    },
    /// A step worked out.
    Step {
        /// Step name.
        name: String,
        /// `let`, `deduction` or `output`.
        step: &'static str,
        /// Where it is declared.
        line: Line,
        /// The calculation as written.
        formula: String,
        /// Its value (0 for a deduction that does not apply).
        value: Quantity,
        /// Its unit.
        #[serde(serialize_with = "symbol")]
        unit: Unit,
        /// An output's label.
        label: Option<String>,
        /// A deduction's reason sentence.
        reason: Option<String>,
        /// Whether a deduction applied.
        applied: Option<bool>,
        /// A deduction's condition in words (`your answer to “…” is “…”`).
        #[serde(skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
        /// The calculation in words with this case's figures (`36.2 pts at
        /// £4.88 a point, rounded to the nearest penny`); none for a deduction
        /// that did not apply.
        #[serde(skip_serializing_if = "Option::is_none")]
        working: Option<String>,
    },
    /// A case attribute's value (every declared attribute, given or not).
    Attribute {
        /// Attribute id.
        attribute: String,
        /// Its label.
        label: String,
        /// The value's code, when the case gives one.
        code: Option<String>,
        /// The value's label.
        value: Option<String>,
        /// Where the attribute is declared.
        line: Line,
    },
    /// The line of a `choose` that applied.
    Choose {
        /// The position of the line taken among the `when` lines (from 1), or
        /// none for `otherwise`.
        branch: Option<u32>,
        /// The condition of the line taken, in words; none for `otherwise`.
        condition: Option<String>,
        /// The value chosen, when a number.
        value: Option<TraceValue>,
        /// Where the line taken is written.
        line: Line,
    },
    /// `count(…)`: how many of its conditions held.
    Count {
        /// The conditions that held, in words.
        held: Vec<String>,
        /// How many conditions it counts.
        of: u32,
        /// Where it is written.
        line: Line,
    },
    /// `p% of x`.
    PercentOf {
        /// The percentage.
        percent: TraceValue,
        /// What it is taken of.
        of: TraceValue,
        /// The result.
        result: TraceValue,
        /// Where it is written.
        line: Line,
    },
    /// A total of answer values (`total points`, `total weighted points in …`).
    Total {
        /// Each question's part, in the total's order.
        terms: Vec<TotalTermUsed>,
        /// The sum.
        result: TraceValue,
        /// Where the total is written.
        line: Line,
    },
    /// An answer check.
    Check {
        /// Check name.
        name: String,
        /// Where it is declared.
        line: Line,
        /// `stop` or `warn`.
        action: CheckAction,
        /// True when the answers were found inconsistent.
        triggered: bool,
        /// The check's message.
        message: String,
    },
    /// An eligibility requirement.
    Requirement {
        /// Where it is written.
        line: Line,
        /// True when the requirement held.
        held: bool,
        /// The reason given when it did not.
        reason: Option<String>,
    },
    /// A flag decided.
    Flag {
        /// Flag name.
        name: String,
        /// Where it is declared.
        line: Line,
        /// True when raised.
        raised: bool,
        /// The flag's sentence.
        text: String,
    },
    /// The approval route.
    Route {
        /// The rule taken, or none (no costed plan, or no rule applied).
        route: Option<String>,
        /// What it means.
        text: Option<String>,
        /// The costed plan compared.
        plan_cost: Option<Quantity>,
        /// The condition of the rule taken, in words (none for `otherwise`).
        #[serde(skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
        /// Where the rule (or the route, when none) is written.
        line: Line,
    },
}

impl TraceEntry {
    /// The rule-file line the entry comes from.
    pub fn line(&self) -> Line {
        match self {
            TraceEntry::Cohort { line, .. }
            | TraceEntry::Answer { line, .. }
            | TraceEntry::Parameter { line, .. }
            | TraceEntry::Band { line, .. }
            | TraceEntry::Step { line, .. }
            | TraceEntry::Check { line, .. }
            | TraceEntry::Requirement { line, .. }
            | TraceEntry::Flag { line, .. }
            | TraceEntry::Route { line, .. }
            | TraceEntry::Attribute { line, .. }
            | TraceEntry::Choose { line, .. }
            | TraceEntry::PercentOf { line, .. }
            | TraceEntry::Count { line, .. }
            | TraceEntry::Total { line, .. } => *line,
        }
    }
}

/// A requirement's reason with step values filled in.
pub(crate) fn reason_text(m: &Model, r: &Requirement, steps: &[Decimal]) -> String {
    r.reason
        .iter()
        .map(|part| match part {
            ReasonPart::Text(t) => t.clone(),
            ReasonPart::Step(s) => match (m.steps.get(*s as usize), steps.get(*s as usize)) {
                (Some(step), Some(v)) => format_value(*v, step.unit),
                _ => "?".to_string(),
            },
        })
        .collect()
}

/// Builds the trace and the list of parameters used.
pub(crate) struct Recorder<'a> {
    m: &'a Model,
    pub entries: Vec<TraceEntry>,
    pub parameters: Vec<ParameterUsed>,
    seen_answers: Vec<bool>,
    seen_params: Vec<bool>,
    known: Known,
    /// The conditions of the `count` being worked out that held so far.
    counted: Vec<String>,
}

impl<'a> Recorder<'a> {
    pub(crate) fn new(m: &'a Model) -> Self {
        Recorder {
            m,
            entries: Vec::new(),
            parameters: Vec::new(),
            seen_answers: vec![false; m.questions.len()],
            seen_params: vec![false; m.parameters.len()],
            known: Known {
                steps: vec![None; m.steps.len()],
                parameters: vec![None; m.parameters.len()],
                answers: vec![None; m.questions.len()],
                ..Known::default()
            },
            counted: Vec::new(),
        }
    }
}

/// Marks `i` seen; true the first time.
fn first_time(seen: &mut [bool], i: u32) -> bool {
    match seen.get_mut(i as usize) {
        Some(s) if !*s => {
            *s = true;
            true
        }
        _ => false,
    }
}

impl Tracer for Recorder<'_> {
    const ON: bool = true;

    fn answer(&mut self, q: u32, a: &Answer) {
        let Some(question) = self.m.questions.get(q as usize) else {
            return;
        };
        if let Some(slot) = self.known.answers.get_mut(q as usize) {
            *slot = Some(*a);
        }
        if !first_time(&mut self.seen_answers, q) {
            return;
        }
        let (code, option, values) = match (&question.kind, a.value) {
            (QuestionKind::Choice { options, units, .. }, AnswerValue::Choice(i)) => {
                match options.get(i as usize) {
                    Some(o) => {
                        let values = o
                            .values
                            .iter()
                            .zip(units)
                            .map(|(v, u)| TraceValue::new(*v, *u))
                            .collect();
                        (Some(o.code.clone()), Some(o.text.clone()), values)
                    }
                    None => (None, None, vec![]),
                }
            }
            (_, AnswerValue::YesNo(b)) => {
                (Some(if b { "yes" } else { "no" }.to_string()), None, vec![])
            }
            (QuestionKind::Number { unit, .. }, AnswerValue::Number(n)) => {
                (Some(n.to_string()), None, vec![TraceValue::new(n, *unit)])
            }
            _ => (None, None, vec![]),
        };
        let domain = question.domain.and_then(|d| self.m.domains.get(d as usize));
        self.entries.push(TraceEntry::Answer {
            question: question.id.clone(),
            text: question.text.clone(),
            code,
            option,
            values,
            defaulted: a.defaulted,
            line: self.m.spans.question_line(q),
            domain: domain.map(|d| d.id.clone()),
            domain_label: domain.map(|d| d.label.clone()),
            domain_weight: domain.map(|d| Quantity {
                value: d.weight,
                unit: Unit::Number,
            }),
        });
    }

    fn parameter(&mut self, p: u32, entry: u32, key: u32, value: Decimal) {
        let Some(param) = self.m.parameters.get(p as usize) else {
            return;
        };
        if let Some(slot) = self.known.parameters.get_mut(p as usize) {
            *slot = Some(value);
        }
        if !first_time(&mut self.seen_params, p) {
            return;
        }
        let from = param.schedule.get(entry as usize).and_then(|e| e.from);
        let line = self.m.spans.parameter_value_line(p, entry, key);
        let (key, key_of, key_label) = match param.key {
            ParameterKey::None => (None, None, None),
            ParameterKey::Cohort => match self.m.cohorts.get(key as usize) {
                Some(c) => (
                    Some(c.id.clone()),
                    Some("client group".to_string()),
                    Some(c.label.clone()),
                ),
                None => (None, None, None),
            },
            ParameterKey::Attribute(a) => {
                let attr = self.m.attributes.get(a as usize);
                match attr.and_then(|at| Some((at, at.values.get(key as usize)?))) {
                    Some((at, v)) => (
                        Some(v.code.clone()),
                        Some(at.label.clone()),
                        Some(v.label.clone()),
                    ),
                    None => (None, None, None),
                }
            }
        };
        let value = Quantity {
            value,
            unit: param.unit,
        };
        self.parameters.push(ParameterUsed {
            name: param.id.clone(),
            value,
            unit: param.unit,
            from,
            key: key.clone(),
            line,
        });
        self.entries.push(TraceEntry::Parameter {
            name: param.id.clone(),
            value,
            unit: param.unit,
            from,
            key,
            line,
            label: param.label.clone(),
            key_of,
            key_label,
        });
    }

    fn band(&mut self, b: u32, x: Decimal, hit: BandHit, value: Decimal) {
        let Some(band) = self.m.bands.get(b as usize) else {
            return;
        };
        self.known.bands.insert(b, (x, value));
        let q = |v: Decimal, unit: Unit| Quantity { value: v, unit };
        let spans = &self.m.spans;
        let band_line = spans.band_line(b);
        let (mut row, mut points, mut beyond, mut line) = (None, Vec::new(), None, band_line);
        let mut near = Vec::new();
        match (&band.table, hit) {
            (BandTable::Steps { rows }, BandHit::Row(i)) => {
                if let Some(r) = rows.get(i as usize) {
                    line = spans.band_row_line(b, i);
                    let next = rows.get(i as usize + 1);
                    let before = (i as usize).checked_sub(1).and_then(|p| rows.get(p));
                    if let (Some(to), Some(n)) = (r.to, next) {
                        if let Some(d) = to.checked_sub(x) {
                            near.push(BandEdge {
                                above: true,
                                edge: q(to, band.on),
                                distance: q(d, band.on),
                                value: q(n.value, band.unit),
                            });
                        }
                    }
                    if let (Some(from), Some(p)) = (r.from, before) {
                        if let Some(d) = x.checked_sub(from) {
                            near.push(BandEdge {
                                above: false,
                                edge: q(from, band.on),
                                distance: q(d, band.on),
                                value: q(p.value, band.unit),
                            });
                        }
                    }
                    row = Some(BandRowUsed {
                        from: r.from.map(|f| q(f, band.on)),
                        to: r.to.map(|t| q(t, band.on)),
                        value: q(r.value, band.unit),
                        line,
                    });
                }
            }
            (
                BandTable::Interpolate {
                    points: ps,
                    beyond: rate,
                },
                hit,
            ) => {
                let (i, take) = match hit {
                    BandHit::Between(i) => (
                        i as usize,
                        if ps.get(i as usize).is_some_and(|p| p.at == x) {
                            1
                        } else {
                            2
                        },
                    ),
                    BandHit::Beyond(i) | BandHit::Row(i) => (i as usize, 1),
                };
                for (k, p) in ps.iter().enumerate().skip(i).take(take) {
                    points.push(BandPointUsed {
                        at: q(p.at, band.on),
                        value: q(p.value, band.unit),
                        line: spans.band_row_line(b, k as u32),
                    });
                }
                if i < ps.len() {
                    line = spans.band_row_line(b, i as u32);
                }
                if let (BandHit::Beyond(_), Some(r)) = (hit, rate) {
                    let unit = if band.unit == Unit::Money {
                        band.on.money_per()
                    } else {
                        None
                    };
                    beyond = Some(TraceValue::new(*r, unit.unwrap_or(Unit::Number)));
                    line = spans.band_beyond_line(b).unwrap_or(line);
                }
            }
            _ => {}
        }
        self.entries.push(TraceEntry::Band {
            band: band.id.clone(),
            input: TraceValue::new(x, band.on),
            row,
            points,
            beyond,
            result: TraceValue::new(value, band.unit),
            line,
            label: band.label.clone(),
            near,
        });
    }

    fn cohort(&mut self, c: u32) {
        if let Some(cohort) = self.m.cohorts.get(c as usize) {
            self.entries.push(TraceEntry::Cohort {
                cohort: cohort.id.clone(),
                label: cohort.label.clone(),
                validated: cohort.not_validated.is_none(),
                reason: cohort.not_validated.clone(),
                line: self.m.spans.cohort_line(c),
            });
        }
    }

    fn step(&mut self, s: u32, value: Decimal, applied: Option<bool>) {
        let Some(step) = self.m.steps.get(s as usize) else {
            return;
        };
        let words = Words {
            m: self.m,
            known: &self.known,
        };
        let (kind, label, reason, condition) = match &step.kind {
            StepKind::Let { label } => ("let", label.clone(), None, None),
            StepKind::Deduction { reason, when, .. } => (
                "deduction",
                None,
                Some(reason.clone()),
                when.map(|w| words.cond(w, 0)),
            ),
            StepKind::Output { label } => ("output", Some(label.clone()), None, None),
        };
        let working = (applied != Some(false)).then(|| words.num(step.expr, Some(step.unit), 0));
        if let Some(slot) = self.known.steps.get_mut(s as usize) {
            *slot = Some(value);
        }
        self.entries.push(TraceEntry::Step {
            name: step.id.clone(),
            step: kind,
            line: self.m.spans.step_line(s),
            formula: step.formula.clone(),
            value: Quantity {
                value,
                unit: step.unit,
            },
            unit: step.unit,
            label,
            reason,
            applied,
            condition,
            working,
        });
    }

    fn check(&mut self, c: u32, triggered: bool) {
        if let Some(check) = self.m.checks.get(c as usize) {
            self.entries.push(TraceEntry::Check {
                name: check.id.clone(),
                line: self.m.spans.check_line(c),
                action: check.action,
                triggered,
                message: check.message.clone(),
            });
        }
    }

    fn requirement(&mut self, r: u32, held: bool, steps: &[Decimal]) {
        if let Some(req) = self.m.eligibility.get(r as usize) {
            self.entries.push(TraceEntry::Requirement {
                line: self.m.spans.requirement_line(r),
                held,
                reason: (!held).then(|| reason_text(self.m, req, steps)),
            });
        }
    }

    fn flag(&mut self, f: u32, raised: bool) {
        if let Some(flag) = self.m.flags.get(f as usize) {
            self.entries.push(TraceEntry::Flag {
                name: flag.id.clone(),
                line: self.m.spans.flag_line(f),
                raised,
                text: flag.text.clone(),
            });
        }
    }

    fn route(&mut self, rule: Option<u32>, plan_cost: Option<Decimal>) {
        let Some(route) = &self.m.route else { return };
        let chosen = rule.and_then(|r| route.rules.get(r as usize));
        self.known.plan_cost = plan_cost;
        let words = Words {
            m: self.m,
            known: &self.known,
        };
        let condition = chosen.and_then(|r| r.when).map(|w| words.cond(w, 0));
        self.entries.push(TraceEntry::Route {
            condition,
            route: chosen.map(|r| r.id.clone()),
            text: chosen.map(|r| r.text.clone()),
            plan_cost: plan_cost.map(|v| Quantity {
                value: v,
                unit: Unit::Money,
            }),
            line: match rule {
                Some(r) if chosen.is_some() => self.m.spans.route_rule_line(r),
                _ => self.m.spans.route_line(),
            },
        });
    }

    fn attribute(&mut self, a: u32, value: Option<u32>) {
        let Some(attr) = self.m.attributes.get(a as usize) else {
            return;
        };
        let chosen = value.and_then(|v| attr.values.get(v as usize));
        self.entries.push(TraceEntry::Attribute {
            attribute: attr.id.clone(),
            label: attr.label.clone(),
            code: chosen.map(|v| v.code.clone()),
            value: chosen.map(|v| v.label.clone()),
            line: self.m.spans.attribute_line(a),
        });
    }

    fn choose(&mut self, e: u32, taken: Option<u32>, value: Option<Decimal>) {
        let Some(Expr::Choose { choices, otherwise }) = self.m.exprs.get(e as usize) else {
            return;
        };
        let branch = taken.and_then(|t| choices.iter().position(|(_, v)| *v == t));
        self.known.branches.insert(e, branch);
        if let Some(v) = value {
            self.known.exprs.insert(e, v);
        }
        let words = Words {
            m: self.m,
            known: &self.known,
        };
        let (condition, at) = match branch.and_then(|i| choices.get(i)) {
            Some((c, _)) => (Some(words.cond(*c, 0)), *c),
            None => (None, *otherwise),
        };
        // A choice of bare numbers takes the unit of the step it is written in.
        let unit = words
            .unit_of(e)
            .or_else(|| self.m.steps.iter().find(|s| s.expr == e).map(|s| s.unit));
        let spans = &self.m.spans;
        let line = spans
            .expr(at)
            .or_else(|| spans.expr(e))
            .map_or(0, |s| spans.line(s));
        self.entries.push(TraceEntry::Choose {
            branch: branch.map(|i| i as u32 + 1),
            condition,
            value: value.map(|v| TraceValue::new(v, unit.unwrap_or(Unit::Number))),
            line,
        });
    }

    fn count_term(&mut self, e: u32, k: u32, held: bool) {
        let Some(Expr::Count { conditions }) = self.m.exprs.get(e as usize) else {
            return;
        };
        if k == 0 {
            self.counted.clear();
        }
        if held {
            if let Some(c) = conditions.get(k as usize) {
                let words = Words {
                    m: self.m,
                    known: &self.known,
                };
                self.counted.push(words.cond(*c, 0));
            }
        }
        if k as usize + 1 == conditions.len() {
            let spans = &self.m.spans;
            self.entries.push(TraceEntry::Count {
                held: std::mem::take(&mut self.counted),
                of: conditions.len() as u32,
                line: spans.expr(e).map_or(0, |s| spans.line(s)),
            });
        }
    }

    fn percent_of(&mut self, e: u32, percent: Decimal, of: Decimal, result: Decimal) {
        self.known.exprs.insert(e, result);
        let words = Words {
            m: self.m,
            known: &self.known,
        };
        let unit = words.unit_of(e).unwrap_or(Unit::Number);
        let spans = &self.m.spans;
        self.entries.push(TraceEntry::PercentOf {
            percent: TraceValue::new(percent, Unit::Percent),
            of: TraceValue::new(of, unit),
            result: TraceValue::new(result, unit),
            line: spans.expr(e).map_or(0, |s| spans.line(s)),
        });
    }

    fn total(&mut self, e: u32, input: &CaseInput, sum: Decimal) {
        let Some(Expr::Total { kind, terms }) = self.m.exprs.get(e as usize) else {
            return;
        };
        self.known.exprs.insert(e, sum);
        let m = self.m;
        let used = terms
            .iter()
            .filter_map(|t| {
                let q = m.questions.get(t.question as usize)?;
                let answer = input.answers.get(t.question as usize)?;
                let (value, unit) = match (&q.kind, answer.value) {
                    (QuestionKind::Choice { options, units, .. }, AnswerValue::Choice(o)) => (
                        *options.get(o as usize)?.values.get(t.slot as usize)?,
                        *units.get(t.slot as usize)?,
                    ),
                    (QuestionKind::Number { unit, .. }, AnswerValue::Number(n)) => (n, *unit),
                    _ => return None,
                };
                let domain = q.domain.and_then(|d| m.domains.get(d as usize));
                Some(TotalTermUsed {
                    question: q.id.clone(),
                    text: q.text.clone(),
                    domain: domain.map(|d| d.id.clone()),
                    domain_label: domain.map(|d| d.label.clone()),
                    weight: Quantity {
                        value: t.weight,
                        unit: Unit::Number,
                    },
                    value: TraceValue::new(value, unit),
                    adds: TraceValue::new(value.checked_mul(t.weight)?, unit),
                })
            })
            .collect();
        let spans = &m.spans;
        self.entries.push(TraceEntry::Total {
            terms: used,
            result: TraceValue::new(sum, kind.unit()),
            line: spans.expr(e).map_or(0, |s| spans.line(s)),
        });
    }
}

#[cfg(test)]
mod tests;
