//! Band tables: steps without gaps or overlaps, straight lines through rising points.

use super::decls::show;
use super::Checker;
use crate::diag::{codes, Diagnostic};
use crate::model;
use crate::syntax::ast::{self, BandRange, LiteralValue};
use crate::units::Unit;
use rust_decimal::Decimal;

impl<'a> Checker<'a> {
    pub(super) fn bands(&mut self) {
        for (_, b) in self.decls.bands.clone() {
            let (band, spans) = self.band(b);
            self.m.bands.push(band);
            self.m.spans.bands.push(spans);
        }
    }

    fn band(&mut self, b: &ast::Bands) -> (model::Band, model::spans::BandSpans) {
        let mut result_unit: Option<Unit> = None;
        let mut table_rows = Vec::new();
        let mut points = Vec::new();
        let mut beyond = None;
        let mut beyond_span = None;
        let mut rows_ok = Vec::new();
        for row in &b.rows {
            let value = match row.value.value {
                LiteralValue::Quantity(v, u) => (v, u, row.value.span),
                _ => {
                    self.error(
                        Diagnostic::new(
                            codes::TYPE_MISMATCH,
                            "a band's value must be an amount, rate or percentage",
                        )
                        .label(row.value.span, "not an amount"),
                    );
                    continue;
                }
            };
            if value.1 == Unit::Percent
                && (value.0.is_sign_negative() || value.0 > Decimal::ONE_HUNDRED)
            {
                self.error(
                    Diagnostic::new(
                        codes::BAND_RATE,
                        format!("a rate of {}% is outside 0% to 100%", value.0),
                    )
                    .label(value.2, "rate out of range")
                    .hint("a contingency or deduction rate is a share of the amount, between 0% and 100%"),
                );
            }
            let is_beyond = matches!(row.range, BandRange::Beyond(_));
            if !is_beyond {
                self.band_result_unit(b, value.1, value.2, &mut result_unit);
            }
            match &row.range {
                BandRange::Beyond(span) => {
                    if !b.interpolate {
                        self.error(Diagnostic::new(codes::BAND_ORDER, "`above:` gives the rate beyond the last point of straight-line bands")
                            .label(*span, "only for `interpolate` bands")
                            .hint("for stepped bands write `£700 and above: 5%`"));
                    }
                    beyond = Some(value);
                    beyond_span = Some(row.span);
                }
                BandRange::Point(at) => {
                    if !b.interpolate {
                        self.error(Diagnostic::new(codes::BAND_ORDER, "a stepped band needs a range: `below £100`, `£100 to £200` or `£700 and above`")
                            .label(at.span, "a single point")
                            .hint(format!("or make the table straight lines: `bands {} on {} interpolate {{ … }}`", b.id.name, b.on.symbol())));
                    }
                    if let Some(x) = self.bound(b, at) {
                        points.push((x, value.0, row.span, at.span));
                    }
                }
                range => {
                    if b.interpolate {
                        self.error(
                            Diagnostic::new(
                                codes::BAND_ORDER,
                                "straight-line bands list points, e.g. `10 pts: £40`, not ranges",
                            )
                            .label(row.span, "a range")
                            .hint(format!(
                                "write one point per row, or drop `interpolate` to make `{}` a table of steps",
                                b.id.name
                            )),
                        );
                    }
                    let (from, to) = match range {
                        BandRange::Below(x) => (None, self.bound(b, x).map(|v| (v, x.span))),
                        BandRange::Between(x, y) => (
                            self.bound(b, x).map(|v| (v, x.span)),
                            self.bound(b, y).map(|v| (v, y.span)),
                        ),
                        BandRange::AndAbove(x) => (self.bound(b, x).map(|v| (v, x.span)), None),
                        _ => (None, None),
                    };
                    // A bound already reported as wrong reads as "no bound";
                    // leave the row out of the gap and overlap checks.
                    let bounds_ok = match range {
                        BandRange::Below(_) => to.is_some(),
                        BandRange::Between(..) => from.is_some() && to.is_some(),
                        BandRange::AndAbove(_) => from.is_some(),
                        _ => false,
                    };
                    table_rows.push((from, to, value.0, row.span, range.clone()));
                    rows_ok.push(bounds_ok);
                }
            }
        }
        let unit = result_unit.unwrap_or(Unit::Number);
        if let Some((rate, u, span)) = beyond {
            let expected = unit.divided_by(b.on);
            if expected != Some(u) {
                let want = expected.map(|e| e.describe()).unwrap_or("a rate per unit");
                self.error(
                    Diagnostic::new(
                        codes::UNIT_MISMATCH,
                        format!(
                            "the rate beyond the last point must be {want}, but this is {}",
                            u.describe()
                        ),
                    )
                    .label(span, format!("this is {}", u.describe()))
                    .hint(format!(
                        "e.g. `above: {}9.50/{}`",
                        if unit == Unit::Money { "£" } else { "" },
                        b.on.symbol().trim_end_matches('s')
                    )),
                );
            }
            let _ = rate;
        }
        let (table, rows) = if b.interpolate {
            self.check_points(b, &points);
            let table = model::BandTable::Interpolate {
                points: points
                    .iter()
                    .map(|(at, v, _, _)| model::BandPoint { at: *at, value: *v })
                    .collect(),
                beyond: beyond.map(|(r, _, _)| r),
            };
            (table, points.iter().map(|p| p.2).collect())
        } else {
            self.check_steps(b, &table_rows, &rows_ok);
            let table = model::BandTable::Steps {
                rows: table_rows
                    .iter()
                    .map(|(from, to, v, _, _)| model::BandStep {
                        from: from.map(|f| f.0),
                        to: to.map(|t| t.0),
                        value: *v,
                    })
                    .collect(),
            };
            (table, table_rows.iter().map(|r| r.3).collect())
        };
        let band = model::Band {
            id: b.id.name.clone(),
            label: b.label.as_ref().map(|t| t.text.clone()),
            on: b.on,
            unit,
            table,
        };
        let spans = model::spans::BandSpans {
            name: b.id.span,
            rows,
            beyond: beyond_span,
        };
        (band, spans)
    }

    fn band_result_unit(
        &mut self,
        b: &ast::Bands,
        u: Unit,
        span: crate::syntax::Span,
        result: &mut Option<Unit>,
    ) {
        match *result {
            None => *result = Some(u),
            Some(first) if first != u => {
                self.error(
                    Diagnostic::new(
                        codes::UNIT_MISMATCH,
                        format!(
                            "the bands `{}` mix {} and {}",
                            b.id.name,
                            first.describe(),
                            u.describe()
                        ),
                    )
                    .label(span, format!("this is {}", u.describe()))
                    .hint("every band of a table gives a result in the same unit"),
                );
            }
            Some(_) => {}
        }
    }

    /// A band bound, which must be in the unit the bands are looked up on.
    fn bound(&mut self, b: &ast::Bands, lit: &ast::Literal) -> Option<Decimal> {
        match lit.value {
            LiteralValue::Quantity(v, u) if u == b.on => Some(v),
            LiteralValue::Quantity(v, Unit::Number) if v.is_zero() => Some(v),
            LiteralValue::Quantity(_, u) => {
                self.error(
                    Diagnostic::new(
                        codes::UNIT_MISMATCH,
                        format!(
                            "the bands `{}` are looked up on {}, but this bound is {}",
                            b.id.name,
                            b.on.describe(),
                            u.describe()
                        ),
                    )
                    .label(lit.span, format!("this is {}", u.describe()))
                    .label(b.on_span, format!("looked up on {}", b.on.describe()))
                    .hint(format!(
                        "write every bound in {}, e.g. `{}`",
                        b.on.symbol(),
                        show(Decimal::ONE_HUNDRED, b.on)
                    )),
                );
                None
            }
            _ => {
                self.error(
                    Diagnostic::new(codes::TYPE_MISMATCH, "a band bound must be an amount")
                        .label(lit.span, "not an amount"),
                );
                None
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn check_steps(
        &mut self,
        b: &ast::Bands,
        rows: &[(
            Option<(Decimal, crate::syntax::Span)>,
            Option<(Decimal, crate::syntax::Span)>,
            Decimal,
            crate::syntax::Span,
            BandRange,
        )],
        rows_ok: &[bool],
    ) {
        let on = |v: Decimal| show(v, b.on);
        // Rows whose bounds are wrong (reported) are left out of the gap and
        // overlap checks, which would only repeat the same mistake.
        let mut ok = rows_ok.to_vec();
        for (i, (from, to, ..)) in rows.iter().enumerate() {
            if let (Some((f, fs)), Some((t, ts))) = (from, to) {
                if f >= t {
                    self.error(Diagnostic::new(codes::BAND_ORDER, format!("this band runs from {} to {}, which is not upwards", on(*f), on(*t)))
                        .label(*fs, "from")
                        .label(*ts, "to")
                        .hint("write the lower bound first; the lower bound is included, the upper is not"));
                    if let Some(x) = ok.get_mut(i) {
                        *x = false;
                    }
                }
            }
        }
        for (i, (from, _, _, span, _)) in rows.iter().enumerate() {
            if i == 0 || !ok[i] || !ok[i - 1] {
                continue;
            }
            let prev = &rows[i - 1];
            match (prev.1, *from) {
                (None, _) => {
                    self.error(
                        Diagnostic::new(
                            codes::BAND_OVERLAP,
                            "this band overlaps the one before, which has no upper bound",
                        )
                        .label(*span, "overlaps")
                        .label(prev.3, "covers everything above its lower bound")
                        .hint("the open-ended band (`… and above`) must come last"),
                    );
                }
                (Some(_), None) => {
                    self.error(
                        Diagnostic::new(
                            codes::BAND_OVERLAP,
                            "only the first band may start with `below`",
                        )
                        .label(*span, "overlaps the bands before")
                        .hint("list bands from the lowest values to the highest"),
                    );
                }
                (Some((pt, pts)), Some((f, fs))) => {
                    if f > pt {
                        self.error(
                            Diagnostic::new(
                                codes::BAND_GAP,
                                format!(
                                    "there is a gap between {} and {}: no band covers it",
                                    on(pt),
                                    on(f)
                                ),
                            )
                            .label(fs, "this band starts here")
                            .label(pts, "the band before ends here")
                            .hint(format!(
                                "start this band at {}, where the one before ends",
                                on(pt)
                            )),
                        );
                    } else if f < pt {
                        self.error(
                            Diagnostic::new(
                                codes::BAND_OVERLAP,
                                format!("bands overlap between {} and {}", on(f), on(pt)),
                            )
                            .label(fs, "this band starts here")
                            .label(pts, "but the band before runs to here")
                            .hint(format!(
                                "start this band at {}, where the one before ends",
                                on(pt)
                            )),
                        );
                    }
                }
            }
        }
        if rows.is_empty() {
            self.error(
                Diagnostic::new(
                    codes::BAND_ORDER,
                    format!("the bands `{}` have no rows", b.id.name),
                )
                .label(b.id.span, "empty"),
            );
        }
    }

    fn check_points(
        &mut self,
        b: &ast::Bands,
        points: &[(Decimal, Decimal, crate::syntax::Span, crate::syntax::Span)],
    ) {
        for w in points.windows(2) {
            if w[1].0 <= w[0].0 {
                self.error(
                    Diagnostic::new(
                        codes::BAND_ORDER,
                        format!(
                            "the points of `{}` must rise: {} comes after {}",
                            b.id.name,
                            show(w[1].0, b.on),
                            show(w[0].0, b.on)
                        ),
                    )
                    .label(w[1].3, "this point")
                    .label(w[0].3, "is not above this one")
                    .hint("list points from the lowest to the highest, each once"),
                );
            }
        }
        if points.len() < 2 {
            self.error(
                Diagnostic::new(
                    codes::BAND_ORDER,
                    format!(
                        "straight-line bands `{}` need at least two points",
                        b.id.name
                    ),
                )
                .label(b.id.span, "too few points"),
            );
        }
    }
}
