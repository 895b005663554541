//! `SortExec`: `sort by` and, with a fetch, `top N by`.

use crate::error::{ExecError, Result};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan, Folded, UnitFold};
use crate::scan::TopBound;
use arrow::array::Array;
use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::{
    LexicographicalComparator, SortColumn, SortOptions, concat_batches, take_record_batch,
};
use hunt_plan::logical_plan::SortKey;
use hunt_plan::types::Schema;
use std::sync::Arc;

/// Buffers its input, sorts it, and yields the (first `fetch`) rows.
#[derive(Debug)]
pub struct SortExec {
    input: Arc<dyn ExecutionPlan>,
    order: Arc<Order>,
    /// The query's budget: a full sort holds its input, reserved from it.
    budget: crate::limits::MemoryBudget,
}

/// The sort keys and the row limit, shared with the scan's workers for `top`.
#[derive(Debug)]
pub(super) struct Order {
    pub(super) keys: Vec<(PhysicalExpr, SortOptions)>,
    fetch: Option<usize>,
    /// For `top`: the scan's running bound on the first key, and that key's column.
    bound: Option<(Arc<TopBound>, usize)>,
}

impl SortExec {
    /// Compiles the keys against the input.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        keys: &[SortKey],
        fetch: Option<usize>,
    ) -> Result<SortExec> {
        let keys = keys
            .iter()
            .map(|k| {
                let opts = SortOptions {
                    descending: k.descending,
                    nulls_first: k.nulls_first,
                };
                Ok((compile(&k.expr, input.schema())?, opts))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SortExec {
            input,
            order: Arc::new(Order {
                keys,
                fetch,
                bound: None,
            }),
            budget: crate::limits::MemoryBudget::default(),
        })
    }

    /// This sort with what it holds reserved from `budget` (the query's).
    pub fn with_budget(mut self, budget: crate::limits::MemoryBudget) -> SortExec {
        self.budget = budget;
        self
    }
}

impl SortExec {
    /// Tightens `bound` (the scan's, on input column `column`, the first sort key) as the
    /// best rows fill up.
    pub fn with_bound(mut self, bound: Arc<TopBound>, column: usize) -> SortExec {
        if let Some(order) = Arc::get_mut(&mut self.order) {
            order.bound = Some((bound, column));
        }
        self
    }
}

impl ExecutionPlan for SortExec {
    fn describe(&self) -> String {
        let k: Vec<String> = self
            .order
            .keys
            .iter()
            .map(|(e, o)| format!("{e} {}", if o.descending { "desc" } else { "asc" }))
            .collect();
        match self.order.fetch {
            Some(n) => format!("SortExec: TopK(fetch={n}) [{}]", k.join(", ")),
            None => format!("SortExec: [{}]", k.join(", ")),
        }
    }
    fn schema(&self) -> &Schema {
        self.input.schema()
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let arrow_schema = self.input.schema().to_arrow();
        if let Some(n) = self
            .order
            .fetch
            .filter(|n| *n > super::sort_spill::TOP_HELD_ROWS)
        {
            // A `top` of very many rows is a full sort, which can spill, cut after `n` rows.
            let sorted = super::sort_spill::sort_all(
                self.input.execute()?,
                &self.order,
                &arrow_schema,
                &self.budget,
            )?;
            return Ok(super::sort_spill::first_rows(sorted, n));
        }
        if self.order.fetch.is_some() {
            // `top k`: keep only the best k rows seen so far, so memory holds k rows plus
            // one batch, whatever the input size. Above a scan, each unit's best k rows are
            // found on the worker that decodes it, and merged here in unit order.
            let order = self.order.clone();
            let schema = arrow_schema.clone();
            let fold: UnitFold = Arc::new(move |batches| {
                let mut best = None;
                for b in batches {
                    best = order.keep_best(&schema, best, b?)?;
                }
                Ok(Box::new(best) as Folded)
            });
            let mut best: Option<RecordBatch> = None;
            match self.input.execute_units(fold) {
                Some(units) => {
                    for unit in units? {
                        let unit = unit?.downcast::<Option<RecordBatch>>().map_err(|_| {
                            ExecError::Internal("a unit folded into another type".into())
                        })?;
                        if let Some(b) = *unit {
                            best = self.order.keep_best(&arrow_schema, best, b)?;
                        }
                    }
                }
                None => {
                    for b in self.input.execute()? {
                        best = self.order.keep_best(&arrow_schema, best, b?)?;
                    }
                }
            }
            return Ok(Box::new(best.into_iter().map(Ok)));
        }
        // The full sort: in memory, or spilled past the query's threshold.
        super::sort_spill::sort_all(
            self.input.execute()?,
            &self.order,
            &arrow_schema,
            &self.budget,
        )
    }
}

impl Order {
    /// The best `fetch` rows of `kept` (earlier rows) and `b` (later ones). `b`'s own best
    /// rows are taken first, so only those are copied; the kept rows come first, so ties
    /// keep input order.
    fn keep_best(
        &self,
        schema: &arrow::datatypes::SchemaRef,
        kept: Option<RecordBatch>,
        b: RecordBatch,
    ) -> Result<Option<RecordBatch>> {
        let b = match self.sorted(b)? {
            Some(b) => b,
            None => return Ok(kept),
        };
        let best = match kept {
            None => Some(b),
            Some(kept) => self.sorted(concat_batches(schema, &[kept, b])?)?,
        };
        if let (Some((bound, col)), Some(best)) = (&self.bound, &best) {
            // With `fetch` rows kept, the last one's key bounds every row still to come.
            if Some(best.num_rows()) == self.fetch {
                let last = best.column(*col).slice(best.num_rows() - 1, 1);
                if let Ok(v) = arrow::compute::cast(&last, &arrow::datatypes::DataType::Int64) {
                    if let Some(v) = v.as_any().downcast_ref::<arrow::array::Int64Array>() {
                        if v.is_valid(0) {
                            bound.tighten(v.value(0));
                        }
                    }
                }
            }
        }
        Ok(best)
    }

    /// The rows of `all` in order (the first `fetch` of them), or `None` when there are none.
    pub(super) fn sorted(&self, all: RecordBatch) -> Result<Option<RecordBatch>> {
        if all.num_rows() == 0 {
            return Ok(None);
        }
        let cols = self
            .keys
            .iter()
            .map(|(e, o)| {
                Ok(SortColumn {
                    values: evaluate(e, &all)?,
                    options: Some(*o),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Ties keep their input order: the row number breaks them, which also makes the
        // partial selection for `top` deterministic.
        let cmp = LexicographicalComparator::try_new(&cols)?;
        let order = |a: &u32, b: &u32| cmp.compare(*a as usize, *b as usize).then(a.cmp(b));
        let mut idx: Vec<u32> = (0..all.num_rows() as u32).collect();
        if let Some(k) = self.fetch.filter(|k| *k < idx.len()) {
            if k == 0 {
                return Ok(None);
            }
            idx.select_nth_unstable_by(k - 1, order);
            idx.truncate(k);
        }
        idx.sort_unstable_by(order);
        let idx = UInt32Array::from(idx);
        Ok(Some(take_record_batch(&all, &idx)?))
    }
}
