//! Unit tests of `files`.

use super::*;

#[test]
fn finds_rule_files_in_sorted_order_and_skips_hidden_folders() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir_all(root.join("b/.hidden")).expect("mkdir");
    fs::create_dir_all(root.join("a")).expect("mkdir");
    for f in [
        "b/z.ras",
        "a/y.ras",
        "a/notes.txt",
        "b/.hidden/x.ras",
        "top.ras",
    ] {
        fs::write(root.join(f), "").expect("write");
    }
    let found = rule_files(&[root.to_path_buf()]).expect("found");
    let names: Vec<_> = found
        .iter()
        .map(|p| p.strip_prefix(root).expect("under root").to_path_buf())
        .collect();
    let expected: Vec<PathBuf> = ["a/y.ras", "b/z.ras", "top.ras"]
        .iter()
        .map(PathBuf::from)
        .collect();
    assert_eq!(names, expected);
}

#[test]
fn an_empty_folder_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = rule_files(&[dir.path().to_path_buf()]).expect_err("no files");
    assert!(matches!(err, CliError::NoRuleFiles(_)));
}
