//! Band tables: steps without gaps or overlaps, straight lines through rising
//! points. The rules a table must keep are `plan::band_problems`, which plan
//! loading applies too; here each problem is told at the rows it concerns.

use super::decls::show;
use super::symbols::{Findings, Symbols};
use crate::diag::{codes, Diagnostic};
use crate::model;
use crate::plan::BandProblem;
use crate::syntax::ast::{self, BandRange, LiteralValue};
use crate::syntax::Span;
use crate::units::Unit;
use rust_decimal::Decimal;

/// The band tables, with where each row is written.
pub(super) fn bands(sym: &Symbols) -> (Vec<model::Band>, Vec<model::spans::BandSpans>, Findings) {
    let mut pass = BandPass {
        found: Findings::default(),
    };
    let mut bands = Vec::new();
    let mut spans = Vec::new();
    for (_, b) in sym.decls.bands.iter() {
        let (band, at) = pass.band(b);
        bands.push(band);
        spans.push(at);
    }
    (bands, spans, pass.found)
}

struct BandPass {
    found: Findings,
}

/// A row of a table of steps as written.
struct StepRow {
    from: Option<(Decimal, Span)>,
    to: Option<(Decimal, Span)>,
    value: Decimal,
    /// The unit the value is written in, and where.
    unit: Unit,
    value_span: Span,
    span: Span,
    /// Its bounds are in the table's unit (a wrong one is reported).
    bounds_ok: bool,
}

/// A point of a straight-line table as written.
struct Point {
    at: Decimal,
    value: Decimal,
    unit: Unit,
    value_span: Span,
    span: Span,
    at_span: Span,
}

impl BandPass {
    fn error(&mut self, diag: Diagnostic) {
        self.found.error(diag);
    }

    fn band(&mut self, b: &ast::Bands) -> (model::Band, model::spans::BandSpans) {
        let mut result_unit: Option<Unit> = None;
        let mut table_rows: Vec<StepRow> = Vec::new();
        let mut points: Vec<Point> = Vec::new();
        let mut beyond = None;
        let mut beyond_span = None;
        for row in &b.rows {
            let (value, unit, value_span) = match row.value.value {
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
            let is_beyond = matches!(row.range, BandRange::Beyond(_));
            if !is_beyond {
                self.band_result_unit(b, unit, value_span, &mut result_unit);
            }
            match &row.range {
                BandRange::Beyond(span) => {
                    if !b.interpolate {
                        self.error(Diagnostic::new(codes::BAND_ORDER, "`above:` gives the rate beyond the last point of straight-line bands")
                            .label(*span, "only for `interpolate` bands")
                            .hint("for stepped bands write `£700 and above: 5%`"));
                    }
                    beyond = Some((value, unit, value_span));
                    beyond_span = Some(row.span);
                }
                BandRange::Point(at) => {
                    if !b.interpolate {
                        self.error(Diagnostic::new(codes::BAND_ORDER, "a stepped band needs a range: `below £100`, `£100 to £200` or `£700 and above`")
                            .label(at.span, "a single point")
                            .hint(format!("or make the table straight lines: `bands {} on {} interpolate {{ … }}`", b.id.name, b.on.symbol())));
                    }
                    if let Some(x) = self.bound(b, at) {
                        points.push(Point {
                            at: x,
                            value,
                            unit,
                            value_span,
                            span: row.span,
                            at_span: at.span,
                        });
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
                    table_rows.push(StepRow {
                        from,
                        to,
                        value,
                        unit,
                        value_span,
                        span: row.span,
                        bounds_ok,
                    });
                }
            }
        }
        let unit = result_unit.unwrap_or(Unit::Number);
        if let Some((_, u, span)) = beyond {
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
        }
        let (table, rows) = if b.interpolate {
            let table = model::BandTable::Interpolate {
                points: points
                    .iter()
                    .map(|p| model::BandPoint {
                        at: p.at,
                        value: p.value,
                    })
                    .collect(),
                beyond: beyond.map(|(r, _, _)| r),
            };
            (table, points.iter().map(|p| p.span).collect())
        } else {
            let table = model::BandTable::Steps {
                rows: table_rows
                    .iter()
                    .map(|r| model::BandStep {
                        from: r.from.map(|f| f.0),
                        to: r.to.map(|t| t.0),
                        value: r.value,
                    })
                    .collect(),
            };
            (table, table_rows.iter().map(|r| r.span).collect())
        };
        let band = model::Band {
            id: b.id.name.clone(),
            label: b.label.as_ref().map(|t| t.text.clone()),
            on: b.on,
            unit,
            table,
        };
        let problems = crate::plan::band_problems(&band);
        if b.interpolate {
            self.point_problems(&band, b, &problems, &points);
        } else {
            self.step_problems(&band, b, &problems, &table_rows);
        }
        let spans = model::spans::BandSpans {
            name: b.id.span,
            rows,
            beyond: beyond_span,
        };
        (band, spans)
    }

    /// A rate out of range, told at the value; a value in another unit than
    /// the table's is reported as a unit mismatch already, and is no rate.
    fn rate_out_of_range(&mut self, rate: Decimal, unit: Unit, table: Unit, span: Span) {
        if unit != table {
            return;
        }
        self.error(
            Diagnostic::new(
                codes::BAND_RATE,
                format!("a rate of {rate}% is outside 0% to 100%"),
            )
            .label(span, "rate out of range")
            .hint("a contingency or deduction rate is a share of the amount, between 0% and 100%"),
        );
    }

    fn band_result_unit(&mut self, b: &ast::Bands, u: Unit, span: Span, result: &mut Option<Unit>) {
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

    fn step_problems(
        &mut self,
        b: &model::Band,
        at: &ast::Bands,
        problems: &[BandProblem],
        rows: &[StepRow],
    ) {
        let on = |v: Decimal| show(v, b.on);
        let table = b.unit;
        // Rows whose bounds are wrong (reported) are left out of the gap and
        // overlap checks, which would only repeat the same mistake.
        let mut ok: Vec<bool> = rows.iter().map(|r| r.bounds_ok).collect();
        for problem in problems {
            match problem {
                BandProblem::RateOutOfRange { row, rate } => {
                    if let Some(r) = rows.get(*row) {
                        self.rate_out_of_range(*rate, r.unit, table, r.value_span);
                    }
                }
                BandProblem::NotUpwards { row } => {
                    let Some(StepRow {
                        from: Some((f, fs)),
                        to: Some((t, ts)),
                        ..
                    }) = rows.get(*row)
                    else {
                        continue;
                    };
                    self.error(Diagnostic::new(codes::BAND_ORDER, format!("this band runs from {} to {}, which is not upwards", on(*f), on(*t)))
                        .label(*fs, "from")
                        .label(*ts, "to")
                        .hint("write the lower bound first; the lower bound is included, the upper is not"));
                    if let Some(x) = ok.get_mut(*row) {
                        *x = false;
                    }
                }
                _ => {}
            }
        }
        let both_ok = |row: usize| row > 0 && ok.get(row).copied().unwrap_or(false) && ok[row - 1];
        for problem in problems {
            match *problem {
                BandProblem::AfterOpenEnded { row } if both_ok(row) => {
                    self.error(
                        Diagnostic::new(
                            codes::BAND_OVERLAP,
                            "this band overlaps the one before, which has no upper bound",
                        )
                        .label(rows[row].span, "overlaps")
                        .label(
                            rows[row - 1].span,
                            "covers everything above its lower bound",
                        )
                        .hint("the open-ended band (`… and above`) must come last"),
                    );
                }
                BandProblem::BelowNotFirst { row } if both_ok(row) => {
                    self.error(
                        Diagnostic::new(
                            codes::BAND_OVERLAP,
                            "only the first band may start with `below`",
                        )
                        .label(rows[row].span, "overlaps the bands before")
                        .hint("list bands from the lowest values to the highest"),
                    );
                }
                BandProblem::Gap {
                    row,
                    from,
                    previous_to,
                }
                | BandProblem::Overlap {
                    row,
                    from,
                    previous_to,
                } if both_ok(row) => {
                    let (Some((_, fs)), Some((_, pts))) = (rows[row].from, rows[row - 1].to) else {
                        continue;
                    };
                    let (code, message, before) = if matches!(problem, BandProblem::Gap { .. }) {
                        (
                            codes::BAND_GAP,
                            format!(
                                "there is a gap between {} and {}: no band covers it",
                                on(previous_to),
                                on(from)
                            ),
                            "the band before ends here",
                        )
                    } else {
                        (
                            codes::BAND_OVERLAP,
                            format!("bands overlap between {} and {}", on(from), on(previous_to)),
                            "but the band before runs to here",
                        )
                    };
                    self.error(
                        Diagnostic::new(code, message)
                            .label(fs, "this band starts here")
                            .label(pts, before)
                            .hint(format!(
                                "start this band at {}, where the one before ends",
                                on(previous_to)
                            )),
                    );
                }
                BandProblem::NoRows => {
                    self.error(
                        Diagnostic::new(
                            codes::BAND_ORDER,
                            format!("the bands `{}` have no rows", b.id),
                        )
                        .label(at.id.span, "empty"),
                    );
                }
                _ => {}
            }
        }
    }

    fn point_problems(
        &mut self,
        b: &model::Band,
        at: &ast::Bands,
        problems: &[BandProblem],
        points: &[Point],
    ) {
        let table = b.unit;
        for problem in problems {
            match *problem {
                BandProblem::RateOutOfRange { row, rate } => {
                    if let Some(p) = points.get(row) {
                        self.rate_out_of_range(rate, p.unit, table, p.value_span);
                    }
                }
                BandProblem::PointsNotRising { row } => {
                    let (Some(before), Some(this)) =
                        (points.get(row.wrapping_sub(1)), points.get(row))
                    else {
                        continue;
                    };
                    self.error(
                        Diagnostic::new(
                            codes::BAND_ORDER,
                            format!(
                                "the points of `{}` must rise: {} comes after {}",
                                b.id,
                                show(this.at, b.on),
                                show(before.at, b.on)
                            ),
                        )
                        .label(this.at_span, "this point")
                        .label(before.at_span, "is not above this one")
                        .hint("list points from the lowest to the highest, each once"),
                    );
                }
                BandProblem::TooFewPoints => {
                    self.error(
                        Diagnostic::new(
                            codes::BAND_ORDER,
                            format!("straight-line bands `{}` need at least two points", b.id),
                        )
                        .label(at.id.span, "too few points"),
                    );
                }
                _ => {}
            }
        }
    }
}
