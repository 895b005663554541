//! `hunt token add`: creates a bearer token for `hunt serve`, stores its SHA-256 in the
//! tokens file and prints the token once (it cannot be shown again).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;

/// Flags of `hunt token`.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: TokenAction,
}

/// `hunt token` actions.
#[derive(Debug, clap::Subcommand)]
pub enum TokenAction {
    /// Create a token and print it (once).
    Add {
        /// Tokens file (created if missing; keep it outside the data directory).
        #[arg(long, value_name = "FILE")]
        tokens: PathBuf,
        /// Who the token stands for.
        #[arg(long, value_name = "NAME")]
        principal: String,
        /// Roles, comma-separated: Security Reader, Security Operator, Security Administrator,
        /// Insider Risk Management, Insider Risk Management Analyst, Insider Risk Management
        /// Investigator.
        #[arg(long, value_name = "R1,R2", value_delimiter = ',', required = true)]
        roles: Vec<String>,
    },
}

/// Runs `hunt token …`.
pub fn run(args: TokenArgs) -> anyhow::Result<ExitCode> {
    match args.action {
        TokenAction::Add {
            tokens,
            principal,
            roles,
        } => {
            let roles: Vec<String> = roles.iter().map(|r| r.trim().to_owned()).collect();
            let token = hunt_serve::auth::add_token(&tokens, &principal, &roles)
                .map_err(|e| anyhow!("{e}"))?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{token}")?;
            crate::render::eprint(&format!(
                "created a token for {principal} ({}) in {}; it is shown only this once\n",
                roles.join(", "),
                tokens.display()
            ));
            Ok(ExitCode::SUCCESS)
        }
    }
}
