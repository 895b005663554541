//! Defender for Endpoint `DeviceNetworkEvents` (outbound connections of users'
//! processes) and `DeviceLogonEvents` (sign-ins on devices).

use rand::Rng as _;

use crate::batch::{RowBatch, columns};
use crate::corr::{CrossRow, TableGen, World};
use crate::domains::NETBIOS_DOMAIN;
use crate::endpoint::{DevCols, device_row, pick_user_device};
use crate::util::{Rng, Weighted, pick, pick_weighted};
use crate::xdr_domains::{LOGON_FAILURES, LOGON_TYPES, LSASS, REMOTES};
use hunt_plan::types::Schema;

columns!(
    /// DeviceNetworkEvents' own columns.
    NetCols {
        ActionType, RemoteIP, RemotePort, RemoteUrl, LocalIP, LocalPort, Protocol,
        LocalIPType, RemoteIPType,
    }
);

/// `DeviceNetworkEvents`: `ConnectionSuccess` (mostly), `ConnectionFailed`,
/// `InboundConnectionAccepted` and `DnsConnectionInspected` rows.
pub(crate) struct NetworkGen {
    dev: DevCols,
    c: NetCols,
    remotes: Weighted,
}

fn ip_type(ip: &str) -> &'static str {
    if ip.starts_with("10.") || ip.starts_with("192.168.") {
        "Private"
    } else if ip.starts_with("127.") {
        "Loopback"
    } else {
        "Public"
    }
}

impl NetworkGen {
    #[allow(clippy::too_many_arguments)]
    fn render(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64, user: u32, device: u8, image: usize, action: &str, url: &str, ip: &str, port: i64) {
        device_row(b, &self.dev, w, rng, t, user, device, image);
        let c = &self.c;
        b.str(c.ActionType, action);
        b.str(c.RemoteIP, ip);
        b.int(c.RemotePort, port);
        b.str(c.RemoteUrl, url);
        let local = w
            .user(user)
            .and_then(|u| u.devices.get(device as usize).or(u.devices.first()))
            .map_or("10.10.0.2", |d| d.ip.as_str());
        b.str(c.LocalIP, local);
        b.int(c.LocalPort, rng.gen_range(49_152..65_535));
        b.str(c.Protocol, if port == 53 { "Udp" } else { "Tcp" });
        b.str(c.LocalIPType, "Private");
        b.str(c.RemoteIPType, ip_type(ip));
        b.end_row();
    }
}

impl TableGen for NetworkGen {
    const NAME: &'static str = "DeviceNetworkEvents";
    const NO_DICT: &'static [&'static str] = &["ReportId", "LocalPort"];

    fn new(schema: &Schema) -> Self {
        NetworkGen {
            dev: DevCols::resolve(schema),
            c: NetCols::resolve(schema),
            remotes: Weighted::new(REMOTES.iter().map(|r| r.4)),
        }
    }

    fn background(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64) {
        let (user, device) = pick_user_device(w, rng);
        let (url, ip, port, image, _) = REMOTES[self.remotes.pick(rng)];
        let action = pick_weighted(
            rng,
            &[("ConnectionSuccess", 90.0), ("ConnectionFailed", 6.0), ("ConnectionAttempt", 4.0)],
        );
        self.render(w, b, rng, t, user, device, image, action, url, ip, i64::from(port));
    }

    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, r: &CrossRow) {
        self.render(w, b, rng, r.ticks, r.user, r.device, r.image, r.action, &r.url, r.ip, 443);
    }
}

columns!(
    /// DeviceLogonEvents' own columns.
    LogonCols {
        ActionType, LogonType, AccountDomain, AccountName, AccountSid, Protocol,
        FailureReason, IsLocalAdmin, LogonId, RemoteDeviceName, RemoteIP, RemoteIPType,
        RemotePort, AdditionalFields,
    }
);

/// `DeviceLogonEvents`: users signing in to their devices (`LogonSuccess`, a few
/// `LogonFailed`), network logons from the file server, unlocks.
pub(crate) struct LogonGen {
    dev: DevCols,
    c: LogonCols,
}

impl LogonGen {
    #[allow(clippy::too_many_arguments)]
    fn render(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64, user: u32, device: u8, logon_type: &str, failed: bool) {
        device_row(b, &self.dev, w, rng, t, user, device, LSASS);
        let c = &self.c;
        b.str(c.ActionType, if failed { "LogonFailed" } else { "LogonSuccess" });
        b.str(c.LogonType, logon_type);
        if let Some(u) = w.user(user) {
            b.str(c.AccountDomain, NETBIOS_DOMAIN);
            b.str(c.AccountName, &u.account);
            b.str(c.AccountSid, &u.sid);
            let admin = w
                .estate
                .devices
                .get(user as usize)
                .and_then(|d| d.get(device as usize))
                .is_some_and(|d| d.local_admin);
            b.bool(c.IsLocalAdmin, admin);
        }
        b.str(c.Protocol, if logon_type == "Network" { "Kerberos" } else { "Negotiate" });
        if failed {
            b.str(c.FailureReason, pick(rng, LOGON_FAILURES));
        }
        b.int(c.LogonId, rng.gen_range(100_000..90_000_000));
        match logon_type {
            "Network" => {
                b.str(c.RemoteDeviceName, "fs01.contoso.com");
                b.str(c.RemoteIP, "10.10.0.10");
                b.str(c.RemoteIPType, "Private");
                b.int(c.RemotePort, rng.gen_range(49_152..65_535));
            }
            "RemoteInteractive" => {
                b.str(c.RemoteDeviceName, "jump01");
                b.str(c.RemoteIP, "10.10.0.20");
                b.str(c.RemoteIPType, "Private");
                b.int(c.RemotePort, 3389);
            }
            _ => {
                b.str(c.RemoteIP, "127.0.0.1");
                b.str(c.RemoteIPType, "Loopback");
                b.int(c.RemotePort, 0);
            }
        }
        b.fmt(
            c.AdditionalFields,
            format_args!(r#"{{"IsLocalLogon":{}}}"#, !matches!(logon_type, "Network" | "RemoteInteractive")),
        );
        b.end_row();
    }
}

impl TableGen for LogonGen {
    const NAME: &'static str = "DeviceLogonEvents";
    const NO_DICT: &'static [&'static str] = &["ReportId", "LogonId"];

    fn new(schema: &Schema) -> Self {
        LogonGen {
            dev: DevCols::resolve(schema),
            c: LogonCols::resolve(schema),
        }
    }

    fn background(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, t: i64) {
        let (user, device) = pick_user_device(w, rng);
        let logon_type = pick_weighted(rng, LOGON_TYPES);
        let failed = rng.gen_bool(0.04);
        self.render(w, b, rng, t, user, device, logon_type, failed);
    }

    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, r: &CrossRow) {
        self.render(w, b, rng, r.ticks, r.user, r.device, r.action, false);
    }
}
