//! Calendar arithmetic on datetimes (nanoseconds since the Unix epoch, UTC, 100 ns ticks)
//! as Kusto's datetime functions do it: `startofmonth`, `datetime_add`, `datetime_diff`,
//! `format_datetime`, … Results Kusto gives as null (an invalid date, a year past 9999) are
//! `Ok(None)`; results Kusto can hold but hunt cannot (nanosecond timestamps end in the
//! years 1677 and 2262) are [`OutOfRange`], which the callers report as an error rather
//! than a wrong null.
//! <https://learn.microsoft.com/kusto/query/datetime-timespan-arithmetic>

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike};
use hunt_plan::library::datetime::{DatePart, FormatItem, Period};

/// Nanoseconds in a tick, the unit Kusto stores times in.
pub const TICK: i64 = 100;
/// Nanoseconds in a second.
pub const SECOND: i64 = 1_000_000_000;
/// Nanoseconds in a day.
pub const DAY: i64 = 86_400 * SECOND;

fn civil(ns: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(ns.div_euclid(SECOND), ns.rem_euclid(SECOND) as u32)
        .map(|d| d.naive_utc())
}

/// A result hunt cannot represent although Kusto can (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange;

/// A datetime result: a value, Kusto's null, or out of hunt's range.
pub type Cal = Result<Option<i64>, OutOfRange>;

/// Kusto's first and last datetimes, 0001-01-01 and 9999-12-31 23:59:59.9999999, in
/// nanoseconds since the Unix epoch.
const KUSTO_MIN: i128 = -62_135_596_800 * SECOND as i128;
const KUSTO_MAX: i128 = 253_402_300_800 * SECOND as i128 - TICK as i128;

/// `ns` as a datetime: null outside Kusto's range, out of range outside hunt's.
pub fn fit(ns: i128) -> Cal {
    if !(KUSTO_MIN..=KUSTO_MAX).contains(&ns) {
        return Ok(None);
    }
    i64::try_from(ns).map(Some).map_err(|_| OutOfRange)
}

fn ns128(d: NaiveDateTime) -> i128 {
    let u = d.and_utc();
    u.timestamp() as i128 * SECOND as i128 + u.timestamp_subsec_nanos() as i128
}

fn from_civil(d: NaiveDateTime) -> Cal {
    fit(ns128(d))
}

fn from_date(d: NaiveDate) -> Cal {
    match d.and_hms_opt(0, 0, 0) {
        Some(t) => from_civil(t),
        None => Ok(None),
    }
}

/// Days since the epoch (floor).
fn day_index(ns: i64) -> i64 {
    ns.div_euclid(DAY)
}

/// 0 for Sunday … 6 for Saturday (1970-01-01 was a Thursday).
fn weekday(ns: i64) -> i64 {
    (day_index(ns) + 4).rem_euclid(7)
}

/// The first day of the month `offset` months after the one of `ns`.
fn month_start(ns: i64, offset: i64) -> Option<NaiveDate> {
    let d = civil(ns)?;
    let total = d.year() as i64 * 12 + d.month0() as i64 + offset;
    let y = i32::try_from(total.div_euclid(12)).ok()?;
    NaiveDate::from_ymd_opt(y, total.rem_euclid(12) as u32 + 1, 1)
}

/// `startofday`, `startofweek` (Sunday), `startofmonth`, `startofyear`, with an offset in
/// those units.
///
/// ```
/// use hunt_exec::kernels::calendar::{start_of, DAY};
/// use hunt_plan::library::datetime::Period;
/// // 2020-06-15 (a Monday) 13:45 → week starting Sunday 2020-06-14.
/// let t = 18_428 * DAY + 49_500_000_000_000;
/// assert_eq!(start_of(Period::Week, t, 0), Ok(Some(18_427 * DAY)));
/// ```
pub fn start_of(unit: Period, ns: i64, offset: i64) -> Cal {
    let day = DAY as i128;
    match unit {
        Period::Day => fit((day_index(ns) as i128 + offset as i128) * day),
        Period::Week => {
            fit((day_index(ns) as i128 - weekday(ns) as i128 + 7 * offset as i128) * day)
        }
        Period::Month => match month_start(ns, offset) {
            Some(d) => from_date(d),
            None => Ok(None),
        },
        Period::Year => {
            let y = civil(ns).map(|d| d.year() as i64 + offset);
            match y
                .and_then(|y| i32::try_from(y).ok())
                .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            {
                Some(d) => from_date(d),
                None => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// `endofday` … `endofyear`: the last tick of the period.
pub fn end_of(unit: Period, ns: i64, offset: i64) -> Cal {
    // The start of the next period, less one tick, computed without leaving i128.
    let next = match unit {
        Period::Day | Period::Week => {
            let per = if unit == Period::Day { 1 } else { 7 };
            let first = (day_index(ns) as i128
                - if unit == Period::Week {
                    weekday(ns) as i128
                } else {
                    0
                }
                + per * (offset as i128 + 1))
                * DAY as i128;
            Some(first)
        }
        Period::Month => month_start(ns, offset.saturating_add(1))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(ns128),
        Period::Year => civil(ns)
            .and_then(|d| i32::try_from(d.year() as i64 + offset.saturating_add(1)).ok())
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(ns128),
        _ => None,
    };
    match next {
        Some(n) => fit(n - TICK as i128),
        None => Ok(None),
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    match (next, NaiveDate::from_ymd_opt(y, m, 1)) {
        (Some(n), Some(f)) => (n - f).num_days() as u32,
        _ => 31,
    }
}

/// Adds calendar months, clamping the day to the new month's length (Jan 31 + 1 month is
/// Feb 29 in a leap year), keeping the time of day.
fn add_months(ns: i64, months: i64) -> Cal {
    let Some(d) = civil(ns) else { return Ok(None) };
    let Some(total) = (d.year() as i64 * 12 + d.month0() as i64).checked_add(months) else {
        return Ok(None);
    };
    let Ok(y) = i32::try_from(total.div_euclid(12)) else {
        return Ok(None);
    };
    let m = total.rem_euclid(12) as u32 + 1;
    let day = d.day().min(days_in_month(y, m));
    match NaiveDate::from_ymd_opt(y, m, day) {
        Some(date) => from_civil(date.and_time(d.time())),
        None => Ok(None),
    }
}

/// Nanoseconds in one fixed-length period (`week` and shorter).
fn fixed_ns(p: Period) -> Option<i64> {
    Some(match p {
        Period::Week => 7 * DAY,
        Period::Day => DAY,
        Period::Hour => 3_600 * SECOND,
        Period::Minute => 60 * SECOND,
        Period::Second => SECOND,
        Period::Millisecond => 1_000_000,
        Period::Microsecond => 1_000,
        Period::Nanosecond => 1,
        _ => return None,
    })
}

/// `datetime_add(period, n, dt)`.
pub fn add(p: Period, n: i64, ns: i64) -> Cal {
    match p {
        Period::Year => add_months(ns, n.saturating_mul(12)),
        Period::Quarter => add_months(ns, n.saturating_mul(3)),
        Period::Month => add_months(ns, n),
        // Kusto keeps 100 ns ticks: whole ticks of a nanosecond count are added.
        Period::Nanosecond => fit(ns as i128 + (n / TICK * TICK) as i128),
        _ => match fixed_ns(p) {
            Some(u) => fit(ns as i128 + n as i128 * u as i128),
            None => Ok(None),
        },
    }
}

/// `datetime_diff(period, a, b)`: how many period boundaries lie between `b` and `a`
/// (`a - b` in calendar units: 2020-12-31 minus 2021-01-01 is -1 year).
pub fn diff(p: Period, a: i64, b: i64) -> Option<i64> {
    let months = |ns: i64| civil(ns).map(|d| d.year() as i64 * 12 + d.month0() as i64);
    Some(match p {
        Period::Year => civil(a)?.year() as i64 - civil(b)?.year() as i64,
        Period::Quarter => months(a)?.div_euclid(3) - months(b)?.div_euclid(3),
        Period::Month => months(a)? - months(b)?,
        // Weeks start on Sunday, as in startofweek().
        Period::Week => {
            let sunday = |ns: i64| day_index(ns) - weekday(ns);
            (sunday(a) - sunday(b)) / 7
        }
        Period::Nanosecond => a.checked_sub(b)?,
        _ => {
            let u = fixed_ns(p)?;
            a.div_euclid(u) - b.div_euclid(u)
        }
    })
}

/// `datetime_part(part, dt)`.
pub fn part(p: DatePart, ns: i64) -> Option<i64> {
    let d = civil(ns)?;
    let sub = ns.rem_euclid(SECOND);
    Some(match p {
        DatePart::WeekOfYear => d.iso_week().week() as i64,
        DatePart::DayOfYear => d.ordinal() as i64,
        DatePart::Period(p) => match p {
            Period::Year => d.year() as i64,
            Period::Quarter => d.month0() as i64 / 3 + 1,
            Period::Month => d.month() as i64,
            Period::Day => d.day() as i64,
            Period::Hour => d.hour() as i64,
            Period::Minute => d.minute() as i64,
            Period::Second => d.second() as i64,
            Period::Millisecond => sub / 1_000_000,
            Period::Microsecond => sub / 1_000,
            Period::Nanosecond => sub,
            Period::Week => return None,
        },
    })
}

/// The ISO 8601 week number when the ISO week-year is the calendar year; `None` for the
/// days around new year that ISO 8601 counts in the neighbouring year.
pub fn iso_week_if_same_year(ns: i64) -> Option<i64> {
    let d = civil(ns)?;
    let w = d.iso_week();
    (w.year() == d.year()).then_some(w.week() as i64)
}

/// `dayofweek(dt)`: days since the last Sunday, as nanoseconds.
pub fn day_of_week(ns: i64) -> i64 {
    weekday(ns) * DAY
}

/// `make_datetime(y, m, d, h, min, s)`: null when a part is out of range.
pub fn make(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: f64) -> Cal {
    let date = (|| {
        NaiveDate::from_ymd_opt(
            i32::try_from(y).ok()?,
            u32::try_from(mo).ok()?,
            u32::try_from(d).ok()?,
        )
    })();
    let Some(date) = date else { return Ok(None) };
    if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0.0..60.0).contains(&s) {
        return Ok(None);
    }
    let ticks = (s * 1e7).round() as i64;
    if ticks >= 600_000_000 {
        return Ok(None);
    }
    let Some(midnight) = date.and_hms_opt(0, 0, 0) else {
        return Ok(None);
    };
    fit(ns128(midnight) + ((h * 3_600 + mi * 60) * SECOND + ticks * TICK) as i128)
}

/// `make_timespan(d, h, m, s)`: null when hours, minutes or seconds are out of their
/// clock range or a part is negative (the oracle gives null for `make_timespan(25, 70)`
/// and `make_timespan(-1, -2)`).
pub fn make_timespan(d: f64, h: f64, m: f64, s: f64) -> Option<i64> {
    let whole = |x: f64| x.fract() == 0.0 && x >= 0.0;
    if !whole(d) || !whole(h) || !whole(m) || h >= 24.0 || m >= 60.0 || !(0.0..60.0).contains(&s) {
        return None;
    }
    let ticks = (s * 1e7).round() as i64;
    let secs = (d as i64).checked_mul(86_400)? + h as i64 * 3_600 + m as i64 * 60;
    secs.checked_mul(SECOND)?.checked_add(ticks * TICK)
}

fn pad(out: &mut String, v: i64, width: usize) {
    out.push_str(&format!("{v:0width$}"));
}

/// The fraction digits of `ticks` (0–9 999 999) for an `f…`/`F…` element.
fn fraction(out: &mut String, ticks: i64, digits: usize, trim: bool) {
    let all = format!("{ticks:07}");
    let s = &all[..digits];
    if trim {
        out.push_str(s.trim_end_matches('0'));
    } else {
        out.push_str(s);
    }
}

/// `format_datetime(dt, format)` with a format parsed by
/// `hunt_plan::library::datetime::parse_format`.
pub fn format_datetime(ns: i64, items: &[FormatItem]) -> Option<String> {
    let d = civil(ns)?;
    let ticks = ns.rem_euclid(SECOND) / TICK;
    let mut out = String::new();
    for it in items {
        match it {
            FormatItem::Literal(s) => out.push_str(s),
            FormatItem::Day(w) => pad(&mut out, d.day() as i64, *w),
            FormatItem::Month(w) => pad(&mut out, d.month() as i64, *w),
            FormatItem::Year(4) => pad(&mut out, d.year() as i64, 4),
            FormatItem::Year(w) => pad(&mut out, d.year() as i64 % 100, *w),
            FormatItem::Hour12(w) => {
                let h = d.hour() % 12;
                pad(&mut out, if h == 0 { 12 } else { h as i64 }, *w);
            }
            FormatItem::Hour24(w) => pad(&mut out, d.hour() as i64, *w),
            FormatItem::Minute(w) => pad(&mut out, d.minute() as i64, *w),
            FormatItem::Second(w) => pad(&mut out, d.second() as i64, *w),
            FormatItem::Fraction { digits, trim } => fraction(&mut out, ticks, *digits, *trim),
            FormatItem::AmPm => out.push_str(if d.hour() < 12 { "AM" } else { "PM" }),
        }
    }
    Some(out)
}

/// `format_timespan(ts, format)`: a negative span is formatted as its magnitude after `-`.
pub fn format_timespan(ns: i64, items: &[FormatItem]) -> String {
    let ticks = (ns / TICK).unsigned_abs() as i64;
    let secs = ticks / 10_000_000;
    let frac = ticks % 10_000_000;
    let mut out = String::new();
    if ns < 0 {
        out.push('-');
    }
    for it in items {
        match it {
            FormatItem::Literal(s) => out.push_str(s),
            FormatItem::Day(w) => pad(&mut out, secs / 86_400, *w),
            FormatItem::Hour24(w) | FormatItem::Hour12(w) => pad(&mut out, secs / 3_600 % 24, *w),
            FormatItem::Minute(w) => pad(&mut out, secs / 60 % 60, *w),
            FormatItem::Second(w) => pad(&mut out, secs % 60, *w),
            FormatItem::Fraction { digits, trim } => fraction(&mut out, frac, *digits, *trim),
            FormatItem::Month(_) | FormatItem::Year(_) | FormatItem::AmPm => {}
        }
    }
    out
}

/// `bin_at(x, size, fixed)` on integers: `fixed + floor((x - fixed) / size) * size`;
/// null for a size that is not positive.
pub fn bin_at(x: i64, size: i64, fixed: i64) -> Option<i128> {
    if size <= 0 {
        return None;
    }
    let k = (x as i128 - fixed as i128).div_euclid(size as i128);
    Some(fixed as i128 + k * size as i128)
}

/// Reads a datetime as `todatetime()` does: the ISO 8601 forms of datetime literals, an
/// RFC 3339 offset (`+02:00`), and RFC 2822 (`Sat, 8 Nov 2014 15:05:02 GMT`).
pub fn parse_datetime(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(ns) = hunt_plan::planner::literals::parse_datetime_text(t) {
        return Some(ns);
    }
    let parsed = DateTime::parse_from_rfc3339(t)
        .or_else(|_| DateTime::parse_from_rfc2822(t))
        .ok()?;
    let ns = parsed.timestamp_nanos_opt()?;
    Some(ns - ns.rem_euclid(TICK))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> i64 {
        hunt_plan::planner::literals::parse_datetime_text(s).expect("a datetime")
    }

    #[test]
    fn periods_follow_the_oracle() {
        // agent-datetime-timespan-0010 / -0011 / -0019
        assert_eq!(
            end_of(Period::Week, dt("2020-06-15 13:45:00"), 0),
            Ok(Some(dt("2020-06-20 23:59:59.9999999")))
        );
        assert_eq!(
            end_of(Period::Month, dt("2020-02-15"), 0),
            Ok(Some(dt("2020-02-29 23:59:59.9999999")))
        );
        assert_eq!(
            end_of(Period::Month, dt("2020-01-31"), 13),
            Ok(Some(dt("2021-02-28 23:59:59.9999999")))
        );
        assert_eq!(
            start_of(Period::Month, dt("2020-06-15"), -1),
            Ok(Some(dt("2020-05-01")))
        );
        // Kusto holds year 9999; hunt cannot, and says so instead of giving null.
        assert_eq!(make(9999, 12, 31, 23, 59, 59.0), Err(OutOfRange));
        assert_eq!(make(10000, 1, 1, 0, 0, 0.0), Ok(None));
    }

    #[test]
    fn add_and_diff_follow_the_oracle() {
        // agent-datetime-timespan-0009 / -0003 / -0011 / -0028
        assert_eq!(
            add(Period::Month, 13, dt("2019-01-31")),
            Ok(Some(dt("2020-02-29")))
        );
        assert_eq!(
            add(Period::Quarter, -3, dt("2020-02-29 12:00:00")),
            Ok(Some(dt("2019-05-29 12:00:00")))
        );
        assert_eq!(
            diff(Period::Year, dt("2020-12-31"), dt("2021-01-01")),
            Some(-1)
        );
        assert_eq!(
            diff(Period::Month, dt("2020-01-31"), dt("2020-02-01")),
            Some(-1)
        );
        assert_eq!(
            diff(Period::Week, dt("2024-02-29"), dt("2020-02-29")),
            Some(209)
        );
        assert_eq!(
            diff(
                Period::Second,
                dt("2020-03-01"),
                dt("2020-02-29 23:59:59.9999999")
            ),
            Some(1)
        );
    }

    #[test]
    fn make_timespan_checks_ranges() {
        // agent-datetime-timespan-0012 / -0027
        assert_eq!(make_timespan(0.0, 25.0, 61.0, 61.5), None);
        assert_eq!(make_timespan(0.0, 1.0, 2.0, 3.0), Some(3_723 * SECOND));
        assert_eq!(make_timespan(0.0, 0.0, 0.0, 0.000_000_1), Some(TICK));
    }
}
