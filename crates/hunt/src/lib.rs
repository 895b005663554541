//! hunt: run KQL (Kusto Query Language) over Parquet tables, offline and embedded.
//!
//! Open a data directory (a folder or a `.parquet` file per table), fix `now()` and the
//! worker threads, and run a query:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # let opts = hunt_gen::GenOptions { events: 2_000, ..Default::default() };
//! # hunt_gen::write_dataset(&opts, dir.path())?;
//! let mut engine = hunt::Engine::open_dir(dir.path())?;
//! engine.set_now(1_751_328_000_000_000_000); // 2025-07-01T00:00:00Z: ago() is reproducible
//! engine.set_threads(2)?; // answers do not depend on it
//! let result = engine.query("DataSecurityEvents | where Timestamp > ago(7d) | count")?;
//! assert_eq!(result.num_rows(), 1);
//! # Ok(()) }
//! ```
//!
//! Register Arrow batches as an in-memory table; prepare a query and read its output schema
//! without running it; run it and stream the batches; cancel a query through its token:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use arrow::array::{ArrayRef, Int64Array, StringArray};
//! use arrow::datatypes::{DataType, Field, Schema};
//!
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("User", DataType::Utf8, false),
//!     Field::new("Failures", DataType::Int64, false),
//! ]));
//! let columns: Vec<ArrayRef> = vec![
//!     Arc::new(StringArray::from(vec!["alice", "bob", "alice"])),
//!     Arc::new(Int64Array::from(vec![3, 1, 4])),
//! ];
//! let batch = hunt::RecordBatch::try_new(schema.clone(), columns)?;
//! let mut engine = hunt::Engine::new();
//! engine.register_batches("Logins", schema, &[batch])?;
//!
//! let q = engine.prepare("Logins | summarize Total = sum(Failures) by User | sort by Total desc")?;
//! let names: Vec<&str> = q.schema().fields.iter().map(|f| f.name.as_str()).collect();
//! assert_eq!(names, ["User", "Total"]);
//! let mut rows = 0;
//! for batch in q.run()? {
//!     rows += batch?.num_rows();
//! }
//! assert_eq!(rows, 2);
//!
//! // Another thread (a Ctrl-C handler, a timeout) holds the token and cancels.
//! let q = engine.prepare("Logins | count")?;
//! let token = q.cancel_token();
//! token.cancel();
//! let err = q.collect().expect_err("cancelled");
//! assert!(err.to_string().contains("cancelled"));
//! # Ok(()) }
//! ```
//!
//! The stages (see `docs/architecture.md`): `hunt_syntax::parse` (text → AST),
//! `hunt_plan::plan` (AST → logical plan), `hunt_plan::optimize`,
//! `hunt_exec::create_physical_plan` and `hunt_exec::collect` (→ Arrow batches).

pub mod format;
mod memory;
mod prepared;

pub use hunt_exec::{CancelToken, ScanProgress};
pub use prepared::Prepared;

/// Every function name the planner knows (scalar, aggregate, library), for completion.
pub fn function_names() -> Vec<&'static str> {
    hunt_plan::planner::function_names()
}

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
    /// Folders holding the files of in-memory tables, removed with the last clone.
    memory: Vec<std::sync::Arc<memory::MemDir>>,
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
            ..Engine::default()
        })
    }

    /// Registers (or replaces) table `name` holding `batches` (all of `schema`; column
    /// types as [`KqlType::from_arrow`] reads them). Queries see it like any other table.
    pub fn register_batches(
        &mut self,
        name: &str,
        schema: arrow::datatypes::SchemaRef,
        batches: &[RecordBatch],
    ) -> Result<(), Error> {
        let (guard, file) = memory::write_batches(schema, batches)?;
        self.tables.register(name, vec![file])?;
        self.memory.push(guard);
        Ok(())
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
        self.physical_over(kql, &self.tables)
    }

    /// Plans `kql` into an operator tree reading `tables` (the engine's tables, possibly
    /// with a cancel token attached).
    fn physical_over(
        &self,
        kql: &str,
        tables: &TableSet,
    ) -> Result<(std::sync::Arc<dyn hunt_exec::ExecutionPlan>, Vec<String>), Error> {
        let planned = self.plan(kql)?;
        let plan = hunt_plan::optimize(planned.plan);
        Ok((
            hunt_exec::create_physical_plan(&plan, tables)?,
            planned.notices,
        ))
    }

    /// Parses and plans `kql` without running it: its output schema is known at once, and
    /// it runs (streamed or collected) and can be cancelled through the returned handle.
    pub fn prepare(&self, kql: &str) -> Result<Prepared, Error> {
        Prepared::new(self, kql)
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
