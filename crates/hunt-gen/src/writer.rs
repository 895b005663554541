//! Splitting tables into chunks and files, and writing Parquet.
//!
//! A *chunk* is the unit of parallel work and of seeding: its rows depend only on
//! `(seed, table, chunk index)`. A chunk writes one or more files (more only when
//! `max_rows_per_file` is smaller than the chunk), sequentially, one record batch at a
//! time, so a worker holds at most one row group of one file in memory.

use std::fs::File;
use std::path::{Path, PathBuf};

use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use crate::batch::{RowBatch, arrow_schema};
use crate::error::GenError;
use hunt_plan::types::{KqlType, Schema};

/// Produces the rows of one chunk, in order.
pub(crate) trait RowSource {
    /// Appends the next `n` rows to `b` (each ended with `RowBatch::end_row`).
    fn fill(&mut self, b: &mut RowBatch, n: usize) -> Result<(), GenError>;
}

/// Rows per chunk when `max_rows_per_file` allows more. Smaller than the default
/// file limit so a 10M-row table splits into 20 chunks and keeps every core busy;
/// larger values gain little (Parquet row groups are 128K rows anyway).
pub const TARGET_ROWS_PER_FILE: usize = 500_000;

/// Rows per record batch handed to the Parquet writer (fits in L2 per column).
const BATCH_ROWS: usize = 8192;

/// One chunk: its rows, and how they are split into files.
#[derive(Debug, Clone)]
pub(crate) struct ChunkPlan {
    /// Index of the chunk within its table (seeds its generator).
    pub index: usize,
    /// Offset of the chunk's first row within the table.
    pub offset: usize,
    /// Number of the chunk's first file (`part-NNNNN`).
    pub first_file: usize,
    /// Rows of each of the chunk's files.
    pub file_rows: Vec<usize>,
}

impl ChunkPlan {
    /// Total rows of the chunk.
    pub(crate) fn rows(&self) -> usize {
        self.file_rows.iter().sum()
    }
}

/// How many chunks a table of `rows` rows gets.
pub(crate) fn chunk_count(rows: usize, max_rows_per_file: usize) -> usize {
    rows.div_ceil(max_rows_per_file.clamp(1, TARGET_ROWS_PER_FILE))
        .max(1)
}

/// `total` split into `parts` near-equal counts (earlier parts get the remainder).
pub(crate) fn even_split(total: usize, parts: usize) -> Vec<usize> {
    let parts = parts.max(1);
    (0..parts)
        .map(|i| total / parts + usize::from(i < total % parts))
        .collect()
}

/// File plans for chunks of the given sizes. A table with no rows still gets one empty
/// file, so readers always find its schema.
pub(crate) fn plan_files(chunk_rows: &[usize], max_rows_per_file: usize) -> Vec<ChunkPlan> {
    let max = max_rows_per_file.max(1);
    let mut out = Vec::with_capacity(chunk_rows.len());
    let (mut offset, mut file) = (0, 0);
    for (index, &rows) in chunk_rows.iter().enumerate() {
        let files = rows.div_ceil(max);
        let file_rows = even_split(rows, files);
        let file_rows = if rows == 0 { Vec::new() } else { file_rows };
        out.push(ChunkPlan {
            index,
            offset,
            first_file: file,
            file_rows,
        });
        offset += rows;
        file += files;
    }
    if offset == 0
        && let Some(first) = out.first_mut()
    {
        first.file_rows = vec![0];
    }
    out
}

/// Which string-like columns get min/max statistics.
#[derive(Clone, Copy)]
pub(crate) enum StringStats<'a> {
    /// All of them (small tables).
    All,
    /// Only these; other string, guid and dynamic columns get none.
    Only(&'a [&'a str]),
}

/// Writer settings: snappy, `row_group_rows` rows per row group, no dictionary for
/// columns whose values are (nearly) unique (`no_dict`; a dictionary only costs time
/// there), delta encoding for datetimes, and string statistics as `stats` says.
///
/// Why not all string statistics for the big tables: computing min/max of every string
/// value (two `memcmp`s per value and column, on values with long common prefixes such
/// as URLs, label GUIDs and JSON) took a quarter of the generator's run time, and the data
/// is sorted by time, so every row group holds nearly every user, label and path: their
/// min/max would never prune. Statistics stay on for non-string columns (`Timestamp`
/// prunes time filters) and for the few short columns hunts filter on.
pub(crate) fn writer_props(
    schema: &Schema,
    row_group_rows: usize,
    no_dict: &[&str],
    stats: StringStats<'_>,
) -> WriterProperties {
    let mut b = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_size(row_group_rows.max(1))
        .set_created_by(format!("hunt-gen {}", env!("CARGO_PKG_VERSION")));
    for f in &schema.fields {
        let name = f.name.as_str();
        let path = || ColumnPath::from(name);
        if f.ty == KqlType::DateTime {
            // Sorted (or nearly sorted) 64-bit times: deltas are small, so delta encoding
            // stores them in a fraction of PLAIN's 8 bytes per value.
            b = b
                .set_column_dictionary_enabled(path(), false)
                .set_column_encoding(path(), Encoding::DELTA_BINARY_PACKED);
        } else if no_dict.contains(&name) {
            b = b.set_column_dictionary_enabled(path(), false);
        }
        let stringy = matches!(f.ty, KqlType::String | KqlType::Guid | KqlType::Dynamic);
        let keep = match stats {
            StringStats::All => !no_dict.contains(&name),
            StringStats::Only(list) => list.contains(&name),
        };
        if stringy && !keep {
            b = b.set_column_statistics_enabled(path(), EnabledStatistics::None);
        }
    }
    b.build()
}

/// Path of file number `n` of a table directory.
pub(crate) fn file_path(dir: &Path, n: usize) -> PathBuf {
    dir.join(format!("part-{n:05}.parquet"))
}

/// Creates `dir` and removes `part-*.parquet` files left by an earlier run.
pub(crate) fn prepare_dir(dir: &Path) -> Result<(), GenError> {
    std::fs::create_dir_all(dir).map_err(|e| GenError::io(dir, e))?;
    let entries = std::fs::read_dir(dir).map_err(|e| GenError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| GenError::io(dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("part-") && name.ends_with(".parquet") {
            let p = entry.path();
            std::fs::remove_file(&p).map_err(|e| GenError::io(&p, e))?;
        }
    }
    Ok(())
}

/// Writes the files of one chunk, pulling rows from `src`.
pub(crate) fn write_chunk(
    dir: &Path,
    schema: &Schema,
    props: &WriterProperties,
    chunk: &ChunkPlan,
    src: &mut dyn RowSource,
) -> Result<(), GenError> {
    let arrow = arrow_schema(schema);
    let mut batch = RowBatch::new(schema, BATCH_ROWS);
    for (j, &rows) in chunk.file_rows.iter().enumerate() {
        let dst = file_path(dir, chunk.first_file + j);
        // Written under a hidden name (which table discovery skips) and renamed when
        // complete, so no reader ever sees a half-written `part-*.parquet`.
        let path = temp_path(&dst);
        let file = File::create(&path).map_err(|e| GenError::io(&path, e))?;
        let pq = |source| GenError::Parquet {
            path: path.clone(),
            source,
        };
        let mut w = ArrowWriter::try_new(file, arrow.clone(), Some(props.clone())).map_err(pq)?;
        let mut left = rows;
        while left > 0 {
            let n = left.min(BATCH_ROWS);
            src.fill(&mut batch, n)?;
            if batch.len() != n {
                return Err(GenError::Internal(format!(
                    "{}: expected {n} rows in a batch, got {}",
                    path.display(),
                    batch.len()
                )));
            }
            let rb = batch.finish()?;
            w.write(&rb).map_err(pq)?;
            left -= n;
        }
        let file = w.into_inner().map_err(pq)?;
        file.sync_all().map_err(|e| GenError::io(&path, e))?;
        drop(file);
        std::fs::rename(&path, &dst).map_err(|e| GenError::io(&dst, e))?;
    }
    Ok(())
}

/// The temporary name a file is written under: `.part-00000.parquet.tmp`.
fn temp_path(dst: &Path) -> PathBuf {
    let name = dst.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dst.with_file_name(format!(".{name}.tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_plan() {
        assert_eq!(even_split(10, 3), vec![4, 3, 3]);
        assert_eq!(chunk_count(0, 10), 1);
        assert_eq!(chunk_count(1_000_001, 2_000_000), 3);
        let p = plan_files(&[5, 0, 7], 3);
        assert_eq!(p[0].file_rows, vec![3, 2]);
        assert!(p[1].file_rows.is_empty());
        assert_eq!(
            (p[2].first_file, p[2].offset, p[2].file_rows.clone()),
            (2, 5, vec![3, 2, 2])
        );
        let empty = plan_files(&[0], 3);
        assert_eq!(empty[0].file_rows, vec![0]);
    }
}
