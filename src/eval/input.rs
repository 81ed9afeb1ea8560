//! A case decoded once against the plan: cohort, attributes and answers as
//! indices, numbers parsed, defaults filled in. Evaluating a [`CaseInput`]
//! reads no text. Batch readers decode fields straight into one reused input
//! with [`Evaluator::decode_answer`] and friends; a [`Case`] goes through
//! [`Evaluator::decode`].

use super::err::{codes, valid_codes, CaseError};
use super::Evaluator;
use crate::case::Case;
use crate::date::Date;
use crate::model::{AttributeId, QuestionId, QuestionKind};
use crate::text::list;
use rust_decimal::Decimal;

/// One question's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerValue {
    /// Not answered (an error if the calculation reads it).
    Missing,
    /// The index of the chosen option of a choice question.
    Choice(u32),
    /// A yes/no answer.
    YesNo(bool),
    /// A number answer.
    Number(Decimal),
}

/// An answer and whether it is the question's default rather than given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The answer.
    pub value: AnswerValue,
    /// True when the case gave no answer and the question's default was used.
    pub defaulted: bool,
}

impl Answer {
    /// No answer.
    pub const MISSING: Answer = Answer {
        value: AnswerValue::Missing,
        defaulted: false,
    };
}

/// A case decoded against a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseInput {
    /// Index of the cohort.
    pub cohort: u32,
    /// The date parameters are read at (assessment date or `--as-of`).
    pub date: Option<Date>,
    /// Weekly cost of the costed plan.
    pub plan_cost: Option<Decimal>,
    /// Per attribute, the index of its value, when given.
    pub attributes: Vec<Option<u32>>,
    /// Per question, its answer (defaults filled in).
    pub answers: Vec<Answer>,
}

impl CaseInput {
    /// An input with no cohort, no attributes and every question at its default
    /// (or missing).
    pub fn new(ev: &Evaluator) -> CaseInput {
        CaseInput {
            cohort: 0,
            date: None,
            plan_cost: None,
            attributes: vec![None; ev.plan.model.attributes.len()],
            answers: ev.defaults.clone(),
        }
    }

    /// Makes the input blank again without allocating (for the next row).
    pub fn reset(&mut self, ev: &Evaluator) {
        self.cohort = 0;
        self.date = None;
        self.plan_cost = None;
        self.attributes.clear();
        self.attributes.resize(ev.plan.model.attributes.len(), None);
        self.answers.clone_from(&ev.defaults);
    }
}

/// The answer a question has when the case gives none.
pub(crate) fn default_answer(kind: &QuestionKind) -> Answer {
    let value = match kind {
        QuestionKind::Choice {
            default: Some(i), ..
        } => AnswerValue::Choice(*i),
        QuestionKind::YesNo { default: Some(b) } => AnswerValue::YesNo(*b),
        QuestionKind::Number {
            default: Some(d), ..
        } => AnswerValue::Number(*d),
        _ => return Answer::MISSING,
    };
    Answer {
        value,
        defaulted: true,
    }
}

impl Evaluator<'_> {
    /// The index of a question, by id.
    pub fn question_index(&self, id: &str) -> Option<QuestionId> {
        self.question_ids.get(id).copied()
    }

    /// The index of an attribute, by id.
    pub fn attribute_index(&self, id: &str) -> Option<AttributeId> {
        self.attribute_ids.get(id).copied()
    }

    /// The answer a question has when the case gives none (its default, or missing).
    pub fn default_answer(&self, question: QuestionId) -> Option<Answer> {
        self.defaults.get(question as usize).copied()
    }

    /// The index of a cohort code.
    pub fn decode_cohort(&self, text: &str) -> Result<u32, CaseError> {
        let m = &self.plan.model;
        if text.trim_ascii().is_empty() {
            let msg = format!(
                "the case has no cohort; give one of: {}",
                list(m.cohorts.iter().map(|c| c.id.as_str()))
            );
            return Err(CaseError::new(codes::MISSING_COHORT, msg, Some("cohort")));
        }
        self.program
            .cohort_codes
            .get(text.as_bytes())
            .ok_or_else(|| {
                let msg = format!(
                    "`{}` is not a cohort of this policy; the cohorts are: {}",
                    text.trim_ascii(),
                    list(m.cohorts.iter().map(|c| c.id.as_str()))
                );
                CaseError::new(codes::UNKNOWN_COHORT, msg, Some("cohort"))
            })
    }

    /// The index of an attribute's value.
    pub fn decode_attribute(&self, attribute: AttributeId, text: &str) -> Result<u32, CaseError> {
        let attr = self.plan.model.attributes.get(attribute as usize);
        let table = self.program.attribute_codes.get(attribute as usize);
        match (attr, table) {
            (Some(attr), Some(table)) => table.get(text.as_bytes()).ok_or_else(|| {
                let msg = format!(
                    "`{}` is not a value of `{}` ({}); the values are: {}",
                    text.trim_ascii(),
                    attr.id,
                    attr.label,
                    list(attr.values.iter().map(|v| v.code.as_str()))
                );
                CaseError::new(codes::UNKNOWN_ATTRIBUTE_VALUE, msg, Some(&attr.id))
            }),
            _ => Err(CaseError::new(
                codes::UNKNOWN_ATTRIBUTE,
                format!("attribute {attribute} does not exist"),
                None,
            )),
        }
    }

    /// The option a non-empty code names, when `question` is a choice
    /// question and `text` one of its codes (surrounding spaces ignored);
    /// `None` otherwise, for [`Evaluator::decode_answer`] to read.
    #[inline]
    pub fn choice_code(&self, question: QuestionId, text: &str) -> Option<u32> {
        let q = self.plan.model.questions.get(question as usize)?;
        if !matches!(q.kind, QuestionKind::Choice { .. }) || text.trim_ascii().is_empty() {
            return None;
        }
        self.program
            .question_codes
            .get(question as usize)?
            .get(text.as_bytes())
    }

    /// Decodes the answer to one question. Empty text means "not answered",
    /// which gives the question's default (shown as a default) or missing.
    pub fn decode_answer(&self, question: QuestionId, text: &str) -> Result<Answer, CaseError> {
        let m = &self.plan.model;
        let Some(q) = m.questions.get(question as usize) else {
            return Err(CaseError::new(
                codes::UNKNOWN_QUESTION,
                format!("question {question} does not exist"),
                None,
            ));
        };
        let text = text.trim_ascii();
        if text.is_empty() {
            return Ok(self
                .defaults
                .get(question as usize)
                .copied()
                .unwrap_or(Answer::MISSING));
        }
        let given = |value| {
            Ok(Answer {
                value,
                defaulted: false,
            })
        };
        match &q.kind {
            QuestionKind::Choice { .. } => {
                let table = self.program.question_codes.get(question as usize);
                match table.and_then(|t| t.get(text.as_bytes())) {
                    Some(i) => given(AnswerValue::Choice(i)),
                    None => Err(CaseError::new(
                        codes::UNKNOWN_CODE,
                        format!(
                            "`{text}` is not an option of question `{}` (\"{}\"); the options are: {}",
                            q.id,
                            q.text,
                            valid_codes(m, question)
                        ),
                        Some(&q.id),
                    )),
                }
            }
            QuestionKind::YesNo { .. } => match text {
                "yes" => given(AnswerValue::YesNo(true)),
                "no" => given(AnswerValue::YesNo(false)),
                _ => Err(CaseError::new(
                    codes::UNKNOWN_CODE,
                    format!(
                        "the answer to question `{}` must be `yes` or `no`, not `{text}`",
                        q.id
                    ),
                    Some(&q.id),
                )),
            },
            QuestionKind::Number { min, max, unit, .. } => {
                let range = format!("{min} to {max} ({unit})");
                let n = match crate::number::parse_decimal(text) {
                    Ok(n) => n,
                    Err(e @ crate::number::NumberError::TooPrecise { .. }) => {
                        let msg = format!(
                            "the answer to question `{}`: {}; write at most {} digits",
                            q.id,
                            e.message(text),
                            crate::number::MAX_DIGITS
                        );
                        return Err(CaseError::new(codes::NUMBER_TOO_PRECISE, msg, Some(&q.id)));
                    }
                    Err(_) => {
                        let msg = format!(
                            "the answer to question `{}` must be a number from {range}, not `{text}`",
                            q.id
                        );
                        return Err(CaseError::new(codes::NOT_A_NUMBER, msg, Some(&q.id)));
                    }
                };
                if n < *min || n > *max {
                    let msg = format!(
                        "the answer {text} to question `{}` is outside its range, {range}",
                        q.id
                    );
                    return Err(CaseError::new(codes::OUT_OF_RANGE, msg, Some(&q.id)));
                }
                given(AnswerValue::Number(n))
            }
        }
    }

    /// Decodes a case; `as_of` overrides its assessment date.
    pub fn decode(&self, case: &Case, as_of: Option<Date>) -> Result<CaseInput, CaseError> {
        let mut input = CaseInput::new(self);
        self.decode_into(case, as_of, &mut input)?;
        Ok(input)
    }

    /// Decodes a case into a reused input. Problems are reported in a fixed
    /// order (cohort, attributes, answers by question id) and the first wins.
    pub fn decode_into(
        &self,
        case: &Case,
        as_of: Option<Date>,
        input: &mut CaseInput,
    ) -> Result<(), CaseError> {
        input.reset(self);
        input.cohort = self.decode_cohort(case.cohort.as_deref().unwrap_or(""))?;
        input.date = as_of.or(case.assessed);
        input.plan_cost = case.plan_cost;
        for (id, value) in &case.attributes {
            let Some(a) = self.attribute_index(id) else {
                let m = &self.plan.model;
                let msg = format!(
                    "the case gives `{id}`, which is not an attribute of this policy; the attributes are: {}",
                    list(m.attributes.iter().map(|a| a.id.as_str()))
                );
                return Err(CaseError::new(codes::UNKNOWN_ATTRIBUTE, msg, Some(id)));
            };
            let v = self.decode_attribute(a, value)?;
            if let Some(slot) = input.attributes.get_mut(a as usize) {
                *slot = Some(v);
            }
        }
        for (id, text) in &case.answers {
            let Some(q) = self.question_index(id) else {
                let msg =
                    format!("the case answers `{id}`, which is not a question of this policy");
                return Err(CaseError::new(codes::UNKNOWN_QUESTION, msg, Some(id)));
            };
            let answer = self.decode_answer(q, text)?;
            if let Some(slot) = input.answers.get_mut(q as usize) {
                *slot = answer;
            }
        }
        Ok(())
    }
}
