//! The bitwise functions: `binary_and`, `binary_or`, `binary_xor`, `binary_shift_left`,
//! `binary_shift_right` (two longs), `binary_not` and `bitset_count_ones` (one long).
//! Arguments are integers (int, long, bool, or a null literal) converted to long; a null
//! argument gives null. A shift outside 0..63 is refused: its Kusto answer is not
//! documented. Their result column is named after the first argument (Kusto's
//! `ResultNameKind.FirstArgument`).

use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::planner::cast_to;
use crate::registry::traits::{ArgValue, FunctionError, ResultName, ScalarFunction};
use crate::types::KqlType;
use arrow_array::{Array, Int64Array};
use hunt_syntax::Span;
use std::sync::Arc;

/// What the function computes.
#[derive(Clone, Copy)]
pub enum Op {
    /// Of one long.
    Unary(fn(i64) -> i64),
    /// Of two longs; `None` for an operand it refuses.
    Binary(fn(i64, i64) -> Option<i64>),
}

/// One bitwise function.
pub struct BitFn(pub &'static str, pub Op);

fn shift(x: i64, k: i64, left: bool) -> Option<i64> {
    let k = u32::try_from(k).ok().filter(|k| *k < 64)?;
    Some(if left { x << k } else { x >> k })
}

/// The family.
pub const ALL: &[BitFn] = &[
    BitFn("binary_and", Op::Binary(|x, y| Some(x & y))),
    BitFn("binary_or", Op::Binary(|x, y| Some(x | y))),
    BitFn("binary_xor", Op::Binary(|x, y| Some(x ^ y))),
    BitFn("binary_shift_left", Op::Binary(|x, k| shift(x, k, true))),
    BitFn("binary_shift_right", Op::Binary(|x, k| shift(x, k, false))),
    BitFn("binary_not", Op::Unary(|x| !x)),
    BitFn(
        "bitset_count_ones",
        Op::Unary(|x| i64::from(x.count_ones())),
    ),
];

/// An argument's long at row `i`.
enum Longs<'a> {
    Column(&'a Int64Array),
    Constant(Option<i64>),
}

impl Longs<'_> {
    fn of(a: Option<&ArgValue>) -> Result<Longs<'_>, FunctionError> {
        Ok(match a {
            Some(ArgValue::Array(a)) => {
                Longs::Column(a.as_any().downcast_ref::<Int64Array>().ok_or_else(|| {
                    FunctionError::Internal("a bitwise argument is not a long".into())
                })?)
            }
            Some(ArgValue::Scalar(Scalar::Long(x))) => Longs::Constant(Some(*x)),
            Some(ArgValue::Scalar(_)) => Longs::Constant(None),
            None => {
                return Err(FunctionError::Internal(
                    "a bitwise argument is missing".into(),
                ));
            }
        })
    }
    fn get(&self, i: usize) -> Option<i64> {
        match self {
            Longs::Column(a) => a.is_valid(i).then(|| a.value(i)),
            Longs::Constant(x) => *x,
        }
    }
}

impl ScalarFunction for BitFn {
    fn name(&self) -> &'static str {
        self.0
    }
    fn result_name(&self) -> Option<ResultName> {
        Some(ResultName::First)
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        let want = if matches!(self.1, Op::Binary(_)) {
            2
        } else {
            1
        };
        super::exact_arity(self.0, &args, want, span)?;
        let args = args
            .into_iter()
            // An integer parameter (Functions.cs: `ParameterTypeKind.Integer`): Kusto's binder
            // refuses a bool.
            .map(|e| {
                let null = matches!(e.kind, ExprKind::Literal(Scalar::Null(_)));
                if matches!(e.ty, KqlType::Int | KqlType::Long) || null {
                    Ok(cast_to(e, KqlType::Long))
                } else {
                    Err(PlanError::ty(
                        e.span,
                        format!("`{}` needs an integer, got {}", self.0, e.ty),
                    ))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((args, KqlType::Long))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let x = Longs::of(args.first())?;
        let out: Int64Array = match self.1 {
            Op::Unary(g) => (0..rows).map(|i| x.get(i).map(g)).collect(),
            Op::Binary(g) => {
                let y = Longs::of(args.get(1))?;
                let mut out = Vec::with_capacity(rows);
                for i in 0..rows {
                    out.push(match (x.get(i), y.get(i)) {
                        (Some(a), Some(b)) => Some(g(a, b).ok_or_else(|| {
                            FunctionError::Invalid(format!(
                                "{} by {b}: Kusto's answer for a shift outside 0..63 is not documented",
                                self.0
                            ))
                        })?),
                        _ => None,
                    });
                }
                out.into_iter().collect()
            }
        };
        Ok(ArgValue::Array(Arc::new(out)))
    }
}
