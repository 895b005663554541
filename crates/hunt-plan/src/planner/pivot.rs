//! Planning `evaluate pivot(Column [, agg(x)] [, Key, …])`
//! (<https://learn.microsoft.com/kusto/query/pivot-plugin>): the distinct values of
//! `Column` are read first (through the catalog's probe), then the pivot is an aggregate
//! by the keys with one aggregate per value, filtered to the rows holding that value.

use super::Planner;
use super::exprs::bind_expr;
use super::functions::bind_aggregate;
use crate::error::PlanError;
use crate::expr::{AggExpr, AggFunc, Expr, Func, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast;

pub(crate) fn plan_pivot(
    p: &Planner<'_>,
    input: LogicalPlan,
    args: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let schema = input.schema();
    let sc = p.scope(&schema, None);
    let Some(first) = args.first() else {
        return Err(PlanError::invalid(span, "pivot needs the column to rotate"));
    };
    let pivot_col = match &first.kind {
        ast::ExprKind::Ident(id) => id.name.clone(),
        _ => return Err(PlanError::invalid(first.span, "pivot needs a column name")),
    };
    let col = bind_expr(first, &sc)?;
    if !matches!(col.ty, KqlType::String | KqlType::Long | KqlType::Int) {
        return Err(PlanError::unsupported(
            first.span,
            format!("pivot of a {} column", col.ty),
        ));
    }
    // The aggregate: count() unless written. Only count and sum are taken, the ones whose
    // value for a missing combination the docs show (0); the others are refused.
    let (agg, keys_from) = match args.get(1) {
        Some(
            a @ ast::Expr {
                kind: ast::ExprKind::Call { name, .. },
                ..
            },
        ) => {
            if !matches!(name.name.as_str(), "count" | "sum") {
                return Err(PlanError::unsupported(
                    a.span,
                    format!(
                        "pivot with `{}()` (hunt takes count() and sum())",
                        name.name
                    ),
                ));
            }
            let mut bound = bind_aggregate(a, &sc, &[])?;
            match (bound.pop(), bound.is_empty()) {
                (Some((agg, _)), true) => (agg, 2),
                _ => return Err(PlanError::unsupported(a.span, "this pivot aggregate")),
            }
        }
        _ => (
            AggExpr {
                func: AggFunc::Count,
                args: vec![],
                ty: KqlType::Long,
                filter: None,
            },
            1,
        ),
    };
    let mut agg_cols = Vec::new();
    agg.args.iter().for_each(|a| a.columns_into(&mut agg_cols));
    // The keys: the columns written, else every column but the pivoted and aggregated ones.
    let keys: Vec<(String, Expr)> = if args.len() > keys_from {
        args[keys_from..]
            .iter()
            .map(|a| match &a.kind {
                ast::ExprKind::Ident(id) => Ok((id.name.clone(), bind_expr(a, &sc)?)),
                _ => Err(PlanError::invalid(a.span, "expected a column name")),
            })
            .collect::<Result<_, _>>()?
    } else {
        schema
            .fields
            .iter()
            .filter(|f| f.name != pivot_col && !agg_cols.contains(&f.name))
            .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
            .collect()
    };
    // The distinct values, first seen first.
    let probe = LogicalPlan::Aggregate {
        input: Box::new(input.clone()),
        group_by: vec![(pivot_col.clone(), col.clone())],
        aggs: vec![],
    };
    let mut values = Vec::new();
    p.probe(&probe, "`evaluate pivot`", span, &mut |row| {
        values.push(row)
    })?;
    let mut aggs: Vec<(String, AggExpr)> = Vec::new();
    for row in values {
        let (name, lit) = match row.into_iter().next() {
            Some(Scalar::String(s)) if !s.is_empty() => (s.to_string(), Scalar::String(s)),
            Some(Scalar::Long(v)) => (v.to_string(), Scalar::Long(v)),
            Some(Scalar::Int(v)) => (v.to_string(), Scalar::Int(v)),
            _ => {
                return Err(PlanError::unsupported(
                    first.span,
                    "pivot over a null or empty value (the docs do not name its column)",
                ));
            }
        };
        if keys.iter().any(|(k, _)| *k == name) || aggs.iter().any(|(a, _)| *a == name) {
            return Err(PlanError::unsupported(
                first.span,
                format!("pivot value `{name}` clashing with another column"),
            ));
        }
        let filter = Expr::call(
            Func::Eq,
            vec![col.clone(), Expr::literal(lit, span)],
            KqlType::Bool,
            span,
        );
        aggs.push((
            name,
            AggExpr {
                filter: Some(filter),
                ..agg.clone()
            },
        ));
    }
    Ok(LogicalPlan::Aggregate {
        input: Box::new(input),
        group_by: keys,
        aggs,
    })
}
