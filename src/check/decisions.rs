//! Answer checks, eligibility requirements and the approval route: the
//! conditions that decide whether and how a case gets a figure.

use super::expr::{Context, Declared, Lowered, Resolver};
use super::names::{did_you_mean, Symbol};
use super::symbols::{Findings, Symbols};
use super::Ty;
use crate::diag::{codes, Diagnostic};
use crate::model;
use crate::plan::RouteProblem;
use crate::syntax::ast;
use crate::syntax::Span;

/// The answer checks, with where each is declared. Reads the step types,
/// as every pass after the steps does: a condition may compare a step.
pub(super) fn answer_checks(
    sym: &Symbols,
    m: &Declared,
    step_types: &[Ty],
    out: &mut Lowered,
) -> (Vec<model::AnswerCheck>, Vec<Span>, Findings) {
    let mut r = Resolver::new(sym, m, step_types.into(), out);
    let (checks, spans) = r.answer_checks();
    (checks, spans, r.found)
}

/// The eligibility requirements, with where each is written.
pub(super) fn eligibility(
    sym: &Symbols,
    m: &Declared,
    step_types: &[Ty],
    out: &mut Lowered,
) -> (Vec<model::Requirement>, Vec<Span>, Findings) {
    let mut r = Resolver::new(sym, m, step_types.into(), out);
    let (requirements, spans) = r.eligibility();
    (requirements, spans, r.found)
}

/// The approval route, if the file has one, with where its rules are.
pub(super) fn route(
    sym: &Symbols,
    m: &Declared,
    step_types: &[Ty],
    out: &mut Lowered,
) -> (Option<(model::Route, model::spans::RouteSpans)>, Findings) {
    let mut r = Resolver::new(sym, m, step_types.into(), out);
    let route = r.route();
    (route, r.found)
}

impl<'a> Resolver<'_, '_, 'a> {
    fn answer_checks(&mut self) -> (Vec<model::AnswerCheck>, Vec<Span>) {
        let mut checks = Vec::new();
        let mut spans = Vec::new();
        for &(item, c) in &self.sym.decls.checks {
            let when = self.condition(
                &c.when,
                Context::Condition { item },
                "an answer check's condition",
            );
            spans.push(c.id.span);
            checks.push(model::AnswerCheck {
                id: c.id.name.clone(),
                message: c.message.text.clone(),
                action: c.action,
                when,
            });
        }
        (checks, spans)
    }

    fn eligibility(&mut self) -> (Vec<model::Requirement>, Vec<Span>) {
        let mut requirements = Vec::new();
        let mut spans = Vec::new();
        let blocks = &self.sym.decls.eligibility;
        if let Some((_, second)) = blocks.get(1) {
            let diag = Diagnostic::new(
                codes::DUPLICATE_DECLARATION,
                "the file has more than one `eligibility` block",
            )
            .label(second.keyword, "second block")
            .label(blocks[0].1.keyword, "first block")
            .hint("put every requirement in one block");
            self.error(diag);
        }
        for &(item, block) in blocks {
            for r in &block.requirements {
                let condition =
                    self.condition(&r.condition, Context::Condition { item }, "a requirement");
                let reason = self.reason_parts(&r.reason);
                spans.push(r.span);
                requirements.push(model::Requirement { condition, reason });
            }
        }
        (requirements, spans)
    }

    /// Splits a reason sentence at `{step}` references.
    fn reason_parts(&mut self, text: &ast::Text) -> Vec<model::ReasonPart> {
        let mut parts = Vec::new();
        let mut rest = text.text.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            if open > 0 {
                parts.push(model::ReasonPart::Text(rest[..open].to_string()));
            }
            let written = &rest[open..=close];
            let name = rest[open + 1..close].trim();
            match self.sym.names.get(name) {
                Some(Symbol::Step(s)) => parts.push(model::ReasonPart::Step(s)),
                _ => {
                    let steps: Vec<&str> = self
                        .sym
                        .decls
                        .steps
                        .iter()
                        .map(|(_, s)| s.id().name.as_str())
                        .collect();
                    let hint = match did_you_mean(name, steps.iter().copied()) {
                        Some(s) => format!("did you mean `{{{s}}}`?"),
                        None => "`{name}` in a reason inserts the value of a step".to_string(),
                    };
                    // Point at `{name}` itself when it is written as is.
                    let at = self
                        .sym
                        .text(text.span)
                        .find(written)
                        .map(|k| {
                            Span::new(text.span.start + k, text.span.start + k + written.len())
                        })
                        .unwrap_or(text.span);
                    let diag = Diagnostic::new(
                        codes::UNKNOWN_NAME,
                        format!("the reason refers to `{name}`, which is not a step"),
                    )
                    .label(at, "not a step")
                    .hint(hint);
                    self.error(diag);
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(model::ReasonPart::Text(rest.to_string()));
        }
        parts
    }

    fn route(&mut self) -> Option<(model::Route, model::spans::RouteSpans)> {
        let routes = &self.sym.decls.routes;
        if let Some((_, second)) = routes.get(1) {
            let diag = Diagnostic::new(
                codes::DUPLICATE_DECLARATION,
                "the file has more than one `route`",
            )
            .label(second.id.span, "second route")
            .label(routes[0].1.id.span, "first route")
            .hint("one route decides who approves the costed plan; put every rule in it");
            self.error(diag);
        }
        let (item, r) = routes.first().copied()?;
        let mut rules = Vec::new();
        let mut rule_spans = Vec::new();
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for rule in &r.rules {
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == rule.id.name) {
                let diag = Diagnostic::new(
                    codes::DUPLICATE_NAME,
                    format!("the route `{}` is listed twice", rule.id.name),
                )
                .label(rule.id.span, "second")
                .label(*first, "first");
                self.error(diag);
            }
            seen.push((&rule.id.name, rule.id.span));
            let when = rule
                .when
                .as_ref()
                .map(|w| self.condition(w, Context::Route { item }, "a route's condition"));
            rules.push(model::RouteRule {
                id: rule.id.name.clone(),
                text: rule.text.text.clone(),
                when,
            });
            rule_spans.push(rule.span);
        }
        let route = model::Route {
            id: r.id.name.clone(),
            label: r.label.as_ref().map(|t| t.text.clone()),
            rules,
        };
        for problem in crate::plan::route_problems(&route) {
            match problem {
                RouteProblem::NoOtherwise => self.route_without_otherwise(r),
            }
        }
        let spans = model::spans::RouteSpans {
            name: r.id.span,
            rules: rule_spans,
        };
        Some((route, spans))
    }

    /// A route whose last rule has a condition: a costed plan that matches no
    /// rule would get no route, and nobody would be told who approves it.
    fn route_without_otherwise(&mut self, r: &ast::Route) {
        let at = r.rules.last().map_or(r.id.span, |rule| rule.span);
        let diag = Diagnostic::new(
            codes::ROUTE_WITHOUT_OTHERWISE,
            format!(
                "the route `{}` does not end with an `otherwise` rule",
                r.id.name
            ),
        )
        .label(at, "a costed plan that matches no rule gets no route")
        .hint(
            "end the route with a rule for every other case, e.g. \
             `authorise \"The plan can be authorised\" otherwise`",
        );
        self.error(diag);
    }
}
