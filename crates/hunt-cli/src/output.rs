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

/// Writes `result` to `out` in `format`.
pub fn write_result(out: &mut impl Write, result: &QueryResult, format: Format) -> io::Result<()> {
    match format {
        Format::Table => write_table(out, result),
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

/// A grid with a header row of column names.
fn write_table(out: &mut impl Write, result: &QueryResult) -> io::Result<()> {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_header(result.schema.fields.iter().map(|f| f.name.as_str()));
    for row in text_rows(result) {
        table.add_row(row);
    }
    writeln!(out, "{table}")
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

/// `{"schema":[{"name":…,"type":…},…],"results":[{…},…]}`, written row by row.
fn write_json(out: &mut impl Write, result: &QueryResult) -> io::Result<()> {
    let schema: Vec<Value> = result
        .schema
        .fields
        .iter()
        .map(|f| serde_json::json!({"name": f.name, "type": f.ty.name()}))
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
        write_result(&mut out, &sample(), format).unwrap();
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
                r#"{"schema":[{"name":"Name","type":"string"},{"name":"N","type":"long"},"#,
                r#"{"name":"Ts","type":"datetime"},{"name":"R","type":"real"},"#,
                r#"{"name":"D","type":"dynamic"},{"name":"Span","type":"timespan"}],"#,
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
        write_result(&mut out, &empty, Format::Csv).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "Name,N,Ts,R,D,Span\n");
        let mut out = Vec::new();
        write_result(&mut out, &empty, Format::Ndjson).unwrap();
        assert!(out.is_empty());
        let mut out = Vec::new();
        write_result(&mut out, &empty, Format::Json).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .ends_with(",\"results\":[]}\n")
        );
    }
}
