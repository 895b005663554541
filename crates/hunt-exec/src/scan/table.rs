//! Finding a data directory's tables and unifying each table's file schemas.

use super::guard::guarded;
use crate::error::{ExecError, Result};
use ::parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use ::parquet::file::metadata::ParquetMetaData;
use hunt_plan::LogicalPlan;
use hunt_plan::catalog::{Catalog, TableError, builtin_schema};
use hunt_plan::expr::Scalar;
use hunt_plan::types::{Field, KqlType, Schema};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// One table: its files and the KQL schema they were unified into.
#[derive(Debug, Clone)]
pub struct ParquetTable {
    /// Table name.
    pub name: String,
    /// Its Parquet files, in path order.
    pub files: Vec<PathBuf>,
    /// The unified schema.
    pub schema: Schema,
    /// Each file's footer, as read to unify the schema (the scan reuses it).
    pub footers: Vec<Arc<ParquetMetaData>>,
}

/// A table found in a data directory: its files are known, its schema is read from their
/// footers the first time a query names it (so a query pays only for the tables it reads,
/// and a broken file only fails the queries that read its table).
#[derive(Debug)]
struct LazyTable {
    name: String,
    files: Vec<PathBuf>,
    /// Why its folder could not be listed whole (then every query naming it fails).
    unlisted: Option<Unlisted>,
    resolved: OnceLock<Arc<ParquetTable>>,
}

/// A folder or entry of a table that could not be read while listing its files.
#[derive(Debug)]
struct Unlisted {
    path: PathBuf,
    kind: std::io::ErrorKind,
    message: String,
}

/// The registered tables of an engine; also the planner's catalog. Shared by every query
/// of an engine at once: a lookup returns its own error, nothing is kept between lookups
/// but the schemas of tables read successfully.
#[derive(Debug, Clone, Default)]
pub struct TableSet {
    tables: BTreeMap<String, Arc<LazyTable>>,
}

impl TableSet {
    /// An empty set.
    pub fn new() -> TableSet {
        TableSet::default()
    }
    /// Registers (or replaces) a table made of `files`, reading their schemas now.
    pub fn register(&mut self, name: &str, files: Vec<PathBuf>) -> Result<()> {
        let (schema, footers) = unify(name, &files)?;
        let table = Arc::new(ParquetTable {
            name: name.to_string(),
            files: files.clone(),
            schema,
            footers,
        });
        self.tables.insert(
            name.to_string(),
            Arc::new(LazyTable {
                name: name.to_string(),
                files,
                unlisted: None,
                resolved: OnceLock::from(table),
            }),
        );
        Ok(())
    }
    /// Registers a table made of `files` whose schemas are read when it is first used.
    pub fn register_lazy(&mut self, name: &str, files: Vec<PathBuf>) {
        self.tables.insert(
            name.to_string(),
            Arc::new(LazyTable {
                name: name.to_string(),
                files,
                unlisted: None,
                resolved: OnceLock::new(),
            }),
        );
    }
    /// Registers a table whose folder could not be listed: each query naming it fails
    /// with `error`, the others are not affected.
    pub(crate) fn register_unlisted(&mut self, name: &str, path: PathBuf, error: &std::io::Error) {
        self.tables.insert(
            name.to_string(),
            Arc::new(LazyTable {
                name: name.to_string(),
                files: Vec::new(),
                unlisted: Some(Unlisted {
                    path,
                    kind: error.kind(),
                    message: error.to_string(),
                }),
                resolved: OnceLock::new(),
            }),
        );
    }
    /// A table by name: `Ok(None)` when there is none, `Err` when its files cannot be
    /// read. A failure is not kept: each query that names the table reports it again (the
    /// files may have been repaired meanwhile).
    pub fn get(&self, name: &str) -> Result<Option<Arc<ParquetTable>>> {
        let Some(t) = self.tables.get(name) else {
            return Ok(None);
        };
        if let Some(done) = t.resolved.get() {
            return Ok(Some(done.clone()));
        }
        if let Some(u) = &t.unlisted {
            return Err(ExecError::Io {
                path: u.path.clone(),
                source: std::io::Error::new(u.kind, u.message.clone()),
            });
        }
        let (schema, footers) = unify(&t.name, &t.files)?;
        Ok(Some(
            t.resolved
                .get_or_init(|| {
                    Arc::new(ParquetTable {
                        name: t.name.clone(),
                        files: t.files.clone(),
                        schema,
                        footers,
                    })
                })
                .clone(),
        ))
    }
    /// Number of tables.
    pub fn len(&self) -> usize {
        self.tables.len()
    }
    /// True when no table is registered.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

impl Catalog for TableSet {
    fn table(&self, name: &str) -> std::result::Result<Option<Schema>, TableError> {
        match self.get(name) {
            Ok(t) => Ok(t.map(|t| t.schema.clone())),
            Err(e) => Err(Arc::new(e)),
        }
    }
    fn has_table(&self, name: &str) -> bool {
        self.tables.contains_key(name)
    }
    fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }
    fn probe(
        &self,
        plan: &hunt_plan::LogicalPlan,
        each: &mut dyn FnMut(Vec<hunt_plan::expr::Scalar>),
    ) -> Option<std::result::Result<(), String>> {
        Some(run_rows(plan, self, each).map_err(|e| e.to_string()))
    }
    /// Optimizes and runs a subquery the planner needs the rows of (`toscalar`,
    /// `partition` keys) over these tables.
    fn run(&self, plan: &LogicalPlan) -> std::result::Result<Vec<Vec<Scalar>>, String> {
        let mut rows = Vec::new();
        run_rows(plan, self, &mut |r| rows.push(r)).map_err(|e| e.to_string())?;
        Ok(rows)
    }
}

/// Runs a plan at planning time (see [`Catalog::probe`]), one batch at a time, handing
/// each row to `each` as values.
fn run_rows(
    plan: &hunt_plan::LogicalPlan,
    tables: &TableSet,
    each: &mut dyn FnMut(Vec<hunt_plan::expr::Scalar>),
) -> Result<()> {
    let optimized = hunt_plan::optimize(plan.clone());
    let physical = crate::physical_plan::create_physical_plan(&optimized, tables)?;
    let types: Vec<_> = physical.schema().fields.iter().map(|f| f.ty).collect();
    for b in physical.execute()? {
        let b = b?;
        for r in 0..b.num_rows() {
            let row = types
                .iter()
                .zip(b.columns())
                .map(|(t, c)| crate::expr::scalar::array_value(c.as_ref(), r, *t))
                .collect::<Result<Vec<_>>>()?;
            each(row);
        }
    }
    Ok(())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExecError + '_ {
    move |source| ExecError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The table schema for `files`: the built-in schema (if any) extended with
/// undocumented columns, or the union of the files' columns in first-seen order.
/// A column whose KQL type differs between files is an error naming both files;
/// `int` and `long` unify to `long`.
fn unify(table: &str, files: &[PathBuf]) -> Result<(Schema, Vec<Arc<ParquetMetaData>>)> {
    let builtin = builtin_schema(table);
    let mut fields: Vec<Field> = builtin.clone().map(|s| s.fields).unwrap_or_default();
    let mut seen_in: Vec<Option<PathBuf>> = vec![None; fields.len()];
    // Footers are read in parallel, then unified in file order.
    let footers = files
        .par_iter()
        .map(|path| {
            let file = File::open(path).map_err(io(path))?;
            // A damaged footer can make the decoder panic (it trusts some lengths).
            match guarded(|| ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())) {
                Ok(Ok(meta)) => Ok(meta),
                Ok(Err(source)) => Err(ExecError::Parquet {
                    path: path.clone(),
                    source,
                }),
                Err(detail) => Err(ExecError::Damaged {
                    path: path.clone(),
                    place: "footer".into(),
                    detail,
                }),
            }
        })
        .collect::<Vec<Result<ArrowReaderMetadata>>>()
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    for (path, builder) in files.iter().zip(&footers) {
        for af in builder.schema().fields() {
            let Some(ty) = KqlType::from_arrow(af.data_type()) else {
                return Err(ExecError::Schema {
                    message: format!(
                        "{}: column `{}` has type {}, which hunt cannot read",
                        path.display(),
                        af.name(),
                        af.data_type()
                    ),
                });
            };
            match fields.iter().position(|f| f.name == *af.name()) {
                None => {
                    fields.push(Field::new(af.name(), ty));
                    seen_in.push(Some(path.clone()));
                }
                Some(i) => {
                    let have = fields[i].ty;
                    let documented = builtin
                        .as_ref()
                        .is_some_and(|b| b.index_of(af.name()).is_some());
                    let fits = if documented {
                        readable_as(ty, have)
                    } else {
                        ty == have
                    };
                    if fits {
                        seen_in[i].get_or_insert(path.clone());
                    } else if !documented
                        && matches!(
                            (have, ty),
                            (KqlType::Int, KqlType::Long) | (KqlType::Long, KqlType::Int)
                        )
                    {
                        fields[i].ty = KqlType::Long;
                    } else {
                        let other = match &seen_in[i] {
                            Some(p) => format!("{} has it as {have}", p.display()),
                            None => {
                                format!("the built-in schema of {table} documents it as {have}")
                            }
                        };
                        return Err(ExecError::Schema {
                            message: format!(
                                "column `{}` of table {table} has clashing types: {} has it as {ty}, {other}",
                                af.name(),
                                path.display()
                            ),
                        });
                    }
                }
            }
        }
    }
    Ok((
        Schema::new(fields),
        footers.iter().map(|f| f.metadata().clone()).collect(),
    ))
}

/// Whether a file column of KQL type `file` can be read as the documented type `doc`.
fn readable_as(file: KqlType, doc: KqlType) -> bool {
    use KqlType::*;
    file == doc
        || matches!(
            (file, doc),
            // JSON text and guid text are stored as strings.
            (String, Guid | Dynamic)
                // writers such as pandas store every integer as int64
                | (Long, Int)
                | (Int, Long)
        )
}
