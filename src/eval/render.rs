//! A short human-readable block for `ras eval`: the policy, the case,
//! eligibility, each step with its line and formula, outputs, flags, route.

use super::result::{format_quantity, EvalResult, Status};
use super::trace::TraceEntry;
use std::fmt::Write;

/// Renders a result for people (plain text, no colour).
pub fn render_human(r: &EvalResult) -> String {
    let mut out = String::new();
    let p = &r.policy;
    let short: String = p.fingerprint.chars().take(12).collect();
    let _ = writeln!(
        out,
        "Policy:   {} — {}, version {} ({short})",
        p.title, p.council, p.version
    );
    let case = r.case_id.as_deref().unwrap_or("(no id)");
    let cohort = r.cohort.as_deref().unwrap_or("no cohort");
    let mut date = r.assessed.map_or("no assessment date".to_string(), |d| {
        format!("assessed {d}")
    });
    if let Some(d) = r.as_of {
        date.push_str(&format!(", rates as of {d}"));
    }
    let _ = writeln!(out, "Case:     {case} ({cohort}, {date})");
    status(&mut out, r);
    steps(&mut out, r);
    if !r.outputs.is_empty() {
        let _ = writeln!(out, "Outputs:");
        let width = r
            .outputs
            .iter()
            .map(|(n, _)| width_of(n))
            .max()
            .unwrap_or(0);
        for (name, q) in r.outputs.iter() {
            let label = output_label(r, name)
                .map(|l| format!("  {l}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {} = {q}{label}", padded(name, width));
        }
    }
    if r.status == Status::Ok {
        let raised: Vec<&str> = r
            .flags
            .iter()
            .filter(|(_, v)| **v)
            .map(|(n, _)| n)
            .collect();
        if raised.is_empty() {
            let _ = writeln!(out, "Flags:    none raised");
        } else {
            let _ = writeln!(out, "Flags:");
            for name in raised {
                let _ = writeln!(out, "  {name}: {}", flag_text(r, name).unwrap_or_default());
            }
        }
        let traced = r.trace.iter().find_map(|e| match e {
            TraceEntry::Route {
                route,
                text,
                plan_cost,
                line,
                ..
            } => Some((route, text, plan_cost, line)),
            _ => None,
        });
        match traced {
            Some((Some(route), text, _, line)) => {
                let text = text.as_deref().unwrap_or_default();
                let _ = writeln!(out, "Route:    {route}: {text}  (line {line})");
            }
            Some((None, _, None, _)) => {
                let _ = writeln!(out, "Route:    none (the case has no costed plan)");
            }
            Some((None, _, Some(_), _)) => {
                let _ = writeln!(out, "Route:    none (no rule applies)");
            }
            None => {}
        }
    }
    for w in &r.warnings {
        let _ = writeln!(out, "Warning:  {w}");
    }
    out
}

fn status(out: &mut String, r: &EvalResult) {
    let _ = match r.status {
        Status::Ok => writeln!(out, "Eligible: yes"),
        Status::NotEligible => {
            let _ = writeln!(out, "Eligible: no");
            for reason in &r.reasons {
                let _ = writeln!(out, "  - {reason}");
            }
            Ok(())
        }
        Status::NotValidated => writeln!(
            out,
            "No figure: the policy is not validated for this cohort: {}",
            r.not_validated.as_deref().unwrap_or("no reason given")
        ),
        Status::Error => match &r.error {
            Some(e) => writeln!(out, "Error:    {}\n          [{}]", e.message, e.code),
            None => writeln!(out, "Error"),
        },
    };
}

fn steps(out: &mut String, r: &EvalResult) {
    let entries: Vec<&TraceEntry> = r
        .trace
        .iter()
        .filter(|e| matches!(e, TraceEntry::Step { .. }))
        .collect();
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(out, "Steps:");
    let width = entries
        .iter()
        .filter_map(|e| match e {
            TraceEntry::Step { name, .. } => Some(width_of(name)),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    for e in entries {
        if let TraceEntry::Step {
            name,
            line,
            formula,
            value,
            unit,
            applied,
            ..
        } = e
        {
            let shown = format_quantity(value.value, *unit);
            let note = if *applied == Some(false) {
                ", does not apply"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {} = {shown}  (line {line}: {formula}{note})",
                padded(name, width)
            );
        }
    }
}

/// How many characters a name takes in a column.
fn width_of(name: &str) -> usize {
    name.chars().count()
}

/// A name padded with spaces to `width` characters. Not `{:<width$}`: a
/// format width above 65,535 panics, and a rule file may hold a longer name.
fn padded(name: &str, width: usize) -> String {
    let mut text = String::with_capacity(name.len() + width);
    text.push_str(name);
    text.extend(std::iter::repeat(' ').take(width.saturating_sub(width_of(name))));
    text
}

fn output_label<'a>(r: &'a EvalResult, name: &str) -> Option<&'a str> {
    r.trace.iter().find_map(|e| match e {
        TraceEntry::Step {
            name: n,
            label: Some(l),
            ..
        } if n == name => Some(l.as_str()),
        _ => None,
    })
}

fn flag_text<'a>(r: &'a EvalResult, name: &str) -> Option<&'a str> {
    r.trace.iter().find_map(|e| match e {
        TraceEntry::Flag { name: n, text, .. } if n == name => Some(text.as_str()),
        _ => None,
    })
}
