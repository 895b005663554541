//! Integer and temporal arithmetic where KQL differs from arrow's kernels:
//! division by zero gives null, modulo is never negative, `bin` floors.

use arrow::array::{Array, Float64Array, Int64Array};

/// Integer `/` as KQL does it: truncates toward zero; a zero divisor gives null
/// (`print 1 / 0` is null in Kusto); wraps on `i64::MIN / -1`.
pub fn div_i64(a: &Int64Array, b: &Int64Array) -> Int64Array {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) if y != 0 => Some(x.wrapping_div(y)),
            _ => None,
        })
        .collect()
}

/// Integer `%`: `0 <= n % d < abs(d)` (Kusto's numerical operators page: `-14 % 12 == 10`);
/// a zero divisor gives null.
pub fn mod_i64(a: &Int64Array, b: &Int64Array) -> Int64Array {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) if y != 0 => Some(x.wrapping_rem_euclid(y)),
            _ => None,
        })
        .collect()
}

/// Real `%` with the same non-negative rule.
pub fn mod_f64(a: &Float64Array, b: &Float64Array) -> Float64Array {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| Some(x?.rem_euclid(y?)))
        .collect()
}

/// `bin(x, size)` over integers (also datetimes and timespans as nanoseconds): the
/// largest multiple of `size` not above `x`; a non-positive size gives null.
pub fn bin_i64(a: &Int64Array, size: &Int64Array) -> Int64Array {
    a.iter()
        .zip(size.iter())
        .map(|(x, s)| match (x, s) {
            (Some(x), Some(s)) if s > 0 => Some(x.div_euclid(s).wrapping_mul(s)),
            _ => None,
        })
        .collect()
}

/// Nanoseconds from 0001-01-01 to 1970-01-01: Kusto counts datetime ticks from year 1.
pub const KUSTO_EPOCH_NS: i128 = 62_135_596_800 * 1_000_000_000;

/// `bin` measured from an origin `origin` nanoseconds before the Unix epoch.
pub fn bin_from(a: &Int64Array, size: &Int64Array, origin: i128) -> Int64Array {
    a.iter()
        .zip(size.iter())
        .map(|(x, s)| match (x, s) {
            (Some(x), Some(s)) if s > 0 => {
                let shifted = x as i128 + origin;
                let b = shifted.div_euclid(s as i128) * s as i128 - origin;
                i64::try_from(b).ok()
            }
            _ => None,
        })
        .collect()
}

/// `bin(x, size)` over reals.
pub fn bin_f64(a: &Float64Array, size: &Float64Array) -> Float64Array {
    a.iter()
        .zip(size.iter())
        .map(|(x, s)| match (x, s) {
            (Some(x), Some(s)) if s > 0.0 => Some((x / s).floor() * s),
            _ => None,
        })
        .collect()
}

/// Timespan × real, rounded to whole 100-ns ticks.
pub fn scale_ticks(a: &Int64Array, f: &Float64Array, divide: bool) -> Int64Array {
    a.iter()
        .zip(f.iter())
        .map(|(x, y)| {
            let (x, y) = (x? as f64, y?);
            let v = if divide { x / y } else { x * y };
            if !v.is_finite() {
                return None;
            }
            Some(((v / 100.0).round() as i64).wrapping_mul(100))
        })
        .collect()
}

/// The number of rows in both (for broadcasting checks).
pub fn same_len(a: &dyn Array, b: &dyn Array) -> bool {
    a.len() == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulo_is_never_negative() {
        // Kusto docs: print plusPlus = 14 % 12, minusPlus = -14 % 12, plusMinus = 14 % -12,
        // minusMinus = -14 % -12 gives 2, 10, 2, 10.
        let a = Int64Array::from(vec![14, -14, 14, -14]);
        let b = Int64Array::from(vec![12, 12, -12, -12]);
        assert_eq!(mod_i64(&a, &b), Int64Array::from(vec![2, 10, 2, 10]));
    }

    #[test]
    fn division_truncates_and_zero_gives_null() {
        let a = Int64Array::from(vec![7, -7, 1]);
        let b = Int64Array::from(vec![2, 2, 0]);
        assert_eq!(
            div_i64(&a, &b),
            Int64Array::from(vec![Some(3), Some(-3), None])
        );
    }

    #[test]
    fn bin_floors_negative_values() {
        let a = Int64Array::from(vec![5, -5, 6]);
        let s = Int64Array::from(vec![2, 2, 2]);
        assert_eq!(bin_i64(&a, &s), Int64Array::from(vec![4, -6, 6]));
    }
}
