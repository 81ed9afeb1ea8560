//! `ras calibrate`'s core: the value of one parameter at which a sample's
//! indicative budgets meet a target, found by evaluating the plan.
//!
//! Input: a checked [`Model`] and its source, the sample ([`SampleCase`]:
//! each case decoded as `ras run` decodes it, with its current weekly cost)
//! and a [`Request`]. Output: a [`Calibration`], or a [`CalibrateError`].
//!
//! The search never assumes a formula: every candidate value is written into
//! a copy of the model, compiled with [`plan::compile`] and run over the
//! cases, so contingency bands, rounding and deductions all count. Values
//! move in whole pence (or hundredths of a unit that is not money). The total
//! is expected to rise with the value; every total evaluated is kept, and any
//! pair that falls as the value rises is reported.

use super::{half_up, pence, percent_of, within, MeanPercent};
use crate::date::Date;
use crate::diag::codes;
use crate::eval::{CaseInput, Evaluator, Scratch, Verdict};
use crate::model::{ArithOp, Expr, ExprId, Model, ParameterKey, ParameterValues, Step, StepKind};
use crate::plan::{self, Plan};
use crate::units::Unit;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One case of the sample: decoded answers and its current weekly cost.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleCase {
    /// The case id.
    pub case_id: String,
    /// Where it is in the caseload (`line 7`, `row 5 of sheet Cases`).
    pub place: String,
    /// The case, decoded against the rule file.
    pub input: CaseInput,
    /// Its current weekly cost.
    pub cost: Decimal,
}

/// What to calibrate.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The parameter's id.
    pub parameter: String,
    /// The weekly total to meet; `None`: the sample's total current cost.
    pub budget: Option<Decimal>,
    /// Set a new value from this date (the parameter must be by date); the
    /// cases are then evaluated as at this date.
    pub from: Option<Date>,
    /// The tolerance, in per cent, for "within" counts (10 for ±10%).
    pub tolerance: Decimal,
}

/// Why nothing could be calibrated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalibrateError {
    /// No parameter by that name. Example: `--parameter price_per_pont`.
    #[error("the rule file has no parameter `{name}`; its parameters are {known}")]
    UnknownParameter {
        /// The name given.
        name: String,
        /// The parameters it has, listed.
        known: String,
    },
    /// The parameter cannot be set this way (dates, units, its values).
    #[error("{0}")]
    Unusable(String),
    /// No case of the sample has a figure to calibrate on.
    #[error("{0}")]
    NoCases(String),
    /// No value meets the target (even zero is too much, or no value is enough).
    #[error("{0}")]
    NoValue(String),
    /// A case could not be evaluated at a value tried.
    #[error(
        "case `{case_id}` ({place}) cannot be evaluated with `{parameter}` at {value}: {message}"
    )]
    CaseFailed {
        /// The case.
        case_id: String,
        /// Where it is.
        place: String,
        /// The parameter.
        parameter: String,
        /// The value tried, as written.
        value: String,
        /// Why.
        message: String,
    },
    /// The edited model would not compile (a bug in ras, not in the file).
    #[error("the rule file with the new value cannot be compiled: {0}")]
    Plan(String),
}

impl CalibrateError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CalibrateError::UnknownParameter { .. } => codes::UNKNOWN_PARAMETER.name,
            CalibrateError::Unusable(_) => codes::PARAMETER_NOT_CALIBRATABLE.name,
            CalibrateError::NoCases(_) => codes::NO_SAMPLE_CASES.name,
            CalibrateError::NoValue(_) => codes::NO_CALIBRATED_VALUE.name,
            CalibrateError::CaseFailed { .. } => codes::CASE_FAILED_IN_CALIBRATION.name,
            CalibrateError::Plan(_) => codes::INTERNAL.name,
        }
    }
}

/// The calibrated value for one cohort, attribute value, or for all cases.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyValue {
    /// `all`, a cohort id or an attribute value code.
    pub key: String,
    /// Cases of the sample it applies to.
    pub cases: u64,
    /// Their total current cost.
    pub current_cost: Decimal,
    /// The share of the target they are calibrated against.
    pub target: Decimal,
    /// The value before calibration.
    pub current_value: Decimal,
    /// Their total indicative budget at the value before calibration.
    pub total_at_current: Decimal,
    /// The calibrated value; `None` when the sample has no case for it (the
    /// value is then left as it was).
    pub calibrated: Option<Decimal>,
    /// Their total indicative budget at the calibrated value.
    pub total: Decimal,
    /// How many values were evaluated in the search.
    pub evaluations: u64,
    /// The range searched, lowest and highest value evaluated.
    pub searched: (Decimal, Decimal),
    /// When the total fell as the value rose: the two values and totals.
    pub not_monotone: Option<[(Decimal, Decimal); 2]>,
}

/// Accuracy at the calibrated value(s) for a group of cases.
#[derive(Debug, Clone, PartialEq)]
pub struct Accuracy {
    /// `all` or a cohort id.
    pub group: String,
    /// Cases.
    pub cases: u64,
    /// Total current cost.
    pub current_cost: Decimal,
    /// Total indicative budget.
    pub indicative: Decimal,
    /// Mean absolute % error of the indicative budget against the current
    /// cost (cases with a current cost of £0 left out), one decimal place.
    pub mean_abs_pct_error: Option<Decimal>,
    /// Cases whose indicative budget is within the tolerance of their cost.
    pub within: u64,
    /// `within` as a % of `cases`, one decimal place.
    pub share_within: Option<Decimal>,
}

/// A least-squares line `cost = intercept + slope x quantity`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Pounds per unit of the quantity, to 4 decimal places.
    pub slope: Decimal,
    /// Pounds, to 2 decimal places (zero for a line through the origin).
    pub intercept: Decimal,
    /// R², to 4 decimal places: 1 - (residual sum of squares / total sum of
    /// squares about the mean), for both lines, so that they compare.
    pub r_squared: Option<Decimal>,
}

/// What the parameter multiplies, and the lines of cost on it. For
/// information: exact decimals, divisions to 28 significant digits, shown
/// rounded.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The unit of the quantity (`pts`, `h`…).
    pub unit: Unit,
    /// Total of the quantity over the sample.
    pub total_quantity: Decimal,
    /// Total current cost ÷ total quantity, to 4 decimal places.
    pub ratio: Option<Decimal>,
    /// The line with an intercept.
    pub with_intercept: Option<Line>,
    /// The line through the origin (a price per unit alone).
    pub through_origin: Option<Line>,
}

/// One row of the sensitivity table.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// The change from the calibrated value(s), in per cent (0 for the value itself).
    pub change: i32,
    /// The value(s) evaluated, in key order.
    pub values: Vec<Decimal>,
    /// Total indicative budget.
    pub total: Decimal,
    /// Mean indicative budget per case, in pence.
    pub mean: Decimal,
    /// Cases within the tolerance of their current cost.
    pub within: u64,
    /// `within` as a % of the cases, one decimal place.
    pub share_within: Option<Decimal>,
}

/// A case of the sample that was not calibrated on, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// The case.
    pub case_id: String,
    /// Where it is.
    pub place: String,
    /// Why (not eligible, not validated, an error).
    pub reason: String,
}

/// The outcome of a calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The parameter.
    pub parameter: String,
    /// Its label, when it has one.
    pub label: Option<String>,
    /// Its unit.
    pub unit: Unit,
    /// What the values depend on: `all`, `cohort` or an attribute id.
    pub by: String,
    /// The date of the value set (`--from`), or the date of the value changed.
    pub from: Option<Date>,
    /// The whole target (the budget, or the sample's total current cost).
    pub target: Decimal,
    /// Whether the target is a budget given (rather than the current cost).
    pub budget_given: bool,
    /// The sample's total current cost (cases calibrated on).
    pub current_cost: Decimal,
    /// Per key, in key order.
    pub values: Vec<KeyValue>,
    /// The sample's total indicative budget at the calibrated value(s).
    pub total: Decimal,
    /// The tolerance, in per cent.
    pub tolerance: Decimal,
    /// Overall, then by cohort.
    pub accuracy: Vec<Accuracy>,
    /// The ratio and lines; `Err` says why there are none.
    pub fit: Result<Fit, String>,
    /// At −10%, −5%, −2%, −1%, 0, +1%, +2%, +5%, +10%.
    pub sensitivity: Vec<Sensitivity>,
    /// Cases not calibrated on.
    pub left_out: Vec<LeftOut>,
    /// The model with the calibrated value(s) in place.
    pub model: Model,
    /// Which schedule entry of the parameter holds the new value(s).
    pub entry: usize,
}

/// The changes of the sensitivity table, in per cent.
pub const SENSITIVITY: [i32; 9] = [-10, -5, -2, -1, 0, 1, 2, 5, 10];

/// The largest value searched, in pence (or hundredths): £10 billion.
const MAX_STEPS: i64 = 1_000_000_000_000;

/// The name of the step added to evaluate what the parameter multiplies.
const QUANTITY_STEP: &str = "ras_calibrate_multiplied_quantity";

/// Calibrates `request.parameter` on `cases`.
pub fn calibrate(
    model: &Model,
    source: &str,
    cases: &[SampleCase],
    request: &Request,
) -> Result<Calibration, CalibrateError> {
    let p = find_parameter(model, &request.parameter)?;
    let parameter = &model.parameters[p];
    let (base, entry) = with_entry(model, p, request.from)?;
    let keys = key_names(model, &parameter.key);
    let multiplied = multiplied(model, p);
    let measured = match &multiplied {
        Ok((expr, unit)) => with_quantity_step(&base, *expr, *unit),
        Err(_) => base.clone(),
    };
    let quantity_step = match &multiplied {
        Ok(_) => Some((measured.steps.len() - 1) as u32),
        Err(_) => None,
    };
    let mut cases: Vec<SampleCase> = cases.to_vec();
    if let Some(from) = request.from {
        for c in &mut cases {
            c.input.date = Some(from);
        }
    }
    // The sample is the cases with a figure under the rules as they stand.
    let plan = compile(&measured, source)?;
    let ev = Evaluator::new(&plan);
    let mut scratch = Scratch::new(&ev);
    let mut used: Vec<(SampleCase, Option<Decimal>)> = Vec::new();
    let mut left_out = Vec::new();
    for case in cases {
        let reason = match ev.run(&case.input, &mut scratch) {
            Ok(Verdict::Figures) => {
                let q = quantity_step.and_then(|s| scratch.step(s));
                used.push((case, q));
                continue;
            }
            Ok(Verdict::NotEligible) => "not eligible".to_string(),
            Ok(Verdict::NotValidated) => "the policy is not validated for its cohort".to_string(),
            Err(e) => e.message,
        };
        left_out.push(LeftOut {
            case_id: case.case_id,
            place: case.place,
            reason,
        });
    }
    if used.is_empty() {
        return Err(CalibrateError::NoCases(
            "no case of the sample has an indicative budget under the rules, so there is nothing to calibrate on".into(),
        ));
    }
    let current_cost: Decimal = used.iter().map(|(c, _)| c.cost).sum();
    let target = request.budget.unwrap_or(current_cost);
    let group_of = |c: &SampleCase| -> Option<usize> {
        match parameter.key {
            ParameterKey::None => Some(0),
            ParameterKey::Cohort => Some(c.input.cohort as usize),
            ParameterKey::Attribute(a) => c
                .input
                .attributes
                .get(a as usize)
                .copied()
                .flatten()
                .map(|v| v as usize),
        }
    };
    let current_values = base.parameters[p].schedule[entry].values.clone();
    let mut calibrated_values = current_values.clone();
    let mut values = Vec::new();
    let mut searcher = Searcher {
        base: &base,
        source,
        p,
        entry,
        parameter: &parameter.id,
    };
    for (k, key) in keys.iter().enumerate() {
        let group: Vec<&SampleCase> = used
            .iter()
            .map(|(c, _)| c)
            .filter(|c| group_of(c) == Some(k))
            .collect();
        let current_value = current_values.get(k).copied().unwrap_or_default();
        let group_cost: Decimal = group.iter().map(|c| c.cost).sum();
        let share = match request.budget {
            None => group_cost,
            Some(budget) if current_cost.is_zero() => budget,
            Some(budget) => budget * group_cost / current_cost,
        };
        if group.is_empty() {
            values.push(KeyValue {
                key: key.clone(),
                cases: 0,
                current_cost: Decimal::ZERO,
                target: Decimal::ZERO,
                current_value,
                total_at_current: Decimal::ZERO,
                calibrated: None,
                total: Decimal::ZERO,
                evaluations: 0,
                searched: (current_value, current_value),
                not_monotone: None,
            });
            continue;
        }
        let found = searcher.search(&current_values, k, &group, share, key)?;
        if let Some(slot) = calibrated_values.get_mut(k) {
            *slot = found.value;
        }
        values.push(KeyValue {
            key: key.clone(),
            cases: group.len() as u64,
            current_cost: group_cost,
            target: share,
            current_value,
            total_at_current: found.at_current,
            calibrated: Some(found.value),
            total: found.total,
            evaluations: found.tried.len() as u64,
            searched: found.range(),
            not_monotone: found.not_monotone(),
        });
    }
    let sample: Vec<&SampleCase> = used.iter().map(|(c, _)| c).collect();
    let mut sensitivity = Vec::new();
    let mut at_calibrated = Vec::new();
    for change in SENSITIVITY {
        let scaled: Vec<Decimal> = calibrated_values
            .iter()
            .map(|v| {
                pence(*v * (Decimal::ONE_HUNDRED + Decimal::from(change)) / Decimal::ONE_HUNDRED)
            })
            .collect();
        let budgets = searcher.indicatives(&scaled, &sample)?;
        let total: Decimal = budgets.iter().sum();
        let n = Decimal::from(sample.len() as u64);
        let within_count = budgets
            .iter()
            .zip(&sample)
            .filter(|(b, c)| within(**b, c.cost, request.tolerance))
            .count() as u64;
        if change == 0 {
            at_calibrated = budgets;
        }
        sensitivity.push(Sensitivity {
            change,
            values: scaled,
            total,
            mean: pence(total / n),
            within: within_count,
            share_within: share(within_count, sample.len() as u64),
        });
    }
    let accuracy = accuracy(model, &sample, &at_calibrated, request.tolerance);
    let fit = match multiplied {
        Ok((_, unit)) => Ok(fit(
            unit,
            &used
                .iter()
                .map(|(c, q)| (q.unwrap_or_default(), c.cost))
                .collect::<Vec<_>>(),
        )),
        Err(reason) => Err(reason),
    };
    let total = at_calibrated.iter().sum();
    let mut model_out = base.clone();
    model_out.parameters[p].schedule[entry].values = calibrated_values;
    Ok(Calibration {
        parameter: parameter.id.clone(),
        label: parameter.label.clone(),
        unit: parameter.unit,
        by: match parameter.key {
            ParameterKey::None => "all".into(),
            ParameterKey::Cohort => "cohort".into(),
            ParameterKey::Attribute(a) => model
                .attributes
                .get(a as usize)
                .map(|a| a.id.clone())
                .unwrap_or_default(),
        },
        from: base.parameters[p].schedule[entry].from,
        target,
        budget_given: request.budget.is_some(),
        current_cost,
        values,
        total,
        tolerance: request.tolerance,
        accuracy,
        fit,
        sensitivity,
        left_out,
        model: model_out,
        entry,
    })
}

fn find_parameter(model: &Model, name: &str) -> Result<usize, CalibrateError> {
    model
        .parameters
        .iter()
        .position(|p| p.id == name)
        .ok_or_else(|| CalibrateError::UnknownParameter {
            name: name.to_string(),
            known: crate::text::list(model.parameters.iter().map(|p| format!("`{}`", p.id))),
        })
}

/// The model with the schedule entry to calibrate, and its index: the one
/// entry of an undated parameter, or a new (or the existing) entry from `from`.
fn with_entry(
    model: &Model,
    p: usize,
    from: Option<Date>,
) -> Result<(Model, usize), CalibrateError> {
    let parameter = &model.parameters[p];
    let dated = parameter.schedule.iter().any(|e| e.from.is_some());
    match from {
        None if parameter.schedule.len() == 1 => Ok((model.clone(), 0)),
        None => Err(CalibrateError::Unusable(format!(
            "`{}` has {} dated values; give `--from DATE` for the date the new value starts (e.g. the next 1 April)",
            parameter.id,
            parameter.schedule.len()
        ))),
        Some(_) if !dated => Err(CalibrateError::Unusable(format!(
            "`{}` has no dated values, so a value from a date cannot be added to it; leave out `--from`",
            parameter.id
        ))),
        Some(date) => {
            let mut edited = model.clone();
            let schedule = &mut edited.parameters[p].schedule;
            if let Some(i) = schedule.iter().position(|e| e.from == Some(date)) {
                return Ok((edited, i));
            }
            let at = schedule
                .iter()
                .position(|e| e.from.is_some_and(|f| f > date))
                .unwrap_or(schedule.len());
            // The new entry starts from the values in force before it (the
            // first entry's when the date comes before them all).
            let values = schedule
                .get(at.saturating_sub(1))
                .map(|e| e.values.clone())
                .unwrap_or_default();
            schedule.insert(
                at,
                ParameterValues {
                    from: Some(date),
                    values,
                },
            );
            let spans = &mut edited.spans.parameters;
            if let Some(s) = spans.get_mut(p) {
                let near = s.schedule.get(at.saturating_sub(1)).cloned().unwrap_or_default();
                s.schedule.insert(at.min(s.schedule.len()), near);
            }
            Ok((edited, at))
        }
    }
}

/// The names of the keys of a parameter's values, in order.
fn key_names(model: &Model, key: &ParameterKey) -> Vec<String> {
    match key {
        ParameterKey::None => vec!["all".into()],
        ParameterKey::Cohort => model.cohorts.iter().map(|c| c.id.clone()).collect(),
        ParameterKey::Attribute(a) => model
            .attributes
            .get(*a as usize)
            .map(|a| a.values.iter().map(|v| v.code.clone()).collect())
            .unwrap_or_default(),
    }
}

/// The expression the parameter multiplies and its unit, when the parameter
/// is a price per unit (`£/pt`, `£/h`…) used in exactly one multiplication.
fn multiplied(model: &Model, p: usize) -> Result<(ExprId, Unit), String> {
    let parameter = &model.parameters[p];
    let Some(unit) = parameter.unit.rate_of() else {
        return Err(format!(
            "`{}` is {}, not a price per point, hour, session or night, so there is no quantity it multiplies",
            parameter.id,
            parameter.unit.describe()
        ));
    };
    let is_p = |e: ExprId| matches!(model.exprs.get(e as usize), Some(Expr::Parameter { parameter }) if *parameter as usize == p);
    let found: Vec<ExprId> = model
        .exprs
        .iter()
        .filter_map(|e| match e {
            Expr::Arith {
                arith: ArithOp::Mul,
                left,
                right,
            } if is_p(*left) => Some(*right),
            Expr::Arith {
                arith: ArithOp::Mul,
                left,
                right,
            } if is_p(*right) => Some(*left),
            _ => None,
        })
        .collect();
    match found.as_slice() {
        [one] => Ok((*one, unit)),
        [] => Err(format!(
            "`{}` is not multiplied by a quantity anywhere in the rule file",
            parameter.id
        )),
        many => Err(format!(
            "`{}` multiplies {} different quantities, so there is no one quantity to divide the cost by",
            parameter.id,
            many.len()
        )),
    }
}

/// The model with one more step: the quantity the parameter multiplies, so
/// that evaluating a case gives it exactly.
fn with_quantity_step(model: &Model, expr: ExprId, unit: Unit) -> Model {
    let mut m = model.clone();
    m.steps.push(Step {
        id: QUANTITY_STEP.to_string(),
        kind: StepKind::Let { label: None },
        expr,
        unit,
        formula: String::new(),
    });
    m.spans.steps.push(Default::default());
    m
}

fn compile(model: &Model, source: &str) -> Result<Plan, CalibrateError> {
    plan::compile(model.clone(), source).map_err(|e| CalibrateError::Plan(e.to_string()))
}

fn share(part: u64, whole: u64) -> Option<Decimal> {
    percent_of(Decimal::from(part), Decimal::from(whole)).map(|p| half_up(p, 1))
}

/// Evaluates candidate values.
struct Searcher<'a> {
    base: &'a Model,
    source: &'a str,
    p: usize,
    entry: usize,
    parameter: &'a str,
}

/// What a search found for one key.
struct Found {
    value: Decimal,
    total: Decimal,
    at_current: Decimal,
    /// Every value tried (in steps) and the total there.
    tried: BTreeMap<i64, Decimal>,
}

/// A value in whole hundredths, written with both places (`22.00`).
fn hundredths(steps: i64) -> Decimal {
    let mut v = Decimal::new(steps, 2);
    v.rescale(2);
    v
}

impl Found {
    fn range(&self) -> (Decimal, Decimal) {
        let lo = self.tried.keys().next().copied().unwrap_or_default();
        let hi = self.tried.keys().next_back().copied().unwrap_or_default();
        (hundredths(lo), hundredths(hi))
    }

    /// The first place where the total falls as the value rises.
    fn not_monotone(&self) -> Option<[(Decimal, Decimal); 2]> {
        let points: Vec<(&i64, &Decimal)> = self.tried.iter().collect();
        points.windows(2).find_map(|w| {
            let [(a, ta), (b, tb)] = w else { return None };
            (tb < ta).then(|| [(hundredths(**a), **ta), (hundredths(**b), **tb)])
        })
    }
}

impl Searcher<'_> {
    /// Each case's indicative budget with the parameter's entry at `values`.
    fn indicatives(
        &mut self,
        values: &[Decimal],
        cases: &[&SampleCase],
    ) -> Result<Vec<Decimal>, CalibrateError> {
        let mut m = self.base.clone();
        m.parameters[self.p].schedule[self.entry].values = values.to_vec();
        let plan = compile(&m, self.source)?;
        let ev = Evaluator::new(&plan);
        let mut scratch = Scratch::new(&ev);
        let indicative = plan.model().indicative;
        let unit = self.base.parameters[self.p].unit;
        let mut out = Vec::with_capacity(cases.len());
        for c in cases {
            let failed = |message: String| CalibrateError::CaseFailed {
                case_id: c.case_id.clone(),
                place: c.place.clone(),
                parameter: self.parameter.to_string(),
                value: values
                    .iter()
                    .map(|v| crate::eval::format_quantity(*v, unit))
                    .collect::<Vec<_>>()
                    .join(", "),
                message,
            };
            match ev.run(&c.input, &mut scratch) {
                Ok(Verdict::Figures) => out.push(scratch.step(indicative).unwrap_or_default()),
                // A case that loses its figure at another value adds nothing.
                Ok(_) => out.push(Decimal::ZERO),
                Err(e) => return Err(failed(e.message)),
            }
        }
        Ok(out)
    }

    /// The highest value, in whole steps, at which the group's total does
    /// not exceed `target`.
    fn search(
        &mut self,
        current: &[Decimal],
        k: usize,
        group: &[&SampleCase],
        target: Decimal,
        key: &str,
    ) -> Result<Found, CalibrateError> {
        let scale = Decimal::ONE_HUNDRED;
        let mut tried: BTreeMap<i64, Decimal> = BTreeMap::new();
        let mut values = current.to_vec();
        let mut total_at = |steps: i64, this: &mut Self| -> Result<Decimal, CalibrateError> {
            if let Some(t) = tried.get(&steps) {
                return Ok(*t);
            }
            if let Some(slot) = values.get_mut(k) {
                *slot = hundredths(steps);
            }
            let total: Decimal = this.indicatives(&values, group)?.iter().sum();
            tried.insert(steps, total);
            Ok(total)
        };
        let now = current.get(k).copied().unwrap_or_default();
        let start = (now * scale).floor().max(Decimal::ZERO);
        let start: i64 = start.try_into().unwrap_or(0);
        let at_current = total_at(start, self)?;
        let whose = if key == "all" {
            "the sample's".to_string()
        } else {
            format!("the `{key}` cases'")
        };
        let (mut lo, mut hi) = if at_current <= target {
            let mut lo = start;
            let mut step = start.max(1);
            loop {
                let hi = lo.saturating_add(step);
                if hi > MAX_STEPS {
                    return Err(CalibrateError::NoValue(format!(
                        "{whose} total indicative budget stays at or below the target {} however high `{}` is set (tried up to {}); the parameter does not decide their budgets",
                        crate::eval::format_quantity(target, Unit::Money),
                        self.parameter,
                        crate::eval::format_quantity(Decimal::from(lo) / scale, self.base.parameters[self.p].unit),
                    )));
                }
                if total_at(hi, self)? > target {
                    break (lo, hi);
                }
                lo = hi;
                step = step.saturating_mul(2);
            }
        } else {
            if total_at(0, self)? > target {
                return Err(CalibrateError::NoValue(format!(
                    "{whose} total indicative budget is above the target {} even with `{}` at zero, so no value meets the target if the total rises with the value",
                    crate::eval::format_quantity(target, Unit::Money),
                    self.parameter
                )));
            }
            (0, start)
        };
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if total_at(mid, self)? <= target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // A grid over the range searched, to see whether the total rises
        // with the value throughout, not only where the search looked.
        for i in 0..=16 {
            total_at(hi * i / 16, self)?;
        }
        let total = total_at(lo, self)?;
        Ok(Found {
            value: hundredths(lo),
            total,
            at_current,
            tried,
        })
    }
}

/// Accuracy overall and by cohort.
fn accuracy(
    model: &Model,
    sample: &[&SampleCase],
    budgets: &[Decimal],
    tolerance: Decimal,
) -> Vec<Accuracy> {
    let mut groups: Vec<(String, Option<u32>)> = vec![("all".into(), None)];
    groups.extend(
        model
            .cohorts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), Some(i as u32))),
    );
    groups
        .into_iter()
        .filter_map(|(name, cohort)| {
            let mut a = Accuracy {
                group: name,
                cases: 0,
                current_cost: Decimal::ZERO,
                indicative: Decimal::ZERO,
                mean_abs_pct_error: None,
                within: 0,
                share_within: None,
            };
            let mut mean = MeanPercent::default();
            for (c, b) in sample.iter().zip(budgets) {
                if cohort.is_some_and(|k| k != c.input.cohort) {
                    continue;
                }
                a.cases += 1;
                a.current_cost += c.cost;
                a.indicative += *b;
                mean.add(*b, c.cost);
                if within(*b, c.cost, tolerance) {
                    a.within += 1;
                }
            }
            a.mean_abs_pct_error = mean.mean();
            a.share_within = share(a.within, a.cases);
            (a.cases > 0).then_some(a)
        })
        .collect()
}

/// Sums for least squares, exact until the divisions.
fn fit(unit: Unit, points: &[(Decimal, Decimal)]) -> Fit {
    let n = Decimal::from(points.len() as u64);
    let sx: Decimal = points.iter().map(|(x, _)| *x).sum();
    let sy: Decimal = points.iter().map(|(_, y)| *y).sum();
    let ratio = (!sx.is_zero()).then(|| half_up(sy / sx, 4));
    let lines = || -> Option<(Option<Line>, Option<Line>)> {
        let mut sxx = Decimal::ZERO;
        let mut sxy = Decimal::ZERO;
        let mut syy = Decimal::ZERO;
        for (x, y) in points {
            sxx = sxx.checked_add(x.checked_mul(*x)?)?;
            sxy = sxy.checked_add(x.checked_mul(*y)?)?;
            syy = syy.checked_add(y.checked_mul(*y)?)?;
        }
        let mean_y = sy.checked_div(n)?;
        // Centred sums: Sxx = Σx² − (Σx)²/n, and so on.
        let cxx = sxx.checked_sub(sx.checked_mul(sx)?.checked_div(n)?)?;
        let cxy = sxy.checked_sub(sx.checked_mul(sy)?.checked_div(n)?)?;
        let cyy = syy.checked_sub(sy.checked_mul(sy)?.checked_div(n)?)?;
        let r2 = |residual: Decimal| -> Option<Decimal> {
            if cyy.is_zero() {
                return None;
            }
            Some(half_up(Decimal::ONE - residual.checked_div(cyy)?, 4))
        };
        let with_intercept = if cxx.is_zero() {
            None
        } else {
            let slope = cxy.checked_div(cxx)?;
            let intercept = mean_y.checked_sub(slope.checked_mul(sx.checked_div(n)?)?)?;
            // Residual sum of squares of the fitted line: Syy − slope × Sxy (centred).
            let residual = cyy.checked_sub(slope.checked_mul(cxy)?)?;
            Some(Line {
                slope: half_up(slope, 4),
                intercept: pence(intercept),
                r_squared: r2(residual),
            })
        };
        let through_origin = if sxx.is_zero() {
            None
        } else {
            let slope = sxy.checked_div(sxx)?;
            // Σ(y − bx)² = Σy² − 2bΣxy + b²Σx² = Σy² − bΣxy when b = Σxy/Σx².
            let residual = syy.checked_sub(slope.checked_mul(sxy)?)?;
            Some(Line {
                slope: half_up(slope, 4),
                intercept: Decimal::ZERO,
                r_squared: r2(residual),
            })
        };
        Some((with_intercept, through_origin))
    };
    let (with_intercept, through_origin) = lines().unwrap_or((None, None));
    Fit {
        unit,
        total_quantity: sx,
        ratio,
        with_intercept,
        through_origin,
    }
}

#[cfg(test)]
mod tests;
