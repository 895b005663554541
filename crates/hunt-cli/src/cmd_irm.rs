//! The insider-risk flags of a query run (`--pseudonymize`, `--pseudonym-key-file`,
//! `--principal`, `--roles`) and the run itself through [`hunt_irm::Session`]: policy
//! check, query, pseudonymization, audit.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Flags shared by the query run and the insider-risk subcommands.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct IrmFlags {
    /// Replace identities (AccountUpn, AccountObjectId, …) in every output format by keyed
    /// pseudonyms [default: the data directory's hunt.toml `pseudonymize`].
    #[arg(long)]
    pub pseudonymize: bool,
    /// The pseudonym key, kept outside the data directory [default: HUNT_PSEUDONYM_KEY].
    #[arg(long, value_name = "FILE")]
    pub pseudonym_key_file: Option<PathBuf>,
    /// Who runs the query, for the access policy and the audit log.
    #[arg(long, value_name = "NAME", env = "HUNT_PRINCIPAL")]
    pub principal: Option<String>,
    /// The caller's roles, comma-separated (checked against DIR/hunt.toml `[access]`).
    #[arg(long, value_name = "R1,R2", env = "HUNT_ROLES")]
    pub roles: Option<String>,
}

impl IrmFlags {
    /// The session these flags describe.
    pub fn session(&self) -> anyhow::Result<hunt_irm::Session> {
        let key = match &self.pseudonym_key_file {
            Some(path) => Some(hunt_irm::PseudonymKey::from_file(path)?),
            None => hunt_irm::PseudonymKey::from_env().transpose()?,
        };
        Ok(hunt_irm::Session {
            principal: self.principal.clone().filter(|p| !p.is_empty()),
            roles: self
                .roles
                .as_deref()
                .map(|r| {
                    r.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            pseudonymize: self.pseudonymize.then_some(true),
            key,
        })
    }
}

/// Runs `query` over `engine` (opened on `dir`, whose hunt.toml applies unless `demo`) for
/// the caller `flags` describe. `Err(diagnostic)` is a refusal or query error to render.
pub fn query(
    engine: hunt::Engine,
    dir: &Path,
    demo: bool,
    flags: &IrmFlags,
    query: &str,
) -> anyhow::Result<Result<hunt::QueryResult, hunt::Diagnostic>> {
    let session = flags.session()?;
    let data = match hunt_irm::DataDir::with_engine(engine, (!demo).then_some(dir)) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e.diagnostic())),
    };
    // With no policy and no pseudonyms there is nothing to check, rewrite or audit: run the
    // query with the progress bar and Ctrl-C cancellation of one-shot queries.
    if data.policy().is_none() && !session.pseudonymizes(&data) {
        return Ok(crate::progress::run(data.engine(), query).map_err(|e| e.diagnostic()));
    }
    match session.query(&data, query) {
        Ok(answer) => Ok(Ok(answer.result)),
        Err(e @ hunt_irm::IrmError::Audit { .. }) => {
            Err(e).context("the query was not recorded in the audit log, so its result is withheld")
        }
        Err(e) => Ok(Err(e.diagnostic())),
    }
}

/// Why a streamed run stopped: the query's error (rendered with its caret) or the output's.
#[derive(Debug)]
pub enum StreamError {
    /// The query failed or was refused.
    Query(hunt::Diagnostic),
    /// Writing the rows failed (a closed pipe, a full disk).
    Output(std::io::Error),
    /// The writer has all the rows it wants (the table has counted enough): not an error.
    Enough,
}

impl From<hunt::Error> for StreamError {
    fn from(e: hunt::Error) -> StreamError {
        StreamError::Query(e.diagnostic())
    }
}

impl From<std::io::Error> for StreamError {
    fn from(e: std::io::Error) -> StreamError {
        StreamError::Output(e)
    }
}

/// Runs `query` as [`query`] does, handing the prepared query to `write` to stream its rows
/// out, when nothing stands between the engine and the output (no access policy, no
/// pseudonyms). `Ok(None)`: something does, and the caller runs [`query`] instead.
pub fn query_streaming<T>(
    engine: &hunt::Engine,
    dir: &Path,
    demo: bool,
    flags: &IrmFlags,
    query: &str,
    write: impl FnOnce(&hunt::Prepared) -> Result<T, StreamError>,
) -> anyhow::Result<Option<Result<T, StreamError>>> {
    let session = flags.session()?;
    let data = match hunt_irm::DataDir::with_engine(engine.clone(), (!demo).then_some(dir)) {
        Ok(d) => d,
        Err(e) => return Ok(Some(Err(StreamError::Query(e.diagnostic())))),
    };
    if data.policy().is_some() || session.pseudonymizes(&data) {
        return Ok(None);
    }
    Ok(Some(crate::progress::stream(data.engine(), query, write)))
}

/// `--explain` for the caller: the policy is checked first (a refused query shows no plan).
pub fn explain(
    engine: hunt::Engine,
    dir: &Path,
    demo: bool,
    flags: &IrmFlags,
    query: &str,
) -> anyhow::Result<Result<String, hunt::Diagnostic>> {
    let session = flags.session()?;
    let data = match hunt_irm::DataDir::with_engine(engine, (!demo).then_some(dir)) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e.diagnostic())),
    };
    if let Err(e) = session.check(&data, query) {
        return Ok(Err(e.diagnostic()));
    }
    Ok(data.engine().explain(query).map_err(|e| e.diagnostic()))
}

/// `--data DIR` for the subcommands (HUNT_DATA as for queries).
#[derive(Debug, Clone, clap::Args)]
pub struct DataFlag {
    /// Directory of Parquet tables.
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: PathBuf,
}

/// Opens a data directory for a subcommand, rendering a schema-file error with its caret.
pub fn open(dir: &Path) -> anyhow::Result<hunt_irm::DataDir> {
    hunt_irm::DataDir::open(dir).map_err(|e| anyhow::anyhow!(describe(&e)))
}

/// The text of an error, with a caret into `schema.kql` when it is about that file.
pub fn describe(e: &hunt_irm::IrmError) -> String {
    if let hunt_irm::IrmError::Query(hunt::Error::Script(s)) = e {
        return crate::render::render_diagnostic(&s.error.diagnostic(), &s.origin, &s.text, false)
            .trim_end()
            .to_string();
    }
    let d = e.diagnostic();
    match d.help {
        Some(h) => format!("{}\nhelp: {h}", d.message),
        None => d.message,
    }
}

/// Runs a subcommand other than `gen`: 0 when it printed something, 1 when nothing
/// matched, errors as `Err` (exit 2).
pub fn dispatch(command: crate::args::Command) -> anyhow::Result<std::process::ExitCode> {
    use crate::args::Command;
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let any = match &command {
        Command::Functions(a) => crate::cmd_functions::run(a, &mut out)?,
        Command::Reveal(a) => crate::cmd_reveal::run(a, &mut out)?,
        Command::InitPolicy(a) => crate::cmd_init_policy::run(a, &mut out)?,
        Command::Audit(a) => crate::cmd_audit::run(a, &mut out)?,
        _ => anyhow::bail!("bug: this subcommand is run by main"),
    };
    out.flush()?;
    Ok(std::process::ExitCode::from(if any { 0 } else { 1 }))
}
