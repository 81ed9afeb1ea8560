//! The `ras` program. Everything it does lives in the library ([`ras::cli`]),
//! so this file only turns the outcome into the process exit code.

fn main() -> std::process::ExitCode {
    ras::cli::main().into()
}
