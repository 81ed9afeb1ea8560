//! What answers give a calculation: totals of option values and tests of codes.

use super::expr::Resolver;
use super::names::{did_you_mean, list_codes, Symbol};
use super::Ty;
use crate::diag::{codes, Diagnostic};
use crate::model::{self, Expr, ExprId, Subject, TotalTerm};
use crate::syntax::ast::{self, ValueKind};
use crate::syntax::Span;
use rust_decimal::Decimal;

impl<'a> Resolver<'_, '_, 'a> {
    pub(super) fn total(
        &mut self,
        weighted: bool,
        kind: ValueKind,
        domains: &[ast::Ident],
        span: Span,
    ) -> (ExprId, Ty) {
        let mut selected: Vec<u32> = Vec::new();
        for d in domains {
            if let Some(id) =
                super::decls::domain(self.sym, d, &mut self.found, &mut self.out.references)
            {
                if let Some(u) = self.out.used_domains.get_mut(id as usize) {
                    *u = true;
                }
                selected.push(id);
            }
        }
        let mut terms = Vec::new();
        for (q, question) in self.m.questions.iter().enumerate() {
            let model::QuestionKind::Choice { units, .. } = &question.kind else {
                continue;
            };
            let Some(slot) = units.iter().position(|u| *u == kind.unit()) else {
                continue;
            };
            if !domains.is_empty() && !question.domain.is_some_and(|d| selected.contains(&d)) {
                continue;
            }
            let weight = if weighted {
                question
                    .domain
                    .and_then(|d| self.m.domains.get(d as usize))
                    .map(|d| d.weight)
                    .unwrap_or(Decimal::ONE)
            } else {
                Decimal::ONE
            };
            terms.push(TotalTerm {
                question: q as u32,
                slot: slot as u32,
                weight,
            });
        }
        for t in &terms {
            if let Some(u) = self.out.used_questions.get_mut(t.question as usize) {
                *u = true;
            }
        }
        if terms.is_empty() && (domains.is_empty() || !selected.is_empty()) {
            let diag = Diagnostic::new(
                codes::UNKNOWN_NAME,
                format!(
                    "no question carries {} to add up here",
                    kind.unit().describe()
                ),
            )
            .label(span, "adds up nothing")
            .hint(format!(
                "give options values such as `5 {}`, or check the domains named",
                kind.unit().symbol()
            ));
            self.error(diag);
        }
        (
            self.push(Expr::Total { kind, terms }),
            Ty::Quantity(kind.unit()),
        )
    }

    pub(super) fn code_test(
        &mut self,
        subject: &ast::Ident,
        negated: bool,
        codes: &[ast::Code],
    ) -> (ExprId, Ty) {
        let (target, valid): (Option<Subject>, Vec<String>) = if subject.name == "cohort" {
            (
                Some(Subject::Cohort),
                self.m.cohorts.iter().map(|c| c.id.clone()).collect(),
            )
        } else {
            let symbol = self.sym.names.get(&subject.name);
            self.refer(&subject.name, subject.span, symbol.map(Into::into));
            match symbol {
                Some(Symbol::Question(q)) => {
                    if let Some(u) = self.out.used_questions.get_mut(q as usize) {
                        *u = true;
                    }
                    match self.m.questions.get(q as usize).map(|x| &x.kind) {
                        Some(model::QuestionKind::Choice { options, .. }) => (
                            Some(Subject::Question(q)),
                            options.iter().map(|o| o.code.clone()).collect(),
                        ),
                        Some(model::QuestionKind::YesNo { .. }) => {
                            (Some(Subject::Question(q)), vec!["no".into(), "yes".into()])
                        }
                        Some(model::QuestionKind::Number { unit, .. }) => {
                            let value = codes
                                .first()
                                .and_then(|c| c.text.parse::<Decimal>().ok())
                                .unwrap_or(Decimal::TEN);
                            let diag = Diagnostic::new(
                                codes::TYPE_MISMATCH,
                                format!(
                                    "`{}` is answered with a number; compare it instead",
                                    subject.name
                                ),
                            )
                            .label(subject.span, "a number question")
                            .hint(format!(
                                "e.g. `{} >= {}`",
                                subject.name,
                                super::decls::show(value, *unit)
                            ));
                            self.error(diag);
                            (None, vec![])
                        }
                        None => (None, vec![]),
                    }
                }
                Some(Symbol::Attribute(a)) => (
                    {
                        if let Some(u) = self.out.used_attributes.get_mut(a as usize) {
                            *u = true;
                        }
                        Some(Subject::Attribute(a))
                    },
                    self.m
                        .attributes
                        .get(a as usize)
                        .map(|x| x.values.iter().map(|v| v.code.clone()).collect())
                        .unwrap_or_default(),
                ),
                Some(other) => {
                    let diag = Diagnostic::new(
                        codes::TYPE_MISMATCH,
                        format!(
                            "`{}` is a {}; only questions, attributes and `cohort` have codes",
                            subject.name,
                            other.kind()
                        ),
                    )
                    .label(subject.span, "has no codes")
                    .hint("compare amounts with `=`, `<`, `>=` …");
                    self.error(diag);
                    (None, vec![])
                }
                None => {
                    self.unknown_name(&subject.name, subject.span);
                    (None, vec![])
                }
            }
        };
        let Some(target) = target else {
            return self.poisoned();
        };
        let mut indices = Vec::new();
        for code in codes {
            match valid.iter().position(|v| *v == code.text) {
                Some(i) => indices.push(i as u32),
                None => {
                    let (what, noun) = match target {
                        Subject::Cohort => ("a cohort".to_string(), "cohorts"),
                        Subject::Attribute(_) => {
                            (format!("a value of `{}`", subject.name), "values")
                        }
                        Subject::Question(_) => {
                            (format!("an option of `{}`", subject.name), "options")
                        }
                    };
                    let all = list_codes(valid.iter().map(String::as_str));
                    let hint = match did_you_mean(&code.text, valid.iter().map(String::as_str)) {
                        Some(s) if s != code.text => {
                            format!("did you mean `{s}`? the {noun} are {all}")
                        }
                        _ => format!("the {noun} are {all}"),
                    };
                    let diag = Diagnostic::new(
                        codes::UNKNOWN_CODE,
                        format!("`{}` is not {what}", code.text),
                    )
                    .label(code.span, format!("not one of the {noun}"))
                    .hint(hint);
                    self.error(diag);
                }
            }
        }
        (
            self.push(Expr::CodeIn {
                subject: target,
                codes: indices,
                negated,
            }),
            Ty::Bool,
        )
    }
}
