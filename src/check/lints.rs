//! Warnings: things that work but that a reviewer of the policy should look at.

use super::expr::{Declared, Lowered};
use super::ranges;
use super::symbols::{Findings, Symbols};
use super::{Parts, StepDecl};
use crate::diag::{codes, Diagnostic};
use crate::model::{Expr, ExprId, Model, StepKind, Subject};
use crate::syntax::Span;
use crate::units::Unit;
use rust_decimal::Decimal;

/// The warnings about what is declared and calculated: what is never used
/// (`lowered` says what the expressions read) and what a step's calculation
/// does (`m`, its steps and flags, once resolved).
pub(super) fn lints(sym: &Symbols, d: &Declared, m: &Parts, lowered: &Lowered) -> Findings {
    let mut pass = LintPass {
        sym,
        d,
        m,
        lowered,
        found: Findings::default(),
    };
    pass.unused();
    pass.step_lints();
    pass.found
}

struct LintPass<'p, 's, 'a> {
    sym: &'s Symbols<'a>,
    d: &'p Declared,
    m: &'p Parts,
    lowered: &'p Lowered,
    found: Findings,
}

impl<'a> LintPass<'_, '_, 'a> {
    fn warn(&mut self, item: usize, diag: Diagnostic) {
        self.found.warn(item, diag);
    }

    fn unused(&mut self) {
        for (n, &(item, q)) in self.sym.decls.questions.iter().enumerate() {
            if !self.lowered.used_questions.get(n).copied().unwrap_or(true) {
                let diag = Diagnostic::new(codes::UNUSED_QUESTION, format!("the question `{}` is never used", q.id.name))
                    .label(q.id.span, "asked, but no figure depends on it")
                    .hint("use it in a calculation, a flag or a check, or remove it; acknowledge with `allow unused-question \"reason\"`");
                self.warn(item, diag);
            }
        }
        for (n, &(item, p)) in self.sym.decls.parameters.iter().enumerate() {
            if !self.lowered.used_parameters.get(n).copied().unwrap_or(true) {
                let diag = Diagnostic::new(
                    codes::UNUSED_PARAMETER,
                    format!("the parameter `{}` is never used", p.id.name),
                )
                .label(p.id.span, "no calculation reads it")
                .hint("use it or remove it; acknowledge with `allow unused-parameter \"reason\"`");
                self.warn(item, diag);
            }
        }
        for (n, &(item, d)) in self.sym.decls.domains.iter().enumerate() {
            if !self.lowered.used_domains.get(n).copied().unwrap_or(true) {
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
        let mut seen = vec![false; self.lowered.exprs.len()];
        let mut stack: Vec<ExprId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            let Some(e) = self.lowered.exprs.get(id as usize) else {
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
        let steps = &self.sym.decls.steps;
        for (n, &(item, decl)) in steps.iter().enumerate() {
            let Some(Some(step)) = self.m.steps.get(n) else {
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
                match self.lowered.exprs.get(id as usize) {
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
                        let formula = self.sym.flat_text(o.expr.span);
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
        self.d
            .questions
            .get(q as usize)
            .is_some_and(|x| x.carer_willingness)
    }
}

/// Which declaration a finding of the interval analysis is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    Step(u32),
    Flag(u32),
    Check(u32),
    Requirement,
    Band(u32),
    Route,
}

/// Findings that hold for every case, by interval analysis over every
/// answer (`ras::flag-never-raised`, `ras::flag-always-raised`,
/// `ras::unreachable`), and findings shown by a case the search found
/// (`ras::may-be-negative`, `ras::deduction-may-exceed`).
pub(super) fn range_lints(m: &Model, source: &str) -> Vec<(Owner, Diagnostic)> {
    let analysis = ranges::analyse(m);
    let text = |span: Span| {
        source
            .get(span.start..span.end)
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    let span_of = |e: ExprId| m.spans.exprs.get(e as usize).copied().unwrap_or_default();
    let mut out = Vec::new();
    let values = &analysis.reach.values;
    // What each side of a comparison can be, to show why a condition never
    // (or always) holds.
    let sides = |when: ExprId| -> Option<String> {
        let Some(Expr::Compare { left, right, .. }) = m.exprs.get(when as usize) else {
            return None;
        };
        let unit = m.unit_of(*left).or_else(|| m.unit_of(*right));
        // A figure written in the condition needs no description.
        let describe = |e: ExprId| -> Option<String> {
            if matches!(m.exprs.get(e as usize), Some(Expr::Number { .. })) {
                return None;
            }
            let v = values.get(e as usize).copied().flatten()?;
            Some(format!(
                "`{}` is {}",
                text(span_of(e)),
                range_words(v, unit.unwrap_or(Unit::Number))
            ))
        };
        match (describe(*left), describe(*right)) {
            (Some(l), Some(r)) => Some(format!("{l} and {r}")),
            (Some(one), None) | (None, Some(one)) => Some(one),
            (None, None) => None,
        }
    };
    for (f, flag) in m.flags.iter().enumerate() {
        let t = analysis.flags.get(f).copied().unwrap_or_default();
        let name = m.spans.flags.get(f).copied().unwrap_or_default();
        let why = sides(flag.when)
            .map(|s| format!(": {s} over all answers"))
            .unwrap_or_default();
        if t.known() == Some(false) {
            let diag = Diagnostic::new(
                codes::FLAG_NEVER_RAISED,
                format!("the flag `{}` can never be raised", flag.id),
            )
            .label(name, "no answers raise it")
            .label(span_of(flag.when), format!("this never holds{why}"))
            .hint("check the figures the condition compares; a flag that cannot fire never prompts the decision it is for");
            out.push((Owner::Flag(f as u32), diag));
        } else if t.known() == Some(true) {
            let diag = Diagnostic::new(
                codes::FLAG_ALWAYS_RAISED,
                format!("the flag `{}` is raised for every case", flag.id),
            )
            .label(name, "every case raises it")
            .label(span_of(flag.when), format!("this always holds{why}"))
            .hint("a flag raised for everyone tells the social worker nothing; check the figures the condition compares");
            out.push((Owner::Flag(f as u32), diag));
        }
    }
    let owners = owners(m);
    for (e, reached) in analysis.reach.branches.iter().enumerate() {
        let Some(Expr::Choose { choices, otherwise }) = m.exprs.get(e) else {
            continue;
        };
        // A choose no case works out at all is reported where it is read.
        if !reached.iter().any(|r| *r) {
            continue;
        }
        let owner = owners.get(e).copied().flatten();
        for (k, taken) in reached.iter().enumerate() {
            if *taken {
                continue;
            }
            let (span, what) = match choices.get(k) {
                Some((c, _)) => (span_of(*c), "this branch of `choose` is never taken"),
                None => (
                    span_of(*otherwise),
                    "the `otherwise` of this `choose` is never taken",
                ),
            };
            let truths = analysis.reach.branch_truths.get(e);
            let earlier_always =
                truths.is_some_and(|t| t.iter().take(k).any(|t| t.can_hold && !t.can_fail));
            let label = if earlier_always {
                "an earlier branch holds for every case, so none gets here"
            } else {
                "no answers make this hold"
            };
            let diag = Diagnostic::new(codes::UNREACHABLE, what)
                .label(span, label)
                .hint("remove the branch, or correct its condition or the figures it compares");
            if let Some(owner) = owner {
                out.push((owner, diag));
            }
        }
    }
    for (b, rows) in analysis.reach.band_rows.iter().enumerate() {
        if !rows.iter().any(|r| *r) {
            continue;
        }
        let band = &m.bands[b];
        let looked_up = m
            .exprs
            .iter()
            .filter_map(|e| match e {
                Expr::Band { band: x, value } if *x as usize == b => {
                    values.get(*value as usize).copied().flatten()
                }
                _ => None,
            })
            .reduce(|a, b| a.hull(b));
        for (r, reached) in rows.iter().enumerate() {
            if *reached {
                continue;
            }
            let span = m
                .spans
                .bands
                .get(b)
                .and_then(|s| s.rows.get(r))
                .copied()
                .unwrap_or_default();
            let why = looked_up
                .map(|v| format!("; the values looked up are {}", range_words(v, band.on)))
                .unwrap_or_default();
            let diag = Diagnostic::new(
                codes::UNREACHABLE,
                format!("no case falls in this row of `{}`", band.id),
            )
            .label(span, format!("no value looked up is in this range{why}"))
            .hint("remove the row, or correct the figures of the rows or of what is looked up");
            out.push((Owner::Band(b as u32), diag));
        }
    }
    if let Some(route) = &m.route {
        for (k, rule) in route.rules.iter().enumerate() {
            if analysis.reach.route_rules.get(k).copied().unwrap_or(true)
                || !analysis.reach.route_rules.iter().any(|r| *r)
            {
                continue;
            }
            let span = m
                .spans
                .route
                .as_ref()
                .and_then(|s| s.rules.get(k))
                .copied()
                .unwrap_or_default();
            let diag = Diagnostic::new(
                codes::UNREACHABLE,
                format!("no case takes the route `{}`", rule.id),
            )
            .label(
                span,
                if analysis
                    .reach
                    .route_truths
                    .iter()
                    .take(k)
                    .any(|t| t.can_hold && !t.can_fail)
                {
                    "an earlier rule holds for every case, so none gets here".to_string()
                } else {
                    match rule.when.and_then(&sides) {
                        Some(why) => format!("this never holds: {why} over all answers"),
                        None => "no answers make this hold".to_string(),
                    }
                },
            )
            .hint("rules are tried from the top and the first that holds wins: reorder them, or correct the condition");
            out.push((Owner::Route, diag));
        }
    }
    for (s, step) in m.steps.iter().enumerate() {
        // Only money may not go below zero (`ras::negative-output`); points
        // or hours left over may.
        if !matches!(step.kind, StepKind::Output { .. }) || step.unit != Unit::Money {
            continue;
        }
        let may = analysis
            .steps
            .get(s)
            .copied()
            .flatten()
            .is_some_and(|r| r.lo.map_or(true, |lo| lo < Decimal::ZERO));
        if !may {
            continue;
        }
        let Some(w) = ranges::search_quickly(m, ranges::Goal::Lowest(s as u32)) else {
            continue;
        };
        if w.value >= Decimal::ZERO {
            continue;
        }
        let name = m.spans.steps.get(s).copied().unwrap_or_default();
        let diag = Diagnostic::new(
            codes::MAY_BE_NEGATIVE,
            format!("the output `{}` can be negative", step.id),
        )
        .label(name, format!("comes to {} for some answers", crate::eval::format_quantity(w.value, step.unit)))
        .hint(format!(
            "for example {}; a deduction larger than what it is taken from does this: cap it with `min(…)`",
            w.describe(m)
        ));
        out.push((Owner::Step(s as u32), diag));
    }
    for (e, expr) in m.exprs.iter().enumerate() {
        let Expr::Arith {
            arith: crate::model::ArithOp::Sub,
            left,
            right,
        } = expr
        else {
            continue;
        };
        let Some(Expr::Step { step: d }) = m.exprs.get(*right as usize) else {
            continue;
        };
        let Some(deduction) = m.steps.get(*d as usize) else {
            continue;
        };
        if !matches!(deduction.kind, StepKind::Deduction { .. }) {
            continue;
        }
        let (Some(from), Some(taken)) = (
            values.get(*left as usize).copied().flatten(),
            values.get(*right as usize).copied().flatten(),
        ) else {
            continue;
        };
        let may = match (from.lo, taken.hi) {
            (Some(a), Some(b)) => b > a,
            _ => true,
        };
        if !may {
            continue;
        }
        let goal = ranges::Goal::Margin {
            from: *left,
            taken: *right,
        };
        let Some(w) = ranges::search_quickly(m, goal) else {
            continue;
        };
        if w.value >= Decimal::ZERO {
            continue;
        }
        let from_text = text(span_of(*left));
        let name = m.spans.steps.get(*d as usize).copied().unwrap_or_default();
        let diag = Diagnostic::new(
            codes::DEDUCTION_MAY_EXCEED,
            format!(
                "the deduction `{}` can be larger than `{from_text}`, what it is taken from",
                deduction.id
            ),
        )
        .label(name, format!("exceeds `{from_text}` by {} for some answers", crate::eval::format_quantity(-w.value, deduction.unit)))
        .label(span_of(e as u32), "taken from here")
        .hint(format!(
            "for example {}; check that a percentage is written with `%` (`15% of {from_text}`), or cap it: `min(…, {from_text})`",
            w.describe(m)
        ));
        out.push((Owner::Step(*d), diag));
    }
    out
}

/// `between £0.00 and £215.88`, `at least 0 pts`.
fn range_words(r: ranges::Range, unit: Unit) -> String {
    let q = |v: Decimal| crate::eval::format_quantity(v, unit);
    match (r.lo, r.hi) {
        (Some(a), Some(b)) if a == b => format!("always {}", q(a)),
        (Some(a), Some(b)) => format!("between {} and {}", q(a), q(b)),
        (Some(a), None) => format!("at least {}", q(a)),
        (None, Some(b)) => format!("at most {}", q(b)),
        (None, None) => "any amount".to_string(),
    }
}

/// For each expression, the declaration whose calculation holds it (not
/// following steps it reads).
fn owners(m: &Model) -> Vec<Option<Owner>> {
    let mut out = vec![None; m.exprs.len()];
    let mark = |root: ExprId, owner: Owner, out: &mut Vec<Option<Owner>>| {
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            let Some(slot) = out.get_mut(id as usize) else {
                continue;
            };
            if slot.is_some() {
                continue;
            }
            *slot = Some(owner);
            if let Some(e) = m.exprs.get(id as usize) {
                stack.extend(crate::model::children(e));
            }
        }
    };
    for s in 0..m.steps.len() as u32 {
        for root in m.step_roots(s) {
            mark(root, Owner::Step(s), &mut out);
        }
    }
    for (f, flag) in m.flags.iter().enumerate() {
        mark(flag.when, Owner::Flag(f as u32), &mut out);
    }
    for (c, check) in m.checks.iter().enumerate() {
        mark(check.when, Owner::Check(c as u32), &mut out);
    }
    for r in &m.eligibility {
        mark(r.condition, Owner::Requirement, &mut out);
    }
    if let Some(route) = &m.route {
        for rule in &route.rules {
            if let Some(w) = rule.when {
                mark(w, Owner::Route, &mut out);
            }
        }
    }
    out
}
