//! Counters a Parquet scan keeps while it runs, so EXPLAIN printed after a run shows how
//! much of the table was read and how much statistics let it skip.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters, shared by a [`ParquetScanExec`](super::ParquetScanExec) and the workers
/// decoding for it. They accumulate over every execution of the operator.
#[derive(Debug, Default)]
pub(crate) struct ScanMetrics {
    executions: AtomicU64,
    files_opened: AtomicU64,
    row_groups: AtomicU64,
    row_groups_pruned: AtomicU64,
    pruned_by_dictionary: AtomicU64,
    pruned_by_bloom: AtomicU64,
    row_groups_read: AtomicU64,
    rows_skipped_by_pages: AtomicU64,
    rows_read: AtomicU64,
    rows_filtered: AtomicU64,
}

/// Adds `n` to a counter. Relaxed ordering: counters are read for display only.
fn add(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}

impl ScanMetrics {
    /// An execution started.
    pub(crate) fn execution(&self) {
        add(&self.executions, 1);
    }
    /// A file's footer was read; it has `row_groups` row groups.
    pub(crate) fn file(&self, row_groups: u64) {
        add(&self.files_opened, 1);
        add(&self.row_groups, row_groups);
    }
    /// A row group was skipped because its statistics rule out every row.
    pub(crate) fn pruned(&self) {
        add(&self.row_groups_pruned, 1);
    }
    /// A row group was skipped because its dictionary page has no value the filters keep.
    pub(crate) fn pruned_by_dictionary(&self) {
        add(&self.row_groups_pruned, 1);
        add(&self.pruned_by_dictionary, 1);
    }
    /// A row group was skipped because a bloom filter rules out the values asked for.
    pub(crate) fn pruned_by_bloom(&self) {
        add(&self.row_groups_pruned, 1);
        add(&self.pruned_by_bloom, 1);
    }
    /// A row group was scheduled for decoding; the page index ruled out `skipped` of its rows.
    pub(crate) fn scheduled(&self, skipped: u64) {
        add(&self.row_groups_read, 1);
        add(&self.rows_skipped_by_pages, skipped);
    }
    /// `n` rows were decoded.
    pub(crate) fn rows(&self, n: u64) {
        add(&self.rows_read, n);
    }
    /// A dictionary predicate dropped `n` decoded rows before their other columns were
    /// materialized (they count as read).
    pub(crate) fn filtered(&self, n: u64) {
        add(&self.rows_read, n);
        add(&self.rows_filtered, n);
    }
    /// A consistent-enough copy for display (each counter is read atomically).
    pub(crate) fn snapshot(&self) -> ScanStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        ScanStats {
            executions: get(&self.executions),
            files_opened: get(&self.files_opened),
            row_groups: get(&self.row_groups),
            row_groups_pruned: get(&self.row_groups_pruned),
            row_groups_read: get(&self.row_groups_read),
            rows_skipped_by_pages: get(&self.rows_skipped_by_pages),
            pruned_by_dictionary: get(&self.pruned_by_dictionary),
            pruned_by_bloom: get(&self.pruned_by_bloom),
            rows_read: get(&self.rows_read),
            rows_filtered: get(&self.rows_filtered),
        }
    }
}

/// What a Parquet scan has done so far (summed over its executions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Times the scan was executed.
    pub executions: u64,
    /// Files whose footer was read.
    pub files_opened: u64,
    /// Row groups in those files.
    pub row_groups: u64,
    /// Row groups skipped because their metadata rules out the filters: min/max/null-count
    /// statistics, or (counted again below) the dictionary page or a bloom filter.
    pub row_groups_pruned: u64,
    /// Of those, the row groups whose dictionary page holds no value the filters keep.
    pub pruned_by_dictionary: u64,
    /// Of those, the row groups whose bloom filter holds none of the values asked for.
    pub pruned_by_bloom: u64,
    /// Row groups decoded (not pruned). A `take` that stops early may leave some of
    /// these undecoded.
    pub row_groups_read: u64,
    /// Rows of decoded row groups skipped because the page index rules out their pages.
    pub rows_skipped_by_pages: u64,
    /// Rows decoded.
    pub rows_read: u64,
    /// Rows of those that dictionary predicates dropped at the scan, before the columns
    /// the predicates do not read were decoded (late materialization).
    pub rows_filtered: u64,
}

impl fmt::Display for ScanStats {
    /// `row_groups=12 (read 2, skipped 10 by stats) rows_read=262144`, plus
    /// `rows_skipped_by_page_index=N` when the page index skipped any rows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row_groups={} (read {}, skipped {} by stats) rows_read={}",
            self.row_groups, self.row_groups_read, self.row_groups_pruned, self.rows_read
        )?;
        if self.pruned_by_dictionary > 0 {
            write!(f, " pruned_by_dictionary={}", self.pruned_by_dictionary)?;
        }
        if self.pruned_by_bloom > 0 {
            write!(f, " pruned_by_bloom_filter={}", self.pruned_by_bloom)?;
        }
        if self.rows_skipped_by_pages > 0 {
            write!(
                f,
                " rows_skipped_by_page_index={}",
                self.rows_skipped_by_pages
            )?;
        }
        if self.rows_filtered > 0 {
            write!(f, " rows_filtered_at_scan={}", self.rows_filtered)?;
        }
        Ok(())
    }
}
