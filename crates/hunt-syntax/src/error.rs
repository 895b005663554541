//! Parse errors: data, not text. The CLI renders them with a caret.

use crate::span::Span;

/// A syntax error at a span of the query text.
///
/// `T | where` gives "expected an expression after `where`" at the end of the text.
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
