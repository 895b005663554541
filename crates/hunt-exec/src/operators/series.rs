//! `SeriesExec`: the last step of `make-series`, turning per-bin aggregates into one row
//! per group with an array per aggregate (defaults in empty bins) and the axis array.

use super::accumulators::scalar_json;
use crate::error::Result;
use crate::expr::scalar::array_value;
use crate::physical_plan::{BatchIter, ExecutionPlan, collect_held};
use arrow::array::{
    Array, ArrayRef, Int64Array, RecordBatch, RecordBatchOptions, StringArray, UInt32Array,
};
use arrow::compute::take;
use arrow::row::{RowConverter, SortField};
use hunt_plan::expr::Scalar;
use hunt_plan::types::Schema;
use std::collections::HashMap;
use std::sync::Arc;

/// Assembles series arrays from `(keys…, bin, values…)` rows.
#[derive(Debug)]
pub struct SeriesExec {
    input: Arc<dyn ExecutionPlan>,
    keys: usize,
    defaults: Vec<Scalar>,
    axis: Vec<Scalar>,
    schema: Schema,
    /// The query's budget: the buffered input and the series arrays are reserved.
    budget: crate::limits::MemoryBudget,
}

const WHAT: &str = "a `make-series`";

impl SeriesExec {
    /// A series over `input`, whose first `keys` columns are the group keys.
    pub fn new(
        input: Arc<dyn ExecutionPlan>,
        keys: usize,
        defaults: Vec<Scalar>,
        axis: Vec<Scalar>,
        schema: Schema,
    ) -> SeriesExec {
        SeriesExec {
            input,
            keys,
            defaults,
            axis,
            schema,
            budget: crate::limits::MemoryBudget::default(),
        }
    }

    /// This operator with what it holds reserved from `budget` (the query's).
    pub fn with_budget(mut self, budget: crate::limits::MemoryBudget) -> Self {
        self.budget = budget;
        self
    }
}

impl ExecutionPlan for SeriesExec {
    fn describe(&self) -> String {
        format!("SeriesExec: {} bins", self.axis.len())
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let in_schema = self.input.schema().clone();
        let (all, mut held) = collect_held(&self.input, &self.budget, WHAT)?;
        let n = self.axis.len();
        let key_cols: Vec<ArrayRef> = all.columns()[..self.keys].to_vec();
        let bins = all
            .column(self.keys)
            .as_any()
            .downcast_ref::<Int64Array>()
            .cloned()
            .unwrap_or_else(|| Int64Array::from(Vec::<i64>::new()));
        // Group rows by key (one group when there are no keys). An empty input makes no
        // series at all, as the make-series docs show (`take 0 | make-series … | count`
        // is 0; only `kind=nonempty` would give a row of defaults).
        let mut first_row: Vec<u32> = Vec::new();
        let mut group_of: Vec<usize> = Vec::with_capacity(all.num_rows());
        if self.keys == 0 {
            if all.num_rows() > 0 {
                first_row.push(0);
            }
            group_of.resize(all.num_rows(), 0);
        } else {
            let conv = RowConverter::new(
                key_cols
                    .iter()
                    .map(|c| SortField::new(c.data_type().clone()))
                    .collect(),
            )?;
            let rows = conv.convert_columns(&key_cols)?;
            let mut index: HashMap<Box<[u8]>, usize> = HashMap::new();
            for i in 0..all.num_rows() {
                let g = *index.entry(rows.row(i).as_ref().into()).or_insert_with(|| {
                    first_row.push(i as u32);
                    first_row.len() - 1
                });
                group_of.push(g);
            }
        }
        let groups = first_row.len();
        // Every group gets an array of `n` bins per aggregate, filled or not.
        let cells = groups.saturating_mul(n).saturating_mul(self.defaults.len());
        held.grow(
            cells.saturating_mul(std::mem::size_of::<serde_json::Value>() + 8),
            WHAT,
        )?;
        let mut series: Vec<Vec<Vec<serde_json::Value>>> = self
            .defaults
            .iter()
            .map(|d| vec![vec![scalar_json(d); n]; groups])
            .collect();
        for (k, s) in series.iter_mut().enumerate() {
            let col = all.column(self.keys + 1 + k);
            let ty = in_schema.fields[self.keys + 1 + k].ty;
            for (i, g) in group_of.iter().enumerate() {
                if bins.is_null(i) {
                    continue;
                }
                let b = bins.value(i);
                if let Ok(b) = usize::try_from(b) {
                    if b < n && col.is_valid(i) {
                        s[*g][b] = scalar_json(&array_value(col.as_ref(), i, ty)?);
                    }
                }
            }
        }
        let take_idx = UInt32Array::from(first_row);
        let mut cols: Vec<ArrayRef> = Vec::new();
        for c in &key_cols {
            cols.push(take(c.as_ref(), &take_idx, None)?);
        }
        for s in series {
            cols.push(Arc::new(StringArray::from_iter_values(
                s.into_iter()
                    .map(|v| serde_json::Value::Array(v).to_string()),
            )));
        }
        let axis =
            serde_json::Value::Array(self.axis.iter().map(scalar_json).collect()).to_string();
        cols.push(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n(axis, groups),
        )));
        let opts = RecordBatchOptions::new().with_row_count(Some(groups));
        Ok(Box::new(std::iter::once(Ok(
            RecordBatch::try_new_with_options(self.schema.to_arrow(), cols, &opts)?,
        ))))
    }
}
