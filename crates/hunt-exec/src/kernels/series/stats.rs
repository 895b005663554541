//! Reductions of series: sums, correlation, line fitting and statistics.

use super::{Num, json, num, reals};
use serde_json::{Map, Value};

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
