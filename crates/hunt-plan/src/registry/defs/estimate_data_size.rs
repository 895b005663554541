//! `estimate_data_size(column, …)` and `estimate_data_size(*)`: the estimated size in
//! bytes of a row's referenced columns (docs: estimate-data-size-function). The page
//! states two sizes: a long is 8 and a string its length ("x (long) is 8", "Text length
//! is 10"). Those are hunt's answer; every other type's size (and a dynamic's, which the
//! page only says is larger than its text's) is refused at plan time, and so are a null
//! long and a string beyond ASCII (whether Kusto counts characters or bytes), at run time.
//! Arguments are column references (Kusto's `ArgumentKind.Column`); the result is a long.

use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::registry::traits::{ArgValue, FunctionError, ScalarFunction};
use crate::types::KqlType;
use arrow_array::{Array, Int64Array, StringArray};
use hunt_syntax::Span;
use std::sync::Arc;

/// The `estimate_data_size` function.
pub struct EstimateDataSize;

/// A long's size, as the page states it.
const LONG_BYTES: i64 = 8;

impl ScalarFunction for EstimateDataSize {
    fn name(&self) -> &'static str {
        "estimate_data_size"
    }
    fn star_columns(&self) -> bool {
        true
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if args.is_empty() {
            return Err(PlanError::invalid(
                span,
                "`estimate_data_size` takes one or more columns, or `*`",
            ));
        }
        for a in &args {
            if !matches!(a.kind, ExprKind::Column(_)) {
                return Err(PlanError::invalid(
                    a.span,
                    "`estimate_data_size` takes column references",
                ));
            }
            if !matches!(a.ty, KqlType::Long | KqlType::String) {
                return Err(PlanError::unsupported(
                    a.span,
                    format!(
                        "`estimate_data_size` of a {} column (its page states the size of a long and a string only)",
                        a.ty
                    ),
                ));
            }
        }
        Ok((args, KqlType::Long))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let mut out = vec![0i64; rows];
        for a in args {
            for (i, total) in out.iter_mut().enumerate() {
                *total += size_at(a, i)?;
            }
        }
        Ok(ArgValue::Array(Arc::new(Int64Array::from(out))))
    }
}

/// The size of row `i` of one argument.
fn size_at(a: &ArgValue, i: usize) -> Result<i64, FunctionError> {
    let text = match a {
        ArgValue::Scalar(Scalar::Long(_)) => return Ok(LONG_BYTES),
        ArgValue::Scalar(Scalar::String(s)) => Some(&**s),
        ArgValue::Scalar(_) => None,
        ArgValue::Array(arr) => {
            if let Some(l) = arr.as_any().downcast_ref::<Int64Array>() {
                if l.is_null(i) {
                    return Err(FunctionError::Unsupported(
                        "`estimate_data_size` of a null long (its page does not say)".into(),
                    ));
                }
                return Ok(LONG_BYTES);
            }
            let s = arr.as_any().downcast_ref::<StringArray>().ok_or_else(|| {
                FunctionError::Internal("an estimate_data_size column is not long or text".into())
            })?;
            Some(if s.is_null(i) { "" } else { s.value(i) })
        }
    };
    let Some(text) = text else {
        return Err(FunctionError::Unsupported(
            "`estimate_data_size` of a null long (its page does not say)".into(),
        ));
    };
    if !text.is_ascii() {
        return Err(FunctionError::Unsupported(
            "`estimate_data_size` of a string beyond ASCII (whether Kusto counts characters or bytes)"
                .into(),
        ));
    }
    i64::try_from(text.len())
        .map_err(|_| FunctionError::Internal("a string longer than a long".into()))
}
