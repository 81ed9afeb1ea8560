//! `ras check --ranges`: the lowest and highest value of every step, as a
//! table for people or as JSON.

use crate::check::ranges::{StepRange, Witness};
use crate::eval::{format_quantity, format_value};
use crate::model::{Model, StepKind};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::fmt::Write;

fn kind(m: &Model, r: &StepRange) -> &'static str {
    match m.steps.get(r.step as usize).map(|s| &s.kind) {
        Some(StepKind::Let { .. }) => "let",
        Some(StepKind::Deduction { .. }) => "deduction",
        Some(StepKind::Output { .. }) => "output",
        None => "",
    }
}

/// One end of a range in words: the bound, and the nearest case found when
/// it does not reach the bound.
fn end(
    bound: Option<Decimal>,
    found: Option<&Witness>,
    unit: crate::units::Unit,
    low: bool,
) -> String {
    let q = |v: Decimal| format_quantity(v, unit);
    match (bound, found) {
        (Some(b), Some(w)) if w.value == b => q(b),
        (Some(b), Some(w)) => format!(
            "{} {} (a case reaches {})",
            if low { "at least" } else { "at most" },
            q(b),
            q(w.value)
        ),
        (Some(b), None) => format!("{} {}", if low { "at least" } else { "at most" }, q(b)),
        (None, Some(w)) => format!("no limit (a case reaches {})", q(w.value)),
        (None, None) => "no limit".to_string(),
    }
}

/// The table for one file, with the case that gives the largest indicative budget.
pub fn table(file: &str, m: &Model, ranges: &[StepRange]) -> String {
    let mut out = format!("{file}: lowest and highest value of each step over all answers\n");
    let width = m.steps.iter().map(|s| s.id.len()).max().unwrap_or(4).max(4);
    let rows: Vec<(String, &str, String, String)> = ranges
        .iter()
        .filter_map(|r| {
            let s = m.steps.get(r.step as usize)?;
            let (lo, hi) = if r.reached {
                (
                    end(r.bounds.lo, r.lowest.as_ref(), s.unit, true),
                    end(r.bounds.hi, r.highest.as_ref(), s.unit, false),
                )
            } else {
                ("no case gets a value".to_string(), String::new())
            };
            Some((s.id.clone(), kind(m, r), lo, hi))
        })
        .collect();
    let lo_width = rows
        .iter()
        .map(|r| r.2.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "  {:width$}  {:9}  {:lo_width$}  highest",
        "step", "kind", "lowest"
    );
    for (name, kind, lo, hi) in rows {
        let line = format!("  {name:width$}  {kind:9}  {lo:lo_width$}  {hi}");
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if let Some(w) = ranges
        .iter()
        .find(|r| r.step == m.indicative)
        .and_then(|r| r.highest.as_ref())
    {
        let _ = writeln!(
            out,
            "  the largest indicative budget found, {}: {}",
            format_quantity(w.value, crate::units::Unit::Money),
            w.describe(m)
        );
    }
    if m.cohorts.iter().any(|c| c.not_validated.is_some()) {
        let _ = writeln!(
            out,
            "  (cohorts not validated give no figure and are left out)"
        );
    }
    out.push('\n');
    out
}

/// The ranges of one file as JSON.
pub fn json(file: &str, m: &Model, ranges: &[StepRange]) -> Value {
    let text = |v: Option<Decimal>, unit| v.map(|d| Value::String(format_value(d, unit)));
    let case = |w: Option<&Witness>, unit| {
        w.map(|w| json!({ "value": format_value(w.value, unit), "case": w.describe(m) }))
    };
    let steps: Vec<Value> = ranges
        .iter()
        .filter_map(|r| {
            let s = m.steps.get(r.step as usize)?;
            Some(json!({
                "name": s.id,
                "kind": kind(m, r),
                "unit": s.unit.symbol(),
                "reached": r.reached,
                "lowest": if r.reached { text(r.bounds.lo, s.unit) } else { None },
                "highest": if r.reached { text(r.bounds.hi, s.unit) } else { None },
                "lowest_case": case(r.lowest.as_ref(), s.unit),
                "highest_case": case(r.highest.as_ref(), s.unit),
            }))
        })
        .collect();
    json!({ "file": file, "steps": steps })
}
