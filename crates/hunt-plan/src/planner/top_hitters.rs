//! Planning `T | top-hitters N of Col [by Weight]` (docs: top-hitters-operator). The page
//! calls it conceptually `summarize S = sum(Weight) by Col | top N by S desc` (without
//! `by`: `count()`), approximated by a Count-Min sketch on large inputs; hunt computes
//! the exact answer, which is what the approximation estimates. Kusto's binder
//! (`VisitTopHittersOperator`) wants an integer count, a column after `of` and a number
//! after `by`, and names the second column `approximate_sum_<Weight>` or
//! `approximate_count_<Col>`. Which of several groups tied at the cut Kusto keeps is not
//! documented (the operator is non-deterministic, and the oracle keeps a later group over
//! an earlier one), so a tie at the cut fails the query rather than guess.

use super::Scope;
use super::exprs::bind_expr;
use super::functions::bind_aggregate;
use crate::error::PlanError;
use crate::expr::{Expr, Func, Scalar};
use crate::logical_plan::{LogicalPlan, SortKey, WindowFunc};
use crate::registry::{Implementation, registry};
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast;

/// The plan of `top-hitters count of of [by by]` over `input`.
pub(crate) fn plan_top_hitters(
    input: LogicalPlan,
    sc: &Scope<'_>,
    n: usize,
    of: &ast::Expr,
    by: Option<&ast::Expr>,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let key = bind_expr(of, sc)?;
    let Some(key_name) = key.as_column().map(str::to_string) else {
        return Err(PlanError::invalid(
            of.span,
            "`top-hitters … of` needs a column (Kusto's binder: the expression must be a column)",
        ));
    };
    let call = |name: &str, args: Vec<ast::Expr>| ast::Expr {
        kind: ast::ExprKind::Call {
            name: ast::Ident {
                name: name.to_string(),
                span,
            },
            args,
        },
        span,
    };
    let (agg_name, agg_call) = match by {
        None => (
            format!("approximate_count_{key_name}"),
            call("count", vec![]),
        ),
        Some(w) => {
            let weight = bind_expr(w, sc)?;
            if !weight.ty.is_numeric() {
                return Err(PlanError::ty(
                    w.span,
                    format!("`top-hitters … by` needs a number, got {}", weight.ty),
                ));
            }
            let Some(col) = weight.as_column() else {
                return Err(PlanError::unsupported(
                    w.span,
                    "`top-hitters … by` an expression that is not a column (its column's name is not documented)",
                ));
            };
            (
                format!("approximate_sum_{col}"),
                call("sum", vec![w.clone()]),
            )
        }
    };
    let mut aggs = bind_aggregate(&agg_call, sc, &[])?;
    let (agg, _) = aggs.remove(0);
    let agg_ty = agg.ty;
    let grouped = LogicalPlan::Aggregate {
        input: Box::new(input),
        group_by: vec![(key_name.clone(), key.clone())],
        aggs: vec![(agg_name.clone(), agg)],
    };
    let value = Expr::column(&agg_name, agg_ty, span);
    let sorted = LogicalPlan::Sort {
        input: Box::new(grouped),
        keys: vec![SortKey {
            expr: value.clone(),
            descending: true,
            nulls_first: false,
        }],
        fetch: None,
    };
    let (rank, next) = ("__top_hitters_rank", "__top_hitters_next");
    let numbered = LogicalPlan::Window {
        input: Box::new(sorted),
        exprs: vec![
            (
                rank.to_string(),
                WindowFunc::RowNumber {
                    start: 1,
                    restart: None,
                },
            ),
            (
                next.to_string(),
                WindowFunc::Shift {
                    expr: value.clone(),
                    offset: 1,
                    default: Scalar::Null(agg_ty),
                    forward: true,
                },
            ),
        ],
    };
    let bool_call = |f: Func, args: Vec<Expr>| Expr::call(f, args, KqlType::Bool, span);
    let rank_col = Expr::column(rank, KqlType::Long, span);
    let n_lit = Expr::literal(Scalar::Long(n as i64), span);
    // No tie at the cut: a row other than the last kept one, or the last kept one with no
    // next group, or a next group of another value (written so that no part is null).
    let untied = [
        bool_call(Func::Ne, vec![rank_col.clone(), n_lit.clone()]),
        bool_call(Func::IsNull, vec![Expr::column(next, agg_ty, span)]),
        bool_call(Func::IsNull, vec![value.clone()]),
        bool_call(
            Func::Ne,
            vec![value.clone(), Expr::column(next, agg_ty, span)],
        ),
    ]
    .into_iter()
    .reduce(|a, b| bool_call(Func::Or, vec![a, b]))
    .unwrap_or_else(|| Expr::literal(Scalar::Bool(true), span));
    let Some(Implementation::Scalar(assert)) = registry().get("assert").map(|e| e.imp) else {
        return Err(PlanError::unsupported(
            span,
            "top-hitters (a bug: the registry lacks `assert`, which it uses)",
        ));
    };
    let message = Expr::literal(
        Scalar::String(
            format!(
                "top-hitters {n}: the groups ranked {n} and {} tie, and which of them Kusto keeps is not documented; hunt does not guess",
                n + 1
            )
            .into(),
        ),
        span,
    );
    let checked = Expr::call(
        Func::Def(assert),
        vec![untied, message],
        KqlType::Bool,
        span,
    );
    let kept = LogicalPlan::Filter {
        input: Box::new(numbered),
        predicate: bool_call(
            Func::And,
            vec![bool_call(Func::Le, vec![rank_col, n_lit]), checked],
        ),
    };
    Ok(LogicalPlan::Projection {
        input: Box::new(kept),
        exprs: vec![
            (key_name.clone(), Expr::column(&key_name, key.ty, span)),
            (agg_name, value),
        ],
    })
}
