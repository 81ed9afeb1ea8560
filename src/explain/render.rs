//! A [`Document`] as text for a terminal, Markdown for case notes, or one
//! self-contained HTML page (inline CSS, A4 print, real headings and table
//! headers for screen readers).

use super::{Block, Document, Table};
use std::fmt::Write;

/// How an explanation is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for a terminal.
    Text,
    /// Markdown, for case notes.
    Markdown,
    /// One HTML page.
    Html,
}

/// The document written in the format.
pub fn render(doc: &Document, format: Format) -> String {
    match format {
        Format::Text => text(doc),
        Format::Markdown => markdown(doc),
        Format::Html => html(doc),
    }
}

fn text(doc: &Document) -> String {
    let mut out = String::new();
    let rule = |s: &str, c: char| c.to_string().repeat(s.chars().count());
    let _ = writeln!(out, "{}\n{}\n", doc.title, rule(&doc.title, '='));
    for p in &doc.lead {
        let _ = writeln!(out, "{p}\n");
    }
    for s in &doc.sections {
        let _ = writeln!(out, "{}\n{}\n", s.heading, rule(&s.heading, '-'));
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "{p}\n");
                }
                Block::Items(items) => {
                    for i in items {
                        let _ = writeln!(out, "  - {i}");
                    }
                    out.push('\n');
                }
                Block::Steps(steps) => {
                    for (n, step) in steps.iter().enumerate() {
                        let _ = writeln!(out, "  {}. {}: {}", n + 1, step.title, step.text);
                        for d in &step.details {
                            let _ = writeln!(out, "       - {d}");
                        }
                    }
                    out.push('\n');
                }
                Block::Table(t) => {
                    let _ = writeln!(out, "{}:", t.caption);
                    for row in &t.rows {
                        let cells: Vec<String> = t
                            .head
                            .iter()
                            .zip(row)
                            .skip(1)
                            .filter(|(_, c)| !c.is_empty())
                            .map(|(h, c)| format!("{}: {c}", h.to_lowercase()))
                            .collect();
                        let first = row.first().map(String::as_str).unwrap_or_default();
                        let _ = writeln!(out, "  - {first} — {}", cells.join("; "));
                    }
                    out.push('\n');
                }
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Markdown table cells cannot hold `|` or line breaks.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", doc.title);
    for p in &doc.lead {
        let _ = writeln!(out, "**{p}**\n");
    }
    for s in &doc.sections {
        let _ = writeln!(out, "## {}\n", s.heading);
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "{p}\n");
                }
                Block::Items(items) => {
                    for i in items {
                        let _ = writeln!(out, "- {i}");
                    }
                    out.push('\n');
                }
                Block::Steps(steps) => {
                    for (n, step) in steps.iter().enumerate() {
                        let _ = writeln!(out, "{}. **{}**: {}", n + 1, step.title, step.text);
                        for d in &step.details {
                            let _ = writeln!(out, "   - {d}");
                        }
                    }
                    out.push('\n');
                }
                Block::Table(t) => md_table(&mut out, t),
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn md_table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "*{}*\n", t.caption);
    let head: Vec<String> = t.head.iter().map(|h| md_cell(h)).collect();
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(t.head.len()));
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

const CSS: &str = "\
@page { size: A4; margin: 18mm 16mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 12pt; line-height: 1.45; color: #111; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 0.6em; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; padding-bottom: 0.2em; border-bottom: 1px solid #999; break-after: avoid; }
.lead { border: 2px solid #111; padding: 0.6em 1em; margin: 0 0 1.2em; }
.lead p:first-child { font-size: 1.25em; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1.2em; break-inside: auto; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
thead th { background: #eee; }
/* The same column widths in every table, so the answers line up domain after domain. */
thead th:first-child { width: 45%; }
tbody th { font-weight: normal; }
tr { break-inside: avoid; }
td.figure { white-space: nowrap; }
ol.steps > li { margin-bottom: 0.6em; }
ol.steps ul { margin: 0.2em 0 0; color: #333; }
.fingerprint { word-break: break-all; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } }
";

fn html(doc: &Document) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        esc(&doc.title),
        esc(&doc.title)
    );
    out.push_str("<div class=\"lead\">\n");
    for p in &doc.lead {
        let _ = writeln!(out, "<p>{}</p>", esc(p));
    }
    out.push_str("</div>\n");
    for s in &doc.sections {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", esc(&s.heading));
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "<p>{}</p>", esc(p));
                }
                Block::Items(items) => {
                    out.push_str("<ul>\n");
                    for i in items {
                        let class = if i.starts_with("Fingerprint") {
                            " class=\"fingerprint\""
                        } else {
                            ""
                        };
                        let _ = writeln!(out, "<li{class}>{}</li>", esc(i));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Steps(steps) => {
                    out.push_str("<ol class=\"steps\">\n");
                    for step in steps {
                        let _ = write!(
                            out,
                            "<li><strong>{}</strong>: {}",
                            esc(&step.title),
                            esc(&step.text)
                        );
                        if !step.details.is_empty() {
                            out.push_str("\n<ul>\n");
                            for d in &step.details {
                                let _ = writeln!(out, "<li>{}</li>", esc(d));
                            }
                            out.push_str("</ul>\n");
                        }
                        out.push_str("</li>\n");
                    }
                    out.push_str("</ol>\n");
                }
                Block::Table(t) => html_table(&mut out, t),
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn html_table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "<table>\n<caption>{}</caption>", esc(&t.caption));
    out.push_str("<thead>\n<tr>");
    for h in &t.head {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{}</th>", esc(c));
            } else if c.chars().count() <= 16 {
                let _ = write!(out, "<td class=\"figure\">{}</td>", esc(c));
            } else {
                let _ = write!(out, "<td>{}</td>", esc(c));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}
