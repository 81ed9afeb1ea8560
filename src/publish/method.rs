//! How the figure is worked out, in words: the steps in the order they are
//! worked out, then eligibility, checks on the answers, flags and the
//! approval route.

use super::document::{Block, Piece, Section, Text};
use super::words::Words;
use crate::model::{Model, ReasonPart, StepId, StepKind};
use crate::vocabulary::CheckAction;

pub(super) fn method(m: &Model, order: &[StepId]) -> Option<Section> {
    let words = Words::new(m);
    let mut steps = Vec::new();
    for id in order {
        let Some(s) = m.steps.get(*id as usize) else {
            continue;
        };
        let mut t = Text::code(s.id.clone());
        match &s.kind {
            StepKind::Let { label } => {
                if let Some(label) = label {
                    t.push(format!(" ({label})"));
                }
                t.push(" is ");
                t.append(words.value(s.expr, s.unit));
                t.push(".");
            }
            StepKind::Output { label } => {
                t.push(format!(" ({label}) is "));
                t.append(words.value(s.expr, s.unit));
                t.push(".");
            }
            StepKind::Deduction {
                reason,
                informal_support,
                when,
            } => {
                t.push(" is a deduction: ");
                t.push_quote(reason.clone());
                match when {
                    Some(w) => {
                        t.push(". When ");
                        t.append(words.condition(*w));
                        t.push(", it is ");
                        t.append(words.value(s.expr, s.unit));
                        t.push("; otherwise nothing is deducted.");
                    }
                    None => {
                        t.push(". It is ");
                        t.append(words.value(s.expr, s.unit));
                        t.push(".");
                    }
                }
                if *informal_support {
                    t.push(" It takes account of support from family or friends.");
                }
            }
        }
        t.push_break();
        t.push("Formula: ").push_code(s.formula.clone());
        steps.push(t);
    }
    if steps.is_empty() {
        return None;
    }
    let mut section =
        Section::new("method", "How the budget is worked out").with(Block::Paragraph(
            "The steps below are worked out in this order; each uses only the answers, rates and \
             steps before it. A name in code type is a step, a question or a code of the rule \
             file."
                .into(),
        ));
    section.blocks.push(Block::Numbered(steps));
    if !m.checks.is_empty() {
        let mut checks = Vec::new();
        for c in &m.checks {
            let mut t = Text::default();
            t.push_quote(c.message.clone());
            t.push(" — when ");
            t.append(words.condition(c.when));
            t.push(match c.action {
                CheckAction::Stop => ". No figure is given until the answers are corrected.",
                CheckAction::Warn => ". The figure is given with this message.",
            });
            checks.push(t);
        }
        section.subsections.push(
            Section::new("checks", "Checks on the answers")
                .with(Block::Paragraph(
                    "Before any figure, the answers are checked against each other:".into(),
                ))
                .with(Block::List(checks)),
        );
    }
    Some(section)
}

pub(super) fn eligibility(m: &Model) -> Option<Section> {
    let words = Words::new(m);
    let section = Section::new("eligibility", "Eligibility");
    if m.eligibility.is_empty() {
        return Some(section.with(Block::Paragraph(
            "The policy sets no eligibility requirement of its own: every case assessed is given \
             a figure, unless its cohort is not validated."
                .into(),
        )));
    }
    let mut items = Vec::new();
    for r in &m.eligibility {
        let mut t = capitalised(words.condition(r.condition));
        t.push(". If not, the reason given is ");
        let mut reason = String::new();
        for part in &r.reason {
            match part {
                ReasonPart::Text(text) => reason.push_str(text),
                ReasonPart::Step(s) => {
                    let name = m.steps.get(*s as usize).map_or("?", |s| s.id.as_str());
                    reason.push_str(&format!("[the value of {name}]"));
                }
            }
        }
        t.push_quote(reason);
        t.push(".");
        items.push(t);
    }
    Some(
        section
            .with(Block::Paragraph(
                "A figure is given only when every one of these holds; otherwise the case is \
                 not eligible, and each requirement not met gives its reason."
                    .into(),
            ))
            .with(Block::Numbered(items)),
    )
}

pub(super) fn flags(m: &Model) -> Option<Section> {
    if m.flags.is_empty() {
        return None;
    }
    let words = Words::new(m);
    let items = m
        .flags
        .iter()
        .map(|f| {
            let mut t = Text::default();
            t.push_quote(f.text.clone());
            t.push(" (")
                .push_code(f.id.clone())
                .push(") — raised when ");
            t.append(words.condition(f.when));
            t.push(".");
            t
        })
        .collect();
    Some(
        Section::new("flags", "Flags")
            .with(Block::Paragraph(
                "A flag is a prompt for the person working on the case. It never changes the \
                 money."
                    .into(),
            ))
            .with(Block::List(items)),
    )
}

pub(super) fn route(m: &Model) -> Option<Section> {
    let route = m.route.as_ref()?;
    let words = Words::new(m);
    let items = route
        .rules
        .iter()
        .map(|r| {
            let mut t = Text::default();
            t.push_quote(r.text.clone());
            t.push(" (").push_code(r.id.clone()).push(") — ");
            match r.when {
                Some(w) => {
                    t.push("when ");
                    t.append(words.condition(w));
                    t.push(".");
                }
                None => {
                    t.push("otherwise.");
                }
            }
            t
        })
        .collect();
    let mut intro = Text::words(match &route.label {
        Some(l) => format!("{}. ", l),
        None => String::new(),
    });
    intro.push(
        "When there is a costed support plan, it is compared with the indicative budget and the \
         first of these that holds decides who approves it. Without a costed plan no route is \
         given.",
    );
    Some(
        Section::new("approval", "Approval of the support plan")
            .with(Block::Paragraph(intro))
            .with(Block::Numbered(items)),
    )
}

/// The text with its first letter upper case, when it starts with words.
fn capitalised(mut text: Text) -> Text {
    if let Some(Piece::Words(w)) = text.0.first_mut() {
        // Past an opening bracket: `(the cohort is …` -> `(The cohort is …`.
        if let Some((at, first)) = w.char_indices().find(|(_, c)| c.is_alphabetic()) {
            let upper: String = first.to_uppercase().collect();
            w.replace_range(at..at + first.len_utf8(), &upper);
        }
    }
    text
}
