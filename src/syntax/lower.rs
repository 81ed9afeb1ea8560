//! Pest pairs -> syntax tree. The only place that knows the grammar's pair shapes.
//!
//! A file is read a declaration at a time (`next_item` in the grammar), so a
//! declaration with a mistake can be reported and left out, and reading go on
//! at the next declaration keyword ([`super::recover`]).
//!
//! A pair shape the grammar guarantees but that is somehow absent becomes an
//! `ras::internal` diagnostic rather than a panic.

use super::ast::*;
use super::errors::syntax_error;
use super::parser::{RasParser, Rule};
use super::quick;
use super::recover::{self, Skipped};
use super::scan::{self, code_chars, comment_start};
use super::span::Span;
use crate::date::Date;
use crate::diag::{codes, Diagnostic};
use crate::number::{self, NumberError};
use crate::units::Unit;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use rust_decimal::Decimal;
use std::cell::Cell;
use std::sync::OnceLock;

type Result<T> = std::result::Result<T, Diagnostic>;

/// A rule file as far as it could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The declarations that were read; a broken one is left out.
    pub file: File,
    /// Every syntax error, and every value that cannot be read (a date not in
    /// the calendar, a number with too many digits), in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The declarations left out, one per diagnostic.
    pub skipped: Vec<Skipped>,
}

/// Parses a rule file into its syntax tree, or returns every syntax error.
pub fn parse(source: &str) -> std::result::Result<File, Vec<Diagnostic>> {
    let parsed = parse_recovering(source);
    if parsed.diagnostics.is_empty() {
        Ok(parsed.file)
    } else {
        Err(parsed.diagnostics)
    }
}

/// Parses a rule file a declaration at a time: a declaration with a mistake
/// is reported and left out, and reading goes on at the next declaration
/// keyword, so one run finds every syntax error.
pub fn parse_recovering(source: &str) -> Parsed {
    read_recovering(source, true)
}

/// [`parse_recovering`], with the calculation declarations that read cleanly
/// read by [`quick`] (`quick`) or every declaration by pest: the two must
/// agree, which `syntax::tests` checks.
pub(super) fn read_recovering(source: &str, quick: bool) -> Parsed {
    let comments = collect_comments(source);
    // The parser, the checker and the evaluator recurse on nesting: refuse
    // what would exhaust the stack before it is read.
    if let Some(at) = too_deeply_nested(source) {
        let diagnostic = Diagnostic::new(
            codes::TOO_COMPLEX,
            format!("brackets are nested more than {MAX_NESTING} deep here"),
        )
        .label(Span::new(at, at + 1), "too deep")
        .hint("work the inner part out in its own step (`let …`) and use that step's name");
        return Parsed {
            file: File {
                items: Vec::new(),
                comments,
            },
            diagnostics: vec![diagnostic],
            skipped: vec![Skipped::of(source, Span::new(0, source.len()))],
        };
    }
    let mut items = Vec::new();
    let mut diagnostics = Vec::new();
    let mut skipped = Vec::new();
    let mut pos = 0;
    while pos <= source.len() {
        let rest = &source[pos..];
        let start = recover::item_start(rest);
        // The quick reader reads no further than pest would be shown: a
        // declaration it reads never holds a declaration keyword where
        // `read_limit` would stop (only as an option code after `is`, `in`,
        // `[` or `,`), and it must end at one.
        if quick {
            if let Some((item, end)) = rest.get(start..).and_then(|s| quick::item(s, pos + start)) {
                items.push(item);
                pos = end;
                continue;
            }
        }
        let seen = &rest[..recover::read_limit(rest, start)];
        match RasParser::parse(Rule::next_item, seen) {
            Ok(mut pairs) => {
                let item = pairs.next().and_then(|p| p.into_inner().next());
                let Some(item) = item.filter(|p| p.as_rule() == Rule::item) else {
                    break; // the end of the file
                };
                let end = pos + item.as_span().end();
                let at = read_from(pos, || span(&item));
                match read_from(pos, || lower_item(item)) {
                    Ok(item) => items.push(item),
                    Err(d) => {
                        diagnostics.push(d);
                        skipped.push(Skipped::of(source, at));
                    }
                }
                if end <= pos {
                    // INVARIANT: a declaration is never empty; should one be,
                    // stop rather than read the same place for ever.
                    diagnostics.push(internal(at, "declaration"));
                    break;
                }
                pos = end;
            }
            Err(e) => {
                // Parse again with pest's detailed attempts, which see
                // punctuation (`=`, `}`) that the plain error leaves out.
                // Detail stays on: turning it off again would race with a
                // parse in another thread.
                pest::set_error_detail(true);
                let detailed = RasParser::parse(Rule::next_item, seen).err().unwrap_or(e);
                let (diagnostic, resume) = syntax_error(rest, detailed, |error_at| {
                    recover::resume_point(rest, start, error_at)
                });
                let resume = resume.min(rest.len());
                diagnostics.push(shifted(diagnostic, pos));
                let broken = &rest[start..resume];
                let left_out = Span::new(pos + start, pos + start + trimmed_len(broken));
                skipped.push(Skipped::of(source, left_out));
                // INVARIANT: `resume_point` lies past the declaration's start
                // or at the end, so reading always moves on.
                if resume >= rest.len() || resume <= start {
                    break;
                }
                pos += resume;
            }
        }
    }
    Parsed {
        file: File { items, comments },
        diagnostics,
        skipped,
    }
}

thread_local! {
    /// Where the text pest is reading starts in the rule file. Declarations
    /// are read one at a time from the rest of the file, so pest's offsets
    /// count from there; [`span`] adds this to make them the file's.
    static READ_FROM: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f` with pest's offsets counted from `offset` in the file.
fn read_from<T>(offset: usize, f: impl FnOnce() -> T) -> T {
    let before = READ_FROM.with(|r| r.replace(offset));
    let out = f();
    READ_FROM.with(|r| r.set(before));
    out
}

/// A diagnostic about text that starts `by` bytes into the file.
fn shifted(mut diagnostic: Diagnostic, by: usize) -> Diagnostic {
    for label in &mut diagnostic.labels {
        label.span = Span::new(label.span.start + by, label.span.end + by);
    }
    diagnostic
}

/// Where a pair is written, without the whitespace and comments pest skips
/// after it (a rule ending in an optional part, such as `number ~ unit?`,
/// swallows the layout that follows it).
fn span(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    let base = READ_FROM.with(Cell::get);
    let start = base + s.start();
    Span::new(start, start + trimmed_len(s.as_str()))
}

/// The length of `text` once trailing whitespace and `#` comments are removed.
///
/// A string cannot span lines, so whether a `#` starts a comment is decided by
/// scanning its own line; `text` starts at a token, never inside a string.
fn trimmed_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    if !text[..end].contains('#') {
        return end; // no comment to remove
    }
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&text[line_start..end]) {
            Some(k) => end = text[..line_start + k].trim_end().len(),
            None => return end,
        }
    }
}

fn internal(at: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        codes::INTERNAL,
        format!("the parser lost track of a {what}"),
    )
    .at(at)
    .hint("this is a fault in ras, not in the rule file; please report it with the file")
}

/// Takes the next inner pair, which the grammar guarantees.
fn next<'i>(pairs: &mut Pairs<'i, Rule>, parent: Span, what: &str) -> Result<Pair<'i, Rule>> {
    pairs.next().ok_or_else(|| internal(parent, what))
}

/// Skips keyword pairs (`k_*`), which carry no meaning once parsed.
fn meaningful(pair: Pair<'_, Rule>) -> Pairs<'_, Rule> {
    pair.into_inner()
}

fn strip_keywords<'i>(pairs: Pairs<'i, Rule>) -> Vec<Pair<'i, Rule>> {
    pairs.filter(|p| !is_keyword(p.as_rule())).collect()
}

fn is_keyword(rule: Rule) -> bool {
    // Every pair of a declaration passes here: the rules' names are read once.
    static KEYWORDS: OnceLock<Vec<bool>> = OnceLock::new();
    let keywords = KEYWORDS.get_or_init(|| {
        let mut table = Vec::new();
        for r in Rule::all_rules() {
            let at = *r as usize;
            if table.len() <= at {
                table.resize(at + 1, false);
            }
            if let Some(slot) = table.get_mut(at) {
                *slot = format!("{r:?}").starts_with("k_");
            }
        }
        table
    });
    keywords.get(rule as usize).copied().unwrap_or(false)
}

struct Inner<'i> {
    pairs: std::vec::IntoIter<Pair<'i, Rule>>,
    at: Span,
}

impl<'i> Inner<'i> {
    fn of(pair: Pair<'i, Rule>) -> Inner<'i> {
        let at = span(&pair);
        Inner {
            pairs: strip_keywords(meaningful(pair)).into_iter(),
            at,
        }
    }

    fn next(&mut self, what: &str) -> Result<Pair<'i, Rule>> {
        self.pairs.next().ok_or_else(|| internal(self.at, what))
    }

    fn rest(self) -> std::vec::IntoIter<Pair<'i, Rule>> {
        self.pairs
    }

    fn peek_rule(&self) -> Option<Rule> {
        self.pairs.as_slice().first().map(|p| p.as_rule())
    }

    fn next_if(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        if self.peek_rule() == Some(rule) {
            self.pairs.next()
        } else {
            None
        }
    }
}

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span(&pair),
    }
}

fn code(pair: Pair<'_, Rule>) -> Code {
    Code {
        text: pair.as_str().to_string(),
        span: span(&pair),
    }
}

fn text(pair: Pair<'_, Rule>) -> Text {
    let at = span(&pair);
    let raw = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(escaped) = chars.next() {
                out.push(escaped);
            }
        } else {
            out.push(c);
        }
    }
    Text {
        text: out,
        span: at,
    }
}

/// The value of a number or an amount as written, exactly: through the one
/// decimal reader ([`crate::number`]), so nothing is rounded.
fn decimal(pair: &Pair<'_, Rule>) -> Result<Decimal> {
    let written = pair.as_str();
    // The grammar allows thousands separators in amounts (`£1,100.00`) and
    // places them; the reader takes plain digits.
    let digits: String = written.chars().filter(|c| *c != ',').collect();
    number::parse_decimal(&digits).map_err(|e| match e {
        NumberError::TooPrecise { .. } if whole_digits(&digits) > number::MAX_DIGITS => {
            Diagnostic::new(
                codes::NUMBER_TOO_LARGE,
                format!("`{written}` is too large or too precise to hold exactly"),
            )
            .label(span(pair), "this number")
            .hint("numbers hold up to 28 significant digits")
        }
        NumberError::TooPrecise { .. } => {
            Diagnostic::new(codes::NUMBER_TOO_PRECISE, e.message(written))
                .label(span(pair), "this number")
                .hint(
                    "nothing is rounded for you: write the figure the policy sets, \
                     with at most 28 significant digits",
                )
        }
        NumberError::Empty | NumberError::NotANumber | NumberError::Negative => {
            internal(span(pair), "number")
        }
    })
}

/// How many significant digits a plain decimal has before its point.
fn whole_digits(digits: &str) -> usize {
    let unsigned = digits.trim_start_matches(['-', '+']);
    let whole = unsigned.split('.').next().unwrap_or("");
    whole.trim_start_matches('0').len()
}

fn number(pair: Pair<'_, Rule>) -> Result<NumberLit> {
    Ok(NumberLit {
        value: decimal(&pair)?,
        span: span(&pair),
    })
}

fn date(pair: Pair<'_, Rule>) -> Result<DateLit> {
    let at = span(&pair);
    let date = Date::parse(pair.as_str()).ok_or_else(|| {
        Diagnostic::new(
            codes::BAD_DATE,
            format!("`{}` is not a date in the calendar", pair.as_str()),
        )
        .label(at, "no such day")
        .hint("write dates as YYYY-MM-DD, e.g. 2010-01-01")
    })?;
    Ok(DateLit { date, span: at })
}

fn unit_word(pair: &Pair<'_, Rule>) -> Result<Unit> {
    Unit::from_word(pair.as_str()).ok_or_else(|| internal(span(pair), "unit"))
}

fn declared_unit(pair: &Pair<'_, Rule>) -> Result<Unit> {
    let at = span(pair);
    match pair.clone().into_inner().next() {
        None => Ok(Unit::Money),
        Some(inner) if inner.as_rule() == Rule::per_unit => unit_word(&inner)?
            .money_per()
            .ok_or_else(|| internal(at, "rate")),
        Some(inner) => unit_word(&inner),
    }
}

fn literal(pair: Pair<'_, Rule>) -> Result<Literal> {
    let at = span(&pair);
    let value = match pair.as_rule() {
        Rule::date => LiteralValue::Date(date(pair)?.date),
        Rule::boolean => LiteralValue::Bool(pair.as_str() == "true"),
        Rule::money => {
            let mut inner = pair.into_inner();
            let amount = next(&mut inner, at, "amount")?;
            let value = decimal(&amount)?;
            match inner.next() {
                None => LiteralValue::Quantity(value, Unit::Money),
                Some(per) => {
                    let per_unit = unit_word(&per)?;
                    let unit = per_unit.money_per().ok_or_else(|| internal(at, "rate"))?;
                    LiteralValue::Quantity(value, unit)
                }
            }
        }
        Rule::quantity | Rule::quantity_with_unit => {
            let mut inner = pair.into_inner();
            let n = next(&mut inner, at, "number")?;
            let value = decimal(&n)?;
            let unit = match inner.next() {
                Some(u) => unit_word(&u)?,
                None => Unit::Number,
            };
            LiteralValue::Quantity(value, unit)
        }
        _ => return Err(internal(at, "value")),
    };
    Ok(Literal { value, span: at })
}

fn rounding_rule(pair: Pair<'_, Rule>) -> Result<RoundingRule> {
    let at = span(&pair);
    let mut inner = pair.into_inner();
    let to = match next(&mut inner, at, "rounding")?.as_str() {
        "pound" => RoundTo::Pound,
        _ => RoundTo::Penny,
    };
    let mode = inner.next().map(|m| match m.as_str() {
        "half_even" => RoundMode::HalfEven,
        "up" => RoundMode::Up,
        "down" => RoundMode::Down,
        _ => RoundMode::HalfUp,
    });
    Ok(RoundingRule { to, mode })
}

fn lower_item(pair: Pair<'_, Rule>) -> Result<Item> {
    let at = span(&pair);
    let mut allows = Vec::new();
    let mut decl = None;
    for p in pair.into_inner() {
        if p.as_rule() == Rule::allow {
            let allow_span = span(&p);
            let mut inner = Inner::of(p);
            let c = inner.next("warning code")?;
            let name = c.as_str().trim_start_matches("ras::").to_string();
            let code = Ident {
                name,
                span: span(&c),
            };
            let reason = text(inner.next("reason")?);
            allows.push(Allow {
                code,
                reason,
                span: allow_span,
            });
        } else {
            decl = Some(lower_decl(p)?);
        }
    }
    let decl = decl.ok_or_else(|| internal(at, "declaration"))?;
    Ok(Item {
        allows,
        decl,
        span: at,
    })
}

fn lower_decl(pair: Pair<'_, Rule>) -> Result<Decl> {
    Ok(match pair.as_rule() {
        Rule::policy => Decl::Policy(Box::new(policy(pair)?)),
        Rule::cohorts => {
            let mut cohorts = Vec::new();
            for c in Inner::of(pair).rest() {
                let mut inner = Inner::of(c);
                let id = ident(inner.next("cohort")?);
                let label = text(inner.next("label")?);
                let not_validated = match inner.next_if(Rule::not_validated) {
                    Some(nv) => Some(text(Inner::of(nv).next("reason")?)),
                    None => None,
                };
                cohorts.push(Cohort {
                    id,
                    label,
                    not_validated,
                });
            }
            Decl::Cohorts(Cohorts { cohorts })
        }
        Rule::attribute => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("attribute")?);
            let label = text(inner.next("label")?);
            let mut values = Vec::new();
            for v in inner.rest() {
                let mut vi = Inner::of(v);
                values.push(AttributeValue {
                    code: code(vi.next("value")?),
                    label: text(vi.next("label")?),
                });
            }
            Decl::Attribute(Box::new(Attribute { id, label, values }))
        }
        Rule::domain => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("domain")?);
            let label = text(inner.next("label")?);
            let weight = match inner.next_if(Rule::weight) {
                Some(w) => Some(number(Inner::of(w).next("weight")?)?),
                None => None,
            };
            Decl::Domain(Box::new(Domain { id, label, weight }))
        }
        Rule::question => Decl::Question(Box::new(question(pair)?)),
        Rule::parameter => Decl::Parameter(Box::new(parameter(pair)?)),
        Rule::bands => Decl::Bands(Box::new(bands(pair)?)),
        Rule::let_step => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let label = inner.next_if(Rule::string).map(text);
            let expr = expr(inner.next("calculation")?)?;
            Decl::Let(Box::new(LetStep { id, label, expr }))
        }
        Rule::deduction => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let reason = text(inner.next("reason")?);
            let informal_support = inner.next_if(Rule::informal_support).map(|p| span(&p));
            let amount = expr(inner.next("amount")?)?;
            let when = match inner.next_if(Rule::when_clause) {
                Some(w) => Some(expr(Inner::of(w).next("condition")?)?),
                None => None,
            };
            Decl::Deduction(Box::new(Deduction {
                id,
                reason,
                informal_support,
                amount,
                when,
            }))
        }
        Rule::output => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let label = text(inner.next("label")?);
            let expr = expr(inner.next("calculation")?)?;
            Decl::Output(Box::new(Output { id, label, expr }))
        }
        Rule::flag => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let t = text(inner.next("sentence")?);
            let when = expr(inner.next("condition")?)?;
            Decl::Flag(Box::new(Flag { id, text: t, when }))
        }
        Rule::answer_check => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let message = text(inner.next("message")?);
            let action = match inner.next("action")?.as_str() {
                "stop" => CheckAction::Stop,
                _ => CheckAction::Warn,
            };
            let when = expr(inner.next("condition")?)?;
            Decl::Check(Box::new(AnswerCheck {
                id,
                message,
                action,
                when,
            }))
        }
        Rule::eligibility => {
            let at = span(&pair);
            let keyword = Span::new(at.start, at.start + "eligibility".len());
            let mut requirements = Vec::new();
            for r in Inner::of(pair).rest() {
                let rs = span(&r);
                let mut inner = Inner::of(r);
                let condition = expr(inner.next("condition")?)?;
                let reason = text(inner.next("reason")?);
                requirements.push(Requirement {
                    condition,
                    reason,
                    span: rs,
                });
            }
            Decl::Eligibility(Box::new(Eligibility {
                requirements,
                keyword,
            }))
        }
        Rule::route => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let label = inner.next_if(Rule::string).map(text);
            let mut rules = Vec::new();
            for r in inner.rest() {
                let rs = span(&r);
                let mut ri = Inner::of(r);
                let rid = ident(ri.next("route")?);
                let t = text(ri.next("sentence")?);
                let cond = ri.next("condition")?;
                let when = match cond.as_rule() {
                    Rule::when_clause => Some(expr(Inner::of(cond).next("condition")?)?),
                    _ => None,
                };
                rules.push(RouteRule {
                    id: rid,
                    text: t,
                    when,
                    span: rs,
                });
            }
            Decl::Route(Box::new(Route { id, label, rules }))
        }
        Rule::test => Decl::Test(Box::new(test(pair)?)),
        _ => return Err(internal(span(&pair), "declaration")),
    })
}

fn policy(pair: Pair<'_, Rule>) -> Result<Policy> {
    let at = span(&pair);
    let keyword = Span::new(at.start, at.start + "policy".len());
    let mut inner = Inner::of(pair);
    let title = text(inner.next("title")?);
    let mut fields = Vec::new();
    for f in inner.rest() {
        let fs = span(&f);
        let rule = f.as_rule();
        let mut fi = Inner::of(f);
        let v = fi.next("header value")?;
        let value = match rule {
            Rule::council => HeaderValue::Council(text(v)),
            Rule::version => HeaderValue::Version(text(v)),
            Rule::effective => HeaderValue::Effective(date(v)?),
            Rule::review => HeaderValue::Review(date(v)?),
            Rule::approved => HeaderValue::Approved(text(v)),
            Rule::change => HeaderValue::Change(text(v)),
            Rule::appeal => HeaderValue::Appeal(text(v)),
            Rule::period => HeaderValue::Period(match v.as_str() {
                "four_weekly" => Period::FourWeekly,
                "monthly" => Period::Monthly,
                "annual" => Period::Annual,
                _ => Period::Weekly,
            }),
            Rule::rounding => HeaderValue::Rounding(rounding_rule(v)?),
            _ => return Err(internal(fs, "header field")),
        };
        fields.push(HeaderField { value, span: fs });
    }
    Ok(Policy {
        title,
        fields,
        keyword,
    })
}

fn question(pair: Pair<'_, Rule>) -> Result<Question> {
    let mut inner = Inner::of(pair);
    let id = ident(inner.next("question id")?);
    let t = text(inner.next("wording")?);
    let domain = match inner.next_if(Rule::in_domain) {
        Some(d) => Some(ident(Inner::of(d).next("domain")?)),
        None => None,
    };
    let carer_willingness = inner.next_if(Rule::carer_willingness).map(|p| span(&p));
    let k = inner.next("kind")?;
    let kind = match k.as_rule() {
        Rule::choice_kind => {
            let mut options = Vec::new();
            let mut default = None;
            for o in Inner::of(k).rest() {
                if o.as_rule() == Rule::default_code {
                    default = Some(code(Inner::of(o).next("default")?));
                    continue;
                }
                let os = span(&o);
                let mut oi = Inner::of(o);
                let c = code(oi.next("code")?);
                let ot = text(oi.next("wording")?);
                let mut values = Vec::new();
                for v in oi.rest() {
                    let value = Inner::of(v).next("value")?;
                    values.push(literal(value)?);
                }
                options.push(OptionDecl {
                    code: c,
                    text: ot,
                    values,
                    span: os,
                });
            }
            QuestionKind::Choice { options, default }
        }
        Rule::yes_no_kind => {
            let default = match Inner::of(k).next_if(Rule::default_code) {
                Some(d) => Some(code(Inner::of(d).next("default")?)),
                None => None,
            };
            QuestionKind::YesNo { default }
        }
        Rule::number_kind => {
            let mut ni = Inner::of(k);
            let unit = match ni.next_if(Rule::unit) {
                Some(u) => Some(unit_word(&u)?),
                None => None,
            };
            let min = number(ni.next("smallest answer")?)?;
            let max = number(ni.next("largest answer")?)?;
            let (default, default_unit) = match ni.next_if(Rule::default_number) {
                Some(d) => {
                    let mut di = Inner::of(d);
                    let value = number(di.next("default")?)?;
                    let unit = match di.next_if(Rule::unit) {
                        Some(u) => Some((unit_word(&u)?, span(&u))),
                        None => None,
                    };
                    (Some(value), unit)
                }
                None => (None, None),
            };
            QuestionKind::Number {
                unit,
                min,
                max,
                default,
                default_unit,
            }
        }
        _ => return Err(internal(span(&k), "question kind")),
    };
    Ok(Question {
        id,
        text: t,
        domain,
        carer_willingness,
        kind,
    })
}

fn keyed_value(pair: Pair<'_, Rule>) -> Result<KeyedValue> {
    let at = span(&pair);
    let mut inner = Inner::of(pair);
    let key = code(inner.next("key")?);
    let value = literal(inner.next("value")?)?;
    Ok(KeyedValue {
        key,
        value,
        span: at,
    })
}

fn parameter(pair: Pair<'_, Rule>) -> Result<Parameter> {
    let mut inner = Inner::of(pair);
    let id = ident(inner.next("parameter")?);
    let label = inner.next_if(Rule::string).map(text);
    let unit = match inner.next_if(Rule::declared_unit) {
        Some(u) => Some((declared_unit(&u)?, span(&u))),
        None => None,
    };
    let by = match inner.next_if(Rule::by_key) {
        Some(b) => Some(ident(Inner::of(b).next("by")?)),
        None => None,
    };
    let b = inner.next("values")?;
    let body = match b.as_rule() {
        Rule::parameter_constant => ParameterBody::Constant(literal(Inner::of(b).next("value")?)?),
        _ => {
            let mut entries = Vec::new();
            for e in Inner::of(b).rest() {
                let es = span(&e);
                match e.as_rule() {
                    Rule::keyed_value => entries.push(ParameterEntry::Keyed(keyed_value(e)?)),
                    _ => {
                        let mut ei = Inner::of(e);
                        let d = date(ei.next("date")?)?;
                        let v = ei.next("value")?;
                        if v.as_rule() == Rule::keyed_block {
                            let values = Inner::of(v)
                                .rest()
                                .map(keyed_value)
                                .collect::<Result<Vec<_>>>()?;
                            entries.push(ParameterEntry::FromKeyed {
                                date: d,
                                values,
                                span: es,
                            });
                        } else {
                            entries.push(ParameterEntry::From {
                                date: d,
                                value: literal(v)?,
                                span: es,
                            });
                        }
                    }
                }
            }
            ParameterBody::Entries(entries)
        }
    };
    Ok(Parameter {
        id,
        label,
        unit,
        by,
        body,
    })
}

fn bands(pair: Pair<'_, Rule>) -> Result<Bands> {
    let mut inner = Inner::of(pair);
    let id = ident(inner.next("bands")?);
    let label = inner.next_if(Rule::string).map(text);
    let u = inner.next("unit")?;
    let on_span = span(&u);
    let on = unit_word(&u)?;
    let interpolate = inner.next_if(Rule::interpolate).is_some();
    let mut rows = Vec::new();
    for r in inner.rest() {
        let rs = span(&r);
        let mut ri = Inner::of(r);
        let range_pair = ri.next("range")?;
        let range_span = span(&range_pair);
        let range = {
            let rule = range_pair.as_rule();
            let mut parts = Inner::of(range_pair);
            match rule {
                Rule::band_below => BandRange::Below(literal(parts.next("bound")?)?),
                Rule::band_between => {
                    let from = literal(parts.next("from")?)?;
                    let to = literal(parts.next("to")?)?;
                    BandRange::Between(from, to)
                }
                Rule::band_and_above => BandRange::AndAbove(literal(parts.next("bound")?)?),
                Rule::band_beyond => BandRange::Beyond(range_span),
                _ => BandRange::Point(literal(parts.next("point")?)?),
            }
        };
        let value = literal(ri.next("value")?)?;
        rows.push(BandRow {
            range,
            value,
            span: rs,
        });
    }
    Ok(Bands {
        id,
        label,
        on,
        on_span,
        interpolate,
        rows,
    })
}

fn test(pair: Pair<'_, Rule>) -> Result<Test> {
    let mut inner = Inner::of(pair);
    let name = text(inner.next("test name")?);
    let base = match inner.next_if(Rule::test_base) {
        Some(b) => Some(text(Inner::of(b).next("base test name")?)),
        None => None,
    };
    let mut givens = Vec::new();
    let mut without = Vec::new();
    let mut expects = Vec::new();
    for line in inner.rest() {
        match line.as_rule() {
            Rule::without => {
                for w in Inner::of(line).rest() {
                    without.push(ident(w));
                }
            }
            Rule::given => {
                for g in Inner::of(line).rest() {
                    let gs = span(&g);
                    let mut gi = Inner::of(g);
                    let n = ident(gi.next("name")?);
                    let v = gi.next("value")?;
                    let value = if v.as_rule() == Rule::code {
                        GivenValue::Code(code(v))
                    } else {
                        GivenValue::Literal(literal(v)?)
                    };
                    givens.push(Given {
                        name: n,
                        value,
                        span: gs,
                    });
                }
            }
            _ => {
                for e in Inner::of(line).rest() {
                    let es = span(&e);
                    let rule = e.as_rule();
                    let mut ei = Inner::of(e);
                    let kind = match rule {
                        Rule::expect_error => ExpectKind::Error(text(ei.next("message")?)),
                        Rule::expect_not_validated => ExpectKind::NotValidated,
                        Rule::expect_not_eligible => {
                            ExpectKind::NotEligible(ei.next_if(Rule::string).map(text))
                        }
                        Rule::expect_eligible => ExpectKind::Eligible,
                        Rule::expect_no_flags => ExpectKind::NoFlags,
                        Rule::expect_no_flag => ExpectKind::NoFlag(ident(ei.next("flag")?)),
                        Rule::expect_flag => ExpectKind::Flag(ident(ei.next("flag")?)),
                        Rule::expect_no_route => ExpectKind::NoRoute,
                        Rule::expect_route => ExpectKind::Route(ident(ei.next("route")?)),
                        _ => {
                            let n = ident(ei.next("name")?);
                            ExpectKind::Value(n, literal(ei.next("value")?)?)
                        }
                    };
                    expects.push(Expect { kind, span: es });
                }
            }
        }
    }
    Ok(Test {
        name,
        base,
        without,
        givens,
        expects,
    })
}

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::or, Assoc::Left))
            .op(Op::infix(Rule::and, Assoc::Left))
            .op(Op::prefix(Rule::not_op))
            .op(Op::infix(Rule::lt, Assoc::Left)
                | Op::infix(Rule::le, Assoc::Left)
                | Op::infix(Rule::gt, Assoc::Left)
                | Op::infix(Rule::ge, Assoc::Left)
                | Op::infix(Rule::eq, Assoc::Left)
                | Op::infix(Rule::ne, Assoc::Left))
            .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
            .op(Op::infix(Rule::mul, Assoc::Left)
                | Op::infix(Rule::div, Assoc::Left)
                | Op::infix(Rule::of, Assoc::Left))
            .op(Op::prefix(Rule::neg))
    })
}

/// How deeply `(`, `[` and `{` may nest.
const MAX_NESTING: usize = 32;

/// How many operators and values one calculation may chain at one level.
pub(super) const MAX_EXPR_TOKENS: usize = 400;

/// How deep the tree of one calculation may be.
pub(super) const MAX_EXPR_DEPTH: usize = 200;

/// Where brackets first nest more than [`MAX_NESTING`] deep (strings and
/// comments aside).
pub(super) fn too_deeply_nested(source: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in code_chars(source) {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(at);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The depth of an expression tree, counted no further than `limit + 1`.
pub(super) fn depth(e: &Expr, limit: usize) -> usize {
    if limit == 0 {
        return 1;
    }
    let below = match &e.kind {
        ExprKind::Literal(_)
        | ExprKind::Name(_)
        | ExprKind::Total { .. }
        | ExprKind::CodeTest { .. } => 0,
        ExprKind::Unary(_, x) | ExprKind::Round(x, _) => depth(x, limit - 1),
        ExprKind::Binary(_, a, b) => depth(a, limit - 1).max(depth(b, limit - 1)),
        ExprKind::Call(_, args) => args.iter().map(|a| depth(a, limit - 1)).max().unwrap_or(0),
        ExprKind::Choose { choices, otherwise } => choices
            .iter()
            .flat_map(|(v, c)| [v, c])
            .chain([otherwise.as_ref()])
            .map(|x| depth(x, limit - 1))
            .max()
            .unwrap_or(0),
    };
    below + 1
}

fn too_complex(at: Span) -> Diagnostic {
    Diagnostic::new(
        codes::TOO_COMPLEX,
        "this calculation is too long to check in one piece",
    )
    .label(at, "too many operators")
    .hint("split it into steps (`let part = …`) and combine the steps")
}

fn expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let at = span(&pair);
    if pair.clone().into_inner().len() > MAX_EXPR_TOKENS {
        return Err(too_complex(at));
    }
    let e = pratt_expr(pair)?;
    if depth(&e, MAX_EXPR_DEPTH) > MAX_EXPR_DEPTH {
        return Err(too_complex(at));
    }
    Ok(e)
}

fn pratt_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    pratt()
        .map_primary(primary)
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let at = span(&op).join(rhs.span);
            let op = if op.as_rule() == Rule::neg {
                UnaryOp::Neg
            } else {
                UnaryOp::Not
            };
            Ok(Expr {
                kind: ExprKind::Unary(op, Box::new(rhs)),
                span: at,
            })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let op = match op.as_rule() {
                Rule::add => BinaryOp::Add,
                Rule::sub => BinaryOp::Sub,
                Rule::mul => BinaryOp::Mul,
                Rule::div => BinaryOp::Div,
                Rule::of => BinaryOp::Of,
                Rule::and => BinaryOp::And,
                Rule::or => BinaryOp::Or,
                Rule::lt => BinaryOp::Lt,
                Rule::le => BinaryOp::Le,
                Rule::gt => BinaryOp::Gt,
                Rule::ge => BinaryOp::Ge,
                Rule::eq => BinaryOp::Eq,
                _ => BinaryOp::Ne,
            };
            let at = lhs.span.join(rhs.span);
            Ok(Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span: at,
            })
        })
        .parse(pair.into_inner())
}

fn primary(pair: Pair<'_, Rule>) -> Result<Expr> {
    let at = span(&pair);
    let kind = match pair.as_rule() {
        Rule::paren => {
            let inner = Inner::of(pair).next("expression")?;
            let mut e = expr(inner)?;
            // The parentheses belong to the expression's extent, for messages.
            e.span = at;
            return Ok(e);
        }
        Rule::date | Rule::money | Rule::boolean | Rule::quantity => {
            literal(pair)?.value.into_expr()
        }
        Rule::choose => {
            let mut choices = Vec::new();
            let mut otherwise = None;
            for c in Inner::of(pair).rest() {
                let is_otherwise = c.as_rule() == Rule::choice_otherwise;
                let mut ci = Inner::of(c);
                let value = expr(ci.next("value")?)?;
                if is_otherwise {
                    otherwise = Some(Box::new(value));
                } else {
                    let condition = expr(ci.next("condition")?)?;
                    choices.push((value, condition));
                }
            }
            let otherwise = otherwise.ok_or_else(|| internal(at, "otherwise"))?;
            ExprKind::Choose { choices, otherwise }
        }
        Rule::total => {
            let mut inner = Inner::of(pair);
            let weighted = inner.next_if(Rule::weighted).is_some();
            let k = inner.next("value kind")?;
            let kind = ValueKind::from_keyword(k.as_str())
                .ok_or_else(|| internal(span(&k), "value kind"))?;
            let domains = match inner.next_if(Rule::domain_set) {
                Some(set) => Inner::of(set).rest().map(ident).collect(),
                None => Vec::new(),
            };
            ExprKind::Total {
                weighted,
                kind,
                domains,
            }
        }
        Rule::round_call => {
            let mut inner = Inner::of(pair);
            let value = expr(inner.next("value")?)?;
            let rule = match inner.next_if(Rule::rounding_rule) {
                Some(r) => Some(rounding_rule(r)?),
                None => None,
            };
            ExprKind::Round(Box::new(value), rule)
        }
        Rule::name_led => {
            let mut inner = pair.into_inner();
            let name = next(&mut inner, at, "name")?;
            match inner.next() {
                None => ExprKind::Name(name.as_str().to_string()),
                Some(args) if args.as_rule() == Rule::call_args => {
                    let args = args.into_inner().map(expr).collect::<Result<Vec<_>>>()?;
                    ExprKind::Call(ident(name), args)
                }
                Some(op) => {
                    let negated = matches!(op.as_rule(), Rule::is_not | Rule::not_in);
                    let codes = Inner::of(next(&mut inner, at, "codes")?)
                        .rest()
                        .map(code)
                        .collect();
                    ExprKind::CodeTest {
                        subject: ident(name),
                        negated,
                        codes,
                    }
                }
            }
        }
        _ => return Err(internal(at, "expression")),
    };
    Ok(Expr { kind, span: at })
}

impl LiteralValue {
    fn into_expr(self) -> ExprKind {
        ExprKind::Literal(self)
    }
}

/// Every `#` comment, with its text (the formatter keeps them).
fn collect_comments(source: &str) -> Vec<Comment> {
    scan::comments(source)
        .map(|span| Comment {
            text: source[span.start + 1..span.end]
                .trim_end_matches('\r')
                .to_string(),
            span,
        })
        .collect()
}
