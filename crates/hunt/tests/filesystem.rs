//! The file system cannot fool the scan: discovery follows symbolic links but reads each
//! file once per table, does not loop through a link to `.` or `..`, does not leave the
//! table through a link to a parent, skips what is not a regular file; a table folder
//! that cannot be listed fails only the queries naming it. Real links on a real disk.

use arrow::array::{ArrayRef, Int64Array, RecordBatch};
use hunt::Engine;
use parquet::arrow::ArrowWriter;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Writes `rows` rows (`N` = 0..rows) to `path`.
fn write(path: &Path, rows: i64) -> TestResult {
    let batch = RecordBatch::try_from_iter(vec![(
        "N",
        Arc::new(Int64Array::from((0..rows).collect::<Vec<_>>())) as ArrayRef,
    )])?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = ArrowWriter::try_new(std::fs::File::create(path)?, batch.schema(), None)?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}

fn count(engine: &Engine, table: &str) -> Result<u64, String> {
    let r = engine
        .query(&format!("{table} | count"))
        .map_err(|e| e.diagnostic().message)?;
    let col = r
        .batches
        .first()
        .map(|b| b.column(0).clone())
        .ok_or("no rows")?;
    let n = col
        .as_any()
        .downcast_ref::<Int64Array>()
        .ok_or("count is not a long")?;
    Ok(n.value(0) as u64)
}

#[test]
fn links_to_self_parent_and_the_same_file_are_read_once() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    write(&data.join("T/part-0.parquet"), 105)?;
    write(&data.join("U/part-0.parquet"), 50)?;
    symlink(".", data.join("T/self"))?;
    symlink("..", data.join("T/up"))?;
    symlink("../..", data.join("T/upup"))?;
    symlink("part-0.parquet", data.join("T/again.parquet"))?;
    std::fs::create_dir_all(data.join("T/date=2025-06-01"))?;
    symlink("../../T", data.join("T/date=2025-06-01/loop"))?;
    // A link to the data folder itself is no table.
    symlink(".", data.join("All"))?;
    let engine = Engine::open_dir(&data)?;
    assert_eq!(count(&engine, "T"), Ok(105));
    assert_eq!(count(&engine, "U"), Ok(50));
    assert_eq!(
        engine.data_table_names(),
        vec!["T".to_string(), "U".to_string()]
    );
    Ok(())
}

#[test]
fn a_table_folder_elsewhere_is_followed() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    write(&dir.path().join("elsewhere/V/a.parquet"), 7)?;
    write(&dir.path().join("elsewhere/b.parquet"), 3)?;
    std::fs::create_dir_all(&data)?;
    symlink(dir.path().join("elsewhere/V"), data.join("V"))?;
    symlink(
        dir.path().join("elsewhere/b.parquet"),
        data.join("W.parquet"),
    )?;
    let engine = Engine::open_dir(&data)?;
    assert_eq!(count(&engine, "V"), Ok(7));
    assert_eq!(count(&engine, "W"), Ok(3));
    Ok(())
}

#[test]
fn an_unreadable_table_fails_only_its_queries() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    write(&data.join("T/part-0.parquet"), 10)?;
    std::fs::create_dir_all(data.join("Broken"))?;
    // A link to itself cannot be followed (ELOOP): Broken cannot be listed whole.
    symlink("loop.parquet", data.join("Broken/loop.parquet"))?;
    let engine = Engine::open_dir(&data)?;
    assert_eq!(count(&engine, "T"), Ok(10));
    let err = count(&engine, "Broken").err().ok_or("Broken answered")?;
    assert!(err.contains("loop.parquet"), "{err}");
    // Again, and after a good query: each query gets its own answer.
    assert_eq!(count(&engine, "T"), Ok(10));
    assert!(count(&engine, "Broken").is_err());
    Ok(())
}

#[test]
fn a_fifo_named_parquet_is_not_read() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    write(&data.join("T/part-0.parquet"), 10)?;
    let fifo = data.join("T/pipe.parquet");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        // No mkfifo on this system: nothing to check.
        return Ok(());
    }
    let engine = Engine::open_dir(&data)?;
    assert_eq!(count(&engine, "T"), Ok(10));
    Ok(())
}
