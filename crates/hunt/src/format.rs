//! KQL value formatting: how hunt prints a cell, as text or as JSON.
//!
//! Pure functions over Arrow arrays, shared by the CLI writers and the conformance runner.
//! The text forms follow what Kusto prints:
//!
//! | KQL type | text ([`cell_text`]) | JSON ([`cell_json`]) |
//! | --- | --- | --- |
//! | `bool` | `true` / `false` | `true` / `false` |
//! | `int`, `long` | `42` | `42` |
//! | `real` | [`format_real`]: `15`, `2.5`, `1E+300`, `NaN` | number; `"NaN"`, `"Infinity"`, `"-Infinity"` |
//! | `datetime` | [`format_datetime`]: `2025-06-01T10:00:00.0000000Z` | the same, as a string |
//! | `timespan` | [`format_timespan`]: `1.02:03:04.5000000` | the same, as a string |
//! | `string`, `guid` | as is | string |
//! | `dynamic` | its compact JSON text | the parsed JSON value |
//! | null | empty string | `null` |
//!
//! The cell readers look at the array's physical Arrow type, so a column that is not in hunt's
//! canonical layout (for example `Timestamp(Millisecond, "UTC")` or `Int64` for an `int`) still
//! prints sensibly; layouts they do not know fall back to Arrow's own display.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Date64Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float16Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use serde_json::Value;

use crate::KqlType;

/// Nanoseconds in one Kusto tick (timespans and datetimes have 100 ns resolution).
const NANOS_PER_TICK: i64 = 100;
const TICKS_PER_SECOND: u64 = 10_000_000;
const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// Formats a `datetime` (nanoseconds since the Unix epoch, UTC) as Kusto prints it: ISO-8601 with
/// exactly seven fractional digits (100 ns ticks) and a `Z`.
///
/// Nanoseconds below one tick are truncated toward the past, as Kusto cannot represent them.
///
/// ```
/// assert_eq!(hunt::format::format_datetime(0), "1970-01-01T00:00:00.0000000Z");
/// assert_eq!(
///     hunt::format::format_datetime(1_748_772_000_123_456_789),
///     "2025-06-01T10:00:00.1234567Z"
/// );
/// ```
pub fn format_datetime(ns: i64) -> String {
    let secs = ns.div_euclid(NANOS_PER_SECOND);
    let ticks = ns.rem_euclid(NANOS_PER_SECOND) / NANOS_PER_TICK;
    // Every i64 of nanoseconds (years 1677..2262) lies well inside chrono's range, so the
    // fallback only guards against a future change of representation.
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(dt) => format!("{}.{ticks:07}Z", dt.format("%Y-%m-%dT%H:%M:%S")),
        None => format!("{ns}ns"),
    }
}

/// Formats a `timespan` (nanoseconds) as Kusto prints it, the .NET `c` format:
/// `[-][d.]hh:mm:ss[.fffffff]`.
///
/// Days appear only when non-zero; the seven-digit fraction (100 ns ticks) only when non-zero.
/// Nanoseconds below one tick are truncated toward zero.
///
/// ```
/// use hunt::format::format_timespan;
/// assert_eq!(format_timespan(1_000_000_000), "00:00:01");
/// assert_eq!(format_timespan(-1_800_000_000_000), "-00:30:00");
/// assert_eq!(format_timespan(93_784_500_000_000), "1.02:03:04.5000000");
/// ```
pub fn format_timespan(ns: i64) -> String {
    let ticks = ns / NANOS_PER_TICK;
    let sign = if ticks < 0 { "-" } else { "" };
    let abs = ticks.unsigned_abs();
    let frac = abs % TICKS_PER_SECOND;
    let total_secs = abs / TICKS_PER_SECOND;
    let (days, secs_of_day) = (total_secs / 86_400, total_secs % 86_400);
    let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    let mut out = String::with_capacity(24);
    out.push_str(sign);
    if days != 0 {
        out.push_str(&format!("{days}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac != 0 {
        out.push_str(&format!(".{frac:07}"));
    }
    out
}

/// Formats a `real` as Kusto prints it (the .NET round-trip format): the shortest digits that
/// read back to the same double, fixed-point when the decimal exponent is in `-5 < e < 15` and
/// scientific (`1E+300`, `1E-05`, `3.3333333333333335E+299`) otherwise; `NaN`, `Infinity`,
/// `-Infinity`; negative zero is `-0`.
///
/// ```
/// use hunt::format::format_real;
/// assert_eq!(format_real(15.0), "15");
/// assert_eq!(format_real(2.5), "2.5");
/// assert_eq!(format_real(1e300), "1E+300");
/// assert_eq!(format_real(f64::NEG_INFINITY), "-Infinity");
/// ```
pub fn format_real(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // `{:e}` is Rust's shortest round-trip digits in scientific form, e.g. `-3.25e-7`.
    let sci = format!("{x:e}");
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    if -5 < exp && exp < 15 {
        // Display is the same shortest digits, never in exponent form.
        format!("{x}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}E{sign}{:02}", exp.unsigned_abs())
    }
}

/// One cell read from an Arrow array, before it is given a text or JSON form.
enum Cell<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// An unsigned value beyond `i64`.
    UInt(u64),
    Real(f64),
    DateTime(i64),
    TimeSpan(i64),
    Str(&'a str),
    /// A layout hunt does not produce, shown with Arrow's display.
    Other(String),
}

/// Nanoseconds from a count of `unit`s, or `None` on overflow.
fn to_nanos(v: i64, unit: &TimeUnit) -> Option<i64> {
    match unit {
        TimeUnit::Second => v.checked_mul(NANOS_PER_SECOND),
        TimeUnit::Millisecond => v.checked_mul(1_000_000),
        TimeUnit::Microsecond => v.checked_mul(1_000),
        TimeUnit::Nanosecond => Some(v),
    }
}

fn read_cell<'a>(array: &'a ArrayRef, row: usize, ty: KqlType) -> Cell<'a> {
    if array.is_null(row) {
        return Cell::Null;
    }
    let a = array.as_ref();
    let cell = match a.data_type() {
        DataType::Boolean => Some(Cell::Bool(a.as_boolean().value(row))),
        DataType::Int8 => Some(Cell::Int(a.as_primitive::<Int8Type>().value(row).into())),
        DataType::Int16 => Some(Cell::Int(a.as_primitive::<Int16Type>().value(row).into())),
        DataType::Int32 => Some(Cell::Int(a.as_primitive::<Int32Type>().value(row).into())),
        DataType::Int64 => {
            let v = a.as_primitive::<Int64Type>().value(row);
            // An engine that hands back a datetime or timespan as raw nanoseconds still
            // prints as the declared KQL type.
            Some(match ty {
                KqlType::DateTime => Cell::DateTime(v),
                KqlType::TimeSpan => Cell::TimeSpan(v),
                _ => Cell::Int(v),
            })
        }
        DataType::UInt8 => Some(Cell::Int(a.as_primitive::<UInt8Type>().value(row).into())),
        DataType::UInt16 => Some(Cell::Int(a.as_primitive::<UInt16Type>().value(row).into())),
        DataType::UInt32 => Some(Cell::Int(a.as_primitive::<UInt32Type>().value(row).into())),
        DataType::UInt64 => {
            let v = a.as_primitive::<UInt64Type>().value(row);
            Some(i64::try_from(v).map_or(Cell::UInt(v), Cell::Int))
        }
        DataType::Float16 => Some(Cell::Real(
            a.as_primitive::<Float16Type>().value(row).into(),
        )),
        DataType::Float32 => Some(Cell::Real(
            a.as_primitive::<Float32Type>().value(row).into(),
        )),
        DataType::Float64 => Some(Cell::Real(a.as_primitive::<Float64Type>().value(row))),
        DataType::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(row),
                TimeUnit::Millisecond => a.as_primitive::<TimestampMillisecondType>().value(row),
                TimeUnit::Microsecond => a.as_primitive::<TimestampMicrosecondType>().value(row),
                TimeUnit::Nanosecond => a.as_primitive::<TimestampNanosecondType>().value(row),
            };
            to_nanos(v, unit).map(Cell::DateTime)
        }
        DataType::Date32 => {
            let days = i64::from(a.as_primitive::<Date32Type>().value(row));
            days.checked_mul(86_400 * NANOS_PER_SECOND)
                .map(Cell::DateTime)
        }
        DataType::Date64 => {
            let ms = a.as_primitive::<Date64Type>().value(row);
            to_nanos(ms, &TimeUnit::Millisecond).map(Cell::DateTime)
        }
        DataType::Duration(unit) => {
            let v = match unit {
                TimeUnit::Second => a.as_primitive::<DurationSecondType>().value(row),
                TimeUnit::Millisecond => a.as_primitive::<DurationMillisecondType>().value(row),
                TimeUnit::Microsecond => a.as_primitive::<DurationMicrosecondType>().value(row),
                TimeUnit::Nanosecond => a.as_primitive::<DurationNanosecondType>().value(row),
            };
            to_nanos(v, unit).map(Cell::TimeSpan)
        }
        DataType::Utf8 => Some(Cell::Str(a.as_string::<i32>().value(row))),
        DataType::LargeUtf8 => Some(Cell::Str(a.as_string::<i64>().value(row))),
        DataType::Utf8View => Some(Cell::Str(a.as_string_view().value(row))),
        _ => None,
    };
    cell.unwrap_or_else(|| Cell::Other(arrow_display(a, row)))
}

/// Arrow's own rendering of a cell, for layouts hunt does not produce.
fn arrow_display(array: &dyn Array, row: usize) -> String {
    match ArrayFormatter::try_new(array, &FormatOptions::default()) {
        Ok(f) => f.value(row).to_string(),
        Err(e) => format!("<{}: {e}>", array.data_type()),
    }
}

/// The text of one cell for table and CSV output.
///
/// Null is the empty string, `bool` is `true`/`false`, `real` uses [`format_real`], `datetime`
/// [`format_datetime`], `timespan` [`format_timespan`], and `dynamic` its compact JSON text.
/// `ty` is the column's KQL type; the physical Arrow type decides how the value is read.
///
/// # Panics
/// If `row >= array.len()`.
///
/// ```
/// use std::sync::Arc;
/// use arrow::array::{ArrayRef, Float64Array};
/// use hunt::{KqlType, format::cell_text};
/// let a: ArrayRef = Arc::new(Float64Array::from(vec![Some(2.5), None]));
/// assert_eq!(cell_text(&a, 0, KqlType::Real), "2.5");
/// assert_eq!(cell_text(&a, 1, KqlType::Real), "");
/// ```
pub fn cell_text(array: &ArrayRef, row: usize, ty: KqlType) -> String {
    match read_cell(array, row, ty) {
        Cell::Null => String::new(),
        Cell::Bool(b) => b.to_string(),
        Cell::Int(v) => v.to_string(),
        Cell::UInt(v) => v.to_string(),
        Cell::Real(x) => format_real(x),
        Cell::DateTime(ns) => format_datetime(ns),
        Cell::TimeSpan(ns) => format_timespan(ns),
        Cell::Str(s) => s.to_owned(),
        Cell::Other(s) => s,
    }
}

/// The JSON value of one cell, as the Microsoft Graph `runHuntingQuery` API returns results.
///
/// Numbers are JSON numbers (`real` stays a floating-point number; non-finite reals become the
/// strings `"NaN"`, `"Infinity"`, `"-Infinity"`); datetimes, timespans, guids and strings are
/// strings; `dynamic` is the parsed JSON value (its text as a string if it does not parse);
/// null is `null`.
///
/// # Panics
/// If `row >= array.len()`.
///
/// ```
/// use std::sync::Arc;
/// use arrow::array::{ArrayRef, StringArray};
/// use hunt::{KqlType, format::cell_json};
/// let a: ArrayRef = Arc::new(StringArray::from(vec![r#"{"a":[1,2]}"#]));
/// assert_eq!(cell_json(&a, 0, KqlType::Dynamic), serde_json::json!({"a": [1, 2]}));
/// assert_eq!(cell_json(&a, 0, KqlType::String), serde_json::json!(r#"{"a":[1,2]}"#));
/// ```
pub fn cell_json(array: &ArrayRef, row: usize, ty: KqlType) -> Value {
    match read_cell(array, row, ty) {
        Cell::Null => Value::Null,
        Cell::Bool(b) => Value::Bool(b),
        Cell::Int(v) => Value::from(v),
        Cell::UInt(v) => Value::from(v),
        Cell::Real(x) => match serde_json::Number::from_f64(x) {
            Some(n) => Value::Number(n),
            None => Value::String(format_real(x)),
        },
        Cell::DateTime(ns) => Value::String(format_datetime(ns)),
        Cell::TimeSpan(ns) => Value::String(format_timespan(ns)),
        Cell::Str(s) if ty == KqlType::Dynamic => {
            serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned()))
        }
        Cell::Str(s) => Value::String(s.to_owned()),
        Cell::Other(s) => Value::String(s),
    }
}

/// The .NET type name of Kusto v1 tables (`DataType`) and of Graph `runHuntingQuery`'s schema
/// (`"type": "DateTime"`).
pub fn dotnet_type(ty: KqlType) -> &'static str {
    match ty {
        KqlType::Bool => "Boolean",
        KqlType::Int => "Int32",
        KqlType::Long => "Int64",
        KqlType::Real => "Double",
        KqlType::String => "String",
        KqlType::DateTime => "DateTime",
        KqlType::TimeSpan => "TimeSpan",
        KqlType::Guid => "Guid",
        KqlType::Dynamic => "Object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{
        BooleanArray, DurationNanosecondArray, Int32Array, Int64Array, StringArray,
        TimestampMillisecondArray, TimestampNanosecondArray,
    };
    use serde_json::json;
    use std::sync::Arc;

    const SEC: i64 = 1_000_000_000;

    #[test]
    fn datetime_epoch_and_known_instants() {
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00.0000000Z");
        // 2025-06-01T10:00:00Z = 1748772000 s (20240 days * 86400 + 36000).
        assert_eq!(
            format_datetime(1_748_772_000 * SEC),
            "2025-06-01T10:00:00.0000000Z"
        );
        assert_eq!(
            format_datetime(1_748_772_000 * SEC + 100),
            "2025-06-01T10:00:00.0000001Z"
        );
        assert_eq!(
            format_datetime(1_748_772_000 * SEC + 500_000_000),
            "2025-06-01T10:00:00.5000000Z"
        );
        // Sub-tick nanoseconds are dropped.
        assert_eq!(
            format_datetime(1_748_772_000 * SEC + 99),
            "2025-06-01T10:00:00.0000000Z"
        );
    }

    #[test]
    fn datetime_before_epoch_counts_ticks_forward_from_the_second() {
        // 100 ns before the epoch.
        assert_eq!(format_datetime(-100), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(format_datetime(-SEC), "1969-12-31T23:59:59.0000000Z");
        // -1 ns truncates toward the past, to the tick that contains it.
        assert_eq!(format_datetime(-1), "1969-12-31T23:59:59.9999999Z");
    }

    #[test]
    fn datetime_extremes_do_not_panic() {
        assert_eq!(format_datetime(i64::MIN), "1677-09-21T00:12:43.1452241Z");
        assert_eq!(format_datetime(i64::MAX), "2262-04-11T23:47:16.8547758Z");
    }

    #[test]
    fn timespan_forms() {
        assert_eq!(format_timespan(0), "00:00:00");
        assert_eq!(format_timespan(SEC), "00:00:01");
        assert_eq!(format_timespan(-30 * 60 * SEC), "-00:30:00");
        let t = ((24 + 2) * 3600 + 3 * 60 + 4) * SEC + SEC / 2;
        assert_eq!(format_timespan(t), "1.02:03:04.5000000");
        assert_eq!(format_timespan(-t), "-1.02:03:04.5000000");
        assert_eq!(
            format_timespan(2 * 86_400 * SEC + 12 * 3600 * SEC),
            "2.12:00:00"
        );
        assert_eq!(format_timespan(100), "00:00:00.0000001");
        assert_eq!(format_timespan(45 * 60 * SEC), "00:45:00");
        assert_eq!(format_timespan(100 * 86_400 * SEC), "100.00:00:00");
    }

    #[test]
    fn timespan_sub_tick_truncates_toward_zero() {
        assert_eq!(format_timespan(199), "00:00:00.0000001");
        assert_eq!(format_timespan(-199), "-00:00:00.0000001");
        assert_eq!(format_timespan(-99), "00:00:00");
    }

    #[test]
    fn timespan_extremes_do_not_panic() {
        // i64::MIN ns = -92233720368547758 ticks (truncated) = 106751 days 23:47:16.8547758.
        assert_eq!(format_timespan(i64::MIN), "-106751.23:47:16.8547758");
        assert_eq!(format_timespan(i64::MAX), "106751.23:47:16.8547758");
    }

    #[test]
    fn real_forms() {
        assert_eq!(format_real(15.0), "15");
        assert_eq!(format_real(2.5), "2.5");
        assert_eq!(format_real(-2.1500000000000004), "-2.1500000000000004");
        assert_eq!(format_real(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_real(0.0), "0");
        assert_eq!(format_real(-0.0), "-0");
        assert_eq!(format_real(f64::NAN), "NaN");
        assert_eq!(format_real(f64::INFINITY), "Infinity");
        assert_eq!(format_real(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn real_switches_to_exponent_like_dotnet() {
        // Values recorded from the real Kusto engine (shared/conformance/kusto-oracle).
        assert_eq!(format_real(1.5e10), "15000000000");
        assert_eq!(format_real(5.4e10), "54000000000");
        assert_eq!(format_real(1e300), "1E+300");
        assert_eq!(format_real(1e300 / 3.0), "3.3333333333333335E+299");
        assert_eq!(format_real(9.223372036854776e18), "9.223372036854776E+18");
        assert_eq!(format_real(-9.223372036854776e18), "-9.223372036854776E+18");
        assert_eq!(format_real(1e19), "1E+19");
        assert_eq!(format_real(f64::MAX), "1.7976931348623157E+308");
        assert_eq!(format_real(5e-324), "5E-324");
        // The .NET "G" boundaries: fixed for exponents -5 < e < 15.
        assert_eq!(format_real(1e14), "100000000000000");
        assert_eq!(format_real(123456789012345.0), "123456789012345");
        assert_eq!(format_real(1e15), "1E+15");
        assert_eq!(format_real(0.0001), "0.0001");
        assert_eq!(format_real(0.00001), "1E-05");
        assert_eq!(format_real(0.000025), "2.5E-05");
    }

    fn arr(a: impl Array + 'static) -> ArrayRef {
        Arc::new(a)
    }

    #[test]
    fn cell_text_by_type() {
        let b = arr(BooleanArray::from(vec![Some(true), Some(false), None]));
        assert_eq!(cell_text(&b, 0, KqlType::Bool), "true");
        assert_eq!(cell_text(&b, 1, KqlType::Bool), "false");
        assert_eq!(cell_text(&b, 2, KqlType::Bool), "");

        let i = arr(Int32Array::from(vec![Some(-7), None]));
        assert_eq!(cell_text(&i, 0, KqlType::Int), "-7");
        assert_eq!(cell_text(&i, 1, KqlType::Int), "");

        let l = arr(Int64Array::from(vec![i64::MAX]));
        assert_eq!(cell_text(&l, 0, KqlType::Long), "9223372036854775807");

        let t = arr(TimestampNanosecondArray::from(vec![
            Some(1_748_772_000 * SEC),
            None,
        ]));
        assert_eq!(
            cell_text(&t, 0, KqlType::DateTime),
            "2025-06-01T10:00:00.0000000Z"
        );
        assert_eq!(cell_text(&t, 1, KqlType::DateTime), "");

        let d = arr(DurationNanosecondArray::from(vec![90 * SEC]));
        assert_eq!(cell_text(&d, 0, KqlType::TimeSpan), "00:01:30");

        let s = arr(StringArray::from(vec![
            Some("a,b"),
            None,
            Some(r#"{"a":[1,2]}"#),
        ]));
        assert_eq!(cell_text(&s, 0, KqlType::String), "a,b");
        assert_eq!(cell_text(&s, 1, KqlType::String), "");
        assert_eq!(cell_text(&s, 2, KqlType::Dynamic), r#"{"a":[1,2]}"#);
        assert_eq!(cell_text(&s, 1, KqlType::Dynamic), "");
    }

    #[test]
    fn cell_text_reads_other_time_layouts() {
        let t = arr(TimestampMillisecondArray::from(vec![1_748_772_000_250]).with_timezone("UTC"));
        assert_eq!(
            cell_text(&t, 0, KqlType::DateTime),
            "2025-06-01T10:00:00.2500000Z"
        );
        let raw = arr(Int64Array::from(vec![1_748_772_000 * SEC, 3600 * SEC]));
        assert_eq!(
            cell_text(&raw, 0, KqlType::DateTime),
            "2025-06-01T10:00:00.0000000Z"
        );
        assert_eq!(cell_text(&raw, 1, KqlType::TimeSpan), "01:00:00");
    }

    #[test]
    fn cell_json_by_type() {
        let b = arr(BooleanArray::from(vec![Some(true), None]));
        assert_eq!(cell_json(&b, 0, KqlType::Bool), json!(true));
        assert_eq!(cell_json(&b, 1, KqlType::Bool), Value::Null);

        let l = arr(Int64Array::from(vec![Some(42), None]));
        assert_eq!(cell_json(&l, 0, KqlType::Long), json!(42));
        assert_eq!(cell_json(&l, 1, KqlType::Long), Value::Null);

        let r = arr(arrow::array::Float64Array::from(vec![
            2.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ]));
        assert_eq!(cell_json(&r, 0, KqlType::Real), json!(2.5));
        assert_eq!(cell_json(&r, 1, KqlType::Real), json!("NaN"));
        assert_eq!(cell_json(&r, 2, KqlType::Real), json!("Infinity"));
        assert_eq!(cell_json(&r, 3, KqlType::Real), json!("-Infinity"));

        let t = arr(TimestampNanosecondArray::from(vec![1_748_772_000 * SEC]));
        assert_eq!(
            cell_json(&t, 0, KqlType::DateTime),
            json!("2025-06-01T10:00:00.0000000Z")
        );
        let d = arr(DurationNanosecondArray::from(vec![-30 * 60 * SEC]));
        assert_eq!(cell_json(&d, 0, KqlType::TimeSpan), json!("-00:30:00"));

        let s = arr(StringArray::from(vec![
            Some(r#"{"a":[1,2]}"#),
            Some("\"x\""),
            Some("not json"),
            None,
        ]));
        assert_eq!(cell_json(&s, 0, KqlType::Dynamic), json!({"a": [1, 2]}));
        assert_eq!(cell_json(&s, 1, KqlType::Dynamic), json!("x"));
        assert_eq!(cell_json(&s, 2, KqlType::Dynamic), json!("not json"));
        assert_eq!(cell_json(&s, 3, KqlType::Dynamic), Value::Null);
        assert_eq!(cell_json(&s, 0, KqlType::String), json!(r#"{"a":[1,2]}"#));
        assert_eq!(cell_json(&s, 0, KqlType::Guid), json!(r#"{"a":[1,2]}"#));
    }

    #[test]
    fn unknown_layout_falls_back_to_arrow_display() {
        let a = arr(arrow::array::Decimal128Array::from(vec![12345])
            .with_precision_and_scale(10, 2)
            .unwrap());
        assert_eq!(cell_text(&a, 0, KqlType::Real), "123.45");
        assert_eq!(cell_json(&a, 0, KqlType::Real), json!("123.45"));
    }
}
