//! The full sort (`sort by`, `order by`) within the query's memory: an external merge sort.
//!
//! The input is held (and reserved) until holding the next batch would pass the query's
//! spill threshold; then what is held is sorted and written as a run, and reading goes on.
//! At the end the runs are merged ([`RunMerge`]). Runs are sorted with the same comparator
//! as the in-memory sort (ties in input order) and numbered in input order, and the merge
//! breaks ties by run, so the spilled order is the in-memory order exactly. An input that
//! never reaches the threshold is sorted in memory as before.

use super::merge_runs::{KeyFn, RunMerge, reduce_runs};
use super::sort::Order;
use crate::error::Result;
use crate::expr::evaluate;
use crate::limits::MemoryBudget;
use crate::physical_plan::BatchIter;
use crate::spill::SpillFile;
use arrow::array::RecordBatch;
use arrow::compute::concat_batches;
use arrow::datatypes::SchemaRef;
use std::sync::Arc;

/// The most rows `top` keeps in memory its own way (the best rows so far, re-sorted with
/// each batch); a larger `top` is a full sort, which spills, cut after its rows.
pub(super) const TOP_HELD_ROWS: usize = 1 << 20;

/// Rows per batch written to a run.
const RUN_BATCH_ROWS: usize = 8192;

/// Sorts all of `input` (rows of `schema`) by `order`, spilling past the budget's
/// threshold.
pub(super) fn sort_all(
    input: BatchIter,
    order: &Arc<Order>,
    schema: &SchemaRef,
    budget: &MemoryBudget,
) -> Result<BatchIter> {
    // Reserved as it is read, so an input past the memory limit stops early.
    let mut held = budget.reserve(0, "a sort")?;
    let mut batches: Vec<RecordBatch> = Vec::new();
    let mut runs: Vec<SpillFile> = Vec::new();
    for b in input {
        let b = b?;
        if b.num_rows() == 0 {
            continue;
        }
        // Twice: the batches, then their concatenation (and the sorted copy after).
        let need = 2 * b.get_array_memory_size();
        if !batches.is_empty() && budget.spill_due(need, 0) {
            runs.push(write_run(
                order,
                schema,
                budget,
                std::mem::take(&mut batches),
            )?);
            held = budget.reserve(0, "a sort")?;
        }
        held.grow(need, "a sort")?;
        batches.push(b);
    }
    if runs.is_empty() {
        let all = concat_batches(schema, &batches)?;
        drop(batches);
        let sorted = order.sorted(all)?;
        // Held while the sorted rows are passed on.
        return Ok(Box::new(sorted.into_iter().map(move |b| {
            let _ = &held;
            Ok(b)
        })));
    }
    if !batches.is_empty() {
        runs.push(write_run(order, schema, budget, batches)?);
    }
    drop(held);
    let make_keys = || -> KeyFn {
        let order = order.clone();
        Box::new(move |b: &RecordBatch| order.keys.iter().map(|(e, _)| evaluate(e, b)).collect())
    };
    let options: Vec<_> = order.keys.iter().map(|(_, o)| *o).collect();
    let runs = reduce_runs(runs, &make_keys, &options, budget.spill())?;
    Ok(Box::new(RunMerge::try_new(
        runs,
        make_keys(),
        options,
        schema.clone(),
    )?))
}

/// Sorts `batches` and writes them as one run.
fn write_run(
    order: &Order,
    schema: &SchemaRef,
    budget: &MemoryBudget,
    batches: Vec<RecordBatch>,
) -> Result<SpillFile> {
    let all = concat_batches(schema, &batches)?;
    drop(batches);
    let mut w = budget.spill().create(schema.clone())?;
    if let Some(sorted) = order.sorted(all)? {
        let mut at = 0;
        while at < sorted.num_rows() {
            let n = RUN_BATCH_ROWS.min(sorted.num_rows() - at);
            w.write(&sorted.slice(at, n))?;
            at += n;
        }
    }
    w.finish()
}

/// The first `n` rows of `batches`.
pub(super) fn first_rows(batches: BatchIter, n: usize) -> BatchIter {
    let mut left = n;
    Box::new(batches.map_while(move |b| {
        if left == 0 {
            return None;
        }
        Some(b.map(|b| {
            let k = b.num_rows().min(left);
            left -= k;
            b.slice(0, k)
        }))
    }))
}
