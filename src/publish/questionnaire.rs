//! The questionnaire: every question with its wording and every option's
//! code, wording and values, grouped by domain with the domain's weight.

use super::document::{Block, Section, Table, Text};
use super::words::figure;
use crate::eval::format_quantity;
use crate::model::{Model, Question, QuestionKind};
use crate::units::Unit;
use rust_decimal::Decimal;

pub(super) fn section(m: &Model) -> Option<Section> {
    if m.questions.is_empty() {
        return None;
    }
    let mut section = Section::new("questionnaire", "The questionnaire").with(Block::Paragraph(
        "Each question is answered by choosing one option (or yes or no, or a number). The code \
         is what a case records; the figures are what the answer is worth."
            .into(),
    ));
    let weighted = m.domains.iter().any(|d| d.weight != Decimal::ONE);
    if !m.domains.is_empty() {
        let mut table = Table::new(
            "Domains",
            vec![
                "Domain".into(),
                "Code".into(),
                "Weight".into(),
                "Questions".into(),
            ],
            vec![false, false, true, true],
        );
        for (d, domain) in m.domains.iter().enumerate() {
            let count = m
                .questions
                .iter()
                .filter(|q| q.domain == Some(d as u32))
                .count();
            table.rows.push(vec![
                domain.label.clone().into(),
                Text::code(domain.id.clone()),
                figure(domain.weight, Some(Unit::Number)),
                count.to_string().into(),
            ]);
        }
        let intro = if weighted {
            "The questions are grouped in domains. Where a calculation says “weighted”, the \
             figures of a domain's answers are multiplied by its weight; a domain with weight 1 \
             counts once."
        } else {
            "The questions are grouped in domains; every domain counts once (weight 1)."
        };
        section.blocks.push(Block::Paragraph(intro.into()));
        section.blocks.push(Block::Table(table));
    }
    for (d, domain) in m.domains.iter().enumerate() {
        let questions: Vec<&Question> = m
            .questions
            .iter()
            .filter(|q| q.domain == Some(d as u32))
            .collect();
        if questions.is_empty() {
            continue;
        }
        let heading = if domain.weight == Decimal::ONE {
            domain.label.clone()
        } else {
            format!(
                "{} (weight {})",
                domain.label,
                format_quantity(domain.weight, Unit::Number)
            )
        };
        let mut sub = Section::new(format!("domain-{}", anchor(&domain.id)), heading);
        for q in questions {
            sub.blocks.extend(question(q));
        }
        section.subsections.push(sub);
    }
    let others: Vec<&Question> = m.questions.iter().filter(|q| q.domain.is_none()).collect();
    if !others.is_empty() {
        let heading = if m.domains.is_empty() {
            "Questions"
        } else {
            "Other questions"
        };
        let mut sub = Section::new("questions-other", heading);
        for q in others {
            sub.blocks.extend(question(q));
        }
        section.subsections.push(sub);
    }
    Some(section)
}

/// Letters, digits and `-` only, so the id is a safe anchor.
pub(super) fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn question(q: &Question) -> Vec<Block> {
    let mut caption = Text::code(q.id.clone());
    caption.push(": ").push(q.text.clone());
    // A sentence after the wording starts anew unless the wording ends one.
    let stop = if q.text.ends_with(['?', '.', '!']) {
        ""
    } else {
        "."
    };
    let mut blocks = Vec::new();
    match &q.kind {
        QuestionKind::Choice {
            options,
            units,
            default,
        } => {
            let mut head: Vec<Text> = vec!["Code".into(), "Answer".into()];
            head.extend(units.iter().map(|u| Text::words(unit_heading(*u))));
            let mut figures = vec![false, false];
            figures.extend(units.iter().map(|_| true));
            let mut table = Table::new(caption, head, figures);
            for (i, o) in options.iter().enumerate() {
                let mut wording = Text::words(o.text.clone());
                if *default == Some(i as u32) {
                    wording.push(" (the answer when none is given)");
                }
                let mut row = vec![Text::code(o.code.clone()), wording];
                row.extend(
                    units
                        .iter()
                        .enumerate()
                        .map(|(k, u)| match o.values.get(k) {
                            Some(v) => Text::words(format_quantity(*v, *u)),
                            None => Text::words("none"),
                        }),
                );
                table.rows.push(row);
            }
            blocks.push(Block::Table(table));
            if units.is_empty() {
                blocks.push(Block::Paragraph(
                    "These answers are worth no figures themselves; the calculation tests which \
                     one was given."
                        .into(),
                ));
            }
        }
        QuestionKind::YesNo { default } => {
            let mut t = caption;
            t.push(format!("{stop} Answered yes or no"));
            match default {
                Some(true) => t.push("; yes when not answered."),
                Some(false) => t.push("; no when not answered."),
                None => t.push("."),
            };
            blocks.push(Block::Paragraph(t));
        }
        QuestionKind::Number {
            unit,
            min,
            max,
            default,
        } => {
            let mut t = caption;
            t.push(format!(
                "{stop} Answered with a number of {} from {} to {}",
                unit_heading(*unit).to_lowercase(),
                format_quantity(*min, *unit),
                format_quantity(*max, *unit)
            ));
            match default {
                Some(d) => t.push(format!(
                    "; {} when not answered.",
                    format_quantity(*d, *unit)
                )),
                None => t.push("."),
            };
            blocks.push(Block::Paragraph(t));
        }
    }
    if q.carer_willingness {
        blocks.push(Block::Paragraph(
            "This answer records whether family or friends are able and willing to go on \
             giving support."
                .into(),
        ));
    }
    blocks
}

/// A column heading for values of the unit.
fn unit_heading(unit: Unit) -> &'static str {
    match unit {
        Unit::Points => "Points",
        Unit::Hours => "Hours",
        Unit::Sessions => "Sessions",
        Unit::Nights => "Nights",
        Unit::Money => "Amount",
        Unit::Percent => "Percentage",
        Unit::Number => "Number",
        Unit::MoneyPerPoint | Unit::MoneyPerHour | Unit::MoneyPerSession | Unit::MoneyPerNight => {
            "Rate"
        }
    }
}
