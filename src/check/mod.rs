//! Stage 2, check: syntax tree -> checked [`Model`] plus diagnostics and an
//! index of declarations, references and step types.
//!
//! A first step collects the symbol table (`symbols`): every declaration by
//! family and every name, read only from then on, so a name may be used
//! before the line that declares it. Then each check is a pass, a function of
//! the table, the syntax tree it holds and the products of earlier passes,
//! returning its part of the model and its findings: `decls` (header,
//! cohorts, attributes, domains, questions), `parameters`, `bands`, `order`
//! (steps and flags in dependency order, cycles), `decisions` (answer checks,
//! eligibility, route), `tests` and `lints` (warnings). Expressions are
//! resolved by `expr`, `calls` and `answers` into one arena. `build` writes
//! the order of the passes and what each takes; the model is assembled from
//! their products, and `allow` lines are applied to the warnings last. Every
//! error is collected, not just the first.

mod answers;
mod bands;
mod calls;
mod decisions;
mod decls;
mod expr;
pub mod index;
mod lints;
mod names;
mod order;
mod parameters;
mod partial;
pub mod ranges;
mod symbols;
mod tests;

use crate::date::Date;
use crate::diag::{codes, Diagnostic, Severity};
use crate::model::needs::Needs;
use crate::model::{self, Model};
use crate::syntax::ast;
use crate::syntax::Span;
use expr::{Declared, Lowered};
pub use names::did_you_mean;
use symbols::{Findings, StepDecl, Symbols};

/// What the checks need besides the file. There is no default: checking
/// never reads the clock, so the caller (the command line) says what today is.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The date a review date is compared with.
    pub today: Date,
}

impl CheckOptions {
    /// Options for checking as on `today`.
    pub fn new(today: Date) -> Self {
        CheckOptions { today }
    }
}

/// The outcome of checking a file.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The model, when the file has no errors (it may have warnings).
    pub model: Option<Model>,
    /// Errors and unacknowledged warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Declarations, references and step types (also for a file with errors).
    pub index: index::Index,
}

impl Checked {
    /// True when some diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks a parsed rule file.
pub fn check(file: &ast::File, source: &str, options: &CheckOptions) -> Checked {
    check_with(file, source, options, true)
}

/// Checks a parsed rule file without the warnings of the interval analysis:
/// for `ras fmt`, which compares what two layouts mean, never their warnings.
pub(crate) fn check_meaning(file: &ast::File, source: &str, options: &CheckOptions) -> Checked {
    check_with(file, source, options, false)
}

fn check_with(file: &ast::File, source: &str, options: &CheckOptions, ranges: bool) -> Checked {
    let (symbols, duplicates) = Symbols::collect(file, source);
    let mut found = Findings {
        errors: duplicates,
        warnings: Vec::new(),
    };
    let (model, index, passes) = build(&symbols, options.today);
    found.add(passes);
    if let (Some(m), true, true) = (&model, found.errors.is_empty(), ranges) {
        found.add(range_lints(&symbols, m));
    }
    let mut diagnostics = apply_allows(&symbols, found);
    crate::diag::sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    Checked {
        model: if has_errors { None } else { model },
        diagnostics,
        index,
    }
}

/// Parses and checks source text in one go: every syntax error, and what the
/// checker finds in the declarations that could be read that holds whatever
/// the broken ones say (see `partial.rs`). A file with a syntax error has no
/// model.
pub fn check_source(source: &str, options: &CheckOptions) -> Checked {
    check_source_with(source, options, true)
}

/// [`check_source`] without the warnings of the interval analysis, the one
/// pass that costs real time on a large file: for the commands that show
/// errors only (`run`, `eval`, `test`, `sample`). Every finding of that pass
/// is a warning, so the errors and the model are the same.
pub fn check_source_for_errors(source: &str, options: &CheckOptions) -> Checked {
    check_source_with(source, options, false)
}

fn check_source_with(source: &str, options: &CheckOptions, ranges: bool) -> Checked {
    let parsed = crate::syntax::parse_recovering(source);
    if parsed.diagnostics.is_empty() {
        return check_with(&parsed.file, source, options, ranges);
    }
    let mut diagnostics = parsed.diagnostics;
    if !parsed.file.items.is_empty() {
        let checked = check_with(&parsed.file, source, options, ranges);
        let left_out = partial::LeftOut::new(&parsed.skipped);
        diagnostics.extend(
            checked
                .diagnostics
                .into_iter()
                .filter(|d| left_out.holds(d, source)),
        );
    }
    crate::diag::sort(&mut diagnostics);
    Checked {
        model: None,
        diagnostics,
        index: index::Index::default(),
    }
}

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A quantity in a unit.
    Quantity(crate::units::Unit),
    /// A condition.
    Bool,
    /// Unknown because of an error already reported.
    Unknown,
}

/// The working state of a pass that reads the symbol table alone: what it
/// finds, and the names it resolves (for the index).
pub(crate) struct Pass<'s, 'a> {
    sym: &'s Symbols<'a>,
    found: Findings,
    references: Vec<index::Reference>,
}

impl<'s, 'a> Pass<'s, 'a> {
    fn new(sym: &'s Symbols<'a>) -> Self {
        Pass {
            sym,
            found: Findings::default(),
            references: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, diag: Diagnostic) {
        self.found.error(diag);
    }

    pub(crate) fn warn(&mut self, item: usize, diag: Diagnostic) {
        self.found.warn(item, diag);
    }
}

/// The parts of the model the passes over calculations, decisions and tests
/// produce (the declarations' parts are [`Declared`]).
#[derive(Default)]
pub(crate) struct Parts {
    pub steps: Vec<Option<model::Step>>,
    pub flags: Vec<Option<model::Flag>>,
    pub checks: Vec<model::AnswerCheck>,
    pub eligibility: Vec<model::Requirement>,
    pub route: Option<model::Route>,
    pub tests: Vec<model::TestCase>,
    pub spans: model::spans::Spans,
}

/// Checks each family with a pass of its own, and assembles the model
/// from what the passes produce; also the index, which a file with errors
/// has too.
///
/// The order is what each pass reads of those before it (every pass
/// reads the symbol table, so a name may be used before its line):
/// the header (its rounding, read by `round`); cohorts and attributes
/// (the keys of parameters); domains (named by questions); questions,
/// parameters and bands (their units, read by calculations); steps and
/// flags, in dependency order (their types, read by answer checks,
/// eligibility, the route and tests); the route (its rules, named by
/// tests); tests (which also read what the calculations need); and last
/// the lints, which read what everything before used.
fn build(sym: &Symbols, today: Date) -> (Option<Model>, index::Index, Findings) {
    let mut found_all = Findings::default();
    let mut d = Declared::default();
    let mut m = Parts::default();
    m.spans.lines = model::spans::LineStarts::new(sym.source);
    let (header, found) = decls::header(sym, today);
    d.header = header;
    found_all.add(found);
    let (cohorts, spans, found) = decls::cohorts(sym);
    (d.cohorts, m.spans.cohorts) = (cohorts, spans);
    found_all.add(found);
    let (attributes, spans, found) = decls::attributes(sym);
    (d.attributes, m.spans.attributes) = (attributes, spans);
    found_all.add(found);
    let (domains, spans, found) = decls::domains(sym);
    (d.domains, m.spans.domains) = (domains, spans);
    found_all.add(found);
    let (questions, found) = decls::questions(sym);
    (d.questions, m.spans.questions) = (questions.questions, questions.spans);
    let mut lowered = Lowered::new(sym, questions.domains_named, questions.references);
    found_all.add(found);
    let (parameters, spans, found) = parameters::parameters(sym, &d.cohorts, &d.attributes);
    (d.parameters, m.spans.parameters) = (parameters, spans);
    found_all.add(found);
    let (bands, spans, found) = bands::bands(sym);
    (d.bands, m.spans.bands) = (bands, spans);
    found_all.add(found);

    let (steps, found) = order::steps_and_flags(sym, &d, &mut lowered);
    (m.steps, m.spans.steps) = (steps.steps, steps.step_spans);
    (m.flags, m.spans.flags) = (steps.flags, steps.flag_spans);
    let step_types = steps.step_types;
    found_all.add(found);
    let types = &step_types;
    let (checks, spans, found) = decisions::answer_checks(sym, &d, types, &mut lowered);
    (m.checks, m.spans.checks) = (checks, spans);
    found_all.add(found);
    let (requirements, spans, found) = decisions::eligibility(sym, &d, types, &mut lowered);
    (m.eligibility, m.spans.eligibility) = (requirements, spans);
    found_all.add(found);
    let (route, found) = decisions::route(sym, &d, types, &mut lowered);
    if let Some((route, spans)) = route {
        (m.route, m.spans.route) = (Some(route), Some(spans));
    }
    found_all.add(found);

    let needs = Needs::of_expressions(
        &lowered.exprs,
        &d.parameters,
        d.questions.len(),
        d.attributes.len(),
        m.route.is_some(),
    );
    let route = m.route.as_ref();
    let (tests, found) = tests::tests(sym, &d, route, &step_types, &needs);
    (m.tests, m.spans.tests) = (tests.tests, tests.spans);
    lowered.references.extend(tests.references);
    found_all.add(found);
    let found = lints::lints(sym, &d, &m, &lowered);
    found_all.add(found);
    let (indicative, found) = indicative(sym, &step_types);
    found_all.add(found);
    let index = index(sym, &step_types, std::mem::take(&mut lowered.references));
    let Some(header) = d.header.take() else {
        return (None, index, found_all);
    };
    let mut spans = lowered.spans;
    spans.resize(lowered.exprs.len(), Span::default());
    let model = assemble(header, d, m, lowered.exprs, spans, indicative);
    (model, index, found_all)
}

/// The model from the passes' products; `None` when a step or flag could
/// not be resolved or there is no indicative budget (each reported).
fn assemble(
    header: model::Header,
    d: Declared,
    parts: Parts,
    exprs: Vec<model::Expr>,
    spans: Vec<Span>,
    indicative: Option<model::StepId>,
) -> Option<Model> {
    Some(Model {
        header,
        cohorts: d.cohorts,
        attributes: d.attributes,
        domains: d.domains,
        questions: d.questions,
        parameters: d.parameters,
        bands: d.bands,
        steps: parts.steps.into_iter().collect::<Option<Vec<_>>>()?,
        flags: parts.flags.into_iter().collect::<Option<Vec<_>>>()?,
        checks: parts.checks,
        eligibility: parts.eligibility,
        route: parts.route,
        exprs,
        indicative: indicative?,
        tests: parts.tests,
        spans: model::spans::Spans {
            exprs: spans,
            ..parts.spans
        },
    })
}

/// The index of what was checked: the table's declarations, the references
/// the passes resolved, and each step's type.
fn index(sym: &Symbols, step_types: &[Ty], references: Vec<index::Reference>) -> index::Index {
    let steps = sym
        .decls
        .steps
        .iter()
        .zip(step_types)
        .map(|((_, s), ty)| index::StepType {
            name: s.id().name.clone(),
            unit: match ty {
                Ty::Quantity(u) => Some(*u),
                _ => None,
            },
        })
        .collect();
    index::Index {
        declarations: sym.declarations(),
        references,
        steps,
    }
}

/// The output named `indicative`, in money.
fn indicative(sym: &Symbols, step_types: &[Ty]) -> (Option<model::StepId>, Findings) {
    let mut found = Findings::default();
    let named = sym
        .decls
        .steps
        .iter()
        .enumerate()
        .find(|(_, (_, s))| s.id().name == "indicative");
    let step = match named {
        Some((n, (_, StepDecl::Output(o)))) => {
            if let Ty::Quantity(u) = step_types.get(n).copied().unwrap_or(Ty::Unknown) {
                if u != crate::units::Unit::Money {
                    let diag = Diagnostic::new(
                        codes::NO_INDICATIVE,
                        format!(
                            "the indicative budget must be money (£), but this is {}",
                            u.describe()
                        ),
                    )
                    .label(o.expr.span, format!("this is {}", u.describe()))
                    .hint("multiply points by a price per point, or hours by an hourly rate");
                    found.error(diag);
                }
            }
            Some(n as model::StepId)
        }
        Some((_, (_, other))) => {
            let diag = Diagnostic::new(codes::NO_INDICATIVE, "`indicative` must be an output")
                .label(other.id().span, "declared here as a step, not an output")
                .hint("write `output indicative \"Indicative weekly personal budget\" = …`");
            found.error(diag);
            None
        }
        None => {
            let at = sym
                .decls
                .policy
                .first()
                .map(|(_, p)| p.keyword)
                .unwrap_or_default();
            let outputs: Vec<&str> = sym
                .decls
                .steps
                .iter()
                .filter_map(|(_, s)| match s {
                    StepDecl::Output(o) => Some(o.id.name.as_str()),
                    _ => None,
                })
                .collect();
            let hint = if outputs.is_empty() {
                "add `output indicative \"Indicative weekly personal budget\" = …`".to_string()
            } else {
                format!(
                    "the budget must be the output named `indicative`; this file's outputs are {}",
                    names::list_codes(outputs.iter().copied())
                )
            };
            let mut diag =
                Diagnostic::new(codes::NO_INDICATIVE, "the file has no indicative budget")
                    .hint(hint);
            if !sym.decls.policy.is_empty() {
                diag = diag.label(at, "this policy needs an output named `indicative`");
            }
            found.error(diag);
            None
        }
    };
    (step, found)
}

/// The warnings of the interval analysis (`lints::range_lints`), each
/// with the declaration it concerns, so that `allow` applies to them.
fn range_lints(sym: &Symbols, m: &Model) -> Findings {
    let mut found = Findings::default();
    use lints::Owner;
    for (owner, diag) in lints::range_lints(m, sym.source) {
        let d = &sym.decls;
        let item = match owner {
            Owner::Step(s) => d.steps.get(s as usize).map(|x| x.0),
            Owner::Flag(f) => d.flags.get(f as usize).map(|x| x.0),
            Owner::Check(c) => d.checks.get(c as usize).map(|x| x.0),
            Owner::Requirement => d.eligibility.first().map(|x| x.0),
            Owner::Band(b) => d.bands.get(b as usize).map(|x| x.0),
            Owner::Route => d.routes.first().map(|x| x.0),
        };
        if let Some(item) = item {
            found.warn(item, diag);
        }
    }
    found
}

/// Applies `allow` lines to warnings and returns every diagnostic.
fn apply_allows(sym: &Symbols, found: Findings) -> Vec<Diagnostic> {
    let Findings {
        mut errors,
        warnings: found_warnings,
    } = found;
    let file = sym.file;
    let mut used = vec![vec![false; 0]; file.items.len()];
    for (i, item) in file.items.iter().enumerate() {
        used[i] = vec![false; item.allows.len()];
        for allow in &item.allows {
            if codes::warning_named(&allow.code.name).is_none() {
                let warnings = || codes::warnings().map(|c| c.short());
                let hint = match did_you_mean(&allow.code.name, warnings()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the warnings are {}", names::list_codes(warnings())),
                };
                errors.push(
                    Diagnostic::new(
                        codes::UNKNOWN_WARNING,
                        format!("there is no warning called `{}`", allow.code.name),
                    )
                    .label(allow.code.span, "not a warning code")
                    .hint(hint),
                );
            }
            if allow.reason.text.trim().is_empty() {
                errors.push(
                    Diagnostic::new(codes::ALLOW_NEEDS_REASON, "an `allow` needs a reason")
                        .label(allow.reason.span, "empty reason")
                        .hint("say why the policy accepts this, e.g. \"historic policy kept for audit\""),
                );
            }
        }
    }
    let mut out = errors;
    for (item, diag) in found_warnings {
        let code = diag.code.trim_start_matches("ras::");
        let allowed = file
            .items
            .get(item)
            .and_then(|it| it.allows.iter().position(|a| a.code.name == code));
        match allowed {
            Some(k) => used[item][k] = true,
            None => out.push(diag),
        }
    }
    for (i, item) in file.items.iter().enumerate() {
        for (k, allow) in item.allows.iter().enumerate() {
            let acknowledged = used[i][k] || allow.code.name == "unused-allow";
            let self_allowed = item.allows.iter().any(|a| a.code.name == "unused-allow");
            if !acknowledged && !self_allowed && codes::warning_named(&allow.code.name).is_some() {
                out.push(
                    Diagnostic::new(
                        codes::UNUSED_ALLOW,
                        format!("`allow {}` acknowledges a warning that does not occur here", allow.code.name),
                    )
                    .label(allow.span, "nothing to acknowledge")
                    .hint("remove the line, or move it just before the declaration the warning is about"),
                );
            }
        }
    }
    debug_assert!(out
        .iter()
        .all(|d| matches!(d.severity, Severity::Error | Severity::Warning)));
    out
}
