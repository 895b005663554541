//! `SeriesExec`: the last step of `make-series`, turning per-bin aggregates into one row
//! per group with an array per aggregate (defaults in empty bins) and the axis array.
//!
//! Its input is the aggregate's `(keys…, bin, values…)` rows. They are held until they
//! would pass the query's spill threshold; then (with `by` keys) every row is written to
//! one of [`PARTITIONS`] spill files by the hash of its keys, with its place in the input,
//! and the series are assembled one file at a time (a file still too big is split again,
//! up to [`MAX_LEVEL`] times), so only one partition's groups are held. Each partition's
//! groups come out in order of their first row, and the partitions' results are merged on
//! that place: the answer is the in-memory answer, row for row. Groups are assembled a
//! few at a time (one array of bins per group and aggregate at once), and handed on in
//! batches of about [`OUT_BYTES`].

use super::accumulators::scalar_json;
use super::hash_parts::{HashSplit, Part, PartFiles};
use super::merge_runs::{KeyFn, RunMerge, reduce_runs};
use crate::error::{ExecError, Result};
use crate::expr::scalar::array_value;
use crate::limits::{MemoryBudget, Reservation};
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan};
use crate::spill::{conform, read_bytes};
use arrow::array::{
    Array, ArrayRef, Int64Array, RecordBatch, RecordBatchOptions, StringArray, UInt32Array,
    UInt64Array,
};
use arrow::compute::{SortOptions, take};
use arrow::datatypes::{DataType, Field, Schema as ArrowSchema, SchemaRef};
use arrow::row::{RowConverter, SortField};
use hunt_plan::expr::Scalar;
use hunt_plan::types::{KqlType, Schema};
use std::collections::HashMap;
use std::sync::Arc;

/// Spill files per partitioning.
const PARTITIONS: usize = 32;
/// How many times a partition may be partitioned again.
const MAX_LEVEL: u32 = 3;
/// About the bytes of series text per output batch.
const OUT_BYTES: usize = 16 << 20;
/// The name of the column holding each row's place in the input.
const PLACE: &str = "__hunt_place";

/// Assembles series arrays from `(keys…, bin, values…)` rows.
#[derive(Debug)]
pub struct SeriesExec {
    input: Arc<dyn ExecutionPlan>,
    keys: usize,
    defaults: Vec<Scalar>,
    axis: Vec<Scalar>,
    schema: Schema,
    /// The query's budget: the buffered input and the series arrays are reserved.
    budget: MemoryBudget,
}

const WHAT: &str = "a `make-series`";

/// What assembling needs, shared by the output iterators.
struct Shape {
    keys: usize,
    /// Each aggregate's default, as an array element.
    defaults: Vec<serde_json::Value>,
    /// Each aggregate's value type.
    types: Vec<KqlType>,
    bins: usize,
    /// The output: keys, series, axis.
    out: SchemaRef,
    /// The axis array's text, the same on every row.
    axis: String,
}

impl Shape {
    /// Groups per output batch: about [`OUT_BYTES`] of series text.
    fn groups_per_batch(&self) -> usize {
        let row = self
            .bins
            .saturating_mul(self.defaults.len() + 1)
            .saturating_mul(8)
            + 64;
        (OUT_BYTES / row).clamp(1, BATCH_SIZE)
    }

    /// `b` (keys and series) with the axis column appended.
    fn with_axis(&self, b: RecordBatch) -> Result<RecordBatch> {
        let n = b.num_rows();
        let mut cols = b.columns()[..self.keys + self.defaults.len()].to_vec();
        cols.push(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n(self.axis.as_str(), n),
        )));
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(
            self.out.clone(),
            cols,
            &opts,
        )?)
    }

    /// A partition's result: keys, series and each group's first place.
    fn result_schema(&self) -> SchemaRef {
        let mut fields: Vec<Arc<Field>> =
            self.out.fields()[..self.keys + self.defaults.len()].to_vec();
        fields.push(Arc::new(Field::new(PLACE, DataType::UInt64, false)));
        Arc::new(ArrowSchema::new(fields))
    }
}

impl SeriesExec {
    /// A series over `input`, whose first `keys` columns are the group keys.
    pub fn new(
        input: Arc<dyn ExecutionPlan>,
        keys: usize,
        defaults: Vec<Scalar>,
        axis: Vec<Scalar>,
        schema: Schema,
    ) -> SeriesExec {
        SeriesExec {
            input,
            keys,
            defaults,
            axis,
            schema,
            budget: MemoryBudget::default(),
        }
    }

    /// This operator with what it holds reserved from `budget` (the query's).
    pub fn with_budget(mut self, budget: MemoryBudget) -> Self {
        self.budget = budget;
        self
    }

    fn shape(&self) -> Shape {
        let in_schema = self.input.schema();
        Shape {
            keys: self.keys,
            defaults: self.defaults.iter().map(scalar_json).collect(),
            types: (0..self.defaults.len())
                .map(|k| in_schema.fields[self.keys + 1 + k].ty)
                .collect(),
            bins: self.axis.len(),
            out: self.schema.to_arrow(),
            axis: serde_json::Value::Array(self.axis.iter().map(scalar_json).collect()).to_string(),
        }
    }
}

/// Rows grouped by key, their series made a few groups at a time.
struct Assembly {
    all: RecordBatch,
    /// Row numbers, grouped: group `g`'s rows are `order[starts[g]..starts[g + 1]]`, in
    /// input order.
    order: Vec<u32>,
    starts: Vec<usize>,
    /// Each group's first row, groups in order of first appearance.
    first_row: Vec<u32>,
    /// The next group to assemble.
    next: usize,
    /// The rows and the grouping, reserved.
    _held: Reservation,
}

impl Assembly {
    /// Groups the rows of `all` by their first `shape.keys` columns (one group when there
    /// are none; none at all over no rows, as the make-series docs show: `take 0 |
    /// make-series … | count` is 0).
    fn new(shape: &Shape, all: RecordBatch, mut held: Reservation) -> Result<Assembly> {
        let n = all.num_rows();
        // The grouping (16 bytes a row), and one group's array of bins while it is made.
        held.grow(
            n.saturating_mul(16)
                .saturating_add(shape.bins.saturating_mul(48)),
            WHAT,
        )?;
        let mut first_row: Vec<u32> = Vec::new();
        let mut group_of: Vec<u32> = Vec::with_capacity(n);
        if shape.keys == 0 {
            if n > 0 {
                first_row.push(0);
            }
            group_of.resize(n, 0);
        } else {
            let key_cols = &all.columns()[..shape.keys];
            let conv = RowConverter::new(
                key_cols
                    .iter()
                    .map(|c| SortField::new(c.data_type().clone()))
                    .collect(),
            )?;
            let rows = conv.convert_columns(key_cols)?;
            held.grow(rows.size(), WHAT)?;
            let mut index: HashMap<Box<[u8]>, u32> = HashMap::new();
            for i in 0..n {
                let g = *index.entry(rows.row(i).as_ref().into()).or_insert_with(|| {
                    first_row.push(i as u32);
                    (first_row.len() - 1) as u32
                });
                group_of.push(g);
            }
        }
        // A counting sort of the rows by group, stable.
        let groups = first_row.len();
        let mut starts = vec![0usize; groups + 1];
        for &g in &group_of {
            starts[g as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut fill = starts.clone();
        let mut order = vec![0u32; n];
        for (i, &g) in group_of.iter().enumerate() {
            order[fill[g as usize]] = i as u32;
            fill[g as usize] += 1;
        }
        Ok(Assembly {
            all,
            order,
            starts,
            first_row,
            next: 0,
            _held: held,
        })
    }

    /// The next groups' keys and series (and, when `place` is the rows' place column, each
    /// group's first place), or `None` after the last group.
    fn next_batch(&mut self, shape: &Shape, place: Option<usize>) -> Result<Option<RecordBatch>> {
        let groups = self.first_row.len();
        if self.next >= groups {
            return Ok(None);
        }
        let end = (self.next + shape.groups_per_batch()).min(groups);
        let range = self.next..end;
        self.next = end;
        let firsts = UInt32Array::from(self.first_row[range.clone()].to_vec());
        let mut cols: Vec<ArrayRef> = Vec::new();
        for c in &self.all.columns()[..shape.keys] {
            cols.push(take(c.as_ref(), &firsts, None)?);
        }
        let bins = self
            .all
            .column(shape.keys)
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| ExecError::Internal("make-series bins are not longs".into()))?;
        for (k, (default, ty)) in shape.defaults.iter().zip(&shape.types).enumerate() {
            let col = self.all.column(shape.keys + 1 + k);
            let mut texts = Vec::with_capacity(range.len());
            for g in range.clone() {
                let mut s = vec![default.clone(); shape.bins];
                for &i in &self.order[self.starts[g]..self.starts[g + 1]] {
                    let i = i as usize;
                    if bins.is_null(i) || !col.is_valid(i) {
                        continue;
                    }
                    if let Ok(b) = usize::try_from(bins.value(i))
                        && b < shape.bins
                    {
                        s[b] = scalar_json(&array_value(col.as_ref(), i, *ty)?);
                    }
                }
                texts.push(serde_json::Value::Array(s).to_string());
            }
            cols.push(Arc::new(StringArray::from(texts)));
        }
        let schema = match place {
            Some(p) => {
                cols.push(take(self.all.column(p).as_ref(), &firsts, None)?);
                shape.result_schema()
            }
            None => {
                // The axis is added by the caller; a placeholder keeps the schema's width.
                cols.push(Arc::new(StringArray::from(vec![""; range.len()])));
                shape.out.clone()
            }
        };
        let opts = RecordBatchOptions::new().with_row_count(Some(range.len()));
        Ok(Some(RecordBatch::try_new_with_options(
            schema, cols, &opts,
        )?))
    }
}

/// `b` with each row's place (`at`, `at + 1`, …) appended, as `schema`.
fn placed(schema: &SchemaRef, b: &RecordBatch, at: u64) -> Result<RecordBatch> {
    let mut cols = b.columns().to_vec();
    cols.push(Arc::new(UInt64Array::from_iter_values(
        (0..b.num_rows() as u64).map(|i| at + i),
    )));
    let opts = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &opts,
    )?)
}

impl SeriesExec {
    /// Assembles `part`'s series into result files sorted by first place (splitting it
    /// again when it is too big to hold), appended to `out`.
    fn assemble_part(
        &self,
        shape: &Shape,
        key_types: &[DataType],
        part: Part,
        level: u32,
        out: &mut Vec<crate::spill::SpillFile>,
    ) -> Result<()> {
        if part.file.rows() == 0 {
            return Ok(());
        }
        let threshold = self.budget.spill().threshold().max(1);
        if level < MAX_LEVEL && part.file.rows() > 1 && 2 * part.bytes > threshold {
            let n = (4 * part.bytes).div_ceil(threshold).clamp(2, PARTITIONS);
            let mut split = HashSplit::new(key_types, level + 1, n)?;
            let mut files = PartFiles::new(&self.budget, &part.file.schema(), n)?;
            for b in part.file.read()? {
                let b = b?;
                files.add_split(split.split(&b.columns()[..self.keys], &b)?)?;
            }
            drop(part);
            for p in files.finish()? {
                self.assemble_part(shape, key_types, p, level + 1, out)?;
            }
            return Ok(());
        }
        let mut held = self.budget.reserve(0, WHAT)?;
        let mut batches = Vec::new();
        for b in part.file.read()? {
            let b = b?;
            held.grow(2 * read_bytes(&b), WHAT)?;
            batches.push(b);
        }
        let schema = part.file.schema();
        let all = arrow::compute::concat_batches(&schema, &batches)?;
        drop(batches);
        drop(part);
        let place = all.num_columns() - 1;
        let mut asm = Assembly::new(shape, all, held)?;
        let mut w = self.budget.spill().create(shape.result_schema())?;
        while let Some(b) = asm.next_batch(shape, Some(place))? {
            w.write(&b)?;
        }
        out.push(w.finish()?);
        Ok(())
    }
}

impl ExecutionPlan for SeriesExec {
    fn describe(&self) -> String {
        format!("SeriesExec: {} bins", self.axis.len())
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let shape = Arc::new(self.shape());
        let in_schema = self.input.schema().to_arrow();
        let key_types: Vec<DataType> = in_schema.fields()[..self.keys]
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        let mut fields: Vec<Arc<Field>> = in_schema.fields().iter().cloned().collect();
        fields.push(Arc::new(Field::new(PLACE, DataType::UInt64, false)));
        let placed_schema: SchemaRef = Arc::new(ArrowSchema::new(fields));
        let mut held = self.budget.reserve(0, WHAT)?;
        let mut batches: Vec<RecordBatch> = Vec::new();
        // Once spilling: the split, the partition files and the next row's place.
        let mut parts: Option<(HashSplit, PartFiles)> = None;
        let mut row = 0u64;
        for b in self.input.execute()? {
            let b = conform(&b?, &in_schema)?;
            if b.num_rows() == 0 {
                continue;
            }
            let size = 2 * b.get_array_memory_size();
            if parts.is_none()
                && self.keys > 0
                && self.budget.spill_due(held.bytes() + size, held.bytes())
            {
                let mut split = HashSplit::new(&key_types, 0, PARTITIONS)?;
                let mut files = PartFiles::new(&self.budget, &placed_schema, PARTITIONS)?;
                for h in std::mem::take(&mut batches) {
                    let h = placed(&placed_schema, &h, row)?;
                    row += h.num_rows() as u64;
                    files.add_split(split.split(&h.columns()[..self.keys], &h)?)?;
                }
                held.shrink(held.bytes());
                parts = Some((split, files));
            }
            match &mut parts {
                Some((split, files)) => {
                    let p = placed(&placed_schema, &b, row)?;
                    row += p.num_rows() as u64;
                    files.add_split(split.split(&p.columns()[..self.keys], &p)?)?;
                }
                None => {
                    held.grow(size, WHAT)?;
                    batches.push(b);
                }
            }
        }
        let Some((_, files)) = parts else {
            let all = arrow::compute::concat_batches(&in_schema, &batches)?;
            drop(batches);
            let mut asm = Assembly::new(&shape, all, held)?;
            return Ok(Box::new(std::iter::from_fn(move || {
                asm.next_batch(&shape, None)
                    .and_then(|b| b.map(|b| shape.with_axis(b)).transpose())
                    .transpose()
            })));
        };
        drop(held);
        let mut results = Vec::new();
        for p in files.finish()? {
            self.assemble_part(&shape, &key_types, p, 0, &mut results)?;
        }
        let by_place = || -> KeyFn {
            Box::new(|b: &RecordBatch| Ok(vec![b.column(b.num_columns() - 1).clone()]))
        };
        let options = [SortOptions::default()];
        let results = reduce_runs(results, &by_place, &options, self.budget.spill())?;
        let keys_and_series: Vec<Arc<Field>> =
            shape.result_schema().fields()[..self.keys + self.defaults.len()].to_vec();
        let merged = RunMerge::try_new(
            results,
            by_place(),
            options.to_vec(),
            Arc::new(ArrowSchema::new(keys_and_series)),
        )?
        .with_batch_rows(shape.groups_per_batch());
        Ok(Box::new(merged.map(move |b| shape.with_axis(b?))))
    }
}
