//! The audit log: one JSON line per request (time, principal, roles, method, route, status,
//! and for a query its text and row count), appended and flushed before the response leaves.
//!
//! The file is `DIR/.hunt/audit.jsonl`; hunt only ever appends to it.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

/// One audit record.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// Who (`anonymous` when the request was not authenticated).
    pub principal: String,
    /// The principal's roles.
    pub roles: Vec<String>,
    /// HTTP method.
    pub method: String,
    /// The route pattern (`/v1.0/security/alerts_v2/{id}`), or the path when no route matched.
    pub route: String,
    /// The request path.
    pub path: String,
    /// HTTP status answered.
    pub status: u16,
    /// `ok`, `denied` (401/403) or `error`.
    pub outcome: &'static str,
    /// The query text, for a request that ran one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Rows returned, for a request that ran a query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// The error message, when the request failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The append-only audit file.
#[derive(Debug)]
pub struct Audit {
    path: PathBuf,
    file: Mutex<File>,
}

impl Audit {
    /// Opens `path` for appending (creating it).
    pub fn open(path: &Path) -> std::io::Result<Audit> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Audit {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and flushes it to the file.
    pub fn append(&self, record: &AuditRecord) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(&line)?;
        file.flush()
    }
}
