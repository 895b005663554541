//! `--record`: writes each recorded case's result into its `expect.rows`, as a starting point
//! to check by hand. The file is rewritten from its parsed form (comments are not kept), through
//! a temporary file and a rename so an interrupted write leaves the old file.

use std::io::Write;

use serde_yaml_ng::{Mapping, Value};

use crate::case::CaseOutcome;
use crate::error::RulesError;
use crate::spec::TestFile;

/// Writes the recorded rows of `cases` into `file`.
pub fn write(file: &TestFile, cases: &[CaseOutcome]) -> Result<(), RulesError> {
    let path = &file.path;
    let bad = |m: &str| RulesError::invalid(path, m.to_owned());
    let mut doc = file.doc.clone();
    let list = doc
        .get_mut("cases")
        .and_then(Value::as_sequence_mut)
        .ok_or_else(|| bad("no `cases:` list to record into"))?;
    let mut changed = false;
    for c in cases {
        let Some(rows) = &c.recorded else { continue };
        let case = list
            .get_mut(c.index)
            .and_then(Value::as_mapping_mut)
            .ok_or_else(|| bad("a case is not a mapping"))?;
        let expect = case
            .entry(Value::from("expect"))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if expect.is_null() {
            *expect = Value::Mapping(Mapping::new());
        }
        let expect = expect
            .as_mapping_mut()
            .ok_or_else(|| bad("`expect:` is not a mapping"))?;
        let rows = serde_yaml_ng::to_value(rows).map_err(|e| bad(&e.to_string()))?;
        expect.insert(Value::from("rows"), rows);
        changed = true;
    }
    if !changed {
        return Ok(());
    }
    let text = serde_yaml_ng::to_string(&doc).map_err(|e| bad(&e.to_string()))?;
    let dir = file.dir();
    let write_err = |e: std::io::Error| RulesError::Write {
        path: path.clone(),
        message: e.to_string(),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
    tmp.write_all(text.as_bytes()).map_err(write_err)?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}
