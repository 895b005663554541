//! Planning `evaluate active_users_count(IdColumn, TimelineColumn, Start, End,
//! LookbackWindow, Period, ActivePeriodsCount, Bin [, dim…])` (docs:
//! active-users-count-plugin): per step of `Bin` from `Start`, the distinct count of the
//! ids that have an *active* appearance in it. An appearance at time `t` is active when
//! its id appears in at least `ActivePeriodsCount` distinct periods of `Period` within
//! the lookback window that ends at `t` (`t` included). Appearances before `Start` count
//! only for the lookback windows of later ones. The columns are the timeline column
//! (named as the input's, holding each step's start) and `dcount`.
//!
//! The page's example fixes what its text leaves open, and hunt follows it only there:
//! the steps start at `Start` (its rows are July 1 and 15 for `Start` July 1 and `Bin`
//! 7d, not the `bin(…, 7d)` weeks), and a step without active ids gives no row (its July
//! 8 step has none). Its window is open: B's appearance on July 8, with B on June 30 and
//! July 4, is not active for an 8d window, so the window does not reach back to June 30
//! (`t - 8d`); the 8 periods ending with `t`'s are the most it holds. The text adds that
//! A's appearance on July 17 (with A on July 10 and 14) is not active, which means 7
//! periods; the example's rows hold either way. hunt computes both readings (the
//! `LookbackWindow / Period` periods ending with `t`'s, and one fewer) and answers only
//! when they give the same rows; otherwise it refuses.
//!
//! The input is read at plan time (through the catalog's probe, as
//! `activity_counts_metrics` does) and the result is a `Values` plan. Refused, because
//! the page does not say what Kusto does: dimensions, a timeline that is not a datetime,
//! a `Period`, `LookbackWindow` or `Bin` that is not a positive timespan (`week`,
//! `month`, `year`, numbers) or a window that is not a whole number of periods, an
//! `ActivePeriodsCount` that is not a positive integer, an appearance that is not the
//! start of a period (which period it counts in), an appearance at `End` or after it in
//! the step holding `End` (whether `End` bounds the appearances or the steps), a null
//! time or id, more than [`MAX_ROWS`] input rows.

use super::Planner;
use super::activity_args::{self, bin_call, id_and_timeline};
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::Scalar;
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The most input rows read.
pub const MAX_ROWS: usize = 1_000_000;

const NAME: &str = "active_users_count";

/// The constant arguments, checked.
struct Settings {
    /// `Start`.
    from: i64,
    /// `End`.
    to: i64,
    /// The window, which holds the periods starting in `(t - window, t]`.
    window: i64,
    /// `ActivePeriodsCount`.
    active: i64,
    /// `Bin`.
    step: i64,
}

/// The distinct count of active ids per step start, in time order; `per_id` holds each
/// id's appearance times (period starts), sorted ascending.
fn active_counts(per_id: &HashMap<String, Vec<i64>>, s: &Settings) -> BTreeMap<i64, usize> {
    let mut steps: BTreeMap<i64, HashSet<&str>> = BTreeMap::new();
    for (id, times) in per_id {
        for (k, &t) in times.iter().enumerate() {
            if t < s.from || t >= s.to {
                continue;
            }
            // Distinct periods in (t - window, t]: the times are period starts, so
            // distinct times are distinct periods.
            let first = times[..=k].partition_point(|&x| x <= t.saturating_sub(s.window));
            let mut distinct = 0i64;
            let mut prev = None;
            for &x in &times[first..=k] {
                if prev != Some(x) {
                    distinct += 1;
                    prev = Some(x);
                }
            }
            if distinct >= s.active {
                let start = s.from + (t - s.from) / s.step * s.step;
                steps.entry(start).or_default().insert(id.as_str());
            }
        }
    }
    steps.into_iter().map(|(k, v)| (k, v.len())).collect()
}

impl Planner<'_> {
    pub(crate) fn plan_active_users_count(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let [
            id,
            timeline,
            start,
            end,
            lookback,
            period,
            active,
            step,
            dims @ ..,
        ] = args
        else {
            return Err(PlanError::invalid(
                span,
                format!(
                    "`{NAME}` takes IdColumn, TimelineColumn, Start, End, LookbackWindow, Period, ActivePeriodsCount, Bin [, dim…]"
                ),
            ));
        };
        let schema = input.schema();
        let sc = self.scope(&schema, None);
        let (id_e, time_e, timeline) = id_and_timeline(NAME, &sc, id, timeline, dims)?;
        let constant = |e: &ast::Expr| activity_args::constant(&sc, e);
        let timespan = |e: &ast::Expr, what: &str| -> Result<i64, PlanError> {
            match constant(e)? {
                Scalar::TimeSpan(ns) if ns > 0 => Ok(ns),
                _ => Err(PlanError::unsupported(
                    e.span,
                    format!("`{NAME}` with a {what} that is not a positive timespan"),
                )),
            }
        };
        let lookback_ns = timespan(lookback, "LookbackWindow")?;
        let period_ns = timespan(period, "Period")?;
        let step_ns = timespan(step, "Bin")?;
        if lookback_ns % period_ns != 0 {
            return Err(PlanError::unsupported(
                lookback.span,
                format!("`{NAME}` with a LookbackWindow that is not a whole number of periods"),
            ));
        }
        let active_n = match constant(active)? {
            Scalar::Long(n) if n > 0 => n,
            Scalar::Int(n) if n > 0 => i64::from(n),
            _ => {
                return Err(PlanError::unsupported(
                    active.span,
                    format!("`{NAME}` with an ActivePeriodsCount that is not a positive integer"),
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
        if to <= from {
            return Err(PlanError::invalid(
                end.span,
                format!("`{NAME}` needs End after Start"),
            ));
        }
        let time_ast = ast::Expr {
            kind: ast::ExprKind::Ident(timeline.clone()),
            span: timeline.span,
        };
        let bin = bind_expr(&bin_call(time_ast, period), &sc)?;
        let probe = LogicalPlan::Projection {
            input: Box::new(input),
            exprs: vec![("b".into(), bin), ("t".into(), time_e), ("i".into(), id_e)],
        };
        let rows = self.probe_rows(&probe, &format!("`evaluate {NAME}`"), NAME, MAX_ROWS, span)?;
        let mut per_id: HashMap<String, Vec<i64>> = HashMap::new();
        for row in rows {
            let [b, t, i] = row.as_slice() else {
                continue;
            };
            let (Scalar::DateTime(b), Scalar::DateTime(t)) = (b, t) else {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{NAME}` of an appearance with a null time"),
                ));
            };
            if b != t {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{NAME}` of an appearance that is not the start of a Period"),
                ));
            }
            // An appearance after End in a step that starts by End: whether End bounds
            // the appearances or the steps is not documented. Later ones count nowhere.
            if *t >= to && from + (t - from) / step_ns * step_ns <= to {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{NAME}` of an appearance at End or after it in End's step"),
                ));
            }
            if i.is_null() || matches!(i, Scalar::String(s) if s.is_empty()) {
                return Err(PlanError::unsupported(
                    span,
                    format!("`{NAME}` of an appearance with a null id"),
                ));
            }
            per_id.entry(format!("{i:?}")).or_default().push(*t);
        }
        for times in per_id.values_mut() {
            times.sort_unstable();
        }
        let mut settings = Settings {
            from,
            to,
            window: lookback_ns,
            active: active_n,
            step: step_ns,
        };
        let counts = active_counts(&per_id, &settings);
        settings.window = lookback_ns - period_ns;
        if active_counts(&per_id, &settings) != counts {
            return Err(PlanError::unsupported(
                span,
                format!(
                    "`{NAME}` here: the rows depend on whether the window holds LookbackWindow/Period periods or one fewer, which the page's text and example leave open"
                ),
            ));
        }
        let out_rows = counts
            .into_iter()
            .map(|(at, n)| vec![Scalar::DateTime(at), Scalar::Long(n as i64)])
            .collect();
        let fields = vec![
            Field::new(timeline.name.clone(), KqlType::DateTime),
            Field::new("dcount", KqlType::Long),
        ];
        Ok(LogicalPlan::Values {
            schema: Schema::new(fields),
            rows: out_rows,
        })
    }
}
