//! Planning `evaluate schema_merge([PreserveOrder])` (docs: schema-merge-plugin): the
//! input is several `getschema` outputs one after another (each starts at ordinal 0); the
//! result is one schema in `getschema`'s shape holding each column once, in order of first
//! appearance, numbered from 0.
//!
//! The input is read at plan time (through the catalog's probe). Refused, because the page
//! shows them only through rows Kusto marks `ERROR(…)` or leaves their rule open: a column
//! whose type differs between schemas ("tries to reduce data types to common ones"), and a
//! column whose ordinal differs from the one it had where it first appeared (with
//! `PreserveOrder` true Kusto writes an error row; with false the page's example reorders
//! the columns by a rule it does not state).

use super::Planner;
use crate::error::PlanError;
use crate::expr::Scalar;
use crate::logical_plan::LogicalPlan;
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast;

const COLUMNS: [&str; 4] = ["ColumnName", "ColumnOrdinal", "DataType", "ColumnType"];

impl Planner<'_> {
    pub(crate) fn plan_schema_merge(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        // PreserveOrder (positional or named) is a constant bool; either value is read the
        // same way here, as a reordering is refused.
        for a in args {
            let v = match &a.kind {
                ast::ExprKind::NamedArg { name, value } if name.name == "PreserveOrder" => value,
                ast::ExprKind::NamedArg { name, .. } => {
                    return Err(PlanError::invalid(
                        name.span,
                        format!("`schema_merge` has no parameter `{}`", name.name),
                    ));
                }
                _ => a,
            };
            if !matches!(v.kind, ast::ExprKind::Literal(ast::Literal::Bool(_))) {
                return Err(PlanError::invalid(
                    v.span,
                    "`PreserveOrder` is a constant bool",
                ));
            }
        }
        if args.len() > 1 {
            return Err(PlanError::invalid(
                span,
                "`schema_merge` takes at most one argument",
            ));
        }
        let schema = input.schema();
        let idx: Vec<usize> = COLUMNS
            .iter()
            .map(|c| {
                schema.index_of(c).ok_or_else(|| {
                    PlanError::invalid(
                        span,
                        format!("`schema_merge` reads `getschema` output; `{c}` is missing"),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let ord_ty = schema.fields[idx[1]].ty;
        let mut rows: Vec<Vec<Scalar>> = Vec::new();
        self.probe(&input, "`evaluate schema_merge`", span, &mut |row| {
            rows.push(row)
        })?;
        // (name, ordinal where it first appeared, data type, column type)
        let mut merged: Vec<(Scalar, i64, Scalar, Scalar)> = Vec::new();
        for row in rows {
            let ordinal = match &row[idx[1]] {
                Scalar::Long(v) => *v,
                Scalar::Int(v) => i64::from(*v),
                _ => {
                    return Err(PlanError::unsupported(
                        span,
                        "`schema_merge` of a null ordinal",
                    ));
                }
            };
            let (name, data, ty) = (&row[idx[0]], &row[idx[2]], &row[idx[3]]);
            match merged.iter().find(|m| &m.0 == name) {
                None => merged.push((name.clone(), ordinal, data.clone(), ty.clone())),
                Some(m) if &m.3 != ty || &m.2 != data => {
                    return Err(PlanError::unsupported(
                        span,
                        "`schema_merge` of a column whose type differs between schemas",
                    ));
                }
                Some(m) if m.1 != ordinal => {
                    return Err(PlanError::unsupported(
                        span,
                        "`schema_merge` of a column whose ordinal differs between schemas",
                    ));
                }
                Some(_) => {}
            }
        }
        let out_schema = crate::types::Schema::new(
            COLUMNS
                .iter()
                .zip(&idx)
                .map(|(c, i)| crate::types::Field::new(*c, schema.fields[*i].ty))
                .collect(),
        );
        let rows = merged
            .into_iter()
            .enumerate()
            .map(|(i, (name, _, data, ty))| {
                let ord = if ord_ty == KqlType::Int {
                    Scalar::Int(i as i32)
                } else {
                    Scalar::Long(i as i64)
                };
                vec![name, ord, data, ty]
            })
            .collect();
        Ok(LogicalPlan::Values {
            schema: out_schema,
            rows,
        })
    }
}
