//! Tabular operators beyond the core set that hunt plans: `parse`,
//! `parse-where`, `parse-kv`, `evaluate`, `make-series`, `mv-apply`,
//! `top-nested`, `top-hitters`, `sample`, `sample-distinct`, `facet`,
//! `search`, `find`, `invoke`, `scan`, `consume`, `reduce`, `partition`,
//! `fork`, `macro-expand`, `project-by-names` and ordered
//! `project-reorder`. They parse into the AST so that the planner can refuse
//! them by name, with a span, instead of the parser failing.

use super::expr::{arith_expr, call_args, comma_list, expr, named_expr, postfix_expr, schema};
use super::function::{entity_list_after, kv_list, param_list, with_options};
use super::lexical::{
    column_pattern, ident, is_ident_start, kw, peek_assign, peek_kw, peek_sym, strings, sym, word,
    ws,
};
use super::statement::{params, pipeline, sub_pipeline};
use super::{Ctx, Expected, PResult, err};
use crate::ast::{
    Expr, ExprKind, FindProject, Ident, MakeSeries, NamedExpr, OperatorKind, ParsePart, Pipeline,
    ReorderOrder, ScanStep, SortOrder, TopNestedLevel,
};

/// `name=value` parameters as written.
type Params = Vec<(Ident, Expr)>;

/// `A, B* asc, C granny-desc` after `project-reorder`.
pub(crate) fn project_reorder<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let item = |c: &Ctx, i: &'a str| -> PResult<'a, (Ident, Option<ReorderOrder>)> {
        let (r, name) = column_pattern(c, i)?;
        let next = ws(r);
        for (kw_text, order) in [
            ("granny-asc", ReorderOrder::GrannyAsc),
            ("granny-desc", ReorderOrder::GrannyDesc),
            ("asc", ReorderOrder::Asc),
            ("desc", ReorderOrder::Desc),
        ] {
            if let Some(after) = next.strip_prefix(kw_text)
                && !after.starts_with(|ch: char| super::lexical::is_ident_char(ch) || ch == '-')
            {
                return Ok((after, (name, Some(order))));
            }
        }
        Ok((r, (name, None)))
    };
    let (r, items) = comma_list(c, i, item)?;
    if items.iter().all(|(_, o)| o.is_none()) {
        let names = items.into_iter().map(|(n, _)| n).collect();
        return Ok((r, OperatorKind::ProjectReorder(names)));
    }
    Ok((r, OperatorKind::ProjectReorderOrdered(items)))
}

/// `project-by-names "A", dynamic(["B"])`
pub(crate) fn project_by_names<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, v) = comma_list(c, i, expr)?;
    Ok((r, OperatorKind::ProjectByNames(v)))
}

/// `[kind=…] [flags=…] Expr with pattern` after `parse` / `parse-where`.
pub(crate) fn parse_op<'a>(c: &Ctx, i: &'a str, filter: bool) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |n, _| n == "kind" || n == "flags")?;
    let (r, e) = expr(c, r)?;
    let (r, _) = kw(r, "with")?;
    let (r, pattern) = parse_pattern(c, r)?;
    let kind = if filter {
        OperatorKind::ParseWhere {
            params,
            expr: e,
            pattern,
        }
    } else {
        OperatorKind::Parse {
            params,
            expr: e,
            pattern,
        }
    };
    Ok((r, kind))
}

/// The pattern of `parse … with`: `*`, string literals and `Column[:type]`,
/// in any order, at least one.
fn parse_pattern<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<ParsePart>> {
    let mut parts = Vec::new();
    let mut r = i;
    loop {
        let next = ws(r);
        if let Some(after) = next.strip_prefix('*') {
            parts.push(ParsePart::Star);
            r = after;
        } else if let Some(res) = strings(c, next) {
            let (after, (text, _)) = res?;
            parts.push(ParsePart::Text(text));
            r = after;
        } else if next.starts_with(|ch: char| is_ident_start(ch) || ch == '[') {
            let (after, name) = ident(c, next)?;
            let (after, ty) = match peek_sym(after, ":") {
                Some(a) => {
                    let (a, t) = ident(c, a)?;
                    (a, Some(t))
                }
                None => (after, None),
            };
            parts.push(ParsePart::Column { name, ty });
            r = after;
        } else {
            break;
        }
    }
    if parts.is_empty() {
        return err(ws(r), Expected::Desc("a parse pattern"));
    }
    Ok((r, parts))
}

/// `Expr as (K1:type, K2) [with (…)]` after `parse-kv`.
pub(crate) fn parse_kv<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, e) = expr(c, i)?;
    let (r, _) = kw(r, "as")?;
    let (r, _) = sym(r, "(")?;
    let column = |c: &Ctx, i: &'a str| -> PResult<'a, (Ident, Option<Ident>)> {
        let (r, name) = ident(c, i)?;
        match peek_sym(r, ":") {
            Some(after) => {
                let (r, ty) = ident(c, after)?;
                Ok((r, (name, Some(ty))))
            }
            None => Ok((r, (name, None))),
        }
    };
    let (r, columns) = comma_list(c, r, column)?;
    let (r, _) = sym(r, ")")?;
    let (r, with) = match peek_kw(r, "with") {
        Some(_) => with_options(c, r)?,
        None => (r, Vec::new()),
    };
    Ok((
        r,
        OperatorKind::ParseKv {
            expr: e,
            columns,
            with,
        },
    ))
}

/// `[hints] plugin(args) [: (schema)]` after `evaluate`.
pub(crate) fn evaluate<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |n, _| n.starts_with("hint."))?;
    let (r, plugin) = ident(c, r)?;
    let (r, _) = sym(r, "(")?;
    let (r, args) = call_args(c, r)?;
    let (r, schema) = match peek_sym(r, ":") {
        Some(after) => {
            let (r, s) = schema(c, after, false)?;
            (r, Some(s))
        }
        None => (r, None),
    };
    Ok((
        r,
        OperatorKind::Evaluate {
            params,
            plugin,
            args,
            schema,
        },
    ))
}

/// `[params] aggs on Axis [from a] [to b] step s [by …]` (or `on Axis in
/// range(a, b, s)`) after `make-series`.
pub(crate) fn make_series<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let is_param = |n: &str, v: &Expr| {
        n.starts_with("hint.")
            || (n == "kind" && matches!(&v.kind, ExprKind::Ident(id) if id.name == "nonempty"))
    };
    let (r, params) = params(c, i, is_param)?;
    let agg = |c: &Ctx, i: &'a str| -> PResult<'a, (NamedExpr, Option<Expr>)> {
        let (r, ne) = named_expr(c, i)?;
        match peek_kw(r, "default") {
            Some(after) => {
                let Some(after) = peek_assign(after) else {
                    return err(ws(after), Expected::Tok("="));
                };
                let (r, d) = expr(c, after)?;
                Ok((r, (ne, Some(d))))
            }
            None => Ok((r, (ne, None))),
        }
    };
    let (r, aggs) = comma_list(c, r, agg)?;
    let (r, _) = kw(r, "on")?;
    let (r, on) = arith_expr(c, r)?;
    let (r, from, to, step) = if let Some(after) = peek_kw(r, "in") {
        let (r, _) = kw(after, "range")?;
        let (r, _) = sym(r, "(")?;
        let (r, from) = expr(c, r)?;
        let (r, _) = sym(r, ",")?;
        let (r, to) = expr(c, r)?;
        let (r, _) = sym(r, ",")?;
        let (r, step) = expr(c, r)?;
        let (r, _) = sym(r, ")")?;
        (r, Some(from), Some(to), step)
    } else {
        let (r, from) = optional_clause(c, r, "from")?;
        let (r, to) = optional_clause(c, r, "to")?;
        let (r, _) = kw(r, "step")?;
        let (r, step) = expr(c, r)?;
        (r, from, to, step)
    };
    let (r, by) = match peek_kw(r, "by") {
        Some(after) => comma_list(c, after, named_expr)?,
        None => (r, Vec::new()),
    };
    Ok((
        r,
        OperatorKind::MakeSeries(Box::new(MakeSeries {
            params,
            aggs,
            on,
            from,
            to,
            step,
            by,
        })),
    ))
}

/// `keyword expr` if the keyword is next.
fn optional_clause<'a>(c: &Ctx, i: &'a str, keyword: &str) -> PResult<'a, Option<Expr>> {
    match peek_kw(i, keyword) {
        Some(after) => {
            let (r, e) = expr(c, after)?;
            Ok((r, Some(e)))
        }
        None => Ok((i, None)),
    }
}

/// Parameters of `mv-expand` and `mv-apply`: `kind=bag|array` is a
/// parameter, but `kind = 0` expands a column named `kind`.
pub(crate) fn expand_param(n: &str, v: &Expr) -> bool {
    match n {
        "bagexpansion" | "with_itemindex" => true,
        "kind" => matches!(&v.kind, ExprKind::Ident(id) if id.name == "bag" || id.name == "array"),
        _ => false,
    }
}

/// Expanded items of `mv-expand` / `mv-apply`: `[Name =] expr [to typeof(T)], …`.
pub(crate) type ExpandItem = (NamedExpr, Option<Ident>);

/// `[params] [limit N] items [limit N]` shared by `mv-expand` and `mv-apply`.
pub(crate) fn expand_head<'a>(
    c: &Ctx,
    i: &'a str,
) -> PResult<'a, (Params, Vec<ExpandItem>, Option<Expr>)> {
    let (r, params) = params(c, i, expand_param)?;
    // `limit N` may come before the columns: `mv-expand limit 10 A`.
    let (r, mut limit) = match peek_kw(r, "limit") {
        Some(after) => match expr(c, after) {
            Ok((a, e))
                if ws(a).starts_with(|ch: char| is_ident_start(ch) || ch == '[')
                    && !matches!(e.kind, ExprKind::Ident(_)) =>
            {
                (a, Some(e))
            }
            _ => (r, None),
        },
        None => (r, None),
    };
    let item = |c: &Ctx, i: &'a str| -> PResult<'a, ExpandItem> {
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
    let (mut r, items) = comma_list(c, r, item)?;
    if limit.is_none()
        && let Some(after) = peek_kw(r, "limit")
    {
        let (a, e) = expr(c, after)?;
        limit = Some(e);
        r = a;
    }
    Ok((r, (params, items, limit)))
}

/// `… on (subquery)` after `mv-apply`.
pub(crate) fn mv_apply<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, (params, items, limit)) = expand_head(c, i)?;
    let (r, _) = kw(r, "on")?;
    let (r, body) = paren_sub_pipeline(c, r)?;
    Ok((
        r,
        OperatorKind::MvApply {
            params,
            items,
            limit,
            body: Box::new(body),
        },
    ))
}

/// `( subquery )` whose source is implicit.
fn paren_sub_pipeline<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Pipeline> {
    let (r, _) = sym(i, "(")?;
    let (r, p) = sub_pipeline(c, r)?;
    let (r, _) = sym(r, ")")?;
    Ok((r, p))
}

/// Levels of `top-nested`; `i` is after the first `top-nested` keyword.
pub(crate) fn top_nested<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let mut levels = Vec::new();
    let mut r = i;
    loop {
        let (after, level) = top_nested_level(c, r)?;
        levels.push(level);
        r = after;
        match peek_sym(r, ",").map(ws) {
            Some(next) if next.starts_with("top-nested") => r = &next["top-nested".len()..],
            _ => break,
        }
    }
    Ok((r, OperatorKind::TopNested(levels)))
}

/// `[N] of Expr [with others = X] by Agg [asc|desc]`
fn top_nested_level<'a>(c: &Ctx, i: &'a str) -> PResult<'a, TopNestedLevel> {
    let (r, count) = if peek_kw(i, "of").is_some() {
        (i, None)
    } else {
        let (r, n) = expr(c, i)?;
        (r, Some(n))
    };
    let (r, _) = kw(r, "of")?;
    let (r, of) = named_expr(c, r)?;
    let (r, others) = match peek_kw(r, "with") {
        Some(after) => {
            let (a, _) = kw(after, "others")?;
            let Some(a) = peek_assign(a) else {
                return err(ws(a), Expected::Tok("="));
            };
            let (a, e) = expr(c, a)?;
            (a, Some(e))
        }
        None => (r, None),
    };
    let (r, _) = kw(r, "by")?;
    let (mut r, by) = named_expr(c, r)?;
    let mut order = None;
    if let Some(a) = peek_kw(r, "asc") {
        order = Some(SortOrder::Asc);
        r = a;
    } else if let Some(a) = peek_kw(r, "desc") {
        order = Some(SortOrder::Desc);
        r = a;
    }
    Ok((
        r,
        TopNestedLevel {
            count,
            of,
            others,
            by,
            order,
        },
    ))
}

/// `N of Expr [by Expr]` after `top-hitters`.
pub(crate) fn top_hitters<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, count) = expr(c, i)?;
    let (r, _) = kw(r, "of")?;
    let (r, of) = expr(c, r)?;
    let (r, by) = optional_clause(c, r, "by")?;
    Ok((r, OperatorKind::TopHitters { count, of, by }))
}

/// `N` after `sample`.
pub(crate) fn sample<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, n) = expr(c, i)?;
    Ok((r, OperatorKind::Sample(n)))
}

/// `N of Column` after `sample-distinct`.
pub(crate) fn sample_distinct<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, count) = expr(c, i)?;
    let (r, _) = kw(r, "of")?;
    let (r, of) = expr(c, r)?;
    Ok((r, OperatorKind::SampleDistinct { count, of }))
}

/// `by A, B [with (subquery)]` after `facet`.
pub(crate) fn facet<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, _) = kw(i, "by")?;
    let (r, columns) = comma_list(c, r, column_pattern)?;
    let (r, with) = match peek_kw(r, "with") {
        Some(after) => {
            let (r, p) = paren_sub_pipeline(c, after)?;
            (r, Some(Box::new(p)))
        }
        None => (r, None),
    };
    Ok((r, OperatorKind::Facet { columns, with }))
}

/// A search predicate: an expression where `Column:term` is allowed.
fn search_predicate<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let before = c.search_terms.replace(true);
    let res = expr(c, i);
    c.search_terms.set(before);
    res
}

/// `[kind=…] [in (tables)] predicate` after `search`.
pub(crate) fn search<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |_, _| true)?;
    let (r, tables) = match peek_kw(r, "in") {
        Some(_) => {
            let (r, t) = entity_list_after(c, r, "in")?;
            (r, Some(t))
        }
        None => (r, None),
    };
    let (r, predicate) = search_predicate(c, r)?;
    Ok((
        r,
        OperatorKind::Search {
            params,
            tables,
            predicate,
        },
    ))
}

/// `[withsource=T] [in (tables)] [where] predicate [project …]` after `find`.
pub(crate) fn find<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |_, _| true)?;
    let (r, tables) = match peek_kw(r, "in") {
        Some(_) => {
            let (r, t) = entity_list_after(c, r, "in")?;
            (r, Some(t))
        }
        None => (r, None),
    };
    let r = peek_kw(r, "where").unwrap_or(r);
    let (r, predicate) = search_predicate(c, r)?;
    let next = ws(r);
    let (r, project) = if let Some(after) = next.strip_prefix("project-smart") {
        (after, Some(FindProject::Smart))
    } else if let Some(after) = peek_kw(r, "project") {
        let column = |c: &Ctx, i: &'a str| -> PResult<'a, (Expr, Option<Ident>)> {
            let (r, e) = expr(c, i)?;
            match peek_sym(r, ":") {
                Some(a) => {
                    let (a, t) = ident(c, a)?;
                    Ok((a, (e, Some(t))))
                }
                None => Ok((r, (e, None))),
            }
        };
        let (r, cols) = comma_list(c, after, column)?;
        (r, Some(FindProject::Columns(cols)))
    } else {
        (r, None)
    };
    Ok((
        r,
        OperatorKind::Find {
            params,
            tables,
            predicate,
            project,
        },
    ))
}

/// `f(args)` after `invoke`.
pub(crate) fn invoke<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, f) = postfix_expr(c, i)?;
    Ok((r, OperatorKind::Invoke(f)))
}

/// `[params] [declare (…)] with (step …; …)` after `scan`.
pub(crate) fn scan<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |_, _| true)?;
    let (r, declare) = match peek_kw(r, "declare") {
        Some(after) => param_list(c, after, ")")?,
        None => (r, Vec::new()),
    };
    let (r, _) = kw(r, "with")?;
    let (mut r, _) = sym(r, "(")?;
    let mut steps = Vec::new();
    loop {
        if let Some(after) = peek_sym(r, ")") {
            r = after;
            break;
        }
        let (after, step) = scan_step(c, r)?;
        steps.push(step);
        r = peek_sym(after, ";").unwrap_or(after);
    }
    if steps.is_empty() {
        return err(ws(r), Expected::Tok("step"));
    }
    Ok((
        r,
        OperatorKind::Scan {
            params,
            declare,
            steps,
        },
    ))
}

/// `step name [output=…]: predicate [=> a = x, …]`
fn scan_step<'a>(c: &Ctx, i: &'a str) -> PResult<'a, ScanStep> {
    let (r, _) = kw(i, "step")?;
    let (r, name) = ident(c, r)?;
    let (r, output) = match peek_kw(r, "output") {
        Some(after) => {
            let Some(after) = peek_assign(after) else {
                return err(ws(after), Expected::Tok("="));
            };
            let (r, o) = ident(c, after)?;
            (r, Some(o))
        }
        None => (r, None),
    };
    let (r, _) = sym(r, ":")?;
    let (r, predicate) = expr(c, r)?;
    let (r, assignments) = match peek_sym(r, "=>") {
        Some(after) => {
            let assign = |c: &Ctx, i: &'a str| -> PResult<'a, (Ident, Expr)> {
                let (r, name) = ident(c, i)?;
                let Some(r) = peek_assign(r) else {
                    return err(ws(r), Expected::Tok("="));
                };
                let (r, e) = expr(c, r)?;
                Ok((r, (name, e)))
            };
            comma_list(c, after, assign)?
        }
        None => (r, Vec::new()),
    };
    Ok((
        r,
        ScanStep {
            name,
            output,
            predicate,
            assignments,
        },
    ))
}

/// `[params]` after `consume`.
pub(crate) fn consume<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |_, _| true)?;
    Ok((r, OperatorKind::Consume(params)))
}

/// `[params] by Expr [with a = x, …]` after `reduce`.
pub(crate) fn reduce<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |_, _| true)?;
    let (r, _) = kw(r, "by")?;
    let (r, by) = expr(c, r)?;
    let (r, with) = match peek_kw(r, "with") {
        Some(after) => kv_list(c, after)?,
        None => (r, Vec::new()),
    };
    Ok((r, OperatorKind::Reduce { params, by, with }))
}

/// `[hints] by Column (subquery)` or `… { pipeline }` after `partition`.
pub(crate) fn partition<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |n, _| n.starts_with("hint."))?;
    let (r, _) = kw(r, "by")?;
    // A column, not an expression: `by State (…)` is not a call.
    let (r, key) = ident(c, r)?;
    let span = key.span;
    let by = Expr {
        kind: ExprKind::Ident(key),
        span,
    };
    if let Some(after) = peek_sym(r, "{") {
        let (after, body) = pipeline(c, after)?;
        let (after, _) = sym(after, "}")?;
        return Ok((
            after,
            OperatorKind::Partition {
                params,
                by,
                body: Box::new(body),
                braces: true,
            },
        ));
    }
    let (r, body) = paren_sub_pipeline(c, r)?;
    Ok((
        r,
        OperatorKind::Partition {
            params,
            by,
            body: Box::new(body),
            braces: false,
        },
    ))
}

/// `[Name =] (subquery) …` after `fork`.
pub(crate) fn fork<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let mut branches = Vec::new();
    let mut r = i;
    loop {
        let next = ws(r);
        let (after, name) = match word(next) {
            Some((w, a)) => match peek_assign(a) {
                Some(after) => {
                    let name = Ident {
                        name: w.to_string(),
                        span: c.span(next, a),
                    };
                    (after, Some(name))
                }
                None => (next, None),
            },
            None => (next, None),
        };
        if peek_sym(after, "(").is_none() {
            if branches.is_empty() || name.is_some() {
                return err(ws(after), Expected::Tok("("));
            }
            break;
        }
        let (after, body) = paren_sub_pipeline(c, after)?;
        branches.push((name, body));
        r = after;
    }
    Ok((r, OperatorKind::Fork(branches)))
}

/// `[params] Group as X (pipeline)` after `macro-expand`.
pub(crate) fn macro_expand<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |_, _| true)?;
    let (r, group) = postfix_expr(c, r)?;
    let (r, _) = kw(r, "as")?;
    let (r, name) = ident(c, r)?;
    let (r, _) = sym(r, "(")?;
    let (r, body) = pipeline(c, r)?;
    let (r, _) = sym(r, ")")?;
    Ok((
        r,
        OperatorKind::MacroExpand {
            params,
            group,
            name,
            body: Box::new(body),
        },
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::ast::{
        ExprKind, FindProject, OperatorKind, ParsePart, ReorderOrder, SchemaItem, SortOrder,
        Source, Statement,
    };
    use crate::test_util::{canonical, ops, parse_err, verified};

    /// The single operator of `T | <op>`, which must print back as written.
    fn op(src: &str) -> OperatorKind {
        let q = verified(&format!("T\n| {src}"));
        ops(&q)[0].kind.clone()
    }

    #[test]
    fn keywords_name_the_operators() {
        for (src, kw) in [
            ("parse a with * \"x\" b", "parse"),
            ("make-series count() on t step 1h", "make-series"),
            ("mv-apply x on (take 1)", "mv-apply"),
            ("top-nested of a by count()", "top-nested"),
            ("where x", "where"),
            ("mv-expand x", "mv-expand"),
        ] {
            assert_eq!(op(src).keyword(), kw, "{src}");
        }
        let q = crate::parse("T | filter x | limit 1 | order by a").unwrap();
        let kws: Vec<&str> = ops(&q).iter().map(|o| o.kind.keyword()).collect();
        assert_eq!(kws, ["where", "limit", "order"]);
    }

    #[test]
    fn project_reorder_with_orders() {
        assert!(
            matches!(op("project-reorder A, B*"), OperatorKind::ProjectReorder(v) if v.len() == 2)
        );
        let OperatorKind::ProjectReorderOrdered(v) = op("project-reorder A asc, B* granny-desc, C")
        else {
            panic!()
        };
        assert_eq!(v[0].1, Some(ReorderOrder::Asc));
        assert_eq!(v[1].1, Some(ReorderOrder::GrannyDesc));
        assert_eq!(v[2].1, None);
        canonical("T | project-reorder * asc", "T\n| project-reorder * asc");
    }

    #[test]
    fn parse_family() {
        let OperatorKind::Parse {
            params,
            expr,
            pattern,
        } = op("parse kind=regex flags=i Text with * \"key=\" Key:long \",\" *")
        else {
            panic!()
        };
        assert_eq!(params.len(), 2);
        assert!(matches!(expr.kind, ExprKind::Ident(_)));
        assert_eq!(pattern.len(), 5);
        assert!(
            matches!(&pattern[2], ParsePart::Column { name, ty: Some(t) } if name.name == "Key" && t.name == "long")
        );
        canonical(
            "T | parse Title with *\"'\"Family\"'\"*",
            "T\n| parse Title with * \"'\" Family \"'\" *",
        );
        assert!(matches!(
            op("parse-where Text with \"a\" B"),
            OperatorKind::ParseWhere { .. }
        ));
        let OperatorKind::ParseKv { columns, with, .. } =
            op("parse-kv Text as (A:string, B) with (pair_delimiter=\",\", greedy=true)")
        else {
            panic!()
        };
        assert_eq!((columns.len(), with.len()), (2, 2));
        assert!(columns[1].1.is_none());
        let e = parse_err("T | parse Text with");
        assert!(e.message.contains("a parse pattern"), "{}", e.message);
    }

    #[test]
    fn evaluate_plugins() {
        let OperatorKind::Evaluate {
            params,
            plugin,
            args,
            schema,
        } = op(
            "evaluate hint.distribution=per_node bag_unpack(d, columnsConflict = \"keep\") : (*, Name:string)",
        )
        else {
            panic!()
        };
        assert_eq!(
            (params.len(), plugin.name.as_str(), args.len()),
            (1, "bag_unpack", 2)
        );
        assert!(matches!(&args[1].kind, ExprKind::NamedArg { .. }));
        assert_eq!(schema.as_deref().map(<[SchemaItem]>::len), Some(2));
        verified(
            "T\n| evaluate r(typeof(*, fx:double), toscalar(script), bag_pack(\"gain\", 100))",
        );
        // `evaluate` also starts a pipeline.
        let q = verified("evaluate sql_request(\"conn\", \"select 1\")\n| take 1");
        assert!(
            matches!(&q.statements[0], Statement::Tabular(p) if matches!(p.source, Source::Operator(_)))
        );
    }

    #[test]
    fn make_series() {
        let OperatorKind::MakeSeries(m) = op(
            "make-series kind=nonempty N = count() default = 0, avg(x) on Timestamp from ago(1d) to now() step 1h by A, B",
        ) else {
            panic!()
        };
        assert_eq!((m.params.len(), m.aggs.len(), m.by.len()), (1, 2, 2));
        assert!(m.aggs[0].1.is_some() && m.aggs[1].1.is_none());
        assert!(m.from.is_some() && m.to.is_some());
        assert!(
            matches!(op("make-series count() on t step 1h"), OperatorKind::MakeSeries(m) if m.from.is_none())
        );
        canonical(
            "T | make-series hint.shufflekey = S sum(x) default = 0 on t in range(a, b, 1d) by S",
            "T\n| make-series hint.shufflekey=S sum(x) default = 0 on t from a to b step 1d by S",
        );
        let e = parse_err("T | make-series count() on t from a to b");
        assert!(e.message.contains("expected `step`"), "{}", e.message);
    }

    #[test]
    fn mv_apply_and_mv_expand_limits() {
        let OperatorKind::MvApply {
            params,
            items,
            limit,
            body,
        } = op(
            "mv-apply with_itemindex=i x = Arr to typeof(long) limit 10 on (where x > 0 | take 1)",
        )
        else {
            panic!()
        };
        assert_eq!((params.len(), items.len(), body.ops.len()), (1, 1, 2));
        assert!(limit.is_some());
        assert!(matches!(body.source, Source::Implicit(_)));
        // A body that does not start with an operator is a pipeline of its own.
        let OperatorKind::MvApply { body, .. } = op("mv-apply x on (x > 10)") else {
            panic!()
        };
        assert!(matches!(body.source, Source::Expr(_)));
        canonical(
            "T | mv-apply limit 100 Items on (extend V = Items * 2)",
            "T\n| mv-apply Items limit 100 on (extend V = Items * 2)",
        );
        canonical(
            "T | mv-expand limit 100 Col",
            "T\n| mv-expand Col limit 100",
        );
        let e = parse_err("T | mv-apply x to typeof(long) (take 1)");
        assert!(e.message.contains("expected `on`"), "{}", e.message);
    }

    #[test]
    fn top_nested_and_hitters() {
        let OperatorKind::TopNested(levels) = op(
            "top-nested 3 of A by N = count() desc, top-nested of B with others = \"x\" by sum(C)",
        ) else {
            panic!()
        };
        assert_eq!(levels.len(), 2);
        assert!(levels[0].count.is_some() && levels[1].count.is_none());
        assert_eq!(levels[0].order, Some(SortOrder::Desc));
        assert!(levels[1].others.is_some());
        let OperatorKind::TopHitters { by, .. } = op("top-hitters 10 of State by sum(V)") else {
            panic!()
        };
        assert!(by.is_some());
        assert!(matches!(
            op("top-hitters 5 of E"),
            OperatorKind::TopHitters { by: None, .. }
        ));
    }

    #[test]
    fn small_operators() {
        assert!(matches!(op("sample 100"), OperatorKind::Sample(_)));
        assert!(matches!(
            op("sample-distinct 10 of State"),
            OperatorKind::SampleDistinct { .. }
        ));
        assert!(matches!(
            op("facet by A, B"),
            OperatorKind::Facet { with: None, .. }
        ));
        assert!(matches!(
            op("facet by A with (where x | take 5)"),
            OperatorKind::Facet { with: Some(_), .. }
        ));
        assert!(matches!(op("invoke f(1, x = 2)"), OperatorKind::Invoke(_)));
        assert!(matches!(op("consume"), OperatorKind::Consume(p) if p.is_empty()));
        assert!(
            matches!(op("consume decodeblocks=true"), OperatorKind::Consume(p) if p.len() == 1)
        );
        let OperatorKind::Reduce { with, .. } =
            op("reduce by Text with threshold=0.1, characters=\"-\"")
        else {
            panic!()
        };
        assert_eq!(with.len(), 2);
        assert!(
            matches!(op("project-by-names \"A\", dynamic([\"B\"])"), OperatorKind::ProjectByNames(v) if v.len() == 2)
        );
        canonical("T | as hint.materialized=true X", "T\n| as X");
    }

    #[test]
    fn search_and_find() {
        let OperatorKind::Search {
            params,
            tables,
            predicate,
        } = op("search kind=case_sensitive in (A, B*, database(\"d\").C*) Name:\"x\" or \"y\"")
        else {
            panic!()
        };
        assert_eq!(params.len(), 1);
        assert_eq!(tables.map(|t| t.len()), Some(3));
        let ExprKind::Binary { lhs, .. } = &predicate.kind else {
            panic!()
        };
        assert!(matches!(&lhs.kind, ExprKind::ColumnTerm { column, .. } if column.name == "Name"));
        // `Column:term` is only allowed in search predicates.
        assert!(parse_err("T | where a:\"x\"").message.contains("expected"));
        let q = canonical("find \"x\"", "find where \"x\"");
        let Statement::Tabular(p) = &q.statements[0] else {
            panic!()
        };
        let Source::Operator(find) = &p.source else {
            panic!()
        };
        assert!(matches!(
            &find.kind,
            OperatorKind::Find {
                tables: None,
                project: None,
                ..
            }
        ));
        let q = verified("find withsource=S in (T1, T2) where a == 1 project-smart");
        let Statement::Tabular(p) = &q.statements[0] else {
            panic!()
        };
        let Source::Operator(find) = &p.source else {
            panic!()
        };
        assert!(matches!(
            &find.kind,
            OperatorKind::Find {
                project: Some(FindProject::Smart),
                ..
            }
        ));
        verified("find where a == 1 project b, c:string, pack_all()");
    }

    #[test]
    fn scan_partition_fork() {
        let OperatorKind::Scan {
            params,
            declare,
            steps,
        } = op(
            "scan with_match_id=Id declare (x:long = 0, s:string) with (step a: v > 1 => x = 1, s = \"a\"; step b output=none: true;)",
        )
        else {
            panic!()
        };
        assert_eq!((params.len(), declare.len(), steps.len()), (1, 2, 2));
        assert_eq!(steps[0].assignments.len(), 2);
        assert!(steps[1].output.is_some() && steps[1].assignments.is_empty());
        let OperatorKind::Partition {
            by, body, braces, ..
        } = op("partition hint.strategy=native by State (top 3 by x | project a)")
        else {
            panic!()
        };
        assert!(matches!(by.kind, ExprKind::Ident(_)) && !braces);
        assert_eq!(body.ops.len(), 2);
        assert!(matches!(
            op("partition by x { T | where x == y }"),
            OperatorKind::Partition { braces: true, .. }
        ));
        let OperatorKind::Fork(branches) = op("fork (where a | as A) B = (count)") else {
            panic!()
        };
        assert_eq!(branches.len(), 2);
        assert!(branches[0].0.is_none() && branches[1].0.is_some());
        let e = parse_err("T | fork");
        assert!(e.message.contains("expected `(`"), "{}", e.message);
    }

    #[test]
    fn macro_expand() {
        let q = verified(
            "macro-expand entity_group [cluster(\"a\").database(\"b\")] as X (X.Logs | where x)\n| count",
        );
        let Statement::Tabular(p) = &q.statements[0] else {
            panic!()
        };
        assert!(
            matches!(&p.source, Source::Operator(o) if matches!(o.kind, OperatorKind::MacroExpand { .. }))
        );
    }
}
