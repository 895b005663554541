//! Per-group states of the less common aggregates (see
//! `hunt_plan::planner::aggregates_more`): population variance and deviation,
//! covariance, `make_list_with_nulls` and the `binary_all_*` folds. [`super::accumulators`]
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
    /// Welford's count, mean and squared deviations, divided by n (population).
    PopMoments {
        stdev: bool,
        n: Vec<f64>,
        mean: Vec<f64>,
        m2: Vec<f64>,
    },
    /// Running means and co-moment of (x, y) pairs where both are present.
    Covariance {
        population: bool,
        n: Vec<f64>,
        mx: Vec<f64>,
        my: Vec<f64>,
        c: Vec<f64>,
    },
    ListWithNulls {
        items: Vec<Vec<serde_json::Value>>,
        ty: KqlType,
    },
    /// A bitwise fold over the non-null values (`None` until the first one).
    Bits {
        func: AggFunc,
        acc: Vec<Option<i64>>,
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

fn reals(a: &ArrayRef) -> Result<&Float64Array> {
    a.as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| ExecError::Internal("aggregate argument of an unexpected type".into()))
}

impl MoreAcc {
    /// About the bytes each input row adds to the states that keep every value.
    pub(super) fn row_bytes(&self) -> usize {
        match self {
            MoreAcc::ListWithNulls { .. } | MoreAcc::Percentiles { .. } => 48,
            _ => 0,
        }
    }

    /// A new state, or `None` when `func` is not one of these aggregates.
    pub(super) fn new(func: AggFunc, arg_tys: &[KqlType]) -> Option<MoreAcc> {
        Some(match func {
            AggFunc::StdevP | AggFunc::VarianceP => MoreAcc::PopMoments {
                stdev: func == AggFunc::StdevP,
                n: vec![],
                mean: vec![],
                m2: vec![],
            },
            AggFunc::Covariance | AggFunc::CovarianceP => MoreAcc::Covariance {
                population: func == AggFunc::CovarianceP,
                n: vec![],
                mx: vec![],
                my: vec![],
                c: vec![],
            },
            AggFunc::MakeListWithNulls => MoreAcc::ListWithNulls {
                items: vec![],
                ty: arg_tys.first().copied().unwrap_or(KqlType::Dynamic),
            },
            AggFunc::BinaryAllAnd | AggFunc::BinaryAllOr | AggFunc::BinaryAllXor => {
                MoreAcc::Bits { func, acc: vec![] }
            }
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
            MoreAcc::PopMoments { n, mean, m2, .. } => {
                for v in [n, mean, m2] {
                    v.resize(groups, 0.0);
                }
            }
            MoreAcc::Covariance { n, mx, my, c, .. } => {
                for v in [n, mx, my, c] {
                    v.resize(groups, 0.0);
                }
            }
            MoreAcc::ListWithNulls { items, .. } => items.resize_with(groups, Vec::new),
            MoreAcc::Bits { acc, .. } => acc.resize(groups, None),
            MoreAcc::Percentiles { values, .. } => values.resize_with(groups, Vec::new),
        }
    }

    pub(super) fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<()> {
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| ExecError::Internal("missing aggregate argument".into()))
        };
        match self {
            MoreAcc::PopMoments { n, mean, m2, .. } => {
                let a = reals(arg(0)?)?;
                for (i, &g) in gids.iter().enumerate() {
                    if a.is_valid(i) {
                        let x = a.value(i);
                        n[g] += 1.0;
                        let d = x - mean[g];
                        mean[g] += d / n[g];
                        m2[g] += d * (x - mean[g]);
                    }
                }
            }
            MoreAcc::Covariance { n, mx, my, c, .. } => {
                let (xs, ys) = (reals(arg(0)?)?, reals(arg(1)?)?);
                for (i, &g) in gids.iter().enumerate() {
                    if xs.is_valid(i) && ys.is_valid(i) {
                        let (x, y) = (xs.value(i), ys.value(i));
                        n[g] += 1.0;
                        let dx = x - mx[g];
                        mx[g] += dx / n[g];
                        my[g] += (y - my[g]) / n[g];
                        c[g] += dx * (y - my[g]);
                    }
                }
            }
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
            MoreAcc::Bits { func, acc } => {
                let a = arg(0)?
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .ok_or_else(|| ExecError::Internal("binary_all_* of a non-long".into()))?;
                for (i, &g) in gids.iter().enumerate() {
                    if a.is_null(i) {
                        continue;
                    }
                    let v = a.value(i);
                    acc[g] = Some(match (acc[g], *func) {
                        (None, _) => v,
                        (Some(x), AggFunc::BinaryAllAnd) => x & v,
                        (Some(x), AggFunc::BinaryAllOr) => x | v,
                        (Some(x), _) => x ^ v,
                    });
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
            MoreAcc::PopMoments { stdev, n, m2, .. } => {
                Arc::new(Float64Array::from_iter(n.iter().zip(&m2).map(|(n, m2)| {
                    // Rounded to 10 decimals as Kusto's sample variance is (see the
                    // `Moments` state): the docs' variancep(1..5) is 2 and stdevp(1..5)
                    // 1.4142135623731, the root of that.
                    (*n > 0.0).then(|| {
                        let var = ((m2 / n) * 1e10).round() / 1e10;
                        if stdev { var.sqrt() } else { var }
                    })
                })))
            }
            MoreAcc::Covariance {
                population, n, c, ..
            } => Arc::new(Float64Array::from_iter(n.iter().zip(&c).map(|(n, c)| {
                let d = if population { *n } else { n - 1.0 };
                if *n == 0.0 {
                    None
                } else if d <= 0.0 {
                    Some(0.0)
                } else {
                    Some(c / d)
                }
            }))),
            MoreAcc::ListWithNulls { items, .. } => Arc::new(StringArray::from_iter_values(
                items
                    .into_iter()
                    .map(|v| serde_json::Value::Array(v).to_string()),
            )),
            MoreAcc::Bits { acc, .. } => Arc::new(Int64Array::from(acc)),
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
