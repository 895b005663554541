//! hunt-rules: detection rules tested offline. `hunt test` is its front end.
//!
//! A `*.test.yaml` file names a rule (a `.kql` query, a Microsoft Sentinel analytic rule in
//! YAML, or a Defender XDR custom detection as Graph `detectionRule` JSON) and gives cases:
//! fixture tables, a pinned `now()`, and what the rule must return. Each case runs the rule's
//! query with hunt over the fixtures (written as Parquet, typed by hunt's catalog) and checks
//! the answer. [`report`] writes JUnit XML (every case) and SARIF (rules that do not parse,
//! bind, or use what hunt refuses, placed on the rule file's line). See `docs/rule-tests.md`.
//!
//! ```no_run
//! let files = hunt_rules::discover(&["testdata/rules".into()])?;
//! for path in files {
//!     let outcome = hunt_rules::run_file(&path, &hunt_rules::Options::default());
//!     println!("{}: {} case(s)", path.display(), outcome.cases.len());
//! }
//! # Ok::<(), hunt_rules::RulesError>(())
//! ```

pub mod case;
pub mod duration;
pub mod error;
pub mod expect;
pub mod fixture;
pub mod record;
pub mod report;
pub mod rule;
pub mod spec;
pub mod value;

use std::path::{Path, PathBuf};

pub use case::{CaseOutcome, RuleDiagnostic, Status};
pub use error::RulesError;
pub use rule::Rule;
pub use spec::TestFile;

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Run only the cases whose name contains this text.
    pub filter: Option<String>,
    /// Write each case's result into its `expect.rows` instead of checking it.
    pub record: bool,
}

/// The outcome of one test file.
#[derive(Debug)]
pub struct FileOutcome {
    /// The test file.
    pub path: PathBuf,
    /// Its rule, when it could be loaded.
    pub rule: Option<Rule>,
    /// The cases run (those `--filter` selects).
    pub cases: Vec<CaseOutcome>,
    /// Why the file (or its rule) could not be read, if so: nothing ran.
    pub error: Option<RulesError>,
}

/// Every `*.test.yaml` (or `*.test.yml`) under `paths`, sorted; a file named directly is taken
/// whatever its name.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, RulesError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(RulesError::io(p))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), RulesError> {
    let entries = std::fs::read_dir(dir).map_err(RulesError::io(dir))?;
    for entry in entries {
        let path = entry.map_err(RulesError::io(dir))?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if !name.starts_with('.') {
                walk(&path, out)?;
            }
        } else if name.ends_with(".test.yaml") || name.ends_with(".test.yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads a test file and its rule and runs the selected cases. With `record`, also writes the
/// results into the file.
pub fn run_file(path: &Path, options: &Options) -> FileOutcome {
    let mut outcome = FileOutcome {
        path: path.to_owned(),
        rule: None,
        cases: Vec::new(),
        error: None,
    };
    let file = match TestFile::load(path) {
        Ok(f) => f,
        Err(e) => {
            outcome.error = Some(e);
            return outcome;
        }
    };
    let rule = match Rule::load(&file.dir().join(&file.spec.rule)) {
        Ok(r) => r,
        Err(e) => {
            outcome.error = Some(e);
            return outcome;
        }
    };
    for (i, case) in file.spec.cases.iter().enumerate() {
        if let Some(f) = &options.filter
            && !case.name.contains(f.as_str())
        {
            continue;
        }
        outcome.cases.push(case::run_case(
            &rule,
            case,
            i,
            file.dir(),
            path,
            options.record,
        ));
    }
    if options.record
        && let Err(e) = record::write(&file, &outcome.cases)
    {
        outcome.error = Some(e);
    }
    outcome.rule = Some(rule);
    outcome
}
