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

#[test]
fn same_file_compares_files_not_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir(root.join("sub")).expect("mkdir");
    fs::write(root.join("a.csv"), "x").expect("write");
    fs::write(root.join("b.csv"), "x").expect("write");
    assert!(same_file(&root.join("a.csv"), &root.join("sub/../a.csv")));
    assert!(!same_file(&root.join("a.csv"), &root.join("b.csv")));
    // Files not there yet are the same only by folder and name.
    assert!(same_file(
        &root.join("new.csv"),
        &root.join("sub/../new.csv")
    ));
    assert!(!same_file(&root.join("new.csv"), &root.join("sub/new.csv")));
    assert!(!same_file(&root.join("a.csv"), &root.join("new.csv")));
}

#[test]
fn a_staged_file_replaces_its_destination_only_when_committed() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let dest = dir.path().join("out.csv");
    fs::write(&dest, "old").expect("write");
    let (staged, mut file) = Staged::create(&dest).expect("staged");
    file.write_all(b"new").expect("write");
    assert_eq!(fs::read_to_string(&dest).expect("read"), "old");
    let temp = staged.temp_path().to_path_buf();
    assert!(temp.exists());
    drop(staged);
    assert!(!temp.exists(), "dropped: the temporary file is removed");
    assert_eq!(fs::read_to_string(&dest).expect("read"), "old");
    let (staged, mut file) = Staged::create(&dest).expect("staged");
    file.write_all(b"new").expect("write");
    staged.commit().expect("commit");
    assert_eq!(fs::read_to_string(&dest).expect("read"), "new");
    assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
}

#[test]
fn staged_files_are_committed_in_order_and_a_failed_rename_stops_the_rest() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let errors = dir.path().join("errors.csv");
    let results = dir.path().join("out.csv");
    let later = dir.path().join("later.csv");
    for dest in [&errors, &results, &later] {
        fs::write(dest, "old").expect("write");
    }
    let mut staged = Vec::new();
    for dest in [&errors, &results, &later] {
        let (file, mut out) = Staged::create(dest).expect("staged");
        out.write_all(b"new").expect("write");
        staged.push(file);
    }
    // The results' destination becomes a folder that is not empty: a file
    // cannot be renamed over it.
    fs::remove_file(&results).expect("remove");
    fs::create_dir(&results).expect("folder");
    fs::write(results.join("keep"), "").expect("write");
    let temps: Vec<PathBuf> = staged.iter().map(|s| s.temp_path().to_path_buf()).collect();
    let failed = Staged::commit_all(staged).expect_err("the rename fails");
    assert!(
        matches!(&failed, CliError::Write { path, .. } if *path == results),
        "{failed:?}"
    );
    assert_eq!(fs::read_to_string(&errors).expect("read"), "new");
    assert_eq!(fs::read_to_string(&later).expect("read"), "old");
    let mut names: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["errors.csv", "later.csv", "out.csv"],
        "no temporary file"
    );
    let still = STAGED.lock().expect("lock");
    assert!(still.iter().all(|(t, _)| !temps.contains(t)), "{still:?}");
}
