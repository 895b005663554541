//! `new_guid()`: a random (version 4) guid per row (docs: new-guid-function); volatile,
//! so never folded into one value. No arguments.

use crate::error::PlanError;
use crate::expr::Expr;
use crate::registry::traits::{ArgValue, FunctionError, ScalarFunction};
use crate::types::KqlType;
use arrow_array::StringArray;
use hunt_syntax::Span;
use std::sync::Arc;

/// The `new_guid` function.
pub struct NewGuid;

impl ScalarFunction for NewGuid {
    fn name(&self) -> &'static str {
        "new_guid"
    }
    fn volatile(&self) -> bool {
        true
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity("new_guid", &args, 0, span)?;
        Ok((args, KqlType::Guid))
    }
    fn invoke(&self, _: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let out: StringArray = (0..rows)
            .map(|_| {
                let mut bytes = [0u8; 16];
                fastrand::fill(&mut bytes);
                // Lower-case canonical text, hunt's representation of a guid.
                Some(
                    uuid::Builder::from_random_bytes(bytes)
                        .into_uuid()
                        .hyphenated()
                        .to_string(),
                )
            })
            .collect();
        Ok(ArgValue::Array(Arc::new(out)))
    }
}
