//! The planted insider-risk scenarios of `hunt gen` are visible across the tables: KQL
//! joins between the Insider Risk tables and the Defender correlation tables find the
//! planted rows. Expected counts are the scenario constants of `hunt_gen::scenarios`.

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use arrow::array::{Array, AsArray};
use hunt::Engine;
use hunt_gen::scenarios;

/// An engine over one generated dataset, shared by the tests (generated once).
fn engine() -> Engine {
    static DATA: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DATA.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let opts = hunt_gen::GenOptions {
            events: 20_000,
            ..hunt_gen::GenOptions::default()
        };
        hunt_gen::write_dataset(&opts, dir.path()).unwrap();
        dir
    });
    let mut e = Engine::open_dir(dir.path()).unwrap();
    e.set_now(hunt_plan::planner::literals::parse_datetime_text(hunt_gen::DEMO_NOW).unwrap());
    e
}

/// The single `long` a query ending in `count` returns.
fn count(q: &str) -> i64 {
    let r = engine()
        .query(q)
        .unwrap_or_else(|e| panic!("{q}\n{}", e.diagnostic().message));
    assert_eq!(r.num_rows(), 1, "{q}");
    let b = &r.batches.iter().find(|b| b.num_rows() > 0).unwrap();
    b.column(0)
        .as_primitive::<arrow::datatypes::Int64Type>()
        .value(0)
}

/// The string values of the first column.
fn strings(q: &str) -> Vec<String> {
    let r = engine()
        .query(q)
        .unwrap_or_else(|e| panic!("{q}\n{}", e.diagnostic().message));
    r.batches
        .iter()
        .flat_map(|b| {
            let a = b.column(0).as_string::<i32>();
            (0..a.len())
                .filter(|&i| a.is_valid(i))
                .map(|i| a.value(i).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn usb_copies_appear_in_device_file_events() {
    let q = format!(
        r#"DataSecurityEvents
| where ActionType == "File copied to Removable media" and RemovableMediaSerialNumber == "{}"
| project DeviceName, FileName, DseTime = Timestamp
| join kind=inner (DeviceFileEvents | where ActionType == "FileCreated" and FolderPath startswith @"E:\")
    on DeviceName, FileName
| where Timestamp == DseTime and InitiatingProcessAccountUpn == "{}"
| count"#,
        scenarios::USB_SERIAL,
        scenarios::LABEL_USER
    );
    assert_eq!(count(&q), scenarios::USB_COPIES as i64);
}

#[test]
fn zip_uploads_appear_in_cloud_app_and_network_events() {
    let q = format!(
        r#"DataSecurityEvents
| where ActionType == "FileUploaded" and FileName endswith ".zip" and AccountUpn == "{}"
| join kind=inner (CloudAppEvents | where ActionType == "FileUploaded" | project ObjectName, Application)
    on $left.FileName == $right.ObjectName
| where Application in ("Google Drive", "Mega")
| count"#,
        scenarios::DEPARTING_USER
    );
    assert_eq!(count(&q), scenarios::DEPARTING_ARCHIVES as i64);
    let q = r#"DeviceNetworkEvents
| where RemoteUrl in ("drive.google.com", "mega.nz") and InitiatingProcessAccountName == "megan.bowen"
| where DeviceName == "lt-megan-01.contoso.com" and ActionType == "ConnectionSuccess"
| count"#;
    assert!(count(q) >= scenarios::DEPARTING_ARCHIVES as i64);
}

#[test]
fn archives_appear_as_7zip_processes_and_created_files() {
    let q = r#"DeviceProcessEvents
| where FileName =~ "7z.exe" and ProcessCommandLine contains "-tzip" and AccountName == "megan.bowen"
| count"#;
    assert_eq!(count(q), scenarios::DEPARTING_ARCHIVES as i64);
    let q = format!(
        r#"DataSecurityEvents
| where ActionType == "File Archived" and AccountUpn == "{}" and FileName endswith ".zip"
| join kind=inner (DeviceFileEvents | where ActionType == "FileCreated" and InitiatingProcessFileName == "7z.exe")
    on DeviceName, FileName
| count"#,
        scenarios::DEPARTING_USER
    );
    assert_eq!(count(&q), scenarios::DEPARTING_ARCHIVES as i64);
}

#[test]
fn departing_user_mails_her_personal_address() {
    let q = r#"EmailEvents
| where EmailDirection == "Outbound" and SenderFromAddress == "megan.bowen@contoso.com"
| where RecipientEmailAddress endswith "@gmail.com" and AttachmentCount > 0 and Subject endswith ".zip"
| count"#;
    assert_eq!(count(q), hunt_gen::DEPARTING_PERSONAL_MAILS as i64);
}

#[test]
fn copilot_burst_appears_in_cloud_app_events() {
    let w = scenarios::windows(&hunt_gen::GenOptions::default()).copilot;
    let q = format!(
        r#"CloudAppEvents
| where ActionType == "CopilotInteraction" and AccountDisplayName == "Isaiah Langer"
| where ObjectName == "Microsoft 365 Copilot Chat"
| where Timestamp between (datetime({}) .. datetime({}))
| count"#,
        w.start.format("%Y-%m-%dT%H:%M:%SZ"),
        w.end.format("%Y-%m-%dT%H:%M:%SZ")
    );
    assert_eq!(count(&q), scenarios::COPILOT_EVENTS as i64);
}

#[test]
fn identity_and_device_inventory_join_the_irm_tables() {
    let q = format!(
        r#"DataSecurityEvents
| where AccountUpn == "{}"
| distinct AccountObjectId
| join kind=inner IdentityInfo on AccountObjectId
| distinct Department"#,
        scenarios::DEPARTING_USER
    );
    assert_eq!(
        strings(&q),
        vec![scenarios::DEPARTING_DEPARTMENT.to_string()]
    );
    // Microsoft's sample "alerts on devices the account logged on to", for her account.
    let q = r#"DeviceInfo
| where LoggedOnUsers contains 'megan.bowen'
| distinct DeviceId
| join kind=inner AlertEvidence on DeviceId
| project AlertId
| join AlertInfo on AlertId
| distinct Title"#;
    assert!(strings(q).contains(&scenarios::DEPARTING_ALERT_TITLE.to_string()));
    let q = r#"DeviceLogonEvents
| where AccountName == "megan.bowen" and LogonType == "Interactive" and ActionType == "LogonSuccess"
| where DeviceName == "lt-megan-01.contoso.com" and Timestamp > ago(6d)
| summarize by bin(Timestamp, 1d)
| count"#;
    assert!(count(q) >= 5);
}
