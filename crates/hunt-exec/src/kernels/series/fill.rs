//! `series_fill_*`: replacing missing (null) elements.

use super::{Num, all_longs, json, num, opt_value};
use serde_json::Value;

/// `series_fill_forward`: each null takes the last non-null value before it; leading
/// nulls stay (its doc).
pub fn fill_forward(xs: &[Value]) -> Vec<Value> {
    let mut last = Value::Null;
    xs.iter()
        .map(|x| {
            if !x.is_null() {
                last = x.clone();
            }
            last.clone()
        })
        .collect()
}

/// `series_fill_backward`: each null takes the first non-null value after it; trailing
/// nulls stay (its doc).
pub fn fill_backward(xs: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = xs.iter().rev().cloned().collect();
    out = fill_forward(&out);
    out.reverse();
    out
}

/// `c` converted to the element type of `xs`, which the fill functions keep (their
/// docs); `Err` for a fraction going into a long array (the conversion is undocumented).
fn as_element(xs: &[Value], c: Num) -> Result<Num, String> {
    let has_numbers = xs.iter().any(|x| num(x).is_some());
    match c {
        Num::Real(v) if has_numbers && all_longs(xs) => {
            if v.fract() == 0.0 && v.abs() < 9.0e18 {
                Ok(Num::Long(v as i64))
            } else {
                Err(format!("filling an array of longs with the fraction {v}"))
            }
        }
        Num::Long(v) if has_numbers && !all_longs(xs) => Ok(Num::Real(v as f64)),
        c => Ok(c),
    }
}

/// `series_fill_const`: nulls replaced by `c`, converted to the array's element type.
pub fn fill_const(xs: &[Value], c: Option<Num>) -> Result<Vec<Value>, String> {
    let fill = match c {
        Some(c) => as_element(xs, c)?.value(),
        None => Value::Null,
    };
    Ok(xs
        .iter()
        .map(|x| if x.is_null() { fill.clone() } else { x.clone() })
        .collect())
}

/// `series_fill_linear`: nulls between two values interpolated linearly; leading and
/// trailing nulls take the nearest value when `edges`; an all-null array is filled with
/// `constant` (its doc). An array of longs keeps longs, the interpolated values cut
/// toward zero as the doc example shows (73.5 → 73, 32.667 → 32); a negative fraction
/// there is refused, its rounding not being shown.
pub fn fill_linear(xs: &[Value], edges: bool, constant: Option<Num>) -> Result<Vec<Value>, String> {
    let known: Vec<(usize, Num)> = xs
        .iter()
        .enumerate()
        .filter_map(|(i, x)| num(x).map(|n| (i, n)))
        .collect();
    if xs.iter().any(|x| !x.is_null() && num(x).is_none()) {
        return Err("series_fill_linear of an array holding non-numbers".into());
    }
    let (Some(&(first, fv)), Some(&(last, lv))) = (known.first(), known.last()) else {
        return Ok(vec![opt_value(constant); xs.len()]);
    };
    let longs = all_longs(xs);
    let mut out: Vec<Value> = xs.to_vec();
    if edges {
        for v in out.iter_mut().take(first) {
            *v = fv.value();
        }
        for v in out.iter_mut().skip(last + 1) {
            *v = lv.value();
        }
    }
    for w in known.windows(2) {
        let [(i, a), (j, b)] = [w[0], w[1]];
        for (k, slot) in out.iter_mut().enumerate().take(j).skip(i + 1) {
            let t = (k - i) as f64 / (j - i) as f64;
            let v = a.f64() + (b.f64() - a.f64()) * t;
            *slot = if longs {
                if v < 0.0 && v.fract() != 0.0 {
                    return Err("series_fill_linear interpolating a negative fraction into an array of longs".into());
                }
                Value::from(v.trunc() as i64)
            } else {
                json::real(v)
            };
        }
    }
    Ok(out)
}
