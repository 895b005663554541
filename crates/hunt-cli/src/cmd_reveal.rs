//! `hunt reveal --data DIR PSEUDONYM`: maps a pseudonym back to the identity it stands
//! for, with the key; the reveal is audited.

use std::io::Write;

/// Flags of `hunt reveal`.
#[derive(Debug, clap::Args)]
pub struct RevealArgs {
    #[command(flatten)]
    pub data: crate::cmd_irm::DataFlag,
    #[command(flatten)]
    pub irm: crate::cmd_irm::IrmFlags,
    /// The pseudonym (`anon-…`) to map back.
    #[arg(value_name = "PSEUDONYM")]
    pub pseudonym: String,
}

/// Runs `hunt reveal`.
pub fn run(args: &RevealArgs, out: &mut impl Write) -> anyhow::Result<bool> {
    let data = crate::cmd_irm::open(&args.data.data)?;
    let session = args.irm.session()?;
    let real = session
        .reveal(&data, &args.pseudonym)
        .map_err(|e| anyhow::anyhow!(crate::cmd_irm::describe(&e)))?;
    writeln!(out, "{real}")?;
    Ok(true)
}
