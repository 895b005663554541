//! `tostring()` of dynamic values without parsing them, where the text tells the answer.
//!
//! hunt stores dynamic values as JSON text, and `tostring(d)` is the compact JSON of the
//! parsed value (a JSON string gives its contents; text that is not JSON stays as it is).
//! Most stored text is already compact JSON, so its `tostring` is the text itself: one
//! pass over the bytes can tell, where parsing builds a tree per row only to write the
//! same text back. Hunts filter on `tostring(d) !in ("", "[]")` over millions of rows.

/// What `tostring()` of the dynamic value stored as `text` is, when one pass over the
/// bytes can tell; `None` when it takes a parse (escapes, whitespace between tokens,
/// real numbers, duplicate keys …). `keys` is scratch space, reused between calls.
///
/// ```
/// use hunt_exec::kernels::json_text::tostring_text;
/// let mut k = Vec::new();
/// assert_eq!(tostring_text("[]", &mut k), Some("[]"));
/// assert_eq!(tostring_text("\"abc\"", &mut k), Some("abc"));
/// assert_eq!(tostring_text("{\"a\":[1,true,null]}", &mut k), Some("{\"a\":[1,true,null]}"));
/// assert_eq!(tostring_text("[1.0]", &mut k), None);
/// assert_eq!(tostring_text("[1, 2]", &mut k), None);
/// ```
pub fn tostring_text<'a>(text: &'a str, keys: &mut Vec<(usize, usize)>) -> Option<&'a str> {
    let b = text.as_bytes();
    if b.first() == Some(&b'"') {
        // One string without escapes: its contents.
        let inner = b.get(1..b.len().checked_sub(1)?)?;
        let plain = b.len() >= 2
            && b[b.len() - 1] == b'"'
            && !inner.iter().any(|c| *c == b'"' || *c == b'\\' || *c < 0x20);
        return plain.then(|| &text[1..text.len() - 1]);
    }
    same_if_json(b, keys).then_some(text)
}

/// True when `tostring()` of the dynamic value stored as `text` is surely none of
/// `consts`, seen from the brackets, braces, commas and colons it starts with and the
/// first byte of the first string or literal after them; false when
/// that does not tell (then compute it). `consts` must hold no JSON whitespace.
///
/// Why this holds: `tostring` of an array or object is its compact JSON, which begins
/// with the same structural bytes as the text once whitespace is dropped; serde_json
/// reorders and de-duplicates only object members, which begin with a string (whose
/// first byte is `"` in any order; the walk stops there). Text that is not JSON stays as it is: if it has whitespace it differs
/// from every whitespace-free constant, and if it has none, its bytes are the ones
/// compared. So a constant that differs in those leading bytes, or is shorter than
/// them, is not the answer. `tostring(d) !in ("", "[]")` over arrays of records is then
/// decided by the first two bytes instead of a pass over the whole text.
///
/// ```
/// use hunt_exec::kernels::json_text::surely_none_of;
/// assert!(surely_none_of(r#"[{"a":1}]"#, &["", "[]"]));
/// assert!(surely_none_of("{}", &["", "[]"]));
/// assert!(!surely_none_of("[ ]", &["", "[]"]));
/// assert!(!surely_none_of("[1]", &["[1]"]));
/// assert!(!surely_none_of("\"x\"", &["x"]));
/// assert!(surely_none_of(r#"["{\"a\":1}"]"#, &["", "[]"]));
/// assert!(!surely_none_of(r#"["a"]"#, &[r#"["a"]"#]));
/// ```
pub fn surely_none_of(text: &str, consts: &[&str]) -> bool {
    let b = text.as_bytes();
    let is_ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let start = b.iter().position(|c| !is_ws(*c));
    if !matches!(start.map(|i| b[i]), Some(b'[' | b'{')) {
        return false;
    }
    // Bit k: constant k still agrees with the compact text produced so far.
    let mut alive: u64 = if consts.len() >= 64 {
        return false;
    } else {
        (1u64 << consts.len()) - 1
    };
    let mut j = 0;
    for &c in b {
        if is_ws(c) {
            continue;
        }
        // A string or literal keeps its first byte in the compact text (`"`, `t`, `f`,
        // `n`), and a member's key is a string whatever the order: compare it, then
        // stop. A number may be rewritten from its first byte on (`1e2` is `100.0`).
        let token = matches!(c, b'"' | b't' | b'f' | b'n');
        if !token && !matches!(c, b'[' | b']' | b'{' | b'}' | b',' | b':') {
            return false;
        }
        for (k, s) in consts.iter().enumerate() {
            if s.as_bytes().get(j) != Some(&c) {
                alive &= !(1u64 << k);
            }
        }
        if alive == 0 {
            return true;
        }
        if token {
            return false;
        }
        j += 1;
    }
    false
}

/// True when `b`, if it is JSON at all, is the compact JSON serde_json writes back for
/// it (with ordered maps): no whitespace between tokens, only the escapes serde_json
/// writes (`\"`, `\\`, `\n` …, not `\u` or `\/`; keys then compare as text), integers only
/// (no leading zeros, at most 18 digits, not `-0`), no key twice in one object. Text that
/// is not JSON also stays as it is, so a syntax error needs no separate answer — but any
/// byte this scan does not expect gives `false` (parse to be sure).
fn same_if_json(b: &[u8], keys: &mut Vec<(usize, usize)>) -> bool {
    keys.clear();
    // Per open container: whether it is an object, and where its keys start in `keys`.
    let mut stack: Vec<(bool, usize)> = Vec::new();
    let mut prev = 0u8;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                loop {
                    // Plain contents in one tight run.
                    while j < b.len() && !super::json_scan::STRING_STOP[b[j] as usize] {
                        j += 1;
                    }
                    if j == b.len() || b[j] == b'"' {
                        break;
                    }
                    match b[j] {
                        // The escapes serde_json writes itself; `\u` and `\/` it would not.
                        b'\\'
                            if matches!(
                                b.get(j + 1),
                                Some(b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't')
                            ) =>
                        {
                            j += 2;
                            continue;
                        }
                        b'\\' => return false,
                        c if c < 0x20 => return false,
                        _ => j += 1,
                    }
                }
                if j == b.len() {
                    return false;
                }
                let is_key = matches!(stack.last(), Some((true, _))) && matches!(prev, b'{' | b',');
                if is_key {
                    let from = stack.last().map_or(0, |s| s.1);
                    let key = &b[start..j];
                    if keys[from..].iter().any(|(s, e)| &b[*s..*e] == key) {
                        return false;
                    }
                    keys.push((start, j));
                }
                i = j + 1;
                prev = b'"';
                continue;
            }
            b'{' => stack.push((true, keys.len())),
            b'[' => stack.push((false, keys.len())),
            b'}' | b']' => match stack.pop() {
                Some((obj, from)) if obj == (c == b'}') => keys.truncate(from),
                _ => return false,
            },
            b',' | b':' => {}
            b'-' | b'0'..=b'9' => {
                let start = i;
                if c == b'-' {
                    i += 1;
                }
                let digits = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let n = i - digits;
                let lead_zero = n > 1 && b[digits] == b'0';
                let minus_zero = c == b'-' && n == 1 && b[digits] == b'0';
                let more = i < b.len() && matches!(b[i], b'.' | b'e' | b'E');
                if n == 0 || n > 18 || lead_zero || minus_zero || more {
                    return false;
                }
                prev = b[start];
                continue;
            }
            b't' | b'f' | b'n' => {
                let lit: &[u8] = match c {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                if !b[i..].starts_with(lit) {
                    return false;
                }
                i += lit.len();
                prev = c;
                continue;
            }
            _ => return false,
        }
        prev = c;
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::text::dynamic_to_string_parsed;

    /// Every answer of the fast path is what parsing gives.
    #[test]
    fn agrees_with_parsing() {
        let cases = [
            "",
            "[]",
            "{}",
            "null",
            "true",
            "false",
            "0",
            "-0",
            "-12",
            "007",
            "1.5",
            "1e3",
            "123456789012345678",
            "1234567890123456789012",
            "\"\"",
            "\"a b\"",
            "\"a\\\"b\"",
            "\"é\"",
            "[\"x\",\"y\"]",
            "[ 1 ]",
            " []",
            "[] ",
            "{\"a\":1,\"a\":2}",
            "{\"a\":1,\"b\":{\"a\":2}}",
            "{\"a\":{\"b\":1},\"b\":2}",
            "{\"b\":1,\"a\":2}",
            "[{\"id\":\"x\",\"name\":\"y\",\"n\":3}]",
            "not json",
            "[1,",
            "]",
            "{\"a\"}",
            "[tru]",
            "\"unterminated",
            "[\"a\\u00e9\"]",
            "[\"\\/\"]",
            "[\"{\\\"a\\\":1}\"]",
            "[\"a\\nb\\tc\\\\\"]",
            "{\"a\\\"\":1,\"a\\\"\":2}",
            "[\"\\u001f\"]",
            "{\"a\":[1,2,{\"c\":null}],\"d\":\"\"}",
        ];
        let mut keys = Vec::new();
        for c in cases {
            let slow = dynamic_to_string_parsed(c);
            if let Some(fast) = tostring_text(c, &mut keys) {
                assert_eq!(fast, slow, "text {c:?}");
            }
        }
        // The common shapes take the fast path.
        for c in [
            "[]",
            "{\"a\":1,\"b\":[true]}",
            "\"s\"",
            "-5",
            "[\"{\\\"a\\\":1}\"]",
        ] {
            assert!(tostring_text(c, &mut keys).is_some(), "{c:?}");
        }
        for c in [
            "[1.5]",
            "{\"a\":1,\"a\":2}",
            "[ ]",
            "\"a\\nb\"",
            "[\"\\u0041\"]",
        ] {
            assert!(tostring_text(c, &mut keys).is_none(), "{c:?}");
        }
    }
    /// `surely_none_of` never rules out the answer: over the cases above, with and
    /// without whitespace after each bracket, brace, comma and colon, the parsed answer
    /// itself (when it has no whitespace) is never ruled out, and whatever is ruled out
    /// differs from the parsed answer.
    #[test]
    fn surely_none_of_never_rules_out_the_answer() {
        let cases = [
            "",
            "[]",
            "{}",
            "null",
            "true",
            "-0",
            "1e3",
            "1.5",
            "\"\"",
            "\"a\"",
            "[\"x\",\"y\"]",
            "{\"b\":1,\"a\":2}",
            "{\"a\":1,\"a\":2}",
            "[{\"id\":\"x\",\"n\":3}]",
            "[[],{}]",
            "[[1e2]]",
            "[null,true]",
            "[\"{\\\"a\\\":1}\"]",
            "not json",
            "[1,",
            "]",
            "{\"a\"}",
            "[tru]",
            "[\"\\u0041\"]",
            "{\"a\":[]}",
            "[{}]",
        ];
        let mut ruled_out = 0;
        for c in cases {
            let spaced: String = c
                .chars()
                .flat_map(|ch| {
                    let ws = matches!(ch, '[' | '{' | ',' | ':');
                    std::iter::once(ch).chain(ws.then_some(' '))
                })
                .collect();
            for text in [c.to_string(), spaced, format!(" {c}")] {
                let answer = dynamic_to_string_parsed(&text);
                let base = ["", "[]", "{}", "[{}]", "null", "x", "[[],{}]"];
                if surely_none_of(&text, &base) {
                    ruled_out += 1;
                    assert!(!base.contains(&answer.as_str()), "{text:?} is {answer:?}");
                }
                if !answer.contains([' ', '\t', '\n', '\r']) {
                    let with = [&base[..], &[answer.as_str()]].concat();
                    assert!(!surely_none_of(&text, &with), "{text:?} is {answer:?}");
                }
            }
        }
        // And it does rule out the common shapes.
        assert!(ruled_out > 20, "only {ruled_out} ruled out");
        assert!(surely_none_of("[{\"id\":\"x\"}]", &["", "[]"]));
        assert!(surely_none_of("[\"{\\\"a\\\":1}\"]", &["", "[]"]));
    }
}
