//! Binding scalar expressions: names → columns, overloads → typed [`Func`]s,
//! implicit numeric promotion made explicit as casts.

use super::Scope;
use super::functions::bind_call;
use super::literals::{timespan_from_parts, typed_literal};
use crate::error::{PlanError, PlanErrorKind, closest};
use crate::expr::{Expr, ExprKind, Func, Scalar};
use crate::library::LibFunc;
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast::{self, BinOp, Literal};

/// Binds `e` against the scope's input schema.
pub(crate) fn bind_expr(e: &ast::Expr, sc: &Scope<'_>) -> Result<Expr, PlanError> {
    match &e.kind {
        ast::ExprKind::Literal(l) => Ok(Expr::literal(bind_literal(l, e.span)?, e.span)),
        ast::ExprKind::Ident(id) => bind_ident(id, sc),
        ast::ExprKind::Paren(inner) => bind_expr(inner, sc),
        ast::ExprKind::Neg(inner) => {
            let x = bind_expr(inner, sc)?;
            if let ExprKind::Literal(s) = &x.kind
                && let Some(v) = negate_scalar(s)
            {
                return Ok(Expr::literal(v, e.span));
            }
            if x.ty.is_numeric() || x.ty == KqlType::TimeSpan {
                let ty = if x.ty == KqlType::Int {
                    KqlType::Long
                } else {
                    x.ty
                };
                let x = cast(x, ty);
                Ok(Expr::call(Func::Neg, vec![x], ty, e.span))
            } else {
                Err(PlanError::ty(
                    inner.span,
                    format!("cannot negate a value of type {}", x.ty),
                ))
            }
        }
        // `* has "x"`, `* !contains "x"`, `* =~ "x"`: the operator over every column.
        ast::ExprKind::Binary {
            op: op @ (BinOp::Str { .. } | BinOp::EqCi | BinOp::NeCi | BinOp::Eq),
            lhs,
            rhs,
        } if matches!(lhs.kind, ast::ExprKind::Star) => {
            super::search::bind_star_op(*op, bind_expr(rhs, sc)?, sc, e.span)
        }
        ast::ExprKind::Binary { op, lhs, rhs } => {
            let l = bind_expr(lhs, sc)?;
            let r = bind_expr(rhs, sc)?;
            bind_binary(*op, l, r, e.span)
        }
        ast::ExprKind::Call { name, args } => bind_call(name, args, e.span, sc),
        ast::ExprKind::InList { expr, op, list } => {
            super::in_list::bind_list_op(expr, *op, list, e.span, sc)
        }
        ast::ExprKind::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let x = bind_expr(expr, sc)?;
            let lo = bind_expr(low, sc)?;
            let mut hi = bind_expr(high, sc)?;
            // `t between (start .. 1h)`: a timespan upper bound is an offset from the lower one.
            if x.ty == KqlType::DateTime && hi.ty == KqlType::TimeSpan {
                hi = bind_binary(BinOp::Add, lo.clone(), hi, high.span)?;
            }
            let (c1, c2, join) = if *negated {
                (BinOp::Lt, BinOp::Gt, BinOp::Or)
            } else {
                (BinOp::Ge, BinOp::Le, BinOp::And)
            };
            let a = bind_binary(c1, x.clone(), lo, e.span)?;
            let b = bind_binary(c2, x, hi, e.span)?;
            bind_binary(join, a, b, e.span)
        }
        ast::ExprKind::Star => Err(PlanError::invalid(
            e.span,
            "`*` is only valid as an aggregate argument",
        )),
        ast::ExprKind::JoinSide { .. } => Err(PlanError::invalid(
            e.span,
            "`$left`/`$right` are only valid in a join condition",
        )),
        ast::ExprKind::Member { expr, name } => {
            // `scan` binds `StepName.Column` state references as columns named so.
            if let ast::ExprKind::Ident(step) = &expr.kind
                && sc.schema.index_of(&step.name).is_none()
            {
                let qualified = format!("{}.{}", step.name, name.name);
                if let Some(f) = sc.schema.fields.iter().find(|f| f.name == qualified) {
                    return Ok(Expr::column(&f.name, f.ty, e.span));
                }
            }
            let obj = dynamic_operand(bind_expr(expr, sc)?)?;
            let key = Expr::literal(Scalar::String(name.name.clone().into()), name.span);
            Ok(Expr::call(
                Func::Lib(LibFunc::Member),
                vec![obj, key],
                KqlType::Dynamic,
                e.span,
            ))
        }
        ast::ExprKind::Index { expr, index } => {
            // `array_sort_asc(a, b)[1]`: the second array of the sort's tuple.
            if let Some((tuple, arrays)) = sort_tuple(expr, sc)? {
                let i = match bind_expr(index, sc)?.kind {
                    ExprKind::Literal(Scalar::Long(i)) => i,
                    ExprKind::Literal(Scalar::Int(i)) => i64::from(i),
                    _ => -1,
                };
                if !(0..arrays as i64).contains(&i) {
                    return Err(PlanError::invalid(
                        index.span,
                        format!(
                            "the sort returns {arrays} arrays: the index must be a constant in 0..{arrays}"
                        ),
                    ));
                }
                return Ok(tuple_item(&tuple, i, e.span));
            }
            let obj = dynamic_operand(bind_expr(expr, sc)?)?;
            let idx = bind_expr(index, sc)?;
            match idx.ty {
                KqlType::String => Ok(Expr::call(
                    Func::Lib(LibFunc::Member),
                    vec![obj, idx],
                    KqlType::Dynamic,
                    e.span,
                )),
                KqlType::Int | KqlType::Long => Ok(Expr::call(
                    Func::Lib(LibFunc::Index),
                    vec![obj, cast(idx, KqlType::Long)],
                    KqlType::Dynamic,
                    e.span,
                )),
                t => Err(PlanError::ty(
                    index.span,
                    format!("an index must be a string or a long, got {t}"),
                )),
            }
        }
        _ => Err(PlanError::unsupported(e.span, "this expression")),
    }
}

/// `array_sort_asc/desc` of two or more arrays (a tuple in Kusto): the bound call, one
/// dynamic array holding the sorted arrays, and their count; `None` for anything else.
pub(crate) fn sort_tuple(
    e: &ast::Expr,
    sc: &Scope<'_>,
) -> Result<Option<(Expr, usize)>, PlanError> {
    let ast::ExprKind::Call { name, args } = &e.kind else {
        return Ok(None);
    };
    if !matches!(name.name.as_str(), "array_sort_asc" | "array_sort_desc") {
        return Ok(None);
    }
    let bound = args
        .iter()
        .map(|a| bind_expr(a, sc))
        .collect::<Result<Vec<_>, _>>()?;
    crate::library::bind_sort_tuple(&name.name, bound, e.span).transpose()
}

/// Array `i` of a bound sort tuple.
pub(crate) fn tuple_item(tuple: &Expr, i: i64, span: Span) -> Expr {
    Expr::call(
        Func::Lib(LibFunc::Index),
        vec![tuple.clone(), Expr::literal(Scalar::Long(i), span)],
        KqlType::Dynamic,
        span,
    )
}

/// The object of `.key` / `[i]`: a dynamic value (a string is refused, as in Kusto,
/// which needs `parse_json()` first).
fn dynamic_operand(e: Expr) -> Result<Expr, PlanError> {
    if e.ty != KqlType::Dynamic {
        return Err(PlanError::ty(
            e.span,
            format!("`.`/`[]` access needs a dynamic value, got {}", e.ty),
        )
        .with_help("use parse_json() to turn JSON text into a dynamic value"));
    }
    Ok(e)
}

fn negate_scalar(s: &Scalar) -> Option<Scalar> {
    Some(match s {
        Scalar::Long(v) => Scalar::Long(v.checked_neg()?),
        Scalar::Int(v) => Scalar::Int(v.checked_neg()?),
        Scalar::Real(v) => Scalar::Real(-v),
        Scalar::TimeSpan(v) => Scalar::TimeSpan(v.checked_neg()?),
        _ => return None,
    })
}

/// Reads a literal into a typed scalar.
pub(crate) fn bind_literal(l: &Literal, span: Span) -> Result<Scalar, PlanError> {
    Ok(match l {
        Literal::String(s) => Scalar::String(s.clone().into()),
        Literal::Long(v) => Scalar::Long(*v),
        Literal::Real(v) => Scalar::Real(*v),
        Literal::Bool(b) => Scalar::Bool(*b),
        Literal::TimeSpan { value, unit } => {
            Scalar::TimeSpan(timespan_from_parts(value, unit).ok_or_else(|| {
                PlanError::invalid(span, format!("invalid timespan `{value}{unit}`"))
            })?)
        }
        Literal::Typed { ty, text } => match typed_literal(ty, text) {
            Ok(Some(v)) => v,
            Ok(None) => {
                return Err(PlanError::invalid(
                    span,
                    format!("invalid {ty} literal `{ty}({text})`"),
                )
                .with_label(format!("not a valid {ty}")));
            }
            Err(what) => return Err(PlanError::unsupported(span, what)),
        },
    })
}

fn bind_ident(id: &ast::Ident, sc: &Scope<'_>) -> Result<Expr, PlanError> {
    if let Some(f) = sc.schema.fields.iter().find(|f| f.name == id.name) {
        return Ok(Expr::column(&f.name, f.ty, id.span));
    }
    if let Some(v) = sc.lets.scalar(&id.name) {
        let mut v = v.clone();
        v.span = id.span;
        return Ok(v);
    }
    // A function whose parameters all have defaults may be called by its bare name.
    if sc.lets.function(&id.name).is_some() {
        return bind_call(id, &[], id.span, sc);
    }
    if sc.lets.tabular(&id.name).is_some() {
        return Err(PlanError::ty(
            id.span,
            format!("`{}` is a tabular expression, not a scalar", id.name),
        ));
    }
    let names = sc.schema.fields.iter().map(|f| f.name.as_str());
    let mut err = PlanError::new(
        PlanErrorKind::UnknownColumn,
        id.span,
        format!("unknown column or name `{}`", id.name),
    )
    .with_label(match sc.table {
        Some(t) => format!("not a column of `{t}`"),
        None => "not a column here".to_string(),
    });
    if let Some(c) = closest(&id.name, names) {
        err = err.with_help(format!("did you mean `{c}`?"));
    }
    Err(err)
}

/// Wraps `e` in a numeric cast to `ty` unless it already has that type.
pub(crate) fn cast(e: Expr, ty: KqlType) -> Expr {
    if e.ty == ty {
        return e;
    }
    if let ExprKind::Literal(s) = &e.kind {
        let folded = match (s, ty) {
            (Scalar::Null(_), _) => Some(Scalar::Null(ty)),
            (Scalar::Int(v), KqlType::Long) => Some(Scalar::Long(*v as i64)),
            (Scalar::Int(v), KqlType::Real) => Some(Scalar::Real(*v as f64)),
            (Scalar::Long(v), KqlType::Real) => Some(Scalar::Real(*v as f64)),
            (Scalar::Bool(b), KqlType::Long) => Some(Scalar::Long(*b as i64)),
            _ => None,
        };
        if let Some(v) = folded {
            return Expr::literal(v, e.span);
        }
    }
    let span = e.span;
    Expr::call(Func::Cast(ty), vec![e], ty, span)
}

/// The common type of two operands for comparison/arithmetic, if they can meet.
pub(crate) fn unify(a: KqlType, b: KqlType) -> Option<KqlType> {
    use KqlType::*;
    Some(match (a, b) {
        (x, y) if x == y => x,
        (Int, Long) | (Long, Int) => Long,
        (Real, Int | Long) | (Int | Long, Real) => Real,
        // KQL compares bool with numbers (`IsAnomalous == 1`).
        (Bool, Int | Long) | (Int | Long, Bool) => Long,
        (Guid, String) | (String, Guid) => Guid,
        _ => return None,
    })
}

fn is_null_literal(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Literal(Scalar::Null(_)))
}

/// Binds `l op r` with KQL's typing rules.
pub(crate) fn bind_binary(op: BinOp, l: Expr, r: Expr, span: Span) -> Result<Expr, PlanError> {
    use KqlType::*;
    let (lt, rt) = (l.ty, r.ty);
    let mismatch = |what: &str| {
        PlanError::ty(span, format!("cannot apply `{what}` to {lt} and {rt}"))
            .with_label(format!("{lt} {what} {rt}"))
    };
    match op {
        BinOp::And | BinOp::Or => {
            if l.ty != Bool || r.ty != Bool {
                return Err(mismatch(if op == BinOp::And { "and" } else { "or" }));
            }
            let f = if op == BinOp::And {
                Func::And
            } else {
                Func::Or
            };
            Ok(Expr::call(f, vec![l, r], Bool, span))
        }
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let sym = match op {
                BinOp::Eq => "==",
                BinOp::Ne => "!=",
                BinOp::Lt => "<",
                BinOp::Le => "<=",
                BinOp::Gt => ">",
                _ => ">=",
            };
            // A dynamic compared with a scalar compares its value as that scalar type:
            // `J.Confidence > 80`, `J.ClassifierType == "Content"`.
            let (l, r) = match (l.ty, r.ty) {
                (Dynamic, t) if t != Dynamic => (dynamic_as(l, t), r),
                (t, Dynamic) if t != Dynamic => (l, dynamic_as(r, t)),
                _ => (l, r),
            };
            let ty = if is_null_literal(&r) {
                l.ty
            } else if is_null_literal(&l) {
                r.ty
            } else {
                unify(l.ty, r.ty).ok_or_else(|| mismatch(sym))?
            };
            if ty == Dynamic {
                return Err(PlanError::unsupported(span, "comparing two dynamic values"));
            }
            let (l, r) = if ty == Guid {
                (guid_side(l)?, guid_side(r)?)
            } else {
                (cast(l, ty), cast(r, ty))
            };
            let f = match op {
                BinOp::Eq => Func::Eq,
                BinOp::Ne => Func::Ne,
                BinOp::Lt => Func::Lt,
                BinOp::Le => Func::Le,
                BinOp::Gt => Func::Gt,
                _ => Func::Ge,
            };
            Ok(Expr::call(f, vec![l, r], Bool, span))
        }
        BinOp::EqCi | BinOp::NeCi => {
            let l = to_string_expr(l);
            let r = to_string_expr(r);
            let f = if op == BinOp::EqCi {
                Func::EqCi
            } else {
                Func::NeCi
            };
            Ok(Expr::call(f, vec![l, r], Bool, span))
        }
        BinOp::Str { op, negated } => {
            let l = to_string_expr(l);
            let r = to_string_expr(r);
            Ok(Expr::call(Func::Str(op, negated), vec![l, r], Bool, span))
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
            let f = match op {
                BinOp::Add => Func::Add,
                BinOp::Sub => Func::Sub,
                BinOp::Mul => Func::Mul,
                BinOp::Div => Func::Div,
                _ => Func::Mod,
            };
            let sym =
                ["+", "-", "*", "/", "%"][[Func::Add, Func::Sub, Func::Mul, Func::Div, Func::Mod]
                    .iter()
                    .position(|x| *x == f)
                    .unwrap_or(0)];
            let num = |t: KqlType| t.is_numeric();
            let out = match (l.ty, r.ty, f) {
                // Integer arithmetic is done in long (docs: "both integer → long").
                // Kusto rejects a constant integer expression that overflows.
                (Long | Int, Long | Int, Func::Add | Func::Sub | Func::Mul)
                    if const_overflows(&l, &r, f) =>
                {
                    return Err(PlanError::invalid(
                        span,
                        "integer overflow in a constant expression",
                    ));
                }
                (a, b, _) if num(a) && num(b) => {
                    let t = if a == Real || b == Real { Real } else { Long };
                    return Ok(Expr::call(f, vec![cast(l, t), cast(r, t)], t, span));
                }
                (DateTime, DateTime, Func::Sub) => TimeSpan,
                (DateTime, TimeSpan, Func::Add | Func::Sub) => DateTime,
                (TimeSpan, DateTime, Func::Add) => DateTime,
                (TimeSpan, TimeSpan, Func::Add | Func::Sub | Func::Mod) => TimeSpan,
                (TimeSpan, TimeSpan, Func::Div) => Real,
                (TimeSpan, b, Func::Mul | Func::Div) if num(b) => {
                    return Ok(Expr::call(f, vec![l, cast(r, Real)], TimeSpan, span));
                }
                (a, TimeSpan, Func::Mul) if num(a) => {
                    return Ok(Expr::call(f, vec![r, cast(l, Real)], TimeSpan, span));
                }
                _ => return Err(mismatch(sym)),
            };
            Ok(Expr::call(f, vec![l, r], out, span))
        }
    }
}

fn const_overflows(l: &Expr, r: &Expr, f: Func) -> bool {
    let v = |e: &Expr| match e.kind {
        ExprKind::Literal(Scalar::Long(v)) => Some(v),
        ExprKind::Literal(Scalar::Int(v)) => Some(v as i64),
        _ => None,
    };
    match (v(l), v(r)) {
        (Some(a), Some(b)) => match f {
            Func::Add => a.checked_add(b).is_none(),
            Func::Sub => a.checked_sub(b).is_none(),
            _ => a.checked_mul(b).is_none(),
        },
        _ => false,
    }
}

/// A guid comparison operand: string literals are validated and normalized.
fn guid_side(e: Expr) -> Result<Expr, PlanError> {
    match &e.kind {
        ExprKind::Literal(Scalar::String(s)) => match super::literals::parse_guid_text(s) {
            Some(g) => Ok(Expr::literal(Scalar::Guid(g), e.span)),
            None => Err(PlanError::ty(e.span, format!("`{s}` is not a guid"))),
        },
        _ if e.ty == KqlType::String => Ok(Expr::call(
            Func::ToLower,
            vec![e.clone()],
            KqlType::Guid,
            e.span,
        )),
        _ => Ok(e),
    }
}

/// A dynamic value read as scalar type `t` (its text for strings, parsed for numbers).
pub(crate) fn dynamic_as(e: Expr, t: KqlType) -> Expr {
    let span = e.span;
    let text = Expr::call(Func::ToString, vec![e], KqlType::String, span);
    match t {
        KqlType::Int | KqlType::Long | KqlType::Real => {
            Expr::call(Func::Cast(KqlType::Real), vec![text], KqlType::Real, span)
        }
        _ => text,
    }
}

/// `tostring(e)` unless `e` is already a string.
pub(crate) fn to_string_expr(e: Expr) -> Expr {
    if e.ty == KqlType::String {
        return e;
    }
    let span = e.span;
    Expr::call(Func::ToString, vec![e], KqlType::String, span)
}
