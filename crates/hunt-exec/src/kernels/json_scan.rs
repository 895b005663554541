//! Reading JSON text without building a tree: where the elements of an array and the
//! value of a bag's member lie in the text, straight from the bytes of a dynamic column.
//!
//! hunt stores dynamic values as JSON text and used to parse a whole `serde_json::Value`
//! per row for every `mv-expand`, `d.x` and `parse_json`, only to write most of it back
//! as the same text. A scan over the bytes finds the spans instead, and tells in the same
//! pass whether a span is already the compact JSON hunt would store (the rules of
//! [`json_text`](super::json_text)): such a span is copied as it is, others are parsed.
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

/// Integer digits serde_json writes back as they are (an `i64`/`u64` for sure).
const COMPACT_DIGITS: usize = 18;

/// Bytes that end a run of plain string content: `"`, `\` and control characters.
pub(super) static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// A span of JSON text the scan accepted, and whether it is compact JSON as hunt stores
/// it (no whitespace between tokens, only the escapes serde_json writes, integers of at
/// most 18 digits and not `-0`, no key twice in one bag).
pub type Found = (Range<usize>, bool);

/// Scratch space of the scan (the keys of the open bags), reused between calls.
#[derive(Debug, Default)]
pub struct Scratch {
    keys: Vec<(usize, usize)>,
    bags: Vec<usize>,
    /// A bag's members, for [`member`].
    members: Vec<super::json_members::Member>,
}

/// The first index from `i` that is not JSON whitespace; any clears `compact`.
pub(super) fn ws(b: &[u8], mut i: usize, compact: &mut bool) -> usize {
    let from = i;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    if i != from {
        *compact = false;
    }
    i
}

/// The end (past the closing quote) of the string starting at `b[i] == '"'`.
fn string_end(b: &[u8], i: usize, compact: &mut bool) -> Option<usize> {
    let mut j = i + 1;
    loop {
        while j < b.len() && !STRING_STOP[b[j] as usize] {
            j += 1;
        }
        match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => {
                match *b.get(j + 1)? {
                    b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    // serde_json writes `/` unescaped.
                    b'/' => *compact = false,
                    // `\u` (surrogates) is serde_json's to judge; anything else is not JSON.
                    _ => return None,
                }
                j += 2;
            }
            // serde_json refuses raw control characters in strings.
            _ => return None,
        }
    }
}

/// The end of the number starting at `b[i]` (`-` or a digit): integers and decimals;
/// exponents and very long numbers are left to serde_json.
fn number_end(b: &[u8], i: usize, compact: &mut bool) -> Option<usize> {
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
    let n = j - digits;
    if n > MAX_DIGITS {
        return None;
    }
    // `-0` and long integers may not come back as written; reals never do for sure.
    if n > COMPACT_DIGITS || (digits > i && n == 1 && b[digits] == b'0') {
        *compact = false;
    }
    if b.get(j) == Some(&b'.') {
        *compact = false;
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

/// The key string at `i` and the `:` after it: where the key's contents lie and where
/// the value starts. A key seen before in the same bag clears `compact` (serde_json keeps
/// one of them); with `compact` already clear keys are not tracked.
pub(super) fn key_then_colon(
    b: &[u8],
    i: usize,
    compact: &mut bool,
    s: &mut Scratch,
) -> Option<(Range<usize>, usize)> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let end = string_end(b, i, compact)?;
    if *compact {
        let key = &b[i + 1..end - 1];
        let from = s.bags.last().copied().unwrap_or(0);
        if s.keys[from..].iter().any(|(ks, ke)| &b[*ks..*ke] == key) {
            *compact = false;
        } else {
            s.keys.push((i + 1, end - 1));
        }
    }
    let c = ws(b, end, compact);
    if b.get(c) != Some(&b':') {
        return None;
    }
    Some((i + 1..end - 1, ws(b, c + 1, compact)))
}

/// The end of the JSON value starting at `b[i]` (no whitespace before it) and whether it
/// is compact, when the scan is sure serde_json reads it as JSON; `None` otherwise (see
/// the module docs).
pub fn value_end(b: &[u8], i: usize, s: &mut Scratch) -> Option<(usize, bool)> {
    s.keys.clear();
    s.bags.clear();
    let mut compact = true;
    // Open containers as bits (1 = bag), innermost lowest; `depth` of them.
    let mut bags: u128 = 0;
    let mut depth: u32 = 0;
    let mut i = i;
    loop {
        // A value starts at `i`.
        match *b.get(i)? {
            c @ (b'{' | b'[') => {
                let j = ws(b, i + 1, &mut compact);
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
                        s.bags.push(s.keys.len());
                        key_then_colon(b, j, &mut compact, s)?.1
                    } else {
                        j
                    };
                    continue;
                }
            }
            b'"' => i = string_end(b, i, &mut compact)?,
            b'-' | b'0'..=b'9' => i = number_end(b, i, &mut compact)?,
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
                return Some((i, compact));
            }
            let in_bag = bags & 1 == 1;
            let j = ws(b, i, &mut compact);
            match b.get(j) {
                Some(b',') => {
                    let k = ws(b, j + 1, &mut compact);
                    i = if in_bag {
                        key_then_colon(b, k, &mut compact, s)?.1
                    } else {
                        k
                    };
                    break;
                }
                Some(b'}') if in_bag => {
                    if let Some(from) = s.bags.pop() {
                        s.keys.truncate(from);
                    }
                }
                Some(b']') if !in_bag => {}
                _ => return None,
            }
            bags >>= 1;
            depth -= 1;
            i = j + 1;
        }
    }
}

/// The one JSON value `text` holds (whitespace around it allowed, but then not compact),
/// when the scan is sure it is JSON.
pub fn document(text: &str, s: &mut Scratch) -> Option<Found> {
    let b = text.as_bytes();
    let mut compact = true;
    let start = ws(b, 0, &mut compact);
    let (end, c) = value_end(b, start, s)?;
    (ws(b, end, &mut compact) == b.len()).then_some((start..end, c && compact))
}

/// The elements of the JSON array `text`, into `out` (cleared first): `Some(true)` for
/// an array, `Some(false)` for JSON that is not an array, `None` when the scan cannot
/// tell (then parse).
///
/// ```
/// use hunt_exec::kernels::json_scan::{Scratch, array_elements};
/// let (mut out, mut s) = (Vec::new(), Scratch::default());
/// let t = r#" [1, "a,b" ,{"c":[2]}, 1.0] "#;
/// assert_eq!(array_elements(t, &mut out, &mut s), Some(true));
/// let els: Vec<(&str, bool)> = out.iter().map(|(r, c)| (&t[r.clone()], *c)).collect();
/// assert_eq!(els, [("1", true), ("\"a,b\"", true), ("{\"c\":[2]}", true), ("1.0", false)]);
/// assert_eq!(array_elements("{}", &mut out, &mut s), Some(false));
/// assert_eq!(array_elements("[1,", &mut out, &mut s), None);
/// ```
pub fn array_elements(text: &str, out: &mut Vec<Found>, s: &mut Scratch) -> Option<bool> {
    out.clear();
    let b = text.as_bytes();
    let mut gaps = true;
    let start = ws(b, 0, &mut gaps);
    if b.get(start) != Some(&b'[') {
        return document(text, s).map(|_| false);
    }
    let mut i = ws(b, start + 1, &mut gaps);
    if b.get(i) != Some(&b']') {
        loop {
            let (end, compact) = value_end(b, i, s)?;
            out.push((i..end, compact));
            let j = ws(b, end, &mut gaps);
            match b.get(j) {
                Some(b',') => i = ws(b, j + 1, &mut gaps),
                Some(b']') => {
                    i = j;
                    break;
                }
                _ => return None,
            }
        }
    }
    (ws(b, i + 1, &mut gaps) == b.len()).then_some(true)
}

/// The value of member `key` of the JSON bag `text`: `Some(None)` when the text is JSON
/// but not a bag or has no such member, `None` when the scan cannot tell. A key given
/// twice is the last one's value, as serde_json reads it.
///
/// ```
/// use hunt_exec::kernels::json_scan::{Scratch, member};
/// let mut s = Scratch::default();
/// let t = r#"{"a":1, "b" : {"c":"x"}}"#;
/// assert_eq!(member(t, "b", &mut s).flatten().map(|(r, _)| &t[r]), Some(r#"{"c":"x"}"#));
/// assert_eq!(member(t, "z", &mut s), Some(None));
/// assert_eq!(member("[1]", "a", &mut s), Some(None));
/// assert_eq!(member("{\"a\":", "a", &mut s), None);
/// ```
pub fn member(text: &str, key: &str, s: &mut Scratch) -> Option<Option<Found>> {
    use super::json_members::{find, members};
    let mut ms = std::mem::take(&mut s.members);
    let found = members(text, &mut ms, s).map(|bag| if bag { find(text, &ms, key) } else { None });
    s.members = ms;
    found
}

/// The text hunt stores for the JSON value `span` (which the scan accepted, `compact` as
/// it found): the span itself when compact, else serde_json's rewrite of it;
/// `Some(None)` for JSON null (a null dynamic), `None` if serde_json disagrees (then
/// parse the whole).
pub fn stored_text(span: &str, compact: bool) -> Option<Option<Cow<'_, str>>> {
    if span == "null" {
        return Some(None);
    }
    if compact {
        return Some(Some(Cow::Borrowed(span)));
    }
    match serde_json::from_str::<serde_json::Value>(span).ok()? {
        serde_json::Value::Null => Some(None),
        v => Some(Some(Cow::Owned(v.to_string()))),
    }
}

/// `tostring()` of the dynamic value stored as `text` when it is one JSON string: its
/// contents with the escapes decoded, into `buf` (reused between calls); `None` when the
/// text is not one string the scan follows (then parse).
///
/// ```
/// use hunt_exec::kernels::json_scan::string_contents;
/// let mut buf = String::new();
/// assert_eq!(string_contents(r#""{\"a\":1}\n""#, &mut buf), Some("{\"a\":1}\n"));
/// assert_eq!(string_contents("[1]", &mut buf), None);
/// ```
pub fn string_contents<'b>(text: &str, buf: &'b mut String) -> Option<&'b str> {
    let b = text.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    buf.clear();
    // One pass: plain runs are copied, escapes decoded (positions are ASCII boundaries).
    let (mut run, mut j) = (1, 1);
    loop {
        while j < b.len() && !STRING_STOP[b[j] as usize] {
            j += 1;
        }
        match *b.get(j)? {
            b'"' if j + 1 == b.len() => {
                buf.push_str(&text[run..j]);
                return Some(buf.as_str());
            }
            b'\\' => {
                buf.push_str(&text[run..j]);
                buf.push(match *b.get(j + 1)? {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    // `\u` is serde_json's to decode.
                    _ => return None,
                });
                j += 2;
                run = j;
            }
            // A quote before the end, or a raw control character.
            _ => return None,
        }
    }
}

/// `parse_json(text)` as stored text without a tree when the text is compact JSON
/// already: `Some(None)` for JSON null, `None` when it takes a parse.
pub fn parse_json_text<'a>(text: &'a str, s: &mut Scratch) -> Option<Option<&'a str>> {
    let (_, compact) = document(text, s)?;
    if !compact {
        return None;
    }
    Some((text != "null").then_some(text))
}

#[cfg(test)]
#[path = "json_scan_tests.rs"]
pub(crate) mod tests;
