//! Code look-up: an option code, cohort or attribute value as text -> its index.
//!
//! Built once per plan. Small whole-number codes (the usual `1`..`5`) are read
//! by parsing the digits and indexing a table, so decoding a CSV row needs no
//! hashing; other codes are compared directly (few) or hashed (many). A
//! direct comparison of a short code is of two words and a length, read once
//! from the text, with no call to compare bytes.

use std::collections::HashMap;

/// Above this many codes a hash map beats comparing each in turn.
const LINEAR_MAX: usize = 12;
/// Whole-number codes up to this value go in the digit table.
const DIGIT_MAX: usize = 255;
const NONE: u32 = u32::MAX;

/// Maps codes to their index in declaration order.
#[derive(Debug, Clone, Default)]
pub(crate) struct CodeTable {
    /// Index by the code's numeric value, for codes written as plain digits.
    digits: Vec<u32>,
    /// True when every code is in `digits`, so a miss there is final.
    digits_only: bool,
    /// Codes that are not in `digits`.
    others: Vec<Other>,
    /// Hashed `others`, when there are many.
    map: Option<HashMap<Box<[u8]>, u32>>,
}

/// A code that is not small digits, with its index.
#[derive(Debug, Clone)]
struct Other {
    key: Key,
    code: Box<[u8]>,
    index: u32,
}

/// A code's length and the words at its two ends. Codes of the same length
/// up to [`KEY_HOLDS`] bytes are equal exactly when their keys are: the two
/// words cover every byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    len: usize,
    head: u64,
    tail: u64,
}

/// The longest code a [`Key`] alone tells apart.
const KEY_HOLDS: usize = 16;

impl Key {
    #[inline]
    fn of(code: &[u8]) -> Key {
        let len = code.len();
        let word = |b: &[u8; 8]| u64::from_le_bytes(*b);
        let half = |b: &[u8; 4]| u64::from(u32::from_le_bytes(*b));
        let (head, tail) = match (code.first_chunk::<8>(), code.last_chunk::<8>()) {
            (Some(first), Some(last)) => (word(first), word(last)),
            _ => match (code.first_chunk::<4>(), code.last_chunk::<4>()) {
                (Some(first), Some(last)) => (half(first) | half(last) << 32, 0),
                // Three bytes at most: the first, the middle and the last are all of them.
                _ => {
                    let at = |i: usize| u64::from(code.get(i).copied().unwrap_or(0));
                    (at(0) | at(len / 2) << 8 | at(len.wrapping_sub(1)) << 16, 0)
                }
            },
        };
        Key { len, head, tail }
    }
}

/// The value of a code written as canonical digits (`0`, `7`, `12`; not `07`).
fn small_number(code: &[u8]) -> Option<usize> {
    if code.is_empty() || code.len() > 3 || (code.len() > 1 && code.first() == Some(&b'0')) {
        return None;
    }
    code.iter().try_fold(0usize, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + usize::from(b - b'0'))
    })
}

impl CodeTable {
    /// A table of `codes`, index = position.
    pub(crate) fn new<'a>(codes: impl Iterator<Item = &'a str>) -> Self {
        let mut table = CodeTable {
            digits_only: true,
            ..Default::default()
        };
        for (i, code) in codes.enumerate() {
            let bytes = code.as_bytes();
            match small_number(bytes).filter(|n| *n <= DIGIT_MAX) {
                Some(n) => {
                    if table.digits.len() <= n {
                        table.digits.resize(n + 1, NONE);
                    }
                    if let Some(slot) = table.digits.get_mut(n) {
                        if *slot == NONE {
                            *slot = i as u32;
                        }
                    }
                }
                None => {
                    table.digits_only = false;
                    table.others.push(Other {
                        key: Key::of(bytes),
                        code: bytes.into(),
                        index: i as u32,
                    });
                }
            }
        }
        if table.others.len() > LINEAR_MAX {
            let mut map = HashMap::with_capacity(table.others.len());
            for other in &table.others {
                map.entry(other.code.clone()).or_insert(other.index);
            }
            table.map = Some(map);
        }
        table
    }

    /// The index of `code` (surrounding ASCII spaces ignored).
    #[inline]
    pub(crate) fn get(&self, code: &[u8]) -> Option<u32> {
        let code = code.trim_ascii();
        if let Some(n) = small_number(code) {
            match self.digits.get(n) {
                Some(i) if *i != NONE => return Some(*i),
                _ if self.digits_only => return None,
                _ => {}
            }
        }
        match &self.map {
            Some(map) => map.get(code).copied(),
            None => {
                let key = Key::of(code);
                self.others
                    .iter()
                    .find(|o| o.key == key && (key.len <= KEY_HOLDS || *o.code == *code))
                    .map(|o| o.index)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_words_and_many() {
        let t = CodeTable::new(["1", "2", "3"].into_iter());
        assert_eq!(t.get(b"2"), Some(1));
        assert_eq!(t.get(b" 3 "), Some(2));
        assert_eq!(t.get(b"4"), None);
        assert_eq!(t.get(b"02"), None);
        assert_eq!(t.get(b""), None);
        let t = CodeTable::new(["none", "some", "0"].into_iter());
        assert_eq!(t.get(b"some"), Some(1));
        assert_eq!(t.get(b"0"), Some(2));
        assert_eq!(t.get(b"1"), None);
        let many: Vec<String> = (0..40).map(|i| format!("c{i}")).collect();
        let t = CodeTable::new(many.iter().map(String::as_str));
        assert_eq!(t.get(b"c39"), Some(39));
        assert_eq!(t.get(b"c40"), None);
        let t = CodeTable::new(["007", "999", "1000"].into_iter());
        assert_eq!(t.get(b"007"), Some(0));
        assert_eq!(t.get(b"999"), Some(1));
        assert_eq!(t.get(b"1000"), Some(2));
    }

    /// What a table must give: the first code equal to the text without its
    /// surrounding spaces.
    fn first_equal(codes: &[String], text: &[u8]) -> Option<u32> {
        let text = text.trim_ascii();
        codes
            .iter()
            .position(|c| c.as_bytes() == text)
            .map(|i| i as u32)
    }

    proptest::proptest! {
        /// Codes of every length around the key's words (0 to 3, 4 to 7, 8
        /// to 16, longer), alike at their ends, few and many, digits among
        /// them: the table finds what comparing each code in turn finds.
        #[test]
        fn a_table_finds_the_first_equal_code(
            codes in proptest::collection::vec("[ab0-9_]{0,3}|[ab_]{4,20}|x[ab]{2,30}y|aaaaaaaa[ab]{0,12}|[ab]{0,12}aaaaaaaa", 0..20),
            texts in proptest::collection::vec("[ab0-9_]{0,3}|[ab_]{4,20}|x[ab]{2,30}y|aaaaaaaa[ab]{0,12}|[ab]{0,12}aaaaaaaa| ?[ab1]{1,9} ?", 0..8),
            pick in proptest::collection::vec(0usize..40, 0..8),
        ) {
            let table = CodeTable::new(codes.iter().map(String::as_str));
            for text in &texts {
                proptest::prop_assert_eq!(table.get(text.as_bytes()), first_equal(&codes, text.as_bytes()), "{:?} in {:?}", text, codes);
            }
            for i in pick {
                if let Some(code) = codes.get(i) {
                    let padded = format!(" {code} ");
                    for text in [code.as_str(), padded.as_str()] {
                        proptest::prop_assert_eq!(table.get(text.as_bytes()), first_equal(&codes, text.as_bytes()), "{:?} in {:?}", text, codes);
                    }
                }
            }
        }
    }

    #[test]
    fn keys_tell_apart_codes_that_differ_in_one_byte() {
        for len in 0..=KEY_HOLDS {
            let code = vec![b'a'; len];
            let key = Key::of(&code);
            for at in 0..len {
                let mut other = code.clone();
                other[at] = b'b';
                assert_ne!(Key::of(&other), key, "length {len}, byte {at}");
            }
            assert_ne!(Key::of(&vec![b'a'; len + 1]), key, "length {len}");
        }
    }
}
