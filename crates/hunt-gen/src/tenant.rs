//! The synthetic tenant: users, devices, sites, a catalog of documents, and pre-rendered
//! JSON fragments.
//!
//! Built once per dataset from `(seed, events)` and shared read-only by every worker, so
//! row generation mostly appends strings that already exist (no per-row allocation).

use std::collections::{HashMap, HashSet};

use rand::Rng as _;
use serde_json::json;

use crate::domains::{self, DEPARTMENTS};
use crate::util::{Rng, Weighted, guid_string, hex_text, json_text, log_uniform, pick, rng_for};

/// Serial number of the removable drive of planted scenario 2.
pub(crate) const PLANTED_USB_SERIAL: &str = "4C530001230615117433";

/// Zipf exponent of per-user activity: a few heavy users, a long tail of light ones.
const ZIPF_S: f64 = 0.85;

/// A device of a user.
pub(crate) struct Device {
    /// Defender for Endpoint id: 40 lower-case hex characters.
    pub id: String,
    /// Fully qualified host name, e.g. `lt-adele-01.contoso.com`.
    pub name: String,
    /// Short host name (the first label of `name`).
    pub host: String,
    /// Entra device object id.
    pub aad_id: String,
    /// Whether the organization manages it.
    pub managed: bool,
    /// Local (RFC 1918) IP address.
    pub ip: String,
    /// `[{"DeviceId":…,"DeviceName":…}]`, the DataSecurityEvents `DeviceInfo` value.
    pub info_json: String,
}

/// A user of the tenant.
pub(crate) struct User {
    /// `first.last@contoso.com`.
    pub upn: String,
    /// `first.last` (AlertEvidence `AccountName`).
    pub account: String,
    /// "First Last".
    pub display: String,
    /// Index into [`DEPARTMENTS`].
    pub dept: usize,
    /// Entra object id (guid text).
    pub object_id: String,
    /// On-premises SID.
    pub sid: String,
    /// Aliases (`UserAlternateEmails`), often empty.
    pub alt_emails: String,
    /// Usual client IP for cloud activity.
    pub ip: String,
    /// `https://contoso-my.sharepoint.com/personal/first_last_contoso_com`.
    pub onedrive: String,
    /// The user's devices (at least one).
    pub devices: Vec<Device>,
    /// Whether an Insider Risk Management policy has the user in scope.
    pub irm_scope: bool,
}

/// A SharePoint site.
pub(crate) struct Site {
    /// Full site URL.
    pub url: String,
    /// Site display name.
    pub name: &'static str,
    /// Site id (guid text).
    pub id: String,
    /// `SharepointSiteSensitivityLabelIds`, often empty.
    pub label: &'static str,
}

/// A document in the catalog (or a planted one).
pub(crate) struct FileItem {
    /// File name with extension.
    pub name: String,
    /// Extension without the dot.
    pub ext: &'static str,
    /// Index into [`Tenant::sites`].
    pub site: usize,
    /// Folder inside the document library.
    pub folder: &'static str,
    /// `Shared Documents/<folder>`.
    pub rel_url: String,
    /// Full URL (SharePoint `ObjectId`).
    pub url: String,
    /// Size in bytes.
    pub size: i64,
    /// Sensitivity label index into `LABEL_IDS`.
    pub label: Option<u8>,
    /// Indexes into `SITS` with confidence and count.
    pub sits: Vec<(usize, i64, i64)>,
    /// `SensitiveInfoTypeInfo` value: array of JSON-encoded strings, or `[]`.
    pub sit_json: String,
    /// `RiskyAIUsageAccessedResourceInfo` value referencing this file.
    pub ai_resource_json: String,
    /// `RiskyAIUsageSensitivityLabelsInfo` value for responses citing this file.
    pub ai_label_json: String,
}

/// A removable storage device.
pub(crate) struct Usb {
    pub manufacturer: &'static str,
    pub model: &'static str,
    pub serial: String,
    /// `{"SerialNumber":…,"Manufacturer":…,"Model":…}`.
    pub json: String,
}

/// Everything shared by the generators of one dataset.
pub(crate) struct Tenant {
    pub users: Vec<User>,
    /// Activity weight of each user (Zipf by a seeded rank permutation).
    pub activity: Weighted,
    pub sites: Vec<Site>,
    pub files: Vec<FileItem>,
    /// Non-zip catalog files of each department (index into `files`).
    pub files_by_dept: Vec<Vec<u32>>,
    /// Zip archives in the catalog.
    pub zips: Vec<u32>,
    pub usbs: Vec<Usb>,
    /// `SensitiveInfoTypeInfo` values for Copilot prompts/responses.
    pub copilot_sits: Vec<String>,
    /// `SensitiveInfoTypeInfo` values for e-mail and Teams messages (no prompt/response side).
    pub message_sits: Vec<String>,
    /// Pool of external recipient addresses.
    pub recipients: Vec<String>,
    /// `DlpPolicyMatchInfo` per DLP policy.
    pub dlp_json: Vec<String>,
    /// `DlpPolicyRuleMatchInfo` per DLP policy.
    pub dlp_rule_json: Vec<String>,
    /// `IrmPolicyMatchInfo` per IRM policy.
    pub irm_json: Vec<String>,
    /// `CcPolicyMatchInfo` per Communication Compliance policy.
    pub cc_json: Vec<String>,
}

/// Number of users for a dataset of `events` rows: 2000, growing slowly with size.
pub(crate) fn user_count(events: usize) -> usize {
    (2000 + events / 2000).min(12_000)
}

/// Activity rank of the named demo users (lower = busier); the rest are shuffled.
/// The planted users sit in the middle so their planted rows stand out.
const NAMED_RANKS: &[usize] = &[
    180, 260, 120, 0, 3, 9, 1, 25, 40, 60, 14, 80, 6, 150, 33, 70, 18,
];

impl Tenant {
    /// Builds the tenant for `seed`, sized for `events` DataSecurityEvents rows.
    pub(crate) fn build(seed: u64, events: usize) -> Tenant {
        let mut rng = rng_for(seed, "tenant", 0);
        let n = user_count(events);
        let sites = build_sites(&mut rng);
        let users = build_users(&mut rng, n);
        let activity = activity_weights(&mut rng, n);
        let (files, files_by_dept, zips) = build_files(&mut rng, &sites, n * 8);
        // Device 0 is the planted scenario's stick; the others appear in background rows.
        let usbs = (0..40)
            .map(|i| {
                let (manufacturer, model) = if i == 0 {
                    domains::USB_MODELS[0]
                } else {
                    pick(&mut rng, domains::USB_MODELS)
                };
                let serial = if i == 0 {
                    PLANTED_USB_SERIAL.to_string()
                } else {
                    hex_text(&mut rng, 16).to_uppercase()
                };
                let json = json_text(&json!({
                    "SerialNumber": serial, "Manufacturer": manufacturer, "Model": model
                }));
                Usb {
                    manufacturer,
                    model,
                    serial,
                    json,
                }
            })
            .collect();
        let copilot_sits = (0..96).map(|_| copilot_sit_json(&mut rng, true)).collect();
        let message_sits = (0..96).map(|_| copilot_sit_json(&mut rng, false)).collect();
        let recipients = (0..400)
            .map(|_| {
                format!(
                    "{}.{}@{}",
                    pick(&mut rng, domains::FIRST_NAMES).to_lowercase(),
                    pick(&mut rng, domains::LAST_NAMES).to_lowercase(),
                    pick(&mut rng, domains::EXTERNAL_MAIL_DOMAINS)
                )
            })
            .collect();
        let dlp_json = domains::DLP_POLICIES
            .iter()
            .map(|(name, id)| json_text(&json!([{ "PolicyName": name, "PolicyId": id }])))
            .collect();
        let dlp_rule_json = domains::DLP_POLICIES
            .iter()
            .enumerate()
            .map(|(i, (name, id))| {
                json_text(&json!([{
                    "PolicyId": id,
                    "RuleName": format!("{name} - {}", if i % 2 == 0 { "High volume" } else { "Low volume" }),
                    "RuleId": guid_string(&mut rng),
                    "Severity": if i % 2 == 0 { "High" } else { "Low" },
                }]))
            })
            .collect();
        let irm_json = domains::IRM_POLICIES
            .iter()
            .map(|(name, id)| json_text(&json!([{ "PolicyName": name, "PolicyId": id }])))
            .collect();
        let cc_json = domains::CC_POLICIES
            .iter()
            .map(|(name, id)| json_text(&json!([{ "PolicyName": name, "PolicyId": id }])))
            .collect();
        Tenant {
            users,
            activity,
            sites,
            files,
            files_by_dept,
            zips,
            usbs,
            copilot_sits,
            message_sits,
            recipients,
            dlp_json,
            dlp_rule_json,
            irm_json,
            cc_json,
        }
    }

    /// A user drawn by activity weight.
    pub(crate) fn pick_user(&self, rng: &mut Rng) -> usize {
        self.activity.pick(rng)
    }

    /// Index of the user with `upn` (used for the planted users, which always exist).
    pub(crate) fn user_index(&self, upn: &str) -> usize {
        self.users.iter().position(|u| u.upn == upn).unwrap_or(0)
    }

    /// A non-zip document a user of department `dept` works on: usually from the own
    /// department, popular documents more often.
    pub(crate) fn pick_file(&self, rng: &mut Rng, dept: usize) -> usize {
        let d = if rng.gen_bool(0.85) {
            dept
        } else {
            rng.gen_range(0..self.files_by_dept.len())
        };
        let list = match self.files_by_dept.get(d) {
            Some(l) if !l.is_empty() => l,
            _ => return 0,
        };
        // Quadratic skew: low indexes are the popular documents.
        let u: f64 = rng.r#gen();
        list[((u * u) * list.len() as f64) as usize % list.len()] as usize
    }
}

fn build_sites(rng: &mut Rng) -> Vec<Site> {
    DEPARTMENTS
        .iter()
        .map(|d| Site {
            url: format!("{}{}", domains::SHAREPOINT_ROOT, d.site),
            name: d.site,
            id: guid_string(rng),
            label: if d.sensitivity >= 0.75 {
                domains::LABEL_IDS[domains::LABEL_CONFIDENTIAL as usize]
            } else if d.sensitivity >= 0.5 {
                domains::LABEL_IDS[domains::LABEL_GENERAL as usize]
            } else {
                ""
            },
        })
        .collect()
}

fn build_users(rng: &mut Rng, n: usize) -> Vec<User> {
    let dept_weights = Weighted::new(DEPARTMENTS.iter().map(|d| d.weight));
    let mut seen: HashSet<String> = HashSet::new();
    let mut device_counter: HashMap<String, u32> = HashMap::new();
    let mut users = Vec::with_capacity(n);
    for i in 0..n {
        let (first, last, dept) = if let Some((f, l, d)) = domains::NAMED_USERS.get(i) {
            let dept = DEPARTMENTS.iter().position(|x| x.name == *d).unwrap_or(0);
            (f.to_string(), l.to_string(), dept)
        } else {
            let f = pick(rng, domains::FIRST_NAMES).to_string();
            let l = pick(rng, domains::LAST_NAMES).to_string();
            (f, l, dept_weights.pick(rng))
        };
        let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
        let mut account = base.clone();
        let mut k = 2;
        while !seen.insert(account.clone()) {
            account = format!("{base}{k}");
            k += 1;
        }
        let upn = format!("{account}@{}", domains::DOMAIN);
        let n_devices = if rng.gen_bool(0.3) { 2 } else { 1 };
        let devices = (0..n_devices)
            .map(|j| {
                let kind = if j == 0 {
                    "lt"
                } else if rng.gen_bool(0.7) {
                    "dt"
                } else {
                    "byod"
                };
                let key = format!("{kind}-{}", first.to_lowercase());
                let c = device_counter.entry(key.clone()).or_insert(0);
                *c += 1;
                let host = format!("{key}-{:02}", c);
                let name = format!("{host}.{}", domains::DOMAIN);
                let id = hex_text(rng, 40);
                let info_json = json_text(&json!([{ "DeviceId": id, "DeviceName": name }]));
                Device {
                    id,
                    name,
                    host,
                    aad_id: guid_string(rng),
                    managed: kind != "byod",
                    ip: format!(
                        "10.{}.{}.{}",
                        10 + dept,
                        rng.gen_range(0..64),
                        rng.gen_range(2..255)
                    ),
                    info_json,
                }
            })
            .collect();
        let ip = if rng.gen_bool(0.7) {
            pick(rng, domains::OFFICE_IPS).to_string()
        } else {
            let first_octet = pick(rng, &[24u8, 67, 73, 86, 92, 109, 174, 185]);
            format!(
                "{first_octet}.{}.{}.{}",
                rng.gen_range(1..255),
                rng.gen_range(0..255),
                rng.gen_range(1..255)
            )
        };
        let alt_emails = if rng.gen_bool(0.3) {
            format!("{account}@contoso.onmicrosoft.com")
        } else {
            String::new()
        };
        users.push(User {
            onedrive: format!("{}{}", domains::ONEDRIVE_ROOT, upn.replace(['.', '@'], "_")),
            display: format!("{first} {last}"),
            upn,
            account,
            dept,
            object_id: guid_string(rng),
            sid: format!("{}{}", domains::SID_PREFIX, 1100 + i),
            alt_emails,
            ip,
            devices,
            irm_scope: i < 3 || rng.gen_bool(0.15),
        });
    }
    users
}

fn activity_weights(rng: &mut Rng, n: usize) -> Weighted {
    // Rank permutation: named users get fixed ranks, the others fill the gaps in random order.
    let named = domains::NAMED_USERS.len().min(n);
    let mut taken = vec![false; n];
    let mut rank = vec![0usize; n];
    for (i, &r) in NAMED_RANKS.iter().enumerate().take(named) {
        let r = r.min(n - 1);
        if !taken[r] {
            taken[r] = true;
            rank[i] = r;
        } else {
            rank[i] = usize::MAX;
        }
    }
    let mut free: Vec<usize> = (0..n).filter(|&r| !taken[r]).collect();
    // Fisher-Yates with our generator (deterministic).
    for i in (1..free.len()).rev() {
        let j = rng.gen_range(0..=i);
        free.swap(i, j);
    }
    let mut next = free.into_iter();
    for (i, r) in rank.iter_mut().enumerate() {
        if i >= named || *r == usize::MAX {
            *r = next.next().unwrap_or(n - 1);
        }
    }
    Weighted::new(rank.iter().map(|&r| 1.0 / ((r + 2) as f64).powf(ZIPF_S)))
}

fn pick_label(rng: &mut Rng, sensitivity: f64) -> Option<u8> {
    let x: f64 = rng.r#gen::<f64>() * (1.0 - sensitivity * 0.6) + sensitivity * 0.6;
    Some(match x {
        x if x < 0.30 => return None,
        x if x < 0.36 => 1,
        x if x < 0.55 => domains::LABEL_GENERAL,
        x if x < 0.60 => 4,
        x if x < 0.76 => domains::LABEL_CONFIDENTIAL,
        x if x < 0.84 => 7,
        x if x < 0.87 => 8,
        x if x < 0.96 => domains::LABEL_HIGHLY_CONFIDENTIAL,
        _ => 11,
    })
}

/// `SensitiveInfoTypeInfo` text for detections: array of JSON-encoded strings (tables.md 3.3).
pub(crate) fn sit_json(sits: &[(usize, i64, i64)], side: Option<&str>) -> String {
    let elems: Vec<serde_json::Value> = sits
        .iter()
        .filter_map(|&(i, conf, count)| {
            let (id, _, classifier) = domains::SITS.get(i)?;
            let mut o = serde_json::Map::new();
            o.insert("SensitiveInfoTypeId".into(), json!(id));
            o.insert("Confidence".into(), json!(conf));
            o.insert("Count".into(), json!(count));
            o.insert("ClassifierType".into(), json!(classifier));
            if let Some(s) = side {
                o.insert("SubEntityName".into(), json!(s));
            }
            Some(serde_json::Value::String(json_text(
                &serde_json::Value::Object(o),
            )))
        })
        .collect();
    json_text(&serde_json::Value::Array(elems))
}

fn random_sits(rng: &mut Rng, dept: usize, max: usize) -> Vec<(usize, i64, i64)> {
    let pool = domains::DEPT_SITS.get(dept).copied().unwrap_or(&[2]);
    let k = rng.gen_range(1..=max.min(pool.len()).max(1));
    let mut out: Vec<(usize, i64, i64)> = Vec::with_capacity(k);
    for _ in 0..k {
        let s = pick(rng, pool);
        if out.iter().all(|o| o.0 != s) {
            let conf = pick(rng, &[65i64, 75, 85, 85]);
            out.push((s, conf, log_uniform(rng, 1, 60)));
        }
    }
    out
}

/// A random detection set; with `side`, tagged as a Copilot prompt or response.
fn copilot_sit_json(rng: &mut Rng, tagged: bool) -> String {
    let dept = rng.gen_range(0..DEPARTMENTS.len());
    let sits = random_sits(rng, dept, 2);
    let side = if rng.gen_bool(0.6) {
        "Prompt"
    } else {
        "Response"
    };
    sit_json(&sits, tagged.then_some(side))
}

/// Builds a [`FileItem`] with all derived fields.
#[allow(clippy::too_many_arguments)]
pub(crate) fn make_file(
    rng: &mut Rng,
    sites: &[Site],
    site: usize,
    folder: &'static str,
    name: String,
    ext: &'static str,
    size: i64,
    label: Option<u8>,
    sits: Vec<(usize, i64, i64)>,
) -> FileItem {
    let site_url = sites.get(site).map_or("", |s| s.url.as_str());
    let rel_url = format!("Shared Documents/{folder}");
    let url = format!("{site_url}/{rel_url}/{name}");
    let file_id = guid_string(rng);
    let ai_resource_json = json_text(&json!([json_text(&json!({
        "FileId": file_id, "FileName": name, "SiteUrl": site_url
    }))]));
    let ai_label_json = match label {
        Some(l) => json_text(&json!([json_text(&json!({
            "SubEntityId": file_id,
            "SubEntityName": "ResponseAccessedResource",
            "SensitivityLabelId": domains::LABEL_IDS[l as usize]
        }))])),
        None => "[null]".to_string(),
    };
    FileItem {
        sit_json: sit_json(&sits, None),
        name,
        ext,
        site,
        folder,
        rel_url,
        url,
        size,
        label,
        sits,
        ai_resource_json,
        ai_label_json,
    }
}

fn build_files(
    rng: &mut Rng,
    sites: &[Site],
    n: usize,
) -> (Vec<FileItem>, Vec<Vec<u32>>, Vec<u32>) {
    let dept_weights = Weighted::new(DEPARTMENTS.iter().map(|d| d.weight));
    let ext_weights = Weighted::new(domains::EXTENSIONS.iter().map(|e| e.1));
    let mut names: HashSet<String> = HashSet::new();
    let mut files = Vec::with_capacity(n);
    let mut by_dept = vec![Vec::new(); DEPARTMENTS.len()];
    let mut zips = Vec::new();
    while files.len() < n {
        let d = dept_weights.pick(rng);
        let dept = &DEPARTMENTS[d];
        let stem = if rng.gen_bool(0.75) {
            pick(rng, dept.stems)
        } else {
            pick(rng, domains::COMMON_STEMS)
        };
        let (ext, _, lo, hi) = domains::EXTENSIONS[ext_weights.pick(rng)];
        let variant = pick(rng, domains::NAME_VARIANTS);
        let mut name = format!("{stem}{variant}.{ext}");
        if !names.insert(format!("{d}/{name}")) {
            name = format!("{stem}{variant}-{}.{ext}", rng.gen_range(2..999));
            if !names.insert(format!("{d}/{name}")) {
                continue;
            }
        }
        let label = if ext == "zip" || ext == "png" {
            None
        } else {
            pick_label(rng, dept.sensitivity)
        };
        let sits = if (label.unwrap_or(0) >= domains::LABEL_CONFIDENTIAL && rng.gen_bool(0.7))
            || rng.gen_bool(0.12)
        {
            random_sits(rng, d, 3)
        } else {
            Vec::new()
        };
        let folder = pick(rng, dept.folders);
        let size = log_uniform(rng, lo, hi);
        let idx = files.len() as u32;
        if ext == "zip" {
            zips.push(idx);
        } else {
            by_dept[d].push(idx);
        }
        files.push(make_file(
            rng, sites, d, folder, name, ext, size, label, sits,
        ));
    }
    (files, by_dept, zips)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_shape() {
        let t = Tenant::build(7, 100_000);
        assert_eq!(t.users.len(), 2050);
        assert_eq!(t.users[0].upn, "megan.bowen@contoso.com");
        assert_eq!(DEPARTMENTS[t.users[0].dept].name, "Finance");
        let upns: HashSet<&str> = t.users.iter().map(|u| u.upn.as_str()).collect();
        assert_eq!(upns.len(), t.users.len());
        assert!(
            t.users
                .iter()
                .all(|u| u.devices.iter().all(|d| d.id.len() == 40))
        );
        assert_eq!(t.users[3].devices[0].name, "lt-adele-01.contoso.com");
        assert!(!t.zips.is_empty());
        assert_eq!(domains::DEPT_SITS.len(), DEPARTMENTS.len());
        let f = &t.files[0];
        assert!(f.url.ends_with(&f.name) && f.name.ends_with(f.ext));
        let v: serde_json::Value = serde_json::from_str(&f.ai_resource_json).unwrap();
        assert!(v[0].as_str().unwrap().contains("FileId"));
    }
}
