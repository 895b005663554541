//! Datetime and timespan functions.

use super::{Args, Cache, pv, str_array, sv, user_error};
use crate::error::Result;
use crate::kernels::calendar::{self, Cal, OutOfRange, TICK};
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::library::datetime::{DatePart, Period, parse_format};
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::sync::Arc;

fn period_arg(a: &Args<'_>, i: usize) -> Result<Period> {
    let s = a.str(i)?;
    let name = sv(s, 0);
    Period::parse(name).ok_or_else(|| user_error(format!("unknown period `{name}`")))
}

fn datetimes(v: impl IntoIterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(TimestampNanosecondArray::from(
        v.into_iter().collect::<Vec<_>>(),
    ))
}

/// Datetime results that may fall outside hunt's range: an error names the limit rather
/// than giving a null Kusto would not give.
fn checked_datetimes(v: impl IntoIterator<Item = Option<Cal>>) -> Result<ArrayRef> {
    let mut out = Vec::new();
    for x in v {
        out.push(match x {
            None => None,
            Some(r) => r.map_err(|OutOfRange| {
                user_error(
                    "a datetime result lies outside the years 1677-2262, which hunt cannot hold"
                        .to_string(),
                )
            })?,
        });
    }
    Ok(datetimes(out))
}

fn timespans(v: impl IntoIterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(DurationNanosecondArray::from(
        v.into_iter().collect::<Vec<_>>(),
    ))
}

pub(super) fn call(a: &Args<'_>, out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let n = a.n;
    Ok(match a.f {
        ToDateTime | ToTimeSpan => {
            let parse: fn(&str) -> Option<i64> = if a.f == ToDateTime {
                calendar::parse_datetime
            } else {
                hunt_plan::planner::literals::parse_timespan_text
            };
            let vals: Vec<Option<i64>> = if a.tys[0] == KqlType::Dynamic {
                let mut j = a.json(0)?;
                let mut vals = Vec::with_capacity(n);
                for i in 0..n {
                    vals.push(match j.get(i) {
                        Some(Value::String(s)) => parse(s),
                        // A number: the pages of todatetime/totimespan do not say how it
                        // converts (ticks? days?), as for a typed number the planner
                        // refuses.
                        Some(Value::Number(_)) => {
                            return Err(crate::error::ExecError::Unsupported(format!(
                                "`{}` of a dynamic number",
                                if a.f == ToDateTime {
                                    "todatetime"
                                } else {
                                    "totimespan"
                                }
                            )));
                        }
                        _ => None,
                    });
                }
                vals
            } else {
                let s = a.str(0)?;
                (0..n).map(|i| parse(sv(s, i))).collect()
            };
            if out == KqlType::DateTime {
                datetimes(vals)
            } else {
                timespans(vals)
            }
        }
        DatetimeAdd => {
            let p = period_arg(a, 0)?;
            let (k, dt) = (a.long(1)?, a.dt(2)?);
            checked_datetimes((0..n).map(|i| Some(calendar::add(p, pv(k, i)?, pv(dt, i)?))))?
        }
        DatetimeDiff => {
            let p = period_arg(a, 0)?;
            let (x, y) = (a.dt(1)?, a.dt(2)?);
            let vals = (0..n).map(|i| calendar::diff(p, pv(x, i)?, pv(y, i)?));
            if out == KqlType::Real {
                Arc::new(vals.map(|v| v.map(|v| v as f64)).collect::<Float64Array>())
            } else {
                Arc::new(vals.collect::<Int64Array>())
            }
        }
        DatetimePart => {
            let name = sv(a.str(0)?, 0);
            let part = DatePart::parse(name)
                .ok_or_else(|| user_error(format!("unknown datetime part `{name}`")))?;
            let dt = a.dt(1)?;
            Arc::new(
                (0..n)
                    .map(|i| calendar::part(part, pv(dt, i)?).map(|v| v as i32))
                    .collect::<Int32Array>(),
            )
        }
        FormatDatetime | FormatTimespan => {
            let f = a.str(1)?;
            let ts = a.f == FormatTimespan;
            let mut formats = Cache::new();
            let mut outv = Vec::with_capacity(n);
            for i in 0..n {
                let items = formats.get(sv(f, i), |f| parse_format(f, ts).map_err(user_error))?;
                outv.push(if ts {
                    pv(a.ts(0)?, i)
                        .map(|v| calendar::format_timespan(v, items))
                        .unwrap_or_default()
                } else {
                    pv(a.dt(0)?, i)
                        .and_then(|v| calendar::format_datetime(v, items))
                        .unwrap_or_default()
                });
            }
            str_array(outv)
        }
        StartOfDay | StartOfWeek | StartOfMonth | StartOfYear | EndOfDay | EndOfWeek
        | EndOfMonth | EndOfYear => {
            let unit = match a.f {
                StartOfDay | EndOfDay => Period::Day,
                StartOfWeek | EndOfWeek => Period::Week,
                StartOfMonth | EndOfMonth => Period::Month,
                _ => Period::Year,
            };
            let end = matches!(a.f, EndOfDay | EndOfWeek | EndOfMonth | EndOfYear);
            let dt = a.dt(0)?;
            let off = a.opt_long(1)?;
            checked_datetimes((0..n).map(|i| {
                let o = match off {
                    Some(o) => pv(o, i)?,
                    None => 0,
                };
                let t = pv(dt, i)?;
                Some(if end {
                    calendar::end_of(unit, t, o)
                } else {
                    calendar::start_of(unit, t, o)
                })
            }))?
        }
        WeekOfYearLegacy => {
            // Kusto's docs call weekofyear() not ISO 8601 compliant without saying how it
            // differs; where the ISO week belongs to another calendar year (the days around
            // new year) hunt refuses rather than guess.
            let dt = a.dt(0)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(match pv(dt, i) {
                    None => None,
                    Some(t) => match calendar::iso_week_if_same_year(t) {
                        Some(w) => Some(w as i32),
                        None => {
                            return Err(user_error(
                                "weekofyear() near new year differs from ISO 8601 in ways hunt \
                                 does not know; use week_of_year()"
                                    .to_string(),
                            ));
                        }
                    },
                });
            }
            Arc::new(Int32Array::from(out))
        }
        DayOfWeek => {
            let dt = a.dt(0)?;
            timespans((0..n).map(|i| pv(dt, i).map(calendar::day_of_week)))
        }
        DayOfMonth | DayOfYear | HourOfDay | MonthOfYear | GetYear | WeekOfYear => {
            let part = match a.f {
                DayOfMonth => DatePart::Period(Period::Day),
                DayOfYear => DatePart::DayOfYear,
                HourOfDay => DatePart::Period(Period::Hour),
                MonthOfYear => DatePart::Period(Period::Month),
                GetYear => DatePart::Period(Period::Year),
                _ => DatePart::WeekOfYear,
            };
            let dt = a.dt(0)?;
            Arc::new(
                (0..n)
                    .map(|i| calendar::part(part, pv(dt, i)?).map(|v| v as i32))
                    .collect::<Int32Array>(),
            )
        }
        MakeDatetime => {
            let cols = (0..a.len().min(5))
                .map(|c| a.long(c))
                .collect::<Result<Vec<_>>>()?;
            let secs = if a.len() == 6 { Some(a.real(5)?) } else { None };
            checked_datetimes((0..n).map(|i| {
                let mut p = [0i64; 5];
                for (k, c) in cols.iter().enumerate() {
                    p[k] = pv(c, i)?;
                }
                let s = match secs {
                    Some(s) => pv(s, i)?,
                    None => 0.0,
                };
                Some(calendar::make(p[0], p[1], p[2], p[3], p[4], s))
            }))?
        }
        MakeTimespan => {
            let cols = (0..a.len())
                .map(|c| a.real(c))
                .collect::<Result<Vec<_>>>()?;
            timespans((0..n).map(|i| {
                let v = cols
                    .iter()
                    .map(|c| pv(c, i))
                    .collect::<Option<Vec<f64>>>()?;
                match v.as_slice() {
                    [h, m] => calendar::make_timespan(0.0, *h, *m, 0.0),
                    [h, m, s] => calendar::make_timespan(0.0, *h, *m, *s),
                    [d, h, m, s] => calendar::make_timespan(*d, *h, *m, *s),
                    _ => None,
                }
            }))
        }
        BinAt => {
            match out {
                KqlType::Real => {
                    let (x, s, f) = (a.real(0)?, a.real(1)?, a.real(2)?);
                    Arc::new(
                        (0..n)
                            .map(|i| {
                                let (x, s, f) = (pv(x, i)?, pv(s, i)?, pv(f, i)?);
                                if s <= 0.0 {
                                    return None;
                                }
                                Some(f + ((x - f) / s).floor() * s)
                            })
                            .collect::<Float64Array>(),
                    )
                }
                KqlType::Long => {
                    let (x, s, f) = (a.long(0)?, a.long(1)?, a.long(2)?);
                    Arc::new(
                        (0..n)
                            .map(|i| {
                                calendar::bin_at(pv(x, i)?, pv(s, i)?, pv(f, i)?)
                                    .and_then(|v| i64::try_from(v).ok())
                            })
                            .collect::<Int64Array>(),
                    )
                }
                KqlType::DateTime => {
                    let (x, s, f) = (a.dt(0)?, a.ts(1)?, a.dt(2)?);
                    checked_datetimes((0..n).map(|i| {
                        calendar::bin_at(pv(x, i)?, pv(s, i)?, pv(f, i)?).map(calendar::fit)
                    }))?
                }
                _ => {
                    let (x, s, f) = (a.ts(0)?, a.ts(1)?, a.ts(2)?);
                    timespans((0..n).map(|i| {
                        calendar::bin_at(pv(x, i)?, pv(s, i)?, pv(f, i)?)
                            .and_then(|v| i64::try_from(v).ok())
                    }))
                }
            }
        }
        UnixSeconds | UnixMillis | UnixMicros | UnixNanos => {
            let unit: i64 = match a.f {
                UnixSeconds => 1_000_000_000,
                UnixMillis => 1_000_000,
                UnixMicros => 1_000,
                _ => 1,
            };
            // Whole ticks: Kusto keeps 100 ns resolution.
            let ticks = |ns: i128| ns - ns.rem_euclid(TICK as i128);
            if a.tys[0] == KqlType::Real {
                let x = a.real(0)?;
                checked_datetimes((0..n).map(|i| {
                    let ns = pv(x, i)? * unit as f64;
                    Some(if ns.is_finite() && ns.abs() < 1e30 {
                        calendar::fit(ticks(ns as i128))
                    } else {
                        Ok(None)
                    })
                }))?
            } else {
                let x = a.long(0)?;
                checked_datetimes(
                    (0..n).map(|i| Some(calendar::fit(ticks(pv(x, i)? as i128 * unit as i128)))),
                )?
            }
        }
        _ => return Err(a.internal()),
    })
}
