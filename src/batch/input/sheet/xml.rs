//! The XML of a workbook's parts, as the few kinds of token SpreadsheetML is
//! made of: an element opened (`<c r="A2" t="s">`, or `<c/>`), an element
//! closed, and text between them (CDATA included). Processing instructions,
//! comments and a DOCTYPE are read past.
//!
//! The scanner reads through a buffer of fixed size that it refills from its
//! source, so a part of any length is read in bounded memory. A tag must fit
//! in the buffer; text need not: a long text comes in pieces, each cut where
//! no entity (`&amp;`) is split.

use memchr::{memchr, memchr2};
use std::io::Read;
use std::ops::Range;

/// The scanner's buffer: the longest tag, CDATA section or comment.
pub(super) const BUFFER: usize = 4 << 20;

/// A text piece is given out once this much of it is buffered with no end in sight.
const TEXT_PIECE: usize = 1 << 20;

/// How the XML is broken, and how far into the part (in bytes).
#[derive(Debug)]
pub(super) struct XmlError {
    pub(super) at: u64,
    pub(super) what: String,
}

/// One token; its ranges index [`Scanner::bytes`] until the next token is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    /// `<name attributes>`, or `<name attributes/>` when `empty`.
    Open {
        name: Range<usize>,
        attrs: Range<usize>,
        empty: bool,
    },
    /// `</name>`.
    Close { name: Range<usize> },
    /// Text as written (entities not yet replaced), or a CDATA section's
    /// contents (`raw`: nothing to replace).
    Text { text: Range<usize>, raw: bool },
    /// The end of the part.
    End,
}

/// Tokens of one part of the workbook.
pub(super) struct Scanner<R> {
    source: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    source_done: bool,
    /// Bytes of the part before `buf[0]`.
    before: u64,
}

impl<R: Read> Scanner<R> {
    pub(super) fn new(source: R) -> Self {
        Self::with_buffer(source, BUFFER)
    }

    pub(super) fn with_buffer(source: R, size: usize) -> Self {
        Scanner {
            source,
            buf: vec![0; size.max(64)],
            pos: 0,
            end: 0,
            source_done: false,
            before: 0,
        }
    }

    /// The bytes a token's range names.
    pub(super) fn bytes(&self, range: &Range<usize>) -> &[u8] {
        self.buf.get(range.clone()).unwrap_or(&[])
    }

    /// What is buffered after the last token, for a caller that reads the
    /// usual spellings straight from it (and [`Scanner::advance`]s past them).
    pub(super) fn rest(&self) -> &[u8] {
        self.buf.get(self.pos..self.end).unwrap_or(&[])
    }

    /// Moves past `n` bytes of [`Scanner::rest`].
    pub(super) fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }

    /// How far into the part the next token starts.
    pub(super) fn offset(&self) -> u64 {
        self.before + self.pos as u64
    }

    fn error(&self, what: impl Into<String>) -> XmlError {
        XmlError {
            at: self.offset(),
            what: what.into(),
        }
    }

    /// Moves what is left to the front of the buffer and reads more after
    /// it; false when nothing more came (the part has ended, or the buffer
    /// is full).
    fn fill(&mut self) -> Result<bool, XmlError> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.before += self.pos as u64;
            self.pos = 0;
        }
        while !self.source_done && self.end < self.buf.len() {
            let free = self.buf.get_mut(self.end..).unwrap_or(&mut []);
            match self.source.read(free) {
                Ok(0) => self.source_done = true,
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.error(format!("it cannot be read ({e})"))),
            }
        }
        Ok(false)
    }

    /// The next token.
    pub(super) fn next(&mut self) -> Result<Token, XmlError> {
        loop {
            let rest = self.buf.get(self.pos..self.end).unwrap_or(&[]);
            let Some(&first) = rest.first() else {
                if self.fill()? {
                    continue;
                }
                return Ok(Token::End);
            };
            if first != b'<' {
                if let Some(token) = self.text()? {
                    return Ok(token);
                }
                continue;
            }
            if let Some(token) = self.markup()? {
                return Ok(token);
            }
        }
    }

    /// Text up to the next `<`, or a piece of it; `None` when more must be read first.
    fn text(&mut self) -> Result<Option<Token>, XmlError> {
        let rest = self.buf.get(self.pos..self.end).unwrap_or(&[]);
        let start = self.pos;
        if let Some(i) = memchr(b'<', rest) {
            self.pos += i;
            return Ok(Some(Token::Text {
                text: start..start + i,
                raw: false,
            }));
        }
        if rest.len() < TEXT_PIECE && self.fill()? {
            return Ok(None);
        }
        let rest = self.buf.get(self.pos..self.end).unwrap_or(&[]);
        let start = self.pos;
        if self.source_done && memchr(b'<', rest).is_none() {
            // Text at the end of the part (whitespace after the root, or a
            // part cut short: the caller sees the end next).
            self.pos = self.end;
            return Ok(Some(Token::Text {
                text: start..self.end,
                raw: false,
            }));
        }
        if memchr(b'<', rest).is_some() {
            return Ok(None);
        }
        // A long text: give out all but its tail, not splitting an entity
        // (the longest is `&#x10FFFF;`) or a character.
        let mut cut = rest.len().saturating_sub(16);
        if let Some(amp) = rest
            .get(cut.saturating_sub(12)..)
            .and_then(|tail| memchr::memrchr(b'&', tail))
        {
            let amp = cut.saturating_sub(12) + amp;
            if amp < cut && memchr(b';', rest.get(amp..cut).unwrap_or(&[])).is_none() {
                cut = amp;
            }
        }
        while cut > 0 && rest.get(cut).is_some_and(|b| b & 0xC0 == 0x80) {
            cut -= 1;
        }
        if cut == 0 {
            return Err(self.error("it holds a text that cannot be split"));
        }
        self.pos += cut;
        Ok(Some(Token::Text {
            text: start..start + cut,
            raw: false,
        }))
    }

    /// The markup at `<`; `None` when it was read past (a comment) or more
    /// must be read first.
    fn markup(&mut self) -> Result<Option<Token>, XmlError> {
        let rest = self.buf.get(self.pos..self.end).unwrap_or(&[]);
        let start = self.pos;
        let found = match rest.get(1) {
            Some(b'/') => memchr(b'>', rest).map(|gt| {
                let name = trim(start + 2, start + gt, &self.buf);
                (gt + 1, Some(Token::Close { name }))
            }),
            Some(b'?') => find(rest, b"?>").map(|at| (at + 2, None)),
            Some(b'!') if rest.starts_with(b"<!--") => find(rest, b"-->").map(|at| (at + 3, None)),
            Some(b'!') if rest.starts_with(b"<![CDATA[") => find(rest, b"]]>").map(|at| {
                let text = start + 9..start + at;
                (at + 3, Some(Token::Text { text, raw: true }))
            }),
            // Too short yet to tell a comment or CDATA from a declaration.
            Some(b'!') if rest.len() < 9 && !self.source_done => None,
            Some(b'!') => declaration_end(rest).map(|end| (end, None)),
            Some(_) => tag_end(rest).map(|gt| {
                let inner_end = start + gt;
                let empty = gt > 1 && rest.get(gt - 1) == Some(&b'/');
                let body_end = if empty { inner_end - 1 } else { inner_end };
                let body = self.buf.get(start + 1..body_end).unwrap_or(&[]);
                let name_len = body
                    .iter()
                    .position(|b| b.is_ascii_whitespace())
                    .unwrap_or(body.len());
                (
                    gt + 1,
                    Some(Token::Open {
                        name: start + 1..start + 1 + name_len,
                        attrs: start + 1 + name_len..body_end,
                        empty,
                    }),
                )
            }),
            None => None,
        };
        match found {
            Some((length, token)) => {
                if let Some(Token::Open { name, .. } | Token::Close { name }) = &token {
                    if name.is_empty() {
                        return Err(self.error("it has an element with no name"));
                    }
                }
                self.pos += length;
                Ok(token)
            }
            None if self.fill()? => Ok(None),
            None if self.source_done => Err(self.error("it ends inside a tag")),
            None => Err(self.error(format!(
                "it has a tag, comment or CDATA section longer than {} MiB",
                self.buf.len() >> 20
            ))),
        }
    }
}

fn trim(mut start: usize, mut end: usize, buf: &[u8]) -> Range<usize> {
    while start < end && buf.get(start).is_some_and(u8::is_ascii_whitespace) {
        start += 1;
    }
    while end > start && buf.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
        end -= 1;
    }
    start..end
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// Where the `>` that ends the tag at the start of `rest` is: the first
/// one outside a quoted attribute value. (A loop over bytes: tags are short.)
fn tag_end(rest: &[u8]) -> Option<usize> {
    let mut quote = 0u8;
    for (i, &b) in rest.iter().enumerate().skip(1) {
        if quote != 0 {
            if b == quote {
                quote = 0;
            }
        } else if b == b'>' {
            return Some(i);
        } else if b == b'"' || b == b'\'' {
            quote = b;
        }
    }
    None
}

/// The end of `<!DOCTYPE …>` (its internal subset in brackets included).
fn declaration_end(rest: &[u8]) -> Option<usize> {
    let gt = memchr2(b'>', b'[', rest)?;
    if rest.get(gt) == Some(&b'>') {
        return Some(gt + 1);
    }
    let close = find(rest.get(gt..)?, b"]")? + gt;
    memchr(b'>', rest.get(close..)?).map(|i| close + i + 1)
}

/// The part of a name after its namespace prefix: `c` of `x:c`.
pub(super) fn local(name: &[u8]) -> &[u8] {
    match memchr::memrchr(b':', name) {
        Some(i) => name.get(i + 1..).unwrap_or(&[]),
        None => name,
    }
}

/// The attributes of a tag, name and value as written (the value between
/// its quotes, entities not yet replaced).
pub(super) struct Attributes<'a> {
    rest: &'a [u8],
}

pub(super) fn attributes(attrs: &[u8]) -> Attributes<'_> {
    Attributes { rest: attrs }
}

impl<'a> Iterator for Attributes<'a> {
    /// A name and its value, or `Err` for attributes that are not XML.
    type Item = Result<(&'a [u8], &'a [u8]), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest;
        let mut i = 0;
        while rest.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        rest.get(i)?;
        let name_start = i;
        while rest
            .get(i)
            .is_some_and(|&b| b != b'=' && !b.is_ascii_whitespace())
        {
            i += 1;
        }
        let name = rest.get(name_start..i).unwrap_or(&[]);
        while rest.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let quote = match (rest.get(i), rest.get(i + 1)) {
            (Some(b'='), _) => {
                i += 1;
                while rest.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                rest.get(i).copied()
            }
            _ => None,
        };
        let value_start = i + 1;
        let close = match quote {
            Some(q @ (b'"' | b'\'')) => rest
                .get(value_start..)
                .and_then(|tail| tail.iter().position(|&b| b == q)),
            _ => None,
        };
        match close {
            Some(close) if !name.is_empty() => {
                let value = rest.get(value_start..value_start + close).unwrap_or(&[]);
                self.rest = rest.get(value_start + close + 1..).unwrap_or(&[]);
                Some(Ok((name, value)))
            }
            _ => {
                self.rest = &[];
                Some(Err(()))
            }
        }
    }
}

/// Adds `text` to `out` with its entities (`&amp;`, `&#233;`, `&#xE9;`)
/// replaced and its line ends made `\n`, as an XML reader must; with
/// `excel_escapes`, also Excel's own `_x000D_` escapes (in cell text).
/// Says which entity is unknown.
pub(super) fn decode(text: &[u8], out: &mut Vec<u8>, excel_escapes: bool) -> Result<(), String> {
    if memchr::memchr3(b'&', b'\r', b'_', text).is_none() {
        out.extend_from_slice(text);
        return Ok(());
    }
    let mut rest = text;
    loop {
        let Some(amp) = memchr(b'&', rest) else {
            push_literal(rest, out, excel_escapes);
            return Ok(());
        };
        push_literal(rest.get(..amp).unwrap_or(&[]), out, excel_escapes);
        let after = rest.get(amp + 1..).unwrap_or(&[]);
        let semi = memchr(b';', after)
            .filter(|&i| i <= 10)
            .ok_or_else(|| "a `&` that starts no entity".to_string())?;
        let entity = after.get(..semi).unwrap_or(&[]);
        match entity {
            b"amp" => out.push(b'&'),
            b"lt" => out.push(b'<'),
            b"gt" => out.push(b'>'),
            b"quot" => out.push(b'"'),
            b"apos" => out.push(b'\''),
            _ => {
                let code = match entity {
                    [b'#', b'x' | b'X', hex @ ..] => number(hex, 16),
                    [b'#', digits @ ..] => number(digits, 10),
                    _ => None,
                };
                let c = code.and_then(char::from_u32).ok_or_else(|| {
                    format!("the unknown entity `&{};`", String::from_utf8_lossy(entity))
                })?;
                let mut utf8 = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
        rest = after.get(semi + 1..).unwrap_or(&[]);
    }
}

fn number(digits: &[u8], radix: u32) -> Option<u32> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(digits).ok()?, radix).ok()
}

/// Text with no entity in it: line ends made `\n`, and Excel's `_x00HH_`.
fn push_literal(text: &[u8], out: &mut Vec<u8>, excel_escapes: bool) {
    if memchr(b'\r', text).is_none()
        && !(excel_escapes && memchr::memmem::find(text, b"_x00").is_some())
    {
        out.extend_from_slice(text);
        return;
    }
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        if b == b'\r' {
            out.push(b'\n');
            i += if text.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            continue;
        }
        if excel_escapes && b == b'_' {
            if let Some(byte) = excel_escape(text.get(i..i + 7).unwrap_or(&[])) {
                let mut utf8 = [0; 4];
                out.extend_from_slice(char::from(byte).encode_utf8(&mut utf8).as_bytes());
                i += 7;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
}

/// The character `_x00HH_` stands for.
fn excel_escape(seven: &[u8]) -> Option<u8> {
    match seven {
        [b'_', b'x', b'0', b'0', h1, h2, b'_'] => {
            u8::from_str_radix(std::str::from_utf8(&[*h1, *h2]).ok()?, 16).ok()
        }
        _ => None,
    }
}

/// An attribute value as text: entities replaced.
pub(super) fn value_text(value: &[u8]) -> Result<String, String> {
    let mut out = Vec::with_capacity(value.len());
    decode(value, &mut out, false)?;
    String::from_utf8(out).map_err(|_| "text that is not UTF-8".to_string())
}
