//! Test blocks: the case each gives and what each expects, names resolved.

use super::expr::Declared;
use super::index::{self, Reference};
use super::names::{did_you_mean, list_codes, Symbol};
use super::symbols::{Findings, Symbols};
use super::Ty;
use crate::case::Case;
use crate::diag::{codes, Diagnostic};
use crate::model::needs::Needs;
use crate::model::{self, Expectation, QuestionKind};
use crate::syntax::ast::{self, ExpectKind, GivenValue, LiteralValue};
use crate::units::Unit;

/// The tests, with where each and its expectations are written, and the
/// tests each `as` names (for the index).
pub(super) struct Tests {
    pub(super) tests: Vec<model::TestCase>,
    pub(super) spans: Vec<model::spans::TestSpans>,
    pub(super) references: Vec<Reference>,
}

/// The tests. Reads the declared parts (the codes a test gives), the route
/// (the rules a test expects), the step types (the unit a test expects) and
/// what the calculations read (`needs`: what a test must give, the one
/// definition `ras run` and `ras sample` use too).
pub(super) fn tests(
    sym: &Symbols,
    d: &Declared,
    route: Option<&model::Route>,
    step_types: &[Ty],
    needs: &Needs,
) -> (Tests, Findings) {
    let mut pass = TestPass {
        sym,
        d,
        route,
        step_types,
        found: Findings::default(),
        product: Tests {
            tests: Vec::new(),
            spans: Vec::new(),
            references: Vec::new(),
        },
    };
    pass.tests(needs);
    (pass.product, pass.found)
}

struct TestPass<'p, 's, 'a> {
    sym: &'s Symbols<'a>,
    d: &'p Declared,
    route: Option<&'p model::Route>,
    step_types: &'p [Ty],
    found: Findings,
    product: Tests,
}

impl<'a> TestPass<'_, '_, 'a> {
    fn error(&mut self, diag: Diagnostic) {
        self.found.error(diag);
    }

    fn refer(&mut self, name: &str, span: crate::syntax::Span, to: Option<index::Target>) {
        self.product.references.push(Reference {
            name: name.to_string(),
            span,
            to,
        });
    }

    fn tests(&mut self, needs: &Needs) {
        let inherited = self.bases();
        let mut seen: Vec<&ast::Text> = Vec::new();
        for (k, &(_, t)) in self.sym.decls.tests.iter().enumerate() {
            // `None`: the test starts from a test that is not there, so which
            // answers it gives is unknown.
            let from_base = inherited.get(k).cloned().flatten();
            if let Some(base) = &from_base {
                self.without(t, base);
            }
            let givens: Vec<(&ast::Given, bool)> = match &from_base {
                Some(base) => base
                    .iter()
                    .filter(|b| !replaces(t, b))
                    .map(|b| (*b, true))
                    .chain(t.givens.iter().map(|g| (g, false)))
                    .collect(),
                None => t.givens.iter().map(|g| (g, false)).collect(),
            };
            if let Some(first) = seen.iter().find(|n| n.text == t.name.text) {
                let diag = Diagnostic::new(
                    codes::DUPLICATE_NAME,
                    format!("two tests are called \"{}\"", t.name.text),
                )
                .label(t.name.span, "second test")
                .label(first.span, "first test")
                .hint("give each test its own name, so a failure says which one");
                self.error(diag);
            }
            seen.push(&t.name);
            let case = self.test_case(&givens);
            let (expects, expect_spans): (Vec<_>, Vec<_>) = t
                .expects
                .iter()
                .filter_map(|e| self.expectation(e).map(|x| (x, e.span)))
                .unzip();
            let stops_early = t.expects.iter().any(|e| {
                matches!(
                    e.kind,
                    ExpectKind::Error(_) | ExpectKind::NotEligible(_) | ExpectKind::NotValidated
                )
            });
            // A given that names nothing known is reported already; it is most
            // likely the missing answer, misspelt.
            let unknown_given = givens.iter().any(|(g, _)| {
                !matches!(
                    g.name.name.as_str(),
                    "cohort" | "assessed" | "plan_cost" | "case_id"
                ) && !matches!(
                    self.sym.names.get(&g.name.name),
                    Some(Symbol::Question(_) | Symbol::Attribute(_))
                )
            });
            let base_known = t.base.is_none() || from_base.is_some();
            if !stops_early && !unknown_given && base_known {
                self.missing_answers(t, &givens, &case, needs);
            }
            if t.expects.is_empty() {
                let diag = Diagnostic::new(
                    codes::TEST_MISSING_ANSWER,
                    format!("the test \"{}\" expects nothing", t.name.text),
                )
                .label(t.name.span, "no `expect`")
                .hint("add what must come out, e.g. `expect indicative £141.33`");
                self.error(diag);
            }
            self.product.tests.push(model::TestCase {
                name: t.name.text.clone(),
                case,
                expects,
            });
            self.product.spans.push(model::spans::TestSpans {
                name: t.name.span,
                expects: expect_spans,
            });
        }
    }

    /// The case a test gives: its own answers, and those it takes from the
    /// test it starts from (`inherited`), whose mistakes are reported once,
    /// in that test.
    fn test_case(&mut self, givens: &[(&ast::Given, bool)]) -> Case {
        let mut case = Case::default();
        let mut seen: Vec<(&str, crate::syntax::Span)> = Vec::new();
        for &(g, inherited) in givens {
            let reported = self.found.errors.len();
            self.given(g, &mut seen, &mut case);
            if inherited {
                self.found.errors.truncate(reported);
            }
        }
        case
    }

    fn given<'g>(
        &mut self,
        g: &'g ast::Given,
        seen: &mut Vec<(&'g str, crate::syntax::Span)>,
        case: &mut Case,
    ) {
        {
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == g.name.name) {
                let diag = Diagnostic::new(
                    codes::DUPLICATE_NAME,
                    format!("the test gives `{}` twice", g.name.name),
                )
                .label(g.span, "second")
                .label(*first, "first");
                self.error(diag);
                return;
            }
            seen.push((&g.name.name, g.span));
            match g.name.name.as_str() {
                "cohort" => {
                    let code = self.given_code(g);
                    if self.sym.cohort_names.get(&code).is_none() {
                        let valid: Vec<String> =
                            self.d.cohorts.iter().map(|c| c.id.clone()).collect();
                        let diag = Diagnostic::new(
                            codes::TEST_UNKNOWN_COHORT,
                            format!("`{code}` is not a cohort of this policy"),
                        )
                        .label(Self::given_value_span(g), "unknown cohort")
                        .hint(suggest(&code, &valid, "cohorts"));
                        self.error(diag);
                    }
                    case.cohort = Some(code);
                }
                "assessed" => match &g.value {
                    GivenValue::Literal(ast::Literal {
                        value: LiteralValue::Date(d),
                        ..
                    }) => case.assessed = Some(*d),
                    _ => self.given_error(g, "an assessment date, e.g. `assessed 2010-02-01`"),
                },
                "plan_cost" => match &g.value {
                    GivenValue::Literal(ast::Literal {
                        value: LiteralValue::Quantity(v, Unit::Money),
                        ..
                    }) => case.plan_cost = Some(*v),
                    _ => self.given_error(g, "an amount of money, e.g. `plan_cost £420.00`"),
                },
                "case_id" => case.case_id = Some(self.given_code(g)),
                name => {
                    match self.sym.names.get(name) {
                        Some(Symbol::Question(q)) => {
                            if let Some(answer) = self.given_answer(g, q) {
                                case.answers.insert(name.to_string(), answer);
                            }
                        }
                        Some(Symbol::Attribute(a)) => {
                            let code = self.given_code(g);
                            let valid: Vec<String> = self
                                .d
                                .attributes
                                .get(a as usize)
                                .map(|x| x.values.iter().map(|v| v.code.clone()).collect())
                                .unwrap_or_default();
                            if !valid.contains(&code) {
                                let diag = Diagnostic::new(
                                    codes::TEST_UNKNOWN_CODE,
                                    format!("`{code}` is not a value of `{name}`"),
                                )
                                .label(Self::given_value_span(g), "unknown value")
                                .hint(suggest(&code, &valid, "values"));
                                self.error(diag);
                            }
                            case.attributes.insert(name.to_string(), code);
                        }
                        _ => {
                            let questions: Vec<String> =
                                self.d.questions.iter().map(|q| q.id.clone()).collect();
                            let hint = match did_you_mean(name, questions.iter().map(String::as_str)) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "a test gives `cohort`, `assessed`, `plan_cost`, attributes and answers to questions".into(),
                        };
                            let diag = Diagnostic::new(codes::TEST_UNKNOWN_QUESTION, format!("the test answers `{name}`, which is not a question of this policy"))
                            .label(g.name.span, "not a question")
                            .hint(hint);
                            self.error(diag);
                        }
                    }
                }
            }
        }
    }

    /// Where a given value is written (`4` in `personal_care 4`).
    fn given_value_span(g: &ast::Given) -> crate::syntax::Span {
        match &g.value {
            GivenValue::Code(c) => c.span,
            GivenValue::Literal(l) => l.span,
        }
    }

    /// The text of a given value used as a code (`3`, `some_willing`).
    fn given_code(&self, g: &ast::Given) -> String {
        match &g.value {
            GivenValue::Code(c) => c.text.clone(),
            GivenValue::Literal(l) => self.sym.text(l.span).to_string(),
        }
    }

    fn given_error(&mut self, g: &ast::Given, wanted: &str) {
        let what = match &g.value {
            GivenValue::Literal(ast::Literal {
                value: LiteralValue::Quantity(_, u),
                ..
            }) => format!("this is {}", u.describe()),
            GivenValue::Literal(ast::Literal {
                value: LiteralValue::Date(_),
                ..
            }) => "this is a date".to_string(),
            GivenValue::Literal(_) => "this is true or false".to_string(),
            GivenValue::Code(_) => "this is a code".to_string(),
        };
        let diag = Diagnostic::new(
            codes::TYPE_MISMATCH,
            format!("`{}` must be {wanted}", g.name.name),
        )
        .label(Self::given_value_span(g), what);
        self.error(diag);
    }

    fn given_answer(&mut self, g: &ast::Given, q: u32) -> Option<String> {
        let question = self.d.questions.get(q as usize)?;
        match &question.kind {
            QuestionKind::Choice { options, .. } => {
                let code = self.given_code(g);
                if !options.iter().any(|o| o.code == code) {
                    let valid: Vec<String> = options.iter().map(|o| o.code.clone()).collect();
                    let diag = Diagnostic::new(
                        codes::TEST_UNKNOWN_CODE,
                        format!("`{code}` is not an option of `{}`", question.id),
                    )
                    .label(Self::given_value_span(g), "unknown option")
                    .hint(suggest(&code, &valid, "options"));
                    self.error(diag);
                    return None;
                }
                Some(code)
            }
            QuestionKind::YesNo { .. } => {
                let code = self.given_code(g);
                if code != "yes" && code != "no" {
                    let diag = Diagnostic::new(
                        codes::TEST_UNKNOWN_CODE,
                        format!(
                            "`{}` is a yes/no question; `{code}` is neither",
                            question.id
                        ),
                    )
                    .label(Self::given_value_span(g), "not yes or no")
                    .hint("answer `yes` or `no`");
                    self.error(diag);
                    return None;
                }
                Some(code)
            }
            QuestionKind::Number { unit, min, max, .. } => match &g.value {
                GivenValue::Literal(ast::Literal {
                    value: LiteralValue::Quantity(v, u),
                    span,
                }) => {
                    if *u != *unit && *u != Unit::Number {
                        let diag = Diagnostic::new(
                            codes::UNIT_MISMATCH,
                            format!(
                                "`{}` is answered in {}, but this is {}",
                                question.id,
                                unit.describe(),
                                u.describe()
                            ),
                        )
                        .label(*span, format!("this is {}", u.describe()));
                        self.error(diag);
                    }
                    if v < min || v > max {
                        let diag = Diagnostic::new(
                            codes::TEST_UNKNOWN_CODE,
                            format!(
                                "{v} is outside the range of `{}`, {min} to {max}",
                                question.id
                            ),
                        )
                        .label(*span, "out of range")
                        .hint(format!("answer a number from {min} to {max}"));
                        self.error(diag);
                    }
                    Some(v.to_string())
                }
                _ => {
                    self.given_error(g, "a number");
                    None
                }
            },
        }
    }

    fn missing_answers(
        &mut self,
        t: &ast::Test,
        givens: &[(&ast::Given, bool)],
        case: &Case,
        needs: &Needs,
    ) {
        let mut missing: Vec<&str> = Vec::new();
        for (q, question) in self.d.questions.iter().enumerate() {
            // An answer given but not valid is reported where it is given.
            let answered = givens.iter().any(|(g, _)| g.name.name == question.id);
            if needs.answer_required_of(&self.d.questions, q as u32) && !answered {
                missing.push(&question.id);
            }
        }
        let mut not_given: Vec<&model::Attribute> = Vec::new();
        for (a, attribute) in self.d.attributes.iter().enumerate() {
            let given = givens.iter().any(|(g, _)| g.name.name == attribute.id);
            if needs.attribute(a as u32) && !given {
                not_given.push(attribute);
            }
        }
        let mut diags = Vec::new();
        if !missing.is_empty() {
            diags.push(
                Diagnostic::new(codes::TEST_MISSING_ANSWER, format!("the test \"{}\" does not answer {}", t.name.text, list_codes(missing.iter().copied())))
                    .label(t.name.span, "answers missing")
                    .hint("give every answer the calculation needs, or, to test that such a case is refused, `expect error \"no answer\"`"),
            );
        }
        for attribute in not_given {
            diags.push(
                Diagnostic::new(
                    codes::TEST_MISSING_ANSWER,
                    format!(
                        "the test \"{}\" does not give `{}`, which the calculation needs",
                        t.name.text, attribute.id
                    ),
                )
                .label(t.name.span, format!("no `{}`", attribute.id))
                .hint(format!(
                    "add `given {} …`; the values are {}",
                    attribute.id,
                    list_codes(attribute.values.iter().map(|v| v.code.as_str()))
                )),
            );
        }
        if case.cohort.is_none() {
            diags.push(
                Diagnostic::new(
                    codes::TEST_MISSING_ANSWER,
                    format!("the test \"{}\" gives no cohort", t.name.text),
                )
                .label(t.name.span, "no cohort")
                .hint(format!(
                    "add `given cohort {}`",
                    self.d
                        .cohorts
                        .first()
                        .map(|c| c.id.as_str())
                        .unwrap_or("older_people")
                )),
            );
        }
        for d in diags {
            self.error(d);
        }
    }

    fn expectation(&mut self, e: &ast::Expect) -> Option<Expectation> {
        Some(match &e.kind {
            ExpectKind::Error(t) => Expectation::Error {
                message: t.text.clone(),
            },
            ExpectKind::NotValidated => Expectation::NotValidated,
            ExpectKind::NotEligible(t) => Expectation::NotEligible {
                reason: t.as_ref().map(|t| t.text.clone()),
            },
            ExpectKind::Eligible => Expectation::Eligible,
            ExpectKind::NoFlags => Expectation::NoFlags,
            ExpectKind::Flag(f) | ExpectKind::NoFlag(f) => {
                let raised = matches!(e.kind, ExpectKind::Flag(_));
                match self.sym.names.get(&f.name) {
                    Some(Symbol::Flag(id)) => Expectation::Flag { flag: id, raised },
                    other => {
                        let flags: Vec<String> = self
                            .sym
                            .decls
                            .flags
                            .iter()
                            .map(|(_, f)| f.id.name.clone())
                            .collect();
                        let hint = match other {
                            Some(Symbol::Step(_)) => format!(
                                "`{}` is a step: expect its value, e.g. `expect {} £100.00`",
                                f.name, f.name
                            ),
                            _ => suggest(&f.name, &flags, "flags"),
                        };
                        let diag = Diagnostic::new(
                            codes::UNKNOWN_NAME,
                            format!("there is no flag called `{}`", f.name),
                        )
                        .label(f.span, "unknown flag")
                        .hint(hint);
                        self.error(diag);
                        return None;
                    }
                }
            }
            ExpectKind::NoRoute => Expectation::Route { route: None },
            ExpectKind::Route(r) => {
                let routes: Vec<String> = self
                    .route
                    .iter()
                    .flat_map(|x| x.rules.iter().map(|r| r.id.clone()))
                    .collect();
                if !routes.contains(&r.name) {
                    let diag = Diagnostic::new(
                        codes::UNKNOWN_NAME,
                        format!("there is no route called `{}`", r.name),
                    )
                    .label(r.span, "unknown route")
                    .hint(suggest(&r.name, &routes, "routes"));
                    self.error(diag);
                    return None;
                }
                Expectation::Route {
                    route: Some(r.name.clone()),
                }
            }
            ExpectKind::Value(name, lit) => {
                let step = match self.sym.names.get(&name.name) {
                    Some(Symbol::Step(step)) => step,
                    Some(other) => {
                        let diag = Diagnostic::new(
                            codes::UNKNOWN_NAME,
                            format!(
                                "`{}` is a {}; a test expects the values of steps and outputs",
                                name.name,
                                other.kind()
                            ),
                        )
                        .label(name.span, format!("a {}, not a step", other.kind()))
                        .hint(match other {
                            Symbol::Question(_) | Symbol::Attribute(_) => format!(
                                "give it with `given {} …`; expect what is worked out from it",
                                name.name
                            ),
                            Symbol::Flag(_) => format!("write `expect flag {}`", name.name),
                            _ => "expect a `let`, `deduction` or `output`".to_string(),
                        });
                        self.error(diag);
                        return None;
                    }
                    None => {
                        let diag = super::expr::unknown_name(self.sym, &name.name, name.span);
                        self.error(diag);
                        return None;
                    }
                };
                let LiteralValue::Quantity(value, unit) = lit.value else {
                    let diag = Diagnostic::new(
                        codes::TYPE_MISMATCH,
                        "a step is expected to have an amount",
                    )
                    .label(lit.span, "not an amount");
                    self.error(diag);
                    return None;
                };
                if let Some(Ty::Quantity(u)) = self.step_types.get(step as usize).copied() {
                    if u != unit {
                        let diag = Diagnostic::new(
                            codes::UNIT_MISMATCH,
                            format!(
                                "`{}` is {}, but the test expects {}",
                                name.name,
                                u.describe(),
                                unit.describe()
                            ),
                        )
                        .label(lit.span, format!("this is {}", unit.describe()))
                        .hint(format!("write the expected value in {}", u.symbol()));
                        self.error(diag);
                    }
                }
                Expectation::Value { step, value }
            }
        })
    }
}

impl<'a> TestPass<'_, '_, 'a> {
    /// For each test, in order, the answers it takes from the test it starts
    /// from (`as "…"`), that test's own taken first so the nearer test wins;
    /// empty for a test without `as`, `None` when the chain of bases breaks
    /// (an unknown test, or a circle), which is reported at the `as`.
    fn bases(&mut self) -> Vec<Option<Vec<&'a ast::Given>>> {
        let tests: Vec<&'a ast::Test> = self.sym.decls.tests.iter().map(|(_, t)| *t).collect();
        // The first test of a name is the one a base names; a second is
        // reported as a duplicate.
        let index_of = |name: &str| tests.iter().position(|t| t.name.text == name);
        let mut out = Vec::with_capacity(tests.len());
        for (i, test) in tests.iter().enumerate() {
            if let Some(base) = &test.base {
                let to = index_of(&base.text).map(|j| index::Target::Test(j as u32));
                self.refer(&base.text, base.span, to);
            }
            let mut chain = vec![i];
            let mut broken = false;
            let mut at = *test;
            while let Some(base) = &at.base {
                let Some(j) = index_of(&base.text) else {
                    if chain.len() == 1 {
                        self.unknown_base(base, &tests);
                    }
                    broken = true;
                    break;
                };
                if let Some(k) = chain.iter().position(|&c| c == j) {
                    // Reported once, by the circle's first test.
                    let circle = &chain[k..];
                    if k == 0 && circle.iter().all(|&c| c >= i) {
                        self.base_cycle(circle.iter().filter_map(|&c| tests.get(c).copied()));
                    }
                    broken = true;
                    break;
                }
                chain.push(j);
                let Some(next) = tests.get(j) else {
                    broken = true;
                    break;
                };
                at = next;
            }
            if broken {
                out.push(None);
                continue;
            }
            let mut givens: Vec<&'a ast::Given> = Vec::new();
            for &c in chain.iter().skip(1).rev() {
                let Some(t) = tests.get(c) else { continue };
                givens.retain(|g| !replaces(t, g));
                givens.extend(t.givens.iter());
            }
            out.push(Some(givens));
        }
        out
    }

    /// `without name` takes away an answer the base test gives; one it does
    /// not give, or one this test gives as well, is a mistake.
    fn without(&mut self, t: &ast::Test, base: &[&ast::Given]) {
        for w in &t.without {
            let message = if t.givens.iter().any(|g| g.name.name == w.name) {
                format!(
                    "the test \"{}\" both gives `{}` and takes it away",
                    t.name.text, w.name
                )
            } else if t.base.is_none() {
                format!(
                    "the test \"{}\" starts from no other test, so it has no `{}` to take away",
                    t.name.text, w.name
                )
            } else if !base.iter().any(|g| g.name.name == w.name) {
                format!(
                    "the test \"{}\" takes away `{}`, which the test it starts from does not give",
                    t.name.text, w.name
                )
            } else {
                continue;
            };
            let diag = Diagnostic::new(codes::WITHOUT_NOT_GIVEN, message)
                .label(w.span, "nothing to take away")
                .hint("`without` names an answer of the test written after `as`; remove it, or the `given`");
            self.error(diag);
        }
    }

    fn unknown_base(&mut self, base: &ast::Text, tests: &[&ast::Test]) {
        let names: Vec<&str> = tests.iter().map(|t| t.name.text.as_str()).collect();
        let hint = match did_you_mean(&base.text, names.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => "a test starts from another test of the same rule file, named exactly as \
                     it is written after `test`; a test in another file cannot be used"
                .to_string(),
        };
        let diag = Diagnostic::new(
            codes::UNKNOWN_BASE_TEST,
            format!("there is no test called \"{}\" to start from", base.text),
        )
        .label(base.span, "no test of this name in this file")
        .hint(hint);
        self.error(diag);
    }

    fn base_cycle<'t>(&mut self, circle: impl Iterator<Item = &'t ast::Test>) {
        let circle: Vec<&ast::Test> = circle.collect();
        let names: Vec<String> = circle
            .iter()
            .map(|t| format!("\"{}\"", t.name.text))
            .collect();
        let (message, hint) = match names.as_slice() {
            [one] => (
                format!("the test {one} starts from itself"),
                "remove `as`, and give the test's answers in its own `given`",
            ),
            [rest @ .., last] => (
                format!(
                    "the tests {} and {last} start from each other in a circle",
                    rest.join(", ")
                ),
                "one of them must give its answers itself, without `as`",
            ),
            [] => return,
        };
        let mut diag = Diagnostic::new(codes::BASE_TEST_CYCLE, message).hint(hint);
        for t in &circle {
            if let Some(base) = &t.base {
                diag = diag.label(base.span, format!("\"{}\" starts from here", t.name.text));
            }
        }
        self.error(diag);
    }
}

/// Whether test `t` gives its own value for `given`, or takes it away.
fn replaces(t: &ast::Test, given: &ast::Given) -> bool {
    let name = given.name.name.as_str();
    t.givens.iter().any(|g| g.name.name == name) || t.without.iter().any(|w| w.name == name)
}

fn suggest(code: &str, valid: &[String], noun: &str) -> String {
    let all = list_codes(valid.iter().map(String::as_str));
    match did_you_mean(code, valid.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`? the {noun} are {all}"),
        None => format!("the {noun} are {all}"),
    }
}
