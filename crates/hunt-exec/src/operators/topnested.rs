//! `TopNestedExec`: hierarchical top groups (`top-nested`), level by level.
//!
//! The input is read once and kept — in memory while it stays under the query's spill
//! threshold, else in one spill file. Each level then reads it again: a row whose groups
//! of the levels above were all kept joins its group (kept parent, key) of this level, and
//! each parent keeps its top groups (`topnested_level.rs`). What a level holds is its
//! groups; past the spill threshold the level starts over and writes its rows (parent,
//! key, argument, place in the input) to partition files by the hash of the group, then
//! aggregates one file at a time, keeping each partition's top groups of each parent and
//! then the top of those. The answer is the same row for row either way.

use super::hash_parts::{HashSplit, PartFiles};
use super::topnested_level::{Arg, Cand, Table, top};
use crate::error::Result;
use crate::expr::scalar::array_from_scalars;
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::limits::{MemoryBudget, Reservation};
use crate::physical_plan::{BatchIter, ExecutionPlan};
use crate::spill::{SpillFile, conform, read_bytes};
use arrow::array::{
    Array, ArrayRef, AsArray, RecordBatch, RecordBatchOptions, UInt32Array, UInt64Array,
};
use arrow::datatypes::{DataType, Field, Schema as ArrowSchema, SchemaRef, UInt32Type, UInt64Type};
use arrow::row::{RowConverter, SortField};
use hunt_plan::expr::{AggFunc, Scalar};
use hunt_plan::logical_plan::TopNestedLevel;
use hunt_plan::types::{KqlType, Schema};
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
    /// The query's budget: the kept input, each level's groups and the kept groups.
    budget: MemoryBudget,
}

const WHAT: &str = "a `top-nested`";
/// Most partitions a level's rows are written to.
const MAX_PARTITIONS: usize = 128;

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
            budget: MemoryBudget::default(),
        })
    }

    /// This operator with what it holds reserved from `budget` (the query's).
    pub fn with_budget(mut self, budget: MemoryBudget) -> Self {
        self.budget = budget;
        self
    }
}

/// The input, kept for the levels to read again.
enum Source {
    /// The batches, reserved.
    Held(Vec<RecordBatch>, #[allow(dead_code)] Reservation),
    File(SpillFile),
}

impl Source {
    fn batches(&self) -> Result<Box<dyn Iterator<Item = Result<RecordBatch>> + '_>> {
        Ok(match self {
            Source::Held(b, _) => Box::new(b.iter().cloned().map(Ok)),
            Source::File(f) => Box::new(f.read()?),
        })
    }

    fn rows(&self) -> usize {
        match self {
            Source::Held(b, _) => b.iter().map(RecordBatch::num_rows).sum(),
            Source::File(f) => f.rows(),
        }
    }
}

/// The kept groups of one level, grouped by parent in parent order and ranked: group `id`
/// is `kept[id]`, parent `p`'s are `starts[p]..starts[p + 1]`.
struct Kept {
    kept: Vec<Cand>,
    starts: Vec<usize>,
    /// Each kept group's id by its identity (parent id, key encoding).
    index: HashMap<Box<[u8]>, u32>,
    _held: Reservation,
}

/// One level's view of a batch: each row's parent (none when a level above dropped it),
/// key and its encoding, argument.
struct View {
    parents: Vec<Option<u32>>,
    key: ArrayRef,
    rows: arrow::row::Rows,
    arg: Arg,
}

impl TopNestedExec {
    /// The key of level `k` over `b`, as its declared type.
    fn key(&self, k: usize, b: &RecordBatch) -> Result<ArrayRef> {
        let l = &self.levels[k];
        let v = evaluate(&l.key, b)?;
        let t = l.key.ty().arrow_type();
        Ok(if v.data_type() == &t {
            v
        } else {
            arrow::compute::cast(&v, &t)?
        })
    }

    fn converter(&self, k: usize) -> Result<RowConverter> {
        Ok(RowConverter::new(vec![SortField::new(
            self.levels[k].key.ty().arrow_type(),
        )])?)
    }

    /// Level `k`'s view of input batch `b`, the levels above kept as `kept`.
    fn view(
        &self,
        k: usize,
        kept: &[Kept],
        convs: &[RowConverter],
        b: &RecordBatch,
    ) -> Result<View> {
        let n = b.num_rows();
        let mut parents: Vec<Option<u32>> = vec![Some(0); n];
        let mut buf = Vec::new();
        for (j, above) in kept.iter().enumerate() {
            let rows = convs[j].convert_columns(&[self.key(j, b)?])?;
            for (i, p) in parents.iter_mut().enumerate() {
                if let Some(id) = *p {
                    buf.clear();
                    buf.extend_from_slice(&id.to_le_bytes());
                    buf.extend_from_slice(rows.row(i).as_ref());
                    *p = above.index.get(buf.as_slice()).copied();
                }
            }
        }
        let key = self.key(k, b)?;
        let rows = convs[k].convert_columns(std::slice::from_ref(&key))?;
        let l = &self.levels[k];
        let arg = match &l.arg {
            Some(a) if l.func != AggFunc::Count => Some((evaluate(a, b)?, a.ty())),
            _ => None,
        };
        Ok(View {
            parents,
            key,
            rows,
            arg: Arg::new(l.func, l.ty, arg)?,
        })
    }

    /// Reads the input once, keeping it in memory or, past the spill threshold, on disk.
    fn source(&self) -> Result<Source> {
        let schema = self.input.schema().to_arrow();
        let mut held = self.budget.reserve(0, WHAT)?;
        let mut batches = Vec::new();
        let mut file: Option<crate::spill::SpillWriter> = None;
        for b in self.input.execute()? {
            let b = conform(&b?, &schema)?;
            if b.num_rows() == 0 {
                continue;
            }
            let size = b.get_array_memory_size();
            // Held up to half the threshold, leaving the rest to the levels' groups.
            let due = self
                .budget
                .spill_due(2 * (held.bytes() + size), held.bytes());
            if file.is_none() && due {
                let mut w = self.budget.spill().create(schema.clone())?;
                for h in batches.drain(..) {
                    w.write(&h)?;
                }
                held.shrink(held.bytes());
                file = Some(w);
            }
            match &mut file {
                Some(w) => w.write(&b)?,
                None => {
                    held.grow(size, WHAT)?;
                    batches.push(b);
                }
            }
        }
        Ok(match file {
            Some(w) => Source::File(w.finish()?),
            None => Source::Held(batches, held),
        })
    }

    /// Level `k`'s kept groups.
    fn level(&self, k: usize, src: &Source, kept: &[Kept], convs: &[RowConverter]) -> Result<Kept> {
        let l = &self.levels[k];
        let key_ty = l.key.ty();
        let mut table = Table::new();
        let mut held = self.budget.reserve(0, WHAT)?;
        let mut place = 0u64;
        let mut parts = None;
        for b in src.batches()? {
            let b = b?;
            let v = self.view(k, kept, convs, &b)?;
            let places: Vec<u64> = (0..b.num_rows() as u64).map(|i| place + i).collect();
            place += b.num_rows() as u64;
            table.push(
                l.func,
                &v.parents,
                &v.rows,
                v.key.as_ref(),
                key_ty,
                &v.arg,
                &places,
            )?;
            if self.budget.spill_due(table.bytes(), held.bytes()) {
                // The whole level's groups, estimated from the part read, in partitions
                // of about half the room the rest of the query leaves under the threshold.
                let whole = table.bytes() as f64 * src.rows() as f64 / place.max(1) as f64;
                let threshold = self.budget.spill().threshold();
                let others = self.budget.used().saturating_sub(held.bytes());
                let room = threshold.saturating_sub(others).max(threshold / 8).max(1);
                let n = (2.0 * whole / room as f64).ceil();
                parts = Some((n as usize).clamp(2, MAX_PARTITIONS));
                break;
            }
            held.grow(table.bytes().saturating_sub(held.bytes()), WHAT)?;
        }
        let cands = match parts {
            None => top(table.into_cands(l.ty), l.count, l.descending),
            Some(n) => {
                drop(table);
                held.shrink(held.bytes());
                self.partitioned(k, src, kept, convs, n, &mut held)?
            }
        };
        self.keep(k, cands, held)
    }

    /// Level `k`'s top groups, aggregated from `n` partition files; `held` is grown by
    /// the candidates kept.
    fn partitioned(
        &self,
        k: usize,
        src: &Source,
        kept: &[Kept],
        convs: &[RowConverter],
        n: usize,
        held: &mut Reservation,
    ) -> Result<Vec<Cand>> {
        let l = &self.levels[k];
        let key_ty = l.key.ty();
        let arg_type = Arg::arrow_type(l.func, l.ty, l.arg.as_ref().map(|a| a.ty()))
            .unwrap_or(DataType::Int64);
        let schema: SchemaRef = Arc::new(ArrowSchema::new(vec![
            Field::new("parent", DataType::UInt32, false),
            Field::new("key", key_ty.arrow_type(), true),
            Field::new("arg", arg_type, true),
            Field::new("place", DataType::UInt64, false),
        ]));
        let mut split = HashSplit::new(&[DataType::UInt32, key_ty.arrow_type()], 0, n)?;
        let mut files = PartFiles::new(&self.budget, &schema, n)?;
        let mut place = 0u64;
        for b in src.batches()? {
            let b = b?;
            let v = self.view(k, kept, convs, &b)?;
            let keep: Vec<u32> = (0..b.num_rows() as u32)
                .filter(|&i| v.parents[i as usize].is_some())
                .collect();
            let cols: Vec<ArrayRef> = vec![
                Arc::new(UInt32Array::from_iter_values(
                    v.parents.iter().flatten().copied(),
                )),
                arrow::compute::take(&v.key, &UInt32Array::from(keep.clone()), None)?,
                arrow::compute::take(
                    &v.arg.column(b.num_rows()),
                    &UInt32Array::from(keep.clone()),
                    None,
                )?,
                Arc::new(UInt64Array::from_iter_values(
                    keep.iter().map(|&i| place + u64::from(i)),
                )),
            ];
            place += b.num_rows() as u64;
            let rows = RecordBatch::try_new(schema.clone(), cols)?;
            files.add_split(split.split(&rows.columns()[..2], &rows)?)?;
        }
        let mut cands = Vec::new();
        for p in files.finish()? {
            let mut table = Table::new();
            let mut reading = self.budget.reserve(0, WHAT)?;
            for b in p.file.read()? {
                let b = b?;
                let parents: Vec<Option<u32>> =
                    b.column(0).as_primitive::<UInt32Type>().iter().collect();
                let key = b.column(1).clone();
                let rows = convs[k].convert_columns(std::slice::from_ref(&key))?;
                let arg = Arg::new(
                    l.func,
                    l.ty,
                    l.arg.as_ref().map(|a| (b.column(2).clone(), a.ty())),
                )?;
                let places = b.column(3).as_primitive::<UInt64Type>().values().to_vec();
                table.push(l.func, &parents, &rows, key.as_ref(), key_ty, &arg, &places)?;
                reading.grow(
                    (table.bytes() + read_bytes(&b)).saturating_sub(reading.bytes()),
                    WHAT,
                )?;
            }
            let best = top(table.into_cands(l.ty), l.count, l.descending);
            held.grow(best.iter().map(Cand::bytes).sum(), WHAT)?;
            cands.extend(best);
        }
        Ok(top(cands, l.count, l.descending))
    }

    /// Level `k`'s kept groups as [`Kept`], with what they hold reserved.
    fn keep(&self, k: usize, kept: Vec<Cand>, mut held: Reservation) -> Result<Kept> {
        let bytes: usize = kept.iter().map(Cand::bytes).sum();
        held.shrink(held.bytes());
        held.grow(2 * bytes, WHAT)?;
        let parents = kept.last().map_or(0, |c| c.parent as usize + 1);
        let mut starts = vec![0usize; parents + 1];
        for c in &kept {
            starts[c.parent as usize + 1] += 1;
        }
        for p in 0..parents {
            starts[p + 1] += starts[p];
        }
        let index = if k + 1 < self.levels.len() {
            kept.iter()
                .enumerate()
                .map(|(id, c)| (c.enc.clone(), id as u32))
                .collect()
        } else {
            HashMap::new()
        };
        Ok(Kept {
            kept,
            starts,
            index,
            _held: held,
        })
    }
}

/// Appends the rows under `parent` of level `k` (and the levels below) to `out`.
fn emit(
    levels: &[Kept],
    k: usize,
    parent: usize,
    prefix: &mut Vec<Scalar>,
    out: &mut Vec<Vec<Scalar>>,
) {
    let Some(l) = levels.get(k) else {
        out.push(prefix.clone());
        return;
    };
    let (Some(&from), Some(&to)) = (l.starts.get(parent), l.starts.get(parent + 1)) else {
        return;
    };
    for (id, c) in l.kept[from..to].iter().enumerate() {
        prefix.push(c.key.clone());
        prefix.push(c.value.clone());
        emit(levels, k + 1, from + id, prefix, out);
        prefix.pop();
        prefix.pop();
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
        let src = self.source()?;
        let convs = (0..self.levels.len())
            .map(|k| self.converter(k))
            .collect::<Result<Vec<_>>>()?;
        let mut kept: Vec<Kept> = Vec::with_capacity(self.levels.len());
        for k in 0..self.levels.len() {
            let level = self.level(k, &src, &kept, &convs)?;
            kept.push(level);
        }
        drop(src);
        let mut out = Vec::new();
        emit(&kept, 0, 0, &mut Vec::new(), &mut out);
        let mut held = self.budget.reserve(0, WHAT)?;
        held.grow(
            out.len() * self.schema.fields.len() * std::mem::size_of::<Scalar>() * 2,
            WHAT,
        )?;
        drop(kept);
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
