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

mod control;
pub mod format;
mod guard;

pub use control::{SCHEMA_FILE, ScriptError};
pub use guard::{AllowAll, TableGuard};
pub use hunt_plan::{StoredFunction, StoredFunctions};

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
    /// A control script (`DIR/schema.kql`) failed; its error points into its own text.
    #[error("{0}")]
    Script(Box<ScriptError>),
    /// The caller may not read a table the query names (see [`Engine::query_guarded`]).
    #[error("permission denied: {message}")]
    Denied {
        /// The table refused.
        table: String,
        /// Why, and what would allow it.
        message: String,
    },
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
            Error::Script(e) => {
                let mut d = e.error.diagnostic();
                d.message = format!("{}: {}", e.origin, d.message);
                d
            }
            Error::Denied { message, .. } => Diagnostic {
                kind: "permission denied",
                message: message.clone(),
                span: None,
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
    /// Stored functions (`.create function`), shared by clones of the engine.
    functions: std::sync::Arc<StoredFunctions>,
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
    /// file `DIR/<Table>.parquet`, schemas read from the Parquet footers, plus the tables
    /// and functions `DIR/schema.kql` declares (see [`Engine::apply_control`]).
    pub fn open_dir(dir: impl AsRef<Path>) -> Result<Engine, Error> {
        let mut engine = Engine {
            tables: hunt_exec::discover(dir.as_ref())?,
            ..Engine::default()
        };
        engine.load_schema_file(dir.as_ref())?;
        Ok(engine)
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
        self.plan_over(kql, &self.tables)
    }

    fn plan_over(
        &self,
        kql: &str,
        catalog: &dyn hunt_plan::Catalog,
    ) -> Result<hunt_plan::Planned, Error> {
        let ast = hunt_syntax::parse(kql)?;
        let _ = self.tables.take_error();
        let planned = hunt_plan::plan_with(&ast, catalog, self.now(), &self.functions);
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

    /// Runs a query whose every table must pass `guard` first. The guard is asked when the
    /// planner resolves a table name, before that table's files are opened, so a refused
    /// query fails with [`Error::Denied`] having read no file. `touched` receives the tables
    /// the query named, whatever the outcome.
    pub fn query_guarded(
        &self,
        kql: &str,
        guard: &dyn TableGuard,
        touched: &mut Vec<String>,
    ) -> Result<QueryResult, Error> {
        self.on_pool(|| {
            let guarded = guard::Guarded::new(&self.tables, guard);
            let planned = self.plan_over(kql, &guarded);
            *touched = guarded.touched();
            if let Some((table, message)) = guarded.refused() {
                return Err(Error::Denied { table, message });
            }
            let planned = planned?;
            let plan = hunt_plan::optimize(planned.plan);
            let physical = hunt_exec::create_physical_plan(&plan, &self.tables)?;
            let batches = hunt_exec::collect(&physical)?;
            Ok(QueryResult {
                schema: physical.schema().clone(),
                batches,
                notices: planned.notices,
            })
        })
    }

    /// Parses and binds a query through `guard` without running it (what
    /// [`Engine::query_guarded`] checks first); `touched` receives the tables it names.
    pub fn check_guarded(
        &self,
        kql: &str,
        guard: &dyn TableGuard,
        touched: &mut Vec<String>,
    ) -> Result<(), Error> {
        self.on_pool(|| {
            let guarded = guard::Guarded::new(&self.tables, guard);
            let planned = self.plan_over(kql, &guarded);
            *touched = guarded.touched();
            if let Some((table, message)) = guarded.refused() {
                return Err(Error::Denied { table, message });
            }
            planned.map(|_| ())
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
