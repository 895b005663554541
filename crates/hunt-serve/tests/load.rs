//! A bounded load test on loopback: 16 concurrent clients × 200 requests each, mixing Kusto
//! queries, Graph reads, PATCHes with `If-Match` and comments. It checks that no request gets
//! a 5xx and that no update is lost (each alert's version equals the PATCHes that succeeded on
//! it, and every accepted comment is stored), and prints the p50/p99 latencies (measured,
//! not asserted: speed belongs to benchmarks).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::TestServer;
use serde_json::{Value, json};
use tokio::sync::Mutex;

const CLIENTS: usize = 16;
const REQUESTS: usize = 200;
/// Alerts the clients fight over.
const HOT: usize = 4;

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    server_errors: Vec<String>,
    patch_ok: Vec<usize>,
    comments_ok: usize,
    conflicts: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_clients_two_hundred_requests_each() {
    let s = Arc::new(TestServer::start(false).await);
    let (_, ids) = {
        let r = s
            .http
            .get(s.url("/v1.0/security/alerts_v2?$top=2000&$select=id"))
            .bearer_auth(&s.operator)
            .send()
            .await
            .unwrap();
        let v: Value = r.json().await.unwrap();
        (
            (),
            v["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>(),
        )
    };
    assert!(ids.len() >= HOT);
    let hot: Arc<Vec<String>> = Arc::new(ids[..HOT].to_vec());
    let tally = Arc::new(Mutex::new(Tally {
        patch_ok: vec![0; HOT],
        ..Tally::default()
    }));
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (s, hot, tally) = (s.clone(), hot.clone(), tally.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for i in 0..REQUESTS {
                let k = (c + i) % HOT;
                let id = &hot[k];
                let started = Instant::now();
                let (status, what) = match i % 5 {
                    0 => {
                        let q =
                            "AlertInfo | summarize n = count() by Severity | order by Severity asc";
                        let r = http
                            .post(s.url("/v2/rest/query"))
                            .bearer_auth(&s.operator)
                            .json(&json!({"csl": q}))
                            .send()
                            .await;
                        (r.map(|r| r.status()), "query")
                    }
                    1 => {
                        let r = http
                            .get(s.url(
                                "/v1.0/security/alerts_v2?$top=20&$orderby=createdDateTime%20desc",
                            ))
                            .bearer_auth(&s.operator)
                            .send()
                            .await;
                        (r.map(|r| r.status()), "list")
                    }
                    2 | 3 => {
                        // Read the etag, then PATCH with If-Match: 200 or 412, never a silent overwrite.
                        let path = s.url(&format!("/v1.0/security/alerts_v2/{id}"));
                        let got = http.get(&path).bearer_auth(&s.operator).send().await;
                        let etag = got.ok().and_then(|r| {
                            r.headers()
                                .get("etag")
                                .and_then(|v| v.to_str().ok())
                                .map(str::to_owned)
                        });
                        let r = http
                            .patch(&path)
                            .bearer_auth(&s.operator)
                            .header("If-Match", etag.unwrap_or_default())
                            .json(&json!({"assignedTo": format!("client{c}-{i}")}))
                            .send()
                            .await;
                        let st = r.map(|r| r.status());
                        let mut t = tally.lock().await;
                        match &st {
                            Ok(x) if x.as_u16() == 200 => t.patch_ok[k] += 1,
                            Ok(x) if x.as_u16() == 412 => t.conflicts += 1,
                            _ => {}
                        }
                        (st, "patch")
                    }
                    _ => {
                        let r = http
                            .post(s.url(&format!("/v1.0/security/alerts_v2/{id}/comments")))
                            .bearer_auth(&s.operator)
                            .json(&json!({"comment": format!("client{c}-{i}")}))
                            .send()
                            .await;
                        let st = r.map(|r| r.status());
                        if matches!(&st, Ok(x) if x.as_u16() == 200) {
                            tally.lock().await.comments_ok += 1;
                        }
                        (st, "comment")
                    }
                };
                let elapsed = started.elapsed();
                let mut t = tally.lock().await;
                t.latencies.push(elapsed);
                match status {
                    Ok(st) if st.is_server_error() => t.server_errors.push(format!("{what}: {st}")),
                    Ok(_) => {}
                    Err(e) => t.server_errors.push(format!("{what}: no answer: {e}")),
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("client task");
    }
    let mut t = tally.lock().await;
    assert!(t.server_errors.is_empty(), "{:?}", t.server_errors);
    assert_eq!(t.latencies.len(), CLIENTS * REQUESTS);
    // No lost update: every accepted PATCH produced exactly one version.
    let store = s.state.store.clone();
    for (k, id) in hot.iter().enumerate() {
        let st = store.get(hunt_serve::store::Kind::Alert, id).unwrap();
        assert_eq!(st.version as usize, t.patch_ok[k], "alert {id}");
        let history = store.history(hunt_serve::store::Kind::Alert, id).unwrap();
        assert_eq!(
            history.len(),
            t.patch_ok[k],
            "one history row per accepted PATCH of {id}"
        );
    }
    let comments: usize = hot
        .iter()
        .map(|id| {
            store
                .comments(hunt_serve::store::Kind::Alert, id)
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(comments, t.comments_ok);
    t.latencies.sort();
    let pct = |p: f64| t.latencies[((t.latencies.len() as f64 - 1.0) * p) as usize];
    eprintln!(
        "load: {} requests from {CLIENTS} clients; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} PATCHes accepted, {} refused with 412; {} comments",
        t.latencies.len(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        pct(1.0).as_secs_f64() * 1e3,
        t.patch_ok.iter().sum::<usize>(),
        t.conflicts,
        t.comments_ok,
    );
}
