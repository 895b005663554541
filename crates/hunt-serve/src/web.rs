//! The web page at `/`: one HTML file, one script and one stylesheet, compiled into the
//! binary (no build step). The page calls the same API as any client, with the token the
//! user pastes (kept in the browser's session storage).

use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::error::ApiError;

const INDEX: &str = include_str!("../web/index.html");
const APP_JS: &str = include_str!("../web/app.js");
const APP_CSS: &str = include_str!("../web/app.css");

/// `GET /`.
pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}

/// `GET /static/{file}`.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, mime) = match file.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        _ => return ApiError::not_found(format!("no file /static/{file}")).into_response(),
    };
    ([(header::CONTENT_TYPE, mime)], body).into_response()
}
