//! `hunt serve`: the local security API over a hunt data directory.
//!
//! Kusto clients (the Kusto SDKs, Kusto Explorer) speak the Kusto REST protocol to
//! `/v1/rest/query`, `/v2/rest/query` and `/v1/rest/mgmt` ([`kusto`], [`kusto_mgmt`]);
//! Microsoft Graph security clients use `/v1.0/security/…` ([`graph`]); the insider-risk side
//! uses `/irm/alerts` ([`irm`]); a browser gets a plain page at `/` ([`web`]). Alert state
//! lives in SQLite ([`store`]); every request is authenticated ([`auth`]) and audited
//! ([`audit`]). See `docs/server.md` for the endpoints.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hunt_serve::ServeError> {
//! let options = hunt_serve::ServeOptions::new("data".into(), "127.0.0.1:8080".parse().unwrap());
//! let server = hunt_serve::Server::bind(options).await?;
//! server.run(hunt_serve::shutdown_signal()).await?;
//! # Ok(()) }
//! ```

pub mod alert_table;
pub mod alerts;
pub mod auth;
pub mod bridge;
pub mod error;
pub mod graph;
pub mod graph_enums;
pub mod graph_resources;
pub mod irm;
pub mod kusto;
pub mod kusto_mgmt;
pub mod kusto_request;
pub mod listen;
pub mod middleware;
pub mod odata;
pub mod queries;
pub mod render;
pub mod runner;
pub mod state;
pub mod store;
pub mod values;
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;

pub use error::ApiError;
pub use hunt_irm::PseudonymKey;
pub use state::AppState;

/// Largest request body accepted (1 MiB): queries and PATCH bodies are small.
pub const BODY_LIMIT: usize = 1 << 20;

/// A request head (request line and headers) must arrive within this long after the
/// client starts it, or the connection is closed (hyper's default).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// A request body must arrive whole within this long, or the request is answered 408.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The data directory.
    pub data_dir: PathBuf,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The tokens file, unless `no_auth`.
    pub tokens: Option<PathBuf>,
    /// Serve one local user with every role (loopback only).
    pub no_auth: bool,
    /// `now()` for every query unless a request sets `query_now`.
    pub now_ns: Option<i64>,
    /// Engine worker threads (default: all cores).
    pub threads: Option<usize>,
    /// The database name clients see.
    pub database: String,
    /// Where the state database, the `AlertState` snapshots and (without an audit log
    /// configured in `DIR/hunt.toml`) the audit log go (default: `DIR/.hunt`).
    pub state_dir: Option<PathBuf>,
    /// The pseudonym key (`--pseudonym-key-file` or `HUNT_PSEUDONYM_KEY`).
    pub pseudonym_key: Option<hunt_irm::PseudonymKey>,
    /// Pseudonymize every result, whatever `DIR/hunt.toml` says (`--pseudonymize`).
    pub pseudonymize: bool,
    /// Slow clients: the time a request head may take ([`HEADER_TIMEOUT`]).
    pub header_timeout: Duration,
    /// Slow clients: the time a request body may take ([`BODY_TIMEOUT`]).
    pub body_timeout: Duration,
}

impl ServeOptions {
    /// Options with defaults: no tokens file, authentication on, database `hunt`.
    pub fn new(data_dir: PathBuf, listen: SocketAddr) -> ServeOptions {
        ServeOptions {
            data_dir,
            listen,
            tokens: None,
            no_auth: false,
            now_ns: None,
            threads: None,
            database: "hunt".to_owned(),
            state_dir: None,
            pseudonym_key: None,
            pseudonymize: false,
            header_timeout: HEADER_TIMEOUT,
            body_timeout: BODY_TIMEOUT,
        }
    }
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// `--no-auth` on an address other machines can reach.
    #[error(
        "--no-auth serves every role to anyone who connects, so it only listens on a loopback \
         address; {0} is not one (use --tokens FILE to serve other machines)"
    )]
    NoAuthNotLoopback(SocketAddr),
    /// Neither a tokens file nor `--no-auth`.
    #[error("give --tokens FILE (create tokens with `hunt token add`) or --no-auth")]
    NoCredentials,
    /// The tokens file is unusable.
    #[error(transparent)]
    Tokens(#[from] auth::TokenError),
    /// The state database cannot be opened.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The data directory cannot be opened.
    #[error("cannot open data directory `{}`: {source}", dir.display())]
    Data {
        /// The directory.
        dir: PathBuf,
        /// What went wrong.
        source: hunt_irm::IrmError,
    },
    /// Results are to be pseudonymized but there is no key.
    #[error(
        "results are pseudonymized (--pseudonymize or `pseudonymize = true` in DIR/hunt.toml) \
         but no key was given: pass --pseudonym-key-file FILE or set HUNT_PSEUDONYM_KEY"
    )]
    NoPseudonymKey,
    /// A file or socket failed.
    #[error("{context}: {source}")]
    Io {
        /// What hunt was doing.
        context: String,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// A bound, ready server.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    /// The shared state (for tests and embedding).
    pub state: Arc<AppState>,
}

impl Server {
    /// Opens the data directory, the state database and the audit log, and binds the address.
    pub async fn bind(options: ServeOptions) -> Result<Server, ServeError> {
        let state = Arc::new(build_state(&options)?);
        let listener =
            TcpListener::bind(options.listen)
                .await
                .map_err(|source| ServeError::Io {
                    context: format!("cannot listen on {}", options.listen),
                    source,
                })?;
        Ok(Server {
            listener,
            router: router(state.clone()),
            header_timeout: options.header_timeout,
            state,
        })
    }

    /// The address actually bound (the port when 0 was asked for).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        listen::serve(self.listener, self.router, self.header_timeout, shutdown).await;
        Ok(())
    }
}

fn build_state(options: &ServeOptions) -> Result<AppState, ServeError> {
    let auth = if options.no_auth {
        if !options.listen.ip().is_loopback() {
            return Err(ServeError::NoAuthNotLoopback(options.listen));
        }
        auth::AuthMode::NoAuth
    } else {
        let path = options.tokens.as_ref().ok_or(ServeError::NoCredentials)?;
        auth::AuthMode::Tokens(auth::TokenFile::load(path)?.index())
    };
    let data_error = |source| ServeError::Data {
        dir: options.data_dir.clone(),
        source,
    };
    let mut data = hunt_irm::DataDir::open(&options.data_dir).map_err(data_error)?;
    if let Some(ns) = options.now_ns {
        data.engine_mut().set_now(ns);
    }
    if let Some(threads) = options.threads {
        data.engine_mut()
            .set_threads(threads)
            .map_err(|e| data_error(e.into()))?;
    }
    if (options.pseudonymize || data.settings().pseudonymize) && options.pseudonym_key.is_none() {
        return Err(ServeError::NoPseudonymKey);
    }
    let state_dir = options
        .state_dir
        .clone()
        .unwrap_or_else(|| options.data_dir.join(".hunt"));
    std::fs::create_dir_all(&state_dir).map_err(|source| ServeError::Io {
        context: format!("cannot create `{}`", state_dir.display()),
        source,
    })?;
    let store = store::Store::open(&state_dir.join("state.sqlite"))?;
    // The insider-risk audit log when the directory configures one, else our own file.
    let audit = data
        .audit_log()
        .unwrap_or_else(|| hunt_irm::audit::AuditLog::new(state_dir.join("audit.jsonl")));
    Ok(AppState {
        data_dir: options.data_dir.clone(),
        database: options.database.clone(),
        data,
        pseudonym_key: options.pseudonym_key.clone(),
        pseudonymize: options.pseudonymize,
        auth,
        audit,
        store: Arc::new(store),
        query_slots: Arc::new(tokio::sync::Semaphore::new(runner::MAX_CONCURRENT_QUERIES)),
        queries: Arc::default(),
        body_timeout: options.body_timeout,
        catalog: tokio::sync::OnceCell::new(),
        alert_table: alert_table::AlertTable::new(state_dir),
    })
}

/// Every route.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(web::index))
        .route("/static/{file}", get(web::asset))
        .route("/v1/rest/query", post(kusto::query_v1))
        .route("/v2/rest/query", post(kusto::query_v2))
        .route("/v1/rest/mgmt", post(kusto_mgmt::mgmt))
        .route(
            "/v1.0/security/runHuntingQuery",
            post(graph::run_hunting_query),
        )
        .route("/v1.0/security/alerts_v2", get(graph::list_alerts))
        .route(
            "/v1.0/security/alerts_v2/{id}",
            get(graph::get_alert).patch(graph::patch_alert),
        )
        .route(
            "/v1.0/security/alerts_v2/{id}/comments",
            post(graph::add_alert_comment),
        )
        .route(
            "/v1.0/security/alerts_v2/{id}/history",
            get(graph::alert_history),
        )
        .route("/v1.0/security/incidents", get(graph::list_incidents))
        .route(
            "/v1.0/security/incidents/{id}",
            get(graph::get_incident).patch(graph::patch_incident),
        )
        .route(
            "/v1.0/security/incidents/{id}/comments",
            post(graph::add_incident_comment),
        )
        .route("/irm/alerts", get(irm::list))
        .route("/irm/alerts/{id}", get(irm::get).patch(irm::patch))
        .fallback(middleware::not_found)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        // Outermost last: the body limit, then authentication and audit (so a refused or
        // timed-out body is audited too), then the body read within its deadline.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::read_body,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::authenticate_and_audit,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
