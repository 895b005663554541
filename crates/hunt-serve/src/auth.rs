//! Identity and roles: bearer tokens mapped to a principal and roles.
//!
//! The tokens file (kept outside the data directory) is JSON:
//! `{"tokens": [{"principal": "alice", "roles": ["Security Reader"], "sha256": "…", "created": "…"}]}`.
//! Only the SHA-256 of each token is stored; [`add_token`] creates a token, stores its hash and
//! returns the token itself, which is shown once and never again.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Defender role that may read alerts, incidents and the tables.
pub const SECURITY_READER: &str = "Security Reader";
/// Defender role that may also change alerts and incidents.
pub const SECURITY_OPERATOR: &str = "Security Operator";
/// Defender administrator: everything an operator may do.
pub const SECURITY_ADMINISTRATOR: &str = "Security Administrator";
/// The Purview Insider Risk Management roles (any of them sees and triages IRM alerts).
pub const IRM_ROLES: [&str; 3] = [
    "Insider Risk Management",
    "Insider Risk Management Analyst",
    "Insider Risk Management Investigator",
];

/// Every role hunt knows, in the order `--no-auth`'s local user holds them.
pub fn all_roles() -> Vec<String> {
    let mut roles = vec![
        SECURITY_READER.to_owned(),
        SECURITY_OPERATOR.to_owned(),
        SECURITY_ADMINISTRATOR.to_owned(),
    ];
    roles.extend(IRM_ROLES.iter().map(|r| (*r).to_owned()));
    roles
}

/// Who is calling, and with which roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The principal's name (a UPN or an application name).
    pub name: String,
    /// Roles, as written in the tokens file.
    pub roles: Vec<String>,
}

impl Principal {
    /// The single local user of `--no-auth`, with every role.
    pub fn local() -> Principal {
        Principal {
            name: "local".to_owned(),
            roles: all_roles(),
        }
    }

    /// True if the principal holds `role` (case-insensitive, as Entra role names are).
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.eq_ignore_ascii_case(role))
    }

    /// True if the principal holds any of the IRM roles.
    pub fn has_irm_role(&self) -> bool {
        IRM_ROLES.iter().any(|r| self.has_role(r))
    }

    /// May read alerts and incidents through Graph.
    pub fn may_read_alerts(&self) -> bool {
        self.has_role(SECURITY_READER) || self.may_write_alerts()
    }

    /// May change alerts and incidents through Graph (`Security Operator` or an IRM role).
    pub fn may_write_alerts(&self) -> bool {
        self.has_role(SECURITY_OPERATOR)
            || self.has_role(SECURITY_ADMINISTRATOR)
            || self.has_irm_role()
    }
}

/// One stored token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenEntry {
    /// Who the token stands for.
    pub principal: String,
    /// Roles it carries.
    pub roles: Vec<String>,
    /// Hex SHA-256 of the token.
    pub sha256: String,
    /// When it was created (RFC 3339).
    #[serde(default)]
    pub created: String,
}

/// The tokens file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TokenFile {
    /// Every token.
    pub tokens: Vec<TokenEntry>,
}

/// Errors reading or writing the tokens file.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The file cannot be read or written.
    #[error("tokens file `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file is not a tokens file.
    #[error("tokens file `{}` is not valid: {source}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        source: serde_json::Error,
    },
    /// A new token's principal or roles are unusable.
    #[error("{0}")]
    Invalid(String),
}

/// Hex SHA-256 of a token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl TokenFile {
    /// Reads `path`; a missing file is an empty one.
    pub fn load(path: &Path) -> Result<TokenFile, TokenError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|source| TokenError::Format {
                path: path.to_owned(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TokenFile::default()),
            Err(source) => Err(TokenError::Io {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Writes the file atomically (a temporary file renamed over it), readable by its owner only.
    pub fn save(&self, path: &Path) -> Result<(), TokenError> {
        let io = |source| TokenError::Io {
            path: path.to_owned(),
            source,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let text = serde_json::to_string_pretty(self).map_err(|source| TokenError::Format {
            path: path.to_owned(),
            source,
        })?;
        let tmp = dir.join(format!(
            ".{}.tmp",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("tokens")
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// The principal a token stands for, if any.
    pub fn lookup(&self, token: &str) -> Option<Principal> {
        let hash = token_hash(token);
        self.tokens
            .iter()
            .find(|t| t.sha256 == hash)
            .map(|t| Principal {
                name: t.principal.clone(),
                roles: t.roles.clone(),
            })
    }

    /// A hash → principal index for serving.
    pub fn index(&self) -> HashMap<String, Principal> {
        self.tokens
            .iter()
            .map(|t| {
                (
                    t.sha256.clone(),
                    Principal {
                        name: t.principal.clone(),
                        roles: t.roles.clone(),
                    },
                )
            })
            .collect()
    }
}

/// Creates a token for `principal` with `roles`, stores its hash in `path` and returns the
/// token (the only time it is ever shown).
pub fn add_token(path: &Path, principal: &str, roles: &[String]) -> Result<String, TokenError> {
    if principal.trim().is_empty() {
        return Err(TokenError::Invalid("the principal name is empty".into()));
    }
    let known = all_roles();
    for role in roles {
        if !known.iter().any(|k| k.eq_ignore_ascii_case(role)) {
            return Err(TokenError::Invalid(format!(
                "unknown role `{role}`; hunt knows: {}",
                known.join(", ")
            )));
        }
    }
    let mut file = TokenFile::load(path)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!(
        "hunt_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    file.tokens.push(TokenEntry {
        principal: principal.trim().to_owned(),
        roles: roles.to_vec(),
        sha256: token_hash(&token),
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    file.save(path)?;
    Ok(token)
}

/// How requests are authenticated.
#[derive(Debug, Clone)]
pub enum AuthMode {
    /// `--no-auth`: every request is the local user with every role.
    NoAuth,
    /// Bearer tokens, by the SHA-256 of the token.
    Tokens(HashMap<String, Principal>),
}

impl AuthMode {
    /// The principal of a request with this `Authorization` header value, or the 401 message.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, String> {
        match self {
            AuthMode::NoAuth => Ok(Principal::local()),
            AuthMode::Tokens(index) => {
                let header = authorization.ok_or_else(|| {
                    "this request carries no bearer token: send `Authorization: Bearer TOKEN` \
                     (create one with `hunt token add`)"
                        .to_owned()
                })?;
                let token = header
                    .strip_prefix("Bearer ")
                    .or_else(|| header.strip_prefix("bearer "))
                    .map(str::trim)
                    .ok_or_else(|| "the Authorization header is not `Bearer TOKEN`".to_owned())?;
                index
                    .get(&token_hash(token))
                    .cloned()
                    .ok_or_else(|| "the bearer token is not known to this server".to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stored_hashed_and_found_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let roles = vec!["Security Reader".to_owned()];
        let token = add_token(&path, "alice@contoso.com", &roles).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(&token),
            "the token itself must not be stored"
        );
        assert!(text.contains(&token_hash(&token)));
        let file = TokenFile::load(&path).unwrap();
        let p = file.lookup(&token).unwrap();
        assert_eq!(p.name, "alice@contoso.com");
        assert!(p.may_read_alerts() && !p.may_write_alerts());
        assert!(file.lookup("hunt_nope").is_none());
        let mode = AuthMode::Tokens(file.index());
        assert!(mode.authenticate(None).is_err());
        assert!(mode.authenticate(Some("Basic abc")).is_err());
        assert_eq!(
            mode.authenticate(Some(&format!("Bearer {token}"))).unwrap(),
            p
        );
        assert!(add_token(&path, "bob", &["Global Admin".to_owned()]).is_err());
        assert!(add_token(&path, " ", &roles).is_err());
    }
}
