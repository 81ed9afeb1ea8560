//! Every code ras reports, declared once: about a rule file, a plan, a number
//! written by people, a case, a caseload row, or calibration and finance
//! reports. Each has its name, whether it is an error or a warning, and what
//! it means in one line.
//!
//! Diagnostics are built from these constants ([`super::Diagnostic::new`]);
//! case, row and finance errors carry their `name`; `allow` accepts the names
//! of the warnings; the fixtures in `tests/fixtures/check/err/` are named
//! after them and must produce them; `docs/codes.md` lists them (a test
//! compares it with [`GROUPS`]). A name is used in more than one list only
//! where it means the same thing there, and then it is one constant.

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
/// A rule file, or a field of a caseload, that is not UTF-8 text.
pub const NOT_UTF8: Code = Code::error(
    "ras::not-utf8",
    "a rule file or a caseload field that is not UTF-8 text (saved in another encoding)",
);
/// A date that does not exist, or a case's date not written YYYY-MM-DD.
pub const BAD_DATE: Code = Code::error(
    "ras::bad-date",
    "a date that does not exist, or is not written as YYYY-MM-DD",
);
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
/// A code that is not one of the options, values or cohorts; in a case, also
/// a yes/no answer that is not `yes` or `no`.
pub const UNKNOWN_CODE: Code = Code::error(
    "ras::unknown-code",
    "a code that is not one of the options, values or cohorts, or a yes/no answer that is not `yes` or `no`",
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

// Errors in one case (`ras eval`, `ras run`, `ras test`); a number answer
// that is not one is `NOT_A_NUMBER` or `NUMBER_TOO_PRECISE`, above.

/// A question the calculation needs has no answer (and no default).
pub const MISSING_ANSWER: Code = Code::error(
    "ras::missing-answer",
    "a case leaves out an answer the calculation needs, and the question has no default",
);
/// A number answer outside the question's range.
pub const OUT_OF_RANGE: Code = Code::error(
    "ras::out-of-range",
    "a number answer outside the question's range",
);
/// A cohort the policy does not declare.
pub const UNKNOWN_COHORT: Code = Code::error(
    "ras::unknown-cohort",
    "a case names a cohort the policy does not declare",
);
/// The case gives no cohort.
pub const MISSING_COHORT: Code = Code::error("ras::missing-cohort", "a case gives no cohort");
/// The case answers a question the policy does not ask.
pub const UNKNOWN_QUESTION: Code = Code::error(
    "ras::unknown-question",
    "a case answers a question the policy does not ask",
);
/// The case gives an attribute the policy does not declare.
pub const UNKNOWN_ATTRIBUTE: Code = Code::error(
    "ras::unknown-attribute",
    "a case gives an attribute the policy does not declare",
);
/// An attribute value the attribute does not have.
pub const UNKNOWN_ATTRIBUTE_VALUE: Code = Code::error(
    "ras::unknown-attribute-value",
    "a case gives an attribute a value it does not have",
);
/// The calculation needs an attribute the case does not give.
pub const MISSING_ATTRIBUTE: Code = Code::error(
    "ras::missing-attribute",
    "a case leaves out an attribute the calculation needs",
);
/// A dated parameter read for a date before its first value.
pub const NO_VALUE_IN_FORCE: Code = Code::error(
    "ras::no-value-in-force",
    "a case assessed before the first value of a parameter it needs",
);
/// A dated parameter read for a case with no assessment date.
pub const MISSING_DATE: Code = Code::error(
    "ras::missing-date",
    "a case with no assessment date needs a parameter whose value depends on the date",
);
/// The calculation reads the costed plan but the case has none.
pub const MISSING_PLAN_COST: Code = Code::error(
    "ras::missing-plan-cost",
    "a case with no costed plan (`plan_cost`) where the calculation needs one",
);
/// A result too large for exact decimal arithmetic.
pub const OVERFLOW: Code = Code::error("ras::overflow", "a figure too large to calculate exactly");
/// A division by zero.
pub const DIVISION_BY_ZERO: Code = Code::error("ras::division-by-zero", "a division by zero");
/// A value outside every row of a band table.
pub const OUTSIDE_BANDS: Code = Code::error(
    "ras::outside-bands",
    "a value outside every row of a band table",
);
/// A money output came out below zero (a deduction larger than what it is
/// taken from, e.g. `output indicative "…" = gross - telecare` with `gross`
/// £0.00 and `telecare` £14.00).
pub const NEGATIVE_OUTPUT: Code = Code::error(
    "ras::negative-output",
    "a money output below zero, from a deduction larger than what it is taken from",
);
/// An answer check marked `stop` found the answers inconsistent.
pub const ANSWER_CHECK: Code = Code::error(
    "ras::answer-check",
    "an answer check marked `stop` found the answers inconsistent",
);
/// The case input does not fit the plan (a program built it wrongly).
pub const BAD_INPUT: Code = Code::error(
    "ras::bad-input",
    "a case prepared in a form that does not fit the plan (a fault in the program that prepared it)",
);

// Errors in a row of a caseload (`ras run`, `ras diff`, `ras calibrate`,
// `ras report`); a field that is not UTF-8 is `NOT_UTF8` and a date that is
// not one `BAD_DATE`, above.

/// A row that cannot be read, or that has no header to read it by.
pub const BAD_ROW: Code = Code::error("ras::bad-row", "a caseload row that cannot be read");
/// A CSV row with more or fewer fields than the header.
pub const FIELD_COUNT: Code = Code::error(
    "ras::field-count",
    "a caseload row with more or fewer fields than the header",
);
/// A row longer than the most a row may be.
pub const ROW_TOO_LONG: Code = Code::error(
    "ras::row-too-long",
    "a caseload row longer than the most a row may be",
);
/// A JSON Lines row that is not a case.
pub const BAD_JSON: Code = Code::error("ras::bad-json", "a JSON Lines row that is not a case");
/// An empty `case_id` in a caseload with that column.
pub const NO_CASE_ID: Code =
    Code::error("ras::no-case-id", "a caseload row with an empty `case_id`");
/// A workbook cell that cannot be read, or that holds a value under no heading.
pub const BAD_CELL: Code = Code::error(
    "ras::bad-cell",
    "a workbook cell that cannot be read, or that holds a value under no heading",
);

// Errors in calibration and finance reports (`ras calibrate`, `ras report`);
// a fault in ras itself is `INTERNAL`, above.

/// A money column left empty for a case.
pub const MISSING_AMOUNT: Code =
    Code::error("ras::missing-amount", "a case's cost column is empty");
/// A money column that does not hold an amount of money.
pub const BAD_AMOUNT: Code = Code::error(
    "ras::bad-amount",
    "a case's cost column does not hold an amount of money",
);
/// A service area column left empty for a case.
pub const MISSING_SERVICE_AREA: Code = Code::error(
    "ras::missing-service-area",
    "a case's service area column is empty",
);
/// A financial year not written as `2024/25`.
pub const BAD_YEAR: Code = Code::error("ras::bad-year", "a financial year not written as 2024/25");
/// No assessment date, and no year column, to tell a case's financial year.
pub const NO_YEAR: Code = Code::error(
    "ras::no-year",
    "a case with no assessment date or year column to tell its financial year",
);
/// `ras calibrate` names a parameter the policy does not declare.
pub const UNKNOWN_PARAMETER: Code = Code::error(
    "ras::unknown-parameter",
    "calibration names a parameter the policy does not declare",
);
/// A parameter that cannot be calibrated as asked (its dates, units or values).
pub const PARAMETER_NOT_CALIBRATABLE: Code = Code::error(
    "ras::parameter-not-calibratable",
    "a parameter that cannot be calibrated as asked (its dates, its unit or its values)",
);
/// No case of the sample has a figure to calibrate on.
pub const NO_SAMPLE_CASES: Code = Code::error(
    "ras::no-sample-cases",
    "no case of the sample has a figure to calibrate on",
);
/// No value of the parameter meets the target.
pub const NO_CALIBRATED_VALUE: Code = Code::error(
    "ras::no-calibrated-value",
    "no value of the parameter meets the target",
);
/// A case of the sample cannot be evaluated at a value tried.
pub const CASE_FAILED_IN_CALIBRATION: Code = Code::error(
    "ras::case-failed-in-calibration",
    "a case of the sample cannot be evaluated at a value tried",
);
/// The rule file with the calibrated value(s) cannot be written.
pub const CANNOT_WRITE_CALIBRATED: Code = Code::error(
    "ras::cannot-write-calibrated",
    "the rule file with the calibrated value cannot be written",
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

/// Every code about one case (`crate::eval::CaseError`).
pub const CASE: &[Code] = &[
    MISSING_ANSWER,
    UNKNOWN_CODE,
    NOT_A_NUMBER,
    NUMBER_TOO_PRECISE,
    NEGATIVE_AMOUNT,
    OUT_OF_RANGE,
    UNKNOWN_COHORT,
    MISSING_COHORT,
    UNKNOWN_QUESTION,
    UNKNOWN_ATTRIBUTE,
    UNKNOWN_ATTRIBUTE_VALUE,
    MISSING_ATTRIBUTE,
    NO_VALUE_IN_FORCE,
    MISSING_DATE,
    MISSING_PLAN_COST,
    OVERFLOW,
    DIVISION_BY_ZERO,
    OUTSIDE_BANDS,
    NEGATIVE_OUTPUT,
    ANSWER_CHECK,
    BAD_INPUT,
    BAD_PLAN,
];

/// Every code about a row of a caseload, besides the case's own.
pub const CASELOAD: &[Code] = &[
    BAD_ROW,
    FIELD_COUNT,
    NOT_UTF8,
    ROW_TOO_LONG,
    BAD_JSON,
    BAD_CELL,
    NO_CASE_ID,
    BAD_DATE,
];

/// Every code about calibration and finance reports, besides a case's and a
/// row's own.
pub const FINANCE: &[Code] = &[
    MISSING_AMOUNT,
    BAD_AMOUNT,
    MISSING_SERVICE_AREA,
    BAD_YEAR,
    NO_YEAR,
    UNKNOWN_PARAMETER,
    PARAMETER_NOT_CALIBRATABLE,
    NO_SAMPLE_CASES,
    NO_CALIBRATED_VALUE,
    CASE_FAILED_IN_CALIBRATION,
    CANNOT_WRITE_CALIBRATED,
    INTERNAL,
];

/// Every list, with what its codes are about (the headings of `docs/codes.md`).
pub const GROUPS: &[(&str, &[Code])] = &[
    ("A rule file (`ras check`)", RULE_FILE),
    ("A compiled plan", PLAN),
    ("A number written in a case or on the command line", NUMBER),
    ("A case (`ras eval`, `ras run`, `ras test`)", CASE),
    ("A row of a caseload", CASELOAD),
    (
        "Calibration and finance reports (`ras calibrate`, `ras report`)",
        FINANCE,
    ),
];

/// Every code, each once, in the order of [`GROUPS`].
pub fn all() -> impl Iterator<Item = Code> {
    let every = || GROUPS.iter().flat_map(|(_, codes)| codes.iter().copied());
    every()
        .enumerate()
        .filter(move |(i, c)| every().take(*i).all(|d| d.name != c.name))
        .map(|(_, c)| c)
}

/// The warnings, which `allow` may acknowledge.
pub fn warnings() -> impl Iterator<Item = Code> {
    RULE_FILE
        .iter()
        .copied()
        .filter(|c| c.severity == Severity::Warning)
}

/// The code with this name (`ras::cycle`), if any.
pub fn named(name: &str) -> Option<Code> {
    GROUPS
        .iter()
        .flat_map(|(_, codes)| codes.iter().copied())
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
        let listed: Vec<Code> = GROUPS
            .iter()
            .flat_map(|(_, codes)| codes.iter().copied())
            .collect();
        for c in &listed {
            assert!(c.name.starts_with("ras::"), "{}", c.name);
            assert!(
                c.short()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{}",
                c.name
            );
            // A name in two lists is one constant, not two meanings.
            assert_eq!(named(c.name), Some(*c), "{} declared twice", c.name);
            assert!(
                !c.summary.is_empty()
                    && !c.summary.ends_with('.')
                    && !c.summary.starts_with(|ch: char| ch.is_uppercase()),
                "{}",
                c.name
            );
        }
        for (title, codes) in GROUPS {
            for (i, c) in codes.iter().enumerate() {
                assert!(
                    codes[..i].iter().all(|d| d.name != c.name),
                    "{} twice in {title}",
                    c.name
                );
            }
        }
        let every: Vec<Code> = all().collect();
        assert!(listed.iter().all(|c| every.contains(c)));
        assert!(every
            .iter()
            .enumerate()
            .all(|(i, c)| every[..i].iter().all(|d| d.name != c.name)));
        assert_eq!(named("ras::missing-answer"), Some(MISSING_ANSWER));
        assert_eq!(named("ras::nothing-like-it"), None);
        assert_eq!(warning_named("money-cap"), Some(MONEY_CAP));
        assert_eq!(warning_named("cycle"), None);
        assert!(CASE
            .iter()
            .chain(CASELOAD)
            .chain(FINANCE)
            .all(|c| c.severity == Severity::Error));
    }
}
