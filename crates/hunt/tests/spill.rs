//! Spilling: with the spill threshold forced tiny, sorts and aggregates write to disk and
//! must answer exactly what the in-memory run answers (row order included), at 1 and at 4
//! threads; joins must answer the same rows; the spill folder is empty after every query,
//! also one that fails.

use arrow::array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use hunt::Engine;
use hunt::format::cell_text;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Rows of the test table.
const ROWS: i64 = 20_000;

/// The group key `K` of row `i`: 5,003 values, null every 97th row.
fn key(i: i64) -> Option<i64> {
    (i % 97 != 0).then_some((i * 7919) % 5003)
}

/// `Ev` rows `first..first + n`: a long key with nulls, a string key with nulls, reals
/// with nulls (sums that round), timestamps with many ties, a low-cardinality string.
fn events(first: i64, n: i64) -> Result<RecordBatch, arrow::error::ArrowError> {
    let ids: Vec<i64> = (first..first + n).collect();
    let k: Int64Array = ids.iter().map(|&i| key(i)).collect();
    let s: StringArray = ids
        .iter()
        .map(|i| (i % 89 != 0).then(|| format!("s{}", (i * 31) % 3001)))
        .collect();
    let v: Float64Array = ids
        .iter()
        .map(|i| (i % 13 != 0).then(|| ((i * 37) % 1000) as f64 / 7.0))
        .collect();
    let t = TimestampMillisecondArray::from_iter_values(
        ids.iter().map(|i| 1_700_000_000_000 + (i % 500) * 1000),
    );
    let d: StringArray = ids.iter().map(|i| Some(format!("dept{}", i % 7))).collect();
    RecordBatch::try_from_iter(vec![
        ("Id", Arc::new(Int64Array::from(ids)) as ArrayRef),
        ("K", Arc::new(k) as ArrayRef),
        ("S", Arc::new(s) as ArrayRef),
        ("V", Arc::new(v) as ArrayRef),
        ("T", Arc::new(t) as ArrayRef),
        ("D", Arc::new(d) as ArrayRef),
    ])
}

/// `dir/Ev/part{0,1}.parquet`, in row groups of 1,000 rows (units of the scan).
fn write_events(dir: &Path) -> TestResult {
    let t = dir.join("Ev");
    std::fs::create_dir_all(&t)?;
    for (n, first) in [0, ROWS / 2].into_iter().enumerate() {
        let props = WriterProperties::builder()
            .set_max_row_group_size(1000)
            .build();
        let path = t.join(format!("part{n}.parquet"));
        let mut w = ArrowWriter::try_new(
            File::create(path)?,
            events(first, ROWS / 2)?.schema(),
            Some(props),
        )?;
        w.write(&events(first, ROWS / 2)?)?;
        w.close()?;
    }
    Ok(())
}

/// Sorts (ties, nulls first and last, several keys) and aggregates (many groups, states
/// of every kind, a non-mergeable one) that spill under a tiny threshold, and the threshold
/// in bytes: 256 KiB spills every sort and aggregate here once (the aggregates' partitions
/// fit); 16 KiB makes the aggregate's partitions too big, so they are partitioned again.
const QUERIES: [(&str, usize); 15] = [
    ("Ev | order by K asc, S desc", 256 << 10),
    ("Ev | sort by V desc nulls first", 256 << 10),
    (
        "Ev | order by S asc nulls last, T desc | project Id, S, T",
        256 << 10,
    ),
    (
        "Ev | summarize count(), sum(V), avg(V), dcount(S), make_set(D), min(T), max(Id) by K",
        256 << 10,
    ),
    ("Ev | summarize arg_max(T, *) by S", 256 << 10),
    (
        "Ev | summarize arg_min(V, Id, K), make_list(Id, 5), dcountif(K, V > 50.0) by S, D",
        256 << 10,
    ),
    (
        "Ev | summarize n = count(), a = avg(V) by bin(T, 10s), D",
        16 << 10,
    ),
    (
        "Ev | extend x = K % 100 | summarize stdevp(V), make_set(S, 3), count() by x",
        16 << 10,
    ),
    (
        "Ev | summarize c = count() by K | order by c desc, K asc | take 20",
        256 << 10,
    ),
    (
        "Ev | summarize s = sum(V), c = count(), dcount(Id) by K",
        16 << 10,
    ),
    // Past a million rows, `top` is a full sort cut after its rows.
    ("Ev | top 2000000 by V asc nulls last, S desc", 256 << 10),
    // The series' input (one row per key and bin) is partitioned by key; at 16 KiB the
    // partitions are split again.
    (SERIES, 256 << 10),
    (SERIES, 16 << 10),
    // Each level's groups are partitioned by (parent, key); the last level keeps all.
    (
        "Ev | top-nested 5 of K by c = count(), top-nested 3 of D by s = sum(V), \
         top-nested of S by m = max(T) asc",
        16 << 10,
    ),
    (
        "Ev | top-nested of K by s = sum(V) desc, top-nested 2 of S by c = count() asc",
        64 << 10,
    ),
];

/// `make-series` by 5,004 keys (null included) over the 500 seconds of `T`: 50 bins.
const SERIES: &str = "Ev | make-series c = count(), s = sum(V) default = -1, m = max(D) \
     on T from datetime(2023-11-14T22:13:20Z) to datetime(2023-11-14T22:21:40Z) step 10s by K";

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

/// An engine over `data` that spills from `threshold` bytes into `temp`.
fn spilling(
    data: &Path,
    temp: &Path,
    threshold: usize,
) -> Result<Engine, Box<dyn std::error::Error>> {
    let mut e = Engine::open_dir(data)?;
    e.set_spill_threshold(threshold);
    e.set_temp_dir(temp.to_path_buf());
    Ok(e)
}

/// Entries in `dir`.
fn entries(dir: &Path) -> Result<usize, std::io::Error> {
    Ok(std::fs::read_dir(dir)?.count())
}

/// Every query's answer in memory and spilled; they must be equal, each spilled run must
/// have written files, and the spill folder must be empty after each. Returns the spilled
/// answers as text.
fn spilled_answers(data: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let memory = Engine::open_dir(data)?;
    let mut out = String::new();
    for (q, threshold) in QUERIES {
        let spill = spilling(data, temp.path(), threshold)?;
        let expected = rows(&memory, q)?;
        let before = hunt_exec::spill::files_made();
        let got = rows(&spill, q)?;
        assert!(
            hunt_exec::spill::files_made() > before,
            "{q}: nothing was spilled"
        );
        assert_eq!(got.len(), expected.len(), "{q}");
        if let Some(i) = (0..got.len()).find(|&i| got[i] != expected[i]) {
            panic!(
                "{q}: row {i} differs:\n  spilled   {}\n  in memory {}",
                got[i], expected[i]
            );
        }
        assert_eq!(entries(temp.path())?, 0, "{q}: spill files left behind");
        out.push_str(q);
        out.push('\n');
        for r in got {
            out.push_str(&r);
            out.push('\n');
        }
    }
    Ok(out)
}

#[test]
fn spilled_answers_equal_in_memory_answers() -> TestResult {
    if std::env::var("HUNT_SPILL_CHILD_DIR").is_ok() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    spilled_answers(dir.path())?;
    Ok(())
}

/// Facts about the answers that do not come from hunt: the sort is ordered as asked with
/// ties in input order, and the aggregate has one row per key with all rows counted.
#[test]
fn spilled_answers_are_right() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let temp = tempfile::tempdir()?;
    let e = spilling(dir.path(), temp.path(), 256 << 10)?;
    // `asc` puts nulls first (Kusto's default); ties keep input order, so by Id.
    let sorted = rows(&e, "Ev | order by K asc | project K, Id")?;
    let mut expected: Vec<(Option<i64>, i64)> = (0..ROWS).map(|i| (key(i), i)).collect();
    expected.sort(); // None < Some, then by Id: nulls first, ties in input order.
    let expected: Vec<String> = expected
        .iter()
        .map(|(k, i)| format!("{}|{i}", k.map(|k| k.to_string()).unwrap_or_default()))
        .collect();
    assert_eq!(sorted, expected);
    // One row per distinct key (nulls are one group), every row counted once.
    let groups = rows(&e, "Ev | summarize c = count() by K")?;
    let distinct: std::collections::HashSet<Option<i64>> = (0..ROWS).map(key).collect();
    assert_eq!(groups.len(), distinct.len());
    let total: i64 = groups
        .iter()
        .map(|r| {
            r.rsplit('|')
                .next()
                .and_then(|c| c.parse::<i64>().ok())
                .unwrap_or(-1)
        })
        .sum();
    assert_eq!(total, ROWS);
    Ok(())
}

/// `make-series` past a tiny threshold: each key's counts per bin and the order of the keys
/// (of first appearance) as computed here, and the series' own step spilled (more files
/// than the same aggregate alone makes).
#[test]
fn spilled_make_series_is_right() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let temp = tempfile::tempdir()?;
    let e = spilling(dir.path(), temp.path(), 64 << 10)?;
    let q = "Ev | make-series c = count() on T from datetime(2023-11-14T22:13:20Z) \
             to datetime(2023-11-14T22:21:40Z) step 10s by K | project K, c";
    let before = hunt_exec::spill::files_made();
    let got = rows(&e, q)?;
    let series_files = hunt_exec::spill::files_made() - before;
    // The same aggregate without the series step.
    let before = hunt_exec::spill::files_made();
    rows(
        &e,
        "Ev | summarize c = count() by K, b = bin(T, 10s) | summarize count()",
    )?;
    let aggregate_files = hunt_exec::spill::files_made() - before;
    assert!(
        series_files >= aggregate_files + 32,
        "the series step did not spill: {series_files} files, the aggregate alone \
         {aggregate_files}"
    );
    // `T` of row `i` is 1,700,000,000 s + i % 500: bin (i % 500) / 10.
    let mut order: Vec<Option<i64>> = Vec::new();
    let mut counts: std::collections::HashMap<Option<i64>, Vec<i64>> = Default::default();
    for i in 0..ROWS {
        let k = key(i);
        let c = counts.entry(k).or_insert_with(|| {
            order.push(k);
            vec![0; 50]
        });
        c[((i % 500) / 10) as usize] += 1;
    }
    let expected: Vec<String> = order
        .iter()
        .map(|k| {
            let c: Vec<String> = counts[k].iter().map(|n| n.to_string()).collect();
            format!(
                "{}|[{}]",
                k.map(|k| k.to_string()).unwrap_or_default(),
                c.join(",")
            )
        })
        .collect();
    assert_eq!(got.len(), expected.len());
    if let Some(i) = (0..got.len()).find(|&i| got[i] != expected[i]) {
        panic!(
            "row {i}:\n  got      {}\n  expected {}",
            got[i], expected[i]
        );
    }
    assert_eq!(entries(temp.path())?, 0);
    Ok(())
}

/// `top-nested` past a tiny threshold (its input kept on disk, its first level's 5,004
/// groups aggregated partition by partition): the top keys by count and, under each, the
/// top departments by their largest `Id`, as computed here (ties by first appearance).
#[test]
fn spilled_top_nested_is_right() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let temp = tempfile::tempdir()?;
    let e = spilling(dir.path(), temp.path(), 16 << 10)?;
    let q = "Ev | top-nested 4 of K by c = count(), top-nested 2 of D by mx = max(Id)";
    let before = hunt_exec::spill::files_made();
    let got = rows(&e, q)?;
    assert!(
        hunt_exec::spill::files_made() >= before + 3,
        "top-nested did not spill"
    );
    assert_eq!(entries(temp.path())?, 0);
    let mut order: Vec<Option<i64>> = Vec::new();
    let mut count: std::collections::HashMap<Option<i64>, i64> = Default::default();
    for i in 0..ROWS {
        *count.entry(key(i)).or_insert_with(|| {
            order.push(key(i));
            0
        }) += 1;
    }
    // A stable sort keeps first appearance among equal counts.
    order.sort_by(|a, b| count[b].cmp(&count[a]));
    let mut expected = Vec::new();
    for k in order.iter().take(4) {
        // Departments of this key, in first appearance, with their largest Id.
        let mut depts: Vec<(i64, i64)> = Vec::new();
        for i in (0..ROWS).filter(|&i| key(i) == *k) {
            match depts.iter_mut().find(|(d, _)| *d == i % 7) {
                Some((_, mx)) => *mx = (*mx).max(i),
                None => depts.push((i % 7, i)),
            }
        }
        depts.sort_by(|a, b| b.1.cmp(&a.1));
        for (d, mx) in depts.iter().take(2) {
            expected.push(format!(
                "{}|{}|dept{d}|{mx}",
                k.map(|k| k.to_string()).unwrap_or_default(),
                count[k]
            ));
        }
    }
    assert_eq!(got, expected);
    Ok(())
}

/// Aggregates without `by` keep one group, which cannot be partitioned: past the spill
/// threshold their lists and sets grow on, reserved, and answer; past the memory limit
/// they stop with the limit error naming the aggregate, and leave no spill file.
#[test]
fn one_group_aggregates_reserve_what_they_hold() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let temp = tempfile::tempdir()?;
    let mut e = spilling(dir.path(), temp.path(), 16 << 10)?;
    let q = |f: &str| {
        format!("Ev | summarize s = {f}(strcat('value-', Id)) | project n = array_length(s)")
    };
    assert_eq!(rows(&e, &q("make_set"))?, ["20000"]);
    assert_eq!(rows(&e, &q("make_list"))?, ["20000"]);
    e.set_memory_limit(256 << 10);
    for f in ["make_set", "make_list"] {
        let err = match e.query(&q(f)) {
            Ok(_) => return Err(format!("{f} of 20,000 strings fit in 256 KiB").into()),
            Err(err) => err.diagnostic().message,
        };
        assert!(err.contains("memory limit of 256.0 KiB"), "{err}");
        assert!(err.contains(f), "{err}");
        assert_eq!(entries(temp.path())?, 0);
    }
    Ok(())
}

/// `next` streams: within a 512 KiB limit (the 20,000 rows held whole were past it), each
/// row sees the values 1, 2 and 5 rows ahead (a `next` of a `next` included), and `prev`
/// beside it still sees the rows before; the defaults past the last row.
#[test]
fn next_streams_within_a_small_limit() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let temp = tempfile::tempdir()?;
    let mut e = spilling(dir.path(), temp.path(), 64 << 10)?;
    e.set_memory_limit(512 << 10);
    let q = "Ev | serialize | extend a = next(Id), b = prev(Id, 2), c = next(Id, 5, -1) \
             | extend d = next(a, 2) \
             | summarize n = count(), a = countif(a == Id + 1), b = countif(b == Id - 2), \
               c = countif(c == Id + 5), c0 = countif(c == -1), d = countif(d == Id + 3), \
               nulls = countif(isnull(a)) + countif(isnull(b)) + countif(isnull(d))";
    assert_eq!(rows(&e, q)?, ["20000|19999|19998|19995|5|19997|6"]);
    // Row by row, with a string: each row's `S` two rows ahead.
    let memory = Engine::open_dir(dir.path())?;
    let got = rows(
        &memory,
        "Ev | serialize | extend a = next(S, 2) | project Id, a",
    )?;
    let s = |i: i64| (i % 89 != 0).then(|| format!("s{}", (i * 31) % 3001));
    let expected: Vec<String> = (0..ROWS)
        .map(|i| {
            format!(
                "{i}|{}",
                s(i + 2).filter(|_| i + 2 < ROWS).unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(got, expected);
    Ok(())
}

/// Joins whose right side passes a tiny threshold (a grace hash join, both sides written
/// to partition files): the same rows as in memory, for every flavour and for long,
/// string and two-column keys with nulls. A join's row order is not specified (the spilled
/// one comes partition by partition), so rows are compared sorted.
#[test]
fn spilled_joins_equal_in_memory_joins() -> TestResult {
    if std::env::var("HUNT_SPILL_CHILD_DIR").is_ok() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let temp = tempfile::tempdir()?;
    let memory = Engine::open_dir(dir.path())?;
    let kinds = [
        "inner",
        "innerunique",
        "leftouter",
        "rightouter",
        "fullouter",
        "leftsemi",
        "rightsemi",
        "leftanti",
        "rightanti",
    ];
    let mut queries: Vec<String> = kinds
        .iter()
        .map(|k| {
            format!(
                "Ev | where Id % 2 == 0 and Id < 8000 | project K, Id, S \
                 | join kind={k} (Ev | where Id % 3 == 0 | project K, Id2 = Id, D) on K"
            )
        })
        .collect();
    queries.push(
        "Ev | where Id < 4000 | join kind=leftouter (Ev | project S, T2 = T) on S | count"
            .to_string(),
    );
    queries.push(
        "Ev | join kind=inner (Ev | where Id % 5 == 0 | project K, D, Id2 = Id) on K, D"
            .to_string(),
    );
    queries.push("Ev | lookup (Ev | where Id % 4 == 1 | project S, V2 = V) on S".to_string());
    for q in &queries {
        let spill = spilling(dir.path(), temp.path(), 64 << 10)?;
        let mut expected = rows(&memory, q)?;
        let before = hunt_exec::spill::files_made();
        let mut got = rows(&spill, q)?;
        assert!(
            hunt_exec::spill::files_made() > before,
            "{q}: nothing was spilled"
        );
        assert!(!expected.is_empty(), "{q}: no rows");
        expected.sort();
        got.sort();
        assert_eq!(got.len(), expected.len(), "{q}");
        if let Some(i) = (0..got.len()).find(|&i| got[i] != expected[i]) {
            panic!(
                "{q}: sorted row {i} differs:\n  spilled   {}\n  in memory {}",
                got[i], expected[i]
            );
        }
        assert_eq!(entries(temp.path())?, 0, "{q}: spill files left behind");
    }
    Ok(())
}

/// A spilled partition holding the whole right side (every row has one key) is built
/// within a small limit and gives every pair. (How a batch read back from disk is counted:
/// `hunt_exec::spill`'s `a_batch_read_back_counts_its_own_bytes`.)
#[test]
fn a_spilled_join_partition_is_counted_by_its_rows() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let temp = tempfile::tempdir()?;
    let mut e = spilling(dir.path(), temp.path(), 64 << 10)?;
    e.set_memory_limit(4 << 20);
    let q = "Ev | where Id < 3 | extend One = 1 \
             | join kind=inner (Ev | extend One = 1) on One | count";
    let before = hunt_exec::spill::files_made();
    let got = rows(&e, q)?;
    assert!(
        hunt_exec::spill::files_made() > before,
        "nothing was spilled"
    );
    // 3 left rows, each meeting all 20,000 right rows.
    assert_eq!(got, ["60000"]);
    assert_eq!(entries(temp.path())?, 0);
    Ok(())
}

/// A query that fails after it has spilled (its result passes the memory limit) leaves
/// no files either, and says which limit it passed.
#[test]
fn a_failing_query_leaves_no_spill_files() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let temp = tempfile::tempdir()?;
    let mut e = spilling(dir.path(), temp.path(), 16 << 10)?;
    e.set_memory_limit(256 << 10);
    let before = hunt_exec::spill::files_made();
    let err = match e.query("Ev | order by S asc, Id desc") {
        Ok(_) => return Err("20,000 rows fit in 256 KiB".into()),
        Err(err) => err.diagnostic().message,
    };
    assert!(err.contains("memory limit of 256.0 KiB"), "{err}");
    assert!(
        hunt_exec::spill::files_made() > before,
        "nothing was spilled"
    );
    assert_eq!(entries(temp.path())?, 0);
    Ok(())
}

/// Not a test on its own: when `HUNT_SPILL_CHILD_DIR` is set (by
/// `spilled_answers_do_not_depend_on_thread_count`, which runs this test binary again
/// with `RAYON_NUM_THREADS`), writes the spilled answers to `HUNT_SPILL_CHILD_OUT`.
#[test]
fn spill_thread_count_child() -> TestResult {
    let (Ok(dir), Ok(out)) = (
        std::env::var("HUNT_SPILL_CHILD_DIR"),
        std::env::var("HUNT_SPILL_CHILD_OUT"),
    ) else {
        return Ok(());
    };
    std::fs::write(out, spilled_answers(Path::new(&dir))?)?;
    Ok(())
}

/// The global rayon pool is sized once per process, so each thread count runs in a
/// child process (this test binary, filtered to `spill_thread_count_child`).
#[test]
fn spilled_answers_do_not_depend_on_thread_count() -> TestResult {
    if std::env::var("HUNT_SPILL_CHILD_DIR").is_ok() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    write_events(dir.path())?;
    let mut answers = Vec::new();
    for threads in [1, 4] {
        let out = dir.path().join(format!("answers-{threads}.txt"));
        let status = std::process::Command::new(std::env::current_exe()?)
            .args(["--exact", "spill_thread_count_child", "--test-threads=1"])
            .env("RAYON_NUM_THREADS", threads.to_string())
            .env("HUNT_SPILL_CHILD_DIR", dir.path())
            .env("HUNT_SPILL_CHILD_OUT", &out)
            .stdout(std::process::Stdio::null())
            .status()?;
        assert!(status.success(), "child with {threads} threads failed");
        answers.push(std::fs::read_to_string(&out)?);
    }
    assert!(!answers[0].is_empty());
    assert_eq!(
        answers[0], answers[1],
        "spilled answers at 1 and 4 threads differ"
    );
    Ok(())
}
