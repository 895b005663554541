//! `WindowExec`: window-function columns over serialized rows.
//!
//! `prev`/`next` look across batch boundaries, so the operator buffers its input (as
//! `SortExec` does, which usually feeds it) and computes each column in one pass.

use crate::error::{ExecError, Result};
use crate::expr::scalar::{array_from_scalars, array_value};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan, collect_held};
use arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, RecordBatchOptions};
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

fn column(w: &Win, b: &RecordBatch) -> Result<ArrayRef> {
    let n = b.num_rows();
    Ok(match w {
        Win::RowNumber { start, restart } => {
            let r = restarts(restart, b)?;
            let mut cur = *start - 1;
            Arc::new(Int64Array::from_iter_values((0..n).map(|i| {
                cur = if i > 0 && is_restart(&r, i) {
                    *start
                } else {
                    cur + 1
                };
                cur
            })))
        }
        Win::RowCumsum { expr, restart } => {
            let v = evaluate(expr, b)?;
            let r = restarts(restart, b)?;
            let ty = expr.ty();
            let mut out = Vec::with_capacity(n);
            if ty == KqlType::Real {
                let mut acc = 0.0;
                for i in 0..n {
                    let x = match array_value(v.as_ref(), i, ty)? {
                        Scalar::Real(x) => x,
                        _ => 0.0,
                    };
                    acc = if is_restart(&r, i) { x } else { acc + x };
                    out.push(Scalar::Real(acc));
                }
            } else {
                let mut acc: i64 = 0;
                for i in 0..n {
                    let x = match array_value(v.as_ref(), i, ty)? {
                        Scalar::Long(x) | Scalar::TimeSpan(x) => x,
                        _ => 0,
                    };
                    acc = if is_restart(&r, i) {
                        x
                    } else {
                        acc.wrapping_add(x)
                    };
                    out.push(if ty == KqlType::TimeSpan {
                        Scalar::TimeSpan(acc)
                    } else {
                        Scalar::Long(acc)
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
            let out = (0..n)
                .map(|i| {
                    let j = if *forward {
                        i.checked_add(*offset).filter(|j| *j < n)
                    } else {
                        i.checked_sub(*offset)
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
            // Equal neighbours share a rank; compare values by their row encoding.
            let conv = RowConverter::new(vec![SortField::new(v.data_type().clone())])?;
            let rows = conv.convert_columns(&[v.clone()])?;
            // `base` is the row where the current restart segment began, kept as the rows
            // go by (looking back for it on each new run was quadratic).
            let (mut rank, mut dense_rank, mut base) = (0i64, 0i64, 0i64);
            let out = (0..n).map(|i| {
                let new_run = i == 0 || is_restart(&r, i) || rows.row(i) != rows.row(i - 1);
                if i == 0 || is_restart(&r, i) {
                    rank = 1;
                    dense_rank = 1;
                    base = i as i64;
                } else if new_run {
                    rank = i as i64 + 1 - base;
                    dense_rank += 1;
                }
                if *dense { dense_rank } else { rank }
            });
            Arc::new(Int64Array::from_iter_values(out.collect::<Vec<_>>()))
        }
    })
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
        let (all, mut held) = collect_held(&self.input, &self.budget, WHAT)?;
        let n = all.num_rows();
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        let base = self.input.schema().fields.len();
        let mut cur = all;
        for (k, w) in self.wins.iter().enumerate() {
            let col = column(w, &cur)?;
            held.grow(col.get_array_memory_size(), WHAT)?;
            let mut cols = cur.columns().to_vec();
            cols.push(col);
            let fields = self.schema.fields[..base + k + 1].to_vec();
            cur = RecordBatch::try_new_with_options(Schema::new(fields).to_arrow(), cols, &opts)?;
        }
        // Handed on in slices (no copy), the reservation held while they are.
        Ok(Box::new((0..n).step_by(BATCH_SIZE).map(move |start| {
            let _held = &held;
            Ok(cur.slice(start, BATCH_SIZE.min(n - start)))
        })))
    }
}
