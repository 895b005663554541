//! The seam to the insider-risk crate (`hunt-irm`): the status mapping between Defender
//! (Graph spellings) and IRM, and the translation of its errors into HTTP answers.
//!
//! The mapping's one definition is hunt-irm's KQL (`IrmAlertStatus`, `DefenderAlertStatus`,
//! `DefenderAlertClassification`), evaluated through `hunt_irm::status_to_irm` and
//! `irm_to_defender`. Each evaluation runs a query, and there are only a handful of distinct
//! inputs, so answers are memoized per input.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use hunt_irm::IrmError;

use crate::error::{ApiError, Position};
use crate::graph_enums::{CLASSIFICATIONS, STATUSES};

/// IRM status `Needs review`.
pub const IRM_NEEDS_REVIEW: &str = "Needs review";
/// IRM status `Confirmed`.
pub const IRM_CONFIRMED: &str = "Confirmed";
/// IRM status `Dismissed`.
pub const IRM_DISMISSED: &str = "Dismissed";

type ToIrm = HashMap<(String, Option<String>), Option<String>>;
type ToDefender = HashMap<String, Option<(&'static str, Option<&'static str>)>>;

fn to_irm_memo() -> &'static Mutex<ToIrm> {
    static M: OnceLock<Mutex<ToIrm>> = OnceLock::new();
    M.get_or_init(Mutex::default)
}

fn to_defender_memo() -> &'static Mutex<ToDefender> {
    static M: OnceLock<Mutex<ToDefender>> = OnceLock::new();
    M.get_or_init(Mutex::default)
}

/// Lower-case letters and digits only (`True positive` and `truePositive` agree).
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The Graph spelling of a value in `allowed`, whatever its spelling.
fn graph_spelling(value: &str, allowed: &[&'static str]) -> Option<&'static str> {
    let v = squash(value);
    allowed.iter().find(|a| squash(a) == v).copied()
}

/// The IRM status of a Defender alert (`Needs review`, `Confirmed`, `Dismissed`), `None` when
/// the pair has none.
pub fn irm_status(status: &str, classification: Option<&str>) -> Result<Option<String>, ApiError> {
    let key = (status.to_owned(), classification.map(str::to_owned));
    if let Some(v) = to_irm_memo()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
    {
        return Ok(v.clone());
    }
    let v = hunt_irm::status_to_irm(status, classification)
        .map_err(|e| ApiError::internal(format!("the IRM status mapping failed: {e}")))?;
    to_irm_memo()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, v.clone());
    Ok(v)
}

/// The Graph status and classification an IRM status sets (`Needs review` → `new`;
/// `Confirmed` → `resolved` + `truePositive`; `Dismissed` → `resolved`, classification
/// undetermined). `None` for a text that is not an IRM status.
pub fn defender_from_irm(
    irm: &str,
) -> Result<Option<(&'static str, Option<&'static str>)>, ApiError> {
    if let Some(v) = to_defender_memo()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(irm)
    {
        return Ok(*v);
    }
    let (status, class) = hunt_irm::irm_to_defender(irm)
        .map_err(|e| ApiError::internal(format!("the IRM status mapping failed: {e}")))?;
    let v = match status.as_deref().and_then(|s| graph_spelling(s, &STATUSES)) {
        Some(s) => Some((
            s,
            class
                .as_deref()
                .and_then(|c| graph_spelling(c, &CLASSIFICATIONS)),
        )),
        None => None,
    };
    to_defender_memo()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(irm.to_owned(), v);
    Ok(v)
}

/// The HTTP answer to an error of an insider-risk session running `query`.
pub fn irm_error(e: IrmError, query: &str) -> ApiError {
    match e {
        IrmError::Query(hunt::Error::Denied { table, message }) => {
            ApiError::forbidden(format!("table `{table}`: {message}"))
        }
        IrmError::Query(err) => ApiError::query(&err, query),
        IrmError::RealIdentity { span, message } => {
            let mut err = ApiError::bad_request(message);
            err.position = Some(Position::of(query, span.start));
            err
        }
        IrmError::Invalid(m) => ApiError::bad_request(m),
        other => ApiError::internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mapping the server relies on, in Graph's spellings, both directions.
    #[test]
    fn status_mapping_both_ways_in_graph_spellings() {
        let cases = [
            ("new", None, Some(IRM_NEEDS_REVIEW)),
            ("inProgress", None, Some(IRM_NEEDS_REVIEW)),
            ("resolved", Some("truePositive"), Some(IRM_CONFIRMED)),
            (
                "resolved",
                Some("informationalExpectedActivity"),
                Some(IRM_DISMISSED),
            ),
            ("resolved", Some("falsePositive"), Some(IRM_DISMISSED)),
            ("resolved", None, Some(IRM_DISMISSED)),
        ];
        for (status, class, want) in cases {
            assert_eq!(
                irm_status(status, class).unwrap().as_deref(),
                want,
                "{status} {class:?}"
            );
        }
        assert_eq!(
            defender_from_irm("Needs review").unwrap(),
            Some(("new", None))
        );
        assert_eq!(
            defender_from_irm("Confirmed").unwrap(),
            Some(("resolved", Some("truePositive")))
        );
        assert_eq!(
            defender_from_irm("Dismissed").unwrap(),
            Some(("resolved", None))
        );
        assert_eq!(defender_from_irm("Escalated").unwrap(), None);
    }
}
