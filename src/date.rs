//! Calendar dates (assessment dates, effective dates) without a time zone.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar date, ordered by year, month, day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A valid date, or `None` when the day does not exist.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year = text.get(0..4)?.parse().ok()?;
        let month = text.get(5..7)?.parse().ok()?;
        let day = text.get(8..10)?.parse().ok()?;
        if !text.get(0..4)?.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Date::new(year, month, day)
    }

    /// The date `days` days after 1970-01-01 (days may be negative).
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = if m <= 2 { y + 1 } else { y };
        Date::new(u16::try_from(y).ok()?, m as u8, d as u8)
    }

    /// Today's date (UTC) from the system clock. Only the command line calls
    /// this: the language core takes today's date as an input.
    #[cfg(feature = "cli")]
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days_since_epoch((secs / 86_400) as i64).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }

    /// The date as a letter writes it: `2010-01-01` -> `1 January 2010`.
    pub fn in_words(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        // A `Date` is always valid, so the month is 1 to 12.
        let month = MONTHS
            .get(usize::from(self.month).wrapping_sub(1))
            .copied()
            .unwrap_or("");
        format!("{} {month} {}", self.day, self.year)
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            Date::parse("2010-02-01").map(|d| d.to_string()),
            Some("2010-02-01".into())
        );
        assert!(Date::parse("2010-02-30").is_none());
        assert!(Date::parse("2012-02-29").is_some());
        assert!(Date::parse("2011-02-29").is_none());
        assert!(Date::parse("20100201").is_none());
    }

    #[test]
    fn days_since_epoch() {
        assert_eq!(
            Date::from_days_since_epoch(0).map(|d| d.to_string()),
            Some("1970-01-01".into())
        );
        assert_eq!(
            Date::from_days_since_epoch(20_415).map(|d| d.to_string()),
            Some("2025-11-23".into())
        );
    }
}
