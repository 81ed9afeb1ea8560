//! Pest pairs -> syntax tree. The only place that knows the grammar's pair shapes.
//!
//! A pair shape the grammar guarantees but that is somehow absent becomes an
//! `ras::internal` diagnostic rather than a panic.

use super::ast::*;
use super::parser::{RasParser, Rule};
use super::span::Span;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::units::Unit;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

type Result<T> = std::result::Result<T, Diagnostic>;

/// Parses a rule file into its syntax tree, or returns the syntax error.
pub fn parse(source: &str) -> std::result::Result<File, Vec<Diagnostic>> {
    // The parser, the checker and the evaluator recurse on nesting: refuse
    // what would exhaust the stack before it is read.
    if let Some(at) = too_deeply_nested(source) {
        return Err(vec![Diagnostic::error(
            "ras::too-complex",
            format!("brackets are nested more than {MAX_NESTING} deep here"),
        )
        .label(Span::new(at, at + 1), "too deep")
        .hint(
            "work the inner part out in its own step (`let …`) and use that step's name",
        )]);
    }
    let mut pairs = RasParser::parse(Rule::file, source).map_err(|e| {
        // Parse again with pest's detailed attempts, which see punctuation
        // (`=`, `}`) that the plain error leaves out. Detail stays on: turning
        // it off again would race with a parse in another thread.
        pest::set_error_detail(true);
        let detailed = RasParser::parse(Rule::file, source).err().unwrap_or(e);
        vec![syntax_error(source, detailed)]
    })?;
    let file = pairs
        .next()
        .ok_or_else(|| vec![internal(Span::default(), "file")])?;
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for pair in file.into_inner() {
        match pair.as_rule() {
            Rule::item => match lower_item(pair) {
                Ok(item) => items.push(item),
                Err(d) => errors.push(d),
            },
            Rule::EOI => {}
            _ => errors.push(internal(span(&pair), "item")),
        }
    }
    if errors.is_empty() {
        Ok(File {
            items,
            comments: collect_comments(source),
        })
    } else {
        Err(errors)
    }
}

/// Where a pair is written, without the whitespace and comments pest skips
/// after it (a rule ending in an optional part, such as `number ~ unit?`,
/// swallows the layout that follows it).
fn span(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.start() + trimmed_len(s.as_str()))
}

/// The length of `text` once trailing whitespace and `#` comments are removed.
///
/// A string cannot span lines, so whether a `#` starts a comment is decided by
/// scanning its own line; `text` starts at a token, never inside a string.
fn trimmed_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&text[line_start..end]) {
            Some(k) => end = text[..line_start + k].trim_end().len(),
            None => return end,
        }
    }
}

/// The offset of a `#` comment in one line, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#' {
            return Some(i);
        }
    }
    None
}

fn internal(at: Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        "ras::internal",
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
    format!("{rule:?}").starts_with("k_")
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

fn decimal(pair: &Pair<'_, Rule>) -> Result<Decimal> {
    let digits: String = pair.as_str().chars().filter(|c| *c != ',').collect();
    Decimal::from_str(&digits).map_err(|_| {
        Diagnostic::error(
            "ras::number-too-large",
            format!(
                "`{}` is too large or too precise to hold exactly",
                pair.as_str()
            ),
        )
        .label(span(pair), "this number")
        .hint("numbers hold up to 28 significant digits")
    })
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
        Diagnostic::error(
            "ras::bad-date",
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
        Rule::policy => Decl::Policy(policy(pair)?),
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
            Decl::Attribute(Attribute { id, label, values })
        }
        Rule::domain => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("domain")?);
            let label = text(inner.next("label")?);
            let weight = match inner.next_if(Rule::weight) {
                Some(w) => Some(number(Inner::of(w).next("weight")?)?),
                None => None,
            };
            Decl::Domain(Domain { id, label, weight })
        }
        Rule::question => Decl::Question(question(pair)?),
        Rule::parameter => Decl::Parameter(parameter(pair)?),
        Rule::bands => Decl::Bands(bands(pair)?),
        Rule::let_step => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let expr = expr(inner.next("calculation")?)?;
            Decl::Let(LetStep { id, expr })
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
            Decl::Deduction(Deduction {
                id,
                reason,
                informal_support,
                amount,
                when,
            })
        }
        Rule::output => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let label = text(inner.next("label")?);
            let expr = expr(inner.next("calculation")?)?;
            Decl::Output(Output { id, label, expr })
        }
        Rule::flag => {
            let mut inner = Inner::of(pair);
            let id = ident(inner.next("name")?);
            let t = text(inner.next("sentence")?);
            let when = expr(inner.next("condition")?)?;
            Decl::Flag(Flag { id, text: t, when })
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
            Decl::Check(AnswerCheck {
                id,
                message,
                action,
                when,
            })
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
            Decl::Eligibility(Eligibility {
                requirements,
                keyword,
            })
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
            Decl::Route(Route { id, label, rules })
        }
        Rule::test => Decl::Test(test(pair)?),
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
            let default = match ni.next_if(Rule::default_number) {
                Some(d) => Some(number(Inner::of(d).next("default")?)?),
                None => None,
            };
            QuestionKind::Number {
                unit,
                min,
                max,
                default,
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
    let mut givens = Vec::new();
    let mut expects = Vec::new();
    for line in inner.rest() {
        match line.as_rule() {
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
const MAX_EXPR_TOKENS: usize = 400;

/// How deep the tree of one calculation may be.
const MAX_EXPR_DEPTH: usize = 200;

/// Where brackets first nest more than [`MAX_NESTING`] deep (strings and
/// comments aside).
fn too_deeply_nested(source: &str) -> Option<usize> {
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

/// The characters of a rule file outside strings and comments, with their
/// byte offsets (quote marks included, so a caller sees where strings are).
fn code_chars(source: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut offset = 0;
    source.split_inclusive('\n').flat_map(move |line| {
        let start = offset;
        offset += line.len();
        let code = &line[..comment_start(line).unwrap_or(line.len())];
        let mut in_string = false;
        let mut escaped = false;
        code.char_indices().filter_map(move |(i, c)| {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                return None;
            }
            if c == '"' {
                in_string = true;
            }
            Some((start + i, c))
        })
    })
}

/// The depth of an expression tree, counted no further than `limit + 1`.
fn depth(e: &Expr, limit: usize) -> usize {
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
    Diagnostic::error(
        "ras::too-complex",
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
        Rule::name => ExprKind::Name(pair.as_str().to_string()),
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
        Rule::call => {
            let mut inner = Inner::of(pair);
            let f = ident(inner.next("function")?);
            let args = inner.rest().map(expr).collect::<Result<Vec<_>>>()?;
            ExprKind::Call(f, args)
        }
        Rule::code_test => {
            let mut inner = Inner::of(pair);
            let subject = ident(inner.next("subject")?);
            let op = inner.next("test")?;
            let negated = matches!(op.as_rule(), Rule::is_not | Rule::not_in);
            let codes = Inner::of(inner.next("codes")?).rest().map(code).collect();
            ExprKind::CodeTest {
                subject,
                negated,
                codes,
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

/// Finds every `#` comment outside strings.
fn collect_comments(source: &str) -> Vec<Comment> {
    let mut comments = Vec::new();
    let bytes = source.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'#' {
            let end = source[i..]
                .find('\n')
                .map(|n| i + n)
                .unwrap_or(source.len());
            let text = source[i + 1..end].trim_end_matches('\r').to_string();
            comments.push(Comment {
                text,
                span: Span::new(i, end),
            });
            i = end;
            continue;
        }
        i += 1;
    }
    comments
}

/// Punctuation pest may expect, which the grammar writes as literals (not rules).
const PUNCTUATION: &[&str] = &["=", ":", "{", "}", "(", ")", "[", "]", ","];

/// Keywords that start a declaration.
const DECLARATION_KEYWORDS: &[&str] = &[
    "allow",
    "policy",
    "cohorts",
    "attribute",
    "domain",
    "question",
    "parameter",
    "bands",
    "let",
    "deduction",
    "output",
    "flag",
    "check",
    "eligibility",
    "route",
    "test",
];

/// Turns pest's error into a diagnostic in the policy officer's words.
fn syntax_error(source: &str, error: pest::error::Error<Rule>) -> Diagnostic {
    let mut pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<String> = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|r| describe(*r))
            .map(str::to_string)
            .collect(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    // Punctuation the parser wanted: pest's plain error leaves literals out,
    // and so stops at the start of the declaration when only `=` is missing.
    if let Some(attempts) = error.parse_attempts() {
        let wanted: Vec<String> = attempts
            .expected_tokens()
            .iter()
            .map(ToString::to_string)
            .filter(|t| PUNCTUATION.contains(&t.as_str()))
            .map(|t| format!("`{t}`"))
            .collect();
        if !wanted.is_empty() && attempts.max_position >= pos {
            if attempts.max_position > pos {
                pos = attempts.max_position;
                expected.clear();
            }
            expected.extend(wanted);
        }
    }
    let operators = describe(Rule::add).unwrap_or_default();
    if expected.iter().any(|e| e == operators) {
        // The operator list already names these.
        expected.retain(|e| !matches!(e.as_str(), "`and`" | "`or`" | "`of`"));
    }
    let calculation = describe(Rule::expr).unwrap_or_default();
    if expected.iter().any(|e| e == calculation) {
        // Where any calculation may start, listing every way one can begin
        // (names, numbers, `round`, `total`, …) hides the point.
        expected.retain(|e| !STARTS_OF_CALCULATION.contains(&e.as_str()));
    }
    expected.sort_unstable();
    expected.dedup();
    let found = describe_found(source, pos);
    let message = if expected.is_empty() {
        format!("this line cannot be read: unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&expected))
    };
    let end = next_token_end(source, pos);
    let mut diag = Diagnostic::error("ras::syntax", message).label(Span::new(pos, end), "here");
    let mut hint = syntax_hint(source, pos, &expected);
    let word_here: String = source
        .get(pos..)
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if DECLARATION_KEYWORDS.contains(&word_here.as_str()) {
        // `let x = a *` then `output …`: the calculation above is unfinished.
        if let Some(op) = dangling_operator(&source[..pos]) {
            hint = Some(format!(
                "the line before ends with `{op}`; is something missing after it?"
            ));
        }
    }
    if let Some((start, word)) = previous_word(source, pos) {
        let word_end = start + word.len();
        if expected.iter().any(|e| e.contains("a unit"))
            && word.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            diag = diag.label(Span::new(start, word_end), "this value has no unit");
        } else if DECLARATION_KEYWORDS.contains(&word) {
            // `let x = a *` then `output …`: the keyword was read as a name
            // in the unfinished calculation above it.
            if let Some(op) = dangling_operator(&source[..start]) {
                diag = diag.label(
                    Span::new(start, word_end),
                    "read as part of the calculation above",
                );
                hint = Some(format!(
                    "the line before ends with `{op}`; is something missing after it?"
                ));
            }
        }
    }
    if !expected.is_empty()
        && expected
            .iter()
            .all(|e| PUNCTUATION.iter().any(|p| *e == format!("`{p}`")))
    {
        hint = hint.or_else(|| Some(format!("add {} here", join_or(&expected))));
    }
    if let Some(open) = unclosed_brace(source, pos) {
        diag = diag.label(Span::new(open, open + 1), "this `{` is never closed");
        hint = hint.or_else(|| Some("is a `}` missing? every `{` needs a matching `}`".into()));
    }
    if expected.iter().any(|e| e.starts_with("a declaration")) {
        let word: String = source
            .get(pos..)
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if let Some(k) = closest_keyword(&word) {
            hint = Some(format!("did you mean `{k}`?"));
        }
    }
    if let Some(hint) = hint {
        diag = diag.hint(hint);
    }
    diag
}

/// The word (a run of letters, digits, `_` and `.`) that ends just before
/// `pos`, skipping layout, with where it starts.
fn previous_word(source: &str, pos: usize) -> Option<(usize, &str)> {
    let before = source.get(..pos)?.trim_end();
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    Some((start, &before[start..]))
}

/// The operator that ends the code before a line break, when the text ends
/// with a line break (layout and comments aside) after an operator.
fn dangling_operator(before: &str) -> Option<&str> {
    let mut lines = before.rsplit('\n');
    if !lines.next()?.trim().is_empty() {
        return None;
    }
    let code = lines
        .map(|l| l[..comment_start(l).unwrap_or(l.len())].trim_end())
        .find(|l| !l.is_empty())?;
    [
        "+", "-", "*", "×", "/", "=", "(", ",", " of", " and", " or", " not",
    ]
    .into_iter()
    .find(|op| code.ends_with(op))
    .map(str::trim_start)
}

/// The innermost `{` before `pos` that is never closed anywhere in the file.
fn unclosed_brace(source: &str, pos: usize) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    for (at, c) in code_chars(source) {
        match c {
            '{' => open.push(at),
            '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.into_iter().rev().find(|&o| o < pos)
}

/// A declaration keyword one typing slip away from `word`.
fn closest_keyword(word: &str) -> Option<&'static str> {
    if word.len() < 3 || DECLARATION_KEYWORDS.contains(&word) {
        return None;
    }
    DECLARATION_KEYWORDS
        .iter()
        .copied()
        .map(|k| (crate::diag::edit_distance(word, k), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Descriptions that "a calculation" already covers.
const STARTS_OF_CALCULATION: &[&str] = &[
    "`choose`",
    "`not`",
    "`round`",
    "`total`",
    "`true` or `false`",
    "a date (YYYY-MM-DD)",
    "a name, e.g. `price_per_point`",
    "a number, e.g. `1.5`",
    "a value or `not`",
    "an amount of money, e.g. `£4.88`",
    "a value, e.g. `£141.33`, `38 pts` or `10%`",
];

fn join_or(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn next_token_end(source: &str, pos: usize) -> usize {
    let rest = source.get(pos..).unwrap_or("");
    let len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let len = if len == 0 {
        rest.chars().next().map(|c| c.len_utf8()).unwrap_or(0)
    } else {
        len
    };
    pos + len
}

fn describe_found(source: &str, pos: usize) -> String {
    let rest = source.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some('\n') | Some('\r') => "the end of the line".to_string(),
        Some(_) => {
            let token: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace())
                .take(24)
                .collect();
            format!("`{token}`")
        }
    }
}

fn syntax_hint(source: &str, pos: usize, expected: &[String]) -> Option<String> {
    let rest = source.get(pos..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if super::RESERVED_WORDS.contains(&word.as_str()) {
        return Some(format!(
            "`{word}` is a reserved word and cannot be used as a name"
        ));
    }
    if rest.starts_with('"') && !rest[1..].split('\n').next().unwrap_or("").contains('"') {
        return Some("a sentence in quotes must end with `\"` on the same line".to_string());
    }
    if expected.iter().any(|e| e.contains("unit")) {
        return Some(
            "option values carry a unit, e.g. `5 pts`, `1.75 h`, `2 nights`, `£14`".to_string(),
        );
    }
    if expected.iter().any(|e| e == "a date (YYYY-MM-DD)") {
        return Some("write dates as YYYY-MM-DD, e.g. 2010-01-01".to_string());
    }
    None
}

/// What a grammar rule is called in messages; `None` hides it.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::item | Rule::allow => "a declaration (`policy`, `question`, `parameter`, `let`, `output`, `test`, …)",
        Rule::warning_code => "a warning code, e.g. `money-cap`",
        Rule::string | Rule::string_text => "a sentence in quotes, e.g. \"Older people\"",
        Rule::ident | Rule::ident_raw | Rule::name => "a name, e.g. `price_per_point`",
        Rule::code => "an option code, e.g. `3` or `some_willing`",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::number => "a number, e.g. `1.5`",
        Rule::money | Rule::amount => "an amount of money, e.g. `£4.88`",
        Rule::quantity | Rule::literal => "a value, e.g. `£141.33`, `38 pts` or `10%`",
        Rule::quantity_with_unit | Rule::option_value => "a value with its unit, e.g. `5 pts`",
        Rule::unit => "a unit (`pts`, `h`, `sessions`, `nights`, `%`)",
        Rule::band_unit => "a unit (`£`, `pts`, `h`, …)",
        Rule::per_unit => "a unit after `/` (`pt`, `h`, `session`, `night`)",
        Rule::boolean => "`true` or `false`",
        Rule::header_field
        | Rule::council
        | Rule::version
        | Rule::effective
        | Rule::review
        | Rule::approved
        | Rule::change
        | Rule::period
        | Rule::rounding => "a header field (`council`, `version`, `effective`, `review`, `approved`, `change`, `period`, `rounding`)",
        Rule::period_kind => "a period (`weekly`, `four_weekly`, `monthly`, `annual`)",
        Rule::rounding_rule | Rule::round_to => "a rounding (`penny` or `pound`)",
        Rule::round_mode => "a rounding mode (`half_up`, `half_even`, `up`, `down`)",
        Rule::cohort => "a cohort, e.g. `older_people \"Older people\"`",
        Rule::not_validated => "`not validated \"reason\"`",
        Rule::attribute_value => "a value, e.g. `own_home \"Own home\"`",
        Rule::weight => "`weight` and a number",
        Rule::in_domain => "`in` and a domain",
        Rule::carer_willingness => "`carer willingness`",
        Rule::choice_kind => "`{` and the options",
        Rule::yes_no_kind => "`yes/no`",
        Rule::number_kind => "`number`",
        Rule::option => "an option, e.g. `3 \"Help with most of it\" 10 pts`",
        Rule::default_code | Rule::default_number => "`default`",
        Rule::by_key => "`by cohort` or `by` an attribute",
        Rule::parameter_constant => "`=` and a value",
        Rule::parameter_body => "`{` and the values",
        Rule::dated_values => "`from` and a date",
        Rule::keyed_block => "`{` and a value for each cohort",
        Rule::declared_unit => "a unit, e.g. `£/pt`",
        Rule::keyed_value => "a cohort or attribute value and its value, e.g. `older_people £4.88/pt`",
        Rule::interpolate => "`interpolate`",
        Rule::band_row => "a band, e.g. `£100 to £200: 20%`",
        Rule::band_below | Rule::band_between | Rule::band_and_above | Rule::band_beyond | Rule::band_point => {
            "a band, e.g. `below £100`, `£100 to £200`, `£700 and above`"
        }
        Rule::informal_support => "`for informal support`",
        Rule::when_clause => "`when` and a condition",
        Rule::check_action => "`stop` or `warn`",
        Rule::requirement => "`require` and a condition",
        Rule::route_rule => "a route, e.g. `panel \"Refer to panel\" when indicative >= £1000`",
        Rule::otherwise => "`otherwise`",
        Rule::given => "`given`",
        Rule::given_pair => "a name and its value, e.g. `personal_care 3`",
        Rule::expect => "`expect`",
        Rule::expect_error
        | Rule::expect_not_validated
        | Rule::expect_not_eligible
        | Rule::expect_eligible
        | Rule::expect_no_flags
        | Rule::expect_no_flag
        | Rule::expect_flag
        | Rule::expect_no_route
        | Rule::expect_route
        | Rule::expect_value => "an expectation, e.g. `indicative £141.33` or `flag chc_screening`",
        Rule::expr | Rule::paren | Rule::code_test | Rule::call | Rule::round_call => {
            "a calculation, e.g. `points * price_per_point`"
        }
        Rule::neg | Rule::not_op => "a value or `not`",
        Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::of
        | Rule::and
        | Rule::or
        | Rule::le
        | Rule::ge
        | Rule::ne
        | Rule::lt
        | Rule::gt
        | Rule::eq => "an operator (`+`, `-`, `*`, `/`, `of`, `and`, `or`, `<`, `>=`, …)",
        Rule::choose => "`choose`",
        Rule::choice | Rule::choice_otherwise => "a choice, e.g. `10% when carer is some`, or `… otherwise`",
        Rule::total => "`total`",
        Rule::weighted => "`weighted`",
        Rule::value_kind => "`points`, `hours`, `sessions`, `nights` or `money`",
        Rule::domain_set => "a domain or `[` domains `]`",
        Rule::code_set => "an option code, e.g. `3`, or `[` codes `]`",
        Rule::is_not | Rule::is | Rule::not_in | Rule::in_set => "`is`, `is not`, `in` or `not in`",
        Rule::k_allow => "`allow`",
        Rule::k_policy => "`policy`",
        Rule::k_council => "`council`",
        Rule::k_version => "`version`",
        Rule::k_effective => "`effective`",
        Rule::k_review => "`review`",
        Rule::k_approved => "`approved`",
        Rule::k_change => "`change`",
        Rule::k_period => "`period`",
        Rule::k_rounding => "`rounding`",
        Rule::k_cohorts => "`cohorts`",
        Rule::k_not => "`not`",
        Rule::k_validated => "`validated`",
        Rule::k_attribute => "`attribute`",
        Rule::k_domain => "`domain`",
        Rule::k_weight => "`weight`",
        Rule::k_question => "`question`",
        Rule::k_in => "`in`",
        Rule::k_carer => "`carer`",
        Rule::k_willingness => "`willingness`",
        Rule::k_default => "`default`",
        Rule::k_yes_no => "`yes/no`",
        Rule::k_number => "`number`",
        Rule::k_from => "`from`",
        Rule::k_to => "`to`",
        Rule::k_parameter => "`parameter`",
        Rule::k_by => "`by`",
        Rule::k_bands => "`bands`",
        Rule::k_on => "`on`",
        Rule::k_interpolate => "`interpolate`",
        Rule::k_below => "`below`",
        Rule::k_and => "`and`",
        Rule::k_above => "`above`",
        Rule::k_let => "`let`",
        Rule::k_deduction => "`deduction`",
        Rule::k_for => "`for`",
        Rule::k_informal => "`informal`",
        Rule::k_support => "`support`",
        Rule::k_when => "`when`",
        Rule::k_output => "`output`",
        Rule::k_flag => "`flag`",
        Rule::k_flags => "`flags`",
        Rule::k_check => "`check`",
        Rule::k_eligibility => "`eligibility`",
        Rule::k_require => "`require`",
        Rule::k_else => "`else` and the reason in quotes",
        Rule::k_route => "`route`",
        Rule::k_otherwise => "`otherwise`",
        Rule::k_test => "`test`",
        Rule::k_given => "`given`",
        Rule::k_expect => "`expect`",
        Rule::k_error => "`error`",
        Rule::k_eligible => "`eligible`",
        Rule::k_no => "`no`",
        Rule::k_of => "`of`",
        Rule::k_or => "`or`",
        Rule::k_is => "`is`",
        Rule::k_choose => "`choose`",
        Rule::k_total => "`total`",
        Rule::k_weighted => "`weighted`",
        Rule::k_round => "`round`",
        _ => return None,
    })
}
