//! Runaway queries stop early or with a limit error: a join that multiplies rows is cut by
//! the `take` above it and by the query memory limit, `let`s that double a table or a
//! string are refused at their documented limit.

use arrow::array::{Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use hunt::{DiagnosticKind, Engine};
use std::sync::Arc;

fn engine() -> Engine {
    let mut e = Engine::new();
    e.set_now(1_748_736_000_000_000_000);
    e
}

/// An engine with table `T(K, i)` of `n` rows in Parquet (so the join's left side is a scan
/// probed unit by unit), every row with the same key `K = 1`.
fn one_key_table(n: i64) -> Engine {
    let mut e = engine();
    let schema = Arc::new(Schema::new(vec![
        Field::new("K", DataType::Int64, true),
        Field::new("i", DataType::Int64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(vec![1i64; n as usize])),
            Arc::new(Int64Array::from_iter_values(0..n)),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    e.register_batches("T", schema, &[batch])
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    e
}

fn limit_error(e: &Engine, q: &str) -> hunt::Diagnostic {
    let d = e
        .query(q)
        .err()
        .map(|e| e.diagnostic())
        .unwrap_or_else(|| panic!("ran: {q}"));
    assert_eq!(d.kind, DiagnosticKind::Limit, "{d:?}");
    d
}

#[test]
fn take_stops_a_join_that_explodes() {
    // 50,000 × 50,000 = 2.5 billion rows share one key: only the first chunk is made.
    let e = one_key_table(50_000);
    for q in [
        "T | join kind=inner (T) on K | take 5",
        "T | join kind=leftouter (T) on K | extend j = i + i1 | take 5",
        "T | join kind=fullouter (T) on K | take 5",
        "T | join kind=inner (T) on K | where i1 >= 0 | take 5",
    ] {
        let r = e
            .query(q)
            .unwrap_or_else(|e| panic!("{q}: {:?}", e.diagnostic()));
        assert_eq!(r.num_rows(), 5, "{q}");
    }
    // The same over a `range` (no scan below the join).
    let r = engine()
        .query(
            "let R = range i from 1 to 50000 step 1 | extend K = 1; \
             R | join kind=inner (R) on K | take 3",
        )
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    assert_eq!(r.num_rows(), 3);
}

#[test]
fn a_join_chunked_inside_a_wide_key_gives_every_row() {
    // 300 × 300 = 90,000 rows of one key: cut across chunks of 8,192 rows, none lost or
    // repeated (each (i, i1) pair once: the sum of i + i1 over all pairs is 2·300·Σi).
    let e = one_key_table(300);
    let r = e
        .query("T | join kind=inner (T) on K | summarize n = count(), s = sum(i + i1), d = dcount(strcat(i, '-', i1))")
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    let col = |c: usize| hunt::format::cell_text(b.column(c), 0, r.schema.fields[c].ty);
    assert_eq!(col(0), "90000");
    assert_eq!(col(1), (2 * 300 * (299 * 300 / 2)).to_string());
    // dcount is an estimate in Kusto; at 90,000 it stays within 2 %.
    let d: f64 = col(2).parse().unwrap_or(0.0);
    assert!((d - 90_000.0).abs() < 1_800.0, "{d}");
}

#[test]
fn a_join_past_the_memory_limit_fails_with_the_limit() {
    let mut e = one_key_table(20_000);
    e.set_memory_limit(64 << 20);
    let d = limit_error(&e, "T | join kind=inner (T) on K");
    assert!(d.message.contains("memory limit of 64.0 MiB"), "{d:?}");
    assert!(d.message.contains("--memory-limit"), "{d:?}");
}

#[test]
fn tabular_lets_that_double_hit_the_plan_size_limit() {
    let mut q = String::from("let t0 = range x from 1 to 2 step 1;");
    for i in 1..=26 {
        q.push_str(&format!("let t{i} = union t{}, t{};", i - 1, i - 1));
    }
    q.push_str("t26 | count");
    let d = limit_error(&engine(), &q);
    assert!(d.message.contains("10000 operators"), "{d:?}");
    // Below the limit the same shape answers: 2^8 copies of 2 rows.
    let mut q = String::from("let t0 = range x from 1 to 2 step 1;");
    for i in 1..=8 {
        q.push_str(&format!("let t{i} = union t{}, t{};", i - 1, i - 1));
    }
    q.push_str("t8 | count");
    let r = engine()
        .query(&q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    assert_eq!(
        hunt::format::cell_text(b.column(0), 0, r.schema.fields[0].ty),
        "512"
    );
}

#[test]
fn string_lets_that_double_stop_at_the_value_limit() {
    // 26 doublings of 'ab' would be a 128 MiB string; Kusto's values stop at 64 MB.
    let mut q = String::from("let s0 = 'ab';");
    for i in 1..=26 {
        q.push_str(&format!("let s{i} = strcat(s{}, s{});", i - 1, i - 1));
    }
    q.push_str("print strlen(s26)");
    let d = limit_error(&engine(), &q);
    assert!(d.message.contains("64 MB"), "{d:?}");
    // Refused where the `let` that passes the limit is bound, not kept as an expression
    // to fail again (twice as large) where it is used.
    let at = q.find("strcat(s25, s25)").unwrap_or(0);
    assert_eq!(d.span.as_ref().map(|s| s.start), Some(at), "{d:?}");
    // 20 doublings (2 MiB) answer.
    let mut q = String::from("let s0 = 'ab';");
    for i in 1..=20 {
        q.push_str(&format!("let s{i} = strcat(s{}, s{});", i - 1, i - 1));
    }
    q.push_str("print strlen(s20)");
    let r = engine()
        .query(&q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    assert_eq!(
        hunt::format::cell_text(b.column(0), 0, r.schema.fields[0].ty),
        (2i64 << 20).to_string()
    );
}

#[test]
fn take_stops_an_mv_expand_that_explodes() {
    // 100 rows of 100,000 elements: 10 million rows if expanded whole.
    let r = engine()
        .query(
            "range x from 1 to 100 step 1 | extend a = range(1, 100000, 1) \
             | mv-expand a to typeof(long) | take 5",
        )
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    assert_eq!(r.num_rows(), 5);
    let b = &r.batches[0];
    let a = r.schema.index_of("a").unwrap_or(1);
    let firsts: Vec<String> = (0..5)
        .map(|i| hunt::format::cell_text(b.column(a), i, r.schema.fields[a].ty))
        .collect();
    assert_eq!(firsts, ["1", "2", "3", "4", "5"]);
}

#[test]
fn an_mv_expand_cut_across_chunks_gives_every_element_once_in_order() {
    // 20,000 elements of one value fill three chunks of 8,192 rows.
    let r = engine()
        .query(
            "print a = range(0, 19999, 1) | mv-expand with_itemindex=i a to typeof(long) \
             | summarize n = count(), s = sum(a), off = countif(a != i)",
        )
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    let col = |c: usize| hunt::format::cell_text(b.column(c), 0, r.schema.fields[c].ty);
    assert_eq!(
        [col(0), col(1), col(2)],
        [
            "20000".to_string(),
            (19_999i64 * 20_000 / 2).to_string(),
            "0".to_string()
        ]
    );
}

/// The limit error of `q` under a 16 MiB memory limit.
fn limit_error_at_16_mib(q: &str) -> hunt::Diagnostic {
    let mut e = engine();
    e.set_memory_limit(16 << 20);
    let d = limit_error(&e, q);
    assert!(d.message.contains("memory limit of 16.0 MiB"), "{d:?}");
    assert!(d.message.contains("--memory-limit"), "{d:?}");
    d
}

#[test]
fn operators_that_hold_rows_stop_at_the_memory_limit() {
    // Each answer is one row: only what the operator holds can pass the limit. (The
    // lists are read after the summarize, or the optimizer would not compute them.)
    // Lists grouped by a key spill past the spill threshold (half the limit) instead,
    // and answer: four groups of 250,000 values.
    let mut e = engine();
    e.set_memory_limit(16 << 20);
    let r = e
        .query(
            "range x from 1 to 1000000 step 1 \
             | summarize l = make_list(strcat('value-', x)) by k = x % 4 \
             | summarize n = sum(array_length(l))",
        )
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    assert_eq!(
        hunt::format::cell_text(r.batches[0].column(0), 0, hunt::KqlType::Long),
        "1000000"
    );
    // One list of a million values cannot spill: the limit stops it.
    let d = limit_error_at_16_mib(
        "range x from 1 to 1000000 step 1 \
         | summarize l = make_list(strcat('value-', x)) \
         | project array_length(l)",
    );
    assert!(d.message.contains("make_list"), "{d:?}");
    let d = limit_error_at_16_mib(
        "range x from 1 to 1000000 step 1 \
         | summarize s = make_set(strcat('value-', x)) | project array_length(s)",
    );
    assert!(d.message.contains("make_set"), "{d:?}");
    // A join's right side past the spill threshold is joined partition by partition from
    // disk; the sort spills and the window functions above it stream: both answer.
    let one = |q: &str| {
        let r = e
            .query(q)
            .unwrap_or_else(|err| panic!("{q}: {:?}", err.diagnostic()));
        assert_eq!(r.num_rows(), 1, "{q}");
        let last = r.schema.fields.len() - 1;
        hunt::format::cell_text(r.batches[0].column(last), 0, r.schema.fields[last].ty)
    };
    assert_eq!(
        one("range x from 1 to 10 step 1 \
             | join kind=inner (range x from 1 to 2000000 step 1 | extend s = strcat('value-', x)) on x \
             | count"),
        "10"
    );
    // `order by` is descending unless asked: as strings, `value-999999` comes first.
    assert_eq!(
        one(
            "range x from 1 to 2000000 step 1 | extend s = strcat('value-', x) | order by s \
             | serialize n = row_number() | where n == 1 | project s"
        ),
        "value-999999"
    );
    // The same shapes within the limit answer.
    let mut e = engine();
    e.set_memory_limit(16 << 20);
    let r = e
        .query(
            "range x from 1 to 1000 step 1 \
             | summarize l = make_list(x) by k = x % 4 \
             | join kind=inner (range k from 0 to 3 step 1) on k | order by k | count",
        )
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    assert_eq!(
        hunt::format::cell_text(b.column(0), 0, r.schema.fields[0].ty),
        "4"
    );
}

#[test]
fn a_range_is_made_batch_by_batch_within_the_limit() {
    // 4 million longs would be 32 MB held at once; a lazy `range` holds one batch, so
    // counting, summing and filtering it answer under a 16 MiB limit.
    let mut e = engine();
    e.set_memory_limit(16 << 20);
    let r = e
        .query(
            "range x from 1 to 4000000 step 1 \
             | summarize n = count(), s = sum(x), big = countif(x > 3999998)",
        )
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    let col = |c: usize| hunt::format::cell_text(b.column(c), 0, r.schema.fields[c].ty);
    assert_eq!(
        [col(0), col(1), col(2)],
        [
            "4000000".to_string(),
            (4_000_000i64 * 4_000_001 / 2).to_string(),
            "2".to_string()
        ]
    );
    // Kept rows still count: `make_list` of 10 million strings stops at the limit.
    let d = limit_error_at_16_mib(
        "range x from 1 to 10000000 step 1 | summarize make_list(tostring(x))",
    );
    assert!(d.message.contains("make_list"), "{d:?}");
}

#[test]
fn every_operator_that_holds_state_stops_at_the_memory_limit() {
    // Each query holds far more than 16 MiB in one operator's state, and answers a
    // handful of rows: only the operator's own reservation can stop it.
    for (q, what) in [
        // (2 million group keys spill instead: `spill.rs` tests them.)
        // dcount's distinct values and percentile's kept values.
        (
            "range x from 1 to 3000000 step 1 | summarize d = dcount(x) | project d",
            "summarize",
        ),
        (
            "range x from 1 to 1000000 step 1 | summarize p = percentile(x, 50)",
            "summarize",
        ),
        // (Window functions stream, `next` included, and `mv-apply` hands its rows on as it
        // makes them: `limits.rs` tests them over millions of rows under 16 MiB; the series
        // of `make-series` are made a few at a time: see below.)
        (
            "range x from 1 to 300000 step 1 | extend s = strcat('n', x), t = strcat('n', x + 1) \
             | make-graph s --> t | graph-to-table edges | count",
            "make-graph",
        ),
        // One record of 2,000,000 elements: its expansion alone passes the limit.
        (
            "print a = range(1, 1000000, 1) | extend b = array_concat(a, a) \
             | mv-apply b to typeof(long) on (extend s = strcat('value-', b)) | count",
            "mv-apply",
        ),
    ] {
        let d = limit_error_at_16_mib(q);
        assert!(d.message.contains(what), "{q}: {d:?}");
    }
    // The same shapes, small, answer within the limit.
    let mut e = engine();
    e.set_memory_limit(16 << 20);
    for (q, want) in [
        (
            "range x from 1 to 1000 step 1 | summarize c = count() by k = strcat('key-', x % 7) \
             | summarize sum(c)",
            "1000",
        ),
        (
            "range x from 1 to 1000 step 1 | summarize d = dcount(x) | project d",
            "1000",
        ),
        (
            "range x from 1 to 999 step 1 | summarize p = percentile(x, 50)",
            "500",
        ),
        // A million rows, ten key tuples: top-nested holds the tuples, not the rows. The
        // largest sum is k = 0's (10 + 20 + … + 1,000,000).
        (
            "range x from 1 to 1000000 step 1 | top-nested 1 of k = x % 10 by s = sum(x) \
             | project k",
            "0",
        ),
        (
            "range x from 1 to 1000 step 1 | serialize n = row_number() | where x == 1000 \
             | project n",
            "1000",
        ),
        (
            "range x from 1 to 10 step 1 \
             | make-series c = count() default = 0 on x from 1 to 100 step 1 by k = x | count",
            "10",
        ),
        // A million key tuples: the summarize under `top-nested` and `top-nested` itself
        // keep them on disk past the spill threshold. The largest sum is x = 1,000,000's.
        (
            "range x from 1 to 1000000 step 1 | top-nested 1 of k = x by s = sum(x) | project k",
            "1000000",
        ),
        // `next` holds a batch, not its 2,000,000 rows.
        (
            "range x from 1 to 2000000 step 1 | extend s = strcat('value-', x) \
             | serialize n = next(x) | where x == 1 | project n",
            "2",
        ),
        // 1,000 series of 100,000 bins (about 200 MB of array text) are made and handed on
        // a few at a time.
        (
            "range x from 1 to 1000 step 1 \
             | make-series c = count() default = 0 on x from 1 to 100000 step 1 by k = x \
             | count",
            "1000",
        ),
        (
            "range x from 1 to 300 step 1 | extend s = strcat('n', x), t = strcat('n', x + 1) \
             | make-graph s --> t | graph-to-table edges | count",
            "300",
        ),
        (
            "range x from 1 to 20 step 1 | extend a = range(1, 20, 1) \
             | mv-apply a to typeof(long) on (extend s = strcat('value-', a)) | count",
            "400",
        ),
    ] {
        let r = e
            .query(q)
            .unwrap_or_else(|e| panic!("{q}: {:?}", e.diagnostic()));
        let b = &r.batches[0];
        assert_eq!(
            hunt::format::cell_text(b.column(0), 0, r.schema.fields[0].ty),
            want,
            "{q}"
        );
    }
}

/// A list is one value: `make_list`/`make_set` past the 64 MB per-value limit are refused as
/// the list text grows (400,000 × 300 characters), for scalar items and for dynamic ones.
#[test]
fn a_list_past_the_value_limit_is_refused() {
    let e = engine();
    for (q, name) in [
        (
            "range x from 1 to 400000 step 1 | summarize l = make_list(strrep('y', 300)) \
             | project array_length(l)",
            "make_list",
        ),
        (
            "range x from 1 to 400000 step 1 \
             | summarize l = make_set(strcat(tostring(x), strrep('y', 300))) \
             | project array_length(l)",
            "make_set",
        ),
        (
            "range x from 1 to 400000 step 1 \
             | summarize l = make_list(bag_pack('a', strrep('y', 300))) | project array_length(l)",
            "make_list",
        ),
    ] {
        let d = limit_error(&e, q);
        assert!(d.message.contains(name), "{q}: {d:?}");
        assert!(d.message.contains("64 MB"), "{q}: {d:?}");
    }
}
