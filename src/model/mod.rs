//! The checked model: a rule file with every name resolved to an index and every
//! value's unit known. Produced by [`crate::check`]; wrapped by [`crate::plan`]
//! into the compiled plan, which serialises it to JSON.
//!
//! INVARIANT: every id held here indexes its vector (`QuestionId` into
//! `questions`, `ExprId` into `exprs`, …), and steps have no dependency cycle.
//! The checker guarantees this for models it builds; [`crate::plan::compile`]
//! and [`crate::plan::Plan::from_json`] validate it again.

pub mod graph;
pub mod spans;

use crate::date::Date;
use crate::units::Unit;
use crate::vocabulary::{CheckAction, Period, RoundMode, RoundTo, ValueKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub mod needs;

/// Index of a question in [`Model::questions`].
pub type QuestionId = u32;
/// Index of a step in [`Model::steps`].
pub type StepId = u32;
/// Index of a parameter in [`Model::parameters`].
pub type ParameterId = u32;
/// Index of a band table in [`Model::bands`].
pub type BandId = u32;
/// Index of a flag in [`Model::flags`].
pub type FlagId = u32;
/// Index of an attribute in [`Model::attributes`].
pub type AttributeId = u32;
/// Index of an expression node in [`Model::exprs`].
pub type ExprId = u32;

/// A checked rule file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The policy header.
    pub header: Header,
    /// Cohorts in file order.
    pub cohorts: Vec<Cohort>,
    /// Case attributes in file order.
    pub attributes: Vec<Attribute>,
    /// Domains in file order.
    pub domains: Vec<Domain>,
    /// Questions in file order.
    pub questions: Vec<Question>,
    /// Parameters in file order.
    pub parameters: Vec<Parameter>,
    /// Band tables in file order.
    pub bands: Vec<Band>,
    /// Steps (`let`, `deduction`, `output`) in file order.
    pub steps: Vec<Step>,
    /// Flags in file order.
    pub flags: Vec<Flag>,
    /// Answer consistency checks in file order.
    pub checks: Vec<AnswerCheck>,
    /// Eligibility requirements; empty when every case is eligible.
    pub eligibility: Vec<Requirement>,
    /// The approval route.
    pub route: Option<Route>,
    /// Every expression node; ids index this.
    pub exprs: Vec<Expr>,
    /// The step that is the indicative budget.
    pub indicative: StepId,
    /// Tests written in the file.
    pub tests: Vec<TestCase>,
    /// Where each part is written; read only when reporting.
    pub spans: spans::Spans,
}

/// Where something is written: the 1-based line in the rule file.
pub type Line = u32;

/// The policy header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Policy title.
    pub title: String,
    /// Council.
    pub council: String,
    /// Version.
    pub version: String,
    /// Effective date.
    pub effective: Option<Date>,
    /// Review date.
    pub review: Option<Date>,
    /// Who approved it.
    pub approved: Option<String>,
    /// Summary of change.
    pub change: Option<String>,
    /// The council's own words on how to ask for a review of the figure or
    /// appeal against it; left out of the plan's JSON when the file has none,
    /// so plans compiled before it existed read back the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<String>,
    /// Budget period.
    pub period: Period,
    /// Default rounding.
    pub rounding: Rounding,
}

/// A rounding rule with both parts known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rounding {
    /// Penny or pound.
    pub to: RoundTo,
    /// How halves and remainders go.
    pub mode: RoundMode,
}

/// A cohort (client group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// Id, e.g. `older_people`.
    pub id: String,
    /// Label.
    pub label: String,
    /// Why the RAS gives no figure for this cohort, when it is not validated.
    pub not_validated: Option<String>,
}

/// A case attribute with a fixed set of values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    /// Id, e.g. `setting`.
    pub id: String,
    /// Label.
    pub label: String,
    /// Value codes with their labels.
    pub values: Vec<Labelled>,
}

/// A code and its wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    /// Code, e.g. `own_home`.
    pub code: String,
    /// Label, e.g. `Own home`.
    pub label: String,
}

/// A domain of the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Weight applied by `total weighted …` (1 when not written).
    pub weight: Decimal,
}

/// A question of the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Id (the case column).
    pub id: String,
    /// Wording.
    pub text: String,
    /// Domain index.
    pub domain: Option<u32>,
    /// Records whether carers are willing and able.
    pub carer_willingness: bool,
    /// What answers it takes.
    pub kind: QuestionKind,
}

/// What answers a question takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Coded options.
    Choice {
        /// Options in listed order.
        options: Vec<AnswerOption>,
        /// The units of values the options carry (each option has each unit; absent = 0).
        units: Vec<Unit>,
        /// Index of the explicit default option.
        default: Option<u32>,
    },
    /// Yes or no.
    YesNo {
        /// Explicit default.
        default: Option<bool>,
    },
    /// A number in a range.
    Number {
        /// Unit of the answer.
        unit: Unit,
        /// Smallest allowed.
        min: Decimal,
        /// Largest allowed.
        max: Decimal,
        /// Explicit default.
        default: Option<Decimal>,
    },
}

impl QuestionKind {
    /// Whether the question has a default answer, taken when a case gives none.
    pub fn has_default(&self) -> bool {
        match self {
            QuestionKind::Choice { default, .. } => default.is_some(),
            QuestionKind::YesNo { default } => default.is_some(),
            QuestionKind::Number { default, .. } => default.is_some(),
        }
    }
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerOption {
    /// Code, e.g. `3` or `some_willing`.
    pub code: String,
    /// Wording.
    pub text: String,
    /// One value per unit of the question's `units`, in that order.
    pub values: Vec<Decimal>,
}

/// What a parameter's value depends on besides the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "attribute", rename_all = "snake_case")]
pub enum ParameterKey {
    /// One value for every case.
    None,
    /// One value per cohort (in cohort order).
    Cohort,
    /// One value per value of the attribute (in its value order).
    Attribute(AttributeId),
}

/// A named constant, by cohort or attribute and by date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// Id.
    pub id: String,
    /// Label.
    pub label: Option<String>,
    /// Unit of every value.
    pub unit: Unit,
    /// What the value depends on.
    pub key: ParameterKey,
    /// Values in date order; the first may have no date (in force always).
    pub schedule: Vec<ParameterValues>,
}

/// The values of a parameter from a date on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterValues {
    /// When they take effect (`None`: always).
    pub from: Option<Date>,
    /// One value, or one per key in key order.
    pub values: Vec<Decimal>,
}

/// A band table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Id.
    pub id: String,
    /// Label.
    pub label: Option<String>,
    /// Unit of the value looked up.
    pub on: Unit,
    /// Unit of the result.
    pub unit: Unit,
    /// Steps or straight lines.
    pub table: BandTable,
}

/// How a band table turns a value into a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BandTable {
    /// Consecutive ranges, each `from` (included) `to` (excluded).
    Steps {
        /// Rows in order; the first has no `from`, the last no `to` when open.
        rows: Vec<BandStep>,
    },
    /// Straight lines between points, then a rate beyond the last.
    Interpolate {
        /// Points in increasing order of `at`.
        points: Vec<BandPoint>,
        /// Rate per unit beyond the last point (unit: result per looked-up unit).
        beyond: Option<Decimal>,
    },
}

/// A step band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandStep {
    /// Lower bound, included.
    pub from: Option<Decimal>,
    /// Upper bound, excluded.
    pub to: Option<Decimal>,
    /// The result.
    pub value: Decimal,
}

/// A point of straight-line bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandPoint {
    /// The value looked up.
    pub at: Decimal,
    /// The result there.
    pub value: Decimal,
}

/// A named calculation: `let`, `deduction` or `output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Name.
    pub id: String,
    /// What kind of step.
    pub kind: StepKind,
    /// Its calculation.
    pub expr: ExprId,
    /// Unit of its value.
    pub unit: Unit,
    /// The calculation as written in the rule file.
    pub formula: String,
}

/// The kinds of step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepKind {
    /// `let`
    Let {
        /// What the figure is, in words, when the file says.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    /// `deduction`: zero when its condition is false.
    Deduction {
        /// Reason sentence.
        reason: String,
        /// Marked `for informal support`.
        informal_support: bool,
        /// Condition; always applies when absent.
        when: Option<ExprId>,
    },
    /// `output`
    Output {
        /// Label.
        label: String,
    },
}

/// A flag: a named condition that never changes money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    /// Name.
    pub id: String,
    /// Sentence shown when raised.
    pub text: String,
    /// Condition.
    pub when: ExprId,
}

/// An answer consistency check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerCheck {
    /// Name.
    pub id: String,
    /// Message when the answers are inconsistent.
    pub message: String,
    /// Stop the case or only warn.
    pub action: CheckAction,
    /// When the answers are inconsistent.
    pub when: ExprId,
}

/// An eligibility requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// What must hold.
    pub condition: ExprId,
    /// The reason when it does not, with step values inserted.
    pub reason: Vec<ReasonPart>,
}

/// Part of a reason sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonPart {
    /// Words.
    Text(String),
    /// The value of a step.
    Step(StepId),
}

/// The approval route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// Name.
    pub id: String,
    /// What it decides.
    pub label: Option<String>,
    /// Rules; the first that holds wins.
    pub rules: Vec<RouteRule>,
}

/// One rule of the route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteRule {
    /// The route taken.
    pub id: String,
    /// What it means.
    pub text: String,
    /// Condition; `None` = otherwise.
    pub when: Option<ExprId>,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=`
    Eq,
    /// `!=`
    Ne,
}

impl CompareOp {
    /// Whether the comparison holds of two values that compare as `order`.
    #[inline]
    pub fn holds(self, order: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            CompareOp::Lt => order == Less,
            CompareOp::Le => order != Greater,
            CompareOp::Gt => order == Greater,
            CompareOp::Ge => order != Less,
            CompareOp::Eq => order == Equal,
            CompareOp::Ne => order != Equal,
        }
    }
}

/// What a code test looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// A choice question (codes are option indices) or a yes/no question (0 = no, 1 = yes).
    Question(QuestionId),
    /// The case's cohort (codes are cohort indices).
    Cohort,
    /// A case attribute (codes are value indices).
    Attribute(AttributeId),
}

/// One question's contribution to a total.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TotalTerm {
    /// The question.
    pub question: QuestionId,
    /// Index into the question's `units` of the value added.
    pub slot: u32,
    /// Domain weight (1 when unweighted).
    pub weight: Decimal,
}

/// An expression node. Children are ids into [`Model::exprs`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr {
    /// A number (its unit is known to the checker).
    Number {
        /// Value; percentages as written (10 for 10%).
        value: Decimal,
    },
    /// `true` / `false`.
    Bool {
        /// Value.
        value: bool,
    },
    /// The value `slot` of the chosen option of a choice question, or a number answer.
    Answer {
        /// The question.
        question: QuestionId,
        /// Index into the question's `units` (0 for number questions).
        slot: u32,
    },
    /// A parameter's value for this case.
    Parameter {
        /// The parameter.
        parameter: ParameterId,
    },
    /// A step's value.
    Step {
        /// The step.
        step: StepId,
    },
    /// Whether a flag is raised.
    Flag {
        /// The flag.
        flag: FlagId,
    },
    /// The costed plan's weekly cost.
    PlanCost,
    /// `-x`
    Neg {
        /// Operand.
        value: ExprId,
    },
    /// `not c`
    Not {
        /// Operand.
        value: ExprId,
    },
    /// `a + b` and friends (`*` never has a percentage operand: see `PercentOf`).
    Arith {
        /// Operator.
        arith: ArithOp,
        /// Left.
        left: ExprId,
        /// Right.
        right: ExprId,
    },
    /// `p% of x` = x * p / 100.
    PercentOf {
        /// The percentage.
        percent: ExprId,
        /// The quantity.
        value: ExprId,
    },
    /// `a < b` and friends.
    Compare {
        /// Operator.
        compare: CompareOp,
        /// Left.
        left: ExprId,
        /// Right.
        right: ExprId,
    },
    /// `a and b`
    And {
        /// Left.
        left: ExprId,
        /// Right.
        right: ExprId,
    },
    /// `a or b`
    Or {
        /// Left.
        left: ExprId,
        /// Right.
        right: ExprId,
    },
    /// `min(…)`
    Min {
        /// Operands (at least one).
        values: Vec<ExprId>,
    },
    /// `max(…)`
    Max {
        /// Operands (at least one).
        values: Vec<ExprId>,
    },
    /// `abs(x)`
    Abs {
        /// Operand.
        value: ExprId,
    },
    /// `count(c1, c2, …)`: how many hold.
    Count {
        /// Conditions.
        conditions: Vec<ExprId>,
    },
    /// `round(x, rule)`
    Round {
        /// Operand.
        value: ExprId,
        /// Rounding rule.
        rounding: Rounding,
    },
    /// A band lookup.
    Band {
        /// The band table.
        band: BandId,
        /// The value looked up.
        value: ExprId,
    },
    /// `total [weighted] points [in …]`
    Total {
        /// Which values.
        kind: ValueKind,
        /// Contributions.
        terms: Vec<TotalTerm>,
    },
    /// `q is 3`, `cohort in [a, b]`, `q is not 1`
    CodeIn {
        /// What is tested.
        subject: Subject,
        /// Code indices that match.
        codes: Vec<u32>,
        /// `is not` / `not in`.
        negated: bool,
    },
    /// `choose { v when c … v otherwise }`
    Choose {
        /// (condition, value) pairs; first match wins.
        choices: Vec<(ExprId, ExprId)>,
        /// Value when none match.
        otherwise: ExprId,
    },
}

/// A test written in the rule file, with names resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    /// Test name.
    pub name: String,
    /// The case given (answers by question id, as a case file would hold them).
    pub case: crate::case::Case,
    /// What must come out.
    pub expects: Vec<Expectation>,
}

/// What a test expects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "expect", rename_all = "snake_case")]
pub enum Expectation {
    /// A step has this value.
    Value {
        /// The step.
        step: StepId,
        /// The value.
        value: Decimal,
    },
    /// A flag is raised (or not).
    Flag {
        /// The flag.
        flag: FlagId,
        /// Raised?
        raised: bool,
    },
    /// No flag is raised.
    NoFlags,
    /// The route is this (or none).
    Route {
        /// Route rule id, or `None` for no route.
        route: Option<String>,
    },
    /// Eligible.
    Eligible,
    /// Not eligible, with a reason containing the text.
    NotEligible {
        /// Text the reasons must contain.
        reason: Option<String>,
    },
    /// Not validated for the cohort.
    NotValidated,
    /// The case fails with an error whose message contains the text.
    Error {
        /// Text the message must contain.
        message: String,
    },
}

impl Model {
    /// The step with this name.
    pub fn step_named(&self, name: &str) -> Option<StepId> {
        self.steps
            .iter()
            .position(|s| s.id == name)
            .map(|i| i as StepId)
    }

    /// The flag with this name.
    pub fn flag_named(&self, name: &str) -> Option<FlagId> {
        self.flags
            .iter()
            .position(|f| f.id == name)
            .map(|i| i as FlagId)
    }

    /// The question with this id.
    pub fn question_named(&self, name: &str) -> Option<QuestionId> {
        self.questions
            .iter()
            .position(|q| q.id == name)
            .map(|i| i as QuestionId)
    }

    /// The attribute with this id.
    pub fn attribute_named(&self, name: &str) -> Option<AttributeId> {
        self.attributes
            .iter()
            .position(|a| a.id == name)
            .map(|i| i as AttributeId)
    }

    /// The cohort with this id.
    pub fn cohort_named(&self, name: &str) -> Option<u32> {
        self.cohorts
            .iter()
            .position(|c| c.id == name)
            .map(|i| i as u32)
    }

    /// Calls `visit` once on every expression reachable from `root`, root
    /// first, following a flag into its condition ([`graph::walk`]).
    pub fn walk(&self, root: ExprId, visit: &mut dyn FnMut(ExprId, &Expr)) {
        graph::walk(self, root, visit);
    }

    /// Every expression a case's evaluation may start from: steps, deduction
    /// conditions, flags, answer checks, eligibility and the route.
    pub fn roots(&self) -> Vec<ExprId> {
        let mut roots: Vec<ExprId> = (0..self.steps.len() as StepId)
            .flat_map(|s| self.step_roots(s))
            .collect();
        roots.extend(self.flags.iter().map(|f| f.when));
        roots.extend(self.checks.iter().map(|c| c.when));
        roots.extend(self.eligibility.iter().map(|r| r.condition));
        if let Some(route) = &self.route {
            roots.extend(route.rules.iter().filter_map(|r| r.when));
        }
        roots
    }

    /// The unit a number expression gives, when it can be told from the model
    /// alone; `None` for a bare number or a condition. A checked or validated
    /// model is depth-bounded; the bound here keeps any other model safe too.
    pub fn unit_of(&self, id: ExprId) -> Option<Unit> {
        self.unit_within(id, 0)
    }

    fn unit_within(&self, id: ExprId, depth: u32) -> Option<Unit> {
        const DEEPEST: u32 = 64;
        if depth > DEEPEST {
            return None;
        }
        let inner = |e: ExprId| self.unit_within(e, depth + 1);
        match self.exprs.get(id as usize)? {
            Expr::Answer { question, slot } => {
                match &self.questions.get(*question as usize)?.kind {
                    QuestionKind::Choice { units, .. } => units.get(*slot as usize).copied(),
                    QuestionKind::Number { unit, .. } => Some(*unit),
                    QuestionKind::YesNo { .. } => None,
                }
            }
            Expr::Parameter { parameter } => {
                self.parameters.get(*parameter as usize).map(|p| p.unit)
            }
            Expr::Step { step } => self.steps.get(*step as usize).map(|s| s.unit),
            Expr::PlanCost => Some(Unit::Money),
            Expr::Count { .. } => Some(Unit::Number),
            Expr::Band { band, .. } => self.bands.get(*band as usize).map(|b| b.unit),
            Expr::Total { kind, .. } => Some(kind.unit()),
            Expr::Neg { value } | Expr::Abs { value } | Expr::Round { value, .. } => inner(*value),
            Expr::PercentOf { value, .. } => inner(*value),
            Expr::Arith { arith, left, right } => {
                let (l, r) = (inner(*left), inner(*right));
                match arith {
                    ArithOp::Add | ArithOp::Sub => l.or(r),
                    ArithOp::Mul => match (l, r) {
                        (Some(a), Some(b)) => a.times(b),
                        (a, b) => a.or(b),
                    },
                    ArithOp::Div => match (l, r) {
                        (Some(a), Some(b)) => a.divided_by(b),
                        (a, None) => a,
                        (None, Some(_)) => None,
                    },
                }
            }
            Expr::Min { values } | Expr::Max { values } => values.iter().find_map(|v| inner(*v)),
            Expr::Choose { choices, otherwise } => choices
                .iter()
                .map(|(_, v)| *v)
                .chain([*otherwise])
                .find_map(inner),
            Expr::Number { .. }
            | Expr::Bool { .. }
            | Expr::Flag { .. }
            | Expr::Compare { .. }
            | Expr::And { .. }
            | Expr::Or { .. }
            | Expr::Not { .. }
            | Expr::CodeIn { .. } => None,
        }
    }

    /// The steps an expression reads directly (not through other steps).
    pub fn steps_read(&self, root: ExprId) -> Vec<StepId> {
        let mut out = Vec::new();
        self.walk(root, &mut |_, e| {
            if let Expr::Step { step } = e {
                out.push(*step);
            }
        });
        out
    }

    /// The expressions a step's value depends on (its calculation and, for a
    /// deduction, its condition).
    pub fn step_roots(&self, step: StepId) -> Vec<ExprId> {
        match self.steps.get(step as usize) {
            None => vec![],
            Some(s) => {
                let mut roots = vec![s.expr];
                if let StepKind::Deduction { when: Some(w), .. } = &s.kind {
                    roots.push(*w);
                }
                roots
            }
        }
    }

    /// Steps in an order where each comes after every step it reads, or the
    /// steps of a cycle when there is one.
    pub fn dependency_order(&self) -> Result<Vec<StepId>, Vec<StepId>> {
        let sorted = graph::topological_order(self.steps.len(), |s| {
            self.step_deps(s as StepId)
                .into_iter()
                .map(|d| d as usize)
                .collect()
        });
        match sorted.cycles.into_iter().next() {
            Some(cycle) => Err(cycle.into_iter().map(|s| s as StepId).collect()),
            None => Ok(sorted.order.into_iter().map(|s| s as StepId).collect()),
        }
    }

    fn step_deps(&self, step: StepId) -> Vec<StepId> {
        let mut deps: Vec<StepId> = self
            .step_roots(step)
            .into_iter()
            .flat_map(|r| self.steps_read(r))
            .collect();
        deps.sort_unstable();
        deps.dedup();
        deps
    }
}

/// The child ids of an expression node.
pub fn children(expr: &Expr) -> Vec<ExprId> {
    match expr {
        Expr::Number { .. }
        | Expr::Bool { .. }
        | Expr::Answer { .. }
        | Expr::Parameter { .. }
        | Expr::Step { .. }
        | Expr::Flag { .. }
        | Expr::PlanCost
        | Expr::Total { .. }
        | Expr::CodeIn { .. } => vec![],
        Expr::Neg { value } | Expr::Not { value } | Expr::Abs { value } => vec![*value],
        Expr::Round { value, .. } | Expr::Band { value, .. } => vec![*value],
        Expr::Arith { left, right, .. }
        | Expr::Compare { left, right, .. }
        | Expr::And { left, right }
        | Expr::Or { left, right } => vec![*left, *right],
        Expr::PercentOf { percent, value } => vec![*percent, *value],
        Expr::Min { values } | Expr::Max { values } => values.clone(),
        Expr::Count { conditions } => conditions.clone(),
        Expr::Choose { choices, otherwise } => {
            let mut v: Vec<ExprId> = choices.iter().flat_map(|(c, x)| [*c, *x]).collect();
            v.push(*otherwise);
            v
        }
    }
}
