use super::book::{is_date_format, Book, SharedStrings};
use super::cells::{Flow, SheetCells};
use super::xml::{decode, Scanner, Token};
use super::RowCells;
use crate::batch::input::MAX_ROW_BYTES;

/// Every token of `xml` as (kind, bytes), read through a buffer of `size`.
fn tokens(xml: &[u8], size: usize) -> Vec<(char, Vec<u8>)> {
    let mut scanner = Scanner::with_buffer(xml, size);
    let mut out: Vec<(char, Vec<u8>)> = Vec::new();
    loop {
        match scanner.next().unwrap() {
            Token::Open { name, attrs, empty } => {
                let mut b = scanner.bytes(&name).to_vec();
                b.extend_from_slice(b"|");
                b.extend_from_slice(scanner.bytes(&attrs));
                out.push((if empty { 'e' } else { 'o' }, b));
            }
            Token::Close { name } => out.push(('c', scanner.bytes(&name).to_vec())),
            // Pieces of one text are joined: how a text is cut is the buffer's business.
            Token::Text { text, raw } => {
                let kind = if raw { 'r' } else { 't' };
                match out.last_mut() {
                    Some((k, b)) if *k == kind => b.extend_from_slice(scanner.bytes(&text)),
                    _ => out.push((kind, scanner.bytes(&text).to_vec())),
                }
            }
            Token::End => return out,
        }
    }
}

#[test]
fn the_scanner_gives_the_same_tokens_whatever_its_buffer() {
    let long = "a&amp;b".repeat(200);
    let xml = format!(
        r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "v">]><x:row r="1" note='a > b' other="c/d"><!-- <c> --><x:c r="A1"/><c><v>{long}</v></c><t><![CDATA[<not markup>]]></t></x:row>"#
    );
    let whole = tokens(xml.as_bytes(), 1 << 16);
    assert_eq!(
        whole[0],
        ('o', br#"x:row| r="1" note='a > b' other="c/d""#.to_vec())
    );
    assert_eq!(whole[1], ('e', br#"x:c| r="A1""#.to_vec()));
    assert!(whole.contains(&('r', b"<not markup>".to_vec())));
    for size in [64, 100, 257] {
        assert_eq!(tokens(xml.as_bytes(), size), whole, "buffer of {size}");
    }
}

#[test]
fn broken_xml_is_an_error_with_a_place() {
    for (xml, what) in [
        (&b"<row><c r=\"A1"[..], "it ends inside a tag"),
        (b"<row></>", "it has an element with no name"),
    ] {
        let mut scanner = Scanner::with_buffer(xml, 1 << 10);
        let error = loop {
            match scanner.next() {
                Ok(Token::End) => panic!("no error in {xml:?}"),
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        assert_eq!(error.what, what);
    }
    // A tag longer than the buffer.
    let long = format!("<c r=\"{}\">", "A".repeat(300));
    let mut scanner = Scanner::with_buffer(long.as_bytes(), 128);
    assert!(scanner.next().is_err());
}

#[test]
fn entities_and_line_ends_are_replaced() {
    let mut out = Vec::new();
    decode(
        b"&lt;a&gt; &amp; &quot;&apos; &#233;&#xE9;&#X1F600; x\r\ny\rz _x0041_",
        &mut out,
        true,
    )
    .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "<a> & \"' éé😀 x\ny\nz A");
    let mut out = Vec::new();
    decode(b"_x0041_", &mut out, false).unwrap();
    assert_eq!(out, b"_x0041_");
    assert_eq!(
        decode(b"&nbsp;", &mut Vec::new(), false).unwrap_err(),
        "the unknown entity `&nbsp;`"
    );
    assert!(decode(b"&#xD800;", &mut Vec::new(), false).is_err());
    assert!(decode(b"a & b", &mut Vec::new(), false).is_err());
}

#[test]
fn date_formats_are_told_as_calamine_tells_them() {
    for date in [
        "DD/MM/YY",
        "H:MM:SS;@",
        "m\"M\"d\"D\";@",
        "[h]:mm:ss",
        "[$-404]e\"\\xfc\"m\"\\xfc\"d\"\\xfc\"",
        "yyyy-mm-dd",
        "h:mm AM/PM",
    ] {
        assert!(is_date_format(date), "{date}");
    }
    for other in [
        "#,##0\\ [$\\u20bd-46D]",
        "\"Y: \"0.00\"m\";\"Y: \"-0.00\"m\";\"Y: <num>m\";@",
        "\"$\"#,##0_);[Red](\"$\"#,##0)",
        "0_ ;[Red]\\-0\\ ",
        "\\Y000000",
        "#,##0.0####\" YMD\"",
        "General",
        "£#,##0.00",
    ] {
        assert!(!is_date_format(other), "{other}");
    }
}

fn book() -> Book {
    Book {
        sheets: Vec::new(),
        strings: SharedStrings::default(),
        date_styles: vec![false, true],
        date1904: false,
    }
}

/// A row read: its row, its cells' texts or problems, whether it is too long.
type ReadRow = (u32, Vec<(u32, Result<String, String>)>, bool);

/// Each row of a sheet's XML.
fn rows(xml: &str, book: &Book) -> Vec<ReadRow> {
    let mut sheet = SheetCells::start(Scanner::new(xml.as_bytes()), book)
        .unwrap()
        .unwrap();
    let mut cells = RowCells::default();
    let mut out = Vec::new();
    sheet
        .rows(&mut cells, |row, at| {
            let texts = row
                .cells
                .iter()
                .map(|(c, t)| (*c, t.clone().map(|t| row.text(&t).to_string())))
                .collect();
            out.push((at, texts, row.too_long));
            Flow::Go
        })
        .unwrap();
    out
}

#[test]
fn cells_without_places_are_the_next_along_and_self_closing_ones_blank() {
    let xml = r#"<worksheet><dimension ref="A1:C9"/><sheetData>
        <row><c t="inlineStr"><is><t>a</t></is></c><c/><c><v>2.50</v></c></row>
        <row r="5"><c r="B5" s="1"><v>45778</v></c><c t="b"><v>0</v></c></row>
        <x:row><x:c t="e"><x:v>#N/A</x:v></x:c><x:c><x:f>A1</x:f></x:c><x:c t="str"><x:v> t </x:v></x:c></x:row>
        </sheetData></worksheet>"#;
    let book = book();
    let read = rows(xml, &book);
    let ok = |c: u32, t: &str| (c, Ok(t.to_string()));
    assert_eq!(
        read,
        [
            (0, vec![ok(0, "a"), ok(1, ""), ok(2, "2.5")], false),
            (4, vec![ok(1, "2025-05-01"), ok(2, "no")], false),
            (
                5,
                vec![
                    (0, Err("cell A6 holds the spreadsheet error #N/A".to_string())),
                    (
                        1,
                        Err("cell B6 holds a formula with no saved value: open and save the workbook in a spreadsheet program".to_string())
                    ),
                    ok(2, "t"),
                ],
                false
            ),
        ]
    );
}

#[test]
fn a_row_longer_than_the_bound_is_read_past() {
    let long = "x".repeat(MAX_ROW_BYTES / 2 + 1);
    let xml = format!(
        r#"<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>{long}</t></is></c><c t="inlineStr"><is><t>{long}</t></is></c></row><row r="2"><c><v>1</v></c></row></sheetData></worksheet>"#
    );
    let book = book();
    let read = rows(&xml, &book);
    assert_eq!(read.len(), 2);
    assert!(read[0].2, "the first row is too long");
    assert_eq!(read[1], (1, vec![(0, Ok("1".to_string()))], false));
}
