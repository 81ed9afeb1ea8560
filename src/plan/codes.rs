//! Code look-up: an option code, cohort or attribute value as text -> its index.
//!
//! Built once per plan. Small whole-number codes (the usual `1`..`5`) are read
//! by parsing the digits and indexing a table, so decoding a CSV row needs no
//! hashing; other codes are compared directly (few) or hashed (many).

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
    others: Vec<(Box<[u8]>, u32)>,
    /// Hashed `others`, when there are many.
    map: Option<HashMap<Box<[u8]>, u32>>,
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
                    table.others.push((bytes.into(), i as u32));
                }
            }
        }
        if table.others.len() > LINEAR_MAX {
            let mut map = HashMap::with_capacity(table.others.len());
            for (code, i) in &table.others {
                map.entry(code.clone()).or_insert(*i);
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
            None => self
                .others
                .iter()
                .find(|(c, _)| &**c == code)
                .map(|(_, i)| *i),
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
}
