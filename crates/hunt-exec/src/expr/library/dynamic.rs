//! Dynamic (JSON) functions: member access, arrays, sets, bags, `parse_json`.

use super::{Args, Cache, Json, dyn_array, pv, str_array, sv, user_error};
use crate::error::Result;
use crate::kernels::{json, json_scan, strfn, text};
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::Arc;

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let n = a.n;
    // Applies `g` to each row's first argument, parsed.
    let per_row = |g: &dyn Fn(&Value) -> Option<Value>| -> Result<ArrayRef> {
        let mut j = a.json(0)?;
        Ok(dyn_array((0..n).map(|i| j.get(i).and_then(g))))
    };
    Ok(match a.f {
        Member | Index => {
            let texts = a.str(0)?;
            let mut obj = a.json(0)?;
            let (mut spans, mut scratch) = (Vec::new(), json_scan::Scratch::default());
            let mut b = StringBuilder::with_capacity(n, n * 8);
            for i in 0..n {
                // The member's text, found in the JSON text when the scan can tell.
                let fast = match a.f {
                    _ if texts.is_null(i) => None,
                    Member => {
                        let k = a.str(1)?;
                        let text = texts.value(i);
                        if k.is_null(i) {
                            Some(None)
                        } else {
                            json_scan::member(text, k.value(i), &mut scratch).and_then(|found| {
                                match found {
                                    None => Some(None),
                                    Some((r, compact)) => json_scan::stored_text(&text[r], compact),
                                }
                            })
                        }
                    }
                    _ => {
                        let text = texts.value(i);
                        match (
                            pv(a.long(1)?, i),
                            json_scan::array_elements(text, &mut spans, &mut scratch),
                        ) {
                            (_, None) => None,
                            (None, _) | (_, Some(false)) => Some(None),
                            (Some(idx), Some(true)) => {
                                let at = if idx < 0 {
                                    spans.len() as i64 + idx
                                } else {
                                    idx
                                };
                                match usize::try_from(at).ok().and_then(|at| spans.get(at)) {
                                    None => Some(None),
                                    Some((r, compact)) => {
                                        json_scan::stored_text(&text[r.clone()], *compact)
                                    }
                                }
                            }
                        }
                    }
                };
                if let Some(v) = fast {
                    match v {
                        Some(t) => b.append_value(t),
                        None => b.append_null(),
                    }
                    continue;
                }
                let v = match (obj.get(i), a.f) {
                    (Some(Value::Object(m)), Member) => {
                        let k = a.str(1)?;
                        if k.is_null(i) {
                            None
                        } else {
                            m.get(k.value(i)).cloned()
                        }
                    }
                    (Some(Value::Array(arr)), Index) => {
                        // Negative indexes count from the end, as in Kusto.
                        pv(a.long(1)?, i).and_then(|idx| {
                            let at = if idx < 0 { arr.len() as i64 + idx } else { idx };
                            usize::try_from(at).ok().and_then(|at| arr.get(at).cloned())
                        })
                    }
                    _ => None,
                };
                match v {
                    None | Some(Value::Null) => b.append_null(),
                    Some(v) => b.append_value(v.to_string()),
                }
            }
            Arc::new(b.finish())
        }
        ToDynamicValue => dyn_array(scalars_as_json(a, 0)?),
        ParseJson => {
            let s = a.str(0)?;
            let mut scratch = json_scan::Scratch::default();
            let mut b = StringBuilder::with_capacity(n, s.values().len());
            for i in 0..n {
                // Compact JSON already is its own stored text: no tree.
                crate::expr::json_calls::parse_json_append(sv(s, i), &mut scratch, &mut b);
            }
            Arc::new(b.finish())
        }
        ArrayLength => {
            let mut j = a.json(0)?;
            Arc::new(
                (0..n)
                    .map(|i| match j.get(i) {
                        Some(Value::Array(v)) => Some(v.len() as i64),
                        _ => None,
                    })
                    .collect::<Int64Array>(),
            )
        }
        BagKeys => per_row(&|v| match v {
            Value::Object(m) => Some(Value::Array(
                m.keys().map(|k| Value::String(k.clone())).collect(),
            )),
            _ => None,
        })?,
        BagHasKey => {
            let mut j = a.json(0)?;
            let k = a.str(1)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let key = sv(k, i);
                out.push(match j.get(i) {
                    None => None,
                    Some(v) if key.starts_with('$') => {
                        let steps = json::parse_path(key).map_err(user_error)?;
                        Some(json::lookup(v, &steps).is_some())
                    }
                    Some(Value::Object(m)) => Some(m.contains_key(key)),
                    Some(_) => Some(false),
                });
            }
            Arc::new(BooleanArray::from(out))
        }
        BagMerge => {
            let mut cols = (0..a.len())
                .map(|c| a.json(c))
                .collect::<Result<Vec<_>>>()?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let mut merged: Option<Map<String, Value>> = None;
                for c in cols.iter_mut() {
                    if let Some(Value::Object(m)) = c.get(i) {
                        let out = merged.get_or_insert_with(Map::new);
                        for (k, v) in m {
                            // The first bag holding a key wins (oracle agent-dynamic-json-0006).
                            if !out.contains_key(k) {
                                out.insert(k.clone(), v.clone());
                            }
                        }
                    }
                }
                vals.push(merged.map(Value::Object));
            }
            dyn_array(vals)
        }
        BagRemoveKeys => {
            let mut bag = a.json(0)?;
            let mut keys = a.json(1)?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let (Some(Value::Object(m)), ks) = (bag.get(i), keys.get(i)) else {
                    vals.push(None);
                    continue;
                };
                let mut v = Value::Object(m.clone());
                if let Some(Value::Array(ks)) = ks {
                    for k in ks {
                        let Value::String(k) = k else { continue };
                        let steps = if k.starts_with('$') {
                            json::parse_path(k).map_err(user_error)?
                        } else {
                            vec![json::Step::Key(k.clone())]
                        };
                        json::remove(&mut v, &steps);
                    }
                }
                vals.push(Some(v));
            }
            dyn_array(vals)
        }
        Pack | PackNonEmpty => {
            let skip_empty = a.f == PackNonEmpty;
            let keys = (0..a.len())
                .step_by(2)
                .map(|c| a.str(c))
                .collect::<Result<Vec<_>>>()?;
            let mut values = (1..a.len())
                .step_by(2)
                .map(|c| a.json(c))
                .collect::<Result<Vec<_>>>()?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let mut m = Map::new();
                for (k, v) in keys.iter().zip(values.iter_mut()) {
                    let v = v.get(i).cloned().unwrap_or(Value::Null);
                    if skip_empty && (v.is_null() || v.as_str() == Some("")) {
                        continue;
                    }
                    m.insert(sv(k, i).to_string(), v);
                }
                vals.push(Some(Value::Object(m)));
            }
            dyn_array(vals)
        }
        PackArray => {
            let mut cols = (0..a.len())
                .map(|c| a.json(c))
                .collect::<Result<Vec<_>>>()?;
            dyn_array((0..n).map(|i| {
                Some(Value::Array(
                    cols.iter_mut()
                        .map(|c| c.get(i).cloned().unwrap_or(Value::Null))
                        .collect(),
                ))
            }))
        }
        SetHasElement => {
            let (mut arr, mut v) = (a.json(0)?, a.json(1)?);
            Arc::new(
                (0..n)
                    .map(|i| {
                        let Some(Value::Array(xs)) = arr.get(i) else {
                            return None;
                        };
                        let needle = v.get(i).cloned().unwrap_or(Value::Null);
                        Some(xs.iter().any(|x| json::equal(x, &needle)))
                    })
                    .collect::<BooleanArray>(),
            )
        }
        ArrayIndexOf => {
            let (mut arr, mut v) = (a.json(0)?, a.json(1)?);
            let (start, length, occ) = (a.opt_long(2)?, a.opt_long(3)?, a.opt_long(4)?);
            let opt = |c: Option<&Int64Array>, i: usize, d: i64| match c {
                Some(c) => pv(c, i),
                None => Some(d),
            };
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let needle = v.get(i).cloned().unwrap_or(Value::Null);
                let r = match arr.get(i) {
                    Some(Value::Array(xs)) => (|| {
                        index_of(
                            xs,
                            &needle,
                            opt(start, i, 0)?,
                            opt(length, i, -1)?,
                            opt(occ, i, 1)?,
                        )
                    })(),
                    _ => None,
                };
                out.push(r);
            }
            Arc::new(Int64Array::from(out))
        }
        SetUnion | SetIntersect | SetDifference => {
            let mut cols = (0..a.len())
                .map(|c| a.json(c))
                .collect::<Result<Vec<_>>>()?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let arrays: Vec<Option<&Value>> = cols.iter_mut().map(|c| c.get(i)).collect();
                vals.push(set_op(a.f, &arrays));
            }
            dyn_array(vals)
        }
        ArraySlice => {
            let mut arr = a.json(0)?;
            let (s, e) = (a.long(1)?, a.long(2)?);
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let v = match (arr.get(i), pv(s, i), pv(e, i)) {
                    (Some(Value::Array(xs)), Some(s), Some(e)) => {
                        let len = xs.len() as i64;
                        let s = if s < 0 { s + len } else { s }.max(0);
                        let e = if e < 0 { e + len } else { e }.min(len - 1);
                        Some(Value::Array(if s > e {
                            Vec::new()
                        } else {
                            xs[s as usize..=e as usize].to_vec()
                        }))
                    }
                    _ => None,
                };
                vals.push(v);
            }
            dyn_array(vals)
        }
        ArrayConcat => {
            let mut cols = (0..a.len())
                .map(|c| a.json(c))
                .collect::<Result<Vec<_>>>()?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let mut out = Vec::new();
                // Arguments that are not arrays add nothing (oracle t1-dynamic-json-0006).
                for c in cols.iter_mut() {
                    if let Some(Value::Array(xs)) = c.get(i) {
                        out.extend(xs.iter().cloned());
                    }
                }
                vals.push(Some(Value::Array(out)));
            }
            dyn_array(vals)
        }
        ArraySum => {
            let mut j = a.json(0)?;
            Arc::new(
                (0..n)
                    .map(|i| match j.get(i) {
                        Some(Value::Array(xs)) => {
                            let mut sum = 0.0;
                            for x in xs {
                                match x {
                                    Value::Number(v) => sum += v.as_f64()?,
                                    Value::Null => {}
                                    _ => return None,
                                }
                            }
                            Some(sum)
                        }
                        _ => None,
                    })
                    .collect::<Float64Array>(),
            )
        }
        ArrayReverse => per_row(&|v| match v {
            Value::Array(xs) => Some(Value::Array(xs.iter().rev().cloned().collect())),
            _ => None,
        })?,
        ArraySortAsc | ArraySortDesc
            if a.tys.iter().take_while(|t| **t == KqlType::Dynamic).count() > 1 =>
        {
            sort_tuple(a)?
        }
        ArraySortAsc | ArraySortDesc => {
            let desc = a.f == ArraySortDesc;
            let nulls_last = if a.len() == 2 {
                pv_bool(a.bool(1)?, 0).unwrap_or(true)
            } else {
                true
            };
            per_row(&|v| match v {
                Value::Array(xs) => {
                    let (mut nulls, mut rest): (Vec<Value>, Vec<Value>) =
                        xs.iter().cloned().partition(Value::is_null);
                    rest.sort_by(|x, y| {
                        let o = json::compare(x, y);
                        if desc { o.reverse() } else { o }
                    });
                    Some(Value::Array(if nulls_last {
                        rest.append(&mut nulls);
                        rest
                    } else {
                        nulls.append(&mut rest);
                        nulls
                    }))
                }
                _ => None,
            })?
        }
        ArrayRotateLeft | ArrayRotateRight | ArrayShiftLeft | ArrayShiftRight => {
            let mut arr = a.json(0)?;
            let k = a.long(1)?;
            let mut fill = if a.len() == 3 { Some(a.json(2)?) } else { None };
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let filler = match fill.as_mut() {
                    Some(f) => f.get(i).cloned().unwrap_or(Value::Null),
                    None => Value::Null,
                };
                let v = match (arr.get(i), pv(k, i)) {
                    (Some(Value::Array(xs)), Some(k)) => {
                        // Left by k; right is left by -k.
                        let k = if matches!(a.f, ArrayRotateRight | ArrayShiftRight) {
                            -k
                        } else {
                            k
                        };
                        Some(Value::Array(shift(
                            xs,
                            k,
                            matches!(a.f, ArrayRotateLeft | ArrayRotateRight),
                            &filler,
                        )))
                    }
                    _ => None,
                };
                vals.push(v);
            }
            dyn_array(vals)
        }
        StrcatArray => {
            let mut arr = a.json(0)?;
            let d = a.str(1)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(match arr.get(i) {
                    // Null elements join as empty (oracle agent-null-and-edge-0023).
                    Some(Value::Array(xs)) => {
                        let s = xs.iter().map(json::text).collect::<Vec<_>>().join(sv(d, i));
                        crate::limits::check_value_size(s.len(), "strcat_array")?;
                        s
                    }
                    _ => String::new(),
                });
            }
            str_array(out)
        }
        ExtractJson => {
            let (p, s) = (a.str(0)?, a.str(1)?);
            let mut paths = Cache::new();
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let steps = paths.get(sv(p, i), |p| json::parse_path(p).map_err(user_error))?;
                let v: Option<Value> = serde_json::from_str(sv(s, i)).ok();
                out.push(
                    v.as_ref()
                        .and_then(|v| json::lookup(v, steps))
                        .map(json::text)
                        .unwrap_or_default(),
                );
            }
            str_array(out)
        }
        Zip => {
            let mut cols = (0..a.len())
                .map(|c| a.json(c))
                .collect::<Result<Vec<_>>>()?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let arrays: Option<Vec<&Vec<Value>>> = cols
                    .iter_mut()
                    .map(|c| match c.get(i) {
                        Some(Value::Array(xs)) => Some(xs),
                        _ => None,
                    })
                    .collect();
                vals.push(arrays.map(|arrays| {
                    let len = arrays.iter().map(|x| x.len()).max().unwrap_or(0);
                    Value::Array(
                        (0..len)
                            .map(|k| {
                                Value::Array(
                                    arrays
                                        .iter()
                                        .map(|x| x.get(k).cloned().unwrap_or(Value::Null))
                                        .collect(),
                                )
                            })
                            .collect(),
                    )
                }));
            }
            dyn_array(vals)
        }
        DynamicToJson => {
            let mut j = a.json(0)?;
            str_array((0..n).map(|i| match j.get(i) {
                Some(v) => json::sorted(v).to_string(),
                None => "null".to_string(),
            }))
        }
        Range => range(a)?,
        ArrayIff => {
            let (mut c, mut t, mut f) = (a.json(0)?, a.json(1)?, a.json(2)?);
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                let Some(Value::Array(conds)) = c.get(i).cloned() else {
                    vals.push(None);
                    continue;
                };
                let (tv, fv) = (t.get(i).cloned(), f.get(i).cloned());
                // An array branch is taken element by element (null past its end); a scalar
                // branch is used for every element (docs: array-iff-function).
                let pick = |v: &Option<Value>, k: usize| match v {
                    Some(Value::Array(xs)) => xs.get(k).cloned().unwrap_or(Value::Null),
                    Some(x) => x.clone(),
                    None => Value::Null,
                };
                let out: Vec<Value> = conds
                    .iter()
                    .enumerate()
                    .map(|(k, cond)| {
                        // Numbers count as bools (non-zero is true); other kinds give null.
                        let b = match cond {
                            Value::Bool(b) => Some(*b),
                            Value::Number(x) => x.as_f64().map(|v| v != 0.0),
                            _ => None,
                        };
                        match b {
                            Some(true) => pick(&tv, k),
                            Some(false) => pick(&fv, k),
                            None => Value::Null,
                        }
                    })
                    .collect();
                vals.push(Some(Value::Array(out)));
            }
            dyn_array(vals)
        }
        _ => return Err(a.internal()),
    })
}

/// Kusto's cap on the elements `range()` makes (the docs: 1,048,576); hunt refuses a
/// longer range rather than guess how Kusto cuts it.
const MAX_RANGE: usize = 1 << 20;

fn range(a: &Args<'_>) -> Result<ArrayRef> {
    let n = a.n;
    let too_long = || user_error(format!("range() of more than {MAX_RANGE} elements"));
    // Each row's array is written straight as JSON text, with no value per element.
    let mut out = StringBuilder::new();
    let mut text = String::new();
    match a.tys[0] {
        KqlType::Real => {
            let (s, e) = (a.real(0)?, a.real(1)?);
            let st = if a.len() == 3 { Some(a.real(2)?) } else { None };
            for i in 0..n {
                let step = match st {
                    Some(c) => pv(c, i),
                    None => Some(1.0),
                };
                let (Some(s), Some(e), Some(step)) = (pv(s, i), pv(e, i), step) else {
                    out.append_null();
                    continue;
                };
                if step == 0.0 || !step.is_finite() {
                    out.append_null();
                    continue;
                }
                let count = ((e - s) / step).floor();
                if count > MAX_RANGE as f64 {
                    return Err(too_long());
                }
                let count = if count < 0.0 { 0 } else { count as usize + 1 };
                let items = (0..count).map(|k| json::real(s + k as f64 * step));
                append_array(&mut out, &mut text, items);
            }
        }
        KqlType::Long => {
            let (s, e) = (a.long(0)?, a.long(1)?);
            let st = if a.len() == 3 { Some(a.long(2)?) } else { None };
            for i in 0..n {
                let step = match st {
                    Some(c) => pv(c, i),
                    None => Some(1),
                };
                let (Some(s), Some(e), Some(step)) = (pv(s, i), pv(e, i), step) else {
                    out.append_null();
                    continue;
                };
                match steps(s, e, step).map_err(|()| too_long())? {
                    Some(items) => append_array(&mut out, &mut text, items),
                    None => out.append_null(),
                }
            }
        }
        ty => {
            // datetime or timespan bounds, timespan step
            let (s, e): (Vec<Option<i64>>, Vec<Option<i64>>) = if ty == KqlType::DateTime {
                (a.dt(0)?.iter().collect(), a.dt(1)?.iter().collect())
            } else {
                (a.ts(0)?.iter().collect(), a.ts(1)?.iter().collect())
            };
            let st = a.ts(2)?;
            for i in 0..n {
                let (Some(s), Some(e), Some(step)) = (s[i], e[i], pv(st, i)) else {
                    out.append_null();
                    continue;
                };
                let Some(items) = steps(s, e, step).map_err(|()| too_long())? else {
                    out.append_null();
                    continue;
                };
                let show = |v: i64| {
                    Value::String(if ty == KqlType::DateTime {
                        text::datetime_to_string(v)
                    } else {
                        text::timespan_to_string(v)
                    })
                };
                append_array(&mut out, &mut text, items.map(show));
            }
        }
    }
    Ok(Arc::new(out.finish()))
}

/// Appends `[a,b,…]`, each item written by its `Display` (JSON text for a `Value`).
fn append_array<T: std::fmt::Display>(
    out: &mut StringBuilder,
    text: &mut String,
    items: impl Iterator<Item = T>,
) {
    use std::fmt::Write;
    text.clear();
    text.push('[');
    for (k, v) in items.enumerate() {
        if k > 0 {
            text.push(',');
        }
        // Writing into a String cannot fail.
        let _ = write!(text, "{v}");
    }
    text.push(']');
    out.append_value(&*text);
}

/// `s, s + step, …` up to `e`; `None` for a zero step; `Err` past [`MAX_RANGE`].
fn steps(s: i64, e: i64, step: i64) -> std::result::Result<Option<impl Iterator<Item = i64>>, ()> {
    if step == 0 {
        return Ok(None);
    }
    let count = (e as i128 - s as i128).div_euclid(step as i128);
    if count >= MAX_RANGE as i128 {
        return Err(());
    }
    // A negative count is an empty range.
    let count = count.max(-1);
    Ok(Some(
        (0..=count).map(move |k| (s as i128 + k * step as i128) as i64),
    ))
}

fn pv_bool(a: &BooleanArray, i: usize) -> Option<bool> {
    if a.is_null(i) { None } else { Some(a.value(i)) }
}

/// Column `c` (of any KQL type) as JSON values, as `pack()` and `pack_array()` store them:
/// datetimes and timespans as their text, guids as strings, reals that JSON cannot hold
/// as `"NaN"`/`"Infinity"`.
fn scalars_as_json(a: &Args<'_>, c: usize) -> Result<Vec<Option<Value>>> {
    let n = a.n;
    Ok(match a.tys[c] {
        KqlType::Bool => {
            let x = a.bool(c)?;
            (0..n).map(|i| pv_bool(x, i).map(Value::Bool)).collect()
        }
        KqlType::Int => {
            let x = a.int(c)?;
            (0..n).map(|i| pv(x, i).map(Value::from)).collect()
        }
        KqlType::Long => {
            let x = a.long(c)?;
            (0..n).map(|i| pv(x, i).map(Value::from)).collect()
        }
        KqlType::Real => {
            let x = a.real(c)?;
            (0..n).map(|i| pv(x, i).map(json::real)).collect()
        }
        KqlType::String => {
            let x = a.str(c)?;
            (0..n)
                .map(|i| Some(Value::String(sv(x, i).to_string())))
                .collect()
        }
        KqlType::Guid => {
            let x = a.str(c)?;
            (0..n)
                .map(|i| (!x.is_null(i)).then(|| Value::String(x.value(i).to_string())))
                .collect()
        }
        KqlType::DateTime => {
            let x = a.dt(c)?;
            (0..n)
                .map(|i| pv(x, i).map(|v| Value::String(text::datetime_to_string(v))))
                .collect()
        }
        KqlType::TimeSpan => {
            let x = a.ts(c)?;
            (0..n)
                .map(|i| pv(x, i).map(|v| Value::String(text::timespan_to_string(v))))
                .collect()
        }
        KqlType::Dynamic => {
            let mut j: Json<'_> = a.json(c)?;
            (0..n).map(|i| j.get(i).cloned()).collect()
        }
    })
}

/// `array_index_of` with `indexof`'s window rules (Kusto docs example: a negative start
/// counts from the end; -1 when absent).
fn index_of(xs: &[Value], v: &Value, start: i64, length: i64, occurrence: i64) -> Option<i64> {
    strfn::window_search(xs.len(), start, length, occurrence, |i, end| {
        i < end && json::equal(&xs[i], v)
    })
}

/// `set_union`, `set_intersect`, `set_difference`: distinct values in first-seen order;
/// null when an argument is not an array.
fn set_op(f: LibFunc, arrays: &[Option<&Value>]) -> Option<Value> {
    let arrays: Vec<&Vec<Value>> = arrays
        .iter()
        .map(|v| match v {
            Some(Value::Array(xs)) => Some(xs),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    match f {
        LibFunc::SetUnion => {
            for x in arrays.iter().flat_map(|a| a.iter()) {
                if seen.insert(json::key(x)) {
                    out.push(x.clone());
                }
            }
        }
        _ => {
            let others: Vec<HashSet<String>> = arrays[1..]
                .iter()
                .map(|a| a.iter().map(json::key).collect())
                .collect();
            let intersect = f == LibFunc::SetIntersect;
            for x in arrays[0] {
                let k = json::key(x);
                let keep = if intersect {
                    others.iter().all(|o| o.contains(&k))
                } else {
                    !others.iter().any(|o| o.contains(&k))
                };
                if keep && seen.insert(k) {
                    out.push(x.clone());
                }
            }
        }
    }
    Some(Value::Array(out))
}

/// Moves elements `k` places left (negative: right), rotating or filling with `fill`.
fn shift(xs: &[Value], k: i64, rotate: bool, fill: &Value) -> Vec<Value> {
    let n = xs.len() as i64;
    if n == 0 {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            let src = i + k;
            if rotate {
                xs[src.rem_euclid(n) as usize].clone()
            } else if (0..n).contains(&src) {
                xs[src as usize].clone()
            } else {
                fill.clone()
            }
        })
        .collect()
}

/// `array_sort_asc/desc(a1, …, ak [, nulls_last])`, k ≥ 2 (docs: array-sort-asc-function):
/// per row, the array `[s1, …, sk]` of the first array sorted and the others reordered
/// the same way; null for an array whose length differs from the first's (or that is not
/// an array). Equal elements of the first array leave the others' order open: where
/// their partners differ the row is refused rather than ordered by guess.
fn sort_tuple(a: &Args<'_>) -> Result<ArrayRef> {
    let desc = a.f == LibFunc::ArraySortDesc;
    let arrays = a.tys.iter().take_while(|t| **t == KqlType::Dynamic).count();
    let nulls_last = if a.len() > arrays {
        pv_bool(a.bool(arrays)?, 0).unwrap_or(true)
    } else {
        true
    };
    let mut readers = (0..arrays).map(|i| a.json(i)).collect::<Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(a.n);
    for row in 0..a.n {
        let vals: Vec<Option<Value>> = readers.iter_mut().map(|r| r.get(row).cloned()).collect();
        let Some(Some(Value::Array(first))) = vals.first() else {
            out.push(None);
            continue;
        };
        let key = |x: &Value, y: &Value| match (x.is_null(), y.is_null()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) if nulls_last => std::cmp::Ordering::Greater,
            (true, false) => std::cmp::Ordering::Less,
            (false, true) if nulls_last => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
            _ => {
                let o = json::compare(x, y);
                if desc { o.reverse() } else { o }
            }
        };
        let mut order: Vec<usize> = (0..first.len()).collect();
        order.sort_by(|&i, &j| key(&first[i], &first[j]));
        let same_len = |v: &Option<Value>| match v {
            Some(Value::Array(xs)) if xs.len() == first.len() => Some(xs.clone()),
            _ => None,
        };
        let others: Vec<Option<Vec<Value>>> = vals.iter().map(same_len).collect();
        for w in order.windows(2) {
            let (i, j) = (w[0], w[1]);
            if key(&first[i], &first[j]).is_eq() && others.iter().flatten().any(|xs| xs[i] != xs[j])
            {
                return Err(user_error(format!(
                    "`{}` of equal elements whose partners differ is not supported by hunt yet \
                     (the docs do not say which comes first)",
                    a.f.name()
                )));
            }
        }
        let sorted = others
            .into_iter()
            .map(|xs| match xs {
                Some(xs) => Value::Array(order.iter().map(|&i| xs[i].clone()).collect()),
                None => Value::Null,
            })
            .collect();
        out.push(Some(Value::Array(sorted)));
    }
    Ok(dyn_array(out))
}
