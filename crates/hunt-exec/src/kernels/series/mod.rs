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
use serde_json::Value;

mod elementwise;
mod fill;
mod filters;
mod stats;
#[cfg(test)]
mod tests;

pub use elementwise::{Binary, Unary, binary, unary};
pub use fill::{fill_backward, fill_const, fill_forward, fill_linear};
pub use filters::{fir, iir};
pub use stats::{fit_line, magnitude, pearson, product, stats, sum};

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

pub(crate) fn opt_value(n: Option<Num>) -> Value {
    n.map_or(Value::Null, Num::value)
}

/// The elements as reals, or `Err` naming `what` when one is null or not a number (the
/// docs of `series_sum`, `series_product`, `series_magnitude` and the filters do not say
/// what Kusto does then).
pub(crate) fn reals(xs: &[Value], what: &str) -> Result<Vec<f64>, String> {
    xs.iter()
        .map(|x| num(x).map(Num::f64))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| format!("{what} of an array holding nulls or non-numbers"))
}

/// Whether every numeric element is a long (the array's element type; its nulls aside).
pub(crate) fn all_longs(xs: &[Value]) -> bool {
    xs.iter().filter_map(num).all(|n| matches!(n, Num::Long(_)))
}
