//! Canonical KQL printing: `impl Display` for every AST type.
//!
//! The format: single spaces around binary operators, `, ` between list
//! items, each pipeline operator on its own line starting with `| `,
//! statements separated by `;` and a newline, strings always double-quoted,
//! reals always with a `.` or an exponent, names bare when they are plain
//! identifiers and `['…']` otherwise. Invariant (tested by proptest and the
//! fuzz target): for any text `q` that parses, `parse(q).to_string()` parses
//! and prints to the same text.
//!
//! Parentheses the user wrote are kept as [`ExprKind::Paren`]; the printer
//! adds parentheses only where a hand-built tree would otherwise re-parse
//! differently.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{
    BinOp, Expr, ExprKind, FunctionParam, Ident, JoinSide, LetValue, ListOp, Literal, NamedExpr,
    NullsOrder, Operator, OperatorKind, ParamType, PatternRule, Pipeline, Query, SchemaItem,
    SortKey, SortKeyword, SortOrder, Source, Statement, TakeKeyword,
};
use crate::parser::expr::{PREC_ATOM, PREC_CMP, PREC_UNARY, bin_prec};
use crate::parser::lexical::is_plain_ident;

/// Words that cannot be printed bare as a name because they would parse as
/// something else in some position.
const RESERVED: [&str; 29] = [
    "not",
    "of",
    "default",
    "and",
    "or",
    "by",
    "on",
    "to",
    "step",
    "from",
    "asc",
    "desc",
    "nulls",
    "with",
    "let",
    "print",
    "range",
    "union",
    "datatable",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "typeof",
    // Pipeline-starting operators: `evaluate - (1)` would start an `evaluate` (a fuzz find:
    // `evaluate-1.I22.I` parses as a subtraction from a name `evaluate`).
    "evaluate",
    "search",
    "find",
];

/// Writes `items` separated by `, `.
pub(crate) fn comma<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Writes `s` as a double-quoted KQL string literal.
pub(crate) fn write_string(f: &mut impl Write, s: &str, quote: char) -> fmt::Result {
    f.write_char(quote)?;
    for ch in s.chars() {
        match ch {
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c if c == quote => {
                f.write_char('\\')?;
                f.write_char(c)?;
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    write!(f, "\\u{unit:04x}")?;
                }
            }
            c => f.write_char(c)?,
        }
    }
    f.write_char(quote)
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (n, s) in self.statements.iter().enumerate() {
            if n > 0 {
                f.write_str(";\n")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

impl Display for Statement {
    /// `{:#}` prints pipelines on one line (inside function bodies).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let one_line = f.alternate();
        match self {
            Statement::Let { name, value, .. } if one_line => write!(f, "let {name} = {value:#}"),
            Statement::Let { name, value, .. } => write!(f, "let {name} = {value}"),
            Statement::Tabular(p) if one_line => write!(f, "{p:#}"),
            Statement::Tabular(p) => write!(f, "{p}"),
            Statement::Set { name, value, .. } => {
                write!(f, "set {}", name.name)?;
                match value {
                    Some(v) => write!(f, " = {v}"),
                    None => Ok(()),
                }
            }
            Statement::Sql { text, .. } => write!(f, "--\n{text}"),
            Statement::QueryParameters { params, .. } => {
                f.write_str("declare query_parameters(")?;
                comma(f, params)?;
                f.write_str(")")
            }
            Statement::Alias {
                kind, name, value, ..
            } => write!(f, "alias {kind} {name} = {value}"),
            Statement::RestrictAccess { entities, .. } => {
                f.write_str("restrict access to (")?;
                entity_list(f, entities)?;
                f.write_str(")")
            }
            Statement::Pattern {
                name,
                params,
                path_params,
                rules,
                ..
            } => {
                write!(f, "declare pattern {name}")?;
                let Some(rules) = rules else {
                    return Ok(());
                };
                f.write_str(" = (")?;
                comma(f, params)?;
                f.write_str(")")?;
                if let Some(path) = path_params {
                    f.write_str("[")?;
                    comma(f, path)?;
                    f.write_str("]")?;
                }
                f.write_str(" {")?;
                for rule in rules {
                    write!(f, " {rule};")?;
                }
                f.write_str(" }")
            }
        }
    }
}

impl Display for PatternRule {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        comma(f, &self.args)?;
        f.write_str(")")?;
        if let Some(p) = &self.path {
            write!(f, ".[{p}]")?;
        }
        f.write_str(" = ")?;
        body(f, &self.body)
    }
}

/// `{ s1; s2 }` on one line.
pub(crate) fn body(f: &mut Formatter<'_>, statements: &[Statement]) -> fmt::Result {
    f.write_str("{ ")?;
    for (n, s) in statements.iter().enumerate() {
        if n > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{s:#}")?;
    }
    f.write_str(" }")
}

impl Display for LetValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            LetValue::Expr(e) => write!(f, "{e}"),
            LetValue::Pipeline(p) if f.alternate() => write!(f, "{p:#}"),
            LetValue::Pipeline(p) => write!(f, "{p}"),
            LetValue::Function {
                params,
                body: statements,
                view,
                ..
            } => {
                if *view {
                    f.write_str("view ")?;
                }
                f.write_str("(")?;
                comma(f, params)?;
                f.write_str(") ")?;
                body(f, statements)
            }
        }
    }
}

impl Display for FunctionParam {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.name)?;
        match &self.ty {
            ParamType::Scalar(t) => write!(f, "{t}")?,
            ParamType::Tabular(items) => schema(f, items)?,
        }
        match &self.default {
            Some(d) => write!(f, " = {d}"),
            None => Ok(()),
        }
    }
}

/// `(a:long, *)`
pub(crate) fn schema(f: &mut Formatter<'_>, items: &[SchemaItem]) -> fmt::Result {
    f.write_str("(")?;
    comma(f, items)?;
    f.write_str(")")
}

impl Display for SchemaItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SchemaItem::Column { name, ty } => write!(f, "{name}:{ty}"),
            SchemaItem::Type(t) => write!(f, "{t}"),
            SchemaItem::Star => f.write_str("*"),
        }
    }
}

/// Entity references (`T*`, `database("d").T*`): patterns print bare.
pub(crate) fn entity_list(f: &mut Formatter<'_>, entities: &[Expr]) -> fmt::Result {
    for (n, e) in entities.iter().enumerate() {
        if n > 0 {
            f.write_str(", ")?;
        }
        entity(f, e)?;
    }
    Ok(())
}

/// True for `f(…)`, `a.b`, `f(…).g(…).T*`: a chain that the table-operand
/// parser reads back without parentheses.
fn is_entity_path(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { .. } => true,
        ExprKind::Member { expr, .. } | ExprKind::MethodCall { receiver: expr, .. } => {
            match &expr.kind {
                // The root must print as a bare word (`X.Logs`, not `['a b'].c`).
                ExprKind::Ident(id) => id.to_string() == id.name,
                _ => is_entity_path(expr),
            }
        }
        _ => false,
    }
}

/// One entity reference.
fn entity(f: &mut Formatter<'_>, e: &Expr) -> fmt::Result {
    match &e.kind {
        ExprKind::Ident(id) if is_pattern(&id.name) => f.write_str(&id.name),
        ExprKind::Member { expr, name } if is_pattern(&name.name) => {
            entity(f, expr)?;
            write!(f, ".{}", name.name)
        }
        _ => write!(f, "{e}"),
    }
}

/// `with (a=1, b="x")`-style options: `a=1, b="x"`.
pub(crate) fn options(f: &mut Formatter<'_>, list: &[(Ident, Expr)]) -> fmt::Result {
    for (n, (name, value)) in list.iter().enumerate() {
        if n > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}={value}", name.name)?;
    }
    Ok(())
}

/// Parameters each preceded by a space (for operators that may end with them).
pub(crate) struct LeadParams<'a>(pub(crate) &'a [(Ident, Expr)]);

impl Display for LeadParams<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (name, value) in self.0 {
            write!(f, " {}={value}", name.name)?;
        }
        Ok(())
    }
}

/// Expanded items of `mv-expand` / `mv-apply`.
pub(crate) fn expand_items(
    f: &mut Formatter<'_>,
    items: &[(NamedExpr, Option<Ident>)],
) -> fmt::Result {
    for (n, (item, ty)) in items.iter().enumerate() {
        if n > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
        if let Some(ty) = ty {
            write!(f, " to typeof({ty})")?;
        }
    }
    Ok(())
}

impl Display for Pipeline {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        // `{:#}` prints on one line, used for pipelines nested in parentheses.
        let sep = if f.alternate() { " | " } else { "\n| " };
        let implicit = matches!(self.source, Source::Implicit(_));
        write!(f, "{}", self.source)?;
        for (n, op) in self.ops.iter().enumerate() {
            if n == 0 && implicit {
                write!(f, "{op}")?;
            } else {
                write!(f, "{sep}{op}")?;
            }
        }
        Ok(())
    }
}

/// A table operand of `join`/`lookup`/`union`: bare name or `(pipeline)`.
pub(crate) struct Operand<'a>(pub(crate) &'a Pipeline);

impl Display for Operand<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match (&self.0.source, self.0.ops.is_empty()) {
            (Source::Table(t), true) if is_pattern(&t.name) => f.write_str(&t.name),
            (Source::Table(t), true) => write!(f, "{t}"),
            (Source::Expr(e), true) if is_entity_path(e) => entity(f, e),
            _ => write!(f, "({:#})", self.0),
        }
    }
}

/// `name=value` parameters, each followed by a space.
pub(crate) struct Params<'a>(pub(crate) &'a [(Ident, Expr)]);

impl Display for Params<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (name, value) in self.0 {
            // Parameter names may contain dots (`hint.strategy`): print as written.
            write!(f, "{}={value} ", name.name)?;
        }
        Ok(())
    }
}

/// A list of tables for `union`.
fn union_tables(f: &mut Formatter<'_>, tables: &[Pipeline]) -> fmt::Result {
    let operands: Vec<Operand<'_>> = tables.iter().map(Operand).collect();
    comma(f, &operands)
}

impl Display for Source {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Source::Table(t) => write!(f, "{t}"),
            Source::Datatable {
                columns, values, ..
            } => {
                f.write_str("datatable(")?;
                for (n, (name, ty)) in columns.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name}:{ty}")?;
                }
                f.write_str(") [")?;
                comma(f, values)?;
                f.write_str("]")
            }
            Source::Print { exprs, .. } => {
                f.write_str("print ")?;
                comma(f, exprs)
            }
            Source::Range {
                name,
                from,
                to,
                step,
                ..
            } => {
                write!(f, "range {name} from {from} to {to} step {step}")
            }
            Source::Union { params, tables, .. } => {
                write!(f, "union {}", Params(params))?;
                union_tables(f, tables)
            }
            Source::Nested(p) => write!(f, "({p:#})"),
            Source::Expr(e) => write!(f, "{e}"),
            Source::Operator(op) => write!(f, "{op}"),
            Source::ExternalData {
                columns,
                uris,
                with,
                ..
            } => {
                f.write_str("externaldata(")?;
                for (n, (name, ty)) in columns.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name}:{ty}")?;
                }
                f.write_str(") [")?;
                comma(f, uris)?;
                f.write_str("]")?;
                if !with.is_empty() {
                    f.write_str(" with (")?;
                    options(f, with)?;
                    f.write_str(")")?;
                }
                Ok(())
            }
            Source::InlineExternalTable {
                columns,
                params,
                partitions,
                path_format,
                uris,
                with,
                ..
            } => {
                f.write_str("inline_external_table")?;
                if !columns.is_empty() {
                    f.write_str("(")?;
                    for (n, (name, ty)) in columns.iter().enumerate() {
                        if n > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{name}:{ty}")?;
                    }
                    f.write_str(")")?;
                }
                write!(f, "{}", LeadParams(params))?;
                if !partitions.is_empty() {
                    f.write_str(" partition by (")?;
                    comma(f, partitions)?;
                    f.write_str(")")?;
                }
                if !path_format.is_empty() {
                    f.write_str(" pathformat=(")?;
                    for (n, e) in path_format.iter().enumerate() {
                        if n > 0 {
                            f.write_str(" ")?;
                        }
                        write!(f, "{e}")?;
                    }
                    f.write_str(")")?;
                }
                f.write_str(" (")?;
                comma(f, uris)?;
                f.write_str(")")?;
                if !with.is_empty() {
                    f.write_str(" with (")?;
                    options(f, with)?;
                    f.write_str(")")?;
                }
                Ok(())
            }
            Source::Implicit(_) => Ok(()),
        }
    }
}

impl Display for Operator {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl Display for OperatorKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            OperatorKind::Where(e) => write!(f, "where {e}"),
            OperatorKind::Project(v) => {
                f.write_str("project ")?;
                comma(f, v)
            }
            OperatorKind::Extend(v) => {
                f.write_str("extend ")?;
                comma(f, v)
            }
            OperatorKind::ProjectAway(v) => column_list(f, "project-away", v),
            OperatorKind::ProjectKeep(v) => column_list(f, "project-keep", v),
            OperatorKind::ProjectReorder(v) => column_list(f, "project-reorder", v),
            OperatorKind::ProjectReorderOrdered(v) => {
                f.write_str("project-reorder ")?;
                for (n, (c, order)) in v.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    column_name(f, c)?;
                    if let Some(o) = order {
                        write!(f, " {}", o.keyword())?;
                    }
                }
                Ok(())
            }
            OperatorKind::ProjectByNames(v) => {
                f.write_str("project-by-names ")?;
                comma(f, v)
            }
            OperatorKind::ProjectRename(pairs) => {
                f.write_str("project-rename ")?;
                for (n, (new, old)) in pairs.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{new} = {old}")?;
                }
                Ok(())
            }
            OperatorKind::Summarize { aggs, by } => {
                f.write_str("summarize")?;
                if !aggs.is_empty() {
                    f.write_str(" ")?;
                    comma(f, aggs)?;
                }
                if !by.is_empty() {
                    f.write_str(" by ")?;
                    comma(f, by)?;
                }
                Ok(())
            }
            OperatorKind::Take { count, keyword } => match keyword {
                TakeKeyword::Take => write!(f, "take {count}"),
                TakeKeyword::Limit => write!(f, "limit {count}"),
            },
            OperatorKind::Sort { keys, keyword } => {
                f.write_str(match keyword {
                    SortKeyword::Sort => "sort by ",
                    SortKeyword::Order => "order by ",
                })?;
                comma(f, keys)
            }
            OperatorKind::Top { count, keys } => {
                write!(f, "top {count} by ")?;
                comma(f, keys)
            }
            OperatorKind::Count => f.write_str("count"),
            OperatorKind::Distinct { exprs, star } => {
                f.write_str("distinct ")?;
                if *star && exprs.is_empty() {
                    f.write_str("*")
                } else {
                    comma(f, exprs)
                }
            }
            OperatorKind::Join { params, right, on } => {
                write!(f, "join {}{} on ", Params(params), Operand(right))?;
                comma(f, on)
            }
            OperatorKind::Lookup { params, right, on } => {
                write!(f, "lookup {}{} on ", Params(params), Operand(right))?;
                comma(f, on)
            }
            OperatorKind::Union { params, tables } => {
                write!(f, "union {}", Params(params))?;
                union_tables(f, tables)
            }
            OperatorKind::MvExpand {
                params,
                items,
                limit,
            } => {
                write!(f, "mv-expand {}", Params(params))?;
                expand_items(f, items)?;
                if let Some(limit) = limit {
                    write!(f, " limit {limit}")?;
                }
                Ok(())
            }
            OperatorKind::Render { chart, rest } => {
                write!(f, "render {chart}")?;
                if !rest.is_empty() {
                    write!(f, " {rest}")?;
                }
                Ok(())
            }
            OperatorKind::As(name) => write!(f, "as {name}"),
            OperatorKind::GetSchema => f.write_str("getschema"),
            OperatorKind::Serialize(v) => {
                f.write_str("serialize")?;
                if !v.is_empty() {
                    f.write_str(" ")?;
                    comma(f, v)?;
                }
                Ok(())
            }
            other => crate::display_ext::fmt_operator(other, f),
        }
    }
}

/// True for a name with `*` wildcards that can be printed bare (`Device*`, `*`).
pub(crate) fn is_pattern(name: &str) -> bool {
    name.contains('*') && is_plain_ident(&name.replace('*', "_"))
}

/// `keyword a, b*` for the column-pattern operators.
fn column_list(f: &mut Formatter<'_>, keyword: &str, columns: &[Ident]) -> fmt::Result {
    write!(f, "{keyword} ")?;
    for (n, c) in columns.iter().enumerate() {
        if n > 0 {
            f.write_str(", ")?;
        }
        column_name(f, c)?;
    }
    Ok(())
}

/// A column name or pattern (`B*` prints bare).
pub(crate) fn column_name(f: &mut Formatter<'_>, c: &Ident) -> fmt::Result {
    if is_pattern(&c.name) {
        f.write_str(&c.name)
    } else {
        write!(f, "{c}")
    }
}

impl Display for SortKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        match self.order {
            Some(SortOrder::Asc) => f.write_str(" asc")?,
            Some(SortOrder::Desc) => f.write_str(" desc")?,
            None => {}
        }
        match self.nulls {
            Some(NullsOrder::First) => f.write_str(" nulls first"),
            Some(NullsOrder::Last) => f.write_str(" nulls last"),
            None => Ok(()),
        }
    }
}

impl Display for NamedExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.names.as_slice() {
            [] => {}
            [one] => write!(f, "{one} = ")?,
            many => {
                f.write_str("(")?;
                comma(f, many)?;
                f.write_str(") = ")?;
            }
        }
        // A bare expression that starts with `(` would be read as tuple names
        // only if `=` followed; it never does here, so no extra care needed.
        write!(f, "{}", self.expr)
    }
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if is_plain_ident(&self.name) && !RESERVED.contains(&self.name.as_str()) {
            f.write_str(&self.name)
        } else {
            f.write_char('[')?;
            write_string(f, &self.name, '\'')?;
            f.write_char(']')
        }
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) => write_string(f, s, '"'),
            Literal::Long(n) => write!(f, "{n}"),
            Literal::Real(r) => {
                if r.is_nan() {
                    f.write_str("real(nan)")
                } else if r.is_infinite() {
                    f.write_str(if *r > 0.0 { "real(+inf)" } else { "real(-inf)" })
                } else {
                    // `{:?}` always prints a `.` or an exponent (`1.0`, `1e21`).
                    write!(f, "{r:?}")
                }
            }
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::TimeSpan { value, unit } => write!(f, "{value}{unit}"),
            Literal::Typed { ty, text } => write!(f, "{ty}({text})"),
        }
    }
}

/// The binding power of an expression's outermost form, for deciding when a
/// hand-built tree needs parentheses.
fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => bin_prec(*op),
        ExprKind::InList { .. } | ExprKind::Between { .. } | ExprKind::Like { .. } => PREC_CMP,
        ExprKind::Subquery(_) | ExprKind::NamedArg { .. } => 0,
        ExprKind::Neg(_) => PREC_UNARY,
        ExprKind::Literal(Literal::Long(n)) if *n < 0 => PREC_UNARY,
        ExprKind::Literal(Literal::Real(r)) if r.is_sign_negative() => PREC_UNARY,
        _ => PREC_ATOM,
    }
}

/// Prints `e`, in parentheses if it binds less tightly than `min`.
struct Prec<'a>(&'a Expr, u8);

impl Display for Prec<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if prec(self.0) < self.1 {
            write!(f, "({})", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// The keyword of a binary operator.
fn bin_op_str(op: BinOp) -> String {
    match op {
        BinOp::Or => "or".into(),
        BinOp::And => "and".into(),
        BinOp::Eq => "==".into(),
        BinOp::Ne => "!=".into(),
        BinOp::Lt => "<".into(),
        BinOp::Le => "<=".into(),
        BinOp::Gt => ">".into(),
        BinOp::Ge => ">=".into(),
        BinOp::EqCi => "=~".into(),
        BinOp::NeCi => "!~".into(),
        BinOp::Add => "+".into(),
        BinOp::Sub => "-".into(),
        BinOp::Mul => "*".into(),
        BinOp::Div => "/".into(),
        BinOp::Mod => "%".into(),
        BinOp::Str { op, negated } => {
            if negated {
                format!("!{}", op.keyword())
            } else {
                op.keyword().to_string()
            }
        }
    }
}

impl Display for BinOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&bin_op_str(*self))
    }
}

impl Display for ListOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ListOp::In => "in",
            ListOp::NotIn => "!in",
            ListOp::InCi => "in~",
            ListOp::NotInCi => "!in~",
            ListOp::HasAny => "has_any",
            ListOp::HasAll => "has_all",
        })
    }
}

impl Display for JoinSide {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JoinSide::Left => "$left",
            JoinSide::Right => "$right",
        })
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(l) => write!(f, "{l}"),
            ExprKind::Ident(i) => write!(f, "{i}"),
            ExprKind::JoinSide { side, column } => write!(f, "{side}.{column}"),
            ExprKind::Binary { op, lhs, rhs } => {
                let p = bin_prec(*op);
                write!(f, "{} {op} {}", Prec(lhs, p), Prec(rhs, p + 1))
            }
            ExprKind::Neg(e) => {
                // `- -x` rather than `--x`, which reads like a comment marker.
                let sep = if matches!(e.kind, ExprKind::Neg(_)) {
                    " "
                } else {
                    ""
                };
                write!(f, "-{sep}{}", Prec(e, PREC_UNARY))
            }
            ExprKind::Call { name, args } => {
                write!(f, "{}(", name.name)?;
                comma(f, args)?;
                f.write_str(")")
            }
            ExprKind::Star => f.write_str("*"),
            // A number before `.` would read back as a real (`0.['on']` is `0.` then an
            // index): the number is parenthesized.
            ExprKind::Member { expr, name }
                if matches!(
                    expr.kind,
                    ExprKind::Literal(Literal::Long(_) | Literal::Real(_))
                ) =>
            {
                write!(f, "({expr}).{name}")
            }
            ExprKind::Member { expr, name } => write!(f, "{}.{name}", Prec(expr, PREC_ATOM)),
            ExprKind::Index { expr, index } => write!(f, "{}[{index}]", Prec(expr, PREC_ATOM)),
            ExprKind::InList { expr, op, list } => {
                write!(f, "{} {op} (", Prec(expr, PREC_CMP))?;
                comma(f, list)?;
                f.write_str(")")
            }
            ExprKind::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let kw = if *negated { "!between" } else { "between" };
                write!(f, "{} {kw} ({low} .. {high})", Prec(expr, PREC_CMP))
            }
            ExprKind::Paren(e) => write!(f, "({e})"),
            ExprKind::MethodCall {
                receiver,
                name,
                args,
            } => {
                // A number before the dot would read back as a real (`1.['f'](x)`), as for
                // a member access.
                if matches!(
                    receiver.kind,
                    ExprKind::Literal(Literal::Long(_) | Literal::Real(_))
                ) {
                    write!(f, "({receiver}).{name}(")?;
                } else {
                    write!(f, "{}.{name}(", Prec(receiver, PREC_ATOM))?;
                }
                comma(f, args)?;
                f.write_str(")")
            }
            ExprKind::Subquery(p) => write!(f, "{p:#}"),
            ExprKind::NamedArg { name, value } => write!(f, "{name} = {value}"),
            ExprKind::Like { op, lhs, rhs } => write!(
                f,
                "{} {} {}",
                Prec(lhs, PREC_CMP),
                op.keyword(),
                Prec(rhs, PREC_CMP + 1)
            ),
            ExprKind::ColumnTerm { column, term } => {
                write!(f, "{column}:{}", Prec(term, PREC_UNARY))
            }
            ExprKind::TypeOf(items) => {
                f.write_str("typeof")?;
                schema(f, items)
            }
            ExprKind::EntityGroup(items) => {
                f.write_str("entity_group [")?;
                comma(f, items)?;
                f.write_str("]")
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::test_util::{canonical, verified};

    fn e(kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    fn id(name: &str) -> Expr {
        e(ExprKind::Ident(Ident {
            name: name.into(),
            span: Span::default(),
        }))
    }

    fn bin(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
        e(ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        })
    }

    #[test]
    fn canonical_spacing_and_layout() {
        canonical(
            "T|where a==1|project a,b=c*2|summarize n=count()by a|sort by n desc|take 5",
            "T\n| where a == 1\n| project a, b = c * 2\n| summarize n = count() by a\n| sort by n desc\n| take 5",
        );
        canonical(
            "let a=1;let b=T|take 1;b",
            "let a = 1;\nlet b = T\n| take 1;\nb",
        );
        canonical(
            "T | join (U | where x | project y) on y",
            "T\n| join (U | where x | project y) on y",
        );
    }

    #[test]
    fn member_of_a_number_prints_back_the_same() {
        // A fuzz find: `0.['on']` reads back as the real `0.` indexed by "on".
        canonical("print 0.on", "print (0).['on']");
        // A fuzz find: the name `evaluate` before `-` must not print as the operator.
        canonical("evaluate-1.I22.I", "['evaluate'] - (1).I22.I");
        // A fuzz find: `++union(x)` read `union(x)` as a call, which prints as the operator.
        assert!(crate::parse("print ++union(a)").is_err());
        assert!(crate::parse("++union(aa29--m0)").is_err());
        canonical("print 1.5.x", "print (1.5).x");
        verified("print (0).x");
    }

    #[test]
    fn every_operator_prints_canonically() {
        verified(
            "T\n| where a\n| project a, b = 1\n| extend c = 2\n| project-away d, e*\n| project-keep f\n\
             | project-rename g = h\n| project-reorder i, *\n| summarize by j\n| take 1\n| limit 2\n\
             | sort by k asc nulls first\n| order by l\n| top 3 by m desc\n| count\n| distinct *\n| distinct n, o\n\
             | join kind=inner U on p\n| lookup (V | take 1) on $left.q == $right.r\n| union W, (X | count)\n\
             | mv-expand s = t to typeof(string), u limit 4\n| render barchart with (title=\"x\")\n| as Y\n\
             | getschema\n| serialize\n| serialize z = row_number()",
        );
        verified("datatable(a:long, ['b c']:string) [1, \"x\"]\n| take 1");
        verified("print x = 1, 2");
        verified("range x from 1 to 10 step 2");
        verified("union kind=outer withsource=Src A, (B | take 1)");
        verified("(T | take 1)\n| count");
    }

    #[test]
    fn strings_are_double_quoted_with_escapes() {
        canonical(
            r#"print 'a"b', "c'd", @"e\f""#,
            r#"print "a\"b", "c'd", "e\\f""#,
        );
        canonical(
            "print \"tab\\there\", \"\\u0001\"",
            "print \"tab\\there\", \"\\u0001\"",
        );
        verified("print \"é 😀\"");
    }

    #[test]
    fn reals_always_look_like_reals() {
        canonical(
            "print 1.0, 2.50, 1e2, 1.5E-10, 0.",
            "print 1.0, 2.5, 100.0, 1.5e-10, 0.0",
        );
        let big = Literal::Real(1e300).to_string();
        assert!(big.contains('e') || big.contains('.'), "{big}");
        assert_eq!(Literal::Real(f64::NAN).to_string(), "real(nan)");
    }

    #[test]
    fn names_are_bracketed_only_when_needed() {
        let ident = |n: &str| {
            Ident {
                name: n.into(),
                span: Span::default(),
            }
            .to_string()
        };
        assert_eq!(ident("Account_Upn1"), "Account_Upn1");
        assert_eq!(ident("My Column"), "['My Column']");
        assert_eq!(ident("by"), "['by']");
        assert_eq!(ident("true"), "['true']");
        assert_eq!(ident("let"), "['let']");
        assert_eq!(ident("1st"), "['1st']");
        assert_eq!(ident("it's"), r"['it\'s']");
        assert_eq!(ident(""), "['']");
        verified("['let']\n| project ['and'], ['on'], ['a-b'], count");
    }

    #[test]
    fn hand_built_trees_get_parentheses_where_needed() {
        // (a + b) * c, built without a Paren node.
        let t = bin(BinOp::Mul, bin(BinOp::Add, id("a"), id("b")), id("c"));
        assert_eq!(t.to_string(), "(a + b) * c");
        // a - (b - c)
        let t = bin(BinOp::Sub, id("a"), bin(BinOp::Sub, id("b"), id("c")));
        assert_eq!(t.to_string(), "a - (b - c)");
        // (a or b) and c
        let t = bin(BinOp::And, bin(BinOp::Or, id("a"), id("b")), id("c"));
        assert_eq!(t.to_string(), "(a or b) and c");
        // -(a + b) and (a + b).x
        let t = e(ExprKind::Neg(Box::new(bin(BinOp::Add, id("a"), id("b")))));
        assert_eq!(t.to_string(), "-(a + b)");
        let name = Ident {
            name: "x".into(),
            span: Span::default(),
        };
        let t = e(ExprKind::Member {
            expr: Box::new(bin(BinOp::Add, id("a"), id("b"))),
            name,
        });
        assert_eq!(t.to_string(), "(a + b).x");
        // No parentheses when precedence already groups correctly.
        let t = bin(BinOp::Add, id("a"), bin(BinOp::Mul, id("b"), id("c")));
        assert_eq!(t.to_string(), "a + b * c");
        let t = e(ExprKind::Neg(Box::new(e(ExprKind::Neg(Box::new(id("x")))))));
        assert_eq!(t.to_string(), "- -x");
    }

    #[test]
    fn operators_print_their_keywords() {
        let s = |op| bin(op, id("a"), id("b")).to_string();
        assert_eq!(s(BinOp::Ne), "a != b");
        assert_eq!(s(BinOp::EqCi), "a =~ b");
        assert_eq!(
            s(BinOp::Str {
                op: crate::ast::StrOp::HasCs,
                negated: true
            }),
            "a !has_cs b"
        );
        assert_eq!(
            s(BinOp::Str {
                op: crate::ast::StrOp::MatchesRegex,
                negated: false
            }),
            "a matches regex b"
        );
        assert_eq!(ListOp::NotInCi.to_string(), "!in~");
        assert_eq!(JoinSide::Right.to_string(), "$right");
    }
}
