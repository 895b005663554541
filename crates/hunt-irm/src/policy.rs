//! `DIR/hunt.toml`: the data directory's settings, and its `[access]` policy.
//!
//! ```toml
//! pseudonymize = true                 # queries of this directory are pseudonymized
//! pseudonym_columns = ["ManagerUpn"]  # identity columns besides the built-in list
//!
//! [access]                            # table (or "*" for the rest) → role groups:
//! "*" = [["Security Reader", "Security Operator"]]      # one role of each group
//! DataSecurityEvents = [["Insider Risk Management Analyst", …], ["Security Reader", …]]
//!
//! [audit]
//! path = "hunt-audit.jsonl"           # relative to DIR; this is the default
//! ```
//!
//! Without an `[access]` section every table is open and no audit log is written (unless
//! `[audit] enabled = true`), as before policies existed.

use crate::IrmError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The settings file name inside a data directory.
pub const SETTINGS_FILE: &str = "hunt.toml";

/// The Purview roles that may read insider-risk data (any one of them).
pub const PURVIEW_ROLES: &[&str] = &[
    "Insider Risk Management",
    "Insider Risk Management Analyst",
    "Insider Risk Management Investigator",
];

/// The Defender roles that may read alerts and hunting data (any one of them).
pub const DEFENDER_ROLES: &[&str] = &["Security Reader", "Security Operator"];

/// The tables that hold insider-risk data.
pub const IRM_TABLES: &[&str] = &["DataSecurityEvents", "DataSecurityBehaviors"];

/// The alert tables.
pub const ALERT_TABLES: &[&str] = &["AlertInfo", "AlertEvidence"];

/// The name of the audit log as a table (a stored function over the log).
pub const AUDIT_TABLE: &str = "HuntAudit";

/// Who may read the audit log: investigators and administrators.
pub const AUDIT_ROLES: &[&str] = &[
    "Insider Risk Management",
    "Insider Risk Management Investigator",
    "Security Administrator",
];

/// One table's requirement: a role from each group.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Rule {
    /// `["A", "B"]`: one of these roles.
    AnyOf(Vec<String>),
    /// `[["A", "B"], ["C"]]`: one role of each group.
    Groups(Vec<Vec<String>>),
}

impl Rule {
    /// The groups of roles, each needing one.
    pub fn groups(&self) -> Vec<Vec<String>> {
        match self {
            Rule::AnyOf(g) => vec![g.clone()],
            Rule::Groups(gs) => gs.clone(),
        }
    }
}

/// `[audit]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// Log even without an `[access]` policy.
    #[serde(default)]
    pub enabled: bool,
    /// The log file, relative to the data directory.
    pub path: Option<PathBuf>,
}

/// The contents of `DIR/hunt.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Pseudonymize query results by default.
    #[serde(default)]
    pub pseudonymize: bool,
    /// Identity columns besides [`crate::pseudonym::IDENTITY_COLUMNS`].
    #[serde(default)]
    pub pseudonym_columns: Vec<String>,
    /// Table → role requirement; `"*"` for tables not listed.
    pub access: Option<BTreeMap<String, Rule>>,
    /// The audit log.
    #[serde(default)]
    pub audit: AuditSettings,
}

impl Settings {
    /// Reads `DIR/hunt.toml`; defaults when there is none.
    pub fn load(dir: &Path) -> Result<Settings, IrmError> {
        let path = dir.join(SETTINGS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => {
                return Err(IrmError::Settings {
                    path,
                    message: e.to_string(),
                });
            }
        };
        Settings::parse(&text).map_err(|message| IrmError::Settings { path, message })
    }

    /// Parses settings text.
    pub fn parse(text: &str) -> Result<Settings, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    /// The access policy, if the settings have one.
    pub fn policy(&self) -> Option<Policy> {
        self.access.as_ref().map(|rules| Policy {
            rules: rules.iter().map(|(k, v)| (k.clone(), v.groups())).collect(),
        })
    }
}

/// Which roles may read which tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    rules: BTreeMap<String, Vec<Vec<String>>>,
}

impl Policy {
    /// The groups of roles `table` needs (its own entry, else `"*"`); empty when open.
    pub fn requirement(&self, table: &str) -> &[Vec<String>] {
        self.rules
            .get(table)
            .or_else(|| self.rules.get("*"))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `roles` may read `table`; the refusal names the table and the roles that
    /// would allow it.
    pub fn check(&self, table: &str, principal: &str, roles: &[String]) -> Result<(), String> {
        let has = |r: &String| {
            roles
                .iter()
                .any(|x| x.trim().eq_ignore_ascii_case(r.trim()))
        };
        let missing: Vec<&Vec<String>> = self
            .requirement(table)
            .iter()
            .filter(|g| !g.iter().any(has))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let groups: Vec<String> = missing
            .iter()
            .map(|g| {
                let names: Vec<String> = g.iter().map(|r| format!("`{r}`")).collect();
                format!("one of {}", names.join(", "))
            })
            .collect();
        Err(format!(
            "{principal} may not read table `{table}`: it needs {} (roles held: {})",
            groups.join(", and "),
            if roles.is_empty() {
                "none".to_string()
            } else {
                roles.join(", ")
            }
        ))
    }
}

/// The documented defaults of the IRM–Defender integration, as `hunt init-policy` writes
/// them: the IRM tables need a Purview IRM role and a Defender role; the alert tables and
/// every other table a Defender role; the audit log an investigator or administrator.
pub fn default_policy_toml() -> String {
    let list = |roles: &[&str]| {
        let q: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
        format!("[{}]", q.join(", "))
    };
    let mut s = String::from(
        "# hunt settings for this data directory (see docs/insider-risk.md).\n\
         # Pseudonymize identities in every result (needs --pseudonym-key-file or HUNT_PSEUDONYM_KEY).\n\
         pseudonymize = false\n\n\
         # Who may read which table: a role from each inner list. \"*\" covers the tables not listed.\n\
         # Defaults of the Insider Risk Management integration with Microsoft Defender XDR:\n\
         # IRM data needs a Purview insider-risk role and a Defender role; alerts a Defender role.\n\
         [access]\n",
    );
    s.push_str(&format!("\"*\" = [{}]\n", list(DEFENDER_ROLES)));
    for t in IRM_TABLES {
        s.push_str(&format!(
            "{t} = [{}, {}]\n",
            list(PURVIEW_ROLES),
            list(DEFENDER_ROLES)
        ));
    }
    for t in ALERT_TABLES {
        s.push_str(&format!("{t} = [{}]\n", list(DEFENDER_ROLES)));
    }
    s.push_str(&format!("{AUDIT_TABLE} = [{}]\n", list(AUDIT_ROLES)));
    s.push_str("\n# Every query is appended to this JSON-lines log (relative to the data directory).\n[audit]\npath = \"hunt-audit.jsonl\"\n");
    s
}

/// Writes the default policy to `DIR/hunt.toml` (temp file + rename); refuses to replace an
/// existing file unless `force`.
pub fn init_policy(dir: &Path, force: bool) -> Result<PathBuf, IrmError> {
    let path = dir.join(SETTINGS_FILE);
    if path.exists() && !force {
        return Err(IrmError::Invalid(format!(
            "{} exists; pass --force to replace it",
            path.display()
        )));
    }
    let tmp = dir.join(format!(".{SETTINGS_FILE}.tmp"));
    let io = |e: std::io::Error| IrmError::Settings {
        path: path.clone(),
        message: e.to_string(),
    };
    std::fs::write(&tmp, default_policy_toml()).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_parses_and_needs_both_roles_for_irm_tables() {
        let s = Settings::parse(&default_policy_toml()).unwrap();
        let p = s.policy().unwrap();
        let roles = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let both = roles(&["Insider Risk Management Analyst", "Security Reader"]);
        let defender = roles(&["security operator"]);
        let purview = roles(&["Insider Risk Management Investigator"]);
        assert!(p.check("DataSecurityEvents", "a", &both).is_ok());
        let e = p.check("DataSecurityEvents", "a", &defender).unwrap_err();
        assert!(e.contains("Insider Risk Management Analyst"), "{e}");
        assert!(p.check("DataSecurityBehaviors", "a", &purview).is_err());
        assert!(p.check("AlertInfo", "a", &defender).is_ok());
        assert!(p.check("AlertInfo", "a", &purview).is_err());
        assert!(p.check("DeviceFileEvents", "a", &defender).is_ok());
        assert!(p.check("HuntAudit", "a", &defender).is_err());
    }

    #[test]
    fn flat_lists_and_bad_settings() {
        let s = Settings::parse("[access]\nT = [\"A\", \"B\"]\n").unwrap();
        let p = s.policy().unwrap();
        assert!(p.check("T", "x", &["b".to_string()]).is_ok());
        assert!(p.check("Other", "x", &[]).is_ok());
        assert!(Settings::parse("pseudonymise = true").is_err());
    }
}
