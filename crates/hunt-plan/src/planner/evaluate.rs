//! Planning `evaluate bag_unpack(…)` and `evaluate pivot(…)`.
//!
//! Both plugins have output columns that Kusto computes from the data. hunt plans before
//! it runs, so unless an output schema is written (`evaluate bag_unpack(d) : (*, a:long)`)
//! the planner runs the plugin's input once through [`Catalog::probe`] to learn them
//! (for `datatable`/`print` inputs that is immediate; a query over Parquet reads its input
//! twice). Both plugins then become ordinary plans: `bag_unpack` a projection of
//! conversions of `d["key"]`, `pivot` an aggregate with one filtered aggregate per value.
//!
//! [`Catalog::probe`]: crate::catalog::Catalog::probe

use super::Planner;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::{KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;

impl Planner<'_> {
    pub(crate) fn plan_evaluate(
        &mut self,
        input: LogicalPlan,
        params: &[(ast::Ident, ast::Expr)],
        plugin: &ast::Ident,
        args: &[ast::Expr],
        schema: Option<&[ast::SchemaItem]>,
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        // Hints (`hint.distribution=…`) steer Kusto's execution, not the answer.
        if let Some((p, _)) = params.iter().find(|(p, _)| !p.name.starts_with("hint.")) {
            return Err(PlanError::unsupported(
                p.span,
                format!("the evaluate parameter `{}`", p.name),
            ));
        }
        match plugin.name.as_str() {
            "bag_unpack" => self.plan_bag_unpack(input, args, schema, span),
            "ipv4_lookup" if schema.is_none() => {
                self.plan_ip_lookup(super::ip_lookup::Family::V4, input, args, span)
            }
            "ipv6_lookup" if schema.is_none() => {
                self.plan_ip_lookup(super::ip_lookup::Family::V6, input, args, span)
            }
            "schema_merge" if schema.is_none() => self.plan_schema_merge(input, args, span),
            "rows_near" if schema.is_none() => self.plan_rows_near(input, args, span),
            "geo_polygon_lookup" if schema.is_none() => {
                self.plan_geo_lookup(super::geo_lookup::Shape::Polygon, input, args, span)
            }
            "geo_line_lookup" if schema.is_none() => {
                self.plan_geo_lookup(super::geo_lookup::Shape::Line, input, args, span)
            }
            "dcount_intersect" if schema.is_none() => self.plan_dcount_intersect(input, args, span),
            "activity_counts_metrics" if schema.is_none() => {
                self.plan_activity_counts_metrics(input, args, span)
            }
            "active_users_count" if schema.is_none() => {
                self.plan_active_users_count(input, args, span)
            }
            "sliding_window_counts" if schema.is_none() => {
                self.plan_sliding_window_counts(input, args, span)
            }
            "rolling_percentile" if schema.is_none() => {
                self.plan_rolling_percentile(input, args, span)
            }
            "pivot" => {
                if schema.is_some() {
                    return Err(PlanError::unsupported(
                        span,
                        "`evaluate pivot` with an output schema",
                    ));
                }
                super::pivot::plan_pivot(self, input, args, span)
            }
            other => Err(PlanError::unsupported(
                plugin.span,
                format!("the `{other}` plugin"),
            )),
        }
    }

    /// Runs `plan` now, handing each row to `each`, or refuses when the catalog cannot.
    pub(crate) fn probe(
        &self,
        plan: &LogicalPlan,
        what: &str,
        span: Span,
        each: &mut dyn FnMut(Vec<Scalar>),
    ) -> Result<(), PlanError> {
        fn per_record(p: &LogicalPlan) -> bool {
            matches!(p, LogicalPlan::ApplyRows { .. }) || p.inputs().into_iter().any(per_record)
        }
        // Inside an mv-apply body the rows exist only at run time.
        if per_record(plan) {
            return Err(PlanError::unsupported(
                span,
                format!("{what} without an output schema inside mv-apply"),
            ));
        }
        match self.catalog.probe(plan, each) {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => Err(PlanError::invalid(span, e)),
            None => Err(PlanError::unsupported(
                span,
                format!("{what} without an output schema here"),
            )),
        }
    }

    /// The rows of `plan`, read now (see [`Planner::probe`]); more than `max` of them are
    /// refused, naming `plugin`.
    pub(crate) fn probe_rows(
        &self,
        plan: &LogicalPlan,
        what: &str,
        plugin: &str,
        max: usize,
        span: Span,
    ) -> Result<Vec<Vec<Scalar>>, PlanError> {
        let mut rows: Vec<Vec<Scalar>> = Vec::new();
        let mut over = false;
        self.probe(plan, what, span, &mut |row| {
            if rows.len() < max {
                rows.push(row);
            } else {
                over = true;
            }
        })?;
        if over {
            return Err(PlanError::unsupported(
                span,
                format!("`{plugin}` over more than {max} rows"),
            ));
        }
        Ok(rows)
    }

    fn plan_bag_unpack(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        schema: Option<&[ast::SchemaItem]>,
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let in_schema = input.schema();
        let opts = unpack_options(self, args, &in_schema, span)?;
        let col = opts.column.clone();
        let col_expr = Expr::column(&col, KqlType::Dynamic, span);
        let mut out: Vec<(String, Expr)> = Vec::new();
        match schema {
            Some(items) => {
                if opts.prefix.is_some() || opts.conflict.is_some() || !opts.ignored.is_empty() {
                    return Err(PlanError::unsupported(
                        span,
                        "bag_unpack options together with an output schema",
                    ));
                }
                for (i, item) in items.iter().enumerate() {
                    match item {
                        ast::SchemaItem::Star if i == 0 => out.extend(
                            in_schema
                                .fields
                                .iter()
                                .filter(|f| f.name != col)
                                .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span))),
                        ),
                        ast::SchemaItem::Column { name, ty } => {
                            let t = KqlType::from_name(&ty.name).ok_or_else(|| {
                                PlanError::invalid(ty.span, format!("unknown type `{}`", ty.name))
                            })?;
                            if out.iter().any(|(n, _)| *n == name.name) {
                                return Err(PlanError::unsupported(
                                    name.span,
                                    format!("bag_unpack output column `{}` twice", name.name),
                                ));
                            }
                            out.push((name.name.clone(), slot(self, &col_expr, &name.name, t)?));
                        }
                        _ => {
                            return Err(PlanError::invalid(
                                span,
                                "expected `(*, Name:type, …)` or `(Name:type, …)`",
                            ));
                        }
                    }
                }
            }
            None => {
                let probe = LogicalPlan::Projection {
                    input: Box::new(input.clone()),
                    exprs: vec![(col.clone(), col_expr.clone())],
                };
                let mut seen = SlotTypes::default();
                self.probe(&probe, "`evaluate bag_unpack`", span, &mut |row| {
                    seen.add(row.first(), &opts.ignored)
                })?;
                let slots = seen.finish(span)?;
                let prefix = opts.prefix.clone().unwrap_or_default();
                let named = |k: &str| format!("{prefix}{k}");
                let mut used = vec![false; slots.len()];
                for f in &in_schema.fields {
                    let hit = slots.iter().position(|(k, _)| named(k) == f.name);
                    match hit {
                        // The unpacked column gives way; a slot of its name takes its place
                        // (oracle agent-dynamic-json-0026).
                        Some(k) if f.name == col => {
                            used[k] = true;
                            out.push((
                                f.name.clone(),
                                slot(self, &col_expr, &slots[k].0, slots[k].1)?,
                            ));
                        }
                        None if f.name == col => {}
                        Some(k) => match opts.conflict.as_deref() {
                            Some("replace_source") => {
                                used[k] = true;
                                out.push((
                                    f.name.clone(),
                                    slot(self, &col_expr, &slots[k].0, slots[k].1)?,
                                ));
                            }
                            Some("keep_source") => {
                                used[k] = true;
                                out.push((f.name.clone(), Expr::column(&f.name, f.ty, span)));
                            }
                            _ => {
                                return Err(PlanError::invalid(
                                    span,
                                    format!(
                                        "bag_unpack: the slot `{}` clashes with the column `{}`",
                                        slots[k].0, f.name
                                    ),
                                )
                                .with_help(
                                    "pass columnsConflict='replace_source' or 'keep_source'",
                                ));
                            }
                        },
                        None => out.push((f.name.clone(), Expr::column(&f.name, f.ty, span))),
                    }
                }
                for (k, (key, ty)) in slots.iter().enumerate() {
                    if !used[k] {
                        out.push((named(key), slot(self, &col_expr, key, *ty)?));
                    }
                }
            }
        }
        Ok(LogicalPlan::Projection {
            input: Box::new(input),
            exprs: out,
        })
    }
}

/// The arguments of `bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict]
/// [, ignoredProperties])`, positional or named.
struct UnpackOptions {
    column: String,
    prefix: Option<String>,
    conflict: Option<String>,
    ignored: Vec<String>,
}

fn unpack_options(
    p: &Planner<'_>,
    args: &[ast::Expr],
    schema: &Schema,
    span: Span,
) -> Result<UnpackOptions, PlanError> {
    let sc = p.scope(schema, None);
    let Some(first) = args.first() else {
        return Err(PlanError::invalid(
            span,
            "bag_unpack needs a column to unpack",
        ));
    };
    let column = match (&first.kind, bind_expr(first, &sc)?) {
        (ast::ExprKind::Ident(id), e) if e.ty == KqlType::Dynamic => id.name.clone(),
        _ => {
            return Err(PlanError::unsupported(
                first.span,
                "bag_unpack of anything but a dynamic column",
            ));
        }
    };
    let mut o = UnpackOptions {
        column,
        prefix: None,
        conflict: None,
        ignored: vec![],
    };
    let empty = Schema::default();
    let csc = p.scope(&empty, None);
    for (i, a) in args.iter().enumerate().skip(1) {
        let (name, value) = match &a.kind {
            ast::ExprKind::NamedArg { name, value } => (name.name.as_str(), value.as_ref()),
            _ => (
                [
                    "",
                    "OutputColumnPrefix",
                    "columnsConflict",
                    "ignoredProperties",
                ]
                .get(i)
                .copied()
                .unwrap_or(""),
                a,
            ),
        };
        let v = bind_expr(value, &csc)?;
        let lit = match &v.kind {
            ExprKind::Literal(s) => s.clone(),
            _ => return Err(PlanError::invalid(a.span, "expected a constant")),
        };
        match (name, lit) {
            ("OutputColumnPrefix", Scalar::String(s)) => o.prefix = Some(s.to_string()),
            ("columnsConflict", Scalar::String(s))
                if matches!(&*s, "error" | "replace_source" | "keep_source") =>
            {
                o.conflict = Some(s.to_string())
            }
            ("ignoredProperties", Scalar::Dynamic(serde_json::Value::Array(items))) => {
                for it in items {
                    match it {
                        serde_json::Value::String(s) => o.ignored.push(s),
                        _ => return Err(PlanError::invalid(a.span, "expected property names")),
                    }
                }
            }
            _ => {
                return Err(PlanError::unsupported(
                    a.span,
                    "this bag_unpack argument (expected OutputColumnPrefix, columnsConflict or ignoredProperties)",
                ));
            }
        }
    }
    Ok(o)
}

/// `to<type>(d["key"])` (or `d["key"]` for dynamic), bound as the user would write it.
fn slot(p: &Planner<'_>, col: &Expr, key: &str, ty: KqlType) -> Result<Expr, PlanError> {
    let span = col.span;
    let ExprKind::Column(name) = &col.kind else {
        return Err(PlanError::invalid(span, "bag_unpack needs a column"));
    };
    let ident = |n: &str| ast::Ident {
        name: n.to_string(),
        span,
    };
    let mk = |kind| ast::Expr { kind, span };
    let index = mk(ast::ExprKind::Index {
        expr: Box::new(mk(ast::ExprKind::Ident(ident(name)))),
        index: Box::new(mk(ast::ExprKind::Literal(ast::Literal::String(
            key.to_string(),
        )))),
    });
    let conv = match ty {
        KqlType::Dynamic => None,
        KqlType::String => Some("tostring"),
        KqlType::Long => Some("tolong"),
        KqlType::Int => Some("toint"),
        KqlType::Real => Some("toreal"),
        KqlType::Bool => Some("tobool"),
        KqlType::DateTime => Some("todatetime"),
        KqlType::TimeSpan => Some("totimespan"),
        KqlType::Guid => Some("toguid"),
    };
    let e = match conv {
        None => index,
        Some(f) => mk(ast::ExprKind::Call {
            name: ident(f),
            args: vec![index],
        }),
    };
    let schema = Schema::new(vec![crate::types::Field::new(name, KqlType::Dynamic)]);
    bind_expr(&e, &p.scope(&schema, None))
}

/// The slots seen in the bags so far, each with its type: the JSON type shared by all its
/// non-null values, `dynamic` when they differ (the bag_unpack docs); `None` while only
/// nulls were seen.
#[derive(Default)]
struct SlotTypes(std::collections::BTreeMap<String, Option<KqlType>>);

impl SlotTypes {
    fn add(&mut self, value: Option<&Scalar>, ignored: &[String]) {
        use serde_json::Value;
        let Some(Scalar::Dynamic(Value::Object(m))) = value else {
            return;
        };
        for (k, v) in m {
            if ignored.contains(k) {
                continue;
            }
            let t = match v {
                Value::Null => None,
                Value::String(_) => Some(KqlType::String),
                Value::Bool(_) => Some(KqlType::Bool),
                Value::Number(n) if n.is_i64() => Some(KqlType::Long),
                Value::Number(_) => Some(KqlType::Real),
                Value::Array(_) | Value::Object(_) => Some(KqlType::Dynamic),
            };
            let e = self.0.entry(k.clone()).or_insert(t);
            match (*e, t) {
                (None, t) => *e = t,
                (Some(a), Some(b)) if a != b => *e = Some(KqlType::Dynamic),
                _ => {}
            }
        }
    }

    /// The slots sorted by name, with their types.
    fn finish(self, span: Span) -> Result<Vec<(String, KqlType)>, PlanError> {
        // Kusto sorts the new columns (Age, Height, Name in its docs); whether it compares
        // case-blind is not documented, so names whose order would depend on it are refused.
        let names: Vec<&String> = self.0.keys().collect();
        if names
            .windows(2)
            .any(|w| w[0].to_lowercase() > w[1].to_lowercase())
        {
            return Err(PlanError::unsupported(
                span,
                "bag_unpack of slots whose order depends on letter case (give an output schema)",
            ));
        }
        self.0
            .into_iter()
            .map(|(k, t)| match t {
                Some(t) => Ok((k, t)),
                // A slot that is null everywhere: the docs do not give its type.
                None => Err(PlanError::unsupported(
                    span,
                    format!(
                        "bag_unpack of the slot `{k}`, null in every row (give an output schema)"
                    ),
                )),
            })
            .collect()
    }
}
