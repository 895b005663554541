//! Spilling to disk: one query's temporary folder, and files of record batches in it.
//!
//! Operators whose state can outgrow memory (a full sort, a hash aggregate) write part of
//! it here as Arrow IPC streams and read it back batch by batch. The folder is made the
//! first time a query spills (`hunt-spill-*` under the configured folder, by default
//! [`std::env::temp_dir`]) and removed with the query's last [`MemoryBudget`] clone — on
//! success, on error and on cancellation alike, since removal is a `Drop`. Each file is
//! also removed as soon as the operator drops it, so a long query does not accumulate them.
//!
//! [`MemoryBudget`]: crate::limits::MemoryBudget

use crate::error::{ExecError, Result};
use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions};
use arrow::datatypes::SchemaRef;
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Spill files made by this process (for tests and diagnostics: whether a query spilled).
static FILES_MADE: AtomicU64 = AtomicU64::new(0);

/// How many spill files this process has made so far.
pub fn files_made() -> u64 {
    FILES_MADE.load(Ordering::Relaxed)
}

/// The spill threshold when none is set: half the memory limit, at most 512 MiB. Spilling
/// operators write to disk once the query holds this much, so that what a query holds stays
/// near it whatever the data size; only state that cannot spill can reach the limit itself.
pub fn default_threshold(limit: usize) -> usize {
    (limit / 2).min(512 << 20)
}

/// Where and when one query spills; shared (behind an `Arc`) by its budget's clones.
#[derive(Debug)]
pub struct SpillSpace {
    /// The folder the query's own folder is made in; `None` is the system's temp folder.
    parent: Option<PathBuf>,
    /// Bytes the query may hold before spilling operators write to disk.
    threshold: usize,
    /// The query's folder, made on first use.
    dir: Mutex<Option<tempfile::TempDir>>,
}

impl SpillSpace {
    /// Spills past `threshold` bytes, into a folder made under `parent` (the system's temp
    /// folder when `None`).
    pub fn new(parent: Option<PathBuf>, threshold: usize) -> SpillSpace {
        SpillSpace {
            parent,
            threshold,
            dir: Mutex::new(None),
        }
    }

    /// Bytes the query may hold before spilling operators write to disk.
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// The folder spill folders are made in.
    pub fn parent(&self) -> PathBuf {
        self.parent.clone().unwrap_or_else(std::env::temp_dir)
    }

    /// The query's folder, made now if it is not yet.
    fn dir(&self) -> Result<PathBuf> {
        let mut dir = self
            .dir
            .lock()
            .map_err(|_| ExecError::Internal("the spill folder's lock is poisoned".into()))?;
        if let Some(d) = dir.as_ref() {
            return Ok(d.path().to_path_buf());
        }
        let parent = self.parent();
        let made = tempfile::Builder::new()
            .prefix("hunt-spill-")
            .tempdir_in(&parent)
            .map_err(|e| spill_error(&parent, "cannot make the spill folder in", e))?;
        let path = made.path().to_path_buf();
        *dir = Some(made);
        Ok(path)
    }

    /// A new file for batches of `schema`.
    pub fn create(&self, schema: SchemaRef) -> Result<SpillWriter> {
        let dir = self.dir()?;
        let file = tempfile::Builder::new()
            .prefix("run-")
            .suffix(".arrows")
            .tempfile_in(&dir)
            .map_err(|e| spill_error(&dir, "cannot create a spill file in", e))?;
        let (file, path) = file.into_parts();
        FILES_MADE.fetch_add(1, Ordering::Relaxed);
        let writer = StreamWriter::try_new(BufWriter::with_capacity(256 << 10, file), &schema)
            .map_err(|e| arrow_spill_error(&path, "cannot write spill file", e))?;
        Ok(SpillWriter {
            writer,
            path,
            schema,
            rows: 0,
        })
    }
}

/// A spill file being written.
pub struct SpillWriter {
    writer: StreamWriter<BufWriter<File>>,
    /// Removes the file when dropped (so a write abandoned by an error leaves nothing).
    path: tempfile::TempPath,
    schema: SchemaRef,
    rows: usize,
}

impl SpillWriter {
    /// Appends `batch` (its columns cast to the file's types where they differ, such as a
    /// dictionary-encoded string column).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let batch = conform(batch, &self.schema)?;
        self.rows += batch.num_rows();
        self.writer
            .write(&batch)
            .map_err(|e| arrow_spill_error(&self.path, "cannot write spill file", e))
    }

    /// The written file, ready to be read.
    pub fn finish(mut self) -> Result<SpillFile> {
        self.writer
            .finish()
            .map_err(|e| arrow_spill_error(&self.path, "cannot write spill file", e))?;
        let SpillWriter {
            writer,
            path,
            schema,
            rows,
        } = self;
        let mut inner = writer
            .into_inner()
            .map_err(|e| arrow_spill_error(&path, "cannot write spill file", e))?;
        std::io::Write::flush(&mut inner)
            .map_err(|e| spill_error(&path, "cannot write spill file", e))?;
        Ok(SpillFile { path, schema, rows })
    }
}

/// A finished spill file, removed when dropped.
pub struct SpillFile {
    path: tempfile::TempPath,
    schema: SchemaRef,
    rows: usize,
}

impl std::fmt::Debug for SpillFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SpillFile({}, {} rows)", self.path.display(), self.rows)
    }
}

impl SpillFile {
    /// The rows written.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The file's size on disk (0 when it cannot be read: callers only estimate with it).
    pub fn bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    /// The file's schema.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Reads the batches back in the order they were written (as often as needed; the
    /// file stays until `self` is dropped).
    pub fn read(&self) -> Result<SpillReader> {
        let file = File::open(&self.path)
            .map_err(|e| spill_error(&self.path, "cannot read spill file", e))?;
        let reader = StreamReader::try_new(BufReader::with_capacity(256 << 10, file), None)
            .map_err(|e| arrow_spill_error(&self.path, "cannot read spill file", e))?;
        Ok(SpillReader {
            reader,
            path: self.path.to_path_buf(),
        })
    }
}

/// The batches of a spill file.
pub struct SpillReader {
    reader: StreamReader<BufReader<File>>,
    path: PathBuf,
}

impl Iterator for SpillReader {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        let path = &self.path;
        self.reader
            .next()
            .map(|r| r.map_err(|e| arrow_spill_error(path, "cannot read spill file", e)))
    }
}

/// The bytes of a batch read back from a spill file. The IPC reader slices every column out
/// of one buffer per message, and `get_array_memory_size` counts that whole buffer for each
/// column (70 columns of a 30 MB message read as 2 GB): count each column's own slice.
pub fn read_bytes(batch: &RecordBatch) -> usize {
    batch
        .columns()
        .iter()
        .map(|c| {
            c.to_data()
                .get_slice_memory_size()
                .unwrap_or_else(|_| c.get_array_memory_size())
        })
        .sum()
}

/// `batch` with `schema`: each column cast to the schema's type where it differs.
pub fn conform(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch> {
    if batch.schema().fields() == schema.fields() {
        return Ok(batch.clone());
    }
    let cols = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(c, f)| {
            if c.data_type() == f.data_type() {
                Ok(c.clone())
            } else {
                Ok(arrow::compute::cast(c, f.data_type())?)
            }
        })
        .collect::<Result<Vec<ArrayRef>>>()?;
    let opts = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &opts,
    )?)
}

/// A spill I/O failure, naming the file or folder and what to do about it.
fn spill_error(path: &Path, what: &str, e: std::io::Error) -> ExecError {
    ExecError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            e.kind(),
            format!(
                "{what} the query's spill folder: {e} (a query past its spill threshold \
                 writes to disk; set `--temp-dir` or HUNT_TEMP to a folder with room, or \
                 raise `--memory-limit`)"
            ),
        ),
    }
}

/// [`spill_error`] for an Arrow IPC error (which wraps the I/O error when there is one).
fn arrow_spill_error(path: &Path, what: &str, e: arrow::error::ArrowError) -> ExecError {
    match e {
        arrow::error::ArrowError::IoError(_, io) => spill_error(path, what, io),
        other => spill_error(path, what, std::io::Error::other(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    #[test]
    fn batches_round_trip_and_the_folder_goes_with_the_space() -> Result<()> {
        let parent = tempfile::tempdir().map_err(|e| spill_error(Path::new("."), "test", e))?;
        let schema = Arc::new(Schema::new(vec![
            Field::new("n", DataType::Int64, true),
            Field::new("s", DataType::Utf8, true),
        ]));
        let b = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
                Arc::new(StringArray::from(vec![Some("a"), Some("b"), None])),
            ],
        )?;
        let space = SpillSpace::new(Some(parent.path().to_path_buf()), 0);
        let mut w = space.create(schema)?;
        w.write(&b)?;
        w.write(&b.slice(1, 2))?;
        let f = w.finish()?;
        assert_eq!(f.rows(), 5);
        let back = f.read()?.collect::<Result<Vec<_>>>()?;
        assert_eq!(back, vec![b.clone(), b.slice(1, 2)]);
        assert_eq!(f.read()?.count(), 2);
        drop(f);
        // The file went when dropped; the folder goes with the space.
        let entries = |p: &Path| {
            std::fs::read_dir(p)
                .map(|d| d.count())
                .unwrap_or(usize::MAX)
        };
        assert_eq!(entries(parent.path()), 1);
        drop(space);
        assert_eq!(entries(parent.path()), 0);
        Ok(())
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let space = SpillSpace::new(Some(PathBuf::from("/nonexistent/hunt-spill-test")), 0);
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, true)]));
        match space.create(schema) {
            Err(e) => {
                let m = e.to_string();
                assert!(m.contains("/nonexistent/hunt-spill-test"), "{m}");
                assert!(m.contains("--temp-dir"), "{m}");
            }
            Ok(_) => panic!("a spill file in a missing folder"),
        }
    }

    #[test]
    fn a_batch_read_back_counts_its_own_bytes() -> Result<()> {
        // Ten string columns of 50,000 rows (~19 MB), written and read back: the batch's
        // `get_array_memory_size` was 369 MB after reading (arrow 57), its slices' own
        // bytes are what it holds.
        let cols: Vec<(String, ArrayRef)> = (0..10)
            .map(|c| {
                let a: arrow::array::StringArray = (0..50_000)
                    .map(|i| Some(format!("column {c} row {i} with some text")))
                    .collect();
                (format!("c{c}"), Arc::new(a) as ArrayRef)
            })
            .collect();
        let b = RecordBatch::try_from_iter(cols)?;
        let own: usize = b.get_array_memory_size();
        let parent = tempfile::tempdir().map_err(|e| ExecError::Internal(e.to_string()))?;
        let space = SpillSpace::new(Some(parent.path().to_path_buf()), 0);
        let mut w = space.create(b.schema())?;
        w.write(&b)?;
        let f = w.finish()?;
        let back = f.read()?.collect::<Result<Vec<_>>>()?;
        assert_eq!(back, vec![b.clone()]);
        let read = read_bytes(&back[0]);
        assert!(
            read <= own + own / 4,
            "read back {read} bytes of a {own}-byte batch"
        );
        assert!(
            read >= own / 2,
            "read back {read} bytes of a {own}-byte batch"
        );
        Ok(())
    }
}
