//! Operators that name, call or split their input and plan subqueries over it:
//! `as` (<https://learn.microsoft.com/kusto/query/as-operator>), `invoke` and `partition`.

use super::Planner;
use crate::error::PlanError;
use crate::logical_plan::LogicalPlan;
use hunt_syntax::ast::{self, OperatorKind};

impl Planner<'_> {
    /// Plans `as`, `invoke` or `partition` over `input`.
    pub(crate) fn plan_staged(
        &mut self,
        input: LogicalPlan,
        op: &ast::Operator,
    ) -> Result<LogicalPlan, PlanError> {
        match &op.kind {
            // `as Name` names its input for the rest of the query.
            OperatorKind::As(id) => {
                self.lets.scalars.remove(&id.name);
                self.lets.functions.remove(&id.name);
                self.lets.tables.insert(id.name.clone(), input.clone());
                Ok(input)
            }
            OperatorKind::Partition {
                params, by, body, ..
            } => self.plan_partition(input, params, by, body, op.span),
            // `invoke f(…)` calls a tabular function with its input as the first argument.
            OperatorKind::Invoke(call) => {
                let ast::ExprKind::Call { name, args } = &call.kind else {
                    return Err(PlanError::invalid(
                        call.span,
                        "`invoke` needs a function call",
                    ));
                };
                if !self.is_tabular_function(&name.name) {
                    return Err(PlanError::invalid(
                        name.span,
                        format!("`{}` is not a tabular function", name.name),
                    ));
                }
                self.call_tabular_function(name, args, Some(input), op.span)
            }
            other => Err(PlanError::unsupported(
                op.span,
                format!("the `{}` operator", other.keyword()),
            )),
        }
    }
}
