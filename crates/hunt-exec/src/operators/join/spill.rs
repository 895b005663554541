//! A join whose right side passes the query's spill threshold: a grace hash join.
//!
//! Once holding the next right batch would pass the threshold, the right rows read so far
//! and all that follow are written to [`PARTITIONS`] spill files by the hash of their
//! encoded key; then the left side is written to as many files the same way. Equal keys
//! land in the same partition on both sides, so each partition pair is joined on its own
//! with the in-memory build and probe, one after the other, holding one partition's right
//! rows at a time. Every join flavour is decided per key (innerunique's first left row of a
//! key, the right rows no left row matched), and each partition keeps its rows in input
//! order, so the answer holds the same rows as the in-memory join; only the order of the
//! output rows differs (grouped by partition), which Kusto leaves unspecified for `join`.

use super::{HashJoinExec, JoinCore, KeyCache, ProbeState, ProbeStream};
use crate::error::Result;
use crate::limits::MemoryBudget;
use crate::physical_plan::BatchIter;
use crate::spill::{SpillFile, SpillReader, SpillWriter, conform, read_bytes};
use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::take_record_batch;
use arrow::datatypes::SchemaRef;
use arrow::row::Rows;
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::sync::Arc;

/// The partitions a spilled join splits both sides into: a right side up to 32 times the
/// spill threshold is joined within the memory limit.
const PARTITIONS: usize = 32;

/// The partition of an encoded key: the same on both sides of one join (a fixed seed).
fn partition_of(row: &[u8]) -> usize {
    let h = foldhash::fast::FixedState::with_seed(0x6a6f_696e).hash_one(row);
    (h % PARTITIONS as u64) as usize
}

/// Writes rows to one spill file per partition.
pub(super) struct Partitioner {
    schema: SchemaRef,
    writers: Vec<SpillWriter>,
}

impl Partitioner {
    /// One file per partition for rows of `schema`, in the query's spill folder.
    pub(super) fn new(budget: &MemoryBudget, schema: SchemaRef) -> Result<Partitioner> {
        let writers = (0..PARTITIONS)
            .map(|_| budget.spill().create(schema.clone()))
            .collect::<Result<Vec<_>>>()?;
        Ok(Partitioner { schema, writers })
    }

    /// The schema the files hold (a batch is conformed to it before its keys are encoded).
    pub(super) fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// Appends each row of `b` to the file of its key, `keys` being the rows' encoded keys.
    pub(super) fn write(&mut self, b: &RecordBatch, keys: &Rows) -> Result<()> {
        let b = conform(b, &self.schema)?;
        let mut parts: Vec<Vec<u32>> = vec![Vec::new(); PARTITIONS];
        for i in 0..b.num_rows() {
            parts[partition_of(keys.row(i).as_ref())].push(i as u32);
        }
        for (p, rows) in parts.into_iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            let taken = take_record_batch(&b, &UInt32Array::from(rows))?;
            self.writers[p].write(&taken)?;
        }
        Ok(())
    }

    /// The finished files, by partition.
    pub(super) fn finish(self) -> Result<Vec<SpillFile>> {
        self.writers.into_iter().map(SpillWriter::finish).collect()
    }
}

impl HashJoinExec {
    /// The spilled join: the left side is written to partition files too, then each
    /// partition pair is joined in turn.
    pub(super) fn execute_spilled(&self, right: Arc<Vec<SpillFile>>) -> Result<BatchIter> {
        let conv = self.core.converter(&self.right.schema().to_arrow())?;
        let mut left = Partitioner::new(&self.budget, self.left.schema().to_arrow())?;
        for b in self.left.execute()? {
            let b = conform(&b?, left.schema())?;
            let keys = self.core.left_key_rows(&conv, &b)?;
            left.write(&b, &keys)?;
        }
        Ok(Box::new(PartitionJoin {
            core: self.core.clone(),
            right_schema: self.right.schema().to_arrow(),
            budget: self.budget.clone(),
            right,
            left: left.finish()?,
            next: 0,
            current: None,
        }))
    }
}

/// The output of a spilled join: partition pairs joined one after the other.
struct PartitionJoin {
    core: Arc<JoinCore>,
    right_schema: SchemaRef,
    budget: MemoryBudget,
    right: Arc<Vec<SpillFile>>,
    left: Vec<SpillFile>,
    /// The next partition to join.
    next: usize,
    current: Option<ProbeStream<SpillReader>>,
}

impl PartitionJoin {
    /// Builds partition `p`'s right rows and starts probing its left rows.
    fn start(&self, p: usize) -> Result<ProbeStream<SpillReader>> {
        const WHAT: &str = "a join's right side (one spilled partition)";
        let mut held = self.budget.reserve(0, WHAT)?;
        let mut batches = Vec::new();
        for b in self.right[p].read()? {
            let b = b?;
            held.grow(2 * read_bytes(&b), WHAT)?;
            batches.push(b);
        }
        let conv = self.core.converter(&self.right_schema)?;
        let build = self.core.index(&self.right_schema, conv, batches, held)?;
        let state = ProbeState {
            matched: vec![false; build.rb.num_rows()],
            seen_left: HashSet::default(),
        };
        Ok(ProbeStream {
            core: self.core.clone(),
            build: Arc::new(build),
            left: Some(self.left[p].read()?),
            cache: KeyCache::default(),
            current: None,
            state: Some(state),
        })
    }
}

impl Iterator for PartitionJoin {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        loop {
            if let Some(out) = self.current.as_mut().and_then(Iterator::next) {
                if out.is_err() {
                    self.next = PARTITIONS;
                    self.current = None;
                }
                return Some(out);
            }
            self.current = None;
            if self.next >= PARTITIONS.min(self.left.len()) {
                return None;
            }
            let p = self.next;
            self.next += 1;
            match self.start(p) {
                Ok(stream) => self.current = Some(stream),
                Err(e) => {
                    self.next = PARTITIONS;
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_spread_and_are_stable() {
        let mut seen = [0usize; PARTITIONS];
        for i in 0..10_000u32 {
            let p = partition_of(&i.to_le_bytes());
            assert_eq!(p, partition_of(&i.to_le_bytes()));
            seen[p] += 1;
        }
        // 10,000 keys over 32 partitions: ~312 each; none empty, none holding a tenth.
        assert!(seen.iter().all(|&n| n > 0 && n < 1_000), "{seen:?}");
    }
}
