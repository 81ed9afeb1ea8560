//! The exit codes of `ras`, as a type, so every command says which one it means.

/// How a run of `ras` ends. The number is the process exit code.
///
/// The codes are part of the interface (CI scripts rely on them), so they never
/// change meaning: see the README's "Exit codes".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum ExitStatus {
    /// Everything asked for was done and nothing is wrong.
    Success = 0,
    /// The rules or cases have errors, a test failed, or warnings were denied.
    Failed = 1,
    /// The command line was wrong, a file could not be read or written, a
    /// compiled plan is unusable, or `ras` hit an internal error.
    Usage = 2,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The more serious of two outcomes, for commands that handle many files.
    #[must_use]
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        self.max(other)
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(ExitStatus::Success.code(), 0);
        assert_eq!(ExitStatus::Failed.code(), 1);
        assert_eq!(ExitStatus::Usage.code(), 2);
        assert_eq!(
            ExitStatus::Failed.worst(ExitStatus::Usage),
            ExitStatus::Usage
        );
        assert_eq!(
            ExitStatus::Failed.worst(ExitStatus::Success),
            ExitStatus::Failed
        );
    }
}
