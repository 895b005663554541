//! Equivalence of the scan in `json_scan` with parsing: on tricky JSON text (escapes,
//! unicode, nesting, nulls, empty arrays, values that are not arrays or bags, whitespace,
//! `1.0` against `1`, big integers, malformed text) every answer the scan gives is what
//! parsing the whole text with serde_json, as hunt did before, gives.

use super::*;
use serde_json::Value;

/// Texts the tests run over.
const CASES: &[&str] = &[
    "",
    " ",
    "[]",
    "[ ]",
    " [ ] ",
    "{}",
    "{ }",
    "null",
    "[null]",
    "[null,1,null]",
    "true",
    "0",
    "-0",
    "[-0]",
    "[1.0]",
    "[1, 1.0, 1.50, -2.25]",
    "[1e3]",
    "[1E-2]",
    "[9223372036854775807]",
    "[9223372036854775808]",
    "[18446744073709551616]",
    "[123456789012345678901234567890]",
    "[007]",
    "[01]",
    "[1.]",
    "[.5]",
    "[-]",
    "[+1]",
    "\"abc\"",
    "\"a\\\"b\"",
    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t é\"",
    "\"{\\\"a\\\":1}\"",
    "[\"x\",\"y\"]",
    "[\"a,b\",\"c]d\",\"{e}\"]",
    "[\"\\\"\",\"\\\\\",\"\\/\",\"\\n\\t\\r\\b\\f\"]",
    "[\"\\u00e9\",\"é\"]",
    "[\"\\ud83d\\ude00\"]",
    "[\"\\ud800\"]",
    "[\"\\x\"]",
    "[\"tab\there\"]",
    "[\"ünïcödé ✓ 😀\"]",
    "[[1,2],[],[[3]],{}]",
    "[ [ 1 , 2 ] , { \"a\" : [ ] } ]",
    "\n[\t1\r\n]\n",
    "[{\"id\":\"x\",\"n\":3,\"c\":85}]",
    "[\"{\\\"SensitiveInfoTypeId\\\":\\\"abc\\\",\\\"Count\\\":3,\\\"Confidence\\\":85}\"]",
    "{\"SensitiveInfoTypeId\":\"abc\",\"Count\":3,\"Confidence\":85}",
    "{\"a\":1,\"a\":2}",
    "{\"a\":1,\"b\":{\"a\":2},\"a\":[3]}",
    "{\"b\":1,\"a\":2}",
    "{ \"a\" : 1.0 , \"b\" : null }",
    "{\"a\\\"\":1,\"a\":2}",
    "{\"\\u0061\":1}",
    "{\"a\":\"\\u0041\"}",
    "{\"\":5}",
    "{\"a\":{\"b\":{\"c\":[1,{\"d\":null}]}}}",
    "{\"RuleName\":\"r\",\"Severity\":\"High\",\"x\":[]}",
    "not json",
    "[1,",
    "[1,]",
    "[,1]",
    "[1 2]",
    "]",
    "[",
    "{\"a\"}",
    "{\"a\":}",
    "{\"a\":1,}",
    "{a:1}",
    "{\"a\":1}}",
    "[1]]",
    "[1] x",
    "[tru]",
    "[nul]",
    "[truex]",
    "\"unterminated",
    "[\"a\"\"b\"]",
    "[1e400]",
    "{\"a\":1,\"b\":1e400}",
    "[\"\\u001f\"]",
    "[\"a\\u0000b\"]",
    "[1]\n",
    "[{\"a\":1,\"b\":2,\"a\":3},{\"a\":{\"a\":1},\"b\":{\"a\":2}}]",
    "{\"x\":{\"a\":1,\"a\":2},\"a\":{\"b\":1}}",
    "[{},{\"a\":{}},{\"a\":[{}],\"b\":1}]",
    "[\"a\\/b\",\"\\b\\f\"]",
    "[-1,-0.0,0.5,100,1234567890123456789,-123456789012345678]",
    "[\"\u{7f}\"]",
];

/// Nested arrays deeper than the scan follows and than serde_json allows.
fn deep(n: usize) -> String {
    format!("{}1{}", "[".repeat(n), "]".repeat(n))
}

pub(crate) fn all_cases() -> Vec<String> {
    let mut v: Vec<String> = CASES.iter().map(|s| s.to_string()).collect();
    v.push(deep(99));
    v.push(deep(101));
    v.push(deep(102));
    v.push(deep(200));
    v.push(format!("[{}]", deep(127)));
    v
}

/// What hunt stores for a parsed value: null is a null dynamic.
fn stored(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

/// The stored text `stored_text` gives for a span, unwrapped; a span the scan calls
/// compact must be the text serde_json writes back.
fn span_text(span: &str, compact: bool) -> Option<String> {
    let fast = stored_text(span, compact)
        .expect("serde_json reads every span the scan accepts")
        .map(|c| c.into_owned());
    if compact {
        let parsed: Value = serde_json::from_str(span).expect("a compact span parses");
        assert_eq!(fast, stored(&parsed), "compact span {span:?}");
    }
    fast
}

#[test]
fn document_only_accepts_what_serde_json_reads() {
    for t in all_cases() {
        if document(&t, &mut Scratch::default()).is_some() {
            assert!(serde_json::from_str::<Value>(&t).is_ok(), "{t:?}");
        }
    }
}

#[test]
fn array_elements_agree_with_parsing() {
    let (mut spans, mut s) = (Vec::new(), Scratch::default());
    for t in all_cases() {
        let parsed = serde_json::from_str::<Value>(&t).ok();
        match (array_elements(&t, &mut spans, &mut s), &parsed) {
            (None, _) => {}
            (Some(true), Some(Value::Array(els))) => {
                let fast: Vec<Option<String>> = spans
                    .iter()
                    .map(|(r, c)| span_text(&t[r.clone()], *c))
                    .collect();
                let slow: Vec<Option<String>> = els.iter().map(stored).collect();
                assert_eq!(fast, slow, "{t:?}");
            }
            (Some(false), Some(v)) => assert!(!v.is_array(), "{t:?}"),
            (got, _) => panic!("{t:?}: scan says {got:?}, serde_json {parsed:?}"),
        }
    }
}

#[test]
fn members_agree_with_parsing() {
    let mut s = Scratch::default();
    for t in all_cases() {
        for key in [
            "a",
            "b",
            "Count",
            "SensitiveInfoTypeId",
            "RuleName",
            "",
            "z",
        ] {
            let Some(found) = member(&t, key, &mut s) else {
                continue;
            };
            let slow = match serde_json::from_str::<Value>(&t) {
                Ok(Value::Object(m)) => m.get(key).and_then(stored),
                Ok(_) => None,
                Err(e) => panic!("{t:?}: the scan read what serde_json refuses: {e}"),
            };
            let fast = found.and_then(|(r, c)| span_text(&t[r], c));
            assert_eq!(fast, slow, "{t:?} . {key}");
        }
    }
}

#[test]
fn parse_json_text_agrees_with_parse_text() {
    let mut s = Scratch::default();
    for t in all_cases() {
        if let Some(fast) = parse_json_text(&t, &mut s) {
            let slow = stored(&crate::kernels::json::parse_text(&t));
            assert_eq!(fast.map(str::to_string), slow, "{t:?}");
        }
    }
}

/// The shapes hunts expand and read take the scan, not a parse.
#[test]
fn common_shapes_take_the_scan() {
    let (mut spans, mut s) = (Vec::new(), Scratch::default());
    for t in [
        "[]",
        "[{\"RuleName\":\"r\",\"Severity\":\"High\"}]",
        "[\"{\\\"SensitiveInfoTypeId\\\":\\\"abc\\\",\\\"Count\\\":3}\"]",
        "[ 1, 2.5, \"x\", null, true ]",
    ] {
        assert_eq!(array_elements(t, &mut spans, &mut s), Some(true), "{t:?}");
        // Compact elements are copied, not parsed.
        assert!(spans.iter().all(|(_, c)| *c) || t.contains(' '), "{t:?}");
    }
    let bag = "{\"SensitiveInfoTypeId\":\"abc\",\"Count\":3,\"Confidence\":85}";
    assert_eq!(member(bag, "Count", &mut s), Some(Some((37..38, true))));
    assert_eq!(parse_json_text(bag, &mut s), Some(Some(bag)));
    // Not JSON, an exponent, a `\u` escape, deep nesting: serde_json decides.
    for t in ["[1,", "[1e3]", "[\"\\u0041\"]", deep(102).as_str()] {
        assert_eq!(array_elements(t, &mut spans, &mut s), None, "{t:?}");
    }
}

#[test]
fn string_contents_agree_with_parsing() {
    let mut buf = String::new();
    let mut strings = 0;
    for t in all_cases() {
        if let Some(fast) = string_contents(&t, &mut buf) {
            strings += 1;
            assert_eq!(
                fast,
                crate::kernels::text::dynamic_to_string_parsed(&t),
                "{t:?}"
            );
        }
    }
    assert!(strings >= 3, "the string cases take the decoding");
    for t in ["\"a\\u0041\"", "\"a\" ", "\"a", "\"\\q\""] {
        assert_eq!(string_contents(t, &mut buf), None, "{t:?}");
    }
}
