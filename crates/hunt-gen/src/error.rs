//! Errors of the generator. Every file-system or Parquet failure names the file.

use std::path::PathBuf;

/// Why [`crate::write_dataset`] or [`crate::demo_dir`] failed.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// A file or directory could not be created, written, renamed or removed.
    ///
    /// Example: `write_dataset(&opts, Path::new("/proc/forbidden"))`.
    #[error("i/o error on {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The Parquet writer rejected a batch or failed to finish a file.
    #[error("parquet error writing {}: {source}", path.display())]
    Parquet {
        /// The Parquet file being written.
        path: PathBuf,
        /// The underlying error.
        source: parquet::errors::ParquetError,
    },
    /// Building an Arrow record batch failed (a bug: column lengths or types disagree).
    #[error("arrow error (this is a bug in hunt-gen, please report it): {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// hunt-plan does not know one of the built-in tables.
    ///
    /// Example: the catalog was edited and `builtin_schema("AlertInfo")` returned `None`.
    #[error("no built-in schema for table `{0}`")]
    UnknownTable(String),
    /// Options that cannot produce a dataset.
    ///
    /// Example: `GenOptions { max_rows_per_file: 0, .. }`.
    #[error("invalid generator options: {0}")]
    InvalidOptions(String),
    /// The output folder already holds files and overwriting was not asked for.
    ///
    /// Example: `write_dataset(&opts, dir)` where `dir` holds an earlier dataset.
    #[error("{} is not empty; pass --force to replace the tables in it", .0.display())]
    NotEmpty(PathBuf),
    /// A generated dataset failed its self-check (marker missing, file missing,
    /// truncated or unreadable).
    ///
    /// Example: a demo cache whose `AlertInfo/part-00000.parquet` was truncated.
    #[error("dataset {} is damaged: {why}", path.display())]
    Damaged {
        /// The dataset's folder.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// An internal invariant broke, for example a value appended to a column of another type.
    #[error("internal error in hunt-gen (this is a bug, please report it): {0}")]
    Internal(String),
}

impl GenError {
    /// An [`GenError::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> GenError {
        GenError::Io {
            path: path.into(),
            source,
        }
    }
}
