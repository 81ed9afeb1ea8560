//! Where output goes and whether it is coloured.

use super::CliError;
use std::io::{self, IsTerminal, Write};

/// When to use colour, as chosen with `--color`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and the `NO_COLOR` variable is not set.
    #[default]
    Auto,
    /// Always colour, even into a file or pipe.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream that is (or is not) a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // https://no-color.org: set and not empty means no colour.
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty())
            }
        }
    }
}

/// What every command is given besides its own arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// The `--color` choice.
    pub color: ColorChoice,
}

impl Context {
    /// Whether messages on standard error are coloured.
    pub fn color_stderr(&self) -> bool {
        self.color.enabled(io::stderr().is_terminal())
    }
}

/// Writes results to standard output. Unlike `print!`, a closed pipe is an
/// error value, not a panic.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Output)
}

/// Writes a message to standard error. If even that fails there is nowhere
/// left to report it, so the failure is ignored rather than turned into a panic
/// (which `eprint!` would do).
pub fn note(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// Writes `error: message` to standard error, in red when colour is on.
pub fn error(ctx: &Context, message: &str) {
    if ctx.color_stderr() {
        note(&format!("\x1b[1;31merror\x1b[0m: {message}\n"));
    } else {
        note(&format!("error: {message}\n"));
    }
}
