//! The `series_*` functions: each row's arrays parsed, handed to the kernels in
//! `crate::kernels::series`, the results stored back as dynamic values or reals.
//! A null series gives null; a dynamic value that is not an array is refused.

use super::{Args, Json, dyn_array, pv, user_error};
use crate::error::Result;
use crate::kernels::series::{self as k, Binary, Num, Unary};
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::sync::Arc;

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    if let Some(op) = unary_op(a.f) {
        return per_row(a, |xs, _| Ok(Some(Value::Array(k::unary(op, xs)))));
    }
    if let Some(op) = binary_op(a.f) {
        return per_pair(a, |x, y| Some(Value::Array(k::binary(op, x, y))));
    }
    Ok(match a.f {
        SeriesSum | SeriesProduct | SeriesMagnitude => {
            let g = match a.f {
                SeriesSum => k::sum,
                SeriesProduct => k::product,
                _ => k::magnitude,
            };
            let mut j = a.json(0)?;
            let mut out = Vec::with_capacity(a.n);
            for i in 0..a.n {
                out.push(match array(a, j.get(i))? {
                    Some(xs) => Some(g(xs).map_err(refused)?),
                    None => None,
                });
            }
            Arc::new(Float64Array::from(out))
        }
        SeriesPearsonCorrelation => {
            let (mut x, mut y) = (a.json(0)?, a.json(1)?);
            let mut out = Vec::with_capacity(a.n);
            for i in 0..a.n {
                let ys = array(a, y.get(i))?.cloned();
                out.push(match (array(a, x.get(i))?, ys) {
                    (Some(xs), Some(ys)) => k::pearson(xs, &ys),
                    _ => None,
                });
            }
            Arc::new(Float64Array::from(out))
        }
        SeriesFillForward => per_row(a, |xs, _| Ok(Some(Value::Array(k::fill_forward(xs)))))?,
        SeriesFillBackward => per_row(a, |xs, _| Ok(Some(Value::Array(k::fill_backward(xs)))))?,
        SeriesFillConst => {
            let c = scalar_num(a, 1)?;
            per_row(a, |xs, i| {
                k::fill_const(xs, c[i]).map(|v| Some(Value::Array(v)))
            })?
        }
        SeriesFillLinear => {
            // Binding passes (series, fill_edges, constant).
            let edges = a.bool(1)?;
            let c = scalar_num(a, 2)?;
            per_row(a, |xs, i| {
                let e = if edges.is_null(i) {
                    true
                } else {
                    edges.value(i)
                };
                k::fill_linear(xs, e, c[i]).map(|v| Some(Value::Array(v)))
            })?
        }
        SeriesFir => {
            // Binding passes (series, filter, normalize, center); a null flag is absent.
            let mut filter = a.json(1)?;
            let (norm, center) = (a.bool(2)?, a.bool(3)?);
            let mut filters = Vec::with_capacity(a.n);
            for i in 0..a.n {
                filters.push(filter.get(i).cloned());
            }
            per_row(a, |xs, i| {
                let Some(Value::Array(f)) = &filters[i] else {
                    return not_array(&filters[i]);
                };
                let n = (!norm.is_null(i)).then(|| norm.value(i));
                let c = !center.is_null(i) && center.value(i);
                Ok(k::fir(xs, f, n, c)?.map(Value::Array))
            })?
        }
        SeriesIir => {
            let (mut b, mut d) = (a.json(1)?, a.json(2)?);
            let mut coefs = Vec::with_capacity(a.n);
            for i in 0..a.n {
                coefs.push((b.get(i).cloned(), d.get(i).cloned()));
            }
            per_row(a, |xs, i| match &coefs[i] {
                (Some(Value::Array(b)), Some(Value::Array(d))) => {
                    Ok(Some(Value::Array(k::iir(xs, b, d)?)))
                }
                (Some(Value::Array(_)), d) => not_array(d),
                (b, _) => not_array(b),
            })?
        }
        SeriesFitLineDynamic => per_row(a, |xs, _| Ok(Some(Value::Object(k::fit_line(xs)?))))?,
        SeriesStatsDynamic => {
            let ignore = if a.len() > 1 { Some(a.bool(1)?) } else { None };
            per_row(a, |xs, i| {
                let ig = ignore.is_some_and(|b| !b.is_null(i) && b.value(i));
                Ok(k::stats(xs, ig).map(Value::Object))
            })?
        }
        _ => return Err(a.internal()),
    })
}

/// Applies `g` to each row's first argument when it is an array; `Err` refuses the
/// query with the kernel's reason.
fn per_row(
    a: &Args<'_>,
    g: impl Fn(&[Value], usize) -> std::result::Result<Option<Value>, String>,
) -> Result<ArrayRef> {
    let mut j = a.json(0)?;
    let mut out = Vec::with_capacity(a.n);
    for i in 0..a.n {
        out.push(match array(a, j.get(i))? {
            Some(xs) => g(xs, i).map_err(refused)?,
            None => None,
        });
    }
    Ok(dyn_array(out))
}

/// Applies `g` to each row's two array arguments.
fn per_pair(a: &Args<'_>, g: impl Fn(&[Value], &[Value]) -> Option<Value>) -> Result<ArrayRef> {
    let (mut x, mut y): (Json<'_>, Json<'_>) = (a.json(0)?, a.json(1)?);
    let mut out = Vec::with_capacity(a.n);
    for i in 0..a.n {
        let ys = array(a, y.get(i))?.cloned();
        out.push(match (array(a, x.get(i))?, ys) {
            (Some(xs), Some(ys)) => g(xs, &ys),
            _ => None,
        });
    }
    Ok(dyn_array(out))
}

/// A row's series: `None` for null; a dynamic value that is not an array is refused, the
/// docs saying nothing of scalars (they may broadcast in Kusto).
fn array<'v>(a: &Args<'_>, v: Option<&'v Value>) -> Result<Option<&'v Vec<Value>>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(xs)) => Ok(Some(xs)),
        Some(_) => Err(refused(format!(
            "`{}` of a dynamic value that is not an array",
            a.f.name()
        ))),
    }
}

/// The result for a coefficient argument that is not an array: null for null, else refused.
fn not_array(v: &Option<Value>) -> std::result::Result<Option<Value>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(_) => Err("a filter's coefficients that are not an array".into()),
    }
}

/// A kernel's refusal as a run-time error naming the case.
fn refused(why: String) -> crate::error::ExecError {
    user_error(format!("unsupported: {why}"))
}

/// Numeric argument `c` (bound as a long or a real) per row.
fn scalar_num(a: &Args<'_>, c: usize) -> Result<Vec<Option<Num>>> {
    Ok(match a.tys.get(c) {
        Some(KqlType::Long) => {
            let x = a.long(c)?;
            (0..a.n).map(|i| pv(x, i).map(Num::Long)).collect()
        }
        _ => {
            let x = a.real(c)?;
            (0..a.n).map(|i| pv(x, i).map(Num::Real)).collect()
        }
    })
}

fn unary_op(f: LibFunc) -> Option<Unary> {
    use LibFunc::*;
    Some(match f {
        SeriesAbs => Unary::Abs,
        SeriesSign => Unary::Sign,
        SeriesCeiling => Unary::Ceiling,
        SeriesFloor => Unary::Floor,
        SeriesAcos => Unary::Acos,
        SeriesAsin => Unary::Asin,
        SeriesAtan => Unary::Atan,
        SeriesCos => Unary::Cos,
        SeriesSin => Unary::Sin,
        SeriesTan => Unary::Tan,
        SeriesExp => Unary::Exp,
        SeriesLog => Unary::Log,
        _ => return None,
    })
}

fn binary_op(f: LibFunc) -> Option<Binary> {
    use LibFunc::*;
    Some(match f {
        SeriesAdd => Binary::Add,
        SeriesSubtract => Binary::Subtract,
        SeriesMultiply => Binary::Multiply,
        SeriesDivide => Binary::Divide,
        SeriesPow => Binary::Pow,
        SeriesEquals => Binary::Equals,
        SeriesNotEquals => Binary::NotEquals,
        SeriesGreater => Binary::Greater,
        SeriesGreaterEquals => Binary::GreaterEquals,
        SeriesLess => Binary::Less,
        SeriesLessEquals => Binary::LessEquals,
        _ => return None,
    })
}
