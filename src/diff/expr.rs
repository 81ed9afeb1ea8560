//! Formulas compared by meaning and shown in the canonical spelling.
//!
//! [`key`] writes what an expression means with every reference by name, so
//! two versions' formulas compare equal however their ids are numbered and
//! however they are laid out. [`text`] is the formula as `ras fmt` prints it.

use super::Version;
use crate::model::{Expr, ExprId, Model, Subject};
use std::fmt::Write as _;

/// What the expression means, with names in place of ids.
pub(super) fn key(m: &Model, e: ExprId) -> String {
    let mut out = String::new();
    push_key(m, e, &mut out);
    out
}

fn push_key(m: &Model, e: ExprId, out: &mut String) {
    let Some(expr) = m.exprs.get(e as usize) else {
        out.push('?');
        return;
    };
    let child = |out: &mut String, id: ExprId| {
        out.push(' ');
        push_key(m, id, out);
    };
    out.push('(');
    match expr {
        Expr::Number { value } => {
            let _ = write!(out, "num {}", value.normalize());
        }
        Expr::Bool { value } => {
            let _ = write!(out, "bool {value}");
        }
        Expr::Answer { question, slot } => {
            let q = m.questions.get(*question as usize);
            let unit = q.and_then(|q| match &q.kind {
                crate::model::QuestionKind::Choice { units, .. } => units.get(*slot as usize),
                _ => None,
            });
            let _ = write!(
                out,
                "answer {} {}",
                q.map_or("?", |q| q.id.as_str()),
                unit.map_or("", |u| u.symbol())
            );
        }
        Expr::Parameter { parameter } => {
            let name = m.parameters.get(*parameter as usize).map(|p| p.id.as_str());
            let _ = write!(out, "parameter {}", name.unwrap_or("?"));
        }
        Expr::Step { step } => {
            let name = m.steps.get(*step as usize).map(|s| s.id.as_str());
            let _ = write!(out, "step {}", name.unwrap_or("?"));
        }
        Expr::Flag { flag } => {
            let name = m.flags.get(*flag as usize).map(|f| f.id.as_str());
            let _ = write!(out, "flag {}", name.unwrap_or("?"));
        }
        Expr::PlanCost => out.push_str("plan_cost"),
        Expr::Neg { value } => {
            out.push_str("neg");
            child(out, *value);
        }
        Expr::Not { value } => {
            out.push_str("not");
            child(out, *value);
        }
        Expr::Abs { value } => {
            out.push_str("abs");
            child(out, *value);
        }
        Expr::Arith { arith, left, right } => {
            let _ = write!(out, "{arith:?}");
            child(out, *left);
            child(out, *right);
        }
        Expr::PercentOf { percent, value } => {
            out.push_str("percent_of");
            child(out, *percent);
            child(out, *value);
        }
        Expr::Compare {
            compare,
            left,
            right,
        } => {
            let _ = write!(out, "{compare:?}");
            child(out, *left);
            child(out, *right);
        }
        Expr::And { left, right } => {
            out.push_str("and");
            child(out, *left);
            child(out, *right);
        }
        Expr::Or { left, right } => {
            out.push_str("or");
            child(out, *left);
            child(out, *right);
        }
        Expr::Min { values } | Expr::Max { values } => {
            out.push_str(if matches!(expr, Expr::Min { .. }) {
                "min"
            } else {
                "max"
            });
            values.iter().for_each(|v| child(out, *v));
        }
        Expr::Count { conditions } => {
            out.push_str("count");
            conditions.iter().for_each(|v| child(out, *v));
        }
        Expr::Round { value, rounding } => {
            let _ = write!(out, "round {:?} {:?}", rounding.to, rounding.mode);
            child(out, *value);
        }
        Expr::Band { band, value } => {
            let name = m.bands.get(*band as usize).map(|b| b.id.as_str());
            let _ = write!(out, "band {}", name.unwrap_or("?"));
            child(out, *value);
        }
        Expr::Total { kind, terms } => {
            let _ = write!(out, "total {}", kind.keyword());
            for t in terms {
                let name = m.questions.get(t.question as usize).map(|q| q.id.as_str());
                let _ = write!(out, " {}*{}", name.unwrap_or("?"), t.weight.normalize());
            }
        }
        Expr::CodeIn {
            subject,
            codes,
            negated,
        } => {
            let (what, names): (String, Vec<&str>) = match subject {
                Subject::Question(q) => {
                    let q = m.questions.get(*q as usize);
                    let names = codes
                        .iter()
                        .map(|c| match q.map(|q| &q.kind) {
                            Some(crate::model::QuestionKind::Choice { options, .. }) => {
                                options.get(*c as usize).map_or("?", |o| o.code.as_str())
                            }
                            _ if *c == 1 => "yes",
                            _ => "no",
                        })
                        .collect();
                    (q.map_or("?".into(), |q| q.id.clone()), names)
                }
                Subject::Cohort => (
                    "cohort".into(),
                    codes
                        .iter()
                        .map(|c| m.cohorts.get(*c as usize).map_or("?", |c| c.id.as_str()))
                        .collect(),
                ),
                Subject::Attribute(a) => {
                    let a = m.attributes.get(*a as usize);
                    let names = codes
                        .iter()
                        .map(|c| {
                            a.and_then(|a| a.values.get(*c as usize))
                                .map_or("?", |v| v.code.as_str())
                        })
                        .collect();
                    (a.map_or("?".into(), |a| a.id.clone()), names)
                }
            };
            let mut names = names;
            names.sort_unstable();
            let _ = write!(out, "in {what} {negated} {}", names.join(" "));
        }
        Expr::Choose { choices, otherwise } => {
            out.push_str("choose");
            for (c, v) in choices {
                child(out, *c);
                child(out, *v);
            }
            child(out, *otherwise);
        }
    }
    out.push(')');
}

/// Whether two versions' formulas are the same policy. A formula whose text
/// is the same in both is unchanged even when what its names refer to changed
/// (`total points` over a new question): that change is listed where the
/// names are declared.
pub(super) fn same(old: &Version, a: ExprId, new: &Version, b: ExprId) -> bool {
    key(old.model(), a) == key(new.model(), b) || text(old, a) == text(new, b)
}

/// The formula as `ras fmt` prints it, on one line.
pub(super) fn text(v: &Version, e: ExprId) -> String {
    let Some(span) = v.spans.exprs.get(e as usize) else {
        return String::from("?");
    };
    let written = v.canonical.get(span.start..span.end).unwrap_or("?");
    let mut words: Vec<&str> = Vec::new();
    for piece in crate::syntax::scan::pieces(written) {
        if piece.kind != crate::syntax::scan::PieceKind::Comment {
            if let Some(t) = written.get(piece.span.start..piece.span.end) {
                words.extend(t.split_whitespace());
            }
        }
    }
    words
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace("[ ", "[")
        .replace(" ]", "]")
}
