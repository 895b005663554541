//! The catalog: where the planner looks up tables; the documented schemas of the
//! advanced-hunting tables come from [`crate::advanced_hunting`].

use crate::expr::Scalar;
use crate::logical_plan::LogicalPlan;
use crate::types::Schema;

/// Why a table that exists cannot be looked up: its files cannot be read (the engine's
/// error, naming the file, kept as it is for the caller to render).
pub type TableError = std::sync::Arc<dyn std::error::Error + Send + Sync>;

/// Resolves table names to schemas. The engine implements it over a data
/// directory; tests implement it over fixed schemas.
pub trait Catalog {
    /// The schema of `name`, `Ok(None)` if no such table exists, `Err` when it exists but
    /// its files cannot be read. Each call answers for itself (no state is shared between
    /// lookups), so queries running at once never see each other's errors.
    fn table(&self, name: &str) -> Result<Option<Schema>, TableError>;
    /// Whether a table `name` exists (readable or not), without reading it.
    fn has_table(&self, name: &str) -> bool {
        !matches!(self.table(name), Ok(None))
    }
    /// All table names, used to suggest a close name for an unknown one.
    fn table_names(&self) -> Vec<String>;
    /// Runs `plan` and hands each of its rows to `each`, for the plugins whose output
    /// columns depend on the data (`bag_unpack`, `pivot`). `None` when this catalog cannot
    /// run plans (the planner then refuses those plugins); `Err` carries the run's error.
    fn probe(
        &self,
        plan: &LogicalPlan,
        each: &mut dyn FnMut(Vec<Scalar>),
    ) -> Option<Result<(), String>> {
        let _ = (plan, each);
        None
    }

    /// Runs `plan` and returns its rows. The planner calls it for values it needs before
    /// the query runs: `toscalar(…)`, the keys of `partition`. A catalog that holds only
    /// schemas cannot, and says so (the default).
    fn run(&self, plan: &LogicalPlan) -> Result<Vec<Vec<Scalar>>, String> {
        let _ = plan;
        Err("this catalog holds no data to run a subquery over".into())
    }

    /// [`Catalog::run`] for a constant the planner evaluates as a `let` binds it. `Err(Some(
    /// message))`: the value passes a resource limit (a string past 64 MB), and the query
    /// stops there rather than keep the expression to fail again, larger, where it is
    /// used; `Err(None)`: any other failure (the expression is kept).
    fn run_constant(&self, plan: &LogicalPlan) -> Result<Vec<Vec<Scalar>>, Option<String>> {
        self.run(plan).map_err(|_| None)
    }

    /// The rows of an `externaldata` URL read as `format` (`csv`, `json`, …) into
    /// `columns`; `skip_first` drops a header record. hunt reads no URLs: a catalog
    /// resolves them to local copies, and this default has none.
    fn external_data(
        &self,
        url: &str,
        format: &str,
        columns: &Schema,
        skip_first: bool,
    ) -> Result<Vec<Vec<Scalar>>, String> {
        let _ = (format, columns, skip_first);
        Err(format!(
            "externaldata: no local copy of {url}: hunt reads no URLs; open a data \
             directory whose externaldata/ folder holds the file"
        ))
    }
}

/// The four Purview Insider Risk Management and alert tables (`DataSecurityEvents`,
/// `DataSecurityBehaviors`, `AlertInfo`, `AlertEvidence`), whose catalog schemas follow
/// `shared/schemas/tables.json`; `hunt gen` writes them.
pub const IRM_TABLES: [&str; 4] = [
    "DataSecurityEvents",
    "DataSecurityBehaviors",
    "AlertInfo",
    "AlertEvidence",
];

/// The four IRM tables (the name predates the full catalog; see [`IRM_TABLES`]).
pub const BUILTIN_TABLES: [&str; 4] = IRM_TABLES;

/// The documented schema of any advanced-hunting catalog table (see
/// [`crate::advanced_hunting`]), or `None` for other names.
pub fn builtin_schema(table: &str) -> Option<Schema> {
    crate::advanced_hunting::schema(table)
}

/// A catalog over a fixed list of schemas (for tests and tools).
#[derive(Debug, Clone, Default)]
pub struct MemoryCatalog {
    tables: Vec<(String, Schema)>,
}

impl MemoryCatalog {
    /// An empty catalog.
    pub fn new() -> MemoryCatalog {
        MemoryCatalog::default()
    }
    /// Adds (or replaces) a table.
    pub fn add(&mut self, name: impl Into<String>, schema: Schema) {
        let name = name.into();
        self.tables.retain(|(n, _)| *n != name);
        self.tables.push((name, schema));
    }
    /// A catalog holding every advanced-hunting catalog table.
    pub fn builtin() -> MemoryCatalog {
        let mut c = MemoryCatalog::new();
        for t in crate::advanced_hunting::tables() {
            c.add(&t.name, t.schema());
        }
        c
    }
}

impl Catalog for MemoryCatalog {
    fn table(&self, name: &str) -> Result<Option<Schema>, TableError> {
        Ok(self
            .tables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone()))
    }
    fn table_names(&self) -> Vec<String> {
        self.tables.iter().map(|(n, _)| n.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::KqlType;

    #[test]
    fn builtin_tables_have_documented_columns() {
        let dse = builtin_schema("DataSecurityEvents").expect("builtin");
        assert_eq!(
            dse.fields[dse.index_of("Timestamp").expect("ts")].ty,
            KqlType::DateTime
        );
        assert_eq!(
            dse.fields[dse.index_of("ObjectSize").expect("size")].ty,
            KqlType::Int
        );
        assert_eq!(
            dse.fields[dse.index_of("AadDeviceId").expect("guid")].ty,
            KqlType::Guid
        );
        assert!(dse.index_of("FileName").is_some());
        let ae = builtin_schema("AlertEvidence").expect("builtin");
        assert_eq!(
            ae.fields[ae.index_of("FileSize").expect("size")].ty,
            KqlType::Long
        );
    }

    /// The IRM tables' catalog schemas must follow `shared/schemas/tables.json` when it is
    /// present.
    #[test]
    fn builtin_schemas_follow_shared_tables_json() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/schemas/tables.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let shared: serde_json::Value = serde_json::from_str(&text).expect("valid json");
        for t in IRM_TABLES {
            let ours = builtin_schema(t).expect("builtin");
            let cols = shared[t].as_array().expect("table");
            for c in cols {
                let name = c["name"].as_str().expect("name");
                let ty = KqlType::from_name(c["type"].as_str().expect("type")).expect("known type");
                let i = ours
                    .index_of(name)
                    .unwrap_or_else(|| panic!("{t}.{name} missing"));
                assert_eq!(ours.fields[i].ty, ty, "{t}.{name}");
            }
        }
    }
}
