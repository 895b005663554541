//! A prepared query: planned once, its output schema known before it runs, run as a stream
//! of batches, and cancellable from another thread.

use std::sync::Arc;

use hunt_exec::{CancelToken, ExecutionPlan};

use crate::{Engine, Error, QueryResult, RecordBatch, Schema};

/// A query parsed, planned and optimized against an engine's tables, not yet run.
///
/// ```no_run
/// let engine = hunt::Engine::open_dir("data")?;
/// let q = engine.prepare("AlertInfo | summarize n = count() by Severity")?;
/// assert_eq!(q.schema().fields[1].name, "n");
/// let token = q.cancel_token(); // hand to another thread; `token.cancel()` stops the run
/// for batch in q.run()? {
///     println!("{} rows", batch?.num_rows());
/// }
/// # Ok::<(), hunt::Error>(())
/// ```
pub struct Prepared {
    plan: Arc<dyn ExecutionPlan>,
    notices: Vec<String>,
    token: CancelToken,
    /// The query's memory budget (its operators reserve from it; `collect` holds the
    /// result within it).
    budget: hunt_exec::limits::MemoryBudget,
    pool: Option<Arc<rayon::ThreadPool>>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("schema", self.schema())
            .field("notices", &self.notices)
            .finish_non_exhaustive()
    }
}

impl Prepared {
    pub(crate) fn new(engine: &Engine, kql: &str) -> Result<Prepared, Error> {
        let token = CancelToken::new();
        let tables = engine.tables.with_control(token.clone());
        let (plan, notices, budget) = engine.on_pool(|| engine.physical_over(kql, &tables))?;
        Ok(Prepared {
            plan,
            notices,
            budget,
            token,
            pool: engine.pool.clone(),
        })
    }

    /// The result's columns and KQL types.
    pub fn schema(&self) -> &Schema {
        self.plan.schema()
    }

    /// Informational notices of planning (such as an ignored `render`).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// The token that stops this query ([`CancelToken::cancel`]) and reports its scans'
    /// progress ([`CancelToken::progress`]). A cancelled run ends with an error
    /// (`ExecError::Cancelled`).
    pub fn cancel_token(&self) -> CancelToken {
        self.token.clone()
    }

    /// Runs the query and streams its batches (empty batches left out). Batches are pulled
    /// on the calling thread; the scans spread over the current rayon pool.
    pub fn run(&self) -> Result<impl Iterator<Item = Result<RecordBatch, Error>> + use<>, Error> {
        let iter = self.plan.execute()?;
        Ok(iter
            .filter(|b| !matches!(b, Ok(b) if b.num_rows() == 0))
            .map(|b| b.map_err(Error::from)))
    }

    /// Runs the query on the engine's thread pool, handing each batch (empty ones left
    /// out) to `each` as it is made, so a caller that writes rows out holds none of them.
    /// The first error, the query's or `each`'s, stops the run.
    pub fn try_for_each<E: From<Error> + Send>(
        &self,
        mut each: impl FnMut(RecordBatch) -> Result<(), E> + Send,
    ) -> Result<(), E> {
        let mut run = move || -> Result<(), E> {
            for b in self.plan.execute().map_err(Error::from)? {
                let b = b.map_err(Error::from)?;
                if b.num_rows() > 0 {
                    each(b)?;
                }
            }
            Ok(())
        };
        crate::no_panic(|| match &self.pool {
            Some(p) => p.install(run),
            None => run(),
        })
    }

    /// Runs the query to the end on the engine's thread pool and returns every row.
    pub fn collect(&self) -> Result<QueryResult, Error> {
        let run = || -> Result<QueryResult, Error> {
            Ok(QueryResult {
                schema: self.schema().clone(),
                batches: hunt_exec::collect_within(&self.plan, &self.budget)?,
                notices: self.notices.clone(),
            })
        };
        match &self.pool {
            Some(p) => p.install(run),
            None => run(),
        }
    }
}
