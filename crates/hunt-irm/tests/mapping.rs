//! The Defender ↔ IRM alert status mapping, row by row, in both directions and every
//! spelling, as `kql/alert_status.kql` defines it. Expected values come from the issue's
//! table (Microsoft's IRM–Defender alert sync: New / In progress → Needs review; Resolved +
//! True positive → Confirmed; Resolved + Informational, expected activity or False
//! positive → Dismissed; Resolved without classification → Dismissed) and the Graph
//! alertStatus / alertClassification enums (new, inProgress, resolved; truePositive,
//! informationalExpectedActivity, falsePositive, unknown).

use hunt_irm::{irm_to_defender, status_to_irm};

const NEW: &[&str] = &["New", "new", "NEW", " New "];
const IN_PROGRESS: &[&str] = &[
    "In progress",
    "inProgress",
    "InProgress",
    "in_progress",
    "IN PROGRESS",
    "Active",
];
const RESOLVED: &[&str] = &["Resolved", "resolved", "RESOLVED", "Closed"];
const TRUE_POSITIVE: &[&str] = &[
    "True positive",
    "truePositive",
    "TruePositive",
    "TRUE_POSITIVE",
];
const BENIGN: &[&str] = &[
    "Informational, expected activity",
    "informationalExpectedActivity",
    "InformationalExpectedActivity",
    "BenignPositive",
    "Benign positive",
];
const FALSE_POSITIVE: &[&str] = &[
    "False positive",
    "falsePositive",
    "FalsePositive",
    "false-positive",
];
const NO_CLASSIFICATION: &[&str] = &["", "unknown", "Unknown", "Undetermined"];

#[test]
fn defender_to_irm_every_row() {
    let mut rows: Vec<(&str, Option<&str>, Option<&str>)> = Vec::new();
    // New / In progress → Needs review, whatever the classification.
    for s in NEW.iter().chain(IN_PROGRESS) {
        for c in [None, Some("True positive"), Some("falsePositive")] {
            rows.push((s, c, Some("Needs review")));
        }
    }
    for s in RESOLVED {
        for c in TRUE_POSITIVE {
            rows.push((s, Some(c), Some("Confirmed")));
        }
        for c in BENIGN.iter().chain(FALSE_POSITIVE) {
            rows.push((s, Some(c), Some("Dismissed")));
        }
        for c in NO_CLASSIFICATION {
            rows.push((s, Some(c), Some("Dismissed")));
        }
        rows.push((s, None, Some("Dismissed")));
        // A classification that is none of Defender's has no IRM status.
        rows.push((s, Some("Suspicious"), None));
    }
    // Statuses that are not Defender's have none either.
    rows.push(("Dismissed", None, None));
    rows.push(("", None, None));
    for (status, class, want) in rows {
        let got = status_to_irm(status, class).unwrap();
        assert_eq!(
            got.as_deref(),
            want,
            "IrmAlertStatus({status:?}, {class:?})"
        );
    }
}

#[test]
fn irm_to_defender_every_row() {
    let rows: &[(&[&str], Option<&str>, Option<&str>)] = &[
        (
            &["Needs review", "needsReview", "NEEDS_REVIEW"],
            Some("New"),
            None,
        ),
        (
            &["Confirmed", "confirmed"],
            Some("Resolved"),
            Some("True positive"),
        ),
        // Dismissed: resolved, the classification undetermined (null).
        (&["Dismissed", "dismissed"], Some("Resolved"), None),
        (&["Resolved"], Some("Resolved"), None),
        (&["In progress", ""], None, None),
    ];
    for (spellings, status, class) in rows {
        for s in *spellings {
            let (got_status, got_class) = irm_to_defender(s).unwrap();
            assert_eq!(got_status.as_deref(), *status, "DefenderAlertStatus({s:?})");
            assert_eq!(
                got_class.as_deref(),
                *class,
                "DefenderAlertClassification({s:?})"
            );
        }
    }
}

#[test]
fn round_trip_agrees() {
    for irm in ["Needs review", "Confirmed", "Dismissed"] {
        let (status, class) = irm_to_defender(irm).unwrap();
        let status = status.unwrap();
        let back = status_to_irm(&status, class.as_deref()).unwrap();
        assert_eq!(
            back.as_deref(),
            Some(irm),
            "{irm} → {status}/{class:?} → back"
        );
    }
}
