//! Unit tests of `json`: the borrowing reader agrees with `Case::from_json`.

use super::*;
use crate::case::Case;
use proptest::prelude::*;

fn shire() -> &'static crate::plan::Plan {
    static PLAN: std::sync::OnceLock<crate::plan::Plan> = std::sync::OnceLock::new();
    PLAN.get_or_init(|| {
        let source = include_str!("../../../rules/shire-2025.ras");
        let options = crate::check::CheckOptions::new(Date::new(2026, 1, 1).unwrap());
        let model = crate::check::check_source(source, &options).model.unwrap();
        crate::plan::compile(model, source).unwrap()
    })
}

const FLAT: &str = r#"{"case_id":"C0000001","cohort":"working_age","plan_cost":"564.02","answers":{"carer":"none","q01":"2","q02":"4","q03":"1","q04":"1","q05":"1","q06":"2","q07":"3","q08":"1","q09":"1","q10":"2","q11":"4","q12":"2","q13":"1","q14":"1","q15":"3","q16":"3","q17":"3","q18":"3","q19":"1","q20":"3","q21":"3","q22":"2","q23":"2","q24":"2"}}"#;

/// A decoded input and its case id.
type Read = (CaseInput, String);

/// The fast reading, and the full one (`Err` when the full one refuses the line).
fn both(ev: &Evaluator<'_>, json: &mut JsonCases, line: &str) -> (Option<Read>, Result<Read, ()>) {
    let mut input = CaseInput::new(ev);
    let mut id = String::new();
    let fast = json
        .decode(ev, line, None, &mut input, &mut id)
        .map(|()| (input, id));
    let mut input = CaseInput::new(ev);
    let slow = Case::from_json(line).map_err(|_| ()).and_then(|case| {
        ev.decode_into(&case, None, &mut input).map_err(|_| ())?;
        Ok((input, case.case_id.unwrap_or_default()))
    });
    (fast, slow)
}

#[test]
fn flat_lines_are_read_fast_and_alike() {
    let plan = shire();
    let ev = Evaluator::new(plan);
    let mut json = JsonCases::new(&ev);
    let spaced = FLAT.replace(',', " ,\t").replace(':', ": ");
    let reordered = FLAT.replace(r#""q01":"2","q02":"4""#, r#""q02":"4","q01":"2""#);
    let numbers = FLAT
        .replace(r#""q01":"2""#, r#""q01":2"#)
        .replace(r#""564.02""#, "564.02");
    for line in [
        FLAT.to_string(),
        FLAT.replace(r#""q01":"2","q02":"4""#, r#""q01":"2" , "q02":"4""#),
        format!("\u{feff}{FLAT}\r\n"),
        spaced,
        reordered,
        numbers,
        FLAT.replace(r#""564.02""#, r#""""#),
        FLAT.replace(r#""564.02""#, "null"),
        FLAT.replace(r#""564.02""#, r#""£1,210.50""#),
        FLAT.replace(r#""q24":"2""#, r#""q24":"""#),
        FLAT.replace(r#""case_id":"C0000001","#, ""),
    ] {
        let (fast, slow) = both(&ev, &mut json, &line);
        let fast = fast.unwrap_or_else(|| panic!("not read fast: {line}"));
        assert_eq!(Ok(fast), slow, "{line}");
    }
}

#[test]
fn lines_it_does_not_take_go_to_the_full_reader() {
    let plan = shire();
    let ev = Evaluator::new(plan);
    let mut json = JsonCases::new(&ev);
    for line in [
        FLAT.replace(r#""q01":"2""#, r#""q01":"2","q01":"3""#),
        FLAT.replace(r#""cohort""#, r#""cohort":"older_people","cohort""#),
        FLAT.replace(r#""q01":"2""#, r#""q01":2e0"#),
        FLAT.replace(r#""q01":"2""#, r#""q01":02"#),
        FLAT.replace(r#""q01":"2""#, r#""q01":"\u0032""#),
        FLAT.replace(r#""q01":"2""#, r#""q01":null"#),
        FLAT.replace(r#""q01":"2""#, r#""q01":"9""#),
        FLAT.replace(r#""q01":"2""#, r#""q99":"2""#),
        FLAT.replace(r#""q01":"2""#, r#""q01":"x""#),
        FLAT.replace(r#""q01":"2""#, r#""q01":"é""#),
        FLAT.replace(r#""q01":"2""#, r#""q01":"\""#),
        FLAT.replace(r#""q02":"4""#, r#""q01":"4""#),
        FLAT.replace(r#""C0000001""#, "true"),
        FLAT.replace(r#""C0000001""#, r#"" ""#),
        FLAT.replace(r#""564.02""#, r#""12,50""#),
        FLAT.replace(r#""564.02""#, "-5"),
        FLAT.replace(r#""564.02""#, "1e3"),
        FLAT.replace(r#""working_age""#, r#""nobody""#),
        FLAT.replace(r#""plan_cost""#, r#""colour""#),
        format!("{FLAT} x"),
        format!("{FLAT}}}"),
        FLAT[..FLAT.len() - 1].to_string(),
        "{}".to_string(),
        "[]".to_string(),
    ] {
        let (fast, _) = both(&ev, &mut json, &line);
        assert!(fast.is_none(), "read fast: {line}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever a line becomes, the fast reading is the full one's, or none.
    #[test]
    fn never_disagrees(at in 0usize..FLAT.len(), cut in 0usize..4, insert in "[ -~é\\\\]{0,3}", learned: bool) {
        let plan = shire();
        let ev = Evaluator::new(plan);
        let mut json = JsonCases::new(&ev);
        // The keys of a line read before are compared in place: both ways
        // of reading a key are tried.
        if learned {
            let _ = both(&ev, &mut json, FLAT);
        }
        let end = (at + cut).min(FLAT.len());
        let line = format!("{}{insert}{}", &FLAT[..at], &FLAT[end..]);
        let (fast, slow) = both(&ev, &mut json, &line);
        if let Some(fast) = fast {
            prop_assert_eq!(Ok(fast), slow, "{}", line);
        }
    }
}
