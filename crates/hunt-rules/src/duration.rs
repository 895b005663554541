//! Durations as rule files write them: ISO 8601 (`PT1H`, `P14D`, `P1DT12H`), Sentinel's short
//! form (`1h`, `5m`, `14d`), Defender's schedule period (`12H`, `24H`, `0`), or a KQL timespan.

use hunt_plan::planner::literals::parse_timespan_text;

const NS_PER_SECOND: i64 = 1_000_000_000;
const NS_PER_HOUR: i64 = 3600 * NS_PER_SECOND;

/// Parses a duration to nanoseconds; `None` when it is none of the forms above.
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Some(iso) = t.strip_prefix(['P', 'p']) {
        return parse_iso(iso);
    }
    // `12H` (Defender) is KQL's `12h`; KQL's own units are lower-case.
    parse_timespan_text(&t.to_ascii_lowercase())
}

/// `nDTnHnMnS` after the `P` of an ISO 8601 duration (weeks too; no years or months, whose
/// length depends on the calendar).
fn parse_iso(rest: &str) -> Option<i64> {
    let (date, time) = match rest.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut total: i64 = 0;
    let mut any = false;
    for (part, units) in [
        (
            date,
            &[('W', 7 * 24 * NS_PER_HOUR), ('D', 24 * NS_PER_HOUR)][..],
        ),
        (
            time.unwrap_or(""),
            &[
                ('H', NS_PER_HOUR),
                ('M', 60 * NS_PER_SECOND),
                ('S', NS_PER_SECOND),
            ][..],
        ),
    ] {
        let mut num = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            let per = units
                .iter()
                .find(|(u, _)| u.eq_ignore_ascii_case(&c))
                .map(|(_, per)| *per)?;
            let v: f64 = num.parse().ok()?;
            total = total.checked_add((v * per as f64).round() as i64)?;
            num.clear();
            any = true;
        }
        if !num.is_empty() {
            return None;
        }
    }
    if time == Some("") || !any {
        return None;
    }
    Some(total)
}

/// How far back a Defender custom detection reads, from its schedule period (Defender XDR
/// docs, "Create custom detection rules", rule frequency): every 24 hours → the past 30 days,
/// 12 hours → 48 hours, 3 hours → 12 hours, 1 hour → 4 hours; continuous (`0`) → `None`.
pub fn defender_lookback(period_ns: i64) -> Option<i64> {
    match period_ns / NS_PER_HOUR {
        _ if period_ns <= 0 => None,
        24.. => Some(30 * 24 * NS_PER_HOUR),
        12.. => Some(48 * NS_PER_HOUR),
        3.. => Some(12 * NS_PER_HOUR),
        _ => Some(4 * NS_PER_HOUR),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_duration("PT1H"), Some(NS_PER_HOUR));
        assert_eq!(parse_duration("P14D"), Some(14 * 24 * NS_PER_HOUR));
        assert_eq!(parse_duration("P1DT12H"), Some(36 * NS_PER_HOUR));
        assert_eq!(parse_duration("PT5M"), Some(300 * NS_PER_SECOND));
        assert_eq!(parse_duration("1h"), Some(NS_PER_HOUR));
        assert_eq!(parse_duration("12H"), Some(12 * NS_PER_HOUR));
        assert_eq!(parse_duration("5m"), Some(300 * NS_PER_SECOND));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("P"), None);
        assert_eq!(parse_duration("PT"), None);
        assert_eq!(parse_duration("P1Y"), None);
        assert_eq!(parse_duration("soon"), None);
    }

    #[test]
    fn lookback() {
        assert_eq!(defender_lookback(12 * NS_PER_HOUR), Some(48 * NS_PER_HOUR));
        assert_eq!(defender_lookback(NS_PER_HOUR), Some(4 * NS_PER_HOUR));
        assert_eq!(defender_lookback(0), None);
    }
}
