//! The built-in IRM functions on `hunt gen` data with its planted scenarios. Expected sets
//! are computed here from the raw rows (AlertInfo's ServiceSource, AlertEvidence's User
//! entities), independently of the KQL under test.

#![allow(clippy::unwrap_used)]

mod common;

use common::{col, rows};
use std::collections::{BTreeMap, BTreeSet};

const IRM_SOURCE: &str = "Microsoft Purview Insider Risk Management";

fn open() -> (tempfile::TempDir, hunt_irm::DataDir) {
    let dir = tempfile::tempdir().unwrap();
    common::generate(dir.path());
    let mut data = hunt_irm::DataDir::open(dir.path()).unwrap();
    data.engine_mut().set_now(common::demo_now());
    (dir, data)
}

fn run(data: &hunt_irm::DataDir, q: &str) -> hunt::QueryResult {
    hunt_irm::Session::default()
        .query(data, q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .result
}

fn set(text: &str) -> BTreeSet<String> {
    serde_json::from_str::<Vec<String>>(text)
        .unwrap()
        .into_iter()
        .collect()
}

#[test]
fn irm_alerts_incidents_and_timeline() {
    let (_dir, data) = open();
    // Raw rows: alert → source, alert → users named by its User evidence.
    let info = run(
        &data,
        "AlertInfo | project AlertId, ServiceSource, Timestamp",
    );
    let source: BTreeMap<String, String> = rows(&info)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let evidence = run(
        &data,
        "AlertEvidence | where EntityType == 'User' | project AlertId, AccountUpn",
    );
    let mut users_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows(&evidence) {
        if !r[1].is_empty() {
            users_of
                .entry(r[0].clone())
                .or_default()
                .insert(r[1].to_lowercase());
        }
    }
    let irm_ids: BTreeSet<String> = source
        .iter()
        .filter(|(_, s)| *s == IRM_SOURCE)
        .map(|(id, _)| id.clone())
        .collect();
    assert!(irm_ids.len() >= 2, "the planted IRM alerts are there");

    // IrmAlerts returns exactly the IRM alerts (all of them inside a long lookback).
    let got = run(&data, "IrmAlerts(3650d) | project AlertId");
    let got: BTreeSet<String> = rows(&got).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(got, irm_ids);
    // The default lookback (30d before the demo instant) covers the whole 30-day window.
    let n = run(&data, "IrmAlerts | count");
    assert_eq!(rows(&n)[0][0], irm_ids.len().to_string());

    // Expected incidents: each user named by an IRM alert, with every alert naming them.
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, users) in &users_of {
        for u in users {
            expected.entry(u.clone()).or_default().insert(id.clone());
        }
    }
    expected.retain(|_, ids| ids.iter().any(|id| irm_ids.contains(id)));

    let inc = run(&data, "IrmIncidents(3650d)");
    let (u, ids, count, irm_count) = (
        col(&inc, "User"),
        col(&inc, "AlertIds"),
        col(&inc, "AlertCount"),
        col(&inc, "IrmAlertCount"),
    );
    let mut got: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows(&inc) {
        let alerts = set(&r[ids]);
        assert_eq!(r[count], alerts.len().to_string());
        let irm = alerts.iter().filter(|a| irm_ids.contains(*a)).count();
        assert_eq!(r[irm_count], irm.to_string());
        assert!(
            got.insert(r[u].clone(), alerts).is_none(),
            "one incident per user"
        );
    }
    assert_eq!(got, expected);
    // The planted users: each has one incident holding all their alerts and no one else's.
    for planted in [
        hunt_gen::scenarios::DEPARTING_USER,
        hunt_gen::scenarios::COPILOT_USER,
    ] {
        let alerts = &got[planted];
        for a in alerts {
            assert!(users_of[a].contains(planted), "{a} is about {planted}");
        }
        let all: BTreeSet<&String> = users_of
            .iter()
            .filter(|(_, us)| us.contains(planted))
            .map(|(id, _)| id)
            .collect();
        assert_eq!(alerts.iter().collect::<BTreeSet<_>>(), all);
    }
    let megan = run(
        &data,
        &format!(
            "IrmIncidents(3650d) | where User == '{}' | project HighestSeverity, Devices, Titles",
            hunt_gen::scenarios::DEPARTING_USER
        ),
    );
    let megan = &rows(&megan)[0];
    assert_eq!(megan[0], "High", "her planted alert is High");
    assert!(megan[1].contains("lt-megan-01.contoso.com"), "{}", megan[1]);
    assert!(megan[2].contains(hunt_gen::scenarios::DEPARTING_ALERT_TITLE));

    // AlertsBySource: short names and full spellings select the same rows.
    for (short, full) in [
        ("dlp", "Microsoft Data Loss Prevention"),
        ("MDE", "Microsoft Defender for Endpoint"),
        ("irm", "microsoftInsiderRiskManagement"),
    ] {
        let a = run(
            &data,
            &format!("AlertsBySource('{short}', 3650d) | project AlertId"),
        );
        let b = run(
            &data,
            &format!("AlertsBySource('{full}', 3650d) | project AlertId"),
        );
        let a: BTreeSet<String> = rows(&a).into_iter().map(|r| r[0].clone()).collect();
        let b: BTreeSet<String> = rows(&b).into_iter().map(|r| r[0].clone()).collect();
        assert_eq!(a, b, "{short} vs {full}");
        assert!(!a.is_empty(), "{short}");
    }

    // The departing user's timeline: her events, behaviors and alerts, in time order.
    let who = hunt_gen::scenarios::DEPARTING_USER;
    let tl = run(&data, &format!("UserRiskTimeline('{who}', 3650d)"));
    let (ts, kind, name) = (col(&tl, "Timestamp"), col(&tl, "Kind"), col(&tl, "Name"));
    let tl = rows(&tl);
    assert!(tl.windows(2).all(|w| w[0][ts] <= w[1][ts]), "time-ordered");
    let events = run(
        &data,
        &format!("DataSecurityEvents | where AccountUpn =~ '{who}' | count"),
    );
    let n_events = tl.iter().filter(|r| r[kind] == "Event").count();
    assert_eq!(n_events.to_string(), rows(&events)[0][0]);
    assert!(tl.iter().filter(|r| r[kind] == "Behavior").count() >= 15);
    assert!(
        tl.iter()
            .any(|r| r[kind] == "Alert" && r[name] == hunt_gen::scenarios::DEPARTING_ALERT_TITLE)
    );
}

#[test]
fn schema_file_declares_tables_and_functions() {
    let dir = tempfile::tempdir().unwrap();
    common::generate(dir.path());
    std::fs::write(
        dir.path().join("schema.kql"),
        r#"
.create table HrSignals (Timestamp:datetime, AccountUpn:string, Signal:string) with (folder = "HR")
.create function with (docstring = "High-severity IRM alerts", folder = "Mine")
HighIrm(lookback:timespan = 30d) { IrmAlerts(lookback) | where Severity == "High" }
.create function IrmAlerts(lookback:timespan = 1d) { AlertInfo | take 1 }
.create-merge table DataSecurityEvents (DlpPolicyMatchInfo:dynamic, Extra:string)
"#,
    )
    .unwrap();
    let mut data = hunt_irm::DataDir::open(dir.path()).unwrap();
    data.engine_mut().set_now(common::demo_now());
    // A declared table without files is empty, with its declared columns.
    let r = run(&data, "HrSignals | project Signal, AccountUpn");
    assert_eq!(r.num_rows(), 0);
    assert_eq!(r.schema.fields.len(), 2);
    // The directory's own IrmAlerts wins over the built-in one (the library uses
    // `.create function ifnotexists`), and its default applies.
    let r = run(&data, "IrmAlerts() | count");
    assert_eq!(rows(&r)[0][0], "1");
    let f = data.engine().functions().get("HighIrm").unwrap();
    assert_eq!(f.folder.as_deref(), Some("Mine"));
    assert_eq!(f.signature(), "HighIrm(lookback:timespan = 30d)");
    // A Parquet string column declared `dynamic` is read as JSON; the documented columns
    // keep their types.
    let r = run(
        &data,
        "DataSecurityEvents | where isnotempty(DlpPolicyMatchInfo) | take 1 \
         | project t = gettype(DlpPolicyMatchInfo), a = gettype(ActivityId), e = gettype(Extra)",
    );
    assert_eq!(
        rows(&r),
        vec![vec!["array".to_string(), "guid".into(), "string".into()]]
    );
    // A `let` in the query does not change what a stored function reads.
    let r = run(
        &data,
        "let AlertInfo = datatable(x:long) []; IrmAlerts() | count",
    );
    assert_eq!(rows(&r)[0][0], "1");
}

#[test]
fn schema_file_errors_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("schema.kql"),
        ".create table T (a:long)\n.create table U (b:strng)\n",
    )
    .unwrap();
    let e = hunt::Engine::open_dir(dir.path()).unwrap_err();
    let hunt::Error::Script(s) = &e else {
        panic!("{e:?}")
    };
    let d = s.error.diagnostic();
    assert_eq!(&s.text[d.span.unwrap()], "strng");
    assert!(d.message.contains("unknown type"), "{}", d.message);
    assert!(s.origin.ends_with("schema.kql"));
}
