//! Planning errors: data with a span, a label and a hint; rendered by the CLI.

use hunt_syntax::Span;

/// What kind of planning error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanErrorKind {
    /// `NoSuchTable | take 1`
    UnknownTable,
    /// `T | where Nmae == "x"`
    UnknownColumn,
    /// `T | extend x = frobnicate(1)`
    UnknownFunction,
    /// `T | where Name > 1` with `Name:string`: the operand types do not fit.
    Type,
    /// A construct hunt parses but does not run yet: `T | mv-expand x`.
    Unsupported,
    /// A malformed argument or literal: `datetime(2025-13-01)`, `take -1`.
    Invalid,
    /// A table the query names exists but its files cannot be read; `cause` holds the
    /// engine's error naming the file.
    Unreadable,
    /// The query exceeds one of hunt's documented limits (plan size, nesting depth).
    Limit,
}

/// A planning error at a span of the query text.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct PlanError {
    /// The category.
    pub kind: PlanErrorKind,
    /// Where in the query.
    pub span: Span,
    /// One sentence.
    pub message: String,
    /// Text for the label under the span.
    pub label: Option<String>,
    /// A hint such as `did you mean `EventID`?`.
    pub help: Option<String>,
    /// The error behind an [`PlanErrorKind::Unreadable`] table.
    #[source]
    pub cause: Option<crate::catalog::TableError>,
}

impl PartialEq for PlanError {
    fn eq(&self, other: &PlanError) -> bool {
        self.kind == other.kind
            && self.span == other.span
            && self.message == other.message
            && self.label == other.label
            && self.help == other.help
            && self.cause.as_ref().map(|c| c.to_string())
                == other.cause.as_ref().map(|c| c.to_string())
    }
}

impl Eq for PlanError {}

impl PlanError {
    /// A new error without label or help.
    pub fn new(kind: PlanErrorKind, span: Span, message: impl Into<String>) -> PlanError {
        PlanError {
            kind,
            span,
            message: message.into(),
            label: None,
            help: None,
            cause: None,
        }
    }
    /// Table `name` at `span` exists but cannot be read.
    pub fn unreadable(span: Span, name: &str, cause: crate::catalog::TableError) -> PlanError {
        let mut e = PlanError::new(PlanErrorKind::Unreadable, span, cause.to_string())
            .with_label(format!("table `{name}` cannot be read"));
        e.cause = Some(cause);
        e
    }
    /// A documented limit of hunt is exceeded.
    pub fn limit(span: Span, message: impl Into<String>) -> PlanError {
        PlanError::new(PlanErrorKind::Limit, span, message)
    }
    /// Adds the label shown under the span.
    pub fn with_label(mut self, label: impl Into<String>) -> PlanError {
        self.label = Some(label.into());
        self
    }
    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> PlanError {
        self.help = Some(help.into());
        self
    }
    /// `unsupported` error naming the construct.
    pub fn unsupported(span: Span, what: impl std::fmt::Display) -> PlanError {
        PlanError::new(
            PlanErrorKind::Unsupported,
            span,
            format!("{what} is not supported by hunt yet"),
        )
        .with_label("not supported")
    }
    /// A type error.
    pub fn ty(span: Span, message: impl Into<String>) -> PlanError {
        PlanError::new(PlanErrorKind::Type, span, message)
    }
    /// An invalid argument or literal.
    pub fn invalid(span: Span, message: impl Into<String>) -> PlanError {
        PlanError::new(PlanErrorKind::Invalid, span, message)
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
