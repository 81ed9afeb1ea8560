use super::*;
use crate::syntax::line_col;

#[test]
fn a_checked_model_has_a_place_for_every_part() {
    let source = include_str!("../../../rules/shire-2025.ras");
    let today = crate::date::Date::new(2026, 1, 1).unwrap();
    let checked = crate::check::check_source(source, &crate::check::CheckOptions::new(today));
    let model = checked.model.unwrap();
    assert_eq!(model.spans.covers(&model), Ok(()));
    let step = model.step_named("indicative").unwrap();
    let at = model.spans.steps[step as usize];
    assert_eq!(&source[at.start..at.end], "indicative");
    let expr = model.spans.expr(model.steps[step as usize].expr).unwrap();
    assert_eq!(
        &source[expr.start..expr.end],
        model.steps[step as usize].formula
    );
}

#[test]
fn agrees_with_scanning_from_the_start() {
    let source = "a\nbé c\n\nlast";
    let table = LineStarts::new(source);
    for offset in 0..=source.len() + 2 {
        assert_eq!(
            table.line_col(source, offset),
            line_col(source, offset),
            "offset {offset}"
        );
    }
    assert_eq!(table.line(0), 1);
    assert_eq!(table.line(2), 2);
    assert_eq!(table.line(source.len()), 4);
}
