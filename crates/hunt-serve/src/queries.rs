//! The queries running on the engine's pool, each with the cancel token that stops it.
//!
//! A request that gives up on its query (its `servertimeout` passed, or its client went
//! away) cancels the token; the query's scans see it before their next row group and the
//! query ends with a cancellation error, releasing its thread, memory and concurrency
//! slot. An entry leaves the registry when the engine's work for it has ended (not when
//! the client got its answer), so the registry tells what really still runs.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use hunt::{CancelToken, ScanProgress};

/// The running queries and how many ended by cancellation.
#[derive(Debug, Default)]
pub struct Queries {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    running: BTreeMap<u64, RunningQuery>,
    cancelled: u64,
    last_cancelled: Option<ScanProgress>,
}

/// A query the engine is working on.
#[derive(Debug, Clone)]
pub struct RunningQuery {
    /// The query text.
    pub text: String,
    /// Who runs it.
    pub principal: String,
    /// When it was registered.
    pub started: chrono::DateTime<chrono::Utc>,
    /// Stops it; also counts its scans' progress.
    pub token: CancelToken,
}

/// How the registry stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryStats {
    /// Queries the engine is still working on.
    pub running: usize,
    /// Queries that ended because they were cancelled.
    pub cancelled: u64,
    /// How far the scans of the last cancelled query got before they stopped.
    pub last_cancelled: Option<ScanProgress>,
}

impl Queries {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The registry holds plain data: a panic elsewhere cannot leave it inconsistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a query about to run; it stays registered until the ticket is dropped.
    pub fn start(self: &Arc<Self>, text: &str, principal: &str) -> Ticket {
        let token = CancelToken::new();
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        inner.running.insert(
            id,
            RunningQuery {
                text: text.to_owned(),
                principal: principal.to_owned(),
                started: chrono::Utc::now(),
                token: token.clone(),
            },
        );
        Ticket {
            queries: self.clone(),
            id,
            token,
        }
    }

    /// The queries running now, oldest first.
    pub fn running(&self) -> Vec<RunningQuery> {
        self.lock().running.values().cloned().collect()
    }

    /// Counts of the registry.
    pub fn stats(&self) -> QueryStats {
        let inner = self.lock();
        QueryStats {
            running: inner.running.len(),
            cancelled: inner.cancelled,
            last_cancelled: inner.last_cancelled,
        }
    }
}

/// A registered query: holds its token, and unregisters it when dropped (when the work
/// for the query has ended).
#[derive(Debug)]
pub struct Ticket {
    queries: Arc<Queries>,
    id: u64,
    token: CancelToken,
}

impl Ticket {
    /// The query's cancel token.
    pub fn token(&self) -> &CancelToken {
        &self.token
    }

    /// Records that the query ended because it was cancelled.
    pub fn ended_by_cancel(&self) {
        let progress = self.token.progress();
        let mut inner = self.queries.lock();
        inner.cancelled += 1;
        inner.last_cancelled = Some(progress);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.queries.lock().running.remove(&self.id);
    }
}

/// Cancels a token when dropped: held by a request's future, so a request that ends
/// early (its client disconnected and the server dropped it) stops its query. Cancelling
/// a query that already finished does nothing.
#[derive(Debug)]
pub struct CancelOnDrop(pub CancelToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_register_until_dropped_and_count_cancellations() {
        let q = Arc::new(Queries::default());
        let a = q.start("T | take 1", "alice");
        let b = q.start("T | count", "bob");
        assert_eq!(q.stats().running, 2);
        assert_eq!(q.running()[1].principal, "bob");
        {
            let _guard = CancelOnDrop(b.token().clone());
        }
        assert!(b.token().is_cancelled());
        assert!(!a.token().is_cancelled());
        b.ended_by_cancel();
        drop(b);
        let s = q.stats();
        assert_eq!((s.running, s.cancelled), (1, 1));
        drop(a);
        assert_eq!(q.stats().running, 0);
    }
}
