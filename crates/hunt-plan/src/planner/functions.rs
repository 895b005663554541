//! The KQL function table: scalar functions and aggregates, their signatures and
//! result types.

use super::Scope;
use super::exprs::{bind_binary, bind_expr, cast, to_string_expr};
use crate::error::{PlanError, PlanErrorKind, closest};
use crate::expr::{AggExpr, AggFunc, Expr, ExprKind, Func, Scalar};
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast::{self, BinOp};

use crate::registry::{Implementation, Kind, registry};

/// Every function name the planner runs (scalar, aggregate, window and library
/// functions, aliases included), for suggestions and completion: the registry's.
pub fn function_names() -> Vec<&'static str> {
    registry().supported_names()
}

/// Whether `name` (or the function it is an alias of) is an aggregate.
pub(crate) fn is_aggregate_name(name: &str) -> bool {
    registry().is(name, Kind::Aggregate)
}

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
    // Known-but-unsupported names get a clear refusal instead of "unknown function".
    if let Some(Implementation::Unsupported(why)) = registry().get(&name.name).map(|e| e.imp) {
        let what = match why {
            Some(why) => format!("the function `{}` ({why})", name.name),
            None => format!("the function `{}`", name.name),
        };
        return PlanError::unsupported(name.span, what);
    }
    let mut e = PlanError::new(
        PlanErrorKind::UnknownFunction,
        name.span,
        format!("unknown function `{}`", name.name),
    )
    .with_label("unknown function");
    if let Some(c) = closest(&name.name, function_names()) {
        e = e.with_help(format!("did you mean `{c}`?"));
    }
    e
}

/// Binds the arguments of a call.
fn bound_args(args: &[ast::Expr], sc: &Scope<'_>) -> Result<Vec<Expr>, PlanError> {
    args.iter().map(|a| bind_expr(a, sc)).collect()
}

/// Binds a call of a function with a definition: its signature checks the arguments and
/// gives the result type; the plan holds the definition.
fn bind_defined(
    def: crate::registry::ScalarDef,
    args: Vec<Expr>,
    span: Span,
) -> Result<Expr, PlanError> {
    let (args, ty) = def.0.bind(args, span)?;
    Ok(Expr::call(Func::Def(def), args, ty, span))
}

/// Binds a scalar function call.
pub(crate) fn bind_call(
    name: &ast::Ident,
    args: &[ast::Expr],
    span: Span,
    sc: &Scope<'_>,
) -> Result<Expr, PlanError> {
    let n = name.name.as_str();
    if let Some((params, body)) = sc.lets.function(n) {
        return call_user_function(name, params, body, args, span, sc);
    }
    if let Some((current, args)) = crate::registry::aliases::rewrite(name, args) {
        return bind_call(&current, &args, span, sc);
    }
    if n == "toscalar" {
        return super::subquery::bind_toscalar(args, span, sc);
    }
    // `extract(re, n, s, typeof(T))`, `extract_json(path, s, typeof(T))`: the extracted
    // text converted to T (the docs: "the extracted substring is converted to this type"),
    // as the `to…` function of T does. `percentile_tdigest(t, p, typeof(T))` likewise:
    // "typeof(long) will cast all results to type long" (percentile-tdigest-function).
    if matches!(
        n,
        "extract" | "extract_json" | "extractjson" | "percentile_tdigest"
    ) && let Some((last, rest)) = args.split_last()
        && let ast::ExprKind::TypeOf(items) = &last.kind
    {
        let conv = match items.as_slice() {
            [ast::SchemaItem::Type(t)] => match t.name.as_str() {
                "int" => "toint",
                "long" => "tolong",
                "real" | "double" => "todouble",
                "string" => "tostring",
                "bool" | "boolean" => "tobool",
                "datetime" | "date" => "todatetime",
                "timespan" | "time" => "totimespan",
                "guid" => "toguid",
                "dynamic" => "todynamic",
                other => {
                    return Err(PlanError::invalid(
                        t.span,
                        format!("unknown type `{other}`"),
                    ));
                }
            },
            _ => {
                return Err(PlanError::invalid(last.span, "expected `typeof(type)`"));
            }
        };
        let inner = ast::Expr {
            kind: ast::ExprKind::Call {
                name: name.clone(),
                args: rest.to_vec(),
            },
            span,
        };
        let outer = ast::Expr {
            kind: ast::ExprKind::Call {
                name: ast::Ident {
                    name: conv.into(),
                    span: last.span,
                },
                args: vec![inner],
            },
            span,
        };
        return bind_expr(&outer, sc);
    }
    let entry = registry().get(n);
    if entry.is_some_and(|e| !e.supported()) {
        return Err(unknown_function(name));
    }
    if entry.is_some_and(|e| e.kind == Kind::Window) {
        return super::window::bind_window(name, args, span, sc);
    }
    if let Some(Implementation::Scalar(def)) = entry.map(|e| e.imp) {
        let mut bound = match args {
            [a] if def.0.star_columns() && matches!(a.kind, ast::ExprKind::Star) => sc
                .schema
                .fields
                .iter()
                .map(|f| Expr::column(f.name.clone(), f.ty, a.span))
                .collect(),
            _ => bound_args(args, sc)?,
        };
        if def.0.at_analysis() {
            bound = bound
                .into_iter()
                .map(|a| super::subquery::fold(sc, a))
                .collect::<Result<_, _>>()?;
        }
        return bind_defined(def, bound, span);
    }
    // `tdigest_merge(t1, t2)` in a scalar context: the scalar of a name that is also an
    // aggregate.
    if let Some(def) = registry().scalar_form(n) {
        return bind_defined(def, bound_args(args, sc)?, span);
    }
    if entry.is_some_and(|e| e.kind == Kind::Aggregate) {
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
        "around" => {
            // around(value, center, delta): center - delta <= value <= center + delta
            // (docs); any null argument makes both comparisons, hence the result, null.
            arity(name, args, 3, 3, span)?;
            let mut a = bound()?;
            let (delta, center, value) = match (a.pop(), a.pop(), a.pop()) {
                (Some(d), Some(c), Some(v)) => (d, c, v),
                _ => return Err(PlanError::invalid(span, "`around` takes 3 arguments")),
            };
            let lo = bind_binary(BinOp::Sub, center.clone(), delta.clone(), span)?;
            let hi = bind_binary(BinOp::Add, center, delta, span)?;
            let ge = bind_binary(BinOp::Ge, value.clone(), lo, span)?;
            let le = bind_binary(BinOp::Le, value, hi, span)?;
            bind_binary(BinOp::And, ge, le, span)
        }
        "bag_pack_columns" => {
            // bag_pack_columns(c1, c2, …): a bag keyed by the columns' names.
            arity(name, args, 1, 64, span)?;
            let mut pairs = Vec::with_capacity(args.len() * 2);
            for a in args {
                let ast::ExprKind::Ident(id) = &a.kind else {
                    return Err(PlanError::invalid(
                        a.span,
                        "`bag_pack_columns` takes column names",
                    ));
                };
                pairs.push(Expr::literal(
                    Scalar::String(id.name.clone().into()),
                    a.span,
                ));
                pairs.push(bind_expr(a, sc)?);
            }
            crate::library::bind_pack(pairs, false, span)
        }
        "pack_all" => {
            // pack_all([ignore_null_empty]): a bag of the row's columns, in column order.
            arity(name, args, 0, 1, span)?;
            let skip_empty = match bound()?.first().map(|e| &e.kind) {
                None => false,
                Some(ExprKind::Literal(Scalar::Bool(b))) => *b,
                Some(_) => {
                    return Err(PlanError::unsupported(
                        span,
                        "`pack_all` with a non-constant argument",
                    ));
                }
            };
            let mut pairs = Vec::with_capacity(sc.schema.fields.len() * 2);
            for f in &sc.schema.fields {
                pairs.push(Expr::literal(Scalar::String(f.name.clone().into()), span));
                pairs.push(Expr::column(&f.name, f.ty, span));
            }
            crate::library::bind_pack(pairs, skip_empty, span)
        }
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
            // The parser reads `not x` as the call `not(x)`; a call written with
            // parentheses ends after its `)`, the prefix form with its operand. Kusto's
            // grammar (Kql.g4) has no prefix `not`, only the function, and rejects it.
            if args[0].span.end >= span.end {
                return Err(
                    PlanError::invalid(name.span, "Kusto has no prefix `not` operator")
                        .with_help("call the function: `not(x)`"),
                );
            }
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
            // Kusto's `strlen` takes a string or a dynamic value; its binder refuses
            // other types (`strlen(123)`), converting nothing implicitly.
            let a = bound()?.remove(0);
            if !matches!(a.ty, String | Dynamic)
                && !matches!(a.kind, ExprKind::Literal(Scalar::Null(_)))
            {
                return Err(PlanError::ty(
                    a.span,
                    format!("`strlen` needs a string, got {}", a.ty),
                ));
            }
            let a = to_string_expr(a);
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
                // The branches share a type; int and long meet at long. A long and a real do
                // not meet: the oracle rejects `iif(true, 1, 2.0)` (with `case` and
                // `coalesce` of a long and a real, which hunt refuses alike), nor a bool and a
                // number.
                Some(then.ty)
                    .filter(|t| *t == else_.ty)
                    .or_else(|| {
                        matches!((then.ty, else_.ty), (Int | Long, Int | Long)).then_some(Long)
                    })
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
        "bin_auto" => {
            // docs: bin-auto-function; Functions.cs writes it as
            // `bin_at(value, query_bin_auto_size, query_bin_auto_at)`. The size must be
            // set; the fixed point defaults to 0, which the page leaves open for a
            // datetime value (refused then).
            arity(name, args, 1, 1, span)?;
            let size = sc
                .lets
                .bin_auto_option("query_bin_auto_size")
                .ok_or_else(|| {
                    PlanError::invalid(span, "`bin_auto` needs `set query_bin_auto_size = …;`")
                })?;
            let at = match sc.lets.bin_auto_option("query_bin_auto_at") {
                Some(at) => at.clone(),
                None => {
                    let zero = match bind_expr(&args[0], sc)?.ty {
                        TimeSpan => ast::Literal::TimeSpan {
                            value: "0".into(),
                            unit: "s".into(),
                        },
                        t if t.is_numeric() => ast::Literal::Long(0),
                        t => {
                            return Err(PlanError::unsupported(
                                span,
                                format!("`bin_auto` of a {t} without `query_bin_auto_at`"),
                            ));
                        }
                    };
                    ast::Expr {
                        kind: ast::ExprKind::Literal(zero),
                        span,
                    }
                }
            };
            let bin_at = ast::Ident {
                name: "bin_at".into(),
                span: name.span,
            };
            bind_call(&bin_at, &[args[0].clone(), size.clone(), at], span, sc)
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
            if !(a.ty.is_numeric() || matches!(a.ty, String | Bool | Dynamic | DateTime | TimeSpan))
            {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{n}` of a {} value", a.ty),
                ));
            }
            Ok(Expr::call(Func::Cast(to), vec![a], to, span))
        }
        _ => match crate::library::bind(n, bound()?, span) {
            Some(r) => r,
            None => Err(unknown_function(name)),
        },
    }
}

/// Binds an aggregate call in `summarize` into one or more output columns, each with the
/// name Kusto gives it by default: `count_`, `sum_FileSize`, `dcount_AccountUpn`, `avg_`,
/// `list_x`, `set_x`, `percentile_x_50`; `arg_max(T, a, b)` gives `T`, `a`, `b`, and
/// `arg_max(T, *)` every input column except the `by` keys.
pub(crate) fn bind_aggregate(
    e: &ast::Expr,
    sc: &Scope<'_>,
    by: &[String],
) -> Result<Vec<(AggExpr, String)>, PlanError> {
    let ast::ExprKind::Call { name, args } = &e.kind else {
        return Err(
            PlanError::invalid(e.span, "expected an aggregate function such as `count()`")
                .with_label("not an aggregate"),
        );
    };
    if let Some((current, new_args)) = crate::registry::aliases::rewrite(name, args) {
        let renamed = ast::Expr {
            kind: ast::ExprKind::Call {
                name: current,
                args: new_args,
            },
            span: e.span,
        };
        let mut out = bind_aggregate(&renamed, sc, by)?;
        // argmax/argmin name their extra columns `<primary>_<column>` (Kusto's
        // `GetArgMinMaxDepResult`), where arg_max keeps the plain column names.
        // any(x) and anyif(x, p) are named `any_x`, `anyif_x` (their prefix in Kusto's
        // Aggregates.cs), where take_any(x) and take_anyif(x, p) keep `x`.
        if let ("any" | "anyif", [first, ..], [(_, n)]) =
            (name.name.as_str(), args.as_slice(), out.as_mut_slice())
        {
            *n = super::result_names::aggregate_name(&name.name, std::slice::from_ref(first));
        }
        if matches!(name.name.as_str(), "argmax" | "argmin") && !out.is_empty() {
            let primary = out[0].1.clone();
            for (_, n) in out.iter_mut().skip(1) {
                *n = format!("{primary}_{n}");
            }
        }
        return Ok(out);
    }
    let n = name.name.as_str();
    let entry = registry().get(n);
    if let Some(Implementation::Aggregate(def)) = entry.map(|e| e.imp) {
        return super::aggregates_defined::bind(def, name, args, sc, e.span).map(|x| vec![x]);
    }
    // `hll_merge(h)` in summarize: the aggregate of a name that is also a scalar.
    if let Some(def) = registry().aggregate_form(n) {
        return super::aggregates_defined::bind(def, name, args, sc, e.span).map(|x| vec![x]);
    }
    if entry.is_none_or(|e| e.kind != Kind::Aggregate || !e.supported()) {
        if entry.is_some_and(|e| e.kind == Kind::Scalar && e.supported()) {
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
    use KqlType::*;
    // `arg_max(T, *)`: the star expands to columns, so bind those arguments here.
    if matches!(n, "arg_max" | "arg_min") {
        arity(name, args, 1, 64, span)?;
        let key = bind_expr(&args[0], sc)?;
        if matches!(key.ty, Dynamic) {
            return Err(PlanError::unsupported(
                args[0].span,
                format!("`{n}` over dynamic values"),
            ));
        }
        // The key must be orderable (Aggregates.cs: `ParameterTypeKind.Orderable`): a guid
        // is not.
        if matches!(key.ty, Guid) {
            return Err(PlanError::ty(
                args[0].span,
                format!("`{n}` needs an orderable value, got guid"),
            ));
        }
        let func = if n == "arg_max" {
            AggFunc::ArgMax
        } else {
            AggFunc::ArgMin
        };
        // Kusto's `GetArgMinMaxResult`: each argument keeps its inferred name; one
        // without is `max_` (the first) or `max_<first>_arg<i>`.
        let prefix = if n == "arg_max" { "max" } else { "min" };
        let key_name = key
            .as_column()
            .map(str::to_string)
            .or_else(|| super::result_names::result_name(&args[0]))
            .unwrap_or_else(|| format!("{prefix}_"));
        let mut out = vec![(
            AggExpr {
                func,
                args: vec![key.clone(), key.clone()],
                ty: key.ty,
                filter: None,
            },
            key_name.clone(),
        )];
        for (i, a) in args.iter().enumerate().skip(1) {
            if matches!(a.kind, ast::ExprKind::Star) {
                for f in &sc.schema.fields {
                    if Some(f.name.as_str()) == key.as_column() || by.contains(&f.name) {
                        continue;
                    }
                    let v = Expr::column(&f.name, f.ty, a.span);
                    out.push((
                        AggExpr {
                            func,
                            args: vec![key.clone(), v],
                            ty: f.ty,
                            filter: None,
                        },
                        f.name.clone(),
                    ));
                }
            } else {
                let v = bind_expr(a, sc)?;
                let nm = v
                    .as_column()
                    .map(str::to_string)
                    .or_else(|| super::result_names::result_name(a))
                    .unwrap_or_else(|| format!("{prefix}_{key_name}_arg{i}"));
                out.push((
                    AggExpr {
                        func,
                        args: vec![key.clone(), v.clone()],
                        ty: v.ty,
                        filter: None,
                    },
                    nm,
                ));
            }
        }
        return Ok(out);
    }
    if n == "take_any"
        && (args.len() > 1
            || matches!(
                args[..],
                [ast::Expr {
                    kind: ast::ExprKind::Star,
                    ..
                }]
            ))
    {
        return take_any_record(args, sc, by, span);
    }
    let a = args
        .iter()
        .map(|a| bind_expr(a, sc))
        .collect::<Result<Vec<_>, _>>()?;
    // Kusto names an aggregate `<prefix>_<name of its first argument>` (`sum_v`, also
    // through a conversion: `sum(toint(v))` is `sum_v`, its oracle shows).
    let col = args
        .first()
        .and_then(super::result_names::result_name)
        .unwrap_or_default();
    let default_name = format!("{n}_{col}");
    let first = |a: &[Expr]| {
        a.first()
            .cloned()
            .ok_or_else(|| PlanError::invalid(span, "missing argument"))
    };
    let predicate = |a: &[Expr], i: usize| -> Result<Expr, PlanError> {
        let p = a
            .get(i)
            .cloned()
            .ok_or_else(|| PlanError::invalid(span, "missing predicate"))?;
        if p.ty != Bool {
            return Err(PlanError::ty(
                p.span,
                format!("`{n}` needs a bool predicate, got {}", p.ty),
            ));
        }
        Ok(p)
    };
    let const_long = |a: &[Expr], i: usize| -> Result<Option<Expr>, PlanError> {
        match a.get(i) {
            None => Ok(None),
            Some(e) if matches!(e.kind, ExprKind::Literal(Scalar::Long(_) | Scalar::Int(_))) => {
                Ok(Some(cast(e.clone(), Long)))
            }
            Some(e) => Err(PlanError::invalid(e.span, "expected a constant size limit")),
        }
    };
    let agg = |func, args, ty, filter| AggExpr {
        func,
        args,
        ty,
        filter,
    };
    // Kusto's `sum` takes a summable type (Aggregates.cs: `ParameterTypeKind.Summable`,
    // which a bool is not); `avg` the integer, real, decimal, timespan and datetime forms.
    let numeric_sum = |t: KqlType, arg_span: Span| match t {
        Int | Long => Ok(Long),
        Real => Ok(Real),
        TimeSpan => Ok(TimeSpan),
        // Summable in Aggregates.cs, but what a sum of datetimes is is not documented.
        DateTime => Err(PlanError::unsupported(
            arg_span,
            format!("`{n}` of datetime values"),
        )),
        _ => Err(PlanError::ty(
            arg_span,
            format!("`{n}` cannot aggregate {t} values"),
        )),
    };
    let out = match n {
        "count" => {
            // count(x) counts rows, nulls of x included: the docs' summarize example gives
            // count(y) = 2 over a null and a 5, and the oracle agrees
            // (agent-null-and-edge-0001, -0025, -0026). It is named `count_x`.
            arity(name, args, 0, 1, span)?;
            return Ok(vec![(
                agg(AggFunc::Count, vec![], Long, None),
                if args.is_empty() {
                    "count_".into()
                } else {
                    default_name
                },
            )]);
        }
        "countif" => {
            arity(name, args, 1, 1, span)?;
            // `countif_` unless the predicate is a plain column (`countif_IsActive`).
            return Ok(vec![(
                agg(AggFunc::Count, vec![], Long, Some(predicate(&a, 0)?)),
                default_name,
            )]);
        }
        "dcount" | "dcountif" | "count_distinct" | "count_distinctif" => {
            // count_distinct is exact in Kusto too (its docs); dcount is exact in hunt.
            let iff = n.ends_with("if");
            if n.starts_with("count_distinct") {
                arity(
                    name,
                    args,
                    if iff { 2 } else { 1 },
                    if iff { 2 } else { 1 },
                    span,
                )?;
            }
            arity(
                name,
                args,
                if iff { 2 } else { 1 },
                if iff { 3 } else { 2 },
                span,
            )?;
            let filter = if iff { Some(predicate(&a, 1)?) } else { None };
            // count_distinct takes any scalar but dynamic (Aggregates.cs: `NotDynamic`).
            if n.starts_with("count_distinct") && a.first().is_some_and(|x| x.ty == Dynamic) {
                return Err(PlanError::ty(
                    args[0].span,
                    format!("`{n}` cannot count dynamic values"),
                ));
            }
            // the accuracy argument does not matter for an exact count
            (
                agg(AggFunc::DCount, vec![first(&a)?], Long, filter),
                default_name,
            )
        }
        "sum" | "sumif" | "avg" | "avgif" => {
            let iff = n.ends_with("if");
            arity(
                name,
                args,
                if iff { 2 } else { 1 },
                if iff { 2 } else { 1 },
                span,
            )?;
            let x = first(&a)?;
            let avg = n.starts_with("avg");
            let ty = if avg {
                // Aggregates.cs: `avg` also takes a timespan or a datetime (and gives one);
                // how Kusto rounds that mean to a tick is not documented.
                if matches!(x.ty, TimeSpan | DateTime) {
                    return Err(PlanError::unsupported(
                        args[0].span,
                        format!("`{n}` of {} values (its rounding to a tick)", x.ty),
                    ));
                }
                if !matches!(x.ty, Int | Long | Real) {
                    return Err(PlanError::ty(
                        args[0].span,
                        format!("`{n}` cannot aggregate {} values", x.ty),
                    ));
                }
                Real
            } else {
                numeric_sum(x.ty, args[0].span)?
            };
            let x = if matches!(x.ty, Int) {
                cast(x, Long)
            } else {
                x
            };
            let filter = if iff { Some(predicate(&a, 1)?) } else { None };
            (
                agg(
                    if avg { AggFunc::Avg } else { AggFunc::Sum },
                    vec![x],
                    ty,
                    filter,
                ),
                default_name,
            )
        }
        "min" | "max" | "minif" | "maxif" => {
            let iff = n.ends_with("if");
            arity(
                name,
                args,
                if iff { 2 } else { 1 },
                if iff { 2 } else { 1 },
                span,
            )?;
            let x = first(&a)?;
            if matches!(x.ty, Dynamic | Guid) {
                return Err(PlanError::unsupported(
                    args[0].span,
                    format!("`{n}` of {} values", x.ty),
                ));
            }
            let func = if n.starts_with("min") {
                AggFunc::Min
            } else {
                AggFunc::Max
            };
            let filter = if iff { Some(predicate(&a, 1)?) } else { None };
            let t = x.ty;
            (agg(func, vec![x], t, filter), default_name)
        }
        "make_list" | "make_set" | "make_list_if" | "make_set_if" => {
            let iff = n.ends_with("_if");
            arity(
                name,
                args,
                if iff { 2 } else { 1 },
                if iff { 3 } else { 2 },
                span,
            )?;
            let set = n.contains("set");
            let filter = if iff { Some(predicate(&a, 1)?) } else { None };
            let mut call_args = vec![first(&a)?];
            call_args.extend(const_long(&a, if iff { 2 } else { 1 })?);
            let base = if set { "set" } else { "list" };
            (
                agg(
                    if set {
                        AggFunc::MakeSet
                    } else {
                        AggFunc::MakeList
                    },
                    call_args,
                    Dynamic,
                    filter,
                ),
                format!("{base}_{col}"),
            )
        }
        "make_bag" | "make_bag_if" => {
            let iff = n.ends_with("_if");
            arity(
                name,
                args,
                if iff { 2 } else { 1 },
                if iff { 3 } else { 2 },
                span,
            )?;
            let x = first(&a)?;
            if x.ty != Dynamic {
                return Err(PlanError::ty(
                    x.span,
                    format!("`{n}` needs a dynamic property bag, got {}", x.ty),
                ));
            }
            let filter = if iff { Some(predicate(&a, 1)?) } else { None };
            let mut call_args = vec![x];
            call_args.extend(const_long(&a, if iff { 2 } else { 1 })?);
            (
                agg(AggFunc::MakeBag, call_args, Dynamic, filter),
                format!("bag_{col}"),
            )
        }
        "take_anyif" => {
            // take_anyif(x, p): a value of x from a row where p holds; named as x
            // (Kusto's `ResultNameKind.FirstArgument`).
            arity(name, args, 2, 2, span)?;
            let x = first(&a)?;
            let t = x.ty;
            (
                agg(AggFunc::TakeAny, vec![x], t, Some(predicate(&a, 1)?)),
                col.clone(),
            )
        }
        "take_any" => {
            arity(name, args, 1, 1, span)?;
            let x = first(&a)?;
            let t = x.ty;
            let nm = if col.is_empty() {
                "any_".to_string()
            } else {
                col.clone()
            };
            (agg(AggFunc::TakeAny, vec![x], t, None), nm)
        }
        "make_list_with_nulls" => {
            return super::aggregates_more::bind(n, name, &a, &col, span).map(|x| vec![x]);
        }
        "percentilew" | "percentilesw" | "percentilesw_array" | "percentiles_array" => {
            return super::aggregates_more::bind_more(n, name, &a, &col, span);
        }
        "percentile" | "percentiles" => {
            arity(name, args, 2, 16, span)?;
            let x = first(&a)?;
            if !(x.ty.is_numeric() || matches!(x.ty, DateTime | TimeSpan)) {
                return Err(PlanError::ty(
                    args[0].span,
                    format!("`{n}` needs numbers, got {}", x.ty),
                ));
            }
            let mut out = Vec::new();
            for p in &a[1..] {
                let pv = match &p.kind {
                    ExprKind::Literal(Scalar::Long(v)) => *v as f64,
                    ExprKind::Literal(Scalar::Int(v)) => *v as f64,
                    ExprKind::Literal(Scalar::Real(v)) => *v,
                    _ => return Err(PlanError::invalid(p.span, "expected a constant percentile")),
                };
                if !(0.0..=100.0).contains(&pv) {
                    return Err(PlanError::invalid(
                        p.span,
                        "a percentile is between 0 and 100",
                    ));
                }
                let label = super::super::expr::Scalar::Real(pv);
                let _ = label;
                let txt = if pv.fract() == 0.0 {
                    format!("{}", pv as i64)
                } else {
                    format!("{pv}").replace('.', "_")
                };
                out.push((
                    agg(
                        AggFunc::Percentile,
                        vec![x.clone(), Expr::literal(Scalar::Real(pv), p.span)],
                        x.ty,
                        None,
                    ),
                    format!("percentile_{col}_{txt}"),
                ));
            }
            return Ok(out);
        }
        _ => return Err(unknown_function(name)),
    };
    Ok(vec![out])
}

/// Calls a scalar user function: its parameters are bound to the (bound) arguments and
/// its body, a scalar expression, is bound in that scope, as a macro would be.
fn call_user_function(
    name: &ast::Ident,
    params: &[ast::FunctionParam],
    body: &[ast::Statement],
    args: &[ast::Expr],
    span: Span,
    sc: &Scope<'_>,
) -> Result<Expr, PlanError> {
    // Kusto refuses recursive functions; expanding one would never end.
    thread_local! {
        static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    let depth = DEPTH.with(|d| d.get());
    if depth >= 12 {
        return Err(PlanError::invalid(
            name.span,
            format!("`{}` calls itself", name.name),
        ));
    }
    DEPTH.with(|d| d.set(depth + 1));
    let r = expand_user_function(name, params, body, args, span, sc);
    DEPTH.with(|d| d.set(depth));
    r
}

/// The argument of each parameter of a user function: `name = value` goes to the
/// parameter of that name, any other argument to the parameter at its own position, as
/// Kusto's binder lays out a user function's arguments (`NonRepeatingParameterLayout` in
/// Kusto.Language; `f(len=3, s)` gives `s` the second parameter). An unknown name, or a
/// parameter given twice, is an error.
fn place_args<'a>(
    name: &ast::Ident,
    params: &[ast::FunctionParam],
    args: &'a [ast::Expr],
) -> Result<Vec<Option<&'a ast::Expr>>, PlanError> {
    let mut slots: Vec<Option<&ast::Expr>> = vec![None; params.len()];
    for (i, a) in args.iter().enumerate() {
        let (at, value) = match &a.kind {
            ast::ExprKind::NamedArg { name: n, value } => {
                let at = params
                    .iter()
                    .position(|p| p.name.name == n.name)
                    .ok_or_else(|| {
                        PlanError::invalid(
                            n.span,
                            format!("`{}` has no parameter `{}`", name.name, n.name),
                        )
                    })?;
                (at, value.as_ref())
            }
            _ => (i, a),
        };
        match slots.get_mut(at) {
            Some(slot @ None) => *slot = Some(value),
            _ => {
                return Err(PlanError::invalid(
                    a.span,
                    format!(
                        "`{}` is given its parameter `{}` twice",
                        name.name,
                        params.get(at).map(|p| p.name.name.as_str()).unwrap_or("?")
                    ),
                ));
            }
        }
    }
    Ok(slots)
}

fn expand_user_function(
    name: &ast::Ident,
    params: &[ast::FunctionParam],
    body: &[ast::Statement],
    args: &[ast::Expr],
    span: Span,
    sc: &Scope<'_>,
) -> Result<Expr, PlanError> {
    if args.len() > params.len() {
        return Err(PlanError::invalid(
            span,
            format!(
                "`{}` takes {} argument(s), got {}",
                name.name,
                params.len(),
                args.len()
            ),
        ));
    }
    let slots = place_args(name, params, args)?;
    let mut bound = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let value = match (slots[i], &p.default) {
            (Some(a), _) => bind_expr(a, sc)?,
            (None, Some(d)) => bind_expr(d, sc)?,
            (None, None) => {
                return Err(PlanError::invalid(
                    span,
                    format!("`{}` needs a value for `{}`", name.name, p.name.name),
                ));
            }
        };
        let value = match &p.ty {
            ast::ParamType::Scalar(t) => match KqlType::from_name(&t.name) {
                Some(ty) if ty == value.ty => value,
                Some(ty) if ty.is_numeric() && value.ty.is_numeric() => cast(value, ty),
                Some(ty) => {
                    return Err(PlanError::ty(
                        slots[i].map(|a| a.span).unwrap_or(span),
                        format!(
                            "`{}` expects {ty} for `{}`, got {}",
                            name.name, p.name.name, value.ty
                        ),
                    ));
                }
                None => {
                    return Err(PlanError::invalid(
                        t.span,
                        format!("unknown type `{}`", t.name),
                    ));
                }
            },
            _ => {
                return Err(PlanError::unsupported(
                    p.name.span,
                    "tabular function parameters",
                ));
            }
        };
        bound.push((p.name.name.clone(), value));
    }
    // The body sees the parameters as scalar lets (and no columns of the caller).
    let mut lets = sc.lets.with_scalars(Vec::new());
    for st in body {
        match st {
            ast::Statement::Let {
                name: n,
                value: ast::LetValue::Expr(e),
                ..
            } => {
                let inner = lets.with_scalars(bound.clone());
                let empty = crate::types::Schema::default();
                let v = bind_expr(
                    e,
                    &Scope {
                        schema: &empty,
                        table: None,
                        lets: &inner,
                        now_ns: sc.now_ns,
                        catalog: sc.catalog,
                        windows: None,
                    },
                )?;
                lets = lets.with_scalars(vec![(n.name.clone(), v)]);
            }
            ast::Statement::Tabular(p) if p.ops.is_empty() => {
                let e = match &p.source {
                    ast::Source::Expr(e) => e.clone(),
                    ast::Source::Table(id) => ast::Expr {
                        kind: ast::ExprKind::Ident(id.clone()),
                        span: id.span,
                    },
                    _ => {
                        return Err(PlanError::unsupported(
                            p.span,
                            "a user function with a tabular body",
                        ));
                    }
                };
                let inner = lets.with_scalars(bound.clone());
                let empty = crate::types::Schema::default();
                return bind_expr(
                    &e,
                    &Scope {
                        schema: &empty,
                        table: None,
                        lets: &inner,
                        now_ns: sc.now_ns,
                        catalog: sc.catalog,
                        windows: None,
                    },
                );
            }
            ast::Statement::Tabular(p) => {
                return Err(PlanError::unsupported(
                    p.span,
                    "a user function with a tabular body",
                ));
            }
            _ => {
                return Err(PlanError::unsupported(
                    span,
                    "this statement in a function body",
                ));
            }
        }
    }
    Err(PlanError::invalid(
        span,
        format!("`{}` has no value", name.name),
    ))
}

/// `take_any(a, b, …)` / `take_any(*)`: the values of one record per group (the docs: "the
/// value of one or more expressions over each such record"). Planned as `arg_max` over a
/// constant, which keeps each group's first row. Columns keep their names, `*` gives
/// every input column but the `by` keys, and an unnamed expression is `any_arg<i>`
/// (Kusto's `GetAnyResult`).
fn take_any_record(
    args: &[ast::Expr],
    sc: &Scope<'_>,
    by: &[String],
    span: Span,
) -> Result<Vec<(AggExpr, String)>, PlanError> {
    let key = Expr::literal(Scalar::Long(0), span);
    let pick = |v: Expr| AggExpr {
        func: AggFunc::ArgMax,
        ty: v.ty,
        args: vec![key.clone(), v],
        filter: None,
    };
    let mut out: Vec<(AggExpr, String)> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if matches!(a.kind, ast::ExprKind::Star) {
            for f in &sc.schema.fields {
                if by.contains(&f.name) || out.iter().any(|(_, n)| *n == f.name) {
                    continue;
                }
                out.push((pick(Expr::column(&f.name, f.ty, a.span)), f.name.clone()));
            }
            continue;
        }
        let v = bind_expr(a, sc)?;
        let name = v
            .as_column()
            .map(str::to_string)
            .or_else(|| super::result_names::result_name(a))
            .unwrap_or_else(|| format!("any_arg{i}"));
        out.push((pick(v), name));
    }
    Ok(out)
}
