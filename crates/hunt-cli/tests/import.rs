//! `hunt import` as a user runs it: a run killed midway (SIGKILL while it writes its
//! parts) and run again yields exactly the input's rows; a re-run adds nothing; a corrupt
//! record is reported with file and line and exit status 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const ROWS: usize = 120_000;

fn hunt() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hunt"))
}

fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p, ext));
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
    out
}

fn count(data: &Path) -> String {
    let out = hunt()
        .args(["--data"])
        .arg(data)
        .args(["--format", "csv", "Events | count"])
        .output()
        .expect("run hunt");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn killed_import_rerun_gives_each_row_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("events.json");
    let mut text = String::with_capacity(ROWS * 90);
    for i in 0..ROWS {
        // 40 days, minutes apart, out of order within each day.
        let day = i % 40 + 1;
        let minute = (i * 7919) % 1440;
        text.push_str(&format!(
            "{{\"Timestamp\":\"2025-05-{:02}T{:02}:{:02}:00Z\",\"User\":\"u{}\",\"N\":{i}}}\n",
            day % 31 + 1,
            minute / 60,
            minute % 60,
            i % 97
        ));
    }
    std::fs::write(&input, text).expect("write input");
    let data = tmp.path().join("data");
    let staging = data.join(".hunt-import").join("staging");

    let mut child = hunt()
        .args([
            "import",
            "--table",
            "Events",
            "--rows-per-file",
            "500",
            "--data",
        ])
        .arg(&data)
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn import");
    // Kill it once it has staged a part but not finished.
    let killed_midway = loop {
        if child.try_wait().expect("poll").is_some() {
            // It ended (either way) before it could be killed.
            break false;
        }
        if !files_under(&staging, "parquet").is_empty() {
            child.kill().expect("kill");
            child.wait().expect("reap");
            break true;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    };
    assert!(
        killed_midway,
        "the import finished before it could be killed"
    );
    assert!(
        files_under(&data.join("Events"), "parquet").is_empty(),
        "a killed import leaves nothing visible"
    );

    let status = hunt()
        .args([
            "import",
            "--table",
            "Events",
            "--rows-per-file",
            "500",
            "--data",
        ])
        .arg(&data)
        .arg(&input)
        .stderr(Stdio::null())
        .status()
        .expect("re-run import");
    assert!(status.success());
    assert_eq!(count(&data), format!("Count\n{ROWS}\n"));
    assert!(files_under(&staging, "parquet").is_empty());

    // Once more: the ledger knows the input, nothing is added.
    let out = hunt()
        .args(["import", "--table", "Events", "--data"])
        .arg(&data)
        .arg(&input)
        .output()
        .expect("third run");
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("skipped 1 already imported"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&data), format!("Count\n{ROWS}\n"));
    // Day partitions, each file sorted by Timestamp.
    let sorted = hunt()
        .arg("--data")
        .arg(&data)
        .args([
            "--format",
            "csv",
            "Events | summarize Days = dcount(bin(Timestamp, 1d))",
        ])
        .output()
        .expect("days");
    assert_eq!(String::from_utf8_lossy(&sorted.stdout), "Days\n31\n");
    let dirs: std::collections::BTreeSet<_> = files_under(&data.join("Events"), "parquet")
        .iter()
        .filter_map(|p| p.parent().and_then(|d| d.file_name()).map(|n| n.to_owned()))
        .collect();
    assert_eq!(dirs.len(), 31);
}

#[test]
fn corrupt_record_reported_with_file_and_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("blob.json");
    std::fs::write(
        &input,
        "{\"Timestamp\":\"2025-06-01T10:00:00Z\",\"N\":1}\n\
         {\"Timestamp\":\"2025-06-01T10:00:01Z\",\"N\":2}\n\
         {\"Timestamp\":\"2025-06-01T10:00:02Z\",\"N\":\n",
    )
    .expect("write");
    let out = hunt()
        .args(["import", "--table", "Events", "--data"])
        .arg(tmp.path().join("data"))
        .arg(&input)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:3: invalid JSON", input.display())),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
}
