//! The insider-risk side of alert state: `/irm/alerts` and `/irm/alerts/{id}` (GET, PATCH)
//! show and set the IRM status (`Needs review`, `Confirmed`, `Dismissed`) of the IRM alerts,
//! stored as the Defender status and classification through the mapping, so the Graph side
//! and the `AlertState` table see every change at once. Every route needs an IRM role.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::alerts::{AlertBase, is_irm_source};
use crate::auth::{IRM_ROLES, Principal};
use crate::bridge::{defender_from_irm, irm_status};
use crate::error::ApiError;
use crate::graph::{apply_change, if_match, with_etag};
use crate::graph_enums::severity;
use crate::graph_resources::etag;
use crate::middleware::{parse_json, principal};
use crate::state::AppState;
use crate::store::{Change, EntityState, HistoryEntry, Kind};

fn require_irm(p: &Principal) -> Result<(), ApiError> {
    if p.has_irm_role() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "`{}` may not see Insider Risk Management alerts: it needs one of the roles {}",
            p.name,
            IRM_ROLES.join(", ")
        )))
    }
}

/// An IRM alert as the IRM side shows it.
fn irm_json(
    a: &AlertBase,
    st: &EntityState,
    history: Option<&[HistoryEntry]>,
) -> Result<Value, ApiError> {
    let mut v = json!({
        "id": a.id,
        "title": a.title,
        "severity": severity(&a.severity),
        "status": irm_status(&st.status, st.classification.as_deref())?,
        "defenderStatus": st.status,
        "defenderClassification": st.classification,
        "incidentId": a.incident_id,
        "user": a.user,
        "createdDateTime": a.timestamp,
        "lastUpdateDateTime": st.last_update,
        "version": st.version,
        "@odata.etag": etag(st.version),
    });
    if let (Some(h), Some(obj)) = (history, v.as_object_mut()) {
        obj.insert("history".into(), json!(h));
    }
    Ok(v)
}

/// `GET /irm/alerts[?status=Needs review]`: the IRM alerts, grouped by incident (ordered by
/// incident, then time).
pub async fn list(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    require_irm(&principal(who)?)?;
    let Query(params) =
        params.map_err(|e| ApiError::bad_request(format!("the query string is malformed: {e}")))?;
    let mut wanted = None;
    for (k, v) in params {
        match k.as_str() {
            "status" => {
                let (s, c) = defender_from_irm(&v)?.ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "`{v}` is not an IRM status (Needs review, Confirmed, Dismissed)"
                    ))
                })?;
                wanted = irm_status(s, c)?;
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown query parameter `{other}`; /irm/alerts takes status"
                )));
            }
        }
    }
    let catalog = state.catalog().await?;
    let states = state.with_store(|s| s.all(Kind::Alert)).await?;
    let mut alerts: Vec<&AlertBase> = catalog
        .alerts
        .iter()
        .filter(|a| is_irm_source(&a.service_source))
        .collect();
    alerts.sort_by(|a, b| (&a.incident_id, &a.timestamp).cmp(&(&b.incident_id, &b.timestamp)));
    let mut value: Vec<Value> = Vec::with_capacity(alerts.len());
    for a in alerts {
        let v = irm_json(a, &states.get(&a.id).cloned().unwrap_or_default(), None)?;
        if wanted.as_deref().is_none_or(|w| v["status"] == w) {
            value.push(v);
        }
    }
    Ok(axum::Json(json!({"value": value})).into_response())
}

async fn one(state: &Arc<AppState>, id: &str) -> Result<(Value, i64), ApiError> {
    let catalog = state.catalog().await?;
    let a = catalog
        .alert(id)
        .ok_or_else(|| ApiError::not_found(format!("alert `{id}` was not found")))?;
    if !is_irm_source(&a.service_source) {
        return Err(ApiError::not_found(format!(
            "alert `{id}` is not an Insider Risk Management alert (its source is {})",
            a.service_source
        )));
    }
    let a = a.clone();
    let key = id.to_owned();
    let (st, history) = state
        .with_store(move |s| Ok((s.get(Kind::Alert, &key)?, s.history(Kind::Alert, &key)?)))
        .await?;
    Ok((irm_json(&a, &st, Some(&history))?, st.version))
}

/// `GET /irm/alerts/{id}`: the alert with its IRM status and its history.
pub async fn get(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_irm(&principal(who)?)?;
    let (body, version) = one(&state, &id).await?;
    Ok(with_etag(body, version))
}

/// `PATCH /irm/alerts/{id}` with `{"status": "Confirmed"}` (and optionally `"version": N`,
/// or `If-Match`): sets the Defender status and classification the IRM status maps to.
/// `Dismissed` clears a `truePositive` classification (the mapping leaves it undetermined)
/// and keeps a benign or false positive one.
pub async fn patch(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let who = principal(who)?;
    require_irm(&who)?;
    let expected = if_match(&headers)?;
    let obj: Map<String, Value> = parse_json(&body)?;
    let mut irm = None;
    let mut body_version = None;
    for (k, v) in &obj {
        match (k.as_str(), v) {
            ("status", Value::String(s)) => irm = Some(s.clone()),
            ("version", Value::Number(n)) => body_version = n.as_i64(),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "`{k}` is not accepted here; PATCH takes {{\"status\": \"Needs review\" | \"Confirmed\" | \"Dismissed\", \"version\": N}}"
                )));
            }
        }
    }
    let irm = irm.ok_or_else(|| ApiError::bad_request("the body needs a `status` string"))?;
    let (status, classification) = defender_from_irm(&irm)?.ok_or_else(|| {
        ApiError::bad_request(format!(
            "`{irm}` is not an IRM status (Needs review, Confirmed, Dismissed)"
        ))
    })?;
    let (current, _) = one(&state, &id).await?;
    let mut change = Change {
        status: Some(status.to_owned()),
        ..Change::default()
    };
    match classification {
        Some(c) => change.classification = Some(Some(c.to_owned())),
        None if status == "resolved" && current["defenderClassification"] == "truePositive" => {
            change.classification = Some(None);
        }
        None => {}
    }
    apply_change(
        &state,
        Kind::Alert,
        &id,
        change,
        expected,
        body_version,
        &who,
        "irm",
    )
    .await?;
    let (body, version) = one(&state, &id).await?;
    Ok(with_etag(body, version))
}
