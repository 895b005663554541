//! Shared test setup: a small generated data set (made once per test binary), a real server
//! on 127.0.0.1 port 0 with its own state directory and tokens, and a real HTTP client.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use hunt_serve::{AppState, ServeOptions, Server};

/// `now()` of the generated data (hunt-gen's demo instant).
pub const NOW: &str = "2025-07-01T00:00:00Z";

/// The generated data directory, shared by every test of the binary (read-only).
pub fn data_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Generated once per machine: into a private directory, then renamed into place,
        // so concurrent test binaries never see half a data set.
        let dir = std::env::temp_dir().join("hunt-serve-test-data-v1-20000");
        if !dir.exists() {
            let tmp =
                std::env::temp_dir().join(format!("hunt-serve-test-data-{}", std::process::id()));
            let opts = hunt_gen::GenOptions {
                events: 20_000,
                ..hunt_gen::GenOptions::default()
            };
            hunt_gen::write_dataset(&opts, &tmp).expect("generate the test data");
            if std::fs::rename(&tmp, &dir).is_err() {
                let _ = std::fs::remove_dir_all(&tmp);
            }
        }
        dir
    })
    .clone()
}

/// A running server and what a test needs to talk to it.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Shared state (to look at the store directly).
    pub state: Arc<AppState>,
    /// Token of a `Security Reader`.
    pub reader: String,
    /// Token of a `Security Operator`.
    pub operator: String,
    /// Token of an `Insider Risk Management Analyst` who is also a `Security Reader`.
    pub analyst: String,
    /// The state directory (audit log, SQLite).
    pub state_dir: PathBuf,
    /// The HTTP client.
    pub http: reqwest::Client,
    _tmp: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server with tokens (or `--no-auth` when `no_auth`).
    pub async fn start(no_auth: bool) -> TestServer {
        TestServer::start_with(data_dir(), no_auth).await
    }

    /// Starts a server over `data`.
    pub async fn start_with(data: PathBuf, no_auth: bool) -> TestServer {
        TestServer::start_configured(data, no_auth, |_| {}).await
    }

    /// Starts a server over `data` with options changed by `configure`.
    pub async fn start_configured(
        data: PathBuf,
        no_auth: bool,
        configure: impl FnOnce(&mut ServeOptions),
    ) -> TestServer {
        let tmp = tempfile::tempdir().expect("tempdir");
        let tokens = tmp.path().join("tokens.json");
        let add = |name: &str, roles: &[&str]| {
            let roles: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
            hunt_serve::auth::add_token(&tokens, name, &roles).expect("add token")
        };
        let reader = add("reader@contoso.com", &["Security Reader"]);
        let operator = add("operator@contoso.com", &["Security Operator"]);
        let analyst = add(
            "analyst@contoso.com",
            &["Insider Risk Management Analyst", "Security Reader"],
        );
        let mut options = ServeOptions::new(data, "127.0.0.1:0".parse().expect("addr"));
        options.no_auth = no_auth;
        options.tokens = (!no_auth).then(|| tokens.clone());
        options.now_ns = Some(1_751_328_000_000_000_000);
        options.threads = Some(2);
        let state_dir = tmp.path().join("state");
        options.state_dir = Some(state_dir.clone());
        configure(&mut options);
        let server = Server::bind(options).await.expect("bind");
        let addr = server.local_addr().expect("addr");
        let state = server.state.clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = server
                .run(async {
                    let _ = rx.await;
                })
                .await;
        });
        TestServer {
            base: format!("http://{addr}"),
            state,
            reader,
            operator,
            analyst,
            state_dir,
            http: reqwest::Client::new(),
            _tmp: tmp,
            stop: Some(tx),
            task: Some(task),
        }
    }

    /// Asks the server to shut down gracefully; the handle completes when it has.
    pub fn shutdown(&mut self) -> Option<tokio::task::JoinHandle<()>> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.task.take()
    }

    /// `base + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The audit log's records.
    pub fn audit(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.state_dir.join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("audit line is JSON"))
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
