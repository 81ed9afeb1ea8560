//! Text caseloads read with bounds and places: CSV records and JSON lines.
//! A CSV line with no quote is split on its commas here; any other record
//! is read by csv-core, whose bytes are followed for quotes so that lines
//! are counted exactly.

use super::{FileProblem, MAX_ROW_BYTES, MAX_RUN_ON_BYTES};
use std::io::{self, BufRead, BufReader, ErrorKind};

/// What reading one row gave.
pub(crate) enum Read {
    /// A row, starting on this line; its bytes are in the source.
    Record { line: u64 },
    /// A row longer than [`MAX_ROW_BYTES`], read past.
    TooLong { line: u64 },
    /// The end of the file.
    End,
    /// The file cannot be read as a caseload from here on.
    Fatal(FileProblem),
    /// Reading failed on this line.
    Io { line: u64, error: io::Error },
}

/// Whether the bytes read so far are inside a quoted CSV field, following
/// csv-core's reading: a quote opens a field only at the field's start,
/// `""` inside quotes is a quote, and a closing quote may be followed by more
/// of the field.
#[derive(Debug, Clone, Copy)]
enum Quoting {
    Outside { field_start: bool },
    Inside,
    QuoteInside,
}

#[derive(Debug, Clone, Copy)]
struct Quotes {
    state: Quoting,
    /// The line where the open quote is.
    opened: u64,
}

impl Quotes {
    fn record_start() -> Quotes {
        Quotes {
            state: Quoting::Outside { field_start: true },
            opened: 0,
        }
    }

    /// Follows `bytes`, counting their line ends into `line`. Only quotes
    /// change the state, so the bytes between them are skipped over.
    fn scan(&mut self, bytes: &[u8], line: &mut u64) {
        let newlines = |b: &[u8]| b.iter().filter(|c| **c == b'\n').count() as u64;
        let mut rest = bytes;
        while let Some(&first) = rest.first() {
            match self.state {
                Quoting::Outside { field_start } => match rest.iter().position(|b| *b == b'"') {
                    None => {
                        *line += newlines(rest);
                        let last = rest[rest.len() - 1];
                        self.state = Quoting::Outside {
                            field_start: ends_field(last),
                        };
                        return;
                    }
                    Some(i) => {
                        *line += newlines(&rest[..i]);
                        let at_start = if i == 0 {
                            field_start
                        } else {
                            ends_field(rest[i - 1])
                        };
                        self.state = if at_start {
                            self.opened = *line;
                            Quoting::Inside
                        } else {
                            Quoting::Outside { field_start: false }
                        };
                        rest = &rest[i + 1..];
                    }
                },
                Quoting::Inside => match rest.iter().position(|b| *b == b'"') {
                    None => {
                        *line += newlines(rest);
                        return;
                    }
                    Some(i) => {
                        *line += newlines(&rest[..i]);
                        self.state = Quoting::QuoteInside;
                        rest = &rest[i + 1..];
                    }
                },
                Quoting::QuoteInside => {
                    if first == b'\n' {
                        *line += 1;
                    }
                    self.state = if first == b'"' {
                        Quoting::Inside
                    } else {
                        Quoting::Outside {
                            field_start: ends_field(first),
                        }
                    };
                    rest = &rest[1..];
                }
            }
        }
    }

    /// The line of a quote that is still open.
    fn open_at(&self) -> Option<u64> {
        matches!(self.state, Quoting::Inside).then_some(self.opened)
    }
}

/// Whether the byte after `b` starts a new field.
fn ends_field(b: u8) -> bool {
    matches!(b, b',' | b'\n' | b'\r')
}

fn unclosed_quote(line: u64, within: Option<u64>) -> FileProblem {
    let how = match within {
        Some(bytes) => format!("is not closed within {} MiB", bytes >> 20),
        None => "is never closed".to_string(),
    };
    FileProblem::new(format!(
        "line {line}: a quote (`\"`) opens a field here and {how}, so the lines after it cannot be read as rows"
    ))
    .hint("close the quoted field with `\"`; a quote inside a quoted field is written twice (`\"\"`)")
}

fn run_on(line: u64) -> FileProblem {
    FileProblem::new(format!(
        "line {line} goes on for more than {} MiB without ending; this is not a caseload",
        MAX_RUN_ON_BYTES >> 20
    ))
    .hint(format!(
        "a caseload has one case per line, each at most {} MiB",
        MAX_ROW_BYTES >> 20
    ))
}

/// Fills the buffer, retrying when interrupted.
fn fill(input: &mut dyn BufRead) -> io::Result<&[u8]> {
    loop {
        match input.fill_buf() {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // Re-borrowed below: the loop cannot return the first borrow.
            Err(e) => return Err(e),
            Ok(_) => break,
        }
    }
    input.fill_buf()
}

/// CSV records, one at a time, with the line each starts on: from a file
/// (`R` a buffered reader), or from a block of whole records cut from one
/// for another thread (`R` a [`Block`]).
pub(super) struct CsvSource<R = BufReader<Box<dyn io::Read>>> {
    input: R,
    core: csv_core::Reader,
    /// The last record's field bytes (`len` of them) and field ends (`nends`).
    bytes: Vec<u8>,
    len: usize,
    ends: Vec<usize>,
    nends: usize,
    /// Whether the last record's bytes are its line as in the file, fields
    /// a comma apart ([`CsvSource::split_plain_line`]), rather than csv-core's
    /// fields end to end.
    as_line: bool,
    /// Whether a record has been read, so that a byte-order mark is text.
    started: bool,
    /// Whether plain lines are split without csv-core (off in tests that
    /// compare the two).
    plain_lines: bool,
    /// Where the rest of a too-long record goes.
    spill: Vec<u8>,
    spill_ends: Vec<usize>,
    /// The line of the next byte.
    line: u64,
    consumed: u64,
    total: Option<u64>,
}

impl CsvSource {
    pub(super) fn new(reader: Box<dyn io::Read>, total: Option<u64>) -> CsvSource {
        CsvSource::over(BufReader::with_capacity(1 << 16, reader), total)
    }
}

impl<R: BufRead> CsvSource<R> {
    pub(super) fn over(input: R, total: Option<u64>) -> CsvSource<R> {
        CsvSource {
            input,
            core: csv_core::Reader::new(),
            bytes: vec![0; 1024],
            len: 0,
            ends: vec![0; 64],
            nends: 0,
            as_line: false,
            started: false,
            plain_lines: true,
            spill: vec![0; 1 << 16],
            spill_ends: vec![0; 1024],
            line: 1,
            consumed: 0,
            total,
        }
    }

    /// Bytes read and the file's size, when known.
    pub(super) fn progress(&self) -> (u64, Option<u64>) {
        (self.consumed, self.total)
    }

    /// The last record's fields, unescaped, end to end.
    pub(super) fn bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Where each field of the last record ends in [`CsvSource::bytes`].
    pub(super) fn ends(&self) -> &[usize] {
        self.ends.get(..self.nends).unwrap_or(&[])
    }

    /// The last record's fields, given its bytes as text.
    pub(super) fn fields<'s>(&'s self, text: &'s str) -> super::Fields<'s> {
        super::Fields::of(text, self.ends(), self.as_line)
    }

    /// Field `i` of the last record.
    pub(super) fn field(&self, i: usize) -> &[u8] {
        super::Fields::range(self.ends(), usize::from(self.as_line), i)
            .and_then(|r| self.bytes().get(r))
            .unwrap_or(&[])
    }

    /// Tests compare csv-core's reading of every line with the reading of
    /// plain lines on their own.
    #[cfg(test)]
    pub(super) fn without_plain_lines(mut self) -> Self {
        self.plain_lines = false;
        self
    }

    /// Reads the next record when it is a plain line: wholly in the buffer,
    /// not the file's first (which may start with a byte-order mark), with no
    /// quote, and no carriage return but one before its line feed. csv-core
    /// would read it as its commas split it; split here, it costs a tenth.
    fn split_plain_line(&mut self) -> Option<u64> {
        let buf = self.input.fill_buf().ok()?;
        // One search finds the line's end and any quote or carriage return
        // before it.
        let first = memchr::memchr3(b'\n', b'"', b'\r', buf)?;
        let (line, end) = match (buf.get(first), buf.get(first + 1)) {
            (Some(b'\n'), _) => (&buf[..first], first),
            (Some(b'\r'), Some(b'\n')) => (&buf[..first], first + 1),
            _ => return None,
        };
        // Near the bound, csv-core's reading says whether the row is too long.
        if end >= MAX_ROW_BYTES {
            return None;
        }
        if self.bytes.len() < line.len() {
            self.bytes.resize(line.len().next_power_of_two(), 0);
        }
        self.bytes[..line.len()].copy_from_slice(line);
        let mut n = 0;
        let mut put = |at: usize, ends: &mut Vec<usize>| {
            if n == ends.len() {
                ends.resize((2 * n).max(64), 0);
            }
            ends[n] = at;
            n += 1;
        };
        // Eight bytes at a time: most fields are a byte or two long.
        let mut words = line.chunks_exact(8);
        let mut at = 0;
        for w in &mut words {
            let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            let mut commas = bytes_equal(word, b',');
            while commas != 0 {
                put(at + (commas.trailing_zeros() / 8) as usize, &mut self.ends);
                commas &= commas - 1;
            }
            at += 8;
        }
        for &b in words.remainder() {
            if b == b',' {
                put(at, &mut self.ends);
            }
            at += 1;
        }
        put(line.len(), &mut self.ends);
        self.len = line.len();
        self.nends = n;
        self.as_line = true;
        self.input.consume(end + 1);
        self.consumed += end as u64 + 1;
        let at = self.line;
        self.line += 1;
        Some(at)
    }

    /// Reads the next record.
    pub(super) fn read_record(&mut self) -> Read {
        use csv_core::ReadRecordResult as R;
        // Blank lines between records are not records; they still count as lines.
        loop {
            let buf = match fill(&mut self.input) {
                Ok(buf) => buf,
                Err(error) => {
                    return Read::Io {
                        line: self.line,
                        error,
                    }
                }
            };
            match buf.first() {
                None => return Read::End,
                // The usual case: the record starts here.
                Some(b) if !matches!(b, b'\r' | b'\n') => break,
                Some(_) => {}
            }
            let n = buf
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            let newlines = buf[..n].iter().filter(|b| **b == b'\n').count();
            let more = n == buf.len();
            self.input.consume(n);
            self.line += newlines as u64;
            self.consumed += n as u64;
            if !more {
                break;
            }
        }
        if self.started && self.plain_lines {
            if let Some(line) = self.split_plain_line() {
                return Read::Record { line };
            }
        }
        self.started = true;
        self.as_line = false;
        let line = self.line;
        let mut quotes = Quotes::record_start();
        let (mut len, mut nends) = (0usize, 0usize);
        let mut length = 0u64;
        let mut kept = true;
        loop {
            let input = match fill(&mut self.input) {
                Ok(buf) => buf,
                Err(error) => {
                    return Read::Io {
                        line: self.line,
                        error,
                    }
                }
            };
            let at_end = input.is_empty();
            let lines_before = self.core.line();
            let (result, nin, nout, nend) = if kept {
                self.core.read_record(
                    input,
                    self.bytes.get_mut(len..).unwrap_or(&mut []),
                    self.ends.get_mut(nends..).unwrap_or(&mut []),
                )
            } else {
                self.core
                    .read_record(input, &mut self.spill, &mut self.spill_ends)
            };
            let read = &input[..nin];
            match quotes.state {
                // Most records hold no quote: csv-core has counted their line
                // ends already, and only the last byte tells where a field starts.
                Quoting::Outside { .. } if memchr::memchr(b'"', read).is_none() => {
                    self.line += self.core.line() - lines_before;
                    if let Some(&last) = read.last() {
                        quotes.state = Quoting::Outside {
                            field_start: ends_field(last),
                        };
                    }
                }
                _ => quotes.scan(read, &mut self.line),
            }
            self.input.consume(nin);
            self.consumed += nin as u64;
            length += nin as u64;
            if kept {
                len += nout;
                nends += nend;
                if length > MAX_ROW_BYTES as u64 {
                    kept = false;
                }
            }
            if length > MAX_RUN_ON_BYTES {
                return Read::Fatal(match quotes.open_at() {
                    Some(opened) => unclosed_quote(opened, Some(MAX_RUN_ON_BYTES)),
                    None => run_on(line),
                });
            }
            match result {
                R::InputEmpty if at_end => return Read::End,
                R::InputEmpty => {}
                R::OutputFull if kept => {
                    let grown = (self.bytes.len() * 2).max(1024);
                    self.bytes.resize(grown, 0);
                }
                R::OutputEndsFull if kept => {
                    let grown = (self.ends.len() * 2).max(64);
                    self.ends.resize(grown, 0);
                }
                R::OutputFull | R::OutputEndsFull => {}
                R::Record => break,
                R::End => return Read::End,
            }
        }
        if let Some(opened) = quotes.open_at() {
            return Read::Fatal(unclosed_quote(opened, None));
        }
        if !kept {
            self.len = 0;
            self.nends = 0;
            return Read::TooLong { line };
        }
        self.len = len;
        self.nends = nends;
        Read::Record { line }
    }
}

/// JSON lines, one at a time, with their line numbers; blank lines are skipped.
pub(super) struct LineSource {
    input: Box<dyn BufRead>,
    raw: Vec<u8>,
    text: String,
    /// Lines read so far.
    line: u64,
    consumed: u64,
    total: Option<u64>,
}

impl LineSource {
    pub(super) fn new(input: Box<dyn BufRead>, total: Option<u64>) -> LineSource {
        LineSource {
            input,
            raw: Vec::new(),
            text: String::new(),
            line: 0,
            consumed: 0,
            total,
        }
    }

    /// Bytes read and the file's size, when known.
    pub(super) fn progress(&self) -> (u64, Option<u64>) {
        (self.consumed, self.total)
    }

    /// The last line read.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// Reads the next line that is not blank.
    pub(super) fn read_line(&mut self) -> Read {
        loop {
            // Reuse the last line's buffer.
            self.raw = std::mem::take(&mut self.text).into_bytes();
            self.raw.clear();
            let number = self.line + 1;
            let mut length = 0u64;
            let mut kept = true;
            let mut any = false;
            loop {
                let buf = match fill(self.input.as_mut()) {
                    Ok(buf) => buf,
                    Err(error) => {
                        self.line = number;
                        return Read::Io {
                            line: number,
                            error,
                        };
                    }
                };
                if buf.is_empty() {
                    break;
                }
                any = true;
                let (n, done) = match memchr::memchr(b'\n', buf) {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                if kept {
                    if self.raw.len() + n > MAX_ROW_BYTES {
                        kept = false;
                        self.raw.clear();
                    } else {
                        self.raw.extend_from_slice(&buf[..n]);
                    }
                }
                self.input.consume(n);
                self.consumed += n as u64;
                length += n as u64;
                if length > MAX_RUN_ON_BYTES {
                    return Read::Fatal(run_on(number));
                }
                if done {
                    break;
                }
            }
            if !any {
                return Read::End;
            }
            self.line = number;
            if !kept {
                return Read::TooLong { line: number };
            }
            if self.raw.trim_ascii().is_empty() {
                // Blank lines (often a trailing newline) are not cases.
                continue;
            }
            match String::from_utf8(std::mem::take(&mut self.raw)) {
                Ok(text) => self.text = text,
                Err(_) => {
                    return Read::Io {
                        line: number,
                        error: io::Error::new(ErrorKind::InvalidData, "not UTF-8"),
                    }
                }
            }
            return Read::Record { line: number };
        }
    }
}

/// Whole CSV records cut from a file for another thread to read: the input
/// of a [`CsvSource`] there.
#[derive(Debug, Default)]
pub(crate) struct Block {
    bytes: Vec<u8>,
    at: usize,
}

impl io::Read for Block {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = self.bytes.get(self.at..).unwrap_or(&[]);
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

impl BufRead for Block {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        Ok(self.bytes.get(self.at..).unwrap_or(&[]))
    }

    fn consume(&mut self, amt: usize) {
        self.at = (self.at + amt).min(self.bytes.len());
    }
}

impl CsvSource<Block> {
    /// A source for blocks, given one at a time with [`CsvSource::start_block`].
    pub(super) fn for_blocks() -> CsvSource<Block> {
        CsvSource::over(Block::default(), None)
    }

    /// Reads `bytes`, whole records whose first byte is on `line`, next.
    pub(super) fn start_block(&mut self, bytes: Vec<u8>, line: u64) {
        self.input = Block { bytes, at: 0 };
        self.core.reset();
        // A byte-order mark is taken off the start of a file only; a block
        // starts part way through one, so csv-core is told it has read already.
        let _ = self.core.read_record(b"\n", &mut [0], &mut [0]);
        self.line = line;
        self.len = 0;
        self.nends = 0;
        self.started = true;
    }

    /// The last block's buffer, for reuse.
    pub(super) fn take_block(&mut self) -> Vec<u8> {
        let mut bytes = std::mem::take(&mut self.input.bytes);
        bytes.clear();
        bytes
    }
}

/// How a buffer of CSV text starting at a record's start divides at its
/// last record end outside quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cut {
    /// Bytes up to and with the last line end outside quotes (0: none).
    at: usize,
    /// Records that start before `at`.
    records: u64,
    /// Line ends (`\n`) before `at`.
    lines: u64,
    /// After `at`, a quote still open at the end of the buffer.
    open: bool,
}

fn is_end(b: u8) -> bool {
    matches!(b, b'\n' | b'\r')
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `word` that is `byte`, and no other bit.
#[inline(always)]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let t = word ^ ONES.wrapping_mul(u64::from(byte));
    // A byte of `t` is zero exactly when its low seven bits carry nothing
    // into the eighth and the eighth is clear: no borrow crosses bytes.
    !((t & LOW7).wrapping_add(LOW7) | t) & HIGH
}

/// The records that start in `bytes` outside quotes (a byte that is not a
/// line end after one that is, a line end being before the first byte), and
/// its line ends (`\n`). Eight bytes at a time: this runs over every byte of
/// a caseload on the thread that hands out the blocks.
pub(super) fn count_records(bytes: &[u8]) -> (u64, u64) {
    let (mut starts, mut lines) = (0u64, 0u64);
    // The line ends of the previous eight bytes; the top byte's bit is the
    // byte before the next eight.
    let mut before = HIGH;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let newlines = bytes_equal(word, b'\n');
        let ends = newlines | bytes_equal(word, b'\r');
        let after_end = (ends << 8) | (before >> 56);
        starts = starts.wrapping_add(u64::from((!ends & after_end & HIGH).count_ones()));
        lines = lines.wrapping_add(u64::from(newlines.count_ones()));
        before = ends;
    }
    let mut after_end = before >> 63 == 1;
    for &b in words.remainder() {
        let end = is_end(b);
        starts = starts.wrapping_add(u64::from(!end & after_end));
        lines = lines.wrapping_add(u64::from(b == b'\n'));
        after_end = end;
    }
    (starts, lines)
}

/// The line ends (`\n`) in `bytes`, found by memchr's vector search: a line
/// is some 90 bytes, so the search costs more than each line end found.
pub(super) fn count_line_ends(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where `bytes` divides, following csv-core's reading: `\r`, `\n` and
/// `\r\n` end a record outside quotes, lines of line ends alone are no
/// record, a quote opens a field only at its start and `""` inside quotes is
/// a quote.
fn cut(bytes: &[u8]) -> Cut {
    if memchr::memchr(b'"', bytes).is_none() {
        // Most caseloads have no quote: count without following one.
        let Some(last) = memchr::memrchr2(b'\n', b'\r', bytes) else {
            return Cut {
                at: 0,
                records: 0,
                lines: 0,
                open: false,
            };
        };
        let whole = &bytes[..=last];
        // The usual block: lines ended by `\n` alone, none blank, so that
        // each line end ends one record.
        let plain = whole.first() != Some(&b'\n')
            && memchr::memchr(b'\r', whole).is_none()
            && memchr::memmem::find(whole, b"\n\n").is_none();
        let (records, lines) = match plain {
            true => {
                let lines = count_line_ends(whole);
                (lines, lines)
            }
            false => count_records(whole),
        };
        return Cut {
            at: last + 1,
            records,
            lines,
            open: false,
        };
    }
    let mut done = Cut {
        at: 0,
        records: 0,
        lines: 0,
        open: false,
    };
    let (mut records, mut lines) = (0u64, 0u64);
    let mut between = true;
    let mut state = Quoting::Outside { field_start: true };
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            lines += 1;
        }
        let outside = match state {
            Quoting::Inside => {
                if b == b'"' {
                    state = Quoting::QuoteInside;
                }
                false
            }
            Quoting::QuoteInside if b == b'"' => {
                state = Quoting::Inside;
                false
            }
            Quoting::QuoteInside => true,
            Quoting::Outside { .. } => true,
        };
        if !outside {
            continue;
        }
        let field_start = matches!(state, Quoting::Outside { field_start: true });
        if is_end(b) {
            between = true;
            state = Quoting::Outside { field_start: true };
            done = Cut {
                at: i + 1,
                records,
                lines,
                open: false,
            };
            continue;
        }
        if between {
            records += 1;
            between = false;
        }
        state = if b == b'"' && field_start {
            Quoting::Inside
        } else {
            Quoting::Outside {
                field_start: b == b',',
            }
        };
    }
    done.open = matches!(state, Quoting::Inside);
    done
}

/// Bytes read ahead in blocks: large enough that a worker thread's hand-over
/// costs little, small enough that a few in flight stay within memory. A
/// buffer of twice this with no record end is one long record, read here
/// with the bounds of [`CsvSource::read_record`] rather than kept whole.
const BLOCK_BYTES: usize = 256 << 10;

/// What the next part of a CSV file is.
pub(crate) enum Piece {
    /// Whole records: `rows` of them, the first starting on or after `line`.
    Block {
        bytes: Vec<u8>,
        line: u64,
        rows: u64,
    },
    /// One record read here (a long one, or the last of a file whose quote is
    /// never closed): the source's last read.
    Read(Read),
    /// The end of the file.
    End,
}

/// A CSV file cut into blocks of whole records, so that other threads split
/// the records: only the quotes and line ends are followed here.
pub(crate) struct CsvBlocks {
    source: CsvSource,
    /// Bytes read past the last cut: the start of the next block.
    carry: Vec<u8>,
    /// The line of the first byte of `carry`.
    line: u64,
    ended: bool,
    /// [`BLOCK_BYTES`], smaller in tests so that records cross block edges.
    block_bytes: usize,
    /// A read that failed after `carry` was read: the row after it.
    failed: Option<io::Error>,
    read: u64,
}

impl CsvBlocks {
    pub(super) fn new(source: CsvSource) -> CsvBlocks {
        let line = source.line;
        let read = source.consumed;
        CsvBlocks {
            source,
            carry: Vec::new(),
            line,
            ended: false,
            block_bytes: BLOCK_BYTES,
            failed: None,
            read,
        }
    }

    /// Cuts blocks of about `bytes` (tests: records across block edges).
    #[cfg(test)]
    pub(super) fn with_block_bytes(mut self, bytes: usize) -> CsvBlocks {
        self.block_bytes = bytes.max(1);
        self
    }

    /// Bytes read and the file's size, when known.
    pub(crate) fn progress(&self) -> (u64, Option<u64>) {
        (self.read, self.source.total)
    }

    /// The source, after a [`Piece::Read`], holding that record.
    pub(super) fn source(&self) -> &CsvSource {
        &self.source
    }

    /// The next piece; `spare` is a buffer to reuse for a block.
    pub(crate) fn next(&mut self, mut spare: Vec<u8>) -> Piece {
        if self.ended {
            return Piece::End;
        }
        if let Some(error) = self.failed.take() {
            self.ended = true;
            return Piece::Read(Read::Io {
                line: self.line,
                error,
            });
        }
        spare.clear();
        let mut buf = std::mem::replace(&mut self.carry, spare);
        let mut want = self.block_bytes;
        loop {
            let mut at_end = false;
            while buf.len() < want {
                let len = buf.len();
                buf.resize(want, 0);
                let got = read_retrying(&mut self.source.input, &mut buf[len..]);
                buf.truncate(len + *got.as_ref().unwrap_or(&0));
                match got {
                    Ok(0) => at_end = true,
                    Ok(n) => self.read += n as u64,
                    // The whole records read before the failure are read
                    // first; the failure is the row after them.
                    Err(error) => {
                        self.failed = Some(error);
                        at_end = true;
                    }
                }
                if at_end {
                    break;
                }
            }
            let found = cut(&buf);
            if at_end && self.failed.is_some() {
                if found.at == 0 {
                    return self.next(buf);
                }
                self.carry.extend_from_slice(&buf[found.at..]);
                buf.truncate(found.at);
                return self.block(buf, found.lines, found.records);
            }
            if at_end {
                if buf.is_empty() {
                    self.ended = true;
                    return Piece::End;
                }
                if found.at == buf.len() {
                    self.ended = true;
                    return self.block(buf, found.lines, found.records);
                }
                if found.open {
                    // A quote still open at the end: the whole records before
                    // it first, then the record it opens, read where the quote
                    // is judged (the file cannot be read as rows).
                    if found.at == 0 {
                        return self.by_source(buf);
                    }
                    self.carry.extend_from_slice(&buf[found.at..]);
                    buf.truncate(found.at);
                    return self.block(buf, found.lines, found.records);
                }
                // The last record, with no line end: one row more.
                self.ended = true;
                let lines = buf.iter().filter(|b| **b == b'\n').count() as u64;
                return self.block(buf, lines, found.records + 1);
            }
            if found.at > 0 {
                self.carry.extend_from_slice(&buf[found.at..]);
                buf.truncate(found.at);
                return self.block(buf, found.lines, found.records);
            }
            if buf.len() > 2 * self.block_bytes {
                return self.by_source(buf);
            }
            // One record longer than a block so far: read on.
            want = buf.len() + self.block_bytes;
        }
    }

    fn block(&mut self, bytes: Vec<u8>, lines: u64, rows: u64) -> Piece {
        let line = self.line;
        self.line += lines;
        Piece::Block { bytes, line, rows }
    }

    /// Reads one record with the source's bounds, `buf` first: a record too
    /// long for a block, or one whose quote is never closed.
    fn by_source(&mut self, buf: Vec<u8>) -> Piece {
        let rest = std::mem::replace(
            &mut self.source.input,
            BufReader::new(Box::new(io::empty())),
        );
        self.source.input = BufReader::with_capacity(
            1 << 16,
            Box::new(io::Read::chain(io::Cursor::new(buf), rest)) as Box<dyn io::Read>,
        );
        self.source.line = self.line;
        let read = self.source.read_record();
        self.line = self.source.line;
        if matches!(read, Read::End | Read::Fatal(_) | Read::Io { .. }) {
            self.ended = true;
        }
        Piece::Read(read)
    }
}

/// Reads, retrying when interrupted.
fn read_retrying(input: &mut dyn io::Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}
