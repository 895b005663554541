//! Staged and sequential operators end to end: `toscalar`/`materialize` subqueries,
//! `scan`, `as`, `sample`, `partition`, tabular user functions and `invoke`. Every
//! expected value comes from the Kusto documentation's examples (`docs: <page>`) or from
//! the real-Kusto oracle in `shared/conformance/kusto-oracle` (`oracle: <case id>`).

mod common;

use common::{check, fails, run};

// ---------------------------------------------------------------- toscalar

#[test]
fn toscalar_bounds_a_range() {
    // docs: toscalar-function (Start, End and Step computed as scalar constants)
    check(
        "let Start = toscalar(print x=1);
         let End = toscalar(range x from 1 to 9 step 1 | count);
         let Step = toscalar(2);
         range z from Start to End step Step | extend start=Start, end=End, step=Step",
        "z:long|start:long|end:long|step:long
         1|1|9|2
         3|1|9|2
         5|1|9|2
         7|1|9|2
         9|1|9|2",
    );
}

#[test]
fn toscalar_of_an_empty_result_is_null() {
    // docs: toscalar-function ("If the result is a tabular, then the first column and
    // first row will be taken"); no row gives a null of the column's type.
    check(
        "let n = toscalar(datatable(x:long)[1, 2] | where x > 5); print isnull(n)",
        "print_0:bool\ntrue",
    );
}

#[test]
fn toscalar_cannot_read_the_row() {
    // docs: toscalar-function ("can't use 'x' as it is defined outside its row-context scope")
    fails(
        "let _dataset1 = datatable(x:long)[1,2,3,4,5];
         let _dataset2 = datatable(x:long, y:long) [ 1, 2, 3, 4, 5, 6];
         let tg = (x_: long) { toscalar(_dataset2| where x == x_ | project y); };
         _dataset1 | extend y = tg(x)",
    );
}

#[test]
fn materialize_is_its_subquery() {
    // oracle: agent-nested-pipelines-let-cte-0014 (r1)
    check(
        "let src = materialize(datatable(i:int)[ 1, 2, 3, 4 ]); src | summarize c = count() | extend total = c",
        "c:long|total:long\n4|4",
    );
}

// ---------------------------------------------------------------- scan

#[test]
fn scan_cumulative_sum() {
    // docs: scan-operator (Cumulative sum)
    check(
        "range x from 1 to 5 step 1
         | scan declare (cumulative_x:long=0) with (step s1: true => cumulative_x = x + s1.cumulative_x;)",
        "x:long|cumulative_x:long
         1|1
         2|3
         3|6
         4|10
         5|15",
    );
}

#[test]
fn scan_reads_defaults_for_unqualified_declared_columns() {
    // oracle: agent-window-series-scan-0004 (r2): `cum` alone is the record's own
    // (default) value, not the state's
    check(
        "datatable(t:long, v:long)[ 1,5, 2,3, 3,99, 4,7, 5,2, 6,99, 7,1 ] | sort by t asc
         | scan declare (cum:long=0, cnt:long=0) with (step s: true => cum = iff(v == 99, 0, cum + v), cnt = iff(v == 99, 0, cnt + 1);)",
        "t:long|v:long|cum:long|cnt:long
         1|5|5|1
         2|3|3|1
         3|99|0|0
         4|7|7|1
         5|2|2|1
         6|99|0|0
         7|1|1|1",
    );
    // oracle: agent-window-series-scan-0013 (r3)
    check(
        "datatable(t:long, v:long)[ 3,30, 1,10, 2,20, 5,50, 4,40 ] | sort by t asc
         | scan declare (mn:long=999, mx:long=0) with (step s: true => mn = min_of(s.mn, v), mx = max_of(s.mx, v);)",
        "t:long|v:long|mn:long|mx:long
         1|10|10|10
         2|20|10|20
         3|30|10|30
         4|40|10|40
         5|50|10|50",
    );
}

#[test]
fn scan_fills_forward() {
    // docs: scan-operator (Fill forward a column)
    check(
        r#"let Events = datatable (Ts: timespan, Event: string) [0m, "A", 1m, "", 2m, "B", 3m, "", 4m, "", 6m, "C", 8m, "", 11m, "D", 12m, ""];
        Events | sort by Ts asc
        | scan declare (Event_filled: string="") with (step s1: true => Event_filled = iff(isempty(Event), s1.Event_filled, Event);)"#,
        "Ts:timespan|Event:string|Event_filled:string
         00:00:00|A|A
         00:01:00||A
         00:02:00|B|B
         00:03:00||B
         00:04:00||B
         00:06:00|C|C
         00:08:00||C
         00:11:00|D|D
         00:12:00||D",
    );
}

#[test]
fn scan_tags_sessions() {
    // docs: scan-operator (Sessions tagging)
    check(
        r#"let Events = datatable (Ts: timespan, Event: string) [0m, "A", 1m, "A", 2m, "B", 3m, "D", 32m, "B", 36m, "C", 38m, "D", 41m, "E", 75m, "A"];
        Events | sort by Ts asc
        | scan with_match_id=session_id declare (sessionStart: timespan) with (
            step inSession: true => sessionStart = iff(isnull(inSession.sessionStart), Ts, inSession.sessionStart);
            step endSession output=none: Ts - inSession.sessionStart > 30m;
        )"#,
        "Ts:timespan|Event:string|sessionStart:timespan|session_id:long
         00:00:00|A|00:00:00|0
         00:01:00|A|00:00:00|0
         00:02:00|B|00:00:00|0
         00:03:00|D|00:00:00|0
         00:32:00|B|00:32:00|1
         00:36:00|C|00:32:00|1
         00:38:00|D|00:32:00|1
         00:41:00|E|00:32:00|1
         01:15:00|A|01:15:00|2",
    );
}

#[test]
fn scan_finds_sequences_between_start_and_stop() {
    // docs: scan-operator (Events between Start and Stop)
    check(
        r#"let Events = datatable (Ts: timespan, Event: string) [0m, "A", 1m, "Start", 2m, "B", 3m, "D", 4m, "Stop", 6m, "C", 8m, "Start", 11m, "E", 12m, "Stop"];
        Events | sort by Ts asc
        | scan with_match_id=m_id with (
            step s1: Event == "Start";
            step s2: Event != "Start" and Event != "Stop" and Ts - s1.Ts <= 5m;
            step s3: Event == "Stop" and Ts - s1.Ts <= 5m;
        )"#,
        "Ts:timespan|Event:string|m_id:long
         00:01:00|Start|0
         00:02:00|B|0
         00:03:00|D|0
         00:04:00|Stop|0
         00:08:00|Start|1
         00:11:00|E|1
         00:12:00|Stop|1",
    );
}

#[test]
fn scan_rejects_window_functions() {
    // oracle: agent-probe2-0003 (Kusto rejects prev() in a scan assignment)
    fails(
        "datatable(t:long, v:long)[ 1,5, 2,3 ] | sort by t asc | scan declare (w:long=0) with (step s: true => w = v + prev(w, 1, 0);)",
    );
    // oracle: agent-window-series-scan-0012 (r1)
    fails(
        r#"datatable(t:long, st:string)[ 1,"a", 2,"a", 3,"b" ] | sort by t asc | scan declare (grp:long=0) with (step s: st != prev(st) => grp = s.grp + 1;)"#,
    );
}

// ---------------------------------------------------------------- as, sample, count(x)

#[test]
fn as_names_a_result_for_later_use() {
    // oracle: agent-nested-pipelines-let-cte-0005 (r3)
    check(
        "datatable(k:long, v:long)[ 1,10, 1,20, 2,30, 2,30 ] | summarize count() by k | as Stage1
         | extend count_ = count_ + 100 | join kind=inner (Stage1) on k | project k, count_, count_1 | sort by k asc",
        "k:long|count_:long|count_1:long
         1|102|2
         2|102|2",
    );
    // docs: as-operator (the names become union's withsource values)
    check(
        "union withsource=TableName (range x from 1 to 2 step 1 | as T1), (range x from 1 to 2 step 1 | as T2)",
        "TableName:string|x:long
         T1|1
         T1|2
         T2|1
         T2|2",
    );
}

#[test]
fn sample_returns_up_to_n_rows() {
    // docs: sample-operator ("Returns up to the specified number of rows")
    check(
        "range x from 1 to 100 step 1 | sample 5 | count",
        "Count:long\n5",
    );
    check(
        "range x from 1 to 3 step 1 | sample 10 | count",
        "Count:long\n3",
    );
}

#[test]
fn count_of_an_expression_counts_every_row() {
    // oracle: agent-null-and-edge-0001 (r2), agent-null-and-edge-0026 (r1)
    check(
        r#"datatable(g:string, x:long)[ "a",1, "a",long(null), "b",long(null), "b",long(null) ]
         | summarize c=count(), cx=count(x) by g | order by g asc"#,
        "g:string|c:long|cx:long
         a|2|2
         b|2|2",
    );
    check(
        "datatable(d:dynamic)[ dynamic([]), dynamic(null), dynamic([1,2]) ] | mv-expand x=d | summarize c=count(), cx=count(x)",
        "c:long|cx:long\n3|3",
    );
}

// ---------------------------------------------------------------- tabular functions

#[test]
fn tabular_functions_take_tables_and_scalars() {
    // docs: user-defined-functions (tabular function with arguments)
    check(
        "let MyFilter = (T:(x:long), v:long) { T | where x >= v };
         MyFilter((range x from 1 to 10 step 1), 9)",
        "x:long\n9\n10",
    );
    // docs: user-defined-functions (a tabular input with unspecified columns)
    check(
        "let MyDistinct = (T:(*)) { T | distinct * }; MyDistinct((range x from 1 to 3 step 1))",
        "x:long\n1\n2\n3",
    );
    // docs: let-statement (a function calling another, bounds from parameters)
    check(
        "let foo1 = (_start:long, _end:long, _step:long) { range x from _start to _end step _step};
         let foo2 = (_step:long) { foo1(1, 100, _step)};
         foo2(2) | count",
        "Count:long\n50",
    );
}

#[test]
fn functions_without_parameters_and_views_are_tables() {
    // docs: user-defined-functions (tabular function without arguments)
    check(
        "let tenNumbers = () { range x from 1 to 10 step 1}; tenNumbers | extend x_plus_7 = x + 7 | take 2",
        "x:long|x_plus_7:long\n1|8\n2|9",
    );
    // docs: union-operator (views)
    check(
        "let View_1 = view () { print x=1 }; let View_2 = view () { print x=1 };
         union (View_1 | where x > 0), (View_2 | where x > 0) | count",
        "Count:long\n2",
    );
}

#[test]
fn invoke_passes_its_input_first() {
    // docs: invoke-operator
    check(
        "let clipped_average = (T:(x: long), lowPercentile:double, upPercentile:double) {
           let high = toscalar(T | summarize percentiles(x, upPercentile));
           let low = toscalar(T | summarize percentiles(x, lowPercentile));
           T | where x > low and x < high | summarize avg(x)
         };
         range x from 1 to 100 step 1 | invoke clipped_average(5, 99)",
        "avg_x:real\n52",
    );
    // a table lacking a declared column is an error
    fails("let f = (T:(State:string)) { T | count }; range x from 1 to 3 step 1 | invoke f()");
}

// ---------------------------------------------------------------- partition

#[test]
fn partition_runs_the_subquery_per_key() {
    // oracle: agent-nested-pipelines-let-cte-0014 (r3)
    check(
        r#"datatable(i:int)[ 1, 2, 3, 4, 5, 6 ] | extend grp = i % 2
         | partition by grp (summarize s = sum(i) | extend tag = "p") | sort by s asc"#,
        "s:long|tag:string
         9|p
         12|p",
    );
}

#[test]
fn partition_with_scan_gives_one_row_per_session() {
    // docs: scan-operator (Calculating Session Length per User)
    check(
        r#"let LogsEvents = datatable(Timestamp:datetime, userID:int, EventType:string) [
            datetime(2024-05-28 08:15:23), 1, "login",
            datetime(2024-05-28 08:30:15), 2, "login",
            datetime(2024-05-28 09:10:27), 3, "login",
            datetime(2024-05-28 12:30:45), 1, "logout",
            datetime(2024-05-28 11:45:32), 2, "logout",
            datetime(2024-05-28 13:25:19), 3, "logout"];
        LogsEvents
        | sort by userID, Timestamp
        | partition hint.strategy=native by userID (
            sort by Timestamp asc
            | scan declare (start: datetime, end: datetime, sessionDuration: timespan) with (
                step s1 output=none: EventType == "login" => start = Timestamp;
                step s2 output=all: EventType == "logout" => start = s1.start, end = Timestamp, sessionDuration = Timestamp - s1.start;
            )
        )
        | project start, end, userID, sessionDuration
        | sort by userID asc"#,
        "start:datetime|end:datetime|userID:int|sessionDuration:timespan
         2024-05-28T08:15:23.0000000Z|2024-05-28T12:30:45.0000000Z|1|04:15:22
         2024-05-28T08:30:15.0000000Z|2024-05-28T11:45:32.0000000Z|2|03:15:17
         2024-05-28T09:10:27.0000000Z|2024-05-28T13:25:19.0000000Z|3|04:14:52",
    );
}

#[test]
fn partition_legacy_subquery_reads_the_key() {
    // docs: partition-operator (legacy strategy with an explicit source: the key is read
    // by name inside the subquery)
    check(
        "let T = datatable(v:long)[1, 1, 2, 3];
         range x from 1 to 2 step 1 | partition hint.strategy=legacy by x {T | where x == v} | count",
        "Count:long\n3",
    );
    check(
        "datatable(k:string, v:long)['a', 1, 'a', 2, 'b', 5]
         | partition by k (extend tot = toscalar(k)) | sort by v asc",
        "k:string|v:long|tot:string
         a|1|a
         a|2|a
         b|5|b",
    );
}

#[test]
fn a_function_without_arguments_is_called_by_its_name() {
    // docs: named-expressions (`let x = () {…}; print x`), with a deterministic body
    check(
        "let x = () { 2 * 21 }; let y = () { toscalar(print 7) }; print x, y",
        "print_0:long|print_1:long\n42|7",
    );
}

#[test]
fn make_series_bounds_may_be_computed() {
    // docs: make-series-operator (bins from `from` to `to`, empty bins get the default);
    // the bounds here are computed from now() (2025-06-01), as `ago(…)` hunts do.
    check(
        "datatable(t:datetime, v:long)[datetime(2025-05-30), 1, datetime(2025-05-31), 2]
         | make-series s = sum(v) default = 0 on t from ago(3d) to now() step 1d",
        r#"s:dynamic|t:dynamic
           [0,1,2]|["2025-05-29T00:00:00.0000000Z","2025-05-30T00:00:00.0000000Z","2025-05-31T00:00:00.0000000Z"]"#,
    );
}

#[test]
fn user_function_arguments_may_be_named() {
    // docs: assert-function (`checkLength(len=3, input)`: a named argument, then one in
    // the second position); Kusto's binder gives a named argument the parameter of its
    // name and any other the parameter at its own position.
    check(
        r#"let checkLength = (len:long, s:string) { assert(len > 0, "Length must be greater than zero") and strlen(s) > len };
           datatable(input:string) ['123', '4567'] | where checkLength(len=3, input)"#,
        "input:string\n4567",
    );
    check(
        "let f = (a:long, b:long = 10) { a - b }; print x = f(b = 1, a = 5), y = f(a = 5)",
        "x:long|y:long\n4|-5",
    );
    // An unknown name, and a parameter given twice, are errors.
    fails("let f = (a:long) { a }; print f(z = 1)");
    fails("let f = (a:long, b:long) { a + b }; print f(1, a = 2)");
}

#[test]
fn recursive_functions_are_refused() {
    // docs: user-defined-functions (recursion is not allowed)
    fails("let f = () { f }; print f");
    fails("let f = (x:long) { f(x) }; print f(1)");
    fails("let t = () { t | take 1 }; t");
}

#[test]
fn materialize_reads_the_same_rows_at_every_reference() {
    // docs: sample-operator ("materialize … the same sample" in both union legs)
    let out = run("let _data = range x from 1 to 100 step 1;
         let _sample = materialize(_data | sample 1);
         union (_sample), (_sample) | summarize dcount(x), count()");
    assert_eq!(out, "dcount_x:long|count_:long\n1|2");
}
