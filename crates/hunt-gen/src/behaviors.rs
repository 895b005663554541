//! DataSecurityBehaviors: daily Insider Risk Management "insights" per user.
//!
//! Each row summarises a window of one user's activity (`StartTime`..`EndTime`) and is
//! written a little after it (`Timestamp`). A few rows re-emit an earlier `BehaviorId`
//! with a later `Timestamp` and a larger `ActivityCount`, as the docs say records are
//! "generated or updated" (so `arg_max(Timestamp, *) by BehaviorId` matters).
//!
//! The behavior catalog is not public (tables.md 4.1), so the `ActionType`,
//! `ActionCategory` and `Description` strings below are *invented*, and the key names
//! inside the dynamic columns follow the documented contents (id, name, event count).

use std::fmt::Write as _;

use rand::Rng as _;

use crate::batch::{RowBatch, columns};
use crate::domains::{self, LABEL_IDS, LABEL_NAMES};
use crate::error::GenError;
use crate::tenant::Tenant;
use crate::util::{Rng, TICKS_PER_HOUR, TICKS_PER_MIN, Weighted, log_uniform, pick, push_json_str};
use crate::writer::RowSource;

/// Table name.
pub(crate) const TABLE: &str = "DataSecurityBehaviors";

/// `ServiceSource` of every behavior (exact product string unconfirmed, tables.md 12).
pub(crate) const SERVICE_SOURCE: &str = "Microsoft Purview Insider Risk Management";
/// `DetectionSource` of every behavior.
pub(crate) const DETECTION_SOURCE: &str = "Insider Risk Management";

columns!(
    /// Column indexes of DataSecurityBehaviors.
    BehaviorCols {
        Timestamp, BehaviorId, ActionType, StartTime, EndTime, AttackTechniques, Categories,
        ActionCategory, Description, ServiceSource, DetectionSource, ActivityCount, IsAnomalous,
        IsContentHidden, AccountUpn, AccountEmail, Application, DeviceInfo, SensitivityLabelInfo,
        SensitiveInfoTypesInfo, UrlDomainInfo, SharepointSiteInfo, RecipientEmailInfo,
        RemovableMediaInfo, PrinterName, PriorityContentMatchInfo, PolicyMatchInfo,
        TimeGenerated, TenantId, Type,
    }
);

const DEVICE: u16 = 1;
const LABEL: u16 = 2;
const SIT: u16 = 4;
const URL: u16 = 8;
const SITE: u16 = 16;
const RECIPIENT: u16 = 32;
const USB: u16 = 64;
const PRINTER: u16 = 128;

/// A behavior type: ActionType, ActionCategory, Categories, AttackTechniques, Application,
/// Description, which info columns it fills, IRM policy index, weight.
pub(crate) struct Template {
    pub action: &'static str,
    pub category: &'static str,
    pub categories: &'static str,
    pub techniques: &'static str,
    pub application: &'static str,
    pub description: &'static str,
    info: u16,
    policy: usize,
    weight: f64,
}

/// Behavior types (*invented*, see the module docs).
pub(crate) const TEMPLATES: &[Template] = &[
    Template {
        action: "Exfiltration to personal cloud storage",
        category: "Exfiltration",
        categories: r#"["Exfiltration"]"#,
        techniques: r#"["Exfiltration Over Web Service (T1567)","Exfiltration to Cloud Storage (T1567.002)"]"#,
        application: "Microsoft Edge",
        description: "Sensitive files were uploaded to personal cloud storage sites.",
        info: DEVICE | LABEL | SIT | URL,
        policy: 1,
        weight: 14.0,
    },
    Template {
        action: "Sensitive files copied to removable media",
        category: "Exfiltration",
        categories: r#"["Exfiltration"]"#,
        techniques: r#"["Exfiltration over USB (T1052.001)"]"#,
        application: "Windows",
        description: "Files with sensitive content were copied to a USB device.",
        info: DEVICE | LABEL | USB,
        policy: 1,
        weight: 6.0,
    },
    Template {
        action: "Sensitive content emailed to external recipients",
        category: "Exfiltration",
        categories: r#"["Exfiltration"]"#,
        techniques: r#"["Exfiltration Over Alternative Protocol (T1048)"]"#,
        application: "Microsoft Exchange Online",
        description: "E-mails with sensitive information were sent outside the organization.",
        info: SIT | RECIPIENT,
        policy: 1,
        weight: 10.0,
    },
    Template {
        action: "Unusual volume of SharePoint downloads",
        category: "Collection",
        categories: r#"["Collection"]"#,
        techniques: r#"["Data from Information Repositories (T1213)","Sharepoint (T1213.002)"]"#,
        application: "Microsoft SharePoint Online",
        description: "More files were downloaded from SharePoint than usual for this user.",
        info: SITE | LABEL,
        policy: 0,
        weight: 14.0,
    },
    Template {
        action: "Sensitivity labels downgraded or removed",
        category: "Obfuscation",
        categories: r#"["DefenseEvasion"]"#,
        techniques: "",
        application: "Microsoft SharePoint Online",
        description: "Sensitivity labels on files were downgraded or removed.",
        info: LABEL | SITE,
        policy: 3,
        weight: 8.0,
    },
    Template {
        action: "Files archived on device",
        category: "Collection",
        categories: r#"["Collection"]"#,
        techniques: r#"["Archive Collected Data (T1560)"]"#,
        application: "Windows",
        description: "Files were compressed into archives on the device.",
        info: DEVICE,
        policy: 0,
        weight: 8.0,
    },
    Template {
        action: "Risky prompts entered in Copilot",
        category: "RiskyAIUsage",
        categories: r#"["SuspiciousActivity"]"#,
        techniques: "",
        application: "Microsoft 365 Copilot",
        description: "Prompts with sensitive information or jailbreak attempts were entered in Copilot.",
        info: SIT | LABEL,
        policy: 2,
        weight: 22.0,
    },
    Template {
        action: "Browsing to generative AI websites",
        category: "RiskyBrowsing",
        categories: r#"["SuspiciousActivity"]"#,
        techniques: "",
        application: "Microsoft Edge",
        description: "Generative AI websites were browsed from a managed device.",
        info: URL | DEVICE,
        policy: 2,
        weight: 10.0,
    },
    Template {
        action: "Sensitive files printed",
        category: "Exfiltration",
        categories: r#"["Exfiltration"]"#,
        techniques: r#"["Exfiltration Over Physical Medium (T1052)"]"#,
        application: "Windows",
        description: "Files with sensitive content were printed.",
        info: DEVICE | PRINTER | LABEL,
        policy: 1,
        weight: 4.0,
    },
    Template {
        action: "Sensitive info shared in Teams",
        category: "Exfiltration",
        categories: r#"["Exfiltration"]"#,
        techniques: "",
        application: "Microsoft Teams",
        description: "Messages with sensitive information were shared in Teams.",
        info: SIT | RECIPIENT,
        policy: 1,
        weight: 4.0,
    },
];

/// Index of a template by ActionType (planted behaviors use it).
pub(crate) fn template_index(action: &str) -> usize {
    TEMPLATES
        .iter()
        .position(|t| t.action == action)
        .unwrap_or(0)
}

const PRINTERS: &[&str] = &[
    "HP LaserJet M607 - 3rd Floor",
    "Canon iR-ADV C5560 - Finance",
    "Xerox VersaLink C405 - Lobby",
];

/// One behavior row before rendering.
#[derive(Debug, Clone)]
pub(crate) struct Behavior {
    /// Record time.
    pub ticks: i64,
    pub start: i64,
    pub end: i64,
    pub id: u128,
    pub user: u32,
    pub template: usize,
    pub count: i64,
    pub anomalous: bool,
    pub device: u8,
    /// Most sensitive label involved.
    pub label: u8,
    /// Destination domain (URL behaviors), empty for a random one.
    pub domain: &'static str,
    /// Index into `Tenant::usbs`.
    pub usb: u8,
}

/// Draws background behaviors and renders rows.
pub(crate) struct BehaviorChunk<'a> {
    pub(crate) cols: &'a BehaviorCols,
    pub(crate) tenant: &'a Tenant,
    pub(crate) planted: &'a [Behavior],
    pub(crate) background: Vec<i64>,
    pub(crate) window_start: i64,
    pub(crate) rng: Rng,
    pub(crate) next_bg: usize,
    pub(crate) next_planted: usize,
    pub(crate) recent: Vec<Behavior>,
    pub(crate) templates: Weighted,
    pub(crate) json: String,
}

impl<'a> BehaviorChunk<'a> {
    /// A chunk over `background` sorted timestamps plus `planted` (sorted) behaviors.
    pub(crate) fn new(
        cols: &'a BehaviorCols,
        tenant: &'a Tenant,
        planted: &'a [Behavior],
        background: Vec<i64>,
        window_start: i64,
        rng: Rng,
    ) -> Self {
        BehaviorChunk {
            cols,
            tenant,
            planted,
            background,
            window_start,
            rng,
            next_bg: 0,
            next_planted: 0,
            recent: Vec::with_capacity(32),
            templates: Weighted::new(TEMPLATES.iter().map(|t| t.weight)),
            json: String::with_capacity(512),
        }
    }

    fn sample(&mut self, ticks: i64) -> Behavior {
        let rng = &mut self.rng;
        // About 5% of rows update a behavior emitted shortly before.
        if !self.recent.is_empty() && rng.gen_bool(0.05) {
            let i = rng.gen_range(0..self.recent.len());
            let mut b = self.recent.swap_remove(i);
            b.end = (ticks - rng.gen_range(TICKS_PER_MIN..30 * TICKS_PER_MIN)).max(b.end);
            b.end = b.end.min(ticks);
            b.ticks = ticks;
            b.count += log_uniform(rng, 1, 40);
            return b;
        }
        let u = self.tenant.pick_user(rng);
        let template = self.templates.pick(rng);
        let end = ticks - rng.gen_range(5 * TICKS_PER_MIN..4 * TICKS_PER_HOUR);
        let start =
            (end - rng.gen_range(10 * TICKS_PER_MIN..9 * TICKS_PER_HOUR)).max(self.window_start);
        let count = log_uniform(rng, 3, 400);
        let devices = self.tenant.users[u].devices.len();
        let b = Behavior {
            ticks,
            start: start.min(end),
            end: end.max(start),
            id: rng.r#gen(),
            user: u as u32,
            template,
            count,
            anomalous: rng.gen_bool(if count > 150 { 0.35 } else { 0.08 }),
            device: rng.gen_range(0..devices) as u8,
            label: pick(
                rng,
                &[
                    domains::LABEL_GENERAL,
                    domains::LABEL_CONFIDENTIAL,
                    7,
                    9,
                    11,
                ],
            ),
            domain: "",
            usb: rng.gen_range(1..self.tenant.usbs.len().max(2)) as u8,
        };
        if self.recent.len() < 32 {
            self.recent.push(b.clone());
        } else {
            let i = rng.gen_range(0..32);
            self.recent[i] = b.clone();
        }
        b
    }

    fn render(&mut self, b: &mut RowBatch, x: &Behavior) {
        let c = self.cols;
        let t = self.tenant;
        let Some(user) = t.users.get(x.user as usize) else {
            return;
        };
        let tpl = &TEMPLATES[x.template % TEMPLATES.len()];
        let rng = &mut self.rng;
        b.time(c.Timestamp, x.ticks);
        b.time(c.TimeGenerated, x.ticks);
        b.time(c.StartTime, x.start);
        b.time(c.EndTime, x.end);
        b.guid(c.BehaviorId, x.id);
        b.str(c.ActionType, tpl.action);
        b.str(c.AttackTechniques, tpl.techniques);
        b.str(c.Categories, tpl.categories);
        b.str(c.ActionCategory, tpl.category);
        b.str(c.Description, tpl.description);
        b.str(c.ServiceSource, SERVICE_SOURCE);
        b.str(c.DetectionSource, DETECTION_SOURCE);
        b.int(c.ActivityCount, x.count);
        b.bool(c.IsAnomalous, x.anomalous);
        b.bool(
            c.IsContentHidden,
            tpl.info & DEVICE != 0 && rng.gen_bool(0.03),
        );
        b.str(c.AccountUpn, &user.upn);
        b.str(c.AccountEmail, &user.upn);
        b.str(c.Application, tpl.application);
        b.str(c.TenantId, domains::TENANT_ID);
        b.str(c.Type, TABLE);
        b.str(
            c.PolicyMatchInfo,
            &t.irm_json[tpl.policy % t.irm_json.len()],
        );

        let j = &mut self.json;
        let n = x.count;
        // DeviceInfo
        j.clear();
        if tpl.info & DEVICE != 0
            && let Some(d) = user.devices.get(x.device as usize).or(user.devices.first())
        {
            let _ = write!(
                j,
                r#"[{{"DeviceId":"{}","DeviceName":"{}","EventCount":{n}}}]"#,
                d.id, d.name
            );
        }
        set_json(b, c.DeviceInfo, j);
        // SensitivityLabelInfo
        j.clear();
        if tpl.info & LABEL != 0 {
            let l = x.label as usize % LABEL_IDS.len();
            let _ = write!(
                j,
                r#"[{{"SensitivityLabelId":"{}","SensitivityLabelName":"#,
                LABEL_IDS[l]
            );
            push_json_str(j, LABEL_NAMES[l]);
            let _ = write!(j, r#","EventCount":{n}}}]"#);
        }
        set_json(b, c.SensitivityLabelInfo, j);
        // SensitiveInfoTypesInfo
        j.clear();
        if tpl.info & SIT != 0 {
            let pool = domains::DEPT_SITS.get(user.dept).copied().unwrap_or(&[2]);
            let (id, name, _) = domains::SITS[pick(rng, pool) % domains::SITS.len()];
            let _ = write!(
                j,
                r#"[{{"SensitiveInfoTypeId":"{id}","SensitiveInfoTypeName":"{name}","EventCount":{n}}}]"#
            );
        }
        set_json(b, c.SensitiveInfoTypesInfo, j);
        // UrlDomainInfo
        j.clear();
        if tpl.info & URL != 0 {
            let (domain, kind) = if !x.domain.is_empty() {
                (x.domain, "Unallowed")
            } else if tpl.application == "Microsoft Edge" && tpl.category == "RiskyBrowsing" {
                (pick(rng, domains::GENAI_DOMAINS), "Watchlist")
            } else {
                let (d, bad) = pick(rng, domains::UPLOAD_DOMAINS);
                (d, if bad { "Unallowed" } else { "Allowed" })
            };
            let _ = write!(
                j,
                r#"[{{"Domain":"{domain}","Direction":"Sent","DomainType":"{kind}","EventCount":{n}}}]"#
            );
        }
        set_json(b, c.UrlDomainInfo, j);
        // SharepointSiteInfo
        j.clear();
        if tpl.info & SITE != 0
            && let Some(s) = t.sites.get(user.dept)
        {
            let _ = write!(
                j,
                r#"[{{"SiteId":"{}","SiteName":"{}","SiteUrl":"{}","EventCount":{n}}}]"#,
                s.id, s.name, s.url
            );
        }
        set_json(b, c.SharepointSiteInfo, j);
        // RecipientEmailInfo
        j.clear();
        if tpl.info & RECIPIENT != 0 {
            let r = &t.recipients[rng.gen_range(0..t.recipients.len())];
            let _ = write!(j, r#"[{{"EmailAddress":"{r}","EventCount":{n}}}]"#);
        }
        set_json(b, c.RecipientEmailInfo, j);
        // RemovableMediaInfo
        j.clear();
        if tpl.info & USB != 0
            && let Some(u) = t.usbs.get(x.usb as usize)
        {
            let _ = write!(j, "[{}]", u.json);
        }
        set_json(b, c.RemovableMediaInfo, j);
        // PrinterName
        j.clear();
        if tpl.info & PRINTER != 0 {
            j.push('[');
            push_json_str(j, pick(rng, PRINTERS));
            j.push(']');
        }
        set_json(b, c.PrinterName, j);
        if rng.gen_bool(0.04) {
            b.fmt(
                c.PriorityContentMatchInfo,
                format_args!(
                    r#"[{{"PriorityContentName":"Project Falcon","MatchCount":{}}}]"#,
                    1 + n / 10
                ),
            );
        } else {
            b.str(c.PriorityContentMatchInfo, "[]");
        }
        b.end_row();
    }
}

fn set_json(b: &mut RowBatch, c: usize, j: &str) {
    b.str(c, if j.is_empty() { "[]" } else { j });
}

impl RowSource for BehaviorChunk<'_> {
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
                        "DataSecurityBehaviors chunk ran out of rows".into(),
                    ));
                }
            };
            let x = if take_planted {
                self.next_planted += 1;
                self.planted[self.next_planted - 1].clone()
            } else {
                self.next_bg += 1;
                self.sample(self.background[self.next_bg - 1])
            };
            self.render(b, &x);
        }
        Ok(())
    }
}
