//! hunt-syntax: KQL text → AST (stage 1 of hunt; see `docs/architecture.md`).
//!
//! `parse` turns query text into a [`ast::Query`] whose every node carries a
//! byte [`Span`]; `Display` on the AST prints canonical KQL that re-parses to
//! the same print.

pub mod ast;
pub mod error;
pub mod span;

pub use error::ParseError;
pub use span::Span;

/// Parses a whole KQL query.
pub fn parse(src: &str) -> Result<ast::Query, ParseError> {
    let _ = src;
    Err(ParseError { span: Span::default(), message: "parser not written yet".into(), help: None })
}
