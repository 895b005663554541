//! Kusto REST endpoints over real HTTP: v2 frames, v1 tables, errors with position,
//! request properties, control commands.

mod common;

use common::TestServer;
use serde_json::{Value, json};

async fn post(s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let r = s
        .http
        .post(s.url(path))
        .bearer_auth(&s.reader)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.expect("JSON body"))
}

fn table<'a>(frames: &'a Value, kind: &str) -> &'a Value {
    frames
        .as_array()
        .expect("frames")
        .iter()
        .find(|f| f["TableKind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} frame in {frames}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_frames_carry_rows_types_and_render() {
    let s = TestServer::start(false).await;
    let q = "datatable(a:long, b:string, t:datetime)[1, 'x', datetime(2025-06-01), 2, 'y', datetime(2025-06-02)] \
             | where a > 1 | extend r = 1.5 | render columnchart with (title='T')";
    let (status, frames) = post(&s, "/v2/rest/query", json!({"db": "hunt", "csl": q})).await;
    assert_eq!(status, 200, "{frames}");
    let kinds: Vec<&str> = frames
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["FrameType"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "DataSetHeader",
            "DataTable",
            "DataTable",
            "DataTable",
            "DataSetCompletion"
        ]
    );
    let primary = table(&frames, "PrimaryResult");
    let cols: Vec<(&str, &str)> = primary["Columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["ColumnName"].as_str().unwrap(),
                c["ColumnType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cols,
        [
            ("a", "long"),
            ("b", "string"),
            ("t", "datetime"),
            ("r", "real")
        ]
    );
    assert_eq!(
        primary["Rows"],
        json!([[2, "y", "2025-06-02T00:00:00.0000000Z", 1.5]])
    );
    let props = table(&frames, "QueryProperties");
    assert_eq!(props["TableName"], "@ExtendedProperties");
    let vis: Value = serde_json::from_str(props["Rows"][0][2].as_str().unwrap()).unwrap();
    assert_eq!(vis["Visualization"], "columnchart");
    assert_eq!(vis["Title"], "T");
    assert_eq!(props["Rows"][0][0], primary["TableId"]);
    let done = frames.as_array().unwrap().last().unwrap();
    assert_eq!(done["HasErrors"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_query_is_400_with_message_and_position() {
    let s = TestServer::start(false).await;
    let (status, body) = post(
        &s,
        "/v2/rest/query",
        json!({"db": "hunt", "csl": "AlertInfo\n| where NoSuchColumn == 1"}),
    )
    .await;
    assert_eq!(status, 400);
    let e = &body["error"];
    let msg = e["@message"].as_str().unwrap();
    assert!(msg.contains("NoSuchColumn"), "{msg}");
    assert_eq!(e["@line"], "2");
    assert_eq!(e["@pos"], "9");
    assert_eq!(e["@type"], "Kusto.Data.Exceptions.SemanticException");
    let (status, body) = post(&s, "/v1/rest/query", json!({"csl": "AlertInfo | wher x"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["@type"],
        "Kusto.Data.Exceptions.SyntaxException"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncation_and_properties_are_honoured_or_refused() {
    let s = TestServer::start(false).await;
    let props = json!({"Options": {"truncationmaxrecords": 3}}).to_string();
    let q = "range x from 1 to 5 step 1";
    let (status, frames) = post(&s, "/v2/rest/query", json!({"csl": q, "properties": props})).await;
    assert_eq!(status, 200);
    let rows = table(&frames, "PrimaryResult")["Rows"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(rows.len(), 4, "3 rows then the error: {rows:?}");
    assert_eq!(rows[..3], [json!([1]), json!([2]), json!([3])]);
    assert!(
        rows[3]["OneApiErrors"][0]["error"]["@message"]
            .as_str()
            .unwrap()
            .contains("E_QUERY_RESULT_SET_TOO_LARGE")
    );
    assert_eq!(
        frames.as_array().unwrap().last().unwrap()["HasErrors"],
        true
    );
    let (status, _) = post(&s, "/v1/rest/query", json!({"csl": q, "properties": props})).await;
    assert_eq!(status, 400);
    // notruncation lifts the limit.
    let props = json!({"Options": {"truncationmaxrecords": 3, "notruncation": true}});
    let (_, frames) = post(&s, "/v2/rest/query", json!({"csl": q, "properties": props})).await;
    assert_eq!(
        table(&frames, "PrimaryResult")["Rows"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // query_now fixes now().
    let props = json!({"Options": {"query_now": "2024-01-02T03:04:05Z"}});
    let (_, frames) = post(
        &s,
        "/v2/rest/query",
        json!({"csl": "print n = now()", "properties": props}),
    )
    .await;
    assert_eq!(
        table(&frames, "PrimaryResult")["Rows"],
        json!([["2024-01-02T03:04:05.0000000Z"]])
    );
    // An option hunt does not know is refused by name.
    let props = json!({"Options": {"query_fanout_threads_percent": 50}});
    let (status, body) = post(&s, "/v2/rest/query", json!({"csl": q, "properties": props})).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("query_fanout_threads_percent")
    );
    // An unknown database is refused.
    let (status, _) = post(&s, "/v2/rest/query", json!({"db": "Other", "csl": q})).await;
    assert_eq!(status, 404);
}

/// The client gets 504 `Timeout` at the deadline even when the work cannot be interrupted
/// (a `range` is built before any scan runs, and only scans check the cancel token: see
/// docs/server.md, Limits), so the runtime is shut down without waiting for that query.
/// `tests/cancel.rs` shows a scanning query stopped.
#[test]
fn servertimeout_answers_504_at_the_deadline() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = TestServer::start(false).await;
        let props = json!({"Options": {"servertimeout": "00:00:00.001"}});
        let q = "range x from 1 to 10000000 step 1 | summarize dcount(x)";
        let (status, body) =
            post(&s, "/v2/rest/query", json!({"csl": q, "properties": props})).await;
        assert_eq!(status, 504, "{body}");
        assert_eq!(body["error"]["code"], "Timeout", "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("servertimeout")
        );
    });
    rt.shutdown_background();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_commands_answer_v1_tables() {
    let s = TestServer::start(false).await;
    let (status, body) = post(&s, "/v1/rest/mgmt", json!({"csl": ".show tables"})).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = body["Tables"][0]["Rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap())
        .collect();
    for t in [
        "AlertEvidence",
        "AlertInfo",
        "DataSecurityBehaviors",
        "DataSecurityEvents",
    ] {
        assert!(names.contains(&t), "{names:?}");
    }
    let (_, body) = post(
        &s,
        "/v1/rest/mgmt",
        json!({"csl": ".show table AlertInfo schema as json"}),
    )
    .await;
    let schema: Value =
        serde_json::from_str(body["Tables"][0]["Rows"][0][1].as_str().unwrap()).unwrap();
    assert_eq!(
        schema["OrderedColumns"][0],
        json!({"Name": "Timestamp", "Type": "System.DateTime", "CslType": "datetime"})
    );
    assert_eq!(schema["OrderedColumns"][1]["Name"], "AlertId");
    let (_, body) = post(
        &s,
        "/v1/rest/mgmt",
        json!({"csl": ".show database schema as json"}),
    )
    .await;
    let schema: Value =
        serde_json::from_str(body["Tables"][0]["Rows"][0][0].as_str().unwrap()).unwrap();
    assert!(schema["Databases"]["hunt"]["Tables"]["AlertEvidence"]["OrderedColumns"].is_array());
    let (_, body) = post(&s, "/v1/rest/mgmt", json!({"csl": ".show functions"})).await;
    let irm_status = body["Tables"][0]["Rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == "IrmAlertStatus")
        .expect("the built-in IrmAlertStatus is listed")
        .clone();
    assert!(
        irm_status[1]
            .as_str()
            .unwrap()
            .starts_with("(defenderStatus:string"),
        "{irm_status}"
    );
    assert!(irm_status[2].as_str().unwrap().starts_with('{'));
    let (status, body) = post(&s, "/v1/rest/mgmt", json!({"csl": ".show version"})).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["Tables"][0]["Columns"][0]["ColumnName"],
        "BuildVersion"
    );
    let (status, body) = post(&s, "/v1/rest/mgmt", json!({"csl": ".drop table AlertInfo"})).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(".drop table AlertInfo")
    );
    let (status, _) = post(
        &s,
        "/v1/rest/mgmt",
        json!({"csl": ".show table Nope schema as json"}),
    )
    .await;
    assert_eq!(status, 404);
}
