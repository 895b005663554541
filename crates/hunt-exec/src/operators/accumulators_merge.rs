//! Merging aggregate states: the aggregate builds a partial [`Acc`] per unit of its input
//! (on the worker that decodes the unit) and merges them in unit order.
//!
//! Each merge gives what feeding the partial's rows after the earlier ones would have
//! given, except for float rounding: sums, means and moments add partial results, so
//! their last bits depend on where units start. Units are row groups, fixed by the files,
//! so the answer is the same at any thread count.

use super::accumulators::Acc;
use crate::error::{ExecError, Result};
use arrow::row::{OwnedRow, RowConverter};

/// A row of another converter of the same type as one of `conv`'s (rows carry their
/// converter; the encoding itself is the same).
fn reown(conv: &RowConverter, r: &OwnedRow) -> OwnedRow {
    let theirs = r.row();
    conv.parser().parse(theirs.as_ref()).owned()
}

impl Acc {
    /// True when [`Acc::merge`] supports this state.
    pub(super) fn mergeable(&self) -> bool {
        !matches!(self, Acc::More(_))
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
                Acc::Moments { n, mean, m2, .. },
                Acc::Moments {
                    n: on,
                    mean: omean,
                    m2: om2,
                    ..
                },
            ) => {
                // Chan et al.'s combination of two (count, mean, M2) summaries.
                for (g, ((nb, mb), m2b)) in on.into_iter().zip(omean).zip(om2).enumerate() {
                    let t = map[g];
                    if nb == 0.0 {
                        continue;
                    }
                    let na = n[t];
                    if na == 0.0 {
                        (n[t], mean[t], m2[t]) = (nb, mb, m2b);
                        continue;
                    }
                    let total = na + nb;
                    let d = mb - mean[t];
                    mean[t] += d * nb / total;
                    m2[t] += m2b + d * d * na * nb / total;
                    n[t] = total;
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
            _ => return Err(mismatch()),
        }
        Ok(())
    }
}
