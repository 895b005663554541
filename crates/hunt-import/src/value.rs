//! Turning one exported value (JSON or CSV text) into a typed cell of its KQL column.
//!
//! Exports spell values loosely: the streaming API sends `dynamic` columns as JSON text inside
//! a string, CSV has only text, datetimes come with 0 to 9 fraction digits and with or
//! without a zone. Every form is read here, once, into [`Cell`]; datetimes become UTC
//! nanoseconds truncated to Kusto's 100 ns tick.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use hunt_plan::types::KqlType;
use serde_json::Value;

/// One typed value. `datetime` and `timespan` are nanoseconds; `string`, `guid` and
/// `dynamic` (compact JSON text) are text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Null,
    /// `bool`.
    Bool(bool),
    /// `int`, `long`, `datetime`, `timespan`.
    Int(i64),
    /// `real`.
    Real(f64),
    /// `string`, `guid`, `dynamic`.
    Text(Box<str>),
}

impl Cell {
    /// Rough heap and inline size, for the importer's memory budget.
    pub fn size(&self) -> usize {
        std::mem::size_of::<Cell>()
            + match self {
                Cell::Text(s) => s.len(),
                _ => 0,
            }
    }
}

const NANOS_PER_TICK: i64 = 100;

/// Converts `v` to a cell of type `ty`. `text_source` says the value came from a text-only
/// format (CSV), where an empty cell means null and a `dynamic` cell is JSON text whatever
/// it starts with.
pub fn convert(v: &Value, ty: KqlType, text_source: bool) -> Result<Cell, String> {
    if v.is_null() {
        return Ok(Cell::Null);
    }
    if let Value::String(s) = v
        && s.is_empty()
        && (text_source || !matches!(ty, KqlType::String))
    {
        return Ok(match ty {
            KqlType::String if text_source => Cell::Text("".into()),
            _ => Cell::Null,
        });
    }
    match ty {
        KqlType::String => Ok(Cell::Text(match v {
            Value::String(s) => s.as_str().into(),
            other => other.to_string().into(),
        })),
        KqlType::Guid => match v {
            Value::String(s) => Ok(Cell::Text(s.trim().to_ascii_lowercase().into())),
            other => Err(format!("expected a guid, found {other}")),
        },
        KqlType::Dynamic => Ok(Cell::Text(dynamic_text(v, text_source).into())),
        KqlType::Bool => match v {
            Value::Bool(b) => Ok(Cell::Bool(*b)),
            Value::Number(n) if n.as_i64() == Some(0) => Ok(Cell::Bool(false)),
            Value::Number(n) if n.as_i64() == Some(1) => Ok(Cell::Bool(true)),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Cell::Bool(true)),
                "false" | "0" => Ok(Cell::Bool(false)),
                _ => Err(format!("expected a bool, found {v}")),
            },
            _ => Err(format!("expected a bool, found {v}")),
        },
        KqlType::Int | KqlType::Long => {
            let n = integer(v).ok_or_else(|| format!("expected a {ty}, found {v}"))?;
            if ty == KqlType::Int && i32::try_from(n).is_err() {
                return Err(format!("{n} does not fit an int (32 bits)"));
            }
            Ok(Cell::Int(n))
        }
        KqlType::Real => real(v)
            .map(Cell::Real)
            .ok_or_else(|| format!("expected a real, found {v}")),
        KqlType::DateTime => match v {
            Value::String(s) => parse_datetime(s)
                .map(Cell::Int)
                .ok_or_else(|| format!("expected a datetime, found {v}")),
            _ => Err(format!("expected a datetime, found {v}")),
        },
        KqlType::TimeSpan => match v {
            Value::String(s) => parse_timespan(s)
                .map(Cell::Int)
                .ok_or_else(|| format!("expected a timespan such as 1.02:03:04.5, found {v}")),
            _ => Err(format!("expected a timespan, found {v}")),
        },
    }
}

/// The compact JSON text of a `dynamic` value. A string holding a JSON object or array (how
/// the streaming API and Graph send dynamic columns) is that object or array; from a text
/// format, any valid JSON text is its value, and other text is a JSON string.
fn dynamic_text(v: &Value, text_source: bool) -> String {
    if let Value::String(s) = v {
        let t = s.trim_start();
        if (text_source || t.starts_with('{') || t.starts_with('['))
            && let Ok(parsed) = serde_json::from_str::<Value>(s)
        {
            return parsed.to_string();
        }
    }
    v.to_string()
}

fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn real(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.trim() {
            "NaN" => Some(f64::NAN),
            "Infinity" | "+Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            t => t.parse().ok(),
        },
        _ => None,
    }
}

/// Parses a datetime as exports write it, into UTC nanoseconds truncated to 100 ns:
/// ISO-8601 with 0..9 fraction digits, `Z`, an offset or no zone (UTC), `T` or a space; a
/// date alone; and the portal's US forms `6/1/2025 10:00:00 AM` and `Jun 1, 2025 10:00:00 AM`.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let t = text.trim();
    let ns = |dt: NaiveDateTime| {
        dt.and_utc()
            .timestamp_nanos_opt()
            .map(|n| n - n.rem_euclid(NANOS_PER_TICK))
    };
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return ns(dt.naive_utc());
    }
    let naive = t.strip_suffix(['Z', 'z']).unwrap_or(t);
    const FORMATS: [&str; 8] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %I:%M:%S%.f %p",
        "%m/%d/%Y %H:%M:%S%.f",
        "%b %d, %Y %I:%M:%S%.f %p",
        "%b %d, %Y %H:%M:%S%.f",
    ];
    for f in FORMATS {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, f) {
            return ns(dt);
        }
    }
    for f in ["%Y-%m-%d", "%m/%d/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(naive, f) {
            return ns(d.and_time(chrono::NaiveTime::MIN));
        }
    }
    None
}

/// Parses a timespan in the .NET `c` form Kusto prints, `[-][d.]hh:mm:ss[.fffffff]`, into
/// nanoseconds (truncated to 100 ns).
pub fn parse_timespan(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let mut parts = t.split(':');
    let (first, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (days, h) = match first.split_once('.') {
        Some((d, h)) => (d.parse::<i64>().ok()?, h.parse::<i64>().ok()?),
        None => (0, first.parse::<i64>().ok()?),
    };
    let m: i64 = m.parse().ok()?;
    let (secs, frac) = match s.split_once('.') {
        Some((s, f)) => (s.parse::<i64>().ok()?, f),
        None => (s.parse::<i64>().ok()?, ""),
    };
    if h > 23 || m > 59 || secs > 59 || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut frac_ns: i64 = 0;
    for (i, b) in frac.bytes().enumerate() {
        frac_ns += i64::from(b - b'0') * 10i64.pow(8 - i as u32);
    }
    let total = ((days * 24 + h) * 60 + m)
        .checked_mul(60)?
        .checked_add(secs)?
        .checked_mul(1_000_000_000)?
        .checked_add(frac_ns - frac_ns % NANOS_PER_TICK)?;
    Some(if neg { -total } else { total })
}

/// The KQL type a Graph / legacy API schema entry names (`DateTime`, `Int64`, `Object`, ...).
pub fn type_from_api_name(name: &str) -> Option<KqlType> {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_prefix("system.").unwrap_or(&lower);
    Some(match lower {
        "object" | "dynamic" => KqlType::Dynamic,
        "sbyte" | "boolean" | "bool" => KqlType::Bool,
        "int32" | "int" => KqlType::Int,
        "int64" | "long" => KqlType::Long,
        "double" | "real" | "decimal" | "single" => KqlType::Real,
        "datetime" | "date" => KqlType::DateTime,
        "timespan" | "time" => KqlType::TimeSpan,
        "guid" => KqlType::Guid,
        "string" => KqlType::String,
        _ => return KqlType::from_name(lower),
    })
}

/// The type a sample value suggests, for tables with no known schema: `None` for a null or
/// an empty text. Text (from CSV or a JSON string) is a long, real, bool, datetime or JSON
/// object/array when it reads as one.
pub fn guess(v: &Value) -> Option<KqlType> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some(KqlType::Bool),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(KqlType::Long),
        Value::Number(_) => Some(KqlType::Real),
        Value::Array(_) | Value::Object(_) => Some(KqlType::Dynamic),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                None
            } else if t.parse::<i64>().is_ok() {
                Some(KqlType::Long)
            } else if t.parse::<f64>().is_ok() && t.bytes().any(|b| b.is_ascii_digit()) {
                Some(KqlType::Real)
            } else if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") {
                Some(KqlType::Bool)
            } else if t.len() >= 10 && t.as_bytes()[4] == b'-' && parse_datetime(t).is_some() {
                Some(KqlType::DateTime)
            } else if (t.starts_with('{') || t.starts_with('['))
                && serde_json::from_str::<Value>(t).is_ok()
            {
                Some(KqlType::Dynamic)
            } else {
                Some(KqlType::String)
            }
        }
    }
}

/// The type two guesses for one column settle on: equal types stay, long and real make
/// real, anything else is a string (a column of objects mixed with scalars is dynamic).
pub fn unify_guess(a: KqlType, b: KqlType) -> KqlType {
    use KqlType::*;
    match (a, b) {
        (x, y) if x == y => x,
        (Long, Real) | (Real, Long) => Real,
        (Dynamic, _) | (_, Dynamic) => Dynamic,
        _ => String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const T: i64 = 1_748_772_000_000_000_000; // 2025-06-01T10:00:00Z

    #[test]
    fn datetimes_in_export_forms() {
        assert_eq!(parse_datetime("2025-06-01T10:00:00Z"), Some(T));
        assert_eq!(
            parse_datetime("2025-06-01T10:00:00.123456789Z"),
            Some(T + 123_456_700)
        );
        assert_eq!(parse_datetime("2025-06-01T12:00:00+02:00"), Some(T));
        assert_eq!(
            parse_datetime("2025-06-01 10:00:00.5"),
            Some(T + 500_000_000)
        );
        assert_eq!(parse_datetime("6/1/2025 10:00:00 AM"), Some(T));
        assert_eq!(parse_datetime("Jun 1, 2025 10:00:00 AM"), Some(T));
        assert_eq!(parse_datetime("yesterday"), None);
    }

    #[test]
    fn timespans_in_dotnet_form() {
        assert_eq!(parse_timespan("00:00:01"), Some(1_000_000_000));
        assert_eq!(parse_timespan("1.02:03:04.5"), Some(93_784_500_000_000));
        assert_eq!(parse_timespan("-00:30:00"), Some(-1_800_000_000_000));
        assert_eq!(parse_timespan("25:00:00"), None);
    }

    #[test]
    fn dynamic_text_from_strings_and_values() {
        let d = |v: Value, text| convert(&v, KqlType::Dynamic, text).unwrap();
        assert_eq!(
            d(json!("{\"a\": 1}"), false),
            Cell::Text("{\"a\":1}".into())
        );
        assert_eq!(
            d(json!({"a": [1, 2]}), false),
            Cell::Text("{\"a\":[1,2]}".into())
        );
        assert_eq!(d(json!("plain"), false), Cell::Text("\"plain\"".into()));
        assert_eq!(d(json!("5"), true), Cell::Text("5".into()));
        assert_eq!(d(json!(""), true), Cell::Null);
    }

    #[test]
    fn scalars_and_refusals() {
        assert_eq!(convert(&json!("42"), KqlType::Int, true), Ok(Cell::Int(42)));
        assert!(convert(&json!(5_000_000_000i64), KqlType::Int, false).is_err());
        assert_eq!(
            convert(&json!("True"), KqlType::Bool, true),
            Ok(Cell::Bool(true))
        );
        assert_eq!(
            convert(&json!("ABC-D"), KqlType::Guid, false),
            Ok(Cell::Text("abc-d".into()))
        );
        assert!(convert(&json!("soon"), KqlType::DateTime, false).is_err());
        assert_eq!(convert(&json!(""), KqlType::Long, true), Ok(Cell::Null));
    }

    #[test]
    fn guesses() {
        assert_eq!(guess(&json!("12")), Some(KqlType::Long));
        assert_eq!(guess(&json!("1.5")), Some(KqlType::Real));
        assert_eq!(
            guess(&json!("2025-06-01T10:00:00Z")),
            Some(KqlType::DateTime)
        );
        assert_eq!(guess(&json!("[1]")), Some(KqlType::Dynamic));
        assert_eq!(guess(&json!("alice")), Some(KqlType::String));
        assert_eq!(unify_guess(KqlType::Long, KqlType::Real), KqlType::Real);
        assert_eq!(unify_guess(KqlType::Long, KqlType::String), KqlType::String);
    }
}
