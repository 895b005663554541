//! Fuzz target for the Parquet scan: `cargo fuzz run parquet`.
//!
//! The input is a list of byte edits applied to a real Parquet file written at start-up
//! (several row groups, dictionary and plain string pages, a page index, statistics) or
//! to the checksummed file of the hunt tests: each 3 input bytes are (position low,
//! position high, value), positions taken modulo the file's length, the first input
//! byte choosing the file. The damaged file is written to a temporary folder and queried
//! through the engine: reading must never panic or abort; rows or an error are both fine.
#![no_main]

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use libfuzzer_sys::fuzz_target;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

const CHECKSUMMED: &[u8] = include_bytes!("../../crates/hunt/tests/data/checksummed.parquet");

const QUERIES: [&str; 4] = [
    "T | count",
    "T | where S has 'name-1' | summarize max(N), make_set(S, 5)",
    "T | where N between (20 .. 40) | take 3",
    "T | summarize count() by S | top 2 by count_",
];

/// A small file written with the options the scan has code paths for.
fn written() -> Vec<u8> {
    let n: Vec<i64> = (0..600).collect();
    let s: StringArray = n
        .iter()
        .map(|i| (i % 11 != 0).then(|| format!("name-{}", i % 40)))
        .collect();
    let batch = RecordBatch::try_from_iter(vec![
        ("N", Arc::new(Int64Array::from(n)) as ArrayRef),
        ("S", Arc::new(s) as ArrayRef),
    ]);
    let props = WriterProperties::builder()
        .set_max_row_group_size(200)
        .set_data_page_row_count_limit(50)
        .set_write_batch_size(50)
        .set_statistics_enabled(EnabledStatistics::Page)
        .build();
    let mut out = Vec::new();
    if let Ok(batch) = batch {
        if let Ok(mut w) = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)) {
            let _ = w.write(&batch);
            let _ = w.close();
        }
    }
    out
}

struct Setup {
    files: [Vec<u8>; 2],
    dir: PathBuf,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hunt-fuzz-parquet-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        Setup {
            files: [written(), CHECKSUMMED.to_vec()],
            dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    let Some((&pick, edits)) = data.split_first() else {
        return;
    };
    let mut file = s.files[usize::from(pick) % 2].clone();
    if file.is_empty() {
        return;
    }
    for e in edits.chunks_exact(3).take(32) {
        let at = usize::from(u16::from_le_bytes([e[0], e[1]])) % file.len();
        // Edits near the end hit the footer, the rest the pages: both matter.
        let at = if pick & 0x80 != 0 {
            file.len() - 1 - at % file.len().min(512)
        } else {
            at
        };
        file[at] = e[2];
    }
    if std::fs::write(s.dir.join("T.parquet"), &file).is_err() {
        return;
    }
    let Ok(engine) = hunt::Engine::open_dir(&s.dir) else {
        return;
    };
    for q in QUERIES {
        if let Err(e) = engine.query(q) {
            // A damaged file is the file's error, never a bug in hunt.
            let d = e.diagnostic();
            assert!(
                d.kind != hunt::DiagnosticKind::Internal,
                "{q}: {}",
                d.message
            );
        }
    }
});
