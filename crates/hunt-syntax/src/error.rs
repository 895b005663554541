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
/// - "the `evaluate` operator is not supported yet": `T | ⟨evaluate bag_unpack(x)`
/// - "the `like` operator is not supported yet": `T | where a ⟨like "x"`
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
/// - "method-call syntax `x.f()` is not supported": `print s.f⟨()`
/// - "a tabular expression as a function argument … is not supported yet":
///   `print toscalar(T ⟨| count)`
/// - "a tabular expression inside `in (…)` is not supported yet":
///   `T | where a in (T ⟨| take 1)`
/// - "user-defined functions are not supported yet": `let f = ⟨(x:long) { x }`
/// - "`find` is not supported yet": `⟨find "x"`
/// - "a function call (`database(…)`) as a tabular source is not supported yet":
///   `⟨database("d").T`
/// - "`set` statements are not supported yet": `⟨set notruncation; T`
/// - "the query nests too deeply …": `print ((((…` (64 levels, of which 16 pipelines)
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
