//! The document as Markdown (CommonMark with pipe tables), for case notes,
//! wikis and review in version control.

use super::document::{Block, Document, Piece, Section, Table, Text};

/// Markdown text of the document, ending with a line break.
pub fn render(doc: &Document) -> String {
    let mut out = format!("# {}\n\n{}\n\n", escape(&doc.title), escape(&doc.council));
    out.push_str("## Contents\n\n");
    contents(&mut out, &doc.sections, 0);
    for s in &doc.sections {
        section(&mut out, s, 2);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn contents(out: &mut String, sections: &[Section], depth: usize) {
    for s in sections {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&format!("- [{}](#{})\n", inline(&s.heading), s.id));
        // The contents go two levels down: the examples and domains, not
        // every table.
        if depth == 0 {
            contents(out, &s.subsections, depth + 1);
        }
    }
    if depth == 0 {
        out.push('\n');
    }
}

fn section(out: &mut String, s: &Section, level: usize) {
    // An explicit anchor, so the contents' links do not depend on how a
    // viewer turns headings into ids.
    out.push_str(&format!(
        "<a id=\"{}\"></a>\n\n{} {}\n\n",
        s.id,
        "#".repeat(level.min(6)),
        inline(&s.heading)
    ));
    for b in &s.blocks {
        block(out, b);
    }
    for sub in &s.subsections {
        section(out, sub, level + 1);
    }
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Paragraph(t) => {
            out.push_str(&line_start(&inline(t)));
            out.push_str("\n\n");
        }
        Block::Facts(facts) => {
            for (term, value) in facts {
                out.push_str(&format!("- **{}:** {}\n", inline(term), inline(value)));
            }
            out.push('\n');
        }
        Block::List(items) => {
            for item in items {
                out.push_str(&format!("- {}\n", inline(item)));
            }
            out.push('\n');
        }
        Block::Numbered(items) => {
            for (i, item) in items.iter().enumerate() {
                out.push_str(&format!("{}. {}\n", i + 1, inline(item)));
            }
            out.push('\n');
        }
        Block::Table(t) => table(out, t),
    }
}

fn table(out: &mut String, t: &Table) {
    out.push_str(&format!("**{}**\n\n", inline(&t.caption)));
    let row = |cells: &[Text]| {
        let cells: Vec<String> = cells.iter().map(|c| cell(&inline(c))).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    out.push_str(&row(&t.head));
    let rule: Vec<&str> = (0..t.head.len())
        .map(|i| {
            if t.figures.get(i) == Some(&true) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for r in &t.rows {
        out.push_str(&row(r));
    }
    out.push('\n');
}

/// A table cell: a pipe would end it and a line break would end the row.
fn cell(text: &str) -> String {
    text.replace("\\\n   ", " ")
        .replace('|', "\\|")
        .replace('\n', " ")
}

fn inline(t: &Text) -> String {
    let mut out = String::new();
    for p in &t.0 {
        match p {
            Piece::Words(w) => out.push_str(&escape(w)),
            Piece::Code(c) => out.push_str(&code(c)),
            Piece::Quote(q) => {
                out.push('“');
                out.push_str(&escape(q));
                out.push('”');
            }
            // A backslash before the line end is CommonMark's hard break;
            // the indent keeps the line inside a list item.
            Piece::Break => out.push_str("\\\n   "),
        }
    }
    out
}

/// A code span long enough that backticks inside it do not end it.
fn code(text: &str) -> String {
    let mut run = 0;
    let mut longest = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Words with every character Markdown would read as markup escaped. An
/// underscore inside a word is not markup, so `older_people` stays readable.
fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let inside_word = |i: usize| {
            i > 0
                && chars.get(i - 1).is_some_and(|c| c.is_alphanumeric())
                && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric())
        };
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(*c);
            }
            '_' if !inside_word(i) => out.push_str("\\_"),
            '&' => out.push_str("&amp;"),
            c => out.push(*c),
        }
    }
    out
}

/// A paragraph starting with `#`, `-`, `+`, `=` or `1.` would become a
/// heading or a list.
fn line_start(text: &str) -> String {
    let starts_block = text.starts_with(['#', '-', '+', '='])
        || text
            .split_once(['.', ')'])
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if starts_block {
        format!("\\{text}")
    } else {
        text.to_string()
    }
}
