//! The parts of a workbook read before its sheet: which sheets it has and
//! where (xl/workbook.xml, xl/_rels/workbook.xml.rels), its shared strings
//! (xl/sharedStrings.xml, read whole) and which cell styles show a date
//! (xl/styles.xml).

use super::xml::{attributes, decode, local, value_text, Scanner, Token, XmlError};
use crate::batch::input::FileProblem;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use zip::ZipArchive;

/// The most the shared strings of a workbook may take in memory.
const MAX_SHARED_BYTES: usize = 512 << 20;

pub(super) type Archive = ZipArchive<BufReader<File>>;

/// What the cells of a sheet need from the rest of the workbook.
pub(super) struct Book {
    /// Sheet names in the workbook's order, and each one's part.
    pub(super) sheets: Vec<(String, String)>,
    pub(super) strings: SharedStrings,
    /// For each cell style (`s="3"`), whether it shows a number as a date.
    pub(super) date_styles: Vec<bool>,
    /// Serial day 0 is 1904-01-01, not 1899-12-31 (`date1904`).
    pub(super) date1904: bool,
}

/// The table of shared strings: their texts one after another.
#[derive(Default)]
pub(super) struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    /// The string at `index`, if the table has one.
    pub(super) fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..end)
    }
}

/// Opens the workbook at `path` as a zip archive.
pub(super) fn open_archive(path: &Path, name: &str) -> Result<Archive, FileProblem> {
    let not_a_workbook =
        |why: String| FileProblem::new(format!("cannot read `{name}` as an Excel workbook: {why}"));
    let mut file = File::open(path).map_err(|e| not_a_workbook(e.to_string()))?;
    // An encrypted workbook, or an .xls of Excel 97–2003, is an OLE file.
    let mut magic = [0u8; 8];
    if file.read_exact(&mut magic).is_ok()
        && magic == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    {
        return Err(not_a_workbook(
            "it is protected by a password or saved in the old .xls format".into(),
        )
        .hint("save it in Excel as an .xlsx workbook with no password"));
    }
    let file = File::open(path).map_err(|e| not_a_workbook(e.to_string()))?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| not_a_workbook(e.to_string()))
}

/// The name of a part in the archive: names are matched ignoring case and
/// with `\` read as `/`, as Excel does.
pub(super) fn part_name(archive: &Archive, part: &str) -> Option<String> {
    archive
        .file_names()
        .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(part))
        .map(str::to_string)
}

/// Reads a part through `read`, or says it is not there.
fn with_part<T>(
    archive: &mut Archive,
    part: &str,
    name: &str,
    read: impl FnOnce(&mut Scanner<&mut dyn Read>) -> Result<T, XmlError>,
) -> Result<Option<T>, FileProblem> {
    let Some(zip_name) = part_name(archive, part) else {
        return Ok(None);
    };
    let mut file = archive
        .by_name(&zip_name)
        .map_err(|e| FileProblem::new(format!("cannot read `{name}` as an Excel workbook: {e}")))?;
    let mut scanner = Scanner::with_buffer(&mut file as &mut dyn Read, 1 << 16);
    read(&mut scanner).map(Some).map_err(|e| {
        FileProblem::new(format!(
            "cannot read `{name}` as an Excel workbook: its part {part} is not XML (at byte {}: {})",
            e.at, e.what
        ))
    })
}

/// Reads everything but the sheets.
pub(super) fn read_book(archive: &mut Archive, name: &str) -> Result<Book, FileProblem> {
    let relationships = with_part(
        archive,
        "xl/_rels/workbook.xml.rels",
        name,
        read_relationships,
    )?
    .ok_or_else(|| {
        FileProblem::new(format!(
            "cannot read `{name}` as an Excel workbook: it has no xl/_rels/workbook.xml.rels"
        ))
    })?;
    let (sheets, date1904) = with_part(archive, "xl/workbook.xml", name, |s| {
        read_workbook(s, &relationships)
    })?
    .unwrap_or_default();
    let strings =
        with_part(archive, "xl/sharedStrings.xml", name, read_shared_strings)?.unwrap_or_default();
    let date_styles = with_part(archive, "xl/styles.xml", name, read_styles)?.unwrap_or_default();
    Ok(Book {
        sheets,
        strings,
        date_styles,
        date1904,
    })
}

fn bad(scanner: &Scanner<impl Read>, what: impl Into<String>) -> XmlError {
    XmlError {
        at: scanner.offset(),
        what: what.into(),
    }
}

/// Each relationship's id and target.
fn read_relationships(
    scanner: &mut Scanner<&mut dyn Read>,
) -> Result<HashMap<String, String>, XmlError> {
    let mut relationships = HashMap::new();
    loop {
        match scanner.next()? {
            Token::Open { name, attrs, .. } if local(scanner.bytes(&name)) == b"Relationship" => {
                let (mut id, mut target) = (String::new(), String::new());
                for attr in attributes(scanner.bytes(&attrs)) {
                    let (key, value) = attr.map_err(|()| bad(scanner, "an attribute is broken"))?;
                    match key {
                        b"Id" => id = value_text(value).map_err(|e| bad(scanner, e))?,
                        b"Target" => target = value_text(value).map_err(|e| bad(scanner, e))?,
                        _ => {}
                    }
                }
                relationships.insert(id, target);
            }
            Token::End => return Ok(relationships),
            _ => {}
        }
    }
}

/// The sheets (name and part) in order, and whether dates count from 1904.
fn read_workbook(
    scanner: &mut Scanner<&mut dyn Read>,
    relationships: &HashMap<String, String>,
) -> Result<(Vec<(String, String)>, bool), XmlError> {
    let mut sheets = Vec::new();
    let mut date1904 = false;
    loop {
        match scanner.next()? {
            Token::Open { name, attrs, .. } => {
                let element = local(scanner.bytes(&name));
                if element != b"sheet" && element != b"workbookPr" {
                    continue;
                }
                let is_sheet = element == b"sheet";
                let (mut sheet, mut part) = (String::new(), None);
                for attr in attributes(scanner.bytes(&attrs)) {
                    let (key, value) = attr.map_err(|()| bad(scanner, "an attribute is broken"))?;
                    match key {
                        b"name" if is_sheet => {
                            sheet = value_text(value).map_err(|e| bad(scanner, e))?;
                        }
                        // `r:id`: the relationship that says where the sheet is.
                        _ if is_sheet && key.contains(&b':') && local(key) == b"id" => {
                            let id = value_text(value).map_err(|e| bad(scanner, e))?;
                            let target = relationships.get(&id).ok_or_else(|| {
                                bad(scanner, format!("sheet `{sheet}` refers to relationship `{id}`, which the workbook does not have"))
                            })?;
                            part = Some(sheet_part(target));
                        }
                        b"date1904" if !is_sheet => date1904 = matches!(value, b"1" | b"true"),
                        _ => {}
                    }
                }
                if is_sheet {
                    let part =
                        part.ok_or_else(|| bad(scanner, format!("sheet `{sheet}` has no part")))?;
                    sheets.push((sheet, part));
                }
            }
            Token::End => return Ok((sheets, date1904)),
            _ => {}
        }
    }
}

/// A relationship's target as a part name: relative to xl/.
fn sheet_part(target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        absolute.to_string()
    } else if target.starts_with("xl/") {
        target.to_string()
    } else {
        format!("xl/{target}")
    }
}

fn read_shared_strings(scanner: &mut Scanner<&mut dyn Read>) -> Result<SharedStrings, XmlError> {
    let mut text = Vec::new();
    let mut ends = Vec::new();
    loop {
        match scanner.next()? {
            Token::Open { name, empty, .. } if local(scanner.bytes(&name)) == b"si" => {
                if !empty {
                    read_string(scanner, b"si", &mut text, usize::MAX)?;
                }
                if text.len() > MAX_SHARED_BYTES {
                    return Err(bad(
                        scanner,
                        format!(
                            "its shared strings take more than {} MiB",
                            MAX_SHARED_BYTES >> 20
                        ),
                    ));
                }
                ends.push(text.len());
            }
            Token::End => break,
            _ => {}
        }
    }
    let text = String::from_utf8(text).map_err(|_| bad(scanner, "its text is not UTF-8"))?;
    Ok(SharedStrings { text, ends })
}

/// Reads the text of a string element (`<si>` or `<is>`) up to its end
/// into `out`: its first `<t>`, or its rich-text runs (`<r><t>`) joined,
/// phonetic runs (`<rPh>`) left out. Stops adding once `out` would pass
/// `limit` bytes, and says whether it did.
pub(super) fn read_string<R: Read>(
    scanner: &mut Scanner<R>,
    closing: &[u8],
    out: &mut Vec<u8>,
    limit: usize,
) -> Result<bool, XmlError> {
    let mut rich = false;
    let mut phonetic = false;
    let mut cut = false;
    loop {
        match scanner.next()? {
            Token::Open { name, empty, .. } => match local(scanner.bytes(&name)) {
                b"r" => rich = true,
                b"rPh" => phonetic = !empty,
                b"t" if !phonetic => {
                    if !empty {
                        cut |= read_text(scanner, b"t", out, limit, true)?;
                    }
                    if !rich {
                        skip_to_close(scanner, closing)?;
                        return Ok(cut);
                    }
                }
                _ => {}
            },
            Token::Close { name } => match local(scanner.bytes(&name)) {
                b"rPh" => phonetic = false,
                n if n == closing => return Ok(cut),
                _ => {}
            },
            Token::Text { .. } => {}
            Token::End => return Err(bad(scanner, "it ends inside a string")),
        }
    }
}

/// Reads the text of the element just opened up to its end into `out`
/// (entities replaced); stops adding once `out` would pass `limit` bytes and
/// says whether it did.
pub(super) fn read_text<R: Read>(
    scanner: &mut Scanner<R>,
    closing: &[u8],
    out: &mut Vec<u8>,
    limit: usize,
    excel_escapes: bool,
) -> Result<bool, XmlError> {
    let mut cut = false;
    loop {
        match scanner.next()? {
            Token::Text { text, raw } => {
                let bytes = scanner.bytes(&text);
                if cut || out.len() + bytes.len() > limit {
                    cut = true;
                    continue;
                }
                if raw {
                    out.extend_from_slice(bytes);
                } else {
                    decode(bytes, out, excel_escapes)
                        .map_err(|e| bad(scanner, format!("it holds {e}")))?;
                }
            }
            Token::Close { name } if local(scanner.bytes(&name)) == closing => return Ok(cut),
            Token::Close { .. } => {}
            Token::Open { name, empty, .. } => {
                // Markup inside text: read past it, as XML readers do.
                if !empty {
                    let inner = local(scanner.bytes(&name)).to_vec();
                    skip_to_close(scanner, &inner)?;
                }
            }
            Token::End => return Err(bad(scanner, "it ends inside a text")),
        }
    }
}

/// Reads past everything up to the end of the element named `closing`.
pub(super) fn skip_to_close<R: Read>(
    scanner: &mut Scanner<R>,
    closing: &[u8],
) -> Result<(), XmlError> {
    let mut depth = 0usize;
    loop {
        match scanner.next()? {
            Token::Open { name, empty, .. } if !empty && local(scanner.bytes(&name)) == closing => {
                depth += 1;
            }
            Token::Close { name } if local(scanner.bytes(&name)) == closing => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            Token::End => return Err(bad(scanner, "an element is never closed")),
            _ => {}
        }
    }
}

/// For each cell style, whether it shows numbers as dates: the built-in
/// date and time formats 14–22 and 45–47, or a format of the workbook's own
/// whose code has a day, month, year, hour or second outside quotes and
/// brackets (as calamine decides).
fn read_styles(scanner: &mut Scanner<&mut dyn Read>) -> Result<Vec<bool>, XmlError> {
    let mut formats: HashMap<Vec<u8>, bool> = HashMap::new();
    let mut styles = Vec::new();
    let mut in_cell_styles = false;
    loop {
        match scanner.next()? {
            Token::Open { name, attrs, empty } => match local(scanner.bytes(&name)) {
                b"numFmt" => {
                    let (mut id, mut code) = (Vec::new(), String::new());
                    for attr in attributes(scanner.bytes(&attrs)) {
                        let (key, value) =
                            attr.map_err(|()| bad(scanner, "an attribute is broken"))?;
                        match key {
                            b"numFmtId" => id = value.to_vec(),
                            b"formatCode" => {
                                code = value_text(value).map_err(|e| bad(scanner, e))?
                            }
                            _ => {}
                        }
                    }
                    if !code.is_empty() {
                        formats.insert(id, is_date_format(&code));
                    }
                }
                b"cellXfs" => in_cell_styles = !empty,
                b"xf" if in_cell_styles => {
                    let id = attributes(scanner.bytes(&attrs))
                        .filter_map(Result::ok)
                        .find(|(key, _)| *key == b"numFmtId")
                        .map(|(_, value)| value);
                    let date = id.is_some_and(|id| match formats.get(id) {
                        Some(date) => *date,
                        None => std::str::from_utf8(id)
                            .ok()
                            .and_then(|id| id.parse::<u32>().ok())
                            .is_some_and(|id| matches!(id, 14..=22 | 45..=47)),
                    });
                    styles.push(date);
                }
                _ => {}
            },
            Token::Close { name } if local(scanner.bytes(&name)) == b"cellXfs" => {
                in_cell_styles = false;
            }
            Token::End => return Ok(styles),
            _ => {}
        }
    }
}

/// Whether a number format's code shows a date or a time: its first section
/// has `d`, `m`, `y`, `h` or `s` outside quotes, brackets and escapes, or
/// `A/P` / `AM/PM`, or a duration in brackets (`[h]`).
pub(super) fn is_date_format(code: &str) -> bool {
    let mut escaped = false;
    let mut quoted = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut am_pm = false;
    for c in code.chars() {
        match (c, escaped, quoted, am_pm, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\', ..) => escaped = true,
            ('"', _, true, _, _) => quoted = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => quoted = true,
            (';', ..) => return false,
            ('[', ..) => brackets = brackets.saturating_add(1),
            (']', .., 1) if hms => return true,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => am_pm = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return true,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return true
            }
            _ => {
                if !(hms && c.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(c, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = c;
    }
    false
}
