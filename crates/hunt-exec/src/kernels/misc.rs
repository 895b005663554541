//! Per-value logic of the long-tail library functions (`parse_command_line`, `tohex`,
//! `format_bytes`, `regex_quote`, `indexof_regex`, GUID bytes, code points). Each follows
//! its Kusto reference page; where the page leaves a case open the kernel reports it as
//! an error instead of guessing.

/// Splits a command line the way Windows' `CommandLineToArgvW` does, which the Kusto docs
/// name as the meaning of `parse_command_line(s, "windows")`: the program name runs to the
/// first blank (or between quotes, taken literally); later arguments follow the
/// backslash/quote rules (2n backslashes + `"` → n backslashes and a quote toggle,
/// 2n+1 backslashes + `"` → n backslashes and a literal quote, `"""` inside quotes → `"`).
///
/// ```
/// use hunt_exec::kernels::misc::command_line_args;
/// // Kusto docs: parse_command_line("echo \"hello world!\"", "windows")
/// assert_eq!(command_line_args("echo \"hello world!\""), vec!["echo", "hello world!"]);
/// assert_eq!(command_line_args(r#"a\\\"b "c d" e\\"#), vec![r#"a\\\"b"#, "c d", r"e\\"]);
/// ```
pub fn command_line_args(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    let blank = |ch: char| ch == ' ' || ch == '\t';
    let mut i = 0;
    let mut args = Vec::new();
    // The program name is not parsed for escapes.
    let mut name = String::new();
    if c.first() == Some(&'"') {
        i = 1;
        while i < c.len() {
            if c[i] == '"' {
                i += 1;
                break;
            }
            name.push(c[i]);
            i += 1;
        }
    } else {
        while i < c.len() && !blank(c[i]) {
            name.push(c[i]);
            i += 1;
        }
    }
    args.push(name);
    while i < c.len() && blank(c[i]) {
        i += 1;
    }
    if i >= c.len() {
        return args;
    }
    let mut cur = String::new();
    let (mut quotes, mut backslashes) = (0u32, 0usize);
    while i < c.len() {
        let ch = c[i];
        if blank(ch) && quotes == 0 {
            args.push(std::mem::take(&mut cur));
            backslashes = 0;
            while i < c.len() && blank(c[i]) {
                i += 1;
            }
            if i >= c.len() {
                return args;
            }
        } else if ch == '\\' {
            cur.push('\\');
            backslashes += 1;
            i += 1;
        } else if ch == '"' {
            let keep = cur.len() - backslashes / 2 - backslashes % 2;
            cur.truncate(keep);
            if backslashes % 2 == 0 {
                quotes += 1;
            } else {
                cur.push('"');
            }
            i += 1;
            backslashes = 0;
            while i < c.len() && c[i] == '"' {
                quotes += 1;
                if quotes == 3 {
                    cur.push('"');
                    quotes = 0;
                }
                i += 1;
            }
            if quotes == 2 {
                quotes = 0;
            }
        } else {
            cur.push(ch);
            backslashes = 0;
            i += 1;
        }
    }
    args.push(cur);
    args
}

/// `tohex(v, min_length)`: two's complement hex of `bits` width (32 for an int, 64 for a
/// long), lower case, zero-padded to `min_length` (at most 16, per the docs).
///
/// ```
/// use hunt_exec::kernels::misc::to_hex;
/// // Kusto docs: tohex(256), tohex(-256), tohex(toint(-256), 8), tohex(256, 8), tohex(256, 2)
/// assert_eq!(to_hex(256, 64, None), "100");
/// assert_eq!(to_hex(-256, 64, None), "ffffffffffffff00");
/// assert_eq!(to_hex(-256, 32, Some(8)), "ffffff00");
/// assert_eq!(to_hex(256, 64, Some(8)), "00000100");
/// assert_eq!(to_hex(256, 64, Some(2)), "100");
/// ```
pub fn to_hex(v: i64, bits: u32, min_length: Option<i64>) -> String {
    let digits = if bits == 32 {
        format!("{:x}", v as i32 as u32)
    } else {
        format!("{:x}", v as u64)
    };
    let width = min_length.unwrap_or(0).clamp(0, 16) as usize;
    format!("{digits:0>width$}")
}

/// The units `format_bytes` knows, in order of size (the docs' list).
const BYTE_UNITS: [&str; 7] = ["Bytes", "KB", "MB", "GB", "TB", "PB", "EB"];

/// `format_bytes(size, precision, units)`: `size` in the given unit (or the largest unit
/// it reaches, by powers of 1024), rounded to `precision` digits and written without
/// trailing zeros, then the unit name (docs: 10332 → "10.1 KB", 20010332 → "19 MB").
/// `Err` names what the docs leave open: an unknown unit, a negative or non-finite
/// size, or a value exactly halfway between two roundings.
///
/// ```
/// use hunt_exec::kernels::misc::format_bytes;
/// assert_eq!(format_bytes(564.0, 0, "").unwrap(), "564 Bytes");
/// assert_eq!(format_bytes(10332.0, 1, "").unwrap(), "10.1 KB");
/// assert_eq!(format_bytes(20010332.0, 2, "").unwrap(), "19.08 MB");
/// assert_eq!(format_bytes(20010332.0, 0, "KB").unwrap(), "19541 KB");
/// ```
pub fn format_bytes(size: f64, precision: i64, units: &str) -> Result<String, String> {
    if !size.is_finite() || size < 0.0 {
        return Err(format!("format_bytes of {size}"));
    }
    if !(0..=15).contains(&precision) {
        return Err(format!("format_bytes with precision {precision}"));
    }
    let k = if units.is_empty() {
        let mut k = 0;
        while k + 1 < BYTE_UNITS.len() && size >= 1024f64.powi(k as i32 + 1) {
            k += 1;
        }
        k
    } else {
        BYTE_UNITS
            .iter()
            .position(|u| *u == units)
            .ok_or_else(|| format!("format_bytes unit `{units}`"))?
    };
    let v = size / 1024f64.powi(k as i32);
    let scale = 10f64.powi(precision as i32);
    let scaled = v * scale;
    if scaled.fract() == 0.5 {
        // .NET rounds halves to even by default, other runtimes away from zero.
        return Err(format!(
            "format_bytes of {size}: a value halfway between roundings"
        ));
    }
    let rounded = scaled.round() / scale;
    let mut text = format!("{rounded:.prec$}", prec = precision as usize);
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    Ok(format!("{text} {}", BYTE_UNITS[k]))
}

/// `regex_quote(s)`: every regex metacharacter escaped with a backslash. Only the
/// characters every escaping convention agrees on are handled (`\ . + * ? ( ) | [ { ^ $ #`
/// and the space); for other punctuation RE2 and .NET differ and the docs do not say
/// which Kusto follows, so those give `Err`.
///
/// ```
/// use hunt_exec::kernels::misc::regex_quote;
/// // Kusto docs: regex_quote('(so$me.Te^xt)')
/// assert_eq!(regex_quote("(so$me.Te^xt)").unwrap(), r"\(so\$me\.Te\^xt\)");
/// ```
pub fn regex_quote(s: &str) -> Result<String, char> {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | '{' | '^' | '$' | '#' | ' ' => {
                out.push('\\');
                out.push(ch);
            }
            c if c.is_alphanumeric() || c == '_' || !c.is_ascii() => out.push(c),
            c => return Err(c),
        }
    }
    Ok(out)
}

/// `indexof_regex`: the character index of the `occurrence`-th non-overlapping match of
/// `re` in the window of `length` characters (-1: to the end) from `start`; -1 when there
/// is none; `None` (null) for a negative start, a length below -1 or an occurrence
/// below 1 (docs: `indexof_regex("abcabc", @"a|ab", -1)` is null).
///
/// ```
/// use hunt_exec::kernels::misc::indexof_regex;
/// let re = regex::Regex::new("a.c").unwrap();
/// // Kusto docs: indexof_regex("abcabcdefg", @"a.c", 0, 9, 2) is 3
/// assert_eq!(indexof_regex("abcabcdefg", &re, 0, 9, 2), Some(3));
/// assert_eq!(indexof_regex("abcabc", &re, 1, -1, 2), Some(-1));
/// ```
pub fn indexof_regex(
    s: &str,
    re: &regex::Regex,
    start: i64,
    length: i64,
    occurrence: i64,
) -> Option<i64> {
    if start < 0 || length < -1 || occurrence < 1 {
        return None;
    }
    // Byte offsets of each character boundary, so windows and results count characters.
    let bounds: Vec<usize> = s
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(s.len()))
        .collect();
    let n = (bounds.len() - 1) as i64;
    if start > n {
        return Some(-1);
    }
    let end = if length == -1 {
        n
    } else {
        start.saturating_add(length).min(n)
    };
    let (b0, b1) = (bounds[start as usize], bounds[end as usize]);
    let window = &s[b0..b1];
    let m = re.find_iter(window).nth((occurrence - 1) as usize);
    Some(match m {
        None => -1,
        Some(m) => {
            let byte = b0 + m.start();
            start + (bounds[start as usize..].partition_point(|&b| b < byte) as i64)
        }
    })
}

/// A GUID's text from its 16 bytes in .NET's `Guid(byte[])` order (the first three groups
/// little-endian), the inverse of [`guid_to_bytes`].
///
/// ```
/// use hunt_exec::kernels::misc::{guid_from_bytes, guid_to_bytes};
/// let g = "ae3133f2-6e22-49ae-b06a-16e6a9b212eb";
/// assert_eq!(guid_from_bytes(&guid_to_bytes(g).unwrap()).as_deref(), Some(g));
/// ```
pub fn guid_from_bytes(b: &[u8]) -> Option<String> {
    let b: &[u8; 16] = b.try_into().ok()?;
    let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    let mut s = String::with_capacity(36);
    for (k, &i) in order.iter().enumerate() {
        if matches!(k, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{:02x}", b[i]));
    }
    Some(s)
}

/// The 16 bytes of a GUID's text in .NET order, as `base64_encode_fromguid` encodes them
/// (docs: ae3133f2-6e22-49ae-b06a-16e6a9b212eb is "8jMxriJurkmwahbmqbIS6w==").
pub fn guid_to_bytes(g: &str) -> Option<[u8; 16]> {
    let hex: String = g.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || g.len() != 36 {
        return None;
    }
    let mut raw = [0u8; 16];
    for (i, r) in raw.iter_mut().enumerate() {
        *r = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    let mut out = [0u8; 16];
    for (k, &i) in order.iter().enumerate() {
        out[i] = raw[k];
    }
    Some(out)
}

/// Strict base64 as .NET's `Convert.FromBase64String` reads it: a length that is a
/// multiple of four, padding only at the end (the docs show unpadded text as invalid).
pub fn base64_strict(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(4) || s.trim_end_matches('=').len() + 2 < s.len() {
        return None;
    }
    super::strfn::base64_decode(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_split_like_windows() {
        assert_eq!(
            command_line_args(r#""C:\a b\x.exe" -f "q""#),
            vec![r"C:\a b\x.exe", "-f", "q"]
        );
        assert_eq!(command_line_args(r#"x a"b"c"#), vec!["x", "abc"]);
        assert_eq!(command_line_args(r#"x "a""b""#), vec!["x", r#"a"b"#]);
        assert_eq!(command_line_args(r#"x "a"""b""#), vec!["x", r#"a"b"#]);
        assert_eq!(command_line_args("x   "), vec!["x"]);
        assert_eq!(command_line_args(r#"x \\\\"a b""#), vec!["x", r"\\a b"]);
    }

    #[test]
    fn guids_round_trip() {
        let g = "ae3133f2-6e22-49ae-b06a-16e6a9b212eb";
        let b = guid_to_bytes(g).unwrap();
        // Kusto docs: base64_encode_fromguid of this GUID is "8jMxriJurkmwahbmqbIS6w==".
        assert_eq!(
            super::super::strfn::base64_encode(&b),
            "8jMxriJurkmwahbmqbIS6w=="
        );
        assert_eq!(guid_from_bytes(&b).as_deref(), Some(g));
    }

    #[test]
    fn format_bytes_refuses_open_cases() {
        assert!(format_bytes(1536.0, 0, "KB").is_err());
        assert!(format_bytes(1.0, 0, "kb").is_err());
        assert!(format_bytes(-1.0, 0, "").is_err());
    }
}
