//! User-defined functions (`let f = (a:long) { … }`), their parameter lists,
//! and the statements other than `let`: `set`, `declare query_parameters`,
//! `declare pattern`, `alias`, `restrict`. Also `externaldata` and `with
//! (name = value, …)` option lists, which share the parameter syntax.

use super::expr::{comma_list, expr, param_value, schema};
use super::lexical::{dotted_name, ident, kw, peek_assign, peek_kw, peek_sym, sym, word, ws};
use super::statement::{bracket_values, column_decls, entity_expr, statements};
use super::{Ctx, Expected, PResult, cut_err, err};
use crate::ast::{Expr, FunctionParam, Ident, LetValue, ParamType, PatternRule, Source, Statement};
use crate::span::Span;

/// True if a user-defined function starts at `i` (after whitespace):
/// `() {`, `(name:` or `view (`.
pub(crate) fn is_function_def(i: &str) -> bool {
    let i = match peek_kw(i, "view") {
        Some(r) if peek_sym(r, "(").is_some() => return true,
        _ => ws(i),
    };
    let Some(r) = i.strip_prefix('(') else {
        return false;
    };
    let r = ws(r);
    let empty = r.strip_prefix(')').and_then(|r| peek_sym(r, "{")).is_some();
    let typed = word(r)
        .and_then(|(_, after)| peek_sym(after, ":"))
        .is_some();
    empty || typed
}

/// `[view] (params) { body }` after `let name =`.
pub(crate) fn function_def<'a>(c: &Ctx, i: &'a str) -> PResult<'a, LetValue> {
    let i = ws(i);
    let (r, view) = match peek_kw(i, "view") {
        Some(r) => (r, true),
        None => (i, false),
    };
    let (r, params) = cut_err(param_list(c, r, ")"))?;
    let (r, body) = cut_err(braced_body(c, r))?;
    Ok((
        r,
        LetValue::Function {
            params,
            body,
            view,
            span: c.span(i, r),
        },
    ))
}

/// `{ statements }`: a function or pattern body.
pub(crate) fn braced_body<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<Statement>> {
    let (r, _) = sym(i, "{")?;
    // A body holds statements, which cost as much stack as a pipeline.
    let _depth = c.descend_pipeline(r)?;
    let (r, body) = statements(c, r, Some('}'))?;
    if body.is_empty() {
        return err(ws(r), Expected::Desc("a function body"));
    }
    let (r, _) = sym(r, "}")?;
    Ok((r, body))
}

/// `(a:long, b:string = "x", T:(*))` — or `[…]` when `close` is `]`: the
/// opening symbol is at `i`.
pub(crate) fn param_list<'a>(
    c: &Ctx,
    i: &'a str,
    close: &'static str,
) -> PResult<'a, Vec<FunctionParam>> {
    let open = if close == "]" { "[" } else { "(" };
    let (r, _) = sym(i, open)?;
    if let Some(r) = peek_sym(r, close) {
        return Ok((r, Vec::new()));
    }
    let (r, params) = comma_list(c, r, param)?;
    let (r, _) = sym(r, close)?;
    Ok((r, params))
}

/// `name:type [= default]`, the type a name or a schema `(…)`.
pub(crate) fn param<'a>(c: &Ctx, i: &'a str) -> PResult<'a, FunctionParam> {
    let (r, name) = ident(c, i)?;
    let (r, _) = sym(r, ":")?;
    let (r, ty) = if peek_sym(r, "(").is_some() {
        let (r, items) = schema(c, r, false)?;
        (r, ParamType::Tabular(items))
    } else {
        let (r, t) = ident(c, r)?;
        (r, ParamType::Scalar(t))
    };
    let (r, default) = match peek_assign(r) {
        Some(after) => {
            let (r, e) = expr(c, after)?;
            (r, Some(e))
        }
        None => (r, None),
    };
    Ok((r, FunctionParam { name, ty, default }))
}

/// `set name [= value]`; `rest` is after `set`.
pub(crate) fn set_statement<'a>(c: &Ctx, i: &'a str, rest: &'a str) -> PResult<'a, Statement> {
    let (r, name) = cut_err(dotted_name(c, rest))?;
    let (r, value) = match peek_assign(r) {
        Some(after) => {
            let (r, e) = cut_err(expr(c, after))?;
            (r, Some(e))
        }
        None => (r, None),
    };
    Ok((
        r,
        Statement::Set {
            name,
            value,
            span: c.span(i, r),
        },
    ))
}

/// `declare query_parameters(…)`; `rest` is after `declare`.
pub(crate) fn query_parameters<'a>(c: &Ctx, i: &'a str, rest: &'a str) -> PResult<'a, Statement> {
    let (r, _) = kw(rest, "query_parameters")?;
    let (r, params) = cut_err(param_list(c, r, ")"))?;
    Ok((
        r,
        Statement::QueryParameters {
            params,
            span: c.span(i, r),
        },
    ))
}

/// `alias database Name = cluster(…).database(…)`; `rest` is after `alias`.
pub(crate) fn alias_statement<'a>(c: &Ctx, i: &'a str, rest: &'a str) -> PResult<'a, Statement> {
    let (r, kind) = cut_err(ident(c, rest))?;
    let (r, name) = cut_err(ident(c, r))?;
    let Some(r) = peek_assign(r) else {
        return cut_err(err(ws(r), Expected::Tok("=")));
    };
    let (r, value) = cut_err(expr(c, r))?;
    Ok((
        r,
        Statement::Alias {
            kind,
            name,
            value,
            span: c.span(i, r),
        },
    ))
}

/// `restrict access to (e1, e2)`; `rest` is after `restrict`.
pub(crate) fn restrict_statement<'a>(c: &Ctx, i: &'a str, rest: &'a str) -> PResult<'a, Statement> {
    let (r, _) = kw(rest, "access")?;
    let (r, entities) = cut_err(entity_list_after(c, r, "to"))?;
    Ok((
        r,
        Statement::RestrictAccess {
            entities,
            span: c.span(i, r),
        },
    ))
}

/// `kw (e1, e2, …)`: a keyword and a parenthesized list of entity
/// references (`in (T1, database("d").T*)`).
pub(crate) fn entity_list_after<'a>(
    c: &Ctx,
    i: &'a str,
    keyword: &'static str,
) -> PResult<'a, Vec<Expr>> {
    let (r, _) = kw(i, keyword)?;
    let (r, _) = sym(r, "(")?;
    let (r, list) = comma_list(c, r, entity_expr)?;
    let (r, _) = sym(r, ")")?;
    Ok((r, list))
}

/// `declare pattern name [= (params)[path] { rules }]`; `rest` is after `declare`.
pub(crate) fn pattern_statement<'a>(c: &Ctx, i: &'a str, rest: &'a str) -> PResult<'a, Statement> {
    let (r, _) = kw(rest, "pattern")?;
    let (r, name) = cut_err(ident(c, r))?;
    let mut params = Vec::new();
    let mut path_params = None;
    let mut rules = None;
    let mut r = r;
    if let Some(after) = peek_assign(r) {
        let (after, p) = cut_err(param_list(c, after, ")"))?;
        params = p;
        r = after;
        if peek_sym(r, "[").is_some() {
            let (after, p) = cut_err(param_list(c, r, "]"))?;
            path_params = Some(p);
            r = after;
        }
        let (after, rs) = cut_err(pattern_rules(c, r))?;
        rules = Some(rs);
        r = after;
    }
    Ok((
        r,
        Statement::Pattern {
            name,
            params,
            path_params,
            rules,
            span: c.span(i, r),
        },
    ))
}

/// `{ (args).[path] = { body }; … }`
fn pattern_rules<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<PatternRule>> {
    let (mut r, _) = sym(i, "{")?;
    let mut rules = Vec::new();
    loop {
        if let Some(after) = peek_sym(r, "}") {
            return Ok((after, rules));
        }
        let (after, _) = sym(r, "(")?;
        let (after, args) = comma_list(c, after, expr)?;
        let (mut after, _) = sym(after, ")")?;
        let mut path = None;
        if let Some(a) = peek_sym(after, ".") {
            let (a, _) = sym(a, "[")?;
            let (a, p) = expr(c, a)?;
            let (a, _) = sym(a, "]")?;
            path = Some(p);
            after = a;
        }
        let (after, _) = sym(after, "=")?;
        let (after, body) = braced_body(c, after)?;
        rules.push(PatternRule { args, path, body });
        r = peek_sym(after, ";").unwrap_or(after);
    }
}

/// `(a:string) [uris] [with (…)]` after `externaldata`.
pub(crate) fn externaldata<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let (r, columns) = column_decls(c, i)?;
    let (r, uris) = bracket_values(c, r)?;
    let (r, with) = match peek_kw(r, "with") {
        Some(_) => with_options(c, r)?,
        None => (r, Vec::new()),
    };
    Ok((
        r,
        Source::ExternalData {
            columns,
            uris,
            with,
            span: Span::default(),
        },
    ))
}

/// `with (name = value, …)`.
pub(crate) fn with_options<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<(Ident, Expr)>> {
    let (r, _) = kw(i, "with")?;
    let (r, _) = sym(r, "(")?;
    if let Some(r) = peek_sym(r, ")") {
        return Ok((r, Vec::new()));
    }
    let (r, list) = kv_list(c, r)?;
    let (r, _) = sym(r, ")")?;
    Ok((r, list))
}

/// `name = value, …` (at least one).
pub(crate) fn kv_list<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<(Ident, Expr)>> {
    let pair = |c: &Ctx, i: &'a str| -> PResult<'a, (Ident, Expr)> {
        let (r, name) = dotted_name(c, i)?;
        let Some(r) = peek_assign(r) else {
            return err(ws(r), Expected::Tok("="));
        };
        let (r, value) = option_value(c, r)?;
        Ok((r, (name, value)))
    };
    comma_list(c, i, pair)
}

/// An option value: a literal, a bare word, or a typed literal / call
/// (`format = csv`, `threshold = 0.1`, `x = dynamic([1])`).
fn option_value<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    match word(i) {
        Some((_, r)) if peek_sym(r, "(").is_some() => expr(c, i),
        _ => param_value(c, i),
    }
}

/// `[(schema)] params [partition by (…)] [pathformat=(…)] (uris) [with (…)]`
/// after `inline_external_table`; parameters may come in any order.
pub(crate) fn inline_external_table<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Source> {
    let (mut r, columns) = if peek_sym(i, "(").is_some() {
        column_decls(c, i)?
    } else {
        (i, Vec::new())
    };
    let mut params = Vec::new();
    let mut partitions = Vec::new();
    let mut path_format = Vec::new();
    loop {
        if let Some(after) = peek_kw(r, "partition") {
            let (after, _) = kw(after, "by")?;
            let (after, p) = param_list(c, after, ")")?;
            partitions = p;
            r = after;
            continue;
        }
        if let Some(after) = peek_kw(r, "pathformat")
            && let Some(after) = peek_assign(after)
        {
            let (mut after, _) = sym(after, "(")?;
            while peek_sym(after, ")").is_none() {
                let (a, e) = expr(c, after)?;
                path_format.push(e);
                after = a;
            }
            r = peek_sym(after, ")").unwrap_or(after);
            continue;
        }
        if let Ok((after, name)) = dotted_name(c, r)
            && let Some(after) = peek_assign(after)
        {
            let (after, value) = param_value(c, after)?;
            params.push((name, value));
            r = after;
            continue;
        }
        break;
    }
    let (r, _) = sym(r, "(")?;
    let (r, uris) = comma_list(c, r, expr)?;
    let (r, _) = sym(r, ")")?;
    let (r, with) = match peek_kw(r, "with") {
        Some(_) => with_options(c, r)?,
        None => (r, Vec::new()),
    };
    Ok((
        r,
        Source::InlineExternalTable {
            columns,
            params,
            partitions,
            path_format,
            uris,
            with,
            span: Span::default(),
        },
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::ast::{LetValue, ParamType, SchemaItem, Source, Statement};
    use crate::test_util::{canonical, parse_err, verified};

    fn let_value(src: &str) -> LetValue {
        match &verified(src).statements[0] {
            Statement::Let { value, .. } => value.clone(),
            other => panic!("not a let: {other:?}"),
        }
    }

    #[test]
    fn user_defined_functions() {
        let LetValue::Function {
            params,
            body,
            view,
            span,
        } = let_value(
            "let f = (a:long, b:string = \"x\", T:(x:long, *)) { let y = a + 1; T | take y }",
        )
        else {
            panic!()
        };
        assert!(!view);
        assert_eq!((params.len(), body.len()), (3, 2));
        assert!(matches!(&params[0].ty, ParamType::Scalar(t) if t.name == "long"));
        assert!(params[1].default.is_some());
        let ParamType::Tabular(items) = &params[2].ty else {
            panic!()
        };
        assert!(matches!(items[1], SchemaItem::Star));
        assert_eq!((span.start, span.end), (8, 77));
        assert!(matches!(
            let_value("let v = view () { T }"),
            LetValue::Function { view: true, .. }
        ));
        verified("let g = (T:(*)) { T | count }");
        verified("let h = () { 123 }");
        canonical(
            "let f = (dt: datetime) {\n (dt - datetime(1970-01-01)) / 1s\n};\nprint f(now())",
            "let f = (dt:datetime) { (dt - datetime(1970-01-01)) / 1s };\nprint f(now())",
        );
        canonical(
            "let f = (x: long) { toscalar(T | where a == x | project y); }",
            "let f = (x:long) { toscalar(T | where a == x | project y) }",
        );
        verified("let f = () { T | serialize }");
    }

    #[test]
    fn function_errors() {
        let e = parse_err("let f = (a:long) a");
        assert_eq!(e.message, "expected `{`, found `a`");
        let e = parse_err("let f = (a:long) { a");
        assert_eq!(e.message, "expected `}`, found end of input");
        let e = parse_err("let f = (a:long) { a b }");
        assert_eq!(e.message, "expected `|`, `;` or `}`, found `b`");
        let e = parse_err("let f = (T:(x)) { T }");
        assert_eq!(e.message, "expected `:`, found `)`");
    }

    #[test]
    fn other_statements() {
        let q = verified("set notruncation;\nset query_take_max_records = 100;\nT");
        assert!(
            matches!(&q.statements[0], Statement::Set { name, value: None, .. } if name.name == "notruncation")
        );
        assert!(matches!(
            &q.statements[1],
            Statement::Set { value: Some(_), .. }
        ));
        canonical("set x=time(5m); T", "set x = time(5m);\nT");
        let q = verified("declare query_parameters(maxInjured:long = 90, s:string);\nT");
        assert!(
            matches!(&q.statements[0], Statement::QueryParameters { params, .. } if params.len() == 2)
        );
        let q = verified("alias database db = cluster(\"c\").database(\"d\");\ndatabase(\"db\").T");
        assert!(
            matches!(&q.statements[0], Statement::Alias { kind, .. } if kind.name == "database")
        );
        let q = verified(
            "restrict access to (T, database(\"d\").U*, cluster(\"c\").database(\"d\").*)",
        );
        assert!(
            matches!(&q.statements[0], Statement::RestrictAccess { entities, .. } if entities.len() == 3)
        );
        let q = verified(
            "declare pattern app = (id:string)[kind:string] { (\"a\").[\"b\"] = { print 1 }; (\"c\") = { T }; };\napp(\"a\").b",
        );
        assert!(
            matches!(&q.statements[0], Statement::Pattern { rules: Some(r), path_params: Some(_), .. } if r.len() == 2)
        );
        verified("declare pattern p;\np(\"x\")");
        // `set` followed by no name is a table called `set`.
        assert!(matches!(
            &verified("set").statements[0],
            Statement::Tabular(_)
        ));
    }

    #[test]
    fn sql_queries_are_kept_as_text() {
        let q = canonical(
            "--\nexplain\nSELECT COUNT(*) FROM T ",
            "--\nexplain\nSELECT COUNT(*) FROM T",
        );
        assert!(
            matches!(&q.statements[0], Statement::Sql { text, .. } if text.starts_with("explain"))
        );
    }

    #[test]
    fn external_data_sources() {
        let q = verified(
            "externaldata(a:string, b:long) [\"https://x\", \"https://y\"] with (format=\"csv\", ignoreFirstRecord=true)",
        );
        let Statement::Tabular(p) = &q.statements[0] else {
            panic!()
        };
        assert!(
            matches!(&p.source, Source::ExternalData { columns, uris, with, .. } if columns.len() == 2 && uris.len() == 2 && with.len() == 2)
        );
        canonical(
            "external_data(a:string) ['u']",
            "externaldata(a:string) [\"u\"]",
        );
        let q = verified(
            "inline_external_table(a:long) kind=storage dataformat=csv partition by (Day:datetime = startofday(a)) pathformat=(\"day=\" datetime_pattern(\"yyyy\", Day)) (\"u\") with (includeHeaders=\"All\")",
        );
        let Statement::Tabular(p) = &q.statements[0] else {
            panic!()
        };
        assert!(
            matches!(&p.source, Source::InlineExternalTable { params, partitions, path_format, .. } if params.len() == 2 && partitions.len() == 1 && path_format.len() == 2)
        );
        verified("inline_external_table kind=delta (\"u\")\n| take 1");
    }
}
