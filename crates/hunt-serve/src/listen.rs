//! Accepting connections: hyper's HTTP/1 server, with a timer so that a client that does
//! not finish its request head within the header timeout is disconnected (a client
//! trickling header bytes holds a task and a socket, nothing else, and only until then),
//! and every connection watched for graceful shutdown.
//!
//! `axum::serve` builds its hyper connections without a timer, so hyper's
//! `header_read_timeout` cannot take effect there; this is the same accept loop with the
//! builder configured (hyper-util's `GracefulShutdown` does what `with_graceful_shutdown`
//! did). The request body has its own deadline ([`crate::middleware::read_body`]).

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// Serves `router` on `listener` until `shutdown` completes; then accepts nothing more,
/// lets the requests in flight finish, closes idle connections, and returns when every
/// connection is closed.
pub async fn serve(
    mut listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            // axum's `Listener` retries failed accepts (such as too many open files).
            (stream, _) = axum::serve::Listener::accept(&mut listener) => {
                let connection = builder
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(router.clone()));
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    // A connection ends in an error when its client goes away or is too
                    // slow; that concerns that client only.
                    let _ = watched.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
}
