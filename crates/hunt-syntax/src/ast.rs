//! The KQL abstract syntax tree: syntax only, exactly what the user wrote.
//!
//! Defaults (sort direction, join kind, column names) are filled in by the
//! planner, not here. Every node carries the [`Span`] of its text.

use crate::span::Span;

mod control;
mod graph;
pub use control::{ControlCommand, FunctionMode, TableDecl};
pub use graph::{
    EdgeDirection, GraphEdge, GraphMatch, GraphNode, GraphPath, GraphTable, MakeGraph,
};

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
    /// `set name [= value]`, a request property: `set notruncation`,
    /// `set query_take_max_records = 100`.
    Set {
        /// The property name (may contain dots).
        name: Ident,
        /// The value after `=`, if written.
        value: Option<Expr>,
        /// The statement text.
        span: Span,
    },
    /// `declare query_parameters(name:type [= default], …)`
    QueryParameters {
        /// The declared parameters.
        params: Vec<FunctionParam>,
        /// The statement text.
        span: Span,
    },
    /// `alias database Name = cluster("c").database("d")`
    Alias {
        /// What kind of entity is aliased (`database`).
        kind: Ident,
        /// The alias.
        name: Ident,
        /// The aliased entity.
        value: Expr,
        /// The statement text.
        span: Span,
    },
    /// `restrict access to (T1, database("d").T2, Fn)`
    RestrictAccess {
        /// The entities the rest of the query may use.
        entities: Vec<Expr>,
        /// The statement text.
        span: Span,
    },
    /// A T-SQL query: text that starts with a `--` line, which Kusto hands
    /// to its SQL front end (`--⏎explain⏎SELECT COUNT(*) FROM T`). Kept as
    /// text; it is always the only statement.
    Sql {
        /// The text after the leading `--`, trimmed.
        text: String,
        /// The statement text.
        span: Span,
    },
    /// `declare pattern name [= (params)[path params] { (args).[path] = { body }; … }]`
    Pattern {
        /// The pattern name.
        name: Ident,
        /// Parameters in parentheses (empty for a bare `declare pattern p`).
        params: Vec<FunctionParam>,
        /// Path parameters in brackets, if written.
        path_params: Option<Vec<FunctionParam>>,
        /// The definitions between braces, if written.
        rules: Option<Vec<PatternRule>>,
        /// The statement text.
        span: Span,
    },
}

/// The right-hand side of a `let`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum LetValue {
    /// A scalar expression (or a bare name, which the planner may resolve to a table): `let n = 5`.
    Expr(Expr),
    /// A tabular expression with at least one operator or a tabular source: `let t = T | take 5`.
    Pipeline(Pipeline),
    /// A user-defined function: `let f = (a:long, b:string = "x") { a + 1 }`,
    /// `let v = view () { T | take 1 }`, `let g = (T:(*)) { T | count }`.
    Function {
        /// Parameters in order.
        params: Vec<FunctionParam>,
        /// Statements of the body; the last one is its value.
        body: Vec<Statement>,
        /// True for `view (…) { … }`.
        view: bool,
        /// The text from `(` (or `view`) to `}`.
        span: Span,
    },
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
    /// Any other expression as a pipeline source: a function call `MyFunc(1)`,
    /// `database("d").T`, `table("T")`, `materialize(T | take 1)`; also a bare
    /// scalar expression statement such as `tolower("A")`.
    Expr(Expr),
    /// An operator that needs no input, starting a pipeline:
    /// `evaluate sql_request(…)`, `search "x"`, `find where x == 1`.
    Operator(Box<Operator>),
    /// `externaldata (a:string, b:long) ["https://…"] with (format="csv")`
    /// (also `external_data`).
    ExternalData {
        /// Declared columns and type names.
        columns: Vec<(Ident, Ident)>,
        /// Storage connection strings.
        uris: Vec<Expr>,
        /// `with (…)` properties.
        with: Vec<(Ident, Expr)>,
        /// The whole source text.
        span: Span,
    },
    /// `inline_external_table(a:long) kind=storage dataformat=csv (h@"…")`
    InlineExternalTable {
        /// Declared columns (empty when no schema is written).
        columns: Vec<(Ident, Ident)>,
        /// `kind=…`, `dataformat=…` and other parameters.
        params: Vec<(Ident, Expr)>,
        /// `partition by (Name:type [= expr], …)`.
        partitions: Vec<FunctionParam>,
        /// `pathformat=(…)` elements.
        path_format: Vec<Expr>,
        /// Storage connection strings.
        uris: Vec<Expr>,
        /// `with (…)` properties.
        with: Vec<(Ident, Expr)>,
        /// The whole source text.
        span: Span,
    },
    /// The implicit input of a subquery, written as nothing:
    /// `mv-apply x on (take 1)`, `fork (where a)`, `partition by k (top 1 by x)`.
    Implicit(Span),
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
    /// `project-reorder A asc, B* desc` (a reorder with at least one order
    /// written; without orders it is [`OperatorKind::ProjectReorder`]).
    ProjectReorderOrdered(Vec<(Ident, Option<ReorderOrder>)>),
    /// `project-by-names "A", dynamic(["B"])`
    ProjectByNames(Vec<Expr>),
    /// `parse [kind=regex flags=i] Text with * "key=" Key:long "," *`
    Parse {
        /// `kind=…` and `flags=…` as written.
        params: Vec<(Ident, Expr)>,
        /// The parsed expression.
        expr: Expr,
        /// The pattern after `with`.
        pattern: Vec<ParsePart>,
    },
    /// `parse-where [kind=…] Text with …`: like `parse`, dropping rows that do not match.
    ParseWhere {
        /// `kind=…` and `flags=…` as written.
        params: Vec<(Ident, Expr)>,
        /// The parsed expression.
        expr: Expr,
        /// The pattern after `with`.
        pattern: Vec<ParsePart>,
    },
    /// `parse-kv Text as (Key:string, N:long) with (pair_delimiter=",")`
    ParseKv {
        /// The parsed expression.
        expr: Expr,
        /// Extracted keys with their types, if written.
        columns: Vec<(Ident, Option<Ident>)>,
        /// `with (…)` options.
        with: Vec<(Ident, Expr)>,
    },
    /// `evaluate [hint.x=y] plugin(args) [: (schema)]`
    Evaluate {
        /// Hints before the plugin name.
        params: Vec<(Ident, Expr)>,
        /// The plugin name.
        plugin: Ident,
        /// Arguments (named ones are [`ExprKind::NamedArg`]).
        args: Vec<Expr>,
        /// The output schema after `:`, if written.
        schema: Option<Vec<SchemaItem>>,
    },
    /// `make-series [kind=nonempty] N = count() default = 0 on T from a to b step 1h by K`
    /// (`on T in range(a, b, 1h)` is read as `from a to b step 1h`).
    MakeSeries(Box<MakeSeries>),
    /// `mv-apply [params] x = Arr to typeof(long) [limit N] on (subquery)`
    MvApply {
        /// Parameters (`with_itemindex=i`, …).
        params: Vec<(Ident, Expr)>,
        /// Expanded expressions with optional names and `to typeof(T)`.
        items: Vec<(NamedExpr, Option<Ident>)>,
        /// `limit N`.
        limit: Option<Expr>,
        /// The subquery applied to each record's expansion.
        body: Box<Pipeline>,
    },
    /// `top-nested 3 of A by count(), top-nested of B with others = "x" by sum(C) desc`
    TopNested(Vec<TopNestedLevel>),
    /// `top-hitters 10 of State [by sum(Value)]`
    TopHitters {
        /// Number of values.
        count: Expr,
        /// The counted expression.
        of: Expr,
        /// The weight, if written.
        by: Option<Expr>,
    },
    /// `sample 100`
    Sample(Expr),
    /// `sample-distinct 10 of State`
    SampleDistinct {
        /// Number of values.
        count: Expr,
        /// The sampled column.
        of: Expr,
    },
    /// `facet by A, B [with (where x | take 5)]`
    Facet {
        /// Facet columns.
        columns: Vec<Ident>,
        /// The `with` subquery, if written.
        with: Option<Box<Pipeline>>,
    },
    /// `search [kind=case_sensitive] [in (T1, T2)] predicate`
    Search {
        /// `kind=…` parameters.
        params: Vec<(Ident, Expr)>,
        /// Tables after `in`, if written.
        tables: Option<Vec<Expr>>,
        /// The search predicate.
        predicate: Expr,
    },
    /// `find [withsource=T] [in (T1, T2)] where predicate [project …]` (a source only).
    Find {
        /// `withsource=…` and other parameters.
        params: Vec<(Ident, Expr)>,
        /// Tables after `in`, if written.
        tables: Option<Vec<Expr>>,
        /// The predicate.
        predicate: Expr,
        /// The `project` or `project-smart` clause, if written.
        project: Option<FindProject>,
    },
    /// `invoke f(1, "x")`
    Invoke(Expr),
    /// `scan [with_match_id=Id] [declare (x:long = 0)] with (step s: pred => x = 1; …)`
    Scan {
        /// Parameters such as `with_match_id=…`.
        params: Vec<(Ident, Expr)>,
        /// Declared state columns.
        declare: Vec<FunctionParam>,
        /// The steps in order.
        steps: Vec<ScanStep>,
    },
    /// `consume [decodeblocks=true]`
    Consume(Vec<(Ident, Expr)>),
    /// `reduce [kind=source] by Text [with threshold=0.1, characters="-"]`
    Reduce {
        /// Parameters before `by`.
        params: Vec<(Ident, Expr)>,
        /// The reduced expression.
        by: Expr,
        /// `with` options.
        with: Vec<(Ident, Expr)>,
    },
    /// `partition [hint.strategy=native] by Key (subquery)` or `… by Key { T | … }`
    Partition {
        /// Hints before `by`.
        params: Vec<(Ident, Expr)>,
        /// The partition key.
        by: Expr,
        /// The subquery.
        body: Box<Pipeline>,
        /// True for the `{ … }` form.
        braces: bool,
    },
    /// `fork (where a) Name = (summarize count())`
    Fork(Vec<(Option<Ident>, Pipeline)>),
    /// `macro-expand [params] EntityGroup as X (subquery)`
    MacroExpand {
        /// Parameters.
        params: Vec<(Ident, Expr)>,
        /// The entity group: a name or `entity_group […]`.
        group: Expr,
        /// The scope name after `as`.
        name: Ident,
        /// The subquery.
        body: Box<Pipeline>,
    },
    /// `make-graph Source --> Target with Nodes on Key`
    MakeGraph(Box<MakeGraph>),
    /// `graph-match (a)-[e]->(b) where … project …` (and `graph-shortest-paths`).
    GraphMatch(Box<GraphMatch>),
    /// `graph-to-table nodes` / `graph-to-table edges`
    GraphToTable(Vec<GraphTable>),
    /// `graph-mark-components [kind=weak] [with_component_id=Id]`
    GraphMarkComponents(Vec<(Ident, Expr)>),
}

impl OperatorKind {
    /// The KQL keyword of the operator, for messages: `"mv-expand"`,
    /// `"where"`, `"top-nested"`. Aliases give the canonical name
    /// (`filter` is `"where"`, `limit` is `"take"` only when written so).
    pub fn keyword(&self) -> &'static str {
        match self {
            OperatorKind::Where(_) => "where",
            OperatorKind::Project(_) => "project",
            OperatorKind::Extend(_) => "extend",
            OperatorKind::ProjectAway(_) => "project-away",
            OperatorKind::ProjectKeep(_) => "project-keep",
            OperatorKind::ProjectRename(_) => "project-rename",
            OperatorKind::ProjectReorder(_) | OperatorKind::ProjectReorderOrdered(_) => {
                "project-reorder"
            }
            OperatorKind::Summarize { .. } => "summarize",
            OperatorKind::Take {
                keyword: TakeKeyword::Limit,
                ..
            } => "limit",
            OperatorKind::Take { .. } => "take",
            OperatorKind::Sort {
                keyword: SortKeyword::Order,
                ..
            } => "order",
            OperatorKind::Sort { .. } => "sort",
            OperatorKind::Top { .. } => "top",
            OperatorKind::Count => "count",
            OperatorKind::Distinct { .. } => "distinct",
            OperatorKind::Join { .. } => "join",
            OperatorKind::Lookup { .. } => "lookup",
            OperatorKind::Union { .. } => "union",
            OperatorKind::MvExpand { .. } => "mv-expand",
            OperatorKind::Render { .. } => "render",
            OperatorKind::As(_) => "as",
            OperatorKind::GetSchema => "getschema",
            OperatorKind::Serialize(_) => "serialize",
            OperatorKind::ProjectByNames(_) => "project-by-names",
            OperatorKind::Parse { .. } => "parse",
            OperatorKind::ParseWhere { .. } => "parse-where",
            OperatorKind::ParseKv { .. } => "parse-kv",
            OperatorKind::Evaluate { .. } => "evaluate",
            OperatorKind::MakeSeries(_) => "make-series",
            OperatorKind::MvApply { .. } => "mv-apply",
            OperatorKind::TopNested(_) => "top-nested",
            OperatorKind::TopHitters { .. } => "top-hitters",
            OperatorKind::Sample(_) => "sample",
            OperatorKind::SampleDistinct { .. } => "sample-distinct",
            OperatorKind::Facet { .. } => "facet",
            OperatorKind::Search { .. } => "search",
            OperatorKind::Find { .. } => "find",
            OperatorKind::Invoke(_) => "invoke",
            OperatorKind::Scan { .. } => "scan",
            OperatorKind::Consume(_) => "consume",
            OperatorKind::Reduce { .. } => "reduce",
            OperatorKind::Partition { .. } => "partition",
            OperatorKind::Fork(_) => "fork",
            OperatorKind::MacroExpand { .. } => "macro-expand",
            OperatorKind::MakeGraph(_) => "make-graph",
            OperatorKind::GraphMatch(g) if g.shortest => "graph-shortest-paths",
            OperatorKind::GraphMatch(_) => "graph-match",
            OperatorKind::GraphToTable(_) => "graph-to-table",
            OperatorKind::GraphMarkComponents(_) => "graph-mark-components",
        }
    }
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

impl Ident {
    /// True when written bracketed (`["select"]`): the parser's span then covers the
    /// brackets and quotes, so it is longer than the name. A bracketed name may be a
    /// keyword (Kusto's grammar: a bracketed name is any string).
    pub fn is_bracketed(&self) -> bool {
        (self.span.end.saturating_sub(self.span.start)) as usize > self.name.len()
    }
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
    /// `f(a, b)`; `not(x)` and aggregates such as `count()` are calls too, and
    /// `not x` without parentheses is read as the call `not(x)`.
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
    /// `x.f(a, b)`: a method-style call such as `"a".toupper()` or
    /// `cluster("c").database("d")`.
    MethodCall {
        /// The value the method is called on.
        receiver: Box<Expr>,
        /// The method name.
        name: Ident,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// A tabular expression inside an expression: `toscalar(T | count)`,
    /// `x in (T | project a)`, `(T | take 1)`.
    Subquery(Box<Pipeline>),
    /// `name = value` as a function or plugin argument: `f(len = 3)`.
    NamedArg {
        /// The parameter name.
        name: Ident,
        /// The value.
        value: Box<Expr>,
    },
    /// `a like "x*"` and the rest of the `like` family.
    Like {
        /// Which operator.
        op: LikeOp,
        /// Tested value.
        lhs: Box<Expr>,
        /// Pattern.
        rhs: Box<Expr>,
    },
    /// `Column:"term"` inside a `search`/`find` predicate.
    ColumnTerm {
        /// The column.
        column: Ident,
        /// The term.
        term: Box<Expr>,
    },
    /// `typeof(long)`, `typeof(*, x:double)`: a type or a schema as a value.
    TypeOf(Vec<SchemaItem>),
    /// `entity_group [cluster("a").database("b"), …]`
    EntityGroup(Vec<Expr>),
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
        StrOp::ALL
            .iter()
            .find(|(o, _)| *o == self)
            .map(|(_, k)| *k)
            .unwrap_or("?")
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

/// A parameter of a user-defined function, `declare query_parameters` or a
/// `scan` declaration: `a:long`, `b:string = "x"`, `T:(*)`.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionParam {
    /// The parameter name.
    pub name: Ident,
    /// Its type.
    pub ty: ParamType,
    /// The default value after `=`, if written.
    pub default: Option<Expr>,
}

/// The type of a [`FunctionParam`].
#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    /// A scalar type name: `long`.
    Scalar(Ident),
    /// A tabular type: `(*)`, `(x:long, *)`.
    Tabular(Vec<SchemaItem>),
}

/// One element of a schema or `typeof(…)`.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaItem {
    /// `name:type`
    Column {
        /// Column name.
        name: Ident,
        /// Type name.
        ty: Ident,
    },
    /// A bare type, as in `typeof(string)`.
    Type(Ident),
    /// `*`: any other columns.
    Star,
}

/// One element of a `parse` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsePart {
    /// `*`: skip any text.
    Star,
    /// A string literal to match (regex text for `kind=regex`).
    Text(String),
    /// A column to extract: `Key` or `Key:long`.
    Column {
        /// Column name.
        name: Ident,
        /// Type name, if written.
        ty: Option<Ident>,
    },
}

/// `asc`, `desc`, `granny-asc` or `granny-desc` in `project-reorder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReorderOrder {
    /// `asc`
    Asc,
    /// `desc`
    Desc,
    /// `granny-asc` (natural order: `a2` before `a10`)
    GrannyAsc,
    /// `granny-desc`
    GrannyDesc,
}

impl ReorderOrder {
    /// The keyword as written.
    pub fn keyword(self) -> &'static str {
        match self {
            ReorderOrder::Asc => "asc",
            ReorderOrder::Desc => "desc",
            ReorderOrder::GrannyAsc => "granny-asc",
            ReorderOrder::GrannyDesc => "granny-desc",
        }
    }
}

/// One level of `top-nested`: `top-nested 3 of A with others = "x" by sum(B) desc`.
#[derive(Debug, Clone, PartialEq)]
pub struct TopNestedLevel {
    /// The number of values, if written.
    pub count: Option<Expr>,
    /// The grouped expression (with an optional name).
    pub of: NamedExpr,
    /// `with others = …`, if written.
    pub others: Option<Expr>,
    /// The aggregation (with an optional name).
    pub by: NamedExpr,
    /// `asc`/`desc`, if written.
    pub order: Option<SortOrder>,
}

/// The projection of `find`.
#[derive(Debug, Clone, PartialEq)]
pub enum FindProject {
    /// `project-smart`
    Smart,
    /// `project A, B:string, pack_all()`: expressions with optional types.
    Columns(Vec<(Expr, Option<Ident>)>),
}

/// One `step` of `scan`: `step s1 output=none: Event == "A" => x = 1, y = 2;`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanStep {
    /// The step name.
    pub name: Ident,
    /// `output=all|last|none`, if written.
    pub output: Option<Ident>,
    /// The condition after `:`.
    pub predicate: Expr,
    /// Assignments after `=>`.
    pub assignments: Vec<(Ident, Expr)>,
}

/// One definition of a `declare pattern`: `("a").["b"] = { print 1 };`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternRule {
    /// The argument values in parentheses.
    pub args: Vec<Expr>,
    /// The path value after `.[…]`, if written.
    pub path: Option<Expr>,
    /// The body statements.
    pub body: Vec<Statement>,
}

/// The `like` family of operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikeOp {
    /// `like`
    Like,
    /// `notlike`
    NotLike,
    /// `likecs`
    LikeCs,
    /// `notlikecs`
    NotLikeCs,
}

impl LikeOp {
    /// Every `like` operator with its keyword.
    pub const ALL: [(LikeOp, &'static str); 4] = [
        (LikeOp::Like, "like"),
        (LikeOp::NotLike, "notlike"),
        (LikeOp::LikeCs, "likecs"),
        (LikeOp::NotLikeCs, "notlikecs"),
    ];

    /// The keyword as written.
    pub fn keyword(self) -> &'static str {
        match self {
            LikeOp::Like => "like",
            LikeOp::NotLike => "notlike",
            LikeOp::LikeCs => "likecs",
            LikeOp::NotLikeCs => "notlikecs",
        }
    }
}

/// The arguments of `make-series` (boxed in [`OperatorKind::MakeSeries`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MakeSeries {
    /// `kind=…` and hints.
    pub params: Vec<(Ident, Expr)>,
    /// Aggregations, each with an optional `default = …`.
    pub aggs: Vec<(NamedExpr, Option<Expr>)>,
    /// The axis column after `on`.
    pub on: Expr,
    /// `from` value.
    pub from: Option<Expr>,
    /// `to` value.
    pub to: Option<Expr>,
    /// `step` value.
    pub step: Expr,
    /// Grouping expressions.
    pub by: Vec<NamedExpr>,
}
