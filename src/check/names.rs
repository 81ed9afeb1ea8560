//! Names: what each name in the file refers to, duplicates, and "did you mean".

use crate::diag::{codes, Diagnostic};
use crate::syntax::ast::Ident;
use crate::syntax::Span;
use std::collections::HashMap;

/// What a name in the main namespace refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    /// A question.
    Question(u32),
    /// A case attribute.
    Attribute(u32),
    /// A parameter.
    Parameter(u32),
    /// A band table.
    Band(u32),
    /// A step (`let`, `deduction`, `output`).
    Step(u32),
    /// A flag.
    Flag(u32),
}

impl From<Symbol> for super::index::Target {
    fn from(s: Symbol) -> Self {
        use super::index::Target;
        match s {
            Symbol::Question(i) => Target::Question(i),
            Symbol::Attribute(i) => Target::Attribute(i),
            Symbol::Parameter(i) => Target::Parameter(i),
            Symbol::Band(i) => Target::Band(i),
            Symbol::Step(i) => Target::Step(i),
            Symbol::Flag(i) => Target::Flag(i),
        }
    }
}

impl Symbol {
    /// What kind of thing this is, for messages.
    pub fn kind(self) -> &'static str {
        match self {
            Symbol::Question(_) => "question",
            Symbol::Attribute(_) => "attribute",
            Symbol::Parameter(_) => "parameter",
            Symbol::Band(_) => "band table",
            Symbol::Step(_) => "step",
            Symbol::Flag(_) => "flag",
        }
    }
}

/// Names the language itself defines.
pub const BUILTIN_NAMES: &[&str] = &["cohort", "plan_cost", "assessed", "case_id"];

/// A namespace: name -> (what, where declared). The names are the rule
/// file's own text, borrowed: a file of 100,000 declarations makes no copy
/// of them.
#[derive(Debug)]
pub struct Namespace<'a, T> {
    entries: HashMap<&'a str, (T, Span)>,
    order: Vec<&'a str>,
    /// Names declared more than once (the first declaration is kept).
    duplicated: std::collections::HashSet<&'a str>,
}

impl<T> Default for Namespace<'_, T> {
    fn default() -> Self {
        Namespace {
            entries: HashMap::new(),
            order: Vec::new(),
            duplicated: std::collections::HashSet::new(),
        }
    }
}

impl<'a, T: Copy> Namespace<'a, T> {
    /// A namespace with room for `n` names, so that it never grows by rehashing.
    pub fn with_capacity(n: usize) -> Self {
        Namespace {
            entries: HashMap::with_capacity(n),
            order: Vec::with_capacity(n),
            duplicated: std::collections::HashSet::new(),
        }
    }

    /// Declares a name; a second declaration is reported and ignored.
    pub fn declare(&mut self, id: &'a Ident, value: T, what: &str, diags: &mut Vec<Diagnostic>) {
        let name = id.name.as_str();
        // A language name is never entered, so it is never a first declaration.
        if BUILTIN_NAMES.contains(&name) {
            diags.push(
                Diagnostic::new(
                    codes::DUPLICATE_NAME,
                    format!("`{name}` is a name the language already uses"),
                )
                .label(id.span, "choose another name")
                .hint(format!(
                    "`{name}` always means the case's own {}",
                    name.replace('_', " ")
                )),
            );
            return;
        }
        match self.entries.entry(name) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let first = first.get().1;
                diags.push(
                    Diagnostic::new(codes::DUPLICATE_NAME, format!("`{name}` is declared twice"))
                        .label(id.span, format!("this {what} reuses the name"))
                        .label(first, "first declared here")
                        .hint(match what {
                            "domain" | "cohort" | "answer check" => format!("give each {what} its own name"),
                            _ => "give each its own name: questions, attributes, parameters, bands, steps and flags share one set of names".to_string(),
                        }),
                );
                self.duplicated.insert(name);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert((value, id.span));
                self.order.push(name);
            }
        }
    }

    /// What a name refers to.
    pub fn get(&self, name: &str) -> Option<T> {
        self.entries.get(name).map(|(v, _)| *v)
    }

    /// True when the name is declared more than once, so a use of it is ambiguous.
    pub fn is_duplicated(&self, name: &str) -> bool {
        self.duplicated.contains(name)
    }

    /// Every declared name, each once, in declaration order.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.order.iter().copied()
    }
}

/// The closest candidate to `name`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = typo_limit(name)?;
    let name: Vec<char> = name.chars().collect();
    let mut rows = Rows::default();
    closest(&name, limit, candidates.into_iter().enumerate(), &mut rows)
}

/// How many edits still count as a typo of `name`; `None` when no edit does.
fn typo_limit(name: &str) -> Option<usize> {
    // Numeric codes (`4` for `1`) and very short names are not typos of each
    // other: any one-character change would "match".
    if name.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let len = name.chars().count();
    // A candidate must also be fewer than `len` edits away.
    let limit = (len / 3).max(1).min(len.saturating_sub(1));
    (limit > 0).then_some(limit)
}

/// The candidate fewest edits from `name` (at most `limit`), the shorter on a
/// tie, the first given (the lower `order`) on a tie of both; candidates may
/// come in any order.
fn closest<'a>(
    name: &[char],
    limit: usize,
    candidates: impl IntoIterator<Item = (usize, &'a str)>,
    rows: &mut Rows,
) -> Option<&'a str> {
    let mut best: Option<(usize, usize, usize, &'a str)> = None;
    for (order, c) in candidates {
        let c_len = c.chars().count();
        // Each character more or less is one edit at least.
        if c_len.abs_diff(name.len()) > limit {
            continue;
        }
        let bound = best.map_or(limit, |(d, ..)| d.min(limit));
        if rows.letters_apart(name, c) > bound {
            continue;
        }
        if let Some(d) = rows.distance_within(name, c, bound) {
            let better = match best {
                None => true,
                Some((bd, bl, bo, _)) => (d, c.len(), order) < (bd, bl, bo),
            };
            if better {
                best = Some((d, c.len(), order, c));
            }
        }
    }
    best.map(|(.., c)| c)
}

/// Reused rows of the edit-distance table.
#[derive(Default)]
struct Rows {
    b: Vec<char>,
    prev: Vec<usize>,
    cur: Vec<usize>,
    /// Letters of one name less those of the other, by ASCII code.
    counts: Vec<i32>,
}

impl Rows {
    /// A quick lower bound on the edit distance from `a` to `b`: the letters
    /// one has that the other lacks (counted with repeats), on the side with
    /// more. Each edit mends at most one of them. Names of a file with many
    /// misspellings are mostly far from every candidate, and this tells so
    /// without filling the table. 0 (no bound) for names that are not ASCII.
    fn letters_apart(&mut self, a: &[char], b: &str) -> usize {
        if !b.is_ascii() || !a.iter().all(char::is_ascii) {
            return 0;
        }
        let counts = &mut self.counts;
        counts.clear();
        counts.resize(128, 0);
        for c in a {
            if let Some(n) = counts.get_mut(*c as usize) {
                *n += 1;
            }
        }
        for c in b.bytes() {
            if let Some(n) = counts.get_mut(usize::from(c)) {
                *n -= 1;
            }
        }
        // Each letter's surplus is taken once: from the first name it is in.
        let (mut more, mut fewer) = (0usize, 0usize);
        for c in a
            .iter()
            .map(|c| *c as usize)
            .chain(b.bytes().map(usize::from))
        {
            if let Some(n) = counts.get_mut(c) {
                if *n > 0 {
                    more += n.unsigned_abs() as usize;
                } else {
                    fewer += n.unsigned_abs() as usize;
                }
                *n = 0;
            }
        }
        more.max(fewer)
    }

    /// The edit distance (Levenshtein) from `a` to `b` when it is at most
    /// `bound`; `None` as soon as every path is longer.
    fn distance_within(&mut self, a: &[char], b: &str, bound: usize) -> Option<usize> {
        self.b.clear();
        self.b.extend(b.chars());
        let n = self.b.len();
        self.prev.clear();
        self.prev.extend(0..=n);
        self.cur.clear();
        self.cur.resize(n + 1, 0);
        for (i, ca) in a.iter().enumerate() {
            self.cur[0] = i + 1;
            let mut row_min = self.cur[0];
            for (j, cb) in self.b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                let d = (self.prev[j] + cost)
                    .min(self.prev[j + 1] + 1)
                    .min(self.cur[j] + 1);
                self.cur[j + 1] = d;
                row_min = row_min.min(d);
            }
            // Values never fall from one row to the next along a path.
            if row_min > bound {
                return None;
            }
            std::mem::swap(&mut self.prev, &mut self.cur);
        }
        let d = self.prev[n];
        (d <= bound).then_some(d)
    }
}

/// "Did you mean" over one fixed set of names, for a file that may misspell
/// many names: candidates are grouped by length so a name is compared only
/// with those a few edits away, and the comparisons over one check are capped,
/// so that a file with a hundred thousand unknown names is still checked in
/// well under a second (past the cap, names get the hint without a guess).
pub struct Suggester<'a> {
    /// Candidates by length in characters, each in the order given.
    by_len: Vec<Vec<(usize, &'a str)>>,
    /// Comparisons left.
    budget: std::cell::Cell<usize>,
    rows: std::cell::RefCell<Rows>,
}

/// Comparisons of whole names one check may make for "did you mean" hints
/// (a few milliseconds' work).
const SUGGESTION_BUDGET: usize = 200_000;

impl<'a> Suggester<'a> {
    /// A suggester over `candidates`, in order of preference on a tie.
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_len: Vec<Vec<(usize, &'a str)>> = Vec::new();
        for (order, c) in candidates.into_iter().enumerate() {
            let len = c.chars().count();
            if by_len.len() <= len {
                by_len.resize_with(len + 1, Vec::new);
            }
            if let Some(bucket) = by_len.get_mut(len) {
                bucket.push((order, c));
            }
        }
        Suggester {
            by_len,
            budget: std::cell::Cell::new(SUGGESTION_BUDGET),
            rows: std::cell::RefCell::new(Rows::default()),
        }
    }

    /// The closest candidate, as [`did_you_mean`] finds it.
    pub fn suggest(&self, name: &str) -> Option<&'a str> {
        let limit = typo_limit(name)?;
        let chars: Vec<char> = name.chars().collect();
        let lo = chars.len().saturating_sub(limit);
        let hi = chars.len().saturating_add(limit);
        let buckets = self
            .by_len
            .get(lo..=hi.min(self.by_len.len().saturating_sub(1)))?;
        let wanted: usize = buckets.iter().map(Vec::len).sum();
        let left = self.budget.get();
        if wanted > left {
            self.budget.set(0);
            return None;
        }
        self.budget.set(left - wanted);
        let mut rows = self.rows.try_borrow_mut().ok()?;
        closest(&chars, limit, buckets.iter().flatten().copied(), &mut rows)
    }
}

pub use crate::text::codes_or as list_codes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("price_per_pont", ["price_per_point", "gross"]),
            Some("price_per_point")
        );
        assert_eq!(did_you_mean("zzz", ["price_per_point", "gross"]), None);
        assert_eq!(did_you_mean("4", ["1", "2", "3"]), None);
        assert_eq!(did_you_mean("x", ["y"]), None);
        assert_eq!(did_you_mean("ab", ["ac", "b"]), Some("b"));
    }

    #[test]
    fn the_suggester_agrees_with_the_plain_search() {
        let names = [
            "price_per_point",
            "gross",
            "net",
            "nett",
            "points",
            "gros",
            "ab",
        ];
        let suggester = Suggester::new(names);
        for typo in [
            "price_per_pont",
            "grss",
            "ne",
            "pionts",
            "zzz",
            "4",
            "x",
            "grosss",
            "b",
        ] {
            assert_eq!(suggester.suggest(typo), did_you_mean(typo, names), "{typo}");
        }
    }

    #[test]
    fn letters_apart_never_exceeds_the_edit_distance() {
        let names = [
            "price_per_point",
            "gross",
            "net",
            "missing_value_7",
            "ab",
            "é",
            "",
        ];
        let mut rows = Rows::default();
        for a in names {
            for b in names {
                let chars: Vec<char> = a.chars().collect();
                let bound = rows.letters_apart(&chars, b);
                assert!(bound <= crate::diag::edit_distance(a, b), "{a} {b}");
            }
        }
        let chars: Vec<char> = "missing_value_7".chars().collect();
        assert!(rows.letters_apart(&chars, "price_per_point") > 5);
    }

    #[test]
    fn the_plain_search_matches_the_full_edit_distance() {
        let names = ["price_per_point", "gross", "net", "nett", "points", "gros"];
        for typo in ["price_per_pont", "grss", "ne", "pionts", "nt", "groos"] {
            let len = typo.chars().count();
            let limit = (len / 3).max(1);
            let expected = names
                .iter()
                .map(|c| (crate::diag::edit_distance(typo, c), *c))
                .filter(|(d, _)| *d <= limit && *d < len)
                .min_by_key(|(d, c)| (*d, c.len()))
                .map(|(_, c)| c);
            assert_eq!(did_you_mean(typo, names), expected, "{typo}");
        }
    }
}
