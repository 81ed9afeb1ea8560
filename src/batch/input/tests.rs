//! Unit tests of `input`.

use super::*;

fn reader(text: &'static str) -> CaseReader {
    CaseReader::csv(Box::new(text.as_bytes()), "test.csv").unwrap()
}

#[test]
fn csv_rows_keep_their_numbers_and_problems() {
    let mut r = reader("case_id,cohort,q1\nA,older_people,3\nB,older_people\nC, working_age ,1\n");
    assert_eq!(r.header(), ["case_id", "cohort", "q1"]);
    match r.next_row() {
        Some((RowAt { number: 1, line: 2 }, RowContent::Fields(f))) => {
            assert_eq!(f.to_vec(), ["A", "older_people", "3"])
        }
        other => panic!("{other:?}"),
    }
    match r.next_row() {
        Some((RowAt { number: 2, line: 3 }, RowContent::Problem(p))) => {
            assert_eq!(p.code, "ras::field-count");
            assert!(p.message.contains("2 fields"), "{}", p.message);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.row_number(), 2);
    match r.next_row() {
        Some((RowAt { number: 3, line: 4 }, RowContent::Fields(f))) => {
            assert_eq!(f.get(1), "working_age")
        }
        other => panic!("{other:?}"),
    }
    assert!(r.next_row().is_none());
}

#[test]
fn header_must_be_utf8() {
    let bad: &'static [u8] = b"case_id,\xff\xfe\nA,B\n";
    let err = CaseReader::csv(Box::new(bad), "bad.csv").err().unwrap();
    assert!(err.message.contains("not UTF-8"), "{}", err.message);
}

#[test]
fn formats_from_extensions() {
    assert_eq!(
        InputFormat::from_path(Path::new("a.CSV")),
        Some(InputFormat::Csv)
    );
    assert_eq!(
        InputFormat::from_path(Path::new("a.jsonl")),
        Some(InputFormat::JsonLines)
    );
    assert_eq!(
        InputFormat::from_path(Path::new("a.xlsx")),
        Some(InputFormat::Xlsx)
    );
    assert_eq!(InputFormat::from_path(Path::new("a.txt")), None);
}

/// The line of each record's start: the header, blank lines, CRLF ends and
/// the lines inside quoted fields all count.
#[test]
fn csv_rows_know_their_lines() {
    let mut r = reader("case_id,note\r\nA,x\r\n\r\n\nB,\"two\nlines\"\nC,\"a \"\"quote\"\"\"\nD,y");
    let mut seen = Vec::new();
    while let Some((at, content)) = r.next_row() {
        let RowContent::Fields(f) = content else {
            panic!("{content:?}")
        };
        seen.push((
            at.number,
            at.line,
            f.get(0).to_string(),
            f.get(1).to_string(),
        ));
    }
    assert!(r.take_fatal().is_none());
    assert_eq!(
        seen,
        [
            (1, 2, "A".into(), "x".into()),
            (2, 5, "B".into(), "two\nlines".into()),
            (3, 7, "C".into(), "a \"quote\"".into()),
            (4, 8, "D".into(), "y".into()),
        ]
    );
}

#[test]
fn an_unclosed_quote_stops_the_file_naming_its_line() {
    let mut r = reader("case_id,cohort\nA,x\nB,\"y\nC,z\nD,w\n");
    let mut rows = 0;
    while r.next_row().is_some() {
        rows += 1;
    }
    assert_eq!(rows, 1, "only the row before the quote");
    let fatal = r.take_fatal().expect("a whole-file problem");
    assert_eq!(
        fatal.message,
        "`test.csv` line 3: a quote (`\"`) opens a field here and is never closed, so the lines after it cannot be read as rows"
    );
    // A quote inside a field (not at its start) is text, as csv reads it.
    let mut r = reader("case_id,cohort\nA,x\"y\nB,z\n");
    assert!(r.next_row().is_some() && r.next_row().is_some() && r.next_row().is_none());
    assert!(r.take_fatal().is_none());
}

#[test]
fn a_row_over_the_bound_is_a_row_problem_and_reading_goes_on() {
    let long = "x".repeat(MAX_ROW_BYTES + 10);
    let text = format!("case_id,cohort\nA,{long}\nB,y\n");
    let mut r =
        CaseReader::csv(Box::new(std::io::Cursor::new(text.into_bytes())), "t.csv").unwrap();
    match r.next_row() {
        Some((at, RowContent::Problem(p))) => {
            assert_eq!((at.number, at.line), (1, 2));
            assert_eq!(p.code, "ras::row-too-long");
            assert_eq!(
                p.message,
                "the row is longer than 1 MiB, the most a row may be"
            );
        }
        other => panic!("{other:?}"),
    }
    match r.next_row() {
        Some((at, RowContent::Fields(f))) => {
            assert_eq!((at.number, at.line), (2, 3));
            assert_eq!(f.get(0), "B");
        }
        other => panic!("{other:?}"),
    }
    assert!(r.next_row().is_none());
}

#[test]
fn endless_input_is_a_whole_file_problem() {
    let endless = std::io::repeat(b'a');
    let err = CaseReader::csv(Box::new(endless), "endless.csv")
        .err()
        .unwrap();
    assert_eq!(
        err.message,
        "`endless.csv` line 1 goes on for more than 64 MiB without ending; this is not a caseload"
    );
}

#[test]
fn cell_names_are_spreadsheet_names() {
    assert_eq!(sheet::cell_name(0, 0), "A1");
    assert_eq!(sheet::cell_name(4, 25), "Z5");
    assert_eq!(sheet::cell_name(9, 26), "AA10");
    assert_eq!(sheet::cell_name(0, 701), "ZZ1");
    assert_eq!(sheet::cell_name(0, 702), "AAA1");
}

/// A row's fields as text, however they were split, or its problem.
fn shown(content: &RowContent<'_>) -> String {
    match content {
        RowContent::Fields(fields) => format!("{:?}", fields.to_vec()),
        other => format!("{other:?}"),
    }
}

/// The rows of a CSV text as one thread reads them, and the problem with the
/// whole file if reading stopped on one.
fn rows_read_alone(text: &[u8]) -> (Vec<String>, Option<String>) {
    let mut r = CaseReader::csv(Box::new(std::io::Cursor::new(text.to_vec())), "t.csv").unwrap();
    let mut rows = Vec::new();
    while let Some((at, content)) = r.next_row() {
        rows.push(format!("{} {} {}", at.number, at.line, shown(&content)));
    }
    (rows, r.take_fatal().map(|p| p.message))
}

/// The same rows read as `--threads` reads them: cut into blocks of about
/// `block` bytes, each block's records split on their own.
fn rows_read_in_blocks(text: &[u8], block: usize) -> (Vec<String>, Option<String>) {
    let r = CaseReader::csv(Box::new(std::io::Cursor::new(text.to_vec())), "t.csv").unwrap();
    let Ok((blocks, csv)) = r.into_blocks() else {
        panic!("a CSV reader gives blocks")
    };
    let mut blocks = (*blocks).with_block_bytes(block);
    let mut worker = csv.block_rows();
    let (mut rows, mut row) = (Vec::new(), 0u64);
    loop {
        match blocks.next(Vec::new()) {
            text::Piece::End => return (rows, None),
            text::Piece::Block {
                bytes,
                line,
                rows: n,
            } => {
                worker.start(bytes, row + 1, line);
                let before = rows.len();
                while let Some((at, content)) = worker.next_row() {
                    rows.push(format!("{} {} {}", at.number, at.line, shown(&content)));
                }
                assert_eq!((rows.len() - before) as u64, n, "rows counted in a block");
                row += n;
            }
            text::Piece::Read(read) => match csv.read_here(read, &blocks) {
                Ok(None) => return (rows, None),
                Err(p) => return (rows, Some(p.message)),
                Ok(Some((line, content))) => {
                    row += 1;
                    rows.push(format!("{row} {line} {}", shown(&content)));
                }
            },
        }
    }
}

/// Pieces of awkward CSV text: quotes, doubled quotes and quoted line ends,
/// every kind of line end, blank lines, byte-order marks part way, spaces,
/// bytes that are not UTF-8, and plain records.
const PIECES: [&[u8]; 17] = [
    b"a",
    b",",
    b"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"\"\"",
    b"x y",
    b" x ",
    b"\xef\xbb\xbf",
    b"\n\n",
    b"\"two\nlines\"",
    b"\xff",
    b"\"q\"\"q\",",
    b"C0001,older_people",
    b"12,3,4",
    b"C0001,older_people,1,2,3,4,5,6,7,8",
];

/// `head` and then `count` of `pieces`, picked by a small generator from `seed`.
fn pieced(head: &[u8], pieces: &[&[u8]], count: u64, seed: &mut u64) -> Vec<u8> {
    let mut text = head.to_vec();
    for _ in 0..count {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.extend_from_slice(pieces[(*seed >> 33) as usize % pieces.len()]);
    }
    text
}

/// Blocks cut anywhere give the rows, numbers, lines and whole-file problems
/// of reading alone: quoted fields and multi-line fields across block edges,
/// CRLF and lone CR ends, blank lines, a byte-order mark part way (text, not
/// a mark), quotes never closed, rows too long.
#[test]
fn rows_read_in_blocks_are_the_rows_read_alone() {
    let mut texts: Vec<Vec<u8>> = vec![
        b"case_id,cohort\nA,x\nB,\"y\nC,z\nD,w\n".to_vec(),
        b"case_id,note\r\nA,x\r\n\r\n\nB,\"two\nlines\"\nC,\"a \"\"quote\"\"\"\nD,y".to_vec(),
        b"\xef\xbb\xbfcase_id,cohort\n\xef\xbb\xbfA,x\n".to_vec(),
        b"case_id,cohort\nA,\"x\"\n".to_vec(),
        b"case_id,cohort\n\n\n".to_vec(),
        b"case_id,cohort".to_vec(),
    ];
    let mut seed = 2025u64;
    for _ in 0..400 {
        let count = seed % 40;
        texts.push(pieced(b"case_id,cohort\n", &PIECES, count, &mut seed));
    }
    let long = format!(
        "case_id,cohort\nA,{}\nB,\"{}\nC\"\nD,y\n",
        "x".repeat(MAX_ROW_BYTES + 10),
        "z".repeat(700)
    );
    texts.push(long.into_bytes());
    for text in &texts {
        let alone = rows_read_alone(text);
        for block in [1, 2, 3, 5, 8, 13, 64, 1 << 20] {
            assert_eq!(
                rows_read_in_blocks(text, block),
                alone,
                "blocks of {block} bytes of {:?}",
                String::from_utf8_lossy(text)
            );
        }
    }
}

/// Counting eight bytes at a time gives what counting byte by byte gives,
/// whatever bytes there are (high bits set, `\r` and `\n` in every place).
#[test]
fn records_are_counted_eight_bytes_at_a_time_as_one_by_one() {
    let one_by_one = |bytes: &[u8]| {
        let end = |b: u8| matches!(b, b'\n' | b'\r');
        let mut after_end = true;
        let (mut starts, mut lines) = (0u64, 0u64);
        for &b in bytes {
            starts += u64::from(!end(b) && after_end);
            lines += u64::from(b == b'\n');
            after_end = end(b);
        }
        (starts, lines)
    };
    let mut seed = 7u64;
    for n in 0..3000usize {
        let mut bytes = Vec::new();
        for _ in 0..(n % 70) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            bytes.push(
                [b'a', b'\n', b'\r', b',', 0x8a, 0x8d, 0x0b, 0xff][(seed >> 33) as usize % 8],
            );
        }
        assert_eq!(text::count_records(&bytes), one_by_one(&bytes), "{bytes:?}");
        assert_eq!(text::count_line_ends(&bytes), one_by_one(&bytes).1);
    }
    // Line ends are counted in runs of 32 bytes, 255 runs to a part.
    for len in [31usize, 32, 33, 8159, 8160, 8161, 20_000] {
        let bytes: Vec<u8> = (0..len)
            .map(|i| if i % 3 == 0 { b'\n' } else { b'a' })
            .collect();
        assert_eq!(
            text::count_line_ends(&bytes),
            len.div_ceil(3) as u64,
            "{len} bytes"
        );
        let all = vec![b'\n'; len];
        assert_eq!(text::count_line_ends(&all), len as u64, "{len} line ends");
    }
}

/// Every record of `text` as a CSV source reads it: where it starts, and its
/// fields (or how reading went).
fn records<R: std::io::BufRead>(mut source: text::CsvSource<R>) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let read = match source.read_record() {
            text::Read::Record { line } => {
                let fields: Vec<_> = (0..source.ends().len())
                    .map(|i| String::from_utf8_lossy(source.field(i)).into_owned())
                    .collect();
                format!("line {line}: {fields:?}")
            }
            text::Read::TooLong { line } => format!("line {line}: too long"),
            text::Read::End => return seen,
            text::Read::Fatal(p) => format!("fatal: {}", p.message),
            text::Read::Io { line, error } => format!("line {line}: {error}"),
        };
        seen.push(read);
        if seen.len() > 10_000 {
            panic!("reading does not end");
        }
    }
}

/// Lines split on their commas are the records csv-core reads from them,
/// with the same line numbers, wherever quotes, carriage returns, blank
/// lines, byte-order marks, spaces and a missing last line end fall.
#[test]
fn plain_lines_split_on_commas_are_the_records_csv_core_reads() {
    let mut seed = 99u64;
    for n in 0..3000 {
        let text = pieced(b"\xef\xbb\xbfcase_id,cohort\n", &PIECES, n % 60, &mut seed);
        // Buffers of a few bytes put line ends past the buffer's end.
        let source = |capacity| {
            let bytes = std::io::Cursor::new(text.clone());
            text::CsvSource::over(std::io::BufReader::with_capacity(capacity, bytes), None)
        };
        for capacity in [1, 7, 1 << 16] {
            assert_eq!(
                records(source(capacity)),
                records(source(capacity).without_plain_lines()),
                "a buffer of {capacity} bytes, {:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }
}
