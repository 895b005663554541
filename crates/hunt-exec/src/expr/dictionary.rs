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

/// A row mask from per-entry booleans: row `i` gets `table[entry]` of its entry (see
/// [`entries`]; `table` has one more slot than the dictionary, for null keys), built 64
/// rows at a time.
pub fn gather_mask(d: &DictionaryArray<Int32Type>, table: &[bool]) -> BooleanArray {
    let null_entry = d.values().len();
    let keys = d.keys();
    let values = keys.values();
    let nulls = keys.nulls();
    let at = |k: usize| table.get(k).copied().unwrap_or(false);
    let bits = arrow::buffer::BooleanBuffer::collect_bool(d.len(), |i| {
        if nulls.is_some_and(|n| n.is_null(i)) {
            at(null_entry)
        } else {
            at((values[i] as usize).min(null_entry))
        }
    });
    BooleanArray::new(bits, None)
}

/// Whether two dictionaries' values are the same array. The Parquet reader gives each batch
/// of a row group a new `Arc` over the same buffers, so buffers are compared, not `Arc`s.
pub fn same_values(a: &ArrayRef, b: &ArrayRef) -> bool {
    Arc::ptr_eq(a, b) || (a.len() == b.len() && a.to_data().ptr_eq(&b.to_data()))
}

/// Something computed from a dictionary's values, kept while the batches that follow share
/// that dictionary (the batches of one row group do). Each per-dictionary cache of the
/// engine is one of these.
pub struct DictMemo<T> {
    last: Option<(ArrayRef, T)>,
}

impl<T> Default for DictMemo<T> {
    fn default() -> Self {
        DictMemo { last: None }
    }
}

impl<T> DictMemo<T> {
    /// The value for dictionary `d`: kept from the last call if `d` has the same values,
    /// else made by `make`.
    pub fn get_or_make(
        &mut self,
        d: &DictionaryArray<Int32Type>,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<&mut T> {
        let kept = matches!(&self.last, Some((v, _)) if same_values(v, d.values()));
        if !kept {
            self.last = Some((d.values().clone(), make()?));
        }
        match &mut self.last {
            Some((_, t)) => Ok(t),
            None => Err(crate::error::ExecError::Internal("dictionary memo".into())),
        }
    }
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

/// The dictionary column `e` reads, when it reads exactly one column and that column is a
/// dictionary in `batch`.
fn dictionary_of<'b>(
    e: &PhysicalExpr,
    batch: &'b RecordBatch,
) -> Option<(usize, &'b DictionaryArray<Int32Type>)> {
    let PhysicalExpr::Call { .. } = e else {
        return None;
    };
    let mut col = None;
    if !single_column(e, &mut col) {
        return None;
    }
    let c = col?;
    let dict = batch
        .column(c)
        .as_any()
        .downcast_ref::<DictionaryArray<Int32Type>>()?;
    Some((c, dict))
}

/// `e` over `values` standing in column `c`'s place in a batch like `batch` (other columns
/// are not read by `e`; they are given as nulls so indexes stay valid).
fn eval_over(
    e: &PhysicalExpr,
    batch: &RecordBatch,
    c: usize,
    values: ArrayRef,
) -> Result<ArrayRef> {
    let m = values.len();
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut cols: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (j, f) in schema.fields().iter().enumerate() {
        if j == c {
            fields.push(Field::new(f.name(), DataType::Utf8, true));
            cols.push(values.clone());
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
    super::scalar::to_array(eval(e, &small)?, m)
}

/// The expression's result as new keys over new values (one value per distinct entry the
/// batch uses), when `e` reads exactly one column and that column is a dictionary in
/// `batch`; `None` otherwise.
pub fn eval_per_entry(
    e: &PhysicalExpr,
    batch: &RecordBatch,
) -> Result<Option<(Int32Array, ArrayRef)>> {
    let Some((c, dict)) = dictionary_of(e, batch) else {
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
    let out = eval_over(e, batch, c, compact)?;
    Ok(Some((Int32Array::from(new_keys), out)))
}

/// The largest dictionary [`eval_entries`] evaluates in full.
const MAX_FULL_DICTIONARY: usize = 1 << 16;

/// One expression's results over every entry of the dictionary it last saw. An operator
/// keeps one per expression for one unit of its input (a row group, whose batches share
/// their dictionaries).
pub type EntryCache = DictMemo<ArrayRef>;

/// [`eval_per_entry`] with a cache: when `e` cannot fail, it is evaluated over all of the
/// dictionary's entries (plus the `""` of null keys) once per dictionary, and each batch
/// only maps its keys. The values returned are then the same array for every batch of the
/// dictionary.
pub fn eval_entries(
    e: &PhysicalExpr,
    batch: &RecordBatch,
    cache: &mut EntryCache,
) -> Result<Option<(Int32Array, ArrayRef)>> {
    let Some((c, dict)) = dictionary_of(e, batch) else {
        return Ok(None);
    };
    // A function that fails on a value no row of the batch has must not fail the query.
    if !total(e) || dict.values().len() > MAX_FULL_DICTIONARY {
        return eval_per_entry(e, batch);
    }
    let results = cache
        .get_or_make(dict, || eval_over(e, batch, c, values_with_empty(dict)?))?
        .clone();
    let keys = Int32Array::from_iter_values(entries(dict).map(|k| k as i32));
    Ok(Some((keys, results)))
}

/// True when `e` is built only of functions that cannot fail over strings, and literals
/// and columns.
pub fn total(e: &PhysicalExpr) -> bool {
    match e {
        PhysicalExpr::Literal(_) | PhysicalExpr::Column(..) => true,
        PhysicalExpr::Call { func, args, .. } => {
            use hunt_plan::expr::Func;
            matches!(
                func,
                Func::And
                    | Func::Or
                    | Func::Not
                    | Func::Eq
                    | Func::Ne
                    | Func::EqCi
                    | Func::NeCi
                    | Func::Str(..)
                    | Func::In { .. }
                    | Func::HasAny
                    | Func::HasAll
                    | Func::IsEmpty
                    | Func::IsNotEmpty
                    | Func::IsNull
                    | Func::IsNotNull
                    | Func::ToLower
                    | Func::ToUpper
                    | Func::StrLen
            ) && args.iter().all(total)
                // `tostring` of a string or of a dynamic value cannot fail (of a real it can).
                || *func == Func::ToString
                    && matches!(
                        args.as_slice(),
                        [PhysicalExpr::Column(_, KqlType::String | KqlType::Dynamic)]
                    )
        }
    }
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
