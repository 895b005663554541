//! `arg_max`/`arg_min` by row reference: the state behind every `arg_max(T, a, b, …)` and
//! `arg_max(T, *)` of one `summarize` that share a key expression.
//!
//! Per group it keeps the best key so far and a reference (chunk, row) to the row that
//! holds it; a chunk is the value columns of an input batch, kept by reference (no copy).
//! The values are gathered only when the chunks hold twice as many rows as there are
//! groups (or at the end): each chunk's referenced rows are taken, and the pieces
//! interleaved into one chunk in group order. Memory is therefore bounded by about twice
//! the groups' winning rows, whatever the input size, and a value column costs nothing per
//! input row. Before, each value column kept a boxed scalar per group, and each was
//! replaced at every better row.
//!
//! Semantics (Kusto's arg_max docs): the row with the largest (smallest) key; ties keep the
//! first row seen; rows whose key is null are ignored, except that a group whose keys are
//! all null takes its values from its first row.

use crate::error::{ExecError, Result};
use crate::expr::{PhysicalExpr, evaluate};
use crate::scan::conform_column;
use arrow::array::*;
use arrow::compute::{interleave, take};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use arrow::row::{OwnedRow, RowConverter, SortField};
use hunt_plan::types::KqlType;

/// No row referenced yet.
const NONE: u64 = u64::MAX;

/// Chunks are compacted no sooner than at this many stored rows (small groups counts
/// would otherwise compact at every batch).
const MIN_COMPACT_ROWS: usize = 1 << 16;

/// A (chunk, row) reference packed into one word.
fn pack(chunk: usize, row: usize) -> u64 {
    ((chunk as u64) << 32) | row as u64
}

fn unpack(r: u64) -> (usize, usize) {
    ((r >> 32) as usize, (r & 0xffff_ffff) as usize)
}

/// Each group's best key.
enum Best {
    /// Keys stored as i64 (int, long, datetime, timespan).
    Int(Vec<Option<i64>>),
    /// Any other key, as its order-preserving row encoding.
    Row {
        conv: RowConverter,
        best: Vec<Option<OwnedRow>>,
    },
}

/// The compiled form of one fused `arg_max`/`arg_min`: key, value expressions, filter.
#[derive(Debug)]
pub(super) struct ArgSpec {
    pub(super) max: bool,
    pub(super) key: PhysicalExpr,
    pub(super) values: Vec<PhysicalExpr>,
    /// The value columns' result types.
    pub(super) tys: Vec<KqlType>,
    pub(super) filter: Option<PhysicalExpr>,
}

/// Per-group state of one [`ArgSpec`].
pub(super) struct ArgRows {
    max: bool,
    best: Best,
    /// Per group, the referenced row, or [`NONE`].
    refs: Vec<u64>,
    /// Value columns of the batches some group references (or did).
    chunks: Vec<Vec<ArrayRef>>,
    /// Rows in `chunks`.
    stored: usize,
    /// Groups that reference a row.
    live: usize,
    tys: Vec<KqlType>,
    /// Stored rows below which there is no compaction ([`MIN_COMPACT_ROWS`]; tests lower it).
    min_compact: usize,
}

/// True for the key types compared as i64.
fn int_key(t: KqlType) -> bool {
    matches!(
        t,
        KqlType::Int | KqlType::Long | KqlType::DateTime | KqlType::TimeSpan
    )
}

impl ArgRows {
    /// About the bytes held: the group references and the stored rows' values.
    pub(super) fn held_bytes(&self) -> usize {
        self.refs.capacity() * 8 + self.stored * 16 * self.tys.len()
    }

    pub(super) fn new(spec: &ArgSpec) -> Result<ArgRows> {
        let kt = spec.key.ty();
        let best = if int_key(kt) {
            Best::Int(Vec::new())
        } else {
            Best::Row {
                conv: RowConverter::new(vec![SortField::new(kt.arrow_type())])?,
                best: Vec::new(),
            }
        };
        Ok(ArgRows {
            max: spec.max,
            best,
            refs: Vec::new(),
            chunks: Vec::new(),
            stored: 0,
            live: 0,
            tys: spec.tys.clone(),
            min_compact: MIN_COMPACT_ROWS,
        })
    }

    /// Makes room for `groups` groups.
    pub(super) fn grow(&mut self, groups: usize) {
        self.refs.resize(groups, NONE);
        match &mut self.best {
            Best::Int(b) => b.resize(groups, None),
            Best::Row { best, .. } => best.resize(groups, None),
        }
    }

    /// Adds a batch whose row `i` belongs to group `gids[i]`.
    pub(super) fn update(
        &mut self,
        spec: &ArgSpec,
        batch: &RecordBatch,
        gids: &[usize],
    ) -> Result<()> {
        let key = evaluate(&spec.key, batch)?;
        let mask = match &spec.filter {
            None => None,
            Some(f) => Some(
                evaluate(f, batch)?
                    .as_any()
                    .downcast_ref::<BooleanArray>()
                    .cloned()
                    .ok_or_else(|| ExecError::Internal("aggregate filter is not bool".into()))?,
            ),
        };
        let keep = |i: usize| mask.as_ref().is_none_or(|m| m.is_valid(i) && m.value(i));
        let chunk = self.chunks.len();
        let max = self.max;
        let mut used = false;
        let refs = &mut self.refs;
        let live = &mut self.live;
        // A null key seeds a group that has no row yet; a key strictly better than the
        // group's best takes the group (ties keep the earlier row).
        match &mut self.best {
            Best::Int(best) => {
                let ints = match super::accumulators::i64_view(&key) {
                    Some(v) => v,
                    None => arrow::compute::cast(&key, &DataType::Int64)?
                        .as_any()
                        .downcast_ref::<Int64Array>()
                        .cloned()
                        .ok_or_else(|| ExecError::Internal("arg_max key cast".into()))?,
                };
                let vals = ints.values();
                let plain = ints.null_count() == 0 && mask.is_none();
                for (i, &g) in gids.iter().enumerate() {
                    if !plain {
                        if !keep(i) {
                            continue;
                        }
                        if ints.is_null(i) {
                            if refs[g] == NONE {
                                set_ref(refs, live, g, pack(chunk, i));
                                used = true;
                            }
                            continue;
                        }
                    }
                    let v = vals[i];
                    if best[g].is_none_or(|b| if max { v > b } else { v < b }) {
                        best[g] = Some(v);
                        set_ref(refs, live, g, pack(chunk, i));
                        used = true;
                    }
                }
            }
            Best::Row { conv, best } => {
                // A NaN key wins as it does in max/min (see `nan_wins`).
                let rows = conv.convert_columns(&[super::accumulators::nan_wins(&key, max)])?;
                for (i, &g) in gids.iter().enumerate() {
                    if !keep(i) {
                        continue;
                    }
                    if key.is_null(i) {
                        if refs[g] == NONE {
                            set_ref(refs, live, g, pack(chunk, i));
                            used = true;
                        }
                        continue;
                    }
                    let r = rows.row(i);
                    let better = match &best[g] {
                        None => true,
                        Some(b) if max => r > b.row(),
                        Some(b) => r < b.row(),
                    };
                    if better {
                        best[g] = Some(r.owned());
                        set_ref(refs, live, g, pack(chunk, i));
                        used = true;
                    }
                }
            }
        }
        if used {
            // Plain columns are kept as the scan passed them (dictionary-encoded or not);
            // they are conformed only for the rows that win.
            let cols = spec
                .values
                .iter()
                .map(|v| match v {
                    PhysicalExpr::Column(i, _) => Ok(batch.column(*i).clone()),
                    _ => evaluate(v, batch),
                })
                .collect::<Result<Vec<_>>>()?;
            self.chunks.push(cols);
            self.stored += batch.num_rows();
            self.maybe_compact()?;
        }
        Ok(())
    }

    /// Adds `other`'s groups, a state over later rows: its group `g` is group `map[g]`
    /// here (this state has room for it already).
    pub(super) fn merge(&mut self, other: ArgRows, map: &[usize]) -> Result<()> {
        let base = self.chunks.len();
        let shift = |r: u64| {
            let (c, i) = unpack(r);
            pack(base + c, i)
        };
        let max = self.max;
        let refs = &mut self.refs;
        let live = &mut self.live;
        match (&mut self.best, other.best) {
            (Best::Int(best), Best::Int(obest)) => {
                for (g, (r, b)) in other.refs.iter().zip(obest).enumerate() {
                    let t = map[g];
                    match b {
                        None if *r != NONE && refs[t] == NONE => set_ref(refs, live, t, shift(*r)),
                        None => {}
                        Some(v) => {
                            if best[t].is_none_or(|c| if max { v > c } else { v < c }) {
                                best[t] = Some(v);
                                set_ref(refs, live, t, shift(*r));
                            }
                        }
                    }
                }
            }
            (Best::Row { conv, best }, Best::Row { best: obest, .. }) => {
                // Rows carry their converter; the encoding is the same in every
                // converter of the type, so it is re-read with ours.
                let parser = conv.parser();
                for (g, (r, b)) in other.refs.iter().zip(obest).enumerate() {
                    let t = map[g];
                    match b {
                        None if *r != NONE && refs[t] == NONE => set_ref(refs, live, t, shift(*r)),
                        None => {}
                        Some(b) => {
                            let b = parser.parse(b.row().as_ref()).owned();
                            let better = match &best[t] {
                                None => true,
                                Some(c) if max => b.row() > c.row(),
                                Some(c) => b.row() < c.row(),
                            };
                            if better {
                                best[t] = Some(b);
                                set_ref(refs, live, t, shift(*r));
                            }
                        }
                    }
                }
            }
            _ => {
                return Err(ExecError::Internal(
                    "merging different arg_max states".into(),
                ));
            }
        }
        self.chunks.extend(other.chunks);
        self.stored += other.stored;
        self.maybe_compact()
    }

    fn maybe_compact(&mut self) -> Result<()> {
        if self.stored > self.min_compact.max(2 * self.live) {
            self.compact(false)?;
        }
        Ok(())
    }

    /// Gathers the referenced rows into one chunk, in group order. With `all`, every group
    /// gets a row: the groups without one get nulls (the one group of a `summarize`
    /// without `by` over no rows).
    fn compact(&mut self, all: bool) -> Result<()> {
        // Per chunk, the rows referenced in it; per group, where its row lands.
        let mut wanted: Vec<Vec<u32>> = vec![Vec::new(); self.chunks.len()];
        let mut order: Vec<(usize, usize)> = Vec::with_capacity(self.refs.len());
        let mut missing = false;
        for r in &self.refs {
            if *r == NONE {
                missing = true;
                continue;
            }
            let (c, i) = unpack(*r);
            order.push((c, wanted[c].len()));
            wanted[c].push(i as u32);
        }
        let null_source = all && missing;
        let mut cols = Vec::with_capacity(self.tys.len());
        for (j, ty) in self.tys.iter().enumerate() {
            // Each chunk's referenced rows, conformed to the column's type, then one
            // interleave over the pieces.
            let mut pieces: Vec<ArrayRef> = Vec::new();
            let mut piece_of: Vec<usize> = vec![usize::MAX; self.chunks.len()];
            for (c, rows) in wanted.iter().enumerate() {
                if rows.is_empty() {
                    continue;
                }
                let idx = UInt32Array::from(rows.clone());
                let col = &self.chunks[c][j];
                let taken = if rows.len() == col.len() && is_identity(rows) {
                    col.clone()
                } else {
                    take(col.as_ref(), &idx, None)?
                };
                piece_of[c] = pieces.len();
                pieces.push(conform_column(&taken, *ty)?);
            }
            let nulls = pieces.len();
            if null_source {
                pieces.push(conform_column(&new_null_array(&ty.arrow_type(), 1), *ty)?);
            }
            let col = if pieces.len() == 1 && !null_source {
                pieces
                    .pop()
                    .unwrap_or_else(|| new_empty_array(&ty.arrow_type()))
            } else if pieces.is_empty() {
                new_empty_array(&ty.arrow_type())
            } else {
                let mut idx = Vec::with_capacity(self.refs.len());
                let mut next = order.iter();
                for r in &self.refs {
                    if *r == NONE {
                        if null_source {
                            idx.push((nulls, 0));
                        }
                        continue;
                    }
                    let (c, k) = next
                        .next()
                        .ok_or_else(|| ExecError::Internal("arg_max reference lost".into()))?;
                    idx.push((piece_of[*c], *k));
                }
                let refs: Vec<&dyn Array> = pieces.iter().map(|p| p.as_ref()).collect();
                interleave(&refs, &idx)?
            };
            cols.push(col);
        }
        let mut k = 0;
        for r in self.refs.iter_mut() {
            if *r != NONE || null_source {
                *r = pack(0, k);
                k += 1;
            }
        }
        self.live = k;
        self.stored = k;
        self.chunks = vec![cols];
        Ok(())
    }

    /// The value columns, one row per group.
    pub(super) fn finish(mut self) -> Result<Vec<ArrayRef>> {
        self.compact(true)?;
        let cols = self.chunks.pop().unwrap_or_default();
        if cols.len() != self.tys.len() {
            return Err(ExecError::Internal("arg_max lost its columns".into()));
        }
        cols.into_iter()
            .zip(&self.tys)
            .map(|(c, t)| match t {
                KqlType::Dynamic => normalize_dynamic(&c),
                _ => Ok(c),
            })
            .collect()
    }
}

/// Points group `g` at `r`, counting it live if it had no row.
fn set_ref(refs: &mut [u64], live: &mut usize, g: usize, r: u64) {
    if refs[g] == NONE {
        *live += 1;
    }
    refs[g] = r;
}

/// True when `rows` is 0, 1, 2, …
fn is_identity(rows: &[u32]) -> bool {
    rows.iter().enumerate().all(|(i, r)| *r as usize == i)
}

/// Dynamic values as hunt writes them elsewhere: parsed and written back (compact JSON;
/// text that is not JSON becomes a JSON string; a JSON null is a null).
fn normalize_dynamic(c: &ArrayRef) -> Result<ArrayRef> {
    let s = c
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| ExecError::Internal("dynamic column not stored as text".into()))?;
    let out: StringArray = s
        .iter()
        .map(|v| {
            v.and_then(|t| {
                let j = serde_json::from_str(t)
                    .unwrap_or_else(|_| serde_json::Value::String(t.to_string()));
                (!j.is_null()).then(|| j.to_string())
            })
        })
        .collect();
    Ok(std::sync::Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Row `i` of a test input: group, key (`None` is null), value.
    type Row = (usize, Option<i64>, String);

    /// Kusto's arg_max/arg_min read row by row: per group, the first row with the
    /// largest (smallest) non-null key; a group with only null keys gets its first row.
    fn expected(rows: &[Row], groups: usize, max: bool) -> Vec<String> {
        let mut best: Vec<Option<(Option<i64>, String)>> = vec![None; groups];
        for (g, k, v) in rows {
            let take = match (&best[*g], k) {
                (None, _) => true,
                (Some((None, _)), Some(_)) => true,
                (Some((Some(b), _)), Some(k)) => {
                    if max {
                        k > b
                    } else {
                        k < b
                    }
                }
                _ => false,
            };
            if take {
                best[*g] = Some((*k, v.clone()));
            }
        }
        best.into_iter()
            .map(|b| b.map(|(_, v)| v).unwrap_or_default())
            .collect()
    }

    fn spec(max: bool, key_ty: KqlType) -> ArgSpec {
        ArgSpec {
            max,
            key: PhysicalExpr::Column(0, key_ty),
            values: vec![PhysicalExpr::Column(1, KqlType::String)],
            tys: vec![KqlType::String],
            filter: None,
        }
    }

    /// A batch of `rows`, the key as long, or as a string that orders the same way.
    fn batch(rows: &[Row], string_key: bool) -> RecordBatch {
        let key: ArrayRef = if string_key {
            Arc::new(StringArray::from_iter(
                rows.iter().map(|r| r.1.map(|k| format!("{:06}", k + 1000))),
            ))
        } else {
            Arc::new(Int64Array::from_iter(rows.iter().map(|r| r.1)))
        };
        let vals: ArrayRef = Arc::new(StringArray::from_iter_values(rows.iter().map(|r| &r.2)));
        RecordBatch::try_from_iter(vec![("k", key), ("v", vals)]).expect("batch")
    }

    /// Feeds `parts` (each a list of batches) to one state each, merges them in order.
    fn run(
        parts: &[Vec<Vec<Row>>],
        groups: usize,
        s: &ArgSpec,
        min_compact: usize,
        sk: bool,
    ) -> Vec<String> {
        let mut states = Vec::new();
        for p in parts {
            let mut st = ArgRows::new(s).expect("state");
            st.min_compact = min_compact;
            st.grow(groups);
            for b in p {
                let gids: Vec<usize> = b.iter().map(|r| r.0).collect();
                st.update(s, &batch(b, sk), &gids).expect("update");
            }
            states.push(st);
        }
        let mut first = states.remove(0);
        let map: Vec<usize> = (0..groups).collect();
        for o in states {
            first.merge(o, &map).expect("merge");
        }
        let cols = first.finish().expect("finish");
        let s = cols[0]
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("strings");
        s.iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect()
    }

    /// Rows with repeated keys (ties), nulls, and a group that only has null keys, cut
    /// into batches and units every way: each answer is the row-by-row one.
    #[test]
    fn gathers_the_rows_a_row_by_row_reading_picks() {
        let groups = 7;
        let rows: Vec<Row> = (0..400)
            .map(|i: i64| {
                let g = (i * 5 % 7) as usize;
                let k = if g == 6 || i % 11 == 0 {
                    None
                } else {
                    Some((i * 37) % 23)
                };
                (g, k, format!("row{i}"))
            })
            .collect();
        for max in [true, false] {
            for sk in [false, true] {
                let s = spec(max, if sk { KqlType::String } else { KqlType::Long });
                let want = expected(&rows, groups, max);
                assert!(want.iter().all(|v| !v.is_empty()));
                for batch_rows in [1, 13, 400] {
                    let batches: Vec<Vec<Row>> =
                        rows.chunks(batch_rows).map(<[Row]>::to_vec).collect();
                    for units in [1, 3] {
                        let per = batches.len().div_ceil(units);
                        let parts: Vec<Vec<Vec<Row>>> =
                            batches.chunks(per).map(<[_]>::to_vec).collect();
                        for min_compact in [0, MIN_COMPACT_ROWS] {
                            let got = run(&parts, groups, &s, min_compact, sk);
                            assert_eq!(
                                got, want,
                                "max={max} string key={sk} batch={batch_rows} units={units}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// A group no row reached (the one group of a `summarize` without `by` over nothing)
    /// gets a null value: an empty string.
    #[test]
    fn a_group_without_rows_is_null() {
        let s = spec(true, KqlType::Long);
        let got = run(&[vec![vec![(1, Some(3), "x".into())]]], 2, &s, 0, false);
        assert_eq!(got, vec![String::new(), "x".to_string()]);
    }
}
