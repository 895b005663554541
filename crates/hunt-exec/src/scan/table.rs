//! Finding a data directory's tables and unifying each table's file schemas; the
//! advanced-hunting catalog's tables without data read as empty tables.

use super::guard::guarded;
use crate::error::{ExecError, Result};
use ::parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use ::parquet::file::metadata::ParquetMetaData;
use hunt_plan::LogicalPlan;
use hunt_plan::advanced_hunting;
use hunt_plan::catalog::{Catalog, TableError};
use hunt_plan::expr::Scalar;
use hunt_plan::types::{Field, KqlType, Schema};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
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
///
/// Every table of the advanced-hunting catalog is known too: one without files reads as an
/// empty table of its documented schema (as in a tenant without that product). Nothing
/// about a lookup is kept in the set: which tables a query named is the planner's record
/// (see `hunt::Engine`), so concurrent queries never see each other's lookups.
#[derive(Debug, Clone, Default)]
pub struct TableSet {
    tables: BTreeMap<String, Arc<LazyTable>>,
    /// Schemas declared by `.create table` (`DIR/schema.kql`): they take the place of the
    /// built-in schema when the files are unified (so a string column declared `dynamic`
    /// is read as JSON), and a declared table without files is an empty table.
    declared: BTreeMap<String, Schema>,
    /// Schemas only: every table reads as empty (see [`TableSet::schemas_only`]).
    schemas_only: bool,
    /// Where `externaldata` URLs resolve (`DIR/externaldata/` or `--externaldata`).
    externaldata: Option<PathBuf>,
    /// The token the scans of plans built over this set check and report progress to.
    control: Option<crate::CancelToken>,
    /// The memory budget of the query whose plan is built over this set (operators that
    /// hold rows reserve from it).
    budget: Option<crate::limits::MemoryBudget>,
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
                unlisted: None,
                resolved: OnceLock::from(table),
            }),
        );
        Ok(())
    }
    /// Registers (or replaces) a table made of `files` with the KQL types of `schema`: its
    /// columns come first, in its order and with its types (so a text column can be a
    /// `dynamic` or `guid`), then any other column of the files. For tools that write files
    /// of a known schema, such as the fixtures of `hunt test`.
    pub fn register_with_schema(
        &mut self,
        name: &str,
        files: Vec<PathBuf>,
        schema: &Schema,
    ) -> Result<()> {
        let (unified, footers) = unify(name, &files, Some(schema))?;
        let mut fields = schema.fields.clone();
        for f in unified.fields {
            if schema.index_of(&f.name).is_none() {
                fields.push(f);
            }
        }
        let table = Arc::new(ParquetTable {
            name: name.to_string(),
            files: files.clone(),
            schema: Schema::new(fields),
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
        let Some(found) = self.get_with_rows(name)? else {
            return Ok(None);
        };
        if !self.schemas_only || found.files.is_empty() {
            return Ok(Some(found));
        }
        Ok(Some(Arc::new(ParquetTable {
            files: Vec::new(),
            footers: Vec::new(),
            ..(*found).clone()
        })))
    }
    /// A copy of this set that binds every table with the same schema but reads no rows:
    /// each table has no files. `hunt check` plans against it, so that the values a planner
    /// computes early (`toscalar`, `partition` keys, `bag_unpack` columns) come from no
    /// data, and only Parquet footers are read.
    pub fn schemas_only(&self) -> TableSet {
        TableSet {
            tables: self.tables.clone(),
            declared: self.declared.clone(),
            schemas_only: true,
            externaldata: self.externaldata.clone(),
            control: self.control.clone(),
            budget: self.budget.clone(),
        }
    }
    /// A catalog table without data: its documented schema and no files.
    fn without_files(&self, name: &str) -> Option<Arc<ParquetTable>> {
        let doc = advanced_hunting::table(name)?;
        Some(Arc::new(ParquetTable {
            name: doc.name.clone(),
            files: Vec::new(),
            schema: doc.schema(),
            footers: Vec::new(),
        }))
    }
    /// Whether `name` has data files here (as opposed to a catalog table without data).
    pub fn has_data(&self, name: &str) -> bool {
        self.tables.contains_key(name)
    }
    fn get_with_rows(&self, name: &str) -> Result<Option<Arc<ParquetTable>>> {
        let Some(t) = self.tables.get(name) else {
            return Ok(self.without_files(name));
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
        let (schema, footers) = unify(&t.name, &t.files, self.declared.get(name))?;
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
            OnceLock::from(Arc::new(ParquetTable {
                name: name.to_string(),
                files: vec![],
                schema,
                footers: vec![],
            }))
        } else {
            OnceLock::new()
        };
        self.tables.insert(
            name.to_string(),
            Arc::new(LazyTable {
                name: name.to_string(),
                files,
                unlisted: None,
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
    /// Sets the folder `externaldata` URLs resolve to (see `scan/external.rs`).
    pub fn set_externaldata_dir(&mut self, dir: Option<PathBuf>) {
        self.externaldata = dir;
    }
    /// This set with scans that stop when `token` is cancelled (and count progress on it).
    pub fn with_control(&self, token: crate::CancelToken) -> TableSet {
        TableSet {
            control: Some(token),
            ..self.clone()
        }
    }
    /// This set for one query holding at most what `budget` allows.
    pub fn with_budget(&self, budget: crate::limits::MemoryBudget) -> TableSet {
        TableSet {
            budget: Some(budget),
            ..self.clone()
        }
    }
    /// The budget set by [`TableSet::with_budget`], or a fresh one of the default limit.
    pub fn budget(&self) -> crate::limits::MemoryBudget {
        self.budget.clone().unwrap_or_default()
    }
    /// The token set by [`TableSet::with_control`].
    pub fn control(&self) -> Option<&crate::CancelToken> {
        self.control.as_ref()
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
        self.tables.contains_key(name) || advanced_hunting::table(name).is_some()
    }
    /// The data's tables and the catalog's, sorted and without repeats.
    fn table_names(&self) -> Vec<String> {
        let mut names: BTreeSet<String> = self.tables.keys().cloned().collect();
        names.extend(advanced_hunting::table_names().map(str::to_string));
        names.into_iter().collect()
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
    fn run_constant(
        &self,
        plan: &LogicalPlan,
    ) -> std::result::Result<Vec<Vec<Scalar>>, Option<String>> {
        let mut rows = Vec::new();
        match run_rows(plan, self, &mut |r| rows.push(r)) {
            Ok(()) => Ok(rows),
            Err(ExecError::Limit { message }) => Err(Some(message)),
            Err(_) => Err(None),
        }
    }
    fn external_data(
        &self,
        url: &str,
        format: &str,
        columns: &Schema,
        skip_first: bool,
    ) -> std::result::Result<Vec<Vec<Scalar>>, String> {
        let path = super::external::resolve(self.externaldata.as_deref(), url)?;
        super::external::read(&path, format, columns, skip_first)
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

/// The table schema for `files`: for a catalog table, its documented columns in
/// documented order, then the files' other columns; for any other table, the union of the
/// files' columns in first-seen order.
///
/// Where the files have a documented column, the data wins: the documented type is kept
/// when the files' type reads as it (`int`/`long`, JSON or guid text stored as strings),
/// otherwise the column takes the files' type (pages are sometimes wrong, and exports
/// differ). A column whose type differs between files is an error naming both files;
/// `int` and `long` unify to `long`.
fn unify(
    table: &str,
    files: &[PathBuf],
    declared: Option<&Schema>,
) -> Result<(Schema, Vec<Arc<ParquetMetaData>>)> {
    // A `.create table` declaration takes the place of the documented schema.
    let documented = declared
        .cloned()
        .or_else(|| advanced_hunting::schema(table));
    let mut fields: Vec<Field> = documented.clone().map(|s| s.fields).unwrap_or_default();
    // The first file that has each column (None: documented, in no file so far).
    let mut seen_in: Vec<Option<PathBuf>> = vec![None; fields.len()];
    // Footers are read in parallel, then unified in file order.
    let footers = files
        .par_iter()
        .map(|path| {
            let file = File::open(path).map_err(io(path))?;
            // A damaged footer can make the decoder panic (it trusts some lengths).
            match guarded(|| ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())) {
                Ok(Ok(meta)) => match footer_consistent(meta.metadata()) {
                    Ok(()) => Ok(meta),
                    Err(detail) => Err(ExecError::Damaged {
                        path: path.clone(),
                        place: "footer".into(),
                        detail,
                    }),
                },
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
            // Writers that know KQL types (hunt import, `--out`) mark text columns that are
            // `dynamic` or `guid` in the field metadata.
            let marked = af
                .metadata()
                .get("kql.type")
                .and_then(|t| KqlType::from_name(t))
                .filter(|t| matches!(t, KqlType::Dynamic | KqlType::Guid));
            let Some(ty) = KqlType::from_arrow(af.data_type()).map(|t| match marked {
                Some(m) if t == KqlType::String => m,
                _ => t,
            }) else {
                return Err(ExecError::Schema {
                    message: format!(
                        "{}: column `{}` has type {}, which hunt cannot read",
                        path.display(),
                        af.name(),
                        af.data_type()
                    ),
                });
            };
            let Some(i) = fields.iter().position(|f| f.name == *af.name()) else {
                fields.push(Field::new(af.name(), ty));
                seen_in.push(Some(path.clone()));
                continue;
            };
            let have = fields[i].ty;
            let Some(first) = &seen_in[i] else {
                // The first file with a documented column: the data wins over the page.
                if !readable_as(ty, have) {
                    fields[i].ty = ty;
                }
                seen_in[i] = Some(path.clone());
                continue;
            };
            let is_documented = documented
                .as_ref()
                .is_some_and(|b| b.index_of(af.name()).is_some());
            if ty == have || (is_documented && readable_as(ty, have)) {
                continue;
            }
            if matches!(
                (have, ty),
                (KqlType::Int, KqlType::Long) | (KqlType::Long, KqlType::Int)
            ) {
                fields[i].ty = KqlType::Long;
                continue;
            }
            return Err(ExecError::Schema {
                message: format!(
                    "column `{}` of table {table} has clashing types: {} has it as {ty}, {} has it as {have}",
                    af.name(),
                    path.display(),
                    first.display()
                ),
            });
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

/// Checks the row counts a footer states against each other. A damaged footer can claim a
/// row group of billions of rows while its column chunks hold a few hundred values; a
/// query that reads no column (`T | count`) would then count (and iterate) rows that do
/// not exist. Every leaf column chunk holds at least one value (or null) per row, and the
/// file's row count is the sum of its row groups'.
fn footer_consistent(
    md: &parquet::file::metadata::ParquetMetaData,
) -> std::result::Result<(), String> {
    let mut total: i64 = 0;
    for (i, rg) in md.row_groups().iter().enumerate() {
        let rows = rg.num_rows();
        if rows < 0 {
            return Err(format!("row group {i} states {rows} rows"));
        }
        if let Some(c) = rg.columns().iter().find(|c| c.num_values() < rows) {
            return Err(format!(
                "row group {i} states {rows} rows but its column `{}` holds {} values",
                c.column_path(),
                c.num_values()
            ));
        }
        total = total.saturating_add(rows);
    }
    let stated = md.file_metadata().num_rows();
    if !md.row_groups().is_empty() && stated != total {
        return Err(format!(
            "the file states {stated} rows but its row groups hold {total}"
        ));
    }
    Ok(())
}
