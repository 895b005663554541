//! Dictionary pruning: a row group whose column chunk is entirely dictionary-encoded holds
//! only values of its dictionary page, so when a dictionary predicate (`ActionType ==
//! "File printed"`, `Workload in (…)`) is false for every entry, no row of the row group can
//! pass, and the row group is skipped without decoding any data page.
//!
//! Statistics cannot say this for a value between a chunk's min and max; the dictionary can.
//! Only small dictionary pages are read (a few KiB: the low-cardinality columns hunts filter
//! on), so the extra read is cheap next to decoding the chunk.

use super::dictfilter::DictPredicate;
use crate::error::Result;
use ::parquet::basic::{Encoding, PageType, Type as PhysicalType};
use ::parquet::column::page::{Page, PageReader};
use ::parquet::file::metadata::{ColumnChunkMetaData, RowGroupMetaData};
use ::parquet::file::serialized_reader::SerializedPageReader;
use arrow::array::{ArrayRef, StringArray};
use std::fs::File;
use std::sync::Arc;

/// The largest dictionary page (compressed bytes) read to prune a row group.
const MAX_DICTIONARY_PAGE: i64 = 16 * 1024;

/// Whether every data page of the chunk is dictionary-encoded (so the dictionary holds every
/// value of the chunk).
pub(crate) fn all_pages_dictionary(c: &ColumnChunkMetaData) -> bool {
    c.dictionary_page_offset().is_some()
        && c.page_encoding_stats().is_some_and(|stats| {
            stats.iter().all(|s| {
                !matches!(s.page_type, PageType::DATA_PAGE | PageType::DATA_PAGE_V2)
                    || matches!(
                        s.encoding,
                        Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY
                    )
            })
        })
}

/// Column `name`'s chunk in row group `rg`.
pub(crate) fn chunk<'a>(rg: &'a RowGroupMetaData, name: &str) -> Option<&'a ColumnChunkMetaData> {
    rg.columns()
        .iter()
        .find(|c| c.column_path().string() == name)
}

/// The values a small, fully dictionary-encoded string chunk can hold: its dictionary
/// entries, plus `""` when the chunk may hold nulls (a null string is `""` in KQL). `None`
/// when the chunk does not qualify or its dictionary cannot be read as UTF-8 strings.
/// Any error reading the page gives `None` too: pruning is only ever an optimization, and
/// the decode that follows reports a broken file.
fn chunk_values(file: &File, c: &ColumnChunkMetaData) -> Option<ArrayRef> {
    let dict_offset = c.dictionary_page_offset()?;
    let dict_bytes = c.data_page_offset().saturating_sub(dict_offset);
    if c.column_type() != PhysicalType::BYTE_ARRAY
        || dict_bytes > MAX_DICTIONARY_PAGE
        || !all_pages_dictionary(c)
    {
        return None;
    }
    let rows = usize::try_from(c.num_values()).unwrap_or(0);
    let mut pages =
        SerializedPageReader::new(Arc::new(file.try_clone().ok()?), c, rows, None).ok()?;
    let Some(Page::DictionaryPage {
        buf,
        num_values,
        encoding: Encoding::PLAIN | Encoding::PLAIN_DICTIONARY,
        ..
    }) = pages.get_next_page().ok()?
    else {
        return None;
    };
    // PLAIN byte arrays: a little-endian u32 length, then the bytes, per value.
    let mut values: Vec<&str> = Vec::with_capacity(num_values as usize + 1);
    let mut rest: &[u8] = &buf;
    for _ in 0..num_values {
        let (len, tail) = rest.split_first_chunk::<4>()?;
        let len = u32::from_le_bytes(*len) as usize;
        let s = std::str::from_utf8(tail.get(..len)?).ok()?;
        values.push(s);
        rest = &tail[len..];
    }
    let may_have_nulls = c
        .statistics()
        .and_then(|s| s.null_count_opt())
        .is_none_or(|n| n > 0);
    if may_have_nulls {
        values.push("");
    }
    Some(Arc::new(StringArray::from(values)))
}

/// True when some dictionary predicate is false for every value of its column's chunk in
/// row group `rg` (so the row group has no row the filter keeps).
pub(crate) fn rules_out(
    file: &File,
    preds: &[DictPredicate],
    rg: &RowGroupMetaData,
) -> Result<bool> {
    for p in preds {
        let Some(c) = chunk(rg, &p.column) else {
            continue;
        };
        let Some(values) = chunk_values(file, c) else {
            continue;
        };
        if !p.any_true(values)? {
            return Ok(true);
        }
    }
    Ok(false)
}
