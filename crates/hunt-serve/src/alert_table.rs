//! The `AlertState` table: every alert's stored state, queryable and joinable with
//! `AlertInfo` on `AlertId`, with the IRM status through the mapping.
//!
//! The engine reads Parquet, so the table is a Parquet snapshot of the state database,
//! written (temporary file + rename) when a query names `AlertState` and the state changed
//! since the last snapshot; a change on either API is therefore visible to the next query.
//! Each snapshot gets a new file name, so a query still reading an older one is not
//! disturbed; snapshots older than the last few are deleted.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, StringArray, TimestampNanosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use tokio::sync::Mutex;

use crate::bridge::irm_status;
use crate::error::ApiError;
use crate::kusto_request::parse_datetime;
use crate::state::AppState;
use crate::store::Kind;

/// The table's name.
pub const TABLE: &str = "AlertState";

/// Snapshots kept besides the newest (queries may still be reading them).
const KEEP: usize = 4;

#[derive(Debug, Default)]
struct Snapshot {
    /// The store generation the newest snapshot shows.
    generation: Option<i64>,
    /// The data directory with the newest snapshot registered.
    engine: Option<hunt_irm::DataDir>,
    /// Snapshot files, oldest first.
    files: VecDeque<PathBuf>,
}

/// The current snapshot of `AlertState`.
#[derive(Debug)]
pub struct AlertTable {
    dir: PathBuf,
    snapshot: Mutex<Snapshot>,
}

fn schema() -> Arc<Schema> {
    let s = |n: &str| Field::new(n, DataType::Utf8, false);
    Arc::new(Schema::new(vec![
        s("AlertId"),
        s("IncidentId"),
        s("ServiceSource"),
        s("Status"),
        s("Classification"),
        s("Determination"),
        s("AssignedTo"),
        s("IrmStatus"),
        Field::new("Version", DataType::Int64, false),
        Field::new(
            "LastUpdateDateTime",
            DataType::Timestamp(TimeUnit::Nanosecond, None),
            true,
        ),
        s("UpdatedBy"),
    ]))
}

impl AlertTable {
    /// Snapshots live in `dir` (`DIR/.hunt`).
    pub fn new(dir: PathBuf) -> AlertTable {
        AlertTable {
            dir,
            snapshot: Mutex::new(Snapshot::default()),
        }
    }

    /// The data directory with an up-to-date `AlertState` registered.
    pub async fn data(&self, state: &Arc<AppState>) -> Result<hunt_irm::DataDir, ApiError> {
        let catalog = state.catalog().await?;
        let mut snap = self.snapshot.lock().await;
        let generation = state.with_store(|s| s.generation()).await?;
        if let (Some(g), Some(engine)) = (snap.generation, &snap.engine) {
            if g == generation {
                return Ok(engine.clone());
            }
        }
        let stored = state.with_store(|s| s.all(Kind::Alert)).await?;
        let path = self.dir.join(format!("{TABLE}-{generation}.parquet"));
        let tmp = self.dir.join(format!(".{TABLE}-{generation}.parquet.tmp"));
        let mut engine = state.data.clone();
        let (path2, tmp2) = (path.clone(), tmp.clone());
        let engine = tokio::task::spawn_blocking(move || {
            let n = catalog.alerts.len();
            let mut cols: Vec<Vec<String>> = vec![Vec::with_capacity(n); 8];
            let mut versions = Vec::with_capacity(n);
            let mut updated = Vec::with_capacity(n);
            let mut updated_by = Vec::with_capacity(n);
            for a in &catalog.alerts {
                let st = stored.get(&a.id).cloned().unwrap_or_default();
                let irm = irm_status(&st.status, st.classification.as_deref())?.unwrap_or_default();
                let row = [
                    a.id.clone(),
                    a.incident_id.clone(),
                    crate::graph_enums::service_source(&a.service_source).to_owned(),
                    st.status.clone(),
                    st.classification.clone().unwrap_or_default(),
                    st.determination.clone().unwrap_or_default(),
                    st.assigned_to.clone().unwrap_or_default(),
                    irm,
                ];
                for (c, v) in cols.iter_mut().zip(row) {
                    c.push(v);
                }
                versions.push(st.version);
                updated.push(st.last_update.as_deref().and_then(parse_datetime));
                updated_by.push(st.updated_by.unwrap_or_default());
            }
            let mut arrays: Vec<ArrayRef> = cols
                .into_iter()
                .map(|c| Arc::new(StringArray::from(c)) as ArrayRef)
                .collect();
            arrays.push(Arc::new(Int64Array::from(versions)));
            arrays.push(Arc::new(TimestampNanosecondArray::from(updated)));
            arrays.push(Arc::new(StringArray::from(updated_by)));
            let batch = RecordBatch::try_new(schema(), arrays)
                .map_err(|e| ApiError::internal(format!("cannot build {TABLE}: {e}")))?;
            write_parquet(&tmp2, &batch)?;
            std::fs::rename(&tmp2, &path2).map_err(|e| {
                ApiError::internal(format!("cannot write `{}`: {e}", path2.display()))
            })?;
            engine
                .engine_mut()
                .register_parquet(TABLE, vec![path2])
                .map_err(|e| ApiError::internal(format!("cannot register {TABLE}: {e}")))?;
            Ok::<_, ApiError>(engine)
        })
        .await
        .map_err(|e| ApiError::internal(format!("writing {TABLE} failed: {e}")))??;
        snap.files.push_back(path);
        while snap.files.len() > KEEP + 1 {
            if let Some(old) = snap.files.pop_front() {
                let _ = std::fs::remove_file(old);
            }
        }
        snap.generation = Some(generation);
        snap.engine = Some(engine.clone());
        Ok(engine)
    }
}

fn write_parquet(path: &std::path::Path, batch: &RecordBatch) -> Result<(), ApiError> {
    let fail = |e: String| ApiError::internal(format!("cannot write `{}`: {e}", path.display()));
    let file = std::fs::File::create(path).map_err(|e| fail(e.to_string()))?;
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)
        .map_err(|e| fail(e.to_string()))?;
    writer.write(batch).map_err(|e| fail(e.to_string()))?;
    writer.close().map_err(|e| fail(e.to_string()))?;
    Ok(())
}
