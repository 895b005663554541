//! `TopNestedExec`: hierarchical top groups (`top-nested`). Buffers its input, then at each
//! level groups the rows of every kept parent group, aggregates, and keeps the top groups.

use crate::error::Result;
use crate::expr::scalar::{array_from_scalars, array_value};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan, collect_held};
use arrow::array::{AsArray, RecordBatch, RecordBatchOptions};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use arrow::row::{Row, RowConverter, SortField};
use hunt_plan::expr::{AggFunc, Scalar};
use hunt_plan::logical_plan::TopNestedLevel;
use hunt_plan::types::{KqlType, Schema};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
struct Level {
    key: PhysicalExpr,
    func: AggFunc,
    arg: Option<PhysicalExpr>,
    ty: KqlType,
    count: Option<usize>,
    descending: bool,
}

/// Hierarchical top-N.
#[derive(Debug)]
pub struct TopNestedExec {
    input: Arc<dyn ExecutionPlan>,
    levels: Vec<Level>,
    schema: Schema,
    /// The query's budget: the buffered input and its values per level are reserved.
    budget: crate::limits::MemoryBudget,
}

const WHAT: &str = "a `top-nested`";

impl TopNestedExec {
    /// Compiles the levels against the input.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        levels: &[TopNestedLevel],
        schema: Schema,
    ) -> Result<TopNestedExec> {
        let levels = levels
            .iter()
            .map(|l| {
                Ok(Level {
                    key: compile(&l.key.1, input.schema())?,
                    func: l.agg.1.func,
                    arg: l
                        .agg
                        .1
                        .args
                        .first()
                        .map(|a| compile(a, input.schema()))
                        .transpose()?,
                    ty: l.agg.1.ty,
                    count: l.count,
                    descending: l.descending,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TopNestedExec {
            input,
            levels,
            schema,
            budget: crate::limits::MemoryBudget::default(),
        })
    }

    /// This operator with what it holds reserved from `budget` (the query's).
    pub fn with_budget(mut self, budget: crate::limits::MemoryBudget) -> Self {
        self.budget = budget;
        self
    }
}

fn as_f64(s: &Scalar) -> Option<f64> {
    match s {
        Scalar::Int(v) => Some(*v as f64),
        Scalar::Long(v) | Scalar::DateTime(v) | Scalar::TimeSpan(v) => Some(*v as f64),
        Scalar::Real(v) => Some(*v),
        _ => None,
    }
}

/// Orders scalars of one type; nulls sort last whatever the direction.
fn cmp(a: &Scalar, b: &Scalar) -> Ordering {
    match (a, b) {
        (Scalar::String(x), Scalar::String(y)) => x.cmp(y),
        _ => as_f64(a)
            .unwrap_or(f64::NAN)
            .total_cmp(&as_f64(b).unwrap_or(f64::NAN)),
    }
}

/// One level's inputs, computed once over the buffered rows.
struct LevelData {
    /// Each row's key as a dense id, in first-appearance order over the input.
    ids: Vec<u32>,
    /// The key value of each id.
    keys: Vec<Scalar>,
    /// Each row's aggregate argument, in the form its aggregate reads.
    args: Args,
}

/// The per-row arguments of a level's aggregate.
enum Args {
    /// `count()`: none.
    None,
    /// `sum` of reals.
    Real(Vec<Option<f64>>),
    /// `sum` of integers (int, long, and the integer-backed datetime and timespan): summed
    /// exactly, wrapping as Kusto's long arithmetic does.
    Int(Vec<Option<i64>>),
    /// `min`/`max`: the values, compared with [`cmp`].
    Values(Vec<Scalar>),
}

impl LevelData {
    /// The level's keys (as ids) and arguments over `all`'s `n` rows.
    fn new(l: &Level, all: &RecordBatch) -> Result<LevelData> {
        let n = all.num_rows();
        let k = evaluate(&l.key, all)?;
        let conv = RowConverter::new(vec![SortField::new(k.data_type().clone())])?;
        let rows = conv.convert_columns(std::slice::from_ref(&k))?;
        let mut index: HashMap<Row<'_>, u32> = HashMap::new();
        let mut ids = Vec::with_capacity(n);
        let mut keys = Vec::new();
        for i in 0..n {
            let next = keys.len() as u32;
            let id = *index.entry(rows.row(i)).or_insert(next);
            if id == next {
                keys.push(array_value(k.as_ref(), i, l.key.ty())?);
            }
            ids.push(id);
        }
        let args = match (&l.arg, l.func) {
            (None, _) | (_, AggFunc::Count) => Args::None,
            (Some(a), AggFunc::Sum) if l.ty == KqlType::Real => {
                let v = cast(&evaluate(a, all)?, &DataType::Float64)?;
                Args::Real(v.as_primitive::<Float64Type>().iter().collect())
            }
            (Some(a), AggFunc::Sum) => {
                let v = cast(&evaluate(a, all)?, &DataType::Int64)?;
                Args::Int(v.as_primitive::<Int64Type>().iter().collect())
            }
            (Some(a), _) => {
                let v = evaluate(a, all)?;
                Args::Values(
                    (0..n)
                        .map(|i| array_value(v.as_ref(), i, a.ty()))
                        .collect::<Result<Vec<_>>>()?,
                )
            }
        };
        Ok(LevelData { ids, keys, args })
    }

    /// The aggregate of `rows` (a group's rows).
    fn aggregate(&self, func: AggFunc, ty: KqlType, rows: &[usize]) -> Scalar {
        match (&self.args, func) {
            (_, AggFunc::Count) | (Args::None, _) => Scalar::Long(rows.len() as i64),
            (Args::Real(v), _) => Scalar::Real(rows.iter().filter_map(|r| v[*r]).sum()),
            (Args::Int(v), _) => Scalar::Long(
                rows.iter()
                    .filter_map(|r| v[*r])
                    .fold(0i64, i64::wrapping_add),
            ),
            (Args::Values(v), f) => {
                let present = rows.iter().map(|r| &v[*r]).filter(|x| !x.is_null());
                let best = if f == AggFunc::Min {
                    present.min_by(|a, b| cmp(a, b))
                } else {
                    present.max_by(|a, b| cmp(a, b))
                };
                best.cloned().unwrap_or(Scalar::Null(ty))
            }
        }
    }
}

impl TopNestedExec {
    fn expand(
        &self,
        level: usize,
        rows: &[usize],
        data: &[LevelData],
        out: &mut Vec<Vec<Scalar>>,
        prefix: &mut Vec<Scalar>,
    ) {
        let (Some(l), Some(d)) = (self.levels.get(level), data.get(level)) else {
            out.push(prefix.clone());
            return;
        };
        // Groups in first-appearance order among `rows`, so ties keep that order.
        let mut groups: Vec<(u32, Vec<usize>)> = Vec::new();
        let mut index: HashMap<u32, usize> = HashMap::new();
        for &r in rows {
            let id = d.ids[r];
            let g = *index.entry(id).or_insert_with(|| {
                groups.push((id, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(r);
        }
        let mut scored: Vec<(u32, Scalar, Vec<usize>)> = groups
            .into_iter()
            .map(|(id, rs)| {
                let v = d.aggregate(l.func, l.ty, &rs);
                (id, v, rs)
            })
            .collect();
        scored.sort_by(|a, b| match (a.1.is_null(), b.1.is_null()) {
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ => {
                let o = cmp(&a.1, &b.1);
                if l.descending { o.reverse() } else { o }
            }
        });
        if let Some(n) = l.count {
            scored.truncate(n);
        }
        for (id, v, rs) in scored {
            prefix.push(d.keys[id as usize].clone());
            prefix.push(v);
            self.expand(level + 1, &rs, data, out, prefix);
            prefix.pop();
            prefix.pop();
        }
    }
}

impl ExecutionPlan for TopNestedExec {
    fn describe(&self) -> String {
        format!("TopNestedExec: {} levels", self.levels.len())
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let (all, mut held) = collect_held(&self.input, &self.budget, WHAT)?;
        let n = all.num_rows();
        let mut data = Vec::with_capacity(self.levels.len());
        for l in &self.levels {
            // Each row's key id and argument, plus the distinct keys.
            held.grow(n * (4 + std::mem::size_of::<Scalar>()), WHAT)?;
            data.push(LevelData::new(l, &all)?);
        }
        let rows: Vec<usize> = (0..n).collect();
        let mut out = Vec::new();
        self.expand(0, &rows, &data, &mut out, &mut Vec::new());
        let cols = self
            .schema
            .fields
            .iter()
            .enumerate()
            .map(|(c, f)| array_from_scalars(out.iter().map(|r| &r[c]), f.ty))
            .collect::<Result<Vec<_>>>()?;
        let opts = RecordBatchOptions::new().with_row_count(Some(out.len()));
        Ok(Box::new(std::iter::once(Ok(
            RecordBatch::try_new_with_options(self.schema.to_arrow(), cols, &opts)?,
        ))))
    }
}
