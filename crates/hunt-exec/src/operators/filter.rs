//! `FilterExec`: keeps the rows where the predicate is true.

use crate::error::{ExecError, Result};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan, FoldedIter, UnitFold, execute_parallel};
use arrow::array::BooleanArray;
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
        Ok(Box::new(
            self.input.execute()?.map(move |b| filter_batch(&pred, b?)),
        ))
    }
    fn execute_units(&self, fold: UnitFold) -> Option<Result<FoldedIter>> {
        let pred = self.predicate.clone();
        self.input.execute_units(Arc::new(move |batches| {
            fold(&mut batches.map(|b| filter_batch(&pred, b?)))
        }))
    }
}

/// The rows of `b` where `pred` is true.
fn filter_batch(pred: &PhysicalExpr, b: RecordBatch) -> Result<RecordBatch> {
    let mask = evaluate(pred, &b)?;
    let mask = mask
        .as_any()
        .downcast_ref::<BooleanArray>()
        .ok_or_else(|| ExecError::Internal("predicate did not yield bools".into()))?;
    Ok(filter_record_batch(&b, mask)?)
}
