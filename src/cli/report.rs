//! `ras report`: how accurate indicative budgets are against the budgets
//! agreed, by service area, cohort and financial year; the tables Freedom of
//! Information requests ask for; a chart.

use super::finance::{self, Format};
use super::term::Context;
use super::{values, CliError, ExitStatus};
use crate::batch::ErrorRecord;
use crate::date::Date;
use crate::diag::codes;
use crate::eval::{format_quantity, Evaluator, Scratch, Verdict};
use crate::finance::accuracy::{self, Accuracy, AgreedCase, FinancialYear, Foi, Totals};
use crate::finance::table::{Cell, Table};
use crate::units::Unit;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Arguments of `ras report`.
#[derive(Debug, clap::Args)]
#[command(
    about = "How accurate indicative budgets are against agreed costs",
    long_about = "Evaluate every case of a caseload and set its indicative budget (EB) beside \
                  the cost agreed for it (AC): per service area, cohort and financial year \
                  (April to March, `2024/25`, from the year column or else from `assessed`), \
                  the number of cases, total EB and AC, AC as a % of EB (one decimal place, \
                  half up), how many are within the tolerance (|AC - EB| <= tolerance x EB), \
                  the mean absolute % difference, and the cases furthest out. --foi lays out \
                  the tables Freedom of Information requests ask for: EB and AC by service area \
                  for each year, and the accuracy by service area for older people and for \
                  working-age adults.",
    after_help = "Examples:\n  ras report rules/wigan/2025-home-care.ras --cases examples/wigan-caseload.csv \\\n    --agreed-column agreed_cost --service-column service_area\n  \
                  ras report rules/wigan/2025-home-care.ras --cases examples/wigan-caseload.csv \\\n    --agreed-column agreed_cost --service-column service_area --foi --format markdown\n\n\
                  Exit codes: 0 reported; 1 the rules or the caseload cannot be used; 2 usage or I/O problem."
)]
pub struct Args {
    /// The rule file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The caseload: .csv or .xlsx, one case a row.
    #[arg(long, value_name = "CASES")]
    pub cases: PathBuf,

    /// The sheet of a workbook to read (the first when absent).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The column holding the weekly cost agreed (the final budget).
    #[arg(long, value_name = "COL")]
    pub agreed_column: String,

    /// The column naming each case's service area (default: one area for all).
    #[arg(long, value_name = "COL")]
    pub service_column: Option<String>,

    /// The column holding the financial year (`2024/25`); default: from `assessed`.
    #[arg(long, value_name = "COL")]
    pub year_column: Option<String>,

    /// How close counts as accurate, as a percentage of the indicative budget.
    #[arg(long, value_name = "PERCENT", default_value = "10%", value_parser = finance::tolerance)]
    pub tolerance: Decimal,

    /// Lay out the tables Freedom of Information requests ask for.
    #[arg(long)]
    pub foi: bool,

    /// The cohorts that count as older people in --foi tables (the others are working age).
    #[arg(
        long,
        value_name = "A,B",
        default_value = "older_people",
        value_delimiter = ','
    )]
    pub older_cohorts: Vec<String>,

    /// How many of the cases furthest out to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub furthest: usize,

    /// How to show the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Where to write it (standard output when absent; a workbook needs a file).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Check review dates against this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub today: Option<Date>,
}

/// A case with no indicative budget, and why.
struct NoBudget {
    place: String,
    case_id: String,
    reason: String,
}

/// What was read.
struct Read {
    cases: Vec<AgreedCase>,
    no_budget: Vec<NoBudget>,
    errors: Vec<(String, ErrorRecord)>,
    rows: usize,
}

/// Runs `ras report`.
pub fn run(args: Args, ctx: &Context) -> Result<ExitStatus, CliError> {
    finance::refuse_overwriting(args.output.as_ref(), &[&args.cases, &args.file])?;
    let rules = finance::load(ctx, &args.file, args.today)?;
    let read = read(&args, &rules)?;
    let cohorts: Vec<String> = rules.model.cohorts.iter().map(|c| c.id.clone()).collect();
    for c in &args.older_cohorts {
        if !cohorts.contains(c) {
            return Err(CliError::Usage(format!(
                "`--older-cohorts` names `{c}`, which is not a cohort of the rule file\n  help: its cohorts are {}",
                crate::text::list(cohorts.iter().map(|c| format!("`{c}`")))
            )));
        }
    }
    let acc = accuracy::accuracy(&read.cases, args.tolerance, &cohorts, args.furthest);
    let older = |c: &str| args.older_cohorts.iter().any(|o| o == c);
    let foi = args
        .foi
        .then(|| accuracy::foi(&read.cases, args.tolerance, &older));
    let heading = heading(&args, &read, &acc);
    let tables = match &foi {
        Some(foi) => foi_tables(foi, &args, &read),
        None => tables(&acc, &read),
    };
    match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&to_json(&acc, foi.as_ref(), &read))
                .unwrap_or_default();
            text.push('\n');
            finance::write_out(args.output.as_ref(), &text)?;
        }
        Format::Html => {
            finance::write_out(
                args.output.as_ref(),
                &html(&heading, &tables, &read.cases, args.tolerance),
            )?;
        }
        format => finance::write_tables(format, args.output.as_ref(), &heading, &tables)?,
    }
    Ok(ExitStatus::Success)
}

fn read(args: &Args, rules: &finance::Rules) -> Result<Read, CliError> {
    let mut extra = vec![args.agreed_column.as_str()];
    if let Some(c) = &args.service_column {
        extra.push(c);
    }
    if let Some(c) = &args.year_column {
        extra.push(c);
    }
    let rows = finance::read_rows(&rules.plan, &args.cases, args.sheet.as_deref(), &extra)?;
    let ev = Evaluator::new(&rules.plan);
    let mut scratch = Scratch::new(&ev);
    let indicative = rules.model.indicative;
    let mut out = Read {
        cases: Vec::new(),
        no_budget: Vec::new(),
        errors: Vec::new(),
        rows: rows.len(),
    };
    for row in rows {
        let input = match &row.input {
            Ok(i) => i,
            Err(e) => {
                out.errors.push((row.place.clone(), e.clone()));
                continue;
            }
        };
        let text = |i: usize| row.extra.get(i).map(String::as_str).unwrap_or("");
        let agreed_text = text(0);
        if let Some(e) = finance::money_error(&row, &args.agreed_column, agreed_text) {
            out.errors.push((row.place.clone(), e));
            continue;
        }
        let agreed = crate::number::parse_money(agreed_text).unwrap_or_default();
        let service_area = match &args.service_column {
            Some(column) => {
                let s = text(1).trim();
                if s.is_empty() {
                    out.errors.push((row.place.clone(), record(&row, column, codes::MISSING_SERVICE_AREA.name, format!("the `{column}` column is empty; give the case's service area, e.g. Home care"))));
                    continue;
                }
                s.to_string()
            }
            None => "All services".to_string(),
        };
        let year = match &args.year_column {
            Some(column) => {
                let t = text(if args.service_column.is_some() { 2 } else { 1 });
                match FinancialYear::parse(t) {
                    Some(y) => y,
                    None => {
                        out.errors.push((
                            row.place.clone(),
                            record(
                                &row,
                                column,
                                codes::BAD_YEAR.name,
                                format!("`{t}` is not a financial year; write it as 2024/25"),
                            ),
                        ));
                        continue;
                    }
                }
            }
            None => match input.date {
                Some(d) => FinancialYear::of(d),
                None => {
                    out.errors.push((row.place.clone(), record(&row, "assessed", codes::NO_YEAR.name, "the case has no `assessed` date to tell its financial year; fill it in, or give `--year-column`".to_string())));
                    continue;
                }
            },
        };
        let cohort = rules
            .model
            .cohorts
            .get(input.cohort as usize)
            .map(|c| c.id.clone())
            .unwrap_or_default();
        match ev.run(input, &mut scratch) {
            Ok(Verdict::Figures) => out.cases.push(AgreedCase {
                case_id: row.case_id.clone(),
                place: row.place.clone(),
                cohort,
                service_area,
                year,
                indicative: scratch.step(indicative).unwrap_or_default(),
                agreed,
            }),
            Ok(verdict) => out.no_budget.push(NoBudget {
                place: row.place.clone(),
                case_id: row.case_id.clone(),
                reason: match verdict {
                    Verdict::NotEligible => "not eligible".to_string(),
                    _ => "the policy is not validated for its cohort".to_string(),
                },
            }),
            Err(e) => {
                let column = e.question.clone().unwrap_or_default();
                out.errors
                    .push((row.place.clone(), record(&row, &column, e.code, e.message)));
            }
        }
    }
    Ok(out)
}

fn record(
    row: &crate::batch::DecodedRow,
    column: &str,
    code: &'static str,
    message: String,
) -> ErrorRecord {
    ErrorRecord {
        row: row.at.number,
        line: row.at.line,
        case_id: row.case_id.clone(),
        column: column.to_string(),
        code,
        message,
    }
}

fn heading(args: &Args, read: &Read, acc: &Accuracy) -> Vec<String> {
    let o = &acc.overall;
    vec![
        format!("Accuracy of indicative budgets: {}", args.file.display()),
        format!(
            "Cases: {} ({} rows: {} with both figures, {} without an indicative budget, {} could not be used)",
            args.cases.display(),
            read.rows,
            read.cases.len(),
            read.no_budget.len(),
            read.errors.len()
        ),
        format!(
            "EB (indicative) {} a week, AC (agreed) {} a week, AC {} of EB; {} of {} cases within ±{}%",
            format_quantity(o.eb_total, Unit::Money),
            format_quantity(o.ac_total, Unit::Money),
            o.ac_pct_of_eb.map_or("-".to_string(), |p| format!("{p}%")),
            o.within_tolerance,
            o.cases,
            acc.tolerance.normalize()
        ),
    ]
}

const TOTAL_COLUMNS: [&str; 7] = [
    "cases",
    "EB total",
    "AC total",
    "AC % of EB",
    "within",
    "share within",
    "mean abs % diff",
];

fn total_cells(t: &Totals) -> Vec<Cell> {
    let pct = |p: Option<Decimal>| p.map_or(Cell::Empty, Cell::Percent);
    vec![
        Cell::Count(t.cases),
        Cell::Money(t.eb_total),
        Cell::Money(t.ac_total),
        pct(t.ac_pct_of_eb),
        Cell::Count(t.within_tolerance),
        pct(t.share_within),
        pct(t.mean_abs_pct_diff),
    ]
}

fn columns<'a>(first: &[&'a str]) -> Vec<&'a str> {
    first.iter().copied().chain(TOTAL_COLUMNS).collect()
}

fn definitions(tolerance: Decimal) -> String {
    format!(
        "EB: indicative budget; AC: agreed cost; within: |AC − EB| ≤ {}% of EB; mean abs % diff: mean of |AC − EB| ÷ EB (cases with an EB of £0 left out)",
        tolerance.normalize()
    )
}

fn tables(acc: &Accuracy, read: &Read) -> Vec<Table> {
    let mut groups = Table::new(
        "By service area, cohort and financial year",
        "Groups",
        &columns(&["year", "service area", "cohort"]),
    );
    for g in &acc.groups {
        let mut row = vec![
            Cell::Text(g.year.to_string()),
            Cell::Text(g.service_area.clone()),
            Cell::Text(g.cohort.clone()),
        ];
        row.extend(total_cells(&g.totals));
        groups.rows.push(row);
    }
    groups.notes.push(definitions(acc.tolerance));
    let mut years = Table::new("By financial year", "Years", &columns(&["year"]));
    for (y, t) in &acc.years {
        let mut row = vec![Cell::Text(y.to_string())];
        row.extend(total_cells(t));
        years.rows.push(row);
    }
    let mut all = Table::new("All cases", "All", &columns(&["group"]));
    let mut row = vec![Cell::Text("all".into())];
    row.extend(total_cells(&acc.overall));
    all.rows.push(row);
    let mut far = Table::new(
        "Cases furthest out",
        "Furthest out",
        &[
            "place",
            "case_id",
            "service area",
            "cohort",
            "year",
            "EB",
            "AC",
            "AC − EB",
            "difference",
        ],
    );
    for f in &acc.furthest {
        far.rows.push(vec![
            Cell::Text(f.case.place.clone()),
            Cell::Text(f.case.case_id.clone()),
            Cell::Text(f.case.service_area.clone()),
            Cell::Text(f.case.cohort.clone()),
            Cell::Text(f.case.year.to_string()),
            Cell::Money(f.case.indicative),
            Cell::Money(f.case.agreed),
            Cell::Text(signed_money(f.difference)),
            f.pct.map_or(Cell::Empty, |p| Cell::Text(signed_pct(p))),
        ]);
    }
    let mut out = vec![groups, years, all, far];
    out.extend(left_out_tables(read));
    out
}

fn signed_money(v: Decimal) -> String {
    match v.is_sign_negative() && !v.is_zero() {
        true => format!("−{}", format_quantity(v.abs(), Unit::Money)),
        false => format!("+{}", format_quantity(v, Unit::Money)),
    }
}

fn signed_pct(v: Decimal) -> String {
    match v.is_sign_negative() && !v.is_zero() {
        true => format!("−{}%", v.abs()),
        false => format!("+{v}%"),
    }
}

fn left_out_tables(read: &Read) -> Vec<Table> {
    let mut out = Vec::new();
    if !read.no_budget.is_empty() {
        let mut t = Table::new(
            "Cases without an indicative budget (left out)",
            "No budget",
            &["place", "case_id", "reason"],
        );
        for n in &read.no_budget {
            t.rows.push(vec![
                Cell::Text(n.place.clone()),
                Cell::Text(n.case_id.clone()),
                Cell::Text(n.reason.clone()),
            ]);
        }
        out.push(t);
    }
    if !read.errors.is_empty() {
        out.push(finance::errors_table(&read.errors));
    }
    out
}

fn foi_tables(foi: &Foi, args: &Args, read: &Read) -> Vec<Table> {
    let mut heads: Vec<String> = vec!["Service area".into()];
    for y in &foi.years {
        heads.push(format!("{y} EB"));
        heads.push(format!("{y} AC"));
    }
    let head_refs: Vec<&str> = heads.iter().map(String::as_str).collect();
    let mut money = Table::new(
        "Estimated budget (EB) and actual cost (AC) by service area, weekly totals of the cases",
        "EB and AC",
        &head_refs,
    );
    for (service, cells) in &foi.by_service {
        let mut row = vec![Cell::Text(service.clone())];
        for c in cells {
            match c {
                Some((eb, ac)) => {
                    row.push(Cell::Money(*eb));
                    row.push(Cell::Money(*ac));
                }
                None => {
                    row.push(Cell::Empty);
                    row.push(Cell::Empty);
                }
            }
        }
        money.rows.push(row);
    }
    let tol = args.tolerance.normalize();
    let within = format!("share within ±{tol}%");
    let accuracy_table = |title: &str, sheet: &str, rows: &[(String, Totals)]| {
        let mut t = Table::new(
            title,
            sheet,
            &[
                "Service area",
                "cases",
                "accuracy (AC as % of EB)",
                &within,
                "mean abs % diff",
            ],
        );
        for (service, totals) in rows {
            let pct = |p: Option<Decimal>| p.map_or(Cell::Empty, Cell::Percent);
            t.rows.push(vec![
                Cell::Text(service.clone()),
                Cell::Count(totals.cases),
                pct(totals.ac_pct_of_eb),
                pct(totals.share_within),
                pct(totals.mean_abs_pct_diff),
            ]);
        }
        t.notes.push(definitions(args.tolerance));
        t
    };
    let older = args
        .older_cohorts
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>();
    let mut out = vec![
        money,
        accuracy_table(
            &format!(
                "Accuracy of the estimate by service area: older people ({})",
                older.join(", ")
            ),
            "Older people",
            &foi.older_people,
        ),
        accuracy_table(
            "Accuracy of the estimate by service area: working age (every other cohort)",
            "Working age",
            &foi.working_age,
        ),
    ];
    out.extend(left_out_tables(read));
    out
}

fn money_json(v: Decimal) -> Value {
    Value::String(format!("{:.2}", crate::finance::pence(v)))
}

fn opt(v: Option<Decimal>) -> Value {
    v.map_or(Value::Null, |v| Value::String(v.to_string()))
}

fn totals_json(t: &Totals) -> serde_json::Map<String, Value> {
    let v = json!({
        "cases": t.cases,
        "eb_total": money_json(t.eb_total),
        "ac_total": money_json(t.ac_total),
        "ac_pct_of_eb": opt(t.ac_pct_of_eb),
        "within_tolerance": t.within_tolerance,
        "share_within": opt(t.share_within),
        "mean_abs_pct_diff": opt(t.mean_abs_pct_diff),
    });
    match v {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

fn to_json(acc: &Accuracy, foi: Option<&Foi>, read: &Read) -> Value {
    let groups: Vec<Value> = acc
        .groups
        .iter()
        .map(|g| {
            let mut m = serde_json::Map::new();
            m.insert("service_area".into(), json!(g.service_area));
            m.insert("cohort".into(), json!(g.cohort));
            m.insert("year".into(), json!(g.year.to_string()));
            m.extend(totals_json(&g.totals));
            Value::Object(m)
        })
        .collect();
    let years: Vec<Value> = acc
        .years
        .iter()
        .map(|(y, t)| {
            let mut m = serde_json::Map::new();
            m.insert("year".into(), json!(y.to_string()));
            m.extend(totals_json(t));
            Value::Object(m)
        })
        .collect();
    let mut out = json!({
        "tolerance": format!("{}%", acc.tolerance.normalize()),
        "groups": groups,
        "years": years,
        "overall": Value::Object(totals_json(&acc.overall)),
        "furthest": acc.furthest.iter().map(|f| json!({
            "place": f.case.place,
            "case_id": f.case.case_id,
            "service_area": f.case.service_area,
            "cohort": f.case.cohort,
            "year": f.case.year.to_string(),
            "eb": money_json(f.case.indicative),
            "ac": money_json(f.case.agreed),
            "difference": money_json(f.difference),
            "difference_pct": opt(f.pct),
        })).collect::<Vec<_>>(),
        "rows": read.rows,
        "without_indicative": read.no_budget.iter().map(|n| json!({"place": n.place, "case_id": n.case_id, "reason": n.reason})).collect::<Vec<_>>(),
        "errors": read.errors.iter().map(|(place, e)| json!({"place": place, "case_id": e.case_id, "column": e.column, "code": e.code, "message": e.message})).collect::<Vec<_>>(),
    });
    if let (Some(foi), Value::Object(m)) = (foi, &mut out) {
        let accuracy = |rows: &[(String, Totals)]| -> Vec<Value> {
            rows.iter()
                .map(|(s, t)| {
                    let mut m = serde_json::Map::new();
                    m.insert("service_area".into(), json!(s));
                    m.extend(totals_json(t));
                    Value::Object(m)
                })
                .collect()
        };
        m.insert(
            "foi".into(),
            json!({
                "years": foi.years.iter().map(|y| y.to_string()).collect::<Vec<_>>(),
                "eb_ac_by_service_area": foi.by_service.iter().map(|(s, cells)| json!({
                    "service_area": s,
                    "years": foi.years.iter().zip(cells).map(|(y, c)| json!({
                        "year": y.to_string(),
                        "eb": c.map(|(eb, _)| money_json(eb)),
                        "ac": c.map(|(_, ac)| money_json(ac)),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "older_people": accuracy(&foi.older_people),
                "working_age": accuracy(&foi.working_age),
            }),
        );
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A web page: the heading, a scatter of indicative against agreed with the
/// tolerance band, and the tables.
fn html(heading: &[String], tables: &[Table], cases: &[AgreedCase], tolerance: Decimal) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    let title = heading.first().cloned().unwrap_or_default();
    out.push_str(&format!("<title>{}</title>\n", escape(&title)));
    out.push_str("<style>\nbody{font-family:system-ui,sans-serif;margin:2em;color:#1b1b1b;max-width:1000px}\ntable{border-collapse:collapse;margin:0.5em 0 1.5em}\nth,td{border:1px solid #bbb;padding:0.25em 0.6em}\nth{background:#eee;text-align:left}\ntd.n{text-align:right;font-variant-numeric:tabular-nums}\np.note{color:#555;font-size:0.9em}\nfigure{margin:1em 0}\nfigcaption{color:#555;font-size:0.9em}\n</style>\n</head>\n<body>\n");
    out.push_str(&format!("<h1>{}</h1>\n", escape(&title)));
    for line in heading.iter().skip(1) {
        out.push_str(&format!("<p>{}</p>\n", escape(line)));
    }
    out.push_str(&chart(cases, tolerance));
    for t in tables {
        out.push_str(&format!("<h2>{}</h2>\n<table>\n<tr>", escape(&t.title)));
        for c in &t.columns {
            out.push_str(&format!("<th>{}</th>", escape(c)));
        }
        out.push_str("</tr>\n");
        for row in &t.rows {
            out.push_str("<tr>");
            for cell in row {
                let class = match cell {
                    Cell::Text(_) => "",
                    _ => " class=\"n\"",
                };
                out.push_str(&format!("<td{class}>{}</td>", escape(&cell.text())));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        for n in &t.notes {
            out.push_str(&format!("<p class=\"note\">{}</p>\n", escape(n)));
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A round step for axis ticks, about a fifth of `max`.
fn tick_step(max: f64) -> f64 {
    let rough = (max / 5.0).max(1.0);
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(rough)
}

/// The scatter, as inline SVG. Coordinates are pixels (f64); the figures in
/// the labels are the exact ones.
fn chart(cases: &[AgreedCase], tolerance: Decimal) -> String {
    use rust_decimal::prelude::ToPrimitive;
    if cases.is_empty() {
        return "<p>No case has both an indicative budget and an agreed cost to chart.</p>\n"
            .into();
    }
    let (w, h, left, bottom, top, right) = (720.0, 520.0, 80.0, 60.0, 20.0, 20.0);
    let max = cases
        .iter()
        .flat_map(|c| [c.indicative, c.agreed])
        .max()
        .and_then(|m| m.to_f64())
        .unwrap_or(1.0)
        .max(1.0);
    let step = tick_step(max * 1.05);
    let top_value = (max * 1.05 / step).ceil() * step;
    let px = |v: f64| left + v / top_value * (w - left - right);
    let py = |v: f64| h - bottom - v / top_value * (h - top - bottom);
    let tol = tolerance.to_f64().unwrap_or(0.0) / 100.0;
    let mut s = format!(
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Scatter of agreed cost against indicative budget\">\n"
    );
    // The band |AC − EB| ≤ tol × EB, clipped to the plot.
    let hi_end = (top_value / (1.0 + tol)).min(top_value);
    s.push_str(&format!(
        "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"#cfe8d4\" stroke=\"none\"/>\n",
        px(0.0), py(0.0),
        px(hi_end), py(top_value),
        px(top_value), py(top_value),
        px(top_value), py(top_value * (1.0 - tol)),
        px(0.0), py(0.0),
    ));
    let mut v = 0.0;
    while v <= top_value + step / 2.0 {
        s.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\n<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\n",
            px(v), py(0.0), px(v), py(top_value), px(0.0), py(v), px(top_value), py(v)
        ));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">£{v:.0}</text>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">£{v:.0}</text>\n",
            px(v), py(0.0) + 18.0, px(0.0) - 6.0, py(v) + 4.0
        ));
        v += step;
    }
    s.push_str(&format!(
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#2f7d3b\" stroke-dasharray=\"4 3\"/>\n",
        px(0.0), py(0.0), px(top_value), py(top_value)
    ));
    s.push_str(&format!(
        "<rect x=\"{left}\" y=\"{top}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#888\"/>\n",
        w - left - right, h - top - bottom
    ));
    for c in cases {
        let (x, y) = (
            c.indicative.to_f64().unwrap_or(0.0),
            c.agreed.to_f64().unwrap_or(0.0),
        );
        let inside = crate::finance::within(c.agreed, c.indicative, tolerance);
        let (fill, shape) = if inside {
            ("#1f5fa8", "circle")
        } else {
            ("#c0392b", "square")
        };
        let tip = format!(
            "{} ({}, {}): EB {}, AC {}",
            c.case_id,
            c.service_area,
            c.cohort,
            format_quantity(c.indicative, Unit::Money),
            format_quantity(c.agreed, Unit::Money)
        );
        if shape == "circle" {
            s.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{fill}\" fill-opacity=\"0.8\"><title>{}</title></circle>\n",
                px(x), py(y), escape(&tip)
            ));
        } else {
            s.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{fill}\" fill-opacity=\"0.8\"><title>{}</title></rect>\n",
                px(x) - 4.0, py(y) - 4.0, escape(&tip)
            ));
        }
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"middle\">Indicative budget (EB), £ a week</text>\n",
        (left + w - right) / 2.0, h - 14.0
    ));
    s.push_str(&format!(
        "<text x=\"16\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 16 {:.1})\">Agreed cost (AC), £ a week</text>\n",
        (top + h - bottom) / 2.0, (top + h - bottom) / 2.0
    ));
    s.push_str("</svg>\n");
    let t = tolerance.normalize();
    let inside = cases
        .iter()
        .filter(|c| crate::finance::within(c.agreed, c.indicative, tolerance))
        .count();
    s.push_str(&format!(
        "<figcaption>Each mark is a case: blue circles are within ±{t}% of the indicative budget (the green band; the dashed line is AC = EB), red squares are outside it. {inside} of {} cases are within. Hover over a mark for its case.</figcaption>\n</figure>\n",
        cases.len()
    ));
    s
}
