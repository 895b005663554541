//! A `top N by Col` pushed into the scan as a running bound: once some N rows with
//! `Col >= v` have been seen (for `desc`), no row with `Col < v` can be among the top N, so
//! the scan drops such rows before decoding their other columns (a parquet `RowFilter`).
//! The top-N operator tightens the bound as its per-unit and merged results fill up.
//!
//! Rows whose key equals the bound are kept (they may win on later sort keys), and a null
//! key is kept exactly when nulls sort first in that order. Only `long` and `int` keys
//! qualify: the file stores them as the values compared.

use arrow::array::{Array, ArrayRef, BooleanArray, Int64Array};
use arrow::datatypes::DataType;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// The running bound of a top-N on one integer column.
#[derive(Debug)]
pub struct TopBound {
    column: String,
    descending: bool,
    nulls_first: bool,
    value: AtomicI64,
    set: AtomicBool,
}

impl TopBound {
    /// No bound yet, for a top-N ordered by `column` (`descending`, nulls first or last).
    pub fn new(column: &str, descending: bool, nulls_first: bool) -> TopBound {
        TopBound {
            column: column.to_string(),
            descending,
            nulls_first,
            value: AtomicI64::new(if descending { i64::MIN } else { i64::MAX }),
            set: AtomicBool::new(false),
        }
    }

    /// The column the bound is on.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// `v` is the key of the N-th best of some N rows already seen: no row ordered after it
    /// can be in the top N.
    pub fn tighten(&self, v: i64) {
        if self.descending {
            self.value.fetch_max(v, Ordering::AcqRel);
        } else {
            self.value.fetch_min(v, Ordering::AcqRel);
        }
        self.set.store(true, Ordering::Release);
    }

    /// The rows of `keys` (the bound's column as stored: Int64 or Int32) that may still be in
    /// the top N; `None` while there is no bound.
    pub(crate) fn mask(&self, keys: &ArrayRef) -> Option<BooleanArray> {
        if !self.set.load(Ordering::Acquire) {
            return None;
        }
        let bound = self.value.load(Ordering::Acquire);
        let keys = match keys.data_type() {
            DataType::Int64 | DataType::Int32 => {
                arrow::compute::cast(keys, &DataType::Int64).ok()?
            }
            _ => return None,
        };
        let keys = keys.as_any().downcast_ref::<Int64Array>()?;
        Some(
            keys.iter()
                .map(|k| {
                    Some(match k {
                        None => self.nulls_first,
                        Some(k) if self.descending => k >= bound,
                        Some(k) => k <= bound,
                    })
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn keeps_ties_and_nulls_that_sort_first() {
        let keys: ArrayRef = Arc::new(arrow::array::Int32Array::from(vec![
            Some(5),
            None,
            Some(7),
            Some(3),
        ]));
        let desc = TopBound::new("K", true, false);
        assert!(desc.mask(&keys).is_none());
        desc.tighten(4);
        desc.tighten(5);
        desc.tighten(1); // a looser bound changes nothing
        let got: Vec<Option<bool>> = desc
            .mask(&keys)
            .map(|m| m.iter().collect())
            .unwrap_or_default();
        assert_eq!(got, vec![Some(true), Some(false), Some(true), Some(false)]);
        let asc = TopBound::new("K", false, true);
        asc.tighten(5);
        let got: Vec<Option<bool>> = asc
            .mask(&keys)
            .map(|m| m.iter().collect())
            .unwrap_or_default();
        assert_eq!(got, vec![Some(true), Some(true), Some(false), Some(true)]);
    }
}
