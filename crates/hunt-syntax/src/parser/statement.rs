//! Statements (`let`, tabular), pipelines and pipeline sources.

use super::expr::{comma_list, expr, named_expr, param_value};
use super::lexical::{dotted_name, ident, kw, peek_assign, peek_kw, peek_sym, sym, word, ws};
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
    Ok(("", Query { statements, span: Span::new(0, src.len()) }))
}

/// `let name = value` or a tabular expression.
fn statement<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Statement> {
    let i = ws(i);
    if let Some(r) = peek_kw(i, "let") {
        let (r, name) = cut_err(ident(c, r))?;
        let (r, _) = match peek_assign(r) {
            Some(after) => (after, ()),
            None => return Err(nom::Err::Failure(super::PError::expected(ws(r), Expected::Tok("=")))),
        };
        let (r, value) = cut_err(let_value(c, r))?;
        return Ok((r, Statement::Let { name, value, span: c.span(i, r) }));
    }
    if let Some((w @ ("set" | "declare" | "alias" | "pattern" | "restrict"), rest)) = word(i)
        && word(ws(rest)).is_some()
    {
        return fatal(i, w.len(), format!("`{w}` statements are not supported yet"), None);
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
        let typed_param = word(r).and_then(|(_, after)| peek_sym(after, ":")).is_some();
        if empty_params || typed_param {
            return fatal(
                i,
                1,
                "user-defined functions are not supported yet",
                Some("inline the function body where it is used".into()),
            );
        }
    }
    let tabular_kw = ["datatable", "print", "range", "union"].iter().any(|k| peek_kw(i, k).is_some());
    if tabular_kw {
        let (r, p) = pipeline(c, i)?;
        return Ok((r, LetValue::Pipeline(p)));
    }
    let first_err = match pipeline(c, i) {
        Ok((r, p)) => {
            if !p.ops.is_empty() || !matches!(p.source, Source::Table(_)) {
                return Ok((r, LetValue::Pipeline(p)));
            }
            None
        }
        Err(nom::Err::Error(e)) => Some(e),
        Err(other) => return Err(other),
    };
    match expr(c, i) {
        Ok((r, e)) => Ok((r, LetValue::Expr(e))),
        Err(nom::Err::Error(e)) => {
            let e = match first_err {
                Some(first) => nom::error::ParseError::or(first, e),
                None => e,
            };
            Err(nom::Err::Error(e))
        }
        Err(other) => Err(other),
    }
}

/// `source | op | op …`
pub(crate) fn pipeline<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let i = ws(i);
    let _depth = c.descend(i)?;
    let (mut rest, source) = source(c, i)?;
    let mut ops = Vec::new();
    loop {
        let r = ws(rest);
        let Some(after) = r.strip_prefix('|') else { break };
        let (r, op) = cut_err(operator(c, after))?;
        ops.push(op);
        rest = r;
    }
    Ok((rest, Pipeline { source, ops, span: c.span(i, rest) }))
}

/// The first element of a pipeline.
fn source<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let i = ws(i);
    if let Some(r) = i.strip_prefix('(') {
        let (r, p) = pipeline(c, r)?;
        let (r, _) = sym(r, ")")?;
        return Ok((r, Source::Nested(Box::new(p))));
    }
    if let Some((w, rest)) = word(i) {
        let r = match w {
            "datatable" if peek_sym(rest, "(").is_some() => cut_err(datatable(c, rest)),
            "print" => cut_err(print(c, rest)),
            "range" => cut_err(range(c, rest)),
            "union" => cut_err(union_body(c, rest)).map(|(r, (params, tables))| {
                (r, Source::Union { params, tables, span: Span::default() })
            }),
            "find" | "search" | "externaldata" | "evaluate" | "materialize" | "view" => {
                return soft(i, w.len(), format!("`{w}` is not supported yet"));
            }
            _ if peek_sym(rest, "(").is_some() => {
                // Recoverable: `let x = ago(1d)` tries a pipeline first.
                return soft(
                    i,
                    w.len(),
                    format!("a function call (`{w}(…)`) as a tabular source is not supported yet"),
                );
            }
            _ => {
                let id = Ident { name: w.to_string(), span: c.span(i, rest) };
                return Ok((rest, Source::Table(id)));
            }
        };
        let (r, mut s) = r.map_err(|e| super::operator::with_context(c, e, w, rest))?;
        let span = c.span(i, r);
        match &mut s {
            Source::Datatable { span: s, .. }
            | Source::Print { span: s, .. }
            | Source::Range { span: s, .. }
            | Source::Union { span: s, .. } => *s = span,
            Source::Table(_) | Source::Nested(_) => {}
        }
        return Ok((r, s));
    }
    if i.starts_with('[') {
        let (r, id) = ident(c, i)?;
        return Ok((r, Source::Table(id)));
    }
    err(i, Expected::Desc("a table name or tabular expression"))
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
    Ok((r, Source::Datatable { columns, values, span: Span::default() }))
}

/// `print a = 1, 2` after the keyword.
fn print<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let (r, exprs) = comma_list(c, i, named_expr)?;
    Ok((r, Source::Print { exprs, span: Span::default() }))
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
    Ok((r, Source::Range { name, from, to, step, span: Span::default() }))
}

/// `name=value` parameters accepted by `accept`, such as `kind=inner` or
/// `hint.strategy=shuffle`.
pub(crate) fn params<'a>(
    c: &Ctx,
    i: &'a str,
    accept: impl Fn(&str) -> bool,
) -> PResult<'a, Vec<(Ident, Expr)>> {
    let mut out = Vec::new();
    let mut rest = i;
    loop {
        if let Ok((r, name)) = dotted_name(c, rest)
            && accept(&name.name)
            && let Some(r) = peek_assign(r)
        {
            let (r, value) = cut_err(param_value(c, r))?;
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
    if let Some(r) = i.strip_prefix('(') {
        let (r, p) = pipeline(c, r)?;
        let (r, _) = sym(r, ")")?;
        return Ok((r, p));
    }
    match ident(c, i) {
        Ok((r, id)) => {
            let span = id.span;
            Ok((r, Pipeline { source: Source::Table(id), ops: Vec::new(), span }))
        }
        Err(_) => err(i, Expected::Desc("a table name or `(`")),
    }
}

/// `[params] T1, (T2 | …), …` after `union`.
pub(crate) fn union_body<'a>(
    c: &Ctx,
    i: &'a str,
) -> PResult<'a, (Vec<(Ident, Expr)>, Vec<Pipeline>)> {
    let (r, params) = params(c, i, |_| true)?;
    let (r, tables) = comma_list(c, r, table_operand)?;
    Ok((r, (params, tables)))
}

/// A recoverable error with a complete message: shown if nothing else parses.
fn soft<T>(at: &str, len: usize, message: String) -> PResult<'_, T> {
    Err(nom::Err::Error(super::PError::custom(at, len, message, None)))
}
