//! Shared fixtures of hunt's criterion benchmarks (`benches/benches/*.rs`).
//!
//! - [`PARSE_CORPUS`]: realistic hunting queries, from a one-line filter to a multi-`let`
//!   Defender join, for `parse.rs`.
//! - [`QUERY_SUITE`]: end-to-end hunts over the generated tables for `queries.rs`, each
//!   written only with KQL that hunt supports (`docs/kql-subset.md`).
//! - [`dataset`]: generates the four tables once with `hunt-gen` into a temporary directory.
//!
//! The cross-engine comparison (hunt vs DuckDB vs Polars) is a separate Python script,
//! `benches/compare/run.py`; see `docs/performance.md`.

use std::path::Path;

/// `now()` of every benchmark query: the end of hunt-gen's default data window
/// (`hunt_gen::DEMO_NOW`, 2025-07-01T00:00:00Z), in nanoseconds since the Unix epoch.
pub const NOW_NS: i64 = 1_751_328_000_000_000_000;

/// A named benchmark query. The name is used in the criterion id, so it says what runs.
#[derive(Debug, Clone, Copy)]
pub struct BenchQuery {
    /// Short kebab-case name, e.g. `summarize-dcount-by-user`.
    pub name: &'static str,
    /// The KQL text.
    pub kql: &'static str,
}

/// Realistic queries to parse, small to large.
pub const PARSE_CORPUS: &[BenchQuery] = &[
    BenchQuery {
        name: "one-line-filter",
        kql: "DataSecurityEvents | where ActionType == 'FileUploaded' | take 10",
    },
    BenchQuery {
        // Microsoft's "migrate from MDE" sample (shared/conformance/defender/03).
        name: "defender-join-query",
        kql: r#"AlertInfo
| where Timestamp > ago(7d)
| where AttackTechniques has "PowerShell (T1086)"
| join AlertEvidence on AlertId
| where FileName == "powershell.exe""#,
    },
    BenchQuery {
        name: "exfil-zip-uploads",
        kql: r#"// Archives uploaded to the cloud, per user (planted scenario 1)
DataSecurityEvents
| where Timestamp > ago(30d)
| where FileName endswith ".zip" and ActionType in ("FileUploaded", "File upload to cloud")
| summarize Uploads = count(), Files = dcount(FileName), Bytes = sum(ObjectSize),
            First = min(Timestamp), Last = max(Timestamp) by AccountUpn, Department
| where Uploads > 3
| top 20 by Uploads desc"#,
    },
    BenchQuery {
        name: "multi-let-alert-drilldown",
        kql: r#"let lookback = 14d;
let highAlerts = AlertInfo
    | where Timestamp > ago(lookback)
    | where Severity in~ ("High", "Medium") and ServiceSource has "Insider Risk"
    | project AlertId, Title, Severity, AlertTime = Timestamp;
let users = AlertEvidence
    | where EntityType == "User" and isnotempty(AccountUpn)
    | project AlertId, AccountUpn;
highAlerts
| join kind=inner users on AlertId
| join kind=leftouter (
    DataSecurityEvents
    | where Timestamp > ago(lookback)
    | where ActionType has_any ("Label", "Removable", "upload")
    | summarize Events = count(), Actions = dcount(ActionType),
                Sensitive = countif(SensitivityLabelId has "0009") by AccountUpn
) on AccountUpn
| extend Score = iff(Events > 10, Events * 2, Events) + Actions
| project AlertTime, AlertId, Title, Severity, AccountUpn, Events, Actions, Sensitive, Score
| sort by Score desc, AlertTime asc
| take 100"#,
    },
];

/// End-to-end hunts for `queries.rs`, one per operator family.
pub const QUERY_SUITE: &[BenchQuery] = &[
    BenchQuery {
        name: "count",
        kql: "DataSecurityEvents | count",
    },
    BenchQuery {
        name: "where-eq-count",
        kql: "DataSecurityEvents | where ActionType == 'FileUploaded' | count",
    },
    BenchQuery {
        name: "where-has",
        kql: "DataSecurityEvents | where ActionType has 'Copilot' | count",
    },
    BenchQuery {
        name: "where-contains-ci",
        kql: "DataSecurityEvents | where ObjectName contains 'budget' | count",
    },
    BenchQuery {
        name: "where-time-range",
        kql: "DataSecurityEvents | where Timestamp between (datetime(2025-06-20) .. datetime(2025-06-21)) | count",
    },
    BenchQuery {
        name: "summarize-count-by-action",
        kql: "DataSecurityEvents | summarize count() by ActionType",
    },
    BenchQuery {
        name: "summarize-dcount-by-user",
        kql: "DataSecurityEvents | summarize Actions = dcount(ActionType), Files = dcount(ObjectName) by AccountUpn",
    },
    BenchQuery {
        name: "summarize-bin-1d",
        kql: "DataSecurityEvents | summarize Events = count(), Users = dcount(AccountUpn) by bin(Timestamp, 1d), Workload",
    },
    BenchQuery {
        name: "top-10-by-timestamp",
        kql: "DataSecurityEvents | where Workload == 'Endpoint' | top 10 by Timestamp desc | project Timestamp, AccountUpn, ActionType, ObjectName",
    },
    BenchQuery {
        name: "join-alertinfo-evidence",
        kql: "AlertInfo | where Severity == 'High' | join kind=inner (AlertEvidence | where EntityType == 'User') on AlertId | summarize Alerts = dcount(AlertId) by AccountUpn",
    },
];

/// Writes hunt-gen's dataset of `events` DataSecurityEvents rows (default seed, window and
/// file layout) into `dir`.
pub fn dataset(events: usize, dir: &Path) -> Result<hunt_gen::GenReport, hunt_gen::GenError> {
    let opts = hunt_gen::GenOptions {
        events,
        ..hunt_gen::GenOptions::default()
    };
    hunt_gen::write_dataset(&opts, dir)
}

/// Renders a row count the way bench names state it: `1M`, `100k`, `2500`.
pub fn rows_label(rows: usize) -> String {
    if rows >= 1_000_000 && rows.is_multiple_of(1_000_000) {
        format!("{}M", rows / 1_000_000)
    } else if rows >= 1_000 && rows.is_multiple_of(1_000) {
        format!("{}k", rows / 1_000)
    } else {
        rows.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_corpus_query_parses() {
        for q in PARSE_CORPUS.iter().chain(QUERY_SUITE) {
            if let Err(e) = hunt_syntax::parse(q.kql) {
                panic!("{}: {e:?}", q.name);
            }
        }
    }

    /// Every benchmark query also runs: a refused query would otherwise only show up as a
    /// panic in the middle of `cargo bench`.
    #[test]
    fn every_corpus_query_runs_on_small_data() {
        let dir = tempfile::tempdir().expect("temp dir");
        dataset(5_000, dir.path()).expect("hunt-gen writes a small dataset");
        let mut engine = hunt::Engine::open_dir(dir.path()).expect("open the dataset");
        engine.set_now(NOW_NS);
        for q in PARSE_CORPUS.iter().chain(QUERY_SUITE) {
            if let Err(e) = engine.query(q.kql) {
                panic!("{}: {e:?}", q.name);
            }
        }
    }

    #[test]
    fn rows_labels() {
        assert_eq!(rows_label(1_000_000), "1M");
        assert_eq!(rows_label(100_000), "100k");
        assert_eq!(rows_label(2_500), "2500");
    }

    #[test]
    fn now_is_demo_now() {
        assert_eq!(hunt_gen::DEMO_NOW, "2025-07-01T00:00:00Z");
        // 55 years since 1970 with 14 leap days (1972..=2024), then January..June 2025 = 181 days.
        let days: i64 = 55 * 365 + 14 + 181;
        assert_eq!(NOW_NS, days * 86_400 * 1_000_000_000);
    }
}
