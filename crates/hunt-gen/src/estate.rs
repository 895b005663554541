//! The estate behind the correlation tables: per-device operating system and sensor
//! facts, per-user directory facts, and stable fake hashes of process images and files.
//!
//! Drawn from its own random stream (`"estate"`), never from the tenant's, so adding the
//! correlation tables leaves the users, devices and documents of the Insider Risk tables
//! exactly as they were.

use rand::Rng as _;

use crate::tenant::Tenant;
use crate::util::{Rng, pick, rng_for, splitmix64};
use crate::xdr_domains::{IMAGES, JOB_TITLES, OFFICES};

/// What Defender for Endpoint knows about a device.
pub(crate) struct DeviceFacts {
    /// `OSPlatform`: `Windows11` or `Windows10`.
    pub os_platform: &'static str,
    /// `OSBuild`.
    pub os_build: i64,
    /// `OSVersionInfo`.
    pub os_version_info: &'static str,
    /// `ClientVersion` of the sensor.
    pub client_version: &'static str,
    /// `PublicIP`.
    pub public_ip: String,
    /// `Model` and `Vendor`.
    pub model: (&'static str, &'static str),
    /// Whether the primary user is a local administrator.
    pub local_admin: bool,
    /// `LoggedOnUsers` JSON of the device's user.
    pub logged_on: String,
}

/// What the directory knows about a user.
pub(crate) struct UserFacts {
    pub job_title: String,
    /// Index into `OFFICES`.
    pub office: usize,
    /// Index of the manager in `Tenant::users`.
    pub manager: usize,
    pub phone: String,
    pub cloud_sid: String,
    pub on_prem_object_id: String,
    /// Days before the window start the account was created.
    pub created_days_ago: i64,
}

/// Hashes of one image or file.
pub(crate) struct Hashes {
    pub sha1: String,
    pub sha256: String,
    pub md5: String,
}

/// Estate facts for the whole tenant.
pub(crate) struct Estate {
    /// Per user, per device (same shape as `Tenant::users[u].devices`).
    pub devices: Vec<Vec<DeviceFacts>>,
    pub users: Vec<UserFacts>,
    /// Per entry of `IMAGES`.
    pub images: Vec<Hashes>,
    /// `C:\Users\<account>`-style profile folder per user.
    pub profiles: Vec<String>,
}

const MODELS: &[(&str, &str)] = &[
    ("Latitude 7440", "Dell Inc."),
    ("Surface Laptop 5", "Microsoft Corporation"),
    ("ThinkPad X1 Carbon Gen 11", "LENOVO"),
    ("EliteBook 840 G10", "HP"),
    ("OptiPlex 7010", "Dell Inc."),
];

/// `n` hex digits of a stable hash of `(salt, key)`.
pub(crate) fn hash_hex(salt: u64, key: u64, n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut state = splitmix64(salt ^ splitmix64(key));
    while out.len() < n {
        state = splitmix64(state);
        for k in 0..16 {
            if out.len() == n {
                break;
            }
            let d = ((state >> (60 - 4 * k)) & 0xF) as u32;
            out.push(char::from_digit(d, 16).unwrap_or('0'));
        }
    }
    out
}

/// SHA-1, SHA-256 and MD5 look-alikes of the object `key` (stable per seed).
pub(crate) fn hashes(seed: u64, key: u64) -> Hashes {
    Hashes {
        sha1: hash_hex(seed ^ 0x5a1, key, 40),
        sha256: hash_hex(seed ^ 0x5a256, key, 64),
        md5: hash_hex(seed ^ 0x3d5, key, 32),
    }
}

impl Estate {
    /// The estate of `tenant` for `seed`.
    pub(crate) fn build(seed: u64, tenant: &Tenant) -> Estate {
        let mut rng = rng_for(seed, "estate", 0);
        let n = tenant.users.len();
        let devices = tenant
            .users
            .iter()
            .map(|u| {
                u.devices
                    .iter()
                    .map(|d| device_facts(&mut rng, &u.account, &u.sid, &u.ip, d.managed))
                    .collect()
            })
            .collect();
        let users = (0..n)
            .map(|i| UserFacts {
                job_title: format!(
                    "{} {}",
                    crate::domains::DEPARTMENTS[tenant.users[i].dept].name,
                    if i < 3 { JOB_TITLES[1] } else { pick(&mut rng, JOB_TITLES) }
                ),
                office: rng.gen_range(0..OFFICES.len()),
                manager: if i == 0 { 1 } else { rng.gen_range(0..n.min(60)) },
                phone: format!("+1 425 555 {:04}", rng.gen_range(0..10_000)),
                cloud_sid: format!(
                    "S-1-12-1-{}-{}-{}-{}",
                    rng.gen_range(1_000_000_000u64..4_000_000_000),
                    rng.gen_range(1_000_000_000u64..4_000_000_000),
                    rng.gen_range(1_000_000_000u64..4_000_000_000),
                    rng.gen_range(1_000_000_000u64..4_000_000_000)
                ),
                on_prem_object_id: crate::util::guid_string(&mut rng),
                created_days_ago: rng.gen_range(30..3000),
            })
            .collect();
        let images = (0..IMAGES.len() as u64).map(|i| hashes(seed, 1 << 40 | i)).collect();
        let profiles = tenant
            .users
            .iter()
            .map(|u| format!("C:\\Users\\{}", u.account))
            .collect();
        Estate {
            devices,
            users,
            images,
            profiles,
        }
    }
}

fn device_facts(rng: &mut Rng, account: &str, sid: &str, ip: &str, managed: bool) -> DeviceFacts {
    let win11 = rng.gen_bool(0.7);
    DeviceFacts {
        os_platform: if win11 { "Windows11" } else { "Windows10" },
        os_build: if win11 { 22631 } else { 19045 },
        os_version_info: if win11 { "23H2" } else { "22H2" },
        client_version: pick(rng, &["10.8760.22621.1030", "10.8750.22621.1021", "10.8735.22621.1005"]),
        public_ip: ip.to_string(),
        model: pick(rng, MODELS),
        local_admin: !managed || rng.gen_bool(0.08),
        logged_on: format!(
            r#"[{{"UserName":"{account}","DomainName":"{}","Sid":"{sid}"}}]"#,
            crate::domains::NETBIOS_DOMAIN.to_uppercase()
        ),
    }
}

/// `%USER%`, `%DOC%` and `%ACCOUNT%` substituted in an image's command line.
pub(crate) fn command_line(template: &str, profile: &str, doc: &str, account: &str) -> String {
    if !template.contains('%') {
        return template.to_string();
    }
    template
        .replace("%USER%", profile)
        .replace("%DOC%", doc)
        .replace("%ACCOUNT%", account)
}

/// Folder of an image for a user (`%USER%` resolved).
pub(crate) fn image_folder(folder: &'static str, profile: &str) -> std::borrow::Cow<'static, str> {
    if folder.contains("%USER%") {
        std::borrow::Cow::Owned(folder.replace("%USER%", profile))
    } else {
        std::borrow::Cow::Borrowed(folder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_hex_of_the_right_length_and_stable() {
        let h = hashes(42, 7);
        assert_eq!((h.sha1.len(), h.sha256.len(), h.md5.len()), (40, 64, 32));
        assert!(h.sha256.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(hashes(42, 7).sha256, h.sha256);
        assert_ne!(hashes(42, 8).sha256, h.sha256);
    }

    #[test]
    fn command_line_substitution() {
        let c = command_line("x \"%USER%\\Documents\\%DOC%\"", "C:\\Users\\a", "b.docx", "a");
        assert_eq!(c, "x \"C:\\Users\\a\\Documents\\b.docx\"");
    }
}
