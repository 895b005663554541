//! `StepScanExec`: the `scan` operator (<https://learn.microsoft.com/kusto/query/scan-operator>).
//!
//! Records are taken in input order and each is checked against the steps from the last to
//! the first, following the documented matching logic: a step whose previous step holds a
//! sequence may take that sequence over (check 1); otherwise a step holding a sequence, or
//! the first step, matches on its own state (check 2). Conditions read state through the
//! plan's evaluation schema, so each check evaluates its expressions over a one-row batch
//! assembled from the current record and the state it is checked against.

use crate::error::{ExecError, Result};
use crate::expr::scalar::{array_from_scalars, array_value};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan};
use arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, RecordBatchOptions};
use arrow::compute::{concat_batches, take};
use hunt_plan::expr::{Expr, ExprKind, Func, Scalar};
use hunt_plan::scan_spec::{ScanRef, ScanSpec, StepOutput};
use hunt_plan::types::{KqlType, Schema};
use std::sync::Arc;

/// A compiled step.
#[derive(Debug)]
struct Step {
    output: StepOutput,
    condition: PhysicalExpr,
    /// True when the condition reads only the current record.
    stateless: bool,
    /// The conjuncts of the condition that read only the current record (all of it when
    /// `stateless`): computed for all records at once, they rule out most records before
    /// any per-record evaluation.
    prefilter: Option<PhysicalExpr>,
    assignments: Vec<(usize, PhysicalExpr)>,
}

/// The conjuncts of `a and b and …`.
fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Call(Func::And, args) => args.iter().for_each(|a| conjuncts(a, out)),
        _ => out.push(e),
    }
}

/// The evaluation-schema columns `e` reads.
fn columns_of(e: &PhysicalExpr, out: &mut Vec<usize>) {
    match e {
        PhysicalExpr::Column(i, _) => out.push(*i),
        PhysicalExpr::Literal(_) => {}
        PhysicalExpr::Call { args, .. } => args.iter().for_each(|a| columns_of(a, out)),
    }
}

/// Runs `scan` over its buffered input.
#[derive(Debug)]
pub struct StepScanExec {
    input: Arc<dyn ExecutionPlan>,
    spec: ScanSpec,
    steps: Vec<Step>,
    schema: Schema,
}

impl StepScanExec {
    /// Compiles the steps' expressions against the spec's evaluation schema.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        spec: &ScanSpec,
        schema: Schema,
    ) -> Result<StepScanExec> {
        let steps = spec
            .steps
            .iter()
            .map(|s| {
                let condition = compile(&s.condition, &spec.eval_schema)?;
                let reads_state = |e: &PhysicalExpr| {
                    let mut cols = Vec::new();
                    columns_of(e, &mut cols);
                    cols.iter()
                        .any(|c| !matches!(spec.refs.get(*c), Some(ScanRef::Current(_))))
                };
                let stateless = !reads_state(&condition);
                let mut conj = Vec::new();
                conjuncts(&s.condition, &mut conj);
                let mut pre: Option<PhysicalExpr> = None;
                for c in conj {
                    let c = compile(c, &spec.eval_schema)?;
                    if reads_state(&c) {
                        continue;
                    }
                    pre = Some(match pre {
                        None => c,
                        Some(p) => PhysicalExpr::Call {
                            func: Func::And,
                            args: vec![p, c],
                            ty: KqlType::Bool,
                            span: s.condition.span,
                            regex: None,
                        },
                    });
                }
                Ok(Step {
                    output: s.output,
                    condition,
                    stateless,
                    prefilter: pre,
                    assignments: s
                        .assignments
                        .iter()
                        .map(|(d, e)| Ok((*d, compile(e, &spec.eval_schema)?)))
                        .collect::<Result<Vec<_>>>()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(StepScanExec {
            input,
            spec: spec.clone(),
            steps,
            schema,
        })
    }
}

/// A record held in a step's state: its input row and declared values.
#[derive(Debug, Clone)]
struct Rec {
    row: usize,
    declared: Vec<Scalar>,
}

/// An active sequence: its match id and one record per step it went through.
#[derive(Debug, Clone)]
struct Seq {
    id: i64,
    recs: Vec<Rec>,
}

/// The rows produced so far.
#[derive(Default)]
struct Output {
    rows: Vec<u64>,
    declared: Vec<Vec<Scalar>>,
    ids: Vec<i64>,
}

struct Run<'a> {
    all: &'a RecordBatch,
    spec: &'a ScanSpec,
    defaults: Vec<Scalar>,
    types: Vec<KqlType>,
    /// Per step, its condition over every record when it reads no state.
    precomputed: Vec<Option<BooleanArray>>,
}

impl Run<'_> {
    /// One value of the extended record: input column `c` of `row`, or a declared value.
    fn ext_value(&self, c: usize, rec: Option<(usize, &[Scalar])>) -> Result<ArrayRef> {
        let n_in = self.all.num_columns();
        if c < n_in {
            let ty = self.types.get(c).copied().unwrap_or(KqlType::Dynamic);
            return Ok(match rec {
                Some((row, _)) => self.all.column(c).slice(row, 1),
                None => array_from_scalars(std::iter::once(&Scalar::Null(ty)), ty)?,
            });
        }
        let d = c - n_in;
        let (field, _) = self
            .spec
            .declare
            .get(d)
            .ok_or_else(|| ExecError::Internal("scan column out of range".into()))?;
        let v = match rec.and_then(|(_, decl)| decl.get(d)) {
            Some(v) => v,
            None => self
                .defaults
                .get(d)
                .ok_or_else(|| ExecError::Internal("scan default out of range".into()))?,
        };
        array_from_scalars(std::iter::once(v), field.ty)
    }

    /// The one-row batch the expressions of a check read: record `row` checked against
    /// the state `view`.
    fn batch(&self, row: usize, view: Option<&Seq>) -> Result<RecordBatch> {
        let mut cols = Vec::with_capacity(self.spec.refs.len());
        for r in &self.spec.refs {
            cols.push(match *r {
                ScanRef::Current(c) => self.ext_value(c, Some((row, &self.defaults)))?,
                ScanRef::State { step, column } => {
                    let rec = view.and_then(|s| s.recs.get(step));
                    self.ext_value(column, rec.map(|r| (r.row, r.declared.as_slice())))?
                }
            });
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(1));
        Ok(RecordBatch::try_new_with_options(
            self.spec.eval_schema.to_arrow(),
            cols,
            &opts,
        )?)
    }

    /// Every record as the evaluation schema sees it without state: state columns are
    /// null (stateless conditions do not read them).
    fn current_batch(&self) -> Result<RecordBatch> {
        let n = self.all.num_rows();
        let n_in = self.all.num_columns();
        let mut cols = Vec::with_capacity(self.spec.refs.len());
        for (r, f) in self.spec.refs.iter().zip(&self.spec.eval_schema.fields) {
            cols.push(match *r {
                ScanRef::Current(c) if c < n_in => self.all.column(c).clone(),
                ScanRef::Current(c) => {
                    let v = self
                        .defaults
                        .get(c - n_in)
                        .ok_or_else(|| ExecError::Internal("scan default out of range".into()))?;
                    array_from_scalars(std::iter::repeat_n(v, n), f.ty)?
                }
                ScanRef::State { .. } => arrow::array::new_null_array(&f.ty.arrow_type(), n),
            });
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(
            self.spec.eval_schema.to_arrow(),
            cols,
            &opts,
        )?)
    }

    /// The declared values of `row` if it meets `step`'s condition against `view`.
    fn check(
        &self,
        k: usize,
        step: &Step,
        row: usize,
        view: Option<&Seq>,
    ) -> Result<Option<Vec<Scalar>>> {
        let mut batch = None;
        let pre = self.precomputed.get(k).and_then(Option::as_ref);
        if pre.is_some_and(|a| !(a.is_valid(row) && a.value(row))) {
            return Ok(None);
        }
        let hit = match pre {
            Some(_) if step.stateless => true,
            _ => {
                let b = self.batch(row, view)?;
                let c = evaluate(&step.condition, &b)?;
                batch = Some(b);
                c.as_any()
                    .downcast_ref::<BooleanArray>()
                    .is_some_and(|a| a.is_valid(0) && a.value(0))
            }
        };
        if !hit {
            return Ok(None);
        }
        if step.assignments.is_empty() {
            return Ok(Some(self.defaults.clone()));
        }
        let b = match batch {
            Some(b) => b,
            None => self.batch(row, view)?,
        };
        let mut declared = self.defaults.clone();
        for (d, e) in &step.assignments {
            let ty = e.ty();
            let v = array_value(evaluate(e, &b)?.as_ref(), 0, ty)?;
            if let Some(slot) = declared.get_mut(*d) {
                *slot = v;
            }
        }
        Ok(Some(declared))
    }
}

impl Output {
    fn emit(&mut self, step: &Step, row: usize, declared: &[Scalar], id: i64) {
        if step.output == StepOutput::All {
            self.rows.push(row as u64);
            self.declared.push(declared.to_vec());
            self.ids.push(id);
        }
    }
}

/// The matching logic over all records.
fn scan(run: &Run<'_>, steps: &[Step]) -> Result<Output> {
    let mut states: Vec<Option<Seq>> = vec![None; steps.len()];
    let mut next_id = 0i64;
    let mut out = Output::default();
    for row in 0..run.all.num_rows() {
        for (k, step) in steps.iter().enumerate().rev() {
            // Check 1: take over the previous step's sequence.
            if k > 0
                && let Some(prev) = states.get(k - 1).and_then(|s| s.as_ref())
                && let Some(declared) = run.check(k, step, row, Some(prev))?
            {
                if let Some(mut seq) = states.get_mut(k - 1).and_then(Option::take) {
                    seq.recs.truncate(k);
                    seq.recs.push(Rec {
                        row,
                        declared: declared.clone(),
                    });
                    out.emit(step, row, &declared, seq.id);
                    if let Some(slot) = states.get_mut(k) {
                        *slot = Some(seq);
                    }
                }
                continue;
            }
            // Check 2: a step holding a sequence (or the first step) matches on its state.
            let view = states.get(k).and_then(|s| s.as_ref());
            if k > 0 && view.is_none() {
                continue;
            }
            let Some(declared) = run.check(k, step, row, view)? else {
                continue;
            };
            let rec = Rec {
                row,
                declared: declared.clone(),
            };
            let id = match states.get_mut(k).and_then(|s| s.as_mut()) {
                Some(seq) => {
                    if let Some(slot) = seq.recs.get_mut(k) {
                        *slot = rec;
                    }
                    seq.id
                }
                None => {
                    let id = next_id;
                    next_id += 1;
                    if let Some(slot) = states.get_mut(k) {
                        *slot = Some(Seq {
                            id,
                            recs: vec![rec],
                        });
                    }
                    id
                }
            };
            out.emit(step, row, &declared, id);
        }
    }
    Ok(out)
}

impl ExecutionPlan for StepScanExec {
    fn describe(&self) -> String {
        format!("StepScanExec: {} steps", self.steps.len())
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let in_schema = self.input.schema();
        let batches = self.input.execute()?.collect::<Result<Vec<_>>>()?;
        let all = concat_batches(&in_schema.to_arrow(), &batches)?;
        drop(batches);
        let mut run = Run {
            all: &all,
            spec: &self.spec,
            defaults: self.spec.declare.iter().map(|(_, d)| d.clone()).collect(),
            types: in_schema.fields.iter().map(|f| f.ty).collect(),
            precomputed: Vec::new(),
        };
        if self.steps.iter().any(|s| s.prefilter.is_some()) {
            let whole = run.current_batch()?;
            for s in &self.steps {
                let pre = if let Some(p) = &s.prefilter {
                    let c = evaluate(p, &whole)?;
                    let a = c.as_any().downcast_ref::<BooleanArray>().cloned();
                    Some(a.ok_or_else(|| {
                        ExecError::Internal("a scan condition is not bool".into())
                    })?)
                } else {
                    None
                };
                run.precomputed.push(pre);
            }
        }
        let out = scan(&run, &self.steps)?;
        let idx = arrow::array::UInt64Array::from(out.rows);
        let mut cols: Vec<ArrayRef> = Vec::new();
        for c in all.columns() {
            cols.push(take(c.as_ref(), &idx, None)?);
        }
        for (d, (field, _)) in self.spec.declare.iter().enumerate() {
            let vals = out.declared.iter().filter_map(|r| r.get(d));
            cols.push(array_from_scalars(vals, field.ty)?);
        }
        if self.spec.match_id.is_some() {
            cols.push(Arc::new(Int64Array::from(out.ids)));
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(idx.len()));
        let batch = RecordBatch::try_new_with_options(self.schema.to_arrow(), cols, &opts)?;
        Ok(Box::new(std::iter::once(Ok(batch))))
    }
}
