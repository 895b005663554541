//! The planner (binder): `ast::Query` + [`Catalog`] → [`LogicalPlan`].
//!
//! KQL's defaults are made explicit here: sort direction, null placement, result
//! column names (`count_`, `Column1`, `print_0`), implicit numeric promotion.

mod dcount_intersect;
mod evaluate;
mod exprs;
mod externaldata;
pub(crate) use exprs::cast as cast_to;
mod aggregates_defined;
mod aggregates_more;
mod by_names;
mod functions;
mod geo_lookup;
pub use functions::function_names;
mod active_users;
mod activity_args;
mod activity_counts;
mod graph;
mod in_list;
mod ip_lookup;
mod join;
mod limits;
pub mod literals;
mod multi_table;
mod mvapply;
mod mvexpand;
mod operators;
pub mod parse;
mod partition;
mod pivot;
mod reorder;
mod result_names;
mod rolling;
mod rows_near;
mod scan;
mod schema_merge;
mod search;
mod series;
mod sliding_window;
mod staged;
mod subquery;
mod summarize_exprs;
mod tabular_fn;
mod top_hitters;
mod union;
mod window;

use crate::catalog::Catalog;
use crate::error::{PlanError, PlanErrorKind, closest};
use crate::expr::{Expr, Scalar};
use crate::logical_plan::{LogicalPlan, WindowFunc};
use crate::stored::{FunctionDef, StoredFunctions};
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::ast::{self, LetValue, Source, Statement};
use std::collections::HashMap;
use std::sync::Arc;

/// What the planner produced: the plan and notices for the user (such as an
/// ignored `render`).
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The logical plan of the query's result.
    pub plan: LogicalPlan,
    /// Informational messages; not errors.
    pub notices: Vec<String>,
}

/// Names bound by `let`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Lets {
    scalars: HashMap<String, Expr>,
    tables: HashMap<String, LogicalPlan>,
    /// User functions: `let f = (x:long) { x * 2 };`, and the stored functions (shared,
    /// never copied per use).
    functions: HashMap<String, Arc<FunctionDef>>,
    /// The stored functions: the database scope a stored function's body is planned in.
    stored: Arc<HashMap<String, Arc<FunctionDef>>>,
    /// The functions defined with `view` (`union withsource` reports their names).
    views: std::collections::HashSet<String>,
    /// Graphs: `let g = E | make-graph a --> b;`, kept as the pipeline that builds them
    /// and planned with the graph operator of each use (a graph is not a table), with
    /// the `let`s of their definition (so a later `let` cannot change what they read).
    graphs: HashMap<String, (ast::Pipeline, Lets)>,
    /// The request properties `bin_auto` reads, as `set` gave them:
    /// `query_bin_auto_size` and `query_bin_auto_at`.
    bin_auto: HashMap<String, ast::Expr>,
}

impl Lets {
    /// The value `set name = value` gave a property `bin_auto` reads.
    pub(crate) fn bin_auto_option(&self, name: &str) -> Option<&ast::Expr> {
        self.bin_auto.get(name)
    }
    pub(crate) fn scalar(&self, name: &str) -> Option<&Expr> {
        self.scalars.get(name)
    }
    pub(crate) fn tabular(&self, name: &str) -> Option<&LogicalPlan> {
        self.tables.get(name)
    }
    /// Whether `name` is a `view`.
    pub(crate) fn is_view(&self, name: &str) -> bool {
        self.views.contains(name)
    }
    pub(crate) fn function(
        &self,
        name: &str,
    ) -> Option<&(Vec<ast::FunctionParam>, Vec<Statement>)> {
        self.functions.get(name).map(|f| &**f)
    }
    /// The definition of function `name`, shared.
    pub(crate) fn function_def(&self, name: &str) -> Option<Arc<FunctionDef>> {
        self.functions.get(name).cloned()
    }
    /// True when `name` is a stored function no `let` has shadowed.
    pub(crate) fn is_stored(&self, name: &str) -> bool {
        match (self.functions.get(name), self.stored.get(name)) {
            (Some(f), Some(s)) => Arc::ptr_eq(f, s),
            _ => false,
        }
    }
    /// The database scope: the stored functions and nothing the query bound.
    pub(crate) fn database(&self) -> Lets {
        Lets {
            functions: (*self.stored).clone(),
            stored: self.stored.clone(),
            ..Lets::default()
        }
    }
    /// The scope of a query over `stored`: only the stored functions.
    fn over(stored: &StoredFunctions) -> Lets {
        let map: HashMap<String, Arc<FunctionDef>> = stored
            .iter()
            .map(|f| (f.name.clone(), f.def.clone()))
            .collect();
        Lets {
            functions: map.clone(),
            stored: Arc::new(map),
            ..Lets::default()
        }
    }
    /// These lets plus scalar bindings (a function's parameters).
    pub(crate) fn with_scalars(&self, extra: Vec<(String, Expr)>) -> Lets {
        let mut l = self.clone();
        for (n, e) in extra {
            l.tables.remove(&n);
            l.scalars.insert(n, e);
        }
        l
    }
}

/// What an expression can see: the input columns, `let` names and the query's `now()`.
pub(crate) struct Scope<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) table: Option<&'a str>,
    pub(crate) lets: &'a Lets,
    pub(crate) now_ns: i64,
    /// Where subqueries (`toscalar(T | …)`) are planned and run.
    pub(crate) catalog: &'a dyn Catalog,
    /// Where window functions (`row_number()`, `prev()`, …) found while binding are
    /// collected; `None` when the rows are not serialized, which makes them an error.
    pub(crate) windows: Option<&'a std::cell::RefCell<Vec<(String, WindowFunc)>>>,
}

pub(crate) struct Planner<'a> {
    pub(crate) catalog: &'a dyn Catalog,
    now_ns: i64,
    pub(crate) lets: Lets,
    notices: Vec<String>,
    /// The name `as` gave the input of the operator being planned (`union withsource`
    /// reports it).
    input_name: Option<String>,
    /// The tabular functions being expanded, innermost last (recursion is refused).
    calls: Vec<String>,
}

/// Plans a parsed query against `catalog`. `now_ns` is the value of `now()` (ns since the Unix
/// epoch), fixed for the whole query as in Kusto.
pub fn plan(query: &ast::Query, catalog: &dyn Catalog, now_ns: i64) -> Result<Planned, PlanError> {
    plan_with(query, catalog, now_ns, &StoredFunctions::default())
}

/// [`plan`] with stored functions in scope (a query's `let` of the same name shadows one).
pub fn plan_with(
    query: &ast::Query,
    catalog: &dyn Catalog,
    now_ns: i64,
    stored: &StoredFunctions,
) -> Result<Planned, PlanError> {
    let mut p = Planner {
        catalog,
        now_ns,
        lets: Lets::over(stored),
        notices: vec![],
        input_name: None,
        calls: vec![],
    };
    let mut result = None;
    for st in &query.statements {
        match st {
            Statement::Let { name, value, .. } => p.bind_let(name, value)?,
            // The request properties of bin-auto-function; other properties change what
            // Kusto returns in ways hunt does not follow, so they stay refused.
            Statement::Set {
                name,
                value: Some(v),
                ..
            } if matches!(
                name.name.as_str(),
                "query_bin_auto_size" | "query_bin_auto_at"
            ) =>
            {
                p.lets.bin_auto.insert(name.name.clone(), v.clone());
            }
            Statement::Set { name, .. } => {
                return Err(PlanError::unsupported(
                    name.span,
                    format!("the request property `{}`", name.name),
                ));
            }
            Statement::Tabular(pipe) => {
                if result.is_some() {
                    return Err(PlanError::unsupported(
                        pipe.span,
                        "a query with several result tables",
                    ));
                }
                let plan = p.plan_pipeline(pipe)?;
                limits::check_plan(&plan, pipe.span)?;
                result = Some(plan);
            }
            _ => return Err(PlanError::unsupported(query.span, "this kind of statement")),
        }
    }
    let plan = result.ok_or_else(|| {
        PlanError::invalid(query.span, "the query has no tabular expression to run")
            .with_help("end the query with a table expression, e.g. `T | take 10`")
    })?;
    Ok(Planned {
        plan,
        notices: p.notices,
    })
}

impl Planner<'_> {
    fn scope<'s>(&'s self, schema: &'s Schema, table: Option<&'s str>) -> Scope<'s> {
        Scope {
            schema,
            table,
            lets: &self.lets,
            now_ns: self.now_ns,
            catalog: self.catalog,
            windows: None,
        }
    }

    fn bind_let(&mut self, name: &ast::Ident, value: &LetValue) -> Result<(), PlanError> {
        self.lets.graphs.remove(&name.name);
        match value {
            LetValue::Pipeline(p) if graph::builds_graph(p) => {
                self.lets.scalars.remove(&name.name);
                self.lets.tables.remove(&name.name);
                let at_definition = self.lets.clone();
                self.lets
                    .graphs
                    .insert(name.name.clone(), (p.clone(), at_definition));
            }
            LetValue::Pipeline(p) => {
                let plan = self.plan_pipeline(p)?;
                limits::check_plan(&plan, p.span)?;
                self.lets.scalars.remove(&name.name);
                self.lets.tables.insert(name.name.clone(), plan);
            }
            LetValue::Expr(e) => {
                // A bare name may be a table: `let t = DataSecurityEvents;`, as may
                // `materialize(…)` and `table("T")`.
                if let Some(plan) = self.tabular_expr(e)? {
                    self.lets.scalars.remove(&name.name);
                    self.lets.tables.insert(name.name.clone(), plan);
                    return Ok(());
                }
                let empty = Schema::default();
                let bound = exprs::bind_expr(e, &self.scope(&empty, None))?;
                let bound = self.let_value(&name.name, bound)?;
                self.lets.tables.remove(&name.name);
                self.lets.scalars.insert(name.name.clone(), bound);
            }
            // A view is a function too; hunt has no `union *` or `search` over all tables
            // where being a view would matter.
            LetValue::Function {
                params, body, view, ..
            } => {
                self.lets.scalars.remove(&name.name);
                self.lets.tables.remove(&name.name);
                if *view {
                    self.lets.views.insert(name.name.clone());
                } else {
                    self.lets.views.remove(&name.name);
                }
                self.lets
                    .functions
                    .insert(name.name.clone(), Arc::new((params.clone(), body.clone())));
            }
            _ => return Err(PlanError::unsupported(name.span, "this kind of `let`")),
        }
        Ok(())
    }

    fn table_source(&mut self, id: &ast::Ident) -> Result<LogicalPlan, PlanError> {
        if let Some(p) = self.lets.tabular(&id.name) {
            return Ok(p.clone());
        }
        if self.is_tabular_function(&id.name) {
            return self.call_tabular_function(id, &[], None, id.span);
        }
        if let Some(schema) = self
            .catalog
            .table(&id.name)
            .map_err(|e| PlanError::unreadable(id.span, &id.name, e))?
        {
            return Ok(LogicalPlan::Scan {
                table: id.name.clone(),
                table_schema: schema,
                projection: None,
                filters: vec![],
            });
        }
        let names = self.catalog.table_names();
        let mut err = PlanError::new(
            PlanErrorKind::UnknownTable,
            id.span,
            format!("unknown table `{}`", id.name),
        )
        .with_label("no such table");
        let lets: Vec<&str> = self.lets.tables.keys().map(String::as_str).collect();
        if let Some(c) = closest(&id.name, names.iter().map(String::as_str).chain(lets)) {
            err = err.with_help(format!("did you mean `{c}`?"));
        } else if !names.is_empty() {
            err = err.with_help(format!("known tables: {}", names.join(", ")));
        }
        Err(err)
    }

    pub(crate) fn plan_pipeline(&mut self, pipe: &ast::Pipeline) -> Result<LogicalPlan, PlanError> {
        // A `let`-bound graph: its building pipeline, then this pipeline's operators.
        // The whole pipeline is planned with the graph's `let`s: a name its uses read
        // that was bound later is unknown there, never a different value.
        if let Source::Table(id) = &pipe.source
            && let Some((g, lets)) = self.lets.graphs.get(&id.name).cloned()
        {
            let mut whole = g;
            whole.ops.extend(pipe.ops.iter().cloned());
            whole.span = pipe.span;
            let saved = std::mem::replace(&mut self.lets, lets);
            let planned = self.plan_pipeline(&whole);
            self.lets = saved;
            return planned;
        }
        if pipe.ops.len() > limits::MAX_OPERATORS {
            return Err(PlanError::limit(
                pipe.span,
                format!(
                    "the pipeline has {} operators; hunt plans at most {} in one query",
                    pipe.ops.len(),
                    limits::MAX_OPERATORS
                ),
            )
            .with_help("split the query, or combine consecutive `extend`s into one"));
        }
        let (mut plan, mut table) = self.plan_source(&pipe.source, pipe.span)?;
        let mut named: Option<String> = None;
        let mut ops = pipe.ops.iter().enumerate();
        while let Some((k, op)) = ops.next() {
            self.input_name = named.take();
            // `make-graph` and the graph operators after it are planned together.
            if let ast::OperatorKind::MakeGraph(m) = &op.kind {
                let rest = pipe.ops.get(k + 1..).unwrap_or_default();
                let (p, used) = self.plan_graph(plan, m, op.span, rest)?;
                plan = p;
                if used > 0 {
                    ops.nth(used - 1);
                }
            } else {
                plan = self.plan_operator(plan, op, table.as_deref())?;
            }
            table = None;
            if let ast::OperatorKind::As(id) = &op.kind {
                named = Some(id.name.clone());
            }
        }
        self.input_name = None;
        Ok(plan)
    }

    fn plan_source(
        &mut self,
        src: &Source,
        span: hunt_syntax::Span,
    ) -> Result<(LogicalPlan, Option<String>), PlanError> {
        match src {
            Source::Table(id) => Ok((self.table_source(id)?, Some(id.name.clone()))),
            Source::Nested(p) => Ok((self.plan_pipeline(p)?, None)),
            Source::Datatable {
                columns,
                values,
                span,
            } => {
                let mut fields = Vec::new();
                for (name, ty) in columns {
                    let t = KqlType::from_name(&ty.name).ok_or_else(|| {
                        PlanError::invalid(ty.span, format!("unknown type `{}`", ty.name))
                    })?;
                    if fields.iter().any(|f: &Field| f.name == name.name) {
                        return Err(PlanError::invalid(
                            name.span,
                            format!("duplicate column `{}`", name.name),
                        ));
                    }
                    fields.push(Field::new(&name.name, t));
                }
                if fields.is_empty() || values.len() % fields.len() != 0 {
                    return Err(PlanError::invalid(
                        *span,
                        format!(
                            "datatable has {} values for {} columns",
                            values.len(),
                            fields.len()
                        ),
                    ));
                }
                let empty = Schema::default();
                let mut rows = Vec::new();
                for chunk in values.chunks(fields.len()) {
                    let mut row = Vec::new();
                    for (v, f) in chunk.iter().zip(&fields) {
                        let e = exprs::bind_expr(v, &self.scope(&empty, None))?;
                        row.push(const_value(&e, f.ty)?);
                    }
                    rows.push(row);
                }
                Ok((
                    LogicalPlan::Values {
                        schema: Schema::new(fields),
                        rows,
                    },
                    None,
                ))
            }
            Source::Print { exprs, .. } => {
                operators::check_declared_once(exprs)?;
                let one_row = LogicalPlan::Values {
                    schema: Schema::default(),
                    rows: vec![vec![]],
                };
                let empty = Schema::default();
                let mut out = Vec::new();
                for (i, ne) in exprs.iter().enumerate() {
                    let sc = self.scope(&empty, None);
                    if let Some(cols) = operators::sort_tuple_columns(ne, &sc)? {
                        out.extend(cols.into_iter().map(|(n, e, _)| (n, e)));
                        continue;
                    }
                    let e = exprs::bind_expr(&ne.expr, &sc)?;
                    let name = match ne.names.as_slice() {
                        [] => format!("print_{i}"),
                        [n] => n.name.clone(),
                        [_, extra, ..] => {
                            return Err(PlanError::unsupported(
                                extra.span,
                                "several names in `print`",
                            ));
                        }
                    };
                    out.push((name, e));
                }
                Ok((
                    LogicalPlan::Projection {
                        input: Box::new(one_row),
                        exprs: out,
                    },
                    None,
                ))
            }
            Source::Range {
                name,
                from,
                to,
                step,
                span,
            } => {
                let empty = Schema::default();
                let sc = self.scope(&empty, None);
                // Bounds are constants computed once (`ago(7d)`, a `let` of `toscalar`).
                let (f, t, s) = (
                    subquery::fold(&sc, exprs::bind_expr(from, &sc)?)?,
                    subquery::fold(&sc, exprs::bind_expr(to, &sc)?)?,
                    subquery::fold(&sc, exprs::bind_expr(step, &sc)?)?,
                );
                let ty = f.ty.max(t.ty);
                let ty = if ty == KqlType::Int {
                    KqlType::Long
                } else {
                    ty
                };
                let schema = Schema::new(vec![Field::new(&name.name, ty)]);
                Ok((range_plan(schema, &f, &t, &s, *span)?, None))
            }
            Source::Union {
                params,
                tables,
                span,
            } => Ok((self.plan_union(None, params, tables, *span)?, None)),
            Source::Operator(op) => Ok((self.plan_operator_source(op)?, None)),
            Source::ExternalData {
                columns,
                uris,
                with,
                span,
            } => Ok((self.plan_externaldata(columns, uris, with, *span)?, None)),
            Source::Expr(e) => match self.tabular_expr(e)? {
                Some(plan) => Ok((plan, None)),
                None => Err(PlanError::unsupported(span, "this tabular source")),
            },
            _ => Err(PlanError::unsupported(span, "this tabular source")),
        }
    }
}

/// The most rows `range` may produce; larger ranges are refused.
const MAX_RANGE_ROWS: i64 = 10_000_000;

/// `range` as a lazy plan node: the bounds and the step are evaluated once here, the
/// rows are made batch by batch when the query runs.
fn range_plan(
    schema: Schema,
    from: &Expr,
    to: &Expr,
    step: &Expr,
    span: hunt_syntax::Span,
) -> Result<LogicalPlan, PlanError> {
    let lit = |e: &Expr| match &e.kind {
        crate::expr::ExprKind::Literal(s) => Some(s.clone()),
        _ => None,
    };
    let (Some(f), Some(t), Some(s)) = (lit(from), lit(to), lit(step)) else {
        return Err(PlanError::unsupported(
            span,
            "`range` with non-constant bounds",
        ));
    };
    let as_i64 = |s: &Scalar| match s {
        Scalar::Int(v) => Some(*v as i64),
        Scalar::Long(v) | Scalar::DateTime(v) | Scalar::TimeSpan(v) => Some(*v),
        _ => None,
    };
    let (Some(a), Some(b), Some(st)) = (as_i64(&f), as_i64(&t), as_i64(&s)) else {
        return Err(PlanError::unsupported(span, "`range` over these types"));
    };
    let empty = |schema| LogicalPlan::Range {
        schema,
        start: a,
        step: 1,
        count: 0,
    };
    if st == 0 || (b > a && st < 0) {
        return Ok(empty(schema));
    }
    let n = if st > 0 {
        (b.saturating_sub(a)) / st + 1
    } else {
        (a.saturating_sub(b)) / (-st) + 1
    };
    if n > MAX_RANGE_ROWS {
        return Err(PlanError::limit(
            span,
            format!("`range` of {n} rows: hunt's limit is {MAX_RANGE_ROWS} rows"),
        )
        .with_help("make the step larger or the span shorter"));
    }
    if n <= 0 {
        return Ok(empty(schema));
    }
    Ok(LogicalPlan::Range {
        schema,
        start: a,
        step: st,
        count: n as usize,
    })
}

/// Folds a constant expression (a literal, possibly negated) into a value of type `ty`.
fn const_value(e: &Expr, ty: KqlType) -> Result<Scalar, PlanError> {
    let bad = || {
        PlanError::ty(e.span, format!("expected a constant {ty} value"))
            .with_label(format!("not a {ty}"))
    };
    let crate::expr::ExprKind::Literal(s) = &e.kind else {
        return Err(bad());
    };
    Ok(match (s, ty) {
        (s, t) if s.ty() == t => s.clone(),
        (Scalar::Null(_), t) => Scalar::Null(t),
        (Scalar::Long(v), KqlType::Int) => Scalar::Int(
            i32::try_from(*v)
                .map_err(|_| PlanError::invalid(e.span, format!("{v} does not fit in an int")))?,
        ),
        (Scalar::Long(v), KqlType::Real) => Scalar::Real(*v as f64),
        (Scalar::Int(v), KqlType::Long) => Scalar::Long(*v as i64),
        (Scalar::Int(v), KqlType::Real) => Scalar::Real(*v as f64),
        (Scalar::String(s), KqlType::Guid) => literals::parse_guid_text(s)
            .map(Scalar::Guid)
            .ok_or_else(|| PlanError::ty(e.span, format!("`{s}` is not a guid")))?,
        (Scalar::String(s), KqlType::Dynamic) => {
            Scalar::Dynamic(serde_json::Value::String(s.to_string()))
        }
        (Scalar::Long(v), KqlType::Dynamic) => Scalar::Dynamic(serde_json::Value::from(*v)),
        (Scalar::Bool(v), KqlType::Dynamic) => Scalar::Dynamic(serde_json::Value::from(*v)),
        _ => return Err(bad()),
    })
}
