//! The plan of a graph query: `make-graph` and the graph operators after it form one
//! [`GraphPlan`], because a graph value only exists between them
//! (<https://learn.microsoft.com/kusto/query/make-graph-operator>).

use crate::expr::Expr;
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType, Schema};

/// `make-graph`, the `graph-mark-components` steps after it, and the operator that
/// turns the graph back into rows.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphPlan {
    /// One edge per row.
    pub edges: LogicalPlan,
    /// The edge column holding each edge's source node id.
    pub source: String,
    /// The edge column holding each edge's target node id.
    pub target: String,
    /// Where the nodes' properties come from.
    pub nodes: GraphNodes,
    /// The type of the node ids (string, long, int or guid): the edge ends' and the
    /// node table id column's.
    pub id_type: KqlType,
    /// `partitioned-by`: one graph per value of this column (of the edges and the node
    /// table), each read by the graph operator; the results are concatenated.
    pub partition: Option<String>,
    /// `graph-mark-components` steps, in order: each adds a long node property.
    pub components: Vec<MarkComponents>,
    /// What the graph becomes.
    pub output: GraphOutput,
}

/// The source of node properties.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphNodes {
    /// No node table: nodes have no properties.
    Bare,
    /// `with_node_id=Name`: one property holding the node id.
    IdProperty(String),
    /// `with Nodes on Key`: each row is a node's properties. A node that only appears
    /// in the edges gets its id in `key` and nulls elsewhere.
    Table {
        /// The node rows.
        plan: LogicalPlan,
        /// The id column.
        key: String,
    },
}

/// One `graph-mark-components` step.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkComponents {
    /// The node property that gets the component index.
    pub property: String,
    /// `kind=strong` (directed reachability both ways) rather than `weak`.
    pub strong: bool,
}

/// What the graph becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphOutput {
    /// `graph-to-table nodes`: one row per node, its properties as columns.
    Nodes,
    /// `graph-to-table edges`: one row per edge.
    Edges,
    /// `graph-match` / `graph-shortest-paths`.
    Match(Box<GraphMatch>),
}

/// Which repeated elements a match may contain (`cycles=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cycles {
    /// `all`: anything.
    All,
    /// `none`: no node twice (and so no edge twice).
    None,
    /// `unique_edges` (the default): no edge twice.
    UniqueEdges,
}

/// The direction a pattern edge is followed in, from its `from` slot to its `to` slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Along the edge (`-->`).
    Forward,
    /// Against it (`<--`).
    Backward,
    /// Either way (`--`).
    Any,
}

/// One edge of the pattern, between two node slots.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternEdge {
    /// The node slot on its left in the pattern.
    pub from: usize,
    /// The node slot on its right.
    pub to: usize,
    /// Which way it is followed from `from` to `to`.
    pub direction: Direction,
    /// Fewest edges it stands for.
    pub min: usize,
    /// Most edges it stands for.
    pub max: usize,
    /// Written with `*min..max`: its properties are arrays.
    pub variable: bool,
}

/// The per-element expressions `map`, `all` and `any` apply along a variable length edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathFn {
    /// `map(e, x)`: the array of `x` for each element.
    Map,
    /// `all(e, p)`: `p` is true for every element (true for none).
    All,
    /// `any(e, p)`: `p` is true for some element (false for none).
    Any,
}

/// How one column of the match table is computed from a match.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchColumn {
    /// A property of the node in a slot.
    NodeProperty {
        /// The slot.
        slot: usize,
        /// Index of the property in [`GraphPlan::node_schema`].
        property: usize,
    },
    /// `node_degree_in(n)`: edges into the node.
    DegreeIn(usize),
    /// `node_degree_out(n)`: edges out of the node.
    DegreeOut(usize),
    /// `array_length(e)` of a variable length edge: how many edges it matched.
    PathLength(usize),
    /// `node_id(n)`.
    NodeId(usize),
    /// A property of a fixed edge (`e.p`), or for a variable length edge the dynamic
    /// array of the property along it.
    EdgeProperty {
        /// Index of the edge in [`GraphMatch::edges`].
        edge: usize,
        /// Index of the column in the edges' schema.
        property: usize,
    },
    /// `map`/`all`/`any` over a variable length edge's edges, or its inner nodes.
    Path {
        /// Index of the edge in [`GraphMatch::edges`].
        edge: usize,
        /// Over `inner_nodes(e)` rather than the edges.
        inner_nodes: bool,
        /// Which function.
        func: PathFn,
        /// The per-element expression, over the edges' schema or
        /// [`GraphPlan::element_node_schema`].
        expr: Expr,
    },
}

/// `graph-match` / `graph-shortest-paths`: the pattern, and the `where` and `project`
/// clauses bound over the match table ([`GraphMatch::columns`]).
#[derive(Debug, Clone, PartialEq)]
pub struct GraphMatch {
    /// How many node slots the pattern has (a name used twice is one slot).
    pub slots: usize,
    /// The pattern's edges in order, sequence after sequence.
    pub edges: Vec<PatternEdge>,
    /// `cycles=`.
    pub cycles: Cycles,
    /// `graph-shortest-paths`: `Some(all)` with `output=all`, `Some(false)` for `any`.
    pub shortest: Option<bool>,
    /// The columns of the match table, each named and typed.
    pub columns: Vec<(Field, MatchColumn)>,
    /// `where`, over the match table.
    pub predicate: Option<Expr>,
    /// Conjuncts of `where` that read only one node slot's columns: the executor
    /// evaluates them per node to prune the search (`where` still runs on each match).
    pub node_filters: Vec<(usize, Expr)>,
    /// `project`, over the match table.
    pub project: Vec<(String, Expr)>,
}

impl GraphMatch {
    /// The match table's schema.
    pub fn match_schema(&self) -> Schema {
        Schema::new(self.columns.iter().map(|(f, _)| f.clone()).collect())
    }
}

/// Names of the computed columns of [`GraphPlan::element_node_schema`].
pub const DEGREE_IN: &str = "node_degree_in()";
/// See [`DEGREE_IN`].
pub const DEGREE_OUT: &str = "node_degree_out()";
/// See [`DEGREE_IN`].
pub const NODE_ID: &str = "node_id()";

impl GraphPlan {
    /// The nodes' properties: the node table's columns, the `with_node_id` column, then
    /// one long column per `graph-mark-components`.
    pub fn node_schema(&self) -> Schema {
        let mut fields = match &self.nodes {
            GraphNodes::Bare => Vec::new(),
            GraphNodes::IdProperty(name) => vec![Field::new(name, self.id_type)],
            GraphNodes::Table { plan, .. } => plan.schema().fields,
        };
        for c in &self.components {
            match fields.iter_mut().find(|f| f.name == c.property) {
                Some(f) => f.ty = KqlType::Long,
                None => fields.push(Field::new(&c.property, KqlType::Long)),
            }
        }
        Schema::new(fields)
    }

    /// The node properties plus the degree and id of each node, as the inner nodes of
    /// a path are seen by `map`/`all`/`any`.
    pub fn element_node_schema(&self) -> Schema {
        let mut s = self.node_schema();
        s.fields.push(Field::new(DEGREE_IN, KqlType::Long));
        s.fields.push(Field::new(DEGREE_OUT, KqlType::Long));
        s.fields.push(Field::new(NODE_ID, KqlType::String));
        s
    }

    /// The output columns.
    pub fn schema(&self) -> Schema {
        match &self.output {
            GraphOutput::Nodes => self.node_schema(),
            GraphOutput::Edges => self.edges.schema(),
            GraphOutput::Match(m) => {
                Schema::new(m.project.iter().map(|(n, e)| Field::new(n, e.ty)).collect())
            }
        }
    }

    /// The input plans: the edges, then the node table if any.
    pub fn inputs(&self) -> Vec<&LogicalPlan> {
        let mut v = vec![&self.edges];
        if let GraphNodes::Table { plan, .. } = &self.nodes {
            v.push(plan);
        }
        v
    }

    /// This plan with each input replaced by `f(input)`.
    pub fn map_inputs(self, mut f: impl FnMut(LogicalPlan) -> LogicalPlan) -> GraphPlan {
        let nodes = match self.nodes {
            GraphNodes::Table { plan, key } => GraphNodes::Table { plan: f(plan), key },
            other => other,
        };
        GraphPlan {
            edges: f(self.edges),
            nodes,
            ..self
        }
    }
}

impl GraphPlan {
    /// The graph operator's name, for EXPLAIN.
    pub fn output_name(&self) -> &'static str {
        match &self.output {
            GraphOutput::Nodes => "graph-to-table nodes",
            GraphOutput::Edges => "graph-to-table edges",
            GraphOutput::Match(m) if m.shortest.is_some() => "graph-shortest-paths",
            GraphOutput::Match(_) => "graph-match",
        }
    }
}
