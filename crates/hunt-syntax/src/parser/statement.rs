//! Statements (`let`, `set`, `declare`, tabular), pipelines and pipeline
//! sources.

use super::expr::{comma_list, expr, named_expr, param_value};
use super::function::{
    alias_statement, externaldata, function_def, inline_external_table, is_function_def,
    pattern_statement, query_parameters, restrict_statement, set_statement,
};
use super::lexical::{
    column_pattern, dotted_name, ident, is_ident_start, kw, peek_assign, peek_kw, peek_sym,
    starts_string, sym, word, ws,
};
use super::operator::{operator, source_operator};
use super::{Ctx, Expected, PResult, cut_err, err};
use crate::ast::{Expr, ExprKind, Ident, LetValue, Pipeline, Query, Source, Statement};
use crate::span::Span;

/// A whole query: `;`-separated statements, consuming all input.
pub(crate) fn query<'a>(c: &Ctx, src: &'a str) -> PResult<'a, Query> {
    // `--` is not a KQL comment: a query that starts with it is T-SQL.
    let start = ws(src);
    if let Some(text) = start.strip_prefix("--") {
        let sql = Statement::Sql {
            text: text.trim().to_string(),
            span: c.span(start, ""),
        };
        return Ok((
            "",
            Query {
                statements: vec![sql],
                span: Span::new(0, src.len()),
            },
        ));
    }
    let (rest, statements) = statements(c, src, None)?;
    if statements.is_empty() {
        return err(rest, Expected::Desc("a query"));
    }
    Ok((
        "",
        Query {
            statements,
            span: Span::new(0, src.len()),
        },
    ))
}

/// `;`-separated statements up to the end of input, or up to (not
/// including) `close` when given (the `}` of a function body).
pub(crate) fn statements<'a>(
    c: &Ctx,
    i: &'a str,
    close: Option<char>,
) -> PResult<'a, Vec<Statement>> {
    let at_end = |r: &str| r.is_empty() || close.is_some_and(|ch| r.starts_with(ch));
    let mut statements = Vec::new();
    let mut rest = ws(i);
    loop {
        if at_end(rest) {
            break;
        }
        let (r, s) = statement(c, rest)?;
        statements.push(s);
        let r = ws(r);
        if let Some(r) = r.strip_prefix(';') {
            rest = ws(r);
            // Tolerate empty statements (`;;`, a trailing `;`).
            while let Some(r) = rest.strip_prefix(';') {
                rest = ws(r);
            }
            continue;
        }
        if !at_end(r) {
            let what = match (statements.last(), close) {
                (Some(Statement::Tabular(_)), None) => Expected::Desc("`|`, `;` or end of input"),
                (Some(Statement::Tabular(_)), Some(_)) => Expected::Desc("`|`, `;` or `}`"),
                (_, None) => Expected::Desc("`;` or end of input"),
                (_, Some(_)) => Expected::Desc("`;` or `}`"),
            };
            return err(r, what);
        }
        rest = r;
        break;
    }
    Ok((rest, statements))
}

/// `let name = value`, `set …`, `declare …`, `alias …`, `restrict …` or a
/// tabular expression.
fn statement<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Statement> {
    let i = ws(i);
    if let Some(r) = peek_kw(i, "let") {
        return let_statement(c, i, r);
    }
    if let Some((w, rest)) = word(i) {
        let next = word(ws(rest)).map(|(n, _)| n);
        match (w, next) {
            ("set", Some(_)) => return set_statement(c, i, rest),
            ("declare", Some("query_parameters")) => return query_parameters(c, i, rest),
            ("declare", Some("pattern")) => return pattern_statement(c, i, rest),
            ("alias", Some(_)) => return alias_statement(c, i, rest),
            ("restrict", Some("access")) => return restrict_statement(c, i, rest),
            _ => {}
        }
    }
    tabular_statement(c, i)
}

/// A tabular expression statement.
#[inline(never)]
fn tabular_statement<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Statement> {
    let (r, p) = pipeline(c, i)?;
    Ok((r, Statement::Tabular(p)))
}

/// `let name = value`; `i` starts at `let`, `r` is after it. Its own
/// function (like each statement kind) so that nested function bodies only
/// stack the frames they use.
#[inline(never)]
fn let_statement<'a>(c: &Ctx, i: &'a str, r: &'a str) -> PResult<'a, Statement> {
    {
        let (r, name) = cut_err(ident(c, r))?;
        let (r, _) = match peek_assign(r) {
            Some(after) => (after, ()),
            None => {
                return Err(nom::Err::Failure(super::PError::expected(
                    ws(r),
                    Expected::Tok("="),
                )));
            }
        };
        let (r, value) = cut_err(let_value(c, r))?;
        Ok((
            r,
            Statement::Let {
                name,
                value,
                span: c.span(i, r),
            },
        ))
    }
}

/// The right-hand side of `let`: a user-defined function, a pipeline when it
/// has an operator or a tabular-only source, otherwise an expression.
fn let_value<'a>(c: &Ctx, i: &'a str) -> PResult<'a, LetValue> {
    let i = ws(i);
    if is_function_def(i) {
        return function_def(c, i);
    }
    let_pipeline(c, i)
}

/// A `let` value that is not a function: a pipeline, or an expression when
/// the pipeline is only a name or an expression.
#[inline(never)]
fn let_pipeline<'a>(c: &Ctx, i: &'a str) -> PResult<'a, LetValue> {
    let (r, p) = pipeline(c, i)?;
    if !p.ops.is_empty() {
        return Ok((r, LetValue::Pipeline(p)));
    }
    match p.source {
        // A bare name is an expression; the planner decides whether it is a table.
        Source::Table(id) => {
            let span = id.span;
            Ok((
                r,
                LetValue::Expr(Expr {
                    kind: ExprKind::Ident(id),
                    span,
                }),
            ))
        }
        Source::Expr(e) => Ok((r, LetValue::Expr(e))),
        source => Ok((
            r,
            LetValue::Pipeline(Pipeline {
                source,
                ops: p.ops,
                span: p.span,
            }),
        )),
    }
}

/// `source | op | op …`
pub(crate) fn pipeline<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let i = ws(i);
    let _depth = c.descend_pipeline(i)?;
    let (rest, source) = source(c, i)?;
    operators(c, i, source, rest)
}

/// The operators of a pipeline whose source (starting at `start`) was
/// already parsed as an expression; `rest` is the input after the source.
pub(crate) fn continue_pipeline<'a>(
    c: &Ctx,
    start: &'a str,
    source: Source,
    rest: &'a str,
) -> PResult<'a, Pipeline> {
    let _depth = c.descend_pipeline(start)?;
    operators(c, start, source, rest)
}

/// A pipeline with only `|`-operators after an implicit source: the body of
/// `mv-apply`, `fork`, `facet … with`, `partition`. A body that does not
/// start with an operator keyword is an ordinary pipeline.
pub(crate) fn sub_pipeline<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let i = ws(i);
    if !super::operator::starts_operator(i) {
        return pipeline(c, i);
    }
    let _depth = c.descend_pipeline(i)?;
    let (r, first) = operator(c, i).map_err(super::operator::as_failure)?;
    let mut p = operators(c, i, Source::Implicit(Span::new(c.off(i), c.off(i))), r)?;
    p.1.ops.insert(0, first);
    Ok(p)
}

/// `| op | op …` after a source.
fn operators<'a>(
    c: &Ctx,
    start: &'a str,
    source: Source,
    mut rest: &'a str,
) -> PResult<'a, Pipeline> {
    let mut ops = Vec::new();
    loop {
        let r = ws(rest);
        let Some(after) = r.strip_prefix('|') else {
            break;
        };
        match operator(c, after) {
            Ok((r, op)) => {
                ops.push(op);
                rest = r;
            }
            Err(e) => return Err(super::operator::as_failure(e)),
        }
    }
    Ok((
        rest,
        Pipeline {
            source,
            ops,
            span: c.span(start, rest),
        },
    ))
}

/// True if a tabular expression that is not a plain expression starts at
/// `i` (after whitespace): `print …`, `range x from …`, `datatable(…)`,
/// `union …`, `externaldata(…)`, `evaluate plugin(…)`. Used where an
/// expression or a pipeline may stand (`toscalar(print 1)`).
pub(crate) fn starts_tabular(i: &str) -> bool {
    let Some((w, rest)) = word(ws(i)) else {
        return false;
    };
    let next = ws(rest);
    // A keyword followed by one of these is a name or a call: `print,`, `union)`.
    let ends_operand = next.is_empty() || next.starts_with([',', ')', ']', '|', ';', '=', '.']);
    match w {
        "print" | "union" => !ends_operand,
        "datatable" | "externaldata" | "external_data" => next.starts_with('('),
        "range" => word(next).is_some_and(|(_, r)| peek_kw(r, "from").is_some()),
        "evaluate" => word(next).is_some(),
        _ => false,
    }
}

/// The source a parsed expression stands for: a bare name is a table,
/// `(T | …)` and `(T)` are nested pipelines, anything else is
/// [`Source::Expr`].
pub(crate) fn source_from_expr(e: Expr) -> Source {
    match e.kind {
        ExprKind::Ident(id) => Source::Table(id),
        ExprKind::Paren(inner) => match inner.kind {
            ExprKind::Subquery(p) => Source::Nested(p),
            ExprKind::Ident(_) | ExprKind::Paren(_) => {
                let span = inner.span;
                match source_from_expr(*inner) {
                    Source::Expr(x) => Source::Expr(Expr {
                        kind: ExprKind::Paren(Box::new(x)),
                        span: e.span,
                    }),
                    source => Source::Nested(Box::new(Pipeline {
                        source,
                        ops: Vec::new(),
                        span,
                    })),
                }
            }
            kind => Source::Expr(Expr {
                kind: ExprKind::Paren(Box::new(Expr {
                    kind,
                    span: inner.span,
                })),
                span: e.span,
            }),
        },
        kind => Source::Expr(Expr { kind, span: e.span }),
    }
}

/// True if an expression can start at `i` (after whitespace).
fn starts_expr(i: &str) -> bool {
    i.starts_with(|ch: char| {
        is_ident_start(ch) || ch.is_ascii_digit() || matches!(ch, '(' | '[' | '$' | '-' | '+')
    }) || starts_string(i)
}

/// The first element of a pipeline.
fn source<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let i = ws(i);
    if let Some((w, rest)) = word(i) {
        match w {
            "datatable" | "print" | "range" | "union" if starts_tabular(i) => {
                return keyword_source(c, i, w, rest);
            }
            "externaldata" | "external_data" if starts_tabular(i) => {
                return keyword_source(c, i, w, rest);
            }
            "inline_external_table" => return keyword_source(c, i, w, rest),
            "evaluate" | "search" | "find" | "macro" => {
                if let Some(r) = source_operator(c, i) {
                    let (r, op) = r?;
                    return Ok((r, Source::Operator(Box::new(op))));
                }
            }
            _ => {}
        }
    }
    if starts_expr(i) {
        let (r, e) = expr(c, i)?;
        return Ok((r, source_from_expr(e)));
    }
    err(i, Expected::Desc("a table name or tabular expression"))
}

/// `datatable`, `print`, `range`, `union` or `externaldata` (keyword `w`,
/// input `rest` after it).
fn keyword_source<'a>(c: &Ctx, i: &'a str, w: &str, rest: &'a str) -> PResult<'a, Source> {
    let r = match w {
        "datatable" => datatable(c, rest),
        "print" => print(c, rest),
        "range" => range(c, rest),
        "externaldata" | "external_data" => externaldata(c, rest),
        "inline_external_table" => inline_external_table(c, rest),
        _ => union_body(c, rest).map(|(r, (params, tables))| {
            (
                r,
                Source::Union {
                    params,
                    tables,
                    span: Span::default(),
                },
            )
        }),
    };
    let (r, mut s) = cut_err(r.map_err(|e| super::operator::with_context(c, e, w, rest)))?;
    let span = c.span(i, r);
    match &mut s {
        Source::Datatable { span: s, .. }
        | Source::Print { span: s, .. }
        | Source::Range { span: s, .. }
        | Source::Union { span: s, .. }
        | Source::ExternalData { span: s, .. }
        | Source::InlineExternalTable { span: s, .. } => *s = span,
        _ => {}
    }
    Ok((r, s))
}

/// `(a:long, b:string)`: column declarations of `datatable` and `externaldata`.
pub(crate) fn column_decls<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<(Ident, Ident)>> {
    let (r, _) = sym(i, "(")?;
    let column = |c: &Ctx, i: &'a str| -> PResult<'a, (Ident, Ident)> {
        let (r, name) = ident(c, i)?;
        let (r, _) = sym(r, ":")?;
        let (r, ty) = ident(c, r)?;
        Ok((r, (name, ty)))
    };
    let (r, columns) = comma_list(c, r, column)?;
    let (r, _) = sym(r, ")")?;
    Ok((r, columns))
}

/// `[v1, v2, …]` (a trailing comma allowed): the values of `datatable` and
/// the URIs of `externaldata`.
pub(crate) fn bracket_values<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<Expr>> {
    let (mut r, _) = sym(i, "[")?;
    let mut values = Vec::new();
    loop {
        if let Some(after) = peek_sym(r, "]") {
            r = after;
            break;
        }
        let (after, v) = expr(c, r)?;
        values.push(v);
        if let Some(after) = peek_sym(after, ",") {
            r = after;
        } else {
            let (after, _) = sym(after, "]")?;
            r = after;
            break;
        }
    }
    Ok((r, values))
}

/// `datatable(a:long, b:string) [1, "x", …]` after the keyword.
fn datatable<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let (r, columns) = column_decls(c, i)?;
    let (r, values) = bracket_values(c, r)?;
    Ok((
        r,
        Source::Datatable {
            columns,
            values,
            span: Span::default(),
        },
    ))
}
/// `print a = 1, 2` after the keyword.
fn print<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let (r, exprs) = comma_list(c, i, named_expr)?;
    Ok((
        r,
        Source::Print {
            exprs,
            span: Span::default(),
        },
    ))
}

/// `range x from 1 to 10 step 1` after the keyword.
fn range<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let (r, name) = ident(c, i)?;
    let (r, _) = kw(r, "from")?;
    let (r, from) = expr(c, r)?;
    let (r, _) = kw(r, "to")?;
    let (r, to) = expr(c, r)?;
    let (r, _) = kw(r, "step")?;
    let (r, step) = expr(c, r)?;
    Ok((
        r,
        Source::Range {
            name,
            from,
            to,
            step,
            span: Span::default(),
        },
    ))
}

/// `name=value` parameters accepted by `accept(name, value)`, such as
/// `kind=inner` or `hint.strategy=shuffle`. Parsing stops at the first
/// `name=value` that `accept` rejects, which is then read as something else
/// (`mv-expand kind = 0` is an expanded column named `kind`).
pub(crate) fn params<'a>(
    c: &Ctx,
    i: &'a str,
    accept: impl Fn(&str, &Expr) -> bool,
) -> PResult<'a, Params> {
    let mut out = Vec::new();
    let mut rest = i;
    loop {
        if let Ok((r, name)) = dotted_name(c, rest)
            && let Some(r) = peek_assign(r)
            && let Ok((r, value)) = param_value(c, r)
            && accept(&name.name, &value)
        {
            out.push((name, value));
            rest = r;
            continue;
        }
        return Ok((rest, out));
    }
}

/// A table operand of `join` or `lookup`: a name, `(pipeline)` or an
/// entity reference such as `cluster("c").database("d").T`.
pub(crate) fn table_operand<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let i = ws(i);
    if i.starts_with('(') {
        return paren_pipeline(c, i);
    }
    if let Some((_, r)) = word(i)
        && (r.starts_with('(') || (r.starts_with('.') && !r.starts_with("..")))
    {
        return entity_operand(c, i);
    }
    match ident(c, i) {
        Ok((r, id)) => {
            let span = id.span;
            Ok((
                r,
                Pipeline {
                    source: Source::Table(id),
                    ops: Vec::new(),
                    span,
                },
            ))
        }
        Err(_) => err(i, Expected::Desc("a table name or `(`")),
    }
}

/// An entity reference (`database("d").T*`, `cluster("c").database("d").*`,
/// `app("x").Events`) as a pipeline.
fn entity_operand<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let (r, e) = entity_expr(c, i)?;
    let span = e.span;
    Ok((
        r,
        Pipeline {
            source: source_from_expr(e),
            ops: Vec::new(),
            span,
        },
    ))
}

/// An entity reference: a postfix expression in which a member name may be
/// a wildcard pattern (`database("d").T*`). Used by `union`, `find`,
/// `search` and `restrict`.
pub(crate) fn entity_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    // A name followed by `(` or `.` is a call or a path; anything else is a
    // (pattern) name.
    let path = word(i)
        .is_some_and(|(_, r)| r.starts_with('(') || (r.starts_with('.') && !r.starts_with("..")));
    if !path {
        let (r, id) = column_pattern(c, i)?;
        let span = id.span;
        return Ok((
            r,
            Expr {
                kind: ExprKind::Ident(id),
                span,
            },
        ));
    }
    let before = c.patterns.replace(true);
    let res = super::expr::postfix_expr(c, i);
    c.patterns.set(before);
    res
}

/// `( pipeline )`; `i` starts at `(`.
fn paren_pipeline<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let (r, p) = pipeline(c, &i[1..])?;
    let (r, _) = sym(r, ")")?;
    Ok((r, p))
}

/// `name=value` parameters as written.
type Params = Vec<(Ident, Expr)>;

/// `[params] T1, (T2 | …), …` after `union`.
pub(crate) fn union_body<'a>(c: &Ctx, i: &'a str) -> PResult<'a, (Params, Vec<Pipeline>)> {
    let (r, params) = params(c, i, |_, _| true)?;
    let (r, tables) = comma_list(c, r, union_operand)?;
    Ok((r, (params, tables)))
}

/// A `union` operand: like [`table_operand`], but names may contain `*`
/// wildcards (`union Device*`).
fn union_operand<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let i = ws(i);
    if i.starts_with('(') {
        return paren_pipeline(c, i);
    }
    if !i.starts_with(|ch: char| is_ident_start(ch) || ch == '*' || ch == '[') {
        return err(i, Expected::Desc("a table name or `(`"));
    }
    entity_operand(c, i)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::ast::{ExprKind, LetValue, Literal, Source, Statement};
    use crate::test_util::{canonical, parse_err, verified};

    fn let_value(src: &str) -> LetValue {
        let q = crate::parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        match &q.statements[0] {
            Statement::Let { value, .. } => value.clone(),
            other => panic!("not a let: {other:?}"),
        }
    }

    fn source(src: &str) -> Source {
        let q = verified(src);
        match &q.statements[0] {
            Statement::Tabular(p) => p.source.clone(),
            other => panic!("not tabular: {other:?}"),
        }
    }

    #[test]
    fn statements_and_semicolons() {
        let q = verified("let n = 5;\nT\n| take n");
        assert_eq!(q.statements.len(), 2);
        assert_eq!((q.span.start, q.span.end), (0, 21));
        let Statement::Let { name, span, .. } = &q.statements[0] else {
            panic!()
        };
        assert_eq!(name.name, "n");
        assert_eq!((span.start, span.end), (0, 9));
        canonical("T | count;", "T\n| count");
        canonical("let a = 1;;\n let b = a ; T", "let a = 1;\nlet b = a;\nT");
        verified("let x = 5");
    }

    #[test]
    fn let_values() {
        assert!(matches!(let_value("let n = 5"), LetValue::Expr(_)));
        assert!(matches!(let_value("let n = ago(7d)"), LetValue::Expr(_)));
        assert!(matches!(let_value("let n = x + 1"), LetValue::Expr(_)));
        assert!(
            matches!(let_value("let n = (1 + 2)"), LetValue::Expr(e) if matches!(e.kind, ExprKind::Paren(_)))
        );
        // A bare name is an expression; the planner decides whether it is a table.
        assert!(
            matches!(let_value("let t = T"), LetValue::Expr(e) if matches!(e.kind, ExprKind::Ident(_)))
        );
        assert!(
            matches!(let_value("let t = T | take 5"), LetValue::Pipeline(p) if p.ops.len() == 1)
        );
        assert!(matches!(
            let_value("let t = (T | take 5)"),
            LetValue::Pipeline(_)
        ));
        assert!(matches!(let_value("let t = (T)"), LetValue::Pipeline(_)));
        assert!(matches!(let_value("let t = (T).x or y"), LetValue::Expr(_)));
        assert!(matches!(
            let_value("let t = (T | take 1)"),
            LetValue::Pipeline(_)
        ));
        assert!(matches!(
            let_value("let t = print 1"),
            LetValue::Pipeline(_)
        ));
        assert!(matches!(
            let_value("let t = range x from 1 to 3 step 1"),
            LetValue::Pipeline(_)
        ));
        assert!(matches!(
            let_value("let t = datatable(a:long) [1]"),
            LetValue::Pipeline(_)
        ));
        assert!(matches!(
            let_value("let t = union A, B"),
            LetValue::Pipeline(_)
        ));
        verified("let t = AlertInfo\n| where Severity == \"High\";\nt\n| count");
        verified("let t = (AlertInfo | where x);\nt");
    }

    #[test]
    fn let_errors() {
        let e = parse_err("let f = (a:long) a + 1; print f(1)");
        assert_eq!(e.message, "expected `{`, found `a`");
        let e = parse_err("let f = () { }; print f()");
        assert_eq!(e.message, "expected a function body, found `}`");
        let e = parse_err("let f = (a:long, b) { 1 }");
        assert_eq!(e.message, "expected `:`, found `)`");
        let e = parse_err("let x = ");
        assert_eq!(
            e.message,
            "expected a table name or tabular expression, found end of input"
        );
        let e = parse_err("let x 5");
        assert_eq!(e.message, "expected `=`, found `5`");
        let e = parse_err("let t = T | where; t");
        assert_eq!(e.message, "expected an expression after `where`, found `;`");
        let e = parse_err("let x = 5 6");
        assert_eq!(e.message, "expected `;` or end of input, found `6`");
        assert_eq!((e.span.start, e.span.end), (10, 11));
    }

    #[test]
    fn sources() {
        assert!(matches!(source("AlertInfo"), Source::Table(t) if t.name == "AlertInfo"));
        assert!(matches!(source("['My Table']"), Source::Table(t) if t.name == "My Table"));
        let Source::Datatable {
            columns,
            values,
            span,
        } = source("datatable(a:long, b:string) [1, \"x\", -2, \"y\"]")
        else {
            panic!()
        };
        assert_eq!(columns.len(), 2);
        assert_eq!(columns[1].1.name, "string");
        assert_eq!(values.len(), 4);
        assert_eq!((span.start, span.end), (0, 45));
        canonical("datatable (a : long) [1,2,]", "datatable(a:long) [1, 2]");
        verified("datatable(a:long) []");
        let Source::Print { exprs, .. } = source("print x = 1, \"a\"") else {
            panic!()
        };
        assert_eq!(exprs.len(), 2);
        let Source::Range { name, step, .. } = source("range x from 1 to 10 step 2") else {
            panic!()
        };
        assert_eq!(name.name, "x");
        assert!(matches!(step.kind, ExprKind::Literal(Literal::Long(2))));
        verified("range d from datetime(2023-01-01) to datetime(2023-01-31) step 1d");
        let Source::Union { params, tables, .. } = source("union withsource=Src (A | take 1), B")
        else {
            panic!()
        };
        assert_eq!((params.len(), tables.len()), (1, 2));
        assert!(matches!(source("(T | take 1)"), Source::Nested(p) if p.ops.len() == 1));
        verified("(T)\n| take 1");
    }

    #[test]
    fn source_errors() {
        let e = parse_err("range x from 1 to 10");
        assert_eq!(e.message, "expected `step`, found end of input");
        let e = parse_err("datatable(a:long) [1");
        assert!(e.message.contains("expected `]`"), "{}", e.message);
        let e = parse_err("datatable(a long) [1]");
        assert_eq!(e.message, "expected `:`, found `long`");
        let e = parse_err("find in (T) where");
        assert!(
            e.message.contains("expected an expression"),
            "{}",
            e.message
        );
        let e = parse_err("set x = ; T");
        assert!(
            e.message.contains("expected an expression"),
            "{}",
            e.message
        );
        let e = parse_err("declare query_parameters(a)");
        assert_eq!(e.message, "expected `:`, found `)`");
        let e = parse_err("(T | take 1");
        assert_eq!(e.message, "expected `)`, found end of input");
        let e = parse_err("");
        assert_eq!(e.message, "expected a query, found end of input");
        let e = parse_err("// just a comment\n");
        assert_eq!((e.span.start, e.span.end), (18, 18));
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let e = parse_err("T | take 10 )");
        assert_eq!(e.message, "expected `|`, `;` or end of input, found `)`");
        assert_eq!((e.span.start, e.span.end), (12, 13));
        let e = parse_err("T x");
        assert_eq!((e.span.start, e.span.end), (2, 3));
        let e = parse_err("T | where a == 1 b");
        assert_eq!((e.span.start, e.span.end), (17, 18));
    }

    #[test]
    fn deep_pipelines_are_errors_not_crashes() {
        let src = "(".repeat(10_000);
        assert!(parse_err(&src).message.contains("nests too deeply"));
        let src = "T | join (".repeat(10_000);
        assert!(parse_err(&src).message.contains("nests too deeply"));
        let src = "let x = ".to_string() + &"(".repeat(10_000);
        assert!(parse_err(&src).message.contains("nests too deeply"));
    }

    /// The nesting limits keep the parser's recursion well inside a small
    /// stack even in unoptimized builds, where frames are largest.
    #[test]
    fn worst_case_nesting_fits_in_a_small_stack() {
        let inputs = vec![
            // 15 nested `join (` pipelines, then expressions nested to the limit.
            format!(
                "T{}{}",
                " | join (T".repeat(15),
                format!(" | where {}", "f(".repeat(64))
            ),
            format!("{}{}", "union (".repeat(15), "print x[".repeat(64)),
            format!("T | where {}", "(x in (x between (".repeat(30)),
            "(".repeat(10_000),
            format!("print {}", "-".repeat(10_000)),
            // Function bodies count as pipelines.
            "let f = () { ".repeat(10_000),
            format!("{}print {}", "let f = () { ".repeat(15), "f(".repeat(64)),
            // Subqueries with implicit sources, then method calls.
            format!(
                "T{} | where {}",
                " | mv-apply x on (T".repeat(15),
                "a.f(".repeat(64)
            ),
            format!("print {}", "toscalar(T | where ".repeat(20)),
            format!("search {}", "a:".repeat(10_000)),
            format!("print {}", "not ".repeat(10_000)),
        ];
        for src in inputs {
            let handle = std::thread::Builder::new()
                .stack_size(STACK)
                .spawn(move || crate::parse(&src).is_err())
                .unwrap();
            assert!(handle.join().unwrap());
        }
    }

    /// 1 MiB: half of a test thread's default stack.
    const STACK: usize = 1 << 20;

    #[test]
    fn pipeline_spans() {
        let q = crate::parse("  T | take 1 ; ").unwrap();
        let Statement::Tabular(p) = &q.statements[0] else {
            panic!()
        };
        assert_eq!((p.span.start, p.span.end), (2, 12));
        let Source::Table(t) = &p.source else {
            panic!()
        };
        assert_eq!((t.span.start, t.span.end), (2, 3));
    }
}
