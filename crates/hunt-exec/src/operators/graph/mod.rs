//! `GraphExec`: `make-graph` and the graph operator that reads its graph.
//!
//! The graph is built in memory from the collected edge and node rows
//! ([`build::Graph`]); then `graph-to-table` returns its nodes or edges, and
//! `graph-match` / `graph-shortest-paths` enumerate the pattern's matches
//! ([`matcher`]) and evaluate `where` and `project` over the match table ([`table`]).

mod build;
mod matcher;
mod table;

use crate::error::{ExecError, Result};
use crate::physical_plan::{BatchIter, ExecutionPlan, collect};
use arrow::compute::concat_batches;
use arrow::record_batch::RecordBatch;
use hunt_plan::graph::{GraphNodes, GraphOutput, GraphPlan};
use hunt_plan::types::Schema;
use std::sync::Arc;

/// Builds a graph from its inputs and turns it back into rows.
#[derive(Debug)]
pub struct GraphExec {
    edges: Arc<dyn ExecutionPlan>,
    nodes: Option<Arc<dyn ExecutionPlan>>,
    plan: GraphPlan,
    schema: Schema,
}

impl GraphExec {
    /// A graph over the `edges` rows (and `nodes` rows for a node table).
    pub fn new(
        edges: Arc<dyn ExecutionPlan>,
        nodes: Option<Arc<dyn ExecutionPlan>>,
        plan: GraphPlan,
    ) -> GraphExec {
        let schema = plan.schema();
        GraphExec {
            edges,
            nodes,
            plan,
            schema,
        }
    }
}

/// All rows of `input` in one batch.
fn collect_one(input: &Arc<dyn ExecutionPlan>) -> Result<RecordBatch> {
    let batches = collect(input)?;
    Ok(concat_batches(&input.schema().to_arrow(), &batches)?)
}

impl ExecutionPlan for GraphExec {
    fn describe(&self) -> String {
        format!(
            "GraphExec: {} --> {} then {}",
            self.plan.source,
            self.plan.target,
            self.plan.output_name()
        )
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        let mut v = vec![&self.edges];
        if let Some(n) = &self.nodes {
            v.push(n);
        }
        v
    }
    fn execute(&self) -> Result<BatchIter> {
        let edges = collect_one(&self.edges)?;
        let nodes = match (&self.nodes, &self.plan.nodes) {
            (Some(n), GraphNodes::Table { key, .. }) => Some((collect_one(n)?, key.as_str())),
            (None, GraphNodes::Table { .. }) => {
                return Err(ExecError::Internal("graph node table not built".into()));
            }
            _ => None,
        };
        let g = build::Graph::new(&self.plan, edges, nodes)?;
        let out = match &self.plan.output {
            GraphOutput::Nodes => g.props.clone(),
            GraphOutput::Edges => g.edges.clone(),
            GraphOutput::Match(m) => table::run(&g, m, &self.schema)?,
        };
        Ok(Box::new(std::iter::once(Ok(out))))
    }
}
