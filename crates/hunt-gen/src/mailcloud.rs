//! Office and Cloud Apps tables: `EmailEvents` (mail flow through Defender for
//! Office 365) and `CloudAppEvents` (SharePoint, OneDrive, Exchange, Teams, Copilot and
//! discovered apps, as Defender for Cloud Apps records them).

use rand::Rng as _;

use crate::batch::{RowBatch, columns};
use crate::corr::{CrossRow, TableGen, World};
use crate::domains::{DEPARTMENTS, DOMAIN, EMAIL_SUBJECTS};
use crate::util::{Rng, Weighted, pick, pick_weighted};
use crate::xdr_domains::{CLOUD_APPS, INBOUND_SENDERS, MEGA_APP_ID, OFFICES, USER_AGENTS, cloud_actions};
use hunt_plan::types::Schema;

columns!(
    /// EmailEvents columns.
    EmailCols {
        Timestamp, NetworkMessageId, InternetMessageId, SenderMailFromAddress,
        SenderFromAddress, SenderDisplayName, SenderObjectId, SenderMailFromDomain,
        SenderFromDomain, SenderIPv4, RecipientEmailAddress, RecipientObjectId, Subject,
        EmailClusterId, EmailDirection, DeliveryAction, DeliveryLocation, ThreatTypes,
        DetectionMethods, ConfidenceLevel, BulkComplaintLevel, EmailAction,
        EmailActionPolicy, AuthenticationDetails, AttachmentCount, UrlCount, EmailLanguage,
        OrgLevelAction, OrgLevelPolicy, ReportId, AdditionalFields,
        LatestDeliveryLocation, LatestDeliveryAction,
    }
);

/// `EmailEvents`: inbound (some spam and phish), intra-org and outbound mail.
pub(crate) struct EmailGen {
    c: EmailCols,
}

const PASS: &str = r#"{"SPF":"pass","DKIM":"pass","DMARC":"pass","CompAuth":"pass"}"#;

impl EmailGen {
    /// The columns every message sets: ids, time, subject, counts.
    fn common(&self, b: &mut RowBatch, rng: &mut Rng, ticks: i64, subject: &str, attachments: i64) {
        let c = &self.c;
        b.time(c.Timestamp, ticks);
        let id: u128 = rng.r#gen();
        b.guid(c.NetworkMessageId, id);
        b.fmt(c.InternetMessageId, format_args!("<{:016X}@{}>", id as u64, "prod.outlook.com"));
        b.fmt(c.ReportId, format_args!("{:016x}-{}", (id >> 64) as u64, rng.gen_range(0..40)));
        b.str(c.Subject, subject);
        b.int(c.EmailClusterId, rng.gen_range(1_000_000_000i64..9_000_000_000));
        b.int(c.AttachmentCount, attachments);
        b.int(c.UrlCount, rng.gen_range(0..4));
        b.str(c.EmailLanguage, "en");
        b.str(c.AdditionalFields, "{}");
    }

    fn sender_internal(&self, w: &World<'_>, b: &mut RowBatch, u: u32) {
        let c = &self.c;
        if let Some(u) = w.user(u) {
            b.str(c.SenderMailFromAddress, &u.upn);
            b.str(c.SenderFromAddress, &u.upn);
            b.str(c.SenderDisplayName, &u.display);
            b.str(c.SenderObjectId, &u.object_id);
        }
        b.str(c.SenderMailFromDomain, DOMAIN);
        b.str(c.SenderFromDomain, DOMAIN);
        b.str(c.SenderIPv4, "40.107.220.44");
        b.str(c.AuthenticationDetails, PASS);
    }

    fn delivered(&self, b: &mut RowBatch, location: &str) {
        let c = &self.c;
        b.str(c.DeliveryAction, "Delivered");
        b.str(c.DeliveryLocation, location);
        b.str(c.LatestDeliveryLocation, location);
        b.str(c.LatestDeliveryAction, "");
        b.str(c.EmailAction, "No action taken");
        b.str(c.ConfidenceLevel, r#"{"Spam":"Normal"}"#);
        b.int(c.BulkComplaintLevel, 0);
    }
}

impl TableGen for EmailGen {
    const NAME: &'static str = "EmailEvents";
    const NO_DICT: &'static [&'static str] =
        &["NetworkMessageId", "InternetMessageId", "ReportId", "EmailClusterId"];

    fn new(schema: &Schema) -> Self {
        EmailGen { c: EmailCols::resolve(schema) }
    }

    fn background(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64) {
        let c = &self.c;
        let user = w.tenant.pick_user(rng) as u32;
        let Some(u) = w.user(user) else {
            b.time(c.Timestamp, t);
            b.end_row();
            return;
        };
        let subject = pick(rng, EMAIL_SUBJECTS);
        let attachments = if rng.gen_bool(0.3) { rng.gen_range(1..4) } else { 0 };
        self.common(b, rng, t, subject, attachments);
        let direction = pick_weighted(rng, &[("Inbound", 55.0), ("Intra-org", 30.0), ("Outbound", 15.0)]);
        b.str(c.EmailDirection, direction);
        match direction {
            "Outbound" => {
                self.sender_internal(w, b, user);
                let to = &w.tenant.recipients[rng.gen_range(0..w.tenant.recipients.len())];
                b.str(c.RecipientEmailAddress, to);
                self.delivered(b, "On-premises/external");
            }
            "Intra-org" => {
                let from = w.tenant.pick_user(rng) as u32;
                self.sender_internal(w, b, from);
                b.str(c.RecipientEmailAddress, &u.upn);
                b.str(c.RecipientObjectId, &u.object_id);
                self.delivered(b, "Inbox/folder");
            }
            _ => {
                let (addr, name, domain, ip) = pick(rng, INBOUND_SENDERS);
                let bad = domain.ends_with(".top") || domain.ends_with(".xyz");
                b.str(c.SenderMailFromAddress, addr);
                b.str(c.SenderFromAddress, addr);
                b.str(c.SenderDisplayName, name);
                b.str(c.SenderMailFromDomain, domain);
                b.str(c.SenderFromDomain, domain);
                b.str(c.SenderIPv4, ip);
                b.str(c.RecipientEmailAddress, &u.upn);
                b.str(c.RecipientObjectId, &u.object_id);
                if bad {
                    let phish = rng.gen_bool(0.6);
                    b.str(c.ThreatTypes, if phish { "Phish" } else { "Spam" });
                    b.str(
                        c.DetectionMethods,
                        if phish { r#"{"Phish":["URL detonation reputation"]}"# } else { r#"{"Spam":["Mixed analysis detection"]}"# },
                    );
                    b.str(c.AuthenticationDetails, r#"{"SPF":"fail","DKIM":"none","DMARC":"fail","CompAuth":"fail"}"#);
                    b.str(c.DeliveryAction, "Junked");
                    b.str(c.DeliveryLocation, "Junk folder");
                    b.str(c.LatestDeliveryLocation, "Junk folder");
                    b.str(c.LatestDeliveryAction, "");
                    b.str(c.EmailAction, "Move message to junk mail folder");
                    b.str(c.EmailActionPolicy, if phish { "Antiphish" } else { "Antispam" });
                    b.str(c.ConfidenceLevel, if phish { r#"{"Phish":"High"}"# } else { r#"{"Spam":"High"}"# });
                    b.int(c.BulkComplaintLevel, rng.gen_range(0..9));
                    b.str(c.OrgLevelAction, "MoveToJmf");
                    b.str(c.OrgLevelPolicy, "Default");
                } else {
                    b.str(c.AuthenticationDetails, PASS);
                    self.delivered(b, "Inbox/folder");
                }
            }
        }
        b.end_row();
    }

    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, r: &CrossRow) {
        let c = &self.c;
        self.common(b, rng, r.ticks, &r.name, r.size);
        b.str(c.EmailDirection, "Outbound");
        self.sender_internal(w, b, r.user);
        b.str(c.RecipientEmailAddress, &r.text);
        self.delivered(b, "On-premises/external");
        b.end_row();
    }
}

columns!(
    /// CloudAppEvents columns.
    CloudCols {
        Timestamp, ActionType, Application, ApplicationId, AppInstanceId, AccountObjectId,
        AccountId, AccountDisplayName, IsAdminOperation, DeviceType, OSPlatform, IPAddress,
        IsAnonymousProxy, CountryCode, City, Isp, UserAgent, ActivityType, ActivityObjects,
        ObjectName, ObjectType, ObjectId, ReportId, AccountType, IsExternalUser,
        IsImpersonated, IPTags, IPCategory, UserAgentTags, RawEventData, AdditionalFields,
        AuditSource,
    }
);

/// `CloudAppEvents`: Microsoft 365 activity plus a little Dropbox and Google Drive.
pub(crate) struct CloudGen {
    c: CloudCols,
    apps: Weighted,
}

fn activity_type(action: &str) -> &'static str {
    match action {
        "FileUploaded" => "Upload",
        "FileDownloaded" => "Download",
        "FileAccessed" | "MailItemsAccessed" => "Read",
        "Send" => "Send",
        "CopilotInteraction" => "Interact",
        _ => "Edit",
    }
}

impl CloudGen {
    #[allow(clippy::too_many_arguments)]
    fn render(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64, user: u32, app: usize, action: &str, activity: &str, object_type: &str, name: &str, id: &str) {
        let c = &self.c;
        let (app_name, app_id) = CLOUD_APPS.get(app).map_or(("Mega", MEGA_APP_ID), |a| (a.0, a.1));
        b.time(c.Timestamp, t);
        b.str(c.ActionType, action);
        b.str(c.Application, app_name);
        b.int(c.ApplicationId, i64::from(app_id));
        b.int(c.AppInstanceId, 0);
        let r: u128 = rng.r#gen();
        b.fmt(c.ReportId, format_args!("{:032x}", r));
        b.str(c.ActivityType, activity);
        b.str(c.ObjectName, name);
        b.str(c.ObjectType, object_type);
        b.str(c.ObjectId, id);
        b.str(c.AccountType, "Regular");
        b.bool(c.IsAdminOperation, false);
        b.bool(c.IsExternalUser, false);
        b.bool(c.IsImpersonated, false);
        b.bool(c.IsAnonymousProxy, false);
        b.str(c.DeviceType, "Desktop");
        b.str(c.OSPlatform, "Windows");
        b.str(c.IPTags, "[]");
        b.str(c.UserAgentTags, "[]");
        b.str(c.AdditionalFields, "{}");
        b.str(c.UserAgent, pick(rng, USER_AGENTS));
        b.str(c.AuditSource, "Defender for Cloud Apps app connector");
        if let Some(u) = w.user(user) {
            b.str(c.AccountObjectId, &u.object_id);
            b.str(c.AccountId, &u.object_id);
            b.str(c.AccountDisplayName, &u.display);
            b.str(c.IPAddress, &u.ip);
            let office = crate::domains::OFFICE_IPS.iter().position(|o| *o == u.ip);
            let (city, country, _) = OFFICES[office.unwrap_or(0) % OFFICES.len()];
            b.str(c.City, city);
            b.str(c.CountryCode, country);
            b.str(c.Isp, if office.is_some() { "Contoso Ltd" } else { "Comcast Cable" });
            b.str(c.IPCategory, if office.is_some() { "Corporate" } else { "" });
            b.fmt(
                c.ActivityObjects,
                format_args!(
                    r#"[{{"Type":"User","Role":"Actor","Name":"{}","Id":"{}"}},{{"Type":"{object_type}","Role":"Target object","Name":"{}","Id":"{}"}}]"#,
                    u.display, u.object_id, json_safe(name), json_safe(id)
                ),
            );
            b.fmt(
                c.RawEventData,
                format_args!(
                    r#"{{"Operation":"{action}","UserId":"{}","ClientIP":"{}","ObjectId":"{}","Workload":"{}","Department":"{}"}}"#,
                    u.upn, u.ip, json_safe(id), app_name, DEPARTMENTS[u.dept].name
                ),
            );
        }
        b.end_row();
    }
}

/// `s` with the characters JSON escapes dropped (object names and URLs here never need them).
fn json_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['"', '\\']) {
        std::borrow::Cow::Owned(s.replace(['"', '\\'], "/"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

impl TableGen for CloudGen {
    const NAME: &'static str = "CloudAppEvents";
    const NO_DICT: &'static [&'static str] = &["ReportId", "RawEventData", "ActivityObjects"];

    fn new(schema: &Schema) -> Self {
        CloudGen {
            c: CloudCols::resolve(schema),
            apps: Weighted::new(CLOUD_APPS.iter().map(|a| a.2)),
        }
    }

    fn background(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64) {
        let user = w.tenant.pick_user(rng) as u32;
        let app = self.apps.pick(rng);
        let actions = cloud_actions(app);
        let total: f64 = actions.iter().map(|a| a.3).sum();
        let mut x = rng.r#gen::<f64>() * total;
        let mut chosen = actions[0];
        for a in actions {
            if x < a.3 {
                chosen = *a;
                break;
            }
            x -= a.3;
        }
        let (action, activity, object_type, _) = chosen;
        let dept = w.user(user).map_or(0, |u| u.dept);
        match object_type {
            "File" => {
                let f = w.tenant.files.get(w.tenant.pick_file(rng, dept));
                let (name, id) = f.map_or(("", ""), |f| (f.name.as_str(), f.url.as_str()));
                self.render(w, b, rng, t, user, app, action, activity, object_type, name, id);
            }
            _ => {
                let subject = pick(rng, EMAIL_SUBJECTS);
                self.render(w, b, rng, t, user, app, action, activity, object_type, subject, "");
            }
        }
    }

    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, r: &CrossRow) {
        let object_type = match r.action {
            "Send" => "Email",
            "CopilotInteraction" => "Copilot interaction",
            _ => "File",
        };
        self.render(w, b, rng, r.ticks, r.user, r.app, r.action, activity_type(r.action), object_type, &r.name, &r.folder);
    }
}
