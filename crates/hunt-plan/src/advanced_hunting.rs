//! The advanced-hunting catalog: the documented schema of every Microsoft Defender XDR
//! advanced-hunting table, kept as data in `crates/hunt-plan/catalog/<Table>.json` (one file
//! per table, made from its Microsoft Learn page by `catalog/refresh.py`) and embedded in the
//! binary by `build.rs`. See `docs/catalog.md`.

use crate::types::{Field, KqlType, Schema};
use serde::Deserialize;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// One catalog table as its schema file describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct TableDoc {
    /// Table name, as queries spell it.
    pub name: String,
    /// The Microsoft Learn page documenting it.
    pub doc: String,
    /// Where the schema was taken from: repository, page path and commit.
    pub source: String,
    /// Facts recorded from that page, which the catalog's tests check the columns against.
    pub page: PageFacts,
    /// Column statuses that were on the page (the IRM tables carry statuses from
    /// `shared/schemas/tables.json`); columns without a status are on the page.
    #[serde(default)]
    pub page_statuses: Vec<String>,
    /// Columns in documented order.
    pub columns: Vec<ColumnDoc>,
}

/// What the documentation page showed: its column count, first and last column.
#[derive(Debug, Clone, Deserialize)]
pub struct PageFacts {
    /// Number of columns in the page's table.
    pub columns: usize,
    /// The page's first column.
    pub first: String,
    /// The page's last column.
    pub last: String,
}

/// One documented column.
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnDoc {
    /// Column name.
    pub name: String,
    /// KQL type name (`string`, `long`, `dynamic`, …).
    #[serde(rename = "type")]
    pub ty: String,
    /// One-line description from the page.
    pub description: String,
    /// For the IRM tables: `documented`, `observed`, `platform`, `example`, …
    #[serde(default)]
    pub status: Option<String>,
    /// The type the page gives, where the catalog corrects it (see `correction`).
    #[serde(default)]
    pub page_type: Option<String>,
    /// Why the catalog's type differs from the page's.
    #[serde(default)]
    pub correction: Option<String>,
}

impl ColumnDoc {
    /// The column's KQL type; `dynamic` for a type name hunt does not know (the catalog's
    /// tests make sure there is none).
    pub fn kql_type(&self) -> KqlType {
        KqlType::from_name(&self.ty).unwrap_or(KqlType::Dynamic)
    }
}

impl TableDoc {
    /// The table's schema: every column of the schema file, in order.
    pub fn schema(&self) -> Schema {
        Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(&c.name, c.kql_type()))
                .collect(),
        )
    }

    /// The columns that were on the documentation page (all, except for the IRM tables'
    /// observed, platform and example columns).
    pub fn page_columns(&self) -> impl Iterator<Item = &ColumnDoc> {
        self.columns.iter().filter(|c| match &c.status {
            None => true,
            Some(s) => self.page_statuses.iter().any(|p| p == s),
        })
    }
}

/// Every catalog table, sorted by name.
pub fn tables() -> &'static [TableDoc] {
    static TABLES: OnceLock<Vec<TableDoc>> = OnceLock::new();
    TABLES.get_or_init(|| {
        // The files are compiled in and checked by this module's tests; one that failed to
        // parse would be missing here, and `every_schema_file_parses` says which.
        FILES
            .iter()
            .filter_map(|(_, text)| serde_json::from_str::<TableDoc>(text).ok())
            .collect()
    })
}

/// The catalog table `name` (exact, case-sensitive as KQL table names are).
pub fn table(name: &str) -> Option<&'static TableDoc> {
    let all = tables();
    all.binary_search_by(|t| t.name.as_str().cmp(name))
        .ok()
        .map(|i| &all[i])
}

/// The documented schema of catalog table `name`.
pub fn schema(name: &str) -> Option<Schema> {
    table(name).map(TableDoc::schema)
}

/// The names of all catalog tables, sorted.
pub fn table_names() -> impl Iterator<Item = &'static str> {
    tables().iter().map(|t| t.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_file_parses() {
        for (name, text) in FILES {
            let t: TableDoc =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("catalog/{name}.json: {e}"));
            assert_eq!(&t.name, name, "catalog/{name}.json names another table");
            for c in &t.columns {
                assert!(
                    KqlType::from_name(&c.ty).is_some(),
                    "{name}.{}: unknown type {}",
                    c.name,
                    c.ty
                );
            }
        }
        assert_eq!(tables().len(), FILES.len());
    }

    #[test]
    fn lookup_is_exact() {
        assert!(table("DeviceProcessEvents").is_some());
        assert!(table("deviceprocessevents").is_none());
        assert!(table("NoSuchTable").is_none());
    }
}
