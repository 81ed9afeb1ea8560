//! What a policy reads from a case: which questions and attributes, whether
//! it needs an assessment date and a costed plan. Worked out once, by walking
//! the model from every place evaluation starts, so that `ras run` (which
//! columns a caseload must have), `ras sample` (which columns it writes) and
//! the checker (what a test must answer) agree.
//!
//! Input: a checked [`Model`]. Output: [`Needs`]. Reads no case.

use super::{AttributeId, Expr, Model, Parameter, ParameterKey, Question, QuestionId, Subject};

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
        let mut needs = Needs::nothing(
            model.questions.len(),
            model.attributes.len(),
            model.route.is_some(),
        );
        for root in model.roots() {
            model.walk(root, &mut |_, e| needs.read(e, &model.parameters));
        }
        needs
    }

    /// What the expressions of a model still being checked read, every node
    /// counted: the checker asks before the model is whole (a test is checked
    /// even when a step has an error), and every node it makes belongs to a
    /// step, flag, answer check, requirement or route rule, the places
    /// evaluation starts from.
    pub(crate) fn of_expressions(
        exprs: &[Expr],
        parameters: &[Parameter],
        questions: usize,
        attributes: usize,
        route: bool,
    ) -> Needs {
        let mut needs = Needs::nothing(questions, attributes, route);
        for e in exprs {
            needs.read(e, parameters);
        }
        needs
    }

    /// A policy that reads nothing yet; one with a route reads the plan cost.
    fn nothing(questions: usize, attributes: usize, route: bool) -> Needs {
        Needs {
            questions: vec![false; questions],
            attributes: vec![false; attributes],
            date: false,
            plan_cost: route,
        }
    }

    /// Notes what one expression node reads.
    fn read(&mut self, e: &Expr, parameters: &[Parameter]) {
        let mark = |flags: &mut Vec<bool>, i: u32| {
            if let Some(f) = flags.get_mut(i as usize) {
                *f = true;
            }
        };
        match e {
            Expr::Answer { question, .. } => mark(&mut self.questions, *question),
            Expr::CodeIn {
                subject: Subject::Question(q),
                ..
            } => mark(&mut self.questions, *q),
            Expr::CodeIn {
                subject: Subject::Attribute(a),
                ..
            } => mark(&mut self.attributes, *a),
            Expr::Total { terms, .. } => {
                for t in terms {
                    mark(&mut self.questions, t.question);
                }
            }
            Expr::Parameter { parameter } => {
                if let Some(p) = parameters.get(*parameter as usize) {
                    if let ParameterKey::Attribute(a) = p.key {
                        mark(&mut self.attributes, a);
                    }
                    self.date |= p.schedule.iter().any(|s| s.from.is_some());
                }
            }
            Expr::PlanCost => self.plan_cost = true,
            _ => {}
        }
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
        self.answer_required_of(&model.questions, question)
    }

    /// [`Needs::answer_required`] over a model's questions alone, for the
    /// checker, whose model is not whole when its tests are checked.
    pub(crate) fn answer_required_of(&self, questions: &[Question], question: QuestionId) -> bool {
        let has_default = questions
            .get(question as usize)
            .is_some_and(|q| q.kind.has_default());
        self.question(question) && !has_default
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
