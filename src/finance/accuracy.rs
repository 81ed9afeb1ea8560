//! `ras report`'s core: indicative budgets (EB) against agreed costs (AC).
//!
//! Input: one [`AgreedCase`] per case that has both figures (the command
//! line evaluates the indicative budget and reads the agreed cost), and the
//! tolerance. Output: an [`Accuracy`] with a group per service area × cohort
//! × financial year, totals per year and overall, and the cases furthest out;
//! and the tables Freedom of Information requests ask for ([`foi`]).
//!
//! Definitions (one place, so every format agrees): AC as a % of EB is
//! `AC ÷ EB × 100` to one decimal place, halves up; a case is within the
//! tolerance when `|AC − EB| ≤ tolerance × EB`; the mean absolute %
//! difference is the mean of `|AC − EB| ÷ EB × 100` over cases with an EB
//! above £0, to one decimal place.

use super::{half_up, percent_of, within, MeanPercent};
use crate::date::Date;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;

/// A financial year, April to March, named by the year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(pub u16);

impl FinancialYear {
    /// The financial year a date falls in (1 April starts a year).
    pub fn of(date: Date) -> FinancialYear {
        let april = Date::new(date.year(), 4, 1);
        match april {
            Some(april) if date < april => FinancialYear(date.year().saturating_sub(1)),
            _ => FinancialYear(date.year()),
        }
    }

    /// Reads `2024/25`, `2024-25`, `2024/2025` or `24/25`; the second year
    /// must follow the first.
    pub fn parse(text: &str) -> Option<FinancialYear> {
        let t = text.trim();
        let (a, b) = t.split_once(['/', '-'])?;
        if !a.bytes().all(|c| c.is_ascii_digit()) || !b.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let start: u16 = match a.len() {
            4 => a.parse().ok()?,
            2 => 2000 + a.parse::<u16>().ok()?,
            _ => return None,
        };
        let end: u16 = match b.len() {
            4 => b.parse().ok()?,
            2 => (start / 100) * 100 + b.parse::<u16>().ok()?,
            _ => return None,
        };
        let follows = end == start + 1 || (b.len() == 2 && end + 100 == start + 1);
        follows.then_some(FinancialYear(start))
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1) % 100)
    }
}

/// One case with both figures.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreedCase {
    /// The case id.
    pub case_id: String,
    /// Where it is in the caseload.
    pub place: String,
    /// Its cohort's id.
    pub cohort: String,
    /// Its service area (as written in the caseload).
    pub service_area: String,
    /// Its financial year.
    pub year: FinancialYear,
    /// The indicative budget (EB).
    pub indicative: Decimal,
    /// The agreed cost (AC).
    pub agreed: Decimal,
}

/// Counts and totals for a set of cases.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    /// Cases.
    pub cases: u64,
    /// Total indicative budgets (EB).
    pub eb_total: Decimal,
    /// Total agreed costs (AC).
    pub ac_total: Decimal,
    /// AC as a % of EB, one decimal place; `None` when EB is £0.
    pub ac_pct_of_eb: Option<Decimal>,
    /// Cases with `|AC − EB| ≤ tolerance × EB`.
    pub within_tolerance: u64,
    /// `within_tolerance` as a % of the cases, one decimal place.
    pub share_within: Option<Decimal>,
    /// Mean of `|AC − EB| ÷ EB`, as a %, one decimal place.
    pub mean_abs_pct_diff: Option<Decimal>,
    /// Cases with an EB of £0, left out of the mean.
    pub zero_eb: u64,
}

#[derive(Debug, Clone, Default)]
struct Sums {
    cases: u64,
    eb: Decimal,
    ac: Decimal,
    within: u64,
    mean: MeanPercent,
    zero_eb: u64,
}

impl Sums {
    fn add(&mut self, c: &AgreedCase, tolerance: Decimal) {
        self.cases += 1;
        self.eb += c.indicative;
        self.ac += c.agreed;
        if within(c.agreed, c.indicative, tolerance) {
            self.within += 1;
        }
        if c.indicative.is_zero() {
            self.zero_eb += 1;
        }
        self.mean.add(c.agreed, c.indicative);
    }

    fn totals(&self) -> Totals {
        Totals {
            cases: self.cases,
            eb_total: self.eb,
            ac_total: self.ac,
            ac_pct_of_eb: percent_of(self.ac, self.eb).map(|p| half_up(p, 1)),
            within_tolerance: self.within,
            share_within: percent_of(Decimal::from(self.within), Decimal::from(self.cases))
                .map(|p| half_up(p, 1)),
            mean_abs_pct_diff: self.mean.mean(),
            zero_eb: self.zero_eb,
        }
    }
}

/// One service area × cohort × year.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The service area.
    pub service_area: String,
    /// The cohort id.
    pub cohort: String,
    /// The financial year.
    pub year: FinancialYear,
    /// Its figures.
    pub totals: Totals,
}

/// A case far from its indicative budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Furthest {
    /// The case.
    pub case: AgreedCase,
    /// `AC − EB`.
    pub difference: Decimal,
    /// `(AC − EB) ÷ EB` as a %, one decimal place; `None` when EB is £0.
    pub pct: Option<Decimal>,
}

/// The accuracy of a caseload's indicative budgets.
#[derive(Debug, Clone, PartialEq)]
pub struct Accuracy {
    /// The tolerance, in per cent.
    pub tolerance: Decimal,
    /// A group per service area × cohort × year present, ordered by year,
    /// then service area, then cohort (in the order `cohort_order` gives).
    pub groups: Vec<Group>,
    /// Per financial year.
    pub years: Vec<(FinancialYear, Totals)>,
    /// Every case.
    pub overall: Totals,
    /// The cases furthest out, furthest first (by the size of `AC − EB`
    /// relative to EB; an EB of £0 with an AC above it first of all).
    pub furthest: Vec<Furthest>,
}

/// Works out the accuracy of `cases`; `cohort_order` ranks cohort ids (the
/// rule file's order), `furthest` is how many cases to list.
pub fn accuracy(
    cases: &[AgreedCase],
    tolerance: Decimal,
    cohort_order: &[String],
    furthest: usize,
) -> Accuracy {
    let rank = |c: &str| {
        cohort_order
            .iter()
            .position(|x| x == c)
            .unwrap_or(usize::MAX)
    };
    let mut groups: BTreeMap<(FinancialYear, String, usize, String), Sums> = BTreeMap::new();
    let mut years: BTreeMap<FinancialYear, Sums> = BTreeMap::new();
    let mut overall = Sums::default();
    for c in cases {
        groups
            .entry((
                c.year,
                c.service_area.clone(),
                rank(&c.cohort),
                c.cohort.clone(),
            ))
            .or_default()
            .add(c, tolerance);
        years.entry(c.year).or_default().add(c, tolerance);
        overall.add(c, tolerance);
    }
    let mut far: Vec<Furthest> = cases
        .iter()
        .map(|c| Furthest {
            case: c.clone(),
            difference: c.agreed - c.indicative,
            pct: percent_of(c.agreed - c.indicative, c.indicative).map(|p| half_up(p, 1)),
        })
        .filter(|f| !f.difference.is_zero())
        .collect();
    // Relative distance, exact: an EB of £0 is infinitely far.
    far.sort_by(|a, b| {
        let key = |f: &Furthest| percent_of(f.difference.abs(), f.case.indicative);
        match (key(a), key(b)) {
            (None, None) => b.difference.abs().cmp(&a.difference.abs()),
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(&x),
        }
        .then_with(|| a.case.case_id.cmp(&b.case.case_id))
    });
    far.truncate(furthest);
    Accuracy {
        tolerance,
        groups: groups
            .into_iter()
            .map(|((year, service_area, _, cohort), s)| Group {
                service_area,
                cohort,
                year,
                totals: s.totals(),
            })
            .collect(),
        years: years.into_iter().map(|(y, s)| (y, s.totals())).collect(),
        overall: overall.totals(),
        furthest: far,
    }
}

/// EB and AC of one service area in one year.
pub type YearFigures = (Decimal, Decimal);

/// The tables Freedom of Information requests ask for.
#[derive(Debug, Clone, PartialEq)]
pub struct Foi {
    /// The years, most recent first (as the requests lay them out).
    pub years: Vec<FinancialYear>,
    /// Per service area: EB and AC for each of `years` (`None`: no cases).
    pub by_service: Vec<(String, Vec<Option<YearFigures>>)>,
    /// Accuracy by service area for older people, over every year.
    pub older_people: Vec<(String, Totals)>,
    /// Accuracy by service area for working-age adults, over every year.
    pub working_age: Vec<(String, Totals)>,
}

/// The FOI tables; `is_older` says which cohorts count as older people
/// (every other cohort counts as working age).
pub fn foi(cases: &[AgreedCase], tolerance: Decimal, is_older: &dyn Fn(&str) -> bool) -> Foi {
    let mut years: Vec<FinancialYear> = cases.iter().map(|c| c.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let mut services: Vec<String> = cases.iter().map(|c| c.service_area.clone()).collect();
    services.sort();
    services.dedup();
    let by_service = services
        .iter()
        .map(|s| {
            let cells = years
                .iter()
                .map(|y| {
                    let mut sums = Sums::default();
                    for c in cases
                        .iter()
                        .filter(|c| &c.service_area == s && c.year == *y)
                    {
                        sums.add(c, tolerance);
                    }
                    (sums.cases > 0).then_some((sums.eb, sums.ac))
                })
                .collect();
            (s.clone(), cells)
        })
        .collect();
    let accuracy_for = |older: bool| -> Vec<(String, Totals)> {
        services
            .iter()
            .filter_map(|s| {
                let mut sums = Sums::default();
                for c in cases
                    .iter()
                    .filter(|c| &c.service_area == s && is_older(&c.cohort) == older)
                {
                    sums.add(c, tolerance);
                }
                (sums.cases > 0).then(|| (s.clone(), sums.totals()))
            })
            .collect()
    };
    Foi {
        years,
        by_service,
        older_people: accuracy_for(true),
        working_age: accuracy_for(false),
    }
}

#[cfg(test)]
mod tests;
