//! The state of `dcount`: exact distinct counts per group.
//!
//! Distinct values are interned once (row-encoded, in a [`GroupKeys`] table) and each group
//! keeps the set of value ids it has seen as `(group, value)` pairs in one integer hash set,
//! so a row costs an integer lookup once its value is interned. Over a dictionary-encoded
//! string column, each dictionary entry is interned once per dictionary (a row group's
//! batches share one), so rows cost no string hashing at all.
//!
//! Merging a partial state (from another unit) interns its values here and re-adds its
//! pairs: each distinct value of a unit is hashed once, each pair once.

use super::group_keys::GroupKeys;
use crate::error::Result;
use crate::expr::dictionary::{DictMemo, entries, values_with_empty};
use arrow::array::{Array, ArrayRef, DictionaryArray, Int64Array};
use arrow::datatypes::{DataType, Int32Type};
use arrow::row::{RowConverter, Rows, SortField};
use std::collections::HashSet;
use std::sync::Arc;

/// What the state keeps about the dictionary it last saw: its values' encodings, then the
/// encoding of `""` (for null keys), and each entry's value id once interned (`u32::MAX`
/// before).
struct DictCache {
    rows: Rows,
    ids: Vec<u32>,
}

/// Distinct values per group.
pub(super) struct Distinct {
    conv: RowConverter,
    values: GroupKeys,
    /// `group << 32 | value id` for every pair seen.
    pairs: HashSet<u64, foldhash::fast::RandomState>,
    counts: Vec<i64>,
    dict: DictMemo<DictCache>,
}

fn pair(g: usize, v: u32) -> u64 {
    ((g as u64) << 32) | u64::from(v)
}

impl Distinct {
    /// About the bytes the distinct values and (group, value) pairs take.
    pub(super) fn held_bytes(&self) -> usize {
        self.values.held_bytes() + self.pairs.capacity() * 8 + self.counts.len() * 8
    }

    /// No groups yet; values of arrow type `dt`.
    pub(super) fn new(dt: DataType) -> Result<Distinct> {
        let conv = RowConverter::new(vec![SortField::new(dt)])?;
        Ok(Distinct {
            values: GroupKeys::new(&conv),
            conv,
            pairs: HashSet::default(),
            counts: Vec::new(),
            dict: DictMemo::default(),
        })
    }

    /// Makes room for `groups` groups.
    pub(super) fn grow(&mut self, groups: usize) {
        self.counts.resize(groups, 0);
    }

    fn add(&mut self, g: usize, v: u32) {
        if self.pairs.insert(pair(g, v)) {
            self.counts[g] += 1;
        }
    }

    /// Adds rows: `gids[i]` is row i's group. Nulls are not values.
    pub(super) fn update(&mut self, gids: &[usize], arg: &ArrayRef) -> Result<()> {
        if let Some(d) = arg.as_any().downcast_ref::<DictionaryArray<Int32Type>>() {
            return self.update_dictionary(gids, d);
        }
        let rows = self.conv.convert_columns(std::slice::from_ref(arg))?;
        for (i, &g) in gids.iter().enumerate() {
            if arg.is_valid(i) {
                let v = self.values.group_of(rows.row(i)) as u32;
                self.add(g, v);
            }
        }
        Ok(())
    }

    /// A dictionary-encoded string column: a null key counts as `""`, the value it stands
    /// for.
    fn update_dictionary(&mut self, gids: &[usize], d: &DictionaryArray<Int32Type>) -> Result<()> {
        let conv = &self.conv;
        let cache = self.dict.get_or_make(d, || {
            let rows = conv.convert_columns(&[values_with_empty(d)?])?;
            Ok(DictCache {
                ids: vec![u32::MAX; rows.num_rows()],
                rows,
            })
        })?;
        for (k, &g) in entries(d).zip(gids) {
            let mut v = cache.ids[k];
            if v == u32::MAX {
                v = self.values.group_of(cache.rows.row(k)) as u32;
                cache.ids[k] = v;
            }
            if self.pairs.insert(pair(g, v)) {
                self.counts[g] += 1;
            }
        }
        Ok(())
    }

    /// Adds `other`'s pairs; its group `g` is group `map[g]` here.
    pub(super) fn merge(&mut self, other: Distinct, map: &[usize]) {
        let parser = self.conv.parser();
        let vmap: Vec<u32> = (0..other.values.len())
            .map(|v| {
                let (row, hash) = other.values.key(v);
                self.values
                    .group_of_hashed(parser.parse(row.as_ref()), hash) as u32
            })
            .collect();
        for p in other.pairs {
            let (g, v) = ((p >> 32) as usize, (p & u64::from(u32::MAX)) as usize);
            self.add(map[g], vmap[v]);
        }
    }

    /// The count per group.
    pub(super) fn finish(self) -> ArrayRef {
        Arc::new(Int64Array::from(self.counts))
    }
}
