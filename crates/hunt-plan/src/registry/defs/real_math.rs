//! The real-valued math functions: `sqrt`, `exp`, `exp2`, `exp10`, `log`, `log2`,
//! `log10`, `sin`, `cos`, `tan`, `cot`, `asin`, `acos`, `atan`, `degrees`, `radians`,
//! `pow`, `atan2`, and the tests `isnan`, `isinf`, `isfinite`. Their arguments are numbers
//! (int, long, real, or a null literal), converted to real as Kusto does; the result is
//! real (bool for the tests), null where an argument is null.
//!
//! Where the Learn page says the result is null outside the function's domain (`log`,
//! `log2`, `log10`, `sqrt`: "null if the argument is negative"; `asin`, `acos`: "null if
//! x < -1 or x > 1") the answer is null, not NaN; zero stays inside (`log(0)` is -inf:
//! the pages exclude only negatives). NaN passes through.

use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::planner::cast_to;
use crate::registry::traits::{ArgValue, FunctionError, ResultName, ScalarFunction};
use crate::types::KqlType;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array};
use hunt_syntax::Span;
use std::sync::Arc;

/// What the function computes from its real argument(s).
#[derive(Clone, Copy)]
pub enum Kernel {
    /// Defined everywhere.
    Total(fn(f64) -> f64),
    /// Null outside the domain the predicate accepts.
    Partial(fn(f64) -> f64, fn(f64) -> bool),
    /// Of two arguments.
    Binary(fn(f64, f64) -> f64),
    /// A test: bool.
    Test(fn(f64) -> bool),
}

/// One real-valued math function: name, kernel, and whether its result column is named
/// after its first argument (Kusto's `ResultNameKind.FirstArgument` in `Functions.cs`).
pub struct RealFn(pub &'static str, pub Kernel, pub bool);

fn non_negative(x: f64) -> bool {
    x >= 0.0
}
fn unit(x: f64) -> bool {
    (-1.0..=1.0).contains(&x)
}

/// The family, in the order of their Learn pages' table of contents.
pub const ALL: &[RealFn] = &[
    RealFn("sqrt", Kernel::Partial(f64::sqrt, non_negative), true),
    RealFn("exp", Kernel::Total(f64::exp), true),
    RealFn("exp2", Kernel::Total(f64::exp2), true),
    RealFn("exp10", Kernel::Total(|x| 10f64.powf(x)), true),
    RealFn("log", Kernel::Partial(f64::ln, non_negative), true),
    RealFn("log2", Kernel::Partial(f64::log2, non_negative), true),
    RealFn("log10", Kernel::Partial(f64::log10, non_negative), true),
    RealFn("sin", Kernel::Total(f64::sin), true),
    RealFn("cos", Kernel::Total(f64::cos), true),
    RealFn("tan", Kernel::Total(f64::tan), true),
    RealFn("cot", Kernel::Total(|x| 1.0 / x.tan()), false),
    RealFn("asin", Kernel::Partial(f64::asin, unit), true),
    RealFn("acos", Kernel::Partial(f64::acos, unit), true),
    RealFn("atan", Kernel::Total(f64::atan), true),
    RealFn("degrees", Kernel::Total(f64::to_degrees), false),
    RealFn("radians", Kernel::Total(f64::to_radians), false),
    RealFn("pow", Kernel::Binary(f64::powf), true),
    RealFn("atan2", Kernel::Binary(f64::atan2), true),
    RealFn("isnan", Kernel::Test(f64::is_nan), false),
    RealFn("isinf", Kernel::Test(f64::is_infinite), false),
    RealFn("isfinite", Kernel::Test(f64::is_finite), false),
];

/// An argument's real at row `i`.
enum Reals<'a> {
    Column(&'a Float64Array),
    Constant(Option<f64>),
}

impl Reals<'_> {
    fn of(a: &ArgValue) -> Result<Reals<'_>, FunctionError> {
        Ok(match a {
            ArgValue::Array(a) => Reals::Column(
                a.as_any()
                    .downcast_ref::<Float64Array>()
                    .ok_or_else(|| FunctionError::Internal("a math argument is not real".into()))?,
            ),
            ArgValue::Scalar(Scalar::Real(x)) => Reals::Constant(Some(*x)),
            ArgValue::Scalar(_) => Reals::Constant(None),
        })
    }
    fn get(&self, i: usize) -> Option<f64> {
        match self {
            Reals::Column(a) => a.is_valid(i).then(|| a.value(i)),
            Reals::Constant(x) => *x,
        }
    }
}

impl ScalarFunction for RealFn {
    fn name(&self) -> &'static str {
        self.0
    }
    fn result_name(&self) -> Option<ResultName> {
        self.2.then_some(ResultName::First)
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        let want = if matches!(self.1, Kernel::Binary(_)) {
            2
        } else {
            1
        };
        super::exact_arity(self.0, &args, want, span)?;
        let args = args
            .into_iter()
            .map(|e| {
                let null = matches!(e.kind, ExprKind::Literal(Scalar::Null(_)));
                if e.ty.is_numeric() || null {
                    Ok(cast_to(e, KqlType::Real))
                } else {
                    Err(PlanError::ty(
                        e.span,
                        format!("`{}` needs a number, got {}", self.0, e.ty),
                    ))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ty = match self.1 {
            Kernel::Test(_) => KqlType::Bool,
            _ => KqlType::Real,
        };
        Ok((args, ty))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let x =
            Reals::of(args.first().ok_or_else(|| {
                FunctionError::Internal("a math function without argument".into())
            })?)?;
        let out: ArrayRef = match (self.1, &x) {
            // The common case, vectorized: a total function of a column.
            (Kernel::Total(g), Reals::Column(a)) => Arc::new(a.unary::<_, Float64Type>(g)),
            (Kernel::Total(g), _) => {
                Arc::new(Float64Array::from_iter((0..rows).map(|i| x.get(i).map(g))))
            }
            (Kernel::Partial(g, inside), _) => Arc::new(Float64Array::from_iter(
                (0..rows).map(|i| x.get(i).filter(|v| v.is_nan() || inside(*v)).map(g)),
            )),
            (Kernel::Test(g), _) => {
                Arc::new(BooleanArray::from_iter((0..rows).map(|i| x.get(i).map(g))))
            }
            (Kernel::Binary(g), _) => {
                let y = Reals::of(args.get(1).ok_or_else(|| {
                    FunctionError::Internal(
                        "a binary math function without its second argument".into(),
                    )
                })?)?;
                Arc::new(Float64Array::from_iter(
                    (0..rows).map(|i| Some(g(x.get(i)?, y.get(i)?))),
                ))
            }
        };
        Ok(ArgValue::Array(out))
    }
}
