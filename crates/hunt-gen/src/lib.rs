//! hunt-gen: deterministic synthetic Microsoft Defender XDR data, written as Parquet.
//!
//! [`write_dataset`] writes the four built-in tables of hunt — `DataSecurityEvents`,
//! `DataSecurityBehaviors` (Purview Insider Risk Management activity), `AlertInfo` and
//! `AlertEvidence` — as `out/<Table>/part-00000.parquet`, `part-00001.parquet`, …
//! [`demo_dir`] returns a cached copy of the default dataset for the CLI, docs and tests.
//!
//! # What is generated
//!
//! | Table | Rows | Content |
//! |---|---|---|
//! | DataSecurityEvents | `events` (at least [`scenarios::PLANTED_EVENTS`]) | Copilot and AI-app prompts, SharePoint/OneDrive file access, endpoint file activity (`FileCreated`, `FileUploaded`, `File Archived`, USB copies, …), DLP e-mail and Teams matches, label changes, risky browsing |
//! | DataSecurityBehaviors | about `events / 100` | daily IRM insights with `StartTime <= EndTime <= Timestamp`, JSON-array info columns |
//! | AlertInfo | about `events / 200` | MDE, MDO, MDI, MDCA, Entra, DLP, IRM and custom-detection alerts |
//! | AlertEvidence | 1–6 (about 3) per alert | `User`, `Machine`, `File`, `Process`, `Ip`, `Url`, `MailMessage`, `CloudLogonSession`, `CloudApplication` rows sharing the alert's `AlertId` |
//!
//! The tenant is `contoso.com` with about 2000 users (more for big datasets), each with a
//! stable department, object id, SID, devices (`lt-adele-01.contoso.com`, 40-hex
//! `DeviceId`) and client IP. Activity per user is Zipf-skewed: a few heavy users, a long
//! tail of light ones. Timestamps follow a business-hours curve (quiet nights and weekends)
//! and have 100-ns precision. Value domains (ActionType, Workload, label GUIDs
//! `defa4170-0d19-0005-000X-bc88714345d2`, SIT ids, Severity, ServiceSource, AlertId
//! prefixes `da`/`fa`/`aa`/`ca`/`ad`/`dl`/`ir`/`ed`, AttackTechniques, …) come from
//! `shared/schemas/tables.md`; the JSON shapes of `SensitiveInfoTypeInfo` (array of
//! JSON-encoded strings), `DlpPolicyMatchInfo` (JSON array text) and
//! `AdditionalFields` (JSON object text) follow its section 3.3 and 6.1.
//!
//! # Physical layout
//!
//! Columns and KQL types come from `hunt_plan::catalog::builtin_schema`; the Parquet
//! types are [`physical_type`]: bool → Boolean, int → Int32, long → Int64, real → Float64,
//! string → Utf8 (empty string when absent, never null), guid → Utf8 (lower-case, null when
//! absent), dynamic → Utf8 compact JSON (null when not applicable), datetime →
//! `Timestamp(Nanosecond, "UTC")`, timespan → `Duration(Nanosecond)`. Rows are sorted by
//! `Timestamp` within each file, and files of DataSecurityEvents/Behaviors cover
//! consecutive time slices, so the whole table is sorted. Files hold at most
//! `max_rows_per_file` rows (and at most [`TARGET_ROWS_PER_FILE`], to keep cores busy),
//! row groups `row_group_rows` rows, snappy-compressed. Datetimes are delta-encoded.
//! Min/max statistics are written for every non-string column (so `Timestamp` filters
//! prune row groups) but, in the two big tables, only for a few short string columns
//! (`ActionType`, `Workload`, `AccountUpn`, …): see `writer::writer_props` for why.
//!
//! # Determinism
//!
//! The output depends only on [`GenOptions`]: each chunk of rows is seeded from
//! `(seed, table, chunk index)` and written by one rayon task, so the same options give
//! byte-identical row content whatever the thread count.
//!
//! # Planted scenarios
//!
//! Three insider-risk stories are planted in every dataset (details, counts and exact
//! times in [`scenarios`]; times below are for the default options, window
//! 2025-06-01..2025-07-01 UTC, [`DEMO_NOW`] = `2025-07-01T00:00:00Z`):
//!
//! 1. `megan.bowen@contoso.com` (Finance), 2025-06-26 .. 2025-06-30: reads 100 Highly
//!    Confidential files, creates 14 `.zip` archives (`File Archived`) and uploads each
//!    (`FileUploaded` + `File upload to cloud`); IRM alert `Data theft by departing users`
//!    (`ir…`, High) at 2025-06-30T19:00Z with User and File evidence. The hunt
//!    `DataSecurityEvents | where FileName endswith ".zip" | where ActionType == "FileUploaded"
//!    | summarize count() by AccountUpn` returns a handful of users with her on top (14).
//! 2. `diego.siciliani@contoso.com` (Research & Development), 2025-06-18 09:00 ..
//!    2025-06-19 16:00: 8 `Label downgraded on a file` + 4 `Label removed from a file`, then
//!    12 `File copied to Removable media` (`RemovableMediaInfo` set); DLP alert (`dl…`,
//!    Medium) at 2025-06-19T17:30Z.
//! 3. `isaiah.langer@contoso.com` (Sales), 2025-06-23 14:00–15:00: 36 `Risky prompt entered
//!    in Copilot` + 12 `Sensitive response received in Copilot` (Workload `Copilot`); IRM
//!    alert `Risky AI usage` at 15:20.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod alerts;
mod batch;
mod behaviors;
mod corr;
mod cross;
mod domains;
mod endpoint;
mod error;
mod estate;
mod events;
mod inventory;
mod mailcloud;
mod netlogon;
mod safe;
pub mod scenarios;
mod schemas;
mod tenant;
mod util;
mod writer;
mod xdr_domains;

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use hunt_plan::catalog::builtin_schema;
use hunt_plan::types::Schema;
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;

pub use batch::{arrow_schema, physical_type};
pub use cross::DEPARTING_PERSONAL_MAILS;
pub use error::GenError;
pub use safe::{COMPLETE_MARKER, Existing, check_dataset, demo_dir, demo_dir_name, demo_is_ready, write_dataset, write_dataset_with};
pub use schemas::{CORRELATION_TABLES, schema_source, table_schema};
pub use writer::TARGET_ROWS_PER_FILE;

use crate::alerts::{AlertModel, EvidenceChunk, EvidenceCols, InfoChunk, InfoCols};
use crate::behaviors::{BehaviorChunk, BehaviorCols};
use crate::corr::{CorrTable, Sliced, World};
use crate::estate::Estate;
use crate::events::{EventChunk, EventCols, Sampler};
use crate::scenarios::Planted;
use crate::tenant::Tenant;
use crate::util::{Clock, TICKS_PER_DAY, TICKS_PER_SEC, rng_for};
use crate::writer::{ChunkPlan, RowSource, StringStats};

/// Version of the demo dataset's content; bump it whenever generated data changes so
/// stale caches under the temp directory are not reused.
pub const DEMO_VERSION: u32 = 2;

/// An instant just after the demo data's last row (the end of the default window).
/// The CLI uses it as `now()` for the demo data so `ago(7d)` hunts find rows.
pub const DEMO_NOW: &str = "2025-07-01T00:00:00Z";

/// The four Insider Risk tables hunt-gen writes, in hunt-plan's order.
pub const TABLES: [&str; 4] = hunt_plan::catalog::BUILTIN_TABLES;

/// Every table hunt-gen writes: [`TABLES`], then [`CORRELATION_TABLES`].
pub fn all_tables() -> impl Iterator<Item = &'static str> {
    TABLES.into_iter().chain(CORRELATION_TABLES)
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// DataSecurityEvents rows; the other tables scale from it.
    pub events: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// First instant of the data window.
    pub start: DateTime<Utc>,
    /// Length of the window in days (at least 1; the planted scenarios assume 14 or more).
    pub days: u32,
    /// Upper bound on rows per Parquet file (at least 1).
    pub max_rows_per_file: usize,
    /// Rows per Parquet row group (at least 1).
    pub row_group_rows: usize,
}

impl Default for GenOptions {
    /// 100,000 events, seed 42, 30 days from 2025-06-01T00:00:00Z, 2M rows per file,
    /// 131,072-row row groups.
    fn default() -> Self {
        GenOptions {
            events: 100_000,
            seed: 42,
            start: Utc
                .with_ymd_and_hms(2025, 6, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
            days: 30,
            max_rows_per_file: 2_000_000,
            row_group_rows: 131_072,
        }
    }
}

/// What [`write_dataset`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenReport {
    /// One entry per table, in [`TABLES`] order.
    pub tables: Vec<TableReport>,
}

/// Rows and files written for one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    /// Table name (also its directory name).
    pub name: String,
    /// Rows over all files.
    pub rows: usize,
    /// Number of `part-NNNNN.parquet` files.
    pub files: usize,
}

/// Start and exclusive end of the window in 100-ns ticks since the Unix epoch.
pub(crate) fn window_ticks(opts: &GenOptions) -> (i64, i64) {
    let s = opts.start;
    let start = s.timestamp() * TICKS_PER_SEC + i64::from(s.timestamp_subsec_nanos() / 100);
    (start, start + i64::from(opts.days.max(1)) * TICKS_PER_DAY)
}

pub(crate) fn validate(opts: &GenOptions) -> Result<(), GenError> {
    if opts.days == 0 {
        return Err(GenError::InvalidOptions("days must be at least 1".into()));
    }
    if opts.max_rows_per_file == 0 {
        return Err(GenError::InvalidOptions(
            "max_rows_per_file must be at least 1".into(),
        ));
    }
    if opts.row_group_rows == 0 {
        return Err(GenError::InvalidOptions(
            "row_group_rows must be at least 1".into(),
        ));
    }
    Ok(())
}

/// A table being written: schema, column indexes, output directory and chunk plans.
struct TableCtx<C> {
    name: &'static str,
    schema: Schema,
    cols: C,
    dir: PathBuf,
    props: WriterProperties,
    chunks: Vec<ChunkPlan>,
}

impl<C> TableCtx<C> {
    fn new(
        name: &'static str,
        out: &Path,
        opts: &GenOptions,
        resolve: fn(&Schema) -> C,
        no_dict: &[&str],
        stats: StringStats<'_>,
    ) -> Result<Self, GenError> {
        let schema =
            builtin_schema(name).ok_or_else(|| GenError::UnknownTable(name.to_string()))?;
        Ok(TableCtx {
            name,
            cols: resolve(&schema),
            dir: out.join(name),
            props: writer::writer_props(&schema, opts.row_group_rows, no_dict, stats),
            schema,
            chunks: Vec::new(),
        })
    }

    fn report(&self) -> TableReport {
        TableReport {
            name: self.name.to_string(),
            rows: self.chunks.iter().map(ChunkPlan::rows).sum(),
            files: self.chunks.iter().map(|c| c.file_rows.len()).sum(),
        }
    }
}

/// The time slice of a chunk of a time-sliced table.
pub(crate) struct Slice {
    lo: i64,
    hi: i64,
    background: usize,
    planted: Range<usize>,
}

/// Splits `[start, end)` into `n` slices with `background` rows spread evenly, and
/// assigns each planted row (by its sorted `ticks`) to the slice containing it.
pub(crate) fn slices(start: i64, end: i64, n: usize, background: usize, planted_ticks: &[i64]) -> Vec<Slice> {
    let span = i128::from(end - start);
    let bounds: Vec<i64> = (0..=n)
        .map(|k| start + (span * k as i128 / n as i128) as i64)
        .collect();
    writer::even_split(background, n)
        .into_iter()
        .enumerate()
        .map(|(k, bg)| {
            let (lo, hi) = (bounds[k], bounds[k + 1]);
            let a = if k == 0 {
                0
            } else {
                planted_ticks.partition_point(|&t| t < lo)
            };
            let b = if k + 1 == n {
                planted_ticks.len()
            } else {
                planted_ticks.partition_point(|&t| t < hi)
            };
            Slice {
                lo,
                hi,
                background: bg,
                planted: a..b,
            }
        })
        .collect()
}

/// Everything one dataset run shares between workers.
struct Dataset {
    seed: u64,
    start: i64,
    end: i64,
    tenant: Tenant,
    planted: Planted,
    model: AlertModel,
    sampler: Sampler,
    clock: Clock,
    events: TableCtx<EventCols>,
    event_slices: Vec<Slice>,
    behaviors: TableCtx<BehaviorCols>,
    behavior_slices: Vec<Slice>,
    info: TableCtx<InfoCols>,
    evidence: TableCtx<EvidenceCols>,
    estate: Estate,
    corr: Vec<Box<dyn CorrTable>>,
}

#[derive(Clone, Copy)]
enum Task {
    Events(usize),
    Behaviors(usize),
    Info(usize),
    Evidence(usize),
    /// Chunk of the correlation table `Dataset::corr[.0]`.
    Corr(usize, usize),
}

/// Background rows of each time-sliced correlation table per DataSecurityEvents row.
const CORR_SHARES: [(&str, usize); 6] = [
    ("DeviceProcessEvents", 4),
    ("DeviceFileEvents", 4),
    ("DeviceNetworkEvents", 4),
    ("DeviceLogonEvents", 25),
    ("EmailEvents", 8),
    ("CloudAppEvents", 5),
];

/// The correlation tables of a dataset, with their planted rows.
fn correlation_tables(
    opts: &GenOptions,
    out: &Path,
    window: (i64, i64),
    tenant: &Tenant,
    estate: &Estate,
    planted: &Planted,
) -> Result<Vec<Box<dyn CorrTable>>, GenError> {
    let x = cross::derive(opts.seed, tenant, estate, planted);
    let bg = |name: &str| {
        CORR_SHARES
            .iter()
            .find(|s| s.0 == name)
            .map_or(0, |s| opts.events / s.1)
    };
    let (start, end) = window;
    Ok(vec![
        Box::new(Sliced::<inventory::DeviceInfoGen>::new(
            out,
            opts,
            window,
            0,
            inventory::device_reports(tenant, opts.seed, start, end),
        )?),
        Box::new(Sliced::<endpoint::ProcessGen>::new(
            out,
            opts,
            window,
            bg("DeviceProcessEvents"),
            x.process,
        )?),
        Box::new(Sliced::<endpoint::FileGen>::new(
            out,
            opts,
            window,
            bg("DeviceFileEvents"),
            x.file,
        )?),
        Box::new(Sliced::<netlogon::NetworkGen>::new(
            out,
            opts,
            window,
            bg("DeviceNetworkEvents"),
            x.network,
        )?),
        Box::new(Sliced::<netlogon::LogonGen>::new(
            out,
            opts,
            window,
            bg("DeviceLogonEvents"),
            x.logon,
        )?),
        Box::new(Sliced::<mailcloud::EmailGen>::new(
            out,
            opts,
            window,
            bg("EmailEvents"),
            x.email,
        )?),
        Box::new(Sliced::<mailcloud::CloudGen>::new(
            out,
            opts,
            window,
            bg("CloudAppEvents"),
            x.cloud,
        )?),
        Box::new(Sliced::<inventory::IdentityGen>::new(
            out,
            opts,
            window,
            0,
            inventory::account_reports(tenant, opts.seed, start, end),
        )?),
    ])
}

impl Dataset {
    fn new(opts: &GenOptions, out: &Path) -> Result<Dataset, GenError> {
        let (start, end) = window_ticks(opts);
        let tenant = Tenant::build(opts.seed, opts.events);
        let planted = scenarios::plant(opts.seed, &tenant, start, end);

        let mut events = TableCtx::new(
            events::TABLE,
            out,
            opts,
            EventCols::resolve,
            &[
                "ActivityId",
                "NetworkMessageId",
                "ObjectId",
                "TargetFilePath",
                "InternetMessageId",
                "SensitiveInfoTypeInfo",
                "RecipientEmailAddress",
                "EmailAttachmentInfo",
                "RiskyAIUsageAccessedResourceInfo",
                "RiskyAIUsageSensitivityLabelsInfo",
            ],
            StringStats::Only(&[
                "ActionType",
                "Workload",
                "AccountUpn",
                "Department",
                "FileExtension",
                "DeviceName",
            ]),
        )?;
        let background = opts.events.saturating_sub(planted.events.len());
        let n = writer::chunk_count(
            opts.events.max(planted.events.len()),
            opts.max_rows_per_file,
        );
        let ticks: Vec<i64> = planted.events.iter().map(|a| a.ticks).collect();
        let event_slices = slices(start, end, n, background, &ticks);
        let rows: Vec<usize> = event_slices
            .iter()
            .map(|s| s.background + s.planted.len())
            .collect();
        events.chunks = writer::plan_files(&rows, opts.max_rows_per_file);

        let mut behaviors = TableCtx::new(
            behaviors::TABLE,
            out,
            opts,
            BehaviorCols::resolve,
            &[],
            StringStats::Only(&["ActionType", "AccountUpn"]),
        )?;
        let total = (opts.events / 100).max(planted.behaviors.len());
        let n = writer::chunk_count(total, opts.max_rows_per_file);
        let ticks: Vec<i64> = planted.behaviors.iter().map(|b| b.ticks).collect();
        let behavior_slices = slices(start, end, n, total - planted.behaviors.len(), &ticks);
        let rows: Vec<usize> = behavior_slices
            .iter()
            .map(|s| s.background + s.planted.len())
            .collect();
        behaviors.chunks = writer::plan_files(&rows, opts.max_rows_per_file);

        let alert_count = (opts.events / 200).saturating_sub(planted.alerts.len());
        let model = alerts::build_model(
            opts.seed,
            &tenant,
            alert_count,
            start,
            end,
            planted.alerts.clone(),
        );
        let mut info = TableCtx::new(
            alerts::INFO_TABLE,
            out,
            opts,
            InfoCols::resolve,
            &["AlertId"],
            StringStats::All,
        )?;
        let n = writer::chunk_count(model.alerts.len(), opts.max_rows_per_file);
        info.chunks = writer::plan_files(
            &writer::even_split(model.alerts.len(), n),
            opts.max_rows_per_file,
        );
        let mut evidence = TableCtx::new(
            alerts::EVIDENCE_TABLE,
            out,
            opts,
            EvidenceCols::resolve,
            &["SHA1", "SHA256", "AdditionalFields"],
            StringStats::All,
        )?;
        let n = writer::chunk_count(model.evidence.len(), opts.max_rows_per_file);
        evidence.chunks = writer::plan_files(
            &writer::even_split(model.evidence.len(), n),
            opts.max_rows_per_file,
        );

        let estate = Estate::build(opts.seed, &tenant);
        let corr = correlation_tables(opts, out, (start, end), &tenant, &estate, &planted)?;
        Ok(Dataset {
            estate,
            corr,
            seed: opts.seed,
            start,
            end,
            sampler: Sampler::new(background),
            clock: Clock::new(),
            tenant,
            planted,
            model,
            events,
            event_slices,
            behaviors,
            behavior_slices,
            info,
            evidence,
        })
    }

    /// All chunk tasks, the biggest first so rayon balances them well.
    fn tasks(&self) -> Vec<Task> {
        let mut t: Vec<(usize, Task)> = Vec::new();
        t.extend(
            self.events
                .chunks
                .iter()
                .map(|c| (c.rows(), Task::Events(c.index))),
        );
        t.extend(
            self.behaviors
                .chunks
                .iter()
                .map(|c| (c.rows(), Task::Behaviors(c.index))),
        );
        t.extend(
            self.evidence
                .chunks
                .iter()
                .map(|c| (c.rows(), Task::Evidence(c.index))),
        );
        t.extend(
            self.info
                .chunks
                .iter()
                .map(|c| (c.rows(), Task::Info(c.index))),
        );
        for (i, table) in self.corr.iter().enumerate() {
            t.extend(table.chunks().iter().map(|c| (c.rows(), Task::Corr(i, c.index))));
        }
        t.sort_by_key(|x| std::cmp::Reverse(x.0));
        t.into_iter().map(|x| x.1).collect()
    }

    /// Sorted background timestamps of a time slice.
    fn background_ticks(&self, rng: &mut util::Rng, s: &Slice) -> Vec<i64> {
        let mut v: Vec<i64> = (0..s.background)
            .map(|_| self.clock.sample(rng, s.lo, s.hi))
            .collect();
        v.sort_unstable();
        v
    }

    fn run(&self, task: Task) -> Result<(), GenError> {
        match task {
            Task::Corr(i, k) => {
                let table = self
                    .corr
                    .get(i)
                    .ok_or_else(|| GenError::Internal(format!("no correlation table {i}")))?;
                let world = World {
                    seed: self.seed,
                    start: self.start,
                    tenant: &self.tenant,
                    estate: &self.estate,
                };
                table.run(&world, &self.clock, k)
            }
            Task::Events(k) => {
                let (t, s) = (&self.events, &self.event_slices[k]);
                let mut rng = rng_for(self.seed, t.name, k as u64);
                let background = self.background_ticks(&mut rng, s);
                let mut src = EventChunk {
                    cols: &t.cols,
                    tenant: &self.tenant,
                    sampler: &self.sampler,
                    planted_files: &self.planted.files,
                    planted: &self.planted.events[s.planted.clone()],
                    background,
                    end: self.end,
                    rng,
                    next_bg: 0,
                    next_planted: 0,
                };
                write(t, k, &mut src)
            }
            Task::Behaviors(k) => {
                let (t, s) = (&self.behaviors, &self.behavior_slices[k]);
                let mut rng = rng_for(self.seed, t.name, k as u64);
                let background = self.background_ticks(&mut rng, s);
                let planted = &self.planted.behaviors[s.planted.clone()];
                let mut src =
                    BehaviorChunk::new(&t.cols, &self.tenant, planted, background, self.start, rng);
                write(t, k, &mut src)
            }
            Task::Info(k) => {
                let t = &self.info;
                let c = &t.chunks[k];
                let alerts = self
                    .model
                    .alerts
                    .get(c.offset..c.offset + c.rows())
                    .unwrap_or(&[]);
                write(
                    t,
                    k,
                    &mut InfoChunk {
                        cols: &t.cols,
                        alerts,
                        next: 0,
                    },
                )
            }
            Task::Evidence(k) => {
                let t = &self.evidence;
                let c = &t.chunks[k];
                let evidence = self
                    .model
                    .evidence
                    .get(c.offset..c.offset + c.rows())
                    .unwrap_or(&[]);
                let mut src = EvidenceChunk {
                    cols: &t.cols,
                    tenant: &self.tenant,
                    model: &self.model,
                    evidence,
                    next: 0,
                    rng: rng_for(self.seed, t.name, k as u64),
                    json: String::with_capacity(512),
                };
                write(t, k, &mut src)
            }
        }
    }
}

fn write<C>(t: &TableCtx<C>, chunk: usize, src: &mut dyn RowSource) -> Result<(), GenError> {
    let plan = t
        .chunks
        .get(chunk)
        .ok_or_else(|| GenError::Internal(format!("{}: no chunk {chunk}", t.name)))?;
    writer::write_chunk(&t.dir, &t.schema, &t.props, plan, src)
}

/// Generates the dataset described by `opts` into `out`, which must exist and be
/// empty (the staging directory of [`write_dataset_with`]): one directory per table
/// holding `part-00000.parquet`, `part-00001.parquet`, …
///
/// Chunks are written in parallel on the current rayon pool; the content does not
/// depend on the number of threads.
pub(crate) fn generate_into(opts: &GenOptions, out: &Path) -> Result<GenReport, GenError> {
    validate(opts)?;
    let ds = Dataset::new(opts, out)?;
    let dirs: [&Path; 4] = [&ds.events.dir, &ds.behaviors.dir, &ds.info.dir, &ds.evidence.dir];
    for dir in dirs.into_iter().chain(ds.corr.iter().map(|c| c.dir())) {
        writer::prepare_dir(dir)?;
    }
    ds.tasks()
        .into_par_iter()
        .with_max_len(1)
        .map(|task| ds.run(task))
        .collect::<Result<Vec<()>, GenError>>()?;
    let mut tables = vec![
        ds.events.report(),
        ds.behaviors.report(),
        ds.info.report(),
        ds.evidence.report(),
    ];
    tables.extend(ds.corr.iter().map(|c| c.report()));
    tables.sort_by_key(|r| all_tables().position(|t| t == r.name));
    Ok(GenReport { tables })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_options() {
        let out = tempfile::tempdir().unwrap();
        let bad = GenOptions {
            max_rows_per_file: 0,
            ..GenOptions::default()
        };
        assert!(matches!(
            generate_into(&bad, out.path()),
            Err(GenError::InvalidOptions(_))
        ));
    }

    #[test]
    fn demo_now_is_window_end() {
        let (_, end) = window_ticks(&GenOptions::default());
        let now = DateTime::parse_from_rfc3339(DEMO_NOW)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(end, now.timestamp() * TICKS_PER_SEC);
    }
}
