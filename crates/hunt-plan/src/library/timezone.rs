//! Typing of `datetime_utc_to_local(dt, tz)` and `datetime_local_to_utc(dt, tz)`: a
//! datetime and an IANA time-zone name, a datetime result.

use super::{Binder, LibFunc};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, mut args: Vec<Expr>) -> Result<Expr, PlanError> {
    if !matches!(
        b.f,
        LibFunc::DatetimeUtcToLocal | LibFunc::DatetimeLocalToUtc
    ) {
        return Err(PlanError::invalid(
            b.span,
            format!("bug: `{}` bound as a time-zone function", b.name),
        ));
    }
    b.arity(&args, 2, 2)?;
    let tz = b.exact(args.remove(1), KqlType::String)?;
    let dt = b.exact(args.remove(0), KqlType::DateTime)?;
    Ok(b.call(vec![dt, tz], KqlType::DateTime))
}
