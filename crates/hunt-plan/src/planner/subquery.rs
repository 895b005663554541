//! Subqueries the planner needs the value of: `toscalar(…)` and `materialize(…)`.
//!
//! Kusto computes `toscalar` once per query, outside any row context
//! (<https://learn.microsoft.com/kusto/query/toscalar-function>), so hunt plans the
//! subquery, runs it through the [`Catalog`](crate::Catalog) while planning and binds the
//! value as a constant: the first column of the first row, or a null of that column's
//! type when the subquery returns no rows. `materialize(T)` caches `T` in Kusto, so every
//! reference reads the same rows: hunt runs `T` once while planning and keeps its rows as
//! constants when there are at most [`MATERIALIZE_ROWS`], and otherwise plans `T` at each
//! reference (the same rows for deterministic queries).

use super::exprs::bind_expr;
use super::{Planner, Scope};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::Schema;
use hunt_syntax::Span;
use hunt_syntax::ast;

/// The most rows `materialize` keeps as constants in the plan.
const MATERIALIZE_ROWS: usize = 100_000;

/// A planner for a subquery of the scope: the same catalog, `now()` and `let` names,
/// minus scalar names bound to the caller's columns (a user function's parameters), which
/// a subquery cannot see: Kusto refuses them as "outside its row-context scope".
pub(crate) fn sub_planner<'a>(sc: &Scope<'a>) -> Planner<'a> {
    let mut lets = sc.lets.clone();
    lets.scalars.retain(|_, e| {
        let mut cols = Vec::new();
        e.columns_into(&mut cols);
        cols.is_empty()
    });
    Planner {
        catalog: sc.catalog,
        now_ns: sc.now_ns,
        lets,
        notices: vec![],
        input_name: None,
        calls: vec![],
    }
}

impl Planner<'_> {
    /// The plan of `e` when it is a tabular expression: a parenthesized pipeline, a table
    /// or tabular `let` name, `materialize(…)` or `table("name")`; `None` for a scalar.
    pub(crate) fn tabular_expr(&mut self, e: &ast::Expr) -> Result<Option<LogicalPlan>, PlanError> {
        match &e.kind {
            ast::ExprKind::Subquery(p) => Ok(Some(self.plan_pipeline(p)?)),
            ast::ExprKind::Paren(inner) => self.tabular_expr(inner),
            ast::ExprKind::Ident(id) if self.lets.scalar(&id.name).is_none() => {
                match self.lets.tabular(&id.name) {
                    Some(p) => Ok(Some(p.clone())),
                    None if self.catalog.has_table(&id.name)
                        || self.is_tabular_function(&id.name) =>
                    {
                        Ok(Some(self.table_source(id)?))
                    }
                    None => Ok(None),
                }
            }
            ast::ExprKind::Call { name, args } if self.is_tabular_function(&name.name) => {
                Ok(Some(self.call_tabular_function(name, args, None, e.span)?))
            }
            ast::ExprKind::Call { name, args } if name.name == "materialize" => {
                let [arg] = args.as_slice() else {
                    return Err(PlanError::invalid(
                        e.span,
                        "`materialize` takes one tabular argument",
                    ));
                };
                match self.tabular_expr(arg)? {
                    Some(p) => Ok(Some(self.materialized(p))),
                    None => Err(PlanError::invalid(
                        arg.span,
                        "`materialize` needs a tabular expression",
                    )),
                }
            }
            ast::ExprKind::Call { name, args } if name.name == "table" => {
                let [arg] = args.as_slice() else {
                    return Err(PlanError::invalid(e.span, "`table` takes one table name"));
                };
                let empty = Schema::default();
                let v = bind_expr(arg, &self.scope(&empty, None))?;
                let ExprKind::Literal(Scalar::String(t)) = &v.kind else {
                    return Err(PlanError::unsupported(
                        arg.span,
                        "`table()` with a name that is not a constant string",
                    ));
                };
                let id = ast::Ident {
                    name: t.to_string(),
                    span: arg.span,
                };
                Ok(Some(self.table_source(&id)?))
            }
            _ => Ok(None),
        }
    }
}

impl Planner<'_> {
    /// `plan`'s rows as constants when it runs here and is small, else `plan` itself (a
    /// failure then surfaces when the query runs).
    fn materialized(&self, plan: LogicalPlan) -> LogicalPlan {
        let capped = LogicalPlan::Limit {
            input: Box::new(plan.clone()),
            fetch: MATERIALIZE_ROWS + 1,
        };
        match self.catalog.run(&capped) {
            Ok(rows) if rows.len() <= MATERIALIZE_ROWS => LogicalPlan::Values {
                schema: plan.schema(),
                rows,
            },
            _ => plan,
        }
    }
}

/// Runs `plan` through the catalog and returns the first value of its first row (a typed
/// null when it has no rows).
pub(crate) fn first_value(
    sc: &Scope<'_>,
    plan: LogicalPlan,
    span: Span,
) -> Result<Scalar, PlanError> {
    let schema = plan.schema();
    let Some(first) = schema.fields.first() else {
        return Err(PlanError::invalid(span, "the subquery has no columns"));
    };
    let ty = first.ty;
    let limited = LogicalPlan::Limit {
        input: Box::new(plan),
        fetch: 1,
    };
    let rows = sc
        .catalog
        .run(&limited)
        .map_err(|m| PlanError::invalid(span, format!("cannot compute the subquery: {m}")))?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .unwrap_or(Scalar::Null(ty)))
}

/// `toscalar(x)`: the value of a tabular or scalar expression, computed once.
pub(crate) fn bind_toscalar(
    args: &[ast::Expr],
    span: Span,
    sc: &Scope<'_>,
) -> Result<Expr, PlanError> {
    let [arg] = args else {
        return Err(PlanError::invalid(span, "`toscalar` takes one argument"));
    };
    let mut planner = sub_planner(sc);
    if let Some(plan) = planner.tabular_expr(arg)? {
        return Ok(Expr::literal(first_value(sc, plan, span)?, span));
    }
    // A scalar: bound with no input columns (no row context), computed once.
    let empty = Schema::default();
    let e = bind_expr(arg, &planner.scope(&empty, None))?;
    fold(sc, e)
}

/// A constant expression (one that reads no column) computed into a literal.
pub(crate) fn fold(sc: &Scope<'_>, e: Expr) -> Result<Expr, PlanError> {
    let mut cols = Vec::new();
    e.columns_into(&mut cols);
    if matches!(e.kind, ExprKind::Literal(_)) || !cols.is_empty() {
        return Ok(e);
    }
    let span = e.span;
    let one_row = LogicalPlan::Projection {
        input: Box::new(LogicalPlan::Values {
            schema: Schema::default(),
            rows: vec![vec![]],
        }),
        exprs: vec![("x".into(), e)],
    };
    Ok(Expr::literal(first_value(sc, one_row, span)?, span))
}
