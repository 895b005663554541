//! The functions defined by one file each (see `docs/architecture.md`, "Adding a
//! function"). A new definition is a unit struct implementing
//! [`ScalarFunction`](super::ScalarFunction) or [`AggregateFunction`](super::AggregateFunction)
//! in a file of its own here, plus one line in [`scalars`] or [`AGGREGATES`].

mod assert;
mod bag_zip;
mod binary_all;
mod bits;
mod buildschema;
mod convert_units;
mod covariance;
mod estimate_data_size;
mod geo_cell_neighbors;
mod hll;
mod hll_scalars;
mod moments;
mod new_guid;
mod rand;
mod real_math;
pub(crate) mod sketch;
mod tdigest;
mod tdigest_scalars;
mod treepath;

use super::{AggDef, ScalarDef};
use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::registry::traits::{ArgValue, FunctionError};
use crate::types::KqlType;
use arrow_array::{Array, StringArray};
use hunt_syntax::Span;

/// Refuses a call of `name` with other than `want` arguments, in the words of the planner's
/// own arity check.
fn exact_arity(name: &str, args: &[Expr], want: usize, span: Span) -> Result<(), PlanError> {
    if args.len() == want {
        return Ok(());
    }
    Err(PlanError::invalid(
        span,
        format!("`{name}` takes {want} argument(s), got {}", args.len()),
    ))
}

/// Refuses the first of `args` that is not dynamic: `name` needs `what` (a sketch).
fn dynamic_args(name: &str, what: &str, args: &[Expr]) -> Result<(), PlanError> {
    match args.iter().find(|a| a.ty != KqlType::Dynamic) {
        Some(a) => Err(PlanError::ty(
            a.span,
            format!("`{name}` needs {what} (dynamic), got {}", a.ty),
        )),
        None => Ok(()),
    }
}

/// Row `i` of a string argument (`None` for null).
pub(crate) fn text_at(a: &ArgValue, i: usize) -> Result<Option<&str>, FunctionError> {
    match a {
        ArgValue::Scalar(Scalar::String(s)) => Ok(Some(&**s)),
        ArgValue::Scalar(_) => Ok(None),
        ArgValue::Array(arr) => {
            let s = arr
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| FunctionError::Internal("a string column is not text".into()))?;
            Ok(s.is_valid(i).then(|| s.value(i)))
        }
    }
}

/// The scalar functions defined here.
pub fn scalars() -> Vec<ScalarDef> {
    let mut all = vec![ScalarDef(&bag_zip::BagZip), ScalarDef(&assert::Assert)];
    all.extend(real_math::ALL.iter().map(|f| ScalarDef(f)));
    all.extend(bits::ALL.iter().map(|f| ScalarDef(f)));
    all.extend(convert_units::ALL.iter().map(|f| ScalarDef(f)));
    all.extend([
        ScalarDef(&hll_scalars::DcountHll),
        ScalarDef(&hll_scalars::HllMerge),
        ScalarDef(&tdigest_scalars::MergeTDigest),
        ScalarDef(&tdigest_scalars::PercentileTDigest),
        ScalarDef(&tdigest_scalars::PercentilesArrayTDigest),
        ScalarDef(&tdigest_scalars::RankTDigest),
        ScalarDef(&rand::Rand),
        ScalarDef(&new_guid::NewGuid),
        ScalarDef(&estimate_data_size::EstimateDataSize),
        ScalarDef(&geo_cell_neighbors::GeohashNeighbors),
        ScalarDef(&geo_cell_neighbors::S2cellNeighbors),
        ScalarDef(&treepath::TreePath),
    ]);
    all
}

/// Aggregates whose KQL name is also a scalar's (Kusto has `hll_merge` and
/// `merge_tdigest` as both): the registry's entry of the name is the scalar; `summarize`
/// binds these.
pub const AGGREGATES_NAMED_LIKE_SCALARS: &[(&str, AggDef)] = &[
    ("hll_merge", AggDef(&hll::HllMergeAgg)),
    ("merge_tdigest", AggDef(&tdigest::TDigestMergeAgg)),
];

/// Scalars whose KQL name is also an aggregate's (`tdigest_merge`): the registry's entry
/// of the name is the aggregate; scalar contexts bind these.
pub fn scalars_named_like_aggregates() -> Vec<(&'static str, ScalarDef)> {
    vec![("tdigest_merge", ScalarDef(&tdigest_scalars::MergeTDigest))]
}

/// The aggregates defined here.
pub const AGGREGATES: &[AggDef] = &[
    AggDef(&buildschema::BuildSchema),
    AggDef(&moments::STDEV),
    AggDef(&moments::VARIANCE),
    AggDef(&moments::STDEVP),
    AggDef(&moments::VARIANCEP),
    AggDef(&covariance::COVARIANCE),
    AggDef(&covariance::COVARIANCEP),
    AggDef(&binary_all::AND),
    AggDef(&binary_all::OR),
    AggDef(&binary_all::XOR),
    AggDef(&hll::HllAgg),
    AggDef(&tdigest::TDigestAgg),
    AggDef(&tdigest::TDigestMergeAgg),
];

#[cfg(test)]
mod tests {
    //! Every aggregate defined here merges: a state merged from two halves gives what one
    //! state over all rows gives (the parallel path relies on it).
    use super::*;
    use crate::registry::AggregateFunction;
    use crate::types::KqlType;
    use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, StringArray};
    use std::sync::Arc;

    /// Rows from..to: x = i·1.5 − 3 and y = 10 − i² (reals, every seventh x null), k = i·37
    /// mod 11 (longs, every fifth null), j a small bag, in groups i mod 3.
    fn args(def: AggDef, from: usize, to: usize) -> Vec<ArrayRef> {
        let r = from..to;
        let xs: ArrayRef = Arc::new(Float64Array::from_iter(
            r.clone()
                .map(|i| (i % 7 != 6).then_some(i as f64 * 1.5 - 3.0)),
        ));
        let ys: ArrayRef = Arc::new(Float64Array::from_iter_values(
            r.clone().map(|i| 10.0 - (i * i) as f64),
        ));
        let ks: ArrayRef = Arc::new(Int64Array::from_iter(
            r.clone()
                .map(|i| (i % 5 != 4).then_some((i as i64 * 37) % 11)),
        ));
        let js: ArrayRef =
            Arc::new(StringArray::from_iter_values(r.clone().map(|i| {
                format!(r#"{{"k{}": {}, "s": "x", "a": [{}]}}"#, i % 4, i, i % 2)
            })));
        match def.0.name() {
            "covariance" | "covariancep" => vec![xs, ys],
            "binary_all_and" | "binary_all_or" | "binary_all_xor" => vec![ks],
            "buildschema" => vec![js],
            "hll" | "tdigest" => vec![ks],
            "tdigest_merge" => {
                // Each row a one-value sketch of k.
                let ks = ks
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .expect("test input");
                vec![Arc::new(StringArray::from_iter((0..ks.len()).map(|i| {
                    ks.is_valid(i)
                        .then(|| format!(r#"["hunt-tdigest","long",[[{},1]]]"#, ks.value(i)))
                }))) as ArrayRef]
            }
            _ => vec![xs],
        }
    }

    fn run(def: AggDef, from: usize, to: usize) -> Box<dyn crate::registry::GroupState> {
        let mut s = def.0.state(&[], KqlType::Dynamic).expect("test input");
        s.grow(3);
        let gids: Vec<usize> = (from..to).map(|i| i % 3).collect();
        s.update(&gids, &args(def, from, to)).expect("test input");
        s
    }

    fn text(a: &ArrayRef) -> Vec<String> {
        (0..a.len())
            .map(|i| {
                if let Some(f) = a.as_any().downcast_ref::<Float64Array>() {
                    format!("{:.9}", f.value(i))
                } else if let Some(l) = a.as_any().downcast_ref::<Int64Array>() {
                    format!("{:?}", l.is_valid(i).then(|| l.value(i)))
                } else if let Some(s) = a.as_any().downcast_ref::<StringArray>() {
                    format!("{:?}", s.is_valid(i).then(|| s.value(i)))
                } else {
                    unreachable!("an unexpected result type")
                }
            })
            .collect()
    }

    #[test]
    fn every_defined_aggregate_merges_as_if_unsplit() {
        for def in AGGREGATES {
            let whole = run(*def, 0, 40).finish().expect("test input");
            let mut first = run(*def, 0, 13);
            // The second half's groups come in another order (row 13 is group 1).
            let mut second = def.0.state(&[], KqlType::Dynamic).expect("test input");
            second.grow(3);
            let gids: Vec<usize> = (13..40).map(|i| (i + 2) % 3).collect();
            second
                .update(&gids, &args(*def, 13, 40))
                .expect("test input");
            first.merge(second, &[1, 2, 0]).expect("test input");
            let merged = first.finish().expect("test input");
            assert_eq!(text(&whole), text(&merged), "{}", def.0.name());
        }
    }

    #[test]
    // 1.4142135623731 is the stdevp page's printed value, not an approximation of √2 meant
    // as such.
    #[allow(clippy::approx_constant)]
    fn population_variance_from_two_halves_matches_the_docs() {
        // variancep(1, 2, 3, 4, 5) is 2 and stdevp 1.4142135623731 (the variancep and
        // stdevp pages), here from two halves.
        for (def, want) in [
            (&moments::VARIANCEP, 2.0),
            (&moments::STDEVP, 1.4142135623731),
        ] {
            let feed = |vals: &[f64]| {
                let mut s = def.state(&[], KqlType::Real).expect("test input");
                s.grow(1);
                let col: ArrayRef = Arc::new(Float64Array::from(vals.to_vec()));
                s.update(&vec![0; vals.len()], &[col]).expect("test input");
                s
            };
            let mut a = feed(&[1.0, 2.0]);
            a.merge(feed(&[3.0, 4.0, 5.0]), &[0]).expect("test input");
            let r = a.finish().expect("test input");
            let r = r
                .as_any()
                .downcast_ref::<Float64Array>()
                .expect("test input");
            assert!((r.value(0) - want).abs() < 1e-12, "{}", r.value(0));
        }
    }
}
