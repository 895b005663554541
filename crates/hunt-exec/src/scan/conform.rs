//! Converting a column as stored in a file to hunt's physical type for its KQL type.

use crate::error::{ExecError, Result};
use arrow::array::*;
use arrow::compute::{CastOptions, cast_with_options};
use arrow::datatypes::{DataType, TimeUnit};
use hunt_plan::types::KqlType;
use std::sync::Arc;

/// Converts `col` (any Arrow type hunt reads) to the physical type of `ty`.
///
/// Timestamps of any unit and zone become UTC nanoseconds (the instant is kept, the
/// zone label dropped); the three string layouts become `Utf8`; null strings become
/// empty strings, because KQL has no null string.
pub fn conform_column(col: &ArrayRef, ty: KqlType) -> Result<ArrayRef> {
    let strict = CastOptions {
        safe: false,
        ..Default::default()
    };
    let out: ArrayRef = match (col.data_type(), ty) {
        (DataType::Timestamp(unit, Some(tz)), KqlType::DateTime) => {
            let ns = if *unit == TimeUnit::Nanosecond {
                col.clone()
            } else {
                cast_with_options(
                    col,
                    &DataType::Timestamp(TimeUnit::Nanosecond, Some(tz.clone())),
                    &strict,
                )?
            };
            let ns = ns
                .as_any()
                .downcast_ref::<TimestampNanosecondArray>()
                .ok_or_else(|| ExecError::Internal("timestamp cast".into()))?
                .clone()
                .with_timezone_opt(None::<Arc<str>>);
            Arc::new(ns)
        }
        (dt, t) if *dt == t.arrow_type() => col.clone(),
        (_, t) => cast_with_options(col, &t.arrow_type(), &strict)?,
    };
    if ty == KqlType::String && out.null_count() > 0 {
        let s = out
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| ExecError::Internal("string cast".into()))?;
        return Ok(Arc::new(
            s.iter()
                .map(|v| Some(v.unwrap_or("")))
                .collect::<StringArray>(),
        ));
    }
    if matches!(ty, KqlType::Dynamic | KqlType::Guid) {
        // An empty dynamic or guid cell is a null one.
        let s = out
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| ExecError::Internal("string cast".into()))?;
        if s.iter().any(|v| v == Some("")) {
            return Ok(Arc::new(
                s.iter()
                    .map(|v| v.filter(|x| !x.is_empty()))
                    .collect::<StringArray>(),
            ));
        }
    }
    Ok(out)
}

/// A column of `n` values for a column the file lacks: nulls, or empty strings.
pub fn missing_column(ty: KqlType, n: usize) -> ArrayRef {
    match ty {
        KqlType::String => Arc::new(StringArray::from_iter_values(std::iter::repeat_n("", n))),
        other => new_null_array(&other.arrow_type(), n),
    }
}
