//! The tables `ras calibrate` and `ras report` print: titled, with typed
//! cells, so that text, Markdown, CSV and workbooks show the same figures.

use crate::eval::format_quantity;
use crate::units::Unit;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Words.
    Text(String),
    /// Pounds, exact (a workbook gives it a £ format).
    Money(Decimal),
    /// A value of another unit (`£4.91/pt`, `38 pts`).
    Quantity(Decimal, Unit),
    /// A percentage as it is to be shown (already rounded).
    Percent(Decimal),
    /// A count.
    Count(u64),
    /// A plain number as it is to be shown (already rounded).
    Number(Decimal),
    /// Nothing to show (e.g. a percentage of nothing).
    Empty,
}

impl Cell {
    /// The cell as text: `£1,210.50`, `97.3%`, `12`.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Money(m) => format_quantity(*m, Unit::Money),
            Cell::Quantity(v, u) => format_quantity(*v, *u),
            Cell::Percent(p) => format!("{p}%"),
            Cell::Count(n) => n.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => "-".to_string(),
        }
    }

    /// The cell as a CSV field: money and numbers without `£` or commas, so
    /// that a spreadsheet reads them as numbers.
    pub fn plain(&self) -> String {
        match self {
            Cell::Money(m) => format!("{:.2}", m),
            Cell::Quantity(v, _) | Cell::Number(v) | Cell::Percent(v) => v.to_string(),
            Cell::Empty => String::new(),
            other => other.text(),
        }
    }

    fn right_aligned(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }
}

/// A titled table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What it shows, e.g. `Sensitivity`.
    pub title: String,
    /// A sheet name for workbooks (at most 31 characters, no `[]:*?/\`).
    pub sheet: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows, as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// Sentences printed under the table (what a figure means, what was left out).
    pub notes: Vec<String>,
}

impl Table {
    /// An empty table.
    pub fn new(title: &str, sheet: &str, columns: &[&str]) -> Table {
        Table {
            title: title.to_string(),
            sheet: sheet.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Tables as aligned text, each under its title.
pub fn to_text(heading: &[String], tables: &[Table]) -> String {
    let mut out = String::new();
    for line in heading {
        let _ = writeln!(out, "{line}");
    }
    for table in tables {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", table.title);
        let cells: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect();
        let widths: Vec<usize> = (0..table.columns.len())
            .map(|c| {
                cells
                    .iter()
                    .filter_map(|r| r.get(c))
                    .chain(table.columns.get(c))
                    .map(|t| t.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |texts: &[String], right: &dyn Fn(usize) -> bool| {
            let mut l = String::from(" ");
            for (c, t) in texts.iter().enumerate() {
                let w = widths.get(c).copied().unwrap_or(0);
                if right(c) {
                    let _ = write!(l, " {t:>w$}");
                } else {
                    let _ = write!(l, " {t:<w$}");
                }
            }
            l.trim_end().to_string()
        };
        let right_of = |c: usize| {
            table
                .rows
                .first()
                .and_then(|r| r.get(c))
                .is_some_and(Cell::right_aligned)
        };
        let _ = writeln!(out, "{}", line(&table.columns, &right_of));
        for (r, row) in cells.iter().enumerate() {
            let right = |c: usize| {
                table
                    .rows
                    .get(r)
                    .and_then(|r| r.get(c))
                    .is_some_and(Cell::right_aligned)
            };
            let _ = writeln!(out, "{}", line(row, &right));
        }
        if table.rows.is_empty() {
            let _ = writeln!(out, "  (none)");
        }
        for note in &table.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    out
}

/// Tables in Markdown, each under a `###` title.
pub fn to_markdown(heading: &[String], tables: &[Table]) -> String {
    let mut out = String::new();
    for (i, line) in heading.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "## {line}\n");
        } else {
            let _ = writeln!(out, "{line}  ");
        }
    }
    for table in tables {
        let _ = writeln!(out, "\n### {}\n", table.title);
        let escape = |t: &str| t.replace('|', "\\|");
        let _ = writeln!(
            out,
            "| {} |",
            table
                .columns
                .iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let rule: Vec<&str> = (0..table.columns.len())
            .map(|c| {
                let right = table
                    .rows
                    .first()
                    .and_then(|r| r.get(c))
                    .is_some_and(Cell::right_aligned);
                if right {
                    "---:"
                } else {
                    "---"
                }
            })
            .collect();
        let _ = writeln!(out, "|{}|", rule.join("|"));
        for row in &table.rows {
            let texts: Vec<String> = row.iter().map(|c| escape(&c.text())).collect();
            let _ = writeln!(out, "| {} |", texts.join(" | "));
        }
        if !table.notes.is_empty() {
            out.push('\n');
            for note in &table.notes {
                let _ = writeln!(out, "{}  ", escape(note));
            }
        }
    }
    out
}

/// Quotes a CSV field when it needs it.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Tables as CSV: each table is a block headed by a row holding its title,
/// then its column headings and rows; a blank line between blocks. Money and
/// percentages are plain numbers.
pub fn to_csv(tables: &[Table]) -> String {
    let mut out = String::new();
    for (i, table) in tables.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", csv_field(&table.title));
        let heads: Vec<String> = table.columns.iter().map(|c| csv_field(c)).collect();
        let _ = writeln!(out, "{}", heads.join(","));
        for row in &table.rows {
            let cells: Vec<String> = row.iter().map(|c| csv_field(&c.plain())).collect();
            let _ = writeln!(out, "{}", cells.join(","));
        }
    }
    out
}

#[cfg(test)]
mod tests;
