//! Typing of `parse_urlquery(query)` and `parse_csv(text)`: a string in, a dynamic value
//! out (a bag with "Query Parameters", an array of strings).

use super::{Binder, LibFunc};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, mut args: Vec<Expr>) -> Result<Expr, PlanError> {
    if !matches!(b.f, LibFunc::ParseUrlQuery | LibFunc::ParseCsv) {
        return Err(PlanError::invalid(
            b.span,
            format!("bug: `{}` bound as a parsing function", b.name),
        ));
    }
    b.arity(&args, 1, 1)?;
    Ok(b.call(vec![b.string(args.remove(0))?], KqlType::Dynamic))
}
