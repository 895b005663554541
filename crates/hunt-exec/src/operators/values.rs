//! `ValuesExec`: constant rows (`datatable`, `print`, `getschema`); `RangeExec`: `range`, made
//! batch by batch.

use crate::error::Result;
use crate::expr::scalar::array_from_scalars;
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan};
use arrow::array::RecordBatchOptions;
use arrow::record_batch::RecordBatch;
use hunt_plan::expr::Scalar;
use hunt_plan::types::Schema;
use std::sync::Arc;

/// Yields one batch built from constant rows.
#[derive(Debug)]
pub struct ValuesExec {
    schema: Schema,
    batch: RecordBatch,
    /// The batch's bytes, held from the query's budget (see [`ValuesExec::within`]).
    held: Option<crate::limits::Reservation>,
}

impl ValuesExec {
    /// Builds the batch; every row must match the schema.
    pub fn try_new(schema: Schema, rows: &[Vec<Scalar>]) -> Result<ValuesExec> {
        let cols = schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| array_from_scalars(rows.iter().map(|r| &r[i]), f.ty))
            .collect::<Result<Vec<_>>>()?;
        let opts = RecordBatchOptions::new().with_row_count(Some(rows.len()));
        let batch = RecordBatch::try_new_with_options(schema.to_arrow(), cols, &opts)?;
        Ok(ValuesExec {
            schema,
            batch,
            held: None,
        })
    }

    /// These rows reserved from `budget` (the query's): a `range` of millions of rows
    /// counts against the memory limit.
    pub fn within(mut self, budget: &crate::limits::MemoryBudget) -> Result<ValuesExec> {
        let what = "constant rows (`datatable`, `print`)";
        self.held = Some(budget.reserve(self.batch.get_array_memory_size(), what)?);
        Ok(self)
    }
}

impl ExecutionPlan for ValuesExec {
    fn describe(&self) -> String {
        format!("ValuesExec: rows={}", self.batch.num_rows())
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }
    /// The rows in slices of [`BATCH_SIZE`] (no copy): a `range` of millions of rows
    /// flows through the operators above batch by batch, so no array they build from it
    /// passes Arrow's offset limits.
    fn execute(&self) -> Result<BatchIter> {
        let batch = self.batch.clone();
        let n = batch.num_rows();
        if n <= BATCH_SIZE {
            return Ok(Box::new(std::iter::once(Ok(batch))));
        }
        Ok(Box::new((0..n).step_by(BATCH_SIZE).map(move |start| {
            Ok(batch.slice(start, BATCH_SIZE.min(n - start)))
        })))
    }
}

/// `range`: `count` values `start + i * step` of one column, made [`BATCH_SIZE`] rows at
/// a time as the operators above pull them, so a range of millions of rows never sits in
/// memory whole (only the batches a consumer keeps count against the budget).
#[derive(Debug)]
pub struct RangeExec {
    schema: Schema,
    start: i64,
    step: i64,
    count: usize,
}

impl RangeExec {
    /// A range of `count` rows over a one-column `schema` (`long`, `datetime` or `timespan`).
    pub fn new(schema: Schema, start: i64, step: i64, count: usize) -> RangeExec {
        RangeExec {
            schema,
            start,
            step,
            count,
        }
    }
}

impl ExecutionPlan for RangeExec {
    fn describe(&self) -> String {
        format!(
            "RangeExec: rows={} from={} step={}",
            self.count, self.start, self.step
        )
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }
    fn execute(&self) -> Result<BatchIter> {
        use arrow::array::{
            ArrayRef, DurationNanosecondArray, Int64Array, TimestampNanosecondArray,
        };
        use hunt_plan::types::KqlType;
        let arrow_schema = self.schema.to_arrow();
        let ty = self.schema.fields.first().map(|f| f.ty);
        let (start, step, count) = (self.start, self.step, self.count);
        Ok(Box::new((0..count).step_by(BATCH_SIZE).map(move |first| {
            let n = BATCH_SIZE.min(count - first);
            // The planner keeps every value between the bounds, so none overflows; wrapping
            // arithmetic only keeps a mistake from panicking.
            let values =
                (first..first + n).map(|i| start.wrapping_add((i as i64).wrapping_mul(step)));
            let col: ArrayRef = match ty {
                Some(KqlType::DateTime) => {
                    Arc::new(TimestampNanosecondArray::from_iter_values(values))
                }
                Some(KqlType::TimeSpan) => {
                    Arc::new(DurationNanosecondArray::from_iter_values(values))
                }
                _ => Arc::new(Int64Array::from_iter_values(values)),
            };
            Ok(RecordBatch::try_new(arrow_schema.clone(), vec![col])?)
        })))
    }
}
