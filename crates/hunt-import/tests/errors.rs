//! Bad records are reported with file and line; `max_errors` decides whether the import
//! stops (leaving nothing) or goes on without them; interrupted imports leave no trace.

use std::path::Path;

use hunt_import::{ImportError, ImportOptions, import};

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write input");
}

fn record(ts: &str, user: &str) -> String {
    format!(
        r#"{{"time":"{ts}","category":"AdvancedHunting-AlertInfo","properties":{{"Timestamp":"{ts}","AlertId":"a-{user}","Title":"t","Severity":"High","Category":"Exfiltration","ServiceSource":"Microsoft Insider Risk Management","DetectionSource":"x","AttackTechniques":""}}}}"#
    )
}

fn parquet_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(parquet_files(&p));
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
    out
}

#[test]
fn broken_json_line_is_named_by_file_and_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("blob.json");
    let lines = [
        record("2025-06-01T10:00:00Z", "a"),
        record("2025-06-01T11:00:00Z", "b"),
        r#"{"time":"2025-06-01T12:00:00Z","category":"AdvancedHunting-AlertInfo","properties":{"#
            .to_owned(),
        record("2025-06-02T10:00:00Z", "c"),
    ];
    write(&input, &(lines.join("\n") + "\n"));
    let data = tmp.path().join("data");
    let err = import(&ImportOptions::new(&data), &[input.clone()], &mut |_| {})
        .expect_err("a broken line stops the import");
    let ImportError::TooManyBadRecords { last, .. } = err else {
        panic!("expected a bad record, got {err}");
    };
    assert_eq!(last.at.file, input);
    assert_eq!(last.at.line, 3);
    assert!(last.message.contains("invalid JSON"), "{}", last.message);
    assert!(parquet_files(&data).is_empty(), "nothing is written");

    // Tolerated, the other three records are imported and the bad one reported.
    let mut opts = ImportOptions::new(&data);
    opts.max_errors = 1;
    let report = import(&opts, &[input.clone()], &mut |_| {}).expect("import");
    assert_eq!(report.bad.len(), 1);
    assert_eq!(report.bad[0].at.line, 3);
    assert_eq!(report.tables[0].rows, 3);
}

#[test]
fn bad_value_in_a_pretty_batch_is_named_by_its_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("batch.json");
    let batch = serde_json::json!({"records": [
        serde_json::from_str::<serde_json::Value>(&record("2025-06-01T10:00:00Z", "a")).expect("json"),
        serde_json::from_str::<serde_json::Value>(&record("not a time", "b")).expect("json"),
    ]});
    let text = serde_json::to_string_pretty(&batch).expect("json");
    write(&input, &text);
    // The second record's `{` is on the line after the first record's closing brace.
    let expected = text
        .lines()
        .position(|l| l.trim() == "},")
        .expect("two records")
        + 2;
    let err = import(
        &ImportOptions::new(tmp.path().join("d")),
        &[input.clone()],
        &mut |_| {},
    )
    .expect_err("bad datetime");
    let ImportError::TooManyBadRecords { last, .. } = err else {
        panic!("expected a bad record, got {err}");
    };
    assert_eq!(
        (last.at.file.as_path(), last.at.line),
        (input.as_path(), expected as u64)
    );
    assert!(
        last.message.contains("AlertInfo.Timestamp"),
        "{}",
        last.message
    );
    assert!(last.message.contains("not a time"), "{}", last.message);
}

#[test]
fn csv_bad_cell_is_named_by_line_and_csv_needs_a_table() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("export.csv");
    write(
        &input,
        "Timestamp,DeviceName,Count\n2025-06-01T10:00:00Z,pc1,3\n2025-06-01T11:00:00Z,pc2,4\n",
    );
    let err = import(
        &ImportOptions::new(tmp.path().join("d")),
        &[input.clone()],
        &mut |_| {},
    )
    .expect_err("no table");
    assert!(err.to_string().contains("--table"), "{err}");

    let mut opts = ImportOptions::new(tmp.path().join("d"));
    opts.table = Some("Devices".into());
    let report = import(&opts, &[input], &mut |_| {}).expect("import");
    assert_eq!(report.tables[0].rows, 2);
    let engine = hunt::Engine::open_dir(tmp.path().join("d")).expect("open");
    let r = engine
        .query("Devices | where Count > 3 | project DeviceName, Timestamp")
        .expect("typed columns");
    assert_eq!(r.num_rows(), 1);
    assert_eq!(r.schema.fields[1].ty, hunt::KqlType::DateTime);

    // A later CSV into the same table, whose count is not a number: the table's existing
    // schema (Count: long) holds, and line 3 of that file is named.
    let bad = tmp.path().join("more.csv");
    write(
        &bad,
        "Timestamp,DeviceName,Count\n2025-06-02T10:00:00Z,pc3,5\n2025-06-02T11:00:00Z,pc4,many\n",
    );
    let mut opts = ImportOptions::new(tmp.path().join("d"));
    opts.table = Some("Devices".into());
    let err = import(&opts, &[bad.clone()], &mut |_| {}).expect_err("bad count");
    let ImportError::TooManyBadRecords { last, .. } = err else {
        panic!("expected a bad record, got {err}");
    };
    assert_eq!((last.at.file, last.at.line), (bad, 3));
}

#[test]
fn staging_left_by_a_killed_run_is_removed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let stale = data
        .join(hunt_import::STATE_DIR)
        .join("staging/0123456789abcdef/AlertInfo/date=2025-06-01");
    std::fs::create_dir_all(&stale).expect("mkdir");
    write(&stale.join("part-0123456789abcdef-00000.parquet"), "junk");
    let input = tmp.path().join("blob.json");
    write(&input, &(record("2025-06-01T10:00:00Z", "a") + "\n"));
    let report = import(&ImportOptions::new(&data), &[input], &mut |_| {}).expect("import");
    assert_eq!(report.tables[0].rows, 1);
    assert!(!stale.exists());
    assert_eq!(parquet_files(&data).len(), 1);
}
