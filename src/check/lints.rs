//! Warnings: things that work but that a reviewer of the policy should look at.

use super::{Checker, StepDecl};
use crate::diag::{codes, Diagnostic};
use crate::model::{Expr, ExprId, StepKind, Subject};
use crate::units::Unit;

impl<'a> Checker<'a> {
    pub(super) fn lints(&mut self) {
        self.unused();
        self.step_lints();
    }

    fn unused(&mut self) {
        for (n, (item, q)) in self.decls.questions.clone().into_iter().enumerate() {
            if !self.used_questions.get(n).copied().unwrap_or(true) {
                let diag = Diagnostic::new(codes::UNUSED_QUESTION, format!("the question `{}` is never used", q.id.name))
                    .label(q.id.span, "asked, but no figure depends on it")
                    .hint("use it in a calculation, a flag or a check, or remove it; acknowledge with `allow unused-question \"reason\"`");
                self.warn(item, diag);
            }
        }
        for (n, (item, p)) in self.decls.parameters.clone().into_iter().enumerate() {
            if !self.used_parameters.get(n).copied().unwrap_or(true) {
                let diag = Diagnostic::new(
                    codes::UNUSED_PARAMETER,
                    format!("the parameter `{}` is never used", p.id.name),
                )
                .label(p.id.span, "no calculation reads it")
                .hint("use it or remove it; acknowledge with `allow unused-parameter \"reason\"`");
                self.warn(item, diag);
            }
        }
        for (n, (item, d)) in self.decls.domains.clone().into_iter().enumerate() {
            if !self.used_domains.get(n).copied().unwrap_or(true) {
                let diag = Diagnostic::new(
                    codes::UNUSED_DOMAIN,
                    format!(
                        "the domain `{}` has no questions and is never added up",
                        d.id.name
                    ),
                )
                .label(d.id.span, "unused")
                .hint("put questions in it (`question … in domain`) or remove it");
                self.warn(item, diag);
            }
        }
    }

    /// Calls `visit` on every node a root reaches, following steps it reads.
    fn reach(&self, roots: &[ExprId], visit: &mut dyn FnMut(&Expr)) {
        let mut seen = vec![false; self.m.exprs.len()];
        let mut stack: Vec<ExprId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            let Some(e) = self.m.exprs.get(id as usize) else {
                continue;
            };
            if std::mem::replace(&mut seen[id as usize], true) {
                continue;
            }
            visit(e);
            match e {
                Expr::Step { step } => {
                    if let Some(Some(s)) = self.m.steps.get(*step as usize) {
                        stack.push(s.expr);
                        if let StepKind::Deduction { when: Some(w), .. } = &s.kind {
                            stack.push(*w);
                        }
                    }
                }
                Expr::Flag { flag } => {
                    if let Some(Some(f)) = self.m.flags.get(*flag as usize) {
                        stack.push(f.when);
                    }
                }
                other => stack.extend(crate::model::children(other)),
            }
        }
    }

    fn step_lints(&mut self) {
        let steps = self.decls.steps.clone();
        for (n, (item, decl)) in steps.into_iter().enumerate() {
            let Some(Some(step)) = self.m.steps.get(n).cloned() else {
                continue;
            };
            let mut roots = vec![step.expr];
            if let StepKind::Deduction { when: Some(w), .. } = &step.kind {
                roots.push(*w);
            }
            // A flag read directly by this step (not through another step).
            let mut reads_flag = false;
            let mut direct = roots.clone();
            while let Some(id) = direct.pop() {
                match self.m.exprs.get(id as usize) {
                    Some(Expr::Flag { .. }) => reads_flag = true,
                    Some(Expr::Step { .. }) | None => {}
                    Some(other) => direct.extend(crate::model::children(other)),
                }
            }
            if reads_flag {
                let diag = Diagnostic::new(codes::FLAG_IN_MONEY, format!("the calculation of `{}` reads a flag", step.id))
                    .label(decl.expr().span, "a flag changes this amount")
                    .hint("flags prompt a decision and must never change money; test the answers themselves instead");
                self.warn(item, diag);
            }
            if let StepDecl::Deduction(d) = decl {
                if let Some(mark) = d.informal_support {
                    let mut depends = false;
                    self.reach(&roots, &mut |e| {
                        let q = match e {
                            Expr::Answer { question, .. } => Some(*question),
                            Expr::CodeIn {
                                subject: Subject::Question(q),
                                ..
                            } => Some(*q),
                            Expr::Total { terms, .. } => terms
                                .iter()
                                .map(|t| t.question)
                                .find(|q| self.is_willingness(*q)),
                            _ => None,
                        };
                        if q.is_some_and(|q| self.is_willingness(q)) {
                            depends = true;
                        }
                    });
                    if !depends {
                        let diag = Diagnostic::new(
                            codes::INFORMAL_SUPPORT_UNCONDITIONAL,
                            format!("the informal support deduction `{}` does not depend on whether carers are willing and able", d.id.name),
                        )
                        .label(mark, "an informal support deduction")
                        .label(d.amount.span, "deducted whatever the carer's willingness")
                        .hint("support counts only when carers are willing and able to keep giving it: mark the question that records this `carer willingness` and make the deduction depend on it");
                        self.warn(item, diag);
                    }
                }
            }
            if let StepDecl::Output(o) = decl {
                if step.unit == Unit::Money {
                    let mut rounded = false;
                    self.reach(&[step.expr], &mut |e| {
                        rounded |= matches!(e, Expr::Round { .. })
                    });
                    if !rounded {
                        let formula = self.flat_text(o.expr.span);
                        let example = if formula.chars().count() <= 60 {
                            format!("round({formula})")
                        } else {
                            "round(net_points * price_per_point)".to_string()
                        };
                        let diag = Diagnostic::new(codes::UNROUNDED_MONEY_OUTPUT, format!("the output `{}` is money that is never rounded", o.id.name))
                            .label(o.expr.span, "may come out in fractions of a penny")
                            .hint(format!("round where the policy says, e.g. `{example}`; `round` uses the header's rule unless given one, e.g. `round(…, pound)`"));
                        self.warn(item, diag);
                    }
                }
            }
        }
    }

    fn is_willingness(&self, q: u32) -> bool {
        self.m
            .questions
            .get(q as usize)
            .is_some_and(|x| x.carer_willingness)
    }
}
