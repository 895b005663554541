//! `ParquetScanExec`: streams a table's files batch by batch, decoding only the
//! projected columns, skipping row groups (and pages) whose statistics rule out the
//! filters above the scan, and decoding row groups in parallel.
//!
//! The scan is split into units, one per row group that survives pruning, in file order
//! then row-group order. Footers are read lazily, one file at a time, as the consumer
//! pulls. Units are decoded on the current rayon pool by [`OrderedParallel`], at most
//! [`read_ahead`] ahead of the consumer, and their batches come out in unit order: the
//! output is the same batches in the same order whatever the thread count, and memory
//! holds at most that many decoded row groups.
//!
//! The worker that decodes a unit also runs what the consumer asked to be done per unit
//! ([`ExecutionPlan::execute_units`]): the filters and projections above the scan, and an
//! aggregate's partial state, so those run on every thread, not only on the consumer's.

use super::bloom::{self, BloomProbe};
use super::conform::{conform_column, missing_column};
use super::dictfilter::{self, DictPredicate, dictionary_type};
use super::dictprune;
use super::guard::guarded;
use super::late::LateFilter;
use super::ordered::{OrderedParallel, Task};
use super::prefetch::Prefetched;
use super::prune::{FileColumns, Pruning};
use super::stats::{ScanMetrics, ScanStats};
use super::table::ParquetTable;
use super::topbound::TopBound;
use crate::error::{ExecError, Result};
use crate::physical_plan::{
    BATCH_SIZE, BatchIter, ExecutionPlan, Folded, FoldedIter, UnitFold, execute_parallel,
};
use ::parquet::arrow::ProjectionMask;
use ::parquet::arrow::arrow_reader::{
    ArrowPredicateFn, ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
    RowFilter, RowSelection,
};
use ::parquet::file::metadata::{PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader};
use arrow::array::{BooleanArray, RecordBatchOptions};
use arrow::datatypes::{DataType, Field as ArrowField, Schema as ArrowSchema, SchemaRef};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use hunt_plan::types::Schema;
use std::collections::VecDeque;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads a table's Parquet files.
#[derive(Debug)]
pub struct ParquetScanExec {
    table: Arc<ParquetTable>,
    /// Output schema: the projected columns in table order.
    schema: Schema,
    /// The filters statistics can decide (the `and` of the usable conjuncts).
    pruning: Option<Arc<Pruning>>,
    /// The conjuncts behind `pruning`, for EXPLAIN.
    pruning_text: Vec<String>,
    /// Conjuncts over one string column, applied per dictionary value while decoding.
    dict_preds: Arc<Vec<DictPredicate>>,
    /// Conjuncts evaluated in the decoder for a wide output ([`LateFilter`]).
    late: Arc<Vec<LateFilter>>,
    /// String columns passed on as `Dictionary(Int32, Utf8)` where a file stores them
    /// dictionary-encoded (for an aggregate grouping by them), instead of as `Utf8`.
    dict_output: Arc<Vec<String>>,
    /// Equality conjuncts checked against the files' bloom filters.
    bloom: Arc<Vec<BloomProbe>>,
    /// The running bound of a top-N directly above, if any.
    top_bound: Option<Arc<TopBound>>,
    metrics: Arc<ScanMetrics>,
    /// Checked before each unit is handed out; counts progress.
    control: Option<crate::CancelToken>,
}

impl ParquetScanExec {
    /// A scan of `table` producing `schema` (the projected columns, in table order).
    /// `filters` are predicates the scan may use to skip data that cannot match; rows it
    /// returns are still filtered above it.
    pub fn try_new(
        table: Arc<ParquetTable>,
        filters: Vec<hunt_plan::expr::Expr>,
        schema: Schema,
    ) -> Result<ParquetScanExec> {
        let mut parts = Vec::new();
        let mut pruning_text = Vec::new();
        for f in &filters {
            if let Some(p) = Pruning::from_expr(f) {
                parts.push(p);
                pruning_text.push(f.to_string());
            }
        }
        let dict_preds: Vec<DictPredicate> = filters
            .iter()
            .filter_map(DictPredicate::from_expr)
            .filter(|p| schema.index_of(&p.column).is_some())
            .collect();
        let bloom: Vec<BloomProbe> = filters.iter().filter_map(BloomProbe::from_expr).collect();
        let late = LateFilter::plan(&filters, &schema, |f| {
            DictPredicate::from_expr(f)
                .filter(|p| schema.index_of(&p.column).is_some())
                .map(|p| p.column)
        });
        let pruning = match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Pruning::And(parts)),
        };
        Ok(ParquetScanExec {
            table,
            schema,
            pruning: pruning.map(Arc::new),
            pruning_text,
            dict_preds: Arc::new(dict_preds),
            late: Arc::new(late),
            dict_output: Arc::new(Vec::new()),
            bloom: Arc::new(bloom),
            top_bound: None,
            metrics: Arc::new(ScanMetrics::default()),
            control: None,
        })
    }

    /// Passes string columns `cols` on as dictionaries where the files store them
    /// dictionary-encoded. Only for consumers that accept both layouts: every expression
    /// reads a dictionary column as `Utf8` (`crate::expr::eval`), so this suits operators
    /// that evaluate expressions or filter rows, and the aggregate's key fast path.
    pub fn with_dictionary_output(mut self, cols: Vec<String>) -> ParquetScanExec {
        let cols = cols
            .into_iter()
            .filter(|c| {
                self.schema
                    .fields
                    .iter()
                    .any(|f| &f.name == c && f.ty == hunt_plan::types::KqlType::String)
            })
            .collect();
        self.dict_output = Arc::new(cols);
        self
    }

    /// Drops, while decoding, the rows a top-N above can no longer take (see [`TopBound`]).
    pub fn with_top_bound(mut self, bound: Arc<TopBound>) -> ParquetScanExec {
        self.top_bound = Some(bound);
        self
    }

    /// Stops handing out units once `token` is cancelled, and counts progress on it.
    pub fn with_control(mut self, token: crate::CancelToken) -> ParquetScanExec {
        self.control = Some(token);
        self
    }

    /// What the scan has done so far, summed over its executions.
    pub fn stats(&self) -> ScanStats {
        self.metrics.snapshot()
    }
}

/// Row groups decoded ahead of the consumer: two per thread of the current rayon pool, so
/// every thread has the next unit queued when it finishes one.
fn read_ahead() -> usize {
    2 * rayon::current_num_threads().max(1)
}

/// What every unit of one execution shares.
struct ScanContext {
    schema: Schema,
    arrow_schema: SchemaRef,
    pruning: Option<Arc<Pruning>>,
    dict_preds: Arc<Vec<DictPredicate>>,
    late: Arc<Vec<LateFilter>>,
    dict_output: Arc<Vec<String>>,
    bloom: Arc<Vec<BloomProbe>>,
    top_bound: Option<Arc<TopBound>>,
    metrics: Arc<ScanMetrics>,
    /// What each unit's batches are folded into, on the worker that decodes them.
    fold: UnitFold,
}

/// One opened file: its footer and projection, shared by its row-group units.
struct OpenFile {
    path: PathBuf,
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
}

fn parquet_err(path: &Path) -> impl FnOnce(::parquet::errors::ParquetError) -> ExecError + '_ {
    move |source| ExecError::Parquet {
        path: path.to_path_buf(),
        source,
    }
}

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|source| ExecError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// One unit's batches, folded.
type UnitResult = Result<Folded>;

/// Prunes a file's row groups (by its footer, read when the table was resolved, plus its
/// page index when there are filters) and returns a task per surviving one. The page
/// index, dictionary pages and bloom filters it reads are decoded under a guard.
fn plan_file(
    path: PathBuf,
    footer: Arc<ParquetMetaData>,
    ctx: &Arc<ScanContext>,
) -> Result<Vec<Task<UnitResult>>> {
    let shown = path.clone();
    guarded(|| plan_file_unguarded(path, footer, ctx)).unwrap_or_else(|detail| {
        Err(ExecError::Damaged {
            path: shown,
            place: "page index, dictionary page or bloom filter".into(),
            detail,
        })
    })
}

fn plan_file_unguarded(
    path: PathBuf,
    footer: Arc<ParquetMetaData>,
    ctx: &Arc<ScanContext>,
) -> Result<Vec<Task<UnitResult>>> {
    let file = open(&path)?;
    let options = ArrowReaderOptions::new();
    let groups = footer.row_groups();
    ctx.metrics.file(groups.len() as u64);
    // First the row groups the footer's metadata cannot rule out: statistics, then the
    // dictionary pages and bloom filters (small reads of their own).
    let columns = match &ctx.pruning {
        Some(p) => {
            let base = ArrowReaderMetadata::try_new(footer.clone(), options.clone())
                .map_err(parquet_err(&path))?;
            Some((p.clone(), FileColumns::resolve(p, base.schema(), &footer)))
        }
        None => None,
    };
    let mut survivors = Vec::new();
    for (rg, group) in groups.iter().enumerate() {
        if let Some((pruning, cols)) = &columns {
            if !pruning.can_match(&mut |leaf| cols.row_group_range(&footer, rg, leaf)) {
                ctx.metrics.pruned();
                continue;
            }
        }
        if !ctx.dict_preds.is_empty() && dictprune::rules_out(&file, &ctx.dict_preds, group)? {
            ctx.metrics.pruned_by_dictionary();
            continue;
        }
        if !ctx.bloom.is_empty() && bloom::rules_out(&file, &ctx.bloom, group) {
            ctx.metrics.pruned_by_bloom();
            continue;
        }
        survivors.push(rg);
    }
    if survivors.is_empty() {
        return Ok(Vec::new());
    }
    // The page index costs extra reads; it is only worth it when there is something to
    // prune pages with, or row groups to cut (its offset index lets a part read its pages
    // only).
    let split = groups.len() < SPLIT_BELOW_ROW_GROUPS;
    let footer = if ctx.pruning.is_some() || split {
        let mut reader = ParquetMetaDataReader::new_with_metadata(footer.as_ref().clone())
            .with_page_index_policy(PageIndexPolicy::Optional);
        reader
            .read_page_indexes(&file)
            .map_err(parquet_err(&path))?;
        Arc::new(reader.finish().map_err(parquet_err(&path))?)
    } else {
        footer
    };
    let mut meta =
        ArrowReaderMetadata::try_new(footer, options.clone()).map_err(parquet_err(&path))?;
    if let Some(schema) = dictionary_schema(&meta, ctx) {
        meta = ArrowReaderMetadata::try_new(meta.metadata().clone(), options.with_schema(schema))
            .map_err(parquet_err(&path))?;
    }
    let md = meta.metadata().clone();
    let file_schema = meta.schema().clone();
    let present = ctx
        .schema
        .fields
        .iter()
        .filter(|f| file_schema.field_with_name(&f.name).is_ok())
        .map(|f| f.name.as_str());
    let mask = ProjectionMask::columns(meta.parquet_schema(), present);
    let open_file = Arc::new(OpenFile { path, meta, mask });
    let mut tasks = Vec::new();
    for rg in survivors {
        let rows = usize::try_from(md.row_group(rg).num_rows()).unwrap_or(0);
        let mut selection = None;
        if let Some((pruning, cols)) = &columns {
            let keep = pruning.select(rows, &mut |leaf| cols.page_ranges(&md, rg, rows, leaf));
            if keep.len() < rows {
                ctx.metrics.scheduled((rows - keep.len()) as u64);
                if keep.0.is_empty() {
                    // Every page ruled out: nothing to decode.
                    continue;
                }
                selection = Some(RowSelection::from_consecutive_ranges(
                    keep.0.into_iter(),
                    rows,
                ));
            } else {
                ctx.metrics.scheduled(0);
            }
        } else {
            ctx.metrics.scheduled(0);
        }
        // A file of few row groups would give few units (`AlertInfo` is one row group):
        // its row groups are cut into parts of about PART_ROWS rows, each its own unit. The
        // cut depends only on the file, never on the thread count.
        let parts = if split && selection.is_none() && md.offset_index().is_some() {
            rows.div_ceil(PART_ROWS).max(1)
        } else {
            1
        };
        for part in 0..parts {
            let selection = if parts > 1 {
                let range = part * rows / parts..(part + 1) * rows / parts;
                Some(RowSelection::from_consecutive_ranges(
                    std::iter::once(range),
                    rows,
                ))
            } else {
                selection.clone()
            };
            let (f, c) = (open_file.clone(), ctx.clone());
            tasks.push(Task::Run(Box::new(move || {
                read_row_group(&f, rg, selection, &c)
            })));
        }
    }
    Ok(tasks)
}

/// Files with fewer row groups than this have their row groups cut into parts.
const SPLIT_BELOW_ROW_GROUPS: usize = 4;

/// The rows of one part of a cut row group (four batches).
const PART_ROWS: usize = 4 * BATCH_SIZE;

/// Decodes one row group (the selected rows of it), conforms its batches and folds them
/// as they are decoded.
fn read_row_group(
    f: &OpenFile,
    rg: usize,
    selection: Option<RowSelection>,
    ctx: &ScanContext,
) -> UnitResult {
    // Decoding runs under a guard: a damaged footer or page can make the decoder panic,
    // and both a panic and a decoding error are reported as a damaged file, naming the
    // column.
    let damaged = |detail: String| ExecError::Damaged {
        path: f.path.clone(),
        place: locate(f, rg, selection.as_ref()),
        detail,
    };
    let mut reader = match guarded(|| open_row_group(f, rg, selection.clone(), ctx)) {
        Ok(r) => r?,
        Err(panic) => return Err(damaged(panic)),
    };
    let mut rows = 0u64;
    let folded = {
        let mut batches = std::iter::from_fn(|| {
            loop {
                let b = match guarded(|| reader.next()) {
                    Ok(None) => return None,
                    Ok(Some(Ok(b))) => b,
                    Ok(Some(Err(e))) => return Some(Err(decode_error(e, &damaged))),
                    Err(panic) => return Some(Err(damaged(panic))),
                };
                if let Err(detail) = check_arrays(&b) {
                    return Some(Err(damaged(detail)));
                }
                rows += b.num_rows() as u64;
                if b.num_rows() > 0 {
                    return Some(conform_batch(&b, &f.path, ctx));
                }
            }
        });
        (ctx.fold)(&mut batches)
    };
    ctx.metrics.rows(rows);
    folded
}

/// Checks a decoded batch's arrays in full (offsets, dictionary keys, UTF-8): the Parquet
/// decoder trusts some lengths a damaged page states, and a string column whose offsets
/// point past its data made a kernel read outside it (a parquet fuzz finding: a crash,
/// where a damaged file must be an error naming it).
fn check_arrays(b: &RecordBatch) -> std::result::Result<(), String> {
    for (c, f) in b.columns().iter().zip(b.schema().fields()) {
        c.to_data()
            .validate_full()
            .map_err(|e| format!("column `{}`: {e}", f.name()))?;
    }
    Ok(())
}

/// The reader of one row group (the selected rows of it), its chunks read up front.
fn open_row_group(
    f: &OpenFile,
    rg: usize,
    selection: Option<RowSelection>,
    ctx: &ScanContext,
) -> Result<::parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
    // Each unit opens its own handle: clones of a `File` share one seek position.
    let file = open(&f.path)?;
    let damaged = |detail: String| ExecError::Damaged {
        path: f.path.clone(),
        place: format!("row group {rg}"),
        detail,
    };
    // The chunks to decode are read up front in a few large reads, unless the page index
    // selected some pages only (then the reader fetches just those).
    let chunks = if selection.is_none() {
        let group = f.meta.metadata().row_group(rg);
        Prefetched::read(file, group, &|leaf| f.mask.leaf_included(leaf)).map_err(|source| {
            if source.kind() == std::io::ErrorKind::UnexpectedEof {
                damaged(source.to_string())
            } else {
                ExecError::Io {
                    path: f.path.clone(),
                    source,
                }
            }
        })?
    } else {
        Prefetched::lazy(file).map_err(|source| ExecError::Io {
            path: f.path.clone(),
            source,
        })?
    };
    let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(chunks, f.meta.clone())
        .with_projection(f.mask.clone())
        .with_row_groups(vec![rg])
        .with_batch_size(BATCH_SIZE);
    if let Some(s) = selection {
        builder = builder.with_row_selection(s);
    }
    if let Some(filter) = row_filter(f, ctx) {
        builder = builder.with_row_filter(filter);
    }
    builder.build().map_err(|e| damaged(e.to_string()))
}

/// A decoder error: hunt's own error when a row filter of hunt's failed, otherwise the
/// file is damaged.
fn decode_error(e: ArrowError, damaged: &dyn Fn(String) -> ExecError) -> ExecError {
    match e {
        ArrowError::ExternalError(inner) => match inner.downcast::<ExecError>() {
            Ok(own) => *own,
            Err(other) => damaged(other.to_string()),
        },
        ArrowError::ParquetError(detail) => damaged(detail),
        other => damaged(other.to_string()),
    }
}

/// Where in a file decoding row group `rg` failed: decodes each projected column of it
/// alone (only after a failure) and names the first that fails.
fn locate(f: &OpenFile, rg: usize, selection: Option<&RowSelection>) -> String {
    let schema = f.meta.parquet_schema();
    for leaf in (0..schema.num_columns()).filter(|l| f.mask.leaf_included(*l)) {
        let fails = || -> bool {
            let Ok(file) = File::open(&f.path) else {
                return false;
            };
            let Ok(chunks) = Prefetched::lazy(file) else {
                return false;
            };
            let mut builder =
                ParquetRecordBatchReaderBuilder::new_with_metadata(chunks, f.meta.clone())
                    .with_projection(ProjectionMask::leaves(schema, [leaf]))
                    .with_row_groups(vec![rg])
                    .with_batch_size(BATCH_SIZE);
            if let Some(s) = selection {
                builder = builder.with_row_selection(s.clone());
            }
            match builder.build() {
                Ok(mut r) => r.any(|b| b.is_err()),
                Err(_) => true,
            }
        };
        if guarded(fails).unwrap_or(true) {
            return format!(
                "row group {rg}, column `{}`",
                schema.column(leaf).path().string()
            );
        }
    }
    format!("row group {rg}")
}

/// Late materialization: the dictionary predicates run first, on their own columns, and
/// the other columns are decoded only for the rows they keep. A conjunct that is a
/// dictionary predicate on a column this file does not store dictionary-encoded runs as
/// a late filter instead (before, it ran in neither, and a `where` over PLAIN strings
/// decoded every column of every row).
fn row_filter(f: &OpenFile, ctx: &ScanContext) -> Option<RowFilter> {
    let schema = f.meta.schema();
    let mut predicates: Vec<Box<dyn ::parquet::arrow::arrow_reader::ArrowPredicate>> = Vec::new();
    let dict_cols: Vec<String> = ctx
        .dict_preds
        .iter()
        .map(|p| p.column.clone())
        .filter(|c| {
            schema
                .field_with_name(c)
                .is_ok_and(|fl| *fl.data_type() == dictionary_type())
        })
        .collect();
    if !dict_cols.is_empty() {
        let mask = ProjectionMask::columns(
            f.meta.parquet_schema(),
            dict_cols.iter().map(String::as_str),
        );
        let preds = ctx.dict_preds.clone();
        let metrics = ctx.metrics.clone();
        let mut cache = dictfilter::MaskCache::new();
        predicates.push(Box::new(ArrowPredicateFn::new(
            mask,
            move |batch: RecordBatch| match dictfilter::mask(&preds, &batch, &mut cache) {
                Ok(Some(m)) => {
                    metrics.filtered((m.len() - m.true_count()) as u64);
                    Ok(m)
                }
                Ok(None) => Ok(BooleanArray::from(vec![true; batch.num_rows()])),
                Err(e) => Err(ArrowError::ExternalError(Box::new(e))),
            },
        )));
    }
    // The other conjuncts of a `where` under a wide output, each on its own columns.
    for (i, late) in ctx.late.iter().enumerate() {
        if late
            .columns
            .iter()
            .any(|c| schema.field_with_name(&c.name).is_err())
            || late
                .dict_column
                .as_ref()
                .is_some_and(|c| dict_cols.contains(c))
        {
            continue;
        }
        let mask = ProjectionMask::columns(
            f.meta.parquet_schema(),
            late.columns.iter().map(|c| c.name.as_str()),
        );
        let all = ctx.late.clone();
        let metrics = ctx.metrics.clone();
        predicates.push(Box::new(ArrowPredicateFn::new(
            mask,
            move |batch: RecordBatch| {
                Ok(match all[i].mask(&batch) {
                    Some(m) => {
                        metrics.filtered((m.len() - m.true_count()) as u64);
                        m
                    }
                    None => BooleanArray::from(vec![true; batch.num_rows()]),
                })
            },
        )));
    }
    // A top-N's running bound, on a column the file stores as the integers compared.
    if let Some(bound) = ctx.top_bound.clone() {
        let stored = schema
            .field_with_name(bound.column())
            .map(|fl| fl.data_type().clone());
        if matches!(stored, Ok(DataType::Int64 | DataType::Int32)) {
            let mask = ProjectionMask::columns(f.meta.parquet_schema(), [bound.column()]);
            let metrics = ctx.metrics.clone();
            predicates.push(Box::new(ArrowPredicateFn::new(
                mask,
                move |batch: RecordBatch| {
                    Ok(match bound.mask(batch.column(0)) {
                        Some(m) => {
                            metrics.filtered((m.len() - m.true_count()) as u64);
                            m
                        }
                        None => BooleanArray::from(vec![true; batch.num_rows()]),
                    })
                },
            )));
        }
    }
    (!predicates.is_empty()).then(|| RowFilter::new(predicates))
}

/// The file's Arrow schema with the string columns a dictionary predicate reads turned
/// into dictionaries, when every row group stores them dictionary-encoded (the decoder
/// then copies keys instead of strings); `None` when nothing changes.
fn dictionary_schema(meta: &ArrowReaderMetadata, ctx: &ScanContext) -> Option<SchemaRef> {
    if ctx.dict_preds.is_empty() && ctx.dict_output.is_empty() {
        return None;
    }
    let md = meta.metadata();
    let leaves = md.file_metadata().schema_descr().columns();
    let dict_encoded = |name: &str| {
        let Some(leaf) = leaves.iter().position(|c| c.path().string() == name) else {
            return false;
        };
        md.row_groups()
            .iter()
            .all(|rg| small_dictionary(rg.column(leaf)))
    };
    let file_schema = meta.schema();
    let mut changed = false;
    let fields: Vec<ArrowField> = file_schema
        .fields()
        .iter()
        .map(|f| {
            let wanted = ctx.dict_preds.iter().any(|p| &p.column == f.name())
                || ctx.dict_output.iter().any(|c| c == f.name());
            if wanted && *f.data_type() == DataType::Utf8 && dict_encoded(f.name()) {
                changed = true;
                f.as_ref().clone().with_data_type(dictionary_type())
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    changed.then(|| {
        Arc::new(ArrowSchema::new_with_metadata(
            fields,
            file_schema.metadata().clone(),
        ))
    })
}

/// Whether a column chunk is worth reading as a dictionary: every data page is
/// dictionary-encoded (a writer falls back to plain pages when the dictionary grows too
/// big, and the decoder would then rebuild a dictionary row by row), and the dictionary
/// is at most half the chunk (a predicate runs once per entry).
fn small_dictionary(c: &::parquet::file::metadata::ColumnChunkMetaData) -> bool {
    let Some(dict_offset) = c.dictionary_page_offset() else {
        return false;
    };
    let dict_bytes = c.data_page_offset().saturating_sub(dict_offset);
    dictprune::all_pages_dictionary(c) && dict_bytes.saturating_mul(2) <= c.compressed_size()
}

/// A batch as read from a file, conformed to the scan's schema.
fn conform_batch(b: &RecordBatch, path: &Path, ctx: &ScanContext) -> Result<RecordBatch> {
    let n = b.num_rows();
    let mut schema = ctx.arrow_schema.clone();
    let mut cols = Vec::with_capacity(ctx.schema.fields.len());
    for (i, f) in ctx.schema.fields.iter().enumerate() {
        let col = match b.column_by_name(&f.name) {
            Some(c) if *c.data_type() == dictionary_type() && ctx.dict_output.contains(&f.name) => {
                // Kept as a dictionary: this batch's schema says so.
                let mut fields: Vec<ArrowField> =
                    schema.fields().iter().map(|x| x.as_ref().clone()).collect();
                fields[i] = fields[i].clone().with_data_type(dictionary_type());
                schema = Arc::new(ArrowSchema::new(fields));
                c.clone()
            }
            Some(c) => conform_column(c, f.ty).map_err(|e| ExecError::Schema {
                message: format!("{}: column `{}`: {e}", path.display(), f.name),
            })?,
            None => missing_column(f.ty, n),
        };
        cols.push(col);
    }
    let opts = RecordBatchOptions::new().with_row_count(Some(n));
    Ok(RecordBatch::try_new_with_options(schema, cols, &opts)?)
}

/// The units of a scan, produced lazily: a file's footer is read when the previous
/// file's units have all been handed out. After an error nothing more is produced.
struct Units {
    files: std::vec::IntoIter<(PathBuf, Arc<ParquetMetaData>)>,
    queue: VecDeque<Task<UnitResult>>,
    ctx: Arc<ScanContext>,
    control: Option<crate::CancelToken>,
    /// Row groups and rows of the file being handed out, spread over its queued units.
    file_left: (u64, u64),
}

impl Iterator for Units {
    type Item = Task<UnitResult>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.control.as_ref().is_some_and(|c| c.is_cancelled()) {
                self.files = Vec::new().into_iter();
                self.queue.clear();
                self.control = None;
                return Some(Task::Done(Err(ExecError::Cancelled)));
            }
            if let Some(t) = self.queue.pop_front() {
                if let Some(c) = &self.control {
                    // Each unit of a file carries an equal share of its row groups and rows.
                    let n = self.queue.len() as u64 + 1;
                    let share = (self.file_left.0 / n, self.file_left.1 / n);
                    c.add_done(share.0, share.1);
                    self.file_left = (self.file_left.0 - share.0, self.file_left.1 - share.1);
                }
                return Some(t);
            }
            if let Some(c) = &self.control {
                // What pruning skipped of the last file.
                c.add_done(self.file_left.0, self.file_left.1);
                self.file_left = (0, 0);
            }
            let (path, footer) = self.files.next()?;
            self.file_left = (
                footer.num_row_groups() as u64,
                footer.file_metadata().num_rows().max(0) as u64,
            );
            match plan_file(path, footer, &self.ctx) {
                Ok(tasks) => self.queue.extend(tasks),
                Err(e) => {
                    self.files = Vec::new().into_iter();
                    return Some(Task::Done(Err(e)));
                }
            }
        }
    }
}

/// The folded units of a scan, in order; nothing more after an error.
struct FoldedUnits {
    units: OrderedParallel<UnitResult>,
    failed: bool,
}

impl Iterator for FoldedUnits {
    type Item = Result<Folded>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let r = match self.units.next()? {
            Ok(r) => r,
            Err(panic) => Err(ExecError::Internal(format!(
                "a scan worker panicked: {panic}"
            ))),
        };
        self.failed = r.is_err();
        Some(r)
    }
}

impl ExecutionPlan for ParquetScanExec {
    fn describe(&self) -> String {
        let cols: Vec<&str> = self.schema.fields.iter().map(|f| f.name.as_str()).collect();
        let mut s = format!(
            "ParquetScanExec: {} files={}",
            self.table.name,
            self.table.files.len()
        );
        let stats = self.stats();
        if stats.executions > 0 {
            s.push_str(&format!(" {stats}"));
        }
        s.push_str(&format!(" projection=[{}]", cols.join(", ")));
        if !self.pruning_text.is_empty() {
            s.push_str(&format!(" prune=[{}]", self.pruning_text.join(", ")));
        }
        s
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }
    fn execute(&self) -> Result<BatchIter> {
        execute_parallel(self)
            .unwrap_or_else(|| Err(ExecError::Internal("a scan without units".into())))
    }
    /// The `where` conjuncts this scan applies to every row it returns: the dictionary
    /// predicates over columns that every row group of every file stores as a small,
    /// fully dictionary-encoded chunk (so every batch carries the column as a dictionary
    /// and the row filter runs on it). A filter above the scan need not check them again.
    fn applied_conjuncts(&self) -> Vec<hunt_plan::expr::Expr> {
        let everywhere = |column: &str| {
            self.table.footers.iter().all(|md| {
                // Read as `Utf8` (what `dictionary_schema` turns into a dictionary).
                let fm = md.file_metadata();
                let utf8 = ::parquet::arrow::parquet_to_arrow_schema(
                    fm.schema_descr(),
                    fm.key_value_metadata(),
                )
                .ok()
                .and_then(|s| {
                    s.field_with_name(column)
                        .ok()
                        .map(|f| f.data_type().clone())
                }) == Some(DataType::Utf8);
                let leaf = md
                    .file_metadata()
                    .schema_descr()
                    .columns()
                    .iter()
                    .position(|c| c.path().string() == column);
                utf8 && leaf.is_some_and(|leaf| {
                    md.row_groups()
                        .iter()
                        .all(|rg| small_dictionary(rg.column(leaf)))
                })
            })
        };
        self.dict_preds
            .iter()
            .filter(|p| everywhere(&p.column))
            .map(|p| p.source.clone())
            .collect()
    }
    fn has_units(&self) -> bool {
        true
    }
    fn units_hint(&self) -> Option<usize> {
        // The row groups the footers' statistics leave (what `plan_file` checks first).
        let mut n = 0;
        for footer in &self.table.footers {
            let groups = footer.num_row_groups();
            let Some(p) = &self.pruning else {
                n += groups;
                continue;
            };
            let Ok(base) = ArrowReaderMetadata::try_new(footer.clone(), ArrowReaderOptions::new())
            else {
                n += groups;
                continue;
            };
            let cols = FileColumns::resolve(p, base.schema(), footer);
            n += (0..groups)
                .filter(|rg| p.can_match(&mut |leaf| cols.row_group_range(footer, *rg, leaf)))
                .count();
        }
        Some(n)
    }
    fn execute_units(&self, fold: UnitFold) -> Option<Result<FoldedIter>> {
        self.metrics.execution();
        let ctx = Arc::new(ScanContext {
            schema: self.schema.clone(),
            arrow_schema: self.schema.to_arrow(),
            pruning: self.pruning.clone(),
            dict_preds: self.dict_preds.clone(),
            late: self.late.clone(),
            dict_output: self.dict_output.clone(),
            bloom: self.bloom.clone(),
            top_bound: self.top_bound.clone(),
            metrics: self.metrics.clone(),
            fold,
        });
        if let Some(c) = &self.control {
            c.add_total(
                self.table
                    .footers
                    .iter()
                    .map(|f| f.num_row_groups() as u64)
                    .sum(),
            );
        }
        let units = Units {
            control: self.control.clone(),
            file_left: (0, 0),
            files: self
                .table
                .files
                .iter()
                .cloned()
                .zip(self.table.footers.iter().cloned())
                .collect::<Vec<_>>()
                .into_iter(),
            queue: VecDeque::new(),
            ctx,
        };
        Some(Ok(Box::new(FoldedUnits {
            units: OrderedParallel::new(Box::new(units), read_ahead()),
            failed: false,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physical_plan::{collect, create_physical_plan};
    use crate::scan::TableSet;
    use ::parquet::arrow::ArrowWriter;
    use ::parquet::file::properties::WriterProperties;
    use arrow::array::{
        ArrayRef, Float64Array, Int64Array, StringArray, TimestampMillisecondArray,
    };
    use hunt_plan::LogicalPlan;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    /// A directory removed when dropped (hunt-exec has no tempfile dependency).
    struct TempDir(PathBuf);
    impl TempDir {
        fn new() -> std::io::Result<TempDir> {
            static N: AtomicUsize = AtomicUsize::new(0);
            let p = std::env::temp_dir().join(format!(
                "hunt-scan-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&p)?;
            Ok(TempDir(p))
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// 2024-01-01T00:00:00Z in ms.
    const BASE_MS: i64 = 1_704_067_200_000;

    /// `rows` events one second apart from `first`: Timestamp (ms, UTC), Id, Name
    /// (`user<Id/100>`, null every 37th row), Score (Id / 10, null every 50th row).
    fn events(first: i64, rows: i64) -> std::result::Result<RecordBatch, arrow::error::ArrowError> {
        let ids: Vec<i64> = (first..first + rows).collect();
        let ts =
            TimestampMillisecondArray::from_iter_values(ids.iter().map(|i| BASE_MS + i * 1000))
                .with_timezone("UTC");
        let names: StringArray = ids
            .iter()
            .map(|i| (i % 37 != 36).then(|| format!("user{:02}", i / 100)))
            .collect();
        let scores: Float64Array = ids
            .iter()
            .map(|i| (i % 50 != 49).then_some(*i as f64 / 10.0))
            .collect();
        RecordBatch::try_from_iter(vec![
            ("Timestamp", Arc::new(ts) as ArrayRef),
            ("Id", Arc::new(Int64Array::from(ids)) as ArrayRef),
            ("Name", Arc::new(names) as ArrayRef),
            ("Score", Arc::new(scores) as ArrayRef),
        ])
    }

    fn write(path: &Path, batch: &RecordBatch, row_group_rows: usize) -> TestResult {
        let props = WriterProperties::builder()
            .set_max_row_group_size(row_group_rows)
            .build();
        let mut w = ArrowWriter::try_new(File::create(path)?, batch.schema(), Some(props))?;
        w.write(batch)?;
        w.close()?;
        Ok(())
    }

    /// Table `Events` over three files of 1000, 1000 and 500 rows, 100 rows per row group.
    fn table(dir: &TempDir) -> std::result::Result<TableSet, Box<dyn std::error::Error>> {
        let mut files = Vec::new();
        for (i, (first, rows)) in [(0, 1000), (1000, 1000), (2000, 500)]
            .into_iter()
            .enumerate()
        {
            let p = dir.0.join(format!("part{i}.parquet"));
            write(&p, &events(first, rows)?, 100)?;
            files.push(p);
        }
        let mut t = TableSet::new();
        t.register("Events", files)?;
        Ok(t)
    }

    fn optimized(
        kql: &str,
        tables: &TableSet,
    ) -> std::result::Result<LogicalPlan, Box<dyn std::error::Error>> {
        let ast = hunt_syntax::parse(kql)?;
        let planned = hunt_plan::plan(&ast, tables, 0)?;
        Ok(hunt_plan::optimize(planned.plan))
    }

    /// The scan of `kql` (a query over one table) built on its own, to read its counters.
    fn scan_of(
        kql: &str,
        tables: &TableSet,
    ) -> std::result::Result<ParquetScanExec, Box<dyn std::error::Error>> {
        let mut plan = optimized(kql, tables)?;
        loop {
            match plan {
                LogicalPlan::Scan {
                    ref table,
                    ref filters,
                    ..
                } => {
                    let t = tables.get(table)?.ok_or("no table")?.clone();
                    let schema = plan.schema();
                    return Ok(ParquetScanExec::try_new(t, filters.clone(), schema)?);
                }
                LogicalPlan::Filter { input, .. }
                | LogicalPlan::Projection { input, .. }
                | LogicalPlan::Limit { input, .. }
                | LogicalPlan::Sort { input, .. }
                | LogicalPlan::Aggregate { input, .. } => plan = *input,
                _ => return Err("no scan".into()),
            }
        }
    }

    fn run(
        kql: &str,
        tables: &TableSet,
    ) -> std::result::Result<Vec<RecordBatch>, Box<dyn std::error::Error>> {
        let plan = create_physical_plan(&optimized(kql, tables)?, tables)?;
        Ok(collect(&plan)?)
    }

    fn rows(batches: &[RecordBatch]) -> usize {
        batches.iter().map(|b| b.num_rows()).sum()
    }

    #[test]
    fn between_on_sorted_time_reads_only_overlapping_row_groups() -> TestResult {
        let dir = TempDir::new()?;
        let t = table(&dir)?;
        // Rows 1150..=1249: row groups 11 and 12 of 25.
        let q = "Events | where Timestamp between (datetime(2024-01-01T00:19:10Z) .. datetime(2024-01-01T00:20:49Z))";
        let scan = scan_of(q, &t)?;
        let n: usize = scan
            .execute()?
            .map(|b| b.map(|b| b.num_rows()))
            .sum::<Result<usize>>()?;
        let s = scan.stats();
        assert_eq!((s.files_opened, s.row_groups), (3, 25));
        assert_eq!((s.row_groups_read, s.row_groups_pruned), (2, 23));
        assert_eq!(s.rows_read, 200);
        assert_eq!(n, 200);
        assert_eq!(rows(&run(q, &t)?), 100);
        assert!(
            scan.describe()
                .contains("row_groups=25 (read 2, skipped 23 by stats) rows_read=200"),
            "{}",
            scan.describe()
        );
        Ok(())
    }

    #[test]
    fn equality_on_id_reads_one_row_group() -> TestResult {
        let dir = TempDir::new()?;
        let t = table(&dir)?;
        let scan = scan_of("Events | where Id == 1234", &t)?;
        scan.execute()?.collect::<Result<Vec<_>>>()?;
        assert_eq!(scan.stats().row_groups_read, 1);
        // A function of the column cannot prune.
        let scan = scan_of("Events | where Id + 0 == 1234", &t)?;
        scan.execute()?.collect::<Result<Vec<_>>>()?;
        assert_eq!(scan.stats().row_groups_read, 25);
        assert_eq!(rows(&run("Events | where Id == 1234", &t)?), 1);
        Ok(())
    }

    #[test]
    fn results_do_not_depend_on_thread_count() -> TestResult {
        let dir = TempDir::new()?;
        let t = table(&dir)?;
        let queries = [
            "Events",
            "Events | where Timestamp between (datetime(2024-01-01T00:19:10Z) .. datetime(2024-01-01T00:30:49Z))",
            "Events | where Name == 'user07' or Id < 150",
            "Events | where Score > 200.0",
            "Events | summarize count() by Name",
            "Events | take 5",
        ];
        for q in queries {
            let mut outs = Vec::new();
            for threads in [1, 2, 4] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()?;
                let out = pool.install(|| run(q, &t).map_err(|e| e.to_string()))?;
                outs.push(out);
            }
            // Outside any pool too (the global pool).
            outs.push(run(q, &t)?);
            assert!(outs.windows(2).all(|w| w[0] == w[1]), "{q}");
        }
        Ok(())
    }

    #[test]
    fn page_index_skips_pages_inside_a_row_group() -> TestResult {
        let dir = TempDir::new()?;
        // One row group of 3000 rows in pages of 100 rows.
        let p = dir.0.join("one.parquet");
        let props = WriterProperties::builder()
            .set_max_row_group_size(10_000)
            .set_data_page_row_count_limit(100)
            .set_write_batch_size(100)
            .build();
        let batch = events(0, 3000)?;
        let mut w = ArrowWriter::try_new(File::create(&p)?, batch.schema(), Some(props))?;
        w.write(&batch)?;
        w.close()?;
        let mut t = TableSet::new();
        t.register("Events", vec![p])?;
        let q = "Events | where Id between (1234 .. 1434)";
        let scan = scan_of(q, &t)?;
        scan.execute()?.collect::<Result<Vec<_>>>()?;
        let s = scan.stats();
        assert_eq!((s.row_groups, s.row_groups_read), (1, 1));
        // Pages 12, 13 and 14 of Id.
        assert_eq!(s.rows_read, 300);
        assert_eq!(s.rows_skipped_by_pages, 2700);
        assert!(scan.describe().contains("rows_skipped_by_page_index=2700"));
        let want = run("Events | where Id + 0 between (1234 .. 1434)", &t)?;
        let got = run(q, &t)?;
        assert_eq!(rows(&got), 201);
        let cat = |b: &[RecordBatch]| arrow::compute::concat_batches(&b[0].schema(), b);
        assert_eq!(cat(&got)?, cat(&want)?);
        // An `or` of two ranges keeps the pages of each; a string test on the same rows
        // combines page boundaries of different columns.
        let q = "Events | where Id < 150 or Id >= 2950";
        assert_eq!(rows(&run(q, &t)?), 200);
        let scan = scan_of(q, &t)?;
        scan.execute()?.collect::<Result<Vec<_>>>()?;
        assert_eq!(scan.stats().rows_read, 300);
        let q = "Events | where Name == 'user07' and Id >= 750";
        let want = run(
            "Events | where strcat(Name, '') == 'user07' and Id + 0 >= 750",
            &t,
        )?;
        assert_eq!(cat(&run(q, &t)?)?, cat(&want)?);
        Ok(())
    }

    /// Dictionary predicates at the scan and the aggregate's dictionary-key path give
    /// the answers of the plain-string paths (`strcat(Name, '')` defeats both), over files
    /// with and without dictionary encoding, with null names (which are "").
    #[test]
    fn dictionary_paths_match_plain_strings() -> TestResult {
        let dir = TempDir::new()?;
        let mut t = table(&dir)?;
        let plain = dir.0.join("plain.parquet");
        let props = WriterProperties::builder()
            .set_dictionary_enabled(false)
            .set_max_row_group_size(100)
            .build();
        let batch = events(2500, 400)?;
        let mut w = ArrowWriter::try_new(File::create(&plain)?, batch.schema(), Some(props))?;
        w.write(&batch)?;
        w.close()?;
        // A file whose names repeat within its row groups: small dictionaries, which the
        // scan reads as dictionaries.
        let cyc = dir.0.join("cycled.parquet");
        let base = events(3000, 3000)?;
        let names: StringArray = (0..3000)
            .map(|i| (i % 37 != 36).then(|| format!("user{:02}", (i * 7) % 40)))
            .collect();
        let mut cols = base.columns().to_vec();
        cols[2] = Arc::new(names);
        let batch = RecordBatch::try_new(base.schema(), cols)?;
        let props = WriterProperties::builder()
            .set_max_row_group_size(1000)
            .build();
        let mut w = ArrowWriter::try_new(File::create(&cyc)?, batch.schema(), Some(props))?;
        w.write(&batch)?;
        w.close()?;
        let mut files: Vec<PathBuf> = (0..3)
            .map(|i| dir.0.join(format!("part{i}.parquet")))
            .collect();
        files.push(plain);
        files.push(cyc);
        t.register("Events", files)?;
        let pairs = [
            (
                "Events | where Name == 'user07' | count",
                "Events | where strcat(Name, '') == 'user07' | count",
            ),
            (
                "Events | where Name in ('user07', 'user30') or isempty(Name) | count",
                "Events | where strcat(Name, '') in ('user07', 'user30') or isempty(strcat(Name, '')) | count",
            ),
            (
                "Events | summarize c = count(), s = sum(Id) by Name | order by Name asc",
                "Events | summarize c = count(), s = sum(Id) by Name = strcat(Name, '') | order by Name asc",
            ),
            (
                "Events | where Name startswith 'user1' | summarize count() by Name, Id % 3 | order by Name asc, Column1 asc",
                "Events | where strcat(Name, '') startswith 'user1' | summarize count() by Name = strcat(Name, ''), Id % 3 | order by Name asc, Column1 asc",
            ),
            (
                "Events | where Id > 10 | extend U = toupper(Name), L = strlen(Name) | summarize c = count(), d = dcount(Name), m = max(L) by U | order by U asc",
                "Events | where Id > 10 | extend U = toupper(strcat(Name, '')), L = strlen(strcat(Name, '')) | summarize c = count(), d = dcount(strcat(Name, '')), m = max(L) by U | order by U asc",
            ),
            (
                "Events | join kind=inner (Events | where Id % 400 == 0 | project Name, R = Id) on Name | summarize c = count(), d = dcount(Name), r = sum(R) by Name | order by Name asc",
                "Events | extend Name = strcat(Name, '') | join kind=inner (Events | where Id % 400 == 0 | project Name, R = Id) on Name | summarize c = count(), d = dcount(Name), r = sum(R) by Name | order by Name asc",
            ),
            (
                "Events | join kind=leftanti (Events | where Id % 300 == 0 | project Name) on Name | summarize c = count() by Name | order by Name asc",
                "Events | extend Name = strcat(Name, '') | join kind=leftanti (Events | where Id % 300 == 0 | project Name) on Name | summarize c = count() by Name | order by Name asc",
            ),
            (
                "Events | where isnotempty(Name) and Name !startswith 'user2' | extend L = strlen(Name) + Id % 2 | summarize c = count(), l = sum(L) by Name | order by Name asc",
                "Events | where isnotempty(strcat(Name, '')) and strcat(Name, '') !startswith 'user2' | extend L = strlen(strcat(Name, '')) + Id % 2 | summarize c = count(), l = sum(L) by Name = strcat(Name, '') | order by Name asc",
            ),
        ];
        let values =
            |b: &[RecordBatch]| -> std::result::Result<Vec<ArrayRef>, Box<dyn std::error::Error>> {
                let cat = arrow::compute::concat_batches(&b[0].schema(), b)?;
                Ok(cat.columns().to_vec())
            };
        for (fast, slow) in pairs {
            let (a, b) = (run(fast, &t)?, run(slow, &t)?);
            assert!(rows(&a) > 0, "{fast}");
            assert_eq!(values(&a)?, values(&b)?, "{fast}");
        }
        // The dictionary predicate did drop rows at the scan.
        let scan = scan_of("Events | where Name endswith '7'", &t)?;
        scan.execute()?.collect::<Result<Vec<_>>>()?;
        assert!(scan.stats().rows_filtered > 2000, "{}", scan.describe());
        // The empty-name group exists once (nulls and "" together).
        let got = run(
            "Events | where isempty(Name) | summarize count() by Name",
            &t,
        )?;
        assert_eq!(rows(&got), 1);
        Ok(())
    }

    /// Table `Events` of `rows` events in one file, in row groups of `rows_per_group`.
    fn one_file(
        dir: &TempDir,
        rows: i64,
        rows_per_group: usize,
    ) -> std::result::Result<TableSet, Box<dyn std::error::Error>> {
        let p = dir.0.join("one.parquet");
        write(&p, &events(0, rows)?, rows_per_group)?;
        let mut t = TableSet::new();
        t.register("Events", vec![p])?;
        Ok(t)
    }

    /// Each query's answer as one batch, run on a pool of `threads` threads.
    fn answers_at(
        t: &TableSet,
        queries: &[&str],
        threads: usize,
    ) -> std::result::Result<Vec<RecordBatch>, Box<dyn std::error::Error>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let mut got = Vec::new();
        for q in queries {
            let out = pool.install(|| run(q, t).map_err(|e| e.to_string()))?;
            got.push(arrow::compute::concat_batches(&out[0].schema(), &out)?);
        }
        Ok(got)
    }

    /// The same rows written with different row-group sizes (so batches and aggregate units
    /// split the rows differently) and read at 1 and 3 threads give the same answers (float
    /// sums and moments: the same at any thread count).
    #[test]
    fn results_do_not_depend_on_batch_boundaries() -> TestResult {
        let queries = [
            "Events | summarize c = count(), d = dcount(Name), s = sum(Id), m = max(Score) by Name | order by Name asc",
            "Events | where Name startswith 'user1' and Score > 5.0 | summarize count() by bin(Id, 250) | order by Id asc",
            "Events | top 7 by Score desc, Id asc",
            "Events | extend U = toupper(Name) | summarize n = count() by U, Id % 4 | order by U asc, Column1 asc",
            "Events | where isempty(Name) | count",
            "Events | join kind=leftsemi (Events | where Id % 97 == 0 | project Name) on Name | count",
            // Joins probed per unit of their left input, in row order and under an aggregate.
            "Events | where Id % 5 == 0 | join kind=inner (Events | where Id % 250 == 0 | project Name, R = Id) on Name",
            "Events | join kind=leftouter (Events | where Id % 500 == 0 | project Name, R = Id) on Name | summarize c = count(), r = make_set(R) by Name",
            "Events | join kind=leftanti (Events | where Id % 300 == 0 | project Name) on Name | summarize count(), min(Id) by Id % 7",
            // Every aggregate whose per-unit states are merged, groups in order of first
            // appearance (no `order by`).
            "Events | summarize l = make_list(Id, 5), st = make_set(Id % 10, 4), b = make_bag(bag_pack(Name, Id)), \
                a = arg_max(Score, Id), n = arg_min(Name, Id), t = take_any(Name), mn = min(Name), \
                av = avg(Id), p = percentile(Id, 90), c = countif(Score > 50.0), \
                dc = dcountif(Name, Id % 2 == 0), mx = max(Timestamp) by Id % 3",
            // Last: float moments, whose rounding depends on where units start (checked
            // across thread counts only).
            "Events | summarize sd = stdev(Id % 1000), v = variance(Score), s = sum(Score) by Id % 3",
        ];
        let exact_across_row_groups = queries.len() - 1;
        let mut answers: Vec<Vec<RecordBatch>> = Vec::new();
        for rows_per_group in [7usize, 64, 1000] {
            let dir = TempDir::new()?;
            let t = one_file(&dir, 2500, rows_per_group)?;
            for threads in [1, 3] {
                answers.push(answers_at(&t, &queries, threads)?);
            }
        }
        for (i, q) in queries.iter().enumerate() {
            for (j, a) in answers.iter().enumerate() {
                // answers[j] is row-group size j / 2 at thread count j % 2.
                let base = if i < exact_across_row_groups {
                    0
                } else {
                    j - j % 2
                };
                assert_eq!(&a[i], &answers[base][i], "{q}");
            }
        }
        Ok(())
    }

    /// A file of one large row group is cut into parts (units) of PART_ROWS rows; the
    /// answers equal those over the same rows in ten row groups (not cut), at any thread
    /// count.
    #[test]
    fn cut_row_groups_give_the_same_answers() -> TestResult {
        let queries = [
            "Events | count",
            "Events | summarize c = count(), s = sum(Id), d = dcount(Name), m = min(Id) by Name",
            "Events | where Id % 7 == 3 | top 5 by Score desc, Id asc",
            "Events | where Name == 'user500' or Id > 99990 | project Id",
            "Events | join kind=leftsemi (Events | where Id % 9999 == 0 | project Name) on Name | count",
        ];
        let rows: usize = 100_000;
        let mut answers: Vec<Vec<RecordBatch>> = Vec::new();
        for (rows_per_group, parts) in [(rows, rows.div_ceil(PART_ROWS)), (10_000, 10)] {
            let dir = TempDir::new()?;
            let t = one_file(&dir, rows as i64, rows_per_group)?;
            for threads in [1, 3] {
                answers.push(answers_at(&t, &queries, threads)?);
            }
            // Every unit was decoded: one per part.
            let scan = scan_of("Events", &t)?;
            let units = scan.execute_units(Arc::new(|_| Ok(Box::new(()) as Folded)));
            let n = units.ok_or("no units")??.count();
            assert_eq!(n, parts, "{rows_per_group} rows per group");
        }
        for a in &answers[1..] {
            assert_eq!(a, &answers[0]);
        }
        Ok(())
    }

    #[test]
    fn unreadable_file_is_an_error_in_order() -> TestResult {
        let dir = TempDir::new()?;
        let t = table(&dir)?;
        std::fs::write(dir.0.join("part1.parquet"), b"not parquet")?;
        let scan = scan_of("Events", &t)?;
        let out: Vec<Result<RecordBatch>> = scan.execute()?.collect();
        // All of the first file, then the error, then nothing.
        let ok = out.iter().take_while(|b| b.is_ok()).count();
        assert_eq!(ok, 10);
        assert_eq!(out.len(), 11);
        assert!(matches!(
            out[10],
            Err(ExecError::Parquet { .. } | ExecError::Damaged { .. })
        ));
        Ok(())
    }
}
