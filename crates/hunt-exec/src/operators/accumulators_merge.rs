//! Merging aggregate states (every state merges): the aggregate builds a partial [`Acc`] per unit of its input
//! (on the worker that decodes the unit) and merges them in unit order.
//!
//! Each merge gives what feeding the partial's rows after the earlier ones would have
//! given, except for float rounding: sums, means and moments add partial results, so
//! their last bits depend on where units start. Units are row groups, fixed by the files,
//! so the answer is the same at any thread count.

use super::accumulators::Acc;
use super::accumulators_more::MoreAcc;
use crate::error::{ExecError, Result};
use arrow::row::{OwnedRow, RowConverter};

/// A row of another converter of the same type as one of `conv`'s (rows carry their
/// converter; the encoding itself is the same).
fn reown(conv: &RowConverter, r: &OwnedRow) -> OwnedRow {
    let theirs = r.row();
    conv.parser().parse(theirs.as_ref()).owned()
}

impl Acc {
    /// True when [`Acc::merge`] supports this state: every state does, so every
    /// `summarize` runs on the parallel path.
    pub(super) fn mergeable(&self) -> bool {
        true
    }

    /// True when feeding this state the rows straight gives, to the bit, what merging
    /// partial states over the same rows in their order gives (the spilled aggregate then
    /// needs no partial state per unit): counts, exact integer sums, extremes, distinct
    /// counts and the lists, sets and bags (which keep rows in input order either way).
    /// Not the states that add floats, whose last bits depend on where partials start, nor
    /// those kept in other modules.
    pub(super) fn merge_exact(&self) -> bool {
        matches!(
            self,
            Acc::Count(_)
                | Acc::DCount(_)
                | Acc::SumLong(_)
                | Acc::AvgLong(..)
                | Acc::MinMax { .. }
                | Acc::MinMaxInt { .. }
                | Acc::MinMaxReal { .. }
                | Acc::Items(_)
                | Acc::List { .. }
                | Acc::Bag { .. }
                | Acc::TakeAny(..)
        )
    }

    /// Adds `other`'s groups, a state over later rows: its group `g` is group `map[g]`
    /// here (this state has room for it already).
    pub(super) fn merge(&mut self, other: Acc, map: &[usize]) -> Result<()> {
        let mismatch = || ExecError::Internal("merging different aggregate states".into());
        match (self, other) {
            (Acc::Count(v), Acc::Count(o)) => {
                for (g, x) in o.into_iter().enumerate() {
                    v[map[g]] += x;
                }
            }
            (Acc::SumLong(v), Acc::SumLong(o)) => {
                for (g, x) in o.into_iter().enumerate() {
                    v[map[g]] = v[map[g]].wrapping_add(x);
                }
            }
            (Acc::SumReal(v), Acc::SumReal(o)) => {
                for (g, x) in o.into_iter().enumerate() {
                    v[map[g]] += x;
                }
            }
            (Acc::Avg(s, c), Acc::Avg(os, oc)) => {
                for (g, (x, n)) in os.into_iter().zip(oc).enumerate() {
                    s[map[g]] += x;
                    c[map[g]] += n;
                }
            }
            (Acc::AvgLong(s, c), Acc::AvgLong(os, oc)) => {
                for (g, (x, n)) in os.into_iter().zip(oc).enumerate() {
                    s[map[g]] = s[map[g]].wrapping_add(x);
                    c[map[g]] += n;
                }
            }
            (Acc::DCount(d), Acc::DCount(o)) => d.merge(*o, map),
            (Acc::Items(m), Acc::Items(o)) => m.merge(*o, map),
            (Acc::MinMaxInt { min, best, .. }, Acc::MinMaxInt { best: obest, .. }) => {
                for (g, b) in obest.into_iter().enumerate() {
                    let (t, Some(v)) = (map[g], b) else { continue };
                    if best[t].is_none_or(|cur| if *min { v < cur } else { v > cur }) {
                        best[t] = Some(v);
                    }
                }
            }
            (
                Acc::MinMaxReal { min, best, nan },
                Acc::MinMaxReal {
                    best: obest,
                    nan: onan,
                    ..
                },
            ) => {
                for (g, (b, n)) in obest.into_iter().zip(onan).enumerate() {
                    let t = map[g];
                    nan[t] |= n;
                    let Some(v) = b else { continue };
                    let better = |cur: f64| {
                        let o = v.total_cmp(&cur);
                        if *min { o.is_lt() } else { o.is_gt() }
                    };
                    if best[t].is_none_or(better) {
                        best[t] = Some(v);
                    }
                }
            }
            (
                Acc::MinMax {
                    min,
                    conv,
                    best,
                    nan,
                    ..
                },
                Acc::MinMax {
                    best: obest,
                    nan: onan,
                    ..
                },
            ) => {
                for (g, (b, n)) in obest.into_iter().zip(onan).enumerate() {
                    let t = map[g];
                    nan[t] |= n;
                    let Some(b) = b else { continue };
                    let b = reown(conv, &b);
                    let better = match &best[t] {
                        None => true,
                        Some(cur) if *min => b.row() < cur.row(),
                        Some(cur) => b.row() > cur.row(),
                    };
                    if better {
                        best[t] = Some(b);
                    }
                }
            }
            (
                Acc::List {
                    set,
                    limit,
                    items,
                    seen,
                    bytes,
                    ..
                },
                Acc::List {
                    limit: olimit,
                    items: oitems,
                    ..
                },
            ) => {
                // The limit is a constant argument: any state that saw rows knows it.
                *limit = (*limit).min(olimit);
                for (g, vals) in oitems.into_iter().enumerate() {
                    let t = map[g];
                    for v in vals {
                        if items[t].len() >= *limit {
                            break;
                        }
                        if *set && !seen[t].insert(v.to_string()) {
                            continue;
                        }
                        *bytes += super::accumulators::json_bytes(&v) * if *set { 2 } else { 1 };
                        items[t].push(v);
                    }
                }
            }
            (
                Acc::Bag { limit, bags },
                Acc::Bag {
                    limit: olimit,
                    bags: obags,
                },
            ) => {
                *limit = (*limit).min(olimit);
                for (g, m) in obags.into_iter().enumerate() {
                    let bag = &mut bags[map[g]];
                    for (k, v) in m {
                        if bag.len() >= *limit {
                            break;
                        }
                        bag.entry(k).or_insert(v);
                    }
                }
            }
            (Acc::TakeAny(v, _), Acc::TakeAny(o, _)) => {
                for (g, x) in o.into_iter().enumerate() {
                    if v[map[g]].is_null() && !x.is_null() {
                        v[map[g]] = x;
                    }
                }
            }
            (
                Acc::Percentile { p, values, .. },
                Acc::Percentile {
                    p: op,
                    values: ovalues,
                    ..
                },
            ) => {
                for (g, vals) in ovalues.into_iter().enumerate() {
                    if !vals.is_empty() {
                        // The percentile is a constant argument: a state with values knows it.
                        *p = op;
                        values[map[g]].extend(vals);
                    }
                }
            }
            (Acc::More(m), Acc::More(o)) => m.merge(o, map)?,
            (Acc::Def(d), Acc::Def(o)) => d.merge(o, map)?,
            _ => return Err(mismatch()),
        }
        Ok(())
    }
}

impl MoreAcc {
    /// Adds `other`'s groups, a state over later rows (as [`Acc::merge`]).
    pub(super) fn merge(&mut self, other: MoreAcc, map: &[usize]) -> Result<()> {
        match (self, other) {
            (MoreAcc::ListWithNulls { items, .. }, MoreAcc::ListWithNulls { items: o, .. }) => {
                for (g, vals) in o.into_iter().enumerate() {
                    items[map[g]].extend(vals);
                }
            }
            (
                MoreAcc::Percentiles { ps, values, .. },
                MoreAcc::Percentiles {
                    ps: ops,
                    values: ovalues,
                    ..
                },
            ) => {
                // The percentiles are constant arguments: a state that saw rows knows them.
                if ps.is_empty() {
                    *ps = ops;
                }
                for (g, vals) in ovalues.into_iter().enumerate() {
                    values[map[g]].extend(vals);
                }
            }
            _ => {
                return Err(ExecError::Internal(
                    "merging different aggregate states".into(),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! Each state merged from two halves gives what one state over all rows gives.
    use super::Acc;
    use arrow::array::*;
    use hunt_plan::expr::AggFunc;
    use hunt_plan::types::KqlType;
    use std::sync::Arc;

    /// Rows 0..n: k = i*37 % 11 (longs, every fifth null), weights 1 + i % 3, in groups
    /// i % 3. (The states with definitions test their merge next to them.)
    fn args(func: AggFunc, from: usize, to: usize) -> Vec<ArrayRef> {
        let r = from..to;
        let ks: ArrayRef = Arc::new(Int64Array::from_iter(
            r.clone()
                .map(|i| (i % 5 != 4).then_some((i as i64 * 37) % 11)),
        ));
        let ws: ArrayRef = Arc::new(Int64Array::from_iter_values(
            r.clone().map(|i| 1 + i as i64 % 3),
        ));
        let p =
            |v: f64| -> ArrayRef { Arc::new(Float64Array::from_iter_values(r.clone().map(|_| v))) };
        match func {
            AggFunc::PercentileW => vec![ks, ws, p(50.0)],
            AggFunc::PercentilesArray => vec![ks, ws, p(25.0), p(90.0)],
            _ => vec![ks],
        }
    }

    fn tys(_: AggFunc) -> Vec<KqlType> {
        vec![KqlType::Long]
    }

    fn out(func: AggFunc) -> KqlType {
        match func {
            AggFunc::MakeListWithNulls | AggFunc::PercentilesArray => KqlType::Dynamic,
            _ => KqlType::Long,
        }
    }

    fn state(func: AggFunc, from: usize, to: usize) -> Acc {
        let mut a = Acc::new(func, &tys(func), out(func)).expect("test input");
        a.grow(3);
        let gids: Vec<usize> = (from..to).map(|i| i % 3).collect();
        a.update(&gids, &args(func, from, to), &tys(func))
            .expect("test input");
        a
    }

    fn text(a: &ArrayRef) -> Vec<String> {
        let f = arrow::util::display::ArrayFormatter::try_new(a.as_ref(), &Default::default())
            .expect("test input");
        (0..a.len()).map(|i| f.value(i).to_string()).collect()
    }

    #[test]
    fn the_bridge_states_merge_as_if_unsplit() {
        for func in [
            AggFunc::MakeListWithNulls,
            AggFunc::PercentileW,
            AggFunc::PercentilesArray,
        ] {
            let whole = state(func, 0, 40).finish(out(func)).expect("test input");
            // Groups appear in another order in the second half: 1, 2, 0 from row 13 on.
            let mut first = state(func, 0, 13);
            assert!(first.mergeable());
            first
                .merge(state(func, 13, 40), &[0, 1, 2])
                .expect("test input");
            let merged = first.finish(out(func)).expect("test input");
            match (
                whole.as_any().downcast_ref::<Float64Array>(),
                merged.as_any().downcast_ref::<Float64Array>(),
            ) {
                (Some(w), Some(m)) => {
                    for (a, b) in w.iter().zip(m.iter()) {
                        let (a, b) = (a.expect("test input"), b.expect("test input"));
                        assert!(
                            (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                            "{func:?}: {a} vs {b}"
                        );
                    }
                }
                _ => assert_eq!(text(&whole), text(&merged), "{func:?}"),
            }
        }
    }
}
