//! In-memory tables: Arrow batches registered under a table name.
//!
//! The batches are written once to a Parquet file in a private temporary folder that lives
//! as long as the engine (and its clones), so they are scanned, pruned and cancelled by the
//! same code as any other table; the folder is removed when the last engine holding it is
//! dropped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow::record_batch::RecordBatch;
use hunt_exec::ExecError;

use crate::Error;

/// A temporary folder removed on drop.
#[derive(Debug)]
pub(crate) struct MemDir(PathBuf);

impl Drop for MemDir {
    fn drop(&mut self) {
        // Best effort: a leftover folder in the temporary directory harms nothing.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `batches` (all of `schema`) to a fresh Parquet file; returns its folder guard and path.
pub(crate) fn write_batches(
    schema: arrow::datatypes::SchemaRef,
    batches: &[RecordBatch],
) -> Result<(Arc<MemDir>, PathBuf), Error> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "hunt-memory-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Exec(ExecError::Io { path, source })
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let guard = Arc::new(MemDir(dir.clone()));
    let path = dir.join("table.parquet");
    let file = std::fs::File::create(&path).map_err(io(&path))?;
    let pq = |source| {
        Error::Exec(ExecError::Parquet {
            path: path.clone(),
            source,
        })
    };
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, None).map_err(pq)?;
    for b in batches {
        w.write(b).map_err(pq)?;
    }
    w.close().map_err(pq)?;
    Ok((guard, path))
}
