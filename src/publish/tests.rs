use super::*;

#[test]
fn dates_read_as_people_write_them() {
    let d = |s| Date::parse(s).unwrap();
    assert_eq!(long_date(d("2025-04-01")), "1 April 2025");
    assert_eq!(long_date(d("2009-11-10")), "10 November 2009");
    assert_eq!(long_date(d("2024-12-31")), "31 December 2024");
}

#[test]
fn references_are_bracketed_citations_only() {
    assert!(cites("policy 7.5"));
    assert!(cites("Cabinet report, paragraph 11"));
    assert!(!cites("illustrative"));
    assert!(!cites("see below"));
    assert!(!cites("policy"));
}
