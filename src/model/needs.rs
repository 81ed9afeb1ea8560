//! What a policy reads from a case: which questions and attributes, whether
//! it needs an assessment date and a costed plan. Worked out once, by walking
//! the model from every place evaluation starts, so that `ras run` (which
//! columns a caseload must have), `ras sample` (which columns it writes) and
//! the checker (what a test must answer) agree.
//!
//! Input: a checked [`Model`]. Output: [`Needs`]. Reads no case.

use super::{AttributeId, Expr, Model, ParameterKey, QuestionId, Subject};

/// What a policy reads from a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// Per question (index = [`QuestionId`]): some calculation, condition,
    /// flag, answer check, eligibility rule or route reads its answer.
    pub questions: Vec<bool>,
    /// Per attribute (index = [`AttributeId`]): a parameter read takes its
    /// value by the attribute, or a condition tests it.
    pub attributes: Vec<bool>,
    /// A parameter read has values that change by date, so a case needs an
    /// assessment date (or `--as-of`).
    pub date: bool,
    /// The policy reads the costed plan: it has an approval route (a route is
    /// chosen only for a case with a plan cost), or a calculation reads
    /// `plan_cost`.
    pub plan_cost: bool,
}

impl Needs {
    /// What `model` reads.
    pub fn of(model: &Model) -> Needs {
        let mut needs = Needs {
            questions: vec![false; model.questions.len()],
            attributes: vec![false; model.attributes.len()],
            date: false,
            plan_cost: model.route.is_some(),
        };
        let mark = |flags: &mut Vec<bool>, i: u32| {
            if let Some(f) = flags.get_mut(i as usize) {
                *f = true;
            }
        };
        for root in model.roots() {
            model.walk(root, &mut |_, e| match e {
                Expr::Answer { question, .. } => mark(&mut needs.questions, *question),
                Expr::CodeIn {
                    subject: Subject::Question(q),
                    ..
                } => mark(&mut needs.questions, *q),
                Expr::CodeIn {
                    subject: Subject::Attribute(a),
                    ..
                } => mark(&mut needs.attributes, *a),
                Expr::Total { terms, .. } => {
                    for t in terms {
                        mark(&mut needs.questions, t.question);
                    }
                }
                Expr::Parameter { parameter } => {
                    if let Some(p) = model.parameters.get(*parameter as usize) {
                        if let ParameterKey::Attribute(a) = p.key {
                            mark(&mut needs.attributes, a);
                        }
                        needs.date |= p.schedule.iter().any(|s| s.from.is_some());
                    }
                }
                Expr::PlanCost => needs.plan_cost = true,
                _ => {}
            });
        }
        needs
    }

    /// Whether the policy reads the answer to `question`.
    pub fn question(&self, question: QuestionId) -> bool {
        self.questions
            .get(question as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Whether a case must answer `question`: the policy reads it and it has
    /// no default answer.
    pub fn answer_required(&self, model: &Model, question: QuestionId) -> bool {
        self.question(question) && !model.has_default(question)
    }

    /// Whether the policy reads `attribute`.
    pub fn attribute(&self, attribute: AttributeId) -> bool {
        self.attributes
            .get(attribute as usize)
            .copied()
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests;
