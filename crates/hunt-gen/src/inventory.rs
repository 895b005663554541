//! Inventory tables: `DeviceInfo` (periodic device reports) and `IdentityInfo`
//! (periodic account snapshots). Every row is listed up front (a report per device or
//! account every [`REPORT_EVERY_DAYS`] days, at a stable hour), so both tables are
//! written as "planted-only" tables.

use rand::Rng as _;

use crate::batch::{RowBatch, columns};
use crate::corr::{CrossRow, TableGen, World};
use crate::domains::{DEPARTMENTS, DOMAIN, NETBIOS_DOMAIN, TENANT_ID};
use crate::tenant::Tenant;
use crate::util::{Rng, TICKS_PER_DAY, TICKS_PER_MIN, splitmix64};
use crate::xdr_domains::OFFICES;
use hunt_plan::types::Schema;

/// Days between two reports of a device or account.
pub(crate) const REPORT_EVERY_DAYS: i64 = 7;

/// Report times in `[start, end)` for object `key`: a stable time of day and phase,
/// then every [`REPORT_EVERY_DAYS`] days; the first report is always on the first day,
/// so even a one-day window lists every device and account.
fn report_times(key: u64, start: i64, end: i64) -> Vec<i64> {
    let h = splitmix64(key);
    let time_of_day =
        ((h >> 8) % (24 * 60)) as i64 * TICKS_PER_MIN + ((h >> 24) % 600_000_000) as i64;
    let phase = (h % REPORT_EVERY_DAYS as u64) as i64;
    let mut v = Vec::new();
    if phase != 0 {
        v.push(start + time_of_day);
    }
    let mut t = start + phase * TICKS_PER_DAY + time_of_day;
    while t < end {
        v.push(t);
        t += REPORT_EVERY_DAYS * TICKS_PER_DAY;
    }
    v.retain(|&t| t < end);
    v
}

/// One `DeviceInfo` row per device per report.
pub(crate) fn device_reports(t: &Tenant, seed: u64, start: i64, end: i64) -> Vec<CrossRow> {
    let mut rows = Vec::new();
    for (u, user) in t.users.iter().enumerate() {
        for (d, _) in user.devices.iter().enumerate() {
            let key = seed ^ ((u as u64) << 8 | d as u64);
            for ticks in report_times(key, start, end) {
                rows.push(CrossRow { ticks, user: u as u32, device: d as u8, ..CrossRow::default() });
            }
        }
    }
    rows
}

/// One `IdentityInfo` row per account per report.
pub(crate) fn account_reports(t: &Tenant, seed: u64, start: i64, end: i64) -> Vec<CrossRow> {
    let mut rows = Vec::new();
    for u in 0..t.users.len() {
        let key = seed ^ 0x1d ^ ((u as u64) << 20);
        for ticks in report_times(key, start, end) {
            rows.push(CrossRow { ticks, user: u as u32, ..CrossRow::default() });
        }
    }
    rows
}

columns!(
    /// DeviceInfo columns.
    DeviceInfoCols {
        Timestamp, DeviceId, DeviceName, ClientVersion, PublicIP, OSArchitecture, OSPlatform,
        OSBuild, IsAzureADJoined, JoinType, AadDeviceId, LoggedOnUsers, OSVersion,
        MachineGroup, ReportId, OnboardingStatus, AdditionalFields, DeviceCategory, DeviceType,
        Model, Vendor, OSDistribution, OSVersionInfo, IsInternetFacing, SensorHealthState,
        IsExcluded, ExposureLevel, AssetValue, DeviceManualTags, DeviceDynamicTags,
        ConnectivityType,
    }
);

/// `DeviceInfo` rows.
pub(crate) struct DeviceInfoGen {
    c: DeviceInfoCols,
}

impl TableGen for DeviceInfoGen {
    const NAME: &'static str = "DeviceInfo";

    fn new(schema: &Schema) -> Self {
        DeviceInfoGen { c: DeviceInfoCols::resolve(schema) }
    }

    fn background(&self, _: &World<'_>, b: &mut RowBatch, _: &mut Rng, ticks: i64) {
        // Every DeviceInfo row is listed up front; this is never called with a
        // background share, but must still produce a row if it were.
        b.time(self.c.Timestamp, ticks);
        b.end_row();
    }

    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, r: &CrossRow) {
        let c = &self.c;
        b.time(c.Timestamp, r.ticks);
        b.int(c.ReportId, rng.gen_range(1_000..90_000));
        let user = w.user(r.user);
        let dev = user.and_then(|u| u.devices.get(r.device as usize));
        let facts = w.estate.devices.get(r.user as usize).and_then(|d| d.get(r.device as usize));
        if let (Some(u), Some(d), Some(f)) = (user, dev, facts) {
            b.str(c.DeviceId, &d.id);
            b.str(c.DeviceName, &d.name);
            b.str(c.ClientVersion, f.client_version);
            b.str(c.PublicIP, &f.public_ip);
            b.str(c.OSArchitecture, "64-bit");
            b.str(c.OSPlatform, f.os_platform);
            b.int(c.OSBuild, f.os_build);
            b.bool(c.IsAzureADJoined, d.managed);
            b.str(c.JoinType, if d.managed { "Hybrid Azure AD Join" } else { "Azure AD Registered" });
            b.str(c.AadDeviceId, &d.aad_id);
            b.str(c.LoggedOnUsers, &f.logged_on);
            b.str(c.OSVersion, "10.0");
            b.str(c.MachineGroup, DEPARTMENTS[u.dept].name);
            b.str(c.OnboardingStatus, "Onboarded");
            b.str(c.AdditionalFields, "{}");
            b.str(c.DeviceCategory, "Endpoint");
            b.str(c.DeviceType, "Workstation");
            b.str(c.Model, f.model.0);
            b.str(c.Vendor, f.model.1);
            b.str(c.OSDistribution, "");
            b.str(c.OSVersionInfo, f.os_version_info);
            b.bool(c.IsInternetFacing, false);
            b.str(c.SensorHealthState, if rng.gen_bool(0.97) { "Active" } else { "Inactive" });
            b.bool(c.IsExcluded, false);
            b.str(c.ExposureLevel, if f.local_admin { "Medium" } else { "Low" });
            b.str(c.AssetValue, "Normal");
            b.str(c.DeviceManualTags, "[]");
            b.fmt(c.DeviceDynamicTags, format_args!(r#"["{}"]"#, DEPARTMENTS[u.dept].name));
            b.str(c.ConnectivityType, "Streamlined");
        }
        b.end_row();
    }
}

columns!(
    /// IdentityInfo columns.
    IdentityCols {
        Timestamp, ReportId, AccountObjectId, AccountUpn, OnPremSid, AccountDisplayName,
        AccountName, AccountDomain, CriticalityLevel, Type, DistinguishedName, CloudSid,
        GivenName, Surname, Department, JobTitle, EmailAddress, SipProxyAddress, Address,
        City, Country, IsAccountEnabled, Manager, Phone, CreatedDateTime, ChangeSource,
        RiskLevel, Tags, AssignedRoles, TenantId, SourceSystem,
        OnPremObjectId, TenantMembershipType, RiskStatus, UserAccountControl,
        IdentityEnvironment, SourceProviders,
    }
);

/// `IdentityInfo` rows.
pub(crate) struct IdentityGen {
    c: IdentityCols,
}

impl TableGen for IdentityGen {
    const NAME: &'static str = "IdentityInfo";

    fn new(schema: &Schema) -> Self {
        IdentityGen { c: IdentityCols::resolve(schema) }
    }

    fn background(&self, _: &World<'_>, b: &mut RowBatch, _: &mut Rng, ticks: i64) {
        b.time(self.c.Timestamp, ticks);
        b.end_row();
    }

    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, r: &CrossRow) {
        let c = &self.c;
        b.time(c.Timestamp, r.ticks);
        b.guid(c.ReportId, rng.r#gen());
        let (Some(u), Some(f)) = (w.user(r.user), w.estate.users.get(r.user as usize)) else {
            b.end_row();
            return;
        };
        let (given, surname) = u.display.split_once(' ').unwrap_or((&u.display, ""));
        let dept = DEPARTMENTS[u.dept].name;
        b.str(c.AccountObjectId, &u.object_id);
        b.str(c.AccountUpn, &u.upn);
        b.str(c.OnPremSid, &u.sid);
        b.str(c.AccountDisplayName, &u.display);
        b.str(c.AccountName, &u.account);
        b.str(c.AccountDomain, DOMAIN);
        b.int(c.CriticalityLevel, if f.job_title.ends_with("Director") { 1 } else { 0 });
        b.str(c.Type, "User");
        b.fmt(
            c.DistinguishedName,
            format_args!("CN={},OU={},OU=Users,DC={},DC=com", u.display, dept, NETBIOS_DOMAIN),
        );
        b.str(c.CloudSid, &f.cloud_sid);
        b.str(c.GivenName, given);
        b.str(c.Surname, surname);
        b.str(c.Department, dept);
        b.str(c.JobTitle, &f.job_title);
        b.str(c.EmailAddress, &u.upn);
        b.concat(c.SipProxyAddress, &["sip:", &u.upn]);
        let (city, country, street) = OFFICES[f.office % OFFICES.len()];
        b.str(c.Address, street);
        b.str(c.City, city);
        b.str(c.Country, country);
        b.bool(c.IsAccountEnabled, true);
        if let Some(m) = w.tenant.users.get(f.manager) {
            b.str(c.Manager, &m.display);
        }
        b.str(c.Phone, &f.phone);
        b.time(c.CreatedDateTime, w.start - f.created_days_ago * TICKS_PER_DAY);
        b.str(c.ChangeSource, "System-UserPersistence");
        b.str(c.RiskLevel, "");
        b.str(c.Tags, "[]");
        b.str(c.AssignedRoles, "[]");
        b.str(c.TenantId, TENANT_ID);
        b.str(c.SourceSystem, "Hybrid");
        b.str(c.OnPremObjectId, &f.on_prem_object_id);
        b.str(c.TenantMembershipType, "Member");
        b.str(c.RiskStatus, "None");
        b.str(c.UserAccountControl, "NormalAccount");
        b.str(c.IdentityEnvironment, "Hybrid");
        b.str(c.SourceProviders, r#"["ActiveDirectory","EntraID"]"#);
        b.end_row();
    }
}
