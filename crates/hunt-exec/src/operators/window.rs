//! `WindowExec`: window-function columns over serialized rows.
//!
//! The input streams batch by batch in its serialized order, each window function carrying
//! its state across batches (the running number or sum, the rank run, the last values for
//! `prev`), so any number of rows is numbered in constant memory. `next(x, offset)` looks
//! ahead by a constant number of rows: with it, each window is a stage over the stream of
//! the one before (a window may read earlier ones), and a `next` stage holds a batch only
//! until `offset` rows after it have arrived, so it too holds about one batch.

use crate::error::{ExecError, Result};
use crate::expr::scalar::{array_from_scalars, array_value};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan};
use crate::spill::conform;
use arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, RecordBatchOptions};
use arrow::datatypes::{DataType, Field, Schema as ArrowSchema};
use arrow::row::{RowConverter, SortField};
use hunt_plan::expr::Scalar;
use hunt_plan::logical_plan::WindowFunc;
use hunt_plan::types::{KqlType, Schema};
use std::collections::VecDeque;
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
    Session {
        expr: PhysicalExpr,
        max_from_first: i64,
        max_between: i64,
        restart: Option<PhysicalExpr>,
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
                WindowFunc::Session {
                    expr,
                    max_from_first,
                    max_between,
                    restart,
                } => Win::Session {
                    expr: c(expr)?,
                    max_from_first: *max_from_first,
                    max_between: *max_between,
                    restart: opt(restart)?,
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
    /// `row_window_session`: the current session's first value and the last row's value
    /// (`None` before the first row and after a null, so the next value starts a session).
    session: Option<(i64, i64)>,
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
                // last one; `next` runs as a stage of its own (`Lookahead`).
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
            Win::Session {
                expr,
                max_from_first,
                max_between,
                restart,
            } => {
                let v = evaluate(expr, b)?;
                let r = restarts(restart, b)?;
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let Scalar::DateTime(t) = array_value(v.as_ref(), i, KqlType::DateTime)? else {
                        self.session = None;
                        out.push(Scalar::Null(KqlType::DateTime));
                        continue;
                    };
                    // docs: a new session when there is none, when the value reaches the
                    // session's first plus MaxDistanceFromFirst or the value before plus
                    // MaxDistanceBetweenNeighbors, or when Restart is true.
                    let start = match self.session {
                        Some((first, last))
                            if !is_restart(&r, i)
                                && t < first.saturating_add(*max_from_first)
                                && t < last.saturating_add(*max_between) =>
                        {
                            first
                        }
                        _ => t,
                    };
                    self.session = Some((start, t));
                    out.push(Scalar::DateTime(start));
                }
                array_from_scalars(out.iter(), KqlType::DateTime)?
            }
        })
    }
}

/// `b` with `col` appended as `name`.
fn appended(b: RecordBatch, name: &str, col: ArrayRef) -> Result<RecordBatch> {
    let opts = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
    let mut fields: Vec<Field> = b
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new(name, col.data_type().clone(), true));
    let mut cols = b.columns().to_vec();
    cols.push(col);
    Ok(RecordBatch::try_new_with_options(
        Arc::new(ArrowSchema::new(fields)),
        cols,
        &opts,
    )?)
}

/// A `next(expr, offset, default)` stage: batches wait (reserved) until `offset` rows
/// after them have arrived, or the input has ended; each is then handed on with the value
/// `offset` rows ahead of each row (the default past the last row).
struct Lookahead {
    input: BatchIter,
    expr: PhysicalExpr,
    offset: usize,
    default: Scalar,
    name: String,
    /// Waiting batches, each with its values of `expr`.
    pending: VecDeque<(RecordBatch, ArrayRef)>,
    done: bool,
    held: crate::limits::Reservation,
}

impl Lookahead {
    /// The front batch with its column, if it can go.
    fn ready(&mut self) -> Result<Option<RecordBatch>> {
        let after: usize = self.pending.iter().skip(1).map(|(b, _)| b.num_rows()).sum();
        if self.pending.is_empty() || (after < self.offset && !self.done) {
            return Ok(None);
        }
        let Some((b, v)) = self.pending.pop_front() else {
            return Ok(None);
        };
        self.held
            .shrink(b.get_array_memory_size() + v.get_array_memory_size());
        // The batch's values, then the first `offset` values after it.
        let mut parts = vec![v.clone()];
        let mut need = self.offset;
        for (_, w) in &self.pending {
            if need == 0 {
                break;
            }
            let t = w.len().min(need);
            parts.push(if w.data_type() == v.data_type() {
                w.slice(0, t)
            } else {
                arrow::compute::cast(&w.slice(0, t), v.data_type())?
            });
            need -= t;
        }
        let refs: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
        let all = arrow::compute::concat(&refs)?;
        let ty = self.expr.ty();
        let out = (0..b.num_rows())
            .map(
                |i| match i.checked_add(self.offset).filter(|j| *j < all.len()) {
                    Some(j) => array_value(all.as_ref(), j, ty),
                    None => Ok(self.default.clone()),
                },
            )
            .collect::<Result<Vec<_>>>()?;
        let col = array_from_scalars(out.iter(), ty)?;
        Ok(Some(appended(b, &self.name, col)?))
    }

    fn step(&mut self) -> Result<Option<RecordBatch>> {
        loop {
            if let Some(b) = self.ready()? {
                return Ok(Some(b));
            }
            if self.done {
                return Ok(None);
            }
            match self.input.next() {
                None => self.done = true,
                Some(b) => {
                    let b = b?;
                    if b.num_rows() == 0 {
                        continue;
                    }
                    let v = evaluate(&self.expr, &b)?;
                    self.held
                        .grow(b.get_array_memory_size() + v.get_array_memory_size(), WHAT)?;
                    self.pending.push_back((b, v));
                }
            }
        }
    }
}

impl Iterator for Lookahead {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        match self.step() {
            Ok(b) => b.map(Ok),
            Err(e) => {
                // One error ends the stream.
                self.done = true;
                self.pending.clear();
                Some(Err(e))
            }
        }
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
    let mut cur = b;
    for ((w, st), name) in wins.iter().zip(states.iter_mut()).zip(names) {
        let col = st.column(w, &cur)?;
        cur = appended(cur, name, col)?;
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
        // `next` looks ahead: each window becomes a stage of its own over the stream of the
        // one before, and a `next` stage holds a batch only until `offset` rows after it
        // have arrived.
        let schema = self.input.schema().to_arrow();
        let mut it: BatchIter = Box::new(self.input.execute()?.map(move |b| conform(&b?, &schema)));
        for (w, (name, mut st)) in wins.into_iter().zip(names.into_iter().zip(states)) {
            it = match w {
                Win::Shift {
                    expr,
                    offset,
                    default,
                    forward: true,
                } => Box::new(Lookahead {
                    input: it,
                    expr,
                    offset,
                    default,
                    name,
                    pending: VecDeque::new(),
                    done: false,
                    held: self.budget.reserve(0, WHAT)?,
                }),
                w => Box::new(it.map(move |b| {
                    let b = b?;
                    let col = st.column(&w, &b)?;
                    appended(b, &name, col)
                })),
            };
        }
        Ok(it)
    }
}
