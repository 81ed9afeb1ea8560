//! Going on after a syntax error: where the broken declaration starts, where
//! reading picks up again (the next declaration keyword), and what the broken
//! text may have declared, so the checker does not report those names as
//! unknown.

use super::errors::DECLARATION_KEYWORDS;
use super::scan::{pieces, PieceKind};
use super::span::Span;

/// A declaration that could not be read, left out of the syntax tree up to
/// the next declaration keyword.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The text left out.
    pub span: Span,
    /// The declaration keyword it starts with (`let`, `cohorts`, …), or `None`
    /// when it starts with something else (a misspelt keyword), so it may have
    /// been any declaration.
    pub keyword: Option<&'static str>,
    /// Every name written in it, outside strings and comments: any of them may
    /// be one it declares.
    pub names: Vec<String>,
}

impl Skipped {
    /// What is known of the text `span` of `source`.
    pub(super) fn of(source: &str, span: Span) -> Skipped {
        let text = source.get(span.start..span.end).unwrap_or("");
        let mut names: Vec<String> = Vec::new();
        for (_, word) in words(text) {
            if word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && !super::RESERVED_WORDS.contains(&word)
                && !names.iter().any(|n| n == word)
            {
                names.push(word.to_string());
            }
        }
        let keyword = words(text)
            .next()
            .filter(|(at, _)| *at == 0)
            .and_then(|(_, w)| DECLARATION_KEYWORDS.iter().copied().find(|k| *k == w));
        Skipped {
            span,
            keyword,
            names,
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// True when the word at `at` is part of a longer word or of a warning code
/// such as `unused-question` or `flag-in-money`, so not a keyword.
fn in_warning_code(text: &str, at: usize, word: &str) -> bool {
    let joined = |c: char| is_word_char(c) || c == '-' || c == ':';
    text[..at].ends_with(joined) || text[at + word.len()..].starts_with(joined)
}

/// The words (runs of letters, digits and `_`) of `text` outside strings and
/// comments, with their offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    pieces(text)
        .filter(|p| p.kind == PieceKind::Code)
        .flat_map(move |p| {
            let code = &text[p.span.start..p.span.end];
            let mut rest = code.char_indices().peekable();
            std::iter::from_fn(move || {
                while let Some(&(i, c)) = rest.peek() {
                    if is_word_char(c) {
                        let mut end = i;
                        while let Some(&(j, d)) = rest.peek() {
                            if !is_word_char(d) {
                                break;
                            }
                            end = j + d.len_utf8();
                            rest.next();
                        }
                        return Some((p.span.start + i, &code[i..end]));
                    }
                    rest.next();
                }
                None
            })
        })
}

/// Where the first declaration of `text` starts: after layout and comments.
pub(super) fn item_start(text: &str) -> usize {
    for piece in pieces(text) {
        match piece.kind {
            PieceKind::Comment => {}
            PieceKind::Text => return piece.span.start,
            PieceKind::Code => {
                let code = &text[piece.span.start..piece.span.end];
                let layout = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}');
                if let Some(i) = code.find(|c: char| !layout(c)) {
                    return piece.span.start + i;
                }
            }
        }
    }
    text.len()
}

/// How far pest needs to see to read the declaration starting at `start`:
/// up to and including the next declaration keyword that can only start a
/// declaration, or the end of `text`.
///
/// pest's errors cost time in proportion to the text after the mistake, so
/// a file with many mistakes would take time in the square of its length if
/// each were read against the rest of the file. A declaration keyword is
/// reserved, so outside brackets it can only be an option code (after `is`,
/// `not`, `in`, `default`, `[` or `,`) or the start of the next declaration;
/// the declaration before it never reads past it.
pub(super) fn read_limit(text: &str, start: usize) -> usize {
    let mut depth: i64 = 0;
    let mut counted = start;
    let mut previous: &str = "";
    let mut last_keyword: Option<&str> = None;
    let region = text.get(start..).unwrap_or("");
    for (at, word) in words(region) {
        let at = start + at;
        let mut last_mark = None;
        for piece in pieces(&text[counted..at]) {
            if piece.kind == PieceKind::Code {
                let code = &text[counted + piece.span.start..counted + piece.span.end];
                for c in code.chars() {
                    match c {
                        '{' | '(' | '[' => depth += 1,
                        '}' | ')' | ']' => depth -= 1,
                        _ => {}
                    }
                    if !c.is_whitespace() && !is_word_char(c) {
                        last_mark = Some(c);
                    }
                }
            }
        }
        counted = at;
        let after = match last_mark {
            Some(',') | Some('[') => ",",
            Some(_) => "",
            None => previous,
        };
        previous = word;
        let declaration = depth == 0
            && DECLARATION_KEYWORDS.contains(&word)
            && !in_warning_code(text, at, word)
            && !matches!(after, "is" | "not" | "in" | "default" | ",");
        if !declaration {
            continue;
        }
        // `allow … "reason"` belongs to the declaration after it.
        if at > start && last_keyword != Some("allow") {
            return at + word.len();
        }
        last_keyword = Some(word);
    }
    text.len()
}

/// Where reading goes on after a mistake at `error_at` in the declaration
/// starting at `start`: the first declaration keyword after the mistake that
/// is outside the declaration's braces, or that starts a line (`flag` and
/// `route` only outside braces, since a test's `expect` also writes them).
/// The end of `text` when there is none.
pub(super) fn resume_point(text: &str, start: usize, error_at: usize) -> usize {
    let from = error_at.max(start + 1);
    let mut depth: i64 = 0;
    let mut counted = start;
    let region = text.get(start..).unwrap_or("");
    for (at, word) in words(region) {
        let at = start + at;
        // Braces between the last word and this one (strings and comments
        // aside) set how deep inside the declaration this word is.
        for piece in pieces(&text[counted..at]) {
            if piece.kind == PieceKind::Code {
                let code = &text[counted + piece.span.start..counted + piece.span.end];
                for c in code.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
            }
        }
        counted = at;
        if at < from || !DECLARATION_KEYWORDS.contains(&word) {
            continue;
        }
        if in_warning_code(text, at, word) {
            continue;
        }
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let starts_line = text[line_start..at].trim().is_empty();
        if depth <= 0 || (starts_line && !matches!(word, "flag" | "route")) {
            return at;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_goes_on_at_the_next_declaration_outside_braces() {
        let text = "let a = 1 +  let b = 2";
        assert_eq!(resume_point(text, 0, 11), 13);
        let text = "test \"t\" { given x 1 expect flag f\n  flag g }\nflag h \"H\" when x";
        assert_eq!(&text[resume_point(text, 0, 20)..], "flag h \"H\" when x");
        let text = "cohorts { a \"A\"\nquestion q \"Q\" yes/no";
        assert_eq!(
            &text[resume_point(text, 0, 16)..],
            "question q \"Q\" yes/no"
        );
        // A keyword in a sentence or a comment is not a declaration.
        let text = "flag f \"let\" # let\n when";
        assert_eq!(resume_point(text, 0, 0), text.len());
    }

    #[test]
    fn pest_reads_no_further_than_the_next_declaration() {
        let text = "flag f \"F\" when health is\nlet\n let b = 1";
        assert_eq!(
            &text[..read_limit(text, 0)],
            "flag f \"F\" when health is\nlet\n let"
        );
        let text = "question q \"Q\" { let \"L\" 5 pts } output o \"O\" = 1";
        assert_eq!(
            &text[read_limit(text, 0) - 6..read_limit(text, 0)],
            "output"
        );
        let text = "allow money-cap \"r\" allow x \"y\"\nlet a = min(b, £5) let";
        assert_eq!(read_limit(text, 0), text.len());
        let text = "allow unused-question \"r\"\nquestion q \"Q\" yes/no let";
        assert_eq!(&text[read_limit(text, 0) - 4..], " let");
        let text = "let x = count(a,\n let)";
        assert_eq!(read_limit(text, 0), text.len());
    }

    #[test]
    fn a_skipped_declaration_knows_its_keyword_and_names() {
        let text = "  let gross = points * # price\n \"x y\" price_per_point +";
        let s = Skipped::of(text, Span::new(2, text.len()));
        assert_eq!(s.keyword, Some("let"));
        assert_eq!(s.names, vec!["gross", "points", "price_per_point"]);
        let s = Skipped::of("paramter p = 1", Span::new(0, 14));
        assert_eq!(s.keyword, None);
        assert_eq!(item_start("  # c\n\t let"), 8);
    }
}
