use super::*;

#[test]
fn cells_print_as_people_read_them() {
    let d = |t: &str| t.parse::<Decimal>().unwrap();
    assert_eq!(Cell::Money(d("1210.5")).text(), "£1,210.50");
    assert_eq!(Cell::Money(d("1210.5")).plain(), "1210.50");
    assert_eq!(Cell::Percent(d("97.3")).text(), "97.3%");
    assert_eq!(
        Cell::Quantity(d("4.91"), Unit::MoneyPerPoint).text(),
        "£4.91/pt"
    );
    assert_eq!(csv_field("a, b"), "\"a, b\"");
}
