//! Idioms over several tables of a data directory: `union` with wildcards, `search in`,
//! `find in … project`, and `externaldata` resolved to local copies. Expected values
//! follow the Kusto docs (`docs: <page>`), never hunt's own output.

mod common;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use hunt::Engine;
use std::path::Path;
use std::sync::Arc;

type Res = Result<(), Box<dyn std::error::Error>>;

fn write(dir: &Path, table: &str, cols: Vec<(&str, ArrayRef)>) -> Res {
    let batch = RecordBatch::try_from_iter(cols)?;
    let file = std::fs::File::create(dir.join(format!("{table}.parquet")))?;
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}

fn strings(v: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

/// DeviceA(Name, N), DeviceB(Name, Other), Email(Name) in a fresh directory.
fn tables(dir: &Path) -> Res {
    write(
        dir,
        "DeviceA",
        vec![
            ("Name", strings(&["alpha", "beta"])),
            ("N", Arc::new(Int64Array::from(vec![1, 2]))),
        ],
    )?;
    write(
        dir,
        "DeviceB",
        vec![
            ("Name", strings(&["gamma alpha"])),
            ("Other", strings(&["x"])),
        ],
    )?;
    write(dir, "Email", vec![("Name", strings(&["alpha mail"]))])
}

fn query(e: &Engine, q: &str) -> Result<String, String> {
    e.query(q)
        .map(|r| common::render(&r, Some("null")))
        .map_err(|err| format!("{q}: {:?}", err.diagnostic()))
}

#[test]
fn union_with_a_wildcard() -> Res {
    // docs: union-operator — "`union K*` ... all tables whose names begin with K";
    // `withsource` names each row's table.
    let dir = tempfile::tempdir()?;
    tables(dir.path())?;
    let e = Engine::open_dir(dir.path()).map_err(|e| format!("{:?}", e.diagnostic()))?;
    assert_eq!(
        query(
            &e,
            "union withsource=T Device* | project T, Name | order by Name asc"
        )?,
        "T:string|Name:string\nDeviceA|alpha\nDeviceA|beta\nDeviceB|gamma alpha"
    );
    assert!(query(&e, "union Nothing*").is_err());
    Ok(())
}

#[test]
fn search_in_named_tables() -> Res {
    // docs: search-operator — `search in (Products) "Green"`: the output starts with
    // `$table`, the table of each row; a bare term matches any column with `has`.
    let dir = tempfile::tempdir()?;
    tables(dir.path())?;
    let e = Engine::open_dir(dir.path()).map_err(|e| format!("{:?}", e.diagnostic()))?;
    assert_eq!(
        query(
            &e,
            r#"search in (DeviceA, Email) "alpha" | project ['$table'], Name | order by ['$table'] asc"#
        )?,
        "$table:string|Name:string\nDeviceA|alpha\nEmail|alpha mail"
    );
    Ok(())
}

#[test]
fn find_in_tables_with_project() -> Res {
    // docs: find-operator — `find in (T1, T2) where … project A, B`: `source_` names the
    // table, then the projected columns, null where a table lacks one.
    let dir = tempfile::tempdir()?;
    tables(dir.path())?;
    let e = Engine::open_dir(dir.path()).map_err(|e| format!("{:?}", e.diagnostic()))?;
    assert_eq!(
        query(
            &e,
            r#"find in (DeviceA, DeviceB) where Name has "alpha" project Name, N | order by source_ asc"#
        )?,
        "source_:string|Name:string|N:long\nDeviceA|alpha|1\nDeviceB|gamma alpha|null"
    );
    // docs: find-operator — `project …, pack_all()` adds `pack_`, a bag of the table's
    // columns not listed (the docs' example: Session_Id and Level).
    assert_eq!(
        query(
            &e,
            r#"find in (DeviceA, DeviceB) where Name has "alpha" project Name, pack_all() | order by source_ asc"#
        )?,
        "source_:string|Name:string|pack_:dynamic\nDeviceA|alpha|{\"N\":1}\nDeviceB|gamma alpha|{\"Other\":\"x\"}"
    );
    assert_eq!(
        query(
            &e,
            r#"find withsource=Src in (Device*) where * has "beta" project Name"#
        )?,
        "Src:string|Name:string\nDeviceA|beta"
    );
    Ok(())
}

#[test]
fn externaldata_reads_local_copies() -> Res {
    // docs: externaldata-operator — `externaldata (cols) [ "url" ] with (format=…)`: the
    // file's records as rows of the declared columns; `ignoreFirstRecord` skips a header.
    let dir = tempfile::tempdir()?;
    tables(dir.path())?;
    let ext = dir.path().join("externaldata");
    std::fs::create_dir(&ext)?;
    std::fs::write(ext.join("iocs.csv"), "Sha,Score\naaa,5\nbbb,7\n")?;
    std::fs::write(
        ext.join("list.json"),
        "{\"h\":\"x\",\"n\":1}\n{\"h\":\"y\",\"n\":2}\n",
    )?;
    std::fs::write(
        ext.join("manifest.json"),
        r#"{"https://example.com/feeds/latest?sig=abc": "list.json"}"#,
    )?;
    let e = Engine::open_dir(dir.path()).map_err(|e| format!("{:?}", e.diagnostic()))?;
    assert_eq!(
        query(
            &e,
            r#"externaldata (Sha:string, Score:long) [ "https://raw.example.com/x/iocs.csv" ] with (format="csv", ignoreFirstRecord=true)"#
        )?,
        "Sha:string|Score:long\naaa|5\nbbb|7"
    );
    assert_eq!(
        query(
            &e,
            r#"externaldata (h:string, n:long) [ @"https://example.com/feeds/latest?sig=abc" ] with (format="multijson") | where n > 1"#
        )?,
        "h:string|n:long\ny|2"
    );
    // A URL with no local copy is refused, naming the URL and where to put the file.
    let err = query(
        &e,
        r#"externaldata (x:string) [ "https://example.com/missing.txt" ] with (format="txt")"#,
    )
    .expect_err("no local copy");
    assert!(err.contains("https://example.com/missing.txt"), "{err}");
    assert!(err.contains("missing.txt"), "{err}");
    Ok(())
}
