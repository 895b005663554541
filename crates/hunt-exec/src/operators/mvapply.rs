//! `MvApplyExec`: `mv-apply` runs its subquery over each input record's expansion.
//!
//! Correct first: the body's operator tree is built once per execution over an
//! [`ApplyRowsExec`] leaf; for each record, the leaf is given that record's expanded rows
//! and the tree runs to completion (a per-record subplan). The record's `outer` columns
//! are then repeated in front of each row the body returns. The output streams: records
//! are run one at a time and their rows handed on in bounded batches.

use super::mvexpand::Expander;
use crate::error::{ExecError, Result};
use crate::limits::Reservation;
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan, create_apply_plan};
use crate::scan::TableSet;
use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, UInt32Array};
use arrow::compute::{concat_batches, take};
use hunt_plan::LogicalPlan;
use hunt_plan::logical_plan::MvExpandItem;
use hunt_plan::types::Schema;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// The rows an `mv-apply` body currently runs over (one record's expansion, in chunks).
pub type ApplySlot = Arc<Mutex<Vec<RecordBatch>>>;

/// The leaf of an `mv-apply` body: yields the batch in its slot when executed.
#[derive(Debug)]
pub struct ApplyRowsExec {
    schema: Schema,
    slot: ApplySlot,
}

impl ApplyRowsExec {
    /// A leaf reading `slot`, whose batches match `schema`.
    pub fn new(schema: Schema, slot: ApplySlot) -> ApplyRowsExec {
        ApplyRowsExec { schema, slot }
    }
}

impl ExecutionPlan for ApplyRowsExec {
    fn describe(&self) -> String {
        "ApplyRowsExec: one record's expansion".to_string()
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }
    fn execute(&self) -> Result<BatchIter> {
        let batches = lock(&self.slot)?.clone();
        Ok(Box::new(batches.into_iter().map(Ok)))
    }
}

fn lock(slot: &ApplySlot) -> Result<std::sync::MutexGuard<'_, Vec<RecordBatch>>> {
    slot.lock()
        .map_err(|_| ExecError::Internal("mv-apply rows lock poisoned".into()))
}

/// Applies a subquery to each record's expanded rows.
#[derive(Debug)]
pub struct MvApplyExec {
    input: Arc<dyn ExecutionPlan>,
    apply: Arc<Apply>,
}

/// What each batch needs, shared with the lazy output iterator.
#[derive(Debug)]
struct Apply {
    expander: Expander,
    body: LogicalPlan,
    tables: TableSet,
    /// Input column indices repeated before the body's columns.
    outer: Vec<usize>,
    schema: Schema,
}

impl MvApplyExec {
    /// Compiles the expansion against the input; the body is built per record at run time.
    #[allow(clippy::too_many_arguments)]
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        items: &[MvExpandItem],
        index_column: Option<&str>,
        limit: Option<usize>,
        body: LogicalPlan,
        outer: &[String],
        tables: TableSet,
        schema: Schema,
    ) -> Result<MvApplyExec> {
        let rows_schema = match &body_leaf(&body) {
            Some(LogicalPlan::ApplyRows { schema }) => schema.clone(),
            _ => return Err(ExecError::Internal("mv-apply body has no rows leaf".into())),
        };
        let expander = Expander::try_new(
            input.schema(),
            items,
            index_column,
            false,
            limit,
            rows_schema,
        )?;
        let outer = outer
            .iter()
            .map(|n| {
                input
                    .schema()
                    .index_of(n)
                    .ok_or_else(|| ExecError::Internal(format!("mv-apply column `{n}` missing")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(MvApplyExec {
            input,
            apply: Arc::new(Apply {
                expander,
                body,
                tables,
                outer,
                schema,
            }),
        })
    }
}

/// The body's `ApplyRows` leaf (the body is a chain above it, possibly with joins whose
/// other side is a table).
fn body_leaf(p: &LogicalPlan) -> Option<&LogicalPlan> {
    if matches!(p, LogicalPlan::ApplyRows { .. }) {
        return Some(p);
    }
    p.inputs().into_iter().find_map(body_leaf)
}

/// The output of one input batch, made record by record and handed on in batches of
/// at most [`BATCH_SIZE`] rows or about [`OUT_BYTES`] bytes: a batch of records with large
/// arrays never sits expanded whole, nor does its whole output, and a record's outer values
/// repeated on each of its rows are cut so no array passes Arrow's offset limit.
struct Records {
    ap: Arc<Apply>,
    b: RecordBatch,
    plan: Arc<dyn ExecutionPlan>,
    slot: ApplySlot,
    next: usize,
    /// Rows gathered for the next batch, their count and bytes.
    parts: Vec<RecordBatch>,
    rows: usize,
    part_bytes: usize,
    /// Batches made and not yet handed on, with the bytes reserved for each.
    ready: VecDeque<(RecordBatch, usize)>,
    /// The bytes of `parts` and `ready`, reserved from the query's budget.
    held: Option<Reservation>,
    failed: bool,
}

/// The bytes of output gathered before they are handed on as one batch.
const OUT_BYTES: usize = 16 * 1024 * 1024;

const WHAT: &str = "an `mv-apply`";

impl Records {
    /// Runs the body over record `r`'s expansion and keeps its rows.
    fn record(&mut self, r: usize) -> Result<()> {
        let budget = self.ap.tables.budget();
        // The expansion is reserved chunk by chunk as it is made, and while the body runs
        // over it (the body's own operators reserve theirs).
        let mut record = budget.reserve(0, WHAT)?;
        let rows = (self.ap.expander).expand_batches(&self.b.slice(r, 1), |chunk| {
            record.grow(chunk.get_array_memory_size(), WHAT)
        })?;
        let n: usize = rows.iter().map(RecordBatch::num_rows).sum();
        *lock(&self.slot)? = rows;
        let mut out = Vec::new();
        for o in self.plan.execute()? {
            let o = o?;
            if o.num_rows() > 0 {
                record.grow(o.get_array_memory_size(), WHAT)?;
                out.push(o);
            }
        }
        let got: usize = out.iter().map(|o| o.num_rows()).sum();
        if n == 0 && got > 0 {
            // Kusto's docs do not say whether a record with nothing to expand still
            // runs the subquery (e.g. `summarize count()` giving 0), so refuse.
            return Err(ExecError::Unsupported(
                "mv-apply of an empty array or bag with a subquery that returns rows \
                 over no rows (such as `summarize count()`)"
                    .into(),
            ));
        }
        // The record's outer values are repeated on each row: slices of the body's rows
        // keep that repetition near `OUT_BYTES`, reserved before it is made.
        let per_row = self.ap.outer_bytes(&self.b, r)?.max(1);
        let step = (OUT_BYTES / per_row).max(1);
        for o in out {
            for at in (0..o.num_rows()).step_by(step) {
                let len = step.min(o.num_rows() - at);
                let held = match &mut self.held {
                    Some(h) => h,
                    None => self.held.insert(budget.reserve(0, WHAT)?),
                };
                held.grow(per_row.saturating_mul(len), WHAT)?;
                let part = self.ap.with_outer(&self.b, r, &o.slice(at, len))?;
                self.part_bytes += per_row * len;
                self.rows += len;
                self.parts.push(part);
                if self.rows >= BATCH_SIZE || self.part_bytes >= OUT_BYTES {
                    self.seal()?;
                }
            }
        }
        Ok(())
    }

    /// The gathered rows as one batch, ready to be handed on.
    fn seal(&mut self) -> Result<()> {
        if self.parts.is_empty() {
            return Ok(());
        }
        let parts = std::mem::take(&mut self.parts);
        let batch = concat_batches(&self.ap.schema.to_arrow(), &parts)?;
        self.ready.push_back((batch, self.part_bytes));
        self.rows = 0;
        self.part_bytes = 0;
        Ok(())
    }

    /// The next ready batch, its bytes given back.
    fn pop(&mut self) -> Option<RecordBatch> {
        let (batch, bytes) = self.ready.pop_front()?;
        if let Some(h) = self.held.as_mut() {
            h.shrink(bytes);
        }
        Some(batch)
    }
}

impl Iterator for Records {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        loop {
            if let Some(b) = self.pop() {
                return Some(Ok(b));
            }
            if self.failed {
                return None;
            }
            let r = self.next;
            self.next += 1;
            let step = if r < self.b.num_rows() {
                self.record(r)
            } else {
                self.failed = true;
                self.seal()
            };
            if let Err(e) = step {
                self.failed = true;
                self.ready.clear();
                return Some(Err(e));
            }
        }
    }
}

impl Apply {
    /// The bytes of record `r`'s outer values (what each of its output rows repeats).
    fn outer_bytes(&self, b: &RecordBatch, r: usize) -> Result<usize> {
        let mut sum = 0;
        for c in &self.outer {
            sum += b.column(*c).slice(r, 1).to_data().get_slice_memory_size()?;
        }
        Ok(sum)
    }

    /// The body's rows `o` with record `r`'s outer columns in front.
    fn with_outer(&self, b: &RecordBatch, r: usize, o: &RecordBatch) -> Result<RecordBatch> {
        let idx = UInt32Array::from(vec![r as u32; o.num_rows()]);
        let mut cols: Vec<ArrayRef> = self
            .outer
            .iter()
            .map(|c| take(b.column(*c).as_ref(), &idx, None))
            .collect::<std::result::Result<_, _>>()?;
        cols.extend(o.columns().iter().cloned());
        let opts = RecordBatchOptions::new().with_row_count(Some(o.num_rows()));
        Ok(RecordBatch::try_new_with_options(
            self.schema.to_arrow(),
            cols,
            &opts,
        )?)
    }
}

impl ExecutionPlan for MvApplyExec {
    fn describe(&self) -> String {
        "MvApplyExec: one subplan per record".to_string()
    }
    fn schema(&self) -> &Schema {
        &self.apply.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let ap = self.apply.clone();
        let slot: ApplySlot = Arc::new(Mutex::new(Vec::new()));
        let plan = create_apply_plan(&ap.body, &ap.tables, &slot)?;
        Ok(Box::new(self.input.execute()?.flat_map(
            move |b| -> BatchIter {
                match b {
                    Err(e) => Box::new(std::iter::once(Err(e))),
                    Ok(b) => Box::new(Records {
                        ap: ap.clone(),
                        b,
                        plan: plan.clone(),
                        slot: slot.clone(),
                        next: 0,
                        parts: Vec::new(),
                        rows: 0,
                        part_bytes: 0,
                        ready: VecDeque::new(),
                        held: None,
                        failed: false,
                    }),
                }
            },
        )))
    }
}
