//! Lexical layer: whitespace and `//` comments, words and keywords,
//! identifiers, string / number / timespan / typed literals.
//!
//! Token parsers skip leading whitespace themselves, so a node's span starts
//! at its first token and ends at its last one.

use super::{Ctx, Expected, PResult, err, fatal};
use crate::ast::{Ident, Literal};
use crate::span::Span;

/// Invisible characters treated as whitespace. Queries copied from web pages
/// carry zero-width spaces (the Defender corpus has one before a table name).
const INVISIBLE: [char; 5] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// Skips whitespace and `//` comments.
pub(crate) fn ws(mut i: &str) -> &str {
    loop {
        i = i.trim_start_matches(|c: char| c.is_whitespace() || INVISIBLE.contains(&c));
        match i.strip_prefix("//") {
            Some(rest) => i = rest.find('\n').map_or("", |n| &rest[n..]),
            None => return i,
        }
    }
}

/// First character of an identifier.
pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// Later characters of an identifier.
pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// True if `s` is a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`).
pub(crate) fn is_plain_ident(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(is_ident_start) && cs.all(is_ident_char)
}

/// Reads a plain word at the start of `i` (no whitespace skipping).
pub(crate) fn word(i: &str) -> Option<(&str, &str)> {
    if !i.starts_with(is_ident_start) {
        return None;
    }
    let end = i.find(|c: char| !is_ident_char(c)).unwrap_or(i.len());
    Some((&i[..end], &i[end..]))
}

/// If the next token (after whitespace) is the word `kw`, the input after it.
pub(crate) fn peek_kw<'a>(i: &'a str, kw: &str) -> Option<&'a str> {
    match word(ws(i)) {
        Some((w, rest)) if w == kw => Some(rest),
        _ => None,
    }
}

/// The keyword `kw` (whole word).
pub(crate) fn kw<'a>(i: &'a str, kw: &'static str) -> PResult<'a, &'a str> {
    let i = ws(i);
    match peek_kw(i, kw) {
        Some(rest) => Ok((rest, &i[..kw.len()])),
        None => err(i, Expected::Tok(kw)),
    }
}

/// If the next token is the symbol `s`, the input after it.
pub(crate) fn peek_sym<'a>(i: &'a str, s: &str) -> Option<&'a str> {
    ws(i).strip_prefix(s)
}

/// The symbol `s`.
pub(crate) fn sym<'a>(i: &'a str, s: &'static str) -> PResult<'a, &'a str> {
    let i = ws(i);
    match i.strip_prefix(s) {
        Some(rest) => Ok((rest, &i[..s.len()])),
        None => err(i, Expected::Tok(s)),
    }
}

/// `=` that is not the start of `==` or `=~`.
pub(crate) fn peek_assign(i: &str) -> Option<&str> {
    let rest = peek_sym(i, "=")?;
    if rest.starts_with('=') || rest.starts_with('~') {
        None
    } else {
        Some(rest)
    }
}

/// An identifier: a plain word or a bracketed name `['My Column']` / `["x"]`.
pub(crate) fn ident<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Ident> {
    let i = ws(i);
    if let Some((w, rest)) = word(i) {
        return Ok((
            rest,
            Ident {
                name: w.to_string(),
                span: c.span(i, rest),
            },
        ));
    }
    if i.starts_with('[') {
        return bracketed_ident(c, i);
    }
    err(i, Expected::Desc("an identifier"))
}

/// `['name']` or `["name"]`; `i` starts at `[`.
pub(crate) fn bracketed_ident<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Ident> {
    let (r, _) = sym(i, "[")?;
    let inner = ws(r);
    let Some(res) = string_piece(c, inner) else {
        return err(inner, Expected::Desc("a quoted name"));
    };
    let (r, name) = res?;
    let (r, _) = sym(r, "]")?;
    Ok((
        r,
        Ident {
            name,
            span: c.span(i, r),
        },
    ))
}

/// A column pattern for `project-away`/`project-keep`/`project-reorder`:
/// a word that may contain `*` wildcards (`Account*`, `*`), or a bracketed name.
pub(crate) fn column_pattern<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Ident> {
    let i = ws(i);
    if i.starts_with('[') {
        return bracketed_ident(c, i);
    }
    let is_start = |ch: char| is_ident_start(ch) || ch == '*';
    if !i.starts_with(is_start) {
        return err(i, Expected::Desc("a column name"));
    }
    let end = i
        .find(|ch: char| !(is_ident_char(ch) || ch == '*'))
        .unwrap_or(i.len());
    let rest = &i[end..];
    Ok((
        rest,
        Ident {
            name: i[..end].to_string(),
            span: c.span(i, rest),
        },
    ))
}

/// A dotted parameter name such as `kind` or `hint.strategy`, as an [`Ident`]
/// whose name contains the dots.
pub(crate) fn dotted_name<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Ident> {
    let i = ws(i);
    let Some((_, mut rest)) = word(i) else {
        return err(i, Expected::Desc("a parameter name"));
    };
    while let Some(after_dot) = rest.strip_prefix('.') {
        match word(after_dot) {
            Some((_, r)) => rest = r,
            None => break,
        }
    }
    let name = &i[..i.len() - rest.len()];
    Ok((
        rest,
        Ident {
            name: name.to_string(),
            span: c.span(i, rest),
        },
    ))
}

// ---------------------------------------------------------------------------
// String literals
// ---------------------------------------------------------------------------

/// True if a string literal starts at `i` (no whitespace skipping).
pub(crate) fn starts_string(i: &str) -> bool {
    let i = i.strip_prefix(['h', 'H']).unwrap_or(i);
    i.starts_with(['"', '\''])
        || i.starts_with("@\"")
        || i.starts_with("@'")
        || i.starts_with("```")
        || i.starts_with("~~~")
}

/// One or more adjacent string literals, concatenated (`"a" 'b'` is `"ab"`).
/// Returns `None` if no string starts at `i` (after whitespace).
pub(crate) fn strings<'a>(c: &Ctx, i: &'a str) -> Option<PResult<'a, (String, Span)>> {
    let i = ws(i);
    if !starts_string(i) {
        return None;
    }
    Some((|| {
        let (mut rest, mut value) =
            string_piece(c, i).unwrap_or_else(|| err(i, Expected::Desc("a string")))?;
        loop {
            let next = ws(rest);
            if !starts_string(next) {
                break;
            }
            let (r, more) =
                string_piece(c, next).unwrap_or_else(|| err(next, Expected::Desc("a string")))?;
            value.push_str(&more);
            rest = r;
        }
        Ok((rest, (value, c.span(i, rest))))
    })())
}

/// One string literal at `i` (no whitespace skipping), unescaped; `None` if
/// none starts here. Forms: `"…"`, `'…'`, `@"…"`, `@'…'`, ```` ```…``` ````,
/// `~~~…~~~`, each optionally prefixed by `h`/`H` (obfuscated).
pub(crate) fn string_piece<'a>(_c: &Ctx, i: &'a str) -> Option<PResult<'a, String>> {
    if !starts_string(i) {
        return None;
    }
    let body = i.strip_prefix(['h', 'H']).unwrap_or(i);
    for fence in ["```", "~~~"] {
        if let Some(inner) = body.strip_prefix(fence) {
            return Some(match inner.find(fence) {
                Some(n) => Ok((&inner[n + fence.len()..], inner[..n].to_string())),
                None => fatal(
                    i,
                    i.len(),
                    "unterminated multi-line string literal",
                    Some(format!("close it with {fence}")),
                ),
            });
        }
    }
    if let Some(v) = body.strip_prefix('@') {
        return Some(verbatim(i, v));
    }
    Some(quoted(i, body))
}

/// The "unterminated string" error for a literal starting at `start`.
fn unterminated<'a, T>(start: &'a str, quote: char) -> PResult<'a, T> {
    let len = start.find('\n').unwrap_or(start.len());
    fatal(
        start,
        len,
        "unterminated string literal",
        Some(format!(
            "add a closing {quote} (strings cannot span lines; use ``` for multi-line text)"
        )),
    )
}

/// `@"…"`: no escapes, a doubled quote stands for one quote. `body` starts at the quote.
fn verbatim<'a>(start: &'a str, body: &'a str) -> PResult<'a, String> {
    let Some(q) = body.chars().next() else {
        return unterminated(start, '"');
    };
    let mut out = String::new();
    let mut rest = &body[1..];
    loop {
        let Some(n) = rest.find([q, '\n']) else {
            return unterminated(start, q);
        };
        if rest[n..].starts_with('\n') {
            return unterminated(start, q);
        }
        out.push_str(&rest[..n]);
        let after = &rest[n + 1..];
        if after.starts_with(q) {
            out.push(q);
            rest = &after[1..];
        } else {
            return Ok((after, out));
        }
    }
}

/// `"…"` or `'…'` with backslash escapes. `body` starts at the quote.
fn quoted<'a>(start: &'a str, body: &'a str) -> PResult<'a, String> {
    let Some(q) = body.chars().next() else {
        return unterminated(start, '"');
    };
    let mut out = String::new();
    let mut rest = &body[1..];
    loop {
        let Some(n) = rest.find([q, '\\', '\n']) else {
            return unterminated(start, q);
        };
        out.push_str(&rest[..n]);
        let at = &rest[n..];
        match at.chars().next() {
            Some('\\') => {
                let (r, ch) = escape(at)?;
                out.push(ch);
                rest = r;
            }
            Some('\n') | None => return unterminated(start, q),
            Some(_) => return Ok((&at[1..], out)),
        }
    }
}

/// One escape sequence; `at` starts at the backslash.
fn escape(at: &str) -> PResult<'_, char> {
    let after = &at[1..];
    let Some(e) = after.chars().next() else {
        return unterminated(at, '"');
    };
    let simple = match e {
        '\\' => Some('\\'),
        '\'' => Some('\''),
        '"' => Some('"'),
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '0' => Some('\0'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Ok((&after[e.len_utf8()..], ch));
    }
    if e == 'u' {
        let bad = || {
            fatal(
                at,
                2,
                "invalid unicode escape",
                Some("write \\u followed by four hex digits, such as \\u00e9".into()),
            )
        };
        let Some(hi) = hex4(&after[1..]) else {
            return bad();
        };
        let rest = &after[5..];
        if (0xD800..0xDC00).contains(&hi) {
            // A high surrogate must be followed by `\u` and a low surrogate.
            if let Some(lo) = rest.strip_prefix("\\u").and_then(hex4)
                && (0xDC00..0xE000).contains(&lo)
            {
                let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                if let Some(ch) = char::from_u32(code) {
                    return Ok((&rest[6..], ch));
                }
            }
            return bad();
        }
        return match char::from_u32(hi) {
            Some(ch) => Ok((rest, ch)),
            None => bad(),
        };
    }
    fatal(
        at,
        1 + e.len_utf8(),
        format!("unknown escape sequence `\\{e}` in string literal"),
        Some("write `\\\\` for a backslash, or use a verbatim string such as @\"C:\\dir\"".into()),
    )
}

/// Four hex digits at the start of `s`.
fn hex4(s: &str) -> Option<u32> {
    let digits = s.get(..4)?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

// ---------------------------------------------------------------------------
// Numbers and timespans
// ---------------------------------------------------------------------------

/// Timespan unit suffixes accepted after a number.
pub(crate) const TIMESPAN_UNITS: [&str; 25] = [
    "d",
    "day",
    "days",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "m",
    "min",
    "minute",
    "minutes",
    "s",
    "sec",
    "second",
    "seconds",
    "ms",
    "milli",
    "millis",
    "millisecond",
    "milliseconds",
    "microsecond",
    "microseconds",
    "tick",
    "ticks",
];

/// A number at `i` (which starts with an ASCII digit): `42`, `0x1F`, `1.5`,
/// `1e3`, or a timespan `1.5h`.
pub(crate) fn number(i: &str) -> PResult<'_, Literal> {
    let hex = i.strip_prefix("0x").or_else(|| i.strip_prefix("0X"));
    if let Some(h) = hex {
        let end = h.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(h.len());
        let text = &i[..2 + end];
        let rest = &h[end..];
        if end == 0 || rest.starts_with(is_ident_char) {
            let len = text.len() + rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
            return fatal(i, len, format!("invalid hex literal `{}`", &i[..len]), None);
        }
        return match i64::from_str_radix(&h[..end], 16) {
            Ok(v) => Ok((rest, Literal::Long(v))),
            Err(_) => fatal(
                i,
                text.len(),
                format!("integer literal `{text}` does not fit in 64 bits"),
                None,
            ),
        };
    }
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let mut end = digits(i);
    let mut is_real = false;
    // A fraction needs a digit after the dot, so `1..2` is `1`, `..`, `2`.
    if i[end..].starts_with('.') && i[end + 1..].starts_with(|c: char| c.is_ascii_digit()) {
        end += 1 + digits(&i[end + 1..]);
        is_real = true;
    } else if i[end..].starts_with('.')
        && !i[end + 1..].starts_with(|c: char| c == '.' || is_ident_start(c))
    {
        // `0.` is a real; `1..2` is a range and `1.x` is left to fail later.
        end += 1;
        is_real = true;
    }
    if i[end..].starts_with(['e', 'E']) {
        let mut e = end + 1;
        if i[e..].starts_with(['+', '-']) {
            e += 1;
        }
        let n = digits(&i[e..]);
        if n > 0 {
            end = e + n;
            is_real = true;
        }
    }
    let text = &i[..end];
    let rest = &i[end..];
    let suffix_len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
    if suffix_len > 0 {
        let unit = &rest[..suffix_len];
        if TIMESPAN_UNITS.contains(&unit) {
            let lit = Literal::TimeSpan {
                value: text.to_string(),
                unit: unit.to_string(),
            };
            return Ok((&rest[suffix_len..], lit));
        }
        return fatal(
            i,
            end + suffix_len,
            format!(
                "invalid number `{}`: `{unit}` is not a timespan unit",
                &i[..end + suffix_len]
            ),
            Some(
                "timespan units are d, h, m, s, ms, microsecond, tick (and their long forms)"
                    .into(),
            ),
        );
    }
    if is_real {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok((rest, Literal::Real(v))),
            _ => fatal(
                i,
                end,
                format!("real literal `{text}` is out of range"),
                None,
            ),
        }
    } else {
        match text.parse::<i64>() {
            Ok(v) => Ok((rest, Literal::Long(v))),
            Err(_) => fatal(
                i,
                end,
                format!("integer literal `{text}` does not fit in 64 bits"),
                Some(format!("write it as a real: {text}.0")),
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// Typed literals
// ---------------------------------------------------------------------------

/// Type keywords that form a typed literal when followed by `(`.
pub(crate) const TYPED_LITERALS: [&str; 13] = [
    "datetime", "date", "timespan", "time", "guid", "dynamic", "int", "long", "real", "double",
    "bool", "boolean", "decimal",
];

/// The parenthesized text of a typed literal; `i` starts at (whitespace
/// before) `(`. Returns the trimmed raw text between balanced parentheses,
/// skipping over quoted strings.
pub(crate) fn typed_text(i: &str) -> PResult<'_, String> {
    let (body, _) = sym(i, "(")?;
    let open = ws(i);
    let mut depth = 0usize;
    let mut chars = body.char_indices();
    // The text without its comments: a comment is not part of the value, and the text
    // is printed on one line, where a kept `//` would swallow the closing `)`.
    let mut text = String::new();
    let mut from = 0;
    while let Some((n, ch)) = chars.next() {
        match ch {
            '(' => depth += 1,
            ')' if depth == 0 => {
                text.push_str(&body[from..n]);
                return Ok((&body[n + 1..], text.trim().to_string()));
            }
            ')' => depth -= 1,
            // A `//` comment runs to the end of the line (`dynamic([ // why…`).
            '/' if body[n + 1..].starts_with('/') => {
                text.push_str(&body[from..n]);
                from = body.len();
                for (k, c) in chars.by_ref() {
                    if c == '\n' {
                        from = k;
                        break;
                    }
                }
            }
            '"' | '\'' => {
                let verbatim = body[..n].ends_with('@');
                loop {
                    match chars.next() {
                        Some((_, '\\')) if !verbatim => {
                            chars.next();
                        }
                        Some((_, q)) if q == ch => break,
                        Some(_) => {}
                        None => break,
                    }
                }
            }
            _ => {}
        }
    }
    fatal(
        open,
        1,
        "unclosed `(` in typed literal",
        Some("add a closing `)`".into()),
    )
}

/// Raw text up to the next top-level `|`, `;`, unmatched `)` or end of input,
/// with `//` comments removed and trimmed; used for `render`'s options.
pub(crate) fn raw_until_pipe(i: &str) -> (&str, String) {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut seg_start = 0usize;
    let mut chars = i.char_indices().peekable();
    let mut end = i.len();
    while let Some((n, ch)) = chars.next() {
        match ch {
            '|' | ';' if depth == 0 => {
                end = n;
                break;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                if depth == 0 {
                    end = n;
                    break;
                }
                depth -= 1;
            }
            '/' if i[n..].starts_with("//") => {
                out.push_str(&i[seg_start..n]);
                let stop = i[n..].find('\n').map_or(i.len(), |k| n + k);
                while chars.peek().is_some_and(|(k, _)| *k < stop) {
                    chars.next();
                }
                seg_start = stop;
            }
            '"' | '\'' => {
                let verbatim = i[..n].ends_with('@');
                loop {
                    match chars.next() {
                        Some((_, '\\')) if !verbatim => {
                            chars.next();
                        }
                        Some((_, q)) if q == ch => break,
                        Some(_) => {}
                        None => break,
                    }
                }
            }
            _ => {}
        }
    }
    if seg_start < end {
        out.push_str(&i[seg_start..end]);
    }
    (&i[end..], out.trim().to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ast::{ExprKind, Literal};
    use crate::test_util::{canonical, parse_err, print_expr, verified};

    fn lit(src: &str) -> Literal {
        match print_expr(src).kind {
            ExprKind::Literal(l) => l,
            other => panic!("{src}: not a literal: {other:?}"),
        }
    }

    fn string(src: &str) -> String {
        match lit(src) {
            Literal::String(s) => s,
            other => panic!("{src}: not a string: {other:?}"),
        }
    }

    #[test]
    fn whitespace_and_comments() {
        assert_eq!(ws("  // a\n\t// b\n x"), "x");
        assert_eq!(ws("// only a comment"), "");
        assert_eq!(ws("\u{200B} T"), "T");
        canonical("T // c1\n// c2\n|  where   x>1 // c3\n", "T\n| where x > 1");
    }

    #[test]
    fn words_and_keywords() {
        assert_eq!(word("has_any("), Some(("has_any", "(")));
        assert_eq!(word("1x"), None);
        assert!(peek_kw("  where x", "where").is_some());
        assert!(peek_kw("wherex", "where").is_none());
        assert!(is_plain_ident("_a1") && !is_plain_ident("1a") && !is_plain_ident("a b"));
    }

    #[test]
    fn bracketed_identifiers() {
        canonical("['My Table'] | take 1", "['My Table']\n| take 1");
        canonical("[\"x\"] | take 1", "x\n| take 1");
        canonical(
            "T | project ['a b'], ['by']",
            "T\n| project ['a b'], ['by']",
        );
        canonical("T | project ['it\\'s']", "T\n| project ['it\\'s']");
    }

    #[test]
    fn regular_strings_and_escapes() {
        assert_eq!(string(r#""a\"b""#), "a\"b");
        assert_eq!(string(r"'it\'s'"), "it's");
        assert_eq!(string(r#""\\ \n \t \r""#), "\\ \n \t \r");
        assert_eq!(string(r#""\u00e9""#), "é");
        assert_eq!(string(r#""\ud83d\ude00""#), "😀");
        canonical(r#"print 'a', 'say \"hi\"'"#, r#"print "a", "say \"hi\"""#);
    }

    #[test]
    fn verbatim_obfuscated_and_multiline_strings() {
        assert_eq!(string(r#"@"C:\dir\""#), "C:\\dir\\");
        assert_eq!(string(r#"@"a""b""#), "a\"b");
        assert_eq!(string("@'x''y'"), "x'y");
        assert_eq!(string(r#"h"secret""#), "secret");
        assert_eq!(string("H'secret'"), "secret");
        assert_eq!(string(r#"h@"c:\x""#), "c:\\x");
        assert_eq!(string("```line1\nline2```"), "line1\nline2");
        assert_eq!(string("~~~a\"b~~~"), "a\"b");
        canonical(r#"print @"C:\dir""#, r#"print "C:\\dir""#);
        canonical("print ```a\nb```", r#"print "a\nb""#);
    }

    #[test]
    fn adjacent_strings_concatenate() {
        assert_eq!(string(r#""a" 'b' @"c""#), "abc");
        assert_eq!(string("'a'\n// comment\n'b'"), "ab");
        let e = print_expr(r#""a" "b""#);
        assert_eq!((e.span.start, e.span.end), (6, 13));
    }

    #[test]
    fn string_errors() {
        let e = parse_err("print \"abc");
        assert_eq!(e.message, "unterminated string literal");
        assert_eq!((e.span.start, e.span.end), (6, 10));
        let e = parse_err("print 'abc\n| take 1");
        assert_eq!((e.span.start, e.span.end), (6, 10));
        let e = parse_err(r#"print "a\qb""#);
        assert!(
            e.message.contains("unknown escape sequence `\\q`"),
            "{}",
            e.message
        );
        assert_eq!((e.span.start, e.span.end), (8, 10));
        let e = parse_err(r#"print "\u12""#);
        assert_eq!(e.message, "invalid unicode escape");
        let e = parse_err("print ```abc");
        assert_eq!(e.message, "unterminated multi-line string literal");
        let e = parse_err(r#"print "\ud800x""#);
        assert_eq!(e.message, "invalid unicode escape");
    }

    #[test]
    fn integers_reals_hex() {
        assert_eq!(lit("42"), Literal::Long(42));
        assert_eq!(lit("0x1F"), Literal::Long(31));
        assert_eq!(lit("0X1a"), Literal::Long(26));
        assert_eq!(lit("9223372036854775807"), Literal::Long(i64::MAX));
        assert_eq!(lit("1.5"), Literal::Real(1.5));
        assert_eq!(lit("1e3"), Literal::Real(1000.0));
        assert_eq!(lit("2.5E-3"), Literal::Real(0.0025));
        assert_eq!(lit("2.5e+3"), Literal::Real(2500.0));
        verified("print 1.5, 1000.0, 1e21, 1e-7, 0.1");
        canonical("print 1e3, 0x10", "print 1000.0, 16");
    }

    #[test]
    fn number_errors() {
        let e = parse_err("print 9223372036854775808");
        assert!(
            e.message.contains("does not fit in 64 bits"),
            "{}",
            e.message
        );
        assert_eq!((e.span.start, e.span.end), (6, 25));
        let e = parse_err("print 1e999");
        assert!(e.message.contains("out of range"), "{}", e.message);
        let e = parse_err("print 1mx");
        assert!(
            e.message.contains("`mx` is not a timespan unit"),
            "{}",
            e.message
        );
        assert_eq!((e.span.start, e.span.end), (6, 9));
        let e = parse_err("print 0x");
        assert!(e.message.contains("invalid hex literal"), "{}", e.message);
        let e = parse_err("print 0x1g");
        assert!(
            e.message.contains("invalid hex literal `0x1g`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn timespans() {
        let ts = |v: &str, u: &str| Literal::TimeSpan {
            value: v.into(),
            unit: u.into(),
        };
        assert_eq!(lit("1d"), ts("1", "d"));
        assert_eq!(lit("1.5h"), ts("1.5", "h"));
        assert_eq!(lit("100ms"), ts("100", "ms"));
        assert_eq!(lit("1min"), ts("1", "min"));
        assert_eq!(lit("10tick"), ts("10", "tick"));
        for unit in TIMESPAN_UNITS {
            assert_eq!(lit(&format!("3{unit}")), ts("3", unit));
        }
        verified("print 1d, 2h, 30m, 5min, 10s, 100ms, 1microsecond, 10ticks, 7days, 2hrs");
    }

    #[test]
    fn booleans() {
        for (src, b) in [
            ("true", true),
            ("True", true),
            ("TRUE", true),
            ("false", false),
            ("FALSE", false),
        ] {
            assert_eq!(lit(src), Literal::Bool(b));
        }
        canonical("print True, FALSE", "print true, false");
    }

    #[test]
    fn typed_literals() {
        let typed = |ty: &str, text: &str| Literal::Typed {
            ty: ty.into(),
            text: text.into(),
        };
        assert_eq!(
            lit("datetime(2025-06-01 10:00:00.1234567)"),
            typed("datetime", "2025-06-01 10:00:00.1234567")
        );
        assert_eq!(
            lit(r#"dynamic({"a": [1,2]})"#),
            typed("dynamic", r#"{"a": [1,2]}"#)
        );
        assert_eq!(lit("long(null)"), typed("long", "null"));
        assert_eq!(
            lit("timespan( 1.02:03:04 )"),
            typed("timespan", "1.02:03:04")
        );
        assert_eq!(
            lit(r#"dynamic(["(", ")"])"#),
            typed("dynamic", r#"["(", ")"]"#)
        );
        assert_eq!(
            lit(r#"dynamic({"k": "a\"b)"})"#),
            typed("dynamic", r#"{"k": "a\"b)"}"#)
        );
        for ty in TYPED_LITERALS {
            assert_eq!(lit(&format!("{ty}(1)")), typed(ty, "1"));
        }
        verified(
            "print datetime(2025-06-01), guid(00000000-0000-0000-0000-000000000001), real(nan), bool(true)",
        );
        let e = parse_err("print dynamic([1, 2]");
        assert!(e.message.contains("unclosed `(`"), "{}", e.message);
        assert_eq!(e.span.start, 13);
    }

    #[test]
    fn type_keywords_without_parens_are_identifiers() {
        assert!(matches!(print_expr("time").kind, ExprKind::Ident(_)));
        assert!(matches!(
            print_expr("date + 1d").kind,
            ExprKind::Binary { .. }
        ));
    }

    #[test]
    fn render_raw_text() {
        assert_eq!(
            raw_until_pipe(" with (title=\"a|b\") | take 1"),
            ("| take 1", "with (title=\"a|b\")".into())
        );
        assert_eq!(raw_until_pipe(" // note\n"), ("", String::new()));
        assert_eq!(
            raw_until_pipe(" with (x=1) // c ; d\n; T"),
            ("; T", "with (x=1)".into())
        );
        assert_eq!(raw_until_pipe(" a) | b"), (") | b", "a".into()));
    }
}
