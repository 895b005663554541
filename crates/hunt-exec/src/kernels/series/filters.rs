//! `series_fir` and `series_iir`: finite and infinite impulse response filters.

use super::{Num, json, num, reals};
use serde_json::Value;

/// Checks a filter's input: every element a number; whether all are longs.
fn filter_input(xs: &[Value], what: &str) -> Result<(Vec<f64>, bool), String> {
    let v = reals(xs, what)?;
    Ok((v, xs.iter().all(|x| matches!(num(x), Some(Num::Long(_))))))
}

/// The output of a filter: longs when the series and coefficients are all longs (the
/// oracle shows `series_fir` of longs by `[1,-1]` giving longs), reals for a real series;
/// a long series through fractional arithmetic is refused (Kusto's conversion back to
/// long is not documented).
fn filter_output(
    ys: Vec<f64>,
    long_series: bool,
    exact: bool,
    what: &str,
) -> Result<Vec<Value>, String> {
    if !long_series {
        return Ok(ys.into_iter().map(json::real).collect());
    }
    if !exact {
        return Err(format!(
            "{what} of an array of longs with fractional coefficients or normalization (Kusto's result type is not documented)"
        ));
    }
    Ok(ys.into_iter().map(|y| Value::from(y as i64)).collect())
}

/// `series_fir(series, filter, normalize, center)`: y[i] = Σ c[k]·x[i−k], values before
/// the start read as 0 (the oracle's `[1,-1]` difference keeps the first element).
/// `normalize` defaults to true unless a coefficient is negative; normalizing with a
/// negative coefficient gives null (its doc). `center` shifts the window by (m−1)/2.
pub fn fir(
    xs: &[Value],
    filter: &[Value],
    normalize: Option<bool>,
    center: bool,
) -> Result<Option<Vec<Value>>, String> {
    let (x, long_series) = filter_input(xs, "series_fir")?;
    let (mut c, long_coef) = filter_input(filter, "series_fir filter")?;
    if c.is_empty() {
        return Err("series_fir with an empty filter".into());
    }
    let negative = c.iter().any(|v| *v < 0.0);
    let normalize = normalize.unwrap_or(!negative);
    if normalize && negative {
        return Ok(None);
    }
    if normalize {
        let s: f64 = c.iter().sum();
        if s == 0.0 {
            return Err("series_fir normalizing a filter that sums to 0".into());
        }
        c.iter_mut().for_each(|v| *v /= s);
    }
    let m = c.len();
    if center && m.is_multiple_of(2) {
        return Err(
            "series_fir centering a filter of even length (its shift is not documented)".into(),
        );
    }
    let shift = if center { (m - 1) / 2 } else { 0 };
    let n = x.len() as i64;
    let ys = (0..n)
        .map(|i| {
            c.iter()
                .enumerate()
                .map(|(k, ck)| {
                    let at = i + shift as i64 - k as i64;
                    if (0..n).contains(&at) {
                        ck * x[at as usize]
                    } else {
                        0.0
                    }
                })
                .sum()
        })
        .collect();
    let exact = long_coef && !normalize;
    filter_output(ys, long_series, exact, "series_fir").map(Some)
}

/// `series_iir(series, numerators b, denominators a)`:
/// y[i] = (Σ b[k]·x[i−k] − Σ_{k≥1} a[k]·y[i−k]) / a[0] (its doc's formula), earlier
/// values read as 0.
pub fn iir(xs: &[Value], b: &[Value], a: &[Value]) -> Result<Vec<Value>, String> {
    let (x, long_series) = filter_input(xs, "series_iir")?;
    let (b, long_b) = filter_input(b, "series_iir numerators")?;
    let (a, long_a) = filter_input(a, "series_iir denominators")?;
    let a0 = match a.first() {
        Some(v) if *v != 0.0 => *v,
        _ => return Err("series_iir with a first denominator of 0".into()),
    };
    let mut y: Vec<f64> = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let mut acc = 0.0;
        for (k, bk) in b.iter().enumerate() {
            if let Some(xv) = i.checked_sub(k).map(|j| x[j]) {
                acc += bk * xv;
            }
        }
        for (k, ak) in a.iter().enumerate().skip(1) {
            if let Some(yv) = i.checked_sub(k).map(|j| y[j]) {
                acc -= ak * yv;
            }
        }
        y.push(acc / a0);
    }
    let exact = long_b && long_a && a0 == 1.0;
    filter_output(y, long_series, exact, "series_iir")
}
