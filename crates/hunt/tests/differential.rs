//! Randomized differential tests (issue #10, deliverable 5): each operator over random small
//! tables, split into random batches, against a row-at-a-time reference written here from
//! the Kusto docs. The references are deliberately naive (vectors of rows, three-valued
//! logic spelled out) so they can be checked by reading:
//! - comparisons: `null == x` is false, `null != x` is true, `<`/`>` with null is null; `where`
//!   keeps only true rows (Learn: scalar-data-types/null-values);
//! - `and`/`or` are three-valued; `not(null)` is null;
//! - aggregates ignore nulls (`dcount`, `countif`), `count()` counts rows;
//! - `sort by x asc` puts nulls first, `desc` last (Learn: sort-operator);
//! - join kinds as the join-operator page defines them; an unmatched side is null.

use arrow::array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use hunt::Engine;
use hunt::format::cell_text;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One row of the test table `T(id:long, k:string, n:long, b:bool, m:long)`.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    k: String,
    n: Option<i64>,
    b: Option<bool>,
    m: i64,
}

fn row() -> impl Strategy<Value = (String, Option<i64>, Option<bool>, i64)> {
    (
        prop::sample::select(vec!["", "a", "b", "A", "c"]).prop_map(String::from),
        prop::option::of(-3i64..4),
        prop::option::of(any::<bool>()),
        -5i64..6,
    )
}

/// Rows with unique ids, and the batch sizes they are cut into.
fn table() -> impl Strategy<Value = (Vec<Row>, Vec<usize>)> {
    prop::collection::vec(row(), 0..40).prop_flat_map(|raw| {
        let rows: Vec<Row> = raw
            .into_iter()
            .enumerate()
            .map(|(i, (k, n, b, m))| Row {
                id: i as i64,
                k,
                n,
                b,
                m,
            })
            .collect();
        let len = rows.len();
        (Just(rows), prop::collection::vec(1usize..9, len.max(1)))
    })
}

fn batches(rows: &[Row], cuts: &[usize]) -> (Arc<Schema>, Vec<RecordBatch>) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("k", DataType::Utf8, false),
        Field::new("n", DataType::Int64, true),
        Field::new("b", DataType::Boolean, true),
        Field::new("m", DataType::Int64, false),
    ]));
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while start < rows.len() {
        let end = (start + cuts[i % cuts.len()]).min(rows.len());
        let part = &rows[start..end];
        let cols: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from_iter_values(part.iter().map(|r| r.id))),
            Arc::new(StringArray::from_iter_values(
                part.iter().map(|r| r.k.as_str()),
            )),
            Arc::new(Int64Array::from_iter(part.iter().map(|r| r.n))),
            Arc::new(BooleanArray::from_iter(part.iter().map(|r| r.b))),
            Arc::new(Int64Array::from_iter_values(part.iter().map(|r| r.m))),
        ];
        out.push(RecordBatch::try_new(schema.clone(), cols).expect("valid batch"));
        start = end;
        i += 1;
    }
    (schema, out)
}

/// An engine holding `T` (and `U`, the same shape) cut into batches.
fn engine(t: &[Row], t_cuts: &[usize], u: &[Row], u_cuts: &[usize]) -> Engine {
    let mut e = Engine::new();
    let (s, b) = batches(t, t_cuts);
    e.register_batches("T", s, &b).expect("register T");
    let (s, b) = batches(u, u_cuts);
    e.register_batches("U", s, &b).expect("register U");
    e
}

/// The rows of `q` as text cells (null written `null`).
fn rows_of(e: &Engine, q: &str) -> Vec<Vec<String>> {
    let r = e
        .query(q)
        .unwrap_or_else(|err| panic!("{q}: {:?}", err.diagnostic()));
    let mut out = Vec::new();
    for b in &r.batches {
        for i in 0..b.num_rows() {
            out.push(
                r.schema
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(c, f)| {
                        if arrow::array::Array::is_null(b.column(c), i) {
                            "null".to_string()
                        } else {
                            cell_text(b.column(c), i, f.ty)
                        }
                    })
                    .collect(),
            );
        }
    }
    out
}

fn text(v: Option<i64>) -> String {
    v.map_or("null".into(), |x| x.to_string())
}

fn sorted(mut v: Vec<Vec<String>>) -> Vec<Vec<String>> {
    v.sort();
    v
}

// ------------------------------------------------------------------ predicates

/// A `where` predicate and its three-valued reference.
#[derive(Debug, Clone)]
enum Pred {
    Gt(i64),
    Eq(i64),
    Ne(i64),
    KeyEq(&'static str),
    KeyEqCi(&'static str),
    IsNull,
    B,
    NotB,
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
}

impl Pred {
    fn kql(&self) -> String {
        match self {
            Pred::Gt(c) => format!("n > {c}"),
            Pred::Eq(c) => format!("n == {c}"),
            Pred::Ne(c) => format!("n != {c}"),
            Pred::KeyEq(s) => format!("k == '{s}'"),
            Pred::KeyEqCi(s) => format!("k =~ '{s}'"),
            Pred::IsNull => "isnull(n)".into(),
            Pred::B => "b".into(),
            Pred::NotB => "not(b)".into(),
            Pred::And(a, b) => format!("({} and {})", a.kql(), b.kql()),
            Pred::Or(a, b) => format!("({} or {})", a.kql(), b.kql()),
        }
    }
    fn eval(&self, r: &Row) -> Option<bool> {
        match self {
            Pred::Gt(c) => r.n.map(|n| n > *c),
            Pred::Eq(c) => Some(r.n == Some(*c)),
            Pred::Ne(c) => Some(r.n != Some(*c)),
            Pred::KeyEq(s) => Some(r.k == *s),
            Pred::KeyEqCi(s) => Some(r.k.to_lowercase() == s.to_lowercase()),
            Pred::IsNull => Some(r.n.is_none()),
            Pred::B => r.b,
            Pred::NotB => r.b.map(|b| !b),
            Pred::And(a, b) => match (a.eval(r), b.eval(r)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            Pred::Or(a, b) => match (a.eval(r), b.eval(r)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
        }
    }
}

fn pred() -> impl Strategy<Value = Pred> {
    let leaf = prop_oneof![
        (-3i64..4).prop_map(Pred::Gt),
        (-3i64..4).prop_map(Pred::Eq),
        (-3i64..4).prop_map(Pred::Ne),
        prop::sample::select(vec!["a", "A", ""]).prop_map(Pred::KeyEq),
        prop::sample::select(vec!["a", "B"]).prop_map(Pred::KeyEqCi),
        Just(Pred::IsNull),
        Just(Pred::B),
        Just(Pred::NotB),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Pred::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Pred::Or(Box::new(a), Box::new(b))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn where_matches_three_valued_logic((t, cuts) in table(), p in pred()) {
        let e = engine(&t, &cuts, &[], &[1]);
        let got = sorted(rows_of(&e, &format!("T | where {} | project id", p.kql())));
        let want = sorted(t.iter().filter(|r| p.eval(r) == Some(true)).map(|r| vec![r.id.to_string()]).collect());
        prop_assert_eq!(got, want, "where {}", p.kql());
    }

    #[test]
    fn extend_arithmetic_propagates_null((t, cuts) in table(), c in -3i64..4) {
        let e = engine(&t, &cuts, &[], &[1]);
        let got = sorted(rows_of(&e, &format!("T | extend y = n + m * {c}, z = m - {c} | project id, y, z")));
        let want = sorted(t.iter().map(|r| vec![r.id.to_string(), text(r.n.map(|n| n + r.m * c)), (r.m - c).to_string()]).collect());
        prop_assert_eq!(got, want);
    }

    #[test]
    fn summarize_by_key_matches_grouping((t, cuts) in table(), c in -3i64..4, by_bool in any::<bool>()) {
        let e = engine(&t, &cuts, &[], &[1]);
        let by = if by_bool { "k, b" } else { "k" };
        let q = format!(
            "T | summarize c = count(), ci = countif(n > {c}), nn = countif(isnull(n)), dn = dcount(n), s = sum(m), lo = min(m), hi = max(m) by {by}"
        );
        let got = sorted(rows_of(&e, &q));
        let mut groups: BTreeMap<(String, String), Vec<&Row>> = BTreeMap::new();
        for r in &t {
            let bk = if by_bool { r.b.map_or("null".into(), |b| b.to_string()) } else { String::new() };
            groups.entry((r.k.clone(), bk)).or_default().push(r);
        }
        let want = sorted(groups.into_iter().map(|((k, bk), rs)| {
            let mut row = vec![k];
            if by_bool { row.push(bk); }
            let distinct: BTreeSet<i64> = rs.iter().filter_map(|r| r.n).collect();
            row.extend([
                rs.len().to_string(),
                rs.iter().filter(|r| r.n.is_some_and(|n| n > c)).count().to_string(),
                rs.iter().filter(|r| r.n.is_none()).count().to_string(),
                distinct.len().to_string(),
                rs.iter().map(|r| r.m).sum::<i64>().to_string(),
                rs.iter().map(|r| r.m).min().map_or("null".into(), |x| x.to_string()),
                rs.iter().map(|r| r.m).max().map_or("null".into(), |x| x.to_string()),
            ]);
            row
        }).collect());
        prop_assert_eq!(got, want, "{}", q);
    }

    /// Two keys, a string (as stored or computed) and a long with nulls, in either order:
    /// each combination its own group, a null long one value of its own.
    #[test]
    fn summarize_by_string_and_long_keys_matches_grouping((t, cuts) in table(), swap in any::<bool>(), computed in any::<bool>()) {
        let e = engine(&t, &cuts, &[], &[1]);
        let kexpr = if computed { "k2 = strcat(k, '_')" } else { "k" };
        let by = if swap { format!("n, {kexpr}") } else { format!("{kexpr}, n") };
        let q = format!("T | summarize c = count(), s = sum(m) by {by}");
        let got = sorted(rows_of(&e, &q));
        let mut groups: BTreeMap<(String, String), Vec<&Row>> = BTreeMap::new();
        for r in &t {
            let k = if computed { format!("{}_", r.k) } else { r.k.clone() };
            groups.entry((k, text(r.n))).or_default().push(r);
        }
        let want = sorted(groups.into_iter().map(|((k, n), rs)| {
            let mut row = if swap { vec![n, k] } else { vec![k, n] };
            row.push(rs.len().to_string());
            row.push(rs.iter().map(|r| r.m).sum::<i64>().to_string());
            row
        }).collect());
        prop_assert_eq!(got, want, "{}", q);
    }

    #[test]
    fn sort_puts_nulls_first_ascending_and_last_descending((t, cuts) in table(), desc in any::<bool>()) {
        let e = engine(&t, &cuts, &[], &[1]);
        let dir = if desc { "desc" } else { "asc" };
        let got = rows_of(&e, &format!("T | sort by n {dir}, id asc | project id, n"));
        let mut want: Vec<&Row> = t.iter().collect();
        want.sort_by(|a, b| {
            let ord = match (a.n, b.n) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => if desc { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Less },
                (Some(_), None) => if desc { std::cmp::Ordering::Less } else { std::cmp::Ordering::Greater },
                (Some(x), Some(y)) => if desc { y.cmp(&x) } else { x.cmp(&y) },
            };
            ord.then(a.id.cmp(&b.id))
        });
        let want: Vec<Vec<String>> = want.iter().map(|r| vec![r.id.to_string(), text(r.n)]).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn top_and_take_keep_the_right_rows((t, cuts) in table(), k in 0usize..12) {
        let e = engine(&t, &cuts, &[], &[1]);
        let got = rows_of(&e, &format!("T | top {k} by m desc, id asc | project id"));
        let mut want: Vec<&Row> = t.iter().collect();
        want.sort_by(|a, b| b.m.cmp(&a.m).then(a.id.cmp(&b.id)));
        let want: Vec<Vec<String>> = want.iter().take(k).map(|r| vec![r.id.to_string()]).collect();
        prop_assert_eq!(got, want);
        let taken = rows_of(&e, &format!("T | take {k} | count"));
        prop_assert_eq!(taken, vec![vec![k.min(t.len()).to_string()]]);
    }

    #[test]
    fn distinct_gives_each_combination_once((t, cuts) in table()) {
        let e = engine(&t, &cuts, &[], &[1]);
        let got = sorted(rows_of(&e, "T | distinct k, b"));
        let want: BTreeSet<Vec<String>> = t.iter().map(|r| vec![r.k.clone(), r.b.map_or("null".into(), |b| b.to_string())]).collect();
        prop_assert_eq!(got, want.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn join_kinds_match_their_definitions((t, tc) in table(), (u, uc) in table(), kind in 0usize..7) {
        let e = engine(&t, &tc, &u, &uc);
        let kinds = ["inner", "leftouter", "leftanti", "leftsemi", "rightanti", "rightsemi", "fullouter"];
        let kind = kinds[kind];
        // Both sides have the same column names; the right side's are suffixed with 1.
        let proj = match kind {
            "leftanti" | "leftsemi" => "id",
            "rightanti" | "rightsemi" => "id",
            _ => "id, id1",
        };
        let got = sorted(rows_of(&e, &format!("T | join kind={kind} (U) on k | project {proj}")));
        let matches = |l: &Row| u.iter().filter(|r| r.k == l.k).collect::<Vec<_>>();
        let mut want: Vec<Vec<String>> = Vec::new();
        match kind {
            "inner" => for l in &t { for r in matches(l) { want.push(vec![l.id.to_string(), r.id.to_string()]); } },
            "leftouter" | "fullouter" => {
                for l in &t {
                    let m = matches(l);
                    if m.is_empty() { want.push(vec![l.id.to_string(), "null".into()]); }
                    for r in m { want.push(vec![l.id.to_string(), r.id.to_string()]); }
                }
                if kind == "fullouter" {
                    for r in &u {
                        if !t.iter().any(|l| l.k == r.k) { want.push(vec!["null".into(), r.id.to_string()]); }
                    }
                }
            }
            "leftanti" => for l in &t { if matches(l).is_empty() { want.push(vec![l.id.to_string()]); } },
            "leftsemi" => for l in &t { if !matches(l).is_empty() { want.push(vec![l.id.to_string()]); } },
            "rightanti" => for r in &u { if !t.iter().any(|l| l.k == r.k) { want.push(vec![r.id.to_string()]); } },
            _ => for r in &u { if t.iter().any(|l| l.k == r.k) { want.push(vec![r.id.to_string()]); } },
        }
        prop_assert_eq!(got, sorted(want), "join kind={}", kind);
    }

    #[test]
    fn union_and_count_add_up((t, tc) in table(), (u, uc) in table()) {
        let e = engine(&t, &tc, &u, &uc);
        let got = rows_of(&e, "union T, U, T | count");
        prop_assert_eq!(got, vec![vec![(2 * t.len() + u.len()).to_string()]]);
    }
}

/// `top-nested` against `summarize` + `top` for one level, and its sums exact past 2^53
/// (Kusto sums longs exactly; a sum through doubles would lose the last unit).
#[test]
fn top_nested_agrees_with_summarize_and_sums_longs_exactly() {
    let e = Engine::new();
    let q = |q: &str| rows_of(&e, q);
    let t = "datatable(k:string, v:long)['a', 9007199254740993, 'b', 5, 'a', 1, 'c', 7, 'b', 4]";
    assert_eq!(
        q(&format!("{t} | top-nested 2 of k by s = sum(v)")),
        q(&format!(
            "{t} | summarize s = sum(v) by k | top 2 by s desc | project k, s"
        )),
    );
    assert_eq!(
        q(&format!("{t} | top-nested 1 of k by s = sum(v)")),
        vec![vec!["a".to_string(), "9007199254740994".to_string()]],
    );
    assert_eq!(
        q(&format!(
            "{t} | top-nested of k by m = max(v) asc | project k"
        )),
        vec![
            vec!["b".to_string()],
            vec!["c".to_string()],
            vec!["a".to_string()]
        ],
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// `sort | take` (fused into a sort with a fetch) gives the first rows of the full
    /// sort, ties in input order: the same rows as sorting everything and cutting after.
    #[test]
    fn sort_then_take_is_the_head_of_the_sort((t, cuts) in table(), k in 0usize..12, desc in any::<bool>()) {
        let e = engine(&t, &cuts, &[], &[1]);
        let dir = if desc { "desc" } else { "asc" };
        let all = rows_of(&e, &format!("T | sort by m {dir} | project id"));
        let head = rows_of(&e, &format!("T | sort by m {dir} | project id | take {k}"));
        prop_assert_eq!(head, all.into_iter().take(k).collect::<Vec<_>>());
    }
}
