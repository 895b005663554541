//! End-to-end tests of `write_dataset`: read the Parquet files back and check counts,
//! file splitting, schemas, ordering, determinism, JSON shapes and the planted scenarios.

#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::TimestampNanosecondType;
use hunt_gen::{
    Existing, GenOptions, TABLES, physical_type, scenarios, write_dataset, write_dataset_with,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    v.sort();
    v
}

/// All batches of one file, concatenated into one.
fn read_file(path: &Path) -> RecordBatch {
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = b.schema().clone();
    let batches: Vec<RecordBatch> = b.build().unwrap().map(|r| r.unwrap()).collect();
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

/// Every file of a table, in file order.
fn read_table(out: &Path, table: &str) -> Vec<RecordBatch> {
    files(&out.join(table))
        .iter()
        .map(|p| read_file(p))
        .collect()
}

fn col<'a>(b: &'a RecordBatch, name: &str) -> &'a arrow::array::StringArray {
    b.column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_string::<i32>()
}

fn ts<'a>(
    b: &'a RecordBatch,
    name: &str,
) -> &'a arrow::array::PrimitiveArray<TimestampNanosecondType> {
    b.column_by_name(name)
        .unwrap()
        .as_primitive::<TimestampNanosecondType>()
}

fn rows(out: &Path, table: &str) -> usize {
    read_table(out, table)
        .iter()
        .map(RecordBatch::num_rows)
        .sum()
}

fn small_opts() -> GenOptions {
    GenOptions {
        events: 20_000,
        max_rows_per_file: 6_000,
        row_group_rows: 1_000,
        ..GenOptions::default()
    }
}

#[test]
fn counts_and_file_splitting() {
    let out = tempfile::tempdir().unwrap();
    let opts = small_opts();
    let report = write_dataset(&opts, out.path()).unwrap();
    let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, hunt_gen::all_tables().collect::<Vec<_>>());
    for t in &report.tables {
        let fs = files(&out.path().join(&t.name));
        assert_eq!(fs.len(), t.files, "{}", t.name);
        assert_eq!(rows(out.path(), &t.name), t.rows, "{}", t.name);
        for (i, f) in fs.iter().enumerate() {
            assert_eq!(
                f.file_name().unwrap().to_string_lossy(),
                format!("part-{i:05}.parquet")
            );
            let meta = ParquetRecordBatchReaderBuilder::try_new(File::open(f).unwrap()).unwrap();
            let md = meta.metadata();
            let n: i64 = md.row_groups().iter().map(|g| g.num_rows()).sum();
            assert!(n as usize <= opts.max_rows_per_file, "{f:?} has {n} rows");
            assert!(
                md.row_groups()
                    .iter()
                    .all(|g| g.num_rows() as usize <= opts.row_group_rows)
            );
        }
    }
    let by: HashMap<&str, usize> = report
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t.rows))
        .collect();
    assert_eq!(by["DataSecurityEvents"], 20_000);
    assert_eq!(report.tables[0].files, 4);
    assert_eq!(by["DataSecurityBehaviors"], 200);
    assert_eq!(by["AlertInfo"], 100);
    let ev = by["AlertEvidence"];
    assert!((200..=400).contains(&ev), "evidence rows {ev}");
}

#[test]
fn schemas_match_builtin_catalog() {
    let out = tempfile::tempdir().unwrap();
    write_dataset(
        &GenOptions {
            events: 3_000,
            ..small_opts()
        },
        out.path(),
    )
    .unwrap();
    for table in TABLES {
        let want = hunt_plan::catalog::builtin_schema(table).unwrap();
        for f in files(&out.path().join(table)) {
            let b = ParquetRecordBatchReaderBuilder::try_new(File::open(&f).unwrap()).unwrap();
            let got = b.schema();
            assert_eq!(got.fields().len(), want.fields.len(), "{f:?}");
            for (g, w) in got.fields().iter().zip(&want.fields) {
                assert_eq!(g.name(), &w.name, "{f:?}");
                assert_eq!(g.data_type(), &physical_type(w.ty), "{f:?} {}", w.name);
            }
        }
    }
}

#[test]
fn timestamps_sorted_precise_and_in_window() {
    let out = tempfile::tempdir().unwrap();
    let opts = small_opts();
    write_dataset(&opts, out.path()).unwrap();
    let start = opts.start.timestamp_nanos_opt().unwrap();
    let end = start + i64::from(opts.days) * 86_400 * 1_000_000_000;
    for table in TABLES {
        let mut last_of_prev_file = i64::MIN;
        let mut sub_second = 0;
        for b in read_table(out.path(), table) {
            let t = ts(&b, "Timestamp");
            assert_eq!(t.null_count(), 0, "{table}");
            let v = t.values();
            assert!(v.windows(2).all(|w| w[0] <= w[1]), "{table}: not sorted");
            assert!(
                v.iter().all(|&x| x % 100 == 0 && x >= start && x < end),
                "{table}: out of window"
            );
            sub_second += v.iter().filter(|&&x| x % 1_000_000_000 != 0).count();
            if table.starts_with("DataSecurity") {
                // Time-sliced tables are sorted across files too.
                assert!(
                    v.first().is_none_or(|&f| f >= last_of_prev_file),
                    "{table}: files overlap"
                );
                last_of_prev_file = v.last().copied().unwrap_or(last_of_prev_file);
            }
            let g = ts(&b, "TimeGenerated");
            let same = (0..b.num_rows())
                .filter(|&i| g.value(i) == t.value(i))
                .count();
            assert!(
                same * 10 >= b.num_rows() * 9,
                "{table}: TimeGenerated mostly equals Timestamp"
            );
        }
        assert!(
            sub_second > 0,
            "{table}: 7-digit sub-second precision expected"
        );
    }
}

fn content(out: &Path) -> Vec<(String, Vec<RecordBatch>)> {
    TABLES
        .iter()
        .map(|t| (t.to_string(), read_table(out, t)))
        .collect()
}

#[test]
fn deterministic_across_runs_threads_and_seeds() {
    let opts = GenOptions {
        events: 12_000,
        max_rows_per_file: 3_000,
        row_group_rows: 1_000,
        ..GenOptions::default()
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    write_dataset(&opts, a.path()).unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| {
            write_dataset(&opts, b.path()).unwrap();
        });
    assert!(
        content(a.path()) == content(b.path()),
        "same options must give the same rows"
    );

    let c = tempfile::tempdir().unwrap();
    write_dataset(
        &GenOptions {
            seed: 43,
            ..opts.clone()
        },
        c.path(),
    )
    .unwrap();
    let (x, y) = (content(a.path()), content(c.path()));
    for ((t, bx), (_, by)) in x.iter().zip(&y) {
        assert!(bx != by, "{t}: a different seed must give different rows");
    }
}

#[test]
fn rewriting_removes_stale_files() {
    let out = tempfile::tempdir().unwrap();
    write_dataset(
        &GenOptions {
            events: 9_000,
            max_rows_per_file: 1_000,
            ..small_opts()
        },
        out.path(),
    )
    .unwrap();
    let r = write_dataset_with(
        &GenOptions {
            events: 3_000,
            ..small_opts()
        },
        out.path(),
        Existing::Replace,
    )
    .unwrap();
    assert_eq!(
        files(&out.path().join("DataSecurityEvents")).len(),
        r.tables[0].files
    );
    assert_eq!(rows(out.path(), "DataSecurityEvents"), 3_000);
}

#[test]
fn planted_scenarios_are_found() {
    let out = tempfile::tempdir().unwrap();
    let opts = GenOptions {
        events: 50_000,
        ..GenOptions::default()
    };
    write_dataset(&opts, out.path()).unwrap();
    let w = scenarios::windows(&opts);
    assert_eq!(w.departing.start.to_rfc3339(), "2025-06-26T00:00:00+00:00");
    let dse = read_table(out.path(), "DataSecurityEvents");

    // The hunt: zips uploaded, counted per user.
    let mut zips: HashMap<String, usize> = HashMap::new();
    let (mut usb, mut downgrades, mut prompts, mut departing_rows) = (0, 0, 0, 0);
    let (copilot_lo, copilot_hi) = (
        w.copilot.start.timestamp_nanos_opt().unwrap(),
        w.copilot.end.timestamp_nanos_opt().unwrap(),
    );
    for b in &dse {
        let (file, action, upn) = (
            col(b, "FileName"),
            col(b, "ActionType"),
            col(b, "AccountUpn"),
        );
        let (workload, media) = (col(b, "Workload"), col(b, "RemovableMediaInfo"));
        let (ext, object) = (col(b, "FileExtension"), col(b, "ObjectName"));
        let t = ts(b, "Timestamp");
        for i in 0..b.num_rows() {
            if !file.value(i).is_empty() {
                assert_eq!(
                    file.value(i),
                    object.value(i),
                    "FileName = ObjectName for files"
                );
                assert!(file.value(i).ends_with(&format!(".{}", ext.value(i))));
            }
            if file.value(i).ends_with(".zip") && action.value(i) == "FileUploaded" {
                *zips.entry(upn.value(i).to_string()).or_default() += 1;
            }
            if upn.value(i) == scenarios::DEPARTING_USER {
                departing_rows += 1;
            }
            if upn.value(i) == scenarios::LABEL_USER {
                if action.value(i) == "File copied to Removable media" {
                    assert!(media.is_valid(i));
                    let m: serde_json::Value = serde_json::from_str(media.value(i)).unwrap();
                    if m["SerialNumber"] == scenarios::USB_SERIAL {
                        usb += 1;
                    }
                }
                if action.value(i) == "Label downgraded on a file" {
                    downgrades += 1;
                }
            }
            let in_burst = (copilot_lo..copilot_hi).contains(&t.value(i));
            if upn.value(i) == scenarios::COPILOT_USER
                && in_burst
                && workload.value(i) == "Copilot"
                && action.value(i) == "Risky prompt entered in Copilot"
            {
                prompts += 1;
            }
        }
    }
    let mut ranked: Vec<(String, usize)> = zips.into_iter().collect();
    ranked.sort_by_key(|x| std::cmp::Reverse(x.1));
    assert_eq!(
        ranked[0],
        (
            scenarios::DEPARTING_USER.to_string(),
            scenarios::DEPARTING_ARCHIVES
        ),
        "{ranked:?}"
    );
    assert!(
        ranked.len() >= 3 && ranked.len() <= 30,
        "a handful of users: {ranked:?}"
    );
    assert!(ranked[1].1 < scenarios::DEPARTING_ARCHIVES);
    assert!(departing_rows >= scenarios::DEPARTING_EVENTS);
    assert_eq!(usb, scenarios::USB_COPIES);
    assert!(downgrades >= scenarios::LABEL_DOWNGRADES);
    assert_eq!(prompts, scenarios::COPILOT_RISKY_PROMPTS);

    // The alerts and their evidence.
    let info = read_table(out.path(), "AlertInfo");
    let evidence = read_table(out.path(), "AlertEvidence");
    let mut irm_high = None;
    for b in &info {
        let (id, title, sev) = (col(b, "AlertId"), col(b, "Title"), col(b, "Severity"));
        for i in 0..b.num_rows() {
            if title.value(i) == scenarios::DEPARTING_ALERT_TITLE
                && sev.value(i) == "High"
                && id.value(i).starts_with("ir")
            {
                let users: Vec<String> = evidence
                    .iter()
                    .flat_map(|e| {
                        let (eid, ent, upn) = (
                            col(e, "AlertId"),
                            col(e, "EntityType"),
                            col(e, "AccountUpn"),
                        );
                        (0..e.num_rows())
                            .filter(|&j| eid.value(j) == id.value(i) && ent.value(j) == "User")
                            .map(|j| upn.value(j).to_string())
                            .collect::<Vec<_>>()
                    })
                    .collect();
                if users == [scenarios::DEPARTING_USER] {
                    irm_high = Some(id.value(i).to_string());
                }
            }
        }
    }
    let irm = irm_high.expect("the departing user's IRM alert");
    let zip_files = evidence
        .iter()
        .map(|e| {
            let (eid, ent, f) = (col(e, "AlertId"), col(e, "EntityType"), col(e, "FileName"));
            (0..e.num_rows())
                .filter(|&j| {
                    eid.value(j) == irm && ent.value(j) == "File" && f.value(j).ends_with(".zip")
                })
                .count()
        })
        .sum::<usize>();
    assert_eq!(zip_files, 3);
}

#[test]
fn evidence_references_alerts_and_shapes_are_valid() {
    let out = tempfile::tempdir().unwrap();
    write_dataset(&small_opts(), out.path()).unwrap();
    let info = read_table(out.path(), "AlertInfo");
    let ids: HashSet<String> = info
        .iter()
        .flat_map(|b| {
            col(b, "AlertId")
                .iter()
                .map(|s| s.unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        ids.len(),
        info.iter().map(RecordBatch::num_rows).sum::<usize>(),
        "AlertIds are unique"
    );
    let mut per_alert: HashMap<String, usize> = HashMap::new();
    let mut kinds = HashSet::new();
    for b in read_table(out.path(), "AlertEvidence") {
        let (id, ent, upn, add) = (
            col(&b, "AlertId"),
            col(&b, "EntityType"),
            col(&b, "AccountUpn"),
            col(&b, "AdditionalFields"),
        );
        for i in 0..b.num_rows() {
            assert!(
                ids.contains(id.value(i)),
                "evidence of unknown alert {}",
                id.value(i)
            );
            *per_alert.entry(id.value(i).to_string()).or_default() += 1;
            kinds.insert(ent.value(i).to_string());
            if ent.value(i) == "User" {
                assert!(upn.value(i).ends_with("@contoso.com"));
            }
            let v: serde_json::Value = serde_json::from_str(add.value(i)).unwrap();
            assert!(v.is_object());
        }
        let tech = col(&b, "AttackTechniques");
        for t in tech.iter().flatten().filter(|t| !t.is_empty()) {
            let v: Vec<String> = serde_json::from_str(t).unwrap();
            assert!(v.iter().all(|x| x.contains("(T1")));
        }
    }
    assert_eq!(per_alert.len(), ids.len(), "every alert has evidence");
    assert!(per_alert.values().all(|&n| (1..=6).contains(&n)));
    for k in ["User", "File", "Machine", "Ip", "Url", "MailMessage"] {
        assert!(kinds.contains(k), "no {k} evidence");
    }
    for b in &info {
        for s in col(b, "Severity").iter().flatten() {
            assert!(["High", "Medium", "Low", "Informational"].contains(&s));
        }
    }

    // DataSecurityEvents JSON shapes (tables.md 3.3).
    let mut sits = 0;
    for b in read_table(out.path(), "DataSecurityEvents") {
        let (sit, dlp, act) = (
            col(&b, "SensitiveInfoTypeInfo"),
            col(&b, "DlpPolicyMatchInfo"),
            col(&b, "ActivityId"),
        );
        for i in 0..b.num_rows() {
            let arr: Vec<String> = serde_json::from_str(sit.value(i)).unwrap();
            for e in &arr {
                let o: serde_json::Value = serde_json::from_str(e).unwrap();
                assert!(o["SensitiveInfoTypeId"].is_string() && o["Confidence"].is_i64());
                sits += 1;
            }
            if !dlp.value(i).is_empty() {
                let v: serde_json::Value = serde_json::from_str(dlp.value(i)).unwrap();
                assert!(v[0]["PolicyName"].is_string());
            }
            assert_eq!(act.value(i).len(), 36);
        }
        let loc = b
            .column_by_name("DeviceDestinationLocationType")
            .unwrap()
            .as_primitive::<arrow::datatypes::Int32Type>();
        assert!(loc.iter().flatten().all(|v| (0..=5).contains(&v)));
    }
    assert!(sits > 0);

    // Behaviors: StartTime <= EndTime <= Timestamp, dynamic columns are JSON arrays.
    for b in read_table(out.path(), "DataSecurityBehaviors") {
        let (t, s, e) = (ts(&b, "Timestamp"), ts(&b, "StartTime"), ts(&b, "EndTime"));
        for i in 0..b.num_rows() {
            assert!(s.value(i) <= e.value(i) && e.value(i) <= t.value(i));
        }
        for c in [
            "DeviceInfo",
            "SensitivityLabelInfo",
            "SensitiveInfoTypesInfo",
            "UrlDomainInfo",
            "PrinterName",
        ] {
            for v in col(&b, c).iter().flatten() {
                let v: serde_json::Value = serde_json::from_str(v).unwrap();
                assert!(v.is_array(), "{c}");
            }
        }
    }
}

#[test]
fn tiny_and_empty_datasets() {
    let out = tempfile::tempdir().unwrap();
    let r = write_dataset(
        &GenOptions {
            events: 0,
            ..small_opts()
        },
        out.path(),
    )
    .unwrap();
    // Planted rows are always present.
    assert_eq!(r.tables[0].rows, scenarios::PLANTED_EVENTS);
    assert_eq!(r.tables[1].rows, scenarios::PLANTED_BEHAVIORS);
    assert_eq!(r.tables[2].rows, scenarios::PLANTED_ALERTS);
    assert_eq!(r.tables[3].rows, scenarios::PLANTED_EVIDENCE);
    for t in TABLES {
        assert!(!files(&out.path().join(t)).is_empty());
    }
}

/// Release-mode timing: `cargo test -p hunt-gen --release -- --ignored --nocapture timing`.
#[test]
#[ignore]
fn timing_1m_events() {
    let out = tempfile::tempdir().unwrap();
    let t = std::time::Instant::now();
    let r = write_dataset(
        &GenOptions {
            events: 1_000_000,
            ..GenOptions::default()
        },
        out.path(),
    )
    .unwrap();
    eprintln!("1M events: {:?} {:?}", t.elapsed(), r);
    // The timing is for reading; what it timed must be the whole dataset.
    let events = r.tables.iter().find(|t| t.name == "DataSecurityEvents");
    assert_eq!(events.map(|t| t.rows), Some(1_000_000));
}
