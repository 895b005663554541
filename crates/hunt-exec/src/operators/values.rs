//! `ValuesExec`: constant rows (`datatable`, `print`, `range`, `getschema`).

use crate::error::Result;
use crate::expr::scalar::array_from_scalars;
use crate::physical_plan::{BatchIter, ExecutionPlan};
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
        Ok(ValuesExec { schema, batch })
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
    fn execute(&self) -> Result<BatchIter> {
        Ok(Box::new(std::iter::once(Ok(self.batch.clone()))))
    }
}
