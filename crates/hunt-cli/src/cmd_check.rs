//! `hunt check [--data DIR] [--format text|json] FILE...|QUERY`: parse and bind queries
//! against the advanced-hunting catalog and DIR's tables without running them (no row of data
//! is read), for linting rule repositories.
//!
//! Each argument that names an existing file is one query (a `.kql` file holds one query,
//! blank lines included, as Defender hunting-query files and `hunt -f` read it); any other
//! argument is the query text itself. Exit status: 0 when every query binds, 2 otherwise.
//! Text output: the same caret diagnostics as a query run, on stderr, and a summary line;
//! JSON output: an array of diagnostics on stdout (see `docs/catalog.md`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::json;

use crate::render;

/// Flags of `hunt check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Directory of Parquet tables whose schemas the queries bind against, besides the
    /// catalog (only the Parquet footers are read).
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: Option<PathBuf>,
    /// Output: caret diagnostics on stderr (text) or a JSON array on stdout (json).
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Query files (`.kql`), or a query.
    #[arg(value_name = "FILE|QUERY", required = true)]
    pub inputs: Vec<String>,
}

/// How `hunt check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Caret diagnostics on stderr.
    Text,
    /// `[{"file", "line", "column", "span", "kind", "message", "help"}, ...]` on stdout.
    Json,
}

/// One query to check: where it came from and its text.
struct Input {
    name: String,
    text: String,
}

fn read_inputs(inputs: &[String]) -> anyhow::Result<Vec<Input>> {
    inputs
        .iter()
        .map(|arg| {
            let path = std::path::Path::new(arg);
            if path.is_file() {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read query file `{arg}`"))?;
                Ok(Input {
                    name: arg.clone(),
                    text,
                })
            } else if arg.ends_with(".kql") {
                bail!("no such query file `{arg}`")
            } else {
                Ok(Input {
                    name: "query".into(),
                    text: arg.clone(),
                })
            }
        })
        .collect()
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Runs `hunt check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let inputs = read_inputs(&args.inputs)?;
    let engine = match args.data.as_ref().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => match hunt::Engine::open_dir(dir) {
            Ok(engine) => engine,
            Err(err) => bail!("cannot open data directory `{}`: {err}", dir.display()),
        },
        None => hunt::Engine::new(),
    };
    let color = render::use_color();
    let mut failed = 0usize;
    let mut open = 0usize;
    let mut report = Vec::new();
    for input in &inputs {
        // A name only the rows can make (after bag_unpack/pivot) is a warning, not a failure.
        let (err, severity) = match engine.check_outcome(&input.text) {
            Ok(hunt::Checked::Binds(_)) => continue,
            Ok(hunt::Checked::DependsOnData(err)) => {
                open += 1;
                (err, "warning")
            }
            Err(err) => {
                failed += 1;
                (err, "error")
            }
        };
        let mut diag = err.diagnostic();
        if severity == "warning" {
            diag.help = Some(
                "its columns come from the rows (bag_unpack/pivot), so it binds or not \
                 depending on the data; run it, or give the plugin an output schema"
                    .to_string(),
            );
        }
        match args.format {
            CheckFormat::Text if severity == "warning" => {
                render::eprint(&format!("warning: {}: depends on the data\n", input.name));
                render::eprint(&render::render_diagnostic(
                    &diag,
                    &input.name,
                    &input.text,
                    color,
                ));
            }
            CheckFormat::Text => render::eprint(&render::render_diagnostic(
                &diag,
                &input.name,
                &input.text,
                color,
            )),
            CheckFormat::Json => {
                let (line, column) = diag.span.as_ref().map_or((None, None), |s| {
                    let (l, c) = line_column(&input.text, s.start);
                    (Some(l), Some(c))
                });
                report.push(json!({
                    "file": input.name,
                    "line": line,
                    "column": column,
                    "span": diag.span.as_ref().map(|s| [s.start, s.end]),
                    "severity": severity,
                    "kind": diag.kind.as_str(),
                    "message": diag.message,
                    "help": diag.help,
                }));
            }
        }
    }
    match args.format {
        CheckFormat::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
            out.flush()?;
        }
        CheckFormat::Text => {
            let n = inputs.len();
            let noun = if n == 1 { "query" } else { "queries" };
            let depends = if open > 0 {
                format!(" ({open} depending on the data)")
            } else {
                String::new()
            };
            render::eprint(&format!(
                "checked {n} {noun}: {} bind{depends}, {failed} failed\n",
                n - failed
            ));
        }
    }
    Ok(ExitCode::from(if failed == 0 { 0 } else { 2 }))
}

#[cfg(test)]
mod tests {
    use super::line_column;

    #[test]
    fn line_column_counts_from_one_in_characters() {
        let text = "T\n| where é == x";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 2), (2, 1));
        // `x` follows the two-byte `é`: byte 16, character column 14.
        assert_eq!(line_column(text, 16), (2, 14));
        assert_eq!(line_column(text, 99), (2, 15));
    }
}
