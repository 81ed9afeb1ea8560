//! Parsers for values written on the command line, with messages that say how
//! to write them. clap reports a parser's error as a usage error (exit code 2).

use crate::date::Date;
use rust_decimal::Decimal;

/// A date written `YYYY-MM-DD`.
pub fn date(text: &str) -> Result<Date, String> {
    Date::parse(text.trim())
        .ok_or_else(|| format!("`{text}` is not a date; write it as YYYY-MM-DD, e.g. 2025-04-01"))
}

/// An amount of money: `420`, `420.00`, `£1,210.50`, read as a case file's.
pub fn money(text: &str) -> Result<Decimal, String> {
    crate::number::parse_money(text).map_err(|e| e.money_message(text))
}

/// A `NAME=VALUE` pair, e.g. `personal_care=3`.
pub fn pair(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` needs the form NAME=VALUE, e.g. personal_care=3"))?;
    let (name, value) = (name.trim(), value.trim());
    if name.is_empty() {
        return Err(format!(
            "`{text}` has no name before `=`; write NAME=VALUE, e.g. personal_care=3"
        ));
    }
    if value.is_empty() {
        return Err(format!(
            "`{text}` has no value after `=`; write NAME=VALUE, e.g. personal_care=3"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_money_and_pairs() {
        assert_eq!(
            date("2010-02-01").map(|d| d.to_string()),
            Ok("2010-02-01".to_string())
        );
        assert!(date("1/2/2010").is_err_and(|e| e.contains("YYYY-MM-DD")));
        assert_eq!(money("£1,210.50"), Ok(Decimal::new(121050, 2)));
        assert_eq!(money("420"), Ok(Decimal::new(420, 0)));
        for refused in ["lots", "12,50", "0,99", "1_000", "££5", "1e3", "-5"] {
            assert!(money(refused).is_err(), "{refused}");
        }
        assert!(money("-5").is_err_and(|e| e.contains("below zero")));
        assert_eq!(pair("q1 = 3"), Ok(("q1".to_string(), "3".to_string())));
        assert_eq!(
            pair("note=a=b"),
            Ok(("note".to_string(), "a=b".to_string()))
        );
        assert!(pair("q1").is_err());
        assert!(pair("=3").is_err());
        assert!(pair("q1=").is_err());
    }
}
