//! `ras test`: running the test blocks of a rule file, reporting failures,
//! and JUnit XML.

mod eval_support;

use eval_support::*;
use ras::case::Case;
use ras::model::Expectation;
use ras::testing::{junit_xml, render_summary, run_tests};

fn l_a() -> Case {
    let mut c = case("older_people", &[]);
    let codes = [
        ("personal_care", "3"),
        ("eating", "2"),
        ("daily_tasks", "3"),
        ("relationships", "1"),
        ("community", "2"),
        ("decisions", "2"),
        ("safety", "3"),
        ("complex_needs", "1"),
        ("nights", "2"),
        ("caring_for_others", "1"),
        ("health", "1"),
        ("informal_support", "some"),
        ("carer_sustainable", "yes"),
    ];
    c.answers = codes
        .iter()
        .map(|(q, a)| (q.to_string(), a.to_string()))
        .collect();
    c.assessed = Some(date("2010-02-01"));
    c
}

fn with_tests() -> B {
    let mut b = leicestershire();
    let points = b.m.step_named("points").unwrap();
    let indicative = b.m.step_named("indicative").unwrap();
    let chc = b.m.flag_named("chc_screening").unwrap();
    b.test(
        "L-A",
        l_a(),
        vec![
            (
                200,
                Expectation::Value {
                    step: points,
                    value: d("38"),
                },
            ),
            (
                201,
                Expectation::Value {
                    step: indicative,
                    value: d("141.330"),
                },
            ),
            (202, Expectation::NoFlags),
            (
                203,
                Expectation::Flag {
                    flag: chc,
                    raised: false,
                },
            ),
            (204, Expectation::Eligible),
            (205, Expectation::Route { route: None }),
        ],
    );
    let mut early = l_a();
    early.assessed = Some(date("2008-01-15"));
    b.test(
        "L-D <early> & \"quoted\"",
        early.clone(),
        vec![(
            210,
            Expectation::Error {
                message: "no value of price_per_point in force before 2008-04-01".into(),
            },
        )],
    );
    b.test(
        "wrong figure",
        l_a(),
        vec![
            (
                220,
                Expectation::Value {
                    step: indicative,
                    value: d("141.34"),
                },
            ),
            (
                221,
                Expectation::Flag {
                    flag: chc,
                    raised: true,
                },
            ),
        ],
    );
    b.test(
        "values but an error",
        early,
        vec![(
            230,
            Expectation::Value {
                step: indicative,
                value: d("1"),
            },
        )],
    );
    b.test(
        "not validated expected",
        l_a(),
        vec![(240, Expectation::NotValidated)],
    );
    b
}

#[test]
fn passing_and_failing_tests() {
    let outcomes = run_tests(&with_tests().plan());
    let passed: Vec<bool> = outcomes.iter().map(|o| o.passed()).collect();
    assert_eq!(passed, vec![true, true, false, false, false]);

    let wrong = &outcomes[2];
    assert_eq!(wrong.failures.len(), 2);
    let f = &wrong.failures[0];
    assert_eq!(f.line, 220);
    assert_eq!(f.expected, "indicative = £141.34");
    assert_eq!(f.actual, "indicative = £141.33");
    assert!(
        f.detail[0].starts_with("line ") && f.detail[0].contains("gross - contingency"),
        "{:?}",
        f.detail
    );
    assert!(
        f.detail[1].contains("gross = £176.66") && f.detail[1].contains("contingency = £35.33"),
        "{:?}",
        f.detail
    );
    assert_eq!(wrong.failures[1].expected, "flag chc_screening raised");
    assert_eq!(wrong.failures[1].actual, "flag chc_screening not raised");

    let error = &outcomes[3].failures[0];
    assert!(
        error
            .actual
            .contains("no value of `price_per_point` in force before 2008-04-01"),
        "{}",
        error.actual
    );
    assert!(
        error.actual.contains("ras::no-value-in-force"),
        "{}",
        error.actual
    );

    let text = render_summary(&outcomes);
    assert!(text.ends_with("2 passed, 3 failed\n"), "{text}");
    assert!(text.contains("FAIL  wrong figure"), "{text}");
    assert!(text.contains("expected indicative = £141.34"), "{text}");
}

#[test]
fn gross_detail_names_parameters_with_their_dates() {
    let mut b = leicestershire();
    let gross = b.m.step_named("gross").unwrap();
    b.test(
        "g",
        l_a(),
        vec![(
            300,
            Expectation::Value {
                step: gross,
                value: d("1"),
            },
        )],
    );
    let outcomes = run_tests(&b.plan());
    let detail = outcomes[0].failures[0].detail.join("\n");
    assert!(detail.contains("net_points = 36.2 pts"), "{detail}");
    assert!(
        detail.contains("price_per_point = £4.88/pt from 2010-01-01"),
        "{detail}"
    );
}

#[test]
fn junit_is_escaped_xml() {
    let outcomes = run_tests(&with_tests().plan());
    let xml = junit_xml("rules/a&b.ras", &outcomes);
    assert!(
        xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"5\" failures=\"3\">"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"L-D &lt;early&gt; &amp; &quot;quoted&quot;\""),
        "{xml}"
    );
    assert!(xml.contains("classname=\"rules/a&amp;b.ras\""), "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 4);
    assert!(!xml.contains("£141.34 "), "{xml}");
    // Well formed enough: every opened testcase is closed.
    let opened = xml.matches("<testcase ").count();
    let closed = xml.matches("</testcase>").count() + xml.matches("\"/>").count();
    assert_eq!(opened, closed);
}

#[test]
fn an_unusable_plan_cannot_be_made_so_no_test_runs_on_one() {
    let mut model = with_tests().plan().into_model();
    model.indicative = 99;
    let err = ras::plan::compile(model, "# test source\n").unwrap_err();
    assert!(err.to_string().contains("inconsistent"), "{err}");
}
