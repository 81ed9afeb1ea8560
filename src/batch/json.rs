//! JSON Lines cases read straight into a [`CaseInput`], borrowing from the line.
//!
//! Most lines of a caseload are flat: a case id, a cohort, a plan cost and an
//! `answers` object of short strings, with the same keys in the same order
//! line after line. Such a line is read here without building a
//! `serde_json::Value` or a [`Case`](crate::case::Case). A line this reader
//! does not take in full (escapes, nesting, exponents, a key given twice, a
//! value that does not decode) is left to `Case::from_json` and
//! [`Evaluator::decode_into`], so its result or its error is exactly theirs:
//! this reader only ever succeeds where they would, with the same input.

use super::{digit_codes, Field, NO_OPTION};
use crate::date::Date;
use crate::eval::{Answer, AnswerValue, CaseInput, Evaluator};
use rust_decimal::Decimal;

/// Reused state for reading JSON lines into one input.
#[derive(Debug, Clone)]
pub(super) struct JsonCases {
    /// Per question and per attribute, the stamp of the last line that gave
    /// it, so that a key given twice is noticed without clearing a table.
    answered: Vec<u32>,
    given: Vec<u32>,
    stamp: u32,
    /// The keys of the last line's `answers` and `attributes`, by position,
    /// with what each names: the next line's keys are compared, not hashed.
    answer_keys: Vec<Key>,
    attribute_keys: Vec<Key>,
    /// Per question, the option index of each single-digit code.
    digits: Vec<Option<[u32; 10]>>,
}

/// A JSON value that is not an object or a list, as written.
#[derive(Debug, Clone, Copy)]
enum Scalar<'a> {
    /// A string without escapes (its text between the quotes).
    Text(&'a str),
    /// A plain number: `-`, digits, and a point with digits.
    Number(&'a str),
    Bool(bool),
    Null,
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        match bytes.get(self.at) {
            // Most lines have no space between their tokens.
            Some(&b) if b > b' ' => Some(b),
            _ => {
                while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(self.at) {
                    self.at += 1;
                }
                bytes.get(self.at).copied()
            }
        }
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string without escapes or control characters.
    #[inline]
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut end = start;
        // Most strings are a few bytes: a loop beats a search.
        loop {
            match *bytes.get(end)? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => end += 1,
            }
        }
        self.at = end + 1;
        self.text.get(start..end)
    }

    /// Whether the next token is the string `key` (which has no escapes),
    /// stepping over it if so: the usual key, the one in the same place on
    /// the line before, compared in place rather than read and then compared.
    #[inline]
    fn key_is(&mut self, key: &Key) -> bool {
        if self.peek() != Some(b'"') {
            return false;
        }
        let start = self.at + 1;
        let same = key.is_at(self.text.as_bytes(), start);
        if same {
            self.at = start + key.text.len() + 1;
        }
        same
    }

    /// The usual member of `answers`: the key the line before had in this
    /// place, a string of one ASCII character, then `,` or `}` (stepped
    /// over), read from one window of the line with no search. The value and
    /// whether another member follows; `None` (nothing read) otherwise.
    #[inline(always)]
    fn quick_member(&mut self, key: &Key) -> Option<(&'a [u8], bool)> {
        let bytes = self.text.as_bytes();
        let window = bytes.get(self.at..)?.first_chunk::<16>()?;
        if window[0] != b'"' || key.text.len() >= 8 || !key.is_at(bytes, self.at + 1) {
            return None;
        }
        // The colon: after the opening quote, the key and its closing quote.
        let colon = key.text.len() + 2;
        let [b':', b'"', value, b'"', after] = *window.get(colon..colon + 5)? else {
            return None;
        };
        if !(0x20..0x80).contains(&value) || matches!(value, b'"' | b'\\') {
            return None;
        }
        let more = match after {
            b',' => true,
            b'}' => false,
            _ => return None,
        };
        let start = self.at + colon + 2;
        let text = bytes.get(start..start + 1)?;
        self.at += colon + 5;
        Some((text, more))
    }

    fn literal(&mut self, word: &str) -> bool {
        let found =
            self.text.as_bytes().get(self.at..self.at + word.len()) == Some(word.as_bytes());
        if found {
            self.at += word.len();
        }
        found
    }

    #[inline]
    fn scalar(&mut self) -> Option<Scalar<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Scalar::Text),
            b't' => self.literal("true").then_some(Scalar::Bool(true)),
            b'f' => self.literal("false").then_some(Scalar::Bool(false)),
            b'n' => self.literal("null").then_some(Scalar::Null),
            _ => self.number().map(Scalar::Number),
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`; what follows is the caller's to check,
    /// so `1e3` stops at `e` and is left to the full reader.
    fn number(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut at = start;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        let digits = |from: usize| {
            bytes
                .get(from..)
                .map_or(0, |b| b.iter().take_while(|c| c.is_ascii_digit()).count())
        };
        let whole = digits(at);
        if whole == 0 || (whole > 1 && bytes.get(at) == Some(&b'0')) {
            return None;
        }
        at += whole;
        if bytes.get(at) == Some(&b'.') {
            let frac = digits(at + 1);
            if frac == 0 {
                return None;
            }
            at += 1 + frac;
        }
        self.at = at;
        self.text.get(start..at)
    }

    /// After a member: `true` when another follows, `false` at the object's end.
    #[inline]
    fn next_member(&mut self) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            b'}' => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Opens an object; `false` when it is empty (and already closed).
    fn open(&mut self) -> Option<bool> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(false);
        }
        Some(true)
    }
}

/// The text `serde_json` would give an answer or attribute value.
fn answer_text(value: Scalar<'_>) -> Option<&str> {
    match value {
        Scalar::Text(s) | Scalar::Number(s) => Some(s),
        Scalar::Bool(true) => Some("yes"),
        Scalar::Bool(false) => Some("no"),
        Scalar::Null => None,
    }
}

/// A key seen on an earlier line, with what it names.
#[derive(Debug, Clone)]
struct Key {
    text: String,
    slot: u32,
    /// For a key of under eight bytes, the key and its closing quote as
    /// little-endian bytes, and which bytes of a word they fill.
    word: u64,
    mask: u64,
}

impl Key {
    /// Whether `bytes` hold this key and its closing quote from `start`:
    /// eight bytes at once for a short key.
    #[inline(always)]
    fn is_at(&self, bytes: &[u8], start: usize) -> bool {
        match bytes.get(start..).and_then(<[u8]>::first_chunk::<8>) {
            Some(eight) if self.text.len() < 8 => {
                u64::from_le_bytes(*eight) & self.mask == self.word
            }
            _ => {
                let end = start + self.text.len();
                bytes.get(start..end) == Some(self.text.as_bytes()) && bytes.get(end) == Some(&b'"')
            }
        }
    }

    fn new(text: &str, slot: u32) -> Key {
        let mut bytes = [0u8; 8];
        let n = text.len().min(7);
        bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
        bytes[n] = b'"';
        let mask = match n + 1 {
            8 => u64::MAX,
            filled => (1u64 << (8 * filled)) - 1,
        };
        Key {
            text: text.to_string(),
            slot,
            word: u64::from_le_bytes(bytes),
            mask,
        }
    }
}

/// The slot named by the key at the cursor: the one the last line had in
/// this `position` when it is the same, else read and looked up (and
/// remembered).
#[inline]
fn slot_of(
    c: &mut Cursor<'_>,
    keys: &mut Vec<Key>,
    position: usize,
    look_up: impl FnOnce(&str) -> Option<u32>,
) -> Option<u32> {
    if let Some(known) = keys.get(position) {
        if c.key_is(known) {
            return Some(known.slot);
        }
    }
    let key = c.string()?;
    let slot = look_up(key)?;
    if let Some(entry) = keys.get_mut(position) {
        *entry = Key::new(key, slot);
    } else if position == keys.len() {
        keys.push(Key::new(key, slot));
    }
    Some(slot)
}

/// The keys of an `answers` or `attributes` object: the slots found on
/// earlier lines, and which slots this line has given (marked with its stamp).
struct Keys<'k> {
    known: &'k mut Vec<Key>,
    seen: &'k mut [u32],
    stamp: u32,
}

impl Keys<'_> {
    /// Reads the object's members, handing each slot and its text (UTF-8) to `take`;
    /// `None` (read the line the slow way) for an unknown key, a key given
    /// twice, or a value that is not a short scalar.
    fn each(
        self,
        c: &mut Cursor<'_>,
        look_up: impl Fn(&str) -> Option<u32>,
        mut take: impl FnMut(u32, &[u8]) -> Option<()>,
    ) -> Option<()> {
        let mut more = c.open()?;
        let mut position = 0;
        while more {
            if let Some(known) = self.known.get(position) {
                if let Some((text, next)) = c.quick_member(known) {
                    let slot = known.slot;
                    position += 1;
                    let mark = self.seen.get_mut(slot as usize)?;
                    if *mark == self.stamp {
                        return None;
                    }
                    *mark = self.stamp;
                    take(slot, text)?;
                    more = next;
                    continue;
                }
            }
            let slot = slot_of(c, self.known, position, &look_up)?;
            c.eat(b':')?;
            let text = answer_text(c.scalar()?)?;
            position += 1;
            let mark = self.seen.get_mut(slot as usize)?;
            if *mark == self.stamp {
                return None;
            }
            *mark = self.stamp;
            take(slot, text.as_bytes())?;
            more = c.next_member()?;
        }
        Some(())
    }
}

impl JsonCases {
    pub(super) fn new(ev: &Evaluator<'_>) -> JsonCases {
        let model = &ev.plan().model;
        JsonCases {
            answered: vec![0; model.questions.len()],
            given: vec![0; model.attributes.len()],
            stamp: 0,
            answer_keys: Vec::new(),
            attribute_keys: Vec::new(),
            digits: (0..model.questions.len())
                .map(|q| digit_codes(model, Field::Question(q as u32)))
                .collect(),
        }
    }

    /// Reads `line` into `input` and its case id into `case_id`; `None` when
    /// the line must go to the full reader (which then starts afresh).
    pub(super) fn decode(
        &mut self,
        ev: &Evaluator<'_>,
        line: &str,
        as_of: Option<Date>,
        input: &mut CaseInput,
        case_id: &mut String,
    ) -> Option<()> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.answered.fill(0);
            self.given.fill(0);
            self.stamp = 1;
        }
        let text = line.strip_prefix('\u{feff}').unwrap_or(line);
        let mut c = Cursor { text, at: 0 };
        input.reset(ev);
        let mut seen = 0u8;
        let mut cohort = "";
        let mut assessed = None;
        let mut plan_cost: Option<Decimal> = None;
        let mut more = c.open()?;
        while more {
            let key = c.string()?;
            c.eat(b':')?;
            let bit = match key {
                "case_id" => 1,
                "cohort" => 2,
                "assessed" => 4,
                "plan_cost" => 8,
                "answers" => 16,
                "attributes" => 32,
                _ => return None,
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match bit {
                1 => match c.scalar()? {
                    Scalar::Text(s) if !s.trim().is_empty() => case_id.push_str(s),
                    Scalar::Null => {}
                    _ => return None,
                },
                2 => match c.scalar()? {
                    Scalar::Text(s) => cohort = s,
                    Scalar::Null => {}
                    _ => return None,
                },
                4 => match c.scalar()? {
                    Scalar::Text(s) => assessed = Some(Date::parse(s)?),
                    Scalar::Null => {}
                    _ => return None,
                },
                8 => match c.scalar()? {
                    Scalar::Text(s) if s.trim().is_empty() => {}
                    Scalar::Text(s) | Scalar::Number(s) => {
                        plan_cost = Some(crate::number::parse_money(s).ok()?)
                    }
                    Scalar::Null => {}
                    Scalar::Bool(_) => return None,
                },
                16 => self.answers(&mut c, ev, input)?,
                _ => self.attributes(&mut c, ev, input)?,
            }
            more = c.next_member()?;
        }
        if c.peek().is_some() {
            return None;
        }
        input.cohort = ev.decode_cohort(cohort).ok()?;
        input.date = as_of.or(assessed);
        input.plan_cost = plan_cost;
        Some(())
    }

    fn answers(
        &mut self,
        c: &mut Cursor<'_>,
        ev: &Evaluator<'_>,
        input: &mut CaseInput,
    ) -> Option<()> {
        let digits = &self.digits;
        let keys = Keys {
            known: &mut self.answer_keys,
            seen: &mut self.answered,
            stamp: self.stamp,
        };
        keys.each(
            c,
            |k| ev.question_index(k),
            |q, text| {
                let digit = match (text, digits.get(q as usize)) {
                    ([d @ b'0'..=b'9'], Some(Some(table))) => Some(table[usize::from(d - b'0')]),
                    _ => None,
                };
                let answer = match digit {
                    Some(option) if option != NO_OPTION => Answer {
                        value: AnswerValue::Choice(option),
                        defaulted: false,
                    },
                    _ => ev.decode_answer(q, std::str::from_utf8(text).ok()?).ok()?,
                };
                *input.answers.get_mut(q as usize)? = answer;
                Some(())
            },
        )
    }

    fn attributes(
        &mut self,
        c: &mut Cursor<'_>,
        ev: &Evaluator<'_>,
        input: &mut CaseInput,
    ) -> Option<()> {
        let keys = Keys {
            known: &mut self.attribute_keys,
            seen: &mut self.given,
            stamp: self.stamp,
        };
        keys.each(
            c,
            |k| ev.attribute_index(k),
            |a, text| {
                let text = std::str::from_utf8(text).ok()?;
                *input.attributes.get_mut(a as usize)? = Some(ev.decode_attribute(a, text).ok()?);
                Some(())
            },
        )
    }
}

#[cfg(test)]
mod tests;
