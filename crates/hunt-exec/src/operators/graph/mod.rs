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
use crate::expr::scalar::array_value;
use crate::operators::accumulators::scalar_json;
use crate::physical_plan::{BatchIter, ExecutionPlan, collect_held};
use arrow::compute::concat_batches;
use arrow::record_batch::RecordBatch;
use hunt_plan::expr::Scalar;
use hunt_plan::graph::{GraphNodes, GraphOutput, GraphPlan};
use hunt_plan::types::{KqlType, Schema};
use std::collections::HashMap;
use std::sync::Arc;

/// Builds a graph from its inputs and turns it back into rows.
#[derive(Debug)]
pub struct GraphExec {
    edges: Arc<dyn ExecutionPlan>,
    nodes: Option<Arc<dyn ExecutionPlan>>,
    plan: GraphPlan,
    schema: Schema,
    /// The query's budget: the edge and node rows and the graph built of them are reserved.
    budget: crate::limits::MemoryBudget,
}

const WHAT: &str = "a graph (`make-graph`)";

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
            budget: crate::limits::MemoryBudget::default(),
        }
    }

    /// This operator with what it holds reserved from `budget` (the query's).
    pub fn with_budget(mut self, budget: crate::limits::MemoryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// All rows of `input` in one batch, with what the graph built of them will hold
    /// (each row's ids as text and values, its adjacency entries) reserved in `held`.
    fn collect_one(
        &self,
        input: &Arc<dyn ExecutionPlan>,
        held: &mut Vec<crate::limits::Reservation>,
    ) -> Result<RecordBatch> {
        let (b, mut h) = collect_held(input, &self.budget, WHAT)?;
        let per_row = 2 * (std::mem::size_of::<Scalar>() + std::mem::size_of::<String>() + 16);
        h.grow(
            b.num_rows().saturating_mul(per_row) + b.get_array_memory_size(),
            WHAT,
        )?;
        held.push(h);
        Ok(b)
    }
}

impl GraphExec {
    /// Builds one graph and runs the graph operator over it.
    fn run(&self, edges: RecordBatch, nodes: Option<(RecordBatch, &str)>) -> Result<RecordBatch> {
        let g = build::Graph::new(&self.plan, edges, nodes)?;
        Ok(match &self.plan.output {
            GraphOutput::Nodes => g.props.clone(),
            GraphOutput::Edges => g.edges.clone(),
            GraphOutput::Match(m) => table::run(&g, m, &self.schema)?,
        })
    }
}

/// The rows of each partition of `partitioned-by column`: edge rows and node rows, the
/// partitions in order of first appearance (edges, then nodes).
fn partitions(
    edges: &RecordBatch,
    nodes: Option<&RecordBatch>,
    column: &str,
) -> Result<Vec<(Vec<u32>, Vec<u32>)>> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut parts: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
    for (b, is_edges) in std::iter::once((edges, true)).chain(nodes.map(|n| (n, false))) {
        let Some(col) = b.column_by_name(column) else {
            return Err(ExecError::Internal(format!(
                "partition column `{column}` missing"
            )));
        };
        let ty = KqlType::from_arrow(col.data_type())
            .ok_or_else(|| ExecError::Internal("partition column of an unknown type".into()))?;
        for r in 0..b.num_rows() {
            let v = array_value(col.as_ref(), r, ty)?;
            if v.is_null() {
                return Err(ExecError::Unsupported(
                    "a null value of the `partitioned-by` column".into(),
                ));
            }
            let key = scalar_json(&v).to_string();
            let next = parts.len();
            let p = *index.entry(key).or_insert(next);
            if p == next {
                parts.push((Vec::new(), Vec::new()));
            }
            if let Some(part) = parts.get_mut(p) {
                if is_edges {
                    part.0.push(r as u32);
                } else {
                    part.1.push(r as u32);
                }
            }
        }
    }
    Ok(parts)
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
        let mut held = Vec::new();
        let edges = self.collect_one(&self.edges, &mut held)?;
        let nodes = match (&self.nodes, &self.plan.nodes) {
            (Some(n), GraphNodes::Table { key, .. }) => {
                Some((self.collect_one(n, &mut held)?, key.as_str()))
            }
            (None, GraphNodes::Table { .. }) => {
                return Err(ExecError::Internal("graph node table not built".into()));
            }
            _ => None,
        };
        let out = match &self.plan.partition {
            None => self.run(edges, nodes)?,
            Some(column) => {
                let mut outs = Vec::new();
                for (e, n) in partitions(&edges, nodes.as_ref().map(|(b, _)| b), column)? {
                    let e = table::take_rows(&edges, &e)?;
                    let n = match &nodes {
                        Some((b, key)) => Some((table::take_rows(b, &n)?, *key)),
                        None => None,
                    };
                    outs.push(self.run(e, n)?);
                }
                concat_batches(&self.schema.to_arrow(), &outs)?
            }
        };
        Ok(Box::new(std::iter::once(Ok(out))))
    }
}
