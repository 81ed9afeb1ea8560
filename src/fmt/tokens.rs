//! Rule-file text -> the tokens the printer lays out.
//!
//! The tokens come from the parse tree (every name, number, keyword and
//! sentence as written, so nothing the syntax tree drops is lost) and from the
//! scanner (the punctuation and `#` comments between them). Each token carries
//! what the layout needs: how many line breaks the author put before it, whether
//! it starts a declaration or a row, whether the author's line break before it
//! is kept, and which column of which table row it belongs to.

use crate::syntax::is_expectation;
use crate::syntax::parser::Rule;
use crate::syntax::scan::{pieces, PieceKind};
use crate::units::Unit;
use pest::iterators::Pair;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A name, number, keyword, operator or sentence, from the parse tree.
    Word(Rule),
    /// One character of punctuation: `{ } ( ) [ ] = : ,`.
    Punct(char),
    /// A `#` comment, without its line break or trailing spaces.
    Comment,
}

/// The tables whose columns are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RowKind {
    Cohort,
    AttributeValue,
    Option,
    Keyed,
    Dated,
    Band,
    Choice,
}

/// One token, in canonical spelling.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub text: String,
    pub kind: Kind,
    /// Line breaks before it in the source (2 means a blank line or more).
    pub breaks_before: u8,
    /// It begins a declaration, a header field, a row or a test clause: it
    /// always starts a line.
    pub starts_unit: bool,
    /// The author's line break before it is kept (inside a calculation, before
    /// `when`, `else`, `otherwise`, `=`, and between test answers).
    pub may_break: bool,
    /// A `(` that opens a call's arguments: no space before it.
    pub call_paren: bool,
    /// The table row it belongs to (a number per row) and its column there.
    pub row: Option<(usize, RowKind)>,
    pub column: usize,
}

impl Token {
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Context {
    in_expr: bool,
    row: Option<(usize, RowKind)>,
    column: usize,
    call: bool,
    equals_may_break: bool,
}

/// Walks the parse tree of a whole file.
pub(super) struct Walker<'s> {
    source: &'s str,
    at: usize,
    breaks: u8,
    rows: usize,
    next_starts_unit: bool,
    next_may_break: bool,
    pub tokens: Vec<Token>,
}

impl<'s> Walker<'s> {
    pub fn new(source: &'s str) -> Self {
        Walker {
            source,
            at: 0,
            breaks: 0,
            rows: 0,
            next_starts_unit: false,
            next_may_break: false,
            tokens: Vec::new(),
        }
    }

    /// Tokens of the `file` pair, comments up to the end of the text included.
    pub fn file(mut self, file: Pair<'s, Rule>) -> Vec<Token> {
        self.visit(file, None, Context::default());
        self.gap(self.source.len(), Context::default());
        self.tokens
    }

    fn push(&mut self, text: String, kind: Kind, ctx: Context) {
        let comment = kind == Kind::Comment;
        let token = Token {
            text,
            kind,
            breaks_before: self.breaks,
            starts_unit: !comment && self.next_starts_unit,
            may_break: !comment
                && (ctx.in_expr
                    || self.next_may_break
                    || (kind == Kind::Punct('=') && ctx.equals_may_break)),
            call_paren: kind == Kind::Punct('(') && ctx.call,
            row: ctx.row,
            column: ctx.column,
        };
        self.breaks = 0;
        if !comment {
            self.next_starts_unit = false;
            self.next_may_break = false;
        }
        self.tokens.push(token);
    }

    /// The punctuation, comments and line breaks from where the walk is up to `to`.
    fn gap(&mut self, to: usize, ctx: Context) {
        if to <= self.at {
            return;
        }
        let from = self.at;
        let text = &self.source[from..to];
        for piece in pieces(text) {
            let part = &text[piece.span.start..piece.span.end];
            match piece.kind {
                PieceKind::Comment => {
                    self.push(part.trim_end().to_string(), Kind::Comment, ctx);
                }
                // A sentence is always a leaf of the tree; none lies in a gap.
                PieceKind::Text | PieceKind::Code => {
                    for c in part.chars() {
                        if c == '\n' {
                            self.breaks = self.breaks.saturating_add(1).min(2);
                        } else if !c.is_whitespace() && c != '\u{FEFF}' {
                            self.push(c.to_string(), Kind::Punct(c), ctx);
                        }
                    }
                }
            }
        }
        self.at = to;
    }

    fn visit(&mut self, pair: Pair<'s, Rule>, parent: Option<Rule>, outer: Context) {
        let rule = pair.as_rule();
        if rule == Rule::EOI {
            return;
        }
        let span = pair.as_span();
        let mut ctx = outer;
        if starts_unit(rule, parent) {
            self.next_starts_unit = true;
        }
        if matches!(
            rule,
            Rule::given_pair
                | Rule::when_clause
                | Rule::k_when
                | Rule::k_else
                | Rule::k_otherwise
                | Rule::otherwise
        ) || is_expectation(rule)
        {
            self.next_may_break = true;
        }
        // `f()`: its brackets are punctuation, as in any other call.
        let empty = rule != Rule::call_args && pair.clone().into_inner().next().is_none();
        if is_leaf(rule) || empty {
            self.gap(span.start(), ctx);
            self.push(spelling(rule, pair.as_str()), Kind::Word(rule), ctx);
            self.at = span.end();
            return;
        }
        match rule {
            Rule::expr => ctx.in_expr = true,
            Rule::call_args | Rule::round_call => ctx.call = true,
            Rule::paren => ctx.call = false,
            Rule::let_step | Rule::deduction | Rule::output => ctx.equals_may_break = true,
            _ => {}
        }
        let children: Vec<Pair<'s, Rule>> = pair.into_inner().collect();
        let kind = row_kind(rule, &children);
        if let Some(kind) = kind {
            self.rows += 1;
            ctx.row = Some((self.rows, kind));
            ctx.column = 0;
        } else if is_block_owner(rule) {
            // A row's column does not reach into a block it opens.
            ctx.row = None;
        }
        let separated = matches!(rule, Rule::given | Rule::without | Rule::expect);
        for (i, child) in children.into_iter().enumerate() {
            self.gap(child.as_span().start(), ctx);
            if let Some(kind) = kind {
                ctx.column = column(kind, i);
            }
            if separated && i >= 2 {
                self.comma_before_next();
            }
            self.visit(child, Some(rule), ctx);
        }
        self.gap(span.end(), ctx);
    }

    /// Test answers and expectations are always separated by commas: adds the
    /// one the author left out, before any comment at the end of the line.
    fn comma_before_next(&mut self) {
        let last = self.tokens.iter().rposition(|t| t.kind != Kind::Comment);
        if let Some(last) = last {
            if self.tokens[last].is_punct(',') {
                return;
            }
            let comma = Token {
                text: ",".to_string(),
                kind: Kind::Punct(','),
                breaks_before: 0,
                starts_unit: false,
                may_break: false,
                call_paren: false,
                row: None,
                column: 0,
            };
            self.tokens.insert(last + 1, comma);
        }
    }
}

/// Pairs printed as one token although the grammar sees parts in them.
fn is_leaf(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::money
            | Rule::declared_unit
            | Rule::band_unit
            | Rule::string
            | Rule::date
            | Rule::number
            | Rule::warning_code
            | Rule::code
            | Rule::ident
    )
}

/// Pairs whose `{ … }` holds rows of their own.
fn is_block_owner(rule: Rule) -> bool {
    matches!(rule, Rule::keyed_block | Rule::choose)
}

/// Whether a pair begins a line of its own.
fn starts_unit(rule: Rule, parent: Option<Rule>) -> bool {
    match rule {
        Rule::allow
        | Rule::policy
        | Rule::cohorts
        | Rule::attribute
        | Rule::domain
        | Rule::question
        | Rule::parameter
        | Rule::bands
        | Rule::let_step
        | Rule::deduction
        | Rule::output
        | Rule::flag
        | Rule::answer_check
        | Rule::eligibility
        | Rule::route
        | Rule::test
        | Rule::council
        | Rule::version
        | Rule::effective
        | Rule::review
        | Rule::approved
        | Rule::change
        | Rule::appeal
        | Rule::period
        | Rule::rounding
        | Rule::cohort
        | Rule::attribute_value
        | Rule::option
        | Rule::keyed_value
        | Rule::dated_values
        | Rule::band_row
        | Rule::choice
        | Rule::choice_otherwise
        | Rule::requirement
        | Rule::route_rule
        | Rule::given
        | Rule::without
        | Rule::expect => true,
        Rule::default_code => parent == Some(Rule::choice_kind),
        _ => false,
    }
}

/// The table a pair is a row of, if any.
fn row_kind(rule: Rule, children: &[Pair<'_, Rule>]) -> Option<RowKind> {
    Some(match rule {
        Rule::cohort => RowKind::Cohort,
        Rule::attribute_value => RowKind::AttributeValue,
        Rule::option => RowKind::Option,
        Rule::keyed_value => RowKind::Keyed,
        Rule::dated_values => {
            // `from 2025-04-01 { … }` opens a block; it is not a table row.
            if children.iter().any(|c| c.as_rule() == Rule::keyed_block) {
                return None;
            }
            RowKind::Dated
        }
        Rule::band_row => RowKind::Band,
        Rule::choice | Rule::choice_otherwise => RowKind::Choice,
        _ => return None,
    })
}

/// The column of a row's `i`-th child.
fn column(kind: RowKind, i: usize) -> usize {
    match kind {
        // `from` and its date make one column; the value the next.
        RowKind::Dated => usize::from(i >= 2),
        // The value, then `when …` or `otherwise`.
        RowKind::Choice => usize::from(i >= 1),
        _ => i,
    }
}

/// A leaf's canonical spelling (the same value, always written one way).
pub(super) fn spelling(rule: Rule, text: &str) -> String {
    match rule {
        Rule::mul => "*".to_string(),
        Rule::le => "<=".to_string(),
        Rule::ge => ">=".to_string(),
        Rule::ne => "!=".to_string(),
        Rule::unit | Rule::band_unit => unit_word(text),
        Rule::declared_unit => match text.strip_prefix('£') {
            Some(rest) => match rest.strip_prefix('/') {
                Some(per) => format!("£/{}", per_word(per)),
                None => "£".to_string(),
            },
            None => unit_word(text),
        },
        Rule::money => money(text),
        _ => text.to_string(),
    }
}

/// `points`, `point`, `pt` -> `pts`; `hours`, `hour` -> `h`; `session` ->
/// `sessions`; `night` -> `nights`.
fn unit_word(word: &str) -> String {
    match Unit::from_word(word) {
        Some(Unit::Points) => "pts",
        Some(Unit::Hours) => "h",
        Some(Unit::Sessions) => "sessions",
        Some(Unit::Nights) => "nights",
        Some(Unit::Percent) => "%",
        Some(Unit::Money) => "£",
        _ => word,
    }
    .to_string()
}

/// The unit after `/` in a rate: `£5.89/pt`, `£15.75/h`, `£40/session`, `£90/night`.
fn per_word(word: &str) -> String {
    match Unit::from_word(word) {
        Some(Unit::Points) => "pt",
        Some(Unit::Hours) => "h",
        Some(Unit::Sessions) => "session",
        Some(Unit::Nights) => "night",
        _ => word,
    }
    .to_string()
}

/// `£1100.5/hours` -> `£1,100.5/h`: thousands separated by commas, the
/// decimals exactly as written (the value never changes).
fn money(text: &str) -> String {
    let Some(rest) = text.strip_prefix('£') else {
        return text.to_string();
    };
    let (amount, per) = match rest.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (rest, None),
    };
    let (sign, unsigned) = match amount.strip_prefix('-') {
        Some(u) => ("-", u),
        None => ("", amount),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits: Vec<char> = whole.chars().filter(|c| *c != ',').collect();
    let mut grouped = String::new();
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(*d);
    }
    let mut out = format!("£{sign}{grouped}");
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    if let Some(p) = per {
        out.push('/');
        out.push_str(&per_word(p));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_in_thousands_and_keeps_its_decimals() {
        assert_eq!(money("£1100"), "£1,100");
        assert_eq!(money("£1,100.00"), "£1,100.00");
        assert_eq!(money("£1234567.5/hours"), "£1,234,567.5/h");
        assert_eq!(money("£-1000.10"), "£-1,000.10");
        assert_eq!(money("£100"), "£100");
        assert_eq!(money("£0.675/point"), "£0.675/pt");
    }

    #[test]
    fn units_have_one_spelling() {
        assert_eq!(spelling(Rule::unit, "points"), "pts");
        assert_eq!(spelling(Rule::unit, "hour"), "h");
        assert_eq!(spelling(Rule::unit, "night"), "nights");
        assert_eq!(spelling(Rule::declared_unit, "£/points"), "£/pt");
        assert_eq!(spelling(Rule::mul, "×"), "*");
        assert_eq!(spelling(Rule::ge, "≥"), ">=");
    }
}
