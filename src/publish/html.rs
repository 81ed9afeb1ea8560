//! The document as one self-contained HTML page: styles inline, no scripts,
//! no fonts or images fetched; it reads on screen and prints on A4.

use super::document::{Block, Document, Piece, Section, Table, Text};

/// The page's styles. Printing: A4 with margins, a table row never split
/// across pages, table headings repeated on each page, a heading kept with
/// what follows it.
const STYLE: &str = "\
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.45; color: #0b0c0c; background: #fff; }
body { max-width: 48em; margin: 0 auto; padding: 1.5em 1em 3em; }
header { border-bottom: 3px solid #0b0c0c; margin-bottom: 1.5em; }
h1 { font-size: 1.9em; margin: 0 0 0.2em; line-height: 1.2; }
.council { font-size: 1.2em; margin: 0 0 0.8em; }
h2 { font-size: 1.45em; margin: 1.8em 0 0.5em; padding-top: 0.4em; border-top: 1px solid #b1b4b6; }
nav h2 { border-top: none; margin-top: 0; }
h3 { font-size: 1.2em; margin: 1.5em 0 0.4em; }
h4 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
h2, h3, h4, caption { break-after: avoid; page-break-after: avoid; }
p, li { max-width: 44em; }
code { font-family: Consolas, 'Courier New', monospace; font-size: 0.95em; background: #f3f2f1; padding: 0 0.2em; }
dd code { overflow-wrap: anywhere; }
.quote { font-style: italic; }
nav ol { padding-left: 1.4em; }
nav ol ol { list-style: none; padding-left: 1em; columns: 2; column-gap: 2em; }
nav li { margin: 0.1em 0; }
dl.facts { display: grid; grid-template-columns: minmax(10em, max-content) 1fr; gap: 0.3em 1.2em; margin: 1em 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.6em 0 1.4em; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0 0 0.4em; }
th, td { border: 1px solid #b1b4b6; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
thead th { background: #f3f2f1; }
tbody th { font-weight: normal; }
.figure { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; width: 1%; }
.code { white-space: nowrap; width: 1%; }
tr, dt, dd, li { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
table.short { break-inside: avoid; page-break-inside: avoid; }
ol.steps > li { margin-bottom: 0.6em; }
@media print {
  body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  nav { break-after: page; page-break-after: always; }
  h2 { border-top: none; }
}
";

/// Tables of at most this many rows are not split across pages.
const SHORT_TABLE_ROWS: usize = 12;

/// The page.
pub fn render(doc: &Document) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{} — {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape(&doc.title),
        escape(&doc.council)
    ));
    out.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"council\">{}</p>\n</header>\n",
        escape(&doc.title),
        escape(&doc.council)
    ));
    out.push_str("<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n");
    contents(&mut out, &doc.sections, 0);
    out.push_str("</nav>\n<main>\n");
    for s in &doc.sections {
        section(&mut out, s, 2);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn contents(out: &mut String, sections: &[Section], depth: usize) {
    out.push_str("<ol>\n");
    for s in sections {
        out.push_str(&format!(
            "<li><a href=\"#{}\">{}</a>",
            escape(&s.id),
            inline(&s.heading)
        ));
        if depth == 0 && !s.subsections.is_empty() {
            out.push('\n');
            contents(out, &s.subsections, depth + 1);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
}

fn section(out: &mut String, s: &Section, level: usize) {
    let level = level.min(6);
    out.push_str(&format!(
        "<section aria-labelledby=\"{id}\">\n<h{level} id=\"{id}\">{}</h{level}>\n",
        inline(&s.heading),
        id = escape(&s.id)
    ));
    for b in &s.blocks {
        block(out, b);
    }
    for sub in &s.subsections {
        section(out, sub, level + 1);
    }
    out.push_str("</section>\n");
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Paragraph(t) => out.push_str(&format!("<p>{}</p>\n", inline(t))),
        Block::Facts(facts) => {
            out.push_str("<dl class=\"facts\">\n");
            for (term, value) in facts {
                out.push_str(&format!(
                    "<dt>{}</dt><dd>{}</dd>\n",
                    inline(term),
                    inline(value)
                ));
            }
            out.push_str("</dl>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                out.push_str(&format!("<li>{}</li>\n", inline(item)));
            }
            out.push_str("</ul>\n");
        }
        Block::Numbered(items) => {
            out.push_str("<ol class=\"steps\">\n");
            for item in items {
                out.push_str(&format!("<li>{}</li>\n", inline(item)));
            }
            out.push_str("</ol>\n");
        }
        Block::Table(t) => table(out, t),
    }
}

fn table(out: &mut String, t: &Table) {
    // A table that fits on a page is kept on one; a longer one breaks
    // between rows, its headings repeated.
    let short = if t.rows.len() <= SHORT_TABLE_ROWS {
        " class=\"short\""
    } else {
        ""
    };
    out.push_str(&format!(
        "<table{short}>\n<caption>{}</caption>\n<thead>\n<tr>",
        inline(&t.caption)
    ));
    for (i, h) in t.head.iter().enumerate() {
        out.push_str(&format!(
            "<th scope=\"col\"{}>{}</th>",
            class(t, i),
            inline(h)
        ));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            // The first cell names the row, for screen readers.
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let close = if i == 0 { "th" } else { "td" };
            out.push_str(&format!("<{tag}{}>{}</{close}>", class(t, i), inline(c)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Columns of figures are right-aligned; columns of codes alone are as
/// narrow as their codes, so the words beside them get the room.
fn class(t: &Table, column: usize) -> &'static str {
    let codes_only = !t.rows.is_empty()
        && t.rows.iter().all(|r| {
            r.get(column)
                .is_some_and(|c| matches!(c.0.as_slice(), [Piece::Code(_)]))
        });
    if t.figures.get(column) == Some(&true) {
        " class=\"figure\""
    } else if codes_only {
        " class=\"code\""
    } else {
        ""
    }
}

fn inline(t: &Text) -> String {
    let mut out = String::new();
    for p in &t.0 {
        match p {
            Piece::Words(w) => out.push_str(&escape(w)),
            Piece::Code(c) => out.push_str(&format!("<code>{}</code>", escape(c))),
            Piece::Quote(q) => out.push_str(&format!("<q class=\"quote\">{}</q>", escape(q))),
            Piece::Break => out.push_str("<br>"),
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
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
