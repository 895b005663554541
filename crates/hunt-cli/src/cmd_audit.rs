//! `hunt audit --data DIR [filters]`: prints the audit log as JSON lines, filtered.

use std::io::Write;

/// Flags of `hunt audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub data: crate::cmd_irm::DataFlag,
    /// Only this principal.
    #[arg(long, value_name = "NAME")]
    pub who: Option<String>,
    /// Only this outcome: ok, denied or error.
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: Option<String>,
    /// Only queries that named this table.
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,
    /// Only records at or after this time (RFC 3339) or date.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only queries containing this text.
    #[arg(long, value_name = "TEXT")]
    pub contains: Option<String>,
    /// Only this action: query or reveal.
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
}

/// Runs `hunt audit`; true when some record was printed.
pub fn run(args: &AuditArgs, out: &mut impl Write) -> anyhow::Result<bool> {
    let settings = hunt_irm::policy::Settings::load(&args.data.data)
        .map_err(|e| anyhow::anyhow!(crate::cmd_irm::describe(&e)))?;
    let rel = settings
        .audit
        .path
        .clone()
        .unwrap_or_else(|| hunt_irm::audit::DEFAULT_FILE.into());
    let log = hunt_irm::audit::AuditLog::new(args.data.data.join(rel));
    let filter = hunt_irm::audit::AuditFilter {
        principal: args.who.clone(),
        outcome: args.outcome.clone(),
        table: args.table.clone(),
        since: args.since.clone(),
        contains: args.contains.clone(),
        action: args.action.clone(),
    };
    let mut any = false;
    for r in log
        .read()
        .map_err(|e| anyhow::anyhow!(crate::cmd_irm::describe(&e)))?
    {
        if filter
            .matches(&r)
            .map_err(|e| anyhow::anyhow!(crate::cmd_irm::describe(&e)))?
        {
            writeln!(out, "{}", serde_json::to_string(&r)?)?;
            any = true;
        }
    }
    Ok(any)
}
