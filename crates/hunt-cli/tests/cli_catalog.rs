//! End-to-end tests of the catalog commands of the `hunt` binary: `hunt check` (exit codes,
//! caret and JSON diagnostics), `hunt tables`, `hunt schema`, and the notice a query over a
//! catalog table without data prints. Expected values come from the Microsoft Learn pages
//! (`crates/hunt-plan/catalog/`) and from counting positions in the query texts by hand.

use std::path::Path;
use std::process::{Command, Stdio};

/// What a run printed, and its exit code.
#[derive(Debug)]
struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary with `args`, a closed stdin, and no HUNT_DATA or colour.
fn hunt(args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_hunt"))
        .env_remove("HUNT_DATA")
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the query file");
    path.display().to_string()
}

#[test]
fn check_passes_queries_that_bind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(
        dir.path(),
        "ok.kql",
        "// a comment\nDeviceLogonEvents\n\n| where ActionType == 'LogonFailed'\n| summarize count() by AccountName\n",
    );
    let out = hunt(&["check", &f, "EmailEvents | take 1"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        out.stderr, "checked 2 queries: 2 bind, 0 failed\n",
        "{out:?}"
    );
    assert_eq!(out.stdout, "", "{out:?}");
}

#[test]
fn check_reports_a_caret_and_exits_2() {
    let out = hunt(&["check", "IdentityLogonEvents | where AccountUpm == 'x'"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("unknown name"), "{out:?}");
    assert!(out.stderr.contains("did you mean `AccountUpn`?"), "{out:?}");
    assert!(
        out.stderr.contains('^') || out.stderr.contains('─'),
        "{out:?}"
    );
    assert!(
        out.stderr.ends_with("checked 1 query: 0 bind, 1 failed\n"),
        "{out:?}"
    );
}

#[test]
fn check_json_gives_file_line_column_span_kind_message_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write(dir.path(), "good.kql", "AlertInfo | take 1\n");
    // `Devicename` is on line 3 from column 9: bytes 28..38 of the file.
    let bad = write(
        dir.path(),
        "bad.kql",
        "DeviceInfo\n| take 1\n| where Devicename == 'x'\n",
    );
    let out = hunt(&["check", "--format", "json", &good, &bad]);
    assert_eq!(out.code, Some(2), "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    let want = serde_json::json!([{
        "file": bad,
        "line": 3,
        "column": 9,
        "span": [28, 38],
        "severity": "error",
        "kind": "unknown name",
        "message": v[0]["message"].clone(),
        "help": "did you mean `DeviceName`?",
    }]);
    assert_eq!(v, want, "{out:?}");
    assert!(
        v[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Devicename"))
    );
    let out = hunt(&["check", "--format", "json", &good]);
    assert_eq!((out.code, out.stdout.trim()), (Some(0), "[]"), "{out:?}");
}

#[test]
fn check_refuses_a_missing_kql_file() {
    let out = hunt(&["check", "no/such/file.kql"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("no/such/file.kql"), "{out:?}");
}

#[test]
fn a_query_over_a_table_without_data_notes_it_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hunt(&[
        "--data",
        &dir.path().display().to_string(),
        "DeviceFileEvents | join (DeviceProcessEvents) on DeviceId | count",
    ]);
    // One row (Count = 0), so exit 0.
    assert_eq!(out.code, Some(0), "{out:?}");
    let notes: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("note:"))
        .collect();
    assert_eq!(notes.len(), 1, "{out:?}");
    assert!(
        notes[0].contains("DeviceFileEvents, DeviceProcessEvents"),
        "{out:?}"
    );
}

#[test]
fn tables_and_schema_cover_the_catalog() {
    let out = hunt(&["tables"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    for t in [
        "AADSignInEventsBeta",
        "DeviceTvmSoftwareInventory",
        "UrlClickEvents",
    ] {
        assert!(out.stdout.contains(t), "{t}: {out:?}");
    }
    let out = hunt(&["schema", "UrlClickEvents"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains(
            "https://learn.microsoft.com/en-us/defender-xdr/advanced-hunting-urlclickevents-table"
        ),
        "{out:?}"
    );
    assert!(out.stdout.contains("IsClickedThrough"), "{out:?}");
    assert!(
        out.stdout
            .contains("The full URL that was clicked on by the user"),
        "{out:?}"
    );
    let out = hunt(&["schema", "UrlClickEvent"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("did you mean `UrlClickEvents`?"),
        "{out:?}"
    );
}

#[test]
fn check_warns_where_bag_unpack_columns_depend_on_the_data() {
    // docs: bag-unpack-plugin — "the output schema depends on the data"; without rows
    // `check` cannot know `Name`, so it warns and exits 0, while a misspelt input column
    // before the plugin is still an error.
    let dir = tempfile::tempdir().expect("tempdir");
    let open = write(
        dir.path(),
        "open.kql",
        "AlertEvidence | extend d = parse_json(AdditionalFields) | evaluate bag_unpack(d) | project-reorder Name\n",
    );
    let out = hunt(&["check", "--format", "json", &open]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    assert_eq!(v[0]["severity"], "warning", "{out:?}");
    let bad = write(
        dir.path(),
        "bad.kql",
        "AlertEvidence | extend d = parse_json(AdditionalFeilds) | evaluate bag_unpack(d)\n",
    );
    let out = hunt(&["check", &bad]);
    assert_eq!(out.code, Some(2), "{out:?}");
}
