//! Finding a data directory's tables and unifying each table's file schemas.

use crate::error::{ExecError, Result};
use ::parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use ::parquet::file::metadata::ParquetMetaData;
use hunt_plan::LogicalPlan;
use hunt_plan::catalog::{Catalog, builtin_schema};
use hunt_plan::expr::Scalar;
use hunt_plan::types::{Field, KqlType, Schema};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

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
    resolved: OnceLock<Option<Arc<ParquetTable>>>,
}

/// The registered tables of an engine; also the planner's catalog.
#[derive(Debug, Clone, Default)]
pub struct TableSet {
    tables: BTreeMap<String, Arc<LazyTable>>,
    /// The first error met resolving a table's schema, for the engine to report.
    error: Arc<Mutex<Option<ExecError>>>,
    /// Schemas declared by `.create table` (`DIR/schema.kql`): they take the place of the
    /// built-in schema when the files are unified (so a string column declared `dynamic`
    /// is read as JSON), and a declared table without files is an empty table.
    declared: BTreeMap<String, Schema>,
}

impl TableSet {
    /// An empty set.
    pub fn new() -> TableSet {
        TableSet::default()
    }
    /// Registers (or replaces) a table made of `files`, reading their schemas now.
    pub fn register(&mut self, name: &str, files: Vec<PathBuf>) -> Result<()> {
        let (schema, footers) = unify(name, &files, self.declared.get(name))?;
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
                resolved: OnceLock::from(Some(table)),
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
                resolved: OnceLock::new(),
            }),
        );
    }
    /// A table by name; `None` when there is none, or when its files cannot be read (the
    /// error is kept for [`TableSet::take_error`]).
    pub fn get(&self, name: &str) -> Option<Arc<ParquetTable>> {
        let t = self.tables.get(name)?;
        if let Some(done) = t.resolved.get() {
            return done.clone();
        }
        // A failure is not kept: each query that names the table reports it again.
        match unify(&t.name, &t.files, self.declared.get(name)) {
            Ok((schema, footers)) => t
                .resolved
                .get_or_init(|| {
                    Some(Arc::new(ParquetTable {
                        name: t.name.clone(),
                        files: t.files.clone(),
                        schema,
                        footers,
                    }))
                })
                .clone(),
            Err(e) => {
                if let Ok(mut slot) = self.error.lock() {
                    slot.get_or_insert(e);
                }
                None
            }
        }
    }
    /// Declares table `name` with `schema` (`.create table`): a table with files is read
    /// as this schema (file columns it does not list are kept after it); a table without
    /// files becomes an empty table of this schema. No file is read here.
    pub fn declare(&mut self, name: &str, schema: Schema) {
        self.declared.insert(name.to_string(), schema.clone());
        let files = self
            .tables
            .get(name)
            .map(|t| t.files.clone())
            .unwrap_or_default();
        let resolved = if files.is_empty() {
            OnceLock::from(Some(Arc::new(ParquetTable {
                name: name.to_string(),
                files: vec![],
                schema,
                footers: vec![],
            })))
        } else {
            OnceLock::new()
        };
        self.tables.insert(
            name.to_string(),
            Arc::new(LazyTable {
                name: name.to_string(),
                files,
                resolved,
            }),
        );
    }
    /// The schema `.create table` declared for `name`, if any.
    pub fn declared(&self, name: &str) -> Option<&Schema> {
        self.declared.get(name)
    }
    /// True when a table `name` is registered or declared (its files are not read).
    pub fn contains(&self, name: &str) -> bool {
        self.tables.contains_key(name)
    }
    /// The error met reading a table's files since the last call, if any.
    pub fn take_error(&self) -> Option<ExecError> {
        self.error.lock().ok().and_then(|mut e| e.take())
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
    fn table(&self, name: &str) -> Option<Schema> {
        self.get(name).map(|t| t.schema.clone())
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

/// Hidden and bookkeeping entries (`.x`, `_SUCCESS`, `_delta_log`) are not data.
fn skipped(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.') || n.starts_with('_'))
}

fn parquet_files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io(dir))?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if skipped(&p) {
            continue;
        }
        if p.is_dir() {
            parquet_files_under(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
    Ok(())
}

/// Finds the tables of a data directory: each folder `DIR/<Table>` holding
/// `**/*.parquet` (nested partition folders allowed), and each file `DIR/<Table>.parquet`.
/// Their files' footers are read when a query first names the table.
pub fn discover(dir: &Path) -> Result<TableSet> {
    let meta = std::fs::metadata(dir).map_err(io(dir))?;
    if !meta.is_dir() {
        return Err(ExecError::Schema {
            message: format!("{} is not a directory", dir.display()),
        });
    }
    let mut found: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut entries = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io(dir))?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if skipped(&p) {
            continue;
        }
        let Some(stem) = p.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
            continue;
        };
        if p.is_dir() {
            let mut files = Vec::new();
            parquet_files_under(&p, &mut files)?;
            if !files.is_empty() {
                found.entry(stem).or_default().extend(files);
            }
        } else if p.extension().is_some_and(|x| x == "parquet") {
            found.entry(stem).or_default().push(p);
        }
    }
    let mut set = TableSet::new();
    for (name, files) in found {
        set.register_lazy(&name, files);
    }
    Ok(set)
}

/// The table schema for `files`: the built-in schema (if any) extended with
/// undocumented columns, or the union of the files' columns in first-seen order.
/// A column whose KQL type differs between files is an error naming both files;
/// `int` and `long` unify to `long`.
fn unify(
    table: &str,
    files: &[PathBuf],
    declared: Option<&Schema>,
) -> Result<(Schema, Vec<Arc<ParquetMetaData>>)> {
    let builtin = declared.cloned().or_else(|| builtin_schema(table));
    let mut fields: Vec<Field> = builtin.clone().map(|s| s.fields).unwrap_or_default();
    let mut seen_in: Vec<Option<PathBuf>> = vec![None; fields.len()];
    // Footers are read in parallel, then unified in file order.
    let footers = files
        .par_iter()
        .map(|path| {
            let file = File::open(path).map_err(io(path))?;
            ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|source| {
                ExecError::Parquet {
                    path: path.clone(),
                    source,
                }
            })
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
