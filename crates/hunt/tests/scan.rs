//! The Parquet scan end to end: row-group pruning from statistics returns exactly the
//! rows an unpruned scan returns (the same query with the column wrapped in a function,
//! which statistics cannot decide), skips what it should, and gives the same answer
//! whatever the number of threads.
//!
//! Tables are written here with arrow's `ArrowWriter`, in small row groups, to a
//! temporary directory.

use arrow::array::{
    ArrayRef, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, TimestampNanosecondArray,
};
use hunt::Engine;
use hunt::format::cell_text;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// 2024-01-01T00:00:00Z in ms.
const BASE_MS: i64 = 1_704_067_200_000;

/// Rows `first..first+rows` of table `Events`, one second apart:
/// - `Timestamp`: ms since the epoch with zone `+02:00` (the instant is what counts),
/// - `Id`: the row number (long),
/// - `Port`: `Id % 1000` as int32,
/// - `Name`: `user<Id/100>` (two digits), null every 37th row,
/// - `Score`: `Id / 10`, null every 50th row,
/// - `Extra`: null before row 2000, then `Id % 7`.
fn events(first: i64, rows: i64) -> Result<RecordBatch, arrow::error::ArrowError> {
    let ids: Vec<i64> = (first..first + rows).collect();
    let ts = TimestampMillisecondArray::from_iter_values(ids.iter().map(|i| BASE_MS + i * 1000))
        .with_timezone("+02:00");
    let ports: Int32Array = ids.iter().map(|i| Some((i % 1000) as i32)).collect();
    let names: StringArray = ids
        .iter()
        .map(|i| (i % 37 != 36).then(|| format!("user{:02}", i / 100)))
        .collect();
    let scores: Float64Array = ids
        .iter()
        .map(|i| (i % 50 != 49).then_some(*i as f64 / 10.0))
        .collect();
    let extra: Int64Array = ids.iter().map(|i| (*i >= 2000).then_some(i % 7)).collect();
    RecordBatch::try_from_iter(vec![
        ("Timestamp", Arc::new(ts) as ArrayRef),
        ("Id", Arc::new(Int64Array::from(ids)) as ArrayRef),
        ("Port", Arc::new(ports) as ArrayRef),
        ("Name", Arc::new(names) as ArrayRef),
        ("Score", Arc::new(scores) as ArrayRef),
        ("Extra", Arc::new(extra) as ArrayRef),
    ])
}

fn write(path: &Path, batch: &RecordBatch, row_group_rows: usize) -> TestResult {
    write_encoded(path, batch, row_group_rows, true)
}

/// [`write`], with strings dictionary-encoded or PLAIN (as some writers leave them).
fn write_encoded(
    path: &Path,
    batch: &RecordBatch,
    row_group_rows: usize,
    dictionary: bool,
) -> TestResult {
    let props = WriterProperties::builder()
        .set_max_row_group_size(row_group_rows)
        .set_dictionary_enabled(dictionary)
        .build();
    let mut w = ArrowWriter::try_new(File::create(path)?, batch.schema(), Some(props))?;
    w.write(batch)?;
    w.close()?;
    Ok(())
}

/// `dir/Events/part{0,1,2}.parquet`: rows 0..1000, 1000..2000, 2000..3000, in row groups
/// of 100 rows (30 row groups), sorted by time.
fn write_events(dir: &Path) -> TestResult {
    let t = dir.join("Events");
    std::fs::create_dir_all(&t)?;
    for (i, first) in [0, 1000, 2000].into_iter().enumerate() {
        write(
            &t.join(format!("part{i}.parquet")),
            &events(first, 1000)?,
            100,
        )?;
    }
    Ok(())
}

/// `q`'s rows, one line each, cells joined by `|`.
fn rows(engine: &Engine, q: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let r = engine
        .query(q)
        .map_err(|e| format!("{q}: {:?}", e.diagnostic()))?;
    let mut out = Vec::new();
    for b in &r.batches {
        for row in 0..b.num_rows() {
            let cells: Vec<String> = r
                .schema
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| cell_text(b.column(i), row, f.ty))
                .collect();
            out.push(cells.join("|"));
        }
    }
    Ok(out)
}

/// Runs `q` through the stages by hand and returns the scan's EXPLAIN line after the run.
fn scan_line_after_run(dir: &Path, q: &str) -> Result<String, Box<dyn std::error::Error>> {
    let tables = hunt_exec::discover(dir)?;
    let ast = hunt_syntax::parse(q)?;
    let planned = hunt_plan::plan(&ast, &tables, 0)?;
    let plan = hunt_exec::create_physical_plan(&hunt_plan::optimize(planned.plan), &tables)?;
    hunt_exec::collect(&plan)?;
    let text = hunt_exec::display(&plan);
    Ok(text
        .lines()
        .find(|l| l.contains("ParquetScanExec"))
        .ok_or("no scan in the plan")?
        .to_string())
}

/// `(read, skipped)` row groups from a scan's EXPLAIN line.
fn read_skipped(line: &str) -> Result<(u64, u64), Box<dyn std::error::Error>> {
    let rest = line
        .split("(read ")
        .nth(1)
        .ok_or_else(|| format!("no counters in {line}"))?;
    let (read, rest) = rest.split_once(", skipped ").ok_or("bad counters")?;
    let (skipped, _) = rest.split_once(' ').ok_or("bad counters")?;
    Ok((read.parse()?, skipped.parse()?))
}

/// `pruned` and `unpruned` return the same rows, and `pruned` reads `read` row groups.
#[track_caller]
fn same_rows(
    dir: &Path,
    pruned: &str,
    unpruned: &str,
    want_rows: usize,
    want_read: u64,
) -> TestResult {
    let engine = Engine::open_dir(dir)?;
    let a = rows(&engine, pruned)?;
    let b = rows(&engine, unpruned)?;
    assert_eq!(a, b, "{pruned}\nvs\n{unpruned}");
    assert_eq!(a.len(), want_rows, "{pruned}");
    let (read, skipped) = read_skipped(&scan_line_after_run(dir, pruned)?)?;
    assert_eq!((read, skipped), (want_read, 30 - want_read), "{pruned}");
    let (read, _) = read_skipped(&scan_line_after_run(dir, unpruned)?)?;
    assert_eq!(read, 30, "{unpruned} should not prune");
    Ok(())
}

#[test]
fn between_on_a_time_sorted_table() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    // Rows 1150..=1249 (timestamps stored in ms with a +02:00 zone label).
    same_rows(
        dir.path(),
        "Events | where Timestamp between (datetime(2024-01-01T00:19:10Z) .. datetime(2024-01-01T00:20:49Z))",
        "Events | where Timestamp + 0s between (datetime(2024-01-01T00:19:10Z) .. datetime(2024-01-01T00:20:49Z))",
        100,
        2,
    )?;
    // Half-open bounds on the exact row-group edges: rows 1200..1299 are one row group.
    same_rows(
        dir.path(),
        "Events | where Timestamp >= datetime(2024-01-01T00:20:00Z) and Timestamp < datetime(2024-01-01T00:21:40Z)",
        "Events | where Timestamp + 0s >= datetime(2024-01-01T00:20:00Z) and Timestamp + 0s < datetime(2024-01-01T00:21:40Z)",
        100,
        1,
    )?;
    // `between (t .. 1m)`: an offset upper bound is folded like a literal. Rows 600..=660.
    same_rows(
        dir.path(),
        "Events | where Timestamp between (datetime(2024-01-01T00:10:00Z) .. 1m)",
        "Events | where Timestamp + 0s between (datetime(2024-01-01T00:10:00Z) .. 1m)",
        61,
        1,
    )?;
    // A range past the end of the data reads nothing.
    same_rows(
        dir.path(),
        "Events | where Timestamp > datetime(2025-01-01)",
        "Events | where Timestamp + 0s > datetime(2025-01-01)",
        0,
        0,
    )
}

#[test]
fn equality_and_in_on_integers() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    same_rows(
        dir.path(),
        "Events | where Id == 5",
        "Events | where Id + 0 == 5",
        1,
        1,
    )?;
    same_rows(
        dir.path(),
        "Events | where 2999 == Id",
        "Events | where Id + 0 == 2999",
        1,
        1,
    )?;
    same_rows(
        dir.path(),
        "Events | where Id in (5, 250, 999999)",
        "Events | where Id + 0 in (5, 250, 999999)",
        2,
        2,
    )?;
    // An int32 column compared with a long literal (bound as `tolong(Port)`): Port is
    // `Id % 1000`, so row groups 9, 19 and 29 hold 950.
    same_rows(
        dir.path(),
        "Events | where Port == 950",
        "Events | where Port + 0 == 950",
        3,
        3,
    )?;
    // A real comparison of an integer column (bound as `toreal(Id)`).
    same_rows(
        dir.path(),
        "Events | where Id > 2899.5",
        "Events | where Id + 0 > 2899.5",
        100,
        1,
    )
}

#[test]
fn string_equality_in_and_prefix() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    // `user07` lives in rows 700..799, less the nulls at 702, 739 and 776 (36 mod 37);
    // `user29` in 2900..2999 less 2922, 2959 and 2996; `user1*` in 1000..1999 less 27 nulls.
    same_rows(
        dir.path(),
        "Events | where Name == 'user07'",
        "Events | where strcat(Name, '') == 'user07'",
        97,
        1,
    )?;
    same_rows(
        dir.path(),
        "Events | where Name in ('user07', 'user29', 'nobody')",
        "Events | where strcat(Name, '') in ('user07', 'user29', 'nobody')",
        97 + 97,
        2,
    )?;
    same_rows(
        dir.path(),
        "Events | where Name startswith_cs 'user1'",
        "Events | where strcat(Name, '') startswith_cs 'user1'",
        973,
        10,
    )?;
    // `==` is case-sensitive: nothing matches, nothing is read.
    same_rows(
        dir.path(),
        "Events | where Name == 'USER07'",
        "Events | where strcat(Name, '') == 'USER07'",
        0,
        0,
    )
}

/// Statistics cannot rule out a case-insensitive match (`"USER07" < "user00"`), but each
/// row group's dictionary can: the predicate runs on its entries (`dictprune.rs`). Every
/// 100-row group holds one name, so only the matching group is read; `!=` reads them all.
#[test]
fn case_insensitive_string_operators_prune_only_by_dictionary() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    for (q, rows, read) in [
        ("Name =~ 'USER07'", 97, 1),
        ("Name in~ ('USER07')", 97, 1),
        ("Name startswith 'USER07'", 97, 1),
        ("Name != 'user07'", 2903, 30),
    ] {
        same_rows(
            dir.path(),
            &format!("Events | where {q}"),
            &format!("Events | where {}", q.replace("Name", "strcat(Name, '')")),
            rows,
            read,
        )?;
    }
    Ok(())
}

#[test]
fn nulls_in_the_pruned_column() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    // A null string reads as "", which every nullable row group may hold.
    let nulls = 3000 / 37;
    same_rows(
        dir.path(),
        "Events | where Name == ''",
        "Events | where strcat(Name, '') == ''",
        nulls,
        30,
    )?;
    same_rows(
        dir.path(),
        "Events | where Name < 'user'",
        "Events | where strcat(Name, '') < 'user'",
        nulls,
        30,
    )?;
    // Extra is null in the first 20 row groups: those are skipped for any comparison.
    same_rows(
        dir.path(),
        "Events | where Extra == 3",
        "Events | where Extra + 0 == 3",
        143,
        10,
    )?;
    same_rows(
        dir.path(),
        "Events | where isnotnull(Extra)",
        "Events | where isnotnull(Extra + 0)",
        1000,
        10,
    )?;
    // A real column with nulls.
    same_rows(
        dir.path(),
        "Events | where Score >= 295.0",
        "Events | where Score + 0.0 >= 295.0",
        49,
        1,
    )?;
    Ok(())
}

#[test]
fn or_prunes_only_when_both_sides_do() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    same_rows(
        dir.path(),
        "Events | where Id == 5 or Name == 'user29'",
        "Events | where Id + 0 == 5 or strcat(Name, '') == 'user29'",
        1 + 97,
        2,
    )?;
    same_rows(
        dir.path(),
        "Events | where Id == 5 or Name =~ 'user29'",
        "Events | where Id + 0 == 5 or strcat(Name, '') =~ 'user29'",
        1 + 97,
        30,
    )
}

#[test]
fn nanosecond_timestamps_without_zone_and_missing_columns() -> TestResult {
    // A second table whose two files disagree: one has `Tag`, one does not.
    let dir = tempfile::tempdir()?;
    let t = dir.path().join("Logs");
    std::fs::create_dir_all(&t)?;
    let ns: Vec<i64> = (0..500)
        .map(|i| BASE_MS * 1_000_000 + i * 1_000_000_000)
        .collect();
    let a = RecordBatch::try_from_iter(vec![
        (
            "Timestamp",
            Arc::new(TimestampNanosecondArray::from(ns.clone())) as ArrayRef,
        ),
        (
            "Tag",
            Arc::new(StringArray::from_iter_values(
                (0..500).map(|i| format!("t{}", i / 100)),
            )) as ArrayRef,
        ),
    ])?;
    write(&t.join("a.parquet"), &a, 100)?;
    let b = RecordBatch::try_from_iter(vec![(
        "Timestamp",
        Arc::new(TimestampNanosecondArray::from(ns)) as ArrayRef,
    )])?;
    write(&t.join("b.parquet"), &b, 100)?;
    let engine = Engine::open_dir(dir.path())?;
    let q = "Logs | where Timestamp between (datetime(2024-01-01T00:01:40Z) .. datetime(2024-01-01T00:01:41Z))";
    assert_eq!(rows(&engine, q)?.len(), 4);
    let line = scan_line_after_run(dir.path(), q)?;
    assert_eq!(read_skipped(&line)?, (2, 8), "{line}");
    // Tag == "t1": file b lacks Tag, so every row there reads "" and is skipped.
    let q = "Logs | where Tag == 't1'";
    assert_eq!(rows(&engine, q)?.len(), 100);
    assert_eq!(read_skipped(&scan_line_after_run(dir.path(), q)?)?, (1, 9));
    // Tag == "" matches all of file b.
    let q = "Logs | where Tag == ''";
    assert_eq!(rows(&engine, q)?.len(), 500);
    assert_eq!(read_skipped(&scan_line_after_run(dir.path(), q)?)?, (5, 5));
    Ok(())
}

/// `arg_max(T, *)` under a parent that reads two of its columns: the other columns are
/// never read (the scan's projection), and the answer is the one that names the two.
#[test]
fn arg_max_star_reads_only_the_columns_its_parent_needs() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let engine = Engine::open_dir(dir.path())?;
    let star = "Events | summarize arg_max(Timestamp, *) by Name | summarize n = count(), s = sum(Id) by Port";
    let named = "Events | summarize arg_max(Timestamp, Id, Port) by Name | summarize n = count(), s = sum(Id) by Port";
    let line = scan_line_after_run(dir.path(), star)?;
    assert!(line.contains("projection=["), "{line}");
    for unread in ["Score", "Extra"] {
        assert!(!line.contains(unread), "{unread} read: {line}");
    }
    let (mut a, mut b) = (rows(&engine, star)?, rows(&engine, named)?);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // 30 names (user00..user29) and the empty name of the null rows: 31 latest rows.
    let total: i64 = a
        .iter()
        .map(|r| r.split('|').nth(1).map_or(0, |n| n.parse().unwrap_or(0)))
        .sum();
    assert_eq!(total, 31);
    Ok(())
}

/// Queries whose answers must not depend on the number of threads.
const THREAD_QUERIES: [&str; 11] = [
    "Events",
    // arg_max by row reference: ties (Extra repeats), groups with only null keys
    // (Extra is null before row 2000), partial states merged across row groups.
    "Events | summarize arg_max(Extra, *) by Name",
    "Events | summarize arg_min(Score, Id, Name), arg_max(Timestamp, Port) by P = Port % 10",
    "Events | summarize arg_max(Timestamp, *)",
    "Events | summarize arg_max(Extra, Id) by Name | summarize count(), sum(Id)",
    "Events | summarize dcountif(Name, Id % 2 == 0), make_set(Port % 5) by Extra",
    "Events | where Timestamp between (datetime(2024-01-01T00:19:10Z) .. datetime(2024-01-01T00:40:49Z))",
    "Events | where Name == 'user07' or Id < 150",
    "Events | summarize count(), sum(Id) by Name",
    "Events | where Score > 100.0 | take 7",
    "Events | project Id, Name | take 250",
];

fn thread_answers(dir: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let engine = Engine::open_dir(dir)?;
    let mut out = String::new();
    for q in THREAD_QUERIES {
        out.push_str(q);
        out.push('\n');
        for r in rows(&engine, q)? {
            out.push_str(&r);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Not a test on its own: when `HUNT_SCAN_CHILD_DIR` is set (by
/// `results_do_not_depend_on_thread_count`, which runs this test binary again with
/// `RAYON_NUM_THREADS`), writes the answers of [`THREAD_QUERIES`] to `HUNT_SCAN_CHILD_OUT`.
#[test]
fn thread_count_child() -> TestResult {
    let (Ok(dir), Ok(out)) = (
        std::env::var("HUNT_SCAN_CHILD_DIR"),
        std::env::var("HUNT_SCAN_CHILD_OUT"),
    ) else {
        return Ok(());
    };
    std::fs::write(out, thread_answers(Path::new(&dir))?)?;
    Ok(())
}

/// The global rayon pool is sized once per process, so each thread count runs in a
/// child process (this test binary, filtered to `thread_count_child`).
#[test]
fn results_do_not_depend_on_thread_count() -> TestResult {
    if std::env::var("HUNT_SCAN_CHILD_DIR").is_ok() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let here = thread_answers(dir.path())?;
    for threads in [1, 4] {
        let out = dir.path().join(format!("answers-{threads}.txt"));
        let status = std::process::Command::new(std::env::current_exe()?)
            .args(["--exact", "thread_count_child", "--test-threads=1"])
            .env("RAYON_NUM_THREADS", threads.to_string())
            .env("HUNT_SCAN_CHILD_DIR", dir.path())
            .env("HUNT_SCAN_CHILD_OUT", &out)
            .stdout(std::process::Stdio::null())
            .status()?;
        assert!(status.success(), "child with {threads} threads failed");
        let got = std::fs::read_to_string(&out)?;
        assert_eq!(got, here, "answers with {threads} threads differ");
    }
    Ok(())
}

/// A string column written with bloom filters and without a dictionary, its values in an
/// order that defeats min/max statistics: `==` and `in` read only the row groups whose
/// filter may hold the value, and return what an unpruned scan returns.
#[test]
fn bloom_filters_skip_row_groups_without_the_value() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = dir.path().join("Keys");
    std::fs::create_dir_all(&t)?;
    let keys: Vec<String> = (0..3000u64)
        .map(|i| format!("{:08x}", (i * 2_654_435_761) % (1 << 32)))
        .collect();
    let batch = RecordBatch::try_from_iter(vec![
        ("Key", Arc::new(StringArray::from(keys.clone())) as ArrayRef),
        (
            "Id",
            Arc::new(Int64Array::from_iter_values(0..3000)) as ArrayRef,
        ),
    ])?;
    let props = WriterProperties::builder()
        .set_max_row_group_size(100)
        .set_dictionary_enabled(false)
        .set_bloom_filter_enabled(true)
        .set_bloom_filter_fpp(0.0001)
        .set_bloom_filter_ndv(100)
        .build();
    let mut w = ArrowWriter::try_new(
        File::create(t.join("k.parquet"))?,
        batch.schema(),
        Some(props),
    )?;
    w.write(&batch)?;
    w.close()?;
    let (k1, k2) = (&keys[1234], &keys[2999]);
    for (q, want_rows) in [
        (format!("Key == '{k1}'"), 1),
        (format!("Key in ('{k1}', '{k2}', '80000000x')"), 2),
        ("Key == '80000000x'".to_string(), 0),
    ] {
        let pruned = format!("Keys | where {q}");
        let engine = Engine::open_dir(dir.path())?;
        let a = rows(&engine, &pruned)?;
        let b = rows(
            &engine,
            &format!("Keys | where {}", q.replace("Key", "strcat(Key, '')")),
        )?;
        assert_eq!(a, b, "{q}");
        assert_eq!(a.len(), want_rows, "{q}");
        let line = scan_line_after_run(dir.path(), &pruned)?;
        let (read, _) = read_skipped(&line)?;
        assert!(read <= want_rows as u64 + 1, "{q}: {line}");
        assert!(line.contains("pruned_by_bloom_filter="), "{line}");
    }
    Ok(())
}

/// `top N by Col` over a scan pushes a running bound on `Col` into the scan (rows that can
/// no longer make the top are dropped before their other columns are decoded). Ties on
/// the bound and null keys that sort first must survive: the answers equal those of the
/// same query ordered by `Col + 0`, which the bound does not apply to.
#[test]
fn top_bound_keeps_ties_and_leading_nulls() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let engine = Engine::open_dir(dir.path())?;
    for (top, key) in [
        ("top 7 by Port desc, Id asc", "Port"),
        ("top 5 by Extra asc, Id desc", "Extra"),
        ("top 5 by Extra desc, Id asc", "Extra"),
        (
            "where Name startswith 'user1' | top 4 by Port asc, Id desc",
            "Port",
        ),
        ("top 3 by Id desc", "Id"),
    ] {
        let bounded = format!("Events | {top}");
        let plain = format!(
            "Events | {}",
            top.replace(&format!("by {key} "), &format!("by {key} + 0 "))
        );
        let a = rows(&engine, &bounded)?;
        assert!(!a.is_empty(), "{bounded}");
        assert_eq!(a, rows(&engine, &plain)?, "{bounded}");
    }
    // The bound did drop rows at the scan.
    let line = scan_line_after_run(dir.path(), "Events | top 7 by Port desc, Id asc")?;
    assert!(line.contains("rows_filtered_at_scan="), "{line}");
    // Leading nulls win `asc`: the five rows are the first nulls by Id desc.
    let nulls = rows(&engine, "Events | top 5 by Extra asc, Id desc | project Id")?;
    assert_eq!(nulls, vec!["1999", "1998", "1997", "1996", "1995"]);
    Ok(())
}

/// Late materialization: a `where` under a wide output (every column of `Events`) runs in
/// the decoder on its own columns; it keeps exactly the rows the `where` keeps, nulls,
/// zoned millisecond timestamps and int32 columns included, and filters at the scan.
#[test]
fn late_materialized_filters_keep_exactly_the_where_rows() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let engine = Engine::open_dir(dir.path())?;
    for p in [
        "Score > 150",
        "Score != 12.3",
        "isnull(Extra)",
        "Extra == 3",
        "Extra != 3",
        "Name has 'user07'",
        "Name contains '1' and Port < 40",
        "Port % 97 == 1 or isnull(Score)",
        "Timestamp > datetime(2024-01-01 00:40:00) and Timestamp < datetime(2024-01-01 00:41:00)",
        "strlen(Name) == 0",
    ] {
        let late = format!("Events | where {p}");
        let plain = format!("Events | extend z_ = 0 | where {p} | project-away z_");
        let mut a = rows(&engine, &late)?;
        let mut b = rows(&engine, &plain)?;
        a.sort();
        b.sort();
        assert_eq!(a, b, "{late}");
    }
    let line = scan_line_after_run(dir.path(), "Events | where Port % 97 == 1")?;
    let filtered: u64 = line
        .split("rows_filtered_at_scan=")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .ok_or("no rows_filtered_at_scan")?
        .parse()?;
    assert!(filtered > 2000, "{line}");
    Ok(())
}

/// A string equality is a dictionary predicate; in a file whose strings are PLAIN (no
/// dictionary to test) it still runs in the decoder as a late filter, so the other columns
/// are decoded only for its rows. Before, it ran in neither, and every column of every row
/// was decoded for the `where` above.
#[test]
fn string_predicates_filter_at_the_scan_over_plain_strings() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = dir.path().join("Events");
    std::fs::create_dir_all(&t)?;
    write_encoded(&t.join("part0.parquet"), &events(0, 3000)?, 100, false)?;
    let engine = Engine::open_dir(dir.path())?;
    for p in [
        "Name == 'user07'",
        "Name in ('user07', 'user21') and Port < 2150",
        "Name != 'user07' and Score > 250",
    ] {
        let mut a = rows(&engine, &format!("Events | where {p}"))?;
        let mut b = rows(
            &engine,
            &format!("Events | extend z_ = 0 | where {p} | project-away z_"),
        )?;
        a.sort();
        b.sort();
        assert!(!a.is_empty(), "{p}");
        assert_eq!(a, b, "{p}");
    }
    // user07 is rows 700..800 less the nulls (every 37th row): 97 rows kept of 3000.
    assert_eq!(rows(&engine, "Events | where Name == 'user07'")?.len(), 97);
    let line = scan_line_after_run(dir.path(), "Events | where Name == 'user07'")?;
    let filtered: u64 = line
        .split("rows_filtered_at_scan=")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .ok_or_else(|| format!("no rows_filtered_at_scan: {line}"))?
        .parse()?;
    // Statistics leave the one row group of user07 (rows 700..800); its three null names
    // are dropped in the decoder.
    assert!(line.contains("rows_read=100 "), "{line}");
    assert_eq!(filtered, 100 - 97, "{line}");
    Ok(())
}

/// Grouping by two dictionary-encoded string columns whose dictionaries multiply past
/// 65,536 codes (300 × 400 here) goes through the per-code group table; every pair keeps
/// its own count, as computed here row by row.
#[test]
fn two_dictionary_keys_with_many_code_pairs() -> TestResult {
    let dir = tempfile::tempdir()?;
    let t = dir.path().join("T");
    std::fs::create_dir_all(&t)?;
    let n = 60_000usize;
    let a: Vec<String> = (0..n).map(|i| format!("a{:03}", i % 300)).collect();
    let b: Vec<String> = (0..n).map(|i| format!("b{:03}", (i / 7) % 400)).collect();
    let batch = RecordBatch::try_from_iter(vec![
        ("A", Arc::new(StringArray::from(a.clone())) as ArrayRef),
        ("B", Arc::new(StringArray::from(b.clone())) as ArrayRef),
    ])?;
    write_encoded(&t.join("part0.parquet"), &batch, 30_000, true)?;
    let engine = Engine::open_dir(dir.path())?;
    let mut want: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for (x, y) in a.into_iter().zip(b) {
        *want.entry((x, y)).or_default() += 1;
    }
    let want: Vec<String> = want
        .into_iter()
        .map(|((x, y), c)| format!("{x}|{y}|{c}"))
        .collect();
    let mut got = rows(&engine, "T | summarize n = count() by A, B")?;
    got.sort();
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    Ok(())
}
