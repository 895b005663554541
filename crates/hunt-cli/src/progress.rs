//! Running one query from the CLI or the shell: Ctrl-C cancels it (not the process), and a
//! query that runs longer than half a second draws a progress bar on stderr when stderr is
//! a terminal (row groups done of total, rows per second, ETA).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use hunt::{CancelToken, Engine, QueryResult};

/// How long a query runs before its progress bar appears.
const BAR_DELAY: Duration = Duration::from_millis(500);

/// The token of the query running now, for the Ctrl-C handler.
fn current() -> &'static Mutex<Option<CancelToken>> {
    static CURRENT: OnceLock<Mutex<Option<CancelToken>>> = OnceLock::new();
    CURRENT.get_or_init(|| Mutex::new(None))
}

/// Installs (once) the SIGINT handler: it cancels the running query, if any; with none
/// running (a pager, the prompt in cooked mode) it does nothing, and the process goes on.
pub fn install_ctrlc() {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if let Ok(slot) = current().lock()
                && let Some(token) = slot.as_ref()
            {
                token.cancel();
            }
        })
        .is_ok()
    });
}

/// Runs `kql` on `engine` to the end, cancellable by Ctrl-C, with a progress bar on a
/// terminal.
pub fn run(engine: &Engine, kql: &str) -> Result<QueryResult, hunt::Error> {
    let prepared = engine.prepare(kql)?;
    let token = prepared.cancel_token();
    install_ctrlc();
    if let Ok(mut slot) = current().lock() {
        *slot = Some(token.clone());
    }
    let done = Arc::new(AtomicBool::new(false));
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| spawn_bar(token.clone(), done.clone()));
    let result = prepared.collect();
    done.store(true, Ordering::Relaxed);
    if let Some(handle) = bar {
        let _ = handle.join();
    }
    if let Ok(mut slot) = current().lock() {
        *slot = None;
    }
    result
}

/// Like [`run`], but hands the prepared query to `each_run`, which runs it batch by batch
/// (a writer that streams rows out): the progress bar and Ctrl-C work the same.
pub fn stream<T, E: From<hunt::Error>>(
    engine: &Engine,
    kql: &str,
    each_run: impl FnOnce(&hunt::Prepared) -> Result<T, E>,
) -> Result<T, E> {
    let prepared = engine.prepare(kql)?;
    let token = prepared.cancel_token();
    install_ctrlc();
    if let Ok(mut slot) = current().lock() {
        *slot = Some(token.clone());
    }
    let done = Arc::new(AtomicBool::new(false));
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| spawn_bar(token.clone(), done.clone()));
    let result = each_run(&prepared);
    done.store(true, Ordering::Relaxed);
    if let Some(handle) = bar {
        let _ = handle.join();
    }
    if let Ok(mut slot) = current().lock() {
        *slot = None;
    }
    result
}

/// Draws the bar from `token`'s progress until `done`, starting after [`BAR_DELAY`].
fn spawn_bar(token: CancelToken, done: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let started = std::time::Instant::now();
        while started.elapsed() < BAR_DELAY {
            if done.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} row groups  {msg}  ETA {eta}  (Ctrl-C cancels)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        while !done.load(Ordering::Relaxed) {
            let p = token.progress();
            bar.set_length(p.row_groups_total.max(1));
            bar.set_position(p.row_groups_done);
            let secs = started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!("{:.0} rows/s", p.rows_done as f64 / secs));
            std::thread::sleep(Duration::from_millis(100));
        }
        bar.finish_and_clear();
    })
}
