//! Planning the `scan` operator (<https://learn.microsoft.com/kusto/query/scan-operator>):
//! declared columns, steps, and their expressions bound against an evaluation schema that
//! names the current record's columns `x` and the state's `step.x`.

use super::Scope;
use super::exprs::{bind_expr, cast};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::scan_spec::{ScanRef, ScanSpec, ScanStep, StepOutput};
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;

/// Plans `input | scan [with_match_id=…] [declare (…)] with (step …; …)`.
pub(crate) fn plan_scan(
    input: LogicalPlan,
    sc: &Scope<'_>,
    params: &[(ast::Ident, ast::Expr)],
    declare: &[ast::FunctionParam],
    steps: &[ast::ScanStep],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let input_schema = input.schema();
    let mut match_id = None;
    for (k, v) in params {
        match (k.name.as_str(), &v.kind) {
            ("with_match_id", ast::ExprKind::Ident(id)) => match_id = Some(id.name.clone()),
            _ => {
                return Err(PlanError::unsupported(
                    k.span,
                    format!("the `scan` parameter `{}`", k.name),
                ));
            }
        }
    }
    let declared = declarations(declare, &input_schema, sc)?;
    // The extended record: the input's columns, then the declared ones.
    let mut ext: Vec<Field> = input_schema.fields.clone();
    ext.extend(declared.iter().map(|(f, _)| f.clone()));
    let mut names = Vec::new();
    for s in steps {
        if names.contains(&s.name.name) {
            return Err(PlanError::invalid(
                s.name.span,
                format!("duplicate step name `{}`", s.name.name),
            ));
        }
        names.push(s.name.name.clone());
    }
    // Every value an expression may read: current columns, then each step's.
    let mut full = Vec::new();
    let mut full_refs = Vec::new();
    for (c, f) in ext.iter().enumerate() {
        full.push(f.clone());
        full_refs.push(ScanRef::Current(c));
    }
    for (k, n) in names.iter().enumerate() {
        for (c, f) in ext.iter().enumerate() {
            full.push(Field::new(format!("{n}.{}", f.name), f.ty));
            full_refs.push(ScanRef::State { step: k, column: c });
        }
    }
    let full = Schema::new(full);
    let inner = Scope {
        schema: &full,
        table: None,
        lets: sc.lets,
        now_ns: sc.now_ns,
        catalog: sc.catalog,
        windows: None,
    };
    let mut planned = Vec::new();
    for s in steps {
        planned.push(plan_step(s, &inner, &declared)?);
    }
    // Keep only the columns some expression reads.
    let mut used = Vec::new();
    for s in &planned {
        s.condition.columns_into(&mut used);
        s.assignments
            .iter()
            .for_each(|(_, e)| e.columns_into(&mut used));
    }
    let mut eval = Vec::new();
    let mut refs = Vec::new();
    for (f, r) in full.fields.iter().zip(&full_refs) {
        if used.contains(&f.name) {
            eval.push(f.clone());
            refs.push(*r);
        }
    }
    if let Some(m) = &match_id
        && ext.iter().any(|f| f.name == *m)
    {
        return Err(PlanError::invalid(
            span,
            format!("the match id column `{m}` is already a column"),
        ));
    }
    Ok(LogicalPlan::Steps {
        input: Box::new(input),
        spec: Box::new(ScanSpec {
            declare: declared,
            match_id,
            steps: planned,
            eval_schema: Schema::new(eval),
            refs,
        }),
    })
}

/// `declare (x:long = 0, s:string)`: fields and constant defaults (null when not given).
fn declarations(
    declare: &[ast::FunctionParam],
    input: &Schema,
    sc: &Scope<'_>,
) -> Result<Vec<(Field, Scalar)>, PlanError> {
    let mut out: Vec<(Field, Scalar)> = Vec::new();
    for d in declare {
        let ast::ParamType::Scalar(t) = &d.ty else {
            return Err(PlanError::invalid(
                d.name.span,
                "a `scan` declaration needs a scalar type",
            ));
        };
        let ty = KqlType::from_name(&t.name)
            .ok_or_else(|| PlanError::invalid(t.span, format!("unknown type `{}`", t.name)))?;
        if input.index_of(&d.name.name).is_some() || out.iter().any(|(f, _)| f.name == d.name.name)
        {
            return Err(PlanError::invalid(
                d.name.span,
                format!("`{}` is already a column", d.name.name),
            ));
        }
        let default = match &d.default {
            None => Scalar::Null(ty),
            Some(e) => {
                let empty = Schema::default();
                let v = bind_expr(
                    e,
                    &Scope {
                        schema: &empty,
                        table: None,
                        lets: sc.lets,
                        now_ns: sc.now_ns,
                        catalog: sc.catalog,
                        windows: None,
                    },
                )?;
                let v = super::subquery::fold(sc, v)?;
                match cast_to(v, ty, e.span)?.kind {
                    ExprKind::Literal(s) => s,
                    _ => {
                        return Err(PlanError::invalid(
                            e.span,
                            "a declared default must be a constant",
                        ));
                    }
                }
            }
        };
        out.push((Field::new(&d.name.name, ty), default));
    }
    Ok(out)
}

/// `e` as a value of the declared type `ty` (numbers convert; other types must match).
fn cast_to(e: Expr, ty: KqlType, span: Span) -> Result<Expr, PlanError> {
    if e.ty == ty || matches!(e.kind, ExprKind::Literal(Scalar::Null(_))) {
        return Ok(cast(e, ty));
    }
    if e.ty.is_numeric() && ty.is_numeric() {
        return Ok(cast(e, ty));
    }
    Err(PlanError::ty(
        span,
        format!("a {} value cannot be assigned to a {ty} column", e.ty),
    ))
}

fn plan_step(
    s: &ast::ScanStep,
    sc: &Scope<'_>,
    declared: &[(Field, Scalar)],
) -> Result<ScanStep, PlanError> {
    let output = match s.output.as_ref().map(|o| o.name.as_str()) {
        None | Some("all") => StepOutput::All,
        Some("none") => StepOutput::None,
        Some("last") => {
            return Err(PlanError::unsupported(
                s.name.span,
                "`scan` steps with `output=last`",
            ));
        }
        Some(o) => {
            return Err(PlanError::invalid(
                s.name.span,
                format!("unknown step output `{o}`; use all, last or none"),
            ));
        }
    };
    let condition = bind_expr(&s.predicate, sc)?;
    if condition.ty != KqlType::Bool {
        return Err(PlanError::ty(
            s.predicate.span,
            format!("a step condition must be bool, got {}", condition.ty),
        ));
    }
    let mut assignments: Vec<(usize, Expr)> = Vec::new();
    for (name, e) in &s.assignments {
        let Some(d) = declared.iter().position(|(f, _)| f.name == name.name) else {
            return Err(PlanError::invalid(
                name.span,
                format!("`{}` is not a declared column of this `scan`", name.name),
            ));
        };
        let v = cast_to(bind_expr(e, sc)?, declared[d].0.ty, e.span)?;
        // Whether a later assignment sees an earlier one's new value is not documented:
        // refuse the queries where it would matter.
        let mut read = Vec::new();
        v.columns_into(&mut read);
        if let Some((prev, _)) = assignments
            .iter()
            .find(|(p, _)| read.contains(&declared[*p].0.name))
        {
            return Err(PlanError::unsupported(
                e.span,
                format!(
                    "an assignment that reads `{}` after the same step assigned it",
                    declared[*prev].0.name
                ),
            ));
        }
        if assignments.iter().any(|(p, _)| *p == d) {
            return Err(PlanError::invalid(
                name.span,
                format!("`{}` is assigned twice", name.name),
            ));
        }
        assignments.push((d, v));
    }
    Ok(ScanStep {
        name: s.name.name.clone(),
        output,
        condition,
        assignments,
    })
}
