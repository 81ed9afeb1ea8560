use super::*;

fn d(t: &str) -> Decimal {
    t.parse().unwrap()
}

#[test]
fn the_court_quoted_pairs_fit_a_line_with_an_intercept() {
    // 16 points -> £82.91 and 22 points -> £112.21: a slope of £4.8833 a
    // point and £4.78 fixed, exactly; no price per point alone fits both.
    let f = fit(
        Unit::Points,
        &[(d("16"), d("82.91")), (d("22"), d("112.21"))],
    );
    let line = f.with_intercept.unwrap();
    assert_eq!(line.slope, d("4.8833"));
    assert_eq!(line.intercept, d("4.78"));
    assert_eq!(line.r_squared, Some(d("1")));
    let origin = f.through_origin.unwrap();
    assert!(origin.r_squared.unwrap() < d("1"));
    assert_eq!(f.ratio, Some(d("5.1347")));
}

/// A rule file whose budget falls and then rises with the rate:
/// `|hours x rate − £100|`.
const V_SHAPED: &str = r#"policy "V" {
  council "Test"
  version "1"
  effective 2025-04-01
  review 2027-03-31
  change "test"
  period weekly
  rounding penny half_up
}
cohorts { everyone "Everyone" }
question care "Care" {
  1 "Some" 10 h
  2 "More" 20 h
}
parameter rate "Rate" = £15.00/h
let hours = total hours
output indicative "Indicative" = round(abs(hours * rate - £100))
"#;

fn sample_of(source: &str, answers: &[(&str, Decimal)]) -> (Model, Vec<SampleCase>) {
    let today = Date::parse("2026-01-01").unwrap();
    let model = crate::check::check_source(source, &crate::check::CheckOptions::new(today))
        .model
        .unwrap();
    let plan = crate::plan::compile(model.clone(), source).unwrap();
    let ev = Evaluator::new(&plan);
    let cases = answers
        .iter()
        .enumerate()
        .map(|(i, (code, cost))| {
            let mut case = crate::case::Case {
                cohort: Some("everyone".into()),
                ..Default::default()
            };
            case.answers.insert("care".into(), code.to_string());
            SampleCase {
                case_id: format!("C{i}"),
                place: format!("line {}", i + 2),
                input: ev.decode(&case, None).unwrap(),
                cost: *cost,
            }
        })
        .collect();
    (model, cases)
}

fn request(budget: Option<&str>) -> Request {
    Request {
        parameter: "rate".into(),
        budget: budget.map(d),
        from: None,
        tolerance: d("10"),
    }
}

#[test]
fn a_total_that_falls_as_the_value_rises_is_reported() {
    // One case of 10 hours costing £120: |10 x r − 100| ≤ 120 up to £22.00.
    let (model, cases) = sample_of(V_SHAPED, &[("1", d("120.00"))]);
    let cal = calibrate(&model, V_SHAPED, &cases, &request(None)).unwrap();
    let all = &cal.values[0];
    assert_eq!(all.calibrated, Some(d("22.00")));
    assert_eq!(cal.total, d("120.00"));
    let [(low, at_low), (high, at_high)] = all.not_monotone.unwrap();
    assert!(
        low < high && at_high < at_low,
        "{low} {at_low} {high} {at_high}"
    );
    // The ratio: £120 over 10 hours.
    assert_eq!(cal.fit.as_ref().unwrap().ratio, Some(d("12.0000")));
}

#[test]
fn no_value_meets_a_target_below_the_lowest_total() {
    // £50 at the rate of £15.00 and £100 at zero: above a £5 target at both,
    // so the search (which expects the total to rise) finds nothing, and
    // says what it assumed (here only rates from £9.50 to £10.50 would do).
    let (model, cases) = sample_of(V_SHAPED, &[("1", d("120.00"))]);
    match calibrate(&model, V_SHAPED, &cases, &request(Some("5"))) {
        Err(e @ CalibrateError::NoValue(_)) => {
            assert_eq!(e.code(), "ras::no-calibrated-value");
            assert!(e.to_string().contains("even with `rate` at zero, so no value meets the target if the total rises with the value"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    match calibrate(
        &model,
        V_SHAPED,
        &cases,
        &Request {
            parameter: "price".into(),
            ..request(None)
        },
    ) {
        Err(e) => assert_eq!(
            e.to_string(),
            "the rule file has no parameter `price`; its parameters are `rate`"
        ),
        other => panic!("{other:?}"),
    }
}
