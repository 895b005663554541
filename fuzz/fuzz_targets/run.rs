//! Fuzz target for the whole engine: `cargo +nightly fuzz run run`.
//!
//! The input is the tail of a query over a small `datatable` (every scalar type, nulls,
//! empty strings, duplicates): `<datatable> | <input>`. Parsing, planning and running must
//! never panic; any outcome, rows or an error, is fine.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TABLE: &str = r#"datatable(b:bool, i:int, l:long, r:real, s:string, t:datetime, d:timespan, g:guid, y:dynamic)[
  true, 1, 10, 1.5, "alpha beta", datetime(2025-06-01), 1h, guid(00000000-0000-0000-0000-000000000001), dynamic({"a":[1,2],"b":"x"}),
  false, int(null), long(null), real(nan), "", datetime(null), timespan(null), guid(null), dynamic(null),
  true, -7, -9223372036854775807, -0.0, "ALPHA", datetime(1970-01-01), -1d, guid(00000000-0000-0000-0000-000000000002), dynamic([1,"two",null]),
  true, 1, 10, 1.5, "alpha beta", datetime(2025-06-01), 1h, guid(00000000-0000-0000-0000-000000000001), dynamic({"a":[1,2],"b":"x"})
]"#;

fuzz_target!(|data: &[u8]| {
    let Ok(tail) = std::str::from_utf8(data) else {
        return;
    };
    // Long inputs only slow the fuzzer down; planning and kernels see enough in 512 bytes.
    if tail.len() > 512 {
        return;
    }
    let query = format!("{TABLE} | {tail}");
    let mut engine = hunt::Engine::new();
    engine.set_now(1_748_736_000_000_000_000);
    let _ = engine.query(&query);
});
