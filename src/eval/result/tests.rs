use super::*;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn rates_of_money_show_pence_like_money() {
    assert_eq!(format_quantity(d("5.2"), Unit::MoneyPerPoint), "£5.20/pt");
    assert_eq!(format_quantity(d("18"), Unit::MoneyPerHour), "£18.00/h");
    assert_eq!(
        format_quantity(d("4.885"), Unit::MoneyPerPoint),
        "£4.885/pt"
    );
    assert_eq!(
        format_quantity(d("1210.5"), Unit::MoneyPerNight),
        "£1,210.50/night"
    );
    assert_eq!(format_value(d("5.2"), Unit::MoneyPerSession), "5.20");
    assert_eq!(format_quantity(d("-2.5"), Unit::Money), "-£2.50");
    assert_eq!(format_quantity(d("36.20"), Unit::Points), "36.2 pts");
    assert_eq!(format_quantity(d("10.0"), Unit::Percent), "10%");
    assert_eq!(format_value(-Decimal::ZERO, Unit::Money), "0.00");
}

proptest::proptest! {
    /// A figure written from the fixed-point lane reads as the same figure
    /// written from its `Decimal`.
    #[test]
    fn a_lane_value_is_written_as_its_decimal(
        m in proptest::prelude::any::<i64>(),
        scale in 0u8..19,
        money in proptest::prelude::any::<bool>(),
    ) {
        let unit = if money { Unit::Money } else { Unit::Points };
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        push_fixed(&mut ours, m, scale, unit);
        push_value(&mut theirs, Decimal::new(m, u32::from(scale)), unit);
        proptest::prop_assert_eq!(ours, theirs);
    }
}

#[test]
fn lane_values_at_the_edges_are_written_as_decimals() {
    for (m, scale, unit, text) in [
        (0, 3, Unit::Points, "0"),
        (0, 0, Unit::Money, "0.00"),
        (-5, 1, Unit::Money, "-0.50"),
        (61475, 3, Unit::Points, "61.475"),
        (30000, 2, Unit::Money, "300.00"),
        (i64::MIN, 0, Unit::Number, "-9223372036854775808"),
    ] {
        let mut out = Vec::new();
        push_fixed(&mut out, m, scale, unit);
        assert_eq!(String::from_utf8(out).unwrap(), text);
    }
}

/// A figure as rust_decimal writes it, without trailing zeros, padded to
/// `least` decimals: what the printer must give, worked out another way.
fn written_by_rust_decimal(d: Decimal, least: usize) -> String {
    let mut text = if d.is_zero() {
        "0".to_string()
    } else {
        d.normalize().to_string()
    };
    let decimals = text.find('.').map_or(0, |p| text.len() - p - 1);
    if decimals < least {
        if decimals == 0 {
            text.push('.');
        }
        text.push_str(&"0".repeat(least - decimals));
    }
    text
}

proptest::proptest! {
    /// The 64-bit printer and the general one write every figure alike, and
    /// as rust_decimal does.
    #[test]
    fn the_64_bit_printer_writes_what_the_general_one_does(
        n in proptest::prelude::any::<u64>(),
        small in 0u64..100_000_000,
        scale in 0u32..29,
        negative in proptest::prelude::any::<bool>(),
        money in proptest::prelude::any::<bool>(),
    ) {
        let least = if money { 2 } else { 0 };
        for n in [n, small, small * 1000] {
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            push_u64(&mut fast, n, scale, negative && n != 0, least);
            push_scaled(&mut general, n, scale, negative && n != 0, least);
            proptest::prop_assert_eq!(&fast, &general);
            let signed = i128::from(n) * if negative { -1 } else { 1 };
            if let Ok(d) = Decimal::try_from_i128_with_scale(signed, scale) {
                let text = String::from_utf8(fast).unwrap();
                proptest::prop_assert_eq!(text, written_by_rust_decimal(d, least as usize));
            }
        }
    }
}
