//! Running a query for a request through the insider-risk session (`hunt_irm::Session`:
//! policy check → run → pseudonymize → audit), off the async runtime (a blocking thread
//! drives it, the engine's rayon pool does the work), within the request's `servertimeout`.
//! A query past its timeout, or whose client went away, is cancelled through its token
//! ([`crate::queries`]): its scans stop and its slot is freed.
//!
//! A query never runs on a tokio worker thread: a scan that takes seconds would stall every
//! other connection. At most [`MAX_CONCURRENT_QUERIES`] queries run at once; further ones wait
//! for a slot (the wait counts against their timeout).

use std::sync::Arc;
use std::time::Duration;

use hunt::QueryResult;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::queries::CancelOnDrop;
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
    // A failed query is audited with its text, as an answered one is.
    run(state, principal, kql, options)
        .await
        .map_err(|e| ApiError {
            query: Some(kql.to_owned()),
            ..e
        })
}

async fn run(
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
    let ticket = state.queries.start(kql, &principal.name);
    // Whatever ends this request first (answer, timeout, the client going away and the
    // server dropping this future) cancels the query; after an answer that does nothing.
    let _cancel = CancelOnDrop(ticket.token().clone());
    let token = ticket.token().clone();
    let text = kql.to_owned();
    let task = tokio::task::spawn_blocking(move || {
        // The slot and the registry entry are released when the engine's work ends.
        let _permit = permit;
        let outcome = session.query_cancellable(&data, &text, ticket.token());
        if matches!(&outcome, Err(e) if e.is_cancelled()) {
            ticket.ended_by_cancel();
        }
        outcome
    });
    let outcome = match tokio::time::timeout_at(deadline, task).await {
        Ok(joined) => joined.map_err(|e| ApiError::internal(format!("the query failed: {e}")))?,
        Err(_) => {
            token.cancel();
            return Err(timeout_error(options.timeout));
        }
    };
    match outcome {
        Ok(answer) => Ok(answer.result),
        // Only this request cancels its token, so a cancelled query is a timed-out one.
        Err(err) if err.is_cancelled() => Err(timeout_error(options.timeout)),
        Err(err) => Err(crate::bridge::irm_error(err, kql)),
    }
}

fn timeout_error(limit: Duration) -> ApiError {
    ApiError::timeout(format!(
        "the query ran longer than its servertimeout of {} and was cancelled; \
         set the servertimeout request property to allow more time",
        hunt::format::format_timespan(i64::try_from(limit.as_nanos()).unwrap_or(i64::MAX))
    ))
}
