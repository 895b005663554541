//! Evaluating an expression over one dictionary-encoded string column once per distinct
//! value: `toupper(Department)`, `strlen(AccountUpn)`, `Url has "x"` over a column the scan
//! passed on as `Dictionary(Int32, Utf8)` run over the dictionary entries the batch uses,
//! and the results are gathered back through the keys.
//!
//! Only the entries some row of the batch refers to are evaluated: a dictionary can hold
//! values of rows an earlier filter dropped, and a function that fails on such a value must
//! not fail the query. A null key stands for `""` (KQL has no null string).

use super::{PhysicalExpr, eval};
use crate::error::Result;
use crate::scan::conform_column;
use arrow::array::*;
use arrow::datatypes::{DataType, Field, Int32Type, Schema as ArrowSchema};
use arrow::record_batch::RecordBatch;
use hunt_plan::types::KqlType;
use std::sync::Arc;

/// A dictionary's values as KQL strings (null read as `""`), then one `""` more: the entry
/// a null key stands for (see [`entry`]).
pub fn values_with_empty(d: &DictionaryArray<Int32Type>) -> Result<ArrayRef> {
    let values = conform_column(d.values(), KqlType::String)?;
    let empty: ArrayRef = Arc::new(StringArray::from(vec![""]));
    Ok(arrow::compute::concat(&[values.as_ref(), empty.as_ref()])?)
}

/// Whether two dictionaries' values are the same array. The Parquet reader gives each batch
/// of a row group a new `Arc` over the same buffers, so buffers are compared, not `Arc`s.
pub fn same_values(a: &ArrayRef, b: &ArrayRef) -> bool {
    Arc::ptr_eq(a, b) || (a.len() == b.len() && a.to_data().ptr_eq(&b.to_data()))
}

/// Row `i`'s entry in [`values_with_empty`]: its key, or the extra `""` for a null key (a
/// key out of range, which a valid dictionary never has, reads as that too).
pub fn entry(d: &DictionaryArray<Int32Type>, i: usize) -> usize {
    let null_entry = d.values().len();
    let keys = d.keys();
    if keys.is_valid(i) {
        usize::try_from(keys.value(i))
            .unwrap_or(null_entry)
            .min(null_entry)
    } else {
        null_entry
    }
}

/// Every row's entry in [`values_with_empty`], as [`entry`] gives it, without a per-row
/// call through the dictionary's values.
pub fn entries(d: &DictionaryArray<Int32Type>) -> impl Iterator<Item = usize> + '_ {
    let null_entry = d.values().len();
    let keys = d.keys();
    let nulls = keys.nulls();
    keys.values().iter().enumerate().map(move |(i, &k)| {
        if nulls.is_some_and(|n| n.is_null(i)) {
            null_entry
        } else {
            // A negative key becomes huge, and out-of-range keys read as the null entry.
            (k as usize).min(null_entry)
        }
    })
}

/// The expression's result as new keys over new values (one value per distinct entry the
/// batch uses), when `e` reads exactly one column and that column is a dictionary in
/// `batch`; `None` otherwise.
pub fn eval_per_entry(
    e: &PhysicalExpr,
    batch: &RecordBatch,
) -> Result<Option<(Int32Array, ArrayRef)>> {
    let PhysicalExpr::Call { .. } = e else {
        return Ok(None);
    };
    let mut col = None;
    if !single_column(e, &mut col) {
        return Ok(None);
    }
    let Some(c) = col else {
        return Ok(None);
    };
    let Some(dict) = batch
        .column(c)
        .as_any()
        .downcast_ref::<DictionaryArray<Int32Type>>()
    else {
        return Ok(None);
    };
    // The entries this batch uses, renumbered densely; a null key uses one extra "".
    let mut remap = vec![-1i32; dict.values().len() + 1];
    let mut used: Vec<u32> = Vec::new();
    let mut new_keys = Vec::with_capacity(dict.len());
    for k in entries(dict) {
        if remap[k] < 0 {
            remap[k] = used.len() as i32;
            used.push(k as u32);
        }
        new_keys.push(remap[k]);
    }
    let strings = values_with_empty(dict)?;
    let compact = arrow::compute::take(strings.as_ref(), &UInt32Array::from(used), None)?;
    // A batch of the compact values standing in column `c`'s place (other columns are not
    // read by `e`; they are given as nulls of their type so indexes stay valid).
    let m = compact.len();
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut cols: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (j, f) in schema.fields().iter().enumerate() {
        if j == c {
            fields.push(Field::new(f.name(), DataType::Utf8, true));
            cols.push(compact.clone());
        } else {
            fields.push(Field::new(f.name(), DataType::Null, true));
            cols.push(new_null_array(&DataType::Null, m));
        }
    }
    let small = RecordBatch::try_new_with_options(
        Arc::new(ArrowSchema::new(fields)),
        cols,
        &RecordBatchOptions::new().with_row_count(Some(m)),
    )?;
    let out = super::scalar::to_array(eval(e, &small)?, m)?;
    Ok(Some((Int32Array::from(new_keys), out)))
}

/// True when every column `e` reads is the same one (stored into `col`).
fn single_column(e: &PhysicalExpr, col: &mut Option<usize>) -> bool {
    match e {
        PhysicalExpr::Literal(_) => true,
        PhysicalExpr::Column(i, ty) => {
            *ty == KqlType::String
                && match col {
                    Some(c) => c == i,
                    None => {
                        *col = Some(*i);
                        true
                    }
                }
        }
        PhysicalExpr::Call { args, .. } => args.iter().all(|a| single_column(a, col)),
    }
}
