//! Shared by integration tests: running the `ras` binary (for the tests that
//! need nothing more than its exit code and output), and the shipped rule files.

// Each test file that shares this module uses a part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// How one run of `ras` ended.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `ras ARGS` in `dir`, without colour.
pub fn ras(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ras"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ras");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every council rule file shipped in `rules/` (as `rules/…/x.ras`, sorted),
/// so that a test over all of them takes in a new file without being told.
pub fn rule_files() -> Vec<String> {
    fn under(dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read rules/")
            .map(|e| e.expect("read rules/").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                under(&path, out);
            } else if path.extension().is_some_and(|e| e == "ras") {
                out.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    under(&root.join("rules"), &mut files);
    let prefix = format!("{}/", root.to_string_lossy().replace('\\', "/"));
    let mut files: Vec<String> = files
        .into_iter()
        .map(|f| f.strip_prefix(&prefix).map_or(f.clone(), str::to_string))
        .collect();
    files.sort();
    assert!(
        files.len() >= 6,
        "rules/ holds the shipped councils: {files:?}"
    );
    files
}
