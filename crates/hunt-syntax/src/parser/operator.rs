//! Tabular operators: one function per operator, each called after its
//! keyword has matched (and `cut`, so errors name the operator).

use super::expr::{comma_list, expr, named_expr};
use super::lexical::{
    column_pattern, ident, is_ident_char, kw, peek_assign, peek_kw, peek_sym, raw_until_pipe, ws,
};
use super::operator_ext as ext;
use super::statement::{params, table_operand, union_body};
use super::{Ctx, Expected, PError, PResult, err, fatal};
use crate::ast::{
    BinOp, Expr, ExprKind, Ident, NullsOrder, Operator, OperatorKind, SortKey, SortKeyword,
    SortOrder, TakeKeyword,
};

/// Operator keywords this parser understands after `|`.
pub(crate) const OPERATORS: [&str; 51] = [
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
    "project-by-names",
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
    "search",
    "invoke",
    "scan",
    "consume",
    "reduce",
    "partition",
    "fork",
    "macro-expand",
    "find",
    "make-graph",
    "graph-match",
    "graph-shortest-paths",
    "graph-to-table",
    "graph-mark-components",
];

/// Operators that can only start a pipeline (see [`source_operator`]); after
/// `|` they are an error.
const SOURCE_ONLY: [&str; 1] = ["find"];

/// KQL operators that exist but that hunt does not parse yet: they get a
/// "not supported" message instead of a spelling suggestion.
const UNSUPPORTED: [&str; 5] = [
    "project-smart",
    "externaldata",
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
    let Some(kw) = OPERATORS
        .iter()
        .chain(
            [
                "print",
                "range",
                "union",
                "datatable",
                "externaldata",
                "external_data",
                "inline_external_table",
            ]
            .iter(),
        )
        .find(|k| **k == kw)
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
    let Some((word, rest)) = operator_word(i) else {
        return err(i, Expected::Desc("a tabular operator"));
    };
    let Some(name) = OPERATORS
        .iter()
        .find(|k| **k == word && !SOURCE_ONLY.contains(k))
    else {
        return unknown_operator(i, word);
    };
    keyword_operator(c, i, name, rest)
}

/// Parses the operator `name` whose keyword starts at `i`; `rest` is after it.
fn keyword_operator<'a>(
    c: &Ctx,
    i: &'a str,
    name: &'static str,
    rest: &'a str,
) -> PResult<'a, Operator> {
    match operator_body(c, name, rest) {
        Ok((r, kind)) => Ok((
            r,
            Operator {
                kind,
                span: c.span(i, r),
            },
        )),
        Err(e) => Err(as_failure(with_context(c, e, name, rest))),
    }
}

/// An operator that starts a pipeline (`evaluate`, `search`, `find`,
/// `macro-expand`) at `i`, or `None` if `i` does not start with one.
pub(crate) fn source_operator<'a>(c: &Ctx, i: &'a str) -> Option<PResult<'a, Operator>> {
    let (w, rest) = operator_word(i)?;
    let name = ["evaluate", "search", "find", "macro-expand"]
        .into_iter()
        .find(|k| *k == w)?;
    // `search` and `find` are keywords only when something follows.
    let next = ws(rest);
    if next.is_empty() || next.starts_with(['|', ';', ')', ',', '=', '.']) {
        return None;
    }
    Some(keyword_operator(c, i, name, rest).map_err(as_failure))
}

/// The operator-like word at `i` (letters, digits, `_` and inner `-`) and
/// the input after it.
fn operator_word(i: &str) -> Option<(&str, &str)> {
    if !i.starts_with(super::lexical::is_ident_start) {
        return None;
    }
    let end = i
        .find(|ch: char| !(is_ident_char(ch) || ch == '-'))
        .unwrap_or(i.len());
    let word = i[..end].trim_end_matches('-');
    Some((word, &i[word.len()..]))
}

/// True if `i` (after whitespace) starts with an operator keyword that may
/// follow `|`: the first operator of a subquery with an implicit source.
pub(crate) fn starts_operator(i: &str) -> bool {
    operator_word(ws(i)).is_some_and(|(w, _)| OPERATORS.contains(&w) && !SOURCE_ONLY.contains(&w))
}

/// The error for an operator keyword that is not supported; `i` starts at it.
fn unknown_operator<'a, T>(i: &'a str, word: &str) -> PResult<'a, T> {
    if SOURCE_ONLY.contains(&word) {
        return fatal(
            i,
            word.len(),
            format!("`{word}` can only start a query, not follow `|`"),
            None,
        );
    }
    if UNSUPPORTED.contains(&word) {
        return fatal(
            i,
            word.len(),
            format!("the `{word}` operator is not supported yet"),
            None,
        );
    }
    let help = suggest(word).map(|k| format!("did you mean `{k}`?"));
    fatal(
        i,
        word.len(),
        format!("unknown tabular operator `{word}`"),
        help,
    )
}

/// Makes an error fatal (`cut`).
pub(crate) fn as_failure(e: nom::Err<PError<'_>>) -> nom::Err<PError<'_>> {
    match e {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    }
}

/// The operator's arguments after its keyword `name`.
///
/// Each operator has its own function so that, in unoptimized builds, only
/// the parsed operator's locals sit on the stack while nested pipelines
/// (`join (…)`) recurse.
fn operator_body<'a>(c: &Ctx, name: &str, i: &'a str) -> PResult<'a, OperatorKind> {
    match name {
        "where" | "filter" => where_op(c, i),
        "project" | "extend" | "serialize" => named_list_op(c, name, i),
        "project-away" | "project-keep" => columns_op(c, name, i),
        "project-reorder" => ext::project_reorder(c, i),
        "project-by-names" => ext::project_by_names(c, i),
        "parse" => ext::parse_op(c, i, false),
        "parse-where" => ext::parse_op(c, i, true),
        "parse-kv" => ext::parse_kv(c, i),
        "evaluate" => ext::evaluate(c, i),
        "make-series" => ext::make_series(c, i),
        "mv-apply" => ext::mv_apply(c, i),
        "top-nested" => ext::top_nested(c, i),
        "top-hitters" => ext::top_hitters(c, i),
        "sample" => ext::sample(c, i),
        "sample-distinct" => ext::sample_distinct(c, i),
        "facet" => ext::facet(c, i),
        "search" => ext::search(c, i),
        "find" => ext::find(c, i),
        "invoke" => ext::invoke(c, i),
        "scan" => ext::scan(c, i),
        "consume" => ext::consume(c, i),
        "reduce" => ext::reduce(c, i),
        "partition" => ext::partition(c, i),
        "fork" => ext::fork(c, i),
        "macro-expand" => ext::macro_expand(c, i),
        "make-graph" => super::graph::make_graph(c, i),
        "graph-match" => super::graph::graph_match(c, i, false),
        "graph-shortest-paths" => super::graph::graph_match(c, i, true),
        "graph-to-table" => super::graph::graph_to_table(c, i),
        "graph-mark-components" => super::graph::graph_mark_components(c, i),
        "project-rename" => project_rename(c, i),
        "summarize" => summarize(c, i),
        "take" | "limit" => take_op(c, name, i),
        "sort" | "order" => sort_op(c, name, i),
        "top" => top_op(c, i),
        "count" => Ok((i, OperatorKind::Count)),
        "getschema" => Ok((i, OperatorKind::GetSchema)),
        "distinct" => distinct_op(c, i),
        "join" | "lookup" => join_op(c, name, i),
        "union" => union_op(c, i),
        "mv-expand" | "mvexpand" => mv_expand(c, i),
        "render" => render_op(c, i),
        "as" => as_op(c, i),
        _ => err(i, Expected::Desc("a tabular operator")),
    }
}

/// `where predicate`
fn where_op<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, e) = expr(c, i)?;
    Ok((r, OperatorKind::Where(e)))
}

/// `project …`, `extend …`, `serialize [...]`
fn named_list_op<'a>(c: &Ctx, name: &str, i: &'a str) -> PResult<'a, OperatorKind> {
    if name == "serialize" {
        let next = ws(i);
        if next.is_empty() || next.starts_with(['|', ';', ')', '}']) {
            return Ok((i, OperatorKind::Serialize(Vec::new())));
        }
    }
    let (r, v) = comma_list(c, i, named_expr)?;
    let kind = match name {
        "project" => OperatorKind::Project(v),
        "extend" => OperatorKind::Extend(v),
        _ => OperatorKind::Serialize(v),
    };
    Ok((r, kind))
}

/// `project-away …`, `project-keep …`, `project-reorder …`
fn columns_op<'a>(c: &Ctx, name: &str, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, v) = comma_list(c, i, column_pattern)?;
    let kind = match name {
        "project-away" => OperatorKind::ProjectAway(v),
        _ => OperatorKind::ProjectKeep(v),
    };
    Ok((r, kind))
}

/// `project-rename New = Old, …`
fn project_rename<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let pair = |c: &Ctx, i: &'a str| -> PResult<'a, (Ident, Ident)> {
        let (r, new) = ident(c, i)?;
        let Some(r) = peek_assign(r) else {
            return err(ws(r), Expected::Tok("="));
        };
        let (r, old) = ident(c, r)?;
        Ok((r, (new, old)))
    };
    let (r, v) = comma_list(c, i, pair)?;
    Ok((r, OperatorKind::ProjectRename(v)))
}

/// `take n` / `limit n`
fn take_op<'a>(c: &Ctx, name: &str, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, count) = expr(c, i)?;
    let keyword = if name == "take" {
        TakeKeyword::Take
    } else {
        TakeKeyword::Limit
    };
    Ok((r, OperatorKind::Take { count, keyword }))
}

/// `sort by …` / `order by …`
fn sort_op<'a>(c: &Ctx, name: &str, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, _) = kw(i, "by")?;
    let (r, keys) = comma_list(c, r, sort_key)?;
    let keyword = if name == "sort" {
        SortKeyword::Sort
    } else {
        SortKeyword::Order
    };
    Ok((r, OperatorKind::Sort { keys, keyword }))
}

/// `top n by …`
fn top_op<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, count) = expr(c, i)?;
    let (r, _) = kw(r, "by")?;
    let (r, keys) = comma_list(c, r, sort_key)?;
    Ok((r, OperatorKind::Top { count, keys }))
}

/// `distinct *` / `distinct a, b`
fn distinct_op<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    if let Some(r) = peek_sym(i, "*") {
        return Ok((
            r,
            OperatorKind::Distinct {
                exprs: Vec::new(),
                star: true,
            },
        ));
    }
    let (r, exprs) = comma_list(c, i, expr)?;
    Ok((r, OperatorKind::Distinct { exprs, star: false }))
}

/// `join [params] Right on …` / `lookup …`
fn join_op<'a>(c: &Ctx, name: &str, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |_, _| true)?;
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
    Ok((r, kind))
}

/// `union [params] T, (…)`
fn union_op<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, (params, tables)) = union_body(c, i)?;
    Ok((r, OperatorKind::Union { params, tables }))
}

/// `render chart [options…]`
fn render_op<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, chart) = ident(c, i)?;
    let (r, rest) = raw_until_pipe(r);
    Ok((r, OperatorKind::Render { chart, rest }))
}

/// `as [hint.materialized=true] Name`. Hints only tune execution and are
/// dropped, as for `summarize`.
fn as_op<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (i, _hints) = params(c, i, |n, _| n.starts_with("hint."))?;
    let (r, name) = ident(c, i)?;
    Ok((r, OperatorKind::As(name)))
}

/// `[hints] [aggs] [by keys]` after `summarize`. Hints such as
/// `hint.strategy=shuffle` only tune execution; the AST has no place for them,
/// so they are accepted and dropped.
fn summarize<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (i, _hints) = params(c, i, |n, _| n.starts_with("hint."))?;
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
    Ok((
        r,
        SortKey {
            expr: e,
            order,
            nulls,
        },
    ))
}

/// `[params] [limit N] [Name =] expr [to typeof(T)], … [limit N]` after `mv-expand`.
fn mv_expand<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, (params, items, limit)) = ext::expand_head(c, i)?;
    Ok((
        r,
        OperatorKind::MvExpand {
            params,
            items,
            limit,
        },
    ))
}

/// Splits `a and b and c` (outside parentheses) into separate join conditions.
fn flatten_and(e: Expr, out: &mut Vec<Expr>) {
    match e.kind {
        ExprKind::Binary {
            op: BinOp::And,
            lhs,
            rhs,
        } => {
            flatten_and(*lhs, out);
            flatten_and(*rhs, out);
        }
        kind => out.push(Expr { kind, span: e.span }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::ast::{ExprKind, NullsOrder, OperatorKind, SortKeyword, SortOrder, TakeKeyword};
    use crate::test_util::{canonical, ops, parse_err, verified};

    /// The single operator of `T | <op>`.
    fn op(src: &str) -> OperatorKind {
        let q = verified(&format!("T\n| {src}"));
        ops(&q)[0].kind.clone()
    }

    #[test]
    fn where_and_filter() {
        assert!(matches!(op("where x > 1"), OperatorKind::Where(_)));
        canonical("T | filter x", "T\n| where x");
    }

    #[test]
    fn project_family() {
        let OperatorKind::Project(v) = op("project a, b = c + 1") else {
            panic!()
        };
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].names[0].name, "b");
        assert!(matches!(op("extend x = 1"), OperatorKind::Extend(_)));
        let OperatorKind::ProjectAway(v) = op("project-away A, B*, *Id, ['x y']") else {
            panic!()
        };
        let names: Vec<&str> = v.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["A", "B*", "*Id", "x y"]);
        assert!(matches!(
            op("project-keep A*"),
            OperatorKind::ProjectKeep(_)
        ));
        assert!(matches!(
            op("project-reorder Name, Value, *"),
            OperatorKind::ProjectReorder(_)
        ));
        let OperatorKind::ProjectRename(pairs) = op("project-rename New = Old, ['a b'] = c") else {
            panic!()
        };
        assert_eq!(
            (pairs[0].0.name.as_str(), pairs[0].1.name.as_str()),
            ("New", "Old")
        );
        let e = parse_err("T | project-rename A");
        assert!(e.message.contains("expected `=`"), "{}", e.message);
    }

    #[test]
    fn summarize() {
        let OperatorKind::Summarize { aggs, by } =
            op("summarize N = count(), dcount(A) by K, bin(Timestamp, 1h)")
        else {
            panic!()
        };
        assert_eq!((aggs.len(), by.len()), (2, 2));
        let OperatorKind::Summarize { aggs, by } = op("summarize by DeviceId, Title") else {
            panic!()
        };
        assert_eq!((aggs.len(), by.len()), (0, 2));
        let OperatorKind::Summarize { aggs, by } = op("summarize count()") else {
            panic!()
        };
        assert_eq!((aggs.len(), by.len()), (1, 0));
        let OperatorKind::Summarize { aggs, .. } =
            op("summarize (First, Title) = arg_min(Timestamp, Title) by A")
        else {
            panic!()
        };
        assert_eq!(aggs[0].names.len(), 2);
        verified("T\n| summarize Timestamp = bin(Timestamp, 1d) by ['by']");
        canonical(
            "T | summarize Total=count()\n, Devices = dcount(DeviceId)  by Severity",
            "T\n| summarize Total = count(), Devices = dcount(DeviceId) by Severity",
        );
        let e = parse_err("T | summarize");
        assert_eq!(
            e.message,
            "expected an aggregation or `by` after `summarize`, found end of input"
        );
        let e = parse_err("T | summarize count() by");
        assert!(
            e.message.contains("expected an expression"),
            "{}",
            e.message
        );
    }

    #[test]
    fn take_limit_sort_top() {
        assert!(matches!(
            op("take 10"),
            OperatorKind::Take {
                keyword: TakeKeyword::Take,
                ..
            }
        ));
        assert!(matches!(
            op("limit n"),
            OperatorKind::Take {
                keyword: TakeKeyword::Limit,
                ..
            }
        ));
        let OperatorKind::Sort { keys, keyword } =
            op("sort by A desc nulls last, B asc, C nulls first, D")
        else {
            panic!()
        };
        assert_eq!(keyword, SortKeyword::Sort);
        assert_eq!(
            (keys[0].order, keys[0].nulls),
            (Some(SortOrder::Desc), Some(NullsOrder::Last))
        );
        assert_eq!((keys[1].order, keys[1].nulls), (Some(SortOrder::Asc), None));
        assert_eq!(
            (keys[2].order, keys[2].nulls),
            (None, Some(NullsOrder::First))
        );
        assert_eq!((keys[3].order, keys[3].nulls), (None, None));
        assert!(matches!(
            op("order by A"),
            OperatorKind::Sort {
                keyword: SortKeyword::Order,
                ..
            }
        ));
        let OperatorKind::Top { keys, .. } = op("top 10 by Count desc") else {
            panic!()
        };
        assert_eq!(keys[0].order, Some(SortOrder::Desc));
        let e = parse_err("T | sort A");
        assert_eq!(e.message, "expected `by` after `sort`, found `A`");
        let e = parse_err("T | sort by A nulls");
        assert!(e.message.contains("`first` or `last`"), "{}", e.message);
        let e = parse_err("T | top 5");
        assert!(e.message.contains("expected `by`"), "{}", e.message);
    }

    #[test]
    fn count_distinct_getschema_as_serialize() {
        assert_eq!(op("count"), OperatorKind::Count);
        assert_eq!(op("getschema"), OperatorKind::GetSchema);
        assert!(matches!(
            op("distinct *"),
            OperatorKind::Distinct { star: true, .. }
        ));
        let OperatorKind::Distinct { exprs, star } = op("distinct A, tostring(B)") else {
            panic!()
        };
        assert_eq!((exprs.len(), star), (2, false));
        assert!(matches!(op("as Alerts"), OperatorKind::As(n) if n.name == "Alerts"));
        assert!(matches!(op("serialize"), OperatorKind::Serialize(v) if v.is_empty()));
        assert!(
            matches!(op("serialize Row = row_number()"), OperatorKind::Serialize(v) if v.len() == 1)
        );
        verified("T\n| serialize\n| take 1");
        verified("(T | serialize)");
    }

    #[test]
    fn join_and_lookup() {
        let OperatorKind::Join { params, right, on } =
            op("join kind=inner hint.strategy=shuffle R on AlertId")
        else {
            panic!()
        };
        assert_eq!(params[0].0.name, "kind");
        assert_eq!(params[1].0.name, "hint.strategy");
        assert!(right.ops.is_empty());
        assert!(matches!(&on[0].kind, ExprKind::Ident(i) if i.name == "AlertId"));
        let OperatorKind::Join { on, right, .. } =
            op("join kind=leftouter (R | where x) on $left.a == $right.b, $left.c == $right.d")
        else {
            panic!()
        };
        assert_eq!((on.len(), right.ops.len()), (2, 1));
        // `and`-ed conditions become separate entries; `kind=inner(` is not a call.
        canonical(
            "T | join kind=inner(R) on $left.a == $right.b and $left.c == $right.d",
            "T\n| join kind=inner R on $left.a == $right.b, $left.c == $right.d",
        );
        canonical(
            "T | join kind = inner\n(\n R\n | take 1\n)\non X",
            "T\n| join kind=inner (R | take 1) on X",
        );
        let OperatorKind::Lookup { on, .. } = op("lookup kind=leftouter R on Key") else {
            panic!()
        };
        assert_eq!(on.len(), 1);
        let e = parse_err("T | join R");
        assert_eq!(e.message, "expected `on`, found end of input");
        let e = parse_err("T | join kind=inner");
        assert!(e.message.contains("a table name or `(`"), "{}", e.message);
    }

    #[test]
    fn union_operator() {
        let OperatorKind::Union { params, tables } =
            op("union kind=outer withsource=Src T2, (T3 | take 1)")
        else {
            panic!()
        };
        assert_eq!((params.len(), tables.len()), (2, 2));
        assert_eq!(tables[1].ops.len(), 1);
    }

    #[test]
    fn mv_expand() {
        let OperatorKind::MvExpand {
            params,
            items,
            limit,
        } = op(
            "mv-expand bagexpansion=array with_itemindex=Idx X = parse_json(A) to typeof(string), B limit 100",
        )
        else {
            panic!()
        };
        assert_eq!(params.len(), 2);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].0.names[0].name, "X");
        assert_eq!(items[0].1.as_ref().map(|t| t.name.as_str()), Some("string"));
        assert!(items[1].1.is_none());
        assert!(limit.is_some());
        canonical(
            "T | mvexpand todynamic(A) to typeof(string)",
            "T\n| mv-expand todynamic(A) to typeof(string)",
        );
        // `kind=bag|array` is a parameter; `kind = 0` expands a column named `kind`.
        let OperatorKind::MvExpand { params, items, .. } = op("mv-expand kind=bag A") else {
            panic!()
        };
        assert_eq!((params.len(), items.len()), (1, 1));
        let OperatorKind::MvExpand { params, items, .. } = op("mv-expand kind = 0") else {
            panic!()
        };
        assert_eq!(
            (params.len(), items[0].0.names[0].name.as_str()),
            (0, "kind")
        );
        let e = parse_err("T | mv-expand A to string");
        assert!(e.message.contains("expected `typeof`"), "{}", e.message);
    }

    #[test]
    fn render() {
        let OperatorKind::Render { chart, rest } =
            op("render timechart with (title=\"a | b\", legend=visible)")
        else {
            panic!()
        };
        assert_eq!(chart.name, "timechart");
        assert_eq!(rest, "with (title=\"a | b\", legend=visible)");
        canonical(
            "T | render columnchart // chart it\n| take 1",
            "T\n| render columnchart\n| take 1",
        );
        canonical("T | render piechart   ;", "T\n| render piechart");
    }

    #[test]
    fn operator_spans() {
        let q = crate::parse("T | where x > 1 | take 5 // c").unwrap();
        let spans: Vec<(u32, u32)> = ops(&q).iter().map(|o| (o.span.start, o.span.end)).collect();
        assert_eq!(spans, [(4, 15), (18, 24)]);
    }

    #[test]
    fn unknown_operators() {
        let e = parse_err("T | wher x");
        assert_eq!(e.message, "unknown tabular operator `wher`");
        assert_eq!((e.span.start, e.span.end), (4, 8));
        assert_eq!(e.help.as_deref(), Some("did you mean `where`?"));
        let e = parse_err("T | sumarize count()");
        assert_eq!(e.help.as_deref(), Some("did you mean `summarize`?"));
        let e = parse_err("T | project-awy A");
        assert_eq!(e.help.as_deref(), Some("did you mean `project-away`?"));
        assert_eq!((e.span.start, e.span.end), (4, 15));
        let e = parse_err("T | Where x");
        assert_eq!(e.help.as_deref(), Some("did you mean `where`?"));
        let e = parse_err("T | frobnicate");
        assert_eq!(e.help, None);
        let e = parse_err("T | assert-schema (a:long)");
        assert_eq!(
            e.message,
            "the `assert-schema` operator is not supported yet"
        );
        let e = parse_err("T | find x");
        assert_eq!(e.message, "`find` can only start a query, not follow `|`");
        let e = parse_err("T | ");
        assert_eq!(e.message, "expected a tabular operator, found end of input");
        let e = parse_err("T | 5");
        assert_eq!((e.span.start, e.span.end), (4, 5));
    }

    #[test]
    fn missing_arguments_name_the_operator() {
        let e = parse_err("T | where");
        assert_eq!(
            e.message,
            "expected an expression after `where`, found end of input"
        );
        assert_eq!((e.span.start, e.span.end), (9, 9));
        let e = parse_err("T | project");
        assert_eq!(
            e.message,
            "expected an expression after `project`, found end of input"
        );
        let e = parse_err("T | take | count");
        assert_eq!(e.message, "expected an expression after `take`, found `|`");
        assert_eq!((e.span.start, e.span.end), (9, 10));
        let e = parse_err("T | as");
        assert_eq!(
            e.message,
            "expected an identifier after `as`, found end of input"
        );
    }
}
