//! The `partition` operator (<https://learn.microsoft.com/kusto/query/partition-operator>):
//! the input split by the values of a key column, a subquery run on each part, and the
//! union of the results.
//!
//! hunt runs the input while planning (through the catalog, as `toscalar` does): a small
//! input is split there into constant parts, one per key value; for a larger one only the
//! distinct keys are read and each part is the input filtered to its key. One copy of the
//! subquery is planned per part. Inside the subquery the key's name is also a scalar `let` holding the part's
//! value, so `toscalar(Key)` and, in the legacy `{ T | … }` form with its own source, a
//! bare `Key` read it, as the docs describe.

use super::Planner;
use super::exprs::bind_binary;
use crate::error::PlanError;
use crate::expr::{Expr, Func, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast::{self, BinOp};

/// Kusto's limit for the legacy strategy (the default).
const LEGACY_MAX_PARTS: usize = 64;
/// hunt plans one subquery per part; more parts than this are refused.
const MAX_PARTS: usize = 10_000;
/// Inputs of at most this many values are read once and split while planning.
const MAX_CELLS: usize = 2_000_000;

impl Planner<'_> {
    /// Plans `input | partition [hint.strategy=…] by Key (subquery)` or `{ subquery }`.
    pub(crate) fn plan_partition(
        &mut self,
        input: LogicalPlan,
        params: &[(ast::Ident, ast::Expr)],
        by: &ast::Expr,
        body: &ast::Pipeline,
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let mut legacy = true;
        for (k, v) in params {
            match (k.name.as_str(), &v.kind) {
                ("hint.strategy", ast::ExprKind::Ident(s)) => match s.name.as_str() {
                    "legacy" => legacy = true,
                    "native" | "shuffle" => legacy = false,
                    other => {
                        return Err(PlanError::invalid(
                            v.span,
                            format!("unknown partition strategy `{other}`"),
                        ));
                    }
                },
                // Hints that tune execution only.
                (n, _) if n.starts_with("hint.") => {}
                (n, _) => {
                    return Err(PlanError::invalid(
                        k.span,
                        format!("unknown partition parameter `{n}`"),
                    ));
                }
            }
        }
        let schema = input.schema();
        let ast::ExprKind::Ident(key) = &by.kind else {
            return Err(PlanError::invalid(by.span, "`partition by` needs a column"));
        };
        let Some(field) = schema.fields.iter().find(|f| f.name == key.name).cloned() else {
            return Err(PlanError::new(
                crate::error::PlanErrorKind::UnknownColumn,
                key.span,
                format!("unknown column `{}`", key.name),
            ));
        };
        if matches!(field.ty, KqlType::Dynamic | KqlType::Real) {
            return Err(PlanError::unsupported(
                key.span,
                format!("`partition` by a {} column", field.ty),
            ));
        }
        // The docs reserve a subquery with its own source for the legacy strategy, yet
        // their geo_point_in_polygon example runs one with `native`: both are accepted.
        let implicit = matches!(body.source, ast::Source::Implicit(_));
        let col = Expr::column(&field.name, field.ty, key.span);
        // A small input is read once and split here into constant parts; a larger one is
        // filtered by each of its distinct keys.
        let cap = (MAX_CELLS / schema.fields.len().max(1)).max(1);
        let capped = LogicalPlan::Limit {
            input: Box::new(input.clone()),
            fetch: cap + 1,
        };
        let key_index = schema.index_of(&field.name).unwrap_or(0);
        let sources: Vec<(Scalar, LogicalPlan)> = match self.catalog.run(&capped) {
            Ok(rows) if rows.len() <= cap => split_rows(rows, key_index, field.ty)
                .into_iter()
                .map(|(k, rows)| {
                    let part = LogicalPlan::Values {
                        schema: schema.clone(),
                        rows,
                    };
                    (k, part)
                })
                .collect(),
            _ => {
                let distinct = LogicalPlan::Aggregate {
                    input: Box::new(input.clone()),
                    group_by: vec![(field.name.clone(), col.clone())],
                    aggs: vec![],
                };
                let rows = self.catalog.run(&distinct).map_err(|m| {
                    PlanError::invalid(span, format!("cannot read the partition keys: {m}"))
                })?;
                let mut out = Vec::new();
                for value in key_values(rows, field.ty) {
                    let part = LogicalPlan::Filter {
                        input: Box::new(input.clone()),
                        predicate: key_filter(&col, value.clone(), key.span)?,
                    };
                    out.push((value, part));
                }
                out
            }
        };
        let keys = &sources;
        let limit = if legacy { LEGACY_MAX_PARTS } else { MAX_PARTS };
        if keys.len() > limit {
            return Err(if legacy {
                PlanError::invalid(
                    key.span,
                    format!(
                        "`{}` has {} distinct values; the legacy strategy allows {LEGACY_MAX_PARTS}",
                        key.name,
                        keys.len()
                    ),
                )
                .with_help("use `hint.strategy=native`")
            } else {
                PlanError::unsupported(
                    key.span,
                    format!("`partition` into more than {MAX_PARTS} parts"),
                )
            });
        }
        let mut parts = Vec::new();
        for (value, part) in sources {
            parts.push(self.plan_part(part, body, &field.name, value, implicit)?);
        }
        if parts.is_empty() {
            // No part: the subquery's columns with no rows.
            let none = LogicalPlan::Filter {
                input: Box::new(input),
                predicate: Expr::literal(Scalar::Bool(false), span),
            };
            let null = Scalar::Null(field.ty);
            parts.push(self.plan_part(none, body, &field.name, null, implicit)?);
        }
        if parts.len() == 1 {
            return Ok(parts.remove(0));
        }
        let first = parts.first().map(|p| p.schema());
        if parts.iter().any(|p| Some(p.schema()) != first) {
            return Err(PlanError::unsupported(
                body.span,
                "a partition subquery whose columns differ between parts",
            ));
        }
        Ok(LogicalPlan::Union { inputs: parts })
    }

    /// The subquery over one part, with the key's name bound to the part's value.
    fn plan_part(
        &mut self,
        part: LogicalPlan,
        body: &ast::Pipeline,
        key: &str,
        value: Scalar,
        implicit: bool,
    ) -> Result<LogicalPlan, PlanError> {
        let mut lets = self.lets.clone();
        lets.tables.remove(key);
        lets.functions.remove(key);
        lets.scalars
            .insert(key.to_string(), Expr::literal(value, body.span));
        let saved = std::mem::replace(&mut self.lets, lets);
        let result = if implicit {
            self.plan_ops(part, &body.ops)
        } else {
            self.plan_pipeline(body)
        };
        self.lets = saved;
        result
    }

    /// Operators applied to a given input (a subquery with an implicit source).
    pub(crate) fn plan_ops(
        &mut self,
        input: LogicalPlan,
        ops: &[ast::Operator],
    ) -> Result<LogicalPlan, PlanError> {
        let mut plan = input;
        for op in ops {
            plan = self.plan_operator(plan, op, None)?;
        }
        Ok(plan)
    }
}

/// Rows of one part: `Key == value`; `isnull(Key)` for the null part, `isempty(Key)` for
/// the empty string (a null string is the empty string in KQL).
fn key_filter(col: &Expr, value: Scalar, span: Span) -> Result<Expr, PlanError> {
    if matches!(&value, Scalar::String(s) if s.is_empty()) {
        return Ok(Expr::call(
            Func::IsEmpty,
            vec![col.clone()],
            KqlType::Bool,
            span,
        ));
    }
    if value.is_null() {
        return Ok(Expr::call(
            Func::IsNull,
            vec![col.clone()],
            KqlType::Bool,
            span,
        ));
    }
    bind_binary(BinOp::Eq, col.clone(), Expr::literal(value, span), span)
}

/// The key of a row, a null string read as the empty string.
fn row_key(v: Option<Scalar>, ty: KqlType) -> Scalar {
    match v {
        Some(Scalar::Null(_)) | None if ty == KqlType::String => Scalar::String("".into()),
        Some(v) => v,
        None => Scalar::Null(ty),
    }
}

/// Rows grouped by their key (column `key`), in order of first appearance.
fn split_rows(rows: Vec<Vec<Scalar>>, key: usize, ty: KqlType) -> Vec<(Scalar, Vec<Vec<Scalar>>)> {
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    let mut groups: Vec<(Scalar, Vec<Vec<Scalar>>)> = Vec::new();
    for row in rows {
        let k = row_key(row.get(key).cloned(), ty);
        let text = format!("{k:?}");
        match index.get(&text).and_then(|i| groups.get_mut(*i)) {
            Some((_, g)) => g.push(row),
            None => {
                index.insert(text, groups.len());
                groups.push((k, vec![row]));
            }
        }
    }
    groups
}

/// The distinct key values, a null string read as the empty string.
fn key_values(rows: Vec<Vec<Scalar>>, ty: KqlType) -> Vec<Scalar> {
    let mut out: Vec<Scalar> = Vec::new();
    for row in rows {
        let v = row_key(row.into_iter().next(), ty);
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}
