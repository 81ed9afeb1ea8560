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
