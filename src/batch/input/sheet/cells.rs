//! The cells of a sheet's XML (`<sheetData>`: `<row r>`, `<c r s t>` with
//! `<v>`, `<f>` or `<is>`), row by row, each cell as the text a CSV would
//! hold: numbers in their shortest exact form, dates as YYYY-MM-DD,
//! booleans yes/no.
//!
//! A cell or row without `r` is the next one along. A row's cells are read
//! into one reused buffer; once they pass [`MAX_ROW_BYTES`] the rest of the
//! row is read past and the row is an error row.

use super::book::{read_string, read_text, skip_to_close, Book};
use super::xml::{attributes, decode, local, Scanner, Token, XmlError};
use super::{cell_name, RowCells};
use crate::batch::input::MAX_ROW_BYTES;
use crate::date::Date;
use std::fmt::Write as _;
use std::io::Read;

/// The most cells a row may have: Excel's 16,384 columns.
const MAX_CELLS: usize = 1 << 14;

/// Whether to go on after a row.
pub(super) enum Flow {
    Go,
    Stop,
}

/// Where reading is: the row and column the next cell without an `r` takes,
/// and the row whose cells are being gathered (0-based).
#[derive(Default)]
struct Place {
    row: u32,
    column: u32,
    current: Option<u32>,
}

impl Place {
    /// After a `</row>` or an empty `<row/>`.
    fn next_row(&mut self) {
        self.row = self.row.saturating_add(1);
        self.column = 0;
    }
}

/// Where the sheet's cells are, and its last row as its `<dimension>` says.
pub(super) struct SheetCells<'b, R> {
    scanner: Scanner<R>,
    book: &'b Book,
    /// A `<v>`'s text, reused.
    value: Vec<u8>,
    /// The sheet's last row (0-based), from `<dimension ref="A1:AB1001">`.
    pub(super) last_row: u32,
}

impl<'b, R: Read> SheetCells<'b, R> {
    /// Reads up to the sheet's cells; `None` for a part with no cells at all.
    pub(super) fn start(mut scanner: Scanner<R>, book: &'b Book) -> Result<Option<Self>, XmlError> {
        let mut last_row = 0;
        loop {
            match scanner.next()? {
                Token::Open { name, attrs, empty } => match local(scanner.bytes(&name)) {
                    b"dimension" => {
                        let range = attributes(scanner.bytes(&attrs))
                            .filter_map(Result::ok)
                            .find(|(key, _)| *key == b"ref")
                            .map(|(_, value)| value);
                        let last = range.and_then(|r| r.rsplit(|b| *b == b':').next());
                        if let Some(last) = last {
                            last_row = position(last).map_or(0, |(row, _)| row);
                        }
                    }
                    b"sheetData" if empty => return Ok(None),
                    b"sheetData" => {
                        return Ok(Some(SheetCells {
                            scanner,
                            book,
                            value: Vec::new(),
                            last_row,
                        }))
                    }
                    _ => {}
                },
                Token::End => {
                    return Err(bad(
                        &scanner,
                        "it has no sheetData: it is not a sheet of cells",
                    ))
                }
                _ => {}
            }
        }
    }

    /// Reads every row, giving each to `row` with its sheet row (0-based),
    /// until the sheet ends or `row` says to stop.
    pub(super) fn rows(
        &mut self,
        cells: &mut RowCells,
        mut row: impl FnMut(&RowCells, u32) -> Flow,
    ) -> Result<(), XmlError> {
        let mut at = Place::default();
        loop {
            // A cell tag as Excel writes it, read straight from the buffer.
            if let Some((cell, length, empty)) = usual_cell_tag(self.scanner.rest()) {
                self.scanner.advance(length);
                if let Flow::Stop = self.take_cell(&cell, empty, cells, &mut at, &mut row)? {
                    return Ok(());
                }
                continue;
            }
            match self.scanner.next()? {
                Token::Open { name, attrs, empty } => match local(self.scanner.bytes(&name)) {
                    b"row" => {
                        let r = attributes(self.scanner.bytes(&attrs))
                            .filter_map(Result::ok)
                            .find(|(key, _)| *key == b"r")
                            .map(|(_, value)| value);
                        if let Some(r) = r {
                            at.row = row_number(r).ok_or_else(|| {
                                bad(
                                    &self.scanner,
                                    format!("it numbers a row `{}`", String::from_utf8_lossy(r)),
                                )
                            })?;
                        }
                        if empty {
                            at.next_row();
                        }
                    }
                    b"c" => {
                        let attrs = self.scanner.bytes(&attrs);
                        let cell = CellAttrs::of(attrs).map_err(|what| bad(&self.scanner, what))?;
                        if let Flow::Stop =
                            self.take_cell(&cell, empty, cells, &mut at, &mut row)?
                        {
                            return Ok(());
                        }
                    }
                    _ => {}
                },
                Token::Close { name } => match local(self.scanner.bytes(&name)) {
                    b"row" => at.next_row(),
                    b"sheetData" => break,
                    _ => {}
                },
                Token::Text { .. } => {}
                Token::End => return Err(bad(&self.scanner, "it ends before its sheetData does")),
            }
        }
        if let Some(r) = at.current {
            row(cells, r);
        }
        Ok(())
    }

    /// A cell whose tag has just been read: the row before it is handed to
    /// `row` when the cell starts a new one (`Flow::Stop` if `row` says so),
    /// then the cell is read into `cells`.
    fn take_cell(
        &mut self,
        cell: &CellAttrs,
        empty: bool,
        cells: &mut RowCells,
        at: &mut Place,
        row: &mut impl FnMut(&RowCells, u32) -> Flow,
    ) -> Result<Flow, XmlError> {
        // A cell without `r` is the next one along.
        let (at_row, at_col) = cell.at.unwrap_or((at.row, at.column));
        at.column = at_col.saturating_add(1);
        if let Some(done) = at.current.filter(|&r| r != at_row) {
            if let Flow::Stop = row(cells, done) {
                return Ok(Flow::Stop);
            }
            cells.clear();
        }
        at.current = Some(at_row);
        self.cell(cell, empty, cells, at_row, at_col)?;
        Ok(Flow::Go)
    }

    /// Reads one cell (its tag just read) into `cells`.
    fn cell(
        &mut self,
        attrs: &CellAttrs,
        empty: bool,
        cells: &mut RowCells,
        row: u32,
        column: u32,
    ) -> Result<(), XmlError> {
        let start = cells.text.len();
        if cells.cells.len() >= MAX_CELLS {
            cells.too_long = true;
        }
        // The last of `<v>`, `<f>` and `<is>` gives the value, as in calamine.
        let mut formula = false;
        let mut value: Option<Result<(), String>> = None;
        let limit = if cells.too_long { 0 } else { MAX_ROW_BYTES };
        if !empty && !self.usual_cell(attrs, cells, row, column, &mut value)? {
            loop {
                match self.scanner.next()? {
                    Token::Open { name, empty, .. } => match local(self.scanner.bytes(&name)) {
                        b"v" => {
                            self.value.clear();
                            let cut = !empty
                                && read_text(
                                    &mut self.scanner,
                                    b"v",
                                    &mut self.value,
                                    MAX_ROW_BYTES,
                                    false,
                                )?;
                            cells.text.truncate(start);
                            if cut {
                                cells.too_long = true;
                                value = Some(Ok(()));
                                continue;
                            }
                            value = self.interpret(attrs, &mut cells.text, row, column)?;
                        }
                        b"f" => {
                            if !empty {
                                skip_to_close(&mut self.scanner, b"f")?;
                            }
                            cells.text.truncate(start);
                            formula = true;
                            value = None;
                        }
                        b"is" => {
                            cells.text.truncate(start);
                            if !empty
                                && read_string(&mut self.scanner, b"is", &mut cells.text, limit)?
                            {
                                cells.too_long = true;
                            }
                            value = Some(Ok(()));
                        }
                        other => {
                            if !empty {
                                let other = other.to_vec();
                                skip_to_close(&mut self.scanner, &other)?;
                            }
                        }
                    },
                    Token::Close { name } if local(self.scanner.bytes(&name)) == b"c" => break,
                    Token::Close { .. } | Token::Text { .. } => {}
                    Token::End => return Err(bad(&self.scanner, "it ends inside a cell")),
                }
            }
        }
        if cells.too_long || cells.text.len() > MAX_ROW_BYTES {
            cells.too_long = true;
            cells.text.truncate(start);
            return Ok(());
        }
        let read = match value {
            Some(Ok(())) => {
                let text = cells.text.get(start..).unwrap_or(&[]);
                match std::str::from_utf8(text) {
                    Ok(text) => {
                        let lead = text.len() - text.trim_start().len();
                        Ok(start + lead..start + text.trim_end().len())
                    }
                    Err(_) => Err(format!("cell {} is not UTF-8 text", cell_name(row, column))),
                }
            }
            Some(Err(message)) => Err(message),
            None if formula => Err(format!(
                "cell {} holds a formula with no saved value: open and save the workbook in a spreadsheet program",
                cell_name(row, column)
            )),
            None => Ok(start..start),
        };
        if read.is_err() {
            cells.text.truncate(start);
        }
        cells.cells.push((column, read));
        Ok(())
    }

    /// Reads a cell's content straight from the scanner's buffer when it is
    /// spelled as Excel and most programs spell it (`<v>…</v></c>` or
    /// `<is><t>…</t></is></c>`, and all of it buffered); says whether it did.
    fn usual_cell(
        &mut self,
        attrs: &CellAttrs,
        cells: &mut RowCells,
        row: u32,
        column: u32,
        value: &mut Option<Result<(), String>>,
    ) -> Result<bool, XmlError> {
        let rest = self.scanner.rest();
        let (open, close, inline): (&[u8], &[u8], bool) = if rest.starts_with(b"<v>") {
            (b"<v>", b"</v></c>", false)
        } else if rest.starts_with(b"<is><t>") {
            (b"<is><t>", b"</t></is></c>", true)
        } else {
            return Ok(false);
        };
        let body = rest.get(open.len()..).unwrap_or(&[]);
        let Some(lt) = memchr::memchr(b'<', body) else {
            return Ok(false);
        };
        if !body.get(lt..).is_some_and(|b| b.starts_with(close)) {
            return Ok(false);
        }
        let text = body.get(..lt).unwrap_or(&[]);
        let consumed = open.len() + lt + close.len();
        let decoded = if inline {
            if cells.too_long || cells.text.len() + text.len() > MAX_ROW_BYTES {
                cells.too_long = true;
                Ok(())
            } else {
                decode(text, &mut cells.text, true)
            }
        } else {
            self.value.clear();
            decode(text, &mut self.value, false)
        };
        decoded.map_err(|e| bad(&self.scanner, format!("it holds {e}")))?;
        self.scanner.advance(consumed);
        *value = if inline {
            Some(Ok(()))
        } else {
            self.interpret(attrs, &mut cells.text, row, column)?
        };
        Ok(true)
    }

    /// A `<v>`'s text as the cell's value, added to `out`: `None` for a number
    /// cell with no number (a formula never calculated), `Some(Err)` for a cell
    /// that cannot be read.
    fn interpret(
        &self,
        attrs: &CellAttrs,
        out: &mut Vec<u8>,
        row: u32,
        column: u32,
    ) -> Result<Option<Result<(), String>>, XmlError> {
        let v = self.value.as_slice();
        let text = || String::from_utf8_lossy(v);
        Ok(Some(match attrs.kind {
            Kind::Number if v.is_empty() => return Ok(None),
            Kind::Number | Kind::Unknown => {
                let date = attrs
                    .style
                    .and_then(|s| self.book.date_styles.get(s))
                    .copied()
                    .unwrap_or(false);
                match number(v) {
                    Some(n) if date => self.date(n, out, row, column),
                    Some(n) => {
                        push_number(v, n, out);
                        Ok(())
                    }
                    // A cell of no type that is not a number is text.
                    None if attrs.kind == Kind::Unknown => {
                        out.extend_from_slice(v);
                        Ok(())
                    }
                    None => Err(format!(
                        "cell {} holds `{}` where a number belongs",
                        cell_name(row, column),
                        text()
                    )),
                }
            }
            Kind::Shared => {
                let index = std::str::from_utf8(v.trim_ascii())
                    .ok()
                    .and_then(|i| i.parse::<usize>().ok());
                let shared = index.and_then(|i| self.book.strings.get(i)).ok_or_else(|| {
                    bad(
                        &self.scanner,
                        format!(
                            "cell {} refers to shared string `{}`, which the workbook does not have",
                            cell_name(row, column),
                            text()
                        ),
                    )
                })?;
                out.extend_from_slice(shared.as_bytes());
                Ok(())
            }
            Kind::Bool => match v {
                b"0" | b"false" => {
                    out.extend_from_slice(b"no");
                    Ok(())
                }
                b"1" | b"true" => {
                    out.extend_from_slice(b"yes");
                    Ok(())
                }
                _ => Err(format!(
                    "cell {} holds `{}` where true or false belongs",
                    cell_name(row, column),
                    text()
                )),
            },
            Kind::Error => Err(format!(
                "cell {} holds the spreadsheet error {}",
                cell_name(row, column),
                text()
            )),
            Kind::Date => {
                // An ISO 8601 date and time: the date is its first ten characters.
                let s = std::str::from_utf8(v).unwrap_or("");
                out.extend_from_slice(s.get(..10).unwrap_or(s).as_bytes());
                Ok(())
            }
            Kind::Text => {
                out.extend_from_slice(v);
                Ok(())
            }
            Kind::Other => Err(format!(
                "cell {} has a value of the unknown type `{}`",
                cell_name(row, column),
                String::from_utf8_lossy(&attrs.kind_text)
            )),
        }))
    }

    fn date(&self, serial: f64, out: &mut Vec<u8>, row: u32, column: u32) -> Result<(), String> {
        let serial = serial.floor() as i64;
        // Serial day 25569 is 1970-01-01 in Excel's 1900 date system; day 0
        // of the 1904 system is day 1462 of the 1900 one.
        let days = serial - 25_569 + if self.book.date1904 { 1_462 } else { 0 };
        match Date::from_days_since_epoch(days) {
            Some(d) => {
                let mut s = String::with_capacity(10);
                let _ = write!(s, "{d}");
                out.extend_from_slice(s.as_bytes());
                Ok(())
            }
            None => Err(format!(
                "cell {}: the date serial {serial} is not a calendar date",
                cell_name(row, column)
            )),
        }
    }
}

fn bad<R: Read>(scanner: &Scanner<R>, what: impl Into<String>) -> XmlError {
    XmlError {
        at: scanner.offset(),
        what: what.into(),
    }
}

/// A number as Excel saves it (`42`, `1.5`, `1E-3`).
fn number(v: &[u8]) -> Option<f64> {
    std::str::from_utf8(v).ok()?.parse::<f64>().ok()
}

/// A number in its shortest exact form, as Rust prints an `f64` (`0.1`,
/// `1000000`, `-0`): digits that already are that form are copied.
fn push_number(v: &[u8], n: f64, out: &mut Vec<u8>) {
    let plain = !v.is_empty()
        && v.len() <= 15
        && v.iter().all(u8::is_ascii_digit)
        && (v.len() == 1 || v.first() != Some(&b'0'));
    if plain {
        out.extend_from_slice(v);
    } else {
        let mut s = String::with_capacity(24);
        let _ = write!(s, "{n}");
        out.extend_from_slice(s.as_bytes());
    }
}

/// A cell's `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No `t`: a number, or text when it is not one.
    Unknown,
    Number,
    Shared,
    Bool,
    Error,
    Date,
    /// `str` (a formula's text) or `inlineStr`.
    Text,
    Other,
}

/// The attributes of a `<c>`.
struct CellAttrs {
    /// `r`, 0-based (row, column).
    at: Option<(u32, u32)>,
    style: Option<usize>,
    kind: Kind,
    kind_text: Vec<u8>,
}

impl CellAttrs {
    fn of(attrs: &[u8]) -> Result<CellAttrs, String> {
        let mut cell = CellAttrs {
            at: None,
            style: None,
            kind: Kind::Unknown,
            kind_text: Vec::new(),
        };
        for attr in attributes(attrs) {
            let (key, value) = attr.map_err(|()| "a cell's attributes are broken".to_string())?;
            match key {
                b"r" => {
                    cell.at = Some(position(value).ok_or_else(|| {
                        format!("a cell is named `{}`", String::from_utf8_lossy(value))
                    })?);
                }
                // A style that is not a number is the default style, as in calamine.
                b"s" => {
                    cell.style = Some(
                        std::str::from_utf8(value)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(0),
                    );
                }
                b"t" => {
                    cell.kind = match value {
                        b"n" => Kind::Number,
                        b"s" => Kind::Shared,
                        b"b" => Kind::Bool,
                        b"e" => Kind::Error,
                        b"d" => Kind::Date,
                        b"str" | b"inlineStr" => Kind::Text,
                        other => {
                            cell.kind_text = other.to_vec();
                            Kind::Other
                        }
                    };
                }
                _ => {}
            }
        }
        Ok(cell)
    }
}

/// A `<c>` tag at the start of `rest` whose attributes are one letter each
/// (`r`, `s`, `t`) in double quotes: its attributes, its length and whether
/// it is self-closing. `None` for any other spelling, read as tokens instead.
fn usual_cell_tag(rest: &[u8]) -> Option<(CellAttrs, usize, bool)> {
    if !rest.starts_with(b"<c ") {
        return None;
    }
    let mut cell = CellAttrs {
        at: None,
        style: None,
        kind: Kind::Unknown,
        kind_text: Vec::new(),
    };
    let mut i = 2;
    loop {
        match rest.get(i..)? {
            [b' ', ..] => i += 1,
            [b'>', ..] => return Some((cell, i + 1, false)),
            [b'/', b'>', ..] => return Some((cell, i + 2, true)),
            [key @ (b'r' | b's' | b't'), b'=', b'"', tail @ ..] => {
                let close = memchr::memchr(b'"', tail)?;
                let value = tail.get(..close)?;
                match key {
                    b'r' => cell.at = Some(position(value)?),
                    b's' => cell.style = Some(std::str::from_utf8(value).ok()?.parse().ok()?),
                    _ => {
                        cell.kind = match value {
                            b"s" => Kind::Shared,
                            b"inlineStr" | b"str" => Kind::Text,
                            b"n" => Kind::Number,
                            b"b" => Kind::Bool,
                            b"e" => Kind::Error,
                            b"d" => Kind::Date,
                            _ => return None,
                        }
                    }
                }
                i += 3 + close + 1;
            }
            _ => return None,
        }
    }
}

/// `AB12` as 0-based (row, column).
fn position(name: &[u8]) -> Option<(u32, u32)> {
    // One pass, every cell of a sheet has one: at most three letters and
    // nine digits, so the sums cannot overflow.
    let mut column = 0u32;
    let mut letters = 0;
    for &b in name.iter().take(4) {
        if !b.is_ascii_alphabetic() {
            break;
        }
        column = column * 26 + u32::from((b | 0x20) - b'a') + 1;
        letters += 1;
    }
    if letters == 0 || letters > 3 {
        return None;
    }
    let row = row_number(name.get(letters..)?)?;
    Some((row, column - 1))
}

/// A row number (`12`, 1-based) as 0-based.
fn row_number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    let mut n = 0u32;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    n.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::position;

    /// Cell names as Excel writes them, to its last column and row, and
    /// the names that are none.
    #[test]
    fn cell_names_are_read_as_rows_and_columns() {
        assert_eq!(position(b"A1"), Some((0, 0)));
        assert_eq!(position(b"a1"), Some((0, 0)));
        assert_eq!(position(b"AB12"), Some((11, 27)));
        assert_eq!(position(b"Z9"), Some((8, 25)));
        assert_eq!(position(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(position(b"ZZZ999999999"), Some((999_999_998, 18_277)));
        for none in [
            &b"ABCD1"[..],
            b"A0",
            b"1",
            b"A",
            b"A1x",
            b"",
            b"A1234567890",
            b"\xc3\x891",
        ] {
            assert_eq!(position(none), None, "{}", String::from_utf8_lossy(none));
        }
    }
}
