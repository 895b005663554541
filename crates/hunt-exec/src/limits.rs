//! Resource limits of a query, as Kusto has them: the size of one value, and the memory a
//! query may hold. Each refusal is an [`ExecError::Limit`] naming the limit and how to
//! raise it.
//!
//! [`MemoryBudget`] is the reusable accounting piece: operators that hold rows (builders,
//! join tables, lists) reserve bytes from the query's budget before they grow and fail
//! with a limit error instead of exhausting the machine. The budget also carries the
//! query's [`SpillSpace`]: operators that can spill (a full sort, a hash aggregate) write
//! to disk once the query holds more than its spill threshold, before the limit is reached.

use crate::error::{ExecError, Result};
use crate::spill::SpillSpace;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The largest string or dynamic value a function builds: Kusto's limit on a single value
/// (64 MB; the string data type page: "If a single string value in a record, or the entire
/// record, exceeds the allowed data limit of 64MB, ingestion fails").
pub const MAX_VALUE_BYTES: usize = 64 * 1024 * 1024;

/// The memory a query may hold when the engine sets no limit: 8 GiB, Kusto's default
/// `max_memory_consumption_per_query_per_node`.
pub const DEFAULT_MEMORY_LIMIT: usize = 8 * 1024 * 1024 * 1024;

/// Refuses a value of `size` bytes that `function` is about to build.
pub fn check_value_size(size: usize, function: &str) -> Result<()> {
    if size > MAX_VALUE_BYTES {
        return Err(ExecError::Limit {
            message: format!(
                "`{function}` would build a value of {size} bytes; a value is limited to \
                 {MAX_VALUE_BYTES} bytes (64 MB, as in Kusto)"
            ),
        });
    }
    Ok(())
}

/// A query's memory budget, shared by the operators (and threads) of one query.
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    limit: usize,
    used: Arc<AtomicUsize>,
    /// Where and when the query spills; its folder goes with the last clone.
    spill: Arc<SpillSpace>,
}

impl Default for MemoryBudget {
    fn default() -> MemoryBudget {
        MemoryBudget::new(DEFAULT_MEMORY_LIMIT)
    }
}

impl MemoryBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: usize) -> MemoryBudget {
        MemoryBudget {
            limit,
            used: Arc::new(AtomicUsize::new(0)),
            spill: Arc::new(SpillSpace::new(
                None,
                crate::spill::default_threshold(limit),
            )),
        }
    }
    /// This budget spilling into a folder made under `parent` (the system's temp folder
    /// when `None`) once `threshold` bytes are held (by default half the limit, at most
    /// 512 MiB).
    pub fn with_spill(mut self, parent: Option<PathBuf>, threshold: Option<usize>) -> MemoryBudget {
        let threshold = threshold.unwrap_or_else(|| crate::spill::default_threshold(self.limit));
        self.spill = Arc::new(SpillSpace::new(parent, threshold));
        self
    }
    /// The query's spill space.
    pub fn spill(&self) -> &SpillSpace {
        &self.spill
    }
    /// True when holding `more` bytes, beyond what is held now, would pass the spill
    /// threshold (`except` of what is held is the asker's own, already counted in `more`).
    pub fn spill_due(&self, more: usize, except: usize) -> bool {
        self.used().saturating_sub(except).saturating_add(more) > self.spill.threshold()
    }
    /// The limit in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }
    /// Bytes reserved now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }
    /// Reserves `bytes` for `what`, or refuses when the budget would be exceeded.
    pub fn reserve(&self, bytes: usize, what: &str) -> Result<Reservation> {
        let mut now = self.used.load(Ordering::Relaxed);
        loop {
            let next = now.saturating_add(bytes);
            if next > self.limit {
                return Err(ExecError::Limit {
                    message: format!(
                        "the query needs more than its memory limit of {} ({what} asked for {} \
                         more, {} in use); raise it with `--memory-limit` (Engine::set_memory_limit)",
                        human(self.limit),
                        human(bytes),
                        human(now)
                    ),
                });
            }
            match self
                .used
                .compare_exchange_weak(now, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    return Ok(Reservation {
                        budget: self.clone(),
                        bytes,
                    });
                }
                Err(actual) => now = actual,
            }
        }
    }
}

/// Bytes held from a [`MemoryBudget`], given back when dropped.
#[derive(Debug)]
pub struct Reservation {
    budget: MemoryBudget,
    bytes: usize,
}

impl Reservation {
    /// The bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
    /// Gives back `bytes` of what is held (at most all of it).
    pub fn shrink(&mut self, bytes: usize) {
        let bytes = bytes.min(self.bytes);
        self.budget.used.fetch_sub(bytes, Ordering::Relaxed);
        self.bytes -= bytes;
    }
    /// Grows the reservation by `bytes`, or refuses (keeping what it holds).
    pub fn grow(&mut self, bytes: usize, what: &str) -> Result<()> {
        let mut more = self.budget.reserve(bytes, what)?;
        // The bytes move into this reservation: `more` gives nothing back when dropped.
        self.bytes += std::mem::take(&mut more.bytes);
        Ok(())
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

/// `n` bytes as people read them: `512 MiB`.
pub fn human(n: usize) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_refuses_past_its_limit_and_frees_on_drop() {
        let b = MemoryBudget::new(1000);
        let r = b.reserve(600, "a test");
        assert!(r.is_ok());
        match b.reserve(500, "another") {
            Err(ExecError::Limit { message }) => {
                assert!(message.contains("memory limit of 1000 bytes"), "{message}");
                assert!(message.contains("--memory-limit"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        drop(r);
        assert_eq!(b.used(), 0);
        let mut r = b.reserve(10, "x").map_err(|e| e.to_string());
        if let Ok(r) = r.as_mut() {
            assert!(r.grow(900, "x").is_ok());
            assert!(r.grow(100, "x").is_err());
        }
        assert_eq!(b.used(), 910);
        drop(r);
        assert_eq!(b.used(), 0);
    }

    #[test]
    fn values_past_64_mb_are_refused() {
        assert!(check_value_size(MAX_VALUE_BYTES, "strrep").is_ok());
        assert!(matches!(
            check_value_size(MAX_VALUE_BYTES + 1, "strrep"),
            Err(ExecError::Limit { .. })
        ));
    }
}
