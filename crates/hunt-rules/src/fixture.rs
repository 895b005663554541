//! Fixture tables: read from CSV, a JSON array, NDJSON, Parquet or inline rows, typed by the
//! table's schema in hunt's catalog, and written as Parquet for the engine.
//!
//! Sentinel rules name the time column `TimeGenerated`, Defender's advanced hunting names it
//! `Timestamp`; the Defender tables streamed to Sentinel carry both with the same value. So when
//! a table's schema has one of the two and the rule or the fixture uses the other, the table
//! gets both columns, each row's value given under either name.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::RecordBatch;
use hunt::{Field, KqlType, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

use crate::error::RulesError;
use crate::spec::{Row, TableParts};
use crate::value::{Cell, build_array};

/// The pair of columns that are one column under two names (see the module header).
const TIME_COLUMNS: [&str; 2] = ["Timestamp", "TimeGenerated"];

/// The schema hunt's catalog gives `table`, if it knows the table. The one place `hunt test`
/// looks tables up, so a larger catalog is picked up here alone.
pub fn catalog_schema(table: &str) -> Option<Schema> {
    hunt_plan::catalog::builtin_schema(table)
}

/// The names of the tables in hunt's catalog.
pub fn catalog_tables() -> Vec<String> {
    use hunt_plan::Catalog;
    hunt_plan::catalog::MemoryCatalog::builtin().table_names()
}

/// Whether `query` names `word` as a whole identifier (a cheap stand-in for "the rule reads
/// this table": registering an unread empty table costs nothing).
pub fn mentions(query: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    query.match_indices(word).any(|(i, _)| {
        let before = query[..i].chars().next_back();
        let after = query[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// A fixture table, typed.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Table name.
    pub name: String,
    /// Its columns.
    pub schema: Schema,
    /// Its rows, one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Fixture {
    /// An empty table with the catalog schema of `name` (plus the time column under the
    /// rule's name for it); `None` when the catalog does not know `name`.
    pub fn empty(name: &str, query: &str) -> Option<Fixture> {
        let mut schema = catalog_schema(name)?;
        add_time_alias(&mut schema, |c| mentions(query, c));
        Some(Fixture {
            name: name.to_owned(),
            schema,
            rows: Vec::new(),
        })
    }

    /// Reads the fixture `parts` of table `name`; paths are relative to `dir`, `source`
    /// names the test file for errors.
    pub fn load(
        name: &str,
        parts: &TableParts,
        dir: &Path,
        source: &Path,
        query: &str,
    ) -> Result<Fixture, RulesError> {
        let mut fields: Vec<Field> = catalog_schema(name).map(|s| s.fields).unwrap_or_default();
        for (col, ty) in parts.schema.iter().flatten() {
            let ty = KqlType::from_name(ty).ok_or_else(|| {
                RulesError::invalid(
                    source,
                    format!("table {name}: column {col} has unknown type `{ty}`"),
                )
            })?;
            match fields.iter_mut().find(|f| f.name == *col) {
                Some(f) => f.ty = ty,
                None => fields.push(Field::new(col.clone(), ty)),
            }
        }
        if fields.is_empty() {
            return Err(RulesError::invalid(
                source,
                format!(
                    "table {name} is not in hunt's catalog: give its columns and types under \
                     `schema:` (for example `schema: {{Timestamp: datetime, Name: string}}`)"
                ),
            ));
        }
        let mut records: Vec<(PathBuf, Vec<(String, Source)>)> = Vec::new();
        if let Some(file) = &parts.file {
            let path = dir.join(file);
            for rec in read_file(&path)? {
                records.push((path.clone(), rec));
            }
        }
        for row in parts.rows.iter().flatten() {
            records.push((source.to_owned(), json_record(row)));
        }
        let mut schema = Schema::new(fields);
        let given = |c: &str| {
            mentions(query, c)
                || records
                    .iter()
                    .any(|(_, rec)| rec.iter().any(|(k, _)| k == c))
        };
        add_time_alias(&mut schema, given);
        let mut rows = Vec::with_capacity(records.len());
        for (path, rec) in records {
            rows.push(typed_row(&schema, rec, name, &path)?);
        }
        Ok(Fixture {
            name: name.to_owned(),
            schema,
            rows,
        })
    }

    /// Index of the table's time column (`Timestamp` or `TimeGenerated`), if it has one.
    pub fn time_column(&self) -> Option<usize> {
        TIME_COLUMNS.iter().find_map(|c| {
            self.schema
                .index_of(c)
                .filter(|&i| self.schema.fields[i].ty == KqlType::DateTime)
        })
    }

    /// The same table with only the rows whose time is in `[from, to]` (a table without a
    /// time column is kept whole).
    pub fn window(&self, from: i64, to: i64) -> Fixture {
        let Some(t) = self.time_column() else {
            return self.clone();
        };
        let rows = self
            .rows
            .iter()
            .filter(|r| matches!(r[t], Cell::DateTime(ns) if ns >= from && ns <= to))
            .cloned()
            .collect();
        Fixture {
            rows,
            ..self.clone()
        }
    }

    /// Writes the table to `dir/<name>.parquet` and returns the path.
    pub fn write_parquet(&self, dir: &Path) -> Result<PathBuf, RulesError> {
        let path = dir.join(format!("{}.parquet", self.name));
        let write_err = |e: &dyn std::fmt::Display| RulesError::Write {
            path: path.clone(),
            message: e.to_string(),
        };
        let columns = (0..self.schema.fields.len())
            .map(|i| {
                let cells: Vec<&Cell> = self.rows.iter().map(|r| &r[i]).collect();
                build_array(&cells, self.schema.fields[i].ty)
            })
            .collect();
        let batch =
            RecordBatch::try_new(self.schema.to_arrow(), columns).map_err(|e| write_err(&e))?;
        let file = File::create(&path).map_err(|e| write_err(&e))?;
        let mut writer =
            ArrowWriter::try_new(file, batch.schema(), None).map_err(|e| write_err(&e))?;
        writer.write(&batch).map_err(|e| write_err(&e))?;
        writer.close().map_err(|e| write_err(&e))?;
        Ok(path)
    }
}

/// Adds the other name of the time column when `wanted` says the rule or fixture uses it.
fn add_time_alias(schema: &mut Schema, wanted: impl Fn(&str) -> bool) {
    let [a, b] = TIME_COLUMNS;
    for (have, other) in [(a, b), (b, a)] {
        let has = |c| {
            schema
                .index_of(c)
                .is_some_and(|i| schema.fields[i].ty == KqlType::DateTime)
        };
        if has(have) && schema.index_of(other).is_none() && wanted(other) {
            schema.fields.push(Field::new(other, KqlType::DateTime));
        }
    }
}

/// A raw value before typing: CSV text, or a JSON value.
#[derive(Debug)]
enum Source {
    Text(String),
    Json(Value),
}

fn json_record(row: &Row) -> Vec<(String, Source)> {
    row.iter()
        .map(|(k, v)| (k.clone(), Source::Json(v.clone())))
        .collect()
}

fn typed_row(
    schema: &Schema,
    rec: Vec<(String, Source)>,
    table: &str,
    path: &Path,
) -> Result<Vec<Cell>, RulesError> {
    let mut row: Vec<Option<Cell>> = vec![None; schema.fields.len()];
    for (col, raw) in rec {
        let Some(i) = schema.index_of(&col) else {
            return Err(RulesError::invalid(
                path,
                format!(
                    "table {table} has no column `{col}` (add it under `schema:` if the \
                     table has it)"
                ),
            ));
        };
        let ty = schema.fields[i].ty;
        let cell = match &raw {
            Source::Text(t) => Cell::from_text(t, ty),
            Source::Json(v) => Cell::from_json(v, ty),
        }
        .map_err(|m| RulesError::invalid(path, format!("table {table}, column {col}: {m}")))?;
        row[i] = Some(cell);
    }
    // One time column under two names: a row giving either fills both.
    let [a, b] = TIME_COLUMNS;
    if let (Some(i), Some(j)) = (schema.index_of(a), schema.index_of(b)) {
        match (&row[i], &row[j]) {
            (Some(v), None) => row[j] = Some(v.clone()),
            (None, Some(v)) => row[i] = Some(v.clone()),
            _ => {}
        }
    }
    Ok(row
        .into_iter()
        .zip(&schema.fields)
        .map(|(c, f)| {
            c.unwrap_or_else(|| match f.ty {
                KqlType::String => Cell::Str(String::new()),
                _ => Cell::Null,
            })
        })
        .collect())
}

/// Reads a fixture file into records; the format follows the extension.
fn read_file(path: &Path) -> Result<Vec<Vec<(String, Source)>>, RulesError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bad = |m: String| RulesError::invalid(path, m);
    match ext.as_str() {
        "csv" => {
            let mut reader = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
            let header = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
            let mut out = Vec::new();
            for rec in reader.records() {
                let rec = rec.map_err(|e| bad(e.to_string()))?;
                out.push(
                    header
                        .iter()
                        .zip(rec.iter())
                        .map(|(h, v)| (h.to_owned(), Source::Text(v.to_owned())))
                        .collect(),
                );
            }
            Ok(out)
        }
        "json" => {
            let text = std::fs::read_to_string(path).map_err(RulesError::io(path))?;
            let rows: Vec<Row> = serde_json::from_str(&text).map_err(|e| RulesError::Invalid {
                path: path.to_owned(),
                line: Some(e.line()),
                message: format!("expected a JSON array of objects: {e}"),
            })?;
            Ok(rows.iter().map(json_record).collect())
        }
        "ndjson" | "jsonl" => {
            let text = std::fs::read_to_string(path).map_err(RulesError::io(path))?;
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let row: Row = serde_json::from_str(line).map_err(|e| RulesError::Invalid {
                    path: path.to_owned(),
                    line: Some(i + 1),
                    message: format!("expected one JSON object per line: {e}"),
                })?;
                out.push(json_record(&row));
            }
            Ok(out)
        }
        "parquet" => read_parquet(path),
        _ => Err(bad(format!(
            "unknown fixture format `.{ext}`: use .csv, .json, .ndjson/.jsonl or .parquet"
        ))),
    }
}

fn read_parquet(path: &Path) -> Result<Vec<Vec<(String, Source)>>, RulesError> {
    let bad = |e: &dyn std::fmt::Display| RulesError::invalid(path, e.to_string());
    let file = File::open(path).map_err(RulesError::io(path))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| bad(&e))?;
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| bad(&e))?;
        let schema = batch.schema();
        let types: Vec<KqlType> = schema
            .fields()
            .iter()
            .map(|f| KqlType::from_arrow(f.data_type()).unwrap_or(KqlType::String))
            .collect();
        for row in 0..batch.num_rows() {
            let rec = (0..batch.num_columns())
                .map(|c| {
                    let v = hunt::format::cell_json(batch.column(c), row, types[c]);
                    // A text column may hold JSON for a dynamic column: keep it text, and let
                    // the column's type read it.
                    let raw = match v {
                        Value::String(s) => Source::Text(s),
                        other => Source::Json(other),
                    };
                    (schema.field(c).name().clone(), raw)
                })
                .collect();
            out.push(rec);
        }
    }
    Ok(out)
}

/// Fixture tables by name.
pub type Fixtures = BTreeMap<String, Arc<Fixture>>;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn mentions_whole_words() {
        assert!(mentions("AlertInfo | take 1", "AlertInfo"));
        assert!(mentions("x\n| join (AlertInfo) on A", "AlertInfo"));
        assert!(!mentions("AlertInfoX | take 1", "AlertInfo"));
        assert!(!mentions("MyAlertInfo", "AlertInfo"));
    }

    #[test]
    fn time_alias_fills_both_names() {
        let parts = TableParts {
            rows: Some(vec![
                serde_json::from_str(r#"{"TimeGenerated": "2025-06-01T10:00:00Z"}"#).unwrap(),
            ]),
            ..TableParts::default()
        };
        let f = Fixture::load(
            "AlertInfo",
            &parts,
            Path::new("."),
            Path::new("t.test.yaml"),
            "AlertInfo",
        )
        .unwrap();
        let ts = f.schema.index_of("Timestamp").unwrap();
        let tg = f.schema.index_of("TimeGenerated").unwrap();
        assert_eq!(f.rows[0][ts], f.rows[0][tg]);
        assert!(matches!(f.rows[0][ts], Cell::DateTime(_)));
    }

    #[test]
    fn unknown_column_is_an_error() {
        let parts = TableParts {
            rows: Some(vec![serde_json::from_str(r#"{"Nope": 1}"#).unwrap()]),
            ..TableParts::default()
        };
        let e = Fixture::load("AlertInfo", &parts, Path::new("."), Path::new("t"), "")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no column `Nope`"), "{e}");
    }
}
