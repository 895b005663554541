//! Binding of the less common aggregates: `make_list_with_nulls`, `make_bag(_if)` and the
//! weighted and array forms of the percentiles. Their names and signatures follow
//! the Kusto docs' aggregation-function pages.

use super::exprs::cast;
use crate::error::PlanError;
use crate::expr::{AggExpr, AggFunc, Expr, ExprKind, Scalar};
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
    if a.len() != 1 {
        return Err(PlanError::invalid(
            span,
            format!("`{}` takes 1 argument(s), got {}", name.name, a.len()),
        ));
    }
    let _ = n;
    // The oracle names make_list_with_nulls(v) `list_v`, as make_list (agent-aggregation-0033).
    Ok((
        AggExpr {
            func: AggFunc::MakeListWithNulls,
            args: vec![a[0].clone()],
            ty: KqlType::Dynamic,
            filter: None,
        },
        format!("list_{col}"),
    ))
}

/// Binds `make_bag(_if)`, `percentilew`, `percentilesw(_array)` and `percentiles_array`,
/// which may give several columns.
pub(super) fn bind_more(
    n: &str,
    name: &ast::Ident,
    a: &[Expr],
    col: &str,
    span: Span,
) -> Result<Vec<(AggExpr, String)>, PlanError> {
    use KqlType::*;
    let arity_err =
        || PlanError::invalid(span, format!("`{}` got {} argument(s)", name.name, a.len()));
    let weighted = n.starts_with("percentilew") || n.starts_with("percentilesw");
    let first_p = if weighted { 2 } else { 1 };
    if a.len() <= first_p || a.len() > first_p + 64 {
        return Err(arity_err());
    }
    let x = a[0].clone();
    if !(x.ty.is_numeric() || matches!(x.ty, DateTime | TimeSpan)) {
        return Err(PlanError::ty(
            x.span,
            format!("`{n}` needs numbers, got {}", x.ty),
        ));
    }
    let w = if weighted {
        let w = a[1].clone();
        if !matches!(w.ty, Int | Long) {
            return Err(PlanError::ty(
                w.span,
                format!("`{n}` needs an integer weight, got {}", w.ty),
            ));
        }
        cast(w, Long)
    } else {
        Expr::literal(Scalar::Long(1), span)
    };
    // The `_array` forms also take the percentiles as one dynamic array (their pages'
    // second syntax: `percentiles_array(x, dynamic([50, 75, 99.9]))`).
    let listed: Vec<Expr> = match &a[first_p..] {
        [p] if n.ends_with("_array") => match &p.kind {
            ExprKind::Literal(Scalar::Dynamic(serde_json::Value::Array(items))) => items
                .iter()
                .map(|i| match i.as_f64() {
                    Some(v) => Ok(Expr::literal(Scalar::Real(v), p.span)),
                    None => Err(PlanError::invalid(
                        p.span,
                        "the array of percentiles holds numbers only",
                    )),
                })
                .collect::<Result<_, _>>()?,
            _ => a[first_p..].to_vec(),
        },
        rest => rest.to_vec(),
    };
    if listed.is_empty() {
        return Err(arity_err());
    }
    let mut ps = Vec::new();
    for p in &listed {
        let v = match &p.kind {
            ExprKind::Literal(Scalar::Long(v)) => *v as f64,
            ExprKind::Literal(Scalar::Int(v)) => f64::from(*v),
            ExprKind::Literal(Scalar::Real(v)) => *v,
            _ => return Err(PlanError::unsupported(p.span, "a non-constant percentile")),
        };
        if !(0.0..=100.0).contains(&v) {
            return Err(PlanError::invalid(
                p.span,
                "a percentile is between 0 and 100",
            ));
        }
        ps.push((v, p.span));
    }
    if n.ends_with("_array") {
        let mut args = vec![x, w];
        args.extend(ps.iter().map(|(v, s)| Expr::literal(Scalar::Real(*v), *s)));
        return Ok(vec![(
            AggExpr {
                func: AggFunc::PercentilesArray,
                args,
                ty: Dynamic,
                filter: None,
            },
            // The docs name percentilesw_array(LatencyBucket, …) `percentile_LatencyBucket`
            // (its page's example) but percentiles_array(Value, …) `percentiles_Value` (its
            // page's examples and Kusto's binder, `PercentileArrayReturn`).
            if weighted {
                format!("percentile_{col}")
            } else {
                format!("percentiles_{col}")
            },
        )]);
    }
    if n == "percentilew" && ps.len() != 1 {
        return Err(arity_err());
    }
    // Named like percentile(): percentile_<col>_<p>, a fraction's dot as `_`.
    Ok(ps
        .into_iter()
        .map(|(v, s)| {
            let txt = if v.fract() == 0.0 {
                format!("{}", v as i64)
            } else {
                format!("{v}").replace('.', "_")
            };
            (
                AggExpr {
                    func: AggFunc::PercentileW,
                    args: vec![x.clone(), w.clone(), Expr::literal(Scalar::Real(v), s)],
                    ty: x.ty,
                    filter: None,
                },
                format!("percentile_{col}_{txt}"),
            )
        })
        .collect())
}
