//! Planning stays small and linear, and runaway queries stop with an error naming the
//! limit: doubling `let`s, long `let` chains and pipelines, per-row regular expressions,
//! oversized values.

use hunt::{DiagnosticKind, Engine};

fn engine() -> Engine {
    let mut e = Engine::new();
    e.set_now(1_748_736_000_000_000_000);
    e
}

/// The single value of a one-cell answer, as text.
fn cell(q: &str) -> Result<String, hunt::Diagnostic> {
    let r = engine().query(q).map_err(|e| e.diagnostic())?;
    let b = r.batches.first().unwrap_or_else(|| panic!("no rows: {q}"));
    let last = b.num_columns() - 1;
    Ok(hunt::format::cell_text(
        b.column(last),
        0,
        r.schema.fields[last].ty,
    ))
}

#[test]
fn doubling_lets_stay_small() {
    // 26 lets, each twice the previous: 2^25 copies if expressions were copied per use.
    let mut q = String::from("let a = 1;");
    let names: Vec<char> = ('a'..='z').collect();
    for w in names.windows(2) {
        q.push_str(&format!("let {} = {} + {};", w[1], w[0], w[0]));
    }
    q.push_str("print z");
    assert_eq!(cell(&q), Ok((1i64 << 25).to_string()));
}

#[test]
fn ten_thousand_chained_lets_plan() {
    let mut q = String::from("let x0 = 0;");
    for i in 1..10_000 {
        q.push_str(&format!("let x{i} = x{} + 1;", i - 1));
    }
    q.push_str("print x9999");
    assert_eq!(cell(&q), Ok("9999".to_string()));
}

#[test]
fn eight_thousand_extends_plan_or_hit_the_documented_limit() {
    let mut q = String::from("print a = 0");
    for _ in 0..8_000 {
        q.push_str(" | extend a = a + 1");
    }
    let d = cell(&q).err().unwrap_or_else(|| panic!("8000 extends ran"));
    assert_eq!(d.kind, DiagnosticKind::Limit, "{d:?}");
    assert!(d.message.contains("8000 operators"), "{d:?}");
    // At the limit the plan runs (and does not overflow the stack of a test thread).
    let mut q = String::from("print a = 0");
    for _ in 0..500 {
        q.push_str(" | extend a = a + 1");
    }
    assert_eq!(cell(&q), Ok("500".to_string()));
}

#[test]
fn a_chain_of_tabular_lets_hits_the_plan_limit() {
    let mut q = String::from("let t0 = print a = 0;");
    for i in 1..700 {
        q.push_str(&format!("let t{i} = t{} | extend a = a + 1;", i - 1));
    }
    q.push_str("t699");
    let d = cell(&q)
        .err()
        .unwrap_or_else(|| panic!("700 nested lets ran"));
    assert_eq!(d.kind, DiagnosticKind::Limit, "{d:?}");
}

#[test]
fn per_row_regex_is_a_user_error_with_a_caret() {
    let q = "datatable(s:string, p:string)['abc', 'a.c', 'abc', 'a(c'] | where s matches regex p";
    let d = cell(q)
        .err()
        .unwrap_or_else(|| panic!("an invalid regex ran"));
    assert_eq!(d.kind, DiagnosticKind::Invalid, "{d:?}");
    assert!(
        d.message.contains("invalid regular expression `a(c`"),
        "{d:?}"
    );
    let span = d.span.clone().unwrap_or_else(|| panic!("no caret: {d:?}"));
    assert_eq!(&q[span], "s matches regex p");
}

#[test]
fn nested_strrep_is_refused_before_it_allocates() {
    let d = cell(r#"print strrep(strrep(strrep("abcdefgh", 1024), 1024), 1024)"#)
        .err()
        .unwrap_or_else(|| panic!("an 8 GB string was built"));
    assert_eq!(d.kind, DiagnosticKind::Limit, "{d:?}");
    assert!(d.message.contains("`strrep`"), "{d:?}");
    assert!(d.message.contains("64 MB"), "{d:?}");
    // Within the limit it answers (8 MB).
    assert_eq!(
        cell(r#"print strlen(strrep(strrep("abcdefgh", 1024), 1024))"#),
        Ok((8 * 1024 * 1024).to_string())
    );
}

#[test]
fn a_result_past_the_memory_limit_stops_with_a_limit_error() {
    let mut e = engine();
    e.set_memory_limit(1 << 20);
    let q = "range x from 1 to 1000000 step 1 | extend s = strcat('row-', x)";
    let d = e
        .query(q)
        .err()
        .map(|e| e.diagnostic())
        .unwrap_or_else(|| panic!("no limit"));
    assert_eq!(d.kind, DiagnosticKind::Limit, "{d:?}");
    assert!(d.message.contains("memory limit of 1.0 MiB"), "{d:?}");
    assert!(d.message.contains("--memory-limit"), "{d:?}");
    // The same query under the default limit answers, in batches.
    let r = engine()
        .query(q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    assert_eq!(r.num_rows(), 1_000_000);
    assert!(r.batches.len() > 1);
}

#[test]
fn range_past_its_row_limit_names_it() {
    let d = cell("range x from 1 to 20000000 step 1 | count")
        .err()
        .unwrap_or_else(|| panic!("20M rows ran"));
    assert_eq!(d.kind, DiagnosticKind::Limit, "{d:?}");
    assert!(d.message.contains("10000000 rows"), "{d:?}");
}

#[test]
fn mv_apply_streams_its_output_within_a_small_limit() {
    // 100 records of 20,000 elements: 2M rows, about 45 MB of output in all. mv-apply
    // hands them on as it makes them, so `count` answers under a 16 MiB limit (it held a
    // whole input batch's output before and stopped at the limit).
    let mut e = engine();
    e.set_memory_limit(16 << 20);
    let q = "range x from 1 to 100 step 1 \
             | extend a = range(1, 20000, 1) \
             | mv-apply a to typeof(long) on (extend s = strcat('v', a)) \
             | count";
    let r = e
        .query(q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    assert_eq!(
        hunt::format::cell_text(b.column(0), 0, r.schema.fields[0].ty),
        "2000000"
    );
}

#[test]
fn large_computed_values_are_made_a_slice_at_a_time() {
    // Each row's array is ~110 KB of text: 2,000 rows are ~220 MB as one batch. Projection
    // cuts the input into slices whose computed columns stay near 16 MiB.
    let q = "range x from 1 to 2000 step 1 | extend a = range(x, x + 19999, 1)";
    let r = engine()
        .query(q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    assert_eq!(r.num_rows(), 2000);
    assert!(r.batches.len() >= 8, "{} batches", r.batches.len());
    for b in &r.batches {
        let bytes = b.column(1).get_array_memory_size();
        assert!(bytes < 40 << 20, "a batch of {bytes} bytes");
    }
    // Sliced or not, the answer is the same.
    let q = "range x from 1 to 2000 step 1 \
             | extend a = range(x, x + 19999, 1) \
             | summarize n = sum(array_length(a)), m = max(tolong(a[19999]) - x)";
    let r = engine()
        .query(q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    let text = |c: usize| hunt::format::cell_text(b.column(c), 0, r.schema.fields[c].ty);
    assert_eq!(text(0), "40000000");
    assert_eq!(text(1), "19999");
}

#[test]
fn window_functions_stream_within_a_small_limit() {
    // 3M rows (over 360 batches) under a 16 MiB limit: the windows carry their state from
    // batch to batch (holding the input whole took ~48 MB, past the limit). Each figure is
    // arithmetic on 1..3,000,000: numbers restart every 10,000 rows; `prev(x, 3)` is
    // x - 3 from the fourth row; the running sum ends at n(n+1)/2; x / 1000 takes 3,001
    // values, so the dense rank ends at 3,001 and the rank at the first row of the last
    // value, 3,000,000.
    let mut e = engine();
    e.set_memory_limit(16 << 20);
    let q = "range x from 1 to 3000000 step 1 \
             | serialize rn = row_number(1, x % 10000 == 1), p = prev(x, 3), \
               c = row_cumsum(x), d = row_rank_dense(x / 1000), m = row_rank_min(x / 1000) \
             | summarize max(rn), countif(p == x - 3), countif(isnull(p)), max(c), max(d), \
               max(m)";
    let r = e
        .query(q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    let got: Vec<String> = (0..b.num_columns())
        .map(|c| hunt::format::cell_text(b.column(c), 0, r.schema.fields[c].ty))
        .collect();
    assert_eq!(
        got,
        ["10000", "2999997", "3", "4500001500000", "3001", "3000000"]
    );
}

#[test]
fn a_large_value_repeated_on_expanded_rows_stays_within_arrow_offsets() {
    // `a` (~6.9 MB of text) is repeated on each of b's 2,000,000 rows: 14 TB as one batch,
    // past Arrow's 2 GiB offsets (an "Offset overflow" error before). Expansion chunks stop
    // near 16 MiB of repeated values, so `take` answers from the first chunk.
    let q = "print a = range(1, 1000000, 1) | extend b = array_concat(a, a) \
             | mv-expand b to typeof(long) | take 2 | project b, n = array_length(a)";
    let r = engine()
        .query(q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    assert_eq!(r.num_rows(), 2);
    let b = &r.batches[0];
    let text =
        |c: usize, row: usize| hunt::format::cell_text(b.column(c), row, r.schema.fields[c].ty);
    assert_eq!([text(0, 0), text(0, 1)], ["1", "2"]);
    assert_eq!(text(1, 1), "1000000");
    // In mv-apply, the record's expansion is reserved chunk by chunk: the limit stops it.
    let mut e = engine();
    e.set_memory_limit(64 << 20);
    let q = "print a = range(1, 1000000, 1) | extend b = array_concat(a, a) \
             | mv-apply b to typeof(long) on (take 1) | count";
    let d = e
        .query(q)
        .err()
        .map(|e| e.diagnostic())
        .unwrap_or_else(|| panic!("ran: {q}"));
    assert_eq!(d.kind, DiagnosticKind::Limit, "{d:?}");
    assert!(d.message.contains("mv-apply"), "{d:?}");
}

#[test]
fn a_string_keyed_summarize_spills_before_its_limit() {
    // 1,000,000 distinct string keys under 16 MiB: the groups pass the spill threshold
    // (half the limit) and the aggregate partitions to disk. The threshold must see the
    // string-key index its reservation counts, or the limit came first (it did).
    let mut e = engine();
    e.set_memory_limit(16 << 20);
    let q = "range x from 1 to 1000000 step 1 | summarize c = count() by k = tostring(x) \
             | summarize n = count(), s = sum(c)";
    let r = e
        .query(q)
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostic()));
    let b = &r.batches[0];
    let text = |c: usize| hunt::format::cell_text(b.column(c), 0, r.schema.fields[c].ty);
    assert_eq!([text(0), text(1)], ["1000000", "1000000"]);
}
