//! Planning `mv-expand`: items, `to typeof()`, `with_itemindex`, `kind`, `limit`.

use super::Scope;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{ExprKind, Scalar};
use crate::logical_plan::{LogicalPlan, MvExpandItem};
use crate::types::KqlType;
use hunt_syntax::ast;

pub(crate) fn plan_mv_expand(
    input: LogicalPlan,
    sc: &Scope<'_>,
    params: &[(ast::Ident, ast::Expr)],
    items: &[(ast::NamedExpr, Option<ast::Ident>)],
    limit: Option<&ast::Expr>,
) -> Result<LogicalPlan, PlanError> {
    let mut index_column = None;
    let mut bag_as_array = false;
    for (name, value) in params {
        let word = match &value.kind {
            ast::ExprKind::Ident(v) => v.name.clone(),
            _ => return Err(PlanError::invalid(value.span, "expected a name")),
        };
        match name.name.as_str() {
            "with_itemindex" => index_column = Some(word),
            "kind" | "bagexpansion" => match word.as_str() {
                "bag" => bag_as_array = false,
                "array" => bag_as_array = true,
                other => {
                    return Err(PlanError::invalid(
                        value.span,
                        format!("unknown expansion kind `{other}`"),
                    ));
                }
            },
            other => {
                return Err(PlanError::unsupported(
                    name.span,
                    format!("the mv-expand parameter `{other}`"),
                ));
            }
        }
    }
    let mut out = Vec::new();
    for (ne, to) in items {
        let e = bind_expr(&ne.expr, sc)?;
        if e.ty != KqlType::Dynamic {
            return Err(PlanError::ty(
                ne.expr.span,
                format!("mv-expand needs a dynamic value, got {}", e.ty),
            )
            .with_help("wrap JSON text in parse_json() or todynamic()"));
        }
        let name = match (ne.names.as_slice(), e.as_column()) {
            ([n], _) => n.name.clone(),
            ([], Some(c)) => c.to_string(),
            ([], None) => {
                // `mv-expand todynamic(AttackTechniques)` replaces the one column it reads.
                let mut cols = Vec::new();
                e.columns_into(&mut cols);
                match cols.as_slice() {
                    [one] => one.clone(),
                    _ => {
                        return Err(PlanError::invalid(
                            ne.expr.span,
                            "name the expanded expression: `Name = expr`",
                        ));
                    }
                }
            }
            ([_, extra, ..], _) => {
                return Err(PlanError::unsupported(
                    extra.span,
                    "several names for one expansion",
                ));
            }
        };
        let ty = match to {
            None => KqlType::Dynamic,
            Some(t) => KqlType::from_name(&t.name)
                .ok_or_else(|| PlanError::invalid(t.span, format!("unknown type `{}`", t.name)))?,
        };
        out.push(MvExpandItem { name, expr: e, ty });
    }
    let limit = match limit {
        None => None,
        Some(l) => match bind_expr(l, sc)?.kind {
            ExprKind::Literal(Scalar::Long(v)) if v >= 0 => Some(v as usize),
            _ => return Err(PlanError::invalid(l.span, "expected a constant row limit")),
        },
    };
    Ok(LogicalPlan::MvExpand {
        input: Box::new(input),
        items: out,
        index_column,
        bag_as_array,
        limit,
    })
}
