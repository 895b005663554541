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
//! engine.set_memory_limit(512 << 20); // a query whose result needs more fails with a limit error
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

mod control;
pub mod format;
mod guard;

pub use control::{SCHEMA_FILE, ScriptError};
pub use guard::{AllowAll, TableGuard};
pub use hunt_plan::{StoredFunction, StoredFunctions};
mod memory;
mod prepared;

pub use hunt_exec::{CancelToken, ScanProgress};
pub use prepared::Prepared;

/// Every function name the planner runs (scalar, aggregate, window, aliases), for
/// completion: the function registry's.
pub fn function_names() -> Vec<&'static str> {
    hunt_plan::planner::function_names()
}

/// The function registry: every KQL function name hunt knows, its kind and support.
pub use hunt_plan::registry::{Kind as FunctionKind, Registry, registry as function_registry};

pub use arrow::record_batch::RecordBatch;
/// The advanced-hunting catalog: every documented Defender XDR table (see `docs/catalog.md`).
pub use hunt_plan::advanced_hunting as catalog;
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

/// A table queries can name, as `hunt tables` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// Table name.
    pub name: String,
    /// True when the data directory has files for it; false for a catalog table without
    /// data, which reads as empty.
    pub has_data: bool,
    /// Its Microsoft Learn page, for an advanced-hunting catalog table.
    pub doc: Option<String>,
    /// Number of columns queries see.
    pub columns: usize,
}

/// What [`Engine::check_outcome`] found.
#[derive(Debug)]
pub enum Checked {
    /// The query binds; the schema of its result.
    Binds(Schema),
    /// The query names a column that only the data can make (after `bag_unpack` or
    /// `pivot`); whether it binds depends on the rows. The error it gets without rows.
    DependsOnData(Error),
}

/// The notice a result carries when it read catalog tables that have no data.
fn without_data_notice(tables: &[String]) -> Option<String> {
    if tables.is_empty() {
        return None;
    }
    let (noun, verb) = if tables.len() == 1 {
        ("table", "reads")
    } else {
        ("tables", "read")
    };
    Some(format!(
        "no data for the catalog {noun} {}: {verb} as empty (as in a tenant without that product)",
        tables.join(", ")
    ))
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
    /// The caller's roles may not read a table the query names.
    PermissionDenied,
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
            DiagnosticKind::PermissionDenied => "permission denied",
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
    /// Whether the query stopped because its [`CancelToken`] was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Error::Exec(ExecError::Cancelled))
    }

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
            Error::Script(e) => {
                let mut d = e.error.diagnostic();
                d.message = format!("{}: {}", e.origin, d.message);
                d
            }
            Error::Denied { message, .. } => {
                plain(DiagnosticKind::PermissionDenied, message.clone())
            }
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
    /// Stored functions (`.create function`), shared by clones of the engine.
    functions: std::sync::Arc<StoredFunctions>,
    now_ns: Option<i64>,
    /// The thread pool queries run on; `None` uses rayon's global pool (all cores).
    pool: Option<std::sync::Arc<rayon::ThreadPool>>,
    /// The memory one query may hold, in bytes.
    memory_limit: Option<usize>,
    /// Where queries spill (the folder their own folders are made in), and from how many
    /// bytes held; `None`s are the system's temp folder and the default threshold.
    spill: (Option<PathBuf>, Option<usize>),
    /// Folders holding the files of in-memory tables, removed with the last clone.
    memory: Vec<std::sync::Arc<memory::MemDir>>,
}

/// A physical plan, its planning notices, and the memory budget its operators reserve from.
type Physical = (
    std::sync::Arc<dyn hunt_exec::ExecutionPlan>,
    Vec<String>,
    hunt_exec::limits::MemoryBudget,
);

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

    /// Registers (or replaces) table `name` made of `files`, typed by `schema` (its columns
    /// first, with its KQL types; then any other column of the files).
    pub fn register_parquet_with_schema(
        &mut self,
        name: &str,
        files: Vec<PathBuf>,
        schema: &Schema,
    ) -> Result<(), Error> {
        Ok(self.tables.register_with_schema(name, files, schema)?)
    }

    /// Names of the tables queries can name: the data's and the advanced-hunting catalog's.
    pub fn table_names(&self) -> Vec<String> {
        hunt_plan::Catalog::table_names(&self.tables)
    }

    /// Names of the tables that have data files here, sorted (a subset of [`Self::table_names`]).
    pub fn data_table_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .table_names()
            .into_iter()
            .filter(|n| self.tables.has_data(n))
            .collect();
        names.sort();
        names
    }

    /// Every table queries can name, with where its schema comes from (see [`TableInfo`]).
    /// Reads the Parquet footers of the data's tables.
    pub fn tables(&self) -> Result<Vec<TableInfo>, Error> {
        self.table_names()
            .into_iter()
            .map(|name| {
                let schema = self.table_schema(&name)?.unwrap_or_default();
                let doc = hunt_plan::advanced_hunting::table(&name);
                Ok(TableInfo {
                    has_data: self.tables.has_data(&name),
                    doc: doc.map(|d| d.doc.clone()),
                    columns: schema.fields.len(),
                    name,
                })
            })
            .collect()
    }

    /// The schema queries see for table `name`: the data's columns merged with the
    /// catalog's documented ones (see `docs/catalog.md`), the documented schema of a catalog
    /// table without data, or `None` for an unknown name.
    pub fn table_schema(&self, name: &str) -> Result<Option<Schema>, Error> {
        Ok(self.tables.get(name)?.map(|t| t.schema.clone()))
    }

    /// Parses and binds `kql` against the tables' schemas without running it: the result's
    /// schema, or the error the query would fail with before running. No row of data is
    /// read (only Parquet footers): values a plan needs early (`toscalar`, `partition`
    /// keys, the columns `bag_unpack` makes) are computed over empty tables.
    pub fn check(&self, kql: &str) -> Result<Schema, Error> {
        match self.check_outcome(kql)? {
            Checked::Binds(schema) => Ok(schema),
            Checked::DependsOnData(err) => Err(err),
        }
    }

    /// [`Engine::check`], telling apart a query that cannot bind from one whose columns
    /// come from the rows: after `evaluate bag_unpack`/`pivot` (whose output columns are the
    /// keys found in the data) a column the empty probe did not make is unknown only for
    /// want of rows, so it is [`Checked::DependsOnData`], as Kusto's own editor leaves
    /// such a plugin's output open rather than flagging the names after it.
    pub fn check_outcome(&self, kql: &str) -> Result<Checked, Error> {
        let ast = hunt_syntax::parse(kql)?;
        let tables = self.tables.schemas_only();
        let probed = guard::Guarded::new(&tables, &AllowAll);
        match hunt_plan::plan_with(&ast, &probed, self.now(), &self.functions) {
            Ok(planned) => Ok(Checked::Binds(planned.plan.schema())),
            Err(e) if e.kind == PlanErrorKind::UnknownColumn && probed.probed() => {
                Ok(Checked::DependsOnData(e.into()))
            }
            Err(e) => Err(e.into()),
        }
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

    /// Makes the folders queries spill to under `dir` instead of the system's temp folder
    /// (each query's folder is removed when the query ends). See `docs/performance.md`.
    pub fn set_temp_dir(&mut self, dir: PathBuf) {
        self.spill.0 = Some(dir);
    }

    /// Spills a query's sorts and aggregates to disk once it holds `bytes` (the default is
    /// half the memory limit, at most 512 MiB). Results are the same either way; tests set
    /// it tiny to spill small inputs.
    pub fn set_spill_threshold(&mut self, bytes: usize) {
        self.spill.1 = Some(bytes);
    }

    /// A fresh budget for one query: its operators (built over the tables `with_budget`)
    /// and its result reserve from it.
    fn budget(&self) -> hunt_exec::limits::MemoryBudget {
        hunt_exec::limits::MemoryBudget::new(
            self.memory_limit
                .unwrap_or(hunt_exec::limits::DEFAULT_MEMORY_LIMIT),
        )
        .with_spill(self.spill.0.clone(), self.spill.1)
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

    /// Parses and plans `kql`. A table whose files cannot be read is a planning error of
    /// kind `Unreadable` at the table's name, carrying the file's own error.
    /// Its notices include one naming the catalog tables without data the query reads.
    fn plan(&self, kql: &str) -> Result<hunt_plan::Planned, Error> {
        let recorded = guard::Guarded::new(&self.tables, &AllowAll);
        let mut planned = self.plan_over(kql, &recorded)?;
        planned
            .notices
            .extend(self.without_data_notice(&recorded.touched()));
        Ok(planned)
    }

    /// The notice for the catalog tables without data among `touched` (the tables one
    /// query named, recorded per query so that concurrent queries never mix them).
    fn without_data_notice(&self, touched: &[String]) -> Option<String> {
        let names: std::collections::BTreeSet<String> = touched
            .iter()
            .filter(|name| !self.tables.has_data(name))
            .filter_map(|name| hunt_plan::advanced_hunting::table(name).map(|d| d.name.clone()))
            .collect();
        without_data_notice(&names.into_iter().collect::<Vec<_>>())
    }

    fn plan_over(
        &self,
        kql: &str,
        catalog: &dyn hunt_plan::Catalog,
    ) -> Result<hunt_plan::Planned, Error> {
        let ast = hunt_syntax::parse(kql)?;
        Ok(hunt_plan::plan_with(
            &ast,
            catalog,
            self.now(),
            &self.functions,
        )?)
    }

    fn physical(&self, kql: &str) -> Result<Physical, Error> {
        self.physical_over(kql, &self.tables)
    }

    /// Plans `kql` into an operator tree reading `tables` (the engine's tables, possibly
    /// with a cancel token attached).
    fn physical_over(&self, kql: &str, tables: &TableSet) -> Result<Physical, Error> {
        let planned = self.plan(kql)?;
        let plan = hunt_plan::optimize(planned.plan);
        let budget = self.budget();
        Ok((
            hunt_exec::create_physical_plan(&plan, &tables.with_budget(budget.clone()))?,
            planned.notices,
            budget,
        ))
    }

    /// Parses and plans `kql` without running it: its output schema is known at once, and
    /// it runs (streamed or collected) and can be cancelled through the returned handle.
    pub fn prepare(&self, kql: &str) -> Result<Prepared, Error> {
        Prepared::new(self, kql)
    }

    /// Runs a query and returns all its rows. When it reads advanced-hunting catalog tables
    /// that have no data, those read as empty and one notice names them.
    pub fn query(&self, kql: &str) -> Result<QueryResult, Error> {
        no_panic(|| {
            self.on_pool(|| {
                let (plan, notices, budget) = self.physical(kql)?;
                let batches = hunt_exec::collect_within(&plan, &budget)?;
                Ok(QueryResult {
                    schema: plan.schema().clone(),
                    batches,
                    notices,
                })
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
        self.query_guarded_with(kql, guard, touched, None)
    }

    /// [`Engine::query_guarded`] that stops when `token` is cancelled (from another thread,
    /// such as a server's timeout): the scans check it before each row group and the query
    /// then fails with an error for which [`Error::is_cancelled`] holds. The token also
    /// counts the scans' progress.
    pub fn query_guarded_cancellable(
        &self,
        kql: &str,
        guard: &dyn TableGuard,
        touched: &mut Vec<String>,
        token: &CancelToken,
    ) -> Result<QueryResult, Error> {
        self.query_guarded_with(kql, guard, touched, Some(token))
    }

    fn query_guarded_with(
        &self,
        kql: &str,
        guard: &dyn TableGuard,
        touched: &mut Vec<String>,
        token: Option<&CancelToken>,
    ) -> Result<QueryResult, Error> {
        self.on_pool(|| {
            let guarded = guard::Guarded::new(&self.tables, guard);
            let planned = self.plan_over(kql, &guarded);
            *touched = guarded.touched();
            if let Some((table, message)) = guarded.refused() {
                return Err(Error::Denied { table, message });
            }
            let mut planned = planned?;
            planned.notices.extend(self.without_data_notice(touched));
            let plan = hunt_plan::optimize(planned.plan);
            // Only this query's scans carry the token: a copy of the table set, not the set.
            let controlled = token.map(|t| self.tables.with_control(t.clone()));
            let tables = controlled.as_ref().unwrap_or(&self.tables);
            let budget = self.budget();
            let physical =
                hunt_exec::create_physical_plan(&plan, &tables.with_budget(budget.clone()))?;
            let batches =
                no_panic(|| Ok::<_, Error>(hunt_exec::collect_within(&physical, &budget)?))?;
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
        no_panic(|| {
            self.on_pool(|| {
                let planned = self.plan(kql)?;
                let plan = hunt_plan::optimize(planned.plan);
                let budget = self.budget();
                let physical = hunt_exec::create_physical_plan(
                    &plan,
                    &self.tables.with_budget(budget.clone()),
                )?;
                let rows: usize = hunt_exec::collect_within(&physical, &budget)?
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
fn no_panic<T, E: From<Error>>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(E::from(Error::Exec(ExecError::Internal(format!(
            "a panic: {}",
            hunt_exec::scan::panic_message(payload.as_ref())
        )))))
    })
}
