//! KQL string functions on one value: `substring`, `indexof`, `countof`, `split`, `trim`,
//! `replace_regex` rewrites, URL and base64 coding. Positions and lengths count Unicode
//! characters, as Kusto does (`substring("𝓗ello", 0, 2)` is `𝓗e`).

use regex::Regex;

/// Byte offset of character `i` of `s` (the end when `i` is past it).
fn byte_at(s: &str, i: usize) -> usize {
    s.char_indices().nth(i).map(|(b, _)| b).unwrap_or(s.len())
}

/// `substring(s, start [, length])`: a negative start counts from the end; a start still
/// before the beginning, or a negative length, gives the empty string (oracle:
/// `substring("hello", -100, 3)` is empty); a length past the end stops at the end.
///
/// ```
/// use hunt_exec::kernels::strfn::substring;
/// assert_eq!(substring("123456", 1, None), "23456");
/// assert_eq!(substring("123456", -2, Some(2)), "56");
/// ```
pub fn substring(s: &str, start: i64, len: Option<i64>) -> &str {
    let count = s.chars().count() as i64;
    let start = if start < 0 { start + count } else { start };
    if start < 0 || start >= count || len.is_some_and(|l| l < 0) {
        return "";
    }
    let end = match len {
        Some(l) => start.saturating_add(l).min(count),
        None => count,
    };
    &s[byte_at(s, start as usize)..byte_at(s, end as usize)]
}

/// `indexof(s, lookup, start, length, occurrence)` in characters: -1 when not found, null
/// for a start before the beginning (after a negative start is counted from the end), a
/// length below -1 or an occurrence below 1. Each further occurrence is searched from one
/// past the previous match with the same `length` window (Kusto docs:
/// `indexof("abcdefgabcdefg", "cde", 1, 10, 2)` is 9).
///
/// ```
/// use hunt_exec::kernels::strfn::indexof;
/// assert_eq!(indexof("abcdefgabcdefg", "cde", 1, 10, 2), Some(9));
/// assert_eq!(indexof("abcdefg", "cde", 1, 2, 1), Some(-1));
/// ```
pub fn indexof(s: &str, lookup: &str, start: i64, length: i64, occurrence: i64) -> Option<i64> {
    let chars: Vec<char> = s.chars().collect();
    let pat: Vec<char> = lookup.chars().collect();
    window_search(chars.len(), start, length, occurrence, |i, end| {
        let m = pat.len();
        i + m <= end && chars[i..i + m] == pat[..]
    })
}

/// The search `indexof` and `array_index_of` share: `hit(i, end)` tells whether a match
/// starts at `i` and fits before `end`.
pub fn window_search(
    n: usize,
    start: i64,
    length: i64,
    occurrence: i64,
    hit: impl Fn(usize, usize) -> bool,
) -> Option<i64> {
    let n = n as i64;
    let start = if start < 0 { start + n } else { start };
    if start < 0 || length < -1 || occurrence < 1 {
        return None;
    }
    let mut pos = start;
    let mut seen = 0;
    loop {
        let end = if length == -1 {
            n
        } else {
            pos.saturating_add(length).min(n)
        };
        let found = (pos..end).find(|&i| hit(i as usize, end as usize));
        match found {
            None => return Some(-1),
            Some(i) => {
                seen += 1;
                if seen == occurrence {
                    return Some(i);
                }
                pos = i + 1;
            }
        }
    }
}

/// `countof(s, search)`: occurrences, overlapping (Kusto docs: `countof("aaaa", "aa")`
/// is 3).
pub fn count_plain(s: &str, search: &str) -> i64 {
    if search.is_empty() {
        return 0;
    }
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = s[from..].find(search) {
        n += 1;
        // Step one character past the match start so matches may overlap.
        let step = s[from + i..]
            .chars()
            .next()
            .map(char::len_utf8)
            .unwrap_or(1);
        from += i + step;
    }
    n
}

/// `split(s, delimiter)`: every piece, empty ones included; an empty delimiter gives the
/// whole string.
pub fn split<'a>(s: &'a str, delim: &str) -> Vec<&'a str> {
    if delim.is_empty() {
        return vec![s];
    }
    s.split(delim).collect()
}

/// Regexes anchored for `trim_start` and `trim_end`: one match of the pattern at the
/// start, one at the end (Kusto's trim removes a single match: `trim("x", "xxabcxx")` is
/// `xabcx` in the oracle).
pub struct Trimmer {
    start: Regex,
    end: Regex,
}

impl Trimmer {
    /// Compiles the anchored forms of `pattern`.
    pub fn new(pattern: &str) -> Result<Trimmer, regex::Error> {
        Ok(Trimmer {
            start: Regex::new(&format!("^(?:{pattern})"))?,
            end: Regex::new(&format!("(?:{pattern})\\z"))?,
        })
    }
    /// Removes the leading match.
    pub fn trim_start<'a>(&self, s: &'a str) -> &'a str {
        match self.start.find(s) {
            Some(m) => &s[m.end()..],
            None => s,
        }
    }
    /// Removes the trailing match.
    pub fn trim_end<'a>(&self, s: &'a str) -> &'a str {
        match self.end.find(s) {
            Some(m) => &s[..m.start()],
            None => s,
        }
    }
}

/// A `replace_regex` rewrite (`\1` is group 1, `\0` the match) in the `regex` crate's
/// replacement syntax (`${1}`, with `$` escaped).
pub fn rewrite_template(rewrite: &str) -> String {
    let mut out = String::with_capacity(rewrite.len());
    let mut chars = rewrite.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' => match chars.peek() {
                Some(d) if d.is_ascii_digit() => {
                    out.push_str(&format!("${{{d}}}"));
                    chars.next();
                }
                Some('\\') => {
                    out.push('\\');
                    chars.next();
                }
                _ => out.push('\\'),
            },
            other => out.push(other),
        }
    }
    out
}

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// `url_encode` (`component` false: a space is `+`) and `url_encode_component` (a space is
/// `%20`): letters, digits and `-_.!*()` stay, every other UTF-8 byte is `%xx` in lower-case
/// hex, as the Kusto docs show (`https%3a%2f%2fwww.bing.com%2fhello+world`).
pub fn url_encode(s: &str, component: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'*'
            | b'('
            | b')' => out.push(b as char),
            b' ' if !component => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX_LOWER[(b >> 4) as usize] as char);
                out.push(HEX_LOWER[(b & 15) as usize] as char);
            }
        }
    }
    out
}

/// `url_decode`: `%xx` escapes and `+` as a space; invalid UTF-8 is replaced.
pub fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
///
/// ```
/// // Kusto docs: base64_encode_tostring("Kusto") is "S3VzdG8=".
/// assert_eq!(hunt_exec::kernels::strfn::base64_encode(b"Kusto"), "S3VzdG8=");
/// ```
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional); `None` when the text is not base64.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = B64.iter().position(|x| *x == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if s.len() % 4 == 1 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain reading of `indexof` on character vectors, one window per occurrence.
    fn indexof_ref(s: &str, l: &str, start: i64, length: i64, occ: i64) -> Option<i64> {
        let c: Vec<char> = s.chars().collect();
        let p: Vec<char> = l.chars().collect();
        let n = c.len() as i64;
        let mut pos = if start < 0 { start + n } else { start };
        if pos < 0 || length < -1 || occ < 1 {
            return None;
        }
        let mut seen = 0;
        loop {
            let end = if length == -1 {
                n
            } else {
                (pos + length).min(n)
            };
            let mut found = None;
            let mut i = pos;
            while i + p.len() as i64 <= end {
                if c[i as usize..i as usize + p.len()] == p[..] {
                    found = Some(i);
                    break;
                }
                i += 1;
            }
            match found {
                None => return Some(-1),
                Some(i) => {
                    seen += 1;
                    if seen == occ {
                        return Some(i);
                    }
                    pos = i + 1;
                }
            }
        }
    }

    proptest! {
        #[test]
        fn indexof_matches_reference(s in "[abé]{0,12}", l in "[abé]{1,3}", start in -14i64..14, length in -2i64..14, occ in -1i64..4) {
            prop_assert_eq!(indexof(&s, &l, start, length, occ), indexof_ref(&s, &l, start, length, occ));
        }

        #[test]
        fn substring_matches_reference(s in "[aé😀]{0,10}", start in -12i64..12, len in proptest::option::of(-2i64..12)) {
            let c: Vec<char> = s.chars().collect();
            let n = c.len() as i64;
            let st = if start < 0 { start + n } else { start };
            let want: String = if st < 0 || st >= n || len.is_some_and(|l| l < 0) {
                String::new()
            } else {
                let end = len.map_or(n, |l| (st + l).min(n));
                c[st as usize..end as usize].iter().collect()
            };
            prop_assert_eq!(substring(&s, start, len), want.as_str());
        }
    }

    #[test]
    fn substring_follows_the_oracle() {
        // agent-string-ops-0017 / -0018 / -0023, agent-string-ops-0006
        assert_eq!(substring("hello", -2, Some(2)), "lo");
        assert_eq!(substring("hello", 2, Some(100)), "llo");
        assert_eq!(substring("hello", 1, Some(-1)), "");
        assert_eq!(substring("hello", -100, Some(3)), "");
        assert_eq!(substring("𝓗ello", 0, Some(2)), "𝓗e");
    }

    #[test]
    fn indexof_follows_the_docs() {
        // indexof-function-00 (Kusto docs)
        assert_eq!(indexof("abcdefg", "cde", 0, -1, 1), Some(2));
        assert_eq!(indexof("abcdefg", "cde", 1, 4, 1), Some(2));
        assert_eq!(indexof("abcdefg", "cde", 3, 4, 1), Some(-1));
        assert_eq!(indexof("abcdefg", "cde", -5, -1, 1), Some(2));
        assert_eq!(indexof("abcdefgabcdefg", "cde", 1, -1, 3), Some(-1));
    }

    #[test]
    fn countof_overlaps() {
        // countof docs: ("aaaa", "aa") → 3, ("ababa", "aba") → 2
        assert_eq!(count_plain("aaaa", "aa"), 3);
        assert_eq!(count_plain("ababa", "aba"), 2);
    }

    #[test]
    fn trims_one_match() {
        let t = Trimmer::new("x").expect("regex");
        assert_eq!(t.trim_end(t.trim_start("xxabcxx")), "xabcx");
        let t = Trimmer::new(r"[^\w]+").expect("regex");
        assert_eq!(t.trim_end("-  Te st1// $"), "-  Te st1");
    }

    #[test]
    fn url_and_base64() {
        assert_eq!(
            url_encode("https://www.bing.com/hello world", false),
            "https%3a%2f%2fwww.bing.com%2fhello+world"
        );
        assert_eq!(
            url_decode("https%3a%2f%2fwww.bing.com%2f"),
            "https://www.bing.com/"
        );
        assert_eq!(base64_decode("S3VzdG8=").as_deref(), Some(&b"Kusto"[..]));
    }
}
