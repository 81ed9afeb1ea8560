//! Parameters: values by cohort, by attribute and by date, each in one unit.

use super::names::{did_you_mean, list_codes};
use super::symbols::{Findings, Symbols};
use crate::diag::{codes, Diagnostic};
use crate::model::spans::{ParameterSpans, ValuesSpans};
use crate::model::{self, ParameterKey};
use crate::syntax::ast::{self, LiteralValue, ParameterBody, ParameterEntry};
use crate::syntax::Span;
use crate::units::Unit;
use rust_decimal::Decimal;

/// The parameters, with where each value is written. Reads the cohorts and
/// attributes, whose codes are the keys of values by cohort or attribute.
pub(super) fn parameters(
    sym: &Symbols,
    cohorts: &[model::Cohort],
    attributes: &[model::Attribute],
) -> (Vec<model::Parameter>, Vec<ParameterSpans>, Findings) {
    let mut pass = ParameterPass {
        sym,
        cohorts,
        attributes,
        found: Findings::default(),
    };
    let mut parameters = Vec::new();
    let mut spans = Vec::new();
    for (_, p) in sym.decls.parameters.iter() {
        let (param, at) = pass.parameter(p);
        parameters.push(param);
        spans.push(at);
    }
    (parameters, spans, pass.found)
}

struct ParameterPass<'p, 's, 'a> {
    sym: &'s Symbols<'a>,
    cohorts: &'p [model::Cohort],
    attributes: &'p [model::Attribute],
    found: Findings,
}

impl<'a> ParameterPass<'_, '_, 'a> {
    fn error(&mut self, diag: Diagnostic) {
        self.found.error(diag);
    }

    fn parameter(&mut self, p: &'a ast::Parameter) -> (model::Parameter, ParameterSpans) {
        let (key, keys) = self.parameter_key(p);
        let mut unit = p.unit.map(|(u, _)| u);
        let unit_span = p.unit.map(|(_, s)| s);
        let mut schedule: Vec<model::ParameterValues> = Vec::new();
        let mut places: Vec<ValuesSpans> = Vec::new();
        let mut last_date: Option<(crate::date::Date, crate::syntax::Span)> = None;
        let entries: Vec<&ParameterEntry> = match &p.body {
            ParameterBody::Constant(lit) => {
                if key != ParameterKey::None {
                    let diag = Diagnostic::new(
                        missing_value_code(p),
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
                            .map(|k| format!("{k} {}", self.sym.text(lit.span)))
                            .collect::<Vec<_>>()
                            .join("  ")
                    ));
                    self.error(diag);
                }
                let v = self.param_value(p, lit, &mut unit, unit_span);
                schedule.push(model::ParameterValues {
                    from: None,
                    values: vec![v],
                });
                places.push(ValuesSpans {
                    entry: lit.span,
                    values: vec![lit.span],
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
                        let diag = Diagnostic::new(missing_value_code(p), format!("`{}` gives one value from {} but varies by {}", p.id.name, date.date, key_name(p)))
                            .label(*span, "one value for every case")
                            .hint("give a value for each, e.g. `from 2024-04-01 { older_people £4.88/pt working_age £5.20/pt }`");
                        self.error(diag);
                    }
                    let v = self.param_value(p, value, &mut unit, unit_span);
                    schedule.push(model::ParameterValues {
                        from: Some(date.date),
                        values: vec![v],
                    });
                    places.push(ValuesSpans {
                        entry: *span,
                        values: vec![*span],
                    });
                }
                ParameterEntry::FromKeyed { date, values, span } => {
                    self.date_in_order(p, date, &mut last_date);
                    let (vals, at) =
                        self.keyed_values(p, &keys, values, *span, &mut unit, unit_span);
                    schedule.push(model::ParameterValues {
                        from: Some(date.date),
                        values: vals,
                    });
                    places.push(ValuesSpans {
                        entry: *span,
                        values: at,
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
                let diag = Diagnostic::new(
                    codes::DATE_ORDER,
                    format!(
                        "`{}` mixes values with and without a `from` date",
                        p.id.name
                    ),
                )
                .label(span, "these values have no date")
                .hint("put every value under a `from` date, or none");
                self.error(diag);
            }
            let (vals, at) = self.keyed_values(
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
                },
            );
            places.insert(
                0,
                ValuesSpans {
                    entry: span,
                    values: at,
                },
            );
        }
        let param = model::Parameter {
            id: p.id.name.clone(),
            label: p.label.as_ref().map(|t| t.text.clone()),
            unit: unit.unwrap_or(Unit::Number),
            key,
            schedule,
        };
        let spans = ParameterSpans {
            name: p.id.span,
            schedule: places,
        };
        (param, spans)
    }

    /// What a parameter varies by, and the keys in order.
    fn parameter_key(&mut self, p: &ast::Parameter) -> (ParameterKey, Vec<String>) {
        let Some(by) = &p.by else {
            return (ParameterKey::None, Vec::new());
        };
        if by.name == "cohort" {
            return (
                ParameterKey::Cohort,
                self.cohorts.iter().map(|c| c.id.clone()).collect(),
            );
        }
        if let Some(a) = self.attributes.iter().position(|a| a.id == by.name) {
            let values = self.attributes[a]
                .values
                .iter()
                .map(|v| v.code.clone())
                .collect();
            return (ParameterKey::Attribute(a as u32), values);
        }
        let candidates: Vec<String> = std::iter::once("cohort".to_string())
            .chain(self.attributes.iter().map(|a| a.id.clone()))
            .collect();
        let hint = match did_you_mean(&by.name, candidates.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `by {s}`?"),
            None => format!(
                "a parameter varies `by cohort` or by an attribute ({})",
                list_codes(candidates.iter().map(String::as_str))
            ),
        };
        let diag = Diagnostic::new(
            codes::UNKNOWN_NAME,
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
                let diag = Diagnostic::new(
                    codes::DATE_ORDER,
                    format!("`{}` has two values from {}", p.id.name, date.date),
                )
                .label(date.span, "second value from this date")
                .label(prev_span, "first")
                .hint("keep one value for each date; a change of value needs a later date");
                self.error(diag);
            } else if date.date < prev {
                let diag = Diagnostic::new(
                    codes::DATE_ORDER,
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
    ) -> (Vec<Decimal>, Vec<Span>) {
        if p.by.is_none() {
            let first = values.first().map(|v| v.key.span).unwrap_or(span);
            let diag = Diagnostic::new(
                codes::MISSING_COHORT_VALUE,
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
            return (vec![Decimal::ZERO], vec![span]);
        }
        let by_unknown = p
            .by
            .as_ref()
            .is_some_and(|b| b.name != "cohort" && !self.attributes.iter().any(|a| a.id == b.name));
        if by_unknown {
            // `by …` names nothing (reported): its keys cannot be checked.
            for kv in values {
                self.param_value(p, &kv.value, unit, unit_span);
            }
            return (vec![Decimal::ZERO], vec![span]);
        }
        let mut out: Vec<Option<Decimal>> = vec![None; keys.len()];
        // Each value where it is written, so a trace names its own line.
        let mut at: Vec<Span> = vec![span; keys.len()];
        for kv in values {
            let v = self.param_value(p, &kv.value, unit, unit_span);
            match keys.iter().position(|k| *k == kv.key.text) {
                Some(i) if out[i].is_some() => {
                    let diag = Diagnostic::new(
                        codes::DUPLICATE_CODE,
                        format!("`{}` has two values for `{}`", p.id.name, kv.key.text),
                    )
                    .label(kv.span, "second value")
                    .hint(format!(
                        "keep one value for `{}`; a value that changes over time goes under `from` dates",
                        kv.key.text
                    ));
                    self.error(diag);
                }
                Some(i) => {
                    out[i] = Some(v);
                    at[i] = kv.span;
                }
                None => {
                    let hint = match did_you_mean(&kv.key.text, keys.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "the {} are {}",
                            key_plural(p),
                            list_codes(keys.iter().map(String::as_str))
                        ),
                    };
                    let diag = Diagnostic::new(
                        codes::UNKNOWN_NAME,
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
            let whose = match p.by.as_ref().map(|b| b.name.as_str()) {
                Some("cohort") | None => String::new(),
                Some(by) if missing.len() == 1 => format!("the `{by}` value "),
                Some(by) => format!("the `{by}` values "),
            };
            let diag = Diagnostic::new(
                missing_value_code(p),
                format!(
                    "`{}` has no value for {whose}{}",
                    p.id.name,
                    list_codes(missing.iter().copied())
                ),
            )
            .label(span, format!("no value here for {}", list_codes(missing.iter().copied())))
            .hint({
                let first = missing.first().copied().unwrap_or("…");
                let example = self.sym.text(values.first().map(|v| v.value.span).unwrap_or(span));
                let example = if example.is_empty() { "…" } else { example };
                let who = match p.by.as_ref().map(|b| b.name.as_str()) {
                    Some("cohort") | None => format!("in {}", list_codes(missing.iter().copied())),
                    Some(by) => format!("whose `{by}` is {}", list_codes(missing.iter().copied())),
                };
                format!("a case {who} would get no figure; add a value for each, e.g. `{first} {example}`")
            });
            self.error(diag);
        }
        let values = out
            .into_iter()
            .map(|v| v.unwrap_or(Decimal::ZERO))
            .collect();
        (values, at)
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
                        let mut diag = Diagnostic::new(
                            codes::UNIT_MISMATCH,
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
                let diag = Diagnostic::new(
                    codes::TYPE_MISMATCH,
                    format!("`{}` must hold an amount, not a date or yes/no", p.id.name),
                )
                .label(lit.span, "not an amount");
                self.error(diag);
                Decimal::ZERO
            }
        }
    }
}

/// A parameter by a case attribute that lacks a value for one of its values
/// has a code of its own: the fix is in the attribute's values, not cohorts.
fn missing_value_code(p: &ast::Parameter) -> codes::Code {
    match p.by.as_ref().map(|b| b.name.as_str()) {
        Some("cohort") | None => codes::MISSING_COHORT_VALUE,
        Some(_) => codes::MISSING_ATTRIBUTE_VALUE,
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
