//! Execution errors. `Internal` means a bug in hunt.

use hunt_syntax::Span;
use std::path::PathBuf;

/// An error while reading data or running a plan.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// An Arrow kernel failed (for example a cast that cannot be done).
    #[error("arrow: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// A Parquet file could not be read: names the file and the problem.
    #[error("{}: {source}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: parquet::errors::ParquetError,
    },
    /// A Parquet file's bytes do not decode: a checksum mismatch, or lengths and offsets
    /// that point outside the file. Names the file and where in it (`footer`, or the row
    /// group and column).
    #[error("{}: the file is damaged ({place}): {detail}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Where: `footer`, `page index`, `row group 3, column `Title``.
        place: String,
        /// What the decoder met.
        detail: String,
    },
    /// A file or directory could not be opened.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The files of a table do not fit together or hold types hunt cannot read:
    /// `T/a.parquet` has `N:long` and `T/b.parquet` has `N:string`.
    #[error("{message}")]
    Schema {
        /// One sentence naming the files and columns.
        message: String,
    },
    /// A run-time error attributable to part of the query: an invalid regex.
    #[error("{message}")]
    Eval {
        /// What went wrong.
        message: String,
        /// Where in the query.
        span: Span,
    },
    /// A function met an argument it cannot handle (an invalid regular expression, a
    /// value past a documented limit); the evaluator attaches the call's span.
    #[error("{0}")]
    Function(String),
    /// The query exceeds a resource limit (memory, a value's size, rows): names the limit
    /// and how to raise it.
    #[error("{message}")]
    Limit {
        /// What was exceeded and how to raise the limit.
        message: String,
    },
    /// Something hunt refuses at run time because it cannot give Kusto's answer exactly
    /// (`mv-apply` of an empty array whose subquery would return rows).
    #[error("not supported by hunt yet: {0}")]
    Unsupported(String),
    /// The query was cancelled through its [`CancelToken`](crate::CancelToken).
    #[error("the query was cancelled")]
    Cancelled,
    /// A bug in hunt: the plan and the data disagree where the planner should have
    /// made them agree.
    #[error("internal error (a bug in hunt, please report it): {0}")]
    Internal(String),
}

impl From<hunt_plan::registry::FunctionError> for ExecError {
    fn from(e: hunt_plan::registry::FunctionError) -> ExecError {
        use hunt_plan::registry::FunctionError as F;
        match e {
            F::Invalid(m) => ExecError::Function(m),
            F::Unsupported(m) => ExecError::Unsupported(m),
            F::Internal(m) => ExecError::Internal(m),
        }
    }
}

/// Result alias for this crate.
pub type Result<T, E = ExecError> = std::result::Result<T, E>;
