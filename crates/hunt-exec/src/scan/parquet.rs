//! `ParquetScanExec`: streams a table's files batch by batch, decoding only the
//! projected columns and conforming each to the table schema.

use super::conform::{conform_column, missing_column};
use super::table::ParquetTable;
use crate::error::{ExecError, Result};
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan};
use ::parquet::arrow::ProjectionMask;
use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use arrow::array::RecordBatchOptions;
use arrow::record_batch::RecordBatch;
use hunt_plan::types::Schema;
use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

/// Reads a table's Parquet files one after another.
#[derive(Debug)]
pub struct ParquetScanExec {
    table: Arc<ParquetTable>,
    /// Output schema: the projected columns in table order.
    schema: Schema,
}

impl ParquetScanExec {
    /// A scan of `table` producing `schema` (the projected columns, in table order).
    /// `filters` are predicates the scan may use to skip data that cannot match; rows it
    /// returns are still filtered above it.
    pub fn try_new(
        table: Arc<ParquetTable>,
        filters: Vec<hunt_plan::expr::Expr>,
        schema: Schema,
    ) -> Result<ParquetScanExec> {
        let _ = filters; // TODO(#4): row-group pruning from statistics
        Ok(ParquetScanExec { table, schema })
    }
}

/// Opens one file and yields its batches conformed to `schema`.
fn read_file(path: PathBuf, schema: Schema) -> Result<BatchIter> {
    let perr = |p: &PathBuf| {
        let p = p.clone();
        move |source| ExecError::Parquet { path: p, source }
    };
    let file = File::open(&path).map_err(|source| ExecError::Io {
        path: path.clone(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(perr(&path))?;
    let file_schema = builder.schema().clone();
    let present: Vec<&str> = schema
        .fields
        .iter()
        .filter(|f| file_schema.field_with_name(&f.name).is_ok())
        .map(|f| f.name.as_str())
        .collect();
    let mask = ProjectionMask::columns(builder.parquet_schema(), present.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_SIZE)
        .build()
        .map_err(perr(&path))?;
    let arrow_schema = schema.to_arrow();
    Ok(Box::new(reader.map(move |b| {
        let b = b.map_err(|e| ExecError::Parquet {
            path: path.clone(),
            source: e.into(),
        })?;
        let n = b.num_rows();
        let cols = schema
            .fields
            .iter()
            .map(|f| match b.column_by_name(&f.name) {
                Some(c) => conform_column(c, f.ty).map_err(|e| ExecError::Schema {
                    message: format!("{}: column `{}`: {e}", path.display(), f.name),
                }),
                None => Ok(missing_column(f.ty, n)),
            })
            .collect::<Result<Vec<_>>>()?;
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(
            arrow_schema.clone(),
            cols,
            &opts,
        )?)
    })))
}

impl ExecutionPlan for ParquetScanExec {
    fn describe(&self) -> String {
        let cols: Vec<&str> = self.schema.fields.iter().map(|f| f.name.as_str()).collect();
        format!(
            "ParquetScanExec: {} files={} projection=[{}]",
            self.table.name,
            self.table.files.len(),
            cols.join(", ")
        )
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }
    fn execute(&self) -> Result<BatchIter> {
        let schema = self.schema.clone();
        let files = self.table.files.clone();
        // Files are opened lazily, one at a time, so memory holds one reader.
        Ok(Box::new(files.into_iter().flat_map(
            move |p| match read_file(p, schema.clone()) {
                Ok(it) => it,
                Err(e) => Box::new(std::iter::once(Err(e))),
            },
        )))
    }
}
