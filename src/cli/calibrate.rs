//! `ras calibrate`: the value of a parameter that aligns a sample's
//! indicative budgets to a budget, with the figures to check it by.

use super::finance::{self, Format};
use super::term::Context;
use super::{values, CliError, ExitStatus};
use crate::batch::ErrorRecord;
use crate::date::Date;
use crate::eval::format_quantity;
use crate::finance::calibrate::{self, Calibration, Request, SampleCase};
use crate::finance::table::{Cell, Table};
use crate::units::Unit;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Arguments of `ras calibrate`.
#[derive(Debug, clap::Args)]
#[command(
    about = "Find the value of a parameter that aligns budgets to a target",
    long_about = "Read a sample of current packages (each case's answers and its current weekly \
                  cost) and find the highest value of one parameter, in whole pence, at which \
                  the sample's total indicative budget, worked out through the whole rule file, \
                  does not exceed the target: --budget (a weekly total) or the sample's total \
                  current cost. A parameter by cohort or attribute gets a value per cohort or \
                  value, each on its own cases against its share of the target. The values are \
                  found by evaluating the rules, not by a formula; if the total does not rise \
                  with the value over the range searched, the output says so. For information \
                  it gives the ratio of cost to what the parameter multiplies, least-squares \
                  lines with R², the mean absolute % error and the share of cases within the \
                  tolerance, and a sensitivity table from -10% to +10%. With --from, the new \
                  value starts on that date and every case is evaluated as at that date. The \
                  sample must be a table (CSV or .xlsx), so that the cost sits beside the answers.",
    after_help = "Examples:\n  ras calibrate rules/wigan/2025-home-care.ras --cases examples/wigan-caseload.csv \\\n    --cost-column current_cost --parameter home_care_rate\n  \
                  ras calibrate rules/shire-2025.ras --cases sample.csv --cost-column cost \\\n    --parameter price_per_point --budget £25,000 --write shire-2026.ras\n\n\
                  Exit codes: 0 calibrated; 1 the rules, the sample or the target cannot be used; \
                  2 usage or I/O problem."
)]
pub struct Args {
    /// The rule file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The sample of current packages: .csv or .xlsx, one case a row.
    #[arg(long, value_name = "SAMPLE")]
    pub cases: PathBuf,

    /// The sheet of a workbook to read (the first when absent).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The column holding each case's current weekly cost.
    #[arg(long, value_name = "COL")]
    pub cost_column: String,

    /// The parameter to calibrate, e.g. `price_per_point`.
    #[arg(long, value_name = "NAME")]
    pub parameter: String,

    /// The weekly total to meet (default: the sample's total current cost).
    #[arg(long, value_name = "£X", value_parser = values::money)]
    pub budget: Option<Decimal>,

    /// Set a new dated value from this date (for a parameter by date).
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub from: Option<Date>,

    /// How close counts as "within", as a percentage of the current cost.
    #[arg(long, value_name = "PERCENT", default_value = "10%", value_parser = finance::tolerance)]
    pub tolerance: Decimal,

    /// Write the rule file with the new value(s) here, in the canonical layout.
    #[arg(long, value_name = "NEW.ras")]
    pub write: Option<PathBuf>,

    /// The version the written file gets (default: the old one, recalibrated on a date).
    #[arg(long, value_name = "TEXT", requires = "write")]
    pub new_version: Option<String>,

    /// How to show the outcome.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Where to write it (standard output when absent; a workbook needs a file).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Check review dates against this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub today: Option<Date>,
}

/// Runs `ras calibrate`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    if args.format == Format::Html {
        return Err(CliError::Usage(
            "`ras calibrate` writes text, markdown, csv, json or xlsx; html is for `ras report`"
                .into(),
        ));
    }
    finance::refuse_overwriting(args.output.as_ref(), &[&args.cases, &args.file])?;
    finance::refuse_overwriting(args.write.as_ref(), &[&args.cases, &args.file])?;
    let rules = finance::load(ctx, &args.file, args.today)?;
    let rows = finance::read_rows(
        &rules.plan,
        &args.cases,
        args.sheet.as_deref(),
        &[args.cost_column.as_str()],
    )?;
    let read = rows.len();
    let mut sample = Vec::new();
    let mut errors: Vec<(String, ErrorRecord)> = Vec::new();
    for row in rows {
        let cost_text = row.extra.first().cloned().unwrap_or_default();
        let input = match row.input.clone() {
            Ok(input) => input,
            Err(e) => {
                errors.push((row.place.clone(), e));
                continue;
            }
        };
        if let Some(e) = finance::money_error(&row, &args.cost_column, &cost_text) {
            errors.push((row.place.clone(), e));
            continue;
        }
        let cost = crate::number::parse_money(&cost_text).unwrap_or_default();
        sample.push(SampleCase {
            case_id: row.case_id,
            place: row.place,
            input,
            cost,
        });
    }
    let request = Request {
        parameter: args.parameter.clone(),
        budget: args.budget,
        from: args.from,
        tolerance: args.tolerance,
    };
    let cal = calibrate::calibrate(&rules.model, &rules.source, &sample, &request)
        .map_err(|e| CliError::BadCase(format!("{e} ({})", e.code())))?;
    let today = args.today.unwrap_or_else(Date::today);
    if let Some(path) = &args.write {
        let version = args.new_version.clone().unwrap_or_else(|| {
            format!(
                "{}, recalibrated {}",
                rules.model.header.version,
                args.from.unwrap_or(today)
            )
        });
        let text = crate::finance::rewrite::rewrite(
            &rules.source,
            &rules.model,
            &cal,
            &version,
            &change_summary(&cal),
        )
        .map_err(|e| {
            CliError::BadCase(format!(
                "{e} ({})",
                crate::finance::rewrite::RewriteError::CODE
            ))
        })?;
        let checked = crate::check::check_source(&text, &crate::check::CheckOptions { today });
        if checked.diagnostics.iter().any(|d| d.is_error()) {
            return Err(CliError::Internal(format!(
                "the calibrated rule file for `{}` does not check",
                path.display()
            )));
        }
        finance::write_out(Some(path), &text)?;
    }
    let heading = heading(&cal, &args, read, sample.len(), errors.len());
    match args.format {
        Format::Json => {
            let mut text =
                serde_json::to_string_pretty(&to_json(&cal, read, &errors)).unwrap_or_default();
            text.push('\n');
            finance::write_out(args.output.as_ref(), &text)?;
        }
        format => finance::write_tables(
            format,
            args.output.as_ref(),
            &heading,
            &tables(&cal, &errors),
        )?,
    }
    Ok(ExitStatus::Success)
}

fn value_text(cal: &Calibration, v: Decimal) -> String {
    format_quantity(v, cal.unit)
}

fn calibrated_list(cal: &Calibration) -> String {
    cal.values
        .iter()
        .map(|k| match (cal.by.as_str(), k.calibrated) {
            ("all", Some(v)) => value_text(cal, v),
            (_, Some(v)) => format!("{} {}", k.key, value_text(cal, v)),
            (_, None) => format!(
                "{} unchanged at {} (no cases)",
                k.key,
                value_text(cal, k.current_value)
            ),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The header's new summary of change.
fn change_summary(cal: &Calibration) -> String {
    let cases: u64 = cal.values.iter().map(|k| k.cases).sum();
    format!(
        "{}{} calibrated to {}: {} ({} cases; total indicative {} a week)",
        cal.parameter,
        cal.from.map(|d| format!(" from {d}")).unwrap_or_default(),
        match cal.budget_given {
            true => format!(
                "a weekly budget of {}",
                format_quantity(cal.target, Unit::Money)
            ),
            false => format!(
                "the sample's current cost of {} a week",
                format_quantity(cal.target, Unit::Money)
            ),
        },
        calibrated_list(cal),
        cases,
        format_quantity(cal.total, Unit::Money)
    )
}

fn heading(cal: &Calibration, args: &Args, read: usize, used: usize, errors: usize) -> Vec<String> {
    let mut h = vec![format!(
        "Calibration of `{}`{} in {}",
        cal.parameter,
        cal.label
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default(),
        args.file.display()
    )];
    h.push(format!(
        "Sample: {} ({read} rows: {} calibrated on, {} left out, {errors} could not be used)",
        args.cases.display(),
        used - cal.left_out.len(),
        cal.left_out.len()
    ));
    h.push(format!(
        "Target: {} a week ({})",
        format_quantity(cal.target, Unit::Money),
        if cal.budget_given {
            "the budget given".to_string()
        } else {
            "the sample's total current cost".to_string()
        }
    ));
    if let Some(from) = cal.from {
        h.push(format!("Value from {from}"));
    }
    h.push(format!(
        "Calibrated: {}; total indicative {} a week",
        calibrated_list(cal),
        format_quantity(cal.total, Unit::Money)
    ));
    for k in &cal.values {
        if let Some([(a, ta), (b, tb)]) = k.not_monotone {
            h.push(format!(
                "Warning: for {}, the total is not monotone in `{}` over the range searched: {} at {} but {} at {}; the value found is where the search ended, and may not be the only one",
                if k.key == "all" { "the sample".to_string() } else { format!("`{}`", k.key) },
                cal.parameter,
                format_quantity(ta, Unit::Money),
                value_text(cal, a),
                format_quantity(tb, Unit::Money),
                value_text(cal, b)
            ));
        }
    }
    h
}

fn tables(cal: &Calibration, errors: &[(String, ErrorRecord)]) -> Vec<Table> {
    let money = Cell::Money;
    let pct = |p: Option<Decimal>| p.map_or(Cell::Empty, Cell::Percent);
    let mut values = Table::new(
        "Budget-aligned value",
        "Calibrated",
        &[
            cal_key_heading(cal),
            "cases",
            "current cost",
            "target",
            "value before",
            "total before",
            "calibrated",
            "total",
        ],
    );
    for k in &cal.values {
        values.rows.push(vec![
            Cell::Text(k.key.clone()),
            Cell::Count(k.cases),
            money(k.current_cost),
            money(crate::finance::pence(k.target)),
            Cell::Quantity(k.current_value, cal.unit),
            money(k.total_at_current),
            k.calibrated
                .map_or(Cell::Empty, |v| Cell::Quantity(v, cal.unit)),
            money(k.total),
        ]);
    }
    values.notes.push(format!(
        "the highest value in whole pence at which the total indicative budget does not exceed the target, found by evaluating the rules at {} values",
        cal.values.iter().map(|k| k.evaluations).sum::<u64>()
    ));
    let tol = cal.tolerance.normalize();
    let within_heading = format!("within ±{tol}%");
    let mut accuracy = Table::new(
        "Accuracy at the calibrated value",
        "Accuracy",
        &[
            "cohort",
            "cases",
            "current cost",
            "indicative",
            "mean abs % error",
            &within_heading,
            "share within",
        ],
    );
    for a in &cal.accuracy {
        accuracy.rows.push(vec![
            Cell::Text(a.group.clone()),
            Cell::Count(a.cases),
            money(a.current_cost),
            money(a.indicative),
            pct(a.mean_abs_pct_error),
            Cell::Count(a.within),
            pct(a.share_within),
        ]);
    }
    accuracy.notes.push(format!(
        "within: the indicative budget is within {tol}% of the current cost; the mean leaves out cases costing £0"
    ));
    let mut info = Table::new("For information", "For information", &["measure", "value"]);
    match &cal.fit {
        Ok(fit) => {
            let per = |v: Decimal| Cell::Text(format!("£{v}/{}", unit_word(fit.unit)));
            info.rows.push(vec![
                Cell::Text(format!(
                    "total {} multiplied by `{}`",
                    quantity_words(fit.unit),
                    cal.parameter
                )),
                Cell::Quantity(fit.total_quantity, fit.unit),
            ]);
            info.rows.push(vec![
                Cell::Text("total current cost".into()),
                money(cal.current_cost),
            ]);
            info.rows.push(vec![
                Cell::Text("ratio (total cost ÷ total quantity)".into()),
                fit.ratio.map_or(Cell::Empty, per),
            ]);
            if let Some(l) = &fit.with_intercept {
                info.rows.push(vec![
                    Cell::Text("line with an intercept: slope".into()),
                    per(l.slope),
                ]);
                info.rows.push(vec![
                    Cell::Text("line with an intercept: intercept".into()),
                    money(l.intercept),
                ]);
                info.rows.push(vec![
                    Cell::Text("line with an intercept: R²".into()),
                    l.r_squared.map_or(Cell::Empty, Cell::Number),
                ]);
            }
            if let Some(l) = &fit.through_origin {
                info.rows.push(vec![
                    Cell::Text("line through zero: slope".into()),
                    per(l.slope),
                ]);
                info.rows.push(vec![
                    Cell::Text("line through zero: R²".into()),
                    l.r_squared.map_or(Cell::Empty, Cell::Number),
                ]);
            }
            info.notes.push("least squares of current cost on the quantity, exact decimals; R² is 1 − residual ÷ total sum of squares about the mean for both lines".into());
        }
        Err(reason) => info.notes.push(format!("no ratio or line: {reason}")),
    }
    let mut sens = Table::new(
        "Sensitivity",
        "Sensitivity",
        &[
            "change",
            "value",
            "total",
            "mean",
            &within_heading,
            "share within",
        ],
    );
    for s in &cal.sensitivity {
        sens.rows.push(vec![
            Cell::Text(match s.change {
                0 => "calibrated".to_string(),
                c if c > 0 => format!("+{c}%"),
                c => format!("{c}%"),
            }),
            Cell::Text(
                s.values
                    .iter()
                    .zip(&cal.values)
                    .filter(|(_, k)| k.calibrated.is_some())
                    .map(|(v, k)| match cal.by.as_str() {
                        "all" => value_text(cal, *v),
                        _ => format!("{} {}", k.key, value_text(cal, *v)),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            money(s.total),
            money(s.mean),
            Cell::Count(s.within),
            pct(s.share_within),
        ]);
    }
    let mut left = Table::new(
        "Cases without an indicative budget (not calibrated on)",
        "Left out",
        &["place", "case_id", "reason"],
    );
    for l in &cal.left_out {
        left.rows.push(vec![
            Cell::Text(l.place.clone()),
            Cell::Text(l.case_id.clone()),
            Cell::Text(l.reason.clone()),
        ]);
    }
    let mut out = vec![values, accuracy, info, sens];
    if !cal.left_out.is_empty() {
        out.push(left);
    }
    if !errors.is_empty() {
        out.push(finance::errors_table(errors));
    }
    out
}

fn cal_key_heading(cal: &Calibration) -> &str {
    match cal.by.as_str() {
        "all" => "cases of",
        "cohort" => "cohort",
        other => other,
    }
}

fn unit_word(unit: Unit) -> &'static str {
    match unit {
        Unit::Points => "pt",
        Unit::Hours => "h",
        Unit::Sessions => "session",
        Unit::Nights => "night",
        other => other.symbol(),
    }
}

fn quantity_words(unit: Unit) -> &'static str {
    match unit {
        Unit::Points => "points",
        Unit::Hours => "hours",
        Unit::Sessions => "sessions",
        Unit::Nights => "nights",
        other => other.symbol(),
    }
}

fn dec(v: Decimal) -> Value {
    Value::String(v.to_string())
}

fn money_json(v: Decimal) -> Value {
    Value::String(format!("{:.2}", crate::finance::pence(v)))
}

fn opt(v: Option<Decimal>) -> Value {
    v.map_or(Value::Null, dec)
}

fn to_json(cal: &Calibration, read: usize, errors: &[(String, ErrorRecord)]) -> Value {
    let calibrated: serde_json::Map<String, Value> = cal
        .values
        .iter()
        .filter_map(|k| Some((k.key.clone(), dec(k.calibrated?))))
        .collect();
    let fit = match &cal.fit {
        Ok(f) => {
            let line = |l: &Option<calibrate::Line>| match l {
                Some(l) => {
                    json!({"slope": dec(l.slope), "intercept": money_json(l.intercept), "r_squared": opt(l.r_squared)})
                }
                None => Value::Null,
            };
            json!({
                "quantity_unit": f.unit.symbol(),
                "total_quantity": dec(f.total_quantity),
                "with_intercept": line(&f.with_intercept),
                "through_origin": line(&f.through_origin),
            })
        }
        Err(reason) => json!({"not_available": reason}),
    };
    json!({
        "parameter": cal.parameter,
        "unit": cal.unit.symbol(),
        "by": cal.by,
        "from": cal.from.map(|d| d.to_string()),
        "target": money_json(cal.target),
        "target_is": if cal.budget_given { "budget" } else { "current_cost" },
        "current_cost": money_json(cal.current_cost),
        "calibrated": calibrated,
        "total": money_json(cal.total),
        "ratio": match &cal.fit { Ok(f) => opt(f.ratio), Err(_) => Value::Null },
        "fit": fit,
        "values": cal.values.iter().map(|k| json!({
            "key": k.key,
            "cases": k.cases,
            "current_cost": money_json(k.current_cost),
            "target": money_json(k.target),
            "value_before": dec(k.current_value),
            "total_before": money_json(k.total_at_current),
            "calibrated": opt(k.calibrated),
            "total": money_json(k.total),
            "evaluations": k.evaluations,
            "searched": [dec(k.searched.0), dec(k.searched.1)],
            "monotone": k.not_monotone.is_none(),
        })).collect::<Vec<_>>(),
        "tolerance": format!("{}%", cal.tolerance.normalize()),
        "accuracy": cal.accuracy.iter().map(|a| json!({
            "cohort": a.group,
            "cases": a.cases,
            "current_cost": money_json(a.current_cost),
            "indicative": money_json(a.indicative),
            "mean_abs_pct_error": opt(a.mean_abs_pct_error),
            "within_tolerance": a.within,
            "share_within": opt(a.share_within),
        })).collect::<Vec<_>>(),
        "sensitivity": cal.sensitivity.iter().map(|s| json!({
            "change_pct": s.change,
            "values": s.values.iter().map(|v| dec(*v)).collect::<Vec<_>>(),
            "total": money_json(s.total),
            "mean": money_json(s.mean),
            "within_tolerance": s.within,
            "share_within": opt(s.share_within),
        })).collect::<Vec<_>>(),
        "rows": read,
        "left_out": cal.left_out.iter().map(|l| json!({"place": l.place, "case_id": l.case_id, "reason": l.reason})).collect::<Vec<_>>(),
        "errors": errors.iter().map(|(place, e)| json!({"place": place, "case_id": e.case_id, "column": e.column, "code": e.code, "message": e.message})).collect::<Vec<_>>(),
    })
}
