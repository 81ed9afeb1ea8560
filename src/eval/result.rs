//! The result of evaluating one case, as `ras eval --format json` prints it,
//! and the one place decimal values are formatted ([`format_value`]).

use super::err::CaseError;
use super::trace::TraceEntry;
use crate::date::Date;
use crate::model::Line;
use crate::units::Unit;
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// A value as text: money (`£`) and rates of money (`£/pt`) with at least two
/// decimals and no trailing zeros beyond them (`141.33`, `7349.16`, `69.00`,
/// `176.656`, `5.20`); every other unit without trailing zeros (`36.2`, `38`,
/// `20`). Never rounds: how many decimals a computation happened to carry
/// does not show.
pub fn format_value(value: Decimal, unit: Unit) -> String {
    let mut out = Vec::with_capacity(16);
    push_value(&mut out, value, unit);
    // Only ASCII digits, a point and a sign are written.
    String::from_utf8(out).unwrap_or_default()
}

/// The fewest decimals a value of the unit shows: pence for money, and for a
/// rate of money, which is money too (`£5.20/pt`, not `£5.2/pt`).
fn least_decimals(unit: Unit) -> u32 {
    if unit == Unit::Money || unit.rate_of().is_some() {
        2
    } else {
        0
    }
}

/// Appends [`format_value`]'s text of a value: the one printer of values,
/// used by `ras eval`, tests, errors and every figure `ras run` writes.
///
/// Written digit by digit from the mantissa rather than through `Display`,
/// because this runs for every figure of every row of a caseload. Negative
/// zero (e.g. `-0.00` from negating nothing) prints as zero: its mantissa is 0.
pub fn push_value(out: &mut Vec<u8>, value: Decimal, unit: Unit) {
    let mantissa = value.mantissa();
    let negative = mantissa < 0;
    let least_decimals = least_decimals(unit);
    // Almost every figure fits in 64 bits, where division is far cheaper.
    match u64::try_from(mantissa.unsigned_abs()) {
        Ok(n) => push_u64(out, n, value.scale(), negative, least_decimals),
        Err(_) => push_scaled(
            out,
            mantissa.unsigned_abs(),
            value.scale(),
            negative,
            least_decimals,
        ),
    }
}

/// Appends [`push_value`]'s text of m x 10^-scale (a value of the
/// fixed-point lane), without making a `Decimal` of it.
#[cfg(feature = "cli")]
pub(crate) fn push_fixed(out: &mut Vec<u8>, m: i64, scale: u8, unit: Unit) {
    push_u64(
        out,
        m.unsigned_abs(),
        u32::from(scale),
        m < 0,
        least_decimals(unit),
    );
}

/// Two ASCII digits for each number below 100.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// 10^n for the scales [`push_u64`] splits a figure at.
const POW10_U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// [`push_scaled`] for a magnitude in 64 bits, as every figure of a
/// caseload is: the whole part and the fraction are split with one division
/// (by a constant at the usual scales), each written two digits at a time,
/// straight into room of fixed size at the end of `out` that is then cut
/// back, so that no copy of a length known only at run time is made.
#[inline]
fn push_u64(out: &mut Vec<u8>, n: u64, scale: u32, negative: bool, least_decimals: u32) {
    let Some(&p) = POW10_U64.get(scale as usize) else {
        return push_scaled(out, n, scale, negative, least_decimals);
    };
    let (whole, mut fraction) = match scale {
        0 => (n, 0),
        2 => (n / 100, n % 100),
        3 => (n / 1000, n % 1000),
        _ => (n / p, n % p),
    };
    let mut places = scale;
    while places > least_decimals && fraction % 10 == 0 {
        fraction /= 10;
        places -= 1;
    }
    while places < least_decimals {
        fraction *= 10;
        places += 1;
    }
    // The text is written straight into the output, into room made for the
    // longest figure and cut back after: written byte by byte into a buffer
    // of its own and then copied, it would be read back before the bytes had
    // settled, which stalls the processor on every figure.
    let start = out.len();
    out.resize(start + TEXT, 0);
    let end = match out
        .get_mut(start..)
        .and_then(|room| <&mut [u8; TEXT]>::try_from(room).ok())
    {
        Some(text) => put_figure(text, whole, fraction, places, negative),
        None => 0,
    };
    out.truncate(start + end);
}

/// Writes a figure's sign, whole part and `places` decimals of `fraction`
/// at the start of `text`, returning its length. A sign, 20 digits, a point
/// and 19 decimals (or 2, padded) fit; places are taken modulo the buffer's
/// length, so that no index is checked.
#[inline(always)]
fn put_figure(
    text: &mut [u8; TEXT],
    whole: u64,
    fraction: u64,
    places: u32,
    negative: bool,
) -> usize {
    text[0] = b'-';
    // Most figures are below 100,000: their digits counted without a log.
    let digits = match whole {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        10000..=99999 => 5,
        _ => whole.checked_ilog10().map_or(1, |d| d as usize + 1),
    };
    let mut end = usize::from(negative) + digits;
    put_digits(text, end, whole, digits);
    if places == 2 {
        // Pence, the usual fraction: one pair.
        let [tens, ones] = DIGIT_PAIRS[(fraction % 100) as usize];
        text[end % TEXT] = b'.';
        text[(end + 1) % TEXT] = tens;
        text[(end + 2) % TEXT] = ones;
        end += 3;
    } else if places > 0 {
        text[end % TEXT] = b'.';
        end += 1 + places as usize;
        put_digits(text, end, fraction, places as usize);
    }
    end
}

/// The length of [`push_u64`]'s buffer: a power of two.
const TEXT: usize = 64;

/// Writes the last `count` digits of `n` (zeros in front where it has fewer)
/// so that they end before `text[end]`.
#[inline(always)]
fn put_digits(text: &mut [u8; TEXT], end: usize, mut n: u64, mut count: usize) {
    let mut at = end;
    while count >= 2 {
        let [tens, ones] = DIGIT_PAIRS[(n % 100) as usize];
        n /= 100;
        at = at.wrapping_sub(2);
        text[at % TEXT] = tens;
        text[at.wrapping_add(1) % TEXT] = ones;
        count -= 2;
    }
    if count == 1 {
        text[at.wrapping_sub(1) % TEXT] = b'0' + (n % 10) as u8;
    }
}

/// Writes `n / 10^scale` without trailing fractional zeros but with at least
/// `least_decimals` decimals, assembled right to left on the stack.
fn push_scaled<N>(out: &mut Vec<u8>, mut n: N, scale: u32, negative: bool, least_decimals: u32)
where
    N: Copy
        + PartialEq
        + From<u8>
        + std::ops::Rem<Output = N>
        + std::ops::Div<Output = N>
        + TryInto<u8>,
{
    let (zero, ten) = (N::from(0), N::from(10));
    let mut scale = scale;
    while scale > 0 && n % ten == zero {
        n = n / ten;
        scale -= 1;
    }
    let decimals = scale.max(least_decimals);
    // 29 digits, a point, a sign and up to 28 padding zeros fit.
    let mut text = [0u8; 64];
    let mut at = text.len();
    let mut put = |byte: u8| {
        at -= 1;
        text[at] = byte;
    };
    for _ in scale..decimals {
        put(b'0');
    }
    for _ in 0..scale {
        put(b'0' + (n % ten).try_into().unwrap_or(0));
        n = n / ten;
    }
    if decimals > 0 {
        put(b'.');
    }
    loop {
        put(b'0' + (n % ten).try_into().unwrap_or(0));
        n = n / ten;
        if n == zero {
            break;
        }
    }
    if negative {
        put(b'-');
    }
    out.extend_from_slice(&text[at..]);
}

/// A value as people read it: `£7,349.16`, `38 pts`, `10%`, `£4.88/pt`, `52`.
pub fn format_quantity(value: Decimal, unit: Unit) -> String {
    let text = format_value(value, unit);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(d) => ("-", group_thousands(d)),
        None => ("", group_thousands(&text)),
    };
    match unit {
        Unit::Number => text,
        Unit::Percent => format!("{text}%"),
        Unit::Money => format!("{sign}£{digits}"),
        Unit::MoneyPerPoint | Unit::MoneyPerHour | Unit::MoneyPerSession | Unit::MoneyPerNight => {
            let per = unit.symbol().trim_start_matches('£');
            format!("{sign}£{digits}{per}")
        }
        Unit::Points | Unit::Hours | Unit::Sessions | Unit::Nights => {
            format!("{text} {}", unit.symbol())
        }
    }
}

/// `7349.16` -> `7,349.16` (money only, as councils print it).
fn group_thousands(digits: &str) -> String {
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(digits.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A value with its unit; serialises as [`format_value`] text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    /// The exact value.
    pub value: Decimal,
    /// Its unit.
    pub unit: Unit,
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_value(self.value, self.unit))
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_quantity(self.value, self.unit))
    }
}

/// Named values in file order; serialises as a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Named<V>(pub Vec<(String, V)>);

impl<V> Default for Named<V> {
    fn default() -> Self {
        Named(Vec::new())
    }
}

impl<V> Named<V> {
    /// The value of a name.
    pub fn get(&self, name: &str) -> Option<&V> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names and values in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }
}

impl<V: Serialize> Serialize for Named<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Which policy gave the result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyInfo {
    /// Council.
    pub council: String,
    /// Policy title.
    pub title: String,
    /// Policy version.
    pub version: String,
    /// SHA-256 of the rule file.
    pub fingerprint: String,
    /// The date the policy takes effect.
    pub effective: Option<Date>,
    /// Who approved it, and when.
    pub approved: Option<String>,
    /// The budget period (`weekly`…).
    pub period: crate::vocabulary::Period,
    /// The output that is the indicative budget.
    pub indicative_step: String,
    /// The council's own words on how to ask for a review or appeal.
    pub appeal: Option<String>,
}

/// How the evaluation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Figures were worked out.
    Ok,
    /// An eligibility requirement failed; no figures.
    NotEligible,
    /// The policy is not validated for the cohort; no figures.
    NotValidated,
    /// The case has an error; see `error`.
    Error,
}

impl Status {
    /// The status as written in JSON (`ok`, `not_eligible`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NotEligible => "not_eligible",
            Status::NotValidated => "not_validated",
            Status::Error => "error",
        }
    }
}

/// A parameter value the case used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterUsed {
    /// Parameter id.
    pub name: String,
    /// The value for this case.
    pub value: Quantity,
    /// Its unit.
    #[serde(serialize_with = "unit_symbol")]
    pub unit: Unit,
    /// The date the value is in force from, or null when undated.
    pub from: Option<Date>,
    /// The cohort or attribute value that chose the value (`working_age`),
    /// or null when the parameter varies by neither.
    pub key: Option<String>,
    /// Where the value is written.
    pub line: Line,
}

fn unit_symbol<S: Serializer>(unit: &Unit, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(unit.symbol())
}

/// The result of evaluating one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalResult {
    /// Which policy.
    pub policy: PolicyInfo,
    /// The case's identifier.
    pub case_id: Option<String>,
    /// The case's cohort id, when known.
    pub cohort: Option<String>,
    /// The case's assessment date, as the case gives it.
    pub assessed: Option<Date>,
    /// The date parameters were read at instead of the assessment date
    /// (`--as-of`), when given; the assessment date is kept as it was.
    pub as_of: Option<Date>,
    /// How it ended.
    pub status: Status,
    /// Eligible or not; null when eligibility was not reached.
    pub eligible: Option<bool>,
    /// Why not eligible.
    pub reasons: Vec<String>,
    /// Why the policy gives no figure for the cohort, when it does not.
    pub not_validated: Option<String>,
    /// The outputs, in file order.
    pub outputs: Named<Quantity>,
    /// Every step worked out (lets, deductions, outputs), in file order.
    pub steps: Named<Quantity>,
    /// Every flag, raised or not, in file order (empty when not reached).
    pub flags: Named<bool>,
    /// The approval route taken; null without a costed plan.
    pub route: Option<String>,
    /// Messages of `warn` answer checks, and other notes.
    pub warnings: Vec<String>,
    /// The case's error, when status is `error`.
    pub error: Option<CaseError>,
    /// Parameter values used, in the order first read.
    pub parameters_used: Vec<ParameterUsed>,
    /// What was read and decided, in order.
    pub trace: Vec<TraceEntry>,
}

impl EvalResult {
    /// The date dated parameters were read at: `as_of` when given, else the
    /// assessment date.
    pub fn rates_date(&self) -> Option<Date> {
        self.as_of.or(self.assessed)
    }

    /// The value of a step (or output), when worked out.
    pub fn step(&self, name: &str) -> Option<Decimal> {
        self.steps.get(name).map(|q| q.value)
    }

    /// The result as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
