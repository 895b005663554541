//! The record sink of an import: fixes each table's schema, types every record, buffers
//! rows per (table, day) within a memory budget, and hands sorted parts to the store.
//!
//! A table's schema is its known (catalog) schema, then the columns an API response
//! declares, then columns guessed from the first [`SAMPLE_ROWS`] records; once fixed it does
//! not change, so every part file of a table has the same columns. Rows are kept row-major
//! until their part is flushed, then sorted by the time column and written column by column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hunt_plan::types::{Field, KqlType, Schema};
use serde_json::{Map, Value};

use crate::error::{BadRecord, ImportError, Location};
use crate::readers::Sink;
use crate::store::Store;
use crate::value::{Cell, convert, guess, unify_guess};

/// Records looked at before a table's schema is fixed.
pub const SAMPLE_ROWS: usize = 1000;

const NANOS_PER_DAY: i64 = 86_400 * 1_000_000_000;

/// The schema hunt knows for `table` (the catalog's), if any. The one place the importer
/// asks the catalog.
pub fn known_schema(table: &str) -> Option<Schema> {
    hunt_plan::catalog::builtin_schema(table)
}

/// The schema of the table's files already in the data directory `data`, if any: later
/// imports into a table keep its columns and types. Types come from the field metadata
/// `kql.type` hunt-import writes, else from the Arrow type.
pub fn existing_schema(data: &Path, table: &str) -> Result<Option<Schema>, ImportError> {
    fn first_parquet(dir: &Path) -> Option<PathBuf> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.') && !n.starts_with('_'))
            })
            .collect();
        entries.sort();
        entries.iter().find_map(|p| {
            if p.is_dir() {
                first_parquet(p)
            } else {
                p.extension()
                    .is_some_and(|x| x == "parquet")
                    .then(|| p.clone())
            }
        })
    }
    let single = data.join(format!("{table}.parquet"));
    let Some(file) =
        first_parquet(&data.join(table)).or_else(|| single.is_file().then_some(single))
    else {
        return Ok(None);
    };
    let f = std::fs::File::open(&file).map_err(|e| ImportError::io(&file, e))?;
    let meta = parquet::arrow::arrow_reader::ArrowReaderMetadata::load(&f, Default::default())
        .map_err(|source| ImportError::Parquet {
            path: file.clone(),
            source,
        })?;
    let mut fields = Vec::new();
    for af in meta.schema().fields() {
        let ty = af
            .metadata()
            .get(KQL_TYPE_KEY)
            .and_then(|t| KqlType::from_name(t))
            .or_else(|| KqlType::from_arrow(af.data_type()))
            .ok_or_else(|| ImportError::Input {
                path: file.clone(),
                message: format!(
                    "column `{}` of the existing table has type {}, which hunt cannot read",
                    af.name(),
                    af.data_type()
                ),
            })?;
        fields.push(Field::new(af.name(), ty));
    }
    Ok(Some(Schema::new(fields)))
}

/// The Arrow field metadata key holding a column's KQL type.
pub const KQL_TYPE_KEY: &str = "kql.type";

/// The column rows are sorted and partitioned by: `Timestamp`, else Sentinel's
/// `TimeGenerated`, when it is a datetime.
fn time_column(schema: &Schema) -> Option<usize> {
    ["Timestamp", "TimeGenerated"].iter().find_map(|name| {
        let i = schema.index_of(name)?;
        (schema.fields[i].ty == KqlType::DateTime).then_some(i)
    })
}

/// Limits of the sink.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bad records allowed before the import stops.
    pub max_errors: usize,
    /// Bytes of buffered rows before the largest part is written out.
    pub memory_budget: usize,
    /// Rows of one part file at most.
    pub rows_per_file: usize,
}

/// Rows of one (table, day) waiting to be written.
#[derive(Debug, Default)]
struct Part {
    rows: Vec<Box<[Cell]>>,
    bytes: usize,
}

/// What the sink knows of one table.
#[derive(Debug, Default)]
struct Table {
    /// Types declared by API responses, first declaration first.
    declared: Vec<(String, KqlType)>,
    schema: Option<Schema>,
    time: Option<usize>,
    /// Records held until the schema is fixed.
    sample: Vec<(Map<String, Value>, bool, Location)>,
    /// Buffered rows by day (`None`: no time column, or a null time).
    parts: BTreeMap<Option<i64>, Part>,
    rows: u64,
    files: usize,
    /// Fields not in the schema, with how many records had them.
    ignored: BTreeMap<String, u64>,
}

/// Per-table outcome of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    /// Table name.
    pub name: String,
    /// Rows imported.
    pub rows: u64,
    /// Parquet files written.
    pub files: usize,
    /// Fields of the input that are not columns of the table, with the number of records
    /// that had each (their values are not imported).
    pub ignored_fields: Vec<(String, u64)>,
}

/// The sink: tables, the memory budget, and the bad records so far.
pub struct Tables<'s> {
    limits: Limits,
    /// The data directory (for the schemas of tables it holds already).
    data: PathBuf,
    tables: BTreeMap<String, Table>,
    buffered: usize,
    store: &'s mut Store,
    /// Bad records, in order.
    pub bad: Vec<BadRecord>,
    /// Records handed to the sink so far.
    pub seen: u64,
}

impl<'s> Tables<'s> {
    /// An empty sink writing parts through `store`.
    pub fn new(limits: Limits, data: &Path, store: &'s mut Store) -> Tables<'s> {
        Tables {
            limits,
            data: data.to_path_buf(),
            tables: BTreeMap::new(),
            buffered: 0,
            store,
            bad: Vec::new(),
            seen: 0,
        }
    }

    /// Writes out everything still buffered and reports per table.
    pub fn finish(mut self) -> Result<Vec<TableReport>, ImportError> {
        let names: Vec<String> = self.tables.keys().cloned().collect();
        for name in &names {
            self.fix_schema(name)?;
            let days: Vec<Option<i64>> = self.tables[name].parts.keys().copied().collect();
            for day in days {
                self.flush(name, day)?;
            }
        }
        Ok(self
            .tables
            .into_iter()
            .map(|(name, t)| TableReport {
                name,
                rows: t.rows,
                files: t.files,
                ignored_fields: t.ignored.into_iter().collect(),
            })
            .collect())
    }

    /// Fixes `name`'s schema from its known schema, declarations and sample, then types the
    /// sampled records.
    fn fix_schema(&mut self, name: &str) -> Result<(), ImportError> {
        let Some(t) = self.tables.get_mut(name) else {
            return Ok(());
        };
        if t.schema.is_some() {
            return Ok(());
        }
        let existing = existing_schema(&self.data, name)?;
        let Some(t) = self.tables.get_mut(name) else {
            return Ok(());
        };
        let mut fields: Vec<Field> = match &existing {
            Some(s) => s.fields.clone(),
            None => known_schema(name).map(|s| s.fields).unwrap_or_default(),
        };
        let from_files = existing.is_some();
        for (col, ty) in t.declared.iter().filter(|_| !from_files) {
            if !fields.iter().any(|f| f.name == *col) {
                fields.push(Field::new(col.clone(), *ty));
            }
        }
        let fixed = fields.len();
        let mut guessed: Vec<(String, Option<KqlType>)> = Vec::new();
        for (record, _, _) in t.sample.iter().filter(|_| !from_files) {
            for (key, v) in record {
                if fields[..fixed].iter().any(|f| f.name == *key) {
                    continue;
                }
                let g = guess(v);
                match guessed.iter_mut().find(|(k, _)| k == key) {
                    Some((_, have)) => {
                        *have = match (*have, g) {
                            (Some(a), Some(b)) => Some(unify_guess(a, b)),
                            (a, b) => a.or(b),
                        }
                    }
                    None => guessed.push((key.clone(), g)),
                }
            }
        }
        fields.extend(
            guessed
                .into_iter()
                .map(|(k, ty)| Field::new(k, ty.unwrap_or(KqlType::String))),
        );
        let schema = Schema::new(fields);
        t.time = time_column(&schema);
        t.schema = Some(schema);
        let sample = std::mem::take(&mut t.sample);
        for (record, text, at) in sample {
            self.add(name, record, text, at)?;
        }
        Ok(())
    }

    /// Types one record of a table whose schema is fixed and buffers it.
    fn add(
        &mut self,
        name: &str,
        mut record: Map<String, Value>,
        text: bool,
        at: Location,
    ) -> Result<(), ImportError> {
        let t = self
            .tables
            .get_mut(name)
            .ok_or_else(|| ImportError::Internal(format!("table {name} vanished")))?;
        let schema = t
            .schema
            .as_ref()
            .ok_or_else(|| ImportError::Internal(format!("table {name} has no schema")))?;
        let mut row = Vec::with_capacity(schema.fields.len());
        let mut failed = None;
        for f in &schema.fields {
            let cell = match record.remove(&f.name) {
                None => Cell::Null,
                Some(v) => match convert(&v, f.ty, text) {
                    Ok(c) => c,
                    Err(message) => {
                        failed = Some(format!("{name}.{}: {message}", f.name));
                        break;
                    }
                },
            };
            row.push(cell);
        }
        if let Some(message) = failed {
            return self.bad(BadRecord { at, message });
        }
        for key in record.keys() {
            *t.ignored.entry(key.clone()).or_default() += 1;
        }
        let day = match t.time.map(|i| &row[i]) {
            Some(Cell::Int(ns)) => Some(ns.div_euclid(NANOS_PER_DAY)),
            _ => None,
        };
        let bytes: usize = row.iter().map(Cell::size).sum();
        let part = t.parts.entry(day).or_default();
        part.rows.push(row.into_boxed_slice());
        part.bytes += bytes;
        let full = part.rows.len() >= self.limits.rows_per_file;
        self.buffered += bytes;
        if full {
            self.flush(name, day)?;
        }
        while self.buffered > self.limits.memory_budget {
            let Some((table, day)) = self.largest_part() else {
                break;
            };
            self.flush(&table, day)?;
        }
        Ok(())
    }

    fn largest_part(&self) -> Option<(String, Option<i64>)> {
        self.tables
            .iter()
            .flat_map(|(n, t)| t.parts.iter().map(move |(d, p)| (p.bytes, n, *d)))
            .max_by_key(|(bytes, _, _)| *bytes)
            .map(|(_, n, d)| (n.clone(), d))
    }

    /// Sorts one part by time and writes it as a staged Parquet file.
    fn flush(&mut self, name: &str, day: Option<i64>) -> Result<(), ImportError> {
        let Some(t) = self.tables.get_mut(name) else {
            return Ok(());
        };
        let Some(mut part) = t.parts.remove(&day) else {
            return Ok(());
        };
        self.buffered -= part.bytes;
        let Some(schema) = &t.schema else {
            return Err(ImportError::Internal(format!("table {name} has no schema")));
        };
        if let Some(i) = t.time {
            // Stable, nulls first: rows of one instant keep their input order.
            part.rows.sort_by_key(|r| match r[i] {
                Cell::Int(ns) => Some(ns),
                _ => None,
            });
        }
        let dir: PathBuf = match (t.time, day) {
            (None, _) => PathBuf::from(name),
            (Some(_), Some(d)) => PathBuf::from(name).join(format!("date={}", day_name(d))),
            (Some(_), None) => PathBuf::from(name).join("date=unknown"),
        };
        t.rows += part.rows.len() as u64;
        t.files += 1;
        self.store.write_part(&dir, schema, &part.rows)
    }

    fn bad(&mut self, bad: BadRecord) -> Result<(), ImportError> {
        self.bad.push(bad.clone());
        if self.bad.len() > self.limits.max_errors {
            return Err(ImportError::TooManyBadRecords {
                max_errors: self.limits.max_errors,
                bad: std::mem::take(&mut self.bad),
                last: bad,
            });
        }
        Ok(())
    }
}

/// `YYYY-MM-DD` of a day number since the Unix epoch.
fn day_name(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| format!("day{day}"))
}

impl Sink for Tables<'_> {
    fn record(
        &mut self,
        table: &str,
        fields: Map<String, Value>,
        text: bool,
        at: Location,
    ) -> Result<(), ImportError> {
        self.seen += 1;
        let t = self.tables.entry(table.to_owned()).or_default();
        if t.schema.is_some() {
            return self.add(table, fields, text, at);
        }
        t.sample.push((fields, text, at));
        if t.sample.len() >= SAMPLE_ROWS {
            self.fix_schema(table)?;
        }
        Ok(())
    }

    fn declare(&mut self, table: &str, columns: Vec<(String, KqlType)>) {
        let t = self.tables.entry(table.to_owned()).or_default();
        for (name, ty) in columns {
            if !t.declared.iter().any(|(n, _)| *n == name) {
                t.declared.push((name, ty));
            }
        }
    }

    fn bad(&mut self, bad: BadRecord) -> Result<(), ImportError> {
        Tables::bad(self, bad)
    }
}
