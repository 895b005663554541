//! Binding a call of an aggregate that has a definition (`crate::registry::defs`): the
//! `…if` form's predicate is taken off and bound here, the same way for every aggregate,
//! and the definition checks the rest.

use super::Scope;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{AggExpr, AggFunc};
use crate::registry::AggDef;
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast;

/// `def` called as `name(args)` (its own name or its `…if` name): the aggregate and its
/// default column name, `<prefix>_<name of the first argument>`.
pub(crate) fn bind(
    def: AggDef,
    name: &ast::Ident,
    args: &[ast::Expr],
    sc: &Scope<'_>,
    span: Span,
) -> Result<(AggExpr, String), PlanError> {
    let iff = def.0.if_name() == Some(name.name.as_str());
    let mut bound = args
        .iter()
        .map(|a| bind_expr(a, sc))
        .collect::<Result<Vec<_>, _>>()?;
    let filter = if iff {
        let p = bound.pop().ok_or_else(|| {
            PlanError::invalid(span, format!("`{}` needs a predicate", name.name))
        })?;
        if p.ty != KqlType::Bool {
            return Err(PlanError::ty(
                p.span,
                format!("`{}` needs a bool predicate, got {}", name.name, p.ty),
            ));
        }
        Some(p)
    } else {
        None
    };
    let col = args
        .first()
        .and_then(super::result_names::result_name)
        .unwrap_or_default();
    let column = def.0.column_name(&name.name, &col, &bound);
    let (args_bound, ty) = def.0.bind(bound, span)?;
    Ok((
        AggExpr {
            func: AggFunc::Def(def),
            args: args_bound,
            ty,
            filter,
        },
        column,
    ))
}
