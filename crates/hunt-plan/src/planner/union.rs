//! Planning `union` (outer/inner, `withsource`, `isfuzzy`) and `lookup`.

use super::Planner;
use super::join::plan_join;
use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::logical_plan::{LogicalPlan, Side};
use crate::types::{Field, KqlType};
use hunt_syntax::Span;
use hunt_syntax::ast;

/// A union input: its plan and the name `withsource` reports for it.
pub(crate) struct UnionArg {
    pub(crate) plan: LogicalPlan,
    pub(crate) name: String,
}

impl Planner<'_> {
    /// Plans the tables of a `union`; `first` is the piped input (`T | union …`), if any.
    pub(crate) fn plan_union(
        &mut self,
        first: Option<LogicalPlan>,
        params: &[(ast::Ident, ast::Expr)],
        tables: &[ast::Pipeline],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let mut inner = false;
        let mut source: Option<String> = None;
        let mut fuzzy = false;
        for (name, value) in params {
            let word = match &value.kind {
                ast::ExprKind::Ident(v) => v.name.clone(),
                ast::ExprKind::Literal(ast::Literal::Bool(b)) => b.to_string(),
                _ => {
                    return Err(PlanError::invalid(
                        value.span,
                        "expected a name or true/false",
                    ));
                }
            };
            match name.name.as_str() {
                "kind" => match word.as_str() {
                    "inner" => inner = true,
                    "outer" => inner = false,
                    other => {
                        return Err(PlanError::invalid(
                            value.span,
                            format!("unknown union kind `{other}`"),
                        ));
                    }
                },
                "withsource" => source = Some(word),
                "isfuzzy" => fuzzy = word == "true",
                n if n.starts_with("hint.") => {}
                other => {
                    return Err(PlanError::unsupported(
                        name.span,
                        format!("the union parameter `{other}`"),
                    ));
                }
            }
        }
        let mut args = Vec::new();
        if let Some(p) = first {
            args.push(UnionArg {
                plan: p,
                name: self.input_name.take().unwrap_or_default(),
            });
        }
        for t in tables {
            // `union Device*`: every table whose name matches, each reporting its name
            // (the union docs: "wildcard ... to match table names").
            if let (ast::Source::Table(id), true) = (&t.source, t.ops.is_empty())
                && id.name.contains('*')
            {
                let mut names: Vec<String> = self
                    .catalog
                    .table_names()
                    .into_iter()
                    .filter(|n| super::by_names::wildcard_match(&id.name, n))
                    .collect();
                names.sort();
                names.dedup();
                if names.is_empty() && !fuzzy {
                    return Err(PlanError::new(
                        crate::error::PlanErrorKind::UnknownTable,
                        id.span,
                        format!("no table matches `{}`", id.name),
                    ));
                }
                for n in names {
                    let one = ast::Ident {
                        name: n.clone(),
                        span: id.span,
                    };
                    args.push(UnionArg {
                        plan: self.table_source(&one)?,
                        name: n,
                    });
                }
                continue;
            }
            // A bare table or view name reports its own name (the union docs' views), a
            // pipeline ending in `as N` the name N; anything else `union_argN` (the oracle:
            // a `let` of a tabular expression is `union_argN`).
            let table_name = match (&t.source, t.ops.last().map(|op| &op.kind)) {
                (_, Some(ast::OperatorKind::As(id))) => Some(id.name.clone()),
                (ast::Source::Table(id), None) if self.lets.is_view(&id.name) => {
                    Some(id.name.clone())
                }
                (ast::Source::Table(id), None)
                    if self.catalog.has_table(&id.name)
                        && self.lets.tabular(&id.name).is_none() =>
                {
                    Some(id.name.clone())
                }
                _ => None,
            };
            match self.plan_pipeline(t) {
                Ok(plan) => args.push(UnionArg {
                    plan,
                    name: table_name.unwrap_or_default(),
                }),
                // isfuzzy=true: a missing table is skipped.
                Err(e) if fuzzy && e.kind == crate::error::PlanErrorKind::UnknownTable => {}
                Err(e) => return Err(e),
            }
        }
        for (i, a) in args.iter_mut().enumerate() {
            if a.name.is_empty() {
                a.name = format!("union_arg{i}");
            }
        }
        union_of(args, inner, source, span)
    }
}

/// Aligns every input to one schema (outer: every column; inner: the common ones) and
/// concatenates them. A column name with several types becomes one column per type.
pub(crate) fn union_of(
    args: Vec<UnionArg>,
    inner: bool,
    source: Option<String>,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    if args.is_empty() {
        return Err(PlanError::invalid(span, "union has no tables"));
    }
    let schemas: Vec<_> = args.iter().map(|a| a.plan.schema()).collect();
    // Every (name, type) in order of first appearance. A name seen with several types
    // gives one column per type, named `name_type` (the union docs: "the column name is
    // suffixed with '_' followed by the origin column type"); such a name that another
    // column already has takes a number (`x_long1`, the docs' example).
    let mut pairs: Vec<Field> = Vec::new();
    for s in &schemas {
        for f in &s.fields {
            if !pairs.iter().any(|g| g.name == f.name && g.ty == f.ty) {
                pairs.push(f.clone());
            }
        }
    }
    let multi = |name: &str| pairs.iter().filter(|g| g.name == name).count() > 1;
    let plain: Vec<String> = pairs
        .iter()
        .filter(|g| !multi(&g.name))
        .map(|g| g.name.clone())
        .collect();
    let mut fields: Vec<(Field, String)> = Vec::new();
    for f in &pairs {
        let out = if multi(&f.name) {
            if inner {
                return Err(PlanError::unsupported(
                    span,
                    format!(
                        "`union kind=inner` over column `{}` with several types",
                        f.name
                    ),
                ));
            }
            let base = format!("{}_{}", f.name, f.ty);
            let mut name = base.clone();
            let mut k = 1;
            while plain.contains(&name) || fields.iter().any(|(_, n)| *n == name) {
                name = format!("{base}{k}");
                k += 1;
            }
            name
        } else {
            f.name.clone()
        };
        fields.push((f.clone(), out));
    }
    if inner {
        fields.retain(|(f, _)| schemas.iter().all(|s| s.index_of(&f.name).is_some()));
    }
    let inputs = args
        .into_iter()
        .zip(&schemas)
        .map(|(a, s)| {
            let mut exprs: Vec<(String, Expr)> = Vec::new();
            if let Some(src) = &source {
                exprs.push((
                    src.clone(),
                    Expr::literal(Scalar::String(a.name.clone().into()), span),
                ));
            }
            for (f, out) in &fields {
                let here = s.fields.iter().any(|g| g.name == f.name && g.ty == f.ty);
                let e = if here {
                    Expr::column(&f.name, f.ty, span)
                } else if f.ty == KqlType::String {
                    // KQL has no null string: a missing string column reads as empty.
                    Expr::literal(Scalar::String("".into()), span)
                } else {
                    Expr::literal(Scalar::Null(f.ty), span)
                };
                exprs.push((out.clone(), e));
            }
            LogicalPlan::Projection {
                input: Box::new(a.plan),
                exprs,
            }
        })
        .collect();
    Ok(LogicalPlan::Union { inputs })
}

/// `lookup`: a join (leftouter by default, or inner) whose output drops the right
/// side's key columns.
pub(crate) fn plan_lookup(
    left: LogicalPlan,
    right: LogicalPlan,
    params: &[(ast::Ident, ast::Expr)],
    on: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let mut kind_param = Vec::new();
    let mut explicit = false;
    for (name, value) in params {
        if name.name == "kind" {
            explicit = true;
            match &value.kind {
                ast::ExprKind::Ident(v) if v.name == "leftouter" || v.name == "inner" => {}
                _ => {
                    return Err(PlanError::invalid(
                        value.span,
                        "lookup kind is `leftouter` or `inner`",
                    ));
                }
            }
        }
        kind_param.push((name.clone(), value.clone()));
    }
    if !explicit {
        let kind = ast::Ident {
            name: "kind".into(),
            span,
        };
        let leftouter = ast::Expr {
            kind: ast::ExprKind::Ident(ast::Ident {
                name: "leftouter".into(),
                span,
            }),
            span,
        };
        kind_param.push((kind, leftouter));
    }
    let joined = plan_join(left, right, &kind_param, on, span)?;
    let LogicalPlan::Join {
        left,
        right,
        kind,
        on,
        outputs,
    } = joined
    else {
        return Err(PlanError::invalid(span, "lookup did not plan as a join"));
    };
    let right_keys: Vec<&String> = on.iter().map(|(_, r)| r).collect();
    let outputs = outputs
        .into_iter()
        .filter(|(_, side, col)| !(*side == Side::Right && right_keys.contains(&col)))
        .collect();
    Ok(LogicalPlan::Join {
        left,
        right,
        kind,
        on,
        outputs,
    })
}
