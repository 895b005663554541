//! Per-group states of the less common aggregates (see
//! `hunt_plan::planner::aggregates_more`): `make_list_with_nulls` and the weighted and
//! array percentiles. [`super::accumulators`]
//! holds one of these in its `More` arm.

use super::accumulators::{cmp_scalar, scalar_json};
use crate::error::{ExecError, Result};
use crate::expr::scalar::{array_from_scalars, array_value};
use arrow::array::*;
use hunt_plan::expr::{AggFunc, Scalar};
use hunt_plan::types::KqlType;
use std::sync::Arc;

/// Per-group state of one of these aggregates.
pub(super) enum MoreAcc {
    ListWithNulls {
        items: Vec<Vec<serde_json::Value>>,
        ty: KqlType,
    },
    /// Weighted nearest-rank percentiles: each group's (value, weight) pairs.
    Percentiles {
        /// All percentiles as one array (`percentiles(w)_array`), or the one of `percentilew`.
        array: bool,
        ps: Vec<f64>,
        values: Vec<Vec<(Scalar, i64)>>,
        ty: KqlType,
    },
}

impl MoreAcc {
    /// About the bytes each input row adds to the states that keep every value.
    pub(super) fn row_bytes(&self) -> usize {
        match self {
            MoreAcc::ListWithNulls { .. } | MoreAcc::Percentiles { .. } => 48,
        }
    }

    /// A new state, or `None` when `func` is not one of these aggregates.
    pub(super) fn new(func: AggFunc, arg_tys: &[KqlType]) -> Option<MoreAcc> {
        Some(match func {
            AggFunc::MakeListWithNulls => MoreAcc::ListWithNulls {
                items: vec![],
                ty: arg_tys.first().copied().unwrap_or(KqlType::Dynamic),
            },
            AggFunc::PercentileW | AggFunc::PercentilesArray => MoreAcc::Percentiles {
                array: func == AggFunc::PercentilesArray,
                ps: vec![],
                values: vec![],
                ty: arg_tys.first().copied().unwrap_or(KqlType::Real),
            },
            _ => return None,
        })
    }

    pub(super) fn grow(&mut self, groups: usize) {
        match self {
            MoreAcc::ListWithNulls { items, .. } => items.resize_with(groups, Vec::new),
            MoreAcc::Percentiles { values, .. } => values.resize_with(groups, Vec::new),
        }
    }

    pub(super) fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<()> {
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| ExecError::Internal("missing aggregate argument".into()))
        };
        match self {
            MoreAcc::ListWithNulls { items, ty } => {
                let a = arg(0)?;
                for (i, &g) in gids.iter().enumerate() {
                    let v = scalar_json(&array_value(a.as_ref(), i, *ty)?);
                    if v.is_array() {
                        return Err(super::accumulators::list_of_arrays());
                    }
                    items[g].push(v);
                }
            }
            MoreAcc::Percentiles { ps, values, ty, .. } => {
                if ps.is_empty() {
                    for c in args.iter().skip(2) {
                        let p = c
                            .as_any()
                            .downcast_ref::<Float64Array>()
                            .filter(|p| !p.is_empty() && p.is_valid(0))
                            .ok_or_else(|| ExecError::Internal("percentile not constant".into()))?;
                        ps.push(p.value(0));
                    }
                }
                let x = arg(0)?;
                let w = arg(1)?
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .ok_or_else(|| ExecError::Internal("percentile weight not a long".into()))?;
                for (i, &g) in gids.iter().enumerate() {
                    if x.is_valid(i) && w.is_valid(i) && w.value(i) > 0 {
                        values[g].push((array_value(x.as_ref(), i, *ty)?, w.value(i)));
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn finish(self) -> Result<ArrayRef> {
        Ok(match self {
            MoreAcc::ListWithNulls { items, .. } => Arc::new(StringArray::from_iter_values(
                items
                    .into_iter()
                    .map(|v| serde_json::Value::Array(v).to_string()),
            )),
            MoreAcc::Percentiles {
                array,
                ps,
                mut values,
                ty,
            } => {
                let picked: Vec<Vec<Scalar>> = values
                    .iter_mut()
                    .map(|vals| ps.iter().map(|p| weighted_rank(vals, *p, ty)).collect())
                    .collect();
                if array {
                    Arc::new(StringArray::from_iter(picked.iter().map(|row| {
                        // A group with no values gives null, as percentile() does.
                        (!row.iter().all(Scalar::is_null)).then(|| {
                            serde_json::Value::Array(row.iter().map(scalar_json).collect())
                                .to_string()
                        })
                    })))
                } else {
                    let col: Vec<Scalar> = picked
                        .into_iter()
                        .map(|row| row.into_iter().next().unwrap_or(Scalar::Null(ty)))
                        .collect();
                    array_from_scalars(col.iter(), ty)?
                }
            }
        })
    }
}

/// The weighted nearest-rank percentile: the smallest value whose cumulative weight
/// reaches p% of the total (docs: percentilesw over weights 8, 6, 3, 1 of 10, 20, 30, 40
/// gives 20 at 50 and 75, 40 at 99.9).
fn weighted_rank(vals: &mut [(Scalar, i64)], p: f64, ty: KqlType) -> Scalar {
    vals.sort_by(|a, b| cmp_scalar(&a.0, &b.0));
    let total: i64 = vals.iter().map(|v| v.1).sum();
    if total == 0 {
        return Scalar::Null(ty);
    }
    let rank = ((p / 100.0) * total as f64).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (v, w) in vals.iter() {
        seen += w;
        if seen >= rank {
            return v.clone();
        }
    }
    vals.last().map(|v| v.0.clone()).unwrap_or(Scalar::Null(ty))
}
