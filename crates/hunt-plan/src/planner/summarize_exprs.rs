//! Expressions over aggregates in `summarize`: `span = max(d) - min(d)`,
//! `pct = 100.0 * countif(p) / count()`, `r = toupper(tohex(binary_all_and(n)))`.
//! Each aggregate call inside such an expression becomes a hidden aggregate column and
//! the expression is computed from those columns after the grouping, as Kusto's oracle
//! shows (agent-aggregation-0024, agent-null-and-edge-0035).

use super::functions::is_aggregate_name;
use hunt_syntax::ast::{self, ExprKind};

/// The prefix of the hidden aggregate columns.
pub(super) const HIDDEN: &str = "__hunt_agg";

/// Whether `e` is itself an aggregate call (the plain `summarize` form).
pub(super) fn is_aggregate_call(e: &ast::Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { name, .. } if is_aggregate_name(&name.name))
}

/// `e` with each aggregate call replaced by a reference to hidden column
/// `{HIDDEN}{k}`, the calls appended to `found` (k counts from `found`'s length).
pub(super) fn lift(e: &ast::Expr, found: &mut Vec<ast::Expr>) -> ast::Expr {
    let boxed = |x: &ast::Expr, found: &mut Vec<ast::Expr>| Box::new(lift(x, found));
    let kind = match &e.kind {
        ExprKind::Call { name, .. } if is_aggregate_name(&name.name) => {
            let id = ast::Ident {
                name: format!("{HIDDEN}{}", found.len()),
                span: e.span,
            };
            found.push(e.clone());
            ExprKind::Ident(id)
        }
        ExprKind::Call { name, args } => ExprKind::Call {
            name: name.clone(),
            args: args.iter().map(|a| lift(a, found)).collect(),
        },
        ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary {
            op: *op,
            lhs: boxed(lhs, found),
            rhs: boxed(rhs, found),
        },
        ExprKind::Neg(x) => ExprKind::Neg(boxed(x, found)),
        ExprKind::Paren(x) => ExprKind::Paren(boxed(x, found)),
        ExprKind::Member { expr, name } => ExprKind::Member {
            expr: boxed(expr, found),
            name: name.clone(),
        },
        ExprKind::Index { expr, index } => ExprKind::Index {
            expr: boxed(expr, found),
            index: boxed(index, found),
        },
        ExprKind::InList { expr, op, list } => ExprKind::InList {
            expr: boxed(expr, found),
            op: *op,
            list: list.iter().map(|a| lift(a, found)).collect(),
        },
        ExprKind::Between {
            expr,
            negated,
            low,
            high,
        } => ExprKind::Between {
            expr: boxed(expr, found),
            negated: *negated,
            low: boxed(low, found),
            high: boxed(high, found),
        },
        other => other.clone(),
    };
    ast::Expr { kind, span: e.span }
}
