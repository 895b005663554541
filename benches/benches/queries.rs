//! End-to-end query benchmarks: `query/<hunt> rows=1M` for each hunt of
//! [`hunt_benches::QUERY_SUITE`], over hunt-gen data (1M DataSecurityEvents rows, about 10k
//! alerts) generated once into a temporary directory.
//!
//! Run: `cargo bench -p hunt-benches --bench queries`. `HUNT_BENCH_EVENTS=100000` picks another
//! size (the name states it). Each query is timed end to end through [`hunt::Engine::query`]:
//! parse, plan, optimize, Parquet scan and execution, all result batches collected.

// criterion_group! expands to an undocumented `pub fn benches()`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hunt_benches::{NOW_NS, QUERY_SUITE, dataset, rows_label};

/// Default DataSecurityEvents rows (1M): large enough that the scan dominates, small
/// enough to generate in a few seconds.
const DEFAULT_EVENTS: usize = 1_000_000;

fn query_benches(c: &mut Criterion) {
    let events = std::env::var("HUNT_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_EVENTS);
    let dir = tempfile::tempdir().expect("temp dir for the bench dataset");
    dataset(events, dir.path()).expect("hunt-gen writes the bench dataset");
    let mut engine = hunt::Engine::open_dir(dir.path()).expect("open the bench dataset");
    engine.set_now(NOW_NS);

    let mut group = c.benchmark_group("query");
    // Full scans of 1M rows take tens to hundreds of milliseconds: 10 samples over 5 s
    // keep `cargo bench` within a few minutes for the whole suite.
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));
    let rows = rows_label(events);
    for q in QUERY_SUITE {
        // Fail loudly before timing, so a refused query is not benchmarked as an error path.
        if let Err(e) = engine.query(q.kql) {
            panic!("bench query {} failed: {e:?}\n{}", q.name, q.kql);
        }
        // Throughput in DataSecurityEvents rows scanned, for the hunts that scan that table.
        if q.kql.starts_with("DataSecurityEvents") {
            group.throughput(Throughput::Elements(events as u64));
        } else {
            group.throughput(Throughput::Elements(0));
        }
        group.bench_function(format!("{} rows={rows}", q.name), |b| {
            b.iter(|| black_box(engine.query(black_box(q.kql)).map(|r| r.num_rows())))
        });
    }
    group.finish();
}

criterion_group!(benches, query_benches);
criterion_main!(benches);
