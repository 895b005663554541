//! Planning `make-series`: filter to `[from, to)`, aggregate per (keys, bin), then assemble
//! one array per aggregate with defaults for empty bins (`LogicalPlan::Series`).
//!
//! As the Kusto docs and oracle show: bins run from `from` (inclusive) to `to`
//! (exclusive) by `step`; the output is the `by` keys, the aggregate arrays, then the axis
//! array; a missing bin gets the `default` (0 when not written).

use super::Scope;
use super::exprs::{bind_expr, cast};
use super::functions::bind_aggregate;
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Func, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast::MakeSeries;

/// The most bins a series may have (each group holds one value per bin).
const MAX_BINS: i64 = 1_000_000;

fn constant(e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Literal(Scalar::Long(v) | Scalar::DateTime(v) | Scalar::TimeSpan(v)) => Some(*v),
        ExprKind::Literal(Scalar::Int(v)) => Some(*v as i64),
        _ => None,
    }
}

pub(crate) fn plan_make_series(
    input: LogicalPlan,
    sc: &Scope<'_>,
    ms: &MakeSeries,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    nonempty(ms)?;
    let axis = bind_expr(&ms.on, sc)?;
    let axis_name = axis.as_column().map(str::to_string).ok_or_else(|| {
        PlanError::unsupported(ms.on.span, "make-series on an expression (name a column)")
    })?;
    let (Some(from), Some(to)) = (&ms.from, &ms.to) else {
        return Err(PlanError::unsupported(
            span,
            "make-series without `from … to …`",
        ));
    };
    // Bounds are constants computed once: `from ago(30d) to now()`.
    let fold = |e| super::subquery::fold(sc, e);
    let (from, to, step) = (
        fold(bind_expr(from, sc)?)?,
        fold(bind_expr(to, sc)?)?,
        fold(bind_expr(&ms.step, sc)?)?,
    );
    let (f, t, st) = match (axis.ty, constant(&from), constant(&to), constant(&step)) {
        (KqlType::DateTime, Some(f), Some(t), Some(s))
            if from.ty == KqlType::DateTime && step.ty == KqlType::TimeSpan =>
        {
            (f, t, s)
        }
        (KqlType::Long | KqlType::Int, Some(f), Some(t), Some(s))
            if from.ty.is_numeric() && step.ty.is_numeric() && from.ty != KqlType::Real =>
        {
            (f, t, s)
        }
        _ => {
            return Err(PlanError::unsupported(
                span,
                "make-series over this axis (datetime or integer axes with constant bounds)",
            ));
        }
    };
    if st <= 0 {
        return Err(PlanError::invalid(
            ms.step.span,
            "the step must be positive",
        ));
    }
    let n = if t > f { (t - f + st - 1) / st } else { 0 };
    if n > MAX_BINS {
        return Err(PlanError::unsupported(
            span,
            format!("a series of more than {MAX_BINS} bins"),
        ));
    }
    let datetime = axis.ty == KqlType::DateTime;
    let lit = |v: i64| {
        Expr::literal(
            if datetime {
                Scalar::DateTime(v)
            } else {
                Scalar::Long(v)
            },
            span,
        )
    };
    // Keep rows with from <= axis < to.
    let axis_cmp = if datetime {
        axis.clone()
    } else {
        cast(axis.clone(), KqlType::Long)
    };
    let ge = Expr::call(
        Func::Ge,
        vec![axis_cmp.clone(), lit(f)],
        KqlType::Bool,
        span,
    );
    let lt = Expr::call(
        Func::Lt,
        vec![axis_cmp.clone(), lit(t)],
        KqlType::Bool,
        span,
    );
    let filtered = LogicalPlan::Filter {
        input: Box::new(input),
        predicate: Expr::call(Func::And, vec![ge, lt], KqlType::Bool, span),
    };
    // Bin index = (axis - from) / step in whole steps.
    let offset = Expr::call(
        Func::Sub,
        vec![axis_cmp, lit(f)],
        if datetime {
            KqlType::TimeSpan
        } else {
            KqlType::Long
        },
        span,
    );
    let offset = Expr::call(Func::Cast(KqlType::Long), vec![offset], KqlType::Long, span);
    // (A timespan converts to long as 100-ns ticks, so a datetime step is divided in ticks.)
    let step_units = if datetime { st / 100 } else { st };
    let index = Expr::call(
        Func::Div,
        vec![offset, Expr::literal(Scalar::Long(step_units.max(1)), span)],
        KqlType::Long,
        span,
    );
    // Group by keys and bin index.
    let mut group_by: Vec<(String, Expr)> = Vec::new();
    for (i, k) in ms.by.iter().enumerate() {
        let e = bind_expr(&k.expr, sc)?;
        let name = match (k.names.first(), e.as_column()) {
            (Some(n), _) => n.name.clone(),
            (None, Some(c)) => c.to_string(),
            (None, None) => format!("Column{}", i + 1),
        };
        group_by.push((name, e));
    }
    group_by.push(("__bin".to_string(), index));
    let keys: Vec<String> = group_by.iter().map(|(n, _)| n.clone()).collect();
    let mut aggs = Vec::new();
    let mut values = Vec::new();
    for (ne, default) in &ms.aggs {
        let mut outs = bind_aggregate(&ne.expr, sc, &keys)?;
        if outs.len() != 1 {
            return Err(PlanError::unsupported(
                ne.expr.span,
                "this aggregate in make-series",
            ));
        }
        let (agg, default_name) = outs.remove(0);
        let name = ne
            .names
            .first()
            .map(|n| n.name.clone())
            .unwrap_or(default_name);
        let d = match default {
            None => Scalar::Long(0),
            Some(d) => match bind_expr(d, sc)?.kind {
                ExprKind::Literal(s) => s,
                _ => return Err(PlanError::invalid(d.span, "the default must be a constant")),
            },
        };
        aggs.push((format!("__agg{}", aggs.len()), agg));
        values.push((name, d));
    }
    let bins = (0..n)
        .map(|i| {
            if datetime {
                Scalar::DateTime(f + i * st)
            } else {
                Scalar::Long(f + i * st)
            }
        })
        .collect();
    let keys_n = group_by.len() - 1;
    Ok(LogicalPlan::Series {
        input: Box::new(LogicalPlan::Aggregate {
            input: Box::new(filtered),
            group_by,
            aggs,
        }),
        keys: keys_n,
        values,
        axis: (axis_name, bins),
    })
}

/// Whether `kind=nonempty` is written (docs: make-series-operator: "Produce a default
/// result when the input of make-series operator is empty"); other parameters are
/// refused, and so is `nonempty` with `by` keys (the page does not say which keys the
/// default row has).
pub(crate) fn nonempty(ms: &MakeSeries) -> Result<bool, PlanError> {
    let mut out = false;
    for (p, v) in &ms.params {
        match (&*p.name, &v.kind) {
            ("kind", hunt_syntax::ast::ExprKind::Ident(k))
                if k.name == "nonempty" && ms.by.is_empty() =>
            {
                out = true
            }
            _ => {
                return Err(PlanError::unsupported(
                    p.span,
                    format!("the make-series parameter `{}` here", p.name),
                ));
            }
        }
    }
    Ok(out)
}

/// The row `kind=nonempty` gives over an empty input: each aggregate's default in every
/// bin, and the bins, as `series` (the plan `plan_make_series` made) would write them.
pub(crate) fn default_row(series: &LogicalPlan) -> Option<LogicalPlan> {
    let LogicalPlan::Series { values, axis, .. } = series else {
        return None;
    };
    let n = axis.1.len();
    let mut row: Vec<Scalar> = values
        .iter()
        .map(|(_, d)| Scalar::Dynamic(serde_json::Value::Array(vec![json_of(d); n])))
        .collect();
    row.push(Scalar::Dynamic(serde_json::Value::Array(
        axis.1.iter().map(json_of).collect(),
    )));
    Some(LogicalPlan::Values {
        schema: series.schema(),
        rows: vec![row],
    })
}

/// A default or a bin start as a dynamic array element (numbers as numbers, datetimes as
/// their text).
fn json_of(s: &Scalar) -> serde_json::Value {
    match s {
        Scalar::Long(v) => (*v).into(),
        Scalar::Int(v) => (*v).into(),
        Scalar::Real(v) => serde_json::Number::from_f64(*v)
            .map(Into::into)
            .unwrap_or(serde_json::Value::Null),
        Scalar::Bool(b) => (*b).into(),
        Scalar::String(t) => t.to_string().into(),
        Scalar::DateTime(ns) => {
            let t = chrono::DateTime::from_timestamp_nanos(*ns);
            format!(
                "{}.{:07}Z",
                t.format("%Y-%m-%dT%H:%M:%S"),
                ns.rem_euclid(1_000_000_000) / 100
            )
            .into()
        }
        _ => serde_json::Value::Null,
    }
}
