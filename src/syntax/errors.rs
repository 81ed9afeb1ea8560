//! Syntax errors in the policy officer's words: what was expected (never a
//! grammar rule's name), where, and a hint when the mistake is a common one.

use super::parser::Rule;
use super::scan::{code_chars, comment_start};
use super::span::Span;
use crate::diag::{codes, Diagnostic};

/// Punctuation pest may expect, which the grammar writes as literals (not rules).
const PUNCTUATION: &[&str] = &["=", ":", "{", "}", "(", ")", "[", "]", ","];

/// Keywords that start a declaration.
pub(super) const DECLARATION_KEYWORDS: &[&str] = &[
    "allow",
    "policy",
    "cohorts",
    "attribute",
    "domain",
    "question",
    "parameter",
    "bands",
    "let",
    "deduction",
    "output",
    "flag",
    "check",
    "eligibility",
    "route",
    "test",
];

/// Turns pest's error into a diagnostic in the policy officer's words.
///
/// `region_end` gives, for the place of the mistake, where the broken
/// declaration ends (where reading will go on); it is returned with the
/// diagnostic, and a `{` is reported as never closed when it is not closed
/// before then.
pub(super) fn syntax_error(
    source: &str,
    error: pest::error::Error<Rule>,
    region_end: impl FnOnce(usize) -> usize,
) -> (Diagnostic, usize) {
    let mut pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<String> = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|r| describe(*r))
            .map(str::to_string)
            .collect(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    // Punctuation the parser wanted: pest's plain error leaves literals out,
    // and so stops at the start of the declaration when only `=` is missing.
    if let Some(attempts) = error.parse_attempts() {
        let wanted: Vec<String> = attempts
            .expected_tokens()
            .iter()
            .map(ToString::to_string)
            .filter(|t| PUNCTUATION.contains(&t.as_str()))
            .map(|t| format!("`{t}`"))
            .collect();
        if !wanted.is_empty() && attempts.max_position >= pos {
            if attempts.max_position > pos {
                pos = attempts.max_position;
                expected.clear();
            }
            expected.extend(wanted);
        }
    }
    let operators = describe(Rule::add).unwrap_or_default();
    if expected.iter().any(|e| e == operators) {
        // The operator list already names these.
        expected.retain(|e| !matches!(e.as_str(), "`and`" | "`or`" | "`of`"));
    }
    let calculation = describe(Rule::expr).unwrap_or_default();
    if expected.iter().any(|e| e == calculation) {
        // Where any calculation may start, listing every way one can begin
        // (names, numbers, `round`, `total`, …) hides the point.
        expected.retain(|e| !STARTS_OF_CALCULATION.contains(&e.as_str()));
    }
    expected.sort_unstable();
    expected.dedup();
    let end_of_region = region_end(pos).clamp(pos, source.len());
    let found = describe_found(source, pos);
    let message = if expected.is_empty() {
        format!("this line cannot be read: unexpected {found}")
    } else {
        format!(
            "expected {}, found {found}",
            crate::text::list_or(&expected)
        )
    };
    let end = next_token_end(source, pos);
    let mut diag = Diagnostic::new(codes::SYNTAX, message).label(Span::new(pos, end), "here");
    let mut hint = syntax_hint(source, pos, &expected);
    let word_here: String = source
        .get(pos..)
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if DECLARATION_KEYWORDS.contains(&word_here.as_str()) {
        // `let x = a *` then `output …`: the calculation above is unfinished.
        if let Some(op) = dangling_operator(&source[..pos]) {
            hint = Some(format!(
                "the line before ends with `{op}`; is something missing after it?"
            ));
        }
    }
    if let Some((start, word)) = previous_word(source, pos) {
        let word_end = start + word.len();
        if expected.iter().any(|e| e.contains("a unit"))
            && word.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            diag = diag.label(Span::new(start, word_end), "this value has no unit");
        } else if DECLARATION_KEYWORDS.contains(&word) {
            // `let x = a *` then `output …`: the keyword was read as a name
            // in the unfinished calculation above it.
            if let Some(op) = dangling_operator(&source[..start]) {
                diag = diag.label(
                    Span::new(start, word_end),
                    "read as part of the calculation above",
                );
                hint = Some(format!(
                    "the line before ends with `{op}`; is something missing after it?"
                ));
            }
        }
    }
    if !expected.is_empty()
        && expected
            .iter()
            .all(|e| PUNCTUATION.iter().any(|p| *e == format!("`{p}`")))
    {
        hint = hint.or_else(|| Some(format!("add {} here", crate::text::list_or(&expected))));
    }
    if let Some(open) = unclosed_brace(source.get(..end_of_region).unwrap_or(source), pos) {
        diag = diag.label(Span::new(open, open + 1), "this `{` is never closed");
        // A declaration's keyword inside an open block is the next
        // declaration: the block above lacks its `}`, and the keyword is not
        // being used as a name.
        let reserved_hint = hint.as_deref().is_some_and(|h| h.contains("reserved word"));
        if reserved_hint && DECLARATION_KEYWORDS.contains(&word_here.as_str()) {
            hint = Some(format!(
                "is a `}}` missing before `{word_here}`? every `{{` needs a matching `}}`"
            ));
        }
        hint = hint.or_else(|| Some("is a `}` missing? every `{` needs a matching `}`".into()));
    }
    if expected.iter().any(|e| e.starts_with("a declaration")) {
        let word: String = source
            .get(pos..)
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if let Some(k) = closest_keyword(&word) {
            hint = Some(format!("did you mean `{k}`?"));
        }
    }
    if let Some(hint) = hint {
        diag = diag.hint(hint);
    }
    (diag, end_of_region)
}

/// The word (a run of letters, digits, `_` and `.`) that ends just before
/// `pos`, skipping layout, with where it starts.
fn previous_word(source: &str, pos: usize) -> Option<(usize, &str)> {
    let before = source.get(..pos)?.trim_end();
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    Some((start, &before[start..]))
}

/// The operator that ends the code before a line break, when the text ends
/// with a line break (layout and comments aside) after an operator.
fn dangling_operator(before: &str) -> Option<&str> {
    let mut lines = before.rsplit('\n');
    if !lines.next()?.trim().is_empty() {
        return None;
    }
    let code = lines
        .map(|l| l[..comment_start(l).unwrap_or(l.len())].trim_end())
        .find(|l| !l.is_empty())?;
    [
        "+", "-", "*", "×", "/", "=", "(", ",", " of", " and", " or", " not",
    ]
    .into_iter()
    .find(|op| code.ends_with(op))
    .map(str::trim_start)
}

/// The innermost `{` before `pos` that is never closed in `source`.
fn unclosed_brace(source: &str, pos: usize) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    for (at, c) in code_chars(source) {
        match c {
            '{' => open.push(at),
            '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.into_iter().rev().find(|&o| o < pos)
}

/// A declaration keyword one typing slip away from `word`.
fn closest_keyword(word: &str) -> Option<&'static str> {
    if word.len() < 3 || DECLARATION_KEYWORDS.contains(&word) {
        return None;
    }
    DECLARATION_KEYWORDS
        .iter()
        .copied()
        .map(|k| (crate::diag::edit_distance(word, k), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Descriptions that "a calculation" already covers.
const STARTS_OF_CALCULATION: &[&str] = &[
    "`choose`",
    "`not`",
    "`round`",
    "`total`",
    "`true` or `false`",
    "a date (YYYY-MM-DD)",
    "a name, e.g. `price_per_point`",
    "a number, e.g. `1.5`",
    "a value or `not`",
    "an amount of money, e.g. `£4.88`",
    "a value, e.g. `£141.33`, `38 pts` or `10%`",
];

fn next_token_end(source: &str, pos: usize) -> usize {
    let rest = source.get(pos..).unwrap_or("");
    let len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let len = if len == 0 {
        rest.chars().next().map(|c| c.len_utf8()).unwrap_or(0)
    } else {
        len
    };
    pos + len
}

fn describe_found(source: &str, pos: usize) -> String {
    let rest = source.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some('\n') | Some('\r') => "the end of the line".to_string(),
        Some(_) => {
            let token: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace())
                .take(24)
                .collect();
            format!("`{token}`")
        }
    }
}

fn syntax_hint(source: &str, pos: usize, expected: &[String]) -> Option<String> {
    let rest = source.get(pos..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if super::RESERVED_WORDS.contains(&word.as_str()) {
        return Some(format!(
            "`{word}` is a reserved word and cannot be used as a name"
        ));
    }
    if rest.starts_with('"') && !rest[1..].split('\n').next().unwrap_or("").contains('"') {
        return Some("a sentence in quotes must end with `\"` on the same line".to_string());
    }
    if expected.iter().any(|e| e.contains("unit")) {
        return Some(
            "option values carry a unit, e.g. `5 pts`, `1.75 h`, `2 nights`, `£14`".to_string(),
        );
    }
    if expected.iter().any(|e| e == "a date (YYYY-MM-DD)") {
        return Some("write dates as YYYY-MM-DD, e.g. 2010-01-01".to_string());
    }
    None
}

/// What a grammar rule is called in messages; `None` hides it.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::item | Rule::allow | Rule::declaration_start => "a declaration (`policy`, `question`, `parameter`, `let`, `output`, `test`, …)",
        Rule::warning_code => "a warning code, e.g. `money-cap`",
        Rule::string | Rule::string_text => "a sentence in quotes, e.g. \"Older people\"",
        Rule::ident | Rule::ident_raw | Rule::name_led => "a name, e.g. `price_per_point`",
        Rule::code => "an option code, e.g. `3` or `some_willing`",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::number => "a number, e.g. `1.5`",
        Rule::money | Rule::amount => "an amount of money, e.g. `£4.88`",
        Rule::quantity | Rule::literal => "a value, e.g. `£141.33`, `38 pts` or `10%`",
        Rule::quantity_with_unit | Rule::option_value => "a value with its unit, e.g. `5 pts`",
        Rule::unit => "a unit (`pts`, `h`, `sessions`, `nights`, `%`)",
        Rule::band_unit => "a unit (`£`, `pts`, `h`, …)",
        Rule::per_unit => "a unit after `/` (`pt`, `h`, `session`, `night`)",
        Rule::boolean => "`true` or `false`",
        Rule::header_field
        | Rule::council
        | Rule::version
        | Rule::effective
        | Rule::review
        | Rule::approved
        | Rule::change
        | Rule::appeal
        | Rule::period
        | Rule::rounding => "a header field (`council`, `version`, `effective`, `review`, `approved`, `change`, `appeal`, `period`, `rounding`)",
        Rule::period_kind => "a period (`weekly`, `four_weekly`, `monthly`, `annual`)",
        Rule::rounding_rule | Rule::round_to => "a rounding (`penny` or `pound`)",
        Rule::round_mode => "a rounding mode (`half_up`, `half_even`, `up`, `down`)",
        Rule::cohort => "a cohort, e.g. `older_people \"Older people\"`",
        Rule::not_validated => "`not validated \"reason\"`",
        Rule::attribute_value => "a value, e.g. `own_home \"Own home\"`",
        Rule::weight => "`weight` and a number",
        Rule::in_domain => "`in` and a domain",
        Rule::carer_willingness => "`carer willingness`",
        Rule::choice_kind => "`{` and the options",
        Rule::yes_no_kind => "`yes/no`",
        Rule::number_kind => "`number`",
        Rule::option => "an option, e.g. `3 \"Help with most of it\" 10 pts`",
        Rule::default_code | Rule::default_number => "`default`",
        Rule::by_key => "`by cohort` or `by` an attribute",
        Rule::parameter_constant => "`=` and a value",
        Rule::parameter_body => "`{` and the values",
        Rule::dated_values => "`from` and a date",
        Rule::keyed_block => "`{` and a value for each cohort",
        Rule::declared_unit => "a unit, e.g. `£/pt`",
        Rule::keyed_value => "a cohort or attribute value and its value, e.g. `older_people £4.88/pt`",
        Rule::interpolate => "`interpolate`",
        Rule::band_row => "a band, e.g. `£100 to £200: 20%`",
        Rule::band_below | Rule::band_between | Rule::band_and_above | Rule::band_beyond | Rule::band_point => {
            "a band, e.g. `below £100`, `£100 to £200`, `£700 and above`"
        }
        Rule::informal_support => "`for informal support`",
        Rule::when_clause => "`when` and a condition",
        Rule::check_action => "`stop` or `warn`",
        Rule::requirement => "`require` and a condition",
        Rule::route_rule => "a route, e.g. `panel \"Refer to panel\" when indicative >= £1000`",
        Rule::otherwise => "`otherwise`",
        Rule::given => "`given`",
        Rule::test_base => "`as` and the name of the test to start from",
        Rule::without => "`without` and the names of answers not to take",
        Rule::given_pair => "a name and its value, e.g. `personal_care 3`",
        Rule::expect => "`expect`",
        rule if is_expectation(rule) => "an expectation, e.g. `indicative £141.33` or `flag chc_screening`",
        Rule::expr | Rule::paren | Rule::round_call => {
            "a calculation, e.g. `points * price_per_point`"
        }
        Rule::neg | Rule::not_op => "a value or `not`",
        Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::of
        | Rule::and
        | Rule::or
        | Rule::le
        | Rule::ge
        | Rule::ne
        | Rule::lt
        | Rule::gt
        | Rule::eq => "an operator (`+`, `-`, `*`, `/`, `of`, `and`, `or`, `<`, `>=`, …)",
        Rule::choose => "`choose`",
        Rule::choice | Rule::choice_otherwise => "a choice, e.g. `10% when carer is some`, or `… otherwise`",
        Rule::total => "`total`",
        Rule::weighted => "`weighted`",
        Rule::value_kind => "`points`, `hours`, `sessions`, `nights` or `money`",
        Rule::domain_set => "a domain or `[` domains `]`",
        Rule::code_set => "an option code, e.g. `3`, or `[` codes `]`",
        Rule::is_not | Rule::is | Rule::not_in | Rule::in_set => "`is`, `is not`, `in` or `not in`",
        Rule::k_allow => "`allow`",
        Rule::k_policy => "`policy`",
        Rule::k_council => "`council`",
        Rule::k_version => "`version`",
        Rule::k_effective => "`effective`",
        Rule::k_review => "`review`",
        Rule::k_approved => "`approved`",
        Rule::k_change => "`change`",
        Rule::k_appeal => "`appeal`",
        Rule::k_period => "`period`",
        Rule::k_rounding => "`rounding`",
        Rule::k_cohorts => "`cohorts`",
        Rule::k_not => "`not`",
        Rule::k_validated => "`validated`",
        Rule::k_attribute => "`attribute`",
        Rule::k_domain => "`domain`",
        Rule::k_weight => "`weight`",
        Rule::k_question => "`question`",
        Rule::k_in => "`in`",
        Rule::k_carer => "`carer`",
        Rule::k_willingness => "`willingness`",
        Rule::k_default => "`default`",
        Rule::k_yes_no => "`yes/no`",
        Rule::k_number => "`number`",
        Rule::k_from => "`from`",
        Rule::k_to => "`to`",
        Rule::k_parameter => "`parameter`",
        Rule::k_by => "`by`",
        Rule::k_bands => "`bands`",
        Rule::k_on => "`on`",
        Rule::k_interpolate => "`interpolate`",
        Rule::k_below => "`below`",
        Rule::k_and => "`and`",
        Rule::k_above => "`above`",
        Rule::k_let => "`let`",
        Rule::k_deduction => "`deduction`",
        Rule::k_for => "`for`",
        Rule::k_informal => "`informal`",
        Rule::k_support => "`support`",
        Rule::k_when => "`when`",
        Rule::k_output => "`output`",
        Rule::k_flag => "`flag`",
        Rule::k_flags => "`flags`",
        Rule::k_check => "`check`",
        Rule::k_eligibility => "`eligibility`",
        Rule::k_require => "`require`",
        Rule::k_else => "`else` and the reason in quotes",
        Rule::k_route => "`route`",
        Rule::k_otherwise => "`otherwise`",
        Rule::k_test => "`test`",
        Rule::k_given => "`given`",
        Rule::k_as => "`as`",
        Rule::k_without => "`without`",
        Rule::k_expect => "`expect`",
        Rule::k_error => "`error`",
        Rule::k_eligible => "`eligible`",
        Rule::k_no => "`no`",
        Rule::k_of => "`of`",
        Rule::k_or => "`or`",
        Rule::k_is => "`is`",
        Rule::k_choose => "`choose`",
        Rule::k_total => "`total`",
        Rule::k_weighted => "`weighted`",
        Rule::k_round => "`round`",
        _ => return None,
    })
}

/// Whether a grammar rule is one of the kinds of `expect` line of a test.
pub(crate) fn is_expectation(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::expect_error
            | Rule::expect_not_validated
            | Rule::expect_not_eligible
            | Rule::expect_eligible
            | Rule::expect_no_flags
            | Rule::expect_no_flag
            | Rule::expect_flag
            | Rule::expect_no_route
            | Rule::expect_route
            | Rule::expect_value
    )
}
