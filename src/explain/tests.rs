use super::{date_words, sentence, upper_first};
use crate::date::Date;

#[test]
fn dates_read_as_letters_write_them() {
    let d = Date::new(2010, 1, 1).unwrap();
    assert_eq!(date_words(d), "1 January 2010");
    let d = Date::new(2019, 12, 31).unwrap();
    assert_eq!(date_words(d), "31 December 2019");
}

#[test]
fn sentences_end_with_one_full_stop() {
    assert_eq!(sentence("a flag"), "a flag.");
    assert_eq!(
        sentence("asc.complaints@oldham.gov.uk."),
        "asc.complaints@oldham.gov.uk."
    );
    assert_eq!(upper_first("older people"), "Older people");
}
