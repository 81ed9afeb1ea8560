//! The calculation declarations (`let`, `output`, `deduction`, `flag`,
//! `check`) read by hand when they read cleanly, giving the syntax tree pest
//! and lowering would give.
//!
//! A long rule file is mostly these, and pest spends most of its time on
//! each one recording what it tried at every place, which only a syntax
//! error's "expected …" list needs. So a declaration is first read here; at
//! anything this reader does not expect — a mistake, a value lowering would
//! refuse, an `allow`, a form it leaves to pest — it gives up (`None`) and
//! the declaration is read by pest as before, so every message stays pest's.
//! Each function follows one rule of grammar/ras.pest, named in its comment;
//! `syntax::tests` reads every shipped file, fixture and many broken and
//! generated variants both ways and requires the same result.

use super::ast::*;
use super::errors::DECLARATION_KEYWORDS;
use super::span::Span;
use crate::date::Date;
use crate::number;
use crate::units::Unit;

/// The declaration at the start of `text` (which starts at `offset` in the
/// file, at the declaration's first word), and where it ends in the file;
/// `None` when pest must read it.
pub(super) fn item(text: &str, offset: usize) -> Option<(Item, usize)> {
    let mut r = Reader {
        text: text.as_bytes(),
        at: 0,
        offset,
    };
    let keyword = r.word()?;
    let decl = match keyword {
        "let" => {
            let id = r.ident()?;
            let label = if r.next_is(b'"') {
                Some(r.string()?)
            } else {
                None
            };
            r.punct(b'=')?;
            let expr = r.expr()?;
            Decl::Let(Box::new(LetStep { id, label, expr }))
        }
        "output" => {
            let id = r.ident()?;
            let label = r.string()?;
            r.punct(b'=')?;
            let expr = r.expr()?;
            Decl::Output(Box::new(Output { id, label, expr }))
        }
        "deduction" => {
            let id = r.ident()?;
            let reason = r.string()?;
            let informal_support = r.informal_support()?;
            r.punct(b'=')?;
            let amount = r.expr()?;
            let when = r.when_clause()?;
            Decl::Deduction(Box::new(Deduction {
                id,
                reason,
                informal_support,
                amount,
                when,
            }))
        }
        "flag" => {
            let id = r.ident()?;
            let text = r.string()?;
            r.keyword("when")?;
            let when = r.expr()?;
            Decl::Flag(Box::new(Flag { id, text, when }))
        }
        "check" => {
            let id = r.ident()?;
            let message = r.string()?;
            let action = match r.word()? {
                "stop" => CheckAction::Stop,
                "warn" => CheckAction::Warn,
                _ => return None,
            };
            r.keyword("when")?;
            let when = r.expr()?;
            Decl::Check(Box::new(AnswerCheck {
                id,
                message,
                action,
                when,
            }))
        }
        _ => return None,
    };
    let end = r.at;
    // `next_item`: nothing but the next declaration may follow.
    r.skip();
    if r.at < r.text.len() {
        let next = r.word()?;
        if !DECLARATION_KEYWORDS.contains(&next) {
            return None;
        }
    }
    let item = Item {
        allows: Vec::new(),
        decl,
        span: Span::new(offset, offset + end),
    };
    Some((item, offset + end))
}

/// One of the pieces `expr` is made of, in the order written.
enum Piece {
    Prefix(UnaryOp, Span),
    Value(Expr),
    Infix(BinaryOp),
}

/// Binding powers, as `lower::pratt` declares them (each level is pest's
/// step of 10): `or`, `and`, `not`, comparisons, `+ -`, `* / of`, `-x`.
fn infix_power(op: BinaryOp) -> u32 {
    match op {
        BinaryOp::Or => 10,
        BinaryOp::And => 20,
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne => {
            40
        }
        BinaryOp::Add | BinaryOp::Sub => 50,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Of => 60,
    }
}

fn prefix_power(op: UnaryOp) -> u32 {
    match op {
        UnaryOp::Not => 30,
        UnaryOp::Neg => 70,
    }
}

/// The words that may follow a number as its unit (`unit`, `per_unit`).
fn unit_of(word: &str) -> Option<Unit> {
    match word {
        "pts" | "points" | "point" | "pt" | "hours" | "hour" | "h" | "sessions" | "session"
        | "nights" | "night" => Unit::from_word(word),
        _ => None,
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Reader<'s> {
    text: &'s [u8],
    at: usize,
    /// Where `text` starts in the file.
    offset: usize,
}

impl<'s> Reader<'s> {
    fn span(&self, from: usize, to: usize) -> Span {
        Span::new(self.offset + from, self.offset + to)
    }

    fn str(&self, from: usize, to: usize) -> Option<&'s str> {
        std::str::from_utf8(self.text.get(from..to)?).ok()
    }

    /// pest's implicit `WHITESPACE` and `COMMENT` between tokens.
    fn skip(&mut self) {
        loop {
            match self.text.get(self.at..) {
                Some([b' ' | b'\t' | b'\r' | b'\n', ..]) => self.at += 1,
                Some([0xEF, 0xBB, 0xBF, ..]) => self.at += 3,
                Some([b'#', rest @ ..]) => {
                    let line = rest.iter().position(|b| *b == b'\n');
                    self.at += 1 + line.unwrap_or(rest.len());
                }
                _ => return,
            }
        }
    }

    /// After layout: is the next byte `b`?
    fn next_is(&mut self, b: u8) -> bool {
        self.skip();
        self.text.get(self.at) == Some(&b)
    }

    fn punct(&mut self, b: u8) -> Option<()> {
        self.next_is(b).then(|| self.at += 1)
    }

    /// After layout, a run of letters, digits and `_` starting with a letter
    /// or `_` (`ident_raw`), without looking at what it is.
    fn word(&mut self) -> Option<&'s str> {
        self.skip();
        let start = self.at;
        let first = *self.text.get(start)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = self.text[start..]
            .iter()
            .position(|b| !is_word_byte(*b))
            .unwrap_or(self.text.len() - start);
        self.at = start + len;
        self.str(start, self.at)
    }

    /// The next word when it is `word`, read; otherwise nothing is read.
    fn eat_word(&mut self, word: &str) -> bool {
        let save = self.at;
        if self.word() == Some(word) {
            return true;
        }
        self.at = save;
        false
    }

    /// `k_…`: the keyword `word`.
    fn keyword(&mut self, word: &str) -> Option<()> {
        (self.word()? == word).then_some(())
    }

    /// `ident`: a word that is not reserved.
    fn ident(&mut self) -> Option<Ident> {
        let name = self.word()?;
        if super::is_reserved(name) {
            return None;
        }
        Some(Ident {
            name: name.to_string(),
            span: self.span(self.at - name.len(), self.at),
        })
    }

    /// `string`: a sentence in quotes, escapes resolved.
    fn string(&mut self) -> Option<Text> {
        self.skip();
        let start = self.at;
        if self.text.get(start) != Some(&b'"') {
            return None;
        }
        let mut out = Vec::new();
        let mut i = start + 1;
        loop {
            match *self.text.get(i)? {
                b'"' => break,
                b'\n' => return None,
                b'\\' => match *self.text.get(i + 1)? {
                    b @ (b'"' | b'\\') => {
                        out.push(b);
                        i += 2;
                    }
                    _ => return None,
                },
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        self.at = i + 1;
        Some(Text {
            text: String::from_utf8(out).ok()?,
            span: self.span(start, self.at),
        })
    }

    /// `informal_support?`: `for informal support`.
    fn informal_support(&mut self) -> Option<Option<Span>> {
        if !self.eat_word("for") {
            return Some(None);
        }
        let start = self.at - "for".len();
        self.keyword("informal")?;
        self.keyword("support")?;
        Some(Some(self.span(start, self.at)))
    }

    /// `when_clause?`
    fn when_clause(&mut self) -> Option<Option<Expr>> {
        if self.eat_word("when") {
            Some(Some(self.expr()?))
        } else {
            Some(None)
        }
    }

    /// `expr`: `prefix_op* ~ primary ~ (infix_op ~ prefix_op* ~ primary)*`,
    /// ordered by the same Pratt parse as `lower::pratt_expr`.
    fn expr(&mut self) -> Option<Expr> {
        let mut pieces = Vec::new();
        loop {
            loop {
                self.skip();
                let start = self.at;
                if self.text.get(start) == Some(&b'-') {
                    self.at += 1;
                    pieces.push(Piece::Prefix(UnaryOp::Neg, self.span(start, self.at)));
                } else if self.text.get(start) == Some(&b'n') && self.eat_word("not") {
                    pieces.push(Piece::Prefix(UnaryOp::Not, self.span(start, self.at)));
                } else {
                    break;
                }
            }
            pieces.push(Piece::Value(self.primary()?));
            let save = self.at;
            match self.infix_op() {
                Some(op) => pieces.push(op),
                None => {
                    self.at = save;
                    break;
                }
            }
        }
        if pieces.len() > super::lower::MAX_EXPR_TOKENS {
            return None;
        }
        let mut pieces = pieces.into_iter().peekable();
        let e = pratt(&mut pieces, 0)?;
        if super::lower::depth(&e, super::lower::MAX_EXPR_DEPTH) > super::lower::MAX_EXPR_DEPTH {
            return None;
        }
        Some(e)
    }

    /// `infix_op`, tried in the grammar's order (`<=` before `<`).
    fn infix_op(&mut self) -> Option<Piece> {
        self.skip();
        let start = self.at;
        let rest = self.text.get(start..)?;
        let (op, len) = match rest {
            [b'+', ..] => (BinaryOp::Add, 1),
            [b'-', ..] => (BinaryOp::Sub, 1),
            [b'*', ..] => (BinaryOp::Mul, 1),
            [0xC3, 0x97, ..] => (BinaryOp::Mul, 2), // ×
            [b'/', ..] => (BinaryOp::Div, 1),
            [b'<', b'=', ..] => (BinaryOp::Le, 2),
            [0xE2, 0x89, 0xA4, ..] => (BinaryOp::Le, 3), // ≤
            [b'>', b'=', ..] => (BinaryOp::Ge, 2),
            [0xE2, 0x89, 0xA5, ..] => (BinaryOp::Ge, 3), // ≥
            [b'!', b'=', ..] => (BinaryOp::Ne, 2),
            [0xE2, 0x89, 0xA0, ..] => (BinaryOp::Ne, 3), // ≠
            [b'<', ..] => (BinaryOp::Lt, 1),
            [b'>', ..] => (BinaryOp::Gt, 1),
            [b'=', ..] => (BinaryOp::Eq, 1),
            _ => {
                let op = match self.word()? {
                    "of" => BinaryOp::Of,
                    "and" => BinaryOp::And,
                    "or" => BinaryOp::Or,
                    _ => return None,
                };
                return Some(Piece::Infix(op));
            }
        };
        self.at = start + len;
        Some(Piece::Infix(op))
    }

    /// `primary`: `paren | literal | choose | total | round_call | name_led`.
    fn primary(&mut self) -> Option<Expr> {
        self.skip();
        let start = self.at;
        match *self.text.get(start)? {
            b'(' => {
                self.at += 1;
                let mut e = self.expr()?;
                self.punct(b')')?;
                e.span = self.span(start, self.at);
                Some(e)
            }
            b'0'..=b'9' => self.date_or_quantity(),
            0xC2 if self.text.get(start + 1) == Some(&0xA3) => self.money(),
            _ => {
                let word = self.word()?;
                let word_end = self.at;
                let kind = match word {
                    "true" | "false" => ExprKind::Literal(LiteralValue::Bool(word == "true")),
                    "choose" => self.choose()?,
                    "total" => self.total()?,
                    "round" if self.next_is(b'(') => self.round_call()?,
                    _ => {
                        if super::is_reserved(word) {
                            return None;
                        }
                        // `round` not called: the look for `(` moved on.
                        self.at = word_end;
                        let id = Ident {
                            name: word.to_string(),
                            span: self.span(start, word_end),
                        };
                        self.name_led(id)?
                    }
                };
                Some(Expr {
                    kind,
                    span: self.span(start, self.at),
                })
            }
        }
    }

    /// A run of ASCII digits from `from`: where it ends.
    fn digits(&self, from: usize) -> usize {
        let len = self.text.get(from..).map_or(0, |t| {
            t.iter()
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(t.len())
        });
        from + len
    }

    /// Not followed by a letter, digit or `_` (`!ident_char`).
    fn word_ends(&self, at: usize) -> bool {
        !self.text.get(at).is_some_and(|b| is_word_byte(*b))
    }

    /// `date | quantity` at a digit (`money` and `boolean` start otherwise).
    fn date_or_quantity(&mut self) -> Option<Expr> {
        let start = self.at;
        let t = self.text;
        let is_date = t.len() >= start + 10
            && self.digits(start) == start + 4
            && t[start + 4] == b'-'
            && self.digits(start + 5) >= start + 7
            && t[start + 7] == b'-'
            && self.digits(start + 8) >= start + 10
            && self.word_ends(start + 10);
        if is_date {
            let date = Date::parse(self.str(start, start + 10)?)?;
            self.at = start + 10;
            return Some(Expr {
                kind: ExprKind::Literal(LiteralValue::Date(date)),
                span: self.span(start, self.at),
            });
        }
        // `number`: digits, then `.` and digits if both are there.
        let mut end = self.digits(start);
        if t.get(end) == Some(&b'.') && self.digits(end + 1) > end + 1 {
            end = self.digits(end + 1);
        }
        if !self.word_ends(end) {
            return None;
        }
        let value = number::parse_decimal(self.str(start, end)?).ok()?;
        self.at = end;
        // `unit?`, after layout.
        let mut unit = Unit::Number;
        let save = self.at;
        self.skip();
        if self.text.get(self.at) == Some(&b'%') {
            self.at += 1;
            unit = Unit::Percent;
        } else if let Some(u) = self.word().and_then(unit_of) {
            unit = u;
        } else {
            self.at = save;
        }
        Some(Expr {
            kind: ExprKind::Literal(LiteralValue::Quantity(value, unit)),
            span: self.span(start, self.at),
        })
    }

    /// `money`: `£`, an `amount`, and `/` with a unit written right after it.
    fn money(&mut self) -> Option<Expr> {
        let start = self.at;
        let t = self.text;
        let from = start + 2;
        let mut i = from;
        if t.get(i) == Some(&b'-') {
            i += 1;
        }
        // `amount`: one to three digits in groups of three after commas, or
        // plain digits; then a point and digits.
        let run = self.digits(i);
        let lead = (run - i).min(3);
        let mut grouped = i + lead;
        while lead > 0 && t.get(grouped) == Some(&b',') && self.digits(grouped + 1) >= grouped + 4 {
            grouped += 4;
        }
        let mut end = if grouped > i + lead { grouped } else { run };
        if end == i {
            return None;
        }
        if t.get(end) == Some(&b'.') && self.digits(end + 1) > end + 1 {
            end = self.digits(end + 1);
        }
        let written = self.str(from, end)?;
        let digits: String = written.chars().filter(|c| *c != ',').collect();
        let value = number::parse_decimal(&digits).ok()?;
        self.at = end;
        let mut unit = Unit::Money;
        if t.get(end) == Some(&b'/') && t.get(end + 1).is_some_and(u8::is_ascii_alphabetic) {
            self.at = end + 1;
            let word = self.word()?;
            unit = unit_of(word)?.money_per()?;
        }
        Some(Expr {
            kind: ExprKind::Literal(LiteralValue::Quantity(value, unit)),
            span: self.span(start, self.at),
        })
    }

    /// `choose`, after its keyword: `{ choice+ choice_otherwise }`.
    fn choose(&mut self) -> Option<ExprKind> {
        self.punct(b'{')?;
        let mut choices = Vec::new();
        let otherwise = loop {
            let value = self.expr()?;
            match self.word()? {
                "when" => {
                    let condition = self.expr()?;
                    choices.push((value, condition));
                }
                "otherwise" => break value,
                _ => return None,
            }
        };
        if choices.is_empty() {
            return None;
        }
        self.punct(b'}')?;
        Some(ExprKind::Choose {
            choices,
            otherwise: Box::new(otherwise),
        })
    }

    /// `total`, after its keyword: `weighted? value_kind (in domain_set)?`.
    fn total(&mut self) -> Option<ExprKind> {
        let weighted = self.eat_word("weighted");
        let kind = ValueKind::from_keyword(self.word()?)?;
        let domains = if self.eat_word("in") {
            self.one_or_list(Self::ident)?
        } else {
            Vec::new()
        };
        Some(ExprKind::Total {
            weighted,
            kind,
            domains,
        })
    }

    /// `round_call`, after its keyword: `( expr (, rounding_rule)? )`.
    fn round_call(&mut self) -> Option<ExprKind> {
        self.punct(b'(')?;
        let value = self.expr()?;
        let mut rule = None;
        if self.next_is(b',') {
            self.at += 1;
            let to = match self.word()? {
                "penny" => RoundTo::Penny,
                "pound" => RoundTo::Pound,
                _ => return None,
            };
            let save = self.at;
            let mode = match self.word() {
                Some("half_up") => Some(RoundMode::HalfUp),
                Some("half_even") => Some(RoundMode::HalfEven),
                Some("up") => Some(RoundMode::Up),
                Some("down") => Some(RoundMode::Down),
                _ => {
                    self.at = save;
                    None
                }
            };
            rule = Some(RoundingRule { to, mode });
        }
        self.punct(b')')?;
        Some(ExprKind::Round(Box::new(value), rule))
    }

    /// `name_led`, after its name: `(call_args | code_test_op ~ code_set)?`.
    fn name_led(&mut self, id: Ident) -> Option<ExprKind> {
        let save = self.at;
        if self.next_is(b'(') {
            self.at += 1;
            let mut args = Vec::new();
            if !self.next_is(b')') {
                loop {
                    args.push(self.expr()?);
                    if !self.next_is(b',') {
                        break;
                    }
                    self.at += 1;
                }
            }
            self.punct(b')')?;
            return Some(ExprKind::Call(id, args));
        }
        // A code test starts `is`, `in` or `not in`.
        if !matches!(self.text.get(self.at), Some(b'i' | b'n')) {
            self.at = save;
            return Some(ExprKind::Name(id.name));
        }
        let negated = match self.word() {
            Some("is") => self.eat_word("not"),
            Some("not") => {
                self.keyword("in")?;
                true
            }
            Some("in") => false,
            _ => {
                self.at = save;
                return Some(ExprKind::Name(id.name));
            }
        };
        let codes = self.one_or_list(Self::code)?;
        Some(ExprKind::CodeTest {
            subject: id,
            negated,
            codes,
        })
    }

    /// `[a, b, …]` or a single `a` (`domain_set`, `code_set`).
    fn one_or_list<T>(&mut self, one: fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        if !self.next_is(b'[') {
            return Some(vec![one(self)?]);
        }
        self.at += 1;
        let mut all = Vec::new();
        loop {
            all.push(one(self)?);
            if !self.next_is(b',') {
                break;
            }
            self.at += 1;
        }
        self.punct(b']')?;
        Some(all)
    }

    /// `code`: digits, or a word (reserved or not).
    fn code(&mut self) -> Option<Code> {
        self.skip();
        let start = self.at;
        if self.text.get(start).is_some_and(u8::is_ascii_digit) {
            let end = self.digits(start);
            if !self.word_ends(end) {
                return None;
            }
            self.at = end;
        } else {
            self.word()?;
        }
        Some(Code {
            text: self.str(start, self.at)?.to_string(),
            span: self.span(start, self.at),
        })
    }
}

/// pest's Pratt parse (`PrattParserMap::expr`) over the pieces.
fn pratt(
    pieces: &mut std::iter::Peekable<std::vec::IntoIter<Piece>>,
    min_power: u32,
) -> Option<Expr> {
    let mut lhs = match pieces.next()? {
        Piece::Prefix(op, at) => {
            let rhs = pratt(pieces, prefix_power(op) - 1)?;
            Expr {
                span: at.join(rhs.span),
                kind: ExprKind::Unary(op, Box::new(rhs)),
            }
        }
        Piece::Value(e) => e,
        Piece::Infix(_) => return None,
    };
    loop {
        let power = match pieces.peek() {
            Some(Piece::Infix(op)) => infix_power(*op),
            Some(_) => return None,
            None => 0,
        };
        if min_power >= power {
            return Some(lhs);
        }
        let Some(Piece::Infix(op)) = pieces.next() else {
            return None;
        };
        let rhs = pratt(pieces, infix_power(op))?;
        lhs = Expr {
            span: lhs.span.join(rhs.span),
            kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        };
    }
}
