//! Rule-file bytes -> rule-file text. A rule file is UTF-8; one saved in
//! another encoding (Windows-1252 from an older editor, UTF-16 from "Unicode"
//! in Notepad) is a mistake in the rules, told in words with the line and
//! column of the first byte that cannot be read, not a failure to read a file.

use super::span::Span;
use crate::diag::{codes, Diagnostic};

/// A rule file that is not UTF-8: the diagnostic, and the text it points into
/// (the file with each unreadable byte shown as `�`).
#[derive(Debug, Clone, PartialEq)]
pub struct NotUtf8 {
    /// `ras::not-utf8`, labelling the first unreadable byte in [`NotUtf8::shown`].
    pub diagnostic: Diagnostic,
    /// The file as far as it can be shown, for rendering the diagnostic.
    pub shown: String,
}

/// The text of a rule file, or why its bytes are not UTF-8 text.
pub fn decode(bytes: &[u8]) -> Result<&str, Box<NotUtf8>> {
    let error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let at = error.valid_up_to();
    let shown = String::from_utf8_lossy(bytes).into_owned();
    // Everything before the bad byte is valid, so it sits at the same offset
    // in the shown text, where it became one `�` (3 bytes).
    let before = shown.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    let byte = bytes.get(at).copied().unwrap_or(0);
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let mut message = format!(
        "this file is not UTF-8 text: the byte 0x{byte:02X} on line {line}, column {column} \
         cannot be read"
    );
    let hint = if utf16 {
        message = "this file is saved as UTF-16 (\"Unicode\"), not UTF-8 text".to_string();
        "save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8)".to_string()
    } else {
        match windows_1252(byte) {
            Some(c) => format!(
                "0x{byte:02X} is `{c}` in Windows-1252: the file was probably saved in that \
                 encoding; save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8)"
            ),
            None => "the file was probably saved in another encoding; save it as UTF-8 \
                     (in Notepad: Save As, Encoding: UTF-8)"
                .to_string(),
        }
    };
    let end = at + '\u{FFFD}'.len_utf8();
    let diagnostic = Diagnostic::new(codes::NOT_UTF8, message)
        .label(Span::new(at, end.min(shown.len())), "cannot be read")
        .hint(hint);
    Err(Box::new(NotUtf8 { diagnostic, shown }))
}

/// The character a byte stands for in Windows-1252, for the bytes a rule file
/// saved in that encoding most likely holds (`£`, quotes, dashes, accents).
fn windows_1252(byte: u8) -> Option<char> {
    Some(match byte {
        0x80 => '€',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x96 => '–',
        0x97 => '—',
        // Latin-1 and Windows-1252 agree from 0xA0 up; 0xA0 is a non-breaking space.
        0xA1..=0xFF => char::from(byte),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_text_is_returned_as_it_is() {
        assert_eq!(decode("£5 ‘a’".as_bytes()), Ok("£5 ‘a’"));
    }

    #[test]
    fn a_windows_pound_sign_is_named_with_its_line_and_column() {
        let bytes = b"policy \"x\" {\n}\nparameter p = \xA35.00\n";
        let err = decode(bytes).unwrap_err();
        let d = &err.diagnostic;
        assert_eq!(d.code, codes::NOT_UTF8.name);
        assert!(
            d.message.contains("0xA3 on line 3, column 15"),
            "{}",
            d.message
        );
        let hint = d.hint.as_deref().unwrap_or("");
        assert!(hint.contains("`£` in Windows-1252"), "{hint}");
        assert!(hint.contains("save it as UTF-8"), "{hint}");
        let span = d.labels[0].span;
        assert_eq!(&err.shown[span.start..span.end], "\u{FFFD}");
        assert_eq!(crate::syntax::line_col(&err.shown, span.start), (3, 15));
    }

    #[test]
    fn columns_count_characters_and_other_bytes_still_get_a_hint() {
        let err = decode(b"# \xC2\xA3 ok\n  \x81").unwrap_err();
        assert!(
            err.diagnostic.message.contains("0x81 on line 2, column 3"),
            "{}",
            err.diagnostic.message
        );
        assert!(err.diagnostic.hint.is_some());
        let err = decode(b"\xFF\xFEp\x00").unwrap_err();
        assert!(err.diagnostic.message.contains("UTF-16"));
    }
}
