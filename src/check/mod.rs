//! Stage 2, check: syntax tree -> checked [`Model`] plus diagnostics.
//!
//! One pass collects every declaration (so names may be used before they are
//! declared), then each family of declarations is checked and turned into the
//! model: `decls` (header, cohorts, questions, parameters, bands), `order`
//! (steps in dependency order, cycles), `expr` (names, units, types), `tests`
//! (test blocks) and `lints` (warnings). Every error is collected, not just the
//! first.

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
    let mut checker = Checker::new(&symbols, options, duplicates);
    let model = checker.build();
    if let (Some(m), true, true) = (&model, checker.found.errors.is_empty(), ranges) {
        checker.range_lints(m);
    }
    let mut diagnostics = checker.finish();
    let index = checker.index();
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
    let parsed = crate::syntax::parse_recovering(source);
    if parsed.diagnostics.is_empty() {
        return check(&parsed.file, source, options);
    }
    let mut diagnostics = parsed.diagnostics;
    if !parsed.file.items.is_empty() {
        let checked = check(&parsed.file, source, options);
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

/// The checker's working state: the products of the passes so far, until
/// the model is assembled from them. The passes themselves only read what
/// came before (see `build`); what is still written in place is the tests
/// and lints passes' reading of these products.
pub(crate) struct Checker<'s, 'a> {
    /// The symbol table, read only.
    sym: &'s Symbols<'a>,
    options: &'s CheckOptions,
    found: Findings,
    /// What the declaration passes produced.
    d: Declared,
    /// Model parts the later passes produced.
    pub(crate) m: Parts,
    /// The expressions, what they read, and the names used.
    lowered: Lowered,
    /// Unit of each step once typed.
    step_types: Vec<Ty>,
}

/// One pass's working state: the symbol table it reads, what it finds, and
/// the names it resolves (for the index).
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

impl<'s, 'a> Checker<'s, 'a> {
    fn new(sym: &'s Symbols<'a>, options: &'s CheckOptions, duplicates: Vec<Diagnostic>) -> Self {
        let mut m = Parts::default();
        m.spans.lines = model::spans::LineStarts::new(sym.source);
        Checker {
            sym,
            options,
            found: Findings {
                errors: duplicates,
                warnings: Vec::new(),
            },
            d: Declared::default(),
            m,
            lowered: Lowered::default(),
            step_types: Vec::new(),
        }
    }

    /// Notes a use of a name and what it refers to.
    pub(crate) fn refer(&mut self, name: &str, span: Span, to: Option<index::Target>) {
        self.lowered.references.push(index::Reference {
            name: name.to_string(),
            span,
            to,
        });
    }

    /// The index of what was checked.
    fn index(&mut self) -> index::Index {
        let steps = self
            .sym
            .decls
            .steps
            .iter()
            .zip(&self.step_types)
            .map(|((_, s), ty)| index::StepType {
                name: s.id().name.clone(),
                unit: match ty {
                    Ty::Quantity(u) => Some(*u),
                    _ => None,
                },
            })
            .collect();
        index::Index {
            declarations: self.sym.declarations(),
            references: std::mem::take(&mut self.lowered.references),
            steps,
        }
    }

    pub(crate) fn error(&mut self, diag: Diagnostic) {
        self.found.error(diag);
    }

    pub(crate) fn warn(&mut self, item: usize, diag: Diagnostic) {
        self.found.warn(item, diag);
    }

    /// The warnings of the interval analysis (`lints::range_lints`), each
    /// with the declaration it concerns, so that `allow` applies to them.
    fn range_lints(&mut self, m: &Model) {
        use lints::Owner;
        for (owner, diag) in lints::range_lints(m, self.sym.source) {
            let d = &self.sym.decls;
            let item = match owner {
                Owner::Step(s) => d.steps.get(s as usize).map(|x| x.0),
                Owner::Flag(f) => d.flags.get(f as usize).map(|x| x.0),
                Owner::Check(c) => d.checks.get(c as usize).map(|x| x.0),
                Owner::Requirement => d.eligibility.first().map(|x| x.0),
                Owner::Band(b) => d.bands.get(b as usize).map(|x| x.0),
                Owner::Route => d.routes.first().map(|x| x.0),
            };
            if let Some(item) = item {
                self.warn(item, diag);
            }
        }
    }

    /// Checks each family with a pass of its own, and assembles the model
    /// from what the passes produce.
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
    fn build(&mut self) -> Option<Model> {
        let sym = self.sym;
        let (header, found) = decls::header(sym, self.options.today);
        self.d.header = header;
        self.found.add(found);
        let (cohorts, spans, found) = decls::cohorts(sym);
        (self.d.cohorts, self.m.spans.cohorts) = (cohorts, spans);
        self.found.add(found);
        let (attributes, spans, found) = decls::attributes(sym);
        (self.d.attributes, self.m.spans.attributes) = (attributes, spans);
        self.found.add(found);
        let (domains, spans, found) = decls::domains(sym);
        (self.d.domains, self.m.spans.domains) = (domains, spans);
        self.found.add(found);
        let (questions, found) = decls::questions(sym);
        (self.d.questions, self.m.spans.questions) = (questions.questions, questions.spans);
        self.lowered = Lowered::new(sym, questions.domains_named, questions.references);
        self.found.add(found);
        let (parameters, spans, found) =
            parameters::parameters(sym, &self.d.cohorts, &self.d.attributes);
        (self.d.parameters, self.m.spans.parameters) = (parameters, spans);
        self.found.add(found);
        let (bands, spans, found) = bands::bands(sym);
        (self.d.bands, self.m.spans.bands) = (bands, spans);
        self.found.add(found);

        let (steps, found) = order::steps_and_flags(sym, &self.d, &mut self.lowered);
        (self.m.steps, self.m.spans.steps) = (steps.steps, steps.step_spans);
        (self.m.flags, self.m.spans.flags) = (steps.flags, steps.flag_spans);
        self.step_types = steps.step_types;
        self.found.add(found);
        let types = &self.step_types;
        let (checks, spans, found) =
            decisions::answer_checks(sym, &self.d, types, &mut self.lowered);
        (self.m.checks, self.m.spans.checks) = (checks, spans);
        self.found.add(found);
        let (requirements, spans, found) =
            decisions::eligibility(sym, &self.d, types, &mut self.lowered);
        (self.m.eligibility, self.m.spans.eligibility) = (requirements, spans);
        self.found.add(found);
        let (route, found) = decisions::route(sym, &self.d, types, &mut self.lowered);
        if let Some((route, spans)) = route {
            (self.m.route, self.m.spans.route) = (Some(route), Some(spans));
        }
        self.found.add(found);

        self.tests();
        self.lints();
        let indicative = self.indicative();
        let d = std::mem::take(&mut self.d);
        let header = d.header?;
        // The references stay for the index, which a file with errors has too.
        let exprs = std::mem::take(&mut self.lowered.exprs);
        let mut spans = std::mem::take(&mut self.lowered.spans);
        spans.resize(exprs.len(), Span::default());
        let parts = std::mem::take(&mut self.m);
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

    /// The output named `indicative`, in money.
    fn indicative(&mut self) -> Option<model::StepId> {
        let found = self
            .sym
            .decls
            .steps
            .iter()
            .enumerate()
            .find(|(_, (_, s))| s.id().name == "indicative");
        match found {
            Some((n, (_, StepDecl::Output(o)))) => {
                if let Ty::Quantity(u) = self.step_types[n] {
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
                        self.error(diag);
                    }
                }
                Some(n as model::StepId)
            }
            Some((_, (_, other))) => {
                let diag = Diagnostic::new(codes::NO_INDICATIVE, "`indicative` must be an output")
                    .label(other.id().span, "declared here as a step, not an output")
                    .hint("write `output indicative \"Indicative weekly personal budget\" = …`");
                self.error(diag);
                None
            }
            None => {
                let at = self
                    .sym
                    .decls
                    .policy
                    .first()
                    .map(|(_, p)| p.keyword)
                    .unwrap_or_default();
                let outputs: Vec<&str> = self
                    .sym
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
                if !self.sym.decls.policy.is_empty() {
                    diag = diag.label(at, "this policy needs an output named `indicative`");
                }
                self.error(diag);
                None
            }
        }
    }

    /// Applies `allow` lines to warnings and returns every diagnostic.
    fn finish(&mut self) -> Vec<Diagnostic> {
        let file = self.sym.file;
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
                    self.found.errors.push(
                        Diagnostic::new(
                            codes::UNKNOWN_WARNING,
                            format!("there is no warning called `{}`", allow.code.name),
                        )
                        .label(allow.code.span, "not a warning code")
                        .hint(hint),
                    );
                }
                if allow.reason.text.trim().is_empty() {
                    self.found.errors.push(
                        Diagnostic::new(codes::ALLOW_NEEDS_REASON, "an `allow` needs a reason")
                            .label(allow.reason.span, "empty reason")
                            .hint("say why the policy accepts this, e.g. \"historic policy kept for audit\""),
                    );
                }
            }
        }
        let mut out = std::mem::take(&mut self.found.errors);
        for (item, diag) in std::mem::take(&mut self.found.warnings) {
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
                if !acknowledged
                    && !self_allowed
                    && codes::warning_named(&allow.code.name).is_some()
                {
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
}
