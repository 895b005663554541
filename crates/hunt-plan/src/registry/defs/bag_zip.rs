//! `bag_zip(KeysArray, ValuesArray)`: a property bag whose keys come from the first array
//! and values from the second, pair by pair (docs: bag-zip). Keys that are not strings
//! are skipped with their value; missing values are null; extra values are ignored; a
//! values argument that is not an array gives null values; a keys argument that is not an
//! array gives null. A key given twice is refused: the page does not say which value wins.

use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::registry::traits::{ArgValue, FunctionError, ScalarFunction};
use crate::types::KqlType;
use arrow_array::{Array, StringArray};
use hunt_syntax::Span;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The `bag_zip` function.
pub struct BagZip;

impl ScalarFunction for BagZip {
    fn name(&self) -> &'static str {
        "bag_zip"
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if args.len() != 2 {
            return Err(PlanError::invalid(
                span,
                format!("`bag_zip` takes 2 arguments, got {}", args.len()),
            ));
        }
        // Both parameters are dynamic (the page's table).
        if let Some(a) = args.iter().find(|a| a.ty != KqlType::Dynamic) {
            return Err(PlanError::ty(
                a.span,
                format!("`bag_zip` needs dynamic arrays, got {}", a.ty),
            ));
        }
        Ok((args, KqlType::Dynamic))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let [keys, values] = args else {
            return Err(FunctionError::Internal("bag_zip takes 2 arguments".into()));
        };
        let mut out: Vec<Option<String>> = Vec::with_capacity(rows);
        for i in 0..rows {
            out.push(zip(dynamic_at(keys, i)?, dynamic_at(values, i)?)?.map(|b| b.to_string()));
        }
        Ok(ArgValue::Array(Arc::new(StringArray::from(out))))
    }
}

/// One row's pair of values zipped, or `None` for null.
fn zip(keys: Value, values: Value) -> Result<Option<Value>, FunctionError> {
    let Value::Array(keys) = keys else {
        return Ok(None);
    };
    let values = match values {
        Value::Array(v) => v,
        _ => Vec::new(),
    };
    let mut bag = Map::new();
    for (i, k) in keys.into_iter().enumerate() {
        let Value::String(k) = k else { continue };
        let v = values.get(i).cloned().unwrap_or(Value::Null);
        if bag.insert(k.clone(), v).is_some() {
            return Err(FunctionError::Unsupported(format!(
                "`bag_zip` with the key `{k}` twice (its docs do not say which value Kusto keeps)"
            )));
        }
    }
    Ok(Some(Value::Object(bag)))
}

/// Row `i` of a dynamic argument (JSON null for a null).
pub(super) fn dynamic_at(a: &ArgValue, i: usize) -> Result<Value, FunctionError> {
    let text = match a {
        ArgValue::Scalar(Scalar::Dynamic(v)) => return Ok(v.clone()),
        ArgValue::Scalar(_) => return Ok(Value::Null),
        ArgValue::Array(arr) => {
            let s = arr
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| FunctionError::Internal("a dynamic column is not text".into()))?;
            if s.is_null(i) {
                return Ok(Value::Null);
            }
            s.value(i)
        }
    };
    serde_json::from_str(text)
        .map_err(|e| FunctionError::Internal(format!("a dynamic value is not JSON: {e}")))
}
