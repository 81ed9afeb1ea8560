//! Two models -> the list of changes, by name, in the order a reader meets
//! them in a rule file: header, cohorts, attributes, domains, questions,
//! parameters, bands, steps, flags, checks, eligibility, route, tests.

use super::expr::{same, text};
use super::{Change, Kind, ValueChange, Version};
use crate::eval::format_quantity;
use crate::model::{
    Band, BandTable, Expectation, Model, Parameter, ParameterKey, Question, QuestionKind, StepKind,
};
use crate::units::Unit;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Every change from `old` to `new`; unchanged things are not listed.
pub fn changes(old: &Version, new: &Version) -> Vec<Change> {
    let mut out = List(Vec::new());
    header(old.model(), new.model(), &mut out);
    cohorts(old.model(), new.model(), &mut out);
    attributes(old.model(), new.model(), &mut out);
    domains(old.model(), new.model(), &mut out);
    questions(old.model(), new.model(), &mut out);
    parameters(old.model(), new.model(), &mut out);
    bands(old.model(), new.model(), &mut out);
    steps(old, new, &mut out);
    flags(old, new, &mut out);
    checks(old, new, &mut out);
    eligibility(old, new, &mut out);
    route(old, new, &mut out);
    tests(old.model(), new.model(), &mut out);
    out.0
}

struct List(Vec<Change>);

impl List {
    fn push(&mut self, kind: Kind, name: &str, text: String) {
        self.0.push(Change {
            kind,
            name: name.to_string(),
            text,
            value: None,
        });
    }

    fn value(&mut self, kind: Kind, name: &str, text: String, value: ValueChange) {
        self.0.push(Change {
            kind,
            name: name.to_string(),
            text,
            value: Some(value),
        });
    }
}

/// Pairs of things with the same name: (old index, new index) in new order
/// for the common ones, then the removed (old order) and the added.
struct Matched {
    both: Vec<(usize, usize)>,
    removed: Vec<usize>,
    added: Vec<usize>,
}

fn matched<'a, T>(old: &'a [T], new: &'a [T], name: impl Fn(&T) -> &str) -> Matched {
    let index: BTreeMap<&str, usize> = old.iter().enumerate().map(|(i, t)| (name(t), i)).collect();
    let new_names: BTreeMap<&str, usize> =
        new.iter().enumerate().map(|(i, t)| (name(t), i)).collect();
    Matched {
        both: new
            .iter()
            .enumerate()
            .filter_map(|(j, t)| index.get(name(t)).map(|i| (*i, j)))
            .collect(),
        removed: old
            .iter()
            .enumerate()
            .filter(|(_, t)| !new_names.contains_key(name(t)))
            .map(|(i, _)| i)
            .collect(),
        added: new
            .iter()
            .enumerate()
            .filter(|(_, t)| !index.contains_key(name(t)))
            .map(|(j, _)| j)
            .collect(),
    }
}

fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

fn optional(text: &Option<String>) -> String {
    text.as_deref().map_or_else(|| "(none)".to_string(), quoted)
}

fn header(a: &Model, b: &Model, out: &mut List) {
    let (x, y) = (&a.header, &b.header);
    let mut field = |name: &str, old: String, new: String| {
        if old != new {
            out.push(Kind::Header, name, format!("{name}: {old} → {new}"));
        }
    };
    field("title", quoted(&x.title), quoted(&y.title));
    field("council", quoted(&x.council), quoted(&y.council));
    field("version", quoted(&x.version), quoted(&y.version));
    let date = |d: Option<crate::date::Date>| d.map_or("(none)".to_string(), |d| d.to_string());
    field("effective", date(x.effective), date(y.effective));
    field("review", date(x.review), date(y.review));
    field("approved", optional(&x.approved), optional(&y.approved));
    field("change", optional(&x.change), optional(&y.change));
    field(
        "period",
        format!("{:?}", x.period),
        format!("{:?}", y.period),
    );
    let rounding = |r: &crate::model::Rounding| format!("{:?} {:?}", r.to, r.mode).to_lowercase();
    field("rounding", rounding(&x.rounding), rounding(&y.rounding));
}

fn cohorts(a: &Model, b: &Model, out: &mut List) {
    let m = matched(&a.cohorts, &b.cohorts, |c| &c.id);
    for i in m.removed {
        let c = &a.cohorts[i];
        out.push(
            Kind::Cohort,
            &c.id,
            format!("cohort `{}` {} removed", c.id, quoted(&c.label)),
        );
    }
    for j in m.added {
        let c = &b.cohorts[j];
        let note = match &c.not_validated {
            Some(r) => format!(", not validated: {}", quoted(r)),
            None => String::new(),
        };
        out.push(
            Kind::Cohort,
            &c.id,
            format!("cohort `{}` {} added{note}", c.id, quoted(&c.label)),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.cohorts[i], &b.cohorts[j]);
        if x.label != y.label {
            out.push(
                Kind::Cohort,
                &x.id,
                format!(
                    "cohort `{}`: label {} → {}",
                    x.id,
                    quoted(&x.label),
                    quoted(&y.label)
                ),
            );
        }
        match (&x.not_validated, &y.not_validated) {
            (None, Some(r)) => out.push(
                Kind::Cohort,
                &x.id,
                format!("cohort `{}` is now not validated: {}", x.id, quoted(r)),
            ),
            (Some(_), None) => out.push(
                Kind::Cohort,
                &x.id,
                format!("cohort `{}` is now validated", x.id),
            ),
            (Some(r), Some(s)) if r != s => out.push(
                Kind::Cohort,
                &x.id,
                format!(
                    "cohort `{}`: reason it is not validated {} → {}",
                    x.id,
                    quoted(r),
                    quoted(s)
                ),
            ),
            _ => {}
        }
    }
}

fn attributes(a: &Model, b: &Model, out: &mut List) {
    let m = matched(&a.attributes, &b.attributes, |x| &x.id);
    for i in m.removed {
        let x = &a.attributes[i];
        out.push(
            Kind::Attribute,
            &x.id,
            format!("attribute `{}` {} removed", x.id, quoted(&x.label)),
        );
    }
    for j in m.added {
        let x = &b.attributes[j];
        let codes: Vec<&str> = x.values.iter().map(|v| v.code.as_str()).collect();
        out.push(
            Kind::Attribute,
            &x.id,
            format!(
                "attribute `{}` {} added: {}",
                x.id,
                quoted(&x.label),
                codes.join(", ")
            ),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.attributes[i], &b.attributes[j]);
        if x.label != y.label {
            out.push(
                Kind::Attribute,
                &x.id,
                format!(
                    "attribute `{}`: label {} → {}",
                    x.id,
                    quoted(&x.label),
                    quoted(&y.label)
                ),
            );
        }
        let v = matched(&x.values, &y.values, |v| &v.code);
        for i in v.removed {
            out.push(
                Kind::Attribute,
                &x.id,
                format!("attribute `{}`: value `{}` removed", x.id, x.values[i].code),
            );
        }
        for j in v.added {
            out.push(
                Kind::Attribute,
                &x.id,
                format!(
                    "attribute `{}`: value `{}` {} added",
                    x.id,
                    y.values[j].code,
                    quoted(&y.values[j].label)
                ),
            );
        }
        for (i, j) in v.both {
            if x.values[i].label != y.values[j].label {
                out.push(
                    Kind::Attribute,
                    &x.id,
                    format!(
                        "attribute `{}`, value `{}`: label {} → {}",
                        x.id,
                        x.values[i].code,
                        quoted(&x.values[i].label),
                        quoted(&y.values[j].label)
                    ),
                );
            }
        }
    }
}

fn domains(a: &Model, b: &Model, out: &mut List) {
    let m = matched(&a.domains, &b.domains, |x| &x.id);
    for i in m.removed {
        let x = &a.domains[i];
        out.push(
            Kind::Domain,
            &x.id,
            format!("domain `{}` {} removed", x.id, quoted(&x.label)),
        );
    }
    for j in m.added {
        let x = &b.domains[j];
        out.push(
            Kind::Domain,
            &x.id,
            format!(
                "domain `{}` {} added, weight {}",
                x.id,
                quoted(&x.label),
                x.weight.normalize()
            ),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.domains[i], &b.domains[j]);
        if x.label != y.label {
            out.push(
                Kind::Domain,
                &x.id,
                format!(
                    "domain `{}`: label {} → {}",
                    x.id,
                    quoted(&x.label),
                    quoted(&y.label)
                ),
            );
        }
        if x.weight != y.weight {
            out.push(
                Kind::Domain,
                &x.id,
                format!(
                    "domain `{}`: weight {} → {}",
                    x.id,
                    x.weight.normalize(),
                    y.weight.normalize()
                ),
            );
        }
    }
}

fn question_kind(q: &Question) -> String {
    match &q.kind {
        QuestionKind::Choice { options, .. } => {
            let codes: Vec<&str> = options.iter().map(|o| o.code.as_str()).collect();
            format!("options {}", codes.join(", "))
        }
        QuestionKind::YesNo { .. } => "yes/no".into(),
        QuestionKind::Number { unit, min, max, .. } => format!(
            "a number from {} to {}",
            format_quantity(*min, *unit),
            format_quantity(*max, *unit)
        ),
    }
}

/// An option's values in words: `9 pts`, `2 h and 1 sessions`.
fn option_values(units: &[Unit], values: &[Decimal]) -> String {
    let parts: Vec<String> = units
        .iter()
        .zip(values)
        .map(|(u, v)| format_quantity(*v, *u))
        .collect();
    if parts.is_empty() {
        "no value".into()
    } else {
        parts.join(" and ")
    }
}

fn questions(a: &Model, b: &Model, out: &mut List) {
    let m = matched(&a.questions, &b.questions, |x| &x.id);
    for i in m.removed {
        let q = &a.questions[i];
        out.push(
            Kind::Question,
            &q.id,
            format!("question `{}` {} removed", q.id, quoted(&q.text)),
        );
    }
    for j in m.added {
        let q = &b.questions[j];
        out.push(
            Kind::Question,
            &q.id,
            format!(
                "question `{}` {} added: {}",
                q.id,
                quoted(&q.text),
                question_kind(q)
            ),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.questions[i], &b.questions[j]);
        let id = x.id.as_str();
        if x.text != y.text {
            out.push(
                Kind::Question,
                id,
                format!(
                    "question `{id}`: wording {} → {}",
                    quoted(&x.text),
                    quoted(&y.text)
                ),
            );
        }
        let domain = |m: &Model, d: Option<u32>| {
            d.and_then(|d| m.domains.get(d as usize))
                .map_or("(none)".to_string(), |d| format!("`{}`", d.id))
        };
        if domain(a, x.domain) != domain(b, y.domain) {
            out.push(
                Kind::Question,
                id,
                format!(
                    "question `{id}`: domain {} → {}",
                    domain(a, x.domain),
                    domain(b, y.domain)
                ),
            );
        }
        if x.carer_willingness != y.carer_willingness {
            let now = if y.carer_willingness {
                "now records"
            } else {
                "no longer records"
            };
            out.push(
                Kind::Question,
                id,
                format!("question `{id}` {now} whether carers are willing and able"),
            );
        }
        match (&x.kind, &y.kind) {
            (
                QuestionKind::Choice {
                    options: xo,
                    units: xu,
                    default: xd,
                },
                QuestionKind::Choice {
                    options: yo,
                    units: yu,
                    default: yd,
                },
            ) => {
                let o = matched(xo, yo, |o| &o.code);
                for k in o.removed {
                    let opt = &xo[k];
                    out.push(
                        Kind::Question,
                        id,
                        format!(
                            "question `{id}`: option {} {} removed",
                            opt.code,
                            quoted(&opt.text)
                        ),
                    );
                }
                for k in o.added {
                    let opt = &yo[k];
                    out.push(
                        Kind::Question,
                        id,
                        format!(
                            "question `{id}`: option {} {} added: {}",
                            opt.code,
                            quoted(&opt.text),
                            option_values(yu, &opt.values)
                        ),
                    );
                }
                let order = |os: &[crate::model::AnswerOption],
                             keep: &dyn Fn(&str) -> bool|
                 -> Vec<String> {
                    os.iter()
                        .filter(|o| keep(&o.code))
                        .map(|o| o.code.clone())
                        .collect()
                };
                let in_new = |c: &str| yo.iter().any(|o| o.code == c);
                let in_old = |c: &str| xo.iter().any(|o| o.code == c);
                let (before, after) = (order(xo, &in_new), order(yo, &in_old));
                if before != after {
                    out.push(
                        Kind::Question,
                        id,
                        format!(
                            "question `{id}`: options in the order {} → {}",
                            before.join(", "),
                            after.join(", ")
                        ),
                    );
                }
                for (k, l) in o.both {
                    let (p, q) = (&xo[k], &yo[l]);
                    if p.text != q.text {
                        out.push(
                            Kind::Question,
                            id,
                            format!(
                                "question `{id}`, option {}: wording {} → {}",
                                p.code,
                                quoted(&p.text),
                                quoted(&q.text)
                            ),
                        );
                    }
                    for (slot, unit) in xu.iter().enumerate() {
                        let Some(new_slot) = yu.iter().position(|u| u == unit) else {
                            continue;
                        };
                        let (Some(v), Some(w)) = (p.values.get(slot), q.values.get(new_slot))
                        else {
                            continue;
                        };
                        if v != w {
                            out.value(
                                Kind::Question,
                                id,
                                format!(
                                    "question `{id}`, option {} {}: {} → {}",
                                    p.code,
                                    quoted(&q.text),
                                    format_quantity(*v, *unit),
                                    format_quantity(*w, *unit)
                                ),
                                ValueChange::Option {
                                    question: i as u32,
                                    option: k,
                                    slot,
                                    value: *w,
                                },
                            );
                        }
                    }
                }
                let units =
                    |us: &[Unit]| us.iter().map(|u| u.symbol()).collect::<Vec<_>>().join(", ");
                for u in xu.iter().filter(|u| !yu.contains(u)) {
                    out.push(
                        Kind::Question,
                        id,
                        format!(
                            "question `{id}`: its options no longer carry {} values",
                            u.symbol()
                        ),
                    );
                }
                for u in yu.iter().filter(|u| !xu.contains(u)) {
                    out.push(
                        Kind::Question,
                        id,
                        format!(
                            "question `{id}`: its options now carry {} values ({} before)",
                            u.symbol(),
                            if xu.is_empty() {
                                "none".to_string()
                            } else {
                                units(xu)
                            }
                        ),
                    );
                }
                let default = |os: &[crate::model::AnswerOption], d: &Option<u32>| {
                    d.and_then(|d| os.get(d as usize))
                        .map_or("(none)".to_string(), |o| o.code.clone())
                };
                if default(xo, xd) != default(yo, yd) {
                    out.push(
                        Kind::Question,
                        id,
                        format!(
                            "question `{id}`: default answer {} → {}",
                            default(xo, xd),
                            default(yo, yd)
                        ),
                    );
                }
            }
            (QuestionKind::YesNo { default: xd }, QuestionKind::YesNo { default: yd }) => {
                if xd != yd {
                    let d = |d: &Option<bool>| match d {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "(none)",
                    };
                    out.push(
                        Kind::Question,
                        id,
                        format!("question `{id}`: default answer {} → {}", d(xd), d(yd)),
                    );
                }
            }
            (
                QuestionKind::Number {
                    unit: xu,
                    min: xmin,
                    max: xmax,
                    default: xd,
                },
                QuestionKind::Number {
                    unit: yu,
                    min: ymin,
                    max: ymax,
                    default: yd,
                },
            ) => {
                if (xu, xmin, xmax) != (yu, ymin, ymax) {
                    out.push(
                        Kind::Question,
                        id,
                        format!(
                            "question `{id}`: {} → {}",
                            question_kind(x),
                            question_kind(y)
                        ),
                    );
                }
                if xd != yd {
                    let d = |d: &Option<Decimal>, u: &Unit| {
                        d.map_or("(none)".to_string(), |v| format_quantity(v, *u))
                    };
                    out.push(
                        Kind::Question,
                        id,
                        format!(
                            "question `{id}`: default answer {} → {}",
                            d(xd, xu),
                            d(yd, yu)
                        ),
                    );
                }
            }
            _ => out.push(
                Kind::Question,
                id,
                format!(
                    "question `{id}`: {} → {}",
                    question_kind(x),
                    question_kind(y)
                ),
            ),
        }
    }
}

/// The names of a parameter's keys, in key order.
fn keys(m: &Model, p: &Parameter) -> Vec<String> {
    match p.key {
        ParameterKey::None => vec![String::new()],
        ParameterKey::Cohort => m.cohorts.iter().map(|c| c.id.clone()).collect(),
        ParameterKey::Attribute(a) => m
            .attributes
            .get(a as usize)
            .map(|a| a.values.iter().map(|v| v.code.clone()).collect())
            .unwrap_or_default(),
    }
}

fn key_words(m: &Model, p: &Parameter) -> String {
    match p.key {
        ParameterKey::None => "one value".into(),
        ParameterKey::Cohort => "by cohort".into(),
        ParameterKey::Attribute(a) => format!(
            "by `{}`",
            m.attributes.get(a as usize).map_or("?", |a| a.id.as_str())
        ),
    }
}

fn from_words(from: Option<crate::date::Date>) -> String {
    from.map_or_else(String::new, |d| format!(", from {d}"))
}

fn schedule_words(m: &Model, p: &Parameter) -> String {
    let keys = keys(m, p);
    let entries: Vec<String> = p
        .schedule
        .iter()
        .map(|e| {
            let values: Vec<String> = e
                .values
                .iter()
                .zip(&keys)
                .map(|(v, k)| {
                    let v = format_quantity(*v, p.unit);
                    if k.is_empty() {
                        v
                    } else {
                        format!("{k} {v}")
                    }
                })
                .collect();
            match e.from {
                Some(d) => format!("from {d}: {}", values.join(", ")),
                None => values.join(", "),
            }
        })
        .collect();
    entries.join("; ")
}

fn parameters(a: &Model, b: &Model, out: &mut List) {
    let m = matched(&a.parameters, &b.parameters, |x| &x.id);
    for i in m.removed {
        let p = &a.parameters[i];
        out.push(
            Kind::Parameter,
            &p.id,
            format!(
                "parameter `{}` removed (was {})",
                p.id,
                schedule_words(a, p)
            ),
        );
    }
    for j in m.added {
        let p = &b.parameters[j];
        let label = p
            .label
            .as_deref()
            .map(|l| format!(" {}", quoted(l)))
            .unwrap_or_default();
        out.push(
            Kind::Parameter,
            &p.id,
            format!(
                "parameter `{}`{label} added: {}",
                p.id,
                schedule_words(b, p)
            ),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.parameters[i], &b.parameters[j]);
        let id = x.id.as_str();
        if x.label != y.label {
            out.push(
                Kind::Parameter,
                id,
                format!(
                    "parameter `{id}`: label {} → {}",
                    optional(&x.label),
                    optional(&y.label)
                ),
            );
        }
        let same_key = match (x.key, y.key) {
            (ParameterKey::Attribute(p), ParameterKey::Attribute(q)) => {
                a.attributes.get(p as usize).map(|x| &x.id)
                    == b.attributes.get(q as usize).map(|x| &x.id)
            }
            (p, q) => p == q,
        };
        if x.unit != y.unit || !same_key {
            out.push(
                Kind::Parameter,
                id,
                format!(
                    "parameter `{id}`: {} {} → {} {}",
                    x.unit.symbol(),
                    key_words(a, x),
                    y.unit.symbol(),
                    key_words(b, y)
                ),
            );
            continue;
        }
        let (xk, yk) = (keys(a, x), keys(b, y));
        for e in &x.schedule {
            if !y.schedule.iter().any(|f| f.from == e.from) {
                let when = e
                    .from
                    .map_or_else(|| "undated".to_string(), |d| format!("from {d}"));
                out.push(
                    Kind::Parameter,
                    id,
                    format!("parameter `{id}`: the values {when} removed"),
                );
            }
        }
        for f in &y.schedule {
            if !x.schedule.iter().any(|e| e.from == f.from) {
                let values: Vec<String> = f
                    .values
                    .iter()
                    .zip(&yk)
                    .map(|(v, k)| {
                        let v = format_quantity(*v, y.unit);
                        if k.is_empty() {
                            v
                        } else {
                            format!("{k} {v}")
                        }
                    })
                    .collect();
                let when = f
                    .from
                    .map_or_else(|| "undated".to_string(), |d| format!("from {d}"));
                out.push(
                    Kind::Parameter,
                    id,
                    format!(
                        "parameter `{id}`: values {when} added: {}",
                        values.join(", ")
                    ),
                );
            }
        }
        for (entry, e) in x.schedule.iter().enumerate() {
            let Some(f) = y.schedule.iter().find(|f| f.from == e.from) else {
                continue;
            };
            for (key, name) in xk.iter().enumerate() {
                let Some(v) = e.values.get(key) else { continue };
                let Some(w) = yk
                    .iter()
                    .position(|k| k == name)
                    .and_then(|k| f.values.get(k))
                else {
                    continue;
                };
                if v != w {
                    let who = if name.is_empty() {
                        String::new()
                    } else {
                        format!(", {name}")
                    };
                    out.value(
                        Kind::Parameter,
                        id,
                        format!(
                            "parameter `{id}`{who}{}: {} → {}",
                            from_words(e.from),
                            format_quantity(*v, x.unit),
                            format_quantity(*w, y.unit)
                        ),
                        ValueChange::Parameter {
                            parameter: i as u32,
                            entry,
                            key,
                            value: *w,
                        },
                    );
                }
            }
            for name in yk.iter().filter(|k| !xk.contains(k)) {
                if let Some(w) = yk
                    .iter()
                    .position(|k| k == name)
                    .and_then(|k| f.values.get(k))
                {
                    out.push(
                        Kind::Parameter,
                        id,
                        format!(
                            "parameter `{id}`, {name}{}: {} (new)",
                            from_words(e.from),
                            format_quantity(*w, y.unit)
                        ),
                    );
                }
            }
        }
    }
}

/// A step band's range in words: `below £100`, `£100 to £200`, `£700 and above`.
fn range_words(on: Unit, from: Option<Decimal>, to: Option<Decimal>) -> String {
    match (from, to) {
        (None, Some(t)) => format!("below {}", format_quantity(t, on)),
        (Some(f), Some(t)) => format!("{} to {}", format_quantity(f, on), format_quantity(t, on)),
        (Some(f), None) => format!("{} and above", format_quantity(f, on)),
        (None, None) => "every value".into(),
    }
}

fn table_words(band: &Band) -> String {
    match &band.table {
        BandTable::Steps { rows } => rows
            .iter()
            .map(|r| {
                format!(
                    "{}: {}",
                    range_words(band.on, r.from, r.to),
                    format_quantity(r.value, band.unit)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        BandTable::Interpolate { points, beyond } => {
            let mut parts: Vec<String> = points
                .iter()
                .map(|p| {
                    format!(
                        "{}: {}",
                        format_quantity(p.at, band.on),
                        format_quantity(p.value, band.unit)
                    )
                })
                .collect();
            if let Some(r) = beyond {
                parts.push(format!("above: {}", format_quantity(*r, beyond_unit(band))));
            }
            parts.join(", ")
        }
    }
}

fn beyond_unit(band: &Band) -> Unit {
    band.unit.divided_by(band.on).unwrap_or(Unit::Number)
}

fn bands(a: &Model, b: &Model, out: &mut List) {
    let m = matched(&a.bands, &b.bands, |x| &x.id);
    for i in m.removed {
        let x = &a.bands[i];
        out.push(
            Kind::Band,
            &x.id,
            format!("bands `{}` removed (were {})", x.id, table_words(x)),
        );
    }
    for j in m.added {
        let x = &b.bands[j];
        out.push(
            Kind::Band,
            &x.id,
            format!("bands `{}` added: {}", x.id, table_words(x)),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.bands[i], &b.bands[j]);
        let id = x.id.as_str();
        if x.label != y.label {
            out.push(
                Kind::Band,
                id,
                format!(
                    "bands `{id}`: label {} → {}",
                    optional(&x.label),
                    optional(&y.label)
                ),
            );
        }
        let band = i as u32;
        match (&x.table, &y.table) {
            _ if x.on != y.on || x.unit != y.unit => {
                out.push(
                    Kind::Band,
                    id,
                    format!("bands `{id}`: {} → {}", table_words(x), table_words(y)),
                );
            }
            (BandTable::Steps { rows: xr }, BandTable::Steps { rows: yr }) => {
                let bounds = |rows: &[crate::model::BandStep]| {
                    rows.iter().map(|r| (r.from, r.to)).collect::<Vec<_>>()
                };
                if bounds(xr) == bounds(yr) {
                    for (row, (r, s)) in xr.iter().zip(yr).enumerate() {
                        if r.value != s.value {
                            out.value(
                                Kind::Band,
                                id,
                                format!(
                                    "bands `{id}`, {}: {} → {}",
                                    range_words(x.on, r.from, r.to),
                                    format_quantity(r.value, x.unit),
                                    format_quantity(s.value, y.unit)
                                ),
                                ValueChange::BandValue {
                                    band,
                                    row,
                                    value: s.value,
                                },
                            );
                        }
                    }
                } else {
                    out.value(
                        Kind::Band,
                        id,
                        format!("bands `{id}`: {} → {}", table_words(x), table_words(y)),
                        ValueChange::BandRows {
                            band,
                            table: y.table.clone(),
                        },
                    );
                }
            }
            (
                BandTable::Interpolate {
                    points: xp,
                    beyond: xb,
                },
                BandTable::Interpolate {
                    points: yp,
                    beyond: yb,
                },
            ) => {
                let ats =
                    |ps: &[crate::model::BandPoint]| ps.iter().map(|p| p.at).collect::<Vec<_>>();
                if ats(xp) == ats(yp) {
                    for (row, (p, q)) in xp.iter().zip(yp).enumerate() {
                        if p.value != q.value {
                            out.value(
                                Kind::Band,
                                id,
                                format!(
                                    "bands `{id}`, at {}: {} → {}",
                                    format_quantity(p.at, x.on),
                                    format_quantity(p.value, x.unit),
                                    format_quantity(q.value, y.unit)
                                ),
                                ValueChange::BandValue {
                                    band,
                                    row,
                                    value: q.value,
                                },
                            );
                        }
                    }
                } else {
                    let mut table = y.table.clone();
                    // The rate beyond is a change of its own, below.
                    if let BandTable::Interpolate { beyond, .. } = &mut table {
                        *beyond = *xb;
                    }
                    let words = |ps: &[crate::model::BandPoint], u: Unit, on: Unit| {
                        ps.iter()
                            .map(|p| {
                                format!(
                                    "{}: {}",
                                    format_quantity(p.at, on),
                                    format_quantity(p.value, u)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    out.value(
                        Kind::Band,
                        id,
                        format!(
                            "bands `{id}`: points {} → {}",
                            words(xp, x.unit, x.on),
                            words(yp, y.unit, y.on)
                        ),
                        ValueChange::BandRows { band, table },
                    );
                }
                let last = |ps: &[crate::model::BandPoint]| {
                    ps.last()
                        .map_or_else(String::new, |p| format!(" {}", format_quantity(p.at, x.on)))
                };
                match (xb, yb) {
                    (Some(r), Some(s)) if r != s => out.value(
                        Kind::Band,
                        id,
                        format!(
                            "bands `{id}`, above{}: {} → {}",
                            last(yp),
                            format_quantity(*r, beyond_unit(x)),
                            format_quantity(*s, beyond_unit(y))
                        ),
                        ValueChange::BandBeyond { band, value: *s },
                    ),
                    (Some(r), None) => out.push(
                        Kind::Band,
                        id,
                        format!(
                            "bands `{id}`: no rate above{} (was {})",
                            last(yp),
                            format_quantity(*r, beyond_unit(x))
                        ),
                    ),
                    (None, Some(s)) => out.push(
                        Kind::Band,
                        id,
                        format!(
                            "bands `{id}`, above{}: {} (new)",
                            last(yp),
                            format_quantity(*s, beyond_unit(y))
                        ),
                    ),
                    _ => {}
                }
            }
            _ => out.push(
                Kind::Band,
                id,
                format!("bands `{id}`: {} → {}", table_words(x), table_words(y)),
            ),
        }
    }
}

fn step_kind(kind: &StepKind) -> Kind {
    match kind {
        StepKind::Let { .. } => Kind::Step,
        StepKind::Deduction { .. } => Kind::Deduction,
        StepKind::Output { .. } => Kind::Output,
    }
}

fn step_word(kind: &StepKind) -> &'static str {
    match kind {
        StepKind::Let { .. } => "step",
        StepKind::Deduction { .. } => "deduction",
        StepKind::Output { .. } => "output",
    }
}

/// A step in words: `min(telecare_saving, gross) when telecare_suitable is yes`.
fn step_text(v: &Version, s: &crate::model::Step) -> String {
    let mut t = text(v, s.expr);
    if let StepKind::Deduction { when: Some(w), .. } = &s.kind {
        t.push_str(" when ");
        t.push_str(&text(v, *w));
    }
    t
}

fn steps(old: &Version, new: &Version, out: &mut List) {
    let (a, b) = (old.model(), new.model());
    let m = matched(&a.steps, &b.steps, |x| &x.id);
    for i in m.removed {
        let s = &a.steps[i];
        out.push(
            step_kind(&s.kind),
            &s.id,
            format!(
                "{} `{}` removed (was {})",
                step_word(&s.kind),
                s.id,
                step_text(old, s)
            ),
        );
    }
    for j in m.added {
        let s = &b.steps[j];
        let label = match &s.kind {
            StepKind::Deduction { reason, .. } => format!(" {}", quoted(reason)),
            StepKind::Output { label } => format!(" {}", quoted(label)),
            StepKind::Let { label: Some(label) } => format!(" {}", quoted(label)),
            StepKind::Let { label: None } => String::new(),
        };
        out.push(
            step_kind(&s.kind),
            &s.id,
            format!(
                "{} `{}`{label} added: {}",
                step_word(&s.kind),
                s.id,
                step_text(new, s)
            ),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.steps[i], &b.steps[j]);
        let (id, kind, word) = (x.id.as_str(), step_kind(&y.kind), step_word(&y.kind));
        if step_kind(&x.kind) != kind {
            out.push(
                kind,
                id,
                format!(
                    "`{id}` was a {} and is now a {word}: {} → {}",
                    step_word(&x.kind),
                    step_text(old, x),
                    step_text(new, y)
                ),
            );
            continue;
        }
        if !same(old, x.expr, new, y.expr) {
            out.push(
                kind,
                id,
                format!(
                    "{word} `{id}`: {} → {}",
                    text(old, x.expr),
                    text(new, y.expr)
                ),
            );
        }
        match (&x.kind, &y.kind) {
            (
                StepKind::Deduction {
                    reason: r,
                    informal_support: fi,
                    when: w,
                },
                StepKind::Deduction {
                    reason: s,
                    informal_support: gi,
                    when: v,
                },
            ) => {
                if r != s {
                    out.push(
                        kind,
                        id,
                        format!("deduction `{id}`: reason {} → {}", quoted(r), quoted(s)),
                    );
                }
                if fi != gi {
                    let now = if *gi { "is now" } else { "is no longer" };
                    out.push(
                        kind,
                        id,
                        format!("deduction `{id}` {now} marked for informal support"),
                    );
                }
                let cond = |v: &Version, w: &Option<u32>| {
                    w.map_or_else(|| "(always)".to_string(), |w| text(v, w))
                };
                let same_when = match (w, v) {
                    (Some(p), Some(q)) => same(old, *p, new, *q),
                    (None, None) => true,
                    _ => false,
                };
                if !same_when {
                    out.push(
                        kind,
                        id,
                        format!(
                            "deduction `{id}`, when: {} → {}",
                            cond(old, w),
                            cond(new, v)
                        ),
                    );
                }
            }
            (StepKind::Let { label: l }, StepKind::Let { label: k }) if l != k => {
                let shown = |l: &Option<String>| l.as_deref().map_or("(none)".to_string(), quoted);
                out.push(
                    kind,
                    id,
                    format!("step `{id}`: label {} → {}", shown(l), shown(k)),
                );
            }
            (StepKind::Output { label: l }, StepKind::Output { label: k }) if l != k => {
                out.push(
                    kind,
                    id,
                    format!("output `{id}`: label {} → {}", quoted(l), quoted(k)),
                );
            }
            _ => {}
        }
    }
}

fn flags(old: &Version, new: &Version, out: &mut List) {
    let (a, b) = (old.model(), new.model());
    let m = matched(&a.flags, &b.flags, |x| &x.id);
    for i in m.removed {
        let f = &a.flags[i];
        out.push(
            Kind::Flag,
            &f.id,
            format!(
                "flag `{}` removed (was raised when {})",
                f.id,
                text(old, f.when)
            ),
        );
    }
    for j in m.added {
        let f = &b.flags[j];
        out.push(
            Kind::Flag,
            &f.id,
            format!(
                "flag `{}` {} added: raised when {}",
                f.id,
                quoted(&f.text),
                text(new, f.when)
            ),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.flags[i], &b.flags[j]);
        if x.text != y.text {
            out.push(
                Kind::Flag,
                &x.id,
                format!(
                    "flag `{}`: sentence {} → {}",
                    x.id,
                    quoted(&x.text),
                    quoted(&y.text)
                ),
            );
        }
        if !same(old, x.when, new, y.when) {
            out.push(
                Kind::Flag,
                &x.id,
                format!(
                    "flag `{}`, when: {} → {}",
                    x.id,
                    text(old, x.when),
                    text(new, y.when)
                ),
            );
        }
    }
}

fn checks(old: &Version, new: &Version, out: &mut List) {
    let (a, b) = (old.model(), new.model());
    let m = matched(&a.checks, &b.checks, |x| &x.id);
    let action = |c: &crate::model::AnswerCheck| format!("{:?}", c.action).to_lowercase();
    for i in m.removed {
        let c = &a.checks[i];
        out.push(
            Kind::Check,
            &c.id,
            format!(
                "answer check `{}` removed (was: {} when {})",
                c.id,
                action(c),
                text(old, c.when)
            ),
        );
    }
    for j in m.added {
        let c = &b.checks[j];
        out.push(
            Kind::Check,
            &c.id,
            format!(
                "answer check `{}` added: {} when {}: {}",
                c.id,
                action(c),
                text(new, c.when),
                quoted(&c.message)
            ),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.checks[i], &b.checks[j]);
        if x.message != y.message {
            out.push(
                Kind::Check,
                &x.id,
                format!(
                    "answer check `{}`: message {} → {}",
                    x.id,
                    quoted(&x.message),
                    quoted(&y.message)
                ),
            );
        }
        if x.action != y.action {
            out.push(
                Kind::Check,
                &x.id,
                format!("answer check `{}`: {} → {}", x.id, action(x), action(y)),
            );
        }
        if !same(old, x.when, new, y.when) {
            out.push(
                Kind::Check,
                &x.id,
                format!(
                    "answer check `{}`, when: {} → {}",
                    x.id,
                    text(old, x.when),
                    text(new, y.when)
                ),
            );
        }
    }
}

fn eligibility(old: &Version, new: &Version, out: &mut List) {
    let (a, b) = (old.model(), new.model());
    let keep = |v: &Version,
                r: &crate::model::Requirement,
                other: &Version,
                others: &[crate::model::Requirement]| {
        !others
            .iter()
            .any(|s| same(v, r.condition, other, s.condition))
    };
    for r in a
        .eligibility
        .iter()
        .filter(|r| keep(old, r, new, &b.eligibility))
    {
        out.push(
            Kind::Eligibility,
            "eligibility",
            format!(
                "eligibility: requirement removed: {}",
                text(old, r.condition)
            ),
        );
    }
    for r in b
        .eligibility
        .iter()
        .filter(|r| keep(new, r, old, &a.eligibility))
    {
        out.push(
            Kind::Eligibility,
            "eligibility",
            format!("eligibility: requirement added: {}", text(new, r.condition)),
        );
    }
}

fn route(old: &Version, new: &Version, out: &mut List) {
    let (a, b) = match (&old.model().route, &new.model().route) {
        (None, None) => return,
        (Some(r), None) => {
            out.push(Kind::Route, &r.id, format!("route `{}` removed", r.id));
            return;
        }
        (None, Some(r)) => {
            let ids: Vec<&str> = r.rules.iter().map(|x| x.id.as_str()).collect();
            out.push(
                Kind::Route,
                &r.id,
                format!("route `{}` added: {}", r.id, ids.join(", ")),
            );
            return;
        }
        (Some(a), Some(b)) => (a, b),
    };
    let id = b.id.as_str();
    let cond = |v: &Version, w: Option<u32>| {
        w.map_or_else(
            || "otherwise".to_string(),
            |w| format!("when {}", text(v, w)),
        )
    };
    let m = matched(&a.rules, &b.rules, |r| &r.id);
    for i in m.removed {
        out.push(
            Kind::Route,
            id,
            format!(
                "route `{id}`: `{}` removed (was {})",
                a.rules[i].id,
                cond(old, a.rules[i].when)
            ),
        );
    }
    for j in m.added {
        out.push(
            Kind::Route,
            id,
            format!(
                "route `{id}`: `{}` added: {}",
                b.rules[j].id,
                cond(new, b.rules[j].when)
            ),
        );
    }
    let common_old: Vec<&str> = a
        .rules
        .iter()
        .filter(|r| b.rules.iter().any(|s| s.id == r.id))
        .map(|r| r.id.as_str())
        .collect();
    let common_new: Vec<&str> = b
        .rules
        .iter()
        .filter(|r| a.rules.iter().any(|s| s.id == r.id))
        .map(|r| r.id.as_str())
        .collect();
    if common_old != common_new {
        out.push(
            Kind::Route,
            id,
            format!(
                "route `{id}`: tried in the order {} → {} (the first that holds wins)",
                common_old.join(", "),
                common_new.join(", ")
            ),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.rules[i], &b.rules[j]);
        let same_when = match (x.when, y.when) {
            (Some(p), Some(q)) => same(old, p, new, q),
            (None, None) => true,
            _ => false,
        };
        if !same_when {
            out.push(
                Kind::Route,
                id,
                format!(
                    "route `{id}`, `{}`: {} → {}",
                    x.id,
                    cond(old, x.when),
                    cond(new, y.when)
                ),
            );
        }
        if x.text != y.text {
            out.push(
                Kind::Route,
                id,
                format!(
                    "route `{id}`, `{}`: meaning {} → {}",
                    x.id,
                    quoted(&x.text),
                    quoted(&y.text)
                ),
            );
        }
    }
}

/// An expectation in words, with its subject's name, and the value apart
/// when it is a figure: (`base`, Some(`£71.63`)) or (`no flags`, None).
fn expectation(m: &Model, e: &Expectation) -> (String, Option<String>) {
    match e {
        Expectation::Value { step, value } => {
            let s = m.steps.get(*step as usize);
            (
                format!("`{}`", s.map_or("?", |s| s.id.as_str())),
                Some(format_quantity(*value, s.map_or(Unit::Number, |s| s.unit))),
            )
        }
        Expectation::Flag { flag, raised } => {
            let name = m.flags.get(*flag as usize).map_or("?", |f| f.id.as_str());
            (
                format!("{}flag `{name}`", if *raised { "" } else { "no " }),
                None,
            )
        }
        Expectation::NoFlags => ("no flags".into(), None),
        Expectation::Route { route } => (
            format!(
                "route {}",
                route
                    .as_deref()
                    .map_or("none".to_string(), |r| format!("`{r}`"))
            ),
            None,
        ),
        Expectation::Eligible => ("eligible".into(), None),
        Expectation::NotEligible { reason } => (
            match reason {
                Some(r) => format!("not eligible ({})", quoted(r)),
                None => "not eligible".into(),
            },
            None,
        ),
        Expectation::NotValidated => ("not validated".into(), None),
        Expectation::Error { message } => (format!("error ({})", quoted(message)), None),
    }
}

fn case_words(c: &crate::case::Case) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    if let Some(v) = &c.cohort {
        fields.insert("cohort".to_string(), v.clone());
    }
    if let Some(v) = c.assessed {
        fields.insert("assessed".to_string(), v.to_string());
    }
    if let Some(v) = c.plan_cost {
        fields.insert("plan_cost".to_string(), format_quantity(v, Unit::Money));
    }
    fields.extend(c.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
    fields.extend(c.answers.iter().map(|(k, v)| (k.clone(), v.clone())));
    fields
}

fn tests(a: &Model, b: &Model, out: &mut List) {
    let m = matched(&a.tests, &b.tests, |t| &t.name);
    for i in m.removed {
        let t = &a.tests[i];
        out.push(
            Kind::Test,
            &t.name,
            format!("test {} removed", quoted(&t.name)),
        );
    }
    for j in m.added {
        let t = &b.tests[j];
        out.push(
            Kind::Test,
            &t.name,
            format!("test {} added", quoted(&t.name)),
        );
    }
    for (i, j) in m.both {
        let (x, y) = (&a.tests[i], &b.tests[j]);
        let mut parts = Vec::new();
        let (xc, yc) = (case_words(&x.case), case_words(&y.case));
        let mut given = Vec::new();
        for (k, v) in &xc {
            match yc.get(k) {
                Some(w) if w != v => given.push(format!("{k} {v} → {w}")),
                None => given.push(format!("{k} {v} → (none)")),
                _ => {}
            }
        }
        for (k, w) in yc.iter().filter(|(k, _)| !xc.contains_key(*k)) {
            given.push(format!("{k} {w} (new)"));
        }
        if !given.is_empty() {
            parts.push(format!("given {}", given.join(", ")));
        }
        let xe: Vec<(String, Option<String>)> =
            x.expects.iter().map(|e| expectation(a, e)).collect();
        let ye: Vec<(String, Option<String>)> =
            y.expects.iter().map(|e| expectation(b, e)).collect();
        let mut changed = Vec::new();
        let mut gone = Vec::new();
        for (what, value) in &xe {
            match ye.iter().find(|(w, _)| w == what) {
                Some((_, v)) if v != value => changed.push(format!(
                    "{what} {} → {}",
                    value.as_deref().unwrap_or(""),
                    v.as_deref().unwrap_or("")
                )),
                Some(_) => {}
                None => gone.push(match value {
                    Some(v) => format!("{what} {v}"),
                    None => what.clone(),
                }),
            }
        }
        let added: Vec<String> = ye
            .iter()
            .filter(|(w, _)| !xe.iter().any(|(x, _)| x == w))
            .map(|(w, v)| match v {
                Some(v) => format!("{w} {v}"),
                None => w.clone(),
            })
            .collect();
        if !changed.is_empty() {
            parts.push(format!("expects {}", changed.join(", ")));
        }
        if !added.is_empty() {
            parts.push(format!("now also expects {}", added.join(", ")));
        }
        if !gone.is_empty() {
            parts.push(format!("no longer expects {}", gone.join(", ")));
        }
        if !parts.is_empty() {
            out.push(
                Kind::Test,
                &x.name,
                format!("test {}: {}", quoted(&x.name), parts.join("; ")),
            );
        }
    }
}
