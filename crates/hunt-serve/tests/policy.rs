//! The insider-risk access policy (`DIR/hunt.toml`, hunt-irm's defaults) applied to API
//! queries: a principal whose roles may not read a table gets 403 naming the table, the
//! allowed and the refused query are both in the directory's audit log.

mod common;

use common::{TestServer, data_dir};
use serde_json::{Value, json};

/// A data directory with the shared test tables (symlinked) and the default policy.
fn dir_with_policy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(data_dir()).expect("data dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with('.') {
            std::os::unix::fs::symlink(entry.path(), dir.path().join(name)).expect("symlink");
        }
    }
    hunt_irm::policy::init_policy(dir.path(), false).expect("write hunt.toml");
    dir
}

async fn query(s: &TestServer, token: &str, q: &str) -> (u16, Value) {
    let r = s
        .http
        .post(s.url("/v2/rest/query"))
        .bearer_auth(token)
        .json(&json!({"csl": q}))
        .send()
        .await
        .expect("query");
    (r.status().as_u16(), r.json().await.expect("JSON"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_that_may_not_read_a_table_gets_403_naming_it() {
    let dir = dir_with_policy();
    let s = TestServer::start_with(dir.path().to_owned(), false).await;
    let q = "DataSecurityEvents | count";
    let (status, body) = query(&s, &s.reader, q).await;
    assert_eq!(status, 403, "{body}");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("DataSecurityEvents"), "{msg}");
    // An IRM analyst who is also a Security Reader may.
    let (status, body) = query(&s, &s.analyst, q).await;
    assert_eq!(status, 200, "{body}");
    // The directory's audit log has the refused and the allowed query, and the requests.
    let log = std::fs::read_to_string(dir.path().join("hunt-audit.jsonl")).expect("audit log");
    let records: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let queries: Vec<(&str, &str)> = records
        .iter()
        .filter(|r| r["action"] == "query" && r["query"] == q)
        .map(|r| {
            (
                r["principal"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        queries,
        [
            ("reader@contoso.com", "denied"),
            ("analyst@contoso.com", "ok")
        ]
    );
    assert!(records.iter().any(|r| r["action"] == "http"
        && r["route"] == "POST /v2/rest/query"
        && r["status"] == 403));
}
