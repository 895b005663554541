//! The nom 8 parser: KQL text → [`ast::Query`](crate::ast::Query).
//!
//! Layout: `lexical` (whitespace, words, literals), `expr` (precedence
//! climbing), `statement` (statements, pipelines, sources), `function`
//! (user-defined functions, `set`/`declare`/`alias`/`restrict`,
//! `externaldata`), `operator` (the core tabular operators, one function
//! each, and the dispatcher) and `operator_ext` (the operators hunt parses
//! but does not plan yet). Every parser takes the shared [`Ctx`] and a
//! `&str` that is a suffix of the query text; spans are computed from the
//! remaining length (`offset = src.len() - rest.len()`).
//!
//! The accepted grammar, informally:
//!
//! ```text
//! query     = "--" sql-text | statement (";" statement)* ";"?
//! statement = "let" name "=" (function | pipeline | expr) | "set" name ("=" expr)?
//!           | "declare" "query_parameters" params | "declare" "pattern" …
//!           | "alias" kind name "=" expr | "restrict" "access" "to" "(" entity,* ")"
//!           | pipeline
//! function  = "view"? params "{" statement (";" statement)* ";"? "}"
//! params    = "(" (name ":" (type | "(" schema ")") ("=" expr)?),* ")"
//! pipeline  = source ("|" operator)*
//! source    = "datatable" "(" (name ":" type),+ ")" "[" expr,* "]"
//!           | "print" named,+ | "range" name "from" expr "to" expr "step" expr
//!           | "union" params operand,+ | "externaldata" … | "inline_external_table" …
//!           | "evaluate" … | "search" … | "find" … | "macro-expand" …
//!           | expr            (a name is a table; `(T | …)` a nested pipeline;
//!                              anything else, such as `f(x)` or
//!                              `database("d").T`, an expression source)
//! operator  = where | filter | project | extend | project-away | project-keep
//!           | project-rename | project-reorder | project-by-names | summarize
//!           | take | limit | sort | order | top | count | distinct | join | lookup
//!           | union | mv-expand | mvexpand | render | as | getschema | serialize
//!           | parse | parse-where | parse-kv | evaluate | make-series | mv-apply
//!           | top-nested | top-hitters | sample | sample-distinct | facet | search
//!           | invoke | scan | consume | reduce | partition | fork | macro-expand
//! expr      = or-level, then and, comparisons / string / like / list ops / between,
//!             + -, * / %, unary - + and `not x`, postfix .name .f(…) [index], primary
//! ```
//!
//! Inside parentheses (call arguments, `in (…)` lists, `(…)`) an expression
//! followed by `|`, or text that starts with a tabular keyword, is a
//! pipeline: [`ExprKind::Subquery`](crate::ast::ExprKind::Subquery). The
//! bodies of `mv-apply`, `fork`, `facet` and `partition` may start with an
//! operator: their source is then [`Source::Implicit`](crate::ast::Source::Implicit).
//!
//! Error handling follows nom-sql: the `or` of [`PError`] keeps the error that got
//! furthest, and once an operator keyword has matched the rest of the operator
//! is `cut`, so the error names the operator instead of backtracking to "expected
//! end of input". Errors that are certain (an unterminated string, an integer
//! that overflows, an unknown operator) are raised as `Failure` with a
//! ready-made message.

pub(crate) mod control;
pub(crate) mod expr;
pub(crate) mod function;
pub(crate) mod graph;
pub(crate) mod lexical;
pub(crate) mod operator;
pub(crate) mod operator_ext;
pub(crate) mod statement;

use std::cell::Cell;

use nom::error::ErrorKind;

use crate::ast::Query;
use crate::error::ParseError;
use crate::span::Span;

/// How deeply expressions and pipelines may nest before the parser gives up.
///
/// sqlparser uses 50; 64 leaves room for real queries (the deepest query in
/// the Defender corpus nests 6 levels) while keeping the recursion far from
/// the 2 MiB stack of a test thread even in debug builds.
pub const MAX_DEPTH: u32 = 64;

/// Result of every parser in this module.
pub(crate) type PResult<'a, T> = nom::IResult<&'a str, T, PError<'a>>;

/// What the parser was looking for when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    /// A literal token, printed in backticks: `` `)` ``.
    Tok(&'static str),
    /// A description: "an expression".
    Desc(&'static str),
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Tok(t) => write!(f, "`{t}`"),
            Expected::Desc(d) => f.write_str(d),
        }
    }
}

/// An error with a complete message, used when the parser knows exactly what
/// is wrong (unterminated string, unknown operator, nesting too deep).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Custom {
    /// Length in bytes of the offending text, starting at [`PError::at`].
    pub len: usize,
    /// The full message.
    pub message: String,
    /// An optional hint.
    pub help: Option<String>,
}

/// The nom error type: where the parser stopped and what it expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PError<'a> {
    /// The remaining input at the error (a suffix of the query text).
    pub at: &'a str,
    /// Alternatives that would have been accepted at `at`.
    pub expected: Vec<Expected>,
    /// A ready-made message, which takes precedence over `expected`.
    pub custom: Option<Box<Custom>>,
    /// The operator keyword being parsed and the offset just after it, so an
    /// error right after the keyword can say "after `where`".
    pub context: Option<(&'static str, usize)>,
}

impl<'a> PError<'a> {
    /// An error expecting `what` at `at`.
    pub fn expected(at: &'a str, what: Expected) -> Self {
        PError {
            at,
            expected: vec![what],
            custom: None,
            context: None,
        }
    }

    /// An error with a complete message covering `len` bytes from `at`.
    pub fn custom(at: &'a str, len: usize, message: String, help: Option<String>) -> Self {
        let len = clamp_len(at, len);
        PError {
            at,
            expected: Vec::new(),
            custom: Some(Box::new(Custom { len, message, help })),
            context: None,
        }
    }
}

/// Shrinks `len` so that `at[..len]` is in bounds and ends on a char boundary.
fn clamp_len(at: &str, len: usize) -> usize {
    let mut len = len.min(at.len());
    while !at.is_char_boundary(len) {
        len -= 1;
    }
    len
}

impl<'a> nom::error::ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PError {
            at: input,
            expected: Vec::new(),
            custom: None,
            context: None,
        }
    }

    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Keeps the error that got furthest (shortest remaining input); at the same
    /// position, merges what each branch expected.
    fn or(self, other: Self) -> Self {
        use std::cmp::Ordering;
        match self.at.len().cmp(&other.at.len()) {
            Ordering::Less => self,
            Ordering::Greater => other,
            Ordering::Equal => {
                if self.custom.is_some() {
                    return self;
                }
                if other.custom.is_some() {
                    return other;
                }
                let mut merged = self;
                for e in other.expected {
                    if !merged.expected.contains(&e) {
                        merged.expected.push(e);
                    }
                }
                merged
            }
        }
    }
}

/// A recoverable error: `alt`-style callers may try something else.
pub(crate) fn err<'a, T>(at: &'a str, what: Expected) -> PResult<'a, T> {
    Err(nom::Err::Error(PError::expected(at, what)))
}

/// A fatal error with a complete message.
pub(crate) fn fatal<'a, T>(
    at: &'a str,
    len: usize,
    message: impl Into<String>,
    help: Option<String>,
) -> PResult<'a, T> {
    Err(nom::Err::Failure(PError::custom(
        at,
        len,
        message.into(),
        help,
    )))
}

/// Turns a recoverable error into a fatal one (nom's `cut` for a result).
pub(crate) fn cut_err<'a, T>(r: PResult<'a, T>) -> PResult<'a, T> {
    match r {
        Err(nom::Err::Error(e)) => Err(nom::Err::Failure(e)),
        other => other,
    }
}

/// State shared by all parsers for one query.
pub(crate) struct Ctx {
    /// Length of the whole query text.
    len: usize,
    /// Current nesting depth of parenthesized expressions, calls and pipelines
    /// (bounds the parser's own recursion).
    depth: Cell<u32>,
    /// Current depth of the expression tree being built, which also counts
    /// chained operators (`a or b or c …`) and suffixes (`d.a.b.c …`): it
    /// bounds the recursion of every later pass (printing, planning, drop).
    tree: Cell<u32>,
    /// Current nesting depth of pipelines (`(T | …)`, `join (…)`).
    pipelines: Cell<u32>,
    /// True while parsing a `search`/`find` predicate, where `Column:term`
    /// is allowed.
    pub search_terms: Cell<bool>,
    /// True while parsing an entity reference, where a member name may be a
    /// wildcard pattern (`database("d").T*`).
    pub patterns: Cell<bool>,
}

/// Undoes one [`Ctx::descend`] or [`Ctx::grow`] when dropped.
pub(crate) struct DepthGuard<'c> {
    depth: Option<&'c Cell<u32>>,
    tree: &'c Cell<u32>,
    pipelines: Option<&'c Cell<u32>>,
}

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        for cell in [self.depth, Some(self.tree), self.pipelines]
            .into_iter()
            .flatten()
        {
            cell.set(cell.get().saturating_sub(1));
        }
    }
}

/// How deeply pipelines may nest (`(T | join (U | …))`). A nested pipeline
/// costs several times the stack of a nested expression in unoptimized
/// builds, so it has a lower limit of its own; real hunting queries nest two
/// or three levels.
pub const MAX_PIPELINE_DEPTH: u32 = 16;

/// How deep the expression tree may grow, counting chained binary operators
/// and postfix suffixes as well as nesting. Later passes recurse over the
/// tree, so this keeps them off the stack limit too.
pub const MAX_TREE_DEPTH: u32 = 256;

impl Ctx {
    /// A context for parsing `src`.
    pub fn new(src: &str) -> Ctx {
        Ctx {
            len: src.len(),
            depth: Cell::new(0),
            tree: Cell::new(0),
            pipelines: Cell::new(0),
            search_terms: Cell::new(false),
            patterns: Cell::new(false),
        }
    }

    /// Byte offset of the remaining input `rest` in the query text.
    pub fn off(&self, rest: &str) -> usize {
        self.len - rest.len()
    }

    /// Span from the start of `before` to the start of `after` (both suffixes
    /// of the query text, `after` no longer than `before`).
    pub fn span(&self, before: &str, after: &str) -> Span {
        Span::new(self.off(before), self.off(after))
    }

    /// Enters one nesting level, failing beyond [`MAX_DEPTH`] (or
    /// [`MAX_TREE_DEPTH`]).
    pub fn descend<'a>(&self, at: &'a str) -> Result<DepthGuard<'_>, nom::Err<PError<'a>>> {
        let d = self.depth.get() + 1;
        if d > MAX_DEPTH {
            return Err(too_deep(
                at,
                format!("the query nests too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        self.check_tree(at)?;
        self.depth.set(d);
        self.tree.set(self.tree.get() + 1);
        Ok(DepthGuard {
            depth: Some(&self.depth),
            tree: &self.tree,
            pipelines: None,
        })
    }

    /// Enters one pipeline nesting level, failing beyond
    /// [`MAX_PIPELINE_DEPTH`] (or the other limits).
    pub fn descend_pipeline<'a>(
        &self,
        at: &'a str,
    ) -> Result<DepthGuard<'_>, nom::Err<PError<'a>>> {
        let p = self.pipelines.get() + 1;
        if p > MAX_PIPELINE_DEPTH {
            return Err(too_deep(
                at,
                format!(
                    "the query nests too deeply (more than {MAX_PIPELINE_DEPTH} nested pipelines)"
                ),
            ));
        }
        let mut guard = self.descend(at)?;
        self.pipelines.set(p);
        guard.pipelines = Some(&self.pipelines);
        Ok(guard)
    }

    /// Adds one level to the expression tree (a chained operator or suffix),
    /// failing beyond [`MAX_TREE_DEPTH`].
    pub fn grow<'a>(&self, at: &'a str) -> Result<DepthGuard<'_>, nom::Err<PError<'a>>> {
        self.check_tree(at)?;
        self.tree.set(self.tree.get() + 1);
        Ok(DepthGuard {
            depth: None,
            tree: &self.tree,
            pipelines: None,
        })
    }

    /// Fails if the tree cannot grow by one more level.
    fn check_tree<'a>(&self, at: &'a str) -> Result<(), nom::Err<PError<'a>>> {
        if self.tree.get() + 1 > MAX_TREE_DEPTH {
            return Err(too_deep(
                at,
                format!("the expression is too deep (more than {MAX_TREE_DEPTH} nested operators)"),
            ));
        }
        Ok(())
    }
}

/// The fatal "nested too deeply" error at `at`.
fn too_deep<'a>(at: &'a str, message: String) -> nom::Err<PError<'a>> {
    let len = at.chars().next().map_or(0, char::len_utf8);
    nom::Err::Failure(PError::custom(
        at,
        len,
        message,
        Some("split the expression with `let` statements".into()),
    ))
}

/// Parses a whole query (see [`crate::parse`]).
pub(crate) fn parse_query(src: &str) -> Result<Query, ParseError> {
    let ctx = Ctx::new(src);
    match statement::query(&ctx, src) {
        Ok((_, q)) => Ok(q),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(to_parse_error(src, e)),
        Err(nom::Err::Incomplete(_)) => Err(ParseError {
            span: Span::new(src.len(), src.len()),
            message: "internal error: incomplete input (this is a bug, please report it)".into(),
            help: None,
        }),
    }
}

/// Parses a script of control commands (see [`crate::parse_control`]).
pub(crate) fn parse_control_script(
    src: &str,
) -> Result<Vec<crate::ast::ControlCommand>, ParseError> {
    let ctx = Ctx::new(src);
    match control::script(&ctx, src) {
        Ok((_, cmds)) => Ok(cmds),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(to_parse_error(src, e)),
        Err(nom::Err::Incomplete(_)) => Err(ParseError {
            span: Span::new(src.len(), src.len()),
            message: "internal error: incomplete input (this is a bug, please report it)".into(),
            help: None,
        }),
    }
}

/// The text of the token at the start of `at`, for "found …" messages.
pub(crate) fn token_at(at: &str) -> &str {
    let Some(c) = at.chars().next() else {
        return "";
    };
    let end = if lexical::is_ident_char(c) {
        at.find(|c: char| !lexical::is_ident_char(c))
            .unwrap_or(at.len())
    } else {
        c.len_utf8()
    };
    &at[..end]
}

/// Renders a list of alternatives: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn expected_list(items: &[Expected]) -> String {
    match items {
        [] => "something else".into(),
        [a] => a.to_string(),
        [a, b] => format!("{a} or {b}"),
        _ => {
            let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
            format!("one of {}", parts.join(", "))
        }
    }
}

/// Converts the internal error into the public [`ParseError`].
fn to_parse_error(src: &str, e: PError<'_>) -> ParseError {
    let start = src.len() - e.at.len().min(src.len());
    if let Some(c) = e.custom {
        return ParseError {
            span: Span::new(start, start + c.len),
            message: c.message,
            help: c.help,
        };
    }
    let tok = token_at(e.at);
    let found = if tok.is_empty() {
        "end of input".to_string()
    } else {
        format!("`{tok}`")
    };
    let wanted = expected_list(&e.expected);
    let message = match e.context {
        Some((kw, after)) if after == start => {
            format!("expected {wanted} after `{kw}`, found {found}")
        }
        _ => format!("expected {wanted}, found {found}"),
    };
    ParseError {
        span: Span::new(start, start + tok.len()),
        message,
        help: None,
    }
}
