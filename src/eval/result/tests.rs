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
