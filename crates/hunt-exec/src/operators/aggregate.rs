//! `AggregateExec`: hash aggregation for `summarize`, `count` and `distinct`.
//!
//! Group keys are encoded with arrow's `RowConverter` into byte strings that hash
//! and compare as the values do; each aggregate keeps one state per group.

use crate::error::{ExecError, Result};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan};
use arrow::array::*;
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use arrow::row::{OwnedRow, RowConverter, SortField};
use hunt_plan::expr::{AggExpr, AggFunc, Expr};
use hunt_plan::types::{KqlType, Schema};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Groups rows by key and computes aggregates; output is keys then aggregates.
#[derive(Debug)]
pub struct AggregateExec {
    input: Arc<dyn ExecutionPlan>,
    keys: Vec<PhysicalExpr>,
    aggs: Vec<(AggFunc, Vec<PhysicalExpr>, KqlType)>,
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
                Ok((a.func, args, a.ty))
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

/// Per-group state of one aggregate.
enum Acc {
    Count(Vec<i64>),
    CountIf(Vec<i64>),
    DCount(RowConverter, Vec<HashSet<Box<[u8]>>>),
    SumLong(Vec<i64>),
    SumReal(Vec<f64>),
    Avg(Vec<f64>, Vec<i64>),
    /// min/max keep the best value's order-preserving row encoding.
    MinMax {
        min: bool,
        conv: RowConverter,
        best: Vec<Option<OwnedRow>>,
        dt: DataType,
    },
}

impl Acc {
    fn new(func: AggFunc, arg_ty: Option<KqlType>, out: KqlType) -> Result<Acc> {
        let dt = arg_ty.map(|t| t.arrow_type()).unwrap_or(DataType::Int64);
        Ok(match func {
            AggFunc::Count => Acc::Count(vec![]),
            AggFunc::CountIf => Acc::CountIf(vec![]),
            AggFunc::DCount => Acc::DCount(RowConverter::new(vec![SortField::new(dt)])?, vec![]),
            AggFunc::Sum if out == KqlType::Real => Acc::SumReal(vec![]),
            AggFunc::Sum => Acc::SumLong(vec![]),
            AggFunc::Avg => Acc::Avg(vec![], vec![]),
            AggFunc::Min | AggFunc::Max => Acc::MinMax {
                min: func == AggFunc::Min,
                conv: RowConverter::new(vec![SortField::new(dt.clone())])?,
                best: vec![],
                dt,
            },
        })
    }

    fn grow(&mut self, groups: usize) {
        match self {
            Acc::Count(v) | Acc::CountIf(v) | Acc::SumLong(v) => v.resize(groups, 0),
            Acc::SumReal(v) => v.resize(groups, 0.0),
            Acc::Avg(s, c) => {
                s.resize(groups, 0.0);
                c.resize(groups, 0);
            }
            Acc::DCount(_, v) => v.resize_with(groups, HashSet::new),
            Acc::MinMax { best, .. } => best.resize(groups, None),
        }
    }

    fn update(&mut self, gids: &[usize], args: &[ArrayRef], arg_ty: Option<KqlType>) -> Result<()> {
        let bad = || ExecError::Internal("aggregate argument of an unexpected type".into());
        match self {
            Acc::Count(v) => gids.iter().for_each(|g| v[*g] += 1),
            Acc::CountIf(v) => {
                let p = args[0]
                    .as_any()
                    .downcast_ref::<BooleanArray>()
                    .ok_or_else(bad)?;
                for (i, g) in gids.iter().enumerate() {
                    if p.is_valid(i) && p.value(i) {
                        v[*g] += 1;
                    }
                }
            }
            Acc::SumLong(v) => {
                let a = cast(&args[0], &DataType::Int64)?;
                let a = a.as_any().downcast_ref::<Int64Array>().ok_or_else(bad)?;
                for (i, g) in gids.iter().enumerate() {
                    if a.is_valid(i) {
                        v[*g] = v[*g].wrapping_add(a.value(i));
                    }
                }
            }
            Acc::SumReal(v) => {
                let a = cast(&args[0], &DataType::Float64)?;
                let a = a.as_any().downcast_ref::<Float64Array>().ok_or_else(bad)?;
                for (i, g) in gids.iter().enumerate() {
                    if a.is_valid(i) {
                        v[*g] += a.value(i);
                    }
                }
            }
            Acc::Avg(sums, counts) => {
                let a = cast(&args[0], &DataType::Float64)?;
                let a = a.as_any().downcast_ref::<Float64Array>().ok_or_else(bad)?;
                for (i, g) in gids.iter().enumerate() {
                    if a.is_valid(i) {
                        sums[*g] += a.value(i);
                        counts[*g] += 1;
                    }
                }
            }
            Acc::DCount(conv, sets) => {
                let rows = conv.convert_columns(&[args[0].clone()])?;
                for (i, g) in gids.iter().enumerate() {
                    if args[0].is_valid(i) {
                        sets[*g].insert(rows.row(i).as_ref().into());
                    }
                }
            }
            Acc::MinMax {
                min, conv, best, ..
            } => {
                let skip_empty = arg_ty == Some(KqlType::String);
                let strs = args[0].as_any().downcast_ref::<StringArray>();
                let rows = conv.convert_columns(&[args[0].clone()])?;
                for (i, g) in gids.iter().enumerate() {
                    // Nulls (and, for strings, the empty string that stands for null) are ignored.
                    if args[0].is_null(i)
                        || (skip_empty && strs.is_some_and(|s| s.value(i).is_empty()))
                    {
                        continue;
                    }
                    let r = rows.row(i);
                    let better = match &best[*g] {
                        None => true,
                        Some(b) => {
                            if *min {
                                r < b.row()
                            } else {
                                r > b.row()
                            }
                        }
                    };
                    if better {
                        best[*g] = Some(r.owned());
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(self, out: KqlType) -> Result<ArrayRef> {
        Ok(match self {
            Acc::Count(v) | Acc::CountIf(v) => Arc::new(Int64Array::from(v)),
            Acc::SumLong(v) => cast(
                &(Arc::new(Int64Array::from(v)) as ArrayRef),
                &out.arrow_type(),
            )?,
            Acc::SumReal(v) => Arc::new(Float64Array::from(v)),
            // 0/0 is NaN: Kusto's avg over no rows.
            Acc::Avg(s, c) => Arc::new(Float64Array::from_iter_values(
                s.iter().zip(&c).map(|(s, c)| s / *c as f64),
            )),
            Acc::DCount(_, sets) => Arc::new(Int64Array::from_iter_values(
                sets.iter().map(|s| s.len() as i64),
            )),
            Acc::MinMax { conv, best, dt, .. } => {
                let null = conv.convert_columns(&[new_null_array(&dt, 1)])?;
                let rows: Vec<_> = best
                    .iter()
                    .map(|b| b.as_ref().map(|r| r.row()).unwrap_or(null.row(0)))
                    .collect();
                let mut cols = conv.convert_rows(rows)?;
                cols.pop()
                    .ok_or_else(|| ExecError::Internal("min/max produced no column".into()))?
            }
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
            .map(|((f, a, _), fld)| {
                let a: Vec<String> = a.iter().map(|x| x.to_string()).collect();
                format!("{}={:?}({})", fld.name, f, a.join(", "))
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
            .map(|(f, a, t)| Acc::new(*f, a.first().map(|x| x.ty()), *t))
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
            for (acc, (_, args, _)) in accs.iter_mut().zip(&self.aggs) {
                let vals = args
                    .iter()
                    .map(|a| evaluate(a, &batch))
                    .collect::<Result<Vec<_>>>()?;
                acc.update(&gids, &vals, args.first().map(|a| a.ty()))?;
            }
        }
        let mut cols: Vec<ArrayRef> = match conv {
            Some(conv) => conv.convert_rows(group_keys.iter().map(|r| r.row()))?,
            None => vec![],
        };
        for (acc, (_, _, ty)) in accs.into_iter().zip(&self.aggs) {
            cols.push(acc.finish(*ty)?);
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(groups));
        let batch = RecordBatch::try_new_with_options(self.schema.to_arrow(), cols, &opts)?;
        Ok(Box::new(std::iter::once(Ok(batch))))
    }
}
