//! hunt: run KQL over Parquet tables, embedded. (API stub; being written.)

pub mod format;

pub use arrow::record_batch::RecordBatch;
pub use hunt_plan::types::{Field, KqlType, Schema};

/// A query's answer: its KQL schema and Arrow batches (physical types per [`KqlType::arrow_type`]).
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// Column names and KQL types.
    pub schema: Schema,
    /// The rows, in order.
    pub batches: Vec<RecordBatch>,
}

impl QueryResult {
    /// Total number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }
}

/// An error, rendered by the CLI from [`Error::diagnostic`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub String);

/// What the CLI needs to render any error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Category: "syntax error", "error" ...
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
    /// The renderable form.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic { kind: "error", message: self.0.clone(), span: None, label: None, help: None }
    }
}

/// The engine: registered tables and settings.
#[derive(Debug, Default)]
pub struct Engine {}

impl Engine {
    /// An engine with no tables.
    pub fn new() -> Engine {
        Engine {}
    }
    /// An engine over every table in `dir` (`DIR/<Table>/**/*.parquet` or `DIR/<Table>.parquet`).
    pub fn open_dir(dir: impl AsRef<std::path::Path>) -> Result<Engine, Error> {
        let _ = dir;
        Ok(Engine {})
    }
    /// Fixes `now()` (nanoseconds since the Unix epoch) for reproducible hunts.
    pub fn set_now(&mut self, now_ns: i64) {
        let _ = now_ns;
    }
    /// Runs a query.
    pub fn query(&self, kql: &str) -> Result<QueryResult, Error> {
        Err(Error(format!("not implemented: {kql}")))
    }
}
