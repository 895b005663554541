//! Parser benchmarks: `parse/<query>` for each realistic hunting query of
//! [`hunt_benches::PARSE_CORPUS`], plus `parse/corpus queries=N` for the whole corpus.
//!
//! Run: `cargo bench -p hunt-benches --bench parse`.

// criterion_group! expands to an undocumented `pub fn benches()`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hunt_benches::{PARSE_CORPUS, QUERY_SUITE};

fn parse_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.measurement_time(Duration::from_secs(3));
    group.warm_up_time(Duration::from_secs(1));
    for q in PARSE_CORPUS {
        group.throughput(Throughput::Bytes(q.kql.len() as u64));
        group.bench_function(format!("{} bytes={}", q.name, q.kql.len()), |b| {
            b.iter(|| hunt_syntax::parse(black_box(q.kql)))
        });
    }
    let corpus: Vec<&str> = PARSE_CORPUS
        .iter()
        .chain(QUERY_SUITE)
        .map(|q| q.kql)
        .collect();
    let bytes: usize = corpus.iter().map(|q| q.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(
        format!("corpus queries={} bytes={bytes}", corpus.len()),
        |b| {
            b.iter(|| {
                for q in &corpus {
                    let _ = black_box(hunt_syntax::parse(black_box(q)));
                }
            })
        },
    );
    group.finish();
}

criterion_group!(benches, parse_benches);
criterion_main!(benches);
