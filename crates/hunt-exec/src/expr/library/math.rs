//! Math, conditional (`coalesce`, `case`, `max_of`), conversion (`tobool`, `toguid`,
//! `gettype`) and IPv4 functions.

use super::{Args, Json, compare_or_match, pv, str_array, sv};
use crate::error::Result;
use crate::kernels::{ipv4, json, numeric};
use arrow::array::*;
use arrow::compute::kernels::{cmp, numeric as arith, zip};
use arrow::datatypes::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::sync::Arc;

pub(super) fn call(a: &Args<'_>, out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let unary = |g: fn(f64) -> f64| -> Result<ArrayRef> {
        Ok(Arc::new(a.real(0)?.unary::<_, Float64Type>(g)))
    };
    Ok(match a.f {
        Abs => match out {
            KqlType::Real => unary(f64::abs)?,
            _ => {
                // |x| = x where x >= 0, else -x; wrapping like Kusto's long arithmetic.
                let x = &a.a[0];
                let neg = arith::neg_wrapping(x)?;
                let zero = new_zero(out);
                let is_neg = cmp::lt(x, &Scalar::new(zero))?;
                zip::zip(&is_neg, &neg, x)?
            }
        },
        Round => {
            let p = a.opt_long(1)?;
            let digits = |i: usize| match p {
                Some(p) => pv(p, i),
                None => Some(0),
            };
            match out {
                KqlType::Real => {
                    let x = a.real(0)?;
                    Arc::new(
                        (0..a.n)
                            .map(|i| Some(numeric::round_to(pv(x, i)?, digits(i)?)))
                            .collect::<Float64Array>(),
                    )
                }
                KqlType::Int => {
                    let x = a.int(0)?;
                    Arc::new(
                        (0..a.n)
                            .map(|i| {
                                let v = numeric::round_int(pv(x, i)? as i64, digits(i)?);
                                i32::try_from(v).ok()
                            })
                            .collect::<Int32Array>(),
                    )
                }
                _ => {
                    let x = a.long(0)?;
                    Arc::new(
                        (0..a.n)
                            .map(|i| Some(numeric::round_int(pv(x, i)?, digits(i)?)))
                            .collect::<Int64Array>(),
                    )
                }
            }
        }
        Ceiling => unary(f64::ceil)?,
        Sign => unary(|x| {
            if x.is_nan() {
                x
            } else if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            }
        })?,
        Pi => Arc::new(Float64Array::from_value(std::f64::consts::PI, a.n)),
        MaxOf | MinOf => extremum(a, out, a.f == MaxOf)?,
        Coalesce => {
            let last = a.len() - 1;
            let mut acc = a.a[last].clone();
            for i in (0..last).rev() {
                let x = &a.a[i];
                let present = if out == KqlType::String {
                    let s = a.str(i)?;
                    (0..a.n).map(|r| Some(!sv(s, r).is_empty())).collect()
                } else {
                    arrow::compute::is_not_null(x)?
                };
                acc = zip::zip(&present, x, &acc)?;
            }
            acc
        }
        Case => {
            let last = a.len() - 1;
            let mut acc = a.a[last].clone();
            for i in (0..last).step_by(2).rev() {
                let p = a.bool(i)?;
                // A null predicate is not true.
                let p = if p.null_count() > 0 {
                    arrow::compute::prep_null_mask_filter(p)
                } else {
                    p.clone()
                };
                acc = zip::zip(&p, &a.a[i + 1], &acc)?;
            }
            acc
        }
        ToBool => to_bool(a)?,
        ToGuid => {
            let mut b = StringBuilder::new();
            if a.tys[0] == KqlType::Dynamic {
                let mut j = a.json(0)?;
                for i in 0..a.n {
                    match j.get(i) {
                        Some(Value::String(s)) => append_opt(&mut b, parse_guid(s)),
                        _ => b.append_null(),
                    }
                }
            } else {
                let s = a.str(0)?;
                for i in 0..a.n {
                    append_opt(&mut b, parse_guid(sv(s, i)));
                }
            }
            Arc::new(b.finish())
        }
        GetType => {
            let mut j = a.json(0)?;
            str_array((0..a.n).map(|i| j.get(i).map(json::type_name).unwrap_or("null")))
        }
        Ipv4IsPrivate => {
            let s = a.str(0)?;
            Arc::new(
                (0..a.n)
                    .map(|i| ipv4::parse(sv(s, i)).map(ipv4::is_private))
                    .collect::<BooleanArray>(),
            )
        }
        ParseIpv4 => {
            let s = a.str(0)?;
            Arc::new(
                (0..a.n)
                    .map(|i| ipv4::parse(sv(s, i)).map(ipv4::to_long))
                    .collect::<Int64Array>(),
            )
        }
        Ipv4IsInRange => {
            let (s, r) = (a.str(0)?, a.str(1)?);
            Arc::new(
                (0..a.n)
                    .map(|i| {
                        Some(ipv4::in_range(
                            ipv4::parse(sv(s, i))?,
                            ipv4::parse(sv(r, i))?,
                        ))
                    })
                    .collect::<BooleanArray>(),
            )
        }
        Ipv4IsMatch | Ipv4Compare => {
            let (s, r) = (a.str(0)?, a.str(1)?);
            let p = a.opt_long(2)?;
            let vals: Vec<Option<i64>> = (0..a.n)
                .map(|i| {
                    let prefix = match p {
                        Some(p) => Some(pv(p, i)?),
                        None => None,
                    };
                    ipv4::compare(ipv4::parse(sv(s, i))?, ipv4::parse(sv(r, i))?, prefix)
                })
                .collect();
            compare_or_match(vals, a.f == Ipv4Compare)
        }
        Ipv4IsInAnyRange => {
            let s = a.str(0)?;
            let mut ranges_json = if a.tys[1] == KqlType::Dynamic {
                Some(a.json(1)?)
            } else {
                None
            };
            let cols = if ranges_json.is_none() {
                (1..a.len()).map(|c| a.str(c)).collect::<Result<Vec<_>>>()?
            } else {
                Vec::new()
            };
            let mut out = Vec::with_capacity(a.n);
            for i in 0..a.n {
                let Some(ip) = ipv4::parse(sv(s, i)) else {
                    out.push(None);
                    continue;
                };
                let ranges: Vec<String> = match ranges_json.as_mut() {
                    Some(j) => match j.get(i) {
                        Some(Value::Array(xs)) => xs.iter().map(json::text).collect(),
                        Some(Value::String(x)) => vec![x.clone()],
                        _ => Vec::new(),
                    },
                    None => cols.iter().map(|c| sv(c, i).to_string()).collect(),
                };
                out.push(Some(
                    ranges
                        .iter()
                        .filter_map(|r| ipv4::parse(r))
                        .any(|r| ipv4::in_range(ip, r)),
                ));
            }
            Arc::new(BooleanArray::from(out))
        }
        FormatIpv4 | FormatIpv4Mask => {
            let p = a.opt_long(1)?;
            let addr = |i: usize| -> Result<Option<(u32, u8)>> {
                Ok(if a.tys[0] == KqlType::String {
                    ipv4::parse(sv(a.str(0)?, i)).map(|ip| (ip.addr, ip.prefix))
                } else {
                    pv(a.long(0)?, i)
                        .and_then(|v| u32::try_from(v).ok())
                        .map(|v| (v, 32))
                })
            };
            let mut out = Vec::with_capacity(a.n);
            for i in 0..a.n {
                let prefix = match p {
                    Some(p) => pv(p, i).filter(|x| (0..=32).contains(x)).map(|x| x as u8),
                    None => Some(32),
                };
                out.push(match (addr(i)?, prefix) {
                    (Some((ad, own)), Some(pf)) => {
                        let p = own.min(pf);
                        if a.f == FormatIpv4Mask {
                            format!("{}/{p}", ipv4::format(ad, p))
                        } else {
                            ipv4::format(ad, p)
                        }
                    }
                    _ => String::new(),
                });
            }
            str_array(out)
        }
        HasIpv4 => {
            let (s, ip) = (a.str(0)?, a.str(1)?);
            Arc::new(
                (0..a.n)
                    .map(|i| Some(ipv4::has_ipv4(sv(s, i), sv(ip, i))))
                    .collect::<BooleanArray>(),
            )
        }
        _ => return Err(a.internal()),
    })
}

fn new_zero(t: KqlType) -> ArrayRef {
    match t {
        KqlType::Int => Arc::new(Int32Array::from(vec![0])),
        KqlType::TimeSpan => Arc::new(DurationNanosecondArray::from(vec![0])),
        _ => Arc::new(Int64Array::from(vec![0])),
    }
}

fn append_opt(b: &mut StringBuilder, v: Option<String>) {
    match v {
        Some(v) => b.append_value(v),
        None => b.append_null(),
    }
}

/// Guid text as `toguid` reads it: 32 hex digits, with or without hyphens (the Kusto docs
/// read `0123456789ab-cdef-0123-456789abcdef` too), optionally in braces or parentheses;
/// lower-cased into the `8-4-4-4-12` form.
fn parse_guid(s: &str) -> Option<String> {
    let t = s.trim();
    let t = t
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .or_else(|| t.strip_prefix('{').and_then(|x| x.strip_suffix('}')))
        .unwrap_or(t);
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let l = hex.to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &l[..8],
        &l[8..12],
        &l[12..16],
        &l[16..20],
        &l[20..]
    ))
}

/// `tobool(s)`: `true`/`false` in any case, or an integer (non-zero is true); anything
/// else, surrounding spaces included, is null (oracle: `tobool(" true")` and
/// `tobool("1.0")` are null, `tobool(dynamic("123"))` is true).
fn text_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        s.parse::<i64>().ok().map(|v| v != 0)
    }
}

fn to_bool(a: &Args<'_>) -> Result<ArrayRef> {
    let n = a.n;
    Ok(Arc::new(match a.tys[0] {
        KqlType::String => {
            let s = a.str(0)?;
            (0..n)
                .map(|i| text_bool(sv(s, i)))
                .collect::<BooleanArray>()
        }
        KqlType::Int => a.int(0)?.iter().map(|v| v.map(|v| v != 0)).collect(),
        KqlType::Long => a.long(0)?.iter().map(|v| v.map(|v| v != 0)).collect(),
        KqlType::Real => a.real(0)?.iter().map(|v| v.map(|v| v != 0.0)).collect(),
        _ => {
            let mut j: Json<'_> = a.json(0)?;
            (0..n)
                .map(|i| match j.get(i) {
                    Some(Value::Bool(b)) => Some(*b),
                    Some(Value::Number(x)) => match x.as_i64() {
                        Some(v) => Some(v != 0),
                        None => x.as_f64().map(|v| v != 0.0),
                    },
                    Some(Value::String(s)) => text_bool(s),
                    _ => None,
                })
                .collect()
        }
    }))
}

/// `max_of` / `min_of`: nulls are skipped; a NaN wins (oracle: `max_of(real(nan), 1.0)`
/// is NaN).
fn extremum(a: &Args<'_>, out: KqlType, max: bool) -> Result<ArrayRef> {
    fn pick<T: ArrowPrimitiveType>(
        cols: Vec<&PrimitiveArray<T>>,
        n: usize,
        max: bool,
        is_nan: fn(T::Native) -> bool,
    ) -> PrimitiveArray<T>
    where
        T::Native: PartialOrd,
    {
        (0..n)
            .map(|i| {
                let mut best: Option<T::Native> = None;
                for c in &cols {
                    let Some(v) = pv(c, i) else { continue };
                    if is_nan(v) {
                        return Some(v);
                    }
                    best = Some(match best {
                        Some(b) if (max && b >= v) || (!max && b <= v) => b,
                        _ => v,
                    });
                }
                best
            })
            .collect()
    }
    macro_rules! run {
        ($acc:ident, $t:ty, $nan:expr) => {{
            let cols = (0..a.len())
                .map(|i| a.$acc(i))
                .collect::<Result<Vec<_>>>()?;
            Arc::new(pick::<$t>(cols, a.n, max, $nan)) as ArrayRef
        }};
    }
    Ok(match out {
        KqlType::Int => run!(int, Int32Type, |_| false),
        KqlType::Long => run!(long, Int64Type, |_| false),
        KqlType::Real => run!(real, Float64Type, f64::is_nan),
        KqlType::DateTime => run!(dt, TimestampNanosecondType, |_| false),
        KqlType::TimeSpan => run!(ts, DurationNanosecondType, |_| false),
        _ => return Err(a.internal()),
    })
}
