//! `hunt test PATH...`: runs the detection-rule tests (`*.test.yaml`) under the paths with
//! `hunt_rules`, prints one line per case, a diff for each failure and a summary, and writes
//! JUnit XML and SARIF on request.
//!
//! Exit status: 0 when every case passed, 1 when some case failed, 2 when a test file, rule
//! file or fixture could not be read (or a report could not be written).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use hunt_rules::{FileOutcome, Options, Status};

/// Flags of `hunt test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Test files (`*.test.yaml`) or folders searched for them.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Run only the cases whose name contains TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Write JUnit XML of every case to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write SARIF to FILE for rules that do not parse, do not bind, or use what hunt refuses.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Write each case's current result into its `expect.rows` (check it by hand before
    /// committing).
    #[arg(long)]
    pub record: bool,
}

/// Runs the tests; see the module header for the exit status.
pub fn run(args: &TestArgs) -> anyhow::Result<ExitCode> {
    let files = hunt_rules::discover(&args.paths)?;
    let options = Options {
        filter: args.filter.clone(),
        record: args.record,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut outcomes = Vec::with_capacity(files.len());
    let (mut passed, mut failed, mut recorded, mut unreadable) = (0, 0, 0, 0);
    for path in &files {
        let outcome = hunt_rules::run_file(path, &options);
        if let Some(e) = &outcome.error {
            writeln!(out, "error  {}: {e}", path.display())?;
            unreadable += 1;
        }
        for c in &outcome.cases {
            let label = format!("{} :: {}", path.display(), c.name);
            match &c.status {
                Status::Passed => {
                    passed += 1;
                    writeln!(out, "ok     {label}")?;
                }
                Status::Recorded => {
                    recorded += 1;
                    writeln!(out, "record {label}")?;
                }
                Status::Failed(msgs) => {
                    failed += 1;
                    writeln!(out, "FAIL   {label}")?;
                    for m in msgs {
                        for line in m.lines() {
                            writeln!(out, "    {line}")?;
                        }
                    }
                }
                Status::RuleError(d) => {
                    failed += 1;
                    let rule = rule_path(&outcome);
                    writeln!(out, "FAIL   {label}")?;
                    writeln!(
                        out,
                        "    {}:{}:{}: {}: {}",
                        rule.display(),
                        d.start.0,
                        d.start.1,
                        d.diagnostic.kind,
                        d.diagnostic.message
                    )?;
                    if let Some(help) = &d.diagnostic.help {
                        writeln!(out, "    help: {help}")?;
                    }
                }
                Status::Broken(m) => {
                    unreadable += 1;
                    writeln!(out, "error  {label}: {m}")?;
                }
            }
        }
        outcomes.push(outcome);
    }
    let mut summary = format!("{passed} passed, {failed} failed");
    if recorded > 0 {
        summary.push_str(&format!(", {recorded} recorded (check them by hand)"));
    }
    if unreadable > 0 {
        summary.push_str(&format!(", {unreadable} could not be read"));
    }
    writeln!(out, "{summary}")?;
    out.flush()?;
    if let Some(path) = &args.junit {
        let xml = hunt_rules::report::junit(&outcomes).map_err(anyhow::Error::msg)?;
        write_atomic(path, &xml)?;
    }
    if let Some(path) = &args.sarif {
        let json = hunt_rules::report::sarif(&outcomes).map_err(anyhow::Error::msg)?;
        write_atomic(path, &json)?;
    }
    Ok(ExitCode::from(if unreadable > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    }))
}

fn rule_path(outcome: &FileOutcome) -> &Path {
    outcome
        .rule
        .as_ref()
        .map(|r| r.path.as_path())
        .unwrap_or(&outcome.path)
}

/// Writes through a temporary file in the same folder, so a reader never sees half a report.
fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    tmp.write_all(text.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}
