//! Helpers shared by the end-to-end test files.

use arrow::array::Array;
use hunt::QueryResult;
use hunt::format::cell_text;

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
