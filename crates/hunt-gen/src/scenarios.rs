//! Planted scenarios: hand-built insider-risk stories hidden in the background data.
//!
//! All three are present in every dataset, whatever the seed or size; their counts are
//! fixed (the constants below) and their times are relative to the end of the window
//! (`start + days`), floored to midnight UTC ("base"). With the default options
//! (`start` 2025-06-01, 30 days) base is 2025-07-01T00:00:00Z = [`crate::DEMO_NOW`].
//! They assume `days >= 14`; with a shorter window the earlier ones are clamped to
//! the start of the window.
//!
//! 1. **Departing user exfiltrates archives** — [`DEPARTING_USER`] (Finance), every day
//!    from base-5d to base (2025-06-26 .. 2025-06-30, 08:00–18:00 UTC): 40 `File accessed on SPO`,
//!    30 `File downloaded from SharePoint` and 30 endpoint `Sensitive File read` rows on
//!    Highly Confidential Finance documents; 14 `File Archived` rows (FileName `*.zip`),
//!    each followed within minutes by a `FileUploaded` and a `File upload to cloud` row for
//!    the same zip (same `SequenceCorrelationId`; `drive.google.com` the first three days,
//!    `mega.nz` after); and one `Files collected and exfiltrated` at base-1d 17:30.
//!    So `DataSecurityEvents | where FileName endswith ".zip" | where ActionType == "FileUploaded"
//!    | summarize count() by AccountUpn` puts her on top with [`DEPARTING_ARCHIVES`] = 14
//!    (background adds about eight such rows, one or two per user).
//!    An AlertInfo row `Data theft by departing users` (AlertId prefix `ir`, Severity `High`)
//!    at base-1d 19:00 (2025-06-30T19:00Z), with 6 evidence rows: User (her UPN), Machine
//!    (`lt-megan-01.contoso.com`), three Files (zips) and a Url. DataSecurityBehaviors has
//!    15 anomalous rows for her (3 per day).
//! 2. **Label downgrade, then USB copy** — [`LABEL_USER`] (Research & Development), at
//!    base-13d (2025-06-18) 09:00–11:30: 8 `Label downgraded on a file` (Highly Confidential →
//!    General) and 4 `Label removed from a file` (Confidential → none) on his laptop; then
//!    12 `File copied to Removable media` of the same files, 6 on 2025-06-18 13:00–17:00 and
//!    6 on 2025-06-19 09:00–16:00, with `RemovableMediaInfo` (SanDisk Ultra Fit, serial
//!    [`USB_SERIAL`]), `DeviceDestinationLocationType` 3 and a DLP policy match
//!    (`Removable media - Confidential`, Audit). A DLP alert (prefix `dl`, Medium) at
//!    2025-06-19T17:30Z with User, Machine and four File evidence rows; 3 anomalous behaviors.
//! 3. **Copilot prompt burst** — [`COPILOT_USER`] (Sales), base-8d 14:00–15:00
//!    (2025-06-23): 36 `Risky prompt entered in Copilot` and 12 `Sensitive response received in
//!    Copilot` rows (Workload `Copilot`); an IRM alert `Risky AI usage` (prefix `ir`, Medium) at
//!    15:20 with one User evidence row; 1 anomalous behavior.
//!
//! The three users also have ordinary background activity (with their usual activity
//! rank), so per-user counts of an action can exceed the planted counts; the counts above
//! that are exact are the zip uploads (14 for the demo data and every seed tested), the
//! USB copies with serial [`USB_SERIAL`] (12) and the risky prompts inside the Copilot hour (36).
//!
//! Totals: [`PLANTED_EVENTS`] DataSecurityEvents rows, [`PLANTED_BEHAVIORS`]
//! DataSecurityBehaviors rows, [`PLANTED_ALERTS`] alerts with [`PLANTED_EVIDENCE`] evidence rows.

use chrono::{DateTime, Utc};
use rand::Rng as _;

use crate::alerts::{self, Alert, Detail, Ent, Evidence};
use crate::behaviors::{self, Behavior};
use crate::domains::{
    self, DEPARTMENTS, LABEL_CONFIDENTIAL, LABEL_GENERAL, LABEL_HIGHLY_CONFIDENTIAL,
};
use crate::events::{Activity, FileRef, Kind, LOC_CLOUD, LOC_LOCAL, LOC_REMOVABLE};
use crate::tenant::{FileItem, Tenant, make_file};
use crate::util::{Rng, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MIN, TICKS_PER_SEC, rng_for};

/// Scenario 1: the departing user.
pub const DEPARTING_USER: &str = "megan.bowen@contoso.com";
/// Scenario 1: her department.
pub const DEPARTING_DEPARTMENT: &str = "Finance";
/// Scenario 1: zip archives created, each uploaded once as `FileUploaded` and once as
/// `File upload to cloud`.
pub const DEPARTING_ARCHIVES: usize = 14;
/// Scenario 1: `File accessed on SPO` rows.
pub const DEPARTING_SPO_READS: usize = 40;
/// Scenario 1: `File downloaded from SharePoint` rows.
pub const DEPARTING_DOWNLOADS: usize = 30;
/// Scenario 1: endpoint `Sensitive File read` rows.
pub const DEPARTING_SENSITIVE_READS: usize = 30;
/// Scenario 1: all her planted DataSecurityEvents rows.
pub const DEPARTING_EVENTS: usize = DEPARTING_SPO_READS
    + DEPARTING_DOWNLOADS
    + DEPARTING_SENSITIVE_READS
    + 3 * DEPARTING_ARCHIVES
    + 1;
/// Scenario 1: title of her IRM alert.
pub const DEPARTING_ALERT_TITLE: &str = "Data theft by departing users";

/// Scenario 2: the user who downgrades labels and copies to USB.
pub const LABEL_USER: &str = "diego.siciliani@contoso.com";
/// Scenario 2: his department.
pub const LABEL_DEPARTMENT: &str = "Research & Development";
/// Scenario 2: `Label downgraded on a file` rows.
pub const LABEL_DOWNGRADES: usize = 8;
/// Scenario 2: `Label removed from a file` rows.
pub const LABEL_REMOVALS: usize = 4;
/// Scenario 2: `File copied to Removable media` rows.
pub const USB_COPIES: usize = 12;
/// Scenario 2: all his planted DataSecurityEvents rows.
pub const LABEL_EVENTS: usize = LABEL_DOWNGRADES + LABEL_REMOVALS + USB_COPIES;
/// Scenario 2: serial number of the USB stick.
pub const USB_SERIAL: &str = crate::tenant::PLANTED_USB_SERIAL;
/// Scenario 2: title of the DLP alert.
pub const DLP_ALERT_TITLE: &str =
    "DLP policy (Removable media - Confidential) matched for files copied to removable media";

/// Scenario 3: the Copilot user.
pub const COPILOT_USER: &str = "isaiah.langer@contoso.com";
/// Scenario 3: `Risky prompt entered in Copilot` rows.
pub const COPILOT_RISKY_PROMPTS: usize = 36;
/// Scenario 3: `Sensitive response received in Copilot` rows.
pub const COPILOT_SENSITIVE_RESPONSES: usize = 12;
/// Scenario 3: all his planted DataSecurityEvents rows.
pub const COPILOT_EVENTS: usize = COPILOT_RISKY_PROMPTS + COPILOT_SENSITIVE_RESPONSES;
/// Scenario 3: title of the IRM alert.
pub const COPILOT_ALERT_TITLE: &str = "Risky AI usage";

/// Planted DataSecurityEvents rows in every dataset.
pub const PLANTED_EVENTS: usize = DEPARTING_EVENTS + LABEL_EVENTS + COPILOT_EVENTS;
/// Planted DataSecurityBehaviors rows in every dataset.
pub const PLANTED_BEHAVIORS: usize = 15 + 3 + 1;
/// Planted alerts in every dataset.
pub const PLANTED_ALERTS: usize = 3;
/// Evidence rows of the planted alerts.
pub const PLANTED_EVIDENCE: usize = 6 + 6 + 1;

/// A half-open time window `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First instant.
    pub start: DateTime<Utc>,
    /// Instant just after the window.
    pub end: DateTime<Utc>,
}

/// Where each planted scenario's DataSecurityEvents rows lie for a given window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// Scenario 1: the last five days.
    pub departing: Window,
    /// Scenario 2: label changes and USB copies (two days).
    pub label_usb: Window,
    /// Scenario 3: the Copilot burst (one hour).
    pub copilot: Window,
}

/// The planted windows for `opts` (start + days).
pub fn windows(opts: &crate::GenOptions) -> Windows {
    let (start, end) = crate::window_ticks(opts);
    let base = base_of(end);
    let w = |a: i64, b: i64| Window {
        start: ticks_to_datetime(clamp(a, start, end)),
        end: ticks_to_datetime(clamp(b, start, end).max(clamp(a, start, end))),
    };
    Windows {
        departing: w(base - 5 * TICKS_PER_DAY, base),
        label_usb: w(
            base - 13 * TICKS_PER_DAY + 9 * TICKS_PER_HOUR,
            base - 12 * TICKS_PER_DAY + 16 * TICKS_PER_HOUR,
        ),
        copilot: w(
            base - 8 * TICKS_PER_DAY + 14 * TICKS_PER_HOUR,
            base - 8 * TICKS_PER_DAY + 15 * TICKS_PER_HOUR,
        ),
    }
}

fn ticks_to_datetime(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(
        t.div_euclid(TICKS_PER_SEC),
        (t.rem_euclid(TICKS_PER_SEC) * 100) as u32,
    )
    .unwrap_or_default()
}

/// Midnight UTC at or before `end` (the window's exclusive end).
fn base_of(end: i64) -> i64 {
    end - end.rem_euclid(TICKS_PER_DAY)
}

fn clamp(t: i64, start: i64, end: i64) -> i64 {
    t.clamp(start, (end - 1).max(start))
}

/// Everything planted in one dataset.
pub(crate) struct Planted {
    /// Planted documents and archives (referenced by `FileRef::Planted`).
    pub files: Vec<FileItem>,
    /// Sorted by time.
    pub events: Vec<Activity>,
    /// Sorted by time.
    pub behaviors: Vec<Behavior>,
    pub alerts: Vec<(Alert, Vec<Evidence>)>,
}

const FINANCE_DOCS: &[&str] = &[
    "FY25-Q2-board-financials.xlsx",
    "M&A-target-valuation.xlsx",
    "FY26-budget-draft.xlsx",
    "executive-compensation-2025.xlsx",
    "bank-account-register.xlsx",
    "Q2-close-journal-entries.xlsx",
    "cash-forecast-13-week.xlsx",
    "audit-committee-memo.docx",
    "revenue-by-customer-FY25.xlsx",
    "tax-provision-workpapers.xlsx",
    "treasury-wire-templates.docx",
    "investor-update-draft.pptx",
    "vendor-master-bank-details.csv",
    "payroll-register-june.xlsx",
    "debt-covenant-model.xlsx",
    "board-deck-Q2-final.pptx",
    "pricing-margin-analysis.xlsx",
    "restructuring-scenarios.xlsx",
    "acquisition-shortlist.docx",
    "Q3-forecast-model.xlsx",
];

const ZIP_NAMES: &[&str] = &[
    "Q2-close-pack.zip",
    "board-financials-backup.zip",
    "payroll-export-june.zip",
    "forecast-models.zip",
    "vendor-bank-details.zip",
    "audit-workpapers.zip",
    "tax-provision-FY25.zip",
    "treasury-statements.zip",
    "budget-archive.zip",
    "cashflow-models-2025.zip",
    "investor-materials.zip",
    "MA-valuation-files.zip",
    "revenue-recognition-memos.zip",
    "finance-personal-backup.zip",
];

const RND_DOCS: &[&str] = &[
    "prototype-results-X7.xlsx",
    "formula-v2-final.docx",
    "patent-draft-battery.docx",
    "lab-notebook-2025.docx",
    "clinical-data-phase1.xlsx",
    "research-roadmap-2026.pptx",
    "prototype-bom.xlsx",
    "materials-test-report.pdf",
    "supplier-formulations.xlsx",
    "patent-claims-review.docx",
    "experiment-log-june.xlsx",
    "design-review-notes.docx",
];

fn dept_index(name: &str) -> usize {
    DEPARTMENTS.iter().position(|d| d.name == name).unwrap_or(0)
}

fn ext_of(name: &str) -> &'static str {
    let e = name.rsplit('.').next().unwrap_or("");
    domains::EXTENSIONS
        .iter()
        .map(|x| x.0)
        .find(|x| *x == e)
        .unwrap_or("docx")
}

fn app_for(name: &str) -> &'static str {
    match ext_of(name) {
        "xlsx" | "csv" => "EXCEL.EXE",
        "pptx" => "POWERPNT.EXE",
        "pdf" => "AcroRd32.exe",
        _ => "WINWORD.EXE",
    }
}

/// A random instant in `[from, to)` with 7-digit sub-second precision.
fn between(rng: &mut Rng, from: i64, to: i64) -> i64 {
    if to <= from {
        from
    } else {
        rng.gen_range(from..to)
    }
}

/// Builds the planted rows for the window `[start, end)` (ticks).
pub(crate) fn plant(seed: u64, tenant: &Tenant, start: i64, end: i64) -> Planted {
    let mut rng = rng_for(seed, "planted", 0);
    let base = base_of(end);
    let mut p = Planted {
        files: Vec::new(),
        events: Vec::new(),
        behaviors: Vec::new(),
        alerts: Vec::new(),
    };

    // Planted documents.
    let finance = dept_index(DEPARTING_DEPARTMENT);
    let rnd = dept_index(LABEL_DEPARTMENT);
    let sits_fin = vec![(9, 85, 4), (4, 85, 12), (0, 75, 3)];
    for name in FINANCE_DOCS {
        let size = crate::util::log_uniform(&mut rng, 40_000, 6_000_000);
        let f = make_file(
            &mut rng,
            &tenant.sites,
            finance,
            "Board",
            name.to_string(),
            ext_of(name),
            size,
            Some(LABEL_HIGHLY_CONFIDENTIAL),
            sits_fin.clone(),
        );
        p.files.push(f);
    }
    let zip0 = p.files.len();
    for name in ZIP_NAMES {
        let size = crate::util::log_uniform(&mut rng, 5_000_000, 250_000_000);
        let f = make_file(
            &mut rng,
            &tenant.sites,
            finance,
            "Archive",
            name.to_string(),
            "zip",
            size,
            None,
            sits_fin.clone(),
        );
        p.files.push(f);
    }
    let rnd0 = p.files.len();
    for (i, name) in RND_DOCS.iter().enumerate() {
        let size = crate::util::log_uniform(&mut rng, 30_000, 4_000_000);
        let label = if i < LABEL_DOWNGRADES {
            LABEL_HIGHLY_CONFIDENTIAL
        } else {
            LABEL_CONFIDENTIAL
        };
        let f = make_file(
            &mut rng,
            &tenant.sites,
            rnd,
            "Patents",
            name.to_string(),
            ext_of(name),
            size,
            Some(label),
            vec![(8, 85, 2), (2, 75, 6)],
        );
        p.files.push(f);
    }

    departing(&mut rng, tenant, &mut p, base, zip0);
    label_usb(&mut rng, tenant, &mut p, base, rnd0);
    copilot(&mut rng, tenant, &mut p, base);

    for a in &mut p.events {
        a.ticks = clamp(a.ticks, start, end);
    }
    for b in &mut p.behaviors {
        b.ticks = clamp(b.ticks, start, end);
        b.end = clamp(b.end, start, end).min(b.ticks);
        b.start = clamp(b.start, start, end).min(b.end);
    }
    for (a, ev) in &mut p.alerts {
        a.ticks = clamp(a.ticks, start, end);
        for e in ev {
            e.ticks = a.ticks;
        }
    }
    p.events.sort_by_key(|a| a.ticks);
    p.behaviors.sort_by_key(|b| b.ticks);
    p
}

fn activity(
    ticks: i64,
    user: usize,
    kind: Kind,
    action: &'static str,
    op: &'static str,
    cat: &'static str,
) -> Activity {
    let mut a = Activity::new(ticks, user, kind, action);
    a.operation = op;
    a.category = cat;
    a
}

fn behavior(
    rng: &mut Rng,
    user: usize,
    action: &str,
    start: i64,
    end: i64,
    ticks: i64,
    count: i64,
) -> Behavior {
    Behavior {
        ticks,
        start,
        end,
        id: rng.r#gen(),
        user: user as u32,
        template: behaviors::template_index(action),
        count,
        anomalous: true,
        device: 0,
        label: LABEL_HIGHLY_CONFIDENTIAL,
        domain: "",
        usb: 0,
    }
}

fn departing(rng: &mut Rng, t: &Tenant, p: &mut Planted, base: i64, zip0: usize) {
    let u = t.user_index(DEPARTING_USER);
    let archives_per_day = [2usize, 3, 3, 3, 3];
    let mut zip = zip0;
    let mut last_zips: Vec<usize> = Vec::new();
    for (d, &n_arch) in archives_per_day.iter().enumerate() {
        let day = base - (5 - d as i64) * TICKS_PER_DAY;
        let work = (day + 8 * TICKS_PER_HOUR, day + 18 * TICKS_PER_HOUR);
        let doc = |rng: &mut Rng| FileRef::Planted(rng.gen_range(0..FINANCE_DOCS.len()) as u32);
        let mut reads = (i64::MAX, i64::MIN);
        for (n, action, op, kind) in [
            (
                DEPARTING_SPO_READS / 5,
                "File accessed on SPO",
                "FileAccessed",
                Kind::SharePoint,
            ),
            (
                DEPARTING_DOWNLOADS / 5,
                "File downloaded from SharePoint",
                "FileDownloaded",
                Kind::SharePoint,
            ),
            (
                DEPARTING_SENSITIVE_READS / 5,
                "Sensitive File read",
                "FileRead",
                Kind::Endpoint,
            ),
        ] {
            for _ in 0..n {
                let ts = between(rng, work.0, work.1);
                let mut a = activity(
                    ts,
                    u,
                    kind,
                    action,
                    op,
                    if op == "FileDownloaded" {
                        "Exfiltration"
                    } else {
                        "Access"
                    },
                );
                let f = doc(rng);
                a.file = Some(f);
                a.irm = Some(0);
                if kind == Kind::Endpoint {
                    a.app = match f {
                        FileRef::Planted(i) => app_for(FINANCE_DOCS[i as usize]),
                        FileRef::Catalog(_) => "EXCEL.EXE",
                    };
                    a.src_loc = Some(LOC_LOCAL);
                    a.dst_loc = Some(LOC_LOCAL);
                } else {
                    a.app = "Microsoft SharePoint Online";
                    reads = (reads.0.min(ts), reads.1.max(ts));
                }
                p.events.push(a);
            }
        }
        let domain = if d < 3 { "drive.google.com" } else { "mega.nz" };
        let (mut first_up, mut last_up, mut first_arch, mut last_arch) =
            (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
        last_zips.clear();
        for k in 0..n_arch {
            let t0 = day
                + 10 * TICKS_PER_HOUR
                + k as i64 * 2 * TICKS_PER_HOUR
                + between(rng, 0, 60 * TICKS_PER_MIN);
            let seq: u128 = rng.r#gen();
            let file = Some(FileRef::Planted(zip as u32));
            let mut arch = activity(
                t0,
                u,
                Kind::Endpoint,
                "File Archived",
                "FileArchived",
                "Collection",
            );
            arch.app = "7zFM.exe";
            arch.file = file;
            arch.seq = Some(seq);
            arch.irm = Some(0);
            arch.src_loc = Some(LOC_LOCAL);
            arch.dst_loc = Some(LOC_LOCAL);
            let t1 = t0 + between(rng, 3 * TICKS_PER_MIN, 15 * TICKS_PER_MIN);
            let mut up = activity(
                t1,
                u,
                Kind::Endpoint,
                "FileUploaded",
                "FileUploadedToCloud",
                "Exfiltration",
            );
            up.app = "chrome.exe";
            up.file = file;
            up.seq = Some(seq);
            up.irm = Some(0);
            up.domain = domain;
            up.src_loc = Some(LOC_LOCAL);
            up.dst_loc = Some(LOC_CLOUD);
            up.dlp = Some((0, 1));
            let t2 = t1 + between(rng, 2 * TICKS_PER_SEC, 20 * TICKS_PER_SEC);
            let mut cloud = up.clone();
            cloud.ticks = t2;
            cloud.action = "File upload to cloud";
            p.events.extend([arch, up, cloud]);
            first_arch = first_arch.min(t0);
            last_arch = last_arch.max(t0);
            first_up = first_up.min(t1);
            last_up = last_up.max(t2);
            last_zips.push(zip);
            zip += 1;
        }
        if d == 4 {
            let ts =
                day + 17 * TICKS_PER_HOUR + 30 * TICKS_PER_MIN + between(rng, 0, TICKS_PER_MIN);
            let mut a = activity(
                ts,
                u,
                Kind::Endpoint,
                "Files collected and exfiltrated",
                "FileCollected",
                "Exfiltration",
            );
            a.app = "chrome.exe";
            a.file = Some(FileRef::Planted((zip - 1) as u32));
            a.seq = Some(rng.r#gen());
            a.irm = Some(0);
            a.src_loc = Some(LOC_LOCAL);
            a.dst_loc = Some(LOC_CLOUD);
            a.domain = domain;
            p.events.push(a);
            last_up = last_up.max(ts);
        }
        let rec = day + 23 * TICKS_PER_HOUR + 30 * TICKS_PER_MIN;
        let mut b = behavior(
            rng,
            u,
            "Exfiltration to personal cloud storage",
            first_up - TICKS_PER_MIN,
            last_up + TICKS_PER_SEC,
            rec,
            2 * n_arch as i64,
        );
        b.domain = domain;
        p.behaviors.push(b);
        p.behaviors.push(behavior(
            rng,
            u,
            "Files archived on device",
            first_arch - TICKS_PER_SEC,
            last_arch + TICKS_PER_SEC,
            rec,
            n_arch as i64,
        ));
        p.behaviors.push(behavior(
            rng,
            u,
            "Unusual volume of SharePoint downloads",
            reads.0,
            reads.1,
            rec,
            14,
        ));
    }

    // The IRM alert, after the last upload of the last day.
    let ticks = base - TICKS_PER_DAY + 19 * TICKS_PER_HOUR + between(rng, 0, TICKS_PER_SEC);
    let template = alerts::template_index(DEPARTING_ALERT_TITLE);
    let alert = Alert {
        ticks,
        id: alerts::alert_id(rng, template, ticks),
        template,
        severity: "High",
        user: u as u32,
        device: 0,
    };
    let account = &t.users[u].account;
    let mut ev = vec![
        ev(ticks, Ent::User, "Impacted", Detail::None),
        ev(ticks, Ent::Machine, "Related", Detail::None),
    ];
    for &z in &last_zips {
        let f = &p.files[z];
        ev.push(ev_file(
            ticks,
            f,
            format!("C:\\Users\\{account}\\Documents\\Archive"),
        ));
    }
    ev.push(Evidence {
        ticks,
        alert: 0,
        ent: Ent::Url,
        role: "Related",
        detail: Detail::Url("https://mega.nz/".into()),
    });
    p.alerts.push((alert, ev));
}

fn ev(ticks: i64, ent: Ent, role: &'static str, detail: Detail) -> Evidence {
    Evidence {
        ticks,
        alert: 0,
        ent,
        role,
        detail,
    }
}

fn ev_file(ticks: i64, f: &FileItem, folder: String) -> Evidence {
    ev(
        ticks,
        Ent::File,
        "Related",
        Detail::File(f.name.clone(), folder, f.size),
    )
}

fn label_usb(rng: &mut Rng, t: &Tenant, p: &mut Planted, base: i64, rnd0: usize) {
    let u = t.user_index(LABEL_USER);
    let day0 = base - 13 * TICKS_PER_DAY;
    let day1 = day0 + TICKS_PER_DAY;
    let n = LABEL_DOWNGRADES + LABEL_REMOVALS;
    let mut first_change = i64::MAX;
    let mut last_change = i64::MIN;
    for (k, doc) in RND_DOCS.iter().enumerate().take(n) {
        let downgrade = k < LABEL_DOWNGRADES;
        let ts = if downgrade {
            day0 + 9 * TICKS_PER_HOUR
                + k as i64 * 15 * TICKS_PER_MIN
                + between(rng, 0, 10 * TICKS_PER_MIN)
        } else {
            day0 + 11 * TICKS_PER_HOUR
                + (k - LABEL_DOWNGRADES) as i64 * 7 * TICKS_PER_MIN
                + between(rng, 0, 5 * TICKS_PER_MIN)
        };
        let (action, op) = if downgrade {
            ("Label downgraded on a file", "FileSensitivityLabelChanged")
        } else {
            ("Label removed from a file", "FileSensitivityLabelRemoved")
        };
        let mut a = activity(ts, u, Kind::Endpoint, action, op, "Obfuscation");
        a.app = app_for(doc);
        a.file = Some(FileRef::Planted((rnd0 + k) as u32));
        a.prev_label = Some(if downgrade {
            LABEL_HIGHLY_CONFIDENTIAL
        } else {
            LABEL_CONFIDENTIAL
        });
        a.label = Some(if downgrade { Some(LABEL_GENERAL) } else { None });
        a.src_loc = Some(LOC_LOCAL);
        a.dst_loc = Some(LOC_LOCAL);
        a.irm = Some(3);
        first_change = first_change.min(ts);
        last_change = last_change.max(ts);
        p.events.push(a);
    }
    let mut spans = [(i64::MAX, i64::MIN); 2];
    for k in 0..USB_COPIES {
        let (day, slot) = if k < USB_COPIES / 2 {
            (0, (day0 + 13 * TICKS_PER_HOUR, day0 + 17 * TICKS_PER_HOUR))
        } else {
            (1, (day1 + 9 * TICKS_PER_HOUR, day1 + 16 * TICKS_PER_HOUR))
        };
        let ts = between(rng, slot.0, slot.1);
        let downgraded = k % n < LABEL_DOWNGRADES;
        let mut a = activity(
            ts,
            u,
            Kind::Endpoint,
            "File copied to Removable media",
            "FileCopiedToRemovableMedia",
            "Exfiltration",
        );
        a.app = "explorer.exe";
        a.file = Some(FileRef::Planted((rnd0 + k % n) as u32));
        a.label = Some(if downgraded {
            Some(LABEL_GENERAL)
        } else {
            None
        });
        a.usb = Some(0);
        a.dlp = Some((domains::DLP_REMOVABLE as u8, 1));
        a.src_loc = Some(LOC_LOCAL);
        a.dst_loc = Some(LOC_REMOVABLE);
        a.irm = Some(1);
        spans[day] = (spans[day].0.min(ts), spans[day].1.max(ts));
        p.events.push(a);
    }
    let mut b = behavior(
        rng,
        u,
        "Sensitivity labels downgraded or removed",
        first_change,
        last_change,
        last_change + 45 * TICKS_PER_MIN,
        n as i64,
    );
    b.label = LABEL_HIGHLY_CONFIDENTIAL;
    p.behaviors.push(b);
    for (lo, hi) in spans {
        let mut b = behavior(
            rng,
            u,
            "Sensitive files copied to removable media",
            lo,
            hi,
            hi + 40 * TICKS_PER_MIN,
            (USB_COPIES / 2) as i64,
        );
        b.label = LABEL_GENERAL;
        p.behaviors.push(b);
    }

    let ticks = day1 + 17 * TICKS_PER_HOUR + 30 * TICKS_PER_MIN + between(rng, 0, TICKS_PER_SEC);
    let template = alerts::template_index(DLP_ALERT_TITLE);
    let alert = Alert {
        ticks,
        id: alerts::alert_id(rng, template, ticks),
        template,
        severity: "Medium",
        user: u as u32,
        device: 0,
    };
    let mut evs = vec![
        ev(ticks, Ent::User, "Impacted", Detail::None),
        ev(ticks, Ent::Machine, "Related", Detail::None),
    ];
    for k in 0..4 {
        evs.push(ev_file(ticks, &p.files[rnd0 + k], "E:\\".to_string()));
    }
    p.alerts.push((alert, evs));
}

fn copilot(rng: &mut Rng, t: &Tenant, p: &mut Planted, base: i64) {
    let u = t.user_index(COPILOT_USER);
    let day = base - 8 * TICKS_PER_DAY;
    let (lo, hi) = (day + 14 * TICKS_PER_HOUR, day + 15 * TICKS_PER_HOUR);
    let sales = t.users[u].dept;
    for k in 0..COPILOT_EVENTS {
        let prompt = k < COPILOT_RISKY_PROMPTS;
        let action = if prompt {
            "Risky prompt entered in Copilot"
        } else {
            "Sensitive response received in Copilot"
        };
        let mut a = activity(
            between(rng, lo, hi),
            u,
            Kind::Copilot,
            action,
            "CopilotInteraction",
            "RiskyAIUsage",
        );
        a.app = "Microsoft 365 Copilot Chat";
        a.irm = Some(2);
        if !prompt {
            a.file = Some(FileRef::Catalog(t.pick_file(rng, sales) as u32));
        }
        p.events.push(a);
    }
    p.behaviors.push(behavior(
        rng,
        u,
        "Risky prompts entered in Copilot",
        lo,
        hi,
        hi + 30 * TICKS_PER_MIN,
        COPILOT_EVENTS as i64,
    ));

    let ticks = day + 15 * TICKS_PER_HOUR + 20 * TICKS_PER_MIN + between(rng, 0, TICKS_PER_SEC);
    let template = alerts::template_index(COPILOT_ALERT_TITLE);
    let alert = Alert {
        ticks,
        id: alerts::alert_id(rng, template, ticks),
        template,
        severity: "Medium",
        user: u as u32,
        device: 0,
    };
    p.alerts
        .push((alert, vec![ev(ticks, Ent::User, "Impacted", Detail::None)]));
}
