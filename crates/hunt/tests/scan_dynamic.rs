//! A `dynamic` column (JSON text marked `kql.type = dynamic`) filtered at the scan: a
//! `where` conjunct over it alone, such as `tostring(D) !in ("", "[]")`, runs once per
//! entry of a dictionary-encoded column chunk (`scan/dictfilter.rs`, `scan/dictprune.rs`).
//! The rows must be the ones the documented semantics give, the same from a
//! dictionary-encoded file and a plain one, and row groups holding only empty values are
//! skipped.
//!
//! Kusto: `tostring` of a dynamic string is the string itself, of any other dynamic value
//! its compact JSON, of null the empty string; an empty cell of a dynamic column is null.

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use hunt::Engine;
use hunt::format::cell_text;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Cell texts of `D` and what `tostring(D)` is for each (`None`: a null cell).
const VALUES: &[(Option<&str>, &str)] = &[
    (None, ""),
    (Some(""), ""),
    (Some("[]"), "[]"),
    (Some(" [ ] "), "[]"),
    (Some("\"[]\""), "[]"),
    (Some("\"\""), ""),
    (
        Some("[{\"RuleName\":\"r1\",\"Severity\":\"High\"}]"),
        "[{\"RuleName\":\"r1\",\"Severity\":\"High\"}]",
    ),
    (Some("[ {\"a\" : 1.0} ]"), "[{\"a\":1.0}]"),
    (Some("{}"), "{}"),
    (Some("\"x\\ty\""), "x\ty"),
    (Some("not json"), "not json"),
    (Some("[1,"), "[1,"),
    (Some("0"), "0"),
];

/// 30 row groups of 100 rows; row `i` of group `g` holds `VALUES[(g + i) % n]`, except
/// that every third group holds only the values whose `tostring` is "" or "[]".
fn cell(g: usize, i: usize) -> usize {
    let empty: Vec<usize> = (0..VALUES.len())
        .filter(|k| matches!(VALUES[*k].1, "" | "[]"))
        .collect();
    if g % 3 == 0 {
        empty[i % empty.len()]
    } else {
        (g + i) % VALUES.len()
    }
}

fn write_table(dir: &Path, dictionary: bool) -> TestResult {
    let t = dir.join("T");
    std::fs::create_dir_all(&t)?;
    let ids: Vec<i64> = (0..3000).collect();
    let d: StringArray = ids
        .iter()
        .map(|id| VALUES[cell(*id as usize / 100, *id as usize % 100)].0)
        .collect();
    let dynamic = HashMap::from([("kql.type".to_string(), "dynamic".to_string())]);
    let schema = Arc::new(Schema::new(vec![
        Field::new("Id", DataType::Int64, false),
        Field::new("D", DataType::Utf8, true).with_metadata(dynamic),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(ids)) as ArrayRef,
            Arc::new(d) as ArrayRef,
        ],
    )?;
    let props = WriterProperties::builder()
        .set_max_row_group_size(100)
        .set_dictionary_enabled(dictionary)
        .build();
    let mut w = ArrowWriter::try_new(File::create(t.join("part.parquet"))?, schema, Some(props))?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}

/// The `Id`s `q` returns, in order.
fn ids(engine: &Engine, q: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let r = engine
        .query(q)
        .map_err(|e| format!("{q}: {:?}", e.diagnostic()))?;
    let ty = r.schema.fields[0].ty;
    Ok(r.batches
        .iter()
        .flat_map(|b| (0..b.num_rows()).map(move |row| cell_text(b.column(0), row, ty)))
        .collect())
}

/// Row groups the scan read for `q`, from its EXPLAIN line after a run.
fn row_groups_read(dir: &Path, q: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let tables = hunt_exec::discover(dir)?;
    let planned = hunt_plan::plan(&hunt_syntax::parse(q)?, &tables, 0)?;
    let plan = hunt_exec::create_physical_plan(&hunt_plan::optimize(planned.plan), &tables)?;
    hunt_exec::collect(&plan)?;
    let text = hunt_exec::display(&plan);
    let line = text
        .lines()
        .find(|l| l.contains("ParquetScanExec"))
        .ok_or("no scan in the plan")?;
    let read = line
        .split("(read ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .ok_or_else(|| format!("no counters in {line}"))?;
    Ok(read.parse()?)
}

#[test]
fn tostring_of_a_dynamic_column_against_constants_at_the_scan() -> TestResult {
    let cases: [(&str, fn(&str) -> bool); 7] = [
        ("tostring(D) !in (\"\", \"[]\")", |s| {
            !matches!(s, "" | "[]")
        }),
        ("tostring(D) in (\"[]\", \"0\")", |s| {
            matches!(s, "[]" | "0")
        }),
        ("tostring(D) == \"\"", |s| s.is_empty()),
        // A dynamic compared with a string compares its `tostring`.
        ("D != \"[]\"", |s| s != "[]"),
        ("D == \"[]\"", |s| s == "[]"),
        ("tostring(D) != \"{}\" and tostring(D) != \"\"", |s| {
            !matches!(s, "{}" | "")
        }),
        ("tostring(D) == \"x\\ty\"", |s| s == "x\ty"),
    ];
    for dictionary in [true, false] {
        let dir = tempfile::tempdir()?;
        write_table(dir.path(), dictionary)?;
        let engine = Engine::open_dir(dir.path())?;
        for (pred, keeps) in cases {
            let q = format!("T | where {pred} | project Id");
            let want: Vec<String> = (0..3000)
                .filter(|id| keeps(VALUES[cell(id / 100, id % 100)].1))
                .map(|id| id.to_string())
                .collect();
            assert_eq!(ids(&engine, &q)?, want, "{q} (dictionary {dictionary})");
        }
        // Every third row group holds only empty values: its dictionary rules it out.
        let q = "T | where tostring(D) !in (\"\", \"[]\") | project Id";
        let read = row_groups_read(dir.path(), q)?;
        assert_eq!(
            read,
            if dictionary { 20 } else { 30 },
            "{q} (dictionary {dictionary})"
        );
        // A null cell and an empty one are null.
        let nulls = ids(&engine, "T | where isnull(D) | count")?;
        let want = (0..3000)
            .filter(|id| matches!(VALUES[cell(id / 100, id % 100)].0, None | Some("")))
            .count();
        assert_eq!(
            nulls,
            [want.to_string()],
            "isnull (dictionary {dictionary})"
        );
    }
    Ok(())
}
