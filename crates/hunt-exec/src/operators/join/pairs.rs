//! The row pairs of one join output chunk: for each output row, the left and the right row
//! it joins, or none on that side (an outer join's unmatched row).
//!
//! Row numbers are kept as plain `u32`s, and a validity bitmap is started only at the first
//! absent side. An inner join, the common case, never has one, and its index arrays are
//! the vectors themselves. Before, each side was a `Vec<Option<u32>>` turned into an array
//! value by value, a tenth of an alert/event join's time.

use arrow::array::{BooleanBufferBuilder, UInt32Array};
use arrow::buffer::NullBuffer;

/// The row numbers of one side, absent where null.
#[derive(Default)]
pub(super) struct SideRows {
    rows: Vec<u32>,
    valid: Option<BooleanBufferBuilder>,
}

impl SideRows {
    /// `rows`, none absent.
    pub(super) fn all(rows: Vec<u32>) -> SideRows {
        SideRows { rows, valid: None }
    }

    /// `n` absent rows.
    pub(super) fn absent(n: usize) -> SideRows {
        let mut valid = BooleanBufferBuilder::new(n);
        valid.append_n(n, false);
        SideRows {
            rows: vec![0; n],
            valid: Some(valid),
        }
    }

    pub(super) fn push(&mut self, row: u32) {
        self.rows.push(row);
        if let Some(v) = &mut self.valid {
            v.append(true);
        }
    }

    pub(super) fn push_absent(&mut self) {
        let n = self.rows.len();
        self.valid
            .get_or_insert_with(|| {
                let mut v = BooleanBufferBuilder::new(n + 1);
                v.append_n(n, true);
                v
            })
            .append(false);
        self.rows.push(0);
    }

    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row numbers as an index array (null where absent).
    pub(super) fn finish(self) -> UInt32Array {
        let nulls = self.valid.map(|mut v| NullBuffer::new(v.finish()));
        UInt32Array::new(self.rows.into(), nulls)
    }
}

/// Row indices of one output chunk.
#[derive(Default)]
pub(super) struct Pairs {
    pub(super) left: SideRows,
    pub(super) right: SideRows,
}

#[cfg(test)]
mod tests {
    use super::SideRows;
    use arrow::array::{Array, UInt32Array};

    /// The array is the rows pushed, null exactly where absent, whether the first absent
    /// row comes first, in the middle or never.
    #[test]
    fn rows_and_absences_come_back_in_order() {
        let mut s = SideRows::default();
        s.push(3);
        s.push(5);
        s.push_absent();
        s.push(7);
        assert_eq!(
            s.finish(),
            UInt32Array::from(vec![Some(3), Some(5), None, Some(7)])
        );
        let mut s = SideRows::default();
        s.push_absent();
        s.push(1);
        assert_eq!(s.finish(), UInt32Array::from(vec![None, Some(1)]));
        let all = SideRows::all(vec![4, 2]).finish();
        assert_eq!(all.null_count(), 0);
        assert_eq!(all, UInt32Array::from(vec![4, 2]));
        let none = SideRows::absent(2).finish();
        assert_eq!(none.null_count(), 2);
    }
}
