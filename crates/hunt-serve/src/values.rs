//! Results as the APIs write them: column type names per protocol, rows as JSON arrays or
//! objects, and the timespan/datetime texts clients send in request properties.
//!
//! Cell values come from [`hunt::format::cell_json`], the same function the CLI's `json`
//! output uses, so every API shows a value as the CLI does.

use hunt::format::cell_json;
use hunt::{KqlType, QueryResult};
use serde_json::{Map, Value};

/// The KQL type name Kusto v2 frames and `.show … schema` use (`ColumnType`).
pub fn kusto_type(ty: KqlType) -> &'static str {
    ty.name()
}

pub use hunt::format::dotnet_type;

/// The .NET type name Kusto's `.show table … schema as json` uses (`System.String`).
pub fn cslschema_type(ty: KqlType) -> &'static str {
    match ty {
        KqlType::Bool => "System.SByte",
        KqlType::Int => "System.Int32",
        KqlType::Long => "System.Int64",
        KqlType::Real => "System.Double",
        KqlType::String => "System.String",
        KqlType::DateTime => "System.DateTime",
        KqlType::TimeSpan => "System.TimeSpan",
        KqlType::Guid => "System.Guid",
        KqlType::Dynamic => "System.Object",
    }
}

/// The first `limit` rows (all with `None`), each as an array of JSON cells in column order.
pub fn rows_as_arrays(result: &QueryResult, limit: Option<usize>) -> Vec<Value> {
    let mut rows = Vec::new();
    for batch in &result.batches {
        for row in 0..batch.num_rows() {
            if limit.is_some_and(|n| rows.len() >= n) {
                return rows;
            }
            let cells = result
                .schema
                .fields
                .iter()
                .zip(batch.columns())
                .map(|(f, col)| cell_json(col, row, f.ty))
                .collect();
            rows.push(Value::Array(cells));
        }
    }
    rows
}

/// Every row as a JSON object keyed by column name (Graph's `results`).
pub fn rows_as_objects(result: &QueryResult) -> Vec<Value> {
    let mut rows = Vec::new();
    for batch in &result.batches {
        for row in 0..batch.num_rows() {
            let obj: Map<String, Value> = result
                .schema
                .fields
                .iter()
                .zip(batch.columns())
                .map(|(f, col)| (f.name.clone(), cell_json(col, row, f.ty)))
                .collect();
            rows.push(Value::Object(obj));
        }
    }
    rows
}

/// Every value of column `name` as text (`""` for null), or `None` if there is no such column.
pub fn column_strings(result: &QueryResult, name: &str) -> Option<Vec<String>> {
    let idx = result.schema.index_of(name)?;
    let ty = result.schema.fields[idx].ty;
    let mut out = Vec::with_capacity(result.num_rows());
    for batch in &result.batches {
        let col = batch.column(idx);
        for row in 0..batch.num_rows() {
            out.push(hunt::format::cell_text(col, row, ty));
        }
    }
    Some(out)
}

/// Parses a timespan as clients send it: .NET's `[-][d.]hh:mm:ss[.fffffff]` (Kusto's own
/// form), Python's `str(timedelta)` (`0:04:00`, `1 day, 0:00:00`), or a KQL literal such as
/// `30s`, `5m`, `1h`, `2d`, `100ms`. Returns nanoseconds.
pub fn parse_timespan(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let ns = if t.contains(':') {
        let (days, clock) = if let Some((d, rest)) = t.split_once(" day") {
            // Python: `1 day, 0:00:00` / `2 days, 0:00:00`.
            let rest = rest.trim_start_matches('s').trim_start_matches(',').trim();
            (d.trim().parse::<i64>().ok()?, rest)
        } else {
            match t.split_once('.') {
                Some((d, rest)) if rest.contains(':') && !d.contains(':') => {
                    (d.parse::<i64>().ok()?, rest)
                }
                _ => (0, t),
            }
        };
        let mut parts = clock.split(':');
        let h: i64 = parts.next()?.parse().ok()?;
        let m: i64 = parts.next()?.parse().ok()?;
        let s_text = parts.next()?;
        if parts.next().is_some() || m >= 60 {
            return None;
        }
        let (s, frac) = match s_text.split_once('.') {
            Some((s, f)) => (s, f),
            None => (s_text, ""),
        };
        let s: i64 = s.parse().ok()?;
        if s >= 60 || frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let frac_ns: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<9}").parse().ok()?
        };
        ((days * 24 + h) * 60 + m)
            .checked_mul(60)?
            .checked_add(s)?
            .checked_mul(1_000_000_000)?
            .checked_add(frac_ns)?
    } else {
        let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (num, unit) = t.split_at(split);
        let n: f64 = num.parse().ok()?;
        let scale = match unit {
            "d" | "day" | "days" => 86_400e9,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600e9,
            "m" | "min" | "minute" | "minutes" => 60e9,
            "s" | "sec" | "second" | "seconds" => 1e9,
            "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1e6,
            _ => return None,
        };
        let v = n * scale;
        if !v.is_finite() || v > i64::MAX as f64 {
            return None;
        }
        v as i64
    };
    Some(if neg { -ns } else { ns })
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn timespans_in_every_client_form() {
        assert_eq!(parse_timespan("00:04:00"), Some(240 * S));
        assert_eq!(parse_timespan("0:00:05"), Some(5 * S));
        assert_eq!(parse_timespan("1.02:03:04.5"), Some(93_784 * S + S / 2));
        assert_eq!(parse_timespan("1 day, 0:00:01"), Some(86_401 * S));
        assert_eq!(
            parse_timespan("2 days, 1:00:00"),
            Some(2 * 86_400 * S + 3_600 * S)
        );
        assert_eq!(parse_timespan("0:00:00.250000"), Some(S / 4));
        assert_eq!(parse_timespan("30s"), Some(30 * S));
        assert_eq!(parse_timespan("100ms"), Some(S / 10));
        assert_eq!(parse_timespan("1h"), Some(3_600 * S));
        assert_eq!(parse_timespan("-00:00:01"), Some(-S));
        for bad in [
            "",
            "soon",
            "1:2",
            "00:61:00",
            "00:00:61",
            "5 fortnights",
            "1e400s",
        ] {
            assert_eq!(parse_timespan(bad), None, "{bad}");
        }
    }
}
