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

use super::conform::{conform_column, missing_column};
use super::ordered::{OrderedParallel, Task};
use super::prune::{FileColumns, Pruning};
use super::stats::{ScanMetrics, ScanStats};
use super::table::ParquetTable;
use crate::error::{ExecError, Result};
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan};
use ::parquet::arrow::ProjectionMask;
use ::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection,
};
use ::parquet::file::metadata::PageIndexPolicy;
use arrow::array::RecordBatchOptions;
use arrow::datatypes::SchemaRef;
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
    metrics: Arc<ScanMetrics>,
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
            metrics: Arc::new(ScanMetrics::default()),
        })
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
    metrics: Arc<ScanMetrics>,
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

/// The decoded batches of one unit.
type UnitResult = Result<Vec<RecordBatch>>;

/// Reads a file's footer, prunes its row groups and returns a task per surviving one.
fn plan_file(path: PathBuf, ctx: &Arc<ScanContext>) -> Result<Vec<Task<UnitResult>>> {
    let file = open(&path)?;
    // The page index costs extra reads; it is only worth it when there is something to
    // prune with.
    let policy = if ctx.pruning.is_some() {
        PageIndexPolicy::Optional
    } else {
        PageIndexPolicy::Skip
    };
    let options = ArrowReaderOptions::new().with_page_index_policy(policy);
    let meta = ArrowReaderMetadata::load(&file, options).map_err(parquet_err(&path))?;
    let md = meta.metadata().clone();
    let groups = md.row_groups();
    ctx.metrics.file(groups.len() as u64);

    let file_schema = meta.schema().clone();
    let present = ctx
        .schema
        .fields
        .iter()
        .filter(|f| file_schema.field_with_name(&f.name).is_ok())
        .map(|f| f.name.as_str());
    let mask = ProjectionMask::columns(meta.parquet_schema(), present);

    let columns = ctx
        .pruning
        .as_ref()
        .map(|p| (p.clone(), FileColumns::resolve(p, &file_schema, &md)));
    let open_file = Arc::new(OpenFile { path, meta, mask });
    let mut tasks = Vec::new();
    for (rg, group) in groups.iter().enumerate() {
        let rows = usize::try_from(group.num_rows()).unwrap_or(0);
        let mut selection = None;
        if let Some((pruning, cols)) = &columns {
            if !pruning.can_match(&mut |leaf| cols.row_group_range(&md, rg, leaf)) {
                ctx.metrics.pruned();
                continue;
            }
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
        let (f, c) = (open_file.clone(), ctx.clone());
        tasks.push(Task::Run(Box::new(move || {
            read_row_group(&f, rg, selection, &c)
        })));
    }
    Ok(tasks)
}

/// Decodes one row group (the selected rows of it) and conforms its batches.
fn read_row_group(
    f: &OpenFile,
    rg: usize,
    selection: Option<RowSelection>,
    ctx: &ScanContext,
) -> UnitResult {
    // Each unit opens its own handle: clones of a `File` share one seek position.
    let file = open(&f.path)?;
    let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, f.meta.clone())
        .with_projection(f.mask.clone())
        .with_row_groups(vec![rg])
        .with_batch_size(BATCH_SIZE);
    if let Some(s) = selection {
        builder = builder.with_row_selection(s);
    }
    let reader = builder.build().map_err(parquet_err(&f.path))?;
    let mut out = Vec::new();
    let mut rows = 0u64;
    for b in reader {
        let b = b.map_err(|e| parquet_err(&f.path)(e.into()))?;
        rows += b.num_rows() as u64;
        out.push(conform_batch(&b, &f.path, ctx)?);
    }
    ctx.metrics.rows(rows);
    Ok(out)
}

/// A batch as read from a file, conformed to the scan's schema.
fn conform_batch(b: &RecordBatch, path: &Path, ctx: &ScanContext) -> Result<RecordBatch> {
    let n = b.num_rows();
    let cols = ctx
        .schema
        .fields
        .iter()
        .map(|f| match b.column_by_name(&f.name) {
            Some(c) => conform_column(c, f.ty).map_err(|e| ExecError::Schema {
                message: format!("{}: column `{}`: {e}", path.display(), f.name),
            }),
            None => Ok(missing_column(f.ty, n)),
        })
        .collect::<Result<Vec<_>>>()?;
    let opts = RecordBatchOptions::new().with_row_count(Some(n));
    Ok(RecordBatch::try_new_with_options(
        ctx.arrow_schema.clone(),
        cols,
        &opts,
    )?)
}

/// The units of a scan, produced lazily: a file's footer is read when the previous
/// file's units have all been handed out. After an error nothing more is produced.
struct Units {
    files: std::vec::IntoIter<PathBuf>,
    queue: VecDeque<Task<UnitResult>>,
    ctx: Arc<ScanContext>,
}

impl Iterator for Units {
    type Item = Task<UnitResult>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(t) = self.queue.pop_front() {
                return Some(t);
            }
            let path = self.files.next()?;
            match plan_file(path, &self.ctx) {
                Ok(tasks) => self.queue.extend(tasks),
                Err(e) => {
                    self.files = Vec::new().into_iter();
                    return Some(Task::Done(Err(e)));
                }
            }
        }
    }
}

/// The scan's batch stream: units' batches, flattened in order.
struct ScanIter {
    units: OrderedParallel<UnitResult>,
    current: std::vec::IntoIter<RecordBatch>,
    failed: bool,
}

impl Iterator for ScanIter {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(b) = self.current.next() {
                return Some(Ok(b));
            }
            if self.failed {
                return None;
            }
            match self.units.next()? {
                Ok(Ok(batches)) => self.current = batches.into_iter(),
                Ok(Err(e)) => {
                    self.failed = true;
                    return Some(Err(e));
                }
                Err(panic) => {
                    self.failed = true;
                    return Some(Err(ExecError::Internal(format!(
                        "Parquet decoding panicked: {panic}"
                    ))));
                }
            }
        }
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
        self.metrics.execution();
        let ctx = Arc::new(ScanContext {
            schema: self.schema.clone(),
            arrow_schema: self.schema.to_arrow(),
            pruning: self.pruning.clone(),
            metrics: self.metrics.clone(),
        });
        let units = Units {
            files: self.table.files.clone().into_iter(),
            queue: VecDeque::new(),
            ctx,
        };
        Ok(Box::new(ScanIter {
            units: OrderedParallel::new(Box::new(units), read_ahead()),
            current: Vec::new().into_iter(),
            failed: false,
        }))
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
                    let t = tables.get(table).ok_or("no table")?.clone();
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
        assert!(matches!(out[10], Err(ExecError::Parquet { .. })));
        Ok(())
    }
}
