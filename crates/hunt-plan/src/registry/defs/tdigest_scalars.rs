//! The scalar functions over `tdigest` sketches (hunt's sketches are exact, so these are
//! the exact answers of `percentile` over the values):
//! - `merge_tdigest(t1, t2 [, …])`: the sketch of all values (docs: merge-tdigest-function;
//!   2 to 16 sketches of one type, nulls skipped);
//! - `percentile_tdigest(t, p [, typeof(T)])`: the nearest-rank percentile p, a dynamic
//!   value (the planner turns a `typeof(T)` into the `to…` conversion of T, as the page
//!   says: "typeof(long) will cast all results to type long");
//! - `percentiles_array_tdigest(t, p1 [, p2, …])` or `(t, dynamic([p1, …]))`: the array of
//!   them (docs: percentile-array-tdigest-function);
//! - `rank_tdigest(t, v)`: how many values are less than or equal to v (docs:
//!   rank-tdigest-function), a real as Kusto's binder types it.
//!
//! A null sketch gives null; an empty array of percentiles gives an empty array.

use super::sketch::{Digest, Num, dynamic_at, num_json};
use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::planner::cast_to;
use crate::registry::traits::{ArgValue, FunctionError, ResultName, ScalarFunction};
use crate::types::KqlType;
use arrow_array::{Array, Float64Array, StringArray};
use hunt_syntax::Span;
use serde_json::Value;
use std::sync::Arc;

fn digest_at(a: &ArgValue, i: usize) -> Result<Option<Digest>, FunctionError> {
    Digest::from_json(&dynamic_at(a, i)?)
}

fn strings(out: Vec<Option<String>>) -> ArgValue {
    ArgValue::Array(Arc::new(StringArray::from(out)))
}

/// Row `i` of a real argument.
fn real_at(a: &ArgValue, i: usize) -> Option<f64> {
    match a {
        ArgValue::Scalar(Scalar::Real(r)) => Some(*r),
        ArgValue::Scalar(_) => None,
        ArgValue::Array(arr) => arr
            .as_any()
            .downcast_ref::<Float64Array>()
            .and_then(|f| f.is_valid(i).then(|| f.value(i))),
    }
}

/// Percentile arguments are reals.
fn real_percentile(name: &str, e: Expr) -> Result<Expr, PlanError> {
    if !e.ty.is_numeric() {
        return Err(PlanError::ty(
            e.span,
            format!("the percentile of `{name}` is a number, got {}", e.ty),
        ));
    }
    Ok(cast_to(e, KqlType::Real))
}

/// `merge_tdigest(t1, t2 [, …])`.
pub struct MergeTDigest;

impl ScalarFunction for MergeTDigest {
    fn name(&self) -> &'static str {
        "merge_tdigest"
    }
    fn result_name(&self) -> Option<ResultName> {
        // Functions.cs: `PrefixOnly`, `tdigests_merge_result`.
        Some(ResultName::Prefix("tdigests_merge_result"))
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if !(2..=16).contains(&args.len()) {
            return Err(PlanError::invalid(
                span,
                format!("`merge_tdigest` takes 2 to 16 sketches, got {}", args.len()),
            ));
        }
        for a in &args {
            super::dynamic_args("merge_tdigest", "a tdigest", std::slice::from_ref(a))?;
        }
        Ok((args, KqlType::Dynamic))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let mut out = Vec::with_capacity(rows);
        for i in 0..rows {
            let mut merged: Option<Digest> = None;
            for a in args {
                if let Some(d) = digest_at(a, i)? {
                    match &mut merged {
                        Some(m) => m.merge(d)?,
                        None => merged = Some(d),
                    }
                }
            }
            out.push(match merged {
                Some(mut m) => {
                    m.normalize()?;
                    Some(m.to_json().to_string())
                }
                None => None,
            });
        }
        Ok(strings(out))
    }
}

/// `percentile_tdigest(t, p)`.
pub struct PercentileTDigest;

impl ScalarFunction for PercentileTDigest {
    fn name(&self) -> &'static str {
        "percentile_tdigest"
    }
    fn result_name(&self) -> Option<ResultName> {
        // Functions.cs: `ResultNameKind.NameAndFirstArgument`.
        Some(ResultName::NameAndFirst)
    }
    fn bind(&self, mut args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity("percentile_tdigest", &args, 2, span)?;
        super::dynamic_args("percentile_tdigest", "a tdigest", &args[..1])?;
        let p = real_percentile("percentile_tdigest", args.remove(1))?;
        args.push(p);
        Ok((args, KqlType::Dynamic))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let [t, p] = args else {
            return Err(FunctionError::Internal(
                "percentile_tdigest takes 2 arguments".into(),
            ));
        };
        let mut out = Vec::with_capacity(rows);
        for i in 0..rows {
            let (Some(d), Some(p)) = (digest_at(t, i)?, real_at(p, i)) else {
                out.push(None);
                continue;
            };
            out.push(match d.percentile(p) {
                Some(v) => Some(num_json(d.ty, v)?.to_string()),
                None => None,
            });
        }
        Ok(strings(out))
    }
}

/// `percentiles_array_tdigest(t, p1 [, …])`, `percentiles_array_tdigest(t, dynamic([…]))`.
pub struct PercentilesArrayTDigest;

impl ScalarFunction for PercentilesArrayTDigest {
    fn name(&self) -> &'static str {
        "percentiles_array_tdigest"
    }
    fn result_name(&self) -> Option<ResultName> {
        // Functions.cs: prefix `percentile_tdigest`, `PrefixAndFirstArgument`.
        Some(ResultName::PrefixAndFirst("percentile_tdigest"))
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if args.len() < 2 {
            return Err(PlanError::invalid(
                span,
                "`percentiles_array_tdigest` takes a tdigest and percentiles",
            ));
        }
        super::dynamic_args("percentiles_array_tdigest", "a tdigest", &args[..1])?;
        let mut it = args.into_iter();
        let mut out: Vec<Expr> = it.next().into_iter().collect();
        let rest: Vec<Expr> = it.collect();
        if let [one] = rest.as_slice()
            && one.ty == KqlType::Dynamic
        {
            out.extend(rest);
        } else {
            for p in rest {
                out.push(real_percentile("percentiles_array_tdigest", p)?);
            }
        }
        Ok((out, KqlType::Dynamic))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let Some((t, ps)) = args.split_first() else {
            return Err(FunctionError::Internal(
                "percentiles_array_tdigest without arguments".into(),
            ));
        };
        let dynamic_list = matches!(ps, [ArgValue::Scalar(Scalar::Dynamic(_))])
            || matches!(ps, [ArgValue::Array(a)] if a.data_type() == &arrow_schema::DataType::Utf8);
        let mut out = Vec::with_capacity(rows);
        for i in 0..rows {
            let Some(d) = digest_at(t, i)? else {
                out.push(None);
                continue;
            };
            let percents: Vec<Option<f64>> = if dynamic_list {
                match dynamic_at(&ps[0], i)? {
                    Value::Array(items) => items.iter().map(Value::as_f64).collect(),
                    Value::Null => {
                        out.push(None);
                        continue;
                    }
                    _ => {
                        return Err(FunctionError::Invalid(
                            "`percentiles_array_tdigest` needs an array of percentiles".into(),
                        ));
                    }
                }
            } else {
                ps.iter().map(|p| real_at(p, i)).collect()
            };
            let mut vals = Vec::with_capacity(percents.len());
            for p in percents {
                vals.push(match p.and_then(|p| d.percentile(p)) {
                    Some(v) => num_json(d.ty, v)?,
                    None => Value::Null,
                });
            }
            out.push(Some(Value::Array(vals).to_string()));
        }
        Ok(strings(out))
    }
}

/// `rank_tdigest(t, v)`.
pub struct RankTDigest;

impl ScalarFunction for RankTDigest {
    fn name(&self) -> &'static str {
        "rank_tdigest"
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity("rank_tdigest", &args, 2, span)?;
        super::dynamic_args("rank_tdigest", "a tdigest", &args[..1])?;
        let mut args = args;
        let v = args.remove(1);
        let v = match v.ty {
            KqlType::Int | KqlType::Long | KqlType::Real => cast_to(v, KqlType::Real),
            KqlType::DateTime | KqlType::TimeSpan => v,
            other => {
                return Err(PlanError::ty(
                    v.span,
                    format!("`rank_tdigest` ranks a number, datetime or timespan, got {other}"),
                ));
            }
        };
        args.push(v);
        Ok((args, KqlType::Real))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let [t, v] = args else {
            return Err(FunctionError::Internal(
                "rank_tdigest takes 2 arguments".into(),
            ));
        };
        let mut out = Vec::with_capacity(rows);
        for i in 0..rows {
            let Some(d) = digest_at(t, i)? else {
                out.push(None);
                continue;
            };
            let value = match v {
                ArgValue::Scalar(Scalar::Real(r)) => Some(Num::R(*r)),
                ArgValue::Scalar(Scalar::DateTime(n) | Scalar::TimeSpan(n)) => Some(Num::I(*n)),
                ArgValue::Scalar(_) => None,
                ArgValue::Array(a) => super::sketch::num_at(a, i)?,
            };
            let Some(value) = value else {
                out.push(None);
                continue;
            };
            let ok = matches!(
                (d.ty, value),
                (KqlType::Long | KqlType::Real, Num::R(_))
                    | (KqlType::DateTime | KqlType::TimeSpan, Num::I(_))
            );
            if !ok {
                return Err(FunctionError::Invalid(format!(
                    "`rank_tdigest` of a value unlike the tdigest's {} values",
                    d.ty
                )));
            }
            out.push(Some(d.rank(value) as f64));
        }
        Ok(ArgValue::Array(Arc::new(Float64Array::from(out))))
    }
}
