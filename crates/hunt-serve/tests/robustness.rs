//! Malformed requests on every route: bad JSON, huge bodies, unknown routes and methods, and
//! a property test throwing random paths, methods, headers and bodies at every route. The
//! server must answer each with a 4xx (never a 5xx, never a dropped connection) and keep
//! serving.

mod common;

use common::TestServer;
use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Every route, with `{id}` where a path parameter goes.
const ROUTES: [(&str, &str); 16] = [
    ("GET", "/"),
    ("GET", "/static/{id}"),
    ("POST", "/v1/rest/query"),
    ("POST", "/v2/rest/query"),
    ("POST", "/v1/rest/mgmt"),
    ("POST", "/v1.0/security/runHuntingQuery"),
    ("GET", "/v1.0/security/alerts_v2"),
    ("GET", "/v1.0/security/alerts_v2/{id}"),
    ("PATCH", "/v1.0/security/alerts_v2/{id}"),
    ("POST", "/v1.0/security/alerts_v2/{id}/comments"),
    ("GET", "/v1.0/security/alerts_v2/{id}/history"),
    ("GET", "/v1.0/security/incidents"),
    ("PATCH", "/v1.0/security/incidents/{id}"),
    ("POST", "/v1.0/security/incidents/{id}/comments"),
    ("GET", "/irm/alerts"),
    ("PATCH", "/irm/alerts/{id}"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_unknown_routes_and_huge_bodies_are_4xx() {
    let s = TestServer::start(true).await;
    for (method, path) in ROUTES {
        if method == "GET" {
            continue;
        }
        let path = path.replace("{id}", "x");
        for body in [
            "",
            "{",
            "[1,2",
            "null",
            "\"text\"",
            "{\"csl\": 5}",
            "\u{0}\u{1}",
        ] {
            let r = s
                .http
                .request(Method::from_bytes(method.as_bytes()).unwrap(), s.url(&path))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("answer");
            assert!(
                r.status().is_client_error(),
                "{method} {path} {body:?}: {}",
                r.status()
            );
            let e: Value = r.json().await.expect("a JSON error body");
            assert!(e["error"]["message"].is_string(), "{e}");
        }
    }
    let r = s.http.get(s.url("/v9/nothing")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = s.http.delete(s.url("/v2/rest/query")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let huge = vec![b'a'; hunt_serve::BODY_LIMIT + 1];
    let r = s
        .http
        .post(s.url("/v2/rest/query"))
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let e: Value = r.json().await.expect("a JSON error body");
    assert_eq!(e["error"]["code"], "PayloadTooLarge", "{e}");
    // Still serving.
    let r = s
        .http
        .post(s.url("/v2/rest/query"))
        .json(&serde_json::json!({"csl": "print 1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

fn arb_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "[ -~]{0,120}".prop_map(String::into_bytes),
        (
            prop_oneof![
                Just("csl"),
                Just("db"),
                Just("properties"),
                Just("Query"),
                Just("status"),
                Just("classification"),
                Just("comment"),
                Just("assignedTo"),
                Just("@odata.etag"),
                Just("version")
            ],
            prop_oneof![
                Just("null".to_owned()),
                Just("1e999".to_owned()),
                Just("[]".to_owned()),
                Just("{\"Options\":{\"servertimeout\":\"x\"}}".to_owned()),
                "\"[ -~]{0,40}\"".prop_map(|s| s),
                any::<i64>().prop_map(|n| n.to_string())
            ],
        )
            .prop_map(|(k, v)| format!("{{\"{k}\": {v}}}").into_bytes()),
    ]
}

#[test]
fn random_requests_never_crash_the_server() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let s = rt.block_on(TestServer::start(true));
    let methods = ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"];
    let config = ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(route in 0..ROUTES.len(), method in 0..methods.len(), id in "[ -~]{0,30}",
                        query in "[ -~]{0,40}", body in arb_body(), bogus_header in "[ -~]{0,30}")| {
        let (_, template) = ROUTES[route];
        let enc: String = id.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
        let qenc: String = query.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'=' || b == b'&' || b == b'$' { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
        let url = format!("{}{}?{qenc}", s.base, template.replace("{id}", &enc));
        let status = rt.block_on(async {
            let mut req = s.http.request(Method::from_bytes(methods[method].as_bytes()).unwrap(), &url).body(body.clone());
            if let Ok(v) = reqwest::header::HeaderValue::from_str(&bogus_header) {
                req = req.header("If-Match", v.clone()).header("content-type", v);
            }
            req.send().await.map(|r| r.status())
        });
        let status = status.map_err(|e| TestCaseError::fail(format!("no answer for {url}: {e}")))?;
        prop_assert!(!status.is_server_error(), "{} {url} -> {status}", methods[method]);
    });
    // Still serving after all of that.
    let ok = rt.block_on(async {
        s.http
            .post(s.url("/v2/rest/query"))
            .json(&serde_json::json!({"csl": "print 1"}))
            .send()
            .await
            .map(|r| r.status())
    });
    assert_eq!(ok.ok(), Some(StatusCode::OK));
}
