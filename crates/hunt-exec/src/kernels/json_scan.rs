//! Reading JSON text without building a tree: where the elements of an array and the
//! value of a bag's member lie in the text, straight from the bytes of a dynamic column.
//!
//! hunt stores dynamic values as JSON text and used to parse a whole `serde_json::Value`
//! per row for every `mv-expand`, `d.x` and `parse_json`, only to write most of it back
//! as the same text. A scan over the bytes finds the spans instead; a span whose text is
//! already what hunt would store (see [`json_text`](super::json_text)) is copied as it is.
//!
//! The scan is conservative: it answers only when it is sure serde_json (which defines
//! what hunt reads as JSON) would read the text the same way. Anything it does not follow
//! — `\u` escapes (serde_json checks surrogate pairs), exponents and very long numbers
//! (serde_json refuses those out of `f64` range), nesting deeper than [`MAX_DEPTH`], keys
//! with escapes, text that is not JSON — gives `None`, and the caller parses as before.
//! Malformed JSON therefore keeps exactly the old behaviour.

use std::borrow::Cow;
use std::ops::Range;

/// Nesting the scan follows (serde_json's own limit is 128).
pub const MAX_DEPTH: u32 = 100;

/// Integer digits the scan accepts in a number (an `f64` holds up to ~309).
const MAX_DIGITS: usize = 300;

/// The first index from `i` that is not JSON whitespace.
fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end (past the closing quote) of the string starting at `b[i] == '"'`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => match *b.get(j + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j += 2,
                // `\u` (surrogates) is serde_json's to judge; anything else is not JSON.
                _ => return None,
            },
            // serde_json refuses raw control characters in strings.
            c if c < 0x20 => return None,
            _ => j += 1,
        }
    }
}

/// The end of the number starting at `b[i]` (`-` or a digit): integers and decimals;
/// exponents and very long numbers are left to serde_json.
fn number_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    if b[j] == b'-' {
        j += 1;
    }
    let digits = j;
    match b.get(j) {
        Some(b'0') => j += 1,
        Some(b'1'..=b'9') => {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
        }
        _ => return None,
    }
    if j - digits > MAX_DIGITS {
        return None;
    }
    if b.get(j) == Some(&b'.') {
        j += 1;
        let frac = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == frac {
            return None;
        }
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        return None;
    }
    Some(j)
}

/// The end of the key string at `i` and of the `:` after it, with the value's start.
fn key_then_colon(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let end = string_end(b, i)?;
    let c = ws(b, end);
    if b.get(c) != Some(&b':') {
        return None;
    }
    Some((end, ws(b, c + 1)))
}

/// The end of the JSON value starting at `b[i]` (no whitespace before it), when the scan
/// is sure serde_json reads it as JSON; `None` otherwise (see the module docs).
pub fn value_end(b: &[u8], i: usize) -> Option<usize> {
    // Open containers as bits (1 = bag), innermost lowest; `depth` of them.
    let mut bags: u128 = 0;
    let mut depth: u32 = 0;
    let mut i = i;
    loop {
        // A value starts at `i`.
        match *b.get(i)? {
            c @ (b'{' | b'[') => {
                let j = ws(b, i + 1);
                let close = if c == b'{' { b'}' } else { b']' };
                if b.get(j) == Some(&close) {
                    i = j + 1;
                } else {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return None;
                    }
                    bags = (bags << 1) | u128::from(c == b'{');
                    i = if c == b'{' {
                        key_then_colon(b, j)?.1
                    } else {
                        j
                    };
                    continue;
                }
            }
            b'"' => i = string_end(b, i)?,
            b'-' | b'0'..=b'9' => i = number_end(b, i)?,
            c @ (b't' | b'f' | b'n') => {
                let lit: &[u8] = match c {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                if !b[i..].starts_with(lit) {
                    return None;
                }
                i += lit.len();
            }
            _ => return None,
        }
        // A value ended at `i`: close containers until one continues.
        loop {
            if depth == 0 {
                return Some(i);
            }
            let in_bag = bags & 1 == 1;
            let j = ws(b, i);
            match b.get(j) {
                Some(b',') => {
                    let k = ws(b, j + 1);
                    i = if in_bag { key_then_colon(b, k)?.1 } else { k };
                    break;
                }
                Some(b'}') if in_bag => {}
                Some(b']') if !in_bag => {}
                _ => return None,
            }
            bags >>= 1;
            depth -= 1;
            i = j + 1;
        }
    }
}

/// The span of the one JSON value `text` holds (whitespace around it allowed), when the
/// scan is sure it is JSON.
pub fn document(text: &str) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let start = ws(b, 0);
    let end = value_end(b, start)?;
    (ws(b, end) == b.len()).then_some(start..end)
}

/// The spans of the elements of the JSON array `text`, into `out` (cleared first):
/// `Some(true)` for an array, `Some(false)` for JSON that is not an array, `None` when
/// the scan cannot tell (then parse).
///
/// ```
/// use hunt_exec::kernels::json_scan::array_elements;
/// let mut out = Vec::new();
/// let t = r#" [1, "a,b" ,{"c":[2]}] "#;
/// assert_eq!(array_elements(t, &mut out), Some(true));
/// let els: Vec<&str> = out.iter().map(|r| &t[r.clone()]).collect();
/// assert_eq!(els, ["1", "\"a,b\"", "{\"c\":[2]}"]);
/// assert_eq!(array_elements("{}", &mut out), Some(false));
/// assert_eq!(array_elements("[1,", &mut out), None);
/// ```
pub fn array_elements(text: &str, out: &mut Vec<Range<usize>>) -> Option<bool> {
    out.clear();
    let b = text.as_bytes();
    let start = ws(b, 0);
    if b.get(start) != Some(&b'[') {
        return document(text).map(|_| false);
    }
    let mut i = ws(b, start + 1);
    if b.get(i) != Some(&b']') {
        loop {
            let end = value_end(b, i)?;
            out.push(i..end);
            let j = ws(b, end);
            match b.get(j) {
                Some(b',') => i = ws(b, j + 1),
                Some(b']') => {
                    i = j;
                    break;
                }
                _ => return None,
            }
        }
    }
    (ws(b, i + 1) == b.len()).then_some(true)
}

/// The span of the value of member `key` of the JSON bag `text`: `Some(None)` when the
/// text is JSON but not a bag or has no such member, `None` when the scan cannot tell.
/// A key given twice is the last one's value, as serde_json reads it.
///
/// ```
/// use hunt_exec::kernels::json_scan::member;
/// let t = r#"{"a":1, "b" : {"c":"x"}}"#;
/// assert_eq!(member(t, "b").flatten().map(|r| &t[r]), Some(r#"{"c":"x"}"#));
/// assert_eq!(member(t, "z"), Some(None));
/// assert_eq!(member("[1]", "a"), Some(None));
/// assert_eq!(member("{\"a\":", "a"), None);
/// ```
pub fn member(text: &str, key: &str) -> Option<Option<Range<usize>>> {
    let b = text.as_bytes();
    let start = ws(b, 0);
    if b.get(start) != Some(&b'{') {
        return document(text).map(|_| None);
    }
    let mut i = ws(b, start + 1);
    let mut found = None;
    if b.get(i) != Some(&b'}') {
        loop {
            let (key_end, value) = key_then_colon(b, i)?;
            let name = &b[i + 1..key_end - 1];
            // A key with escapes would need decoding to compare.
            if name.contains(&b'\\') {
                return None;
            }
            let end = value_end(b, value)?;
            if name == key.as_bytes() {
                found = Some(value..end);
            }
            let j = ws(b, end);
            match b.get(j) {
                Some(b',') => i = ws(b, j + 1),
                Some(b'}') => {
                    i = j;
                    break;
                }
                _ => return None,
            }
        }
    }
    (ws(b, i + 1) == b.len()).then_some(found)
}

/// The text hunt stores for the JSON value `span` (which the scan accepted): the span
/// itself when it is already compact JSON, else serde_json's rewrite of it; `Some(None)`
/// for JSON null (a null dynamic), `None` if serde_json disagrees (then parse the whole).
/// `keys` is scratch space, reused between calls.
pub fn stored_text<'a>(
    span: &'a str,
    keys: &mut Vec<(usize, usize)>,
) -> Option<Option<Cow<'a, str>>> {
    if span == "null" {
        return Some(None);
    }
    if super::json_text::same_if_json(span.as_bytes(), keys) {
        return Some(Some(Cow::Borrowed(span)));
    }
    match serde_json::from_str::<serde_json::Value>(span).ok()? {
        serde_json::Value::Null => Some(None),
        v => Some(Some(Cow::Owned(v.to_string()))),
    }
}

/// `parse_json(text)` as stored text without a tree when the text is compact JSON
/// already: `Some(None)` for JSON null, `None` when it takes a parse.
pub fn parse_json_text<'a>(
    text: &'a str,
    keys: &mut Vec<(usize, usize)>,
) -> Option<Option<&'a str>> {
    let span = document(text)?;
    if span.start != 0 || span.end != text.len() {
        return None;
    }
    if text == "null" {
        return Some(None);
    }
    super::json_text::same_if_json(text.as_bytes(), keys).then_some(Some(text))
}

#[cfg(test)]
#[path = "json_scan_tests.rs"]
mod tests;
