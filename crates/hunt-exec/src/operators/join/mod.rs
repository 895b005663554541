//! `HashJoinExec`: every KQL join flavour as a hash join that builds on the right
//! input and probes with the left one, batch by batch.
//!
//! Keys are encoded with arrow's `RowConverter`. A null key matches a null key: Kusto's
//! oracle joins `long(null)` with `long(null)` (unlike SQL).
//!
//! A join can multiply rows (every left row of a key meets every right row of it), so the
//! probe yields its output in chunks of at most [`BATCH_SIZE`] rows, resuming inside a
//! left row's matches: the rows exist only as they are pulled, a `take` above stops the
//! join after its first chunk, and the result's memory accounting sees the output grow.
//!
//! A right side past the query's spill threshold is joined partition by partition from
//! disk instead (`spill`, a grace hash join).

use super::group_keys::GroupKeys;
mod pairs;
mod spill;

use crate::error::{ExecError, Result};
use crate::expr::dictionary::{DictMemo, entries, values_with_empty};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::limits::{MemoryBudget, Reservation};
use crate::physical_plan::{
    BATCH_SIZE, BatchIter, ExecutionPlan, FoldedIter, UnitFold, execute_parallel,
};
use crate::scan::conform_column;
use crate::spill::{SpillFile, conform};
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, DictionaryArray, RecordBatch, RecordBatchOptions,
    UInt32Array,
};
use arrow::compute::{concat_batches, take};
use arrow::datatypes::{DataType, Field, Int32Type, Schema as ArrowSchema, SchemaRef};
use arrow::row::{RowConverter, Rows, SortField};
use hunt_plan::logical_plan::{JoinKind, Side};
use hunt_plan::types::{KqlType, Schema};
use pairs::{Pairs, SideRows};
use spill::Partitioner;
use std::collections::HashSet;

/// A fast, seeded hasher for the join's tables of encoded keys.
type FastHash = foldhash::fast::RandomState;
use std::sync::{Arc, Mutex};

/// The most right rows one key may have for the left side to be probed unit-parallel. Unit
/// workers hand each unit's output over whole, so a wider key (a fan-out that may explode)
/// is probed sequentially, where the output streams chunk by chunk.
const PARALLEL_FANOUT: usize = 64;

/// An equi-join of two inputs.
#[derive(Debug)]
pub struct HashJoinExec {
    left: Arc<dyn ExecutionPlan>,
    right: Arc<dyn ExecutionPlan>,
    core: Arc<JoinCore>,
    /// A build side made by [`ExecutionPlan::execute_units`] that then declined (a key
    /// too wide to probe in parallel): the sequential `execute` that follows uses it
    /// instead of building again.
    spare: Mutex<Option<BuildSide>>,
    /// The query's budget: the build side is reserved from it.
    budget: MemoryBudget,
}

/// What probing needs besides the build side: shared with the scan's workers.
#[derive(Debug)]
struct JoinCore {
    kind: JoinKind,
    keys: Vec<(usize, usize)>,
    outputs: Vec<(Side, usize)>,
    schema: Schema,
    /// A `where` directly above the join, over its output: each chunk's pairs are
    /// checked on the columns it reads before the other columns are gathered, so pairs
    /// it drops never copy their strings. The rows are the `where`'s rows exactly.
    filter: Option<Filter>,
}

/// The `where` a join applies to its own output (see [`JoinCore::filter`]).
#[derive(Debug)]
struct Filter {
    predicate: PhysicalExpr,
    /// The output columns it reads.
    reads: Vec<bool>,
}

/// The build side: the right input's rows, grouped by key: `keys` gives a key's group,
/// and group `g`'s right row numbers are `rows[offsets[g]..offsets[g + 1]]` (in order).
struct Build {
    rb: RecordBatch,
    conv: RowConverter,
    keys: GroupKeys,
    offsets: Vec<u32>,
    rows: Vec<u32>,
    /// The most right rows of one key.
    widest: usize,
    /// The build side's bytes, held from the query's budget while it lives.
    _held: Reservation,
}

impl std::fmt::Debug for Build {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Build({} rows)", self.rb.num_rows())
    }
}

/// The right side as [`HashJoinExec::build`] leaves it: indexed in memory, or written to
/// partition files once it passed the spill threshold (`join_spill`).
#[derive(Debug, Clone)]
enum BuildSide {
    Memory(Arc<Build>),
    Spilled(Arc<Vec<SpillFile>>),
}

impl Build {
    /// The right rows of group `g`.
    fn hits(&self, g: u32) -> &[u32] {
        let g = g as usize;
        &self.rows[self.offsets[g] as usize..self.offsets[g + 1] as usize]
    }
}

/// What a probe keeps about the dictionary of the left key it last saw: each entry's
/// group on the build side.
type KeyCache = DictMemo<Vec<Option<u32>>>;

impl HashJoinExec {
    /// Resolves key and output columns against the inputs.
    pub fn try_new(
        left: Arc<dyn ExecutionPlan>,
        right: Arc<dyn ExecutionPlan>,
        kind: JoinKind,
        on: &[(String, String)],
        outputs: &[(String, Side, String)],
        schema: Schema,
    ) -> Result<HashJoinExec> {
        let find = |s: &Schema, n: &str| {
            s.index_of(n).ok_or_else(|| {
                ExecError::Internal(format!("join column `{n}` missing from its input"))
            })
        };
        let keys = on
            .iter()
            .map(|(l, r)| Ok((find(left.schema(), l)?, find(right.schema(), r)?)))
            .collect::<Result<Vec<_>>>()?;
        let outputs = outputs
            .iter()
            .map(|(_, side, col)| {
                let s = if *side == Side::Left {
                    left.schema()
                } else {
                    right.schema()
                };
                Ok((*side, find(s, col)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(HashJoinExec {
            left,
            right,
            core: Arc::new(JoinCore {
                kind,
                keys,
                outputs,
                schema,
                filter: None,
            }),
            spare: Mutex::new(None),
            budget: MemoryBudget::default(),
        })
    }

    /// This join with `predicate` (a `where` directly above it, over its output) applied
    /// to its output as it is made; call before the join runs.
    pub fn with_filter(mut self, predicate: &hunt_plan::expr::Expr) -> Result<HashJoinExec> {
        let predicate = compile(predicate, &self.core.schema)?;
        let mut reads = vec![false; self.core.schema.fields.len()];
        mark_columns(&predicate, &mut reads);
        let core = Arc::get_mut(&mut self.core)
            .ok_or_else(|| ExecError::Internal("join filter set after the join ran".into()))?;
        core.filter = Some(Filter { predicate, reads });
        Ok(self)
    }

    /// This join with its build side reserved from `budget` (the query's).
    pub fn with_budget(mut self, budget: MemoryBudget) -> HashJoinExec {
        self.budget = budget;
        self
    }

    /// Runs the right input and indexes its rows by key; past the spill threshold, writes
    /// them to partition files instead.
    fn build(&self) -> Result<BuildSide> {
        const WHAT: &str = "a join's right side";
        let schema = self.right.schema().to_arrow();
        let conv = self.core.converter(&schema)?;
        // Reserved as it is read, so a right side past the memory limit stops early.
        let mut held = self.budget.reserve(0, WHAT)?;
        let mut right_batches = Vec::new();
        let mut spilled: Option<Partitioner> = None;
        for b in self.right.execute()? {
            let b = b?;
            if let Some(p) = spilled.as_mut() {
                let b = conform(&b, p.schema())?;
                p.write(&b, &self.core.right_key_rows(&conv, &b)?)?;
                continue;
            }
            // Twice: the batches, then their concatenation.
            let need = 2 * b.get_array_memory_size();
            if !right_batches.is_empty() && self.budget.spill_due(need, 0) {
                let mut p = Partitioner::new(&self.budget, schema.clone())?;
                for b in std::mem::take(&mut right_batches).iter().chain([&b]) {
                    let b = conform(b, p.schema())?;
                    p.write(&b, &self.core.right_key_rows(&conv, &b)?)?;
                }
                held = self.budget.reserve(0, WHAT)?;
                spilled = Some(p);
                continue;
            }
            held.grow(need, WHAT)?;
            right_batches.push(b);
        }
        if let Some(p) = spilled {
            return Ok(BuildSide::Spilled(Arc::new(p.finish()?)));
        }
        let build = self.core.index(&schema, conv, right_batches, held)?;
        Ok(BuildSide::Memory(Arc::new(build)))
    }

    /// True when each left row's output depends on that row alone, so left units can be
    /// probed independently (innerunique keeps the first left row per key; the right
    /// flavours report right rows after all left rows).
    fn per_left_row(&self) -> bool {
        use JoinKind::*;
        matches!(self.core.kind, Inner | LeftOuter | LeftSemi | LeftAnti)
    }
}

/// One left batch being probed: `row` is the next left row, `hit` the next of its matches.
struct Probe {
    lb: RecordBatch,
    groups: Vec<Option<u32>>,
    row: usize,
    hit: usize,
}

/// The output of probing `left` batch by batch, in chunks; with a [`ProbeState`] (the
/// sequential probe), the right-only rows follow once `left` is done.
struct ProbeStream<I> {
    core: Arc<JoinCore>,
    build: Arc<Build>,
    left: Option<I>,
    cache: KeyCache,
    current: Option<Probe>,
    state: Option<ProbeState>,
}

impl<I: Iterator<Item = Result<RecordBatch>>> Iterator for ProbeStream<I> {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        loop {
            if let Some(p) = self.current.as_mut() {
                match self.core.next_chunk(&self.build, p, self.state.as_mut()) {
                    Ok(Some(b)) => return Some(Ok(b)),
                    Ok(None) => self.current = None,
                    Err(e) => {
                        self.left = None;
                        self.current = None;
                        return Some(Err(e));
                    }
                }
            }
            let left = self.left.as_mut()?;
            match left.next() {
                Some(Ok(lb)) => match self.core.start(&self.build, lb, &mut self.cache) {
                    Ok(p) => self.current = Some(p),
                    Err(e) => {
                        self.left = None;
                        return Some(Err(e));
                    }
                },
                Some(Err(e)) => {
                    self.left = None;
                    return Some(Err(e));
                }
                None => {
                    self.left = None;
                    let st = self.state.take()?;
                    return self.core.tail(&self.build, &st.matched).transpose();
                }
            }
        }
    }
}

/// What the sequential probe keeps across left batches.
struct ProbeState {
    matched: Vec<bool>,
    /// For innerunique: the build groups a left row was already joined with.
    seen_left: HashSet<u32, FastHash>,
}

impl JoinCore {
    /// The encoder of key rows, typed by the right side's key columns (`right` is its
    /// arrow schema).
    fn converter(&self, right: &SchemaRef) -> Result<RowConverter> {
        let fields: Vec<SortField> = self
            .keys
            .iter()
            .map(|(_, r)| SortField::new(right.field(*r).data_type().clone()))
            .collect();
        Ok(RowConverter::new(fields)?)
    }

    /// The encoded keys of right rows.
    fn right_key_rows(&self, conv: &RowConverter, rb: &RecordBatch) -> Result<Rows> {
        let cols: Vec<ArrayRef> = self
            .keys
            .iter()
            .map(|(_, r)| rb.column(*r).clone())
            .collect();
        Ok(conv.convert_columns(&cols)?)
    }

    /// The encoded keys of left rows (dictionary keys read as the strings they stand for).
    fn left_key_rows(&self, conv: &RowConverter, lb: &RecordBatch) -> Result<Rows> {
        let cols: Vec<ArrayRef> = self
            .keys
            .iter()
            .map(|(l, _)| match lb.column(*l) {
                c if matches!(c.data_type(), DataType::Dictionary(..)) => {
                    conform_column(c, KqlType::String)
                }
                c => Ok(c.clone()),
            })
            .collect::<Result<_>>()?;
        Ok(conv.convert_columns(&cols)?)
    }

    /// Indexes right rows (of arrow `schema`) by key; `held` has reserved them.
    fn index(
        &self,
        schema: &SchemaRef,
        conv: RowConverter,
        batches: Vec<RecordBatch>,
        held: Reservation,
    ) -> Result<Build> {
        let rb = concat_batches(schema, &batches)?;
        drop(batches);
        let rrows = self.right_key_rows(&conv, &rb)?;
        let mut keys = GroupKeys::new(&conv);
        let group: Vec<u32> = (0..rb.num_rows())
            .map(|i| keys.group_of(rrows.row(i)) as u32)
            .collect();
        // Rows by group, in row order within a group (a counting sort).
        let mut offsets = vec![0u32; keys.len() + 1];
        for g in &group {
            offsets[*g as usize + 1] += 1;
        }
        for g in 0..keys.len() {
            offsets[g + 1] += offsets[g];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; group.len()];
        for (i, g) in group.iter().enumerate() {
            rows[next[*g as usize] as usize] = i as u32;
            next[*g as usize] += 1;
        }
        let widest = offsets
            .windows(2)
            .map(|w| (w[1] - w[0]) as usize)
            .max()
            .unwrap_or(0);
        Ok(Build {
            rb,
            conv,
            keys,
            offsets,
            rows,
            widest,
            _held: held,
        })
    }

    /// The output rows of `pairs`, after the join's filter when it has one.
    fn emit(
        &self,
        lb: Option<&RecordBatch>,
        rb: &RecordBatch,
        pairs: Pairs,
    ) -> Result<RecordBatch> {
        let li = pairs.left.finish();
        let ri = pairs.right.finish();
        let Some(f) = &self.filter else {
            return self.gather(lb, rb, &li, &ri, |_| true);
        };
        // The filter's columns first (the others as nulls), then only the kept pairs.
        let narrow = self.gather(lb, rb, &li, &ri, |c| f.reads[c])?;
        let mask = evaluate(&f.predicate, &narrow)?;
        let mask = mask
            .as_any()
            .downcast_ref::<BooleanArray>()
            .ok_or_else(|| ExecError::Internal("join filter did not yield bools".into()))?;
        // A null result drops the pair, as a `where` drops the row.
        let mask = match mask.null_count() {
            0 => mask.clone(),
            _ => arrow::compute::prep_null_mask_filter(mask),
        };
        if mask.true_count() == mask.len() {
            return self.gather(lb, rb, &li, &ri, |_| true);
        }
        let li = arrow::compute::filter(&li, &mask)?;
        let ri = arrow::compute::filter(&ri, &mask)?;
        self.gather(lb, rb, li.as_primitive(), ri.as_primitive(), |_| true)
    }

    /// The output columns of the pairs `li`/`ri` (row numbers of the left and right
    /// sides, null where that side is absent): those `wanted` taken from their side, the
    /// others null (only the join's filter reads such a batch).
    fn gather(
        &self,
        lb: Option<&RecordBatch>,
        rb: &RecordBatch,
        li: &UInt32Array,
        ri: &UInt32Array,
        wanted: impl Fn(usize) -> bool,
    ) -> Result<RecordBatch> {
        let n = li.len();
        let cols = self
            .outputs
            .iter()
            .zip(&self.schema.fields)
            .enumerate()
            .map(|(c, ((side, col), field))| {
                if !wanted(c) {
                    return Ok(arrow::array::new_null_array(&field.ty.arrow_type(), n));
                }
                let taken = match (side, lb) {
                    (Side::Left, Some(lb)) => take(lb.column(*col).as_ref(), li, None)?,
                    (Side::Left, None) => arrow::array::new_null_array(&field.ty.arrow_type(), n),
                    (Side::Right, _) => take(rb.column(*col).as_ref(), ri, None)?,
                };
                // Outer joins leave absent strings null; KQL shows them as empty strings.
                // (A dictionary-encoded left column, under an aggregate, stays one.)
                if field.ty == KqlType::String
                    && taken.null_count() > 0
                    && !matches!(taken.data_type(), DataType::Dictionary(..))
                {
                    conform_column(&taken, KqlType::String)
                } else {
                    Ok(taken)
                }
            })
            .collect::<Result<Vec<ArrayRef>>>()?;
        let mut schema = self.schema.to_arrow();
        if cols
            .iter()
            .zip(schema.fields())
            .any(|(c, f)| c.data_type() != f.data_type())
        {
            let fields: Vec<Field> = cols
                .iter()
                .zip(schema.fields())
                .map(|(c, f)| f.as_ref().clone().with_data_type(c.data_type().clone()))
                .collect();
            schema = Arc::new(ArrowSchema::new(fields));
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(schema, cols, &opts)?)
    }

    /// Each left row's build group: through the dictionary (once per entry) when the only
    /// key is a dictionary-encoded column, else by encoding the keys.
    fn groups_of(
        &self,
        build: &Build,
        lb: &RecordBatch,
        cache: &mut KeyCache,
    ) -> Result<Vec<Option<u32>>> {
        if let [(l, _)] = self.keys.as_slice() {
            if let Some(d) = lb
                .column(*l)
                .as_any()
                .downcast_ref::<DictionaryArray<Int32Type>>()
            {
                let per_entry = cache.get_or_make(d, || {
                    let rows = build.conv.convert_columns(&[values_with_empty(d)?])?;
                    Ok((0..rows.num_rows())
                        .map(|k| build.keys.get(rows.row(k).as_ref()).map(|g| g as u32))
                        .collect())
                })?;
                return Ok(entries(d).map(|k| per_entry[k]).collect());
            }
        }
        // Other dictionary keys are read as the strings they stand for.
        let lrows = self.left_key_rows(&build.conv, lb)?;
        Ok((0..lb.num_rows())
            .map(|i| build.keys.get(lrows.row(i).as_ref()).map(|g| g as u32))
            .collect())
    }

    /// Starts probing one left batch: each row's build group is looked up now, the
    /// output is made by [`JoinCore::next_chunk`].
    fn start(&self, build: &Build, lb: RecordBatch, cache: &mut KeyCache) -> Result<Probe> {
        Ok(Probe {
            groups: self.groups_of(build, &lb, cache)?,
            lb,
            row: 0,
            hit: 0,
        })
    }

    /// The next at most [`BATCH_SIZE`] output rows of `p` (`None` once it has no more);
    /// never an empty batch (chunks the join's filter emptied are passed over).
    /// `state` is needed by the flavours that are not [`HashJoinExec::per_left_row`].
    fn next_chunk(
        &self,
        build: &Build,
        p: &mut Probe,
        mut state: Option<&mut ProbeState>,
    ) -> Result<Option<RecordBatch>> {
        while let Some(pairs) = self.next_pairs(build, p, state.as_deref_mut()) {
            let b = self.emit(Some(&p.lb), &build.rb, pairs)?;
            if b.num_rows() > 0 {
                return Ok(Some(b));
            }
        }
        Ok(None)
    }

    /// The row pairs of [`JoinCore::next_chunk`]'s next chunk.
    fn next_pairs(
        &self,
        build: &Build,
        p: &mut Probe,
        mut state: Option<&mut ProbeState>,
    ) -> Option<Pairs> {
        use JoinKind::*;
        let mut out = Pairs::default();
        while p.row < p.groups.len() && out.left.len() < BATCH_SIZE {
            let (i, g) = (p.row, p.groups[p.row]);
            let hits: &[u32] = g.map_or(&[], |g| build.hits(g));
            let li = i as u32;
            if p.hit == 0 {
                // First visit of this left row (a row cut across chunks resumes at `hit`).
                if let Some(st) = state.as_deref_mut() {
                    // innerunique keeps one left row per key (the first seen); a key
                    // without a match gives no row either way.
                    if self.kind == InnerUnique {
                        if let Some(g) = g {
                            if !st.seen_left.insert(g) {
                                p.row += 1;
                                continue;
                            }
                        }
                    }
                    for r in hits {
                        st.matched[*r as usize] = true;
                    }
                }
                let single = match self.kind {
                    LeftOuter | FullOuter => hits.is_empty(),
                    LeftSemi => !hits.is_empty(),
                    LeftAnti => hits.is_empty(),
                    _ => false,
                };
                if single {
                    out.left.push(li);
                    out.right.push_absent();
                }
            }
            let pairs = matches!(
                self.kind,
                Inner | InnerUnique | RightOuter | LeftOuter | FullOuter
            );
            if pairs {
                let room = BATCH_SIZE - out.left.len();
                let upto = hits.len().min(p.hit + room);
                for r in &hits[p.hit..upto] {
                    out.left.push(li);
                    out.right.push(*r);
                }
                if upto < hits.len() {
                    p.hit = upto;
                    break;
                }
            }
            p.row += 1;
            p.hit = 0;
        }
        (!out.left.is_empty()).then_some(out)
    }

    /// The right rows decided only once every left row was seen.
    fn tail(&self, build: &Build, matched: &[bool]) -> Result<Option<RecordBatch>> {
        use JoinKind::*;
        let n = build.rb.num_rows() as u32;
        let tail: Vec<u32> = match self.kind {
            RightOuter | FullOuter | RightAnti => {
                (0..n).filter(|r| !matched[*r as usize]).collect()
            }
            RightSemi => (0..n).filter(|r| matched[*r as usize]).collect(),
            _ => vec![],
        };
        if tail.is_empty() {
            return Ok(None);
        }
        let p = Pairs {
            left: SideRows::absent(tail.len()),
            right: SideRows::all(tail),
        };
        let b = self.emit(None, &build.rb, p)?;
        Ok((b.num_rows() > 0).then_some(b))
    }
}

impl ExecutionPlan for HashJoinExec {
    fn describe(&self) -> String {
        let k: Vec<String> = self
            .core
            .keys
            .iter()
            .map(|(l, r)| format!("#{l} == #{r}"))
            .collect();
        let filter = match &self.core.filter {
            Some(f) => format!(" filter={}", f.predicate),
            None => String::new(),
        };
        format!(
            "HashJoinExec: kind={:?} on [{}]{filter} (build: right)",
            self.core.kind,
            k.join(", ")
        )
    }
    fn schema(&self) -> &Schema {
        &self.core.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.left, &self.right]
    }
    fn execute(&self) -> Result<BatchIter> {
        if let Some(parallel) = execute_parallel(self) {
            return parallel;
        }
        // Left batches are probed as they are pulled; the right-only rows come last.
        let spare = self.spare.lock().ok().and_then(|mut s| s.take());
        let build = match spare {
            Some(b) => b,
            None => self.build()?,
        };
        let build = match build {
            BuildSide::Memory(b) => b,
            BuildSide::Spilled(right) => return self.execute_spilled(right),
        };
        let state = ProbeState {
            matched: vec![false; build.rb.num_rows()],
            seen_left: HashSet::default(),
        };
        Ok(Box::new(ProbeStream {
            core: self.core.clone(),
            build,
            left: Some(self.left.execute()?),
            cache: KeyCache::default(),
            current: None,
            state: Some(state),
        }))
    }
    fn has_units(&self) -> bool {
        self.per_left_row() && self.left.has_units()
    }
    fn units_hint(&self) -> Option<usize> {
        self.has_units().then(|| self.left.units_hint()).flatten()
    }
    fn execute_units(&self, fold: UnitFold) -> Option<Result<FoldedIter>> {
        if !self.has_units() {
            return None;
        }
        // A build side kept by an earlier refusal is used again (a filter above falls
        // back to `execute`, which asks again): the right side is read once.
        let spare = self.spare.lock().ok().and_then(|mut s| s.take());
        let build = match spare.map_or_else(|| self.build(), Ok) {
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        // A spilled right side, or a key too wide, is probed by the sequential `execute`.
        let build = match build {
            BuildSide::Memory(b) if b.widest <= PARALLEL_FANOUT => b,
            other => {
                if let Ok(mut spare) = self.spare.lock() {
                    *spare = Some(other);
                }
                return None;
            }
        };
        let core = self.core.clone();
        self.left.execute_units(Arc::new(move |batches| {
            fold(&mut ProbeStream {
                core: core.clone(),
                build: build.clone(),
                left: Some(batches),
                cache: KeyCache::default(),
                current: None,
                state: None,
            })
        }))
    }
}

/// Marks in `reads` the columns `e` reads.
fn mark_columns(e: &PhysicalExpr, reads: &mut [bool]) {
    match e {
        PhysicalExpr::Column(i, _) => {
            if let Some(r) = reads.get_mut(*i) {
                *r = true;
            }
        }
        PhysicalExpr::Literal(_) => {}
        PhysicalExpr::Call { args, .. } => args.iter().for_each(|a| mark_columns(a, reads)),
    }
}
