//! Function calls and band lookups: `min`, `max`, `abs`, `count`, `points(q)`, `band(x)`.

use super::expr::Resolver;
use super::expr::{Context, FUNCTIONS};
use super::names::{did_you_mean, list_codes, Symbol};
use super::{index, Ty};
use crate::diag::{codes, Diagnostic};
use crate::model::{Expr, ExprId};
use crate::syntax::ast::{self, BinaryOp, ExprKind, ValueKind};
use crate::syntax::Span;
use crate::units::Unit;

impl<'a> Resolver<'_, '_, 'a> {
    pub(super) fn call(
        &mut self,
        f: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
        ctx: Context,
    ) -> (ExprId, Ty) {
        let name = f.name.as_str();
        if let Some(kind) = ValueKind::from_keyword(name) {
            if let [ast::Expr {
                kind: ExprKind::Name(q),
                span: qs,
            }] = args
            {
                if let Some(Symbol::Question(id)) = self.sym.names.get(q) {
                    self.refer(q, *qs, Some(index::Target::Question(id)));
                    return self.question_value(id, Some(kind), *qs);
                }
            }
            self.resolve_all(args, ctx);
            let diag = Diagnostic::new(
                codes::WRONG_ARGUMENTS,
                format!("`{name}(…)` takes one question"),
            )
            .label(span, "not a single question")
            .hint(format!(
                "e.g. `{name}(nutrition)`; to add up a domain write `total {name} in …`"
            ));
            self.error(diag);
            return self.poisoned();
        }
        match name {
            "min" | "max" => {
                if args.is_empty() {
                    return self.arity(f, args, span, ctx, "at least one value");
                }
                let mut ids = Vec::new();
                let mut unit: Option<(Unit, &ast::Expr)> = None;
                let mut ok = true;
                for arg in args {
                    let (id, u) = self.quantity(arg, ctx, &format!("each value of `{name}`"));
                    ids.push(id);
                    match (u, unit) {
                        (Some(u), None) => unit = Some((u, arg)),
                        (Some(u), Some((first, fe))) if u != first => {
                            self.mismatch(BinaryOp::Lt, fe, first, arg, u);
                            ok = false;
                        }
                        (None, _) => ok = false,
                        _ => {}
                    }
                }
                let node = if name == "min" {
                    Expr::Min { values: ids }
                } else {
                    Expr::Max { values: ids }
                };
                let ty = if ok {
                    unit.map(|(u, _)| Ty::Quantity(u)).unwrap_or(Ty::Unknown)
                } else {
                    Ty::Unknown
                };
                let id = self.push(node);
                if name == "min" && ty == Ty::Quantity(Unit::Money) {
                    self.money_cap(args, f.span, ctx);
                }
                (id, ty)
            }
            "abs" => {
                let [x] = args else {
                    return self.arity(f, args, span, ctx, "one value");
                };
                let (id, u) = self.quantity(x, ctx, "what `abs` applies to");
                (
                    self.push(Expr::Abs { value: id }),
                    u.map(Ty::Quantity).unwrap_or(Ty::Unknown),
                )
            }
            "count" => {
                if args.is_empty() {
                    return self.arity(f, args, span, ctx, "at least one condition");
                }
                let ids = args
                    .iter()
                    .map(|a| self.condition(a, ctx, "each condition counted"))
                    .collect();
                (
                    self.push(Expr::Count { conditions: ids }),
                    Ty::Quantity(Unit::Number),
                )
            }
            _ => match self.sym.names.get(name) {
                Some(Symbol::Band(b)) => {
                    self.refer(name, f.span, Some(index::Target::Band(b)));
                    let [x] = args else {
                        return self.arity(f, args, span, ctx, "one value to look up");
                    };
                    let (id, u) = self.quantity(x, ctx, "the value looked up");
                    let (on, unit) = match self.m.bands.get(b as usize) {
                        Some(band) => (band.on, band.unit),
                        None => return self.poisoned(),
                    };
                    if let Some(u) = u {
                        if u != on {
                            let diag = Diagnostic::new(
                                codes::UNIT_MISMATCH,
                                format!(
                                    "`{name}` is looked up on {}, but this is {}",
                                    on.describe(),
                                    u.describe()
                                ),
                            )
                            .label(x.span, format!("this is {}", u.describe()))
                            .hint(format!(
                                "look `{name}` up with an amount in {}; convert first, e.g. points times a price per point gives money",
                                on.symbol()
                            ));
                            let diag = match self.sym.decls.bands.get(b as usize) {
                                Some((_, band)) => diag
                                    .label(band.on_span, format!("looked up on {}", on.describe())),
                                None => diag,
                            };
                            self.error(diag);
                        }
                    }
                    (
                        self.push(Expr::Band { band: b, value: id }),
                        Ty::Quantity(unit),
                    )
                }
                Some(other) => {
                    // The name is used, wrongly: no "never used" warning on top.
                    match other {
                        Symbol::Parameter(p) => {
                            if let Some(u) = self.out.used_parameters.get_mut(p as usize) {
                                *u = true;
                            }
                        }
                        Symbol::Question(q) => {
                            if let Some(u) = self.out.used_questions.get_mut(q as usize) {
                                *u = true;
                            }
                        }
                        _ => {}
                    }
                    self.resolve_all(args, ctx);
                    let diag = Diagnostic::new(
                        codes::UNKNOWN_FUNCTION,
                        format!("`{name}` is a {}, not something to look up", other.kind()),
                    )
                    .label(f.span, "not a function or band table")
                    .hint(match other {
                        Symbol::Parameter(_) | Symbol::Step(_) => format!(
                            "use `{name}` by its name, e.g. `… * {name}`; a value that depends on ranges of another is a `bands` table"
                        ),
                        _ => format!("functions are {}", list_codes(FUNCTIONS.iter().copied())),
                    });
                    self.error(diag);
                    self.poisoned()
                }
                None => {
                    self.resolve_all(args, ctx);
                    let bands: Vec<String> = self.m.bands.iter().map(|b| b.id.clone()).collect();
                    let hint = match did_you_mean(
                        name,
                        FUNCTIONS
                            .iter()
                            .copied()
                            .chain(bands.iter().map(String::as_str)),
                    ) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "functions are {}; a band table is looked up as `name(value)`",
                            list_codes(FUNCTIONS.iter().copied())
                        ),
                    };
                    let diag = Diagnostic::new(
                        codes::UNKNOWN_FUNCTION,
                        format!("there is no function or band table called `{name}`"),
                    )
                    .label(f.span, "unknown")
                    .hint(hint);
                    self.error(diag);
                    self.poisoned()
                }
            },
        }
    }

    /// Resolves arguments that cannot be used, for their own errors and so
    /// that what they read counts as used.
    pub(super) fn resolve_all(&mut self, args: &[ast::Expr], ctx: Context) {
        for a in args {
            self.resolve(a, ctx);
        }
    }

    pub(super) fn arity(
        &mut self,
        f: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
        ctx: Context,
        wanted: &str,
    ) -> (ExprId, Ty) {
        self.resolve_all(args, ctx);
        let given = match args.len() {
            0 => "nothing given".to_string(),
            1 => "one value given".to_string(),
            n => format!("{n} values given"),
        };
        let example = match f.name.as_str() {
            "min" | "max" => format!("e.g. `{}(hours - informal_hours, 0 h)`", f.name),
            "abs" => "e.g. `abs(plan_cost - indicative)`, the size of a difference".to_string(),
            "count" => "e.g. `count(nutrition in [2, 3], hygiene is 4)`".to_string(),
            band => format!("e.g. `{band}(gross)`, with the one value to look up"),
        };
        let diag = Diagnostic::new(
            codes::WRONG_ARGUMENTS,
            format!("`{}` takes {wanted}", f.name),
        )
        .label(span, given)
        .hint(example);
        self.error(diag);
        self.poisoned()
    }

    pub(super) fn money_cap(&mut self, args: &[ast::Expr], span: Span, ctx: Context) {
        let Context::Step { item } = ctx else { return };
        let is_deduction = matches!(
            self.sym.file.items.get(item).map(|i| &i.decl),
            Some(ast::Decl::Deduction(_))
        );
        if is_deduction {
            // Limiting a deduction to what it is deducted from is not a ceiling on the budget.
            return;
        }
        let fixed = args.iter().find(|a| match &a.kind {
            ExprKind::Literal(_) => true,
            ExprKind::Name(n) => matches!(self.sym.names.get(n), Some(Symbol::Parameter(_))),
            _ => false,
        });
        if let Some(limit) = fixed {
            let diag = Diagnostic::new(codes::MONEY_CAP, "this caps money at a fixed amount")
                .label(span, "takes the smaller amount: a ceiling")
                .label(limit.span, "the fixed limit")
                .hint("the Care Act forbids arbitrary ceilings on personal budgets; use a flag to prompt a review instead, or acknowledge with `allow money-cap \"reason\"`");
            self.warn(item, diag);
        }
    }
}
