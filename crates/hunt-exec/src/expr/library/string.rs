//! String functions: `substring`, `indexof`, `split`, `replace_*`, `extract*`, `trim*`,
//! `countof`, URL/base64 coding, hashes.

use super::{Args, Cache, compile_regex, dyn_array, pv, str_array, sv, user_error};
use crate::error::Result;
use crate::kernels::{hash, json, strfn};
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::sync::Arc;

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let n = a.n;
    let map_str = |g: &dyn Fn(&str) -> String| -> Result<ArrayRef> {
        let s = a.str(0)?;
        Ok(str_array((0..n).map(|i| g(sv(s, i)))))
    };
    Ok(match a.f {
        Substring => {
            let s = a.str(0)?;
            let start = a.long(1)?;
            let len = a.opt_long(2)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let v = match (pv(start, i), len.map(|l| pv(l, i))) {
                    (Some(st), None) => strfn::substring(sv(s, i), st, None),
                    (Some(st), Some(Some(l))) => strfn::substring(sv(s, i), st, Some(l)),
                    _ => "",
                };
                out.push(v);
            }
            str_array(out)
        }
        IndexOf => {
            let (s, l) = (a.str(0)?, a.str(1)?);
            let (start, length, occ) = (a.opt_long(2)?, a.opt_long(3)?, a.opt_long(4)?);
            let opt = |c: Option<&Int64Array>, i: usize, d: i64| match c {
                Some(c) => pv(c, i),
                None => Some(d),
            };
            Arc::new(
                (0..n)
                    .map(|i| {
                        strfn::indexof(
                            sv(s, i),
                            sv(l, i),
                            opt(start, i, 0)?,
                            opt(length, i, -1)?,
                            opt(occ, i, 1)?,
                        )
                    })
                    .collect::<Int64Array>(),
            )
        }
        Split => {
            let (s, d) = (a.str(0)?, a.str(1)?);
            let idx = a.opt_long(2)?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let parts = strfn::split(sv(s, i), sv(d, i));
                let arr: Vec<Value> = match idx {
                    None => parts.iter().map(|p| Value::String(p.to_string())).collect(),
                    Some(ix) => match pv(ix, i) {
                        // The docs: "the returned array contains the requested substring"
                        // when the index exists; hunt gives an empty array otherwise.
                        Some(k) if k >= 0 && (k as usize) < parts.len() => {
                            vec![Value::String(parts[k as usize].to_string())]
                        }
                        Some(_) => Vec::new(),
                        None => {
                            vals.push(None);
                            continue;
                        }
                    },
                };
                vals.push(Some(Value::Array(arr)));
            }
            dyn_array(vals)
        }
        ReplaceString => {
            let (s, l, r) = (a.str(0)?, a.str(1)?, a.str(2)?);
            str_array((0..n).map(|i| {
                let (s, l) = (sv(s, i), sv(l, i));
                if l.is_empty() {
                    s.to_string()
                } else {
                    s.replace(l, sv(r, i))
                }
            }))
        }
        ReplaceRegex => {
            let (s, p, r) = (a.str(0)?, a.str(1)?, a.str(2)?);
            let mut re = Cache::new();
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let re = re.get(sv(p, i), compile_regex)?;
                let tmpl = strfn::rewrite_template(sv(r, i));
                out.push(re.replace_all(sv(s, i), tmpl.as_str()).into_owned());
            }
            str_array(out)
        }
        Extract => {
            let (p, g, s) = (a.str(0)?, a.long(1)?, a.str(2)?);
            let mut re = Cache::new();
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let re = re.get(sv(p, i), compile_regex)?;
                let v = pv(g, i)
                    .and_then(|g| usize::try_from(g).ok())
                    .and_then(|g| re.captures(sv(s, i))?.get(g))
                    .map(|m| m.as_str())
                    .unwrap_or("");
                out.push(v.to_string());
            }
            str_array(out)
        }
        ExtractAll => {
            let (p, s) = (a.str(0)?, a.str(1)?);
            let mut spec = if a.len() == 3 { Some(a.json(2)?) } else { None };
            let mut re = Cache::new();
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let re = re.get(sv(p, i), |p| {
                    let re = compile_regex(p)?;
                    if re.captures_len() < 2 {
                        // The oracle rejects extract_all(@"a", s) (agent-string-ops-0022).
                        return Err(user_error(format!(
                            "extract_all needs a regular expression with a capture group: `{p}`"
                        )));
                    }
                    Ok(re)
                })?;
                let groups = re.captures_len() - 1;
                // The groups to report: all of them, or the list given as the middle
                // argument (numbers, or names of `(?P<name>…)` groups).
                let chosen: Option<Vec<usize>> = match spec.as_mut() {
                    None => None,
                    Some(j) => {
                        let Some(Value::Array(items)) = j.get(i) else {
                            vals.push(None);
                            continue;
                        };
                        let mut ks = Vec::new();
                        for it in items {
                            let k = match it {
                                Value::Number(x) => x.as_u64().map(|x| x as usize),
                                Value::String(name) => {
                                    re.capture_names().position(|n| n == Some(name.as_str()))
                                }
                                _ => None,
                            };
                            match k {
                                Some(k) if k >= 1 && k <= groups => ks.push(k),
                                _ => {
                                    return Err(user_error(format!(
                                        "extract_all: no capture group {it} in `{}`",
                                        re.as_str()
                                    )));
                                }
                            }
                        }
                        Some(ks)
                    }
                };
                let mut all = Vec::new();
                for c in re.captures_iter(sv(s, i)) {
                    let g = |k: usize| {
                        Value::String(c.get(k).map(|m| m.as_str()).unwrap_or("").to_string())
                    };
                    all.push(match &chosen {
                        Some(ks) => Value::Array(ks.iter().map(|k| g(*k)).collect()),
                        None if groups == 1 => g(1),
                        None => Value::Array((1..=groups).map(g).collect()),
                    });
                }
                vals.push(if all.is_empty() {
                    None
                } else {
                    Some(Value::Array(all))
                });
            }
            dyn_array(vals)
        }
        Trim | TrimStart | TrimEnd => {
            let (p, s) = (a.str(0)?, a.str(1)?);
            let mut t = Cache::new();
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let t = t.get(sv(p, i), |p| {
                    strfn::Trimmer::new(p)
                        .map_err(|e| user_error(format!("invalid regular expression `{p}`: {e}")))
                })?;
                let v = sv(s, i);
                let v = match a.f {
                    TrimStart => t.trim_start(v),
                    TrimEnd => t.trim_end(v),
                    _ => t.trim_end(t.trim_start(v)),
                };
                out.push(v.to_string());
            }
            str_array(out)
        }
        StrcatDelim => {
            let cols = (0..a.len()).map(|i| a.str(i)).collect::<Result<Vec<_>>>()?;
            str_array(
                (0..n)
                    .map(|i| {
                        let parts: Vec<&str> = cols[1..].iter().map(|c| sv(c, i)).collect();
                        let delim = sv(cols[0], i).len() * parts.len().saturating_sub(1);
                        let size = parts.iter().map(|p| p.len()).sum::<usize>() + delim;
                        crate::limits::check_value_size(size, "strcat_delim")?;
                        Ok(parts.join(sv(cols[0], i)))
                    })
                    .collect::<Result<Vec<_>>>()?,
            )
        }
        CountOf => {
            let (s, x) = (a.str(0)?, a.str(1)?);
            let regex = a.len() == 3 && sv(a.str(2)?, 0) == "regex";
            let mut re = Cache::new();
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(if regex {
                    let re = re.get(sv(x, i), compile_regex)?;
                    re.find_iter(sv(s, i)).count() as i64
                } else {
                    strfn::count_plain(sv(s, i), sv(x, i))
                });
            }
            Arc::new(Int64Array::from(out))
        }
        Reverse => map_str(&|s| s.chars().rev().collect())?,
        StrRep => {
            let (s, k) = (a.str(0)?, a.long(1)?);
            let d = if a.len() == 3 { Some(a.str(2)?) } else { None };
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let times = pv(k, i)
                    .unwrap_or(0)
                    .clamp(0, hunt_plan::library::MAX_STRREP) as usize;
                let delim = d.map(|d| sv(d, i)).unwrap_or("");
                // Sized before it is built: nested `strrep`s multiply.
                let size = sv(s, i)
                    .len()
                    .saturating_mul(times)
                    .saturating_add(delim.len().saturating_mul(times.saturating_sub(1)));
                crate::limits::check_value_size(size, "strrep")?;
                out.push(vec![sv(s, i); times].join(delim));
            }
            str_array(out)
        }
        StringSize => {
            let s = a.str(0)?;
            Arc::new(Int64Array::from_iter_values(
                (0..n).map(|i| sv(s, i).len() as i64),
            ))
        }
        StrCmp => {
            let (x, y) = (a.str(0)?, a.str(1)?);
            Arc::new(Int64Array::from_iter_values((0..n).map(
                |i| match sv(x, i).cmp(sv(y, i)) {
                    std::cmp::Ordering::Less => -1,
                    std::cmp::Ordering::Equal => 0,
                    std::cmp::Ordering::Greater => 1,
                },
            )))
        }
        UrlEncode => map_str(&|s| strfn::url_encode(s, false))?,
        UrlEncodeComponent => map_str(&|s| strfn::url_encode(s, true))?,
        UrlDecode => map_str(&strfn::url_decode)?,
        Base64EncodeToString => map_str(&|s| strfn::base64_encode(s.as_bytes()))?,
        Base64DecodeToString => map_str(&|s| {
            // Bytes that are not UTF-8 give the empty string (Kusto docs example).
            strfn::base64_decode(s)
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default()
        })?,
        HashMd5 => map_str(&|s| hash::md5_hex(s.as_bytes()))?,
        HashSha256 => map_str(&|s| hash::sha256_hex(s.as_bytes()))?,
        ParseUrl | ParsePath => {
            let s = a.str(0)?;
            dyn_array((0..n).map(|i| {
                let v = sv(s, i);
                Some(if a.f == ParseUrl {
                    json::url_parts(v)
                } else {
                    json::path_parts(v)
                })
            }))
        }
        _ => return Err(a.internal()),
    })
}
