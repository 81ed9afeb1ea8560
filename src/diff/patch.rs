//! The value changes applied one at a time: the old model, then the old model
//! with the first value change, with the first two, … each compiled by
//! [`crate::plan::compile`], the one way to a plan.

use super::{Change, ValueChange, Version};
use crate::model::{BandTable, Model, QuestionKind};
use crate::plan::Plan;

/// The plans between the old version and the new, one per value change
/// applied (cumulatively, in the order of the change list). Each keeps the old
/// model's questions, cohorts and attributes, so a case decoded for the old
/// plan runs under every one of them as it is.
#[derive(Debug)]
pub struct Steps {
    /// `(index into the change list, plan with it and every earlier one applied)`.
    pub plans: Vec<(usize, Plan)>,
    /// Value changes whose plan could not be made on their own (their effect
    /// is then part of the structural rest).
    pub folded: Vec<usize>,
}

impl Steps {
    /// The plans for the value changes in `changes`, made from `old`.
    pub fn new(old: &Version, changes: &[Change], source: &str) -> Steps {
        let mut model = old.model().clone();
        let mut plans = Vec::new();
        let mut folded = Vec::new();
        for (n, change) in changes.iter().enumerate() {
            let Some(value) = &change.value else {
                continue;
            };
            let mut next = model.clone();
            if !apply(&mut next, value) {
                folded.push(n);
                continue;
            }
            match crate::plan::compile(next.clone(), source) {
                Ok(plan) => {
                    plans.push((n, plan));
                    model = next;
                }
                Err(_) => folded.push(n),
            }
        }
        Steps { plans, folded }
    }
}

/// Makes one value change in the model; false when the place it names is not
/// there.
fn apply(model: &mut Model, change: &ValueChange) -> bool {
    match change {
        ValueChange::Parameter {
            parameter,
            entry,
            key,
            value,
        } => model
            .parameters
            .get_mut(*parameter as usize)
            .and_then(|p| p.schedule.get_mut(*entry))
            .and_then(|e| e.values.get_mut(*key))
            .map(|v| *v = *value)
            .is_some(),
        ValueChange::Option {
            question,
            option,
            slot,
            value,
        } => match model
            .questions
            .get_mut(*question as usize)
            .map(|q| &mut q.kind)
        {
            Some(QuestionKind::Choice { options, .. }) => options
                .get_mut(*option)
                .and_then(|o| o.values.get_mut(*slot))
                .map(|v| *v = *value)
                .is_some(),
            _ => false,
        },
        ValueChange::BandValue { band, row, value } => {
            match model.bands.get_mut(*band as usize).map(|b| &mut b.table) {
                Some(BandTable::Steps { rows }) => {
                    rows.get_mut(*row).map(|r| r.value = *value).is_some()
                }
                Some(BandTable::Interpolate { points, .. }) => {
                    points.get_mut(*row).map(|p| p.value = *value).is_some()
                }
                None => false,
            }
        }
        ValueChange::BandBeyond { band, value } => {
            match model.bands.get_mut(*band as usize).map(|b| &mut b.table) {
                Some(BandTable::Interpolate { beyond, .. }) => {
                    *beyond = Some(*value);
                    true
                }
                _ => false,
            }
        }
        ValueChange::BandRows { band, table } => {
            match model.bands.get_mut(*band as usize) {
                Some(b) => {
                    // The span table is indexed by row: keep it as long as
                    // the rows (it is read only when reporting).
                    let rows = match table {
                        BandTable::Steps { rows } => rows.len(),
                        BandTable::Interpolate { points, .. } => points.len(),
                    };
                    if let Some(spans) = model.spans.bands.get_mut(*band as usize) {
                        let last = spans.rows.last().copied().unwrap_or_default();
                        spans.rows.resize(rows, last);
                    }
                    b.table = table.clone();
                    true
                }
                None => false,
            }
        }
    }
}
