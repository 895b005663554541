//! hunt-import: turns what Microsoft Defender XDR and Sentinel export into hunt tables.
//!
//! [`import`] reads files and folders of
//! - the Defender streaming API: Event Hub batches `{"records":[...]}` and storage-account
//!   blobs (one record per line), the table taken from each record's
//!   `category` (`AdvancedHunting-<Table>`);
//! - Microsoft Graph `runHuntingQuery` responses and the legacy advanced-hunting API;
//! - the portal's CSV export and plain CSV or JSON lines (table from `--table` or the file name);
//! - gzip-compressed variants of all of these,
//!
//! and writes `DIR/<Table>/date=YYYY-MM-DD/part-*.parquet`, rows sorted by `Timestamp`,
//! typed by the table's known schema (else declared or guessed types). See `store` for how a
//! run commits atomically and how re-importing an input is a no-op, and `docs/import.md`.

pub mod error;
mod input;
mod readers;
mod store;
mod tables;
pub mod value;

use std::cell::Cell as StdCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

pub use error::{BadRecord, ImportError, Location};
pub use store::{LedgerEntry, STATE_DIR};
pub use tables::{KQL_TYPE_KEY, SAMPLE_ROWS, TableReport, existing_schema, known_schema};

use input::Shape;
use readers::Sink;
use sha2::{Digest, Sha256};
use store::Store;
use tables::{Limits, Tables};

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The data directory (created if missing).
    pub data: PathBuf,
    /// The table of records that do not name theirs (Graph responses, CSV, plain JSON).
    /// Without it, such a file's name (`AlertInfo.csv`) is used when it names a known table.
    pub table: Option<String>,
    /// Records that cannot be read which are tolerated (reported, not imported); one more
    /// stops the import with nothing written. 0 stops at the first.
    pub max_errors: usize,
    /// Bytes of rows held in memory before the biggest (table, day) part is written.
    pub memory_budget: usize,
    /// Rows of one Parquet file at most.
    pub rows_per_file: usize,
    /// Rows per Parquet row group (a unit of pruning and of parallel work).
    pub row_group_rows: usize,
}

impl ImportOptions {
    /// Defaults for `data`: stop at the first bad record, 256 MiB of buffered rows, files
    /// of at most 1M rows in row groups of 64k rows.
    pub fn new(data: impl Into<PathBuf>) -> ImportOptions {
        ImportOptions {
            data: data.into(),
            table: None,
            max_errors: 0,
            memory_budget: 256 << 20,
            rows_per_file: 1 << 20,
            row_group_rows: 1 << 16,
        }
    }
}

/// Where an import is, for a progress display.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Bytes of the inputs read so far (on disk, compressed or not).
    pub bytes_done: u64,
    /// Bytes of all inputs to import.
    pub bytes_total: u64,
    /// Records read so far.
    pub records: u64,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Per table: rows and files written, fields ignored.
    pub tables: Vec<TableReport>,
    /// Inputs imported by this run.
    pub imported: Vec<PathBuf>,
    /// Inputs skipped because the ledger has their content already (or this run had it
    /// twice).
    pub skipped: Vec<PathBuf>,
    /// Records that could not be read (at most `max_errors` of them).
    pub bad: Vec<BadRecord>,
}

/// Imports `inputs` (files, or folders of them) into `opts.data`. On error nothing of this
/// run is left in the data directory; earlier runs are untouched.
pub fn import(
    opts: &ImportOptions,
    inputs: &[PathBuf],
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, ImportError> {
    std::fs::create_dir_all(&opts.data).map_err(|e| ImportError::io(&opts.data, e))?;
    Store::recover(&opts.data)?;
    let known: std::collections::HashSet<String> = Store::ledger(&opts.data)?
        .into_iter()
        .map(|e| e.sha256)
        .collect();
    let mut report = ImportReport::default();
    let mut todo: Vec<(PathBuf, String, u64)> = Vec::new();
    for file in input::list_files(inputs)? {
        let hash = store::file_sha256(&file)?;
        if known.contains(&hash) || todo.iter().any(|(_, h, _)| *h == hash) {
            report.skipped.push(file);
            continue;
        }
        let size = std::fs::metadata(&file)
            .map_err(|e| ImportError::io(&file, e))?
            .len();
        todo.push((file, hash, size));
    }
    if todo.is_empty() {
        return Ok(report);
    }
    let batch = batch_id(todo.iter().map(|(_, h, _)| h.as_str()));
    let mut store = Store::open(&opts.data, &batch, opts.row_group_rows)?;
    match run(opts, &todo, &batch, &mut store, progress) {
        Ok((tables, bad, entries)) => {
            store.commit(&entries)?;
            report.tables = tables;
            report.bad = bad;
            report.imported = todo.into_iter().map(|(f, _, _)| f).collect();
            Ok(report)
        }
        Err(e) => {
            store.abort();
            Err(e)
        }
    }
}

type RunOutcome = (Vec<TableReport>, Vec<BadRecord>, Vec<LedgerEntry>);

fn run(
    opts: &ImportOptions,
    todo: &[(PathBuf, String, u64)],
    batch: &str,
    store: &mut Store,
    progress: &mut dyn FnMut(Progress),
) -> Result<RunOutcome, ImportError> {
    let limits = Limits {
        max_errors: opts.max_errors,
        memory_budget: opts.memory_budget.max(1),
        rows_per_file: opts.rows_per_file.max(1),
    };
    let mut sink = Tables::new(limits, &opts.data, store);
    let total: u64 = todo.iter().map(|(_, _, s)| s).sum();
    let mut done_before = 0u64;
    let mut entries = Vec::new();
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    for (file, hash, size) in todo {
        let done = Rc::new(StdCell::new(0u64));
        let before = sink.seen;
        let mut reader = input::open_text(file, done.clone())?;
        let default_table = opts.table.clone().or_else(|| {
            let stem = input::file_stem(file);
            known_schema(&stem).map(|_| stem)
        });
        {
            let mut ticking = Ticking {
                inner: &mut sink,
                progress: &mut *progress,
                done: &done,
                done_before,
                total,
            };
            match input::sniff(&mut reader, file)? {
                None => {}
                Some(Shape::Json) => {
                    readers::read_json(reader, file, default_table.as_deref(), &mut ticking)?
                }
                Some(Shape::Csv) => {
                    readers::read_csv(reader, file, default_table.as_deref(), &mut ticking)?
                }
            }
        }
        done_before += size;
        progress(Progress {
            bytes_done: done_before,
            bytes_total: total,
            records: sink.seen,
        });
        entries.push(LedgerEntry {
            sha256: hash.clone(),
            file: file.display().to_string(),
            batch: batch.to_owned(),
            records: sink.seen - before,
            imported_at: now.clone(),
        });
    }
    let bad = sink.bad.clone();
    let tables = sink.finish()?;
    Ok((tables, bad, entries))
}

/// Passes records to the sink and reports progress every few thousand of them.
struct Ticking<'a, 's> {
    inner: &'a mut Tables<'s>,
    progress: &'a mut dyn FnMut(Progress),
    done: &'a Rc<StdCell<u64>>,
    done_before: u64,
    total: u64,
}

impl Sink for Ticking<'_, '_> {
    fn record(
        &mut self,
        table: &str,
        fields: serde_json::Map<String, serde_json::Value>,
        text: bool,
        at: Location,
    ) -> Result<(), ImportError> {
        self.inner.record(table, fields, text, at)?;
        if self.inner.seen % 4096 == 0 {
            (self.progress)(Progress {
                bytes_done: self.done_before + self.done.get(),
                bytes_total: self.total,
                records: self.inner.seen,
            });
        }
        Ok(())
    }
    fn declare(&mut self, table: &str, columns: Vec<(String, hunt_plan::types::KqlType)>) {
        self.inner.declare(table, columns)
    }
    fn bad(&mut self, bad: BadRecord) -> Result<(), ImportError> {
        Sink::bad(&mut *self.inner, bad)
    }
}

/// A batch's id: the first 16 hex digits of the SHA-256 of its inputs' hashes, so the
/// staging of a killed run with the same inputs is recognised (and replaced) by name.
fn batch_id<'a>(hashes: impl Iterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    for x in hashes {
        h.update(x.as_bytes());
    }
    format!("{:x}", h.finalize())[..16].to_owned()
}

/// The ledger of `data`: every input imported so far.
pub fn ledger(data: &Path) -> Result<Vec<LedgerEntry>, ImportError> {
    Store::ledger(data)
}
