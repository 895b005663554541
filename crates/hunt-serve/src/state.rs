//! What every request handler shares: the engine over the data directory, the state
//! database, the alert catalog, authentication, the audit log and the query slots.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{OnceCell, Semaphore};

use crate::alert_table::AlertTable;
use crate::alerts::{ALERT_QUERY, AlertCatalog, EVIDENCE_QUERY};
use crate::auth::AuthMode;
use crate::error::ApiError;
use crate::store::{Store, StoreError};

/// The shared server state.
#[derive(Debug)]
pub struct AppState {
    /// The data directory.
    pub data_dir: PathBuf,
    /// The name clients use for the one database (`db` in Kusto requests).
    pub database: String,
    /// The data directory's engine (with the built-in insider-risk functions), settings,
    /// policy and audit log.
    pub data: hunt_irm::DataDir,
    /// The pseudonym key, when results are pseudonymized.
    pub pseudonym_key: Option<hunt_irm::PseudonymKey>,
    /// How requests are authenticated.
    pub auth: AuthMode,
    /// The audit log (the insider-risk one: `hunt_irm::audit`).
    pub audit: hunt_irm::audit::AuditLog,
    /// Pseudonymize every result (`--pseudonymize`), besides what `DIR/hunt.toml` asks.
    pub pseudonymize: bool,
    /// Alert and incident state.
    pub store: Arc<Store>,
    /// Bounds the queries running at once.
    pub query_slots: Arc<Semaphore>,
    /// The queries the engine is working on, with their cancel tokens.
    pub queries: Arc<crate::queries::Queries>,
    /// A request body must arrive whole within this long.
    pub body_timeout: std::time::Duration,
    /// Alerts and incidents, read on first use.
    pub catalog: OnceCell<Arc<AlertCatalog>>,
    /// The `AlertState` table's current snapshot.
    pub alert_table: AlertTable,
}

impl AppState {
    /// The data directory a query runs on: its tables, plus an up-to-date `AlertState`
    /// table when the query names it.
    pub async fn data_for(self: &Arc<Self>, kql: &str) -> Result<hunt_irm::DataDir, ApiError> {
        if kql.contains(crate::alert_table::TABLE) {
            return self.alert_table.data(self).await;
        }
        Ok(self.data.clone())
    }

    /// The engine, for the server's own reads (alerts, schemas).
    pub fn engine(&self) -> &hunt::Engine {
        self.data.engine()
    }

    /// The alert catalog, read from `AlertInfo` and `AlertEvidence` on first use. A data
    /// directory without `AlertInfo` has no alerts.
    pub async fn catalog(&self) -> Result<Arc<AlertCatalog>, ApiError> {
        self.catalog
            .get_or_try_init(|| async {
                let engine = self.engine().clone();
                tokio::task::spawn_blocking(move || {
                    let names = engine.table_names();
                    if !names.iter().any(|n| n == "AlertInfo") {
                        return Ok(Arc::new(AlertCatalog::default()));
                    }
                    let alerts = engine
                        .query(ALERT_QUERY)
                        .map_err(|e| ApiError::internal(format!("cannot read AlertInfo: {e}")))?;
                    let evidence = if names.iter().any(|n| n == "AlertEvidence") {
                        Some(engine.query(EVIDENCE_QUERY).map_err(|e| {
                            ApiError::internal(format!("cannot read AlertEvidence: {e}"))
                        })?)
                    } else {
                        None
                    };
                    Ok(Arc::new(AlertCatalog::build(&alerts, evidence.as_ref())))
                })
                .await
                .map_err(|e| ApiError::internal(format!("reading the alerts failed: {e}")))?
            })
            .await
            .cloned()
    }

    /// Runs a state-database operation off the async runtime.
    pub async fn with_store<T: Send + 'static>(
        &self,
        op: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || op(&store))
            .await
            .map_err(|e| ApiError::internal(format!("the state database task failed: {e}")))?
            .map_err(store_error)
    }
}

/// The HTTP form of a store error: a version mismatch is 412, anything else is 500.
pub fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::VersionMismatch { .. } => ApiError::precondition_failed(format!(
            "{e}; read it again and retry with its current etag"
        )),
        other => ApiError::internal(other.to_string()),
    }
}
