//! Typing of the special functions `gamma`, `loggamma`, `beta_cdf` and `beta_pdf`: real
//! arguments, a real result. `beta_inv` is refused: the docs' example value is not the
//! exact inverse of `beta_cdf` (hunt's `beta_cdf` matches the docs'), so it comes from a
//! numeric method hunt cannot reproduce digit for digit.

use super::{Binder, LibFunc};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, args: Vec<Expr>) -> Result<Expr, PlanError> {
    use LibFunc::*;
    let n = match b.f {
        Gamma | LogGamma => 1,
        BetaCdf | BetaPdf => 3,
        _ => {
            return Err(PlanError::invalid(
                b.span,
                format!("bug: `{}` bound as a statistics function", b.name),
            ));
        }
    };
    b.arity(&args, n, n)?;
    let a = args
        .into_iter()
        .map(|e| b.real(e))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(b.call(a, KqlType::Real))
}
