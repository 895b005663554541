//! Finding a data directory's tables and unifying each table's file schemas.

use crate::error::{ExecError, Result};
use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use hunt_plan::LogicalPlan;
use hunt_plan::catalog::{Catalog, builtin_schema};
use hunt_plan::expr::Scalar;
use hunt_plan::types::{Field, KqlType, Schema};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One table: its files and the KQL schema they were unified into.
#[derive(Debug, Clone)]
pub struct ParquetTable {
    /// Table name.
    pub name: String,
    /// Its Parquet files, in path order.
    pub files: Vec<PathBuf>,
    /// The unified schema.
    pub schema: Schema,
}

/// The registered tables of an engine; also the planner's catalog.
#[derive(Debug, Clone, Default)]
pub struct TableSet {
    tables: BTreeMap<String, Arc<ParquetTable>>,
}

impl TableSet {
    /// An empty set.
    pub fn new() -> TableSet {
        TableSet::default()
    }
    /// Registers (or replaces) a table made of `files`.
    pub fn register(&mut self, name: &str, files: Vec<PathBuf>) -> Result<()> {
        let schema = unify(name, &files)?;
        self.tables.insert(
            name.to_string(),
            Arc::new(ParquetTable {
                name: name.to_string(),
                files,
                schema,
            }),
        );
        Ok(())
    }
    /// A table by name.
    pub fn get(&self, name: &str) -> Option<&Arc<ParquetTable>> {
        self.tables.get(name)
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
        self.tables.get(name).map(|t| t.schema.clone())
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
        set.register(&name, files)?;
    }
    Ok(set)
}

/// The table schema for `files`: the built-in schema (if any) extended with
/// undocumented columns, or the union of the files' columns in first-seen order.
/// A column whose KQL type differs between files is an error naming both files;
/// `int` and `long` unify to `long`.
fn unify(table: &str, files: &[PathBuf]) -> Result<Schema> {
    let builtin = builtin_schema(table);
    let mut fields: Vec<Field> = builtin.clone().map(|s| s.fields).unwrap_or_default();
    let mut seen_in: Vec<Option<PathBuf>> = vec![None; fields.len()];
    for path in files {
        let file = File::open(path).map_err(io(path))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|source| {
            ExecError::Parquet {
                path: path.clone(),
                source,
            }
        })?;
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
    Ok(Schema::new(fields))
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
