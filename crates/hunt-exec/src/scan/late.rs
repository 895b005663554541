//! Late materialization of wide outputs: a `where` on a scan whose output carries many
//! other columns (`DeviceProcessEvents | where ProcessCommandLine has "-enc"`, all 60
//! columns out) is evaluated inside the Parquet decoder, on its own columns first, so the
//! other columns are decoded only for the rows it keeps.
//!
//! Each conjunct the optimizer copied into the scan becomes one decoder predicate over the
//! columns it reads. The `where` above the scan still runs, so a predicate here only has
//! to drop rows the `where` would drop: on any evaluation error it keeps every row and
//! lets the `where` report the error. Dictionary predicates (`dictfilter`) have their own,
//! cheaper path and are not repeated here.

use super::conform::conform_column;
use crate::expr::{PhysicalExpr, compile, evaluate};
use arrow::array::{Array, BooleanArray, RecordBatch};
use arrow::compute::prep_null_mask_filter;
use arrow::datatypes::{Field as ArrowField, Schema as ArrowSchema};
use hunt_plan::expr::Expr;
use hunt_plan::types::{Field, Schema};
use std::sync::Arc;

/// Below this many output columns besides a predicate's own, decoding every column of every
/// row costs less than decoding the predicate's columns twice (once to filter, once for
/// the output), so the predicate is left to the `where` above the scan.
const MIN_OTHER_COLUMNS: usize = 4;

/// One conjunct evaluated inside the decoder.
#[derive(Debug)]
pub(super) struct LateFilter {
    /// The columns it reads, in the order `expr` numbers them.
    pub(super) columns: Vec<Field>,
    /// The column of the dictionary predicate this conjunct also is, if any: in a file that
    /// stores that column dictionary-encoded the cheaper dictionary path runs it instead,
    /// and in any other file (PLAIN strings, as many writers leave them) this one does.
    pub(super) dict_column: Option<String>,
    expr: PhysicalExpr,
}

impl LateFilter {
    /// The conjuncts of `filters` worth evaluating in the decoder for a scan producing
    /// `schema`; `dict_column` names the column of a conjunct that is also a dictionary
    /// predicate (see [`LateFilter::dict_column`]).
    pub(super) fn plan(
        filters: &[Expr],
        schema: &Schema,
        dict_column: impl Fn(&Expr) -> Option<String>,
    ) -> Vec<LateFilter> {
        let mut out = Vec::new();
        for f in filters {
            let mut names = Vec::new();
            f.columns_into(&mut names);
            names.sort();
            names.dedup();
            if names.is_empty() || schema.fields.len() < names.len() + MIN_OTHER_COLUMNS {
                continue;
            }
            let Some(columns) = names
                .iter()
                .map(|n| schema.fields.iter().find(|fl| &fl.name == n).cloned())
                .collect::<Option<Vec<Field>>>()
            else {
                continue;
            };
            let Ok(expr) = compile(f, &Schema::new(columns.clone())) else {
                continue;
            };
            if expr.ty() != hunt_plan::types::KqlType::Bool {
                continue;
            }
            out.push(LateFilter {
                columns,
                dict_column: dict_column(f),
                expr,
            });
        }
        out
    }

    /// The rows of `batch` (the decoder's columns, any order) the conjunct keeps; `None`
    /// keeps them all (a column missing or an evaluation error: the `where` above decides).
    pub(super) fn mask(&self, batch: &RecordBatch) -> Option<BooleanArray> {
        let mut arrays = Vec::with_capacity(self.columns.len());
        let mut fields = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let i = batch.schema().index_of(&c.name).ok()?;
            let a = conform_column(batch.column(i), c.ty).ok()?;
            fields.push(ArrowField::new(&c.name, a.data_type().clone(), true));
            arrays.push(a);
        }
        let input = RecordBatch::try_new(Arc::new(ArrowSchema::new(fields)), arrays).ok()?;
        let result = evaluate(&self.expr, &input).ok()?;
        let keep = result.as_any().downcast_ref::<BooleanArray>()?;
        Some(if keep.null_count() > 0 {
            prep_null_mask_filter(keep)
        } else {
            keep.clone()
        })
    }
}
