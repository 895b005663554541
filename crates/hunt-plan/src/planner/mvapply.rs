//! Planning `mv-apply`: the expansion is planned as `mv-expand` would plan it, the
//! subquery over a placeholder for one record's expanded rows
//! (<https://learn.microsoft.com/kusto/query/mv-apply-operator>).

use super::Planner;
use crate::error::PlanError;
use crate::logical_plan::LogicalPlan;
use hunt_syntax::Span;
use hunt_syntax::ast;

impl Planner<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn plan_mv_apply(
        &mut self,
        input: LogicalPlan,
        table: Option<&str>,
        params: &[(ast::Ident, ast::Expr)],
        items: &[(ast::NamedExpr, Option<ast::Ident>)],
        limit: Option<&ast::Expr>,
        body: &ast::Pipeline,
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        // The docs give mv-apply only `with_itemindex`; `kind=` and others are refused.
        if let Some((name, _)) = params.iter().find(|(n, _)| n.name != "with_itemindex") {
            return Err(PlanError::unsupported(
                name.span,
                format!("the mv-apply parameter `{}`", name.name),
            ));
        }
        // "A random name is used otherwise": an unnamed expansion of anything but a column
        // gets a name hunt cannot reproduce.
        if let Some((ne, _)) = items
            .iter()
            .find(|(ne, _)| ne.names.is_empty() && !matches!(ne.expr.kind, ast::ExprKind::Ident(_)))
        {
            return Err(PlanError::unsupported(
                ne.expr.span,
                "an unnamed mv-apply expansion of an expression (Kusto names it randomly)",
            )
            .with_help("name it: `x = expr`"));
        }
        let in_schema = input.schema();
        let expanded = {
            let sc = self.scope(&in_schema, table);
            super::mvexpand::plan_mv_expand(input, &sc, params, items, limit)?
        };
        let rows_schema = expanded.schema();
        let LogicalPlan::MvExpand {
            input,
            items,
            index_column,
            limit,
            ..
        } = expanded
        else {
            return Err(PlanError::invalid(
                span,
                "mv-apply: unexpected expansion plan",
            ));
        };
        // The subquery's implicit source is the record's expanded rows.
        if !matches!(body.source, ast::Source::Implicit(_)) {
            return Err(PlanError::unsupported(
                body.span,
                "an mv-apply subquery that does not start with an operator",
            ));
        }
        let mut plan = LogicalPlan::ApplyRows {
            schema: rows_schema,
        };
        for op in &body.ops {
            plan = self.plan_operator(plan, op, None)?;
        }
        // "Adds … the values of the source columns that aren't expanded": the record's
        // columns not replaced by an expansion, unless the body returns them itself.
        // Kusto's answers (oracle i-mvapplysum, docs mv-apply examples) put them first.
        let body_schema = plan.schema();
        let outer = in_schema
            .fields
            .iter()
            .filter(|f| !items.iter().any(|i| i.name == f.name))
            .filter(|f| body_schema.index_of(&f.name).is_none())
            .map(|f| f.name.clone())
            .collect();
        Ok(LogicalPlan::MvApply {
            input,
            items,
            index_column,
            limit,
            body: Box::new(plan),
            outer,
        })
    }
}
