//! `project-by-names`: keep and order columns named by strings, dynamic arrays of names,
//! `column_names_of(T)` and `*` wildcard patterns (the Kusto docs' project-by-names page:
//! columns come in the order they are specified or matched; names that match nothing are
//! ignored; a column is kept once).

use super::Scope;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::Schema;
use hunt_syntax::Span;
use hunt_syntax::ast;

/// Plans `project-by-names specs` over `input`.
pub(crate) fn project_by_names(
    input: LogicalPlan,
    schema: &Schema,
    sc: &Scope<'_>,
    specs: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let mut names: Vec<String> = Vec::new();
    for spec in specs {
        for pattern in spec_names(spec, sc)? {
            for f in &schema.fields {
                if wildcard_match(&pattern, &f.name) && !names.contains(&f.name) {
                    names.push(f.name.clone());
                }
            }
        }
    }
    let exprs = names
        .iter()
        .filter_map(|n| schema.fields.iter().find(|f| &f.name == n))
        .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
        .collect();
    Ok(LogicalPlan::Projection {
        input: Box::new(input),
        exprs,
    })
}

/// The names or patterns one specifier stands for.
fn spec_names(spec: &ast::Expr, sc: &Scope<'_>) -> Result<Vec<String>, PlanError> {
    if let ast::ExprKind::Call { name, args } = &spec.kind
        && name.name == "column_names_of"
    {
        let table = match args.as_slice() {
            [
                ast::Expr {
                    kind: ast::ExprKind::Ident(id),
                    ..
                },
            ] => id,
            _ => {
                return Err(PlanError::invalid(
                    spec.span,
                    "`column_names_of` takes a table name",
                ));
            }
        };
        let schema = match sc.lets.tabular(&table.name) {
            Some(plan) => plan.schema(),
            None => sc
                .catalog
                .table(&table.name)
                .map_err(|e| PlanError::unreadable(table.span, &table.name, e))?
                .ok_or_else(|| {
                    PlanError::invalid(table.span, format!("unknown table `{}`", table.name))
                })?,
        };
        return Ok(schema.fields.iter().map(|f| f.name.clone()).collect());
    }
    let bound = bind_expr(spec, sc)?;
    match &bound.kind {
        ExprKind::Literal(Scalar::String(s)) => Ok(vec![s.to_string()]),
        ExprKind::Literal(Scalar::Dynamic(serde_json::Value::Array(items))) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    PlanError::invalid(spec.span, "`project-by-names` needs column names (strings)")
                })
            })
            .collect(),
        _ => Err(PlanError::unsupported(
            spec.span,
            "a `project-by-names` specifier that is not a constant name, array or `column_names_of`",
        )),
    }
}

/// `*` in `pattern` matches any run of characters; everything else matches itself.
pub(crate) fn wildcard_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("C*", "City"));
        assert!(wildcard_match("*y", "City"));
        assert!(wildcard_match("C*t*", "Country"));
        assert!(!wildcard_match("C*", "Name"));
        assert!(wildcard_match("Name", "Name"));
        assert!(!wildcard_match("Na", "Name"));
        assert!(!wildcard_match("ab*ba", "aba"));
    }
}
