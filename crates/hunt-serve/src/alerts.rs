//! The alerts and incidents the Graph and IRM endpoints serve, read once from `AlertInfo` and
//! `AlertEvidence` (the Parquet data does not change while the server runs), and grouped into
//! incidents by the insider-risk correlation: one incident per user.
//!
//! The correlation: an alert belongs to the incident of the first user its `User` evidence
//! names (preferring a user who has an IRM alert), so each user's IRM alerts and the other
//! Defender alerts about that user form one incident; an alert naming no user is an incident
//! of its own.

use std::collections::{BTreeMap, HashMap};

use hunt::QueryResult;
use sha2::{Digest, Sha256};

use crate::values::column_strings;

/// One piece of evidence of an alert (one `AlertEvidence` row).
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// `Timestamp`.
    pub timestamp: String,
    /// `EntityType` (`User`, `Machine`, `File`, `Process`, `Ip`, `Url`, …).
    pub entity_type: String,
    /// `EvidenceRole`.
    pub role: String,
    /// Every other non-empty column, by name.
    pub fields: BTreeMap<String, String>,
}

/// One alert as the data holds it.
#[derive(Debug, Clone, Default)]
pub struct AlertBase {
    /// `AlertId`.
    pub id: String,
    /// `Timestamp` (creation).
    pub timestamp: String,
    /// `Title`.
    pub title: String,
    /// `Category`.
    pub category: String,
    /// `Severity` as the data spells it.
    pub severity: String,
    /// `ServiceSource` as the data spells it.
    pub service_source: String,
    /// `DetectionSource` as the data spells it.
    pub detection_source: String,
    /// MITRE technique ids (`T1567`) found in `AttackTechniques`.
    pub mitre_techniques: Vec<String>,
    /// Evidence rows.
    pub evidence: Vec<Evidence>,
    /// The user the alert is correlated by (lower-case UPN), if any.
    pub user: Option<String>,
    /// Its incident.
    pub incident_id: String,
    /// Earliest and latest evidence or alert time.
    pub first_activity: String,
    /// See `first_activity`.
    pub last_activity: String,
}

/// One incident: the alerts of one user.
#[derive(Debug, Clone, Default)]
pub struct IncidentBase {
    /// Stable numeric id.
    pub id: String,
    /// The user (lower-case UPN), if the incident is a user's.
    pub user: Option<String>,
    /// Its alerts' ids, oldest first.
    pub alert_ids: Vec<String>,
}

/// Every alert and incident.
#[derive(Debug, Default)]
pub struct AlertCatalog {
    /// Alerts, oldest first.
    pub alerts: Vec<AlertBase>,
    /// Alert index by id.
    pub by_id: HashMap<String, usize>,
    /// Incidents, by id.
    pub incidents: BTreeMap<String, IncidentBase>,
}

/// The query that reads the alerts.
pub const ALERT_QUERY: &str = "AlertInfo | project AlertId, Timestamp, Title, Category, Severity, \
     ServiceSource, DetectionSource, AttackTechniques";

/// The query that reads the evidence.
pub const EVIDENCE_QUERY: &str = "AlertEvidence";

/// Evidence columns that are not worth showing.
const EVIDENCE_SKIP: [&str; 10] = [
    "Timestamp",
    "AlertId",
    "Title",
    "Categories",
    "AttackTechniques",
    "ServiceSource",
    "DetectionSource",
    "EntityType",
    "EvidenceRole",
    "TimeGenerated",
];

/// `IRM` service source, in any of the spellings the data uses.
pub fn is_irm_source(service_source: &str) -> bool {
    crate::graph_enums::service_source(service_source) == "microsoftInsiderRiskManagement"
}

/// Technique ids (`T1234`, `T1234.001`) in an `AttackTechniques` text.
fn technique_ids(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if bytes[i] == b'T' && boundary {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
                j += 1;
            }
            let id = text[i..j].trim_end_matches('.');
            if id.len() >= 5 && !out.iter().any(|o| o == id) {
                out.push(id.to_owned());
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// A stable numeric incident id for a correlation key.
fn incident_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut n = [0u8; 8];
    n.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(n) % 10_000_000_000).to_string()
}

impl AlertCatalog {
    /// Builds the catalog from the results of [`ALERT_QUERY`] and [`EVIDENCE_QUERY`].
    pub fn build(alerts: &QueryResult, evidence: Option<&QueryResult>) -> AlertCatalog {
        let col = |name: &str| column_strings(alerts, name).unwrap_or_default();
        let ids = col("AlertId");
        let (ts, titles, cats, sevs) = (
            col("Timestamp"),
            col("Title"),
            col("Category"),
            col("Severity"),
        );
        let (srcs, dets, techs) = (
            col("ServiceSource"),
            col("DetectionSource"),
            col("AttackTechniques"),
        );
        let get = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        let mut catalog = AlertCatalog::default();
        for (i, id) in ids.iter().enumerate() {
            if id.is_empty() {
                continue;
            }
            if let Some(&k) = catalog.by_id.get(id) {
                // Duplicate rows of one alert: keep the earliest time.
                let t = get(&ts, i);
                let a = &mut catalog.alerts[k];
                if !t.is_empty() && t < a.timestamp {
                    a.timestamp = t;
                }
                continue;
            }
            catalog.by_id.insert(id.clone(), catalog.alerts.len());
            catalog.alerts.push(AlertBase {
                id: id.clone(),
                timestamp: get(&ts, i),
                title: get(&titles, i),
                category: get(&cats, i),
                severity: get(&sevs, i),
                service_source: get(&srcs, i),
                detection_source: get(&dets, i),
                mitre_techniques: technique_ids(&get(&techs, i)),
                ..AlertBase::default()
            });
        }
        if let Some(ev) = evidence {
            catalog.add_evidence(ev);
        }
        for a in &mut catalog.alerts {
            let times = std::iter::once(&a.timestamp)
                .chain(a.evidence.iter().map(|e| &e.timestamp))
                .filter(|t| !t.is_empty());
            a.first_activity = times.clone().min().cloned().unwrap_or_default();
            a.last_activity = times.max().cloned().unwrap_or_default();
        }
        catalog
            .alerts
            .sort_by(|a, b| (&a.timestamp, &a.id).cmp(&(&b.timestamp, &b.id)));
        catalog.by_id = catalog
            .alerts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        catalog.correlate();
        catalog
    }

    fn add_evidence(&mut self, ev: &QueryResult) {
        let names: Vec<String> = ev.schema.fields.iter().map(|f| f.name.clone()).collect();
        let columns: Vec<Vec<String>> = names
            .iter()
            .map(|n| column_strings(ev, n).unwrap_or_default())
            .collect();
        let idx = |n: &str| names.iter().position(|c| c == n);
        let (Some(alert_col), Some(type_col)) = (idx("AlertId"), idx("EntityType")) else {
            return;
        };
        let ts_col = idx("Timestamp");
        let role_col = idx("EvidenceRole");
        let rows = columns.first().map_or(0, Vec::len);
        for r in 0..rows {
            let Some(&k) = self.by_id.get(&columns[alert_col][r]) else {
                continue;
            };
            let mut fields = BTreeMap::new();
            for (c, name) in names.iter().enumerate() {
                let v = &columns[c][r];
                if !v.is_empty() && !EVIDENCE_SKIP.contains(&name.as_str()) {
                    fields.insert(name.clone(), v.clone());
                }
            }
            let cell = |c: Option<usize>| c.map(|c| columns[c][r].clone()).unwrap_or_default();
            self.alerts[k].evidence.push(Evidence {
                timestamp: cell(ts_col),
                entity_type: columns[type_col][r].clone(),
                role: cell(role_col),
                fields,
            });
        }
    }

    /// One incident per user: see the module documentation.
    fn correlate(&mut self) {
        let users_of = |a: &AlertBase| -> Vec<String> {
            a.evidence
                .iter()
                .filter(|e| e.entity_type.eq_ignore_ascii_case("User"))
                .filter_map(|e| e.fields.get("AccountUpn"))
                .map(|u| u.to_lowercase())
                .collect()
        };
        let irm_users: std::collections::HashSet<String> = self
            .alerts
            .iter()
            .filter(|a| is_irm_source(&a.service_source))
            .flat_map(users_of)
            .collect();
        for i in 0..self.alerts.len() {
            let users = users_of(&self.alerts[i]);
            let user = users
                .iter()
                .find(|u| irm_users.contains(*u))
                .or(users.first())
                .cloned();
            let key = match &user {
                Some(u) => format!("user:{u}"),
                None => format!("alert:{}", self.alerts[i].id),
            };
            let id = incident_id(&key);
            let incident = self
                .incidents
                .entry(id.clone())
                .or_insert_with(|| IncidentBase {
                    id: id.clone(),
                    user: user.clone(),
                    alert_ids: Vec::new(),
                });
            incident.alert_ids.push(self.alerts[i].id.clone());
            self.alerts[i].user = user;
            self.alerts[i].incident_id = id;
        }
    }

    /// The alert with this id.
    pub fn alert(&self, id: &str) -> Option<&AlertBase> {
        self.by_id.get(id).map(|&i| &self.alerts[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technique_ids_are_found_in_kusto_texts() {
        assert_eq!(
            technique_ids(
                r#"["Exfiltration Over Web Service (T1567)","Archive Collected Data (T1560.001)"]"#
            ),
            vec!["T1567", "T1560.001"]
        );
        assert!(technique_ids("Tactic TA0001 and Tx").is_empty());
    }

    #[test]
    fn incident_ids_are_stable_numbers() {
        let a = incident_id("user:alice@contoso.com");
        assert_eq!(a, incident_id("user:alice@contoso.com"));
        assert_ne!(a, incident_id("user:bob@contoso.com"));
        assert!(a.chars().all(|c| c.is_ascii_digit()));
    }
}
