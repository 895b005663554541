//! The one error type of the server and its HTTP form.
//!
//! Kusto and Microsoft Graph both answer errors in the OneAPI shape
//! `{"error": {"code": …, "message": …}}`; Kusto adds `@type`, `@message` (which the Kusto
//! clients show as the error's description), `@permanent` and, for a query error, the
//! position (`@line`, `@pos`). One body serves both: Graph clients ignore the `@` fields.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error answered to a client: an HTTP status and a OneAPI error body.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status (always 4xx unless hunt itself failed).
    pub status: StatusCode,
    /// OneAPI `code`, e.g. `BadRequest`, `Forbidden`, `SYN0002`.
    pub code: &'static str,
    /// The message, complete enough to act on.
    pub message: String,
    /// Kusto's exception type (`@type`).
    pub kusto_type: &'static str,
    /// Position of a query error: 1-based line and column, and the byte offset.
    pub position: Option<Position>,
    /// The query that failed, for the audit log (not sent to the client).
    pub query: Option<String>,
}

/// Where a query error is in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset into the query text.
    pub offset: usize,
}

impl Position {
    /// The line and column of byte `offset` in `text` (clamped to the text).
    pub fn of(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position {
            line,
            column,
            offset,
        }
    }
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            kusto_type: "Kusto.Data.Exceptions.KustoRequestException",
            position: None,
            query: None,
        }
    }

    /// 400: the request is malformed or asks for something hunt refuses.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 401: no credentials or unknown ones.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", message);
        e.kusto_type = "Kusto.Data.Exceptions.UnauthorizedOperationException";
        e
    }

    /// 403: the principal lacks a role.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::FORBIDDEN, "Forbidden", message);
        e.kusto_type = "Kusto.Data.Exceptions.UnauthorizedOperationException";
        e
    }

    /// 404: no such resource or route.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::NOT_FOUND, "NotFound", message);
        e.kusto_type = "Kusto.Data.Exceptions.EntityNotFoundException";
        e
    }

    /// 405: the route exists, the method does not.
    pub fn method_not_allowed(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", message)
    }

    /// 409: the change conflicts with the stored state.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "Conflict", message)
    }

    /// 412: `If-Match` does not name the current version.
    pub fn precondition_failed(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            message,
        )
    }

    /// 504 `Timeout`: the query ran past its `servertimeout` and was cancelled. Kusto's
    /// REST reference ("Query/management HTTP response") lists 504 with subcode `Timeout`
    /// for a request that timed out; it is not permanent (the same query may pass with
    /// more time).
    pub fn timeout(message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::GATEWAY_TIMEOUT, "Timeout", message);
        e.kusto_type = "Kusto.Data.Exceptions.KustoRequestTimeoutException";
        e
    }

    /// 408: the client did not send its request body in time.
    pub fn request_timeout(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::REQUEST_TIMEOUT, "RequestTimeout", message)
    }

    /// 413 `PayloadTooLarge` (Kusto's subcode): the request body is over the limit.
    pub fn payload_too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge", message)
    }

    /// 500: a bug or an I/O failure in hunt itself.
    pub fn internal(message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", message);
        e.kusto_type = "Kusto.Data.Exceptions.KustoServiceException";
        e
    }

    /// 400 for a query hunt cannot run: hunt's message, the position of the offending text
    /// and the help line, as the CLI shows them.
    pub fn query(err: &hunt::Error, query: &str) -> ApiError {
        let diag = err.diagnostic();
        let position = diag.span.as_ref().map(|s| Position::of(query, s.start));
        let mut message = format!("{}: {}", diag.kind, diag.message);
        if let Some(p) = position {
            message.push_str(&format!(" (at line {}, column {})", p.line, p.column));
        }
        if let Some(help) = &diag.help {
            message.push_str(&format!("; {help}"));
        }
        let (code, kusto_type) = match diag.kind.as_str() {
            "syntax error" => ("SYN0002", "Kusto.Data.Exceptions.SyntaxException"),
            "not supported" => ("SEM0001", "Kusto.Data.Exceptions.SemanticException"),
            "unknown name" | "type error" => ("SEM0100", "Kusto.Data.Exceptions.SemanticException"),
            _ => (
                "General_BadRequest",
                "Kusto.Data.Exceptions.KustoBadRequestException",
            ),
        };
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message,
            kusto_type,
            position,
            query: None,
        }
    }

    /// The OneAPI body.
    pub fn body(&self) -> Value {
        let mut error = json!({
            "code": self.code,
            "message": self.message,
            "@type": self.kusto_type,
            "@message": self.message,
            "@permanent": !matches!(
                self.status,
                StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS
            ) && !self.status.is_server_error(),
            "innerError": {
                "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            },
        });
        if let (Some(p), Some(obj)) = (self.position, error.as_object_mut()) {
            obj.insert("@line".into(), json!(p.line.to_string()));
            obj.insert("@pos".into(), json!(p.column.to_string()));
            obj.insert("@offset".into(), json!(p.offset));
        }
        json!({ "error": error })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        // The audit layer reads the outcome from here.
        response.extensions_mut().insert(self);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let q = "T\n| where é == 1\n| take x";
        let off = q.find("take").unwrap_or(0);
        assert_eq!(
            Position::of(q, off),
            Position {
                line: 3,
                column: 3,
                offset: off
            }
        );
        let off = q.find("==").unwrap_or(0);
        assert_eq!(Position::of(q, off).column, 11);
        assert_eq!(Position::of(q, 10_000).offset, q.len());
    }
}
