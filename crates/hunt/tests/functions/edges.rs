//! Edge cases the Microsoft Learn pages state (null, negative, zero, out of range, NaN,
//! overflow), one table row each, with the page or oracle case it came from. Issue #10's
//! audit: every row's expected text is read off the page, never off hunt.

use crate::common::{check, fails};

/// One documented edge: where it is stated, the query, the expected result (header line,
/// then rows; null cells are written `null`).
struct Edge {
    source: &'static str,
    query: &'static str,
    expected: &'static str,
}

fn run_table(rows: &[Edge]) {
    for r in rows {
        eprintln!("{}", r.source);
        check(r.query, r.expected);
    }
}

/// Queries the docs leave open (or Kusto rejects): hunt must refuse them before running.
struct Refusal {
    source: &'static str,
    query: &'static str,
}

fn refuse_table(rows: &[Refusal]) {
    for r in rows {
        eprintln!("{}", r.source);
        fails(r.query);
    }
}

#[test]
fn math_domains() {
    run_table(&[
        Edge {
            source: "docs: log-function (null if the argument is negative)",
            query: "print a=log(-1), b=log(0), c=log(1), d=log(real(null))",
            expected: "a:real|b:real|c:real|d:real\nnull|-Infinity|0|null",
        },
        Edge {
            source: "docs: log10-function, log2-function (null if negative)",
            query: "print a=log10(-5), b=log2(-0.5), c=log10(100), d=log2(8)",
            expected: "a:real|b:real|c:real|d:real\nnull|null|2|3",
        },
        Edge {
            source: "docs: sqrt-function (null if the argument is negative)",
            query: "print a=sqrt(-4), b=sqrt(0), c=sqrt(16)",
            expected: "a:real|b:real|c:real\nnull|0|4",
        },
        Edge {
            source: "docs: asin-function, acos-function (null if x < -1 or x > 1)",
            query: "print a=asin(2), b=acos(-1.5), c=asin(0), d=acos(1)",
            expected: "a:real|b:real|c:real|d:real\nnull|null|0|0",
        },
        Edge {
            source: "docs: log-function (a column of negatives, zero and NaN)",
            query: "datatable(x:real)[-1.0, 0.0, 1.0, real(nan)] | project l=log(x), s=sqrt(x)",
            expected: "l:real|s:real\nnull|null\n-Infinity|0\n0|1\nNaN|NaN",
        },
    ]);
}

#[test]
fn conversions_between_long_int_and_real() {
    run_table(&[
        Edge {
            source: "docs: toint-function (decimals truncate); oracle: agent-null-and-edge-0023",
            query: "print a=toint(2.9), b=toint(-2.9), c=tolong(2147483648.9)",
            expected: "a:int|b:int|c:long\n2|-2|2147483648",
        },
        Edge {
            source: "oracle: agent-type-casts-coercion-0043 (a long out of int range wraps \
                     to its low 32 bits; reals saturate)",
            query: "print a=toint(3000000000), b=toint(tolong(-3000000000)), c=toint(9223372036854775807), d=toint(1e30)",
            expected: "a:int|b:int|c:int|d:int\n-1294967296|1294967296|-1|2147483647",
        },
        Edge {
            source: "oracle: agent-type-casts-coercion-0021 (a string out of range is null)",
            query: r#"print a=toint("3000000000"), b=tolong("9223372036854775808")"#,
            expected: "a:int|b:long\nnull|null",
        },
        Edge {
            source: "oracle: agent-null-and-edge-0031 (infinity and NaN do not convert)",
            query: r#"print a=tolong(todouble("inf")), b=toint(real(nan))"#,
            expected: "a:long|b:int\nnull|null",
        },
    ]);
}

#[test]
fn nan_inside_extremes() {
    run_table(&[
        Edge {
            source: "oracle: agent-aggregation-0002 (max, min and arg_max of a group with a \
                     NaN are NaN); arg_min follows min",
            query: r#"datatable(k:string, x:real)["b",1.0,"n",real(nan),"c",3.0] | summarize arg_max(x, k), arg_min(x, k), mx=max(x), mn=min(x)"#,
            expected: "x:real|k:string|x1:real|k1:string|mx:real|mn:real\nNaN|n|NaN|n|NaN|NaN",
        },
        Edge {
            source: "docs: arg-min-aggregation-function (without NaN: the minimizing row)",
            query: r#"datatable(k:string, x:real)["b",1.0,"a",-2.0,"c",3.0] | summarize arg_min(x, k), arg_max(x, k)"#,
            expected: "x:real|k:string|x1:real|k1:string\n-2|a|3|c",
        },
    ]);
}

#[test]
fn parse_regex_typed_captures() {
    run_table(&[Edge {
        source: "docs: parse-operator (regex mode: long is `-?\\d+`); oracle: agent-parse-search-0041",
        query: r#"print s="x=12 y=ab" | parse kind=regex s with "x=" x:long " y=" y:string"#,
        expected: "s:string|x:long|y:string\nx=12 y=ab|12|ab",
    }]);
    refuse_table(&[Refusal {
        source: "docs: parse-operator gives the regex of string and long columns only",
        query: r#"print s="x=1.5" | parse kind=regex s with "x=" x:real"#,
    }]);
}

#[test]
fn aggregates_over_no_rows() {
    run_table(&[
        Edge {
            source: "docs: summarize-operator (default values: count, countif, dcount, \
                     dcountif, count_distinct, sum, sumif, variance, stdev (+if) are 0; the \
                     make_* lists and bags are empty; all others null; its example shows avg \
                     as NaN)",
            query: "datatable(x:long)[] | summarize c=count(), ci=countif(x > 0), d=dcount(x), di=dcountif(x, x > 0), cd=count_distinct(x), s=sum(x), si=sumif(x, x > 0), v=variance(x), sd=stdev(x), vi=varianceif(x, x > 0), sdi=stdevif(x, x > 0), a=avg(x), mx=max(x), p=percentile(x, 50), ml=make_list(x), ms=make_set(x), mb=make_bag(bag_pack(\"k\", x))",
            expected: "c:long|ci:long|d:long|di:long|cd:long|s:long|si:long|v:real|sd:real|vi:real|sdi:real|a:real|mx:long|p:long|ml:dynamic|ms:dynamic|mb:dynamic\n0|0|0|0|0|0|0|0|0|0|0|NaN|null|null|[]|[]|{}",
        },
        Edge {
            source: "docs: summarize-operator (with a group expression, an empty input gives \
                     no rows)",
            query: "datatable(x:long, g:string)[] | summarize c=count(), s=sum(x) by g",
            expected: "g:string|c:long|s:long",
        },
        Edge {
            source: "oracle: agent-null-and-edge-0001 (a group of nulls: sum 0, avg NaN, \
                     min null, lists empty)",
            query: r#"datatable(g:string, x:long)["b",long(null),"b",long(null)] | summarize s=sum(x), av=avg(x), mn=min(x), ml=make_list(x) by g"#,
            expected: "g:string|s:long|av:real|mn:long|ml:dynamic\nb|0|NaN|null|[]",
        },
    ]);
}

#[test]
fn dynamic_values_in_aggregates() {
    run_table(&[
        Edge {
            source: "docs: make-set-aggregation-function (\"Set from array column\": the \
                     elements of array values)",
            query: "datatable (Val: int, Arr1: dynamic)[1, dynamic(['A1', 'A2', 'A3']), 5, dynamic(['A2', 'C1']), 7, dynamic(['C2', 'A3']), 5, dynamic(['C2', 'A1'])] | summarize Val_set=make_set(Val), Arr1_set=make_set(Arr1)",
            expected: r#"Val_set:dynamic|Arr1_set:dynamic
[1,5,7]|["A1","A2","A3","C1","C2"]"#,
        },
        Edge {
            source: "oracle: agent-aggregation-0029 (make_list of lists is flat); docs: \
                     geo-h3cell-rings-function example",
            query: "datatable(x:long, y:long)[1,1, 1,2, 2,1] | summarize inner=make_list(y) by x | summarize outer=make_list(inner)",
            expected: "outer:dynamic\n[1,2,1]",
        },
        Edge {
            source: "docs: make-list-aggregation-function (null values are ignored); \
                     make-list-with-nulls-aggregation-function (they are kept)",
            query: "datatable(x:long)[long(null), 4, long(null), 5] | summarize a=make_list(x), b=make_list_with_nulls(x), c=make_set(x)",
            expected: "a:dynamic|b:dynamic|c:dynamic\n[4,5]|[null,4,null,5]|[4,5]",
        },
        Edge {
            source: "docs: make-bag-aggregation-function (values that are not property bags \
                     are ignored)",
            query: r#"datatable(d:dynamic)[dynamic({"a":1}), dynamic(null), dynamic([1,2]), dynamic(3), dynamic({"b":2})] | summarize b=make_bag(d)"#,
            expected: r#"b:dynamic
{"a":1,"b":2}"#,
        },
    ]);
    refuse_table(&[Refusal {
        source: "docs: make-list-with-nulls-aggregation-function does not say whether an \
                 array value is nested or spliced",
        query: "datatable(d:dynamic)[dynamic([1,2]), dynamic(null)] | summarize make_list_with_nulls(d)",
    }]);
}

#[test]
fn totimespan_of_numbers() {
    run_table(&[Edge {
        source: "docs: totimespan-function (a timespan text converts); scalar-data-types/\
                 timespan (`timespan(n)` is n days)",
        query: r#"print a=totimespan("0.00:01:00"), b=totimespan("2"), c=totimespan(dynamic("01:02:00"))"#,
        expected: "a:timespan|b:timespan|c:timespan\n00:01:00|2.00:00:00|01:02:00",
    }]);
    refuse_table(&[
        Refusal {
            source: "docs: totimespan-function does not say how a number converts",
            query: "print totimespan(10)",
        },
        Refusal {
            source: "docs: totimespan-function does not say how a number converts (dynamic)",
            query: "print totimespan(dynamic(10))",
        },
        Refusal {
            source: "docs: todatetime-function does not say how a number converts (dynamic)",
            query: "print todatetime(dynamic(10))",
        },
    ]);
}
