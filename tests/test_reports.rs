//! `ras test` for CI: `--filter`, `--format json` and JUnit, run through the
//! built binary over a folder with a passing file, a failing file and a file
//! with errors. Times vary from run to run, so the snapshots mask them.

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");

/// A folder `rules/` with three rule files: every test passing, one test
/// failing, and a file with an error (which cannot be tested).
fn rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).expect("folder");
    let passing =
        std::fs::read_to_string(format!("{FIXTURES}/ok/tests-as.ras")).expect("ok fixture");
    let failing = passing.replacen("expect indicative £48.80", "expect indicative £50.00", 1);
    assert_ne!(passing, failing, "the fixture has the expectation to break");
    let errors = std::fs::read_to_string(format!("{FIXTURES}/err/unknown-base-test.ras"))
        .expect("err fixture");
    std::fs::write(rules.join("a-passing.ras"), passing).expect("written");
    std::fs::write(rules.join("b-failing.ras"), failing).expect("written");
    std::fs::write(rules.join("c-errors.ras"), errors).expect("written");
    dir
}

mod support;
use support::ras;

#[test]
fn json_report_is_one_document_per_file_per_test() {
    let dir = rules();
    let run = ras(dir.path(), &["test", "rules", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(document["passed"], 9);
    assert_eq!(document["failed"], 2);
    for file in document["files"].as_array().expect("files") {
        for test in file["tests"].as_array().expect("tests") {
            assert!(test["time"].is_number(), "{test}");
        }
    }
    insta::with_settings!({filters => vec![(r#""time": [0-9]+\.[0-9]{6}"#, r#""time": "[time]""#)]}, {
        insta::assert_snapshot!(run.stdout);
    });
}

#[test]
fn junit_has_times_and_the_errors_of_a_file_that_cannot_be_tested() {
    let dir = rules();
    let run = ras(dir.path(), &["test", "rules", "--junit", "results.xml"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    let xml = std::fs::read_to_string(dir.path().join("results.xml")).expect("junit written");
    assert!(!xml.contains("shown above"), "{xml}");
    assert!(xml.contains("ras::unknown-base-test"), "{xml}");
    assert_eq!(
        xml.matches("<testcase ").count(),
        xml.matches(" time=\"").count() - xml.matches("<testsuite ").count(),
        "every test has a time: {xml}"
    );
    insta::with_settings!({filters => vec![(r#"time="[0-9]+\.[0-9]{6}""#, r#"time="[time]""#)]}, {
        insta::assert_snapshot!(xml);
    });
}

#[test]
fn filter_runs_the_tests_whose_names_contain_the_text_and_says_how_many_it_left_out() {
    let dir = rules();
    let run = ras(
        dir.path(),
        &["test", "rules/a-passing.ras", "--filter", "most help"],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("ok    most help with personal care"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("ok    most help, and some with eating"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("some help with personal care"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("3 tests filtered out: their names do not contain `most help`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("2 passed, 0 failed\n"),
        "{}",
        run.stdout
    );

    let json = ras(
        dir.path(),
        &[
            "test",
            "rules/a-passing.ras",
            "--filter",
            "most help",
            "--format",
            "json",
        ],
    );
    let document: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(document["filtered_out"], 3);
    assert_eq!(
        document["files"][0]["tests"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn a_filter_that_matches_no_test_is_a_failure_with_a_clear_message() {
    let dir = rules();
    let run = ras(
        dir.path(),
        &["test", "rules/a-passing.ras", "--filter", "O-A"],
    );
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("no test's name contains `O-A`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.ends_with("0 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}
