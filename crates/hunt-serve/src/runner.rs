//! Running a query for a request through the insider-risk session (`hunt_irm::Session`:
//! policy check → run → pseudonymize → audit), off the async runtime (a blocking thread
//! drives it, the engine's rayon pool does the work), within the request's `servertimeout`.
//!
//! A query never runs on a tokio worker thread: a scan that takes seconds would stall every
//! other connection. At most [`MAX_CONCURRENT_QUERIES`] queries run at once; further ones wait
//! for a slot (the wait counts against their timeout).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hunt::QueryResult;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

/// Queries running at the same time; more would only compete for the same cores.
pub const MAX_CONCURRENT_QUERIES: usize = 8;

/// Kusto's default query timeout (4 minutes), used when a request sets none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(240);

/// Kusto's largest allowed `servertimeout` (1 hour).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// How one query runs.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// `now()` for this query (nanoseconds since the Unix epoch), when the client fixes it.
    pub now_ns: Option<i64>,
    /// Cancel the query after this long.
    pub timeout: Duration,
}

impl Default for QueryOptions {
    fn default() -> QueryOptions {
        QueryOptions {
            now_ns: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// What the audit log records about a query a request ran.
#[derive(Debug, Clone)]
pub struct QueryAudit {
    /// The query text.
    pub query: String,
    /// Rows returned (0 on failure).
    pub rows: usize,
}

/// Runs `kql` for `principal`: access check, execution off the runtime with a timeout,
/// pseudonymization.
pub async fn run_query(
    state: &Arc<AppState>,
    principal: &Principal,
    kql: &str,
    options: &QueryOptions,
) -> Result<QueryResult, ApiError> {
    let deadline = tokio::time::Instant::now() + options.timeout;
    let permit = tokio::time::timeout_at(deadline, state.query_slots.clone().acquire_owned())
        .await
        .map_err(|_| timeout_error(options.timeout))?
        .map_err(|_| ApiError::internal("the server is shutting down"))?;

    let mut data = state.data_for(kql).await?;
    if let Some(ns) = options.now_ns {
        data.engine_mut().set_now(ns);
    }
    let session = hunt_irm::Session {
        principal: Some(principal.name.clone()),
        roles: principal.roles.clone(),
        pseudonymize: state.pseudonymize.then_some(true),
        key: state.pseudonym_key.clone(),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let text = kql.to_owned();
    let flag = cancel.clone();
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        if flag.load(Ordering::Relaxed) {
            return None;
        }
        Some(session.query(&data, &text))
    });
    let outcome = match tokio::time::timeout_at(deadline, task).await {
        Ok(joined) => joined.map_err(|e| ApiError::internal(format!("the query failed: {e}")))?,
        Err(_) => {
            cancel.store(true, Ordering::Relaxed);
            return Err(timeout_error(options.timeout));
        }
    };
    let result = match outcome {
        Some(Ok(answer)) => answer.result,
        Some(Err(err)) => return Err(crate::bridge::irm_error(err, kql)),
        None => return Err(timeout_error(options.timeout)),
    };
    Ok(result)
}

fn timeout_error(limit: Duration) -> ApiError {
    ApiError::timeout(format!(
        "the query ran longer than its servertimeout of {} and was cancelled; \
         set the servertimeout request property to allow more time",
        hunt::format::format_timespan(i64::try_from(limit.as_nanos()).unwrap_or(i64::MAX))
    ))
}
