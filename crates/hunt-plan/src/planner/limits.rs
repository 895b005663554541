//! The planner's documented limits, and constant folding of `let`-bound values, which
//! keeps plans small and linear whatever the query's shape.
//!
//! A scalar `let` is bound once and copied into each use. Copies of copies grow
//! exponentially (26 `let`s each twice the previous is 2^25 nodes), and a chain of 10,000
//! `let`s each using the previous nests 10,000 levels deep. A `let` whose value is a
//! constant expression (no column) is therefore evaluated when it is bound, through the
//! catalog, and kept as its value: each use then copies one literal. Where it cannot be
//! evaluated (a catalog without data, a column bound by a function parameter), the bound
//! expression must stay within [`MAX_EXPR_NODES`] and [`MAX_EXPR_DEPTH`].
//!
//! A pipeline (or a chain of tabular `let`s) nests one plan node per operator; the
//! optimizer and executor walk plans recursively, so a plan may be at most
//! [`MAX_PLAN_DEPTH`] deep, and a pipeline at most [`MAX_OPERATORS`] long. A tabular
//! `let` is copied into each use too, so `let`s that each use the previous one twice
//! (`let t2 = union t1, t1;`) double the plan: a plan may have at most [`MAX_PLAN_NODES`]
//! operators, checked as each `let` is bound, before the next copy. Real hunting queries stay far below these limits.

use super::Planner;
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind};
use crate::logical_plan::LogicalPlan;
use crate::types::Schema;
use hunt_syntax::Span;

/// Nodes of one `let`-bound expression that could not be evaluated when bound.
pub const MAX_EXPR_NODES: usize = 100_000;
/// Nesting of one `let`-bound expression that could not be evaluated when bound.
pub const MAX_EXPR_DEPTH: usize = 1_000;
/// Operators of one pipeline.
pub const MAX_OPERATORS: usize = 500;
/// Nesting of a plan: operators of pipelines, through `let`s and subqueries (room for a
/// pipeline of [`MAX_OPERATORS`] and the nodes its source plans to).
pub const MAX_PLAN_DEPTH: usize = 600;
/// Operators of a plan, counting each copy of a `let` where it is used.
pub const MAX_PLAN_NODES: usize = 10_000;

/// `(nodes, depth)` of `e`, counting stopped once a limit is passed.
fn expr_size(e: &Expr) -> (usize, usize) {
    let (mut nodes, mut depth) = (0, 0);
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        nodes += 1;
        depth = depth.max(d);
        if nodes > MAX_EXPR_NODES || depth > MAX_EXPR_DEPTH {
            break;
        }
        if let ExprKind::Call(_, args) = &e.kind {
            stack.extend(args.iter().map(|a| (a, d + 1)));
        }
    }
    (nodes, depth)
}

fn has_column(e: &Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Column(_) => return true,
            ExprKind::Literal(_) => {}
            ExprKind::Call(_, args) => stack.extend(args.iter()),
        }
    }
    false
}

/// `(nodes, depth)` of `plan`, counting stopped once [`MAX_PLAN_NODES`] or
/// [`MAX_PLAN_DEPTH`] is passed.
pub(crate) fn plan_size(plan: &LogicalPlan) -> (usize, usize) {
    let (mut nodes, mut depth) = (0, 0);
    let mut stack = vec![(plan, 1usize)];
    while let Some((p, d)) = stack.pop() {
        nodes += 1;
        depth = depth.max(d);
        if depth > MAX_PLAN_DEPTH || nodes > MAX_PLAN_NODES {
            break;
        }
        stack.extend(p.inputs().into_iter().map(|i| (i, d + 1)));
    }
    (nodes, depth)
}

/// Refuses a plan deeper than [`MAX_PLAN_DEPTH`] or larger than [`MAX_PLAN_NODES`].
pub(crate) fn check_plan(plan: &LogicalPlan, span: Span) -> Result<(), PlanError> {
    let (nodes, depth) = plan_size(plan);
    if nodes > MAX_PLAN_NODES {
        return Err(PlanError::limit(
            span,
            format!(
                "the query plans to more than {MAX_PLAN_NODES} operators (each use of a \
                 tabular `let` copies its operators); hunt's plans are limited to that size"
            ),
        )
        .with_help("use each tabular `let` fewer times"));
    }
    if depth > MAX_PLAN_DEPTH {
        return Err(PlanError::limit(
            span,
            format!(
                "the query nests more than {MAX_PLAN_DEPTH} operators (through its pipelines \
                 and `let`s); hunt's plans are limited to that depth"
            ),
        )
        .with_help("split the query, or combine consecutive `extend`s into one"));
    }
    Ok(())
}

impl Planner<'_> {
    /// The value to bind to `let name = e`: its value when it is a constant that can be
    /// evaluated now, otherwise the expression, which must stay within the limits.
    pub(crate) fn let_value(&self, name: &str, e: Expr) -> Result<Expr, PlanError> {
        let (nodes, depth) = expr_size(&e);
        // A volatile value (`let g = new_guid();`) is a new draw at each use, as the
        // toscalar page's example shows (only `toscalar(new_guid())` is one value).
        let e = if matches!(e.kind, ExprKind::Call(..)) && !has_column(&e) && !e.is_volatile() {
            match self.evaluate_constant(e)? {
                Ok(v) => return Ok(v),
                Err(e) => e,
            }
        } else {
            e
        };
        if nodes > MAX_EXPR_NODES || depth > MAX_EXPR_DEPTH {
            return Err(PlanError::limit(
                e.span,
                format!(
                    "the value of `{name}` grows past {MAX_EXPR_NODES} expression nodes or \
                     {MAX_EXPR_DEPTH} levels (each use of a `let` copies its expression)"
                ),
            ));
        }
        Ok(e)
    }

    /// `e` evaluated as a one-row `print` (`Ok(Ok(value))`), or `e` back when the catalog
    /// cannot run it; a value past a resource limit is the limit error. `e` moves into the
    /// plan and back, not copied: a `let` value may hold a string of tens of MB.
    fn evaluate_constant(&self, e: Expr) -> Result<Result<Expr, Expr>, PlanError> {
        let (ty, span) = (e.ty, e.span);
        let plan = LogicalPlan::Projection {
            input: Box::new(LogicalPlan::Values {
                schema: Schema::default(),
                rows: vec![vec![]],
            }),
            exprs: vec![("v".to_string(), e)],
        };
        let result = self.catalog.run_constant(&plan);
        // The expression back out of the plan (always there: built above).
        let back = match plan {
            LogicalPlan::Projection { mut exprs, .. } => exprs.pop().map(|(_, e)| e),
            _ => None,
        };
        let rows = match result {
            Ok(rows) => rows,
            Err(Some(message)) => return Err(PlanError::limit(span, message)),
            Err(None) => Vec::new(),
        };
        let value = rows.into_iter().next().and_then(|r| r.into_iter().next());
        Ok(match (value, back) {
            (Some(v), _) if v.ty() == ty || matches!(v, crate::expr::Scalar::Null(_)) => Ok(Expr {
                kind: ExprKind::Literal(v),
                ty,
                span,
            }),
            (_, Some(e)) => Err(e),
            (_, None) => {
                return Err(PlanError::invalid(span, "this value cannot be evaluated"));
            }
        })
    }
}
