//! Typing of the math (those not defined in `crate::registry::defs::real_math`),
//! conditional, conversion and IPv4 functions.

use super::{Binder, LibFunc, cast, is_null_literal, to_str};
use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, mut args: Vec<Expr>) -> Result<Expr, PlanError> {
    use KqlType::*;
    use LibFunc::*;
    match b.f {
        Abs => {
            b.arity(&args, 1, 1)?;
            let t = args[0].ty;
            if !(t.is_numeric() || t == TimeSpan) {
                return Err(b.bad(&args[0], "a number"));
            }
            // abs() of an int is a long: the oracle gives abs(int(-2147483648)) as
            // 2147483648 (agent-type-casts-coercion-0038).
            let t = if t == Int { Long } else { t };
            Ok(b.call(vec![cast(args.remove(0), t)], t))
        }
        Round => {
            b.arity(&args, 1, 2)?;
            // round() keeps its argument's type (Kusto-Query-Language: ReturnTypeKind.Parameter0).
            let t = args[0].ty;
            if !t.is_numeric() && !is_null_literal(&args[0]) {
                return Err(b.bad(&args[0], "a number"));
            }
            let mut a = vec![args.remove(0)];
            if let Some(p) = args.pop() {
                a.push(b.long(p)?);
            }
            Ok(b.call(a, t))
        }
        Ceiling => {
            b.arity(&args, 1, 1)?;
            let t = args[0].ty;
            match t {
                // The ceiling of an integer is itself, of its own type (as `abs`).
                Int | Long => Ok(args.remove(0)),
                Real => Ok(b.call(args, Real)),
                _ => Err(b.bad(&args[0], "a number")),
            }
        }
        Sign => {
            b.arity(&args, 1, 1)?;
            let t = args[0].ty;
            if !t.is_numeric() {
                return Err(b.bad(&args[0], "a number"));
            }
            let x = b.real(args.remove(0))?;
            Ok(b.call(vec![x], Real))
        }
        Pi => {
            b.arity(&args, 0, 0)?;
            Ok(Expr::literal(Scalar::Real(std::f64::consts::PI), b.span))
        }
        MaxOf | MinOf => {
            b.arity(&args, 2, 64)?;
            let ty = common_type(b, &args, true)?;
            if matches!(ty, String | Dynamic | Guid | Bool) {
                // Kusto's null string is the empty string, which hunt cannot tell apart
                // from a real empty string here.
                return Err(b.unsupported(format!("over {ty} values")));
            }
            let a = args.into_iter().map(|a| cast(a, ty)).collect();
            Ok(b.call(a, ty))
        }
        Coalesce => {
            b.arity(&args, 2, 64)?;
            let ty = common_type(b, &args, false)?;
            let a = args.into_iter().map(|a| cast(a, ty)).collect();
            Ok(b.call(a, ty))
        }
        Case => {
            if args.len() < 3 || args.len().is_multiple_of(2) {
                return Err(PlanError::invalid(
                    b.span,
                    "`case` takes predicate/value pairs and an else value",
                ));
            }
            for p in args.iter().step_by(2).take(args.len() / 2) {
                if p.ty != Bool {
                    return Err(b.bad(p, "a bool predicate"));
                }
            }
            let values: Vec<Expr> = args
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == 1 || *i == args.len() - 1)
                .map(|(_, e)| e.clone())
                .collect();
            let ty = common_type(b, &values, false)?;
            // Values (odd positions) and the else value (last) get the common type.
            let last = args.len() - 1;
            let a = args
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    if i % 2 == 1 || i == last {
                        cast(e, ty)
                    } else {
                        e
                    }
                })
                .collect();
            Ok(b.call(a, ty))
        }
        ToBool => {
            b.arity(&args, 1, 1)?;
            let x = args.remove(0);
            match x.ty {
                Bool => Ok(x),
                Int | Long | Real | String | Dynamic => Ok(b.call(vec![x], Bool)),
                _ => Err(b.bad(&x, "a string, number or dynamic value")),
            }
        }
        ToGuid => {
            b.arity(&args, 1, 1)?;
            let x = args.remove(0);
            match x.ty {
                Guid => Ok(x),
                String | Dynamic => Ok(b.call(vec![x], Guid)),
                _ => Err(b.bad(&x, "a string")),
            }
        }
        GetType => {
            b.arity(&args, 1, 1)?;
            let x = args.remove(0);
            if x.ty == Dynamic {
                return Ok(b.call(vec![x], String));
            }
            // The static type is the runtime type for every non-dynamic value.
            Ok(Expr::literal(
                Scalar::String(x.ty.name().to_string().into()),
                b.span,
            ))
        }
        Ipv4IsPrivate | ParseIpv4 => {
            b.arity(&args, 1, 1)?;
            let out = if b.f == ParseIpv4 { Long } else { Bool };
            Ok(b.call(vec![b.string(args.remove(0))?], out))
        }
        Ipv4IsInRange | HasIpv4 => {
            b.arity(&args, 2, 2)?;
            let a = b.strings(args)?;
            Ok(b.call(a, Bool))
        }
        Ipv4IsMatch | Ipv4Compare => {
            b.arity(&args, 2, 3)?;
            let prefix = if args.len() == 3 {
                Some(b.long(args.pop().expect("three arguments"))?)
            } else {
                None
            };
            let mut a: Vec<Expr> = b.strings(args)?;
            a.extend(prefix);
            Ok(b.call(a, if b.f == Ipv4Compare { Long } else { Bool }))
        }
        Ipv4IsInAnyRange => {
            b.arity(&args, 2, 64)?;
            let mut a = vec![b.string(args.remove(0))?];
            if args.len() == 1 && args[0].ty == Dynamic {
                a.push(args.remove(0));
            } else {
                a.extend(b.strings(args)?);
            }
            Ok(b.call(a, Bool))
        }
        FormatIpv4 | FormatIpv4Mask => {
            b.arity(&args, 1, 2)?;
            let prefix = if args.len() == 2 {
                Some(b.long(args.pop().expect("two arguments"))?)
            } else {
                None
            };
            let ip = args.remove(0);
            let ip = match ip.ty {
                Int | Long => cast(ip, Long),
                _ => to_str(ip),
            };
            let mut a = vec![ip];
            a.extend(prefix);
            Ok(b.call(a, String))
        }
        _ => Err(PlanError::invalid(
            b.span,
            format!("bug: `{}` bound as a math function", b.name),
        )),
    }
}

/// The one type several values share: ints and longs meet at long (and reals too when
/// `promote_real`); otherwise every value must have the same type. Typed null literals fit
/// any type.
fn common_type(b: &Binder<'_>, args: &[Expr], promote_real: bool) -> Result<KqlType, PlanError> {
    use KqlType::*;
    let mut ty: Option<KqlType> = None;
    for a in args {
        if is_null_literal(a) {
            continue;
        }
        ty = Some(match (ty, a.ty) {
            (None, t) => t,
            (Some(x), y) if x == y => x,
            (Some(Int | Long), Int | Long) => Long,
            (Some(Int | Long | Real), Int | Long | Real) if promote_real => Real,
            (Some(x), y) => {
                return Err(PlanError::ty(
                    a.span,
                    format!("`{}` arguments have types {x} and {y}", b.name),
                ));
            }
        });
    }
    Ok(ty.unwrap_or_else(|| args.first().map(|a| a.ty).unwrap_or(Long)))
}
