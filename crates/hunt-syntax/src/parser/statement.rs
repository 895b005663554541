//! Statements (`let`, tabular), pipelines and pipeline sources.

use super::expr::{comma_list, expr, named_expr, param_value};
use super::lexical::{
    column_pattern, dotted_name, ident, kw, peek_assign, peek_kw, peek_sym, sym, word, ws,
};
use super::operator::operator;
use super::{Ctx, Expected, PResult, cut_err, err, fatal};
use crate::ast::{Expr, Ident, LetValue, Pipeline, Query, Source, Statement};
use crate::span::Span;

/// A whole query: `;`-separated statements, consuming all input.
pub(crate) fn query<'a>(c: &Ctx, src: &'a str) -> PResult<'a, Query> {
    let mut statements = Vec::new();
    let mut rest = ws(src);
    loop {
        if rest.is_empty() {
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
        if !r.is_empty() {
            let what = if matches!(statements.last(), Some(Statement::Tabular(_))) {
                Expected::Desc("`|`, `;` or end of input")
            } else {
                Expected::Desc("`;` or end of input")
            };
            return err(r, what);
        }
        break;
    }
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

/// `let name = value` or a tabular expression.
fn statement<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Statement> {
    let i = ws(i);
    if let Some(r) = peek_kw(i, "let") {
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
        return Ok((
            r,
            Statement::Let {
                name,
                value,
                span: c.span(i, r),
            },
        ));
    }
    if let Some((w @ ("set" | "declare" | "alias" | "pattern" | "restrict"), rest)) = word(i)
        && word(ws(rest)).is_some()
    {
        return fatal(
            i,
            w.len(),
            format!("`{w}` statements are not supported yet"),
            None,
        );
    }
    let (r, p) = pipeline(c, i)?;
    Ok((r, Statement::Tabular(p)))
}

/// The right-hand side of `let`: a pipeline when it has an operator or a
/// tabular-only source, otherwise an expression.
fn let_value<'a>(c: &Ctx, i: &'a str) -> PResult<'a, LetValue> {
    let i = ws(i);
    if let Some(r) = i.strip_prefix('(') {
        let r = ws(r);
        let empty_params = r.strip_prefix(')').and_then(|r| peek_sym(r, "{")).is_some();
        let typed_param = word(r)
            .and_then(|(_, after)| peek_sym(after, ":"))
            .is_some();
        if empty_params || typed_param {
            return fatal(
                i,
                1,
                "user-defined functions are not supported yet",
                Some("inline the function body where it is used".into()),
            );
        }
    }
    if let Some(r) = peek_kw(i, "view")
        && peek_sym(r, "(").is_some()
    {
        return fatal(
            i,
            4,
            "user-defined functions (`view`) are not supported yet",
            Some("inline the function body where it is used".into()),
        );
    }
    let tabular_kw = ["datatable", "print", "range", "union"]
        .iter()
        .any(|k| peek_kw(i, k).is_some());
    if tabular_kw {
        let (r, p) = pipeline(c, i)?;
        return Ok((r, LetValue::Pipeline(p)));
    }
    // Try a pipeline first; keep it if it is tabular and ends the statement,
    // otherwise prefer an expression that gets further (`let x = (a).b or c`).
    let tabular = |p: &Pipeline| !p.ops.is_empty() || !matches!(p.source, Source::Table(_));
    let (piped, first_err) = match pipeline(c, i) {
        Ok((r, p)) => {
            let next = ws(r);
            if tabular(&p) && (next.is_empty() || next.starts_with(';')) {
                return Ok((r, LetValue::Pipeline(p)));
            }
            (Some((r, p)), None)
        }
        Err(nom::Err::Error(e)) => (None, Some(e)),
        Err(other) => return Err(other),
    };
    let piped = piped.filter(|(_, p)| tabular(p));
    match expr(c, i) {
        Ok((r, e)) => match piped {
            Some((pr, p)) if pr.len() <= r.len() => Ok((pr, LetValue::Pipeline(p))),
            _ => Ok((r, LetValue::Expr(e))),
        },
        Err(nom::Err::Error(e)) => match (piped, first_err) {
            (Some((pr, p)), _) => Ok((pr, LetValue::Pipeline(p))),
            (None, Some(first)) => Err(nom::Err::Error(nom::error::ParseError::or(first, e))),
            (None, None) => Err(nom::Err::Error(e)),
        },
        Err(other) => Err(other),
    }
}

/// `source | op | op …`
pub(crate) fn pipeline<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let i = ws(i);
    let _depth = c.descend_pipeline(i)?;
    let (mut rest, source) = source(c, i)?;
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
            span: c.span(i, rest),
        },
    ))
}

/// The first element of a pipeline.
fn source<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let i = ws(i);
    if i.starts_with('(') {
        return nested_source(c, i);
    }
    if let Some((w, rest)) = word(i) {
        return match w {
            "datatable" | "print" | "range" | "union"
                if w != "datatable" || peek_sym(rest, "(").is_some() =>
            {
                keyword_source(c, i, w, rest)
            }
            "find" | "search" | "externaldata" | "evaluate" | "materialize" | "view" => {
                soft(i, w.len(), format!("`{w}` is not supported yet"))
            }
            // Recoverable: `let x = ago(1d)` tries a pipeline first.
            _ if peek_sym(rest, "(").is_some() => soft(
                i,
                w.len(),
                format!("a function call (`{w}(…)`) as a tabular source is not supported yet"),
            ),
            _ => Ok((
                rest,
                Source::Table(Ident {
                    name: w.to_string(),
                    span: c.span(i, rest),
                }),
            )),
        };
    }
    if i.starts_with('[') {
        let (r, id) = ident(c, i)?;
        return Ok((r, Source::Table(id)));
    }
    err(i, Expected::Desc("a table name or tabular expression"))
}

/// `( pipeline )`; `i` starts at `(`.
fn nested_source<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let (r, p) = pipeline(c, &i[1..])?;
    let (r, _) = sym(r, ")")?;
    Ok((r, Source::Nested(Box::new(p))))
}

/// `datatable`, `print`, `range` or `union` (keyword `w`, input `rest` after it).
fn keyword_source<'a>(c: &Ctx, i: &'a str, w: &str, rest: &'a str) -> PResult<'a, Source> {
    let r = match w {
        "datatable" => datatable(c, rest),
        "print" => print(c, rest),
        "range" => range(c, rest),
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
        | Source::Union { span: s, .. } => *s = span,
        Source::Table(_) | Source::Nested(_) => {}
    }
    Ok((r, s))
}

/// `datatable(a:long, b:string) [1, "x", …]` after the keyword.
fn datatable<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let (r, _) = sym(i, "(")?;
    let column = |c: &Ctx, i: &'a str| -> PResult<'a, (Ident, Ident)> {
        let (r, name) = ident(c, i)?;
        let (r, _) = sym(r, ":")?;
        let (r, ty) = ident(c, r)?;
        Ok((r, (name, ty)))
    };
    let (r, columns) = comma_list(c, r, column)?;
    let (r, _) = sym(r, ")")?;
    let (mut r, _) = sym(r, "[")?;
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

/// A table operand of `join`, `lookup` or `union`: a name or `(pipeline)`.
pub(crate) fn table_operand<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let i = ws(i);
    if i.starts_with('(') {
        return paren_pipeline(c, i);
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
    match column_pattern(c, i) {
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

/// A recoverable error with a complete message: shown if nothing else parses.
fn soft<T>(at: &str, len: usize, message: String) -> PResult<'_, T> {
    Err(nom::Err::Error(super::PError::custom(
        at, len, message, None,
    )))
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
        let e = parse_err("let f = (a:long) { a + 1 }; print f(1)");
        assert_eq!(e.message, "user-defined functions are not supported yet");
        assert_eq!((e.span.start, e.span.end), (8, 9));
        let e = parse_err("let f = () { 1 }; print f()");
        assert_eq!(e.message, "user-defined functions are not supported yet");
        let e = parse_err("let x = ");
        assert_eq!(
            e.message,
            "expected a table name or tabular expression or an expression, found end of input"
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
        let e = parse_err("find \"x\"");
        assert_eq!(e.message, "`find` is not supported yet");
        let e = parse_err("database(\"db\").T");
        assert!(
            e.message.contains("as a tabular source is not supported"),
            "{}",
            e.message
        );
        let e = parse_err("set notruncation; T");
        assert_eq!(e.message, "`set` statements are not supported yet");
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
