//! `--out FILE`: the full result written to a file whose extension picks the format —
//! `.parquet` and `.arrow` (Arrow IPC file) keep the Arrow schema, each field carrying its
//! KQL type in the metadata key `kql.type` (so `dynamic` and `guid` stay distinct from
//! `string`); `.csv` and `.json` (the Graph `runHuntingQuery` shape, types in `schema`)
//! are the `--format` writers. Written under a temporary name and renamed into place.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;
use hunt::QueryResult;

use crate::args::Format;
use crate::output;

/// Writes `result` to `path` in the format its extension names.
pub fn write_out(path: &Path, result: &QueryResult) -> anyhow::Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !matches!(ext.as_str(), "parquet" | "arrow" | "csv" | "json") {
        bail!(
            "--out `{}`: the file name must end in .parquet, .arrow, .csv or .json",
            path.display()
        );
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let outcome = write_to(&tmp, &ext, result);
    if let Err(e) = outcome {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("cannot write `{}`", path.display())));
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write `{}`", path.display()))
}

fn write_to(tmp: &Path, ext: &str, result: &QueryResult) -> anyhow::Result<()> {
    let file = File::create(tmp)?;
    match ext {
        "parquet" => {
            let (schema, batches) = typed_batches(result)?;
            let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, None)?;
            for b in &batches {
                w.write(b)?;
            }
            w.into_inner()?.sync_all()?;
        }
        "arrow" => {
            let (schema, batches) = typed_batches(result)?;
            let mut w = arrow::ipc::writer::FileWriter::try_new(BufWriter::new(file), &schema)?;
            for b in &batches {
                w.write(b)?;
            }
            w.finish()?;
            w.into_inner()?.into_inner()?.sync_all()?;
        }
        _ => {
            let mut w = BufWriter::new(file);
            let format = if ext == "csv" {
                Format::Csv
            } else {
                Format::Json
            };
            output::write_result(&mut w, result, format, None)?;
            w.flush()?;
            w.into_inner()?.sync_all()?;
        }
    }
    Ok(())
}

/// The result's batches under an Arrow schema whose fields carry `kql.type`.
fn typed_batches(result: &QueryResult) -> anyhow::Result<(Arc<Schema>, Vec<RecordBatch>)> {
    let base = result.schema.to_arrow();
    let fields: Vec<Field> = base
        .fields()
        .iter()
        .zip(&result.schema.fields)
        .enumerate()
        .map(|(i, (f, kql))| {
            // The batches' own physical type wins (a column may travel in another layout).
            let dt = result.batches.first().map_or_else(
                || f.data_type().clone(),
                |b| b.column(i).data_type().clone(),
            );
            Field::new(f.name(), dt, true).with_metadata(HashMap::from([(
                "kql.type".to_owned(),
                kql.ty.name().to_owned(),
            )]))
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batches = result
        .batches
        .iter()
        .map(|b| RecordBatch::try_new(schema.clone(), b.columns().to_vec()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}
