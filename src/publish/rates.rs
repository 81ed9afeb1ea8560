//! Rates and bands as tables: each parameter's values by cohort or case
//! attribute (rows) and by the date they take effect (columns); each band
//! table's ranges or points.

use super::document::{Block, Section, Table, Text};
use super::long_date;
use super::questionnaire::anchor;
use crate::eval::format_quantity;
use crate::model::{Band, BandTable, Model, Parameter, ParameterKey};
use crate::units::Unit;

pub(super) fn section(m: &Model) -> Option<Section> {
    if m.parameters.is_empty() && m.bands.is_empty() {
        return None;
    }
    let mut section = Section::new("rates", "Rates, thresholds and bands");
    let (simple, varying): (Vec<&Parameter>, Vec<&Parameter>) = m
        .parameters
        .iter()
        .partition(|p| p.key == ParameterKey::None && p.schedule.len() == 1);
    if !simple.is_empty() {
        let mut table = Table::new(
            "Rates and thresholds that are the same for every case",
            vec!["What".into(), "Name".into(), "Value".into()],
            vec![false, false, true],
        );
        for p in simple {
            let value = p
                .schedule
                .first()
                .and_then(|s| s.values.first())
                .map_or_else(
                    || Text::words("none"),
                    |v| format_quantity(*v, p.unit).into(),
                );
            let mut what = label(p);
            if let Some(from) = p.schedule.first().and_then(|s| s.from) {
                what.push(format!(" (from {})", long_date(from)));
            }
            table.rows.push(vec![what, Text::code(p.id.clone()), value]);
        }
        section.blocks.push(Block::Table(table));
    }
    for p in varying {
        section.blocks.extend(parameter(m, p));
    }
    let dated = m
        .parameters
        .iter()
        .any(|p| p.schedule.iter().any(|s| s.from.is_some()));
    if dated {
        section.blocks.push(Block::Paragraph(
            "A value with a date is in force from that date until the next one; a case takes \
             the value in force on its assessment date."
                .into(),
        ));
    }
    for b in &m.bands {
        section.subsections.push(band(b));
    }
    Some(section)
}

fn label(p: &Parameter) -> Text {
    match &p.label {
        Some(l) => Text::words(l.clone()),
        None => Text::code(p.id.clone()),
    }
}

/// One row per cohort or attribute value, one column per date.
fn parameter(m: &Model, p: &Parameter) -> Vec<Block> {
    let (key_heading, keys): (Text, Vec<Text>) = match p.key {
        ParameterKey::None => ("Applies to".into(), vec![Text::words("Every case")]),
        ParameterKey::Cohort => (
            "Cohort".into(),
            m.cohorts.iter().map(|c| c.label.clone().into()).collect(),
        ),
        ParameterKey::Attribute(a) => match m.attributes.get(a as usize) {
            Some(attr) => (
                attr.label.clone().into(),
                attr.values.iter().map(|v| v.label.clone().into()).collect(),
            ),
            None => ("Applies to".into(), vec![]),
        },
    };
    let mut head = vec![key_heading];
    head.extend(p.schedule.iter().map(|s| match s.from {
        Some(d) => Text::words(format!("From {}", long_date(d))),
        None => Text::words("Value"),
    }));
    let mut figures = vec![false];
    figures.extend(p.schedule.iter().map(|_| true));
    let mut caption = label(p);
    caption.push(" (").push_code(p.id.clone()).push(")");
    let mut table = Table::new(caption, head, figures);
    for (k, key) in keys.into_iter().enumerate() {
        let mut row = vec![key];
        row.extend(p.schedule.iter().map(|s| match s.values.get(k) {
            Some(v) => Text::words(format_quantity(*v, p.unit)),
            None => Text::words("none"),
        }));
        table.rows.push(row);
    }
    vec![Block::Table(table)]
}

fn band(b: &Band) -> Section {
    let mut heading = match &b.label {
        Some(l) => Text::words(l.clone()),
        None => Text::code(b.id.clone()),
    };
    heading.push(" (").push_code(b.id.clone()).push(")");
    let mut section = Section::new(format!("band-{}", anchor(&b.id)), heading);
    let mut caption = Text::words("Rows of ");
    caption.push_code(b.id.clone());
    let q = |v| format_quantity(v, b.on);
    let r = |v| format_quantity(v, b.unit);
    match &b.table {
        BandTable::Steps { rows } => {
            let mut table = Table::new(
                caption.clone(),
                vec![
                    Text::words(format!("Value looked up ({})", b.on.symbol())),
                    Text::words(format!("Result ({})", b.unit.symbol())),
                ],
                vec![false, true],
            );
            for row in rows {
                let range = match (row.from, row.to) {
                    (None, Some(to)) => format!("below {}", q(to)),
                    (Some(from), Some(to)) => format!("{} up to {}", q(from), q(to)),
                    (Some(from), None) => format!("{} and above", q(from)),
                    (None, None) => "any value".to_string(),
                };
                table.rows.push(vec![range.into(), r(row.value).into()]);
            }
            section.blocks.push(Block::Paragraph(
                "Each range includes its lower figure and stops short of its upper one: a value \
                 exactly on an edge takes the row that starts there."
                    .into(),
            ));
            section.blocks.push(Block::Table(table));
        }
        BandTable::Interpolate { points, beyond } => {
            let mut table = Table::new(
                caption.clone(),
                vec![
                    Text::words(format!("Value looked up ({})", b.on.symbol())),
                    Text::words(format!("Result ({})", b.unit.symbol())),
                ],
                vec![true, true],
            );
            for p in points {
                table.rows.push(vec![q(p.at).into(), r(p.value).into()]);
            }
            let mut t =
                Text::words("Between two rows, the result lies on the straight line joining them.");
            if let (Some(rate), Some(last)) = (beyond, points.last()) {
                let unit = b.unit.divided_by(b.on).unwrap_or(Unit::Number);
                t.push(format!(
                    " Above {}, each further {} adds {}.",
                    q(last.at),
                    per_word(b.on),
                    format_quantity(*rate, unit)
                ));
            } else {
                t.push(" A value above the last row gives no figure.");
            }
            if let Some(first) = points.first() {
                t.push(format!(" A value below {} gives no figure.", q(first.at)));
            }
            section.blocks.push(Block::Paragraph(t));
            section.blocks.push(Block::Table(table));
        }
    }
    section
}

fn per_word(unit: Unit) -> &'static str {
    match unit {
        Unit::Points => "point",
        Unit::Hours => "hour",
        Unit::Sessions => "session",
        Unit::Nights => "night",
        Unit::Money => "pound",
        Unit::Percent => "percentage point",
        _ => "unit",
    }
}
