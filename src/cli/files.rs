//! Finding, reading and writing files for the commands.

use super::CliError;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

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
/// followed, so a link loop cannot make the walk endless. A `*.ras` link that
/// leads to no file (dangling, or in a loop of links) is kept, so that
/// reading it reports it rather than the walk skipping it.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| CliError::read(dir, e))? {
        let entry = entry.map_err(|e| CliError::read(dir, e))?;
        let kind = entry
            .file_type()
            .map_err(|e| CliError::read(&entry.path(), e))?;
        entries.push((entry.path(), kind.is_dir(), kind.is_symlink()));
    }
    entries.sort();
    for (path, is_dir, is_link) in entries {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let rule_file = path.extension().is_some_and(|e| e == RULE_EXTENSION);
        if is_dir {
            walk(&path, out)?;
        } else if rule_file && (path.is_file() || (is_link && fs::metadata(&path).is_err())) {
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
    fs::read_to_string(path).map_err(|e| CliError::read(path, link_problem(path, e)))
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
    fs::read(path).map_err(|e| CliError::read(path, link_problem(path, e)))
}

/// A read error said of the link when `path` is a symbolic link that leads
/// to no file.
fn link_problem(path: &Path, error: io::Error) -> io::Error {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return error;
    }
    // ELOOP: the link leads, through other links, back to itself.
    const LOOP: i32 = 40;
    if error.raw_os_error() == Some(LOOP) {
        return io::Error::other("it is a link in a loop of links, so it leads to no file");
    }
    if error.kind() == io::ErrorKind::NotFound {
        if let Ok(target) = fs::read_link(path) {
            return io::Error::other(format!(
                "it is a link to `{}`, which is not there",
                target.display()
            ));
        }
    }
    error
}

/// Whether two paths are the same file: the same device and inode when both
/// exist, else the same place once their folders are resolved (a file that
/// does not exist yet is the same as another only by name and folder).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (identity(a), identity(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Identity {
    Inode(u64, u64),
    Place(PathBuf),
}

fn identity(path: &Path) -> Option<Identity> {
    if let Ok(meta) = fs::metadata(path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            return Some(Identity::Inode(meta.dev(), meta.ino()));
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            return fs::canonicalize(path).ok().map(Identity::Place);
        }
    }
    let name = path.file_name()?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some(Identity::Place(fs::canonicalize(folder).ok()?.join(name)))
}

/// Temporary files being written, with their destinations: removed if the
/// run is interrupted.
static STAGED: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

/// The exit code of a run stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it).
pub const INTERRUPTED: i32 = 130;

fn remove_staged_on_interrupt() {
    static HANDLER: Once = Once::new();
    HANDLER.call_once(|| {
        // Without a handler an interruption still leaves the destination as
        // it was; only the temporary file would stay behind.
        let _ = ctrlc::set_handler(|| {
            use std::io::Write as _;
            // Held until the process ends, so no rename can start meanwhile.
            let staged = STAGED.lock();
            let mut stderr = io::stderr().lock();
            if let Ok(staged) = &staged {
                for (temp, dest) in staged.iter() {
                    let _ = fs::remove_file(temp);
                    let _ = writeln!(
                        stderr,
                        "interrupted: `{}` was not written (it is as it was before the run)",
                        dest.display()
                    );
                }
            }
            if staged.as_ref().map_or(true, |s| s.is_empty()) {
                let _ = writeln!(stderr, "interrupted");
            }
            std::process::exit(INTERRUPTED);
        });
    });
}

/// A file written beside its destination under a temporary name and renamed
/// over it once complete: until then the destination is untouched, and if
/// the run fails or is interrupted the temporary file is removed.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    dest: PathBuf,
    done: bool,
}

impl Staged {
    /// Creates the temporary file for `dest`; returns it open for writing.
    pub fn create(dest: &Path) -> Result<(Staged, fs::File), CliError> {
        remove_staged_on_interrupt();
        let write_error = |source: io::Error| CliError::Write {
            path: dest.to_path_buf(),
            source,
        };
        // Write beside the file a link points to, so the rename replaces
        // that file and not the link.
        let real = fs::canonicalize(dest).unwrap_or_else(|_| dest.to_path_buf());
        let name = real
            .file_name()
            .ok_or_else(|| write_error(io::Error::other("it names no file")))?
            .to_string_lossy()
            .into_owned();
        let folder = match real.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut attempt = 0u32;
        loop {
            let temp = folder.join(format!(".{name}.ras-{}-{attempt}.tmp", std::process::id()));
            let mut staged = STAGED
                .lock()
                .map_err(|_| write_error(io::Error::other("a lock is broken")))?;
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
            {
                Ok(file) => {
                    // The replacement keeps the old file's permissions.
                    if let Ok(meta) = fs::metadata(&real) {
                        let _ = file.set_permissions(meta.permissions());
                    }
                    staged.push((temp.clone(), dest.to_path_buf()));
                    return Ok((
                        Staged {
                            temp,
                            dest: real,
                            done: false,
                        },
                        file,
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(write_error(e)),
            }
        }
    }

    /// Where the contents are being written.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Renames the temporary file over the destination.
    pub fn commit(self) -> Result<(), CliError> {
        Staged::commit_all(vec![self])
    }

    /// Renames the temporary files over their destinations in the order
    /// given, as one step: an interruption (SIGINT, SIGTERM) waits until the
    /// last is renamed, so it never leaves some of a run's files new and the
    /// others old. The last file is the run's commit point: if the process is
    /// killed outright (SIGKILL, a power cut) part way, the files before it
    /// may be new while it is old, never the other way round. A rename that
    /// fails stops the rest, which are removed.
    pub fn commit_all(files: Vec<Staged>) -> Result<(), CliError> {
        let Some(first) = files.first() else {
            return Ok(());
        };
        let mut staged = STAGED.lock().map_err(|_| CliError::Write {
            path: first.dest.clone(),
            source: io::Error::other("a lock is broken"),
        })?;
        let mut failed = None;
        for mut file in files {
            // Marked done here, as dropping it would wait for the lock held.
            file.done = true;
            staged.retain(|(t, _)| *t != file.temp);
            if failed.is_some() {
                let _ = fs::remove_file(&file.temp);
                continue;
            }
            if let Err(source) = fs::rename(&file.temp, &file.dest) {
                let _ = fs::remove_file(&file.temp);
                failed = Some(CliError::Write {
                    path: file.dest.clone(),
                    source,
                });
            }
        }
        drop(staged);
        failed.map_or(Ok(()), Err)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let _ = fs::remove_file(&self.temp);
        if let Ok(mut staged) = STAGED.lock() {
            staged.retain(|(t, _)| *t != self.temp);
        }
    }
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
