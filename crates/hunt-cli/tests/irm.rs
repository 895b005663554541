//! The insider-risk surface of the `hunt` binary on `hunt gen` data: pseudonymization in
//! every output format, the access policy refusing before any file is read, the audit log
//! (`hunt audit`, `HuntAudit`), `hunt reveal`, `hunt init-policy` and `hunt functions`.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

const NOW: &str = "2025-07-01T00:00:00Z";
const BOTH_ROLES: &str = "Insider Risk Management Analyst,Security Reader";

fn hunt() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hunt"));
    for v in [
        "HUNT_DATA",
        "HUNT_PRINCIPAL",
        "HUNT_ROLES",
        "HUNT_PSEUDONYM_KEY",
    ] {
        cmd.env_remove(v);
    }
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

fn out(mut cmd: Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

fn generate(dir: &Path) {
    let opts = hunt_gen::GenOptions {
        events: 3000,
        ..Default::default()
    };
    hunt_gen::write_dataset(&opts, dir).unwrap();
}

fn query(dir: &Path, args: &[&str], q: &str) -> (i32, String, String) {
    let mut c = hunt();
    c.arg("--data")
        .arg(dir)
        .args(["--now", NOW])
        .args(args)
        .arg(q);
    out(c)
}

/// Every real identity value of the data: the UPNs, object ids, names and addresses in the
/// identity columns, read without pseudonymization.
fn real_identities(dir: &Path) -> Vec<String> {
    let q = "union \
        (DataSecurityEvents | project v = pack_array(AccountUpn, AccountObjectId, RecipientEmailAddress)), \
        (DataSecurityBehaviors | project v = pack_array(AccountUpn, AccountEmail)), \
        (AlertEvidence | project v = pack_array(AccountUpn, AccountObjectId, AccountName, AccountSid)) \
        | mv-expand v to typeof(string) | where isnotempty(v) | distinct v";
    let (code, stdout, stderr) = query(dir, &["--format", "csv"], q);
    assert_eq!(code, 0, "{stderr}");
    let mut v: Vec<String> = stdout
        .lines()
        .skip(1)
        .map(|l| l.trim_matches('"').to_string())
        .collect();
    v.retain(|s| s.len() >= 4);
    v
}

#[test]
fn pseudonymized_output_hides_every_identity_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
    let other = keys.path().join("other");
    std::fs::write(&other, "another key, also long enough").unwrap();
    let real = real_identities(dir.path());
    let megan = hunt_gen::scenarios::DEPARTING_USER;
    assert!(real.iter().any(|r| r == megan), "{} identities", real.len());
    assert!(real.len() > 50);

    // Identities by name, renamed, concatenated, lower-cased, collected, and in incidents.
    let queries = [
        "DataSecurityEvents | summarize n = count(), Emails = make_set(UserAlternateEmails) by AccountUpn, AccountObjectId",
        "DataSecurityEvents | project Who = AccountUpn, Tag = strcat('user:', tolower(AccountUpn)), RecipientEmailAddress | take 500",
        "IrmIncidents(3650d)",
        "AlertEvidence | where EntityType == 'User' | project AlertId, AccountName, AccountSid, AccountUpn, AdditionalFields",
    ];
    let key_arg = key.to_str().unwrap();
    for q in queries {
        for format in ["table", "csv", "json", "ndjson"] {
            let (code, stdout, stderr) = query(
                dir.path(),
                &[
                    "--pseudonymize",
                    "--pseudonym-key-file",
                    key_arg,
                    "--format",
                    format,
                ],
                q,
            );
            assert_eq!(code, 0, "{q} {format}: {stderr}");
            assert!(stdout.contains("anon-"), "{q} {format}");
            let lower = stdout.to_lowercase();
            for r in &real {
                assert!(
                    !lower.contains(&r.to_lowercase()),
                    "{r} leaks in {format} of {q}"
                );
            }
        }
    }

    // Naming a real identity under pseudonymization is refused, not silently empty.
    let (code, _, stderr) = query(
        dir.path(),
        &["--pseudonymize", "--pseudonym-key-file", key_arg],
        &format!("DataSecurityEvents | where AccountUpn == '{megan}' | count"),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("real identity"), "{stderr}");
    // Stable: the same pseudonym across runs with the same key, another with another key.
    let pseudonym_of = |key: &str| {
        let (code, stdout, stderr) = query(
            dir.path(),
            &[
                "--pseudonymize",
                "--pseudonym-key-file",
                key,
                "--format",
                "csv",
            ],
            "DataSecurityEvents | summarize n = countif(FileName endswith '.zip' and ActionType == 'FileUploaded') by AccountUpn | top 1 by n | project AccountUpn",
        );
        assert_eq!(code, 0, "{stderr}");
        stdout.lines().nth(1).unwrap().trim_matches('"').to_string()
    };
    let p1 = pseudonym_of(key_arg);
    let p2 = pseudonym_of(key_arg);
    let p3 = pseudonym_of(other.to_str().unwrap());
    assert!(p1.starts_with("anon-"), "{p1}");
    assert_eq!(p1, p2);
    assert_ne!(p1, p3);
    // A filter on the pseudonym selects her rows.
    let (code, stdout, stderr) = query(
        dir.path(),
        &[
            "--pseudonymize",
            "--pseudonym-key-file",
            key_arg,
            "--format",
            "csv",
        ],
        &format!(
            "DataSecurityEvents | where AccountUpn == '{p1}' and FileName endswith '.zip' and ActionType == 'FileUploaded' | count"
        ),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.lines().nth(1).unwrap().parse::<usize>().unwrap()
            >= hunt_gen::scenarios::DEPARTING_ARCHIVES
    );
    // Without a key, pseudonymizing is an error.
    let (code, _, stderr) = query(dir.path(), &["--pseudonymize"], "AlertInfo | take 1");
    assert_eq!(code, 2);
    assert!(stderr.contains("HUNT_PSEUDONYM_KEY"), "{stderr}");
    // `hunt reveal` maps it back with the key (the key from the environment this time).
    let mut c = hunt();
    c.args(["reveal", "--data"]).arg(dir.path()).arg(&p1);
    c.env("HUNT_PSEUDONYM_KEY", "0123456789abcdef0123456789abcdef");
    let (code, stdout, stderr) = out(c);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), megan);
}

#[test]
fn policy_refuses_before_reading_and_audits_both_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let mut c = hunt();
    c.arg("init-policy").arg(dir.path());
    let (code, _, stderr) = out(c);
    assert_eq!(code, 0, "{stderr}");
    // Allowed: both roles.
    let (code, _, stderr) = query(
        dir.path(),
        &["--principal", "ana@contoso.com", "--roles", BOTH_ROLES],
        "DataSecurityEvents | count",
    );
    assert_eq!(code, 0, "{stderr}");
    // Make every DataSecurityEvents file unreadable as Parquet: a query that opened one
    // would fail with a Parquet error naming it.
    for e in std::fs::read_dir(dir.path().join("DataSecurityEvents")).unwrap() {
        std::fs::write(e.unwrap().path(), b"not parquet").unwrap();
    }
    let (code, _, stderr) = query(
        dir.path(),
        &["--principal", "ana@contoso.com", "--roles", BOTH_ROLES],
        "DataSecurityEvents | count",
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("parquet") || stderr.contains("Parquet"),
        "{stderr}"
    );
    // Refused: a Defender role only. The error is the permission, so no file was opened.
    let (code, stdout, stderr) = query(
        dir.path(),
        &[
            "--principal",
            "sam@contoso.com",
            "--roles",
            "Security Reader",
        ],
        "DataSecurityEvents | count",
    );
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("permission denied"), "{stderr}");
    assert!(stderr.contains("DataSecurityEvents"), "{stderr}");
    assert!(
        stderr.contains("Insider Risk Management Analyst"),
        "{stderr}"
    );
    assert!(!stderr.to_lowercase().contains("parquet"), "{stderr}");
    // Through a stored function too.
    let (code, _, stderr) = query(
        dir.path(),
        &[
            "--principal",
            "sam@contoso.com",
            "--roles",
            "Insider Risk Management",
        ],
        "IrmAlerts()",
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("AlertInfo"), "{stderr}");

    // The audit log has the allowed and the refused queries.
    let mut c = hunt();
    c.args(["audit", "--data"]).arg(dir.path());
    let (code, stdout, stderr) = out(c);
    assert_eq!(code, 0, "{stderr}");
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0]["principal"], "ana@contoso.com");
    assert_eq!(records[0]["outcome"], "ok");
    assert_eq!(records[0]["rows"], 1);
    assert_eq!(
        records[0]["tables"],
        serde_json::json!(["DataSecurityEvents"])
    );
    assert_eq!(records[2]["principal"], "sam@contoso.com");
    assert_eq!(records[2]["outcome"], "denied");
    assert_eq!(records[2]["query"], "DataSecurityEvents | count");
    let mut c = hunt();
    c.args(["audit", "--data"])
        .arg(dir.path())
        .args(["--outcome", "denied"]);
    let (_, stdout, _) = out(c);
    assert_eq!(stdout.lines().count(), 2);
    // HuntAudit is a table for those allowed to read it.
    let (code, stdout, stderr) = query(
        dir.path(),
        &[
            "--principal",
            "ivy@contoso.com",
            "--roles",
            "Insider Risk Management Investigator",
            "--format",
            "csv",
        ],
        "HuntAudit | where Outcome == 'denied' | project Principal, Query",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.matches("sam@contoso.com").count(), 2, "{stdout}");
    let (code, _, stderr) = query(
        dir.path(),
        &[
            "--principal",
            "sam@contoso.com",
            "--roles",
            "Security Reader",
        ],
        "HuntAudit | count",
    );
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn functions_builtins_lists_the_registry() {
    let mut c = hunt();
    c.args(["functions", "--builtins"]);
    let (code, stdout, stderr) = out(c);
    assert_eq!(code, 0, "{stderr}");
    // Functions hunt runs (row_number was once listed as unsupported), a definition of
    // each kind, and a name hunt refuses with its reason (docs/kql-subset.md).
    for line in [
        "row_number\twindow\tyes",
        "bag_zip\tscalar\tyes",
        "buildschema\taggregate\tyes",
        "sumif\taggregate\tyes",
        "series_fft\tscalar\tno",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "{line} missing from\n{stdout}"
        );
    }
    assert!(
        stdout.contains("variancepif\taggregate\tno: its docs"),
        "{stdout}"
    );
}

#[test]
fn functions_lists_the_library_and_the_schema_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("schema.kql"),
        ".create function with (folder = 'Mine') MyAlerts() { AlertInfo | take 1 }",
    )
    .unwrap();
    let mut c = hunt();
    c.args(["functions", "--data"]).arg(dir.path());
    let (code, stdout, stderr) = out(c);
    assert_eq!(code, 0, "{stderr}");
    for f in [
        "IrmAlertStatus(defenderStatus:string, defenderClassification:string = \"\")",
        "DefenderAlertStatus(irmStatus:string)",
        "DefenderAlertClassification(irmStatus:string)",
        "IrmAlerts(lookback:timespan = 30d)",
        "AlertsBySource(source:string, lookback:timespan = 30d)",
        "IrmIncidents(lookback:timespan = 30d)",
        "UserRiskTimeline(upn:string, lookback:timespan = 30d)",
        "MyAlerts()",
    ] {
        assert!(stdout.contains(f), "{f} missing from\n{stdout}");
    }
    let mut c = hunt();
    c.args(["functions", "IrmAlerts"]);
    let (code, stdout, _) = out(c);
    assert_eq!(code, 0);
    assert!(stdout.contains(".create function ifnotexists"), "{stdout}");

    // A bad command in schema.kql fails with a caret into the file.
    std::fs::write(
        dir.path().join("schema.kql"),
        ".create table T (a:long)\n.drop table T\n",
    )
    .unwrap();
    let (code, _, stderr) = query(dir.path(), &[], "print 1");
    assert_eq!(code, 2);
    assert!(stderr.contains("schema.kql"), "{stderr}");
    assert!(stderr.contains(".drop table"), "{stderr}");
    assert!(stderr.contains('^') || stderr.contains('─'), "{stderr}");
}
