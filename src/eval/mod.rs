//! Stage 4, evaluation: compiled [`Plan`] + case -> [`EvalResult`] with trace.
//!
//! A [`Plan`] is validated when it is made and carries its program (the
//! expressions resolved into dense tables: option values per question, code
//! look-ups, parameter schedules, weighted totals), so [`Evaluator::new`]
//! cannot fail. Then, per case:
//!
//! - fast path: decode into a reusable [`CaseInput`] ([`Evaluator::decode_into`],
//!   or field by field with [`Evaluator::decode_answer`]…), then
//!   [`Evaluator::run`] into a reusable [`Scratch`]: no trace, no allocation,
//!   no string look-up;
//! - full path: [`Evaluator::evaluate`] gives an [`EvalResult`] with every
//!   step, flag, route, parameter used and the trace.
//!
//! Both paths run the same code (the trace recorder is a type parameter), so
//! they cannot disagree. No input panics: every problem with a case is a
//! [`CaseError`] with a stable code.

mod err;
mod expr;
mod fastdec;
mod fixed;
mod input;
mod render;
mod result;
mod run;
mod trace;

pub use err::{codes as error_codes, CaseError};
pub use input::{Answer, AnswerValue, CaseInput};
pub use render::render_human;
// The caseload writer's: `ras run` prints the lane's figures straight from it.
#[cfg(feature = "cli")]
pub(crate) use result::push_fixed;
pub use result::{
    format_quantity, format_value, push_value, EvalResult, Named, ParameterUsed, PolicyInfo,
    Quantity, Status,
};
#[cfg(feature = "cli")]
pub(crate) use run::LaneFigures;
pub use run::{Scratch, Verdict};
pub use trace::{
    lower_first, name_words, quantity_words, BandEdge, BandPointUsed, BandRowUsed, TotalTermUsed,
    TraceEntry, TraceValue,
};

use crate::case::Case;
use crate::date::Date;
use crate::model::StepKind;
pub(crate) use fastdec::StepBounds;

use crate::plan::program::Program;
use crate::plan::Plan;
use input::default_answer;
use std::collections::HashMap;
pub(crate) use trace::reason_text as requirement_reason;
use trace::{NoTrace, Recorder};

/// Options of one evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Read dated parameters at this date instead of the case's assessment date.
    pub as_of: Option<Date>,
}

/// A plan resolved for evaluating many cases.
#[derive(Debug, Clone)]
pub struct Evaluator<'p> {
    plan: &'p Plan,
    program: &'p Program,
    /// Each question's answer when the case gives none.
    defaults: Vec<input::Answer>,
    question_ids: HashMap<String, u32>,
    attribute_ids: HashMap<String, u32>,
}

impl<'p> Evaluator<'p> {
    /// An evaluator of the plan (validated when it was made).
    pub fn new(plan: &'p Plan) -> Evaluator<'p> {
        let m = &plan.model;
        let index = |ids: Vec<&str>| {
            ids.into_iter()
                .enumerate()
                .map(|(i, id)| (id.to_string(), i as u32))
                .collect()
        };
        Evaluator {
            plan,
            program: &plan.program,
            defaults: m
                .questions
                .iter()
                .map(|q| default_answer(&q.kind))
                .collect(),
            question_ids: index(m.questions.iter().map(|q| q.id.as_str()).collect()),
            attribute_ids: index(m.attributes.iter().map(|a| a.id.as_str()).collect()),
        }
    }

    /// The plan evaluated.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// The fast path: evaluates a decoded case into `scratch` without a trace.
    /// On success the figures are read from `scratch`.
    ///
    /// Steps the plan's compiler proved exact on `i64`s are worked out in the
    /// fixed-point lane; a case that overflows there, or has any problem, is
    /// worked out again as [`Evaluator::run_decimal`] does, so the figures
    /// and errors are always that path's.
    pub fn run(&self, input: &CaseInput, scratch: &mut Scratch) -> Result<Verdict, CaseError> {
        if self.program.lane.used {
            if let Ok(verdict) = self.run_lane(input, scratch) {
                return Ok(verdict);
            }
        }
        self.run_decimal(input, scratch)
    }

    /// The fast path with every figure worked out in `Decimal` (no
    /// fixed-point lane), as the traced path does.
    pub fn run_decimal(
        &self,
        input: &CaseInput,
        scratch: &mut Scratch,
    ) -> Result<Verdict, CaseError> {
        self.run_with(input, scratch, &mut NoTrace)
            .map_err(|f| f.to_case_error(&self.plan.model, input.date))
    }

    /// Which steps the fixed-point lane works out (by step index); the others
    /// are worked out in `Decimal` in every case.
    pub fn fixed_lane_steps(&self) -> Vec<u32> {
        let lane = &self.program.lane;
        (0..lane.steps.len() as u32)
            .filter(|s| lane.steps.get(*s as usize) != Some(&crate::plan::fixed::OUT))
            .collect()
    }

    /// The full path: decodes and evaluates a case, with the trace.
    pub fn evaluate(&self, case: &Case, options: &EvalOptions) -> EvalResult {
        let mut result = self.blank_result(case, options);
        let input = match self.decode(case, options.as_of) {
            Ok(input) => input,
            Err(e) => {
                result.status = Status::Error;
                result.error = Some(e);
                return result;
            }
        };
        let mut scratch = Scratch::new(self);
        let mut recorder = Recorder::new(&self.plan.model);
        let outcome = self.run_with(&input, &mut scratch, &mut recorder);
        match outcome {
            Ok(verdict) => self.fill(&mut result, verdict, &input, &scratch),
            Err(f) => {
                result.status = Status::Error;
                result.error = Some(f.to_case_error(&self.plan.model, input.date));
            }
        }
        result.trace = recorder.entries;
        result.parameters_used = recorder.parameters;
        result
    }

    fn blank_result(&self, case: &Case, options: &EvalOptions) -> EvalResult {
        let h = &self.plan.model.header;
        EvalResult {
            policy: PolicyInfo {
                council: h.council.clone(),
                title: h.title.clone(),
                version: h.version.clone(),
                fingerprint: self.plan.fingerprint.clone(),
                effective: h.effective,
                approved: h.approved.clone(),
                period: h.period,
                indicative_step: self
                    .plan
                    .model
                    .steps
                    .get(self.plan.model.indicative as usize)
                    .map(|s| s.id.clone())
                    .unwrap_or_default(),
                appeal: h.appeal.clone(),
            },
            case_id: case.case_id.clone(),
            cohort: case.cohort.clone(),
            assessed: case.assessed,
            as_of: options.as_of,
            status: Status::Error,
            eligible: None,
            reasons: vec![],
            not_validated: None,
            outputs: Named::default(),
            steps: Named::default(),
            flags: Named::default(),
            route: None,
            warnings: vec![],
            error: None,
            parameters_used: vec![],
            trace: vec![],
        }
    }

    /// Copies the figures of a finished run into the result.
    fn fill(&self, r: &mut EvalResult, verdict: Verdict, input: &CaseInput, s: &Scratch) {
        let m = &self.plan.model;
        r.warnings = s
            .warnings()
            .iter()
            .filter_map(|c| m.checks.get(*c as usize))
            .map(|c| c.message.clone())
            .collect();
        for (i, step) in m.steps.iter().enumerate() {
            if let Some(value) = s.step(i as u32) {
                r.steps.0.push((
                    step.id.clone(),
                    Quantity {
                        value,
                        unit: step.unit,
                    },
                ));
            }
        }
        match verdict {
            Verdict::NotValidated => {
                r.status = Status::NotValidated;
                r.not_validated = m
                    .cohorts
                    .get(input.cohort as usize)
                    .and_then(|c| c.not_validated.clone());
            }
            Verdict::NotEligible => {
                r.status = Status::NotEligible;
                r.eligible = Some(false);
                let failed = s
                    .failed_requirements()
                    .iter()
                    .filter_map(|i| m.eligibility.get(*i as usize));
                r.reasons = failed
                    .map(|req| requirement_reason(m, req, s.all_steps()))
                    .collect();
            }
            Verdict::Figures => {
                r.status = Status::Ok;
                r.eligible = Some(true);
                for (i, step) in m.steps.iter().enumerate() {
                    if let (StepKind::Output { .. }, Some(value)) = (&step.kind, s.step(i as u32)) {
                        r.outputs.0.push((
                            step.id.clone(),
                            Quantity {
                                value,
                                unit: step.unit,
                            },
                        ));
                    }
                }
                for (i, flag) in m.flags.iter().enumerate() {
                    r.flags
                        .0
                        .push((flag.id.clone(), s.flag(i as u32).unwrap_or(false)));
                }
                // A plan's route ends with `otherwise` (validated), so a case
                // with a plan cost always gets one.
                r.route = s
                    .route()
                    .and_then(|i| m.route.as_ref()?.rules.get(i as usize))
                    .map(|rule| rule.id.clone());
            }
        }
    }
}

/// Evaluates one case against a plan.
pub fn evaluate(plan: &Plan, case: &Case, options: &EvalOptions) -> EvalResult {
    Evaluator::new(plan).evaluate(case, options)
}
