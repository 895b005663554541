//! The arguments the activity plugins share (`activity_counts_metrics`,
//! `sliding_window_counts`, `active_users_count`): an id column and a datetime timeline
//! column named first, constants after them, and no dimensions. Each plugin's own
//! arguments and its answer stay in its module.

use super::Scope;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::types::KqlType;
use hunt_syntax::ast;

/// The column an argument names (`what` says which, in the error).
fn ident<'a>(name: &str, e: &'a ast::Expr, what: &str) -> Result<&'a ast::Ident, PlanError> {
    match &e.kind {
        ast::ExprKind::Ident(id) => Ok(id),
        _ => Err(PlanError::invalid(
            e.span,
            format!("`{name}` needs a column name for {what}"),
        )),
    }
}

/// `bin(x, step)` as a syntax tree, bound by the planner like any call.
pub(super) fn bin_call(x: ast::Expr, step: &ast::Expr) -> ast::Expr {
    let span = x.span;
    ast::Expr {
        kind: ast::ExprKind::Call {
            name: ast::Ident {
                name: "bin".into(),
                span,
            },
            args: vec![x, step.clone()],
        },
        span,
    }
}

/// The value of a constant argument.
pub(super) fn constant(sc: &Scope<'_>, e: &ast::Expr) -> Result<Scalar, PlanError> {
    match super::subquery::fold(sc, bind_expr(e, sc)?)?.kind {
        ExprKind::Literal(s) => Ok(s),
        _ => Err(PlanError::invalid(e.span, "expected a constant")),
    }
}

/// The id and timeline columns of plugin `name`, bound: refused when dimensions follow,
/// when the ids are dynamic or the timeline is not a datetime (the pages say nothing of
/// either). Also gives the timeline's name.
pub(super) fn id_and_timeline<'a>(
    name: &str,
    sc: &Scope<'_>,
    id: &ast::Expr,
    timeline: &'a ast::Expr,
    dims: &[ast::Expr],
) -> Result<(Expr, Expr, &'a ast::Ident), PlanError> {
    if let Some(d) = dims.first() {
        return Err(PlanError::unsupported(
            d.span,
            format!("`{name}` with dimensions"),
        ));
    }
    let id = ident(name, id, "the ids")?;
    let timeline = ident(name, timeline, "the timeline")?;
    let col = |i: &ast::Ident| -> Result<Expr, PlanError> {
        bind_expr(
            &ast::Expr {
                kind: ast::ExprKind::Ident(i.clone()),
                span: i.span,
            },
            sc,
        )
    };
    let id_e = col(id)?;
    if id_e.ty == KqlType::Dynamic {
        return Err(PlanError::ty(
            id.span,
            format!("`{name}` ids cannot be dynamic"),
        ));
    }
    let time_e = col(timeline)?;
    if time_e.ty != KqlType::DateTime {
        return Err(PlanError::unsupported(
            timeline.span,
            format!("`{name}` over a {} timeline", time_e.ty),
        ));
    }
    Ok((id_e, time_e, timeline))
}
