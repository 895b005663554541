//! An ordered, bounded parallel map: runs a stream of jobs on the current rayon pool,
//! at most `window` at a time, and yields their results in the order the jobs came.
//!
//! This is how the scan decodes row groups in parallel while its output stays exactly the
//! sequential output (so results never depend on the thread count) and its memory stays
//! bounded by `window` decoded row groups.
//!
//! Design: each job is started with `rayon::spawn_fifo` and sends its result through its
//! own one-shot channel; the consumer keeps the channels in a queue and receives from the
//! front one. While the consumer waits it must not block a rayon worker that the job may
//! need (with one thread, the consumer *is* the only worker when called inside
//! `ThreadPool::install`), so on a worker it runs pending rayon work (`yield_now`) until
//! its result arrives; outside a pool it just blocks on the channel.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, sync_channel};
use std::time::Duration;

/// A job that runs on a rayon worker.
pub(crate) type Job<T> = Box<dyn FnOnce() -> T + Send>;

/// What the job source yields: work to run in parallel, or a result known already (such
/// as an error opening a file), which keeps its place in the order.
pub(crate) enum Task<T> {
    /// Run this on the pool.
    Run(Job<T>),
    /// Yield this in turn.
    Done(T),
}

enum Slot<T> {
    Pending(Receiver<std::thread::Result<T>>),
    Ready(T),
}

/// The iterator: results of the source's tasks, in source order. A job that panicked
/// yields `Err` with the panic message.
pub(crate) struct OrderedParallel<T: Send + 'static> {
    source: Box<dyn Iterator<Item = Task<T>> + Send>,
    source_done: bool,
    window: usize,
    slots: VecDeque<Slot<T>>,
    /// Set when the consumer goes away, so queued jobs do not start.
    cancelled: Arc<AtomicBool>,
}

impl<T: Send + 'static> OrderedParallel<T> {
    /// Runs `source`'s tasks with at most `window` (at least 1) started and not yet consumed.
    pub(crate) fn new(
        source: Box<dyn Iterator<Item = Task<T>> + Send>,
        window: usize,
    ) -> OrderedParallel<T> {
        OrderedParallel {
            source,
            source_done: false,
            window: window.max(1),
            slots: VecDeque::new(),
            cancelled: Arc::new(AtomicBool::new(false)),
        }
    }

    fn fill(&mut self) {
        while !self.source_done && self.slots.len() < self.window {
            match self.source.next() {
                None => self.source_done = true,
                Some(Task::Done(v)) => self.slots.push_back(Slot::Ready(v)),
                Some(Task::Run(job)) => {
                    let (tx, rx) = sync_channel(1);
                    let cancelled = self.cancelled.clone();
                    rayon::spawn_fifo(move || {
                        if cancelled.load(Ordering::Relaxed) {
                            return;
                        }
                        let r = catch_unwind(AssertUnwindSafe(job));
                        // The consumer may be gone; then the result is not wanted.
                        let _ = tx.send(r);
                    });
                    self.slots.push_back(Slot::Pending(rx));
                }
            }
        }
    }
}

/// Receives from `rx`, running other rayon work meanwhile if on a worker thread.
/// `None` if the job was dropped without sending (cannot happen while we hold `rx` and
/// have not cancelled, short of the pool shutting down).
fn wait<T>(rx: &Receiver<T>) -> Option<T> {
    loop {
        match rx.try_recv() {
            Ok(v) => return Some(v),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => {}
            // Our job is running on another worker: wait a little, then look for work
            // again (our own job may be stuck behind nothing, but new work may arrive).
            Some(rayon::Yield::Idle) => match rx.recv_timeout(Duration::from_millis(1)) {
                Ok(v) => return Some(v),
                Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => {}
            },
            None => return rx.recv().ok(),
        }
    }
}

/// The message of a caught panic.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

impl<T: Send + 'static> Iterator for OrderedParallel<T> {
    type Item = Result<T, String>;

    fn next(&mut self) -> Option<Self::Item> {
        self.fill();
        let slot = self.slots.pop_front()?;
        // Start the next job before waiting, so the window stays full.
        self.fill();
        Some(match slot {
            Slot::Ready(v) => Ok(v),
            Slot::Pending(rx) => match wait(&rx) {
                Some(Ok(v)) => Ok(v),
                Some(Err(p)) => Err(panic_message(p.as_ref())),
                None => Err("a scan worker stopped without a result".to_string()),
            },
        })
    }
}

impl<T: Send + 'static> Drop for OrderedParallel<T> {
    fn drop(&mut self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(n: usize) -> Box<dyn Iterator<Item = Task<usize>> + Send> {
        Box::new((0..n).map(move |i| {
            if i % 7 == 3 {
                Task::Done(i)
            } else {
                Task::Run(Box::new(move || {
                    // Later jobs finish first.
                    std::thread::sleep(Duration::from_micros(((n - i) % 5) as u64 * 200));
                    i
                }))
            }
        }))
    }

    #[test]
    fn keeps_order_on_any_pool() -> Result<(), rayon::ThreadPoolBuildError> {
        let want: Vec<Result<usize, String>> = (0..50).map(Ok).collect();
        // Outside any pool (global pool), and inside pools of 1 and 4 threads, where the
        // consumer is itself a worker.
        assert_eq!(OrderedParallel::new(jobs(50), 3).collect::<Vec<_>>(), want);
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()?;
            for window in [1, 2, 8] {
                let got: Vec<_> = pool.install(|| OrderedParallel::new(jobs(50), window).collect());
                assert_eq!(got, want, "threads={threads} window={window}");
            }
        }
        Ok(())
    }

    #[test]
    fn a_panicking_job_is_an_error_in_its_place() {
        let src: Box<dyn Iterator<Item = Task<u32>> + Send> = Box::new(
            vec![
                Task::Run(Box::new(|| 1u32) as Job<u32>),
                Task::Run(Box::new(|| panic!("boom"))),
                Task::Run(Box::new(|| 3)),
            ]
            .into_iter(),
        );
        let got: Vec<_> = OrderedParallel::new(src, 2).collect();
        assert_eq!(got, vec![Ok(1), Err("boom".to_string()), Ok(3)]);
    }

    #[test]
    fn at_most_window_jobs_run_ahead() {
        use std::sync::atomic::AtomicUsize;
        let started = Arc::new(AtomicUsize::new(0));
        let s = started.clone();
        let src: Box<dyn Iterator<Item = Task<usize>> + Send> =
            Box::new((0..100usize).map(move |i| {
                let s = s.clone();
                Task::Run(Box::new(move || {
                    s.fetch_add(1, Ordering::SeqCst);
                    i
                }) as Job<usize>)
            }));
        let mut it = OrderedParallel::new(src, 4);
        assert_eq!(it.next(), Some(Ok(0)));
        // One consumed, four queued behind it at most.
        assert!(started.load(Ordering::SeqCst) <= 5);
    }
}
