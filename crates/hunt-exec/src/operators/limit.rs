//! `LimitExec`: the first N rows; stops pulling its input once it has them.

use crate::error::Result;
use crate::physical_plan::{BatchIter, ExecutionPlan};
use hunt_plan::types::Schema;
use std::sync::Arc;

/// `take N`.
#[derive(Debug)]
pub struct LimitExec {
    input: Arc<dyn ExecutionPlan>,
    fetch: usize,
}

impl LimitExec {
    /// A new limit.
    pub fn new(input: Arc<dyn ExecutionPlan>, fetch: usize) -> LimitExec {
        LimitExec { input, fetch }
    }
}

impl ExecutionPlan for LimitExec {
    fn describe(&self) -> String {
        format!("LimitExec: fetch={}", self.fetch)
    }
    fn schema(&self) -> &Schema {
        self.input.schema()
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let mut left = self.fetch;
        let mut input = self.input.execute()?;
        Ok(Box::new(std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            match input.next()? {
                Err(e) => Some(Err(e)),
                Ok(b) => {
                    let take = b.num_rows().min(left);
                    left -= take;
                    Some(Ok(b.slice(0, take)))
                }
            }
        })))
    }
}
