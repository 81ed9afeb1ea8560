//! Steps and flags in dependency order; cycles between them.

use super::expr::{Declared, Lowered, Resolver};
use super::names::Symbol;
use super::symbols::{Findings, Symbols};
use super::{StepDecl, Ty};
use crate::diag::{codes, Diagnostic};
use crate::model::{self, graph};
use crate::syntax::ast::{self, ExprKind};
use crate::syntax::Span;

/// A node of the dependency graph: a step or a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node {
    Step(usize),
    Flag(usize),
}

/// The steps and flags, with where each is declared and each step's type.
pub(super) struct StepsAndFlags {
    pub(super) steps: Vec<Option<model::Step>>,
    pub(super) step_spans: Vec<Span>,
    pub(super) flags: Vec<Option<model::Flag>>,
    pub(super) flag_spans: Vec<Span>,
    /// Read by the checks, eligibility, the route and the tests after.
    pub(super) step_types: Vec<Ty>,
}

/// Types and resolves every step and flag, each after those it reads; a
/// step or flag is `None` when its declaration could not be resolved.
pub(super) fn steps_and_flags(
    sym: &Symbols,
    m: &Declared,
    out: &mut Lowered,
) -> (StepsAndFlags, Findings) {
    let steps = sym.decls.steps.len();
    let flags = sym.decls.flags.len();
    let types = std::borrow::Cow::Owned(vec![Ty::Unknown; steps]);
    let mut r = Resolver::new(sym, m, types, out);
    let mut product = StepsAndFlags {
        steps: vec![None; steps],
        step_spans: vec![Span::default(); steps],
        flags: vec![None; flags],
        flag_spans: vec![Span::default(); flags],
        step_types: Vec::new(),
    };
    for node in r.dependency_order() {
        match node {
            Node::Step(n) => {
                if let Some((step, at)) = r.resolve_step(n) {
                    product.steps[n] = Some(step);
                    product.step_spans[n] = at;
                }
            }
            Node::Flag(n) => {
                if let Some((flag, at)) = r.resolve_flag(n) {
                    product.flags[n] = Some(flag);
                    product.flag_spans[n] = at;
                }
            }
        }
    }
    product.step_types = r.step_types.into_owned();
    (product, r.found)
}

impl<'a> Resolver<'_, '_, 'a> {
    fn deps(&self, node: Node) -> Vec<Node> {
        let mut out = Vec::new();
        let mut push_names = |e: &ast::Expr| {
            visit_names(e, &mut |name| match self.sym.names.get(name) {
                Some(Symbol::Step(s)) => out.push(Node::Step(s as usize)),
                Some(Symbol::Flag(f)) => out.push(Node::Flag(f as usize)),
                _ => {}
            })
        };
        match node {
            Node::Step(n) => {
                if let Some((_, s)) = self.sym.decls.steps.get(n) {
                    push_names(s.expr());
                    if let StepDecl::Deduction(d) = s {
                        if let Some(w) = &d.when {
                            push_names(w);
                        }
                    }
                }
            }
            Node::Flag(n) => {
                if let Some((_, f)) = self.sym.decls.flags.get(n) {
                    push_names(&f.when);
                }
            }
        }
        out
    }

    /// Steps and flags so that each follows what it reads; nodes on a cycle are
    /// reported and put last.
    fn dependency_order(&mut self) -> Vec<Node> {
        let steps = self.sym.decls.steps.len();
        let count = steps + self.sym.decls.flags.len();
        // Steps are nodes `0..steps`, flags the nodes after them.
        let node = |i: usize| {
            if i < steps {
                Node::Step(i)
            } else {
                Node::Flag(i - steps)
            }
        };
        let index = |n: Node| match n {
            Node::Step(s) => s,
            Node::Flag(f) => steps + f,
        };
        let sorted = graph::topological_order(count, |i| {
            self.deps(node(i)).into_iter().map(index).collect()
        });
        let mut on_cycle = vec![false; count];
        for cycle in &sorted.cycles {
            let nodes: Vec<Node> = cycle.iter().map(|i| node(*i)).collect();
            self.report_cycle(&nodes);
            for i in cycle {
                on_cycle[*i] = true;
            }
        }
        // Steps on a cycle come last, still resolved (for their other errors and
        // so that what they read counts as used); the steps they read on the
        // cycle have no type yet, which silences unit checks against them.
        let mut order: Vec<Node> = sorted.order.into_iter().map(node).collect();
        order.extend((0..count).filter(|i| on_cycle[*i]).map(node));
        order
    }

    fn node_ident(&self, node: Node) -> Option<&'a ast::Ident> {
        match node {
            Node::Step(n) => self.sym.decls.steps.get(n).map(|(_, s)| s.id()),
            Node::Flag(n) => self.sym.decls.flags.get(n).map(|(_, f)| &f.id),
        }
    }

    fn report_cycle(&mut self, cycle: &[Node]) {
        let idents: Vec<&ast::Ident> = cycle.iter().filter_map(|n| self.node_ident(*n)).collect();
        let Some(first) = idents.first() else { return };
        // A long circle is named by its first few steps: a label on each of
        // thirty thousand lines helps nobody and takes long to draw.
        let shown = &idents[..idents.len().min(MAX_CYCLE_SHOWN)];
        let mut chain: Vec<String> = shown.iter().map(|i| format!("`{}`", i.name)).collect();
        if shown.len() < idents.len() {
            chain.push(format!("… ({} more)", idents.len() - shown.len()));
        }
        chain.push(format!("`{}`", first.name));
        let mut diag = Diagnostic::new(
            codes::CYCLE,
            if idents.len() == 1 {
                format!("`{}` is calculated from itself", first.name)
            } else {
                format!(
                    "these calculations depend on each other in a circle: {}",
                    chain.join(" -> ")
                )
            },
        );
        for (i, id) in shown.iter().enumerate() {
            let next = idents.get(i + 1).unwrap_or(first);
            diag = diag.label(id.span, format!("needs `{}`", next.name));
        }
        self.error(diag.hint(if idents.len() == 1 {
            format!(
                "`{}` cannot use its own value; work it out from other values",
                first.name
            )
        } else {
            "one of them must be worked out from other values without going round the circle"
                .to_string()
        }));
    }

    fn resolve_step(&mut self, n: usize) -> Option<(model::Step, Span)> {
        let (item, decl) = self.sym.decls.steps.get(n).copied()?;
        let ctx = super::expr::Context::Step { item };
        let (expr, ty) = self.resolve(decl.expr(), ctx);
        let unit = match ty {
            Ty::Quantity(u) => u,
            Ty::Bool => {
                let diag = Diagnostic::new(codes::TYPE_MISMATCH, format!("`{}` is a condition (true or false), not an amount", decl.id().name))
                    .label(decl.expr().span, "a condition")
                    .hint("a step calculates an amount; declare a condition as a `flag`, or use it in `choose { … }`");
                self.error(diag);
                crate::units::Unit::Number
            }
            Ty::Unknown => crate::units::Unit::Number,
        };
        if let Some(t) = self.step_types.to_mut().get_mut(n) {
            *t = ty;
        }
        let kind = match decl {
            StepDecl::Let(s) => model::StepKind::Let {
                label: s.label.as_ref().map(|l| l.text.clone()),
            },
            StepDecl::Output(o) => model::StepKind::Output {
                label: o.label.text.clone(),
            },
            StepDecl::Deduction(d) => {
                let when = d
                    .when
                    .as_ref()
                    .map(|w| self.condition(w, ctx, "the condition of a deduction"));
                model::StepKind::Deduction {
                    reason: d.reason.text.clone(),
                    informal_support: d.informal_support.is_some(),
                    when,
                }
            }
        };
        let formula = self.sym.flat_text(decl.expr().span);
        let step = model::Step {
            id: decl.id().name.clone(),
            kind,
            expr,
            unit,
            formula,
        };
        Some((step, decl.id().span))
    }

    fn resolve_flag(&mut self, n: usize) -> Option<(model::Flag, Span)> {
        let (item, f) = self.sym.decls.flags.get(n).copied()?;
        let when = self.condition(
            &f.when,
            super::expr::Context::Flag { item },
            "a flag's condition",
        );
        let flag = model::Flag {
            id: f.id.name.clone(),
            text: f.text.text.clone(),
            when,
        };
        Some((flag, f.id.span))
    }
}

/// Steps of a circle named in its diagnostic; the rest are counted.
const MAX_CYCLE_SHOWN: usize = 10;

/// Calls `visit` with every name an expression mentions as a value.
pub(crate) fn visit_names(e: &ast::Expr, visit: &mut dyn FnMut(&str)) {
    match &e.kind {
        ExprKind::Name(n) => visit(n),
        ExprKind::Literal(_) | ExprKind::Total { .. } | ExprKind::CodeTest { .. } => {}
        ExprKind::Unary(_, x) | ExprKind::Round(x, _) => visit_names(x, visit),
        ExprKind::Binary(_, a, b) => {
            visit_names(a, visit);
            visit_names(b, visit);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|a| visit_names(a, visit)),
        ExprKind::Choose { choices, otherwise } => {
            for (v, c) in choices {
                visit_names(v, visit);
                visit_names(c, visit);
            }
            visit_names(otherwise, visit);
        }
    }
}
