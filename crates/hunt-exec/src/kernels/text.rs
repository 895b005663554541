//! Text forms of KQL values, as `tostring()` and Kusto's clients print them.

use chrono::DateTime;

/// ISO-8601 UTC with 7 fractional digits: `2025-06-01T10:00:00.0000000Z`.
///
/// ```
/// assert_eq!(hunt_exec::kernels::text::datetime_to_string(0), "1970-01-01T00:00:00.0000000Z");
/// ```
pub fn datetime_to_string(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let sub = ns.rem_euclid(1_000_000_000);
    match DateTime::from_timestamp(secs, 0) {
        Some(dt) => format!("{}.{:07}Z", dt.format("%Y-%m-%dT%H:%M:%S"), sub / 100),
        None => String::new(),
    }
}

/// Kusto's timespan form `[-][d.]hh:mm:ss[.fffffff]`.
///
/// ```
/// use hunt_exec::kernels::text::timespan_to_string;
/// assert_eq!(timespan_to_string(86_400_000_000_000), "1.00:00:00");
/// assert_eq!(timespan_to_string(-1_500_000_000), "-00:00:01.5000000");
/// ```
pub fn timespan_to_string(ns: i64) -> String {
    let neg = ns < 0;
    let ticks = (ns / 100).unsigned_abs();
    let frac = ticks % 10_000_000;
    let total_secs = ticks / 10_000_000;
    let (d, h, m, s) = (
        total_secs / 86_400,
        (total_secs / 3600) % 24,
        (total_secs / 60) % 60,
        total_secs % 60,
    );
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if d > 0 {
        out.push_str(&format!("{d}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac > 0 {
        out.push_str(&format!(".{frac:07}"));
    }
    out
}

/// A real as `tostring()` gives it: shortest round-trip digits with `.0` on whole numbers
/// (`tostring(1.0)` is `1.0` in Kusto), `NaN`, `Infinity`, `-Infinity`.
///
/// `None` where hunt cannot know Kusto's text: Kusto prints a real with 15 significant
/// digits when that round-trips and otherwise with 17 digits whose last one is not the
/// correctly rounded digit (`tostring(0.1+0.2)` is `0.30000000000000007` in Kusto), and it
/// switches to exponent notation outside `1e-4 ≤ |x| < 1e15`.
///
/// ```
/// use hunt_exec::kernels::text::real_to_string;
/// assert_eq!(real_to_string(15.0).as_deref(), Some("15.0"));
/// assert_eq!(real_to_string(2.5).as_deref(), Some("2.5"));
/// assert_eq!(real_to_string(f64::NEG_INFINITY).as_deref(), Some("-Infinity"));
/// assert_eq!(real_to_string(0.1 + 0.2), None);
/// ```
pub fn real_to_string(v: f64) -> Option<String> {
    if v.is_nan() {
        return Some("NaN".into());
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { "Infinity" } else { "-Infinity" }.into());
    }
    if v != 0.0 && !(1e-4..1e15).contains(&v.abs()) {
        return None;
    }
    // `{:e}` gives the shortest round-trip mantissa, e.g. `3.0000000000000004e-1`.
    let sci = format!("{v:e}");
    let mantissa = sci.split('e').next().unwrap_or("");
    if mantissa.chars().filter(char::is_ascii_digit).count() > 15 {
        return None;
    }
    let s = format!("{v}");
    Some(if s.contains('.') { s } else { format!("{s}.0") })
}

/// `tostring()` of a dynamic value stored as JSON text: a JSON string gives its
/// contents, anything else its compact JSON.
pub fn dynamic_to_string(json: &str) -> String {
    match super::json_text::tostring_text(json, &mut Vec::new()) {
        Some(s) => s.to_string(),
        None => dynamic_to_string_parsed(json),
    }
}

/// [`dynamic_to_string`] by parsing the text (the reference the fast path is tested
/// against).
pub fn dynamic_to_string_parsed(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(_) => json.to_string(),
    }
}
