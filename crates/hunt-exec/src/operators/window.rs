//! `WindowExec`: window-function columns over serialized rows.
//!
//! The input streams batch by batch in its serialized order, each window function carrying
//! its state across batches (the running number or sum, the rank run, the last values for
//! `prev`), so any number of rows is numbered in constant memory. Only `next` looks ahead:
//! with it, the input is held (and reserved) whole and computed in one pass.

use crate::error::{ExecError, Result};
use crate::expr::scalar::{array_from_scalars, array_value};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan, collect_held};
use crate::spill::conform;
use arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, RecordBatchOptions};
use arrow::datatypes::{DataType, Field, Schema as ArrowSchema};
use arrow::row::{RowConverter, SortField};
use hunt_plan::expr::Scalar;
use hunt_plan::logical_plan::WindowFunc;
use hunt_plan::types::{KqlType, Schema};
use std::sync::Arc;

/// A compiled window function.
#[derive(Debug, Clone)]
enum Win {
    RowNumber {
        start: i64,
        restart: Option<PhysicalExpr>,
    },
    RowCumsum {
        expr: PhysicalExpr,
        restart: Option<PhysicalExpr>,
    },
    Shift {
        expr: PhysicalExpr,
        offset: usize,
        default: Scalar,
        forward: bool,
    },
    RowRank {
        expr: PhysicalExpr,
        restart: Option<PhysicalExpr>,
        dense: bool,
    },
}

/// Appends window-function columns to its (buffered) input.
#[derive(Debug)]
pub struct WindowExec {
    input: Arc<dyn ExecutionPlan>,
    wins: Vec<Win>,
    schema: Schema,
    /// The query's budget: the buffered input and the new columns are reserved.
    budget: crate::limits::MemoryBudget,
}

const WHAT: &str = "window functions (`serialize`, `row_number`, `prev`, …)";

impl WindowExec {
    /// Compiles the window functions against the input.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        exprs: &[(String, WindowFunc)],
        schema: Schema,
    ) -> Result<WindowExec> {
        // A window's arguments may read earlier windows (`row_rank_min(v, g != prev(g))`
        // binds `prev` first), so each compiles against the input plus those before it.
        let mut s = input.schema().clone();
        let mut wins = Vec::with_capacity(exprs.len());
        for (name, w) in exprs {
            let c = |e: &hunt_plan::expr::Expr| compile(e, &s);
            let opt =
                |e: &Option<hunt_plan::expr::Expr>| e.as_ref().map(|e| compile(e, &s)).transpose();
            let win = match w {
                WindowFunc::RowNumber { start, restart } => Win::RowNumber {
                    start: *start,
                    restart: opt(restart)?,
                },
                WindowFunc::RowCumsum { expr, restart } => Win::RowCumsum {
                    expr: c(expr)?,
                    restart: opt(restart)?,
                },
                WindowFunc::Shift {
                    expr,
                    offset,
                    default,
                    forward,
                } => Win::Shift {
                    expr: c(expr)?,
                    offset: *offset,
                    default: default.clone(),
                    forward: *forward,
                },
                WindowFunc::RowRank {
                    expr,
                    restart,
                    dense,
                } => Win::RowRank {
                    expr: c(expr)?,
                    restart: opt(restart)?,
                    dense: *dense,
                },
            };
            s.fields.push(hunt_plan::types::Field::new(name, w.ty()));
            wins.push(win);
        }
        Ok(WindowExec {
            input,
            wins,
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

fn restarts(r: &Option<PhysicalExpr>, b: &RecordBatch) -> Result<Option<BooleanArray>> {
    match r {
        None => Ok(None),
        Some(e) => {
            let a = evaluate(e, b)?;
            let a = a
                .as_any()
                .downcast_ref::<BooleanArray>()
                .ok_or_else(|| ExecError::Internal("restart condition is not bool".into()))?
                .clone();
            Ok(Some(a))
        }
    }
}

fn is_restart(r: &Option<BooleanArray>, i: usize) -> bool {
    r.as_ref().is_some_and(|a| a.is_valid(i) && a.value(i))
}

/// What one window function carries from one batch to the next, so the input streams: the
/// rows seen, the running number or sum, the rank run, the last values for `prev`.
#[derive(Default)]
struct WinState {
    /// Rows seen in earlier batches.
    seen: usize,
    /// `row_number`'s last number; `row_rank_*`'s rank and dense rank.
    number: i64,
    dense: i64,
    /// `row_rank_*`: the row where the current restart segment began.
    base: usize,
    /// `row_cumsum`'s running sums.
    long_sum: i64,
    real_sum: f64,
    /// `row_rank_*`: the encoder of values and the last row's value.
    ranks: Option<(RowConverter, DataType, arrow::row::OwnedRow)>,
    /// `prev`: the last `offset` values of the expression.
    tail: Option<ArrayRef>,
}

impl WinState {
    /// `w`'s column for `b`, the batch after those already seen.
    fn column(&mut self, w: &Win, b: &RecordBatch) -> Result<ArrayRef> {
        let n = b.num_rows();
        let first = self.seen;
        self.seen += n;
        Ok(match w {
            Win::RowNumber { start, restart } => {
                let r = restarts(restart, b)?;
                if first == 0 {
                    self.number = *start - 1;
                }
                let cur = &mut self.number;
                Arc::new(Int64Array::from_iter_values((0..n).map(|i| {
                    *cur = if first + i > 0 && is_restart(&r, i) {
                        *start
                    } else {
                        *cur + 1
                    };
                    *cur
                })))
            }
            Win::RowCumsum { expr, restart } => {
                let v = evaluate(expr, b)?;
                let r = restarts(restart, b)?;
                let ty = expr.ty();
                let mut out = Vec::with_capacity(n);
                if ty == KqlType::Real {
                    let acc = &mut self.real_sum;
                    for i in 0..n {
                        let x = match array_value(v.as_ref(), i, ty)? {
                            Scalar::Real(x) => x,
                            _ => 0.0,
                        };
                        *acc = if is_restart(&r, i) { x } else { *acc + x };
                        out.push(Scalar::Real(*acc));
                    }
                } else {
                    let acc = &mut self.long_sum;
                    for i in 0..n {
                        let x = match array_value(v.as_ref(), i, ty)? {
                            Scalar::Long(x) | Scalar::TimeSpan(x) => x,
                            _ => 0,
                        };
                        *acc = if is_restart(&r, i) {
                            x
                        } else {
                            acc.wrapping_add(x)
                        };
                        out.push(if ty == KqlType::TimeSpan {
                            Scalar::TimeSpan(*acc)
                        } else {
                            Scalar::Long(*acc)
                        });
                    }
                }
                array_from_scalars(out.iter(), ty)?
            }
            Win::Shift {
                expr,
                offset,
                default,
                forward,
            } => {
                let v = evaluate(expr, b)?;
                let ty = expr.ty();
                // `prev` reads the values before this batch from the tail kept of the
                // last one; `next` only runs over the whole input at once.
                let v = match self.tail.take() {
                    Some(t) if !*forward && t.len() > 0 => {
                        let t = arrow::compute::cast(&t, v.data_type())?;
                        arrow::compute::concat(&[t.as_ref(), v.as_ref()])?
                    }
                    _ => v,
                };
                let before = v.len() - n;
                if !*forward {
                    let keep = (*offset).min(v.len());
                    self.tail = Some(v.slice(v.len() - keep, keep));
                }
                let out = (0..n)
                    .map(|i| {
                        let at = before + i;
                        let j = if *forward {
                            at.checked_add(*offset).filter(|j| *j < v.len())
                        } else {
                            at.checked_sub(*offset)
                        };
                        match j {
                            Some(j) => array_value(v.as_ref(), j, ty),
                            None => Ok(default.clone()),
                        }
                    })
                    .collect::<Result<Vec<_>>>()?;
                array_from_scalars(out.iter(), ty)?
            }
            Win::RowRank {
                expr,
                restart,
                dense,
            } => {
                let v = evaluate(expr, b)?;
                let r = restarts(restart, b)?;
                // Equal neighbours share a rank; values are compared by their row encoding
                // (typed by the first batch's values).
                let (conv, ty, last) = match self.ranks.take() {
                    Some((conv, ty, last)) => (conv, ty, Some(last)),
                    None => {
                        let ty = v.data_type().clone();
                        (
                            RowConverter::new(vec![SortField::new(ty.clone())])?,
                            ty,
                            None,
                        )
                    }
                };
                let v = if *v.data_type() == ty {
                    v
                } else {
                    arrow::compute::cast(&v, &ty)?
                };
                let rows = conv.convert_columns(&[v])?;
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let g = first + i;
                    let same = match (i, &last) {
                        (0, Some(l)) => rows.row(0) == l.row(),
                        (0, None) => false,
                        _ => rows.row(i) == rows.row(i - 1),
                    };
                    if g == 0 || is_restart(&r, i) {
                        self.number = 1;
                        self.dense = 1;
                        self.base = g;
                    } else if !same {
                        self.number = (g + 1 - self.base) as i64;
                        self.dense += 1;
                    }
                    out.push(if *dense { self.dense } else { self.number });
                }
                let last = match n {
                    0 => last,
                    _ => Some(rows.row(n - 1).owned()),
                };
                if let Some(last) = last {
                    self.ranks = Some((conv, ty, last));
                }
                Arc::new(Int64Array::from(out))
            }
        })
    }
}

/// Appends the window columns to `b` (computed in order: a window may read the ones before
/// it), carrying each window's state to the next batch.
fn with_windows(
    wins: &[Win],
    states: &mut [WinState],
    names: &[String],
    b: RecordBatch,
) -> Result<RecordBatch> {
    let opts = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
    let mut cur = b;
    for ((w, st), name) in wins.iter().zip(states.iter_mut()).zip(names) {
        let col = st.column(w, &cur)?;
        let mut fields: Vec<Field> = cur
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        fields.push(Field::new(name, col.data_type().clone(), true));
        let mut cols = cur.columns().to_vec();
        cols.push(col);
        cur = RecordBatch::try_new_with_options(Arc::new(ArrowSchema::new(fields)), cols, &opts)?;
    }
    Ok(cur)
}

impl ExecutionPlan for WindowExec {
    fn describe(&self) -> String {
        format!("WindowExec: {} window columns", self.wins.len())
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let base = self.input.schema().fields.len();
        let names: Vec<String> = self.schema.fields[base..]
            .iter()
            .map(|f| f.name.clone())
            .collect();
        let wins = self.wins.clone();
        let mut states: Vec<WinState> = wins.iter().map(|_| WinState::default()).collect();
        let lookahead = wins
            .iter()
            .any(|w| matches!(w, Win::Shift { forward: true, .. }));
        if !lookahead {
            // Every window reads only its rows and those before them: batch by batch, in
            // the input's order, holding nothing but each window's state.
            let schema = self.input.schema().to_arrow();
            return Ok(Box::new(self.input.execute()?.map(move |b| {
                let b = conform(&b?, &schema)?;
                with_windows(&wins, &mut states, &names, b)
            })));
        }
        // `next` looks ahead: the input is held (and reserved) whole.
        let (all, mut held) = collect_held(&self.input, &self.budget, WHAT)?;
        let n = all.num_rows();
        let before = all.get_array_memory_size();
        let cur = with_windows(&wins, &mut states, &names, all)?;
        held.grow(cur.get_array_memory_size().saturating_sub(before), WHAT)?;
        // Handed on in slices (no copy), the reservation held while they are.
        Ok(Box::new((0..n).step_by(BATCH_SIZE).map(move |start| {
            let _held = &held;
            Ok(cur.slice(start, BATCH_SIZE.min(n - start)))
        })))
    }
}
