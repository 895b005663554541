//! Eight threads share one `Engine` and run 200 queries each over good and damaged
//! tables: each query gets exactly its own rows or its own error, never another query's.

use arrow::array::{ArrayRef, Int64Array, RecordBatch};
use hunt::Engine;
use parquet::arrow::ArrowWriter;
use std::path::Path;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const CHECKSUMMED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/checksummed.parquet"
);

fn write(path: &Path, rows: i64) -> TestResult {
    let batch = RecordBatch::try_from_iter(vec![(
        "N",
        Arc::new(Int64Array::from((0..rows).collect::<Vec<_>>())) as ArrayRef,
    )])?;
    let mut w = ArrowWriter::try_new(std::fs::File::create(path)?, batch.schema(), None)?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}

/// The count a query returned, or its error message.
fn answer(engine: &Engine, q: &str) -> Result<i64, String> {
    let r = engine.query(q).map_err(|e| e.diagnostic().message)?;
    let col = r
        .batches
        .first()
        .map(|b| b.column(0).clone())
        .ok_or("no rows")?;
    let n = col
        .as_any()
        .downcast_ref::<Int64Array>()
        .ok_or("not a long")?;
    Ok(n.value(0))
}

#[test]
fn eight_threads_each_get_their_own_answer() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    write(&data.join("Good.parquet"), 300)?;
    write(&data.join("Other.parquet"), 77)?;
    // Not Parquet at all: fails while its footer is read, at planning.
    std::fs::write(
        data.join("Garbage.parquet"),
        b"this is not a parquet file, just text",
    )?;
    // A flipped byte in a checksummed page: fails while the scan decodes it.
    let mut bytes = std::fs::read(CHECKSUMMED)?;
    let at = bytes
        .windows(9)
        .position(|w| w == b"value-150")
        .ok_or("fixture lacks value-150")?;
    bytes[at + 8] = b'#';
    std::fs::write(data.join("Flipped.parquet"), &bytes)?;
    let engine = Engine::open_dir(data)?;
    let queries: [(&str, Result<i64, &str>); 5] = [
        ("Good | count", Ok(300)),
        ("Other | where N >= 7 | count", Ok(70)),
        ("Garbage | count", Err("Garbage.parquet")),
        ("Flipped | where S != '' | count", Err("Flipped.parquet")),
        ("Nope | count", Err("unknown table `Nope`")),
    ];
    std::thread::scope(|s| -> TestResult {
        let workers: Vec<_> = (0..8)
            .map(|t| {
                let (engine, queries) = (&engine, &queries);
                s.spawn(move || -> Result<(), String> {
                    for i in 0..200 {
                        let (q, want) = &queries[(t + i) % queries.len()];
                        match (answer(engine, q), want) {
                            (Ok(n), Ok(w)) if n == *w => {}
                            (Err(e), Err(w)) if e.contains(w) => {
                                // Its own error, not another query's.
                                for (other, _) in queries.iter().filter(|(o, _)| o != q) {
                                    let table = other.split(' ').next().unwrap_or("");
                                    if e.contains(&format!("{table}.parquet")) {
                                        return Err(format!("{q} got {other}'s error: {e}"));
                                    }
                                }
                            }
                            (got, _) => return Err(format!("{q}: got {got:?}, want {want:?}")),
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for w in workers {
            w.join().map_err(|_| "a worker panicked")??;
        }
        Ok(())
    })?;
    Ok(())
}

#[test]
fn the_no_data_notice_belongs_to_the_query_that_named_the_table() -> TestResult {
    let dir = tempfile::tempdir()?;
    write(&dir.path().join("Good.parquet"), 10)?;
    let engine = Engine::open_dir(dir.path())?;
    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for t in 0..4 {
            let engine = &engine;
            handles.push(s.spawn(move || -> Result<(), String> {
                for _ in 0..100 {
                    let (q, wants_notice) = if t % 2 == 0 {
                        ("Good | count", false)
                    } else {
                        ("DeviceFileEvents | count", true)
                    };
                    let r = engine.query(q).map_err(|e| e.diagnostic().message)?;
                    let noted = r.notices.iter().any(|n| n.contains("DeviceFileEvents"));
                    if noted != wants_notice {
                        return Err(format!("{q}: notices {:?}", r.notices));
                    }
                }
                Ok(())
            }));
        }
        for h in handles {
            h.join().map_err(|_| "thread panicked")??;
        }
        Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    })
}
