//! `ras explain`: an evaluation result and its trace -> a letter-ready account
//! of the figure for the person assessed, in plain English and the second
//! person ([`explain`] gives a [`Document`]; [`render`] writes it as text,
//! Markdown or HTML).
//!
//! Built only from the [`EvalResult`] (never from the rule file), so the
//! account cannot say anything the evaluation did not do. Every figure is
//! printed by the one value printer ([`format_quantity`] through
//! [`quantity_words`]). No I/O: the command line writes the strings.

mod render;

pub use render::{render, Format};

use crate::date::Date;
use crate::eval::{
    format_quantity, lower_first, name_words, quantity_words, EvalResult, Status, TraceEntry,
    TraceValue,
};
use crate::vocabulary::Period;

/// An explanation: a title, the result first, then sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's title.
    pub title: String,
    /// The result in a sentence or two, before everything else.
    pub lead: Vec<String>,
    /// The sections, in reading order.
    pub sections: Vec<Section>,
}

/// A headed part of the explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// What it holds.
    pub blocks: Vec<Block>,
}

/// A paragraph, a list or a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph.
    Paragraph(String),
    /// A bulleted list.
    Items(Vec<String>),
    /// A numbered list of steps, each with points under it.
    Steps(Vec<Item>),
    /// A table whose first column heads its rows.
    Table(Table),
}

/// A numbered step and the points that show its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The step's name in the policy's words.
    pub title: String,
    /// The step in a sentence, after its name.
    pub text: String,
    /// Where its figures came from.
    pub details: Vec<String>,
}

/// A table with column headings; the first cell of each row heads the row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the table shows.
    pub caption: String,
    /// Column headings.
    pub head: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<String>>,
}

/// `2010-01-01` -> `1 January 2010`.
pub fn date_words(date: Date) -> String {
    date.in_words()
}

/// How often the budget is paid, after a figure: `a week`.
fn period_words(period: Period) -> &'static str {
    match period {
        Period::Weekly => "a week",
        Period::FourWeekly => "every four weeks",
        Period::Monthly => "a month",
        Period::Annual => "a year",
    }
}

fn value_words(v: &TraceValue) -> String {
    quantity_words(v.value.value, v.unit)
}

/// `older people` -> `Older people`.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A sentence ends with one full stop, whatever the text it ends with.
fn sentence(text: &str) -> String {
    let trimmed = text.trim_end();
    if trimmed.ends_with(['.', '?', '!']) {
        trimmed.to_string()
    } else {
        format!("{trimmed}.")
    }
}

/// The explanation of one result.
pub fn explain(r: &EvalResult) -> Document {
    let mut sections = Vec::new();
    let lead = lead(r);
    sections.push(about_you(r));
    if let Some(s) = answers(r) {
        sections.push(s);
    }
    if r.status == Status::NotEligible {
        sections.push(eligibility(r));
    }
    if let Some(s) = working(r) {
        sections.push(s);
    }
    if let Some(s) = rates(r) {
        sections.push(s);
    }
    if let Some(s) = near(r) {
        sections.push(s);
    }
    if r.status == Status::Ok {
        sections.push(flags(r));
        sections.push(approval(r));
    }
    sections.push(policy(r));
    sections.push(disagree(r));
    Document {
        title: "How your indicative personal budget was worked out".to_string(),
        lead,
        sections,
    }
}

fn output_label(r: &EvalResult, name: &str) -> String {
    r.trace
        .iter()
        .find_map(|e| match e {
            TraceEntry::Step {
                name: n,
                label: Some(l),
                ..
            } if n == name => Some(l.clone()),
            _ => None,
        })
        .unwrap_or_else(|| upper_first(&name_words(name)))
}

fn lead(r: &EvalResult) -> Vec<String> {
    let p = &r.policy;
    match r.status {
        Status::Ok => {
            let mut out = Vec::new();
            match r.outputs.get(&p.indicative_step) {
                Some(q) => out.push(format!(
                    "Your indicative personal budget is {} {}.",
                    format_quantity(q.value, q.unit),
                    period_words(p.period)
                )),
                None => out.push("The policy worked out no indicative budget.".to_string()),
            }
            let others: Vec<String> = r
                .outputs
                .iter()
                .filter(|(n, _)| *n != p.indicative_step)
                .map(|(n, q)| {
                    format!(
                        "{}: {}",
                        output_label(r, n),
                        format_quantity(q.value, q.unit)
                    )
                })
                .collect();
            if !others.is_empty() {
                out.push(sentence(&format!(
                    "Also worked out: {}",
                    crate::text::list(others)
                )));
            }
            out.push(
                "This is an indicative figure: your final personal budget is agreed with you \
                 in your support plan, and may be more or less."
                    .to_string(),
            );
            out
        }
        Status::NotEligible => {
            let mut out = vec![
                "There is no budget figure: under this policy your needs do not \
                                meet the eligibility requirements."
                    .to_string(),
            ];
            for reason in &r.reasons {
                out.push(sentence(&upper_first(reason)));
            }
            out
        }
        Status::NotValidated => {
            let group = r
                .trace
                .iter()
                .find_map(|e| match e {
                    TraceEntry::Cohort { label, .. } => Some(label.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| r.cohort.clone().unwrap_or_default());
            let mut out = vec![format!(
                "There is no budget figure: the council has not yet validated this policy for \
                 people in the group “{group}”, so it does not use it to set a figure for you."
            )];
            if let Some(reason) = &r.not_validated {
                out.push(sentence(&format!("Why: {reason}")));
            }
            out
        }
        Status::Error => {
            let mut out = vec![
                "There is no budget figure yet: it could not be worked out from your case \
                      as it is recorded."
                    .to_string(),
            ];
            if let Some(e) = &r.error {
                out.push(sentence(&format!(
                    "What is wrong: {} ({})",
                    e.message.replace('`', ""),
                    e.code
                )));
            }
            out.push(
                "Your assessor needs to correct the record and work the figure out again."
                    .to_string(),
            );
            out
        }
    }
}

fn about_you(r: &EvalResult) -> Section {
    let mut items = Vec::new();
    if let Some(id) = &r.case_id {
        items.push(format!("Case reference: {id}"));
    }
    for e in &r.trace {
        match e {
            TraceEntry::Cohort { label, .. } => items.push(format!("Client group: {label}")),
            TraceEntry::Attribute { label, value, .. } => items.push(format!(
                "{label}: {}",
                value.as_deref().unwrap_or("not recorded")
            )),
            _ => {}
        }
    }
    if items.iter().all(|i| !i.starts_with("Client group")) {
        if let Some(c) = &r.cohort {
            items.push(format!("Client group: {}", name_words(c)));
        }
    }
    match r.assessed {
        Some(d) => items.push(format!("Assessed on {}", date_words(d))),
        None => items.push("Assessment date: not recorded".to_string()),
    }
    if let Some(d) = r.as_of {
        items.push(format!(
            "Rates used: those in force on {}, not on the assessment date",
            date_words(d)
        ));
    }
    let cost = r.trace.iter().find_map(|e| match e {
        TraceEntry::Route {
            plan_cost: Some(c), ..
        } => Some(*c),
        _ => None,
    });
    if let Some(c) = cost {
        items.push(format!(
            "Your costed support plan: {} {}",
            format_quantity(c.value, c.unit),
            period_words(r.policy.period)
        ));
    }
    Section {
        heading: "About you".to_string(),
        blocks: vec![Block::Items(items)],
    }
}

/// A domain's answers: its label, its weight, and a row per question.
type AnswerGroup = (Option<String>, Option<String>, Vec<Vec<String>>);

fn answers(r: &EvalResult) -> Option<Section> {
    // Domains in the order their first question was read.
    let mut groups: Vec<AnswerGroup> = Vec::new();
    let mut weighted = false;
    for e in &r.trace {
        let TraceEntry::Answer {
            text,
            code,
            option,
            values,
            defaulted,
            domain_label,
            domain_weight,
            ..
        } = e
        else {
            continue;
        };
        let mut answer = match (option, code.as_deref()) {
            (Some(o), _) => o.clone(),
            (None, Some("yes")) => "Yes".to_string(),
            (None, Some("no")) => "No".to_string(),
            (None, _) => values
                .first()
                .map(value_words)
                .unwrap_or_else(|| "no answer".to_string()),
        };
        if *defaulted {
            answer.push_str(" (not recorded: the policy's usual answer was used)");
        }
        let scored = if option.is_some() && !values.is_empty() {
            crate::text::list(values.iter().map(value_words))
        } else {
            "no score".to_string()
        };
        let weight = domain_weight.map(|w| format_quantity(w.value, w.unit));
        if domain_weight.is_some_and(|w| w.value != rust_decimal::Decimal::ONE) {
            weighted = true;
        }
        let row = vec![text.clone(), answer, scored];
        match groups.iter_mut().find(|g| g.0 == *domain_label) {
            Some(g) => g.2.push(row),
            None => groups.push((domain_label.clone(), weight, vec![row])),
        }
    }
    if groups.is_empty() {
        return None;
    }
    let mut blocks = vec![Block::Paragraph(
        "These are the answers the calculation used, grouped by the part of your life they \
         are about."
            .to_string(),
    )];
    if weighted {
        blocks.push(Block::Paragraph(
            "Some parts count for more than others: a part's weight multiplies the score of \
             each of its answers."
                .to_string(),
        ));
    }
    let only = groups.len() == 1;
    for (label, weight, rows) in groups {
        let mut caption = label.unwrap_or_else(|| {
            if only {
                "The questions"
            } else {
                "Other questions"
            }
            .to_string()
        });
        if let (true, Some(w)) = (weighted, weight) {
            caption.push_str(&format!(" (weight {w})"));
        }
        blocks.push(Block::Table(Table {
            caption,
            head: vec![
                "Question".to_string(),
                "Your answer".to_string(),
                "What it scored".to_string(),
            ],
            rows,
        }));
    }
    Some(Section {
        heading: "Your answers".to_string(),
        blocks,
    })
}

fn eligibility(r: &EvalResult) -> Section {
    let mut items = Vec::new();
    for e in &r.trace {
        if let TraceEntry::Requirement {
            held: false,
            reason: Some(reason),
            ..
        } = e
        {
            items.push(sentence(&upper_first(reason)));
        }
    }
    let held = r
        .trace
        .iter()
        .filter(|e| matches!(e, TraceEntry::Requirement { held: true, .. }))
        .count();
    let mut blocks = vec![Block::Paragraph(
        "A budget is worked out only for needs that meet every eligibility requirement of the \
         policy. These were not met:"
            .to_string(),
    )];
    blocks.push(Block::Items(items));
    if held > 0 {
        blocks.push(Block::Paragraph(format!(
            "The other {} met.",
            if held == 1 {
                "requirement was".to_string()
            } else {
                format!("{held} requirements were")
            }
        )));
    }
    Section {
        heading: "Why there is no figure".to_string(),
        blocks,
    }
}

/// What the entries before a step (since the one before it) show of its figures.
fn detail(e: &TraceEntry) -> Option<String> {
    match e {
        TraceEntry::Parameter { .. } => Some(sentence(&parameter_words(e)?)),
        TraceEntry::Band {
            input,
            row,
            points,
            result,
            label,
            band,
            ..
        } => {
            let name = label
                .as_deref()
                .map_or_else(|| name_words(band), lower_first);
            let x = value_words(input);
            let y = value_words(result);
            let place = match row {
                Some(row) => match (&row.from, &row.to) {
                    (Some(f), Some(t)) => format!(
                        "is from {} up to (not including) {}",
                        format_quantity(f.value, f.unit),
                        format_quantity(t.value, t.unit)
                    ),
                    (Some(f), None) => {
                        format!("is {} or more", format_quantity(f.value, f.unit))
                    }
                    (None, Some(t)) => {
                        format!("is below {}", format_quantity(t.value, t.unit))
                    }
                    (None, None) => "is in the only band".to_string(),
                },
                None => match points.as_slice() {
                    [a, b] => format!(
                        "lies between {} (which gives {}) and {} (which gives {}), so the value \
                         is read off the straight line between them",
                        format_quantity(a.at.value, a.at.unit),
                        format_quantity(a.value.value, a.value.unit),
                        format_quantity(b.at.value, b.at.unit),
                        format_quantity(b.value.value, b.value.unit)
                    ),
                    [a] => format!(
                        "is at or beyond {} (which gives {})",
                        format_quantity(a.at.value, a.at.unit),
                        format_quantity(a.value.value, a.value.unit)
                    ),
                    _ => "was looked up".to_string(),
                },
            };
            Some(format!("{x} {place}, so the {name} is {y}."))
        }
        TraceEntry::Choose {
            condition, value, ..
        } => {
            let v = value.as_ref().map(value_words);
            Some(match (condition, v) {
                (Some(c), Some(v)) => format!("{v} applies because {c}."),
                (Some(c), None) => format!("This applies because {c}."),
                (None, Some(v)) => {
                    format!("{v} applies, because none of the other lines of the policy did.")
                }
                (None, None) => "None of the lines of the policy applied.".to_string(),
            })
        }
        TraceEntry::Count { held, of, .. } => Some(match held.as_slice() {
            [] => format!("None of the {of} hold."),
            [one] => sentence(&format!("1 of the {of} holds: {one}")),
            more => sentence(&format!(
                "{} of the {of} hold: {}",
                more.len(),
                more.join("; ")
            )),
        }),
        TraceEntry::PercentOf {
            percent,
            of,
            result,
            ..
        } => Some(format!(
            "{} of {} is {}.",
            value_words(percent),
            value_words(of),
            value_words(result)
        )),
        TraceEntry::Total { terms, result, .. } => {
            let weighted = terms
                .iter()
                .any(|t| t.weight.value != rust_decimal::Decimal::ONE);
            let scored: Vec<String> = terms
                .iter()
                .filter(|t| !t.adds.value.value.is_zero())
                .map(|t| {
                    if weighted {
                        format!(
                            "“{}” {} × {} = {}",
                            t.text,
                            value_words(&t.value),
                            format_quantity(t.weight.value, t.weight.unit),
                            value_words(&t.adds)
                        )
                    } else {
                        format!("“{}” {}", t.text, value_words(&t.value))
                    }
                })
                .collect();
            let how = if weighted {
                "each score times its part's weight"
            } else {
                "the scores"
            };
            Some(if scored.is_empty() && terms.len() == 1 {
                format!(
                    "The only answer counted here scored nothing: the total is {}.",
                    value_words(result)
                )
            } else if scored.is_empty() {
                format!(
                    "None of the {} answers counted here scored anything: the total is {}.",
                    terms.len(),
                    value_words(result)
                )
            } else {
                format!(
                    "The total is {} ({how}): {}; the other answers counted here scored nothing.",
                    value_words(result),
                    scored.join("; ")
                )
            })
        }
        _ => None,
    }
}

/// `£4.88 a point: the price per point, in force from 1 January 2010, the
/// rate for your client group “Older people”`.
fn parameter_words(e: &TraceEntry) -> Option<String> {
    let TraceEntry::Parameter {
        name,
        value,
        unit,
        from,
        label,
        key_of,
        key_label,
        ..
    } = e
    else {
        return None;
    };
    let what = label
        .as_deref()
        .map_or_else(|| name_words(name), lower_first);
    let mut out = format!("{}: the {what}", quantity_words(value.value, *unit));
    if let Some(d) = from {
        out.push_str(&format!(", in force from {}", date_words(*d)));
    }
    if let (Some(of), Some(l)) = (key_of, key_label) {
        out.push_str(&format!(", the figure for your {} “{l}”", lower_first(of)));
    }
    Some(out)
}

fn working(r: &EvalResult) -> Option<Section> {
    let mut items = Vec::new();
    let mut details = Vec::new();
    for e in &r.trace {
        if let TraceEntry::Step {
            name,
            step,
            value,
            label,
            reason,
            applied,
            condition,
            working,
            ..
        } = e
        {
            let v = quantity_words(value.value, value.unit);
            let title = match (*step, label, reason) {
                ("output", Some(l), _) => l.clone(),
                ("deduction", _, Some(reason)) => reason.clone(),
                _ => upper_first(&name_words(name)),
            };
            let text = match (applied, working) {
                (Some(false), _) => {
                    if let Some(c) = condition {
                        details.push(format!("It applies only when {c}."));
                    }
                    "does not apply to you, so nothing is taken off.".to_string()
                }
                (_, Some(w)) => {
                    if let (Some(true), Some(c)) = (applied, condition) {
                        details.push(format!("This applies because {c}."));
                    }
                    if *w == v {
                        format!("{v}.")
                    } else {
                        format!("{w} is {v}.")
                    }
                }
                (_, None) => format!("{v}."),
            };
            items.push(Item {
                title,
                text,
                details: std::mem::take(&mut details),
            });
        } else if let Some(d) = detail(e) {
            // A check or requirement may read the same total as the step.
            if !details.contains(&d) {
                details.push(d);
            }
        }
    }
    if items.is_empty() {
        return None;
    }
    Some(Section {
        heading: if r.status == Status::Ok {
            "How the figure was worked out".to_string()
        } else {
            "What was worked out".to_string()
        },
        blocks: vec![
            Block::Paragraph(
                "The policy works out your budget in these steps, in its own words, with your \
                 figures."
                    .to_string(),
            ),
            Block::Steps(items),
        ],
    })
}

fn rates(r: &EvalResult) -> Option<Section> {
    let rows: Vec<Vec<String>> = r
        .trace
        .iter()
        .filter_map(|e| match e {
            TraceEntry::Parameter {
                name,
                value,
                unit,
                from,
                label,
                key_of,
                key_label,
                ..
            } => Some(vec![
                label
                    .clone()
                    .unwrap_or_else(|| upper_first(&name_words(name))),
                quantity_words(value.value, *unit),
                from.map_or_else(|| "not dated".to_string(), date_words),
                match (key_of, key_label) {
                    (Some(of), Some(l)) => format!("your {} “{l}”", lower_first(of)),
                    _ => "the same for everyone".to_string(),
                },
            ]),
            _ => None,
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Section {
        heading: "Rates used".to_string(),
        blocks: vec![Block::Table(Table {
            caption: "The policy's rates and figures used for you".to_string(),
            head: vec![
                "Rate".to_string(),
                "Value".to_string(),
                "In force from".to_string(),
                "Chosen by".to_string(),
            ],
            rows,
        })],
    })
}

fn near(r: &EvalResult) -> Option<Section> {
    let mut items = Vec::new();
    for e in &r.trace {
        let TraceEntry::Band {
            band,
            label,
            input,
            result,
            near,
            ..
        } = e
        else {
            continue;
        };
        let name = label
            .as_deref()
            .map_or_else(|| name_words(band), lower_first);
        let x = value_words(input);
        let y = value_words(result);
        for edge in near {
            let d = format_quantity(edge.distance.value, edge.distance.unit);
            let other = format_quantity(edge.value.value, edge.value.unit);
            let at = format_quantity(edge.edge.value, edge.edge.unit);
            items.push(if edge.above {
                format!(
                    "{x} is {d} below {at}: {d} more and the {name} would be {other} instead \
                     of {y}."
                )
            } else if edge.distance.value.is_zero() {
                format!(
                    "{x} is exactly at {at}: any less and the {name} would be {other} instead \
                     of {y}."
                )
            } else {
                format!(
                    "{x} is {d} above {at}: more than {d} less and the {name} would be {other} \
                     instead of {y}."
                )
            });
        }
    }
    if items.is_empty() {
        return None;
    }
    Some(Section {
        heading: "What is near".to_string(),
        blocks: vec![
            Block::Paragraph(
                "Where a figure falls in a band, this is how far it is from the next one."
                    .to_string(),
            ),
            Block::Items(items),
        ],
    })
}

fn flags(r: &EvalResult) -> Section {
    let mut items: Vec<String> = r
        .trace
        .iter()
        .filter_map(|e| match e {
            TraceEntry::Flag {
                raised: true, text, ..
            } => Some(sentence(text)),
            _ => None,
        })
        .collect();
    let mut blocks = Vec::new();
    if items.is_empty() {
        blocks.push(Block::Paragraph(
            "Nothing was flagged for your assessor to look at.".to_string(),
        ));
    } else {
        blocks.push(Block::Paragraph(
            "These were flagged for your assessor to look at. A flag never changes the figure."
                .to_string(),
        ));
        blocks.push(Block::Items(std::mem::take(&mut items)));
    }
    if !r.warnings.is_empty() {
        blocks.push(Block::Paragraph(
            "Your assessor was also asked to check these answers:".to_string(),
        ));
        blocks.push(Block::Items(
            r.warnings.iter().map(|w| sentence(w)).collect(),
        ));
    }
    Section {
        heading: "Things to look at".to_string(),
        blocks,
    }
}

fn approval(r: &EvalResult) -> Section {
    let route = r.trace.iter().find_map(|e| match e {
        TraceEntry::Route {
            route: Some(_),
            text,
            condition,
            ..
        } => Some((text.clone(), condition.clone())),
        _ => None,
    });
    let mut blocks = Vec::new();
    match route {
        Some((text, condition)) => {
            if let Some(t) = text {
                blocks.push(Block::Paragraph(sentence(&t)));
            }
            blocks.push(Block::Paragraph(match condition {
                Some(c) => sentence(&format!("This is because {c}")),
                None => "This is because none of the other approval rules applied.".to_string(),
            }));
        }
        None => blocks.push(Block::Paragraph(
            "No costed support plan was recorded, so who approves it is not decided yet."
                .to_string(),
        )),
    }
    Section {
        heading: "Who approves your support plan".to_string(),
        blocks,
    }
}

fn policy(r: &EvalResult) -> Section {
    let p = &r.policy;
    let mut items = vec![
        format!("Council: {}", p.council),
        format!("Policy: {}", p.title),
        format!("Version: {}", p.version),
    ];
    if let Some(d) = p.effective {
        items.push(format!("In force from: {}", date_words(d)));
    }
    if let Some(a) = &p.approved {
        items.push(format!("Approved by: {a}"));
    }
    items.push(format!(
        "Fingerprint of the policy's rule file: {} (it changes if any word of the policy does)",
        p.fingerprint
    ));
    Section {
        heading: "The policy used".to_string(),
        blocks: vec![Block::Items(items)],
    }
}

fn disagree(r: &EvalResult) -> Section {
    let text = match &r.policy.appeal {
        Some(a) => a.clone(),
        None => "The policy does not say how to ask for a review. Ask the council that assessed \
                 you how to ask for one."
            .to_string(),
    };
    Section {
        heading: "If you disagree".to_string(),
        blocks: vec![Block::Paragraph(text)],
    }
}

#[cfg(test)]
mod tests;
