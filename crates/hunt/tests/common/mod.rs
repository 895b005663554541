//! Helpers shared by the end-to-end test files. Each test binary uses some of them.
#![allow(dead_code)]

use arrow::array::Array;
use hunt::format::cell_text;
use hunt::{Engine, QueryResult};

/// A result as text: the header (`name:type` joined by `|`), then one line per row with
/// cells joined by `|`. Null cells are written `null_text` (`None`: as `cell_text` prints
/// them, an empty cell).
pub fn render(r: &QueryResult, null_text: Option<&str>) -> String {
    let mut lines = vec![
        r.schema
            .fields
            .iter()
            .map(|f| format!("{}:{}", f.name, f.ty))
            .collect::<Vec<_>>()
            .join("|"),
    ];
    for b in &r.batches {
        for row in 0..b.num_rows() {
            let cells: Vec<String> = r
                .schema
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| match null_text {
                    Some(n) if b.column(i).is_null(row) => n.to_string(),
                    _ => cell_text(b.column(i), row, f.ty),
                })
                .collect();
            lines.push(cells.join("|"));
        }
    }
    lines.join("\n")
}

/// An engine whose `now()` is 2025-06-01T00:00:00Z.
pub fn engine() -> Engine {
    let mut e = Engine::new();
    e.set_now(1_748_736_000_000_000_000);
    e
}

/// Runs `q`: the header (`name:type`, joined by `|`) then one line per row; null cells are
/// written `null` so they differ from empty strings.
pub fn run(q: &str) -> String {
    let r = engine()
        .query(q)
        .unwrap_or_else(|e| panic!("{q}\n{:?}", e.diagnostic()));
    render(&r, Some("null"))
}

/// `q` gives `expected` (lines trimmed), header included.
#[track_caller]
pub fn check(q: &str, expected: &str) {
    let want: Vec<&str> = expected.trim().lines().map(str::trim).collect();
    assert_eq!(run(q), want.join("\n"), "query: {q}");
}

/// The query is refused or rejected (plan or run time), as hunt must do where it cannot
/// give Kusto's answer or Kusto itself rejects the query.
#[track_caller]
pub fn fails(q: &str) {
    if let Ok(r) = engine().query(q) {
        panic!("{q} should fail, gave {} rows", r.num_rows());
    }
}
