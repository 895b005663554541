//! Microsoft Graph security enumerations (`alert` resource, v1.0): the values Graph documents
//! for `serviceSource`, `detectionSource`, `severity`, `status`, `classification` and
//! `determination`, and the mapping from the spellings the Defender tables use.

/// Lower-case letters and digits only.
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Graph `serviceSource` of an `AlertInfo.ServiceSource` text (current and legacy names).
pub fn service_source(text: &str) -> &'static str {
    match squash(text).as_str() {
        "microsoftdefenderforendpoint" | "mde" | "edr" => "microsoftDefenderForEndpoint",
        "microsoftdefenderforidentity" | "mdi" | "azureatp" => "microsoftDefenderForIdentity",
        "microsoftdefenderforcloudapps"
        | "mdca"
        | "microsoftcloudappsecurity"
        | "cloudappsecurity" => "microsoftDefenderForCloudApps",
        "microsoftdefenderforoffice365" | "mdo" | "office365atp" => "microsoftDefenderForOffice365",
        "microsoft365defender" | "microsoftdefenderxdr" | "m365d" => "microsoft365Defender",
        "aadidentityprotection"
        | "azureadidentityprotection"
        | "microsoftentraidprotection"
        | "entraidprotection" => "azureAdIdentityProtection",
        "appgovernance" | "microsoftappgovernance" => "microsoftAppGovernance",
        "microsoftdatalossprevention" | "datalossprevention" | "dlp" => "dataLossPrevention",
        "microsoftdefenderforcloud" | "azuresecuritycenter" => "microsoftDefenderForCloud",
        "microsoftsentinel" | "azuresentinel" => "microsoftSentinel",
        "microsoftpurviewinsiderriskmanagement"
        | "microsoftinsiderriskmanagement"
        | "insiderriskmanagement"
        | "irm" => "microsoftInsiderRiskManagement",
        _ => "unknown",
    }
}

/// Graph `detectionSource` of an `AlertInfo.DetectionSource` text.
pub fn detection_source(text: &str) -> &'static str {
    match squash(text).as_str() {
        "edr" | "microsoftdefenderforendpoint" => "microsoftDefenderForEndpoint",
        "antivirus" => "antivirus",
        "smartscreen" => "smartScreen",
        "customti" => "customTi",
        "microsoftdefenderforoffice365" => "microsoftDefenderForOffice365",
        "automatedinvestigation" => "automatedInvestigation",
        "microsoftthreatexperts" => "microsoftThreatExperts",
        "customdetection" => "customDetection",
        "microsoftdefenderforidentity" => "microsoftDefenderForIdentity",
        "microsoftdefenderforcloudapps" | "cloudappsecurity" => "cloudAppSecurity",
        "microsoft365defender" | "microsoftdefenderxdr" => "microsoft365Defender",
        "aadidentityprotection" | "azureadidentityprotection" | "microsoftentraidprotection" => {
            "azureAdIdentityProtection"
        }
        "manual" => "manual",
        "microsoftdatalossprevention" | "datalossprevention" => "microsoftDataLossPrevention",
        "appgovernancepolicy" => "appGovernancePolicy",
        "appgovernancedetection" => "appGovernanceDetection",
        "microsoftdefenderforcloud" => "microsoftDefenderForCloud",
        "insiderriskmanagement" | "microsoftpurviewinsiderriskmanagement" => {
            "microsoftInsiderRiskManagement"
        }
        "microsoftsentinel" | "scheduledalerts" | "nrtalerts" => "microsoftSentinel",
        _ => "unknown",
    }
}

/// Graph `severity` of an `AlertInfo.Severity` text.
pub fn severity(text: &str) -> &'static str {
    match squash(text).as_str() {
        "informational" => "informational",
        "low" => "low",
        "medium" => "medium",
        "high" => "high",
        _ => "unknown",
    }
}

/// Graph alert statuses (`unknownFutureValue` is not settable).
pub const STATUSES: [&str; 4] = ["unknown", "new", "inProgress", "resolved"];

/// Graph alert classifications.
pub const CLASSIFICATIONS: [&str; 4] = [
    "unknown",
    "falsePositive",
    "truePositive",
    "informationalExpectedActivity",
];

/// Graph alert determinations.
pub const DETERMINATIONS: [&str; 15] = [
    "unknown",
    "apt",
    "malware",
    "securityPersonnel",
    "securityTesting",
    "unwantedSoftware",
    "other",
    "multiStagedAttack",
    "compromisedAccount",
    "phishing",
    "maliciousUserActivity",
    "notMalicious",
    "notEnoughDataToValidate",
    "confirmedUserActivity",
    "lineOfBusinessApplication",
];

/// The documented spelling of `value` in `allowed` (matched case-insensitively), or `None`.
pub fn canonical(value: &str, allowed: &[&'static str]) -> Option<&'static str> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_spellings_map_to_graph_values() {
        assert_eq!(
            service_source("Microsoft Purview Insider Risk Management"),
            "microsoftInsiderRiskManagement"
        );
        assert_eq!(
            service_source("Microsoft Defender for Office 365"),
            "microsoftDefenderForOffice365"
        );
        assert_eq!(
            service_source("AAD Identity Protection"),
            "azureAdIdentityProtection"
        );
        assert_eq!(service_source("Something else"), "unknown");
        assert_eq!(detection_source("EDR"), "microsoftDefenderForEndpoint");
        assert_eq!(detection_source("Custom detection"), "customDetection");
        assert_eq!(severity("High"), "high");
        assert_eq!(
            canonical("TRUEPOSITIVE", &CLASSIFICATIONS),
            Some("truePositive")
        );
        assert_eq!(canonical("closed", &STATUSES), None);
    }
}
