//! `rand()` and `rand(N)` (docs: rand-function): `rand()` is a real drawn uniformly from
//! [0.0, 1.0), `rand(N)` a real drawn uniformly from {0.0, 1.0, …, N − 1}; each row draws
//! its own (the function is volatile: never folded into one value). `N` is an integer
//! (Kusto's binder); a null or non-positive `N` gives null (the page defines no set for
//! it). The result column is named after the argument (`ResultNameKind.FirstArgument`).

use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::planner::cast_to;
use crate::registry::traits::{ArgValue, FunctionError, ResultName, ScalarFunction};
use crate::types::KqlType;
use arrow_array::{Array, Float64Array, Int64Array};
use hunt_syntax::Span;
use std::sync::Arc;

/// The `rand` function.
pub struct Rand;

impl ScalarFunction for Rand {
    fn name(&self) -> &'static str {
        "rand"
    }
    fn result_name(&self) -> Option<ResultName> {
        Some(ResultName::First)
    }
    fn volatile(&self) -> bool {
        true
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        match args.len() {
            0 => Ok((args, KqlType::Real)),
            1 if matches!(args[0].ty, KqlType::Int | KqlType::Long) => Ok((
                args.into_iter()
                    .map(|a| cast_to(a, KqlType::Long))
                    .collect(),
                KqlType::Real,
            )),
            1 => Err(PlanError::ty(
                args[0].span,
                format!("`rand` takes an integer, got {}", args[0].ty),
            )),
            n => Err(PlanError::invalid(
                span,
                format!("`rand` takes 0 or 1 argument, got {n}"),
            )),
        }
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let out: Float64Array = match args {
            [] => (0..rows).map(|_| Some(fastrand::f64())).collect(),
            [n] => (0..rows)
                .map(|i| {
                    let n = match n {
                        ArgValue::Scalar(Scalar::Long(n)) => Some(*n),
                        ArgValue::Scalar(_) => None,
                        ArgValue::Array(a) => a
                            .as_any()
                            .downcast_ref::<Int64Array>()
                            .and_then(|a| a.is_valid(i).then(|| a.value(i))),
                    };
                    n.filter(|n| *n > 0)
                        .map(|n| fastrand::u64(..n as u64) as f64)
                })
                .collect(),
            _ => return Err(FunctionError::Internal("rand takes 0 or 1 argument".into())),
        };
        Ok(ArgValue::Array(Arc::new(out)))
    }
}
