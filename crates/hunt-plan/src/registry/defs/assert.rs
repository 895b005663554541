//! `assert(condition, message)` (docs: assert-function): `true` when the condition holds;
//! when it does not, the query fails with `message` — while planning, as the page says
//! Kusto evaluates it "during the query analysis phase", even where no row reaches it
//! (the planner computes the constant arguments first: `at_analysis`). A condition that
//! reads a column (or draws a random value) is an error ("can't be bound to row-context");
//! a null condition is refused (the page does not say what Kusto does with it).

use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::registry::traits::{ArgValue, FunctionError, ScalarFunction};
use crate::types::KqlType;
use arrow_array::{Array, BooleanArray, StringArray};
use hunt_syntax::Span;
use std::sync::Arc;

/// The `assert` function.
pub struct Assert;

impl ScalarFunction for Assert {
    fn name(&self) -> &'static str {
        "assert"
    }
    fn at_analysis(&self) -> bool {
        true
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity("assert", &args, 2, span)?;
        let (cond, message) = (&args[0], &args[1]);
        if cond.ty != KqlType::Bool {
            return Err(PlanError::ty(
                cond.span,
                format!("`assert` needs a bool condition, got {}", cond.ty),
            ));
        }
        if message.ty != KqlType::String {
            return Err(PlanError::ty(
                message.span,
                format!("`assert` needs a string message, got {}", message.ty),
            ));
        }
        let mut cols = Vec::new();
        cond.columns_into(&mut cols);
        if !cols.is_empty() || cond.is_volatile() {
            return Err(PlanError::invalid(
                cond.span,
                "`assert`'s condition must be a constant (the docs: evaluated at query analysis)",
            ));
        }
        match (&cond.kind, &message.kind) {
            (ExprKind::Literal(Scalar::Bool(false)), ExprKind::Literal(Scalar::String(m))) => {
                return Err(PlanError::invalid(
                    span,
                    format!("assert() has failed with message: '{m}'"),
                )
                .with_label("assertion failed"));
            }
            (ExprKind::Literal(Scalar::Null(_)), _) => {
                return Err(PlanError::unsupported(span, "`assert` of a null condition"));
            }
            _ => {}
        }
        Ok((args, KqlType::Bool))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let [cond, message] = args else {
            return Err(FunctionError::Internal("assert takes 2 arguments".into()));
        };
        let holds = |i: usize| -> Option<bool> {
            match cond {
                ArgValue::Scalar(Scalar::Bool(b)) => Some(*b),
                ArgValue::Scalar(_) => None,
                ArgValue::Array(a) => a
                    .as_any()
                    .downcast_ref::<BooleanArray>()
                    .and_then(|b| b.is_valid(i).then(|| b.value(i))),
            }
        };
        let text = |i: usize| -> String {
            match message {
                ArgValue::Scalar(Scalar::String(s)) => s.to_string(),
                ArgValue::Scalar(_) => String::new(),
                ArgValue::Array(a) => a
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .map(|s| s.value(i).to_string())
                    .unwrap_or_default(),
            }
        };
        for i in 0..rows {
            match holds(i) {
                Some(true) => {}
                Some(false) => return Err(FunctionError::Invalid(text(i))),
                None => {
                    return Err(FunctionError::Unsupported(
                        "`assert` of a null condition".into(),
                    ));
                }
            }
        }
        Ok(ArgValue::Array(Arc::new(BooleanArray::from(vec![
            true;
            rows
        ]))))
    }
}
