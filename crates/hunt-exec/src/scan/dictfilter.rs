//! Filtering at the scan on dictionary-encoded string columns: a `where` conjunct over one
//! string column is evaluated once per distinct value of the column chunk's dictionary,
//! then mapped to rows through the dictionary keys, before any string is materialized.
//!
//! Parquet writers dictionary-encode low-cardinality strings (`ActionType`, `Workload`,
//! `AccountUpn`): decoding such a column to `Utf8` copies every row's bytes, and a `==` on
//! it compares every row. Read as `Dictionary(Int32, Utf8)`, the decoder only copies keys;
//! the predicate runs over a few hundred values; `filter` moves keys; and only the rows that
//! survive are turned into strings. The `FilterExec` above the scan still evaluates the whole
//! predicate, so this is only an early, partial application of it.
//!
//! A dynamic column is JSON text stored as a string, so a conjunct over one dynamic column
//! (`tostring(DlpPolicyRuleMatchInfo) !in ("", "[]")`) is evaluated per dictionary value
//! as well: each distinct JSON text is read once, not once per row.
//!
//! Only predicates that cannot fail qualify ([`DictPredicate::from_expr`]): evaluating a
//! conjunct on values whose rows another conjunct would have dropped must not raise an
//! error the query would not raise.

use crate::error::{ExecError, Result};
use crate::expr::dictionary::DictMemo;
use crate::expr::{PhysicalExpr, compile, evaluate};
use arrow::array::*;
use arrow::compute::and;
use arrow::datatypes::{DataType, Field, Int32Type, Schema as ArrowSchema};
use arrow::record_batch::RecordBatch;
use hunt_plan::expr::{Expr, ExprKind};
use hunt_plan::types::{KqlType, Schema};
use std::sync::Arc;

/// The dictionary type string columns are read as, when their chunks are dictionary-encoded.
pub(crate) fn dictionary_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// A `where` conjunct over a single string column, evaluable per dictionary value.
#[derive(Debug, Clone)]
pub(crate) struct DictPredicate {
    /// The column it reads.
    pub(crate) column: String,
    /// Its type: `string`, or `dynamic` (JSON text).
    ty: KqlType,
    /// The conjunct compiled against a one-column schema holding that column.
    expr: PhysicalExpr,
    /// The conjunct as planned.
    pub(crate) source: Expr,
}

impl DictPredicate {
    /// The conjunct as a dictionary predicate, if it reads exactly one `string` column and
    /// is built only of functions that cannot fail.
    pub(crate) fn from_expr(e: &Expr) -> Option<DictPredicate> {
        if e.ty != KqlType::Bool {
            return None;
        }
        let mut column = None;
        if !one_string_column(e, &mut column) {
            return None;
        }
        let (column, ty) = column?;
        let schema = Schema::new(vec![hunt_plan::types::Field::new(column.clone(), ty)]);
        let expr = compile(e, &schema).ok()?;
        crate::expr::dictionary::total(&expr).then(|| DictPredicate {
            column,
            ty,
            expr,
            source: e.clone(),
        })
    }

    /// The row mask of this predicate over a dictionary column: the predicate is evaluated
    /// over the dictionary's values (and over `""`, the value of a null key) and gathered
    /// through the keys. Null results drop the row, as in `where`. `cache` keeps the
    /// per-value results of the last dictionary (a row group's batches share one).
    fn mask(
        &self,
        col: &DictionaryArray<Int32Type>,
        cache: &mut DictMemo<Vec<bool>>,
    ) -> Result<BooleanArray> {
        let table = cache.get_or_make(col, || {
            // The dictionary values, then "" for null keys (a null string is "" in KQL).
            let values = crate::expr::dictionary::values_with_empty(col)?;
            // Null results are false.
            Ok(self.over(values)?.iter().map(|v| v == Some(true)).collect())
        })?;
        Ok(crate::expr::dictionary::gather_mask(col, table))
    }
}

impl DictPredicate {
    /// True when the predicate holds for some of `values` (strings of its column).
    pub(crate) fn any_true(&self, values: ArrayRef) -> Result<bool> {
        Ok(self.over(values)?.true_count() > 0)
    }

    /// The predicate over `values`, strings of its column.
    fn over(&self, values: ArrayRef) -> Result<BooleanArray> {
        // As the scan conforms a dynamic column: an empty cell is a null one.
        let values = if self.ty == KqlType::Dynamic {
            crate::scan::conform_column(&values, KqlType::Dynamic)?
        } else {
            values
        };
        let schema = Arc::new(ArrowSchema::new(vec![Field::new(
            &self.column,
            DataType::Utf8,
            // A dynamic null is a null (a string never is).
            self.ty == KqlType::Dynamic,
        )]));
        let batch = RecordBatch::try_new(schema, vec![values])?;
        let out = evaluate(&self.expr, &batch)?;
        out.as_any()
            .downcast_ref::<BooleanArray>()
            .cloned()
            .ok_or_else(|| ExecError::Internal("predicate did not yield bools".into()))
    }
}

/// True when `e` reads a single string column (stored into `column`) and literals.
fn one_string_column(e: &Expr, column: &mut Option<(String, KqlType)>) -> bool {
    match &e.kind {
        ExprKind::Literal(_) => true,
        ExprKind::Column(c) => {
            if !matches!(e.ty, KqlType::String | KqlType::Dynamic) {
                return false;
            }
            match column {
                Some((prev, _)) => prev == c,
                None => {
                    *column = Some((c.clone(), e.ty));
                    true
                }
            }
        }
        ExprKind::Call(_, args) => args.iter().all(|a| one_string_column(a, column)),
    }
}

/// Per predicate, its results over the dictionary it last saw.
pub(crate) type MaskCache = Vec<DictMemo<Vec<bool>>>;

/// The row mask of the predicates whose column is dictionary-typed in `batch` (a batch as
/// decoded, before conforming): `None` when none applies.
pub(crate) fn mask(
    preds: &[DictPredicate],
    batch: &RecordBatch,
    cache: &mut MaskCache,
) -> Result<Option<BooleanArray>> {
    cache.resize_with(preds.len(), DictMemo::default);
    let mut mask: Option<BooleanArray> = None;
    for (p, c) in preds.iter().zip(cache.iter_mut()) {
        let Some(col) = batch.column_by_name(&p.column) else {
            continue;
        };
        let Some(dict) = col.as_any().downcast_ref::<DictionaryArray<Int32Type>>() else {
            continue;
        };
        let m = p.mask(dict, c)?;
        mask = Some(match mask {
            None => m,
            Some(prev) => and(&prev, &m)?,
        });
    }
    Ok(mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hunt_plan::expr::{Func, Scalar};
    use hunt_syntax::Span;

    fn col(name: &str) -> Expr {
        Expr::column(name, KqlType::String, Span::default())
    }
    fn lit(s: &str) -> Expr {
        Expr::literal(Scalar::String(s.into()), Span::default())
    }

    /// A dictionary column: values ["FileUploaded", "FileRead", null], keys with a null.
    fn dict() -> DictionaryArray<Int32Type> {
        let values: ArrayRef = Arc::new(StringArray::from(vec![
            Some("FileUploaded"),
            Some("FileRead"),
            None,
        ]));
        let keys = Int32Array::from(vec![Some(0), Some(1), None, Some(2), Some(0)]);
        DictionaryArray::try_new(keys, values).expect("valid dictionary")
    }

    #[test]
    fn mask_follows_keys_and_treats_null_as_empty() -> Result<()> {
        let eq = Expr::call(
            Func::Eq,
            vec![col("A"), lit("FileUploaded")],
            KqlType::Bool,
            Span::default(),
        );
        let p = DictPredicate::from_expr(&eq).ok_or(ExecError::Internal("no".into()))?;
        let m = p.mask(&dict(), &mut DictMemo::default())?;
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            vec![
                Some(true),
                Some(false),
                Some(false),
                Some(false),
                Some(true)
            ]
        );
        // isempty: the null key and the null value are both "".
        let empty = Expr::call(
            Func::IsEmpty,
            vec![col("A")],
            KqlType::Bool,
            Span::default(),
        );
        let p = DictPredicate::from_expr(&empty).ok_or(ExecError::Internal("no".into()))?;
        let m = p.mask(&dict(), &mut DictMemo::default())?;
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            vec![
                Some(false),
                Some(false),
                Some(true),
                Some(true),
                Some(false)
            ]
        );
        Ok(())
    }

    #[test]
    fn only_total_single_column_predicates_qualify() {
        let two = Expr::call(
            Func::Eq,
            vec![col("A"), col("B")],
            KqlType::Bool,
            Span::default(),
        );
        assert!(DictPredicate::from_expr(&two).is_none());
        let cast = Expr::call(
            Func::Lib(hunt_plan::library::LibFunc::ToBool),
            vec![col("A")],
            KqlType::Bool,
            Span::default(),
        );
        assert!(DictPredicate::from_expr(&cast).is_none());
    }
}
