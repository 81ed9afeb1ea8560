//! The registry of codes (`src/diag/codes.rs`) is the only place a code is
//! written: a `"ras::…"` literal anywhere else in the library's own code is
//! a code that can drift from its declaration, or one that is declared
//! nowhere. And `docs/codes.md`, the list policy officers read, is the
//! registry's own, so it cannot fall behind it.

use ras::diag::codes::{self, Code};
use ras::diag::Severity;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/…` with forward slashes, as the lists here write it.
fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .expect("under the project")
        .to_string_lossy()
        .replace('\\', "/")
}

/// The modules declared `#[cfg(test)] mod NAME;` in `file`, as the paths of
/// their files.
fn test_module_files(file: &Path, text: &str) -> Vec<PathBuf> {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dir = file.parent().expect("a file has a folder");
    // `a/mod.rs`, `main.rs` and `lib.rs` hold their children beside them;
    // `a/b.rs` holds them in `a/b/`.
    let children = if matches!(stem, "mod" | "lib" | "main") {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for pair in lines.windows(2) {
        if pair[0].trim() != "#[cfg(test)]" {
            continue;
        }
        let item = pair[1].trim();
        let name = item
            .strip_prefix("pub(crate) ")
            .or_else(|| item.strip_prefix("pub "))
            .unwrap_or(item)
            .strip_prefix("mod ")
            .and_then(|rest| rest.strip_suffix(';'));
        if let Some(name) = name {
            found.push(children.join(format!("{name}.rs")));
            found.push(children.join(name).join("mod.rs"));
        }
    }
    found
}

/// The lines of `text` outside items marked `#[cfg(test)]`, with their
/// numbers. An item ends at the first line after it that closes at its own
/// indentation, as `cargo fmt` lays code out.
fn outside_tests(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push((i + 1, line));
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let Some((_, item)) = lines.next() else { break };
        if item.trim_end().ends_with('{') {
            let close = format!("{indent}}}");
            for (_, l) in lines.by_ref() {
                if l.trim_end() == close {
                    break;
                }
            }
        }
    }
    out
}

/// Every `"ras::NAME` in `line`, as `ras::NAME` (the bare prefix `"ras::"`
/// names no code).
fn code_literals(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("\"ras::") {
        let after = &rest[i + 6..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        if len > 0 {
            found.push(format!("ras::{}", &after[..len]));
        }
        rest = &after[len..];
    }
    found
}

/// (file, line, code) for every code literal in the library's own code.
fn literals_in_src() -> Vec<(String, usize, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| {
            let text = fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            (f, text)
        })
        .collect();
    let test_files: BTreeSet<PathBuf> = texts
        .iter()
        .flat_map(|(f, t)| test_module_files(f, t))
        .collect();
    let mut found = Vec::new();
    for (file, text) in &texts {
        if test_files.contains(file) {
            continue;
        }
        for (n, line) in outside_tests(text) {
            for code in code_literals(line) {
                found.push((relative(file), n, code));
            }
        }
    }
    found
}

const REGISTRY: &str = "src/diag/codes.rs";

#[test]
fn codes_are_written_only_in_the_registry() {
    let found = literals_in_src();
    assert!(
        found.iter().any(|(f, _, _)| f == REGISTRY),
        "the scan found no code in the registry itself, so it would find none anywhere"
    );
    let mut elsewhere = Vec::new();
    for (file, line, code) in found.iter().filter(|(f, _, _)| f != REGISTRY) {
        elsewhere.push(format!("{file}:{line}: `{code}`"));
    }
    assert!(
        elsewhere.is_empty(),
        "codes written outside {REGISTRY}; declare each there once and read it \
         (`codes::X.name`):\n{}",
        elsewhere.join("\n")
    );
}

#[test]
fn the_registry_declares_each_code_once_and_lists_it() {
    let declared: Vec<String> = literals_in_src()
        .into_iter()
        .filter(|(f, _, _)| f == REGISTRY)
        .map(|(_, _, c)| c)
        .collect();
    let mut problems = Vec::new();
    for (i, code) in declared.iter().enumerate() {
        if declared[..i].contains(code) {
            problems.push(format!("`{code}` is declared twice"));
        }
        if codes::named(code).is_none() {
            problems.push(format!("`{code}` is declared but in no list of `GROUPS`"));
        }
    }
    let every: Vec<Code> = codes::all().collect();
    for c in &every {
        if !declared.iter().any(|d| d == c.name) {
            problems.push(format!("`{}` is listed but not declared", c.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(declared.len(), every.len());
    assert!(every.len() >= 90, "only {} codes", every.len());
}

/// The list of codes as `docs/codes.md` gives it.
fn codes_page() -> String {
    let mut page = String::from(
        "# Codes\n\
         \n\
         Every problem ras reports has a stable code, such as `ras::unit-mismatch`: in the report\n\
         of `ras check`, beside a case's error in `ras eval` and `ras test`, and in the errors file\n\
         of `ras run`. This page lists them all, by what they are about, with what each means. A\n\
         warning can be acknowledged in the rule file with `allow CODE \"reason\"` (see\n\
         [the language guide](language.md#acknowledging-a-warning-allow)); an error cannot.\n\
         \n\
         A code that means the same thing in two places is listed under both. This page is made\n\
         from the registry of codes, `src/diag/codes.rs`: `cargo test --test codes` fails when\n\
         the two differ, and `UPDATE_DOCS=1 cargo test --test codes` writes the page again.\n",
    );
    for (title, list) in codes::GROUPS {
        page.push_str(&format!(
            "\n## {title}\n\n| code | kind | what it means |\n|---|---|---|\n"
        ));
        for c in *list {
            let kind = match c.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            page.push_str(&format!("| `{}` | {kind} | {} |\n", c.name, c.summary));
        }
    }
    page
}

#[test]
fn the_codes_page_is_the_registry() {
    let path = root().join("docs/codes.md");
    let expected = codes_page();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::write(&path, &expected).expect("docs/codes.md written");
    }
    let written = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == expected,
        "docs/codes.md differs from the registry; run `UPDATE_DOCS=1 cargo test --test codes` \
         and review the change"
    );
    for c in codes::all() {
        assert!(written.contains(&format!("| `{}` |", c.name)), "{}", c.name);
    }
}

/// Every `ras::NAME` written in `text`: lowercase words joined by `-`, as
/// codes are named; a path into the library (`ras::cli::main`) is not one.
fn codes_mentioned(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("ras::") {
        let after = &rest[i + 5..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .unwrap_or(after.len());
        let name = after[..len].trim_end_matches('-');
        if !name.is_empty() && !after[len..].starts_with("::") {
            found.insert(format!("ras::{name}"));
        }
        rest = &after[len..];
    }
    found
}

#[test]
fn the_documents_name_only_codes_that_exist() {
    let mut documents = vec![root().join("README.md")];
    for entry in fs::read_dir(root().join("docs")).expect("docs/") {
        let path = entry.expect("a docs entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            documents.push(path);
        }
    }
    let mut unknown = Vec::new();
    for path in &documents {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for code in codes_mentioned(&text) {
            if codes::named(&code).is_none() {
                unknown.push(format!("{}: `{code}`", relative(path)));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "codes the registry does not declare:\n{}",
        unknown.join("\n")
    );
}

#[test]
fn the_scan_sees_what_it_must_and_skips_tests() {
    assert_eq!(
        code_literals(r#"code: "ras::bad-row", x("ras::"), "ras::a_b""#),
        ["ras::bad-row", "ras::a_b"]
    );
    let text = "fn f() -> &'static str {\n    \"ras::kept\"\n}\n\n#[cfg(test)]\nmod tests {\n    fn g() {\n        \"ras::skipped\";\n    }\n}\n\nconst AFTER: &str = \"ras::after\";\n#[cfg(test)]\nmod more;\n";
    let kept: Vec<String> = outside_tests(text)
        .into_iter()
        .flat_map(|(_, l)| code_literals(l))
        .collect();
    assert_eq!(kept, ["ras::kept", "ras::after"]);
    let children = test_module_files(Path::new("/p/src/batch/input.rs"), text);
    assert!(children.contains(&PathBuf::from("/p/src/batch/input/more.rs")));
    let children = test_module_files(
        Path::new("/p/src/batch/mod.rs"),
        "#[cfg(test)]\nmod tests;\n",
    );
    assert!(children.contains(&PathBuf::from("/p/src/batch/tests.rs")));
    assert_eq!(
        codes_mentioned("refused (`ras::plan-modified`, exit 2) by ras::cli::main(); ras::cycle."),
        BTreeSet::from(["ras::plan-modified".to_string(), "ras::cycle".to_string()])
    );
}
