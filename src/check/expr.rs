//! Expressions: names resolved, units and types checked, nodes added to the
//! model (calls and band lookups in `calls`, totals and code tests in `answers`).
//!
//! The passes over calculations and conditions (`order`: steps and flags;
//! `decisions`: answer checks, eligibility, the route) each resolve their
//! expressions with a [`Resolver`]: it reads the symbol table, the parts the
//! declaration passes produced and the step types known so far, and adds
//! nodes to the one expression arena, [`Lowered`], which the passes share
//! because a node's id is its place in the model's list of expressions.

use super::index::{Reference, Target};
use super::names::Symbol;
use super::symbols::{Findings, Symbols};
use super::Ty;
use crate::diag::{codes, Diagnostic};
use crate::model::{self, ArithOp, CompareOp, Expr, ExprId};
use crate::syntax::ast::{self, BinaryOp, ExprKind, LiteralValue, UnaryOp, ValueKind};
use crate::syntax::Span;
use crate::units::Unit;
use rust_decimal::Decimal;

/// Where an expression is written, which decides what it may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// A step's calculation or a deduction's condition.
    Step { item: usize },
    /// A flag's condition.
    Flag { item: usize },
    /// An answer check, eligibility requirement.
    Condition { item: usize },
    /// A route rule: `plan_cost` is known here.
    Route { item: usize },
}

/// What the declaration passes produced that calculations read: the
/// header's rounding (read by `round`), the cohorts and attributes (codes
/// tested), domains (added up), and the units of questions, parameters and
/// bands.
#[derive(Default)]
pub(crate) struct Declared {
    pub(crate) header: Option<model::Header>,
    pub(crate) cohorts: Vec<model::Cohort>,
    pub(crate) attributes: Vec<model::Attribute>,
    pub(crate) domains: Vec<model::Domain>,
    pub(crate) questions: Vec<model::Question>,
    pub(crate) parameters: Vec<model::Parameter>,
    pub(crate) bands: Vec<model::Band>,
}

/// The expression arena and what its nodes read.
#[derive(Default)]
pub(crate) struct Lowered {
    /// The model's expressions; an id is a place in this list.
    pub(crate) exprs: Vec<Expr>,
    /// Where each is written.
    pub(crate) spans: Vec<Span>,
    /// What is read anywhere (also wrongly), for the unused-… warnings.
    pub(crate) used_questions: Vec<bool>,
    pub(crate) used_parameters: Vec<bool>,
    pub(crate) used_domains: Vec<bool>,
    pub(crate) used_attributes: Vec<bool>,
    /// Every use of a name, as checked.
    pub(crate) references: Vec<Reference>,
}

impl Lowered {
    /// An arena for a file's declarations; `domains_named` says which
    /// domains the questions are in.
    pub(crate) fn new(sym: &Symbols, domains_named: Vec<bool>, references: Vec<Reference>) -> Self {
        let d = &sym.decls;
        Lowered {
            exprs: Vec::new(),
            spans: Vec::new(),
            used_questions: vec![false; d.questions.len()],
            used_parameters: vec![false; d.parameters.len()],
            used_domains: domains_named,
            used_attributes: vec![false; d.attributes.len()],
            references,
        }
    }
}

/// Resolves the expressions of one pass.
pub(crate) struct Resolver<'r, 's, 'a> {
    pub(crate) sym: &'s Symbols<'a>,
    pub(crate) m: &'r Declared,
    /// The unit of each step typed so far: written only by the pass over
    /// steps, in dependency order, so a step is typed before it is read.
    pub(crate) step_types: std::borrow::Cow<'r, [Ty]>,
    pub(crate) out: &'r mut Lowered,
    pub(crate) found: Findings,
}

impl<'r, 's, 'a> Resolver<'r, 's, 'a> {
    pub(crate) fn new(
        sym: &'s Symbols<'a>,
        m: &'r Declared,
        step_types: std::borrow::Cow<'r, [Ty]>,
        out: &'r mut Lowered,
    ) -> Self {
        Resolver {
            sym,
            m,
            step_types,
            out,
            found: Findings::default(),
        }
    }

    pub(crate) fn error(&mut self, diag: Diagnostic) {
        self.found.error(diag);
    }

    pub(crate) fn warn(&mut self, item: usize, diag: Diagnostic) {
        self.found.warn(item, diag);
    }

    /// Notes a use of a name and what it refers to.
    pub(crate) fn refer(&mut self, name: &str, span: Span, to: Option<Target>) {
        self.out.references.push(Reference {
            name: name.to_string(),
            span,
            to,
        });
    }
}

pub(super) const FUNCTIONS: &[&str] = &[
    "round", "min", "max", "abs", "count", "points", "hours", "sessions", "nights", "money",
];

impl<'a> Resolver<'_, '_, 'a> {
    pub(super) fn push(&mut self, e: Expr) -> ExprId {
        self.out.exprs.push(e);
        (self.out.exprs.len() - 1) as ExprId
    }

    /// A placeholder node for an expression whose error is already reported.
    pub(super) fn poisoned(&mut self) -> (ExprId, Ty) {
        (
            self.push(Expr::Number {
                value: Decimal::ZERO,
            }),
            Ty::Unknown,
        )
    }

    /// Resolves an expression that must be a condition.
    pub(crate) fn condition(&mut self, e: &ast::Expr, ctx: Context, what: &str) -> ExprId {
        let (id, ty) = self.resolve(e, ctx);
        if let Ty::Quantity(u) = ty {
            let diag = Diagnostic::new(
                codes::TYPE_MISMATCH,
                format!("{what} must be true or false, but this is {}", u.describe()),
            )
            .label(e.span, format!("this is {}", u.describe()))
            .hint("compare it with something, e.g. `indicative > £650`");
            self.error(diag);
        }
        id
    }

    /// Resolves an expression that must be an amount.
    pub(super) fn quantity(
        &mut self,
        e: &ast::Expr,
        ctx: Context,
        what: &str,
    ) -> (ExprId, Option<Unit>) {
        let (id, ty) = self.resolve(e, ctx);
        match ty {
            Ty::Quantity(u) => (id, Some(u)),
            Ty::Bool => {
                let diag = Diagnostic::new(
                    codes::TYPE_MISMATCH,
                    format!("{what} must be an amount, but this is a condition"),
                )
                .label(e.span, "true or false")
                .hint("use `choose { … }` to turn a condition into an amount");
                self.error(diag);
                (id, None)
            }
            Ty::Unknown => (id, None),
        }
    }

    /// Resolves an expression to a model node and its type, and notes where
    /// the node is written.
    pub(crate) fn resolve(&mut self, e: &ast::Expr, ctx: Context) -> (ExprId, Ty) {
        let (id, ty) = self.resolve_kind(e, ctx);
        let at = &mut self.out.spans;
        // Nodes are pushed children first, so a node's own text is the last
        // set on it; a node made without an expression of its own (a
        // placeholder) keeps the span of the expression that made it.
        if at.len() < self.out.exprs.len() {
            at.resize(self.out.exprs.len(), e.span);
        }
        if let Some(slot) = at.get_mut(id as usize) {
            *slot = e.span;
        }
        (id, ty)
    }

    pub(super) fn resolve_kind(&mut self, e: &ast::Expr, ctx: Context) -> (ExprId, Ty) {
        match &e.kind {
            ExprKind::Literal(LiteralValue::Quantity(v, u)) => {
                (self.push(Expr::Number { value: *v }), Ty::Quantity(*u))
            }
            ExprKind::Literal(LiteralValue::Bool(b)) => {
                (self.push(Expr::Bool { value: *b }), Ty::Bool)
            }
            ExprKind::Literal(LiteralValue::Date(_)) => {
                let diag = Diagnostic::new(codes::TYPE_MISMATCH, "a date cannot be used in a calculation")
                    .label(e.span, "a date")
                    .hint("dates belong in parameters (`from 2024-04-01 …`) and tests (`given assessed …`)");
                self.error(diag);
                self.poisoned()
            }
            ExprKind::Name(name) => self.name(name, e.span, ctx),
            ExprKind::Unary(UnaryOp::Neg, x) => {
                let (id, u) = self.quantity(x, ctx, "what `-` applies to");
                let node = self.push(Expr::Neg { value: id });
                (node, u.map(Ty::Quantity).unwrap_or(Ty::Unknown))
            }
            ExprKind::Unary(UnaryOp::Not, x) => {
                let id = self.condition(x, ctx, "what `not` applies to");
                (self.push(Expr::Not { value: id }), Ty::Bool)
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, e.span, ctx),
            ExprKind::Call(f, args) => self.call(f, args, e.span, ctx),
            ExprKind::Round(x, rule) => {
                let (id, u) = self.quantity(x, ctx, "what `round` applies to");
                let header =
                    self.m
                        .header
                        .as_ref()
                        .map(|h| h.rounding)
                        .unwrap_or(model::Rounding {
                            to: ast::RoundTo::Penny,
                            mode: ast::RoundMode::HalfUp,
                        });
                let rounding = match rule {
                    Some(r) => model::Rounding {
                        to: r.to,
                        mode: r.mode.unwrap_or(header.mode),
                    },
                    None => header,
                };
                (
                    self.push(Expr::Round {
                        value: id,
                        rounding,
                    }),
                    u.map(Ty::Quantity).unwrap_or(Ty::Unknown),
                )
            }
            ExprKind::Total {
                weighted,
                kind,
                domains,
            } => self.total(*weighted, *kind, domains, e.span),
            ExprKind::CodeTest {
                subject,
                negated,
                codes,
            } => self.code_test(subject, *negated, codes),
            ExprKind::Choose { choices, otherwise } => self.choose(choices, otherwise, ctx),
        }
    }

    pub(super) fn name(&mut self, name: &str, span: Span, ctx: Context) -> (ExprId, Ty) {
        if name == "plan_cost" {
            if !matches!(ctx, Context::Route { .. }) {
                let diag = Diagnostic::new(codes::PLAN_COST_OUTSIDE_ROUTE, "`plan_cost` can only be used in the approval route")
                    .label(span, "the costed plan is not known here")
                    .hint("the indicative budget comes before the costed plan; compare them in `route … { … }`");
                self.error(diag);
            }
            return (self.push(Expr::PlanCost), Ty::Quantity(Unit::Money));
        }
        if name == "cohort" {
            let diag = Diagnostic::new(codes::TYPE_MISMATCH, "`cohort` is tested, not calculated with")
                .label(span, "the case's cohort")
                .hint("write `cohort is older_people` or `cohort in [older_people, working_age]`; a value that differs by cohort is a `parameter … by cohort`");
            self.error(diag);
            return self.poisoned();
        }
        let (id, ty) = self.symbol_value(name, span);
        if self.sym.names.is_duplicated(name) {
            // Declared twice (already reported): which one is meant is unknown,
            // so its unit is too; this avoids a cascade of unit errors.
            return (id, Ty::Unknown);
        }
        (id, ty)
    }

    /// The value of a declared name (not `plan_cost` or `cohort`).
    pub(super) fn symbol_value(&mut self, name: &str, span: Span) -> (ExprId, Ty) {
        let symbol = self.sym.names.get(name);
        self.refer(name, span, symbol.map(Into::into));
        match symbol {
            Some(Symbol::Question(q)) => self.question_value(q, None, span),
            Some(Symbol::Parameter(p)) => {
                if let Some(u) = self.out.used_parameters.get_mut(p as usize) {
                    *u = true;
                }
                let unit = self.m.parameters.get(p as usize).map(|x| x.unit);
                if let Some(model::ParameterKey::Attribute(a)) =
                    self.m.parameters.get(p as usize).map(|x| x.key)
                {
                    if let Some(u) = self.out.used_attributes.get_mut(a as usize) {
                        *u = true;
                    }
                }
                (
                    self.push(Expr::Parameter { parameter: p }),
                    unit.map(Ty::Quantity).unwrap_or(Ty::Unknown),
                )
            }
            Some(Symbol::Step(s)) => {
                let ty = self
                    .step_types
                    .get(s as usize)
                    .copied()
                    .unwrap_or(Ty::Unknown);
                (self.push(Expr::Step { step: s }), ty)
            }
            Some(Symbol::Flag(f)) => (self.push(Expr::Flag { flag: f }), Ty::Bool),
            Some(Symbol::Band(_)) => {
                let diag = Diagnostic::new(
                    codes::TYPE_MISMATCH,
                    format!("`{name}` is a band table; look a value up in it"),
                )
                .label(span, "a band table")
                .hint(format!("write `{name}(gross)` with the value to look up"));
                self.error(diag);
                self.poisoned()
            }
            Some(Symbol::Attribute(_)) => {
                let diag = Diagnostic::new(codes::TYPE_MISMATCH, format!("`{name}` is a case attribute; test its value"))
                    .label(span, "a case attribute")
                    .hint(format!("write `{name} is …`; a value that differs by {name} is a `parameter … by {name}`"));
                self.error(diag);
                self.poisoned()
            }
            None => {
                self.unknown_name(name, span);
                self.poisoned()
            }
        }
    }

    pub(crate) fn unknown_name(&mut self, name: &str, span: Span) {
        let diag = unknown_name(self.sym, name, span);
        self.error(diag);
    }

    /// The value of a question's answer; `kind` picks one of several values.
    pub(super) fn question_value(
        &mut self,
        q: u32,
        kind: Option<ValueKind>,
        span: Span,
    ) -> (ExprId, Ty) {
        if let Some(u) = self.out.used_questions.get_mut(q as usize) {
            *u = true;
        }
        let Some(question) = self.m.questions.get(q as usize) else {
            return self.poisoned();
        };
        let id = question.id.as_str();
        match &question.kind {
            model::QuestionKind::Number { unit, .. } => {
                let unit = *unit;
                if let Some(k) = kind {
                    if k.unit() != unit {
                        let diag = Diagnostic::new(
                            codes::UNIT_MISMATCH,
                            format!(
                                "`{id}` is answered in {}, not {}",
                                unit.describe(),
                                k.unit().describe()
                            ),
                        )
                        .label(span, format!("this is {}", unit.describe()));
                        self.error(diag);
                    }
                }
                (
                    self.push(Expr::Answer {
                        question: q,
                        slot: 0,
                    }),
                    Ty::Quantity(unit),
                )
            }
            model::QuestionKind::YesNo { .. } => {
                let diag = Diagnostic::new(
                    codes::TYPE_MISMATCH,
                    format!("`{id}` is a yes/no question; test its answer"),
                )
                .label(span, "yes or no")
                .hint(format!("write `{id} is yes`"));
                self.error(diag);
                self.poisoned()
            }
            model::QuestionKind::Choice { units, .. } => {
                let units = units.as_slice();
                let slot = match kind {
                    Some(k) => units.iter().position(|u| *u == k.unit()),
                    None if units.len() == 1 => Some(0),
                    None => None,
                };
                match slot {
                    Some(slot) => {
                        let unit = units.get(slot).copied().unwrap_or(Unit::Number);
                        (
                            self.push(Expr::Answer {
                                question: q,
                                slot: slot as u32,
                            }),
                            Ty::Quantity(unit),
                        )
                    }
                    None => {
                        let message = match (kind, units.is_empty()) {
                            (_, true) => {
                                format!("the options of `{id}` carry no values to calculate with")
                            }
                            (Some(k), false) => {
                                format!("the options of `{id}` carry no {}", k.unit().describe())
                            }
                            (None, false) => format!(
                                "the options of `{id}` carry several values ({}); say which",
                                crate::text::list(units.iter().map(|u| u.symbol()))
                            ),
                        };
                        let hint = if units.is_empty() {
                            format!("test its answer with `{id} is …`, or give each option a value such as `5 pts`")
                        } else {
                            format!("pick one, e.g. `{}({id})`", value_word(units[0]))
                        };
                        let diag = Diagnostic::new(codes::TYPE_MISMATCH, message)
                            .label(span, "which value?")
                            .hint(hint);
                        self.error(diag);
                        self.poisoned()
                    }
                }
            }
        }
    }

    pub(super) fn binary(
        &mut self,
        op: BinaryOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
        ctx: Context,
    ) -> (ExprId, Ty) {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let what = format!("each side of `{}`", op.symbol());
                let l = self.condition(a, ctx, &what);
                let r = self.condition(b, ctx, &what);
                let node = if op == BinaryOp::And {
                    Expr::And { left: l, right: r }
                } else {
                    Expr::Or { left: l, right: r }
                };
                (self.push(node), Ty::Bool)
            }
            BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::Eq
            | BinaryOp::Ne => {
                let (l, lt) = self.resolve(a, ctx);
                let (r, rt) = self.resolve(b, ctx);
                let ordered = !matches!(op, BinaryOp::Eq | BinaryOp::Ne);
                match (lt, rt) {
                    (Ty::Quantity(x), Ty::Quantity(y)) if x != y => self.mismatch(op, a, x, b, y),
                    (Ty::Bool, Ty::Bool) if !ordered => {}
                    (Ty::Bool, _) | (_, Ty::Bool)
                        if !matches!((lt, rt), (Ty::Unknown, _) | (_, Ty::Unknown)) =>
                    {
                        let diag = Diagnostic::new(codes::TYPE_MISMATCH, format!("`{}` compares amounts, not conditions", op.symbol()))
                            .label(span, "a condition on one side")
                            .hint("compare amounts, e.g. `indicative >= £1000`; combine conditions with `and` / `or`");
                        self.error(diag);
                    }
                    _ => {}
                }
                let compare = match op {
                    BinaryOp::Lt => CompareOp::Lt,
                    BinaryOp::Le => CompareOp::Le,
                    BinaryOp::Gt => CompareOp::Gt,
                    BinaryOp::Ge => CompareOp::Ge,
                    BinaryOp::Eq => CompareOp::Eq,
                    _ => CompareOp::Ne,
                };
                (
                    self.push(Expr::Compare {
                        compare,
                        left: l,
                        right: r,
                    }),
                    Ty::Bool,
                )
            }
            BinaryOp::Add | BinaryOp::Sub => {
                let what = if op == BinaryOp::Add {
                    "each side of an addition"
                } else {
                    "each side of a subtraction"
                };
                let (l, lu) = self.quantity(a, ctx, what);
                let (r, ru) = self.quantity(b, ctx, what);
                let arith = if op == BinaryOp::Add {
                    ArithOp::Add
                } else {
                    ArithOp::Sub
                };
                let node = self.push(Expr::Arith {
                    arith,
                    left: l,
                    right: r,
                });
                match (lu, ru) {
                    (Some(x), Some(y)) if x != y => {
                        self.mismatch(op, a, x, b, y);
                        (node, Ty::Unknown)
                    }
                    (Some(x), Some(_)) => (node, Ty::Quantity(x)),
                    _ => (node, Ty::Unknown),
                }
            }
            BinaryOp::Of => {
                let (l, lu) = self.quantity(a, ctx, "the left of `of`");
                let (r, ru) = self.quantity(b, ctx, "the right of `of`");
                if let Some(x) = lu {
                    if x != Unit::Percent {
                        let diag = Diagnostic::new(
                            codes::UNIT_MISMATCH,
                            format!(
                                "`of` takes a percentage on its left, but this is {}",
                                x.describe()
                            ),
                        )
                        .label(a.span, format!("this is {}", x.describe()))
                        .hint("write e.g. `10% of indicative`, or use `*` to multiply");
                        self.error(diag);
                    }
                }
                (
                    self.push(Expr::PercentOf {
                        percent: l,
                        value: r,
                    }),
                    ru.map(Ty::Quantity).unwrap_or(Ty::Unknown),
                )
            }
            BinaryOp::Mul | BinaryOp::Div => {
                let (l, lu) = self.quantity(a, ctx, "each side of `*` or `/`");
                let (r, ru) = self.quantity(b, ctx, "each side of `*` or `/`");
                let (Some(x), Some(y)) = (lu, ru) else {
                    return (
                        self.push(Expr::Arith {
                            arith: ArithOp::Mul,
                            left: l,
                            right: r,
                        }),
                        Ty::Unknown,
                    );
                };
                if op == BinaryOp::Mul {
                    let node = match (x, y) {
                        (Unit::Percent, other) if other != Unit::Number => Expr::PercentOf {
                            percent: l,
                            value: r,
                        },
                        (other, Unit::Percent) if other != Unit::Number => Expr::PercentOf {
                            percent: r,
                            value: l,
                        },
                        _ => Expr::Arith {
                            arith: ArithOp::Mul,
                            left: l,
                            right: r,
                        },
                    };
                    let node = self.push(node);
                    match x.times(y) {
                        Some(u) => (node, Ty::Quantity(u)),
                        None => {
                            self.product_error("multiply", a, x, b, y);
                            (node, Ty::Unknown)
                        }
                    }
                } else {
                    let node = self.push(Expr::Arith {
                        arith: ArithOp::Div,
                        left: l,
                        right: r,
                    });
                    match x.divided_by(y) {
                        Some(u) => (node, Ty::Quantity(u)),
                        None => {
                            self.product_error("divide", a, x, b, y);
                            (node, Ty::Unknown)
                        }
                    }
                }
            }
        }
    }

    pub(super) fn mismatch(
        &mut self,
        op: BinaryOp,
        a: &ast::Expr,
        x: Unit,
        b: &ast::Expr,
        y: Unit,
    ) {
        let verb = match op {
            BinaryOp::Add => "add",
            BinaryOp::Sub => "subtract",
            _ => "compare",
        };
        // A plain number written where an amount is meant: show it with the unit.
        let bare = match (x, y) {
            (Unit::Number, other) if other != Unit::Number => Some((a, other)),
            (other, Unit::Number) if other != Unit::Number => Some((b, other)),
            _ => None,
        };
        let hint = match bare {
            Some((
                ast::Expr {
                    kind: ExprKind::Literal(LiteralValue::Quantity(v, _)),
                    ..
                },
                unit,
            )) => format!(
                "write the number with its unit, e.g. `{}`",
                super::decls::show(*v, unit)
            ),
            _ => "convert one side first, e.g. points times a price per point gives money"
                .to_string(),
        };
        let diag = Diagnostic::new(
            codes::UNIT_MISMATCH,
            format!("cannot {verb} {} and {}", x.describe(), y.describe()),
        )
        .label(a.span, format!("this is {}", x.describe()))
        .label(b.span, format!("this is {}", y.describe()))
        .hint(hint);
        self.error(diag);
    }

    pub(super) fn product_error(
        &mut self,
        verb: &str,
        a: &ast::Expr,
        x: Unit,
        b: &ast::Expr,
        y: Unit,
    ) {
        let diag = Diagnostic::new(codes::UNIT_MISMATCH, format!("cannot {verb} {} by {}", x.describe(), y.describe()))
            .label(a.span, format!("this is {}", x.describe()))
            .label(b.span, format!("this is {}", y.describe()))
            .hint("points times a price per point (£/pt) gives money; hours times an hourly rate (£/h) gives money");
        self.error(diag);
    }

    pub(super) fn choose(
        &mut self,
        choices: &[(ast::Expr, ast::Expr)],
        otherwise: &ast::Expr,
        ctx: Context,
    ) -> (ExprId, Ty) {
        let mut pairs = Vec::new();
        let mut unit: Option<(Unit, Span)> = None;
        let mut ok = true;
        let mut check_unit =
            |this: &mut Self, u: Option<Unit>, span: Span, unit: &mut Option<(Unit, Span)>| match (
                u, *unit,
            ) {
                (Some(u), None) => *unit = Some((u, span)),
                (Some(u), Some((first, fs))) if u != first => {
                    let diag = Diagnostic::new(
                        codes::UNIT_MISMATCH,
                        format!("the choices mix {} and {}", first.describe(), u.describe()),
                    )
                    .label(span, format!("this is {}", u.describe()))
                    .label(fs, format!("this is {}", first.describe()))
                    .hint("every choice gives a value in the same unit");
                    this.error(diag);
                    ok = false;
                }
                (None, _) => ok = false,
                _ => {}
            };
        for (value, cond) in choices {
            let c = self.condition(cond, ctx, "a choice's condition");
            let (v, u) = self.quantity(value, ctx, "a choice's value");
            check_unit(self, u, value.span, &mut unit);
            pairs.push((c, v));
        }
        let (o, u) = self.quantity(otherwise, ctx, "the `otherwise` value");
        check_unit(self, u, otherwise.span, &mut unit);
        let ty = if ok {
            unit.map(|(u, _)| Ty::Quantity(u)).unwrap_or(Ty::Unknown)
        } else {
            Ty::Unknown
        };
        (
            self.push(Expr::Choose {
                choices: pairs,
                otherwise: o,
            }),
            ty,
        )
    }
}

/// A name declared nowhere, with the closest declared name as a hint.
pub(crate) fn unknown_name(sym: &Symbols, name: &str, span: Span) -> Diagnostic {
    let hint = if sym.domain_names.get(name).is_some() {
        format!("`{name}` is a domain; add up its questions with `total points in {name}`")
    } else if let Some(s) = sym.suggest_name(name) {
        format!("did you mean `{s}`?")
    } else {
        "declare it as a question, parameter, step or flag".to_string()
    };
    Diagnostic::new(
        codes::UNKNOWN_NAME,
        format!("`{name}` is not declared in this file"),
    )
    .label(span, "unknown name")
    .hint(hint)
}

/// The accessor word for a unit's values.
pub(super) fn value_word(unit: Unit) -> &'static str {
    match unit {
        Unit::Hours => "hours",
        Unit::Sessions => "sessions",
        Unit::Nights => "nights",
        Unit::Money => "money",
        _ => "points",
    }
}
