//! Defender for Endpoint event tables: `DeviceProcessEvents` and `DeviceFileEvents`,
//! and the device and initiating-process columns every `Device*Events` table shares.

use rand::Rng as _;

use crate::batch::{RowBatch, columns};
use crate::corr::{CrossRow, TableGen, World};
use crate::domains::{LABEL_NAMES, NETBIOS_DOMAIN};
use crate::estate::{command_line, hashes, image_folder};
use crate::util::{Rng, TICKS_PER_MIN, TICKS_PER_SEC, pick, pick_weighted};
use crate::xdr_domains::{EXPLORER, FILE_ACTIONS, IMAGES, Image, SVCHOST};
use hunt_plan::types::Schema;

columns!(
    /// Device and initiating-process columns (any of them may be absent from a table).
    DevCols {
        Timestamp, DeviceId, DeviceName, ReportId,
        InitiatingProcessAccountDomain, InitiatingProcessAccountName,
        InitiatingProcessAccountSid, InitiatingProcessAccountUpn,
        InitiatingProcessAccountObjectId, InitiatingProcessLogonId,
        InitiatingProcessIntegrityLevel, InitiatingProcessTokenElevation,
        InitiatingProcessSHA1, InitiatingProcessSHA256, InitiatingProcessMD5,
        InitiatingProcessFileName, InitiatingProcessFileSize,
        InitiatingProcessVersionInfoCompanyName, InitiatingProcessVersionInfoProductName,
        InitiatingProcessVersionInfoProductVersion, InitiatingProcessVersionInfoInternalFileName,
        InitiatingProcessVersionInfoOriginalFileName, InitiatingProcessVersionInfoFileDescription,
        InitiatingProcessId, InitiatingProcessCommandLine, InitiatingProcessCreationTime,
        InitiatingProcessFolderPath, InitiatingProcessParentId, InitiatingProcessParentFileName,
        InitiatingProcessParentCreationTime, InitiatingProcessSignerType,
        InitiatingProcessSignatureStatus, InitiatingProcessSessionId,
        IsInitiatingProcessRemoteSession,
    }
);

/// Whether an image runs as SYSTEM rather than as the signed-in user.
fn system_image(i: usize) -> bool {
    matches!(IMAGES[i].name, "svchost.exe" | "services.exe" | "wininit.exe" | "lsass.exe" | "MsSense.exe" | "SenseIR.exe")
}

/// Sets the device columns and the initiating-process columns for `image` run by the
/// row's user on the row's device.
#[allow(clippy::too_many_arguments)]
pub(crate) fn device_row(
    b: &mut RowBatch,
    c: &DevCols,
    w: &World<'_>,
    rng: &mut Rng,
    ticks: i64,
    user: u32,
    device: u8,
    image: usize,
) {
    let u = w.user(user).or(w.tenant.users.first());
    let img: &Image = &IMAGES[image.min(IMAGES.len() - 1)];
    b.time(c.Timestamp, ticks);
    b.int(c.ReportId, rng.gen_range(1_000..4_000_000));
    let Some(u) = u else { return };
    let profile = w.estate.profiles.get(user as usize).map_or("C:\\Users\\user", String::as_str);
    if let Some(d) = u.devices.get(device as usize).or(u.devices.first()) {
        b.str(c.DeviceId, &d.id);
        b.str(c.DeviceName, &d.name);
    }
    if system_image(image) {
        b.str(c.InitiatingProcessAccountDomain, "nt authority");
        b.str(c.InitiatingProcessAccountName, "system");
        b.str(c.InitiatingProcessAccountSid, "S-1-5-18");
        b.str(c.InitiatingProcessIntegrityLevel, "System");
        b.str(c.InitiatingProcessTokenElevation, "TokenElevationTypeDefault");
        b.int(c.InitiatingProcessLogonId, 999);
        b.int(c.InitiatingProcessSessionId, 0);
    } else {
        b.str(c.InitiatingProcessAccountDomain, NETBIOS_DOMAIN);
        b.str(c.InitiatingProcessAccountName, &u.account);
        b.str(c.InitiatingProcessAccountSid, &u.sid);
        b.str(c.InitiatingProcessAccountUpn, &u.upn);
        b.str(c.InitiatingProcessAccountObjectId, &u.object_id);
        b.str(c.InitiatingProcessIntegrityLevel, "Medium");
        b.str(c.InitiatingProcessTokenElevation, "TokenElevationTypeLimited");
        b.int(c.InitiatingProcessLogonId, 0x3e7_0000 + i64::from(device) * 7919 + i64::from(user));
        b.int(c.InitiatingProcessSessionId, 1);
    }
    if let Some(h) = w.estate.images.get(image) {
        b.str(c.InitiatingProcessSHA1, &h.sha1);
        b.str(c.InitiatingProcessSHA256, &h.sha256);
        b.str(c.InitiatingProcessMD5, &h.md5);
    }
    b.str(c.InitiatingProcessFileName, img.name);
    b.int(c.InitiatingProcessFileSize, img.size);
    b.str(c.InitiatingProcessVersionInfoCompanyName, img.company);
    b.str(c.InitiatingProcessVersionInfoProductName, img.product);
    b.str(c.InitiatingProcessVersionInfoProductVersion, img.version);
    b.str(c.InitiatingProcessVersionInfoInternalFileName, img.name.trim_end_matches(".exe").trim_end_matches(".EXE"));
    b.str(c.InitiatingProcessVersionInfoOriginalFileName, img.name);
    b.str(c.InitiatingProcessVersionInfoFileDescription, img.description);
    b.int(c.InitiatingProcessId, rng.gen_range(1_000..40_000) & !3);
    let cmd = pick(rng, img.commands);
    b.str(c.InitiatingProcessCommandLine, &command_line(cmd, profile, "report.docx", &u.account));
    let started = ticks - rng.gen_range(TICKS_PER_SEC..120 * TICKS_PER_MIN);
    b.time(c.InitiatingProcessCreationTime, started);
    b.concat(c.InitiatingProcessFolderPath, &[&image_folder(img.folder, profile), "\\", img.name]);
    b.int(c.InitiatingProcessParentId, rng.gen_range(500..20_000) & !3);
    b.str(c.InitiatingProcessParentFileName, IMAGES[img.parent.min(IMAGES.len() - 1)].name);
    b.time(c.InitiatingProcessParentCreationTime, started - rng.gen_range(TICKS_PER_SEC..600 * TICKS_PER_MIN));
    b.str(c.InitiatingProcessSignerType, if img.microsoft { "OsVendor" } else { "ThirdParty" });
    b.str(c.InitiatingProcessSignatureStatus, "Valid");
    b.bool(c.IsInitiatingProcessRemoteSession, false);
}

/// A user and one of their devices, drawn by activity.
pub(crate) fn pick_user_device(w: &World<'_>, rng: &mut Rng) -> (u32, u8) {
    let u = w.tenant.pick_user(rng);
    let n = w.tenant.users.get(u).map_or(1, |x| x.devices.len().max(1));
    (u as u32, rng.gen_range(0..n) as u8)
}

columns!(
    /// DeviceProcessEvents' own columns.
    ProcCols {
        ActionType, FileName, FolderPath, SHA1, SHA256, MD5, FileSize,
        ProcessVersionInfoCompanyName, ProcessVersionInfoProductName,
        ProcessVersionInfoProductVersion, ProcessVersionInfoInternalFileName,
        ProcessVersionInfoOriginalFileName, ProcessVersionInfoFileDescription,
        ProcessId, ProcessCommandLine, ProcessIntegrityLevel, ProcessTokenElevation,
        ProcessCreationTime, AccountDomain, AccountName, AccountSid, AccountUpn,
        AccountObjectId, LogonId,
    }
);

/// `DeviceProcessEvents`: `ProcessCreated` rows.
pub(crate) struct ProcessGen {
    dev: DevCols,
    c: ProcCols,
    weights: crate::util::Weighted,
}

impl ProcessGen {
    fn render(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64, user: u32, device: u8, image: usize, cmd: Option<&str>) {
        let img = &IMAGES[image.min(IMAGES.len() - 1)];
        device_row(b, &self.dev, w, rng, t, user, device, img.parent);
        let c = &self.c;
        let u = w.user(user).or(w.tenant.users.first());
        let profile = w.estate.profiles.get(user as usize).map_or("C:\\Users\\user", String::as_str);
        b.str(c.ActionType, "ProcessCreated");
        b.str(c.FileName, img.name);
        b.concat(c.FolderPath, &[&image_folder(img.folder, profile), "\\", img.name]);
        if let Some(h) = w.estate.images.get(image) {
            b.str(c.SHA1, &h.sha1);
            b.str(c.SHA256, &h.sha256);
            b.str(c.MD5, &h.md5);
        }
        b.int(c.FileSize, img.size);
        b.str(c.ProcessVersionInfoCompanyName, img.company);
        b.str(c.ProcessVersionInfoProductName, img.product);
        b.str(c.ProcessVersionInfoProductVersion, img.version);
        b.str(c.ProcessVersionInfoInternalFileName, img.name.trim_end_matches(".exe").trim_end_matches(".EXE"));
        b.str(c.ProcessVersionInfoOriginalFileName, img.name);
        b.str(c.ProcessVersionInfoFileDescription, img.description);
        b.int(c.ProcessId, rng.gen_range(1_000..60_000) & !3);
        let account = u.map_or("", |u| u.account.as_str());
        match cmd {
            Some(cmd) => b.str(c.ProcessCommandLine, cmd),
            None => {
                let doc = w.tenant.files.get(rng.gen_range(0..w.tenant.files.len().max(1))).map_or("report.docx", |f| f.name.as_str());
                b.str(c.ProcessCommandLine, &command_line(pick(rng, img.commands), profile, doc, account));
            }
        }
        b.time(c.ProcessCreationTime, t);
        if system_image(image) {
            b.str(c.ProcessIntegrityLevel, "System");
            b.str(c.ProcessTokenElevation, "TokenElevationTypeDefault");
            b.str(c.AccountDomain, "nt authority");
            b.str(c.AccountName, "system");
            b.str(c.AccountSid, "S-1-5-18");
            b.int(c.LogonId, 999);
        } else if let Some(u) = u {
            b.str(c.ProcessIntegrityLevel, "Medium");
            b.str(c.ProcessTokenElevation, "TokenElevationTypeLimited");
            b.str(c.AccountDomain, NETBIOS_DOMAIN);
            b.str(c.AccountName, &u.account);
            b.str(c.AccountSid, &u.sid);
            b.str(c.AccountUpn, &u.upn);
            b.str(c.AccountObjectId, &u.object_id);
            b.int(c.LogonId, 0x3e7_0000 + i64::from(device) * 7919 + i64::from(user));
        }
        b.end_row();
    }
}

impl TableGen for ProcessGen {
    const NAME: &'static str = "DeviceProcessEvents";
    const NO_DICT: &'static [&'static str] = &["ReportId", "ProcessId", "InitiatingProcessId"];

    fn new(schema: &Schema) -> Self {
        ProcessGen {
            dev: DevCols::resolve(schema),
            c: ProcCols::resolve(schema),
            weights: crate::util::Weighted::new(IMAGES.iter().map(|i| i.weight)),
        }
    }

    fn background(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64) {
        let (user, device) = pick_user_device(w, rng);
        let image = self.weights.pick(rng);
        self.render(w, b, rng, t, user, device, image, None);
    }

    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, r: &CrossRow) {
        self.render(w, b, rng, r.ticks, r.user, r.device, r.image, Some(&r.text));
    }
}

columns!(
    /// DeviceFileEvents' own columns.
    FileCols {
        ActionType, FileName, FolderPath, SHA1, SHA256, MD5, FileOriginUrl,
        FileOriginReferrerUrl, FileOriginIP, PreviousFolderPath, PreviousFileName, FileSize,
        RequestProtocol, SensitivityLabel, IsAzureInfoProtectionApplied, AdditionalFields,
    }
);

/// `DeviceFileEvents`: files created, modified, renamed and deleted by users' processes.
pub(crate) struct FileGen {
    dev: DevCols,
    c: FileCols,
}

/// Index of an application image that edits files of extension `ext`.
fn editor_for(ext: &str, rng: &mut Rng) -> usize {
    let name = crate::events::app_for_ext(ext, rng);
    IMAGES.iter().position(|i| i.name == name).unwrap_or(EXPLORER)
}

impl TableGen for FileGen {
    const NAME: &'static str = "DeviceFileEvents";
    const NO_DICT: &'static [&'static str] = &["ReportId", "SHA1", "SHA256", "MD5", "FolderPath"];

    fn new(schema: &Schema) -> Self {
        FileGen {
            dev: DevCols::resolve(schema),
            c: FileCols::resolve(schema),
        }
    }

    fn background(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64) {
        let (user, device) = pick_user_device(w, rng);
        let dept = w.tenant.users.get(user as usize).map_or(0, |u| u.dept);
        let fi = w.tenant.pick_file(rng, dept);
        let Some(f) = w.tenant.files.get(fi) else {
            device_row(b, &self.dev, w, rng, t, user, device, SVCHOST);
            b.end_row();
            return;
        };
        let action = pick_weighted(rng, FILE_ACTIONS);
        let image = editor_for(f.ext, rng);
        device_row(b, &self.dev, w, rng, t, user, device, image);
        let c = &self.c;
        let profile = w.estate.profiles.get(user as usize).map_or("C:\\Users\\user", String::as_str);
        let folder = if rng.gen_bool(0.3) { "Downloads" } else { "Documents" };
        b.str(c.ActionType, action);
        b.str(c.FileName, &f.name);
        b.concat(c.FolderPath, &[profile, "\\", folder, "\\", &f.name]);
        if action != "FileDeleted" {
            let h = hashes(w.seed, fi as u64);
            b.str(c.SHA1, &h.sha1);
            b.str(c.SHA256, &h.sha256);
            b.str(c.MD5, &h.md5);
            b.int(c.FileSize, f.size);
        }
        if action == "FileRenamed" {
            let (stem, ext) = f.name.rsplit_once('.').unwrap_or((&f.name, ""));
            b.concat(c.PreviousFileName, &[stem, "-old.", ext]);
            b.concat(c.PreviousFolderPath, &[profile, "\\", folder, "\\"]);
        }
        if folder == "Downloads" && action == "FileCreated" {
            let site = w.tenant.sites.get(f.site).map_or("", |s| s.url.as_str());
            b.str(c.FileOriginUrl, &f.url);
            b.str(c.FileOriginReferrerUrl, site);
        }
        b.str(c.RequestProtocol, "Local");
        if let Some(l) = f.label {
            b.str(c.SensitivityLabel, LABEL_NAMES[l as usize]);
        }
        b.bool(c.IsAzureInfoProtectionApplied, f.label.is_some_and(|l| l >= crate::domains::LABEL_CONFIDENTIAL));
        b.fmt(c.AdditionalFields, format_args!(r#"{{"FileType":"{}"}}"#, f.ext.to_uppercase()));
        b.end_row();
    }

    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, r: &CrossRow) {
        device_row(b, &self.dev, w, rng, r.ticks, r.user, r.device, r.image);
        let c = &self.c;
        b.str(c.ActionType, r.action);
        b.str(c.FileName, &r.name);
        b.concat(c.FolderPath, &[&r.folder, if r.folder.ends_with('\\') { "" } else { "\\" }, &r.name]);
        let h = hashes(w.seed, r.key);
        b.str(c.SHA1, &h.sha1);
        b.str(c.SHA256, &h.sha256);
        b.str(c.MD5, &h.md5);
        b.int(c.FileSize, r.size);
        if !r.url.is_empty() {
            b.str(c.FileOriginUrl, &r.url);
        }
        if !r.ip.is_empty() {
            b.str(c.FileOriginIP, r.ip);
        }
        b.str(c.RequestProtocol, "Local");
        b.str(c.SensitivityLabel, r.label);
        b.bool(c.IsAzureInfoProtectionApplied, false);
        if !r.text.is_empty() {
            b.str(c.AdditionalFields, &r.text);
        }
        b.end_row();
    }
}
