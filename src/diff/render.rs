//! The report in four forms: text for a terminal, Markdown for a pull request
//! or a committee paper, HTML (one file, charts drawn in SVG), and JSON.
//!
//! Text, Markdown and HTML are printed from one list of blocks, so they say
//! the same things in the same order.

use super::impact::{Counts, Impact, Largest, BINS, HISTOGRAM};
use super::{Change, Kind, Version};
use crate::eval::{format_quantity, format_value};
use crate::units::Unit;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

/// What a report is made of.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The old version and how to name its file.
    pub old: (&'a Version, &'a str),
    /// The new version and how to name its file.
    pub new: (&'a Version, &'a str),
    /// The changes.
    pub changes: &'a [super::Change],
    /// One impact per output compared (none without a caseload).
    pub impacts: &'a [Impact],
}

enum Block {
    Heading(u8, String),
    Para(String),
    List(Vec<String>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        /// Columns of figures (aligned right).
        right: Vec<bool>,
    },
    Bins(Vec<(String, u64)>),
    Histogram(Box<[u64; HISTOGRAM]>),
}

fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A percentage to one decimal, for reading only (the JSON has the exact totals).
fn percent(part: Decimal, whole: Decimal) -> String {
    if whole.is_zero() {
        return "–".into();
    }
    match part
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(whole))
    {
        Some(p) => {
            let p = p.round_dp(1);
            let sign = if p.is_sign_positive() && !p.is_zero() {
                "+"
            } else {
                ""
            };
            format!("{sign}{p:.1}%")
        }
        None => "–".into(),
    }
}

fn signed(value: Decimal, unit: Unit) -> String {
    let text = format_quantity(value, unit);
    if value.is_sign_positive() && !value.is_zero() {
        format!("+{text}")
    } else {
        text
    }
}

fn year(value: Decimal) -> Decimal {
    value.checked_mul(Decimal::from(52)).unwrap_or(value)
}

fn title(r: &Report<'_>) -> String {
    let (o, n) = (&r.old.0.model().header, &r.new.0.model().header);
    if o.council == n.council {
        format!("{} {} → {}", n.council, o.version, n.version)
    } else {
        format!("{} {} → {} {}", o.council, o.version, n.council, n.version)
    }
}

fn blocks(r: &Report<'_>) -> Vec<Block> {
    let mut out = vec![Block::Heading(1, title(r))];
    out.push(Block::List(vec![
        format!(
            "old: {} \"{}\" (`{}`, fingerprint {})",
            r.old.0.model().header.version,
            r.old.0.model().header.title,
            r.old.1,
            short(r.old.0.plan.fingerprint())
        ),
        format!(
            "new: {} \"{}\" (`{}`, fingerprint {})",
            r.new.0.model().header.version,
            r.new.0.model().header.title,
            r.new.1,
            short(r.new.0.plan.fingerprint())
        ),
    ]));
    changes(r.changes, &mut out);
    for impact in r.impacts {
        impact_blocks(r, impact, &mut out);
    }
    out
}

fn short(fingerprint: &str) -> &str {
    fingerprint.get(..12).unwrap_or(fingerprint)
}

fn section(kind: Kind) -> &'static str {
    match kind {
        Kind::Header => "Header",
        Kind::Cohort => "Cohorts",
        Kind::Attribute => "Case attributes",
        Kind::Domain => "Domains",
        Kind::Question => "Questions",
        Kind::Parameter => "Parameters",
        Kind::Band => "Bands",
        Kind::Step | Kind::Deduction | Kind::Output => "Calculation",
        Kind::Flag => "Flags",
        Kind::Check => "Answer checks",
        Kind::Eligibility => "Eligibility",
        Kind::Route => "Route",
        Kind::Test => "Tests",
    }
}

fn changes(changes: &[Change], out: &mut Vec<Block>) {
    out.push(Block::Heading(
        2,
        match changes.len() {
            0 => "No changes as policy".to_string(),
            1 => "1 change".to_string(),
            n => format!("{} changes", count(n as u64)),
        },
    ));
    let mut at = 0;
    while let Some(first) = changes.get(at) {
        let name = section(first.kind);
        let items: Vec<String> = changes[at..]
            .iter()
            .take_while(|c| section(c.kind) == name)
            .map(|c| c.text.clone())
            .collect();
        at += items.len();
        out.push(Block::Heading(3, name.to_string()));
        out.push(Block::List(items));
    }
}

fn impact_blocks(r: &Report<'_>, i: &Impact, out: &mut Vec<Block>) {
    let t = &i.total;
    let unit = i.unit;
    out.push(Block::Heading(
        2,
        format!(
            "Who gains and who loses: `{}`, {} cases",
            i.output,
            count(t.cases)
        ),
    ));
    let reasons = |why: &[u64; 3]| {
        let words = ["not eligible", "not validated", "a case error"];
        let parts: Vec<String> = why
            .iter()
            .zip(words)
            .filter(|(n, _)| **n > 0)
            .map(|(n, w)| format!("{} {w}", count(*n)))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    };
    out.push(Block::List(vec![
        format!("a figure under both versions: {}", count(t.both)),
        format!(
            "a figure under the new version only: {}{}, {} a week between them",
            count(t.gained_figure),
            reasons(&t.gained_why),
            format_quantity(t.gained_total, unit)
        ),
        format!(
            "a figure under the old version only: {}{}, {} a week between them",
            count(t.lost_figure),
            reasons(&t.lost_why),
            format_quantity(t.lost_total, unit)
        ),
        format!("no figure under either: {}", count(t.neither)),
    ]));
    let mut head = vec![
        String::new(),
        "old".to_string(),
        "new".to_string(),
        "change".to_string(),
        "%".to_string(),
    ];
    let mut rows = vec![totals_row("a week", t, unit, false)];
    if i.weekly {
        rows.push(totals_row("a year (52 weeks)", t, unit, true));
    }
    out.push(Block::Para(format!(
        "Totals over the {} cases with a figure under both versions:",
        count(t.both)
    )));
    out.push(Block::Table {
        head: head.clone(),
        rows,
        right: vec![false, true, true, true, true],
    });
    out.push(Block::Para(format!(
        "{} gain, {} lose, {} are exactly the same.",
        count(t.gainers),
        count(t.losers),
        count(t.unchanged)
    )));
    let bins: Vec<(String, u64)> = BINS
        .iter()
        .enumerate()
        .map(|(n, (_, _, words))| (words.to_string(), t.bins[n]))
        .collect();
    out.push(Block::Table {
        head: vec!["change".into(), "cases".into(), "share".into()],
        rows: bins
            .iter()
            .map(|(w, n)| {
                vec![
                    w.clone(),
                    count(*n),
                    percent(Decimal::from(*n), Decimal::from(t.both)).replace('+', ""),
                ]
            })
            .collect(),
        right: vec![false, true, true],
    });
    out.push(Block::Bins(bins));
    out.push(Block::Histogram(Box::new(i.histogram)));
    for (what, groups) in &i.by {
        out.push(Block::Heading(3, format!("By {what}")));
        head[0] = what.clone();
        let mut group_head = vec![what.clone(), "cases".into(), "both".into()];
        group_head.extend(
            [
                "old a week",
                "new a week",
                "change",
                "%",
                "gain",
                "lose",
                "same",
            ]
            .map(String::from),
        );
        group_head.extend(["lose >5%", "lose ≤5%", "gain ≤5%", "gain >5%"].map(String::from));
        group_head.extend(["new only", "old only"].map(String::from));
        let rows = groups
            .iter()
            .map(|(value, c)| {
                let mut row = vec![
                    format!("`{value}`"),
                    count(c.cases),
                    count(c.both),
                    format_quantity(c.old_total, unit),
                    format_quantity(c.new_total, unit),
                    signed(c.change_total(), unit),
                    percent(c.change_total(), c.old_total),
                    count(c.gainers),
                    count(c.losers),
                    count(c.unchanged),
                ];
                row.extend([0, 1, 3, 4].map(|b| count(c.bins[b])));
                row.extend([count(c.gained_figure), count(c.lost_figure)]);
                row
            })
            .collect();
        let mut right = vec![true; group_head.len()];
        right[0] = false;
        out.push(Block::Table {
            head: group_head,
            rows,
            right,
        });
    }
    for (words, list) in [
        ("Largest gains", &i.largest_gains),
        ("Largest losses", &i.largest_losses),
    ] {
        if list.is_empty() {
            continue;
        }
        out.push(Block::Heading(3, words.to_string()));
        out.push(Block::Table {
            head: ["case", "cohort", "old", "new", "change", "%"]
                .map(String::from)
                .to_vec(),
            rows: list.iter().map(|l| largest_row(l, unit)).collect(),
            right: vec![false, false, true, true, true, true],
        });
    }
    let flags: Vec<&super::impact::FlagChange> = i
        .flags
        .iter()
        .filter(|f| f.raised > 0 || f.cleared > 0)
        .collect();
    if !flags.is_empty() {
        out.push(Block::Heading(3, "Flags".into()));
        out.push(Block::Table {
            head: ["flag", "newly raised", "cleared"]
                .map(String::from)
                .to_vec(),
            rows: flags
                .iter()
                .map(|f| vec![format!("`{}`", f.flag), count(f.raised), count(f.cleared)])
                .collect(),
            right: vec![false, true, true],
        });
    }
    if i.has_route {
        out.push(Block::Heading(3, "Route, old × new".into()));
        let news: std::collections::BTreeSet<&str> =
            i.routes.keys().map(|(_, n)| n.as_str()).collect();
        let olds: std::collections::BTreeSet<&str> =
            i.routes.keys().map(|(o, _)| o.as_str()).collect();
        let mut head = vec!["old \\ new".to_string()];
        head.extend(news.iter().map(|n| format!("`{n}`")));
        let rows = olds
            .iter()
            .map(|o| {
                let mut row = vec![format!("`{o}`")];
                row.extend(news.iter().map(|n| {
                    count(
                        i.routes
                            .get(&(o.to_string(), n.to_string()))
                            .copied()
                            .unwrap_or(0),
                    )
                }));
                row
            })
            .collect();
        let mut right = vec![true; head.len()];
        right[0] = false;
        out.push(Block::Table { head, rows, right });
    }
    if !i.parts.is_empty() {
        out.push(Block::Heading(
            3,
            "The change, split by what caused it".into(),
        ));
        out.push(Block::Para(
            "Each value change applied to the old version in turn, in the order listed; the \
             other changes together make the rest. Over the cases with a figure under both."
                .into(),
        ));
        let mut rows: Vec<Vec<String>> = i
            .parts
            .iter()
            .map(|(change, total)| {
                let words = match change.and_then(|c| r.changes.get(c)) {
                    Some(c) => c.text.clone(),
                    None => "every other change".to_string(),
                };
                vec![words, signed(*total, unit)]
            })
            .collect();
        rows.push(vec!["total".into(), signed(t.change_total(), unit)]);
        out.push(Block::Table {
            head: vec!["change".into(), "a week".into()],
            rows,
            right: vec![false, true],
        });
    }
    out.push(Block::Heading(3, "Status, old × new".into()));
    out.push(Block::Table {
        head: ["old", "new", "cases"].map(String::from).to_vec(),
        rows: i
            .statuses
            .iter()
            .map(|((o, n), c)| vec![o.to_string(), n.to_string(), count(*c)])
            .collect(),
        right: vec![false, false, true],
    });
    if i.overflowed {
        out.push(Block::Para(
            "Warning: a total grew beyond what ras can add up exactly; the totals above are not to be relied on.".into(),
        ));
    }
}

fn totals_row(label: &str, c: &Counts, unit: Unit, annual: bool) -> Vec<String> {
    let scale = |v: Decimal| if annual { year(v) } else { v };
    vec![
        label.to_string(),
        format_quantity(scale(c.old_total), unit),
        format_quantity(scale(c.new_total), unit),
        signed(scale(c.change_total()), unit),
        percent(c.change_total(), c.old_total),
    ]
}

fn largest_row(l: &Largest, unit: Unit) -> Vec<String> {
    vec![
        l.case_id.clone(),
        format!("`{}`", l.cohort),
        format_quantity(l.old, unit),
        format_quantity(l.new, unit),
        signed(l.change(), unit),
        percent(l.change(), l.old),
    ]
}

/// The report for a terminal.
pub fn to_text(r: &Report<'_>) -> String {
    let mut out = String::new();
    for block in blocks(r) {
        match block {
            Block::Heading(1, t) => {
                out.push_str(&t);
                out.push('\n');
            }
            Block::Heading(_, t) => {
                out.push('\n');
                out.push_str(&t);
                out.push('\n');
            }
            Block::Para(t) => {
                out.push_str(&t);
                out.push('\n');
            }
            Block::List(items) => {
                for i in items {
                    out.push_str("  - ");
                    out.push_str(&i);
                    out.push('\n');
                }
            }
            Block::Table { head, rows, right } => {
                let width = |col: usize| {
                    std::iter::once(&head)
                        .chain(&rows)
                        .map(|r| r.get(col).map_or(0, |c| c.chars().count()))
                        .max()
                        .unwrap_or(0)
                };
                let widths: Vec<usize> = (0..head.len()).map(width).collect();
                for row in std::iter::once(&head).chain(&rows) {
                    let mut line = String::from(" ");
                    for (n, cell) in row.iter().enumerate() {
                        let w = widths.get(n).copied().unwrap_or(0);
                        let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
                        line.push(' ');
                        if right.get(n).copied().unwrap_or(false) {
                            line.push_str(&pad);
                            line.push_str(cell);
                        } else {
                            line.push_str(cell);
                            line.push_str(&pad);
                        }
                        line.push(' ');
                    }
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
            }
            Block::Bins(_) | Block::Histogram(_) => {}
        }
    }
    out
}

/// The report in Markdown.
pub fn to_markdown(r: &Report<'_>) -> String {
    let mut out = String::new();
    for block in blocks(r) {
        match block {
            Block::Heading(level, t) => {
                out.push_str(&"#".repeat(usize::from(level)));
                out.push(' ');
                out.push_str(&t);
                out.push_str("\n\n");
            }
            Block::Para(t) => {
                out.push_str(&t);
                out.push_str("\n\n");
            }
            Block::List(items) => {
                for i in items {
                    out.push_str("- ");
                    out.push_str(&i.replace('|', "\\|"));
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::Table { head, rows, right } => {
                let cell = |c: &str| c.replace('|', "\\|");
                out.push_str("| ");
                out.push_str(&head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
                out.push_str(" |\n|");
                for r in &right {
                    out.push_str(if *r { " ---: |" } else { " --- |" });
                }
                out.push('\n');
                for row in rows {
                    out.push_str("| ");
                    out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
                    out.push_str(" |\n");
                }
                out.push('\n');
            }
            Block::Bins(_) | Block::Histogram(_) => {}
        }
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped text with `names` as code.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (n, piece) in escape(text).split('`').enumerate() {
        if n % 2 == 1 {
            out.push_str("<code>");
            out.push_str(piece);
            out.push_str("</code>");
        } else {
            out.push_str(piece);
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;color:#1b1b1b;line-height:1.45}\
h1{font-size:1.6em;border-bottom:2px solid #1d4f91;padding-bottom:.3em}h2{margin-top:1.8em;color:#1d4f91}h3{margin-top:1.4em}\
code{background:#f1f3f5;padding:0 .25em;border-radius:3px;font-size:.92em}\
table{border-collapse:collapse;margin:.6em 0 1em;font-size:.9em}th,td{border:1px solid #d0d4d9;padding:.25em .55em;vertical-align:top}\
th{background:#eef2f7;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
table.wide{font-size:.78em}\
li{margin:.15em 0}figure{margin:1em 0}figcaption{font-size:.9em;color:#444}svg text{font-family:inherit}";

/// The report as one self-contained HTML page (styles inline, charts in SVG).
pub fn to_html(r: &Report<'_>) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title(r))
    ));
    for block in blocks(r) {
        match block {
            Block::Heading(level, t) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", inline(&t)));
            }
            Block::Para(t) => out.push_str(&format!("<p>{}</p>\n", inline(&t))),
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str(&format!("<li>{}</li>\n", inline(&i)));
                }
                out.push_str("</ul>\n");
            }
            Block::Table { head, rows, right } => {
                let class = if head.len() > 8 {
                    " class=\"wide\""
                } else {
                    ""
                };
                out.push_str(&format!("<table{class}>\n<thead><tr>"));
                for h in &head {
                    out.push_str(&format!("<th>{}</th>", inline(h)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (n, c) in row.iter().enumerate() {
                        let class = if right.get(n).copied().unwrap_or(false) {
                            " class=\"n\""
                        } else {
                            ""
                        };
                        out.push_str(&format!("<td{class}>{}</td>", inline(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Bins(bins) => out.push_str(&bins_chart(&bins)),
            Block::Histogram(h) => out.push_str(&histogram_chart(&h)),
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

const BIN_COLOURS: [&str; 5] = ["#b2182b", "#ef8a62", "#9e9e9e", "#67a9cf", "#2166ac"];

/// Horizontal bars, one per bin, with the count at the end of each.
fn bins_chart(bins: &[(String, u64)]) -> String {
    let max = bins.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (150u64, 560u64, 30u64);
    let height = row_h * bins.len() as u64 + 10;
    let mut svg = format!(
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"cases in each of the five bins\">\n",
        label_w + bar_w + 90
    );
    for (n, (words, value)) in bins.iter().enumerate() {
        let y = n as u64 * row_h + 5;
        let w = value * bar_w / max;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>\
<rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{}\"/>\
<text x=\"{}\" y=\"{}\" font-size=\"13\">{}</text>\n",
            label_w - 8,
            y + 17,
            escape(words),
            row_h - 8,
            BIN_COLOURS.get(n).copied().unwrap_or("#888"),
            label_w + w + 6,
            y + 17,
            count(*value)
        ));
    }
    svg.push_str("</svg>\n<figcaption>Cases with a figure under both versions, by how much their figure changed.</figcaption>\n</figure>\n");
    svg
}

/// Columns of the change in percent, in 2% steps, the ends open.
fn histogram_chart(h: &[u64; HISTOGRAM]) -> String {
    // Draw only from the first to the last bucket with cases (at least ±10%).
    let first = h
        .iter()
        .position(|n| *n > 0)
        .unwrap_or(HISTOGRAM / 2)
        .min(16);
    let last = h
        .iter()
        .rposition(|n| *n > 0)
        .unwrap_or(HISTOGRAM / 2)
        .max(25);
    let shown = &h[first..=last];
    let max = shown.iter().copied().max().unwrap_or(0).max(1);
    let (left, plot_h, col_w) = (50u64, 220u64, (760 / shown.len().max(1)) as u64);
    let width = left + col_w * shown.len() as u64 + 20;
    let mut svg = format!(
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{}\" role=\"img\" aria-label=\"histogram of the change in percent\">\n",
        plot_h + 60
    );
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\"/>\n<text x=\"{}\" y=\"14\" font-size=\"12\">tallest column: {} cases</text>\n",
        plot_h + 10,
        width - 10,
        plot_h + 10,
        left - 6,
        count(max)
    ));
    for (k, n) in shown.iter().enumerate() {
        let bucket = first + k;
        let x = left + k as u64 * col_w;
        let bar = n * (plot_h - 24) / max;
        let fill = match bucket.cmp(&(HISTOGRAM / 2)) {
            std::cmp::Ordering::Less => "#ef8a62",
            _ if bucket == HISTOGRAM / 2 && *n > 0 => "#67a9cf",
            _ => "#67a9cf",
        };
        let lower = -40 + 2 * (bucket as i64 - 1);
        let label = match bucket {
            0 => "< -40%".to_string(),
            b if b == HISTOGRAM - 1 => "> 40%".to_string(),
            _ => format!("{lower}%"),
        };
        svg.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{bar}\" fill=\"{fill}\"><title>{label} to {}%: {} cases</title></rect>\n",
            x + 1,
            plot_h + 10 - bar,
            col_w.saturating_sub(2),
            lower + 2,
            count(*n)
        ));
        // The open end below -40% is labelled; the column from -40% beside it is not.
        let crowded = lower == -40 && first == 0;
        if (lower % 10 == 0 && !crowded) || bucket == 0 || bucket == HISTOGRAM - 1 {
            svg.push_str(&format!(
                "<text x=\"{x}\" y=\"{}\" font-size=\"11\">{}</text>\n",
                plot_h + 26,
                escape(&label)
            ));
        }
    }
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">change in the figure (each column 2%; a case exactly unchanged is in the column from 0%)</text>\n</svg>\n<figcaption>How many cases changed by how much, in percent of their old figure.</figcaption>\n</figure>\n",
        width / 2,
        plot_h + 48
    ));
    svg
}

fn counts_json(c: &Counts, unit: Unit) -> Value {
    let v = |d: Decimal| Value::String(format_value(d, unit));
    let why = |w: &[u64; 3]| json!({"not_eligible": w[0], "not_validated": w[1], "error": w[2]});
    let bins: Map<String, Value> = BINS
        .iter()
        .enumerate()
        .map(|(n, (_, key, _))| (key.to_string(), json!(c.bins[n])))
        .collect();
    json!({
        "cases": c.cases,
        "both": c.both,
        "gained_figure": c.gained_figure,
        "lost_figure": c.lost_figure,
        "neither": c.neither,
        "gained_why": why(&c.gained_why),
        "lost_why": why(&c.lost_why),
        "old_total": v(c.old_total),
        "new_total": v(c.new_total),
        "change_total": v(c.change_total()),
        "gained_total": v(c.gained_total),
        "lost_total": v(c.lost_total),
        "gainers": c.gainers,
        "losers": c.losers,
        "unchanged": c.unchanged,
        "bins": bins,
    })
}

fn impact_json(r: &Report<'_>, i: &Impact) -> Value {
    let mut out = match counts_json(&i.total, i.unit) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    out.insert("output".into(), json!(i.output));
    out.insert("unit".into(), json!(i.unit.symbol()));
    let by: Map<String, Value> =
        i.by.iter()
            .map(|(what, groups)| {
                let g: Map<String, Value> = groups
                    .iter()
                    .map(|(k, c)| (k.clone(), counts_json(c, i.unit)))
                    .collect();
                (what.clone(), Value::Object(g))
            })
            .collect();
    out.insert("by".into(), Value::Object(by));
    let largest = |list: &[Largest]| -> Value {
        list.iter()
            .map(|l| {
                json!({"case_id": l.case_id, "cohort": l.cohort,
                       "old": format_value(l.old, i.unit), "new": format_value(l.new, i.unit),
                       "change": format_value(l.change(), i.unit)})
            })
            .collect()
    };
    out.insert("largest_gains".into(), largest(&i.largest_gains));
    out.insert("largest_losses".into(), largest(&i.largest_losses));
    out.insert(
        "flags".into(),
        i.flags
            .iter()
            .map(|f| json!({"flag": f.flag, "raised": f.raised, "cleared": f.cleared}))
            .collect(),
    );
    out.insert(
        "routes".into(),
        i.routes
            .iter()
            .map(|((o, n), c)| json!({"old": o, "new": n, "cases": c}))
            .collect(),
    );
    out.insert(
        "statuses".into(),
        i.statuses
            .iter()
            .map(|((o, n), c)| json!({"old": o, "new": n, "cases": c}))
            .collect(),
    );
    out.insert(
        "parts".into(),
        i.parts
            .iter()
            .map(|(c, total)| {
                let change = c.and_then(|c| r.changes.get(c)).map(|c| c.text.clone());
                json!({"change": change, "total": format_value(*total, i.unit)})
            })
            .collect(),
    );
    out.insert("histogram".into(), json!(i.histogram.to_vec()));
    out.insert("overflowed".into(), json!(i.overflowed));
    Value::Object(out)
}

/// The report as JSON (amounts weekly, as exact decimal strings).
pub fn to_json(r: &Report<'_>) -> String {
    let side = |(v, name): (&Version, &str)| {
        let h = &v.model().header;
        json!({"file": name, "council": h.council, "title": h.title, "version": h.version,
               "fingerprint": v.plan.fingerprint()})
    };
    let changes: Vec<Value> = r
        .changes
        .iter()
        .map(|c| json!({"kind": c.kind, "name": c.name, "text": c.text, "value_change": c.value.is_some()}))
        .collect();
    let mut out = json!({"old": side(r.old), "new": side(r.new), "changes": changes});
    if let (Value::Object(m), Some(first)) = (&mut out, r.impacts.first()) {
        m.insert("impact".into(), impact_json(r, first));
        if r.impacts.len() > 1 {
            m.insert(
                "impacts".into(),
                r.impacts.iter().map(|i| impact_json(r, i)).collect(),
            );
        }
    }
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}
