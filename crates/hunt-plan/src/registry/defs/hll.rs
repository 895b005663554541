//! `hll(expr [, accuracy])` and `hll_if(expr, predicate [, accuracy])`: the sketch of a
//! group's distinct values, for `dcount_hll` and `hll_merge` (docs:
//! hll-aggregation-function, hll-if-aggregation-function). `expr` is any scalar but
//! real, bool and dynamic (Kusto's binder: `NotRealOrBool`); `accuracy` a constant
//! 0..=4 (default 1). Nulls and empty strings are not counted, as in `dcount`. A group
//! with no values gives null. The sketch's encoding is hunt's own (see `sketch`).
//! The aggregate `hll_merge(hll)` (docs: hll-merge-aggregation-function) merges a group's
//! sketches (nulls skipped) into one. `dcount_hll` and the scalar `hll_merge` are in
//! `hll_scalars`.

use super::sketch::{Hll, value_hash};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::planner::cast_to;
use crate::registry::traits::{AggregateFunction, FunctionError, GroupState, same_state};
use crate::types::KqlType;
use arrow_array::{Array, ArrayRef, Int64Array, StringArray};
use hunt_syntax::Span;
use std::any::Any;
use std::sync::Arc;

/// The `hll` aggregate (and `hll_if`).
pub struct HllAgg;

impl AggregateFunction for HllAgg {
    fn name(&self) -> &'static str {
        "hll"
    }
    fn if_name(&self) -> Option<&'static str> {
        Some("hll_if")
    }
    fn bind(&self, mut args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if args.is_empty() || args.len() > 2 {
            return Err(PlanError::invalid(
                span,
                format!("`hll` takes 1 or 2 arguments, got {}", args.len()),
            ));
        }
        if args.len() == 2 {
            accuracy(&args[1])?;
        }
        let x = args.remove(0);
        let x = match x.ty {
            KqlType::Int | KqlType::Long => cast_to(x, KqlType::Long),
            KqlType::String | KqlType::Guid | KqlType::DateTime | KqlType::TimeSpan => x,
            other => {
                return Err(PlanError::ty(
                    x.span,
                    format!("`hll` needs a value that is not real, bool or dynamic, got {other}"),
                ));
            }
        };
        args.insert(0, x);
        Ok((args, KqlType::Dynamic))
    }
    fn state(&self, _: &[KqlType], _: KqlType) -> Result<Box<dyn GroupState>, FunctionError> {
        Ok(Box::new(HllState(Vec::new(), false)))
    }
}

/// The `hll_merge` aggregate (the scalar of the same name is `hll_scalars::HllMerge`).
pub struct HllMergeAgg;

impl AggregateFunction for HllMergeAgg {
    fn name(&self) -> &'static str {
        "hll_merge"
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity("hll_merge", &args, 1, span)?;
        super::dynamic_args("hll_merge", "an hll sketch", &args)?;
        Ok((args, KqlType::Dynamic))
    }
    fn state(&self, _: &[KqlType], _: KqlType) -> Result<Box<dyn GroupState>, FunctionError> {
        Ok(Box::new(HllState(Vec::new(), true)))
    }
}

/// The accuracy argument: a constant integer 0..=4 (the dcount page's table of levels).
fn accuracy(e: &Expr) -> Result<i64, PlanError> {
    match &e.kind {
        ExprKind::Literal(Scalar::Long(n)) if (0..=4).contains(n) => Ok(*n),
        ExprKind::Literal(Scalar::Int(n)) if (0..=4).contains(n) => Ok(i64::from(*n)),
        _ => Err(PlanError::invalid(
            e.span,
            "the accuracy of `hll` is a constant 0, 1, 2, 3 or 4",
        )),
    }
}

/// One sketch per group (`None` until the group has a value); true when the rows are
/// sketches to merge (`hll_merge`).
struct HllState(Vec<Option<Hll>>, bool);

impl GroupState for HllState {
    fn grow(&mut self, groups: usize) {
        self.0.resize(groups, None);
    }
    fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<(), FunctionError> {
        let x = args
            .first()
            .ok_or_else(|| FunctionError::Internal("hll without its argument".into()))?;
        if self.1 {
            let s = x
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| FunctionError::Internal("a dynamic column is not text".into()))?;
            for (i, g) in gids.iter().enumerate() {
                if s.is_null(i) {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(s.value(i)).map_err(|e| {
                    FunctionError::Internal(format!("a dynamic value is not JSON: {e}"))
                })?;
                if let Some(h) = Hll::from_json(&v)? {
                    match &mut self.0[*g] {
                        Some(mine) => mine.merge(&h)?,
                        slot => *slot = Some(h),
                    }
                }
            }
            return Ok(());
        }
        let acc = match args.get(1) {
            Some(a) => match a.as_any().downcast_ref::<Int64Array>() {
                Some(l) if !l.is_empty() && l.is_valid(0) => l.value(0),
                _ => match a.as_any().downcast_ref::<arrow_array::Int32Array>() {
                    Some(i) if !i.is_empty() && i.is_valid(0) => i64::from(i.value(0)),
                    _ => 1,
                },
            },
            None => 1,
        };
        for (i, g) in gids.iter().enumerate() {
            if let Some(h) = value_hash(x, i)? {
                let s = self.0[*g].get_or_insert_with(|| Hll {
                    accuracy: acc,
                    ..Hll::default()
                });
                s.insert(h)?;
            }
        }
        Ok(())
    }
    fn merge(&mut self, other: Box<dyn GroupState>, map: &[usize]) -> Result<(), FunctionError> {
        for (g, s) in same_state::<HllState>(other)?.0.into_iter().enumerate() {
            let Some(s) = s else { continue };
            match &mut self.0[map[g]] {
                Some(mine) => mine.merge(&s)?,
                slot => *slot = Some(s),
            }
        }
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<ArrayRef, FunctionError> {
        Ok(Arc::new(StringArray::from_iter(
            self.0
                .iter()
                .map(|s| s.as_ref().map(|h| h.to_json().to_string())),
        )))
    }
    fn held_bytes(&self) -> usize {
        self.0.iter().flatten().map(|h| h.hashes.len() * 16).sum()
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}
