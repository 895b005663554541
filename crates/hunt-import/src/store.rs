//! Where imported rows land, and how an import commits or leaves no trace.
//!
//! An import run is a *batch*. Its Parquet parts are written under
//! `DIR/.hunt-import/staging/<batch>/<Table>/date=…/` (each under a temporary name, then
//! renamed), invisible to queries because hunt skips hidden folders. The commit point is
//! the rewrite (temporary file + rename) of the ledger `DIR/.hunt-import/ledger.jsonl`,
//! which records the batch and the SHA-256 of every input it imported; after it, the parts
//! are moved into `DIR/<Table>/…`. [`Store::recover`], run before every import, finishes
//! the moves of a batch the ledger knows and deletes the staging of any batch it does not,
//! so an import killed at any point and run again yields each input's rows exactly once.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, DurationNanosecondArray, Float64Array, Int32Array, Int64Array,
    StringArray, TimestampNanosecondArray,
};
use arrow::datatypes::{DataType, Field as ArrowField, Schema as ArrowSchema, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use hunt_plan::types::{KqlType, Schema};

use crate::error::ImportError;
use crate::value::Cell;

/// The importer's folder inside the data directory (hidden from queries).
pub const STATE_DIR: &str = ".hunt-import";
const LEDGER: &str = "ledger.jsonl";
const STAGING: &str = "staging";

/// One imported input, as the ledger records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LedgerEntry {
    /// SHA-256 of the input file's bytes, hex.
    pub sha256: String,
    /// The path it was imported from.
    pub file: String,
    /// The batch (import run) that imported it.
    pub batch: String,
    /// Records read from it.
    pub records: u64,
    /// When, ISO-8601 UTC.
    pub imported_at: String,
}

/// The data directory as the importer sees it.
#[derive(Debug)]
pub struct Store {
    data: PathBuf,
    batch: String,
    next_part: usize,
    /// Rows per Parquet row group.
    row_group_rows: usize,
}

impl Store {
    /// The store of `data` for batch `batch` (created if missing).
    pub fn open(data: &Path, batch: &str, row_group_rows: usize) -> Result<Store, ImportError> {
        std::fs::create_dir_all(data.join(STATE_DIR))
            .map_err(|e| ImportError::io(data.join(STATE_DIR), e))?;
        Ok(Store {
            data: data.to_path_buf(),
            batch: batch.to_owned(),
            next_part: 0,
            row_group_rows: row_group_rows.max(1),
        })
    }

    fn ledger_path(data: &Path) -> PathBuf {
        data.join(STATE_DIR).join(LEDGER)
    }

    fn staging(data: &Path) -> PathBuf {
        data.join(STATE_DIR).join(STAGING)
    }

    /// The ledger's entries (none when there is no ledger yet).
    pub fn ledger(data: &Path) -> Result<Vec<LedgerEntry>, ImportError> {
        let path = Store::ledger_path(data);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(ImportError::io(&path, e)),
        };
        let mut out = Vec::new();
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| ImportError::io(&path, e))?;
            if line.trim().is_empty() {
                continue;
            }
            out.push(
                serde_json::from_str(&line).map_err(|e| ImportError::Ledger {
                    path: path.clone(),
                    message: format!("line {}: {e}", i + 1),
                })?,
            );
        }
        Ok(out)
    }

    /// Finishes or undoes what an interrupted import left: a staged batch the ledger
    /// knows is moved into place, any other staged batch is deleted.
    pub fn recover(data: &Path) -> Result<(), ImportError> {
        let staging = Store::staging(data);
        if !staging.is_dir() {
            return Ok(());
        }
        let committed: HashSet<String> =
            Store::ledger(data)?.into_iter().map(|e| e.batch).collect();
        let entries = std::fs::read_dir(&staging).map_err(|e| ImportError::io(&staging, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| ImportError::io(&staging, e))?;
            let batch = entry.file_name().to_string_lossy().into_owned();
            let dir = entry.path();
            if committed.contains(&batch) {
                move_tree(&dir, &dir, data)?;
            }
            std::fs::remove_dir_all(&dir).map_err(|e| ImportError::io(&dir, e))?;
        }
        Ok(())
    }

    /// Writes `rows` (sorted already) as one staged part under `table_dir` (relative:
    /// `<Table>` or `<Table>/date=…`).
    pub fn write_part(
        &mut self,
        table_dir: &Path,
        schema: &Schema,
        rows: &[Box<[Cell]>],
    ) -> Result<(), ImportError> {
        let dir = Store::staging(&self.data).join(&self.batch).join(table_dir);
        std::fs::create_dir_all(&dir).map_err(|e| ImportError::io(&dir, e))?;
        let name = format!("part-{}-{:05}.parquet", self.batch, self.next_part);
        self.next_part += 1;
        let tmp = dir.join(format!(".{name}.tmp"));
        let path = dir.join(&name);
        write_parquet(&tmp, schema, rows, self.row_group_rows)?;
        std::fs::rename(&tmp, &path).map_err(|e| ImportError::io(&path, e))
    }

    /// Commits the batch: the ledger gains `entries` (the commit point), then the staged
    /// parts move into the data directory.
    pub fn commit(&self, entries: &[LedgerEntry]) -> Result<(), ImportError> {
        let mut all = Store::ledger(&self.data)?;
        all.extend(entries.iter().cloned());
        let path = Store::ledger_path(&self.data);
        let tmp = path.with_extension("jsonl.tmp");
        let mut text = String::new();
        for e in &all {
            let line = serde_json::to_string(e)
                .map_err(|e| ImportError::Internal(format!("ledger entry: {e}")))?;
            text.push_str(&line);
            text.push('\n');
        }
        let mut f = File::create(&tmp).map_err(|e| ImportError::io(&tmp, e))?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| ImportError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| ImportError::io(&path, e))?;
        Store::recover(&self.data)
    }

    /// Deletes this batch's staged parts (a failed import).
    pub fn abort(&self) {
        let dir = Store::staging(&self.data).join(&self.batch);
        // Best effort: whatever is left is removed by the next import's `recover`.
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Moves every non-hidden file under `dir` to the same place relative to `root` under `to`.
fn move_tree(root: &Path, dir: &Path, to: &Path) -> Result<(), ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ImportError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| ImportError::io(dir, e))?;
        let p = entry.path();
        if p.is_dir() {
            move_tree(root, &p, to)?;
        } else if !entry.file_name().to_string_lossy().starts_with('.') {
            let rel = p
                .strip_prefix(root)
                .map_err(|e| ImportError::Internal(e.to_string()))?;
            let dest = to.join(rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| ImportError::io(parent, e))?;
            }
            std::fs::rename(&p, &dest).map_err(|e| ImportError::io(&dest, e))?;
        }
    }
    Ok(())
}

/// SHA-256 of a file's bytes, hex.
pub fn file_sha256(path: &Path) -> Result<String, ImportError> {
    let mut f = File::open(path).map_err(|e| ImportError::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| ImportError::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// The Arrow type a column is written as: hunt's in-engine type, with datetimes marked UTC.
fn file_type(ty: KqlType) -> DataType {
    match ty {
        KqlType::DateTime => DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
        other => other.arrow_type(),
    }
}

/// Writes rows to a Parquet file: snappy, `row_group_rows` rows per row group (statistics
/// per row group and page, so time filters prune), delta-encoded datetimes.
fn write_parquet(
    path: &Path,
    schema: &Schema,
    rows: &[Box<[Cell]>],
    row_group_rows: usize,
) -> Result<(), ImportError> {
    let arrow = Arc::new(ArrowSchema::new(
        schema
            .fields
            .iter()
            .map(|f| {
                ArrowField::new(&f.name, file_type(f.ty), true).with_metadata(
                    std::collections::HashMap::from([(
                        crate::tables::KQL_TYPE_KEY.to_owned(),
                        f.ty.name().to_owned(),
                    )]),
                )
            })
            .collect::<Vec<_>>(),
    ));
    let mut props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_size(row_group_rows)
        .set_created_by(format!("hunt-import {}", env!("CARGO_PKG_VERSION")));
    for f in &schema.fields {
        if f.ty == KqlType::DateTime {
            let p = ColumnPath::from(f.name.as_str());
            props = props
                .set_column_dictionary_enabled(p.clone(), false)
                .set_column_encoding(p, Encoding::DELTA_BINARY_PACKED);
        }
    }
    let pq = |source| ImportError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let file = File::create(path).map_err(|e| ImportError::io(path, e))?;
    let mut w = ArrowWriter::try_new(file, arrow.clone(), Some(props.build())).map_err(pq)?;
    for chunk in rows.chunks(row_group_rows) {
        let columns = schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| column(chunk, i, f.ty))
            .collect::<Vec<_>>();
        let batch = RecordBatch::try_new(arrow.clone(), columns)
            .map_err(|e| ImportError::Internal(format!("building a batch: {e}")))?;
        w.write(&batch).map_err(pq)?;
    }
    let file = w.into_inner().map_err(pq)?;
    file.sync_all().map_err(|e| ImportError::io(path, e))
}

/// Column `i` of `rows` as an Arrow array of `ty`'s file type.
fn column(rows: &[Box<[Cell]>], i: usize, ty: KqlType) -> ArrayRef {
    let ints = || {
        rows.iter().map(|r| match r[i] {
            Cell::Int(v) => Some(v),
            _ => None,
        })
    };
    match ty {
        KqlType::Bool => Arc::new(
            rows.iter()
                .map(|r| match r[i] {
                    Cell::Bool(b) => Some(b),
                    _ => None,
                })
                .collect::<BooleanArray>(),
        ),
        KqlType::Int => Arc::new(
            ints()
                .map(|v| v.and_then(|v| i32::try_from(v).ok()))
                .collect::<Int32Array>(),
        ),
        KqlType::Long => Arc::new(ints().collect::<Int64Array>()),
        KqlType::Real => Arc::new(
            rows.iter()
                .map(|r| match r[i] {
                    Cell::Real(v) => Some(v),
                    _ => None,
                })
                .collect::<Float64Array>(),
        ),
        KqlType::DateTime => Arc::new(
            ints()
                .collect::<TimestampNanosecondArray>()
                .with_timezone("UTC"),
        ),
        KqlType::TimeSpan => Arc::new(ints().collect::<DurationNanosecondArray>()),
        KqlType::String | KqlType::Guid | KqlType::Dynamic => Arc::new(
            rows.iter()
                .map(|r| match &r[i] {
                    Cell::Text(s) => Some(&**s),
                    _ => None,
                })
                .collect::<StringArray>(),
        ),
    }
}
