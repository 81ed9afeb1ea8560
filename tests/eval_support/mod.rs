//! Builds small checked models by hand for the evaluator's tests (the checker
//! is not needed): every declaration gets the next line number, kept in the
//! model's place table as a span on that line of a file of empty lines.
#![allow(dead_code)]

use ras::date::Date;
use ras::model::spans::*;
use ras::model::*;
use ras::plan::{compile, Plan, PlanError};
use ras::syntax::ast::{CheckAction, Period, RoundMode, RoundTo, ValueKind};
use ras::syntax::Span;

use ras::units::Unit;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A decimal from text.
pub fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// A date from text.
pub fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// A model under construction.
pub struct B {
    pub m: Model,
    line: Line,
}

impl Default for B {
    fn default() -> Self {
        Self::new()
    }
}

impl B {
    /// Two cohorts, penny half_up, no steps yet.
    pub fn new() -> B {
        let mut b = B {
            m: Model {
                header: Header {
                    title: "Test RAS".into(),
                    council: "Test Council".into(),
                    version: "1".into(),
                    effective: None,
                    review: None,
                    approved: None,
                    change: None,
                    appeal: None,
                    period: Period::Weekly,
                    rounding: Rounding {
                        to: RoundTo::Penny,
                        mode: RoundMode::HalfUp,
                    },
                },
                cohorts: vec![],
                attributes: vec![],
                domains: vec![],
                questions: vec![],
                parameters: vec![],
                bands: vec![],
                steps: vec![],
                flags: vec![],
                checks: vec![],
                eligibility: vec![],
                route: None,
                exprs: vec![],
                indicative: 0,
                tests: vec![],
                spans: Spans {
                    lines: LineStarts::new(&"\n".repeat(LINES)),
                    ..Spans::default()
                },
            },
            line: 1,
        };
        b.cohort("older_people", None);
        b.cohort("working_age", None);
        b
    }

    fn next_line(&mut self) -> Line {
        self.line += 1;
        self.line
    }

    /// A span on the next line.
    fn next_at(&mut self) -> Span {
        at(self.next_line())
    }

    pub fn cohort(&mut self, id: &str, not_validated: Option<&str>) -> u32 {
        let at = self.next_at();
        self.m.spans.cohorts.push(at);
        self.m.cohorts.push(Cohort {
            id: id.into(),
            label: id.replace('_', " "),
            not_validated: not_validated.map(Into::into),
        });
        self.m.cohorts.len() as u32 - 1
    }

    pub fn attribute(&mut self, id: &str, values: &[&str]) -> AttributeId {
        let at = self.next_at();
        self.m.spans.attributes.push(at);
        let values = values
            .iter()
            .map(|v| Labelled {
                code: v.to_string(),
                label: v.replace('_', " "),
            })
            .collect();
        self.m.attributes.push(Attribute {
            id: id.into(),
            label: id.into(),
            values,
        });
        self.m.attributes.len() as u32 - 1
    }

    pub fn e(&mut self, e: Expr) -> ExprId {
        self.m.spans.exprs.push(Span::default());
        self.m.exprs.push(e);
        self.m.exprs.len() as u32 - 1
    }

    pub fn num(&mut self, v: &str) -> ExprId {
        self.e(Expr::Number { value: d(v) })
    }

    pub fn boolean(&mut self, v: bool) -> ExprId {
        self.e(Expr::Bool { value: v })
    }

    pub fn arith(&mut self, arith: ArithOp, left: ExprId, right: ExprId) -> ExprId {
        self.e(Expr::Arith { arith, left, right })
    }

    pub fn cmp(&mut self, compare: CompareOp, left: ExprId, right: ExprId) -> ExprId {
        self.e(Expr::Compare {
            compare,
            left,
            right,
        })
    }

    pub fn step_ref(&mut self, step: StepId) -> ExprId {
        self.e(Expr::Step { step })
    }

    pub fn param_ref(&mut self, parameter: ParameterId) -> ExprId {
        self.e(Expr::Parameter { parameter })
    }

    pub fn answer(&mut self, question: QuestionId, slot: u32) -> ExprId {
        self.e(Expr::Answer { question, slot })
    }

    pub fn round(&mut self, value: ExprId, to: RoundTo, mode: RoundMode) -> ExprId {
        self.e(Expr::Round {
            value,
            rounding: Rounding { to, mode },
        })
    }

    pub fn code_in(&mut self, subject: Subject, codes: &[u32]) -> ExprId {
        self.e(Expr::CodeIn {
            subject,
            codes: codes.to_vec(),
            negated: false,
        })
    }

    pub fn domain(&mut self, id: &str, weight: &str) -> u32 {
        let at = self.next_at();
        self.m.spans.domains.push(at);
        self.m.domains.push(Domain {
            id: id.into(),
            label: id.into(),
            weight: d(weight),
        });
        self.m.domains.len() as u32 - 1
    }

    /// A choice question; `options` are (code, values in `units` order).
    pub fn choice(
        &mut self,
        id: &str,
        units: &[Unit],
        options: &[(&str, &[&str])],
        default: Option<u32>,
    ) -> QuestionId {
        self.choice_in(id, None, units, options, default)
    }

    pub fn choice_in(
        &mut self,
        id: &str,
        domain: Option<u32>,
        units: &[Unit],
        options: &[(&str, &[&str])],
        default: Option<u32>,
    ) -> QuestionId {
        let line = self.next_line();
        let options = options
            .iter()
            .map(|(code, values)| AnswerOption {
                code: code.to_string(),
                text: format!("option {code}"),
                values: values.iter().map(|v| d(v)).collect(),
            })
            .collect();
        self.m.spans.questions.push(at(line));
        self.m.questions.push(Question {
            id: id.into(),
            text: format!("Question {id}?"),
            domain,
            carer_willingness: false,
            kind: QuestionKind::Choice {
                options,
                units: units.to_vec(),
                default,
            },
        });
        self.m.questions.len() as u32 - 1
    }

    /// A points question with codes 1..k.
    pub fn scored(&mut self, id: &str, domain: Option<u32>, points: &[&str]) -> QuestionId {
        let codes: Vec<String> = (1..=points.len()).map(|i| i.to_string()).collect();
        let options: Vec<(&str, &[&str])> = codes
            .iter()
            .zip(points)
            .map(|(c, p)| (c.as_str(), std::slice::from_ref(p)))
            .collect();
        self.choice_in(id, domain, &[Unit::Points], &options, None)
    }

    pub fn yes_no(&mut self, id: &str, default: Option<bool>) -> QuestionId {
        let line = self.next_line();
        self.m.spans.questions.push(at(line));
        self.m.questions.push(Question {
            id: id.into(),
            text: format!("Question {id}?"),
            domain: None,
            carer_willingness: false,
            kind: QuestionKind::YesNo { default },
        });
        self.m.questions.len() as u32 - 1
    }

    pub fn number_q(
        &mut self,
        id: &str,
        unit: Unit,
        min: &str,
        max: &str,
        default: Option<&str>,
    ) -> QuestionId {
        let line = self.next_line();
        self.m.spans.questions.push(at(line));
        self.m.questions.push(Question {
            id: id.into(),
            text: format!("Question {id}?"),
            domain: None,
            carer_willingness: false,
            kind: QuestionKind::Number {
                unit,
                min: d(min),
                max: d(max),
                default: default.map(d),
            },
        });
        self.m.questions.len() as u32 - 1
    }

    /// A parameter; `schedule` is (from date, values in key order).
    pub fn param(
        &mut self,
        id: &str,
        unit: Unit,
        key: ParameterKey,
        schedule: &[(Option<&str>, &[&str])],
    ) -> ParameterId {
        let name = self.next_at();
        let mut places = Vec::new();
        let schedule = schedule
            .iter()
            .map(|(from, values)| {
                let entry = self.next_at();
                places.push(ValuesSpans {
                    entry,
                    values: vec![entry; values.len()],
                });
                ParameterValues {
                    from: from.map(date),
                    values: values.iter().map(|v| d(v)).collect(),
                }
            })
            .collect();
        self.m.spans.parameters.push(ParameterSpans {
            name,
            schedule: places,
        });
        self.m.parameters.push(Parameter {
            id: id.into(),
            label: None,
            unit,
            key,
            schedule,
        });
        self.m.parameters.len() as u32 - 1
    }

    /// Step bands: (from, to, value).
    pub fn band_steps(
        &mut self,
        id: &str,
        on: Unit,
        unit: Unit,
        rows: &[(Option<&str>, Option<&str>, &str)],
    ) -> BandId {
        let name = self.next_at();
        let mut places = Vec::new();
        let rows = rows
            .iter()
            .map(|(from, to, value)| {
                places.push(self.next_at());
                BandStep {
                    from: from.map(d),
                    to: to.map(d),
                    value: d(value),
                }
            })
            .collect();
        self.m.spans.bands.push(BandSpans {
            name,
            rows: places,
            beyond: None,
        });
        self.m.bands.push(Band {
            id: id.into(),
            label: None,
            on,
            unit,
            table: BandTable::Steps { rows },
        });
        self.m.bands.len() as u32 - 1
    }

    /// Straight-line bands: (at, value), and the rate beyond.
    pub fn band_line(
        &mut self,
        id: &str,
        on: Unit,
        unit: Unit,
        points: &[(&str, &str)],
        beyond: Option<&str>,
    ) -> BandId {
        let name = self.next_at();
        let mut places = Vec::new();
        let points = points
            .iter()
            .map(|(x, value)| {
                places.push(self.next_at());
                BandPoint {
                    at: d(x),
                    value: d(value),
                }
            })
            .collect();
        let beyond_at = beyond.map(|_| self.next_at());
        self.m.spans.bands.push(BandSpans {
            name,
            rows: places,
            beyond: beyond_at,
        });
        self.m.bands.push(Band {
            id: id.into(),
            label: None,
            on,
            unit,
            table: BandTable::Interpolate {
                points,
                beyond: beyond.map(d),
            },
        });
        self.m.bands.len() as u32 - 1
    }

    pub fn band_ref(&mut self, band: BandId, value: ExprId) -> ExprId {
        self.e(Expr::Band { band, value })
    }

    fn push_step(
        &mut self,
        id: &str,
        kind: StepKind,
        expr: ExprId,
        unit: Unit,
        formula: &str,
    ) -> StepId {
        let at = self.next_at();
        self.m.spans.steps.push(at);
        self.m.steps.push(Step {
            id: id.into(),
            kind,
            expr,
            unit,
            formula: formula.into(),
        });
        self.m.steps.len() as u32 - 1
    }

    pub fn let_(&mut self, id: &str, expr: ExprId, unit: Unit, formula: &str) -> StepId {
        self.push_step(id, StepKind::Let { label: None }, expr, unit, formula)
    }

    pub fn deduction(
        &mut self,
        id: &str,
        expr: ExprId,
        when: Option<ExprId>,
        unit: Unit,
        formula: &str,
    ) -> StepId {
        let kind = StepKind::Deduction {
            reason: format!("Reason for {id}"),
            informal_support: false,
            when,
        };
        self.push_step(id, kind, expr, unit, formula)
    }

    pub fn output(&mut self, id: &str, expr: ExprId, unit: Unit, formula: &str) -> StepId {
        let s = self.push_step(
            id,
            StepKind::Output {
                label: format!("Label of {id}"),
            },
            expr,
            unit,
            formula,
        );
        if id == "indicative" {
            self.m.indicative = s;
        }
        s
    }

    pub fn flag(&mut self, id: &str, when: ExprId) -> FlagId {
        let at = self.next_at();
        self.m.spans.flags.push(at);
        self.m.flags.push(Flag {
            id: id.into(),
            text: format!("Text of {id}"),
            when,
        });
        self.m.flags.len() as u32 - 1
    }

    pub fn check(&mut self, id: &str, action: CheckAction, when: ExprId) {
        let at = self.next_at();
        self.m.spans.checks.push(at);
        self.m.checks.push(AnswerCheck {
            id: id.into(),
            message: format!("Message of {id}"),
            action,
            when,
        });
    }

    pub fn require(&mut self, condition: ExprId, reason: Vec<ReasonPart>) {
        let line = self.next_line();
        self.m.spans.eligibility.push(at(line));
        self.m.eligibility.push(Requirement { condition, reason });
    }

    /// A route: (rule id, condition or otherwise).
    pub fn route(&mut self, rules: &[(&str, Option<ExprId>)]) {
        let name = self.next_at();
        let mut places = Vec::new();
        let rules = rules
            .iter()
            .map(|(id, when)| {
                places.push(self.next_at());
                RouteRule {
                    id: id.to_string(),
                    text: format!("Route {id}"),
                    when: *when,
                }
            })
            .collect();
        self.m.spans.route = Some(RouteSpans {
            name,
            rules: places,
        });
        self.m.route = Some(Route {
            id: "approval".into(),
            label: None,
            rules,
        });
    }

    pub fn total(&mut self, kind: ValueKind, terms: &[(QuestionId, &str)]) -> ExprId {
        let terms = terms
            .iter()
            .map(|(q, w)| TotalTerm {
                question: *q,
                slot: 0,
                weight: d(w),
            })
            .collect();
        self.e(Expr::Total { kind, terms })
    }

    /// A test; `expects` are (line, expectation).
    pub fn test(&mut self, name: &str, case: ras::case::Case, expects: Vec<(Line, Expectation)>) {
        let name_at = self.next_at();
        self.m.spans.tests.push(TestSpans {
            name: name_at,
            expects: expects.iter().map(|(line, _)| at(*line)).collect(),
        });
        self.m.tests.push(TestCase {
            name: name.into(),
            case,
            expects: expects.into_iter().map(|(_, e)| e).collect(),
        });
    }

    /// The model compiled; it must be a valid plan.
    pub fn plan(&self) -> Plan {
        match self.compiled() {
            Ok(plan) => plan,
            Err(e) => panic!("the test model does not compile: {e}"),
        }
    }

    /// The model compiled, or why it is not a valid plan.
    pub fn compiled(&self) -> Result<Plan, PlanError> {
        compile(self.m.clone(), "# test source\n")
    }
}

/// A case from (question, answer) pairs.
pub fn case(cohort: &str, answers: &[(&str, &str)]) -> ras::case::Case {
    ras::case::Case {
        cohort: Some(cohort.into()),
        answers: answers
            .iter()
            .map(|(q, a)| (q.to_string(), a.to_string()))
            .collect(),
        ..Default::default()
    }
}

/// Leicestershire 2009 pilot, as COUNCILS.md describes it.
pub fn leicestershire() -> B {
    let mut b = B::new();
    b.cohort("learning_disability", None);
    let scored: &[(&str, &[&str])] = &[
        ("personal_care", &["0", "5", "10", "20", "30"]),
        ("eating", &["0", "3", "6", "12"]),
        ("daily_tasks", &["0", "2", "5", "9"]),
        ("relationships", &["0", "2", "4", "8"]),
        ("community", &["0", "3", "6", "10"]),
        ("decisions", &["0", "2", "5", "9"]),
        ("safety", &["0", "4", "9", "15", "24"]),
        ("complex_needs", &["0", "5", "12", "20"]),
        ("nights", &["0", "6", "12", "22"]),
        ("caring_for_others", &["0", "3", "6"]),
        ("health", &["0", "3", "8"]),
    ];
    let qs: Vec<u32> = scored
        .iter()
        .map(|(id, pts)| b.scored(id, None, pts))
        .collect();
    let informal = b.choice(
        "informal_support",
        &[],
        &[("none", &[]), ("some", &[]), ("a_lot", &[])],
        None,
    );
    let sustainable = b.choice(
        "carer_sustainable",
        &[],
        &[("yes", &[]), ("at_risk", &[]), ("no", &[])],
        None,
    );
    let ppp = b.param(
        "price_per_point",
        Unit::MoneyPerPoint,
        ParameterKey::None,
        &[
            (Some("2008-04-01"), &["5.89"]),
            (Some("2009-04-01"), &["6.00"]),
            (Some("2010-01-01"), &["4.88"]),
        ],
    );
    let contingency_rate = b.band_steps(
        "contingency_rate",
        Unit::Money,
        Unit::Percent,
        &[
            (None, Some("100"), "26"),
            (Some("100"), Some("200"), "20"),
            (Some("200"), Some("400"), "15"),
            (Some("400"), Some("700"), "10"),
            (Some("700"), None, "5"),
        ],
    );
    let all: Vec<(u32, &str)> = qs.iter().map(|q| (*q, "1")).collect();
    let total = b.total(ValueKind::Points, &all);
    let points = b.let_("points", total, Unit::Points, "total points");
    // rate = choose { 10% when informal is some and sustainable is yes … 0% otherwise }
    let mut choices = Vec::new();
    for (inf, sus, rate) in [(1, 0, "10"), (2, 0, "25"), (1, 1, "5"), (2, 1, "12.5")] {
        let a = b.code_in(Subject::Question(informal), &[inf]);
        let s = b.code_in(Subject::Question(sustainable), &[sus]);
        let both = b.e(Expr::And { left: a, right: s });
        let r = b.num(rate);
        choices.push((both, r));
    }
    let zero = b.num("0");
    let rate_expr = b.e(Expr::Choose {
        choices,
        otherwise: zero,
    });
    let rate = b.let_("informal_rate", rate_expr, Unit::Percent, "choose { … }");
    let daily = b.total(
        ValueKind::Points,
        &[(qs[0], "1"), (qs[1], "1"), (qs[2], "1")],
    );
    let rate_ref = b.step_ref(rate);
    let ded = b.e(Expr::PercentOf {
        percent: rate_ref,
        value: daily,
    });
    let deduction = b.deduction(
        "deduction",
        ded,
        None,
        Unit::Points,
        "informal_rate of total points in [daily living]",
    );
    let (p, dd) = (b.step_ref(points), b.step_ref(deduction));
    let net = b.arith(ArithOp::Sub, p, dd);
    let net = b.let_("net_points", net, Unit::Points, "points - deduction");
    let (n, pp) = (b.step_ref(net), b.param_ref(ppp));
    let g = b.arith(ArithOp::Mul, n, pp);
    let g = b.round(g, RoundTo::Penny, RoundMode::HalfUp);
    let gross = b.let_(
        "gross",
        g,
        Unit::Money,
        "round(net_points * price_per_point)",
    );
    let (g1, g2) = (b.step_ref(gross), b.step_ref(gross));
    let band = b.band_ref(contingency_rate, g1);
    let c = b.e(Expr::PercentOf {
        percent: band,
        value: g2,
    });
    let c = b.round(c, RoundTo::Penny, RoundMode::HalfUp);
    let contingency = b.deduction(
        "contingency",
        c,
        None,
        Unit::Money,
        "round(contingency_rate(gross) of gross)",
    );
    let (g3, c1) = (b.step_ref(gross), b.step_ref(contingency));
    let ind = b.arith(ArithOp::Sub, g3, c1);
    let indicative = b.output("indicative", ind, Unit::Money, "gross - contingency");
    let (i1, weeks) = (b.step_ref(indicative), b.num("52"));
    let ann = b.arith(ArithOp::Mul, i1, weeks);
    b.output("annual", ann, Unit::Money, "indicative * 52");
    let health3 = b.code_in(Subject::Question(qs[10]), &[2]);
    b.flag("chc_screening", health3);
    b
}

/// Lines in the pretend rule file.
const LINES: usize = 4096;

/// A span at the start of a line of the pretend rule file.
fn at(line: Line) -> Span {
    let offset = (line as usize).saturating_sub(1).min(LINES);
    Span::new(offset, offset)
}
