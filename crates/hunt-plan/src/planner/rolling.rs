//! Planning `evaluate rolling_percentile(ValueColumn, Percentile, IndexColumn, BinSize,
//! BinsPerWindow [, dim1, …])` (docs: rolling-percentile-plugin): one row per bin (and
//! combination of dimensions) with the percentile of the values in the window of
//! `BinsPerWindow` bins ending at that bin, inclusive. Bins are `bin(IndexColumn,
//! BinSize)`; the percentile is nearest-rank over the window's values, as `percentile`
//! (the page's example: the median of 1..24 is 12). Output columns: the index column (the
//! bin), the dimensions, then `rolling_<BinsPerWindow>_percentile_<ValueColumn>_<Pct>`.
//!
//! The input is read at plan time (through the catalog's probe, as `pivot` does) and the
//! result is a `Values` plan. Refused, because the page does not say: a dimension whose
//! bins have a gap (whether the empty bin gets a row), a percentile that is not a whole
//! number (the column's name), more than [`MAX_ROWS`] input rows.

use super::Planner;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;
use std::cmp::Ordering;

/// One dimension combination and its (bin, value) pairs.
type Group = (Vec<Scalar>, Vec<(Scalar, Scalar)>);

/// The most input rows read.
pub const MAX_ROWS: usize = 1_000_000;

fn ident<'a>(e: &'a ast::Expr, what: &str) -> Result<&'a ast::Ident, PlanError> {
    match &e.kind {
        ast::ExprKind::Ident(id) => Ok(id),
        _ => Err(PlanError::invalid(
            e.span,
            format!("`rolling_percentile` needs a column name for {what}"),
        )),
    }
}

/// A bin's position as a number, for the window and gap arithmetic.
fn bin_pos(s: &Scalar) -> Option<f64> {
    match s {
        Scalar::Long(v) | Scalar::DateTime(v) | Scalar::TimeSpan(v) => Some(*v as f64),
        Scalar::Int(v) => Some(f64::from(*v)),
        Scalar::Real(v) => Some(*v),
        _ => None,
    }
}

fn order(a: &Scalar, b: &Scalar) -> Ordering {
    match (a, b) {
        (Scalar::Long(x), Scalar::Long(y))
        | (Scalar::DateTime(x), Scalar::DateTime(y))
        | (Scalar::TimeSpan(x), Scalar::TimeSpan(y)) => x.cmp(y),
        (Scalar::Int(x), Scalar::Int(y)) => x.cmp(y),
        (Scalar::Real(x), Scalar::Real(y)) => x.total_cmp(y),
        (Scalar::String(x), Scalar::String(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

impl Planner<'_> {
    pub(crate) fn plan_rolling_percentile(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let [value, pct, index, size, per_window, dims @ ..] = args else {
            return Err(PlanError::invalid(
                span,
                "`rolling_percentile` takes ValueColumn, Percentile, IndexColumn, BinSize, BinsPerWindow [, dims]",
            ));
        };
        let schema = input.schema();
        let sc = self.scope(&schema, None);
        let value = ident(value, "the values")?;
        let index = ident(index, "the index")?;
        let dims: Vec<&ast::Ident> = dims
            .iter()
            .map(|d| ident(d, "a dimension"))
            .collect::<Result<_, _>>()?;
        let constant = |e: &ast::Expr| -> Result<Scalar, PlanError> {
            match super::subquery::fold(&sc, bind_expr(e, &sc)?)?.kind {
                crate::expr::ExprKind::Literal(s) => Ok(s),
                _ => Err(PlanError::invalid(e.span, "expected a constant")),
            }
        };
        let pct_v = match constant(pct)? {
            Scalar::Long(v) => v as f64,
            Scalar::Int(v) => f64::from(v),
            Scalar::Real(v) => v,
            _ => return Err(PlanError::ty(pct.span, "the percentile is a number")),
        };
        if !(0.0..=100.0).contains(&pct_v) || pct_v.fract() != 0.0 {
            return Err(PlanError::unsupported(
                pct.span,
                "`rolling_percentile` of a percentile that is not a whole number from 0 to 100",
            ));
        }
        let k = match constant(per_window)? {
            Scalar::Long(v) if v > 0 => v,
            Scalar::Int(v) if v > 0 => i64::from(v),
            _ => {
                return Err(PlanError::invalid(
                    per_window.span,
                    "BinsPerWindow is a positive integer",
                ));
            }
        };
        let step = bin_pos(&constant(size)?)
            .filter(|s| *s > 0.0)
            .ok_or_else(|| PlanError::invalid(size.span, "BinSize is a positive constant"))?;
        // The rows to read: bin(index, size), the value, the dimensions.
        let bin_call = ast::Expr {
            kind: ast::ExprKind::Call {
                name: ast::Ident {
                    name: "bin".into(),
                    span: index.span,
                },
                args: vec![
                    ast::Expr {
                        kind: ast::ExprKind::Ident(index.clone()),
                        span: index.span,
                    },
                    size.clone(),
                ],
            },
            span: index.span,
        };
        let bin = bind_expr(&bin_call, &sc)?;
        let col = |id: &ast::Ident| -> Result<Expr, PlanError> {
            bind_expr(
                &ast::Expr {
                    kind: ast::ExprKind::Ident(id.clone()),
                    span: id.span,
                },
                &sc,
            )
        };
        let val = col(value)?;
        if !val.ty.is_numeric() && !matches!(val.ty, KqlType::DateTime | KqlType::TimeSpan) {
            return Err(PlanError::ty(
                value.span,
                format!("`rolling_percentile` of {} values", val.ty),
            ));
        }
        let mut exprs: Vec<(String, Expr)> =
            vec![("b".into(), bin.clone()), ("v".into(), val.clone())];
        for (i, d) in dims.iter().enumerate() {
            exprs.push((format!("d{i}"), col(d)?));
        }
        let mut out_fields = vec![Field::new(index.name.clone(), bin.ty)];
        for (i, d) in dims.iter().enumerate() {
            out_fields.push(Field::new(d.name.clone(), exprs[2 + i].1.ty));
        }
        out_fields.push(Field::new(
            format!("rolling_{k}_percentile_{}_{}", value.name, pct_v as i64),
            val.ty,
        ));
        let probe = LogicalPlan::Projection {
            input: Box::new(input),
            exprs,
        };
        let rows = self.probe_rows(
            &probe,
            "`evaluate rolling_percentile`",
            "rolling_percentile",
            MAX_ROWS,
            span,
        )?;
        // Groups by dimensions, first seen first; in each, (bin, value) pairs.
        let mut groups: Vec<Group> = Vec::new();
        for row in rows {
            let mut it = row.into_iter();
            let (Some(b), Some(v)) = (it.next(), it.next()) else {
                continue;
            };
            if matches!(b, Scalar::Null(_)) {
                continue;
            }
            let key: Vec<Scalar> = it.collect();
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, items)) => items.push((b, v)),
                None => groups.push((key, vec![(b, v)])),
            }
        }
        let mut out_rows: Vec<Vec<Scalar>> = Vec::new();
        for (key, mut items) in groups {
            items.sort_by(|a, b| order(&a.0, &b.0));
            let mut bins: Vec<Scalar> = items.iter().map(|x| x.0.clone()).collect();
            bins.dedup();
            for w in bins.windows(2) {
                let (Some(a), Some(b)) = (bin_pos(&w[0]), bin_pos(&w[1])) else {
                    continue;
                };
                if b - a != step {
                    return Err(PlanError::unsupported(
                        span,
                        "`rolling_percentile` over bins with a gap (the docs do not say whether an empty bin gets a row)",
                    ));
                }
            }
            for b in bins {
                let end = bin_pos(&b).unwrap_or(0.0);
                let start = end - (k - 1) as f64 * step;
                let mut window: Vec<&Scalar> = items
                    .iter()
                    .filter(|(x, v)| {
                        bin_pos(x).is_some_and(|p| p >= start && p <= end)
                            && !matches!(v, Scalar::Null(_))
                    })
                    .map(|(_, v)| v)
                    .collect();
                window.sort_by(|a, b| order(a, b));
                let p = if window.is_empty() {
                    Scalar::Null(val.ty)
                } else {
                    let rank = ((pct_v / 100.0) * window.len() as f64).ceil().max(1.0) as usize;
                    window[rank.min(window.len()) - 1].clone()
                };
                let mut row = vec![b];
                row.extend(key.iter().cloned());
                row.push(p);
                out_rows.push(row);
            }
        }
        Ok(LogicalPlan::Values {
            schema: Schema::new(out_fields),
            rows: out_rows,
        })
    }
}
