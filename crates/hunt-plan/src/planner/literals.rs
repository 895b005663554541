//! Reading literal text: `datetime(…)`, `timespan(…)`, `1.5h`, `guid(…)`, `dynamic(…)`.

use crate::expr::Scalar;
use crate::types::KqlType;
use chrono::{NaiveDate, NaiveDateTime};

/// Nanoseconds per KQL tick (100 ns).
pub const NS_PER_TICK: i64 = 100;

/// Nanoseconds in one unit of a timespan suffix (`d`, `h`, `ms`, `tick`, …).
pub fn timespan_unit_ns(unit: &str) -> Option<i64> {
    Some(match unit {
        "d" | "day" | "days" => 86_400_000_000_000,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000_000_000,
        "m" | "min" | "minute" | "minutes" => 60_000_000_000,
        "s" | "sec" | "second" | "seconds" => 1_000_000_000,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1_000_000,
        "microsecond" | "microseconds" => 1_000,
        "tick" | "ticks" => NS_PER_TICK,
        _ => return None,
    })
}

/// `value` × `unit` in nanoseconds, rounded to whole ticks as Kusto stores them.
pub fn timespan_from_parts(value: &str, unit: &str) -> Option<i64> {
    let per = timespan_unit_ns(unit)?;
    if let Ok(v) = value.parse::<i64>() {
        return v.checked_mul(per);
    }
    let v: f64 = value.parse().ok()?;
    let ns = v * per as f64;
    if !ns.is_finite() || ns.abs() > i64::MAX as f64 {
        return None;
    }
    Some(((ns / NS_PER_TICK as f64).round() as i64) * NS_PER_TICK)
}

/// Parses the text of `timespan(…)`: `1.02:03:04.5`, `02:03:04`, `02:03`, `1d`, `1.5h`, or a bare
/// number of days.
pub fn parse_timespan_text(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let ns = if t.contains(':') {
        let (days, clock) = match t.split_once('.') {
            Some((d, rest)) if rest.contains(':') && d.chars().all(|c| c.is_ascii_digit()) => {
                (d.parse::<i64>().ok()?, rest)
            }
            _ => (0, t),
        };
        let parts: Vec<&str> = clock.split(':').collect();
        let (h, m, s) = match parts.as_slice() {
            [h, m] => (*h, *m, "0"),
            [h, m, s] => (*h, *m, *s),
            _ => return None,
        };
        let h: i64 = h.parse().ok()?;
        let m: i64 = m.parse().ok()?;
        let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
        let secs: i64 = secs.parse().ok()?;
        if frac.len() > 7 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let frac_ticks: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<7}").parse().ok()?
        };
        // Checked: text such as `99999999999:00:00` must give None, not overflow.
        days.checked_mul(24)?
            .checked_add(h)?
            .checked_mul(60)?
            .checked_add(m)?
            .checked_mul(60_000_000_000)?
            .checked_add(secs.checked_mul(1_000_000_000)?)?
            .checked_add(frac_ticks * NS_PER_TICK)?
    } else {
        let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        if unit.is_empty() {
            timespan_from_parts(num, "d")?
        } else {
            timespan_from_parts(num, unit)?
        }
    };
    if neg { ns.checked_neg() } else { Some(ns) }
}

/// Parses the text of `datetime(…)` to nanoseconds since the epoch (UTC), truncated to ticks.
///
/// Accepts ISO-8601 forms with `T` or a space, optional seconds, up to 7 fractional digits and
/// an optional `Z`, and a bare date.
pub fn parse_datetime_text(text: &str) -> Option<i64> {
    parse_iso_datetime(text).or_else(|| parse_other_datetime(text))
}

/// The other forms Kusto's `todatetime` reads: US dates (`02/17/2016 08:40:01`, as in the
/// `parse` operator's doc example, or with `-`: `12-02-2022`) and RFC 822/2822 (`Sat, 8 Nov 2014 15:05:02 GMT`).
fn parse_other_datetime(text: &str) -> Option<i64> {
    let t = text.trim();
    for f in [
        "%m/%d/%Y %H:%M:%S%.f",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
        "%m-%d-%Y %H:%M:%S%.f",
        "%m-%d-%Y %H:%M:%S",
        "%m-%d-%Y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return d
                .and_utc()
                .timestamp_nanos_opt()
                .map(|ns| ns - ns % NS_PER_TICK);
        }
    }
    // .NET's invariant culture reads `-` as a date separator too (`12-02-2022` is the
    // todatetime page's example, equal to `datetime('12-02-2022')`).
    for f in ["%m/%d/%Y", "%m-%d-%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_nanos_opt();
        }
    }
    let rfc = t.replace(" GMT", " +0000").replace(" UTC", " +0000");
    chrono::DateTime::parse_from_rfc2822(&rfc)
        .ok()?
        .timestamp_nanos_opt()
}

fn parse_iso_datetime(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('Z').trim_end_matches('z');
    let t = t.replace('T', " ");
    let t = t.trim();
    let naive = if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        d.and_hms_opt(0, 0, 0)?
    } else {
        // Split the fraction ourselves: chrono's %f accepts up to 9 digits, Kusto up to 7.
        let (main, frac) = match t.rsplit_once('.') {
            Some((m, f)) if m.contains(':') => (m, f),
            _ => (t, ""),
        };
        let base = NaiveDateTime::parse_from_str(main, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(main, "%Y-%m-%d %H:%M"))
            .ok()?;
        if frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let nanos: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<9}").parse().ok()?
        };
        base.checked_add_signed(chrono::Duration::nanoseconds(nanos - nanos % NS_PER_TICK))?
    };
    naive.and_utc().timestamp_nanos_opt()
}

/// Normalizes guid text (`8-4-4-4-12` hex, optionally in braces) to lower case.
pub fn parse_guid_text(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches('{').trim_end_matches('}');
    let groups: Vec<&str> = t.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    if groups.len() != 5
        || groups
            .iter()
            .zip(lens)
            .any(|(g, n)| g.len() != n || !g.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return None;
    }
    Some(t.to_ascii_lowercase())
}

/// `datetime(2025, 6, 14)`: year, month and day separated by commas, the form the Kusto
/// docs' `startofweek` and `endofweek` examples write (midnight of that day).
fn comma_date(t: &str) -> Option<i64> {
    let parts: Vec<&str> = t.split(',').map(str::trim).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_nanos_opt()
}

/// The value of a typed literal `ty(text)`, or `None` when the text does not fit the type.
/// `Err` carries an unsupported type name.
pub fn typed_literal(ty: &str, text: &str) -> Result<Option<Scalar>, String> {
    let kql = match ty {
        "decimal" => return Err("the decimal type".into()),
        other => KqlType::from_name(other).ok_or_else(|| format!("type `{other}`"))?,
    };
    let t = text.trim();
    // Kusto reads `datetime("2015-12-14")` as `datetime(2015-12-14)`: the interior of a
    // datetime, timespan or guid literal that is a string literal is its value
    // (`Destringify` in Kusto.Language's SyntaxToken.cs).
    let t = match kql {
        KqlType::DateTime | KqlType::TimeSpan | KqlType::Guid => destringify(t),
        _ => t,
    };
    if t == "null" && kql != KqlType::Dynamic {
        return Ok(Some(Scalar::Null(kql)));
    }
    Ok(match kql {
        KqlType::Bool => match t.to_ascii_lowercase().as_str() {
            "true" | "1" => Some(Scalar::Bool(true)),
            "false" | "0" => Some(Scalar::Bool(false)),
            _ => None,
        },
        KqlType::Int => t.parse::<i32>().ok().map(Scalar::Int),
        KqlType::Long => t.parse::<i64>().ok().map(Scalar::Long),
        KqlType::Real => match t.to_ascii_lowercase().as_str() {
            "nan" => Some(Scalar::Real(f64::NAN)),
            "inf" | "+inf" => Some(Scalar::Real(f64::INFINITY)),
            "-inf" => Some(Scalar::Real(f64::NEG_INFINITY)),
            s => s.parse::<f64>().ok().map(Scalar::Real),
        },
        KqlType::String => None,
        KqlType::DateTime => parse_datetime_text(t)
            .or_else(|| comma_date(t))
            .map(Scalar::DateTime),
        KqlType::TimeSpan => parse_timespan_text(t).map(Scalar::TimeSpan),
        KqlType::Guid => parse_guid_text(t).map(Scalar::Guid),
        KqlType::Dynamic => dynamic_text_to_json(t)
            .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
            .map(Scalar::Dynamic),
    })
}

/// The value of `t` when it is a plain quoted string (`'x'` or `"x"`, without escapes or
/// its own quote inside); `t` otherwise. Strings with escapes stay as they are, so such a
/// literal is refused as invalid rather than read by guess.
fn destringify(t: &str) -> &str {
    let b = t.as_bytes();
    if b.len() >= 2 && (b[0] == b'\'' || b[0] == b'"') && b[b.len() - 1] == b[0] {
        let inner = &t[1..t.len() - 1];
        if !inner.contains(['\\', t.chars().next().unwrap_or('"')]) {
            return inner.trim();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespans_follow_kusto_units() {
        assert_eq!(timespan_from_parts("1", "d"), Some(86_400_000_000_000));
        assert_eq!(timespan_from_parts("1.5", "h"), Some(5_400_000_000_000));
        assert_eq!(timespan_from_parts("100", "ms"), Some(100_000_000));
        assert_eq!(timespan_from_parts("1", "tick"), Some(100));
        assert_eq!(
            parse_timespan_text("1.02:03:04.5"),
            Some(((26 * 60 + 3) * 60 + 4) * 1_000_000_000 + 500_000_000)
        );
        assert_eq!(parse_timespan_text("00:30"), Some(30 * 60_000_000_000));
        assert_eq!(parse_timespan_text("-00:00:01"), Some(-1_000_000_000));
        assert_eq!(parse_timespan_text("2"), Some(2 * 86_400_000_000_000));
    }

    #[test]
    fn datetimes_parse_iso_forms() {
        // 2025-06-01T00:00:00Z is 1748736000 s after the epoch.
        let base = 1_748_736_000_000_000_000i64;
        assert_eq!(parse_datetime_text("2025-06-01"), Some(base));
        assert_eq!(
            parse_datetime_text("2025-06-01T10:00:00Z"),
            Some(base + 36_000_000_000_000)
        );
        assert_eq!(
            parse_datetime_text("2025-06-01 10:00"),
            Some(base + 36_000_000_000_000)
        );
        assert_eq!(
            parse_datetime_text("2025-06-01 00:00:00.1234567"),
            Some(base + 123_456_700)
        );
        assert_eq!(parse_datetime_text("2025-13-01"), None);
    }

    #[test]
    fn guids_normalize() {
        assert_eq!(
            parse_guid_text("74BE27DE-1E4E-49D9-B579-FE0B331D3642").as_deref(),
            Some("74be27de-1e4e-49d9-b579-fe0b331d3642")
        );
        assert_eq!(parse_guid_text("nope"), None);
    }
}

/// KQL dynamic literals are JSON written with KQL's lexical forms: `//` comments, line
/// breaks and other Unicode spaces (a non-breaking space pasted from a web page) between
/// tokens, and KQL string literals — single- or double-quoted with escapes, verbatim
/// `@"…"` (a doubled quote stands for one), obfuscated `h"…"`/`H@'…'`; a nested
/// `dynamic(…)` (the dynamic-to-json docs' example) is its content. Rewrites the text as
/// JSON. `None` on an unterminated string.
fn dynamic_text_to_json(t: &str) -> Option<String> {
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    // `dynamic(…)` written inside a dynamic literal stands for its content; JSON has no
    // parentheses, so each `)` closes one of them.
    let mut nested = 0usize;
    while let Some(c) = chars.next() {
        match c {
            'd' if {
                let ahead: String = chars.clone().take(6).collect();
                ahead == "ynamic" && chars.clone().skip(6).find(|x| !x.is_whitespace()) == Some('(')
            } =>
            {
                for x in chars.by_ref() {
                    if x == '(' {
                        break;
                    }
                }
                nested += 1;
            }
            ')' if nested > 0 => nested -= 1,
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
                out.push(' ');
            }
            'h' | 'H' if matches!(chars.peek(), Some('"' | '\'' | '@')) => {}
            '@' if matches!(chars.peek(), Some('"' | '\'')) => {
                let q = chars.next()?;
                let mut text = String::new();
                loop {
                    let d = chars.next()?;
                    if d == q {
                        if chars.peek() == Some(&q) {
                            chars.next();
                            text.push(q);
                            continue;
                        }
                        break;
                    }
                    text.push(d);
                }
                out.push_str(&serde_json::Value::String(text).to_string());
            }
            '"' => {
                out.push('"');
                loop {
                    match chars.next()? {
                        '\\' => match chars.next()? {
                            '\'' => out.push('\''),
                            other => {
                                out.push('\\');
                                out.push(other);
                            }
                        },
                        '"' => break,
                        other => out.push(other),
                    }
                }
                out.push('"');
            }
            '\'' => {
                out.push('"');
                loop {
                    match chars.next()? {
                        '\\' => match chars.next()? {
                            '\'' => out.push('\''),
                            other => {
                                out.push('\\');
                                out.push(other);
                            }
                        },
                        '\'' => break,
                        '"' => out.push_str("\\\""),
                        other => out.push(other),
                    }
                }
                out.push('"');
            }
            c if c.is_whitespace() => out.push(' '),
            other => out.push(other),
        }
    }
    Some(out)
}
