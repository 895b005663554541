//! Kusto REST queries: `POST /v1/rest/query` (one JSON object of tables) and
//! `POST /v2/rest/query` (a JSON array of frames: `DataSetHeader`, `@ExtendedProperties` when
//! the query ends in `render`, `PrimaryResult`, `QueryCompletionInformation`,
//! `DataSetCompletion`), as the Kusto REST API documents them and the Kusto SDKs parse them.
//!
//! A query hunt cannot run is HTTP 400 with Kusto's OneAPI error (hunt's message and position
//! in `@message`, `@line`, `@pos`). A result longer than `truncationmaxrecords` fails as Kusto
//! fails it: v2 sends the rows up to the limit followed by the error (which the SDKs raise),
//! v1 answers 400.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use hunt::QueryResult;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::kusto_request::{KustoBody, RequestProperties};
use crate::middleware::{parse_json, principal, with_query_audit};
use crate::render::{Visualization, visualization};
use crate::runner::run_query;
use crate::state::AppState;
use crate::values::{dotnet_type, kusto_type, rows_as_arrays};

/// A random GUID text (activity ids).
pub fn new_guid() -> String {
    let mut b = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The request id to echo: the client's `x-ms-client-request-id`, or a new one.
pub fn client_request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-ms-client-request-id")
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| format!("hunt;{}", new_guid()), str::to_owned)
}

/// Adds Kusto's correlation headers to a response.
pub fn with_kusto_headers(mut response: Response, request_id: &str) -> Response {
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-ms-client-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&new_guid()) {
        headers.insert("x-ms-activity-id", v);
    }
    response
}

/// Checks the request's database name against the server's one database.
pub fn check_database(state: &AppState, db: Option<&str>) -> Result<(), ApiError> {
    match db.map(str::trim) {
        None | Some("") | Some("NetDefaultDB") => Ok(()),
        Some(name) if name.eq_ignore_ascii_case(&state.database) => Ok(()),
        Some(name) => Err(ApiError::not_found(format!(
            "database `{name}` was not found; this server has one database, `{}`",
            state.database
        ))),
    }
}

/// What both query endpoints do before they shape the answer.
struct Answered {
    result: QueryResult,
    query: String,
    visualization: Option<Visualization>,
    max_records: Option<usize>,
    request_id: String,
}

async fn answer(
    state: &Arc<AppState>,
    principal: &Principal,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Answered, (ApiError, String)> {
    let request_id = client_request_id(headers);
    let fail = |e: ApiError| (e, request_id.clone());
    let req: KustoBody = parse_json(body).map_err(fail)?;
    check_database(state, req.db.as_deref()).map_err(fail)?;
    if req.csl.trim_start().starts_with('.') {
        return Err(fail(ApiError::bad_request(
            "control commands (starting with `.`) go to /v1/rest/mgmt, not to the query endpoint",
        )));
    }
    let props = RequestProperties::parse(req.properties.as_ref()).map_err(fail)?;
    let result = run_query(state, principal, &req.csl, &props.options)
        .await
        .map_err(fail)?;
    Ok(Answered {
        result,
        visualization: visualization(&req.csl),
        query: req.csl,
        max_records: props.max_records,
        request_id,
    })
}

fn truncation_error(limit: usize) -> ApiError {
    let mut e = ApiError::bad_request(format!(
        "Query result set has exceeded the internal record count limit {limit} \
         (E_QUERY_RESULT_SET_TOO_LARGE): set the request property truncationmaxrecords to a \
         larger value, or notruncation, or reduce the result with take/summarize"
    ));
    e.code = "LimitsExceeded";
    e.kusto_type = "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException";
    e
}

fn completion_table(table_id: usize, request_id: &str, failed: Option<&ApiError>) -> Value {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let mut rows = vec![json!([
        now,
        request_id,
        new_guid(),
        new_guid(),
        new_guid(),
        4,
        "Info",
        0,
        "S_OK (0)",
        14,
        "QueryInfo",
        "{\"Count\":1,\"Text\":\"Query completed successfully\"}"
    ])];
    if let Some(e) = failed {
        rows.push(json!([
            now,
            request_id,
            new_guid(),
            new_guid(),
            new_guid(),
            2,
            "Error",
            -2_133_196_797_i64,
            "LimitsExceeded",
            4,
            "QueryError",
            e.body().to_string()
        ]));
    }
    json!({
        "FrameType": "DataTable",
        "TableId": table_id,
        "TableKind": "QueryCompletionInformation",
        "TableName": "QueryCompletionInformation",
        "Columns": [
            {"ColumnName": "Timestamp", "ColumnType": "datetime"},
            {"ColumnName": "ClientRequestId", "ColumnType": "string"},
            {"ColumnName": "ActivityId", "ColumnType": "guid"},
            {"ColumnName": "SubActivityId", "ColumnType": "guid"},
            {"ColumnName": "ParentActivityId", "ColumnType": "guid"},
            {"ColumnName": "Level", "ColumnType": "int"},
            {"ColumnName": "LevelName", "ColumnType": "string"},
            {"ColumnName": "StatusCode", "ColumnType": "int"},
            {"ColumnName": "StatusCodeName", "ColumnType": "string"},
            {"ColumnName": "EventType", "ColumnType": "int"},
            {"ColumnName": "EventTypeName", "ColumnType": "string"},
            {"ColumnName": "Payload", "ColumnType": "string"},
        ],
        "Rows": rows,
    })
}

/// The v2 frames of a result.
pub fn v2_frames(
    result: &QueryResult,
    visualization: Option<&Visualization>,
    max_records: Option<usize>,
    request_id: &str,
) -> Value {
    let mut frames = vec![json!({
        "FrameType": "DataSetHeader",
        "IsProgressive": false,
        "Version": "v2.0",
        "IsFragmented": false,
        "ErrorReportingPlacement": "InData",
    })];
    let mut table_id = 0;
    let primary_id = if visualization.is_some() { 1 } else { 0 };
    if let Some(v) = visualization {
        frames.push(json!({
            "FrameType": "DataTable",
            "TableId": table_id,
            "TableKind": "QueryProperties",
            "TableName": "@ExtendedProperties",
            "Columns": [
                {"ColumnName": "TableId", "ColumnType": "int"},
                {"ColumnName": "Key", "ColumnType": "string"},
                {"ColumnName": "Value", "ColumnType": "dynamic"},
            ],
            "Rows": [[primary_id, "Visualization", v.to_json().to_string()]],
        }));
        table_id += 1;
    }
    let truncated = max_records.filter(|&n| result.num_rows() > n);
    let error = truncated.map(truncation_error);
    let mut rows = rows_as_arrays(result, truncated);
    if let Some(e) = &error {
        // Kusto reports an error met after rows were sent inside the table's rows.
        rows.push(json!({"OneApiErrors": [e.body()]}));
    }
    frames.push(json!({
        "FrameType": "DataTable",
        "TableId": table_id,
        "TableKind": "PrimaryResult",
        "TableName": "PrimaryResult",
        "Columns": result.schema.fields.iter().map(|f| json!({
            "ColumnName": f.name, "ColumnType": kusto_type(f.ty)
        })).collect::<Vec<_>>(),
        "Rows": rows,
    }));
    table_id += 1;
    frames.push(completion_table(table_id, request_id, error.as_ref()));
    let mut completion = json!({
        "FrameType": "DataSetCompletion",
        "HasErrors": error.is_some(),
        "Cancelled": false,
    });
    if let (Some(e), Some(obj)) = (&error, completion.as_object_mut()) {
        obj.insert("OneApiErrors".into(), json!([e.body()]));
    }
    frames.push(completion);
    Value::Array(frames)
}

/// A v1 table of `(name, KQL type)` columns.
pub fn v1_table(name: &str, columns: &[(String, hunt::KqlType)], rows: Vec<Value>) -> Value {
    json!({
        "TableName": name,
        "Columns": columns.iter().map(|(n, ty)| json!({
            "ColumnName": n, "DataType": dotnet_type(*ty), "ColumnType": kusto_type(*ty)
        })).collect::<Vec<_>>(),
        "Rows": rows,
    })
}

/// The v1 body of a result: the primary table, a query status table and the table of
/// contents (which the SDKs read to name the tables).
pub fn v1_body(result: &QueryResult, request_id: &str) -> Value {
    use hunt::KqlType as T;
    let columns: Vec<(String, T)> = result
        .schema
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.ty))
        .collect();
    let primary = v1_table("Table_0", &columns, rows_as_arrays(result, None));
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let status_cols: Vec<(String, T)> = [
        ("Timestamp", T::DateTime),
        ("Severity", T::Int),
        ("SeverityName", T::String),
        ("StatusCode", T::Int),
        ("StatusDescription", T::String),
        ("Count", T::Int),
        ("RequestId", T::Guid),
        ("ActivityId", T::Guid),
        ("SubActivityId", T::Guid),
        ("ClientActivityId", T::String),
    ]
    .iter()
    .map(|(n, t)| ((*n).to_owned(), *t))
    .collect();
    let status = v1_table(
        "Table_1",
        &status_cols,
        vec![json!([
            now,
            4,
            "Info",
            0,
            "Query completed successfully",
            1,
            new_guid(),
            new_guid(),
            new_guid(),
            request_id
        ])],
    );
    let toc_cols: Vec<(String, T)> = [
        ("Ordinal", T::Long),
        ("Kind", T::String),
        ("Name", T::String),
        ("Id", T::String),
        ("PrettyName", T::String),
    ]
    .iter()
    .map(|(n, t)| ((*n).to_owned(), *t))
    .collect();
    let toc = v1_table(
        "Table_2",
        &toc_cols,
        vec![
            json!([0, "QueryResult", "PrimaryResult", new_guid(), ""]),
            json!([
                1,
                "QueryStatus",
                "QueryStatus",
                "00000000-0000-0000-0000-000000000000",
                ""
            ]),
        ],
    );
    json!({"Tables": [primary, status, toc]})
}

/// `POST /v2/rest/query`.
pub async fn query_v2(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let principal = match principal(who) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    match answer(&state, &principal, &headers, &body).await {
        Ok(a) => {
            let frames = v2_frames(
                &a.result,
                a.visualization.as_ref(),
                a.max_records,
                &a.request_id,
            );
            let rows = a.result.num_rows();
            let response = with_kusto_headers(axum::Json(frames).into_response(), &a.request_id);
            with_query_audit(response, &a.query, rows)
        }
        Err((e, id)) => with_kusto_headers(e.into_response(), &id),
    }
}

/// `POST /v1/rest/query`.
pub async fn query_v1(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let principal = match principal(who) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    match answer(&state, &principal, &headers, &body).await {
        Ok(a) => {
            if let Some(limit) = a.max_records.filter(|&n| a.result.num_rows() > n) {
                let response =
                    with_kusto_headers(truncation_error(limit).into_response(), &a.request_id);
                return with_query_audit(response, &a.query, 0);
            }
            let rows = a.result.num_rows();
            let response = with_kusto_headers(
                axum::Json(v1_body(&a.result, &a.request_id)).into_response(),
                &a.request_id,
            );
            with_query_audit(response, &a.query, rows)
        }
        Err((e, id)) => with_kusto_headers(e.into_response(), &id),
    }
}
