//! The physical plan: a tree of streaming operators, and the translation from the
//! logical plan.
//!
//! Every operator pulls batches from its input through a [`BatchIter`] and keeps
//! only its own state (hash table, sort buffer), so memory is bounded by that
//! state, not by the data scanned.

use crate::error::{ExecError, Result};
use crate::operators::{
    AggregateExec, FilterExec, HashJoinExec, LimitExec, MvExpandExec, ParseExec, ProjectionExec,
    SeriesExec, SortExec, StepScanExec, TopNestedExec, UnionExec, ValuesExec, WindowExec,
};
use crate::scan::{ParquetScanExec, TableSet};
use arrow::record_batch::RecordBatch;
use hunt_plan::LogicalPlan;
use hunt_plan::types::Schema;
use std::sync::Arc;

/// A stream of batches pulled one at a time.
pub type BatchIter = Box<dyn Iterator<Item = Result<RecordBatch>> + Send>;

/// A physical operator.
pub trait ExecutionPlan: Send + Sync + std::fmt::Debug {
    /// One line for EXPLAIN.
    fn describe(&self) -> String;
    /// The KQL schema of the batches it yields.
    fn schema(&self) -> &Schema;
    /// Its inputs.
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>>;
    /// Starts producing batches.
    fn execute(&self) -> Result<BatchIter>;
}

/// Rows per batch produced by operators that build their own batches.
pub const BATCH_SIZE: usize = 8192;

/// Builds the operator tree for a logical plan.
pub fn create_physical_plan(
    plan: &LogicalPlan,
    tables: &TableSet,
) -> Result<Arc<dyn ExecutionPlan>> {
    Ok(match plan {
        LogicalPlan::Scan { table, filters, .. } => {
            let t = tables.get(table).ok_or_else(|| {
                ExecError::Internal(format!("table `{table}` planned but not registered"))
            })?;
            Arc::new(ParquetScanExec::try_new(
                t.clone(),
                filters.clone(),
                plan.schema(),
            )?)
        }
        LogicalPlan::Values { schema, rows } => {
            Arc::new(ValuesExec::try_new(schema.clone(), rows)?)
        }
        LogicalPlan::Filter { input, predicate } => Arc::new(FilterExec::try_new(
            create_physical_plan(input, tables)?,
            predicate,
        )?),
        LogicalPlan::Projection { input, exprs } => Arc::new(ProjectionExec::try_new(
            create_physical_plan(input, tables)?,
            exprs,
            plan.schema(),
        )?),
        LogicalPlan::Aggregate {
            input,
            group_by,
            aggs,
        } => Arc::new(AggregateExec::try_new(
            create_physical_plan(input, tables)?,
            group_by,
            aggs,
            plan.schema(),
        )?),
        LogicalPlan::Sort { input, keys, fetch } => Arc::new(SortExec::try_new(
            create_physical_plan(input, tables)?,
            keys,
            *fetch,
        )?),
        LogicalPlan::Join {
            left,
            right,
            kind,
            on,
            outputs,
        } => Arc::new(HashJoinExec::try_new(
            create_physical_plan(left, tables)?,
            create_physical_plan(right, tables)?,
            *kind,
            on,
            outputs,
            plan.schema(),
        )?),
        LogicalPlan::Parse {
            input,
            expr,
            regex,
            columns,
            relaxed,
            drop_unmatched,
        } => Arc::new(ParseExec::try_new(
            create_physical_plan(input, tables)?,
            expr,
            regex,
            columns,
            *relaxed,
            *drop_unmatched,
            plan.schema(),
        )?),
        LogicalPlan::Series {
            input,
            keys,
            values,
            axis,
        } => Arc::new(SeriesExec::new(
            create_physical_plan(input, tables)?,
            *keys,
            values.iter().map(|(_, d)| d.clone()).collect(),
            axis.1.clone(),
            plan.schema(),
        )),
        LogicalPlan::TopNested { input, levels } => Arc::new(TopNestedExec::try_new(
            create_physical_plan(input, tables)?,
            levels,
            plan.schema(),
        )?),
        LogicalPlan::Steps { input, spec } => Arc::new(StepScanExec::try_new(
            create_physical_plan(input, tables)?,
            spec,
            plan.schema(),
        )?),
        LogicalPlan::Window { input, exprs } => Arc::new(WindowExec::try_new(
            create_physical_plan(input, tables)?,
            exprs,
            plan.schema(),
        )?),
        LogicalPlan::Union { inputs } => Arc::new(UnionExec::new(
            inputs
                .iter()
                .map(|i| create_physical_plan(i, tables))
                .collect::<Result<Vec<_>>>()?,
            plan.schema(),
        )),
        LogicalPlan::MvExpand {
            input,
            items,
            index_column,
            bag_as_array,
            limit,
        } => Arc::new(MvExpandExec::try_new(
            create_physical_plan(input, tables)?,
            items,
            index_column.as_deref(),
            *bag_as_array,
            *limit,
            plan.schema(),
        )?),
        LogicalPlan::Limit { input, fetch } => {
            Arc::new(LimitExec::new(create_physical_plan(input, tables)?, *fetch))
        }
    })
}

/// Runs a plan to completion.
pub fn collect(plan: &Arc<dyn ExecutionPlan>) -> Result<Vec<RecordBatch>> {
    plan.execute()?
        .filter(|b| !matches!(b, Ok(b) if b.num_rows() == 0))
        .collect()
}

/// EXPLAIN text of the physical plan.
pub fn display(plan: &Arc<dyn ExecutionPlan>) -> String {
    fn go(p: &Arc<dyn ExecutionPlan>, depth: usize, out: &mut String) {
        out.push_str(&format!(
            "{:02}){}{}\n",
            depth + 1,
            "--".repeat(depth),
            p.describe()
        ));
        for c in p.children() {
            go(c, depth + 1, out);
        }
    }
    let mut s = String::new();
    go(plan, 0, &mut s);
    s
}
