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
mod tests;

use crate::date::Date;
use crate::diag::{codes, Diagnostic, Severity};
use crate::model::{self, Model};
use crate::syntax::ast::{self, Decl};
use crate::syntax::Span;
pub use names::did_you_mean;
use names::{Namespace, Suggester, Symbol};

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
    let mut checker = Checker::new(file, source, options);
    checker.collect();
    let model = checker.build();
    if let (Some(m), true, true) = (&model, checker.errors.is_empty(), ranges) {
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

/// A step declaration in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StepDecl<'a> {
    Let(&'a ast::LetStep),
    Deduction(&'a ast::Deduction),
    Output(&'a ast::Output),
}

impl<'a> StepDecl<'a> {
    fn id(&self) -> &'a ast::Ident {
        match self {
            StepDecl::Let(s) => &s.id,
            StepDecl::Deduction(s) => &s.id,
            StepDecl::Output(s) => &s.id,
        }
    }

    fn expr(&self) -> &'a ast::Expr {
        match self {
            StepDecl::Let(s) => &s.expr,
            StepDecl::Deduction(s) => &s.amount,
            StepDecl::Output(s) => &s.expr,
        }
    }
}

/// Where in the file each declaration is, by family.
#[derive(Default)]
pub(crate) struct Declarations<'a> {
    policy: Vec<(usize, &'a ast::Policy)>,
    cohorts: Vec<(usize, &'a ast::Cohorts)>,
    attributes: Vec<(usize, &'a ast::Attribute)>,
    domains: Vec<(usize, &'a ast::Domain)>,
    questions: Vec<(usize, &'a ast::Question)>,
    parameters: Vec<(usize, &'a ast::Parameter)>,
    bands: Vec<(usize, &'a ast::Bands)>,
    steps: Vec<(usize, StepDecl<'a>)>,
    flags: Vec<(usize, &'a ast::Flag)>,
    checks: Vec<(usize, &'a ast::AnswerCheck)>,
    eligibility: Vec<(usize, &'a ast::Eligibility)>,
    routes: Vec<(usize, &'a ast::Route)>,
    tests: Vec<(usize, &'a ast::Test)>,
}

/// The checker's working state.
pub(crate) struct Checker<'a> {
    file: &'a ast::File,
    source: &'a str,
    options: &'a CheckOptions,
    errors: Vec<Diagnostic>,
    /// Warnings with the index of the item they concern (for `allow`).
    warnings: Vec<(usize, Diagnostic)>,
    decls: Declarations<'a>,
    names: Namespace<Symbol>,
    /// "Did you mean" over `names`, built at the first unknown name.
    suggester: std::cell::OnceCell<Suggester<'a>>,
    domain_names: Namespace<u32>,
    cohort_names: Namespace<u32>,
    /// Model parts as they are built.
    pub(crate) m: Parts,
    /// Unit of each step once typed.
    step_types: Vec<Ty>,
    /// What is read anywhere, for the unused-… warnings.
    used_questions: Vec<bool>,
    used_parameters: Vec<bool>,
    used_domains: Vec<bool>,
    /// Attributes a calculation depends on, which every test must give.
    used_attributes: Vec<bool>,
    /// Every use of a name, as checked.
    references: Vec<index::Reference>,
}

/// The pieces of the model under construction.
#[derive(Default)]
pub(crate) struct Parts {
    pub header: Option<model::Header>,
    pub cohorts: Vec<model::Cohort>,
    pub attributes: Vec<model::Attribute>,
    pub domains: Vec<model::Domain>,
    pub questions: Vec<model::Question>,
    pub parameters: Vec<model::Parameter>,
    pub bands: Vec<model::Band>,
    pub steps: Vec<Option<model::Step>>,
    pub flags: Vec<Option<model::Flag>>,
    pub checks: Vec<model::AnswerCheck>,
    pub eligibility: Vec<model::Requirement>,
    pub route: Option<model::Route>,
    pub exprs: Vec<model::Expr>,
    pub tests: Vec<model::TestCase>,
    pub spans: model::spans::Spans,
}

impl<'a> Checker<'a> {
    fn new(file: &'a ast::File, source: &'a str, options: &'a CheckOptions) -> Self {
        let mut m = Parts::default();
        m.spans.lines = model::spans::LineStarts::new(source);
        Checker {
            file,
            source,
            options,
            errors: Vec::new(),
            warnings: Vec::new(),
            decls: Declarations::default(),
            names: Namespace::default(),
            suggester: std::cell::OnceCell::new(),
            domain_names: Namespace::default(),
            cohort_names: Namespace::default(),
            m,
            step_types: Vec::new(),
            used_questions: Vec::new(),
            used_parameters: Vec::new(),
            used_domains: Vec::new(),
            used_attributes: Vec::new(),
            references: Vec::new(),
        }
    }

    /// The source text of a span.
    pub(crate) fn text(&self, span: Span) -> &'a str {
        self.source.get(span.start..span.end).unwrap_or("")
    }

    /// The source text of a span on one line: comments dropped, layout
    /// collapsed to single spaces (for formulas shown in traces and hints).
    pub(crate) fn flat_text(&self, span: Span) -> String {
        let text = self.text(span);
        let mut words: Vec<&str> = Vec::new();
        for piece in crate::syntax::scan::pieces(text) {
            if piece.kind != crate::syntax::scan::PieceKind::Comment {
                words.extend(text[piece.span.start..piece.span.end].split_whitespace());
            }
        }
        // A line break just inside brackets reads as no space at all.
        words
            .join(" ")
            .replace("( ", "(")
            .replace(" )", ")")
            .replace("[ ", "[")
            .replace(" ]", "]")
    }

    /// The declared name closest to a misspelt one.
    pub(crate) fn suggest_name(&self, name: &str) -> Option<&'a str> {
        let suggester = self.suggester.get_or_init(|| {
            let decls = &self.decls;
            // The names as the namespace holds them: in the order declared,
            // each once, the language's own names left out.
            let declared = decls
                .questions
                .iter()
                .map(|(_, q)| q.id.name.as_str())
                .chain(decls.attributes.iter().map(|(_, a)| a.id.name.as_str()))
                .chain(decls.parameters.iter().map(|(_, p)| p.id.name.as_str()))
                .chain(decls.bands.iter().map(|(_, b)| b.id.name.as_str()))
                .chain(decls.steps.iter().map(|(_, s)| s.id().name.as_str()))
                .chain(decls.flags.iter().map(|(_, f)| f.id.name.as_str()));
            let mut seen = std::collections::HashSet::new();
            let names: Vec<&'a str> = declared
                .filter(|n| self.names.get(n).is_some() && seen.insert(*n))
                .chain(["plan_cost"])
                .collect();
            Suggester::new(names)
        });
        suggester.suggest(name)
    }

    /// Notes a use of a name and what it refers to.
    pub(crate) fn refer(&mut self, name: &str, span: Span, to: Option<index::Target>) {
        self.references.push(index::Reference {
            name: name.to_string(),
            span,
            to,
        });
    }

    /// The index of what was checked.
    fn index(&mut self) -> index::Index {
        use index::{Declaration, Target};
        let d = &self.decls;
        let mut declarations = Vec::new();
        let mut declare = |id: &ast::Ident, target: Target| {
            declarations.push(Declaration {
                name: id.name.clone(),
                target,
                span: id.span,
            })
        };
        let mut n = 0;
        for (_, block) in &d.cohorts {
            for c in &block.cohorts {
                declare(&c.id, Target::Cohort(n));
                n += 1;
            }
        }
        for (i, (_, a)) in d.attributes.iter().enumerate() {
            declare(&a.id, Target::Attribute(i as u32));
        }
        for (i, (_, x)) in d.domains.iter().enumerate() {
            declare(&x.id, Target::Domain(i as u32));
        }
        for (i, (_, q)) in d.questions.iter().enumerate() {
            declare(&q.id, Target::Question(i as u32));
        }
        for (i, (_, p)) in d.parameters.iter().enumerate() {
            declare(&p.id, Target::Parameter(i as u32));
        }
        for (i, (_, b)) in d.bands.iter().enumerate() {
            declare(&b.id, Target::Band(i as u32));
        }
        for (i, (_, s)) in d.steps.iter().enumerate() {
            declare(s.id(), Target::Step(i as u32));
        }
        for (i, (_, f)) in d.flags.iter().enumerate() {
            declare(&f.id, Target::Flag(i as u32));
        }
        let steps = d
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
            declarations,
            references: std::mem::take(&mut self.references),
            steps,
        }
    }

    pub(crate) fn error(&mut self, diag: Diagnostic) {
        self.errors.push(diag);
    }

    pub(crate) fn warn(&mut self, item: usize, diag: Diagnostic) {
        self.warnings.push((item, diag));
    }

    /// The warnings of the interval analysis (`lints::range_lints`), each
    /// with the declaration it concerns, so that `allow` applies to them.
    fn range_lints(&mut self, m: &Model) {
        use lints::Owner;
        for (owner, diag) in lints::range_lints(m, self.source) {
            let d = &self.decls;
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

    /// Pass 1: sorts declarations by family and declares every name.
    fn collect(&mut self) {
        let file = self.file;
        for (i, item) in file.items.iter().enumerate() {
            let d = &mut self.decls;
            match &item.decl {
                Decl::Policy(p) => d.policy.push((i, p)),
                Decl::Cohorts(c) => d.cohorts.push((i, c)),
                Decl::Attribute(a) => d.attributes.push((i, a)),
                Decl::Domain(x) => d.domains.push((i, x)),
                Decl::Question(q) => d.questions.push((i, q)),
                Decl::Parameter(p) => d.parameters.push((i, p)),
                Decl::Bands(b) => d.bands.push((i, b)),
                Decl::Let(s) => d.steps.push((i, StepDecl::Let(s))),
                Decl::Deduction(s) => d.steps.push((i, StepDecl::Deduction(s))),
                Decl::Output(s) => d.steps.push((i, StepDecl::Output(s))),
                Decl::Flag(f) => d.flags.push((i, f)),
                Decl::Check(c) => d.checks.push((i, c)),
                Decl::Eligibility(e) => d.eligibility.push((i, e)),
                Decl::Route(r) => d.routes.push((i, r)),
                Decl::Test(t) => d.tests.push((i, t)),
            }
        }
        let mut diags = Vec::new();
        let decls = &self.decls;
        for (n, (_, q)) in decls.questions.iter().enumerate() {
            self.names
                .declare(&q.id, Symbol::Question(n as u32), "question", &mut diags);
        }
        for (n, (_, a)) in decls.attributes.iter().enumerate() {
            self.names
                .declare(&a.id, Symbol::Attribute(n as u32), "attribute", &mut diags);
        }
        for (n, (_, p)) in decls.parameters.iter().enumerate() {
            self.names
                .declare(&p.id, Symbol::Parameter(n as u32), "parameter", &mut diags);
        }
        for (n, (_, b)) in decls.bands.iter().enumerate() {
            self.names
                .declare(&b.id, Symbol::Band(n as u32), "band table", &mut diags);
        }
        for (n, (_, s)) in decls.steps.iter().enumerate() {
            self.names
                .declare(s.id(), Symbol::Step(n as u32), "step", &mut diags);
        }
        for (n, (_, f)) in decls.flags.iter().enumerate() {
            self.names
                .declare(&f.id, Symbol::Flag(n as u32), "flag", &mut diags);
        }
        for (n, (_, dm)) in decls.domains.iter().enumerate() {
            self.domain_names
                .declare(&dm.id, n as u32, "domain", &mut diags);
        }
        let mut n = 0;
        for (_, c) in &decls.cohorts {
            for cohort in &c.cohorts {
                self.cohort_names
                    .declare(&cohort.id, n, "cohort", &mut diags);
                n += 1;
            }
        }
        // Answer checks are never referred to, but a case reports them by name.
        let mut check_names: Namespace<u32> = Namespace::default();
        for (n, (_, c)) in decls.checks.iter().enumerate() {
            check_names.declare(&c.id, n as u32, "answer check", &mut diags);
        }
        self.errors.extend(diags);
        self.used_questions = vec![false; decls.questions.len()];
        self.used_parameters = vec![false; decls.parameters.len()];
        self.used_domains = vec![false; decls.domains.len()];
        self.used_attributes = vec![false; decls.attributes.len()];
        self.step_types = vec![Ty::Unknown; decls.steps.len()];
        self.m.steps = vec![None; decls.steps.len()];
        self.m.flags = vec![None; decls.flags.len()];
        self.m.spans.steps = vec![Span::default(); decls.steps.len()];
        self.m.spans.flags = vec![Span::default(); decls.flags.len()];
    }

    /// Pass 2: checks each family and assembles the model.
    ///
    /// The order is what each family reads of those before it: the header's
    /// rounding (read by `round`); cohorts and attributes (the keys of
    /// parameters); domains (named by questions); questions, parameters and
    /// bands (their units, read by calculations); steps and flags in
    /// dependency order (their units, read by checks, eligibility and the
    /// route); the route (its rules, named by tests); tests; and last the
    /// lints, which read what everything before used.
    fn build(&mut self) -> Option<Model> {
        self.header();
        self.cohorts();
        self.attributes();
        self.domains();
        self.questions();
        self.parameters();
        self.bands();
        self.steps_and_flags();
        self.answer_checks();
        self.eligibility();
        self.route();
        self.tests();
        self.lints();
        let indicative = self.indicative();
        let header = self.m.header.take()?;
        let exprs = self.m.exprs.len();
        self.m.spans.exprs.resize(exprs, Span::default());
        let parts = std::mem::take(&mut self.m);
        Some(Model {
            header,
            cohorts: parts.cohorts,
            attributes: parts.attributes,
            domains: parts.domains,
            questions: parts.questions,
            parameters: parts.parameters,
            bands: parts.bands,
            steps: parts.steps.into_iter().collect::<Option<Vec<_>>>()?,
            flags: parts.flags.into_iter().collect::<Option<Vec<_>>>()?,
            checks: parts.checks,
            eligibility: parts.eligibility,
            route: parts.route,
            exprs: parts.exprs,
            indicative: indicative?,
            tests: parts.tests,
            spans: parts.spans,
        })
    }

    /// The output named `indicative`, in money.
    fn indicative(&mut self) -> Option<model::StepId> {
        let found = self
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
                    .decls
                    .policy
                    .first()
                    .map(|(_, p)| p.keyword)
                    .unwrap_or_default();
                let outputs: Vec<&str> = self
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
                if !self.decls.policy.is_empty() {
                    diag = diag.label(at, "this policy needs an output named `indicative`");
                }
                self.error(diag);
                None
            }
        }
    }

    /// Applies `allow` lines to warnings and returns every diagnostic.
    fn finish(&mut self) -> Vec<Diagnostic> {
        let file = self.file;
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
                    self.errors.push(
                        Diagnostic::new(
                            codes::UNKNOWN_WARNING,
                            format!("there is no warning called `{}`", allow.code.name),
                        )
                        .label(allow.code.span, "not a warning code")
                        .hint(hint),
                    );
                }
                if allow.reason.text.trim().is_empty() {
                    self.errors.push(
                        Diagnostic::new(codes::ALLOW_NEEDS_REASON, "an `allow` needs a reason")
                            .label(allow.reason.span, "empty reason")
                            .hint("say why the policy accepts this, e.g. \"historic policy kept for audit\""),
                    );
                }
            }
        }
        let mut out = std::mem::take(&mut self.errors);
        for (item, diag) in std::mem::take(&mut self.warnings) {
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
