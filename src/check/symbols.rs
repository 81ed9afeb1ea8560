//! Check, first step: the symbol table. Every declaration sorted by family
//! and every name declared, so that the passes after it may use a name before
//! the line that declares it, and read the table without changing it.
//!
//! Input: the syntax tree and its source text. Output: [`Symbols`] and the
//! diagnostics of names declared twice. The units and spans a declaration
//! writes are read from the declarations the table holds (`decls`); units
//! worked out from values (a question's option values, a parameter's values)
//! are products of the passes that check those values.

use super::index::{Declaration, Target};
use super::names::{Namespace, Suggester, Symbol};
use crate::diag::Diagnostic;
use crate::syntax::ast::{self, Decl};
use crate::syntax::Span;

/// A step declaration in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StepDecl<'a> {
    Let(&'a ast::LetStep),
    Deduction(&'a ast::Deduction),
    Output(&'a ast::Output),
}

impl<'a> StepDecl<'a> {
    pub(crate) fn id(&self) -> &'a ast::Ident {
        match self {
            StepDecl::Let(s) => &s.id,
            StepDecl::Deduction(s) => &s.id,
            StepDecl::Output(s) => &s.id,
        }
    }

    pub(crate) fn expr(&self) -> &'a ast::Expr {
        match self {
            StepDecl::Let(s) => &s.expr,
            StepDecl::Deduction(s) => &s.amount,
            StepDecl::Output(s) => &s.expr,
        }
    }
}

/// Where in the file each declaration is, by family: the index of its item
/// (which `allow` lines belong to) and the declaration. A family's ids are
/// positions in its list.
#[derive(Default)]
pub(crate) struct Declarations<'a> {
    pub(crate) policy: Vec<(usize, &'a ast::Policy)>,
    pub(crate) cohorts: Vec<(usize, &'a ast::Cohorts)>,
    pub(crate) attributes: Vec<(usize, &'a ast::Attribute)>,
    pub(crate) domains: Vec<(usize, &'a ast::Domain)>,
    pub(crate) questions: Vec<(usize, &'a ast::Question)>,
    pub(crate) parameters: Vec<(usize, &'a ast::Parameter)>,
    pub(crate) bands: Vec<(usize, &'a ast::Bands)>,
    pub(crate) steps: Vec<(usize, StepDecl<'a>)>,
    pub(crate) flags: Vec<(usize, &'a ast::Flag)>,
    pub(crate) checks: Vec<(usize, &'a ast::AnswerCheck)>,
    pub(crate) eligibility: Vec<(usize, &'a ast::Eligibility)>,
    pub(crate) routes: Vec<(usize, &'a ast::Route)>,
    pub(crate) tests: Vec<(usize, &'a ast::Test)>,
}

/// The symbol table: read-only once collected.
pub(crate) struct Symbols<'a> {
    pub(crate) file: &'a ast::File,
    pub(crate) source: &'a str,
    pub(crate) decls: Declarations<'a>,
    /// Questions, attributes, parameters, bands, steps and flags share one
    /// set of names.
    pub(crate) names: Namespace<'a, Symbol>,
    pub(crate) domain_names: Namespace<'a, u32>,
    pub(crate) cohort_names: Namespace<'a, u32>,
    /// "Did you mean" over `names`, built at the first unknown name: a file
    /// without one never pays for it.
    suggester: std::cell::OnceCell<Suggester<'a>>,
}

impl<'a> Symbols<'a> {
    /// Sorts declarations by family and declares every name; a name declared
    /// twice is reported and its first declaration kept.
    pub(crate) fn collect(file: &'a ast::File, source: &'a str) -> (Symbols<'a>, Vec<Diagnostic>) {
        let mut d = Declarations::default();
        for (i, item) in file.items.iter().enumerate() {
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
        let mut names = Namespace::with_capacity(
            d.questions.len()
                + d.attributes.len()
                + d.parameters.len()
                + d.bands.len()
                + d.steps.len()
                + d.flags.len(),
        );
        for (n, (_, q)) in d.questions.iter().enumerate() {
            names.declare(&q.id, Symbol::Question(n as u32), "question", &mut diags);
        }
        for (n, (_, a)) in d.attributes.iter().enumerate() {
            names.declare(&a.id, Symbol::Attribute(n as u32), "attribute", &mut diags);
        }
        for (n, (_, p)) in d.parameters.iter().enumerate() {
            names.declare(&p.id, Symbol::Parameter(n as u32), "parameter", &mut diags);
        }
        for (n, (_, b)) in d.bands.iter().enumerate() {
            names.declare(&b.id, Symbol::Band(n as u32), "band table", &mut diags);
        }
        for (n, (_, s)) in d.steps.iter().enumerate() {
            names.declare(s.id(), Symbol::Step(n as u32), "step", &mut diags);
        }
        for (n, (_, f)) in d.flags.iter().enumerate() {
            names.declare(&f.id, Symbol::Flag(n as u32), "flag", &mut diags);
        }
        let mut domain_names = Namespace::default();
        for (n, (_, dm)) in d.domains.iter().enumerate() {
            domain_names.declare(&dm.id, n as u32, "domain", &mut diags);
        }
        let mut cohort_names = Namespace::default();
        let mut n = 0;
        for (_, c) in &d.cohorts {
            for cohort in &c.cohorts {
                cohort_names.declare(&cohort.id, n, "cohort", &mut diags);
                n += 1;
            }
        }
        // Answer checks are never referred to, but a case reports them by name.
        let mut check_names: Namespace<'_, u32> = Namespace::default();
        for (n, (_, c)) in d.checks.iter().enumerate() {
            check_names.declare(&c.id, n as u32, "answer check", &mut diags);
        }
        let symbols = Symbols {
            file,
            source,
            decls: d,
            names,
            domain_names,
            cohort_names,
            suggester: std::cell::OnceCell::new(),
        };
        (symbols, diags)
    }

    /// The source text of a span.
    pub(crate) fn text(&self, span: Span) -> &'a str {
        self.source.get(span.start..span.end).unwrap_or("")
    }

    /// The source text of a span on one line: comments dropped, layout
    /// collapsed to single spaces (for formulas shown in traces and hints).
    pub(crate) fn flat_text(&self, span: Span) -> String {
        let text = self.text(span);
        let mut out = String::with_capacity(text.len());
        for piece in crate::syntax::scan::pieces(text) {
            if piece.kind == crate::syntax::scan::PieceKind::Comment {
                continue;
            }
            for word in text[piece.span.start..piece.span.end].split_whitespace() {
                // A line break just inside brackets reads as no space at all.
                let joined =
                    out.is_empty() || out.ends_with(['(', '[']) || word.starts_with([')', ']']);
                if !joined {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
        out
    }

    /// The declared name closest to a misspelt one.
    pub(crate) fn suggest_name(&self, name: &str) -> Option<&'a str> {
        let suggester = self.suggester.get_or_init(|| {
            // The names as the namespace holds them: by family in the order
            // declared, each once, the language's own names left out.
            Suggester::new(self.names.names().chain(["plan_cost"]))
        });
        suggester.suggest(name)
    }

    /// Every declaration with the span of its name, for the index.
    pub(crate) fn declarations(&self) -> Vec<Declaration> {
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
        for (i, (_, t)) in d.tests.iter().enumerate() {
            declarations.push(Declaration {
                name: t.name.text.clone(),
                target: Target::Test(i as u32),
                span: t.name.span,
            });
        }
        declarations
    }
}

/// What one pass found: errors, and warnings with the index of the item they
/// concern (for `allow`).
#[derive(Default)]
pub(crate) struct Findings {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) warnings: Vec<(usize, Diagnostic)>,
}

impl Findings {
    pub(crate) fn error(&mut self, diag: Diagnostic) {
        self.errors.push(diag);
    }

    pub(crate) fn warn(&mut self, item: usize, diag: Diagnostic) {
        self.warnings.push((item, diag));
    }

    /// Adds what a later pass found.
    pub(crate) fn add(&mut self, other: Findings) {
        append(&mut self.errors, other.errors);
        append(&mut self.warnings, other.warnings);
    }
}

/// `more` after `list`; when `list` is empty, `more` itself, not a copy (one
/// pass may find 100,000 problems).
fn append<T>(list: &mut Vec<T>, more: Vec<T>) {
    if list.is_empty() {
        *list = more;
    } else {
        list.extend(more);
    }
}
