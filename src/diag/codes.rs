//! Every diagnostic code about a rule file, a plan or a number written by
//! people, declared once: its name, whether it is an error or a warning, and
//! what it means in one line.
//!
//! Diagnostics are built from these constants ([`super::Diagnostic::new`]);
//! `allow` accepts the names of the warnings; the fixtures in
//! `tests/fixtures/check/err/` are named after them and must produce them.

use super::Severity;

/// A diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The stable name, e.g. `ras::unit-mismatch`.
    pub name: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What it means, in one line.
    pub summary: &'static str,
}

impl Code {
    const fn error(name: &'static str, summary: &'static str) -> Code {
        Code {
            name,
            severity: Severity::Error,
            summary,
        }
    }

    const fn warning(name: &'static str, summary: &'static str) -> Code {
        Code {
            name,
            severity: Severity::Warning,
            summary,
        }
    }

    /// The name without `ras::`, as `allow` writes it.
    pub fn short(&self) -> &'static str {
        self.name.strip_prefix("ras::").unwrap_or(self.name)
    }
}

// Errors in the text of a rule file.

/// The text does not follow the grammar.
pub const SYNTAX: Code = Code::error("ras::syntax", "the text does not follow the grammar");
/// The rule file is not UTF-8 text.
pub const NOT_UTF8: Code = Code::error(
    "ras::not-utf8",
    "the rule file is not UTF-8 text (saved in another encoding)",
);
/// A date that does not exist.
pub const BAD_DATE: Code = Code::error("ras::bad-date", "a date that does not exist");
/// A number too large to hold.
pub const NUMBER_TOO_LARGE: Code =
    Code::error("ras::number-too-large", "a number too large to hold");
/// A number with more significant digits than can be held exactly.
pub const NUMBER_TOO_PRECISE: Code = Code::error(
    "ras::number-too-precise",
    "a number with more significant digits than can be held exactly (28)",
);
/// A formula nested too deeply or too long.
pub const TOO_COMPLEX: Code = Code::error(
    "ras::too-complex",
    "a formula nested too deeply or too long",
);
/// A fault in ras itself, not in the file.
pub const INTERNAL: Code = Code::error("ras::internal", "a fault in ras itself, not in the file");

// Errors in the declarations.

/// A name used that is declared nowhere.
pub const UNKNOWN_NAME: Code =
    Code::error("ras::unknown-name", "a name used that is declared nowhere");
/// A name declared twice.
pub const DUPLICATE_NAME: Code = Code::error("ras::duplicate-name", "a name declared twice");
/// A block that may appear once appears twice.
pub const DUPLICATE_DECLARATION: Code = Code::error(
    "ras::duplicate-declaration",
    "a block that may appear once appears twice",
);
/// A line of the policy header given twice.
pub const DUPLICATE_HEADER: Code = Code::error(
    "ras::duplicate-header",
    "a line of the policy header given twice",
);
/// The policy header or cohorts are missing.
pub const MISSING_HEADER: Code = Code::error(
    "ras::missing-header",
    "the policy header or cohorts are missing",
);
/// A code used twice in one list.
pub const DUPLICATE_CODE: Code =
    Code::error("ras::duplicate-code", "a code used twice in one list");
/// A code that is not one of the options, values or cohorts.
pub const UNKNOWN_CODE: Code = Code::error(
    "ras::unknown-code",
    "a code that is not one of the options, values or cohorts",
);
/// A number question's range is empty or reversed.
pub const BAD_RANGE: Code = Code::error(
    "ras::bad-range",
    "a number question's range is empty or reversed",
);
/// A default answer that is not a possible answer.
pub const BAD_DEFAULT: Code = Code::error(
    "ras::bad-default",
    "a default answer that is not a possible answer",
);
/// A domain weight below zero.
pub const BAD_WEIGHT: Code = Code::error("ras::bad-weight", "a domain weight below zero");

// Errors in values and calculations.

/// Amounts in different units combined.
pub const UNIT_MISMATCH: Code =
    Code::error("ras::unit-mismatch", "amounts in different units combined");
/// A condition where an amount is needed, or the reverse.
pub const TYPE_MISMATCH: Code = Code::error(
    "ras::type-mismatch",
    "a condition where an amount is needed, or the reverse",
);
/// Calculations that depend on each other in a circle.
pub const CYCLE: Code = Code::error(
    "ras::cycle",
    "calculations that depend on each other in a circle",
);
/// A function or band table that does not exist.
pub const UNKNOWN_FUNCTION: Code = Code::error(
    "ras::unknown-function",
    "a function or band table that does not exist",
);
/// A function given the wrong number of values.
pub const WRONG_ARGUMENTS: Code = Code::error(
    "ras::wrong-arguments",
    "a function given the wrong number of values",
);
/// `plan_cost` read outside the approval route.
pub const PLAN_COST_OUTSIDE_ROUTE: Code = Code::error(
    "ras::plan-cost-outside-route",
    "`plan_cost` read outside the approval route",
);
/// No output `indicative` in money.
pub const NO_INDICATIVE: Code =
    Code::error("ras::no-indicative", "no output `indicative` in money");
/// A parameter without a value for some cohort or attribute value.
pub const MISSING_COHORT_VALUE: Code = Code::error(
    "ras::missing-cohort-value",
    "a parameter without a value for some cohort or attribute value",
);
/// A parameter by a case attribute without a value for some value of it.
pub const MISSING_ATTRIBUTE_VALUE: Code = Code::error(
    "ras::missing-attribute-value",
    "a parameter by a case attribute without a value for some value of it",
);
/// A parameter's dates out of order or repeated.
pub const DATE_ORDER: Code = Code::error(
    "ras::date-order",
    "a parameter's dates out of order or repeated",
);
/// Bands with a gap between rows.
pub const BAND_GAP: Code = Code::error("ras::band-gap", "bands with a gap between rows");
/// Bands whose rows overlap.
pub const BAND_OVERLAP: Code = Code::error("ras::band-overlap", "bands whose rows overlap");
/// Band rows out of order, or of the wrong kind.
pub const BAND_ORDER: Code = Code::error(
    "ras::band-order",
    "band rows out of order, or of the wrong kind",
);
/// A band rate outside 0% to 100%.
pub const BAND_RATE: Code = Code::error("ras::band-rate", "a band rate outside 0% to 100%");
/// An approval route without an `otherwise` rule.
pub const ROUTE_WITHOUT_OTHERWISE: Code = Code::error(
    "ras::route-without-otherwise",
    "an approval route without an `otherwise` rule",
);

// Errors in tests and acknowledgements.

/// A test gives an answer to a question that does not exist.
pub const TEST_UNKNOWN_QUESTION: Code = Code::error(
    "ras::test-unknown-question",
    "a test answers a question that does not exist",
);
/// A test gives an answer that is not one of the options.
pub const TEST_UNKNOWN_CODE: Code = Code::error(
    "ras::test-unknown-code",
    "a test gives an answer that is not one of the options",
);
/// A test names a cohort that does not exist.
pub const TEST_UNKNOWN_COHORT: Code = Code::error(
    "ras::test-unknown-cohort",
    "a test names a cohort that does not exist",
);
/// A test leaves out an answer the calculation needs, or expects nothing.
pub const TEST_MISSING_ANSWER: Code = Code::error(
    "ras::test-missing-answer",
    "a test leaves out an answer the calculation needs, or expects nothing",
);
/// A test starts (`as "…"`) from a test that is not in the file.
pub const UNKNOWN_BASE_TEST: Code = Code::error(
    "ras::unknown-base-test",
    "a test starts from a test that is not in the file",
);
/// Tests that start from each other in a circle.
pub const BASE_TEST_CYCLE: Code = Code::error(
    "ras::base-test-cycle",
    "tests that start from each other in a circle",
);
/// A test takes away (`without`) an answer the test it starts from does not give.
pub const WITHOUT_NOT_GIVEN: Code = Code::error(
    "ras::without-not-given",
    "a test takes away an answer the test it starts from does not give",
);
/// `allow` names a warning that does not exist.
pub const UNKNOWN_WARNING: Code = Code::error(
    "ras::unknown-warning",
    "`allow` names a warning that does not exist",
);
/// `allow` without a reason.
pub const ALLOW_NEEDS_REASON: Code =
    Code::error("ras::allow-needs-reason", "`allow` without a reason");

// Warnings: allowed, but likely wrong; `allow CODE "reason"` acknowledges one.

/// A fixed ceiling on money.
pub const MONEY_CAP: Code = Code::warning("ras::money-cap", "a fixed ceiling on money");
/// Informal support deducted whatever the carer says.
pub const INFORMAL_SUPPORT_UNCONDITIONAL: Code = Code::warning(
    "ras::informal-support-unconditional",
    "informal support deducted whatever the carer says",
);
/// A flag changes money.
pub const FLAG_IN_MONEY: Code = Code::warning("ras::flag-in-money", "a flag changes money");
/// A question no calculation reads.
pub const UNUSED_QUESTION: Code =
    Code::warning("ras::unused-question", "a question no calculation reads");
/// A domain no calculation reads.
pub const UNUSED_DOMAIN: Code =
    Code::warning("ras::unused-domain", "a domain no calculation reads");
/// A parameter no calculation reads.
pub const UNUSED_PARAMETER: Code =
    Code::warning("ras::unused-parameter", "a parameter no calculation reads");
/// Option values that fall as needs rise.
pub const FALLING_VALUES: Code = Code::warning(
    "ras::falling-values",
    "option values that fall as needs rise",
);
/// The review date has passed.
pub const REVIEW_DATE_PAST: Code =
    Code::warning("ras::review-date-past", "the review date has passed");
/// A money output that is not rounded.
pub const UNROUNDED_MONEY_OUTPUT: Code = Code::warning(
    "ras::unrounded-money-output",
    "a money output that is not rounded",
);
/// A flag no answers can raise.
pub const FLAG_NEVER_RAISED: Code =
    Code::warning("ras::flag-never-raised", "a flag no answers can raise");
/// A flag every case raises.
pub const FLAG_ALWAYS_RAISED: Code =
    Code::warning("ras::flag-always-raised", "a flag every case raises");
/// A band row, `choose` branch or route rule no case can reach.
pub const UNREACHABLE: Code = Code::warning(
    "ras::unreachable",
    "a band row, `choose` branch or route rule no case can reach",
);
/// An output some answers make negative.
pub const MAY_BE_NEGATIVE: Code = Code::warning(
    "ras::may-be-negative",
    "an output some answers make negative",
);
/// A deduction that can be larger than what it is taken from.
pub const DEDUCTION_MAY_EXCEED: Code = Code::warning(
    "ras::deduction-may-exceed",
    "a deduction that can be larger than what it is taken from",
);
/// `allow` acknowledges a warning that does not occur.
pub const UNUSED_ALLOW: Code = Code::warning(
    "ras::unused-allow",
    "`allow` acknowledges a warning that does not occur",
);

// Errors in a number written in a case or on the command line (a number in a
// rule file with too many digits is `NUMBER_TOO_PRECISE`, above).

/// A text that is not a number or an amount of money (`1e3`, `12,50`).
pub const NOT_A_NUMBER: Code = Code::error(
    "ras::not-a-number",
    "a text that is not a number or an amount of money",
);
/// An amount of money written below zero where it cannot be (a plan cost).
pub const NEGATIVE_AMOUNT: Code = Code::error(
    "ras::negative-amount",
    "an amount of money written below zero where it cannot be",
);

// Errors in a compiled plan.

/// A plan that cannot be read or is not valid.
pub const BAD_PLAN: Code = Code::error(
    "ras::bad-plan",
    "a plan that cannot be read or is not valid",
);
/// A plan changed after it was compiled.
pub const PLAN_MODIFIED: Code = Code::error(
    "ras::plan-modified",
    "a plan changed after it was compiled (its content hash does not match)",
);

/// Every code about a rule file, errors then warnings.
pub const RULE_FILE: &[Code] = &[
    SYNTAX,
    NOT_UTF8,
    BAD_DATE,
    NUMBER_TOO_LARGE,
    NUMBER_TOO_PRECISE,
    TOO_COMPLEX,
    INTERNAL,
    UNKNOWN_NAME,
    DUPLICATE_NAME,
    DUPLICATE_DECLARATION,
    DUPLICATE_HEADER,
    MISSING_HEADER,
    DUPLICATE_CODE,
    UNKNOWN_CODE,
    BAD_RANGE,
    BAD_DEFAULT,
    BAD_WEIGHT,
    UNIT_MISMATCH,
    TYPE_MISMATCH,
    CYCLE,
    UNKNOWN_FUNCTION,
    WRONG_ARGUMENTS,
    PLAN_COST_OUTSIDE_ROUTE,
    NO_INDICATIVE,
    MISSING_COHORT_VALUE,
    MISSING_ATTRIBUTE_VALUE,
    DATE_ORDER,
    BAND_GAP,
    BAND_OVERLAP,
    BAND_ORDER,
    BAND_RATE,
    ROUTE_WITHOUT_OTHERWISE,
    TEST_UNKNOWN_QUESTION,
    TEST_UNKNOWN_CODE,
    TEST_UNKNOWN_COHORT,
    TEST_MISSING_ANSWER,
    UNKNOWN_BASE_TEST,
    BASE_TEST_CYCLE,
    WITHOUT_NOT_GIVEN,
    UNKNOWN_WARNING,
    ALLOW_NEEDS_REASON,
    MONEY_CAP,
    INFORMAL_SUPPORT_UNCONDITIONAL,
    FLAG_IN_MONEY,
    UNUSED_QUESTION,
    UNUSED_DOMAIN,
    UNUSED_PARAMETER,
    FALLING_VALUES,
    REVIEW_DATE_PAST,
    UNROUNDED_MONEY_OUTPUT,
    FLAG_NEVER_RAISED,
    FLAG_ALWAYS_RAISED,
    UNREACHABLE,
    MAY_BE_NEGATIVE,
    DEDUCTION_MAY_EXCEED,
    UNUSED_ALLOW,
];

/// Every code about a compiled plan.
pub const PLAN: &[Code] = &[BAD_PLAN, PLAN_MODIFIED];

/// Every code about a number written by people (`crate::number`).
pub const NUMBER: &[Code] = &[NUMBER_TOO_PRECISE, NOT_A_NUMBER, NEGATIVE_AMOUNT];

/// The warnings, which `allow` may acknowledge.
pub fn warnings() -> impl Iterator<Item = Code> {
    RULE_FILE
        .iter()
        .copied()
        .filter(|c| c.severity == Severity::Warning)
}

/// The code with this name (`ras::cycle`), if any.
pub fn named(name: &str) -> Option<Code> {
    RULE_FILE
        .iter()
        .chain(PLAN)
        .chain(NUMBER)
        .copied()
        .find(|c| c.name == name)
}

/// The warning `allow` names (`money-cap`), if any.
pub fn warning_named(short: &str) -> Option<Code> {
    warnings().find(|c| c.short() == short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_is_declared_once_in_its_own_words() {
        let all: Vec<Code> = RULE_FILE
            .iter()
            .chain(PLAN)
            .chain(&[NOT_A_NUMBER, NEGATIVE_AMOUNT])
            .copied()
            .collect();
        for (i, c) in all.iter().enumerate() {
            assert!(c.name.starts_with("ras::"), "{}", c.name);
            assert!(
                all[..i].iter().all(|d| d.name != c.name),
                "{} twice",
                c.name
            );
            assert!(
                !c.summary.is_empty() && !c.summary.ends_with('.'),
                "{}",
                c.name
            );
            assert_eq!(named(c.name), Some(*c));
        }
        assert!(NUMBER.iter().all(|c| all.contains(c)));
        assert_eq!(warning_named("money-cap"), Some(MONEY_CAP));
        assert_eq!(warning_named("cycle"), None);
    }
}
