//! Tabular operators: one function per operator, each called after its
//! keyword has matched (and `cut`, so errors name the operator).

use super::expr::{comma_list, expr, named_expr};
use super::lexical::{column_pattern, ident, is_ident_char, kw, peek_assign, peek_kw, peek_sym, raw_until_pipe, sym, ws};
use super::statement::{params, table_operand, union_body};
use super::{Ctx, Expected, PError, PResult, cut_err, err, fatal};
use crate::ast::{
    BinOp, Expr, ExprKind, Ident, NamedExpr, NullsOrder, Operator, OperatorKind, SortKey, SortKeyword,
    SortOrder, TakeKeyword,
};

/// Operator keywords this parser understands.
pub(crate) const OPERATORS: [&str; 25] = [
    "where",
    "filter",
    "project",
    "extend",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "summarize",
    "take",
    "limit",
    "sort",
    "order",
    "top",
    "count",
    "distinct",
    "join",
    "lookup",
    "union",
    "mv-expand",
    "mvexpand",
    "render",
    "as",
    "getschema",
    "serialize",
];

/// KQL operators that exist but that hunt does not support yet: they get a
/// "not supported" message instead of a spelling suggestion.
const UNSUPPORTED: [&str; 28] = [
    "parse",
    "parse-where",
    "parse-kv",
    "evaluate",
    "make-series",
    "mv-apply",
    "top-nested",
    "top-hitters",
    "sample",
    "sample-distinct",
    "facet",
    "invoke",
    "consume",
    "reduce",
    "search",
    "find",
    "fork",
    "partition",
    "scan",
    "project-smart",
    "externaldata",
    "make-graph",
    "graph-match",
    "graph-to-table",
    "macro-expand",
    "assert-schema",
    "extend-schema",
    "execute-and-cache",
];

/// Adds "while parsing `kw`" context to an error raised after a keyword whose
/// remaining input is `after_kw`.
pub(crate) fn with_context<'a>(
    c: &Ctx,
    e: nom::Err<PError<'a>>,
    kw: &str,
    after_kw: &'a str,
) -> nom::Err<PError<'a>> {
    let Some(kw) = OPERATORS.iter().chain(["print", "range", "union", "datatable"].iter()).find(|k| **k == kw)
    else {
        return e;
    };
    let at = c.off(ws(after_kw));
    e.map(|mut pe| {
        if pe.context.is_none() {
            pe.context = Some((kw, at));
        }
        pe
    })
}

/// The closest supported operator keyword to `word`, if any is close enough.
fn suggest(word: &str) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    OPERATORS
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// One operator after `|`.
pub(crate) fn operator<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Operator> {
    let i = ws(i);
    if !i.starts_with(super::lexical::is_ident_start) {
        return err(i, Expected::Desc("a tabular operator"));
    }
    let end = i.find(|ch: char| !(is_ident_char(ch) || ch == '-')).unwrap_or(i.len());
    let word = i[..end].trim_end_matches('-');
    let rest = &i[word.len()..];
    let Some(name) = OPERATORS.iter().find(|k| **k == word) else {
        if UNSUPPORTED.contains(&word) {
            return fatal(i, word.len(), format!("the `{word}` operator is not supported yet"), None);
        }
        let help = suggest(word).map(|k| format!("did you mean `{k}`?"));
        return fatal(i, word.len(), format!("unknown tabular operator `{word}`"), help);
    };
    let r = operator_body(c, name, rest).map_err(|e| with_context(c, e, name, rest));
    let (r, kind) = cut_err(r)?;
    Ok((r, Operator { kind, span: c.span(i, r) }))
}

/// The operator's arguments after its keyword `name`.
fn operator_body<'a>(c: &Ctx, name: &str, i: &'a str) -> PResult<'a, OperatorKind> {
    let names = |i| comma_list(c, i, named_expr);
    let columns = |i| comma_list(c, i, column_pattern);
    Ok(match name {
        "where" | "filter" => {
            let (r, e) = expr(c, i)?;
            (r, OperatorKind::Where(e))
        }
        "project" => names(i).map(|(r, v)| (r, OperatorKind::Project(v)))?,
        "extend" => names(i).map(|(r, v)| (r, OperatorKind::Extend(v)))?,
        "project-away" => columns(i).map(|(r, v)| (r, OperatorKind::ProjectAway(v)))?,
        "project-keep" => columns(i).map(|(r, v)| (r, OperatorKind::ProjectKeep(v)))?,
        "project-reorder" => columns(i).map(|(r, v)| (r, OperatorKind::ProjectReorder(v)))?,
        "project-rename" => {
            let pair = |c: &Ctx, i: &'a str| -> PResult<'a, (Ident, Ident)> {
                let (r, new) = ident(c, i)?;
                let Some(r) = peek_assign(r) else { return err(ws(r), Expected::Tok("=")) };
                let (r, old) = ident(c, r)?;
                Ok((r, (new, old)))
            };
            comma_list(c, i, pair).map(|(r, v)| (r, OperatorKind::ProjectRename(v)))?
        }
        "summarize" => summarize(c, i)?,
        "take" | "limit" => {
            let (r, count) = expr(c, i)?;
            let keyword = if name == "take" { TakeKeyword::Take } else { TakeKeyword::Limit };
            (r, OperatorKind::Take { count, keyword })
        }
        "sort" | "order" => {
            let (r, _) = kw(i, "by")?;
            let (r, keys) = comma_list(c, r, sort_key)?;
            let keyword = if name == "sort" { SortKeyword::Sort } else { SortKeyword::Order };
            (r, OperatorKind::Sort { keys, keyword })
        }
        "top" => {
            let (r, count) = expr(c, i)?;
            let (r, _) = kw(r, "by")?;
            let (r, keys) = comma_list(c, r, sort_key)?;
            (r, OperatorKind::Top { count, keys })
        }
        "count" => (i, OperatorKind::Count),
        "getschema" => (i, OperatorKind::GetSchema),
        "distinct" => match peek_sym(i, "*") {
            Some(r) => (r, OperatorKind::Distinct { exprs: Vec::new(), star: true }),
            None => comma_list(c, i, expr).map(|(r, exprs)| (r, OperatorKind::Distinct { exprs, star: false }))?,
        },
        "join" | "lookup" => {
            let (r, params) = params(c, i, |_| true)?;
            let (r, right) = table_operand(c, r)?;
            let (r, _) = kw(r, "on")?;
            let (r, conds) = comma_list(c, r, expr)?;
            let mut on = Vec::new();
            for cond in conds {
                flatten_and(cond, &mut on);
            }
            let kind = if name == "join" {
                OperatorKind::Join { params, right, on }
            } else {
                OperatorKind::Lookup { params, right, on }
            };
            (r, kind)
        }
        "union" => {
            let (r, (params, tables)) = union_body(c, i)?;
            (r, OperatorKind::Union { params, tables })
        }
        "mv-expand" | "mvexpand" => mv_expand(c, i)?,
        "render" => {
            let (r, chart) = ident(c, i)?;
            let (r, rest) = raw_until_pipe(r);
            (r, OperatorKind::Render { chart, rest })
        }
        "as" => {
            let (r, name) = ident(c, i)?;
            (r, OperatorKind::As(name))
        }
        "serialize" => {
            let next = ws(i);
            if next.is_empty() || next.starts_with(['|', ';', ')']) {
                (i, OperatorKind::Serialize(Vec::new()))
            } else {
                names(i).map(|(r, v)| (r, OperatorKind::Serialize(v)))?
            }
        }
        _ => return err(i, Expected::Desc("a tabular operator")),
    })
}

/// `[aggs] [by keys]` after `summarize`.
fn summarize<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, aggs) = if peek_kw(i, "by").is_some() {
        (i, Vec::new())
    } else {
        comma_list(c, i, named_expr).map_err(|e| {
            e.map(|mut pe| {
                if pe.custom.is_none() && pe.at == ws(i) {
                    pe.expected = vec![Expected::Desc("an aggregation"), Expected::Tok("by")];
                }
                pe
            })
        })?
    };
    let (r, by) = match peek_kw(r, "by") {
        Some(after) => comma_list(c, after, named_expr)?,
        None => (r, Vec::new()),
    };
    Ok((r, OperatorKind::Summarize { aggs, by }))
}

/// `expr [asc|desc] [nulls first|last]`
fn sort_key<'a>(c: &Ctx, i: &'a str) -> PResult<'a, SortKey> {
    let (mut r, e) = expr(c, i)?;
    let mut order = None;
    if let Some(after) = peek_kw(r, "asc") {
        order = Some(SortOrder::Asc);
        r = after;
    } else if let Some(after) = peek_kw(r, "desc") {
        order = Some(SortOrder::Desc);
        r = after;
    }
    let mut nulls = None;
    if let Some(after) = peek_kw(r, "nulls") {
        if let Some(after) = peek_kw(after, "first") {
            nulls = Some(NullsOrder::First);
            r = after;
        } else if let Some(after) = peek_kw(after, "last") {
            nulls = Some(NullsOrder::Last);
            r = after;
        } else {
            return Err(nom::Err::Failure(PError {
                at: ws(after),
                expected: vec![Expected::Tok("first"), Expected::Tok("last")],
                custom: None,
                context: None,
            }));
        }
    }
    Ok((r, SortKey { expr: e, order, nulls }))
}

/// `[params] [Name =] expr [to typeof(T)], … [limit N]` after `mv-expand`.
fn mv_expand<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |n| matches!(n, "bagexpansion" | "with_itemindex" | "kind"))?;
    let item = |c: &Ctx, i: &'a str| -> PResult<'a, (NamedExpr, Option<Ident>)> {
        let (r, ne) = named_expr(c, i)?;
        match peek_kw(r, "to") {
            Some(after) => {
                let (r, _) = kw(after, "typeof")?;
                let (r, _) = sym(r, "(")?;
                let (r, ty) = ident(c, r)?;
                let (r, _) = sym(r, ")")?;
                Ok((r, (ne, Some(ty))))
            }
            None => Ok((r, (ne, None))),
        }
    };
    let (r, items) = comma_list(c, r, item)?;
    let (r, limit) = match peek_kw(r, "limit") {
        Some(after) => {
            let (r, e) = expr(c, after)?;
            (r, Some(e))
        }
        None => (r, None),
    };
    Ok((r, OperatorKind::MvExpand { params, items, limit }))
}

/// Splits `a and b and c` (outside parentheses) into separate join conditions.
fn flatten_and(e: Expr, out: &mut Vec<Expr>) {
    match e.kind {
        ExprKind::Binary { op: BinOp::And, lhs, rhs } => {
            flatten_and(*lhs, out);
            flatten_and(*rhs, out);
        }
        kind => out.push(Expr { kind, span: e.span }),
    }
}
