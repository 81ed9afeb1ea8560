//! Header, cohorts, attributes, domains and questions: the passes that read
//! only the symbol table, each a function returning its part of the model and
//! what it found.

use super::index::{Reference, Target};
use super::names::{did_you_mean, list_codes};
use super::symbols::{Findings, Symbols};
use super::Pass;
use crate::date::Date;
use crate::diag::{codes, Diagnostic};
use crate::model;
use crate::syntax::ast::{self, HeaderValue, LiteralValue, Period};
use crate::syntax::ast::{RoundMode, RoundTo};
use crate::syntax::Span;
use crate::units::Unit;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The header. Reads today's date, which a review date must not be before.
pub(super) fn header(sym: &Symbols, today: Date) -> (Option<model::Header>, Findings) {
    let mut pass = Pass::new(sym);
    let header = pass.header(today);
    (header, pass.found)
}

/// The cohorts, with where each is declared.
pub(super) fn cohorts(sym: &Symbols) -> (Vec<model::Cohort>, Vec<Span>, Findings) {
    let mut pass = Pass::new(sym);
    let (cohorts, spans) = pass.cohorts();
    (cohorts, spans, pass.found)
}

/// The case attributes, with where each is declared.
pub(super) fn attributes(sym: &Symbols) -> (Vec<model::Attribute>, Vec<Span>, Findings) {
    let mut pass = Pass::new(sym);
    let (attributes, spans) = pass.attributes();
    (attributes, spans, pass.found)
}

/// The domains, with where each is declared.
pub(super) fn domains(sym: &Symbols) -> (Vec<model::Domain>, Vec<Span>, Findings) {
    let mut pass = Pass::new(sym);
    let (domains, spans) = pass.domains();
    (domains, spans, pass.found)
}

/// The questions with their answers' units and values.
pub(super) struct Questions {
    pub(super) questions: Vec<model::Question>,
    /// Where each is declared.
    pub(super) spans: Vec<Span>,
    /// Per domain: some question is in it (so it is not unused).
    pub(super) domains_named: Vec<bool>,
    /// The domains the questions name.
    pub(super) references: Vec<Reference>,
}

/// The questions; the domains they name are resolved here.
pub(super) fn questions(sym: &Symbols) -> (Questions, Findings) {
    let mut pass = Pass::new(sym);
    let mut domains_named = vec![false; sym.decls.domains.len()];
    let (questions, spans) = pass.questions(&mut domains_named);
    let questions = Questions {
        questions,
        spans,
        domains_named,
        references: pass.references,
    };
    (questions, pass.found)
}

/// Resolves a domain name, reporting an unknown one.
pub(super) fn domain(
    sym: &Symbols,
    id: &ast::Ident,
    found: &mut Findings,
    references: &mut Vec<Reference>,
) -> Option<u32> {
    let at = sym.domain_names.get(&id.name);
    references.push(Reference {
        name: id.name.clone(),
        span: id.span,
        to: at.map(Target::Domain),
    });
    if let Some(d) = at {
        return Some(d);
    }
    let hint = match did_you_mean(&id.name, sym.domain_names.names()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("declare it: `domain {} \"…\"`", id.name),
    };
    let diag = Diagnostic::new(
        codes::UNKNOWN_NAME,
        format!("there is no domain called `{}`", id.name),
    )
    .label(id.span, "unknown domain")
    .hint(hint);
    found.error(diag);
    None
}

impl<'a> Pass<'_, 'a> {
    fn header(&mut self, today: Date) -> Option<model::Header> {
        let policies = &self.sym.decls.policy;
        let Some((item, policy)) = policies.first().copied() else {
            let mut diag =
                Diagnostic::new(codes::MISSING_HEADER, "the file has no `policy` header")
                    .hint("start the file with `policy \"Title\" { council \"…\" version \"…\" effective YYYY-MM-DD … }`");
            if let Some(first) = self.sym.file.items.first() {
                let word = self
                    .sym
                    .text(first.span)
                    .split(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("");
                let at = crate::syntax::Span::new(first.span.start, first.span.start + word.len());
                diag = diag.label(at, "the file starts here, without a header");
            }
            self.error(diag);
            return None;
        };
        for (_, extra) in policies.iter().skip(1) {
            let diag = Diagnostic::new(
                codes::DUPLICATE_DECLARATION,
                "the file has more than one `policy` header",
            )
            .label(extra.keyword, "second header")
            .label(policy.keyword, "first header")
            .hint("a rule file holds one policy; put other versions in their own files");
            self.error(diag);
        }
        let mut seen: HashMap<&'static str, crate::syntax::Span> = HashMap::new();
        let mut h = model::Header {
            title: policy.title.text.clone(),
            council: String::new(),
            version: String::new(),
            effective: None,
            review: None,
            approved: None,
            change: None,
            appeal: None,
            period: Period::Weekly,
            rounding: model::Rounding {
                to: RoundTo::Penny,
                mode: RoundMode::HalfUp,
            },
        };
        for field in &policy.fields {
            let key = field.value.keyword();
            if let Some(first) = seen.insert(key, field.span) {
                let diag = Diagnostic::new(
                    codes::DUPLICATE_HEADER,
                    format!("the header gives `{key}` twice"),
                )
                .label(field.span, "second value")
                .label(first, "first value")
                .hint("keep one; the version history belongs in version control and `change`");
                self.error(diag);
            }
            match &field.value {
                HeaderValue::Council(t) => h.council = t.text.clone(),
                HeaderValue::Version(t) => h.version = t.text.clone(),
                HeaderValue::Effective(d) => h.effective = Some(d.date),
                HeaderValue::Review(d) => {
                    h.review = Some(d.date);
                    if d.date < today {
                        let diag = Diagnostic::new(
                            codes::REVIEW_DATE_PAST,
                            format!("the review date {} has passed (today is {})", d.date, today),
                        )
                        .label(d.span, "review was due")
                        .hint("review the policy and set the next review date, or acknowledge with `allow review-date-past \"reason\"` before `policy`");
                        self.warn(item, diag);
                    }
                }
                HeaderValue::Approved(t) => h.approved = Some(t.text.clone()),
                HeaderValue::Change(t) => h.change = Some(t.text.clone()),
                HeaderValue::Appeal(t) => h.appeal = Some(t.text.clone()),
                HeaderValue::Period(p) => h.period = *p,
                HeaderValue::Rounding(r) => {
                    h.rounding = model::Rounding {
                        to: r.to,
                        mode: r.mode.unwrap_or(RoundMode::HalfUp),
                    };
                }
            }
        }
        for (key, what) in [("council", "the council"), ("version", "the version")] {
            if !seen.contains_key(key) {
                let diag = Diagnostic::new(
                    codes::MISSING_HEADER,
                    format!("the header does not name {what}"),
                )
                .label(policy.keyword, format!("add `{key} \"…\"` to this header"))
                .hint("every figure must be traceable to a council's approved version of its RAS");
                self.error(diag);
            }
        }
        if let (Some(e), Some(r)) = (h.effective, h.review) {
            if r < e {
                let span = policy
                    .fields
                    .iter()
                    .find(|f| f.value.keyword() == "review")
                    .map(|f| f.span)
                    .unwrap_or_default();
                let diag = Diagnostic::new(
                    codes::DATE_ORDER,
                    format!("the review date {r} is before the effective date {e}"),
                )
                .label(span, "review before the policy takes effect")
                .hint("the review date is when the policy is next looked at, after it takes effect; check both dates");
                self.error(diag);
            }
        }
        Some(h)
    }

    fn cohorts(&mut self) -> (Vec<model::Cohort>, Vec<Span>) {
        let mut cohorts = Vec::new();
        let mut spans = Vec::new();
        let all = &self.sym.decls.cohorts;
        for (_, block) in all {
            for c in &block.cohorts {
                spans.push(c.id.span);
                cohorts.push(model::Cohort {
                    id: c.id.name.clone(),
                    label: c.label.text.clone(),
                    not_validated: c.not_validated.as_ref().map(|t| t.text.clone()),
                });
            }
        }
        if all.is_empty() {
            let at = self
                .sym
                .decls
                .policy
                .first()
                .map(|(_, p)| p.keyword)
                .unwrap_or_default();
            let diag = Diagnostic::new(codes::MISSING_HEADER, "the file declares no cohorts")
                .label(at, "this policy needs a `cohorts { … }` block")
                .hint("e.g. `cohorts { older_people \"Older people\"  working_age \"Working-age adults\" }`");
            self.error(diag);
        }
        (cohorts, spans)
    }

    fn attributes(&mut self) -> (Vec<model::Attribute>, Vec<Span>) {
        let mut attributes = Vec::new();
        let mut spans = Vec::new();
        for &(_, a) in &self.sym.decls.attributes {
            self.codes_unique(a.values.iter().map(|v| &v.code), "value");
            // A repeated value is reported above and kept once, so that
            // parameters by this attribute are not asked for it twice.
            let mut values: Vec<model::Labelled> = Vec::new();
            for v in &a.values {
                if !values.iter().any(|x| x.code == v.code.text) {
                    values.push(model::Labelled {
                        code: v.code.text.clone(),
                        label: v.label.text.clone(),
                    });
                }
            }
            spans.push(a.id.span);
            attributes.push(model::Attribute {
                id: a.id.name.clone(),
                label: a.label.text.clone(),
                values,
            });
        }
        (attributes, spans)
    }

    /// Reports duplicate codes; returns the codes.
    fn codes_unique<'c>(
        &mut self,
        codes: impl Iterator<Item = &'c ast::Code>,
        what: &str,
    ) -> Vec<String> {
        let mut seen: HashMap<&str, crate::syntax::Span> = HashMap::new();
        let mut out = Vec::new();
        for code in codes {
            if let Some(first) = seen.insert(&code.text, code.span) {
                let diag = Diagnostic::new(
                    codes::DUPLICATE_CODE,
                    format!("the {what} code `{}` is used twice", code.text),
                )
                .label(code.span, "second use")
                .label(first, "first use")
                .hint(format!(
                    "each {what} needs its own code, because case files record the code"
                ));
                self.error(diag);
            }
            out.push(code.text.clone());
        }
        out
    }

    fn domains(&mut self) -> (Vec<model::Domain>, Vec<Span>) {
        let mut domains = Vec::new();
        let mut spans = Vec::new();
        for &(_, d) in &self.sym.decls.domains {
            let weight = d.weight.as_ref().map(|w| w.value).unwrap_or(Decimal::ONE);
            if let Some(w) = &d.weight {
                if w.value.is_sign_negative() {
                    let diag = Diagnostic::new(
                        codes::BAD_WEIGHT,
                        format!("the weight of `{}` is negative", d.id.name),
                    )
                    .label(w.span, "a weight must be zero or more")
                    .hint("a weight multiplies the domain's points: 1 counts them as they are, 1.5 half as much again, 0 not at all");
                    self.error(diag);
                }
            }
            spans.push(d.id.span);
            domains.push(model::Domain {
                id: d.id.name.clone(),
                label: d.label.text.clone(),
                weight,
            });
        }
        (domains, spans)
    }

    fn questions(&mut self, domains_named: &mut [bool]) -> (Vec<model::Question>, Vec<Span>) {
        let mut questions = Vec::new();
        let mut spans = Vec::new();
        for &(item, q) in &self.sym.decls.questions {
            let domain = q
                .domain
                .as_ref()
                .and_then(|d| domain(self.sym, d, &mut self.found, &mut self.references));
            if let Some(d) = domain {
                if let Some(u) = domains_named.get_mut(d as usize) {
                    *u = true;
                }
            }
            let kind = self.question_kind(item, q);
            spans.push(q.id.span);
            questions.push(model::Question {
                id: q.id.name.clone(),
                text: q.text.text.clone(),
                domain,
                carer_willingness: q.carer_willingness.is_some(),
                kind,
            });
        }
        (questions, spans)
    }

    fn question_kind(&mut self, item: usize, q: &ast::Question) -> model::QuestionKind {
        match &q.kind {
            ast::QuestionKind::Choice { options, default } => {
                let codes = self.codes_unique(options.iter().map(|o| &o.code), "option");
                let mut units: Vec<Unit> = Vec::new();
                for o in options {
                    let mut seen: Vec<Unit> = Vec::new();
                    for v in &o.values {
                        if let LiteralValue::Quantity(_, u) = v.value {
                            if seen.contains(&u) {
                                let diag = Diagnostic::new(
                                    codes::DUPLICATE_CODE,
                                    format!(
                                        "option `{}` gives two values in {}",
                                        o.code.text,
                                        u.describe()
                                    ),
                                )
                                .label(v.span, "second value in the same unit")
                                .hint("an option carries at most one value of each unit");
                                self.error(diag);
                            }
                            seen.push(u);
                            if !units.contains(&u) {
                                units.push(u);
                            }
                        }
                    }
                }
                let options: Vec<model::AnswerOption> = options
                    .iter()
                    .map(|o| model::AnswerOption {
                        code: o.code.text.clone(),
                        text: o.text.text.clone(),
                        values: units
                            .iter()
                            .map(|u| {
                                o.values
                                    .iter()
                                    .find_map(|v| match v.value {
                                        LiteralValue::Quantity(x, vu) if vu == *u => Some(x),
                                        _ => None,
                                    })
                                    .unwrap_or(Decimal::ZERO)
                            })
                            .collect(),
                    })
                    .collect();
                let default = default.as_ref().and_then(|d| {
                    let found = codes.iter().position(|c| *c == d.text).map(|i| i as u32);
                    if found.is_none() {
                        let diag = Diagnostic::new(
                            codes::UNKNOWN_CODE,
                            format!("`{}` is not an option of `{}`", d.text, q.id.name),
                        )
                        .label(d.span, "not one of the options")
                        .hint(format!(
                            "the options are {}",
                            list_codes(codes.iter().map(String::as_str))
                        ));
                        self.error(diag);
                    }
                    found
                });
                if q.carer_willingness.is_none() {
                    self.falling_values(item, q, &options, &units);
                }
                model::QuestionKind::Choice {
                    options,
                    units,
                    default,
                }
            }
            ast::QuestionKind::YesNo { default } => {
                let default = default.as_ref().and_then(|d| match d.text.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => {
                        let diag = Diagnostic::new(
                            codes::UNKNOWN_CODE,
                            format!(
                                "a yes/no question's default must be `yes` or `no`, not `{}`",
                                d.text
                            ),
                        )
                        .label(d.span, "not yes or no");
                        self.error(diag);
                        None
                    }
                });
                model::QuestionKind::YesNo { default }
            }
            ast::QuestionKind::Number {
                unit,
                min,
                max,
                default,
                default_unit,
            } => {
                let asked_in = unit.unwrap_or(Unit::Number);
                if let Some((written, at)) = default_unit {
                    if *written != asked_in {
                        let diag = Diagnostic::new(
                            codes::UNIT_MISMATCH,
                            format!(
                                "`{}` is answered in {}, but its default is written in {}",
                                q.id.name,
                                asked_in.describe(),
                                written.describe()
                            ),
                        )
                        .label(*at, format!("this is {}", written.describe()))
                        .hint(match asked_in {
                            Unit::Number => {
                                "the answer is a plain number: write the default without a unit"
                                    .to_string()
                            }
                            u => format!(
                                "write the default in {}, e.g. `default 0 {}`",
                                u.describe(),
                                u.symbol()
                            ),
                        });
                        self.error(diag);
                    }
                }
                if min.value > max.value {
                    let diag = Diagnostic::new(
                        codes::BAD_RANGE,
                        format!(
                            "the range of `{}` runs backwards: {} to {}",
                            q.id.name, min.value, max.value
                        ),
                    )
                    .label(min.span, "smallest")
                    .label(max.span, "largest")
                    .hint("write the smallest answer first: `from 0 to 168`");
                    self.error(diag);
                }
                if let Some(d) = default {
                    if d.value < min.value || d.value > max.value {
                        let diag = Diagnostic::new(
                            codes::BAD_DEFAULT,
                            format!(
                                "the default answer to `{}`, {}, is outside its range {} to {}",
                                q.id.name, d.value, min.value, max.value
                            ),
                        )
                        .label(d.span, "outside the range")
                        .label(min.span.join(max.span), "the answers allowed")
                        .hint("a default is an answer the question allows; widen the range or change the default");
                        self.error(diag);
                    }
                }
                model::QuestionKind::Number {
                    unit: unit.unwrap_or(Unit::Number),
                    min: min.value,
                    max: max.value,
                    default: default.as_ref().map(|d| d.value),
                }
            }
        }
    }

    fn falling_values(
        &mut self,
        item: usize,
        q: &ast::Question,
        options: &[model::AnswerOption],
        units: &[Unit],
    ) {
        for (slot, unit) in units.iter().enumerate() {
            let values: Vec<Decimal> = options
                .iter()
                .filter_map(|o| o.values.get(slot).copied())
                .collect();
            if let Some(k) = values.windows(2).position(|w| w[1] < w[0]) {
                let (Some(prev), Some(next)) = (q_option(q, k), q_option(q, k + 1)) else {
                    continue;
                };
                let diag = Diagnostic::new(
                    codes::FALLING_VALUES,
                    format!("the {} of `{}` fall from option `{}` to option `{}`", unit.describe(), q.id.name, prev.code.text, next.code.text),
                )
                .label(next.span, format!("{} here", show(values[k + 1], *unit)))
                .label(prev.span, format!("{} before", show(values[k], *unit)))
                .hint("options are listed from least to most need, so their values should not fall; reorder them or acknowledge with `allow falling-values \"reason\"`");
                self.warn(item, diag);
            }
        }
    }
}

fn q_option(q: &ast::Question, k: usize) -> Option<&ast::OptionDecl> {
    match &q.kind {
        ast::QuestionKind::Choice { options, .. } => options.get(k),
        _ => None,
    }
}

/// An amount as a policy writes it: `£100`, `10 pts`, `5%`, `£4.88/pt`.
pub(super) fn show(value: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Number => value.to_string(),
        Unit::Percent => format!("{value}%"),
        Unit::Money => format!("£{value}"),
        other => match other.rate_of() {
            Some(per) => format!("£{value}/{}", per_word(per)),
            None => format!("{value} {}", other.symbol()),
        },
    }
}

fn per_word(unit: Unit) -> &'static str {
    match unit {
        Unit::Points => "pt",
        Unit::Hours => "h",
        Unit::Sessions => "session",
        _ => "night",
    }
}
