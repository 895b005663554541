//! `hunt serve`: the local security API (Kusto REST, Microsoft Graph security, IRM alert
//! state, a web page) over a data directory. The server itself is the `hunt-serve` crate;
//! this module turns flags into its options and runs it until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

/// Flags of `hunt serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Directory of Parquet tables to serve (alert state and the audit log go to DIR/.hunt/).
    #[arg(long, value_name = "DIR", env = "HUNT_DATA")]
    pub data: PathBuf,
    /// Address to listen on. Loopback by default; any other address is announced on stderr.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Tokens file (outside the data directory) mapping bearer tokens to principals and roles;
    /// create tokens with `hunt token add`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_auth")]
    pub tokens: Option<PathBuf>,
    /// Serve one local user with every role, without tokens (loopback addresses only).
    #[arg(long)]
    pub no_auth: bool,
    /// The instant `now()` refers to for every query (ISO-8601 UTC) [default: the current time].
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// Pseudonymize identities in every result (as `pseudonymize = true` in DIR/hunt.toml).
    #[arg(long)]
    pub pseudonymize: bool,
    /// File holding the pseudonym key [default: the HUNT_PSEUDONYM_KEY environment variable].
    #[arg(long, value_name = "FILE")]
    pub pseudonym_key_file: Option<PathBuf>,
    /// Worker threads for queries [default: one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Runs the server until Ctrl-C or SIGTERM; in-flight requests finish first.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut options = hunt_serve::ServeOptions::new(args.data.clone(), args.listen);
    options.tokens = args.tokens;
    options.no_auth = args.no_auth;
    options.threads = args.threads.map(usize::from);
    options.pseudonymize = args.pseudonymize;
    options.pseudonym_key = match &args.pseudonym_key_file {
        Some(file) => Some(hunt_serve::PseudonymKey::from_file(file).map_err(|e| anyhow!("{e}"))?),
        None => hunt_serve::PseudonymKey::from_env()
            .transpose()
            .map_err(|e| anyhow!("{e}"))?,
    };
    if let Some(text) = &args.now {
        options.now_ns =
            Some(crate::args::parse_now(text).with_context(|| format!("invalid --now `{text}`"))?);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let server = hunt_serve::Server::bind(options)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let addr = server
            .local_addr()
            .context("cannot read the bound address")?;
        if !addr.ip().is_loopback() {
            crate::render::eprint(&format!(
                "warning: listening on {addr}, which other machines can reach; every request \
                 still needs a bearer token\n"
            ));
        }
        crate::render::eprint(&format!(
            "hunt serve: {} on http://{addr}/ (Kusto: /v2/rest/query, Graph: /v1.0/security/, \
             page: /); Ctrl-C stops\n",
            args.data.display()
        ));
        server
            .run(hunt_serve::shutdown_signal())
            .await
            .map_err(|e| anyhow!("{e}"))?;
        crate::render::eprint("hunt serve: stopped\n");
        Ok(ExitCode::SUCCESS)
    })
}
