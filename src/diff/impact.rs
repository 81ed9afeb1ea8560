//! Who gains and who loses: each case's figure under both versions, added up
//! as the cases stream past (memory does not grow with the caseload).

use crate::eval::Status;
use crate::units::Unit;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// How many of the largest gains and losses are kept.
pub const LARGEST: usize = 10;

/// A case's figure under one version, or why it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// The output's value.
    Value(Decimal),
    /// No figure: not eligible, not validated, or an error.
    None(Status),
}

/// One case under both versions, as the replay hands it over. Reused from
/// case to case.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The case's id (or row number).
    pub case_id: String,
    /// The figure under the old version.
    pub old: Option<Figure>,
    /// The figure under the new version.
    pub new: Option<Figure>,
    /// The case's cohort (`""` when it could not be read).
    pub cohort: String,
    /// The case's value of each attribute of [`Impact::attributes`] (`""` when none).
    pub attributes: Vec<String>,
    /// Each flag of [`Impact::flags`] raised under the old version.
    pub old_flags: Vec<bool>,
    /// … and under the new.
    pub new_flags: Vec<bool>,
    /// The route under each version.
    pub old_route: Option<String>,
    /// …
    pub new_route: Option<String>,
    /// The change split by value change, then the structural rest (empty when
    /// not split, or when the case has no figure under both).
    pub parts: Vec<Decimal>,
}

/// The five bins, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bin {
    /// Lose more than 5%.
    LoseMore,
    /// Lose up to 5% (5% exactly included).
    LoseLess,
    /// Exactly the same.
    NoChange,
    /// Gain up to 5% (5% exactly included).
    GainLess,
    /// Gain more than 5% (and any gain from £0.00).
    GainMore,
}

/// The bins with their JSON keys and their words.
pub const BINS: [(Bin, &str, &str); 5] = [
    (Bin::LoseMore, "lose_more_than_5", "lose more than 5%"),
    (Bin::LoseLess, "lose_up_to_5", "lose up to 5%"),
    (Bin::NoChange, "no_change", "no change"),
    (Bin::GainLess, "gain_up_to_5", "gain up to 5%"),
    (Bin::GainMore, "gain_more_than_5", "gain more than 5%"),
];

impl Bin {
    /// The bin of a change from `old` to `new`, compared exactly.
    pub fn of(old: Decimal, new: Decimal) -> Bin {
        let change = new - old;
        if change.is_zero() {
            return Bin::NoChange;
        }
        // |change| <= 5% of |old|, as |change| * 100 <= 5 * |old|.
        let within = match (
            change.abs().checked_mul(Decimal::ONE_HUNDRED),
            old.abs().checked_mul(Decimal::from(5)),
        ) {
            (Some(c), Some(o)) => !old.is_zero() && c <= o,
            _ => false,
        };
        match (change.is_sign_positive(), within) {
            (true, true) => Bin::GainLess,
            (true, false) => Bin::GainMore,
            (false, true) => Bin::LoseLess,
            (false, false) => Bin::LoseMore,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Counts and totals over a set of cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// Cases.
    pub cases: u64,
    /// With a figure under both versions.
    pub both: u64,
    /// With a figure under the new version only.
    pub gained_figure: u64,
    /// With a figure under the old version only.
    pub lost_figure: u64,
    /// With a figure under neither.
    pub neither: u64,
    /// Why the cases that lost a figure have none now: not eligible, not validated, error.
    pub lost_why: [u64; 3],
    /// Why the cases that gained a figure had none: not eligible, not validated, error.
    pub gained_why: [u64; 3],
    /// Total under the old version, over the cases with a figure under both.
    pub old_total: Decimal,
    /// Total under the new version, over the same cases.
    pub new_total: Decimal,
    /// Total under the new version of the cases that gained a figure.
    pub gained_total: Decimal,
    /// Total under the old version of the cases that lost a figure.
    pub lost_total: Decimal,
    /// Cases whose figure went up.
    pub gainers: u64,
    /// … went down.
    pub losers: u64,
    /// … is exactly the same.
    pub unchanged: u64,
    /// The five bins ([`BINS`]).
    pub bins: [u64; 5],
}

fn why(status: Status) -> usize {
    match status {
        Status::NotEligible => 0,
        Status::NotValidated => 1,
        _ => 2,
    }
}

impl Counts {
    /// The change of the total.
    pub fn change_total(&self) -> Decimal {
        self.new_total - self.old_total
    }

    fn add(&mut self, old: Option<Figure>, new: Option<Figure>, overflow: &mut bool) {
        self.cases += 1;
        let mut sum = |total: &mut Decimal, v: Decimal| match total.checked_add(v) {
            Some(t) => *total = t,
            None => *overflow = true,
        };
        match (old, new) {
            (Some(Figure::Value(a)), Some(Figure::Value(b))) => {
                self.both += 1;
                sum(&mut self.old_total, a);
                sum(&mut self.new_total, b);
                match b.cmp(&a) {
                    std::cmp::Ordering::Greater => self.gainers += 1,
                    std::cmp::Ordering::Less => self.losers += 1,
                    std::cmp::Ordering::Equal => self.unchanged += 1,
                }
                self.bins[Bin::of(a, b).index()] += 1;
            }
            (Some(Figure::Value(a)), b) => {
                self.lost_figure += 1;
                sum(&mut self.lost_total, a);
                if let Some(Figure::None(s)) = b {
                    self.lost_why[why(s)] += 1;
                }
            }
            (a, Some(Figure::Value(b))) => {
                self.gained_figure += 1;
                sum(&mut self.gained_total, b);
                if let Some(Figure::None(s)) = a {
                    self.gained_why[why(s)] += 1;
                }
            }
            _ => self.neither += 1,
        }
    }
}

/// A large gain or loss.
#[derive(Debug, Clone, PartialEq)]
pub struct Largest {
    /// The case.
    pub case_id: String,
    /// Its cohort.
    pub cohort: String,
    /// Old figure.
    pub old: Decimal,
    /// New figure.
    pub new: Decimal,
}

impl Largest {
    /// New less old.
    pub fn change(&self) -> Decimal {
        self.new - self.old
    }
}

/// A flag newly raised or cleared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlagChange {
    /// The flag.
    pub flag: String,
    /// Cases (with a figure under both) where it is raised under the new version only.
    pub raised: u64,
    /// … under the old version only.
    pub cleared: u64,
}

/// Everything the replay found for one output.
#[derive(Debug, Clone)]
pub struct Impact {
    /// The output compared.
    pub output: String,
    /// Its unit.
    pub unit: Unit,
    /// Whether it is the weekly indicative budget (totals a year are then 52 weeks).
    pub weekly: bool,
    /// Over every case.
    pub total: Counts,
    /// The attributes grouped by, after `cohort`.
    pub attributes: Vec<String>,
    /// By cohort, then by each attribute: (what, value -> counts).
    pub by: Vec<(String, BTreeMap<String, Counts>)>,
    /// Largest gains, largest first.
    pub largest_gains: Vec<Largest>,
    /// Largest losses, largest first.
    pub largest_losses: Vec<Largest>,
    /// The flags of either version.
    pub flags: Vec<FlagChange>,
    /// Cases with a figure under both, by (old route, new route); `none` when there is none.
    pub routes: BTreeMap<(String, String), u64>,
    /// Whether either version has a route.
    pub has_route: bool,
    /// Every case by (old status, new status).
    pub statuses: BTreeMap<(&'static str, &'static str), u64>,
    /// The change split by the change list: (index of the change, total), then
    /// the structural rest as `None`. Empty when not split.
    pub parts: Vec<(Option<usize>, Decimal)>,
    /// Histogram of the change in percent over the cases with a figure under
    /// both: buckets of 2% from -40% to 40%, with everything beyond in the ends.
    pub histogram: [u64; HISTOGRAM],
    /// A total grew beyond what a decimal holds (the totals are then wrong).
    pub overflowed: bool,
}

/// Buckets of the histogram: below -40%, 40 of 2%, above 40%.
pub const HISTOGRAM: usize = 42;

impl Impact {
    /// An empty impact of `output`, grouping by cohort and `attributes`, with
    /// `flags`, and split by `parts` (change indices; the rest is added).
    pub fn new(
        output: &str,
        unit: Unit,
        weekly: bool,
        attributes: Vec<String>,
        flags: Vec<String>,
        has_route: bool,
        parts: &[usize],
    ) -> Impact {
        let mut by = vec![("cohort".to_string(), BTreeMap::new())];
        by.extend(attributes.iter().map(|a| (a.clone(), BTreeMap::new())));
        let mut split: Vec<(Option<usize>, Decimal)> =
            parts.iter().map(|p| (Some(*p), Decimal::ZERO)).collect();
        if !split.is_empty() {
            split.push((None, Decimal::ZERO));
        }
        Impact {
            output: output.to_string(),
            unit,
            weekly,
            total: Counts::default(),
            attributes,
            by,
            largest_gains: Vec::new(),
            largest_losses: Vec::new(),
            flags: flags
                .into_iter()
                .map(|flag| FlagChange {
                    flag,
                    ..FlagChange::default()
                })
                .collect(),
            routes: BTreeMap::new(),
            has_route,
            statuses: BTreeMap::new(),
            parts: split,
            histogram: [0; HISTOGRAM],
            overflowed: false,
        }
    }

    /// Adds one case.
    pub fn add(&mut self, case: &Outcome) {
        let mut overflow = false;
        self.total.add(case.old, case.new, &mut overflow);
        let group = |value: &str| {
            if value.is_empty() {
                "(none)".to_string()
            } else {
                value.to_string()
            }
        };
        if let Some((_, groups)) = self.by.first_mut() {
            groups
                .entry(group(&case.cohort))
                .or_default()
                .add(case.old, case.new, &mut overflow);
        }
        for (n, (_, groups)) in self.by.iter_mut().skip(1).enumerate() {
            let value = case.attributes.get(n).map_or("", String::as_str);
            // Not the same String each time: a group is made once per value.
            match groups.get_mut(value) {
                Some(c) => c.add(case.old, case.new, &mut overflow),
                None => {
                    groups
                        .entry(group(value))
                        .or_default()
                        .add(case.old, case.new, &mut overflow)
                }
            }
        }
        let status = |f: Option<Figure>| match f {
            Some(Figure::Value(_)) => Status::Ok.as_str(),
            Some(Figure::None(s)) => s.as_str(),
            None => Status::Error.as_str(),
        };
        *self
            .statuses
            .entry((status(case.old), status(case.new)))
            .or_default() += 1;
        if let (Some(Figure::Value(a)), Some(Figure::Value(b))) = (case.old, case.new) {
            self.both(case, a, b, &mut overflow);
        }
        self.overflowed |= overflow;
    }

    fn both(&mut self, case: &Outcome, a: Decimal, b: Decimal, overflow: &mut bool) {
        for (n, flag) in self.flags.iter_mut().enumerate() {
            let was = case.old_flags.get(n).copied().unwrap_or(false);
            let now = case.new_flags.get(n).copied().unwrap_or(false);
            match (was, now) {
                (false, true) => flag.raised += 1,
                (true, false) => flag.cleared += 1,
                _ => {}
            }
        }
        if self.has_route {
            let route = |r: &Option<String>| r.clone().unwrap_or_else(|| "none".into());
            *self
                .routes
                .entry((route(&case.old_route), route(&case.new_route)))
                .or_default() += 1;
        }
        if case.parts.len() == self.parts.len() {
            for ((_, total), part) in self.parts.iter_mut().zip(&case.parts) {
                match total.checked_add(*part) {
                    Some(t) => *total = t,
                    None => *overflow = true,
                }
            }
        }
        self.histogram[bucket(a, b)] += 1;
        let change = b - a;
        if change.is_sign_positive() && !change.is_zero() {
            keep(&mut self.largest_gains, case, a, b, |x, y| x > y);
        } else if !change.is_zero() {
            keep(&mut self.largest_losses, case, a, b, |x, y| x < y);
        }
    }
}

/// The histogram bucket of a change from `a` to `b`.
fn bucket(a: Decimal, b: Decimal) -> usize {
    if a.is_zero() {
        return if b > a { HISTOGRAM - 1 } else { HISTOGRAM / 2 };
    }
    let percent = (b - a)
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(a.abs()));
    let Some(p) = percent else {
        return if b > a { HISTOGRAM - 1 } else { 0 };
    };
    // Bucket k (1..=40) holds [-40 + 2(k-1), -40 + 2k); 0 and 41 the ends.
    let shifted = (p + Decimal::from(40)) / Decimal::from(2);
    if shifted < Decimal::ZERO {
        0
    } else {
        let k = shifted.floor();
        match u64::try_from(k) {
            Ok(k) if k < 40 => k as usize + 1,
            _ => HISTOGRAM - 1,
        }
    }
}

/// Keeps the `LARGEST` cases that come first by `better` of their change;
/// among equal changes, the first read stays ahead.
fn keep(
    list: &mut Vec<Largest>,
    case: &Outcome,
    old: Decimal,
    new: Decimal,
    better: fn(Decimal, Decimal) -> bool,
) {
    let change = new - old;
    if list.len() == LARGEST && !list.last().is_some_and(|l| better(change, l.change())) {
        return;
    }
    let at = list
        .iter()
        .position(|l| better(change, l.change()))
        .unwrap_or(list.len());
    list.insert(
        at,
        Largest {
            case_id: case.case_id.clone(),
            cohort: case.cohort.clone(),
            old,
            new,
        },
    );
    list.truncate(LARGEST);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::d;

    mod rust_decimal_macros_free {
        pub fn d(s: &str) -> rust_decimal::Decimal {
            s.parse().unwrap_or_default()
        }
    }

    #[test]
    fn five_percent_exactly_is_up_to_five_percent() {
        assert_eq!(Bin::of(d("100"), d("95")), Bin::LoseLess);
        assert_eq!(Bin::of(d("100"), d("94.99")), Bin::LoseMore);
        assert_eq!(Bin::of(d("100"), d("105")), Bin::GainLess);
        assert_eq!(Bin::of(d("100"), d("105.01")), Bin::GainMore);
        assert_eq!(Bin::of(d("100"), d("100.00")), Bin::NoChange);
    }

    #[test]
    fn a_gain_from_nothing_is_more_than_five_percent() {
        assert_eq!(Bin::of(d("0"), d("0.01")), Bin::GainMore);
        assert_eq!(Bin::of(d("0"), d("0")), Bin::NoChange);
    }

    #[test]
    fn histogram_ends_take_the_tails() {
        assert_eq!(bucket(d("100"), d("10")), 0);
        assert_eq!(bucket(d("100"), d("100")), 21);
        assert_eq!(bucket(d("100"), d("99")), 20);
        assert_eq!(bucket(d("100"), d("200")), HISTOGRAM - 1);
        assert_eq!(bucket(d("0"), d("5")), HISTOGRAM - 1);
    }

    #[test]
    fn the_largest_are_kept_in_order() {
        let mut list = Vec::new();
        let case = Outcome::default();
        for n in 1..=15 {
            keep(&mut list, &case, d("0"), Decimal::from(n % 7), |x, y| x > y);
        }
        let changes: Vec<Decimal> = list.iter().map(Largest::change).collect();
        assert_eq!(changes.len(), LARGEST);
        assert!(changes.windows(2).all(|w| w[0] >= w[1]));
        assert_eq!(changes[0], d("6"));
    }
}
