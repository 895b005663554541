//! Cancelling a running query and watching its scans' progress.
//!
//! A [`CancelToken`] is shared between whoever runs a query and whoever may stop it (the
//! CLI's Ctrl-C handler, a server's timeout). The Parquet scan checks it before each unit
//! of work it hands out, so a query stops within one row group per thread; the query then
//! fails with [`ExecError::Cancelled`](crate::ExecError::Cancelled). The same token counts the
//! row groups and rows the scans have gone through, for progress displays.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Stops a query and reports how far its scans are. Clones share one state.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<State>);

#[derive(Debug, Default)]
struct State {
    cancelled: AtomicBool,
    row_groups_total: AtomicU64,
    row_groups_done: AtomicU64,
    rows_done: AtomicU64,
}

/// How far the scans of a query are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanProgress {
    /// Row groups of every file the query's scans will look at.
    pub row_groups_total: u64,
    /// Row groups handed out for decoding, or skipped by pruning.
    pub row_groups_done: u64,
    /// Rows of the row groups handed out.
    pub rows_done: u64,
}

impl CancelToken {
    /// A fresh token.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }
    /// Asks every query holding this token to stop.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::Relaxed);
    }
    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Relaxed)
    }
    /// The progress of the scans so far.
    pub fn progress(&self) -> ScanProgress {
        ScanProgress {
            row_groups_total: self.0.row_groups_total.load(Ordering::Relaxed),
            row_groups_done: self.0.row_groups_done.load(Ordering::Relaxed),
            rows_done: self.0.rows_done.load(Ordering::Relaxed),
        }
    }
    pub(crate) fn add_total(&self, row_groups: u64) {
        self.0
            .row_groups_total
            .fetch_add(row_groups, Ordering::Relaxed);
    }
    pub(crate) fn add_done(&self, row_groups: u64, rows: u64) {
        self.0
            .row_groups_done
            .fetch_add(row_groups, Ordering::Relaxed);
        self.0.rows_done.fetch_add(rows, Ordering::Relaxed);
    }
}
