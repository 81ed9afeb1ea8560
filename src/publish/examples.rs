//! Worked examples: the rule file's own `test` cases, evaluated through the
//! library as `ras test` runs them, with the figures that came out.

use super::document::{Block, Section, Table, Text};
use super::long_date;
use super::words::join_and;
use crate::eval::{format_quantity, EvalResult, Status};
use crate::model::{Model, QuestionKind, StepKind, TestCase};
use crate::plan::Plan;
use crate::testing::{run_tests, TestOutcome};

pub(super) fn section(plan: &Plan) -> Option<Section> {
    let m = plan.model();
    if m.tests.is_empty() {
        return None;
    }
    let outcomes = run_tests(plan);
    let mut section = Section::new("examples", "Worked examples").with(Block::Paragraph(
        "Each example is a case written in the rule file, worked out by the same calculation \
         that sets every budget. The figures below are what it gives."
            .into(),
    ));
    for (i, (test, outcome)) in m.tests.iter().zip(&outcomes).enumerate() {
        section
            .subsections
            .push(example(m, plan.order(), i, test, outcome));
    }
    Some(section)
}

fn example(
    m: &Model,
    order: &[u32],
    index: usize,
    test: &TestCase,
    outcome: &TestOutcome,
) -> Section {
    let mut section = Section::new(
        format!("example-{}", index + 1),
        format!("Example {}: {}", index + 1, test.name),
    );
    section.blocks.push(Block::Facts(case_facts(m, test)));
    let answers = answers(m, test, index);
    if !answers.rows.is_empty() {
        section.blocks.push(Block::Table(answers));
    }
    match &outcome.result {
        Some(r) => section.blocks.extend(result(m, order, r, test, index)),
        None => section.blocks.push(Block::Paragraph(
            "This example could not be worked out.".into(),
        )),
    }
    if !outcome.passed() {
        section.blocks.push(Block::Paragraph(
            "These are not the figures the rule file expects for this example; `ras test` \
             shows the difference."
                .into(),
        ));
    }
    section
}

fn case_facts(m: &Model, test: &TestCase) -> Vec<(Text, Text)> {
    let case = &test.case;
    let mut facts = Vec::new();
    if let Some(c) = &case.cohort {
        let label = m
            .cohort_named(c)
            .and_then(|i| m.cohorts.get(i as usize))
            .map_or(c.clone(), |c| c.label.clone());
        facts.push(("Cohort".into(), label.into()));
    }
    for (id, value) in &case.attributes {
        let attribute = m
            .attribute_named(id)
            .and_then(|a| m.attributes.get(a as usize));
        let (name, shown) = match attribute {
            Some(a) => (
                a.label.clone(),
                a.values
                    .iter()
                    .find(|v| v.code == *value)
                    .map_or(value.clone(), |v| v.label.clone()),
            ),
            None => (id.clone(), value.clone()),
        };
        facts.push((name.into(), shown.into()));
    }
    if let Some(date) = case.assessed {
        facts.push(("Assessed on".into(), long_date(date).into()));
    }
    // A costed plan matters only to the approval route.
    if m.route.is_none() && case.plan_cost.is_none() {
        return facts;
    }
    facts.push((
        "Costed support plan".into(),
        case.plan_cost
            .map_or("none yet".to_string(), |c| {
                format!(
                    "{} {}",
                    format_quantity(c, crate::units::Unit::Money),
                    period_word(m)
                )
            })
            .into(),
    ));
    facts
}

fn period_word(m: &Model) -> &'static str {
    super::period_words(m.header.period)
}

/// The answers given, in the questionnaire's order, with what each is worth.
fn answers(m: &Model, test: &TestCase, index: usize) -> Table {
    let mut table = Table::new(
        format!("Answers in example {}", index + 1),
        vec!["Question".into(), "Answer".into(), "Worth".into()],
        vec![false, false, true],
    );
    for q in &m.questions {
        let Some(given) = test.case.answers.get(&q.id) else {
            continue;
        };
        let mut question = Text::code(q.id.clone());
        question.push(": ").push(q.text.clone());
        let (answer, worth) = match &q.kind {
            QuestionKind::Choice { options, units, .. } => {
                match options.iter().find(|o| o.code == *given) {
                    Some(o) => {
                        let mut a = Text::code(o.code.clone());
                        a.push(": ").push(o.text.clone());
                        let worth: Vec<String> = units
                            .iter()
                            .zip(&o.values)
                            .map(|(u, v)| format_quantity(*v, *u))
                            .collect();
                        let worth = if worth.is_empty() {
                            "none".to_string()
                        } else {
                            join_and(&worth)
                        };
                        (a, worth)
                    }
                    None => (Text::code(given.clone()), "none".to_string()),
                }
            }
            QuestionKind::YesNo { .. } => (Text::words(given.clone()), "none".to_string()),
            // A number answer is its own figure.
            QuestionKind::Number { unit, .. } => match given.parse() {
                Ok(v) => (
                    Text::words(format_quantity(v, *unit)),
                    "as answered".to_string(),
                ),
                Err(_) => (Text::words(given.clone()), "none".to_string()),
            },
        };
        table.rows.push(vec![question, answer, worth.into()]);
    }
    table
}

fn result(m: &Model, order: &[u32], r: &EvalResult, test: &TestCase, index: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    match r.status {
        Status::Ok => {}
        Status::NotEligible => {
            blocks.push(Block::Paragraph(
                "No figure: the case is not eligible.".into(),
            ));
            let reasons = r
                .reasons
                .iter()
                .map(|reason| {
                    let mut t = Text::default();
                    t.push_quote(reason.clone());
                    t
                })
                .collect();
            blocks.push(Block::List(reasons));
            return blocks;
        }
        Status::NotValidated => {
            let mut t = Text::words("No figure: the policy is not yet validated for this cohort: ");
            t.push_quote(r.not_validated.clone().unwrap_or_default());
            t.push(".");
            blocks.push(Block::Paragraph(t));
            return blocks;
        }
        Status::Error => {
            let message = r.error.as_ref().map_or("", |e| e.message.as_str());
            let mut t = Text::words("No figure: the case cannot be worked out: ");
            t.push_quote(message);
            t.push(".");
            blocks.push(Block::Paragraph(t));
            return blocks;
        }
    }
    let mut table = Table::new(
        format!("Figures in example {}", index + 1),
        vec!["Step".into(), "Value".into()],
        vec![false, true],
    );
    for id in order {
        let Some(s) = m.steps.get(*id as usize) else {
            continue;
        };
        let Some(q) = r.steps.get(&s.id) else {
            continue;
        };
        let mut name = Text::code(s.id.clone());
        match &s.kind {
            StepKind::Output { label } => {
                name.push(format!(" ({label})"));
            }
            StepKind::Deduction { reason, .. } => {
                name.push(", a deduction: ").push_quote(reason.clone());
            }
            StepKind::Let { label: Some(label) } => {
                name.push(format!(" ({label})"));
            }
            StepKind::Let { label: None } => {}
        }
        table.rows.push(vec![name, q.to_string().into()]);
    }
    blocks.push(Block::Table(table));
    if !r.parameters_used.is_empty() {
        blocks.push(Block::Table(rates_used(m, r, index)));
    }
    let raised: Vec<&str> = r
        .flags
        .iter()
        .filter(|(_, raised)| **raised)
        .map(|(name, _)| name)
        .collect();
    if !m.flags.is_empty() {
        if raised.is_empty() {
            blocks.push(Block::Paragraph("No flag is raised.".into()));
        } else {
            let items = raised
                .iter()
                .filter_map(|name| m.flags.iter().find(|f| f.id == *name))
                .map(|f| {
                    let mut t = Text::default();
                    t.push_quote(f.text.clone());
                    t.push(" (").push_code(f.id.clone()).push(")");
                    t
                })
                .collect();
            blocks.push(Block::Paragraph("Flags raised:".into()));
            blocks.push(Block::List(items));
        }
    }
    if let Some(route) = &m.route {
        let t = match &r.route {
            Some(id) => {
                let text = route
                    .rules
                    .iter()
                    .find(|rule| rule.id == *id)
                    .map_or("", |rule| rule.text.as_str());
                let mut t = Text::words("Approval: ");
                t.push_quote(text);
                t.push(" (").push_code(id.clone()).push(").");
                t
            }
            None if test.case.plan_cost.is_none() => {
                Text::words("Approval: no route, as there is no costed support plan yet.")
            }
            None => Text::words("Approval: none of the routes applies."),
        };
        blocks.push(Block::Paragraph(t));
    }
    for w in &r.warnings {
        let mut t = Text::words("Note: ");
        t.push_quote(w.clone());
        blocks.push(Block::Paragraph(t));
    }
    blocks
}

/// The rates the example read: the value, the date it is in force from, and
/// the cohort or case attribute value that chose it.
fn rates_used(m: &Model, r: &EvalResult, index: usize) -> Table {
    let mut table = Table::new(
        format!("Rates used in example {}", index + 1),
        vec![
            "Rate".into(),
            "Chosen by".into(),
            "In force from".into(),
            "Value".into(),
        ],
        vec![false, false, false, true],
    );
    for used in &r.parameters_used {
        let parameter = m.parameters.iter().find(|p| p.id == used.name);
        let mut name = Text::code(used.name.clone());
        if let Some(label) = parameter.and_then(|p| p.label.as_ref()) {
            name.push(format!(" ({label})"));
        }
        let chosen = match (parameter.map(|p| p.key), &used.key) {
            (Some(crate::model::ParameterKey::Cohort), Some(key)) => m
                .cohorts
                .iter()
                .find(|c| c.id == *key)
                .map_or(key.clone(), |c| format!("the cohort, {}", c.label)),
            (Some(crate::model::ParameterKey::Attribute(a)), Some(key)) => {
                match m.attributes.get(a as usize) {
                    Some(attr) => {
                        let value = attr
                            .values
                            .iter()
                            .find(|v| v.code == *key)
                            .map_or(key.clone(), |v| v.label.clone());
                        format!("{}, {value}", attr.label)
                    }
                    None => key.clone(),
                }
            }
            _ => "every case".to_string(),
        };
        let from = used.from.map_or("no start date".to_string(), long_date);
        table.rows.push(vec![
            name,
            chosen.into(),
            from.into(),
            used.value.to_string().into(),
        ]);
    }
    table
}
