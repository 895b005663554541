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
