//! What can stop a command, as a value: the CLI's one error type.
//!
//! Diagnostics about rule files are not here: they are rendered as they are
//! found and only their count travels on, as [`CliError::RulesHaveErrors`].

use super::ExitStatus;
use std::io;
use std::path::{Path, PathBuf};

/// Why a command could not finish.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file or folder could not be read. Trigger: `ras check missing.ras`.
    #[error("cannot read `{}`: {}", path.display(), describe_io(source))]
    Read {
        /// What was being read.
        path: PathBuf,
        /// Why it failed.
        source: io::Error,
    },
    /// A file could not be written. Trigger: `ras compile a.ras -o /no/such/dir/p.json`.
    #[error("cannot write `{}`: {}", path.display(), describe_io(source))]
    Write {
        /// What was being written.
        path: PathBuf,
        /// Why it failed.
        source: io::Error,
    },
    /// Output could not be written to the terminal or pipe.
    #[error("cannot write the output: {}", describe_io(.0))]
    Output(io::Error),
    /// A path names no rule files. Trigger: `ras check empty-folder/`.
    #[error("no rule files (`*.ras`) found in `{}`", .0.display())]
    NoRuleFiles(PathBuf),
    /// A compiled plan file is not a plan this `ras` can use. Trigger: `ras eval --plan notes.txt …`.
    #[error("`{}` is not a compiled plan this version of ras can use: {message} ({code})", path.display())]
    BadPlan {
        /// The plan file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
        /// The plan error's code, e.g. `ras::plan-modified`.
        code: &'static str,
    },
    /// A fault in ras itself, not in the user's files. Trigger: none known; a
    /// checked rule file whose model fails plan validation would be one.
    #[error("{0} (a bug in ras, not in your files; please report it)")]
    Internal(String),
    /// The rule file has errors; they have already been shown.
    #[error("`{}` has {count} error{}", path.display(), plural(*count))]
    RulesHaveErrors {
        /// The rule file.
        path: PathBuf,
        /// How many errors.
        count: usize,
    },
    /// The command line asks for something that cannot be done. Trigger:
    /// `ras check --dump ast a.ras b.ras`.
    #[error("{0}")]
    Usage(String),
    /// The case is not one the rules can evaluate. Trigger: `--case` with `{"answers": [1]}`.
    #[error("{0}")]
    BadCase(String),
}

impl CliError {
    /// The exit code this error ends the run with.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CliError::RulesHaveErrors { .. } | CliError::BadCase(_) => ExitStatus::Failed,
            CliError::Read { .. }
            | CliError::Write { .. }
            | CliError::Output(_)
            | CliError::NoRuleFiles(_)
            | CliError::Usage(_)
            | CliError::BadPlan { .. }
            | CliError::Internal(_) => ExitStatus::Usage,
        }
    }

    /// A read error for `path`.
    pub fn read(path: &Path, source: io::Error) -> Self {
        CliError::Read {
            path: path.to_path_buf(),
            source,
        }
    }

    /// True when the output went to a pipe that was closed (`ras … | head`):
    /// nothing is wrong that a message could help with.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// An I/O error in words, without the `(os error 2)` noise.
fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "there is no such file or folder".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::InvalidData => "it is not UTF-8 text".to_string(),
        io::ErrorKind::IsADirectory => "it is a folder, not a file".to_string(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}

/// `"s"` unless there is exactly one.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_plain_words() {
        let err = CliError::read(Path::new("a.ras"), io::Error::from(io::ErrorKind::NotFound));
        assert_eq!(
            err.to_string(),
            "cannot read `a.ras`: there is no such file or folder"
        );
        assert_eq!(err.exit_status(), ExitStatus::Usage);
        let err = CliError::RulesHaveErrors {
            path: "a.ras".into(),
            count: 1,
        };
        assert_eq!(err.to_string(), "`a.ras` has 1 error");
        assert_eq!(err.exit_status(), ExitStatus::Failed);
    }
}
