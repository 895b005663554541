//! hunt-irm: the insider-risk side of hunt, above the `hunt` engine.
//!
//! - [`library`]: the built-in KQL function library (`kql/*.kql`, `.create function`
//!   commands that run unchanged in Kusto): `IrmAlertStatus`, `DefenderAlertStatus`,
//!   `DefenderAlertClassification`, `IrmAlerts`, `AlertsBySource`, `IrmIncidents`,
//!   `UserRiskTimeline`, …
//! - [`mapping`]: the alert status mapping as Rust calls ([`status_to_irm`],
//!   [`irm_to_defender`]) that evaluate those KQL functions (one definition: the KQL).
//! - [`pseudonym`]: keyed stable pseudonyms (HMAC-SHA-256) for identity values.
//! - [`policy`]: `DIR/hunt.toml` settings and the `[access]` table → roles policy.
//! - [`audit`]: the append-only JSON-lines audit log, also queryable as `HuntAudit`.
//! - [`Session`]: the one entry point front ends use (CLI, `hunt serve`): policy check →
//!   run → pseudonymize → audit.
//!
//! ```no_run
//! let data = hunt_irm::DataDir::open("data")?;
//! let session = hunt_irm::Session {
//!     principal: Some("analyst@contoso.com".into()),
//!     roles: vec!["Insider Risk Management Analyst".into(), "Security Reader".into()],
//!     ..Default::default()
//! };
//! let answer = session.query(&data, "IrmIncidents(30d) | take 10")?;
//! println!("{} incidents", answer.result.num_rows());
//! # Ok::<(), hunt_irm::IrmError>(())
//! ```

pub mod audit;
mod error;
pub mod library;
pub mod mapping;
pub mod policy;
pub mod pseudonym;
mod session;

pub use error::IrmError;
pub use mapping::{irm_to_defender, status_to_irm};
pub use pseudonym::PseudonymKey;
pub use session::{Answer, DataDir, Session};
