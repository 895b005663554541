//! The correlation tables hunt-gen writes: their columns follow the Microsoft Learn
//! table pages, the Parquet files carry exactly those columns, and they reference the
//! same users and devices as the Insider Risk tables.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray, RecordBatch};
use hunt_gen::{CORRELATION_TABLES, GenOptions, physical_type, table_schema, write_dataset};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Per table: column count, first and last column, as the table's Microsoft Learn page
/// lists them (learn.microsoft.com/en-us/defender-xdr/advanced-hunting-<table>-table,
/// read from MicrosoftDocs/defender-docs).
const DOCUMENTED: &[(&str, usize, &str, &str)] = &[
    ("DeviceInfo", 37, "Timestamp", "HostDeviceId"),
    ("DeviceProcessEvents", 58, "Timestamp", "AdditionalFields"),
    (
        "DeviceFileEvents",
        57,
        "Timestamp",
        "InitiatingProcessRemoteSessionIP",
    ),
    (
        "DeviceNetworkEvents",
        44,
        "Timestamp",
        "InitiatingProcessRemoteSessionIP",
    ),
    (
        "DeviceLogonEvents",
        48,
        "Timestamp",
        "InitiatingProcessRemoteSessionIP",
    ),
    ("EmailEvents", 39, "Timestamp", "LatestDeliveryAction"),
    ("CloudAppEvents", 36, "Timestamp", "OAuthAppId"),
    ("IdentityInfo", 46, "Timestamp", "GroupMembership"),
];

#[test]
fn schemas_follow_the_documented_column_lists() {
    assert_eq!(DOCUMENTED.len(), CORRELATION_TABLES.len());
    for &(table, count, first, last) in DOCUMENTED {
        let s = table_schema(table).unwrap();
        let names: Vec<&str> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names.len(), count, "{table}");
        assert_eq!(names.first(), Some(&first), "{table}");
        assert_eq!(names.last(), Some(&last), "{table}");
    }
    // A few documented types that matter to queries.
    let ty = |t: &str, c: &str| {
        let s = table_schema(t).unwrap();
        s.fields[s.index_of(c).unwrap()].ty.name()
    };
    assert_eq!(ty("DeviceNetworkEvents", "RemotePort"), "int");
    assert_eq!(ty("DeviceInfo", "OSBuild"), "long");
    assert_eq!(ty("EmailEvents", "ReportId"), "string");
    assert_eq!(ty("CloudAppEvents", "RawEventData"), "dynamic");
    assert_eq!(ty("IdentityInfo", "IsAccountEnabled"), "bool");
}

fn read_all(dir: &Path) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let b = ParquetRecordBatchReaderBuilder::try_new(File::open(&f).unwrap()).unwrap();
        out.extend(b.build().unwrap().map(|r| r.unwrap()));
    }
    out
}

fn strings(batches: &[RecordBatch], col: &str) -> Vec<String> {
    batches
        .iter()
        .flat_map(|b| {
            let a = b.column_by_name(col).unwrap().as_string::<i32>();
            (0..a.len())
                .map(|i| a.value(i).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn files_carry_the_schemas_and_share_users_and_devices() {
    let out = tempfile::tempdir().unwrap();
    let r = write_dataset(
        &GenOptions {
            events: 8_000,
            ..GenOptions::default()
        },
        out.path(),
    )
    .unwrap();
    for table in CORRELATION_TABLES {
        let rep = r.tables.iter().find(|t| t.name == table).unwrap();
        assert!(rep.rows > 0, "{table} is empty");
        let want = table_schema(table).unwrap();
        for e in std::fs::read_dir(out.path().join(table)).unwrap() {
            let b =
                ParquetRecordBatchReaderBuilder::try_new(File::open(e.unwrap().path()).unwrap())
                    .unwrap();
            let got = b.schema();
            let names: Vec<&str> = got.fields().iter().map(|f| f.name().as_str()).collect();
            let wanted: Vec<&str> = want.fields.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(names, wanted, "{table}");
            for (g, w) in got.fields().iter().zip(&want.fields) {
                assert_eq!(g.data_type(), &physical_type(w.ty), "{table}.{}", w.name);
            }
        }
    }
    // Device ids of the endpoint tables are DataSecurityEvents / DeviceInfo devices.
    let known: HashSet<String> = strings(&read_all(&out.path().join("DeviceInfo")), "DeviceId")
        .into_iter()
        .collect();
    for table in [
        "DeviceProcessEvents",
        "DeviceFileEvents",
        "DeviceNetworkEvents",
        "DeviceLogonEvents",
    ] {
        let ids = strings(&read_all(&out.path().join(table)), "DeviceId");
        assert!(!ids.is_empty());
        assert!(
            ids.iter().all(|d| known.contains(d)),
            "{table} has an unknown DeviceId"
        );
    }
    let dse: HashSet<String> = strings(
        &read_all(&out.path().join("DataSecurityEvents")),
        "DeviceId",
    )
    .into_iter()
    .filter(|d| !d.is_empty())
    .collect();
    assert!(dse.iter().all(|d| known.contains(d)));
    // Every account of IdentityInfo is a DataSecurityEvents user domain account.
    let upns = strings(&read_all(&out.path().join("IdentityInfo")), "AccountUpn");
    assert!(upns.iter().all(|u| u.ends_with("@contoso.com")));
    assert!(
        upns.iter()
            .any(|u| u == hunt_gen::scenarios::DEPARTING_USER)
    );
}

#[test]
fn correlation_tables_are_deterministic_across_thread_counts() {
    let opts = GenOptions {
        events: 4_000,
        max_rows_per_file: 700,
        ..GenOptions::default()
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    write_dataset(&opts, a.path()).unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| write_dataset(&opts, b.path()))
        .unwrap();
    for table in CORRELATION_TABLES {
        assert_eq!(
            read_all(&a.path().join(table)),
            read_all(&b.path().join(table)),
            "{table}"
        );
    }
}
