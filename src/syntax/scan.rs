//! The one scanner of a rule file's layout: which bytes are code, which are a
//! sentence in quotes and which are a `#` comment.
//!
//! Input: rule-file text (or any part of it that starts outside a string).
//! Output: the [`Piece`]s that tile it, in order. Everything that must know
//! where strings and comments are (the comment list kept for the formatter,
//! spans that must not swallow a trailing comment, bracket nesting, syntax
//! hints, formulas shown in traces) reads them from here, so a `#` inside
//! quotes means the same thing everywhere.
//!
//! The rules follow the grammar: a string opens with `"` and closes at the
//! next `"` not escaped by `\`, and cannot run past the end of its line (an
//! unclosed one stops there); a comment runs from `#` outside a string to the
//! end of its line, the line break not included.

use super::span::Span;

/// What a piece of a rule file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// Declarations, names, numbers, punctuation and layout, up to and
    /// including the end of a line.
    Code,
    /// A sentence in quotes, quote marks included (an unclosed one runs to the
    /// end of its line).
    Text,
    /// A `#` comment: from `#` to the end of the line, without the line break.
    Comment,
}

/// A run of a rule file that is all code, one string or one comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// What it is.
    pub kind: PieceKind,
    /// Where it is.
    pub span: Span,
}

/// The pieces of `source`, in order; together they cover every byte once.
///
/// `source` must not start inside a string; every piece boundary falls on a
/// character boundary (the scanner only ever stops at `"`, `#`, a line break
/// or the end).
pub fn pieces(source: &str) -> Pieces<'_> {
    Pieces { source, at: 0 }
}

/// Iterator returned by [`pieces`].
#[derive(Debug, Clone)]
pub struct Pieces<'s> {
    source: &'s str,
    at: usize,
}

impl Iterator for Pieces<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        let bytes = self.source.as_bytes();
        let start = self.at;
        let first = *bytes.get(start)?;
        let rest = bytes.get(start..).unwrap_or_default();
        let (kind, end) = match first {
            b'"' => (PieceKind::Text, string_end(bytes, start)),
            b'#' => (
                PieceKind::Comment,
                memchr::memchr(b'\n', rest).map_or(bytes.len(), |n| start + n),
            ),
            // Code stops after each line break too, so that finding the end
            // of a piece never reads past the line it is on: reading a file a
            // declaration at a time stays linear in the file's length.
            _ => {
                let stop =
                    memchr::memchr3(b'"', b'#', b'\n', rest).map_or(bytes.len(), |n| start + n);
                match bytes.get(stop) {
                    Some(b'\n') => (PieceKind::Code, stop + 1),
                    _ => (PieceKind::Code, stop),
                }
            }
        };
        self.at = end;
        Some(Piece {
            kind,
            span: Span::new(start, end),
        })
    }
}

/// One past the closing quote of the string opening at `start`, or the end
/// of its line when it is never closed.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return i + 1,
            b'\n' => return i,
            // An escape never carries a string onto the next line.
            b'\\' if bytes.get(i + 1).is_some_and(|n| *n != b'\n') => i += 2,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Every `#` comment of `source`, in order.
pub fn comments(source: &str) -> impl Iterator<Item = Span> + '_ {
    pieces(source)
        .filter(|p| p.kind == PieceKind::Comment)
        .map(|p| p.span)
}

/// The offset of the first `#` comment in `text`, outside quotes.
pub fn comment_start(text: &str) -> Option<usize> {
    comments(text).next().map(|c| c.start)
}

/// The characters of `source` outside strings and comments, with their byte
/// offsets.
pub fn code_chars(source: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    pieces(source)
        .filter(|p| p.kind == PieceKind::Code)
        .flat_map(move |p| {
            source[p.span.start..p.span.end]
                .char_indices()
                .map(move |(i, c)| (p.span.start + i, c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(PieceKind, &str)> {
        pieces(source)
            .map(|p| (p.kind, &source[p.span.start..p.span.end]))
            .collect()
    }

    #[test]
    fn code_strings_and_comments_tile_the_text() {
        use PieceKind::*;
        let src = "let a = 1 # one\nflag f \"a # b\" when x # two\r\n";
        assert_eq!(
            kinds(src),
            vec![
                (Code, "let a = 1 "),
                (Comment, "# one"),
                (Code, "\n"),
                (Code, "flag f "),
                (Text, "\"a # b\""),
                (Code, " when x "),
                (Comment, "# two\r"),
                (Code, "\n"),
            ]
        );
        let total: usize = pieces(src).map(|p| p.span.len()).sum();
        assert_eq!(total, src.len());
        // Code never runs past the end of its line, so a long file with no
        // strings or comments is not rescanned from each declaration.
        assert_eq!(kinds("a\nb\n"), vec![(Code, "a\n"), (Code, "b\n")]);
    }

    #[test]
    fn escaped_quotes_stay_inside_the_string() {
        let src = r#"x "say \"hi\" # not a comment" # yes"#;
        let found: Vec<&str> = comments(src).map(|c| &src[c.start..c.end]).collect();
        assert_eq!(found, vec!["# yes"]);
    }

    #[test]
    fn an_unclosed_string_stops_at_the_end_of_its_line() {
        let src = "a \"never closed # still text\n# a comment\nb \"x\\\n# another";
        let found: Vec<&str> = comments(src).map(|c| &src[c.start..c.end]).collect();
        assert_eq!(found, vec!["# a comment", "# another"]);
    }

    #[test]
    fn code_chars_skip_strings_and_comments() {
        let src = "{ \"}\" # }\n}";
        let code: String = code_chars(src).map(|(_, c)| c).collect();
        assert_eq!(code, "{  \n}");
        assert_eq!(code_chars(src).last(), Some((src.len() - 1, '}')));
        assert_eq!(comment_start("a = \"#\" # b"), Some(8));
        assert_eq!(comment_start("£5 \"#\""), None);
    }
}
