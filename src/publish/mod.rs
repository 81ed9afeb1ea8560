//! `ras publish`'s core: a compiled [`Plan`] -> the policy document a council
//! publishes, as a [`Document`] value, then HTML ([`html`]) or Markdown
//! ([`markdown`]) text.
//!
//! Everything in the document comes from the checked model — the header,
//! cohorts, questions, rates, bands, steps, flags, routes — and the worked
//! examples from evaluating the file's own `test` blocks, so the published
//! policy cannot disagree with the rules that set budgets. Nothing here reads
//! a file or the clock.

mod document;
mod examples;
pub mod html;
pub mod markdown;
mod method;
mod questionnaire;
mod rates;
mod words;

pub use document::{Block, Document, Piece, Section, Table, Text};

use crate::date::Date;
use crate::model::Model;
use crate::plan::Plan;
use crate::vocabulary::Period;

/// The published policy of a plan.
pub fn document(plan: &Plan) -> Document {
    let m = plan.model();
    let mut sections = vec![
        about(m, plan.fingerprint()),
        applies_to(m),
        questionnaire::section(m),
        rates::section(m),
        method::method(m, plan.order()),
        method::eligibility(m),
        method::flags(m),
        method::route(m),
        examples::section(plan),
    ];
    if let Some(appeal) = m.header.appeal.as_deref() {
        sections.push(Some(appeal_section(appeal)));
    }
    sections.push(sources(m, plan.fingerprint()));
    Document {
        title: m.header.title.clone(),
        council: m.header.council.clone(),
        sections: sections.into_iter().flatten().collect(),
    }
}

/// The document as one self-contained HTML page.
pub fn to_html(plan: &Plan) -> String {
    html::render(&document(plan))
}

/// The document as Markdown.
pub fn to_markdown(plan: &Plan) -> String {
    markdown::render(&document(plan))
}

/// `2025-04-01` -> `1 April 2025`.
pub fn long_date(date: Date) -> String {
    date.in_words()
}

fn period_words(period: Period) -> &'static str {
    match period {
        Period::Weekly => "a week",
        Period::FourWeekly => "every four weeks",
        Period::Monthly => "a calendar month",
        Period::Annual => "a year",
    }
}

fn about(m: &Model, fingerprint: &str) -> Option<Section> {
    let h = &m.header;
    let mut facts: Vec<(Text, Text)> = vec![
        ("Council".into(), h.council.clone().into()),
        ("Policy".into(), h.title.clone().into()),
        ("Version".into(), h.version.clone().into()),
    ];
    if let Some(d) = h.effective {
        facts.push(("In force from".into(), long_date(d).into()));
    }
    if let Some(d) = h.review {
        facts.push(("To be reviewed by".into(), long_date(d).into()));
    }
    if let Some(a) = &h.approved {
        facts.push(("Approved by".into(), a.clone().into()));
    }
    if let Some(c) = &h.change {
        facts.push(("Summary of change".into(), c.clone().into()));
    }
    facts.push((
        "Budget period".into(),
        format!("budgets are amounts {}", period_words(h.period)).into(),
    ));
    facts.push((
        "Rounding".into(),
        format!(
            "where the calculation rounds, it is {}",
            words::rounding_words(h.rounding)
        )
        .into(),
    ));
    facts.push((
        "Rule file fingerprint (SHA-256)".into(),
        Text::code(fingerprint),
    ));
    let indicative = m.steps.get(m.indicative as usize);
    let mut intro = Text::words(
        "This document sets out how the council works out an indicative personal budget: the \
         questions asked, what each answer is worth, the rates and bands used, and each step of \
         the calculation. It is generated from the rule file that sets the budgets, so the two \
         cannot differ.",
    );
    if let Some(s) = indicative {
        let label = match &s.kind {
            crate::model::StepKind::Output { label } => label.clone(),
            _ => s.id.clone(),
        };
        intro
            .push(" The figure it gives is the ")
            .push(words::lower_first(&label))
            .push(" (")
            .push_code(s.id.clone())
            .push(").");
    }
    Some(
        Section::new("about", "About this policy")
            .with(Block::Paragraph(intro))
            .with(Block::Facts(facts)),
    )
}

fn applies_to(m: &Model) -> Option<Section> {
    let mut section = Section::new("applies-to", "Who it applies to");
    if m.cohorts.is_empty() {
        section.blocks.push(Block::Paragraph(
            "The policy names no cohorts: it applies to every person assessed.".into(),
        ));
    } else {
        let mut table = Table::new(
            "Cohorts (client groups)",
            vec!["Cohort".into(), "Code".into(), "Figures given".into()],
            vec![false, false, false],
        );
        for c in &m.cohorts {
            let status = match &c.not_validated {
                None => Text::words("Yes"),
                Some(reason) => {
                    let mut t = Text::words("No: not yet validated, ");
                    t.push_quote(reason.clone());
                    t
                }
            };
            table.rows.push(vec![
                c.label.clone().into(),
                Text::code(c.id.clone()),
                status,
            ]);
        }
        section.blocks.push(Block::Paragraph(
            "Every person assessed belongs to one of these cohorts. The policy gives no figure \
             for a cohort it is not yet validated for, and says why."
                .into(),
        ));
        section.blocks.push(Block::Table(table));
    }
    for a in &m.attributes {
        let mut table = Table::new(
            format!("{}: the values a case records", a.label),
            vec!["Value".into(), "Code".into()],
            vec![false, false],
        );
        for v in &a.values {
            table
                .rows
                .push(vec![v.label.clone().into(), Text::code(v.code.clone())]);
        }
        let mut intro = Text::words("Each case also records ");
        intro
            .push(format!("“{}”", words::lower_first(&a.label)))
            .push(" (")
            .push_code(a.id.clone())
            .push("), one of the values below.");
        section.blocks.push(Block::Paragraph(intro));
        section.blocks.push(Block::Table(table));
    }
    Some(section)
}

fn appeal_section(appeal: &str) -> Section {
    let mut t = Text::default();
    t.push_quote(appeal);
    Section::new("appeal", "Asking for a review or an appeal").with(Block::Paragraph(t))
}

/// Sources: the rule file is cited by its header; its comments are not in
/// the model, so the council's own references are those its sentences carry.
fn sources(m: &Model, fingerprint: &str) -> Option<Section> {
    let h = &m.header;
    let mut cite = Text::words(format!(
        "{}, “{}”, version {}",
        h.council, h.title, h.version
    ));
    if let Some(a) = &h.approved {
        cite.push(format!(", approved by {a}"));
    }
    if let Some(d) = h.effective {
        cite.push(format!(", in force from {}", long_date(d)));
    }
    cite.push(". Rule file fingerprint ")
        .push_code(fingerprint)
        .push(".");
    let mut section = Section::new("sources", "Sources")
        .with(Block::Paragraph(
            "This document is generated from the council's rule file:".into(),
        ))
        .with(Block::Paragraph(cite));
    let references = references(m);
    if !references.is_empty() {
        section.blocks.push(Block::Paragraph(
            "The policy's own sentences refer to these documents and paragraphs:".into(),
        ));
        section.blocks.push(Block::List(
            references.into_iter().map(Text::from).collect(),
        ));
    }
    Some(section)
}

/// The references in brackets in the policy's sentences, such as
/// `(policy 7.5)` or `(Cabinet report, paragraph 11)`, once each in order.
fn references(m: &Model) -> Vec<String> {
    let mut sentences: Vec<&str> = Vec::new();
    sentences.extend(m.header.change.as_deref());
    sentences.extend(m.cohorts.iter().filter_map(|c| c.not_validated.as_deref()));
    for s in &m.steps {
        match &s.kind {
            crate::model::StepKind::Deduction { reason, .. } => sentences.push(reason),
            crate::model::StepKind::Output { label } => sentences.push(label),
            crate::model::StepKind::Let { label } => sentences.extend(label.as_deref()),
        }
    }
    sentences.extend(m.flags.iter().map(|f| f.text.as_str()));
    sentences.extend(m.checks.iter().map(|c| c.message.as_str()));
    for r in &m.eligibility {
        for part in &r.reason {
            if let crate::model::ReasonPart::Text(t) = part {
                sentences.push(t);
            }
        }
    }
    if let Some(route) = &m.route {
        sentences.extend(route.rules.iter().map(|r| r.text.as_str()));
    }
    let mut out: Vec<String> = Vec::new();
    for sentence in sentences {
        let mut rest = sentence;
        while let Some(open) = rest.find('(') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(')') else { break };
            let inside = after[..close].trim();
            if cites(inside) && !out.iter().any(|o| o == inside) {
                out.push(inside.to_string());
            }
            rest = &after[close + 1..];
        }
    }
    out
}

/// Whether bracketed words cite a document: a paragraph, section or policy
/// number.
fn cites(text: &str) -> bool {
    let lower = text.to_lowercase();
    let names_part = ["para", "section", "policy", "report", "guidance"]
        .iter()
        .any(|w| lower.contains(w));
    names_part && text.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests;
