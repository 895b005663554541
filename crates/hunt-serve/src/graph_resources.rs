//! Graph security resources as JSON: `alert` (v1.0 `alerts_v2`) and `incident`, built from
//! the alert catalog (`AlertInfo`, `AlertEvidence`) plus the stored state, with the fields and
//! evidence types Graph documents.

use serde_json::{Value, json};

use crate::alerts::{AlertBase, AlertCatalog, Evidence, IncidentBase};
use crate::graph_enums::{detection_source, service_source, severity};
use crate::store::{Comment, EntityState};

/// The weak etag of a state version.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// The version an `If-Match` value names (`W/"3"`, `"3"`, `3`), `Ok(None)` for `*`.
pub fn parse_etag(value: &str) -> Result<Option<i64>, String> {
    let v = value.trim();
    if v == "*" {
        return Ok(None);
    }
    let v = v.strip_prefix("W/").unwrap_or(v).trim_matches('"');
    v.parse::<i64>()
        .map(Some)
        .map_err(|_| format!("If-Match `{value}` is not an etag this server issued (W/\"N\")"))
}

fn opt(s: &str) -> Value {
    if s.is_empty() { Value::Null } else { json!(s) }
}

fn field<'a>(e: &'a Evidence, name: &str) -> &'a str {
    e.fields.get(name).map_or("", String::as_str)
}

/// One evidence row as a Graph `alertEvidence` of the matching derived type.
pub fn evidence_json(e: &Evidence) -> Value {
    let mut v = match e.entity_type.as_str() {
        "User" | "Account" => json!({
            "@odata.type": "#microsoft.graph.security.userEvidence",
            "userAccount": {
                "accountName": opt(field(e, "AccountName")),
                "domainName": opt(field(e, "AccountDomain")),
                "userSid": opt(field(e, "AccountSid")),
                "azureAdUserId": opt(field(e, "AccountObjectId")),
                "userPrincipalName": opt(field(e, "AccountUpn")),
                "displayName": opt(field(e, "AccountName")),
            },
        }),
        "Machine" | "Device" => json!({
            "@odata.type": "#microsoft.graph.security.deviceEvidence",
            "deviceDnsName": opt(field(e, "DeviceName")),
            "mdeDeviceId": opt(field(e, "DeviceId")),
            "ipInterfaces": if field(e, "LocalIP").is_empty() { json!([]) } else { json!([field(e, "LocalIP")]) },
        }),
        "File" => json!({
            "@odata.type": "#microsoft.graph.security.fileEvidence",
            "fileDetails": {
                "fileName": opt(field(e, "FileName")),
                "filePath": opt(field(e, "FolderPath")),
                "sha1": opt(field(e, "SHA1")),
                "sha256": opt(field(e, "SHA256")),
                "fileSize": field(e, "FileSize").parse::<i64>().ok(),
            },
        }),
        "Process" => json!({
            "@odata.type": "#microsoft.graph.security.processEvidence",
            "processCommandLine": opt(field(e, "ProcessCommandLine")),
            "imageFile": {
                "fileName": opt(field(e, "FileName")),
                "filePath": opt(field(e, "FolderPath")),
                "sha1": opt(field(e, "SHA1")),
                "sha256": opt(field(e, "SHA256")),
            },
        }),
        "Ip" => json!({
            "@odata.type": "#microsoft.graph.security.ipEvidence",
            "ipAddress": opt(if field(e, "RemoteIP").is_empty() { field(e, "LocalIP") } else { field(e, "RemoteIP") }),
        }),
        "Url" => json!({
            "@odata.type": "#microsoft.graph.security.urlEvidence",
            "url": opt(field(e, "RemoteUrl")),
        }),
        "MailMessage" => json!({
            "@odata.type": "#microsoft.graph.security.analyzedMessageEvidence",
            "networkMessageId": opt(field(e, "NetworkMessageId")),
            "subject": opt(field(e, "EmailSubject")),
        }),
        "CloudApplication" => json!({
            "@odata.type": "#microsoft.graph.security.cloudApplicationEvidence",
            "displayName": opt(field(e, "Application")),
            "appId": field(e, "ApplicationId").parse::<i64>().ok(),
        }),
        "CloudLogonSession" => json!({
            "@odata.type": "#microsoft.graph.security.cloudLogonSessionEvidence",
        }),
        _ => json!({
            "@odata.type": "#microsoft.graph.security.alertEvidence",
        }),
    };
    if let Some(obj) = v.as_object_mut() {
        obj.insert("createdDateTime".into(), opt(&e.timestamp));
        obj.insert("verdict".into(), json!("unknown"));
        obj.insert("remediationStatus".into(), json!("none"));
        obj.insert("roles".into(), json!([]));
        obj.insert(
            "detailedRoles".into(),
            if e.role.is_empty() {
                json!([])
            } else {
                json!([e.role])
            },
        );
        obj.insert("tags".into(), json!([]));
    }
    v
}

fn comments_json(comments: &[Comment]) -> Value {
    Value::Array(
        comments
            .iter()
            .map(|c| {
                json!({
                    "comment": c.comment,
                    "createdByDisplayName": c.created_by_display_name,
                    "createdDateTime": c.created_date_time,
                })
            })
            .collect(),
    )
}

/// A Graph `alert`.
pub fn alert_json(a: &AlertBase, st: &EntityState, comments: &[Comment]) -> Value {
    let updated = st
        .last_update
        .clone()
        .unwrap_or_else(|| a.timestamp.clone());
    json!({
        "@odata.type": "#microsoft.graph.security.alert",
        "@odata.etag": etag(st.version),
        "id": a.id,
        "providerAlertId": a.id,
        "incidentId": a.incident_id,
        "status": st.status,
        "severity": severity(&a.severity),
        "classification": st.classification.clone().unwrap_or_else(|| "unknown".into()),
        "determination": st.determination.clone().unwrap_or_else(|| "unknown".into()),
        "serviceSource": service_source(&a.service_source),
        "detectionSource": detection_source(&a.detection_source),
        "productName": a.service_source,
        "detectorId": null,
        "tenantId": null,
        "title": a.title,
        "description": a.title,
        "recommendedActions": null,
        "category": a.category,
        "assignedTo": st.assigned_to,
        "alertWebUrl": null,
        "incidentWebUrl": null,
        "actorDisplayName": null,
        "threatDisplayName": null,
        "threatFamilyName": null,
        "mitreTechniques": a.mitre_techniques,
        "createdDateTime": a.timestamp,
        "lastUpdateDateTime": updated,
        "resolvedDateTime": if st.status == "resolved" { json!(updated) } else { Value::Null },
        "firstActivityDateTime": a.first_activity,
        "lastActivityDateTime": a.last_activity,
        "comments": comments_json(comments),
        "evidence": a.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
        "systemTags": [],
    })
}

/// A Graph `incident`; `alerts` are included when given (`$expand=alerts`).
pub fn incident_json(
    catalog: &AlertCatalog,
    inc: &IncidentBase,
    st: &EntityState,
    comments: &[Comment],
    alerts: Option<Vec<Value>>,
) -> Value {
    let members: Vec<&AlertBase> = inc
        .alert_ids
        .iter()
        .filter_map(|id| catalog.alert(id))
        .collect();
    let rank = |s: &str| {
        ["unknown", "informational", "low", "medium", "high"]
            .iter()
            .position(|x| *x == s)
    };
    let top_severity = members
        .iter()
        .map(|a| severity(&a.severity))
        .max_by_key(|s| rank(s))
        .unwrap_or("unknown");
    let created = members
        .iter()
        .map(|a| a.timestamp.as_str())
        .min()
        .unwrap_or("");
    let last_alert = members
        .iter()
        .map(|a| a.timestamp.as_str())
        .max()
        .unwrap_or("");
    let display_name = match (&inc.user, members.as_slice()) {
        (Some(u), [_, _, ..]) => format!("Multi-stage incident involving {u}"),
        (_, [one]) => one.title.clone(),
        (Some(u), _) => format!("Incident involving {u}"),
        (None, _) => "Incident".to_owned(),
    };
    let mut v = json!({
        "@odata.type": "#microsoft.graph.security.incident",
        "@odata.etag": etag(st.version),
        "id": inc.id,
        "tenantId": null,
        "status": st.status,
        "severity": top_severity,
        "classification": st.classification.clone().unwrap_or_else(|| "unknown".into()),
        "determination": st.determination.clone().unwrap_or_else(|| "unknown".into()),
        "assignedTo": st.assigned_to,
        "displayName": display_name,
        "description": null,
        "summary": null,
        "incidentWebUrl": null,
        "redirectIncidentId": null,
        "createdDateTime": created,
        "lastUpdateDateTime": st.last_update.clone().unwrap_or_else(|| last_alert.to_owned()),
        "customTags": [],
        "systemTags": [],
        "comments": comments_json(comments),
        "alertIds": inc.alert_ids,
        "user": inc.user,
    });
    if let (Some(alerts), Some(obj)) = (alerts, v.as_object_mut()) {
        obj.insert("alerts".into(), Value::Array(alerts));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_round_trip() {
        assert_eq!(parse_etag(&etag(7)), Ok(Some(7)));
        assert_eq!(parse_etag("\"7\""), Ok(Some(7)));
        assert_eq!(parse_etag("*"), Ok(None));
        assert!(parse_etag("W/\"x\"").is_err());
    }
}
