//! `TopNestedExec`: hierarchical top groups (`top-nested`). Buffers its input, then at each
//! level groups the rows of every kept parent group, aggregates, and keeps the top groups.

use crate::error::Result;
use crate::expr::scalar::{array_from_scalars, array_value};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan, collect_held};
use arrow::array::{RecordBatch, RecordBatchOptions};
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

fn aggregate(func: AggFunc, ty: KqlType, vals: &[&Scalar], n: usize) -> Scalar {
    let present: Vec<&&Scalar> = vals.iter().filter(|v| !v.is_null()).collect();
    match func {
        AggFunc::Count => Scalar::Long(n as i64),
        AggFunc::Sum => match ty {
            KqlType::Real => Scalar::Real(present.iter().filter_map(|v| as_f64(v)).sum()),
            _ => Scalar::Long(
                present
                    .iter()
                    .filter_map(|v| as_f64(v).map(|x| x as i64))
                    .fold(0i64, i64::wrapping_add),
            ),
        },
        AggFunc::Min => present
            .iter()
            .min_by(|a, b| cmp(a, b))
            .map(|v| (**v).clone())
            .unwrap_or(Scalar::Null(ty)),
        _ => present
            .iter()
            .max_by(|a, b| cmp(a, b))
            .map(|v| (**v).clone())
            .unwrap_or(Scalar::Null(ty)),
    }
}

impl TopNestedExec {
    fn expand(
        &self,
        level: usize,
        rows: &[usize],
        keys: &[Vec<Scalar>],
        args: &[Vec<Scalar>],
        out: &mut Vec<Vec<Scalar>>,
        prefix: &mut Vec<Scalar>,
    ) {
        let Some(l) = self.levels.get(level) else {
            out.push(prefix.clone());
            return;
        };
        let mut groups: Vec<(Scalar, Vec<usize>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for &r in rows {
            let k = &keys[level][r];
            let id = format!("{k:?}");
            let g = *index.entry(id).or_insert_with(|| {
                groups.push((k.clone(), Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(r);
        }
        let mut scored: Vec<(Scalar, Scalar, Vec<usize>)> = groups
            .into_iter()
            .map(|(k, rs)| {
                let vals: Vec<&Scalar> = rs.iter().map(|r| &args[level][*r]).collect();
                let v = aggregate(l.func, l.ty, &vals, rs.len());
                (k, v, rs)
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
        for (k, v, rs) in scored {
            prefix.push(k);
            prefix.push(v);
            self.expand(level + 1, &rs, keys, args, out, prefix);
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
        let mut keys = Vec::new();
        let mut args = Vec::new();
        for l in &self.levels {
            let k = evaluate(&l.key, &all)?;
            // Each row's key and value become scalars: two per row, plus the key's text.
            let scalars = 2 * n * std::mem::size_of::<Scalar>();
            held.grow(scalars + k.get_array_memory_size(), WHAT)?;
            keys.push(
                (0..n)
                    .map(|i| array_value(k.as_ref(), i, l.key.ty()))
                    .collect::<Result<Vec<_>>>()?,
            );
            args.push(match &l.arg {
                Some(a) => {
                    let v = evaluate(a, &all)?;
                    (0..n)
                        .map(|i| array_value(v.as_ref(), i, a.ty()))
                        .collect::<Result<Vec<_>>>()?
                }
                None => vec![Scalar::Null(KqlType::Long); n],
            });
        }
        let rows: Vec<usize> = (0..n).collect();
        let mut out = Vec::new();
        self.expand(0, &rows, &keys, &args, &mut out, &mut Vec::new());
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
