//! Rewriting the `where` and `project` clauses of a graph match: each reference to a
//! pattern element (`n.p`, `node_degree_in(n)`, `map(e, x)`) becomes a column of the
//! match table, recorded with how the executor computes it.

use super::Pattern;
use crate::error::PlanError;
use crate::graph::{DEGREE_IN, DEGREE_OUT, MatchColumn, NODE_ID, PathFn};
use crate::planner::Planner;
use crate::planner::exprs::bind_expr;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;

/// Rewrites references to pattern elements into columns of the match table.
pub(super) struct Rewriter<'p, 'q> {
    pub(super) planner: &'p Planner<'q>,
    pub(super) pattern: &'p Pattern,
    pub(super) node_schema: Schema,
    pub(super) edge_schema: Schema,
    pub(super) element_node_schema: Schema,
    pub(super) columns: Vec<(Field, MatchColumn)>,
}

impl Rewriter<'_, '_> {
    pub(super) fn schema(&self) -> Schema {
        Schema::new(self.columns.iter().map(|(f, _)| f.clone()).collect())
    }

    /// An identifier naming the match table column `name`, added if new.
    fn column(&mut self, name: String, ty: KqlType, col: MatchColumn, span: Span) -> ast::Expr {
        if !self.columns.iter().any(|(f, _)| f.name == name) {
            self.columns.push((Field::new(&name, ty), col));
        }
        ast::Expr {
            kind: ast::ExprKind::Ident(ast::Ident { name, span }),
            span,
        }
    }

    pub(super) fn rewrite(&mut self, e: &ast::Expr) -> Result<ast::Expr, PlanError> {
        use ast::ExprKind as K;
        match &e.kind {
            K::Ident(id)
                if self.pattern.node_vars.contains_key(&id.name)
                    || self.pattern.edge_vars.contains_key(&id.name) =>
            {
                Err(PlanError::unsupported(
                    e.span,
                    "a whole graph node or edge as a value",
                ))
            }
            K::Member { expr, name } => {
                if let K::Ident(v) = &expr.kind {
                    if let Some(&slot) = self.pattern.node_vars.get(&v.name) {
                        let Some(i) = self.node_schema.index_of(&name.name) else {
                            return Err(PlanError::invalid(
                                name.span,
                                format!("the nodes have no property `{}`", name.name),
                            ));
                        };
                        let ty = self.node_schema.fields[i].ty;
                        let col = MatchColumn::NodeProperty { slot, property: i };
                        return Ok(self.column(
                            format!("{}.{}", v.name, name.name),
                            ty,
                            col,
                            e.span,
                        ));
                    }
                    if let Some(&edge) = self.pattern.edge_vars.get(&v.name) {
                        let Some(i) = self.edge_schema.index_of(&name.name) else {
                            return Err(PlanError::invalid(
                                name.span,
                                format!("the edges have no property `{}`", name.name),
                            ));
                        };
                        let ty = if self.pattern.edges[edge].variable {
                            KqlType::Dynamic
                        } else {
                            self.edge_schema.fields[i].ty
                        };
                        let col = MatchColumn::EdgeProperty { edge, property: i };
                        return Ok(self.column(
                            format!("{}.{}", v.name, name.name),
                            ty,
                            col,
                            e.span,
                        ));
                    }
                }
                let inner = self.rewrite(expr)?;
                Ok(ast::Expr {
                    kind: K::Member {
                        expr: Box::new(inner),
                        name: name.clone(),
                    },
                    span: e.span,
                })
            }
            K::Call { name, args } => self.call(e, name, args),
            _ => map_children(e, &mut |x| self.rewrite(x)),
        }
    }

    fn call(
        &mut self,
        e: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
    ) -> Result<ast::Expr, PlanError> {
        let f = name.name.as_str();
        match (f, args) {
            ("node_degree_in" | "node_degree_out" | "node_id", [arg]) => {
                let slot = match &arg.kind {
                    ast::ExprKind::Ident(v) => self.pattern.node_vars.get(&v.name).copied(),
                    _ => None,
                };
                let Some(slot) = slot else {
                    return Err(PlanError::invalid(
                        arg.span,
                        format!("`{f}` takes a node of the pattern"),
                    ));
                };
                let (col, ty) = match f {
                    "node_degree_in" => (MatchColumn::DegreeIn(slot), KqlType::Long),
                    "node_degree_out" => (MatchColumn::DegreeOut(slot), KqlType::Long),
                    _ => (MatchColumn::NodeId(slot), KqlType::String),
                };
                Ok(self.column(format!("{f}({})", arg_text(arg)), ty, col, e.span))
            }
            ("all" | "any" | "map", [over, body]) => {
                let (edge_name, inner_nodes) = match &over.kind {
                    ast::ExprKind::Ident(v) => (Some(v), false),
                    ast::ExprKind::Call { name, args } if name.name == "inner_nodes" => {
                        match args.as_slice() {
                            [a] => match &a.kind {
                                ast::ExprKind::Ident(v) => (Some(v), true),
                                _ => (None, true),
                            },
                            _ => (None, true),
                        }
                    }
                    _ => (None, false),
                };
                let edge = edge_name.and_then(|v| self.pattern.edge_vars.get(&v.name).copied());
                let Some(edge) = edge.filter(|i| self.pattern.edges[*i].variable) else {
                    return Err(PlanError::invalid(
                        over.span,
                        format!(
                            "`{f}` takes a variable length edge of the pattern, or `inner_nodes()` of one"
                        ),
                    ));
                };
                let body_ast = self.element(body, inner_nodes)?;
                let schema = if inner_nodes {
                    &self.element_node_schema
                } else {
                    &self.edge_schema
                };
                let expr = bind_expr(&body_ast, &self.planner.scope(schema, None))?;
                let (func, ty) = match f {
                    "map" => (PathFn::Map, KqlType::Dynamic),
                    "all" => (PathFn::All, KqlType::Bool),
                    _ => (PathFn::Any, KqlType::Bool),
                };
                if func != PathFn::Map && expr.ty != KqlType::Bool {
                    return Err(PlanError::ty(
                        body.span,
                        format!("`{f}` needs a bool condition, got {}", expr.ty),
                    ));
                }
                let n = self.columns.len();
                let col = MatchColumn::Path {
                    edge,
                    inner_nodes,
                    func,
                    expr,
                };
                Ok(self.column(format!("{f}#{n}"), ty, col, e.span))
            }
            // A variable length edge is an array of edges (the tutorial's
            // `array_length(reports)`); its elements' form is not documented, so only
            // its length is supported.
            (
                "array_length",
                [
                    ast::Expr {
                        kind: ast::ExprKind::Ident(v),
                        ..
                    },
                ],
            ) if self
                .pattern
                .edge_vars
                .get(&v.name)
                .is_some_and(|i| self.pattern.edges[*i].variable) =>
            {
                let edge = self.pattern.edge_vars.get(&v.name).copied().unwrap_or(0);
                let col = MatchColumn::PathLength(edge);
                Ok(self.column(
                    format!("array_length({})", v.name),
                    KqlType::Long,
                    col,
                    e.span,
                ))
            }
            ("inner_nodes", _) => Err(PlanError::invalid(
                e.span,
                "`inner_nodes()` is only valid as the first argument of all(), any() or map()",
            )),
            ("labels", _) => Err(PlanError::unsupported(
                e.span,
                "`labels()` (graph models' labels)",
            )),
            ("node_degree_in" | "node_degree_out" | "node_id", _) => Err(PlanError::invalid(
                e.span,
                format!("`{f}` takes one node of the pattern"),
            )),
            _ => map_children(e, &mut |x| self.rewrite(x)),
        }
    }

    /// Rewrites the per-element expression of `map`/`all`/`any`: properties are plain
    /// names; over inner nodes, `node_degree_in()` and friends name computed columns.
    fn element(&mut self, e: &ast::Expr, inner_nodes: bool) -> Result<ast::Expr, PlanError> {
        use ast::ExprKind as K;
        match &e.kind {
            K::Call { name, args } => {
                let col = match name.name.as_str() {
                    "node_degree_in" => Some(DEGREE_IN),
                    "node_degree_out" => Some(DEGREE_OUT),
                    "node_id" => Some(NODE_ID),
                    "all" | "any" | "map" | "inner_nodes" | "labels" => {
                        return Err(PlanError::unsupported(
                            e.span,
                            format!("`{}` inside all(), any() or map()", name.name),
                        ));
                    }
                    _ => None,
                };
                match col {
                    Some(c) if inner_nodes && args.is_empty() => Ok(ast::Expr {
                        kind: K::Ident(ast::Ident {
                            name: c.to_string(),
                            span: e.span,
                        }),
                        span: e.span,
                    }),
                    Some(_) => Err(PlanError::unsupported(
                        e.span,
                        format!(
                            "`{}` here (only `{}()` over inner_nodes)",
                            name.name, name.name
                        ),
                    )),
                    None => map_children(e, &mut |x| self.element(x, inner_nodes)),
                }
            }
            K::Member { expr, .. } if matches!(&expr.kind, K::Ident(v) if self.pattern.node_vars.contains_key(&v.name) || self.pattern.edge_vars.contains_key(&v.name)) => {
                Err(PlanError::unsupported(
                    e.span,
                    "pattern variables inside all(), any() or map()",
                ))
            }
            _ => map_children(e, &mut |x| self.element(x, inner_nodes)),
        }
    }
}

/// The text of a simple argument, for match table column names.
fn arg_text(e: &ast::Expr) -> String {
    match &e.kind {
        ast::ExprKind::Ident(v) => v.name.clone(),
        _ => String::new(),
    }
}

/// `e` with each direct sub-expression replaced by `f(sub)`.
fn map_children(
    e: &ast::Expr,
    f: &mut impl FnMut(&ast::Expr) -> Result<ast::Expr, PlanError>,
) -> Result<ast::Expr, PlanError> {
    use ast::ExprKind as K;
    let mut b = |x: &ast::Expr| f(x).map(Box::new);
    let kind = match &e.kind {
        K::Binary { op, lhs, rhs } => K::Binary {
            op: *op,
            lhs: b(lhs)?,
            rhs: b(rhs)?,
        },
        K::Like { op, lhs, rhs } => K::Like {
            op: *op,
            lhs: b(lhs)?,
            rhs: b(rhs)?,
        },
        K::Neg(x) => K::Neg(b(x)?),
        K::Paren(x) => K::Paren(b(x)?),
        K::Member { expr, name } => K::Member {
            expr: b(expr)?,
            name: name.clone(),
        },
        K::NamedArg { name, value } => K::NamedArg {
            name: name.clone(),
            value: b(value)?,
        },
        K::Index { expr, index } => K::Index {
            expr: b(expr)?,
            index: b(index)?,
        },
        K::Between {
            expr,
            negated,
            low,
            high,
        } => K::Between {
            expr: b(expr)?,
            negated: *negated,
            low: b(low)?,
            high: b(high)?,
        },
        K::Call { name, args } => K::Call {
            name: name.clone(),
            args: args.iter().map(&mut *f).collect::<Result<_, _>>()?,
        },
        K::MethodCall {
            receiver,
            name,
            args,
        } => K::MethodCall {
            receiver: Box::new(f(receiver)?),
            name: name.clone(),
            args: args.iter().map(&mut *f).collect::<Result<_, _>>()?,
        },
        K::InList { expr, op, list } => K::InList {
            expr: Box::new(f(expr)?),
            op: *op,
            list: list.iter().map(&mut *f).collect::<Result<_, _>>()?,
        },
        other => other.clone(),
    };
    Ok(ast::Expr { kind, span: e.span })
}

/// The span of an `any(…)` or `map(…)` call inside `e`, if any.
pub(super) fn path_condition(e: &ast::Expr) -> Option<Span> {
    let mut found = None;
    visit(e, &mut |x| {
        if let ast::ExprKind::Call { name, .. } = &x.kind
            && matches!(name.name.as_str(), "any" | "map")
            && found.is_none()
        {
            found = Some(x.span);
        }
    });
    found
}

/// Calls `f` on `e` and each expression inside it.
fn visit(e: &ast::Expr, f: &mut impl FnMut(&ast::Expr)) {
    f(e);
    use ast::ExprKind as K;
    match &e.kind {
        K::Binary { lhs, rhs, .. } | K::Like { lhs, rhs, .. } => {
            visit(lhs, f);
            visit(rhs, f);
        }
        K::Neg(x) | K::Paren(x) | K::Member { expr: x, .. } | K::NamedArg { value: x, .. } => {
            visit(x, f)
        }
        K::Call { args, .. } => args.iter().for_each(|a| visit(a, f)),
        K::MethodCall { receiver, args, .. } => {
            visit(receiver, f);
            args.iter().for_each(|a| visit(a, f));
        }
        K::Index { expr, index } => {
            visit(expr, f);
            visit(index, f);
        }
        K::InList { expr, list, .. } => {
            visit(expr, f);
            list.iter().for_each(|a| visit(a, f));
        }
        K::Between {
            expr, low, high, ..
        } => {
            visit(expr, f);
            visit(low, f);
            visit(high, f);
        }
        _ => {}
    }
}
