//! `hunt import --data DIR INPUT...`: Defender / Sentinel exports into hunt tables.
//!
//! The work is `hunt_import::import`; this module parses the flags, draws a progress bar on
//! a terminal, and prints the summary and the bad records to stderr.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::render;

/// Flags of `hunt import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The data directory to import into (created if missing).
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: PathBuf,
    /// Table of the records that do not name theirs (Graph responses, CSV, plain JSON
    /// lines). Default: the file name, when it names a known table (AlertInfo.csv).
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Records that cannot be read which are tolerated (reported and left out); one more
    /// stops the import with nothing written.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_errors: usize,
    /// MiB of rows held in memory before the largest part is written out.
    #[arg(long, value_name = "MIB", default_value_t = 256, hide = true)]
    pub memory_mib: usize,
    /// Rows per Parquet file at most.
    #[arg(long, value_name = "N", default_value_t = 1 << 20, hide = true)]
    pub rows_per_file: usize,
    /// Files and folders to import: Event Hub batches, storage-blob records, Graph or
    /// legacy API responses, CSV, JSON lines; gzip or not.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `hunt import`.
pub fn run(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let mut opts = hunt_import::ImportOptions::new(&args.data);
    opts.table = args.table.clone();
    opts.max_errors = args.max_errors;
    opts.memory_budget = args.memory_mib.max(1) << 20;
    opts.rows_per_file = args.rows_per_file.max(1);
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {binary_bytes}/{binary_total_bytes} {msg} ({binary_bytes_per_sec}, ETA {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut on_progress = |p: hunt_import::Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(format!("{} records", p.records));
        }
    };
    let outcome = hunt_import::import(&opts, &args.inputs, &mut on_progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = match outcome {
        Ok(r) => r,
        Err(hunt_import::ImportError::TooManyBadRecords {
            max_errors, bad, ..
        }) => {
            let mut text = String::new();
            for b in &bad {
                text.push_str(&format!("error: {b}\n"));
            }
            text.push_str(&format!(
                "error: {} record(s) could not be read, more than --max-errors {max_errors}; nothing was imported\n",
                bad.len()
            ));
            render::eprint(&text);
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(anyhow!("import into `{}` failed: {e}", args.data.display())),
    };
    let mut text = String::new();
    for b in &report.bad {
        text.push_str(&format!("warning: skipped {b}\n"));
    }
    text.push_str(&format!(
        "imported {} file(s) into {}",
        report.imported.len(),
        args.data.display()
    ));
    if !report.skipped.is_empty() {
        text.push_str(&format!(
            "; skipped {} already imported",
            report.skipped.len()
        ));
    }
    if !report.bad.is_empty() {
        text.push_str(&format!("; {} bad record(s) left out", report.bad.len()));
    }
    text.push('\n');
    for t in &report.tables {
        text.push_str(&format!(
            "  {:<28} {:>10} rows in {} file(s)\n",
            t.name, t.rows, t.files
        ));
        for (field, n) in &t.ignored_fields {
            text.push_str(&format!(
                "    note: field `{field}` ({n} record(s)) is not a column of {}; not imported\n",
                t.name
            ));
        }
    }
    render::eprint(&text);
    Ok(ExitCode::from(0))
}
