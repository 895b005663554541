//! Command-line flags: clap structs for the raw flags ([`Args`]), turned into a validated
//! [`Config`] before anything runs (ripgrep's low-level/high-level split).

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use clap::{Parser, Subcommand, ValueEnum};

/// Raw flags, exactly as clap parses them.
#[derive(Debug, Parser)]
#[command(
    name = "hunt",
    version,
    about = "Run KQL hunting queries (Microsoft Defender XDR advanced hunting) over Parquet files, offline.",
    long_about = None,
    args_conflicts_with_subcommands = true,
    after_help = "\
With neither --data nor HUNT_DATA, hunt queries a built-in demo dataset.
The query comes from QUERY, from -f FILE, or from standard input.

Exit status: 0 when rows were returned, 1 when the result is empty, 2 on any error.

Examples:
  hunt --data ./parquet 'DataSecurityEvents | take 10'
  hunt -f hunt.kql --format csv > out.csv
  echo 'DataSecurityEvents | count' | hunt
  hunt gen --events 10000 --out ./parquet"
)]
pub struct Args {
    /// Directory of Parquet tables (DIR/<Table>.parquet or DIR/<Table>/**/*.parquet).
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// The instant `now()` and `ago()` refer to: ISO-8601 UTC such as 2025-06-01T10:00:00Z,
    /// 2025-06-01T10:00:00.5, or a date 2025-06-01 [default: the current time]
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,

    /// Worker threads [default: one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Print the query's logical and physical plans instead of running it.
    #[arg(long)]
    pub explain: bool,

    /// After the result, print to stderr how long hunt took from opening the data to the
    /// last row written (process start-up excluded).
    #[arg(long)]
    pub timing: bool,

    /// Read the query from FILE (`-` for standard input).
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "query"
    )]
    pub file: Option<PathBuf>,

    /// The KQL query. Without it (and without -f), the query is read from standard input.
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,

    /// Access policy and pseudonymization.
    #[command(flatten)]
    pub irm: crate::cmd_irm::IrmFlags,

    /// A subcommand instead of a query.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a synthetic Defender dataset (Parquet) for trying queries.
    Gen(GenArgs),
    /// List the stored functions (built-in library and DIR/schema.kql), or print one.
    Functions(crate::cmd_functions::FunctionsArgs),
    /// Map a pseudonym back to the identity it stands for (needs the key; audited).
    Reveal(crate::cmd_reveal::RevealArgs),
    /// Write DIR/hunt.toml with the documented IRM/Defender access policy.
    InitPolicy(crate::cmd_init_policy::InitPolicyArgs),
    /// Print the audit log of a data directory as JSON lines, filtered.
    Audit(crate::cmd_audit::AuditArgs),
}

/// Flags of `hunt gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Number of events to generate.
    #[arg(long, value_name = "N")]
    pub events: usize,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed; the same seed gives the same data.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Number of days the events span.
    #[arg(long, value_name = "D", value_parser = clap::value_parser!(u32).range(1..))]
    pub days: Option<u32>,
}

/// How results are written to standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A grid with a header row.
    Table,
    /// CSV with a header row.
    Csv,
    /// The Microsoft Graph runHuntingQuery shape: {"schema":[...],"results":[...]}.
    Json,
    /// One JSON object per row.
    Ndjson,
}

/// What to run, validated.
#[derive(Debug)]
pub enum Config {
    /// Run a query.
    Query(QueryConfig),
    /// Generate a dataset.
    Gen(GenArgs),
    /// Another subcommand.
    Command(Command),
}

/// Where the tables come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// A directory given with --data or HUNT_DATA (checked to exist).
    Dir(PathBuf),
    /// The built-in demo dataset.
    Demo,
}

/// A validated query run.
#[derive(Debug)]
pub struct QueryConfig {
    /// The tables.
    pub data: DataSource,
    /// Output format.
    pub format: Format,
    /// `now()` in nanoseconds since the Unix epoch, when fixed by --now.
    pub now_ns: Option<i64>,
    /// Worker threads, when set.
    pub threads: Option<usize>,
    /// The query text.
    pub query: String,
    /// Print the plans instead of running the query.
    pub explain: bool,
    /// Print the elapsed time to stderr.
    pub timing: bool,
    /// Name of the query's source for error reports: `query`, the file path, or `<stdin>`.
    pub source_name: String,
    /// Caller, roles and pseudonymization.
    pub irm: crate::cmd_irm::IrmFlags,
}

impl Args {
    /// Validates the flags and reads the query (from the argument, the file, or stdin).
    pub fn into_config(self) -> anyhow::Result<Config> {
        match self.command {
            Some(Command::Gen(gen_args)) => return Ok(Config::Gen(gen_args)),
            Some(other) => return Ok(Config::Command(other)),
            None => {}
        }
        let data = match self.data {
            // An empty HUNT_DATA counts as unset.
            Some(dir) if dir.as_os_str().is_empty() => DataSource::Demo,
            Some(dir) => {
                check_data_dir(&dir)?;
                DataSource::Dir(dir)
            }
            None => DataSource::Demo,
        };
        let now_ns = match &self.now {
            Some(text) => Some(parse_now(text).with_context(|| format!("invalid --now `{text}`"))?),
            None => None,
        };
        let (query, source_name) = match (self.query, self.file) {
            (Some(q), _) => (q, "query".to_owned()),
            (None, Some(file)) if file.as_os_str() == "-" => (read_stdin()?, "<stdin>".to_owned()),
            (None, Some(file)) => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read query file `{}`", file.display()))?;
                (text, file.display().to_string())
            }
            (None, None) => {
                if std::io::stdin().is_terminal() {
                    bail!(
                        "no query given: pass QUERY, -f FILE, or pipe a query on standard input \
                         (see `hunt --help`)"
                    );
                }
                (read_stdin()?, "<stdin>".to_owned())
            }
        };
        if query.trim().is_empty() {
            bail!("the query from {source_name} is empty");
        }
        Ok(Config::Query(QueryConfig {
            data,
            format: self.format,
            now_ns,
            threads: self.threads.map(usize::from),
            explain: self.explain,
            timing: self.timing,
            query,
            source_name,
            irm: self.irm,
        }))
    }
}

fn read_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .read_to_string(&mut text)
        .context("cannot read the query from standard input")?;
    Ok(text)
}

fn check_data_dir(dir: &Path) -> anyhow::Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => bail!("data directory `{}` is not a directory", dir.display()),
        Err(e) => {
            Err(anyhow!(e).context(format!("cannot open data directory `{}`", dir.display())))
        }
    }
}

/// Parses an ISO-8601 instant into nanoseconds since the Unix epoch.
///
/// Accepts `2025-06-01T10:00:00Z`, the same without `Z`, with a fraction
/// (`2025-06-01T10:00:00.1234567Z`), with a space instead of `T`, without seconds
/// (`2025-06-01T10:00`), with an offset (`2025-06-01T12:00:00+02:00`), or a date alone
/// (`2025-06-01`, midnight UTC). Times without an offset are UTC.
pub fn parse_now(text: &str) -> anyhow::Result<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let text = text.trim();
    let ns = |dt: NaiveDateTime| {
        dt.and_utc()
            .timestamp_nanos_opt()
            .ok_or_else(|| anyhow!("outside the supported range 1677-09-21 .. 2262-04-11"))
    };
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return ns(dt.naive_utc());
    }
    let naive = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, fmt) {
            return ns(dt);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(naive, "%Y-%m-%d") {
        return ns(d.and_time(chrono::NaiveTime::MIN));
    }
    bail!(
        "expected an ISO-8601 date-time such as 2025-06-01T10:00:00Z or a date such as 2025-06-01"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_748_772_000_000_000_000; // 2025-06-01T10:00:00Z

    #[test]
    fn parse_now_forms() {
        assert_eq!(parse_now("2025-06-01T10:00:00Z").unwrap(), T);
        assert_eq!(parse_now("2025-06-01T10:00:00").unwrap(), T);
        assert_eq!(parse_now("2025-06-01 10:00:00").unwrap(), T);
        assert_eq!(parse_now("2025-06-01T10:00").unwrap(), T);
        assert_eq!(
            parse_now("2025-06-01T10:00:00.1234567Z").unwrap(),
            T + 123_456_700
        );
        assert_eq!(parse_now("2025-06-01T10:00:00.5").unwrap(), T + 500_000_000);
        assert_eq!(parse_now("2025-06-01T12:00:00+02:00").unwrap(), T);
        assert_eq!(
            parse_now("2025-06-01").unwrap(),
            T - 10 * 3600 * 1_000_000_000
        );
    }

    #[test]
    fn parse_now_rejects() {
        assert!(parse_now("yesterday").is_err());
        assert!(parse_now("2025-13-01").is_err());
        assert!(parse_now("3000-01-01").is_err());
    }

    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }

    #[test]
    fn query_and_subcommand_parse() {
        let a = Args::try_parse_from(["hunt", "T | take 1"]).unwrap();
        assert_eq!(a.query.as_deref(), Some("T | take 1"));
        assert!(a.command.is_none());
        let a = Args::try_parse_from(["hunt", "gen", "--events", "5", "--out", "x"]).unwrap();
        assert!(matches!(
            a.command,
            Some(Command::Gen(GenArgs { events: 5, .. }))
        ));
        assert!(Args::try_parse_from(["hunt", "-f", "q.kql", "T"]).is_err());
        assert!(Args::try_parse_from(["hunt", "--threads", "0", "T"]).is_err());
    }
}
