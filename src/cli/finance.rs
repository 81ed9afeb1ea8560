//! Shared by `ras calibrate` and `ras report`: reading a caseload with its
//! money columns (as `ras run` reads cases), and writing tables as text,
//! Markdown, CSV, JSON or a workbook.

use super::files::{self, Staged};
use super::rules::{self, Show};
use super::term::{self, Context};
use super::CliError;
use crate::batch::input::{CaseReader, FileProblem, InputFormat};
use crate::batch::{DecodedRow, ErrorRecord, RunError, RunOptions};
use crate::check::CheckOptions;
use crate::date::Date;
use crate::diag::{codes, Severity};
use crate::finance::table::{self, Cell, Table};
use crate::model::Model;
use crate::plan::Plan;
use rust_decimal::prelude::ToPrimitive;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The formats both commands write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned tables for a terminal.
    Text,
    /// Markdown tables, to paste into a report or an answer.
    Markdown,
    /// CSV: a block per table, headed by its title.
    Csv,
    /// JSON.
    Json,
    /// An Excel workbook, a sheet per table (needs `-o FILE.xlsx`).
    Xlsx,
    /// A web page with a chart (`ras report` only).
    Html,
}

/// A rule file read, checked (errors shown) and compiled.
pub struct Rules {
    /// Its text.
    pub source: String,
    /// The checked model.
    pub model: Model,
    /// The compiled plan.
    pub plan: Plan,
}

/// Reads, checks and compiles a rule file.
pub fn load(ctx: &Context, path: &Path, today: Option<Date>) -> Result<Rules, CliError> {
    let options = CheckOptions {
        today: today.unwrap_or_else(Date::today),
    };
    let file = rules::check_file(path, &options)?;
    rules::show(ctx, &file, Show::Errors);
    let errors = file.count(Severity::Error);
    match file.checked.model {
        Some(model) if errors == 0 => {
            let plan = crate::plan::compile(model.clone(), &file.source).map_err(|e| {
                CliError::Internal(format!(
                    "`{}` checks but cannot be compiled: {e}",
                    path.display()
                ))
            })?;
            Ok(Rules {
                source: file.source,
                model,
                plan,
            })
        }
        _ => Err(CliError::RulesHaveErrors {
            path: path.to_path_buf(),
            count: errors.max(1),
        }),
    }
}

/// Every row of a table caseload, decoded, with the text of `extra` columns.
pub fn read_rows(
    plan: &Plan,
    cases: &Path,
    sheet: Option<&str>,
    extra: &[&str],
) -> Result<Vec<DecodedRow>, CliError> {
    let format = InputFormat::from_path(cases).ok_or_else(|| {
        CliError::Usage(format!(
            "cannot tell the format of `{}` from its name; give a .csv or .xlsx file",
            cases.display()
        ))
    })?;
    if cases.is_dir() {
        return Err(CliError::read(
            cases,
            std::io::Error::other("it is a folder, not a file"),
        ));
    }
    if let Err(e) = std::fs::File::open(cases) {
        return Err(CliError::read(cases, e));
    }
    let reader = CaseReader::open(cases, format, sheet).map_err(problem)?;
    let mut rows = Vec::new();
    let warnings =
        crate::batch::decode_rows(plan, reader, &RunOptions::default(), extra, &mut |r| {
            rows.push(r)
        })
        .map_err(|e| match e {
            RunError::File(p) => problem(p),
            RunError::Io(e) => CliError::read(cases, e),
        })?;
    for w in warnings {
        term::note(&format!("warning: {w}\n"));
    }
    Ok(rows)
}

fn problem(p: FileProblem) -> CliError {
    CliError::BadCase(match &p.hint {
        Some(h) => format!("{}\n  help: {h}", p.message),
        None => p.message.clone(),
    })
}

/// A row error for a money column that does not hold an amount.
pub fn money_error(row: &DecodedRow, column: &str, text: &str) -> Option<ErrorRecord> {
    match crate::number::parse_money(text) {
        Ok(_) => None,
        Err(e) => Some(ErrorRecord {
            row: row.at.number,
            line: row.at.line,
            case_id: row.case_id.clone(),
            column: column.to_string(),
            code: if text.trim().is_empty() {
                codes::MISSING_AMOUNT.name
            } else {
                codes::BAD_AMOUNT.name
            },
            message: if text.trim().is_empty() {
                format!("the `{column}` column is empty; give the weekly amount in pounds")
            } else {
                e.money_message(text)
            },
        }),
    }
}

/// The table of rows that could not be used, with the place column named
/// as the caseload names rows.
pub fn errors_table(errors: &[(String, ErrorRecord)]) -> Table {
    let mut t = Table::new(
        "Rows that could not be used",
        "Errors",
        &["place", "case_id", "column", "code", "message"],
    );
    for (place, e) in errors {
        t.rows.push(vec![
            Cell::Text(place.clone()),
            Cell::Text(e.case_id.clone()),
            Cell::Text(e.column.clone()),
            Cell::Text(e.code.to_string()),
            Cell::Text(e.message.clone()),
        ]);
    }
    t
}

/// Writes `text` to `output` (standard output when absent or `-`), whole:
/// a file is written under another name and renamed when complete.
pub fn write_out(output: Option<&PathBuf>, text: &str) -> Result<(), CliError> {
    match output.filter(|p| p.as_os_str() != "-") {
        None => term::print(text),
        Some(path) => {
            let (staged, mut file) = Staged::create(path)?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.flush())
                .map_err(|e| CliError::Write {
                    path: path.clone(),
                    source: e,
                })?;
            drop(file);
            staged.commit()
        }
    }
}

/// Writes tables as a workbook: a sheet per table, money as numbers with a
/// £ format, percentages as numbers with a % format.
pub fn write_workbook(output: Option<&PathBuf>, tables: &[Table]) -> Result<(), CliError> {
    let Some(path) = output.filter(|p| p.as_os_str() != "-") else {
        return Err(CliError::Usage(
            "a workbook cannot be written to the terminal; give `-o FILE.xlsx`".into(),
        ));
    };
    let fail = |e: rust_xlsxwriter::XlsxError| CliError::Write {
        path: path.clone(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let money = rust_xlsxwriter::Format::new().set_num_format("£#,##0.00");
    let percent = rust_xlsxwriter::Format::new().set_num_format("0.0\"%\"");
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut names: Vec<String> = Vec::new();
    for t in tables {
        let ws = book.add_worksheet();
        let mut name: String = t.sheet.chars().take(31).collect();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{} {n}", t.sheet.chars().take(27).collect::<String>());
            n += 1;
        }
        names.push(name.clone());
        ws.set_name(&name).map_err(fail)?;
        ws.write_string_with_format(0, 0, &t.title, &bold)
            .map_err(fail)?;
        for (c, h) in t.columns.iter().enumerate() {
            ws.write_string_with_format(1, c as u16, h, &bold)
                .map_err(fail)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 2;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                // Excel holds numbers as binary floats; money to the penny fits.
                match cell {
                    Cell::Money(m) => {
                        ws.write_number_with_format(r, c, m.to_f64().unwrap_or(0.0), &money)
                    }
                    Cell::Percent(p) => {
                        ws.write_number_with_format(r, c, p.to_f64().unwrap_or(0.0), &percent)
                    }
                    Cell::Count(n) => ws.write_number(r, c, *n as f64),
                    Cell::Quantity(v, unit) if unit.rate_of().is_some() => {
                        ws.write_number_with_format(r, c, v.to_f64().unwrap_or(0.0), &money)
                    }
                    Cell::Number(v) | Cell::Quantity(v, _) => {
                        ws.write_number(r, c, v.to_f64().unwrap_or(0.0))
                    }
                    Cell::Empty => continue,
                    Cell::Text(t) => ws.write_string(r, c, t),
                }
                .map_err(fail)?;
            }
        }
        let below = t.rows.len() as u32 + 3;
        for (i, note) in t.notes.iter().enumerate() {
            ws.write_string(below + i as u32, 0, note).map_err(fail)?;
        }
        ws.autofit();
    }
    let (staged, file) = Staged::create(path)?;
    drop(file);
    book.save(staged.temp_path()).map_err(fail)?;
    staged.commit()
}

/// Writes tables in a table format (text, Markdown, CSV, workbook).
pub fn write_tables(
    format: Format,
    output: Option<&PathBuf>,
    heading: &[String],
    tables: &[Table],
) -> Result<(), CliError> {
    match format {
        Format::Text => write_out(output, &table::to_text(heading, tables)),
        Format::Markdown => write_out(output, &table::to_markdown(heading, tables)),
        Format::Csv => write_out(output, &table::to_csv(tables)),
        Format::Xlsx => write_workbook(output, tables),
        Format::Json | Format::Html => Err(CliError::Internal(
            "json and html are not table formats".into(),
        )),
    }
}

/// Refuses an output file that is the caseload or the rule file.
pub fn refuse_overwriting(output: Option<&PathBuf>, inputs: &[&Path]) -> Result<(), CliError> {
    if let Some(out) = output.filter(|p| p.as_os_str() != "-") {
        for input in inputs {
            if files::same_file(out, input) {
                return Err(CliError::Usage(format!(
                    "the output `{}` is the input `{}`: writing it would destroy it\n  help: give `-o` another file",
                    out.display(),
                    input.display()
                )));
            }
        }
    }
    Ok(())
}

/// A tolerance written `10%` or `10`.
pub fn tolerance(text: &str) -> Result<rust_decimal::Decimal, String> {
    let t = text.trim().trim_end_matches('%').trim_end();
    match crate::number::parse_decimal(t) {
        Ok(v) if v >= rust_decimal::Decimal::ZERO && v <= rust_decimal::Decimal::ONE_HUNDRED => {
            Ok(v)
        }
        _ => Err(format!(
            "`{text}` is not a tolerance; write a percentage from 0% to 100%, e.g. 10%"
        )),
    }
}
