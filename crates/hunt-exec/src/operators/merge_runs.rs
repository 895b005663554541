//! The k-way merge of sorted spill files ("runs") into one sorted stream.
//!
//! Each run's current batch has its key columns row-encoded (arrow's `RowConverter`, with
//! the sort's options), so comparing two rows is a byte comparison. A binary heap of run
//! indices picks the smallest row; ties go to the lower run index, and runs are numbered
//! in input order, so the merge is stable when each run is: equal keys keep input order.
//! Output batches are gathered with `interleave` from the runs' current batches.

use crate::error::Result;
use crate::spill::{SpillFile, SpillReader};
use arrow::array::{Array, ArrayRef, RecordBatch, RecordBatchOptions};
use arrow::compute::SortOptions;
use arrow::datatypes::SchemaRef;
use arrow::row::{RowConverter, Rows, SortField};

/// Rows per merged batch.
const BATCH_ROWS: usize = 8192;

/// The key columns of a run's batch.
pub(super) type KeyFn = Box<dyn Fn(&RecordBatch) -> Result<Vec<ArrayRef>> + Send>;

/// One run being read: its current batch, that batch's encoded keys and the next row.
struct Cursor {
    reader: SpillReader,
    batch: RecordBatch,
    rows: Rows,
    pos: usize,
    /// The batch's index in the merge's `sources`.
    src: usize,
}

/// Merges sorted runs; see the module header.
pub(super) struct RunMerge {
    cursors: Vec<Cursor>,
    /// Indices into `cursors` of the runs with rows left, a min-heap.
    heap: Vec<usize>,
    conv: RowConverter,
    /// The key types `conv` encodes.
    types: Vec<arrow::datatypes::DataType>,
    keys: KeyFn,
    /// The output's schema: the runs' first `schema.fields().len()` columns.
    schema: SchemaRef,
    /// Batches the output being gathered takes rows from.
    sources: Vec<RecordBatch>,
    /// Rows per output batch.
    batch_rows: usize,
    /// The runs, removed when the merge is dropped.
    _runs: Vec<SpillFile>,
}

impl RunMerge {
    /// Merges `runs` (each sorted by `keys` under `options`, runs in input order); yields
    /// batches of `schema`, the runs' leading columns.
    pub(super) fn try_new(
        runs: Vec<SpillFile>,
        keys: KeyFn,
        options: Vec<SortOptions>,
        schema: SchemaRef,
    ) -> Result<RunMerge> {
        let mut readers = Vec::with_capacity(runs.len());
        for r in &runs {
            readers.push(r.read()?);
        }
        // The converter's types come from the first batch's keys (expressions may evaluate
        // to a type that differs from the declared one, such as a dictionary).
        let mut firsts = Vec::with_capacity(readers.len());
        for mut reader in readers {
            if let Some(b) = next_nonempty(&mut reader)? {
                firsts.push((reader, b));
            }
        }
        let types: Vec<_> = match firsts.first() {
            Some((_, b)) => keys(b)?.iter().map(|a| a.data_type().clone()).collect(),
            None => Vec::new(),
        };
        let fields = types
            .iter()
            .zip(&options)
            .map(|(t, o)| SortField::new_with_options(t.clone(), *o))
            .collect();
        let conv = RowConverter::new(fields)?;
        let mut m = RunMerge {
            cursors: Vec::with_capacity(firsts.len()),
            heap: Vec::new(),
            conv,
            types,
            keys,
            schema,
            sources: Vec::new(),
            batch_rows: BATCH_ROWS,
            _runs: runs,
        };
        for (reader, batch) in firsts {
            let rows = m.encode(&batch)?;
            m.sources.push(batch.clone());
            m.cursors.push(Cursor {
                reader,
                batch,
                rows,
                pos: 0,
                src: m.sources.len() - 1,
            });
        }
        m.heap = (0..m.cursors.len()).collect();
        for i in (0..m.heap.len() / 2).rev() {
            m.sift_down(i);
        }
        Ok(m)
    }

    /// This merge yielding batches of at most `rows` rows (for rows of large values).
    pub(super) fn with_batch_rows(mut self, rows: usize) -> RunMerge {
        self.batch_rows = rows.max(1);
        self
    }

    /// The encoded keys of `batch`.
    fn encode(&self, batch: &RecordBatch) -> Result<Rows> {
        let cols = (self.keys)(batch)?;
        let cols = cols
            .into_iter()
            .zip(&self.types)
            .map(|(c, t)| {
                if c.data_type() == t {
                    Ok(c)
                } else {
                    Ok(arrow::compute::cast(&c, t)?)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(self.conv.convert_columns(&cols)?)
    }

    /// True when run `a`'s current row goes before run `b`'s.
    fn before(&self, a: usize, b: usize) -> bool {
        let (ca, cb) = (&self.cursors[a], &self.cursors[b]);
        match ca.rows.row(ca.pos).cmp(&cb.rows.row(cb.pos)) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => a < b,
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut m = i;
            if l < n && self.before(self.heap[l], self.heap[m]) {
                m = l;
            }
            if r < n && self.before(self.heap[r], self.heap[m]) {
                m = r;
            }
            if m == i {
                return;
            }
            self.heap.swap(i, m);
            i = m;
        }
    }

    /// Moves run `c` past its current row, loading its next batch when needed; false when
    /// the run has no rows left.
    fn advance(&mut self, c: usize) -> Result<bool> {
        let cur = &mut self.cursors[c];
        cur.pos += 1;
        if cur.pos < cur.batch.num_rows() {
            return Ok(true);
        }
        let Some(batch) = next_nonempty(&mut cur.reader)? else {
            return Ok(false);
        };
        let rows = self.encode(&batch)?;
        self.sources.push(batch.clone());
        let cur = &mut self.cursors[c];
        cur.batch = batch;
        cur.rows = rows;
        cur.pos = 0;
        cur.src = self.sources.len() - 1;
        Ok(true)
    }

    /// The next merged batch, or `None` at the end.
    fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        let mut picks: Vec<(usize, usize)> = Vec::with_capacity(self.batch_rows);
        while picks.len() < self.batch_rows {
            let Some(&top) = self.heap.first() else {
                break;
            };
            let cur = &self.cursors[top];
            picks.push((cur.src, cur.pos));
            if !self.advance(top)? {
                let last = self.heap.len() - 1;
                self.heap.swap(0, last);
                self.heap.pop();
            }
            if !self.heap.is_empty() {
                self.sift_down(0);
            }
        }
        if picks.is_empty() {
            return Ok(None);
        }
        let width = self.schema.fields().len();
        let mut cols = Vec::with_capacity(width);
        for c in 0..width {
            let arrays: Vec<&dyn Array> =
                self.sources.iter().map(|b| b.column(c).as_ref()).collect();
            cols.push(arrow::compute::interleave(&arrays, &picks)?);
        }
        // Only the runs' current batches stay sources.
        self.sources.clear();
        for &c in &self.heap {
            let cur = &mut self.cursors[c];
            self.sources.push(cur.batch.clone());
            cur.src = self.sources.len() - 1;
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(picks.len()));
        Ok(Some(RecordBatch::try_new_with_options(
            self.schema.clone(),
            cols,
            &opts,
        )?))
    }
}

impl Iterator for RunMerge {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        match self.next_batch() {
            Ok(Some(b)) => Some(Ok(b)),
            Ok(None) => None,
            Err(e) => {
                // One error ends the stream.
                self.heap.clear();
                Some(Err(e))
            }
        }
    }
}

/// The reader's next batch with rows, if any.
fn next_nonempty(reader: &mut SpillReader) -> Result<Option<RecordBatch>> {
    for b in reader.by_ref() {
        let b = b?;
        if b.num_rows() > 0 {
            return Ok(Some(b));
        }
    }
    Ok(None)
}

/// Runs merged at once at most: more are first merged in consecutive groups into longer
/// runs (consecutive, so ties still go to the earlier input), which keeps the open files
/// and the batches held during the merge bounded.
const MAX_FAN_IN: usize = 64;

/// `runs`, merged in consecutive groups until at most [`MAX_FAN_IN`] remain. `make_keys`
/// makes the key function of each merge; the runs keep all their columns.
pub(super) fn reduce_runs(
    mut runs: Vec<SpillFile>,
    make_keys: &dyn Fn() -> KeyFn,
    options: &[SortOptions],
    space: &crate::spill::SpillSpace,
) -> Result<Vec<SpillFile>> {
    while runs.len() > MAX_FAN_IN {
        let mut merged = Vec::with_capacity(runs.len() / MAX_FAN_IN + 1);
        let mut rest = runs.into_iter().peekable();
        while rest.peek().is_some() {
            let group: Vec<SpillFile> = rest.by_ref().take(MAX_FAN_IN).collect();
            let schema = group[0].schema();
            let mut w = space.create(schema.clone())?;
            for b in RunMerge::try_new(group, make_keys(), options.to_vec(), schema)? {
                w.write(&b?)?;
            }
            merged.push(w.finish()?);
        }
        runs = merged;
    }
    Ok(runs)
}
