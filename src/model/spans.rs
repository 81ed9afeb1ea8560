//! Where things are written: byte spans kept beside the model, and the table
//! of line starts that turns them into lines and columns without the source.
//!
//! Read only when reporting (traces, diagnostics, explanations); evaluation
//! never looks here.

use serde::{Deserialize, Serialize};

/// The byte offset at which each line of a rule file starts, computed once, so
/// that a line and column is a binary search rather than a scan of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineStarts {
    /// `starts[i]` is the offset of line `i + 1`; `starts[0]` is 0.
    starts: Vec<usize>,
    /// Length of the source in bytes.
    len: usize,
}

impl LineStarts {
    /// The line starts of `source`.
    pub fn new(source: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(
                source
                    .bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineStarts {
            starts,
            len: source.len(),
        }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len);
        let idx = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(idx.max(1)).unwrap_or(u32::MAX)
    }

    /// Byte offset at which a 1-based line starts.
    pub fn line_start(&self, line: u32) -> usize {
        let idx = (line.max(1) - 1) as usize;
        self.starts.get(idx).copied().unwrap_or(self.len)
    }

    /// 1-based line and column of a byte offset in `source` (the column counts
    /// characters), as [`crate::syntax::line_col`] gives, without scanning
    /// from the start.
    pub fn line_col(&self, source: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(source.len());
        let line = self.line(offset);
        let start = self.line_start(line).min(offset);
        let col = source
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line as usize, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::line_col;

    #[test]
    fn agrees_with_scanning_from_the_start() {
        let source = "a\nbé c\n\nlast";
        let table = LineStarts::new(source);
        for offset in 0..=source.len() + 2 {
            assert_eq!(
                table.line_col(source, offset),
                line_col(source, offset),
                "offset {offset}"
            );
        }
        assert_eq!(table.line(0), 1);
        assert_eq!(table.line(2), 2);
        assert_eq!(table.line(source.len()), 4);
    }
}
