//! Kusto's `series_*` functions over one numeric array (a dynamic value hunt holds as
//! JSON): element-wise math and comparisons, reductions, gap filling, FIR/IIR filters,
//! line fitting and statistics. Each is a free function over `serde_json` values.
//!
//! Element types follow Kusto: JSON integers are longs, other numbers reals. The
//! `"NaN"`/`"Infinity"`/`"-Infinity"` strings are reals too, because that is how hunt
//! stores the non-finite reals JSON cannot hold (`json::real`). Where the docs leave a
//! result open (an element type, a null inside a filter's input), the function returns
//! `Err` naming the case, and the caller refuses the query rather than guess.

use super::json;
use serde_json::{Map, Value};

/// A numeric element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// A JSON integer.
    Long(i64),
    /// Any other number.
    Real(f64),
}

impl Num {
    /// The value as a real.
    pub fn f64(self) -> f64 {
        match self {
            Num::Long(v) => v as f64,
            Num::Real(v) => v,
        }
    }
    /// The element as a dynamic value.
    pub fn value(self) -> Value {
        match self {
            Num::Long(v) => Value::from(v),
            Num::Real(v) => json::real(v),
        }
    }
}

/// An element as a number; `None` for null and non-numeric elements.
pub fn num(v: &Value) -> Option<Num> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Some(Num::Long(i)),
            None => n.as_f64().map(Num::Real),
        },
        Value::String(s) => match s.as_str() {
            "NaN" => Some(Num::Real(f64::NAN)),
            "Infinity" => Some(Num::Real(f64::INFINITY)),
            "-Infinity" => Some(Num::Real(f64::NEG_INFINITY)),
            _ => None,
        },
        _ => None,
    }
}

fn opt_value(n: Option<Num>) -> Value {
    n.map_or(Value::Null, Num::value)
}

/// The element-wise functions of one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unary {
    /// `series_abs`: longs stay longs.
    Abs,
    /// `series_sign`: -1, 0 or 1, longs for longs.
    Sign,
    /// `series_ceiling`: reals (the doc example gives `1.0` for `1`).
    Ceiling,
    /// `series_floor`: reals.
    Floor,
    /// `series_acos`
    Acos,
    /// `series_asin`
    Asin,
    /// `series_atan`
    Atan,
    /// `series_cos`
    Cos,
    /// `series_sin`
    Sin,
    /// `series_tan`
    Tan,
    /// `series_exp`
    Exp,
    /// `series_log`: natural logarithm, as `log()` (-inf at 0, NaN below).
    Log,
}

/// Applies `op` to each element; non-numeric elements give null (the docs of each).
pub fn unary(op: Unary, xs: &[Value]) -> Vec<Value> {
    xs.iter()
        .map(|x| opt_value(num(x).map(|n| unary_num(op, n))))
        .collect()
}

fn unary_num(op: Unary, n: Num) -> Num {
    match (op, n) {
        (Unary::Abs, Num::Long(v)) => Num::Long(v.wrapping_abs()),
        (Unary::Sign, Num::Long(v)) => Num::Long(v.signum()),
        (Unary::Sign, Num::Real(v)) => Num::Real(if v > 0.0 {
            1.0
        } else if v < 0.0 {
            -1.0
        } else {
            v
        }),
        (_, n) => {
            let x = n.f64();
            Num::Real(match op {
                Unary::Abs => x.abs(),
                Unary::Ceiling => x.ceil(),
                Unary::Floor => x.floor(),
                Unary::Acos => x.acos(),
                Unary::Asin => x.asin(),
                Unary::Atan => x.atan(),
                Unary::Cos => x.cos(),
                Unary::Sin => x.sin(),
                Unary::Tan => x.tan(),
                Unary::Exp => x.exp(),
                Unary::Log => x.ln(),
                Unary::Sign => x.signum(),
            })
        }
    }
}

/// The element-wise functions of two series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    /// `series_add`: long + long is a long (the doc example), wrapping like Kusto's longs.
    Add,
    /// `series_subtract`
    Subtract,
    /// `series_multiply`
    Multiply,
    /// `series_divide`: always reals, division by zero as for reals (its doc).
    Divide,
    /// `series_pow`: reals.
    Pow,
    /// `series_equals`: bools, as the comparisons below.
    Equals,
    /// `series_not_equals`
    NotEquals,
    /// `series_greater`
    Greater,
    /// `series_greater_equals`
    GreaterEquals,
    /// `series_less`
    Less,
    /// `series_less_equals`
    LessEquals,
}

/// Applies `op` element by element over the longer array's length: a missing or
/// non-numeric element on either side gives null (the docs of each).
pub fn binary(op: Binary, a: &[Value], b: &[Value]) -> Vec<Value> {
    (0..a.len().max(b.len()))
        .map(|i| {
            let x = a.get(i).and_then(num);
            let y = b.get(i).and_then(num);
            match (x, y) {
                (Some(x), Some(y)) => binary_num(op, x, y),
                _ => Value::Null,
            }
        })
        .collect()
}

fn binary_num(op: Binary, x: Num, y: Num) -> Value {
    use std::cmp::Ordering;
    let longs = match (x, y) {
        (Num::Long(p), Num::Long(q)) => Some((p, q)),
        _ => None,
    };
    let (p, q) = (x.f64(), y.f64());
    let ord = match longs {
        Some((l, r)) => Some(l.cmp(&r)),
        None => p.partial_cmp(&q),
    };
    let cmp = |f: fn(Ordering) -> bool| Value::Bool(ord.is_some_and(f));
    match op {
        Binary::Add => longs.map_or(json::real(p + q), |(l, r)| l.wrapping_add(r).into()),
        Binary::Subtract => longs.map_or(json::real(p - q), |(l, r)| l.wrapping_sub(r).into()),
        Binary::Multiply => longs.map_or(json::real(p * q), |(l, r)| l.wrapping_mul(r).into()),
        Binary::Divide => json::real(p / q),
        Binary::Pow => json::real(p.powf(q)),
        // NaN compares unequal to everything, as for reals.
        Binary::Equals => cmp(Ordering::is_eq),
        Binary::NotEquals => Value::Bool(!ord.is_some_and(Ordering::is_eq)),
        Binary::Greater => cmp(Ordering::is_gt),
        Binary::GreaterEquals => cmp(Ordering::is_ge),
        Binary::Less => cmp(Ordering::is_lt),
        Binary::LessEquals => cmp(Ordering::is_le),
    }
}

/// The elements as reals, or `Err` naming `what` when one is null or not a number (the
/// docs of `series_sum`, `series_product`, `series_magnitude` and the filters do not say
/// what Kusto does then).
fn reals(xs: &[Value], what: &str) -> Result<Vec<f64>, String> {
    xs.iter()
        .map(|x| num(x).map(Num::f64))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| format!("{what} of an array holding nulls or non-numbers"))
}

/// `series_sum`: a real.
pub fn sum(xs: &[Value]) -> Result<f64, String> {
    Ok(reals(xs, "series_sum")?.iter().sum())
}

/// `series_product`: a real.
pub fn product(xs: &[Value]) -> Result<f64, String> {
    Ok(reals(xs, "series_product")?.iter().product())
}

/// `series_magnitude`: the square root of the series' dot product with itself.
pub fn magnitude(xs: &[Value]) -> Result<f64, String> {
    Ok(reals(xs, "series_magnitude")?
        .iter()
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt())
}

/// `series_pearson_correlation`: null when an element is not numeric or the lengths
/// differ (its doc). Computed as cov / (sqrt(var x) * sqrt(var y)) over centered sums,
/// which gives Kusto's last bit (oracle agent-window-series-scan-0043).
pub fn pearson(a: &[Value], b: &[Value]) -> Option<f64> {
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let x: Vec<f64> = a
        .iter()
        .map(|v| num(v).map(Num::f64))
        .collect::<Option<_>>()?;
    let y: Vec<f64> = b
        .iter()
        .map(|v| num(v).map(Num::f64))
        .collect::<Option<_>>()?;
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut cov, mut vx, mut vy) = (0.0, 0.0, 0.0);
    for (p, q) in x.iter().zip(&y) {
        cov += (p - mx) * (q - my);
        vx += (p - mx) * (p - mx);
        vy += (q - my) * (q - my);
    }
    Some(cov / (vx.sqrt() * vy.sqrt()))
}

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

/// Whether every numeric element is a long (the array's element type; its nulls aside).
fn all_longs(xs: &[Value]) -> bool {
    xs.iter().filter_map(num).all(|n| matches!(n, Num::Long(_)))
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

/// `series_fit_line_dynamic`: least squares over x = 1, 2, …, n (the doc example's
/// interception and first fitted value are one slope apart), as a bag of `rsquare`,
/// `slope`, `variance` (sample variance of the series), `rvariance` (residual sum of
/// squares over n−1, as the doc example), `interception` and `line_fit`.
pub fn fit_line(xs: &[Value]) -> Result<Map<String, Value>, String> {
    let y = reals(xs, "series_fit_line")?;
    if y.len() < 2 {
        return Err("series_fit_line of fewer than 2 values".into());
    }
    let n = y.len() as f64;
    let mx = (n + 1.0) / 2.0;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut sst) = (0.0, 0.0, 0.0);
    for (i, v) in y.iter().enumerate() {
        let dx = (i + 1) as f64 - mx;
        sxy += dx * (v - my);
        sxx += dx * dx;
        sst += (v - my) * (v - my);
    }
    if sst == 0.0 {
        return Err("series_fit_line of a constant series (its r-square is not documented)".into());
    }
    let slope = sxy / sxx;
    let icpt = my - slope * mx;
    let fit: Vec<f64> = (1..=y.len()).map(|x| slope * x as f64 + icpt).collect();
    let ssr: f64 = y.iter().zip(&fit).map(|(a, b)| (a - b) * (a - b)).sum();
    let mut m = Map::new();
    m.insert("rsquare".into(), json::real(1.0 - ssr / sst));
    m.insert("slope".into(), json::real(slope));
    m.insert("variance".into(), json::real(sst / (n - 1.0)));
    m.insert("rvariance".into(), json::real(ssr / (n - 1.0)));
    m.insert("interception".into(), json::real(icpt));
    m.insert(
        "line_fit".into(),
        Value::Array(fit.into_iter().map(json::real).collect()),
    );
    Ok(m)
}

/// `series_stats_dynamic(series, ignore_nonfinite)`: min, min_idx, max, max_idx, avg,
/// stdev, variance (sample), sum and len of the array. A null, NaN, infinite or
/// non-numeric element makes the result null unless `ignore_nonfinite` (its doc); `len`
/// counts every element. `None` for an array with no values to measure.
pub fn stats(xs: &[Value], ignore_nonfinite: bool) -> Option<Map<String, Value>> {
    let mut nums: Vec<(usize, f64)> = Vec::with_capacity(xs.len());
    for (i, x) in xs.iter().enumerate() {
        match num(x).map(Num::f64) {
            Some(f) if f.is_finite() => nums.push((i, f)),
            _ if ignore_nonfinite => {}
            _ => return None,
        }
    }
    let (&first, rest) = nums.split_first()?;
    let n = nums.len() as f64;
    let sum: f64 = nums.iter().map(|(_, f)| f).sum();
    let squares: f64 = nums.iter().map(|(_, f)| f * f).sum();
    let avg = sum / n;
    // Sample variance from the sums, (n·Σx² − (Σx)²) / (n(n−1)): this form gives the
    // last digits of the doc example (812.45714285714291, stdev 28.503633853548269).
    let var = if nums.len() > 1 {
        (n * squares - sum * sum) / (n * (n - 1.0))
    } else {
        0.0
    };
    let (mut mn, mut mx) = (first, first);
    for &(i, f) in rest {
        if f < mn.1 {
            mn = (i, f);
        }
        if f > mx.1 {
            mx = (i, f);
        }
    }
    let mut m = Map::new();
    m.insert("min".into(), json::real(mn.1));
    m.insert("min_idx".into(), Value::from(mn.0));
    m.insert("max".into(), json::real(mx.1));
    m.insert("max_idx".into(), Value::from(mx.0));
    m.insert("avg".into(), json::real(avg));
    m.insert("stdev".into(), json::real(var.sqrt()));
    m.insert("variance".into(), json::real(var));
    m.insert("sum".into(), json::real(sum));
    m.insert("len".into(), Value::from(xs.len()));
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn arr(v: Value) -> Vec<Value> {
        match v {
            Value::Array(xs) => xs,
            _ => Vec::new(),
        }
    }

    #[test]
    fn doc_examples() {
        // Values from the series_* doc pages.
        let s1 = arr(json!([1, 2, 4]));
        let s2 = arr(json!([4, 2, 1]));
        assert_eq!(binary(Binary::Add, &s1, &s2), arr(json!([5, 4, 5])));
        assert_eq!(binary(Binary::Subtract, &s1, &s2), arr(json!([-3, 0, 3])));
        assert_eq!(binary(Binary::Multiply, &s1, &s2), arr(json!([4, 4, 4])));
        assert_eq!(
            binary(Binary::Divide, &s1, &s2),
            arr(json!([0.25, 1.0, 4.0]))
        );
        assert_eq!(
            binary(Binary::GreaterEquals, &s1, &s2),
            arr(json!([false, true, true]))
        );
        assert_eq!(
            binary(
                Binary::Pow,
                &arr(json!([1, 2, 3, 4])),
                &arr(json!([1, 2, 3, 0.5]))
            ),
            arr(json!([1.0, 4.0, 27.0, 2.0]))
        );
        assert_eq!(
            unary(Unary::Ceiling, &arr(json!([-1.5, 1, 2.5]))),
            arr(json!([-1.0, 1.0, 3.0]))
        );
        assert_eq!(
            unary(Unary::Sign, &arr(json!([-6, 0, 8]))),
            arr(json!([-1, 0, 1]))
        );
        assert_eq!(
            fill_backward(&arr(json!([
                111, null, 36, 41, null, null, 16, 61, 33, null, null
            ]))),
            arr(json!([111, 36, 36, 41, 16, 16, 16, 61, 33, null, null]))
        );
        let ints = arr(json!([
            null, 111, null, 36, 41, null, null, 16, 61, 33, null, null
        ]));
        assert_eq!(
            fill_linear(&ints, false, Some(Num::Real(0.0))),
            Ok(arr(json!([
                null, 111, 73, 36, 41, 32, 24, 16, 61, 33, null, null
            ])))
        );
        assert_eq!(magnitude(&arr(json!([1, 2, 3, 4]))), Ok(5.477225575051661));
        assert_eq!(product(&arr(json!([1, 2, 3, 4]))), Ok(24.0));
        let fit = fit_line(&arr(json!([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30])));
        let fit = fit.unwrap_or_default();
        let get = |k: &str| fit.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
        // The doc prints the values cut to three decimals.
        for (k, want) in [
            ("rsquare", 0.982),
            ("slope", 2.730),
            ("variance", 98.628),
            ("rvariance", 1.686),
            ("interception", -1.666),
        ] {
            assert!((get(k) - want).abs() < 1e-3, "{k}: {}", get(k));
        }
        let x = arr(json!([
            23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29
        ]));
        let st = stats(&x, false).unwrap_or_default();
        // docs: series-stats-dynamic-function, its 17-digit text kept as written
        #[allow(clippy::excessive_precision)]
        let (var, sd) = (812.45714285714291, 28.503633853548269);
        assert_eq!(st.get("variance"), Some(&json!(var)));
        assert_eq!(st.get("stdev"), Some(&json!(sd)));
    }

    #[test]
    fn oracle_cases() {
        // agent-window-series-scan-0020 and -0043.
        let s = arr(json!([5, 15, 10, 20]));
        assert_eq!(
            fir(&s, &arr(json!([1, -1])), Some(false), false),
            Ok(Some(arr(json!([5, 10, -5, 10]))))
        );
        let s = arr(json!([0, 0, 5]));
        assert_eq!(pearson(&s, &s), Some(1.0000000000000002));
    }

    #[test]
    fn iir_cumulative_sum() {
        // The series_iir doc: numerators [1], denominators [1,-1] sum the series.
        let x = arr(json!([1.0, 2.0, 3.0, 4.0]));
        assert_eq!(
            iir(&x, &arr(json!([1])), &arr(json!([1, -1]))),
            Ok(arr(json!([1.0, 3.0, 6.0, 10.0])))
        );
    }

    proptest! {
        /// Element-wise arithmetic agrees with scalar arithmetic, element for element,
        /// and pads the shorter side with nulls.
        #[test]
        fn binary_matches_scalar(a in prop::collection::vec(-1000i64..1000, 0..8),
                                 b in prop::collection::vec(-1000.0f64..1000.0, 0..8)) {
            let xa: Vec<Value> = a.iter().map(|v| json!(v)).collect();
            let xb: Vec<Value> = b.iter().map(|v| json!(v)).collect();
            let out = binary(Binary::Subtract, &xa, &xb);
            prop_assert_eq!(out.len(), a.len().max(b.len()));
            for (i, o) in out.iter().enumerate() {
                match (a.get(i), b.get(i)) {
                    (Some(p), Some(q)) => prop_assert_eq!(o.as_f64(), Some(*p as f64 - q)),
                    _ => prop_assert!(o.is_null()),
                }
            }
            let longs = binary(Binary::Add, &xa, &xa);
            for (o, p) in longs.iter().zip(&a) {
                prop_assert_eq!(o.as_i64(), Some(p + p));
            }
        }

        /// fill_forward then leaves nulls only before the first value.
        #[test]
        fn fill_forward_leaves_only_leading_nulls(v in prop::collection::vec(prop::option::of(-5i64..5), 0..10)) {
            let xs: Vec<Value> = v.iter().map(|x| json!(x)).collect();
            let out = fill_forward(&xs);
            let first = v.iter().position(Option::is_some).unwrap_or(v.len());
            for (i, o) in out.iter().enumerate() {
                prop_assert_eq!(o.is_null(), i < first);
            }
        }

        /// series_sum and series_product agree with folding the reals.
        #[test]
        fn reductions_match_fold(v in prop::collection::vec(-100.0f64..100.0, 0..10)) {
            let xs: Vec<Value> = v.iter().map(|x| json!(x)).collect();
            prop_assert_eq!(sum(&xs), Ok(v.iter().sum::<f64>()));
            prop_assert_eq!(product(&xs), Ok(v.iter().product::<f64>()));
        }
    }
}
