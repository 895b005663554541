//! The advanced-hunting catalog seen through the engine: catalog tables without data bind
//! and read as empty with one notice naming them; `getschema`, name suggestions and
//! `Engine::check` work for every catalog table; a data directory's columns win over the
//! documented ones where they exist. Expected schemas come from the Microsoft Learn pages
//! (as recorded in `crates/hunt-plan/catalog/`), not from hunt's output.

mod common;

use arrow::array::{ArrayRef, RecordBatch, StringArray, TimestampNanosecondArray};
use hunt::{Engine, KqlType};
use hunt_plan::advanced_hunting;
use std::sync::Arc;

fn diag(e: hunt::Error) -> String {
    format!("{:?}", e.diagnostic())
}

#[test]
fn a_catalog_table_without_data_reads_as_empty_with_one_notice() {
    let r = common::engine()
        .query("DeviceProcessEvents | where FileName =~ 'powershell.exe' | take 5")
        .unwrap_or_else(|e| panic!("{}", diag(e)));
    assert_eq!(r.num_rows(), 0);
    // The page lists 58 columns, Timestamp first and AdditionalFields last.
    assert_eq!(r.schema.fields.len(), 58);
    assert_eq!(r.schema.fields[57].name, "AdditionalFields");
    assert_eq!(r.schema.fields[0].name, "Timestamp");
    assert_eq!(r.schema.fields[0].ty, KqlType::DateTime);
    assert_eq!(r.notices.len(), 1, "{:?}", r.notices);
    assert!(
        r.notices[0].contains("DeviceProcessEvents"),
        "{:?}",
        r.notices
    );
}

#[test]
fn the_notice_names_every_table_without_data_once() {
    let q = "DeviceFileEvents | join kind=inner (DeviceProcessEvents) on DeviceId \
             | join kind=leftouter (DeviceFileEvents | take 1) on DeviceId | count";
    let r = common::engine()
        .query(q)
        .unwrap_or_else(|e| panic!("{}", diag(e)));
    assert_eq!(common::render(&r, None), "Count:long\n0");
    assert_eq!(r.notices.len(), 1, "{:?}", r.notices);
    let n = &r.notices[0];
    assert!(n.contains("DeviceFileEvents, DeviceProcessEvents"), "{n}");
    assert_eq!(n.matches("DeviceFileEvents").count(), 1, "{n}");
}

#[test]
fn a_query_over_data_only_has_no_notice() {
    let r = common::engine()
        .query("print x = 1")
        .unwrap_or_else(|e| panic!("{}", diag(e)));
    assert!(r.notices.is_empty(), "{:?}", r.notices);
}

#[test]
fn getschema_of_every_catalog_table_lists_its_documented_columns() {
    let e = common::engine();
    for t in advanced_hunting::tables() {
        let r = e
            .query(&format!("{} | getschema", t.name))
            .unwrap_or_else(|err| panic!("{}: {}", t.name, diag(err)));
        assert_eq!(r.num_rows(), t.columns.len(), "{}", t.name);
    }
    // EmailEvents per its page: 40 columns, the 15th is EmailClusterId of type long.
    let r = e
        .query("EmailEvents | getschema | where ColumnName == 'EmailClusterId' | project ColumnOrdinal, ColumnType")
        .unwrap_or_else(|err| panic!("{}", diag(err)));
    assert_eq!(
        common::render(&r, None),
        "ColumnOrdinal:int|ColumnType:string\n14|long"
    );
}

#[test]
fn unknown_names_suggest_catalog_tables_and_columns() {
    let e = common::engine();
    let d = e
        .query("DeviceProcesEvents | take 1")
        .err()
        .map(|e| e.diagnostic());
    let d = d.expect("an unknown table fails");
    assert_eq!(d.kind, "unknown name");
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `DeviceProcessEvents`?")
    );
    let d = e
        .query("IdentityLogonEvents | where AccountUpm == 'x'")
        .err()
        .map(|e| e.diagnostic())
        .expect("an unknown column fails");
    assert_eq!(d.kind, "unknown name");
    assert_eq!(d.help.as_deref(), Some("did you mean `AccountUpn`?"));
}

#[test]
fn check_binds_without_running() {
    let e = common::engine();
    let s = e
        .check(
            "EmailEvents | where Subject has 'invoice' | summarize n = count() by SenderFromDomain",
        )
        .unwrap_or_else(|err| panic!("{}", diag(err)));
    let cols: Vec<(String, KqlType)> = s.fields.iter().map(|f| (f.name.clone(), f.ty)).collect();
    assert_eq!(
        cols,
        [
            ("SenderFromDomain".to_string(), KqlType::String),
            ("n".to_string(), KqlType::Long)
        ]
    );
    let d = e
        .check("AlertEvidence | where DeviceId == deviceId")
        .err()
        .map(|e| e.diagnostic())
        .expect("an unknown name fails");
    assert_eq!(d.kind, "unknown name");
    assert_eq!(d.span, Some(34..42));
}

/// `GraphApiAuditEvents` as a tenant export might hold it: `Timestamp` as a real datetime
/// (the page says `string`), `ResponseSize` as text (the page says `int`), plus an
/// undocumented column.
fn write_graph_api(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let ts: ArrayRef = Arc::new(TimestampNanosecondArray::from(vec![
        1_748_736_000_000_000_000,
    ]));
    let size: ArrayRef = Arc::new(StringArray::from(vec!["512"]));
    let extra: ArrayRef = Arc::new(StringArray::from(vec!["x"]));
    let batch = RecordBatch::try_from_iter(vec![
        ("Timestamp", ts),
        ("ResponseSize", size),
        ("Extra", extra),
    ])?;
    let file = std::fs::File::create(dir.join("GraphApiAuditEvents.parquet"))?;
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}

#[test]
fn the_data_wins_where_it_has_a_documented_column() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    write_graph_api(dir.path())?;
    let e = Engine::open_dir(dir.path()).map_err(diag)?;
    let s = e.table_schema("GraphApiAuditEvents").map_err(diag)?;
    let s = s.ok_or("the table is known")?;
    let ty = |n: &str| s.index_of(n).map(|i| s.fields[i].ty);
    // Documented order first (20 columns), then the data's own column.
    assert_eq!(s.fields.len(), 21);
    assert_eq!(s.fields[0].name, "IdentityProvider");
    assert_eq!(s.fields[20].name, "Extra");
    assert_eq!(ty("Timestamp"), Some(KqlType::DateTime));
    assert_eq!(ty("ResponseSize"), Some(KqlType::String));
    // A documented column the data lacks keeps its documented type and reads as null.
    assert_eq!(ty("RequestUri"), Some(KqlType::String));
    let r = e
        .query("GraphApiAuditEvents | project Timestamp, ResponseSize, RequestUri")
        .map_err(diag)?;
    assert_eq!(
        common::render(&r, Some("null")),
        "Timestamp:datetime|ResponseSize:string|RequestUri:string\n2025-06-01T00:00:00.0000000Z|512|"
    );
    assert!(r.notices.is_empty(), "{:?}", r.notices);
    Ok(())
}

#[test]
fn check_reads_no_rows() -> Result<(), Box<dyn std::error::Error>> {
    // bag_unpack's columns come from the rows; `check` sees none, so it makes no column,
    // whereas running the query makes one per key of the data.
    let dir = tempfile::tempdir()?;
    let who: ArrayRef = Arc::new(StringArray::from(vec!["a"]));
    let j: ArrayRef = Arc::new(StringArray::from(vec![r#"{"Name": "John"}"#]));
    let batch = RecordBatch::try_from_iter(vec![("Who", who), ("J", j)])?;
    let file = std::fs::File::create(dir.path().join("People.parquet"))?;
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)?;
    w.write(&batch)?;
    w.close()?;
    let e = Engine::open_dir(dir.path()).map_err(diag)?;
    let q = "People | extend d = parse_json(J) | project-away J | evaluate bag_unpack(d)";
    let ran = e.query(q).map_err(diag)?;
    assert_eq!(ran.schema.fields.len(), 2, "Who and Name");
    let checked = e.check(q).map_err(diag)?;
    assert_eq!(checked.fields.len(), 1, "Who only");
    let t = e
        .check("print n = toscalar(People | count)")
        .map_err(diag)?;
    assert_eq!(t.fields[0].ty, KqlType::Long);
    Ok(())
}

/// Acceptance of the advanced-hunting catalog: every Defender query of
/// `shared/conformance/defender` binds, except `53-portal-sample-alerts-on-a-device.kql`,
/// which (as Microsoft published it) compares with `deviceId`, a name it never defines,
/// and `41-mhq-ep4-additionalfields-bag-unpack.kql`, whose `project-reorder Name` names a
/// column `bag_unpack` makes from the rows: without rows it depends on the data (as in
/// Kusto's editor, which leaves the plugin's output open), a warning rather than a failure.
#[test]
fn defender_queries_bind_except_the_one_with_an_undefined_name() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/defender");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // no shared/ checkout beside this one
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "kql"))
        .collect();
    files.sort();
    let e = common::engine();
    let mut failed = Vec::new();
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(f).unwrap_or_default();
        if name == "41-mhq-ep4-additionalfields-bag-unpack.kql" {
            match e.check_outcome(&text) {
                Ok(hunt::Checked::DependsOnData(err)) => {
                    assert!(err.diagnostic().message.contains("Name"), "{err:?}");
                }
                other => failed.push(format!("{name}: {other:?}")),
            }
            continue;
        }
        let got = e.check(&text).map_err(|err| err.diagnostic());
        if name == "53-portal-sample-alerts-on-a-device.kql" {
            let d = got.err().expect("53 uses an undefined name");
            assert_eq!(d.kind, "unknown name", "{d:?}");
            assert!(d.message.contains("deviceId"), "{d:?}");
            let span = d.span.clone().expect("a span");
            assert_eq!(&text[span], "deviceId");
        } else if let Err(d) = got {
            failed.push(format!("{name}: {} {}", d.kind, d.message));
        }
    }
    assert!(files.len() >= 63, "{} files", files.len());
    assert!(
        failed.is_empty(),
        "{} fail to bind:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
