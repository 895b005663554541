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

    /// Worker threads, 1 to 1024 [default: one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// The memory one query may hold, such as 512MiB or 4GB [default: 8GiB]; a query
    /// that needs more stops with an error.
    #[arg(long, value_name = "SIZE")]
    pub memory_limit: Option<bytesize::ByteSize>,
    /// Folder a query's sorts and aggregates spill to past half the memory limit (at most
    /// 512 MiB held) [default: the system's temp folder]
    #[arg(long, value_name = "FOLDER", env = "HUNT_TEMP")]
    pub temp_dir: Option<PathBuf>,
    /// Folder of local copies that `externaldata` URLs resolve to (by its manifest.json or
    /// the URL's file name) [default: DIR/externaldata]
    #[arg(long, value_name = "FOLDER")]
    pub externaldata: Option<PathBuf>,

    /// Print the query's logical and physical plans instead of running it.
    #[arg(long)]
    pub explain: bool,

    /// After the result, print to stderr how long hunt took from opening the data to the
    /// last row written (process start-up excluded).
    #[arg(long)]
    pub timing: bool,

    /// Rows shown by the table format at most; a notice says how many more there are.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_rows: usize,

    /// Also write the full result to FILE: .parquet, .arrow, .csv or .json (by extension).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Draw the query's `render` as a chart in FILE (.svg or .html, self-contained).
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,

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
    /// Test detection rules (`*.test.yaml`) against fixture tables, offline.
    Test(crate::cmd_test::TestArgs),
    /// Parse and bind queries or .kql files without running them (exit 0 when all bind).
    Check(crate::cmd_check::CheckArgs),
    /// List the tables queries can name: DIR's and the advanced-hunting catalog's.
    Tables(crate::cmd_tables::TablesArgs),
    /// Show a table's columns, types and descriptions.
    Schema(crate::cmd_tables::SchemaArgs),
    /// Import Defender / Sentinel exports (streaming API, Graph, CSV) as Parquet tables.
    Import(crate::cmd_import::ImportArgs),
    /// An interactive KQL prompt (also what `hunt` on a terminal without a query opens).
    Shell(crate::shell::ShellArgs),
    /// Print queries in canonical form (comments kept); --check for CI.
    Fmt(crate::cmd_fmt::FmtArgs),
    /// Serve the Kusto REST and Microsoft Graph security API over a data directory.
    Serve(crate::cmd_serve::ServeArgs),
    /// Manage bearer tokens for `hunt serve`.
    Token(crate::cmd_token::TokenArgs),
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
    /// Output directory (created if missing; must be empty unless --force).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the generated tables in a non-empty output directory.
    #[arg(long)]
    pub force: bool,
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
    /// Test detection rules.
    Test(crate::cmd_test::TestArgs),
    /// `hunt check`.
    Check(crate::cmd_check::CheckArgs),
    /// `hunt tables`.
    Tables(crate::cmd_tables::TablesArgs),
    /// `hunt schema`.
    Schema(crate::cmd_tables::SchemaArgs),
    /// Import exports.
    Import(crate::cmd_import::ImportArgs),
    /// The interactive shell.
    Shell(crate::shell::ShellConfig),
    /// Format queries.
    Fmt(crate::cmd_fmt::FmtArgs),
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
    /// The memory one query may hold, in bytes, when set.
    pub memory_limit: Option<u64>,
    /// The folder queries spill to, when set with --temp-dir or HUNT_TEMP.
    pub temp_dir: Option<PathBuf>,
    /// The folder `externaldata` URLs resolve to, when given with --externaldata.
    pub externaldata: Option<PathBuf>,
    /// The query text.
    pub query: String,
    /// Print the plans instead of running the query.
    pub explain: bool,
    /// Print the elapsed time to stderr.
    pub timing: bool,
    /// Name of the query's source for error reports: `query`, the file path, or `<stdin>`.
    pub source_name: String,
    /// Rows of the table format at most.
    pub max_rows: usize,
    /// Where the full result also goes.
    pub out: Option<PathBuf>,
    /// Where the chart of the query's `render` goes.
    pub chart: Option<PathBuf>,
    /// Caller, roles and pseudonymization.
    pub irm: crate::cmd_irm::IrmFlags,
}

impl Args {
    /// Validates the flags and reads the query (from the argument, the file, or stdin).
    pub fn into_config(self) -> anyhow::Result<Config> {
        match self.command {
            Some(Command::Gen(gen_args)) => return Ok(Config::Gen(gen_args)),
            Some(Command::Test(test_args)) => return Ok(Config::Test(test_args)),
            Some(Command::Check(a)) => return Ok(Config::Check(a)),
            Some(Command::Tables(a)) => return Ok(Config::Tables(a)),
            Some(Command::Schema(a)) => return Ok(Config::Schema(a)),
            Some(Command::Import(a)) => return Ok(Config::Import(a)),
            Some(Command::Shell(a)) => return Ok(Config::Shell(a.into_config()?)),
            Some(Command::Fmt(a)) => return Ok(Config::Fmt(a)),
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
                let bytes = std::fs::read(&file)
                    .with_context(|| format!("cannot read query file `{}`", file.display()))?;
                let name = file.display().to_string();
                (utf8_query(bytes, &name)?, name)
            }
            (None, None) => {
                if std::io::stdin().is_terminal() {
                    return Ok(Config::Shell(crate::shell::ShellConfig {
                        data,
                        now_ns,
                        threads: self.threads.map(usize::from),
                        format: self.format,
                    }));
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
            memory_limit: self.memory_limit.map(|b| b.as_u64()),
            temp_dir: self.temp_dir,
            externaldata: self.externaldata,
            explain: self.explain,
            timing: self.timing,
            query,
            source_name,
            max_rows: self.max_rows,
            out: self.out,
            chart: self.chart,
            irm: self.irm,
        }))
    }
}

fn read_stdin() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .context("cannot read the query from standard input")?;
    utf8_query(bytes, "<stdin>")
}

/// The query text, or an error naming the byte offset of the first invalid UTF-8 byte.
fn utf8_query(bytes: Vec<u8>, source: &str) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let byte = e.as_bytes().get(at).copied().unwrap_or(0);
        anyhow::anyhow!(
            "the query in {source} is not UTF-8 text: byte 0x{byte:02x} at offset {at} is invalid"
        )
    })
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
        assert!(Args::try_parse_from(["hunt", "--threads", "1025", "T"]).is_err());
        assert!(Args::try_parse_from(["hunt", "--threads", "1024", "T"]).is_ok());
    }
}

#[cfg(test)]
mod utf8_tests {
    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let err = super::utf8_query(b"T | where x == '\xff'".to_vec(), "q.kql")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("the query in q.kql is not UTF-8 text: byte 0xff at offset 16 is invalid")
        );
    }
}
