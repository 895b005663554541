//! `externaldata (cols) [ "url", … ] [with (format=…, ignoreFirstRecord=true)]`: the
//! rows of each URL, read through the catalog (hunt reads no URLs; the engine resolves
//! them to local copies) and kept as constant rows, in the order of the URLs.
//! The externaldata-operator docs: the default format is csv, `ignoreFirstRecord`
//! skips a header record.

use super::Planner;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{ExprKind, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;

impl Planner<'_> {
    pub(crate) fn plan_externaldata(
        &mut self,
        columns: &[(ast::Ident, ast::Ident)],
        uris: &[ast::Expr],
        with: &[(ast::Ident, ast::Expr)],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let mut fields: Vec<Field> = Vec::new();
        for (name, ty) in columns {
            let t = KqlType::from_name(&ty.name).ok_or_else(|| {
                PlanError::invalid(ty.span, format!("unknown type `{}`", ty.name))
            })?;
            if fields.iter().any(|f| f.name == name.name) {
                return Err(PlanError::invalid(
                    name.span,
                    format!("duplicate column `{}`", name.name),
                ));
            }
            fields.push(Field::new(&name.name, t));
        }
        let schema = Schema::new(fields);
        let empty = Schema::default();
        let constant = |e: &ast::Expr| -> Result<String, PlanError> {
            if let ast::ExprKind::Ident(id) = &e.kind {
                return Ok(id.name.clone());
            }
            match bind_expr(e, &self.scope(&empty, None))?.kind {
                ExprKind::Literal(Scalar::String(s)) => Ok(s.to_string()),
                ExprKind::Literal(Scalar::Bool(b)) => Ok(b.to_string()),
                _ => Err(PlanError::invalid(e.span, "expected a constant")),
            }
        };
        let mut format = "csv".to_string();
        let mut skip_first = false;
        for (name, value) in with {
            match name.name.to_ascii_lowercase().as_str() {
                "format" => format = constant(value)?.to_ascii_lowercase(),
                "ignorefirstrecord" => skip_first = constant(value)? == "true",
                // Options about the remote source that do not change the rows.
                "compressed" | "includeheaders" | "zippattern" => {}
                _ => {
                    return Err(PlanError::unsupported(
                        name.span,
                        format!("the externaldata property `{}`", name.name),
                    ));
                }
            }
        }
        let mut rows = Vec::new();
        for u in uris {
            let url = constant(u)?;
            let got = self
                .catalog
                .external_data(&url, &format, &schema, skip_first)
                .map_err(|m| PlanError::invalid(u.span, m))?;
            rows.extend(got);
        }
        let _ = span;
        Ok(LogicalPlan::Values { schema, rows })
    }
}
