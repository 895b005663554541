//! Resolved, typed expressions: what the planner makes of `ast::Expr`.

use crate::types::KqlType;
use hunt_syntax::Span;
use hunt_syntax::ast::StrOp;
use std::fmt;

/// A constant value of a KQL type.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A typed null: `long(null)`.
    Null(KqlType),
    /// `true`
    Bool(bool),
    /// `int(5)`
    Int(i32),
    /// `5`
    Long(i64),
    /// `1.5`
    Real(f64),
    /// `"x"` (an empty string is KQL's null string).
    String(std::sync::Arc<str>),
    /// Nanoseconds since the Unix epoch, a multiple of 100.
    DateTime(i64),
    /// Nanoseconds, a multiple of 100.
    TimeSpan(i64),
    /// Lower-case canonical guid text.
    Guid(String),
    /// A dynamic value.
    Dynamic(serde_json::Value),
}

impl Scalar {
    /// The KQL type of this value.
    pub fn ty(&self) -> KqlType {
        match self {
            Scalar::Null(t) => *t,
            Scalar::Bool(_) => KqlType::Bool,
            Scalar::Int(_) => KqlType::Int,
            Scalar::Long(_) => KqlType::Long,
            Scalar::Real(_) => KqlType::Real,
            Scalar::String(_) => KqlType::String,
            Scalar::DateTime(_) => KqlType::DateTime,
            Scalar::TimeSpan(_) => KqlType::TimeSpan,
            Scalar::Guid(_) => KqlType::Guid,
            Scalar::Dynamic(_) => KqlType::Dynamic,
        }
    }
    /// True for a null of any type (a JSON null counts as a dynamic null).
    pub fn is_null(&self) -> bool {
        matches!(
            self,
            Scalar::Null(_) | Scalar::Dynamic(serde_json::Value::Null)
        )
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Null(t) => write!(f, "{t}(null)"),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(v) => write!(f, "int({v})"),
            Scalar::Long(v) => write!(f, "{v}"),
            Scalar::Real(v) => write!(f, "real({v})"),
            Scalar::String(s) => write!(f, "{s:?}"),
            Scalar::DateTime(ns) => write!(f, "datetime({ns}ns)"),
            Scalar::TimeSpan(ns) => write!(f, "timespan({ns}ns)"),
            Scalar::Guid(g) => write!(f, "guid({g})"),
            Scalar::Dynamic(v) => write!(f, "dynamic({v})"),
        }
    }
}

/// A typed expression over the columns of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its KQL result type.
    pub ty: KqlType,
    /// The query text it came from (for errors at run time).
    pub span: Span,
}

/// Expression forms after binding.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A column of the input, by name (names are unique within a schema).
    Column(String),
    /// A constant.
    Literal(Scalar),
    /// A scalar function or operator applied to arguments.
    Call(Func, Vec<Expr>),
}

/// Scalar functions and operators, after overload resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `a and b` (null-aware, as KQL's three-valued logic).
    And,
    /// `a or b`
    Or,
    /// `not(a)`
    Not,
    /// `==` on same-typed operands (numeric operands are cast first).
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=~` on strings.
    EqCi,
    /// `!~` on strings.
    NeCi,
    /// A string operator; `negated` for the `!` form.
    Str(StrOp, bool),
    /// `+` (numbers; datetime + timespan; timespan + timespan).
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (integer division truncates).
    Div,
    /// `%` (KQL modulo is never negative).
    Mod,
    /// unary `-`
    Neg,
    /// `x in (…)`: args[0] is the value, args[1..] the list. `ci` for `in~`.
    In {
        /// Case-insensitive (`in~`).
        ci: bool,
        /// `!in`.
        negated: bool,
    },
    /// `x has_any (…)`
    HasAny,
    /// `x has_all (…)`
    HasAll,
    /// `isempty(x)`
    IsEmpty,
    /// `isnotempty(x)`
    IsNotEmpty,
    /// `isnull(x)`
    IsNull,
    /// `isnotnull(x)`
    IsNotNull,
    /// `tostring(x)`
    ToString,
    /// `tolower(s)`
    ToLower,
    /// `toupper(s)`
    ToUpper,
    /// `strlen(s)`
    StrLen,
    /// `strcat(a, b, …)` (arguments already converted to string)
    StrCat,
    /// `iff(c, a, b)`
    Iff,
    /// `bin(x, size)` for numbers, datetimes and timespans.
    Bin,
    /// A conversion between numeric types (implicit promotion or `toint`, `tolong`, `todouble`).
    Cast(KqlType),
    /// The value of one key in key-value text (`parse-kv`). Args: text, key, pair
    /// delimiter, key-value delimiter, quote characters and escape character (both may be
    /// empty). Missing → `""`.
    KvValue,
    /// A function of the library (`crate::library`).
    Lib(crate::library::LibFunc),
    /// A function with a definition of its own (`crate::registry::defs`).
    Def(crate::registry::ScalarDef),
}

impl Func {
    /// A short name for plans and errors.
    pub fn name(self) -> String {
        match self {
            Func::Str(op, neg) => format!("{}{}", if neg { "!" } else { "" }, op.keyword()),
            Func::In { ci, negated } => {
                format!(
                    "{}in{}",
                    if negated { "!" } else { "" },
                    if ci { "~" } else { "" }
                )
            }
            Func::Cast(t) => format!("to{t}"),
            Func::Lib(f) => f.name().to_string(),
            Func::Def(d) => d.0.name().to_string(),
            other => format!("{other:?}").to_lowercase(),
        }
    }
}

impl Expr {
    /// A column reference.
    pub fn column(name: impl Into<String>, ty: KqlType, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Column(name.into()),
            ty,
            span,
        }
    }
    /// A literal.
    pub fn literal(value: Scalar, span: Span) -> Expr {
        Expr {
            ty: value.ty(),
            kind: ExprKind::Literal(value),
            span,
        }
    }
    /// A call.
    pub fn call(func: Func, args: Vec<Expr>, ty: KqlType, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Call(func, args),
            ty,
            span,
        }
    }
    /// Adds every column this expression reads to `out`.
    pub fn columns_into(&self, out: &mut Vec<String>) {
        match &self.kind {
            ExprKind::Column(c) => {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
            ExprKind::Literal(_) => {}
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.columns_into(out)),
        }
    }
    /// True when the value may differ from row to row although no column is read: a
    /// call of a volatile function (`rand`, `new_guid`) anywhere inside.
    pub fn is_volatile(&self) -> bool {
        match &self.kind {
            ExprKind::Call(Func::Def(d), _) if d.0.volatile() => true,
            ExprKind::Call(_, args) => args.iter().any(Expr::is_volatile),
            _ => false,
        }
    }
    /// The column name if this is a bare column reference.
    pub fn as_column(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Column(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Column(c) => write!(f, "{c}"),
            ExprKind::Literal(s) => write!(f, "{s}"),
            ExprKind::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
        }
    }
}

/// Aggregation functions of `summarize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    /// `count()`: rows.
    Count,
    /// `countif(p)`: rows where `p` is true.
    CountIf,
    /// `dcount(x)`: distinct non-null values (exact in hunt; Kusto estimates, see docs/kql-subset.md).
    DCount,
    /// `sum(x)`
    Sum,
    /// `min(x)`
    Min,
    /// `max(x)`
    Max,
    /// `avg(x)`
    Avg,
    /// `arg_max(key, value)`: `value` from the row with the largest `key` (first such row).
    /// `arg_max(k, a, b)` is planned as one `ArgMax` per output column.
    ArgMax,
    /// `arg_min(key, value)`
    ArgMin,
    /// `make_list(x [, max])`: a dynamic array of the non-null values in input order.
    MakeList,
    /// `make_set(x [, max])`: distinct non-null values in first-seen order.
    MakeSet,
    /// `make_bag(x [, max])`: the union of the property bags among the values (other
    /// values skipped); a key seen again keeps its first value.
    MakeBag,
    /// `take_any(x)`: some non-null value (hunt: the first seen).
    TakeAny,
    /// `percentile(x, p)`: the nearest-rank percentile (exact; Kusto estimates).
    Percentile,
    /// `make_list_with_nulls(x)`: every value in input order, nulls included.
    MakeListWithNulls,
    /// `percentilew(x, w, p)`: the weighted nearest-rank percentile (args: x, w, p).
    PercentileW,
    /// `percentiles_array(x, p…)` / `percentilesw_array(x, w, p…)`: the percentiles as a
    /// dynamic array (args: x, w, then the percentiles; `w` is 1 when unweighted).
    PercentilesArray,
    /// An aggregate with a definition of its own (`crate::registry::defs`).
    Def(crate::registry::AggDef),
}

impl AggFunc {
    /// The name plans show.
    pub fn name(self) -> String {
        match self {
            AggFunc::Def(d) => d.0.name().to_string(),
            other => format!("{other:?}").to_lowercase(),
        }
    }
}

/// One aggregate: function, arguments and result type.
#[derive(Debug, Clone, PartialEq)]
pub struct AggExpr {
    /// The function.
    pub func: AggFunc,
    /// Its arguments, evaluated per input row (constant parameters such as a
    /// percentile or a size limit are literals here).
    pub args: Vec<Expr>,
    /// The result type.
    pub ty: KqlType,
    /// Rows where this is not true do not count (the `…if` aggregates).
    pub filter: Option<Expr>,
}

impl fmt::Display for AggExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.func.name())?;
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{a}")?;
        }
        write!(f, ")")
    }
}
