//! The `*.test.yaml` format: a rule, and cases of fixture tables with what the rule must return.
//! See `docs/rule-tests.md` for the reference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::RulesError;

/// One expected row: column name → value.
pub type Row = Map<String, Value>;

/// A whole test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// The rule file, relative to the test file.
    pub rule: String,
    /// The cases, run in order.
    pub cases: Vec<CaseSpec>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    /// Its name (what `--filter` matches).
    pub name: String,
    /// The instant `now()` and `ago()` refer to.
    pub now: String,
    /// Fixture tables by name. Tables the rule names that are not listed are empty.
    #[serde(default)]
    pub tables: BTreeMap<String, TableSpec>,
    /// Also check that the result is the same with only the rows of the rule's query period:
    /// `true` for the rule's own (`queryPeriod`, a detection rule's lookback), or a duration.
    #[serde(default)]
    pub query_period: Option<QueryPeriod>,
    /// What the result must be.
    #[serde(default)]
    pub expect: ExpectSpec,
}

/// `query_period:` of a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum QueryPeriod {
    /// `true`: the rule's own period; `false`: no check.
    Rule(bool),
    /// A duration such as `1d` or `P1D`.
    Duration(String),
}

/// A fixture table: a file, inline rows, or both, and column types for tables (or columns)
/// the catalog does not know.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TableSpec {
    /// `Table: path` (csv, json, ndjson/jsonl, parquet).
    File(String),
    /// `Table: {file: …, rows: […], schema: {Col: type}}`.
    Full(TableParts),
}

/// The parts of a [`TableSpec::Full`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableParts {
    /// A fixture file, relative to the test file.
    pub file: Option<String>,
    /// Inline rows; unspecified columns are null.
    pub rows: Option<Vec<Row>>,
    /// Column types that add to (or override) the catalog schema.
    pub schema: Option<BTreeMap<String, String>>,
}

impl TableSpec {
    /// The parts, whichever form was written.
    pub fn parts(&self) -> TableParts {
        match self {
            TableSpec::File(f) => TableParts {
                file: Some(f.clone()),
                ..TableParts::default()
            },
            TableSpec::Full(p) => TableParts {
                file: p.file.clone(),
                rows: p.rows.clone(),
                schema: p.schema.clone(),
            },
        }
    }
}

/// `expect:` of a case. Every key given is checked.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    /// Exact number of result rows.
    pub count: Option<usize>,
    /// The exact result, compared on the columns the rows name; a multiset unless `ordered`.
    pub rows: Option<Vec<Row>>,
    /// Compare `rows` in order.
    #[serde(default)]
    pub ordered: bool,
    /// Rows that must appear (each may give a subset of the columns).
    pub contains: Option<Vec<Row>>,
    /// Rows that must not appear.
    pub absent: Option<Vec<Row>>,
    /// Whether the rule raises an alert (its trigger over the row count).
    pub alert: Option<bool>,
    /// The exact result columns, in order.
    pub columns: Option<Vec<String>>,
}

/// A test file, read: its path, the parsed spec, and the YAML document (for `--record`).
#[derive(Debug)]
pub struct TestFile {
    /// The test file.
    pub path: PathBuf,
    /// Its content.
    pub spec: TestSpec,
    /// The parsed document, rewritten by `--record`.
    pub doc: serde_yaml_ng::Value,
}

impl TestFile {
    /// Reads and parses a test file.
    pub fn load(path: &Path) -> Result<TestFile, RulesError> {
        let text = std::fs::read_to_string(path).map_err(RulesError::io(path))?;
        let doc: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&text).map_err(|e| RulesError::yaml(path, &e))?;
        let spec: TestSpec =
            serde_yaml_ng::from_str(&text).map_err(|e| RulesError::yaml(path, &e))?;
        Ok(TestFile {
            path: path.to_owned(),
            spec,
            doc,
        })
    }

    /// The folder paths in the file are relative to.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}
