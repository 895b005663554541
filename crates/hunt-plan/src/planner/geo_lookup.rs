//! Planning `evaluate geo_polygon_lookup(…)` and `evaluate geo_line_lookup(…)` (docs:
//! geo-polygon-lookup-plugin, geo-line-lookup-plugin): each input point joined with the
//! lookup rows whose shape matches it. The pages define the match: a point matches a
//! polygon when `geo_point_in_polygon` holds, or with a `radius` when
//! `geo_distance_point_to_polygon` is at most the radius; a point matches a line when
//! `geo_distance_point_to_line` is at most the (required) radius. The output is "the union
//! of the source table and the lookup table, similar to the result of the lookup
//! operator": the input's columns, then the lookup table's, one row per match; unmatched
//! points are dropped, or kept with nulls when `return_unmatched` is true.
//!
//! The pages' versions name the arguments in two orders, `(Lookup, Key, Lon, Lat, …)` and
//! `(Lookup, Lon, Lat, Key, …)`; the key is the lookup table's dynamic column and the
//! coordinates the input's real columns, so both orders are read by the columns' types.
//! `return_lookup_key = false` leaves the key column out (it is in by default, as every
//! page's example output shows); `lookup_area_radius` and `join_hint` tune Kusto's
//! matching, not its answer ("It does not affect query correctness"), and are ignored.
//!
//! Both tables are read at plan time (through the catalog's probe); the shape tests run
//! in the executor over the pairs of rows, and the result becomes a `Values` plan.
//! A lookup column named like an input column is renamed as the lookup operator does
//! (`longitude1`). Refused: more than [`MAX_PAIRS`] pairs of rows, an output schema.

use super::Planner;
use super::exprs::bind_expr;
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Func, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;

/// The most (point, shape) pairs tested.
pub const MAX_PAIRS: usize = 1_000_000;

/// Which plugin.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    Polygon,
    Line,
}

impl Shape {
    fn plugin(self) -> &'static str {
        match self {
            Shape::Polygon => "geo_polygon_lookup",
            Shape::Line => "geo_line_lookup",
        }
    }
}

fn ident_expr(name: &str, span: Span) -> ast::Expr {
    ast::Expr {
        kind: ast::ExprKind::Ident(ast::Ident {
            name: name.into(),
            span,
        }),
        span,
    }
}

impl Planner<'_> {
    pub(crate) fn plan_geo_lookup(
        &mut self,
        shape: Shape,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let plugin = shape.plugin();
        let mut positional: Vec<&ast::Expr> = Vec::new();
        let mut named: Vec<(&ast::Ident, &ast::Expr)> = Vec::new();
        for a in args {
            match &a.kind {
                ast::ExprKind::NamedArg { name, value } => named.push((name, value)),
                _ if named.is_empty() => positional.push(a),
                _ => {
                    return Err(PlanError::invalid(
                        a.span,
                        "a positional argument after a named one",
                    ));
                }
            }
        }
        let [table, a, b, c, rest @ ..] = positional.as_slice() else {
            return Err(PlanError::invalid(
                span,
                format!("`{plugin}` takes a lookup table, its shape column and the coordinates"),
            ));
        };
        let lookup = self.tabular_expr(table)?.ok_or_else(|| {
            PlanError::invalid(table.span, format!("`{plugin}` needs a lookup table"))
        })?;
        let (left_s, right_s) = (input.schema(), lookup.schema());
        let name_of = |e: &ast::Expr| match &e.kind {
            ast::ExprKind::Ident(id) => Some(id.name.clone()),
            _ => None,
        };
        let is_key = |e: &ast::Expr| {
            name_of(e).is_some_and(|n| {
                right_s
                    .fields
                    .iter()
                    .any(|f| f.name == n && f.ty == KqlType::Dynamic)
            })
        };
        let is_coord = |e: &ast::Expr| {
            name_of(e).is_some_and(|n| {
                left_s
                    .fields
                    .iter()
                    .any(|f| f.name == n && f.ty.is_numeric())
            })
        };
        let (key, lon, lat) = if is_key(a) && is_coord(b) && is_coord(c) {
            (*a, *b, *c)
        } else if is_coord(a) && is_coord(b) && is_key(c) {
            (*c, *a, *b)
        } else {
            return Err(PlanError::invalid(
                span,
                format!(
                    "`{plugin}` needs the lookup table's dynamic shape column and the input's numeric longitude and latitude columns"
                ),
            ));
        };
        let (key, lon, lat) = (
            name_of(key).unwrap_or_default(),
            name_of(lon).unwrap_or_default(),
            name_of(lat).unwrap_or_default(),
        );
        // Options: positional after the coordinates (a number: the radius, a bool:
        // return_unmatched), or named.
        let sc0 = self.scope(&left_s, None);
        let constant = |e: &ast::Expr| -> Result<Scalar, PlanError> {
            match super::subquery::fold(&sc0, bind_expr(e, &sc0)?)?.kind {
                ExprKind::Literal(s) => Ok(s),
                _ => Err(PlanError::invalid(e.span, "expected a constant")),
            }
        };
        let (mut radius, mut unmatched, mut with_key) = (None::<f64>, false, true);
        let mut set = |what: &str, e: &ast::Expr| -> Result<(), PlanError> {
            match (what, constant(e)?) {
                ("radius", Scalar::Long(v)) => radius = Some(v as f64),
                ("radius", Scalar::Int(v)) => radius = Some(f64::from(v)),
                ("radius", Scalar::Real(v)) => radius = Some(v),
                ("return_unmatched", Scalar::Bool(v)) => unmatched = v,
                ("return_lookup_key", Scalar::Bool(v)) => with_key = v,
                ("lookup_area_radius" | "join_hint", _) => {}
                (other, _) => {
                    return Err(PlanError::invalid(
                        e.span,
                        format!("`{plugin}`: a bad value for `{other}`"),
                    ));
                }
            }
            Ok(())
        };
        let mut slots: &[&str] = match shape {
            Shape::Polygon => &[
                "radius",
                "return_unmatched",
                "lookup_area_radius",
                "return_lookup_key",
            ],
            Shape::Line => &[
                "radius",
                "return_unmatched",
                "lookup_area_radius",
                "return_lookup_key",
            ],
        };
        for e in rest {
            // A bool in the radius slot of the polygon plugin is return_unmatched.
            if shape == Shape::Polygon
                && slots.first() == Some(&"radius")
                && matches!(constant(e)?, Scalar::Bool(_))
            {
                slots = &slots[1..];
            }
            let Some((what, more)) = slots.split_first() else {
                return Err(PlanError::invalid(
                    e.span,
                    format!("`{plugin}`: too many arguments"),
                ));
            };
            set(what, e)?;
            slots = more;
        }
        for (n, v) in &named {
            if ![
                "radius",
                "return_unmatched",
                "lookup_area_radius",
                "join_hint",
                "return_lookup_key",
            ]
            .contains(&n.name.as_str())
            {
                return Err(PlanError::invalid(
                    n.span,
                    format!("`{plugin}` has no parameter `{}`", n.name),
                ));
            }
            set(&n.name, v)?;
        }
        if shape == Shape::Line && radius.is_none() {
            return Err(PlanError::invalid(span, "`geo_line_lookup` needs a radius"));
        }
        // A NaN radius is refused too.
        if radius.is_some_and(|r| r.is_nan() || r < 0.0) {
            return Err(PlanError::invalid(
                span,
                format!("`{plugin}`: a negative radius"),
            ));
        }
        // The output columns.
        let right_out: Vec<usize> = (0..right_s.fields.len())
            .filter(|i| with_key || right_s.fields[*i].name != key)
            .collect();
        // Read both sides.
        // Each side is refused past MAX_PAIRS rows on its own (cutting it would drop rows
        // silently when the other side is empty).
        let right_rows = self.probe_rows(
            &lookup,
            &format!("`{plugin}`'s lookup table"),
            plugin,
            MAX_PAIRS,
            span,
        )?;
        let left_rows = self.probe_rows(
            &input,
            &format!("`{plugin}`'s input"),
            plugin,
            MAX_PAIRS,
            span,
        )?;
        if left_rows.len().saturating_mul(right_rows.len()) > MAX_PAIRS {
            return Err(PlanError::unsupported(
                span,
                format!("`{plugin}` over more than {MAX_PAIRS} (point, shape) pairs"),
            ));
        }
        let (lon_i, lat_i, key_i) = (
            left_s.index_of(&lon).unwrap_or(0),
            left_s.index_of(&lat).unwrap_or(0),
            right_s.index_of(&key).unwrap_or(0),
        );
        let to_real = |s: &Scalar| match s {
            Scalar::Real(v) => Some(*v),
            Scalar::Long(v) => Some(*v as f64),
            Scalar::Int(v) => Some(f64::from(*v)),
            _ => None,
        };
        let mut pairs: Vec<Vec<Scalar>> = Vec::new();
        for (li, l) in left_rows.iter().enumerate() {
            let (Some(x), Some(y)) = (to_real(&l[lon_i]), to_real(&l[lat_i])) else {
                continue;
            };
            for (ri, r) in right_rows.iter().enumerate() {
                if matches!(r[key_i], Scalar::Dynamic(_)) {
                    pairs.push(vec![
                        Scalar::Long(li as i64),
                        Scalar::Long(ri as i64),
                        Scalar::Real(x),
                        Scalar::Real(y),
                        r[key_i].clone(),
                    ]);
                }
            }
        }
        let pair_schema = Schema::new(vec![
            Field::new("__l", KqlType::Long),
            Field::new("__r", KqlType::Long),
            Field::new("__x", KqlType::Real),
            Field::new("__y", KqlType::Real),
            Field::new("__s", KqlType::Dynamic),
        ]);
        let sc = self.scope(&pair_schema, None);
        let call = |f: &str| ast::Expr {
            kind: ast::ExprKind::Call {
                name: ast::Ident {
                    name: f.into(),
                    span,
                },
                args: vec![
                    ident_expr("__x", span),
                    ident_expr("__y", span),
                    ident_expr("__s", span),
                ],
            },
            span,
        };
        let predicate = match (shape, radius) {
            (Shape::Polygon, None) => bind_expr(&call("geo_point_in_polygon"), &sc)?,
            (shape, Some(r)) => {
                let f = if shape == Shape::Polygon {
                    "geo_distance_point_to_polygon"
                } else {
                    "geo_distance_point_to_line"
                };
                let d = bind_expr(&call(f), &sc)?;
                Expr::call(
                    Func::Le,
                    vec![d, Expr::literal(Scalar::Real(r), span)],
                    KqlType::Bool,
                    span,
                )
            }
            (Shape::Line, None) => {
                return Err(PlanError::invalid(span, "`geo_line_lookup` needs a radius"));
            }
        };
        let matched_plan = LogicalPlan::Projection {
            input: Box::new(LogicalPlan::Filter {
                input: Box::new(LogicalPlan::Values {
                    schema: pair_schema.clone(),
                    rows: pairs,
                }),
                predicate,
            }),
            exprs: vec![
                ("__l".into(), Expr::column("__l", KqlType::Long, span)),
                ("__r".into(), Expr::column("__r", KqlType::Long, span)),
            ],
        };
        let mut matches: Vec<Vec<usize>> = vec![Vec::new(); left_rows.len()];
        self.probe(&matched_plan, &format!("`{plugin}`"), span, &mut |row| {
            if let [Scalar::Long(l), Scalar::Long(r)] = row.as_slice()
                && let Some(m) = matches.get_mut(*l as usize)
            {
                m.push(*r as usize);
            }
        })?;
        let mut out_rows: Vec<Vec<Scalar>> = Vec::new();
        for (l, row) in left_rows.into_iter().enumerate() {
            let ms = &mut matches[l];
            ms.sort_unstable();
            if ms.is_empty() {
                if unmatched {
                    let mut out = row;
                    out.extend(
                        right_out
                            .iter()
                            .map(|r| Scalar::Null(right_s.fields[*r].ty)),
                    );
                    out_rows.push(out);
                }
                continue;
            }
            for m in ms.iter() {
                let mut out = row.clone();
                out.extend(right_out.iter().map(|r| right_rows[*m][*r].clone()));
                out_rows.push(out);
            }
        }
        let mut fields = left_s.fields.clone();
        for r in &right_out {
            let f = &right_s.fields[*r];
            fields.push(Field::new(free_name(&fields, &f.name), f.ty));
        }
        Ok(LogicalPlan::Values {
            schema: Schema::new(fields),
            rows: out_rows,
        })
    }
}

/// `name`, or when an output column has it already the first free `name1`, `name2`, …
/// (the join and lookup operators' rule for the right side's columns).
pub(super) fn free_name(fields: &[Field], name: &str) -> String {
    let mut out = name.to_string();
    let mut i = 1;
    while fields.iter().any(|f| f.name == out) {
        out = format!("{name}{i}");
        i += 1;
    }
    out
}
