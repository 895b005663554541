//! DataSecurityEvents: one row per user activity that hit a Purview policy.
//!
//! A row is first described as an [`Activity`] (who, when, which surface, which action,
//! which document) and then rendered into the column builders by [`render`]. Background
//! activities are sampled by [`Sampler`]; the planted scenarios (see `scenarios.rs`)
//! build their activities by hand and go through the same renderer, so planted rows look
//! exactly like real ones.

use rand::Rng as _;

use crate::batch::{RowBatch, columns};
use crate::domains::{self, LABEL_IDS};
use crate::error::GenError;
use crate::tenant::{FileItem, Tenant, User};
use crate::util::{Rng, TICKS_PER_SEC, Weighted, pick};
use crate::writer::RowSource;

/// Table name.
pub(crate) const TABLE: &str = "DataSecurityEvents";

columns!(
    /// Column indexes of DataSecurityEvents.
    EventCols {
        ApplicationNames, DeviceId, DeviceName, AadDeviceId, IsManagedDevice,
        DlpPolicyMatchInfo, DlpPolicyEnforcementMode, DlpPolicyRuleMatchInfo, FileRenameInfo,
        RemovableMediaInfo, RemovableMediaManufacturer, RemovableMediaModel,
        RemovableMediaSerialNumber, TeamsChannelName, TeamsChannelType, TeamsTeamName,
        UserAlternateEmails, AccountUpn, AccountObjectId, Department, CcPolicyMatchInfo,
        IPAddress, Timestamp, DeviceSourceLocationType, DeviceDestinationLocationType,
        IrmPolicyMatchInfo, UnallowedUrlDomains, ExternalUrlDomains, UrlDomainInfo,
        TargetUrlDomain, EmailAttachmentCount, EmailAttachmentInfo,
        InternetMessageId, NetworkMessageId, EmailSubject, ObjectId, ObjectName, ObjectType,
        ObjectSize, IsHidden, ActivityId, ActionType, SensitiveInfoTypeInfo, SensitivityLabelId,
        SharepointSiteSensitivityLabelIds, PreviousSensitivityLabelId, Operation,
        RecipientEmailAddress, SiteUrl, SourceRelativeUrl, TargetFilePath, Workload,
        IrmActionCategory, RiskyAIUsageAccessedResourceInfo, RiskyAIUsageAppCategory,
        RiskyAIUsageSensitivityLabelsInfo, SequenceCorrelationId, EventTime, IsIrmInteresting,
        DeviceInfo, TimeGenerated, TenantId, Type, FileName, FileExtension,
    }
);

/// The surface an activity happened on (decides `Workload` and which columns are set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Copilot,
    AiApp,
    SharePoint,
    OneDrive,
    Endpoint,
    Browse,
    Email,
    Teams,
}

impl Kind {
    fn workload(self) -> &'static str {
        match self {
            Kind::Copilot => "Copilot",
            Kind::AiApp => "ConnectedAIApp",
            Kind::SharePoint => "SharePoint",
            Kind::OneDrive => "OneDrive",
            Kind::Endpoint | Kind::Browse => "Endpoint",
            Kind::Email => "Exchange",
            Kind::Teams => "MicrosoftTeams",
        }
    }
}

/// A document referenced by an activity: from the tenant catalog or from the planted set.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FileRef {
    Catalog(u32),
    Planted(u32),
}

/// Location types (DeviceSource/DestinationLocationType): 0 Unknown, 1 Local, 2 Remote,
/// 3 Removable, 4 Cloud, 5 File share.
pub(crate) const LOC_LOCAL: i32 = 1;
/// Removable media.
pub(crate) const LOC_REMOVABLE: i32 = 3;
/// Cloud.
pub(crate) const LOC_CLOUD: i32 = 4;
/// File share.
pub(crate) const LOC_SHARE: i32 = 5;

/// One activity, before rendering.
#[derive(Debug, Clone)]
pub(crate) struct Activity {
    /// Timestamp (100-ns ticks since the Unix epoch).
    pub ticks: i64,
    /// Index into `Tenant::users`.
    pub user: u32,
    pub kind: Kind,
    pub action: &'static str,
    pub operation: &'static str,
    /// `IrmActionCategory`.
    pub category: &'static str,
    /// `ApplicationNames`.
    pub app: &'static str,
    pub file: Option<FileRef>,
    /// Index into the user's devices (endpoint rows).
    pub device: u8,
    pub src_loc: Option<i32>,
    pub dst_loc: Option<i32>,
    /// Destination web domain (uploads, browsing).
    pub domain: &'static str,
    /// Current label when it differs from the document's own label (label changes).
    pub label: Option<Option<u8>>,
    /// `PreviousSensitivityLabelId`.
    pub prev_label: Option<u8>,
    /// DLP policy index and enforcement mode.
    pub dlp: Option<(u8, i32)>,
    /// Index into `Tenant::usbs`.
    pub usb: Option<u8>,
    /// `SequenceCorrelationId` bits.
    pub seq: Option<u128>,
    /// Matched Insider Risk Management policy.
    pub irm: Option<u8>,
    /// Folder of local copies (endpoint rows), `Documents` when empty.
    pub local_folder: &'static str,
}

impl Activity {
    /// A blank activity of `kind` for `user` at `ticks`.
    pub(crate) fn new(ticks: i64, user: usize, kind: Kind, action: &'static str) -> Activity {
        Activity {
            ticks,
            user: user as u32,
            kind,
            action,
            operation: "",
            category: "",
            app: "",
            file: None,
            device: 0,
            src_loc: None,
            dst_loc: None,
            domain: "",
            label: None,
            prev_label: None,
            dlp: None,
            usb: None,
            seq: None,
            irm: None,
            local_folder: "",
        }
    }
}

/// `(ActionType, Operation, IrmActionCategory, weight)` per surface.
type ActionRow = (&'static str, &'static str, &'static str, f64);

const COPILOT_ACTIONS: &[ActionRow] = &[
    (
        "Risky prompt entered in Copilot",
        "CopilotInteraction",
        "RiskyAIUsage",
        45.0,
    ),
    (
        "Sensitive response received in Copilot",
        "CopilotInteraction",
        "RiskyAIUsage",
        35.0,
    ),
    (
        "Risky prompt entered in Copilot;Sensitive response received in Copilot",
        "CopilotInteraction",
        "RiskyAIUsage",
        18.0,
    ),
    (
        "Label on file downgraded or removed, then file accessed by Copilot",
        "CopilotInteraction",
        "Obfuscation",
        2.0,
    ),
];
const AI_APP_ACTIONS: &[ActionRow] = &[
    (
        "Risky prompt entered in connected AI apps",
        "AIAppInteraction",
        "RiskyAIUsage",
        40.0,
    ),
    (
        "Sensitive response received in connected AI apps",
        "AIAppInteraction",
        "RiskyAIUsage",
        35.0,
    ),
    (
        "Exposing agent to risky prompts",
        "AIAppInteraction",
        "RiskyAIUsage",
        15.0,
    ),
    (
        "Agent generating sensitive responses",
        "AIAppInteraction",
        "RiskyAIUsage",
        10.0,
    ),
];
const CLOUD_FILE_ACTIONS: &[ActionRow] = &[
    ("File accessed on SPO", "FileAccessed", "Access", 50.0),
    (
        "File downloaded from SharePoint",
        "FileDownloaded",
        "Exfiltration",
        28.0,
    ),
    ("Sensitive File read", "FileAccessed", "Access", 10.0),
    (
        "Label downgraded on a file",
        "FileSensitivityLabelChanged",
        "Obfuscation",
        7.0,
    ),
    (
        "Label removed from a file",
        "FileSensitivityLabelRemoved",
        "Obfuscation",
        5.0,
    ),
];
const ENDPOINT_ACTIONS: &[ActionRow] = &[
    ("FileCreated", "FileCreated", "Collection", 18.0),
    ("FileModified", "FileModified", "Access", 20.0),
    ("FileRenamed", "FileRenamed", "Obfuscation", 6.0),
    ("FileDeleted", "FileDeleted", "Deletion", 6.0),
    ("FileUploaded", "FileUploadedToCloud", "Exfiltration", 9.0),
    ("Sensitive File read", "FileRead", "Access", 10.0),
    ("Sensitive file created", "FileCreated", "Collection", 5.0),
    ("File Archived", "FileArchived", "Collection", 4.0),
    (
        "File upload to cloud",
        "FileUploadedToCloud",
        "Exfiltration",
        6.0,
    ),
    (
        "Text copied to clipboard from sensitive file",
        "FileCopiedToClipboard",
        "Exfiltration",
        5.0,
    ),
    (
        "File copied to Removable media",
        "FileCopiedToRemovableMedia",
        "Exfiltration",
        3.0,
    ),
    (
        "Files collected and exfiltrated",
        "FileCollected",
        "Exfiltration",
        0.4,
    ),
];
const BROWSE_ACTIONS: &[ActionRow] = &[
    (
        "Generative AI websites browsed",
        "BrowsedWebsite",
        "RiskyBrowsing",
        85.0,
    ),
    (
        "Gambling websites browsed",
        "BrowsedWebsite",
        "RiskyBrowsing",
        15.0,
    ),
];
const EMAIL_ACTIONS: &[ActionRow] = &[
    ("DLP Rule Matched", "DLPRuleMatch", "Exfiltration", 90.0),
    (
        "Generated High severity DLP alerts",
        "DLPRuleMatch",
        "Exfiltration",
        10.0,
    ),
];
const TEAMS_ACTIONS: &[ActionRow] = &[
    (
        "Sensitive info shared on Teams",
        "MessageSent",
        "Exfiltration",
        60.0,
    ),
    (
        "Sensitive info shared on Teams, DLP Rule Matched",
        "DLPRuleMatch",
        "Exfiltration",
        40.0,
    ),
];

/// Share of background rows per surface (Copilot dominates, as in real tenants).
const KIND_WEIGHTS: &[(Kind, f64)] = &[
    (Kind::Copilot, 30.0),
    (Kind::AiApp, 4.0),
    (Kind::SharePoint, 17.0),
    (Kind::OneDrive, 8.0),
    (Kind::Endpoint, 22.0),
    (Kind::Browse, 5.0),
    (Kind::Email, 8.0),
    (Kind::Teams, 6.0),
];

/// Expected number of background `FileUploaded` rows of `.zip` files in a whole dataset,
/// whatever its size, so that the zip-upload hunt finds "a handful" of users.
const BACKGROUND_ZIP_UPLOADS: f64 = 8.0;

fn actions_of(kind: Kind) -> &'static [ActionRow] {
    match kind {
        Kind::Copilot => COPILOT_ACTIONS,
        Kind::AiApp => AI_APP_ACTIONS,
        Kind::SharePoint | Kind::OneDrive => CLOUD_FILE_ACTIONS,
        Kind::Endpoint => ENDPOINT_ACTIONS,
        Kind::Browse => BROWSE_ACTIONS,
        Kind::Email => EMAIL_ACTIONS,
        Kind::Teams => TEAMS_ACTIONS,
    }
}

/// Draws background activities.
pub(crate) struct Sampler {
    kinds: Weighted,
    actions: Vec<Weighted>,
    /// Probability that a background `FileUploaded` row is a zip archive.
    zip_upload_p: f64,
}

impl Sampler {
    /// A sampler for a dataset with `background` background rows.
    pub(crate) fn new(background: usize) -> Sampler {
        let kind_total: f64 = KIND_WEIGHTS.iter().map(|k| k.1).sum();
        let endpoint_share = KIND_WEIGHTS
            .iter()
            .find(|k| k.0 == Kind::Endpoint)
            .map_or(0.0, |k| k.1)
            / kind_total;
        let ep_total: f64 = ENDPOINT_ACTIONS.iter().map(|a| a.3).sum();
        let upload_share = ENDPOINT_ACTIONS
            .iter()
            .find(|a| a.0 == "FileUploaded")
            .map_or(0.0, |a| a.3)
            / ep_total;
        let uploads = background as f64 * endpoint_share * upload_share;
        Sampler {
            kinds: Weighted::new(KIND_WEIGHTS.iter().map(|k| k.1)),
            actions: KIND_WEIGHTS
                .iter()
                .map(|k| Weighted::new(actions_of(k.0).iter().map(|a| a.3)))
                .collect(),
            zip_upload_p: if uploads > 0.0 {
                (BACKGROUND_ZIP_UPLOADS / uploads).min(1.0)
            } else {
                0.0
            },
        }
    }

    /// A random background activity at `ticks`.
    pub(crate) fn sample(&self, rng: &mut Rng, t: &Tenant, ticks: i64) -> Activity {
        let u = t.pick_user(rng);
        let user = &t.users[u];
        let ki = self.kinds.pick(rng);
        let kind = KIND_WEIGHTS[ki].0;
        let (action, operation, category, _) = actions_of(kind)[self.actions[ki].pick(rng)];
        let mut a = Activity::new(ticks, u, kind, action);
        a.operation = operation;
        a.category = category;
        a.device = rng.gen_range(0..user.devices.len()) as u8;
        match kind {
            Kind::Copilot => {
                a.app = pick(rng, domains::COPILOT_APPS);
                if rng.gen_bool(0.5) {
                    a.file = Some(FileRef::Catalog(t.pick_file(rng, user.dept) as u32));
                }
                if rng.gen_bool(0.03) {
                    a.dlp = Some((5, pick(rng, &[1, 4])));
                }
            }
            Kind::AiApp => a.app = pick(rng, domains::AI_APPS),
            Kind::SharePoint | Kind::OneDrive => {
                a.app = if kind == Kind::OneDrive {
                    "Microsoft OneDrive for Business"
                } else {
                    "Microsoft SharePoint Online"
                };
                let f = t.pick_file(rng, user.dept);
                a.file = Some(FileRef::Catalog(f as u32));
                let own = t.files[f].label;
                match action {
                    "Label downgraded on a file" => {
                        let prev = own
                            .unwrap_or(domains::LABEL_CONFIDENTIAL)
                            .max(domains::LABEL_CONFIDENTIAL);
                        a.prev_label = Some(prev);
                        a.label = Some(Some(pick(rng, &[1, domains::LABEL_GENERAL, 4])));
                    }
                    "Label removed from a file" => {
                        let prev = own.unwrap_or(domains::LABEL_GENERAL);
                        a.prev_label = Some(prev);
                        // Community-reported quirk: sometimes the "removed" label is still shown.
                        a.label = Some(if rng.gen_bool(0.15) { Some(prev) } else { None });
                    }
                    _ => {}
                }
                if !t.files[f].sits.is_empty() && rng.gen_bool(0.08) {
                    a.dlp = Some((pick(rng, &[0u8, 1, 2, 3]), pick(rng, &[0, 1, 1, 2, 4])));
                }
            }
            Kind::Endpoint => self.endpoint(rng, t, user, &mut a),
            Kind::Browse => {
                a.app = pick(rng, domains::BROWSERS);
                a.domain = if action.starts_with("Gambling") {
                    pick(rng, domains::GAMBLING_DOMAINS)
                } else {
                    pick(rng, domains::GENAI_DOMAINS)
                };
                a.src_loc = Some(LOC_LOCAL);
                a.dst_loc = Some(LOC_CLOUD);
            }
            Kind::Email => {
                a.app = "Microsoft Exchange Online";
                // The document, when present, is the e-mail's attachment.
                if rng.gen_bool(0.7) {
                    a.file = Some(FileRef::Catalog(t.pick_file(rng, user.dept) as u32));
                }
                a.dlp = Some((
                    pick(rng, &[0u8, 0, 1, 1, 2, 3]),
                    pick(rng, &[0, 1, 1, 1, 2, 3, 4, 4]),
                ));
            }
            Kind::Teams => {
                a.app = "Microsoft Teams";
                if action.ends_with("DLP Rule Matched") {
                    a.dlp = Some((pick(rng, &[0u8, 1, 2]), pick(rng, &[1, 2, 4])));
                }
            }
        }
        if user.irm_scope && !matches!(category, "Access") && rng.gen_bool(0.6) {
            a.irm = Some(match category {
                "RiskyAIUsage" => 2,
                "Obfuscation" => 3,
                _ => 1,
            });
        }
        a
    }

    fn endpoint(&self, rng: &mut Rng, t: &Tenant, user: &User, a: &mut Activity) {
        a.src_loc = Some(if rng.gen_bool(0.1) {
            LOC_SHARE
        } else {
            LOC_LOCAL
        });
        a.dst_loc = Some(LOC_LOCAL);
        let mut file = t.pick_file(rng, user.dept);
        a.app = match a.action {
            "FileDeleted" | "FileRenamed" => "explorer.exe",
            _ => app_for_ext(t.files[file].ext, rng),
        };
        match a.action {
            "FileUploaded" | "File upload to cloud" => {
                if a.action == "FileUploaded"
                    && !t.zips.is_empty()
                    && rng.gen_bool(self.zip_upload_p)
                {
                    file = t.zips[rng.gen_range(0..t.zips.len())] as usize;
                    a.local_folder = "Downloads";
                }
                a.app = pick(rng, domains::BROWSERS);
                a.dst_loc = Some(LOC_CLOUD);
                a.domain = pick(rng, domains::UPLOAD_DOMAINS).0;
            }
            "File Archived" if !t.zips.is_empty() => {
                file = t.zips[rng.gen_range(0..t.zips.len())] as usize;
                a.app = pick(rng, domains::ARCHIVERS);
            }
            "File copied to Removable media" => {
                a.dst_loc = Some(LOC_REMOVABLE);
                a.usb = Some(rng.gen_range(1..t.usbs.len().max(2)) as u8);
                a.app = "explorer.exe";
                if rng.gen_bool(0.3) {
                    a.dlp = Some((domains::DLP_REMOVABLE as u8, pick(rng, &[1, 2, 3, 4])));
                }
            }
            "Files collected and exfiltrated" => {
                a.seq = Some(rng.r#gen());
            }
            _ => {}
        }
        a.file = Some(FileRef::Catalog(file as u32));
    }
}

/// The desktop application that usually opens files with extension `ext`.
pub(crate) fn app_for_ext(ext: &str, rng: &mut Rng) -> &'static str {
    match ext {
        "docx" => "WINWORD.EXE",
        "xlsx" | "csv" => "EXCEL.EXE",
        "pptx" => "POWERPNT.EXE",
        "pdf" => "AcroRd32.exe",
        "one" => "ONENOTE.EXE",
        "msg" => "OUTLOOK.EXE",
        "txt" | "json" | "py" => pick(rng, &["notepad.exe", "Code.exe"]),
        _ => pick(rng, domains::ENDPOINT_APPS),
    }
}

/// Renders one activity as a row of `b`. `end` is the exclusive end of the dataset window.
pub(crate) fn render(
    b: &mut RowBatch,
    c: &EventCols,
    t: &Tenant,
    planted_files: &[FileItem],
    a: &Activity,
    end: i64,
    rng: &mut Rng,
) {
    let Some(user) = t.users.get(a.user as usize) else {
        return;
    };
    let file: Option<&FileItem> = match a.file {
        Some(FileRef::Catalog(i)) => t.files.get(i as usize),
        Some(FileRef::Planted(i)) => planted_files.get(i as usize),
        None => None,
    };

    // Time columns: TimeGenerated equals Timestamp except for a few late-ingested rows.
    b.time(c.Timestamp, a.ticks);
    let lag = if rng.gen_bool(0.03) {
        rng.gen_range(TICKS_PER_SEC..300 * TICKS_PER_SEC)
    } else {
        0
    };
    b.time(c.TimeGenerated, (a.ticks + lag).min(end - 1).max(a.ticks));
    let event_lag = if a.kind == Kind::Endpoint { 90 } else { 5 };
    b.time(
        c.EventTime,
        a.ticks - rng.gen_range(0..event_lag * TICKS_PER_SEC),
    );
    b.guid(c.ActivityId, rng.r#gen());

    // Identity. Connected-AI-app rows often lack the UPN (community observation).
    let ai_app = a.kind == Kind::AiApp;
    if ai_app && rng.gen_bool(0.5) {
        if rng.gen_bool(0.5) {
            b.str(c.AccountObjectId, &user.upn);
        } else {
            b.str(c.AccountObjectId, &user.object_id);
        }
    } else {
        b.str(c.AccountUpn, &user.upn);
        b.str(c.AccountObjectId, &user.object_id);
    }
    b.str(c.Department, domains::DEPARTMENTS[user.dept].name);
    b.str(c.UserAlternateEmails, &user.alt_emails);

    b.str(c.Workload, a.kind.workload());
    b.str(c.ActionType, a.action);
    b.str(c.Operation, a.operation);
    b.str(c.IrmActionCategory, a.category);
    b.str(c.ApplicationNames, a.app);
    b.str(c.TenantId, domains::TENANT_ID);
    b.str(c.Type, TABLE);
    b.bool(c.IsIrmInteresting, a.irm.is_some());
    if let Some(p) = a.irm {
        b.str(
            c.IrmPolicyMatchInfo,
            &t.irm_json[p as usize % t.irm_json.len()],
        );
    }
    if let Some(s) = a.seq {
        b.guid(c.SequenceCorrelationId, s);
    }
    if let Some((p, mode)) = a.dlp {
        let p = p as usize % t.dlp_json.len();
        b.str(c.DlpPolicyMatchInfo, &t.dlp_json[p]);
        b.str(c.DlpPolicyRuleMatchInfo, &t.dlp_rule_json[p]);
        b.int(c.DlpPolicyEnforcementMode, i64::from(mode));
    }

    // Labels: the activity's own label (label changes) or the document's.
    let label = a.label.unwrap_or(file.and_then(|f| f.label));
    if let Some(l) = label {
        let l = LABEL_IDS[l as usize];
        if a.kind == Kind::Email && rng.gen_bool(0.2) {
            // The message's own label next to its attachment's: several comma-separated
            // GUIDs, as community queries report (tables.md 3.3).
            b.concat(
                c.SensitivityLabelId,
                &[l, ",", LABEL_IDS[domains::LABEL_GENERAL as usize]],
            );
        } else {
            b.str(c.SensitivityLabelId, l);
        }
    }
    if let Some(l) = a.prev_label {
        b.str(c.PreviousSensitivityLabelId, LABEL_IDS[l as usize]);
    }

    let device = user.devices.get(a.device as usize).or(user.devices.first());
    match a.kind {
        Kind::Endpoint | Kind::Browse => {
            b.str(c.IPAddress, device.map_or(&user.ip, |d| &d.ip));
            if let Some(d) = device {
                b.str(c.DeviceId, &d.id);
                b.str(c.DeviceName, &d.name);
                b.str(c.AadDeviceId, &d.aad_id);
                b.bool(c.IsManagedDevice, d.managed);
                b.str(c.DeviceInfo, &d.info_json);
            }
            if let Some(v) = a.src_loc {
                b.int(c.DeviceSourceLocationType, i64::from(v));
            }
            if let Some(v) = a.dst_loc {
                b.int(c.DeviceDestinationLocationType, i64::from(v));
            }
        }
        _ => b.str(c.IPAddress, &user.ip),
    }
    if !a.domain.is_empty() {
        b.str(c.TargetUrlDomain, a.domain);
        b.str(c.ExternalUrlDomains, a.domain);
        let unallowed = a.action.starts_with("Gambling")
            || domains::UPLOAD_DOMAINS
                .iter()
                .any(|(d, bad)| *bad && *d == a.domain);
        if unallowed {
            b.str(c.UnallowedUrlDomains, a.domain);
        }
        let class = if a.kind == Kind::Browse {
            if a.action.starts_with("Gambling") {
                "Gambling"
            } else {
                "GenerativeAI"
            }
        } else if unallowed {
            "Unallowed"
        } else {
            "Allowed"
        };
        b.fmt(
            c.UrlDomainInfo,
            format_args!(r#"[{{"Domain":"{}","DomainType":"{class}"}}]"#, a.domain),
        );
    }

    match a.kind {
        Kind::Copilot | Kind::AiApp => render_ai(b, c, t, a, file, rng),
        Kind::SharePoint | Kind::OneDrive => render_cloud_file(b, c, t, user, a, file),
        Kind::Endpoint => render_endpoint(b, c, t, user, a, file),
        Kind::Browse => {
            b.concat(c.ObjectId, &["https://", a.domain, "/"]);
            b.str(c.ObjectName, a.domain);
            b.str(c.ObjectType, "Url");
            b.str(c.SensitiveInfoTypeInfo, "[]");
        }
        Kind::Email => render_email(b, c, t, file, rng),
        Kind::Teams => {
            b.str(c.TeamsTeamName, pick(rng, domains::TEAMS_TEAMS));
            b.str(c.TeamsChannelName, pick(rng, domains::TEAMS_CHANNELS));
            b.str(c.TeamsChannelType, pick(rng, domains::TEAMS_CHANNEL_TYPES));
            b.str(c.ObjectType, "Message");
            b.str(
                c.SensitiveInfoTypeInfo,
                &t.message_sits[rng.gen_range(0..t.message_sits.len())],
            );
            if rng.gen_bool(0.15) {
                b.str(
                    c.CcPolicyMatchInfo,
                    &t.cc_json[rng.gen_range(0..t.cc_json.len())],
                );
            }
        }
    }
    b.end_row();
}

fn render_ai(
    b: &mut RowBatch,
    c: &EventCols,
    t: &Tenant,
    a: &Activity,
    file: Option<&FileItem>,
    rng: &mut Rng,
) {
    if a.kind == Kind::AiApp {
        b.concat(
            c.RiskyAIUsageAppCategory,
            &["ConnectedAIApp.AzureAI.", a.app],
        );
    }
    let sits = if rng.gen_bool(0.8) {
        t.copilot_sits[rng.gen_range(0..t.copilot_sits.len())].as_str()
    } else {
        "[]"
    };
    b.str(c.SensitiveInfoTypeInfo, sits);
    match file {
        Some(f) if a.action.contains("response") || a.action.contains("accessed by Copilot") => {
            b.str(c.RiskyAIUsageAccessedResourceInfo, &f.ai_resource_json);
            b.str(c.RiskyAIUsageSensitivityLabelsInfo, &f.ai_label_json);
        }
        _ => b.str(c.RiskyAIUsageSensitivityLabelsInfo, "[null]"),
    }
}

fn render_cloud_file(
    b: &mut RowBatch,
    c: &EventCols,
    t: &Tenant,
    user: &User,
    a: &Activity,
    file: Option<&FileItem>,
) {
    let Some(f) = file else {
        b.str(c.SensitiveInfoTypeInfo, "[]");
        return;
    };
    if a.kind == Kind::OneDrive {
        b.str(c.SiteUrl, &user.onedrive);
        b.concat(c.SourceRelativeUrl, &["Documents/", f.folder]);
        b.concat(
            c.ObjectId,
            &[&user.onedrive, "/Documents/", f.folder, "/", &f.name],
        );
    } else {
        let site = t.sites.get(f.site);
        b.str(c.SiteUrl, site.map_or("", |s| s.url.as_str()));
        b.str(
            c.SharepointSiteSensitivityLabelIds,
            site.map_or("", |s| s.label),
        );
        b.str(c.SourceRelativeUrl, &f.rel_url);
        b.str(c.ObjectId, &f.url);
    }
    file_columns(b, c, f);
}

/// ObjectName/FileName/FileExtension/ObjectType/ObjectSize/IsHidden/SITs of a document.
fn file_columns(b: &mut RowBatch, c: &EventCols, f: &FileItem) {
    b.str(c.ObjectName, &f.name);
    b.str(c.FileName, &f.name);
    b.str(c.FileExtension, f.ext);
    b.str(c.ObjectType, "File");
    b.int(c.ObjectSize, f.size);
    b.bool(c.IsHidden, false);
    b.str(c.SensitiveInfoTypeInfo, &f.sit_json);
}

fn render_endpoint(
    b: &mut RowBatch,
    c: &EventCols,
    t: &Tenant,
    user: &User,
    a: &Activity,
    file: Option<&FileItem>,
) {
    let Some(f) = file else {
        b.str(c.SensitiveInfoTypeInfo, "[]");
        return;
    };
    let folder = if a.local_folder.is_empty() {
        "Documents"
    } else {
        a.local_folder
    };
    let sub = if a.local_folder.is_empty() {
        f.folder
    } else {
        ""
    };
    let sep = if sub.is_empty() { "" } else { "\\" };
    b.concat(
        c.ObjectId,
        &[
            "C:\\Users\\",
            &user.account,
            "\\",
            folder,
            "\\",
            sub,
            sep,
            &f.name,
        ],
    );
    file_columns(b, c, f);
    match a.action {
        "FileRenamed" => {
            let (stem, ext) = f.name.rsplit_once('.').unwrap_or((&f.name, ""));
            b.concat(c.FileRenameInfo, &[stem, "-old.", ext]);
            b.concat(
                c.TargetFilePath,
                &[
                    "C:\\Users\\",
                    &user.account,
                    "\\",
                    folder,
                    "\\",
                    sub,
                    sep,
                    &f.name,
                ],
            );
        }
        "File copied to Removable media" => {
            b.concat(c.TargetFilePath, &["E:\\", &f.name]);
            if let Some(u) = a.usb.and_then(|u| t.usbs.get(u as usize)) {
                b.str(c.RemovableMediaInfo, &u.json);
                b.str(c.RemovableMediaManufacturer, u.manufacturer);
                b.str(c.RemovableMediaModel, u.model);
                b.str(c.RemovableMediaSerialNumber, &u.serial);
            }
        }
        "FileCreated" | "FileModified" | "Sensitive file created" | "File Archived" => {
            b.concat(
                c.TargetFilePath,
                &[
                    "C:\\Users\\",
                    &user.account,
                    "\\",
                    folder,
                    "\\",
                    sub,
                    sep,
                    &f.name,
                ],
            );
        }
        _ => {}
    }
}

fn render_email(
    b: &mut RowBatch,
    c: &EventCols,
    t: &Tenant,
    file: Option<&FileItem>,
    rng: &mut Rng,
) {
    let subject = pick(rng, domains::EMAIL_SUBJECTS);
    b.str(c.EmailSubject, subject);
    b.str(c.ObjectName, subject);
    b.str(c.ObjectType, "Email");
    let mailbox_server = pick(
        rng,
        &[
            "DM6PR11MB4202",
            "BN8PR15MB2946",
            "SA1PR04MB8112",
            "CH3PR12MB7738",
        ],
    );
    let msg: u64 = rng.r#gen();
    b.fmt(
        c.InternetMessageId,
        format_args!("<{mailbox_server}{msg:016X}@{mailbox_server}.namprd11.prod.outlook.com>"),
    );
    b.fmt(
        c.ObjectId,
        format_args!("<{mailbox_server}{msg:016X}@{mailbox_server}.namprd11.prod.outlook.com>"),
    );
    b.guid(c.NetworkMessageId, rng.r#gen());
    let n = rng.gen_range(1..=3usize);
    let r0 = &t.recipients[rng.gen_range(0..t.recipients.len())];
    match n {
        1 => b.str(c.RecipientEmailAddress, r0),
        _ => {
            let r1 = &t.recipients[rng.gen_range(0..t.recipients.len())];
            b.concat(c.RecipientEmailAddress, &[r0, ",", r1]);
        }
    }
    match file {
        Some(f) => {
            b.int(c.EmailAttachmentCount, 1);
            b.fmt(
                c.EmailAttachmentInfo,
                format_args!(
                    r#"[{{"FileName":"{}","FileExtension":"{}","FileSize":{}}}]"#,
                    f.name, f.ext, f.size
                ),
            );
            b.str(c.SensitiveInfoTypeInfo, &f.sit_json);
        }
        _ => {
            b.int(c.EmailAttachmentCount, 0);
            b.str(
                c.SensitiveInfoTypeInfo,
                &t.message_sits[rng.gen_range(0..t.message_sits.len())],
            );
        }
    }
    if rng.gen_bool(0.1) {
        b.str(
            c.CcPolicyMatchInfo,
            &t.cc_json[rng.gen_range(0..t.cc_json.len())],
        );
    }
}

/// Rows of one chunk: sorted background timestamps merged with the planted activities
/// that fall into the chunk's time slice.
pub(crate) struct EventChunk<'a> {
    pub(crate) cols: &'a EventCols,
    pub(crate) tenant: &'a Tenant,
    pub(crate) sampler: &'a Sampler,
    pub(crate) planted_files: &'a [FileItem],
    pub(crate) planted: &'a [Activity],
    pub(crate) background: Vec<i64>,
    pub(crate) end: i64,
    pub(crate) rng: Rng,
    pub(crate) next_bg: usize,
    pub(crate) next_planted: usize,
}

impl RowSource for EventChunk<'_> {
    fn fill(&mut self, b: &mut RowBatch, n: usize) -> Result<(), GenError> {
        for _ in 0..n {
            let take_planted = match (
                self.planted.get(self.next_planted),
                self.background.get(self.next_bg),
            ) {
                (Some(p), Some(&bg)) => p.ticks <= bg,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => {
                    return Err(GenError::Internal(
                        "DataSecurityEvents chunk ran out of rows".into(),
                    ));
                }
            };
            if take_planted {
                let a = &self.planted[self.next_planted];
                self.next_planted += 1;
                render(
                    b,
                    self.cols,
                    self.tenant,
                    self.planted_files,
                    a,
                    self.end,
                    &mut self.rng,
                );
            } else {
                let ticks = self.background[self.next_bg];
                self.next_bg += 1;
                let a = self.sampler.sample(&mut self.rng, self.tenant, ticks);
                render(
                    b,
                    self.cols,
                    self.tenant,
                    self.planted_files,
                    &a,
                    self.end,
                    &mut self.rng,
                );
            }
        }
        Ok(())
    }
}
