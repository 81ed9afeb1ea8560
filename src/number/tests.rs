use super::*;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn plain_decimals() {
    assert_eq!(parse_decimal("4.88"), Ok(d("4.88")));
    assert_eq!(parse_decimal(" -3 "), Ok(d("-3")));
    assert_eq!(parse_decimal("+0.5"), Ok(d("0.5")));
    for bad in [
        "1e3", "1_000", "12,50", ".5", "5.", "--1", "£5", "five", "0x10", "1.2.3", "1,000", "abc",
    ] {
        assert_eq!(parse_decimal(bad), Err(NumberError::NotANumber), "{bad}");
    }
    assert_eq!(parse_decimal("  "), Err(NumberError::Empty));
    assert_eq!(parse_decimal(""), Err(NumberError::Empty));
    assert_eq!(
        parse_decimal("99999999999999999999999999999999"),
        Err(NumberError::TooPrecise { digits: 32 })
    );
}

#[test]
fn too_many_digits_are_refused_not_rounded() {
    assert_eq!(
        parse_decimal("4.884999999999999999999999999999"),
        Err(NumberError::TooPrecise { digits: 31 })
    );
    assert_eq!(
        parse_decimal("168.0000000000000000000000000001"),
        Err(NumberError::TooPrecise { digits: 31 })
    );
    // 28 digits are held exactly.
    let ok = "1.234567890123456789012345678";
    assert_eq!(parse_decimal(ok).map(|v| v.to_string()), Ok(ok.to_string()));
    assert!(parse_decimal("0.0000000000000000000000000001").is_ok());
}

#[test]
fn money() {
    assert_eq!(parse_money("£1,210.50"), Ok(d("1210.50")));
    assert_eq!(parse_money("420"), Ok(d("420")));
    assert_eq!(parse_money("1,000,000"), Ok(d("1000000")));
    assert_eq!(parse_money("-0.00"), Ok(Decimal::ZERO));
    assert_eq!(parse_money("-5"), Err(NumberError::Negative));
    for bad in [
        "12,50", "0,99", "1_000", "££5", "1e3", "1,0000", ",100", "1,,000", "£", "1.2.3",
    ] {
        assert!(parse_money(bad).is_err(), "{bad}");
    }
    assert_eq!(
        parse_money("1000.0000000000000000000000000001"),
        Err(NumberError::TooPrecise { digits: 32 })
    );
}

#[test]
fn codes_and_messages() {
    let negative = parse_money("-5").unwrap_err();
    assert_eq!(negative.code(), "ras::negative-amount");
    assert!(negative.money_message("-5").contains("below zero"));
    let bad = parse_money("12,50").unwrap_err();
    assert_eq!(bad.code(), "ras::not-a-number");
    assert_eq!(
        bad.money_message("12,50"),
        "`12,50` is not an amount of money, e.g. 420.00"
    );
    let fine = parse_decimal("168.0000000000000000000000000001").unwrap_err();
    assert_eq!(fine.code(), "ras::number-too-precise");
}

proptest::proptest! {
    #[test]
    fn every_decimal_reads_back_exactly(mantissa: i64, scale in 0u32..=18) {
        let value = Decimal::new(mantissa, scale);
        let text = value.to_string();
        let read = parse_decimal(&text).unwrap();
        proptest::prop_assert_eq!(read.to_string(), text.clone());
        if mantissa >= 0 {
            proptest::prop_assert_eq!(parse_money(&text).unwrap().to_string(), text);
        }
    }
}

/// The one-pass reading of plain digits gives the full reading's value and
/// scale (`12.50` keeps its two decimals), and leaves all else to it.
#[test]
fn plain_digits_read_as_the_full_reader_reads_them() {
    for text in [
        "0",
        "007",
        "12.50",
        "0.000",
        "420.00",
        "5",
        "123456789012345678",
        "12345678901234567.8",
    ] {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let fast = plain_digits(text.as_bytes()).expect(text);
        let full = exact(false, whole, frac).unwrap();
        assert_eq!((fast, fast.scale()), (full, full.scale()), "{text}");
        assert_eq!(parse_money(text).unwrap().scale(), full.scale(), "{text}");
    }
    for text in [
        "1234567890123456789",
        "1.",
        ".5",
        "1.2.3",
        "1,000",
        "£5",
        "-1",
        "1e3",
        "",
    ] {
        assert_eq!(plain_digits(text.as_bytes()), None, "{text}");
    }
}
