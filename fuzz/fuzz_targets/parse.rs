//! Fuzz target for the KQL parser: `cargo +nightly fuzz run parse`.
//!
//! Checks, for any UTF-8 input: the parser does not panic or overflow the
//! stack; an error's span lies inside the input on char boundaries; and a
//! query that parses prints canonical text that re-parses and prints the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match hunt_syntax::parse(src) {
        Err(e) => {
            let (start, end) = (e.span.start as usize, e.span.end as usize);
            assert!(
                start <= end && end <= src.len(),
                "span {:?} outside {} bytes",
                e.span,
                src.len()
            );
            assert!(
                src.is_char_boundary(start) && src.is_char_boundary(end),
                "span {:?} splits a char",
                e.span
            );
            assert!(!e.message.is_empty(), "empty error message");
        }
        Ok(q) => {
            let printed = q.to_string();
            let again = match hunt_syntax::parse(&printed) {
                Ok(q2) => q2,
                Err(e) => {
                    panic!("print does not re-parse: {e:?}\ninput: {src:?}\nprint: {printed}")
                }
            };
            assert_eq!(
                again.to_string(),
                printed,
                "print is not stable for {src:?}"
            );
        }
    }
});
