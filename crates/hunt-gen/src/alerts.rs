//! AlertInfo and AlertEvidence: one row per alert, one row per entity of an alert.
//!
//! Alerts are few (about `events / 200`), so they are generated up front as a small
//! in-memory model ([`AlertModel`]) in one sequential pass; the Parquet files are then
//! cut from sorted slices of it. Every evidence row's `AlertId` is therefore an
//! AlertInfo `AlertId`, and `User` evidence carries the same `AccountUpn` as the user's
//! DataSecurityEvents rows.
//!
//! Titles, categories, product names, `AttackTechniques` and `AlertId` shapes follow
//! tables.md section 7; titles include the ones Microsoft's published hunting queries
//! filter on (`Event log was cleared`, `File backups were deleted`, `Anomalous Token`, ...).

use std::fmt::Write as _;

use rand::Rng as _;

use crate::batch::{RowBatch, columns};
use crate::domains::{self, DEPARTMENTS};
use crate::error::GenError;
use crate::tenant::Tenant;
use crate::util::{
    Clock, DOTNET_EPOCH_TICKS, Rng, TICKS_PER_SEC, Weighted, guid_string, hex_text, log_uniform,
    pick, pick_weighted,
};
use crate::writer::RowSource;

/// AlertInfo table name.
pub(crate) const INFO_TABLE: &str = "AlertInfo";
/// AlertEvidence table name.
pub(crate) const EVIDENCE_TABLE: &str = "AlertEvidence";
/// `SourceSystem` of the alert tables (they are streamed; the DataSecurity tables are not).
const SOURCE_SYSTEM: &str = "Azure";

columns!(
    /// Column indexes of AlertInfo.
    InfoCols {
        Timestamp, AlertId, Title, Category, Severity, ServiceSource, DetectionSource,
        AttackTechniques, TimeGenerated, TenantId, SourceSystem, Type,
    }
);

columns!(
    /// Column indexes of AlertEvidence.
    EvidenceCols {
        Timestamp, AlertId, Title, Categories, AttackTechniques, ServiceSource, DetectionSource,
        EntityType, EvidenceRole, EvidenceDirection, FileName, FolderPath, SHA1, SHA256, FileSize,
        ThreatFamily, RemoteIP, RemoteUrl, AccountName, AccountDomain, AccountSid,
        AccountObjectId, AccountUpn, DeviceId, DeviceName, LocalIP, NetworkMessageId,
        EmailSubject, Application, ApplicationId, ProcessCommandLine, AdditionalFields,
        Severity, TimeGenerated, TenantId, SourceSystem, Type,
    }
);

/// How an alert id is shaped (tables.md 7, "AlertId formats").
#[derive(Clone, Copy)]
enum IdShape {
    /// prefix + 18-digit .NET ticks + `_` + signed int32, e.g. `da638034938542563831_172489803`.
    Ticks(&'static str),
    /// prefix + lower-case guid, e.g. `dl3e6607b8-8ff6-7180-d400-08dcf2ab98ff`.
    Lower(&'static str),
    /// prefix + upper-case guid, e.g. `caC27D7C90-E9E7-3207-9FF8-94335F0E27D3`.
    Upper(&'static str),
}

/// Kinds of evidence entities (`EntityType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ent {
    User,
    Machine,
    File,
    Process,
    Ip,
    Url,
    Mail,
    Session,
    CloudApp,
}

impl Ent {
    fn entity_type(self) -> &'static str {
        match self {
            Ent::User => "User",
            Ent::Machine => "Machine",
            Ent::File => "File",
            Ent::Process => "Process",
            Ent::Ip => "Ip",
            Ent::Url => "Url",
            Ent::Mail => "MailMessage",
            Ent::Session => "CloudLogonSession",
            Ent::CloudApp => "CloudApplication",
        }
    }
}

/// Product sources.
const MDE: (&str, IdShape) = ("Microsoft Defender for Endpoint", IdShape::Ticks("da"));
const MDO: (&str, IdShape) = ("Microsoft Defender for Office 365", IdShape::Lower("fa"));
const MDI: (&str, IdShape) = ("Microsoft Defender for Identity", IdShape::Lower("aa"));
const MDCA: (&str, IdShape) = ("Microsoft Defender for Cloud Apps", IdShape::Upper("ca"));
const ENTRA: (&str, IdShape) = ("AAD Identity Protection", IdShape::Lower("ad"));
const DLP: (&str, IdShape) = ("Microsoft Data Loss Prevention", IdShape::Lower("dl"));
const IRM: (&str, IdShape) = (
    "Microsoft Purview Insider Risk Management",
    IdShape::Lower("ir"),
);
const XDR: (&str, IdShape) = ("Microsoft Defender XDR", IdShape::Ticks("ed"));

/// An alert type.
pub(crate) struct Template {
    pub title: &'static str,
    pub category: &'static str,
    severities: &'static [(&'static str, f64)],
    source: (&'static str, IdShape),
    pub detection: &'static str,
    pub techniques: &'static str,
    entities: &'static [Ent],
    /// Threat family for malware files, process command line for process evidence.
    family: &'static str,
    command: &'static str,
    weight: f64,
}

const HIGH: &[(&str, f64)] = &[("High", 1.0)];
const MED: &[(&str, f64)] = &[("Medium", 1.0)];
const MED_HIGH: &[(&str, f64)] = &[("Medium", 0.7), ("High", 0.3)];
const LOW_MED: &[(&str, f64)] = &[("Low", 0.6), ("Medium", 0.4)];
const INFO_LOW: &[(&str, f64)] = &[("Informational", 0.6), ("Low", 0.4)];

macro_rules! tpl {
    ($title:expr, $cat:expr, $sev:expr, $src:expr, $det:expr, $tech:expr, [$($e:ident),*], $fam:expr, $cmd:expr, $w:expr) => {
        Template {
            title: $title, category: $cat, severities: $sev, source: $src, detection: $det,
            techniques: $tech, entities: &[$(Ent::$e),*], family: $fam, command: $cmd, weight: $w,
        }
    };
}

/// Alert types with relative frequency.
pub(crate) const TEMPLATES: &[Template] = &[
    tpl!(
        "Suspicious PowerShell command line",
        "Execution",
        MED,
        MDE,
        "EDR",
        r#"["PowerShell (T1059.001)","Command and Scripting Interpreter (T1059)"]"#,
        [Machine, User, Process],
        "",
        r#"powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"#,
        8.0
    ),
    tpl!(
        "Event log was cleared",
        "DefenseEvasion",
        MED,
        MDE,
        "EDR",
        r#"["Clear Windows Event Logs (T1070.001)"]"#,
        [Machine, User, Process],
        "",
        "wevtutil.exe cl Security",
        3.0
    ),
    tpl!(
        "File backups were deleted",
        "Impact",
        HIGH,
        MDE,
        "EDR",
        r#"["Inhibit System Recovery (T1490)"]"#,
        [Machine, User, Process],
        "",
        "vssadmin.exe delete shadows /all /quiet",
        2.0
    ),
    tpl!(
        "Suspicious decoded content",
        "Execution",
        MED,
        MDE,
        "EDR",
        r#"["Deobfuscate/Decode Files or Information (T1140)"]"#,
        [Machine, User, Process],
        "",
        "certutil.exe -decode payload.b64 payload.dll",
        3.0
    ),
    tpl!(
        "'Atosev' malware was detected",
        "Malware",
        INFO_LOW,
        MDE,
        "Antivirus",
        "",
        [Machine, File],
        "Atosev",
        "",
        6.0
    ),
    tpl!(
        "'Wacatac' malware was prevented",
        "Malware",
        LOW_MED,
        MDE,
        "Antivirus",
        "",
        [Machine, File],
        "Wacatac",
        "",
        5.0
    ),
    tpl!(
        "'Mimikatz' hacktool was detected",
        "CredentialAccess",
        HIGH,
        MDE,
        "Antivirus",
        r#"["OS Credential Dumping (T1003)"]"#,
        [Machine, User, File],
        "Mimikatz",
        "",
        1.5
    ),
    tpl!(
        "Sticky Keys binary hijack detected",
        "Persistence",
        HIGH,
        MDE,
        "EDR",
        r#"["Accessibility Features (T1546.008)"]"#,
        [Machine, File],
        "",
        "",
        0.5
    ),
    tpl!(
        "File dropped and launched from remote location",
        "LateralMovement",
        MED,
        MDE,
        "EDR",
        r#"["Remote Services (T1021)","Lateral Tool Transfer (T1570)"]"#,
        [Machine, User, File, Ip],
        "",
        "",
        1.5
    ),
    tpl!(
        "Suspicious transfer of an executable file",
        "LateralMovement",
        MED,
        MDE,
        "EDR",
        r#"["Lateral Tool Transfer (T1570)"]"#,
        [Machine, File, Ip],
        "",
        "",
        1.5
    ),
    tpl!(
        "Possible source of Log4j exploitation",
        "Exploit",
        HIGH,
        MDE,
        "EDR",
        r#"["Exploit Public-Facing Application (T1190)"]"#,
        [Machine, Process, Ip],
        "",
        "java.exe -jar /opt/app/server.jar",
        0.5
    ),
    tpl!(
        "Suspicious script launched",
        "Execution",
        MED,
        MDE,
        "EDR",
        r#"["Command and Scripting Interpreter (T1059)"]"#,
        [Machine, User, Process],
        "",
        "wscript.exe C:\\Users\\Public\\update.js",
        2.0
    ),
    tpl!(
        "Suspected delivery of Gootkit malware",
        "Malware",
        HIGH,
        MDE,
        "EDR",
        r#"["User Execution (T1204)"]"#,
        [Machine, User, File, Url],
        "Gootkit",
        "",
        0.5
    ),
    tpl!(
        "Post-delivery detection of suspicious attachment",
        "InitialAccess",
        INFO_LOW,
        MDO,
        "Microsoft Defender for Office 365",
        r#"["Phishing (T1566)","Spearphishing Attachment (T1566.001)"]"#,
        [Mail, User, File],
        "",
        "",
        7.0
    ),
    tpl!(
        "Email messages containing malicious URL removed after delivery",
        "InitialAccess",
        INFO_LOW,
        MDO,
        "Microsoft Defender for Office 365",
        r#"["Spearphishing Link (T1566.002)"]"#,
        [Mail, User, Url],
        "",
        "",
        8.0
    ),
    tpl!(
        "A potentially malicious URL click was detected",
        "InitialAccess",
        HIGH,
        MDO,
        "Microsoft Defender for Office 365",
        r#"["Spearphishing Link (T1566.002)"]"#,
        [Url, User, Mail],
        "",
        "",
        2.0
    ),
    tpl!(
        "Suspected overpass-the-hash attack (Kerberos)",
        "LateralMovement",
        HIGH,
        MDI,
        "Microsoft Defender for Identity",
        r#"["Use Alternate Authentication Material (T1550)","Pass the Ticket (T1550.003)"]"#,
        [User, Machine, Ip],
        "",
        "",
        0.7
    ),
    tpl!(
        "Suspected brute-force attack (Kerberos, NTLM)",
        "CredentialAccess",
        MED,
        MDI,
        "Microsoft Defender for Identity",
        r#"["Brute Force (T1110)","Password Guessing (T1110.001)"]"#,
        [User, Machine, Ip],
        "",
        "",
        2.0
    ),
    tpl!(
        "Account enumeration reconnaissance",
        "Discovery",
        MED,
        MDI,
        "Microsoft Defender for Identity",
        r#"["Account Discovery (T1087)","Domain Account (T1087.002)"]"#,
        [User, Machine],
        "",
        "",
        1.5
    ),
    tpl!(
        "Anomalous Token",
        "InitialAccess",
        MED_HIGH,
        ENTRA,
        "AAD Identity Protection",
        r#"["Steal Web Session Cookie (T1539)"]"#,
        [User, Ip, Session],
        "",
        "",
        2.0
    ),
    tpl!(
        "Unfamiliar sign-in properties",
        "InitialAccess",
        LOW_MED,
        ENTRA,
        "AAD Identity Protection",
        r#"["Valid Accounts (T1078)"]"#,
        [User, Ip],
        "",
        "",
        6.0
    ),
    tpl!(
        "Atypical travel",
        "InitialAccess",
        MED,
        ENTRA,
        "AAD Identity Protection",
        r#"["Valid Accounts (T1078)","Cloud Accounts (T1078.004)"]"#,
        [User, Ip, Ip],
        "",
        "",
        4.0
    ),
    tpl!(
        "Mass download by a single user",
        "Exfiltration",
        MED,
        MDCA,
        "Microsoft Defender for Cloud Apps",
        r#"["Data from Cloud Storage (T1530)"]"#,
        [User, Ip, CloudApp],
        "",
        "",
        3.0
    ),
    tpl!(
        "Activity from infrequent country",
        "InitialAccess",
        LOW_MED,
        MDCA,
        "Microsoft Defender for Cloud Apps",
        r#"["Valid Accounts (T1078)"]"#,
        [User, Ip, CloudApp],
        "",
        "",
        4.0
    ),
    tpl!(
        "Suspicious inbox forwarding",
        "Exfiltration",
        MED,
        MDCA,
        "Microsoft Defender for Cloud Apps",
        r#"["Email Forwarding Rule (T1114.003)"]"#,
        [User, Ip],
        "",
        "",
        1.0
    ),
    tpl!(
        "DLP policy (U.S. Financial Data) matched for email",
        "Exfiltration",
        LOW_MED,
        DLP,
        "Microsoft Data Loss Prevention",
        "",
        [User, Mail, File],
        "",
        "",
        6.0
    ),
    tpl!(
        "DLP policy (U.S. Personally Identifiable Information (PII) Data) matched for document in SharePoint",
        "Exfiltration",
        LOW_MED,
        DLP,
        "Microsoft Data Loss Prevention",
        "",
        [User, File],
        "",
        "",
        5.0
    ),
    tpl!(
        "DLP policy (Removable media - Confidential) matched for files copied to removable media",
        "Exfiltration",
        MED,
        DLP,
        "Microsoft Data Loss Prevention",
        "",
        [User, Machine, File],
        "",
        "",
        2.0
    ),
    tpl!(
        "Data leaks",
        "Exfiltration",
        LOW_MED,
        IRM,
        "Insider Risk Management",
        r#"["Exfiltration Over Web Service (T1567)"]"#,
        [User, File],
        "",
        "",
        3.0
    ),
    tpl!(
        "Data theft by departing users",
        "Exfiltration",
        MED_HIGH,
        IRM,
        "Insider Risk Management",
        r#"["Exfiltration Over Web Service (T1567)","Archive Collected Data (T1560)"]"#,
        [User, File],
        "",
        "",
        0.6
    ),
    tpl!(
        "Risky AI usage",
        "SuspiciousActivity",
        LOW_MED,
        IRM,
        "Insider Risk Management",
        "",
        [User],
        "",
        "",
        2.0
    ),
    tpl!(
        "Rare process made outbound connection to external IP",
        "CommandAndControl",
        LOW_MED,
        XDR,
        "Custom detection",
        r#"["Application Layer Protocol (T1071)"]"#,
        [Machine, Process, Ip],
        "",
        "rundll32.exe C:\\ProgramData\\svc.dll,Start",
        2.0
    ),
];

/// Index of the template titled `title`.
pub(crate) fn template_index(title: &str) -> usize {
    TEMPLATES.iter().position(|t| t.title == title).unwrap_or(0)
}

/// Extra data of one evidence row.
#[derive(Debug, Clone)]
pub(crate) enum Detail {
    None,
    /// File name, folder, size.
    File(String, String, i64),
    Ip(String, &'static str),
    Url(String),
}

/// One evidence row.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    pub ticks: i64,
    /// Index into [`AlertModel::alerts`].
    pub alert: u32,
    pub ent: Ent,
    pub role: &'static str,
    pub detail: Detail,
}

/// One alert.
#[derive(Debug, Clone)]
pub(crate) struct Alert {
    pub ticks: i64,
    pub id: String,
    pub template: usize,
    pub severity: &'static str,
    pub user: u32,
    pub device: u8,
}

/// All alerts and their evidence, each sorted by time.
pub(crate) struct AlertModel {
    pub alerts: Vec<Alert>,
    pub evidence: Vec<Evidence>,
}

/// A new alert id of `template`'s product at `ticks`.
pub(crate) fn alert_id(rng: &mut Rng, template: usize, ticks: i64) -> String {
    let shape = TEMPLATES
        .get(template)
        .map_or(IdShape::Lower("ra"), |t| t.source.1);
    match shape {
        IdShape::Ticks(p) => {
            let dotnet = DOTNET_EPOCH_TICKS + ticks;
            format!("{p}{dotnet}_{}", rng.r#gen::<i32>())
        }
        IdShape::Lower(p) => format!("{p}{}", guid_string(rng)),
        IdShape::Upper(p) => format!("{p}{}", guid_string(rng).to_uppercase()),
    }
}

const MALWARE_FILES: &[&str] = &[
    "invoice_0623.exe",
    "Setup_v2.msi",
    "update.js",
    "scan_2025.pdf.exe",
    "payload.dll",
    "svchost32.exe",
    "doc_viewer.hta",
];

/// Evidence rows of `template` for alert `alert` (1 to 6 rows).
pub(crate) fn evidence_for(
    rng: &mut Rng,
    tenant: &Tenant,
    alert: &Alert,
    index: u32,
) -> Vec<Evidence> {
    let tpl = &TEMPLATES[alert.template % TEMPLATES.len()];
    let mut ents: Vec<Ent> = tpl.entities.to_vec();
    // Vary the count: sometimes fewer, sometimes an extra related file or IP (1..=6 rows).
    if ents.len() > 1 && rng.gen_bool(0.12) {
        ents.pop();
    }
    while ents.len() < 6 && rng.gen_bool(0.28) {
        ents.push(
            if tpl.entities.contains(&Ent::File) || tpl.source.0 == DLP.0 {
                Ent::File
            } else {
                Ent::Ip
            },
        );
    }
    let user = &tenant.users[alert.user as usize % tenant.users.len()];
    ents.into_iter()
        .enumerate()
        .map(|(i, ent)| {
            let detail = match ent {
                Ent::File => {
                    let content = [DLP.0, IRM.0, MDO.0].contains(&tpl.source.0);
                    if tpl.family.is_empty() && content {
                        let f = &tenant.files[tenant.pick_file(rng, user.dept)];
                        Detail::File(
                            f.name.clone(),
                            f.url
                                .trim_end_matches(f.name.as_str())
                                .trim_end_matches('/')
                                .to_string(),
                            f.size,
                        )
                    } else {
                        let name = pick(rng, MALWARE_FILES).to_string();
                        let folder = format!("C:\\Users\\{}\\Downloads", user.account);
                        Detail::File(name, folder, log_uniform(rng, 20_000, 5_000_000))
                    }
                }
                Ent::Ip => {
                    let ip = format!(
                        "{}.{}.{}.{}",
                        pick(rng, &[45u8, 91, 103, 146, 185, 193, 194]),
                        rng.gen_range(0..255),
                        rng.gen_range(0..255),
                        rng.gen_range(1..255)
                    );
                    // Sign-in detections see the client address; endpoint ones either end.
                    let identity = [ENTRA.0, MDCA.0, MDI.0].contains(&tpl.source.0);
                    let dir = if identity || rng.gen_bool(0.5) {
                        "Source"
                    } else {
                        "Destination"
                    };
                    Detail::Ip(ip, dir)
                }
                Ent::Url => Detail::Url(format!(
                    "https://{}.{}/{}",
                    pick(
                        rng,
                        &[
                            "login-micros0ft",
                            "secure-docs",
                            "contoso-payroll",
                            "sharepoint-files"
                        ]
                    ),
                    pick(rng, &["com", "net", "info", "xyz"]),
                    hex_text(rng, 10)
                )),
                _ => Detail::None,
            };
            Evidence {
                ticks: alert.ticks,
                alert: index,
                ent,
                role: if i == 0 || ent == Ent::User {
                    "Impacted"
                } else {
                    "Related"
                },
                detail,
            }
        })
        .collect()
}

/// Builds the background alerts (`count` of them in `[start, end)`), merges `planted`
/// (alerts with their evidence), assigns evidence to alerts, and sorts both tables by time.
pub(crate) fn build_model(
    seed: u64,
    tenant: &Tenant,
    count: usize,
    start: i64,
    end: i64,
    planted: Vec<(Alert, Vec<Evidence>)>,
) -> AlertModel {
    let mut rng = crate::util::rng_for(seed, "alerts", 0);
    let clock = Clock::new();
    let weights = Weighted::new(TEMPLATES.iter().map(|t| t.weight));
    let mut pairs: Vec<(Alert, Vec<Evidence>)> = Vec::with_capacity(count + planted.len());
    for _ in 0..count {
        let ticks = clock.sample(&mut rng, start, end);
        let template = weights.pick(&mut rng);
        let u = tenant.pick_user(&mut rng);
        let tpl = &TEMPLATES[template];
        let alert = Alert {
            ticks,
            id: alert_id(&mut rng, template, ticks),
            template,
            severity: pick_weighted(&mut rng, tpl.severities),
            user: u as u32,
            device: rng.gen_range(0..tenant.users[u].devices.len()) as u8,
        };
        let ev = evidence_for(&mut rng, tenant, &alert, 0);
        pairs.push((alert, ev));
    }
    pairs.extend(planted);
    pairs.sort_by(|a, b| a.0.ticks.cmp(&b.0.ticks).then_with(|| a.0.id.cmp(&b.0.id)));
    let mut alerts = Vec::with_capacity(pairs.len());
    let mut evidence = Vec::with_capacity(pairs.len() * 3);
    for (i, (a, ev)) in pairs.into_iter().enumerate() {
        for mut e in ev {
            e.alert = i as u32;
            // Evidence is logged with, or a few seconds after, the alert.
            e.ticks = (a.ticks + rng.gen_range(0..3 * TICKS_PER_SEC))
                .min(end - 1)
                .max(a.ticks);
            evidence.push(e);
        }
        alerts.push(a);
    }
    evidence.sort_by_key(|e| (e.ticks, e.alert));
    AlertModel { alerts, evidence }
}

/// Rows of one AlertInfo file.
pub(crate) struct InfoChunk<'a> {
    pub(crate) cols: &'a InfoCols,
    pub(crate) alerts: &'a [Alert],
    pub(crate) next: usize,
}

impl RowSource for InfoChunk<'_> {
    fn fill(&mut self, b: &mut RowBatch, n: usize) -> Result<(), GenError> {
        let c = self.cols;
        for _ in 0..n {
            let a = self
                .alerts
                .get(self.next)
                .ok_or_else(|| GenError::Internal("AlertInfo chunk ran out of rows".into()))?;
            self.next += 1;
            let tpl = &TEMPLATES[a.template % TEMPLATES.len()];
            b.time(c.Timestamp, a.ticks);
            b.time(c.TimeGenerated, a.ticks);
            b.str(c.AlertId, &a.id);
            b.str(c.Title, tpl.title);
            b.str(c.Category, tpl.category);
            b.str(c.Severity, a.severity);
            b.str(c.ServiceSource, tpl.source.0);
            b.str(c.DetectionSource, tpl.detection);
            b.str(c.AttackTechniques, tpl.techniques);
            b.str(c.TenantId, domains::TENANT_ID);
            b.str(c.SourceSystem, SOURCE_SYSTEM);
            b.str(c.Type, INFO_TABLE);
            b.end_row();
        }
        Ok(())
    }
}

/// Rows of one AlertEvidence file.
pub(crate) struct EvidenceChunk<'a> {
    pub(crate) cols: &'a EvidenceCols,
    pub(crate) tenant: &'a Tenant,
    pub(crate) model: &'a AlertModel,
    pub(crate) evidence: &'a [Evidence],
    pub(crate) next: usize,
    pub(crate) rng: Rng,
    pub(crate) json: String,
}

impl RowSource for EvidenceChunk<'_> {
    fn fill(&mut self, b: &mut RowBatch, n: usize) -> Result<(), GenError> {
        for _ in 0..n {
            let e = self
                .evidence
                .get(self.next)
                .ok_or_else(|| GenError::Internal("AlertEvidence chunk ran out of rows".into()))?;
            self.next += 1;
            let a = self
                .model
                .alerts
                .get(e.alert as usize)
                .ok_or_else(|| GenError::Internal("evidence of an unknown alert".into()))?;
            render_evidence(
                b,
                self.cols,
                self.tenant,
                a,
                e,
                &mut self.rng,
                &mut self.json,
            );
        }
        Ok(())
    }
}

fn render_evidence(
    b: &mut RowBatch,
    c: &EvidenceCols,
    t: &Tenant,
    a: &Alert,
    e: &Evidence,
    rng: &mut Rng,
    j: &mut String,
) {
    let tpl = &TEMPLATES[a.template % TEMPLATES.len()];
    let user = &t.users[a.user as usize % t.users.len()];
    let device = user.devices.get(a.device as usize).or(user.devices.first());
    b.time(c.Timestamp, e.ticks);
    b.time(c.TimeGenerated, e.ticks);
    b.str(c.AlertId, &a.id);
    b.str(c.Title, tpl.title);
    b.fmt(c.Categories, format_args!(r#"["{}"]"#, tpl.category));
    b.str(c.AttackTechniques, tpl.techniques);
    b.str(c.ServiceSource, tpl.source.0);
    b.str(c.DetectionSource, tpl.detection);
    b.str(c.EntityType, e.ent.entity_type());
    b.str(c.EvidenceRole, e.role);
    b.str(c.Severity, a.severity);
    b.str(c.TenantId, domains::TENANT_ID);
    b.str(c.SourceSystem, SOURCE_SYSTEM);
    b.str(c.Type, EVIDENCE_TABLE);
    j.clear();
    let on_device = tpl.source.0 == MDE.0 || tpl.source.0 == XDR.0;
    match (&e.ent, &e.detail) {
        (Ent::User, _) => {
            b.str(c.AccountName, &user.account);
            b.str(c.AccountDomain, domains::NETBIOS_DOMAIN);
            b.str(c.AccountSid, &user.sid);
            b.str(c.AccountObjectId, &user.object_id);
            b.str(c.AccountUpn, &user.upn);
            let _ = write!(
                j,
                r#"{{"$id":"1","Account":{{"$id":"2","Name":"{}","NTDomain":"CONTOSO","UPNSuffix":"{}","Sid":"{}","AadUserId":"{}","IsDomainJoined":true,"DisplayName":"{}","Department":"{}"}}}}"#,
                user.account,
                domains::DOMAIN,
                user.sid,
                user.object_id,
                user.display,
                DEPARTMENTS[user.dept].name,
            );
        }
        (Ent::Machine, _) => {
            if let Some(d) = device {
                b.str(c.DeviceId, &d.id);
                b.str(c.DeviceName, &d.name);
                b.str(c.LocalIP, &d.ip);
                let _ = write!(
                    j,
                    r#"{{"$id":"1","HostName":"{}","DnsDomain":"{}","OSFamily":"Windows","OSVersion":"10.0.22631","MdatpDeviceId":"{}"}}"#,
                    d.host,
                    domains::DOMAIN,
                    d.id
                );
            }
        }
        (Ent::File, Detail::File(name, folder, size)) => {
            b.str(c.FileName, name);
            b.str(c.FolderPath, folder);
            let sha1 = hex_text(rng, 40);
            b.str(c.SHA1, &sha1);
            if rng.gen_bool(0.5) {
                b.str(c.SHA256, &hex_text(rng, 64));
            }
            b.int(c.FileSize, *size);
            b.str(c.ThreatFamily, tpl.family);
            if on_device && let Some(d) = device {
                b.str(c.DeviceId, &d.id);
                b.str(c.DeviceName, &d.name);
            }
            let _ = write!(j, r#"{{"$id":"1","Name":"#);
            crate::util::push_json_str(j, name);
            j.push_str(r#","Directory":"#);
            crate::util::push_json_str(j, folder);
            let _ = write!(j, r#","SHA1":"{sha1}"}}"#);
        }
        (Ent::Process, _) => {
            let exe = tpl.command.split(' ').next().unwrap_or("");
            b.str(c.FileName, exe);
            b.str(
                c.FolderPath,
                if exe == "powershell.exe" {
                    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0"
                } else {
                    "C:\\Windows\\System32"
                },
            );
            b.str(c.ProcessCommandLine, tpl.command);
            b.str(c.SHA1, &hex_text(rng, 40));
            if let Some(d) = device {
                b.str(c.DeviceId, &d.id);
                b.str(c.DeviceName, &d.name);
            }
            // Numeric-looking values arrive as strings (streaming sample).
            let _ = write!(
                j,
                r#"{{"$id":"1","ProcessId":"{}"}}"#,
                rng.gen_range(400..20_000)
            );
        }
        (Ent::Ip, Detail::Ip(ip, dir)) => {
            b.str(c.RemoteIP, ip);
            b.str(c.EvidenceDirection, dir);
            let _ = write!(j, r#"{{"$id":"1","Address":"{ip}"}}"#);
        }
        (Ent::Url, Detail::Url(url)) => {
            b.str(c.RemoteUrl, url);
            let _ = write!(j, r#"{{"$id":"1","Url":"{url}"}}"#);
        }
        (Ent::Mail, _) => {
            let id = crate::util::ascii(&crate::util::guid_text(rng.r#gen())).to_string();
            b.str(c.NetworkMessageId, &id);
            let subject = pick(rng, domains::EMAIL_SUBJECTS);
            b.str(c.EmailSubject, subject);
            let _ = write!(
                j,
                r#"{{"$id":"1","NetworkMessageId":"{id}","Recipient":"{}","Subject":"{subject}"}}"#,
                user.upn
            );
        }
        (Ent::Session, _) => {
            let _ = write!(
                j,
                r#"{{"$id":"1","SessionId":"{}"}}"#,
                crate::util::ascii(&crate::util::guid_text(rng.r#gen()))
            );
        }
        (Ent::CloudApp, _) => {
            let (app, id) = pick(
                rng,
                &[
                    ("Microsoft SharePoint Online", 20892),
                    ("Microsoft Exchange Online", 20893),
                    ("Microsoft OneDrive for Business", 15600),
                    ("Microsoft Teams", 28375),
                ],
            );
            b.str(c.Application, app);
            b.int(c.ApplicationId, id);
            let _ = write!(
                j,
                r#"{{"$id":"1","AppId":{id},"Name":"{app}","SaasId":{id}}}"#
            );
        }
        _ => {}
    }
    b.str(c.AdditionalFields, j);
    b.end_row();
}
