//! Group ids for a `summarize` by two to four keys that are strings (dictionary-encoded
//! or not) or integer-backed (int, long, datetime, timespan): `by Department,
//! bin(Timestamp, 1d)`, `by Department, AccountUpn`, `by DeviceId, ActionType`.
//!
//! Each key's value becomes a dense id of that key (a dictionary's entries once per
//! dictionary, other strings by hashing their bytes, integers through a map), a row's ids
//! make one `u128`, and a map from those to groups gives the row's group. Only a row that
//! starts a combination is row-encoded and looked up in the group keys, so the groups are
//! exactly those of the row-encoding path, in the same order. Before, every row of such a
//! `summarize` was row-encoded (its dictionary strings decoded first) and its bytes hashed
//! and compared. The dense table of dictionary codes (`dict_codes` in `aggregate.rs`) stays
//! first where it applies; this covers computed keys, plain strings, and dictionaries whose
//! sizes multiply past it.
//!
//! A null string reads as `""` (as the scan conforms string columns); a null integer is its
//! own value.

use super::accumulators::i64_view;
use super::group_keys::GroupKeys;
use super::str_ids::StrIds;
use crate::error::Result;
use crate::expr::dictionary::DictMemo;
use crate::expr::{PhysicalExpr, evaluate};
use arrow::array::{Array, ArrayRef, AsArray, DictionaryArray, RecordBatch, UInt32Array};
use arrow::compute::{cast, take_record_batch};
use arrow::datatypes::{DataType, Int32Type};
use arrow::row::RowConverter;
use hunt_plan::types::KqlType;
use std::collections::HashMap;

/// The id of a null integer.
const NULL_ID: u32 = u32::MAX;

/// Combinations past which [`MultiKeys::too_many`] says stop.
const MAX_COMBOS: usize = 1 << 20;

/// Marks a group id as "the `n`th combination first met in this batch" until it is known.
const PENDING: usize = 1 << (usize::BITS - 1);

/// One key's ids.
enum KeyIds {
    Str {
        ids: StrIds,
        /// Per entry of the current dictionary, its id (the last one for a null key).
        dict: DictMemo<Vec<u32>>,
    },
    Int(HashMap<i64, u32, foldhash::fast::RandomState>),
}

/// The ids of each key and the group of each combination met.
pub(super) struct MultiKeys {
    keys: Vec<KeyIds>,
    combos: HashMap<u128, usize, foldhash::fast::RandomState>,
}

impl MultiKeys {
    /// The state for keys of types `tys`; `None` unless there are two to four keys, each a
    /// string or integer-backed.
    pub(super) fn new(tys: &[KqlType]) -> Option<MultiKeys> {
        if !(2..=4).contains(&tys.len()) {
            return None;
        }
        let keys = tys
            .iter()
            .map(|t| match t {
                KqlType::String => Some(KeyIds::Str {
                    ids: StrIds::default(),
                    dict: DictMemo::default(),
                }),
                KqlType::Int | KqlType::Long | KqlType::DateTime | KqlType::TimeSpan => {
                    Some(KeyIds::Int(HashMap::default()))
                }
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(MultiKeys {
            keys,
            combos: HashMap::default(),
        })
    }

    /// True once so many combinations were met that the ids cost more than they save
    /// (they hold each key's distinct values again, besides the group keys): the caller
    /// then drops this state and row-encodes, which gives the same groups.
    pub(super) fn too_many(&self) -> bool {
        self.combos.len() > MAX_COMBOS
    }

    /// About the bytes the ids and the combinations' index take.
    pub(super) fn held_bytes(&self) -> usize {
        let keys: usize = self
            .keys
            .iter()
            .map(|k| match k {
                KeyIds::Str { ids, .. } => ids.held_bytes(),
                KeyIds::Int(m) => m.capacity() * 16,
            })
            .sum();
        keys + self.combos.capacity() * 32
    }

    /// Appends each row's group to `gids`, new groups made in `keys` (encoded by `conv`)
    /// in order of first appearance. `Ok(false)`, with nothing appended, when a key column
    /// is not of a form handled here (the caller then row-encodes every row).
    pub(super) fn group_ids(
        &mut self,
        exprs: &[PhysicalExpr],
        batch: &RecordBatch,
        conv: &RowConverter,
        keys: &mut GroupKeys,
        gids: &mut Vec<usize>,
    ) -> Result<bool> {
        let n = batch.num_rows();
        let mut combos = vec![0u128; n];
        for (k, (expr, ids)) in exprs.iter().zip(&mut self.keys).enumerate() {
            // A column is read as the scan passed it (dictionary-encoded or not).
            let col = match expr {
                PhysicalExpr::Column(i, _) => batch.column(*i).clone(),
                _ => evaluate(expr, batch)?,
            };
            let shift = 32 * k as u32;
            if !key_ids(ids, &col, |row, id| combos[row] |= u128::from(id) << shift)? {
                return Ok(false);
            }
        }
        let start = gids.len();
        let mut reps: Vec<u32> = Vec::new();
        let mut rep_combos: Vec<u128> = Vec::new();
        for (i, c) in combos.iter().enumerate() {
            let g = *self.combos.entry(*c).or_insert_with(|| {
                reps.push(i as u32);
                rep_combos.push(*c);
                PENDING | (reps.len() - 1)
            });
            gids.push(g);
        }
        if !reps.is_empty() {
            let small = take_record_batch(batch, &UInt32Array::from(reps))?;
            let cols = exprs
                .iter()
                .map(|k| evaluate(k, &small))
                .collect::<Result<Vec<_>>>()?;
            let rows = conv.convert_columns(&cols)?;
            let mut found = Vec::with_capacity(rows.num_rows());
            for (j, c) in rep_combos.iter().enumerate() {
                let g = keys.group_of(rows.row(j));
                self.combos.insert(*c, g);
                found.push(g);
            }
            for g in &mut gids[start..] {
                if *g & PENDING != 0 {
                    *g = found[*g & !PENDING];
                }
            }
        }
        Ok(true)
    }
}

/// Calls `put(row, id)` for each row of `col`; false when `col` is not of a form `ids`
/// handles.
fn key_ids(ids: &mut KeyIds, col: &ArrayRef, mut put: impl FnMut(usize, u32)) -> Result<bool> {
    match ids {
        KeyIds::Str { ids, dict } => {
            if let Some(d) = col.as_any().downcast_ref::<DictionaryArray<Int32Type>>() {
                let Some(values) = d.values().as_string_opt::<i32>() else {
                    return Ok(false);
                };
                let entry_ids = dict.get_or_make(d, || {
                    // Entry `values.len()` stands for a null key: the empty string.
                    let mut v: Vec<u32> = (0..values.len())
                        .map(|e| ids.id_of(values.value(e).as_bytes()))
                        .collect();
                    v.push(ids.id_of(b""));
                    Ok(v)
                })?;
                for (row, e) in crate::expr::dictionary::entries(d).enumerate() {
                    put(row, entry_ids[e]);
                }
                return Ok(true);
            }
            let Some(s) = col.as_string_opt::<i32>() else {
                return Ok(false);
            };
            if s.null_count() == 0 {
                for row in 0..s.len() {
                    put(row, ids.id_of(s.value(row).as_bytes()));
                }
            } else {
                for (row, v) in s.iter().enumerate() {
                    put(row, ids.id_of(v.unwrap_or("").as_bytes()));
                }
            }
            Ok(true)
        }
        KeyIds::Int(map) => {
            let ints = match i64_view(col) {
                Some(v) => v,
                None if *col.data_type() == DataType::Int32 => {
                    match i64_view(&cast(col, &DataType::Int64)?) {
                        Some(v) => v,
                        None => return Ok(false),
                    }
                }
                None => return Ok(false),
            };
            for row in 0..ints.len() {
                let id = if ints.is_valid(row) {
                    let next = map.len() as u32;
                    if next == NULL_ID {
                        return Ok(false);
                    }
                    *map.entry(ints.value(row)).or_insert(next)
                } else {
                    NULL_ID
                };
                put(row, id);
            }
            Ok(true)
        }
    }
}
