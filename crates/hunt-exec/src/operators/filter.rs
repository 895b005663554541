//! `FilterExec`: keeps the rows where the predicate is true.

use crate::error::{ExecError, Result};
use crate::expr::dictionary::{EntryCache, eval_entries};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan, FoldedIter, UnitFold, execute_parallel};
use arrow::array::{Array, BooleanArray};
use arrow::compute::filter_record_batch;
use arrow::record_batch::RecordBatch;
use hunt_plan::expr::Expr;
use hunt_plan::types::{KqlType, Schema};
use std::sync::Arc;

/// `where`: null and false both drop the row.
#[derive(Debug)]
pub struct FilterExec {
    input: Arc<dyn ExecutionPlan>,
    predicate: PhysicalExpr,
}

impl FilterExec {
    /// Rejects a predicate that is not `bool`.
    pub fn try_new(input: Arc<dyn ExecutionPlan>, predicate: &Expr) -> Result<FilterExec> {
        if predicate.ty != KqlType::Bool {
            return Err(ExecError::Internal(format!(
                "filter predicate of type {}",
                predicate.ty
            )));
        }
        let predicate = compile(predicate, input.schema())?;
        Ok(FilterExec { input, predicate })
    }
}

impl ExecutionPlan for FilterExec {
    fn describe(&self) -> String {
        format!("FilterExec: {}", self.predicate)
    }
    fn schema(&self) -> &Schema {
        self.input.schema()
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        if let Some(parallel) = execute_parallel(self) {
            return parallel;
        }
        let pred = self.predicate.clone();
        let mut cache = EntryCache::default();
        Ok(Box::new(
            self.input
                .execute()?
                .map(move |b| filter_batch(&pred, b?, &mut cache)),
        ))
    }
    fn has_units(&self) -> bool {
        self.input.has_units()
    }
    fn units_hint(&self) -> Option<usize> {
        self.input.units_hint()
    }
    fn execute_units(&self, fold: UnitFold) -> Option<Result<FoldedIter>> {
        let pred = self.predicate.clone();
        self.input.execute_units(Arc::new(move |batches| {
            let mut cache = EntryCache::default();
            fold(&mut batches.map(|b| filter_batch(&pred, b?, &mut cache)))
        }))
    }
}

/// The rows of `b` where `pred` is true. A predicate over one dictionary column is
/// evaluated per dictionary entry (`cache` keeps the last dictionary's results).
fn filter_batch(
    pred: &PhysicalExpr,
    b: RecordBatch,
    cache: &mut EntryCache,
) -> Result<RecordBatch> {
    let not_bool = || ExecError::Internal("predicate did not yield bools".into());
    if let Some((keys, per_entry)) = eval_entries(pred, &b, cache)? {
        let per_entry = per_entry
            .as_any()
            .downcast_ref::<BooleanArray>()
            .ok_or_else(not_bool)?;
        // Null results drop the row. The per-entry results are read in place: they are
        // kept for the whole dictionary, which can be much longer than the batch.
        let n = per_entry.len();
        let mask = BooleanArray::new(
            arrow::buffer::BooleanBuffer::collect_bool(keys.len(), |i| {
                let k = keys.value(i) as usize;
                k < n && per_entry.is_valid(k) && per_entry.value(k)
            }),
            None,
        );
        return Ok(filter_record_batch(&b, &mask)?);
    }
    let mask = evaluate(pred, &b)?;
    let mask = mask
        .as_any()
        .downcast_ref::<BooleanArray>()
        .ok_or_else(not_bool)?;
    Ok(filter_record_batch(&b, mask)?)
}
