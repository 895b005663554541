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

/// Result alias for this crate.
pub type Result<T, E = ExecError> = std::result::Result<T, E>;
