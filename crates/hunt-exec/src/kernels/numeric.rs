//! Numeric functions whose exact behaviour needs care: `round` on decimal digits.

/// `round(x, digits)`: half away from zero on the value's shortest decimal form, so
/// `round(2.15, 1)` is 2.2 as the Kusto docs give it (2.15 × 10 is 21.4999… in binary).
///
/// ```
/// use hunt_exec::kernels::numeric::round_to;
/// assert_eq!(round_to(2.15, 1), 2.2);
/// assert_eq!(round_to(-50.55, -2), -100.0);
/// assert_eq!(round_to(21.5, -1), 20.0);
/// ```
pub fn round_to(x: f64, digits: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if !(-308..=308).contains(&digits) {
        return if digits > 0 { x } else { 0.0 };
    }
    // Shortest round-trip digits and exponent: x = 0.d1d2d3… × 10^(exp + 1).
    let sci = format!("{:e}", x.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits_str: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    // Position (in `digits_str`) of the first digit dropped.
    let keep = exp + 1 + digits;
    if keep >= digits_str.len() as i64 {
        return x;
    }
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    if keep < 0 {
        return 0.0;
    }
    let keep = keep as usize;
    let mut kept: Vec<u8> = digits_str.as_bytes()[..keep]
        .iter()
        .map(|b| b - b'0')
        .collect();
    if digits_str.as_bytes()[keep] >= b'5' {
        // Carry the increment.
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
        // A carry out of the top digit adds a digit before the point.
        if kept.len() > keep {
            let text: String = kept.iter().map(|d| (d + b'0') as char).collect();
            let value: f64 = format!("{text}e{}", exp + 1 - kept.len() as i64 + 1)
                .parse()
                .unwrap_or(x);
            return sign * value;
        }
    }
    if kept.is_empty() {
        return 0.0;
    }
    let text: String = kept.iter().map(|d| (d + b'0') as char).collect();
    let value: f64 = format!("{text}e{}", exp + 1 - keep as i64)
        .parse()
        .unwrap_or(x);
    sign * value
}

/// `round(n, digits)` of an integer: unchanged for `digits >= 0`, otherwise half away
/// from zero to a multiple of `10^-digits` (wrapping like Kusto's long arithmetic).
///
/// ```
/// use hunt_exec::kernels::numeric::round_int;
/// assert_eq!(round_int(1250, -2), 1300);
/// assert_eq!(round_int(-1250, -2), -1300);
/// assert_eq!(round_int(7, 2), 7);
/// ```
pub fn round_int(x: i64, digits: i64) -> i64 {
    if digits >= 0 {
        return x;
    }
    if digits < -18 {
        return 0;
    }
    let m = 10i128.pow((-digits) as u32);
    let v = x as i128;
    let r = (v.abs() + m / 2) / m * m;
    (if v < 0 { -r } else { r }) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_like_kusto() {
        // round docs examples and t1-type-casts-coercion-0016 (round(3.25, 1) is 3.3).
        assert_eq!(round_to(2.98765, 3), 2.988);
        assert_eq!(round_to(2.15, 0), 2.0);
        assert_eq!(round_to(3.25, 1), 3.3);
        assert_eq!(round_to(-5.5, 1), -5.5);
        assert_eq!(round_to(100000.5, 1), 100000.5);
        assert_eq!(round_to(9.96, 1), 10.0);
        assert_eq!(round_to(0.5, 0), 1.0);
        assert_eq!(round_to(-0.5, 0), -1.0);
        assert_eq!(round_to(0.04, 1), 0.0);
        assert_eq!(round_to(999.0, -3), 1000.0);
    }
}
