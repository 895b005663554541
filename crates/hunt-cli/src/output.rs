//! Result writers: `table`, `csv`, `json` (the Microsoft Graph runHuntingQuery shape) and
//! `ndjson`. Cell values come from [`hunt::format`], so every format prints a value the same way.
//!
//! Writers return `io::Error`s (CSV and JSON errors are converted) so the caller can tell a
//! closed pipe from a real failure.

use std::io::{self, Write};

use comfy_table::{Table, presets};
use hunt::QueryResult;
use hunt::format::{cell_json, cell_text};
use serde_json::{Map, Value};

use crate::args::Format;

/// Cells of the `table` format longer than this many characters are cut, ending in `…`.
pub const MAX_CELL_CHARS: usize = 120;

/// Writes `result` to `out` in `format`. `max_rows` caps the rows of the `table` format
/// (a notice under the grid says how many were left out); other formats write every row.
pub fn write_result(
    out: &mut impl Write,
    result: &QueryResult,
    format: Format,
    max_rows: Option<usize>,
) -> io::Result<()> {
    match format {
        Format::Table => write_table(out, result, max_rows),
        Format::Csv => write_csv(out, result),
        Format::Json => write_json(out, result),
        Format::Ndjson => write_ndjson(out, result),
    }
}

/// Every row as text cells, in order.
fn text_rows(result: &QueryResult) -> impl Iterator<Item = Vec<String>> + '_ {
    result.batches.iter().flat_map(move |batch| {
        (0..batch.num_rows()).map(move |row| {
            result
                .schema
                .fields
                .iter()
                .zip(batch.columns())
                .map(|(field, col)| cell_text(col, row, field.ty))
                .collect()
        })
    })
}

/// Every row as a JSON object with keys in column order.
fn json_rows(result: &QueryResult) -> impl Iterator<Item = Map<String, Value>> + '_ {
    result.batches.iter().flat_map(move |batch| {
        (0..batch.num_rows()).map(move |row| {
            result
                .schema
                .fields
                .iter()
                .zip(batch.columns())
                .map(|(field, col)| (field.name.clone(), cell_json(col, row, field.ty)))
                .collect()
        })
    })
}

/// A grid with a header row of column names, like the portal's: long cells cut, at most
/// `max_rows` rows with a notice when there are more.
fn write_table(
    out: &mut impl Write,
    result: &QueryResult,
    max_rows: Option<usize>,
) -> io::Result<()> {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_header(result.schema.fields.iter().map(|f| f.name.as_str()));
    let cap = max_rows.unwrap_or(usize::MAX);
    for row in text_rows(result).take(cap) {
        table.add_row(row.into_iter().map(|c| truncate_cell(&c)));
    }
    writeln!(out, "{table}")?;
    let total = result.num_rows();
    if total > cap {
        writeln!(
            out,
            "showing the first {cap} of {total} rows (--max-rows; --out FILE writes them all)"
        )?;
    }
    Ok(())
}

/// `cell` cut to [`MAX_CELL_CHARS`] characters, ending in `…` when cut.
fn truncate_cell(cell: &str) -> String {
    match cell.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => {
            let keep = cell[..i]
                .char_indices()
                .nth(MAX_CELL_CHARS - 1)
                .map_or(i, |(j, _)| j);
            format!("{}…", &cell[..keep])
        }
        None => cell.to_owned(),
    }
}

/// CSV: a header row of column names, then one record per row.
fn write_csv(out: &mut impl Write, result: &QueryResult) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(result.schema.fields.iter().map(|f| f.name.as_str()))
        .map_err(csv_to_io)?;
    for row in text_rows(result) {
        w.write_record(&row).map_err(csv_to_io)?;
    }
    w.flush()
}

fn csv_to_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// `{"schema":[{"name":…,"type":…},…],"results":[{…},…]}`, written row by row: the
/// shape of Graph `runHuntingQuery` (the same type names as `hunt serve` gives there).
fn write_json(out: &mut impl Write, result: &QueryResult) -> io::Result<()> {
    let schema: Vec<Value> = result
        .schema
        .fields
        .iter()
        .map(|f| serde_json::json!({"name": f.name, "type": hunt::format::dotnet_type(f.ty)}))
        .collect();
    out.write_all(b"{\"schema\":")?;
    serde_json::to_writer(&mut *out, &schema)?;
    out.write_all(b",\"results\":[")?;
    for (i, row) in json_rows(result).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &row)?;
    }
    out.write_all(b"]}\n")
}

/// One JSON object per line, the same objects as `json`'s results.
fn write_ndjson(out: &mut impl Write, result: &QueryResult) -> io::Result<()> {
    for row in json_rows(result) {
        serde_json::to_writer(&mut *out, &row)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{
        ArrayRef, DurationNanosecondArray, Float64Array, Int64Array, StringArray,
        TimestampNanosecondArray,
    };
    use hunt::{Field, KqlType, RecordBatch, Schema};
    use std::sync::Arc;

    const T0: i64 = 1_748_772_000_000_000_000; // 2025-06-01T10:00:00Z

    fn sample() -> QueryResult {
        let schema = Schema::new(vec![
            Field::new("Name", KqlType::String),
            Field::new("N", KqlType::Long),
            Field::new("Ts", KqlType::DateTime),
            Field::new("R", KqlType::Real),
            Field::new("D", KqlType::Dynamic),
            Field::new("Span", KqlType::TimeSpan),
        ]);
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["alice", "bob, jr"])),
            Arc::new(Int64Array::from(vec![Some(2), None])),
            Arc::new(TimestampNanosecondArray::from(vec![T0, T0 + 1_500_000_000])),
            Arc::new(Float64Array::from(vec![2.5, f64::NAN])),
            Arc::new(StringArray::from(vec![Some(r#"{"a":[1,2]}"#), None])),
            Arc::new(DurationNanosecondArray::from(vec![
                90_000_000_000,
                -1_800_000_000_000,
            ])),
        ];
        let batch = RecordBatch::try_new(schema.to_arrow(), cols).unwrap();
        // Split into two batches to check rows are concatenated in order.
        QueryResult {
            schema,
            batches: vec![batch.slice(0, 1), batch.slice(1, 1)],
            notices: vec![],
        }
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        write_result(&mut out, &sample(), format, None).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_output() {
        assert_eq!(
            render(Format::Csv),
            "\
Name,N,Ts,R,D,Span
alice,2,2025-06-01T10:00:00.0000000Z,2.5,\"{\"\"a\"\":[1,2]}\",00:01:30
\"bob, jr\",,2025-06-01T10:00:01.5000000Z,NaN,,-00:30:00
"
        );
    }

    #[test]
    fn json_output() {
        assert_eq!(
            render(Format::Json),
            concat!(
                r#"{"schema":[{"name":"Name","type":"String"},{"name":"N","type":"Int64"},"#,
                r#"{"name":"Ts","type":"DateTime"},{"name":"R","type":"Double"},"#,
                r#"{"name":"D","type":"Object"},{"name":"Span","type":"TimeSpan"}],"#,
                r#""results":[{"Name":"alice","N":2,"Ts":"2025-06-01T10:00:00.0000000Z","R":2.5,"D":{"a":[1,2]},"Span":"00:01:30"},"#,
                r#"{"Name":"bob, jr","N":null,"Ts":"2025-06-01T10:00:01.5000000Z","R":"NaN","D":null,"Span":"-00:30:00"}]}"#,
                "\n"
            )
        );
    }

    #[test]
    fn ndjson_output() {
        assert_eq!(
            render(Format::Ndjson),
            concat!(
                r#"{"Name":"alice","N":2,"Ts":"2025-06-01T10:00:00.0000000Z","R":2.5,"D":{"a":[1,2]},"Span":"00:01:30"}"#,
                "\n",
                r#"{"Name":"bob, jr","N":null,"Ts":"2025-06-01T10:00:01.5000000Z","R":"NaN","D":null,"Span":"-00:30:00"}"#,
                "\n"
            )
        );
    }

    #[test]
    fn table_output() {
        assert_eq!(
            render(Format::Table),
            "\
┌─────────┬───┬──────────────────────────────┬─────┬─────────────┬───────────┐
│ Name    ┆ N ┆ Ts                           ┆ R   ┆ D           ┆ Span      │
╞═════════╪═══╪══════════════════════════════╪═════╪═════════════╪═══════════╡
│ alice   ┆ 2 ┆ 2025-06-01T10:00:00.0000000Z ┆ 2.5 ┆ {\"a\":[1,2]} ┆ 00:01:30  │
│ bob, jr ┆   ┆ 2025-06-01T10:00:01.5000000Z ┆ NaN ┆             ┆ -00:30:00 │
└─────────┴───┴──────────────────────────────┴─────┴─────────────┴───────────┘
"
        );
    }

    #[test]
    fn empty_result_prints_headers_only() {
        let r = sample();
        let empty = QueryResult {
            schema: r.schema.clone(),
            batches: vec![],
            notices: vec![],
        };
        let mut out = Vec::new();
        write_result(&mut out, &empty, Format::Csv, None).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "Name,N,Ts,R,D,Span\n");
        let mut out = Vec::new();
        write_result(&mut out, &empty, Format::Ndjson, None).unwrap();
        assert!(out.is_empty());
        let mut out = Vec::new();
        write_result(&mut out, &empty, Format::Json, None).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .ends_with(",\"results\":[]}\n")
        );
    }

    #[test]
    fn table_caps_rows_and_cuts_long_cells() {
        let mut out = Vec::new();
        write_result(&mut out, &sample(), Format::Table, Some(1)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("alice") && !text.contains("bob"), "{text}");
        assert!(
            text.ends_with(
                "showing the first 1 of 2 rows (--max-rows; --out FILE writes them all)\n"
            )
        );
        let long = "x".repeat(200);
        let cut = truncate_cell(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate_cell("short"), "short");
    }
}
