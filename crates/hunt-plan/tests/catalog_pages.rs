//! One test per advanced-hunting catalog table: its column list must agree with the
//! Microsoft Learn page it was taken from (column count, first and last column, as recorded
//! from the page in the schema file's `page` header), its column names must be unique, and
//! every type must be one hunt knows. Adding a schema file means adding its line below.

use hunt_plan::advanced_hunting::{self, TableDoc};
use hunt_plan::types::KqlType;

fn check(name: &str) {
    let t: &TableDoc =
        advanced_hunting::table(name).unwrap_or_else(|| panic!("{name} is not in the catalog"));
    let page: Vec<&str> = t.page_columns().map(|c| c.name.as_str()).collect();
    assert_eq!(
        page.len(),
        t.page.columns,
        "{name}: column count differs from {}",
        t.doc
    );
    assert_eq!(
        page.first().copied(),
        Some(t.page.first.as_str()),
        "{name}: first column"
    );
    assert_eq!(
        page.last().copied(),
        Some(t.page.last.as_str()),
        "{name}: last column"
    );
    let mut seen = std::collections::HashSet::new();
    for c in &t.columns {
        assert!(seen.insert(c.name.as_str()), "{name}.{} twice", c.name);
        assert!(
            KqlType::from_name(&c.ty).is_some(),
            "{name}.{}: type {}",
            c.name,
            c.ty
        );
        assert!(
            !c.description.is_empty(),
            "{name}.{}: no description",
            c.name
        );
    }
    assert!(
        t.doc.starts_with("https://learn.microsoft.com/"),
        "{name}: doc {}",
        t.doc
    );
}

macro_rules! tables {
    ($($t:ident),* $(,)?) => {
        $(
            #[allow(non_snake_case)]
            #[test]
            fn $t() {
                check(stringify!($t));
            }
        )*

        /// The list above names every schema file, and nothing else.
        #[test]
        fn every_catalog_table_has_a_test() {
            let listed = [$(stringify!($t)),*];
            let catalog: Vec<&str> = advanced_hunting::table_names().collect();
            assert_eq!(catalog, listed);
        }
    };
}

tables!(
    AADSignInEventsBeta,
    AADSpnSignInEventsBeta,
    AIAgentsInfo,
    AgentsInfo,
    AlertEvidence,
    AlertInfo,
    BehaviorEntities,
    BehaviorInfo,
    CallActivityEvents,
    CampaignInfo,
    CloudAppEvents,
    CloudAuditEvents,
    CloudDnsEvents,
    CloudProcessEvents,
    CloudStorageAggregatedEvents,
    DataSecurityBehaviors,
    DataSecurityEvents,
    DeviceBaselineComplianceAssessment,
    DeviceBaselineComplianceAssessmentKB,
    DeviceBaselineComplianceProfiles,
    DeviceEvents,
    DeviceFileCertificateInfo,
    DeviceFileEvents,
    DeviceImageLoadEvents,
    DeviceInfo,
    DeviceLogonEvents,
    DeviceNetworkEvents,
    DeviceNetworkInfo,
    DeviceProcessEvents,
    DeviceRegistryEvents,
    DeviceTvmBrowserExtensions,
    DeviceTvmBrowserExtensionsKB,
    DeviceTvmCertificateInfo,
    DeviceTvmHardwareFirmware,
    DeviceTvmInfoGathering,
    DeviceTvmInfoGatheringKB,
    DeviceTvmSecureConfigurationAssessment,
    DeviceTvmSecureConfigurationAssessmentKB,
    DeviceTvmSoftwareEvidenceBeta,
    DeviceTvmSoftwareInventory,
    DeviceTvmSoftwareVulnerabilities,
    DeviceTvmSoftwareVulnerabilitiesKB,
    DisruptionAndResponseEvents,
    EmailAttachmentInfo,
    EmailEvents,
    EmailPostDeliveryEvents,
    EmailUrlInfo,
    EntraIdSignInEvents,
    EntraIdSpnSignInEvents,
    ExposureGraphEdges,
    ExposureGraphNodes,
    FileMaliciousContentInfo,
    GraphApiAuditEvents,
    IdentityAccountInfo,
    IdentityDirectoryEvents,
    IdentityEvents,
    IdentityInfo,
    IdentityLogonEvents,
    IdentityQueryEvents,
    MessageEvents,
    MessagePostDeliveryEvents,
    MessageUrlInfo,
    OAuthAppInfo,
    UrlClickEvents,
);
