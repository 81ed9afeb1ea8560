//! Turns a CSV caseload into an Excel workbook (one `Cases` sheet, every cell
//! text, as a council's export would hold codes), for timing `ras run` on
//! .xlsx input in benches/run.sh. Written cell by cell, so memory stays flat.
//!
//! Usage: caseload_xlsx IN.csv OUT.xlsx

use rust_xlsxwriter::Workbook;
use std::process::ExitCode;

fn convert(input: &str, output: &str) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(input)
        .map_err(|e| format!("cannot read {input}: {e}"))?;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory();
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("usage: caseload_xlsx IN.csv OUT.xlsx");
        return ExitCode::from(2);
    };
    match convert(input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("caseload_xlsx: {message}");
            ExitCode::from(1)
        }
    }
}
