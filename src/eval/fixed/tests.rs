//! Each lane operation against rust_decimal's (the `Decimal` path's), byte
//! for byte: value, scale and the sign of a zero.

use super::*;
use crate::eval::expr::percent_of as decimal_percent_of;
use crate::eval::fastdec;
use crate::plan::fixed::{Ins, Lane, POW10};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A decimal with at most `scale` places, held at scale `rep`, and the
/// `Decimal` the `Decimal` path would hold.
fn operand() -> impl Strategy<Value = (Decimal, u8)> {
    let mantissa = prop_oneof![
        -2000i64..2000,
        Just(0i64),
        Just(5),
        Just(-5),
        Just(125),
        Just(-125),
        any::<i32>().prop_map(i64::from),
        any::<i64>(),
    ];
    (mantissa, 0u32..7, 0u8..4, any::<bool>()).prop_map(|(m, scale, extra, negative_zero)| {
        let mut d = Decimal::new(m, scale);
        if m == 0 && negative_zero {
            d.set_sign_negative(true);
        }
        (d, scale as u8 + extra)
    })
}

fn lane((d, rep): (Decimal, u8)) -> Option<Fixed> {
    Fixed::from_decimal(d, rep)
}

fn bytes(d: Option<Decimal>) -> Option<[u8; 16]> {
    d.map(|d| d.serialize())
}

fn up(to: u8, from: u8) -> i64 {
    POW10[usize::from(to - from)]
}

use crate::eval::fastdec::tests::strategy;

proptest! {
    #[test]
    fn adds_like_rust_decimal(a in operand(), b in operand(), subtract in any::<bool>()) {
        let (Some(x), Some(y)) = (lane(a), lane(b)) else { return Ok(()) };
        let rep = a.1.max(b.1);
        let ours = add(x, y, up(rep, a.1), up(rep, b.1), subtract);
        let theirs = if subtract { a.0.checked_sub(b.0) } else { a.0.checked_add(b.0) };
        if let Ok(f) = ours {
            prop_assert_eq!(bytes(f.to_decimal(rep)), bytes(theirs));
        }
    }

    #[test]
    fn multiplies_like_rust_decimal(a in operand(), b in operand()) {
        let (Some(x), Some(y)) = (lane(a), lane(b)) else { return Ok(()) };
        let rep = a.1 + b.1;
        if let Ok(f) = mul(x, y) {
            prop_assert_eq!(bytes(f.to_decimal(rep)), bytes(a.0.checked_mul(b.0)));
        }
        if let Ok(f) = percent_of(x, y) {
            prop_assert_eq!(bytes(f.to_decimal(rep + 2)), bytes(decimal_percent_of(a.0, b.0).ok()));
        }
    }

    #[test]
    fn negates_like_rust_decimal(a in operand()) {
        let Some(x) = lane(a) else { return Ok(()) };
        if let Ok(f) = neg(x) {
            prop_assert_eq!(bytes(f.to_decimal(a.1)), bytes(Some(-a.0)));
        }
        if let Ok(f) = abs(x) {
            prop_assert_eq!(bytes(f.to_decimal(a.1)), bytes(Some(a.0.abs())));
        }
    }

    #[test]
    fn rounds_like_the_decimal_path(a in operand(), places in 0u8..4, st in strategy()) {
        let Some(x) = lane(a) else { return Ok(()) };
        let (ours, rep) = if a.1 <= places {
            (round(x, 1, a.1, st), a.1)
        } else {
            (round(x, up(a.1, places), places, st), places)
        };
        let theirs = fastdec::round(a.0, u32::from(places), st);
        prop_assert_eq!(bytes(ours.ok().and_then(|f| f.to_decimal(rep))), bytes(Some(theirs)));
    }
}

#[test]
fn overflow_leaves_the_lane() {
    let big = Fixed::new(i64::MAX / 2 + 1, 0);
    assert_eq!(add(big, big, 1, 1, false), Err(Leave));
    assert_eq!(mul(big, Fixed::new(2, 0)), Err(Leave));
    assert_eq!(add(Fixed::new(1, 0), big, 1, 10, false), Err(Leave));
    assert_eq!(neg(Fixed::new(i64::MIN, 0)), Err(Leave));
}

#[test]
fn midpoints_round_as_the_decimal_path_does() {
    // -0.125 at scale 3 to pennies.
    let x = Fixed::new(-125, 3);
    let at = |st| round(x, 10, 2, st).ok().and_then(|f| f.to_decimal(2));
    assert_eq!(
        at(RoundingStrategy::MidpointAwayFromZero),
        Some(Decimal::new(-13, 2))
    );
    assert_eq!(
        at(RoundingStrategy::MidpointNearestEven),
        Some(Decimal::new(-12, 2))
    );
    assert_eq!(at(RoundingStrategy::ToZero), Some(Decimal::new(-12, 2)));
    assert_eq!(
        at(RoundingStrategy::AwayFromZero),
        Some(Decimal::new(-13, 2))
    );
    // -0.004 rounds to a zero that is not `-0`.
    let small = Fixed::new(-4, 3);
    let zero = round(small, 10, 2, RoundingStrategy::MidpointAwayFromZero)
        .ok()
        .and_then(|f| f.to_decimal(2));
    assert_eq!(zero.map(|d| d.is_sign_negative()), Some(false));
}

/// A lane value or the signal to leave: returned in two registers.
#[test]
fn a_lane_result_is_two_words() {
    assert_eq!(std::mem::size_of::<L<Fixed>>(), 16);
    assert_eq!(std::mem::size_of::<crate::plan::fixed::LaneNode>(), 32);
}

/// An instruction is four words, so a step's code is a short run of memory.
#[test]
fn an_instruction_is_four_words() {
    assert_eq!(std::mem::size_of::<Ins>(), 32);
}

/// The Shire plan compiles to straight code: no step or condition leaves
/// the lane at compile time, and no node is walked at run time.
#[test]
fn every_shire_step_and_condition_is_compiled() {
    let plan = plan_of(include_str!("../../../rules/shire-2025.ras"));
    let lane: &Lane = &plan.program.lane;
    assert!(lane.whole);
    assert!(!lane.ins.contains(&Ins::Leave), "{:?}", lane.ins);
    // `carer_rate`, a `choose` on the carer's answer, is one lookup.
    assert!(
        lane.ins.iter().any(|i| matches!(i, Ins::ByCode { .. })),
        "{:?}",
        lane.ins
    );
    assert!(!lane.ins.iter().any(|i| matches!(i, Ins::Jump { .. })));
    let compiled = lane.cond_code.iter().flatten().count();
    // The flag and the route's two conditions.
    assert_eq!(compiled, 3);
    assert_eq!(lane.registers.len(), lane.nodes.len() + lane.steps.len());
}

fn plan_of(source: &str) -> crate::plan::Plan {
    let checked = crate::check::check_source(
        source,
        &crate::check::CheckOptions::new(crate::date::Date::new(2025, 6, 1).unwrap()),
    );
    crate::plan::compile(checked.model.unwrap(), source).unwrap()
}

/// A plan wholly in the lane leaves its steps in the registers; settling
/// them gives the `Decimal` path's values, which the reasons for a failed
/// requirement are worded from.
#[test]
fn settled_steps_are_the_decimal_paths() {
    let source = r#"
policy "Settle" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { older_people "Older people" }
question need "Need" {
  1 "Low"   1.5 pts
  2 "High"  30 pts
}
parameter price_per_point "Price per point" £/pt = £4.88/pt
let points = total points
eligibility {
  require points >= 10 pts
    else "points: {points}; at least 10 are needed"
}
output indicative "Indicative weekly personal budget" = round(points * price_per_point)
"#;
    let plan = plan_of(source);
    let lane: &Lane = &plan.program.lane;
    assert!(lane.whole, "{lane:?}");
    let ev = Evaluator::new(&plan);
    for code in ["1", "2"] {
        let case = crate::case::Case::from_json(&format!(
            r#"{{"cohort": "older_people", "answers": {{"need": "{code}"}}}}"#
        ))
        .unwrap();
        let input = ev.decode(&case, None).unwrap();
        let (mut lane, mut decimal) = (Scratch::new(&ev), Scratch::new(&ev));
        let a = ev.run(&input, &mut lane).unwrap();
        let b = ev.run_decimal(&input, &mut decimal).unwrap();
        assert_eq!(a, b);
        assert!(lane.in_fixed_lane() && lane.unsettled);
        for step in 0..plan.model.steps.len() as u32 {
            assert_eq!(lane.step(step), decimal.step(step), "step {step}");
        }
        lane.settle();
        assert!(!lane.unsettled);
        let done = |s: &Scratch| -> Vec<_> {
            (0..plan.model.steps.len())
                .filter(|i| s.step(*i as u32).is_some())
                .map(|i| s.all_steps()[i].serialize())
                .collect()
        };
        assert_eq!(done(&lane), done(&decimal), "need {code}");
        let reasons = |s: &Scratch| -> Vec<String> {
            plan.model
                .eligibility
                .iter()
                .map(|r| crate::eval::requirement_reason(&plan.model, r, s.all_steps()))
                .collect()
        };
        assert_eq!(reasons(&lane), reasons(&decimal));
    }
}
