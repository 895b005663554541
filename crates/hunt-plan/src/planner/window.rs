//! Window functions (`row_number`, `row_cumsum`, `prev`, `next`, `row_rank_min`,
//! `row_rank_dense`, `row_window_session`): valid only over serialized rows, planned as a `Window` node whose
//! extra columns the expression then reads.

use super::Scope;
use super::exprs::{bind_expr, cast};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::logical_plan::{LogicalPlan, WindowFunc};
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast;

/// Whether `plan`'s rows are serialized (have a defined order window functions may use):
/// after `sort`, `top` or `serialize`, through operators that keep row order.
pub(crate) fn is_serialized(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Sort { .. } | LogicalPlan::Window { .. } => true,
        LogicalPlan::Filter { input, .. }
        | LogicalPlan::Projection { input, .. }
        | LogicalPlan::MvExpand { input, .. }
        | LogicalPlan::Parse { input, .. }
        | LogicalPlan::Steps { input, .. }
        | LogicalPlan::Limit { input, .. } => is_serialized(input),
        _ => false,
    }
}

fn restart_arg(args: &[ast::Expr], i: usize, sc: &Scope<'_>) -> Result<Option<Expr>, PlanError> {
    let Some(a) = args.get(i) else {
        return Ok(None);
    };
    let e = bind_expr(a, sc)?;
    if e.ty != KqlType::Bool {
        return Err(PlanError::ty(
            a.span,
            format!("a restart condition must be bool, got {}", e.ty),
        ));
    }
    Ok(Some(e))
}

fn const_long(a: &ast::Expr, sc: &Scope<'_>, what: &str) -> Result<i64, PlanError> {
    match bind_expr(a, sc)?.kind {
        ExprKind::Literal(Scalar::Long(v)) => Ok(v),
        ExprKind::Literal(Scalar::Int(v)) => Ok(v as i64),
        _ => Err(PlanError::invalid(
            a.span,
            format!("{what} must be a constant long"),
        )),
    }
}

/// A constant timespan argument, in nanoseconds.
fn const_timespan(a: &ast::Expr, sc: &Scope<'_>, what: &str) -> Result<i64, PlanError> {
    match bind_expr(a, sc)?.kind {
        ExprKind::Literal(Scalar::TimeSpan(v)) => Ok(v),
        _ => Err(PlanError::invalid(
            a.span,
            format!("{what} must be a constant timespan"),
        )),
    }
}

/// Binds a window function call, recording it in the scope; the call itself becomes a
/// reference to the window column that will hold its value.
pub(crate) fn bind_window(
    name: &ast::Ident,
    args: &[ast::Expr],
    span: Span,
    sc: &Scope<'_>,
) -> Result<Expr, PlanError> {
    let n = name.name.as_str();
    let Some(collector) = sc.windows else {
        return Err(PlanError::invalid(
            name.span,
            format!("`{n}()` needs serialized rows: put `serialize` or `sort` before it"),
        )
        .with_label("rows are not serialized here"));
    };
    let argc = |min: usize, max: usize| {
        if args.len() < min || args.len() > max {
            Err(PlanError::invalid(
                span,
                format!("`{n}` takes {min} to {max} arguments, got {}", args.len()),
            ))
        } else {
            Ok(())
        }
    };
    let func = match n {
        "row_number" => {
            argc(0, 2)?;
            let start = match args.first() {
                Some(a) => const_long(a, sc, "the start of row_number")?,
                None => 1,
            };
            WindowFunc::RowNumber {
                start,
                restart: restart_arg(args, 1, sc)?,
            }
        }
        "row_cumsum" => {
            argc(1, 2)?;
            let e = bind_expr(&args[0], sc)?;
            let e = match e.ty {
                KqlType::Int | KqlType::Long | KqlType::Bool => cast(e, KqlType::Long),
                KqlType::Real | KqlType::TimeSpan => e,
                t => {
                    return Err(PlanError::ty(
                        args[0].span,
                        format!("`row_cumsum` cannot sum {t} values"),
                    ));
                }
            };
            WindowFunc::RowCumsum {
                expr: e,
                restart: restart_arg(args, 1, sc)?,
            }
        }
        "prev" | "next" => {
            argc(1, 3)?;
            let e = bind_expr(&args[0], sc)?;
            let offset = match args.get(1) {
                Some(a) => {
                    let v = const_long(a, sc, "the offset")?;
                    if v < 1 {
                        return Err(PlanError::invalid(a.span, "the offset must be at least 1"));
                    }
                    v as usize
                }
                None => 1,
            };
            let default = match args.get(2) {
                None => Scalar::Null(e.ty),
                Some(a) => {
                    let d = cast(bind_expr(a, sc)?, e.ty);
                    match d.kind {
                        ExprKind::Literal(s) if s.ty() == e.ty || s.is_null() => s,
                        _ => {
                            return Err(PlanError::invalid(
                                a.span,
                                format!("the default of `{n}` must be a constant {}", e.ty),
                            ));
                        }
                    }
                }
            };
            WindowFunc::Shift {
                expr: e,
                offset,
                default,
                forward: n == "next",
            }
        }
        "row_window_session" => {
            // docs: row-window-session-function; Functions.cs: (datetime, timespan,
            // timespan [, bool]) giving the first argument's type. The page's older text
            // calls both distances scalar constants.
            argc(3, 4)?;
            let e = bind_expr(&args[0], sc)?;
            if e.ty != KqlType::DateTime {
                return Err(PlanError::ty(
                    args[0].span,
                    format!("`row_window_session` needs a datetime, got {}", e.ty),
                ));
            }
            WindowFunc::Session {
                expr: e,
                max_from_first: const_timespan(&args[1], sc, "MaxDistanceFromFirst")?,
                max_between: const_timespan(&args[2], sc, "MaxDistanceBetweenNeighbors")?,
                restart: restart_arg(args, 3, sc)?,
            }
        }
        _ => {
            argc(1, 2)?;
            let e = bind_expr(&args[0], sc)?;
            WindowFunc::RowRank {
                expr: e,
                restart: restart_arg(args, 1, sc)?,
                dense: n == "row_rank_dense",
            }
        }
    };
    let ty = func.ty();
    let mut ws = collector.borrow_mut();
    let col = format!("__window{}", ws.len());
    ws.push((col.clone(), func));
    Ok(Expr::column(col, ty, span))
}
