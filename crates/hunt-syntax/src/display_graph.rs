//! Canonical printing of the graph operators (`make-graph`, `graph-match`,
//! `graph-shortest-paths`, `graph-to-table`, `graph-mark-components`), with the
//! conventions of `display.rs`.

use std::fmt::{self, Formatter};

use crate::ast::{EdgeDirection, GraphEdge, GraphMatch, GraphNode, GraphTable, MakeGraph};
use crate::display::{LeadParams, Params, comma};

/// `make-graph Source --> Target with Nodes on Key, … with_node_id=Name`
pub(crate) fn make_graph(f: &mut Formatter<'_>, m: &MakeGraph) -> fmt::Result {
    write!(f, "make-graph {} --> {}", m.source, m.target)?;
    for (n, (nodes, key)) in m.nodes.iter().enumerate() {
        f.write_str(if n == 0 { " with " } else { ", " })?;
        // A bare table name prints as written; a pipeline in parentheses.
        if nodes.ops.is_empty() {
            write!(f, "{nodes:#} on {key}")?;
        } else {
            write!(f, "({nodes:#}) on {key}")?;
        }
    }
    write!(f, "{}", LeadParams(&m.params))?;
    if let Some((column, body)) = &m.partitioned_by {
        write!(f, " partitioned-by {column} ({body:#})")?;
    }
    Ok(())
}

/// `graph-match [params] pattern, … [where …] project …`
pub(crate) fn graph_match(f: &mut Formatter<'_>, g: &GraphMatch) -> fmt::Result {
    let kw = if g.shortest {
        "graph-shortest-paths"
    } else {
        "graph-match"
    };
    write!(f, "{kw} {}", Params(&g.params))?;
    for (n, p) in g.patterns.iter().enumerate() {
        if n > 0 {
            f.write_str(", ")?;
        }
        node(f, &p.first)?;
        for (e, n) in &p.steps {
            edge(f, e)?;
            node(f, n)?;
        }
    }
    if let Some(w) = &g.predicate {
        write!(f, " where {w}")?;
    }
    f.write_str(" project ")?;
    comma(f, &g.project)
}

fn node(f: &mut Formatter<'_>, n: &GraphNode) -> fmt::Result {
    match &n.name {
        Some(name) => write!(f, "({name})"),
        None => f.write_str("()"),
    }
}

fn edge(f: &mut Formatter<'_>, e: &GraphEdge) -> fmt::Result {
    let (head, tail) = match e.direction {
        EdgeDirection::Right => ("-", "->"),
        EdgeDirection::Left => ("<-", "-"),
        EdgeDirection::Both => ("-", "-"),
    };
    f.write_str(head)?;
    f.write_str("[")?;
    if let Some(name) = &e.name {
        write!(f, "{name}")?;
    }
    if let Some((lo, hi)) = e.range {
        write!(f, "*{lo}..{hi}")?;
    }
    f.write_str("]")?;
    f.write_str(tail)
}

/// `graph-to-table nodes as N with_node_id=Id, edges …`
pub(crate) fn graph_to_table(f: &mut Formatter<'_>, tables: &[GraphTable]) -> fmt::Result {
    f.write_str("graph-to-table")?;
    for (n, t) in tables.iter().enumerate() {
        f.write_str(if n == 0 { " " } else { ", " })?;
        write!(f, "{}", t.kind)?;
        if let Some(a) = &t.alias {
            write!(f, " as {a}")?;
        }
        write!(f, "{}", LeadParams(&t.params))?;
    }
    Ok(())
}
