//! `hunt tables [--data DIR]` and `hunt schema [--data DIR] TABLE`: what tables a query can
//! name (the data directory's and the advanced-hunting catalog's) and a table's columns,
//! with the catalog's descriptions. Only Parquet footers are read.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use comfy_table::{Table, presets};

use crate::render;

/// Flags of `hunt tables`.
#[derive(Debug, clap::Args)]
pub struct TablesArgs {
    /// Directory of Parquet tables to list besides the catalog.
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: Option<PathBuf>,
}

/// Flags of `hunt schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Directory of Parquet tables whose columns merge with the catalog's.
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: Option<PathBuf>,
    /// The table.
    #[arg(value_name = "TABLE")]
    pub table: String,
}

fn engine(data: Option<&PathBuf>) -> anyhow::Result<hunt::Engine> {
    match data.filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => hunt::Engine::open_dir(dir)
            .or_else(|err| bail!("cannot open data directory `{}`: {err}", dir.display())),
        None => Ok(hunt::Engine::new()),
    }
}

fn grid(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_header(header.to_vec());
    table
}

/// Runs `hunt tables`: one line per table with its column count, whether DIR has data for
/// it, and its documentation page.
pub fn run_tables(args: &TablesArgs) -> anyhow::Result<ExitCode> {
    let engine = engine(args.data.as_ref())?;
    let tables = match engine.tables() {
        Ok(t) => t,
        Err(err) => bail!("{err}"),
    };
    let mut table = grid(&["Table", "Columns", "Data", "Documentation"]);
    for t in &tables {
        table.add_row(vec![
            t.name.clone(),
            t.columns.to_string(),
            if t.has_data { "yes" } else { "no" }.to_string(),
            t.doc.clone().unwrap_or_default(),
        ]);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{table}")?;
    out.flush()?;
    Ok(ExitCode::from(0))
}

/// Runs `hunt schema TABLE`: its columns in order with KQL type and the catalog's
/// description (empty for a column only the data has). An unknown table is an error that
/// suggests the closest name.
pub fn run_schema(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    let engine = engine(args.data.as_ref())?;
    let schema = match engine.table_schema(&args.table) {
        Ok(Some(s)) => s,
        Ok(None) => {
            // The same message and suggestion as a query naming it.
            let err = match engine.check(&args.table) {
                Err(e) => e.diagnostic(),
                Ok(_) => bail!("no table `{}`", args.table),
            };
            let mut diag = err;
            diag.span = None;
            render::eprint(&render::render_diagnostic(
                &diag,
                "table",
                &args.table,
                false,
            ));
            return Ok(ExitCode::from(2));
        }
        Err(err) => bail!("{err}"),
    };
    let doc = hunt_plan_doc(&args.table);
    let mut table = grid(&["Column", "Type", "Description"]);
    for f in &schema.fields {
        let description = doc
            .and_then(|d| d.columns.iter().find(|c| c.name == f.name))
            .map(|c| c.description.clone())
            .unwrap_or_default();
        table.add_row(vec![f.name.clone(), f.ty.to_string(), description]);
    }
    let mut out = std::io::stdout().lock();
    if let Some(d) = doc {
        writeln!(out, "{} ({})", d.name, d.doc)?;
    }
    writeln!(out, "{table}")?;
    out.flush()?;
    Ok(ExitCode::from(0))
}

fn hunt_plan_doc(name: &str) -> Option<&'static hunt::catalog::TableDoc> {
    hunt::catalog::table(name)
}
