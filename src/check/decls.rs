//! Header, cohorts, attributes, domains, questions, parameters and bands.

use super::names::{did_you_mean, list_codes};
use super::Checker;
use crate::diag::Diagnostic;
use crate::model::{self, ParameterKey};
use crate::syntax::ast::{
    self, BandRange, HeaderValue, LiteralValue, ParameterBody, ParameterEntry, Period,
};
use crate::syntax::ast::{RoundMode, RoundTo};
use crate::units::Unit;
use rust_decimal::Decimal;
use std::collections::HashMap;

impl<'a> Checker<'a> {
    pub(super) fn header(&mut self) {
        let policies = self.decls.policy.clone();
        let Some((item, policy)) = policies.first().copied() else {
            let mut diag =
                Diagnostic::error("ras::missing-header", "the file has no `policy` header")
                    .hint("start the file with `policy \"Title\" { council \"…\" version \"…\" effective YYYY-MM-DD … }`");
            if let Some(first) = self.file.items.first() {
                let word = self
                    .text(first.span)
                    .split(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("");
                let at = crate::syntax::Span::new(first.span.start, first.span.start + word.len());
                diag = diag.label(at, "the file starts here, without a header");
            }
            self.error(diag);
            return;
        };
        for (_, extra) in policies.iter().skip(1) {
            let diag = Diagnostic::error(
                "ras::duplicate-declaration",
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
            period: Period::Weekly,
            rounding: model::Rounding {
                to: RoundTo::Penny,
                mode: RoundMode::HalfUp,
            },
        };
        for field in &policy.fields {
            let key = field.value.keyword();
            if let Some(first) = seen.insert(key, field.span) {
                let diag = Diagnostic::error(
                    "ras::duplicate-header",
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
                    if d.date < self.options.today {
                        let diag = Diagnostic::warning(
                            "ras::review-date-past",
                            format!("the review date {} has passed (today is {})", d.date, self.options.today),
                        )
                        .label(d.span, "review was due")
                        .hint("review the policy and set the next review date, or acknowledge with `allow review-date-past \"reason\"` before `policy`");
                        self.warn(item, diag);
                    }
                }
                HeaderValue::Approved(t) => h.approved = Some(t.text.clone()),
                HeaderValue::Change(t) => h.change = Some(t.text.clone()),
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
                let diag = Diagnostic::error(
                    "ras::missing-header",
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
                let diag = Diagnostic::error(
                    "ras::date-order",
                    format!("the review date {r} is before the effective date {e}"),
                )
                .label(span, "review before the policy takes effect")
                .hint("the review date is when the policy is next looked at, after it takes effect; check both dates");
                self.error(diag);
            }
        }
        self.m.header = Some(h);
    }

    pub(super) fn cohorts(&mut self) {
        let all = self.decls.cohorts.clone();
        for (_, block) in &all {
            for c in &block.cohorts {
                self.m.cohorts.push(model::Cohort {
                    id: c.id.name.clone(),
                    label: c.label.text.clone(),
                    not_validated: c.not_validated.as_ref().map(|t| t.text.clone()),
                    line: self.line(c.id.span),
                });
            }
        }
        if all.is_empty() {
            let at = self
                .decls
                .policy
                .first()
                .map(|(_, p)| p.keyword)
                .unwrap_or_default();
            let diag = Diagnostic::error("ras::missing-header", "the file declares no cohorts")
                .label(at, "this policy needs a `cohorts { … }` block")
                .hint("e.g. `cohorts { older_people \"Older people\"  working_age \"Working-age adults\" }`");
            self.error(diag);
        }
    }

    pub(super) fn attributes(&mut self) {
        for (_, a) in self.decls.attributes.clone() {
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
            self.m.attributes.push(model::Attribute {
                id: a.id.name.clone(),
                label: a.label.text.clone(),
                values,
                line: self.line(a.id.span),
            });
        }
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
                let diag = Diagnostic::error(
                    "ras::duplicate-code",
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

    pub(super) fn domains(&mut self) {
        for (_, d) in self.decls.domains.clone() {
            let weight = d.weight.as_ref().map(|w| w.value).unwrap_or(Decimal::ONE);
            if let Some(w) = &d.weight {
                if w.value.is_sign_negative() {
                    let diag = Diagnostic::error(
                        "ras::bad-weight",
                        format!("the weight of `{}` is negative", d.id.name),
                    )
                    .label(w.span, "a weight must be zero or more")
                    .hint("a weight multiplies the domain's points: 1 counts them as they are, 1.5 half as much again, 0 not at all");
                    self.error(diag);
                }
            }
            self.m.domains.push(model::Domain {
                id: d.id.name.clone(),
                label: d.label.text.clone(),
                weight,
                line: self.line(d.id.span),
            });
        }
    }

    pub(super) fn questions(&mut self) {
        for (item, q) in self.decls.questions.clone() {
            let domain = q.domain.as_ref().and_then(|d| self.domain(d));
            if let Some(d) = domain {
                if let Some(u) = self.used_domains.get_mut(d as usize) {
                    *u = true;
                }
            }
            let kind = self.question_kind(item, q);
            self.m.questions.push(model::Question {
                id: q.id.name.clone(),
                text: q.text.text.clone(),
                domain,
                carer_willingness: q.carer_willingness.is_some(),
                kind,
                line: self.line(q.id.span),
            });
        }
    }

    /// Resolves a domain name, reporting an unknown one.
    pub(super) fn domain(&mut self, id: &ast::Ident) -> Option<u32> {
        if let Some(d) = self.domain_names.get(&id.name) {
            return Some(d);
        }
        let hint = match did_you_mean(&id.name, self.domain_names.names()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("declare it: `domain {} \"…\"`", id.name),
        };
        let diag = Diagnostic::error(
            "ras::unknown-name",
            format!("there is no domain called `{}`", id.name),
        )
        .label(id.span, "unknown domain")
        .hint(hint);
        self.error(diag);
        None
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
                                let diag = Diagnostic::error(
                                    "ras::duplicate-code",
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
                        let diag = Diagnostic::error(
                            "ras::unknown-code",
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
                        let diag = Diagnostic::error(
                            "ras::unknown-code",
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
            } => {
                if min.value > max.value {
                    let diag = Diagnostic::error(
                        "ras::bad-range",
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
                        let diag = Diagnostic::error(
                            "ras::bad-default",
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
                let diag = Diagnostic::warning(
                    "ras::falling-values",
                    format!("the {} of `{}` fall from option `{}` to option `{}`", unit.describe(), q.id.name, prev.code.text, next.code.text),
                )
                .label(next.span, format!("{} here", show(values[k + 1], *unit)))
                .label(prev.span, format!("{} before", show(values[k], *unit)))
                .hint("options are listed from least to most need, so their values should not fall; reorder them or acknowledge with `allow falling-values \"reason\"`");
                self.warn(item, diag);
            }
        }
    }

    pub(super) fn parameters(&mut self) {
        for (_, p) in self.decls.parameters.clone() {
            let param = self.parameter(p);
            self.m.parameters.push(param);
        }
    }

    fn parameter(&mut self, p: &'a ast::Parameter) -> model::Parameter {
        let (key, keys) = self.parameter_key(p);
        let mut unit = p.unit.map(|(u, _)| u);
        let unit_span = p.unit.map(|(_, s)| s);
        let mut schedule: Vec<model::ParameterValues> = Vec::new();
        let mut last_date: Option<(crate::date::Date, crate::syntax::Span)> = None;
        let entries: Vec<&ParameterEntry> = match &p.body {
            ParameterBody::Constant(lit) => {
                if key != ParameterKey::None {
                    let diag = Diagnostic::error(
                        "ras::missing-cohort-value",
                        format!(
                            "`{}` gives one value but varies by {}",
                            p.id.name,
                            key_name(p)
                        ),
                    )
                    .label(lit.span, "one value for every case")
                    .hint(format!(
                        "give a value for each: `parameter {} by {} {{ {} }}`",
                        p.id.name,
                        key_name(p),
                        keys.iter()
                            .map(|k| format!("{k} {}", self.text(lit.span)))
                            .collect::<Vec<_>>()
                            .join("  ")
                    ));
                    self.error(diag);
                }
                let v = self.param_value(p, lit, &mut unit, unit_span);
                schedule.push(model::ParameterValues {
                    from: None,
                    values: vec![v],
                    line: self.line(lit.span),
                });
                Vec::new()
            }
            ParameterBody::Entries(e) => e.iter().collect(),
        };
        let mut undated: Vec<&ast::KeyedValue> = Vec::new();
        for entry in entries {
            match entry {
                ParameterEntry::Keyed(kv) => undated.push(kv),
                ParameterEntry::From { date, value, span } => {
                    self.date_in_order(p, date, &mut last_date);
                    if key != ParameterKey::None {
                        let diag = Diagnostic::error("ras::missing-cohort-value", format!("`{}` gives one value from {} but varies by {}", p.id.name, date.date, key_name(p)))
                            .label(*span, "one value for every case")
                            .hint("give a value for each, e.g. `from 2024-04-01 { older_people £4.88/pt working_age £5.20/pt }`");
                        self.error(diag);
                    }
                    let v = self.param_value(p, value, &mut unit, unit_span);
                    schedule.push(model::ParameterValues {
                        from: Some(date.date),
                        values: vec![v],
                        line: self.line(*span),
                    });
                }
                ParameterEntry::FromKeyed { date, values, span } => {
                    self.date_in_order(p, date, &mut last_date);
                    let vals = self.keyed_values(p, &keys, values, *span, &mut unit, unit_span);
                    schedule.push(model::ParameterValues {
                        from: Some(date.date),
                        values: vals,
                        line: self.line(*span),
                    });
                }
            }
        }
        if !undated.is_empty() {
            let span = undated
                .iter()
                .map(|kv| kv.span)
                .reduce(|a, b| a.join(b))
                .unwrap_or_default();
            if !schedule.is_empty() {
                let diag = Diagnostic::error(
                    "ras::date-order",
                    format!(
                        "`{}` mixes values with and without a `from` date",
                        p.id.name
                    ),
                )
                .label(span, "these values have no date")
                .hint("put every value under a `from` date, or none");
                self.error(diag);
            }
            let vals = self.keyed_values(
                p,
                &keys,
                &undated.into_iter().cloned().collect::<Vec<_>>(),
                span,
                &mut unit,
                unit_span,
            );
            schedule.insert(
                0,
                model::ParameterValues {
                    from: None,
                    values: vals,
                    line: self.line(span),
                },
            );
        }
        model::Parameter {
            id: p.id.name.clone(),
            label: p.label.as_ref().map(|t| t.text.clone()),
            unit: unit.unwrap_or(Unit::Number),
            key,
            schedule,
            line: self.line(p.id.span),
        }
    }

    /// What a parameter varies by, and the keys in order.
    fn parameter_key(&mut self, p: &ast::Parameter) -> (ParameterKey, Vec<String>) {
        let Some(by) = &p.by else {
            return (ParameterKey::None, Vec::new());
        };
        if by.name == "cohort" {
            return (
                ParameterKey::Cohort,
                self.m.cohorts.iter().map(|c| c.id.clone()).collect(),
            );
        }
        if let Some(a) = self.m.attributes.iter().position(|a| a.id == by.name) {
            let values = self.m.attributes[a]
                .values
                .iter()
                .map(|v| v.code.clone())
                .collect();
            return (ParameterKey::Attribute(a as u32), values);
        }
        let candidates: Vec<String> = std::iter::once("cohort".to_string())
            .chain(self.m.attributes.iter().map(|a| a.id.clone()))
            .collect();
        let hint = match did_you_mean(&by.name, candidates.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `by {s}`?"),
            None => format!(
                "a parameter varies `by cohort` or by an attribute ({})",
                list_codes(candidates.iter().map(String::as_str))
            ),
        };
        let diag = Diagnostic::error(
            "ras::unknown-name",
            format!("`{}` is neither `cohort` nor a case attribute", by.name),
        )
        .label(by.span, "unknown")
        .hint(hint);
        self.error(diag);
        (ParameterKey::None, Vec::new())
    }

    fn date_in_order(
        &mut self,
        p: &ast::Parameter,
        date: &ast::DateLit,
        last: &mut Option<(crate::date::Date, crate::syntax::Span)>,
    ) {
        if let Some((prev, prev_span)) = *last {
            if date.date == prev {
                let diag = Diagnostic::error(
                    "ras::date-order",
                    format!("`{}` has two values from {}", p.id.name, date.date),
                )
                .label(date.span, "second value from this date")
                .label(prev_span, "first")
                .hint("keep one value for each date; a change of value needs a later date");
                self.error(diag);
            } else if date.date < prev {
                let diag = Diagnostic::error(
                    "ras::date-order",
                    format!(
                        "the dates of `{}` are out of order: {} comes after {}",
                        p.id.name, date.date, prev
                    ),
                )
                .label(date.span, "this date")
                .label(prev_span, "is not after this one")
                .hint("list values from the earliest date to the latest, each date once");
                self.error(diag);
            }
        }
        *last = Some((date.date, date.span));
    }

    fn keyed_values(
        &mut self,
        p: &ast::Parameter,
        keys: &[String],
        values: &[ast::KeyedValue],
        span: crate::syntax::Span,
        unit: &mut Option<Unit>,
        unit_span: Option<crate::syntax::Span>,
    ) -> Vec<Decimal> {
        if p.by.is_none() {
            let first = values.first().map(|v| v.key.span).unwrap_or(span);
            let diag = Diagnostic::error(
                "ras::missing-cohort-value",
                format!(
                    "`{}` gives values by key but does not say what they vary by",
                    p.id.name
                ),
            )
            .label(first, "a key")
            .hint(format!(
                "write `parameter {} by cohort {{ … }}` (or `by` an attribute)",
                p.id.name
            ));
            self.error(diag);
            return vec![Decimal::ZERO];
        }
        let by_unknown = p.by.as_ref().is_some_and(|b| {
            b.name != "cohort" && !self.m.attributes.iter().any(|a| a.id == b.name)
        });
        if by_unknown {
            // `by …` names nothing (reported): its keys cannot be checked.
            for kv in values {
                self.param_value(p, &kv.value, unit, unit_span);
            }
            return vec![Decimal::ZERO];
        }
        let mut out: Vec<Option<Decimal>> = vec![None; keys.len()];
        for kv in values {
            let v = self.param_value(p, &kv.value, unit, unit_span);
            match keys.iter().position(|k| *k == kv.key.text) {
                Some(i) if out[i].is_some() => {
                    let diag = Diagnostic::error(
                        "ras::duplicate-code",
                        format!("`{}` has two values for `{}`", p.id.name, kv.key.text),
                    )
                    .label(kv.span, "second value")
                    .hint(format!(
                        "keep one value for `{}`; a value that changes over time goes under `from` dates",
                        kv.key.text
                    ));
                    self.error(diag);
                }
                Some(i) => out[i] = Some(v),
                None => {
                    let hint = match did_you_mean(&kv.key.text, keys.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "the {} are {}",
                            key_plural(p),
                            list_codes(keys.iter().map(String::as_str))
                        ),
                    };
                    let diag = Diagnostic::error(
                        "ras::unknown-name",
                        format!("`{}` is not one of the {}", kv.key.text, key_plural(p)),
                    )
                    .label(kv.key.span, "unknown")
                    .hint(hint);
                    self.error(diag);
                }
            }
        }
        let missing: Vec<&str> = keys
            .iter()
            .zip(&out)
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.as_str())
            .collect();
        if !missing.is_empty() && !keys.is_empty() {
            let diag = Diagnostic::error(
                "ras::missing-cohort-value",
                format!(
                    "`{}` has no value for {}",
                    p.id.name,
                    list_codes(missing.iter().copied())
                ),
            )
            .label(span, format!("no value here for {}", list_codes(missing.iter().copied())))
            .hint({
                let first = missing.first().copied().unwrap_or("…");
                let example = self.text(values.first().map(|v| v.value.span).unwrap_or(span));
                let example = if example.is_empty() { "…" } else { example };
                let who = match p.by.as_ref().map(|b| b.name.as_str()) {
                    Some("cohort") | None => format!("in {}", list_codes(missing.iter().copied())),
                    Some(by) => format!("whose `{by}` is {}", list_codes(missing.iter().copied())),
                };
                format!("a case {who} would get no figure; add a value for each, e.g. `{first} {example}`")
            });
            self.error(diag);
        }
        out.into_iter()
            .map(|v| v.unwrap_or(Decimal::ZERO))
            .collect()
    }

    /// A parameter value, checking its unit against the others.
    fn param_value(
        &mut self,
        p: &ast::Parameter,
        lit: &ast::Literal,
        unit: &mut Option<Unit>,
        unit_span: Option<crate::syntax::Span>,
    ) -> Decimal {
        match lit.value {
            LiteralValue::Quantity(v, u) => {
                match *unit {
                    None => *unit = Some(u),
                    Some(expected) if expected != u => {
                        let mut diag = Diagnostic::error(
                            "ras::unit-mismatch",
                            format!(
                                "`{}` holds {}, but this value is {}",
                                p.id.name,
                                expected.describe(),
                                u.describe()
                            ),
                        )
                        .label(lit.span, format!("this is {}", u.describe()));
                        if let Some(s) = unit_span {
                            diag = diag.label(s, format!("declared as {}", expected.describe()));
                        }
                        self.error(diag.hint(format!(
                            "write every value of `{}` in {}",
                            p.id.name,
                            expected.symbol()
                        )));
                    }
                    Some(_) => {}
                }
                v
            }
            _ => {
                let diag = Diagnostic::error(
                    "ras::type-mismatch",
                    format!("`{}` must hold an amount, not a date or yes/no", p.id.name),
                )
                .label(lit.span, "not an amount");
                self.error(diag);
                Decimal::ZERO
            }
        }
    }

    pub(super) fn bands(&mut self) {
        for (_, b) in self.decls.bands.clone() {
            let band = self.band(b);
            self.m.bands.push(band);
        }
    }

    fn band(&mut self, b: &ast::Bands) -> model::Band {
        let mut result_unit: Option<Unit> = None;
        let mut table_rows = Vec::new();
        let mut points = Vec::new();
        let mut beyond = None;
        let mut beyond_line = None;
        let mut rows_ok = Vec::new();
        for row in &b.rows {
            let value = match row.value.value {
                LiteralValue::Quantity(v, u) => (v, u, row.value.span),
                _ => {
                    self.error(
                        Diagnostic::error(
                            "ras::type-mismatch",
                            "a band's value must be an amount, rate or percentage",
                        )
                        .label(row.value.span, "not an amount"),
                    );
                    continue;
                }
            };
            if value.1 == Unit::Percent
                && (value.0.is_sign_negative() || value.0 > Decimal::ONE_HUNDRED)
            {
                self.error(
                    Diagnostic::error(
                        "ras::band-rate",
                        format!("a rate of {}% is outside 0% to 100%", value.0),
                    )
                    .label(value.2, "rate out of range")
                    .hint("a contingency or deduction rate is a share of the amount, between 0% and 100%"),
                );
            }
            let is_beyond = matches!(row.range, BandRange::Beyond(_));
            if !is_beyond {
                self.band_result_unit(b, value.1, value.2, &mut result_unit);
            }
            match &row.range {
                BandRange::Beyond(span) => {
                    if !b.interpolate {
                        self.error(Diagnostic::error("ras::band-order", "`above:` gives the rate beyond the last point of straight-line bands")
                            .label(*span, "only for `interpolate` bands")
                            .hint("for stepped bands write `£700 and above: 5%`"));
                    }
                    beyond = Some(value);
                    beyond_line = Some(self.line(row.span));
                }
                BandRange::Point(at) => {
                    if !b.interpolate {
                        self.error(Diagnostic::error("ras::band-order", "a stepped band needs a range: `below £100`, `£100 to £200` or `£700 and above`")
                            .label(at.span, "a single point")
                            .hint(format!("or make the table straight lines: `bands {} on {} interpolate {{ … }}`", b.id.name, b.on.symbol())));
                    }
                    if let Some(x) = self.bound(b, at) {
                        points.push((x, value.0, row.span, at.span));
                    }
                }
                range => {
                    if b.interpolate {
                        self.error(
                            Diagnostic::error(
                                "ras::band-order",
                                "straight-line bands list points, e.g. `10 pts: £40`, not ranges",
                            )
                            .label(row.span, "a range")
                            .hint(format!(
                                "write one point per row, or drop `interpolate` to make `{}` a table of steps",
                                b.id.name
                            )),
                        );
                    }
                    let (from, to) = match range {
                        BandRange::Below(x) => (None, self.bound(b, x).map(|v| (v, x.span))),
                        BandRange::Between(x, y) => (
                            self.bound(b, x).map(|v| (v, x.span)),
                            self.bound(b, y).map(|v| (v, y.span)),
                        ),
                        BandRange::AndAbove(x) => (self.bound(b, x).map(|v| (v, x.span)), None),
                        _ => (None, None),
                    };
                    // A bound already reported as wrong reads as "no bound";
                    // leave the row out of the gap and overlap checks.
                    let bounds_ok = match range {
                        BandRange::Below(_) => to.is_some(),
                        BandRange::Between(..) => from.is_some() && to.is_some(),
                        BandRange::AndAbove(_) => from.is_some(),
                        _ => false,
                    };
                    table_rows.push((from, to, value.0, row.span, range.clone()));
                    rows_ok.push(bounds_ok);
                }
            }
        }
        let unit = result_unit.unwrap_or(Unit::Number);
        if let Some((rate, u, span)) = beyond {
            let expected = unit.divided_by(b.on);
            if expected != Some(u) {
                let want = expected.map(|e| e.describe()).unwrap_or("a rate per unit");
                self.error(
                    Diagnostic::error(
                        "ras::unit-mismatch",
                        format!(
                            "the rate beyond the last point must be {want}, but this is {}",
                            u.describe()
                        ),
                    )
                    .label(span, format!("this is {}", u.describe()))
                    .hint(format!(
                        "e.g. `above: {}9.50/{}`",
                        if unit == Unit::Money { "£" } else { "" },
                        b.on.symbol().trim_end_matches('s')
                    )),
                );
            }
            let _ = rate;
        }
        let table = if b.interpolate {
            self.check_points(b, &points);
            model::BandTable::Interpolate {
                points: points
                    .iter()
                    .map(|(at, v, span, _)| model::BandPoint {
                        at: *at,
                        value: *v,
                        line: self.line(*span),
                    })
                    .collect(),
                beyond: beyond.map(|(r, _, _)| r),
                beyond_line,
            }
        } else {
            self.check_steps(b, &table_rows, &rows_ok);
            model::BandTable::Steps {
                rows: table_rows
                    .iter()
                    .map(|(from, to, v, span, _)| model::BandStep {
                        from: from.map(|f| f.0),
                        to: to.map(|t| t.0),
                        value: *v,
                        line: self.line(*span),
                    })
                    .collect(),
            }
        };
        model::Band {
            id: b.id.name.clone(),
            label: b.label.as_ref().map(|t| t.text.clone()),
            on: b.on,
            unit,
            table,
            line: self.line(b.id.span),
        }
    }

    fn band_result_unit(
        &mut self,
        b: &ast::Bands,
        u: Unit,
        span: crate::syntax::Span,
        result: &mut Option<Unit>,
    ) {
        match *result {
            None => *result = Some(u),
            Some(first) if first != u => {
                self.error(
                    Diagnostic::error(
                        "ras::unit-mismatch",
                        format!(
                            "the bands `{}` mix {} and {}",
                            b.id.name,
                            first.describe(),
                            u.describe()
                        ),
                    )
                    .label(span, format!("this is {}", u.describe()))
                    .hint("every band of a table gives a result in the same unit"),
                );
            }
            Some(_) => {}
        }
    }

    /// A band bound, which must be in the unit the bands are looked up on.
    fn bound(&mut self, b: &ast::Bands, lit: &ast::Literal) -> Option<Decimal> {
        match lit.value {
            LiteralValue::Quantity(v, u) if u == b.on => Some(v),
            LiteralValue::Quantity(v, Unit::Number) if v.is_zero() => Some(v),
            LiteralValue::Quantity(_, u) => {
                self.error(
                    Diagnostic::error(
                        "ras::unit-mismatch",
                        format!(
                            "the bands `{}` are looked up on {}, but this bound is {}",
                            b.id.name,
                            b.on.describe(),
                            u.describe()
                        ),
                    )
                    .label(lit.span, format!("this is {}", u.describe()))
                    .label(b.on_span, format!("looked up on {}", b.on.describe()))
                    .hint(format!(
                        "write every bound in {}, e.g. `{}`",
                        b.on.symbol(),
                        show(Decimal::ONE_HUNDRED, b.on)
                    )),
                );
                None
            }
            _ => {
                self.error(
                    Diagnostic::error("ras::type-mismatch", "a band bound must be an amount")
                        .label(lit.span, "not an amount"),
                );
                None
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn check_steps(
        &mut self,
        b: &ast::Bands,
        rows: &[(
            Option<(Decimal, crate::syntax::Span)>,
            Option<(Decimal, crate::syntax::Span)>,
            Decimal,
            crate::syntax::Span,
            BandRange,
        )],
        rows_ok: &[bool],
    ) {
        let on = |v: Decimal| show(v, b.on);
        // Rows whose bounds are wrong (reported) are left out of the gap and
        // overlap checks, which would only repeat the same mistake.
        let mut ok = rows_ok.to_vec();
        for (i, (from, to, ..)) in rows.iter().enumerate() {
            if let (Some((f, fs)), Some((t, ts))) = (from, to) {
                if f >= t {
                    self.error(Diagnostic::error("ras::band-order", format!("this band runs from {} to {}, which is not upwards", on(*f), on(*t)))
                        .label(*fs, "from")
                        .label(*ts, "to")
                        .hint("write the lower bound first; the lower bound is included, the upper is not"));
                    if let Some(x) = ok.get_mut(i) {
                        *x = false;
                    }
                }
            }
        }
        for (i, (from, _, _, span, _)) in rows.iter().enumerate() {
            if i == 0 || !ok[i] || !ok[i - 1] {
                continue;
            }
            let prev = &rows[i - 1];
            match (prev.1, *from) {
                (None, _) => {
                    self.error(
                        Diagnostic::error(
                            "ras::band-overlap",
                            "this band overlaps the one before, which has no upper bound",
                        )
                        .label(*span, "overlaps")
                        .label(prev.3, "covers everything above its lower bound")
                        .hint("the open-ended band (`… and above`) must come last"),
                    );
                }
                (Some(_), None) => {
                    self.error(
                        Diagnostic::error(
                            "ras::band-overlap",
                            "only the first band may start with `below`",
                        )
                        .label(*span, "overlaps the bands before")
                        .hint("list bands from the lowest values to the highest"),
                    );
                }
                (Some((pt, pts)), Some((f, fs))) => {
                    if f > pt {
                        self.error(
                            Diagnostic::error(
                                "ras::band-gap",
                                format!(
                                    "there is a gap between {} and {}: no band covers it",
                                    on(pt),
                                    on(f)
                                ),
                            )
                            .label(fs, "this band starts here")
                            .label(pts, "the band before ends here")
                            .hint(format!(
                                "start this band at {}, where the one before ends",
                                on(pt)
                            )),
                        );
                    } else if f < pt {
                        self.error(
                            Diagnostic::error(
                                "ras::band-overlap",
                                format!("bands overlap between {} and {}", on(f), on(pt)),
                            )
                            .label(fs, "this band starts here")
                            .label(pts, "but the band before runs to here")
                            .hint(format!(
                                "start this band at {}, where the one before ends",
                                on(pt)
                            )),
                        );
                    }
                }
            }
        }
        if rows.is_empty() {
            self.error(
                Diagnostic::error(
                    "ras::band-order",
                    format!("the bands `{}` have no rows", b.id.name),
                )
                .label(b.id.span, "empty"),
            );
        }
    }

    fn check_points(
        &mut self,
        b: &ast::Bands,
        points: &[(Decimal, Decimal, crate::syntax::Span, crate::syntax::Span)],
    ) {
        for w in points.windows(2) {
            if w[1].0 <= w[0].0 {
                self.error(
                    Diagnostic::error(
                        "ras::band-order",
                        format!(
                            "the points of `{}` must rise: {} comes after {}",
                            b.id.name,
                            show(w[1].0, b.on),
                            show(w[0].0, b.on)
                        ),
                    )
                    .label(w[1].3, "this point")
                    .label(w[0].3, "is not above this one")
                    .hint("list points from the lowest to the highest, each once"),
                );
            }
        }
        if points.len() < 2 {
            self.error(
                Diagnostic::error(
                    "ras::band-order",
                    format!(
                        "straight-line bands `{}` need at least two points",
                        b.id.name
                    ),
                )
                .label(b.id.span, "too few points"),
            );
        }
    }
}

fn q_option(q: &ast::Question, k: usize) -> Option<&ast::OptionDecl> {
    match &q.kind {
        ast::QuestionKind::Choice { options, .. } => options.get(k),
        _ => None,
    }
}

fn key_name(p: &ast::Parameter) -> String {
    p.by.as_ref()
        .map(|b| b.name.clone())
        .unwrap_or_else(|| "nothing".into())
}

fn key_plural(p: &ast::Parameter) -> String {
    match p.by.as_ref().map(|b| b.name.as_str()) {
        Some("cohort") => "cohorts".into(),
        Some(other) => format!("values of `{other}`"),
        None => "keys".into(),
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
