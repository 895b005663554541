//! `AggregateExec`: hash aggregation for `summarize`, `count` and `distinct`.
//!
//! Group keys are encoded with arrow's `RowConverter` into byte strings that hash
//! and compare as the values do; each aggregate keeps one state per group.

use super::accumulators::Acc;
use crate::error::{ExecError, Result};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan};
use arrow::array::*;
use arrow::record_batch::RecordBatch;
use arrow::row::{OwnedRow, RowConverter, SortField};
use hunt_plan::expr::{AggExpr, AggFunc, Expr};
use hunt_plan::types::{KqlType, Schema};
use std::collections::HashMap;
use std::sync::Arc;

/// One aggregate ready to run: function, arguments, result type, optional row filter.
#[derive(Debug)]
struct CompiledAgg {
    func: AggFunc,
    args: Vec<PhysicalExpr>,
    ty: KqlType,
    filter: Option<PhysicalExpr>,
}

/// Groups rows by key and computes aggregates; output is keys then aggregates.
#[derive(Debug)]
pub struct AggregateExec {
    input: Arc<dyn ExecutionPlan>,
    keys: Vec<PhysicalExpr>,
    aggs: Vec<CompiledAgg>,
    schema: Schema,
}

impl AggregateExec {
    /// Compiles keys and aggregate arguments against the input schema.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        group_by: &[(String, Expr)],
        aggs: &[(String, AggExpr)],
        schema: Schema,
    ) -> Result<AggregateExec> {
        let keys = group_by
            .iter()
            .map(|(_, e)| compile(e, input.schema()))
            .collect::<Result<Vec<_>>>()?;
        let aggs = aggs
            .iter()
            .map(|(_, a)| {
                let args = a
                    .args
                    .iter()
                    .map(|e| compile(e, input.schema()))
                    .collect::<Result<Vec<_>>>()?;
                let filter = a
                    .filter
                    .as_ref()
                    .map(|f| compile(f, input.schema()))
                    .transpose()?;
                Ok(CompiledAgg {
                    func: a.func,
                    args,
                    ty: a.ty,
                    filter,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(AggregateExec {
            input,
            keys,
            aggs,
            schema,
        })
    }
}

impl ExecutionPlan for AggregateExec {
    fn describe(&self) -> String {
        let n = self.keys.len();
        let keys: Vec<String> = self
            .keys
            .iter()
            .zip(&self.schema.fields)
            .map(|(k, f)| format!("{}={k}", f.name))
            .collect();
        let aggs: Vec<String> = self
            .aggs
            .iter()
            .zip(&self.schema.fields[n..])
            .map(|(agg, fld)| {
                let a: Vec<String> = agg.args.iter().map(|x| x.to_string()).collect();
                let f = agg
                    .filter
                    .as_ref()
                    .map(|f| format!(" if {f}"))
                    .unwrap_or_default();
                format!("{}={:?}({}){f}", fld.name, agg.func, a.join(", "))
            })
            .collect();
        format!(
            "AggregateExec: by=[{}] aggs=[{}]",
            keys.join(", "),
            aggs.join(", ")
        )
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let key_types: Vec<KqlType> = self.keys.iter().map(|k| k.ty()).collect();
        let mut conv = if key_types.is_empty() {
            None
        } else {
            Some(RowConverter::new(
                key_types
                    .iter()
                    .map(|t| SortField::new(t.arrow_type()))
                    .collect(),
            )?)
        };
        let mut accs = self
            .aggs
            .iter()
            .map(|a| {
                let tys: Vec<KqlType> = a.args.iter().map(|x| x.ty()).collect();
                Acc::new(a.func, &tys, a.ty)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut index: HashMap<Box<[u8]>, usize> = HashMap::new();
        let mut group_keys: Vec<OwnedRow> = Vec::new();
        // Without `by`, there is exactly one group even over no rows (count() is 0).
        let mut groups = if conv.is_none() { 1 } else { 0 };
        accs.iter_mut().for_each(|a| a.grow(groups));
        let mut gids = Vec::new();
        for batch in self.input.execute()? {
            let batch = batch?;
            let n = batch.num_rows();
            gids.clear();
            match conv.as_mut() {
                None => gids.resize(n, 0),
                Some(conv) => {
                    let cols = self
                        .keys
                        .iter()
                        .map(|k| evaluate(k, &batch))
                        .collect::<Result<Vec<_>>>()?;
                    let rows = conv.convert_columns(&cols)?;
                    for i in 0..n {
                        let r = rows.row(i);
                        let g = match index.get(r.as_ref()) {
                            Some(g) => *g,
                            None => {
                                index.insert(r.as_ref().into(), groups);
                                group_keys.push(r.owned());
                                groups += 1;
                                groups - 1
                            }
                        };
                        gids.push(g);
                    }
                }
            }
            accs.iter_mut().for_each(|a| a.grow(groups));
            for (acc, agg) in accs.iter_mut().zip(&self.aggs) {
                let mut vals = agg
                    .args
                    .iter()
                    .map(|a| evaluate(a, &batch))
                    .collect::<Result<Vec<_>>>()?;
                let tys: Vec<KqlType> = agg.args.iter().map(|a| a.ty()).collect();
                match &agg.filter {
                    None => acc.update(&gids, &vals, &tys)?,
                    Some(f) => {
                        // `…if` aggregates see only the rows where their predicate is true.
                        let mask = evaluate(f, &batch)?;
                        let mask =
                            mask.as_any()
                                .downcast_ref::<BooleanArray>()
                                .ok_or_else(|| {
                                    ExecError::Internal("aggregate filter is not bool".into())
                                })?;
                        let keep: Vec<usize> = gids
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask.is_valid(*i) && mask.value(*i))
                            .map(|(_, g)| *g)
                            .collect();
                        for v in vals.iter_mut() {
                            *v = arrow::compute::filter(v.as_ref(), mask)?;
                        }
                        acc.update(&keep, &vals, &tys)?;
                    }
                }
            }
        }
        let mut cols: Vec<ArrayRef> = match conv {
            Some(conv) => conv.convert_rows(group_keys.iter().map(|r| r.row()))?,
            None => vec![],
        };
        for (acc, agg) in accs.into_iter().zip(&self.aggs) {
            cols.push(acc.finish(agg.ty)?);
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(groups));
        let batch = RecordBatch::try_new_with_options(self.schema.to_arrow(), cols, &opts)?;
        Ok(Box::new(std::iter::once(Ok(batch))))
    }
}
