//! Import errors: what went wrong, and where (file, line) for a record that cannot be read.

use std::fmt;
use std::path::PathBuf;

/// Where a record sits in its input: the file and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input file.
    pub file: PathBuf,
    /// 1-based line of the record's start (for a whole-file JSON document, the line where
    /// the record begins inside it).
    pub line: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// A record that could not be read: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// Where the record is.
    pub at: Location,
    /// Why it was rejected.
    pub message: String,
}

impl fmt::Display for BadRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// Any failure of an import. Nothing of the failed run is left in the data directory.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Writing Parquet failed.
    #[error("{}: {source}", path.display())]
    Parquet {
        /// The file being written.
        path: PathBuf,
        /// The writer's error.
        source: parquet::errors::ParquetError,
    },
    /// An input cannot be imported at all (unknown format, no table name, ...).
    #[error("{}: {message}", path.display())]
    Input {
        /// The input file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// More records could not be read than `max_errors` allows; the last one is shown.
    #[error("{} record(s) could not be read (more than --max-errors {max_errors}); the last: {last}", bad.len())]
    TooManyBadRecords {
        /// The allowance.
        max_errors: usize,
        /// Every bad record seen, in order.
        bad: Vec<BadRecord>,
        /// The one that went over the allowance.
        last: BadRecord,
    },
    /// The import ledger in the data directory is unreadable.
    #[error("{}: the import ledger is damaged: {message}", path.display())]
    Ledger {
        /// The ledger file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An inconsistency inside the importer.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ImportError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ImportError {
        ImportError::Io {
            path: path.into(),
            source,
        }
    }
}
