//! The graph operators: `make-graph`, and the operators that read the graph it
//! builds (`graph-match`, `graph-shortest-paths`, `graph-to-table`,
//! `graph-mark-components`).

use super::expr::{comma_list, expr, named_expr};
use super::lexical::{ident, kw, peek_kw, peek_sym, sym, word, ws};
use super::statement::{params, sub_pipeline, table_operand};
use super::{Ctx, Expected, PResult, err};
use crate::ast::{
    EdgeDirection, GraphEdge, GraphMatch, GraphNode, GraphPath, GraphTable, MakeGraph, OperatorKind,
};

/// `make-graph Source --> Target [with Nodes on Key, …] [with_node_id=Name]`
pub(crate) fn make_graph<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, source) = ident(c, i)?;
    let (r, _) = sym(r, "-->")?;
    let (mut r, target) = ident(c, r)?;
    let mut nodes = Vec::new();
    if let Some(mut at) = peek_kw(r, "with") {
        loop {
            let (a, table) = table_operand(c, at)?;
            let (a, _) = kw(a, "on")?;
            let (a, key) = ident(c, a)?;
            nodes.push((table, key));
            match peek_sym(a, ",") {
                Some(next) => at = next,
                None => {
                    r = a;
                    break;
                }
            }
        }
    }
    let (r, params) = params(c, r, |n, _| n == "with_node_id")?;
    let next = ws(r);
    let (r, partitioned_by) = match next.strip_prefix("partitioned-by") {
        Some(after) => {
            let (a, column) = ident(c, after)?;
            let (a, _) = sym(a, "(")?;
            let (a, body) = sub_pipeline(c, a)?;
            let (a, _) = sym(a, ")")?;
            (a, Some((column, body)))
        }
        None => (r, None),
    };
    Ok((
        r,
        OperatorKind::MakeGraph(Box::new(MakeGraph {
            source,
            target,
            nodes,
            params,
            partitioned_by,
        })),
    ))
}

/// `graph-match [cycles=…] pattern, … [where …] project …`; with `shortest`,
/// `graph-shortest-paths [output=…] …`.
pub(crate) fn graph_match<'a>(c: &Ctx, i: &'a str, shortest: bool) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |n, _| matches!(n, "cycles" | "output"))?;
    let (r, patterns) = comma_list(c, r, path)?;
    let (r, predicate) = match peek_kw(r, "where") {
        Some(after) => {
            let (a, e) = expr(c, after)?;
            (a, Some(e))
        }
        None => (r, None),
    };
    let (r, _) = kw(r, "project")?;
    let (r, project) = comma_list(c, r, named_expr)?;
    Ok((
        r,
        OperatorKind::GraphMatch(Box::new(GraphMatch {
            shortest,
            params,
            patterns,
            predicate,
            project,
        })),
    ))
}

/// `(a)-[e]->(b)<--(c)`
fn path<'a>(c: &Ctx, i: &'a str) -> PResult<'a, GraphPath> {
    let (mut r, first) = node(c, i)?;
    let mut steps = Vec::new();
    while ws(r).starts_with(['-', '<']) {
        let (a, e) = edge(c, r)?;
        let (a, n) = node(c, a)?;
        steps.push((e, n));
        r = a;
    }
    Ok((r, GraphPath { first, steps }))
}

/// `(n)` or `()`
fn node<'a>(c: &Ctx, i: &'a str) -> PResult<'a, GraphNode> {
    let start = ws(i);
    let (r, _) = sym(start, "(")?;
    let (r, name) = match peek_sym(r, ")") {
        Some(_) => (r, None),
        None => {
            let (r, n) = ident(c, r)?;
            (r, Some(n))
        }
    };
    let (r, _) = sym(r, ")")?;
    Ok((
        r,
        GraphNode {
            name,
            span: c.span(start, r),
        },
    ))
}

/// `-->`, `<--`, `--`, `-[e]->`, `<-[e*1..3]-`, `-[e]-`
fn edge<'a>(c: &Ctx, i: &'a str) -> PResult<'a, GraphEdge> {
    let start = ws(i);
    let anonymous = |r: &'a str, direction| {
        Ok((
            r,
            GraphEdge {
                name: None,
                direction,
                range: None,
                span: c.span(start, r),
            },
        ))
    };
    if let Some(r) = start.strip_prefix("-->") {
        return anonymous(r, EdgeDirection::Right);
    }
    if let Some(r) = start.strip_prefix("<--") {
        return anonymous(r, EdgeDirection::Left);
    }
    if let Some(r) = start.strip_prefix("--") {
        return anonymous(r, EdgeDirection::Both);
    }
    let (r, left) = match (start.strip_prefix("<-["), start.strip_prefix("-[")) {
        (Some(r), _) => (r, true),
        (None, Some(r)) => (r, false),
        _ => {
            return err(
                start,
                Expected::Desc("a graph edge such as `-->` or `-[e]->`"),
            );
        }
    };
    let (r, name) = match word(ws(r)) {
        Some(_) => {
            let (r, n) = ident(c, r)?;
            (r, Some(n))
        }
        None => (r, None),
    };
    let (r, range) = match peek_sym(r, "*") {
        Some(after) => {
            let (a, lo) = count(after)?;
            let (a, _) = sym(a, "..")?;
            let (a, hi) = count(a)?;
            (a, Some((lo, hi)))
        }
        None => (r, None),
    };
    let (r, _) = sym(r, "]")?;
    let (r, direction) = if left {
        (sym(r, "-")?.0, EdgeDirection::Left)
    } else if let Some(a) = r.strip_prefix("->") {
        (a, EdgeDirection::Right)
    } else {
        (sym(r, "-")?.0, EdgeDirection::Both)
    };
    Ok((
        r,
        GraphEdge {
            name,
            direction,
            range,
            span: c.span(start, r),
        },
    ))
}

/// A non-negative integer of a variable length edge's range.
fn count(i: &str) -> PResult<'_, i64> {
    let i = ws(i);
    let end = i.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(i.len());
    match i[..end].parse::<i64>() {
        Ok(n) => Ok((&i[end..], n)),
        Err(_) => err(i, Expected::Desc("a number of edges")),
    }
}

/// `graph-to-table nodes [as N] [with_node_id=Id] [, edges …]`
pub(crate) fn graph_to_table<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let table = |c: &Ctx, i: &'a str| -> PResult<'a, GraphTable> {
        let at = ws(i);
        let (r, kind) = ident(c, at)?;
        if !matches!(kind.name.as_str(), "nodes" | "edges") {
            return err(at, Expected::Desc("`nodes` or `edges`"));
        }
        let (r, alias) = match peek_kw(r, "as") {
            Some(after) => {
                let (a, n) = ident(c, after)?;
                (a, Some(n))
            }
            None => (r, None),
        };
        let (r, params) = params(c, r, |n, _| {
            matches!(n, "with_node_id" | "with_source_id" | "with_target_id")
        })?;
        Ok((
            r,
            GraphTable {
                kind,
                alias,
                params,
            },
        ))
    };
    let (r, tables) = comma_list(c, i, table)?;
    Ok((r, OperatorKind::GraphToTable(tables)))
}

/// `graph-mark-components [kind=weak|strong] [with_component_id=Id]`
pub(crate) fn graph_mark_components<'a>(c: &Ctx, i: &'a str) -> PResult<'a, OperatorKind> {
    let (r, params) = params(c, i, |n, _| matches!(n, "kind" | "with_component_id"))?;
    Ok((r, OperatorKind::GraphMarkComponents(params)))
}
