//! Planning `make-graph` together with the graph operators that read its graph
//! (`graph-mark-components`, then one of `graph-match`, `graph-shortest-paths`,
//! `graph-to-table`) into one [`GraphPlan`].
//!
//! The `where` and `project` clauses of `graph-match` are bound over a *match table*:
//! each reference to a pattern element (`n.name`, `node_degree_in(n)`, `map(e, x)`) is
//! rewritten into a column of that table, which the executor fills from each match.

mod rewrite;

use super::Planner;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::Expr;
use crate::graph::{
    Cycles, Direction, GraphMatch, GraphNodes, GraphOutput, GraphPlan, MarkComponents, PatternEdge,
};
use crate::logical_plan::LogicalPlan;
use crate::types::{KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast::{self, EdgeDirection, OperatorKind};
use rewrite::{Rewriter, path_condition};
use std::collections::HashMap;

/// The longest variable length edge hunt follows (paths are enumerated).
const MAX_PATH_EDGES: i64 = 64;

impl Planner<'_> {
    /// Plans `make-graph` over `edges` and the graph operators in `rest` that read its
    /// graph; returns the plan and how many operators of `rest` it used.
    pub(crate) fn plan_graph(
        &mut self,
        edges: LogicalPlan,
        m: &ast::MakeGraph,
        span: Span,
        rest: &[ast::Operator],
    ) -> Result<(LogicalPlan, usize), PlanError> {
        let edge_schema = edges.schema();
        // Node ids are strings, longs, ints or guids; the edge ends and the node table's
        // id column must have one type (hunt does not compare ids of different types).
        let id_column = |schema: &Schema, id: &ast::Ident, what: &str| match schema
            .fields
            .iter()
            .find(|f| f.name == id.name)
        {
            None => Err(PlanError::invalid(
                id.span,
                format!("unknown column `{}` in the {what}", id.name),
            )),
            Some(f)
                if !matches!(
                    f.ty,
                    KqlType::String | KqlType::Long | KqlType::Int | KqlType::Guid
                ) =>
            {
                Err(PlanError::unsupported(
                    id.span,
                    format!("node ids of type {}", f.ty),
                ))
            }
            Some(f) => Ok((id.name.clone(), f.ty)),
        };
        let (source, id_type) = id_column(&edge_schema, &m.source, "edges")?;
        let (target, target_type) = id_column(&edge_schema, &m.target, "edges")?;
        let same_type = |ty: KqlType, at: Span| {
            if ty == id_type {
                Ok(())
            } else {
                Err(PlanError::unsupported(
                    at,
                    format!("node ids of two types ({id_type} and {ty})"),
                ))
            }
        };
        same_type(target_type, m.target.span)?;
        let mut node_id = None;
        for (name, value) in &m.params {
            match (&value.kind, name.name.as_str()) {
                (ast::ExprKind::Ident(v), "with_node_id") => node_id = Some(v.name.clone()),
                _ => {
                    return Err(PlanError::unsupported(
                        name.span,
                        format!("the make-graph parameter `{}`", name.name),
                    ));
                }
            }
        }
        let nodes = match (m.nodes.as_slice(), node_id) {
            ([], None) => GraphNodes::Bare,
            ([], Some(name)) => GraphNodes::IdProperty(name),
            ([(pipe, key)], None) => {
                let plan = self.plan_pipeline(pipe)?;
                let (name, ty) = id_column(&plan.schema(), key, "node table")?;
                same_type(ty, key.span)?;
                GraphNodes::Table { plan, key: name }
            }
            ([_, (second, _), ..], None) => {
                return Err(PlanError::unsupported(
                    second.span,
                    "make-graph with several node tables",
                ));
            }
            (_, Some(_)) => {
                return Err(PlanError::invalid(
                    span,
                    "make-graph takes either `with Nodes on Key` or `with_node_id=`, not both",
                ));
            }
        };
        // With `partitioned-by`, the graph operators are those in its parentheses.
        let (ops, partition) = match &m.partitioned_by {
            Some((column, body)) => {
                let has = |s: &Schema| s.index_of(&column.name).is_some();
                let in_nodes = match &nodes {
                    GraphNodes::Table { plan, .. } => has(&plan.schema()),
                    _ => true,
                };
                if !has(&edges.schema()) || !in_nodes {
                    return Err(PlanError::invalid(
                        column.span,
                        format!(
                            "the edges and the node table must have the partition column `{}`",
                            column.name
                        ),
                    ));
                }
                (body.ops.as_slice(), Some(column.name.clone()))
            }
            None => (rest, None),
        };
        let mut g = GraphPlan {
            edges,
            source,
            target,
            nodes,
            id_type,
            partition,
            components: Vec::new(),
            output: GraphOutput::Edges,
        };
        let mut used = 0;
        let mut hash_ids = Vec::new();
        for op in ops {
            used += 1;
            match &op.kind {
                OperatorKind::GraphMarkComponents(params) => {
                    g.components.push(mark_components(params)?);
                    continue;
                }
                OperatorKind::GraphToTable(tables) => {
                    let (output, ids) = to_table(tables, op.span)?;
                    g.output = output;
                    if g.output == GraphOutput::Nodes && g.node_schema().fields.is_empty() {
                        return Err(PlanError::unsupported(
                            op.span,
                            "`graph-to-table nodes` of nodes without properties",
                        ));
                    }
                    hash_ids = node_hash_ids(&g, ids)?;
                }
                OperatorKind::GraphMatch(gm) => {
                    let out = self.graph_match(&g, gm, op.span)?;
                    g.output = GraphOutput::Match(Box::new(out));
                }
                _ => break,
            }
            let partitioned = g.partition.is_some();
            let plan = with_hash_ids(LogicalPlan::Graph(Box::new(g)), hash_ids);
            if !partitioned {
                return Ok((plan, used));
            }
            if let Some(extra) = ops.get(used) {
                return Err(PlanError::unsupported(
                    extra.span,
                    "operators after the graph operator inside `partitioned-by`",
                ));
            }
            return Ok((plan, 0));
        }
        Err(PlanError::invalid(
            span,
            "`make-graph` must be followed by a graph operator such as `graph-match` or `graph-to-table`",
        ))
    }

    /// Binds a `graph-match` / `graph-shortest-paths` over the graph `g`.
    fn graph_match(
        &self,
        g: &GraphPlan,
        gm: &ast::GraphMatch,
        span: Span,
    ) -> Result<GraphMatch, PlanError> {
        let mut cycles = Cycles::UniqueEdges;
        let mut output_all = false;
        for (name, value) in &gm.params {
            let v = match &value.kind {
                ast::ExprKind::Ident(v) => v.name.as_str(),
                _ => "",
            };
            match (name.name.as_str(), v, gm.shortest) {
                ("cycles", "all", false) => cycles = Cycles::All,
                ("cycles", "none", false) => cycles = Cycles::None,
                ("cycles", "unique_edges", false) => cycles = Cycles::UniqueEdges,
                ("output", "all", true) => output_all = true,
                ("output", "any", true) => output_all = false,
                _ => {
                    return Err(PlanError::unsupported(
                        value.span,
                        format!("the parameter `{}={v}` here", name.name),
                    ));
                }
            }
        }
        let pattern = Pattern::new(&gm.patterns, span)?;
        if gm.shortest {
            if gm.patterns.len() != 1 || !pattern.edges.iter().any(|e| e.variable) {
                return Err(PlanError::invalid(
                    span,
                    "graph-shortest-paths needs one path pattern with a variable length edge",
                ));
            }
            // Paths are enumerated and the shortest kept per pair of end nodes; that is
            // only the documented answer when the predicate constrains each element on
            // its own, so `any()` and `map()` (whole-path conditions) are refused there.
            if let Some(p) = &gm.predicate
                && let Some(f) = path_condition(p)
            {
                return Err(PlanError::unsupported(
                    f,
                    "`any()` or `map()` in the `where` of graph-shortest-paths",
                ));
            }
        }
        // Without repeated nodes (`cycles=none`, and the paths shortest paths are
        // searched among) a zero length edge could never match.
        if (cycles == Cycles::None || gm.shortest) && pattern.edges.iter().any(|e| e.min == 0) {
            return Err(PlanError::unsupported(
                span,
                "a zero length edge with `cycles=none` or in graph-shortest-paths",
            ));
        }
        let mut rw = Rewriter {
            planner: self,
            pattern: &pattern,
            node_schema: g.node_schema(),
            edge_schema: g.edges.schema(),
            element_node_schema: g.element_node_schema(),
            columns: Vec::new(),
        };
        let predicate = match &gm.predicate {
            Some(p) => {
                let ast = rw.rewrite(p)?;
                let schema = rw.schema();
                let e = bind_expr(&ast, &self.scope(&schema, None))?;
                if e.ty != KqlType::Bool {
                    return Err(PlanError::ty(
                        p.span,
                        format!("`where` needs a bool predicate, got {}", e.ty),
                    ));
                }
                Some(e)
            }
            None => None,
        };
        let mut project: Vec<(String, Expr)> = Vec::new();
        for item in &gm.project {
            let name = match item.names.as_slice() {
                [n] => n.name.clone(),
                // The docs show the names of `n.p` and of the degree and id functions;
                // other unnamed expressions get names hunt cannot be sure of.
                [] => derived_name(&item.expr).ok_or_else(|| {
                    PlanError::unsupported(
                        item.expr.span,
                        "an unnamed expression in the `project` of a graph operator",
                    )
                    .with_help("name the column: `Name = …`")
                })?,
                [_, extra, ..] => {
                    return Err(PlanError::unsupported(
                        extra.span,
                        "several names for one expression",
                    ));
                }
            };
            if project.iter().any(|(n, _)| *n == name) {
                return Err(PlanError::invalid(
                    item.expr.span,
                    format!("duplicate column name `{name}`"),
                ));
            }
            let ast = rw.rewrite(&item.expr)?;
            let schema = rw.schema();
            project.push((name, bind_expr(&ast, &self.scope(&schema, None))?));
        }
        let node_filters = predicate
            .as_ref()
            .map(|p| node_filters(p, &rw.columns))
            .unwrap_or_default();
        Ok(GraphMatch {
            node_filters,
            slots: pattern.slots,
            edges: pattern.edges.clone(),
            cycles,
            shortest: gm.shortest.then_some(output_all),
            columns: rw.columns,
            predicate,
            project,
        })
    }
}

/// True when `p` ends with a graph: `make-graph` and maybe `graph-mark-components`.
pub(crate) fn builds_graph(p: &ast::Pipeline) -> bool {
    let tail = p
        .ops
        .iter()
        .rev()
        .take_while(|o| !matches!(o.kind, OperatorKind::MakeGraph(_)))
        .all(|o| matches!(o.kind, OperatorKind::GraphMarkComponents(_)));
    tail && p
        .ops
        .iter()
        .any(|o| matches!(o.kind, OperatorKind::MakeGraph(_)))
}

/// The conjuncts of `predicate` that read the columns of one node slot only.
fn node_filters(
    predicate: &Expr,
    columns: &[(crate::types::Field, crate::graph::MatchColumn)],
) -> Vec<(usize, Expr)> {
    use crate::expr::{ExprKind, Func};
    use crate::graph::MatchColumn as C;
    fn split<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
        match &e.kind {
            ExprKind::Call(Func::And, args) => args.iter().for_each(|a| split(a, out)),
            _ => out.push(e),
        }
    }
    let mut conjuncts = Vec::new();
    split(predicate, &mut conjuncts);
    let slot_of = |name: &str| match columns.iter().find(|(f, _)| f.name == name) {
        Some((
            _,
            C::NodeProperty { slot, .. } | C::DegreeIn(slot) | C::DegreeOut(slot) | C::NodeId(slot),
        )) => Some(*slot),
        _ => None,
    };
    conjuncts
        .into_iter()
        .filter_map(|c| {
            let mut names = Vec::new();
            c.columns_into(&mut names);
            let mut slots = names.iter().map(|n| slot_of(n));
            let first = slots.next()??;
            slots.all(|s| s == Some(first)).then(|| (first, c.clone()))
        })
        .collect()
}

/// `graph-mark-components [kind=weak|strong] [with_component_id=Name]`
fn mark_components(params: &[(ast::Ident, ast::Expr)]) -> Result<MarkComponents, PlanError> {
    let mut out = MarkComponents {
        property: "ComponentId".to_string(),
        strong: false,
    };
    for (name, value) in params {
        match (name.name.as_str(), &value.kind) {
            ("kind", ast::ExprKind::Ident(v)) if v.name == "weak" => out.strong = false,
            ("kind", ast::ExprKind::Ident(v)) if v.name == "strong" => out.strong = true,
            ("with_component_id", ast::ExprKind::Ident(v)) => out.property = v.name.clone(),
            _ => {
                return Err(PlanError::invalid(
                    value.span,
                    format!("invalid graph-mark-components parameter `{}`", name.name),
                ));
            }
        }
    }
    Ok(out)
}

/// Which node a `graph-to-table` hash id column is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdOf {
    /// `with_node_id=`: the node's own.
    Node,
    /// `with_source_id=`: the edge's source node's.
    Source,
    /// `with_target_id=`: the edge's target node's.
    Target,
}

/// `graph-to-table nodes [with_node_id=Id]` or `graph-to-table edges [with_source_id=S]
/// [with_target_id=T]`: the output and the hash id columns asked for, in output order.
fn to_table(
    tables: &[ast::GraphTable],
    span: Span,
) -> Result<(GraphOutput, Vec<(ast::Ident, IdOf)>), PlanError> {
    let [t] = tables else {
        return Err(PlanError::unsupported(
            span,
            "`graph-to-table` of both nodes and edges (two result tables)",
        ));
    };
    if let Some(a) = &t.alias {
        return Err(PlanError::unsupported(a.span, "`graph-to-table … as`"));
    }
    let nodes = t.kind.name == "nodes";
    let mut ids: Vec<(ast::Ident, IdOf)> = Vec::new();
    for (name, value) in &t.params {
        let which = match (name.name.as_str(), nodes) {
            ("with_node_id", true) => IdOf::Node,
            ("with_source_id", false) => IdOf::Source,
            ("with_target_id", false) => IdOf::Target,
            _ => {
                return Err(PlanError::invalid(
                    name.span,
                    format!(
                        "`{}` is not a parameter of `graph-to-table {}`",
                        name.name, t.kind.name
                    ),
                ));
            }
        };
        let ast::ExprKind::Ident(column) = &value.kind else {
            return Err(PlanError::invalid(
                value.span,
                format!("`{}` takes a column name", name.name),
            ));
        };
        if ids.iter().any(|(_, w)| *w == which) {
            return Err(PlanError::invalid(
                name.span,
                format!("`{}` given twice", name.name),
            ));
        }
        // The page's syntax and example put the source id first; whether Kusto keeps
        // the written order when the target id is written first is not documented.
        if which == IdOf::Source && !ids.is_empty() {
            return Err(PlanError::unsupported(
                name.span,
                "`with_source_id` written after `with_target_id` (the column order is not documented)",
            ));
        }
        ids.push((column.clone(), which));
    }
    let output = if nodes {
        GraphOutput::Nodes
    } else {
        GraphOutput::Edges
    };
    Ok((output, ids))
}

/// The hash id columns of `graph-to-table` over `g`, each with its expression over the
/// graph's output columns.
///
/// The graph-to-table page calls them the "node hash ID" of type long; every value of
/// its examples is Kusto's `hash()` of the node id (xxhash64 of the id's UTF-8 bytes:
/// `hash("Alice")` = -3122868243544336885), so a node's hash id is `hash(id)`. Ids of
/// other types are refused: `hash` of a long, int or guid is not documented.
fn node_hash_ids(
    g: &GraphPlan,
    ids: Vec<(ast::Ident, IdOf)>,
) -> Result<Vec<(String, Expr)>, PlanError> {
    let out = g.schema();
    let mut exprs = Vec::new();
    for (name, which) in ids {
        let column = match (which, &g.nodes) {
            (IdOf::Source, _) => g.source.clone(),
            (IdOf::Target, _) => g.target.clone(),
            (IdOf::Node, GraphNodes::Table { key, .. }) => key.clone(),
            (IdOf::Node, GraphNodes::IdProperty(p)) => p.clone(),
            (IdOf::Node, GraphNodes::Bare) => {
                return Err(PlanError::unsupported(
                    name.span,
                    "`with_node_id` of nodes without properties",
                ));
            }
        };
        match out.fields.iter().find(|f| f.name == column) {
            Some(f) if f.ty == KqlType::String => {}
            Some(f) => {
                return Err(PlanError::unsupported(
                    name.span,
                    format!(
                        "node hash ids of {} node ids (Kusto's `hash` of them is not documented)",
                        f.ty
                    ),
                ));
            }
            None => {
                return Err(PlanError::invalid(
                    name.span,
                    format!("bug: the graph's output lacks its id column `{column}`"),
                ));
            }
        }
        if out.index_of(&name.name).is_some() || exprs.iter().any(|(n, _)| *n == name.name) {
            return Err(PlanError::invalid(
                name.span,
                format!("the hash id column `{}` is already a column", name.name),
            ));
        }
        let id = Expr::column(column, KqlType::String, name.span);
        let hash = Expr::call(
            crate::expr::Func::Lib(crate::library::LibFunc::Hash),
            vec![id],
            KqlType::Long,
            name.span,
        );
        exprs.push((name.name, hash));
    }
    Ok(exprs)
}

/// `plan` with the hash id columns `ids` before its own columns (the page's examples'
/// order), or `plan` itself when there are none.
fn with_hash_ids(plan: LogicalPlan, ids: Vec<(String, Expr)>) -> LogicalPlan {
    if ids.is_empty() {
        return plan;
    }
    let span = ids.first().map(|(_, e)| e.span).unwrap_or_default();
    let mut exprs = ids;
    for f in plan.schema().fields {
        let e = Expr::column(f.name.clone(), f.ty, span);
        exprs.push((f.name, e));
    }
    LogicalPlan::Projection {
        input: Box::new(plan),
        exprs,
    }
}

/// Kusto's name for an unnamed `project` item of a graph operator: `n.name` gives
/// `n_name`, `node_degree_in(n)` gives `node_degree_in` (doc pages of the graph functions).
fn derived_name(e: &ast::Expr) -> Option<String> {
    match &e.kind {
        ast::ExprKind::Ident(id) => Some(id.name.clone()),
        ast::ExprKind::Paren(x) => derived_name(x),
        ast::ExprKind::Member { expr, name } => {
            Some(format!("{}_{}", derived_name(expr)?, name.name))
        }
        ast::ExprKind::Call { name, .. }
            if matches!(
                name.name.as_str(),
                "node_degree_in" | "node_degree_out" | "node_id"
            ) =>
        {
            Some(name.name.clone())
        }
        _ => None,
    }
}

/// The pattern's variables: node slots and edges.
struct Pattern {
    slots: usize,
    pub(super) node_vars: HashMap<String, usize>,
    pub(super) edge_vars: HashMap<String, usize>,
    pub(super) edges: Vec<PatternEdge>,
}

impl Pattern {
    fn new(paths: &[ast::GraphPath], span: Span) -> Result<Pattern, PlanError> {
        let mut p = Pattern {
            slots: 0,
            node_vars: HashMap::new(),
            edge_vars: HashMap::new(),
            edges: Vec::new(),
        };
        for path in paths {
            let mut prev = p.slot(&path.first)?;
            for (e, n) in &path.steps {
                let next = p.slot(n)?;
                let (min, max, variable) = match e.range {
                    None => (1, 1, false),
                    Some((lo, hi)) if lo <= hi && hi <= MAX_PATH_EDGES => {
                        (lo as usize, hi as usize, true)
                    }
                    Some((_, hi)) if hi > MAX_PATH_EDGES => {
                        return Err(PlanError::unsupported(
                            e.span,
                            format!("variable length edges longer than {MAX_PATH_EDGES}"),
                        ));
                    }
                    Some(_) => {
                        return Err(PlanError::invalid(
                            e.span,
                            "the least number of edges is larger than the most",
                        ));
                    }
                };
                if let Some(name) = &e.name
                    && (p.node_vars.contains_key(&name.name)
                        || p.edge_vars
                            .insert(name.name.clone(), p.edges.len())
                            .is_some())
                {
                    return Err(PlanError::unsupported(
                        name.span,
                        format!("`{}` naming several pattern elements", name.name),
                    ));
                }
                let direction = match e.direction {
                    EdgeDirection::Right => Direction::Forward,
                    EdgeDirection::Left => Direction::Backward,
                    EdgeDirection::Both => Direction::Any,
                };
                p.edges.push(PatternEdge {
                    from: prev,
                    to: next,
                    direction,
                    min,
                    max,
                    variable,
                });
                prev = next;
            }
        }
        if !p.connected() {
            return Err(PlanError::unsupported(
                span,
                "a pattern whose sequences share no node",
            ));
        }
        Ok(p)
    }

    /// The slot of a pattern node: a name used again is the same slot.
    fn slot(&mut self, n: &ast::GraphNode) -> Result<usize, PlanError> {
        if let Some(name) = &n.name {
            if self.edge_vars.contains_key(&name.name) {
                return Err(PlanError::unsupported(
                    name.span,
                    format!("`{}` naming several pattern elements", name.name),
                ));
            }
            if let Some(s) = self.node_vars.get(&name.name) {
                return Ok(*s);
            }
            self.node_vars.insert(name.name.clone(), self.slots);
        }
        self.slots += 1;
        Ok(self.slots - 1)
    }

    /// True when every slot is reachable from slot 0 over the pattern's edges.
    fn connected(&self) -> bool {
        let mut seen = vec![false; self.slots];
        if let Some(s) = seen.first_mut() {
            *s = true;
        }
        let mut changed = true;
        while changed {
            changed = false;
            for e in &self.edges {
                if seen[e.from] != seen[e.to] {
                    seen[e.from] = true;
                    seen[e.to] = true;
                    changed = true;
                }
            }
        }
        seen.iter().all(|s| *s)
    }
}
