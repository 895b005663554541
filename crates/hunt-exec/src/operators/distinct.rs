//! The state of `dcount`: exact distinct counts per group.
//!
//! Distinct values are interned once and each group keeps the set of value ids it has seen
//! as `(group, value)` pairs in one integer hash set, so a row costs an integer lookup once
//! its value is interned. Strings are interned from their bytes ([`StrIds`]); other types
//! row-encoded (in a [`GroupKeys`] table). Over a dictionary-encoded string column, each
//! dictionary entry is interned once per dictionary (a row group's batches share one), so
//! rows cost no string hashing at all.
//!
//! `dcountif` passes its predicate as a row mask: rows it rejects are skipped where they
//! are, without a filtered copy of the values.
//!
//! Merging a partial state (from another unit) interns its values here and re-adds its
//! pairs: each distinct value of a unit is hashed once, each pair once.

use super::group_keys::GroupKeys;
use super::str_ids::StrIds;
use crate::error::{ExecError, Result};
use crate::expr::dictionary::{DictMemo, entry, values_with_empty};
use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, DictionaryArray, Int64Array};
use arrow::buffer::BooleanBuffer;
use arrow::datatypes::{DataType, Int32Type};
use arrow::row::{RowConverter, SortField};
use std::collections::HashSet;
use std::sync::Arc;

/// The distinct values seen: strings by their bytes, other types row-encoded.
enum Values {
    Strs(StrIds),
    Rows(RowConverter, GroupKeys),
}

/// Distinct values per group.
pub(super) struct Distinct {
    values: Values,
    /// `group << 32 | value id` for every pair seen.
    pairs: HashSet<u64, foldhash::fast::RandomState>,
    counts: Vec<i64>,
    /// Each entry's value id in the last dictionary seen (its values, then `""` for null
    /// keys), `u32::MAX` until interned.
    dict: DictMemo<Vec<u32>>,
}

fn pair(g: usize, v: u32) -> u64 {
    ((g as u64) << 32) | u64::from(v)
}

/// The rows a predicate's mask keeps: true, not null.
fn kept_rows(mask: &BooleanArray) -> BooleanBuffer {
    match mask.nulls() {
        Some(n) => mask.values() & n.inner(),
        None => mask.values().clone(),
    }
}

/// Calls `f` on each of rows `0..n` that `keep` keeps (all without it), jumping from kept
/// row to kept row (a selective `dcountif` touches only its rows).
fn each_row(
    n: usize,
    keep: Option<&BooleanBuffer>,
    mut f: impl FnMut(usize) -> Result<()>,
) -> Result<()> {
    match keep {
        None => (0..n).try_for_each(f),
        Some(b) => b.set_indices().filter(|i| *i < n).try_for_each(&mut f),
    }
}

impl Distinct {
    /// No groups yet; values of arrow type `dt`.
    pub(super) fn new(dt: DataType) -> Result<Distinct> {
        let values = if dt == DataType::Utf8 {
            Values::Strs(StrIds::default())
        } else {
            let conv = RowConverter::new(vec![SortField::new(dt)])?;
            let keys = GroupKeys::new(&conv);
            Values::Rows(conv, keys)
        };
        Ok(Distinct {
            values,
            pairs: HashSet::default(),
            counts: Vec::new(),
            dict: DictMemo::default(),
        })
    }

    /// Makes room for `groups` groups.
    pub(super) fn grow(&mut self, groups: usize) {
        self.counts.resize(groups, 0);
    }

    /// About the bytes the state holds (values, pairs, counts), for spilling decisions.
    pub(super) fn held_bytes(&self) -> usize {
        let values = match &self.values {
            Values::Strs(s) => s.held_bytes(),
            Values::Rows(_, k) => k.rows().size() + k.len() * 24,
        };
        values + self.pairs.capacity() * 9 + self.counts.len() * 8
    }

    fn add(&mut self, g: usize, v: u32) {
        if self.pairs.insert(pair(g, v)) {
            self.counts[g] += 1;
        }
    }

    /// Adds the rows `mask` keeps (all without one): `gids[i]` is row i's group. Nulls are
    /// not values.
    pub(super) fn update(
        &mut self,
        gids: &[usize],
        arg: &ArrayRef,
        mask: Option<&BooleanArray>,
    ) -> Result<()> {
        let keep = mask.map(kept_rows);
        if let Some(d) = arg.as_any().downcast_ref::<DictionaryArray<Int32Type>>() {
            return self.update_dictionary(gids, d, keep.as_ref());
        }
        let (pairs, counts) = (&mut self.pairs, &mut self.counts);
        let mut add = |g: usize, v: u32| {
            if pairs.insert(pair(g, v)) {
                counts[g] += 1;
            }
        };
        match &mut self.values {
            Values::Strs(ids) => {
                let Some(s) = arg.as_string_opt::<i32>() else {
                    return Err(ExecError::Internal(
                        "dcount of strings over another type".into(),
                    ));
                };
                each_row(gids.len(), keep.as_ref(), |i| {
                    if s.is_valid(i) {
                        add(gids[i], ids.id_of(s.value(i).as_bytes()));
                    }
                    Ok(())
                })?;
            }
            Values::Rows(conv, keys) => {
                let rows = conv.convert_columns(std::slice::from_ref(arg))?;
                each_row(gids.len(), keep.as_ref(), |i| {
                    if arg.is_valid(i) {
                        add(gids[i], keys.group_of(rows.row(i)) as u32);
                    }
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    /// A dictionary-encoded string column: a null key counts as `""`, the value it stands
    /// for.
    fn update_dictionary(
        &mut self,
        gids: &[usize],
        d: &DictionaryArray<Int32Type>,
        keep: Option<&BooleanBuffer>,
    ) -> Result<()> {
        let Values::Strs(ids) = &mut self.values else {
            return Err(ExecError::Internal(
                "dcount of a dictionary over another type".into(),
            ));
        };
        let mut strs = None;
        let cache = self.dict.get_or_make(d, || {
            strs = Some(values_with_empty(d)?);
            Ok(vec![u32::MAX; d.values().len() + 1])
        })?;
        let (pairs, counts) = (&mut self.pairs, &mut self.counts);
        each_row(gids.len(), keep, |i| {
            let k = entry(d, i);
            let mut v = cache[k];
            if v == u32::MAX {
                // The entries' strings: decoded when the dictionary is new, or when a
                // later batch of it meets an entry first.
                if strs.is_none() {
                    strs = Some(values_with_empty(d)?);
                }
                let s = strs.as_ref().and_then(|a| a.as_string_opt::<i32>());
                let s = s.ok_or_else(|| {
                    ExecError::Internal("dictionary values are not strings".into())
                })?;
                v = ids.id_of(s.value(k).as_bytes());
                cache[k] = v;
            }
            let g = gids[i];
            if pairs.insert(pair(g, v)) {
                counts[g] += 1;
            }
            Ok(())
        })
    }

    /// Adds `other`'s pairs; its group `g` is group `map[g]` here.
    pub(super) fn merge(&mut self, other: Distinct, map: &[usize]) {
        // Room for every value and pair of `other` up front: growing the tables step by
        // step rehashed them several times per merge.
        self.pairs.reserve(other.pairs.len());
        let vmap: Vec<u32> = match (&mut self.values, &other.values) {
            (Values::Strs(ids), Values::Strs(theirs)) => {
                ids.reserve(theirs.len());
                (0..theirs.len())
                    .map(|v| {
                        let (s, hash) = theirs.get(v);
                        ids.id_of_hashed(s, hash)
                    })
                    .collect()
            }
            (Values::Rows(conv, keys), Values::Rows(_, theirs)) => {
                keys.reserve(theirs.len());
                let parser = conv.parser();
                (0..theirs.len())
                    .map(|v| {
                        let (row, hash) = theirs.key(v);
                        keys.group_of_hashed(parser.parse(row.as_ref()), hash) as u32
                    })
                    .collect()
            }
            // States of one aggregate share their value type.
            _ => Vec::new(),
        };
        for p in other.pairs {
            let (g, v) = ((p >> 32) as usize, (p & u64::from(u32::MAX)) as usize);
            if let Some(&v) = vmap.get(v) {
                self.add(map[g], v);
            }
        }
    }

    /// The count per group.
    pub(super) fn finish(self) -> ArrayRef {
        Arc::new(Int64Array::from(self.counts))
    }
}

#[cfg(test)]
mod tests {
    use super::Distinct;
    use arrow::array::{Array, ArrayRef, BooleanArray, DictionaryArray, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Int32Type};
    use std::collections::HashSet;
    use std::sync::Arc;

    /// Rows `lo..hi`: group `i % 3`, a value with repeats (row 4's is null), and a mask
    /// that is false on every fifth row and null on every seventh.
    fn rows(lo: usize, hi: usize) -> (Vec<usize>, Vec<Option<&'static str>>, BooleanArray) {
        let vals = ["b", "a", "b", "", "c", "a", "d", "e", "b", "f", "g"];
        let gids = (lo..hi).map(|i| i % 3).collect();
        let v = (lo..hi)
            .map(|i| (i != 4).then(|| vals[i % vals.len()]))
            .collect();
        let m = (lo..hi)
            .map(|i| (i % 7 != 0).then_some(i % 5 != 0))
            .collect();
        (gids, v, m)
    }

    /// The counts by hand: a null string value is not counted in a plain column and is
    /// `""` in a dictionary one (the string the column reads as there).
    fn by_hand(parts: &[(usize, usize)], masked: bool, dict: bool) -> Vec<i64> {
        let mut sets = vec![HashSet::new(); 3];
        for &(lo, hi) in parts {
            let (gids, vals, mask) = rows(lo, hi);
            for (i, (g, v)) in gids.iter().zip(vals).enumerate() {
                if masked && !(mask.is_valid(i) && mask.value(i)) {
                    continue;
                }
                match (v, dict) {
                    (Some(v), _) => sets[*g].insert(v),
                    (None, true) => sets[*g].insert(""),
                    (None, false) => false,
                };
            }
        }
        sets.iter().map(|s| s.len() as i64).collect()
    }

    /// Plain and dictionary-encoded strings, with and without a mask, fed to one state or
    /// to two merged ones: the distinct counts by hand.
    #[test]
    fn counts_match_a_set_per_group() {
        let parts = [(0, 12), (12, 40)];
        for dict in [false, true] {
            for masked in [false, true] {
                for split in [false, true] {
                    let mut states: Vec<Distinct> = Vec::new();
                    for (k, &(lo, hi)) in parts.iter().enumerate() {
                        if k == 0 || split {
                            states.push(Distinct::new(DataType::Utf8).expect("state"));
                        }
                        let d = states.last_mut().expect("a state");
                        d.grow(3);
                        let (gids, vals, mask) = rows(lo, hi);
                        let arr: ArrayRef = if dict {
                            Arc::new(vals.into_iter().collect::<DictionaryArray<Int32Type>>())
                        } else {
                            Arc::new(StringArray::from(vals))
                        };
                        d.update(&gids, &arr, masked.then_some(&mask))
                            .expect("update");
                    }
                    let mut first = states.remove(0);
                    for s in states {
                        first.merge(s, &[0, 1, 2]);
                    }
                    let out = first.finish();
                    let out = out.as_any().downcast_ref::<Int64Array>().expect("longs");
                    let got: Vec<i64> = out.values().to_vec();
                    let want = by_hand(&parts, masked, dict);
                    assert_eq!(got, want, "dict={dict} masked={masked} split={split}");
                    assert!(want.iter().all(|c| *c >= 3));
                }
            }
        }
    }
}
