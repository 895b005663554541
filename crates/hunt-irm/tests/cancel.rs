//! `Session::query_cancellable`: a cancelled token stops the query (plain and pseudonymized,
//! whose identity pass scans too) with an error `is_cancelled` recognises; a live token
//! changes nothing about the answer.

#![allow(clippy::unwrap_used)]

mod common;

use common::rows;

/// Reads every row group of `AlertInfo` (a distinct count cannot come from file metadata).
const Q: &str = "AlertInfo | summarize n = dcount(Title), c = count()";

fn sessions() -> Vec<hunt_irm::Session> {
    let key = hunt_irm::PseudonymKey::from_bytes(&[7u8; 32]).unwrap();
    vec![
        hunt_irm::Session::default(),
        hunt_irm::Session {
            pseudonymize: Some(true),
            key: Some(key),
            ..hunt_irm::Session::default()
        },
    ]
}

#[test]
fn a_cancelled_token_stops_the_query_and_a_live_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    common::generate(dir.path());
    let data = hunt_irm::DataDir::open(dir.path()).unwrap();
    for session in sessions() {
        let plain = session.query(&data, Q).unwrap();
        let token = hunt::CancelToken::new();
        let live = session.query_cancellable(&data, Q, &token).unwrap();
        assert_eq!(rows(&live.result), rows(&plain.result));
        assert!(
            token.progress().row_groups_done > 0,
            "{:?}",
            token.progress()
        );

        let token = hunt::CancelToken::new();
        token.cancel();
        let err = session.query_cancellable(&data, Q, &token).unwrap_err();
        assert!(err.is_cancelled(), "{err}");
        assert!(!err.is_denied());
        // Other failures are not taken for cancellations.
        let err = session
            .query_cancellable(&data, "NoSuchTable | take 1", &hunt::CancelToken::new())
            .unwrap_err();
        assert!(!err.is_cancelled(), "{err}");
    }
}
