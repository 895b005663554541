//! Planning `evaluate activity_counts_metrics(IdColumn, TimelineColumn, Start, End, Step
//! [, Dimension…])` (docs: activity-counts-metrics-plugin): one row per time window of
//! `Step` from `Start` to `End` with `count` (the window's records), `dcount` (its
//! distinct ids), `new_dcount` (its ids seen in no earlier window) and
//! `aggregated_dcount` (the distinct ids from the first window to this one, inclusive).
//! The columns are the timeline column (named as the input's, holding each window's
//! start), then the four counts (Kusto.Language's `PlugIns.cs`).
//!
//! The input is read at plan time (through the catalog's probe, as `rolling_percentile`
//! does) and the result is a `Values` plan. Refused, because the page does not say what
//! Kusto does: dimensions, a timeline that is not a datetime or a step that is not a
//! positive timespan (`week`, `month`, numbers), a `Start` that is not the start of a
//! window of `bin(…, Step)` (which origin Kusto's windows count from), a record outside
//! `Start`..`End` or with a null time or id, a window in that range without records
//! (whether it gets a row), more than [`MAX_ROWS`] input rows.

use super::Planner;
use super::activity_args::{self, bin_call, id_and_timeline};
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::Scalar;
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;
use std::collections::{BTreeMap, HashSet};

/// The most input rows read.
pub const MAX_ROWS: usize = 1_000_000;

const NAME: &str = "activity_counts_metrics";

impl Planner<'_> {
    pub(crate) fn plan_activity_counts_metrics(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let [id, timeline, start, end, step, dims @ ..] = args else {
            return Err(PlanError::invalid(
                span,
                format!("`{NAME}` takes IdColumn, TimelineColumn, Start, End, Step [, Dimension…]"),
            ));
        };
        let schema = input.schema();
        let sc = self.scope(&schema, None);
        let (id_e, time_e, timeline) = id_and_timeline(NAME, &sc, id, timeline, dims)?;
        let constant = |e: &ast::Expr| activity_args::constant(&sc, e);
        let Scalar::TimeSpan(step_ns) = constant(step)? else {
            return Err(PlanError::unsupported(
                step.span,
                format!("`{NAME}` with a step that is not a timespan"),
            ));
        };
        if step_ns <= 0 {
            return Err(PlanError::invalid(step.span, "the step must be positive"));
        }
        let (Scalar::DateTime(from), Scalar::DateTime(to)) = (constant(start)?, constant(end)?)
        else {
            return Err(PlanError::ty(
                start.span,
                format!("`{NAME}` needs datetime Start and End"),
            ));
        };
        if constant(&bin_call(start.clone(), step))? != Scalar::DateTime(from) {
            return Err(PlanError::unsupported(
                start.span,
                format!("`{NAME}` with a Start inside a window of `bin(…, Step)`"),
            ));
        }
        let time_ast = ast::Expr {
            kind: ast::ExprKind::Ident(timeline.clone()),
            span: timeline.span,
        };
        let bin = bind_expr(&bin_call(time_ast, step), &sc)?;
        let probe = LogicalPlan::Projection {
            input: Box::new(input),
            exprs: vec![("b".into(), bin), ("t".into(), time_e), ("i".into(), id_e)],
        };
        let rows = self.probe_rows(&probe, &format!("`evaluate {NAME}`"), NAME, MAX_ROWS, span)?;
        // Per window (by its start): the records and the distinct ids, in time order.
        let mut windows: BTreeMap<i64, (i64, HashSet<String>)> = BTreeMap::new();
        for row in rows {
            let [b, t, i] = row.as_slice() else {
                continue;
            };
            let (Scalar::DateTime(b), Scalar::DateTime(t)) = (b, t) else {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{NAME}` of a record with a null time"),
                ));
            };
            if *t < from || *t > to {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{NAME}` of a record outside Start..End"),
                ));
            }
            if i.is_null() || matches!(i, Scalar::String(s) if s.is_empty()) {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{NAME}` of a record with a null id"),
                ));
            }
            let w = windows.entry(*b).or_default();
            w.0 += 1;
            w.1.insert(format!("{i:?}"));
        }
        let mut out_rows: Vec<Vec<Scalar>> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut at = from;
        while at <= to {
            let Some((count, ids)) = windows.get(&at) else {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{NAME}` with a window without records (whether it gets a row)"),
                ));
            };
            let new = ids.iter().filter(|x| !seen.contains(*x)).count();
            seen.extend(ids.iter().cloned());
            out_rows.push(vec![
                Scalar::DateTime(at),
                Scalar::Long(*count),
                Scalar::Long(ids.len() as i64),
                Scalar::Long(new as i64),
                Scalar::Long(seen.len() as i64),
            ]);
            at = match at.checked_add(step_ns) {
                Some(n) => n,
                None => break,
            };
        }
        let mut fields = vec![Field::new(timeline.name.clone(), KqlType::DateTime)];
        for n in ["count", "dcount", "new_dcount", "aggregated_dcount"] {
            fields.push(Field::new(n, KqlType::Long));
        }
        Ok(LogicalPlan::Values {
            schema: Schema::new(fields),
            rows: out_rows,
        })
    }
}
