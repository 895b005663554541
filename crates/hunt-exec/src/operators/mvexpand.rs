//! `MvExpandExec`: one output row per element of the expanded dynamic values.
//!
//! Per the Kusto docs: a null value gives one row (null); an empty array or bag gives
//! no rows; several expansions run in lockstep, the shorter padded with nulls; a bag
//! expands to one `{key: value}` (or `[key, value]` with `kind=array`) per entry; with
//! `to typeof(T)` elements that are not of type T become null (a cast, not a parse).
//!
//! Kusto's default row limit per value is 2^31 - 1, so one input batch may expand to any
//! number of rows: the output comes in chunks of at most [`BATCH_SIZE`] rows, resuming
//! inside a value's elements, so a `take` above stops the expansion and the memory limit
//! sees the output as it grows.

use crate::error::{ExecError, Result};
use crate::expr::scalar::array_from_scalars;
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan};
use arrow::array::{
    Array, ArrayRef, Int64Array, RecordBatch, RecordBatchOptions, StringArray, UInt32Array,
};
use arrow::compute::take;
use hunt_plan::expr::Scalar;
use hunt_plan::logical_plan::MvExpandItem;
use hunt_plan::types::{KqlType, Schema};
use serde_json::Value;
use std::sync::Arc;

/// Expands dynamic arrays and bags into rows.
#[derive(Debug)]
pub struct MvExpandExec {
    input: Arc<dyn ExecutionPlan>,
    expander: Expander,
}

/// The per-batch work, shared with the lazy output iterator.
#[derive(Debug, Clone)]
pub(super) struct Expander {
    items: Vec<(PhysicalExpr, KqlType)>,
    /// For each output column: an input column to repeat, or an expansion item.
    outputs: Vec<Out>,
    bag_as_array: bool,
    limit: Option<usize>,
    schema: Schema,
}

#[derive(Debug, Clone, Copy)]
enum Out {
    Input(usize),
    Item(usize),
    Index,
}

impl MvExpandExec {
    /// Compiles the expansions against the input.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        items: &[MvExpandItem],
        index_column: Option<&str>,
        bag_as_array: bool,
        limit: Option<usize>,
        schema: Schema,
    ) -> Result<MvExpandExec> {
        let expander = Expander::try_new(
            input.schema(),
            items,
            index_column,
            bag_as_array,
            limit,
            schema,
        )?;
        Ok(MvExpandExec { input, expander })
    }
}

impl Expander {
    /// Compiles the expansions against `input`; `schema` is the `mv-expand` output.
    pub(super) fn try_new(
        input: &Schema,
        items: &[MvExpandItem],
        index_column: Option<&str>,
        bag_as_array: bool,
        limit: Option<usize>,
        schema: Schema,
    ) -> Result<Expander> {
        let compiled = items
            .iter()
            .map(|i| Ok((compile(&i.expr, input)?, i.ty)))
            .collect::<Result<Vec<_>>>()?;
        let outputs = schema
            .fields
            .iter()
            .map(|f| {
                if let Some(k) = items.iter().position(|i| i.name == f.name) {
                    Ok(Out::Item(k))
                } else if Some(f.name.as_str()) == index_column {
                    Ok(Out::Index)
                } else {
                    input.index_of(&f.name).map(Out::Input).ok_or_else(|| {
                        ExecError::Internal(format!("mv-expand column `{}` missing", f.name))
                    })
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Expander {
            items: compiled,
            outputs,
            bag_as_array,
            limit,
            schema,
        })
    }
}

/// The elements one value expands to.
fn elements(v: Option<&str>, bag_as_array: bool) -> Vec<Value> {
    let Some(text) = v else {
        return vec![Value::Null];
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(a)) => a,
        Ok(Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| {
                if bag_as_array {
                    Value::Array(vec![Value::String(k), v])
                } else {
                    let mut one = serde_json::Map::new();
                    one.insert(k, v);
                    Value::Object(one)
                }
            })
            .collect(),
        Ok(other) => vec![other],
        Err(_) => vec![Value::String(text.to_string())],
    }
}

/// An element as a value of type `ty`; elements of another type become null.
fn element_scalar(v: &Value, ty: KqlType) -> Scalar {
    match (ty, v) {
        (_, Value::Null) => Scalar::Null(ty),
        (KqlType::Dynamic, v) => Scalar::Dynamic(v.clone()),
        (KqlType::String, Value::String(s)) => Scalar::String(s.clone().into()),
        (KqlType::Long, Value::Number(n)) => {
            n.as_i64().map(Scalar::Long).unwrap_or(Scalar::Null(ty))
        }
        (KqlType::Int, Value::Number(n)) => n
            .as_i64()
            .and_then(|x| i32::try_from(x).ok())
            .map(Scalar::Int)
            .unwrap_or(Scalar::Null(ty)),
        (KqlType::Real, Value::Number(n)) => {
            n.as_f64().map(Scalar::Real).unwrap_or(Scalar::Null(ty))
        }
        (KqlType::Bool, Value::Bool(b)) => Scalar::Bool(*b),
        (KqlType::DateTime, Value::String(s)) => {
            hunt_plan::planner::literals::parse_datetime_text(s)
                .map(Scalar::DateTime)
                .unwrap_or(Scalar::Null(ty))
        }
        (KqlType::TimeSpan, Value::String(s)) => {
            hunt_plan::planner::literals::parse_timespan_text(s)
                .map(Scalar::TimeSpan)
                .unwrap_or(Scalar::Null(ty))
        }
        (KqlType::Guid, Value::String(s)) => hunt_plan::planner::literals::parse_guid_text(s)
            .map(Scalar::Guid)
            .unwrap_or(Scalar::Null(ty)),
        _ => Scalar::Null(ty),
    }
}

impl Expander {
    /// The expansion's schema.
    pub(super) fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The expansion of `b` and, for each output row, the input row it comes from
    /// (ascending: each input row's rows are contiguous).
    pub(super) fn expand_rows(&self, b: &RecordBatch) -> Result<(RecordBatch, Vec<u32>)> {
        let vals = self.values(b)?;
        let (out, rows, _) = self.expand_chunk(b, &vals, &mut Cursor::default(), usize::MAX)?;
        Ok((out, rows))
    }

    /// The values of the expanded expressions over `b`.
    fn values(&self, b: &RecordBatch) -> Result<Vec<ArrayRef>> {
        self.items.iter().map(|(e, _)| evaluate(e, b)).collect()
    }

    /// The next at most `cap` rows of the expansion of `b` from `c` (with the input row
    /// each comes from), and whether `b` is done.
    fn expand_chunk(
        &self,
        b: &RecordBatch,
        vals: &[ArrayRef],
        c: &mut Cursor,
        cap: usize,
    ) -> Result<(RecordBatch, Vec<u32>, bool)> {
        let strs = vals
            .iter()
            .map(|a| {
                a.as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or_else(|| ExecError::Internal("mv-expand value is not dynamic".into()))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut rows: Vec<u32> = Vec::new();
        let mut index: Vec<i64> = Vec::new();
        let mut cells: Vec<Vec<Scalar>> = vec![Vec::new(); self.items.len()];
        while c.row < b.num_rows() && rows.len() < cap {
            let r = c.row;
            let els = c.els.get_or_insert_with(|| {
                strs.iter()
                    .map(|s| elements((!s.is_null(r)).then(|| s.value(r)), self.bag_as_array))
                    .collect()
            });
            let mut n = els.iter().map(Vec::len).max().unwrap_or(0);
            if let Some(l) = self.limit {
                n = n.min(l);
            }
            let upto = n.min(c.k.saturating_add(cap - rows.len()));
            for k in c.k..upto {
                rows.push(r as u32);
                index.push(k as i64);
                for (j, e) in els.iter().enumerate() {
                    let ty = self.items[j].1;
                    cells[j].push(
                        e.get(k)
                            .map(|v| element_scalar(v, ty))
                            .unwrap_or(Scalar::Null(ty)),
                    );
                }
            }
            if upto < n {
                c.k = upto;
                break;
            }
            *c = Cursor {
                row: r + 1,
                ..Cursor::default()
            };
        }
        let idx = UInt32Array::from(rows.clone());
        let cols = self
            .outputs
            .iter()
            .map(|o| -> Result<ArrayRef> {
                Ok(match o {
                    Out::Input(c) => take(b.column(*c).as_ref(), &idx, None)?,
                    Out::Item(k) => array_from_scalars(cells[*k].iter(), self.items[*k].1)?,
                    Out::Index => Arc::new(Int64Array::from(index.clone())),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let opts = RecordBatchOptions::new().with_row_count(Some(idx.len()));
        let out = RecordBatch::try_new_with_options(self.schema.to_arrow(), cols, &opts)?;
        Ok((out, rows, c.row >= b.num_rows()))
    }
}

/// Where the expansion of one batch stands: the next input row, the next of its elements,
/// and that row's elements (parsed once however many chunks they fill).
#[derive(Default)]
struct Cursor {
    row: usize,
    k: usize,
    els: Option<Vec<Vec<Value>>>,
}

/// The expansion of an input stream, chunk by chunk.
struct Expanding {
    ex: Expander,
    input: Option<BatchIter>,
    /// The batch being expanded, its expanded values, and where it stands.
    current: Option<(RecordBatch, Vec<ArrayRef>, Cursor)>,
}

impl Iterator for Expanding {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        loop {
            if let Some((b, vals, c)) = self.current.as_mut() {
                match self.ex.expand_chunk(b, vals, c, BATCH_SIZE) {
                    Ok((out, _, done)) => {
                        if done {
                            self.current = None;
                        }
                        if out.num_rows() > 0 {
                            return Some(Ok(out));
                        }
                    }
                    Err(e) => {
                        self.current = None;
                        self.input = None;
                        return Some(Err(e));
                    }
                }
                continue;
            }
            match self.input.as_mut()?.next()? {
                Ok(b) => match self.ex.values(&b) {
                    Ok(vals) => self.current = Some((b, vals, Cursor::default())),
                    Err(e) => {
                        self.input = None;
                        return Some(Err(e));
                    }
                },
                Err(e) => {
                    self.input = None;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl ExecutionPlan for MvExpandExec {
    fn describe(&self) -> String {
        let items: Vec<String> = self
            .expander
            .items
            .iter()
            .map(|(e, t)| format!("{e} to {t}"))
            .collect();
        format!("MvExpandExec: [{}]", items.join(", "))
    }
    fn schema(&self) -> &Schema {
        &self.expander.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        Ok(Box::new(Expanding {
            ex: self.expander.clone(),
            input: Some(self.input.execute()?),
            current: None,
        }))
    }
}
