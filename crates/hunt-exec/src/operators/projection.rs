//! `ProjectionExec`: computes the output columns of `project`/`extend`.

use crate::error::Result;
use crate::expr::dictionary::{EntryCache, eval_entries};
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan, FoldedIter, UnitFold, execute_parallel};
use arrow::array::{ArrayRef, DictionaryArray, RecordBatchOptions};
use arrow::datatypes::{DataType, Field, Int32Type, Schema as ArrowSchema};
use arrow::record_batch::RecordBatch;
use hunt_plan::expr::Expr;
use hunt_plan::types::KqlType;
use hunt_plan::types::Schema;
use std::sync::Arc;

/// Evaluates one expression per output column.
#[derive(Debug)]
pub struct ProjectionExec {
    input: Arc<dyn ExecutionPlan>,
    exprs: Vec<PhysicalExpr>,
    schema: Schema,
    /// Pass dictionary-encoded input columns that are projected as they are on unchanged
    /// (for an aggregate grouping by them) instead of as `Utf8`.
    keep_dictionaries: bool,
}

impl ProjectionExec {
    /// Compiles the expressions against the input schema.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        exprs: &[(String, Expr)],
        schema: Schema,
    ) -> Result<ProjectionExec> {
        let exprs = exprs
            .iter()
            .map(|(_, e)| compile(e, input.schema()))
            .collect::<Result<Vec<_>>>()?;
        Ok(ProjectionExec {
            input,
            exprs,
            schema,
            keep_dictionaries: false,
        })
    }

    /// Passes dictionary-encoded columns projected as they are on unchanged; only for a
    /// consumer that reads both layouts (the aggregate).
    pub fn keeping_dictionaries(mut self) -> ProjectionExec {
        self.keep_dictionaries = true;
        self
    }
}

impl ExecutionPlan for ProjectionExec {
    fn describe(&self) -> String {
        let items: Vec<String> = self
            .schema
            .fields
            .iter()
            .zip(&self.exprs)
            .map(|(f, e)| format!("{}={e}", f.name))
            .collect();
        format!("ProjectionExec: {}", items.join(", "))
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        if let Some(parallel) = execute_parallel(self) {
            return parallel;
        }
        Ok(Box::new(ProjectStream::new(
            self.batch_fn(),
            self.input.execute()?,
        )))
    }
    fn has_units(&self) -> bool {
        self.input.has_units()
    }
    fn units_hint(&self) -> Option<usize> {
        self.input.units_hint()
    }
    fn execute_units(&self, fold: UnitFold) -> Option<Result<FoldedIter>> {
        let this = self.batch_fn();
        self.input.execute_units(Arc::new(move |batches| {
            fold(&mut ProjectStream::new(this.clone(), batches))
        }))
    }
}

/// What projecting one batch needs, shareable with the scan's workers.
struct Project {
    exprs: Vec<PhysicalExpr>,
    schema: arrow::datatypes::SchemaRef,
    keep: bool,
}

impl ProjectionExec {
    fn batch_fn(&self) -> Arc<Project> {
        Arc::new(Project {
            exprs: self.exprs.clone(),
            schema: self.schema.to_arrow(),
            keep: self.keep_dictionaries,
        })
    }
}

/// The computed bytes one output batch may reach before an input batch is cut into
/// slices: an expression that makes large values per row (`range(1, 100000, 1)`, a long
/// `strrep`) then never holds a whole batch of them at once.
const SLICE_BYTES: usize = 16 * 1024 * 1024;

/// The rows of the first slice of a stream, before its values' size is known.
const PROBE_ROWS: usize = 64;

/// Projects the batches of one stream, cutting a batch into slices where its computed
/// columns would pass [`SLICE_BYTES`] (the slice length is learned from the bytes per row
/// of the slices already made).
struct ProjectStream<I> {
    project: Arc<Project>,
    input: I,
    caches: Vec<EntryCache>,
    /// The batch being sliced and the first row not yet projected.
    pending: Option<(RecordBatch, usize)>,
    /// The rows a slice may have; `PROBE_ROWS` until a slice was measured.
    slice_rows: usize,
}

impl<I> ProjectStream<I> {
    fn new(project: Arc<Project>, input: I) -> ProjectStream<I> {
        let caches = project.caches();
        ProjectStream {
            project,
            input,
            caches,
            pending: None,
            slice_rows: PROBE_ROWS,
        }
    }

    /// Projects `b` and learns the slice length from its computed bytes per row.
    fn project(&mut self, b: RecordBatch) -> Result<RecordBatch> {
        let rows = b.num_rows();
        let out = self.project.project(b, &mut self.caches)?;
        let bytes: usize = (self.project.exprs.iter().zip(out.columns()))
            .filter(|(e, _)| !matches!(e, PhysicalExpr::Column(..)))
            .map(|(_, c)| c.get_array_memory_size())
            .sum();
        if rows > 0 {
            let per_row = bytes.div_ceil(rows).max(1);
            self.slice_rows = (SLICE_BYTES / per_row).max(1);
        }
        Ok(out)
    }
}

impl<I: Iterator<Item = Result<RecordBatch>>> Iterator for ProjectStream<I> {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        if let Some((b, at)) = self.pending.take() {
            let n = self.slice_rows.min(b.num_rows() - at);
            let slice = b.slice(at, n);
            if at + n < b.num_rows() {
                self.pending = Some((b, at + n));
            }
            return Some(self.project(slice));
        }
        let b = match self.input.next()? {
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        if b.num_rows() <= self.slice_rows {
            return Some(self.project(b));
        }
        self.pending = Some((b, 0));
        self.next()
    }
}

impl Project {
    /// One dictionary-entry cache per expression, for one unit of the input.
    fn caches(&self) -> Vec<EntryCache> {
        self.exprs.iter().map(|_| EntryCache::default()).collect()
    }

    fn project(&self, b: RecordBatch, caches: &mut [EntryCache]) -> Result<RecordBatch> {
        let (exprs, schema, keep) = (&self.exprs, &self.schema, self.keep);
        let mut out_schema = schema.clone();
        let mut cols = Vec::with_capacity(exprs.len());
        for (i, (e, cache)) in exprs.iter().zip(caches.iter_mut()).enumerate() {
            let col: ArrayRef = match e {
                PhysicalExpr::Column(c, _)
                    if keep && matches!(b.column(*c).data_type(), DataType::Dictionary(..)) =>
                {
                    b.column(*c).clone()
                }
                // A function of one dictionary column is evaluated per entry; a string
                // result stays a dictionary where the consumer reads them.
                PhysicalExpr::Call { ty, .. } => match eval_entries(e, &b, cache)? {
                    Some((keys, values)) if keep && *ty == KqlType::String => {
                        Arc::new(DictionaryArray::<Int32Type>::try_new(keys, values)?)
                    }
                    Some((keys, values)) => arrow::compute::take(&values, &keys, None)?,
                    None => evaluate(e, &b)?,
                },
                _ => evaluate(e, &b)?,
            };
            if col.data_type() != out_schema.field(i).data_type() {
                let mut fields: Vec<Field> = out_schema
                    .fields()
                    .iter()
                    .map(|f| f.as_ref().clone())
                    .collect();
                fields[i] = fields[i].clone().with_data_type(col.data_type().clone());
                out_schema = Arc::new(ArrowSchema::new(fields));
            }
            cols.push(col);
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
        Ok(RecordBatch::try_new_with_options(out_schema, cols, &opts)?)
    }
}
