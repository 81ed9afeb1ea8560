//! A compiled plan guards itself: edited by hand, as a careless or hostile
//! editor would, it is refused by `ras eval --plan` (exit code 2) with a
//! message saying why; with its content hash recomputed to match, what the
//! checker guarantees is still refused. And a plan read back gives the same
//! results as the plan compiled, on every council example.

use ras::case::Case;
use ras::eval::{EvalOptions, Evaluator};
use ras::plan::{compile, Plan};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

const RULES: &str = "rules/shire-2025.ras";
const CASE: &str = "examples/shire-case.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The plan of `rules`, compiled by `ras compile`, as JSON.
fn compiled(rules: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ras"))
        .current_dir(root())
        .args(["compile", rules])
        .output()
        .expect("ras runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("the plan is JSON")
}

/// Recomputes `content_hash` as the plan module documents it: SHA-256 of the
/// compact JSON of every other field, in the order written.
fn reseal(v: &mut Value) {
    let mut content = v.clone();
    content
        .as_object_mut()
        .expect("a plan is an object")
        .shift_remove("content_hash");
    let text = serde_json::to_string(&content).expect("JSON");
    let digest = Sha256::digest(text.as_bytes());
    v["content_hash"] = json!(digest
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>());
}

/// Writes the plan as `edited.json` and runs `ras eval --plan` on the Shire
/// case: (exit code, standard output, standard error).
fn eval_plan(plan: &Value) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = serde_json::to_string_pretty(plan).expect("JSON");
    std::fs::write(dir.path().join("edited.json"), text).expect("written");
    let out = Command::new(env!("CARGO_BIN_EXE_ras"))
        .current_dir(dir.path())
        .args(["eval", "--plan", "edited.json", "--case"])
        .arg(root().join(CASE))
        .output()
        .expect("ras runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The line of the Shire rule file that starts with `text` (the plan's band
/// rows are traced to their own lines).
fn line_of(text: &str) -> usize {
    let source = std::fs::read_to_string(RULES).unwrap();
    1 + source
        .lines()
        .position(|l| l.starts_with(text))
        .expect("the row is in the rule file")
}

/// `ras eval --plan` refuses the plan with exit code 2 and exactly this
/// error, and prints no result.
fn refused(plan: &Value, message: &str, code: &str) {
    let (status, stdout, stderr) = eval_plan(plan);
    assert_eq!(status, Some(2), "{stdout}{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "error: `edited.json` is not a compiled plan this version of ras can use: \
             {message} ({code})\n"
        )
    );
}

const MODIFIED: &str =
    "the plan was changed after it was compiled; compile it again from the rule file";

/// The index of the first expression `x - y` in the plan.
fn first_subtraction(plan: &Value) -> usize {
    plan["model"]["exprs"]
        .as_array()
        .expect("expressions")
        .iter()
        .position(|e| e["op"] == "arith" && e["arith"] == "sub")
        .expect("the Shire plan subtracts")
}

#[test]
fn the_plan_as_compiled_is_accepted() {
    let (status, stdout, stderr) = eval_plan(&compiled(RULES));
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stdout.contains("£270.00"), "{stdout}");
}

#[test]
fn each_hand_edit_is_refused_as_a_changed_plan() {
    let plan = compiled(RULES);

    // One points value: option 2 of the first question, 4 points -> 40.
    let mut edited = plan.clone();
    let value = &mut edited["model"]["questions"][0]["kind"]["options"][1]["values"][0];
    assert_eq!(*value, json!("4"));
    *value = json!("40");
    refused(&edited, MODIFIED, "ras::plan-modified");

    // One operator: `gross - contingency` becomes `gross + contingency`.
    let mut edited = plan.clone();
    let sub = first_subtraction(&plan);
    edited["model"]["exprs"][sub]["arith"] = json!("add");
    refused(&edited, MODIFIED, "ras::plan-modified");

    // One band rate: 15% contingency becomes 260%.
    let mut edited = plan.clone();
    let rate = &mut edited["model"]["bands"][0]["table"]["rows"][1]["value"];
    assert_eq!(*rate, json!("15"));
    *rate = json!("260");
    refused(&edited, MODIFIED, "ras::plan-modified");

    // The content hash itself: one digit changed.
    let mut edited = plan.clone();
    let hash = edited["content_hash"].as_str().expect("a hash").to_string();
    let first = if hash.starts_with('0') { "1" } else { "0" };
    edited["content_hash"] = json!(format!("{first}{}", &hash[1..]));
    refused(&edited, MODIFIED, "ras::plan-modified");

    // A field ras does not read, which would otherwise be dropped unseen,
    // with the hash recomputed or not.
    let mut edited = plan.clone();
    edited["model"]["bands"][0]["table"]["beyond"] = json!("5");
    refused(&edited, MODIFIED, "ras::plan-modified");
    reseal(&mut edited);
    refused(&edited, MODIFIED, "ras::plan-modified");

    // Without a hash at all.
    let mut edited = plan.clone();
    edited
        .as_object_mut()
        .expect("an object")
        .shift_remove("content_hash");
    let (status, _, stderr) = eval_plan(&edited);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("missing field `content_hash`"), "{stderr}");
}

#[test]
fn a_band_rate_over_100_percent_is_refused_even_with_a_matching_hash() {
    let mut edited = compiled(RULES);
    let row = &mut edited["model"]["bands"][0]["table"]["rows"][1];
    row["value"] = json!("260");
    let line = line_of("  £100 to £300:");
    reseal(&mut edited);
    refused(
        &edited,
        &format!(
            "the plan is inconsistent: row 2 (line {line}) of the bands `contingency_rate` gives \
             a rate of 260%, outside 0% to 100%; compile the rule file again rather than editing \
             the plan"
        ),
        "ras::bad-plan",
    );
    // A rate below zero, too.
    let mut edited = compiled(RULES);
    edited["model"]["bands"][0]["table"]["rows"][0]["value"] = json!("-1");
    reseal(&mut edited);
    let (status, _, stderr) = eval_plan(&edited);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("rate of -1%, outside 0% to 100%"),
        "{stderr}"
    );
}

#[test]
fn what_the_checker_guarantees_is_checked_again_with_a_matching_hash() {
    let plan = compiled(RULES);
    let inconsistent = |what: &str| {
        format!(
            "the plan is inconsistent: {what}; compile the rule file again rather than editing \
             the plan"
        )
    };

    // A gap between two step bands: £100 to £300 becomes £100 to £250.
    let mut edited = plan.clone();
    edited["model"]["bands"][0]["table"]["rows"][1]["to"] = json!("250");
    let line = line_of("  £300 to £600:");
    reseal(&mut edited);
    refused(
        &edited,
        &inconsistent(&format!(
            "row 3 (line {line}) of the bands `contingency_rate` starts at 300, above 250 where \
             the row before ends, leaving a gap"
        )),
        "ras::bad-plan",
    );

    // A band running downwards.
    let mut edited = plan.clone();
    edited["model"]["bands"][0]["table"]["rows"][1]["from"] = json!("400");
    reseal(&mut edited);
    let (status, _, stderr) = eval_plan(&edited);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("does not run upwards"), "{stderr}");

    // A route whose last rule has a condition (that of the first rule).
    let mut edited = plan.clone();
    let first_condition = edited["model"]["route"]["rules"][0]["when"].clone();
    let rules = edited["model"]["route"]["rules"]
        .as_array_mut()
        .expect("route rules");
    let last = rules.last_mut().expect("a last rule");
    assert_eq!(last["when"], Value::Null);
    last["when"] = first_condition;
    reseal(&mut edited);
    refused(
        &edited,
        &inconsistent(
            "the route `approval` does not end with an `otherwise` rule, so a costed plan may \
             get no route",
        ),
        "ras::bad-plan",
    );

    // A fingerprint of 64 zeros, and one that is not hex.
    let mut edited = plan.clone();
    edited["fingerprint"] = json!("0".repeat(64));
    reseal(&mut edited);
    refused(
        &edited,
        &inconsistent("the fingerprint is 64 zeros, which is not the fingerprint of a rule file"),
        "ras::bad-plan",
    );
    let mut edited = plan.clone();
    edited["fingerprint"] = json!("not a fingerprint");
    reseal(&mut edited);
    refused(
        &edited,
        &inconsistent("the fingerprint is not 64 lowercase hex digits"),
        "ras::bad-plan",
    );

    // A step that reads itself: a cycle.
    let mut edited = plan.clone();
    let sub = first_subtraction(&plan);
    let step = edited["model"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .position(|s| s["expr"] == json!(sub))
        .expect("a step is the subtraction");
    let left = edited["model"]["exprs"][sub]["left"]
        .as_u64()
        .expect("an id") as usize;
    edited["model"]["exprs"][left] = json!({"op": "step", "step": step});
    reseal(&mut edited);
    let (status, _, stderr) = eval_plan(&edited);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("or they form a cycle"), "{stderr}");

    // Units: the price per point made a plain amount of money, so that
    // points times it is money times points.
    let mut edited = plan.clone();
    assert_eq!(
        edited["model"]["parameters"][0]["unit"],
        json!("money_per_point")
    );
    edited["model"]["parameters"][0]["unit"] = json!("money");
    reseal(&mut edited);
    let (status, _, stderr) = eval_plan(&edited);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("multiplies"), "{stderr}");
    // The gross budget said to be in points: the contingency band, on
    // money, is then looked up with points.
    let mut edited = plan.clone();
    let gross = edited["model"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .position(|s| s["id"] == "gross")
        .expect("a gross step");
    edited["model"]["steps"][gross]["unit"] = json!("points");
    reseal(&mut edited);
    refused(
        &edited,
        &inconsistent(
            "the calculation of step `contingency` looks up the bands `contingency_rate`, which \
             are on money (£), with points (pts)",
        ),
        "ras::bad-plan",
    );

    // A condition where a number belongs: the types of expressions.
    let mut edited = plan.clone();
    edited["model"]["exprs"][left] = json!({"op": "bool", "value": true});
    reseal(&mut edited);
    let (status, _, stderr) = eval_plan(&edited);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("does arithmetic on true/false"), "{stderr}");
}

#[test]
fn an_operator_changed_with_a_recomputed_hash_is_not_detected() {
    // What the hash does not do, tested so that the documentation stays
    // true: it is not a signature. `gross - contingency` made `+` and
    // resealed is a consistent plan, and it gives another budget.
    let mut edited = compiled(RULES);
    let sub = first_subtraction(&edited);
    edited["model"]["exprs"][sub]["arith"] = json!("add");
    reseal(&mut edited);
    let (status, stdout, stderr) = eval_plan(&edited);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(!stdout.contains("£270.00"), "{stdout}");
}

#[test]
fn a_decimal_that_would_be_rounded_is_refused_not_rounded() {
    let mut edited = compiled(RULES);
    edited["model"]["parameters"][0]["schedule"][0]["values"][0] =
        json!("4.884999999999999999999999999999");
    reseal(&mut edited);
    refused(
        &edited,
        "`4.884999999999999999999999999999` has 31 significant digits, more than the 28 that \
         can be held exactly, at `model.parameters[0].schedule[0].values[0]` in the plan; \
         compile the rule file again",
        "ras::number-too-precise",
    );
    // Written in another way than a plain decimal.
    let mut edited = compiled(RULES);
    edited["model"]["parameters"][0]["schedule"][0]["values"][0] = json!("488e-2");
    reseal(&mut edited);
    let (status, _, stderr) = eval_plan(&edited);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("is not written as a plain decimal"),
        "{stderr}"
    );
}

#[test]
fn ras_test_runs_the_tests_a_plan_carries() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let plan = serde_json::to_string_pretty(&compiled(RULES)).expect("JSON");
    std::fs::write(dir.path().join("shire.plan.json"), plan).expect("written");
    let run = |args: &[&str], at: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_ras"))
            .current_dir(at)
            .args(args)
            .output()
            .expect("ras runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (status, from_plan) = run(&["test", "--plan", "shire.plan.json"], dir.path());
    assert_eq!(status, Some(0), "{from_plan}");
    let (status, from_rules) = run(&["test", RULES], root());
    assert_eq!(status, Some(0), "{from_rules}");
    assert!(from_plan.starts_with("shire.plan.json\n"), "{from_plan}");
    assert_eq!(
        from_plan.strip_prefix("shire.plan.json\n"),
        from_rules.strip_prefix(&format!("{RULES}\n"))
    );
    assert!(from_plan.ends_with("14 passed, 0 failed\n"), "{from_plan}");
    // A changed plan is not tested.
    let mut edited = compiled(RULES);
    edited["model"]["bands"][0]["table"]["rows"][1]["value"] = json!("16");
    std::fs::write(
        dir.path().join("shire.plan.json"),
        serde_json::to_string(&edited).expect("JSON"),
    )
    .expect("written");
    let (status, out) = run(&["test", "--plan", "shire.plan.json"], dir.path());
    assert_eq!(status, Some(2), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

/// Every rule file under `rules/` and every valid checker fixture, sorted.
fn council_rule_files() -> Vec<String> {
    let mut out = Vec::new();
    let mut folders = vec![root().join("rules"), root().join("tests/fixtures/check/ok")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|x| x == "ras") {
                let relative = path.strip_prefix(root()).expect("under the root");
                out.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn plan_of(rules: &str) -> Plan {
    let source = std::fs::read_to_string(root().join(rules)).expect("readable");
    let checked = ras::check::check_source(
        &source,
        &ras::check::CheckOptions::new(ras::date::Date::today()),
    );
    let model = checked
        .model
        .unwrap_or_else(|| panic!("{rules} has errors: {:?}", checked.diagnostics));
    compile(model, &source).expect("a checked model compiles")
}

#[test]
fn a_plan_read_back_gives_the_same_results_on_every_council_example() {
    let examples: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| std::fs::read_to_string(p).expect("readable"))
        .collect();
    let files = council_rule_files();
    assert!(files.len() >= 5, "{files:?}");
    let mut compared = 0;
    for rules in &files {
        let plan = plan_of(rules);
        let text = plan.to_json();
        let back = Plan::from_json(&text).unwrap_or_else(|e| panic!("{rules}: {e}"));
        assert_eq!(back, plan, "{rules}");
        let with_bom = Plan::from_json(&format!("\u{feff}{text}"))
            .unwrap_or_else(|e| panic!("{rules} with a byte-order mark: {e}"));
        assert_eq!(with_bom, plan, "{rules}");
        assert_eq!(back.to_json(), text, "{rules}");
        let (compiled, read) = (Evaluator::new(&plan), Evaluator::new(&back));
        let options = EvalOptions::default();
        let cases = plan
            .model()
            .tests
            .iter()
            .map(|t| t.case.clone())
            .chain(examples.iter().filter_map(|e| Case::from_json(e).ok()));
        for case in cases {
            assert_eq!(
                compiled.evaluate(&case, &options).to_json(),
                read.evaluate(&case, &options).to_json(),
                "{rules}"
            );
            compared += 1;
        }
    }
    assert!(compared > 50, "only {compared} cases compared");
}
