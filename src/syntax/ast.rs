//! Syntax tree of a rule file: what the author wrote, with a span on every node.
//!
//! Produced by [`crate::syntax::parse`]; read by the checker and the formatter.
//! Nothing here is resolved or checked yet: names are plain strings.

use super::span::Span;
use crate::date::Date;
use crate::units::Unit;
pub use crate::vocabulary::{CheckAction, Period, RoundMode, RoundTo, ValueKind};
use rust_decimal::Decimal;

/// A whole rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Declarations in file order.
    pub items: Vec<Item>,
    /// Every `#` comment, in file order (kept for the formatter).
    pub comments: Vec<Comment>,
}

/// A `#` comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// The text after `#`, without the line break.
    pub text: String,
    /// Where the comment is, `#` included.
    pub span: Span,
}

/// A name as written, e.g. `price_per_point`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A quoted sentence, e.g. `"Older people"`, with escapes resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The sentence.
    pub text: String,
    /// Where it is written, quotes included.
    pub span: Span,
}

/// An option code or attribute value, e.g. `3` or `some_willing`.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The code as written.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A date as written, e.g. `2010-01-01`.
#[derive(Debug, Clone, PartialEq)]
pub struct DateLit {
    /// The date.
    pub date: Date,
    /// Where it is written.
    pub span: Span,
}

/// A plain number as written, e.g. `1.5`.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberLit {
    /// The value.
    pub value: Decimal,
    /// Where it is written.
    pub span: Span,
}

/// A literal value: a quantity with its unit, a date, or yes/no.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// The value.
    pub value: LiteralValue,
    /// Where it is written.
    pub span: Span,
}

/// The value of a [`Literal`].
#[derive(Debug, Clone, PartialEq)]
pub enum LiteralValue {
    /// `£141.33`, `38 pts`, `10%`, `£4.88/pt`, `52`.
    Quantity(Decimal, Unit),
    /// `2010-01-01`.
    Date(Date),
    /// `true` / `false`.
    Bool(bool),
}

/// One declaration and the warnings acknowledged for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `allow …` lines written just before the declaration.
    pub allows: Vec<Allow>,
    /// The declaration.
    pub decl: Decl,
    /// The whole item, `allow` lines included.
    pub span: Span,
}

/// `allow money-cap "reason"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    /// The warning code, without the `ras::` prefix.
    pub code: Ident,
    /// Why the author accepts the warning.
    pub reason: Text,
    /// The whole line.
    pub span: Span,
}

/// A declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    /// `policy "…" { … }`
    Policy(Box<Policy>),
    /// `cohorts { … }`
    Cohorts(Cohorts),
    /// `attribute setting "…" { … }`
    Attribute(Box<Attribute>),
    /// `domain personal_care "…" weight 1.5`
    Domain(Box<Domain>),
    /// `question … `
    Question(Box<Question>),
    /// `parameter …`
    Parameter(Box<Parameter>),
    /// `bands …`
    Bands(Box<Bands>),
    /// `let name = expr`
    Let(Box<LetStep>),
    /// `deduction name "reason" = expr when cond`
    Deduction(Box<Deduction>),
    /// `output name "label" = expr`
    Output(Box<Output>),
    /// `flag name "sentence" when cond`
    Flag(Box<Flag>),
    /// `check name "message" stop|warn when cond`
    Check(Box<AnswerCheck>),
    /// `eligibility { require … else "…" }`
    Eligibility(Box<Eligibility>),
    /// `route name { … }`
    Route(Box<Route>),
    /// `test "name" { given … expect … }`
    Test(Box<Test>),
}

/// The policy header.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The policy title.
    pub title: Text,
    /// Header fields in written order.
    pub fields: Vec<HeaderField>,
    /// The keyword `policy` (where header diagnostics point).
    pub keyword: Span,
}

/// A header field with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderField {
    /// The field.
    pub value: HeaderValue,
    /// The whole field.
    pub span: Span,
}

/// The header fields.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderValue {
    /// `council "…"`
    Council(Text),
    /// `version "…"`
    Version(Text),
    /// `effective 2010-01-01`
    Effective(DateLit),
    /// `review 2010-07-01`
    Review(DateLit),
    /// `approved "Cabinet, 10 November 2009"`
    Approved(Text),
    /// `change "summary of change"`
    Change(Text),
    /// `appeal "how to ask for a review or appeal"`
    Appeal(Text),
    /// `period weekly`
    Period(Period),
    /// `rounding penny half_up`
    Rounding(RoundingRule),
}

impl HeaderValue {
    /// The field's keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            HeaderValue::Council(_) => "council",
            HeaderValue::Version(_) => "version",
            HeaderValue::Effective(_) => "effective",
            HeaderValue::Review(_) => "review",
            HeaderValue::Approved(_) => "approved",
            HeaderValue::Change(_) => "change",
            HeaderValue::Appeal(_) => "appeal",
            HeaderValue::Period(_) => "period",
            HeaderValue::Rounding(_) => "rounding",
        }
    }
}

/// A rounding rule: to what, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoundingRule {
    /// Penny or pound.
    pub to: RoundTo,
    /// Half up, half even, up or down; `None` takes the header's mode.
    pub mode: Option<RoundMode>,
}

/// `cohorts { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Cohorts {
    /// The cohorts in written order.
    pub cohorts: Vec<Cohort>,
}

/// `older_people "Older people" not validated "reason"`
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// The cohort's id.
    pub id: Ident,
    /// Its label.
    pub label: Text,
    /// Why the RAS is not validated for it, when it is not.
    pub not_validated: Option<Text>,
}

/// `attribute setting "Where the person lives" { own_home "Own home" … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// The attribute's id.
    pub id: Ident,
    /// Its label.
    pub label: Text,
    /// The values it may take.
    pub values: Vec<AttributeValue>,
}

/// `own_home "Own home"`
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeValue {
    /// The value's code.
    pub code: Code,
    /// Its label.
    pub label: Text,
}

/// `domain personal_care "Personal care" weight 1.5`
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    /// The domain's id.
    pub id: Ident,
    /// Its label.
    pub label: Text,
    /// Its weight (1 when absent).
    pub weight: Option<NumberLit>,
}

/// A question of the assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The question's id (the case column).
    pub id: Ident,
    /// The wording shown to the person.
    pub text: Text,
    /// The domain it belongs to.
    pub domain: Option<Ident>,
    /// Set when the question records whether carers are willing and able.
    pub carer_willingness: Option<Span>,
    /// Choice, yes/no or number.
    pub kind: QuestionKind,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    /// Coded options, each with values.
    Choice {
        /// The options in listed order.
        options: Vec<OptionDecl>,
        /// The explicit default option.
        default: Option<Code>,
    },
    /// `yes/no`.
    YesNo {
        /// The explicit default (`yes` or `no`).
        default: Option<Code>,
    },
    /// `number h from 0 to 168`.
    Number {
        /// The unit of the answer (a plain number when absent).
        unit: Option<Unit>,
        /// The smallest answer allowed.
        min: NumberLit,
        /// The largest answer allowed.
        max: NumberLit,
        /// The explicit default.
        default: Option<NumberLit>,
        /// The unit written after the default (`default 0 h`), and where.
        default_unit: Option<(Unit, Span)>,
    },
}

/// `3 "Help with most of it" 10 pts`
#[derive(Debug, Clone, PartialEq)]
pub struct OptionDecl {
    /// The option code.
    pub code: Code,
    /// The wording.
    pub text: Text,
    /// Its values, each with a unit (at most one per unit).
    pub values: Vec<Literal>,
    /// The whole option.
    pub span: Span,
}

/// `parameter price_per_point "Price per point" { from … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The parameter's id.
    pub id: Ident,
    /// What it is.
    pub label: Option<Text>,
    /// The unit declared for every value, e.g. `£/pt`, and where it is written.
    pub unit: Option<(Unit, Span)>,
    /// `by cohort` or `by <attribute>`.
    pub by: Option<Ident>,
    /// The values.
    pub body: ParameterBody,
}

/// The values of a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParameterBody {
    /// `= £15.75/h`
    Constant(Literal),
    /// `{ from … }` or `{ key value … }`
    Entries(Vec<ParameterEntry>),
}

/// One line of a parameter's values.
#[derive(Debug, Clone, PartialEq)]
pub enum ParameterEntry {
    /// `from 2009-04-01 £6.00/pt`
    From {
        /// When the value takes effect.
        date: DateLit,
        /// The value.
        value: Literal,
        /// The whole entry.
        span: Span,
    },
    /// `from 2024-04-01 { north £20/h south £21/h }`
    FromKeyed {
        /// When the values take effect.
        date: DateLit,
        /// The value for each cohort or attribute value.
        values: Vec<KeyedValue>,
        /// The whole entry.
        span: Span,
    },
    /// `older_people £4.88/pt`
    Keyed(KeyedValue),
}

/// `older_people £4.88/pt`
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedValue {
    /// The cohort or attribute value.
    pub key: Code,
    /// The value.
    pub value: Literal,
    /// The whole line.
    pub span: Span,
}

/// `bands contingency_rate on £ { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// The bands' id.
    pub id: Ident,
    /// What they are.
    pub label: Option<Text>,
    /// The unit of the value looked up.
    pub on: Unit,
    /// Where the unit is written.
    pub on_span: Span,
    /// Straight lines between points rather than steps.
    pub interpolate: bool,
    /// The rows in written order.
    pub rows: Vec<BandRow>,
}

/// `£100 to £200: 20%`
#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    /// Which values the row covers.
    pub range: BandRange,
    /// The value (or rate beyond the last point).
    pub value: Literal,
    /// The whole row.
    pub span: Span,
}

/// Which values a band row covers.
#[derive(Debug, Clone, PartialEq)]
pub enum BandRange {
    /// `below £100`
    Below(Literal),
    /// `£100 to £200` (from included, to excluded)
    Between(Literal, Literal),
    /// `£700 and above`
    AndAbove(Literal),
    /// `above` — the rate beyond the last point of straight-line bands.
    Beyond(Span),
    /// `10 pts` — a point of straight-line bands.
    Point(Literal),
}

/// `let name = expr`
#[derive(Debug, Clone, PartialEq)]
pub struct LetStep {
    /// The step's name.
    pub id: Ident,
    /// What the figure is, in words (optional).
    pub label: Option<Text>,
    /// Its calculation.
    pub expr: Expr,
}

/// `deduction name "reason" [for informal support] = amount [when condition]`
#[derive(Debug, Clone, PartialEq)]
pub struct Deduction {
    /// The deduction's name.
    pub id: Ident,
    /// The reason sentence shown to the person.
    pub reason: Text,
    /// Marked as a deduction for informal support.
    pub informal_support: Option<Span>,
    /// The amount deducted.
    pub amount: Expr,
    /// When it applies (always when absent); zero otherwise.
    pub when: Option<Expr>,
}

/// `output indicative "Indicative weekly personal budget" = expr`
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The output's name.
    pub id: Ident,
    /// Its label.
    pub label: Text,
    /// Its calculation.
    pub expr: Expr,
}

/// `flag chc_screening "Consider NHS CHC screening" when health is 3`
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// The flag's name.
    pub id: Ident,
    /// The sentence shown when raised.
    pub text: Text,
    /// When it is raised.
    pub when: Expr,
}

/// `check name "message" stop when cond`
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerCheck {
    /// The check's name.
    pub id: Ident,
    /// The message when it fails.
    pub message: Text,
    /// Stop the case, or only warn.
    pub action: CheckAction,
    /// When the answers are inconsistent.
    pub when: Expr,
}

/// `eligibility { require … else "…" }`
#[derive(Debug, Clone, PartialEq)]
pub struct Eligibility {
    /// Every requirement.
    pub requirements: Vec<Requirement>,
    /// The keyword.
    pub keyword: Span,
}

/// `require condition else "reason"`
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// What must hold.
    pub condition: Expr,
    /// The reason given when it does not; `{name}` inserts a step's value.
    pub reason: Text,
    /// The whole line.
    pub span: Span,
}

/// `route approval { panel "…" when … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The route's name.
    pub id: Ident,
    /// What it decides.
    pub label: Option<Text>,
    /// The rules; the first that matches wins.
    pub rules: Vec<RouteRule>,
}

/// `panel "Refer to panel" when indicative >= £1000`
#[derive(Debug, Clone, PartialEq)]
pub struct RouteRule {
    /// The route taken.
    pub id: Ident,
    /// What it means.
    pub text: Text,
    /// When it is taken; `None` for `otherwise`.
    pub when: Option<Expr>,
    /// The whole rule.
    pub span: Span,
}

/// `test "name" { given … expect … }`, `test "name" as "other" { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// The test's name.
    pub name: Text,
    /// `as "other"`: the test whose answers this one starts from.
    pub base: Option<Text>,
    /// `without name`: answers of the base test this one does not give.
    pub without: Vec<Ident>,
    /// The case: cohort, dates, plan cost, attributes, answers.
    pub givens: Vec<Given>,
    /// What must come out.
    pub expects: Vec<Expect>,
}

/// `personal_care 3`, `cohort older_people`, `plan_cost £420`
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    /// What is given.
    pub name: Ident,
    /// Its value.
    pub value: GivenValue,
    /// The pair.
    pub span: Span,
}

/// A given value.
#[derive(Debug, Clone, PartialEq)]
pub enum GivenValue {
    /// A number, amount, date or boolean.
    Literal(Literal),
    /// A word code such as `older_people` or `some_willing`.
    Code(Code),
}

/// One expectation of a test.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// What is expected.
    pub kind: ExpectKind,
    /// Where it is written.
    pub span: Span,
}

/// What a test expects.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpectKind {
    /// `error "text"`: the case fails with a message containing the text.
    Error(Text),
    /// `not validated`
    NotValidated,
    /// `not eligible ["text"]`
    NotEligible(Option<Text>),
    /// `eligible`
    Eligible,
    /// `no flags`
    NoFlags,
    /// `no flag name`
    NoFlag(Ident),
    /// `flag name`
    Flag(Ident),
    /// `no route`
    NoRoute,
    /// `route name`
    Route(Ident),
    /// `name value`
    Value(Ident, Literal),
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// The expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal value.
    Literal(LiteralValue),
    /// A question, step, parameter, flag, `cohort` or `plan_cost`.
    Name(String),
    /// `-x`, `not c`.
    Unary(UnaryOp, Box<Expr>),
    /// `a + b`, `10% of x`, `a and b`, `a >= b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `min(a, b)`, `count(…)`, a band lookup `contingency_rate(gross)`.
    Call(Ident, Vec<Expr>),
    /// `round(x)`, `round(x, pound)`.
    Round(Box<Expr>, Option<RoundingRule>),
    /// `total weighted points in [a, b]`.
    Total {
        /// Multiply by domain weights.
        weighted: bool,
        /// Which values to add up.
        kind: ValueKind,
        /// The domains (all questions when empty).
        domains: Vec<Ident>,
    },
    /// `health is 3`, `carer is not none`, `cohort in [a, b]`.
    CodeTest {
        /// The question, attribute or `cohort`.
        subject: Ident,
        /// `is not` / `not in`.
        negated: bool,
        /// The codes.
        codes: Vec<Code>,
    },
    /// `choose { v when c … v otherwise }`
    Choose {
        /// Value-condition pairs, first match wins.
        choices: Vec<(Expr, Expr)>,
        /// The value when none match.
        otherwise: Box<Expr>,
    },
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-`
    Neg,
    /// `not`
    Not,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `of` (a percentage of a quantity)
    Of,
    /// `and`
    And,
    /// `or`
    Or,
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

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Of => "of",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
        }
    }
}
