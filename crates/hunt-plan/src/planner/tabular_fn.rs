//! Tabular user-defined functions and views
//! (<https://learn.microsoft.com/kusto/query/functions/user-defined-functions>):
//! `let f = (T:(x:long), v:long) { T | where x >= v };` called as a source (`f(t, 9)`, or
//! a bare `v` for a function without parameters), or by `T | invoke f(9)`
//! (<https://learn.microsoft.com/kusto/query/invoke-operator>), which passes `T` as the first
//! (tabular) parameter. The body is planned where it is called, with its parameters bound
//! as `let` names, as a macro would be.

use super::Planner;
use super::exprs::{bind_expr, cast};
use crate::error::PlanError;
use crate::logical_plan::LogicalPlan;
use crate::types::{KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast::{self, ParamType, SchemaItem, Source, Statement};

/// How deep functions may call functions (Kusto refuses recursion; this also bounds it).
const MAX_DEPTH: usize = 12;

impl Planner<'_> {
    /// True when `name` is a user function that returns a table: it has a tabular
    /// parameter or its body ends in a tabular expression.
    pub(crate) fn is_tabular_function(&self, name: &str) -> bool {
        self.tabular_function_at(name, 0)
    }

    fn tabular_function_at(&self, name: &str, depth: usize) -> bool {
        let Some((params, body)) = self.lets.function(name) else {
            return false;
        };
        if depth > MAX_DEPTH {
            return false;
        }
        if params.iter().any(|p| matches!(p.ty, ParamType::Tabular(_))) {
            return true;
        }
        let Some(Statement::Tabular(p)) = body.last() else {
            return false;
        };
        if !p.ops.is_empty() {
            return true;
        }
        let is_param = |n: &str| params.iter().any(|p| p.name.name == n);
        match &p.source {
            Source::Table(id) => {
                !is_param(&id.name)
                    && (self.lets.tabular(&id.name).is_some()
                        || self.catalog.table(&id.name).is_some()
                        || self.tabular_function_at(&id.name, depth + 1))
            }
            Source::Expr(e) => match &e.kind {
                ast::ExprKind::Subquery(_) => true,
                ast::ExprKind::Call { name, .. } => {
                    matches!(name.name.as_str(), "materialize" | "table")
                        || self.tabular_function_at(&name.name, depth + 1)
                }
                _ => false,
            },
            _ => true,
        }
    }

    /// Plans a call of the tabular function `name`; `input` is the piped table of `invoke`.
    pub(crate) fn call_tabular_function(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Expr],
        input: Option<LogicalPlan>,
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let Some(def) = self.lets.function_def(&name.name) else {
            return Err(PlanError::invalid(
                name.span,
                format!("`{}` is not a function", name.name),
            ));
        };
        let (params, body) = &*def;
        if self.calls.len() >= MAX_DEPTH || self.calls.contains(&name.name) {
            return Err(PlanError::invalid(
                name.span,
                format!("`{}` calls itself", name.name),
            ));
        }
        let given = args.len() + usize::from(input.is_some());
        if given > params.len() {
            return Err(PlanError::invalid(
                span,
                format!(
                    "`{}` takes {} argument(s), got {given}",
                    name.name,
                    params.len()
                ),
            ));
        }
        // A stored function sees the database (tables and stored functions), not the
        // caller's `let`s.
        let mut lets = if self.lets.is_stored(&name.name) {
            self.lets.database()
        } else {
            self.lets.clone()
        };
        let mut input = input;
        let mut rest = args.iter();
        for p in params {
            let arg = if input.is_some() { None } else { rest.next() };
            match &p.ty {
                ParamType::Tabular(items) => {
                    let plan = match (input.take(), arg) {
                        (Some(plan), _) => plan,
                        (None, Some(a)) => self.tabular_expr(a)?.ok_or_else(|| {
                            PlanError::ty(
                                a.span,
                                format!("`{}` expects a table for `{}`", name.name, p.name.name),
                            )
                        })?,
                        (None, None) => {
                            return Err(PlanError::invalid(
                                span,
                                format!("`{}` needs a table for `{}`", name.name, p.name.name),
                            ));
                        }
                    };
                    check_columns(&plan.schema(), items, &p.name)?;
                    lets.scalars.remove(&p.name.name);
                    lets.functions.remove(&p.name.name);
                    lets.tables.insert(p.name.name.clone(), plan);
                }
                ParamType::Scalar(t) => {
                    if input.is_some() {
                        return Err(PlanError::invalid(
                            p.name.span,
                            format!(
                                "`invoke` passes a table, but the first parameter of `{}` is a scalar",
                                name.name
                            ),
                        ));
                    }
                    let value = self.scalar_argument(name, p, t, arg, span)?;
                    lets.tables.remove(&p.name.name);
                    lets.functions.remove(&p.name.name);
                    lets.scalars.insert(p.name.name.clone(), value);
                }
            }
        }
        let saved = std::mem::replace(&mut self.lets, lets);
        self.calls.push(name.name.clone());
        let result = self.plan_body(body, span);
        self.calls.pop();
        self.lets = saved;
        result
    }

    /// A scalar argument (or the parameter's default), computed without row context.
    fn scalar_argument(
        &self,
        f: &ast::Ident,
        p: &ast::FunctionParam,
        t: &ast::Ident,
        arg: Option<&ast::Expr>,
        span: Span,
    ) -> Result<crate::expr::Expr, PlanError> {
        let e = arg.or(p.default.as_ref()).ok_or_else(|| {
            PlanError::invalid(
                span,
                format!("`{}` needs a value for `{}`", f.name, p.name.name),
            )
        })?;
        let ty = KqlType::from_name(&t.name)
            .ok_or_else(|| PlanError::invalid(t.span, format!("unknown type `{}`", t.name)))?;
        let empty = Schema::default();
        let sc = self.scope(&empty, None);
        let v = super::subquery::fold(&sc, bind_expr(e, &sc)?)?;
        if v.ty == ty || (v.ty.is_numeric() && ty.is_numeric()) {
            return Ok(cast(v, ty));
        }
        if matches!(
            v.kind,
            crate::expr::ExprKind::Literal(crate::expr::Scalar::Null(_))
        ) {
            return Ok(cast(v, ty));
        }
        Err(PlanError::ty(
            e.span,
            format!(
                "`{}` expects {ty} for `{}`, got {}",
                f.name, p.name.name, v.ty
            ),
        ))
    }

    /// The body's `let` statements, then its final tabular expression.
    fn plan_body(&mut self, body: &[Statement], span: Span) -> Result<LogicalPlan, PlanError> {
        let Some((last, lets)) = body.split_last() else {
            return Err(PlanError::invalid(span, "the function has an empty body"));
        };
        for st in lets {
            match st {
                Statement::Let { name, value, .. } => self.bind_let(name, value)?,
                _ => {
                    return Err(PlanError::unsupported(
                        span,
                        "this statement in a function body",
                    ));
                }
            }
        }
        match last {
            Statement::Tabular(p) => self.plan_pipeline(p),
            _ => Err(PlanError::invalid(
                span,
                "the function body does not end in a tabular expression",
            )),
        }
    }
}

/// A tabular argument must have the columns its parameter declares, with those types.
fn check_columns(
    schema: &Schema,
    items: &[SchemaItem],
    param: &ast::Ident,
) -> Result<(), PlanError> {
    for it in items {
        let SchemaItem::Column { name, ty } = it else {
            continue;
        };
        let want = KqlType::from_name(&ty.name)
            .ok_or_else(|| PlanError::invalid(ty.span, format!("unknown type `{}`", ty.name)))?;
        match schema.fields.iter().find(|f| f.name == name.name) {
            Some(f) if f.ty == want => {}
            Some(f) => {
                return Err(PlanError::ty(
                    name.span,
                    format!(
                        "`{}` needs column `{}` of type {want}, the table's is {}",
                        param.name, name.name, f.ty
                    ),
                ));
            }
            None => {
                return Err(PlanError::ty(
                    name.span,
                    format!(
                        "`{}` needs a column `{}`, which the table lacks",
                        param.name, name.name
                    ),
                ));
            }
        }
    }
    Ok(())
}
