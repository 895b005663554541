//! The planted insider-risk scenarios as the correlation tables see them.
//!
//! Every planted DataSecurityEvents activity (see `scenarios.rs`) leaves the traces the
//! real products would record, at the same time, for the same user and device:
//!
//! | Planted activity | Correlation rows |
//! |---|---|
//! | `File Archived` (zip) | DeviceProcessEvents `7z.exe a -tzip …`; DeviceFileEvents `FileCreated` of the zip |
//! | `FileUploaded` (zip) | DeviceNetworkEvents `ConnectionSuccess` of chrome.exe to the upload site; CloudAppEvents `FileUploaded` (Google Drive or Mega) |
//! | `File downloaded from SharePoint` | CloudAppEvents `FileDownloaded`; DeviceFileEvents `FileCreated` in Downloads with `FileOriginUrl` |
//! | `File accessed on SPO` | CloudAppEvents `FileAccessed` |
//! | `Sensitive File read` | DeviceProcessEvents of the Office app opening the document |
//! | `Label downgraded/removed` | DeviceFileEvents `FileModified` with the new `SensitivityLabel` |
//! | `File copied to Removable media` | DeviceFileEvents `FileCreated` under `E:\` by explorer.exe |
//! | Copilot prompts and responses | CloudAppEvents `CopilotInteraction` (Microsoft 365 Copilot) |
//!
//! Besides, each planted user signs in to their laptop (DeviceLogonEvents `Interactive`)
//! at 07:50 UTC on every day of their scenario, and the departing user mails
//! [`DEPARTING_PERSONAL_MAILS`] messages with an attachment to a personal address
//! (EmailEvents `Outbound`, CloudAppEvents `Send`) on her last three days.

use std::collections::BTreeSet;

use rand::Rng as _;

use crate::corr::CrossRow;
use crate::domains::LABEL_NAMES;
use crate::estate::Estate;
use crate::events::{Activity, FileRef, Kind};
use crate::scenarios::{DEPARTING_USER, Planted};
use crate::tenant::{FileItem, Tenant};
use crate::util::{Rng, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MIN, TICKS_PER_SEC, rng_for};
use crate::xdr_domains::{
    APP_COPILOT, APP_GDRIVE, APP_SHAREPOINT, APP_EXCHANGE, CHROME, DEPARTING_PERSONAL_MAIL, EXPLORER,
    GDRIVE_IP, IMAGES, MEGA_IP, SEVENZIP,
};

/// Planted rows of the departing user's mails to her personal address.
pub const DEPARTING_PERSONAL_MAILS: usize = 3;

/// Planted rows of each correlation table.
#[derive(Default)]
pub(crate) struct CrossPlanted {
    pub process: Vec<CrossRow>,
    pub file: Vec<CrossRow>,
    pub network: Vec<CrossRow>,
    pub logon: Vec<CrossRow>,
    pub email: Vec<CrossRow>,
    pub cloud: Vec<CrossRow>,
}

/// Hash key of a document (catalog files by index, planted ones above 2^32).
pub(crate) fn file_key(f: FileRef) -> u64 {
    match f {
        FileRef::Catalog(i) => u64::from(i),
        FileRef::Planted(i) => 1 << 32 | u64::from(i),
    }
}

fn image_of(name: &str) -> usize {
    IMAGES.iter().position(|i| i.name == name).unwrap_or(EXPLORER)
}

/// Derives the correlation tables' planted rows from the planted activities.
pub(crate) fn derive(seed: u64, t: &Tenant, estate: &Estate, p: &Planted) -> CrossPlanted {
    let mut rng = rng_for(seed, "planted-cross", 0);
    let mut out = CrossPlanted::default();
    let mut days: BTreeSet<(u32, i64)> = BTreeSet::new();
    for a in &p.events {
        days.insert((a.user, a.ticks.div_euclid(TICKS_PER_DAY)));
        one(&mut rng, t, estate, p, a, &mut out);
    }
    for (user, day) in days {
        out.logon.push(CrossRow {
            ticks: day * TICKS_PER_DAY + 7 * TICKS_PER_HOUR + 50 * TICKS_PER_MIN
                + rng.gen_range(0..5 * TICKS_PER_MIN),
            user,
            action: "Interactive",
            ..CrossRow::default()
        });
    }
    personal_mails(&mut rng, t, p, &mut out);
    out
}

fn one(rng: &mut Rng, t: &Tenant, estate: &Estate, p: &Planted, a: &Activity, out: &mut CrossPlanted) {
    let file: Option<&FileItem> = match a.file {
        Some(FileRef::Catalog(i)) => t.files.get(i as usize),
        Some(FileRef::Planted(i)) => p.files.get(i as usize),
        None => None,
    };
    let key = a.file.map_or(0, file_key);
    let profile = estate.profiles.get(a.user as usize).map_or("C:\\Users\\user", String::as_str);
    let base = CrossRow {
        ticks: a.ticks,
        user: a.user,
        device: a.device,
        key,
        ..CrossRow::default()
    };
    let label = |l: Option<u8>| l.map_or("", |l| LABEL_NAMES[l as usize]);
    let Some(f) = file else {
        if a.kind == Kind::Copilot {
            out.cloud.push(copilot(&base));
        }
        return;
    };
    match a.action {
        "File Archived" => {
            let folder = format!("{profile}\\Documents\\Archive");
            out.process.push(CrossRow {
                ticks: a.ticks - 2 * TICKS_PER_SEC,
                action: "ProcessCreated",
                image: SEVENZIP,
                text: format!(
                    "\"C:\\Program Files\\7-Zip\\7z.exe\" a -tzip \"{folder}\\{}\" \"{profile}\\Documents\\Board\\*\"",
                    f.name
                ),
                ..base.clone()
            });
            out.file.push(CrossRow {
                action: "FileCreated",
                image: SEVENZIP,
                name: f.name.clone(),
                folder,
                size: f.size,
                ..base
            });
        }
        "FileUploaded" => {
            let mega = a.domain == "mega.nz";
            out.network.push(CrossRow {
                ticks: a.ticks - TICKS_PER_SEC,
                action: "ConnectionSuccess",
                image: CHROME,
                url: a.domain.to_string(),
                ip: if mega { MEGA_IP } else { GDRIVE_IP },
                ..base.clone()
            });
            out.cloud.push(CrossRow {
                ticks: a.ticks + 5 * TICKS_PER_SEC,
                action: "FileUploaded",
                app: if mega { usize::MAX } else { APP_GDRIVE },
                name: f.name.clone(),
                folder: format!("https://{}/file/{}", a.domain, f.name),
                ..base
            });
        }
        "File downloaded from SharePoint" => {
            out.cloud.push(CrossRow {
                action: "FileDownloaded",
                app: APP_SHAREPOINT,
                name: f.name.clone(),
                folder: f.url.clone(),
                ..base.clone()
            });
            out.file.push(CrossRow {
                ticks: a.ticks + 3 * TICKS_PER_SEC,
                action: "FileCreated",
                image: 2, // msedge.exe
                name: f.name.clone(),
                folder: format!("{profile}\\Downloads"),
                size: f.size,
                url: f.url.clone(),
                label: label(f.label),
                ..base
            });
        }
        "File accessed on SPO" => out.cloud.push(CrossRow {
            action: "FileAccessed",
            app: APP_SHAREPOINT,
            name: f.name.clone(),
            folder: f.url.clone(),
            ..base
        }),
        "Sensitive File read" => {
            let image = image_of(crate::events::app_for_ext(f.ext, rng));
            out.process.push(CrossRow {
                action: "ProcessCreated",
                image,
                text: format!(
                    "\"{}\" \"{profile}\\Documents\\{}\\{}\"",
                    IMAGES[image].name, f.folder, f.name
                ),
                ..base
            });
        }
        "Label downgraded on a file" | "Label removed from a file" => out.file.push(CrossRow {
            action: "FileModified",
            image: image_of(a.app),
            name: f.name.clone(),
            folder: format!("{profile}\\Documents\\{}", f.folder),
            size: f.size,
            label: label(a.label.unwrap_or(f.label)),
            ..base
        }),
        "File copied to Removable media" => out.file.push(CrossRow {
            action: "FileCreated",
            image: EXPLORER,
            name: f.name.clone(),
            folder: "E:\\".to_string(),
            size: f.size,
            label: label(a.label.unwrap_or(f.label)),
            text: r#"{"FileType":"Removable media copy"}"#.to_string(),
            ..base
        }),
        _ if a.kind == Kind::Copilot => out.cloud.push(copilot(&base)),
        _ => {}
    }
}

fn copilot(base: &CrossRow) -> CrossRow {
    CrossRow {
        action: "CopilotInteraction",
        app: APP_COPILOT,
        name: "Microsoft 365 Copilot Chat".to_string(),
        ..base.clone()
    }
}

/// The departing user mails one zip a day to her personal address on her last three days.
fn personal_mails(rng: &mut Rng, t: &Tenant, p: &Planted, out: &mut CrossPlanted) {
    let u = t.user_index(DEPARTING_USER) as u32;
    let mut zips: Vec<(i64, String)> = p
        .events
        .iter()
        .filter(|a| a.user == u && a.action == "File Archived")
        .filter_map(|a| match a.file {
            Some(FileRef::Planted(i)) => p.files.get(i as usize).map(|f| (a.ticks, f.name.clone())),
            _ => None,
        })
        .collect();
    zips.sort();
    let mut by_day: Vec<(i64, String)> = Vec::new();
    for (ticks, name) in zips {
        let day = ticks.div_euclid(TICKS_PER_DAY);
        if by_day.last().is_none_or(|(d, _)| *d != day) {
            by_day.push((day, name));
        }
    }
    let start = by_day.len().saturating_sub(DEPARTING_PERSONAL_MAILS);
    for (day, name) in by_day.into_iter().skip(start) {
        let ticks = day * TICKS_PER_DAY + 18 * TICKS_PER_HOUR + rng.gen_range(0..30 * TICKS_PER_MIN);
        let subject = format!("fwd: {name}");
        out.email.push(CrossRow {
            ticks,
            user: u,
            name: subject.clone(),
            size: 1,
            text: DEPARTING_PERSONAL_MAIL.to_string(),
            ..CrossRow::default()
        });
        out.cloud.push(CrossRow {
            ticks: ticks - TICKS_PER_SEC,
            user: u,
            action: "Send",
            app: APP_EXCHANGE,
            name: subject,
            folder: DEPARTING_PERSONAL_MAIL.to_string(),
            ..CrossRow::default()
        });
    }
}
