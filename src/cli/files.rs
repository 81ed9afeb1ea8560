//! Finding, reading and writing files for the commands.

use super::CliError;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The extension of rule files.
const RULE_EXTENSION: &str = "ras";

/// The rule files named by `paths`: files as given, and every `*.ras` file
/// under each folder, in a stable (sorted) order so output is the same on every
/// machine.
///
/// Every path is looked at before any work is done, so a typo in the last path
/// is reported at once rather than after checking the others.
pub fn rule_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| CliError::read(path, e))?;
        if meta.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                return Err(CliError::NoRuleFiles(path.clone()));
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Adds the `*.ras` files under `dir` to `out`, depth first, sorted by name.
///
/// Hidden folders (`.git`) are skipped, and symbolic links to folders are not
/// followed, so a link loop cannot make the walk endless.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| CliError::read(dir, e))? {
        let entry = entry.map_err(|e| CliError::read(dir, e))?;
        let kind = entry
            .file_type()
            .map_err(|e| CliError::read(&entry.path(), e))?;
        entries.push((entry.path(), kind.is_dir()));
    }
    entries.sort();
    for (path, is_dir) in entries {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if is_dir {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == RULE_EXTENSION) && path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// The text of a file, or of standard input when the path is `-`.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::read(path, e))?;
        return Ok(text);
    }
    fs::read_to_string(path).map_err(|e| CliError::read(path, e))
}

/// The bytes of a file, or of standard input when the path is `-` (rule
/// files are read as bytes so that one in the wrong encoding is reported as a
/// mistake in the rules, with its place).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::read(path, e))?;
        return Ok(bytes);
    }
    fs::read(path).map_err(|e| CliError::read(path, e))
}

/// Writes `text` to a file, replacing it.
pub fn write_text(path: &Path, text: &str) -> Result<(), CliError> {
    fs::write(path, text).map_err(|source| CliError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// How a path is shown in messages: as the user wrote it.
pub fn display_name(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests;
