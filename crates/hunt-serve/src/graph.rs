//! Microsoft Graph security endpoints under `/v1.0/security/`: `runHuntingQuery`,
//! `alerts_v2` (list with OData `$filter`/`$orderby`/`$top`/`$skip`/`$select`/`$count`, get,
//! PATCH, comments) and `incidents` (list with `$expand=alerts`, get, PATCH, comments).
//!
//! Reads need `Security Reader` (or any write role); writes need `Security Operator`,
//! `Security Administrator` or an IRM role. PATCH honours `If-Match` (412 on a stale etag) and
//! an `@odata.etag` in the body (409 on a stale one).

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::graph_enums::{CLASSIFICATIONS, DETERMINATIONS, STATUSES, canonical};
use crate::graph_resources::{alert_json, etag, incident_json, parse_etag};
use crate::middleware::{parse_json, principal, with_query_audit};
use crate::odata::{parse_filter, parse_orderby, sort};
use crate::runner::{QueryOptions, run_query};
use crate::state::AppState;
use crate::store::{Change, Kind, StoreError};
use crate::values::{dotnet_type, rows_as_objects};

/// Fields of an alert that `$filter` and `$orderby` take.
pub const ALERT_FIELDS: [&str; 15] = [
    "id",
    "serviceSource",
    "detectionSource",
    "status",
    "severity",
    "classification",
    "determination",
    "assignedTo",
    "incidentId",
    "title",
    "category",
    "createdDateTime",
    "lastUpdateDateTime",
    "firstActivityDateTime",
    "lastActivityDateTime",
];

/// Fields of an incident that `$filter` and `$orderby` take.
pub const INCIDENT_FIELDS: [&str; 10] = [
    "id",
    "status",
    "severity",
    "classification",
    "determination",
    "assignedTo",
    "displayName",
    "createdDateTime",
    "lastUpdateDateTime",
    "user",
];

/// Incident statuses Graph documents.
const INCIDENT_STATUSES: [&str; 5] = [
    "active",
    "resolved",
    "inProgress",
    "redirected",
    "awaitingAction",
];

/// Page size when `$top` is not given, and the largest `$top`.
const PAGE: usize = 100;
const MAX_TOP: usize = 2000;

/// Query parameters, or 400 when the query string is malformed.
type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn require_read(p: &Principal) -> Result<(), ApiError> {
    if p.may_read_alerts() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "`{}` may not read alerts or incidents: it needs Security Reader, Security Operator \
             or an Insider Risk Management role",
            p.name
        )))
    }
}

fn require_write(p: &Principal) -> Result<(), ApiError> {
    if p.may_write_alerts() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "`{}` may not change alerts or incidents: it needs Security Operator, Security \
             Administrator or an Insider Risk Management role",
            p.name
        )))
    }
}

/// `POST /v1.0/security/runHuntingQuery`: `{"Query": …}` → `{"schema": …, "results": …}`.
pub async fn run_hunting_query(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let principal = principal(who)?;
    let req: Map<String, Value> = parse_json(&body)?;
    let mut query = None;
    for (k, v) in &req {
        match k.to_ascii_lowercase().as_str() {
            "query" => query = v.as_str().map(str::to_owned),
            "timespan" if v.is_null() => {}
            "timespan" => {
                return Err(ApiError::bad_request(
                    "`Timespan` is not supported by hunt: filter on Timestamp in the query \
                     instead (hunt does not add a time range of its own)",
                ));
            }
            other if other.starts_with("@odata.") => {}
            _ => {
                return Err(ApiError::bad_request(format!(
                    "unknown property `{k}`; send {{\"Query\": \"…\"}}"
                )));
            }
        }
    }
    let query = query.ok_or_else(|| ApiError::bad_request("the body has no `Query` string"))?;
    let result = run_query(&state, &principal, &query, &QueryOptions::default()).await?;
    let schema: Vec<Value> = result
        .schema
        .fields
        .iter()
        .map(|f| json!({"name": f.name, "type": dotnet_type(f.ty)}))
        .collect();
    let rows = result.num_rows();
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
        "schema": schema,
        "results": rows_as_objects(&result),
    });
    Ok(with_query_audit(
        axum::Json(body).into_response(),
        &query,
        rows,
    ))
}

/// The OData options of a list request.
struct ListOptions {
    params: Vec<(String, String)>,
    filter: Option<crate::odata::Filter>,
    order: Vec<(String, bool)>,
    top: usize,
    skip: usize,
    select: Option<Vec<String>>,
    count: bool,
    expand_alerts: bool,
}

fn list_options(
    params: Params,
    fields: &[&str],
    expandable: bool,
) -> Result<ListOptions, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::bad_request(format!("the query string is malformed: {e}")))?;
    let mut o = ListOptions {
        params: params.clone(),
        filter: None,
        order: Vec::new(),
        top: PAGE,
        skip: 0,
        select: None,
        count: false,
        expand_alerts: false,
    };
    let number = |k: &str, v: &str| {
        v.trim().parse::<usize>().map_err(|_| {
            ApiError::bad_request(format!("{k} must be a non-negative integer, not `{v}`"))
        })
    };
    for (k, v) in &params {
        match k.as_str() {
            "$filter" => o.filter = Some(parse_filter(v, fields)?),
            "$orderby" => o.order = parse_orderby(v, fields)?,
            "$top" => {
                o.top = number(k, v)?;
                if o.top > MAX_TOP {
                    return Err(ApiError::bad_request(format!(
                        "$top may be at most {MAX_TOP}"
                    )));
                }
            }
            "$skip" => o.skip = number(k, v)?,
            "$select" => o.select = Some(v.split(',').map(|s| s.trim().to_owned()).collect()),
            "$count" => o.count = v.eq_ignore_ascii_case("true"),
            "$expand" if expandable && v.trim().eq_ignore_ascii_case("alerts") => {
                o.expand_alerts = true
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "query option `{k}` is not supported here; use $filter, $orderby, $top, $skip, $select, $count{}",
                    if expandable { " or $expand=alerts" } else { "" }
                )));
            }
        }
    }
    Ok(o)
}

/// Percent-encodes a query parameter (everything but RFC 3986 unreserved characters).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Filters, sorts and pages resources into a Graph collection with `@odata.nextLink`.
fn collection(
    mut all: Vec<Value>,
    o: &ListOptions,
    headers: &HeaderMap,
    path: &str,
    context: &str,
) -> Value {
    if let Some(f) = &o.filter {
        all.retain(|r| f.matches(r));
    }
    sort(&mut all, &o.order);
    let total = all.len();
    let page: Vec<Value> = all
        .into_iter()
        .skip(o.skip)
        .take(o.top)
        .map(|mut r| {
            if let (Some(select), Some(obj)) = (&o.select, r.as_object_mut()) {
                obj.retain(|k, _| {
                    k == "id" || k.starts_with("@odata.") || select.iter().any(|s| s == k)
                });
            }
            r
        })
        .collect();
    let mut body =
        json!({"@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#{context}")});
    if let Some(obj) = body.as_object_mut() {
        if o.count {
            obj.insert("@odata.count".into(), json!(total));
        }
        let next = o.skip.saturating_add(o.top);
        if o.top > 0 && next < total {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let mut query: Vec<String> = o
                .params
                .iter()
                .filter(|(k, _)| k != "$skip" && k != "$top")
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect();
            query.push(format!("%24top={}", o.top));
            query.push(format!("%24skip={next}"));
            obj.insert(
                "@odata.nextLink".into(),
                json!(format!("http://{host}{path}?{}", query.join("&"))),
            );
        }
        obj.insert("value".into(), Value::Array(page));
    }
    body
}

async fn all_alerts(state: &Arc<AppState>) -> Result<Vec<Value>, ApiError> {
    let catalog = state.catalog().await?;
    let (states, comments) = state
        .with_store(|s| Ok((s.all(Kind::Alert)?, s.all_comments(Kind::Alert)?)))
        .await?;
    Ok(catalog
        .alerts
        .iter()
        .map(|a| {
            let st = states.get(&a.id).cloned().unwrap_or_default();
            alert_json(a, &st, comments.get(&a.id).map_or(&[], Vec::as_slice))
        })
        .collect())
}

/// `GET /v1.0/security/alerts_v2`.
pub async fn list_alerts(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    require_read(&principal(who)?)?;
    let o = list_options(params, &ALERT_FIELDS, false)?;
    let all = all_alerts(&state).await?;
    Ok(axum::Json(collection(
        all,
        &o,
        &headers,
        "/v1.0/security/alerts_v2",
        "security/alerts_v2",
    ))
    .into_response())
}

/// One alert's JSON and version, or 404.
pub async fn one_alert(state: &Arc<AppState>, id: &str) -> Result<(Value, i64), ApiError> {
    let catalog = state.catalog().await?;
    let a = catalog
        .alert(id)
        .ok_or_else(|| ApiError::not_found(format!("alert `{id}` was not found")))?
        .clone();
    let key = id.to_owned();
    let (st, comments) = state
        .with_store(move |s| Ok((s.get(Kind::Alert, &key)?, s.comments(Kind::Alert, &key)?)))
        .await?;
    Ok((alert_json(&a, &st, &comments), st.version))
}

/// A JSON body with an `ETag` header.
pub fn with_etag(body: Value, version: i64) -> Response {
    let mut r = axum::Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// `GET /v1.0/security/alerts_v2/{id}`.
pub async fn get_alert(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_read(&principal(who)?)?;
    let (body, version) = one_alert(&state, &id).await?;
    Ok(with_etag(body, version))
}

/// The version `If-Match` asks for, if any.
pub fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    match headers.get(header::IF_MATCH) {
        None => Ok(None),
        Some(v) => {
            let text = v
                .to_str()
                .map_err(|_| ApiError::bad_request("If-Match is not text"))?;
            parse_etag(text).map_err(ApiError::bad_request)
        }
    }
}

/// A Graph PATCH body as a [`Change`], with the version its `@odata.etag` names.
fn parse_change(
    body: &Bytes,
    statuses: &[&'static str],
) -> Result<(Change, Option<i64>), ApiError> {
    let obj: Map<String, Value> = parse_json(body)?;
    let mut change = Change::default();
    let mut body_version = None;
    let text = |k: &str, v: &Value| -> Result<Option<String>, ApiError> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(ApiError::bad_request(format!(
                "`{k}` must be a string or null"
            ))),
        }
    };
    let pick = |k: &str, v: &Value, allowed: &[&'static str]| -> Result<Option<String>, ApiError> {
        let Some(s) = text(k, v)? else {
            return Ok(None);
        };
        let c = canonical(&s, allowed).ok_or_else(|| {
            ApiError::bad_request(format!(
                "`{s}` is not a valid {k}; Graph's values are: {}",
                allowed.join(", ")
            ))
        })?;
        Ok(if c == "unknown" {
            None
        } else {
            Some(c.to_owned())
        })
    };
    for (k, v) in &obj {
        match k.as_str() {
            "status" => {
                change.status = Some(
                    pick(k, v, statuses)?
                        .ok_or_else(|| ApiError::bad_request("`status` cannot be cleared"))?,
                )
            }
            "classification" => change.classification = Some(pick(k, v, &CLASSIFICATIONS)?),
            "determination" => change.determination = Some(pick(k, v, &DETERMINATIONS)?),
            "assignedTo" => change.assigned_to = Some(text(k, v)?),
            "@odata.etag" => {
                let t = text(k, v)?.unwrap_or_default();
                body_version = parse_etag(&t).map_err(ApiError::bad_request)?;
            }
            "@odata.type" => {}
            other => {
                return Err(ApiError::bad_request(format!(
                    "`{other}` cannot be changed; PATCH takes status, classification, determination and assignedTo"
                )));
            }
        }
    }
    Ok((change, body_version))
}

/// Applies a PATCH: `If-Match` mismatch → 412, body `@odata.etag` mismatch → 409.
pub async fn apply_change(
    state: &Arc<AppState>,
    kind: Kind,
    id: &str,
    change: Change,
    if_match: Option<i64>,
    body_version: Option<i64>,
    who: &Principal,
    via: &'static str,
) -> Result<(), ApiError> {
    let (key, name) = (id.to_owned(), who.name.clone());
    let expected = if_match.or(body_version);
    let result = state.store.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        result.update(kind, &key, &change, expected, &name, via)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the update failed: {e}")))?;
    match outcome {
        Ok(_) => Ok(()),
        Err(e @ StoreError::VersionMismatch { .. }) if if_match.is_none() => {
            Err(ApiError::conflict(format!(
                "{e}; read it again and retry with its current @odata.etag"
            )))
        }
        Err(e) => Err(crate::state::store_error(e)),
    }
}

/// `PATCH /v1.0/security/alerts_v2/{id}`.
pub async fn patch_alert(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let who = principal(who)?;
    require_write(&who)?;
    let expected = if_match(&headers)?;
    let (change, body_version) = parse_change(&body, &STATUSES)?;
    let _exists = one_alert(&state, &id).await?;
    apply_change(
        &state,
        Kind::Alert,
        &id,
        change,
        expected,
        body_version,
        &who,
        "graph",
    )
    .await?;
    let (body, version) = one_alert(&state, &id).await?;
    Ok(with_etag(body, version))
}

fn comment_text(body: &Bytes) -> Result<String, ApiError> {
    let obj: Map<String, Value> = parse_json(body)?;
    match obj.get("comment") {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        _ => Err(ApiError::bad_request(
            "the body needs a non-empty `comment` string",
        )),
    }
}

fn comments_response(comments: Vec<crate::store::Comment>, kind: &str) -> Response {
    axum::Json(json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.security.{kind}Comment)"),
        "value": comments,
    }))
    .into_response()
}

/// `POST /v1.0/security/alerts_v2/{id}/comments`.
pub async fn add_alert_comment(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let who = principal(who)?;
    require_write(&who)?;
    let text = comment_text(&body)?;
    one_alert(&state, &id).await?;
    let comments = state
        .with_store(move |s| s.add_comment(Kind::Alert, &id, &text, &who.name))
        .await?;
    Ok(comments_response(comments, "alert"))
}

/// `GET /v1.0/security/alerts_v2/{id}/history` (hunt's own): every change, oldest first.
pub async fn alert_history(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_read(&principal(who)?)?;
    one_alert(&state, &id).await?;
    let history = state
        .with_store(move |s| s.history(Kind::Alert, &id))
        .await?;
    Ok(axum::Json(json!({"value": history})).into_response())
}

async fn all_incidents(state: &Arc<AppState>, expand: bool) -> Result<Vec<Value>, ApiError> {
    let catalog = state.catalog().await?;
    let (states, comments) = state
        .with_store(|s| Ok((s.all(Kind::Incident)?, s.all_comments(Kind::Incident)?)))
        .await?;
    let alerts: std::collections::HashMap<String, Value> = if expand {
        all_alerts(state)
            .await?
            .into_iter()
            .map(|a| (a["id"].as_str().unwrap_or_default().to_owned(), a))
            .collect()
    } else {
        Default::default()
    };
    Ok(catalog
        .incidents
        .values()
        .map(|inc| {
            let st = states
                .get(&inc.id)
                .cloned()
                .unwrap_or_else(|| crate::store::EntityState::initial(Kind::Incident));
            let expanded = expand.then(|| {
                inc.alert_ids
                    .iter()
                    .filter_map(|id| alerts.get(id).cloned())
                    .collect()
            });
            incident_json(
                &catalog,
                inc,
                &st,
                comments.get(&inc.id).map_or(&[], Vec::as_slice),
                expanded,
            )
        })
        .collect())
}

/// `GET /v1.0/security/incidents`.
pub async fn list_incidents(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    require_read(&principal(who)?)?;
    let o = list_options(params, &INCIDENT_FIELDS, true)?;
    let all = all_incidents(&state, o.expand_alerts).await?;
    Ok(axum::Json(collection(
        all,
        &o,
        &headers,
        "/v1.0/security/incidents",
        "security/incidents",
    ))
    .into_response())
}

async fn one_incident(
    state: &Arc<AppState>,
    id: &str,
    expand: bool,
) -> Result<(Value, i64), ApiError> {
    let all = all_incidents(state, expand).await?;
    let v = all
        .into_iter()
        .find(|i| i["id"] == id)
        .ok_or_else(|| ApiError::not_found(format!("incident `{id}` was not found")))?;
    let version = v["@odata.etag"]
        .as_str()
        .and_then(|e| parse_etag(e).ok().flatten())
        .unwrap_or(0);
    Ok((v, version))
}

/// `GET /v1.0/security/incidents/{id}`.
pub async fn get_incident(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    require_read(&principal(who)?)?;
    let o = list_options(params, &INCIDENT_FIELDS, true)?;
    let (body, version) = one_incident(&state, &id, o.expand_alerts).await?;
    Ok(with_etag(body, version))
}

/// `PATCH /v1.0/security/incidents/{id}`.
pub async fn patch_incident(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let who = principal(who)?;
    require_write(&who)?;
    let expected = if_match(&headers)?;
    let (change, body_version) = parse_change(&body, &INCIDENT_STATUSES)?;
    one_incident(&state, &id, false).await?;
    apply_change(
        &state,
        Kind::Incident,
        &id,
        change,
        expected,
        body_version,
        &who,
        "graph",
    )
    .await?;
    let (body, version) = one_incident(&state, &id, false).await?;
    Ok(with_etag(body, version))
}

/// `POST /v1.0/security/incidents/{id}/comments`.
pub async fn add_incident_comment(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let who = principal(who)?;
    require_write(&who)?;
    let text = comment_text(&body)?;
    one_incident(&state, &id, false).await?;
    let comments = state
        .with_store(move |s| s.add_comment(Kind::Incident, &id, &text, &who.name))
        .await?;
    Ok(comments_response(comments, "incident"))
}
