//! The KQL function table: scalar functions and aggregates, their signatures and
//! result types.

use super::Scope;
use super::exprs::{bind_binary, bind_expr, cast, to_string_expr, unify};
use crate::error::{PlanError, PlanErrorKind, closest};
use crate::expr::{AggExpr, AggFunc, Expr, ExprKind, Func, Scalar};
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast::{self, BinOp};

/// Scalar function names hunt knows, for suggestions.
const SCALAR_FUNCS: &[&str] = &[
    "isempty",
    "isnotempty",
    "isnull",
    "isnotnull",
    "tostring",
    "tolower",
    "toupper",
    "strlen",
    "strcat",
    "iff",
    "iif",
    "ago",
    "now",
    "bin",
    "floor",
    "not",
    "toint",
    "tolong",
    "todouble",
    "toreal",
];

/// Aggregate function names hunt knows.
pub(crate) const AGG_FUNCS: &[&str] = &["count", "countif", "dcount", "sum", "min", "max", "avg"];

/// Known-but-unsupported names get a clear refusal instead of "unknown function".
const LATER_FUNCS: &[&str] = &[
    "parse_json",
    "todynamic",
    "extract",
    "split",
    "substring",
    "replace_string",
    "format_datetime",
    "datetime_diff",
    "make_set",
    "make_list",
    "arg_max",
    "arg_min",
    "percentile",
    "case",
    "coalesce",
    "trim",
    "indexof",
    "countof",
    "array_length",
    "bag_keys",
    "pack",
    "bag_pack",
    "pack_array",
    "tobool",
    "toguid",
    "todatetime",
    "totimespan",
    "dcountif",
    "sumif",
    "avgif",
    "stdev",
    "variance",
    "take_any",
    "round",
    "abs",
    "log",
    "pow",
    "sqrt",
    "startofday",
    "dayofweek",
    "hourofday",
    "extract_all",
    "replace_regex",
    "parse_url",
    "base64_encode_tostring",
    "base64_decode_tostring",
    "hash_sha256",
    "ipv4_is_private",
    "row_number",
    "prev",
    "next",
];

fn arity(
    name: &ast::Ident,
    args: &[ast::Expr],
    min: usize,
    max: usize,
    span: Span,
) -> Result<(), PlanError> {
    if args.len() < min || args.len() > max {
        let want = if min == max {
            format!("{min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(PlanError::invalid(
            span,
            format!(
                "`{}` takes {want} argument(s), got {}",
                name.name,
                args.len()
            ),
        ));
    }
    Ok(())
}

fn unknown_function(name: &ast::Ident) -> PlanError {
    if LATER_FUNCS.contains(&name.name.as_str()) {
        return PlanError::unsupported(name.span, format!("the function `{}`", name.name));
    }
    let mut e = PlanError::new(
        PlanErrorKind::UnknownFunction,
        name.span,
        format!("unknown function `{}`", name.name),
    )
    .with_label("unknown function");
    let all = SCALAR_FUNCS.iter().chain(AGG_FUNCS).copied();
    if let Some(c) = closest(&name.name, all) {
        e = e.with_help(format!("did you mean `{c}`?"));
    }
    e
}

/// Binds a scalar function call.
pub(crate) fn bind_call(
    name: &ast::Ident,
    args: &[ast::Expr],
    span: Span,
    sc: &Scope<'_>,
) -> Result<Expr, PlanError> {
    let n = name.name.as_str();
    if AGG_FUNCS.contains(&n) {
        return Err(PlanError::invalid(
            name.span,
            format!("aggregate `{n}()` can only be used in `summarize`"),
        ));
    }
    let bound = || {
        args.iter()
            .map(|a| bind_expr(a, sc))
            .collect::<Result<Vec<_>, _>>()
    };
    use KqlType::*;
    match n {
        "isempty" | "isnotempty" | "isnull" | "isnotnull" => {
            arity(name, args, 1, 1, span)?;
            let f = match n {
                "isempty" => Func::IsEmpty,
                "isnotempty" => Func::IsNotEmpty,
                "isnull" => Func::IsNull,
                _ => Func::IsNotNull,
            };
            Ok(Expr::call(f, bound()?, Bool, span))
        }
        "not" => {
            arity(name, args, 1, 1, span)?;
            let a = bound()?;
            if a[0].ty != Bool {
                return Err(PlanError::ty(
                    args[0].span,
                    format!("`not` needs a bool, got {}", a[0].ty),
                ));
            }
            // `not(a < b)` is `a >= b`: Kusto negates comparisons this way, so a null operand
            // stays false under `not` (its oracle drops `not(x > 0)` rows where x is null).
            if let Some(ExprKind::Call(f, inner)) = a.first().map(|x| &x.kind) {
                let flipped = match f {
                    Func::Eq => Some(Func::Ne),
                    Func::Ne => Some(Func::Eq),
                    Func::Lt => Some(Func::Ge),
                    Func::Le => Some(Func::Gt),
                    Func::Gt => Some(Func::Le),
                    Func::Ge => Some(Func::Lt),
                    _ => None,
                };
                if let Some(g) = flipped {
                    return Ok(Expr::call(g, inner.clone(), Bool, span));
                }
            }
            Ok(Expr::call(Func::Not, a, Bool, span))
        }
        "tostring" => {
            arity(name, args, 1, 1, span)?;
            let a = bound()?.remove(0);
            if a.ty == String {
                return Ok(a);
            }
            Ok(Expr::call(Func::ToString, vec![a], String, span))
        }
        "tolower" | "toupper" => {
            arity(name, args, 1, 1, span)?;
            let a = to_string_expr(bound()?.remove(0));
            let f = if n == "tolower" {
                Func::ToLower
            } else {
                Func::ToUpper
            };
            Ok(Expr::call(f, vec![a], String, span))
        }
        "strlen" => {
            arity(name, args, 1, 1, span)?;
            let a = to_string_expr(bound()?.remove(0));
            Ok(Expr::call(Func::StrLen, vec![a], Long, span))
        }
        "strcat" => {
            arity(name, args, 1, 64, span)?;
            let a = bound()?.into_iter().map(to_string_expr).collect();
            Ok(Expr::call(Func::StrCat, a, String, span))
        }
        "iff" | "iif" => {
            arity(name, args, 3, 3, span)?;
            let mut a = bound()?;
            if a[0].ty != Bool {
                return Err(PlanError::ty(
                    args[0].span,
                    format!("`{n}` needs a bool condition, got {}", a[0].ty),
                ));
            }
            let else_ = a
                .pop()
                .ok_or_else(|| PlanError::invalid(span, "missing argument"))?;
            let then = a
                .pop()
                .ok_or_else(|| PlanError::invalid(span, "missing argument"))?;
            let cond = a
                .pop()
                .ok_or_else(|| PlanError::invalid(span, "missing argument"))?;
            let null = |e: &Expr| matches!(e.kind, ExprKind::Literal(Scalar::Null(_)));
            let ty = if null(&then) {
                else_.ty
            } else if null(&else_) {
                then.ty
            } else {
                unify(then.ty, else_.ty)
                    .filter(|t| *t != Guid || then.ty == else_.ty)
                    .ok_or_else(|| {
                        PlanError::ty(
                            span,
                            format!("`{n}` branches have types {} and {}", then.ty, else_.ty),
                        )
                    })?
            };
            Ok(Expr::call(
                Func::Iff,
                vec![cond, cast(then, ty), cast(else_, ty)],
                ty,
                span,
            ))
        }
        "now" => {
            arity(name, args, 0, 1, span)?;
            let now = Expr::literal(Scalar::DateTime(sc.now_ns), span);
            match bound()?.pop() {
                None => Ok(now),
                Some(off) => bind_binary(BinOp::Add, now, off, span),
            }
        }
        "ago" => {
            arity(name, args, 1, 1, span)?;
            let a = bound()?.remove(0);
            if a.ty != TimeSpan {
                return Err(PlanError::ty(
                    args[0].span,
                    format!("`ago` needs a timespan, got {}", a.ty),
                ));
            }
            bind_binary(
                BinOp::Sub,
                Expr::literal(Scalar::DateTime(sc.now_ns), span),
                a,
                span,
            )
        }
        "bin" | "floor" => {
            arity(name, args, 2, 2, span)?;
            let mut a = bound()?;
            let size = a
                .pop()
                .ok_or_else(|| PlanError::invalid(span, "missing argument"))?;
            let x = a
                .pop()
                .ok_or_else(|| PlanError::invalid(span, "missing argument"))?;
            match (x.ty, size.ty) {
                (DateTime | TimeSpan, TimeSpan) => {
                    let t = x.ty;
                    Ok(Expr::call(Func::Bin, vec![x, size], t, span))
                }
                (a, b) if a.is_numeric() && b.is_numeric() => {
                    let t = if a == Real || b == Real { Real } else { Long };
                    Ok(Expr::call(
                        Func::Bin,
                        vec![cast(x, t), cast(size, t)],
                        t,
                        span,
                    ))
                }
                (a, b) => Err(PlanError::ty(span, format!("`{n}` cannot bin {a} by {b}"))),
            }
        }
        "toint" | "tolong" | "todouble" | "toreal" => {
            arity(name, args, 1, 1, span)?;
            let a = bound()?.remove(0);
            let to = match n {
                "toint" => Int,
                "tolong" => Long,
                _ => Real,
            };
            if !(a.ty.is_numeric() || matches!(a.ty, String | Bool)) {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{n}` of a {} value", a.ty),
                ));
            }
            Ok(Expr::call(Func::Cast(to), vec![a], to, span))
        }
        _ => Err(unknown_function(name)),
    }
}

/// Binds an aggregate call in `summarize`. Returns the aggregate and the default column name
/// Kusto gives it (`count_`, `sum_FileSize`, `dcount_AccountUpn`, `avg_`).
pub(crate) fn bind_aggregate(
    e: &ast::Expr,
    sc: &Scope<'_>,
) -> Result<(AggExpr, String), PlanError> {
    let ast::ExprKind::Call { name, args } = &e.kind else {
        return Err(
            PlanError::invalid(e.span, "expected an aggregate function such as `count()`")
                .with_label("not an aggregate"),
        );
    };
    let n = name.name.as_str();
    if !AGG_FUNCS.contains(&n) {
        if SCALAR_FUNCS.contains(&n) {
            return Err(PlanError::invalid(
                e.span,
                format!(
                    "`{n}` is not an aggregate; summarize needs aggregates such as count() or sum(x)"
                ),
            ));
        }
        return Err(unknown_function(name));
    }
    let span = e.span;
    let a = args
        .iter()
        .map(|a| bind_expr(a, sc))
        .collect::<Result<Vec<_>, _>>()?;
    // Kusto names an aggregate `<fn>_<column>` when its first argument is a plain column.
    let suffix = a
        .first()
        .and_then(|x| x.as_column())
        .unwrap_or("")
        .to_string();
    let default_name = format!("{n}_{suffix}");
    use KqlType::*;
    let agg = match n {
        "count" => {
            arity(name, args, 0, 0, span)?;
            return Ok((
                AggExpr {
                    func: AggFunc::Count,
                    args: vec![],
                    ty: Long,
                },
                "count_".into(),
            ));
        }
        "countif" => {
            arity(name, args, 1, 1, span)?;
            if a[0].ty != Bool {
                return Err(PlanError::ty(
                    args[0].span,
                    "`countif` needs a bool predicate",
                ));
            }
            AggExpr {
                func: AggFunc::CountIf,
                args: a,
                ty: Long,
            }
        }
        "dcount" => {
            arity(name, args, 1, 2, span)?;
            let mut a = a;
            a.truncate(1); // the accuracy argument does not matter for an exact count
            AggExpr {
                func: AggFunc::DCount,
                args: a,
                ty: Long,
            }
        }
        "sum" | "avg" => {
            arity(name, args, 1, 1, span)?;
            let t = a[0].ty;
            let ty = match (n, t) {
                ("sum", Int | Long | Bool) => Long,
                ("sum", Real) => Real,
                ("sum", TimeSpan) => TimeSpan,
                ("avg", Int | Long | Real | Bool) => Real,
                _ => {
                    return Err(PlanError::ty(
                        args[0].span,
                        format!("`{n}` cannot aggregate {t} values"),
                    ));
                }
            };
            let arg = match t {
                Int | Bool => cast(
                    a.into_iter()
                        .next()
                        .ok_or_else(|| PlanError::invalid(span, "missing argument"))?,
                    Long,
                ),
                _ => a
                    .into_iter()
                    .next()
                    .ok_or_else(|| PlanError::invalid(span, "missing argument"))?,
            };
            let func = if n == "sum" {
                AggFunc::Sum
            } else {
                AggFunc::Avg
            };
            AggExpr {
                func,
                args: vec![arg],
                ty,
            }
        }
        "min" | "max" => {
            arity(name, args, 1, 1, span)?;
            let t = a[0].ty;
            if matches!(t, Dynamic | Guid) {
                return Err(PlanError::unsupported(
                    args[0].span,
                    format!("`{n}` of {t} values"),
                ));
            }
            let func = if n == "min" {
                AggFunc::Min
            } else {
                AggFunc::Max
            };
            AggExpr {
                func,
                args: a,
                ty: t,
            }
        }
        _ => return Err(unknown_function(name)),
    };
    Ok((agg, default_name))
}
