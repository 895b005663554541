//! hunt-syntax: KQL text → AST (stage 1 of hunt; see `docs/architecture.md`).
//!
//! `parse` turns query text into a [`ast::Query`] whose every node carries a
//! byte [`Span`]; `Display` on the AST prints canonical KQL that re-parses to
//! the same print.
//!
//! ```
//! let q = hunt_syntax::parse("AlertInfo|where Severity=='High'|take 5").unwrap();
//! assert_eq!(q.to_string(), "AlertInfo\n| where Severity == \"High\"\n| take 5");
//! ```

pub mod ast;
mod display;
mod display_ext;
mod display_graph;
pub mod error;
mod fmt;
pub mod keywords;
pub(crate) mod parser;
pub mod span;

pub use error::{ParseError, abbreviate};
pub use fmt::format_query;
pub use span::Span;

/// Parses a whole KQL query: statements (`let`, `set`, `declare`, …) and
/// tabular expressions, separated by `;`. All input must be consumed.
///
/// Nesting is limited (64 levels of parentheses, calls and pipelines, of which
/// at most 16 pipelines or function bodies; 256 levels of expression tree), so hostile input
/// returns an error rather than overflowing the stack.
pub fn parse(src: &str) -> Result<ast::Query, ParseError> {
    parser::parse_query(src)
}

/// Parses a script of Kusto control commands, as a schema file (`DIR/schema.kql`) holds
/// them: `.create table`, `.create-merge table(s)`, `.create function`,
/// `.create-or-alter function`, `.alter function`, separated by whitespace (or `;`).
/// Any other command is refused by name, with its span.
pub fn parse_control(src: &str) -> Result<Vec<ast::ControlCommand>, ParseError> {
    parser::parse_control_script(src)
}

/// Helpers shared by the unit tests of every parser module.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod test_util {
    use crate::ast::{Expr, Operator, OperatorKind, Query, Source, Statement};
    use crate::{ParseError, parse};

    /// Parses `src`, checks that it prints back exactly as `src` and that the
    /// print re-parses to the same print (sqlparser's `verified_stmt`).
    #[track_caller]
    pub(crate) fn verified(src: &str) -> Query {
        canonical(src, src)
    }

    /// Parses `src`, checks that it prints as `expected`, and that `expected`
    /// re-parses and prints the same.
    #[track_caller]
    pub(crate) fn canonical(src: &str, expected: &str) -> Query {
        let q = parse(src).unwrap_or_else(|e| panic!("{src}\n{e:?}"));
        let printed = q.to_string();
        assert_eq!(printed, expected, "print(parse(src)) for {src:?}");
        let again = parse(&printed).unwrap_or_else(|e| panic!("re-parse of {printed}\n{e:?}"));
        assert_eq!(again.to_string(), printed, "print is not stable");
        q
    }

    /// Parses `src`, which must fail.
    #[track_caller]
    pub(crate) fn parse_err(src: &str) -> ParseError {
        match parse(src) {
            Ok(q) => panic!("expected an error for {src:?}, got:\n{q}"),
            Err(e) => e,
        }
    }

    /// The only tabular statement's pipeline operators.
    #[track_caller]
    pub(crate) fn ops(q: &Query) -> &[Operator] {
        match q.statements.last() {
            Some(Statement::Tabular(p)) => &p.ops,
            other => panic!("not a tabular statement: {other:?}"),
        }
    }

    /// The expression of `print e` (first printed expression).
    #[track_caller]
    pub(crate) fn print_expr(src: &str) -> Expr {
        let q = parse(&format!("print {src}")).unwrap_or_else(|e| panic!("{src}\n{e:?}"));
        match q.statements.last() {
            Some(Statement::Tabular(p)) => match &p.source {
                Source::Print { exprs, .. } => exprs[0].expr.clone(),
                other => panic!("not print: {other:?}"),
            },
            other => panic!("not tabular: {other:?}"),
        }
    }

    /// The predicate of `T | where e`.
    #[track_caller]
    pub(crate) fn where_expr(src: &str) -> Expr {
        let q = parse(&format!("T | where {src}")).unwrap_or_else(|e| panic!("{src}\n{e:?}"));
        match &ops(&q)[0].kind {
            OperatorKind::Where(e) => e.clone(),
            other => panic!("not where: {other:?}"),
        }
    }
}
