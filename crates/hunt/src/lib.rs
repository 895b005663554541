//! hunt: run KQL (Kusto Query Language) over Parquet tables, offline and embedded.
//!
//! ```no_run
//! let engine = hunt::Engine::open_dir("data")?;
//! let result = engine.query("DataSecurityEvents | where ActionType == 'FileUploaded' | count")?;
//! println!("{} rows", result.num_rows());
//! # Ok::<(), hunt::Error>(())
//! ```
//!
//! The stages (see `docs/architecture.md`): `hunt_syntax::parse` (text → AST),
//! `hunt_plan::plan` (AST → logical plan), `hunt_plan::optimize`,
//! `hunt_exec::create_physical_plan` and `hunt_exec::collect` (→ Arrow batches).

pub mod format;

pub use arrow::record_batch::RecordBatch;
pub use hunt_plan::types::{Field, KqlType, Schema};

use hunt_exec::{ExecError, TableSet};
use hunt_plan::{PlanError, PlanErrorKind};
use hunt_syntax::ParseError;
use std::path::{Path, PathBuf};

/// A query's answer: its KQL schema and Arrow batches (physical types per [`KqlType::arrow_type`]).
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// Column names and KQL types.
    pub schema: Schema,
    /// The rows, in order.
    pub batches: Vec<RecordBatch>,
    /// Informational notices (such as an ignored `render`).
    pub notices: Vec<String>,
}

impl QueryResult {
    /// Total number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }
}

/// Any error of the engine. [`Error::diagnostic`] gives what a front end renders.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query text is not valid KQL.
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// The query names something unknown, mixes types, or uses what hunt does not support.
    #[error("{0}")]
    Plan(#[from] PlanError),
    /// Reading data or running the plan failed.
    #[error("{0}")]
    Exec(#[from] ExecError),
}

/// The category of an error, as a front end shows it before the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagnosticKind {
    /// The query text is not valid KQL.
    Syntax,
    /// A table, column or function the query names does not exist.
    UnknownName,
    /// Operand types do not fit.
    Type,
    /// Valid KQL that hunt does not run yet.
    Unsupported,
    /// A malformed argument or literal, or a value a function refuses.
    Invalid,
    /// A file cannot be read or is damaged.
    Data,
    /// The query exceeds a limit (memory, rows, sizes, nesting); the message names it and
    /// how to raise it.
    Limit,
    /// A bug in hunt.
    Internal,
}

impl DiagnosticKind {
    /// The words shown before the message (`error` is shown as the message alone).
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticKind::Syntax => "syntax error",
            DiagnosticKind::UnknownName => "unknown name",
            DiagnosticKind::Type => "type error",
            DiagnosticKind::Unsupported => "not supported",
            DiagnosticKind::Invalid => "error",
            DiagnosticKind::Data => "data error",
            DiagnosticKind::Limit => "limit exceeded",
            DiagnosticKind::Internal => "internal error (a bug in hunt, please report it)",
        }
    }
}

impl std::fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for DiagnosticKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What a front end needs to render any error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Category.
    pub kind: DiagnosticKind,
    /// One-line message.
    pub message: String,
    /// Byte range in the query text, when the error is about the query.
    pub span: Option<std::ops::Range<usize>>,
    /// Label under the caret.
    pub label: Option<String>,
    /// `did you mean …` and similar.
    pub help: Option<String>,
}

impl Error {
    /// The renderable form of this error.
    pub fn diagnostic(&self) -> Diagnostic {
        let plain = |kind, message: String| Diagnostic {
            kind,
            message,
            span: None,
            label: None,
            help: None,
        };
        match self {
            Error::Parse(e) => Diagnostic {
                kind: DiagnosticKind::Syntax,
                message: e.message.clone(),
                span: Some(e.span.range()),
                label: Some("here".into()),
                help: e.help.clone(),
            },
            Error::Plan(e) => Diagnostic {
                kind: match e.kind {
                    PlanErrorKind::UnknownTable
                    | PlanErrorKind::UnknownColumn
                    | PlanErrorKind::UnknownFunction => DiagnosticKind::UnknownName,
                    PlanErrorKind::Type => DiagnosticKind::Type,
                    PlanErrorKind::Unsupported => DiagnosticKind::Unsupported,
                    PlanErrorKind::Invalid => DiagnosticKind::Invalid,
                    PlanErrorKind::Unreadable => DiagnosticKind::Data,
                    PlanErrorKind::Limit => DiagnosticKind::Limit,
                },
                message: e.message.clone(),
                span: Some(e.span.range()),
                label: e.label.clone(),
                help: e.help.clone(),
            },
            Error::Exec(ExecError::Eval { message, span }) => Diagnostic {
                kind: DiagnosticKind::Invalid,
                message: message.clone(),
                span: Some(span.range()),
                label: None,
                help: None,
            },
            Error::Exec(ExecError::Internal(m)) => plain(DiagnosticKind::Internal, m.clone()),
            Error::Exec(ExecError::Unsupported(_)) => {
                plain(DiagnosticKind::Unsupported, self.to_string())
            }
            Error::Exec(ExecError::Limit { .. }) => plain(DiagnosticKind::Limit, self.to_string()),
            Error::Exec(
                ExecError::Parquet { .. }
                | ExecError::Damaged { .. }
                | ExecError::Io { .. }
                | ExecError::Schema { .. },
            ) => plain(DiagnosticKind::Data, self.to_string()),
            Error::Exec(e) => plain(DiagnosticKind::Invalid, e.to_string()),
        }
    }
}

/// The stack of the threads queries are planned and run on (reserved address space;
/// only what is used is backed by memory).
const QUERY_STACK: usize = 256 * 1024 * 1024;

/// The most threads [`Engine::set_threads`] starts.
pub const MAX_THREADS: usize = 1024;

/// The engine: registered tables and settings. Cheap to share across threads.
#[derive(Debug, Default, Clone)]
pub struct Engine {
    tables: TableSet,
    now_ns: Option<i64>,
    /// The thread pool queries run on; `None` uses rayon's global pool (all cores).
    pool: Option<std::sync::Arc<rayon::ThreadPool>>,
    /// The memory one query may hold, in bytes.
    memory_limit: Option<usize>,
}

impl Engine {
    /// An engine with no tables.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// An engine over every table in `dir`: each folder `DIR/<Table>/**/*.parquet` and each
    /// file `DIR/<Table>.parquet`, schemas read from the Parquet footers.
    pub fn open_dir(dir: impl AsRef<Path>) -> Result<Engine, Error> {
        Ok(Engine {
            tables: hunt_exec::discover(dir.as_ref())?,
            now_ns: None,
            pool: None,
            memory_limit: None,
        })
    }

    /// Registers (or replaces) table `name` made of `files`.
    pub fn register_parquet(&mut self, name: &str, files: Vec<PathBuf>) -> Result<(), Error> {
        Ok(self.tables.register(name, files)?)
    }

    /// Names of the registered tables.
    pub fn table_names(&self) -> Vec<String> {
        hunt_plan::Catalog::table_names(&self.tables)
    }

    /// Runs queries on `threads` threads (the default is all cores). Results do not depend
    /// on the thread count.
    pub fn set_threads(&mut self, threads: usize) -> Result<(), Error> {
        if !(1..=MAX_THREADS).contains(&threads) {
            return Err(Error::Exec(ExecError::Limit {
                message: format!(
                    "{threads} threads: hunt runs queries on 1 to {MAX_THREADS} threads"
                ),
            }));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .stack_size(QUERY_STACK)
            .build()
            .map_err(|e| {
                Error::Exec(ExecError::Internal(format!(
                    "cannot start {threads} threads: {e}"
                )))
            })?;
        self.pool = Some(std::sync::Arc::new(pool));
        Ok(())
    }

    /// Runs `f` on the engine's pool: the scan spreads work over whichever pool is current
    /// when batches are pulled, so planning and collecting both happen inside it. Without
    /// a pool of its own, `f` runs on a thread of [`QUERY_STACK`] bytes of stack: plans
    /// are walked recursively, and a plan at the planner's documented depth limit must
    /// not overflow whatever stack the caller's thread has.
    fn on_pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(p) => p.install(f),
            None => std::thread::scope(|s| {
                match std::thread::Builder::new()
                    .name("hunt-query".into())
                    .stack_size(QUERY_STACK)
                    .spawn_scoped(s, f)
                {
                    Ok(handle) => handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    // No thread to be had: run here (the closure was consumed, so this
                    // path cannot retry it; spawning fails only when out of resources).
                    Err(e) => std::panic::panic_any(format!("cannot start a query thread: {e}")),
                }
            }),
        }
    }

    /// Limits the memory one query may hold to `bytes` (the default is
    /// [`hunt_exec::limits::DEFAULT_MEMORY_LIMIT`], 8 GiB, Kusto's default per query and
    /// node). A query that needs more fails with a limit error naming it.
    pub fn set_memory_limit(&mut self, bytes: usize) {
        self.memory_limit = Some(bytes);
    }

    /// A fresh budget for one query.
    fn budget(&self) -> hunt_exec::limits::MemoryBudget {
        hunt_exec::limits::MemoryBudget::new(
            self.memory_limit
                .unwrap_or(hunt_exec::limits::DEFAULT_MEMORY_LIMIT),
        )
    }

    /// Fixes `now()` (nanoseconds since the Unix epoch) for reproducible hunts.
    pub fn set_now(&mut self, now_ns: i64) {
        self.now_ns = Some(now_ns);
    }

    fn now(&self) -> i64 {
        self.now_ns.unwrap_or_else(|| {
            let ns = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
            ns - ns % 100
        })
    }

    /// Parses and plans `kql`. A table whose files cannot be read is a planning error of
    /// kind `Unreadable` at the table's name, carrying the file's own error.
    fn plan(&self, kql: &str) -> Result<hunt_plan::Planned, Error> {
        let ast = hunt_syntax::parse(kql)?;
        Ok(hunt_plan::plan(&ast, &self.tables, self.now())?)
    }

    fn physical(
        &self,
        kql: &str,
    ) -> Result<(std::sync::Arc<dyn hunt_exec::ExecutionPlan>, Vec<String>), Error> {
        let planned = self.plan(kql)?;
        let plan = hunt_plan::optimize(planned.plan);
        Ok((
            hunt_exec::create_physical_plan(&plan, &self.tables)?,
            planned.notices,
        ))
    }

    /// Runs a query and returns all its rows.
    pub fn query(&self, kql: &str) -> Result<QueryResult, Error> {
        no_panic(|| {
            self.on_pool(|| {
                let (plan, notices) = self.physical(kql)?;
                let batches = hunt_exec::collect_within(&plan, &self.budget())?;
                Ok(QueryResult {
                    schema: plan.schema().clone(),
                    batches,
                    notices,
                })
            })
        })
    }

    /// EXPLAIN: runs the query and returns its optimized logical plan (with what was
    /// pushed into each scan) and its physical plan with what each scan read and skipped
    /// (files, row groups, pages, rows) during that run.
    pub fn explain(&self, kql: &str) -> Result<String, Error> {
        no_panic(|| {
            self.on_pool(|| {
                let planned = self.plan(kql)?;
                let plan = hunt_plan::optimize(planned.plan);
                let physical = hunt_exec::create_physical_plan(&plan, &self.tables)?;
                let rows: usize = hunt_exec::collect_within(&physical, &self.budget())?
                    .iter()
                    .map(|b| b.num_rows())
                    .sum();
                Ok(format!(
                    "logical plan:\n{plan}\nphysical plan (after a run returning {rows} rows):\n{}",
                    hunt_exec::display(&physical)
                ))
            })
        })
    }
}

/// The last guard before the caller: a panic anywhere in hunt (a bug: damaged files are
/// caught where they are decoded) becomes an internal error instead of unwinding into the
/// caller or ending the process.
fn no_panic<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(Error::Exec(ExecError::Internal(format!(
            "a panic: {}",
            hunt_exec::scan::panic_message(payload.as_ref())
        ))))
    })
}
