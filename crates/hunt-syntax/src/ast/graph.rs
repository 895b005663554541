//! Syntax of the graph operators: `make-graph` and the operators that read the graph
//! it builds (`graph-match`, `graph-shortest-paths`, `graph-to-table`,
//! `graph-mark-components`).

use super::{Expr, Ident, NamedExpr, Pipeline};
use crate::span::Span;

/// `make-graph Source --> Target [with Nodes on Key, …] [with_node_id=Name]`
#[derive(Debug, Clone, PartialEq)]
pub struct MakeGraph {
    /// The edge column holding each edge's source node id.
    pub source: Ident,
    /// The edge column holding each edge's target node id.
    pub target: Ident,
    /// `with Nodes on Key`: node tables and their id columns.
    pub nodes: Vec<(Pipeline, Ident)>,
    /// `with_node_id=Name` and other `name=value` parameters.
    pub params: Vec<(Ident, Expr)>,
    /// `partitioned-by Column (graph operators)`: one graph per value of the column,
    /// each read by the operators in parentheses (an implicit-source pipeline).
    pub partitioned_by: Option<(Ident, Pipeline)>,
}

/// `graph-match [cycles=…] (a)-[e]->(b) [where …] project …`, and
/// `graph-shortest-paths [output=…] (a)-[e*1..5]->(b) [where …] project …`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphMatch {
    /// True for `graph-shortest-paths`.
    pub shortest: bool,
    /// `cycles=none`, `output=all`, … as written.
    pub params: Vec<(Ident, Expr)>,
    /// Comma-separated path patterns.
    pub patterns: Vec<GraphPath>,
    /// The `where` constraint.
    pub predicate: Option<Expr>,
    /// The `project` clause.
    pub project: Vec<NamedExpr>,
}

/// One path pattern: `(a)-[e]->(b)<--(c)`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphPath {
    /// The first node.
    pub first: GraphNode,
    /// Each edge with the node after it.
    pub steps: Vec<(GraphEdge, GraphNode)>,
}

/// A node of a pattern: `(n)` or `()`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    /// The variable, if named.
    pub name: Option<Ident>,
    /// The text from `(` to `)`.
    pub span: Span,
}

/// An edge of a pattern: `-[e]->`, `<--`, `-[e*1..3]-`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphEdge {
    /// The variable, if named.
    pub name: Option<Ident>,
    /// Which way the edge points.
    pub direction: EdgeDirection,
    /// `*min..max` for a variable length edge.
    pub range: Option<(i64, i64)>,
    /// The edge's text.
    pub span: Span,
}

/// The direction of a pattern edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeDirection {
    /// `-->`: from the left node to the right one.
    Right,
    /// `<--`: from the right node to the left one.
    Left,
    /// `--`: either way.
    Both,
}

/// One table of `graph-to-table`: `nodes [as N] [with_node_id=Id]`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphTable {
    /// `nodes` or `edges`.
    pub kind: Ident,
    /// `as Name`.
    pub alias: Option<Ident>,
    /// `with_node_id=…`, `with_source_id=…`, `with_target_id=…`.
    pub params: Vec<(Ident, Expr)>,
}
