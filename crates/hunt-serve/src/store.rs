//! Alert and incident state in SQLite: status, classification, determination, assignment and
//! comments, with a history row for every change (who, when, old, new, through which API).
//!
//! The database is `DIR/.hunt/state.sqlite`; its schema is versioned with
//! `rusqlite_migration`. Every change is one `BEGIN IMMEDIATE` transaction that reads the
//! current version, checks the caller's expected version (optimistic concurrency), writes the
//! new state and its history, so two concurrent changes never lose one another: the second
//! either applies on top of the first or is refused.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use rusqlite_migration::{M, Migrations};
use serde::Serialize;

/// Whose state: an alert or an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An alert (`AlertInfo.AlertId`).
    Alert,
    /// An incident (one per user).
    Incident,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Alert => "alert",
            Kind::Incident => "incident",
        }
    }
}

/// The stored state of one alert or incident (defaults when never changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityState {
    /// Graph status: `new`, `inProgress`, `resolved`.
    pub status: String,
    /// Graph classification, `None` when undetermined.
    pub classification: Option<String>,
    /// Graph determination, `None` when undetermined.
    pub determination: Option<String>,
    /// Who the alert is assigned to.
    pub assigned_to: Option<String>,
    /// Incremented by every change; 0 for a never-changed entity.
    pub version: i64,
    /// When it last changed (RFC 3339), if ever.
    pub last_update: Option<String>,
    /// Who changed it last, if anyone.
    pub updated_by: Option<String>,
}

impl EntityState {
    /// The state of an entity never changed: an alert is `new`, an incident `active`.
    pub fn initial(kind: Kind) -> EntityState {
        EntityState {
            status: match kind {
                Kind::Alert => "new",
                Kind::Incident => "active",
            }
            .to_owned(),
            ..EntityState::default()
        }
    }
}

impl Default for EntityState {
    fn default() -> EntityState {
        EntityState {
            status: "new".to_owned(),
            classification: None,
            determination: None,
            assigned_to: None,
            version: 0,
            last_update: None,
            updated_by: None,
        }
    }
}

/// A change: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// New status.
    pub status: Option<String>,
    /// New classification.
    pub classification: Option<Option<String>>,
    /// New determination.
    pub determination: Option<Option<String>>,
    /// New assignee.
    pub assigned_to: Option<Option<String>>,
}

/// One row of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// Which field changed.
    pub field: String,
    /// Its value before.
    pub old_value: Option<String>,
    /// Its value after.
    pub new_value: Option<String>,
    /// Who changed it.
    pub changed_by: String,
    /// When (RFC 3339).
    pub changed_date_time: String,
    /// Through which API: `graph` or `irm`.
    pub via: String,
    /// The version the change produced.
    pub version: i64,
}

/// One comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// The text.
    pub comment: String,
    /// Who wrote it.
    pub created_by_display_name: String,
    /// When (RFC 3339).
    pub created_date_time: String,
}

/// Store failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("alert state database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The schema could not be brought up to date.
    #[error("alert state database: cannot migrate the schema: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// The expected version is not the current one.
    #[error("the entity changed since version {expected}; its current version is {current}")]
    VersionMismatch {
        /// What the caller expected.
        expected: i64,
        /// What is stored.
        current: i64,
    },
}

/// The state database.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(
        "CREATE TABLE entity_state (
             kind TEXT NOT NULL,
             id TEXT NOT NULL,
             status TEXT NOT NULL,
             classification TEXT,
             determination TEXT,
             assigned_to TEXT,
             version INTEGER NOT NULL,
             last_update TEXT NOT NULL,
             updated_by TEXT NOT NULL,
             PRIMARY KEY (kind, id)
         );
         CREATE TABLE entity_history (
             seq INTEGER PRIMARY KEY AUTOINCREMENT,
             kind TEXT NOT NULL,
             id TEXT NOT NULL,
             field TEXT NOT NULL,
             old_value TEXT,
             new_value TEXT,
             principal TEXT NOT NULL,
             at TEXT NOT NULL,
             via TEXT NOT NULL,
             version INTEGER NOT NULL
         );
         CREATE INDEX entity_history_by_id ON entity_history (kind, id);
         CREATE TABLE entity_comment (
             seq INTEGER PRIMARY KEY AUTOINCREMENT,
             kind TEXT NOT NULL,
             id TEXT NOT NULL,
             comment TEXT NOT NULL,
             created_by TEXT NOT NULL,
             created_at TEXT NOT NULL
         );
         CREATE INDEX entity_comment_by_id ON entity_comment (kind, id);",
    )])
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn read_state(conn: &Connection, kind: Kind, id: &str) -> rusqlite::Result<EntityState> {
    Ok(conn
        .query_row(
            "SELECT status, classification, determination, assigned_to, version, last_update,
                    updated_by
             FROM entity_state WHERE kind = ?1 AND id = ?2",
            params![kind.as_str(), id],
            state_from_row,
        )
        .optional()?
        .unwrap_or_else(|| EntityState::initial(kind)))
}

fn state_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<EntityState> {
    Ok(EntityState {
        status: row.get(0)?,
        classification: row.get(1)?,
        determination: row.get(2)?,
        assigned_to: row.get(3)?,
        version: row.get(4)?,
        last_update: row.get(5)?,
        updated_by: row.get(6)?,
    })
}

impl Store {
    /// Opens (creating if needed) `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrations().to_latest(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls
        // back on drop), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state of one entity (defaults if never changed).
    pub fn get(&self, kind: Kind, id: &str) -> Result<EntityState, StoreError> {
        Ok(read_state(&self.conn(), kind, id)?)
    }

    /// Every stored state of `kind`, by id (entities never changed are absent).
    pub fn all(&self, kind: Kind) -> Result<HashMap<String, EntityState>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, status, classification, determination, assigned_to, version,
                    last_update, updated_by
             FROM entity_state WHERE kind = ?1",
        )?;
        let rows = stmt.query_map(params![kind.as_str()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                EntityState {
                    status: row.get(1)?,
                    classification: row.get(2)?,
                    determination: row.get(3)?,
                    assigned_to: row.get(4)?,
                    version: row.get(5)?,
                    last_update: row.get(6)?,
                    updated_by: row.get(7)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Applies `change` in one transaction, if the current version is `expected` (when given).
    /// Writes one history row per field whose value changes. Returns the new state.
    pub fn update(
        &self,
        kind: Kind,
        id: &str,
        change: &Change,
        expected: Option<i64>,
        principal: &str,
        via: &str,
    ) -> Result<EntityState, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old = read_state(&tx, kind, id)?;
        if let Some(expected) = expected {
            if expected != old.version {
                return Err(StoreError::VersionMismatch {
                    expected,
                    current: old.version,
                });
            }
        }
        let mut new = old.clone();
        if let Some(s) = &change.status {
            new.status = s.clone();
        }
        if let Some(c) = &change.classification {
            new.classification = c.clone();
        }
        if let Some(d) = &change.determination {
            new.determination = d.clone();
        }
        if let Some(a) = &change.assigned_to {
            new.assigned_to = a.clone();
        }
        let fields: [(&str, Option<&String>, Option<&String>); 4] = [
            ("status", Some(&old.status), Some(&new.status)),
            (
                "classification",
                old.classification.as_ref(),
                new.classification.as_ref(),
            ),
            (
                "determination",
                old.determination.as_ref(),
                new.determination.as_ref(),
            ),
            (
                "assignedTo",
                old.assigned_to.as_ref(),
                new.assigned_to.as_ref(),
            ),
        ];
        if fields.iter().all(|(_, a, b)| a == b) {
            // Nothing changes: no new version, no history.
            return Ok(old);
        }
        let at = now_text();
        new.version = old.version + 1;
        new.last_update = Some(at.clone());
        new.updated_by = Some(principal.to_owned());
        tx.execute(
            "INSERT INTO entity_state (kind, id, status, classification, determination,
                                       assigned_to, version, last_update, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (kind, id) DO UPDATE SET
                 status = excluded.status, classification = excluded.classification,
                 determination = excluded.determination, assigned_to = excluded.assigned_to,
                 version = excluded.version, last_update = excluded.last_update,
                 updated_by = excluded.updated_by",
            params![
                kind.as_str(),
                id,
                new.status,
                new.classification,
                new.determination,
                new.assigned_to,
                new.version,
                at,
                principal
            ],
        )?;
        for (field, before, after) in fields {
            if before != after {
                tx.execute(
                    "INSERT INTO entity_history (kind, id, field, old_value, new_value,
                                                 principal, at, via, version)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        kind.as_str(),
                        id,
                        field,
                        before,
                        after,
                        principal,
                        at,
                        via,
                        new.version
                    ],
                )?;
            }
        }
        tx.commit()?;
        Ok(new)
    }

    /// Every change of one entity, oldest first.
    pub fn history(&self, kind: Kind, id: &str) -> Result<Vec<HistoryEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT field, old_value, new_value, principal, at, via, version
             FROM entity_history WHERE kind = ?1 AND id = ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![kind.as_str(), id], |row| {
            Ok(HistoryEntry {
                field: row.get(0)?,
                old_value: row.get(1)?,
                new_value: row.get(2)?,
                changed_by: row.get(3)?,
                changed_date_time: row.get(4)?,
                via: row.get(5)?,
                version: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Appends a comment; returns all comments of the entity, oldest first.
    pub fn add_comment(
        &self,
        kind: Kind,
        id: &str,
        comment: &str,
        principal: &str,
    ) -> Result<Vec<Comment>, StoreError> {
        self.conn().execute(
            "INSERT INTO entity_comment (kind, id, comment, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kind.as_str(), id, comment, principal, now_text()],
        )?;
        self.comments(kind, id)
    }

    /// The comments of one entity, oldest first.
    pub fn comments(&self, kind: Kind, id: &str) -> Result<Vec<Comment>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT comment, created_by, created_at FROM entity_comment
             WHERE kind = ?1 AND id = ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![kind.as_str(), id], |row| {
            Ok(Comment {
                comment: row.get(0)?,
                created_by_display_name: row.get(1)?,
                created_date_time: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every comment of every entity of `kind`, by id, oldest first.
    pub fn all_comments(&self, kind: Kind) -> Result<HashMap<String, Vec<Comment>>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, comment, created_by, created_at FROM entity_comment
             WHERE kind = ?1 ORDER BY seq",
        )?;
        let mut out: HashMap<String, Vec<Comment>> = HashMap::new();
        let rows = stmt.query_map(params![kind.as_str()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                Comment {
                    comment: row.get(1)?,
                    created_by_display_name: row.get(2)?,
                    created_date_time: row.get(3)?,
                },
            ))
        })?;
        for row in rows {
            let (id, c) = row?;
            out.entry(id).or_default().push(c);
        }
        Ok(out)
    }

    /// A number that grows with every change of any state (for caches of the state).
    pub fn generation(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM entity_history",
            [],
            |row| row.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn changes_are_versioned_with_history() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        assert_eq!(
            store.get(Kind::Alert, "a1").unwrap(),
            EntityState::default()
        );
        let change = Change {
            status: Some("resolved".into()),
            classification: Some(Some("truePositive".into())),
            ..Change::default()
        };
        let s = store
            .update(Kind::Alert, "a1", &change, Some(0), "alice", "graph")
            .unwrap();
        assert_eq!((s.version, s.status.as_str()), (1, "resolved"));
        // The same change again changes nothing.
        let s = store
            .update(Kind::Alert, "a1", &change, None, "alice", "graph")
            .unwrap();
        assert_eq!(s.version, 1);
        // A stale version is refused and changes nothing.
        let stale = Change {
            status: Some("new".into()),
            ..Change::default()
        };
        assert!(matches!(
            store.update(Kind::Alert, "a1", &stale, Some(0), "bob", "irm"),
            Err(StoreError::VersionMismatch {
                expected: 0,
                current: 1
            })
        ));
        let h = store.history(Kind::Alert, "a1").unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].field, "status");
        assert_eq!(h[0].old_value.as_deref(), Some("new"));
        assert_eq!(h[0].new_value.as_deref(), Some("resolved"));
        assert_eq!(h[1].field, "classification");
        assert_eq!(h[1].old_value, None);
        // Reopened, the state is still there (a real file).
        drop(store);
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        assert_eq!(store.get(Kind::Alert, "a1").unwrap().version, 1);
        assert_eq!(store.all(Kind::Alert).unwrap().len(), 1);
        assert!(store.all(Kind::Incident).unwrap().is_empty());
        let c = store
            .add_comment(Kind::Alert, "a1", "looked at it", "alice")
            .unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(store.generation().unwrap(), 2);
    }
}
