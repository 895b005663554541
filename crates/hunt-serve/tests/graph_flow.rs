//! The Graph ↔ IRM alert flow over real HTTP with a real SQLite file: list IRM alerts through
//! Graph, resolve one as a true positive, see `Confirmed` on the IRM side and in `AlertState`,
//! set it back to `Needs review` on the IRM side, see `new` through Graph, read the history,
//! and check roles, audit, etags, paging and incidents.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

const IRM_FILTER: &str = "serviceSource eq 'microsoftInsiderRiskManagement'";

async fn get(s: &TestServer, token: &str, path: &str) -> (StatusCode, Value, Option<String>) {
    let r = s
        .http
        .get(s.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    let status = r.status();
    let etag = r
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, r.json().await.unwrap_or(Value::Null), etag)
}

async fn patch(
    s: &TestServer,
    token: &str,
    path: &str,
    body: Value,
    if_match: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = s.http.patch(s.url(path)).bearer_auth(token).json(&body);
    if let Some(m) = if_match {
        req = req.header("If-Match", m);
    }
    let r = req.send().await.expect("PATCH");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn kql(s: &TestServer, token: &str, q: &str) -> Vec<Value> {
    let r = s
        .http
        .post(s.url("/v2/rest/query"))
        .bearer_auth(token)
        .json(&json!({"csl": q}))
        .send()
        .await
        .expect("query");
    assert_eq!(r.status(), 200);
    let frames: Value = r.json().await.expect("frames");
    frames
        .as_array()
        .and_then(|f| f.iter().find(|f| f["TableKind"] == "PrimaryResult"))
        .map(|t| t["Rows"].as_array().cloned().unwrap_or_default())
        .unwrap_or_default()
}

fn filter_path(filter: &str) -> String {
    let enc: String = filter
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/v1.0/security/alerts_v2?$filter={enc}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_and_irm_share_alert_state() {
    let s = TestServer::start(false).await;
    // IRM alerts through Graph.
    let (status, list, _) = get(&s, &s.analyst, &filter_path(IRM_FILTER)).await;
    assert_eq!(status, 200, "{list}");
    let alerts = list["value"].as_array().expect("value").clone();
    assert!(!alerts.is_empty(), "the generated data has IRM alerts");
    assert!(
        alerts
            .iter()
            .all(|a| a["serviceSource"] == "microsoftInsiderRiskManagement")
    );
    // The IRM endpoint lists exactly the same alerts.
    let (_, irm_list, _) = get(&s, &s.analyst, "/irm/alerts").await;
    let mut graph_ids: Vec<&str> = alerts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    let mut irm_ids: Vec<&str> = irm_list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    graph_ids.sort_unstable();
    irm_ids.sort_unstable();
    assert_eq!(graph_ids, irm_ids);
    let a = &alerts[0];
    let id = a["id"].as_str().unwrap().to_owned();
    for field in [
        "id",
        "providerAlertId",
        "incidentId",
        "status",
        "severity",
        "classification",
        "determination",
        "serviceSource",
        "detectionSource",
        "title",
        "category",
        "assignedTo",
        "createdDateTime",
        "lastUpdateDateTime",
        "firstActivityDateTime",
        "lastActivityDateTime",
        "mitreTechniques",
        "evidence",
    ] {
        assert!(a.get(field).is_some(), "alert has {field}: {a}");
    }
    assert_eq!(a["status"], "new");
    assert!(
        a["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["@odata.type"] == "#microsoft.graph.security.userEvidence")
    );

    // Resolve as a true positive through Graph, with the etag just read.
    let path = format!("/v1.0/security/alerts_v2/{id}");
    let (_, _, etag) = get(&s, &s.analyst, &path).await;
    let etag = etag.expect("ETag header");
    let (status, updated) = patch(
        &s,
        &s.analyst,
        &path,
        json!({"status": "resolved", "classification": "truePositive"}),
        Some(&etag),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["status"], "resolved");
    assert_eq!(updated["classification"], "truePositive");
    // The old etag is stale now: 412, and nothing changes.
    let (status, _) = patch(
        &s,
        &s.analyst,
        &path,
        json!({"status": "inProgress"}),
        Some(&etag),
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    // A stale @odata.etag in the body: 409.
    let (status, _) = patch(
        &s,
        &s.analyst,
        &path,
        json!({"status": "inProgress", "@odata.etag": etag}),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The IRM side and the AlertState table see Confirmed.
    let irm_path = format!("/irm/alerts/{id}");
    let (_, irm, irm_etag) = get(&s, &s.analyst, &irm_path).await;
    assert_eq!(irm["status"], "Confirmed");
    let rows = kql(
        &s,
        &s.analyst,
        &format!(
            "AlertState | where AlertId == '{id}' | project IrmStatus, Status, Classification"
        ),
    )
    .await;
    assert_eq!(rows, vec![json!(["Confirmed", "resolved", "truePositive"])]);
    let rows = kql(&s, &s.analyst, &format!(
        "AlertInfo | where AlertId == '{id}' | join kind=inner (AlertState) on AlertId | project AlertId, IrmStatus"
    )).await;
    assert_eq!(rows, vec![json!([id, "Confirmed"])]);

    // Back to Needs review on the IRM side: Graph shows new.
    let (status, body) = patch(
        &s,
        &s.analyst,
        &irm_path,
        json!({"status": "Needs review"}),
        irm_etag.as_deref(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, graph_view, _) = get(&s, &s.analyst, &path).await;
    assert_eq!(graph_view["status"], "new");
    let rows = kql(
        &s,
        &s.analyst,
        &format!("AlertState | where AlertId == '{id}' | project IrmStatus"),
    )
    .await;
    assert_eq!(rows, vec![json!(["Needs review"])]);

    // The history has both changes: who, when, old, new, through which API.
    let (_, irm, _) = get(&s, &s.analyst, &irm_path).await;
    let history = irm["history"].as_array().unwrap();
    let summary: Vec<(String, Value, Value, String)> = history
        .iter()
        .map(|h| {
            (
                h["field"].as_str().unwrap().to_owned(),
                h["oldValue"].clone(),
                h["newValue"].clone(),
                h["via"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "status".into(),
                json!("new"),
                json!("resolved"),
                "graph".into()
            ),
            (
                "classification".into(),
                Value::Null,
                json!("truePositive"),
                "graph".into()
            ),
            (
                "status".into(),
                json!("resolved"),
                json!("new"),
                "irm".into()
            ),
        ]
    );
    assert!(
        history
            .iter()
            .all(|h| h["changedBy"] == "analyst@contoso.com")
    );

    // A principal without an IRM role gets 403 on the IRM side, and it is audited.
    let (status, body, _) = get(&s, &s.operator, "/irm/alerts").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let audit = s.audit();
    assert!(
        audit
            .iter()
            .any(|r| r["principal"] == "operator@contoso.com"
                && r["status"] == 403
                && r["route"] == "GET /irm/alerts"
                && r["outcome"] == "denied")
    );
    // A reader may read but not write.
    let (status, _) = patch(&s, &s.reader, &path, json!({"status": "inProgress"}), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // No token: 401, audited as anonymous.
    let r = s
        .http
        .get(s.url("/v1.0/security/alerts_v2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        s.audit()
            .iter()
            .any(|r| r["principal"] == "anonymous" && r["status"] == 401)
    );
    // Every request so far is in the audit log with its route.
    assert!(
        s.audit()
            .iter()
            .any(|r| r["route"] == "PATCH /v1.0/security/alerts_v2/{id}"
                && r["action"] == "http"
                && r["status"] == 200)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_page_filter_and_order() {
    let s = TestServer::start(false).await;
    let (_, all, _) = get(
        &s,
        &s.reader,
        "/v1.0/security/alerts_v2?$top=2000&$count=true",
    )
    .await;
    let total = all["@odata.count"].as_u64().unwrap() as usize;
    assert_eq!(all["value"].as_array().unwrap().len(), total);
    assert!(total > 3);
    // Paging with nextLink visits every alert once, in $orderby order.
    let mut url = s.url("/v1.0/security/alerts_v2?$top=3&$orderby=createdDateTime%20desc");
    let mut seen: Vec<String> = Vec::new();
    let mut times: Vec<String> = Vec::new();
    loop {
        let r = s
            .http
            .get(&url)
            .bearer_auth(&s.reader)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let page: Value = r.json().await.unwrap();
        for a in page["value"].as_array().unwrap() {
            seen.push(a["id"].as_str().unwrap().to_owned());
            times.push(a["createdDateTime"].as_str().unwrap().to_owned());
        }
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "createdDateTime desc");
    // A createdDateTime range and a severity filter agree with a plain count over the list.
    let mid = &times[total / 2];
    let f = format!("createdDateTime ge {mid} and severity eq 'high'");
    let (status, page, _) = get(&s, &s.reader, &format!("{}&$top=2000", filter_path(&f))).await;
    assert_eq!(status, 200, "{page}");
    let expected = all["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| {
            a["severity"] == "high" && a["createdDateTime"].as_str().unwrap() >= mid.as_str()
        })
        .count();
    assert_eq!(page["value"].as_array().unwrap().len(), expected);
    // Unsupported filter fields and options are refused by name.
    let (status, body, _) = get(&s, &s.reader, &filter_path("evidence eq 'x'")).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("evidence")
    );
    let (status, _, _) = get(&s, &s.reader, "/v1.0/security/alerts_v2?$search=x").await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incidents_group_alerts_by_user_and_take_patches() {
    let s = TestServer::start(false).await;
    let (status, list, _) = get(
        &s,
        &s.reader,
        "/v1.0/security/incidents?$expand=alerts&$top=2000",
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let incidents = list["value"].as_array().unwrap();
    let (_, alerts, _) = get(&s, &s.reader, "/v1.0/security/alerts_v2?$top=2000").await;
    // Every alert is in exactly the incident its incidentId names; one incident per user.
    let mut users = std::collections::HashSet::new();
    for inc in incidents {
        for a in inc["alerts"].as_array().unwrap() {
            assert_eq!(a["incidentId"], inc["id"]);
        }
        if let Some(u) = inc["user"].as_str() {
            assert!(users.insert(u.to_owned()), "user {u} has two incidents");
        }
    }
    let in_incidents: usize = incidents
        .iter()
        .map(|i| i["alerts"].as_array().unwrap().len())
        .sum();
    assert_eq!(in_incidents, alerts["value"].as_array().unwrap().len());
    let id = incidents[0]["id"].as_str().unwrap();
    let path = format!("/v1.0/security/incidents/{id}");
    let (status, body) = patch(&s, &s.operator, &path, json!({"status": "resolved", "classification": "falsePositive", "assignedTo": "soc@contoso.com"}), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "resolved");
    assert_eq!(body["assignedTo"], "soc@contoso.com");
    let (status, _) = patch(&s, &s.operator, &path, json!({"status": "closed"}), None).await;
    assert_eq!(status, 400);
    let r = s
        .http
        .post(s.url(&format!("{path}/comments")))
        .bearer_auth(&s.operator)
        .json(&json!({"comment": "benign admin activity"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, inc, _) = get(&s, &s.reader, &path).await;
    assert_eq!(inc["comments"][0]["comment"], "benign admin activity");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_hunting_query_answers_schema_and_results() {
    let s = TestServer::start(false).await;
    let r = s.http.post(s.url("/v1.0/security/runHuntingQuery")).bearer_auth(&s.reader)
        .json(&json!({"Query": "datatable(a:long, b:string)[1, 'x'] | extend t = datetime(2025-06-01)"}))
        .send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["schema"],
        json!([{"name": "a", "type": "Int64"}, {"name": "b", "type": "String"}, {"name": "t", "type": "DateTime"}])
    );
    assert_eq!(
        body["results"],
        json!([{"a": 1, "b": "x", "t": "2025-06-01T00:00:00.0000000Z"}])
    );
    assert!(
        body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("huntingQueryResults")
    );
    let r = s
        .http
        .post(s.url("/v1.0/security/runHuntingQuery"))
        .bearer_auth(&s.reader)
        .json(&json!({"Query": "AlertInfo | take"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
