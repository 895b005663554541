//! A query past its `servertimeout`, or whose client went away, is cancelled: the engine's
//! work for it stops (its scans see the cancel token before their next row group), its
//! concurrency slot is freed, and the server keeps answering.
//!
//! The slow query reads a table of 1024 row groups of 16 rows and expands each row into
//! 10,000 (164 million rows in all), so it cannot finish within its one-second timeout on
//! any machine; "it stopped" is read from the server's query registry and the token's
//! scan progress (row groups handed out before the cancel), never from a clock.

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use arrow::array::{Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use common::TestServer;
use hunt_serve::queries::QueryStats;
use serde_json::{Value, json};

const ROW_GROUPS: u64 = 1024;
const ROWS_PER_GROUP: usize = 16;
const SLOW: &str = "Slow | extend r = range(1, 10000) | mv-expand r | summarize count()";

/// `DIR/Slow.parquet`: a column `n` of 1..=16384 in row groups of 16 rows.
fn write_slow_table(dir: &Path) {
    let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
    let rows = ROW_GROUPS as i64 * ROWS_PER_GROUP as i64;
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(Int64Array::from_iter_values(1..=rows))],
    )
    .expect("batch");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_size(ROWS_PER_GROUP)
        .build();
    let file = std::fs::File::create(dir.join("Slow.parquet")).expect("create Slow.parquet");
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
}

async fn slow_server() -> (TestServer, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("tempdir");
    write_slow_table(data.path());
    (
        TestServer::start_with(data.path().to_path_buf(), true).await,
        data,
    )
}

/// Waits until no query runs on the engine any more (a guard against hanging, not a
/// timing assertion: cancellation is expected to take a row group's work).
async fn engine_idle(s: &TestServer) -> QueryStats {
    let waiting = std::time::Instant::now();
    for _ in 0..1200 {
        let stats = s.state.queries.stats();
        if stats.running == 0 {
            // For the record (not asserted): how far the scan got, how long it took to stop.
            eprintln!(
                "cancelled query stopped after {:?}: {:?}",
                waiting.elapsed(),
                stats.last_cancelled
            );
            return stats;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "a cancelled query still runs after 2 minutes: {:?}",
        s.state.queries.stats()
    );
}

/// The cancelled query stopped part-way: its scans had planned every row group and
/// handed out only some before the cancel.
fn assert_stopped_part_way(stats: &QueryStats) {
    let progress = stats
        .last_cancelled
        .expect("the cancelled query's progress");
    assert_eq!(progress.row_groups_total, ROW_GROUPS, "{progress:?}");
    assert!(
        progress.row_groups_done < ROW_GROUPS,
        "the scan went through every row group: {progress:?}"
    );
}

async fn assert_pool_free(s: &TestServer) {
    assert_eq!(
        s.state.query_slots.available_permits(),
        hunt_serve::runner::MAX_CONCURRENT_QUERIES
    );
    // A small query on the same table is answered, and right.
    let r = s
        .http
        .post(s.url("/v1/rest/query"))
        .json(&json!({"csl": "Slow | where n > 16000 | summarize c = count(), s = sum(n)"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.expect("json");
    // 16001..=16384: 384 rows summing to 384 * (16001 + 16384) / 2.
    assert_eq!(body["Tables"][0]["Rows"], json!([[384, 6_217_920]]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_past_its_servertimeout_is_cancelled_and_frees_the_pool() {
    let (s, _data) = slow_server().await;
    let r = s
        .http
        .post(s.url("/v2/rest/query"))
        .json(&json!({
            "csl": SLOW,
            "properties": {"Options": {"servertimeout": "00:00:01"}}
        }))
        .send()
        .await
        .expect("answer");
    // Kusto's REST reference: 504, subcode Timeout, in the OneAPI error shape.
    assert_eq!(r.status(), 504);
    let body: Value = r.json().await.expect("a JSON error body");
    let e = &body["error"];
    assert_eq!(e["code"], "Timeout", "{body}");
    assert_eq!(e["@permanent"], false, "{body}");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("servertimeout")),
        "{body}"
    );
    assert_eq!(e["@message"], e["message"]);

    let stats = engine_idle(&s).await;
    assert_eq!(stats.cancelled, 1, "{stats:?}");
    assert_stopped_part_way(&stats);
    assert_pool_free(&s).await;
    let audited = s.audit().into_iter().any(|r| {
        r["status"] == 504
            && r["route"] == "POST /v2/rest/query"
            && r["query"] == SLOW
            && r["error"]
                .as_str()
                .is_some_and(|e| e.contains("servertimeout"))
    });
    assert!(audited, "{:?}", s.audit());
}

/// A client that sends a slow query and closes its connection: hyper drops the request,
/// and with it the guard that cancels the query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_whose_client_went_away_is_cancelled() {
    let (s, _data) = slow_server().await;
    let body = json!({"csl": SLOW}).to_string();
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
    let request = format!(
        "POST /v2/rest/query HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    // Wait until the engine works on it, then go away.
    let mut started = false;
    for _ in 0..1200 {
        if s.state.queries.stats().running == 1 {
            started = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(started, "the query never started");
    drop(stream);

    let stats = engine_idle(&s).await;
    assert_eq!(stats.cancelled, 1, "{stats:?}");
    assert_stopped_part_way(&stats);
    assert_pool_free(&s).await;
}
