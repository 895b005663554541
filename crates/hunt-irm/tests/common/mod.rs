//! Shared by the integration tests: a small `hunt gen` dataset in a temporary directory,
//! and the engine's `now()` fixed at the demo instant (just after the data's last row).

#![allow(dead_code, clippy::unwrap_used)]

use hunt::KqlType;
use std::path::Path;

/// Writes a dataset with the planted scenarios into `dir`.
pub fn generate(dir: &Path) {
    let opts = hunt_gen::GenOptions {
        events: 3000,
        ..Default::default()
    };
    hunt_gen::write_dataset(&opts, dir).unwrap();
}

/// `hunt_gen::DEMO_NOW` in nanoseconds.
pub fn demo_now() -> i64 {
    chrono::DateTime::parse_from_rfc3339(hunt_gen::DEMO_NOW)
        .unwrap()
        .timestamp_nanos_opt()
        .unwrap()
}

/// Every cell of a result as text, rows in order.
pub fn rows(r: &hunt::QueryResult) -> Vec<Vec<String>> {
    let types: Vec<KqlType> = r.schema.fields.iter().map(|f| f.ty).collect();
    let mut out = Vec::new();
    for b in &r.batches {
        for i in 0..b.num_rows() {
            out.push(
                types
                    .iter()
                    .enumerate()
                    .map(|(c, t)| hunt::format::cell_text(b.column(c), i, *t))
                    .collect(),
            );
        }
    }
    out
}

/// The index of column `name`.
pub fn col(r: &hunt::QueryResult, name: &str) -> usize {
    r.schema
        .fields
        .iter()
        .position(|f| f.name == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}
