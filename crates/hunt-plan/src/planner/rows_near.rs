//! Planning `evaluate rows_near(Condition, NumRows [, RowsAfter])` (docs: rows-near-plugin):
//! every input row within `NumRows` rows of a row where the condition is true (before or
//! after; `RowsAfter`, when given, counts the rows after instead), once each, in input
//! order. A null condition is not true.
//!
//! The input is read at plan time through the catalog's probe, with the condition as one
//! more column, and the kept rows become a `Values` plan, as the other row-reading
//! plugins do; more than [`MAX_ROWS`] rows are refused. The counts must be constant
//! non-negative integers.

use super::Planner;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast;

/// The most input rows read.
pub const MAX_ROWS: usize = 1_000_000;

impl Planner<'_> {
    pub(crate) fn plan_rows_near(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let (cond, before, after) = match args {
            [c, n] => (c, n, None),
            [c, n, a] => (c, n, Some(a)),
            _ => {
                return Err(PlanError::invalid(
                    span,
                    "`rows_near` takes a condition, NumRows and an optional RowsAfter",
                ));
            }
        };
        let schema = input.schema();
        let sc = self.scope(&schema, None);
        let cond = bind_expr(cond, &sc)?;
        if cond.ty != KqlType::Bool {
            return Err(PlanError::ty(
                cond.span,
                format!("`rows_near` needs a bool condition, got {}", cond.ty),
            ));
        }
        let count = |e: &ast::Expr| -> Result<usize, PlanError> {
            let b = bind_expr(e, &sc)?;
            let n = match b.kind {
                ExprKind::Literal(Scalar::Long(n)) => n,
                ExprKind::Literal(Scalar::Int(n)) => i64::from(n),
                _ => {
                    return Err(PlanError::invalid(
                        e.span,
                        "`rows_near` needs a constant integer count",
                    ));
                }
            };
            usize::try_from(n).map_err(|_| {
                PlanError::invalid(e.span, "`rows_near` needs a count of zero or more")
            })
        };
        let n_before = count(before)?;
        let n_after = match after {
            Some(a) => count(a)?,
            None => n_before,
        };
        // The input's columns and the condition, read now.
        let mut exprs: Vec<(String, Expr)> = schema
            .fields
            .iter()
            .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
            .collect();
        let flag = super::geo_lookup::free_name(&schema.fields, "rows_near_condition");
        exprs.push((flag, cond));
        let probe = LogicalPlan::Projection {
            input: Box::new(input),
            exprs,
        };
        let mut rows =
            self.probe_rows(&probe, "`rows_near`'s input", "rows_near", MAX_ROWS, span)?;
        let hits: Vec<bool> = rows
            .iter_mut()
            .map(|r| matches!(r.pop(), Some(Scalar::Bool(true))))
            .collect();
        let mut keep = vec![false; rows.len()];
        for (i, _) in hits.iter().enumerate().filter(|(_, h)| **h) {
            let lo = i.saturating_sub(n_before);
            let hi = i.saturating_add(n_after).min(rows.len().saturating_sub(1));
            keep[lo..=hi].iter_mut().for_each(|k| *k = true);
        }
        let rows = rows
            .into_iter()
            .zip(keep)
            .filter_map(|(r, k)| k.then_some(r))
            .collect();
        Ok(LogicalPlan::Values { schema, rows })
    }
}
