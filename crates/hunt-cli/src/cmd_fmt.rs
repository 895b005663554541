//! `hunt fmt [--check] [--write] FILE...|QUERY`: queries in canonical form, comments kept
//! (`hunt_syntax::format_query`).
//!
//! Each argument that names an existing file is a query file; any other is query text.
//! Without flags the formatted text goes to stdout. `--check` prints nothing but the names
//! of the inputs that are not canonical and exits 1 if there are any (for CI); `--write`
//! rewrites such files in place (temporary file + rename). A query that does not parse is
//! reported with a caret and exits 2.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::render;

/// Flags of `hunt fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Exit 1 (and name them) when some input is not in canonical form; print nothing else.
    #[arg(long, conflicts_with = "write")]
    pub check: bool,
    /// Rewrite files in place.
    #[arg(long)]
    pub write: bool,
    /// Query files, or query text.
    #[arg(value_name = "FILE|QUERY", required = true)]
    pub inputs: Vec<String>,
}

/// Runs `hunt fmt`.
pub fn run(args: &FmtArgs) -> anyhow::Result<ExitCode> {
    let color = render::use_color();
    let mut not_canonical = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for input in &args.inputs {
        let path = Path::new(input);
        let (name, text) = if path.is_file() {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read `{input}`"))?;
            (input.clone(), text)
        } else {
            ("query".to_owned(), input.clone())
        };
        let formatted = match hunt_syntax::format_query(&text) {
            Ok(f) => f,
            Err(e) => {
                let diag = hunt::Error::from(e).diagnostic();
                render::eprint(&render::render_diagnostic(&diag, &name, &text, color));
                return Ok(ExitCode::from(2));
            }
        };
        let canonical = formatted == text || formatted.trim_end() == text.trim_end();
        if args.check {
            if !canonical {
                not_canonical.push(name);
            }
        } else if args.write && path.is_file() {
            if !canonical {
                let tmp = path.with_extension("fmt.tmp");
                std::fs::write(&tmp, &formatted)
                    .and_then(|()| std::fs::rename(&tmp, path))
                    .with_context(|| format!("cannot rewrite `{input}`"))?;
            }
        } else {
            out.write_all(formatted.as_bytes())?;
        }
    }
    out.flush()?;
    if !not_canonical.is_empty() {
        render::eprint(
            &not_canonical
                .iter()
                .map(|n| format!("not in canonical form: {n}\n"))
                .collect::<String>(),
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::from(0))
}
