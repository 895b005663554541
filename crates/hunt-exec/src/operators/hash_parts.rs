//! Hash partitioning of rows into spill files, for operators whose state is per key
//! (`make-series ... by`): past the spill threshold they write their input rows to
//! partition files by the hash of the key, then build their state one file at a time, so
//! only one partition's keys are held. (The hash aggregate splits with it too, over its
//! evaluated group keys: `aggregate_spill.rs`.)

use crate::error::Result;
use crate::limits::{MemoryBudget, Reservation};
use crate::spill::{SpillFile, SpillWriter};
use arrow::array::{ArrayRef, RecordBatch, UInt32Array};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::row::{RowConverter, SortField};
use std::hash::BuildHasher;

/// Bytes of partitioned rows gathered (and reserved) before they are written.
const PENDING_BYTES: usize = 8 << 20;

/// Splits batches by the hash of their key columns.
pub(super) struct HashSplit {
    conv: RowConverter,
    types: Vec<DataType>,
    hasher: foldhash::fast::FixedState,
    parts: usize,
}

impl HashSplit {
    /// Keys of `types` into `parts` partitions; each `level` hashes with another seed, so a
    /// partition split again spreads over all the new ones.
    pub(super) fn new(types: &[DataType], level: u32, parts: usize) -> Result<HashSplit> {
        HashSplit::seeded(types, 0x6861_7368_7000 + u64::from(level), parts)
    }

    /// Keys of `types` into `parts` partitions, hashed with `seed`.
    pub(super) fn seeded(types: &[DataType], seed: u64, parts: usize) -> Result<HashSplit> {
        Ok(HashSplit {
            conv: RowConverter::new(types.iter().map(|t| SortField::new(t.clone())).collect())?,
            types: types.to_vec(),
            hasher: foldhash::fast::FixedState::with_seed(seed),
            parts: parts.max(1),
        })
    }

    /// The rows of `b` per partition (each in input order), keyed by `keys` (`b`'s key
    /// columns, cast here to the split's types where they differ).
    pub(super) fn split(
        &mut self,
        keys: &[ArrayRef],
        b: &RecordBatch,
    ) -> Result<Vec<Option<RecordBatch>>> {
        let cols = keys
            .iter()
            .zip(&self.types)
            .map(|(c, t)| {
                if c.data_type() == t {
                    Ok(c.clone())
                } else {
                    Ok(arrow::compute::cast(c, t)?)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let rows = self.conv.convert_columns(&cols)?;
        let mut idx: Vec<Vec<u32>> = vec![Vec::new(); self.parts];
        for (i, r) in rows.iter().enumerate() {
            let p = (self.hasher.hash_one(r.as_ref()) % self.parts as u64) as usize;
            idx[p].push(i as u32);
        }
        idx.into_iter()
            .map(|ix| {
                if ix.is_empty() {
                    Ok(None)
                } else {
                    let ix = UInt32Array::from(ix);
                    Ok(Some(arrow::compute::take_record_batch(b, &ix)?))
                }
            })
            .collect()
    }
}

/// A finished partition: its file and about the bytes its rows hold in memory.
pub(super) struct Part {
    pub(super) file: SpillFile,
    pub(super) bytes: usize,
}

/// Partition files being written, with rows gathered (reserved) before each write.
pub(super) struct PartFiles {
    writers: Vec<SpillWriter>,
    pending: Vec<Vec<RecordBatch>>,
    bytes: Vec<usize>,
    held: Reservation,
}

impl PartFiles {
    /// `parts` new files of `schema` in the query's spill folder.
    pub(super) fn new(budget: &MemoryBudget, schema: &SchemaRef, parts: usize) -> Result<Self> {
        let writers = (0..parts)
            .map(|_| budget.spill().create(schema.clone()))
            .collect::<Result<Vec<_>>>()?;
        Ok(PartFiles {
            writers,
            pending: vec![Vec::new(); parts],
            bytes: vec![0; parts],
            held: budget.reserve(0, "rows being written to spill files")?,
        })
    }

    /// Appends `b` to partition `p`.
    pub(super) fn add(&mut self, p: usize, b: RecordBatch) -> Result<()> {
        let size = b.get_array_memory_size();
        self.bytes[p] += size;
        self.held.grow(size, "rows being written to spill files")?;
        self.pending[p].push(b);
        if self.held.bytes() > PENDING_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Appends every piece of a [`HashSplit::split`].
    pub(super) fn add_split(&mut self, pieces: Vec<Option<RecordBatch>>) -> Result<()> {
        for (p, piece) in pieces.into_iter().enumerate() {
            if let Some(b) = piece {
                self.add(p, b)?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        for (w, pend) in self.writers.iter_mut().zip(&mut self.pending) {
            if pend.is_empty() {
                continue;
            }
            let b = arrow::compute::concat_batches(&pend[0].schema(), pend.iter())?;
            pend.clear();
            w.write(&b)?;
        }
        let held = self.held.bytes();
        self.held.shrink(held);
        Ok(())
    }

    /// The finished partitions, in partition order.
    pub(super) fn finish(mut self) -> Result<Vec<Part>> {
        self.flush()?;
        self.writers
            .into_iter()
            .zip(self.bytes)
            .map(|(w, bytes)| {
                Ok(Part {
                    file: w.finish()?,
                    bytes,
                })
            })
            .collect()
    }
}
