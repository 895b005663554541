//! Planning `evaluate dcount_intersect(hll_1, hll_2 [, …, hll_16])` (docs:
//! dcount-intersect-plugin): given sketches of sets S0, S1, …, one row with `s0` =
//! dcount(S0), `s1` = dcount(S0 ∩ S1), `s2` = dcount(S0 ∩ S1 ∩ S2), …. hunt's `hll`
//! sketches are exact (see `registry::defs::sketch`), so the intersections are exact too.
//!
//! The input is read at plan time (through the catalog's probe). Refused, because the page
//! shows only one input row: an input of several rows (merged or per row?); a null sketch.

use super::Planner;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::registry::defs::sketch::Hll;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;

impl Planner<'_> {
    pub(crate) fn plan_dcount_intersect(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        if !(2..=16).contains(&args.len()) {
            return Err(PlanError::invalid(
                span,
                format!(
                    "`dcount_intersect` takes 2 to 16 sketches, got {}",
                    args.len()
                ),
            ));
        }
        let schema = input.schema();
        let sc = self.scope(&schema, None);
        let mut exprs: Vec<(String, Expr)> = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let e = bind_expr(a, &sc)?;
            if e.ty != KqlType::Dynamic {
                return Err(PlanError::ty(
                    a.span,
                    format!(
                        "`dcount_intersect` needs hll sketches (dynamic), got {}",
                        e.ty
                    ),
                ));
            }
            exprs.push((format!("h{i}"), e));
        }
        let probe = LogicalPlan::Projection {
            input: Box::new(input),
            exprs,
        };
        let mut rows: Vec<Vec<Scalar>> = Vec::new();
        self.probe(&probe, "`evaluate dcount_intersect`", span, &mut |row| {
            if rows.len() < 2 {
                rows.push(row);
            }
        })?;
        let [row] = rows.as_slice() else {
            return Err(PlanError::unsupported(
                span,
                "`dcount_intersect` over other than one row (its page shows one)",
            ));
        };
        let mut sets: Vec<Hll> = Vec::new();
        for (v, a) in row.iter().zip(args) {
            let Scalar::Dynamic(v) = v else {
                return Err(PlanError::unsupported(
                    a.span,
                    "`dcount_intersect` of a null sketch",
                ));
            };
            match Hll::from_json(v) {
                Ok(Some(h)) => sets.push(h),
                Ok(None) => {
                    return Err(PlanError::unsupported(
                        a.span,
                        "`dcount_intersect` of a null sketch",
                    ));
                }
                Err(e) => return Err(PlanError::invalid(a.span, e.to_string())),
            }
        }
        let mut out = Vec::with_capacity(sets.len());
        let mut acc = sets[0].hashes.clone();
        for (i, s) in sets.iter().enumerate() {
            if i > 0 {
                acc.retain(|h| s.hashes.contains(h));
            }
            out.push(Scalar::Long(acc.len() as i64));
        }
        Ok(LogicalPlan::Values {
            schema: Schema::new(
                (0..out.len())
                    .map(|i| Field::new(format!("s{i}"), KqlType::Long))
                    .collect(),
            ),
            rows: vec![out],
        })
    }
}
