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

/// What a front end needs to render any error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Category: `syntax error`, `unknown name`, `type error`, `not supported`, `error`.
    pub kind: &'static str,
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
        match self {
            Error::Parse(e) => Diagnostic {
                kind: "syntax error",
                message: e.message.clone(),
                span: Some(e.span.range()),
                label: Some("here".into()),
                help: e.help.clone(),
            },
            Error::Plan(e) => Diagnostic {
                kind: match e.kind {
                    PlanErrorKind::UnknownTable
                    | PlanErrorKind::UnknownColumn
                    | PlanErrorKind::UnknownFunction => "unknown name",
                    PlanErrorKind::Type => "type error",
                    PlanErrorKind::Unsupported => "not supported",
                    PlanErrorKind::Invalid => "error",
                },
                message: e.message.clone(),
                span: Some(e.span.range()),
                label: e.label.clone(),
                help: e.help.clone(),
            },
            Error::Exec(ExecError::Eval { message, span }) => Diagnostic {
                kind: "error",
                message: message.clone(),
                span: Some(span.range()),
                label: None,
                help: None,
            },
            Error::Exec(e) => Diagnostic {
                kind: "error",
                message: e.to_string(),
                span: None,
                label: None,
                help: None,
            },
        }
    }
}

/// The engine: registered tables and settings. Cheap to share across threads.
#[derive(Debug, Default, Clone)]
pub struct Engine {
    tables: TableSet,
    now_ns: Option<i64>,
    /// The thread pool queries run on; `None` uses rayon's global pool (all cores).
    pool: Option<std::sync::Arc<rayon::ThreadPool>>,
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
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
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
    /// when batches are pulled, so planning and collecting both happen inside it.
    fn on_pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(p) => p.install(f),
            None => f(),
        }
    }

    /// Resolves `externaldata` URLs to the files of `dir` (its `manifest.json` maps URLs
    /// to file names; without an entry, the URL's last path segment) instead of
    /// `DIR/externaldata/`.
    pub fn set_externaldata_dir(&mut self, dir: PathBuf) {
        self.tables.set_externaldata_dir(Some(dir));
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

    /// Parses and plans `kql`. A table whose files cannot be read makes the planner see no
    /// such table; the file's own error is reported instead.
    fn plan(&self, kql: &str) -> Result<hunt_plan::Planned, Error> {
        let ast = hunt_syntax::parse(kql)?;
        let _ = self.tables.take_error();
        let planned = hunt_plan::plan(&ast, &self.tables, self.now());
        if let Some(e) = self.tables.take_error() {
            return Err(e.into());
        }
        Ok(planned?)
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
        self.on_pool(|| {
            let (plan, notices) = self.physical(kql)?;
            let batches = hunt_exec::collect(&plan)?;
            Ok(QueryResult {
                schema: plan.schema().clone(),
                batches,
                notices,
            })
        })
    }

    /// EXPLAIN: runs the query and returns its optimized logical plan (with what was
    /// pushed into each scan) and its physical plan with what each scan read and skipped
    /// (files, row groups, pages, rows) during that run.
    pub fn explain(&self, kql: &str) -> Result<String, Error> {
        self.on_pool(|| {
            let planned = self.plan(kql)?;
            let plan = hunt_plan::optimize(planned.plan);
            let physical = hunt_exec::create_physical_plan(&plan, &self.tables)?;
            let rows: usize = hunt_exec::collect(&physical)?
                .iter()
                .map(|b| b.num_rows())
                .sum();
            Ok(format!(
                "logical plan:\n{plan}\nphysical plan (after a run returning {rows} rows):\n{}",
                hunt_exec::display(&physical)
            ))
        })
    }
}
