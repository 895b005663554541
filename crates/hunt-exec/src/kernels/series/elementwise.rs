//! Element-wise `series_*` functions of one or two arrays.

use super::{Num, json, num, opt_value};
use serde_json::Value;

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
