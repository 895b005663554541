//! The errors of the insider-risk layer, typed; rendered only by front ends through
//! [`IrmError::diagnostic`].

use std::ops::Range;
use std::path::PathBuf;

/// Any error of hunt-irm.
#[derive(Debug, thiserror::Error)]
pub enum IrmError {
    /// The engine refused or failed the query (including [`hunt::Error::Denied`]).
    #[error("{0}")]
    Query(#[from] hunt::Error),
    /// `DIR/hunt.toml` cannot be read or is invalid.
    #[error("{}: {message}", path.display())]
    Settings {
        /// The settings file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The pseudonym key is missing, unreadable or too short.
    #[error("{0}")]
    Key(String),
    /// Under pseudonymization, the query names a real identity.
    #[error("{message}")]
    RealIdentity {
        /// Where in the query text.
        span: Range<usize>,
        /// What was refused.
        message: String,
    },
    /// A pseudonym that maps to no identity of the data.
    #[error("unknown pseudonym `{0}`: no identity value of the tables read has it under this key")]
    UnknownPseudonym(String),
    /// The audit log cannot be written or read.
    #[error("audit log {}: {source}", path.display())]
    Audit {
        /// The log file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The audit log holds a line that is not a record.
    #[error("audit log {}: line {line}: {message}", path.display())]
    AuditFormat {
        /// The log file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Something the caller asked for is invalid (a bad filter, a bad argument).
    #[error("{0}")]
    Invalid(String),
}

impl IrmError {
    /// What a front end renders.
    pub fn diagnostic(&self) -> hunt::Diagnostic {
        match self {
            IrmError::Query(e) => e.diagnostic(),
            IrmError::RealIdentity { span, message } => hunt::Diagnostic {
                kind: hunt::DiagnosticKind::PermissionDenied,
                message: message.clone(),
                span: Some(span.clone()),
                label: Some("a real identity".into()),
                help: Some(
                    "under pseudonymization, filter by the pseudonym shown in results".into(),
                ),
            },
            other => hunt::Diagnostic {
                kind: match other {
                    IrmError::Key(_) | IrmError::Settings { .. } | IrmError::Invalid(_) => {
                        hunt::DiagnosticKind::Invalid
                    }
                    IrmError::UnknownPseudonym(_) => hunt::DiagnosticKind::UnknownName,
                    _ => hunt::DiagnosticKind::Invalid,
                },
                message: other.to_string(),
                span: None,
                label: None,
                help: None,
            },
        }
    }

    /// True when the caller lacks a role (the query named a table it may not read).
    pub fn is_denied(&self) -> bool {
        matches!(self, IrmError::Query(hunt::Error::Denied { .. }))
    }

    /// True when the query stopped because its cancel token was cancelled
    /// ([`Session::query_cancellable`](crate::Session::query_cancellable)).
    pub fn is_cancelled(&self) -> bool {
        matches!(self, IrmError::Query(e) if e.is_cancelled())
    }
}
