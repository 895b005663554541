//! Converting between [`Scalar`] constants and Arrow arrays.

use super::Value;
use crate::error::{ExecError, Result};
use arrow::array::*;
use arrow::datatypes::DataType;
use hunt_plan::expr::Scalar;
use hunt_plan::types::KqlType;
use std::sync::Arc;

/// An array of `n` copies of `s` in hunt's physical type for its KQL type.
pub fn scalar_to_array(s: &Scalar, n: usize) -> ArrayRef {
    match s {
        Scalar::Null(t) => new_null_array(&t.arrow_type(), n),
        Scalar::Bool(v) => Arc::new(BooleanArray::from(vec![*v; n])),
        Scalar::Int(v) => Arc::new(Int32Array::from_value(*v, n)),
        Scalar::Long(v) => Arc::new(Int64Array::from_value(*v, n)),
        Scalar::Real(v) => Arc::new(Float64Array::from_value(*v, n)),
        Scalar::String(v) => Arc::new(StringArray::from_iter_values(std::iter::repeat_n(&**v, n))),
        Scalar::Guid(v) => Arc::new(StringArray::from_iter_values(std::iter::repeat_n(v, n))),
        Scalar::DateTime(v) => Arc::new(TimestampNanosecondArray::from_value(*v, n)),
        Scalar::TimeSpan(v) => Arc::new(DurationNanosecondArray::from_value(*v, n)),
        Scalar::Dynamic(serde_json::Value::Null) => new_null_array(&DataType::Utf8, n),
        Scalar::Dynamic(v) => Arc::new(StringArray::from_iter_values(std::iter::repeat_n(
            v.to_string(),
            n,
        ))),
    }
}

/// A one-row array for use as an arrow `Scalar` datum.
pub fn scalar_datum(s: &Scalar) -> arrow::array::Scalar<ArrayRef> {
    arrow::array::Scalar::new(scalar_to_array(s, 1))
}

/// Materializes a value to `n` rows.
pub fn to_array(v: Value, n: usize) -> Result<ArrayRef> {
    match v {
        Value::Array(a) => {
            if a.len() != n {
                return Err(ExecError::Internal(format!(
                    "array of {} rows where {n} expected",
                    a.len()
                )));
            }
            Ok(a)
        }
        Value::Scalar(s) => Ok(scalar_to_array(&s, n)),
    }
}

/// Reads row `i` of an array of KQL type `ty` back into a scalar.
pub fn array_value(a: &dyn Array, i: usize, ty: KqlType) -> Result<Scalar> {
    if a.is_null(i) {
        return Ok(Scalar::Null(ty));
    }
    let bad = || ExecError::Internal(format!("{ty} column stored as {}", a.data_type()));
    Ok(match ty {
        KqlType::Bool => Scalar::Bool(
            a.as_any()
                .downcast_ref::<BooleanArray>()
                .ok_or_else(bad)?
                .value(i),
        ),
        KqlType::Int => Scalar::Int(
            a.as_any()
                .downcast_ref::<Int32Array>()
                .ok_or_else(bad)?
                .value(i),
        ),
        KqlType::Long => Scalar::Long(
            a.as_any()
                .downcast_ref::<Int64Array>()
                .ok_or_else(bad)?
                .value(i),
        ),
        KqlType::Real => Scalar::Real(
            a.as_any()
                .downcast_ref::<Float64Array>()
                .ok_or_else(bad)?
                .value(i),
        ),
        KqlType::DateTime => Scalar::DateTime(
            a.as_any()
                .downcast_ref::<TimestampNanosecondArray>()
                .ok_or_else(bad)?
                .value(i),
        ),
        KqlType::TimeSpan => Scalar::TimeSpan(
            a.as_any()
                .downcast_ref::<DurationNanosecondArray>()
                .ok_or_else(bad)?
                .value(i),
        ),
        KqlType::String | KqlType::Guid | KqlType::Dynamic => {
            let s = a
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(bad)?
                .value(i)
                .to_string();
            match ty {
                KqlType::String => Scalar::String(s.into()),
                KqlType::Guid => Scalar::Guid(s),
                _ => Scalar::Dynamic(
                    serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s)),
                ),
            }
        }
    })
}

/// An array of KQL type `ty` from scalars (each of that type or a null).
pub fn array_from_scalars<'a>(
    vals: impl Iterator<Item = &'a Scalar>,
    ty: KqlType,
) -> Result<ArrayRef> {
    let vals: Vec<&Scalar> = vals.collect();
    let bad = |s: &Scalar| ExecError::Internal(format!("value {s} in a {ty} column"));
    macro_rules! build {
        ($arr:ty, $pat:pat => $v:expr) => {{
            let mut out = Vec::with_capacity(vals.len());
            for s in &vals {
                out.push(match s {
                    $pat => Some($v),
                    s if s.is_null() => None,
                    s => return Err(bad(s)),
                });
            }
            Arc::new(<$arr>::from(out)) as ArrayRef
        }};
    }
    Ok(match ty {
        KqlType::Bool => build!(BooleanArray, Scalar::Bool(v) => *v),
        KqlType::Int => build!(Int32Array, Scalar::Int(v) => *v),
        KqlType::Long => build!(Int64Array, Scalar::Long(v) => *v),
        KqlType::Real => build!(Float64Array, Scalar::Real(v) => *v),
        KqlType::DateTime => build!(TimestampNanosecondArray, Scalar::DateTime(v) => *v),
        KqlType::TimeSpan => build!(DurationNanosecondArray, Scalar::TimeSpan(v) => *v),
        // KQL strings are never null: a null string is the empty string.
        KqlType::String => {
            let mut out = Vec::with_capacity(vals.len());
            for s in &vals {
                out.push(match s {
                    Scalar::String(v) => &**v,
                    s if s.is_null() => "",
                    s => return Err(bad(s)),
                });
            }
            Arc::new(StringArray::from(out)) as ArrayRef
        }
        KqlType::Guid => build!(StringArray, Scalar::Guid(v) => v.clone()),
        // A JSON null is the KQL null of a dynamic column.
        KqlType::Dynamic => {
            let mut out = Vec::with_capacity(vals.len());
            for s in &vals {
                out.push(match s {
                    Scalar::Dynamic(serde_json::Value::Null) => None,
                    Scalar::Dynamic(v) => Some(v.to_string()),
                    s if s.is_null() => None,
                    s => return Err(bad(s)),
                });
            }
            Arc::new(StringArray::from(out)) as ArrayRef
        }
    })
}
