use super::*;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn percentages_and_tolerance() {
    assert_eq!(half_up(dec("12.25"), 1), dec("12.3"));
    assert_eq!(half_up(dec("-12.25"), 1), dec("-12.3"));
    assert_eq!(percent_of(dec("1"), Decimal::ZERO), None);
    assert!(within(dec("110"), dec("100"), dec("10")));
    assert!(!within(dec("110.01"), dec("100"), dec("10")));
    assert!(within(dec("90"), dec("100"), dec("10")));
    let mut m = MeanPercent::default();
    m.add(dec("110"), dec("100"));
    m.add(dec("95"), dec("100"));
    m.add(dec("5"), Decimal::ZERO);
    assert_eq!(m.mean(), Some(dec("7.5")));
}
