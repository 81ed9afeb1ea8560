use super::*;
use proptest::strategy::Strategy as _;

const PLAN_COST_RULES: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { all "Everyone" }
question care "Help needed" { none "None" 0 pts  some "Some" 5 pts }
parameter price_per_point "Price per point" £/pt = £5.00/pt
output indicative "Indicative weekly personal budget" = round(total points * price_per_point)
route approval "Who approves" {
  panel "Panel" when plan_cost >= £1,000
  manager "Manager" otherwise
}
"#;

/// A record as the CSV reader leaves it: the fields end to end, and where each ends.
fn record(fields: &[&str]) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut ends = Vec::new();
    for field in fields {
        text.push_str(field);
        ends.push(text.len());
    }
    (text, ends)
}

/// A row reader for rows with these column names, as `ras run` makes one.
fn rows_under<'e, 'p>(ev: &'e Evaluator<'p>, header: &[&str]) -> RowEvaluator<'e, 'p> {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let (layout, _) = Layout::new(ev, &header, &RunOptions::default()).unwrap();
    RowEvaluator::new(
        ev,
        Some(layout),
        RunOptions::default(),
        input::Places::Lines,
    )
}

#[test]
fn plan_costs_are_read_as_money() {
    let plan = crate::plan::compile(
        crate::check::check_source(
            PLAN_COST_RULES,
            &crate::check::CheckOptions::new(crate::date::Date::new(2026, 1, 1).unwrap()),
        )
        .model
        .unwrap(),
        PLAN_COST_RULES,
    )
    .unwrap();
    let ev = Evaluator::new(&plan);
    let mut rows = rows_under(&ev, &["cohort", "care", "plan_cost"]);
    let mut cost = |text: &str| {
        let (record, ends) = record(&["all", "some", text]);
        rows.decode_fields(input::Fields::Csv(&record, &ends))
            .map(|()| rows.input.plan_cost.map(|d| d.to_string()))
            .map_err(|p| p.code)
    };
    assert_eq!(cost("420.00"), Ok(Some("420.00".into())));
    assert_eq!(cost("£1,210.50"), Ok(Some("1210.50".into())));
    for bad in ["4e2", "abc", "12,50", "0,99", "1_000", "££5", "1e3"] {
        assert_eq!(cost(bad), Err("ras::not-a-number"), "{bad}");
    }
    assert_eq!(cost("-5.00"), Err("ras::negative-amount"));
    assert_eq!(
        cost("420.0000000000000000000000000001"),
        Err("ras::number-too-precise")
    );
}

#[test]
fn summary_line() {
    let s = Summary {
        rows: 4,
        ok: 1,
        not_eligible: 1,
        not_validated: 1,
        errors: 1,
    };
    assert_eq!(
        s.line(),
        "4 cases: 1 ok, 1 not eligible, 1 not validated, 1 errors"
    );
}

/// A caseload of several blocks on one, two and three threads: the same
/// bytes, error rows and counts, with a byte-order mark, CRLF line ends,
/// blank lines, multi-line quoted fields and bad rows on either side of
/// block edges.
#[test]
fn threads_read_blocks_as_one_thread_reads_the_file() {
    let plan = crate::plan::compile(
        crate::check::check_source(
            PLAN_COST_RULES,
            &crate::check::CheckOptions::new(crate::date::Date::new(2026, 1, 1).unwrap()),
        )
        .model
        .unwrap(),
        PLAN_COST_RULES,
    )
    .unwrap();
    let mut text = b"\xef\xbb\xbfcase_id,cohort,care,plan_cost\r\n".to_vec();
    const ROWS: usize = 50_000;
    for i in 1..=ROWS {
        let row = match i {
            _ if i % 997 == 0 => format!("\"id\n{i}\",all,some,\"1,000.00\"\r\n"),
            _ if i % 1009 == 0 => format!("C{i},all,some,12,50\r\n"),
            _ if i % 1013 == 0 => format!("C{i},all,some\r\n"),
            _ if i % 1499 == 0 => ",all,none,5\r\n".to_string(),
            _ if i % 1511 == 0 => format!("C{i},all,\"so\r\nme\",\r\n\r\n"),
            _ => format!(
                "C{i},all,{},{}.{:02}\r\n",
                ["none", "some"][i % 2],
                i % 1200,
                i % 100
            ),
        };
        text.extend_from_slice(row.as_bytes());
    }
    assert!(
        text.len() > 3 * (256 << 10),
        "the file spans several blocks"
    );
    let run_on = |threads: usize| {
        let reader =
            CaseReader::csv(Box::new(std::io::Cursor::new(text.clone())), "cases.csv").unwrap();
        let columns = output::default_columns(&plan.model);
        let mut out =
            ResultWriter::new(Vec::new(), output::OutputFormat::Csv, &plan.model, columns).unwrap();
        let mut errors = Vec::new();
        let mut record = |e: &ErrorRecord| {
            errors.push(e.clone());
            Ok(())
        };
        let options = RunOptions::default();
        let (summary, _) = if threads > 1 {
            run_parallel(
                &plan,
                reader,
                &mut out,
                &mut record,
                &options,
                threads,
                &mut |_, _| {},
            )
        } else {
            run(
                &plan,
                reader,
                &mut out,
                &mut record,
                &options,
                &mut |_, _| {},
            )
        }
        .unwrap();
        (out.finish().unwrap(), errors, summary)
    };
    let one = run_on(1);
    assert_eq!(one.2.rows, ROWS as u64);
    assert!(one.1.len() > 60, "{}", one.1.len());
    assert!(one
        .1
        .iter()
        .any(|e| e.line > 20_000 && e.code == "ras::no-case-id"));
    for threads in [2, 3] {
        let many = run_on(threads);
        assert!(many.0 == one.0, "{threads} threads write the same bytes");
        assert_eq!(many.1, one.1, "{threads} threads");
        assert_eq!(many.2, one.2, "{threads} threads");
    }
}

/// Questions with one-digit codes (from 0, and beside longer codes), with
/// word codes only, yes/no and a number, and an attribute: every kind of
/// column a row decodes.
const EVERY_COLUMN_RULES: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { older_people "Older people"  working_age "Working-age adults" }
attribute area "Area" { north "North"  south "South"  east_and_west "East and west" }
question a "First" { 0 "None" 0 pts  1 "Some" 2 pts  2 "More" 4 pts  3 "Most" 8 pts }
question b "Second" { 1 "None" 0 pts  2 "Some" 3 pts  10 "Ten" 5 pts  x "Other" 1 pts }
question c "Third" { none "None" 0 pts  some "Some" 5 pts }
question d "Fourth" yes/no
question e "Fifth" number pts from 0 to 10
parameter price_per_point "Price per point" £/pt = £5.00/pt
let points = total points + e
flag north "In the north" when area is north and d is yes
output indicative "Indicative weekly personal budget" = round(points * price_per_point)
"#;

fn every_column_plan() -> Plan {
    let model = crate::check::check_source(
        EVERY_COLUMN_RULES,
        &crate::check::CheckOptions::new(crate::date::Date::new(2026, 1, 1).unwrap()),
    )
    .model
    .unwrap();
    crate::plan::compile(model, EVERY_COLUMN_RULES).unwrap()
}

/// The texts a field of each column is drawn from: codes, near misses,
/// spaces, nothing, and a byte sequence cut in two by a field's end.
fn field_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        proptest::sample::select(vec![
            "0",
            "1",
            "2",
            "3",
            "4",
            "9",
            "10",
            "x",
            " 2",
            "2 ",
            "02",
            "",
            " ",
            "none",
            "some",
            "yes",
            "no",
            "7",
            "7.5",
            "11",
            "north",
            "east_and_west",
            "older_people",
            "working_age",
            "564.02",
            "0.00",
            "1,210.50",
            "12,50",
            "-5.00",
            "£4.10",
            "2025-01-01",
            "C1",
            "é",
            "\u{e9}1",
        ])
        .prop_map(String::from),
        "[0-9a-z .,£-]{0,8}",
    ]
}

proptest::proptest! {
    /// A row decoded with the one-digit code read straight from the record
    /// gives the same case, case id and first problem as the same row with
    /// every field read as text.
    #[test]
    fn one_digit_codes_read_as_the_text_reads_them(
        order in proptest::sample::subsequence(vec!["case_id", "assessed", "plan_cost", "note"], 0..=4)
            .prop_map(|extra| [vec!["cohort", "area", "a", "b", "c", "d", "e"], extra].concat())
            .prop_shuffle(),
        rows in proptest::collection::vec(proptest::collection::vec(field_text(), 11), 1..6),
        short in proptest::collection::vec(0usize..12, 1..6),
    ) {
        let plan = every_column_plan();
        let ev = Evaluator::new(&plan);
        let header: Vec<String> = order.iter().map(|c| c.to_string()).collect();
        let (layout, _) = Layout::new(&ev, &header, &RunOptions::default()).unwrap();
        let mut as_text = layout.clone();
        for column in &mut as_text.columns {
            if let Column::Digits(q, _) = *column {
                *column = Column::Other(Field::Question(q));
            }
        }
        proptest::prop_assert_eq!(
            layout.columns.iter().filter(|c| matches!(c, Column::Digits(..))).count(),
            2,
            "the questions with one-digit codes have their tables"
        );
        let mut fast = RowEvaluator::new(&ev, Some(layout), RunOptions::default(), input::Places::Lines);
        let mut slow = RowEvaluator::new(&ev, Some(as_text), RunOptions::default(), input::Places::Lines);
        for (row, short) in rows.iter().zip(short.iter().cycle()) {
            let fields: Vec<&str> = row.iter().take(header.len()).map(String::as_str).collect();
            let (text, mut ends) = record(&fields);
            // A letter of two bytes cut in two by a field's end: the record
            // is UTF-8 as a whole, its fields are not.
            if fields.first() == Some(&"\u{e9}1") && ends.len() > 1 {
                ends[0] = 1;
            }
            // Fewer fields than the header: the rest are empty.
            ends.truncate(ends.len().saturating_sub(*short % 3));
            fast.case_id.clear();
            slow.case_id.clear();
            let got = fast.decode_fields(input::Fields::Csv(&text, &ends));
            let want = slow.decode_fields(input::Fields::Csv(&text, &ends));
            proptest::prop_assert_eq!(&got, &want, "{:?}", fields);
            proptest::prop_assert_eq!(&fast.case_id, &slow.case_id);
            if got.is_ok() {
                proptest::prop_assert_eq!(&fast.input, &slow.input, "{:?}", fields);
            }
        }
    }

    /// The usual plan cost read in one pass is what the money grammar
    /// reads, to the last digit and decimal place; and it is the usual cost.
    #[test]
    fn pounds_and_pence_read_as_money_is_read(
        text in "[0-9]{0,18}\\.[0-9]{0,3}|[0-9,.£ -]{0,12}|[0-9]{1,16}\\.[0-9]{2}",
    ) {
        let usual = {
            let (pounds, pence) = text.split_once('.').unwrap_or((&text, "x"));
            (1..=16).contains(&pounds.len())
                && pounds.bytes().all(|b| b.is_ascii_digit())
                && pence.len() == 2
                && pence.bytes().all(|b| b.is_ascii_digit())
        };
        let fast = pounds_and_pence(text.as_bytes());
        proptest::prop_assert_eq!(fast.is_some(), usual, "{:?}", text);
        if let Some(v) = fast {
            let money = crate::number::parse_money(&text);
            proptest::prop_assert_eq!(money.map(|m| (m.mantissa(), m.scale())), Ok((v.mantissa(), v.scale())), "{:?}", text);
        }
    }
}

/// A row with fewer fields than the header: the columns past its end are
/// read as empty, whatever bytes the reader's buffer holds after it.
#[test]
fn columns_past_the_row_end_are_empty() {
    let plan = every_column_plan();
    let ev = Evaluator::new(&plan);
    let mut rows = rows_under(&ev, &["cohort", "area", "a", "b", "d", "e", "c"]);
    let full = record(&["older_people", "north", "1", "2", "yes", "3", "some"]);
    assert_eq!(
        rows.decode_fields(input::Fields::Csv(&full.0, &full.1)),
        Ok(())
    );
    let c = ev.question_index("c").unwrap() as usize;
    assert_eq!(rows.input.answers[c].value, AnswerValue::Choice(1));
    // The same bytes, with the last field's end left out.
    assert_eq!(
        rows.decode_fields(input::Fields::Csv(&full.0, &full.1[..6])),
        Ok(())
    );
    assert_eq!(rows.input.answers[c], Answer::MISSING);
}
