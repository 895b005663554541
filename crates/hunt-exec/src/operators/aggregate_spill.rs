//! The hash aggregate past the spill threshold: grace partitioning.
//!
//! When a `summarize ... by` table grows past the query's spill threshold, the aggregate
//! starts over in partitioned mode: it reads its input again, writes every row to one of
//! [`PARTITIONS`] spill files by the hash of its group key, then aggregates one file at a
//! time with the ordinary group table. No aggregate state is ever written, so every
//! aggregate works unchanged; a partition that is still too big is partitioned again with
//! another hash seed, into as many files as its estimated size needs (up to [`MAX_LEVEL`]
//! times; past that, the memory limit decides).
//!
//! The answer is the in-memory answer, row for row. Each row carries its place in the
//! input (unit << 32 | row within the unit, or a running row number without units), so
//! within a partition:
//! - rows of one unit of the scan go into a partial table that is merged in unit order,
//!   exactly as the in-memory path merges its per-unit partial tables (every float sum adds
//!   the same partial sums in the same order), or, without units, are pushed in input order;
//! - groups are numbered in order of first appearance, and each group's first row's place is
//!   kept.
//!
//! Each partition's result is written sorted by that first place, and the results are merged
//! on it, which is the in-memory output order (groups in order of first appearance).

use super::super::merge_runs::{KeyFn, RunMerge, reduce_runs};
use super::{Core, GroupTable};
use crate::error::{ExecError, Result};
use crate::expr::evaluate;
use crate::operators::hash_parts::HashSplit;
use crate::physical_plan::{BatchIter, ExecutionPlan, Folded, UnitFold};
use crate::spill::{SpillFile, SpillWriter};
use arrow::array::{Array, ArrayRef, RecordBatch, RecordBatchOptions, UInt64Array};
use arrow::compute::SortOptions;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rayon::prelude::*;
use std::sync::Arc;

/// Spill files per partitioning.
const PARTITIONS: usize = 32;
/// Group tables of fewer groups are not partitioned again (it would not shrink them much).
const MIN_GROUPS_TO_SPLIT: usize = 64;
/// How many times a partition may be partitioned again.
const MAX_LEVEL: u32 = 3;
/// Bytes of partitioned rows gathered before they are written.
const PENDING_BYTES: usize = 32 << 20;
/// The name of the column holding each row's place in the input.
const PLACE: &str = "__hunt_place";

/// About the bytes `t` holds: keys, their index and every state.
pub(super) fn table_bytes(t: &GroupTable) -> usize {
    // The measure the table reserves by: a separate count here missed the string-key
    // index, so the reservation reached the limit before the threshold said spill.
    t.held_bytes()
}

/// True when `t` should stop growing in memory: keyed, and past the spill threshold.
pub(super) fn spill_due(core: &Core, t: &GroupTable) -> bool {
    !core.keys.is_empty() && core.budget.spill_due(table_bytes(t), t.reserved)
}

/// True when the table, `merged` of about `hint` units in (`history` its bytes after each),
/// is bound to pass the spill threshold well before the end: its growth over the last
/// half of the units merged, carried over the units left, reaches twice the threshold.
/// Deciding then, not at the threshold, spares re-reading what the in-memory table was
/// built from (the partitioned pass starts over): `arg_max(Timestamp, *) by ObjectId`
/// over 10M events read 60% of its input twice. Only after a tenth of the units (at
/// least 4), so a key whose groups stop growing (most keys) is never taken for one that
/// keeps growing; a wrong guess costs a spill, never a different answer.
pub(super) fn spill_foreseen(
    core: &Core,
    t: &GroupTable,
    history: &[usize],
    hint: Option<usize>,
) -> bool {
    let merged = history.len();
    let Some(total) = hint else {
        return false;
    };
    if core.keys.is_empty() || merged < 4.max(total / 10) || merged >= total {
        return false;
    }
    let recent = merged / 2;
    let now = history[merged - 1];
    let growth = now.saturating_sub(history[merged - 1 - recent]) / recent;
    let estimate = now.saturating_add(growth.saturating_mul(total - merged));
    core.budget.spill_due(estimate / 2, t.reserved)
}

/// The aggregate of `input`, partitioned; see the module header. `units` says whether to
/// aggregate per unit of the scan and merge, as the in-memory path does when it can.
pub(super) fn partitioned(
    input: &Arc<dyn ExecutionPlan>,
    core: &Arc<Core>,
    units: bool,
) -> Result<BatchIter> {
    let in_schema = with_place(&input.schema().to_arrow());
    let mut parts = Partitioner::new(core, &in_schema, PARTITIONS)?;
    let parallel = if units {
        let c = core.clone();
        let s = in_schema.clone();
        let fold: UnitFold = Arc::new(move |batches| {
            // The split happens on the worker; the main thread only writes, in unit order.
            let mut split = Splitter::new(&c, 0, PARTITIONS)?;
            let mut pieces: Vec<Vec<RecordBatch>> = vec![Vec::new(); PARTITIONS];
            let mut row = 0u64;
            for b in batches {
                let b = b?;
                let placed = place(&s, &b, |i| row + i as u64)?;
                row += b.num_rows() as u64;
                for (p, piece) in split.split(&c, &placed)?.into_iter().enumerate() {
                    pieces[p].extend(piece);
                }
            }
            Ok(Box::new(pieces) as Folded)
        });
        input.execute_units(fold)
    } else {
        None
    };
    let units = parallel.is_some();
    match parallel {
        Some(folded) => {
            for (u, unit) in folded?.enumerate() {
                let pieces = unit?
                    .downcast::<Vec<Vec<RecordBatch>>>()
                    .map_err(|_| ExecError::Internal("a unit folded into another type".into()))?;
                let unit = (u as u64) << 32;
                for (p, piece) in pieces.into_iter().enumerate() {
                    for b in piece {
                        parts.add(p, renumber(&b, unit)?)?;
                    }
                }
            }
        }
        None => {
            let mut split = Splitter::new(core, 0, PARTITIONS)?;
            let mut row = 0u64;
            for b in input.execute()? {
                let b = b?;
                let placed = place(&in_schema, &b, |i| row + i as u64)?;
                row += b.num_rows() as u64;
                for (p, piece) in split.split(core, &placed)?.into_iter().enumerate() {
                    if let Some(b) = piece {
                        parts.add(p, b)?;
                    }
                }
            }
        }
    }
    let files = parts.finish()?;
    // Partial tables per unit, merged in unit order, reproduce the in-memory path's float
    // sums to the bit; states that give the same either way take the rows straight.
    let units = units && !GroupTable::new(core)?.merge_exact();
    let out_schema = core.schema.to_arrow();
    let res_schema = with_place(&out_schema);
    // Partitions are independent: they are aggregated on the query's workers at once when
    // that fits the memory limit, and the merge on first place below restores the one
    // output order.
    let aggregate = |f: SpillFile| {
        let mut out = Vec::new();
        aggregate_file(core, f, units, 0, &res_schema, &mut out)?;
        Ok(out)
    };
    let results: Vec<Vec<SpillFile>> = if side_by_side(core, &files) {
        files
            .into_par_iter()
            .map(aggregate)
            .collect::<Result<_>>()?
    } else {
        files.into_iter().map(aggregate).collect::<Result<_>>()?
    };
    let results = results.into_iter().flatten().collect();
    let by_place =
        || -> KeyFn { Box::new(|b: &RecordBatch| Ok(vec![b.column(b.num_columns() - 1).clone()])) };
    let options = [SortOptions::default()];
    let results = reduce_runs(results, &by_place, &options, core.budget.spill())?;
    Ok(Box::new(RunMerge::try_new(
        results,
        by_place(),
        options.to_vec(),
        out_schema,
    )?))
}

/// Whether the partitions `files` may be aggregated on all workers at once. A partition's
/// table holds up to a few times its file's bytes (a `make_list` keeps each value as its
/// own string), and the tables of the partitions aggregated at once are held together: one
/// at a time when that could reach the memory limit, where one at a time would not (a
/// partition holding one big group cannot be split further).
fn side_by_side(core: &Core, files: &[SpillFile]) -> bool {
    /// A table's bytes per byte of its partition file, at most (a list of short strings).
    const TABLE_PER_FILE_BYTE: u64 = 4;
    let workers = rayon::current_num_threads().min(files.len()) as u64;
    let biggest = files.iter().map(SpillFile::bytes).max().unwrap_or(0);
    let room = core.budget.limit().saturating_sub(core.budget.used()) as u64;
    workers > 1 && biggest.saturating_mul(TABLE_PER_FILE_BYTE * workers) <= room
}

/// `schema` with the place column last.
fn with_place(schema: &SchemaRef) -> SchemaRef {
    let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
    fields.push(Arc::new(Field::new(PLACE, DataType::UInt64, false)));
    Arc::new(Schema::new(fields))
}

/// `b` (conformed to `schema` less its place column) with each row's place appended.
fn place(schema: &SchemaRef, b: &RecordBatch, at: impl Fn(usize) -> u64) -> Result<RecordBatch> {
    let mut cols: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (c, f) in b.columns().iter().zip(schema.fields()) {
        cols.push(if c.data_type() == f.data_type() {
            c.clone()
        } else {
            arrow::compute::cast(c, f.data_type())?
        });
    }
    cols.push(Arc::new(UInt64Array::from_iter_values(
        (0..b.num_rows()).map(at),
    )));
    let opts = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        schema.clone(),
        cols,
        &opts,
    )?)
}

/// `b` with `unit` added to every place (the worker numbered rows within the unit).
fn renumber(b: &RecordBatch, unit: u64) -> Result<RecordBatch> {
    let last = b.num_columns() - 1;
    let places = places(b)?;
    let moved: ArrayRef = Arc::new(UInt64Array::from_iter_values(
        places.values().iter().map(|p| p | unit),
    ));
    let mut cols = b.columns().to_vec();
    cols[last] = moved;
    Ok(RecordBatch::try_new(b.schema(), cols)?)
}

/// The place column of `b`.
fn places(b: &RecordBatch) -> Result<&UInt64Array> {
    b.column(b.num_columns() - 1)
        .as_any()
        .downcast_ref::<UInt64Array>()
        .ok_or_else(|| ExecError::Internal("a spilled row without its place".into()))
}

/// Splits batches by the hash of their group key ([`HashSplit`] over the evaluated keys).
struct Splitter(HashSplit);

impl Splitter {
    fn new(core: &Core, level: u32, parts: usize) -> Result<Splitter> {
        let types: Vec<_> = core.keys.iter().map(|k| k.ty().arrow_type()).collect();
        // Another seed at each level, so a partition splits again.
        Ok(Splitter(HashSplit::seeded(
            &types,
            0x7370_696c_6c00 + u64::from(level),
            parts,
        )?))
    }

    /// The rows of `b` per partition (each in input order).
    fn split(&mut self, core: &Core, b: &RecordBatch) -> Result<Vec<Option<RecordBatch>>> {
        let cols = core
            .keys
            .iter()
            .map(|k| evaluate(k, b))
            .collect::<Result<Vec<_>>>()?;
        self.0.split(&cols, b)
    }
}

/// The partition files being written, with rows gathered before each write.
struct Partitioner {
    writers: Vec<SpillWriter>,
    pending: Vec<Vec<RecordBatch>>,
    pending_bytes: usize,
}

impl Partitioner {
    fn new(core: &Core, schema: &SchemaRef, parts: usize) -> Result<Partitioner> {
        let writers = (0..parts)
            .map(|_| core.budget.spill().create(schema.clone()))
            .collect::<Result<Vec<_>>>()?;
        Ok(Partitioner {
            writers,
            pending: vec![Vec::new(); parts],
            pending_bytes: 0,
        })
    }

    fn add(&mut self, p: usize, b: RecordBatch) -> Result<()> {
        self.pending_bytes += b.get_array_memory_size();
        self.pending[p].push(b);
        if self.pending_bytes > PENDING_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        // Each file is written by whichever worker is free (the files are independent).
        self.writers
            .par_iter_mut()
            .zip(self.pending.par_iter_mut())
            .try_for_each(|(w, pend)| -> Result<()> {
                if pend.is_empty() {
                    return Ok(());
                }
                let schema = pend[0].schema();
                let b = arrow::compute::concat_batches(&schema, pend.iter())?;
                pend.clear();
                w.write(&b)
            })?;
        self.pending_bytes = 0;
        Ok(())
    }

    fn finish(mut self) -> Result<Vec<SpillFile>> {
        self.flush()?;
        self.writers.into_iter().map(SpillWriter::finish).collect()
    }
}

/// Aggregates the rows of `file` and appends its result files (each sorted by place) to
/// `out`; partitions it again when its groups pass the threshold.
fn aggregate_file(
    core: &Arc<Core>,
    file: SpillFile,
    units: bool,
    level: u32,
    res_schema: &SchemaRef,
    out: &mut Vec<SpillFile>,
) -> Result<()> {
    if file.rows() == 0 {
        return Ok(());
    }
    let mut table = GroupTable::new(core)?;
    // Each group's first row's place, in group order.
    let mut first: Vec<u64> = Vec::new();
    // Without units, rows go straight into `table`; with them, into the unit's partial.
    let mut partial: Option<(u64, GroupTable, Vec<u64>)> = None;
    // When the table grows too big: the number of partitions to split the file into.
    let mut too_big: Option<usize> = None;
    let mut rows_read = 0usize;
    for b in file.read()? {
        let b = b?;
        let p = places(&b)?.clone();
        rows_read += b.num_rows();
        if !units {
            table.push(core, &b)?;
            note_firsts(&table.gids, &p, &mut first);
        } else {
            // Cut the batch where the unit changes.
            let mut at = 0;
            while at < b.num_rows() {
                let unit = p.value(at) >> 32;
                let mut end = at + 1;
                while end < b.num_rows() && p.value(end) >> 32 == unit {
                    end += 1;
                }
                if let Some((_, t, f)) = partial.take_if(|(u, _, _)| *u != unit) {
                    merge_partial(&mut table, &mut first, t, f)?;
                }
                let (_, t, f) = match &mut partial {
                    Some(x) => x,
                    None => partial.insert((unit, GroupTable::new(core)?, Vec::new())),
                };
                let piece = b.slice(at, end - at);
                t.push(core, &piece)?;
                note_firsts(&t.gids, &places(&piece)?.clone(), f);
                at = end;
            }
        }
        // Partitioning again helps only a table of many groups.
        // Partitioning again helps only a table of many groups.
        if level < MAX_LEVEL && table.groups >= MIN_GROUPS_TO_SPLIT && spill_due(core, &table) {
            // The whole file's table, estimated from the part read, in twice as many
            // partitions as that passes the threshold.
            let whole = table_bytes(&table) as f64 * file.rows() as f64 / rows_read.max(1) as f64;
            let parts = (2.0 * whole / core.budget.spill().threshold().max(1) as f64).ceil();
            too_big = Some((parts as usize).clamp(2, PARTITIONS));
            break;
        }
    }
    if let Some(n) = too_big {
        drop(partial);
        drop(table);
        let mut parts = Partitioner::new(core, &file.schema(), n)?;
        let mut split = Splitter::new(core, level + 1, n)?;
        for b in file.read()? {
            for (p, piece) in split.split(core, &b?)?.into_iter().enumerate() {
                if let Some(piece) = piece {
                    parts.add(p, piece)?;
                }
            }
        }
        drop(file);
        for f in parts.finish()? {
            aggregate_file(core, f, units, level + 1, res_schema, out)?;
        }
        return Ok(());
    }
    if let Some((_, t, f)) = partial.take() {
        merge_partial(&mut table, &mut first, t, f)?;
    }
    drop(file);
    let result = table.finish(core)?;
    let mut cols = result.columns().to_vec();
    cols.push(Arc::new(UInt64Array::from(first)));
    let result = RecordBatch::try_new(res_schema.clone(), cols)?;
    let mut w = core.budget.spill().create(res_schema.clone())?;
    let mut at = 0;
    while at < result.num_rows() {
        let n = 8192.min(result.num_rows() - at);
        w.write(&result.slice(at, n))?;
        at += n;
    }
    out.push(w.finish()?);
    Ok(())
}

/// Records the first row's place of the groups a push just made: group ids are handed out
/// in order, so a row whose group is the next unseen one starts it.
fn note_firsts(gids: &[usize], places: &UInt64Array, first: &mut Vec<u64>) {
    for (i, &g) in gids.iter().enumerate() {
        if g == first.len() {
            first.push(places.value(i));
        }
    }
}

/// Merges a unit's partial table into `table`, carrying over its new groups' first places.
fn merge_partial(
    table: &mut GroupTable,
    first: &mut Vec<u64>,
    partial: GroupTable,
    partial_first: Vec<u64>,
) -> Result<()> {
    let map = table.merge(partial)?;
    for (g, &to) in map.iter().enumerate() {
        if to == first.len() {
            first.push(partial_first.get(g).copied().unwrap_or(u64::MAX));
        }
    }
    Ok(())
}
