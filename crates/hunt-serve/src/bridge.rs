//! The seam to the insider-risk rules: who may read which table, pseudonymization of results,
//! and the mapping between Defender alert statuses and IRM statuses.
//!
//! The server asks these questions through [`Governance`] and the two mapping functions, so the
//! insider-risk crate can answer them in one place for the CLI and the server alike.

use hunt::QueryResult;

use crate::auth::Principal;
use crate::error::ApiError;

/// Access policy and privacy applied to every query a request runs.
pub trait Governance: Send + Sync + std::fmt::Debug {
    /// Refuses (403, naming the table) a query the principal may not run.
    fn check_query(&self, principal: &Principal, kql: &str) -> Result<(), ApiError>;
    /// The result as this principal may see it (identities pseudonymized where configured).
    fn pseudonymize(
        &self,
        principal: &Principal,
        result: QueryResult,
    ) -> Result<QueryResult, ApiError>;
}

/// No policy and no pseudonymization: access is open, as for the CLI without a policy.
#[derive(Debug, Default, Clone, Copy)]
pub struct OpenGovernance;

impl Governance for OpenGovernance {
    fn check_query(&self, _principal: &Principal, _kql: &str) -> Result<(), ApiError> {
        Ok(())
    }

    fn pseudonymize(
        &self,
        _principal: &Principal,
        result: QueryResult,
    ) -> Result<QueryResult, ApiError> {
        Ok(result)
    }
}

/// IRM status `Needs review`.
pub const IRM_NEEDS_REVIEW: &str = "Needs review";
/// IRM status `Confirmed`.
pub const IRM_CONFIRMED: &str = "Confirmed";
/// IRM status `Dismissed`.
pub const IRM_DISMISSED: &str = "Dismissed";

/// Lower-case letters and digits only, so `inProgress`, `In progress` and `in_progress` agree.
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The IRM status of a Defender alert: `New`/`In progress` → `Needs review`; `Resolved` with
/// `True positive` → `Confirmed`; `Resolved` otherwise (benign positive, false positive, no
/// classification) → `Dismissed`. `None` for a status that is not a Defender status.
pub fn irm_status(status: &str, classification: Option<&str>) -> Option<&'static str> {
    match squash(status).as_str() {
        "new" | "inprogress" | "unknown" => Some(IRM_NEEDS_REVIEW),
        "resolved" => Some(match classification.map(squash).as_deref() {
            Some("truepositive") => IRM_CONFIRMED,
            _ => IRM_DISMISSED,
        }),
        _ => None,
    }
}

/// The Graph status and classification an IRM status sets: `Needs review` → `new`;
/// `Confirmed` → `resolved` + `truePositive`; `Dismissed` → `resolved` with the classification
/// left undetermined (`None`). `None` for a text that is not an IRM status.
pub fn defender_from_irm(irm: &str) -> Option<(&'static str, Option<&'static str>)> {
    match squash(irm).as_str() {
        "needsreview" => Some(("new", None)),
        "confirmed" => Some(("resolved", Some("truePositive"))),
        "dismissed" => Some(("resolved", None)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mapping table of the insider-risk issue, in both directions and the spellings that
    /// appear in exports and APIs.
    #[test]
    fn status_mapping_both_ways() {
        let cases = [
            ("New", None, IRM_NEEDS_REVIEW),
            ("new", None, IRM_NEEDS_REVIEW),
            ("In progress", None, IRM_NEEDS_REVIEW),
            ("inProgress", Some("unknown"), IRM_NEEDS_REVIEW),
            ("Resolved", Some("True positive"), IRM_CONFIRMED),
            ("resolved", Some("truePositive"), IRM_CONFIRMED),
            (
                "Resolved",
                Some("Informational, expected activity"),
                IRM_DISMISSED,
            ),
            (
                "resolved",
                Some("informationalExpectedActivity"),
                IRM_DISMISSED,
            ),
            ("RESOLVED", Some("falsePositive"), IRM_DISMISSED),
            ("Resolved", None, IRM_DISMISSED),
        ];
        for (status, class, want) in cases {
            assert_eq!(irm_status(status, class), Some(want), "{status} {class:?}");
        }
        assert_eq!(irm_status("closed", None), None);
        assert_eq!(defender_from_irm("Needs review"), Some(("new", None)));
        assert_eq!(
            defender_from_irm("confirmed"),
            Some(("resolved", Some("truePositive")))
        );
        assert_eq!(defender_from_irm("DISMISSED"), Some(("resolved", None)));
        assert_eq!(defender_from_irm("Escalated"), None);
    }
}
