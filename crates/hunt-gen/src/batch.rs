//! Column builders for one record batch, filled row by row.
//!
//! The schema comes from `hunt_plan::catalog::builtin_schema`; this module only maps each
//! KQL type to the physical Arrow type written to Parquet and keeps one builder per
//! column. Generators set the columns they know about and call [`RowBatch::end_row`];
//! every column left unset gets its "absent" value: the empty string for `string`, null
//! for everything else (KQL has no null strings). Absent values are appended lazily, in
//! runs, when a column is next set or the batch is finished, so a row costs time only
//! for the columns it sets (most rows set about half of the 75 DataSecurityEvents columns).
//!
//! Setting a value of the wrong kind (say a string into an `int` column) is recorded and
//! reported by [`RowBatch::finish`] as [`GenError::Internal`], so a schema change in
//! hunt-plan can never silently produce wrong data.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, DurationNanosecondBuilder, Float64Builder,
    Int32Builder, Int64Builder, StringBuilder, TimestampNanosecondBuilder,
};
use arrow::datatypes::{DataType, Field as ArrowField, Schema as ArrowSchema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use hunt_plan::types::{KqlType, Schema};

use crate::error::GenError;
use crate::util::{ascii, guid_text};

/// Index of a column the current schema does not have; setters ignore it.
pub(crate) const MISSING: usize = usize::MAX;

/// Timezone of every datetime column.
pub const UTC: &str = "UTC";

/// The Arrow type hunt-gen writes for a KQL type.
///
/// Same as `KqlType::arrow_type()` except that datetimes carry the `"UTC"` timezone.
pub fn physical_type(ty: KqlType) -> DataType {
    match ty {
        KqlType::Bool => DataType::Boolean,
        KqlType::Int => DataType::Int32,
        KqlType::Long => DataType::Int64,
        KqlType::Real => DataType::Float64,
        KqlType::String | KqlType::Guid | KqlType::Dynamic => DataType::Utf8,
        KqlType::DateTime => DataType::Timestamp(TimeUnit::Nanosecond, Some(UTC.into())),
        KqlType::TimeSpan => DataType::Duration(TimeUnit::Nanosecond),
    }
}

/// The Arrow schema of the Parquet files of a table (all fields nullable).
pub fn arrow_schema(schema: &Schema) -> SchemaRef {
    Arc::new(ArrowSchema::new(
        schema
            .fields
            .iter()
            .map(|f| ArrowField::new(f.name.clone(), physical_type(f.ty), true))
            .collect::<Vec<_>>(),
    ))
}

/// Position of `name` in `schema`, or [`MISSING`].
pub(crate) fn column_index(schema: &Schema, name: &str) -> usize {
    schema.index_of(name).unwrap_or(MISSING)
}

/// Declares a struct holding the column index of each listed column name.
///
/// The field names are the KQL column names, so code reads `b.str(c.AccountUpn, …)`.
/// This is not a schema: it lists only the columns a generator fills, and each index is
/// resolved against hunt-plan's schema (a column hunt-plan dropped becomes [`MISSING`]).
macro_rules! columns {
    ($(#[$m:meta])* $name:ident { $($col:ident),* $(,)? }) => {
        $(#[$m])*
        #[allow(non_snake_case)]
        pub(crate) struct $name { $(pub(crate) $col: usize,)* }
        impl $name {
            /// Resolves every column name against `schema`.
            pub(crate) fn resolve(schema: &hunt_plan::types::Schema) -> $name {
                $name { $($col: $crate::batch::column_index(schema, stringify!($col)),)* }
            }
        }
    };
}
pub(crate) use columns;

enum Col {
    Bool(BooleanBuilder),
    Int(Int32Builder),
    Long(Int64Builder),
    Real(Float64Builder),
    /// A string column; `true` when the absent value is null (guid, dynamic) rather than "".
    Str(StringBuilder, bool),
    Time(TimestampNanosecondBuilder),
    Span(DurationNanosecondBuilder),
}

impl Col {
    fn len(&self) -> usize {
        match self {
            Col::Bool(b) => b.len(),
            Col::Int(b) => b.len(),
            Col::Long(b) => b.len(),
            Col::Real(b) => b.len(),
            Col::Str(b, _) => b.len(),
            Col::Time(b) => b.len(),
            Col::Span(b) => b.len(),
        }
    }

    /// Appends `n` absent values (empty strings for `string`, nulls otherwise).
    fn append_absent(&mut self, n: usize) {
        match self {
            Col::Bool(b) => b.append_nulls(n),
            Col::Int(b) => b.append_nulls(n),
            Col::Long(b) => b.append_nulls(n),
            Col::Real(b) => b.append_nulls(n),
            Col::Str(b, true) => b.append_nulls(n),
            Col::Str(b, false) => {
                for _ in 0..n {
                    b.append_value("");
                }
            }
            Col::Time(b) => b.append_nulls(n),
            Col::Span(b) => b.append_nulls(n),
        }
    }

    /// Pads the column with absent values up to `rows` (the current row's index); returns
    /// false when it already holds a value for the current row (set twice).
    #[inline]
    fn pad_to(&mut self, rows: usize) -> bool {
        let n = self.len();
        if n < rows {
            self.append_absent(rows - n);
        }
        n <= rows
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Col::Bool(b) => Arc::new(b.finish()),
            Col::Int(b) => Arc::new(b.finish()),
            Col::Long(b) => Arc::new(b.finish()),
            Col::Real(b) => Arc::new(b.finish()),
            Col::Str(b, _) => Arc::new(b.finish()),
            Col::Time(b) => Arc::new(b.finish()),
            Col::Span(b) => Arc::new(b.finish()),
        }
    }
}

/// One batch under construction: a builder per column of a table's schema.
pub(crate) struct RowBatch {
    schema: SchemaRef,
    names: Vec<String>,
    cols: Vec<Col>,
    rows: usize,
    /// First column that received a value of the wrong kind, or was set twice in a row.
    bad: Option<usize>,
}

impl RowBatch {
    /// Empty builders for `schema`, sized for `capacity` rows.
    pub(crate) fn new(schema: &Schema, capacity: usize) -> RowBatch {
        let cols = schema
            .fields
            .iter()
            .map(|f| match f.ty {
                KqlType::Bool => Col::Bool(BooleanBuilder::with_capacity(capacity)),
                KqlType::Int => Col::Int(Int32Builder::with_capacity(capacity)),
                KqlType::Long => Col::Long(Int64Builder::with_capacity(capacity)),
                KqlType::Real => Col::Real(Float64Builder::with_capacity(capacity)),
                KqlType::String => {
                    Col::Str(StringBuilder::with_capacity(capacity, capacity * 8), false)
                }
                KqlType::Guid | KqlType::Dynamic => {
                    Col::Str(StringBuilder::with_capacity(capacity, capacity * 8), true)
                }
                KqlType::DateTime => Col::Time(
                    TimestampNanosecondBuilder::with_capacity(capacity).with_timezone(UTC),
                ),
                KqlType::TimeSpan => Col::Span(DurationNanosecondBuilder::with_capacity(capacity)),
            })
            .collect();
        RowBatch {
            schema: arrow_schema(schema),
            names: schema.fields.iter().map(|f| f.name.clone()).collect(),
            cols,
            rows: 0,
            bad: None,
        }
    }

    /// Rows completed so far.
    pub(crate) fn len(&self) -> usize {
        self.rows
    }

    fn mark_bad(&mut self, c: usize) {
        self.bad.get_or_insert(c);
    }

    /// The string builder of column `c` if it is a string column still unset in this row.
    #[inline]
    fn str_builder(&mut self, c: usize) -> Option<&mut StringBuilder> {
        if c == MISSING {
            return None;
        }
        let rows = self.rows;
        let ok = match self.cols.get_mut(c) {
            Some(col @ Col::Str(..)) => col.pad_to(rows),
            _ => false,
        };
        if !ok {
            self.mark_bad(c);
            return None;
        }
        match self.cols.get_mut(c) {
            Some(Col::Str(b, _)) => Some(b),
            _ => None,
        }
    }

    /// Pads column `c` for the current row; false (and recorded) when `c` was already set.
    #[inline]
    fn ready(&mut self, c: usize) -> bool {
        let rows = self.rows;
        let ok = self.cols.get_mut(c).is_some_and(|col| col.pad_to(rows));
        if !ok {
            self.mark_bad(c);
        }
        ok
    }

    /// Sets string/guid/dynamic column `c`.
    #[inline]
    pub(crate) fn str(&mut self, c: usize, v: &str) {
        if let Some(b) = self.str_builder(c) {
            b.append_value(v);
        }
    }

    /// Sets string column `c` to the concatenation of `parts` (no temporary `String`).
    #[inline]
    pub(crate) fn concat(&mut self, c: usize, parts: &[&str]) {
        if let Some(b) = self.str_builder(c) {
            for p in parts {
                let _ = b.write_str(p);
            }
            b.append_value("");
        }
    }

    /// Sets string column `c` from format arguments (writes straight into the builder).
    #[inline]
    pub(crate) fn fmt(&mut self, c: usize, args: std::fmt::Arguments<'_>) {
        if let Some(b) = self.str_builder(c) {
            let _ = b.write_fmt(args);
            b.append_value("");
        }
    }

    /// Sets guid column `c` to the canonical text of `bits`.
    #[inline]
    pub(crate) fn guid(&mut self, c: usize, bits: u128) {
        self.str(c, ascii(&guid_text(bits)));
    }

    /// Sets int/long/real column `c`.
    #[inline]
    pub(crate) fn int(&mut self, c: usize, v: i64) {
        if c == MISSING || !self.ready(c) {
            return;
        }
        match &mut self.cols[c] {
            Col::Int(b) => b.append_value(v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32),
            Col::Long(b) => b.append_value(v),
            Col::Real(b) => b.append_value(v as f64),
            _ => self.mark_bad(c),
        }
    }

    /// Sets bool column `c`.
    #[inline]
    pub(crate) fn bool(&mut self, c: usize, v: bool) {
        if c == MISSING || !self.ready(c) {
            return;
        }
        match &mut self.cols[c] {
            Col::Bool(b) => b.append_value(v),
            _ => self.mark_bad(c),
        }
    }

    /// Sets datetime column `c` from 100-ns ticks since the Unix epoch.
    #[inline]
    pub(crate) fn time(&mut self, c: usize, ticks: i64) {
        if c == MISSING || !self.ready(c) {
            return;
        }
        match &mut self.cols[c] {
            Col::Time(b) => b.append_value(ticks.saturating_mul(100)),
            _ => self.mark_bad(c),
        }
    }

    /// Finishes the current row; columns not set in it read as absent.
    #[inline]
    pub(crate) fn end_row(&mut self) {
        self.rows += 1;
    }

    /// Takes the rows built so far as a record batch and resets the builders.
    pub(crate) fn finish(&mut self) -> Result<RecordBatch, GenError> {
        if let Some(c) = self.bad.take() {
            let name = self.names.get(c).map_or("?", String::as_str);
            return Err(GenError::Internal(format!(
                "column `{name}` received a value of the wrong type or was set twice in one row"
            )));
        }
        let rows = self.rows;
        let arrays: Vec<ArrayRef> = self
            .cols
            .iter_mut()
            .map(|c| {
                c.pad_to(rows);
                c.finish()
            })
            .collect();
        self.rows = 0;
        Ok(RecordBatch::try_new(self.schema.clone(), arrays)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use hunt_plan::types::Field;

    fn schema() -> Schema {
        Schema::new(vec![
            Field::new("S", KqlType::String),
            Field::new("G", KqlType::Guid),
            Field::new("I", KqlType::Int),
            Field::new("T", KqlType::DateTime),
        ])
    }

    #[test]
    fn absent_values() {
        let s = schema();
        let mut b = RowBatch::new(&s, 4);
        b.str(0, "x");
        b.int(2, 7);
        b.time(3, 5);
        b.end_row();
        b.end_row();
        let rb = b.finish().unwrap();
        assert_eq!(rb.num_rows(), 2);
        let s0 = rb.column(0).as_string::<i32>();
        assert_eq!((s0.value(0), s0.value(1), s0.null_count()), ("x", "", 0));
        assert_eq!(rb.column(1).null_count(), 2);
        assert_eq!(rb.column(2).null_count(), 1);
        assert_eq!(
            rb.schema().field(3).data_type(),
            &DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))
        );
    }

    #[test]
    fn wrong_type_is_reported() {
        let s = schema();
        let mut b = RowBatch::new(&s, 1);
        b.str(2, "not an int");
        b.end_row();
        let err = b.finish().unwrap_err().to_string();
        assert!(err.contains("`I`"), "{err}");
    }

    #[test]
    fn set_twice_is_reported() {
        let s = schema();
        let mut b = RowBatch::new(&s, 1);
        b.str(0, "a");
        b.str(0, "b");
        b.end_row();
        assert!(b.finish().is_err());
    }
}
