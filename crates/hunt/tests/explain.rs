//! EXPLAIN snapshots (issue #10, deliverable 5): the logical and physical plan of each
//! operator, with the row count of a run, over constant inputs. Each expected plan was read
//! and checked by hand against the operator's semantics (`what` says what to look for), not
//! copied unread: a change in planning shows up here as a diff to review.

use hunt::Engine;

struct Snapshot {
    what: &'static str,
    query: &'static str,
    plans: &'static str,
}

const SNAPSHOTS: &[Snapshot] = &[
    Snapshot {
        what: "a filter below a projection, over a lazy range (5 of 10 rows kept)",
        query: r#"range x from 1 to 10 step 1 | where x > 5 | project y = x * 2"#,
        plans: r#"logical plan:
01)Projection: y=mul(x, 2)
02)--Filter: gt(x, 5)
03)----Range: 10 rows from 1 step 1

physical plan (after a run returning 5 rows):
01)ProjectionExec: y=mul(#0, 2)
02)--FilterExec: gt(#0, 5)
03)----RangeExec: rows=10 from=1 step=1"#,
    },
    Snapshot {
        what: "summarize by a computed key: one aggregate node, key and aggregates named",
        query: r#"range x from 1 to 10 step 1 | summarize c = count(), s = sum(x) by k = x % 3"#,
        plans: r#"logical plan:
01)Aggregate: by=[k=mod(x, 3)] aggs=[c=count(), s=sum(x)]
02)--Range: 10 rows from 1 step 1

physical plan (after a run returning 3 rows):
01)AggregateExec: by=[k=mod(#0, 3)] aggs=[c=Count(), s=Sum(#0)]
02)--RangeExec: rows=10 from=1 step=1"#,
    },
    Snapshot {
        what: "top N is a sort with a fetch (TopK), not a sort then a limit",
        query: r#"range x from 1 to 10 step 1 | top 3 by x desc"#,
        plans: r#"logical plan:
01)Sort: x desc nulls last fetch=3
02)--Range: 10 rows from 1 step 1

physical plan (after a run returning 3 rows):
01)SortExec: TopK(fetch=3) [#0 desc]
02)--RangeExec: rows=10 from=1 step=1"#,
    },
    Snapshot {
        what: "sort then take is a sort keeping N rows, as top is (ties keep input order either way)",
        query: r#"range x from 1 to 10 step 1 | sort by x desc | take 3"#,
        plans: r#"logical plan:
01)Sort: x desc nulls last fetch=3
02)--Range: 10 rows from 1 step 1

physical plan (after a run returning 3 rows):
01)SortExec: TopK(fetch=3) [#0 desc]
02)--RangeExec: rows=10 from=1 step=1"#,
    },
    Snapshot {
        what: "a take reaches the sort through a projection (which keeps the row count)",
        query: r#"range x from 1 to 10 step 1 | sort by x desc | project y = x + 1 | take 3"#,
        plans: r#"logical plan:
01)Projection: y=add(x, 1)
02)--Sort: x desc nulls last fetch=3
03)----Range: 10 rows from 1 step 1

physical plan (after a run returning 3 rows):
01)ProjectionExec: y=add(#0, 1)
02)--SortExec: TopK(fetch=3) [#0 desc]
03)----RangeExec: rows=10 from=1 step=1"#,
    },
    Snapshot {
        what: "join: the right side is the hash table (build) side, the left side streams",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | join kind=inner (T | project k, m = n) on k"#,
        plans: r#"logical plan:
01)Join: kind=Inner on [k == k]
02)--Values: 3 columns, 2 rows
02)--Projection: k=k, m=n
03)----Values: 3 columns, 2 rows

physical plan (after a run returning 2 rows):
01)HashJoinExec: kind=Inner on [#0 == #0] (build: right)
02)--ValuesExec: rows=2
02)--ProjectionExec: k=#0, m=#1
03)----ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "lookup is a left outer join whose right key column is dropped",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | lookup (T | project k, m = n) on k"#,
        plans: r#"logical plan:
01)Join: kind=LeftOuter on [k == k]
02)--Values: 3 columns, 2 rows
02)--Projection: k=k, m=n
03)----Values: 3 columns, 2 rows

physical plan (after a run returning 2 rows):
01)HashJoinExec: kind=LeftOuter on [#0 == #0] (build: right)
02)--ValuesExec: rows=2
02)--ProjectionExec: k=#0, m=#1
03)----ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "`in` over a tabular list is a left semi join",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | where k in ((T | where n > 1 | project k))"#,
        plans: r#"logical plan:
01)Join: kind=LeftSemi on [k == k]
02)--Values: 3 columns, 2 rows
02)--Projection: k=k
03)----Filter: gt(n, 1)
04)------Values: 3 columns, 2 rows

physical plan (after a run returning 1 rows):
01)HashJoinExec: kind=LeftSemi on [#0 == #0] (build: right)
02)--ValuesExec: rows=2
02)--ProjectionExec: k=#0
03)----FilterExec: gt(#1, 1)
04)------ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "mv-expand with a type: one expansion node",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | mv-expand d to typeof(long) | project k, d"#,
        plans: r#"logical plan:
01)Projection: k=k, d=d
02)--MvExpand: d=d to long
03)----Values: 3 columns, 2 rows

physical plan (after a run returning 3 rows):
01)ProjectionExec: k=#0, d=#2
02)--MvExpandExec: [#2 to long]
03)----ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "union then count: each input reads no column (count needs none)",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | union (T | where n > 1) | count"#,
        plans: r#"logical plan:
01)Aggregate: by=[] aggs=[Count=count()]
02)--Union: 2 inputs
03)----Projection: 
04)------Values: 3 columns, 2 rows
03)----Projection: 
04)------Filter: gt(n, 1)
05)--------Values: 3 columns, 2 rows

physical plan (after a run returning 1 rows):
01)AggregateExec: by=[] aggs=[Count=Count()]
02)--UnionExec: inputs=2
03)----ProjectionExec: 
04)------ValuesExec: rows=2
03)----ProjectionExec: 
04)------FilterExec: gt(#1, 1)
05)--------ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "serialize + row_number is a window node, renamed by a projection",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | serialize r = row_number() | project k, r"#,
        plans: r#"logical plan:
01)Projection: k=k, r=r
02)--Projection: k=k, r=__window0
03)----Window: [__window0=RowNumber { start: 1, restart: None }]
04)------Values: 3 columns, 2 rows

physical plan (after a run returning 2 rows):
01)ProjectionExec: k=#0, r=#1
02)--ProjectionExec: k=#0, r=#3
03)----WindowExec: 1 window columns
04)------ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "distinct is an aggregate with keys and no aggregates",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | distinct k"#,
        plans: r#"logical plan:
01)Aggregate: by=[k=k] aggs=[]
02)--Values: 3 columns, 2 rows

physical plan (after a run returning 2 rows):
01)AggregateExec: by=[k=#0] aggs=[]
02)--ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "project-away is a projection of the remaining columns",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | extend x = n + 1 | project-away d"#,
        plans: r#"logical plan:
01)Projection: k=k, n=n, x=x
02)--Projection: k=k, n=n, x=add(n, 1)
03)----Values: 3 columns, 2 rows

physical plan (after a run returning 2 rows):
01)ProjectionExec: k=#0, n=#1, x=#2
02)--ProjectionExec: k=#0, n=#1, x=add(#1, 1)
03)----ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "top-nested ranks the key tuples of a summarize by every level's key (its sum per tuple, rolled up by the operator)",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | top-nested 1 of k by s = sum(n)"#,
        plans: r#"logical plan:
01)TopNested: 1 levels
02)--Aggregate: by=[__top_nested_key_0=k] aggs=[__top_nested_agg_0=sum(n)]
03)----Values: 3 columns, 2 rows

physical plan (after a run returning 1 rows):
01)TopNestedExec: 1 levels
02)--AggregateExec: by=[__top_nested_key_0=#0] aggs=[__top_nested_agg_0=Sum(#1)]
03)----ValuesExec: rows=2"#,
    },
    Snapshot {
        what: "a where right above a join is the join's filter (no FilterExec: the join checks each chunk's pairs on the columns the where reads, #3 = u and #1 = t)",
        query: r#"let L = datatable(a:long, t:long)[1, 10, 2, 20]; let R = datatable(a:long, u:long)[1, 5, 1, 15, 2, 25]; L | join kind=inner R on a | where u > t"#,
        plans: r#"logical plan:
01)Filter: gt(u, t)
02)--Join: kind=Inner on [a == a]
03)----Values: 2 columns, 2 rows
03)----Values: 2 columns, 3 rows

physical plan (after a run returning 2 rows):
01)HashJoinExec: kind=Inner on [#0 == #0] filter=gt(#3, #1) (build: right)
02)--ValuesExec: rows=2
02)--ValuesExec: rows=3"#,
    },
    Snapshot {
        what: "parse compiles its pattern to an anchored regex with lazy captures",
        query: r#"let T = datatable(k:string, n:long, d:dynamic)["a", 1, dynamic([1,2]), "b", 2, dynamic([3])]; T | parse k with a:string"#,
        plans: r#"logical plan:
01)Parse: k with /^(?P<hunt_col_0>.*?)$/
02)--Values: 3 columns, 2 rows

physical plan (after a run returning 2 rows):
01)ParseExec: #0 with /^(?P<hunt_col_0>.*?)$/
02)--ValuesExec: rows=2"#,
    },
];

#[test]
fn plans_of_each_operator_match_their_snapshots() {
    let e = Engine::new();
    let mut diffs = Vec::new();
    for s in SNAPSHOTS {
        match e.explain(s.query) {
            Ok(got) if got.trim_end() == s.plans => {}
            Ok(got) => diffs.push(format!(
                "{}\n{}\n--- want\n{}\n--- got\n{}",
                s.what,
                s.query,
                s.plans,
                got.trim_end()
            )),
            Err(err) => diffs.push(format!("{}: {}: {:?}", s.what, s.query, err.diagnostic())),
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n\n"));
}
