use super::*;

#[test]
fn financial_years_run_april_to_march() {
    let y = |t: &str| FinancialYear::of(Date::parse(t).unwrap()).to_string();
    assert_eq!(y("2025-03-31"), "2024/25");
    assert_eq!(y("2025-04-01"), "2025/26");
    assert_eq!(y("1999-12-31"), "1999/00");
    for text in ["2024/25", "2024-25", "2024/2025", "24/25"] {
        assert_eq!(
            FinancialYear::parse(text),
            Some(FinancialYear(2024)),
            "{text}"
        );
    }
    for text in ["2024/26", "2024", "24/26", "x/y", "2024/", "2099/00x"] {
        assert_eq!(FinancialYear::parse(text), None, "{text}");
    }
    assert_eq!(FinancialYear::parse("1999/00"), Some(FinancialYear(1999)));
}
