//! `SortExec`: `sort by` and, with a fetch, `top N by`.

use crate::error::Result;
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan};
use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::{
    LexicographicalComparator, SortColumn, SortOptions, concat_batches, take_record_batch,
};
use hunt_plan::logical_plan::SortKey;
use hunt_plan::types::Schema;
use std::sync::Arc;

/// Buffers its input, sorts it, and yields the (first `fetch`) rows.
#[derive(Debug)]
pub struct SortExec {
    input: Arc<dyn ExecutionPlan>,
    keys: Vec<(PhysicalExpr, SortOptions)>,
    fetch: Option<usize>,
}

impl SortExec {
    /// Compiles the keys against the input.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        keys: &[SortKey],
        fetch: Option<usize>,
    ) -> Result<SortExec> {
        let keys = keys
            .iter()
            .map(|k| {
                let opts = SortOptions {
                    descending: k.descending,
                    nulls_first: k.nulls_first,
                };
                Ok((compile(&k.expr, input.schema())?, opts))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SortExec { input, keys, fetch })
    }
}

impl ExecutionPlan for SortExec {
    fn describe(&self) -> String {
        let k: Vec<String> = self
            .keys
            .iter()
            .map(|(e, o)| format!("{e} {}", if o.descending { "desc" } else { "asc" }))
            .collect();
        match self.fetch {
            Some(n) => format!("SortExec: TopK(fetch={n}) [{}]", k.join(", ")),
            None => format!("SortExec: [{}]", k.join(", ")),
        }
    }
    fn schema(&self) -> &Schema {
        self.input.schema()
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let arrow_schema = self.input.schema().to_arrow();
        if self.fetch.is_some() {
            // `top k`: keep only the best k rows seen so far, so memory holds k rows plus
            // one batch, whatever the input size. The kept rows come before the new batch,
            // so ties still keep input order.
            let mut best: Option<RecordBatch> = None;
            for b in self.input.execute()? {
                let b = b?;
                if b.num_rows() == 0 {
                    continue;
                }
                let merged = match best.take() {
                    None => b,
                    Some(kept) => concat_batches(&arrow_schema, &[kept, b])?,
                };
                best = self.sorted(merged)?;
            }
            return Ok(Box::new(best.into_iter().map(Ok)));
        }
        let batches = self.input.execute()?.collect::<Result<Vec<_>>>()?;
        let all = concat_batches(&arrow_schema, &batches)?;
        drop(batches);
        Ok(Box::new(self.sorted(all)?.into_iter().map(Ok)))
    }
}

impl SortExec {
    /// The rows of `all` in order (the first `fetch` of them), or `None` when there are none.
    fn sorted(&self, all: RecordBatch) -> Result<Option<RecordBatch>> {
        if all.num_rows() == 0 {
            return Ok(None);
        }
        let cols = self
            .keys
            .iter()
            .map(|(e, o)| {
                Ok(SortColumn {
                    values: evaluate(e, &all)?,
                    options: Some(*o),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Ties keep their input order: the row number breaks them, which also makes the
        // partial selection for `top` deterministic.
        let cmp = LexicographicalComparator::try_new(&cols)?;
        let order = |a: &u32, b: &u32| cmp.compare(*a as usize, *b as usize).then(a.cmp(b));
        let mut idx: Vec<u32> = (0..all.num_rows() as u32).collect();
        if let Some(k) = self.fetch.filter(|k| *k < idx.len()) {
            if k == 0 {
                return Ok(None);
            }
            idx.select_nth_unstable_by(k - 1, order);
            idx.truncate(k);
        }
        idx.sort_unstable_by(order);
        let idx = UInt32Array::from(idx);
        Ok(Some(take_record_batch(&all, &idx)?))
    }
}
