//! The correlation tables' common machinery: what a table generator provides
//! ([`TableGen`]), the shared read-only [`World`], planted cross-table rows
//! ([`CrossRow`]), and a time-sliced table writer ([`Sliced`]) that merges sorted
//! background rows with the planted ones, like DataSecurityEvents does.

use std::path::Path;

use crate::error::GenError;
use crate::estate::Estate;
use crate::tenant::{Tenant, User};
use crate::util::{Clock, Rng, rng_for};
use crate::writer::{self, ChunkPlan, RowSource, StringStats};
use crate::batch::RowBatch;
use crate::{GenOptions, Slice, TableReport, slices};

use hunt_plan::types::Schema;
use parquet::file::properties::WriterProperties;

/// Everything a generator reads: the tenant, its estate and the planted documents.
pub(crate) struct World<'a> {
    pub seed: u64,
    pub start: i64,
    pub tenant: &'a Tenant,
    pub estate: &'a Estate,
}

impl World<'_> {
    pub(crate) fn user(&self, u: u32) -> Option<&User> {
        self.tenant.users.get(u as usize)
    }
}

/// One planted row of a correlation table: a piece of a planted scenario as that table
/// sees it. Each table reads the fields it needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct CrossRow {
    /// Timestamp (100-ns ticks).
    pub ticks: i64,
    /// Index into `Tenant::users`.
    pub user: u32,
    /// Index into the user's devices.
    pub device: u8,
    /// `ActionType`.
    pub action: &'static str,
    /// Index into `xdr_domains::IMAGES` (the process created or initiating).
    pub image: usize,
    /// File or object name.
    pub name: String,
    /// Folder (files) or object id / URL (cloud rows).
    pub folder: String,
    /// File size.
    pub size: i64,
    /// Key of the file's hashes.
    pub key: u64,
    /// Origin or remote URL.
    pub url: String,
    /// Remote IP.
    pub ip: &'static str,
    /// Cloud app (index into `CLOUD_APPS`, or `usize::MAX` for Mega).
    pub app: usize,
    /// Sensitivity label name.
    pub label: &'static str,
    /// Command line, subject or recipient.
    pub text: String,
}

/// A correlation table's row generator.
pub(crate) trait TableGen: Sync {
    /// Table name (also its folder).
    const NAME: &'static str;
    /// Columns without a dictionary (nearly unique values).
    const NO_DICT: &'static [&'static str] = &[];
    /// Resolves the generator's column indexes against the table's schema.
    fn new(schema: &Schema) -> Self;
    /// Appends one background row at `ticks`.
    fn background(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, ticks: i64);
    /// Appends one planted row.
    fn planted(&self, w: &World<'_>, b: &mut RowBatch, rng: &mut Rng, row: &CrossRow);
}

/// A time-sliced correlation table: chunks of sorted background rows merged with the
/// planted rows of their time slice.
pub(crate) struct Sliced<G: TableGen> {
    generator: G,
    schema: Schema,
    props: WriterProperties,
    dir: std::path::PathBuf,
    slices: Vec<Slice>,
    chunks: Vec<ChunkPlan>,
    planted: Vec<CrossRow>,
}

/// The object-safe face of [`Sliced`], so a dataset can hold all correlation tables.
pub(crate) trait CorrTable: Sync {
    fn dir(&self) -> &Path;
    fn chunks(&self) -> &[ChunkPlan];
    fn run(&self, w: &World<'_>, clock: &Clock, chunk: usize) -> Result<(), GenError>;
    fn report(&self) -> TableReport;
}

impl<G: TableGen> Sliced<G> {
    /// A table of `background` random rows plus `planted` (any order) in `[start, end)`.
    pub(crate) fn new(
        out: &Path,
        opts: &GenOptions,
        (start, end): (i64, i64),
        background: usize,
        mut planted: Vec<CrossRow>,
    ) -> Result<Self, GenError> {
        let schema = crate::schemas::table_schema(G::NAME)?;
        planted.retain(|r| r.ticks >= start && r.ticks < end);
        planted.sort_by_key(|r| r.ticks);
        let total = background + planted.len();
        let n = writer::chunk_count(total, opts.max_rows_per_file);
        let ticks: Vec<i64> = planted.iter().map(|r| r.ticks).collect();
        let slices = slices(start, end, n, background, &ticks);
        let rows: Vec<usize> = slices.iter().map(|s| s.background + s.planted.len()).collect();
        Ok(Sliced {
            generator: G::new(&schema),
            props: writer::writer_props(
                &schema,
                opts.row_group_rows,
                G::NO_DICT,
                StringStats::Only(&["ActionType", "DeviceName", "AccountUpn", "Application"]),
            ),
            dir: out.join(G::NAME),
            schema,
            chunks: writer::plan_files(&rows, opts.max_rows_per_file),
            slices,
            planted,
        })
    }
}

impl<G: TableGen> CorrTable for Sliced<G> {
    fn dir(&self) -> &Path {
        &self.dir
    }

    fn chunks(&self) -> &[ChunkPlan] {
        &self.chunks
    }

    fn run(&self, w: &World<'_>, clock: &Clock, k: usize) -> Result<(), GenError> {
        let (Some(s), Some(plan)) = (self.slices.get(k), self.chunks.get(k)) else {
            return Err(GenError::Internal(format!("{}: no chunk {k}", G::NAME)));
        };
        let mut rng = rng_for(w.seed, G::NAME, k as u64);
        let mut background: Vec<i64> =
            (0..s.background).map(|_| clock.sample(&mut rng, s.lo, s.hi)).collect();
        background.sort_unstable();
        let mut src = Merge {
            generator: &self.generator,
            world: w,
            planted: self.planted.get(s.planted.clone()).unwrap_or(&[]),
            background,
            rng,
            next_bg: 0,
            next_planted: 0,
        };
        writer::write_chunk(&self.dir, &self.schema, &self.props, plan, &mut src)
    }

    fn report(&self) -> TableReport {
        TableReport {
            name: G::NAME.to_string(),
            rows: self.chunks.iter().map(ChunkPlan::rows).sum(),
            files: self.chunks.iter().map(|c| c.file_rows.len()).sum(),
        }
    }
}

/// Rows of one chunk: background timestamps merged with planted rows, in time order.
struct Merge<'a, G: TableGen> {
    generator: &'a G,
    world: &'a World<'a>,
    planted: &'a [CrossRow],
    background: Vec<i64>,
    rng: Rng,
    next_bg: usize,
    next_planted: usize,
}

impl<G: TableGen> RowSource for Merge<'_, G> {
    fn fill(&mut self, b: &mut RowBatch, n: usize) -> Result<(), GenError> {
        for _ in 0..n {
            let p = self.planted.get(self.next_planted);
            let bg = self.background.get(self.next_bg).copied();
            match (p, bg) {
                (Some(p), Some(t)) if p.ticks <= t => {
                    self.next_planted += 1;
                    self.generator.planted(self.world, b, &mut self.rng, p);
                }
                (Some(p), None) => {
                    self.next_planted += 1;
                    self.generator.planted(self.world, b, &mut self.rng, p);
                }
                (_, Some(t)) => {
                    self.next_bg += 1;
                    self.generator.background(self.world, b, &mut self.rng, t);
                }
                (None, None) => {
                    return Err(GenError::Internal(format!("{} chunk ran out of rows", G::NAME)));
                }
            }
        }
        Ok(())
    }
}
