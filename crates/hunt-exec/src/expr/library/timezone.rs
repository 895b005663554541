//! `datetime_utc_to_local` and `datetime_local_to_utc` over the IANA time-zone database
//! (`chrono-tz`). A local time that a DST change skips or repeats has no single UTC time;
//! the docs only warn of "time ambiguity near the DST transition" without saying which
//! one Kusto picks, so such a conversion is an error rather than a guess.

use super::{Args, pv, sv, user_error};
use crate::error::Result;
use arrow::array::*;
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use std::sync::Arc;

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    let (dt, tz) = (a.dt(0)?, a.str(1)?);
    let to_local = a.f == LibFunc::DatetimeUtcToLocal;
    let mut out = TimestampNanosecondBuilder::with_capacity(a.n);
    for i in 0..a.n {
        let Some(ns) = pv(dt, i) else {
            out.append_null();
            continue;
        };
        let name = sv(tz, i);
        let zone: Tz = name
            .parse()
            .map_err(|_| user_error(format!("`{name}` is not a time zone hunt knows")))?;
        let naive = DateTime::from_timestamp_nanos(ns).naive_utc();
        let converted: NaiveDateTime = if to_local {
            zone.from_utc_datetime(&naive).naive_local()
        } else {
            match zone.from_local_datetime(&naive) {
                LocalResult::Single(d) => d.naive_utc(),
                _ => {
                    return Err(user_error(format!(
                        "datetime_local_to_utc of {naive} in {name}: a DST change skips or \
                         repeats that local time, and which UTC time Kusto gives is not documented"
                    )));
                }
            }
        };
        let ns = converted.and_utc().timestamp_nanos_opt().ok_or_else(|| {
            user_error(format!(
                "{converted} is outside the datetimes hunt can hold"
            ))
        })?;
        out.append_value(ns);
    }
    Ok(Arc::new(out.finish()))
}
