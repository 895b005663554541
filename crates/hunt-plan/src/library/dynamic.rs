//! Typing of the dynamic (JSON array and property bag) functions.

use super::{Binder, LibFunc, to_dynamic, to_str};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, mut args: Vec<Expr>) -> Result<Expr, PlanError> {
    use KqlType::*;
    use LibFunc::*;
    let dynamics = |args: Vec<Expr>| -> Result<Vec<Expr>, PlanError> {
        args.into_iter().map(|a| b.dynamic(a)).collect()
    };
    match b.f {
        ParseJson => {
            b.arity(&args, 1, 1)?;
            let x = args.remove(0);
            // Kusto types the argument as a string; a dynamic value is used as it is.
            match x.ty {
                Dynamic => Ok(x),
                String => Ok(b.call(vec![x], Dynamic)),
                _ => Err(b.bad(&x, "a string")),
            }
        }
        ArrayLength | BagKeys | ArrayReverse | ArraySum | DynamicToJson => {
            b.arity(&args, 1, 1)?;
            let out = match b.f {
                ArrayLength => Long,
                ArraySum => Real,
                DynamicToJson => String,
                _ => Dynamic,
            };
            Ok(b.call(dynamics(args)?, out))
        }
        BagHasKey => {
            b.arity(&args, 2, 2)?;
            let key = b.string(args.pop().expect("two arguments"))?;
            let d = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![d, key], Bool))
        }
        BagMerge | SetUnion | SetIntersect | SetDifference | Zip => {
            b.arity(&args, 2, 64)?;
            Ok(b.call(dynamics(args)?, Dynamic))
        }
        ArrayConcat => {
            b.arity(&args, 1, 64)?;
            Ok(b.call(dynamics(args)?, Dynamic))
        }
        BagRemoveKeys => {
            b.arity(&args, 2, 2)?;
            Ok(b.call(dynamics(args)?, Dynamic))
        }
        Pack | PackNonEmpty => {
            if !args.len().is_multiple_of(2) {
                return Err(PlanError::invalid(
                    b.span,
                    format!("`{}` takes key/value pairs", b.name),
                ));
            }
            let a = args
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    if i % 2 == 0 {
                        if e.ty != String {
                            return Err(b.bad(&e, "string keys"));
                        }
                        Ok(e)
                    } else {
                        Ok(to_dynamic(e))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(b.call(a, Dynamic))
        }
        PackArray => {
            // Any number of values (Kusto's `pack_array(value1, [value2, ...])`).
            b.arity(&args, 1, usize::MAX)?;
            let a = args.into_iter().map(to_dynamic).collect();
            Ok(b.call(a, Dynamic))
        }
        SetHasElement => {
            b.arity(&args, 2, 2)?;
            let v = to_dynamic(args.pop().expect("two arguments"));
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a, v], Bool))
        }
        ArrayIndexOf => {
            b.arity(&args, 2, 5)?;
            let rest = args.split_off(2);
            let v = to_dynamic(args.pop().expect("two arguments"));
            let mut a = vec![b.dynamic(args.remove(0))?, v];
            for e in rest {
                a.push(b.long(e)?);
            }
            Ok(b.call(a, Long))
        }
        ArraySlice => {
            b.arity(&args, 3, 3)?;
            let end = b.long(args.pop().expect("three arguments"))?;
            let start = b.long(args.pop().expect("three arguments"))?;
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a, start, end], Dynamic))
        }
        ArraySortAsc | ArraySortDesc => {
            b.arity(&args, 1, 2)?;
            if args.len() == 2 {
                match &args[1].kind {
                    ExprKind::Literal(Scalar::Bool(_)) => {}
                    _ if args[1].ty == Dynamic => {
                        return Err(b.unsupported(
                            "over several arrays outside a `project`/`extend` item or `[i]`",
                        ));
                    }
                    _ => return Err(b.bad(&args[1], "a constant bool `nulls_last`")),
                }
            }
            let nulls = args.split_off(1);
            let mut a = vec![b.dynamic(args.remove(0))?];
            a.extend(nulls);
            Ok(b.call(a, Dynamic))
        }
        ArrayRotateLeft | ArrayRotateRight => {
            b.arity(&args, 2, 2)?;
            let n = b.long(args.pop().expect("two arguments"))?;
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a, n], Dynamic))
        }
        ArrayShiftLeft | ArrayShiftRight => {
            b.arity(&args, 2, 3)?;
            let fill = if args.len() == 3 {
                Some(to_dynamic(args.pop().expect("three arguments")))
            } else {
                None
            };
            let n = b.long(args.pop().expect("two arguments"))?;
            let mut a = vec![b.dynamic(args.remove(0))?, n];
            a.extend(fill);
            Ok(b.call(a, Dynamic))
        }
        StrcatArray => {
            b.arity(&args, 2, 2)?;
            let delim = to_str(args.pop().expect("two arguments"));
            let a = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![a, delim], String))
        }
        ExtractJson => {
            b.arity(&args, 2, 2)?;
            let a = b.strings(args)?;
            Ok(b.call(a, String))
        }
        ArrayIff => {
            b.arity(&args, 3, 3)?;
            let f = to_dynamic(args.pop().expect("three arguments"));
            let t = to_dynamic(args.pop().expect("three arguments"));
            let c = b.dynamic(args.remove(0))?;
            Ok(b.call(vec![c, t, f], Dynamic))
        }
        Range => {
            b.arity(&args, 2, 3)?;
            let (s, e) = (args[0].ty, args[1].ty);
            match (s, e) {
                (a, c) if a.is_numeric() && c.is_numeric() => {
                    let real = args.iter().any(|x| x.ty == Real);
                    let a = args
                        .into_iter()
                        .map(|x| if real { b.real(x) } else { b.long(x) })
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(b.call(a, Dynamic))
                }
                (DateTime, DateTime) | (TimeSpan, TimeSpan) => {
                    // The docs give 1h as the default step of datetime and timespan ranges.
                    let step = match args.get(2) {
                        Some(_) => b.exact(args.pop().expect("three arguments"), TimeSpan)?,
                        None => Expr::literal(Scalar::TimeSpan(3_600_000_000_000), b.span),
                    };
                    args.truncate(2);
                    args.push(step);
                    Ok(b.call(args, Dynamic))
                }
                _ => Err(PlanError::ty(
                    b.span,
                    format!("`range` cannot step from {s} to {e}"),
                )),
            }
        }
        _ => Err(PlanError::invalid(
            b.span,
            format!("bug: `{}` bound as a dynamic function", b.name),
        )),
    }
}

/// `array_sort_asc/desc(a1, …, ak [, nulls_last])` with k ≥ 2 arrays (docs:
/// array-sort-asc-function): Kusto's result is a tuple of k arrays, the first sorted and
/// the others reordered to match (null for one whose length differs from the first's).
/// hunt binds it as one dynamic array of the k results, which the planner takes apart
/// into columns (`project`/`extend`) or indexes (`[i]`); `None` when `name` is not an
/// array sort or has fewer than two arrays. Returns the call and k.
pub fn bind_sort_tuple(
    name: &str,
    args: Vec<Expr>,
    span: hunt_syntax::Span,
) -> Option<Result<(Expr, usize), PlanError>> {
    let f = match name {
        "array_sort_asc" => LibFunc::ArraySortAsc,
        "array_sort_desc" => LibFunc::ArraySortDesc,
        _ => return None,
    };
    // Kusto's layout: every argument is an array except a last bool (nulls_last).
    let arrays = match args.last() {
        Some(l) if l.ty == KqlType::Bool => args.len() - 1,
        _ => args.len(),
    };
    if arrays < 2 {
        return None;
    }
    let b = Binder { f, name, span };
    Some((|| {
        let mut bound = Vec::with_capacity(args.len());
        for (i, a) in args.into_iter().enumerate() {
            if i < arrays {
                bound.push(b.dynamic(a)?);
            } else if matches!(a.kind, ExprKind::Literal(Scalar::Bool(_))) {
                bound.push(a);
            } else {
                return Err(b.bad(&a, "a constant bool `nulls_last`"));
            }
        }
        Ok((b.call(bound, KqlType::Dynamic), arrays))
    })())
}
