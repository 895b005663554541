//! Planning each tabular operator onto the plan built so far.

use super::exprs::bind_expr;
use super::functions::bind_aggregate;
use super::{Planner, Scope};
use crate::error::{PlanError, PlanErrorKind, closest};
use crate::expr::{AggExpr, AggFunc, Expr, ExprKind, Func, Scalar};
use crate::logical_plan::{LogicalPlan, SortKey};
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast::{self, NamedExpr, NullsOrder, OperatorKind, SortOrder};

impl Planner<'_> {
    pub(crate) fn plan_operator(
        &mut self,
        input: LogicalPlan,
        op: &ast::Operator,
        table: Option<&str>,
    ) -> Result<LogicalPlan, PlanError> {
        // Operators that name, call or split their input plan subqueries themselves.
        if matches!(
            op.kind,
            OperatorKind::As(_) | OperatorKind::Invoke(_) | OperatorKind::Partition { .. }
        ) {
            return self.plan_staged(input, op);
        }
        // `where x in (T)` with a tabular `T` is a semi join (`!in`: an anti join).
        if let OperatorKind::Where(pred) = &op.kind {
            let mut conj = Vec::new();
            split_and(pred, &mut conj);
            let schema = input.schema();
            if conj.iter().any(|c| self.tabular_in(c, &schema).is_some()) {
                let mut plan = input;
                let mut rest: Vec<ast::Expr> = Vec::new();
                for c in conj {
                    match self.tabular_in(c, &schema) {
                        Some((lhs, negated, item)) => {
                            let right = match &item.kind {
                                ast::ExprKind::Subquery(p) => self.plan_pipeline(p)?,
                                ast::ExprKind::Ident(id) => {
                                    self.lets.tabular(&id.name).cloned().ok_or_else(|| {
                                        PlanError::invalid(
                                            id.span,
                                            format!("`{}` is not a table", id.name),
                                        )
                                    })?
                                }
                                _ => {
                                    return Err(PlanError::unsupported(
                                        item.span,
                                        "this `in` list",
                                    ));
                                }
                            };
                            plan = semi_join(plan, lhs, negated, right, c.span)?;
                        }
                        None => rest.push(c.clone()),
                    }
                }
                let Some(first) = rest.pop() else {
                    return Ok(plan);
                };
                let combined = rest.into_iter().rev().fold(first, |acc, e| ast::Expr {
                    span: e.span.to(acc.span),
                    kind: ast::ExprKind::Binary {
                        op: ast::BinOp::And,
                        lhs: Box::new(e),
                        rhs: Box::new(acc),
                    },
                });
                let op2 = ast::Operator {
                    kind: OperatorKind::Where(combined),
                    span: op.span,
                };
                return self.plan_operator(plan, &op2, table);
            }
        }
        // Window functions are allowed over serialized rows; `serialize` itself serializes.
        let serialize = matches!(op.kind, OperatorKind::Serialize(_));
        let cell = std::cell::RefCell::new(Vec::new());
        let windows = (serialize || super::window::is_serialized(&input)).then_some(&cell);
        let plan = self.plan_operator_inner(input, op, table, windows)?;
        let ws = cell.into_inner();
        if ws.is_empty() && !serialize {
            return Ok(plan);
        }
        // The window columns are computed below the node that reads them.
        Ok(match plan {
            LogicalPlan::Projection { input, exprs } => LogicalPlan::Projection {
                input: Box::new(LogicalPlan::Window { input, exprs: ws }),
                exprs,
            },
            LogicalPlan::Filter { input, predicate } => LogicalPlan::Filter {
                input: Box::new(LogicalPlan::Window { input, exprs: ws }),
                predicate,
            },
            _ => {
                return Err(PlanError::unsupported(
                    op.span,
                    "window functions in this operator",
                ));
            }
        })
    }

    fn plan_operator_inner(
        &mut self,
        input: LogicalPlan,
        op: &ast::Operator,
        table: Option<&str>,
        windows: Option<&std::cell::RefCell<Vec<(String, crate::logical_plan::WindowFunc)>>>,
    ) -> Result<LogicalPlan, PlanError> {
        let schema = input.schema();
        let mut sc = self.scope(&schema, table);
        sc.windows = windows;
        let span = op.span;
        Ok(match &op.kind {
            OperatorKind::Where(pred) => {
                let p = bind_expr(pred, &sc)?;
                if p.ty != KqlType::Bool {
                    return Err(PlanError::ty(
                        pred.span,
                        format!("`where` needs a bool predicate, got {}", p.ty),
                    )
                    .with_label(format!("this is a {}", p.ty)));
                }
                super::join::filter_join(input, p)
            }
            OperatorKind::Project(items) => {
                let exprs = named_exprs(items, &sc, &[])?;
                check_unique(&exprs, items)?;
                LogicalPlan::Projection {
                    input: Box::new(input),
                    exprs: exprs.into_iter().map(|(n, e, _)| (n, e)).collect(),
                }
            }
            OperatorKind::Extend(items) => extend(input, &schema, items, &sc, span)?,
            OperatorKind::ProjectAway(cols) => {
                let drop = match_columns(cols, &schema)?;
                let exprs = schema
                    .fields
                    .iter()
                    .filter(|f| !drop.contains(&f.name))
                    .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
                    .collect();
                LogicalPlan::Projection {
                    input: Box::new(input),
                    exprs,
                }
            }
            OperatorKind::ProjectByNames(specs) => {
                super::by_names::project_by_names(input, &schema, &sc, specs, span)?
            }
            OperatorKind::ProjectKeep(cols) => {
                let keep = match_columns(cols, &schema)?;
                let exprs = schema
                    .fields
                    .iter()
                    .filter(|f| keep.contains(&f.name))
                    .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
                    .collect();
                LogicalPlan::Projection {
                    input: Box::new(input),
                    exprs,
                }
            }
            OperatorKind::ProjectReorderOrdered(items) => {
                let names = super::reorder::reordered(items, &schema, span)?;
                let exprs = names
                    .iter()
                    .filter_map(|n| schema.fields.iter().find(|f| &f.name == n))
                    .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
                    .collect();
                LogicalPlan::Projection {
                    input: Box::new(input),
                    exprs,
                }
            }
            OperatorKind::ProjectReorder(cols) => {
                let first = match_columns(cols, &schema)?;
                let mut exprs: Vec<(String, Expr)> = Vec::new();
                for name in first.iter().chain(schema.fields.iter().map(|f| &f.name)) {
                    if exprs.iter().any(|(n, _)| n == name) {
                        continue;
                    }
                    if let Some(f) = schema.fields.iter().find(|f| &f.name == name) {
                        exprs.push((f.name.clone(), Expr::column(&f.name, f.ty, span)));
                    }
                }
                LogicalPlan::Projection {
                    input: Box::new(input),
                    exprs,
                }
            }
            OperatorKind::ProjectRename(pairs) => {
                let mut exprs: Vec<(String, Expr)> = schema
                    .fields
                    .iter()
                    .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
                    .collect();
                for (new, old) in pairs {
                    let e = bind_expr(&ident_expr(old), &sc)?;
                    let slot = exprs
                        .iter_mut()
                        .find(|(n, _)| *n == old.name)
                        .ok_or_else(|| {
                            PlanError::new(
                                PlanErrorKind::UnknownColumn,
                                old.span,
                                format!("unknown column `{}`", old.name),
                            )
                        })?;
                    *slot = (new.name.clone(), e);
                }
                LogicalPlan::Projection {
                    input: Box::new(input),
                    exprs,
                }
            }
            OperatorKind::Summarize { aggs, by } => self.plan_summarize(input, &sc, aggs, by)?,
            OperatorKind::Count => LogicalPlan::Aggregate {
                input: Box::new(input),
                group_by: vec![],
                aggs: vec![(
                    "Count".into(),
                    AggExpr {
                        func: AggFunc::Count,
                        args: vec![],
                        ty: KqlType::Long,
                        filter: None,
                    },
                )],
            },
            OperatorKind::Distinct { exprs, star } => {
                let group_by = if *star {
                    schema
                        .fields
                        .iter()
                        .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
                        .collect()
                } else {
                    let items: Vec<NamedExpr> = exprs
                        .iter()
                        .map(|e| NamedExpr {
                            names: vec![],
                            expr: e.clone(),
                        })
                        .collect();
                    let named = named_exprs(&items, &sc, &[])?;
                    check_unique(&named, &items)?;
                    named.into_iter().map(|(n, e, _)| (n, e)).collect()
                };
                LogicalPlan::Aggregate {
                    input: Box::new(input),
                    group_by,
                    aggs: vec![],
                }
            }
            // `sample N`: "up to N random rows"; the first N are a valid such sample.
            OperatorKind::Take { count, .. } | OperatorKind::Sample(count) => {
                let n = const_count(count, &sc)?;
                LogicalPlan::Limit {
                    input: Box::new(input),
                    fetch: n,
                }
            }
            OperatorKind::Sort { keys, .. } => {
                let keys = sort_keys(keys, &sc)?;
                LogicalPlan::Sort {
                    input: Box::new(input),
                    keys,
                    fetch: None,
                }
            }
            OperatorKind::Top { count, keys } => {
                let n = const_count(count, &sc)?;
                let keys = sort_keys(keys, &sc)?;
                LogicalPlan::Sort {
                    input: Box::new(input),
                    keys,
                    fetch: Some(n),
                }
            }
            OperatorKind::GetSchema => getschema(&schema),
            OperatorKind::Render { chart, .. } => {
                self.notices.push(format!(
                    "`render {}` ignored: hunt prints tables, it does not draw charts",
                    chart.name
                ));
                input
            }
            OperatorKind::Join { params, right, on } => {
                let right_plan = self.plan_pipeline(right)?;
                super::join::plan_join(input, right_plan, params, on, span)?
            }
            OperatorKind::Lookup { params, right, on } => {
                let right_plan = self.plan_pipeline(right)?;
                super::union::plan_lookup(input, right_plan, params, on, span)?
            }
            OperatorKind::Union { params, tables } => {
                self.plan_union(Some(input), params, tables, span)?
            }
            OperatorKind::MvExpand {
                params,
                items,
                limit,
            } => super::mvexpand::plan_mv_expand(input, &sc, params, items, limit.as_ref())?,
            OperatorKind::MvApply {
                params,
                items,
                limit,
                body,
            } => self.plan_mv_apply(input, table, params, items, limit.as_ref(), body, span)?,
            OperatorKind::Evaluate {
                params,
                plugin,
                args,
                schema,
            } => self.plan_evaluate(input, params, plugin, args, schema.as_deref(), span)?,
            OperatorKind::Parse {
                params,
                expr,
                pattern,
            } => super::parse::plan_parse(input, &sc, params, expr, pattern, false)?,
            OperatorKind::ParseWhere {
                params,
                expr,
                pattern,
            } => super::parse::plan_parse(input, &sc, params, expr, pattern, true)?,
            OperatorKind::Search {
                params,
                tables,
                predicate,
            } => super::search::plan_search(input, &sc, params, tables, predicate, None, span)?,
            OperatorKind::ParseKv {
                expr,
                columns,
                with,
            } => parse_kv(input, &schema, &sc, expr, columns, with, span)?,
            OperatorKind::TopNested(levels) => top_nested(input, &sc, levels)?,
            OperatorKind::TopHitters { count, of, by } => {
                let n = const_count(count, &sc)?;
                super::top_hitters::plan_top_hitters(input, &sc, n, of, by.as_ref(), span)?
            }
            OperatorKind::MakeSeries(ms) => {
                let plan = super::series::plan_make_series(input, &sc, ms, span)?;
                if super::series::nonempty(ms)? {
                    // kind=nonempty: the default row when the series has no row (the input
                    // is read at plan time to know).
                    let mut any = false;
                    self.probe(&plan, "`make-series kind=nonempty`", span, &mut |_| {
                        any = true
                    })?;
                    match super::series::default_row(&plan) {
                        Some(row) if !any => row,
                        _ => plan,
                    }
                } else {
                    plan
                }
            }
            OperatorKind::Scan {
                params,
                declare,
                steps,
            } => super::scan::plan_scan(input, &sc, params, declare, steps, span)?,
            // `serialize Name = expr` extends like `extend`.
            OperatorKind::Serialize(items) => extend(input, &schema, items, &sc, span)?,
            OperatorKind::GraphMatch(_)
            | OperatorKind::GraphToTable(_)
            | OperatorKind::GraphMarkComponents(_) => {
                return Err(PlanError::invalid(
                    span,
                    format!(
                        "`{}` reads a graph: put `make-graph` before it",
                        op.kind.keyword()
                    ),
                ));
            }
            other => {
                return Err(PlanError::unsupported(
                    span,
                    format!("the `{}` operator", other.keyword()),
                ));
            }
        })
    }

    fn plan_summarize(
        &self,
        input: LogicalPlan,
        sc: &Scope<'_>,
        aggs: &[NamedExpr],
        by: &[NamedExpr],
    ) -> Result<LogicalPlan, PlanError> {
        check_declared_once(by.iter().chain(aggs))?;
        let keys = named_exprs(by, sc, &[])?;
        let mut group_by: Vec<(String, Expr)> = Vec::new();
        for (name, e, _) in keys {
            let name = unique_name(name, group_by.iter().map(|(n, _)| n.as_str()));
            group_by.push((name, e));
        }
        let mut out_aggs: Vec<(String, AggExpr)> = Vec::new();
        let keys: Vec<String> = group_by.iter().map(|(n, _)| n.clone()).collect();
        // Expressions over aggregates (`max(d) - min(d)`): their aggregates are computed
        // as hidden columns, the expressions after the grouping.
        let mut computed: Vec<(usize, String, ast::Expr)> = Vec::new();
        let mut hidden: Vec<ast::Expr> = Vec::new();
        for item in aggs {
            if !super::summarize_exprs::is_aggregate_call(&item.expr) {
                let before = hidden.len();
                let lifted = super::summarize_exprs::lift(&item.expr, &mut hidden);
                if hidden.len() > before {
                    let Some(n) = item.names.first() else {
                        return Err(PlanError::unsupported(
                            item.expr.span,
                            "an unnamed expression over aggregates in `summarize`",
                        ));
                    };
                    computed.push((out_aggs.len() + computed.len(), n.name.clone(), lifted));
                    continue;
                }
            }
            let outputs = bind_aggregate(&item.expr, sc, &keys)?;
            for (i, (agg, default)) in outputs.into_iter().enumerate() {
                let taken = || {
                    group_by
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .chain(out_aggs.iter().map(|(n, _)| n.as_str()))
                };
                let name = match (item.names.get(i), item.names.len()) {
                    (Some(n), _) => {
                        if taken().any(|t| t == n.name) {
                            return Err(PlanError::invalid(
                                n.span,
                                format!("duplicate column name `{}`", n.name),
                            ));
                        }
                        n.name.clone()
                    }
                    (None, _) if default.is_empty() => {
                        return Err(PlanError::unsupported(
                            item.expr.span,
                            "this aggregate without a column name (write `Name = …`)",
                        ));
                    }
                    (None, _) => unique_name(default, taken()),
                };
                out_aggs.push((name, agg));
            }
        }
        if computed.is_empty() {
            return Ok(LogicalPlan::Aggregate {
                input: Box::new(input),
                group_by,
                aggs: out_aggs,
            });
        }
        // The visible columns in order: keys, then each item (plain or computed).
        let visible: Vec<String> = out_aggs.iter().map(|(n, _)| n.clone()).collect();
        for (k, call) in hidden.iter().enumerate() {
            let mut outputs = bind_aggregate(call, sc, &keys)?;
            if outputs.len() != 1 {
                return Err(PlanError::unsupported(
                    call.span,
                    "an aggregate giving several columns inside an expression",
                ));
            }
            let (agg, _) = outputs.remove(0);
            out_aggs.push((format!("{}{k}", super::summarize_exprs::HIDDEN), agg));
        }
        let agg_plan = LogicalPlan::Aggregate {
            input: Box::new(input),
            group_by: group_by.clone(),
            aggs: out_aggs,
        };
        let schema = agg_plan.schema();
        let out_sc = Scope {
            schema: &schema,
            table: None,
            lets: sc.lets,
            now_ns: sc.now_ns,
            catalog: sc.catalog,
            windows: None,
        };
        let span = computed.first().map(|c| c.2.span).unwrap_or_default();
        let col = |n: &str| -> Result<Expr, PlanError> {
            let f = schema
                .fields
                .iter()
                .find(|f| f.name == n)
                .ok_or_else(|| PlanError::invalid(span, format!("bug: lost column `{n}`")))?;
            Ok(Expr::column(&f.name, f.ty, span))
        };
        let mut exprs: Vec<(String, Expr)> = Vec::new();
        for (n, _) in &group_by {
            exprs.push((n.clone(), col(n)?));
        }
        let mut plain = visible.iter();
        let total = visible.len() + computed.len();
        let mut computed = computed.into_iter().peekable();
        for pos in 0..total {
            if computed.peek().is_some_and(|c| c.0 == pos) {
                if let Some((_, name, e)) = computed.next() {
                    if exprs.iter().any(|(n, _)| *n == name) {
                        return Err(PlanError::invalid(
                            e.span,
                            format!("duplicate column name `{name}`"),
                        ));
                    }
                    exprs.push((name, super::exprs::bind_expr(&e, &out_sc)?));
                }
            } else if let Some(n) = plain.next() {
                exprs.push((n.clone(), col(n)?));
            }
        }
        Ok(LogicalPlan::Projection {
            input: Box::new(agg_plan),
            exprs,
        })
    }
}

/// `Column` trailing-number naming: `x`, then `x1`, `x2`… when taken.
fn unique_name<'a>(base: String, taken: impl Iterator<Item = &'a str> + Clone) -> String {
    if !taken.clone().any(|t| t == base) {
        return base;
    }
    (1..)
        .map(|i| format!("{base}{i}"))
        .find(|cand| !taken.clone().any(|t| t == cand))
        .unwrap_or(base)
}

/// True for a word Kusto refuses as a bare column name in `extend`/`project`/`parse`: its
/// grammar's keywords that are not names ([`hunt_syntax::keywords`]: the oracle rejects
/// `extend first = …`, `extend missing = d.nonexistent`), and `select`, `from`, `where`,
/// `order`, which the oracle rejects in one query (which of them Kusto refuses is not
/// known, so hunt refuses all). A bracketed name (`["first"]`) is any
/// string and may be one of these (Ident::is_bracketed).
pub(crate) fn reserved_name(word: &str) -> bool {
    hunt_syntax::keywords::is_not_a_name(word)
        || matches!(word, "select" | "from" | "where" | "order")
}

/// Binds `name = expr` items, naming unnamed ones as Kusto does
/// ([`result_name`](super::result_names::result_name)), and anything without an inferred
/// name `Column1`, `Column2`, … (skipping names in `taken`).
fn named_exprs(
    items: &[NamedExpr],
    sc: &Scope<'_>,
    taken: &[&str],
) -> Result<Vec<(String, Expr, Span)>, PlanError> {
    let mut out: Vec<(String, Expr, Span)> = Vec::new();
    let mut next_col = 1;
    for item in items {
        if let Some(n) = item
            .names
            .iter()
            .find(|n| !n.is_bracketed() && reserved_name(&n.name))
        {
            return Err(
                PlanError::invalid(n.span, format!("`{}` is a reserved word", n.name))
                    .with_help(format!("quote it as a column name: ['{}']", n.name)),
            );
        }
        if let Some(cols) = multi_column(item, sc)? {
            out.extend(cols);
            continue;
        }
        let e = bind_expr(&item.expr, sc)?;
        let name = match item.names.as_slice() {
            [n] => n.name.clone(),
            [_, extra, ..] => {
                return Err(PlanError::unsupported(
                    extra.span,
                    "several names for one expression",
                ));
            }
            [] => match super::result_names::result_name(&item.expr) {
                // A column reference declares its name (a repeat is a duplicate); a
                // computed column's inferred name is made unique (`x`, `x1`, …), as
                // Kusto's projection builder adds it.
                Some(n) if matches!(item.expr.kind, ast::ExprKind::Ident(_)) => n,
                Some(n) => unique_name(n, out.iter().map(|(m, _, _)| m.as_str())),
                None => loop {
                    let cand = format!("Column{next_col}");
                    next_col += 1;
                    if !taken.contains(&cand.as_str()) && !out.iter().any(|(n, _, _)| *n == cand) {
                        break cand;
                    }
                },
            },
        };
        out.push((name, e, item.expr.span));
    }
    Ok(out)
}

/// `series_stats(x)` / `series_fit_line(x)` alone in an item: one column per statistic
/// of the function's `_dynamic` twin. Unnamed, the columns are `series_stats_x_min`, …
/// (the doc pages' output tables); `(a, b) = …` keeps only as many columns as names, and
/// `fit = series_fit_line(x)` the first (oracle agent-window-series-scan-0016).
fn multi_column(item: &NamedExpr, sc: &Scope<'_>) -> Result<Option<Vec<Named>>, PlanError> {
    use crate::library::series;
    let ast::ExprKind::Call { name, args } = &item.expr.kind else {
        return Ok(None);
    };
    let span = item.expr.span;
    if let Some(cols) = sort_tuple_columns(item, sc)? {
        return Ok(Some(cols));
    }
    let Some(m) = series::multi_column(&name.name) else {
        return Ok(None);
    };
    let twin = ast::Expr {
        kind: ast::ExprKind::Call {
            name: ast::Ident {
                name: m.dynamic.name().to_string(),
                span: name.span,
            },
            args: args.clone(),
        },
        span,
    };
    let bag = bind_expr(&twin, sc)?;
    let names: Vec<String> = if item.names.is_empty() {
        let Some(ast::ExprKind::Ident(arg)) = args.first().map(|a| &a.kind) else {
            return Err(PlanError::unsupported(
                span,
                format!("unnamed `{}` of an expression that is not a column", m.name),
            )
            .with_help(format!("name the columns: `(a, b, …) = {}(…)`", m.name)));
        };
        m.columns
            .iter()
            .map(|(k, _)| format!("{}_{}_{k}", m.name, arg.name))
            .collect()
    } else {
        if item.names.len() > m.columns.len() {
            return Err(PlanError::invalid(
                span,
                format!("`{}` returns {} columns", m.name, m.columns.len()),
            ));
        }
        item.names.iter().map(|n| n.name.clone()).collect()
    };
    Ok(Some(
        names
            .into_iter()
            .zip(m.columns)
            .map(|(n, (key, ty))| (n, series::column_of(&bag, key, *ty, span), span))
            .collect(),
    ))
}

/// `array_sort_asc/desc` of several arrays alone in an item (`project`, `extend`,
/// `print`): one column per array, named `<argument>_sorted` (`array<i>_sorted` for an
/// argument without a name), as `GetArraySortResult` in Kusto's Functions.cs; `(a, b) = …`
/// names them.
pub(crate) fn sort_tuple_columns(
    item: &NamedExpr,
    sc: &Scope<'_>,
) -> Result<Option<Vec<Named>>, PlanError> {
    let ast::ExprKind::Call { name, args } = &item.expr.kind else {
        return Ok(None);
    };
    let span = item.expr.span;
    if let Some((tuple, arrays)) = super::exprs::sort_tuple(&item.expr, sc)? {
        if item.names.len() > arrays {
            return Err(PlanError::invalid(
                span,
                format!("`{}` returns {arrays} columns", name.name),
            ));
        }
        let names: Vec<String> = if item.names.is_empty() {
            (0..arrays)
                .map(
                    |i| match args.get(i).and_then(super::result_names::result_name) {
                        Some(n) if !n.is_empty() => format!("{n}_sorted"),
                        _ => format!("array{i}_sorted"),
                    },
                )
                .collect()
        } else {
            item.names.iter().map(|n| n.name.clone()).collect()
        };
        return Ok(Some(
            names
                .into_iter()
                .enumerate()
                .map(|(i, n)| (n, super::exprs::tuple_item(&tuple, i as i64, span), span))
                .collect(),
        ));
    }
    Ok(None)
}

/// A bound item: its column name, expression and source span.
type Named = (String, Expr, Span);

fn check_unique(exprs: &[(String, Expr, Span)], _items: &[NamedExpr]) -> Result<(), PlanError> {
    for (i, (n, _, span)) in exprs.iter().enumerate() {
        if exprs[..i].iter().any(|(m, _, _)| m == n) {
            return Err(
                PlanError::invalid(*span, format!("duplicate column name `{n}`"))
                    .with_help("give the column another name with `Name = …`"),
            );
        }
    }
    Ok(())
}

/// Refuses a bare keyword as a declared name ([`reserved_name`]) and a column declared twice in one list (`extend a = 1, a = 2`, `summarize by x, x`),
/// as Kusto's binder does (KS171 "A column with the name 'a' is already declared",
/// `ProjectionBuilder.Declare`): a name given with `=` or a bare column reference declares
/// its name; other unnamed expressions get unique names instead (`x1`), so they never clash.
pub(super) fn check_declared_once<'a>(
    lists: impl IntoIterator<Item = &'a NamedExpr>,
) -> Result<(), PlanError> {
    let mut declared: Vec<&str> = Vec::new();
    for item in lists {
        if let Some(n) = item
            .names
            .iter()
            .find(|n| !n.is_bracketed() && reserved_name(&n.name))
        {
            return Err(
                PlanError::invalid(n.span, format!("`{}` is a reserved word", n.name))
                    .with_help(format!("quote it as a column name: ['{}']", n.name)),
            );
        }
        let names: Vec<(&str, Span)> = match (&item.names[..], &item.expr.kind) {
            ([], ast::ExprKind::Ident(id)) => vec![(id.name.as_str(), id.span)],
            (names, _) => names.iter().map(|n| (n.name.as_str(), n.span)).collect(),
        };
        for (name, span) in names {
            if declared.contains(&name) {
                return Err(PlanError::invalid(
                    span,
                    format!("a column with the name `{name}` is already declared"),
                )
                .with_help("give the column another name with `Name = …`"));
            }
            declared.push(name);
        }
    }
    Ok(())
}

fn ident_expr(id: &ast::Ident) -> ast::Expr {
    ast::Expr {
        kind: ast::ExprKind::Ident(id.clone()),
        span: id.span,
    }
}

/// Resolves column names and `Prefix*` wildcards against `schema`, in the order written.
pub(super) fn match_columns(
    cols: &[ast::Ident],
    schema: &Schema,
) -> Result<Vec<String>, PlanError> {
    let mut out = Vec::new();
    for c in cols {
        if let Some(prefix) = c.name.strip_suffix('*') {
            out.extend(
                schema
                    .fields
                    .iter()
                    .filter(|f| f.name.starts_with(prefix))
                    .map(|f| f.name.clone()),
            );
        } else if schema.index_of(&c.name).is_some() {
            out.push(c.name.clone());
        } else {
            let mut e = PlanError::new(
                PlanErrorKind::UnknownColumn,
                c.span,
                format!("unknown column `{}`", c.name),
            )
            .with_label("no such column");
            if let Some(s) = closest(&c.name, schema.fields.iter().map(|f| f.name.as_str())) {
                e = e.with_help(format!("did you mean `{s}`?"));
            }
            return Err(e);
        }
    }
    Ok(out)
}

fn const_count(e: &ast::Expr, sc: &Scope<'_>) -> Result<usize, PlanError> {
    let b = super::subquery::fold(sc, bind_expr(e, sc)?)?;
    let v = match &b.kind {
        ExprKind::Literal(Scalar::Long(v)) => *v,
        ExprKind::Literal(Scalar::Int(v)) => *v as i64,
        _ => {
            return Err(PlanError::invalid(e.span, "expected a constant row count")
                .with_label("not a constant long"));
        }
    };
    usize::try_from(v).map_err(|_| PlanError::invalid(e.span, format!("row count {v} is negative")))
}

fn sort_keys(keys: &[ast::SortKey], sc: &Scope<'_>) -> Result<Vec<SortKey>, PlanError> {
    keys.iter()
        .map(|k| {
            let expr = bind_expr(&k.expr, sc)?;
            if expr.ty == KqlType::Dynamic {
                return Err(PlanError::unsupported(
                    k.expr.span,
                    "sorting by a dynamic value",
                ));
            }
            // KQL sorts descending by default; nulls go first ascending and last descending.
            let descending = k.order != Some(SortOrder::Asc);
            let nulls_first = match k.nulls {
                Some(NullsOrder::First) => true,
                Some(NullsOrder::Last) => false,
                None => !descending,
            };
            Ok(SortKey {
                expr,
                descending,
                nulls_first,
            })
        })
        .collect()
}

/// `getschema`: one row per column with its name, ordinal, .NET type and KQL type.
fn getschema(schema: &Schema) -> LogicalPlan {
    let dotnet = |t: KqlType| match t {
        KqlType::Bool => "System.SByte",
        KqlType::Int => "System.Int32",
        KqlType::Long => "System.Int64",
        KqlType::Real => "System.Double",
        KqlType::String => "System.String",
        KqlType::DateTime => "System.DateTime",
        KqlType::TimeSpan => "System.TimeSpan",
        KqlType::Guid => "System.Guid",
        KqlType::Dynamic => "System.Object",
    };
    let rows = schema
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                Scalar::String(f.name.clone().into()),
                Scalar::Int(i as i32),
                Scalar::String(dotnet(f.ty).into()),
                Scalar::String(f.ty.name().into()),
            ]
        })
        .collect();
    LogicalPlan::Values {
        schema: Schema::new(vec![
            Field::new("ColumnName", KqlType::String),
            Field::new("ColumnOrdinal", KqlType::Int),
            Field::new("DataType", KqlType::String),
            Field::new("ColumnType", KqlType::String),
        ]),
        rows,
    }
}

fn split_and<'e>(e: &'e ast::Expr, out: &mut Vec<&'e ast::Expr>) {
    match &e.kind {
        ast::ExprKind::Binary {
            op: ast::BinOp::And,
            lhs,
            rhs,
        } => {
            split_and(lhs, out);
            split_and(rhs, out);
        }
        _ => out.push(e),
    }
}

impl Planner<'_> {
    /// `x in (T)` / `x !in (T | project y)` with a tabular list: (x, negated, the list item).
    fn tabular_in<'e>(
        &self,
        e: &'e ast::Expr,
        schema: &Schema,
    ) -> Option<(&'e ast::Expr, bool, &'e ast::Expr)> {
        let ast::ExprKind::InList { expr, op, list } = &e.kind else {
            return None;
        };
        let negated = match op {
            ast::ListOp::In => false,
            ast::ListOp::NotIn => true,
            _ => return None,
        };
        let [item] = list.as_slice() else { return None };
        // A semi join needs a column on the left; any other expression reads the table's
        // values as constants (`in_list.rs`).
        match &expr.kind {
            ast::ExprKind::Ident(id) if schema.index_of(&id.name).is_some() => {}
            _ => return None,
        }
        let mut inner = item;
        while let ast::ExprKind::Paren(x) = &inner.kind {
            inner = x;
        }
        let tabular = match &inner.kind {
            ast::ExprKind::Subquery(_) => true,
            ast::ExprKind::Ident(id) => {
                self.lets.tabular(&id.name).is_some() && schema.index_of(&id.name).is_none()
            }
            _ => false,
        };
        tabular.then_some((expr.as_ref(), negated, inner))
    }
}

/// `left | where lhs in (right)`: a semi join on the right's first column.
fn semi_join(
    left: LogicalPlan,
    lhs: &ast::Expr,
    negated: bool,
    right: LogicalPlan,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let ls = left.schema();
    let ast::ExprKind::Ident(id) = &lhs.kind else {
        return Err(PlanError::unsupported(
            lhs.span,
            "`in (table)` on an expression other than a column",
        ));
    };
    let lf = ls
        .fields
        .iter()
        .find(|f| f.name == id.name)
        .ok_or_else(|| {
            PlanError::new(
                PlanErrorKind::UnknownColumn,
                id.span,
                format!("unknown column `{}`", id.name),
            )
        })?;
    let rs = right.schema();
    let rf = rs
        .fields
        .first()
        .ok_or_else(|| PlanError::invalid(span, "the `in` table has no columns"))?;
    if rf.ty != lf.ty {
        return Err(PlanError::ty(
            span,
            format!(
                "`{}` is {} but the `in` table's first column is {}",
                lf.name, lf.ty, rf.ty
            ),
        ));
    }
    let outputs = ls
        .fields
        .iter()
        .map(|f| {
            (
                f.name.clone(),
                crate::logical_plan::Side::Left,
                f.name.clone(),
            )
        })
        .collect();
    Ok(LogicalPlan::Join {
        left: Box::new(left),
        right: Box::new(right),
        kind: if negated {
            crate::logical_plan::JoinKind::LeftAnti
        } else {
            crate::logical_plan::JoinKind::LeftSemi
        },
        on: vec![(lf.name.clone(), rf.name.clone())],
        outputs,
    })
}

/// `extend`: the input's columns, then the new ones; a new column with an existing name
/// replaces that column in place.
fn extend(
    input: LogicalPlan,
    schema: &Schema,
    items: &[NamedExpr],
    sc: &Scope<'_>,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    check_declared_once(items)?;
    let existing: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    let new = named_exprs(items, sc, &existing)?;
    let mut out: Vec<(String, Expr)> = schema
        .fields
        .iter()
        .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
        .collect();
    for (name, e, _) in new {
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = e,
            None => out.push((name, e)),
        }
    }
    Ok(LogicalPlan::Projection {
        input: Box::new(input),
        exprs: out,
    })
}

/// `parse-kv Text as (Key:type, …) with (pair_delimiter=…, kv_delimiter=…[, quote=…])`:
/// one column per key, appended. As Kusto's oracle shows: pairs split at the pair
/// delimiter (outside quotes), a pair at its first key-value delimiter, keys and values
/// trimmed, the first occurrence of a key wins, a missing key is empty (null for numbers).
fn parse_kv(
    input: LogicalPlan,
    schema: &Schema,
    sc: &Scope<'_>,
    expr: &ast::Expr,
    columns: &[(ast::Ident, Option<ast::Ident>)],
    with: &[(ast::Ident, ast::Expr)],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let text = super::exprs::to_string_expr(bind_expr(expr, sc)?);
    let (mut pair, mut kv, mut quote, mut escape) = (None, None, String::new(), String::new());
    let mut regex = String::new();
    let mut greedy = None;
    for (name, value) in with {
        // `greedy=true` (docs: "Extraction in greedy mode"): a value runs until the next
        // key appearance or the end of the text.
        if name.name == "greedy" {
            let ast::ExprKind::Literal(ast::Literal::Bool(g)) = &value.kind else {
                return Err(PlanError::invalid(
                    value.span,
                    "`greedy` is `true` or `false`",
                ));
            };
            greedy = Some((*g, name.span));
            continue;
        }
        let ast::ExprKind::Literal(ast::Literal::String(v)) = &value.kind else {
            return Err(PlanError::invalid(value.span, "expected a string"));
        };
        match name.name.as_str() {
            "pair_delimiter" => pair = Some(v.clone()),
            "kv_delimiter" => kv = Some(v.clone()),
            "quote" => quote = v.clone(),
            "escape" if v.chars().count() == 1 => escape = v.clone(),
            // The docs: a regex with exactly two capturing groups, the key and the value.
            "regex" => {
                let re = regex::Regex::new(v)
                    .map_err(|e| PlanError::invalid(value.span, format!("invalid regex: {e}")))?;
                if re.captures_len() != 3 {
                    return Err(PlanError::invalid(
                        value.span,
                        "the parse-kv regex needs exactly two capturing groups",
                    ));
                }
                regex = v.clone();
            }
            other => {
                return Err(PlanError::unsupported(
                    name.span,
                    format!("the parse-kv option `{other}`"),
                ));
            }
        }
    }
    // Without delimiters (and without a regex), any nonalphanumeric character delimits
    // (the docs' nonspecified-delimiter mode).
    let (pair, kv) = match (pair, kv) {
        (None, None) => (Some(String::new()), Some(String::new())),
        other => other,
    };
    let (Some(pair), Some(kv)) = (pair, kv) else {
        return Err(PlanError::unsupported(
            span,
            "parse-kv without both `pair_delimiter` and `kv_delimiter`",
        ));
    };
    // Greedy mode: the listed keys go to the kernel, which refuses a text where an
    // unlisted key follows a listed one (the page's "next key appearance" does not say
    // whether such a key ends the value). Greedy is a mode of the delimiters: with a
    // regex, without delimiters, or with quotes (the page leaves their mix open) it is
    // refused.
    let greedy_keys = match greedy {
        Some((true, g_span)) => {
            if !regex.is_empty() || pair.is_empty() || !quote.is_empty() || !escape.is_empty() {
                return Err(PlanError::unsupported(
                    g_span,
                    "parse-kv `greedy=true` other than with a pair and a key-value delimiter alone",
                ));
            }
            serde_json::Value::from(
                columns
                    .iter()
                    .map(|(n, _)| n.name.clone())
                    .collect::<Vec<_>>(),
            )
            .to_string()
        }
        _ => String::new(),
    };
    let lit = |s: &str| Expr::literal(Scalar::String(s.to_string().into()), span);
    let mut exprs: Vec<(String, Expr)> = schema
        .fields
        .iter()
        .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span)))
        .collect();
    for (name, ty) in columns {
        if !name.is_bracketed() && reserved_name(&name.name)
            || matches!(name.name.as_str(), "true" | "false") && !name.is_bracketed()
        {
            return Err(PlanError::invalid(
                name.span,
                format!("`{}` is a reserved word", name.name),
            ));
        }
        let raw = Expr::call(
            Func::KvValue,
            vec![
                text.clone(),
                lit(&name.name),
                lit(&pair),
                lit(&kv),
                lit(&quote),
                lit(&escape),
                lit(&regex),
                lit(&greedy_keys),
            ],
            KqlType::String,
            span,
        );
        let t = match ty {
            None => KqlType::String,
            Some(t) => KqlType::from_name(&t.name)
                .ok_or_else(|| PlanError::invalid(t.span, format!("unknown type `{}`", t.name)))?,
        };
        let value = match t {
            KqlType::String => raw,
            KqlType::Int | KqlType::Long | KqlType::Real => {
                Expr::call(Func::Cast(t), vec![raw], t, span)
            }
            // As `todatetime`/`totimespan` of the value's text (the parse-kv docs' example
            // reads `2021-01-01T10:00:54` into a datetime column).
            KqlType::DateTime => Expr::call(
                Func::Lib(crate::library::LibFunc::ToDateTime),
                vec![raw],
                t,
                span,
            ),
            KqlType::TimeSpan => Expr::call(
                Func::Lib(crate::library::LibFunc::ToTimeSpan),
                vec![raw],
                t,
                span,
            ),
            KqlType::Guid => Expr::call(
                Func::Lib(crate::library::LibFunc::ToGuid),
                vec![raw],
                t,
                span,
            ),
            other => {
                return Err(PlanError::unsupported(
                    name.span,
                    format!("parse-kv into a {other} column"),
                ));
            }
        };
        match exprs.iter_mut().find(|(n, _)| *n == name.name) {
            Some(slot) => slot.1 = value,
            None => exprs.push((name.name.clone(), value)),
        }
    }
    Ok(LogicalPlan::Projection {
        input: Box::new(input),
        exprs,
    })
}

/// `top-nested [N] of Key by Agg [asc|desc], …`.
fn top_nested(
    input: LogicalPlan,
    sc: &Scope<'_>,
    levels: &[ast::TopNestedLevel],
) -> Result<LogicalPlan, PlanError> {
    let mut out = Vec::new();
    for l in levels {
        if let Some(o) = &l.others {
            // Kusto's oracle rejects `with others`; hunt refuses it too.
            return Err(PlanError::unsupported(
                o.span,
                "`with others` in top-nested",
            ));
        }
        let count = match &l.count {
            None => None,
            Some(c) => Some(const_count(c, sc)?),
        };
        let key_expr = bind_expr(&l.of.expr, sc)?;
        let key_name = match (l.of.names.first(), key_expr.as_column()) {
            (Some(n), _) => n.name.clone(),
            (None, Some(c)) => c.to_string(),
            (None, None) => {
                return Err(PlanError::unsupported(
                    l.of.expr.span,
                    "top-nested of an unnamed expression",
                ));
            }
        };
        let mut aggs = bind_aggregate(&l.by.expr, sc, &[])?;
        let supported = aggs.len() == 1
            && aggs[0].0.filter.is_none()
            && matches!(
                aggs[0].0.func,
                AggFunc::Count | AggFunc::Sum | AggFunc::Min | AggFunc::Max
            );
        if !supported {
            return Err(PlanError::unsupported(
                l.by.expr.span,
                "this aggregate in top-nested (count, sum, min, max)",
            ));
        }
        let (agg, _) = aggs.remove(0);
        let agg_name =
            l.by.names
                .first()
                .map(|n| n.name.clone())
                .unwrap_or_else(|| format!("aggregated_{key_name}"));
        out.push(crate::logical_plan::TopNestedLevel {
            key: (key_name, key_expr),
            agg: (agg_name, agg),
            count,
            descending: l.order != Some(SortOrder::Asc),
        });
    }
    Ok(LogicalPlan::TopNested {
        input: Box::new(pre_aggregate(input, &mut out)),
        levels: out,
    })
}

/// Puts a hash aggregate by every level's key under a `top-nested`, so the operator ranks
/// the (few) distinct key tuples instead of holding every input row: the aggregate streams,
/// runs per row group in parallel and spills past the threshold. Each level's aggregate is
/// computed per key tuple and rolled up by the operator (a count becomes the sum of the
/// tuples' counts; sum, min and max roll up as themselves), which gives the same values
/// since top-nested only takes `count`, `sum`, `min` and `max`. The tuples come out in the
/// order their first row appears, so the first appearance of each level's key, and with it
/// the order of ties, is the input's. Dynamic keys keep the row-by-row path (a `summarize`
/// cannot group by them).
fn pre_aggregate(
    input: LogicalPlan,
    levels: &mut [crate::logical_plan::TopNestedLevel],
) -> LogicalPlan {
    if levels.iter().any(|l| l.key.1.ty == KqlType::Dynamic) {
        return input;
    }
    let mut group_by = Vec::with_capacity(levels.len());
    let mut aggs = Vec::with_capacity(levels.len());
    for (i, l) in levels.iter_mut().enumerate() {
        let key_col = format!("__top_nested_key_{i}");
        let agg_col = format!("__top_nested_agg_{i}");
        let (key_ty, key_span) = (l.key.1.ty, l.key.1.span);
        group_by.push((
            key_col.clone(),
            std::mem::replace(&mut l.key.1, Expr::column(key_col, key_ty, key_span)),
        ));
        let agg_ty = l.agg.1.ty;
        let rolled = Expr::column(agg_col.clone(), agg_ty, key_span);
        let rollup = match l.agg.1.func {
            AggFunc::Count => AggFunc::Sum,
            f => f,
        };
        let per_tuple = std::mem::replace(
            &mut l.agg.1,
            AggExpr {
                func: rollup,
                args: vec![rolled],
                ty: agg_ty,
                filter: None,
            },
        );
        aggs.push((agg_col, per_tuple));
    }
    LogicalPlan::Aggregate {
        input: Box::new(input),
        group_by,
        aggs,
    }
}
