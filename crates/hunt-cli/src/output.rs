//! Result writers: `table`, `csv`, `json` (the Microsoft Graph runHuntingQuery shape) and
//! `ndjson`. Cell values come from [`hunt::format`], so every format prints a value the same way.
//!
//! Writers return `io::Error`s (CSV and JSON errors are converted) so the caller can tell a
//! closed pipe from a real failure.

use std::io::{self, Write};

use comfy_table::{Table, presets};
use hunt::format::{cell_json, cell_text};
use hunt::{QueryResult, RecordBatch, Schema};
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
    let mut w = ResultWriter::new(out, &result.schema, format, max_rows)?;
    for b in &result.batches {
        w.write_batch(b)?;
    }
    w.finish().map(|_| ())
}

/// The most rows the table format counts for its notice: Kusto's default result
/// truncation limit (500,000 records, `truncationmaxrecords`). Past it the table stops
/// the query and says there were more, so a result of billions of rows (an exploding
/// join) ends at once instead of being counted to its end.
pub const TABLE_MAX_COUNTED: usize = 500_000;

/// A result written batch by batch as the query makes them: csv, json and ndjson rows go
/// out as they arrive; the table keeps only the rows it will show (its grid is sized to
/// them) and counts the rest for its notice. So printing a result of any size holds at
/// most `max_rows` rows of text.
pub struct ResultWriter<'a, W: Write> {
    schema: Schema,
    sink: Sink<'a, W>,
    rows: usize,
}

enum Sink<'a, W: Write> {
    Table {
        out: &'a mut W,
        shown: Vec<Vec<String>>,
        cap: usize,
    },
    Csv(csv::Writer<&'a mut W>),
    Json(&'a mut W),
    Ndjson(&'a mut W),
}

impl<'a, W: Write> ResultWriter<'a, W> {
    /// Starts writing a result of `schema` (csv's header row, json's schema go out now).
    pub fn new(
        out: &'a mut W,
        schema: &Schema,
        format: Format,
        max_rows: Option<usize>,
    ) -> io::Result<Self> {
        let sink = match format {
            Format::Table => Sink::Table {
                out,
                shown: Vec::new(),
                cap: max_rows.unwrap_or(usize::MAX),
            },
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(schema.fields.iter().map(|f| f.name.as_str()))
                    .map_err(csv_to_io)?;
                Sink::Csv(w)
            }
            // `{"schema":[{"name":…,"type":…},…],"results":[{…},…]}`: the shape of Graph
            // `runHuntingQuery` (the same type names as `hunt serve` gives there).
            Format::Json => {
                let fields: Vec<Value> = schema
                    .fields
                    .iter()
                    .map(|f| serde_json::json!({"name": f.name, "type": hunt::format::dotnet_type(f.ty)}))
                    .collect();
                out.write_all(b"{\"schema\":")?;
                serde_json::to_writer(&mut *out, &fields)?;
                out.write_all(b",\"results\":[")?;
                Sink::Json(out)
            }
            Format::Ndjson => Sink::Ndjson(out),
        };
        Ok(ResultWriter {
            schema: schema.clone(),
            sink,
            rows: 0,
        })
    }

    /// Writes (or, for the table, keeps while it shows fewer than `max_rows`) a batch's rows.
    pub fn write_batch(&mut self, batch: &RecordBatch) -> io::Result<()> {
        let schema = &self.schema;
        let before = self.rows;
        self.rows += batch.num_rows();
        match &mut self.sink {
            Sink::Table { shown, cap, .. } => {
                let room = cap.saturating_sub(shown.len()).min(batch.num_rows());
                shown.extend((0..room).map(|r| {
                    text_row(schema, batch, r)
                        .iter()
                        .map(|c| truncate_cell(c))
                        .collect()
                }));
            }
            Sink::Csv(w) => {
                for r in 0..batch.num_rows() {
                    w.write_record(text_row(schema, batch, r))
                        .map_err(csv_to_io)?;
                }
            }
            Sink::Json(out) => {
                for r in 0..batch.num_rows() {
                    if before + r > 0 {
                        out.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut **out, &json_row(schema, batch, r))?;
                }
            }
            Sink::Ndjson(out) => {
                for r in 0..batch.num_rows() {
                    serde_json::to_writer(&mut **out, &json_row(schema, batch, r))?;
                    out.write_all(b"\n")?;
                }
            }
        }
        Ok(())
    }

    /// False once the table has counted [`TABLE_MAX_COUNTED`] rows past those it shows:
    /// the caller stops the query there. The other formats want every row.
    pub fn wants_more(&self) -> bool {
        match &self.sink {
            Sink::Table { cap, .. } => self.rows < cap.saturating_add(TABLE_MAX_COUNTED),
            _ => true,
        }
    }

    /// Ends the result (the table's grid and notice, json's closing brackets) and returns
    /// how many rows it had.
    pub fn finish(self) -> io::Result<usize> {
        let total = self.rows;
        match self.sink {
            Sink::Table { out, shown, cap } => {
                let mut table = Table::new();
                table
                    .load_preset(presets::UTF8_FULL_CONDENSED)
                    .set_header(self.schema.fields.iter().map(|f| f.name.as_str()));
                for row in shown {
                    table.add_row(row);
                }
                writeln!(out, "{table}")?;
                if total >= cap.saturating_add(TABLE_MAX_COUNTED) {
                    writeln!(
                        out,
                        "showing the first {cap} of at least {total} rows (--max-rows; --out FILE writes them all)"
                    )?;
                } else if total > cap {
                    writeln!(
                        out,
                        "showing the first {cap} of {total} rows (--max-rows; --out FILE writes them all)"
                    )?;
                }
            }
            Sink::Csv(mut w) => w.flush()?,
            Sink::Json(out) => out.write_all(b"]}\n")?,
            Sink::Ndjson(_) => {}
        }
        Ok(total)
    }
}

/// Row `r` of `batch` as text cells.
fn text_row(schema: &Schema, batch: &RecordBatch, r: usize) -> Vec<String> {
    schema
        .fields
        .iter()
        .zip(batch.columns())
        .map(|(field, col)| cell_text(col, r, field.ty))
        .collect()
}

/// Row `r` of `batch` as a JSON object with keys in column order.
fn json_row(schema: &Schema, batch: &RecordBatch, r: usize) -> Map<String, Value> {
    schema
        .fields
        .iter()
        .zip(batch.columns())
        .map(|(field, col)| (field.name.clone(), cell_json(col, r, field.ty)))
        .collect()
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

fn csv_to_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
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
