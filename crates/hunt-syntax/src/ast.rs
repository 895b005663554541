//! The KQL abstract syntax tree: syntax only, exactly what the user wrote.
//!
//! Defaults (sort direction, join kind, column names) are filled in by the
//! planner, not here. Every node carries the [`Span`] of its text.

use crate::span::Span;

/// A whole query: `let` statements then one tabular expression, separated by `;`.
///
/// `let n = 5; T | take n`
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Statements in order; the last one is normally [`Statement::Tabular`].
    pub statements: Vec<Statement>,
    /// The whole query text.
    pub span: Span,
}

/// One `;`-separated statement.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `let name = value`
    Let {
        /// The bound name.
        name: Ident,
        /// What it is bound to.
        value: LetValue,
        /// The statement text.
        span: Span,
    },
    /// A tabular expression whose result is the query's answer: `T | where x > 1`.
    Tabular(Pipeline),
}

/// The right-hand side of a `let`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum LetValue {
    /// A scalar expression (or a bare name, which the planner may resolve to a table): `let n = 5`.
    Expr(Expr),
    /// A tabular expression with at least one operator or a tabular source: `let t = T | take 5`.
    Pipeline(Pipeline),
}

/// `source | op | op …`
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Where rows come from.
    pub source: Source,
    /// Operators applied left to right.
    pub ops: Vec<Operator>,
    /// The pipeline text.
    pub span: Span,
}

/// The first element of a pipeline.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A table or `let`-bound name: `DataSecurityEvents`, `['My Table']`.
    Table(Ident),
    /// `datatable(a:long, b:string) [1, "x", 2, "y"]`
    Datatable {
        /// Declared columns and type names.
        columns: Vec<(Ident, Ident)>,
        /// Values, row-major.
        values: Vec<Expr>,
        /// The whole source text.
        span: Span,
    },
    /// `print x = 1, 2`
    Print {
        /// Printed expressions.
        exprs: Vec<NamedExpr>,
        /// The whole source text.
        span: Span,
    },
    /// `range x from 1 to 10 step 2`
    Range {
        /// Column name.
        name: Ident,
        /// First value.
        from: Expr,
        /// Last value (inclusive).
        to: Expr,
        /// Increment.
        step: Expr,
        /// The whole source text.
        span: Span,
    },
    /// `union T1, T2` as a pipeline source.
    Union {
        /// Parameters such as `kind=outer`, `withsource=T`, `isfuzzy=true`.
        params: Vec<(Ident, Expr)>,
        /// The unioned tables or parenthesized pipelines.
        tables: Vec<Pipeline>,
        /// The whole source text.
        span: Span,
    },
    /// `(T | where …)`: a parenthesized pipeline used as a source.
    Nested(Box<Pipeline>),
}

/// One tabular operator after a `|`.
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    /// What the operator is.
    pub kind: OperatorKind,
    /// The operator text, from its keyword to its last argument.
    pub span: Span,
}

/// Tabular operators, named by their KQL keyword.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum OperatorKind {
    /// `where Predicate` (also `filter`).
    Where(Expr),
    /// `project A, B = expr`
    Project(Vec<NamedExpr>),
    /// `extend B = expr, expr`
    Extend(Vec<NamedExpr>),
    /// `project-away A, B*`
    ProjectAway(Vec<Ident>),
    /// `project-keep A, B*`
    ProjectKeep(Vec<Ident>),
    /// `project-rename New = Old`
    ProjectRename(Vec<(Ident, Ident)>),
    /// `project-reorder A, B`
    ProjectReorder(Vec<Ident>),
    /// `summarize Agg = count() by Key = bin(Timestamp, 1h)`
    Summarize {
        /// Aggregate expressions (may be empty: `summarize by A`).
        aggs: Vec<NamedExpr>,
        /// Grouping expressions.
        by: Vec<NamedExpr>,
    },
    /// `take 10` / `limit 10` (`keyword` records which was written).
    Take {
        /// The row count expression.
        count: Expr,
        /// `take` or `limit`.
        keyword: TakeKeyword,
    },
    /// `sort by A desc nulls last` / `order by …`
    Sort {
        /// Sort keys, most significant first.
        keys: Vec<SortKey>,
        /// `sort` or `order`.
        keyword: SortKeyword,
    },
    /// `top 10 by A desc`
    Top {
        /// Number of rows.
        count: Expr,
        /// Sort key(s).
        keys: Vec<SortKey>,
    },
    /// `count`
    Count,
    /// `distinct A, B` (or `distinct *`: an empty list with `star`).
    Distinct {
        /// Columns or expressions.
        exprs: Vec<Expr>,
        /// True for `distinct *`.
        star: bool,
    },
    /// `join kind=leftouter (Right) on Key, $left.A == $right.B`
    Join {
        /// `kind=…` and other `name=value` parameters as written.
        params: Vec<(Ident, Expr)>,
        /// Right side.
        right: Pipeline,
        /// Join conditions: a column name or `$left.a == $right.b`.
        on: Vec<Expr>,
    },
    /// `lookup kind=leftouter (Right) on Key`
    Lookup {
        /// `kind=…` parameters.
        params: Vec<(Ident, Expr)>,
        /// Right side.
        right: Pipeline,
        /// Keys.
        on: Vec<Expr>,
    },
    /// `union T2, (T3 | take 1)` after a pipe.
    Union {
        /// Parameters such as `kind=outer`.
        params: Vec<(Ident, Expr)>,
        /// Other tables.
        tables: Vec<Pipeline>,
    },
    /// `mv-expand A to typeof(string), B` (also `mvexpand`).
    MvExpand {
        /// Parameters before the columns (`bagexpansion=array`, `with_itemindex=i`).
        params: Vec<(Ident, Expr)>,
        /// Expanded expressions with optional names and `to typeof(T)`.
        items: Vec<(NamedExpr, Option<Ident>)>,
        /// `limit N`.
        limit: Option<Expr>,
    },
    /// `render timechart` and its `with (…)` clause, kept as text.
    Render {
        /// The visualization name.
        chart: Ident,
        /// Raw text after the chart name, if any.
        rest: String,
    },
    /// `as Name`
    As(Ident),
    /// `getschema`
    GetSchema,
    /// `serialize A = expr`
    Serialize(Vec<NamedExpr>),
}

/// `take` or `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakeKeyword {
    /// `take`
    Take,
    /// `limit`
    Limit,
}

/// `sort` or `order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKeyword {
    /// `sort by`
    Sort,
    /// `order by`
    Order,
}

/// A sort key as written: `Timestamp asc nulls last`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    /// The sorted expression.
    pub expr: Expr,
    /// `asc`/`desc` if written.
    pub order: Option<SortOrder>,
    /// `nulls first`/`nulls last` if written.
    pub nulls: Option<NullsOrder>,
}

/// `asc` or `desc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// `asc`
    Asc,
    /// `desc`
    Desc,
}

/// `nulls first` or `nulls last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullsOrder {
    /// `nulls first`
    First,
    /// `nulls last`
    Last,
}

/// An expression with an optional output name: `Total = sum(x)`, or
/// `(A, B) = arg_max(T, x)` with several names.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedExpr {
    /// Names given with `=`; empty when none was written.
    pub names: Vec<Ident>,
    /// The expression.
    pub expr: Expr,
}

/// An identifier: `FileName`, `['File Name']`, `["x"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name, unquoted.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Its text.
    pub span: Span,
}

/// Expression forms.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal: `"x"`, `42`, `1.5`, `true`, `1h`, `datetime(2025-06-01)`.
    Literal(Literal),
    /// A column, `let` name or parameter: `AccountUpn`.
    Ident(Ident),
    /// `$left.A` / `$right.B` in join conditions.
    JoinSide {
        /// `left` or `right`.
        side: JoinSide,
        /// The column.
        column: Ident,
    },
    /// `lhs op rhs`: `a + b`, `x has "term"`, `p and q`.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `-x` (and `+x`).
    Neg(Box<Expr>),
    /// `f(a, b)`; `not(x)` and aggregates such as `count()` are calls too.
    Call {
        /// Function name.
        name: Ident,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// `*` as a function argument: `arg_max(Timestamp, *)`.
    Star,
    /// `d.key`
    Member {
        /// The object.
        expr: Box<Expr>,
        /// The property.
        name: Ident,
    },
    /// `d["key"]`, `d[0]`
    Index {
        /// The object or array.
        expr: Box<Expr>,
        /// The key or index.
        index: Box<Expr>,
    },
    /// `x in ("a", "b")`, `x !in~ (…)`, `x has_any (…)`.
    InList {
        /// The tested value.
        expr: Box<Expr>,
        /// Which list operator.
        op: ListOp,
        /// The list elements.
        list: Vec<Expr>,
    },
    /// `x between (lo .. hi)`, `x !between (…)`.
    Between {
        /// The tested value.
        expr: Box<Expr>,
        /// True for `!between`.
        negated: bool,
        /// Lower bound (inclusive).
        low: Box<Expr>,
        /// Upper bound (inclusive).
        high: Box<Expr>,
    },
    /// `(x)`: kept so the printer reproduces the user's grouping.
    Paren(Box<Expr>),
}

/// `$left` or `$right`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinSide {
    /// `$left`
    Left,
    /// `$right`
    Right,
}

/// List operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOp {
    /// `in`
    In,
    /// `!in`
    NotIn,
    /// `in~`
    InCi,
    /// `!in~`
    NotInCi,
    /// `has_any`
    HasAny,
    /// `has_all`
    HasAll,
}

/// Binary operators, by precedence (lowest first): `or`; `and`; comparisons and
/// string operators; `+ -`; `* / %`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=` (also `<>`)
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=~` (case-insensitive equality)
    EqCi,
    /// `!~`
    NeCi,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// A string operator such as `has`, `!contains_cs`, `matches regex`.
    Str {
        /// The operator family.
        op: StrOp,
        /// True for the `!`-prefixed form.
        negated: bool,
    },
}

/// String operators (<https://learn.microsoft.com/kusto/query/datatypes-string-operators>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrOp {
    /// `has`
    Has,
    /// `has_cs`
    HasCs,
    /// `hasprefix`
    HasPrefix,
    /// `hasprefix_cs`
    HasPrefixCs,
    /// `hassuffix`
    HasSuffix,
    /// `hassuffix_cs`
    HasSuffixCs,
    /// `contains`
    Contains,
    /// `contains_cs`
    ContainsCs,
    /// `startswith`
    StartsWith,
    /// `startswith_cs`
    StartsWithCs,
    /// `endswith`
    EndsWith,
    /// `endswith_cs`
    EndsWithCs,
    /// `matches regex` (no negated form)
    MatchesRegex,
}

impl StrOp {
    /// Every string operator with its keyword (without `!`).
    pub const ALL: [(StrOp, &'static str); 13] = [
        (StrOp::HasPrefixCs, "hasprefix_cs"),
        (StrOp::HasPrefix, "hasprefix"),
        (StrOp::HasSuffixCs, "hassuffix_cs"),
        (StrOp::HasSuffix, "hassuffix"),
        (StrOp::HasCs, "has_cs"),
        (StrOp::Has, "has"),
        (StrOp::ContainsCs, "contains_cs"),
        (StrOp::Contains, "contains"),
        (StrOp::StartsWithCs, "startswith_cs"),
        (StrOp::StartsWith, "startswith"),
        (StrOp::EndsWithCs, "endswith_cs"),
        (StrOp::EndsWith, "endswith"),
        (StrOp::MatchesRegex, "matches regex"),
    ];

    /// The keyword as written (without `!`).
    pub fn keyword(self) -> &'static str {
        StrOp::ALL.iter().find(|(o, _)| *o == self).map(|(_, k)| *k).unwrap_or("?")
    }
}

/// Literal values as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string literal, already unescaped: `"a\"b"`, `'x'`, `@'C:\dir'`.
    String(String),
    /// A whole number: `42`.
    Long(i64),
    /// A number with a fraction or exponent: `1.5`, `1e3`.
    Real(f64),
    /// `true` / `false`.
    Bool(bool),
    /// A timespan with a unit suffix: `1d`, `1.5h`, `100ms`, `10tick`.
    TimeSpan {
        /// The number as written (`1.5`).
        value: String,
        /// The unit suffix as written (`h`).
        unit: String,
    },
    /// A typed literal `type(text)`: `datetime(2025-06-01 10:00)`, `long(null)`,
    /// `dynamic([1, "a"])`, `guid(…)`, `timespan(1.02:03:04)`, `int(5)`, `real(nan)`.
    /// `text` is the raw text inside the parentheses, trimmed; the planner reads it.
    Typed {
        /// The type keyword as written.
        ty: String,
        /// The text between the parentheses.
        text: String,
    },
}
