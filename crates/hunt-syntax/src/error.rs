//! Parse errors: data, not text. The CLI renders them with a caret.

use crate::span::Span;

/// A syntax error at a span of the query text.
///
/// `T | where` gives "expected an expression after `where`" at the end of the text.
///
/// The messages, each with an input that triggers it (the span is the part
/// after `⟨`):
///
/// - "expected …, found …": `T | take 10 ⟨)`, `T | where x >⟨`
/// - "expected … after `where`, found …": `T | where⟨`
/// - "unknown tabular operator `wher`", help "did you mean `where`?": `T | ⟨wher x`
/// - "the `assert-schema` operator is not supported yet" (schema
///   operators): `T | ⟨assert-schema (a:long)`
/// - "`find` can only start a query, not follow `|`": `T | ⟨find x`
/// - "`nothas` is not a Kusto operator", help "write `!has`":
///   `T | where a ⟨nothas "x"`
/// - "unterminated string literal": `print ⟨"abc`
/// - "unterminated multi-line string literal": ``print ⟨```abc``
/// - "unknown escape sequence `\q` in string literal": `print "a⟨\q"`
/// - "invalid unicode escape": `print "⟨\u12"`
/// - "integer literal `…` does not fit in 64 bits": `print ⟨99999999999999999999`
/// - "real literal `…` is out of range": `print ⟨1e999`
/// - "invalid number `1mx`: `mx` is not a timespan unit": `print ⟨1mx`
/// - "invalid hex literal `0x`": `print ⟨0x`
/// - "unclosed `(` in typed literal": `print dynamic⟨([1]`
/// - "expected `$left` or `$right`": `print ⟨$lft.x`
/// - "expected a function body, found `}`": `let f = () { ⟨}`
/// - "expected a parse pattern, …": `T | parse x with⟨`
/// - "the query nests too deeply …": `print ((((…` (64 levels, of which 16
///   pipelines or function bodies)
/// - "the expression is too deep …": `print 1 + 1 + …` (256 chained operators)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Where the error is (an empty span points between two characters).
    pub span: Span,
    /// One sentence: what was expected and what was found.
    pub message: String,
    /// A hint, such as the closest known operator name.
    pub help: Option<String>,
}

/// How many characters of a piece of query text or data an error message quotes.
const QUOTED_CHARS: usize = 80;

/// `text` as an error message quotes it: control characters escaped (`\n`, `\u{1b}`) so a
/// message stays one line and cannot steer a terminal, and cut after
/// 80 characters with a count of what was left out, so a 100k-character literal does not
/// fill the screen.
pub fn abbreviate(text: &str) -> String {
    let mut out = String::new();
    let mut shown = 0;
    for (i, c) in text.char_indices() {
        if shown == QUOTED_CHARS {
            let rest = text[i..].chars().count();
            out.push_str(&format!("… ({rest} more characters)"));
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        shown += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::abbreviate;

    #[test]
    fn long_text_is_cut_and_control_characters_escaped() {
        assert_eq!(abbreviate("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        let long = "x".repeat(100_000);
        let shown = abbreviate(&long);
        assert!(shown.starts_with(&"x".repeat(80)));
        assert!(shown.ends_with("… (99920 more characters)"), "{shown}");
        assert_eq!(abbreviate("short"), "short");
    }
}
