//! The long tail of scalar functions: command lines, hex and byte-size text, regex
//! helpers, bit operations, hashes, base64/zlib coding, code points, `jaccard_index`
//! and `array_split`. Per-value logic is in `crate::kernels::misc`.

use super::{Args, Cache, compile_regex, dyn_array, pv, str_array, sv, user_error};
use crate::error::Result;
use crate::kernels::{json, misc, strfn, string as strk};
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let n = a.n;
    Ok(match a.f {
        ParseCommandLine => {
            let s = a.str(0)?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let line = sv(s, i);
                if line.is_empty() {
                    // Windows answers the running program's path for an empty line; what
                    // Kusto answers is not documented.
                    return Err(user_error(
                        "parse_command_line of an empty string is not supported".into(),
                    ));
                }
                let args = misc::command_line_args(line);
                vals.push(Some(Value::Array(
                    args.into_iter().map(Value::String).collect(),
                )));
            }
            dyn_array(vals)
        }
        RegexQuote => {
            let s = a.str(0)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(misc::regex_quote(sv(s, i)).map_err(|c| {
                    user_error(format!(
                        "regex_quote of `{c}`: how Kusto escapes it is not documented"
                    ))
                })?);
            }
            str_array(out)
        }
        IndexOfRegex => {
            let (s, p) = (a.str(0)?, a.str(1)?);
            let (start, length, occ) = (a.opt_long(2)?, a.opt_long(3)?, a.opt_long(4)?);
            let opt = |c: Option<&Int64Array>, i: usize, d: i64| match c {
                Some(c) => pv(c, i),
                None => Some(d),
            };
            let mut re = Cache::new();
            let mut out = Int64Builder::with_capacity(n);
            for i in 0..n {
                let re = re.get(sv(p, i), compile_regex)?;
                let v = (|| {
                    misc::indexof_regex(
                        sv(s, i),
                        re,
                        opt(start, i, 0)?,
                        opt(length, i, -1)?,
                        opt(occ, i, 1)?,
                    )
                })();
                out.append_option(v);
            }
            Arc::new(out.finish())
        }
        IsAscii => {
            let s = a.str(0)?;
            Arc::new(
                (0..n)
                    .map(|i| Some(sv(s, i).is_ascii()))
                    .collect::<BooleanArray>(),
            )
        }
        ToHex => {
            let min = a.opt_long(1)?;
            let (vals, bits): (Vec<Option<i64>>, u32) = if a.tys.first() == Some(&KqlType::Int) {
                let v = a.int(0)?;
                ((0..n).map(|i| pv(v, i).map(i64::from)).collect(), 32)
            } else {
                let v = a.long(0)?;
                ((0..n).map(|i| pv(v, i)).collect(), 64)
            };
            let mut b = StringBuilder::new();
            for (i, v) in vals.into_iter().enumerate() {
                let m = match min {
                    None => Some(None),
                    Some(m) => pv(m, i).map(Some),
                };
                match (v, m) {
                    (Some(v), Some(m)) => b.append_value(misc::to_hex(v, bits, m)),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        FormatBytes => {
            let size = a.real(0)?;
            let prec = a.opt_long(1)?;
            let units = if a.len() > 2 { Some(a.str(2)?) } else { None };
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let p = match prec {
                    Some(p) => pv(p, i),
                    None => Some(0),
                };
                let u = units.map(|u| sv(u, i)).unwrap_or("");
                out.push(match (pv(size, i), p) {
                    (Some(s), Some(p)) => misc::format_bytes(s, p, u).map_err(|e| {
                        user_error(format!("{e}: Kusto's answer is not documented"))
                    })?,
                    _ => String::new(),
                });
            }
            str_array(out)
        }
        HasAnyIndex => {
            let s = a.str(0)?;
            let mut list = a.json(1)?;
            let mut out = Int64Builder::with_capacity(n);
            for i in 0..n {
                match list.get(i) {
                    Some(Value::Array(terms)) => {
                        let hay = sv(s, i);
                        let hit = terms
                            .iter()
                            .position(|t| strk::has_term(hay, &json::text(t)));
                        out.append_value(hit.map_or(-1, |k| k as i64));
                    }
                    _ => out.append_null(),
                }
            }
            Arc::new(out.finish())
        }
        HashSha1 => {
            use sha1::Digest;
            let s = a.str(0)?;
            str_array((0..n).map(|i| {
                let d = sha1::Sha1::digest(sv(s, i).as_bytes());
                d.iter().map(|b| format!("{b:02x}")).collect::<String>()
            }))
        }
        Hash => {
            use twox_hash::XxHash64;
            let h: Vec<Option<i64>> = if a.tys.first() == Some(&KqlType::DateTime) {
                // A datetime hashes as its ticks (100 ns since 0001-01-01), little-endian:
                // the docs' hash(datetime("2015-01-01")) is 1380966698541616202.
                let d = a.dt(0)?;
                (0..n)
                    .map(|i| {
                        let ticks = pv(d, i)?.div_euclid(100) + UNIX_EPOCH_TICKS;
                        Some(XxHash64::oneshot(0, &ticks.to_le_bytes()) as i64)
                    })
                    .collect()
            } else {
                let s = a.str(0)?;
                (0..n)
                    .map(|i| Some(XxHash64::oneshot(0, sv(s, i).as_bytes()) as i64))
                    .collect()
            };
            Arc::new(Int64Array::from(h))
        }
        Base64DecodeToArray => {
            let s = a.str(0)?;
            dyn_array((0..n).map(|i| {
                let bytes = misc::base64_strict(sv(s, i))?;
                Some(Value::Array(bytes.into_iter().map(Value::from).collect()))
            }))
        }
        Base64EncodeFromGuid => {
            let g = a.str(0)?;
            str_array((0..n).map(|i| match misc::guid_to_bytes(sv(g, i)) {
                Some(b) => strfn::base64_encode(&b),
                None => String::new(),
            }))
        }
        Base64EncodeFromArray => {
            let mut j = a.json(0)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let bytes = match j.get(i) {
                    Some(Value::Array(xs)) => xs
                        .iter()
                        .map(|x| x.as_i64().and_then(|v| u8::try_from(v).ok()))
                        .collect::<Option<Vec<u8>>>(),
                    _ => None,
                };
                out.push(bytes.map(|b| strfn::base64_encode(&b)).unwrap_or_default());
            }
            str_array(out)
        }
        UnicodeCodepointsFromString => {
            let s = a.str(0)?;
            dyn_array((0..n).map(|i| {
                Some(Value::Array(
                    sv(s, i).chars().map(|c| Value::from(c as u32)).collect(),
                ))
            }))
        }
        UnicodeCodepointsToString => codepoints_to_string(a)?,
        ZlibDecompress => {
            let s = a.str(0)?;
            str_array((0..n).map(|i| {
                // Invalid input gives an empty string (docs: "x0x0x0" → "").
                let inflate = || -> Option<String> {
                    let bytes = strfn::base64_decode(sv(s, i))?;
                    let mut out = String::new();
                    flate2::read::ZlibDecoder::new(&bytes[..])
                        .read_to_string(&mut out)
                        .ok()?;
                    Some(out)
                };
                inflate().unwrap_or_default()
            }))
        }
        JaccardIndex => {
            let (mut x, mut y) = (a.json(0)?, a.json(1)?);
            let mut out = Float64Builder::with_capacity(n);
            for i in 0..n {
                let xs = distinct(x.get(i));
                let ys = distinct(y.get(i));
                match (xs, ys) {
                    (Some(xs), Some(ys)) => {
                        let union = xs.union(&ys).count();
                        if union == 0 {
                            return Err(user_error(
                                "jaccard_index of two empty sets: Kusto's answer is not documented"
                                    .into(),
                            ));
                        }
                        let common = xs.intersection(&ys).count();
                        out.append_value(common as f64 / union as f64);
                    }
                    _ => out.append_null(),
                }
            }
            Arc::new(out.finish())
        }
        ArraySplit => array_split(a)?,
        _ => return Err(a.internal()),
    })
}

/// Ticks (100 ns units since 0001-01-01) at the Unix epoch.
const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

/// The distinct elements of an array, by [`json::key`]; `None` when not an array.
fn distinct(v: Option<&Value>) -> Option<HashSet<String>> {
    match v {
        Some(Value::Array(xs)) => Some(xs.iter().map(json::key).collect()),
        _ => None,
    }
}

/// `unicode_codepoints_to_string(…)`: numbers and arrays of numbers, in order.
fn codepoints_to_string(a: &Args<'_>) -> Result<ArrayRef> {
    enum Col<'a> {
        Long(&'a Int64Array),
        Json(super::Json<'a>),
    }
    let mut cols = Vec::with_capacity(a.len());
    for c in 0..a.len() {
        cols.push(if a.tys.get(c) == Some(&KqlType::Dynamic) {
            Col::Json(a.json(c)?)
        } else {
            Col::Long(a.long(c)?)
        });
    }
    let bad = || {
        user_error(
            "unicode_codepoints_to_string of a value that is not a code point is not supported"
                .into(),
        )
    };
    let mut b = StringBuilder::new();
    for i in 0..a.n {
        let mut s = String::new();
        let mut null = false;
        for col in cols.iter_mut() {
            let mut push = |v: i64| -> Result<()> {
                let c = u32::try_from(v)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(bad)?;
                s.push(c);
                Ok(())
            };
            match col {
                Col::Long(l) => match pv(l, i) {
                    Some(v) => push(v)?,
                    None => null = true,
                },
                Col::Json(j) => match j.get(i) {
                    Some(Value::Array(xs)) => {
                        for x in xs {
                            push(x.as_i64().ok_or_else(bad)?)?;
                        }
                    }
                    Some(v) => push(v.as_i64().ok_or_else(bad)?)?,
                    None => null = true,
                },
            }
        }
        if null {
            b.append_null();
        } else {
            b.append_value(s);
        }
    }
    Ok(Arc::new(b.finish()))
}

/// `array_split(a, i | [i1, i2, …])`: the pieces [0..i1), [i1..i2), …, [iN..len); negative
/// indexes count from the end (docs). Indexes outside the array or out of order have no
/// documented answer and are an error.
fn array_split(a: &Args<'_>) -> Result<ArrayRef> {
    let mut arr = a.json(0)?;
    let by_list = a.tys.get(1) == Some(&KqlType::Dynamic);
    let mut list = if by_list { Some(a.json(1)?) } else { None };
    let single = if by_list { None } else { Some(a.long(1)?) };
    let mut vals = Vec::with_capacity(a.n);
    for i in 0..a.n {
        let idx: Option<Vec<i64>> = match (&mut list, single) {
            (Some(l), _) => match l.get(i) {
                Some(Value::Array(xs)) => xs.iter().map(Value::as_i64).collect(),
                Some(v) => v.as_i64().map(|k| vec![k]),
                None => None,
            },
            (None, Some(s)) => pv(s, i).map(|k| vec![k]),
            (None, None) => None,
        };
        let xs = match arr.get(i) {
            Some(Value::Array(xs)) => xs.clone(),
            _ => {
                vals.push(None);
                continue;
            }
        };
        let Some(idx) = idx else {
            vals.push(None);
            continue;
        };
        let len = xs.len() as i64;
        let mut pieces = Vec::with_capacity(idx.len() + 1);
        let mut from = 0i64;
        for k in idx {
            let k = if k < 0 { k + len } else { k };
            if k < from || k > len {
                return Err(user_error(format!(
                    "array_split at index {k} of an array of {len}: Kusto's answer is not documented"
                )));
            }
            pieces.push(Value::Array(xs[from as usize..k as usize].to_vec()));
            from = k;
        }
        pieces.push(Value::Array(xs[from as usize..].to_vec()));
        vals.push(Some(Value::Array(pieces)));
    }
    Ok(dyn_array(vals))
}
