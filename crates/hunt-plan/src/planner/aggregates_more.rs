//! Binding of the less common aggregates: population variance and deviation, covariance,
//! `make_list_with_nulls` and the `binary_all_*` folds. Their names and signatures follow
//! the Kusto docs' aggregation-function pages.

use super::exprs::cast;
use crate::error::PlanError;
use crate::expr::{AggExpr, AggFunc, Expr};
use crate::types::KqlType;
use hunt_syntax::{Span, ast};

/// Binds aggregate `n` over bound arguments `a`; `col` is the first argument's column
/// name (empty if it is not a column), for the default result name.
pub(super) fn bind(
    n: &str,
    name: &ast::Ident,
    a: &[Expr],
    col: &str,
    span: Span,
) -> Result<(AggExpr, String), PlanError> {
    use KqlType::*;
    if matches!(n, "variancepif" | "stdevpif") {
        return Err(PlanError::unsupported(
            span,
            format!(
                "`{n}` (its docs' example gives the sample variance, unlike variancep's, \
                 so Kusto's answer is unclear)"
            ),
        ));
    }
    let iff = n.ends_with("if");
    let pair = n.starts_with("covariance");
    let want = usize::from(pair) + usize::from(iff) + 1;
    if a.len() != want {
        return Err(PlanError::invalid(
            span,
            format!("`{}` takes {want} argument(s), got {}", name.name, a.len()),
        ));
    }
    let filter = if iff {
        let p = a[want - 1].clone();
        if p.ty != Bool {
            return Err(PlanError::ty(
                p.span,
                format!("`{n}` needs a bool predicate, got {}", p.ty),
            ));
        }
        Some(p)
    } else {
        None
    };
    let number = |e: &Expr| -> Result<Expr, PlanError> {
        if e.ty.is_numeric() {
            Ok(cast(e.clone(), Real))
        } else {
            Err(PlanError::ty(
                e.span,
                format!("`{n}` needs numbers, got {}", e.ty),
            ))
        }
    };
    let agg = |func, args, ty| AggExpr {
        func,
        args,
        ty,
        filter: filter.clone(),
    };
    Ok(match n {
        "stdevp" | "variancep" => {
            let func = if n.starts_with("stdevp") {
                AggFunc::StdevP
            } else {
                AggFunc::VarianceP
            };
            (agg(func, vec![number(&a[0])?], Real), format!("{n}_{col}"))
        }
        _ if pair => {
            let func = if n.starts_with("covariancep") {
                AggFunc::CovarianceP
            } else {
                AggFunc::Covariance
            };
            let y_col = a[1].as_column().unwrap_or("");
            (
                agg(func, vec![number(&a[0])?, number(&a[1])?], Real),
                format!("{n}_{col}_{y_col}"),
            )
        }
        // The oracle names make_list_with_nulls(v) `list_v`, as make_list (agent-aggregation-0033).
        "make_list_with_nulls" => (
            agg(AggFunc::MakeListWithNulls, vec![a[0].clone()], Dynamic),
            format!("list_{col}"),
        ),
        _ => {
            let x = &a[0];
            if !matches!(x.ty, Int | Long) {
                return Err(PlanError::ty(
                    x.span,
                    format!("`{n}` needs integers, got {}", x.ty),
                ));
            }
            let func = match n {
                "binary_all_and" => AggFunc::BinaryAllAnd,
                "binary_all_or" => AggFunc::BinaryAllOr,
                _ => AggFunc::BinaryAllXor,
            };
            (
                agg(func, vec![cast(x.clone(), Long)], Long),
                format!("{n}_{col}"),
            )
        }
    })
}
