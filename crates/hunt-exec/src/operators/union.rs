//! `UnionExec`: the batches of each input in turn (inputs share one schema).

use crate::error::Result;
use crate::physical_plan::{BatchIter, ExecutionPlan};
use hunt_plan::types::Schema;
use std::sync::Arc;

/// Concatenates its inputs, streaming one after another.
#[derive(Debug)]
pub struct UnionExec {
    inputs: Vec<Arc<dyn ExecutionPlan>>,
    schema: Schema,
}

impl UnionExec {
    /// A union of inputs that all produce `schema`.
    pub fn new(inputs: Vec<Arc<dyn ExecutionPlan>>, schema: Schema) -> UnionExec {
        UnionExec { inputs, schema }
    }
}

impl ExecutionPlan for UnionExec {
    fn describe(&self) -> String {
        format!("UnionExec: inputs={}", self.inputs.len())
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        self.inputs.iter().collect()
    }
    fn execute(&self) -> Result<BatchIter> {
        let inputs = self.inputs.clone();
        // Each input starts only when the previous one is exhausted.
        Ok(Box::new(inputs.into_iter().flat_map(
            |i| match i.execute() {
                Ok(it) => it,
                Err(e) => Box::new(std::iter::once(Err(e))),
            },
        )))
    }
}
