//! Planning `evaluate sliding_window_counts(IdColumn, TimelineColumn, Start, End,
//! LookbackWindow, Bin [, dim…])` (docs: sliding-window-counts-plugin): one row per
//! step of `Bin` from `Start` to `End` (both included: the page's example ends with a
//! row for its `End`) with `Count`, the records of the lookback window ending with that
//! step, and `Dcount`, their distinct ids. The window is the `LookbackWindow / Bin`
//! steps ending with the row's (the page: a window that is not a multiple of `Bin` is
//! rounded down to one; its example's 3d window over 1d steps sums the row's day and the
//! two before). The columns are the timeline column (named as the input's, holding each
//! step's start), `Count` and `Dcount` (Kusto.Language's `PlugIns.cs`).
//!
//! The input is read at plan time (through the catalog's probe, as
//! `activity_counts_metrics` does) and the result is a `Values` plan. Refused, because
//! the page does not say what Kusto does: dimensions, a timeline that is not a datetime,
//! a `Bin` that is not a positive timespan (`week`, `month`, `year`, numbers), a window
//! shorter than one step, a `Start` that is not the start of a `bin(…, Bin)` step (which
//! origin the steps count from), a record before `Start` (whether the first windows
//! reach back to it) or after `End`, a record with a null time or id, a step whose
//! window holds no records (whether it gets a row), more than [`MAX_ROWS`] input rows.

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

const NAME: &str = "sliding_window_counts";

/// `Count` and `Dcount` of the windows of `steps` steps ending with each step of
/// `from..=to` (by `step`), from each step's records (`per_step`: step start → its ids,
/// one per record); `None` when a window holds no records.
fn window_counts(
    per_step: &BTreeMap<i64, Vec<String>>,
    from: i64,
    to: i64,
    step: i64,
    steps: i64,
) -> Option<Vec<(i64, i64, i64)>> {
    let mut out = Vec::new();
    let mut at = from;
    while at <= to {
        let first = at.saturating_sub((steps - 1).saturating_mul(step));
        let mut count = 0i64;
        let mut ids: HashSet<&str> = HashSet::new();
        for (_, recs) in per_step.range(first..=at) {
            count += recs.len() as i64;
            ids.extend(recs.iter().map(String::as_str));
        }
        if count == 0 {
            return None;
        }
        out.push((at, count, ids.len() as i64));
        at = at.checked_add(step)?;
    }
    Some(out)
}

impl Planner<'_> {
    pub(crate) fn plan_sliding_window_counts(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let [id, timeline, start, end, lookback, step, dims @ ..] = args else {
            return Err(PlanError::invalid(
                span,
                format!(
                    "`{NAME}` takes IdColumn, TimelineColumn, Start, End, LookbackWindow, Bin [, dim…]"
                ),
            ));
        };
        let schema = input.schema();
        let sc = self.scope(&schema, None);
        let (id_e, time_e, timeline) = id_and_timeline(NAME, &sc, id, timeline, dims)?;
        let constant = |e: &ast::Expr| activity_args::constant(&sc, e);
        let Scalar::TimeSpan(step_ns) = constant(step)? else {
            return Err(PlanError::unsupported(
                step.span,
                format!("`{NAME}` with a Bin that is not a timespan"),
            ));
        };
        if step_ns <= 0 {
            return Err(PlanError::invalid(step.span, "the Bin must be positive"));
        }
        let steps = match constant(lookback)? {
            Scalar::TimeSpan(ns) if ns >= step_ns => ns / step_ns,
            _ => {
                return Err(PlanError::unsupported(
                    lookback.span,
                    format!(
                        "`{NAME}` with a LookbackWindow that is not a timespan of at least one Bin"
                    ),
                ));
            }
        };
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
                format!("`{NAME}` with a Start inside a step of `bin(…, Bin)`"),
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
        let mut per_step: BTreeMap<i64, Vec<String>> = BTreeMap::new();
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
            per_step.entry(*b).or_default().push(format!("{i:?}"));
        }
        let Some(windows) = window_counts(&per_step, from, to, step_ns, steps) else {
            return Err(PlanError::unsupported(
                span,
                format!("`{NAME}` with a window without records (whether it gets a row)"),
            ));
        };
        let out_rows = windows
            .into_iter()
            .map(|(at, count, dcount)| {
                vec![
                    Scalar::DateTime(at),
                    Scalar::Long(count),
                    Scalar::Long(dcount),
                ]
            })
            .collect();
        let fields = vec![
            Field::new(timeline.name.clone(), KqlType::DateTime),
            Field::new("Count", KqlType::Long),
            Field::new("Dcount", KqlType::Long),
        ];
        Ok(LogicalPlan::Values {
            schema: Schema::new(fields),
            rows: out_rows,
        })
    }
}
