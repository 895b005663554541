//! Evaluating each [`Func`] over argument values: dispatch to arrow's kernels or
//! to hunt's KQL kernels.

use super::Value;
use super::scalar::{scalar_datum, to_array};
use crate::error::{ExecError, Result};
use crate::kernels::arith;
use crate::kernels::string::{self as sk, Match};
use crate::kernels::text;
use arrow::array::*;
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::compute::kernels::{boolean, cmp, numeric, zip};
use arrow::compute::{CastOptions, cast, cast_with_options};
use arrow::datatypes::{DataType, TimeUnit};
use hunt_plan::expr::{Func, Scalar};
use hunt_plan::types::KqlType;
use hunt_syntax::ast::StrOp;
use std::collections::HashSet;
use std::sync::Arc;

fn internal(what: &str) -> ExecError {
    ExecError::Internal(format!("unexpected argument types for {what}"))
}

fn as_str(a: &ArrayRef) -> Result<&StringArray> {
    a.as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| internal("a string function"))
}

fn as_bool(a: &ArrayRef) -> Result<&BooleanArray> {
    a.as_any()
        .downcast_ref::<BooleanArray>()
        .ok_or_else(|| internal("a bool function"))
}

/// Temporal and integer values as plain `Int64` for arithmetic.
fn as_i64(a: &ArrayRef) -> Result<Int64Array> {
    let c = cast(a, &DataType::Int64)?;
    c.as_any()
        .downcast_ref::<Int64Array>()
        .cloned()
        .ok_or_else(|| internal("integer arithmetic"))
}

fn as_f64(a: &ArrayRef) -> Result<Float64Array> {
    let c = cast(a, &DataType::Float64)?;
    c.as_any()
        .downcast_ref::<Float64Array>()
        .cloned()
        .ok_or_else(|| internal("real arithmetic"))
}

/// Reinterprets an `Int64` result as the physical type of `ty`.
fn from_i64(a: Int64Array, ty: KqlType) -> Result<ArrayRef> {
    let a: ArrayRef = Arc::new(a);
    Ok(match ty {
        KqlType::Long => a,
        other => cast(&a, &other.arrow_type())?,
    })
}

/// Calls a function's own definition: constants stay scalar.
fn call_defined(d: hunt_plan::registry::ScalarDef, args: Vec<Value>, n: usize) -> Result<Value> {
    use hunt_plan::registry::ArgValue;
    let args: Vec<ArgValue> = args
        .into_iter()
        .map(|a| match a {
            Value::Array(a) => ArgValue::Array(a),
            Value::Scalar(s) => ArgValue::Scalar(s),
        })
        .collect();
    Ok(match d.0.invoke(&args, n).map_err(ExecError::from)? {
        ArgValue::Array(a) => Value::Array(a),
        ArgValue::Scalar(s) => Value::Scalar(s),
    })
}

/// Applies `func` to evaluated arguments (`tys` are their KQL types, `out` the result type).
pub(super) fn call(
    func: Func,
    args: Vec<Value>,
    tys: &[KqlType],
    out: KqlType,
    n: usize,
    regex: Option<&regex::Regex>,
) -> Result<Value> {
    // Whole-constant calls are folded into a one-row evaluation.
    let volatile = matches!(func, Func::Def(d) if d.0.volatile());
    if n != 1 && !volatile && args.iter().all(|a| matches!(a, Value::Scalar(_))) && !args.is_empty()
    {
        let one = call(func, args, tys, out, 1, regex)?;
        let arr = to_array(one, 1)?;
        return Ok(Value::Scalar(super::scalar::array_value(
            arr.as_ref(),
            0,
            out,
        )?));
    }
    let arr = |i: usize, args: &[Value]| -> Result<ArrayRef> { to_array(args[i].clone(), n) };
    let v: ArrayRef = match func {
        Func::And | Func::Or => {
            let (a, b) = (arr(0, &args)?, arr(1, &args)?);
            let (a, b) = (as_bool(&a)?, as_bool(&b)?);
            Arc::new(if func == Func::And {
                boolean::and_kleene(a, b)?
            } else {
                boolean::or_kleene(a, b)?
            })
        }
        Func::Not => Arc::new(boolean::not(as_bool(&arr(0, &args)?)?)?),
        Func::Eq | Func::Ne | Func::Lt | Func::Le | Func::Gt | Func::Ge => {
            compare(func, &args, tys, n)?
        }
        Func::EqCi | Func::NeCi => {
            let m = string_match(&args, n, false, Match::Equal)?;
            negate_if(m, func == Func::NeCi)?
        }
        Func::Str(op, negated) => {
            let m = match op {
                StrOp::MatchesRegex => regex_match(&args, n, regex)?,
                _ => {
                    let (mode, cs) = str_op_mode(op);
                    string_match(&args, n, cs, mode)?
                }
            };
            negate_if(m, negated)?
        }
        Func::Add | Func::Sub | Func::Mul | Func::Div | Func::Mod => {
            arithmetic(func, &args, tys, out, n)?
        }
        Func::Neg => {
            let a = arr(0, &args)?;
            match out {
                KqlType::Real => numeric::neg(&a)?,
                _ => from_i64(
                    numeric::neg_wrapping(&as_i64(&a)?)?
                        .as_any()
                        .downcast_ref::<Int64Array>()
                        .cloned()
                        .ok_or_else(|| internal("neg"))?,
                    out,
                )?,
            }
        }
        Func::In { ci, negated } => {
            // A null value is in no list, so `!in` keeps it (Kusto: `null !in (1, 2)` is true).
            let m = in_list(&args, tys, n, ci)?;
            let m = if m.null_count() > 0 {
                arrow::compute::prep_null_mask_filter(&m)
            } else {
                m
            };
            negate_if(m, negated)?
        }
        Func::HasAny | Func::HasAll => {
            let mut acc: Option<BooleanArray> = None;
            for i in 1..args.len() {
                let one = args_match(&args[0], &args[i], n, false, Match::Term)?;
                acc = Some(match acc {
                    None => one,
                    Some(a) if func == Func::HasAny => boolean::or_kleene(&a, &one)?,
                    Some(a) => boolean::and_kleene(&a, &one)?,
                });
            }
            // An empty list matches nothing (`has_any ()`), and everything for `has_all ()`.
            Arc::new(acc.unwrap_or_else(|| BooleanArray::from(vec![func == Func::HasAll; n])))
        }
        Func::IsEmpty | Func::IsNotEmpty => {
            let a = arr(0, &args)?;
            let empty = if tys[0].is_utf8() {
                sk::is_empty(as_str(&a)?)
            } else {
                arrow::compute::is_null(&a)?
            };
            negate_if(empty, func == Func::IsNotEmpty)?
        }
        Func::IsNull | Func::IsNotNull => {
            let a = arr(0, &args)?;
            // KQL strings are never null: `isnull("")` is false.
            let nulls = if tys[0] == KqlType::String {
                BooleanArray::from(vec![false; n])
            } else {
                arrow::compute::is_null(&a)?
            };
            negate_if(nulls, func == Func::IsNotNull)?
        }
        Func::ToString => to_string(&arr(0, &args)?, tys[0])?,
        Func::ToLower | Func::ToUpper => {
            let a = arr(0, &args)?;
            let s = as_str(&a)?;
            let up = func == Func::ToUpper;
            Arc::new(StringArray::from(sk::map_str(s, |v| {
                if up {
                    v.to_uppercase()
                } else {
                    v.to_lowercase()
                }
            })))
        }
        Func::StrLen => {
            let a = arr(0, &args)?;
            // Kusto counts Unicode characters, not bytes: strlen("😀") is 1.
            Arc::new(Int64Array::from(sk::map_str(as_str(&a)?, |v| {
                v.chars().count() as i64
            })))
        }
        Func::StrCat => {
            let cols = (0..args.len())
                .map(|i| arr(i, &args))
                .collect::<Result<Vec<_>>>()?;
            let strs = cols.iter().map(as_str).collect::<Result<Vec<_>>>()?;
            let mut b = StringBuilder::with_capacity(n, n * 16);
            let mut row = String::new();
            for r in 0..n {
                row.clear();
                let size: usize = strs
                    .iter()
                    .filter(|s| !s.is_null(r))
                    .map(|s| s.value(r).len())
                    .sum();
                // Sized before it is built: `let`s that double a string reach 2^n bytes.
                crate::limits::check_value_size(size, "strcat")?;
                for s in &strs {
                    if !s.is_null(r) {
                        row.push_str(s.value(r));
                    }
                }
                b.append_value(&row);
            }
            Arc::new(b.finish())
        }
        Func::Iff => {
            let c = arr(0, &args)?;
            let c = as_bool(&c)?;
            let t: Box<dyn Datum> = datum(&args[1]);
            let e: Box<dyn Datum> = datum(&args[2]);
            zip::zip(c, t.as_ref(), e.as_ref())?
        }
        Func::Bin => {
            let (a, s) = (arr(0, &args)?, arr(1, &args)?);
            match out {
                KqlType::Real => Arc::new(arith::bin_f64(&as_f64(&a)?, &as_f64(&s)?)),
                // Kusto bins datetimes from 0001-01-01 (its tick epoch), not from 1970:
                // 7-day bins start on Mondays.
                KqlType::DateTime => from_i64(
                    arith::bin_from(&as_i64(&a)?, &as_i64(&s)?, arith::KUSTO_EPOCH_NS),
                    out,
                )?,
                _ => from_i64(arith::bin_i64(&as_i64(&a)?, &as_i64(&s)?), out)?,
            }
        }
        Func::KvValue => {
            let cols = (0..args.len())
                .map(|i| arr(i, &args))
                .collect::<Result<Vec<_>>>()?;
            let strs = cols.iter().map(as_str).collect::<Result<Vec<_>>>()?;
            // Regex mode: the pattern is a constant, compiled once per batch.
            let pattern = strs
                .get(6)
                .filter(|a| !a.is_empty() && a.is_valid(0))
                .map(|a| a.value(0));
            let re = match pattern.filter(|p| !p.is_empty()) {
                Some(p) => Some(regex::Regex::new(p).map_err(|e| {
                    ExecError::Function(crate::kernels::regex_cache::invalid_regex(p, &e))
                })?),
                None => None,
            };
            // Greedy mode: the listed keys, a constant JSON array.
            let greedy: Option<Vec<String>> = match strs.get(7) {
                Some(a) if !a.is_empty() && a.is_valid(0) && !a.value(0).is_empty() => Some(
                    serde_json::from_str(a.value(0))
                        .map_err(|e| ExecError::Internal(format!("parse-kv's greedy keys: {e}")))?,
                ),
                _ => None,
            };
            let mut b = StringBuilder::with_capacity(n, n * 8);
            for r in 0..n {
                let get = |k: usize| {
                    if strs[k].is_null(r) {
                        ""
                    } else {
                        strs[k].value(r)
                    }
                };
                if let Some(keys) = &greedy {
                    b.append_value(crate::kernels::kv::greedy_value(
                        get(0),
                        get(1),
                        get(2),
                        get(3),
                        keys,
                    )?);
                    continue;
                }
                match &re {
                    // The first match whose key group is the key gives the value group.
                    Some(re) => b.append_value(
                        re.captures_iter(get(0))
                            .find(|c| c.get(1).is_some_and(|k| k.as_str().trim() == get(1)))
                            .and_then(|c| c.get(2))
                            .map_or("", |v| v.as_str().trim()),
                    ),
                    None => {
                        b.append_value(kv_value(get(0), get(1), get(2), get(3), get(4), get(5)))
                    }
                }
            }
            Arc::new(b.finish())
        }
        Func::Def(d) => return call_defined(d, args, n),
        Func::Lib(f) => {
            let arrays = (0..args.len())
                .map(|i| arr(i, &args))
                .collect::<Result<Vec<_>>>()?;
            super::library::call(f, &arrays, tys, out, n)?
        }
        Func::Cast(to) => {
            let a = arr(0, &args)?;
            let opts = CastOptions {
                safe: true,
                ..Default::default()
            };
            if tys[0] == KqlType::Real && matches!(to, KqlType::Long | KqlType::Int) {
                // Kusto saturates reals out of range (tolong(9.3e18) is the largest long);
                // NaN gives null.
                let f = a
                    .as_any()
                    .downcast_ref::<Float64Array>()
                    .ok_or_else(|| internal("tolong"))?;
                let vals = f.iter().map(|v| v.filter(|x| x.is_finite()));
                return Ok(Value::Array(if to == KqlType::Long {
                    Arc::new(vals.map(|v| v.map(|x| x as i64)).collect::<Int64Array>())
                } else {
                    Arc::new(vals.map(|v| v.map(|x| x as i32)).collect::<Int32Array>())
                }));
            }
            if tys[0] == KqlType::Long && to == KqlType::Int {
                // A long out of int range wraps (keeps the low 32 bits), as Kusto's toint
                // of a dynamic long does (oracle: agent-type-casts-coercion-0043,
                // toint(dynamic(9223372036854775807)) is -1) and as datetime ticks do here.
                let l = as_i64(&a)?;
                return Ok(Value::Array(Arc::new(
                    l.iter()
                        .map(|v| v.map(|x| x as i32))
                        .collect::<Int32Array>(),
                )));
            }
            if tys[0] == KqlType::Dynamic {
                return Ok(Value::Array(dynamic_to_number(as_str(&a)?, to)));
            }
            if matches!(tys[0], KqlType::DateTime | KqlType::TimeSpan) {
                // Kusto converts datetimes and timespans to their 100-ns ticks (datetimes
                // counted from 0001-01-01): tolong(datetime(2020-01-01)) is 637134336000000000.
                let ns = as_i64(&a)?;
                let origin = if tys[0] == KqlType::DateTime {
                    arith::KUSTO_EPOCH_NS
                } else {
                    0
                };
                let ticks: Vec<Option<i64>> = ns
                    .iter()
                    .map(|v| v.and_then(|v| i64::try_from((v as i128 + origin) / 100).ok()))
                    .collect();
                return Ok(Value::Array(match to {
                    KqlType::Int => Arc::new(
                        ticks
                            .iter()
                            .map(|t| t.map(|t| t as i32))
                            .collect::<Int32Array>(),
                    ),
                    KqlType::Long => Arc::new(Int64Array::from(ticks)),
                    _ => Arc::new(
                        ticks
                            .iter()
                            .map(|t| t.map(|t| t as f64))
                            .collect::<Float64Array>(),
                    ),
                }));
            }
            if tys[0] == KqlType::String {
                let s = as_str(&a)?;
                match to {
                    KqlType::Int => Arc::new(Int32Array::from(
                        s.iter()
                            .map(|v| v.and_then(|v| parse_integer(v, true)).map(|x| x as i32))
                            .collect::<Vec<_>>(),
                    )),
                    KqlType::Long => Arc::new(Int64Array::from(
                        s.iter()
                            .map(|v| v.and_then(|v| parse_integer(v, false)))
                            .collect::<Vec<_>>(),
                    )),
                    _ => Arc::new(Float64Array::from(
                        s.iter().map(|v| v.and_then(parse_real)).collect::<Vec<_>>(),
                    )),
                }
            } else {
                cast_with_options(&a, &to.arrow_type(), &opts)?
            }
        }
    };
    Ok(Value::Array(v))
}

fn datum(v: &Value) -> Box<dyn Datum> {
    match v {
        Value::Scalar(s) => Box::new(scalar_datum(s)),
        Value::Array(a) => Box::new(a.clone()),
    }
}

fn negate_if(b: BooleanArray, negate: bool) -> Result<ArrayRef> {
    Ok(Arc::new(if negate { boolean::not(&b)? } else { b }))
}

fn str_op_mode(op: StrOp) -> (Match, bool) {
    match op {
        StrOp::Has => (Match::Term, false),
        StrOp::HasCs => (Match::Term, true),
        StrOp::HasPrefix => (Match::TermPrefix, false),
        StrOp::HasPrefixCs => (Match::TermPrefix, true),
        StrOp::HasSuffix => (Match::TermSuffix, false),
        StrOp::HasSuffixCs => (Match::TermSuffix, true),
        StrOp::Contains => (Match::Contains, false),
        StrOp::ContainsCs => (Match::Contains, true),
        StrOp::StartsWith => (Match::Prefix, false),
        StrOp::StartsWithCs => (Match::Prefix, true),
        StrOp::EndsWith => (Match::Suffix, false),
        StrOp::EndsWithCs => (Match::Suffix, true),
        StrOp::MatchesRegex => (Match::Contains, true),
    }
}

fn args_match(
    hay: &Value,
    needle: &Value,
    n: usize,
    cs: bool,
    mode: Match,
) -> Result<BooleanArray> {
    let h = to_array(hay.clone(), n)?;
    let h = as_str(&h)?;
    Ok(match needle {
        Value::Scalar(Scalar::String(s)) => sk::match_scalar(h, s, cs, mode),
        other => {
            let nd = to_array(other.clone(), n)?;
            sk::match_arrays(h, as_str(&nd)?, cs, mode)
        }
    })
}

fn string_match(args: &[Value], n: usize, cs: bool, mode: Match) -> Result<BooleanArray> {
    args_match(&args[0], &args[1], n, cs, mode)
}

fn regex_match(args: &[Value], n: usize, re: Option<&regex::Regex>) -> Result<BooleanArray> {
    let h = to_array(args[0].clone(), n)?;
    let h = as_str(&h)?;
    match re {
        Some(re) => Ok(h.iter().map(|v| v.map(|s| re.is_match(s))).collect()),
        None => {
            let p = to_array(args[1].clone(), n)?;
            let p = as_str(&p)?;
            // A pattern per row: each distinct one is compiled once.
            let mut cache = crate::kernels::regex_cache::RegexCache::new();
            h.iter()
                .zip(p.iter())
                .map(|(v, p)| match (v, p) {
                    (Some(v), Some(p)) => Ok(Some(cache.get(p)?.is_match(v))),
                    _ => Ok(None),
                })
                .collect()
        }
    }
}

fn in_list(args: &[Value], tys: &[KqlType], n: usize, ci: bool) -> Result<BooleanArray> {
    if ci || tys[0] == KqlType::String {
        // String lists: one pass with a set of (folded) constants when the list is constant.
        let consts: Option<Vec<String>> = args[1..]
            .iter()
            .map(|a| match a {
                Value::Scalar(Scalar::String(s)) => {
                    Some(if ci { s.to_lowercase() } else { s.to_string() })
                }
                _ => None,
            })
            .collect();
        if let Some(list) = consts {
            // A short list is compared value by value: `==` on strings rejects on length
            // first, where hashing reads the whole value (long JSON texts against
            // `("", "[]")`). A long one is a set with a fast hasher.
            let set: Option<HashSet<&str, foldhash::fast::RandomState>> =
                (list.len() > 8).then(|| list.iter().map(String::as_str).collect());
            let has = |s: &str| match &set {
                Some(set) => set.contains(s),
                None => list.iter().any(|c| c == s),
            };
            let h = to_array(args[0].clone(), n)?;
            let h = as_str(&h)?;
            return Ok(h
                .iter()
                .map(|v| v.map(|s| if ci { has(&s.to_lowercase()) } else { has(s) }))
                .collect());
        }
    }
    let mut acc: Option<BooleanArray> = None;
    let l = to_array(args[0].clone(), n)?;
    for item in &args[1..] {
        let one = if ci {
            args_match(&args[0], item, n, false, Match::Equal)?
        } else {
            let d = datum(item);
            cmp::eq(&l, d.as_ref())?
        };
        acc = Some(match acc {
            None => one,
            Some(a) => boolean::or_kleene(&a, &one)?,
        });
    }
    Ok(acc.unwrap_or_else(|| BooleanArray::from(vec![false; n])))
}

fn arithmetic(
    func: Func,
    args: &[Value],
    tys: &[KqlType],
    out: KqlType,
    n: usize,
) -> Result<ArrayRef> {
    let a = to_array(args[0].clone(), n)?;
    let b = to_array(args[1].clone(), n)?;
    use KqlType::*;
    let as_prim = |x: ArrayRef| {
        x.as_any()
            .downcast_ref::<Int64Array>()
            .cloned()
            .ok_or_else(|| internal("arithmetic"))
    };
    Ok(match (tys[0], tys[1], out) {
        (Real, Real, Real) => match func {
            Func::Add => numeric::add(&a, &b)?,
            Func::Sub => numeric::sub(&a, &b)?,
            Func::Mul => numeric::mul(&a, &b)?,
            Func::Div => Arc::new(
                as_f64(&a)?
                    .iter()
                    .zip(as_f64(&b)?.iter())
                    .map(|(x, y)| Some(x? / y?))
                    .collect::<Float64Array>(),
            ),
            _ => Arc::new(arith::mod_f64(&as_f64(&a)?, &as_f64(&b)?)),
        },
        (TimeSpan, TimeSpan, Real) => {
            // timespan / timespan is a plain ratio.
            Arc::new(
                as_f64(&a)?
                    .iter()
                    .zip(as_f64(&b)?.iter())
                    .map(|(x, y)| Some(x? / y?))
                    .collect::<Float64Array>(),
            )
        }
        (TimeSpan, Real, TimeSpan) => Arc::new(DurationNanosecondArray::from(
            arith::scale_ticks(&as_i64(&a)?, &as_f64(&b)?, func == Func::Div)
                .iter()
                .collect::<Vec<_>>(),
        )),
        _ => {
            // long arithmetic, and datetime/timespan arithmetic on their nanosecond counts.
            let (x, y) = (as_i64(&a)?, as_i64(&b)?);
            let r: Int64Array = match func {
                Func::Add => as_prim(numeric::add_wrapping(&x, &y)?)?,
                Func::Sub => as_prim(numeric::sub_wrapping(&x, &y)?)?,
                Func::Mul => as_prim(numeric::mul_wrapping(&x, &y)?)?,
                Func::Div => arith::div_i64(&x, &y),
                _ => arith::mod_i64(&x, &y),
            };
            from_i64(r, out)?
        }
    })
}

/// `tostring()` by source type.
fn to_string(a: &ArrayRef, ty: KqlType) -> Result<ArrayRef> {
    let n = a.len();
    let mut b = StringBuilder::with_capacity(n, n * 8);
    macro_rules! each {
        ($arr:ty, $f:expr) => {{
            let arr = a
                .as_any()
                .downcast_ref::<$arr>()
                .ok_or_else(|| internal("tostring"))?;
            for v in arr.iter() {
                match v {
                    // tostring(null) is the empty string.
                    None => b.append_value(""),
                    Some(v) => b.append_value($f(v)),
                }
            }
        }};
    }
    match ty {
        KqlType::String | KqlType::Guid => each!(StringArray, |v: &str| v.to_string()),
        KqlType::Dynamic => {
            // Most stored JSON is compact already: its text is the answer, no parse.
            let arr = a
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| internal("tostring"))?;
            let mut keys = Vec::new();
            // When every value is its own answer, the column is the answer: its buffers
            // are shared, not copied (null slots become `""`, which they hold already
            // when their offsets are equal).
            let offsets = arr.value_offsets();
            let nulls_empty = arr.nulls().is_none_or(|n| {
                n.null_count() == 0
                    || n.iter()
                        .enumerate()
                        .all(|(i, ok)| ok || offsets[i] == offsets[i + 1])
            });
            if nulls_empty
                && arr.iter().all(|v| {
                    v.is_none_or(|v| {
                        crate::kernels::json_text::tostring_text(v, &mut keys)
                            .is_some_and(|s| s.len() == v.len())
                    })
                })
            {
                return Ok(Arc::new(StringArray::new(
                    arr.offsets().clone(),
                    arr.values().clone(),
                    None,
                )));
            }
            let mut buf = String::new();
            for v in arr.iter() {
                match v {
                    None => b.append_value(""),
                    Some(v) => dynamic_tostring(v, &mut keys, &mut buf, |s| b.append_value(s)),
                }
            }
        }
        KqlType::Bool => each!(BooleanArray, |v: bool| if v { "True" } else { "False" }
            .to_string()),
        KqlType::Int => each!(Int32Array, |v: i32| v.to_string()),
        KqlType::Long => each!(Int64Array, |v: i64| v.to_string()),
        KqlType::Real => {
            let arr = a
                .as_any()
                .downcast_ref::<Float64Array>()
                .ok_or_else(|| internal("tostring"))?;
            for v in arr.iter() {
                match v.map(|v| (v, text::real_to_string(v))) {
                    None => b.append_value(""),
                    Some((_, Some(s))) => b.append_value(s),
                    Some((v, None)) => {
                        return Err(ExecError::Function(format!(
                            "the text of the real {v} (more than 15 significant digits, or \
                             outside 1e-4..1e15) is not reproducible by hunt: Kusto's \
                             formatting of such values is not exact"
                        )));
                    }
                }
            }
        }
        KqlType::DateTime => each!(TimestampNanosecondArray, text::datetime_to_string),
        KqlType::TimeSpan => each!(DurationNanosecondArray, text::timespan_to_string),
    }
    let _ = TimeUnit::Nanosecond;
    Ok(Arc::new(b.finish()))
}

/// Comparisons as Kusto does them (its docs' null-values page and its oracle):
/// `<`, `<=`, `>`, `>=` with a null operand are null; `==` with exactly one null operand
/// is false and `!=` true, with two nulls both are null; a NaN compares unequal to
/// everything (arrow's kernels order NaN as a value).
fn compare(func: Func, args: &[Value], tys: &[KqlType], n: usize) -> Result<ArrayRef> {
    let l = to_array(args[0].clone(), n)?;
    let r = datum(&args[1]);
    let r = r.as_ref();
    let raw = match func {
        Func::Eq | Func::Ne => cmp::eq(&l, r)?,
        Func::Lt => cmp::lt(&l, r)?,
        Func::Le => cmp::lt_eq(&l, r)?,
        Func::Gt => cmp::gt(&l, r)?,
        _ => cmp::gt_eq(&l, r)?,
    };
    let r_nulls = match &args[1] {
        Value::Scalar(s) => s.is_null(),
        Value::Array(a) => a.null_count() > 0,
    };
    // The common case stays vectorized: no nulls and no NaN semantics to fix up.
    if l.null_count() == 0 && !r_nulls && tys[0] != KqlType::Real {
        return Ok(Arc::new(if func == Func::Ne {
            boolean::not(&raw)?
        } else {
            raw
        }));
    }
    let rr = to_array(args[1].clone(), n)?;
    // Vectorized null and NaN rules over bitmaps (arrow's `raw` is null where either side is).
    let all = || BooleanBuffer::new_set(n);
    let valid = |a: &ArrayRef| {
        a.logical_nulls()
            .map(|b| b.inner().clone())
            .unwrap_or_else(all)
    };
    let (vl, vr) = (valid(&l), valid(&rr));
    let both = &vl & &vr;
    let raw_vals = raw.values().clone();
    // NaN on either side: unequal to everything, ordered before nothing.
    let not_nan = if tys[0] == KqlType::Real {
        let is_nan = |a: &ArrayRef| {
            a.as_any()
                .downcast_ref::<Float64Array>()
                .map(|f| BooleanBuffer::collect_bool(n, |i| f.value(i).is_nan()))
                .unwrap_or_else(|| BooleanBuffer::new_unset(n))
        };
        !&(&is_nan(&l) | &is_nan(&rr))
    } else {
        all()
    };
    let eq = &(&raw_vals & &both) & &not_nan;
    let (values, validity) = match func {
        // One null: `==` false, `!=` true; two nulls: null.
        Func::Eq => (eq, &vl | &vr),
        Func::Ne => (&(!&eq) & &(&vl | &vr), &vl | &vr),
        _ => (eq, both),
    };
    Ok(Arc::new(BooleanArray::new(
        values,
        Some(NullBuffer::new(validity)),
    )))
}

/// Kusto's string → integer parse: surrounding spaces ignored, a leading `+`, and hex
/// `0x…` (read as unsigned bits, so `0xFFFFFFFFFFFFFFFF` is -1); anything else is null.
fn parse_integer(s: &str, int32: bool) -> Option<i64> {
    let t = s.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return if int32 {
            u32::from_str_radix(hex, 16).ok().map(|v| v as i32 as i64)
        } else {
            u64::from_str_radix(hex, 16).ok().map(|v| v as i64)
        };
    }
    let v: i64 = t.strip_prefix('+').unwrap_or(t).parse().ok()?;
    if int32 && i32::try_from(v).is_err() {
        return None;
    }
    Some(v)
}

/// Kusto's string → real parse: `nan`, `inf`, `-inf`, `Infinity` forms, decimal and exponent.
fn parse_real(s: &str) -> Option<f64> {
    let t = s.trim();
    // Exactly these spellings (the oracle shows `Inf` and `-inf` accepted, `INF` refused).
    match t {
        "inf" | "+inf" | "Inf" | "+Inf" => return Some(f64::INFINITY),
        "-inf" | "-Inf" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "nan" => Some(f64::NAN),
        "infinity" | "+infinity" => Some(f64::INFINITY),
        "-infinity" => Some(f64::NEG_INFINITY),
        // Rust also accepts `INF`, `inf` in other cases; Kusto does not.
        l if l.contains("inf") || l.contains("nan") => None,
        _ => t.parse().ok(),
    }
}

/// `toint`/`tolong`/`todouble` of dynamic values, as Kusto's oracle shows: numbers convert
/// (reals truncate and saturate; longs wrap into int), `true` is 1, strings parse as the
/// target type (`"1.5"` is no int), and arrays, bags and null give null.
fn dynamic_to_number(a: &StringArray, to: KqlType) -> ArrayRef {
    enum N {
        Int(i64),
        Real(f64),
        Text(String),
    }
    let read = |text: &str| -> Option<N> {
        match serde_json::from_str::<serde_json::Value>(text).ok()? {
            serde_json::Value::Number(n) => Some(match n.as_i64() {
                Some(i) => N::Int(i),
                None => N::Real(n.as_f64()?),
            }),
            serde_json::Value::Bool(b) => Some(N::Int(b as i64)),
            serde_json::Value::String(s) => Some(N::Text(s)),
            _ => None,
        }
    };
    let as_long = |n: N| match n {
        N::Int(i) => Some(i),
        N::Real(f) => Some(f as i64),
        N::Text(s) => parse_integer(&s, false),
    };
    match to {
        KqlType::Int => Arc::new(
            a.iter()
                .map(|v| {
                    // Reals saturate into int (toint(1.8e308) is 2147483647); longs wrap.
                    v.and_then(read).and_then(|n| match n {
                        N::Real(f) => Some(f as i32),
                        other => as_long(other).map(|i| i as i32),
                    })
                })
                .collect::<Int32Array>(),
        ),
        KqlType::Long => Arc::new(
            a.iter()
                .map(|v| v.and_then(read).and_then(as_long))
                .collect::<Int64Array>(),
        ),
        _ => Arc::new(
            a.iter()
                .map(|v| {
                    v.and_then(read).and_then(|n| match n {
                        N::Int(i) => Some(i as f64),
                        N::Real(f) => Some(f),
                        N::Text(s) => parse_real(&s),
                    })
                })
                .collect::<Float64Array>(),
        ),
    }
}

/// The value of `key` in key-value text: pairs split at `pair` outside quotes, each pair at
/// its first `kv`, keys and values trimmed and unquoted; the first occurrence wins. `quotes`
/// of two different characters is an opening and a closing quote (the parse-kv docs'
/// `quote='()'`); otherwise each character quotes on both sides. Inside quotes, the
/// `escape` character (if any) makes the next character literal, and is removed before a
/// quote or another escape character.
fn kv_value<'t>(
    text: &'t str,
    key: &str,
    pair: &str,
    kv: &str,
    quotes: &str,
    escape: &str,
) -> std::borrow::Cow<'t, str> {
    let esc = escape.chars().next();
    let qs: Vec<char> = quotes.chars().collect();
    let pairs: Vec<(char, char)> = match qs.as_slice() {
        [open, close] if open != close => vec![(*open, *close)],
        _ => qs.iter().map(|c| (*c, *c)).collect(),
    };
    if pair.is_empty() || kv.is_empty() {
        return kv_value_undelimited(text, key, &pairs, esc);
    }
    let unquote = |s: &'t str| -> &'t str {
        pairs
            .iter()
            .find(|(o, c)| s.len() >= 2 && s.starts_with(*o) && s.ends_with(*c))
            .map(|(o, c)| &s[o.len_utf8()..s.len() - c.len_utf8()])
            .unwrap_or(s)
    };
    let mut start = 0;
    let mut closing: Option<char> = None;
    let mut i = 0;
    let bytes_len = text.len();
    while i <= bytes_len {
        let at_end = i == bytes_len;
        let rest = &text[i..];
        let c = rest.chars().next();
        if let (Some(q), Some(c)) = (closing, c) {
            if Some(c) == esc {
                // The escaped character, whatever it is, stays inside the quotes.
                i += c.len_utf8();
                i += text[i..].chars().next().map_or(0, char::len_utf8);
                continue;
            }
            if c == q {
                closing = None;
            }
            i += c.len_utf8();
            continue;
        }
        if let Some(c) = c {
            if let Some((_, close)) = pairs.iter().find(|(o, _)| *o == c) {
                closing = Some(*close);
                i += c.len_utf8();
                continue;
            }
        }
        if at_end || rest.starts_with(pair) {
            let piece = &text[start..i];
            if let Some((k, v)) = piece.split_once(kv) {
                if unquote(k.trim()) == key {
                    let v = unquote(v.trim());
                    return match esc {
                        Some(e) if v.contains(e) => unescape(v, e, &pairs).into(),
                        _ => v.into(),
                    };
                }
            }
            if at_end {
                break;
            }
            i += pair.len();
            start = i;
            continue;
        }
        i += c.map(char::len_utf8).unwrap_or(1);
    }
    "".into()
}

/// Key-value text without delimiters (the parse-kv docs: "any nonalphanumeric character
/// is considered a delimiter"): the first occurrence of `key` as a whole word, then the
/// delimiters after it, then a quoted value or a run of letters and digits.
fn kv_value_undelimited<'t>(
    text: &'t str,
    key: &str,
    quotes: &[(char, char)],
    esc: Option<char>,
) -> std::borrow::Cow<'t, str> {
    if key.is_empty() {
        return "".into();
    }
    let word = |c: char| c.is_alphanumeric();
    let mut from = 0;
    while let Some(pos) = text[from..].find(key) {
        let start = from + pos;
        let end = start + key.len();
        from = end;
        let before_ok = text[..start].chars().next_back().is_none_or(|c| !word(c));
        let after = &text[end..];
        if !before_ok || after.chars().next().is_some_and(word) {
            continue;
        }
        // Skip delimiters up to the value.
        let skip = after
            .char_indices()
            .find(|(_, c)| word(*c) || quotes.iter().any(|(o, _)| o == c))
            .map_or(after.len(), |(i, _)| i);
        let rest = &after[skip..];
        let Some(first) = rest.chars().next() else {
            return "".into();
        };
        if let Some((o, close)) = quotes.iter().find(|(o, _)| *o == first) {
            let body = &rest[o.len_utf8()..];
            let mut out = String::new();
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                if Some(c) == esc {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                    continue;
                }
                if c == *close {
                    break;
                }
                out.push(c);
            }
            return out.trim().to_string().into();
        }
        let len = rest
            .char_indices()
            .find(|(_, c)| !word(*c))
            .map_or(rest.len(), |(i, _)| i);
        return rest[..len].into();
    }
    "".into()
}

/// `v` with the escape character `e` removed before a quote character or another `e`.
fn unescape(v: &str, e: char, quotes: &[(char, char)]) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        if c == e {
            if let Some(&n) = chars.peek() {
                if n == e || quotes.iter().any(|(o, cl)| n == *o || n == *cl) {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Kusto's rule for one row (the null-values page and the oracle): ordering with a null
    /// is null; `==` with one null is false and `!=` true, with two nulls null; NaN is
    /// unequal to everything and ordered before nothing.
    fn reference(func: Func, l: Option<f64>, r: Option<f64>) -> Option<bool> {
        match (l, r) {
            (None, None) => None,
            (None, _) | (_, None) => match func {
                Func::Eq => Some(false),
                Func::Ne => Some(true),
                _ => None,
            },
            (Some(a), Some(b)) => Some(match func {
                Func::Eq => a == b,
                Func::Ne => a != b,
                Func::Lt => a < b,
                Func::Le => a <= b,
                Func::Gt => a > b,
                _ => a >= b,
            }),
        }
    }

    fn cell() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            Just(None),
            Just(Some(f64::NAN)),
            (-3i32..3).prop_map(|v| Some(f64::from(v))),
        ]
    }

    proptest! {
        #[test]
        fn vectorized_comparison_matches_the_row_rule(
            rows in proptest::collection::vec((cell(), cell()), 1..40),
            f in 0usize..6,
        ) {
            let func = [Func::Eq, Func::Ne, Func::Lt, Func::Le, Func::Gt, Func::Ge][f];
            let l: Float64Array = rows.iter().map(|r| r.0).collect();
            let r: Float64Array = rows.iter().map(|r| r.1).collect();
            let args = [Value::Array(Arc::new(l)), Value::Array(Arc::new(r))];
            let out = compare(func, &args, &[KqlType::Real, KqlType::Real], rows.len())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let out = out.as_any().downcast_ref::<BooleanArray>()
                .ok_or_else(|| TestCaseError::fail("not bool"))?;
            for (i, (a, b)) in rows.iter().enumerate() {
                let got = out.is_valid(i).then(|| out.value(i));
                prop_assert_eq!(got, reference(func, *a, *b), "row {} {:?} {:?}", i, a, b);
            }
        }
    }
}

/// `tostring()` of one dynamic value stored as the JSON `v`, handed to `out`: the text
/// itself when it is already compact, a string's contents, else the parsed value written
/// back. `keys` and `buf` are scratch space reused between calls.
pub(crate) fn dynamic_tostring(
    v: &str,
    keys: &mut Vec<(usize, usize)>,
    buf: &mut String,
    mut out: impl FnMut(&str),
) {
    match crate::kernels::json_text::tostring_text(v, keys) {
        Some(s) => out(s),
        // A JSON string with escapes: decoded without a parse when it can.
        None => match crate::kernels::json_scan::string_contents(v, buf) {
            Some(s) => out(s),
            None => out(&text::dynamic_to_string_parsed(v)),
        },
    }
}
