//! End-to-end tests of `hunt test`: the examples in `testdata/rules` pass; a changed expected
//! cell fails with a diff, exit status 1 and a JUnit failure; a rule hunt refuses is reported in
//! SARIF at its file, line and column; `--record`, `--filter` and unreadable files.
//!
//! Each test copies what it needs into a temporary directory and runs the built binary there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Copies `from` (a folder) to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of `testdata/rules` (as `rules/`) and `testdata/rules-failing`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&testdata().join("rules"), &dir.path().join("rules"));
    copy_dir(
        &testdata().join("rules-failing"),
        &dir.path().join("rules-failing"),
    );
    dir
}

fn hunt_test(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hunt"))
        .arg("test")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_examples_pass() {
    let ws = workspace();
    let out = hunt_test(ws.path(), &["rules", "--junit", "junit.xml"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // 2 zip-upload, 2 web-mail, 2 Sentinel and 2 detectionRule cases.
    assert!(text.contains("8 passed, 0 failed"), "{text}");
    assert!(text.contains("ok     rules/sentinel/taskkill.test.yaml :: ransomware stops eleven processes in two minutes"), "{text}");
    let junit = std::fs::read_to_string(ws.path().join("junit.xml")).unwrap();
    assert!(junit.contains("tests=\"8\""), "{junit}");
    assert!(junit.contains("failures=\"0\""), "{junit}");
}

#[test]
fn a_changed_cell_fails_with_a_diff_and_a_junit_failure() {
    let ws = workspace();
    let file = ws.path().join("rules/zip-uploads/zip-uploads.test.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = text.replacen("Uploads: 3,", "Uploads: 4,", 1);
    assert_ne!(text, changed);
    std::fs::write(&file, changed).unwrap();

    let out = hunt_test(ws.path(), &["rules", "--junit", "junit.xml"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("7 passed, 1 failed"), "{text}");
    assert!(
        text.contains("FAIL   rules/zip-uploads/zip-uploads.test.yaml :: departing user zips to personal cloud storage"),
        "{text}"
    );
    assert!(
        text.contains("rows differ (expected 2, got 2, in order):"),
        "{text}"
    );
    assert!(
        text.contains("changed    {AccountUpn: \"megan.bowen@contoso.com\""),
        "{text}"
    );
    assert!(text.contains("Uploads: expected 4, got 3"), "{text}");

    let junit = std::fs::read_to_string(ws.path().join("junit.xml")).unwrap();
    assert!(junit.contains("failures=\"1\""), "{junit}");
    let case = junit
        .find("name=\"departing user zips to personal cloud storage\"")
        .expect("the case is in the JUnit file");
    let failure = junit[case..].find("<failure").expect("a failure element");
    let next_case = junit[case + 1..]
        .find("<testcase")
        .map_or(usize::MAX, |i| i + 1);
    assert!(
        failure < next_case,
        "the failure belongs to that case: {junit}"
    );
}

#[test]
fn a_refused_rule_is_reported_in_sarif_at_its_line_and_column() {
    let ws = workspace();
    let out = hunt_test(
        ws.path(),
        &["rules-failing/refused", "--sarif", "rules.sarif"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("0 passed, 1 failed"), "{text}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path().join("rules.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "hunt/not-supported", "{r}");
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("series_decompose_anomalies"),
        "{r}"
    );
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "rules-failing/refused/upload-anomalies.yaml"
    );
    // Line 18 of the rule file is
    // `  | extend (Flags, Score, Baseline) = series_decompose_anomalies(Uploads, 1.5)`:
    // two spaces of YAML indentation, then 36 characters before the function name.
    assert_eq!(loc["region"]["startLine"], 18, "{loc}");
    assert_eq!(loc["region"]["startColumn"], 39, "{loc}");
}

#[test]
fn failing_examples_fail_and_passing_files_are_not_reported_in_sarif() {
    let ws = workspace();
    let out = hunt_test(ws.path(), &["rules-failing", "--sarif", "rules.sarif"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("0 passed, 3 failed"), "{text}");
    assert!(
        text.contains("the rule reads rows older than its query period (01:00:00)"),
        "{text}"
    );
    let sarif = std::fs::read_to_string(ws.path().join("rules.sarif")).unwrap();
    assert!(!sarif.contains("zip-uploads"), "{sarif}");
}

#[test]
fn record_writes_the_result_and_filter_selects_cases() {
    let ws = workspace();
    let dir = ws.path().join("rules/webmail-confidential");
    let file = dir.join("confidential-webmail.test.yaml");
    // Keep only the first case's tables, without its expectations.
    std::fs::write(
        &file,
        "rule: confidential-webmail.kql\ncases:\n  - name: recorded\n    now: 2025-06-30T00:00:00Z\n    tables:\n      DataSecurityEvents: fixtures/dse.ndjson\n  - name: other\n    now: 2025-06-30T00:00:00Z\n    expect:\n      count: 5\n",
    )
    .unwrap();
    let out = hunt_test(
        ws.path(),
        &[
            "rules/webmail-confidential",
            "--record",
            "--filter",
            "recorded",
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 recorded"), "{text}");
    let recorded = std::fs::read_to_string(&file).unwrap();
    assert!(recorded.contains("pradeep.gupta@contoso.com"), "{recorded}");
    // The recorded rows pass now; the other case was not run (its count is wrong).
    let out = hunt_test(
        ws.path(),
        &["rules/webmail-confidential", "--filter", "recorded"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 passed, 0 failed"));
    let out = hunt_test(ws.path(), &["rules/webmail-confidential"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("expected 5 row(s), got 0"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unreadable_files_exit_2() {
    let ws = workspace();
    let bad = ws.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("broken.test.yaml"), "rule: [unclosed\n").unwrap();
    let out = hunt_test(ws.path(), &["bad"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("error  bad/broken.test.yaml"),
        "{}",
        stdout(&out)
    );

    std::fs::write(
        bad.join("broken.test.yaml"),
        "rule: ../rules/zip-uploads/zip-uploads.kql\ncases:\n  - name: c\n    now: 2025-06-30\n    tables:\n      DataSecurityEvents: missing.csv\n",
    )
    .unwrap();
    let out = hunt_test(ws.path(), &["bad"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).contains("missing.csv"), "{}", stdout(&out));

    let out = hunt_test(ws.path(), &["no-such-folder"]);
    assert_eq!(out.status.code(), Some(2));
}
