//! Typing of the `series_*` functions over numeric arrays, and the columns of the two
//! that return several (`series_stats`, `series_fit_line`), which the planner expands
//! into one column per statistic of their `_dynamic` twins.

use super::{Binder, LibFunc, is_null_literal};
use crate::error::PlanError;
use crate::expr::{Expr, Func, Scalar};
use crate::planner::cast_to as cast;
use crate::types::KqlType;
use hunt_syntax::Span;

/// Whether `f` is bound here.
pub(super) fn is_series(f: LibFunc) -> bool {
    use LibFunc::*;
    matches!(
        f,
        SeriesAbs
            | SeriesAcos
            | SeriesAsin
            | SeriesAtan
            | SeriesCeiling
            | SeriesFloor
            | SeriesCos
            | SeriesSin
            | SeriesTan
            | SeriesExp
            | SeriesLog
            | SeriesSign
            | SeriesPow
            | SeriesAdd
            | SeriesSubtract
            | SeriesMultiply
            | SeriesDivide
            | SeriesEquals
            | SeriesNotEquals
            | SeriesGreater
            | SeriesGreaterEquals
            | SeriesLess
            | SeriesLessEquals
            | SeriesSum
            | SeriesProduct
            | SeriesMagnitude
            | SeriesPearsonCorrelation
            | SeriesFillForward
            | SeriesFillBackward
            | SeriesFillConst
            | SeriesFillLinear
            | SeriesFir
            | SeriesIir
            | SeriesFitLineDynamic
            | SeriesStatsDynamic
            | SeriesStats
            | SeriesFitLine
    )
}

pub(super) fn bind(b: &Binder<'_>, mut args: Vec<Expr>) -> Result<Expr, PlanError> {
    use KqlType::*;
    use LibFunc::*;
    match b.f {
        SeriesAbs | SeriesAcos | SeriesAsin | SeriesAtan | SeriesCeiling | SeriesFloor
        | SeriesCos | SeriesSin | SeriesTan | SeriesExp | SeriesLog | SeriesSign => {
            b.arity(&args, 1, 1)?;
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a], Dynamic))
        }
        SeriesSum | SeriesProduct | SeriesMagnitude => {
            b.arity(&args, 1, 1)?;
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a], Real))
        }
        SeriesPow
        | SeriesAdd
        | SeriesSubtract
        | SeriesMultiply
        | SeriesDivide
        | SeriesEquals
        | SeriesNotEquals
        | SeriesGreater
        | SeriesGreaterEquals
        | SeriesLess
        | SeriesLessEquals
        | SeriesPearsonCorrelation => {
            b.arity(&args, 2, 2)?;
            let a = arrays(b, args)?;
            let out = if b.f == SeriesPearsonCorrelation {
                Real
            } else {
                Dynamic
            };
            Ok(b.call(a, out))
        }
        SeriesIir => {
            b.arity(&args, 3, 3)?;
            Ok(b.call(arrays(b, args)?, Dynamic))
        }
        SeriesFillForward | SeriesFillBackward => {
            b.arity(&args, 1, 2)?;
            if let Some(p) = args.get(1) {
                null_placeholder(b, p)?;
            }
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a], Dynamic))
        }
        SeriesFillConst => {
            b.arity(&args, 2, 3)?;
            if let Some(p) = args.get(2) {
                null_placeholder(b, p)?;
            }
            args.truncate(2);
            let c = number(b, args.pop())?;
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a, c], Dynamic))
        }
        SeriesFillLinear => {
            b.arity(&args, 1, 4)?;
            if let Some(p) = args.get(1) {
                null_placeholder(b, p)?;
            }
            let mut rest = args.split_off(1).into_iter().skip(1);
            let edges = match rest.next() {
                Some(e) => b.exact(e, Bool)?,
                None => Expr::literal(Scalar::Bool(true), b.span),
            };
            // The constant defaults to 0, a real (the doc example fills with 0.0).
            let c = match rest.next() {
                Some(c) => number(b, Some(c))?,
                None => Expr::literal(Scalar::Real(0.0), b.span),
            };
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a, edges, c], Dynamic))
        }
        SeriesFir => {
            b.arity(&args, 2, 4)?;
            let flags = args.split_off(2);
            let mut a = arrays(b, args)?;
            let mut flags = flags.into_iter();
            for _ in 0..2 {
                a.push(match flags.next() {
                    Some(f) => b.exact(f, Bool)?,
                    None => Expr::literal(Scalar::Null(Bool), b.span),
                });
            }
            Ok(b.call(a, Dynamic))
        }
        SeriesStatsDynamic => {
            b.arity(&args, 1, 2)?;
            let ignore = args.split_off(1);
            let mut a = vec![b.dynamic(args.remove(0))?];
            for e in ignore {
                a.push(b.exact(e, Bool)?);
            }
            Ok(b.call(a, Dynamic))
        }
        SeriesStats | SeriesFitLine => Err(b.unsupported(format!(
            "inside an expression: it returns several columns; write it alone in \
             `extend`/`project`, or use `{}_dynamic`",
            b.name
        ))),
        _ => Err(PlanError::invalid(
            b.span,
            format!("bug: `{}` bound as a series function", b.name),
        )),
    }
}

/// Series arguments: dynamic arrays. Kusto's docs take only arrays ("All arguments must
/// be dynamic arrays", series_add), so a scalar is refused rather than broadcast.
fn arrays(b: &Binder<'_>, args: Vec<Expr>) -> Result<Vec<Expr>, PlanError> {
    args.into_iter()
        .map(|e| {
            if e.ty != KqlType::Dynamic && !is_null_literal(&e) {
                return Err(PlanError::unsupported(
                    e.span,
                    format!(
                        "a {} argument to `{}` (Kusto documents dynamic arrays only)",
                        e.ty, b.name
                    ),
                ));
            }
            b.dynamic(e)
        })
        .collect()
}

/// hunt implements the default `missing_value_placeholder`, null; another placeholder
/// is refused.
fn null_placeholder(b: &Binder<'_>, e: &Expr) -> Result<(), PlanError> {
    if is_null_literal(e) {
        Ok(())
    } else {
        Err(b.unsupported("with a non-null missing_value_placeholder"))
    }
}

/// A numeric constant argument: ints and longs as a long, reals as a real.
fn number(b: &Binder<'_>, e: Option<Expr>) -> Result<Expr, PlanError> {
    let Some(e) = e else {
        return Err(PlanError::invalid(b.span, "missing argument"));
    };
    match e.ty {
        KqlType::Int | KqlType::Long => Ok(cast(e, KqlType::Long)),
        KqlType::Real => Ok(e),
        _ if is_null_literal(&e) => Ok(cast(e, KqlType::Real)),
        _ => Err(b.bad(&e, "a number")),
    }
}

/// A function returning several columns: its name, its `_dynamic` twin and the columns
/// (bag key and type), in Kusto's order (the doc pages' output tables).
pub struct MultiColumn {
    /// The KQL name.
    pub name: &'static str,
    /// The function returning the same values as one bag.
    pub dynamic: LibFunc,
    /// Bag keys and column types.
    pub columns: &'static [(&'static str, KqlType)],
}

/// `series_stats` (`series_fit_line` is refused: see its binder).
pub const MULTI_COLUMN: &[MultiColumn] = &[MultiColumn {
    name: "series_stats",
    dynamic: LibFunc::SeriesStatsDynamic,
    columns: &[
        ("min", KqlType::Real),
        ("min_idx", KqlType::Long),
        ("max", KqlType::Real),
        ("max_idx", KqlType::Long),
        ("avg", KqlType::Real),
        ("stdev", KqlType::Real),
        ("variance", KqlType::Real),
    ],
}];

/// The multi-column function called `name`, if it is one.
pub fn multi_column(name: &str) -> Option<&'static MultiColumn> {
    MULTI_COLUMN.iter().find(|m| m.name == name)
}

/// Column `key` of the bag `bag` (a bound call of the `_dynamic` twin), as `ty`.
pub fn column_of(bag: &Expr, key: &str, ty: KqlType, span: Span) -> Expr {
    let member = Expr::call(
        Func::Lib(LibFunc::Member),
        vec![
            bag.clone(),
            Expr::literal(Scalar::String(key.to_string().into()), span),
        ],
        KqlType::Dynamic,
        span,
    );
    cast(member, ty)
}
