//! `hunt init-policy DIR [--force]`: writes DIR/hunt.toml with the access policy the
//! Insider Risk Management integration with Defender XDR documents.

use std::io::Write;
use std::path::PathBuf;

/// Flags of `hunt init-policy`.
#[derive(Debug, clap::Args)]
pub struct InitPolicyArgs {
    /// The data directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Replace an existing hunt.toml.
    #[arg(long)]
    pub force: bool,
}

/// Runs `hunt init-policy`.
pub fn run(args: &InitPolicyArgs, out: &mut impl Write) -> anyhow::Result<bool> {
    if !args.dir.is_dir() {
        anyhow::bail!("`{}` is not a directory", args.dir.display());
    }
    let path = hunt_irm::policy::init_policy(&args.dir, args.force)
        .map_err(|e| anyhow::anyhow!(crate::cmd_irm::describe(&e)))?;
    writeln!(out, "wrote {}", path.display())?;
    Ok(true)
}
