//! Slow clients: a client that trickles its request head, never sends anything, or never
//! finishes its body is cut off (hyper's header read timeout; the body deadline answers
//! 408 in the OneAPI shape) while the other clients are served; graceful shutdown still
//! lets a request in flight finish.
//!
//! The raw clients are plain `TcpStream`s on threads of their own, one byte at a time. The
//! server runs with one-second timeouts; the loops below are bounded only to fail rather
//! than hang if the server never cuts the client off.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::TestServer;
use serde_json::{Value, json};

/// How a raw client's connection ended.
#[derive(Debug)]
enum Ending {
    /// The server closed (or reset) the connection after sending these bytes.
    Closed(Vec<u8>),
    /// The client gave up: the server never cut it off.
    NotCutOff,
}

impl Ending {
    /// The status code of the response the server sent before closing, if any.
    fn status(&self) -> Option<u16> {
        let Ending::Closed(bytes) = self else {
            return None;
        };
        let text = String::from_utf8_lossy(bytes);
        text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
    }

    fn body(&self) -> Option<Value> {
        let Ending::Closed(bytes) = self else {
            return None;
        };
        let text = String::from_utf8_lossy(bytes);
        let (_, body) = text.split_once("\r\n\r\n")?;
        serde_json::from_str(body).ok()
    }
}

async fn server() -> TestServer {
    TestServer::start_configured(common::data_dir(), true, |o| {
        o.header_timeout = Duration::from_secs(1);
        o.body_timeout = Duration::from_secs(1);
    })
    .await
}

fn addr(s: &TestServer) -> String {
    s.base.trim_start_matches("http://").to_owned()
}

/// Sends `start`, then one byte of `trickle` every 100 ms (none when it is empty), reading
/// what the server answers, until the server closes the connection or 60 s have passed.
fn trickle(addr: &str, start: &[u8], trickle: u8) -> Ending {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("read timeout");
    let mut received = Vec::new();
    let mut writing = stream.write_all(start).is_ok();
    for _ in 0..600 {
        if writing && trickle != 0 {
            // A write can fail once the server has closed; keep reading what it sent.
            writing = stream.write_all(&[trickle]).is_ok();
        }
        let mut buf = [0u8; 4096];
        match stream.read(&mut buf) {
            Ok(0) => return Ending::Closed(received),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Ending::Closed(received),
        }
    }
    Ending::NotCutOff
}

/// Other clients are served while `slow` runs; returns how `slow` ended.
async fn served_meanwhile(
    s: &TestServer,
    slow: impl FnOnce() -> Ending + Send + 'static,
) -> Ending {
    let slow = std::thread::spawn(slow);
    // A fresh connection per request: the pool's idle connections are not what is tested.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    for i in 0..5 {
        let r = client
            .post(s.url("/v1/rest/query"))
            .json(&json!({"csl": format!("print x = {i}")}))
            .send()
            .await
            .expect("answer");
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["Tables"][0]["Rows"], json!([[i]]));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::task::spawn_blocking(move || slow.join().expect("the slow client"))
        .await
        .expect("join")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_trickling_its_headers_is_cut_off() {
    let s = server().await;
    let a = addr(&s);
    let start = format!("POST /v1/rest/query HTTP/1.1\r\nHost: {a}\r\nX-Slow: ");
    let ending = served_meanwhile(&s, move || trickle(&a, start.as_bytes(), b'a')).await;
    // hyper closes the connection without an answer (a 408 would do as well).
    assert!(
        matches!(ending, Ending::Closed(_)) && ending.status().is_none_or(|c| c == 408),
        "{ending:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_nothing_is_cut_off() {
    let s = server().await;
    let a = addr(&s);
    let ending = served_meanwhile(&s, move || trickle(&a, b"", 0)).await;
    assert!(matches!(ending, Ending::Closed(_)), "{ending:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_ends_is_408() {
    let s = server().await;
    let a = addr(&s);
    let start = format!(
        "POST /v1/rest/query HTTP/1.1\r\nHost: {a}\r\nContent-Type: application/json\r\n\
         Content-Length: 100000\r\n\r\n{{\"csl\": \"print 1 // "
    );
    let ending = served_meanwhile(&s, move || trickle(&a, start.as_bytes(), b'a')).await;
    assert_eq!(ending.status(), Some(408), "{ending:?}");
    let body = ending.body().expect("a JSON body");
    assert_eq!(body["error"]["code"], "RequestTimeout", "{body}");
    assert_eq!(body["error"]["@permanent"], false, "{body}");
    // Audited like every request.
    assert!(
        s.audit()
            .iter()
            .any(|r| r["status"] == 408 && r["route"] == "POST /v1/rest/query"),
        "{:?}",
        s.audit()
    );
}

/// Shutdown is asked while a request's body is still arriving: that request is answered,
/// then the server stops and refuses new connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_lets_a_request_in_flight_finish() {
    let mut s = TestServer::start_configured(common::data_dir(), true, |_| {}).await;
    let a = addr(&s);
    let body = json!({"csl": "print answer = 42"}).to_string();
    let (head, tail) = body.split_at(10);
    let mut stream = TcpStream::connect(&a).expect("connect");
    write!(
        stream,
        "POST /v1/rest/query HTTP/1.1\r\nHost: {a}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{head}",
        body.len()
    )
    .expect("send the head");
    stream.flush().expect("flush");
    // Give the server time to read the head, so the request is in flight.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped = s.shutdown().expect("the server task");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let tail = tail.to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        stream.write_all(tail.as_bytes()).expect("send the rest");
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        text
    })
    .await
    .expect("join");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("[[42]]"), "{answer}");
    tokio::time::timeout(Duration::from_secs(60), stopped)
        .await
        .expect("the server stops")
        .expect("the server task");
    assert!(TcpStream::connect(&a).is_err(), "still accepting");
}
