//! Tokens -> canonical text: line breaks, indentation, spaces and aligned
//! table columns.

use super::tokens::{Kind, RowKind, Token};

/// One line of output before it is written out.
#[derive(Debug)]
struct Line {
    indent: usize,
    /// Indexes of its tokens (an own-line comment is a line of one token).
    tokens: Vec<usize>,
    /// A comment at its end.
    comment: Option<usize>,
    /// A blank line goes before it.
    blank_before: bool,
}

/// Lays the tokens out in the canonical layout.
pub(super) fn layout(tokens: &[Token]) -> String {
    let lines = break_lines(tokens);
    render(tokens, &lines)
}

fn break_lines(tokens: &[Token]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    // The indentation of each open block's contents; the file's is 0.
    let mut blocks: Vec<usize> = vec![0];
    for (i, t) in tokens.iter().enumerate() {
        let inside = blocks.last().copied().unwrap_or(0);
        let prev = i.checked_sub(1).and_then(|p| tokens.get(p));
        let after_open = prev.is_some_and(|p| p.is_punct('{'));
        if t.kind == Kind::Comment {
            if let (Some(line), 0) = (lines.last_mut(), t.breaks_before) {
                if line.comment.is_none() {
                    line.comment = Some(i);
                    continue;
                }
            }
            let indent = match tokens[i + 1..].iter().find(|n| n.kind != Kind::Comment) {
                None => inside,
                Some(n) if n.is_punct('}') || n.starts_unit || after_open => inside,
                Some(_) => inside + 2,
            };
            lines.push(Line {
                indent,
                tokens: vec![i],
                comment: None,
                blank_before: t.breaks_before >= 2 && !after_open && !lines.is_empty(),
            });
            continue;
        }
        let new_line = match prev {
            None => true,
            Some(p) => {
                p.kind == Kind::Comment
                    || p.is_punct('{')
                    || t.is_punct('}')
                    || t.starts_unit
                    || (t.may_break && t.breaks_before > 0)
            }
        };
        let closing = t.is_punct('}');
        match lines.last_mut() {
            Some(line) if !new_line => line.tokens.push(i),
            _ => {
                let indent = if closing {
                    inside.saturating_sub(2)
                } else if t.starts_unit {
                    inside
                } else {
                    inside + 2
                };
                lines.push(Line {
                    indent,
                    tokens: vec![i],
                    comment: None,
                    blank_before: t.breaks_before >= 2
                        && !after_open
                        && !closing
                        && !lines.is_empty(),
                });
            }
        }
        if t.is_punct('{') {
            let indent = lines.last().map_or(0, |l| l.indent);
            blocks.push(indent + 2);
        } else if closing && blocks.len() > 1 {
            blocks.pop();
        }
    }
    lines
}

/// Whether a space goes between two tokens on one line.
fn spaced(a: &Token, b: &Token) -> bool {
    use crate::syntax::parser::Rule;
    if matches!(b.kind, Kind::Punct(',' | ':' | ')' | ']')) || b.call_paren {
        return false;
    }
    if matches!(a.kind, Kind::Punct('(' | '[')) || a.kind == Kind::Word(Rule::neg) {
        return false;
    }
    // `10%`, but `38 pts`.
    !(b.kind == Kind::Word(Rule::unit) && b.text == "%" && a.kind == Kind::Word(Rule::number))
}

fn join(tokens: &[Token], indexes: &[usize]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Token> = None;
    for &i in indexes {
        let t = &tokens[i];
        if prev.is_some_and(|p| spaced(p, t)) {
            out.push(' ');
        }
        out.push_str(&t.text);
        prev = Some(t);
    }
    out
}

/// A line that is a whole table row on its own: its row and its cells.
fn row_of(tokens: &[Token], lines: &[Line], n: usize) -> Option<(RowKind, Vec<String>)> {
    let line = &lines[n];
    let first = tokens.get(*line.tokens.first()?)?;
    let (id, kind) = first.row?;
    if !first.starts_unit
        || line
            .tokens
            .iter()
            .any(|&i| tokens[i].row.map(|r| r.0) != Some(id))
    {
        return None;
    }
    // The row must end on this line.
    let continues = lines
        .get(n + 1)
        .and_then(|next| next.tokens.first())
        .is_some_and(|&i| {
            tokens[i].kind != Kind::Comment && tokens[i].row.map(|r| r.0) == Some(id)
        });
    if continues {
        return None;
    }
    let mut cells: Vec<Vec<usize>> = Vec::new();
    for &i in &line.tokens {
        let c = tokens[i].column;
        while cells.len() <= c {
            cells.push(Vec::new());
        }
        cells[c].push(i);
    }
    Some((kind, cells.iter().map(|c| join(tokens, c)).collect()))
}

/// Values line up on their last digit; names, sentences and ranges on their first letter.
fn right_aligned(kind: RowKind, column: usize) -> bool {
    match kind {
        RowKind::Option => column >= 2,
        RowKind::Keyed | RowKind::Dated | RowKind::Band => column >= 1,
        RowKind::Cohort | RowKind::AttributeValue | RowKind::Choice => false,
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn render(tokens: &[Token], lines: &[Line]) -> String {
    let mut texts: Vec<String> = lines.iter().map(|l| join(tokens, &l.tokens)).collect();
    // Rows of one table, one after another with no blank line between, share
    // column widths; comments on lines of their own do not break the table.
    let rows: Vec<Option<(RowKind, Vec<String>)>> =
        (0..lines.len()).map(|n| row_of(tokens, lines, n)).collect();
    let mut n = 0;
    while n < lines.len() {
        let Some((kind, _)) = &rows[n] else {
            n += 1;
            continue;
        };
        let kind = *kind;
        let mut members = vec![n];
        let mut m = n + 1;
        while m < lines.len() && !lines[m].blank_before {
            match &rows[m] {
                Some((k, _)) if *k == kind => members.push(m),
                None if is_own_comment(tokens, &lines[m]) => {}
                _ => break,
            }
            m += 1;
        }
        let mut widths: Vec<usize> = Vec::new();
        for &r in &members {
            if let Some((_, cells)) = &rows[r] {
                for (c, cell) in cells.iter().enumerate() {
                    if widths.len() <= c {
                        widths.push(0);
                    }
                    // A name or sentence is padded only to meet a cell after
                    // it, so the longest one that ends its row sets nothing.
                    if right_aligned(kind, c) || c + 1 < cells.len() {
                        widths[c] = widths[c].max(width(cell));
                    }
                }
            }
        }
        for &r in &members {
            if let Some((_, cells)) = &rows[r] {
                let mut out = String::new();
                for (c, cell) in cells.iter().enumerate() {
                    if c > 0 {
                        out.push(' ');
                    }
                    let pad = widths[c].saturating_sub(width(cell));
                    let last = c + 1 == cells.len();
                    if right_aligned(kind, c) {
                        out.push_str(&" ".repeat(pad));
                        out.push_str(cell);
                    } else {
                        out.push_str(cell);
                        if !last {
                            out.push_str(&" ".repeat(pad));
                        }
                    }
                }
                texts[r] = out;
            }
        }
        n = m;
    }
    // Comments at the ends of consecutive lines start in one column, two
    // spaces after the longest of those lines.
    let mut comment_column = vec![0; lines.len()];
    let mut n = 0;
    while n < lines.len() {
        if lines[n].comment.is_none() {
            n += 1;
            continue;
        }
        let mut m = n;
        while m < lines.len() && lines[m].comment.is_some() && (m == n || !lines[m].blank_before) {
            m += 1;
        }
        let column = (n..m)
            .map(|k| lines[k].indent + width(&texts[k]))
            .max()
            .unwrap_or(0)
            + 2;
        for slot in &mut comment_column[n..m] {
            *slot = column;
        }
        n = m;
    }
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        if line.blank_before {
            out.push('\n');
        }
        let mut text = " ".repeat(line.indent);
        text.push_str(&texts[n]);
        if let Some(c) = line.comment {
            let pad = comment_column[n].saturating_sub(width(&text)).max(1);
            text.push_str(&" ".repeat(pad));
            text.push_str(&tokens[c].text);
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

fn is_own_comment(tokens: &[Token], line: &Line) -> bool {
    line.tokens.len() == 1 && tokens[line.tokens[0]].kind == Kind::Comment
}
