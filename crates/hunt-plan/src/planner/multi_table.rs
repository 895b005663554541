//! `search [in (T1, T2, …)] predicate` and `find [withsource=N] in (T1, T2, …) where
//! predicate project c1, c2, …` at the start of a query: the predicate over each named
//! table (names may hold `*` wildcards; without `in`, every table and view), the results
//! concatenated as an outer `union`.
//!
//! The docs (search-operator, find-operator): `search` output starts with `$table`, the
//! name of the table each row came from, then the tables' columns; `find` output starts
//! with `source_` (or the `withsource=` name), then the projected columns, null where a
//! table lacks one. A table whose columns the predicate does not have is left out.
//! `pack_all()` in `find`'s `project` adds `pack_`, a bag of each table's other columns.
//! `find` without `project` (`project-smart`, whose columns depend on the data) is refused.

use super::Planner;
use super::search::{bind_search, plan_search};
use super::union::{UnionArg, union_of};
use crate::error::{PlanError, PlanErrorKind};
use crate::expr::{Expr, Scalar};
use crate::logical_plan::LogicalPlan;
use hunt_syntax::Span;
use hunt_syntax::ast;

impl Planner<'_> {
    /// Plans `search`/`find` used as a query's source.
    pub(crate) fn plan_operator_source(
        &mut self,
        op: &ast::Operator,
    ) -> Result<LogicalPlan, PlanError> {
        match &op.kind {
            ast::OperatorKind::Search {
                params,
                tables,
                predicate,
            } => self.search_tables(params, tables.as_deref(), predicate, op.span),
            ast::OperatorKind::Find {
                params,
                tables,
                predicate,
                project,
            } => self.find_tables(
                params,
                tables.as_deref(),
                predicate,
                project.as_ref(),
                op.span,
            ),
            _ => Err(PlanError::unsupported(op.span, "this tabular source")),
        }
    }

    /// The tables of `in (…)`, wildcards expanded, each with its name; every table
    /// without `in`.
    fn named_tables(
        &mut self,
        tables: Option<&[ast::Expr]>,
        span: Span,
    ) -> Result<Vec<(String, LogicalPlan)>, PlanError> {
        let mut names: Vec<(String, Span)> = Vec::new();
        let all = || {
            let mut n = self.catalog.table_names();
            n.sort();
            n
        };
        match tables {
            // Every table, then the views (the let-statement docs: `search` reads views).
            None => {
                names.extend(all().into_iter().map(|n| (n, span)));
                let mut views: Vec<String> = self.lets.views.iter().cloned().collect();
                views.sort();
                names.extend(views.into_iter().map(|n| (n, span)));
            }
            Some(list) => {
                for t in list {
                    let ast::ExprKind::Ident(id) = &t.kind else {
                        return Err(PlanError::unsupported(
                            t.span,
                            "a table that is not named in `in (…)`",
                        ));
                    };
                    if id.name.contains('*') {
                        names.extend(
                            all()
                                .into_iter()
                                .filter(|n| super::by_names::wildcard_match(&id.name, n))
                                .map(|n| (n, id.span)),
                        );
                    } else {
                        names.push((id.name.clone(), id.span));
                    }
                }
            }
        }
        let mut out: Vec<(String, LogicalPlan)> = Vec::new();
        for (name, at) in names {
            if out.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let id = ast::Ident {
                name: name.clone(),
                span: at,
            };
            out.push((name, self.table_source(&id)?));
        }
        if out.is_empty() {
            return Err(PlanError::new(
                PlanErrorKind::UnknownTable,
                span,
                "no table to search",
            ));
        }
        Ok(out)
    }

    fn search_tables(
        &mut self,
        params: &[(ast::Ident, ast::Expr)],
        tables: Option<&[ast::Expr]>,
        predicate: &ast::Expr,
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let mut args = Vec::new();
        for (name, plan) in self.named_tables(tables, span)? {
            let schema = plan.schema();
            let sc = self.scope(&schema, Some(&name));
            match plan_search(
                plan.clone(),
                &sc,
                params,
                &None,
                predicate,
                Some(&name),
                span,
            ) {
                Ok(p) => args.push(UnionArg { plan: p, name }),
                Err(e) if e.kind == PlanErrorKind::UnknownColumn => {}
                Err(e) => return Err(e),
            }
        }
        if args.is_empty() {
            return Err(PlanError::invalid(
                predicate.span,
                "no searched table has the columns of this predicate",
            ));
        }
        union_of(args, false, None, span)
    }

    fn find_tables(
        &mut self,
        params: &[(ast::Ident, ast::Expr)],
        tables: Option<&[ast::Expr]>,
        predicate: &ast::Expr,
        project: Option<&ast::FindProject>,
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let mut source = "source_".to_string();
        for (name, value) in params {
            match (name.name.as_str(), &value.kind) {
                ("withsource", ast::ExprKind::Ident(v)) => source = v.name.clone(),
                _ => {
                    return Err(PlanError::unsupported(
                        name.span,
                        format!("the find parameter `{}`", name.name),
                    ));
                }
            }
        }
        let Some(ast::FindProject::Columns(cols)) = project else {
            return Err(PlanError::unsupported(
                span,
                "`find` without `project` (its project-smart columns depend on the data)",
            )
            .with_help("list the columns: `find in (T1, T2) where … project A, B`"));
        };
        let mut wanted: Vec<(String, Span)> = Vec::new();
        let mut pack = false;
        for (e, ty) in cols {
            if let Some(t) = ty {
                return Err(PlanError::unsupported(
                    t.span,
                    "a typed column in `find … project`",
                ));
            }
            match &e.kind {
                ast::ExprKind::Ident(id) => wanted.push((id.name.clone(), id.span)),
                // `pack_all()`: a `pack_` bag of each table's other columns (the find docs'
                // example).
                ast::ExprKind::Call { name, args }
                    if name.name == "pack_all" && args.is_empty() =>
                {
                    pack = true
                }
                _ => {
                    return Err(PlanError::unsupported(
                        e.span,
                        "this expression in `find … project` (name columns)",
                    ));
                }
            }
        }
        let mut args = Vec::new();
        for (name, plan) in self.named_tables(tables, span)? {
            let schema = plan.schema();
            let sc = self.scope(&schema, Some(&name));
            let pred = match bind_search(predicate, &sc, false) {
                Ok(p) => p,
                Err(e) if e.kind == PlanErrorKind::UnknownColumn => continue,
                Err(e) => return Err(e),
            };
            let mut exprs = vec![(
                source.clone(),
                Expr::literal(Scalar::String(name.clone().into()), span),
            )];
            for (c, at) in &wanted {
                if let Some(f) = schema.fields.iter().find(|f| &f.name == c) {
                    exprs.push((f.name.clone(), Expr::column(&f.name, f.ty, *at)));
                }
            }
            if pack {
                let mut pairs = Vec::new();
                for f in &schema.fields {
                    if !wanted.iter().any(|(c, _)| *c == f.name) {
                        pairs.push(Expr::literal(Scalar::String(f.name.clone().into()), span));
                        pairs.push(Expr::column(&f.name, f.ty, span));
                    }
                }
                exprs.push((
                    "pack_".to_string(),
                    crate::library::bind_pack(pairs, false, span)?,
                ));
            }
            let plan = LogicalPlan::Projection {
                input: Box::new(LogicalPlan::Filter {
                    input: Box::new(plan),
                    predicate: pred,
                }),
                exprs,
            };
            args.push(UnionArg { plan, name });
        }
        if args.is_empty() {
            return Err(PlanError::invalid(
                predicate.span,
                "no table has the columns of this predicate",
            ));
        }
        let all = union_of(args, false, None, span)?;
        let schema = all.schema();
        let mut exprs = Vec::new();
        let pack_col = pack.then(|| ("pack_".to_string(), span));
        for (c, at) in std::iter::once(&(source.clone(), span))
            .chain(wanted.iter())
            .chain(pack_col.iter())
        {
            let f = schema.fields.iter().find(|f| &f.name == c).ok_or_else(|| {
                PlanError::new(
                    PlanErrorKind::UnknownColumn,
                    *at,
                    format!("no searched table has a column `{c}`"),
                )
            })?;
            exprs.push((f.name.clone(), Expr::column(&f.name, f.ty, *at)));
        }
        Ok(LogicalPlan::Projection {
            input: Box::new(all),
            exprs,
        })
    }
}
