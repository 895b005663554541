//! The audit log: one JSON object per line, appended (never rewritten) and flushed to disk
//! before the query's result is handed back. It is also a table, `HuntAudit`: a stored
//! function over the log's records, built when a query names it.

use crate::IrmError;
use crate::mapping::kql_string;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The default log file inside the data directory.
pub const DEFAULT_FILE: &str = "hunt-audit.jsonl";

/// One audited action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When, RFC 3339 UTC.
    pub time: String,
    /// `query` or `reveal`.
    pub action: String,
    /// Who (the principal given, or `unknown`).
    pub principal: String,
    /// The roles the caller held.
    pub roles: Vec<String>,
    /// The query text (for `reveal`, the pseudonym).
    pub query: String,
    /// The tables the query named.
    pub tables: Vec<String>,
    /// Rows returned, when it ran.
    pub rows: Option<u64>,
    /// `ok`, `denied` or `error`.
    pub outcome: String,
    /// The error message, when it failed.
    pub error: Option<String>,
    /// Whether the result was pseudonymized.
    pub pseudonymized: bool,
    /// Whether real identities were revealed: a `reveal`, or a query whose identities were
    /// shown although the directory's settings pseudonymize.
    pub revealed: bool,
    /// For a request to `hunt serve`: its method and route pattern (`PATCH /irm/alerts/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// For a request to `hunt serve`: the HTTP status answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl AuditRecord {
    /// A record stamped now.
    pub fn now(action: &str, principal: &str, roles: &[String], query: &str) -> AuditRecord {
        AuditRecord {
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            action: action.into(),
            principal: principal.into(),
            roles: roles.to_vec(),
            query: query.into(),
            tables: vec![],
            rows: None,
            outcome: "ok".into(),
            error: None,
            pseudonymized: false,
            revealed: false,
            route: None,
            status: None,
        }
    }
}

/// The log file.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// The log at `path`.
    pub fn new(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog { path: path.into() }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self) -> impl FnOnce(std::io::Error) -> IrmError + '_ {
        move |source| IrmError::Audit {
            path: self.path.clone(),
            source,
        }
    }

    /// Appends one record as one line and syncs it to disk.
    pub fn append(&self, record: &AuditRecord) -> Result<(), IrmError> {
        let mut line = serde_json::to_string(record)
            .map_err(|e| IrmError::Invalid(format!("audit record: {e}")))?;
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(self.io())?;
        // One write of the whole line, so concurrent writers interleave whole lines.
        f.write_all(line.as_bytes()).map_err(self.io())?;
        f.sync_data().map_err(self.io())?;
        Ok(())
    }

    /// Every record, in order; none when the log does not exist yet.
    pub fn read(&self) -> Result<Vec<AuditRecord>, IrmError> {
        let f = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(self.io()(e)),
        };
        let mut out = Vec::new();
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.map_err(self.io())?;
            if line.trim().is_empty() {
                continue;
            }
            let rec = serde_json::from_str(&line).map_err(|e| IrmError::AuditFormat {
                path: self.path.clone(),
                line: i + 1,
                message: e.to_string(),
            })?;
            out.push(rec);
        }
        Ok(out)
    }
}

/// Which records `hunt audit` prints.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this principal (case-insensitive).
    pub principal: Option<String>,
    /// Only this outcome (`ok`, `denied`, `error`).
    pub outcome: Option<String>,
    /// Only records that name this table.
    pub table: Option<String>,
    /// Only records at or after this RFC 3339 time (or date).
    pub since: Option<String>,
    /// Only records whose query contains this text (case-insensitive).
    pub contains: Option<String>,
    /// Only this action (`query`, `reveal`).
    pub action: Option<String>,
}

impl AuditFilter {
    /// Whether `r` passes.
    pub fn matches(&self, r: &AuditRecord) -> Result<bool, IrmError> {
        let eq = |a: &Option<String>, b: &str| a.as_ref().is_none_or(|a| a.eq_ignore_ascii_case(b));
        if !eq(&self.principal, &r.principal)
            || !eq(&self.outcome, &r.outcome)
            || !eq(&self.action, &r.action)
        {
            return Ok(false);
        }
        if let Some(t) = &self.table
            && !r.tables.iter().any(|x| x.eq_ignore_ascii_case(t))
        {
            return Ok(false);
        }
        if let Some(c) = &self.contains
            && !r.query.to_lowercase().contains(&c.to_lowercase())
        {
            return Ok(false);
        }
        if let Some(s) = &self.since {
            let since = parse_time(s)?;
            let at = parse_time(&r.time)?;
            if at < since {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, IrmError> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        .map_err(|_| IrmError::Invalid(format!("`{s}` is not an RFC 3339 time or a date")))
}

/// The `.create-or-alter function HuntAudit()` command over `records`: a `datatable` with
/// columns Timestamp, Action, Principal, Roles, Query, Tables, Rows, Outcome, Error,
/// Pseudonymized, Revealed.
pub fn function_script(records: &[AuditRecord]) -> String {
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        let json = |v: &[String]| {
            let text = serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
            format!("dynamic({text})")
        };
        let time = match parse_time(&r.time) {
            Ok(t) => format!(
                "datetime({})",
                t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            ),
            Err(_) => "datetime(null)".into(),
        };
        rows.push(format!(
            "{time}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}",
            kql_string(&r.action),
            kql_string(&r.principal),
            json(&r.roles),
            kql_string(&r.query),
            json(&r.tables),
            r.rows.map_or("long(null)".into(), |n| format!("long({n})")),
            kql_string(&r.outcome),
            kql_string(r.error.as_deref().unwrap_or("")),
            r.pseudonymized,
            r.revealed,
        ));
    }
    format!(
        ".create-or-alter function with (docstring = \"The audit log of this data directory\", folder = \"IRM\")\n\
         {}() {{\n    datatable(Timestamp:datetime, Action:string, Principal:string, Roles:dynamic, Query:string, Tables:dynamic, Rows:long, Outcome:string, Error:string, Pseudonymized:bool, Revealed:bool) [\n{}\n    ]\n}}\n",
        crate::policy::AUDIT_TABLE,
        rows.join(",\n")
    )
}
