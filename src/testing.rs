//! Runs the `test` blocks of a rule file against its plan (`ras test`).
//!
//! Input: a [`Plan`] whose model holds the tests (cases already in text form).
//! Output: one [`TestOutcome`] per test, with every failed expectation as
//! expected vs actual; for a value, the trace of the step (its line, formula,
//! and the values of the steps and parameters it reads). Renderers: a human
//! summary ending `N passed, N failed`, JUnit XML and JSON for CI.
//!
//! Nothing here reads a clock: a caller that times the tests (`ras test`)
//! runs them one at a time with a [`TestRunner`] and records each time in
//! [`TestOutcome::time`].

use crate::eval::{format_quantity, EvalOptions, EvalResult, Evaluator, Status, TraceEntry};
use crate::model::{Expectation, Expr, Line, Model, StepId, TestCase};
use crate::plan::Plan;
use std::fmt::Write;
use std::time::Duration;

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// Where the test is declared.
    pub line: Line,
    /// Expectations that did not hold (empty when the test passed).
    pub failures: Vec<TestFailure>,
    /// The evaluation, when the plan could be evaluated.
    pub result: Option<EvalResult>,
    /// How long the test took, when the caller timed it.
    pub time: Option<Duration>,
}

impl TestOutcome {
    /// True when every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFailure {
    /// Where the expectation is written.
    pub line: Line,
    /// What the test expects, in words.
    pub expected: String,
    /// What came out, in words.
    pub actual: String,
    /// How the value came about (trace of the step), for value expectations.
    pub detail: Vec<String>,
}

/// Runs every test of the plan's rule file.
pub fn run_tests(plan: &Plan) -> Vec<TestOutcome> {
    let runner = TestRunner::new(plan);
    (0..runner.len()).filter_map(|i| runner.run(i)).collect()
}

/// Runs the tests of a plan one at a time, so that a caller can choose
/// which (`--filter`) and time each.
pub struct TestRunner<'p> {
    evaluator: Evaluator<'p>,
}

impl<'p> TestRunner<'p> {
    /// A runner for the tests the plan carries.
    pub fn new(plan: &'p Plan) -> Self {
        TestRunner {
            evaluator: Evaluator::new(plan),
        }
    }

    /// How many tests there are.
    pub fn len(&self) -> usize {
        self.evaluator.plan().model.tests.len()
    }

    /// True when the rule file has no tests.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of test `index`.
    pub fn name(&self, index: usize) -> Option<&str> {
        let tests = &self.evaluator.plan().model.tests;
        tests.get(index).map(|t| t.name.as_str())
    }

    /// Runs test `index` (`None` when there is no such test).
    pub fn run(&self, index: usize) -> Option<TestOutcome> {
        let test = self.evaluator.plan().model.tests.get(index)?;
        Some(run_one(&self.evaluator, index as u32, test))
    }
}

fn run_one(ev: &Evaluator, index: u32, test: &TestCase) -> TestOutcome {
    let result = ev.evaluate(&test.case, &EvalOptions::default());
    let m = &ev.plan().model;
    let failures = test
        .expects
        .iter()
        .enumerate()
        .filter_map(|(k, e)| {
            let line = m.spans.expectation_line(index, k as u32);
            check(m, &result, e, line)
        })
        .collect();
    TestOutcome {
        name: test.name.clone(),
        line: m.spans.test_line(index),
        failures,
        result: Some(result),
        time: None,
    }
}

/// What came out, in one phrase, when it is not what an expectation looks at.
fn outcome_phrase(r: &EvalResult) -> String {
    match r.status {
        Status::Ok => "the case was evaluated without error".to_string(),
        Status::NotEligible => format!("not eligible: {}", r.reasons.join("; ")),
        Status::NotValidated => format!(
            "no figure: not validated ({})",
            r.not_validated.as_deref().unwrap_or("no reason given")
        ),
        Status::Error => match &r.error {
            Some(e) => format!("the case failed: {} [{}]", e.message, e.code),
            None => "the case failed".to_string(),
        },
    }
}

/// Lower case without backticks, so that `error "no value of price_per_point"`
/// matches a message that quotes the name.
fn loose(text: &str) -> String {
    text.replace('`', "").to_lowercase()
}

/// The failure for an expectation that does not hold, or `None`.
fn check(m: &Model, r: &EvalResult, e: &Expectation, line: Line) -> Option<TestFailure> {
    let fail = |expected: String, actual: String| TestFailure {
        line,
        expected,
        actual,
        detail: vec![],
    };
    // An error is only ever the answer to an `error` expectation.
    if r.status == Status::Error && !matches!(e, Expectation::Error { .. }) {
        let f = fail(describe(m, e), outcome_phrase(r));
        return Some(f);
    }
    match e {
        Expectation::Value { step, value, .. } => {
            let s = m.steps.get(*step as usize)?;
            let expected = format!("{} = {}", s.id, format_quantity(*value, s.unit));
            match r.step(&s.id) {
                Some(v) if v == *value => None,
                Some(v) => Some(TestFailure {
                    detail: step_detail(m, r, *step),
                    ..fail(
                        expected,
                        format!("{} = {}", s.id, format_quantity(v, s.unit)),
                    )
                }),
                None => Some(fail(
                    expected,
                    format!("`{}` was not worked out: {}", s.id, outcome_phrase(r)),
                )),
            }
        }
        Expectation::Flag { flag, raised, .. } => {
            let f = m.flags.get(*flag as usize)?;
            let word = |b: bool| if b { "raised" } else { "not raised" };
            match r.flags.get(&f.id) {
                Some(v) if v == raised => None,
                Some(v) => Some(fail(
                    format!("flag {} {}", f.id, word(*raised)),
                    format!("flag {} {}", f.id, word(*v)),
                )),
                None => Some(fail(
                    format!("flag {} {}", f.id, word(*raised)),
                    outcome_phrase(r),
                )),
            }
        }
        Expectation::NoFlags => {
            if r.status != Status::Ok {
                return Some(fail("no flags".to_string(), outcome_phrase(r)));
            }
            let raised: Vec<&str> = r
                .flags
                .iter()
                .filter(|(_, v)| **v)
                .map(|(n, _)| n)
                .collect();
            (!raised.is_empty()).then(|| {
                fail(
                    "no flags".to_string(),
                    format!("raised: {}", crate::text::list(raised)),
                )
            })
        }
        Expectation::Route { route, .. } => {
            let show = |r: &Option<String>| {
                r.as_ref()
                    .map_or("no route".to_string(), |r| format!("route {r}"))
            };
            if r.status != Status::Ok {
                return Some(fail(show(route), outcome_phrase(r)));
            }
            (r.route != *route).then(|| fail(show(route), show(&r.route)))
        }
        Expectation::Eligible => {
            (r.eligible != Some(true)).then(|| fail("eligible".to_string(), outcome_phrase(r)))
        }
        Expectation::NotEligible { reason, .. } => {
            let expected = match reason {
                Some(text) => format!("not eligible, with a reason containing \"{text}\""),
                None => "not eligible".to_string(),
            };
            let holds = r.status == Status::NotEligible
                && reason.as_ref().map_or(true, |t| {
                    r.reasons.iter().any(|x| loose(x).contains(&loose(t)))
                });
            (!holds).then(|| fail(expected, outcome_phrase(r)))
        }
        Expectation::NotValidated => (r.status != Status::NotValidated)
            .then(|| fail("not validated".to_string(), outcome_phrase(r))),
        Expectation::Error { message, .. } => {
            let got = r
                .error
                .as_ref()
                .map(|e| loose(&e.message).contains(&loose(message)));
            let expected = format!("an error containing \"{message}\"");
            match got {
                Some(true) => None,
                Some(false) => Some(fail(expected, outcome_phrase(r))),
                None => Some(fail(
                    expected,
                    format!("no error ({})", summary_figure(m, r)),
                )),
            }
        }
    }
}

/// What an expectation asks for, in words (used when the case failed).
fn describe(m: &Model, e: &Expectation) -> String {
    match e {
        Expectation::Value { step, value, .. } => match m.steps.get(*step as usize) {
            Some(s) => format!("{} = {}", s.id, format_quantity(*value, s.unit)),
            None => format!("step {step} = {value}"),
        },
        Expectation::Flag { flag, raised, .. } => {
            let name = m.flags.get(*flag as usize).map_or("?", |f| f.id.as_str());
            format!(
                "flag {name} {}",
                if *raised { "raised" } else { "not raised" }
            )
        }
        Expectation::NoFlags => "no flags".to_string(),
        Expectation::Route { route, .. } => route
            .as_ref()
            .map_or("no route".to_string(), |r| format!("route {r}")),
        Expectation::Eligible => "eligible".to_string(),
        Expectation::NotEligible { .. } => "not eligible".to_string(),
        Expectation::NotValidated => "not validated".to_string(),
        Expectation::Error { message, .. } => format!("an error containing \"{message}\""),
    }
}

fn summary_figure(m: &Model, r: &EvalResult) -> String {
    let indicative = m
        .steps
        .get(m.indicative as usize)
        .and_then(|s| r.steps.get(&s.id).map(|q| (s, q)));
    match (r.status, indicative) {
        (Status::Ok, Some((s, q))) => format!("{} = {q}", s.id),
        _ => outcome_phrase(r),
    }
}

/// The trace of a step: its line and formula, then what it reads.
fn step_detail(m: &Model, r: &EvalResult, step: StepId) -> Vec<String> {
    let Some(s) = m.steps.get(step as usize) else {
        return vec![];
    };
    let mut lines = Vec::new();
    for e in &r.trace {
        if let TraceEntry::Step {
            name,
            line,
            formula,
            value,
            applied,
            ..
        } = e
        {
            if *name == s.id {
                let note = if *applied == Some(false) {
                    " (does not apply)"
                } else {
                    ""
                };
                lines.push(format!("line {line}: {name} = {formula} = {value}{note}"));
            }
        }
    }
    let mut steps: Vec<StepId> = Vec::new();
    let mut params: Vec<u32> = Vec::new();
    for root in m.step_roots(step) {
        m.walk(root, &mut |_, e| match e {
            Expr::Step { step } => steps.push(*step),
            Expr::Parameter { parameter } => params.push(*parameter),
            _ => {}
        });
    }
    steps.sort_unstable();
    steps.dedup();
    params.sort_unstable();
    params.dedup();
    let mut reads = Vec::new();
    for id in steps {
        if let Some(read) = m.steps.get(id as usize) {
            let value = r
                .steps
                .get(&read.id)
                .map_or("not worked out".to_string(), |q| q.to_string());
            let line = m.spans.step_line(id);
            reads.push(format!("{} = {value} (line {line})", read.id));
        }
    }
    for id in params {
        if let Some(p) = m.parameters.get(id as usize) {
            match r.parameters_used.iter().find(|u| u.name == p.id) {
                Some(u) => {
                    let from = u.from.map(|d| format!(" from {d}")).unwrap_or_default();
                    reads.push(format!("{} = {}{from} (line {})", p.id, u.value, u.line));
                }
                None => reads.push(format!("{} (not read)", p.id)),
            }
        }
    }
    if !reads.is_empty() {
        lines.push(format!("reads {}", crate::text::list(reads)));
    }
    lines
}

/// A summary for people: one line per test, the failures in detail, and a
/// final line `N passed, N failed`.
pub fn render_summary(outcomes: &[TestOutcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        if o.passed() {
            let _ = writeln!(out, "ok    {}  (line {})", o.name, o.line);
            continue;
        }
        let _ = writeln!(out, "FAIL  {}  (line {})", o.name, o.line);
        for f in &o.failures {
            let _ = writeln!(out, "      line {}: expected {}", f.line, f.expected);
            let _ = writeln!(
                out,
                "      {:width$}  actual   {}",
                "",
                f.actual,
                width = line_width(f.line)
            );
            for d in &f.detail {
                let _ = writeln!(out, "      {:width$}  {d}", "", width = line_width(f.line));
            }
        }
    }
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    let _ = write!(out, "{passed} passed, {} failed", outcomes.len() - passed);
    out.push('\n');
    out
}

/// Width of "line N:" minus the word "expected"'s indent, so columns align.
fn line_width(line: Line) -> usize {
    format!("line {line}:").len() - 1
}

/// Escapes text for XML attributes and content; characters XML 1.0 cannot
/// hold at all become U+FFFD.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A time in seconds to the microsecond, `0.000125`, as JUnit and the JSON
/// report write it; `0.000000` for a test that was not timed.
pub fn seconds(time: Option<Duration>) -> String {
    let time = time.unwrap_or_default();
    format!("{}.{:06}", time.as_secs(), time.subsec_micros())
}

/// The outcomes as JUnit XML (one suite named after the rule file), each
/// test with its `time` in seconds.
pub fn junit_xml(file_name: &str, outcomes: &[TestOutcome]) -> String {
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let total: Duration = outcomes.iter().filter_map(|o| o.time).sum();
    let file = xml_escape(file_name);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites tests=\"{}\" failures=\"{failed}\">",
        outcomes.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{file}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" time=\"{}\">",
        outcomes.len(),
        seconds(Some(total))
    );
    for o in outcomes {
        let name = xml_escape(&o.name);
        let time = seconds(o.time);
        if o.passed() {
            let _ = writeln!(
                out,
                "    <testcase name=\"{name}\" classname=\"{file}\" file=\"{file}\" line=\"{}\" time=\"{time}\"/>",
                o.line
            );
            continue;
        }
        let _ = writeln!(
            out,
            "    <testcase name=\"{name}\" classname=\"{file}\" file=\"{file}\" line=\"{}\" time=\"{time}\">",
            o.line
        );
        for f in &o.failures {
            let message = xml_escape(&format!(
                "line {}: expected {}, actual {}",
                f.line, f.expected, f.actual
            ));
            let mut body = format!(
                "line {}\nexpected {}\nactual   {}",
                f.line, f.expected, f.actual
            );
            for d in &f.detail {
                body.push('\n');
                body.push_str(d);
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{message}\">{}</failure>",
                xml_escape(&body)
            );
        }
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// One test as the JSON report (`ras test --format json`) writes it: its
/// name, line, `passed` or `failed`, its time in seconds, and each failed
/// expectation with what was expected, what came out and how.
pub fn outcome_json(o: &TestOutcome) -> serde_json::Value {
    let failures: Vec<serde_json::Value> = o
        .failures
        .iter()
        .map(|f| {
            serde_json::json!({
                "line": f.line,
                "expected": f.expected,
                "actual": f.actual,
                "detail": f.detail,
            })
        })
        .collect();
    // Written as a number with its six decimals, never through a float.
    let time = serde_json::from_str::<serde_json::Number>(&seconds(o.time))
        .map_or(serde_json::Value::Null, serde_json::Value::Number);
    serde_json::json!({
        "name": o.name,
        "line": o.line,
        "outcome": if o.passed() { "passed" } else { "failed" },
        "time": time,
        "failures": failures,
    })
}
