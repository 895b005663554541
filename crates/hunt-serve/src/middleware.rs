//! What wraps every request: authentication (bearer token → [`Principal`]) and the audit
//! record (the insider-risk audit log's record, with the HTTP route and status) written after
//! the handler answered and before the response leaves; the body read within its deadline
//! and limit; the answers for unknown routes and methods; and the JSON body parser every
//! handler uses, so malformed JSON is a 400 in the OneAPI shape.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::runner::QueryAudit;
use crate::state::AppState;
use hunt_irm::audit::AuditRecord;

/// Paths served without a token: the web page and its files (they hold no data; the page
/// asks for a token before it calls the API).
fn is_public(path: &str) -> bool {
    path == "/" || path.starts_with("/static/")
}

/// Authenticates the request, runs it, and appends its audit record.
pub async fn authenticate_and_audit(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| path.clone(), |m| m.as_str().to_owned());
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let principal = if is_public(&path) {
        None
    } else {
        match state.auth.authenticate(authorization) {
            Ok(p) => Some(p),
            Err(message) => {
                let mut response = ApiError::unauthorized(message).into_response();
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                append(
                    &state,
                    audit_record(None, &method, &route, &path, &response),
                )
                .await;
                return response;
            }
        }
    };
    if let Some(p) = &principal {
        request.extensions_mut().insert(p.clone());
    }
    let response = next.run(request).await;
    append(
        &state,
        audit_record(principal.as_ref(), &method, &route, &path, &response),
    )
    .await;
    response
}

fn audit_record(
    principal: Option<&Principal>,
    method: &str,
    route: &str,
    path: &str,
    response: &Response,
) -> AuditRecord {
    let status = response.status();
    let error = response.extensions().get::<ApiError>();
    let query = response.extensions().get::<QueryAudit>();
    let name = principal.map_or("anonymous", |p| p.name.as_str());
    let roles = principal.map(|p| p.roles.clone()).unwrap_or_default();
    let text = query
        .map(|q| q.query.clone())
        .or_else(|| error.and_then(|e| e.query.clone()))
        .unwrap_or_else(|| format!("{method} {path}"));
    let mut record = AuditRecord::now("http", name, &roles, &text);
    record.route = Some(format!("{method} {route}"));
    record.status = Some(status.as_u16());
    record.outcome = if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        "denied"
    } else if status.is_success() || status.is_redirection() {
        "ok"
    } else {
        "error"
    }
    .to_owned();
    record.rows = query.map(|q| q.rows as u64);
    record.error = error.map(|e| e.message.clone());
    record
}

/// Appends a record (synced to disk) off the async runtime, before the response leaves.
async fn append(state: &AppState, record: AuditRecord) {
    let log = state.audit.clone();
    let written = tokio::task::spawn_blocking(move || log.append(&record)).await;
    if let Ok(Err(e)) | Err(e) = written.map_err(|e| hunt_irm::IrmError::Invalid(e.to_string())) {
        // The request already happened; losing its record must at least be visible.
        eprintln!(
            "hunt serve: cannot append to the audit log `{}`: {e}",
            state.audit.path().display()
        );
    }
}

/// Reads the whole request body before the handler runs, within the body deadline
/// (`AppState::body_timeout`) and the size limit (the `DefaultBodyLimit` layer's).
///
/// The deadline is for the whole body: tower-http's body timeout restarts with every
/// frame, so a client sending a byte now and then would never be cut off. A body that
/// does not arrive in time is 408, one over the limit 413, an unreadable one 400, all
/// in the OneAPI shape; the handler then gets the body from memory.
pub async fn read_body(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let read = Bytes::from_request(Request::from_parts(parts.clone(), body), &());
    let bytes = match tokio::time::timeout(state.body_timeout, read).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(rejection)) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::payload_too_large(format!(
                "the request body is larger than {} bytes",
                crate::BODY_LIMIT
            ))
            .into_response();
        }
        Ok(Err(rejection)) => {
            return ApiError::bad_request(format!(
                "the request body could not be read: {}",
                rejection.body_text()
            ))
            .into_response();
        }
        Err(_) => {
            return ApiError::request_timeout(format!(
                "the request body did not arrive within {} s",
                state.body_timeout.as_secs_f64()
            ))
            .into_response();
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// 404 for a path no route serves.
pub async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!(
        "no endpoint {method} {}; see docs/server.md for the endpoints hunt serves",
        uri.path()
    ))
}

/// 405 for a method a route does not take.
pub async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::method_not_allowed(format!("{} does not accept {method}", uri.path()))
}

/// Parses a JSON request body, answering 400 with serde's message (line and column) when it
/// is not valid or not the expected shape.
pub fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "the request body is empty; send a JSON object",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the request body is not valid JSON: {e}")))
}

/// The handler's principal (inserted by [`authenticate_and_audit`]).
pub fn principal(
    request_principal: Option<axum::Extension<Principal>>,
) -> Result<Principal, ApiError> {
    request_principal
        .map(|axum::Extension(p)| p)
        .ok_or_else(|| ApiError::unauthorized("this request is not authenticated"))
}

/// Adds the audit details of a query to a response.
pub fn with_query_audit(mut response: Response, query: &str, rows: usize) -> Response {
    response.extensions_mut().insert(QueryAudit {
        query: query.to_owned(),
        rows,
    });
    response
}
