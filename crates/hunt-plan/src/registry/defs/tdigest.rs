//! `tdigest(expr [, weight])` and `tdigest_merge(tdigest)`: the sketch of a group's
//! values for `percentile_tdigest`, `percentiles_array_tdigest` and `rank_tdigest`
//! (docs: tdigest-aggregation-function, tdigest-merge-aggregate-function). `expr` is a
//! number, datetime or timespan (Kusto's binder: `Summable`; an int is kept as a long),
//! `weight` an integer (default 1; a null or non-positive weight counts the row not at
//! all, as in `percentilew`). `tdigest_merge` merges a group's sketches (nulls skipped);
//! sketches of different types are an error (the page: "all tdigests must be of the same
//! type"). A group with no values gives null. The encoding is hunt's own (see `sketch`).

use super::sketch::{Digest, num_at};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::planner::cast_to;
use crate::registry::traits::{AggregateFunction, FunctionError, GroupState, same_state};
use crate::types::KqlType;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, StringArray};
use hunt_syntax::Span;
use serde_json::Value;
use std::any::Any;
use std::sync::Arc;

/// The `tdigest` aggregate.
pub struct TDigestAgg;

impl AggregateFunction for TDigestAgg {
    fn name(&self) -> &'static str {
        "tdigest"
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if args.is_empty() || args.len() > 2 {
            return Err(PlanError::invalid(
                span,
                format!("`tdigest` takes 1 or 2 arguments, got {}", args.len()),
            ));
        }
        let mut it = args.into_iter();
        let mut out = Vec::with_capacity(2);
        if let Some(x) = it.next() {
            out.push(match x.ty {
                KqlType::Int | KqlType::Long => cast_to(x, KqlType::Long),
                KqlType::Real | KqlType::DateTime | KqlType::TimeSpan => x,
                other => {
                    return Err(PlanError::ty(
                        x.span,
                        format!("`tdigest` needs a number, datetime or timespan, got {other}"),
                    ));
                }
            });
        }
        if let Some(w) = it.next() {
            if !matches!(w.ty, KqlType::Int | KqlType::Long) {
                return Err(PlanError::ty(
                    w.span,
                    format!("the weight of `tdigest` is an integer, got {}", w.ty),
                ));
            }
            out.push(cast_to(w, KqlType::Long));
        }
        Ok((out, KqlType::Dynamic))
    }
    fn state(&self, tys: &[KqlType], _: KqlType) -> Result<Box<dyn GroupState>, FunctionError> {
        let ty = match tys.first() {
            Some(KqlType::Int) => KqlType::Long,
            Some(t) => *t,
            None => KqlType::Long,
        };
        Ok(Box::new(DigestState {
            ty,
            groups: Vec::new(),
            from_sketches: false,
        }))
    }
}

/// The `tdigest_merge` aggregate (and Kusto's other name for it, `merge_tdigest`, is the
/// scalar here: one name has one kind in hunt's registry).
pub struct TDigestMergeAgg;

impl AggregateFunction for TDigestMergeAgg {
    fn name(&self) -> &'static str {
        "tdigest_merge"
    }
    fn column_name(&self, _: &str, first: &str, _: &[Expr]) -> String {
        // Aggregates.cs: result-name prefix `merge_tdigests`.
        format!("merge_tdigests_{first}")
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity("tdigest_merge", &args, 1, span)?;
        super::dynamic_args("tdigest_merge", "a tdigest", &args)?;
        Ok((args, KqlType::Dynamic))
    }
    fn state(&self, _: &[KqlType], _: KqlType) -> Result<Box<dyn GroupState>, FunctionError> {
        Ok(Box::new(DigestState {
            ty: KqlType::Long,
            groups: Vec::new(),
            from_sketches: true,
        }))
    }
}

/// One digest per group; `None` until the group has a value.
struct DigestState {
    /// The value type (of the raw values; for merged sketches, each sketch says its own).
    ty: KqlType,
    groups: Vec<Option<Digest>>,
    /// True for `tdigest_merge`: the rows are sketches.
    from_sketches: bool,
}

impl DigestState {
    fn add(&mut self, g: usize, d: Digest) -> Result<(), FunctionError> {
        match &mut self.groups[g] {
            Some(mine) => mine.merge(d),
            slot => {
                *slot = Some(d);
                Ok(())
            }
        }
    }
}

impl GroupState for DigestState {
    fn grow(&mut self, groups: usize) {
        self.groups.resize(groups, None);
    }
    fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<(), FunctionError> {
        let x = args
            .first()
            .ok_or_else(|| FunctionError::Internal("tdigest without its argument".into()))?;
        if self.from_sketches {
            let s = x
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| FunctionError::Internal("a dynamic column is not text".into()))?;
            for (i, g) in gids.iter().enumerate() {
                if s.is_null(i) {
                    continue;
                }
                let v: Value = serde_json::from_str(s.value(i)).map_err(|e| {
                    FunctionError::Internal(format!("a dynamic value is not JSON: {e}"))
                })?;
                if let Some(d) = Digest::from_json(&v)? {
                    self.add(*g, d)?;
                }
            }
            return Ok(());
        }
        let w = args.get(1).map(|w| w.as_primitive::<Int64Type>());
        for (i, g) in gids.iter().enumerate() {
            let weight = match w {
                Some(w) if w.is_null(i) => continue,
                Some(w) => w.value(i),
                None => 1,
            };
            if weight <= 0 {
                continue;
            }
            if let Some(v) = num_at(x, i)? {
                let ty = self.ty;
                let slot = self.groups[*g].get_or_insert_with(|| Digest::new(ty));
                slot.items.push((v, weight));
                if slot.items.len() > 2 * super::sketch::MAX_ITEMS {
                    slot.normalize()?;
                }
            }
        }
        Ok(())
    }
    fn merge(&mut self, other: Box<dyn GroupState>, map: &[usize]) -> Result<(), FunctionError> {
        for (g, d) in same_state::<DigestState>(other)?
            .groups
            .into_iter()
            .enumerate()
        {
            if let Some(d) = d {
                self.add(map[g], d)?;
            }
        }
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<ArrayRef, FunctionError> {
        let mut out: Vec<Option<String>> = Vec::with_capacity(self.groups.len());
        for d in self.groups {
            out.push(match d {
                Some(mut d) => {
                    d.normalize()?;
                    Some(d.to_json().to_string())
                }
                None => None,
            });
        }
        Ok(Arc::new(StringArray::from(out)))
    }
    fn held_bytes(&self) -> usize {
        self.groups
            .iter()
            .flatten()
            .map(|d| d.items.len() * 24)
            .sum()
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}
