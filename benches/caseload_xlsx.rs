//! Turns a CSV caseload into an Excel workbook (one `Cases` sheet, every cell
//! text, as a council's export would hold codes), for timing `ras run` on
//! .xlsx input in benches/run.sh. Written cell by cell, so memory stays flat.
//!
//! Usage:
//!   caseload_xlsx IN.csv OUT.xlsx           text cells written inline in the
//!                                           sheet (as streaming writers do)
//!   caseload_xlsx --shared IN.csv OUT.xlsx  text cells in a table of shared
//!                                           strings (as Excel saves a workbook)
//!   caseload_xlsx --read IN.xlsx            reads the first sheet's cells with
//!                                           calamine's cell reader and nothing
//!                                           else
//!   caseload_xlsx --read-ras IN.xlsx        reads the first sheet's rows with
//!                                           ras's own reader and nothing else:
//!                                           the floor of `ras run` on it

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use std::process::ExitCode;

fn convert(input: &str, output: &str, shared: bool) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(input)
        .map_err(|e| format!("cannot read {input}: {e}"))?;
    let mut book = Workbook::new();
    let sheet = if shared {
        book.add_worksheet_with_low_memory()
    } else {
        book.add_worksheet_with_constant_memory()
    };
    sheet.set_name("Cases").map_err(|e| e.to_string())?;
    let mut record = csv::StringRecord::new();
    let mut row = 0u32;
    while reader.read_record(&mut record).map_err(|e| e.to_string())? {
        for (col, field) in record.iter().enumerate() {
            if !field.is_empty() {
                sheet
                    .write_string(row, col as u16, field)
                    .map_err(|e| e.to_string())?;
            }
        }
        row += 1;
    }
    book.save(output)
        .map_err(|e| format!("cannot write {output}: {e}"))
}

/// Every cell of the first sheet, through calamine alone; prints the count
/// of cells and of text bytes so the reading cannot be optimised away.
fn read(input: &str) -> Result<(), String> {
    let mut book: Xlsx<_> =
        calamine::open_workbook(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("the workbook has no sheets")?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| e.to_string())?;
    let (mut count, mut bytes) = (0u64, 0u64);
    while let Some(cell) = cells.next_cell().map_err(|e| e.to_string())? {
        count += 1;
        bytes += match cell.get_value() {
            DataRef::String(s) => s.len() as u64,
            DataRef::SharedString(s) => s.len() as u64,
            _ => 0,
        };
    }
    println!("{count} cells, {bytes} bytes of text");
    Ok(())
}

/// Every row of the first sheet, through ras's reader alone; prints the
/// count of rows and of field bytes so the reading cannot be optimised away.
fn read_ras(input: &str) -> Result<(), String> {
    use ras::batch::input::{CaseReader, InputFormat, RowContent};
    let mut reader = CaseReader::open(std::path::Path::new(input), InputFormat::Xlsx, None)
        .map_err(|p| p.message)?;
    let (mut rows, mut bytes) = (0u64, 0u64);
    while let Some((_, content)) = reader.next_row() {
        rows += 1;
        if let RowContent::Fields(fields) = content {
            bytes += (0..fields.len())
                .map(|i| fields.get(i).len() as u64)
                .sum::<u64>();
        }
    }
    if let Some(fatal) = reader.take_fatal() {
        return Err(fatal.message);
    }
    println!("{rows} rows, {bytes} bytes of fields");
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let done = match args.as_slice() {
        [_, flag, input] if flag == "--read" => read(input),
        [_, flag, input] if flag == "--read-ras" => read_ras(input),
        [_, flag, input, output] if flag == "--shared" => convert(input, output, true),
        [_, input, output] => convert(input, output, false),
        _ => {
            eprintln!(
                "usage: caseload_xlsx [--shared] IN.csv OUT.xlsx | caseload_xlsx --read[-ras] IN.xlsx"
            );
            return ExitCode::from(2);
        }
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("caseload_xlsx: {message}");
            ExitCode::from(1)
        }
    }
}
