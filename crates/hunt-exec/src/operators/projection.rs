//! `ProjectionExec`: computes the output columns of `project`/`extend`.

use crate::error::Result;
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan};
use arrow::array::RecordBatchOptions;
use arrow::record_batch::RecordBatch;
use hunt_plan::expr::Expr;
use hunt_plan::types::Schema;
use std::sync::Arc;

/// Evaluates one expression per output column.
#[derive(Debug)]
pub struct ProjectionExec {
    input: Arc<dyn ExecutionPlan>,
    exprs: Vec<PhysicalExpr>,
    schema: Schema,
}

impl ProjectionExec {
    /// Compiles the expressions against the input schema.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        exprs: &[(String, Expr)],
        schema: Schema,
    ) -> Result<ProjectionExec> {
        let exprs = exprs
            .iter()
            .map(|(_, e)| compile(e, input.schema()))
            .collect::<Result<Vec<_>>>()?;
        Ok(ProjectionExec {
            input,
            exprs,
            schema,
        })
    }
}

impl ExecutionPlan for ProjectionExec {
    fn describe(&self) -> String {
        let items: Vec<String> = self
            .schema
            .fields
            .iter()
            .zip(&self.exprs)
            .map(|(f, e)| format!("{}={e}", f.name))
            .collect();
        format!("ProjectionExec: {}", items.join(", "))
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let exprs = self.exprs.clone();
        let schema = self.schema.to_arrow();
        Ok(Box::new(self.input.execute()?.map(move |b| {
            let b = b?;
            let cols = exprs
                .iter()
                .map(|e| evaluate(e, &b))
                .collect::<Result<Vec<_>>>()?;
            let opts = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
            Ok(RecordBatch::try_new_with_options(
                schema.clone(),
                cols,
                &opts,
            )?)
        })))
    }
}
