//! Typed cells: how a fixture value, an expected value and a result value become one KQL value
//! of a known column type, and how two of them compare.
//!
//! Every value passes through [`Cell::from_json`] (or [`Cell::from_text`] for CSV), so a value
//! in a fixture, in `expect:` and in hunt's answer is read the same way. Comparison follows the
//! column's KQL type: datetimes and timespans at Kusto's 100 ns tick, reals with a small relative
//! tolerance, dynamic values as JSON values (numbers by value, so `1` equals `1.0`).

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, DurationNanosecondBuilder, Float64Builder, Int32Builder,
    Int64Builder, StringBuilder, TimestampNanosecondBuilder,
};
use hunt::KqlType;
use hunt_plan::planner::literals::{parse_datetime_text, parse_timespan_text};
use serde_json::Value;

/// Kusto's tick: datetimes and timespans are compared at this resolution.
const NS_PER_TICK: i64 = 100;
/// Relative tolerance for `real` cells: sums and averages may differ in their last bits.
const REAL_TOLERANCE: f64 = 1e-9;

/// One KQL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Null (a `string` is never null: its null is the empty string).
    Null,
    /// `bool`.
    Bool(bool),
    /// `int` or `long`.
    Int(i64),
    /// `real`.
    Real(f64),
    /// `string` or `guid` (a guid lower-case).
    Str(String),
    /// `datetime`: nanoseconds since the Unix epoch, UTC.
    DateTime(i64),
    /// `timespan`: nanoseconds.
    TimeSpan(i64),
    /// `dynamic`: a JSON value.
    Dynamic(Value),
}

impl Cell {
    /// Reads a JSON (or YAML) value as a value of type `ty`. Strings are accepted for every
    /// type (datetimes and timespans are written as strings); `null` is null.
    pub fn from_json(value: &Value, ty: KqlType) -> Result<Cell, String> {
        let bad = || format!("`{}` is not a valid {ty}", compact(value));
        if value.is_null() {
            return Ok(match ty {
                KqlType::String => Cell::Str(String::new()),
                _ => Cell::Null,
            });
        }
        match ty {
            KqlType::Dynamic => Ok(Cell::Dynamic(value.clone())),
            KqlType::String => Ok(Cell::Str(match value {
                Value::String(s) => s.clone(),
                other => compact(other),
            })),
            _ => match value {
                Value::String(s) => Cell::from_text(s, ty),
                Value::Bool(b) if ty == KqlType::Bool => Ok(Cell::Bool(*b)),
                Value::Number(n) => match ty {
                    KqlType::Int | KqlType::Long => {
                        let i = n.as_i64().ok_or_else(bad)?;
                        int_in_range(i, ty).ok_or_else(bad)
                    }
                    KqlType::Real => n.as_f64().map(Cell::Real).ok_or_else(bad),
                    KqlType::Bool => match n.as_i64() {
                        Some(0) => Ok(Cell::Bool(false)),
                        Some(1) => Ok(Cell::Bool(true)),
                        _ => Err(bad()),
                    },
                    _ => Err(bad()),
                },
                _ => Err(bad()),
            },
        }
    }

    /// Reads text (a CSV cell, or a JSON string) as a value of type `ty`. Empty text is null
    /// (the empty string for `string`); `dynamic` text is parsed as JSON, or kept as a JSON
    /// string when it is not JSON.
    pub fn from_text(text: &str, ty: KqlType) -> Result<Cell, String> {
        let bad = || format!("`{text}` is not a valid {ty}");
        let t = text.trim();
        if ty == KqlType::String {
            return Ok(Cell::Str(text.to_owned()));
        }
        if t.is_empty() || (ty != KqlType::Dynamic && t == "null") {
            return Ok(Cell::Null);
        }
        Ok(match ty {
            KqlType::String => Cell::Str(text.to_owned()),
            KqlType::Guid => Cell::Str(t.to_ascii_lowercase()),
            KqlType::Bool => match t.to_ascii_lowercase().as_str() {
                "true" | "1" => Cell::Bool(true),
                "false" | "0" => Cell::Bool(false),
                _ => return Err(bad()),
            },
            KqlType::Int | KqlType::Long => {
                let i: i64 = t.parse().map_err(|_| bad())?;
                int_in_range(i, ty).ok_or_else(bad)?
            }
            KqlType::Real => Cell::Real(parse_real(t).ok_or_else(bad)?),
            KqlType::DateTime => Cell::DateTime(parse_datetime(t).ok_or_else(bad)?),
            KqlType::TimeSpan => Cell::TimeSpan(parse_timespan_text(t).ok_or_else(bad)?),
            KqlType::Dynamic => {
                Cell::Dynamic(serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.into())))
            }
        })
    }

    /// Whether two values of type `ty` are the same KQL value (see the module header).
    pub fn same(&self, other: &Cell) -> bool {
        match (self, other) {
            (Cell::DateTime(a), Cell::DateTime(b)) | (Cell::TimeSpan(a), Cell::TimeSpan(b)) => {
                a.div_euclid(NS_PER_TICK) == b.div_euclid(NS_PER_TICK)
            }
            (Cell::Real(a), Cell::Real(b)) => reals_close(*a, *b),
            (Cell::Dynamic(a), Cell::Dynamic(b)) => json_same(a, b),
            (a, b) => a == b,
        }
    }

    /// The value as KQL prints it, strings quoted (for diffs).
    pub fn show(&self) -> String {
        match self {
            Cell::Null => "null".into(),
            Cell::Bool(b) => b.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Real(x) => hunt::format::format_real(*x),
            Cell::Str(s) => Value::String(s.clone()).to_string(),
            Cell::DateTime(ns) => hunt::format::format_datetime(*ns),
            Cell::TimeSpan(ns) => hunt::format::format_timespan(*ns),
            Cell::Dynamic(v) => compact(v),
        }
    }

    /// The value as written in a test file (`--record`): datetimes and timespans as Kusto's
    /// text, dynamic values as JSON, non-finite reals as strings.
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Int(i) => Value::from(*i),
            Cell::Real(x) => serde_json::Number::from_f64(*x)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(hunt::format::format_real(*x))),
            Cell::Str(s) => Value::String(s.clone()),
            Cell::DateTime(ns) => Value::String(hunt::format::format_datetime(*ns)),
            Cell::TimeSpan(ns) => Value::String(hunt::format::format_timespan(*ns)),
            Cell::Dynamic(v) => v.clone(),
        }
    }
}

/// A datetime in any form Kusto's `datetime(…)` reads, or RFC 3339 with an offset.
pub fn parse_datetime(text: &str) -> Option<i64> {
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(text.trim()) {
        return dt
            .timestamp_nanos_opt()
            .map(|ns| ns - ns.rem_euclid(NS_PER_TICK));
    }
    parse_datetime_text(text)
}

fn parse_real(t: &str) -> Option<f64> {
    match t {
        "NaN" | "nan" => Some(f64::NAN),
        "Infinity" | "inf" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" | "-inf" => Some(f64::NEG_INFINITY),
        _ => t.parse().ok(),
    }
}

fn int_in_range(i: i64, ty: KqlType) -> Option<Cell> {
    if ty == KqlType::Int && i32::try_from(i).is_err() {
        return None;
    }
    Some(Cell::Int(i))
}

fn reals_close(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a == b {
        return true;
    }
    (a - b).abs() <= REAL_TOLERANCE * a.abs().max(b.abs())
}

fn json_same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) => reals_close(p, q),
                _ => false,
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_same(v, w)))
        }
        (a, b) => a == b,
    }
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// An Arrow column of hunt's layout for type `ty` (see `docs/architecture.md`, Values).
/// Cells of another variant than `ty` expects are written as null.
pub fn build_array(cells: &[&Cell], ty: KqlType) -> ArrayRef {
    let n = cells.len();
    match ty {
        KqlType::Bool => {
            let mut b = BooleanBuilder::with_capacity(n);
            for c in cells {
                b.append_option(match c {
                    Cell::Bool(v) => Some(*v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        KqlType::Int => {
            let mut b = Int32Builder::with_capacity(n);
            for c in cells {
                b.append_option(match c {
                    Cell::Int(v) => i32::try_from(*v).ok(),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        KqlType::Long => {
            let mut b = Int64Builder::with_capacity(n);
            for c in cells {
                b.append_option(match c {
                    Cell::Int(v) => Some(*v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        KqlType::Real => {
            let mut b = Float64Builder::with_capacity(n);
            for c in cells {
                b.append_option(match c {
                    Cell::Real(v) => Some(*v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        KqlType::String | KqlType::Guid | KqlType::Dynamic => {
            let mut b = StringBuilder::with_capacity(n, n * 16);
            for c in cells {
                match c {
                    Cell::Str(s) => b.append_value(s),
                    Cell::Dynamic(v) => b.append_value(compact(v)),
                    _ if ty == KqlType::String => b.append_value(""),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        KqlType::DateTime => {
            let mut b = TimestampNanosecondBuilder::with_capacity(n);
            for c in cells {
                b.append_option(match c {
                    Cell::DateTime(v) => Some(*v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        KqlType::TimeSpan => {
            let mut b = DurationNanosecondBuilder::with_capacity(n);
            for c in cells {
                b.append_option(match c {
                    Cell::TimeSpan(v) => Some(*v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
    }
}

/// Reads row `row` of a result column of type `ty`.
pub fn read_cell(array: &ArrayRef, row: usize, ty: KqlType) -> Cell {
    let json = hunt::format::cell_json(array, row, ty);
    // hunt's own JSON form of a value always reads back as that type; should a layout ever
    // not, the text form keeps the cell comparable rather than failing the whole run.
    Cell::from_json(&json, ty).unwrap_or_else(|_| Cell::Str(compact(&json)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn datetimes_compare_at_ticks() {
        let a = Cell::from_text("2025-06-01T10:00:00.12345671Z", KqlType::DateTime);
        let b = Cell::from_json(&json!("2025-06-01 10:00:00.1234567"), KqlType::DateTime);
        assert!(a.unwrap().same(&b.unwrap()));
        let c = Cell::from_text("2025-06-01T12:00:00+02:00", KqlType::DateTime).unwrap();
        let d = Cell::from_text("2025-06-01T10:00:00Z", KqlType::DateTime).unwrap();
        assert!(c.same(&d));
        assert!(!d.same(&Cell::from_text("2025-06-01T10:00:01Z", KqlType::DateTime).unwrap()));
    }

    #[test]
    fn reals_and_dynamic() {
        assert!(Cell::Real(0.1 + 0.2).same(&Cell::Real(0.3)));
        assert!(!Cell::Real(1.0).same(&Cell::Real(1.001)));
        let a = Cell::from_text(r#"{"a":[1,2.0]}"#, KqlType::Dynamic).unwrap();
        let b = Cell::from_json(&json!({"a": [1.0, 2]}), KqlType::Dynamic).unwrap();
        assert!(a.same(&b));
        assert!(!a.same(&Cell::from_json(&json!({"a": [2, 1]}), KqlType::Dynamic).unwrap()));
    }

    #[test]
    fn nulls_and_errors() {
        assert_eq!(
            Cell::from_json(&Value::Null, KqlType::String).unwrap(),
            Cell::Str(String::new())
        );
        assert_eq!(Cell::from_text("", KqlType::Long).unwrap(), Cell::Null);
        assert!(Cell::from_text("3000000000", KqlType::Int).is_err());
        assert!(Cell::from_text("yesterday", KqlType::DateTime).is_err());
        assert_eq!(
            Cell::from_json(&json!("ABC-def"), KqlType::Guid).unwrap(),
            Cell::Str("abc-def".into())
        );
    }
}
