//! Syntax of the Kusto control commands a schema file holds: `.create table`,
//! `.create-merge table(s)`, `.create function`, `.create-or-alter function`,
//! `.alter function`. Only the commands that declare schemas and stored functions;
//! the rest of Kusto's management language is refused by name when parsed.

use super::{Expr, ExprKind, FunctionParam, Ident, Literal, Statement};
use crate::span::Span;

/// One control command.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum ControlCommand {
    /// `.create table T (c:type, …) [with (…)]`, `.create tables T1 (…), T2 (…)`,
    /// `.create-merge table(s) …`.
    CreateTables {
        /// True for `.create-merge`: an existing table gains the new columns instead
        /// of the command failing.
        merge: bool,
        /// The tables declared.
        tables: Vec<TableDecl>,
        /// `with (docstring = "…", folder = "…")`.
        options: Vec<(Ident, Expr)>,
        /// The command text.
        span: Span,
    },
    /// `.create function [ifnotexists] [with (…)] Name(params) { body }` and the
    /// `.create-or-alter` / `.alter` forms.
    CreateFunction {
        /// Which verb was used.
        mode: FunctionMode,
        /// The function name.
        name: Ident,
        /// Parameters in order (defaults allowed: `lookback:timespan = 30d`).
        params: Vec<FunctionParam>,
        /// Statements of the body; the last one is its value.
        body: Vec<Statement>,
        /// `with (docstring = "…", folder = "…", skipvalidation = "true")`.
        options: Vec<(Ident, Expr)>,
        /// The command text.
        span: Span,
    },
}

/// The verb of a function command, which decides what happens when the name exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionMode {
    /// `.create function`: an existing function of that name is an error.
    Create,
    /// `.create function ifnotexists`: an existing function is kept.
    CreateIfNotExists,
    /// `.create-or-alter function`: replaces or creates.
    CreateOrAlter,
    /// `.alter function`: the function must exist.
    Alter,
}

/// `T (c1:type, c2:type)` in a `.create table(s)` command.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    /// The table name.
    pub name: Ident,
    /// Column names and type names, in order.
    pub columns: Vec<(Ident, Ident)>,
}

impl ControlCommand {
    /// The command's text span.
    pub fn span(&self) -> Span {
        match self {
            ControlCommand::CreateTables { span, .. }
            | ControlCommand::CreateFunction { span, .. } => *span,
        }
    }

    /// The string value of option `name` (`docstring`, `folder`), if given as a string.
    pub fn option(&self, name: &str) -> Option<&str> {
        let options = match self {
            ControlCommand::CreateTables { options, .. }
            | ControlCommand::CreateFunction { options, .. } => options,
        };
        options.iter().find_map(|(k, v)| match &v.kind {
            ExprKind::Literal(Literal::String(s)) if k.name.eq_ignore_ascii_case(name) => {
                Some(s.as_str())
            }
            _ => None,
        })
    }
}
