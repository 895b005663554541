//! The list operators `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`: what their
//! parenthesized list stands for, and the typed call they bind to.
//!
//! The Kusto docs (in-operator, has-any-operator): the list is "a tabular expression or a
//! list of scalar expressions"; a dynamic array in the list is flattened into its
//! elements (`x in (dynamic(["a", "b"]))`, `let L = dynamic([…]); x in (L)`), and a
//! tabular expression contributes the values of its first column (`x in (T | project c)`,
//! `let T = …; x in (T)`). The list can hold up to 1,000,000 values. A `where` whose
//! conjunct is `col in (T)` / `col !in (T)` is planned as a semi join instead
//! (`operators.rs`); everywhere else the tabular list is run once while planning and its
//! values become constants, as `toscalar` does.

use super::Scope;
use super::exprs::{bind_expr, cast, dynamic_as, to_string_expr, unify};
use super::subquery::{fold, sub_planner};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Func, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast::{self, ListOp};

/// The most values a list may hold (the in-operator page: "up to 1,000,000 values").
const MAX_VALUES: usize = 1_000_000;

/// Binds `expr op (list)`.
pub(crate) fn bind_list_op(
    expr: &ast::Expr,
    op: ListOp,
    list: &[ast::Expr],
    span: Span,
    sc: &Scope<'_>,
) -> Result<Expr, PlanError> {
    let x = bind_expr(expr, sc)?;
    let mut items = Vec::new();
    for item in list {
        items.extend(list_values(item, sc)?);
        if items.len() > MAX_VALUES {
            return Err(PlanError::invalid(
                item.span,
                format!(
                    "the list of `{}` holds more than {MAX_VALUES} values",
                    keyword(op)
                ),
            ));
        }
    }
    bind_in_list(x, op, items, span)
}

fn keyword(op: ListOp) -> &'static str {
    match op {
        ListOp::In => "in",
        ListOp::NotIn => "!in",
        ListOp::InCi => "in~",
        ListOp::NotInCi => "!in~",
        ListOp::HasAny => "has_any",
        ListOp::HasAll => "has_all",
    }
}

/// The values one list item stands for: the first column of a tabular item, the
/// elements of a dynamic array, or the item itself.
fn list_values(item: &ast::Expr, sc: &Scope<'_>) -> Result<Vec<Expr>, PlanError> {
    if is_tabular(item, sc) {
        let mut planner = sub_planner(sc);
        if let Some(plan) = planner.tabular_expr(item)? {
            return tabular_values(plan, item.span, sc);
        }
    }
    let bound = bind_expr(item, sc)?;
    if bound.ty != KqlType::Dynamic {
        return Ok(vec![bound]);
    }
    let span = bound.span;
    let folded = fold(sc, bound)?;
    match folded.kind {
        ExprKind::Literal(Scalar::Dynamic(serde_json::Value::Array(elems))) => Ok(elems
            .into_iter()
            .map(|v| Expr::literal(json_scalar(v), span))
            .collect()),
        ExprKind::Literal(Scalar::Dynamic(v)) => Ok(vec![Expr::literal(json_scalar(v), span)]),
        ExprKind::Literal(Scalar::Null(_)) => Ok(vec![]),
        _ => Err(PlanError::unsupported(
            span,
            "a list operand that is a dynamic value computed per row",
        )
        .with_help("use set_has_element() or array_index_of() for per-row arrays")),
    }
}

/// True when `item` names a table, a tabular `let` or a subquery rather than a scalar
/// (a column or scalar `let` of the same name wins, as elsewhere in binding).
fn is_tabular(item: &ast::Expr, sc: &Scope<'_>) -> bool {
    match &item.kind {
        ast::ExprKind::Paren(inner) => is_tabular(inner, sc),
        ast::ExprKind::Subquery(_) => true,
        ast::ExprKind::Ident(id) => {
            sc.schema.index_of(&id.name).is_none()
                && sc.lets.scalar(&id.name).is_none()
                && sc.lets.function(&id.name).is_none()
                && (sc.lets.tabular(&id.name).is_some() || sc.catalog.has_table(&id.name))
        }
        _ => false,
    }
}

/// The first column of `plan`, run once, as literals.
fn tabular_values(plan: LogicalPlan, span: Span, sc: &Scope<'_>) -> Result<Vec<Expr>, PlanError> {
    let schema = plan.schema();
    let Some(first) = schema.fields.first() else {
        return Err(PlanError::invalid(span, "the list's table has no columns"));
    };
    let ty = first.ty;
    let capped = LogicalPlan::Limit {
        input: Box::new(plan),
        fetch: MAX_VALUES + 1,
    };
    let rows = sc
        .catalog
        .run(&capped)
        .map_err(|m| PlanError::invalid(span, format!("cannot compute the list's table: {m}")))?;
    // A dynamic column's values are flattened like a dynamic list item: an array gives
    // its elements, a JSON string or number its scalar.
    let mut out = Vec::new();
    for r in rows {
        match r.into_iter().next().unwrap_or(Scalar::Null(ty)) {
            Scalar::Dynamic(serde_json::Value::Array(elems)) => out.extend(
                elems
                    .into_iter()
                    .map(|v| Expr::literal(json_scalar(v), span)),
            ),
            Scalar::Dynamic(v) => out.push(Expr::literal(json_scalar(v), span)),
            v => out.push(Expr::literal(v, span)),
        }
    }
    Ok(out)
}

/// A JSON element of a dynamic array as the scalar Kusto compares: strings, longs,
/// reals and bools keep their type; null is a null; arrays and bags stay dynamic.
fn json_scalar(v: serde_json::Value) -> Scalar {
    use serde_json::Value;
    match v {
        Value::Null => Scalar::Null(KqlType::Dynamic),
        Value::Bool(b) => Scalar::Bool(b),
        Value::String(s) => Scalar::String(s.into()),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Scalar::Long(i),
            None => Scalar::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        other => Scalar::Dynamic(other),
    }
}

/// The typed call of `x op (items)`, the items already flattened.
pub(crate) fn bind_in_list(
    x: Expr,
    op: ListOp,
    items: Vec<Expr>,
    span: Span,
) -> Result<Expr, PlanError> {
    let (func, stringy) = match op {
        ListOp::In => (in_func(false, false), false),
        ListOp::NotIn => (in_func(false, true), false),
        ListOp::InCi => (in_func(true, false), true),
        ListOp::NotInCi => (in_func(true, true), true),
        ListOp::HasAny => (Func::HasAny, true),
        ListOp::HasAll => (Func::HasAll, true),
    };
    if stringy {
        let mut args = vec![to_string_expr(x)];
        args.extend(items.into_iter().map(to_string_expr));
        return Ok(Expr::call(func, args, KqlType::Bool, span));
    }
    // A dynamic left side compares its value as the list's scalar type, as `==` does
    // (`RawEventData.SessionId in (ids)` compares the session id as a string).
    let (x, items) = if x.ty == KqlType::Dynamic {
        let item_ty = items
            .iter()
            .filter(|i| !is_null_literal(i))
            .map(|i| i.ty)
            .try_fold(None, |acc: Option<KqlType>, t| match acc {
                None => Some(Some(t)),
                Some(a) => unify(a, t).map(Some),
            });
        match item_ty {
            Some(Some(t)) if t != KqlType::Dynamic => (dynamic_as(x, t), items),
            Some(None) => (dynamic_as(x, KqlType::String), items),
            // Values of several types (a list from a dynamic column): compared as text.
            None if items.iter().all(|i| i.ty != KqlType::Dynamic) => (
                dynamic_as(x, KqlType::String),
                items.into_iter().map(to_string_expr).collect(),
            ),
            _ => (x, items),
        }
    } else {
        (x, items)
    };
    let mut ty = x.ty;
    for i in &items {
        if is_null_literal(i) {
            continue;
        }
        ty = unify(ty, i.ty).ok_or_else(|| {
            PlanError::ty(
                i.span,
                format!("cannot compare {} with {} in `{}`", x.ty, i.ty, keyword(op)),
            )
        })?;
    }
    if ty == KqlType::Dynamic {
        return Err(PlanError::unsupported(span, "`in` over dynamic values"));
    }
    let mut args = vec![cast(x, ty)];
    args.extend(items.into_iter().map(|i| cast(i, ty)));
    Ok(Expr::call(func, args, KqlType::Bool, span))
}

fn in_func(ci: bool, negated: bool) -> Func {
    Func::In { ci, negated }
}

fn is_null_literal(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Literal(Scalar::Null(_)))
}
