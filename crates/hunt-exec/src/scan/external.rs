//! `externaldata` offline: a URL resolves to a file of a local folder (`DIR/externaldata/`
//! or the folder given with `--externaldata`), through `manifest.json` in that folder
//! (`{"https://…/iocs.csv": "iocs.csv"}`) or, without an entry, the URL's last path
//! segment. The file is read in the declared format (csv, tsv, txt, json, multijson,
//! parquet) into rows of the declared columns, as Kusto's externaldata-operator page
//! describes: delimited formats map fields to columns by position, JSON formats by
//! property name; a value that does not convert to its column's type is null.

use hunt_plan::expr::Scalar;
use hunt_plan::planner::literals::typed_literal;
use hunt_plan::types::{KqlType, Schema};
use std::path::{Path, PathBuf};

/// The file `url` resolves to under `folder`, or an error naming the URL and where its
/// copy belongs.
pub(crate) fn resolve(folder: Option<&Path>, url: &str) -> Result<PathBuf, String> {
    let last = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string();
    let Some(folder) = folder else {
        return Err(format!(
            "externaldata: no local copy of {url}: hunt reads no URLs; put the file in \
             DIR/externaldata/ (named `{last}` or listed in DIR/externaldata/manifest.json) \
             or pass --externaldata FOLDER"
        ));
    };
    let manifest = folder.join("manifest.json");
    if manifest.is_file() {
        let text = std::fs::read_to_string(&manifest)
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).map_err(|e| {
                format!(
                    "{}: not a JSON object of URL to file: {e}",
                    manifest.display()
                )
            })?;
        if let Some(file) = map.get(url).and_then(|v| v.as_str()) {
            let path = folder.join(file);
            return if path.is_file() {
                Ok(path)
            } else {
                Err(format!(
                    "externaldata: {} maps {url} to {}, which does not exist",
                    manifest.display(),
                    path.display()
                ))
            };
        }
    }
    let path = folder.join(&last);
    if !last.is_empty() && path.is_file() {
        return Ok(path);
    }
    Err(format!(
        "externaldata: no local copy of {url}: put the file at {} or list it in {}",
        path.display(),
        manifest.display()
    ))
}

/// The rows of `path` read as `format` into `schema`'s columns.
pub(crate) fn read(
    path: &Path,
    format: &str,
    schema: &Schema,
    skip_first: bool,
) -> Result<Vec<Vec<Scalar>>, String> {
    let name = path.display();
    match format {
        "csv" | "tsv" | "tsve" | "psv" | "scsv" | "sohsv" | "txt" | "raw" => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
            if matches!(format, "txt" | "raw") {
                // One record per line, the whole line its single field.
                return Ok(text
                    .lines()
                    .skip(usize::from(skip_first))
                    .map(|l| row_of_fields(schema, std::iter::once(l)))
                    .collect());
            }
            let delimiter = match format {
                "tsv" | "tsve" => b'\t',
                "psv" => b'|',
                "scsv" => b';',
                "sohsv" => 0x01,
                _ => b',',
            };
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(skip_first)
                .delimiter(delimiter)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut rows = Vec::new();
            for rec in reader.records() {
                let rec = rec.map_err(|e| format!("{name}: {e}"))?;
                rows.push(row_of_fields(schema, rec.iter()));
            }
            Ok(rows)
        }
        "json" | "multijson" => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
            let mut rows = Vec::new();
            for v in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
                match v.map_err(|e| format!("{name}: not {format}: {e}"))? {
                    serde_json::Value::Array(items) => {
                        rows.extend(items.iter().map(|o| row_of_object(schema, o)))
                    }
                    o => rows.push(row_of_object(schema, &o)),
                }
            }
            Ok(rows)
        }
        "parquet" => read_parquet(path, schema),
        other => Err(format!(
            "externaldata: the format `{other}` (hunt reads csv, tsv, txt, json, multijson, parquet)"
        )),
    }
}

fn row_of_fields<'a>(schema: &Schema, fields: impl Iterator<Item = &'a str>) -> Vec<Scalar> {
    let mut fields = fields;
    schema
        .fields
        .iter()
        .map(|f| match fields.next() {
            Some(t) => text_value(f.ty, t),
            None => Scalar::Null(f.ty),
        })
        .collect()
}

fn row_of_object(schema: &Schema, o: &serde_json::Value) -> Vec<Scalar> {
    schema
        .fields
        .iter()
        .map(|f| match o.get(&f.name) {
            None | Some(serde_json::Value::Null) => Scalar::Null(f.ty),
            Some(serde_json::Value::String(s)) if f.ty != KqlType::Dynamic => text_value(f.ty, s),
            Some(v) if f.ty == KqlType::Dynamic => Scalar::Dynamic(v.clone()),
            Some(v) => text_value(f.ty, &v.to_string()),
        })
        .collect()
}

/// A field's text as a value of `ty`; text that does not convert is null.
fn text_value(ty: KqlType, text: &str) -> Scalar {
    match ty {
        KqlType::String => Scalar::String(text.to_string().into()),
        KqlType::Dynamic => match serde_json::from_str(text) {
            Ok(v) => Scalar::Dynamic(v),
            Err(_) if text.is_empty() => Scalar::Null(ty),
            Err(_) => Scalar::Dynamic(serde_json::Value::String(text.to_string())),
        },
        _ => match typed_literal(ty.name(), text.trim()) {
            Ok(Some(v)) if v.ty() == ty => v,
            Ok(Some(v)) => match (v, ty) {
                (Scalar::Long(x), KqlType::Real) => Scalar::Real(x as f64),
                (Scalar::Long(x), KqlType::Int) => {
                    i32::try_from(x).map_or(Scalar::Null(ty), Scalar::Int)
                }
                _ => Scalar::Null(ty),
            },
            _ => Scalar::Null(ty),
        },
    }
}

fn read_parquet(path: &Path, schema: &Schema) -> Result<Vec<Vec<Scalar>>, String> {
    use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| format!("{name}: {e}"))?;
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| format!("{name}: {e}"))?;
        let cols: Vec<Option<arrow::array::ArrayRef>> = schema
            .fields
            .iter()
            .map(|f| {
                batch.column_by_name(&f.name).map(|c| {
                    arrow::compute::cast(c, &f.ty.arrow_type()).unwrap_or_else(|_| c.clone())
                })
            })
            .collect();
        for r in 0..batch.num_rows() {
            let mut row = Vec::with_capacity(cols.len());
            for (f, c) in schema.fields.iter().zip(&cols) {
                row.push(match c {
                    Some(c) => crate::expr::scalar::array_value(c.as_ref(), r, f.ty)
                        .unwrap_or(Scalar::Null(f.ty)),
                    None => Scalar::Null(f.ty),
                });
            }
            rows.push(row);
        }
    }
    Ok(rows)
}
