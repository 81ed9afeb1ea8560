//! Fast paths for the two decimal operations a RAS does most after adding:
//! comparing (band bounds, thresholds, routes) and rounding to the penny.
//!
//! Policy figures are small (pounds and points with a few decimals), so their
//! mantissas fit in 64 bits; then comparing and rounding are a few integer
//! instructions instead of `rust_decimal`'s general 96-bit paths. Anything
//! larger falls back to `rust_decimal`, and the results are identical either
//! way (tested against `rust_decimal` below).

use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

/// 10^n for n in 0..=19 (fits in u64).
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// The mantissa as `i64`, when it fits.
#[inline(always)]
fn small(d: &Decimal) -> Option<i64> {
    i64::try_from(d.mantissa()).ok()
}

/// Compares two decimals by value (scale ignored), like `Decimal::cmp`.
#[inline]
pub(crate) fn cmp(a: Decimal, b: Decimal) -> Ordering {
    if let (Some(x), Some(y)) = (small(&a), small(&b)) {
        let (sa, sb) = (a.scale(), b.scale());
        if sa == sb {
            return x.cmp(&y);
        }
        // Bring both to the larger scale in i128: exact for any i64 times 10^19.
        let (x, y) = (i128::from(x), i128::from(y));
        let up = |v: i128, by: u32| POW10.get(by as usize).map(|p| v * i128::from(*p));
        let scaled = if sa < sb {
            up(x, sb - sa).map(|x| (x, y))
        } else {
            up(y, sa - sb).map(|y| (x, y))
        };
        if let Some((x, y)) = scaled {
            return x.cmp(&y);
        }
    }
    a.cmp(&b)
}

/// Whether a magnitude divided by `p` into quotient `q` and remainder `r`
/// rounds away from zero under `strategy`; `None` for a strategy this fast
/// path does not take (the caller falls back).
#[inline]
pub(crate) fn rounds_up(q: u64, r: u64, p: u64, strategy: RoundingStrategy) -> Option<bool> {
    // Doubling in u128: `r` is below `p`, which may be up to 10^19.
    let half = (2 * u128::from(r)).cmp(&u128::from(p));
    Some(match strategy {
        RoundingStrategy::MidpointAwayFromZero => half != Ordering::Less,
        RoundingStrategy::MidpointNearestEven => {
            half == Ordering::Greater || (half == Ordering::Equal && q % 2 == 1)
        }
        RoundingStrategy::AwayFromZero => r != 0,
        RoundingStrategy::ToZero => false,
        _ => return None,
    })
}

/// Rounds to `places` decimals, like `Decimal::round_dp_with_strategy`.
#[inline]
pub(crate) fn round(d: Decimal, places: u32, strategy: RoundingStrategy) -> Decimal {
    let scale = d.scale();
    if scale <= places {
        return d;
    }
    let (Some(m), Some(p)) = (small(&d), POW10.get((scale - places) as usize)) else {
        return d.round_dp_with_strategy(places, strategy);
    };
    let magnitude = m.unsigned_abs();
    let (q, r) = (magnitude / p, magnitude % p);
    let Some(up) = rounds_up(q, r, *p, strategy) else {
        return d.round_dp_with_strategy(places, strategy);
    };
    let q = i128::from(q) + i128::from(up);
    let signed = if m < 0 { -q } else { q };
    // A value that rounds to zero comes out as plain zero (never `-0`).
    Decimal::try_from_i128_with_scale(signed, places)
        .unwrap_or_else(|_| d.round_dp_with_strategy(places, strategy))
}

/// The bounds of step bands as whole numbers of 10^-scale, so that finding a
/// value's row is integer comparison after one conversion of the value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepBounds {
    scale: u32,
    /// (from, to) per row; `None` is open.
    rows: Vec<(Option<i128>, Option<i128>)>,
}

impl StepBounds {
    /// The bounds of `rows`, when they are all small enough.
    pub(crate) fn new(rows: &[crate::model::BandStep]) -> Option<StepBounds> {
        let bounds = || rows.iter().flat_map(|r| [r.from, r.to]).flatten();
        let scale = bounds().map(|d| d.scale()).max().unwrap_or(0);
        if scale > 18 {
            return None;
        }
        let at_scale = |d: Option<Decimal>| -> Option<Option<i128>> {
            match d {
                None => Some(None),
                Some(d) => {
                    let up = POW10.get((scale - d.scale()) as usize)?;
                    Some(Some(i128::from(small(&d)?) * i128::from(*up)))
                }
            }
        };
        let rows = rows
            .iter()
            .map(|r| Some((at_scale(r.from)?, at_scale(r.to)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(StepBounds { scale, rows })
    }

    /// The row holding `x` (`Some(None)`: no row does), or `None` when `x` is
    /// too large for this path.
    #[inline]
    pub(crate) fn row(&self, x: Decimal) -> Option<Option<usize>> {
        // With integer bounds b at this scale, x >= b exactly when
        // floor(x * 10^scale) >= b, and x < b exactly when it is < b.
        let m = small(&x)?;
        let sx = x.scale();
        let k = if sx <= self.scale {
            i128::from(m) * i128::from(*POW10.get((self.scale - sx) as usize)?)
        } else {
            let p = *POW10.get((sx - self.scale) as usize)?;
            i128::from(m.div_euclid(i64::try_from(p).ok()?))
        };
        let hit = |(from, to): &(Option<i128>, Option<i128>)| {
            from.map_or(true, |f| f <= k) && to.map_or(true, |t| k < t)
        };
        Some(self.rows.iter().position(hit))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(m: i64, s: u32) -> Decimal {
        Decimal::new(m, s.min(28))
    }

    /// Every rounding rule the language has (the fixed-point lane's tests use it too).
    pub(crate) fn strategy() -> impl Strategy<Value = RoundingStrategy> {
        prop_oneof![
            Just(RoundingStrategy::MidpointAwayFromZero),
            Just(RoundingStrategy::MidpointNearestEven),
            Just(RoundingStrategy::AwayFromZero),
            Just(RoundingStrategy::ToZero),
        ]
    }

    fn mantissa() -> impl Strategy<Value = i64> {
        prop_oneof![
            -1000i64..1000,
            any::<i64>(),
            Just(i64::MIN),
            Just(i64::MAX),
            Just(5),
            Just(-5),
            Just(15)
        ]
    }

    proptest! {
        #[test]
        fn compares_like_rust_decimal(a in mantissa(), sa in 0u32..29, b in mantissa(), sb in 0u32..29) {
            let (x, y) = (dec(a, sa), dec(b, sb));
            prop_assert_eq!(cmp(x, y), x.cmp(&y));
        }

        #[test]
        fn rounds_like_rust_decimal(m in mantissa(), s in 0u32..29, places in 0u32..4, st in strategy()) {
            let x = dec(m, s);
            let ours = round(x, places, st);
            let theirs = x.round_dp_with_strategy(places, st);
            prop_assert_eq!(ours, theirs);
            prop_assert_eq!(ours.scale(), theirs.scale());
            if !ours.is_zero() {
                prop_assert_eq!(ours.is_sign_negative(), theirs.is_sign_negative());
            }
        }
    }

    proptest! {
        #[test]
        fn band_rows_like_comparison(bounds in proptest::collection::vec((mantissa(), 0u32..4), 1..5), x in mantissa(), sx in 0u32..29) {
            let mut sorted: Vec<Decimal> = bounds.iter().map(|(m, s)| dec(*m % 100_000, *s)).collect();
            sorted.sort();
            sorted.dedup();
            let mut rows = vec![crate::model::BandStep { from: None, to: sorted.first().copied(), value: Decimal::ZERO }];
            for w in sorted.windows(2) {
                rows.push(crate::model::BandStep { from: Some(w[0]), to: Some(w[1]), value: Decimal::ZERO });
            }
            rows.push(crate::model::BandStep { from: sorted.last().copied(), to: None, value: Decimal::ZERO });
            let x = dec(x, sx);
            let slow = rows.iter().position(|r| r.from.map_or(true, |f| f <= x) && r.to.map_or(true, |t| x < t));
            let fast = StepBounds::new(&rows).and_then(|b| b.row(x));
            if let Some(fast) = fast {
                prop_assert_eq!(fast, slow);
            }
        }
    }

    #[test]
    fn large_values_fall_back() {
        let big = Decimal::MAX;
        assert_eq!(cmp(big, Decimal::ONE), Ordering::Greater);
        assert_eq!(
            round(
                Decimal::new(i64::MAX, 5),
                2,
                RoundingStrategy::MidpointAwayFromZero
            )
            .scale(),
            2
        );
        let huge = Decimal::from_i128_with_scale(10i128.pow(27) + 5, 1);
        assert_eq!(
            round(huge, 0, RoundingStrategy::MidpointNearestEven),
            huge.round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven)
        );
    }
}
