//! The entry point front ends share: a data directory with its settings ([`DataDir`]) and
//! a caller ([`Session`]) whose queries go policy check → run → pseudonymize → audit.

use crate::audit::{AuditLog, AuditRecord};
use crate::policy::{AUDIT_TABLE, Policy, Settings};
use crate::pseudonym::{Identities, PseudonymKey};
use crate::{IrmError, library};
use hunt::{CancelToken, Engine, QueryResult, TableGuard};
use std::path::{Path, PathBuf};

/// An engine over a data directory, with the built-in library and the directory's
/// `hunt.toml` settings.
#[derive(Debug, Clone)]
pub struct DataDir {
    engine: Engine,
    root: Option<PathBuf>,
    settings: Settings,
}

impl DataDir {
    /// Opens `dir`: its tables, `schema.kql`, the built-in functions, `hunt.toml`.
    pub fn open(dir: impl AsRef<Path>) -> Result<DataDir, IrmError> {
        let engine = Engine::open_dir(dir.as_ref())?;
        DataDir::with_engine(engine, Some(dir.as_ref()))
    }

    /// Wraps an engine already opened (over `dir`, whose `hunt.toml` is read, if given);
    /// adds the built-in functions.
    pub fn with_engine(mut engine: Engine, dir: Option<&Path>) -> Result<DataDir, IrmError> {
        library::install(&mut engine)?;
        let settings = match dir {
            Some(d) => Settings::load(d)?,
            None => Settings::default(),
        };
        Ok(DataDir {
            engine,
            root: dir.map(Path::to_path_buf),
            settings,
        })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, to set `now()` or threads.
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// The directory's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The directory's access policy, if it has one.
    pub fn policy(&self) -> Option<Policy> {
        self.settings.policy()
    }

    /// The audit log, when the directory has a policy (or enables auditing).
    pub fn audit_log(&self) -> Option<AuditLog> {
        let root = self.root.as_ref()?;
        if self.settings.access.is_none() && !self.settings.audit.enabled {
            return None;
        }
        let rel = self
            .settings
            .audit
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from(crate::audit::DEFAULT_FILE));
        Some(AuditLog::new(root.join(rel)))
    }
}

/// A caller: who, with which roles, and whether results are pseudonymized.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The caller's name, for the policy's messages and the audit log.
    pub principal: Option<String>,
    /// The caller's roles.
    pub roles: Vec<String>,
    /// Pseudonymize results; `None` follows the directory's `pseudonymize` setting.
    pub pseudonymize: Option<bool>,
    /// The pseudonym key (needed to pseudonymize and to reveal).
    pub key: Option<PseudonymKey>,
}

/// A query's answer and what the session did with it.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The rows (pseudonymized when [`Answer::pseudonymized`]).
    pub result: QueryResult,
    /// The tables the query named.
    pub tables: Vec<String>,
    /// Whether identities were pseudonymized.
    pub pseudonymized: bool,
}

/// The policy as the engine's table guard.
struct PolicyGuard<'a> {
    policy: Option<Policy>,
    principal: &'a str,
    roles: &'a [String],
}

impl TableGuard for PolicyGuard<'_> {
    fn check(&self, table: &str) -> Result<(), String> {
        match &self.policy {
            Some(p) => p.check(table, self.principal, self.roles),
            None => Ok(()),
        }
    }
}

impl Session {
    /// A session from `HUNT_PRINCIPAL`, `HUNT_ROLES` (comma-separated) and
    /// `HUNT_PSEUDONYM_KEY`.
    pub fn from_env() -> Result<Session, IrmError> {
        let principal = std::env::var("HUNT_PRINCIPAL")
            .ok()
            .filter(|s| !s.is_empty());
        let roles = std::env::var("HUNT_ROLES")
            .map(|r| split_roles(&r))
            .unwrap_or_default();
        let key = PseudonymKey::from_env().transpose()?;
        Ok(Session {
            principal,
            roles,
            pseudonymize: None,
            key,
        })
    }

    /// The principal's name, `unknown` when none was given.
    pub fn principal_name(&self) -> &str {
        self.principal.as_deref().unwrap_or("unknown")
    }

    /// Whether this session's results on `data` are pseudonymized.
    pub fn pseudonymizes(&self, data: &DataDir) -> bool {
        self.pseudonymize.unwrap_or(data.settings.pseudonymize)
    }

    fn guard(&self, data: &DataDir) -> PolicyGuard<'_> {
        PolicyGuard {
            policy: data.policy(),
            principal: self.principal_name(),
            roles: &self.roles,
        }
    }

    fn key(&self) -> Result<&PseudonymKey, IrmError> {
        self.key.as_ref().ok_or_else(|| {
            IrmError::Key(
                "pseudonymizing needs a key: pass --pseudonym-key-file FILE or set HUNT_PSEUDONYM_KEY"
                    .into(),
            )
        })
    }

    /// Runs `kql` for this caller: tables checked against the policy before any file is
    /// read, result pseudonymized if asked, and the query appended to the audit log (when
    /// the directory has one) before the answer is returned, whatever the outcome.
    pub fn query(&self, data: &DataDir, kql: &str) -> Result<Answer, IrmError> {
        self.query_with(data, kql, None)
    }

    /// [`Session::query`] that stops when `token` is cancelled (by a server's timeout, a
    /// client gone, Ctrl-C): the query's scans check it before each row group, and the
    /// query then fails with [`IrmError::is_cancelled`] true (audited as an error).
    pub fn query_cancellable(
        &self,
        data: &DataDir,
        kql: &str,
        token: &CancelToken,
    ) -> Result<Answer, IrmError> {
        self.query_with(data, kql, Some(token))
    }

    fn query_with(
        &self,
        data: &DataDir,
        kql: &str,
        token: Option<&CancelToken>,
    ) -> Result<Answer, IrmError> {
        let mut record = AuditRecord::now("query", self.principal_name(), &self.roles, kql);
        let outcome = self.run(data, kql, token, &mut record);
        match &outcome {
            Ok(a) => record.rows = Some(a.result.num_rows() as u64),
            Err(e) => {
                record.outcome = if e.is_denied() { "denied" } else { "error" }.into();
                record.error = Some(e.to_string());
            }
        }
        if let Some(log) = data.audit_log() {
            log.append(&record)?;
        }
        outcome
    }

    fn run(
        &self,
        data: &DataDir,
        kql: &str,
        token: Option<&CancelToken>,
        record: &mut AuditRecord,
    ) -> Result<Answer, IrmError> {
        let pseudo = self.pseudonymizes(data);
        record.pseudonymized = pseudo;
        record.revealed = !pseudo && data.settings.pseudonymize;
        let guard = self.guard(data);
        let key = if pseudo { Some(self.key()?) } else { None };
        let with_audit;
        let engine =
            if kql.contains(AUDIT_TABLE) && data.engine.functions().get(AUDIT_TABLE).is_none() {
                record.tables.push(AUDIT_TABLE.to_string());
                guard
                    .check(AUDIT_TABLE)
                    .map_err(|message| hunt::Error::Denied {
                        table: AUDIT_TABLE.to_string(),
                        message,
                    })?;
                let records = match data.audit_log() {
                    Some(log) => log.read()?,
                    None => vec![],
                };
                let mut e = data.engine.clone();
                e.apply_script(&crate::audit::function_script(&records), "audit log")
                    .map_err(|e| hunt::Error::Script(Box::new(e)))?;
                with_audit = e;
                &with_audit
            } else {
                &data.engine
            };
        let run = |text: &str, touched: &mut Vec<String>| match token {
            Some(t) => engine.query_guarded_cancellable(text, &guard, touched, t),
            None => engine.query_guarded(text, &guard, touched),
        };
        let mut touched = Vec::new();
        let Some(key) = key else {
            let r = run(kql, &mut touched);
            record.tables.extend(touched.iter().cloned());
            return Ok(Answer {
                result: r?,
                tables: touched,
                pseudonymized: false,
            });
        };
        // Bind first (this is where the policy refuses), then learn the identities of
        // the tables named, refuse real names, turn pseudonyms back into values, run.
        let checked = engine.check_guarded(kql, &guard, &mut touched);
        record.tables.extend(touched.iter().cloned());
        checked?;
        let ids = Identities::collect(
            engine,
            &touched,
            &data.settings.pseudonym_columns,
            key,
            token,
        )?;
        ids.check_query(kql)?;
        let restored = ids.restore(kql)?;
        let mut again = Vec::new();
        let result = run(&restored, &mut again)?;
        Ok(Answer {
            result: ids.apply(result)?,
            tables: touched,
            pseudonymized: true,
        })
    }

    /// Binds `kql` through the policy without running it (nothing is read but the footers
    /// of the allowed tables it names); returns those tables. For `EXPLAIN` and linting.
    pub fn check(&self, data: &DataDir, kql: &str) -> Result<Vec<String>, IrmError> {
        let mut touched = Vec::new();
        data.engine
            .check_guarded(kql, &self.guard(data), &mut touched)?;
        Ok(touched)
    }

    /// The real identity behind `pseudonym`, searched in the identity columns of every
    /// table this caller may read; audited as a `reveal`.
    pub fn reveal(&self, data: &DataDir, pseudonym: &str) -> Result<String, IrmError> {
        let mut record = AuditRecord::now("reveal", self.principal_name(), &self.roles, pseudonym);
        record.revealed = true;
        let outcome = (|| {
            let key = self.key()?;
            let guard = self.guard(data);
            let tables: Vec<String> = data
                .engine
                .table_names()
                .into_iter()
                .filter(|t| guard.check(t).is_ok())
                .collect();
            record.tables = tables.clone();
            let ids = Identities::collect(
                &data.engine,
                &tables,
                &data.settings.pseudonym_columns,
                key,
                None,
            )?;
            ids.reveal(pseudonym.trim())
                .map(str::to_string)
                .ok_or_else(|| IrmError::UnknownPseudonym(pseudonym.trim().to_string()))
        })();
        match &outcome {
            Ok(_) => record.rows = Some(1),
            Err(e) => {
                record.outcome = "error".into();
                record.error = Some(e.to_string());
            }
        }
        if let Some(log) = data.audit_log() {
            log.append(&record)?;
        }
        outcome
    }
}

/// `A, B,C` → `["A", "B", "C"]`.
pub(crate) fn split_roles(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
