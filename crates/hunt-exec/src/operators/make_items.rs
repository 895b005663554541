//! The state of `make_set`/`make_list` over scalar values (strings, guids, integers,
//! datetimes, timespans, bools): values interned once, groups keeping value ids.
//!
//! Each distinct value is row-encoded and interned in one [`GroupKeys`] table; a group keeps
//! the ids of its items in order, and `make_set` a `(group, value)` pair set to skip
//! repeats. A row costs an integer lookup once its value is interned; the JSON text of each
//! distinct value is written once, at the end. (The general state converts every row into
//! a JSON value and, for sets, its text: three allocations a row.) Over a dictionary-encoded
//! string column, each dictionary entry is interned once per dictionary (as `dcount` does),
//! so rows cost no decoding, encoding or string hashing at all. Reals keep the general
//! state, because two reals can differ in bits and still print alike; dynamic values too,
//! because arrays are spliced in.

use super::accumulators::scalar_json;
use super::group_keys::GroupKeys;
use crate::error::Result;
use crate::expr::dictionary::{DictMemo, entries, values_with_empty};
use crate::expr::scalar::array_value;
use crate::limits::{MAX_VALUE_BYTES, check_value_size};
use arrow::array::{Array, ArrayRef, DictionaryArray, StringBuilder};
use arrow::datatypes::Int32Type;
use arrow::row::{RowConverter, Rows, SortField};
use hunt_plan::types::KqlType;
use std::collections::HashSet;
use std::sync::Arc;

/// True for the value types this state handles.
pub(super) fn handles(ty: KqlType) -> bool {
    matches!(
        ty,
        KqlType::String
            | KqlType::Guid
            | KqlType::Bool
            | KqlType::Int
            | KqlType::Long
            | KqlType::DateTime
            | KqlType::TimeSpan
    )
}

/// Items per group, by value id.
pub(super) struct MakeItems {
    set: bool,
    limit: usize,
    ty: KqlType,
    conv: RowConverter,
    values: GroupKeys,
    /// For sets: `group << 32 | value id` of every item kept.
    pairs: HashSet<u64, foldhash::fast::RandomState>,
    items: Vec<Vec<u32>>,
    /// Items kept, over all groups (for [`MakeItems::held_bytes`]).
    count: usize,
    /// The encodings of the last dictionary's entries and their value ids.
    dict: DictMemo<DictCache>,
}

/// What the state keeps about the dictionary it last saw: its entries' encodings (then
/// `""`, the value of a null key), and each entry's value id once interned (`u32::MAX`
/// before).
struct DictCache {
    rows: Rows,
    ids: Vec<u32>,
}

fn pair(g: usize, v: u32) -> u64 {
    ((g as u64) << 32) | u64::from(v)
}

impl MakeItems {
    pub(super) fn new(set: bool, limit: usize, ty: KqlType) -> Result<MakeItems> {
        let conv = RowConverter::new(vec![SortField::new(ty.arrow_type())])?;
        Ok(MakeItems {
            set,
            limit,
            ty,
            values: GroupKeys::new(&conv),
            conv,
            pairs: HashSet::default(),
            items: Vec::new(),
            count: 0,
            dict: DictMemo::default(),
        })
    }

    pub(super) fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    pub(super) fn grow(&mut self, groups: usize) {
        self.items.resize_with(groups, Vec::new);
    }

    /// Adds a value to group `g` unless the group is full or (for sets) has it.
    fn add(&mut self, g: usize, v: u32) {
        if self.items[g].len() >= self.limit || (self.set && !self.pairs.insert(pair(g, v))) {
            return;
        }
        self.items[g].push(v);
        self.count += 1;
    }

    /// About the bytes this state holds and its result will: the distinct values once, and
    /// per item its id, its set entry and (in the result) its value's text.
    pub(super) fn held_bytes(&self) -> usize {
        let values = self.values.rows().size();
        let avg = values / self.values.len().max(1);
        self.count * (4 + avg) + self.pairs.len() * 16 + values
    }

    /// Adds rows: `gids[i]` is row i's group. Nulls are not items.
    pub(super) fn update(&mut self, gids: &[usize], arg: &ArrayRef) -> Result<()> {
        if let Some(d) = arg.as_any().downcast_ref::<DictionaryArray<Int32Type>>() {
            return self.update_dictionary(gids, d);
        }
        let rows = self.conv.convert_columns(std::slice::from_ref(arg))?;
        for (i, &g) in gids.iter().enumerate() {
            if arg.is_null(i) || self.items[g].len() >= self.limit {
                continue;
            }
            let v = self.values.group_of(rows.row(i)) as u32;
            self.add(g, v);
        }
        Ok(())
    }

    /// A dictionary-encoded string column: a null key stands for `""`, the string the
    /// column reads as there (as the decoded column gives it).
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
            let items = &mut self.items[g];
            if items.len() >= self.limit {
                continue;
            }
            let mut v = cache.ids[k];
            if v == u32::MAX {
                v = self.values.group_of(cache.rows.row(k)) as u32;
                cache.ids[k] = v;
            }
            if self.set && !self.pairs.insert(pair(g, v)) {
                continue;
            }
            items.push(v);
            self.count += 1;
        }
        Ok(())
    }

    /// Adds `other`'s items after this state's; its group `g` is group `map[g]` here.
    pub(super) fn merge(&mut self, other: MakeItems, map: &[usize]) {
        // The limit is a constant argument: any state that saw rows knows it.
        self.limit = self.limit.min(other.limit);
        // Room for every value and pair of `other` up front (one rehash at most).
        self.values.reserve(other.values.len());
        if self.set {
            self.pairs.reserve(other.pairs.len());
        }
        let parser = self.conv.parser();
        let vmap: Vec<u32> = (0..other.values.len())
            .map(|v| {
                let (row, hash) = other.values.key(v);
                self.values
                    .group_of_hashed(parser.parse(row.as_ref()), hash) as u32
            })
            .collect();
        for (g, vals) in other.items.into_iter().enumerate() {
            for v in vals {
                self.add(map[g], vmap[v as usize]);
            }
        }
    }

    /// Each group's items as a JSON array.
    pub(super) fn finish(self) -> Result<ArrayRef> {
        let decoded = self.conv.convert_rows(self.values.rows())?;
        let col = decoded.first().cloned();
        let texts: Vec<String> = match col {
            Some(c) => (0..c.len())
                .map(|v| Ok(scalar_json(&array_value(c.as_ref(), v, self.ty)?).to_string()))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let name = if self.set { "make_set" } else { "make_list" };
        let mut arr = StringBuilder::new();
        let mut out = String::new();
        for ids in &self.items {
            out.clear();
            out.push('[');
            for (k, v) in ids.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push_str(&texts[*v as usize]);
                // A list is one value: past the per-value limit it is refused as it grows,
                // before its text (and the copies readers make of it) can fill the memory.
                if out.len() > MAX_VALUE_BYTES {
                    check_value_size(out.len(), name)?;
                }
            }
            out.push(']');
            arr.append_value(&out);
        }
        Ok(Arc::new(arr.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::accumulators::Acc;
    use arrow::array::{Array, ArrayRef, Int64Array, StringArray};
    use hunt_plan::types::KqlType;
    use std::sync::Arc;

    /// The general JSON-value state, the reference this one must agree with.
    fn general(set: bool) -> Acc {
        Acc::List {
            set,
            limit: super::super::accumulators::DEFAULT_MAX_ITEMS,
            items: vec![],
            seen: vec![],
            ty: KqlType::String,
            bytes: 0,
        }
    }

    fn interned(set: bool) -> Acc {
        Acc::new(
            if set {
                hunt_plan::expr::AggFunc::MakeSet
            } else {
                hunt_plan::expr::AggFunc::MakeList
            },
            &[KqlType::String],
            KqlType::Dynamic,
        )
        .expect("state")
    }

    /// Values with repeats, a null and `""`, in two batches fed to one state or to two
    /// merged ones, with and without a limit: the same arrays as the general state.
    #[test]
    fn agrees_with_the_general_state() {
        let vals = ["b", "a", "b", "", "c", "a", "d", "e", "b", "f"];
        let batch = |lo: usize, hi: usize| -> (Vec<usize>, ArrayRef) {
            let gids = (lo..hi).map(|i| i % 3).collect();
            let s: StringArray = (lo..hi)
                .map(|i| (i != 4).then(|| vals[i % vals.len()]))
                .collect();
            (gids, Arc::new(s))
        };
        for set in [true, false] {
            for limit in [None, Some(2)] {
                let args = |a: ArrayRef| -> Vec<ArrayRef> {
                    match limit {
                        None => vec![a],
                        Some(l) => vec![a, Arc::new(Int64Array::from(vec![l]))],
                    }
                };
                let run = |mut acc: Acc, split: bool| -> Vec<Option<String>> {
                    acc.grow(3);
                    let tys = [KqlType::String, KqlType::Long];
                    if split {
                        let (g, a) = batch(0, 12);
                        acc.update(&g, &args(a), &tys).expect("update");
                        let mut other = if matches!(acc, Acc::List { .. }) {
                            general(set)
                        } else {
                            interned(set)
                        };
                        other.grow(3);
                        let (g, a) = batch(12, 30);
                        other.update(&g, &args(a), &tys).expect("update");
                        acc.merge(other, &[0, 1, 2]).expect("merge");
                    } else {
                        for (lo, hi) in [(0, 12), (12, 30)] {
                            let (g, a) = batch(lo, hi);
                            acc.update(&g, &args(a), &tys).expect("update");
                        }
                    }
                    let out = acc.finish(KqlType::Dynamic).expect("finish");
                    let s = out.as_any().downcast_ref::<StringArray>().expect("text");
                    s.iter().map(|v| v.map(str::to_string)).collect()
                };
                for split in [false, true] {
                    let want = run(general(set), split);
                    assert_eq!(run(interned(set), split), want, "set={set} limit={limit:?}");
                    assert!(
                        want.iter()
                            .all(|v| v.as_deref().is_some_and(|v| v.starts_with("[\"")))
                    );
                }
            }
        }
    }

    /// A dictionary-encoded column (repeats, a null key, `""`, two dictionaries, a limit)
    /// gives the arrays the general state gives over the column it stands for, where a
    /// null key reads as `""`.
    #[test]
    fn dictionary_agrees_with_the_decoded_column() {
        use arrow::array::DictionaryArray;
        use arrow::datatypes::Int32Type;
        let vals = ["b", "a", "b", "", "c", "a", "d", "e", "b", "f"];
        let val = |i: usize| (i != 4).then(|| vals[i % vals.len()]);
        for set in [true, false] {
            for limit in [None, Some(3)] {
                let run = |mut acc: Acc, dict: bool| -> Vec<Option<String>> {
                    acc.grow(3);
                    let tys = [KqlType::String, KqlType::Long];
                    for (lo, hi) in [(0, 12), (12, 30)] {
                        let gids: Vec<usize> = (lo..hi).map(|i| i % 3).collect();
                        let a: ArrayRef = if dict {
                            Arc::new((lo..hi).map(val).collect::<DictionaryArray<Int32Type>>())
                        } else {
                            Arc::new(StringArray::from_iter_values(
                                (lo..hi).map(|i| val(i).unwrap_or("")),
                            ))
                        };
                        let mut args = vec![a];
                        if let Some(l) = limit {
                            args.push(Arc::new(Int64Array::from(vec![l])));
                        }
                        acc.update(&gids, &args, &tys).expect("update");
                    }
                    let out = acc.finish(KqlType::Dynamic).expect("finish");
                    let s = out.as_any().downcast_ref::<StringArray>().expect("text");
                    s.iter().map(|v| v.map(str::to_string)).collect()
                };
                let want = run(general(set), false);
                assert_eq!(run(interned(set), true), want, "set={set} limit={limit:?}");
                assert!(
                    want.iter()
                        .any(|v| v.as_deref().is_some_and(|v| v.contains("\"\"")))
                );
            }
        }
    }
}
