//! `binary_all_and(x)`, `binary_all_or(x)`, `binary_all_xor(x)`: a bitwise fold of a
//! group's non-null integers, null when it has none (docs: binary-all-and-aggregation-function
//! and its siblings). Named `<name>_<x>`.

use crate::error::PlanError;
use crate::expr::Expr;
use crate::planner::cast_to;
use crate::registry::traits::{AggregateFunction, FunctionError, GroupState, same_state};
use crate::types::KqlType;
use arrow_array::{Array, ArrayRef, Int64Array};
use hunt_syntax::Span;
use std::any::Any;
use std::sync::Arc;

/// The bitwise operation.
#[derive(Clone, Copy)]
pub enum Op {
    And,
    Or,
    Xor,
}

impl Op {
    fn apply(self, a: i64, b: i64) -> i64 {
        match self {
            Op::And => a & b,
            Op::Or => a | b,
            Op::Xor => a ^ b,
        }
    }
}

/// One of the three folds.
pub struct BinaryAll(pub &'static str, pub Op);

/// The three folds.
pub const AND: BinaryAll = BinaryAll("binary_all_and", Op::And);
/// `binary_all_or`
pub const OR: BinaryAll = BinaryAll("binary_all_or", Op::Or);
/// `binary_all_xor`
pub const XOR: BinaryAll = BinaryAll("binary_all_xor", Op::Xor);

impl AggregateFunction for BinaryAll {
    fn name(&self) -> &'static str {
        self.0
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        let [x] = <[Expr; 1]>::try_from(args).map_err(|a| {
            PlanError::invalid(
                span,
                format!("`{}` takes 1 argument, got {}", self.0, a.len()),
            )
        })?;
        if !matches!(x.ty, KqlType::Int | KqlType::Long) {
            return Err(PlanError::ty(
                x.span,
                format!("`{}` needs integers, got {}", self.0, x.ty),
            ));
        }
        Ok((vec![cast_to(x, KqlType::Long)], KqlType::Long))
    }
    fn state(&self, _: &[KqlType], _: KqlType) -> Result<Box<dyn GroupState>, FunctionError> {
        Ok(Box::new(Bits(self.1, vec![])))
    }
}

/// Per group: the fold so far, `None` before the first value.
struct Bits(Op, Vec<Option<i64>>);

impl Bits {
    fn add(&mut self, g: usize, v: i64) {
        let op = self.0;
        let acc = &mut self.1[g];
        *acc = Some(acc.map_or(v, |a| op.apply(a, v)));
    }
}

impl GroupState for Bits {
    fn grow(&mut self, groups: usize) {
        self.1.resize(groups, None);
    }
    fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<(), FunctionError> {
        let a = args
            .first()
            .and_then(|a| a.as_any().downcast_ref::<Int64Array>())
            .ok_or_else(|| FunctionError::Internal("binary_all_* of a non-long".into()))?;
        for (i, &g) in gids.iter().enumerate() {
            if a.is_valid(i) {
                self.add(g, a.value(i));
            }
        }
        Ok(())
    }
    fn merge(&mut self, other: Box<dyn GroupState>, map: &[usize]) -> Result<(), FunctionError> {
        let o = same_state::<Bits>(other)?;
        for (g, v) in o.1.into_iter().enumerate() {
            if let Some(v) = v {
                self.add(map[g], v);
            }
        }
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<ArrayRef, FunctionError> {
        Ok(Arc::new(Int64Array::from(self.1)))
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}
