//! Errors that stop a test file from running: a file that cannot be read or does not have the
//! expected shape. (A rule that does not parse or bind is not one of these: it fails its cases
//! and is reported in SARIF.)

use std::path::PathBuf;

/// A test file, rule file or fixture that cannot be used. Each names its file.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is read but its content is wrong (bad YAML, JSON, CSV, a missing key, a value
    /// that does not fit its column).
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Writing a fixture or a recorded expectation failed.
    #[error("cannot write `{}`: {message}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

impl RulesError {
    /// An [`RulesError::Invalid`] without a line.
    pub fn invalid(path: impl Into<PathBuf>, message: impl Into<String>) -> RulesError {
        RulesError::Invalid {
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }

    /// An [`RulesError::Io`].
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> RulesError {
        let path = path.into();
        move |source| RulesError::Io { path, source }
    }

    /// A YAML error of `path`, with its line when the parser gives one.
    pub fn yaml(path: impl Into<PathBuf>, e: &serde_yaml_ng::Error) -> RulesError {
        RulesError::Invalid {
            path: path.into(),
            line: e.location().map(|l| l.line()),
            message: e.to_string(),
        }
    }
}
