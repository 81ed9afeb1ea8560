//! The "Shire RAS 2025" computation (shared/SCENARIO.md) written by hand, with no policy engine.
//!
//! This is the yardstick `ras run` is measured against, so it is deliberately as direct as the
//! arithmetic allows while staying exact: money is `rust_decimal::Decimal`, never a float.
//!
//! Usage: `shire_handwritten INPUT.csv OUTPUT.csv` (`-` for stdin / stdout).
//!
//! Exit status: 0 when every row was computed; 1 when one or more rows were rejected (each is
//! reported on stderr with its line number and the output simply lacks it); 2 on a fatal error
//! (unreadable input, missing column, write failure).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

use csv::{ByteRecord, ReaderBuilder};
use rust_decimal::{Decimal, RoundingStrategy};

/// `Decimal` with two decimal places, usable in a `const` (`Decimal::new` is not a const fn).
const fn cents(value: u32) -> Decimal {
    Decimal::from_parts(value, 0, 0, false, 2)
}

/// Points of each option (code 1..k), question q01..q24 in order, the domain weight in hundredths,
/// and whether the domain is one of the daily-living domains that informal support reduces.
///
/// Every weight has at most two decimals, so a weighted option is an exact whole number of
/// hundredths of a point. Summing those as integers is exact decimal arithmetic and keeps the
/// 24-term sum off the (much slower) general `Decimal` addition path. Weighting each question
/// rather than each domain's sum gives the same figures: multiplication distributes exactly.
struct Question {
    points: &'static [i64],
    weight_hundredths: i64,
    daily_living: bool,
}

const PERSONAL_CARE: (i64, bool) = (150, true);
const DAILY: (i64, bool) = (100, true); // nutrition, toileting, clothing
const NIGHT: (i64, bool) = (125, false);
const BEHAVIOUR: (i64, bool) = (120, false);
const OTHER: (i64, bool) = (100, false);

const fn q(points: &'static [i64], domain: (i64, bool)) -> Question {
    Question {
        points,
        weight_hundredths: domain.0,
        daily_living: domain.1,
    }
}

const QUESTIONS: [Question; 24] = [
    q(&[0, 4, 10, 18, 26], PERSONAL_CARE), // q01
    q(&[0, 3, 8, 14], PERSONAL_CARE),      // q02
    q(&[0, 3, 7, 12], DAILY),              // q03 nutrition
    q(&[0, 2, 5], DAILY),                  // q04 nutrition
    q(&[0, 4, 9, 16], DAILY),              // q05 toileting
    q(&[0, 2, 5, 8], DAILY),               // q06 clothing
    q(&[0, 3, 8, 15, 22], OTHER),          // q07 home_safety
    q(&[0, 5, 12], OTHER),                 // q08 home_safety
    q(&[0, 2, 4, 7], OTHER),               // q09 habitable_home
    q(&[0, 2, 5, 9], OTHER),               // q10 relationships
    q(&[0, 3, 6, 10], OTHER),              // q11 community
    q(&[0, 2, 4], OTHER),                  // q12 community
    q(&[0, 2, 5, 8], OTHER),               // q13 work_education
    q(&[0, 4, 9], OTHER),                  // q14 caring_child
    q(&[0, 6, 14, 24], NIGHT),             // q15
    q(&[0, 5, 11], NIGHT),                 // q16
    q(&[0, 4, 10, 18, 30], BEHAVIOUR),     // q17
    q(&[0, 3, 8], BEHAVIOUR),              // q18
    q(&[0, 2, 6, 12], OTHER),              // q19 health
    q(&[0, 3, 7], OTHER),                  // q20 health
    q(&[0, 2, 6, 11], OTHER),              // q21 mobility
    q(&[0, 3, 8], OTHER),                  // q22 mobility
    q(&[0, 2, 5, 9], OTHER),               // q23 communication
    q(&[0, 2, 4, 7], OTHER),               // q24 medication
];

/// The most options any question has; sizes the flat lookup table.
const MAX_OPTIONS: usize = 5;

/// Weighted points in hundredths, indexed by `[question][option code]` (code 0 is unused), with
/// `None` for codes the question does not have so that one lookup also validates the answer.
type PointsTable = [[Option<i64>; MAX_OPTIONS + 1]; 24];

fn points_table() -> PointsTable {
    let mut table = [[None; MAX_OPTIONS + 1]; 24];
    for (row, question) in table.iter_mut().zip(QUESTIONS.iter()) {
        for (code, points) in question.points.iter().enumerate() {
            row[code + 1] = Some(points * question.weight_hundredths);
        }
    }
    table
}

#[derive(Clone, Copy)]
enum Cohort {
    OlderPeople,
    WorkingAge,
}

impl Cohort {
    fn parse(field: &[u8]) -> Option<Cohort> {
        match field.trim_ascii() {
            b"older_people" => Some(Cohort::OlderPeople),
            b"working_age" => Some(Cohort::WorkingAge),
            _ => None,
        }
    }

    fn price_per_point(self) -> Decimal {
        match self {
            Cohort::OlderPeople => cents(488),
            Cohort::WorkingAge => cents(520),
        }
    }

    fn reasonable_offer_threshold(self) -> Decimal {
        match self {
            Cohort::OlderPeople => cents(65_000),
            Cohort::WorkingAge => cents(110_000),
        }
    }
}

/// Informal support deduction rate in percent. Only a *willing* carer reduces the assessed need:
/// an unwilling carer's support cannot be relied on, so it counts as none.
fn carer_deduction_percent(field: &[u8]) -> Option<i64> {
    match field.trim_ascii() {
        b"none" | b"some_unwilling" | b"most_unwilling" => Some(0),
        b"some_willing" => Some(15),
        b"most_willing" => Some(30),
        _ => None,
    }
}

/// Contingency rate retained from the gross, banded on the gross. Smaller packages keep a larger
/// share back because a few extra hours swing them proportionally more.
fn contingency_rate(gross: Decimal) -> Decimal {
    if gross < cents(10_000) {
        cents(26)
    } else if gross < cents(30_000) {
        cents(15)
    } else if gross < cents(60_000) {
        cents(10)
    } else {
        cents(5)
    }
}

/// Parses a non-negative amount of pounds with at most two decimals (`"12"`, `"12.5"`, `"12.50"`).
/// Hand-rolled instead of `Decimal::from_str` because that one also accepts forms a plan cost
/// should never take (`"1_000"`, signs) and is several times slower on the hot path.
fn parse_pounds(field: &[u8]) -> Result<Decimal, &'static str> {
    const POUNDS: &str = "pounds with at most 2 decimals, e.g. 123.45";
    let (whole, fraction) = match field.iter().position(|&b| b == b'.') {
        Some(dot) => (&field[..dot], &field[dot + 1..]),
        None => (field, &field[field.len()..]),
    };
    if whole.is_empty() || fraction.len() > 2 || (fraction.is_empty() && whole.len() < field.len())
    {
        return Err(POUNDS);
    }
    // 15 digits of pounds cannot overflow an i64 count of pence.
    if whole.len() > 15 {
        return Err("an amount below 10^15 pounds");
    }
    let mut pence: i64 = 0;
    for &b in whole.iter().chain(fraction) {
        if !b.is_ascii_digit() {
            return Err(POUNDS);
        }
        pence = pence * 10 + i64::from(b - b'0');
    }
    // "12.5" means 12.50, not 12.05.
    for _ in fraction.len()..2 {
        pence *= 10;
    }
    Ok(Decimal::new(pence, 2))
}

/// Parses an option code; anything but plain ASCII digits (surrounding spaces allowed) is `None`.
fn parse_code(field: &[u8]) -> Option<usize> {
    match field {
        // The overwhelmingly common case: one digit, no padding.
        [d @ b'0'..=b'9'] => Some(usize::from(d - b'0')),
        _ => {
            let digits = field.trim_ascii();
            if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(
                digits
                    .iter()
                    .fold(0, |n, &d| n * 10 + usize::from(d - b'0')),
            )
        }
    }
}

/// Column positions of the fields we use, found by header name so that column order and extra
/// columns in the input do not matter.
struct Columns {
    case_id: usize,
    cohort: usize,
    answers: [usize; 24],
    carer: usize,
    plan_cost: usize,
    /// One past the largest position above: a record shorter than this is missing a field.
    needed_len: usize,
}

impl Columns {
    fn from_header(header: &ByteRecord) -> Result<Columns, String> {
        let find = |name: &str| -> Result<usize, String> {
            let mut found = header
                .iter()
                .enumerate()
                .filter(|(_, h)| h.trim_ascii() == name.as_bytes());
            match (found.next(), found.next()) {
                (Some((i, _)), None) => Ok(i),
                (None, _) => Err(format!("input header has no `{name}` column")),
                (Some(_), Some(_)) => {
                    Err(format!("input header has more than one `{name}` column"))
                }
            }
        };
        let mut answers = [0; 24];
        for (n, slot) in answers.iter_mut().enumerate() {
            *slot = find(&format!("q{:02}", n + 1))?;
        }
        let case_id = find("case_id")?;
        let cohort = find("cohort")?;
        let carer = find("carer")?;
        let plan_cost = find("plan_cost")?;
        let needed_len = answers
            .iter()
            .chain([case_id, cohort, carer, plan_cost].iter())
            .max()
            .map_or(0, |&m| m + 1);
        Ok(Columns {
            case_id,
            cohort,
            answers,
            carer,
            plan_cost,
            needed_len,
        })
    }
}

/// One computed output row, before formatting.
struct Outcome {
    points: Decimal,
    net_points: Decimal,
    gross: Decimal,
    contingency: Decimal,
    indicative: Decimal,
    annual: Decimal,
    reasonable_offer_review: bool,
    route: &'static [u8],
}

fn round_pennies(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The whole Shire computation for one record, in SCENARIO.md's order.
fn compute(record: &ByteRecord, cols: &Columns, table: &PointsTable) -> Result<Outcome, String> {
    if record.len() < cols.needed_len {
        return Err(format!(
            "has {} fields, expected at least {}",
            record.len(),
            cols.needed_len
        ));
    }
    // Indexing below cannot panic: every column index is < needed_len <= record.len().
    if record[cols.case_id].trim_ascii().is_empty() {
        return Err("empty case_id".to_string());
    }
    let cohort = Cohort::parse(&record[cols.cohort]).ok_or_else(|| {
        bad_value(
            "cohort",
            &record[cols.cohort],
            "older_people or working_age",
        )
    })?;
    let deduction_percent = carer_deduction_percent(&record[cols.carer]).ok_or_else(|| {
        bad_value(
            "carer",
            &record[cols.carer],
            "none, some_willing, some_unwilling, most_willing or most_unwilling",
        )
    })?;

    // Step 1: weighted points, and the daily-living part of them for step 2 (hundredths).
    let mut points_c: i64 = 0;
    let mut daily_c: i64 = 0;
    for (n, (&col, row)) in cols.answers.iter().zip(table.iter()).enumerate() {
        let field = &record[col];
        let weighted = parse_code(field)
            .and_then(|code| row.get(code).copied().flatten())
            .ok_or_else(|| {
                let k = QUESTIONS[n].points.len();
                bad_value(
                    &format!("q{:02}", n + 1),
                    field,
                    &format!("an option code 1..{k}"),
                )
            })?;
        points_c += weighted;
        if QUESTIONS[n].daily_living {
            daily_c += weighted;
        }
    }
    let points = Decimal::new(points_c, 2);

    // Step 2: informal support. The deduction is a percentage of hundredths, so the net is exact
    // at four decimals; the scenario says points are never rounded.
    let net_points = Decimal::new(points_c * 100 - deduction_percent * daily_c, 4);

    // Steps 3-5.
    let gross = round_pennies(net_points * cohort.price_per_point());
    let contingency = round_pennies(gross * contingency_rate(gross));
    let indicative = gross - contingency;
    let annual = indicative * Decimal::from(52);

    // Step 6: a flag for review, never a cap.
    let reasonable_offer_review = indicative > cohort.reasonable_offer_threshold();

    // Step 7.
    let plan_field = record[cols.plan_cost].trim_ascii();
    let route: &'static [u8] = if plan_field.is_empty() {
        b""
    } else {
        let plan_cost =
            parse_pounds(plan_field).map_err(|why| bad_value("plan_cost", plan_field, why))?;
        let panel_limit = cents(100_000);
        if indicative >= panel_limit || plan_cost >= panel_limit {
            b"panel"
        } else if (plan_cost - indicative).abs() <= indicative * cents(10) {
            b"care_manager"
        } else {
            b"team_manager"
        }
    };

    Ok(Outcome {
        points,
        net_points,
        gross,
        contingency,
        indicative,
        annual,
        reasonable_offer_review,
        route,
    })
}

fn bad_value(column: &str, value: &[u8], expected: &str) -> String {
    format!(
        "bad {column} {:?}: expected {expected}",
        String::from_utf8_lossy(value)
    )
}

/// Appends the decimal digits of `value` to `out`, with at least `min_scale` decimals and any
/// trailing zeros beyond that trimmed. Formatting by hand avoids `Decimal`'s `Display`, which goes
/// through `fmt::Formatter` and `u128` division, and dominated the profile.
fn push_decimal(out: &mut Vec<u8>, value: Decimal, min_scale: u32) {
    let mantissa = value.mantissa().unsigned_abs();
    // Every figure of this computation fits an u64 mantissa many times over; the rare value
    // that would not is left to the general (slow, but exact) `Display`.
    let Ok(mut mantissa) = u64::try_from(mantissa) else {
        let mut value = value.normalize();
        if value.scale() < min_scale {
            value.rescale(min_scale);
        }
        out.extend_from_slice(value.to_string().as_bytes());
        return;
    };
    let mut scale = value.scale();
    while scale > min_scale && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if value.is_sign_negative() && mantissa != 0 {
        out.push(b'-');
    }
    // Widening to `min_scale` (at most 2 here) is done by emitting zeros, not by multiplying,
    // so it cannot overflow.
    let pad = min_scale.saturating_sub(scale);
    let scale = scale.max(min_scale);
    // An u64 has at most 20 digits; MAX_SCALE (28) zeros, the point and a leading 0 fit in 64.
    let mut digits = [0u8; 64];
    let mut at = digits.len();
    let mut emitted = 0;
    while mantissa != 0 || emitted <= scale {
        if emitted == scale && scale != 0 {
            at -= 1;
            digits[at] = b'.';
        }
        at -= 1;
        if emitted < pad {
            digits[at] = b'0';
        } else {
            digits[at] = b'0' + (mantissa % 10) as u8;
            mantissa /= 10;
        }
        emitted += 1;
    }
    out.extend_from_slice(&digits[at..]);
}

/// Appends `field` as one CSV field, quoted only when it has to be (RFC 4180, as the `csv` crate
/// writes it). Only the case id can need this: every other output field is a number, a boolean
/// or a route name.
fn push_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

fn open_input(path: &str) -> io::Result<Box<dyn Read>> {
    Ok(if path == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path)?)
    })
}

fn open_output(path: &str) -> io::Result<Box<dyn Write>> {
    Ok(if path == "-" {
        Box::new(io::stdout().lock())
    } else {
        Box::new(File::create(path)?)
    })
}

const OUTPUT_HEADER: &str =
    "case_id,points,net_points,gross,contingency,indicative,annual,reasonable_offer_review,route\n";

/// Runs the whole file; returns the number of rejected rows.
fn run(input: &str, output: &str) -> Result<u64, String> {
    let reader = open_input(input).map_err(|e| format!("cannot open {input}: {e}"))?;
    let writer = open_output(output).map_err(|e| format!("cannot create {output}: {e}"))?;
    // Large buffers: both ends are sequential streams, and fewer syscalls is most of the I/O cost.
    let mut rdr = ReaderBuilder::new()
        .buffer_capacity(1 << 20)
        .flexible(true) // short rows are reported per row, not as a fatal parse error
        .from_reader(reader);
    let mut wtr = BufWriter::with_capacity(1 << 20, writer);
    let write_err = |e: io::Error| format!("cannot write {output}: {e}");

    let header = rdr
        .byte_headers()
        .map_err(|e| format!("cannot read header of {input}: {e}"))?
        .clone();
    let cols = Columns::from_header(&header)?;
    let table = points_table();
    wtr.write_all(OUTPUT_HEADER.as_bytes()).map_err(write_err)?;

    let mut record = ByteRecord::new();
    let mut line_buf = Vec::with_capacity(256);
    let mut rejected = 0u64;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(format!("cannot read {input}: {e}")),
        }
        let line = record.position().map_or(0, csv::Position::line);
        let case_id = record.get(cols.case_id).unwrap_or_default();
        let o = match compute(&record, &cols, &table) {
            Ok(o) => o,
            Err(why) => {
                rejected += 1;
                eprintln!(
                    "{input}: line {line} (case_id {:?}): {why}; row skipped",
                    String::from_utf8_lossy(case_id)
                );
                continue;
            }
        };

        // The line is assembled in one reused buffer and handed to the BufWriter in one call:
        // going through `csv::Writer` field by field cost ~10% of the run for no benefit, as
        // only the case id can ever need quoting.
        line_buf.clear();
        push_csv_field(&mut line_buf, case_id);
        for (value, min_scale) in [
            (o.points, 0),
            (o.net_points, 0),
            (o.gross, 2),
            (o.contingency, 2),
            (o.indicative, 2),
            (o.annual, 2),
        ] {
            line_buf.push(b',');
            push_decimal(&mut line_buf, value, min_scale);
        }
        line_buf.extend_from_slice(if o.reasonable_offer_review {
            b",true,"
        } else {
            b",false,"
        });
        line_buf.extend_from_slice(o.route);
        line_buf.push(b'\n');
        wtr.write_all(&line_buf).map_err(write_err)?;
    }
    wtr.flush().map_err(write_err)?;
    Ok(rejected)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("usage: shire_handwritten INPUT.csv OUTPUT.csv   (`-` for stdin/stdout)");
        return ExitCode::from(2);
    };
    match run(input, output) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(rejected) => {
            eprintln!("{rejected} row(s) rejected");
            ExitCode::from(1)
        }
        Err(why) => {
            eprintln!("shire_handwritten: {why}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(value: Decimal, min_scale: u32) -> String {
        let mut out = Vec::new();
        push_decimal(&mut out, value, min_scale);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn formats_like_the_scenario() {
        assert_eq!(formatted(Decimal::new(3750, 2), 0), "37.5");
        assert_eq!(formatted(Decimal::new(0, 4), 0), "0");
        assert_eq!(formatted(Decimal::new(325_3500, 4), 0), "325.35");
        assert_eq!(formatted(Decimal::new(1000, 2), 0), "10");
        assert_eq!(formatted(Decimal::new(5, 4), 0), "0.0005");
        assert_eq!(formatted(Decimal::new(5, 2), 2), "0.05");
        assert_eq!(formatted(Decimal::new(0, 0), 2), "0.00");
        assert_eq!(formatted(Decimal::new(12345, 0), 2), "12345.00");
    }

    #[test]
    fn parses_pounds_strictly() {
        assert_eq!(parse_pounds(b"12.5"), Ok(Decimal::new(1250, 2)));
        assert_eq!(parse_pounds(b"12"), Ok(Decimal::new(1200, 2)));
        assert_eq!(parse_pounds(b"0.07"), Ok(Decimal::new(7, 2)));
        for bad in [&b"12."[..], b".5", b"1.234", b"-3", b"1_000", b"1e3", b""] {
            assert!(
                parse_pounds(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
