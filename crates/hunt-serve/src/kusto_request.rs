//! A Kusto REST request: its JSON body (`db`, `csl`, `properties`) and the client request
//! properties hunt honours (`servertimeout`, `norequesttimeout`, `query_now`,
//! `truncationmaxrecords`, `notruncation`), accepts because they cannot change the answer
//! (`request_readonly`, `queryconsistency`, `results_progressive_enabled`, …), or refuses by
//! name. Nothing is silently ignored.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::runner::{DEFAULT_TIMEOUT, MAX_TIMEOUT, QueryOptions};
use crate::values::parse_timespan;

/// Kusto's default `truncationmaxrecords`.
pub const DEFAULT_MAX_RECORDS: usize = 500_000;

/// The body of `POST /v1/rest/query`, `/v2/rest/query` and `/v1/rest/mgmt`.
#[derive(Debug, Deserialize)]
pub struct KustoBody {
    /// Database name (optional: the server has one).
    #[serde(default)]
    pub db: Option<String>,
    /// The query or control command.
    pub csl: String,
    /// Client request properties: a JSON object, or a string holding one (as the SDKs send).
    #[serde(default)]
    pub properties: Option<Value>,
}

/// The request properties, validated.
#[derive(Debug, Clone)]
pub struct RequestProperties {
    /// How the query runs.
    pub options: QueryOptions,
    /// Rows beyond this fail the query (`None`: `notruncation`).
    pub max_records: Option<usize>,
}

/// Options that cannot change hunt's answer (hunt is read-only, single-node and answers in
/// one piece), accepted and documented in docs/server.md.
const NEUTRAL_OPTIONS: [&str; 9] = [
    "request_readonly",
    "request_readonly_hardline",
    "queryconsistency",
    "results_progressive_enabled",
    "request_app_name",
    "request_user",
    "request_description",
    "query_language",
    "results_v2_newlines_between_frames",
];

fn option_bool(name: &str, v: &Value) -> Result<bool, ApiError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ApiError::bad_request(format!(
            "request property `{name}` must be true or false, not {v}"
        ))),
    }
}

fn option_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl RequestProperties {
    /// Validates the `properties` of a request.
    pub fn parse(properties: Option<&Value>) -> Result<RequestProperties, ApiError> {
        let mut props = RequestProperties {
            options: QueryOptions::default(),
            max_records: Some(DEFAULT_MAX_RECORDS),
        };
        let object: Map<String, Value> = match properties {
            None | Some(Value::Null) => return Ok(props),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(props),
            Some(Value::String(s)) => match serde_json::from_str(s) {
                Ok(Value::Object(m)) => m,
                _ => {
                    return Err(ApiError::bad_request(
                        "`properties` is not a JSON object (nor a string holding one)",
                    ));
                }
            },
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(ApiError::bad_request("`properties` is not a JSON object")),
        };
        for (key, value) in &object {
            match key.to_ascii_lowercase().as_str() {
                "options" => {}
                "parameters" => {
                    if value.as_object().is_some_and(|p| !p.is_empty()) {
                        return Err(ApiError::bad_request(
                            "query parameters (`Parameters` in the request properties) are \
                             not supported by hunt yet; put the values into the query text",
                        ));
                    }
                }
                _ => {}
            }
        }
        let options = object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("options"))
            .map(|(_, v)| v);
        let Some(options) = options else {
            return Ok(props);
        };
        let Some(options) = options.as_object() else {
            return Err(ApiError::bad_request(
                "`Options` in `properties` is not an object",
            ));
        };
        for (name, value) in options {
            let lower = name.to_ascii_lowercase();
            match lower.as_str() {
                "servertimeout" => {
                    let text = option_text(value);
                    let ns = parse_timespan(&text).filter(|ns| *ns > 0).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "request property `servertimeout` is not a positive timespan: `{text}`"
                        ))
                    })?;
                    let limit = Duration::from_nanos(ns.unsigned_abs());
                    if limit > MAX_TIMEOUT {
                        return Err(ApiError::bad_request(format!(
                            "request property `servertimeout` ({text}) exceeds the largest \
                             allowed, 01:00:00"
                        )));
                    }
                    props.options.timeout = limit;
                }
                "norequesttimeout" => {
                    if option_bool(name, value)? {
                        props.options.timeout = MAX_TIMEOUT;
                    } else if props.options.timeout == MAX_TIMEOUT {
                        props.options.timeout = DEFAULT_TIMEOUT;
                    }
                }
                "query_now" => {
                    let text = option_text(value);
                    props.options.now_ns = Some(parse_datetime(&text).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "request property `query_now` is not an ISO-8601 datetime: `{text}`"
                        ))
                    })?);
                }
                "truncationmaxrecords" => {
                    let n = value
                        .as_u64()
                        .or_else(|| option_text(value).trim().parse().ok())
                        .ok_or_else(|| {
                            ApiError::bad_request(format!(
                                "request property `truncationmaxrecords` is not a \
                                 non-negative integer: {value}"
                            ))
                        })?;
                    if props.max_records.is_some() {
                        props.max_records = Some(usize::try_from(n).unwrap_or(usize::MAX));
                    }
                }
                "notruncation" => {
                    if option_bool(name, value)? {
                        props.max_records = None;
                    }
                }
                _ if NEUTRAL_OPTIONS.contains(&lower.as_str()) => {}
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "request property `{name}` is not supported by hunt; hunt honours \
                         servertimeout, norequesttimeout, query_now, truncationmaxrecords and \
                         notruncation (see docs/server.md)"
                    )));
                }
            }
        }
        // `notruncation` wins over `truncationmaxrecords` whatever their order.
        if options.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("notruncation") && option_bool(k, v).unwrap_or(false)
        }) {
            props.max_records = None;
        }
        Ok(props)
    }
}

/// Parses an ISO-8601 datetime (with or without `Z`, fraction, or offset) to nanoseconds.
pub fn parse_datetime(text: &str) -> Option<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return dt.naive_utc().and_utc().timestamp_nanos_opt();
    }
    let naive = t.strip_suffix(['Z', 'z']).unwrap_or(t);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, fmt) {
            return dt.and_utc().timestamp_nanos_opt();
        }
    }
    NaiveDate::parse_from_str(naive, "%Y-%m-%d")
        .ok()
        .and_then(|d| {
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_nanos_opt()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn properties_are_honoured_or_refused() {
        let p = RequestProperties::parse(Some(&json!(
            r#"{"Options":{"servertimeout":"0:00:05","query_now":"2025-06-01T00:00:00Z","truncationmaxrecords":10},"Parameters":{}}"#
        )))
        .unwrap();
        assert_eq!(p.options.timeout, Duration::from_secs(5));
        assert_eq!(p.options.now_ns, Some(1_748_736_000_000_000_000));
        assert_eq!(p.max_records, Some(10));
        let p = RequestProperties::parse(Some(
            &json!({"Options": {"notruncation": true, "truncationmaxrecords": 3}}),
        ))
        .unwrap();
        assert_eq!(p.max_records, None);
        let p = RequestProperties::parse(None).unwrap();
        assert_eq!(p.max_records, Some(DEFAULT_MAX_RECORDS));
        assert_eq!(p.options.timeout, DEFAULT_TIMEOUT);
        for bad in [
            json!({"Options": {"servertimeout": "soon"}}),
            json!({"Options": {"servertimeout": "2:00:00"}}),
            json!({"Options": {"query_now": "yesterday"}}),
            json!({"Options": {"truncationmaxrecords": -1}}),
            json!({"Options": {"query_fanout_nodes_percent": 50}}),
            json!({"Parameters": {"x": "1"}}),
            json!("not json"),
            json!(5),
        ] {
            let e = RequestProperties::parse(Some(&bad)).unwrap_err();
            assert_eq!(e.status.as_u16(), 400, "{bad}");
        }
        let e = RequestProperties::parse(Some(
            &json!({"Options": {"query_fanout_nodes_percent": 50}}),
        ))
        .unwrap_err();
        assert!(e.message.contains("query_fanout_nodes_percent"));
    }
}
